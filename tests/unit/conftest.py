"""Test settings shared by the unit tests: CPU JAX, a non-interactive matplotlib, quiet tqdm, and
the hypothesis profiles.

Profiles: ``ci`` (derandomized, so a CI run is reproducible, and more examples) is chosen when
``CI=true`` (GitHub Actions sets it); ``dev`` (few examples, fast) otherwise. ``HYPOTHESIS_PROFILE``
chooses one explicitly. A test's own ``@settings(max_examples=...)`` still wins over the profile's
count; derandomization applies to every test.
"""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")

from pathlib import Path  # noqa: E402

from hypothesis import settings  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]

settings.register_profile("ci", derandomize=True, max_examples=200, deadline=None, print_blob=True)
# derandomize is set explicitly: under CI=true hypothesis's own defaults are derandomized, and a
# profile inherits the defaults.
settings.register_profile("dev", derandomize=False, max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev"))


def assert_figure_finite(fig) -> None:
    """Slider-range tests: every line, scatter and bar of ``fig`` is finite, and something is
    drawn (an image counts as drawn). Closes the figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    arrays = []
    for ax in fig.axes:
        arrays += [np.asarray(line.get_ydata(), float) for line in ax.get_lines()]
        arrays += [np.asarray(c.get_offsets(), float) for c in ax.collections]
        arrays.append(np.asarray([p.get_height() for p in ax.patches], float))
    drawn = any(a.size for a in arrays) or any(ax.images for ax in fig.axes)
    plt.close(fig)
    assert all(np.isfinite(a).all() for a in arrays), "a figure shows NaN or infinity"
    assert drawn, "the figure is empty"

"""Run modes, seeds, plot style and warnings for every notebook of the book."""

from __future__ import annotations

import logging
import os
import random
import warnings
from pathlib import Path

import numpy as np

from ._checks import check_seed

SCALE_VARIABLE = "THEORYBOOK_SCALE"
SCALES = ("default", "paper")
_STYLE = Path(__file__).with_name("theorybook.mplstyle")


def scale() -> str:
    """The run mode: ``"default"`` (laptop sizes, what the book stores) or ``"paper"``.

    Read from the environment variable ``THEORYBOOK_SCALE``; unset or empty means ``"default"``.

    Raises:
        ValueError: for any other value, naming the variable and the allowed values.
    """
    value = os.environ.get(SCALE_VARIABLE, "").strip().lower() or "default"
    if value not in SCALES:
        raise ValueError(
            f"{SCALE_VARIABLE}={os.environ[SCALE_VARIABLE]!r} is not a run mode; "
            f"allowed values: {', '.join(SCALES)} (unset means default)"
        )
    return value


def by_scale(*, default, paper):
    """Return ``default`` or ``paper`` according to :func:`scale`.

    Notebooks write their sizes once, side by side, so a reader sees what the paper used::

        n_samples = by_scale(default=2_000, paper=100_000)
    """
    return paper if scale() == "paper" else default


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Prepare a notebook: seeds, the book's plot style, quiet known warnings.

    Seeds Python's ``random`` and numpy's legacy global state (for third-party code that still
    reads them) and returns a fresh ``numpy.random.Generator`` for the notebook's own draws.
    JAX code takes explicit keys and needs no global seed.

    Raises:
        ValueError: if ``seed`` is not a non-negative integer, or ``THEORYBOOK_SCALE`` is invalid.
    """
    seed = check_seed(seed)
    scale()  # fail at the top of the notebook, not in the middle, on a bad run mode
    random.seed(int(seed))
    np.random.seed(int(seed))
    _apply_style()
    _silence_known_warnings()
    return np.random.default_rng(int(seed))


def _apply_style() -> None:
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    plt.style.use(str(_STYLE))
    # Notebooks show PNGs; the style fixes their size so stored outputs do not depend on the
    # screen of whoever ran ``make notebooks``.
    mpl.rcParams["figure.dpi"] = 100


def _silence_known_warnings() -> None:
    # JAX on a CPU-only machine announces that it found no GPU; harmless, and it would
    # otherwise appear in every stored notebook output.
    logging.getLogger("jax._src.xla_bridge").setLevel(logging.ERROR)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="jupyter_client")
    warnings.filterwarnings("ignore", message=".*IProgress not found.*")
    try:
        from tqdm import TqdmExperimentalWarning

        warnings.filterwarnings("ignore", category=TqdmExperimentalWarning)
    except ImportError:  # pragma: no cover - tqdm is a dependency
        pass

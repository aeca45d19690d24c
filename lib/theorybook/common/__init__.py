"""What every chapter shares: the base that notebooks and chapter modules build on.

Notebooks:

- :func:`setup_notebook` — seeds, the book's matplotlib style, quiet warnings; returns a Generator.
- :func:`scale` / :func:`by_scale` — the run mode from ``THEORYBOOK_SCALE``.
- :func:`progress` — a tqdm bar that ``TQDM_DISABLE=1`` silences.
- :func:`explore` — sliders over precomputed frames that work in the static book (no kernel).
- :func:`check` — the verdict of a claim with its tolerance, for checked cells.

Chapter modules:

- argument checks: :func:`check_int`, :func:`check_number`, :func:`check_probability`,
  :func:`check_choice`, :func:`check_seed`, :func:`check_seeds`, :func:`check_array`;
- randomness: :func:`rng`, :func:`spawn`, :func:`jax_key`, :func:`sample_sphere`,
  :func:`sample_ball` and their JAX versions;
- statistics and figures: :func:`mean_se`, :func:`figure_axis`, :func:`error_band`.
"""

from ._checks import (check_array, check_choice, check_int, check_number, check_probability,
                      check_seed, check_seeds)
from ._explore import MAX_FRAMES, Explorer, explore
from ._plotting import error_band, figure_axis
from ._progress import progress
from ._random import (jax_key, rng, sample_ball, sample_ball_jax, sample_sphere,
                      sample_sphere_jax, spawn)
from ._setup import SCALES, by_scale, scale, setup_notebook
from ._stats import CHECK_FAILED, CHECK_PASSED, check, mean_se

__all__ = [
    "CHECK_FAILED",
    "CHECK_PASSED",
    "MAX_FRAMES",
    "SCALES",
    "Explorer",
    "by_scale",
    "check",
    "check_array",
    "check_choice",
    "check_int",
    "check_number",
    "check_probability",
    "check_seed",
    "check_seeds",
    "error_band",
    "explore",
    "figure_axis",
    "jax_key",
    "mean_se",
    "progress",
    "rng",
    "sample_ball",
    "sample_ball_jax",
    "sample_sphere",
    "sample_sphere_jax",
    "scale",
    "setup_notebook",
    "spawn",
]

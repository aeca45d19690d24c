"""What every chapter shares: seeds and plot style, run modes, progress bars, interactive figures.

Public API (fixed by the foundation issue):

- :func:`setup_notebook` — seeds, the book's matplotlib style, quiet warnings; returns a Generator.
- :func:`scale` — ``"default"`` or ``"paper"`` from ``THEORYBOOK_SCALE``; :func:`by_scale` picks
  a value for the current mode.
- :func:`progress` — a tqdm bar that ``TQDM_DISABLE=1`` silences.
- :func:`explore` — sliders over precomputed frames that work in the static book (no kernel).
"""

from ._explore import MAX_FRAMES, Explorer, explore
from ._progress import progress
from ._setup import SCALES, by_scale, scale, setup_notebook

__all__ = [
    "MAX_FRAMES",
    "SCALES",
    "Explorer",
    "by_scale",
    "explore",
    "progress",
    "scale",
    "setup_notebook",
]

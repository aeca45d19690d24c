"""Plot helpers every chapter's ``plots.py`` uses: an axis to draw on, a band of ±k s.e."""

from __future__ import annotations

import numpy as np

__all__ = ["error_band", "figure_axis"]


def figure_axis(ax=None, *, figsize=(5.5, 3.4), **subplot_kw):
    """``(figure, axis)``: the given axis and its figure, or a new figure of ``figsize``.

    Plot functions take ``ax=None`` and start with ``fig, ax = figure_axis(ax)`` so that a
    notebook can place them in its own grid of panels.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize, subplot_kw=subplot_kw or None)
        return fig, ax
    return ax.figure, ax


def error_band(ax, x, mean, se, *, k: float = 1.0, label: str | None = None, color=None,
               alpha: float = 0.25, **line_kw):
    """Draw ``mean`` against ``x`` with a shaded band ``mean ± k·se``; returns the line.

    Name the band in the label (``"±1 s.e., 3 seeds"``) so the reader knows what it is.
    """
    x, mean, se = (np.asarray(a, dtype=float) for a in (x, mean, se))
    line, = ax.plot(x, mean, label=label, color=color, **line_kw)
    ax.fill_between(x, mean - k * se, mean + k * se, color=line.get_color(), alpha=alpha, lw=0)
    return line

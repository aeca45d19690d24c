"""Statistics every comparison table uses: mean and standard error over seeds, and a verdict."""

from __future__ import annotations

import numpy as np

__all__ = ["CHECK_FAILED", "CHECK_PASSED", "check", "mean_se"]

CHECK_PASSED = "✓"
CHECK_FAILED = "✗ FAILED"


def mean_se(values, axis: int = 0) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Mean and standard error of the mean along ``axis`` (ddof = 1).

    One value along ``axis`` has no spread: its standard error is ``nan``, not 0, so a table
    never shows a single run as exact.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 0 or x.shape[axis] == 0:
        raise ValueError(f"values must have at least one entry along axis {axis}, got shape {x.shape}")
    n = x.shape[axis]
    mean = x.mean(axis=axis)
    se = x.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.nan)
    if np.ndim(mean) == 0:
        return float(mean), float(se)
    return mean, se


def check(label: str, condition, detail: str = "") -> None:
    """Print the verdict of a claim, for a cell tagged ``nbval-check-output``.

    A checked cell pins only what holds on every machine (CONTRIBUTING.md, "Checked cells"):
    for a statistical result that is the claim and its tolerance, never the raw digits::

        check("network and SDE agree within 3 s.e.", abs(a - b) < 3 * se,
              "tolerance: 3 s.e. of the difference, 16 networks")

    prints ``✓ network and SDE agree within 3 s.e. (tolerance: ...)``. A failed claim prints
    ``✗ FAILED ...``; ``make notebooks`` refuses to store a notebook that prints it, and nbval
    fails on it because the stored output says ``✓``. Returns nothing, so that a cell can end
    with ``check(...)`` without an ``Out[]`` line; tests assert the condition itself.

    Raises:
        ValueError: if ``condition`` is empty (``all`` of nothing would pass silently).
    """
    condition = np.asarray(condition)
    if condition.size == 0:
        raise ValueError(f"condition of check {label!r} is empty")
    mark = CHECK_PASSED if bool(np.all(condition)) else CHECK_FAILED
    print(f"{mark} {label}" + (f" ({detail})" if detail else ""))

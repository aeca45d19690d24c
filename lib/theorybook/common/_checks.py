"""Argument checks for every public function of the package, with one message format.

Each check returns the converted value (``int``, ``float``, ``numpy`` array, ...) or raises a
``ValueError`` whose message names the argument, the allowed range and the value received::

    d = check_int("d", d, low=2)                  # d must be an integer >= 2, got 1
    eta = check_number("eta", eta, low=0, low_open=True)    # eta must be a finite number > 0
    p = check_probability("p", p)                 # p must be a finite number in [0, 1]
    X = check_array("X", X, ndim=2, shape=(None, d))

Chapter modules call these instead of writing their own; a chapter keeps a check of its own only
when it is specific to its mathematics (a row on the unit sphere, a valid multi-index).
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = [
    "check_array",
    "check_choice",
    "check_int",
    "check_number",
    "check_probability",
    "check_seed",
    "check_seeds",
]


def _is_integer(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, Integral):
        return True
    # 3.0 is accepted as 3 (slider values and numpy floats often arrive this way).
    return isinstance(value, Real) and math.isfinite(float(value)) and float(value) == int(value)


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """``int(value)`` if ``value`` is an integer in ``[low, high]`` (either bound optional)."""
    ok = _is_integer(value)
    if ok:
        ok = (low is None or value >= low) and (high is None or value <= high)
    if not ok:
        raise ValueError(f"{name} must be an integer{_range(low, high, False, False)}, got {value!r}")
    return int(value)


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """``float(value)`` if it is a finite real number in the range (closed unless ``*_open``)."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    ok = isinstance(value, (Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok:
        x = float(value)
        ok = math.isfinite(x)
        if ok and low is not None:
            ok = x > low if low_open else x >= low
        if ok and high is not None:
            ok = x < high if high_open else x <= high
    if not ok:
        rng = _range(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a finite number{rng}, got {value!r}")
    return float(value)


def check_probability(name: str, value: Any, *, open_ends: bool = False) -> float:
    """A number in [0, 1] (or (0, 1) with ``open_ends``)."""
    return check_number(name, value, low=0.0, high=1.0, low_open=open_ends, high_open=open_ends)


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: a non-negative integer (the package's one convention; see ``seeds`` below)."""
    return check_int(name, value, low=0)


def check_seeds(value: Any, name: str = "seeds") -> tuple[int, ...]:
    """``seeds`` everywhere means a non-empty sequence of seeds (a tuple, list or range).

    A bare integer is refused rather than read as a count, so ``seeds=3`` cannot silently mean
    either ``(3,)`` or ``(0, 1, 2)``; write ``seeds=range(3)``.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, range, np.ndarray)):
        raise ValueError(f"{name} must be a non-empty sequence of seeds (e.g. range(3)), got {value!r}")
    seeds = tuple(check_seed(s, name) for s in value)
    if not seeds:
        raise ValueError(f"{name} must be a non-empty sequence of seeds, got {value!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"{name} must not repeat a seed, got {value!r}")
    return seeds


def check_array(name: str, value: Any, *, ndim: int | None = None,
                shape: Sequence[int | None] | None = None, finite: bool = True,
                dtype: Any = float) -> np.ndarray:
    """``numpy.asarray(value, dtype)`` checked for ``ndim``, ``shape`` (``None`` = any size along
    that axis) and, by default, finite entries."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if shape is not None:
        ndim = len(shape)
    if ndim is not None and arr.ndim != ndim:
        want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")" if shape else f"{ndim}-d"
        raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")
    if shape is not None and any(s is not None and s != a for s, a in zip(shape, arr.shape)):
        want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")
    if finite and arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr


def _range(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""

r"""The trivial baselines beside every error of the chapter (checklist item 9).

- the **zero predictor** :math:`f \equiv 0`: its training error is :math:`\frac1n\sum_i y_i^2` and
  its error against the ground truth is :math:`\frac1n\sum_i f_0(x_i)^2` (about
  :math:`\mathrm{Var} f_0 = 1/(d+2)` for the paper's linear target on the unit ball);
- **ordinary least squares** with an intercept, :math:`f(x) = c^\top x + c_0`: for the linear
  target it is the well-specified parametric estimator, with error about
  :math:`\sigma^2 (d+1)/n` against :math:`f_0` in sample.

A method's rate is only meaningful over the sample sizes where it beats the zero predictor.
"""

from __future__ import annotations

import numpy as np

from theorybook.common import check_array

from ._model import _as_X


def least_squares(X, y) -> tuple[np.ndarray, float]:
    r"""Ordinary least squares with an intercept: :math:`\arg\min_{c, c_0}\sum_i (c^\top x_i + c_0 - y_i)^2`.

    Returns ``(c, c0)`` (the minimum-norm solution when the design is rank deficient).

    Raises:
        ValueError: malformed ``X`` (n, d) or ``y`` (n,).
    """
    X = _as_X(X)
    y = check_array("y", y, shape=(X.shape[0],))
    coef = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    return coef[:-1], float(coef[-1])


def baseline_errors(X, y, f0, *, X_test=None, f0_test=None) -> dict:
    r"""Errors of the zero predictor and of least squares, in the chapter's three metrics.

    For each baseline: ``train`` (the training error :math:`\frac1n\sum_i(f(x_i)-y_i)^2 = 2L`),
    ``mse`` (the paper's in-sample error :math:`\frac1n\sum_i(f(x_i)-f_0(x_i))^2`) and, when
    ``X_test`` and ``f0_test`` are given, ``test`` (the out-of-sample error
    :math:`\frac1m\sum_j(f(x'_j)-f_0(x'_j))^2`).

    Returns:
        ``{"zero": {...}, "least squares": {...}}`` of floats.

    Raises:
        ValueError: malformed arrays, or only one of ``X_test``, ``f0_test`` given.
    """
    X = _as_X(X)
    y = check_array("y", y, shape=(X.shape[0],))
    f0 = check_array("f0", f0, shape=y.shape)
    if (X_test is None) != (f0_test is None):
        raise ValueError("X_test and f0_test must be given together")
    c, c0 = least_squares(X, y)
    fits = {"zero": lambda Z: np.zeros(len(Z)), "least squares": lambda Z: Z @ c + c0}
    out = {}
    for name, fit in fits.items():
        out[name] = {"train": float(np.mean((fit(X) - y) ** 2)),
                     "mse": float(np.mean((fit(X) - f0) ** 2))}
    if X_test is not None:
        X_test = _as_X(X_test, X.shape[1])
        f0_test = check_array("f0_test", f0_test, shape=(X_test.shape[0],))
        for name, fit in fits.items():
            out[name]["test"] = float(np.mean((fit(X_test) - f0_test) ** 2))
    return out

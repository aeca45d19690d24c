"""Plain-numpy references the unit tests and benchmarks compare the JAX code with."""

from __future__ import annotations

import numpy as np


def _sigma(h, activation):
    if activation == "relu":
        return np.maximum(h, 0.0), (h > 0).astype(h.dtype)
    if activation == "tanh":
        t = np.tanh(h)
        return t, 1.0 - t**2
    return np.logaddexp(0.0, h), 1.0 / (1.0 + np.exp(-h))


def mean_field_gd(a, w, X, y, *, lr, steps, activation="relu"):
    """Mean-field GD written out: a_i -= η/N Σ_n r_n σ(w_i·x_n), w_i -= η/N Σ_n r_n a_i σ'(w_i·x_n)
    x_n with r = f − y and f = (1/m) Σ_i a_i σ(w_i·x); one network, a Python loop over steps."""
    a, w = np.array(a, dtype=float), np.array(w, dtype=float)
    n, m = X.shape[0], a.shape[0]
    for _ in range(steps):
        s, sp = _sigma(X @ w.T, activation)
        r = (s @ a / m - y) / n
        a, w = a - lr * (s.T @ r), w - lr * a[:, None] * ((sp * r[:, None]).T @ X)
    return a, w

"""Plain-numpy references for the unit tests and the benchmarks (one implementation each).

Tests import this module through ``sys.path`` (``ROOT / "tests"``, see ``tests/unit/conftest.py``),
benchmarks through the path of their own folder's parent.
"""

from __future__ import annotations

import math

import numpy as np

# --- neural_shattering: full-batch GD on a ReLU network ------------------------------------
# Weight decay acts on the weights w and v, not on the biases b and beta (train_gd's default).
DECAY = {"w": 1.0, "b": 0.0, "v": 1.0, "beta": 0.0}


def relu_gd_step(p: dict, X, y, *, lr: float, weight_decay: float = 0.0,
                 clip: float = math.inf) -> dict:
    r"""One full-batch GD step of ``neural_shattering.train_gd``, from the closed-form gradient.

    For :math:`f(x) = \sum_k v_k\,\mathrm{ReLU}(w_k^\top x - b_k) + \beta` and
    :math:`L = \frac{1}{2n}\sum_i (f(x_i) - y_i)^2`, with :math:`r_i = (f(x_i) - y_i)/n`:
    :math:`\partial_{w_k} L = \sum_i r_i v_k 1\{z_{ik} > 0\} x_i`, :math:`\partial_{b_k} L =
    -\sum_i r_i v_k 1\{z_{ik} > 0\}`, :math:`\partial_{v_k} L = \sum_i r_i \mathrm{ReLU}(z_{ik})`,
    :math:`\partial_\beta L = \sum_i r_i`. The gradient is scaled to global norm at most ``clip``
    (PyTorch's ``clip_grad_norm_``), then
    :math:`\theta \leftarrow \theta - \eta(c\,\nabla L + \lambda\,\mathrm{mask}\,\theta)`.
    """
    z = X @ p["w"].T - p["b"]
    h = np.maximum(z, 0.0)
    r = (h @ p["v"] + p["beta"] - y) / len(y)
    act = (z > 0) * p["v"] * r[:, None]
    g = {"w": act.T @ X, "b": -act.sum(0), "v": h.T @ r, "beta": r.sum()}
    c = min(1.0, clip / math.sqrt(sum(float(np.sum(a * a)) for a in g.values())))
    return {k: p[k] - lr * (c * g[k] + weight_decay * DECAY[k] * p[k]) for k in p}


def relu_gd(p: dict, X, y, *, lr: float, steps: int, **step) -> dict:
    """``steps`` steps of :func:`relu_gd_step` from ``p`` (numpy float64 copies)."""
    p = {k: np.array(v, dtype=np.float64) for k, v in p.items()}
    for _ in range(steps):
        p = relu_gd_step(p, X, y, lr=lr, **step)
    return p


# --- propagation_of_chaos: mean-field gradient descent ------------------------------------
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

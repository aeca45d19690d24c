r"""The data-dependent weight function and the weighted variation seminorm (paper §3, Thm 3.2).

For inputs :math:`X` drawn uniformly from the training points (or from a population law),

.. math::
   \tilde g(u,t) = P(X^\top u > t)^2\; E[X^\top u - t \mid X^\top u > t]\;
                   \sqrt{1 + \|E[X \mid X^\top u > t]\|^2},
   \qquad g(u,t) = \min\{\tilde g(u,t),\, \tilde g(-u,-t)\}

(the form of Nacson et al. 2023 used in the paper). Since
:math:`P^2\,E[X^\top u - t\mid\cdot] = P\,E[(X^\top u - t)_+]` and
:math:`P\,E[X\mid\cdot] = E[X\,1\{X^\top u>t\}]`, we evaluate the division-free form

.. math:: \tilde g(u,t) = E[(X^\top u - t)_+]\,\sqrt{P(X^\top u>t)^2 + \|E[X\,1\{X^\top u > t\}]\|^2}.
"""

from __future__ import annotations


import numpy as np
from scipy import special

from theorybook.common import check_array, check_int, check_number

from ._model import _as_params, _as_X


def _g_tilde(proj: np.ndarray, t: np.ndarray, X: np.ndarray) -> np.ndarray:
    """g~ for directions with projections ``proj`` (n, m) of X (n, d) and offsets t (m,)."""
    active = proj > t
    excess = np.mean(np.maximum(proj - t, 0.0), axis=0)
    prob = np.mean(active, axis=0)
    mean_x = (active.T.astype(np.float64) @ X) / X.shape[0]  # E[X 1{X^T u > t}], shape (m, d)
    return excess * np.sqrt(prob**2 + np.sum(mean_x**2, axis=1))


def weight_function(u, t, X) -> np.ndarray:
    r"""Empirical weight :math:`g(u,t)` of Theorem 3.2 for the inputs ``X`` (n, d).

    Args:
        u: unit direction(s), shape (d,) or (m, d) (normalised here).
        t: offset(s), a scalar or shape (m,) (broadcast against ``u``).
        X: the training inputs.

    Returns:
        float64 array of shape (m,) (or a 0-d array for one direction). It vanishes when the
        hyperplane :math:`u^\top x = t` misses the data (the neuron is affine on them).

    Raises:
        ValueError: ``u`` with a wrong shape or a zero row, ``t`` not finite, ``X`` malformed.
    """
    X = _as_X(X)
    u = check_array("u", u)
    single = u.ndim == 1
    u = np.atleast_2d(u)
    if u.ndim != 2 or u.shape[1] != X.shape[1]:
        raise ValueError(f"u must have shape (d,) or (m, d) with d = {X.shape[1]}, got {u.shape}")
    norms = np.linalg.norm(u, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("u must have nonzero rows (directions)")
    u = u / norms
    t = check_array("t", t)
    if t.shape not in ((), (u.shape[0],)):
        raise ValueError(f"t must be a scalar or have shape ({u.shape[0]},), got shape {t.shape}")
    t = np.broadcast_to(t, (u.shape[0],))
    proj = X @ u.T
    g = np.minimum(_g_tilde(proj, t, X), _g_tilde(-proj, -t, X))
    return g[0] if single and g.shape == (1,) else g


def vg_seminorm(params: dict, X, R: float = 1.0) -> float:
    r"""Weighted variation seminorm of a finite network, :math:`|f_\theta|_{V_g} = \sum_k |v_k|\,\|w_k\|\,g(u_k,t_k)`.

    With :math:`u_k = w_k/\|w_k\|` and :math:`t_k = b_k/\|w_k\|` and the empirical weight
    :math:`g` of ``X`` (:func:`weight_function`); this is the paper's formula for a network in
    reduced form (§3, after Def. 3.1), exact for generic (randomly initialised, trained) weights.
    Theorem 3.2 bounds it by :func:`thm32_bound`.

    Args:
        params: network parameters.
        X: training inputs (n, d); Theorem 3.2 needs them in the ball of radius ``R``.
        R: radius of the data ball (checked: every :math:`\|x_i\| \le R`).

    Raises:
        ValueError: malformed ``params``/``X``; ``R`` not positive, or some input outside the ball.
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    R = check_number("R", R, low=0, low_open=True)
    if np.max(np.linalg.norm(X, axis=1)) > R * (1 + 1e-12):
        raise ValueError(f"every input must lie in the ball of radius R = {R:g}")
    wn = np.linalg.norm(p["w"], axis=1)
    live = wn > 0  # a neuron with w_k = 0 is constant: it costs nothing
    if not np.any(live):
        return 0.0
    g = weight_function(p["w"][live], p["b"][live] / wn[live], X)
    return float(np.sum(np.abs(p["v"][live]) * wn[live] * g))


def _ball_moments(t: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""For :math:`s = u^\top X`, X uniform in :math:`B_1^d`: :math:`P(s>t)`, :math:`E[(s-t)_+]`,
    :math:`E[s\,1\{s>t\}]` at :math:`0 \le t < 1`, without cancellation near t = 1.

    The density of s is :math:`(1-s^2)^a/B(\tfrac12, a+1)`, :math:`a = (d-1)/2`. Substituting
    :math:`s = t + (1-t)x` makes both tail integrals :math:`(1-t)^{a+1}` or :math:`(1-t)^{a+2}`
    times a smooth integral over [0, 1], done by Gauss-Jacobi quadrature with weight
    :math:`(1-x)^a` (exact up to float64 for these polynomial-like integrands).
    """
    a = (d - 1) / 2
    norm = special.beta(0.5, a + 1)
    # roots_jacobi(k, alpha, beta) has weight (1-z)^alpha (1+z)^beta on [-1, 1]; z = 2x - 1.
    z, w = special.roots_jacobi(64, a, 0.0)
    x = (z + 1) / 2
    w = w / 2 ** (a + 1)  # dx = dz/2 and (1-x)^a = ((1-z)/2)^a
    smooth = (1 + t[:, None] + (1 - t[:, None]) * x) ** a  # (1+s)^a
    tail = (1 - t) ** (a + 1) * (smooth @ w) / norm
    excess = (1 - t) ** (a + 2) * ((smooth * x) @ w) / norm
    first = (1 - t**2) ** (a + 1) / (2 * (a + 1) * norm)  # closed form of int_t^1 s (1-s^2)^a ds
    return tail, excess, first


def population_weight(t, d: int) -> np.ndarray:
    r"""Population weight :math:`g_P(t)` for :math:`X \sim U(B_1^d)` (§3, "uniform ball"; App. E).

    By rotation invariance :math:`g_P(u,t)` does not depend on the unit vector :math:`u`, and
    :math:`E[X\mid u^\top X>t] = u\,E[s\mid s>t]` with :math:`s = u^\top X`, so
    :math:`\tilde g(t) = E[(s-t)_+]\sqrt{P(s>t)^2 + E[s\,1\{s>t\}]^2}` and
    :math:`g_P(t) = \min\{\tilde g(t), \tilde g(-t)\}`. It vanishes for :math:`|t| \ge 1` and
    behaves like :math:`(1-|t|)^{d+2}` as :math:`|t| \to 1`.

    Args:
        t: offsets, any shape.
        d: input dimension (positive integer).

    Returns:
        float64 array shaped like ``t``.

    Raises:
        ValueError: ``d`` not a positive integer, ``t`` not finite.
    """
    d = check_int("d", d, low=1)
    t = check_array("t", t)
    s = np.minimum(np.abs(t).ravel(), 1.0)
    inside = s < 1
    out = np.zeros_like(s)
    tail, excess, first = _ball_moments(s[inside], d)
    g_pos = excess * np.sqrt(tail**2 + first**2)
    # The mirrored side at -s: P(s' > -s) = 1 - tail, E[(s' + s)_+] = s + excess (by symmetry),
    # and E[s' 1{s' > -s}] = first (its closed form is even in t).
    g_neg = (s[inside] + excess) * np.sqrt((1 - tail) ** 2 + first**2)
    out[inside] = np.minimum(g_pos, g_neg)
    return out.reshape(t.shape)

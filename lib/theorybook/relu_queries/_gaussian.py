r"""Closed forms for ReLUs with a bias under the standard Gaussian, and exact conditional sampling.

For :math:`g \sim N(0, 1)`, :math:`\varphi` the normal density and :math:`\bar\Phi = 1 - \Phi`:

.. math::
    \Pr[g > t] = \bar\Phi(t),\quad \mathbb E(g - t)_+ = \varphi(t) - t\bar\Phi(t),\quad
    \mathbb E(g - t)_+^2 = (1 + t^2)\bar\Phi(t) - t\varphi(t).

A ReLU :math:`x \mapsto (w\cdot x - t)_+` under :math:`x \sim N(0, I_d)` has the law of
:math:`\lVert w\rVert (g - t/\lVert w\rVert)_+`; its activity is
:math:`p = \bar\Phi(t/\lVert w\rVert)` (Diakonikolas, Kane & Ma, the "bias mass" of the target).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import integrate, special, stats

from ..common import check_array, check_int, check_number, rng

__all__ = ["activity", "relu_error", "relu_moments", "sample_halfspace_gaussian"]


def _phi(z):
    return np.exp(-0.5 * np.square(z)) / np.sqrt(2 * np.pi)


def _tail(z):
    return special.ndtr(-np.asarray(z, dtype=float))


def relu_moments(t) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    r"""``(p, m1, m2)`` = :math:`(\bar\Phi(t),\ \mathbb E(g-t)_+,\ \mathbb E(g-t)_+^2)`,
    :math:`g \sim N(0,1)`, elementwise in ``t`` (floats for a scalar ``t``).

    For ``t`` >= 0 the ratio ``m2 / p`` is 1 at ``t = 0`` and decreases, so ``m2 <= p``: the zero
    predictor's error against a unit-norm target is at most its activity.

    Raises:
        ValueError: if ``t`` is not finite.
    """
    t = check_array("t", t)
    p, phi = _tail(t), _phi(t)
    m1 = phi - t * p
    m2 = (1 + t * t) * p - t * phi
    if t.ndim == 0:
        return float(p), float(m1), float(m2)
    return p, m1, m2


def activity(t_star, w_star) -> float:
    r"""The bias mass :math:`p = \Pr_x[w^*\cdot x > t^*] = \bar\Phi(t^*/\lVert w^*\rVert)`.

    ``w_star`` is a vector (shape (d,)); for ``w_star = 0`` the target is the constant
    :math:`(-t^*)_+`, active everywhere (p = 1) when ``t_star`` < 0 and nowhere (p = 0) otherwise.

    Raises:
        ValueError: if ``t_star`` is not a finite number or ``w_star`` not a finite vector.
    """
    t_star = check_number("t_star", t_star)
    w_star = check_array("w_star", w_star, ndim=1)
    norm = float(np.linalg.norm(w_star))
    if norm == 0.0:
        return 1.0 if t_star < 0 else 0.0
    return float(_tail(t_star / norm))


def _constant_error(c: float, w, t) -> float:
    """E((w·x - t)_+ - c)^2 for a constant c (one of the two ReLUs has w = 0)."""
    norm = float(np.linalg.norm(w))
    if norm == 0.0:
        return (max(-t, 0.0) - c) ** 2
    _, m1, m2 = relu_moments(t / norm)
    return norm**2 * m2 - 2 * c * norm * m1 + c * c


def relu_error(w, t, w_star, t_star) -> float:
    r"""Exact :math:`\mathbb E_{x\sim N(0,I_d)}\big((w\cdot x - t)_+ - (w^*\cdot x - t^*)_+\big)^2`.

    With :math:`a = w\cdot x = \lVert w\rVert z` and :math:`b = w^*\cdot x`, the law of :math:`b`
    given :math:`z` is :math:`N(m(z), s^2)`, :math:`m(z) = c z/\lVert w\rVert`,
    :math:`s^2 = \lVert w^*\rVert^2 - c^2/\lVert w\rVert^2`, :math:`c = w\cdot w^*`. With
    :math:`k = (m - t^*)/s`, :math:`M_1 = \mathbb E[(b-t^*)_+ \mid z] = s\varphi(k) + (m-t^*)\Phi(k)`
    and :math:`\mathrm{Var}[(b - t^*)_+\mid z] = s^2 V(k)`, where
    :math:`V(k) = (1 + k^2)\Phi(k) + k\varphi(k) - (\varphi(k) + k\Phi(k))^2`, so

    .. math:: \mathbb E(h - f)^2 = \int \big[\big((\lVert w\rVert z - t)_+ - M_1(z)\big)^2
              + s^2 V(k(z))\big]\,\varphi(z)\,dz,

    a one-dimensional integral of a non-negative function (no cancellation even when
    :math:`h \approx f`), evaluated by adaptive quadrature split at the kinks. ``w`` and
    ``w_star`` have shape (d,). Either may be zero (the ReLU is then a constant).

    Raises:
        ValueError: if the vectors are not finite, of different lengths, or t, t_star not finite.
    """
    w = check_array("w", w, ndim=1)
    w_star = check_array("w_star", w_star, shape=(w.shape[0],))
    t, t_star = check_number("t", t), check_number("t_star", t_star)
    nw, ns = float(np.linalg.norm(w)), float(np.linalg.norm(w_star))
    if nw == 0.0:
        return max(_constant_error(max(-t, 0.0), w_star, t_star), 0.0)
    if ns == 0.0:
        return max(_constant_error(max(-t_star, 0.0), w, t), 0.0)
    c = float(w @ w_star)
    s2 = max(ns * ns - c * c / (nw * nw), 0.0)
    s = np.sqrt(s2)
    deterministic = s <= 1e-12 * ns

    def integrand(z):
        h = max(nw * z - t, 0.0)
        m = c * z / nw
        if deterministic:
            return (h - max(m - t_star, 0.0)) ** 2 * _phi(z)
        k = (m - t_star) / s
        cdf, pdf = special.ndtr(k), _phi(k)
        m1 = s * pdf + (m - t_star) * cdf
        var = 1.0 if k > 8 else max((1 + k * k) * cdf + k * pdf - (pdf + k * cdf) ** 2, 0.0)
        return ((h - m1) ** 2 + s2 * var) * _phi(z)

    # breakpoints: the kink of h, the point where E[b | z] crosses t*, and +-40 (phi underflows)
    kinks = [t / nw] + ([t_star * nw / c] if c != 0.0 else [])
    edges = sorted({-40.0, 40.0, *(float(np.clip(k, -40.0, 40.0)) for k in kinks)})
    total = 0.0
    with warnings.catch_warnings():
        # quad flags round-off when a piece is ~1e-30: its absolute error is then negligible
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for lo, hi in zip(edges[:-1], edges[1:]):
            if hi > lo:
                total += integrate.quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-11, limit=200)[0]
    return float(total)


def sample_halfspace_gaussian(u, a, n, seed=0) -> np.ndarray:
    r"""``n`` exact draws of :math:`x \sim N(0, I_d)` conditioned on :math:`u\cdot x \ge a`.

    :math:`x = s\,u + (I - uu^\top)g` with :math:`s` a standard normal truncated to
    :math:`[a, \infty)` (``scipy.stats.truncnorm``) and :math:`g \sim N(0, I_d)`: no draw is
    rejected, however small :math:`\Pr[u\cdot x \ge a] = \bar\Phi(a)` is. Shape (n, d).

    Raises:
        ValueError: if ``u`` is not a unit vector, ``a`` not finite or ``n`` < 1.
    """
    u = check_array("u", u, ndim=1)
    if abs(float(np.linalg.norm(u)) - 1.0) > 1e-6:
        raise ValueError(f"u must be a unit vector, got norm {np.linalg.norm(u):.6g}")
    a = check_number("a", a, high=30.0)
    n = check_int("n", n, low=1)
    g = rng(seed)
    s = stats.truncnorm.rvs(a, np.inf, size=n, random_state=g)
    x = g.standard_normal((n, u.shape[0]))
    x += np.outer(s - x @ u, u)
    return x

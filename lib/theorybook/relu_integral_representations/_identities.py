r"""The exact identities behind the representation: ReLU ramps in one dimension (I1) and the
Hermite identity (I2).

(I1), integration by parts twice, for :math:`g \in C^2`:

.. math:: g(t) = g(0) + g'(0)\,t + \int_0^\infty g''(b)\,(t-b)_+\,db
          + \int_{-\infty}^0 g''(b)\,(b-t)_+\,db .

Special case :math:`e^t = \int_{\mathbb R} e^b (t-b)_+\,db`. (I2): for :math:`w \sim N(0, I_d)`,
:math:`\mathbb E[He_\alpha(w)\,e^{\langle w, x\rangle}] = x^\alpha e^{\|x\|^2/2}`.
Both are classical; the paper (arXiv:2604.23260, §2–3) builds its representations from
identities of this kind, in a form we could not read (see the chapter's index page).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import Polynomial
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate
from scipy.special import eval_hermitenorm

from theorybook.common import check_array, check_int

__all__ = ["hermite_identity", "relu_identity_1d"]


def _derivatives(g):
    """``(g, g', g'')`` as callables, from a numpy Polynomial or a tuple of three callables."""
    if isinstance(g, Polynomial):
        return g, g.deriv(1), g.deriv(2)
    if isinstance(g, tuple) and len(g) == 3 and all(callable(f) for f in g):
        return g
    raise ValueError("g must be a numpy.polynomial.Polynomial or a tuple (g, g', g'') of "
                     f"callables, got {type(g).__name__}")


def relu_identity_1d(g, t, *, knots: int | None = None) -> np.ndarray:
    r"""Rebuild :math:`g(t)` from ReLU ramps with the identity (I1).

    Args:
        g: a ``numpy.polynomial.Polynomial`` or a tuple ``(g, g1, g2)`` of callables with
            ``g1 = g'`` and ``g2 = g''`` (vectorised over numpy arrays).
        t: points, shape (n,).
        knots: None for the integral (adaptive quadrature, ``scipy.integrate.quad``, at each
            point); an integer K >= 1 for the finite ReLU network with K ramps at the
            midpoints of a uniform grid of [-T, T], T = max|t|: ramps :math:`(t-b_j)_+` for
            :math:`b_j > 0` and :math:`(b_j - t)_+` for :math:`b_j < 0`, outer weights
            :math:`g''(b_j)\,\Delta b` (the midpoint rule of (I1)).
    Returns:
        shape (n,): the right-hand side of (I1).
    Raises:
        ValueError: for a bad ``g``, ``t`` or ``knots``.
    """
    g0, g1, g2 = _derivatives(g)
    t = check_array("t", t, ndim=1)
    base = float(g0(0.0)) + float(g1(0.0)) * t
    if knots is None:
        # only b between 0 and t contributes: (t - b)_+ for b in [0, t], (b - t)_+ for b in [t, 0]
        ramp = [integrate.quad(lambda b, s=s: float(g2(b)) * abs(s - b), min(0.0, s),
                               max(0.0, s), epsabs=1e-13, epsrel=1e-12)[0] for s in t]
        return base + np.asarray(ramp)
    knots = check_int("knots", knots, low=1)
    top = max(float(np.abs(t).max()), 1e-12)
    edges = np.linspace(-top, top, knots + 1)
    b, db = 0.5 * (edges[1:] + edges[:-1]), edges[1] - edges[0]
    ramps = np.where(b > 0, np.maximum(t[:, None] - b, 0.0), np.maximum(b - t[:, None], 0.0))
    return base + ramps @ (np.asarray(g2(b), dtype=float) * db)


def hermite_identity(alpha, x, n_nodes: int = 40) -> tuple[float, float]:
    r"""Both sides of (I2), :math:`\mathbb E_{w}[He_\alpha(w) e^{\langle w,x\rangle}]` and
    :math:`x^\alpha e^{\|x\|^2/2}`, the left by tensor Gauss–HermiteE quadrature.

    The expectation factorises over coordinates, so the tensor rule is a product of
    one-dimensional ``numpy.polynomial.hermite_e.hermegauss`` rules with ``n_nodes`` nodes.

    Args:
        alpha: multi-index, a tuple of d non-negative integers.
        x: point, shape (d,).
        n_nodes: nodes per coordinate (>= 2).
    Returns:
        ``(quadrature, closed_form)``.
    Raises:
        ValueError: for a bad multi-index, ``x`` of another length, or ``n_nodes`` < 2.
    """
    if not isinstance(alpha, tuple) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) and a >= 0
            for a in alpha) or not alpha:
        raise ValueError(f"alpha must be a non-empty tuple of non-negative integers, got {alpha!r}")
    x = check_array("x", x, shape=(len(alpha),))
    n_nodes = check_int("n_nodes", n_nodes, low=2)
    z, wq = hermegauss(n_nodes)
    wq = wq / math.sqrt(2 * math.pi)
    quad = math.prod(float(np.sum(wq * eval_hermitenorm(a, z) * np.exp(z * xi)))
                     for a, xi in zip(alpha, x))
    closed = math.prod(float(xi) ** a for a, xi in zip(alpha, x)) * math.exp(float(x @ x) / 2)
    return quad, closed

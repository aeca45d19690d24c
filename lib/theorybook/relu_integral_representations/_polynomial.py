r"""Polynomials as ``{multi_index: coefficient}`` dicts, their exp-kernel RKHS norm and their
Hermite outer-weight function.

A multi-index shorter than the dimension is padded with zeros, so ``{(1, 1): 1.0}`` is
:math:`x_1 x_2` in any dimension :math:`d \ge 2`; keys that name the same monomial
(``(1,)`` and ``(1, 0)``) are merged.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from scipy.special import eval_hermitenorm

from theorybook.common import check_array

__all__ = ["PRESETS", "evaluate_polynomial", "hermite_weight", "rkhs_norm_sq"]

# Targets of the chapter's sliders and figures (the last one is a worked example of ours:
# ||p||_K^2 = 1 + 0.25 * 2! + 1 = 2.5).
PRESETS = {
    "x1 x2": {(1, 1): 1.0},
    "x1^3": {(3,): 1.0},
    "x1^2 x2^2": {(2, 2): 1.0},
    "x1 x2 + x3^2/2 - x4": {(1, 1): 1.0, (0, 0, 2): 0.5, (0, 0, 0, 1): -1.0},
}


def _coeffs(coeffs, d: int | None = None) -> dict[tuple[int, ...], float]:
    """Validated coefficients: trailing zeros stripped, equal monomials merged, zeros dropped.

    Raises ValueError (naming ``coeffs``) for a non-dict, an empty dict, a multi-index with a
    negative or non-integer entry, a non-finite coefficient, or a multi-index longer than ``d``.
    """
    if not isinstance(coeffs, dict) or not coeffs:
        raise ValueError(f"coeffs must be a non-empty dict {{multi_index: coefficient}}, "
                         f"got {coeffs!r}")
    out: dict[tuple[int, ...], float] = {}
    for alpha, c in coeffs.items():
        if isinstance(alpha, Integral) and not isinstance(alpha, bool):
            alpha = (alpha,)
        if (not isinstance(alpha, tuple)
                or not all(isinstance(a, Integral) and not isinstance(a, bool) and a >= 0
                           for a in alpha)):
            raise ValueError(f"coeffs keys must be tuples of non-negative integers, got {alpha!r}")
        if not isinstance(c, Real) or isinstance(c, bool) or not math.isfinite(float(c)):
            raise ValueError(f"coeffs values must be finite numbers, got {c!r} for {alpha!r}")
        alpha = tuple(int(a) for a in alpha)
        while alpha and alpha[-1] == 0:
            alpha = alpha[:-1]
        if d is not None and len(alpha) > d:
            raise ValueError(f"coeffs has the multi-index {alpha!r}, longer than d = {d}")
        out[alpha] = out.get(alpha, 0.0) + float(c)
    return {a: c for a, c in out.items() if c != 0.0}


def _points(X, d: int | None = None) -> np.ndarray:
    X = check_array("X", X, ndim=2)
    if d is not None and X.shape[1] < d:
        raise ValueError(f"X must have at least {d} columns for these coefficients, "
                         f"got shape {X.shape}")
    return X


def _support(coeffs) -> int:
    """The number of leading coordinates the polynomial depends on."""
    return max((len(a) for a in coeffs), default=0)


def evaluate_polynomial(coeffs, X) -> np.ndarray:
    r""":math:`p(x) = \sum_\alpha c_\alpha x^\alpha` at the rows of ``X``.

    Args:
        coeffs: ``{multi_index: coefficient}``.
        X: points, shape (n, d) with d at least the longest multi-index.
    Returns:
        shape (n,).
    Raises:
        ValueError: for bad ``coeffs`` or ``X``.
    """
    c = _coeffs(coeffs)
    X = _points(X, _support(c))
    out = np.zeros(X.shape[0])
    for alpha, coef in c.items():
        out += coef * np.prod([X[:, i] ** a for i, a in enumerate(alpha)], axis=0)
    return out


def _factorial(alpha) -> int:
    return math.prod(math.factorial(a) for a in alpha)


def rkhs_norm_sq(coeffs) -> float:
    r"""Squared norm of :math:`p` in the RKHS of :math:`K(x, y) = e^{\langle x, y\rangle}`.

    Since :math:`K(x,y) = \sum_\alpha x^\alpha y^\alpha / \alpha!`, the monomials
    :math:`x^\alpha/\sqrt{\alpha!}` are orthonormal and

    .. math:: \|p\|_K^2 = \sum_\alpha \alpha!\, c_\alpha^2,\qquad \alpha! = \prod_i \alpha_i!,

    which is also :math:`\mathbb E_{w\sim N(0,I)}[h(w)^2]` for the Hermite weight :math:`h`
    (orthogonality :math:`\mathbb E[He_\alpha He_\beta] = \alpha!\,\delta_{\alpha\beta}`).
    The paper's §7 takes this RKHS view (arXiv:2604.23260); the formula is standard.

    Raises:
        ValueError: for bad ``coeffs``.
    """
    return float(sum(_factorial(a) * c * c for a, c in _coeffs(coeffs).items()))


def hermite_weight(coeffs, W) -> np.ndarray:
    r"""The outer-weight function :math:`h(w) = \sum_\alpha c_\alpha He_\alpha(w)` at the rows of W.

    :math:`He_\alpha(w) = \prod_i He_{\alpha_i}(w_i)` with the probabilists' Hermite polynomials
    (``scipy.special.eval_hermitenorm``). With it :math:`\mathbb E_w[h(w) e^{\langle w, x\rangle}]
    = p(x)\,e^{\|x\|^2/2}` for :math:`w \sim N(0, I_d)` (the Hermite identity).

    Args:
        coeffs: ``{multi_index: coefficient}``.
        W: inner weights, shape (N, d).
    Returns:
        shape (N,).
    Raises:
        ValueError: for bad ``coeffs`` or ``W``.
    """
    c = _coeffs(coeffs)
    W = check_array("W", W, ndim=2)
    if W.shape[1] < _support(c):
        raise ValueError(f"W must have at least {_support(c)} columns for these coefficients, "
                         f"got shape {W.shape}")
    out = np.zeros(W.shape[0])
    for alpha, coef in c.items():
        term = np.full(W.shape[0], coef)
        for i, a in enumerate(alpha):
            if a:
                term *= eval_hermitenorm(a, W[:, i])
        out += term
    return out


def _hermite_square(coeffs) -> dict[tuple[int, ...], float]:
    r"""Hermite coefficients of :math:`h^2`, from the linearisation formula

    .. math:: He_m He_n = \sum_{k=0}^{\min(m,n)} k!\binom{m}{k}\binom{n}{k} He_{m+n-2k},

    applied coordinate by coordinate. Returns ``{gamma: e_gamma}`` with multi-indices of the
    common length ``_support(coeffs)``.
    """
    c = _coeffs(coeffs)
    s = _support(c)
    out: dict[tuple[int, ...], float] = {}
    items = [(a + (0,) * (s - len(a)), v) for a, v in c.items()]
    for alpha, ca in items:
        for beta, cb in items:
            terms = {(): ca * cb}
            for m, n in zip(alpha, beta):
                nxt = {}
                for g, v in terms.items():
                    for k in range(min(m, n) + 1):
                        w = math.factorial(k) * math.comb(m, k) * math.comb(n, k)
                        key = g + (m + n - 2 * k,)
                        nxt[key] = nxt.get(key, 0.0) + v * w
                terms = nxt
            for g, v in terms.items():
                out[g] = out.get(g, 0.0) + v
    return out

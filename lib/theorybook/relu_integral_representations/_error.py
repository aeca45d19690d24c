r"""The L²(D) error of Monte Carlo networks against their width, and its exact prediction.

For i.i.d. neurons :math:`\theta_i = (w_i, b_i)` the network :math:`f_N` is an average of
unbiased terms, so at every point :math:`x`

.. math:: \mathbb E\,(f_N(x) - p(x))^2 = \frac{1}{N}\Big(e^{-\|x\|^2}\,V(x) - p(x)^2\Big),
          \qquad V(x) = \mathbb E_\theta\big[a(\theta)^2 (\langle w, x\rangle - b)_+^2\big],

with :math:`a(\theta) = h(w)e^b/q(b)`. Averaged over test points from :math:`D` this gives the
predicted mean squared error :math:`C(p, D, q)/N`. :math:`V` is computed exactly (our
derivation, checked against Monte Carlo in the tests): the bias integral
:math:`G(t) = \int e^{2b}/q(b)\,(t-b)_+^2\,db` has a closed form for the Laplace law,
:math:`h^2 = \sum_\gamma e_\gamma He_\gamma` by the Hermite linearisation formula, and Gaussian
integration by parts gives :math:`\mathbb E_w[He_\gamma(w)\,G(\langle w, x\rangle)] =
x^\gamma r^{-|\gamma|}\,\mathbb E_Z[He_{|\gamma|}(Z)\,G(rZ)]`, :math:`r = \|x\|`, a
one-dimensional integral done by Gauss–Legendre quadrature on each side of the kink at 0.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy.special import eval_hermitenorm

from theorybook.common import (check_int, check_number, check_seed, mean_se, progress, rng,
                               sample_sphere, spawn)

from ._network import _check_law, _sample, network_predict
from ._polynomial import _coeffs, _hermite_square, evaluate_polynomial, rkhs_norm_sq

__all__ = ["DOMAINS", "McError", "constant_by_degree", "mc_error", "predicted_constant",
           "sample_domain"]

DOMAINS = ("sphere", "gaussian")
_NODES = 200            # Gauss–Legendre nodes on each side of 0 (integrand analytic there)


def _check_domain(domain) -> tuple[str, float]:
    if (not isinstance(domain, tuple) or len(domain) != 2 or domain[0] not in DOMAINS):
        raise ValueError(f"domain must be ('sphere', radius) or ('gaussian', sigma), "
                         f"got {domain!r}")
    return domain[0], check_number("domain scale", domain[1], low=0.0, low_open=True)


def sample_domain(domain, n, d, seed=0) -> np.ndarray:
    r"""``n`` points of the domain law D in R^d, shape (n, d).

    ``("sphere", R)``: uniform on the sphere of radius R. ``("gaussian", sigma)``:
    :math:`N(0, \sigma^2 I_d / d)`, so that :math:`\mathbb E\|x\|^2 = \sigma^2` as on the
    sphere of radius sigma (our normalisation, so that "no curse of dimensionality" compares
    domains of one size).

    Raises:
        ValueError: for a bad domain, n, d or seed.
    """
    kind, scale = _check_domain(domain)
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    gen = rng(seed)
    if kind == "sphere":
        return sample_sphere(n, d, gen, radius=scale)
    return scale / math.sqrt(d) * gen.standard_normal((n, d))


def _G_laplace(t, s):
    r""":math:`G(t) = \int e^{2b}/q(b)\,(t-b)_+^2\,db` for the Laplace law of scale s > 1/2."""
    k, lam = 2.0 - 1.0 / s, 2.0 + 1.0 / s
    tp = np.maximum(t, 0.0)
    neg = 2.0 * np.exp(k * np.minimum(t, 0.0)) / k**3
    pos = (tp**2 / k + 2 * tp / k**2 + 2 / k**3 + 2 * np.expm1(lam * tp) / lam**3
           - tp**2 / lam - 2 * tp / lam**2)
    return 2.0 * s * np.where(t > 0, pos, neg)


def _hermite_moments(r, kmax, s):
    r""":math:`I_k(r) = \mathbb E_Z[He_k(Z)\,G(rZ)]` for k = 0..kmax, shape (kmax + 1, n)."""
    lam = 2.0 + 1.0 / s
    z0, w0 = leggauss(_NODES)
    out = np.zeros((kmax + 1, r.size))
    length = 12.0 + lam * r.max()
    for sign in (-1.0, 1.0):
        z = sign * 0.5 * length * (z0 + 1.0)            # nodes on [0, L] or [-L, 0]
        wq = 0.5 * length * w0 * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
        g = _G_laplace(np.outer(r, z), s) * wq          # (n, nodes)
        for k in range(kmax + 1):
            out[k] += g @ eval_hermitenorm(k, z)
    return out


def predicted_constant(coeffs, X, *, bias_scale: float = 2.0, bias_law: str = "laplace"):
    r"""The constant :math:`C` of the exact Monte Carlo error
    :math:`\frac1n\sum_j \mathbb E(f_N(x_j) - p(x_j))^2 = C/N` on the points ``X``.

    .. math:: C = \frac1n\sum_j \Big(e^{-\|x_j\|^2} V(x_j) - p(x_j)^2\Big)

    (module docstring). ``inf`` when the variance is infinite: the Gaussian law, or a
    Laplace scale <= 1/2.

    Args:
        coeffs: ``{multi_index: coefficient}``.
        X: points, shape (n, d).
    Returns:
        C (a float, possibly ``inf``).
    Raises:
        ValueError: for bad coefficients, points or bias law.
    """
    c = _coeffs(coeffs)
    bias_scale, bias_law = _check_law(bias_scale, bias_law)
    p = evaluate_polynomial(c, X)
    X = np.asarray(X, dtype=float)
    if bias_law == "gaussian" or bias_scale <= 0.5:
        return math.inf
    r = np.linalg.norm(X, axis=1)
    square = _hermite_square(c)
    kmax = max(sum(g) for g in square)
    moments = _hermite_moments(r, kmax, bias_scale)
    safe = np.where(r > 0, r, 1.0)
    V = np.zeros(len(X))
    for gamma, e in square.items():
        k = sum(gamma)
        mono = np.prod([X[:, i] ** g for i, g in enumerate(gamma)], axis=0)
        # x^gamma / r^k is bounded by 1; at x = 0 only gamma = 0 contributes
        V += e * np.where(r > 0, mono / safe**k, float(k == 0)) * moments[k]
    return float(np.mean(np.exp(-r**2) * V - p**2))


@dataclass(frozen=True)
class McError:
    """Result of :func:`mc_error`.

    Attributes:
        widths: shape (k,).
        mse: squared L² errors on the test sample, shape (k, repetitions).
        rmse: square root of the mean of ``mse`` over repetitions, shape (k,).
        rmse_se: its standard error (delta method from the s.e. of the mean MSE), shape (k,).
        predicted: :math:`\\sqrt{C/N}`, shape (k,) (``inf`` for an infinite variance).
        constant: C.
        zero: L² norm of p on the test sample, the error of the zero function.
    """

    widths: np.ndarray
    mse: np.ndarray
    rmse: np.ndarray
    rmse_se: np.ndarray
    predicted: np.ndarray
    constant: float
    zero: float


def mc_error(coeffs, widths, d, *, domain=("sphere", 1.0), repetitions: int = 10,
             seed: int = 0, bias_scale: float = 2.0, bias_law: str = "laplace",
             n_test: int = 2000) -> McError:
    r"""L²(D) error of Monte Carlo networks :math:`f_N` against the width, with its prediction.

    For each width, ``repetitions`` independent networks (:func:`sample_network`) are scored on
    one test sample of ``n_test`` points from ``domain``; the predicted RMSE is
    :math:`\sqrt{C/N}` with :math:`C` from :func:`predicted_constant` on the same test points,
    so prediction and measurement differ only by the networks' randomness. Streams come from
    ``common.spawn(seed, ...)``: the test sample first, then one per (width, repetition).

    Args:
        coeffs: ``{multi_index: coefficient}``.
        widths: increasing positive integers.
        d: input dimension.
        domain: ``("sphere", R)`` or ``("gaussian", sigma)`` (see :func:`sample_domain`).
    Returns:
        :class:`McError`.
    Raises:
        ValueError: for any bad argument, naming it.
    """
    d = check_int("d", d, low=1)
    c = _coeffs(coeffs, d)
    widths = np.asarray([check_int("widths", w, low=1) for w in np.atleast_1d(widths)])
    if widths.size == 0 or np.any(np.diff(widths) <= 0):
        raise ValueError(f"widths must be a non-empty increasing sequence, got {widths!r}")
    _check_domain(domain)
    repetitions = check_int("repetitions", repetitions, low=2)
    n_test = check_int("n_test", n_test, low=1)
    bias_scale, bias_law = _check_law(bias_scale, bias_law)
    gens = spawn(check_seed(seed), 1 + widths.size * repetitions)
    X = sample_domain(domain, n_test, d, gens[0])
    p = evaluate_polynomial(c, X)
    mse = np.zeros((widths.size, repetitions))
    for i, width in enumerate(progress(widths, desc="widths")):
        for j in range(repetitions):
            net = _sample(c, int(width), d, bias_scale, bias_law, gens[1 + i * repetitions + j])
            mse[i, j] = np.mean((network_predict(net, X) - p) ** 2)
    mean, se = mean_se(mse, axis=1)
    rmse = np.sqrt(mean)
    C = predicted_constant(c, X, bias_scale=bias_scale, bias_law=bias_law)
    return McError(widths=widths, mse=mse, rmse=rmse, rmse_se=se / (2 * rmse),
                   predicted=np.sqrt(C / widths), constant=C,
                   zero=float(np.sqrt(np.mean(p**2))))


def constant_by_degree(degrees, d, *, n_vars: int = 3, polys: int = 5,
                       domain=("sphere", 1.0), n_test: int = 2000, seed: int = 0) -> np.ndarray:
    r"""The constant :math:`C` of random homogeneous polynomials of unit RKHS norm, by degree.

    For each degree k, ``polys`` polynomials :math:`p = \sum_{|\alpha| = k} c_\alpha x^\alpha`
    in the first ``n_vars`` coordinates, with i.i.d. standard normal :math:`c_\alpha` rescaled
    to :math:`\|p\|_K = 1`; :math:`C` by :func:`predicted_constant` on ``n_test`` points of
    ``domain`` in R^d. Streams: ``common.spawn(seed, 2)`` (test points, coefficients).

    Returns:
        shape (len(degrees), polys): :math:`C / \|p\|_K^2`.
    Raises:
        ValueError: for bad degrees, dimensions, counts, domain or seed.
    """
    d = check_int("d", d, low=1)
    n_vars = check_int("n_vars", n_vars, low=1, high=d)
    polys = check_int("polys", polys, low=1)
    degrees = [check_int("degrees", k, low=0) for k in np.atleast_1d(degrees)]
    gen_x, gen_c = spawn(check_seed(seed), 2)
    X = sample_domain(domain, check_int("n_test", n_test, low=1), d, gen_x)
    out = np.zeros((len(degrees), polys))
    for i, k in enumerate(degrees):
        index = [a for a in itertools.product(range(k + 1), repeat=n_vars) if sum(a) == k]
        for j in range(polys):
            c = dict(zip(index, gen_c.standard_normal(len(index))))
            scale = 1.0 / math.sqrt(rkhs_norm_sq(c))
            out[i, j] = predicted_constant({a: v * scale for a, v in c.items()}, X)
    return out

r"""Exact distortion of random spherical quantisers (Pronzato & Zhigljavsky, Section 2).

Notation (the paper's, extended version arXiv:2610.11772): the target U ~ μ is spherically
symmetric with radial c.d.f. Ψ; the quantiser is n i.i.d. points uniform on the sphere S_{d-1}(a)
(``r`` in this package's API is the paper's design radius a). With δ = (d − 1)/2,

.. math:: \|U - X\|^2 \overset{d}{=} (\|U\| - a)^2 + 4a\|U\|\,\beta_{\delta,\delta}

(Proposition 2.1, eq. 6): (1 − cos∠(U, X))/2 is Beta(δ, δ) whatever ‖U‖, so the nearest design
point is the one with the largest cosine and, for n points, the distance law involves
ζ(n, d) = min of n i.i.d. Beta(δ, δ) (eq. 7).

Everything here is numpy/scipy float64: the integrals are one- and two-dimensional quadratures,
evaluated on fixed Gauss–Legendre panels chosen once per (n, d, law).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

from theorybook.common import (check_choice, check_int, check_number, mean_se, rng,
                               sample_ball, sample_sphere)

LAWS = ("normal", "ball", "sphere")

# Gauss–Legendre rule used on every panel (12 nodes: ~1e-12 relative on the tested cases).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(12)
# ζ-nodes: Q(1 − e^{−y/n}) ~ y^{1/δ} on panels of ratio 10 needs 20 nodes for ~1e-12.
_GL20 = np.polynomial.legendre.leggauss(20)


def check_setting(n, d, law, s) -> tuple[int, int, str, float]:
    """The chapter's setting, checked with :mod:`theorybook.common`: ``n`` >= 1 design points,
    ``d`` >= 2 (the Beta(δ, δ) law of Proposition 2.1 needs δ = (d − 1)/2 > 0), ``law`` one of
    :data:`LAWS`, ``s`` > 0. Returns ``(n, d, law, s)`` converted."""
    return (check_int("n", n, low=1), check_int("d", d, low=2), check_choice("law", law, LAWS),
            check_number("s", s, low=0, low_open=True))


# --------------------------------------------------------------------------- target laws
def radial_moments(law: str, d: int) -> tuple[float, float]:
    r"""(E‖U‖, E‖U‖²) of the target law at the paper's unit scale (Section 2, eq. 28).

    - ``"normal"``: N(0, I_d/d), so ‖U‖ concentrates at 1:
      M_k = (2/d)^{k/2} Γ((k + d)/2)/Γ(d/2), hence M₂ = 1 and M₁ < 1.
    - ``"ball"``: uniform in the unit ball, M_k = d/(d + k).
    - ``"sphere"``: uniform on the unit sphere, M_k = 1.

    Raises:
        ValueError: unknown ``law`` or ``d`` < 2.
    """
    return _moment(check_choice("law", law, LAWS), check_int("d", d, low=2), 1), _moment(law, d, 2)


def _moment(law: str, d: int, k: float) -> float:
    if law == "sphere":
        return 1.0
    if law == "ball":
        return d / (d + k)
    return float(np.exp(0.5 * k * np.log(2.0 / d) + special.gammaln((k + d) / 2) - special.gammaln(d / 2)))


def sample_law(law: str, d: int, size: int, *, seed: int | np.random.Generator = 0) -> np.ndarray:
    """``size`` i.i.d. draws of the target law in R^d, shape [size, d].

    ``seed`` is an integer or a ``numpy.random.Generator`` (drawn from in place). The ball and the
    sphere use :func:`theorybook.common.sample_ball` / :func:`~theorybook.common.sample_sphere`.

    Raises:
        ValueError: unknown ``law``, ``d`` < 2 or ``size`` < 1.
    """
    law, d = check_choice("law", law, LAWS), check_int("d", d, low=2)
    size, g = check_int("size", size, low=1), rng(seed)
    if law == "normal":
        return g.standard_normal((size, d)) / np.sqrt(d)
    return (sample_sphere if law == "sphere" else sample_ball)(size, d, g)


def _radial_quantile(law: str, d: int, u: np.ndarray, upper: bool = False) -> np.ndarray:
    """Quantile of ‖U‖ at level u (or at 1 − u when ``upper``, computed without cancellation)."""
    u = np.asarray(u, dtype=float)
    if law == "ball":
        return np.exp(np.log1p(-u) / d) if upper else u ** (1.0 / d)
    g = special.gammainccinv(d / 2, u) if upper else special.gammaincinv(d / 2, u)
    return np.sqrt(2.0 * g / d)


def _log_density(law: str, d: int, r: np.ndarray) -> np.ndarray:
    """log ψ(r), the density of ‖U‖ (eq. 28 for the normal law), in logs so that large d is safe."""
    r = np.asarray(r, dtype=float)
    with np.errstate(divide="ignore"):
        logr = np.log(r)
    if law == "ball":
        return np.log(d) + (d - 1) * logr
    return (0.5 * d * np.log(d) + (d - 1) * logr - 0.5 * d * r**2
            - (0.5 * d - 1) * np.log(2.0) - special.gammaln(0.5 * d))


_TAILS = np.array([1e-16, 1e-12, 1e-8, 1e-5, 1e-3, 0.02, 0.1, 0.25])


def _panels(edges: np.ndarray, nodes=_GL_NODES, weights=_GL_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights over consecutive ``edges``."""
    lo, hi = edges[:-1, None], edges[1:, None]
    x = 0.5 * (lo + hi) + 0.5 * (hi - lo) * nodes
    w = 0.5 * (hi - lo) * weights
    return x.ravel(), w.ravel()


def _graded(edges: np.ndarray, a: float | None, levels: int = 10) -> np.ndarray:
    """Add a breakpoint at ``a`` and geometric breakpoints a ± h·4^{-j} around it.

    The integrands have a kink-like layer at ‖u‖ = a (the distance is |‖u‖ − a| when the best
    cosine is 1), so the panels are refined geometrically towards it.
    """
    if a is None or not edges[0] < a < edges[-1]:
        return edges
    i = np.searchsorted(edges, a)
    left, right = a - edges[i - 1], edges[i] - a
    extra = [a] + [a - left * 4.0**-j for j in range(1, levels)] + [a + right * 4.0**-j for j in range(1, levels)]
    return np.unique(np.concatenate([edges, extra]))


def radial_nodes(law: str, d: int, *, a: float | None = None, gl=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Quadrature nodes r_l and weights ψ_l with Σ_l ψ_l f(r_l) ≈ E f(‖U‖).

    Panels sit between quantiles of ‖U‖ (1e-16 … 1 − 1e-16), refined around ``a`` when given.
    ``gl`` optionally overrides the per-panel Gauss–Legendre rule (nodes, weights).
    """
    if law == "sphere":
        return np.ones(1), np.ones(1)
    lower = _radial_quantile(law, d, _TAILS)
    upper = _radial_quantile(law, d, _TAILS[::-1], upper=True)
    mid = _radial_quantile(law, d, np.array([0.5]))
    edges = np.concatenate([lower, mid, upper])
    if law == "ball":
        edges = np.concatenate([[0.0], edges, [1.0]])
    edges = np.unique(np.clip(edges, 0.0, None))
    edges = _graded(edges, a)
    nodes, weights = (_GL_NODES, _GL_WEIGHTS) if gl is None else gl
    r, w = _panels(edges, nodes, weights)
    return r, w * np.exp(_log_density(law, d, r))


# --------------------------------------------------------------------------- ζ(n, d)
@lru_cache(maxsize=256)
def _zeta_nodes(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes z_k and weights ω_k with Σ_k ω_k f(z_k) ≈ E f(ζ(n, d)).

    Inverse-c.d.f. form: ζ = Q(1 − e^{−Y/n}) with Y ~ Exp(1) and Q the Beta(δ, δ) quantile,
    since P(ζ > z) = (1 − I_z(δ, δ))^n. Q(1 − e^{−y/n}) behaves like y^{1/δ} near 0, so the
    y-axis is cut into geometric panels (10^{-14}, …, 10, 15, 20, 30, 45), each with 20 Gauss–Legendre
    nodes: the rule is accurate to ~1e-12 whatever n ≤ 10^6 and d ≤ 1000.
    """
    delta = 0.5 * (d - 1)
    edges = np.concatenate([[0.0], 10.0 ** np.arange(-14, 2), [15.0, 20.0, 30.0, 45.0]])
    y, w = _panels(edges, *_GL20)
    z = special.betaincinv(delta, delta, -np.expm1(-y / n))
    z.setflags(write=False)
    omega = w * np.exp(-y)
    omega.setflags(write=False)
    return z, omega


def beta_min_mean(n: int, d: int) -> float:
    r"""m_{n,d} = E ζ(n, d) = ∫_0^1 [1 − I_z(δ, δ)]^n dz (eq. 14)."""
    z, w = _zeta_nodes(check_int("n", n, low=1), check_int("d", d, low=2))
    return float(w @ z)


def expected_max_cosine(n: int, d: int) -> float:
    r"""E max_j ⟨U, U_j⟩ for U, U_1, …, U_n i.i.d. uniform on the unit sphere of R^d.

    Equals 1 − 2 m_{n,d} (eqs. 7 and 14: (1 − cos)/2 ~ Beta(δ, δ), δ = (d − 1)/2). It is also
    a*(d, n, 2) for the sphere target (eq. 15 with E‖U‖ = 1). Stable for n ≤ 10^6, d ≤ 1000.

    Raises:
        ValueError: ``n`` < 1 or ``d`` < 2.
    """
    return 1.0 - 2.0 * beta_min_mean(n, d)


def max_cosine_cdf(c, n: int, d: int) -> np.ndarray:
    r"""P(max_j ⟨U, U_j⟩ ≤ c) = [1 − I_{(1−c)/2}(δ, δ)]^n (the law of the cosine, eq. 7)."""
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    delta = 0.5 * (d - 1)
    z = np.clip((1.0 - np.asarray(c, dtype=float)) / 2.0, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return np.exp(n * np.log1p(-special.betainc(delta, delta, z)))


# --------------------------------------------------------------------------- distortion
def _distortion_exact(a: float, n: int, d: int, law: str, s: float) -> float:
    if s == 2.0:
        m1, m2 = _moment(law, d, 1), _moment(law, d, 2)
        return m2 + a * a - 2.0 * a * m1 * (1.0 - 2.0 * beta_min_mean(n, d))
    return _distortion_double(a, n, d, law, s)


def _distortion_double(a: float, n: int, d: int, law: str, s: float) -> float:
    r"""D = E[((R − a)² + 4aR·ζ)^{s/2}], R ~ Ψ independent of ζ(n, d) (eq. 48; eq. 26 for the sphere)."""
    z, omega = _zeta_nodes(n, d)
    r, psi = radial_nodes(law, d, a=a)
    sq = (r[:, None] - a) ** 2 + 4.0 * a * r[:, None] * z[None, :]
    return float(psi @ _half_power(np.maximum(sq, 0.0), s) @ omega)


def _half_power(x: np.ndarray, s: float) -> np.ndarray:
    """x^{s/2}, with fast paths for integer s (a general power costs ~15× a multiplication)."""
    if s == int(s):
        k = int(s)
        return x ** (k // 2) * (np.sqrt(x) if k % 2 else 1.0)
    return x ** (0.5 * s)


def nearest_sq_distance(x: np.ndarray, codebook: np.ndarray, chunk: int = 2**22,
                        return_index: bool = False):
    """min_j ‖x_i − c_j‖² for every row of ``x`` (chunked so memory stays ~32 MB); with
    ``return_index``, also the index j of the nearest codeword (the Voronoi cell of x_i)."""
    c2 = np.einsum("ij,ij->i", codebook, codebook)
    out, index = np.empty(len(x)), np.empty(len(x), dtype=int)
    step = max(1, chunk // max(1, len(codebook)))
    for i in range(0, len(x), step):
        xb = x[i:i + step]
        d2 = np.einsum("ij,ij->i", xb, xb)[:, None] + c2[None, :] - 2.0 * xb @ codebook.T
        index[i:i + step] = d2.argmin(axis=1)
        out[i:i + step] = np.maximum(np.take_along_axis(d2, index[i:i + step, None], 1)[:, 0], 0)
    return (out, index) if return_index else out


def _distortion_mc(a, n, d, law, s, samples, quantisers, seed):
    """Monte Carlo over both the quantiser and U: ``quantisers`` independent designs, each
    scored on samples/quantisers fresh target points; the standard error is that of the
    per-design means (they are i.i.d.), so it includes the design-to-design spread."""
    g = rng(seed)
    per = max(1, samples // quantisers)
    means = np.empty(quantisers)
    for b in range(quantisers):
        design = sample_sphere(n, d, g, radius=a)
        x = sample_law(law, d, per, seed=g)
        means[b] = np.mean(nearest_sq_distance(x, design) ** (0.5 * s))
    return mean_se(means)  # the caller, distortion, requires quantisers >= 2


def distortion(r, n, d, *, law="normal", s=2, method="exact", samples=20_000, quantisers=20,
               seed=0):
    r"""Expected distortion E min_j ‖U − Z_j‖^s of n i.i.d. points Z_j uniform on S_{d−1}(r).

    ``method="exact"``:

    - s = 2, closed form (Corollary 2.1, eq. 13):
      D = E‖U‖² + r² − 2r E‖U‖ (1 − 2 m_{n,d}), m_{n,d} = E ζ(n, d) (eq. 14);
    - s ≠ 2, the double integral D = E[((‖U‖ − r)² + 4r‖U‖ζ(n, d))^{s/2}] (eq. 48, which is the
      paper's triple integral (12) with the innermost integral done in closed form for a sphere
      design; eq. 26 for the sphere target), by Gauss–Legendre panels; relative accuracy ~1e-8.

    ``method="mc"``: Monte Carlo with ``samples`` target points spread over ``quantisers``
    independent random designs (``seed``); returns ``(estimate, standard_error)``.

    Raises:
        ValueError: naming ``r``, ``n``, ``d``, ``s``, ``law``, ``method`` or ``samples``.
    """
    r = check_number("r", r, low=0)
    n, d, law, s = check_setting(n, d, law, s)
    if check_choice("method", method, ("exact", "mc")) == "exact":
        return _distortion_exact(r, n, d, law, s)
    samples = check_int("samples", samples, low=1)
    quantisers = check_int("quantisers", quantisers, low=2)  # two designs for a standard error
    return _distortion_mc(r, n, d, law, s, samples, quantisers, seed)


def optimal_radius(n, d, *, law="normal", s=2) -> tuple[float, float]:
    r"""(a*, D*): the radius of the best random spherical quantiser and its distortion.

    s = 2: a* = E‖U‖ (1 − 2 m_{n,d}) and D* = E‖U‖² − a*² (Corollary 2.1, eqs. 15–16).
    s ≠ 2: minimise the double integral (eq. 48) over a: a scan of 21 radii on [0, a_max]
    (a_max = 1, or the 1 − 1e-3 radial quantile for the normal law; D need not be unimodal),
    then Brent's method
    (scipy ``minimize_scalar``, bounded, xatol 1e-7) around the best grid point.

    Raises:
        ValueError: naming ``n``, ``d``, ``s`` or ``law``.
    """
    from scipy.optimize import minimize_scalar

    n, d, law, s = check_setting(n, d, law, s)
    if s == 2.0:
        m1, m2 = _moment(law, d, 1), _moment(law, d, 2)
        a = m1 * (1.0 - 2.0 * beta_min_mean(n, d))
        a = max(a, 0.0)
        return float(a), float(m2 - 2 * a * m1 * (1.0 - 2.0 * beta_min_mean(n, d)) + a * a)
    hi = 1.0 if law != "normal" else float(_radial_quantile(law, d, np.array([1e-3]), upper=True)[0])
    grid = np.linspace(0.0, hi, 21)
    values = np.array([_distortion_double(a, n, d, law, s) for a in grid])
    i = int(np.argmin(values))
    lo_b, hi_b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda a: _distortion_double(a, n, d, law, s), bounds=(lo_b, hi_b),
                          method="bounded", options={"xatol": 1e-7})
    if res.fun <= values[i]:
        return float(res.x), float(res.fun)
    return float(grid[i]), float(values[i])


def mc_optimal_radius(n, d, *, law="normal", samples=20_000, quantisers=40,
                      seed=0) -> tuple[float, float]:
    r"""Monte Carlo minimiser of the simulated mean squared distortion over the radius a.

    For ``quantisers`` independent unit-sphere designs Z_1..Z_n, each scored on
    samples/quantisers fresh target points U, the simulated distortion of the scaled design aZ is
    mean(‖U‖² + a² − 2a max_j ⟨U, Z_j⟩) (algebra, since ‖Z_j‖ = 1), a quadratic in a minimised at
    â = mean(max_j ⟨U, Z_j⟩). Corollary 2.1 (eq. 15) predicts E â = a* = E‖U‖(1 − 2m_{n,d}).
    Returns ``(â, standard error)``, the s.e. over the per-design means (i.i.d.).

    Raises:
        ValueError: naming ``n``, ``d``, ``law``, ``samples`` or ``quantisers``.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    law = check_choice("law", law, LAWS)
    samples = check_int("samples", samples, low=1)
    quantisers = check_int("quantisers", quantisers, low=2)
    g = rng(seed)
    per = max(1, samples // quantisers)
    means = [np.mean((sample_law(law, d, per, seed=g) @ sample_sphere(n, d, g).T).max(axis=1))
             for _ in range(quantisers)]
    return mean_se(np.array(means))

r"""Extreme-value approximations (Section 4), Zador's asymptotics and comparison quantisers."""

from __future__ import annotations

from typing import NamedTuple

import math

import numpy as np
from scipy import special

from theorybook.common import check_choice, check_int, check_number, mean_se, rng, sample_sphere

from ._core import LAWS, _moment, check_setting, nearest_sq_distance, sample_law


# --------------------------------------------------------------------------- extreme values
def kappa(n, d) -> float:
    r"""κ_{n,d}, the 1/n-quantile of Beta(δ, δ): I_κ(δ, δ) = 1/n (Lemma 4.1)."""
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    delta = 0.5 * (d - 1)
    return float(special.betaincinv(delta, delta, 1.0 / n))


def kappa_bounds(n, d) -> tuple[float, float]:
    r"""Lower and upper bounds on κ_{n,d} (Proposition 4.1, eq. 42; n ≥ 2, d ≥ 5).

    ½[1 − √(1 − (2/n)^{1/(δ′−1)})] ≤ κ ≤ ½[1 − √((1 − 4 c_d n^{−1/δ})₊)], δ′ = ⌊δ⌋,
    c_d = [δ B(δ, δ)]^{1/δ}.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    if n < 2:
        raise ValueError(f"n must be >= 2 for the bounds (42), got {n}")
    if d < 5:
        raise ValueError(f"d must be >= 5 for the bounds (42), got {d}")
    delta = 0.5 * (d - 1)
    dp = np.floor(delta)
    lower = 0.5 * (1.0 - np.sqrt(1.0 - (2.0 / n) ** (1.0 / (dp - 1.0))))
    log_cd = (np.log(delta) + special.betaln(delta, delta)) / delta
    upper = 0.5 * (1.0 - np.sqrt(max(1.0 - 4.0 * np.exp(log_cd - math.log(n) / delta), 0.0)))
    return float(lower), float(upper)


def kappa_limit(lam: float) -> float:
    r"""κ∞ for n = λ^d (eq. 43): 0 if λ = ∞, ½(1 − √(1 − 1/λ²)) for λ > 1, ½ for λ ≤ 1."""
    if np.isinf(lam):
        return 0.0
    if lam <= 1.0:
        return 0.5
    return 0.5 * (1.0 - np.sqrt(1.0 - 1.0 / lam**2))


class EVTRadius(NamedTuple):
    """Extreme-value approximation of the optimal radius (Corollary 4.1, Theorem 4.2).

    Fields:
        radius: â*(d, n, 2) = E‖U‖ [1 − 2κ_{n,d} Γ(1 + 1/δ)] (Corollary 4.1).
        distortion: Ê² = E‖U‖² − â*² (eq. 36).
        kappa: κ_{n,d}.
        lam: λ = n^{1/d}, the growth rate when n is read as λ^d.
        limit: the Theorem 4.2 limit of a*_d for n = λ^d: √(1 − 1/λ²) (r = 1 for the three laws).
        regime: "sub-exponential" (λ close to 1, log n = o(d): a* → 0), "exponential"
            (n ≈ λ^d: a* → √(1 − 1/λ²)) or "super-exponential" (λ large: a* → 1).
    """

    radius: float
    distortion: float
    kappa: float
    lam: float
    limit: float
    regime: str


def evt_radius(n, d, law="normal") -> EVTRadius:
    r"""The paper's extreme-value approximation â*(d, n, 2) of the optimal radius.

    â* = M₁ [1 − 2 κ_{n,d} Γ(1 + 1/δ)], Ê² = M₂ − â*² (Corollary 4.1, eq. 36), valid for any s
    in the limit (Theorem 4.2: a*_d → r(1 − 2κ∞), independent of s). The regime is read from
    λ = n^{1/d}: λ < 1.1 is labelled sub-exponential, λ > 10 super-exponential (labels for a
    finite (n, d); the theorem is about sequences).

    Raises:
        ValueError: naming ``n``, ``d`` or ``law``.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=3)  # d >= 3: Lemma 4.1's Weibull limit
    law = check_choice("law", law, LAWS)
    delta = 0.5 * (d - 1)
    k = kappa(n, d)
    m1, m2 = _moment(law, d, 1), _moment(law, d, 2)
    a_hat = m1 * (1.0 - 2.0 * k * special.gamma(1.0 + 1.0 / delta))
    lam = float(np.exp(math.log(n) / d))
    regime = "sub-exponential" if lam < 1.1 else ("super-exponential" if lam > 10 else "exponential")
    limit = 1.0 - 2.0 * kappa_limit(lam)
    return EVTRadius(float(a_hat), float(m2 - a_hat**2), k, lam, float(limit), regime)


def ev_distortion(a, n, d, *, law="normal", s=2) -> float:
    r"""Ê^s(n; a) (Definition 4.1, eq. 30), closed forms for s = 2 and 4 (eqs. 34–35)."""
    a = check_number("a", a, low=0)
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=3)  # Lemma 4.1
    law = check_choice("law", law, LAWS)
    s = check_number("s", s, low=0, low_open=True)
    delta = 0.5 * (d - 1)
    k = kappa(n, d)
    g1, g2 = special.gamma(1 + 1 / delta), special.gamma(1 + 2 / delta)
    M = [_moment(law, d, j) for j in range(5)]
    if s == 2:
        return float(M[2] - 2 * a * M[1] + a * a + 4 * a * k * M[1] * g1)
    if s == 4:
        return float(M[4] - 4 * a * M[3] + 6 * a**2 * M[2] - 4 * a**3 * M[1] + a**4
                     + 8 * a * k * g1 * (M[3] - 2 * a * M[2] + a**2 * M[1]) + 16 * a**2 * k**2 * M[2] * g2)
    raise ValueError(f"s must be 2 or 4 for the closed forms (34)-(35), got {s}")


# --------------------------------------------------------------------------- Zador
def _log_ball_volume(d: float) -> float:
    return 0.5 * d * np.log(np.pi) - special.gammaln(1 + 0.5 * d)


def zador(n, d, *, s=2, law="normal") -> tuple[float, float]:
    r"""Zador's asymptotic distortion n^{−s/d} Q_{s,d} ‖f‖_{d/(d+s)} with the two bounds on Q.

    d/(d + s) V_d^{−s/d} ≤ Q_{s,d} ≤ Γ(1 + s/d) V_d^{−s/d}, V_d = π^{d/2}/Γ(1 + d/2). In the
    paper's units ‖f‖_{d/(d+s)} = (2π/d)^{s/2}(1 + s/d)^{(d+s)/2} for N(0, I_d/d) and V_d^{s/d}
    for the unit ball; the sphere target uses Zador in dimension d − 1 with the density 1/area.
    These are asymptotic values (n → ∞), not finite-n bounds.

    Raises:
        ValueError: naming ``n``, ``d``, ``s`` or ``law``.
    """
    n, d, law, s = check_setting(n, d, law, s)
    k = d - 1 if law == "sphere" else d
    log_vk = _log_ball_volume(k)
    if law == "normal":
        log_norm = 0.5 * s * np.log(2 * np.pi / d) + 0.5 * (d + s) * np.log1p(s / d)
    elif law == "ball":
        log_norm = s / d * log_vk
    else:
        log_area = np.log(2.0) + 0.5 * d * np.log(np.pi) - special.gammaln(0.5 * d)
        log_norm = s / k * log_area
    base = -s / k * math.log(n) - s / k * log_vk + log_norm
    lower = np.exp(base + np.log(k / (k + s)))
    upper = np.exp(base + special.gammaln(1 + s / k))
    return float(lower), float(upper)


# --------------------------------------------------------------------------- comparators
def _score(codebook, law, d, test, g, return_se):
    """Mean squared distance of ``test`` fresh target points to ``codebook`` (and its s.e.)."""
    mean, se = mean_se(nearest_sq_distance(sample_law(law, d, test, seed=g), codebook))
    return (mean, se) if return_se else mean


def kmeans_distortion(n, d, *, law="normal", seed=0, train=None, test=20_000, n_init=1,
                      return_se=False):
    r"""Mean squared distortion (s = 2) of Lloyd's k-means codebook, scored out of sample.

    scikit-learn ``KMeans(n_clusters=n)`` is fitted on ``train`` points (default max(20n, 2000))
    drawn from the target, then scored on ``test`` independent points. With ``return_se`` it
    returns ``(distortion, standard error of the test-sample mean)``.

    Raises:
        ValueError: naming ``n``, ``d``, ``law``, ``train`` or ``test``.
    """
    from sklearn.cluster import KMeans

    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    law = check_choice("law", law, LAWS)
    train = check_int("train", max(20 * n, 2000) if train is None else train, low=n)
    test = check_int("test", test, low=2)
    g = rng(seed)
    x = sample_law(law, d, train, seed=g)
    km = KMeans(n_clusters=n, n_init=n_init, random_state=int(g.integers(2**31))).fit(x)
    return _score(km.cluster_centers_, law, d, test, g, return_se)


def iid_codebook_distortion(n, d, *, law="normal", seed=0, test=20_000, return_se=False):
    r"""Mean squared distortion of n i.i.d. points drawn from the target itself (ℙ = μ).

    One codebook, scored on ``test`` independent target points (Monte Carlo); with
    ``return_se``, ``(distortion, standard error of the test-sample mean)``.

    Raises:
        ValueError: naming ``n``, ``d``, ``law`` or ``test``.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    law = check_choice("law", law, LAWS)
    test = check_int("test", test, low=2)
    g = rng(seed)
    return _score(sample_law(law, d, n, seed=g), law, d, test, g, return_se)


def factorial_distortion(b, d, s=2) -> float:
    r"""Distortion of the 2^d factorial design (±b)^d for the uniform sphere target (Supplement).

    With V uniform on S_{d−1}(1) ∩ R^d_+ and E V₁ = Γ(d/2)/(√π Γ((d + 1)/2)):
    D₂ = 1 + d b² − 2 b d E V₁; D₄ = 1 + 4b² E(ΣV_i)² + d² b⁴ + 2 d b² − 4 b d E V₁ (1 + d b²),
    E(ΣV_i)² = 1 + 2(d − 1)/π.
    """
    b = check_number("b", b, low=0)
    d = check_int("d", d, low=2)
    s = check_number("s", s, low=0, low_open=True)
    ev1 = np.exp(special.gammaln(d / 2) - special.gammaln((d + 1) / 2)) / np.sqrt(np.pi)
    if s == 2:
        return float(1 + d * b * b - 2 * b * d * ev1)
    if s == 4:
        es2 = 1 + 2 * (d - 1) / np.pi
        return float(1 + 4 * b * b * es2 + d * d * b**4 + 2 * d * b * b - 4 * b * d * ev1 * (1 + d * b * b))
    raise ValueError(f"s must be 2 or 4 for the factorial closed forms, got {s}")


def optimal_factorial(d, s=2) -> tuple[float, float]:
    """(b*, D*) of the best 2^d factorial design for the sphere target (s = 2 closed form, s = 4 numeric)."""
    from scipy.optimize import minimize_scalar

    d, s = check_int("d", d, low=2), check_number("s", s, low=0, low_open=True)
    ev1 = np.exp(special.gammaln(d / 2) - special.gammaln((d + 1) / 2)) / np.sqrt(np.pi)
    if s == 2:
        return float(ev1), float(1 - d * ev1**2)
    res = minimize_scalar(lambda b: factorial_distortion(b, d, s), bounds=(0, 1), method="bounded",
                          options={"xatol": 1e-10})
    return float(res.x), float(res.fun)


class Concentration(NamedTuple):
    """Realised distortions of independent designs and the Theorem 4.1 variance bound."""

    Q: np.ndarray  #: realised mean squared distortion of each design, on the common test sample
    se: float  #: standard error of the designs' mean due to the common test sample
    variance_bound: float  #: B² · E Σ_i p_i², B = E(‖U‖ + a)² (Theorem 4.1, s = 2)
    cell_mass_square_sum: float  #: estimate of E Σ_i p_i² (Voronoi-cell masses p_i)


def concentration(r, n, d, *, law="normal", designs=30, test=10_000, seed=0) -> Concentration:
    r"""Q_{n,a} for ``designs`` independent random sphere quantisers of radius ``r`` = a, and the
    numerical value of the variance bound of Theorem 4.1 for s = 2.

    Each design's distortion is estimated on one common sample of ``test`` target points (common
    random numbers), so the spread of Q is the design-to-design variability Theorem 4.1 bounds.
    The bound var Q ≤ B² E Σ_i p_{i,n}² uses B = E(‖U‖ + a)² = M₂ + 2aM₁ + a² and the masses
    p_{i,n} of the Voronoi cells; Σ_i p_i² is estimated per design without bias by
    (Σ_i c_i² − N)/(N(N − 1)) from the cell counts c_i of the N test points (the probability
    that two independent target points fall in the same cell), then averaged over designs.

    Raises:
        ValueError: naming ``r``, ``n``, ``d``, ``law``, ``designs`` or ``test``.
    """
    r = check_number("r", r, low=0)
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    law = check_choice("law", law, LAWS)
    designs, test = check_int("designs", designs, low=1), check_int("test", test, low=2)
    g = rng(seed)
    x = sample_law(law, d, test, seed=g)
    dist, square_sums = np.empty((designs, test)), np.empty(designs)
    for k in range(designs):
        dist[k], cell = nearest_sq_distance(x, sample_sphere(n, d, g, radius=r),
                                            return_index=True)
        counts = np.bincount(cell, minlength=n).astype(float)
        square_sums[k] = (counts @ counts - test) / (test * (test - 1.0))
    m1, m2 = _moment(law, d, 1), _moment(law, d, 2)
    B = m2 + 2 * r * m1 + r * r
    return Concentration(dist.mean(axis=1), float(mean_se(dist.mean(axis=0))[1]),
                         float(B * B * square_sums.mean()), float(square_sums.mean()))


def realised_distortions(r, n, d, *, law="normal", designs=30, test=10_000, seed=0,
                         return_se=False):
    r"""Q_{n,a} for ``designs`` independent random sphere quantisers (Theorem 4.1, concentration).

    The values of :func:`concentration` (common test sample; with ``return_se``, ``(Q, se)``).

    Raises:
        ValueError: naming ``r``, ``n``, ``d``, ``law``, ``designs`` or ``test``.
    """
    res = concentration(r, n, d, law=law, designs=designs, test=test, seed=seed)
    return (res.Q, res.se) if return_se else res.Q

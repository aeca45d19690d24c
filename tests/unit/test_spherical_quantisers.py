"""Tests of theorybook.spherical_quantisers (Pronzato & Zhigljavsky, arXiv:2605.12568 / 2610.11772).

Oracles: closed forms of the paper (d = 3, Corollary 2.1, Proposition 4.1), scipy 1.17 quadrature,
Monte Carlo with a stated standard error (tolerance 4 s.e.), and the paper's reported numbers.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from theorybook import spherical_quantisers as sq
from theorybook.common import mean_se
from theorybook.spherical_quantisers import plots
from theorybook.spherical_quantisers._mixture import _default_grid

# ---------------------------------------------------------------- expected_max_cosine, m_{n,d}


@pytest.mark.parametrize("n", [1, 2, 10, 1000, 10**6])
def test_expected_max_cosine_d3_closed_form(n):
    """d = 3: (1 − cos)/2 is uniform, so E max cos = 1 − 2/(n + 1) = a*(3, n, 2) (Section 2)."""
    assert sq.expected_max_cosine(n, 3) == pytest.approx((n - 1) / (n + 1), abs=1e-12)


@pytest.mark.parametrize("n,d", [(5, 2), (100, 10), (1000, 50)])
def test_beta_min_mean_matches_scipy_quad(n, d):
    """m_{n,d} = ∫_0^1 (1 − I_z(δ, δ))^n dz (eq. 14), against scipy.integrate.quad."""
    delta = (d - 1) / 2
    ref = integrate.quad(lambda z: np.exp(n * np.log1p(-special.betainc(delta, delta, z))), 0, 1,
                         points=[special.betaincinv(delta, delta, 1 / n)], limit=500, epsabs=1e-15)[0]
    assert sq.beta_min_mean(n, d) == pytest.approx(ref, rel=1e-9)


def test_expected_max_cosine_monte_carlo():
    """E max_j ⟨U, U_j⟩ against simulated uniform directions (4 s.e.)."""
    mean, se = mean_se(plots.max_cosine_draws(50, 8, samples=3000, seed=1))
    assert abs(mean - sq.expected_max_cosine(50, 8)) < 4 * se


def test_expected_max_cosine_stable_and_monotone_at_extremes():
    """Stable up to n = 10^6, d = 1000: finite, in (0, 1), increasing in n, decreasing in d."""
    values = [sq.expected_max_cosine(n, 1000) for n in (10, 1000, 10**6)]
    assert all(0 < v < 1 for v in values) and values[0] < values[1] < values[2]
    assert sq.expected_max_cosine(10**6, 100) > sq.expected_max_cosine(10**6, 1000)
    assert sq.expected_max_cosine(1, 7) == pytest.approx(0.0, abs=1e-10)


def test_max_cosine_cdf_is_a_cdf():
    c = np.linspace(-1, 1, 201)
    F = sq.max_cosine_cdf(c, 20, 6)
    assert F[0] == 0 and F[-1] == 1 and np.all(np.diff(F) >= 0)


# ---------------------------------------------------------------- radial_moments


@pytest.mark.parametrize("d", [2, 5, 50, 500])
def test_radial_moments(d):
    """Normal N(0, I/d): M1 = chi(d) mean/√d, M2 = 1; ball: d/(d+1), d/(d+2); sphere: 1, 1."""
    m1, m2 = sq.radial_moments("normal", d)
    assert m1 == pytest.approx(stats.chi(d).mean() / np.sqrt(d), rel=1e-10) and m2 == pytest.approx(1.0)
    assert sq.radial_moments("ball", d) == pytest.approx((d / (d + 1), d / (d + 2)))
    assert sq.radial_moments("sphere", d) == (1.0, 1.0)


def test_normal_radius_variance_expansion():
    """var‖U‖ = 1/(2d) − 1/(8d²) + O(d^{-3}) for N(0, I_d/d) (Section 2)."""
    d = 200
    m1, m2 = sq.radial_moments("normal", d)
    assert abs((m2 - m1**2) - (1 / (2 * d) - 1 / (8 * d**2))) < 5 / d**3


# ---------------------------------------------------------------- distortion


@pytest.mark.parametrize("n", [1, 5, 100])
@pytest.mark.parametrize("a", [0.2, 0.7, 1.0])
def test_distortion_d3_closed_forms(n, a):
    """Sphere target, d = 3: D_2 = (1 − a)² + 4a/(n + 1) and
    D_4 = (1 − a)⁴ + 8a[n(1 − a)² + 2 + 2a²]/[(n + 1)(n + 2)] (Section 2). D_4 checks eq. 48."""
    assert sq.distortion(a, n, 3, law="sphere", s=2) == pytest.approx((1 - a) ** 2 + 4 * a / (n + 1), rel=1e-12)
    d4 = (1 - a) ** 4 + 8 * a * (n * (1 - a) ** 2 + 2 + 2 * a * a) / ((n + 1) * (n + 2))
    assert sq.distortion(a, n, 3, law="sphere", s=4) == pytest.approx(d4, rel=1e-9)


@pytest.mark.parametrize("law", sq.LAWS)
def test_s2_closed_form_equals_double_integral(law):
    """Corollary 2.1 (eq. 13) and the integral (eq. 48) agree for s = 2."""
    from theorybook.spherical_quantisers._core import _distortion_double

    for a in (0.3, 0.9, 1.3):
        assert _distortion_double(a, 200, 12, law, 2.0) == pytest.approx(sq.distortion(a, 200, 12, law=law), rel=1e-9)


@pytest.mark.parametrize("law,s", [("normal", 2), ("ball", 1), ("sphere", 4), ("normal", 10)])
def test_exact_distortion_matches_monte_carlo(law, s):
    """Proposition 2.1 and eqs. 13/48 against a simulation of the random quantiser (4 s.e.)."""
    est, se = sq.distortion(0.8, 40, 6, law=law, s=s, method="mc", samples=20_000, quantisers=40,
                            seed=3)
    assert abs(est - sq.distortion(0.8, 40, 6, law=law, s=s)) < 4 * se


def test_distance_law_matches_simulation():
    """Proposition 2.1: the nearest squared distance has the law (‖U‖ − a)² + 4a‖U‖ζ(n, d);
    Kolmogorov–Smirnov distance below the 1% critical value 1.63/√N."""
    rng = np.random.default_rng(5)
    x = np.concatenate([sq.nearest_sq_distance(sq.sample_law("ball", 7, 100, seed=rng),
                                               sq.sample_sphere(30, 7, rng, radius=0.7))
                        for _ in range(30)])
    x.sort()
    F = plots.distance_cdf(x, a=0.7, n=30, d=7, law="ball")
    ks = np.max(np.maximum(np.abs(F - np.arange(1, len(x) + 1) / len(x)), np.abs(F - np.arange(len(x)) / len(x))))
    assert ks < 1.63 / np.sqrt(len(x))


def test_distortion_at_zero_radius_is_moment():
    """a = 0: every design point is the origin, D = E‖U‖^s."""
    assert sq.distortion(0.0, 7, 5, law="ball", s=3) == pytest.approx(5 / 8, rel=1e-9)


# ---------------------------------------------------------------- optimal_radius


def test_optimal_radius_d3_closed_forms():
    """a*(3, n, 2) = (n − 1)/(n + 1); a*(3, n, 4) = 1 − 4/n + 16/n² + O(n^{-3}) (Section 2)."""
    a, D = sq.optimal_radius(10, 3, law="sphere", s=2)
    assert a == pytest.approx(9 / 11) and D == pytest.approx(1 - (9 / 11) ** 2)
    a4, _ = sq.optimal_radius(1000, 3, law="sphere", s=4)
    assert abs(a4 - (1 - 4 / 1000 + 16 / 1000**2)) < 100 / 1000**3


@pytest.mark.parametrize("law,s", [("normal", 1), ("ball", 4), ("sphere", 10)])
def test_optimal_radius_is_a_minimum(law, s):
    a, D = sq.optimal_radius(50, 8, law=law, s=s)
    assert D == pytest.approx(sq.distortion(a, 50, 8, law=law, s=s), rel=1e-10)
    grid = np.linspace(0, 1.3, 27)
    assert D <= min(sq.distortion(x, 50, 8, law=law, s=s) for x in grid) * (1 + 1e-9)


def test_optimal_radius_depends_on_target_only_through_mean_norm():
    """Corollary 2.1: a*(d, n, 2) = E‖U‖(1 − 2m_{n,d})."""
    ratios = [sq.optimal_radius(300, 9, law=law)[0] / sq.radial_moments(law, 9)[0] for law in sq.LAWS]
    assert np.ptp(ratios) < 1e-12


def test_optimal_radius_trends():
    """a* increases with n, decreases with d; with s it decreases for the sphere target and
    increases for the normal target (Sections 3.3.1 and 3.3.3)."""
    assert sq.optimal_radius(10, 10)[0] < sq.optimal_radius(100, 10)[0] < sq.optimal_radius(1000, 10)[0]
    assert sq.optimal_radius(100, 5)[0] > sq.optimal_radius(100, 10)[0] > sq.optimal_radius(100, 50)[0]
    sphere = [sq.optimal_radius(100, 10, law="sphere", s=s)[0] for s in (1, 2, 4, 10)]
    normal = [sq.optimal_radius(100, 10, law="normal", s=s)[0] for s in (1, 2, 4, 10)]
    assert np.all(np.diff(sphere) < 0) and np.all(np.diff(normal) > 0)


def test_naive_radius_one_is_poor_in_high_dimension():
    """The naive a = 1 is poor when d is large (Section 3.3.1): at d = 100 its distortion is
    more than 1.5 times the optimum, for n = 10 as for n = 1000 (s = 2, sphere target)."""
    for n in (10, 1000):
        naive = sq.distortion(1.0, n, 100, law="sphere")
        assert naive > 1.5 * sq.optimal_radius(n, 100, law="sphere")[1]


# ---------------------------------------------------------------- extreme values


def test_kappa_bounds_hold():
    """Proposition 4.1 (eq. 42): the bounds bracket κ_{n,d}."""
    for n in (2, 10, 1000, 10**6):
        for d in (5, 8, 20, 100, 500):
            lo, hi = sq.kappa_bounds(n, d)
            assert lo - 1e-12 <= sq.kappa(n, d) <= hi + 1e-12


def test_evt_radius_d3_and_accuracy_in_n():
    """d = 3: κ = 1/n and â* = 1 − 2/n (sphere). â* approaches a* as n grows (Section 4.3)."""
    assert sq.kappa(50, 3) == pytest.approx(1 / 50)
    assert sq.evt_radius(50, 3, "sphere").radius == pytest.approx(1 - 2 / 50)
    err = [abs(sq.evt_radius(n, 20).radius - sq.optimal_radius(n, 20)[0]) for n in (10, 1000, 10**5)]
    assert err[0] > err[1] > err[2]


def test_growth_regimes_theorem_4_2():
    """Theorem 4.2: n = 2^d gives a* → √3/2 (independent of s); n = d² gives a* → 0."""
    a2 = sq.optimal_radius(2**300, 300, law="normal", s=2)[0]
    a4 = sq.optimal_radius(2**300, 300, law="normal", s=4)[0]
    assert abs(a2 - math.sqrt(3) / 2) < 0.01 and abs(a4 - math.sqrt(3) / 2) < 0.01
    poly = [sq.optimal_radius(d * d, d)[0] for d in (10, 100, 1000)]
    assert poly[0] > poly[1] > poly[2] and poly[2] < 0.2
    info = sq.evt_radius(2**300, 300)
    assert info.regime == "exponential" and info.limit == pytest.approx(math.sqrt(3) / 2)
    assert sq.evt_radius(300**2, 300).regime == "sub-exponential"


def test_ev_distortion_s2_consistent_with_evt_radius():
    """Ê² at â* equals M₂ − â*² (eq. 36). (The s = 4 form is tested against Monte Carlo below.)"""
    info = sq.evt_radius(500, 12, "ball")
    assert sq.ev_distortion(info.radius, 500, 12, law="ball", s=2) == pytest.approx(info.distortion)


# ---------------------------------------------------------------- Zador, comparators


def test_zador_constants():
    """Bounds ratio d/(d + s)/Γ(1 + s/d); d = 2, s = 2: the hexagonal lattice's
    Q_{2,2} = 2·5/(36√3) lies between the bounds (for the unit disc ‖f‖ = V_2^{s/d} = π)."""
    lo, hi = sq.zador(1, 2, s=2, law="ball")
    assert lo / hi == pytest.approx((2 / 4) / math.gamma(2))
    assert lo <= math.pi * 10 / (36 * math.sqrt(3)) <= hi
    # normal: ‖f‖_{d/(d+s)} by direct quadrature in d = 3
    d, s = 3, 2
    p = d / (d + s)
    integral = integrate.quad(lambda r: 4 * np.pi * r * r * ((d / (2 * np.pi)) ** 1.5 * np.exp(-d * r * r / 2)) ** p,
                              0, np.inf)[0]
    V = 4 * np.pi / 3
    assert sq.zador(1, d, s=s, law="normal")[1] == pytest.approx(math.gamma(1 + s / d) * V ** (-s / d) * integral ** (1 / p))


def test_random_quantiser_beats_zador_value_at_moderate_n():
    """The brief's claim: at moderate n and high d, D* lies below Zador's asymptotic value."""
    assert sq.optimal_radius(1000, 20)[1] < sq.zador(1000, 20)[0]


def test_kmeans_beats_iid_codebook_and_one_centre_is_the_variance():
    """k-means (n = 1) scores E‖U − c‖² = 1 + ‖c‖² out of sample, within 4 s.e. of its test
    sample plus 0.01 for the fitted centre c (‖c‖² ≈ 1/2000 from 2000 training points);
    k-means beats the i.i.d. codebook at n = 32 by more than 4 s.e. of the two scores."""
    d1, se1 = sq.kmeans_distortion(1, 5, law="normal", seed=0, test=20_000, return_se=True)
    assert abs(d1 - 1.0) < 4 * se1 + 0.01
    # the returned s.e. is that of the test mean: var ‖U‖² = 2/d for N(0, I/d)
    assert se1 == pytest.approx(math.sqrt(2 / 5 / 20_000), rel=0.1)
    km, se_km = sq.kmeans_distortion(32, 4, law="ball", seed=1, return_se=True)
    iid, se_iid = sq.iid_codebook_distortion(32, 4, law="ball", seed=1, return_se=True)
    assert km < iid - 4 * math.hypot(se_km, se_iid)
    assert sq.kmeans_distortion(32, 4, law="ball", seed=1) == km


def test_iid_codebook_matches_triple_integral():
    """Mean of i.i.d.-codebook distortions over 12 seeds vs 𝓘(Ψ; n) of eq. 12 with Φ = Ψ (4 s.e.)."""
    mean, se = mean_se([sq.iid_codebook_distortion(30, 5, law="ball", seed=k, test=4000)
                        for k in range(12)])
    assert abs(mean - sq.self_design_distortion(30, 5, law="ball", s=2)) < 4 * se


def test_factorial_closed_forms_and_crossover():
    """Supplement: factorial D₂, D₄ against simulation; random spheres (n = 2^d) beat optimised
    2^d factorial designs exactly from d = 7 on, for s = 2 and s = 4."""
    rng = np.random.default_rng(2)
    u = sq.sample_law("sphere", 4, 20_000, seed=rng)
    dist2 = 1 + 4 * 0.4**2 - 2 * 0.4 * np.abs(u).sum(1)
    for s, vals in ((2, dist2), (4, dist2**2)):
        assert abs(vals.mean() - sq.factorial_distortion(0.4, 4, s)) < 4 * vals.std() / np.sqrt(len(vals))
    for s in (2, 4):
        wins = [sq.optimal_radius(2**d, d, law="sphere", s=s)[1] < sq.optimal_factorial(d, s)[1]
                for d in range(3, 13)]
        assert wins == [d >= 7 for d in range(3, 13)]


# ---------------------------------------------------------------- mixtures


def test_triple_integral_equals_double_integral_for_one_sphere():
    """Eq. 12 (triple integral, any radial law) with Φ = δ_a reproduces eq. 48 (1e-6: the
    coarser quadrature of the mixture code)."""
    for law, d, n, s in (("ball", 6, 100, 2), ("sphere", 5, 20, 4), ("normal", 4, 30, 1)):
        triple = sq.mixture_distortion([0.7], [1.0], n=n, d=d, law=law, s=s)
        assert triple == pytest.approx(sq.distortion(0.7, n, d, law=law, s=s), rel=1e-6)


def test_directional_derivative_is_sensitivity_gap():
    """Eq. 23: d/dε 𝓘((1 − ε)Φ + εδ_ρ) at 0 equals S̄ − S(ρ)."""
    radii, w = np.array([0.3, 0.8]), np.array([0.2, 0.8])
    S, Sbar = sq.sensitivity([0.5], radii, w, n=50, d=5, law="ball", s=2)
    eps = 1e-6
    f = [sq.mixture_distortion(np.append(radii, 0.5), np.append((1 - e) * w, e), n=50, d=5,
                               law="ball", s=2) for e in (0, eps)]
    assert (f[1] - f[0]) / eps == pytest.approx(Sbar - S[0], rel=1e-3)


def test_ball_d8_mixtures_and_efficiency_of_iid_design():
    """Section 3.3.2 (ball, s = 2, d = 8): one sphere optimal at n = 400 (certificate ≤ 0),
    not at n = 1000, where the optimum has 2 spheres, weights increasing with radius, and the
    design ℙ = μ has efficiency ≈ 0.9296 (paper)."""
    assert sq.single_sphere_certificate(400, 8, law="ball")[1] < 1e-9
    assert sq.single_sphere_certificate(1000, 8, law="ball")[1] > 0.1
    res = sq.optimal_mixture(1000, 8, law="ball", s=2)
    assert res.converged and res.efficiency_bound > 1 - 1e-5
    assert len(res.radii) == 2 and res.weights[np.argmax(res.radii)] > 0.99
    assert res.distortion < sq.optimal_radius(1000, 8, law="ball")[1]
    eff = res.distortion / sq.self_design_distortion(1000, 8, law="ball", s=2)
    assert abs(eff - 0.9296) < 0.001


def test_first_n_without_single_sphere_is_about_2_to_the_d_plus_1():
    """n₁(d, 2) almost coincides with 2^{d+1} (Section 3.3.2; authors' script: 509 at d = 8)."""
    for d in (3, 5):
        n1 = sq.first_n_without_single_sphere(d, law="ball", s=2, n_max=4 * 2 ** (d + 1))
        assert abs(n1 - 2 ** (d + 1)) <= 0.05 * 2 ** (d + 1)


def test_efficiency_bound_is_a_lower_bound():
    """Eq. 22: 1 − g/𝓘(Φ) ≤ 𝓘(Φ*)/𝓘(Φ) for Φ = the uniform-ball design and the optimum Φ*."""
    n, d = 300, 5
    best = sq.optimal_mixture(n, d, law="ball", s=2)
    from theorybook.spherical_quantisers._core import radial_nodes
    from theorybook.spherical_quantisers._mixture import _GL8

    r, psi = radial_nodes("ball", d, gl=_GL8)
    S, Sbar = sq.sensitivity(best.grid, r, psi / psi.sum(), n=n, d=d, law="ball", s=2)
    I = sq.self_design_distortion(n, d, law="ball", s=2)
    assert 1 - (S.max() - Sbar) / I <= best.distortion / I + 1e-12


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("call,arg", [
    (lambda: sq.expected_max_cosine(0, 5), "n"),
    (lambda: sq.expected_max_cosine(10, 1), "d"),
    (lambda: sq.radial_moments("cube", 5), "law"),
    (lambda: sq.distortion(-0.1, 10, 5), "r"),
    (lambda: sq.distortion(0.5, 10, 5, s=0), "s"),
    (lambda: sq.distortion(0.5, 10, 5, law="cube"), "law"),
    (lambda: sq.distortion(0.5, 10, 5, method="quad"), "method"),
    (lambda: sq.distortion(0.5, 10, 5, method="mc", samples=0), "samples"),
    (lambda: sq.optimal_radius(0, 5), "n"),
    (lambda: sq.optimal_radius(10, 5, s=-1), "s"),
    (lambda: sq.evt_radius(10, 1), "d"),
    (lambda: sq.evt_radius(10, 5, law="t"), "law"),
    (lambda: sq.optimal_mixture(10, 5, s=0), "s"),
    (lambda: sq.optimal_mixture(0, 5), "n"),
    (lambda: sq.optimal_mixture(10, 5, tol=0), "tol"),
    (lambda: sq.zador(0, 5), "n"),
    (lambda: sq.zador(10, 5, s=0), "s"),
    (lambda: sq.zador(10, 5, law="x"), "law"),
    (lambda: sq.kmeans_distortion(0, 5, law="ball"), "n"),
    (lambda: sq.kmeans_distortion(5, 1, law="ball"), "d"),
    (lambda: sq.kmeans_distortion(5, 3, train=4), "train"),
    (lambda: sq.iid_codebook_distortion(5, 5, law="cube"), "law"),
    (lambda: sq.distortion(0.5, 10, 5, method="mc", quantisers=1), "quantisers"),
    (lambda: sq.sample_law("ball", 5, 0), "size"),
    (lambda: sq.sample_law("ball", 5, 3, seed=-1), "seed"),
    (lambda: sq.mixture_distortion([0.5, 0.2], [0.5, 0.6], n=10, d=5), "weights"),
    (lambda: sq.mixture_distortion([-0.5], [1.0], n=10, d=5), "radii"),
    (lambda: sq.sensitivity([np.nan], [0.5], [1.0], n=10, d=5), "rho"),
    (lambda: sq.optimal_mixture(10, 5, grid=[]), "grid"),
    (lambda: sq.optimal_mixture(10, 5, t_panels=2), "t_panels"),
    (lambda: sq.self_design_distortion(10, 5, scale=0), "scale"),
    (lambda: sq.realised_distortions(0.5, 10, 5, designs=0), "designs"),
    (lambda: sq.ev_distortion(0.5, 10, 2), "d"),
    (lambda: plots.distance_cdf(0.5, a=-1, n=10, d=5), "a"),
    (lambda: sq.mc_optimal_radius(10, 5, quantisers=1), "quantisers"),
    (lambda: sq.concentration(0.5, 10, 5, test=1), "test"),
    (lambda: sq.first_n_single_sphere_optimal(3, n_max=1), "n_max"),
    (lambda: sq.first_n_single_sphere_optimal(2, s=10, n_max=5), "n_max"),
    (lambda: plots.max_cosine_draws(10, 5, samples=0), "samples"),
    (lambda: sq.kappa_bounds(10, 4), "d"),
])
def test_bad_arguments_raise(call, arg):
    with pytest.raises(ValueError, match=arg):
        call()


# ---------------------------------------------------------------- properties and slider ranges

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(r=st.floats(0.05, 1.3), n=st.sampled_from([10, 100, 1000, 10_000, 100_000]),
       d=st.sampled_from([2, 3, 5, 10, 20, 50, 100, 200]), s=st.sampled_from([1, 2, 4, 10]),
       law=st.sampled_from(sq.LAWS))
def test_expected_distortion_falls_as_n_grows(r, n, d, s, law):
    """More points on the same sphere can only help: ζ(n, d), the least of n Beta(δ, δ) draws,
    falls stochastically with n, so D_s(r; 2n) < D_s(r; n) for r > 0 (eq. 48), and the optimum
    D* falls too, staying at or below D_s(r) and positive (the slider ranges of notebook 2)."""
    D, D2 = (sq.distortion(r, k, d, law=law, s=s) for k in (n, 2 * n))
    a, Ds = sq.optimal_radius(n, d, law=law, s=s)
    a2, Ds2 = sq.optimal_radius(2 * n, d, law=law, s=s)
    assert 0 < D2 < D and 0 < Ds2 < Ds <= D * (1 + 1e-9)
    assert 0 <= a and 0 <= a2


@SLOW
@given(n=st.sampled_from(plots.COSINE_GRID["n"]), d=st.sampled_from(plots.COSINE_GRID["d"]))
def test_cosine_frame_grid_gives_a_law_whose_mean_grows_with_n(n, d):
    """explore(cosine_frame) over COSINE_GRID: the c.d.f. of the largest cosine is a c.d.f.
    (0 at −1, 1 at 1, non-decreasing up to betainc's rounding), its mean ∫(1 − F) − 1 is
    E C_n = 1 − 2m_{n,d}, and E C_n grows with n and falls with d."""
    c = np.linspace(-1, 1, 20_001)
    F = sq.max_cosine_cdf(c, n, d)
    assert F[0] == 0 and F[-1] == 1 and np.all(np.diff(F) >= -1e-12)
    mean = 1 - np.sum(0.5 * (F[1:] + F[:-1])) * (c[1] - c[0])
    assert mean == pytest.approx(sq.expected_max_cosine(n, d), abs=1e-3)
    assert sq.expected_max_cosine(n, d) < sq.expected_max_cosine(2 * n, d)
    assert sq.expected_max_cosine(n, d) > sq.expected_max_cosine(n, d + 1)
    assert np.isfinite(sq.evt_radius(n, d).radius)


@pytest.mark.parametrize("rule", plots.GROWTH_GRID["rule"])
def test_growth_frame_grid(rule):
    """explore(growth_frame, **GROWTH_GRID): r* and r̂* finite in [0, 1] along every rule."""
    rows, limit = plots.growth_curves(rule, plots.GROWTH_FRAME_DIMENSIONS)
    assert np.all(np.isfinite(rows)) and np.all((rows[:, 2:] >= 0) & (rows[:, 2:] <= 1))
    assert 0 <= limit <= 1


@pytest.mark.parametrize("d", plots.SINGLE_SPHERE_GRID["d"])
def test_single_sphere_frame_grid(d):
    """explore(single_sphere_frame, **SINGLE_SPHERE_GRID) (ball, s = 2, n = ratio·2^{d+1}):
    finite sensitivities, and at a* the sensitivity equals its mean S̄ (the mean over δ_{a*} is
    S(a*))."""
    grid = _default_grid("ball")
    for ratio in plots.SINGLE_SPHERE_GRID["ratio"]:
        n = max(2, round(ratio * 2 ** (d + 1)))
        a = sq.optimal_radius(n, d, law="ball")[0]
        S, Sbar = sq.sensitivity(np.append(grid, a), [a], [1.0], n=n, d=d, law="ball", s=2)
        assert np.all(np.isfinite(S)) and Sbar > 0 and S[-1] == pytest.approx(Sbar, rel=1e-9)


@settings(max_examples=8, deadline=None)
@given(a=st.sampled_from(plots.DISTANCE_GRID["a"]), law=st.sampled_from(plots.DISTANCE_GRID["law"]),
       n=st.sampled_from([10, 1_000, 100_000]))
def test_distance_frame_grid_cdf_has_mean_D(a, law, n):
    """explore(distance_frame, **DISTANCE_GRID) (and other n): the distance c.d.f. is finite,
    increasing, and its mean ∫(1 − F) matches D(a) (s = 2)."""
    x = np.linspace(0.0, 6.0, 3001)
    F = plots.distance_cdf(x, a=a, n=n, d=10, law=law)
    assert np.all(np.isfinite(F)) and np.all(np.diff(F) >= -1e-12)
    mean = np.sum(1 - 0.5 * (F[1:] + F[:-1])) * (x[1] - x[0])
    assert mean == pytest.approx(sq.distortion(a, n, 10, law=law), abs=1e-4)


@pytest.mark.parametrize("s", plots.DISTORTION_GRID["s"])
def test_distortion_frame_grid(s):
    """explore(distortion_frame, **DISTORTION_GRID): each target's optimum is below its curve."""
    for n in plots.DISTORTION_GRID["n"]:
        for law in sq.LAWS:
            a, Ds = sq.optimal_radius(n, 10, law=law, s=s)
            curve = [sq.distortion(x, n, 10, law=law, s=s) for x in np.linspace(0, 1.3, 21)]
            assert np.all(np.isfinite(curve)) and 0 < Ds <= min(curve) * (1 + 1e-9)


# ---------------------------------------------------------------- remaining public helpers


def test_samplers_and_nearest_distance():
    rng = np.random.default_rng(0)
    z = sq.sample_sphere(50, 6, rng, radius=0.7)
    assert np.allclose(np.linalg.norm(z, axis=1), 0.7)
    for law in sq.LAWS:
        r2 = (sq.sample_law(law, 6, 20_000, seed=rng) ** 2).sum(1)
        mean, se = mean_se(r2)
        assert abs(mean - sq.radial_moments(law, 6)[1]) < 4 * se + 1e-12
    x = sq.sample_law("ball", 6, 200, seed=1)
    assert np.array_equal(x, sq.sample_law("ball", 6, 200, seed=np.random.default_rng(1)))
    brute = ((x[:, None, :] - z[None, :, :]) ** 2).sum(-1).min(1)
    assert np.allclose(sq.nearest_sq_distance(x, z, chunk=500), brute)


def test_ev_distortion_s4_matches_its_definition():
    """Eq. 34–35 are closed forms of Definition 4.1 (eq. 30): check s = 4 by quadrature over the
    Weibull law ξ (c.d.f. 1 − e^{−t^δ}) and the ball's radial law."""
    n, d, a = 300, 7, 0.6
    delta, k = (d - 1) / 2, sq.kappa(n, d)

    def inner(r):
        return integrate.quad(lambda z: ((r - a) ** 2 + 4 * a * r * k * z) ** 2 * delta
                              * z ** (delta - 1) * np.exp(-(z**delta)), 0, np.inf)[0]

    ref = integrate.quad(lambda r: inner(r) * d * r ** (d - 1), 0, 1)[0]
    assert sq.ev_distortion(a, n, d, law="ball", s=4) == pytest.approx(ref, rel=1e-7)


def test_kappa_limit_values():
    """Eq. 43: κ∞ = 0, ½(1 − √(1 − 1/λ²)), ½; for λ = 2 the radius limit is √3/2."""
    assert sq.kappa_limit(np.inf) == 0 and sq.kappa_limit(1.0) == 0.5
    assert 1 - 2 * sq.kappa_limit(2.0) == pytest.approx(math.sqrt(3) / 2)


def test_realised_distortions_concentrate_around_expectation():
    """Theorem 4.1: independent designs have nearly equal distortions (spread < 2 % of D). Their
    mean matches the exact expectation within 4 s.e. of the common test sample (returned with
    ``return_se``) plus 4 s.e. of the design spread."""
    a, D = sq.optimal_radius(64, 6)
    Q, se = sq.realised_distortions(a, 64, 6, law="normal", designs=12, test=4000, seed=1,
                                    return_se=True)
    assert Q.std(ddof=1) < 0.02 * D
    assert 0 < se < 0.05 * D
    assert abs(Q.mean() - D) < 4 * (se + Q.std(ddof=1) / np.sqrt(12))
    same = sq.realised_distortions(a, 64, 6, law="normal", designs=12, test=4000, seed=1)
    assert np.array_equal(Q, same)


def test_plot_functions_return_labelled_figures():
    import matplotlib.pyplot as plt

    figs = [plots.cosine_frame(d=10, n=100), plots.distortion_frame(n=50, s=4, points=5),
            plots.plot_kappa(n=100, d_values=[5, 10, 20]), plots.growth_frame(rule="n = 2^d"),
            plots.plot_distance_law(a=0.8, n=20, d=5, law="ball", samples=200),
            plots.distance_frame(a=0.6, n=10), plots.single_sphere_frame(d=4, ratio=2),
            plots.plot_cap_heuristic(d_values=(10, 30), lambdas=[1.5, 2.0]),
            plots.plot_n_star(d_values=[3, 4], s_values=[2]),
            plots.voronoi_frame(a=0.5, n=5, pixels=21)]
    for fig in figs:
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel()
        plt.close(fig)


def test_comparison_rows_and_plot():
    """comparison_rows: exact D* and Zador's values as computed directly; k-means and the i.i.d.
    codebook as the mean and standard error over seeds of their own functions; one seed refused."""
    import matplotlib.pyplot as plt

    rows = plots.comparison_rows([4, 8], d=3, law="ball", seeds=(2, 5))
    assert list(rows["n"]) == [4, 8]
    assert rows["sphere"][1] == sq.optimal_radius(8, 3, law="ball")[1]
    km = [sq.kmeans_distortion(4, 3, law="ball", seed=s) for s in (2, 5)]
    assert rows["kmeans"][0] == pytest.approx(np.mean(km))
    assert rows["kmeans_se"][0] == pytest.approx(abs(km[0] - km[1]) / 2)
    iid = [sq.iid_codebook_distortion(8, 3, law="ball", seed=s) for s in (2, 5)]
    assert rows["iid"][1] == pytest.approx(np.mean(iid))
    assert (rows["zador_lower"][0], rows["zador_upper"][0]) == sq.zador(4, 3, law="ball")
    assert np.all(rows["kmeans_se"] > 0) and np.all(rows["iid_se"] > 0)
    plt.close(plots.plot_comparison(rows, d=3, law="ball"))
    with pytest.raises(ValueError, match="seeds"):
        plots.comparison_rows([4], d=3, law="ball", seeds=(0,))


# ---------------------------------------------------------------- additions of issue 18


@pytest.mark.parametrize("law", sq.LAWS)
def test_mc_optimal_radius_matches_corollary_2_1(law):
    """Corollary 2.1 (eq. 15): the minimiser of the simulated distortion, mean max_j ⟨U, Z_j⟩,
    has mean a* = E‖U‖(1 − 2m); within 4 s.e. of the per-design means (40 designs)."""
    est, se = sq.mc_optimal_radius(200, 12, law=law, samples=8000, quantisers=40, seed=3)
    assert abs(est - sq.optimal_radius(200, 12, law=law)[0]) < 4 * se
    assert 0 < se < 0.01


def test_mc_optimal_radius_is_the_minimiser_of_the_simulated_distortion():
    """The closed-form minimiser mean(max_j ⟨U, Z_j⟩) is the argmin of the simulated D(a) on the
    same draws (the algebra ‖U − aZ‖² = ‖U‖² + a² − 2a⟨U, Z⟩, checked by brute force)."""
    g = np.random.default_rng(0)
    x, z = sq.sample_law("ball", 5, 300, seed=g), sq.sample_sphere(20, 5, g)
    radii = np.linspace(0.0, 1.0, 2001)
    D = [sq.nearest_sq_distance(x, a * z).mean() for a in radii]
    assert radii[np.argmin(D)] == pytest.approx((x @ z.T).max(axis=1).mean(), abs=1e-3)


def test_single_sphere_optimal_sphere_target_d3():
    """Section 3.3.1: for d = 3, s = 2 one sphere is provably optimal from n = 3 on (a*(3,3,2) =
    1/2), and not at n = 2."""
    assert sq.first_n_single_sphere_optimal(3, law="sphere", s=2) == 3
    assert sq.single_sphere_certificate(2, 3, law="sphere", s=2)[1] > 1e-3


def test_first_n_single_sphere_optimal_grows_with_s():
    """n*(d, s) for the sphere target does not decrease with s at d = 3, 4, and n*(3, 10) > n*(3, 2)
    (Section 3.3.1: a* decreases with s, and for large s a centre atom helps longer; the paper's
    Fig. 2 was not available to us, so this states our computation's trend)."""
    for d in (3, 4):
        values = [sq.first_n_single_sphere_optimal(d, law="sphere", s=s) for s in (2, 4, 10)]
        assert values == sorted(values) and values[0] < values[-1]


def test_concentration_bound_holds_and_cell_masses():
    """Theorem 4.1: the observed variance of Q is below B² E Σp_i²; Σp_i² ≥ 1/n (Cauchy–Schwarz)
    and the estimate matches a direct count on a second design sample (same seed, same value)."""
    a, D = sq.optimal_radius(32, 4)
    res = sq.concentration(a, 32, 4, designs=20, test=3000, seed=2)
    assert res.Q.var(ddof=1) < res.variance_bound
    assert 1 / 32 <= res.cell_mass_square_sum < 4 / 32
    m1, m2 = sq.radial_moments("normal", 4)
    B = m2 + 2 * a * m1 + a * a
    assert res.variance_bound == pytest.approx(B * B * res.cell_mass_square_sum)
    assert np.array_equal(res.Q, sq.realised_distortions(a, 32, 4, designs=20, test=3000, seed=2))


def test_cap_heuristic_limit_along_lambda_growth():
    """Theorem 4.2 (λ-regime): E max cos along n = λ^d approaches √(1 − 1/λ²), the gap shrinking
    with d."""
    gaps = [abs(sq.expected_max_cosine(round(2.0**d), d) - math.sqrt(0.75)) for d in (10, 40, 160)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.01


def test_optimal_distortion_limit_along_3_to_the_d():
    """Exercise of notebook 3: along n = 3^d, D* → 1 − (1 − 1/9) = 1/9 for s = 2 (Theorem 4.2,
    min D → (r/λ)^s), from above for the normal target, the gap shrinking with d."""
    gaps = [sq.optimal_radius(3**d, d)[1] - 1 / 9 for d in (30, 100, 300)]
    assert gaps[0] > gaps[1] > gaps[2] > 0 and gaps[2] < 0.01


def test_single_sphere_floor_is_radial_variance():
    """Exercise of notebook 1: D* = E‖U‖² − a*² ≥ var‖U‖, with equality only as n → ∞ (normal
    target, d = 5): the gap to var‖U‖ falls with n, to under 3 % of var‖U‖ at n = 10^6."""
    m1, m2 = sq.radial_moments("normal", 5)
    gaps = [sq.optimal_radius(n, 5)[1] - (m2 - m1**2) for n in (10, 1000, 10**6)]
    assert gaps[0] > gaps[1] > gaps[2] > 0 and gaps[2] < 0.03 * (m2 - m1**2)


def test_voronoi_cells_are_sectors():
    """Proposition 2.1 in 2-D: the cell of a point does not depend on the radius a of the circle
    (nearest = largest cosine), for points off the origin."""
    g = np.random.default_rng(4)
    z, x = sq.sample_sphere(7, 2, g), sq.sample_law("normal", 2, 500, seed=g)
    cells = [sq.nearest_sq_distance(x, a * z, return_index=True)[1] for a in (0.2, 1.0, 3.0)]
    assert np.array_equal(cells[0], cells[1]) and np.array_equal(cells[1], cells[2])


def test_ball_design_at_unit_radius_is_the_target_design():
    """For the ball target ℙ_{0,1} = μ: ball_design_distortion(1) equals self_design_distortion,
    and a smaller ball is worse at large n (more points needed near the boundary)."""
    same = sq.ball_design_distortion(1.0, 200, 4, law="ball")
    assert same == pytest.approx(sq.self_design_distortion(200, 4, law="ball"), rel=1e-12)
    assert sq.ball_design_distortion(0.5, 5000, 4, law="ball") > sq.ball_design_distortion(
        1.0, 5000, 4, law="ball")


def test_first_n_beaten_is_the_crossing_of_mu_and_the_best_sphere():
    """Section 3.3.2 (n₃, ball, d = 3): at the returned n the i.i.d. design ℙ = μ beats the best
    sphere and at n − 1 it does not; the crossing lies beyond n₁(3) = 16 (where one sphere stops
    being optimal among all spherically symmetric designs)."""
    n3 = sq.first_n_beaten(3, law="ball", design="target")

    def gap(n):
        return (sq.self_design_distortion(n, 3, law="ball", t_panels=16)
                - sq.optimal_radius(n, 3, law="ball")[1])

    assert gap(n3) < 0 < gap(n3 - 1)
    assert n3 > sq.first_n_without_single_sphere(3, law="ball", n_max=64)
    with pytest.raises(ValueError, match="n_min"):
        sq.first_n_beaten(3, law="ball", design="target", n_min=4 * n3)
    with pytest.raises(ValueError, match="design"):
        sq.first_n_beaten(3, design="cube")

"""Tests of theorybook.periodic_neurons: LLL, integer relations, the lattice learners, CLWE
detection, the gradient-descent baseline and the chapter's figures (Song, Zadik & Bruna 2021)."""

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_figure_finite
from theorybook import periodic_neurons as pn
from theorybook.common import rng
from theorybook.periodic_neurons import plots

FEW = settings(max_examples=5, deadline=None)


def _random_basis(m, seed, size=10**6):
    """A random non-singular basis, skewed by adding 37 times each row to the next (so that it
    is far from LLL-reduced); the determinant is unchanged."""
    g = rng(seed)
    while True:
        B = [[int(v) for v in g.integers(-size, size, m)] for _ in range(m)]
        if round(abs(np.linalg.det(np.array(B, dtype=float)))) > 0:
            break
    for i in range(1, m):
        B[i] = [a + 37 * b for a, b in zip(B[i], B[i - 1])]
    return B


# --- LLL ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", pn.BACKENDS)
@pytest.mark.parametrize("m", [2, 4, 7])
def test_lll_output_is_size_reduced_and_lovasz(backend, m):
    B = _random_basis(m, seed=m)
    R = pn.lll(B, delta=0.99, backend=backend)
    max_mu, lovasz = pn.lll_conditions(R, delta=0.99)
    assert max_mu <= 0.51 and lovasz
    assert pn.lll_conditions(B, delta=0.99)[0] > 0.51       # the input was not reduced
    def gram_det(M):                           # det(M M^T) = prod |b_i*|^2, exactly
        return math.prod(sum(a * a for a in v) for v in pn.gram_schmidt(M)[0])

    assert gram_det(R) == gram_det(B)          # the same lattice volume
    assert max(map(abs, R[0])) < max(map(abs, B[-1]))


def test_textbook_lll_agrees_with_fpylll_on_small_bases():
    """Both backends are deterministic LLL with the same delta; on these bases they coincide."""
    for m in (2, 3, 5, 8):
        B = _random_basis(m, seed=10 + m, size=1000)
        assert pn.lll(B, backend="textbook") == pn.lll(B, backend="fpylll")


@pytest.mark.parametrize("d", [4, 8])
def test_textbook_lll_finds_the_same_relation_as_fpylll(d):
    """The issue's requirement: the same relation up to sign on the learner's lattices."""
    p = pn.sample_problem(d, "cos", seed=1)
    bits = pn.relation_bits(d)
    from theorybook.periodic_neurons._learn import _relation_values, _work_prec

    values = _relation_values(p, pn.solve_lambda(p.X, _work_prec(bits)), _work_prec(bits))
    basis = pn.relation_basis(values, bits)
    a, b = pn.lll(basis, backend="textbook"), pn.lll(basis, backend="fpylll")
    assert a[0] in (b[0], [-v for v in b[0]])
    assert pn.lll_conditions(a) [1] and pn.lll_conditions(a)[0] <= 0.5


def test_gram_schmidt_is_exact_and_orthogonal():
    B = [[3, 1, 0], [2, 2, 1], [1, 0, 5]]
    b_star, mu = pn.gram_schmidt(B)
    for i in range(3):
        for j in range(i):
            assert sum(x * y for x, y in zip(b_star[i], b_star[j])) == 0
        rebuilt = [b_star[i][k] + sum(mu[i][j] * b_star[j][k] for j in range(i))
                   for k in range(3)]
        assert rebuilt == [Fraction(v) for v in B[i]]


def test_lll_two_dimensional_is_gauss_reduction():
    """In rank 2 LLL with delta -> 1 returns a shortest vector: here (1, 1) of a skewed basis."""
    B = [[1, 0], [-99, 1]]                       # spans Z^2; shortest vectors have norm 1
    R = pn.lll([[1, 1], [100, 101]], backend="textbook")
    assert sorted(abs(v) for v in R[0]) in ([0, 1], [1, 0])
    assert pn.lll(B)[0] in ([1, 0], [-1, 0], [0, 1], [0, -1])


def test_integer_relation_finds_a_planted_relation():
    mpmath.mp.prec = 300
    x = [mpmath.sqrt(2), mpmath.sqrt(3), mpmath.pi]
    values = x + [-(3 * x[0] - 2 * x[1] + x[2])]
    c = pn.integer_relation(values, 120)
    assert c in ([3, -2, 1, 1], [-3, 2, -1, -1])


# --- problems and learners --------------------------------------------------------------------

def test_sample_problem_labels_are_exact_and_shapes_right():
    p = pn.sample_problem(5, "cos", gamma=2.0, seed=3)
    assert p.X.shape == (6, 5) and p.y.shape == (6,) and p.n == 6 and p.d == 5
    assert abs(np.linalg.norm(p.w) - 1) < 1e-12
    with mpmath.workprec(p.prec):
        t = mpmath.fsum(mpmath.mpf(float(a)) * mpmath.mpf(float(b)) for a, b in zip(p.X[0], p.w))
        err = abs(mpmath.cos(2 * mpmath.pi * 2 * t) - p.y_exact[0])
    assert err < 1e-14                         # w normalised in mpmath vs float64 w
    np.testing.assert_allclose(p.y, np.cos(2 * np.pi * 2 * p.X @ p.w), atol=1e-12)
    q = pn.sample_problem(5, "abs", noise=0.1, n=40, seed=3)
    assert q.X.shape == (40, 5)
    assert np.all(np.abs(q.y - np.abs(q.X @ q.w)) <= 0.1 + 1e-12)


@pytest.mark.parametrize("activation", pn.ACTIVATIONS)
@pytest.mark.parametrize("backend", pn.BACKENDS)
def test_learners_recover_w_noise_free(activation, backend):
    for seed in range(3):
        p = pn.sample_problem(6, activation, gamma=1.5, seed=seed)
        assert pn.recovery_error(p, pn.learn(p, backend=backend)) < 1e-10


def test_claim_d_plus_one_samples_suffice_noise_free():
    """Paper (abstract): noise-free, d + 1 samples suffice. All 10 problems at d = 15 are
    recovered to 1e-10 (w for |.|; gamma w, so gamma too, for cos with gamma = 3).
    Mechanism removed (checked by hand): replacing x_{d+1} by an independent Gaussian vector
    after computing lam (no linear dependency) makes every trial return None."""
    for seed in range(10):
        p = pn.sample_problem(15, "cos", gamma=3.0, seed=seed)
        w_hat, g_hat = pn.learn_cos_neuron(p)
        assert abs(g_hat - 3.0) < 1e-10 and pn.recovery_error(p, (w_hat, g_hat)) < 1e-10
        q = pn.sample_problem(15, "abs", seed=seed)
        assert pn.recovery_error(q, pn.learn_phase_retrieval(q)) < 1e-10


def test_claim_precision_grows_with_d_and_gamma():
    """Chapter claim: the bits LLL needs grow with d and with gamma. Smallest working N (step 2)
    of 3 problems each: the largest at d = 4 is below the smallest at d = 16, and at d = 6 the
    median need at gamma = 16 exceeds the median at gamma = 0.5 (mechanism: the |k_i| grow like
    gamma |<w, x_i>|; with gamma fixed at 0.5 for both, the medians coincide within one step)."""
    def min_bits(d, gamma, seed, act="cos"):
        p = pn.sample_problem(d, act, gamma=gamma, seed=seed)
        for b in range(pn.lattice_dim(d, act), 4 * pn.relation_bits(d, gamma=gamma), 2):
            if pn.recovery_error(p, pn.learn(p, b)) < pn.SUCCESS_TOL:
                return b
        return math.inf

    small = [min_bits(4, 1.0, s) for s in range(3)]
    large = [min_bits(16, 1.0, s) for s in range(3)]
    assert max(small) < min(large)
    low = np.median([min_bits(6, 0.5, s) for s in range(5)])
    high = np.median([min_bits(6, 16.0, s) for s in range(5)])
    assert high > low + 4


def test_claim_noise_tolerance_shrinks_with_d_and_abs_beats_cos():
    """Paper: noise must be exponentially small. At noise 1e-8 the learner succeeds on all
    10 |.| problems at d = 4 and on none at d = 16 (binomial: a true rate of 0.5 would give
    such a split with probability < 1e-5); at d = 8, noise 1e-6, |.| succeeds on >= 8/10 and cos
    on <= 2/10. Mechanism removed: at noise 0 every one of these cells is 10/10 (asserted)."""
    assert pn.success_rate(4, 1e-8, "abs", trials=10) == 1.0
    assert pn.success_rate(16, 1e-8, "abs", trials=10) == 0.0
    assert pn.success_rate(16, 0.0, "abs", trials=10) == 1.0
    assert pn.success_rate(8, 1e-6, "abs", trials=10) >= 0.8
    assert pn.success_rate(8, 1e-6, "cos", trials=10) <= 0.2
    assert pn.success_rate(8, 0.0, "cos", trials=10) == 1.0


def test_claim_precision_window():
    """Chapter claim: N must sit in a window. At d = 6, noise 1e-20, the automatic N recovers
    10/10 cosine problems while a fixed N of three times the noise-free need recovers none
    (mechanism: with noise 0 the same fixed N recovers 10/10)."""
    fixed = 3 * pn.relation_bits(6)
    assert pn.success_rate(6, 1e-20, trials=10) == 1.0
    assert pn.success_rate(6, 1e-20, trials=10, bits=fixed) == 0.0
    assert pn.success_rate(6, 0.0, trials=10, bits=fixed) == 1.0


def test_claim_float64_labels_break_noise_free_recovery():
    """Pitfall: float64 labels carry noise ~1e-16, which the lattice sees at moderate d. At
    d = 12 the cosine learner recovers none of 10 problems from float64 labels, all 10 from
    the mpmath labels of the same problems (the mechanism: only the label rounding differs)."""
    assert pn.success_rate(12, 0.0, trials=10, float64_labels=True) == 0.0
    assert pn.success_rate(12, 0.0, trials=10) == 1.0


def test_claim_clwe_detection():
    """Paper (abstract): the algorithm solves noise-free CLWE with d + 1 samples. 8/8 CLWE sample
    sets are detected and 0/8 uniform ones, at d = 10, gamma = 2 * sqrt(10) (the uniform sets
    are the mechanism removed: same Y, labels without the hidden structure)."""
    g = 2 * math.sqrt(10)
    assert all(pn.clwe_detect(pn.sample_clwe(10, g, seed=s)) for s in range(8))
    assert not any(pn.clwe_detect(pn.sample_clwe(10, g, uniform=True, seed=s)) for s in range(8))


def test_claim_gradient_descent_fails_at_high_frequency():
    """Illustration (Shamir 2018): GD on the squared loss recovers w at gamma = 0.2 (overlap
    > 0.99 for 3 seeds, n = 500, d = 10) and fails at gamma = 2 (overlap < 0.9 for 3 seeds)
    while LLL recovers w from 11 of the same samples. Removing the mechanism (the frequency) is
    the gamma = 0.2 half of the test."""
    for seed in range(3):
        lo = pn.sample_problem(10, "cos", gamma=0.2, n=500, seed=seed)
        hi = pn.sample_problem(10, "cos", gamma=2.0, n=500, seed=seed)
        assert pn.alignment(pn.gradient_descent(lo, seed=seed), lo.w) > 0.99
        assert pn.alignment(pn.gradient_descent(hi, seed=seed), hi.w) < 0.9
        assert pn.recovery_error(hi, pn.learn(hi)) < 1e-10


def test_population_loss_matches_monte_carlo():
    """Closed form against 200k Monte Carlo samples, within 4 standard errors."""
    g = rng(0)
    for gamma, rho in [(0.3, 0.5), (1.0, 0.9), (0.1, -0.2)]:
        u, v = g.standard_normal((2, 200_000))
        b = rho * u + math.sqrt(1 - rho**2) * v
        sq = (np.cos(2 * np.pi * gamma * u) - np.cos(2 * np.pi * gamma * b)) ** 2
        assert abs(sq.mean() - pn.population_loss(rho, gamma)) < 4 * sq.std() / math.sqrt(sq.size)
    assert pn.population_loss(1.0, 0.7) == pytest.approx(0.0, abs=1e-15)
    assert pn.population_loss(-1.0, 0.7) == pytest.approx(0.0, abs=1e-15)


def test_alignment_and_recovery_error():
    p = pn.sample_problem(3, "abs", seed=0)
    assert pn.recovery_error(p, -p.w) == 0.0 and pn.recovery_error(p, None) == math.inf
    assert pn.alignment(-p.w, p.w) == pytest.approx(1.0) and pn.alignment(None, p.w) == 0.0
    q = pn.sample_problem(3, "cos", gamma=2.0, seed=0)
    assert pn.recovery_error(q, (q.w, 1.0)) == pytest.approx(0.5)


def test_auto_bits_respects_the_noise_cap():
    p = pn.sample_problem(6, "cos", noise=1e-20, seed=0)
    assert pn.auto_bits(p) <= pn.noise_bits(p)
    assert pn.noise_bits(pn.sample_problem(6, "cos", seed=0)) == math.inf
    assert pn.auto_bits(pn.sample_problem(6, "cos", seed=0)) == pn.relation_bits(6)


# --- figures and sliders -----------------------------------------------------------------------


@FEW
@given(gamma=st.sampled_from(plots.LANDSCAPE_GRID["gamma"]),
       d=st.sampled_from(plots.LANDSCAPE_GRID["d"]))
def test_landscape_frame_is_finite(gamma, d):
    assert_figure_finite(plots.landscape_frame(gamma, d))


@FEW
@given(activation=st.sampled_from(plots.RELATION_GRID["activation"]),
       bits=st.sampled_from(plots.RELATION_GRID["bits"]))
def test_relation_frame_is_finite(activation, bits):
    fig = plots.relation_frame(activation, bits)
    heights = [r.get_height() for r in fig.axes[0].patches]
    assert heights and np.all(np.isfinite(heights))
    assert_figure_finite(fig)


@FEW
@given(d=st.sampled_from(plots.WINDOW_GRID["d"]),
       log10_noise=st.sampled_from(plots.WINDOW_GRID["log10_noise"]))
def test_window_frame_is_finite(d, log10_noise):
    assert_figure_finite(plots.window_frame(d, log10_noise))


def test_planted_relation_is_a_relation():
    for act in pn.ACTIVATIONS:
        p = pn.sample_problem(5, act, seed=2)
        assert pn.recovery_error(p, pn.learn(p)) < 1e-10
        c = plots.planted_relation(p)
        assert len(c) == pn.lattice_dim(5, act)
        assert all(abs(v) == 1 for v in c[:6])


# --- bad arguments -----------------------------------------------------------------------------

def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="d"):
        pn.sample_problem(0)
    with pytest.raises(ValueError, match="noise"):
        pn.sample_problem(3, noise=-1e-3)
    with pytest.raises(ValueError, match="activation"):
        pn.sample_problem(3, "relu")
    with pytest.raises(ValueError, match="gamma"):
        pn.sample_problem(3, gamma=0.0)
    p = pn.sample_problem(4, "cos", seed=0)
    with pytest.raises(ValueError, match="bits"):
        pn.learn_cos_neuron(p, bits=5)            # below the lattice dimension 10
    with pytest.raises(ValueError, match="bits"):
        pn.learn_cos_neuron(p, bits=p.prec)       # beyond the labels' precision
    with pytest.raises(ValueError, match="activation"):
        pn.learn_phase_retrieval(p)
    with pytest.raises(ValueError, match="n >= d"):
        pn.learn_cos_neuron(pn.sample_problem(4, "cos", n=4))
    with pytest.raises(ValueError, match="backend"):
        pn.lll([[1, 0], [0, 1]], backend="sympy")
    with pytest.raises(ValueError, match="delta"):
        pn.lll([[1, 0], [0, 1]], delta=0.2)
    with pytest.raises(ValueError, match="integer"):
        pn.lll([[1.5, 0], [0, 1]])
    with pytest.raises(ValueError, match="independent"):
        pn.lll([[1, 2], [2, 4]], backend="textbook")
    with pytest.raises(ValueError, match="values"):
        pn.integer_relation([1.0], 10)
    with pytest.raises(ValueError, match="bits"):
        pn.clwe_detect(pn.sample_clwe(4), bits=3)
    with pytest.raises(ValueError, match="samples"):
        pn.clwe_detect("not samples", bits=30)
    with pytest.raises(ValueError, match="trials"):
        pn.success_rate(3, 0.0, trials=0)
    with pytest.raises(ValueError, match="noise"):
        pn.success_rate(3, -1.0)
    with pytest.raises(ValueError, match="rho"):
        pn.population_loss(1.5, 1.0)
    with pytest.raises(ValueError, match="steps"):
        pn.gradient_descent(p, steps=0)


# --- helpers added for the notebooks ----------------------------------------------------------

def test_lll_trace_replays_to_the_output():
    B = [[1, 1, 1], [-1, 0, 2], [3, 5, 6]]
    steps = []
    R = pn.lll(B, delta=0.75, backend="textbook", trace=steps)
    assert R == [[0, 1, 0], [1, 0, 1], [-1, 0, 2]]      # the classic example's reduced basis
    assert steps and steps[-1][2] == R
    assert {move for move, _, _ in steps} == {"reduce", "swap"}


def test_min_bits_is_the_threshold():
    p = pn.sample_problem(5, "cos", seed=0)
    b = pn.min_bits(p)
    assert pn.recovery_error(p, pn.learn(p, b)) < pn.SUCCESS_TOL
    if b > pn.lattice_dim(5, "cos"):
        assert pn.recovery_error(p, pn.learn(p, b - 1)) >= pn.SUCCESS_TOL


def test_relation_values_hold_the_planted_relation():
    p = pn.sample_problem(6, "cos", gamma=2.0, seed=1)
    values = pn.relation_values(p, 100)
    c = plots.planted_relation(p)
    with mpmath.workprec(300):
        assert abs(mpmath.fsum(ci * v for ci, v in zip(c, values))) < 1e-25


def test_random_overlap_matches_monte_carlo():
    """Closed form E|<u, w>| against 100k uniform unit vectors, within 4 s.e."""
    from theorybook.common import sample_sphere

    for d in (2, 10):
        u = sample_sphere(100_000, d, 0)
        x = np.abs(u[:, 0])
        assert abs(x.mean() - pn.random_overlap(d)) < 4 * x.std() / math.sqrt(x.size)
    assert pn.random_overlap(1) == pytest.approx(1.0)


def test_gd_vs_lll_shapes_and_values():
    res = pn.gd_vs_lll(4, [0.1, 1.0], seeds=range(2), n=40, steps=200)
    assert res["gd"].shape == res["lll"].shape == (2, 2)
    assert np.all((0 <= res["gd"]) & (res["gd"] <= 1 + 1e-9))
    assert np.allclose(res["lll"], 1.0)


def test_success_grid_matches_success_rate():
    grid = pn.success_grid([3, 5], [-math.inf, -4], activation="abs", trials=4)
    assert grid.shape == (2, 2)
    assert grid[1, 1] == pn.success_rate(5, 1e-4, "abs", trials=4)
    assert np.all(grid[:, 0] == 1.0)


def test_static_plots_draw():
    fig = plots.plot_neuron_2d(pn.sample_problem(2, "cos", n=10, seed=0))
    assert fig.axes and len(fig.axes[0].collections) >= 1
    plt.close(fig)
    p1 = pn.sample_problem(1, "abs", seed=4)
    basis = pn.relation_basis(pn.relation_values(p1, 5), 5)
    fig = plots.plot_basis_2d(basis, pn.lll(basis))
    assert any("relation c" in t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    fig = plots.plot_success_heatmap(np.eye(2), [2, 4], [-8, -4])
    plt.close(fig)
    with pytest.raises(ValueError, match="d"):
        plots.plot_neuron_2d(pn.sample_problem(3, "cos", seed=0))

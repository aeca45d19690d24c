"""Tests of theorybook.relu_integral_representations (Lee, arXiv:2604.23260; the representation
is our reconstruction in the spirit of the paper's §7, see the chapter's index page).

Oracles: closed forms (multinomial RKHS norm, polynomial values), scipy 1.17 quadrature
(``integrate.quad``) and tensor Gauss–HermiteE rules, a plain-numpy evaluation of the network,
and Monte Carlo with a stated multiple of its standard error (4 s.e. unless said otherwise).
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import Polynomial
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, stats

from theorybook import relu_integral_representations as ri
from theorybook.relu_integral_representations import plots
from theorybook.relu_integral_representations._error import _G_laplace, _hermite_moments
from theorybook.relu_integral_representations._polynomial import _hermite_square

WORKED = ri.PRESETS["x1 x2 + x3^2/2 - x4"]
SLOW = settings(max_examples=4, deadline=None)


def _gauss_hermite_mean(fn, dim, nodes=12):
    """E fn(w) for w ~ N(0, I_dim) by a tensor Gauss–HermiteE rule (exact for degree < 2*nodes)."""
    z, wq = hermegauss(nodes)
    grids = np.meshgrid(*[z] * dim, indexing="ij")
    weights = np.prod(np.meshgrid(*[wq / math.sqrt(2 * math.pi)] * dim, indexing="ij"), axis=0)
    W = np.stack([g.ravel() for g in grids], axis=1)
    return float(np.sum(weights.ravel() * fn(W)))


# ---------------------------------------------------------------- polynomials


def test_evaluate_polynomial_closed_form_padding_and_merging():
    X = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0, 0.0]])
    expected = X[:, 0] * X[:, 1] + 0.5 * X[:, 2] ** 2 - X[:, 3]
    np.testing.assert_allclose(ri.evaluate_polynomial(WORKED, X), expected, rtol=1e-14)
    merged = ri.evaluate_polynomial({(1,): 1.0, (1, 0): 2.0, (): 0.5}, X)
    np.testing.assert_allclose(merged, 3 * X[:, 0] + 0.5, rtol=1e-14)


def test_rkhs_norm_worked_example_and_factorials():
    """||p||_K^2 = sum alpha! c_alpha^2: 1 + 0.25 * 2! + 1 = 2.5; alpha! is a product."""
    assert ri.rkhs_norm_sq(WORKED) == pytest.approx(2.5, abs=1e-14)
    assert ri.rkhs_norm_sq({(2, 3): 2.0}) == pytest.approx(4 * 2 * 6, abs=1e-12)


def test_rkhs_norm_is_second_moment_of_hermite_weight():
    """E_w[h(w)^2] = ||p||_K^2 (Hermite orthogonality), by an exact Gauss–HermiteE rule."""
    c = {(1, 2, 0): 0.7, (0, 0, 3): -1.2, (2, 0, 1): 0.4, (): 0.3}
    value = _gauss_hermite_mean(lambda W: ri.hermite_weight(c, W) ** 2, 3)
    assert value == pytest.approx(ri.rkhs_norm_sq(c), rel=1e-11)


def test_rkhs_norm_is_rotation_invariant():
    """K(x, y) = exp<x, y> is rotation invariant: x1 x2 and its 45° rotation (x1^2 - x2^2)/2
    have the same norm, 1 = 0.25 * 2! + 0.25 * 2!."""
    assert ri.rkhs_norm_sq({(2,): 0.5, (0, 2): -0.5}) == pytest.approx(
        ri.rkhs_norm_sq({(1, 1): 1.0}), abs=1e-14)


def test_hermite_weight_matches_numpy_hermite_e():
    """Probabilists' Hermite: against numpy.polynomial.hermite_e.hermeval, coordinate products."""
    W = np.random.default_rng(0).standard_normal((50, 2))
    he = np.polynomial.hermite_e.hermeval
    expected = 2.0 * he(W[:, 0], [0, 0, 0, 1]) * he(W[:, 1], [0, 1]) - he(W[:, 1], [0, 0, 1])
    np.testing.assert_allclose(ri.hermite_weight({(3, 1): 2.0, (0, 2): -1.0}, W), expected,
                               rtol=1e-12, atol=1e-12)


def test_hermite_square_linearisation():
    """h^2 = sum_gamma e_gamma He_gamma pointwise (He_m He_n linearisation formula)."""
    W = np.random.default_rng(1).standard_normal((40, 4))
    square = _hermite_square(WORKED)
    rebuilt = sum(ri.hermite_weight({g: e}, W) for g, e in square.items())
    np.testing.assert_allclose(rebuilt, ri.hermite_weight(WORKED, W) ** 2, rtol=1e-11,
                               atol=1e-12)


# ---------------------------------------------------------------- identities


@pytest.mark.parametrize("alpha,x", [((0,), [0.4]), ((3,), [-0.8]), ((2, 1, 3), [0.3, -0.5, 0.7]),
                                     ((4, 0), [1.5, 2.0])])
def test_hermite_identity(alpha, x):
    """(I2) E[He_alpha(w) e^<w,x>] = x^alpha e^{|x|^2/2}, quadrature to 1e-10 relative. With the
    physicists' Hermite polynomials (scipy.special.eval_hermite) it fails: checked by hand."""
    quad, closed = ri.hermite_identity(alpha, np.array(x), n_nodes=40)
    assert quad == pytest.approx(closed, rel=1e-10, abs=1e-12)


def test_relu_identity_exact_for_polynomials_and_exp():
    """(I1) by quadrature reproduces g to 1e-10; e^t = 1 + t + ramps."""
    t = np.linspace(-2.5, 2.5, 11)
    g = Polynomial([1.0, -2.0, 0.5, 0.3, -0.1])
    np.testing.assert_allclose(ri.relu_identity_1d(g, t), g(t), atol=1e-10)
    np.testing.assert_allclose(ri.relu_identity_1d((np.exp,) * 3, t), np.exp(t), rtol=1e-10)


def test_relu_identity_ramps_converge_at_second_order():
    """K midpoint ramps: the error against the closed form sin(2t) falls about 4x when K
    doubles (the midpoint rule's second order)."""
    g = plots.FUNCTIONS["sin(2t)"]
    t = np.linspace(-2, 2, 201)
    errors = [np.max(np.abs(ri.relu_identity_1d(g, t, knots=k) - np.sin(2 * t)))
              for k in (16, 32, 64)]
    assert 3.0 < errors[0] / errors[1] < 5.0 and 3.0 < errors[1] / errors[2] < 5.0


def test_exp_as_importance_sampled_ramps():
    """e^t = E_{b~q}[e^b/q(b) (t-b)_+] for the Laplace law: the bias part of (I4), 4 s.e."""
    b = stats.laplace(scale=2.0).rvs(size=400_000, random_state=2)
    t = 0.7
    terms = np.exp(b - ri.bias_log_density(b)) * np.maximum(t - b, 0.0)
    assert abs(terms.mean() - math.exp(t)) < 4 * terms.std() / math.sqrt(b.size)


# ---------------------------------------------------------------- networks


def test_network_predict_matches_numpy_reference_across_chunks():
    """JAX chunked scan against plain numpy, for a width that spans two chunks (4096)."""
    net = ri.sample_network(WORKED, 5000, 6, seed=3)
    X = ri.sample_domain(("gaussian", 1.5), 600, 6, seed=4)          # 600 x 5000 > 2^21
    ref = np.exp(-0.5 * np.sum(X**2, 1)) * (np.maximum(X @ net.W.T - net.b, 0.0) @ net.a)
    np.testing.assert_allclose(ri.network_predict(net, X), ref, rtol=1e-10, atol=1e-12)


def test_sample_network_draws_the_stated_laws():
    """w ~ N(0, I), b ~ Laplace(0, 2), a = h(w) e^b / (N q(b))."""
    net = ri.sample_network(WORKED, 20_000, 4, seed=5)
    assert net.W.shape == (20_000, 4) and net.b.shape == net.a.shape == (20_000,)
    assert stats.kstest(net.W[:, 2], "norm").pvalue > 1e-3
    assert stats.kstest(net.b, stats.laplace(scale=2.0).cdf).pvalue > 1e-3
    q = stats.laplace(scale=2.0).pdf(net.b)
    np.testing.assert_allclose(net.a, ri.hermite_weight(WORKED, net.W) * np.exp(net.b) / q
                               / 20_000, rtol=1e-10)


def test_monte_carlo_network_is_unbiased_and_needs_the_multiplier():
    """Claim (index.md, representation I4): the average of independent networks equals p
    pointwise (4 s.e. at each of 5 points, 200 networks of width 200). Without the multiplier
    e^{-|x|^2/2} the average is p e^{|x|^2/2} (radius 1.5: a factor 3.1) and the test fails."""
    X = ri.sample_domain(("sphere", 1.5), 5, 4, seed=6)
    p = ri.evaluate_polynomial(WORKED, X)
    values = np.array([ri.network_predict(ri.sample_network(WORKED, 200, 4, seed=s), X)
                       for s in range(200)])
    se = values.std(0, ddof=1) / math.sqrt(len(values))
    assert np.all(np.abs(values.mean(0) - p) < 4 * se)
    plain = np.exp(0.5 * np.sum(X**2, 1)) * values.mean(0)      # the same networks, m = 1
    assert not np.all(np.abs(plain - p) < 4 * se * np.exp(0.5 * 1.5**2))


def test_bias_integral_closed_form_against_quad():
    """G(t) = int e^{2b}/q(b) (t-b)_+^2 db (Laplace, scale s) against scipy.integrate.quad."""
    for s in (0.6, 2.0):
        for t in (-1.3, 0.0, 0.4, 2.2):
            def f(b, s=s, t=t):
                return np.exp(2 * b - ri.bias_log_density(b, bias_scale=s)) * (t - b) ** 2

            # the integrand is below 1e-20 beyond b = -250 for s >= 0.6
            ref = integrate.quad(f, -250.0, t, points=None if t <= 0 else [0.0],
                                 epsabs=1e-13, limit=200)[0]
            assert _G_laplace(np.array([t]), s)[0] == pytest.approx(ref, rel=1e-9)


def test_hermite_moments_against_quad():
    """I_k(r) = E[He_k(Z) G(rZ)] (Gauss–Legendre on each side of 0) against scipy quad."""
    r = np.array([0.3, 1.0, 2.0])
    got = _hermite_moments(r, 4, 2.0)
    for k in range(5):
        for i, ri_ in enumerate(r):
            def f(z, ri_=ri_, k=k):
                return (np.polynomial.hermite_e.hermeval(z, [0] * k + [1])
                        * _G_laplace(np.array([ri_ * z]), 2.0)[0] * stats.norm.pdf(z))
            ref = sum(integrate.quad(f, lo, hi, epsabs=1e-13, limit=200)[0]
                      for lo, hi in ((-40.0, 0.0), (0.0, 40.0)))     # e^{-z^2/2 + 5z} < 1e-250
            assert got[k, i] == pytest.approx(ref, rel=1e-8, abs=1e-11)


def test_predicted_constant_against_two_dimensional_quadrature():
    """C at one point x of R^2 is e^{-|x|^2} E_w[h(w)^2 G(<w, x>)] - p(x)^2; here E_w is an
    independent scipy dblquad in coordinates along and across x (split at the kink u = 0),
    to 1e-7. Dropping the -p^2 term (0.23 of C = 71) or the factor e^{-|x|^2} fails."""
    c, x = {(1, 1): 1.0}, np.array([0.8, 0.6])
    e1, e2 = x / np.linalg.norm(x), np.array([-0.6, 0.8])

    def f(v, u):
        w = u * e1 + v * e2
        return w[0] ** 2 * w[1] ** 2 * _G_laplace(np.array([u]), 2.0)[0] * stats.norm.pdf(u) \
            * stats.norm.pdf(v)

    V = sum(integrate.dblquad(f, lo, hi, -12, 12, epsabs=1e-12, epsrel=1e-10)[0]
            for lo, hi in ((-12.0, 0.0), (0.0, 20.0)))
    expected = math.exp(-1.0) * V - 0.48**2
    assert ri.predicted_constant(c, x[None, :]) == pytest.approx(expected, rel=1e-7)


def test_predicted_constant_infinite_for_light_tailed_bias_laws():
    X = ri.sample_domain(("sphere", 1.0), 10, 3, seed=0)
    assert ri.predicted_constant({(1, 1): 1.0}, X, bias_law="gaussian") == math.inf
    assert ri.predicted_constant({(1, 1): 1.0}, X, bias_scale=0.5) == math.inf
    assert math.isfinite(ri.predicted_constant({(1, 1): 1.0}, X, bias_scale=0.51))


def test_mc_error_falls_like_inverse_square_root_with_the_predicted_constant():
    """Claim (notebook 02, Fig. error vs width): RMSE within 3 s.e. of sqrt(C/N) at N = 100,
    1000, 10^4 (20 networks per width). A prediction with the wrong rate, sqrt(C/10) *
    (N/10)^{-1/4}, fails: checked by hand."""
    res = ri.mc_error(WORKED, [100, 1000, 10_000], 6, repetitions=20, n_test=500, seed=1)
    assert np.all(np.abs(res.rmse - res.predicted) < 3 * res.rmse_se)
    assert res.mse.shape == (3, 20) and res.zero > 0


def test_no_curse_of_dimensionality_on_the_fixed_radius_sphere():
    """Claim (notebook 02, error against d): on the unit sphere the exact constant C of x1 x2
    does not grow from d = 2 to d = 500, while ||p||_{L^2(D)} falls like 1/d, so the relative
    error grows. On the sphere of radius sqrt(d) (unnormalised coordinates) C grows by orders
    of magnitude: the normalisation is the mechanism."""
    c = {(1, 1): 1.0}
    consts, norms = [], []
    for d in (2, 20, 500):
        X = ri.sample_domain(("sphere", 1.0), 2000, d, seed=8)
        consts.append(ri.predicted_constant(c, X))
        norms.append(np.sqrt(np.mean(ri.evaluate_polynomial(c, X) ** 2)))
    assert consts[2] <= consts[0] and consts[1] <= consts[0]
    assert norms[0] > 5 * norms[1] and norms[1] > 10 * norms[2]     # 1/sqrt(d(d+2))
    grown = ri.predicted_constant(c, ri.sample_domain(("sphere", math.sqrt(20)), 2000, 20, seed=8))
    assert grown > 100 * consts[1]


def test_refit_never_worse_on_the_fitting_sample_and_ridge_limits():
    """Claim (notebook 03): least squares with the sampled inner weights fits the training
    sample at least as well as the Monte Carlo weights (which are one candidate); ridge -> 0
    recovers it, a huge ridge shrinks the weights to 0."""
    X = ri.sample_domain(("sphere", 1.0), 400, 5, seed=9)
    y = ri.evaluate_polynomial(WORKED, X)
    net = ri.sample_network(WORKED, 100, 5, seed=9)
    fit = ri.refit_outer_weights(net, X, y)
    err = [np.mean((ri.network_predict(n, X) - y) ** 2) for n in (net, fit)]
    assert err[1] < 0.1 * err[0]
    np.testing.assert_array_equal(fit.W, net.W)
    tiny = ri.refit_outer_weights(net, X, y, ridge=1e-10)
    np.testing.assert_allclose(ri.network_predict(tiny, X), ri.network_predict(fit, X), atol=1e-4)
    assert np.max(np.abs(ri.refit_outer_weights(net, X, y, ridge=1e12).a)) < 1e-6


def test_refit_comparison_shapes_and_ordering():
    res = ri.refit_comparison(WORKED, [20, 80], 5, n_train=300, n_test=300, seeds=range(2))
    assert res.mc_test.shape == (2, 2) and res.zero.shape == (2,)
    assert np.all(res.refit_train <= res.mc_train)


def test_train_network_decreases_the_loss_and_beats_zero():
    X = ri.sample_domain(("sphere", 1.0), 300, 5, seed=10)
    y = ri.evaluate_polynomial(WORKED, X)
    net, losses = ri.train_network(X, y, width=30, steps=300, lr=1e-2, seed=0)
    assert losses[-1] < 0.05 * losses[0]
    assert np.mean((ri.network_predict(net, X) - y) ** 2) < 0.1 * np.mean(y**2)


# ---------------------------------------------------------------- slider ranges


@SLOW
@given(width=st.sampled_from(plots.WIDTH_GRID["width"]),
       preset=st.sampled_from(plots.WIDTH_GRID["preset"]))
def test_width_frame_numbers_finite(width, preset):
    c = ri.PRESETS[preset]
    net = ri.sample_network(c, width, 4, seed=0)
    assert np.all(np.isfinite(ri.network_predict(net, plots._circle(4)[1])))


@SLOW
@given(d=st.sampled_from(plots.DIMENSION_GRID["d"]),
       radius=st.sampled_from(plots.DIMENSION_GRID["radius"]))
def test_dimension_frame_numbers_finite(d, radius):
    res = ri.mc_error({(1, 1): 1.0}, [10, 100], d, domain=("sphere", radius),
                      repetitions=2, n_test=100)
    assert np.all(np.isfinite(res.rmse)) and np.all(np.isfinite(res.predicted))


@SLOW
@given(law=st.sampled_from(plots.BIAS_GRID["bias_law"]),
       scale=st.sampled_from(plots.BIAS_GRID["bias_scale"]))
def test_bias_frame_numbers_finite(law, scale):
    res = ri.mc_error({(1, 1): 1.0}, [10, 1000], 5, repetitions=2, n_test=100,
                      bias_law=law, bias_scale=scale)
    assert np.all(np.isfinite(res.rmse))


@SLOW
@given(function=st.sampled_from(plots.RAMPS_GRID["function"]),
       knots=st.sampled_from(plots.RAMPS_GRID["knots"]))
def test_ramps_frame_numbers_finite(function, knots):
    t = np.linspace(-2, 2, 21)
    assert np.all(np.isfinite(ri.relu_identity_1d(plots.FUNCTIONS[function], t, knots=knots)))


def test_frames_draw():
    for fig in (plots.ramps_frame(), plots.width_frame(width=10)):
        assert fig.axes
        plt.close(fig)


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize("coeffs", [{}, [1.0], {(1, -1): 1.0}, {(1.5,): 1.0}, {(1,): np.inf}])
def test_bad_coefficients(coeffs):
    with pytest.raises(ValueError, match="coeffs"):
        ri.rkhs_norm_sq(coeffs)


def test_bad_arguments_name_the_argument():
    X = np.zeros((3, 2))
    cases = [
        (lambda: ri.evaluate_polynomial(WORKED, X), "X"),
        (lambda: ri.hermite_weight({(1,): 1.0}, np.zeros(3)), "W"),
        (lambda: ri.sample_network(WORKED, 10, 3), "coeffs"),
        (lambda: ri.sample_network({(1,): 1.0}, 0, 3), "width"),
        (lambda: ri.sample_network({(1,): 1.0}, 10, 0), "d"),
        (lambda: ri.sample_network({(1,): 1.0}, 10, 2, bias_scale=0), "bias_scale"),
        (lambda: ri.sample_network({(1,): 1.0}, 10, 2, bias_law="cauchy"), "bias_law"),
        (lambda: ri.sample_network({(1,): 1.0}, 10, 2, seed=-1), "seed"),
        (lambda: ri.network_predict("net", X), "net"),
        (lambda: ri.network_predict(ri.sample_network({(1,): 1.0}, 5, 3), X), "X"),
        (lambda: ri.mc_error({(1,): 1.0}, [10, 5], 2), "widths"),
        (lambda: ri.mc_error({(1,): 1.0}, [10], 2, domain=("ball", 1.0)), "domain"),
        (lambda: ri.mc_error({(1,): 1.0}, [10], 2, domain=("sphere", -1.0)), "domain"),
        (lambda: ri.mc_error({(1,): 1.0}, [10], 2, repetitions=1), "repetitions"),
        (lambda: ri.refit_outer_weights(ri.sample_network({(1,): 1.0}, 5, 2), X, np.zeros(2)),
         "y"),
        (lambda: ri.refit_outer_weights(ri.sample_network({(1,): 1.0}, 5, 2), X, np.zeros(3),
                                        ridge=-1.0), "ridge"),
        (lambda: ri.relu_identity_1d(np.exp, np.zeros(3)), "g"),
        (lambda: ri.relu_identity_1d(Polynomial([1.0]), np.zeros(3), knots=0), "knots"),
        (lambda: ri.hermite_identity((1, -1), np.zeros(2)), "alpha"),
        (lambda: ri.hermite_identity((1, 1), np.zeros(3)), "x"),
        (lambda: ri.refit_comparison({(1,): 1.0}, [5], 2, seeds=3), "seeds"),
        (lambda: ri.train_network(X, np.zeros(3), width=0), "width"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=name):
            call()

"""Tests of theorybook.neural_shattering (Liang, Qiao, Wang & Parhi, NeurIPS 2025)."""

import math
import sys

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax.flatten_util import ravel_pytree
from conftest import ROOT
from scipy import integrate

from theorybook import neural_shattering as ns
from theorybook.neural_shattering import plots
from theorybook.neural_shattering._model import _loss, _top_eigenvalue, _x64

sys.path.insert(0, str(ROOT / "tests"))
from _reference import relu_gd_step  # noqa: E402

SLOW = settings(max_examples=4, deadline=None)


def _small(n=40, d=2, width=24, noise=0.5, seed=0):
    X, y, f0 = ns.make_dataset(n, d, noise=noise, seed=seed)
    return ns.init_network(width, d, seed=seed), X, y, f0


def _dense_hessian_eigs(params, X, y):
    """Reference: the dense Hessian of L (jax.hessian, float64) and numpy's eigvalsh."""
    with _x64():
        flat, unravel = ravel_pytree(jax.tree.map(jnp.asarray, params))
        H = jax.jit(jax.hessian(lambda q, X, y: _loss(unravel(q), X, y)))(flat, jnp.asarray(X),
                                                                          jnp.asarray(y))
    return np.linalg.eigvalsh(np.asarray(H))


# ------------------------------------------------------------------ data
def test_make_dataset_shapes_ball_and_radius_law():
    """x ~ U(B_1^d): ||x|| <= 1 and ||x||^d ~ U(0, 1) (mean 1/2, s.e. 1/sqrt(12 n))."""
    n, d = 20_000, 3
    X, y, f0 = ns.make_dataset(n, d, noise=0.3, seed=1)
    assert X.shape == (n, d) and y.shape == f0.shape == (n,)
    r = np.linalg.norm(X, axis=1)
    assert r.max() <= 1
    assert abs(np.mean(r**d) - 0.5) < 4 / math.sqrt(12 * n)
    # noise: y - f0 ~ N(0, 0.3^2); s.e. of the sample variance is sigma^2 sqrt(2/n)
    assert abs(np.var(y - f0) - 0.09) < 4 * 0.09 * math.sqrt(2 / n)


def test_linear_target_is_a_unit_vector_and_holder_target_matches_formula():
    X, _, f0 = ns.make_dataset(50, 4, noise=0.0, target="linear", seed=3)
    w = np.linalg.lstsq(X, f0, rcond=None)[0]
    assert np.allclose(X @ w, f0) and abs(np.linalg.norm(w) - 1) < 1e-10
    X, y, f0 = ns.make_dataset(50, 4, noise=0.0, target="holder", seed=3)
    assert np.array_equal(y, f0) and np.all(f0 >= 1) and np.all(f0 <= 2)
    assert np.allclose(ns.make_target(4, "holder", 3)(np.zeros((2, 4))), 1.0)
    # make_target(d, target, seed) is the target behind make_dataset(..., seed=seed)
    assert np.array_equal(ns.make_target(4, "holder", 3)(X), f0)


def test_make_dataset_is_deterministic_per_seed():
    a, b = ns.make_dataset(10, 2, noise=1.0, seed=5), ns.make_dataset(10, 2, noise=1.0, seed=5)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], ns.make_dataset(10, 2, noise=1.0, seed=6)[0])


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=0, d=2, noise=1.0), "n"), (dict(n=5, d=0, noise=1.0), "d"),
    (dict(n=5, d=2, noise=-1.0), "noise"), (dict(n=5, d=2, noise=float("nan")), "noise"),
    (dict(n=5, d=2, noise=1.0, target="cubic"), "target"),
    (dict(n=5, d=2, noise=1.0, seed=-1), "seed"),
])
def test_make_dataset_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ns.make_dataset(**kwargs)


# ------------------------------------------------------------------ network
def test_init_network_kaiming_variance():
    """w_k ~ N(0, 2/d): the sample variance of 4096 x 8 entries is 2/8 within 4 s.e."""
    p = ns.init_network(4096, 8, seed=0)
    assert p["w"].shape == (4096, 8) and p["b"].shape == p["v"].shape == (4096,)
    m = p["w"].size
    assert abs(np.var(p["w"]) - 0.25) < 4 * 0.25 * math.sqrt(2 / m)
    assert np.all(np.abs(p["v"]) <= 1 / 64) and p["beta"] == 0


@pytest.mark.parametrize("kwargs, name", [(dict(width=0, d=2), "width"), (dict(width=3, d=-1), "d"),
                                          (dict(width=3, d=2, seed=1.5), "seed")])
def test_init_network_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ns.init_network(**kwargs)


def test_predict_matches_the_sum_over_neurons():
    p, X, _, _ = _small()
    expected = [sum(p["v"][k] * max(p["w"][k] @ x - p["b"][k], 0) for k in range(24)) + p["beta"]
                for x in X]
    assert np.allclose(ns.predict(p, X), expected, atol=1e-12)


def test_predict_rejects_bad_shapes():
    p, X, _, _ = _small()
    with pytest.raises(ValueError, match="X"):
        ns.predict(p, X[:, :1])
    with pytest.raises(ValueError, match="params"):
        ns.predict({"w": p["w"]}, X)


def test_activation_rates_and_norms():
    p, X, _, _ = _small()
    rates = ns.activation_rates(p, X)
    manual = [np.mean([p["w"][k] @ x - p["b"][k] > 0 for x in X]) for k in range(24)]
    assert np.allclose(rates, manual)
    p["b"][0] = 10.0  # kink outside the unit ball: never active
    assert ns.activation_rates(p, X)[0] == 0
    assert np.allclose(ns.neuron_norms(p), np.abs(p["v"]) * np.linalg.norm(p["w"], axis=1))


# ------------------------------------------------------------------ sharpness
@pytest.mark.parametrize("seed", [0, 1])
def test_sharpness_matches_dense_hessian(seed):
    """Power iteration on HVPs equals the top eigenvalue of the dense Hessian (numpy eigvalsh)."""
    p, X, y, _ = _small(seed=seed)
    lam = ns.sharpness(p, X, y, iters=500)
    assert abs(lam - _dense_hessian_eigs(p, X, y)[-1]) < 1e-6 * max(1, abs(lam))


def test_top_eigenvalue_when_the_largest_modulus_eigenvalue_is_negative():
    """Power iteration alone would return -5 for diag(-5, 1, 2); the shifted pass must give 2."""
    H = jnp.diag(jnp.array([-5.0, 1.0, 2.0]))
    lam = _top_eigenvalue(lambda v: H @ v, jnp.array([1.0, 1.0, 1.0]), 200)
    assert abs(float(lam) - 2.0) < 1e-6
    assert abs(float(_top_eigenvalue(lambda v: -H @ v, jnp.ones(3), 200)) - 5.0) < 1e-6


def test_sharpness_rejects_bad_arguments():
    p, X, y, _ = _small()
    with pytest.raises(ValueError, match="y"):
        ns.sharpness(p, X, y[:-1])
    with pytest.raises(ValueError, match="iters"):
        ns.sharpness(p, X, y, iters=0)


# ------------------------------------------------------------------ gradient descent
@pytest.mark.parametrize("wd, clip", [(0.0, 50.0), (0.1, 50.0), (0.0, 1e-3)])
def test_train_gd_steps_match_numpy(wd, clip):
    """Three steps of train_gd equal the numpy reference step of tests/_reference.py."""
    p, X, y, _ = _small()
    q = p
    for _ in range(3):
        q = relu_gd_step(q, X, y, lr=0.3, weight_decay=wd, clip=clip)
    out, hist = ns.train_gd(p, X, y, lr=0.3, steps=3, weight_decay=wd, clip=clip,
                            record_every=1, sharpness_iters=0)
    assert all(np.allclose(out[k], q[k], atol=1e-12) for k in p)
    assert list(hist["step"]) == [0, 1, 2, 3] and np.all(np.isnan(hist["sharpness"]))


def test_train_gd_history_is_consistent():
    p, X, y, f0 = _small()
    out, h = ns.train_gd(p, X, y, lr=0.2, steps=250, f0=f0, record_every=100, sharpness_iters=50)
    assert list(h["step"]) == [0, 100, 200, 250]
    assert {len(v) for v in h.values()} == {4}
    assert abs(h["loss"][-1] - ns.training_loss(out, X, y)) < 1e-12
    assert abs(h["mse"][-1] - np.mean((ns.predict(out, X) - f0) ** 2)) < 1e-12
    assert abs(h["sharpness"][-1] - ns.sharpness(out, X, y)) < 1e-3 * h["sharpness"][-1]
    assert h["loss"][-1] < h["loss"][0]


@pytest.mark.parametrize("kwargs, name", [
    (dict(lr=0.0), "lr"), (dict(lr=-1.0), "lr"), (dict(steps=0), "steps"),
    (dict(weight_decay=-0.1), "weight_decay"), (dict(clip=0.0), "clip"),
    (dict(record_every=0), "record_every"), (dict(sharpness_iters=-1), "sharpness_iters"),
])
def test_train_gd_rejects_bad_arguments(kwargs, name):
    p, X, y, _ = _small()
    args = dict(lr=0.1, steps=5) | kwargs
    with pytest.raises(ValueError, match=name):
        ns.train_gd(p, X, y, **args)


# One compiled shape for every trained network of the claim tests (compilation dominates here).
EOS = dict(steps=3000, record_every=50, sharpness_iters=20)


@pytest.fixture(scope="module")
def trained():
    """GD runs at three step sizes on one data set (n = 48, d = 2, width 64, sigma = 1)."""
    X, y, f0 = ns.make_dataset(48, 2, noise=1.0, seed=0)
    p = ns.init_network(64, 2, seed=0)
    return X, y, {lr: ns.train_gd(p, X, y, lr=lr, f0=f0, **EOS) for lr in (0.2, 0.4, 0.9)}


def test_claim_edge_of_stability(trained):
    """Claim (§2, Prop. 2.1; Fig. 3 left): large-step GD settles where lambda_max hovers at
    2/eta (the edge of stability oscillates slightly above and below it). The mean over the last
    20 records lies within 10 % of 2/eta for eta = 0.2, 0.4, having
    started above 2/eta (GD had to leave the unstable region)."""
    _, _, runs = trained
    for lr in (0.2, 0.4):
        h = runs[lr][1]
        late = np.mean(h["sharpness"][-20:]) * lr / 2
        assert abs(late - 1) < 0.1, late
        assert h["sharpness"][0] * lr / 2 > 1


# ------------------------------------------------------------------ weight function, seminorm
def _g_tilde_definition(u, t, X):
    """g~ straight from its definition, with the conditional expectations."""
    s = X @ u
    m = s > t
    if not m.any():
        return 0.0
    return m.mean() ** 2 * np.mean(s[m] - t) * math.sqrt(1 + np.sum(X[m].mean(0) ** 2))


def test_weight_function_matches_definition():
    X, _, _ = ns.make_dataset(300, 3, noise=0.0, seed=2)
    rng = np.random.default_rng(0)
    for _ in range(10):
        u = rng.standard_normal(3)
        u /= np.linalg.norm(u)
        t = rng.uniform(-1.2, 1.2)
        expected = min(_g_tilde_definition(u, t, X), _g_tilde_definition(-u, -t, X))
        assert abs(ns.weight_function(u, t, X) - expected) < 1e-12
        assert abs(ns.weight_function(-u, -t, X) - expected) < 1e-12  # g is even in (u, t)


def test_weight_function_vanishes_off_the_data():
    X, _, _ = ns.make_dataset(100, 2, noise=0.0, seed=2)
    u = np.array([[1.0, 0.0], [0.0, 2.0]])
    assert np.all(ns.weight_function(u, [1.01, -1.01], X) == 0)


def test_weight_function_rejects_bad_arguments():
    X, _, _ = ns.make_dataset(20, 2, noise=0.0)
    with pytest.raises(ValueError, match="u"):
        ns.weight_function(np.zeros(2), 0.0, X)
    with pytest.raises(ValueError, match="u"):
        ns.weight_function(np.ones(3), 0.0, X)
    with pytest.raises(ValueError, match="t"):
        ns.weight_function(np.ones(2), np.nan, X)


def test_vg_seminorm_is_the_weighted_sum_and_ignores_affine_neurons():
    p, X, _, _ = _small()
    wn = np.linalg.norm(p["w"], axis=1)
    g = [ns.weight_function(p["w"][k], p["b"][k] / wn[k], X) for k in range(24)]
    assert abs(ns.vg_seminorm(p, X) - np.sum(np.abs(p["v"]) * wn * g)) < 1e-12
    q = dict(p, b=np.full(24, 5.0) * wn)  # every kink outside the ball: f is affine on the data
    assert ns.vg_seminorm(q, X) == 0


def test_vg_seminorm_rejects_bad_arguments():
    p, X, _, _ = _small()
    with pytest.raises(ValueError, match="R"):
        ns.vg_seminorm(p, X, R=0.5)
    with pytest.raises(ValueError, match="R"):
        ns.vg_seminorm(p, X, R=-1.0)


def _population_by_quadrature(t, d):
    """g_P(t) from the 1-D law of s = u^T X (density prop. to (1-s^2)^((d-1)/2)), scipy quad."""
    dens = lambda s: (1 - s * s) ** ((d - 1) / 2)  # noqa: E731
    Z = integrate.quad(dens, -1, 1)[0]

    def g_tilde(t):
        P = integrate.quad(dens, t, 1)[0] / Z
        ex = integrate.quad(lambda s: (s - t) * dens(s), t, 1)[0] / Z
        m1 = integrate.quad(lambda s: s * dens(s), t, 1)[0] / Z
        return P * ex * math.sqrt(1 + (m1 / P) ** 2)  # P^2 E[s-t|s>t] sqrt(1+E[s|s>t]^2)

    return min(g_tilde(t), g_tilde(-t))


@pytest.mark.parametrize("d", [1, 2, 5])
def test_population_weight_matches_quadrature(d):
    t = np.array([-0.9, -0.3, 0.0, 0.4, 0.8, 0.95])
    expected = [_population_by_quadrature(ti, d) for ti in t]
    assert np.allclose(ns.population_weight(t, d), expected, rtol=1e-7, atol=1e-14)


def test_population_weight_is_the_limit_of_the_empirical_weight():
    """Thm E.5: the empirical g is within O~(sqrt(d/n)) of g_P. With n = 200 000 points each
    empirical value is a smooth function of sample means; we allow 5 / sqrt(n) (about 3.5x
    the standard error of the leading term, P(s>t) * E[(s-t)_+] <= 1)."""
    n, d = 200_000, 3
    X, _, _ = ns.make_dataset(n, d, noise=0.0, seed=4)
    u = np.eye(d)[0]
    t = np.array([-0.6, -0.2, 0.1, 0.5])
    assert np.max(np.abs(ns.weight_function(np.tile(u, (4, 1)), t, X)
                         - ns.population_weight(t, d))) < 5 / math.sqrt(n)


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8])
def test_claim_boundary_decay_exponent(d):
    """Claim (§3, uniform ball; App. E): g_P(t) ~ (1 - |t|)^(d+2) as |t| -> 1. The log-log slope
    between 1 - t = 1e-4 and 1e-3 is d + 2 within 0.01 (the correction is O(1 - t))."""
    g1, g2 = ns.population_weight(np.array([1 - 1e-4, 1 - 1e-3]), d)
    assert abs(math.log10(g2 / g1) - (d + 2)) < 0.01
    assert np.all(ns.population_weight(np.array([-1.0, 1.0, 1.5, -3.0]), d) == 0)


def test_population_weight_rejects_bad_arguments():
    with pytest.raises(ValueError, match="d"):
        ns.population_weight(0.5, 0)
    with pytest.raises(ValueError, match="t"):
        ns.population_weight(np.array([np.inf]), 2)


# ------------------------------------------------------------------ Theorem 3.2
@SLOW
@given(seed=st.integers(0, 10_000), scale=st.floats(0.1, 10.0))
def test_claim_thm32_on_random_networks(seed, scale):
    """Claim (Thm 3.2): |f|_Vg <= lambda_max/2 - 1/2 + (R+1) sqrt(2L) for every theta (random
    Kaiming nets with both layers rescaled by 0.1 ... 10; d = 2, width 24, n = 40)."""
    p, X, y, _ = _small(seed=seed)
    p = dict(p, v=scale * p["v"], w=scale * p["w"])
    lam = ns.sharpness(p, X, y, iters=400)
    assert ns.vg_seminorm(p, X) <= ns.thm32_bound(lam, ns.training_loss(p, X, y)) + 1e-9


def test_claim_thm32_on_trained_networks(trained):
    """Claim (Thm 3.2, Cor. 3.3): the bound holds at the end of GD, where it is tightest, and
    flatter minima (larger steps, whose bound 1/eta - 1/2 + (R+1) sqrt(2L) is smaller) carry a
    smaller seminorm: |f|_Vg falls from eta = 0.2 to 0.4 to 0.9."""
    X, y, runs = trained
    lhs = {}
    for lr, (out, _) in runs.items():
        lhs[lr] = ns.vg_seminorm(out, X)
        rhs = ns.thm32_bound(ns.sharpness(out, X, y, iters=400), ns.training_loss(out, X, y))
        assert 0 <= lhs[lr] <= rhs
    assert lhs[0.2] > lhs[0.4] > lhs[0.9]


def test_thm32_bound_formula_and_errors():
    assert ns.thm32_bound(4.0, 0.5, R=1.0) == pytest.approx(2 - 0.5 + 2 * 1.0)
    with pytest.raises(ValueError, match="loss"):
        ns.thm32_bound(1.0, -0.1)
    with pytest.raises(ValueError, match="R"):
        ns.thm32_bound(1.0, 0.1, R=0)


# ------------------------------------------------------------------ rate sweep
def test_rate_sweep_shapes_slopes_and_padding_is_exact():
    res = ns.rate_sweep([1, 3], [16, 32], lr=0.2, weight_decay=0.0, width_multiple=2, noise=1.0,
                        steps=200, seeds=(0, 1))
    assert res.mse.shape == (2, 2) and res.mse_all.shape == (2, 2, 2) and res.slopes.shape == (2,)
    assert res.seed_slopes.shape == (2, 2)
    assert res.seed_slopes[1, 0] == ns.loglog_slope(res.ns, res.mse_all[1, :, 0])
    # the d = 1 run of seed 1, padded to d = 3 inside the batch, equals a plain train_gd run
    key = ns.run_seed(1, 1, 32)
    X, y, f0 = ns.make_dataset(32, 1, noise=1.0, seed=key)
    _, h = ns.train_gd(ns.init_network(64, 1, seed=key), X, y, lr=0.2, steps=200, f0=f0,
                       sharpness_iters=0)
    assert res.mse_all[0, 1, 1] == pytest.approx(h["mse"][-1], rel=1e-9)


def test_run_seed_depends_on_the_run_not_on_the_grid():
    """run_seed(s, d, n) is one SeedSequence child per (d, n): distinct runs get distinct seeds,
    and the same run gets the same seed whatever else is in the sweep."""
    seeds = {ns.run_seed(s, d, n) for s in range(3) for d in (1, 2, 5) for n in (16, 32, 64)}
    assert len(seeds) == 27
    assert ns.run_seed(2, 5, 64) == ns.run_seed(2, 5, 64)
    with pytest.raises(ValueError, match="seed"):
        ns.run_seed(-1, 1, 16)


def test_pad_inputs_leaves_the_network_unchanged():
    """Zero coordinates: same predictions, same GD trajectory (the padded weights get no
    gradient and stay at their initial values)."""
    p, X, y, _ = _small()
    Xp, pp = ns.pad_inputs(X, p, 5)
    assert Xp.shape == (40, 5) and pp["w"].shape == (24, 5) and p["w"].shape == (24, 2)
    assert np.array_equal(ns.predict(pp, Xp), ns.predict(p, X))
    out, _ = ns.train_gd(p, X, y, lr=0.3, steps=20, sharpness_iters=0)
    outp, _ = ns.train_gd(pp, Xp, y, lr=0.3, steps=20, sharpness_iters=0)
    assert np.allclose(outp["w"][:, :2], out["w"], atol=1e-12)
    assert np.array_equal(outp["w"][:, 2:], pp["w"][:, 2:])
    with pytest.raises(ValueError, match="dim"):
        ns.pad_inputs(X, p, 1)


@pytest.mark.parametrize("kwargs, name", [
    (dict(ds=[]), "ds"), (dict(ds=[0]), "ds"), (dict(ns=[16]), "ns"), (dict(lr=0), "lr"),
    (dict(weight_decay=-1), "weight_decay"), (dict(width_multiple=0), "width_multiple"),
    (dict(noise=-1), "noise"), (dict(steps=0), "steps"), (dict(seeds=[-1]), "seeds"),
    (dict(seeds=3), "seeds"), (dict(target="cubic"), "target"),
])
def test_rate_sweep_rejects_bad_arguments(kwargs, name):
    args = dict(ds=[1], ns=[16, 32], lr=0.2, weight_decay=0.0, width_multiple=1, noise=1.0,
                steps=2, seeds=(0,)) | kwargs
    with pytest.raises(ValueError, match=name):
        ns.rate_sweep(**args)


def test_loglog_slope_recovers_a_power_law():
    n = np.array([32, 64, 128, 256])
    assert ns.loglog_slope(n, 3 * n**-0.7) == pytest.approx(-0.7)
    with pytest.raises(ValueError):
        ns.loglog_slope(n, -n)


# ------------------------------------------------------------------ slider ranges
def _figure_numbers(fig):
    """Every number a figure draws: its lines' data and its scatter points."""
    out = [np.asarray(line.get_ydata(), dtype=float) for ax in fig.axes for line in ax.lines]
    out += [np.asarray(c.get_offsets(), dtype=float).ravel() for ax in fig.axes
            for c in ax.collections]
    return np.concatenate(out)


@SLOW
@given(d=st.sampled_from(plots.WEIGHT_GRID["d"]), n=st.sampled_from(plots.WEIGHT_GRID["n"]),
       t=st.floats(-1.5, 1.5))
def test_weight_slider_grid_properties(d, n, t):
    """weight_frame over WEIGHT_GRID: g(u, t) = g(−u, −t) >= 0, zero once the kink leaves the
    data (|t| > max ||x||), and g_P(t) is even, >= 0, zero for |t| >= 1 (§3)."""
    X, _, _ = ns.make_dataset(n, d, noise=0.0, seed=0)
    u = np.eye(d)[0]
    g = ns.weight_function(u, t, X)
    assert g >= 0 and g == pytest.approx(ns.weight_function(-u, -t, X), abs=1e-15)
    if abs(t) > np.max(np.linalg.norm(X, axis=1)):
        assert g == 0
    gp = ns.population_weight(t, d)
    assert gp >= 0 and gp == pytest.approx(ns.population_weight(-t, d), rel=1e-12, abs=1e-300)
    assert (gp == 0) == (abs(t) >= 1)


def test_weight_frame_grid_is_finite():
    for d in plots.WEIGHT_GRID["d"]:
        for n in plots.WEIGHT_GRID["n"]:
            fig = plots.weight_frame(d=d, n=n)
            assert np.all(np.isfinite(_figure_numbers(fig)))
            plt.close(fig)


@SLOW
@given(lr=st.sampled_from(plots.EDGE_OF_STABILITY_GRID["lr"]),
       noise=st.sampled_from(plots.EDGE_OF_STABILITY_GRID["noise"]))
def test_edge_of_stability_frame_grid(lr, noise):
    """edge_of_stability_frame over its grid (same network, fewer steps): the frame's curves are
    finite, and GD lowers the training loss from its start."""
    X, y, f0 = ns.make_dataset(48, 2, noise=noise, seed=0)
    _, h = ns.train_gd(ns.init_network(64, 2, seed=0), X, y, lr=lr, f0=f0, **EOS)
    assert all(np.all(np.isfinite(v)) for v in h.values())
    assert h["loss"][-1] < h["loss"][0]
    fig = plots.edge_of_stability_frame(lr=lr, noise=noise, steps=150)
    assert np.all(np.isfinite(_figure_numbers(fig)))
    plt.close(fig)


@pytest.mark.parametrize("setting", plots.SHATTERING_GRID["setting"])
def test_shattering_frame_grid_is_finite(setting):
    """shattering_frame over SHATTERING_GRID (short runs, the frame's padded shape): finite
    errors, activation rates and norms in the figure."""
    for d in plots.SHATTERING_GRID["d"]:
        fig = plots.shattering_frame(d=d, setting=setting, steps=200)
        numbers = _figure_numbers(fig)
        assert numbers.size > 0 and np.all(np.isfinite(numbers))
        assert "nan" not in fig.axes[0].get_title()
        plt.close(fig)
    with pytest.raises(ValueError, match="setting"):
        plots.shattering_frame(setting="Adam")


def test_activation_classes_partition_the_neurons():
    p, X, _, _ = _small()
    p["b"][:3] = 10.0  # dead
    p["b"][3:6] = -10.0  # always on
    c = ns.activation_classes(p, X)
    assert c["dead"] + c["rare"] + c["broad"] + c["always"] == pytest.approx(1.0)
    assert c["dead"] >= 3 / 24 and c["always"] >= 3 / 24
    with pytest.raises(ValueError, match="rare"):
        ns.activation_classes(p, X, rare=1.5)


def test_train_gd_float32_follows_float64():
    """The float32 option (used for the book's larger runs) tracks the float64 trajectory."""
    p, X, y, f0 = _small()
    _, h64 = ns.train_gd(p, X, y, lr=0.1, steps=200, f0=f0, sharpness_iters=0)
    _, h32 = ns.train_gd(p, X, y, lr=0.1, steps=200, f0=f0, sharpness_iters=0, float64=False)
    assert np.allclose(h32["loss"], h64["loss"], rtol=1e-4)
    assert np.allclose(h32["mse"], h64["mse"], rtol=1e-3)


def test_claim_shattering_in_high_dimension():
    """Claim (§4, Fig. 3): in d = 10, GD with eta = 0.9 drives the training error 2L well below the
    noise level sigma^2 = 1 (mean over seeds < 0.2) while the in-sample MSE against f0 stays near
    it (mean > 0.6); weight decay (eta = 0.01, lambda = 0.1) estimates f0 far better (mean MSE
    below GD's / 5). Small scale: n = 64, width 256, 1500 steps (paper: n = 512, width 2048),
    where single seeds vary (seed 0: 2L = 0.43), hence means over the seeds 0, 1, 2."""
    gd_2L, gd_mse, wd_mse = [], [], []
    for seed in range(3):
        X, y, f0 = ns.make_dataset(64, 10, noise=1.0, seed=seed)
        p = ns.init_network(256, 10, seed=seed)
        run = dict(steps=1500, f0=f0, sharpness_iters=0, float64=False, record_every=1500)
        _, h_gd = ns.train_gd(p, X, y, lr=0.9, **run)
        _, h_wd = ns.train_gd(p, X, y, lr=0.01, weight_decay=0.1, **run)
        gd_2L.append(2 * h_gd["loss"][-1]), gd_mse.append(h_gd["mse"][-1])
        wd_mse.append(h_wd["mse"][-1])
    assert np.mean(gd_2L) < 0.2 and np.mean(gd_mse) > 0.6
    assert np.mean(wd_mse) < np.mean(gd_mse) / 5


def test_claim_rates_flatten_with_dimension_for_gd_only():
    """Claim (§4, Fig. 2): the log-log rate of the MSE against n of large-step GD falls as d grows,
    while weight decay keeps a steeper rate. Tiny scale (n = 16, 32, 64, width 2n, 1000 steps,
    3 seeds): we require a drop of more than 0.5 for GD from d = 1 to 5 and a weight-decay rate
    at d = 5 above GD's by more than 0.15 (rates of the median curves)."""
    args = dict(ds=[1, 5], ns=[16, 32, 64], width_multiple=2, noise=1.0, steps=1000,
                seeds=(0, 1, 2), float64=False)
    gd = ns.rate_sweep(lr=0.2, weight_decay=0.0, **args)
    wd = ns.rate_sweep(lr=0.05, weight_decay=0.01, **args)
    assert -gd.slopes[0] - (-gd.slopes[1]) > 0.5
    assert -wd.slopes[1] > -gd.slopes[1] + 0.15

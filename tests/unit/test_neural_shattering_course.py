"""Tests of the baselines, the baseline-aware rate fit and the course figures of
theorybook.neural_shattering (issue 17)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import assert_figure_finite
from hypothesis import given, settings
from hypothesis import strategies as st

from theorybook import neural_shattering as ns
from theorybook.neural_shattering import plots

SLOW = settings(max_examples=3, deadline=None)


# ------------------------------------------------------------------ baselines
def test_least_squares_recovers_an_affine_function_and_matches_polyfit():
    g = np.random.default_rng(0)
    X = g.standard_normal((30, 3))
    c, c0 = ns.least_squares(X, X @ np.array([1.0, -2.0, 0.5]) + 0.3)
    assert np.allclose(c, [1.0, -2.0, 0.5]) and c0 == pytest.approx(0.3)
    x, y = g.standard_normal(20), g.standard_normal(20)
    slope, intercept = np.polyfit(x, y, 1)
    c, c0 = ns.least_squares(x[:, None], y)
    assert c[0] == pytest.approx(slope) and c0 == pytest.approx(intercept)


def test_baseline_errors_closed_forms():
    """Zero predictor: mean y^2, mean f0^2 (test: mean f0_test^2). Least squares on noiseless
    linear data is exact (errors 0); with noise its training error is below the zero
    predictor's (it minimises it over a class containing 0)."""
    X, y, f0 = ns.make_dataset(50, 3, noise=0.0, seed=0)
    X_test = ns.sample_ball(200, 3, seed=1)
    f0_test = ns.make_target(3, "linear", seed=0)(X_test)
    base = ns.baseline_errors(X, y, f0, X_test=X_test, f0_test=f0_test)
    assert base["zero"]["train"] == pytest.approx(np.mean(y**2))
    assert base["zero"]["mse"] == pytest.approx(np.mean(f0**2))
    assert base["zero"]["test"] == pytest.approx(np.mean(f0_test**2))
    assert max(base["least squares"].values()) < 1e-20
    X, y, f0 = ns.make_dataset(50, 3, noise=1.0, seed=0)
    base = ns.baseline_errors(X, y, f0)
    assert base["least squares"]["train"] < base["zero"]["train"]
    assert "test" not in base["zero"]


def test_zero_predictor_mse_is_the_variance_of_the_linear_target():
    """E (w^T x)^2 = 1/(d+2) for x uniform in the unit ball and a unit w; the sample mean over
    4000 points is within 4 standard errors of it."""
    d = 4
    X, _, f0 = ns.make_dataset(4000, d, noise=1.0, seed=3)
    mean, se = ns.baseline_errors(X, f0, f0)["zero"]["mse"], np.std(f0**2) / np.sqrt(4000)
    assert abs(mean - 1 / (d + 2)) < 4 * se


@pytest.mark.parametrize("kwargs, name", [
    (dict(y=np.zeros(3)), "y"), (dict(f0=np.zeros(3)), "f0"),
    (dict(X_test=np.zeros((5, 2))), "X_test"),
    (dict(X_test=np.zeros((5, 3)), f0_test=np.zeros(5)), "X"),
    (dict(X_test=np.zeros((5, 2)), f0_test=np.zeros(4)), "f0_test"),
])
def test_baseline_errors_rejects_bad_arguments(kwargs, name):
    args = dict(X=np.zeros((6, 2)), y=np.zeros(6), f0=np.zeros(6)) | kwargs
    with pytest.raises(ValueError, match=name):
        ns.baseline_errors(args.pop("X"), args.pop("y"), args.pop("f0"), **args)


# ------------------------------------------------------------------ rates fitted where they mean something
def _sweep(mse_all, zero_all):
    ns_ = (16, 32, 64, 128)
    mse_all, zero_all = np.asarray(mse_all, float), np.asarray(zero_all, float)
    mse = np.median(mse_all, axis=2)
    return ns.RateSweep((1, 2), ns_, (0, 1, 2), mse, mse_all, mse, np.zeros(2), {},
                        zero_all, 0.5 * zero_all)


def test_fitted_rates_use_only_the_n_that_beat_the_zero_predictor():
    """d = 1: MSE = 2 n^-0.5 (times a seed factor) against a zero predictor at 0.3, so it is
    beaten from n = 64 on only: the rate is fitted over (64, 128) with min_points=2 and is
    exactly 0.5; with the default min_points=3 there is no rate. d = 2 beats 0 everywhere, with
    rates 0.4, 0.5, 0.6 per seed: mean 0.5, s.e. 0.1/sqrt(3)."""
    n = np.array([16, 32, 64, 128], float)
    d1 = np.stack([2 * n**-0.5 * f for f in (0.9, 1.0, 1.1)], axis=1)
    d2 = np.stack([0.1 * n**-r for r in (0.4, 0.5, 0.6)], axis=1)
    res = _sweep([d1, d2], np.full((2, 4, 3), 0.3))
    assert res.beats_zero.tolist() == [[False, False, True, True], [True] * 4]
    mean, se = res.fitted_rates(min_points=2)
    assert mean[0] == pytest.approx(0.5) and se[0] == pytest.approx(0, abs=1e-12)
    assert mean[1] == pytest.approx(0.5) and se[1] == pytest.approx(0.1 / np.sqrt(3))
    mean, _ = res.fitted_rates()
    assert np.isnan(mean[0]) and mean[1] == pytest.approx(0.5)
    assert np.allclose(res.zero, 0.3) and np.allclose(res.ols, 0.15)
    with pytest.raises(ValueError, match="min_points"):
        res.fitted_rates(min_points=1)


def test_rate_sweep_baselines_are_those_of_the_runs_data():
    res = ns.rate_sweep([1, 3], [16, 32], lr=0.2, width_multiple=1, noise=1.0, steps=2,
                        seeds=(0, 1))
    key = ns.run_seed(1, 3, 32)
    base = ns.baseline_errors(*ns.make_dataset(32, 3, noise=1.0, seed=key))
    assert res.zero_all[1, 1, 1] == pytest.approx(base["zero"]["mse"])
    assert res.ols_all[1, 1, 1] == pytest.approx(base["least squares"]["mse"])
    assert res.beats_zero.shape == (2, 2)


def test_reference_rates_are_the_papers_exponents():
    ref = list(plots.reference_rates([1, 3, 5]).values())
    assert np.allclose(ref[0], [1 / 6, 1 / 10, 1 / 14])
    assert np.allclose(ref[1], [0.5, 0.5, 1 / 3])


# ------------------------------------------------------------------ figures
def test_plot_shattered_2d_draws_one_kink_per_neuron_cutting_the_data():
    """One chord per neuron with an activation rate strictly between 0 and 1, plus the circle;
    the ringed points are exactly those a rarely active neuron fires on."""
    X, y, f0 = ns.make_dataset(32, 2, noise=1.0, seed=0)
    p = ns.init_network(16, 2, seed=0)
    rates = ns.activation_rates(p, X)
    fig = plots.plot_shattered_2d(p, X, rare=0.3)
    ax = fig.axes[0]
    assert len(ax.lines) == np.sum((rates > 0) & (rates < 1)) + 1
    rare = (rates > 0) & (rates < 0.3)
    isolated = np.any((X @ p["w"].T - p["b"] > 0)[:, rare], axis=1)
    assert len(ax.collections[1].get_offsets()) == isolated.sum()
    for line in ax.lines[:-1]:  # chords end on the unit circle
        xy = np.asarray(line.get_xydata())
        assert np.allclose(np.sum(xy**2, axis=1), 1)
    plt.close(fig)
    with pytest.raises(ValueError, match="X"):
        plots.plot_shattered_2d(ns.init_network(4, 3), np.zeros((5, 3)))


def test_plot_activation_histogram_counts_the_live_neurons():
    p, X = ns.init_network(40, 2, seed=1), ns.make_dataset(30, 2, noise=0.0, seed=1)[0]
    fig = plots.plot_activation_histogram({"net": p}, X)
    rates = ns.activation_rates(p, X)
    assert len(fig.axes[0].patches) == 1  # one step histogram
    assert f"{np.mean(rates > 0):.0%} live" in fig.axes[0].get_legend().get_texts()[0].get_text()
    plt.close(fig)


@SLOW
@given(width=st.sampled_from(plots.SHATTERED_2D_GRID["width"]),
       n=st.sampled_from(plots.SHATTERED_2D_GRID["n"]))
def test_shattered_2d_frame_grid_is_finite(width, n):
    assert_figure_finite(plots.shattered_2d_frame(width=width, n=n, steps=300))


@SLOW
@given(lr=st.sampled_from(plots.RATE_GRID["lr"]), target=st.sampled_from(plots.RATE_GRID["target"]))
def test_rate_frame_grid_is_finite(lr, target):
    assert_figure_finite(plots.rate_frame(lr=lr, target=target, steps=50, seeds=(0,)))


def test_shattering_frame_at_d1_keeps_neurons_alive_and_generalises():
    """The d = 1 frame (GD, step 0.2, n = 64, width 128, 2000 steps): over half of the neurons
    cut the data, and the MSE against f0 is below half the zero predictor's (seed 0: live 61%,
    MSE 0.17 against 0.37). At step 0.9 (the old frame) every neuron of this network dies."""
    X, y, f0 = ns.make_dataset(64, 1, noise=1.0, seed=0)
    p, h = ns.train_gd(ns.init_network(128, 1, seed=0), X, y, lr=0.2, steps=2000, f0=f0,
                       record_every=2000, sharpness_iters=0, float64=False)
    assert np.mean(ns.activation_rates(p, X) > 0) > 0.5
    assert h["mse"][-1] < 0.5 * np.mean(f0**2)

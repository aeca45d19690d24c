"""theorybook.common's base for chapter code: argument checks, seeds and samplers, statistics,
the verdict of checked cells, and the plot helpers."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from theorybook.common import (CHECK_FAILED, CHECK_PASSED, check, check_array, check_choice,
                               check_int, check_number, check_probability, check_seed,
                               check_seeds, error_band, figure_axis, jax_key, mean_se, rng,
                               sample_ball, sample_ball_jax, sample_sphere, sample_sphere_jax,
                               spawn)

# ------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize("value, low, high", [(3, None, None), (2, 2, None), (5, None, 5),
                                              (np.int64(4), 1, 10), (3.0, 1, None),
                                              (np.float32(7.0), 0, 7), (-4, -4, -4)])
def test_check_int_accepts_integers_in_range_and_returns_int(value, low, high):
    out = check_int("d", value, low=low, high=high)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value, low, high, message", [
    (1, 2, None, "d must be an integer >= 2, got 1"),
    (6, None, 5, "d must be an integer <= 5, got 6"),
    (11, 1, 10, "d must be an integer in [1, 10], got 11"),
    (2.5, None, None, "d must be an integer, got 2.5"),
    (True, None, None, "d must be an integer, got True"),
    (np.bool_(False), None, None, "d must be an integer, got "),
    ("3", None, None, "d must be an integer, got '3'"),
    (float("nan"), None, None, "d must be an integer, got nan"),
    (float("inf"), 0, None, "d must be an integer >= 0, got inf"),
    (None, None, None, "d must be an integer, got None"),
])
def test_check_int_refuses_with_name_range_and_value(value, low, high, message):
    with pytest.raises(ValueError) as error:
        check_int("d", value, low=low, high=high)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("value, kwargs", [
    (0.5, {}), (0, dict(low=0)), (1, dict(high=1)), (np.float32(0.25), dict(low=0, high=1)),
    (np.int64(3), dict(low=0, low_open=True)), (np.array(2.0), dict(low=1)),
    (-1e300, {}),
])
def test_check_number_accepts_finite_reals_in_range_and_returns_float(value, kwargs):
    out = check_number("eta", value, **kwargs)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value, kwargs, message", [
    (0, dict(low=0, low_open=True), "eta must be a finite number > 0, got 0"),
    (-0.1, dict(low=0), "eta must be a finite number >= 0, got -0.1"),
    (2, dict(high=2, high_open=True), "eta must be a finite number < 2, got 2"),
    (3, dict(high=2), "eta must be a finite number <= 2, got 3"),
    (1, dict(low=0, high=1, high_open=True), "eta must be a finite number in [0, 1), got 1"),
    (0, dict(low=0, high=1, low_open=True), "eta must be a finite number in (0, 1], got 0"),
    (float("nan"), {}, "eta must be a finite number, got nan"),
    (float("inf"), {}, "eta must be a finite number, got inf"),
    (True, {}, "eta must be a finite number, got True"),
    ("0.1", {}, "eta must be a finite number, got '0.1'"),
    (1j, {}, "eta must be a finite number, got 1j"),
    (np.array([1.0, 2.0]), {}, "eta must be a finite number, got array("),
    (np.array(1 + 2j), {}, "eta must be a finite number, got"),
    (np.array(True), {}, "eta must be a finite number, got"),
])
def test_check_number_refuses_with_name_range_and_value(value, kwargs, message):
    with pytest.raises(ValueError) as error:
        check_number("eta", value, **kwargs)
    assert str(error.value).startswith(message)


def test_check_probability_closed_and_open_ends():
    assert check_probability("p", 0) == 0.0 and check_probability("p", 1) == 1.0
    assert check_probability("p", 0.5, open_ends=True) == 0.5
    for value, open_ends, message in [(1.5, False, "p must be a finite number in [0, 1], got 1.5"),
                                      (-0.0001, False, "in [0, 1], got -0.0001"),
                                      (0, True, "p must be a finite number in (0, 1), got 0"),
                                      (1.0, True, "in (0, 1), got 1.0")]:
        with pytest.raises(ValueError) as error:
            check_probability("p", value, open_ends=open_ends)
        assert message in str(error.value)


def test_check_choice_returns_the_value_or_lists_the_choices():
    assert check_choice("activation", "relu", ("relu", "tanh")) == "relu"
    assert check_choice("k", 2, range(3)) == 2
    with pytest.raises(ValueError) as error:
        check_choice("activation", "gelu", iter(["relu", "tanh"]))
    assert str(error.value) == "activation must be one of 'relu', 'tanh', got 'gelu'"


def test_check_seed_is_a_non_negative_integer_named_seed_by_default():
    assert check_seed(0) == 0 and check_seed(np.uint32(7)) == 7
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0, got -1$"):
        check_seed(-1)
    with pytest.raises(ValueError, match=r"^data_seed must be an integer >= 0, got 1.5$"):
        check_seed(1.5, "data_seed")


@pytest.mark.parametrize("value, expected", [(range(3), (0, 1, 2)), ([5, 2], (5, 2)),
                                             ((0,), (0,)), (np.arange(2), (0, 1))])
def test_check_seeds_accepts_sequences_and_returns_a_tuple_of_ints(value, expected):
    out = check_seeds(value)
    assert out == expected and all(type(s) is int for s in out)


@pytest.mark.parametrize("value, message", [
    (3, "seeds must be a non-empty sequence of seeds (e.g. range(3)), got 3"),
    ("012", "seeds must be a non-empty sequence of seeds (e.g. range(3)), got '012'"),
    ({1, 2}, "seeds must be a non-empty sequence of seeds (e.g. range(3)), got {1, 2}"),
    ([], "seeds must be a non-empty sequence of seeds, got []"),
    (range(0), "seeds must be a non-empty sequence of seeds, got range(0, 0)"),
    ([1, 1], "seeds must not repeat a seed, got [1, 1]"),
    ([0, -2], "seeds must be an integer >= 0, got -2"),
])
def test_check_seeds_refuses_counts_empty_repeated_and_negative(value, message):
    with pytest.raises(ValueError) as error:
        check_seeds(value)
    assert str(error.value) == message


def test_check_array_converts_and_accepts_free_axes():
    arr = check_array("X", [[1, 2, 3]], shape=(None, 3))
    assert arr.dtype == float and arr.shape == (1, 3)
    assert check_array("v", [1, 2], ndim=1).shape == (2,)
    assert check_array("v", [np.nan], finite=False).shape == (1,)
    assert check_array("k", [1, 2], dtype=int).dtype.kind == "i"


@pytest.mark.parametrize("value, kwargs, message", [
    ([1.0, 2.0], dict(ndim=2), "X must have shape 2-d, got shape (2,)"),
    ([[1.0, 2.0]], dict(shape=(None, 3)), "X must have shape (n, 3), got shape (1, 2)"),
    ([1.0, 2.0], dict(shape=(None, 3)), "X must have shape (n, 3), got shape (2,)"),
    ([[1.0, np.inf]], {}, "X must be finite (no NaN or infinity)"),
    ([[np.nan]], dict(shape=(1, 1)), "X must be finite"),
    ("abc", {}, "X must be an array of numbers, got str"),
    ([[1.0], [1.0, 2.0]], {}, "X must be an array of numbers, got list"),
])
def test_check_array_refuses_with_name_and_shape(value, kwargs, message):
    with pytest.raises(ValueError) as error:
        check_array("X", value, **kwargs)
    assert str(error.value).startswith(message)


# ------------------------------------------------------------------------- seeds and samplers


def test_rng_makes_a_generator_and_passes_one_through():
    g = rng(3)
    assert isinstance(g, np.random.Generator) and rng(g) is g
    np.testing.assert_array_equal(rng(3).random(4), np.random.default_rng(3).random(4))
    with pytest.raises(ValueError, match="seed"):
        rng(-1)


def test_spawn_streams_are_independent_and_prefix_stable():
    """Stream i depends only on (seed, i); streams are uncorrelated.

    Tolerance: 1000 draws per stream give correlations of s.d. 1/sqrt(1000) ≈ 0.032 between
    independent streams; 5 s.d. = 0.16 bounds all 6 pairs with overwhelming probability.
    """
    few = [g.standard_normal(1000) for g in spawn(7, 2)]
    many = [g.standard_normal(1000) for g in spawn(7, 4)]
    for a, b in zip(few, many):
        np.testing.assert_array_equal(a, b)
    corr = np.corrcoef(np.stack(many))
    assert np.all(np.abs(corr[np.triu_indices(4, 1)]) < 5 / math.sqrt(1000))
    assert not np.allclose(spawn(8, 1)[0].random(3), spawn(7, 1)[0].random(3))
    # children of SeedSequence, not the parent's own stream
    assert not np.allclose(spawn(7, 1)[0].random(3), rng(7).random(3))


def test_spawn_refuses_bad_count_and_seed():
    with pytest.raises(ValueError, match="count must be an integer >= 1, got 0"):
        spawn(0, 0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        spawn(-3, 2)


def test_jax_key_folds_the_path_in_order():
    import jax

    def bits(key):
        return np.asarray(jax.random.key_data(key))

    key = jax.random.key(5)
    np.testing.assert_array_equal(bits(jax_key(5)), bits(key))
    folded = jax.random.fold_in(jax.random.fold_in(key, 1), 2)
    np.testing.assert_array_equal(bits(jax_key(5, 1, 2)), bits(folded))
    assert not np.array_equal(bits(jax_key(5, 1, 2)), bits(jax_key(5, 2, 1)))
    assert not np.array_equal(bits(jax_key(5, 1)), bits(jax_key(6, 1)))
    with pytest.raises(ValueError, match="path index must be an integer >= 0, got -1"):
        jax_key(5, -1)
    with pytest.raises(ValueError, match="seed"):
        jax_key(1.5)


@given(n=st.integers(1, 50), d=st.integers(1, 12),
       radius=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)),
       seed=st.integers(0, 2**32 - 1))
def test_sample_sphere_rows_have_norm_radius(n, d, radius, seed):
    x = sample_sphere(n, d, seed, radius=radius)
    assert x.shape == (n, d)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), radius, rtol=1e-12)
    np.testing.assert_array_equal(x, sample_sphere(n, d, seed, radius=radius))


def test_sample_sphere_is_uniform_first_coordinate_law():
    """On S^2 the first coordinate is uniform on [-1, 1] (Archimedes): KS test at level 1e-3."""
    x = sample_sphere(4000, 3, 11)
    assert stats.kstest(x[:, 0], stats.uniform(loc=-1, scale=2).cdf).pvalue > 1e-3
    assert abs(x.mean(axis=0)).max() < 5 * math.sqrt(1 / 3 / 4000)  # mean 0, s.d. sqrt(1/3n)


@pytest.mark.parametrize("d", [1, 2, 5, 20])
def test_sample_ball_radius_law_is_r_to_the_d(d):
    """P(|x| <= r) = (r/R)^d: a Kolmogorov-Smirnov test of |x|/R at level 1e-3, 4000 points."""
    R = 2.5
    x = sample_ball(4000, d, 3, radius=R)
    assert x.shape == (4000, d)
    r = np.linalg.norm(x, axis=1) / R
    assert r.max() <= 1.0
    assert stats.kstest(r, lambda t: np.clip(t, 0, 1) ** d).pvalue > 1e-3
    # the direction is uniform too: x/|x| has mean 0 (s.e. 1/sqrt(d n) per coordinate)
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    assert abs(u.mean(axis=0)).max() < 5 / math.sqrt(d * 4000)


def test_sample_ball_would_fail_the_ks_test_with_the_wrong_radius_law():
    """The KS test above has power: radii uniform on [0, 1] (no 1/d power) are refused in d = 5."""
    r = rng(3).uniform(size=4000)
    assert stats.kstest(r, lambda t: np.clip(t, 0, 1) ** 5).pvalue < 1e-3


@pytest.mark.parametrize("sampler", [sample_sphere, sample_ball])
def test_samplers_refuse_bad_arguments(sampler):
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        sampler(0, 3)
    with pytest.raises(ValueError, match="d must be an integer >= 1, got 2.5"):
        sampler(4, 2.5)
    with pytest.raises(ValueError, match="radius must be a finite number >= 0, got -1"):
        sampler(4, 3, radius=-1)
    with pytest.raises(ValueError, match="seed"):
        sampler(4, 3, -2)


def test_samplers_accept_a_generator_and_continue_its_stream():
    g = rng(0)
    a, b = sample_ball(5, 3, g), sample_ball(5, 3, g)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, sample_ball(5, 3, 0))


def test_jax_samplers_sphere_norm_and_ball_radius_law():
    """JAX versions: rows of norm 1; radii with P(|x| <= r) = r^d (KS test at level 1e-3)."""
    import jax

    x = np.asarray(sample_sphere_jax(jax.random.key(0), 500, 4))
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    b = np.asarray(sample_ball_jax(jax.random.key(1), 4000, 3))
    r = np.linalg.norm(b, axis=1)
    assert b.shape == (4000, 3) and r.max() <= 1.0 + 1e-6
    assert stats.kstest(r, lambda t: np.clip(t, 0, 1) ** 3).pvalue > 1e-3


# ------------------------------------------------------------------------- statistics


def test_mean_se_matches_the_closed_form():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    m, se = mean_se(x)
    assert m == pytest.approx(3.5)
    assert se == pytest.approx(math.sqrt(((x - 3.5) ** 2).sum() / 3) / 2)
    assert isinstance(m, float) and isinstance(se, float)


def test_mean_se_along_an_axis():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    m, se = mean_se(x)
    np.testing.assert_allclose(m, [3.0, 10.0])
    np.testing.assert_allclose(se, [2.0 / math.sqrt(3), 0.0])
    m1, se1 = mean_se(x, axis=1)
    np.testing.assert_allclose(m1, [5.5, 6.5, 7.5])
    np.testing.assert_allclose(se1, [4.5, 3.5, 2.5])


def test_mean_se_of_one_value_has_nan_standard_error():
    m, se = mean_se([2.5])
    assert m == 2.5 and math.isnan(se)
    m, se = mean_se([[1.0, 2.0]])
    np.testing.assert_array_equal(m, [1.0, 2.0])
    assert np.all(np.isnan(se))


def test_mean_se_refuses_no_values():
    with pytest.raises(ValueError, match="values must have at least one entry"):
        mean_se([])
    with pytest.raises(ValueError, match="values"):
        mean_se(3.0)


def test_check_prints_the_verdict_and_returns_nothing(capsys):
    assert check("gap beyond 2 s.e.", True, "tolerance: 2 s.e.") is None
    assert capsys.readouterr().out == f"{CHECK_PASSED} gap beyond 2 s.e. (tolerance: 2 s.e.)\n"
    check("all below", np.array([True, False]))
    assert capsys.readouterr().out == f"{CHECK_FAILED} all below\n"
    check("all below", np.array([1.0, 2.0]) < 3)
    assert capsys.readouterr().out == "✓ all below\n"
    assert CHECK_FAILED == "✗ FAILED"


def test_check_refuses_an_empty_condition():
    with pytest.raises(ValueError, match="condition"):
        check("all of nothing", np.array([]) > 0)


# ------------------------------------------------------------------------- plotting


def test_figure_axis_makes_or_reuses_an_axis():
    import matplotlib.pyplot as plt

    fig, ax = figure_axis()
    assert ax.figure is fig and tuple(fig.get_size_inches()) == (5.5, 3.4)
    fig2, ax2 = figure_axis(ax)
    assert fig2 is fig and ax2 is ax
    fig3, ax3 = figure_axis(figsize=(3, 3), projection="polar")
    assert ax3.name == "polar" and tuple(fig3.get_size_inches()) == (3.0, 3.0)
    plt.close("all")


def test_error_band_draws_mean_and_band_of_k_standard_errors():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    fig, ax = figure_axis()
    x, mean, se = [0, 1, 2], [1.0, 2.0, 3.0], [0.1, 0.2, 0.3]
    line = error_band(ax, x, mean, se, k=2, label="±2 s.e., 3 seeds", color="C1")
    np.testing.assert_array_equal(line.get_ydata(), mean)
    assert line.get_label() == "±2 s.e., 3 seeds"
    (band,) = ax.collections
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    assert ys.min() == pytest.approx(1.0 - 0.2) and ys.max() == pytest.approx(3.0 + 0.6)
    np.testing.assert_allclose(band.get_facecolor()[0][:3], to_rgb(line.get_color()))
    assert to_rgb(line.get_color()) == to_rgb("C1")
    plt.close(fig)

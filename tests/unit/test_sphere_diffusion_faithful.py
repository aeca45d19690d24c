"""Tests of the revision of theorybook.sphere_diffusion (issue 20): the mixture path, visibility
above chance, seeds, and stored bounds recomputed from the weights."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import assert_figure_finite
from theorybook import sphere_diffusion as sd
from theorybook.sphere_diffusion import plots

TINY = dict(width=16, layers=1, heads=2, table_particles=512, table_steps=200)


@pytest.fixture(scope="module")
def markov():
    return sd.corpus("markov", vocab=6, length=8, n_markov=2000)


# ---------------------------------------------------------------- the mixture path
def test_start_rule_is_the_repository_step():
    t = np.array([0.0, 0.2, 0.349, 0.35, 0.6, 1.0])
    np.testing.assert_array_equal(sd.start_rule(t), [1, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(sd.start_rule(t, 0.0), 0)            # pure mask path
    np.testing.assert_array_equal(sd.start_rule(t[:-1], 1.0), 1)       # pure uniform path
    with pytest.raises(ValueError, match="step_thr"):
        sd.start_rule(t, 1.5)
    with pytest.raises(ValueError, match="t must"):
        sd.start_rule(1.5)
    with pytest.raises(ValueError, match="step_thr"):
        sd.RDLM(6, 8, prior="mixture", step_thr=-0.1)
    with pytest.raises(ValueError, match="prior"):
        sd.RDLM(6, 8, prior="mix")


def test_mixture_start_point_and_xt_law_per_t():
    """Each example's bridge starts at u for t < 0.35 and at e_m after; x_t is then the uniform
    model's x_t or the mask model's, drawn with the same key (so equal to float precision)."""
    mix, mask, unif = (sd.RDLM(6, 8, prior=p, **TINY) for p in ("mixture", "mask", "uniform"))
    t = jnp.array([0.05, 0.3, 0.34, 0.36, 0.5, 0.9])
    start, xt = mix._paths()
    s = np.asarray(start(t))[:, 0]
    np.testing.assert_allclose(s[:3], np.broadcast_to(sd.prior_point("uniform", 7), (3, 7)))
    np.testing.assert_allclose(s[3:], np.broadcast_to(sd.prior_point("mask", 7), (3, 7)))
    tok = jnp.asarray(np.random.default_rng(0).integers(0, 6, (6, 8)))
    key = jax.random.key(3)
    x = np.asarray(xt(key, tok, t))
    np.testing.assert_allclose(x[:3], np.asarray(unif._paths()[1](key, tok, t))[:3], atol=1e-6)
    np.testing.assert_allclose(x[3:], np.asarray(mask._paths()[1](key, tok, t))[3:], atol=1e-6)
    # Sampler: starts at the point of t = 0, u (the repository's prior_sample at t = 0).
    np.testing.assert_allclose(mix.x0, sd.prior_point("uniform", 7), atol=1e-7)
    assert mix.config()["step_thr"] == 0.35 and "step_thr" not in mask.config()
    with pytest.raises(ValueError, match="tables_of"):
        mix.tables


@pytest.mark.parametrize("thr,pure", [(0.0, "mask"), (1.0, "uniform")])
def test_mixture_bound_and_loss_reduce_to_the_pure_paths(thr, pure, markov):
    """At threshold 0 (1) the mixture is the mask (uniform) path: same loss, same bound, same
    samples for the same parameters and keys."""
    mix = sd.RDLM(6, 8, prior="mixture", step_thr=thr, **TINY)
    ref = sd.RDLM(6, 8, prior=pure, **TINY)
    params = mix.init(0)
    ref.params = params
    tok, key = jnp.asarray(markov.train[:16]), jax.random.key(1)
    np.testing.assert_allclose(float(mix._loss_fn()(params, tok, key)),
                               float(ref._loss_fn()(params, tok, key)), rtol=1e-5)
    a, b = (m.bpc(markov.valid[:16], sim_steps=10) for m in (mix, ref))
    np.testing.assert_allclose(a.value, b.value, rtol=1e-5)
    np.testing.assert_array_equal(mix.sample(4, steps=8), ref.sample(4, steps=8))


def test_mixture_bound_switches_bridges_at_the_threshold(markov):
    """The mixture's NELBO profile is the uniform path's below the threshold and the mask
    path's above it (same parameters and keys)."""
    models = {p: sd.RDLM(6, 8, prior=p, **TINY) for p in ("mixture", "mask", "uniform")}
    params = models["mixture"].init(0)
    for m in models.values():
        m.params = params
    ts = [0.1, 0.3, 0.4, 0.7]
    prof = {p: m.nelbo_profile(markov.valid[:16], ts) for p, m in models.items()}
    np.testing.assert_allclose(prof["mixture"][:2], prof["uniform"][:2], rtol=1e-5)
    np.testing.assert_allclose(prof["mixture"][2:], prof["mask"][2:], rtol=1e-5)


def test_sampler_states_are_on_the_sphere_and_end_in_the_sample():
    m = sd.RDLM(6, 8, prior="mixture", **TINY)
    m.init(0)
    xs = m.sampler_states(3, steps=8, every=2, seed=4)
    assert xs.shape == (5, 3, 8, 7)
    np.testing.assert_allclose(np.linalg.norm(xs, axis=-1), 1, atol=1e-5)
    np.testing.assert_allclose(xs[0], np.broadcast_to(sd.prior_point("uniform", 7), (3, 8, 7)), atol=1e-6)
    np.testing.assert_array_equal(np.argmax(xs[-1][..., :6], -1), m.sample(3, steps=8, seed=4))
    from_mask = m.sampler_states(3, steps=8, every=4, start="mask")
    assert from_mask.shape[0] == 3
    np.testing.assert_allclose(from_mask[0], np.broadcast_to(sd.prior_point("mask", 7), (3, 8, 7)))
    with pytest.raises(ValueError, match="every"):
        m.sampler_states(3, steps=8, every=3)
    with pytest.raises(ValueError, match="start"):
        m.sample(3, start="zero")


def test_start_check_separates_the_mixture_from_a_pure_path(markov):
    """Pitfall 2 as a test: for the mixture, the training states after the threshold start at
    e_m (mask coordinate near 1 early on), the sampler's from u (near 1/√d); for the pure mask
    path both start at e_m. Untrained network, so only the early times are compared (t ≤ 0.5,
    where β is small and the drift weak: the states stay near their start)."""
    for prior, gap in (("mixture", True), ("mask", False)):
        m = sd.RDLM(6, 8, prior=prior, **TINY)
        m.init(0)
        c = sd.start_check(m, markov.valid, n=16, steps=8, records=4)
        early = c.t[1:3]
        assert np.all(np.isfinite(c.sampler)) and early[0] < 0.35 < early[1]
        diff = np.abs(c.training - c.sampler)[2]   # t = 0.5: mask start in training for the mixture
        assert (diff > 0.5) if gap else (diff < 0.1)


# ---------------------------------------------------------------- visibility above chance
def test_above_chance_closed_forms():
    np.testing.assert_allclose(sd.above_chance([0.0, 1 / 3, 0.5, 1.0], 3), [-0.5, 0, 0.25, 1])
    np.testing.assert_allclose(sd.above_chance(0.5, 2), 0.0)          # one binary digit, a coin
    with pytest.raises(ValueError, match="choices"):
        sd.above_chance(0.5, 1)
    with pytest.raises(ValueError, match="p must"):
        sd.above_chance(1.5, 3)


# ---------------------------------------------------------------- seeds and stored bounds
def test_seed_bpc_reads_every_stored_seed():
    for name in sd.SEED_FAMILIES:
        r = sd.seed_bpc(name)
        assert r.seeds[0] == 0 and len(set(r.seeds)) == len(r.seeds)
        assert r.mean == pytest.approx(np.mean(r.values))
        if len(r.values) > 1:
            assert r.se == pytest.approx(np.std(r.values, ddof=1) / np.sqrt(len(r.values)))
    with pytest.raises(ValueError, match="name"):
        sd.seed_bpc("GPT")


@pytest.mark.parametrize("name", ["RDLM", "RDLM, mixture", "MDLM", "autoregressive"])
def test_stored_bound_is_recomputed_from_the_weights(name):
    """The validation bound stored in config.json (first 512 validation sequences) is recomputed
    from the stored weights on the first 64 sequences with independent time draws (seed 7):
    agreement within 3 s.e. of the difference (both s.e. combined; the subset's dominates).
    Wrong weights or a changed estimator would move the bound by far more (untrained: ≈ 4.7+)."""
    model = sd.load_checkpoints([name])[name]
    stored, stored_se = model.extra["valid_bpc"]
    valid = sd.corpus(model.extra["corpus"], length=model.length).valid[:64]
    kw = {"sim_steps": 100} if model.kind == "rdlm" else {}
    b = model.bpc(valid, seed=7, **kw)
    assert abs(b.value - stored) < 3 * np.hypot(b.se, stored_se), (b, stored, stored_se)


def test_crossing_time_interpolates_the_first_crossing():
    t = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    assert sd.crossing_time(t, [-0.5, 0.2, 0.6, 0.4, 0.9]) == pytest.approx(0.25 + 0.25 * 0.75)
    assert np.isnan(sd.crossing_time(t, np.zeros(5)))
    assert sd.crossing_time(t, np.ones(5)) == 0.0
    with pytest.raises(ValueError, match="same length"):
        sd.crossing_time(t, [0, 1])


def test_chance_correction_moves_the_half_time_of_a_small_sphere_later():
    """At d = 4 a third of the guesses are right: the raw reveal probability crosses 1/2 much
    earlier than the visibility above chance (the issue's 0.14 against about 0.30)."""
    cmp = sd.compare_bridge(4, "mask", n=600, steps=200, records=20, particles=1024, table_steps=200)
    raw = sd.crossing_time(cmp.t[1:], cmp.exact_reveal[1:])
    corrected = sd.crossing_time(cmp.t, cmp.exact_visible)
    assert corrected > raw + 0.05


# ---------------------------------------------------------------- slider frames
@pytest.mark.parametrize("step_thr", plots.MIXTURE_GRID["step_thr"])
def test_mixture_frame_grid(step_thr):
    """Every threshold of the slider: finite curves; the shaded gap is empty at threshold 0
    (mask path, consistent) and not before the threshold."""
    t, mask = plots._mask_coordinate("mask", particles=256, table_steps=100)
    _, unif = plots._mask_coordinate("uniform", particles=256, table_steps=100)
    assert mask[0] == pytest.approx(1.0) and unif[0] == pytest.approx(1 / np.sqrt(28))
    assert abs(mask[-1]) < 1e-9 and abs(unif[-1]) < 1e-9
    assert_figure_finite(plots.mixture_frame(step_thr=step_thr, particles=256, table_steps=100))


@pytest.mark.parametrize("left", plots.WINDOW_GRID["left"])
@pytest.mark.parametrize("right", plots.WINDOW_GRID["right"])
def test_window_frame_grid(left, right):
    ts = np.linspace(0.02, 0.98, 9)
    assert_figure_finite(plots.window_frame(left=left, right=right, ts=ts, profile=np.exp(-ts)))


@pytest.mark.parametrize("dim", plots.RHO_GRID["dim"])
def test_rho_frame_grid(dim):
    assert_figure_finite(plots.rho_frame(dim=dim, n=100, steps=40, particles=256, table_steps=100))


@pytest.mark.parametrize("fit", plots.SCALING_GRID["fit"])
def test_scaling_frame_grid(fit):
    """Every fit of the extrapolation slider, on the stored study: finite laws and curves. (Only
    the frontier laws must fall: at width 64 the autoregressive model overfits, α ≈ 0.)"""
    points = sd.scaling_points()
    laws = sd.scaling_laws(points, fit=fit, below=sd.unigram_bpc(sd.corpus("pydoc")))
    assert all(np.isfinite([law.a, law.alpha, law.alpha_se]).all() for law in laws.values())
    if fit == "frontier":
        assert all(law.alpha > 0 for law in laws.values())
    assert_figure_finite(plots.scaling_frame(fit=fit))
    with pytest.raises(ValueError, match="fit"):
        sd.scaling_laws(sd.scaling_points(), fit="width 48")


def test_unigram_baseline_is_the_stationary_entropy_on_a_markov_chain(markov):
    """On the chain, the letter-frequency baseline is H(π) up to sampling error (16 000 symbols),
    and it lies above the entropy floor, which uses the context."""
    P = markov.transition
    w, v = np.linalg.eig(P.T)
    pi = np.abs(np.real(v[:, np.argmin(abs(w - 1))]))
    pi /= pi.sum()
    assert sd.unigram_bpc(markov) == pytest.approx(float(sd._data._entropy(pi)), abs=0.05)
    assert sd.unigram_bpc(markov) > markov.entropy_floor + 0.3

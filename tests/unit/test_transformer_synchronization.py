"""Tests of theorybook.transformer_synchronization (Agazzi et al., arXiv:2604.26898).

Sizes are small so the file runs in about a minute on one core; JAX compiles once per shape, so
the tests share a few configurations (N = 16 tokens in d = 5, L = 150, m = 64)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from theorybook import transformer_synchronization as ts

N, D, L, T, M = 16, 5, 150, 5.0, 64
SEEDS = list(range(16))


@pytest.fixture(scope="module")
def x0():
    return ts.sample_sphere(N, D, seed=2)


# --- sphere, cosines, energy -------------------------------------------------------------------
def test_sample_sphere_is_uniform_and_seeded():
    x = ts.sample_sphere(4000, 3, seed=0)
    assert x.shape == (4000, 3)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(x, ts.sample_sphere(4000, 3, seed=0))
    assert not np.array_equal(x, ts.sample_sphere(4000, 3, seed=1))
    # Archimedes: on S², the height x₃ is uniform on [−1, 1]; KS test at level 0.001
    assert stats.kstest(x[:, 2], stats.uniform(-1, 2).cdf).pvalue > 1e-3


def test_pairwise_cos_matches_definition():
    x = np.array([[2.0, 0.0], [1.0, 1.0], [0.0, -3.0]])
    c = ts.pairwise_cos(x)
    np.testing.assert_allclose(c, [[1, 1 / np.sqrt(2), 0], [1 / np.sqrt(2), 1, -1 / np.sqrt(2)],
                                   [0, -1 / np.sqrt(2), 1]], atol=1e-12)


def test_energy_closed_forms():
    """E_β = (1/2N²) Σ_ij (e^β − e^{β⟨x_i,x_j⟩}): 0 for one cluster, sinh(β)/2 for an antipodal pair."""
    same = np.tile([[0.0, 1.0, 0.0]], (5, 1))
    assert ts.energy(same, 2.0) == 0.0
    pair = np.array([[1.0, 0.0], [-1.0, 0.0]])
    assert ts.energy(pair, 1.3) == pytest.approx(np.sinh(1.3) / 2, rel=1e-12)
    x = ts.sample_sphere(7, 4, 3)
    brute = sum(np.exp(1.5) - np.exp(1.5 * x[i] @ x[j]) for i in range(7) for j in range(7)) / (2 * 49)
    assert ts.energy(x, 1.5) == pytest.approx(brute, rel=1e-10)


def test_energy_controls_distance():
    """Paper §1: |x − y|² ≤ (2/sinh β)(e^β − e^{β⟨x,y⟩})."""
    x = ts.sample_sphere(50, 6, 4)
    for beta in (0.3, 1.0, 4.0):
        c = x @ x.T
        assert np.all(2 - 2 * c <= 2 / np.sinh(beta) * (np.exp(beta) - np.exp(beta * c)) + 1e-12)


# --- kernel ------------------------------------------------------------------------------------
def _kappa_dblquad(t, act, d, su, sw):
    """Reference: E φ(p)φ(q) + σ_W² by scipy.integrate.dblquad over (z₁, z₂) (scipy 1.17)."""
    phi = {"tanh": np.tanh, "silu": lambda x: x / (1 + np.exp(-x)),
           "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: max(x, 0.0)}[act]
    s = np.sqrt(1 / d + su**2)
    rho = (t / d + su**2) / s**2
    f = lambda z2, z1: (phi(s * z1) * phi(s * (rho * z1 + np.sqrt(1 - rho**2) * z2))  # noqa: E731
                        * np.exp(-(z1**2 + z2**2) / 2) / (2 * np.pi))
    return integrate.dblquad(f, -9, 9, -9, 9, epsabs=1e-11)[0] + sw**2


@pytest.mark.parametrize("act", ["relu", "tanh", "silu", "sigmoid"])
def test_kappa_against_scipy(act):
    for t in (-0.7, 0.2, 0.9):
        assert ts.kappa(t, act, 5, 0.1, 0.2) == pytest.approx(_kappa_dblquad(t, act, 5, 0.1, 0.2),
                                                              abs=1e-8)


@pytest.mark.parametrize("act", ["relu", "tanh", "silu", "sigmoid"])
def test_kappa_at_one_and_its_slope_give_the_constants(act):
    c = ts.kernel_constants(act, 6, 0.1, 0.1)
    assert ts.kappa(1.0, act, 6, 0.1, 0.1) == pytest.approx(c.kappa1, rel=1e-7)
    # one-sided difference: κ'(1) is the slope at the end of [−1, 1]; ReLU's κ has a
    # (1 − t)^{3/2} term (arc-cosine kernel), so its difference needs a smaller step
    h = 1e-8 if act == "relu" else 1e-4
    slope = (ts.kappa(1.0, act, 6, 0.1, 0.1) - ts.kappa(1 - h, act, 6, 0.1, 0.1)) / h
    assert slope == pytest.approx(c.kappa1_prime, rel=2e-3)


def test_odd_activation_gives_odd_kernel():
    """tanh without bias: G is a.s. odd, so κ(−t) = −κ(t) (the origin of the antipodal attractor)."""
    t = np.linspace(-1, 1, 11)
    np.testing.assert_allclose(ts.kappa(-t, "tanh", 4), -ts.kappa(t, "tanh", 4), atol=1e-12)
    assert np.all(ts.kappa(t, "relu", 4) > 0)


@pytest.mark.parametrize("d,su,sw", [(5, 0.0, 0.0), (64, 0.1, 0.1), (128, 0.3, 0.05)])
def test_relu_closed_form_prop_1_5(d, su, sw):
    """Prop. 1.5 (sign corrected, erratum 1): λ₁ = −1/(2d) − (σ_U² + 2σ_W²)(d−1)/4 equals the
    quadrature of ((d−3)/2)κ'(1) − ((d−1)/2)κ(1)."""
    closed = ts.kernel_constants("relu", d, su, sw)
    quad = ts.kernel_constants("relu", d, su, sw, method="quadrature")
    np.testing.assert_allclose(closed, quad, rtol=1e-8, atol=1e-12)
    assert closed.lyapunov == pytest.approx(-1 / (2 * d) - (su**2 + 2 * sw**2) * (d - 1) / 4)
    assert closed.lyapunov < 0


@pytest.mark.parametrize("act", ["silu", "sigmoid", "tanh"])
def test_constants_identities(act):
    k = ts.kernel_constants(act, 9, 0.2, 0.1)
    assert k.lyapunov == pytest.approx(k.lambda_bar / 2 - k.kappa1 - k.kappa1_prime, rel=1e-12)
    # κ(1) = E φ(Z)² + σ_W² with Z ~ N(0, 1/d + σ_U²), by Monte Carlo (2·10⁵ draws, 5 s.e.)
    z = np.random.default_rng(0).standard_normal(200_000) * np.sqrt(1 / 9 + 0.04)
    phi = {"silu": lambda x: x / (1 + np.exp(-x)), "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
           "tanh": np.tanh}[act]
    v = phi(z) ** 2
    assert abs(v.mean() + 0.01 - k.kappa1) < 5 * v.std() / np.sqrt(v.size)


def test_table1_qualitative_findings():
    """Table 1 and §5: (i) a bias σ = 0.1 is needed for λ̄ < 0 with ReLU, SiLU, Tanh (d = 64, 128);
    (ii) sigmoid (φ(0) ≠ 0) has λ̄ < 0 without bias and the most negative λ₁;
    (iii) ReLU and SiLU without bias sit at the edge of synchronization, |λ₁| < 0.005 at d = 128;
    (iv) without bias larger d slows synchronization, with bias it speeds it up."""
    rows = {(r["activation"], r["d"], r["sigma"]): r for r in ts.table1()}
    assert len(rows) == 24
    for act in ("relu", "silu", "tanh"):
        for d in (64, 128):
            assert rows[act, d, 0.0]["lambda_bar"] > 0 > rows[act, d, 0.1]["lambda_bar"]
        assert (rows[act, 5, 0.0]["lyapunov"] < rows[act, 64, 0.0]["lyapunov"]
                < rows[act, 128, 0.0]["lyapunov"] < 0)
        assert rows[act, 5, 0.1]["lyapunov"] > rows[act, 64, 0.1]["lyapunov"] > rows[act, 128, 0.1]["lyapunov"]
    for d in (5, 64, 128):
        assert rows["sigmoid", d, 0.0]["lambda_bar"] < 0
        assert rows["sigmoid", d, 0.0]["lyapunov"] == min(r["lyapunov"] for k, r in rows.items()
                                                          if k[1] == d and k[2] == 0.0)
    assert abs(rows["relu", 128, 0.0]["lyapunov"]) < 5e-3
    assert abs(rows["silu", 128, 0.0]["lyapunov"]) < 5e-3


@pytest.mark.parametrize("act,d,s", [("relu", 64, 0.1), ("sigmoid", 5, 0.0), ("tanh", 5, 0.1)])
def test_lambda_bar_prime(act, d, s):
    """Thm 1.4: F(1⁻) = −λ̄, and λ̄' is −min F (hence λ̄' ≥ λ̄)."""
    k = ts.kernel_constants(act, d, s, s)
    f_near = ts.energy_rate_function(1 - 1e-4, act, d, s, s, 1.0)
    assert f_near == pytest.approx(-k.lambda_bar, rel=2e-3, abs=1e-4)
    lbp = ts.lambda_bar_prime(act, d, s, s, 1.0)
    u = np.linspace(-1, 1, 301)
    assert lbp == pytest.approx(-ts.energy_rate_function(u, act, d, s, s, 1.0).min(), abs=1e-3)


# --- forward -----------------------------------------------------------------------------------
def test_forward_keeps_tokens_on_sphere_and_is_deterministic(x0):
    a = ts.forward(x0, L, T, M, "relu", 0.1, 0.1, 1.0, 1.0, seed=3)
    b = ts.forward(x0, L, T, M, "relu", 0.1, 0.1, 1.0, 1.0, seed=[3] + SEEDS[1:])  # 16: one compile
    np.testing.assert_allclose(np.linalg.norm(a.tokens, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(a.energy, b.energy[0], rtol=1e-4, atol=1e-6)  # float32, batched
    assert not np.allclose(b.energy[0], b.energy[1])
    assert a.energy.shape == a.mean_cos.shape == (L + 1,)
    assert a.energy[0] == pytest.approx(ts.energy(x0, 1.0), rel=1e-5)
    c = ts.pairwise_cos(x0)
    assert a.mean_cos[0] == pytest.approx((c.sum() - N) / (N * (N - 1)), abs=1e-5)


def test_forward_without_attention_or_mlp_is_the_identity(x0):
    r = ts.forward(x0, 10, 1.0, 4, "relu", 0, 0, 1.0, 0.0, mlp=False)
    np.testing.assert_allclose(r.tokens, x0, atol=1e-6)


def test_attention_flow_decreases_energy_and_repulsion_increases_it():
    """GLPR / paper §1: E_β is non-increasing along the attention flow with V = I (the layer
    is a Lie–Trotter step of it, Δt = 0.05); V = −I pushes tokens apart."""
    x = ts.sample_sphere(16, 2, 0)
    up = ts.forward(x, 200, 10.0, 1, "relu", 0, 0, 1.0, 1.0, mlp=False, trajectory=True)
    assert np.all(np.diff(up.energy) <= 1e-6)
    assert up.energy[-1] < 0.2 * up.energy[0]
    down = ts.forward(x, 200, 10.0, 1, "relu", 0, 0, 1.0, -1.0, mlp=False, trajectory=True)
    assert down.energy[-1] > down.energy[0]
    assert up.trajectory.shape == (201, 16, 2)


def test_common_noise_synchronizes_independent_noise_does_not(x0):
    """§1: the MLP redrawn per layer and shared by the tokens is a common noise; sigmoid in d = 5
    (λ₁ = −0.51) collapses the energy. The control (an independent MLP per token) leaves the
    cloud spread: its energy ratio stays near 1."""
    common = ts.forward(x0, L, T, M, "sigmoid", 0, 0, 1.0, 0.0, seed=SEEDS)
    indep = ts.forward(x0, L, T, 16, "sigmoid", 0, 0, 1.0, 0.0, seed=SEEDS[:4], common_noise=False)
    r_common = common.energy[:, -1] / common.energy[:, 0]
    r_indep = indep.energy[:, -1] / indep.energy[:, 0]
    assert r_common.mean() < 0.15
    assert r_indep.mean() > 0.6


def test_energy_bound_theorem_1_4(x0):
    """Thm 1.4 (ε = 0 for V ∈ {0, I}): E[E_β(T)]/E_β(0) ≤ exp(λ̄' T) when λ̄ < 0. Sigmoid,
    d = 5, σ = 0: λ̄ = −0.48, λ̄' = −0.31. Monte Carlo over 16 networks; slack 3 s.e."""
    bound = np.exp(T * ts.lambda_bar_prime("sigmoid", D, 0, 0, 1.0))
    for v in (0.0, 1.0):
        r = ts.forward(x0, L, T, M, "sigmoid", 0, 0, 1.0, v, seed=SEEDS)
        ratio = r.energy[:, -1] / r.energy[:, 0]
        assert ratio.mean() <= bound + 3 * ratio.std(ddof=1) / np.sqrt(len(SEEDS))


def test_odd_field_gives_antipodal_pairs_relu_one_cluster():
    """Fig. 1 (d = 4, σ = 0, no attention; T = 20, L = 500 here, paper L = 2000): tanh's field is
    a.s. odd, so tokens end in antipodal pairs (mean |cos| ≈ 1 while mean cos ≈ 0, energy stays
    high); ReLU's is not, and the tokens gather into one cluster (mean cos > 0.6 at T = 20)."""
    x = ts.sample_sphere(16, 4, 1)
    tanh = ts.forward(x, 500, 20.0, M, "tanh", 0, 0, 1.0, 0.0, seed=list(range(4)))
    relu = ts.forward(x, 500, 20.0, M, "relu", 0, 0, 1.0, 0.0, seed=list(range(4)))
    assert np.all(tanh.mean_abs_cos[:, -1] > 0.85)
    assert np.all(np.abs(tanh.mean_cos[:, -1]) < 0.3)
    assert relu.mean_cos[:, -1].mean() > 0.6
    assert np.all(relu.energy[:, -1] < tanh.energy[:, -1])


# --- the limit SDE -----------------------------------------------------------------------------
def test_ito_correction_keeps_tokens_on_sphere(x0):
    """Thm 1.1's Itô term −κ(1)(d−1)/2 X keeps |X|² = 1; without it E|X|² = 1 + κ(1)(d−1)t.
    With V = 0 the Euler scheme gives these exactly in expectation: E|P ξ|² = κ(1)(d−1)Δt, so
    r_{k+1} = (1 − aΔt)² r_k + 2aΔt with a = κ(1)(d−1)/2 (with the term; an O(Δt) offset from 1),
    and r_{k+1} = r_k + 2aΔt without it. ReLU, σ = 0.1, d = 5; 16 paths, 3 s.e."""
    a = ts.kernel_constants("relu", D, 0.1, 0.1).kappa1 * (D - 1) / 2
    dt = T / L
    r = 1.0
    for _ in range(L):
        r = (1 - a * dt) ** 2 * r + 2 * a * dt
    for ito, expected in ((True, r), (False, 1 + 2 * a * T)):
        x = ts.sde_euler(x0, T, dt, "relu", 0.1, 0.1, 1.0, 0.0, seed=SEEDS, ito_correction=ito)
        r2 = np.sum(x.astype(float) ** 2, axis=-1).mean(axis=1)   # per path (tokens share noise)
        assert abs(r2.mean() - expected) < 3 * r2.std(ddof=1) / np.sqrt(len(SEEDS)), (ito, r2.mean())
    assert abs(r - 1) < 0.01


def test_depth_limit_matches_the_sde_in_law(x0):
    """Thm 1.1: the deep network converges to the SDE; with common noise the law of the final
    mean cosine agrees (16 networks vs 16 SDE paths, ReLU σ = 0.1 with attention, 4 s.e.).
    Width independence in law: m = 8 gives the same mean (the covariance is κ for every m)."""
    deep = ts.forward(x0, L, T, M, "relu", 0.1, 0.1, 1.0, 1.0, seed=SEEDS).mean_cos[:, -1]
    narrow = ts.forward(x0, L, T, 8, "relu", 0.1, 0.1, 1.0, 1.0, seed=SEEDS).mean_cos[:, -1]
    sde = ts.sde_euler(x0, T, T / L, "relu", 0.1, 0.1, 1.0, 1.0, seed=[100 + s for s in SEEDS])
    sde_cos = np.array([(ts.pairwise_cos(x).sum() - N) / (N * (N - 1)) for x in sde])

    def se2(a):
        return a.var(ddof=1) / a.size

    assert abs(deep.mean() - sde_cos.mean()) < 4 * np.sqrt(se2(deep) + se2(sde_cos))
    assert abs(deep.mean() - narrow.mean()) < 4 * np.sqrt(se2(deep) + se2(narrow))
    assert deep.mean() > 0.3  # the tokens did move together (mean cos at layer 0 is about 0)


# --- Lyapunov ----------------------------------------------------------------------------------
def test_benettin_matches_the_formula():
    """Raimond's formula λ₁ = ((d−3)/2)κ'(1) − ((d−1)/2)κ(1) (paper §1, Table 1) against the
    Benettin estimate of the deep network (16 networks × 16 pairs, T = 25, Δt = 0.025), ReLU and
    tanh with bias σ = 0.1, d = 5. Tolerance: 3 s.e. plus 0.01 for the O(Δt) bias of the discrete
    network (measured: +0.012 ± 0.009 at Δt = 0.05, +0.005 ± 0.011 at Δt = 0.0125, 32 networks)."""
    for act in ("relu", "tanh"):
        lam = ts.kernel_constants(act, D, 0.1, 0.1).lyapunov
        est, se = ts.lyapunov_benettin(D, act, 0.1, 0.1, M, 25.0, 1000, 16, 16)
        assert abs(est - lam) < 3 * se + 0.01, (act, est, se, lam)
        assert se < 0.03


def test_benettin_tangent_map_is_the_jacobian():
    """The hand-written tangent map of lyapunov_benettin equals jax.jvp of the layer (one layer)."""
    import jax
    import jax.numpy as jnp

    from theorybook.transformer_synchronization import _dynamics as dyn

    key = jax.random.key(0)
    x = jnp.asarray(ts.sample_sphere(3, D, 0), jnp.float32)
    xi = jnp.asarray(np.random.default_rng(0).standard_normal((3, D)), jnp.float32)
    layer = lambda z: dyn._normalise(z + 0.1 * dyn._mlp(key, z, dyn._act_index("tanh"), 0.1, 0.1, 8))  # noqa: E731
    _, jvp = jax.jvp(layer, (x,), (xi,))
    z = jax.random.normal(key, (2 * 8 * D + 8 + D,))
    u, w = z[: 8 * D].reshape(8, D), z[8 * D: 16 * D].reshape(D, 8)
    b_u, b_w = 0.1 * z[16 * D: 16 * D + 8], 0.1 * z[16 * D + 8:]
    pre = x @ u.T / np.sqrt(D) + b_u
    v = x + 0.1 * (jnp.tanh(pre) @ w.T / np.sqrt(8) + b_w)
    dv = xi + 0.1 * (((1 - jnp.tanh(pre) ** 2) * (xi @ u.T / np.sqrt(D))) @ w.T / np.sqrt(8))
    r = jnp.linalg.norm(v, axis=-1, keepdims=True)
    manual = (dv - v / r * jnp.sum(v / r * dv, axis=-1, keepdims=True)) / r
    np.testing.assert_allclose(manual, jvp, atol=1e-5)


# --- grid --------------------------------------------------------------------------------------
def test_experiment_grid_shapes_and_no_mlp_runs():
    g = ts.experiment_grid(dims=(5,), activations=("sigmoid",), sigmas=(0.0,), n_tokens=N,
                           depth=L, horizon=T, width=M, seeds=len(SEEDS))
    assert g.energy.shape == (1, 2, 1, 3, len(SEEDS), L + 1)
    assert g.activations == ("sigmoid", "none")
    assert np.all(np.isfinite(g.energy))
    # no MLP, V = 0: nothing moves
    np.testing.assert_allclose(g.energy[0, 1, 0, 1, 0], g.energy[0, 1, 0, 1, 0, 0], rtol=1e-5)
    # same network seeds, configuration and batch size as forward(): the same numbers
    x = ts.sample_sphere(N, 5, 0)
    r = ts.forward(x, L, T, M, "sigmoid", 0, 0, 1.0, 1.0, seed=SEEDS)
    np.testing.assert_allclose(g.energy[0, 0, 0, 0], r.energy, rtol=1e-4, atol=1e-6)


# --- sliders: every value an explore figure offers gives finite numbers ------------------------
@settings(max_examples=8, deadline=None)
@given(beta=st.floats(0.0, 9.0), v=st.sampled_from([-1.0, 0.0, 1.0]))
def test_attention_slider_range_is_finite(beta, v):
    x = ts.sample_sphere(16, 2, 0)
    r = ts.forward(x, 200, 10.0, 1, "relu", 0, 0, beta, v, mlp=False, trajectory=True)
    assert np.all(np.isfinite(r.energy)) and np.all(np.isfinite(r.trajectory))


@settings(max_examples=8, deadline=None)
@given(act=st.sampled_from(ts.ACTIVATIONS), sigma=st.floats(0.0, 0.2),
       d=st.sampled_from([5, 64, 128]))
def test_kernel_slider_range_is_finite(act, sigma, d):
    k = ts.kernel_constants(act, d, sigma, sigma)
    assert np.all(np.isfinite(k))
    assert np.isfinite(ts.lambda_bar_prime(act, d, sigma, sigma, 1.0))


@settings(max_examples=6, deadline=None)
@given(act=st.sampled_from(ts.ACTIVATIONS), sigma=st.floats(0.0, 0.2), v=st.sampled_from([-1.0, 0.0, 1.0]))
def test_noise_slider_range_is_finite(act, sigma, v, x0):
    r = ts.forward(x0, L, T, M, act, sigma, sigma, 1.0, v, seed=0)
    assert np.all(np.isfinite(r.energy)) and np.all(np.isfinite(r.tokens))


@settings(max_examples=4, deadline=None)
@given(act=st.sampled_from(ts.ACTIVATIONS), sigma=st.sampled_from([0.0, 0.1]))
def test_limit_frame_range_is_finite(act, sigma, x0):
    """plots.limit_frame's grid (activation × σ) and the static tanh figure: SDE paths stay finite
    and near the sphere (Itô term kept)."""
    x = ts.sde_euler(x0, T, T / L, act, sigma, sigma, 1.0, 0.0, seed=SEEDS)
    assert np.all(np.isfinite(x))
    assert abs(np.mean(np.sum(x.astype(float) ** 2, axis=-1)) - 1) < 0.05


# --- bad arguments -----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,name", [
    ({"activation": "gelu"}, "activation"), ({"d": 1}, "d"), ({"sigma_u": -0.1}, "sigma_u"),
    ({"sigma_w": float("nan")}, "sigma_w"), ({"method": "exact"}, "method"),
])
def test_kernel_constants_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ts.kernel_constants(**kwargs)


def test_other_bad_arguments(x0):
    with pytest.raises(ValueError, match="t must"):
        ts.kappa(1.5)
    with pytest.raises(ValueError, match="beta"):
        ts.lambda_bar_prime(beta=0.0)
    with pytest.raises(ValueError, match="n_u"):
        ts.lambda_bar_prime(n_u=2)
    with pytest.raises(ValueError, match="n"):
        ts.sample_sphere(0, 3)
    with pytest.raises(ValueError, match="d"):
        ts.sample_sphere(3, 1)
    with pytest.raises(ValueError, match="X"):
        ts.pairwise_cos(np.ones(3))
    with pytest.raises(ValueError, match="beta"):
        ts.energy(x0, float("inf"))
    with pytest.raises(ValueError, match="X0"):
        ts.forward(2 * x0)
    for kwargs, name in [({"depth": 0}, "depth"), ({"horizon": -1.0}, "horizon"),
                         ({"width": 0}, "width"), ({"activation": "elu"}, "activation"),
                         ({"beta": -1.0}, "beta"), ({"v_scale": float("nan")}, "v_scale"),
                         ({"seed": -1}, "seed"), ({"seed": []}, "seed")]:
        with pytest.raises(ValueError, match=name):
            ts.forward(x0, **kwargs)
    with pytest.raises(ValueError, match="dt"):
        ts.sde_euler(x0, horizon=1.0, dt=2.0)
    with pytest.raises(ValueError, match="seeds"):
        ts.lyapunov_benettin(seeds=1)
    with pytest.raises(ValueError, match="pairs"):
        ts.lyapunov_benettin(pairs=0)

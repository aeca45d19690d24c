"""Tests of theorybook.transformer_synchronization (Agazzi et al., arXiv:2604.26898).

Sizes are small so the file runs in about a minute on one core; JAX compiles once per shape, so
the tests share a few configurations (N = 16 tokens in d = 5, L = 150, m = 64)."""

import numpy as np
import pytest
from hypothesis import given, settings
from conftest import assert_figure_finite
from hypothesis import strategies as st
from scipy import integrate, stats

from theorybook import transformer_synchronization as ts
from theorybook.common import mean_se
from theorybook.transformer_synchronization import plots

N, D, L, T, M = 16, 5, 150, 5.0, 64
SEEDS = list(range(16))
NET = dict(depth=L, horizon=T, width=M)   # the shared network configuration (one compile)


def consts(act, d, sigma):
    return ts.kernel_constants(act, d=d, sigma_u=sigma, sigma_w=sigma)


def lbp(act, d, sigma, beta=1.0):
    return ts.lambda_bar_prime(act, d=d, sigma_u=sigma, sigma_w=sigma, beta=beta)


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
    brute = sum(np.exp(1.5) - np.exp(1.5 * x[i] @ x[j])
                for i in range(7) for j in range(7)) / (2 * 49)
    assert ts.energy(x, 1.5) == pytest.approx(brute, rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), d=st.integers(2, 6), beta=st.floats(0.0, 10.0),
       seed=st.integers(0, 2**16))
def test_energy_is_nonnegative_and_matches_the_jitted_kernel(n, d, beta, seed):
    """E_β ≥ 0 for β ≥ 0 (each term e^β − e^{β⟨x,y⟩} ≥ 0 on the sphere), with equality for one
    point repeated; the float64 public energy and the float32 kernel inside forward() agree."""
    import jax.numpy as jnp

    from theorybook.transformer_synchronization import _dynamics as dyn

    x = ts.sample_sphere(n, d, seed)
    e = ts.energy(x, beta)
    assert e >= 0.0
    assert ts.energy(np.tile(x[:1], (n, 1)), beta) == pytest.approx(0.0, abs=1e-12 * np.exp(beta))
    e32 = float(dyn._energy(jnp.asarray(x, jnp.float32), beta))
    assert e32 == pytest.approx(e, rel=1e-4, abs=1e-6 * np.exp(beta))
    c = ts.pairwise_cos(x)
    np.testing.assert_allclose(c, c.T)
    assert np.all(np.abs(c) <= 1.0)
    np.testing.assert_allclose(np.diag(c), 1.0)


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
        assert ts.kappa(t, act, d=5, sigma_u=0.1, sigma_w=0.2) == pytest.approx(
            _kappa_dblquad(t, act, 5, 0.1, 0.2), abs=1e-8)


@pytest.mark.parametrize("act", ["relu", "tanh", "silu", "sigmoid"])
def test_kappa_at_one_and_its_slope_give_the_constants(act):
    c = consts(act, 6, 0.1)
    kw = dict(d=6, sigma_u=0.1, sigma_w=0.1)
    assert ts.kappa(1.0, act, **kw) == pytest.approx(c.kappa1, rel=1e-7)
    # one-sided difference: κ'(1) is the slope at the end of [−1, 1]; ReLU's κ has a
    # (1 − t)^{3/2} term (arc-cosine kernel), so its difference needs a smaller step
    h = 1e-8 if act == "relu" else 1e-4
    slope = (ts.kappa(1.0, act, **kw) - ts.kappa(1 - h, act, **kw)) / h
    assert slope == pytest.approx(c.kappa1_prime, rel=2e-3)


def test_odd_activation_gives_odd_kernel():
    """tanh without bias: G is a.s. odd, so κ(−t) = −κ(t) (the origin of the antipodal attractor)."""
    t = np.linspace(-1, 1, 11)
    np.testing.assert_allclose(ts.kappa(-t, "tanh", d=4), -ts.kappa(t, "tanh", d=4), atol=1e-12)
    assert np.all(ts.kappa(t, "relu", d=4) > 0)


@pytest.mark.parametrize("d,su,sw", [(5, 0.0, 0.0), (64, 0.1, 0.1), (128, 0.3, 0.05)])
def test_relu_closed_form_prop_1_5(d, su, sw):
    """Prop. 1.5 (sign corrected, erratum 1): λ₁ = −1/(2d) − (σ_U² + 2σ_W²)(d−1)/4 equals the
    quadrature of ((d−3)/2)κ'(1) − ((d−1)/2)κ(1)."""
    closed = ts.kernel_constants("relu", d=d, sigma_u=su, sigma_w=sw)
    quad = ts.kernel_constants("relu", d=d, sigma_u=su, sigma_w=sw, method="quadrature")
    np.testing.assert_allclose(closed, quad, rtol=1e-8, atol=1e-12)
    assert closed.lyapunov == pytest.approx(-1 / (2 * d) - (su**2 + 2 * sw**2) * (d - 1) / 4)
    assert closed.lyapunov < 0


@pytest.mark.parametrize("act", ["silu", "sigmoid", "tanh"])
def test_constants_identities(act):
    k = ts.kernel_constants(act, d=9, sigma_u=0.2, sigma_w=0.1)
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
        assert (rows[act, 5, 0.1]["lyapunov"] > rows[act, 64, 0.1]["lyapunov"]
                > rows[act, 128, 0.1]["lyapunov"])
    for d in (5, 64, 128):
        assert rows["sigmoid", d, 0.0]["lambda_bar"] < 0
        assert rows["sigmoid", d, 0.0]["lyapunov"] == min(r["lyapunov"] for k, r in rows.items()
                                                          if k[1] == d and k[2] == 0.0)
    assert abs(rows["relu", 128, 0.0]["lyapunov"]) < 5e-3
    assert abs(rows["silu", 128, 0.0]["lyapunov"]) < 5e-3


@pytest.mark.parametrize("act,d,s", [("relu", 64, 0.1), ("sigmoid", 5, 0.0), ("tanh", 5, 0.1)])
def test_lambda_bar_prime(act, d, s):
    """Thm 1.4: F(1⁻) = −λ̄, and λ̄' is −min F (hence λ̄' ≥ λ̄)."""
    k = consts(act, d, s)
    kw = dict(d=d, sigma_u=s, sigma_w=s, beta=1.0)
    f_near = ts.energy_rate_function(1 - 1e-4, act, **kw)
    assert f_near == pytest.approx(-k.lambda_bar, rel=2e-3, abs=1e-4)
    rate = lbp(act, d, s)
    u = np.linspace(-1, 1, 301)
    assert rate == pytest.approx(-ts.energy_rate_function(u, act, **kw).min(), abs=1e-3)
    assert rate >= k.lambda_bar - 1e-12


# --- forward -----------------------------------------------------------------------------------
def test_forward_keeps_tokens_on_sphere_and_is_deterministic(x0):
    kw = dict(NET, sigma_u=0.1, sigma_w=0.1)
    a = ts.forward(x0, seed=3, **kw)
    b = ts.forward(x0, seeds=[3] + [s for s in SEEDS if s != 3], **kw)  # 16: one compile
    np.testing.assert_allclose(np.linalg.norm(a.tokens, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(a.energy, b.energy[0], rtol=1e-4, atol=1e-6)  # float32, batched
    assert not np.allclose(b.energy[0], b.energy[1])
    assert a.energy.shape == a.mean_cos.shape == (L + 1,)
    assert a.energy[0] == pytest.approx(ts.energy(x0, 1.0), rel=1e-5)
    c = ts.pairwise_cos(x0)
    assert a.mean_cos[0] == pytest.approx((c.sum() - N) / (N * (N - 1)), abs=1e-5)


def test_forward_without_attention_or_mlp_is_the_identity(x0):
    r = ts.forward(x0, depth=10, horizon=1.0, width=4, v_scale=0.0, mlp=False)
    np.testing.assert_allclose(r.tokens, x0, atol=1e-6)


def test_attention_flow_decreases_energy_and_repulsion_increases_it():
    """GLPR / paper §1: E_β is non-increasing along the attention flow with V = I (the layer
    is a Lie–Trotter step of it, Δt = 0.05); V = −I pushes tokens apart."""
    x = ts.sample_sphere(16, 2, 0)
    kw = dict(depth=200, horizon=10.0, width=1, mlp=False, trajectory=True)
    up = ts.forward(x, v_scale=1.0, **kw)
    assert np.all(np.diff(up.energy) <= 1e-6)
    assert up.energy[-1] < 0.2 * up.energy[0]
    down = ts.forward(x, v_scale=-1.0, **kw)
    assert down.energy[-1] > down.energy[0]
    assert up.trajectory.shape == (201, 16, 2)


def test_common_noise_synchronizes_independent_noise_does_not(x0):
    """§1: the MLP redrawn per layer and shared by the tokens is a common noise; sigmoid in d = 5
    (λ₁ = −0.51) collapses the energy. The control (an independent MLP per token) leaves the
    cloud spread: its energy ratio stays near 1."""
    kw = dict(depth=L, horizon=T, activation="sigmoid", v_scale=0.0)
    common = ts.forward(x0, width=M, seeds=SEEDS, **kw)
    indep = ts.forward(x0, width=16, seeds=SEEDS[:4], common_noise=False, **kw)
    r_common = common.energy[:, -1] / common.energy[:, 0]
    r_indep = indep.energy[:, -1] / indep.energy[:, 0]
    assert r_common.mean() < 0.15
    assert r_indep.mean() > 0.6


def test_energy_bound_theorem_1_4(x0):
    """Thm 1.4 (ε = 0 for V ∈ {0, I}): E[E_β(T)]/E_β(0) ≤ exp(λ̄' T) when λ̄ < 0. Sigmoid,
    d = 5, σ = 0: λ̄ = −0.48, λ̄' = −0.31. Monte Carlo over 16 networks; slack 3 s.e."""
    bound = np.exp(T * lbp("sigmoid", D, 0.0))
    for v in (0.0, 1.0):
        r = ts.forward(x0, activation="sigmoid", v_scale=v, seeds=SEEDS, **NET)
        ratio = r.energy[:, -1] / r.energy[:, 0]
        assert ratio.mean() <= bound + 3 * ratio.std(ddof=1) / np.sqrt(len(SEEDS))


def test_odd_field_gives_antipodal_pairs_relu_one_cluster():
    """Fig. 1 (d = 4, σ = 0, no attention; T = 40, L = 1000 here, paper L = 2000): tanh's field is
    a.s. odd, so tokens end in antipodal pairs (mean |cos| ≈ 1 while mean cos ≈ 0, energy stays
    high); ReLU's is not, and the tokens gather into one cluster (mean cos > 0.6). At T = 20 one of
    the 4 tanh networks is still at mean |cos| 0.82 (the others 0.99–1.00); at T = 40 all exceed
    0.9999, so the horizon is T = 40 and every network is checked."""
    x = ts.sample_sphere(16, 4, 1)
    kw = dict(depth=1000, horizon=40.0, width=M, v_scale=0.0, seeds=range(4))
    tanh = ts.forward(x, activation="tanh", **kw)
    relu = ts.forward(x, activation="relu", **kw)
    assert np.all(tanh.mean_abs_cos[:, -1] > 0.95)
    assert np.all(np.abs(tanh.mean_cos[:, -1]) < 0.3)
    assert relu.mean_cos[:, -1].mean() > 0.6
    assert np.all(relu.energy[:, -1] < tanh.energy[:, -1])


# --- the limit SDE -----------------------------------------------------------------------------
def test_ito_correction_keeps_tokens_on_sphere(x0):
    """Thm 1.1's Itô term −κ(1)(d−1)/2 X keeps |X|² = 1; without it E|X|² = 1 + κ(1)(d−1)t.
    With V = 0 the Euler scheme gives these exactly in expectation: E|P ξ|² = κ(1)(d−1)Δt, so
    r_{k+1} = (1 − aΔt)² r_k + 2aΔt with a = κ(1)(d−1)/2 (with the term; an O(Δt) offset from 1),
    and r_{k+1} = r_k + 2aΔt without it. ReLU, σ = 0.1, d = 5; 16 paths, 3 s.e."""
    a = consts("relu", D, 0.1).kappa1 * (D - 1) / 2
    dt = T / L
    r = 1.0
    for _ in range(L):
        r = (1 - a * dt) ** 2 * r + 2 * a * dt
    for ito, expected in ((True, r), (False, 1 + 2 * a * T)):
        x = ts.sde_euler(x0, horizon=T, dt=dt, sigma_u=0.1, sigma_w=0.1, v_scale=0.0,
                         seeds=SEEDS, ito_correction=ito)
        r2 = np.sum(x.astype(float) ** 2, axis=-1).mean(axis=1)   # per path (tokens share noise)
        mean, se = mean_se(r2)
        assert abs(mean - expected) < 3 * se, (ito, mean)
    assert abs(r - 1) < 0.01


def test_depth_limit_matches_the_sde_in_law(x0):
    """Thm 1.1 in law: the final mean cosine of the deep network (L = 150, m = 64) and of a
    narrow one (m = 2: the covariance is κ for every m) has the law of the SDE's (Euler, Δt =
    T/L). V = 0, ReLU σ = 0.1, d = 5, N = 16: no saturation (mean cosine 0 → about 0.5, spread
    0.2 over networks). Two-sample Kolmogorov–Smirnov over 256 networks against 256 SDE paths;
    pass if p > 0.001 (KS statistic < 0.172).

    Measured (2026-12-01): deep D = 0.047 (p = 0.94), narrow D = 0.043 (p = 0.97). Mutations,
    checked by hand: the network with ``mlp=False`` gives D = 0.977 (p = 1e-139); the SDE with
    ``ito_correction=False`` (|X|² grows, the angular noise slows down) gives D = 0.312 against
    the deep network (p = 2e-11) and 0.336 against the narrow one (p = 3e-13): both fail."""
    kw = dict(sigma_u=0.1, sigma_w=0.1, v_scale=0.0)
    seeds = range(256)
    deep = ts.forward(x0, **NET, seeds=seeds, **kw).mean_cos[:, -1]
    narrow = ts.forward(x0, depth=L, horizon=T, width=2, seeds=seeds, **kw).mean_cos[:, -1]
    sde = ts.mean_pairwise_cos(ts.sde_euler(x0, horizon=T, dt=T / L, seeds=range(100, 356),
                                            **kw))
    for net in (deep, narrow):
        assert stats.ks_2samp(net, sde).pvalue > 1e-3
    assert np.mean(sde) > 0.3  # the tokens did move together (mean cos at layer 0 is about 0)


# --- Lyapunov ----------------------------------------------------------------------------------
def test_benettin_matches_the_formula():
    """Raimond's formula λ₁ = ((d−3)/2)κ'(1) − ((d−1)/2)κ(1) (paper §1, Table 1) against the
    Benettin estimate of the deep network (16 networks × 16 pairs, T = 25, Δt = 0.025), ReLU and
    tanh with bias σ = 0.1, d = 5. Tolerance: 3 s.e. plus 0.01 for the O(Δt) bias of the discrete
    network. Notebook 3 (ReLU, σ = 0.1, 16 networks) measures estimate − formula = −0.006 ± 0.012
    at Δt = 0.05 and −0.023 ± 0.014 at Δt = 0.0125: the bias is not resolved at this precision."""
    for act in ("relu", "tanh"):
        lam = consts(act, D, 0.1).lyapunov
        est, se = ts.lyapunov_benettin(D, activation=act, sigma_u=0.1, sigma_w=0.1, width=M,
                                       horizon=25.0, depth=1000, pairs=16, seeds=range(16))
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
    def layer(z):
        return dyn._normalise(z + 0.1 * dyn._mlp(key, z, dyn._act_index("tanh"), 0.1, 0.1, 8))

    _, jvp = jax.jvp(layer, (x,), (xi,))
    u, w, b_u, b_w = dyn._mlp_weights(key, D, 8, 0.1, 0.1)
    pre = x @ u.T / np.sqrt(D) + b_u
    v = x + 0.1 * (jnp.tanh(pre) @ w.T / np.sqrt(8) + b_w)
    dv = xi + 0.1 * (((1 - jnp.tanh(pre) ** 2) * (xi @ u.T / np.sqrt(D))) @ w.T / np.sqrt(8))
    r = jnp.linalg.norm(v, axis=-1, keepdims=True)
    manual = (dv - v / r * jnp.sum(v / r * dv, axis=-1, keepdims=True)) / r
    np.testing.assert_allclose(manual, jvp, atol=1e-5)


# --- padding, the noise exponent, the random limit ---------------------------------------------
def test_padded_forward_equals_the_unpadded_run(x0):
    """One compiled function for every L ≤ max_depth, N ≤ max_tokens, m ≤ max_width: masked
    steps, masked keys and zero-padded neurons give the unpadded numbers (float32 rounding),
    with the common noise and with the per-token control."""
    kw = dict(horizon=T, activation="tanh", sigma_u=0.1, sigma_w=0.1, v_scale=1.0,
              seeds=range(3), trajectory=True, depth=12, width=5)
    pad = dict(max_depth=20, max_tokens=N, max_width=16)
    for common in (True, False):
        a = ts.forward(x0[:9], common_noise=common, **kw)
        b = ts.forward(x0[:9], common_noise=common, **pad, **kw)
        assert b.energy.shape == (3, 13) and b.trajectory.shape == (3, 13, 9, D)
        for f, g in zip(a, b):
            np.testing.assert_allclose(f, g, rtol=1e-5, atol=1e-6)


def test_noise_exponent_half_is_the_paper_and_large_exponents_silence_the_mlp(x0):
    """α = ½ is the default; (T/L)^α → 0 for α ≫ ½ at Δt < 1: the MLP no longer moves tokens."""
    kw = dict(NET, sigma_u=0.1, sigma_w=0.1, v_scale=0.0, seed=1)
    np.testing.assert_array_equal(ts.forward(x0, **kw).tokens,
                                  ts.forward(x0, noise_exponent=0.5, **kw).tokens)
    still = ts.forward(x0, noise_exponent=4.0, **kw)
    np.testing.assert_allclose(still.tokens, x0, atol=1e-4)


def test_only_the_exponent_one_half_has_a_depth_limit(x0):
    """Why 1/√L: with the MLP scaled by (T/L)^α the accumulated noise variance is
    L·(T/L)^{2α}. Between L = 10 and L = 320 (16 networks, V = 0, ReLU σ = 0.1) the mean energy
    ratio E(T)/E(0) drops by more than 3 s.e. for α = 0.3 (the variance grows 4 times), rises
    by more than 3 s.e. for α = 0.75 (it shrinks 5.7 times), and changes by less than 3 s.e. for
    α = ½ (the SDE limit). Measured: 0.45 → 0.11, 0.65 → 0.90, 0.53 → 0.50 (s.e. 0.03–0.06)."""
    kw = dict(horizon=T, width=M, sigma_u=0.1, sigma_w=0.1, v_scale=0.0, seeds=SEEDS,
              max_depth=320)
    for alpha in (0.3, 0.5, 0.75):
        (m10, se10), (m320, se320) = (
            mean_se((lambda r: r.energy[:, -1] / r.energy[:, 0])(
                ts.forward(x0, depth=depth, noise_exponent=alpha, **kw))) for depth in (10, 320))
        gap, tol = m320 - m10, 3 * np.hypot(se10, se320)
        if alpha < 0.5:
            assert gap < -tol, (alpha, m10, m320)
        elif alpha > 0.5:
            assert gap > tol, (alpha, m10, m320)
        else:
            assert abs(gap) < tol, (alpha, m10, m320)


def test_random_limit_spread_within_a_network_shrinks_across_networks_it_stays():
    """Prop. 1.2 / Cor. 1.3 with common noise: μ^N_T → a random μ_T. The spread of the final mean
    cosine over token draws within a network falls from N = 4 to N = 64 by more than half (it is
    O(N^{-1/2})); the spread over networks at N = 64 stays above twice the within-network one."""
    res = ts.random_limit_spread((4, 64), networks=range(6), draws=range(6), depth=60, width=16)
    assert res.mean_cos.shape == (2, 6, 6)
    assert res.within[1] < 0.5 * res.within[0]
    assert res.between[1] > 2 * res.within[1]


# --- grid --------------------------------------------------------------------------------------
def test_experiment_grid_shapes_and_no_mlp_runs():
    g = ts.experiment_grid(dims=(5,), activations=("sigmoid",), sigmas=(0.0,), n_tokens=N,
                           seeds=SEEDS, **NET)
    assert g.energy.shape == (1, 2, 1, 3, len(SEEDS), L + 1)
    assert g.activations == ("sigmoid", "none")
    assert np.all(np.isfinite(g.energy))
    # no MLP, V = 0: nothing moves
    np.testing.assert_allclose(g.energy[0, 1, 0, 1, 0], g.energy[0, 1, 0, 1, 0, 0], rtol=1e-5)
    # same network seeds, configuration and batch size as forward(): the same numbers
    x = ts.sample_sphere(N, 5, 0)
    r = ts.forward(x, activation="sigmoid", seeds=SEEDS, **NET)
    np.testing.assert_allclose(g.energy[0, 0, 0, 0], r.energy, rtol=1e-4, atol=1e-6)


# --- sliders: every value an explore figure offers gives finite numbers ------------------------
@settings(max_examples=4, deadline=None)
@given(beta=st.sampled_from(plots.ATTENTION_GRID["beta"]),
       v=st.sampled_from(plots.ATTENTION_GRID["v_scale"]))
def test_attention_frame_grid(beta, v):
    """Every frame of plots.attention_frame: finite, tokens stay on the circle, and the energy
    falls with attractive attention (V = I) and rises with repulsive attention (V = −I)."""
    x = ts.sample_sphere(16, 2, 0)
    r = ts.forward(x, depth=200, horizon=10.0, width=1, beta=beta, v_scale=v, mlp=False,
                   trajectory=True)
    assert np.all(np.isfinite(r.energy)) and np.all(np.isfinite(r.trajectory))
    np.testing.assert_allclose(np.linalg.norm(r.trajectory, axis=-1), 1.0, atol=1e-5)
    if v > 0:
        assert r.energy[-1] < r.energy[0]
    elif v < 0:
        assert r.energy[-1] > r.energy[0]


@settings(max_examples=8, deadline=None)
@given(act=st.sampled_from(ts.ACTIVATIONS), sigma=st.floats(0.0, 0.2),
       d=st.sampled_from([5, 64, 128]))
def test_kernel_constants_identities_over_the_grid(act, sigma, d):
    """Over the Table-1 ranges: λ₁ = λ̄/2 − κ(1) − κ'(1), κ(1) ≥ σ_W² and λ̄' ≥ λ̄ (Thm 1.4)."""
    k = consts(act, d, sigma)
    assert np.all(np.isfinite(k))
    assert k.lyapunov == pytest.approx(k.lambda_bar / 2 - k.kappa1 - k.kappa1_prime,
                                       rel=1e-9, abs=1e-12)
    assert k.kappa1 >= sigma**2
    assert lbp(act, d, sigma) >= k.lambda_bar - 1e-9


@settings(max_examples=6, deadline=None)
@given(act=st.sampled_from(plots.NOISE_GRID["activation"]),
       sigma=st.sampled_from(plots.NOISE_GRID["sigma"]), v=st.sampled_from([-1.0, 0.0, 1.0]))
def test_noise_frame_grid(act, sigma, v, x0):
    """plots.noise_frame's grid (and V): finite energies, tokens on the sphere, E_β ≥ 0."""
    r = ts.forward(x0, activation=act, sigma_u=sigma, sigma_w=sigma, v_scale=v, seed=0, **NET)
    assert np.all(np.isfinite(r.energy)) and np.all(np.isfinite(r.tokens))
    assert np.all(r.energy >= 0)
    np.testing.assert_allclose(np.linalg.norm(r.tokens, axis=1), 1.0, atol=1e-5)


@settings(max_examples=4, deadline=None)
@given(act=st.sampled_from(ts.ACTIVATIONS), sigma=st.sampled_from([0.0, 0.1]))
def test_limit_frame_range_is_finite(act, sigma, x0):
    """plots.limit_frame's activations × σ: SDE paths stay finite and near the sphere (Itô term
    kept; |X|² − 1 is the O(Δt) error of the scheme, 0.05 is ten times the one measured)."""
    x = ts.sde_euler(x0, horizon=T, dt=T / L, activation=act, sigma_u=sigma, sigma_w=sigma,
                     v_scale=0.0, seeds=SEEDS)
    assert np.all(np.isfinite(x))
    assert abs(np.mean(np.sum(x.astype(float) ** 2, axis=-1)) - 1) < 0.05


@settings(max_examples=5, deadline=None)
@given(depth=st.sampled_from(plots.LIMIT_GRID["depth"]),
       width=st.sampled_from(plots.LIMIT_GRID["width"]))
def test_limit_law_frame_grid(depth, width):
    """plots.limit_law_frame over LIMIT_GRID: finite curves (one compiled padded function)."""
    assert_figure_finite(plots.limit_law_frame(depth=depth, width=width, networks=8))


@settings(max_examples=3, deadline=None)
@given(alpha=st.sampled_from(plots.ALPHA_GRID["alpha"]))
def test_alpha_frame_grid(alpha):
    assert_figure_finite(plots.alpha_frame(alpha=alpha, networks=4))


@settings(max_examples=3, deadline=None)
@given(act=st.sampled_from(plots.CIRCLE_GRID["activation"]), common=st.booleans())
def test_circle_noise_frame_grid(act, common):
    """The grid's activations, with the common noise (the notebook) and the per-token control."""
    assert_figure_finite(plots.circle_noise_frame(activation=act, common_noise=common))


def test_random_limit_frame_every_n():
    res = ts.random_limit_spread((3, 5), networks=range(2), draws=range(2), depth=5, width=2)
    for n in res.n_tokens:
        assert_figure_finite(plots.random_limit_frame(res, n_tokens=n))


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
    with pytest.raises(ValueError, match="X"):
        ts.pairwise_cos(np.ones(3))
    with pytest.raises(ValueError, match="X"):
        ts.pairwise_cos(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="beta"):
        ts.energy(x0, float("inf"))
    with pytest.raises(ValueError, match="X0"):
        ts.forward(2 * x0)
    for kwargs, name in [({"depth": 0}, "depth"), ({"horizon": -1.0}, "horizon"),
                         ({"width": 0}, "width"), ({"activation": "elu"}, "activation"),
                         ({"beta": -1.0}, "beta"), ({"v_scale": float("nan")}, "v_scale"),
                         ({"seed": -1}, "seed"), ({"seeds": []}, "seeds"),
                         ({"seeds": 3}, "seeds"), ({"seed": 1, "seeds": [0, 1]}, "seed"),
                         ({"noise_exponent": 0.0}, "noise_exponent"),
                         ({"depth": 5, "max_depth": 4}, "max_depth"),
                         ({"max_tokens": N - 1}, "max_tokens"),
                         ({"width": 8, "max_width": 7}, "max_width")]:
        with pytest.raises(ValueError, match=name):
            ts.forward(x0, **kwargs)
    with pytest.raises(ValueError, match="dt"):
        ts.sde_euler(x0, horizon=1.0, dt=2.0)
    with pytest.raises(ValueError, match="seeds"):
        ts.lyapunov_benettin(seeds=[1])
    with pytest.raises(ValueError, match="seeds"):
        ts.lyapunov_benettin(seeds=8)
    with pytest.raises(ValueError, match="pairs"):
        ts.lyapunov_benettin(pairs=0)
    with pytest.raises(ValueError, match="seeds"):
        ts.experiment_grid(seeds=2)
    for kwargs, name in [({"n_tokens": (1,)}, "n_tokens"), ({"n_tokens": ()}, "n_tokens"),
                         ({"networks": [0]}, "networks"), ({"draws": 3}, "draws"),
                         ({"d": 1}, "d")]:
        with pytest.raises(ValueError, match=name):
            ts.random_limit_spread(**kwargs)

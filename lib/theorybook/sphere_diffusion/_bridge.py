"""The logarithm bridge on the sphere: exact simulation and the radial-symmetry approximation.

Paper §3.2–3.3; repository ``sde.LogBridge``, ``interpolant_simul`` (exact geodesic random walk),
``preprocess`` / ``moment_matching`` / ``solve_rho`` / ``interpolant`` (simulation-free x_t).
Time runs from the prior point (t = 0) to the token's vertex e_k (t = 1).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy import special

from ..common import check_array, check_choice, check_int, check_number, jax_key
from ._geometry import _exp, _log, prior_point
from ._schedule import GeometricSchedule, beta_t, check_t, gamma_t, schedule_params

# Time caps of the repository: t ≤ 1 − 1e-5 when sampling, γ(t) ~ 1/(1 − t) is stiff at 1.
T_MAX_SAMPLE = 1.0 - 1e-5
PRIORS = ("mask", "uniform")
RHO_FORMULAS = ("exact", "repo")
STEP_THR = 0.35   # the repository's text8 mixture threshold (LM1B: 0.38)


def _as_key(key):
    """A JAX key from an integer seed (``common.jax_key``); a key passes through."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return jax_key(int(key))
    return key


def above_chance(p, choices):
    r"""Visibility above chance: :math:`(P - 1/k)/(1 - 1/k)` for a probability ``p`` of naming the
    right one of ``k = choices`` options.

    0 means "no better than a guess", 1 "always right"; negative values mean worse than a guess
    (e.g. at a mask start, where ties count as not visible). A token of V symbols has k = V; all
    m base-b digits of a token have k = b^m. Returns an array like ``p``.
    Raises ValueError naming ``p`` or ``choices``.
    """
    p = check_array("p", p)
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    k = check_int("choices", choices, low=2)
    return (p - 1.0 / k) / (1.0 - 1.0 / k)


def crossing_time(t, values, level=0.5):
    """The first time at which the curve ``values`` [R] on the times ``t`` [R] reaches ``level``,
    linearly interpolated between the grid points around it (nan if it never does). Unlike
    ``np.interp`` on the inverse, it needs no monotone curve (Monte Carlo curves are noisy)."""
    t, v = np.asarray(t, dtype=float), np.asarray(values, dtype=float)
    if t.shape != v.shape or t.ndim != 1:
        raise ValueError(f"t and values must be 1-D of the same length, got {t.shape} and {v.shape}")
    above = np.flatnonzero(v >= level)
    if above.size == 0:
        return float("nan")
    i = above[0]
    if i == 0:
        return float(t[0])
    return float(t[i - 1] + (level - v[i - 1]) * (t[i] - t[i - 1]) / (v[i] - v[i - 1]))


def start_rule(t, step_thr=STEP_THR):
    r"""Probability that the bridge of the mixture path starts at the barycentre u (repository
    ``LogBridge_Mixture.mixture_prob``, type "step"): :math:`P(x_0 = u \mid t) = 1[t < \text{step\_thr}]`,
    else the start is the mask vertex e_m.

    Each training example draws its start from its own t, so the states seen at t < step_thr
    come from bridges out of u and the states at t ≥ step_thr from bridges out of e_m. The
    threshold 0 gives the pure mask path, 1 the pure uniform path (t < 1 always).
    Returns an array of the shape of ``t`` (0.0 or 1.0). Raises ValueError naming ``t`` or
    ``step_thr``.
    """
    check_t(t)
    step_thr = check_number("step_thr", step_thr, low=0.0, high=1.0)
    return (np.asarray(t, dtype=float) < step_thr).astype(float)


# --------------------------------------------------------------------------------------------
# Exact simulation: the geodesic random walk (GRW) of the bridge SDE
# --------------------------------------------------------------------------------------------
class BridgePaths(NamedTuple):
    """Recorded bridge paths. ``t`` [R] times, ``x`` [R, n, d] positions, ``token`` the target."""

    t: np.ndarray
    x: np.ndarray
    token: int


def _grw_step(x, target, t, dt, z, sp):
    r"""One GRW step of dX = γ(t) log_X(e_k) dt + √β(t) dW on the sphere (repository ``interpolant_simul``)."""
    drift = gamma_t(t, sp) * _log(x, target)
    return _exp(x, drift * dt + jnp.sqrt(beta_t(t, sp) * dt) * z)


@partial(jax.jit, static_argnames=("steps", "every"))
def _simulate(key, x0, target, t_end, steps, every, sp):
    """Paths of the bridge from x0 [..., d] to target [..., d] on [0, t_end]; records every `every` steps."""
    dt = t_end / steps
    x0 = jnp.broadcast_to(x0, target.shape)

    def chunk(x, inp):
        k, i0 = inp

        def body(j, x):
            t = (i0 + j) * dt
            z = jax.random.normal(jax.random.fold_in(k, j), x.shape, x.dtype)
            return _grw_step(x, target, t, dt, z, sp)

        x = jax.lax.fori_loop(0, every, body, x)
        return x, x

    n_rec = steps // every
    keys = jax.random.split(key, n_rec)
    starts = jnp.arange(n_rec) * every
    _, xs = jax.lax.scan(chunk, x0, (keys, starts))
    return jnp.concatenate([x0[None], xs], axis=0)


def simulate_bridge(token, prior, *, steps, n, schedule=GeometricSchedule(), key=0, dim=None,
                    t_end=T_MAX_SAMPLE, record_every=1):
    r"""Exact simulation of the log-bridge by the geodesic random walk (paper Eq. of the bridge).

    .. math:: dX_t = \gamma(t)\,\log_{X_t}(e_k)\,dt + \sqrt{\beta(t)}\,dW_t, \qquad X_0 = x_0,

    stepped as :math:`X \leftarrow \exp_X(\gamma\log_X(e_k)\,\Delta t + \sqrt{\beta\Delta t}\,z)`,
    :math:`z\sim\mathcal N(0, I_d)` (the exponential map projects ``z`` to the tangent space), as in
    the repository's ``interpolant_simul``. This is the reference the radial approximation is
    measured against; "exact" means no moment matching (its error is the Euler step's).

    Args:
        token: the target token ``k`` (an integer in [0, d−1); the last coordinate is the mask).
        prior: ``"mask"`` or ``"uniform"`` (then ``dim`` is required), or a start point [d].
        steps: number of GRW steps on [0, t_end].
        n: number of independent paths.
        schedule: a :class:`GeometricSchedule`.
        key: a JAX key or an integer seed.
        dim: ambient dimension d = V + 1 when ``prior`` is a name.
        t_end: final time, at most 1 − 1e-5 (the sampler's cap; γ is infinite at 1).
        record_every: keep one state every this many steps (``steps`` must be a multiple).

    Returns:
        :class:`BridgePaths` with ``t`` [steps/record_every + 1] and ``x`` [R, n, d].

    Raises:
        ValueError: bad ``token``, ``prior``, ``dim``, ``steps``, ``n``, ``t_end`` or ``record_every``.
    """
    if isinstance(prior, str):
        if dim is None:
            raise ValueError("dim is required when prior is given by name")
        x0 = prior_point(prior, dim)
    else:
        x0 = np.asarray(prior, dtype=float)
        if x0.ndim != 1 or x0.size < 3 or abs(np.linalg.norm(x0) - 1) > 1e-5:
            raise ValueError("prior must be 'mask', 'uniform' or a unit vector of length >= 3")
    d = x0.size
    if isinstance(token, bool) or not isinstance(token, (int, np.integer)) or not 0 <= token < d - 1:
        raise ValueError(f"token must be an integer in [0, {d - 1}), got {token!r}")
    steps = check_int("steps", steps, low=1)
    n = check_int("n", n, low=1)
    every = check_int("record_every", record_every, low=1)
    if steps % every:
        raise ValueError(f"record_every = {every} must divide steps = {steps}")
    t_end = check_number("t_end", t_end, low=0.0, high=T_MAX_SAMPLE, low_open=True)
    sp = schedule_params(schedule)
    target = jnp.broadcast_to(jnp.eye(d, dtype=jnp.float32)[token], (n, d))
    xs = _simulate(_as_key(key), jnp.asarray(x0, jnp.float32), target, t_end, steps, every, sp)
    return BridgePaths(t=np.linspace(0.0, t_end, steps // every + 1), x=np.asarray(xs), token=int(token))


# --------------------------------------------------------------------------------------------
# Radial symmetry: two scalar SDEs give the mean of X_t; a wrapped normal matches it
# --------------------------------------------------------------------------------------------
class RadialTables(NamedTuple):
    r"""Tables of the simulation-free approximation on a time grid (repository ``preprocess``).

    Fields (arrays of length ``steps + 1`` on ``t = linspace(0, 1, steps + 1)``):
        A, B: :math:`E\langle X_t, e_k\rangle` and :math:`E\langle X_t, x_0\rangle` (Monte Carlo).
        m: :math:`\lVert E X_t\rVert`, the length of the mean.
        alpha, cos_x0: the mean direction :math:`\mu_t = \text{cos\_x0}\cdot x_0 + \alpha\cdot w_k`,
            :math:`w_k = (e_k - c_0 x_0)/\sqrt{1-c_0^2}` (the repository's α; for the mask prior
            α = ⟨μ, e_k⟩).
        rho: the wrapped-normal scale ρ_t with :math:`F(\rho_t) = m_t` (see :func:`radial_tables`).
    Static: ``dim`` (d = V + 1), ``prior``, ``rho_formula``, ``c0`` = ⟨x_0, e_k⟩.
    """

    t: np.ndarray
    A: np.ndarray
    B: np.ndarray
    m: np.ndarray
    alpha: np.ndarray
    cos_x0: np.ndarray
    rho: np.ndarray
    dim: int
    prior: str
    rho_formula: str
    c0: float


@partial(jax.jit, static_argnames=("particles", "steps", "correlated"))
def _radial_means(key, a0, b0, c0, particles, steps, n, sp, correlated):
    r"""Euler–Maruyama for (a, b) = (⟨X,e_k⟩, ⟨X,x_0⟩); returns their means on the grid."""
    dt = 1.0 / steps
    a = jnp.full((particles,), a0, jnp.float32)
    b = jnp.full((particles,), b0, jnp.float32)

    def step(state, inp):
        a, b = state
        i, k = inp
        t = i * dt
        beta, gamma = beta_t(t, sp), gamma_t(t, sp)
        a_c = jnp.clip(a, -1 + 1e-6, 1 - 1e-6)
        theta, s = jnp.arccos(a_c), jnp.sqrt(1 - a_c**2)
        # ⟨log_X e_k, e_k⟩ = θ s and ⟨log_X e_k, x_0⟩ = θ (c0 − a b)/s; −(n/2)β·x is the
        # Laplace–Beltrami drift of a coordinate function on S^n.
        da = (gamma * theta * s - 0.5 * n * beta * a) * dt
        db = (gamma * (c0 - a * b) * theta / s - 0.5 * n * beta * b) * dt
        z1, z2 = jax.random.normal(k, (2, particles), jnp.float32)
        sa = jnp.sqrt(jnp.maximum(1 - a**2, 0.0))
        sb = jnp.sqrt(jnp.maximum(1 - b**2, 0.0))
        if correlated:
            # d⟨a, b⟩ = β (c0 − a b) dt: the two projections of one Brownian motion.
            corr = jnp.clip((c0 - a * b) / jnp.maximum(sa * sb, 1e-12), -1.0, 1.0)
            z2 = corr * z1 + jnp.sqrt(1 - corr**2) * z2
        sq = jnp.sqrt(beta * dt)
        a = jnp.clip(a + da + sq * sa * z1, -1.0, 1.0)
        b = jnp.clip(b + db + sq * sb * z2, -1.0, 1.0)
        return (a, b), (a.mean(), b.mean())

    keys = jax.random.split(key, steps)
    _, (A, B) = jax.lax.scan(step, (a, b), (jnp.arange(steps), keys))
    return A, B


def rho_equation(rho, n: int, formula: str = "exact"):
    r"""Left side F(ρ) of the ρ equation (repository ``solve_rho``).

    * ``"exact"``: :math:`E\cos(\rho\,\chi_n) = {}_1F_1(\tfrac n2; \tfrac12; -\tfrac{\rho^2}{2})`,
      the length of the mean of the wrapped normal :math:`\exp_\mu(\rho P_\mu z)` on S^n.
    * ``"repo"``: :math:`e^{-\rho^2/2}\,{}_1F_1(\tfrac n2; \tfrac12; -\tfrac{\rho^2}{2})`, the
      repository's equation, which has an extra factor :math:`e^{-\rho^2/2}` (brief, erratum 1).
    """
    rho = np.asarray(rho, dtype=float)
    f = special.hyp1f1(0.5 * n, 0.5, -0.5 * rho**2)
    return f * np.exp(-0.5 * rho**2) if formula == "repo" else f


def solve_rho(m, n: int, formula: str = "exact"):
    """Smallest ρ ≥ 0 with F(ρ) = m on the decreasing branch of :func:`rho_equation` (vectorised bisection).

    ``m`` is clipped to the branch's range [F_min, 1]; m = 1 gives ρ = 0.
    """
    check_choice("formula", formula, RHO_FORMULAS)
    m = np.asarray(m, dtype=float)
    grid = np.linspace(0.0, 12.0 / np.sqrt(n) + 2.0, 4001)
    f = rho_equation(grid, n, formula)
    # Restrict to the first decreasing branch (up to the first zero or the first minimum).
    stop = np.argmax((np.diff(f) >= 0) | (f[1:] <= 0)) + 1 if np.any((np.diff(f) >= 0) | (f[1:] <= 0)) else grid.size
    grid, f = grid[:stop], f[:stop]
    target = np.clip(m, f[-1], 1.0)
    idx = np.clip(np.searchsorted(-f, -target), 1, grid.size - 1)
    lo, hi = grid[idx - 1], grid[idx]
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        above = rho_equation(mid, n, formula) > target
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return 0.5 * (lo + hi)


def radial_tables(dim, prior="mask", *, schedule=GeometricSchedule(), particles=16384,
                  steps=10000, rho="exact", rho_scale=1.0, seed=0,
                  correlated=True) -> RadialTables:
    r"""α_t and ρ_t of the simulation-free approximation (paper §3.3, "radial symmetry").

    The bridge law is invariant under rotations fixing e_k and x_0, so
    :math:`E X_t \in \operatorname{span}(e_k, x_0)`. The projections
    :math:`a = \langle X, e_k\rangle`, :math:`b = \langle X, x_0\rangle` solve

    .. math::
        da &= [\gamma\,\theta s - \tfrac n2\beta a]\,dt + \sqrt{\beta(1-a^2)}\,dB_1,\\
        db &= [\gamma\,(c_0 - ab)\,\theta/s - \tfrac n2\beta b]\,dt + \sqrt{\beta(1-b^2)}\,dB_2,

    with θ = arccos a, s = √(1−a²), c_0 = ⟨x_0, e_k⟩, n = d − 1 (the repository's ``preprocess``).
    With A = E a, B = E b we write E X_t = p e_k + q x_0 = m (cos_x0 · x_0 + α w_k) and choose ρ_t
    so that the wrapped normal :math:`\exp_{\mu}(\rho P_\mu z)` has the same mean length m:
    F(ρ) = m with F from :func:`rho_equation`. ρ_1 = 0.

    Deviations from the repository (see the chapter's index):
      * α and m come from the exact linear algebra in span(e_k, x_0), valid for both priors; the
        repository's piecewise formula for the uniform prior is algebraically the same α.
      * ``correlated=True`` (default) uses the exact covariance β(c_0 − ab) of dB_1, dB_2; the
        repository draws them independently (``correlated=False``).
      * ``rho="exact"`` (default here) solves E cos(ρχ_n) = m; ``rho="repo"`` the repository's
        equation with the extra e^{−ρ²/2} (brief, erratum 1).

    Args:
        dim: d = V + 1 coordinates (tokens plus the mask), at least 3.
        prior: ``"mask"`` or ``"uniform"``.
        schedule: a :class:`GeometricSchedule`.
        particles, steps: Monte Carlo size and Euler steps on [0, 1] (repository: 2^14 and 10^4).
        rho: ``"exact"`` or ``"repo"``.
        rho_scale: multiply ρ by this (repository: 1.0 text8, 1.14 LM1B).
        seed: seed of the particles (an integer, or a JAX key derived by the caller).

    Raises:
        ValueError: naming ``dim``, ``prior``, ``particles``, ``steps``, ``rho`` or ``rho_scale``.
    """
    dim = check_int("dim", dim, low=3)
    prior = check_choice("prior", prior, PRIORS)
    particles = check_int("particles", particles, low=2)
    steps = check_int("steps", steps, low=2)
    rho = check_choice("rho", rho, RHO_FORMULAS)
    rho_scale = check_number("rho_scale", rho_scale, low=0.0, low_open=True)
    sp = schedule_params(schedule)
    n = dim - 1
    c0 = 0.0 if prior == "mask" else 1.0 / np.sqrt(dim)
    A, B = _radial_means(_as_key(seed), c0, 1.0, c0, particles, steps, float(n), sp,
                         bool(correlated))
    A = np.concatenate([[c0], np.asarray(A, dtype=float)])
    B = np.concatenate([[1.0], np.asarray(B, dtype=float)])
    A[-1], B[-1] = 1.0, c0  # the bridge ends at e_k exactly (repository: A_1 = 1, B_1 = c0)
    s0 = np.sqrt(1 - c0**2)
    ps = (A - c0 * B) / s0  # component of E X_t along w_k
    m = np.clip(np.hypot(ps, B), 1e-12, 1.0)
    alpha, cos_x0 = ps / m, B / m
    r = np.where(m >= 1 - 1e-12, 0.0, solve_rho(m, n, rho)) * rho_scale
    r[-1] = 0.0
    t = np.linspace(0.0, 1.0, steps + 1)
    return RadialTables(t=t, A=A, B=B, m=m, alpha=alpha, cos_x0=cos_x0, rho=r, dim=dim,
                        prior=prior, rho_formula=rho, c0=float(c0))


def _tables_arrays(tables: RadialTables):
    return tuple(jnp.asarray(v, jnp.float32) for v in (tables.t, tables.alpha, tables.cos_x0, tables.rho))


@jax.jit
def _sample_xt(key, tokens, t, arrays, x0, c0):
    grid, alpha, cos_x0, rho = arrays
    d = x0.shape[-1]
    t = jnp.broadcast_to(t, tokens.shape)
    al = jnp.interp(t, grid, alpha)[..., None]
    cx = jnp.interp(t, grid, cos_x0)[..., None]
    r = jnp.interp(t, grid, rho)[..., None]
    e_k = jax.nn.one_hot(tokens, d, dtype=jnp.float32)
    w = (e_k - c0 * x0) / jnp.sqrt(1 - c0**2)
    mu = cx * x0 + al * w
    mu = mu / jnp.linalg.norm(mu, axis=-1, keepdims=True)
    z = jax.random.normal(key, e_k.shape, jnp.float32)
    return _exp(mu, r * z)


def sample_xt(tokens, t, *, tables: RadialTables, key=0):
    r"""Simulation-free x_t: a wrapped normal around the matched mean direction (repository ``interpolant``).

    .. math:: x_t = \exp_{\mu_t}(\rho_t\,P_{\mu_t} z), \quad z\sim\mathcal N(0, I_d), \quad
              \mu_t = \text{cos\_x0}_t\, x_0 + \alpha_t\, w_k,

    with α_t, cos_x0_t, ρ_t linearly interpolated in the tables (:func:`radial_tables`).

    Args:
        tokens: integers in [0, d−1), any shape [...].
        t: times in [0, 1], broadcastable to ``tokens``' shape (e.g. [batch, 1] for [batch, L]).
        tables: a :class:`RadialTables` (fixes d and the prior).
        key: a JAX key or an integer seed.

    Returns:
        Points on S^{d−1}, shape [..., d], float32.

    Raises:
        ValueError: ``t`` outside [0, 1]; ``tokens`` outside [0, d−1) (names the argument).
    """
    check_t(t)
    tokens = np.asarray(tokens)
    d = tables.dim
    if not np.issubdtype(tokens.dtype, np.integer) or np.any(tokens < 0) or np.any(tokens >= d - 1):
        raise ValueError(f"tokens must be integers in [0, {d - 1})")
    x0 = jnp.asarray(prior_point(tables.prior, d), jnp.float32)
    return _sample_xt(_as_key(key), jnp.asarray(tokens), jnp.asarray(t, jnp.float32),
                      _tables_arrays(tables), x0, jnp.float32(tables.c0))


def reveal_probability(tables: RadialTables, ts, *, n=1000, digits=1, seed=0) -> np.ndarray:
    r"""P(the token is visible at t): P(argmax_{j<V} X_t^j = k) under the radial approximation.

    With ``digits = m`` > 1 (dimension splitting, paper §3.4) it is the probability that all m
    digits of a token are visible, P_digit^m: the forward bridges of the m digit positions are
    independent given the token, so the power is exact for the forward process.

    Args: ``tables`` (fixes d and the prior); ``ts`` times in [0, 1]; ``n`` draws per time (the
    Monte Carlo s.e. is ≤ 0.5/√n per digit); ``digits`` m ≥ 1; ``seed``.
    Returns an array [len(ts)]. Raises ValueError naming ``ts``, ``n`` or ``digits``.
    """
    ts = np.atleast_1d(np.asarray(ts, dtype=float))
    check_t(ts, "ts")
    n = check_int("n", n, low=1)
    digits = check_int("digits", digits, low=1)
    per_digit = np.empty(ts.size)
    for i, t in enumerate(ts):  # one time at a time: n × d floats, not len(ts) × n × d
        x = np.asarray(sample_xt(np.zeros(n, np.int32), t, tables=tables, key=jax_key(seed, i)))
        per_digit[i] = _token0_visible(x).mean()
    return per_digit ** digits


def _token0_visible(x):
    """argmax over the token coordinates (all but the last, the mask) is token 0, strictly: ties,
    as at a prior point where all token coordinates are equal, do not count as visible."""
    return x[..., 0] > x[..., 1:-1].max(axis=-1)


# --------------------------------------------------------------------------------------------
# Comparing the approximation with the exact bridge
# --------------------------------------------------------------------------------------------
class BridgeComparison(NamedTuple):
    """Statistics of ⟨X_t, e_k⟩ and P(argmax_{j<V} X_t^j = k) on a time grid, exact vs approximate.

    Each statistic is [R]; ``n`` paths and draws; ``dim`` = d. ``exact_visible`` and
    ``approx_visible`` are the reveal probabilities above chance (:func:`above_chance`, k = d − 1).
    """

    t: np.ndarray
    exact_mean: np.ndarray
    exact_sd: np.ndarray
    exact_reveal: np.ndarray
    approx_mean: np.ndarray
    approx_sd: np.ndarray
    approx_reveal: np.ndarray
    n: int
    dim: int

    @property
    def exact_visible(self):
        return above_chance(self.exact_reveal, self.dim - 1)

    @property
    def approx_visible(self):
        return above_chance(self.approx_reveal, self.dim - 1)


def compare_bridge(dim, prior="mask", *, n=2000, steps=500, records=25, schedule=GeometricSchedule(),
                   rho="exact", particles=8192, table_steps=2000, seed=0) -> BridgeComparison:
    """The radial approximation against the exact GRW bridge to token 0 (paper §3.3, Fig. of the MMD).

    Simulates ``n`` exact paths (``steps`` GRW steps) and draws ``n`` approximate x_t at the same
    ``records + 1`` times; returns the mean and spread of ⟨X_t, e_0⟩ and the "reveal"
    probability P(argmax over the V token coordinates = 0) for both. The three random parts
    (paths, tables, approximate draws) use the streams ``jax_key(seed, 0)``, ``(seed, 1)`` and
    ``(seed, 2)``.
    """
    records = check_int("records", records, low=1)
    steps = check_int("steps", steps, low=records)
    if steps % records:
        steps = records * int(np.ceil(steps / records))
    paths = simulate_bridge(0, prior, steps=steps, n=n, schedule=schedule, key=jax_key(seed, 0),
                            dim=dim, record_every=steps // records)
    tables = radial_tables(dim, prior, schedule=schedule, particles=particles,
                           steps=table_steps, rho=rho, seed=jax_key(seed, 1))
    t = paths.t
    toks = np.zeros((t.size, n), dtype=np.int32)
    xa = np.asarray(sample_xt(toks, t[:, None], tables=tables, key=jax_key(seed, 2)))

    def stats(x):
        a = x[..., 0]
        return a.mean(axis=1), a.std(axis=1), _token0_visible(x).mean(axis=1)

    em, es, er = stats(paths.x)
    am, as_, ar = stats(xa)
    return BridgeComparison(t, em, es, er, am, as_, ar, n, int(dim))


@partial(jax.jit, static_argnames=("steps",))
def _bridge_endpoint(key, x0, target, t_end, steps, sp):
    """X_{t_end} of the exact GRW bridge for per-example end times t_end [B]; target [B, L, d]."""
    dt = (t_end / steps)[:, None, None]
    x = jnp.broadcast_to(x0, target.shape)

    def body(j, x):
        t = j * dt
        z = jax.random.normal(jax.random.fold_in(key, j), x.shape, x.dtype)
        return _grw_step(x, target, t, dt, z, sp)

    return jax.lax.fori_loop(0, steps, body, x)


def _mixture_log(x, probs):
    """Σ_k p_k log_x(e_k) = P_x(Σ_k p_k θ_k/sin θ_k e_k), cos θ_k = x_k (no loop over k)."""
    cos = jnp.clip(x, -1 + 1e-6, 1 - 1e-6)
    theta = jnp.arccos(cos)
    v = probs * theta / jnp.sin(theta)
    return v - jnp.sum(v * x, axis=-1, keepdims=True) * x


def bridge_drift(x, probs, t, *, schedule=GeometricSchedule()):
    r"""Generative drift of RDLM: the posterior average of the bridges' drifts (repository ``get_drift_fn``).

    .. math:: \eta(x, t) = \gamma(t) \sum_k p_k \log_x(e_k)
              = \gamma(t)\, P_x\Big(\sum_k p_k \frac{\theta_k}{\sin\theta_k} e_k\Big), \quad \cos\theta_k = x_k .

    With a one-hot ``probs`` it is the drift γ log_x(e_k) of the bridge to e_k; it is tangent at x.
    Args: ``x`` [..., d] on the sphere; ``probs`` [..., d] (or [..., d−1], padded with 0 for the mask);
    ``t`` in [0, 1) broadcastable to x's leading shape. Raises ValueError for ``t`` outside [0, 1).
    """
    check_t(t)
    if np.any(np.asarray(t) >= 1):
        raise ValueError("t must be < 1 (γ is infinite at t = 1)")
    x, probs = jnp.asarray(x, jnp.float32), jnp.asarray(probs, jnp.float32)
    if probs.shape[-1] == x.shape[-1] - 1:
        probs = jnp.pad(probs, [(0, 0)] * (probs.ndim - 1) + [(0, 1)])
    if probs.shape[-1] != x.shape[-1]:
        raise ValueError(f"probs must have {x.shape[-1]} or {x.shape[-1] - 1} entries on its last axis")
    g = gamma_t(jnp.asarray(t, jnp.float32), schedule_params(schedule))[..., None]
    return g * _mixture_log(x, probs)

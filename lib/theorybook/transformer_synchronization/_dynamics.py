r"""Tokens through a deep transformer, the limiting SDE, and the Benettin estimate of λ₁.

The layer (paper, §1; Lie–Trotter splitting, ``Δt = T/L``), for all tokens i at once:

.. math::
    Y^i_\ell = \mathrm{LN}\big(X^i_\ell + Δt\,\mathrm{Attn}_{X_\ell}(X^i_\ell)\big),\qquad
    X^i_{\ell+1} = \mathrm{LN}\big(Y^i_\ell + \sqrt{Δt}\,G^m_{\ell+1}(Y^i_\ell)\big),

with ``LN(v) = v/|v|``, ``Attn_X(x) = Σ_j e^{β⟨x,x_j⟩} c x_j / Σ_k e^{β⟨x,x_k⟩}`` (``QᵀK = βI``,
``V = cI`` fixed over depth) and one MLP draw ``G^m_ℓ`` per layer shared by all tokens (the
common noise). Everything here is JAX: a layer is a pure function, depth is a ``lax.scan`` over
``fold_in(key, ℓ)``, and seeds are a ``vmap`` axis.

References: Agazzi, Bruno, Mosig García, Saviozzi, Romito, arXiv:2604.26898, §1 (model),
Thm 1.1 (limit SDE), Thm 1.4 (energy). Benettin et al., Meccanica 15 (1980) (Lyapunov exponents).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax, random

from ..common import (check_array, check_choice, check_int, check_number, check_seed, check_seeds,
                      mean_se, sample_sphere)
from ._kernel import ACTIVATIONS, kappa_table, kernel_constants

_ACTS = (jax.nn.relu, jax.nn.silu, jax.nn.sigmoid, jnp.tanh)


def _silu_prime(x):
    s = jax.nn.sigmoid(x)
    return s * (1 + x * (1 - s))


_ACT_PRIMES = (lambda x: (x > 0).astype(x.dtype), _silu_prime,
               lambda x: jax.nn.sigmoid(x) * (1 - jax.nn.sigmoid(x)), lambda x: 1 - jnp.tanh(x) ** 2)


def _act_index(activation: str, name: str = "activation") -> int:
    return ACTIVATIONS.index(check_choice(name, activation, ACTIVATIONS))


# --- small pure pieces -------------------------------------------------------------------------
def _normalise(x):
    return x / jnp.linalg.norm(x, axis=-1, keepdims=True)


def _attention(x, beta, v_scale, mask=None):
    """Attn_X(x_i) = Σ_j softmax_j(β⟨x_i, x_j⟩) c x_j (softmax subtracts the row max); with a
    token ``mask`` (padding), the padded keys get weight 0."""
    logits = beta * (x @ x.T)
    if mask is not None:
        logits = jnp.where(mask[None, :], logits, -jnp.inf)
    return v_scale * (jax.nn.softmax(logits, axis=-1) @ x)


def _mlp_weights(key, d, width, sigma_u, sigma_w, dtype=jnp.float32):
    """One draw of the MLP's (U, W, b_U, b_W): U (m × d), W (d × m) standard Gaussian,
    b_U ~ N(0, σ_U² I_m), b_W ~ N(0, σ_W² I_d).

    One threefry call per layer (it compiles much faster than one per neuron): a (1 + m) × (2d + 1)
    standard normal array, row 0 holding b_W and row 1 + j neuron j (its row of U, column of W,
    entry of b_U). JAX's partitionable threefry (on by default) draws entry k from counter k, so
    the first m neurons are the same for every width ≥ m: a zero-padded network of width m_max
    with m active neurons is the network of width m (one compiled function for a width slider;
    the tests check it)."""
    z = random.normal(key, (width + 1, 2 * d + 1), dtype)
    neurons = z[1:]
    return (neurons[:, :d], neurons[:, d:2 * d].T, sigma_u * neurons[:, 2 * d],
            sigma_w * z[0, :d])


def _mlp(key, y, act, sigma_u, sigma_w, width, active=None):
    """G^m(y) = m^{-1/2} W φ(d^{-1/2} U y + b_U) + b_W, one draw of (U, W, b_U, b_W) for all rows.
    ``active`` (traced, ≤ width) keeps the first ``active`` neurons: m = active, 1/√m traced."""
    d = y.shape[-1]
    u, w, b_u, b_w = _mlp_weights(key, d, width, sigma_u, sigma_w, y.dtype)
    h = lax.switch(act, _ACTS, y @ u.T / math.sqrt(d) + b_u)
    if active is None:
        return h @ w.T / math.sqrt(width) + b_w
    h = jnp.where(jnp.arange(width) < active, h, 0.0)
    return h @ w.T / jnp.sqrt(active).astype(y.dtype) + b_w


def _mlp_per_token(key, y, act, sigma_u, sigma_w, width, active=None):
    """The control: an independent MLP draw for every token (no common noise); token i uses
    ``fold_in(key, i)``, so padding the tokens does not change the draws of the real ones."""
    return jax.vmap(lambda i, row: _mlp(random.fold_in(key, i), row[None], act, sigma_u,
                                        sigma_w, width, active)[0])(jnp.arange(y.shape[0]), y)


def _layer(x, key, act, dt, sigma_u, sigma_w, beta, v_scale, width, mlp, common, gate=1.0,
           mask=None, active=None, alpha=0.5):
    """One layer; the MLP kick is Δt^α G (α = ½ is the paper's 1/√L scaling)."""
    y = _normalise(x + dt * _attention(x, beta, v_scale, mask))
    if not mlp:
        return y
    field = _mlp if common else _mlp_per_token
    # gate = 0 switches the MLP off inside a vmapped grid (same compiled code, no second compile)
    kick = gate * dt**alpha * field(key, y, act, sigma_u, sigma_w, width, active)
    return _normalise(y + kick)


def _cosines(x, xp=jnp):
    """Cosines ⟨x_i, x_j⟩/(|x_i||x_j|), clipped to [−1, 1]; ``xp`` is jax.numpy (inside the
    jitted layers, float32) or numpy (the public float64 :func:`pairwise_cos`)."""
    xn = x / xp.linalg.norm(x, axis=-1, keepdims=True)
    return xp.clip(xn @ xn.T, -1.0, 1.0)


def _energy(x, beta, xp=jnp):
    """E_β of unit-norm tokens x (N, d); ``xp`` as in :func:`_cosines`."""
    # e^β − e^{β⟨x,y⟩} = −e^β expm1(β(⟨x,y⟩ − 1)): no cancellation when tokens nearly agree.
    # Tokens here are unit vectors, so ⟨x,y⟩ > 1 is rounding: clip it (E_β ≥ 0).
    gaps = -xp.expm1(beta * (xp.minimum(x @ x.T, 1.0) - 1.0))
    e = 0.5 * xp.exp(beta) * xp.mean(gaps)
    # for β ≥ 0 every gap is ≥ 0: abs only turns the −0.0 of a fully merged cloud into 0.0
    return xp.where(beta >= 0, xp.abs(e), e)


def _observe(x, beta, mask):
    """(E_β, mean cos, mean |cos|) over the real tokens (``mask``; padded rows are left out)."""
    c = _cosines(x)
    w = mask[:, None] * mask[None, :]
    n = jnp.sum(mask)
    off = n * (n - 1)
    gaps = -jnp.expm1(beta * (jnp.minimum(x @ x.T, 1.0) - 1.0))
    e = 0.5 * jnp.exp(beta) * jnp.sum(w * gaps) / n**2
    e = jnp.where(beta >= 0, jnp.abs(e), e)       # as in _energy
    return (e, (jnp.sum(w * c) - jnp.sum(mask * jnp.diag(c))) / off,
            (jnp.sum(w * jnp.abs(c)) - jnp.sum(mask * jnp.abs(jnp.diag(c)))) / off)


# --- public helpers ----------------------------------------------------------------------------
def _seed_list(seed, seeds):
    """``seeds`` given → (True, its seeds): one network per seed; else (False, [seed])."""
    seed = check_seed(seed)
    if seeds is None:
        return False, [seed]
    if seed != 0:
        raise ValueError(f"seed must be left at 0 when seeds is given, got seed={seed!r}")
    return True, list(check_seeds(seeds))


def _keys(seeds):
    """Key data of ``jax.random.key(s)`` for each seed s: one network per seed (a vmap axis)."""
    return jnp.stack([random.key_data(random.key(s)) for s in seeds])


def _check_tokens(x0, name="X0"):
    """Tokens on the unit sphere (a check about this chapter's maths): (N, d), N, d ≥ 2."""
    x0 = check_array(name, x0, ndim=2)
    if x0.shape[0] < 2 or x0.shape[1] < 2:
        raise ValueError(f"{name} must be an (N, d) array with N >= 2 and d >= 2, "
                         f"got shape {x0.shape}")
    if np.any(np.abs(np.linalg.norm(x0, axis=1) - 1.0) > 1e-4):
        raise ValueError(f"{name} rows must lie on the unit sphere (use sample_sphere)")
    return x0


def _check_points(X, name="X") -> np.ndarray:
    """A finite (N, d) array with non-zero rows (cosines are defined)."""
    x = check_array(name, X, ndim=2)
    if np.any(np.linalg.norm(x, axis=1) == 0):
        raise ValueError(f"{name} has a zero row; cosines are undefined")
    return x


def pairwise_cos(X) -> np.ndarray:
    """The N × N matrix of cosines ⟨x_i, x_j⟩/(|x_i||x_j|), clipped to [−1, 1] (float64; the
    same kernel as the jitted layers use, evaluated by numpy).

    Raises:
        ValueError: X not a finite (N, d) array with non-zero rows.
    """
    return _cosines(_check_points(X), xp=np)


def mean_pairwise_cos(X):
    """Mean of ⟨x_i, x_j⟩/(|x_i||x_j|) over i ≠ j; for a stack (S, N, d), one value per network."""
    x = np.asarray(X, dtype=float)
    if x.ndim == 2:
        c = pairwise_cos(x)
        n = c.shape[0]
        return float((c.sum() - np.trace(c)) / (n * (n - 1)))
    return np.array([mean_pairwise_cos(xi) for xi in x])


def energy(X, beta: float = 1.0) -> float:
    r"""The interaction energy of the empirical measure (paper, §1, Thm 1.4), i = j included:

    .. math:: E_β(μ^N) = \frac1{2N^2}\sum_{i,j=1}^N \big(e^β − e^{β⟨x_i,x_j⟩}\big).

    It vanishes exactly when all tokens coincide; ``|x − y|² ≤ (2/\sinh β)(e^β − e^{β⟨x,y⟩})``.
    The kernel of the jitted layers, evaluated by numpy in float64: ⟨x_i, x_j⟩ is capped at 1
    (tokens are unit vectors), so E_β ≥ 0 for β ≥ 0.

    Raises:
        ValueError: X not a finite (N, d) array, or β not finite.
    """
    x = check_array("X", X, ndim=2)
    return float(_energy(x, check_number("beta", beta), xp=np))


# --- forward pass ------------------------------------------------------------------------------
class ForwardResult(NamedTuple):
    """Output of :func:`forward`. With a sequence of seeds every field gains a leading seed axis.

    Attributes:
        tokens: final tokens X_L, (N, d).
        energy: E_β(μ_ℓ) for ℓ = 0..L (layer 0 first), length L + 1.
        mean_cos: mean of ⟨x_i, x_j⟩ over i ≠ j, per layer, length L + 1.
        mean_abs_cos: mean of |⟨x_i, x_j⟩| over i ≠ j (sees antipodal pairs), length L + 1.
        trajectory: tokens at every layer (L + 1, N, d) if asked for, else None.
    """

    tokens: np.ndarray
    energy: np.ndarray
    mean_cos: np.ndarray
    mean_abs_cos: np.ndarray
    trajectory: np.ndarray | None = None


def _forward_run(max_depth, max_width, mlp, common, trajectory):
    """One network (one key): scan over ``max_depth`` layers, of which the first ``depth`` act
    (a step mask), observe after each. Tokens beyond ``mask`` and neurons beyond ``width`` are
    padding. Not jitted, not vmapped."""

    def run(x0, mask, key_data, act, dt, sigma_u, sigma_w, beta, v_scale, gate, depth, width,
            alpha):
        key = random.wrap_key_data(key_data)

        def step(x, layer):
            new = _layer(x, random.fold_in(key, layer), act, dt, sigma_u, sigma_w, beta, v_scale,
                         max_width, mlp, common, gate, mask, width, alpha)
            x = jnp.where(layer < depth, new, x)
            return x, (_observe(x, beta, mask), x if trajectory else None)

        xl, (obs, traj) = lax.scan(step, x0, jnp.arange(max_depth))
        first = _observe(x0, beta, mask)
        obs = tuple(jnp.concatenate([f[None], o]) for f, o in zip(first, obs))
        if trajectory:
            traj = jnp.concatenate([x0[None], traj])
        return xl, obs, traj

    return run


# vmap axes of run(x0, mask, key_data, act, dt, σ_U, σ_W, β, c, gate, depth, width, α)
_SEEDS_AXIS = (None, None, 0) + (None,) * 10


@functools.lru_cache(maxsize=None)
def _forward_fn(max_depth, max_width, mlp, common, trajectory):
    return jax.jit(jax.vmap(_forward_run(max_depth, max_width, mlp, common, trajectory),
                            in_axes=_SEEDS_AXIS))


def _pad_tokens(x0, max_tokens):
    """(max_tokens, d) tokens: x0, then copies of e₁ (masked out), and the mask."""
    n, d = x0.shape
    pad = np.zeros((max_tokens - n, d))
    pad[:, 0] = 1.0
    return np.concatenate([x0, pad]), np.arange(max_tokens) < n


def _check_max(name, value, actual):
    if value is None:
        return actual
    return check_int(name, value, low=actual)


def _check_mlp(activation, sigma_u, sigma_w):
    return (_act_index(activation), check_number("sigma_u", sigma_u, low=0.0),
            check_number("sigma_w", sigma_w, low=0.0))


def _check_attention(beta, v_scale):
    return check_number("beta", beta, low=0.0), check_number("v_scale", v_scale)


def _check_depth(depth, horizon, width):
    return (check_int("depth", depth, low=1),
            check_number("horizon", horizon, low=0.0, low_open=True),
            check_int("width", width, low=1))


def forward(X0, *, depth: int = 150, horizon: float = 5.0, width: int = 256,
            activation: str = "relu", sigma_u: float = 0.0, sigma_w: float = 0.0,
            beta: float = 1.0, v_scale: float = 1.0, seed: int = 0,
            seeds: Sequence[int] | None = None, mlp: bool = True, common_noise: bool = True,
            trajectory: bool = False, noise_exponent: float = 0.5,
            max_depth: int | None = None, max_tokens: int | None = None,
            max_width: int | None = None) -> ForwardResult:
    r"""Push tokens through L layers of the paper's transformer (§1, the two-step LN update).

    .. math::
        Y_\ell = \mathrm{LN}(X_\ell + \tfrac TL \mathrm{Attn}_{X_\ell}(X_\ell)),\qquad
        X_{\ell+1} = \mathrm{LN}(Y_\ell + (T/L)^{α}\, G^m_{\ell+1}(Y_\ell)),

    with α = ½ in the paper. Attention has ``QᵀK = β I`` and ``V = c I`` (``c = v_scale``) shared
    by all layers (scaled 1/L); the MLP of width m is redrawn at every layer (scaled 1/√L) and
    acts on all tokens at once.

    Padding: ``max_depth``, ``max_tokens``, ``max_width`` compile one function for all
    ``depth ≤ max_depth``, N ≤ ``max_tokens``, ``width ≤ max_width`` (a scan to ``max_depth``
    with a step mask, padded tokens masked out of the softmax and the statistics, zero-padded
    neurons with a traced 1/√m): a slider over L, N or m then costs no recompilation, and the
    numbers equal those of the unpadded run up to float32 rounding.

    Args:
        X0: (N, d) tokens on the unit sphere.
        depth: L ≥ 1. horizon: T > 0 (Δt = T/L). width: m ≥ 1.
        activation: "relu", "silu", "sigmoid" or "tanh".
        sigma_u, sigma_w: bias standard deviations σ_U, σ_W ≥ 0 of the MLP.
        beta: inverse temperature β ≥ 0. v_scale: c (0 switches attention off; −1 repulsive).
        seed: the network's seed. seeds: a sequence of seeds to run one network per seed
            (vmapped); then ``seed`` stays 0.
        mlp: False drops the MLP (the attention-only flow of Geshkovski et al.).
        common_noise: False draws an independent MLP for every token (the control).
        trajectory: also return the tokens at every layer.
        noise_exponent: α > 0, the MLP's scale (T/L)^α (½: the paper's; the "why 1/√L" test).
        max_depth, max_tokens, max_width: padded sizes (None: no padding), ≥ depth, N, width.

    Returns:
        :class:`ForwardResult` (numpy float32 arrays); a leading seed axis if ``seeds`` is given.

    Raises:
        ValueError: any argument out of range (the message names it).
    """
    x0 = _check_tokens(X0)
    depth, horizon, width = _check_depth(depth, horizon, width)
    act, sigma_u, sigma_w = _check_mlp(activation, sigma_u, sigma_w)
    beta, v_scale = _check_attention(beta, v_scale)
    alpha = check_number("noise_exponent", noise_exponent, low=0.0, low_open=True)
    batched, seeds = _seed_list(seed, seeds)
    n = x0.shape[0]
    max_depth = _check_max("max_depth", max_depth, depth)
    max_width = _check_max("max_width", max_width, width)
    xp, mask = _pad_tokens(x0, _check_max("max_tokens", max_tokens, n))
    fn = _forward_fn(max_depth, max_width, bool(mlp), bool(common_noise), bool(trajectory))
    xl, (en, mc, mac), traj = fn(jnp.asarray(xp, jnp.float32), jnp.asarray(mask),
                                 _keys(seeds), act, horizon / depth, sigma_u, sigma_w, beta,
                                 v_scale, 1.0, depth, width, alpha)
    out = ForwardResult(np.asarray(xl)[:, :n], *(np.asarray(a)[:, :depth + 1]
                                                 for a in (en, mc, mac)),
                        np.asarray(traj)[:, :depth + 1, :n] if trajectory else None)
    if batched:
        return out
    return ForwardResult(*(None if f is None else f[0] for f in out))


# --- the 72-run grid of the paper's appendix ---------------------------------------------------
class GridResult(NamedTuple):
    """Energies and mean cosines of :func:`experiment_grid`.

    Attributes:
        energy, mean_cos, mean_abs_cos: arrays (len(dims), len(activations) + 1, len(sigmas),
            len(v_scales), seeds, L + 1); activation index −1 (the last) is the no-MLP run.
        dims, activations, sigmas, v_scales: the axes (activations ends with "none").
    """

    energy: np.ndarray
    mean_cos: np.ndarray
    mean_abs_cos: np.ndarray
    dims: tuple
    activations: tuple
    sigmas: tuple
    v_scales: tuple


@functools.lru_cache(maxsize=None)
def _grid_fn(depth, width):
    one = jax.vmap(_forward_run(depth, width, True, True, False), in_axes=_SEEDS_AXIS)
    # vmapped over the configurations (φ, σ_U, σ_W, c, gate)
    return jax.jit(jax.vmap(one, in_axes=(None, None, None, 0, None, 0, 0, None, 0, 0, None,
                                          None, None)))


def experiment_grid(dims=(5, 64, 128), *, activations=ACTIVATIONS, sigmas=(0.0, 0.1),
                    v_scales=(1.0, 0.0, -1.0), n_tokens: int = 64, depth: int = 150,
                    horizon: float = 5.0, width: int = 256, beta: float = 1.0,
                    seeds: Sequence[int] = (0,), seed: int = 0) -> GridResult:
    """The appendix grid (Figs 2–6): d × φ × σ = σ_U = σ_W × attention scale c, plus no-MLP runs.

    Paper: N = 64, L = 150, T = 5, β = 1, X₀ i.i.d. uniform on S^{d−1} (one draw per d, shared by
    every run of that d), d ∈ {5, 64, 128}, σ ∈ {0, 0.1}, φ ∈ {ReLU, SiLU, Sigmoid, Tanh},
    c ∈ {+1, 0, −1}: 72 runs with an MLP (the width is not stated; the law does not depend on it).
    One compiled call per d, vmapped over (φ, σ, c) and seeds; network seeds are shared across
    configurations (common random numbers), so differences between configurations are sharper.

    Args:
        seeds: the networks' seeds (a sequence; one network per seed and configuration).
        seed: the seed of the initial tokens X₀.

    Raises:
        ValueError: bad sizes, activation names, σ or seeds.
    """
    dims = tuple(check_int("dims", d, low=2) for d in dims)
    acts = tuple(_act_index(a, "activations") for a in activations)
    sigmas = tuple(check_number("sigmas", s, low=0.0) for s in sigmas)
    n_tokens = check_int("n_tokens", n_tokens, low=2)
    seeds = check_seeds(seeds)
    seed = check_seed(seed)
    depth, horizon, width = _check_depth(depth, horizon, width)
    beta, _ = _check_attention(beta, 0.0)
    v_scales = tuple(check_number("v_scales", v) for v in v_scales)
    keys = _keys(seeds)
    # (φ, σ, c, gate) for every run; the no-MLP runs are gate = 0 rows of the same compiled call
    cfg = [(a, s, v, 1.0) for a in acts for s in sigmas for v in v_scales]
    cfg += [(0, 0.0, v, 0.0) for v in v_scales]
    a_, s_, v_, g_ = (jnp.asarray([c[i] for c in cfg]) for i in range(4))
    names = ("energy", "mean_cos", "mean_abs_cos")
    out = {name: [] for name in names}
    dt = horizon / depth
    shape = (len(acts), len(sigmas), len(v_scales), len(seeds), depth + 1)
    n_mlp = len(acts) * len(sigmas) * len(v_scales)
    for d in dims:
        x0 = jnp.asarray(sample_sphere(n_tokens, d, seed), jnp.float32)
        _, obs, _ = _grid_fn(depth, width)(x0, jnp.ones(n_tokens, bool), keys,
                                           a_.astype(jnp.int32), dt, s_.astype(jnp.float32),
                                           s_.astype(jnp.float32), beta, v_.astype(jnp.float32),
                                           g_.astype(jnp.float32), depth, width, 0.5)
        for i, name in enumerate(names):
            o = np.asarray(obs[i])
            # no MLP: deterministic, one row per attention scale, repeated along σ (and seeds)
            none = np.broadcast_to(o[n_mlp:][None], (len(sigmas),) + o[n_mlp:].shape)
            out[name].append(np.concatenate([o[:n_mlp].reshape(shape), none[None]]))
    return GridResult(*(np.stack(out[k]) for k in out), dims,
                      tuple(ACTIVATIONS[a] for a in acts) + ("none",), sigmas, v_scales)


# --- the limiting SDE --------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _sde_fn(steps):
    def run(x0, key_data, grid, table, dt, beta, v_scale, kappa1, ito):
        key = random.wrap_key_data(key_data)
        n, d = x0.shape

        def step(x, i):
            r2 = jnp.sum(x * x, axis=-1, keepdims=True)
            xn = x / jnp.sqrt(r2)
            cov = jnp.interp(jnp.clip(xn @ xn.T, -1.0, 1.0), grid, table)
            vals, vecs = jnp.linalg.eigh(0.5 * (cov + cov.T))
            root = vecs * jnp.sqrt(jnp.clip(vals, 0.0))          # root @ rootᵀ = [κ(⟨x_i,x_j⟩)]
            dw = jnp.sqrt(dt) * root @ random.normal(random.fold_in(key, i), (n, d), x.dtype)
            a = _attention(x, beta, v_scale)
            drift = a - xn * jnp.sum(xn * a, axis=-1, keepdims=True)
            drift = drift - ito * 0.5 * kappa1 * (d - 1) * x   # ito ∈ {0, 1}: traced, one compile
            noise = dw - xn * jnp.sum(xn * dw, axis=-1, keepdims=True)
            return x + dt * drift + noise, None

        xt, _ = lax.scan(step, x0, jnp.arange(steps))
        return xt

    return jax.jit(jax.vmap(run, in_axes=(None, 0, None, None, None, None, None, None, None)))


def sde_euler(X0, *, horizon: float = 5.0, dt: float = 0.01, activation: str = "relu",
              sigma_u: float = 0.0, sigma_w: float = 0.0, beta: float = 1.0, v_scale: float = 1.0,
              seed: int = 0, seeds: Sequence[int] | None = None, ito_correction: bool = True):
    r"""Euler–Maruyama for the depth-and-width limit (paper, Thm 1.1; Itô form), unprojected:

    .. math:: d\bar X^i = \Big(P_{\bar X^i}\mathrm{Attn}(μ^N_t, \bar X^i)
        − \frac{κ(1)(d−1)}2 \bar X^i\Big)dt + P_{\bar X^i}\, dW(\bar X^i, t),

    where ``W`` is a Brownian field with ``E[dW(x)dW(y)ᵀ] = κ(⟨x,y⟩) I_d dt`` (the Karhunen–Loève
    sum ``Σ_k σ_k(x) dB^k``). Each step draws the field at the N tokens exactly: the N × N matrix
    ``κ(⟨x_i, x_j⟩)`` (interpolated from a 1025-point table) is factored by ``eigh`` and applied to
    an (N, d) standard normal. Off the sphere ``P_x = I − xxᵀ/|x|²`` and κ is evaluated at the
    cosine (both agree with the paper on the sphere). Without the Itô term, ``|X|²`` grows like
    ``1 + κ(1)(d−1)t`` instead of staying at 1.

    Args:
        X0: (N, d) tokens on the unit sphere. horizon: T > 0. dt: step, 0 < dt ≤ T.
        activation, sigma_u, sigma_w, beta, v_scale: as in :func:`forward`.
        seed: the path's seed. seeds: a sequence of seeds, one path per seed (vmapped); then
            ``seed`` stays 0. ito_correction: keep the −κ(1)(d−1)/2 X term.

    Returns:
        The final (N, d) tokens (numpy float32), with a leading seed axis if ``seeds`` is given.

    Raises:
        ValueError: any argument out of range.
    """
    x0 = _check_tokens(X0)
    horizon = check_number("horizon", horizon, low=0.0, low_open=True)
    dt = check_number("dt", dt, low=0.0, high=horizon, low_open=True)
    _, sigma_u, sigma_w = _check_mlp(activation, sigma_u, sigma_w)
    beta, v_scale = _check_attention(beta, v_scale)
    batched, seeds = _seed_list(seed, seeds)
    d = x0.shape[1]
    grid, table = kappa_table(activation, d, sigma_u, sigma_w)
    k1 = kernel_constants(activation, d=d, sigma_u=sigma_u, sigma_w=sigma_w).kappa1
    steps = max(1, int(round(horizon / dt)))
    out = _sde_fn(steps)(
        jnp.asarray(x0, jnp.float32), _keys(seeds), jnp.asarray(grid, jnp.float32),
        jnp.asarray(table, jnp.float32), horizon / steps, beta, v_scale, k1,
        1.0 if ito_correction else 0.0)
    out = np.asarray(out)
    return out if batched else out[0]


# --- Benettin estimate of the top Lyapunov exponent --------------------------------------------
@functools.lru_cache(maxsize=None)
def _benettin_fn(d, width, depth, pairs):
    def run(key_data, act, dt, sigma_u, sigma_w):
        key = random.wrap_key_data(key_data)
        k_x, k_xi, k_net = random.split(key, 3)
        x = _normalise(random.normal(k_x, (pairs, d)))
        xi = random.normal(k_xi, (pairs, d))
        xi = _normalise(xi - x * jnp.sum(x * xi, axis=-1, keepdims=True))
        eps = jnp.sqrt(dt)

        def step(carry, layer):
            x, xi, log_growth = carry
            # one MLP draw for every pair (the common noise), as in _mlp
            u, w, b_u, b_w = _mlp_weights(random.fold_in(k_net, layer), d, width, sigma_u,
                                          sigma_w)
            pre = x @ u.T / math.sqrt(d) + b_u
            v = x + eps * (lax.switch(act, _ACTS, pre) @ w.T / math.sqrt(width) + b_w)
            # the exact Jacobian of x ↦ LN(x + √Δt G(x)) applied to ξ (written out: it compiles
            # faster than jax.jvp and is checked against it in the tests)
            dv = xi + eps * ((lax.switch(act, _ACT_PRIMES, pre) * (xi @ u.T / math.sqrt(d)))
                             @ w.T / math.sqrt(width))
            r = jnp.linalg.norm(v, axis=-1, keepdims=True)
            x = v / r
            xi = (dv - x * jnp.sum(x * dv, axis=-1, keepdims=True)) / r
            growth = jnp.linalg.norm(xi, axis=-1)
            return (x, xi / growth[:, None], log_growth + jnp.log(growth)), None

        (_, _, log_growth), _ = lax.scan(step, (x, xi, jnp.zeros(pairs)), jnp.arange(depth))
        return jnp.mean(log_growth) / (depth * dt)

    return jax.jit(jax.vmap(run, in_axes=(0, None, None, None, None)))


def lyapunov_benettin(d: int = 5, *, activation: str = "relu", sigma_u: float = 0.0,
                      sigma_w: float = 0.0, width: int = 256, horizon: float = 50.0,
                      depth: int = 1000, pairs: int = 16,
                      seeds: Sequence[int] = range(8)) -> tuple[float, float]:
    r"""Benettin estimate of the top Lyapunov exponent λ₁ of the MLP-only deep network.

    Attention off. ``pairs`` base points (uniform on S^{d−1}) each carry a unit tangent vector ξ;
    all go through the *same* layers ``x ↦ LN(x + √Δt G^m_ℓ(x))``; ξ is pushed forward by the
    exact Jacobian (the δ → 0 limit of two points at distance δ) and renormalised at
    every layer, and the log-growth is summed. The per-network estimate is
    ``mean_pairs Σ_ℓ log|ξ_ℓ| / T``; pairs of one network share the noise and are *not*
    independent, so the standard error is taken across networks (seeds).

    Compare with ``kernel_constants(...).lyapunov = ((d−3)/2)κ'(1) − ((d−1)/2)κ(1)``; the
    discrete network differs from the SDE by O(Δt).

    Args:
        d: dimension ≥ 2. activation, sigma_u, sigma_w: the MLP. width: m ≥ 1.
        horizon: T > 0. depth: L ≥ 1 (Δt = T/L). pairs: points per network ≥ 1.
        seeds: the seeds of the independent networks, a sequence of at least 2.

    Returns:
        (estimate, standard_error): mean over networks and its standard error (std/√seeds).

    Raises:
        ValueError: any argument out of range.
    """
    d = check_int("d", d, low=2)
    depth, horizon, width = _check_depth(depth, horizon, width)
    act, sigma_u, sigma_w = _check_mlp(activation, sigma_u, sigma_w)
    pairs = check_int("pairs", pairs, low=1)
    seeds = check_seeds(seeds)
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 seeds (the error is taken across networks), "
                         f"got {seeds!r}")
    rates = np.asarray(_benettin_fn(d, width, depth, pairs)(
        _keys(seeds), act, horizon / depth, sigma_u, sigma_w), dtype=float)
    return mean_se(rates)


# --- the random limit: spread over networks against spread over token draws ---------------------
class SpreadResult(NamedTuple):
    """Output of :func:`random_limit_spread`.

    Attributes:
        n_tokens: the token counts N.
        mean_cos: final mean cosine, array (len(n_tokens), networks, draws).
        between: per N, the spread over networks: std over networks, averaged over token draws.
        within: per N, the spread within a network: std over token draws, averaged over networks.
    """

    n_tokens: tuple
    mean_cos: np.ndarray
    between: np.ndarray
    within: np.ndarray


def random_limit_spread(n_tokens: Sequence[int] = (4, 16, 64), *, d: int = 5,
                        networks: Sequence[int] = range(8), draws: Sequence[int] = range(8),
                        depth: int = 150, horizon: float = 5.0, width: int = 64,
                        activation: str = "relu", sigma_u: float = 0.1, sigma_w: float = 0.1,
                        beta: float = 1.0, v_scale: float = 0.0) -> SpreadResult:
    r"""Is the limit of the empirical measure random? (paper, Prop. 1.2 and Cor. 1.3.)

    For each N, each network seed n and each token draw k (N i.i.d. uniform tokens: the first N
    rows of ``sample_sphere(max(n_tokens), d, k)``), the final mean cosine of :func:`forward`.
    With common noise, μ^N_T → μ_T, a random measure that depends on the network only: as N
    grows the spread over token draws within one network shrinks (like N^{-1/2}), the spread
    over networks does not. One compiled function for every N (tokens padded to max N).

    Args:
        n_tokens: the N to compare, each ≥ 2. d: dimension ≥ 2.
        networks: network seeds (a sequence of ≥ 2). draws: token-draw seeds (≥ 2).
        depth, horizon, width, activation, sigma_u, sigma_w, beta, v_scale: as in
            :func:`forward`.

    Returns:
        :class:`SpreadResult`.

    Raises:
        ValueError: any argument out of range.
    """
    n_tokens = tuple(check_int("n_tokens", n, low=2) for n in n_tokens)
    if not n_tokens:
        raise ValueError("n_tokens must hold at least one N, got ()")
    d = check_int("d", d, low=2)
    networks, draws = check_seeds(networks, "networks"), check_seeds(draws, "draws")
    for name, s in (("networks", networks), ("draws", draws)):
        if len(s) < 2:
            raise ValueError(f"{name} must hold at least 2 seeds, got {s!r}")
    n_max = max(n_tokens)
    kw = dict(depth=depth, horizon=horizon, width=width, activation=activation,
              sigma_u=sigma_u, sigma_w=sigma_w, beta=beta, v_scale=v_scale, seeds=networks,
              max_tokens=n_max)
    out = np.empty((len(n_tokens), len(networks), len(draws)))
    for k, draw in enumerate(draws):
        x = sample_sphere(n_max, d, draw)
        for i, n in enumerate(n_tokens):
            out[i, :, k] = forward(x[:n], **kw).mean_cos[:, -1]
    return SpreadResult(n_tokens, out, out.std(axis=1, ddof=1).mean(axis=1),
                        out.std(axis=2, ddof=1).mean(axis=1))

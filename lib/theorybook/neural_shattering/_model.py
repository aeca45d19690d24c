r"""The two-layer ReLU network, full-batch gradient descent and the sharpness (paper §2).

Parameters are a dict ``{"w": (K, d), "b": (K,), "v": (K,), "beta": ()}`` for

.. math:: f_\theta(x) = \sum_{k=1}^K v_k\,\mathrm{ReLU}(w_k^\top x - b_k) + \beta

(note the minus sign on the bias: the kink of neuron k is the hyperplane
:math:`u_k^\top x = t_k`, :math:`u_k = w_k/\|w_k\|`, :math:`t_k = b_k/\|w_k\|`). Everything runs in
float64 inside a local ``enable_x64`` context, so other chapters' JAX code is unaffected.
"""

from __future__ import annotations

import contextlib
import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.flatten_util import ravel_pytree

from theorybook.common import check_array, check_int, check_number, jax_key, rng

KEYS = ("w", "b", "v", "beta")


def _x64():
    """Float64 for this chapter's JAX code only (never set globally: it would change other chapters)."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(True)
    from jax.experimental import enable_x64  # older JAX

    return enable_x64()


# --------------------------------------------------------------------------- validation
def _as_params(params) -> dict:
    if not isinstance(params, dict) or set(params) != set(KEYS):
        raise ValueError(f"params must be a dict with keys {KEYS}, got {params!r:.80}")
    p = {k: np.asarray(params[k], dtype=np.float64) for k in KEYS}
    if p["w"].ndim != 2:
        raise ValueError(f"params['w'] must have shape (K, d), got {p['w'].shape}")
    K = p["w"].shape[0]
    for k in ("b", "v"):
        if p[k].shape != (K,):
            raise ValueError(f"params[{k!r}] must have shape ({K},), got {p[k].shape}")
    if p["beta"].shape != ():
        raise ValueError(f"params['beta'] must be a scalar, got shape {p['beta'].shape}")
    if not all(np.all(np.isfinite(a)) for a in p.values()):
        raise ValueError("params must be finite")
    return p


def _as_X(X, d: int | None = None) -> np.ndarray:
    """Inputs (n, d) with n >= 1 (d: the network's input dimension, when given)."""
    X = check_array("X", X, shape=(None, d))
    if X.shape[0] < 1:
        raise ValueError(f"X must have at least one row, got shape {X.shape}")
    return X


def _start_vector(params: dict, seed: int):
    """The power iteration's random start, one entry per parameter (``jax_key(seed)``)."""
    size = sum(a.size for a in params.values())
    return jax.random.normal(jax_key(seed), (size,), jnp.float64)


def pad_inputs(X, params: dict, dim: int):
    r"""Inputs and first-layer weights padded with zero coordinates up to ``dim`` columns.

    The padded weights never touch the data (their gradient is :math:`\sum_i x_{ij} \cdots = 0`),
    so the network, its training and the gradient norm used for clipping are exactly those of
    the unpadded one; padding lets runs of several dimensions share one compiled kernel.

    Returns:
        ``(X_padded, params_padded)`` (a new dict; ``params`` is unchanged).

    Raises:
        ValueError: malformed ``X`` or ``params``; ``dim`` below the input dimension.
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    extra = check_int("dim", dim, low=X.shape[1]) - X.shape[1]
    return np.pad(X, ((0, 0), (0, extra))), dict(p, w=np.pad(p["w"], ((0, 0), (0, extra))))


# --------------------------------------------------------------------------- the network
def init_network(width: int, d: int, seed: int = 0) -> dict:
    r"""Kaiming initialisation of the two-layer net (the paper's "Kaiming init", §4).

    :math:`w_k \sim N(0, \tfrac{2}{d} I_d)` (He et al., ReLU gain), :math:`b_k \sim U(-1/\sqrt d, 1/\sqrt d)`
    and :math:`v_k \sim U(-1/\sqrt K, 1/\sqrt K)` (PyTorch's ``nn.Linear`` defaults for the bias and the
    linear output layer), :math:`\beta = 0`. The paper does not give the variant; this one is a
    documented choice.

    Returns:
        dict of float64 numpy arrays ``w`` (K, d), ``b`` (K,), ``v`` (K,), ``beta`` ().

    Raises:
        ValueError: ``width`` or ``d`` not a positive integer, ``seed`` not a non-negative integer.
    """
    K, d = check_int("width", width, low=1), check_int("d", d, low=1)
    g = rng(seed)
    return {
        "w": g.standard_normal((K, d)) * np.sqrt(2.0 / d),
        "b": g.uniform(-1, 1, K) / np.sqrt(d),
        "v": g.uniform(-1, 1, K) / np.sqrt(K),
        "beta": np.float64(0.0),
    }


def _forward(p, X):
    return jax.nn.relu(X @ p["w"].T - p["b"]) @ p["v"] + p["beta"]


def _loss(p, X, y):
    r = _forward(p, X) - y
    return 0.5 * jnp.mean(r * r)


def predict(params: dict, X) -> np.ndarray:
    r"""The network's output :math:`f_\theta(x_i) = \sum_k v_k \mathrm{ReLU}(w_k^\top x_i - b_k) + \beta`.

    Returns a float64 array of shape (n,). Raises ValueError on malformed ``params`` or ``X``.
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    return np.maximum(X @ p["w"].T - p["b"], 0.0) @ p["v"] + p["beta"]


def training_loss(params: dict, X, y) -> float:
    r"""The paper's loss :math:`L(\theta) = \frac{1}{2n}\sum_i (f_\theta(x_i) - y_i)^2` (§2)."""
    X = _as_X(X)
    r = predict(params, X) - check_array("y", y, shape=(X.shape[0],))
    return float(0.5 * np.mean(r * r))


def activation_rates(params: dict, X) -> np.ndarray:
    r"""Per-neuron activation rate: the fraction of inputs with :math:`w_k^\top x_i - b_k > 0` (§4, Fig. 3).

    A rate of 0 is a neuron whose kink misses the data (dead or extrapolating), 1 an always-on
    (affine) neuron; shattering neurons have small positive rates. Returns shape (K,).
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    return np.mean(X @ p["w"].T - p["b"] > 0, axis=0)


def neuron_norms(params: dict) -> np.ndarray:
    r"""Per-neuron norm :math:`|v_k|\,\|w_k\|` (the path norm of one neuron; Figs. 3, 5-7)."""
    p = _as_params(params)
    return np.abs(p["v"]) * np.linalg.norm(p["w"], axis=1)


# --------------------------------------------------------------------------- sharpness
def _hvp_fn(p, X, y):
    """v -> (Hessian of L at p) v on the flat parameter vector (forward-over-reverse)."""
    flat, unravel = ravel_pytree(p)
    grad = lambda q: ravel_pytree(jax.grad(_loss)(unravel(q), X, y))[0]  # noqa: E731
    return flat, lambda v: jax.jvp(grad, (flat,), (v,))[1]


def _power(hvp, v0, iters, shift=0.0):
    """``iters`` power iterations on H - shift*I from v0; returns (Rayleigh quotient of H, vector)."""
    def body(_, v):
        hv = hvp(v) - shift * v
        return hv / (jnp.linalg.norm(hv) + 1e-300)

    v = lax.fori_loop(0, iters, body, v0 / jnp.linalg.norm(v0))
    return jnp.vdot(v, hvp(v)), v


def _top_eigenvalue(hvp, v0, iters):
    """Largest (signed) eigenvalue of the symmetric operator ``hvp`` by power iteration."""
    mu, v = _power(hvp, v0, iters)
    # Power iteration finds the eigenvalue largest in modulus; if it is negative, the largest
    # (signed) eigenvalue is found by iterating on H - mu I, whose spectrum is >= 0.
    return lax.cond(mu < 0, lambda: _power(hvp, v0, iters, mu)[0], lambda: mu)


@jax.jit
def _sharpness_kernel(p, X, y, v0, iters):
    _, hvp = _hvp_fn(p, X, y)
    return _top_eigenvalue(hvp, v0, iters)


def sharpness(params: dict, X, y, *, iters: int = 300, seed: int = 0) -> float:
    r"""Sharpness :math:`\lambda_{\max}(\nabla^2 L(\theta))` of the unregularised loss (§2, Prop. 2.1).

    Power iteration on exact Hessian-vector products (forward-over-reverse autodiff, float64;
    the Hessian of a ReLU net is taken where it exists, i.e. a.e., with ReLU'' = 0), started from a
    random direction drawn from ``seed``. A minimum is linearly stable for GD with step
    :math:`\eta` iff this is at most :math:`2/\eta`.

    Raises:
        ValueError: malformed ``params``, ``X``, ``y``; ``iters`` not a positive integer.
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    y = check_array("y", y, shape=(X.shape[0],))
    iters = check_int("iters", iters, low=1)
    with _x64():
        return float(_sharpness_kernel(jax.tree.map(jnp.asarray, p), jnp.asarray(X),
                                       jnp.asarray(y), _start_vector(p, seed), iters))


def thm32_bound(lam_max: float, loss: float, R: float = 1.0) -> float:
    r"""Right side of Theorem 3.2: :math:`\lambda_{\max}/2 - 1/2 + (R+1)\sqrt{2L(\theta)}`.

    It bounds the weighted seminorm :math:`|f_\theta|_{V_g}` (see :func:`vg_seminorm`) for every
    :math:`\theta`, trained or not, when the inputs lie in the ball of radius ``R``.
    """
    lam_max = check_number("lam_max", lam_max)
    loss = check_number("loss", loss, low=0)
    R = check_number("R", R, low=0, low_open=True)
    return lam_max / 2 - 0.5 + (R + 1) * math.sqrt(2 * loss)


# --------------------------------------------------------------------------- gradient descent
def _decay_mask(decay_biases: bool) -> dict:
    b = 1.0 if decay_biases else 0.0
    return {"w": 1.0, "b": b, "v": 1.0, "beta": b}


def _gd_step(p, X, y, lr, weight_decay, clip, mask):
    """One full-batch GD step: clip the loss gradient to global norm ``clip`` (PyTorch's
    ``clip_grad_norm_`` acts on .grad before the optimiser adds weight decay), then
    theta <- theta - lr (grad + weight_decay * theta)."""
    g = jax.grad(_loss)(p, X, y)
    norm = jnp.sqrt(sum(jnp.sum(a * a) for a in jax.tree.leaves(g)))
    scale = jnp.where(norm > clip, clip / norm, 1.0)
    return {k: p[k] - lr * (scale * g[k] + weight_decay * mask[k] * p[k]) for k in KEYS}


def _observe(p, X, y, f0, v, sharp_iters):
    loss = _loss(p, X, y)
    mse = jnp.mean((_forward(p, X) - f0) ** 2)
    if sharp_iters:
        _, hvp = _hvp_fn(p, X, y)
        lam, v = _power(hvp, v, sharp_iters)  # warm start: the top eigenvector moves slowly
    else:
        lam = jnp.nan
    return (loss, mse, lam), v


@partial(jax.jit, static_argnums=(7, 8, 9, 10))
def _train_kernel(p, X, y, f0, v0, lr, weight_decay, steps, every, sharp_iters, decay_biases,
                  clip=jnp.inf):
    """GD for ``steps`` steps, recording after every ``every`` steps (and at step 0)."""
    mask = _decay_mask(decay_biases)
    n_chunks = -(-steps // every)

    def chunk(carry, i):
        p, v = carry
        todo = jnp.minimum(every, steps - i * every)
        p = lax.fori_loop(0, todo, lambda _, q: _gd_step(q, X, y, lr, weight_decay, clip, mask), p)
        obs, v = _observe(p, X, y, f0, v, sharp_iters)
        return (p, v), (jnp.minimum((i + 1) * every, steps), *obs)

    first, v = _observe(p, X, y, f0, v0, sharp_iters)
    (p, _), rec = lax.scan(chunk, (p, v), jnp.arange(n_chunks))
    return p, (jnp.concatenate([jnp.zeros(1, rec[0].dtype), rec[0]]),
               *(jnp.concatenate([jnp.atleast_1d(a), b]) for a, b in zip(first, rec[1:])))


def train_gd(params: dict, X, y, *, lr: float, steps: int, weight_decay: float = 0.0,
             clip: float | None = 50.0, record_every: int | None = None, f0=None,
             sharpness_iters: int = 20, decay_biases: bool = False, seed: int = 0,
             float64: bool = True):
    r"""Full-batch gradient descent on :math:`L(\theta) = \frac1{2n}\sum_i(f_\theta(x_i)-y_i)^2` (§2, §4).

    .. math:: \theta_{t+1} = \theta_t - \eta\,\big(c_t\nabla L(\theta_t) + \lambda\,\theta_t\big),
              \qquad c_t = \min\{1, \mathrm{clip}/\|\nabla L(\theta_t)\|\}

    with :math:`\eta` = ``lr`` and :math:`\lambda` = ``weight_decay`` (the gradient of
    :math:`\frac\lambda2\|\theta\|^2` over ``w`` and ``v``; biases too if ``decay_biases``).
    Global-norm clipping at 50 is the paper's (it "only occurs in the first 10 epochs"). One
    step is one epoch. Compiled with ``lax.scan`` over records and ``fori_loop`` inside, float64.

    Args:
        params: initial parameters (:func:`init_network`).
        X, y: inputs (n, d) and labels (n,).
        lr: step size :math:`\eta > 0`; linearly stable minima have sharpness :math:`\le 2/\eta`.
        steps: number of GD steps (>= 1).
        weight_decay: :math:`\lambda \ge 0`.
        clip: global gradient-norm threshold (> 0), or None for no clipping.
        record_every: steps between records (default ``max(1, steps // 100)``).
        f0: ground truth at the training inputs (n,), for the paper's MSE; without it ``mse`` is NaN.
        sharpness_iters: warm-started power iterations per record (0: do not track, NaN).
        decay_biases: also decay ``b`` and ``beta``.
        seed: start vector of the power iteration.
        float64: train in float64 (default); False trains in float32, about twice as fast on a
            CPU (used for the larger runs of the book; keep float64 when tracking the sharpness).

    Returns:
        ``(params, history)``: the final parameters (numpy float64) and a dict of equal-length
        arrays ``step``, ``loss`` (:math:`L`), ``mse`` (:math:`\frac1n\sum_i(f(x_i)-f_0(x_i))^2`)
        and ``sharpness`` (:math:`\lambda_{\max}` of the unregularised loss), recorded at step 0,
        every ``record_every`` steps and at the last step.

    Raises:
        ValueError: naming the bad argument.
    """
    p = _as_params(params)
    X = _as_X(X, p["w"].shape[1])
    y = check_array("y", y, shape=(X.shape[0],))
    f0_arr = np.full_like(y, np.nan) if f0 is None else check_array("f0", f0, shape=y.shape)
    lr = check_number("lr", lr, low=0, low_open=True)
    steps = check_int("steps", steps, low=1)
    weight_decay = check_number("weight_decay", weight_decay, low=0)
    clip = np.inf if clip is None else check_number("clip", clip, low=0, low_open=True)
    every = (max(1, steps // 100) if record_every is None
             else check_int("record_every", record_every, low=1))
    sharpness_iters = check_int("sharpness_iters", sharpness_iters, low=0)
    dtype = jnp.float64 if float64 else jnp.float32
    with _x64():
        v0 = _start_vector(p, seed)
    with (_x64() if float64 else contextlib.nullcontext()):
        arr = lambda a: jnp.asarray(a, dtype=dtype)  # noqa: E731
        out, rec = _train_kernel(jax.tree.map(arr, p), arr(X), arr(y), arr(f0_arr), arr(v0),
                                 lr, weight_decay, steps,
                                 min(every, steps), sharpness_iters, bool(decay_biases), clip)
        out = {k: np.asarray(a, dtype=np.float64) for k, a in out.items()}
        rec = [np.asarray(a, dtype=np.float64) for a in rec]
    history = dict(zip(("step", "loss", "mse", "sharpness"), rec))
    history["step"] = history["step"].astype(np.int64)
    return out, history


def activation_classes(params: dict, X, rare: float = 0.1) -> dict:
    r"""Neurons sorted by activation rate (pitfall of §4: report the classes separately).

    Returns the fractions of neurons that are ``dead`` (rate 0: the kink misses the data, the
    neuron is constant or extrapolates), ``rare`` (0 < rate < ``rare``: the shattering neurons),
    ``broad`` (``rare`` <= rate < 1) and ``always`` (rate 1: affine on the data), and the median
    neuron norm :math:`|v_k|\|w_k\|` of the rare and of the broad neurons (NaN if none).
    """
    rare = check_number("rare", rare, low=0, high=1, low_open=True, high_open=True)
    r, norm = activation_rates(params, X), neuron_norms(params)
    classes = {"dead": r == 0, "rare": (r > 0) & (r < rare), "broad": (r >= rare) & (r < 1),
               "always": r == 1}
    out = {k: float(np.mean(m)) for k, m in classes.items()}
    for k in ("rare", "broad"):
        out[f"norm_{k}"] = float(np.median(norm[classes[k]])) if classes[k].any() else float("nan")
    return out

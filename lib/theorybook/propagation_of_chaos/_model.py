r"""The shallow network in the mean-field scaling, its particles, the tasks and closed forms.

The network (paper, abstract: :math:`f_\rho(x) = \int a\,\sigma(w\cdot x)\,d\rho(a, w)`) evaluated
at the empirical measure of m particles :math:`\theta_i = (a_i, w_i)`:

.. math:: f_{\hat\rho^m}(x) = \frac1m \sum_{i=1}^m a_i\,\sigma(w_i\cdot x).

Initialisation (our choice, because it makes the t = 0 gap an exact identity):
:math:`w_i \sim N(0, I_d/d)`, :math:`a_i` uniform on :math:`\{\pm 1\}`, independent.

References: Glasgow & Bruna, arXiv:2605.22010 (abstract); Mei, Montanari & Nguyen (2018) and
Chizat & Bach (2018) for the mean-field limit. Shown in: book/propagation_of_chaos/.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from theorybook.common import (check_array, check_choice, check_int, check_number, jax_key,
                               rng)

ACTIVATIONS = ("relu", "tanh", "softplus")
TARGETS = ("fast", "slow")
SCALINGS = ("mean_field", "lazy")
_RELU_MEAN = 2.0 / math.sqrt(2.0 * math.pi)      # E[ReLU(z1) + ReLU(z2)], z ~ N(0, 1)


def _sigma(h, activation: str):
    if activation == "relu":
        return jax.nn.relu(h)
    if activation == "tanh":
        return jnp.tanh(h)
    return jax.nn.softplus(h)


def _sigma_prime(h, activation: str):
    if activation == "relu":
        return (h > 0).astype(h.dtype)
    if activation == "tanh":
        return 1.0 - jnp.tanh(h) ** 2
    return jax.nn.sigmoid(h)


def _out_scale(width: int, scaling: str) -> float:
    """1/m in the mean-field scaling, 1/√m in the lazy (NTK) scaling."""
    return 1.0 / width if scaling == "mean_field" else 1.0 / math.sqrt(width)


def _init(key, width: int, d: int):
    k_a, k_w = jax.random.split(key)
    a = jnp.where(jax.random.bernoulli(k_a, 0.5, (width,)), 1.0, -1.0)
    w = jax.random.normal(k_w, (width, d)) / math.sqrt(d)
    return {"a": a, "w": w}


def _forward(params, X, activation: str, scaling: str = "mean_field"):
    a, w = params["a"], params["w"]
    return _out_scale(a.shape[-1], scaling) * (_sigma(X @ w.T, activation) @ a)


def check_params(params, name: str = "params"):
    """The particles as a dict of float32 JAX arrays ``a`` (m,) and ``w`` (m, d)."""
    if not isinstance(params, dict) or set(params) != {"a", "w"}:
        raise ValueError(f"{name} must be a dict with keys 'a' and 'w' (use init_particles)")
    w = check_array(f"{name}['w']", params["w"], ndim=2)
    a = check_array(f"{name}['a']", params["a"], shape=(w.shape[0],))
    return {"a": jnp.asarray(a, jnp.float32), "w": jnp.asarray(w, jnp.float32)}


def init_particles(width: int, d: int, seed: int) -> dict:
    r"""m i.i.d. particles :math:`\theta_i = (a_i, w_i) \sim \rho_0`: :math:`w_i \sim N(0, I_d/d)`,
    :math:`a_i \in \{\pm1\}` with probability 1/2 each.

    Args:
        width: m ≥ 1.  d: input dimension ≥ 1.  seed: non-negative integer.

    Returns:
        ``{"a": (m,), "w": (m, d)}``, float32 JAX arrays.

    Raises:
        ValueError: width < 1, d < 1 or a bad seed.
    """
    width, d = check_int("width", width, low=1), check_int("d", d, low=1)
    return _init(jax_key(seed), width, d)


def predict(params, X, activation: str = "relu", scaling: str = "mean_field"):
    r""":math:`f(x) = \frac1m\sum_i a_i\sigma(w_i\cdot x)` at the rows of ``X`` (mean-field
    scaling); ``scaling="lazy"`` uses the NTK output scale :math:`1/\sqrt m` instead.

    Args:
        params: ``{"a": (m,), "w": (m, d)}``.  X: (n, d).
        activation: ``"relu"``, ``"tanh"`` or ``"softplus"``.  scaling: ``"mean_field"`` or ``"lazy"``.

    Returns:
        (n,) numpy array.

    Raises:
        ValueError: malformed params, X of the wrong shape, unknown activation or scaling.
    """
    params = check_params(params)
    X = check_array("X", X, shape=(None, params["w"].shape[1]))
    activation = check_choice("activation", activation, ACTIVATIONS)
    scaling = check_choice("scaling", scaling, SCALINGS)
    return np.asarray(_forward(params, jnp.asarray(X, jnp.float32), activation, scaling))


class Task(NamedTuple):
    """A regression task with noiseless labels y = f*(x), x ~ N(0, I_d).

    Attributes:
        X_train (N, d), y_train (N,), X_test (n_test, d), y_test (n_test,): float32 numpy arrays.
        d: the dimension.  target: ``"fast"`` or ``"slow"``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    d: int
    target: str


def target_function(X, target: str):
    r"""f*(x): ``"fast"`` is :math:`\mathrm{ReLU}(x_1) + \mathrm{ReLU}(x_2) - 2/\sqrt{2\pi}` (a
    centred sum of two ReLUs, learned quickly); ``"slow"`` is :math:`He_2(x_1) = x_1^2 - 1` (a
    single index of information exponent 2, learned after a plateau). Both have mean zero under
    N(0, I_d); E[f*²] is 1 − 1/π for "fast" and 2 for "slow". Our choice of targets.

    Raises:
        ValueError: X not (n, d) with d ≥ 2, or an unknown target.
    """
    X = check_array("X", X, ndim=2)
    if X.shape[1] < 2:
        raise ValueError(f"X must have d >= 2 columns, got shape {X.shape}")
    target = check_choice("target", target, TARGETS)
    if target == "fast":
        return np.maximum(X[:, 0], 0) + np.maximum(X[:, 1], 0) - _RELU_MEAN
    return X[:, 0] ** 2 - 1.0


def make_task(d: int, n_train: int, n_test: int, target: str = "fast", seed: int = 0) -> Task:
    """Draw N training and n_test test inputs x ~ N(0, I_d) with labels f*(x) (no noise).

    Raises:
        ValueError: d < 2, n_train or n_test < 1, unknown target, bad seed.
    """
    d = check_int("d", d, low=2)
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=1)
    target = check_choice("target", target, TARGETS)
    g = rng(seed)
    X_train = g.standard_normal((n_train, d))
    X_test = g.standard_normal((n_test, d))
    f32 = np.float32
    return Task(X_train.astype(f32), target_function(X_train, target).astype(f32),
                X_test.astype(f32), target_function(X_test, target).astype(f32), d, target)


def second_moment(X, d: int, activation: str = "relu") -> np.ndarray:
    r""":math:`E_w[\sigma(w\cdot x)^2]` for :math:`w \sim N(0, I_d/d)`, at each row x of ``X``.

    :math:`w\cdot x \sim N(0, \|x\|^2/d)`; for ReLU the value is :math:`\|x\|^2/(2d)`, for tanh
    and softplus a 1-D Gauss–Hermite quadrature with 80 nodes (error below 1e-10 here).

    Raises:
        ValueError: X not (n, d), d < 1, unknown activation.
    """
    d = check_int("d", d, low=1)
    X = check_array("X", X, shape=(None, d))
    activation = check_choice("activation", activation, ACTIVATIONS)
    s = np.linalg.norm(X.astype(np.float64), axis=1) / math.sqrt(d)
    if activation == "relu":
        return s**2 / 2
    z, wts = np.polynomial.hermite_e.hermegauss(80)
    h = s[:, None] * z[None, :]
    sig = np.tanh(h) if activation == "tanh" else np.logaddexp(0.0, h)
    return (sig**2) @ wts / math.sqrt(2 * math.pi)


def clt_gap_at_init(X_test, d: int, activation: str, m: int, M: int) -> float:
    r"""Expected gap at t = 0 between independent networks of widths m and M (central limit):

    .. math:: E[G_m(0)] = \Big(\frac1m + \frac1M\Big)\,\frac1n\sum_j E_w[\sigma(w\cdot x_j)^2].

    Exact for any activation: the :math:`a_i = \pm1` are symmetric and independent, so both
    networks have mean zero and variance :math:`E_w\sigma^2/m` at each x. Our derivation.

    Raises:
        ValueError: bad X_test, d, activation, or m, M < 1.
    """
    m, M = check_int("m", m, low=1), check_int("M", M, low=1)
    return float((1 / m + 1 / M) * np.mean(second_moment(X_test, d, activation)))


def weight_movement(params0, params1) -> float:
    r"""Relative movement of the first-layer weights :math:`\|W_1 - W_0\|_F / \|W_0\|_F`.

    Raises:
        ValueError: malformed params or different shapes.
    """
    w0 = np.asarray(check_params(params0, "params0")["w"], np.float64)
    w1 = np.asarray(check_params(params1, "params1")["w"], np.float64)
    if w0.shape != w1.shape:
        raise ValueError(f"params1 must have the shape of params0 {w0.shape}, got {w1.shape}")
    return float(np.linalg.norm(w1 - w0) / np.linalg.norm(w0))


def gronwall_curve(times, C: float, m: int) -> np.ndarray:
    r"""The finite-horizon (Grönwall) bound's shape :math:`e^{Ct}/m`: a caricature, not a fit.

    Raises:
        ValueError: times not a finite 1-D array, C not finite, m < 1.
    """
    t = check_array("times", times, ndim=1)
    C = check_number("C", C)
    m = check_int("m", m, low=1)
    return np.exp(C * t) / m

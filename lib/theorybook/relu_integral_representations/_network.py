r"""Monte Carlo networks drawn from the Hermite representation, their evaluation and the
least-squares refit of their outer weights.

The representation (I4), our reconstruction in the spirit of the paper's §7 (arXiv:2604.23260):
for :math:`p = \sum_\alpha c_\alpha x^\alpha`, :math:`h = \sum_\alpha c_\alpha He_\alpha` and any
bias density :math:`q > 0` on :math:`\mathbb R`,

.. math:: p(x) = e^{-\|x\|^2/2}\,\mathbb E_{w \sim N(0, I_d),\, b \sim q}
          \Big[h(w)\,\frac{e^b}{q(b)}\,(\langle w, x\rangle - b)_+\Big].

Proof: :math:`e^{t} = \int (t-b)_+ e^b\,db = \mathbb E_{b\sim q}[e^b/q(b)\,(t-b)_+]` (identity I1)
at :math:`t = \langle w, x\rangle`, then the Hermite identity (I2). Drawing :math:`N` neurons
gives the finite network

.. math:: f_N(x) = e^{-\|x\|^2/2} \sum_{i=1}^N a_i\,(\langle w_i, x\rangle - b_i)_+,\qquad
          a_i = \frac{h(w_i)\,e^{b_i}}{N\,q(b_i)} .
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from theorybook.common import (check_array, check_choice, check_int, check_number, check_seed,
                               rng)

from ._polynomial import _coeffs, hermite_weight

__all__ = ["BIAS_LAWS", "ReluNetwork", "bias_log_density", "network_predict",
           "refit_outer_weights", "sample_network"]

BIAS_LAWS = ("laplace", "gaussian")
_CHUNK = 4096          # neurons per step of the evaluation scan (memory: n_points x _CHUNK)
_SMALL = 2**21         # n_points x width below which numpy evaluates the network


@dataclass(frozen=True)
class ReluNetwork:
    r"""A two-layer ReLU network with a fixed multiplier,
    :math:`f(x) = m(x)\sum_i a_i (\langle w_i, x\rangle - b_i)_+`.

    Attributes:
        W: inner weights, shape (N, d).
        b: biases, shape (N,).
        a: outer weights, shape (N,) (the 1/N of the Monte Carlo average is included).
        multiplier: True for :math:`m(x) = e^{-\|x\|^2/2}` (the representation's fixed
            function), False for :math:`m = 1` (a plain ReLU network).
    """

    W: np.ndarray
    b: np.ndarray
    a: np.ndarray
    multiplier: bool = True

    @property
    def width(self) -> int:
        return int(self.W.shape[0])


def bias_log_density(b, *, bias_law: str = "laplace", bias_scale: float = 2.0) -> np.ndarray:
    r""":math:`\log q(b)` for the bias law: Laplace :math:`e^{-|b|/s}/(2s)` or Gaussian
    :math:`N(0, s^2)`, with :math:`s` = ``bias_scale``.

    Raises:
        ValueError: for an unknown ``bias_law`` or a ``bias_scale`` that is not positive.
    """
    s, bias_law = _check_law(bias_scale, bias_law)
    b = np.asarray(b, dtype=float)
    if bias_law == "laplace":
        return -np.abs(b) / s - math.log(2 * s)
    return -0.5 * (b / s) ** 2 - math.log(s * math.sqrt(2 * math.pi))


def _sample(c, width, d, bias_scale, bias_law, gen) -> ReluNetwork:
    W = gen.standard_normal((width, d))
    if bias_law == "laplace":
        b = gen.laplace(0.0, bias_scale, width)
    else:
        b = bias_scale * gen.standard_normal(width)
    log_q = bias_log_density(b, bias_law=bias_law, bias_scale=bias_scale)
    a = hermite_weight(c, W) * np.exp(b - log_q) / width
    return ReluNetwork(W=W, b=b, a=a, multiplier=True)


def _check_law(bias_scale, bias_law) -> tuple[float, str]:
    return (check_number("bias_scale", bias_scale, low=0.0, low_open=True),
            check_choice("bias_law", bias_law, BIAS_LAWS))


def sample_network(coeffs, width, d, *, bias_scale: float = 2.0, bias_law: str = "laplace",
                   seed: int = 0) -> ReluNetwork:
    r"""Draw the width-:math:`N` Monte Carlo network :math:`f_N` of the representation (I4).

    :math:`w_i \sim N(0, I_d)`, :math:`b_i \sim q` (Laplace or Gaussian of scale
    ``bias_scale``), :math:`a_i = h(w_i)\,e^{b_i}/(N q(b_i))`; numpy draws from
    ``common.rng(seed)``. :math:`\mathbb E f_N = p` for every law :math:`q`; the variance is
    finite for the Laplace law with scale > 1/2 and infinite for the Gaussian law (the weight
    :math:`e^b/q(b)` grows like :math:`e^{b^2/2s^2}` as :math:`b \to -\infty`).

    Args:
        coeffs: ``{multi_index: coefficient}`` of the target polynomial.
        width: number of neurons N >= 1.
        d: input dimension, at least the longest multi-index.
    Returns:
        a :class:`ReluNetwork` with ``multiplier=True``.
    Raises:
        ValueError: for bad coefficients, width, d, bias law or seed.
    """
    d = check_int("d", d, low=1)
    c = _coeffs(coeffs, d)
    width = check_int("width", width, low=1)
    bias_scale, bias_law = _check_law(bias_scale, bias_law)
    return _sample(c, width, d, bias_scale, bias_law, rng(check_seed(seed)))


def _x64():
    return jax.enable_x64(True)


@partial(jax.jit, static_argnames=("multiplier",))
def _predict_jax(X, W, b, a, multiplier):
    """Scan over chunks of neurons; W, b, a have shape (k, chunk, ...)."""
    def step(acc, chunk):
        Wc, bc, ac = chunk
        return acc + jnp.maximum(X @ Wc.T - bc, 0.0) @ ac, None

    out, _ = jax.lax.scan(step, jnp.zeros(X.shape[0], X.dtype), (W, b, a))
    if multiplier:
        out = out * jnp.exp(-0.5 * jnp.sum(X * X, axis=1))
    return out


def _padded(net: ReluNetwork):
    """Neurons padded with zero outer weights to k chunks of a power-of-two size <= _CHUNK,
    so that widths share compiled shapes."""
    n = net.width
    size = min(_CHUNK, 1 << max(0, (n - 1).bit_length()))
    k = -(-n // size)
    pad = k * size - n
    W = np.concatenate([net.W, np.zeros((pad, net.W.shape[1]))]).reshape(k, size, -1)
    b = np.concatenate([net.b, np.zeros(pad)]).reshape(k, size)
    a = np.concatenate([net.a, np.zeros(pad)]).reshape(k, size)
    return W, b, a


def network_predict(net: ReluNetwork, X) -> np.ndarray:
    r""":math:`f(x) = m(x)\sum_i a_i(\langle w_i, x\rangle - b_i)_+` at the rows of ``X``.

    JAX in float64 (a local ``enable_x64``): a jitted ``lax.scan`` over chunks of 4096 neurons,
    so memory stays at n x 4096 whatever the width. Below n x N = 2^21 plain numpy is used
    (compiling for every new shape would cost more than it saves).

    Args:
        net: a :class:`ReluNetwork`.
        X: points, shape (n, d).
    Returns:
        shape (n,).
    Raises:
        ValueError: if ``net`` is not a ReluNetwork or ``X`` has the wrong shape.
    """
    if not isinstance(net, ReluNetwork):
        raise ValueError(f"net must be a ReluNetwork, got {type(net).__name__}")
    X = check_array("X", X, shape=(None, net.W.shape[1]))
    if net.width * X.shape[0] <= _SMALL:
        return features(net, X) @ net.a
    W, b, a = _padded(net)
    with _x64():
        return np.asarray(_predict_jax(X, W, b, a, bool(net.multiplier)))


def features(net: ReluNetwork, X) -> np.ndarray:
    r"""The hidden layer :math:`m(x)(\langle w_i, x\rangle - b_i)_+`, shape (n, N)."""
    X = check_array("X", X, shape=(None, net.W.shape[1]))
    phi = np.maximum(X @ net.W.T - net.b, 0.0)
    if net.multiplier:
        phi *= np.exp(-0.5 * np.sum(X * X, axis=1))[:, None]
    return phi


def refit_outer_weights(net: ReluNetwork, X, y, ridge: float = 0.0) -> ReluNetwork:
    r"""Refit the outer weights by (ridge) least squares with the sampled inner weights fixed.

    .. math:: \hat a = \arg\min_a \sum_j \big(f_a(x_j) - y_j\big)^2 + \lambda \|a\|^2

    (``numpy.linalg.lstsq``, the minimum-norm solution, when :math:`\lambda` = ``ridge`` = 0).
    The Monte Carlo weights are one candidate, so on the fitting sample the refit's error is
    never larger (the paper's App. A studies the optimal squared error of random networks; its
    statement is not reproduced here).

    Args:
        net: a :class:`ReluNetwork` (its W, b and multiplier are kept).
        X: fitting inputs, shape (n, d).
        y: targets, shape (n,).
        ridge: :math:`\lambda \ge 0`.
    Returns:
        a :class:`ReluNetwork` with the refitted ``a``.
    Raises:
        ValueError: for bad shapes or a negative ridge.
    """
    if not isinstance(net, ReluNetwork):
        raise ValueError(f"net must be a ReluNetwork, got {type(net).__name__}")
    phi = features(net, X)
    y = check_array("y", y, shape=(phi.shape[0],))
    ridge = check_number("ridge", ridge, low=0.0)
    if ridge == 0.0:
        a = np.linalg.lstsq(phi, y, rcond=None)[0]
    else:
        a = np.linalg.solve(phi.T @ phi + ridge * np.eye(phi.shape[1]), phi.T @ y)
    return replace(net, a=a)

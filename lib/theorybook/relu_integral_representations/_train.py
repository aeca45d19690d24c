"""A trained two-layer ReLU network with the same architecture, for comparison (full-batch Adam).

The paper's §6 reports observations from trained two-layer ReLU networks that we could not
read; this trainer is our choice of baseline (optax Adam on the mean squared error, all layers
trained), not a reproduction of §6.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from theorybook.common import check_array, check_int, check_number, check_seed, rng

from ._network import ReluNetwork, _x64

__all__ = ["train_network"]


def _forward(params, X, multiplier):
    W, b, a = params
    out = jnp.maximum(X @ W.T - b, 0.0) @ a
    return out * jnp.exp(-0.5 * jnp.sum(X * X, axis=1)) if multiplier else out


@partial(jax.jit, static_argnames=("steps", "lr", "multiplier"))
def _train(params, X, y, steps, lr, multiplier):
    opt = optax.adam(lr)

    def loss(p):
        return jnp.mean((_forward(p, X, multiplier) - y) ** 2)

    def step(carry, _):
        p, state = carry
        value, grad = jax.value_and_grad(loss)(p)
        updates, state = opt.update(grad, state, p)
        return (optax.apply_updates(p, updates), state), value

    (params, _), losses = jax.lax.scan(step, (params, opt.init(params)), None, length=steps)
    return params, losses


def train_network(X, y, *, width: int, steps: int = 2000, lr: float = 1e-2, seed: int = 0,
                  multiplier: bool = True) -> tuple[ReluNetwork, np.ndarray]:
    r"""Train :math:`f(x) = m(x)\sum_i a_i(\langle w_i, x\rangle - b_i)_+` by full-batch Adam.

    Initialisation (our choice): :math:`w_i \sim N(0, I_d)`, :math:`b_i \sim N(0, 1)`,
    :math:`a_i \sim N(0, 1/N^2)`, from ``common.rng(seed)``; float64.

    Returns:
        the trained :class:`ReluNetwork` and the training loss per step, shape (steps,).
    Raises:
        ValueError: for bad data, width, steps, lr or seed.
    """
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, shape=(X.shape[0],))
    width = check_int("width", width, low=1)
    steps = check_int("steps", steps, low=1)
    lr = check_number("lr", lr, low=0.0, low_open=True)
    gen = rng(check_seed(seed))
    params = (gen.standard_normal((width, X.shape[1])), gen.standard_normal(width),
              gen.standard_normal(width) / width)
    with _x64():
        (W, b, a), losses = _train(tuple(jnp.asarray(p) for p in params), jnp.asarray(X),
                                   jnp.asarray(y), steps, lr, bool(multiplier))
        return (ReluNetwork(W=np.asarray(W), b=np.asarray(b), a=np.asarray(a),
                            multiplier=bool(multiplier)), np.asarray(losses))

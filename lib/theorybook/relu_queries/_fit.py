r"""Gradient descent on the squared loss of one ReLU, jitted and vmapped over starting points.

.. math:: L(w, t) = \frac{1}{2n}\sum_i \big((w\cdot x_i - t)_+ - y_i\big)^2,\qquad
          \theta \leftarrow \theta - \eta\,P\,\nabla L(\theta),\quad \theta = (w, t).

``P = I`` is plain gradient descent (the passive baseline); the query learner preconditions by
the inverse second moment of the features :math:`(x, -1)` of its localized sample (our choice:
on a thin slab far from the origin those features are nearly collinear and plain GD with a fixed
step would diverge or crawl). Rows are padded to a power of two and masked, so that a sweep over
sample sizes compiles a handful of kernels, not one per size.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax


def _descend(theta, phi, y, mask, precond, lr, steps):
    n = jnp.maximum(mask.sum(), 1.0)

    def step(_, th):
        z = phi @ th
        r = jnp.where(z > 0, z - y, 0.0) * mask
        return th - lr * precond @ (phi.T @ r) / n

    return lax.fori_loop(0, steps, step, theta)


@partial(jax.jit, static_argnames="steps")
def _descend_batch(thetas, phi, y, mask, precond, lr, steps):
    return jax.vmap(_descend, in_axes=(0, None, None, None, None, None, None))(
        thetas, phi, y, mask, precond, lr, steps)


def _padded(n: int) -> int:
    return max(16, 1 << (n - 1).bit_length())


def fit_relu(X, y, starts, *, lr, steps, precondition=False):
    """Run GD from each row of ``starts`` (shape (k, d + 1): w then t) on (X, y).

    Returns ``(thetas, losses)``: the k final parameters and their training losses
    :math:`L(w, t)` (float64, evaluated in numpy).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    phi = np.concatenate([X, -np.ones((n, 1))], axis=1)
    precond = np.eye(d + 1)
    if precondition:
        precond = np.linalg.inv(phi.T @ phi / n + 1e-6 * np.eye(d + 1))
    size = _padded(n)
    pad = ((0, size - n), (0, 0))
    thetas = _descend_batch(jnp.asarray(starts, jnp.float32),
                            jnp.asarray(np.pad(phi, pad), jnp.float32),
                            jnp.asarray(np.pad(y, (0, size - n)), jnp.float32),
                            jnp.asarray(np.arange(size) < n, jnp.float32),
                            jnp.asarray(precond, jnp.float32), jnp.float32(lr), int(steps))
    thetas = np.asarray(thetas, dtype=float)
    losses = 0.5 * np.mean((np.maximum(phi @ thetas.T, 0.0) - y[:, None]) ** 2, axis=0)
    return thetas, losses

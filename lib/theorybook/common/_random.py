"""Randomness, written once: the seed convention and the uniform samplers every chapter uses.

The convention (CONTRIBUTING.md, "Seeds"):

- every public function takes an integer ``seed`` (``check_seed``); ``seeds`` is always a
  sequence of them (``check_seeds``), never a count;
- numpy code draws from ``numpy.random.default_rng(seed)``; independent streams for the parts of
  one experiment come from :func:`spawn` (``numpy.random.SeedSequence.spawn``), never from
  arithmetic on the seed such as ``seed * 1_000_003 + d``;
- JAX code makes ``jax.random.key(seed)`` in one place and derives the rest with
  ``jax.random.split`` or ``jax.random.fold_in(key, index)`` (see :func:`jax_key`), so adding a
  width or a seed leaves the other runs' numbers unchanged.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_int, check_number, check_seed

__all__ = [
    "jax_key",
    "rng",
    "sample_ball",
    "sample_ball_jax",
    "sample_sphere",
    "sample_sphere_jax",
    "spawn",
]


def rng(seed: int | np.random.Generator) -> np.random.Generator:
    """A ``numpy.random.Generator`` for ``seed``; a Generator passes through unchanged."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed))


def spawn(seed: int, count: int) -> list[np.random.Generator]:
    """``count`` independent Generators derived from ``seed`` by ``SeedSequence.spawn``.

    Stream ``i`` depends only on ``(seed, i)``: asking for more streams leaves the first ones
    unchanged.
    """
    count = check_int("count", count, low=1)
    children = np.random.SeedSequence(check_seed(seed)).spawn(count)
    return [np.random.default_rng(c) for c in children]


def jax_key(seed: int, *path: int):
    """``jax.random.key(seed)`` folded with each index of ``path`` (``fold_in``), in order.

    ``jax_key(seed, 3)`` is the stream of the fourth width, seed or phase of an experiment.
    """
    import jax

    key = jax.random.key(check_seed(seed))
    for i in path:
        key = jax.random.fold_in(key, check_int("path index", i, low=0))
    return key


def sample_sphere(n: int, d: int, seed: int | np.random.Generator = 0, *,
                  radius: float = 1.0) -> np.ndarray:
    """``n`` i.i.d. points uniform on the sphere of radius ``radius`` in R^d, shape (n, d).

    Normalised standard Gaussians (the law of a Gaussian vector's direction is uniform).
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    radius = check_number("radius", radius, low=0.0)
    g = rng(seed).standard_normal((n, d))
    return radius * g / np.linalg.norm(g, axis=1, keepdims=True)


def sample_ball(n: int, d: int, seed: int | np.random.Generator = 0, *,
                radius: float = 1.0) -> np.ndarray:
    """``n`` i.i.d. points uniform in the ball of radius ``radius`` in R^d, shape (n, d).

    A uniform direction times the radius ``radius * U^{1/d}`` (the ball's volume grows like r^d).
    The direction is drawn before the radius, from the same Generator.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    radius = check_number("radius", radius, low=0.0)
    g = rng(seed)
    x = sample_sphere(n, d, g)
    return radius * x * g.uniform(size=(n, 1)) ** (1.0 / d)


def sample_sphere_jax(key, n: int, d: int, dtype=None):
    """JAX version of :func:`sample_sphere` (radius 1), for use inside jitted code."""
    import jax
    import jax.numpy as jnp

    g = jax.random.normal(key, (n, d), dtype or jnp.float32)
    return g / jnp.linalg.norm(g, axis=-1, keepdims=True)


def sample_ball_jax(key, n: int, d: int, dtype=None):
    """JAX version of :func:`sample_ball` (radius 1), for use inside jitted code."""
    import jax

    k_dir, k_rad = jax.random.split(key)
    x = sample_sphere_jax(k_dir, n, d, dtype)
    return x * jax.random.uniform(k_rad, (n, 1), x.dtype) ** (1.0 / d)

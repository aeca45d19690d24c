"""The baselines: gradient descent on the squared loss, and its population landscape.

Shamir (2018) and Song et al. (2017) showed that gradient-based and statistical-query methods fail
on periodic neurons of high frequency; the chapter shows why on the population loss of the cosine
neuron, which has a closed form (our computation, below), and by running plain gradient descent.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ..common import check_int, check_number, check_seed, check_seeds, jax_key
from ._learn import learn
from ._problem import Problem, sample_problem


def population_loss(rho, gamma: float) -> np.ndarray:
    """``E (cos(2 pi gamma <u, x>) - cos(2 pi gamma <w, x>))^2`` for unit u, w with ``<u, w> = rho``.

    ``<u,x>, <w,x>`` are standard Gaussians with correlation ``rho``; with ``a = 2 pi gamma`` and
    ``E cos(t g) = exp(-t^2 / 2)``, the loss is ``1 + exp(-2a^2) - exp(-a^2 (1 - rho))
    - exp(-a^2 (1 + rho))``. Away from ``rho = ±1`` it is within ``exp(-a^2 (1 - |rho|))`` of its
    plateau ``1 + exp(-2 a^2)``: the gradient at a random start is exponentially small in gamma^2.

    Raises ValueError for ``gamma <= 0`` or ``|rho| > 1``.
    """
    gamma = check_number("gamma", gamma, low=0.0, low_open=True)
    rho = np.asarray(rho, dtype=float)
    if np.any(np.abs(rho) > 1):
        raise ValueError("rho must lie in [-1, 1]")
    a2 = (2 * math.pi * gamma) ** 2
    return 1 + np.exp(-2 * a2) - np.exp(-a2 * (1 - rho)) - np.exp(-a2 * (1 + rho))


@partial(jax.jit, static_argnames=("steps",))
def _gd(u0, X, y, gamma, lr, steps):
    def loss(u):
        w = u / jnp.linalg.norm(u)
        return jnp.mean((jnp.cos(2 * jnp.pi * gamma * X @ w) - y) ** 2)

    def step(_, u):
        return u - lr * jax.grad(loss)(u)

    u = jax.lax.fori_loop(0, steps, step, u0)
    return u / jnp.linalg.norm(u), loss(u)


def gradient_descent(problem: Problem, *, steps: int = 2000, lr: float = 0.5, restarts: int = 4,
                     seed: int = 0) -> np.ndarray:
    """Full-batch gradient descent on the squared loss of a cosine neuron with the true gamma.

    Parametrises ``w = u / |u|`` and runs ``steps`` steps of size ``lr`` from ``restarts`` random
    starts (jitted, vmapped over the starts); returns the unit vector of lowest training loss,
    shape (d,). The baseline the chapter compares the lattice learner with (float32).

    Raises ValueError for a problem that is not "cos", ``steps < 1``, ``lr <= 0``,
    ``restarts < 1`` or a bad seed.
    """
    if not isinstance(problem, Problem) or problem.activation != "cos":
        raise ValueError("problem must be a Problem with activation 'cos'")
    steps = check_int("steps", steps, low=1)
    lr = check_number("lr", lr, low=0.0, low_open=True)
    restarts = check_int("restarts", restarts, low=1)
    u0 = jax.random.normal(jax_key(check_seed(seed)), (restarts, problem.d))
    X, y = jnp.asarray(problem.X, jnp.float32), jnp.asarray(problem.y, jnp.float32)
    run = jax.vmap(_gd, in_axes=(0, None, None, None, None, None))
    w, loss = run(u0, X, y, problem.gamma, lr, steps)
    return np.asarray(w[int(jnp.argmin(loss))], dtype=float)


def alignment(w_hat, w) -> float:
    """``|<ŵ, w>|`` for unit vectors (0 for None): the overlap up to the sign symmetry of cos."""
    if w_hat is None:
        return 0.0
    return float(abs(np.dot(w_hat, w)) / (np.linalg.norm(w_hat) * np.linalg.norm(w)))


def random_overlap(d: int) -> float:
    """``E |<u, w>|`` for u uniform on the sphere S^{d-1}: ``Gamma(d/2) / (sqrt(pi) Gamma((d+1)/2))``,
    the overlap of a random guess (the trivial baseline), about ``sqrt(2 / (pi d))``."""
    d = check_int("d", d, low=1)
    return math.exp(math.lgamma(d / 2) - math.lgamma((d + 1) / 2)) / math.sqrt(math.pi)


def gd_vs_lll(d: int, gammas, *, seeds, n: int, steps: int = 2000, lr: float = 0.5) -> dict:
    """Overlaps ``|<ŵ, w>|`` of gradient descent (``n`` samples) and of the lattice learner (the
    first d + 1 of the same samples) on cosine neurons of each frequency in ``gammas``.

    Returns ``{"gd": (len(gammas), len(seeds)), "lll": same}``; one problem per (gamma, seed),
    ``sample_problem(d, "cos", gamma, n=n, seed=seed)``. Raises ValueError for bad sizes or seeds.
    """
    seeds = check_seeds(seeds)
    n = check_int("n", n, low=d + 1)
    out = {"gd": np.zeros((len(gammas), len(seeds))), "lll": np.zeros((len(gammas), len(seeds)))}
    for i, g in enumerate(gammas):
        for j, s in enumerate(seeds):
            p = sample_problem(d, "cos", gamma=g, n=n, seed=s)
            out["gd"][i, j] = alignment(gradient_descent(p, steps=steps, lr=lr, seed=s), p.w)
            res = learn(p)
            out["lll"][i, j] = alignment(None if res is None else res[0], p.w)
    return out

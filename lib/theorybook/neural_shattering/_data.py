"""Synthetic data of the paper's experiments: inputs uniform in the unit ball, noisy targets."""

from __future__ import annotations

from typing import Callable

import numpy as np

TARGETS = ("linear", "holder")


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _check_seed(seed) -> int:
    return _check_int("seed", seed, 0)


def sample_ball(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    r"""``n`` points uniform in the unit ball :math:`B_1^d` (paper §4: :math:`x \sim U(B_1^d)`).

    A uniform direction times the radius :math:`r = U^{1/d}`; a point on the sphere instead would
    change the phenomenon (data on the sphere are easier to shatter, arXiv:2510.18120).
    """
    z = rng.standard_normal((n, d))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    return z * rng.uniform(size=(n, 1)) ** (1.0 / d)


def make_target(d: int, target: str = "linear", seed: int = 0) -> Callable[[np.ndarray], np.ndarray]:
    r"""The ground truth :math:`f_0` of the paper's experiments, as a function of ``X`` (n, d).

    - ``"linear"`` (§4, Figs. 1-12): :math:`f_0(x) = w^\top x` with a unit vector :math:`w`
      drawn from ``seed``.
    - ``"holder"`` (App. A.7, Figs. 13-15): :math:`f_0(x) = \frac1d\sum_{j=1}^d |u_j^\top x|^{1/2} + 1`
      with unit vectors :math:`u_j` drawn from ``seed``.

    Raises:
        ValueError: ``d`` not a positive integer, ``target`` not one of ``"linear"``, ``"holder"``.
    """
    d = _check_int("d", d, 1)
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    rng = np.random.default_rng([_check_seed(seed), 7919])
    if target == "linear":
        w = rng.standard_normal(d)
        w /= np.linalg.norm(w)
        return lambda X: np.asarray(X, dtype=np.float64) @ w
    U = rng.standard_normal((d, d))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return lambda X: np.mean(np.sqrt(np.abs(np.asarray(X, dtype=np.float64) @ U.T)), axis=1) + 1.0


def make_dataset(n: int, d: int, noise: float, target: str = "linear", seed: int = 0):
    r"""Training data of the paper (§4): :math:`x_i \sim U(B_1^d)`, :math:`y_i = f_0(x_i) + \epsilon_i`,
    :math:`\epsilon_i \sim N(0, \sigma^2)` with :math:`\sigma` = ``noise``.

    The target :math:`f_0` (see :func:`make_target`) depends on ``seed`` only through a stream
    separate from the inputs and the noise, so the three draws never share randomness.

    Returns:
        ``(X, y, f0_values)``: float64 arrays of shapes (n, d), (n,), (n,).

    Raises:
        ValueError: ``n`` or ``d`` not a positive integer, ``noise`` negative or not finite,
            ``target`` unknown, ``seed`` not a non-negative integer.
    """
    n = _check_int("n", n, 1)
    d = _check_int("d", d, 1)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    seed = _check_seed(seed)
    f0 = make_target(d, target, seed)
    x_rng, noise_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    X = sample_ball(n, d, x_rng)
    f0_values = f0(X)
    y = f0_values + float(noise) * noise_rng.standard_normal(n)
    return X, y, f0_values

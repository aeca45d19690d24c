"""Synthetic data of the paper's experiments: inputs uniform in the unit ball, noisy targets.

Inputs come from :func:`theorybook.common.sample_ball` (re-exported as ``sample_ball``): a
uniform direction times the radius :math:`U^{1/d}`, the paper's :math:`x \\sim U(B_1^d)` (§4); a
point on the sphere instead would change the phenomenon (data on the sphere are easier to
shatter, arXiv:2510.18120).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from theorybook.common import check_choice, check_int, check_number, sample_ball, spawn

TARGETS = ("linear", "holder")
# make_dataset's three independent streams, spawned from its seed (SeedSequence.spawn).
_INPUTS, _NOISE, _TARGET = range(3)


def make_target(d: int, target: str = "linear", seed: int = 0) -> Callable[[np.ndarray], np.ndarray]:
    r"""The ground truth :math:`f_0` of the paper's experiments, as a function of ``X`` (n, d).

    - ``"linear"`` (§4, Figs. 1-12): :math:`f_0(x) = w^\top x` with a unit vector :math:`w`
      drawn from ``seed``.
    - ``"holder"`` (App. A.7, Figs. 13-15): :math:`f_0(x) = \frac1d\sum_{j=1}^d |u_j^\top x|^{1/2} + 1`
      with unit vectors :math:`u_j` drawn from ``seed``.

    The draw uses the target stream of ``seed`` (the third of ``common.spawn(seed, 3)``), so
    ``make_target(d, target, seed)`` is the target behind ``make_dataset(..., seed=seed)``.

    Raises:
        ValueError: ``d`` not a positive integer, ``target`` not one of ``"linear"``, ``"holder"``.
    """
    d = check_int("d", d, low=1)
    target = check_choice("target", target, TARGETS)
    g = spawn(seed, 3)[_TARGET]
    if target == "linear":
        w = g.standard_normal(d)
        w /= np.linalg.norm(w)
        return lambda X: np.asarray(X, dtype=np.float64) @ w
    U = g.standard_normal((d, d))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return lambda X: np.mean(np.sqrt(np.abs(np.asarray(X, dtype=np.float64) @ U.T)), axis=1) + 1.0


def make_dataset(n: int, d: int, *, noise: float, target: str = "linear", seed: int = 0):
    r"""Training data of the paper (§4): :math:`x_i \sim U(B_1^d)`, :math:`y_i = f_0(x_i) + \epsilon_i`,
    :math:`\epsilon_i \sim N(0, \sigma^2)` with :math:`\sigma` = ``noise``.

    Inputs, noise and the target :math:`f_0` (see :func:`make_target`) come from three streams
    spawned from ``seed``, so the three draws never share randomness.

    Returns:
        ``(X, y, f0_values)``: float64 arrays of shapes (n, d), (n,), (n,).

    Raises:
        ValueError: ``n`` or ``d`` not a positive integer, ``noise`` negative or not finite,
            ``target`` unknown, ``seed`` not a non-negative integer.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    noise = check_number("noise", noise, low=0)
    f0 = make_target(d, target, seed)
    streams = spawn(seed, 3)
    X = sample_ball(n, d, streams[_INPUTS])
    f0_values = f0(X)
    y = f0_values + noise * streams[_NOISE].standard_normal(n)
    return X, y, f0_values

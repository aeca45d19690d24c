r"""Gradient descent on the particles, the width gap against a reference network, the loss rate.

Mean-field GD (the particle discretisation of the Wasserstein gradient flow of
:math:`\tfrac12 E(f_\rho - f^*)^2`; the learning rate is multiplied by m so that every particle
moves at speed O(1) whatever the width):

.. math::
    \theta_i \leftarrow \theta_i - \eta\, m\, \nabla_{\theta_i}\hat L, \qquad
    \hat L = \frac1{2N}\sum_{n=1}^N \big(f(x_n) - y_n\big)^2,

i.e. :math:`a_i \leftarrow a_i - \frac{\eta}{N}\sum_n r_n\,\sigma(w_i\cdot x_n)` and
:math:`w_i \leftarrow w_i - \frac{\eta}{N}\sum_n r_n\,a_i\,\sigma'(w_i\cdot x_n)\,x_n`,
:math:`r_n = f(x_n) - y_n`. Time is :math:`t = \eta\cdot` steps. The lazy (NTK) contrast uses the
output scale :math:`1/\sqrt m` and the un-multiplied step η (per-particle speed
:math:`O(m^{-1/2})`).

Steps are a ``lax.fori_loop`` inside a ``lax.scan`` that records every ``record_every`` steps;
seeds are a ``vmap`` axis. References: Glasgow & Bruna, arXiv:2605.22010 (abstract: Theorem,
extensions to finite samples and GD); Mei, Montanari & Nguyen (2018); Chizat & Bach (2018).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from theorybook.common import (check_array, check_choice, check_int, check_number, check_seeds,
                               jax_key, mean_se)

from ._model import (ACTIVATIONS, SCALINGS, TARGETS, Task, _init, _out_scale, _sigma,
                     _sigma_prime, check_params, make_task, second_moment, weight_movement)


def _scales(widths, scaling):
    """Each particle's output scale (P,): 1/m (mean field) or 1/√m (lazy) for its network."""
    return jnp.asarray(np.concatenate([np.full(m, _out_scale(m, scaling), np.float32)
                                       for m in widths]))


def _network_sums(z, widths):
    """(n, K): the sum of the columns of z (n, P) over each network's contiguous particles."""
    bounds = np.cumsum((0,) + tuple(widths))
    return jnp.stack([z[:, lo:hi].sum(axis=1) for lo, hi in zip(bounds[:-1], bounds[1:])],
                     axis=1)


def _per_particle(r, widths):
    """(n, P): column k of r (n, K) repeated over the particles of network k."""
    return jnp.concatenate([jnp.broadcast_to(r[:, k:k + 1], (r.shape[0], m))
                            for k, m in enumerate(widths)], axis=1)


def _block_forward(params, X, scale, widths, activation):
    """(n, K): the outputs of the K networks of the block at the rows of X."""
    return _network_sums(_sigma(X @ params["w"].T, activation) * (scale * params["a"]), widths)


def _step(params, X, y, lr, scale, widths, activation, scaling):
    """One GD step of every network of the block (module docstring); y is (N,)."""
    a, w = params["a"], params["w"]
    h = X @ w.T                                                        # (N, P)
    s = _sigma(h, activation)
    r = (_network_sums(s * (scale * a), widths) - y[:, None]) / X.shape[0]   # (N, K) / N
    R = _per_particle(r, widths)                                       # (N, P)
    # mean field: η m ∇ with ∇ ∝ 1/m → speed η; lazy: η ∇ with ∇ ∝ 1/√m → speed η/√m
    speed = lr if scaling == "mean_field" else lr * scale
    grad_a = jnp.sum(s * R, axis=0)
    grad_w = (a[:, None] * speed[:, None] if scaling == "lazy" else a[:, None] * speed) * (
        (_sigma_prime(h, activation) * R).T @ X)
    return {"a": a - speed * grad_a, "w": w - grad_w}


@functools.partial(jax.jit, static_argnames=("widths", "steps", "every", "activation",
                                             "scaling"))
def _run(params, X, y, X_test, lr, scale, *, widths, steps, every, activation, scaling):
    """Train the block of networks of ``widths`` (particles contiguous, in that order); returns
    (final params, test outputs (T, n_test, K), train outputs (T, N, K))."""
    def observe(p):
        return (_block_forward(p, X_test, scale, widths, activation),
                _block_forward(p, X, scale, widths, activation))

    def chunk(p, _):
        p = lax.fori_loop(0, every, lambda i, q: _step(q, X, y, lr, scale, widths, activation,
                                                        scaling), p)
        return p, observe(p)

    final, (f_test, f_train) = lax.scan(chunk, params, None, length=steps // every)
    f0_test, f0_train = observe(params)
    return (final, jnp.concatenate([f0_test[None], f_test]),
            jnp.concatenate([f0_train[None], f_train]))


@functools.partial(jax.jit, static_argnames=("widths", "d", "steps", "every", "activation",
                                             "scaling"))
def _run_seeds(keys, X, y, X_test, lr, scale, *, widths, d, steps, every, activation,
               scaling):
    """``_run`` of a block of fresh networks, vmapped over seeds; keys is (S, K) (one key per
    seed and network)."""
    def one(seed_keys):
        parts = [_init(seed_keys[k], m, d) for k, m in enumerate(widths)]
        p0 = {n: jnp.concatenate([p[n] for p in parts]) for n in ("a", "w")}
        final, f_test, f_train = _run(p0, X, y, X_test, lr, scale, widths=widths, steps=steps,
                                      every=every, activation=activation, scaling=scaling)
        return p0, final, f_test, f_train
    return jax.vmap(one)(keys)


def _check_schedule(lr, steps, record_every):
    lr = check_number("lr", lr, low=0, low_open=True)
    steps = check_int("steps", steps, low=1)
    record_every = check_int("record_every", record_every, low=1, high=steps)
    if steps % record_every:
        raise ValueError(f"record_every must divide steps={steps}, got {record_every}")
    return lr, steps, record_every


def _check_widths(widths) -> list[int]:
    if isinstance(widths, (int, np.integer)) or len(widths) == 0:
        raise ValueError(f"widths must be a non-empty sequence of integers, got {widths!r}")
    return [check_int("widths", m, low=1) for m in widths]


def _check_data(X, y, d):
    X = check_array("X", X, shape=(None, d))
    y = check_array("y", y, shape=(X.shape[0],))
    return jnp.asarray(X, jnp.float32), jnp.asarray(y, jnp.float32)


def train_mean_field(params, X, y, *, lr, steps, record_every, X_test=None,
                     activation="relu", scaling="mean_field"):
    r"""Full-batch GD on the particles in the mean-field scaling (module docstring), jitted with
    ``lax.scan`` over records and ``lax.fori_loop`` over the steps between them.

    Args:
        params: ``{"a": (m,), "w": (m, d)}`` (from :func:`init_particles`).
        X: (N, d) training inputs.  y: (N,) labels.
        lr: η > 0.  steps: number of GD steps.  record_every: steps between records (divides steps).
        X_test: (n, d) inputs where predictions are recorded (default: X).
        activation: ``"relu"``, ``"tanh"``, ``"softplus"``.
        scaling: ``"mean_field"`` (default) or ``"lazy"`` (output 1/√m, step η).

    Returns:
        ``(params, preds)``: the trained particles and the (T, n) predictions on ``X_test`` at
        steps 0, record_every, ..., steps (T = steps/record_every + 1), numpy.

    Raises:
        ValueError: malformed params or data, lr ≤ 0, record_every not dividing steps, unknown
        activation or scaling.
    """
    params = check_params(params)
    d = params["w"].shape[1]
    X, y = _check_data(X, y, d)
    X_test = X if X_test is None else jnp.asarray(check_array("X_test", X_test, shape=(None, d)),
                                                  jnp.float32)
    lr, steps, record_every = _check_schedule(lr, steps, record_every)
    activation = check_choice("activation", activation, ACTIVATIONS)
    scaling = check_choice("scaling", scaling, SCALINGS)
    widths = (params["a"].shape[0],)
    final, f_test, _ = _run(params, X, y, X_test, jnp.float32(lr),
                            _scales(widths, scaling), widths=widths, steps=steps,
                            every=record_every, activation=activation, scaling=scaling)
    return final, np.asarray(f_test[..., 0])


def _task(task, d) -> Task:
    if isinstance(task, str):
        return make_task(d, 256, 1000, check_choice("task", task, TARGETS), seed=0)
    if not isinstance(task, Task):
        raise ValueError(f"task must be 'fast', 'slow' or a Task from make_task, got {task!r}")
    if task.d != d:
        raise ValueError(f"d must equal the task's dimension {task.d}, got {d}")
    return task


def _seed_keys(seeds, paths):
    """(S, K) key data: ``jax_key(seed, *path)`` for every seed and every network's path."""
    return jnp.stack([jnp.stack([jax.random.key_data(jax_key(s, *p)) for p in paths])
                      for s in seeds])


def _train_seeds(key_data, task, lr, widths, steps, every, activation, scaling="mean_field"):
    """Networks of ``widths`` trained as one block on ``task`` for every seed (vmapped)."""
    keys = jax.random.wrap_key_data(key_data)
    return _run_seeds(keys, jnp.asarray(task.X_train), jnp.asarray(task.y_train),
                      jnp.asarray(task.X_test), jnp.float32(lr),
                      _scales(widths, scaling), widths=tuple(widths),
                      d=task.d, steps=steps, every=every, activation=activation,
                      scaling=scaling)


@dataclass(frozen=True)
class GapResult:
    r"""Output of :func:`width_gap`. S seeds, W widths, T recorded times.

    Attributes:
        widths (W,), reference_width M, times (T,) in units of η·steps.
        gap, gap_stderr (W, T): :math:`G_m(t)/(1+m/M)`, mean and s.e. over seeds.
        gap_seeds (W, S, T): the per-seed corrected gaps.
        mf_loss, mf_loss_stderr (T,): test MSE :math:`\frac1n\sum_j (f_M(x_j) - y_j)^2` of the
            reference network, mean and s.e. over seeds.
        train_loss (T,): the reference's training MSE (mean over seeds).
        zero_loss: the zero predictor's test MSE :math:`\frac1n\sum_j y_j^2` (the baseline).
        clt: the identity's value of :math:`m\,E[G_m(0)]/(1+m/M) = \frac1n\sum_j E_w\sigma^2`.
        monotone (S,): whether each seed's reference training loss never increased.
    """

    widths: np.ndarray
    reference_width: int
    times: np.ndarray
    gap: np.ndarray
    gap_stderr: np.ndarray
    gap_seeds: np.ndarray
    mf_loss: np.ndarray
    mf_loss_stderr: np.ndarray
    train_loss: np.ndarray
    zero_loss: float
    clt: float
    monotone: np.ndarray

    @property
    def sup_gap(self) -> tuple[np.ndarray, np.ndarray]:
        """sup over t of the seed-averaged gap (W,), and its s.e. at the maximising time."""
        idx = np.argmax(self.gap, axis=1)
        rows = np.arange(len(self.widths))
        return self.gap[rows, idx], self.gap_stderr[rows, idx]


def width_gap(widths: Sequence[int], reference_width: int, d: int, task, lr: float, steps: int,
              seeds, record_every: int, *, activation: str = "relu") -> GapResult:
    r"""Gap between width-m networks and a width-M reference network trained on the same data.

    .. math:: G_m(t) = \frac1n\sum_{j=1}^n \big(f_M(x_j; t) - f_m(x_j; t)\big)^2,

    on the test set, for each width m and seed; reported as :math:`G_m/(1 + m/M)`, averaged over
    seeds. Each seed trains one reference (stands in for :math:`\rho^{MF}_t`, the paper's
    mean-field flow) reused for all widths, from an initialisation independent of the students'.
    The correction 1/(1 + m/M) is exact in expectation at t = 0 (see :func:`clt_gap_at_init`) and
    an approximation for t > 0, valid if the two networks fluctuate independently around the
    limit at rates 1/m and 1/M (our choice, because M is finite).

    Args:
        widths: student widths m (each ≥ 1).  reference_width: M ≥ max(widths).
        d: dimension.  task: ``"fast"``/``"slow"`` (then ``make_task(d, 256, 1000, task, 0)``) or a
            :class:`Task`; the same data serve every width and seed.
        lr, steps, record_every: as in :func:`train_mean_field`.  seeds: a sequence of seeds.
        activation: ``"relu"``, ``"tanh"``, ``"softplus"``.

    Returns:
        :class:`GapResult`.

    Raises:
        ValueError: bad widths, M < max(widths), bad task, schedule, seeds or activation.

    References: Glasgow & Bruna, arXiv:2605.22010 (Theorem: the gap's sup over t ≲ poly(d)
    m^{-min(1, c/6)}). Shown in: book/propagation_of_chaos/02_propagation_of_chaos.ipynb.
    """
    widths = _check_widths(widths)
    M = check_int("reference_width", reference_width, low=max(widths))
    d = check_int("d", d, low=2)
    task = _task(task, d)
    lr, steps, every = _check_schedule(lr, steps, record_every)
    seeds = check_seeds(seeds)
    activation = check_choice("activation", activation, ACTIVATIONS)

    # network 0 is the reference (key path (0,)), network k the student of width m (path (1, m))
    keys = _seed_keys(seeds, [(0,)] + [(1, m) for m in widths])
    _, _, f_test, f_train = _train_seeds(keys, task, lr, [M] + widths, steps, every, activation)
    f_test, f_train = np.asarray(f_test, np.float64), np.asarray(f_train, np.float64)
    f_ref, f_ref_train = f_test[..., 0], f_train[..., 0]              # (S, T, n)
    corr = 1 + np.array(widths) / M
    G = np.mean((f_test[..., :1] - f_test[..., 1:]) ** 2, axis=2)       # (S, T, W)
    G = np.transpose(G / corr, (2, 0, 1))                               # (W, S, T)
    test_loss = np.mean((f_ref - task.y_test) ** 2, axis=-1)           # (S, T)
    train_loss = np.mean((f_ref_train - task.y_train) ** 2, axis=-1)
    mean, se = mean_se(G, axis=1) if len(seeds) > 1 else (G[:, 0], np.full(G[:, 0].shape, np.nan))
    loss, loss_se = (mean_se(test_loss, axis=0) if len(seeds) > 1
                     else (test_loss[0], np.full(test_loss[0].shape, np.nan)))
    return GapResult(
        widths=np.array(widths), reference_width=M,
        times=lr * every * np.arange(steps // every + 1), gap=mean, gap_stderr=se, gap_seeds=G,
        mf_loss=loss, mf_loss_stderr=loss_se, train_loss=train_loss.mean(axis=0),
        zero_loss=float(np.mean(task.y_test.astype(np.float64) ** 2)),
        clt=float(np.mean(second_moment(task.X_test, d, activation))),
        monotone=np.all(np.diff(train_loss, axis=1) <= 1e-7, axis=1))


def loss_exponent(times, losses, *, window: tuple[float, float] | None = None) -> float:
    r"""Fitted c in :math:`L_t \approx C\,t^{-c}`: least squares of log L on log t over
    ``window = (t_lo, t_hi)`` (default: the last decade of ``times``, ``[t_max/10, t_max]``).

    Raises:
        ValueError: times and losses not finite 1-D arrays of equal length, times or losses not
        positive inside the window, fewer than 3 points in the window.
    """
    t = check_array("times", times, ndim=1)
    L = check_array("losses", losses, shape=(t.shape[0],))
    lo, hi = (t.max() / 10, t.max()) if window is None else window
    lo = check_number("window", lo, low=0, low_open=True)
    hi = check_number("window", hi, low=lo)
    sel = (t >= lo) & (t <= hi)
    if sel.sum() < 3:
        raise ValueError(f"window must contain at least 3 times, got {int(sel.sum())}")
    if np.any(L[sel] <= 0):
        raise ValueError("losses must be positive inside the window")
    slope = np.polyfit(np.log(t[sel]), np.log(L[sel]), 1)[0]
    return float(-slope)


def movement_by_width(widths: Sequence[int], task, *, lr: float, steps: int, seeds,
                      activation: str = "relu", scaling: str = "mean_field"):
    r"""Relative first-layer movement :math:`\|W(T) - W(0)\|_F/\|W(0)\|_F` after ``steps`` GD
    steps, for each width: mean and s.e. over seeds, two (W,) arrays.

    In the mean-field scaling it stays of order one as m grows; in the lazy scaling it shrinks
    like :math:`m^{-1/2}` (each particle moves at speed :math:`O(m^{-1/2})`).

    Raises:
        ValueError: bad widths, task (a :class:`Task`), schedule, seeds, activation or scaling.
    """
    if not isinstance(task, Task):
        raise ValueError(f"task must be a Task from make_task, got {task!r}")
    widths = _check_widths(widths)
    lr, steps, _ = _check_schedule(lr, steps, steps)
    seeds = check_seeds(seeds)
    activation = check_choice("activation", activation, ACTIVATIONS)
    scaling = check_choice("scaling", scaling, SCALINGS)
    p0, p1, _, _ = _train_seeds(_seed_keys(seeds, [(2, m) for m in widths]), task, lr, widths,
                                steps, steps, activation, scaling)
    bounds = np.cumsum([0] + widths)

    def network(p, s, k):                                  # network k of seed s, as params
        return {n: p[n][s, bounds[k]:bounds[k + 1]] for n in ("a", "w")}

    moves = np.array([[weight_movement(network(p0, s, k), network(p1, s, k))
                       for k in range(len(widths))] for s in range(len(seeds))])
    if len(seeds) == 1:
        return moves[0], np.full(len(widths), np.nan)
    return mean_se(moves, axis=0)

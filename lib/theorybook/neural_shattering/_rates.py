"""The rate experiment of Fig. 2: in-sample MSE against n for several d, GD against weight decay."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from theorybook.common import check_choice, check_int, check_number, check_seeds, mean_se

from ._baselines import baseline_errors
from ._data import TARGETS, make_dataset
from ._model import _decay_mask, _forward, _gd_step, _loss, _x64, init_network, pad_inputs


def _run(p, X, y, f0, lr, weight_decay, steps, decay_biases, clip):
    """Final (loss, mse) of one GD run (the step of train_gd); lr, weight_decay, clip are traced."""
    mask = _decay_mask(decay_biases)
    p = lax.fori_loop(0, steps, lambda _, q: _gd_step(q, X, y, lr, weight_decay, clip, mask), p)
    return _loss(p, X, y), jnp.mean((_forward(p, X) - f0) ** 2)


# One compilation per (n, width, d_max, batch): runs of every (d, seed) pair are one vmapped batch.
_batched = jax.jit(jax.vmap(_run, in_axes=(0, 0, 0, 0, None, None, None, None, None)),
                   static_argnums=(6, 7))


@dataclass(frozen=True)
class RateSweep:
    """Result of :func:`rate_sweep`.

    Attributes:
        ds, ns, seeds: the grid (dimensions, sample sizes, seeds).
        mse: (len(ds), len(ns)) median over seeds of the in-sample MSE
            :math:`\\frac1n\\sum_i (f(x_i) - f_0(x_i))^2` (the paper's metric).
        mse_all: (len(ds), len(ns), len(seeds)) every run's MSE.
        loss: (len(ds), len(ns)) median final training loss :math:`L(\\theta)`.
        slopes: (len(ds),) least-squares slope of log MSE against log n (negative when the MSE
            falls with n; the paper quotes its magnitude), over every n.
        settings: the arguments, for labels and captions.
        zero_all, ols_all: (len(ds), len(ns), len(seeds)) in-sample MSE against f0 of the zero
            predictor and of least squares on the same data (:func:`baseline_errors`).

    ``seed_slopes`` gives the slope of each seed's own curve; ``beats_zero`` marks the (d, n)
    where the method's median MSE is below the zero predictor's, and ``fitted_rates`` fits the
    rate over those n only (mean ± s.e. over seeds).
    """

    ds: tuple
    ns: tuple
    seeds: tuple
    mse: np.ndarray
    mse_all: np.ndarray
    loss: np.ndarray
    slopes: np.ndarray
    settings: dict
    zero_all: np.ndarray
    ols_all: np.ndarray

    @property
    def seed_slopes(self) -> np.ndarray:
        """(len(ds), len(seeds)) log-log slope of each seed's MSE against n."""
        return np.array([[loglog_slope(self.ns, self.mse_all[i, :, k])
                          for k in range(len(self.seeds))] for i in range(len(self.ds))])

    @property
    def zero(self) -> np.ndarray:
        """(len(ds), len(ns)) median in-sample MSE of the zero predictor."""
        return np.median(self.zero_all, axis=2)

    @property
    def ols(self) -> np.ndarray:
        """(len(ds), len(ns)) median in-sample MSE of least squares."""
        return np.median(self.ols_all, axis=2)

    @property
    def beats_zero(self) -> np.ndarray:
        """(len(ds), len(ns)) True where the median MSE is below the zero predictor's."""
        return self.mse < self.zero

    def fitted_rates(self, min_points: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Rate (minus the log-log slope of MSE against n) fitted per seed over the n where the
        method beats the zero predictor (:attr:`beats_zero`); mean and s.e. over seeds.

        Returns ``(mean, se)`` of shape (len(ds),), NaN for a d with fewer than ``min_points``
        such n (no rate is fitted where the method does not beat predicting 0).

        Raises:
            ValueError: ``min_points`` not an integer >= 2.
        """
        min_points = check_int("min_points", min_points, low=2)
        mean, se = np.full(len(self.ds), np.nan), np.full(len(self.ds), np.nan)
        for i, mask in enumerate(self.beats_zero):
            if mask.sum() < min_points:
                continue
            ns = np.asarray(self.ns)[mask]
            rates = [-loglog_slope(ns, self.mse_all[i, mask, k]) for k in range(len(self.seeds))]
            mean[i], se[i] = mean_se(np.array(rates))
        return mean, se


def loglog_slope(ns, values) -> float:
    """Least-squares slope of log(values) against log(ns) (both positive)."""
    ns, values = np.asarray(ns, dtype=np.float64), np.asarray(values, dtype=np.float64)
    if ns.shape != values.shape or ns.size < 2 or np.any(ns <= 0) or np.any(values <= 0):
        raise ValueError("ns and values must be positive arrays of the same length >= 2")
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


def _integers(name, values, *, low):
    """A non-empty sequence of integers >= ``low`` (the grid of dimensions or sample sizes)."""
    if not isinstance(values, (list, tuple, range, np.ndarray)) or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of integers >= {low}, got {values!r}")
    return tuple(check_int(name, v, low=low) for v in values)


def run_seed(seed: int, d: int, n: int) -> int:
    """The integer seed of the run (d, n) of ``seed`` in :func:`rate_sweep`.

    It is drawn from ``SeedSequence(seed, spawn_key=(d, n))``, the child stream that
    ``SeedSequence.spawn`` keys by the run's (d, n) rather than by its position in the grid, so
    adding a size or a dimension leaves the other runs unchanged (no arithmetic on seeds).
    """
    child = np.random.SeedSequence(check_int("seed", seed, low=0),
                                   spawn_key=(check_int("d", d, low=1), check_int("n", n, low=1)))
    return int(child.generate_state(1)[0])


def rate_sweep(ds, ns, *, lr: float = 0.2, weight_decay: float = 0.0, width_multiple: int = 4,
               noise: float = 1.0, steps: int = 2000, seeds=(0, 1, 2), target: str = "linear",
               clip: float = 50.0, decay_biases: bool = False, float64: bool = True) -> RateSweep:
    r"""In-sample MSE of GD-trained two-layer nets against n, for each d (paper Fig. 2, §4).

    For each d and n and each seed (the run's own seed is :func:`run_seed`): data
    :math:`x \sim U(B_1^d)`, :math:`y = f_0(x) + N(0,\sigma^2)` (:func:`make_dataset`), a
    Kaiming-initialised net of width ``width_multiple * n`` (paper: 4n), ``steps`` full-batch GD steps (:func:`train_gd`), then the MSE against :math:`f_0` at the
    training inputs, beside the zero predictor's and least squares' on the same data. The seeds
    of one (d, n) run as one ``vmap``-ped, jitted computation.
    Paper: n in {32,...,512}, d in {1,...,5}, sigma = 1, GD lr 0.2 vs lr 0.01 + weight decay 0.1,
    5 seeds, median; the number of steps is not reported. ``float64=False`` trains in float32
    (about twice as fast on a CPU; the book's default-mode figure uses it).

    Raises:
        ValueError: naming the bad argument.
    """
    ds, ns = _integers("ds", ds, low=1), _integers("ns", ns, low=2)
    if len(ns) < 2:
        raise ValueError(f"ns needs at least two sample sizes to fit a slope, got {ns}")
    seeds = check_seeds(seeds)
    lr = check_number("lr", lr, low=0, low_open=True)
    weight_decay = check_number("weight_decay", weight_decay, low=0)
    width_multiple = check_int("width_multiple", width_multiple, low=1)
    noise = check_number("noise", noise, low=0)
    steps = check_int("steps", steps, low=1)
    clip = check_number("clip", clip, low=0, low_open=True)
    target = check_choice("target", target, TARGETS)

    # Runs are padded to max(ds) inputs (pad_inputs: exactly the d-dimensional run), so all
    # (d, seed) runs of one n share one compiled, vmapped kernel.
    d_max = max(ds)
    mse_all = np.zeros((len(ds), len(ns), len(seeds)))
    loss_all, zero_all, ols_all = (np.zeros_like(mse_all) for _ in range(3))
    for j, n in enumerate(ns):
        Xs, ys, fs, nets = [], [], [], []
        for i, d in enumerate(ds):
            for k, s in enumerate(seeds):
                key = run_seed(s, d, n)
                X, y, f0 = make_dataset(n, d, noise=noise, target=target, seed=key)
                base = baseline_errors(X, y, f0)
                zero_all[i, j, k] = base["zero"]["mse"]
                ols_all[i, j, k] = base["least squares"]["mse"]
                X, net = pad_inputs(X, init_network(width_multiple * n, d, seed=key), d_max)
                Xs.append(X), ys.append(y), fs.append(f0), nets.append(net)
        with (_x64() if float64 else contextlib.nullcontext()):
            dtype = jnp.float64 if float64 else jnp.float32
            stack = lambda xs: jnp.asarray(np.stack(xs), dtype=dtype)  # noqa: E731
            params = {k: stack([p[k] for p in nets]) for k in nets[0]}
            loss, mse = _batched(params, stack(Xs), stack(ys), stack(fs), lr, weight_decay,
                                 steps, bool(decay_biases), clip)
            shape = (len(ds), len(seeds))
            mse_all[:, j] = np.asarray(mse).reshape(shape)
            loss_all[:, j] = np.asarray(loss).reshape(shape)
    mse = np.median(mse_all, axis=2)
    slopes = np.array([loglog_slope(ns, row) for row in mse])
    settings = dict(lr=lr, weight_decay=weight_decay, width_multiple=width_multiple, noise=noise,
                    steps=steps, target=target, clip=clip, decay_biases=bool(decay_biases),
                    float64=bool(float64))
    return RateSweep(ds, ns, seeds, mse, mse_all, np.median(loss_all, axis=2), slopes, settings,
                     zero_all, ols_all)

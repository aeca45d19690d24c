"""Figures of the chapter. Each ``plot_*`` draws results computed elsewhere on a given axis; each
``*_frame`` computes one grid point of an ``explore`` figure (grid constant beside it)."""

from __future__ import annotations

import functools

import numpy as np

from theorybook.common import error_band, figure_axis

from ._dynamics import train_mean_field, width_gap
from ._model import init_particles, make_task

_TIME = r"time $t = \eta\cdot$steps"


def plot_particles(params, reference=None, *, ax=None, title=None):
    r"""The particles projected on the target's directions: :math:`(w_i\cdot e_1, w_i\cdot e_2)`,
    red for :math:`a_i > 0`, blue for :math:`a_i < 0`, area ∝ |a_i|; the reference network's
    particles (the stand-in for the mean-field measure) as small grey dots."""
    fig, ax = figure_axis(ax, figsize=(4.0, 3.8))
    if reference is not None:
        w = np.asarray(reference["w"])
        ax.scatter(w[:, 0], w[:, 1], s=2, c="0.6", alpha=0.5, lw=0,
                   label=f"reference, M = {w.shape[0]}")
    a, w = np.asarray(params["a"]), np.asarray(params["w"])
    ax.scatter(w[:, 0], w[:, 1], s=12 * np.clip(np.abs(a), 0.1, 4), c=np.where(a > 0, "tab:red", "tab:blue"),
               alpha=0.8, lw=0, label=f"width m = {a.size} (red: a > 0)")
    ax.set(xlabel=r"$w_i\cdot e_1$", ylabel=r"$w_i\cdot e_2$", title=title)
    ax.legend(fontsize=7, loc="lower left")
    return fig


def plot_losses(times, losses: dict, zero_loss: float, *, ax=None, bands: dict | None = None):
    """Loss curves against time (log-log), with the zero predictor's loss as a dashed line."""
    fig, ax = figure_axis(ax)
    for label, loss in losses.items():
        se = (bands or {}).get(label)
        if se is None:
            ax.plot(times[1:], np.asarray(loss)[1:], label=label)
        else:
            error_band(ax, times[1:], np.asarray(loss)[1:], np.asarray(se)[1:], label=label)
    ax.axhline(zero_loss, ls="--", c="k", lw=1, label=f"zero predictor ({zero_loss:.2f})")
    ax.set(xscale="log", yscale="log", xlabel=_TIME + " (log)", ylabel="mean squared error (log)")
    ax.legend(fontsize=7)
    return fig


def plot_movement(widths, movements: dict, *, ax=None):
    r"""Relative weight movement :math:`\|W(T)-W(0)\|_F/\|W(0)\|_F` against m (log-log), one line
    per scaling (``movements[label] = (mean, se)``), with a slope −1/2 guide through the first
    point of the last line (the lazy scaling in the notebook)."""
    fig, ax = figure_axis(ax)
    widths = np.asarray(widths, float)
    for label, (mean, se) in movements.items():
        ax.errorbar(widths, mean, yerr=2 * se, marker="o", capsize=3, label=label)
    lazy = np.asarray(list(movements.values())[-1][0])
    ax.plot(widths, lazy[0] * np.sqrt(widths[0] / widths), "k:", lw=1, label="slope −1/2")
    ax.set(xscale="log", yscale="log", xlabel="width m (log)",
           ylabel=r"$\|W(T)-W(0)\|_F/\|W(0)\|_F$ (log)")
    ax.legend(fontsize=7, title="±2 s.e. over seeds", title_fontsize=7)
    return fig


def plot_gap(res, *, ax=None, gronwall_C: float | None = None, log: bool = False):
    r"""Rescaled gap :math:`m\,G_m(t)/(1+m/M)` against time, one line per width (band ±1 s.e.
    over seeds), the central-limit value at t = 0 dashed, and optionally the Grönwall-type
    curve :math:`\mathrm{clt}\cdot e^{Ct}` (the finite-horizon bound's shape, times m)."""
    fig, ax = figure_axis(ax)
    n = res.gap_seeds.shape[1]
    for i, m in enumerate(res.widths):
        error_band(ax, res.times, m * res.gap[i], m * res.gap_stderr[i], label=f"m = {m}")
    ax.axhline(res.clt, ls="--", c="k", lw=1, label=r"CLT value $E_w\sigma^2$ at $t=0$")
    if gronwall_C is not None:
        ax.plot(res.times, res.clt * np.exp(gronwall_C * res.times), "k:", lw=1.2,
                label=rf"Grönwall shape $e^{{Ct}}$, C = {gronwall_C:g}")
        ax.set_ylim(0, 3 * max(res.clt, np.max(res.widths[:, None] * res.gap)))
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=_TIME, ylabel=r"$m\,G_m(t)/(1+m/M)$",
           title=f"reference M = {res.reference_width}; bands ±1 s.e., {n} seeds")
    ax.legend(fontsize=7)
    return fig


def plot_sup_gap(results: dict, *, ax=None):
    r"""sup over t of the seed-averaged gap against m (log-log, ±2 s.e.), one line per result,
    with a slope −1 guide through the first point of the first result."""
    fig, ax = figure_axis(ax)
    for label, res in results.items():
        sup, se = res.sup_gap
        ax.errorbar(res.widths, sup, yerr=2 * se, marker="o", capsize=3, label=label)
    first = next(iter(results.values()))
    w = np.asarray(first.widths, float)
    ax.plot(w, first.sup_gap[0][0] * w[0] / w, "k:", lw=1, label="slope −1")
    ax.set(xscale="log", yscale="log", xlabel="width m (log)",
           ylabel=r"$\sup_t G_m(t)/(1+m/M)$ (log)")
    ax.legend(fontsize=7, title="±2 s.e. over seeds", title_fontsize=7)
    return fig


# --- explore frames ----------------------------------------------------------------------------
PARTICLES_GRID = dict(activation=["relu", "tanh", "softplus"], target=["fast", "slow"])


def particles_frame(activation="relu", target="fast", width=64, reference_width=1024, d=8,
                    lr=0.1, steps=500):
    """A width-m network and the reference trained on one task: particles at the end, and the
    test losses against the zero predictor."""
    import matplotlib.pyplot as plt

    task = make_task(d, 256, 1000, target, seed=0)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.3))
    curves, final = {}, {}
    for name, m, seed in [("reference", reference_width, 1), ("student", width, 2)]:
        p, pred = train_mean_field(init_particles(m, d, seed), task.X_train, task.y_train,
                                   lr=lr, steps=steps, record_every=steps // 50,
                                   X_test=task.X_test, activation=activation)
        curves[f"m = {m}"] = np.mean((pred - task.y_test) ** 2, axis=1)
        final[name] = p
    plot_particles(final["student"], final["reference"], ax=a,
                   title=f"{activation}, {target} target, t = {lr * steps:g}")
    times = lr * (steps // 50) * np.arange(51)
    plot_losses(times, curves, float(np.mean(task.y_test**2)), ax=b)
    b.set_ylabel("test MSE (log)")
    return fig


GAP_GRID = dict(width=[16, 64, 256, 1024, 2048], target=["fast", "slow"])
_GAP_REFERENCE = 4096


@functools.lru_cache(maxsize=4)
def _all_widths(target, d=8, lr=0.1, steps=400):
    """One block run per target for every width of the grid against M = 4096 (2 seeds)."""
    return width_gap(GAP_GRID["width"], _GAP_REFERENCE, d, make_task(d, 256, 1000, target, 0),
                     lr, steps, range(2), 10)


def gap_frame(width=64, target="fast"):
    """m G_m(t)/(1 + m/M) for one width against a reference of M = 4096, with the reference's
    test loss and the zero predictor beside it (2 seeds)."""
    import matplotlib.pyplot as plt

    res = _all_widths(target)
    i = GAP_GRID["width"].index(width) if width in GAP_GRID["width"] else None
    if i is None:
        res = width_gap([width], max(_GAP_REFERENCE, width), 8, make_task(8, 256, 1000, target, 0),
                        0.1, 400, range(2), 10)
        i = 0
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.1))
    for s in range(res.gap_seeds.shape[1]):
        a.plot(res.times, width * res.gap_seeds[i, s], lw=1, label=f"seed {s}")
    a.axhline(res.clt, ls="--", c="k", lw=1, label="CLT value at t = 0")
    a.set(xlabel=_TIME, ylabel=r"$m\,G_m(t)/(1+m/M)$", ylim=(0, None),
          title=f"m = {width}, M = {res.reference_width}, {target} target")
    a.legend(fontsize=7)
    plot_losses(res.times, {"reference (test)": res.mf_loss}, res.zero_loss, ax=b)
    return fig


RATE_GRID = dict(lr=[0.1, 0.4, 1.6], d=[4, 8, 16])


def rate_frame(lr=0.1, d=8, widths=(8, 16, 32, 64), reference_width=512, steps=400):
    """sup_t G_m against m for one step size and dimension (fast target, 3 seeds); the title
    says whether every reference run's training loss decreased monotonically."""
    res = width_gap(list(widths), reference_width, d, make_task(d, 256, 1000, "fast", 0), lr,
                    steps, range(3), 10)
    fig = plot_sup_gap({f"η = {lr:g}, d = {d}": res})
    ok = "monotone" if res.monotone.all() else "NOT monotone"
    fig.axes[0].set_title(f"t = {lr * steps:g}; reference loss {ok}", fontsize=9)
    return fig

"""Figures of the chapter. Each ``plot_*`` draws results computed elsewhere (on ``ax`` if given);
each ``<name>_frame`` computes one grid point (cheaply) and returns a Figure, for ``explore``, with
its slider grid ``<NAME>_GRID`` beside it (the notebooks and the slider tests import the grids)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from theorybook.common import error_band, figure_axis, mean_se, rng, sample_sphere

from ._data import make_dataset
from ._model import activation_rates, init_network, neuron_norms, pad_inputs, train_gd
from ._weight import population_weight, weight_function


def plot_sharpness(history: dict, lr: float, *, ax=None, label: str | None = None):
    r"""Sharpness :math:`\lambda_{\max}(\nabla^2 L)` against the GD step, with the line 2/lr."""
    fig, ax = figure_axis(ax)
    line, = ax.plot(history["step"], history["sharpness"], lw=1.2,
                    label=label or rf"$\lambda_{{\max}}$, $\eta$ = {lr:g}")
    ax.axhline(2 / lr, ls="--", c=line.get_color(), lw=1, label=rf"$2/\eta$ = {2 / lr:.3g}")
    ax.set(xlabel="GD step (= epoch)", ylabel=r"sharpness $\lambda_{\max}(\nabla^2 L)$")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_losses(history: dict, *, ax=None, noise: float | None = None, title: str | None = None):
    r"""Training loss :math:`2L` (the mean squared residual) and the paper's MSE against :math:`f_0`."""
    fig, ax = figure_axis(ax)
    ax.semilogy(history["step"], 2 * history["loss"], label=r"training error $2L(\theta)$")
    ax.semilogy(history["step"], history["mse"], label=r"MSE vs $f_0$ (in-sample)")
    if noise is not None:
        ax.axhline(noise**2, ls="--", c="k", lw=1, label=rf"noise level $\sigma^2$ = {noise**2:g}")
    ax.set(xlabel="GD step (= epoch)", ylabel="mean squared error (log)", title=title)
    ax.legend(fontsize=8)
    return fig


def plot_thm32(lhs, rhs, labels, *, ax=None):
    r"""Theorem 3.2 checked: :math:`|f_\theta|_{V_g}` (left side) against the bound (right side)."""
    fig, ax = figure_axis(ax, figsize=(4.6, 4.0))
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    for group in dict.fromkeys(labels):
        mask = np.array([lab == group for lab in labels])
        ax.scatter(rhs[mask], lhs[mask], s=22, label=group)
    top = 1.1 * max(rhs.max(), lhs.max())
    ax.plot([0, top], [0, top], "k--", lw=1, label="equality")
    ax.set(xscale="symlog", yscale="symlog", xlim=(0, top), ylim=(0, top),
           xlabel=r"bound $\lambda_{\max}/2 - 1/2 + (R{+}1)\sqrt{2L}$",
           ylabel=r"$|f_\theta|_{V_g}$", title="Theorem 3.2: every point below the line")
    ax.legend(fontsize=8)
    return fig


def plot_shattering(params: dict, X, *, ax=None, label: str | None = None, color=None):
    r"""Activation rate of each neuron against its norm :math:`|v_k|\,\|w_k\|` (Fig. 3, middle)."""
    fig, ax = figure_axis(ax)
    rate, norm = activation_rates(params, X), neuron_norms(params)
    ax.scatter(100 * rate, norm, s=8, alpha=0.6, label=label, color=color)
    top = max(float(norm.max()), 1e-12)
    # neurons that decayed to ~0 would stretch the log axis over dozens of decades: show 6
    ax.set(yscale="log", xlabel="activation rate (% of training inputs)",
           ylabel=r"neuron norm $|v_k|\,\|w_k\|$ (log)", xlim=(-3, 103), ylim=(top * 1e-6, top * 3))
    if label:
        ax.legend(fontsize=8)
    return fig


def plot_rates(sweeps: dict, *, ax=None):
    r"""In-sample MSE against n on log-log axes, one colour per d, one line style per method (Fig. 2)."""
    fig, ax = figure_axis(ax, figsize=(6.0, 4.0))
    styles = ["-o", "--s", ":^"]
    cmap = plt.get_cmap("viridis")
    for (label, res), style in zip(sweeps.items(), styles):
        for i, d in enumerate(res.ds):
            color = cmap(i / max(1, len(res.ds) - 1))
            ax.loglog(res.ns, res.mse[i], style, color=color, ms=4,
                      label=f"{label}, d={d} (slope {res.slopes[i]:.2f})")
    ax.set(xlabel="number of samples $n$ (log)", ylabel=r"MSE vs $f_0$ (median, log)")
    ax.legend(fontsize=7, ncol=2)
    return fig


def plot_slopes(sweeps: dict, *, ax=None, paper: dict | None = None):
    """The rate (minus the log-log slope of MSE against n) for each d and method: the mean of
    the per-seed rates with a band of ±1 s.e. over seeds."""
    fig, ax = figure_axis(ax, figsize=(4.6, 3.4))
    for label, res in sweeps.items():
        mean, se = mean_se(-res.seed_slopes, axis=1)
        error_band(ax, res.ds, mean, se, marker="o",
                   label=f"{label} (±1 s.e., {len(res.seeds)} seeds)")
    for label, (ds, vals) in (paper or {}).items():
        ax.plot(ds, vals, "k--", lw=1, label=label)
    ax.axhline(0, c="grey", lw=0.8)
    ax.set(xlabel="input dimension $d$", ylabel=r"rate: $-$slope of log MSE vs log $n$")
    ax.legend(fontsize=8)
    return fig


def plot_population_weight(ds, *, ax=None, points: int = 200):
    r"""Population weight :math:`g_P(t)` for uniform-ball data against :math:`1 - t` (log-log),
    with the reference slopes :math:`d + 2` of the boundary decay."""
    fig, ax = figure_axis(ax)
    gap = np.logspace(-3, 0, points)
    cmap = plt.get_cmap("viridis")
    for i, d in enumerate(ds):
        color = cmap(i / max(1, len(ds) - 1))
        g = population_weight(1 - gap, d)
        ax.loglog(gap, g, color=color, label=f"d = {d}")
        # reference slope d + 2, shifted down by 10^-2 so that it does not hide the curve
        ax.loglog(gap[:80], 1e-2 * g[0] * (gap[:80] / gap[0]) ** (d + 2), ":", color=color, lw=1.2)
    ax.set(xlabel=r"distance to the boundary $1 - t$ (log)", ylabel=r"$g_P(t)$ (log)",
           title=r"dotted: slope $d+2$ (shifted down)", ylim=(1e-30, 1))
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------- explore frames
WEIGHT_GRID = dict(d=[1, 2, 5, 10], n=[64, 1024])


def weight_frame(*, d: int = 2, n: int = 256, seed: int = 0):
    r"""Empirical weight :math:`g(u,t)` of n uniform-ball points (10 random directions) against
    the population :math:`g_P(t)` (§3; the two differ by :math:`\tilde O(\sqrt{d/n})`, Thm E.5)."""
    X, _, _ = make_dataset(n, d, noise=0.0, seed=seed)
    t = np.linspace(-1, 1, 101)
    fig, ax = figure_axis()
    for j, u in enumerate(sample_sphere(10, d, rng(seed))):
        ax.plot(t, weight_function(np.tile(u, (len(t), 1)), t, X), c="C0", alpha=0.25, lw=0.8,
                label="empirical, 10 directions" if j == 0 else None)
    ax.plot(t, population_weight(t, d), "k", lw=2, label=r"population $g_P(t)$")
    ax.set(xlabel="offset $t$ of the kink $u^\\top x = t$", ylabel="weight $g(u, t)$",
           title=f"d = {d}, n = {n}", ylim=(0, None))
    ax.legend(fontsize=8)
    return fig


EDGE_OF_STABILITY_GRID = dict(lr=[0.1, 0.2, 0.4, 0.9], noise=[0.5, 1.0])


def edge_of_stability_frame(*, lr: float = 0.4, width: int = 128, d: int = 2, n: int = 64,
                            steps: int = 1500, noise: float = 1.0, seed: int = 0):
    """Train one small net with step ``lr``; sharpness against 2/lr and the two errors."""
    X, y, f0 = make_dataset(n, d, noise=noise, seed=seed)
    _, hist = train_gd(init_network(width, d, seed), X, y, lr=lr, steps=steps, f0=f0,
                       record_every=max(1, steps // 30), sharpness_iters=10)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    plot_sharpness(hist, lr, ax=axes[0])
    axes[0].set_ylim(0, 2.5 * 2 / lr)
    plot_losses(hist, ax=axes[1], noise=noise, title=f"width {width}, d = {d}, n = {n}")
    return fig


SHATTERING_GRID = dict(d=[1, 3, 10], weight_decay=[0.0, 0.1])


def shattering_frame(*, d: int = 5, weight_decay: float = 0.0, n: int = 64, width: int = 128,
                     noise: float = 1.0, steps: int = 2000, seed: int = 0, pad_to: int = 10):
    """Activation rate against neuron norm after GD: lr 0.9 without decay (as in Fig. 3), lr 0.01
    with decay. Inputs are padded to ``pad_to`` dimensions (:func:`pad_inputs`, which changes
    nothing) so that every d shares one compiled kernel."""
    X, y, f0 = make_dataset(n, d, noise=noise, seed=seed)
    Xp, net = pad_inputs(X, init_network(width, d, seed), max(pad_to, d))
    lr = 0.9 if weight_decay == 0 else 0.01
    params, hist = train_gd(net, Xp, y, lr=lr, steps=steps, weight_decay=weight_decay, f0=f0,
                            record_every=steps, sharpness_iters=0, float64=False)
    rates = activation_rates(params, Xp)
    fig, ax = figure_axis()
    plot_shattering(params, Xp, ax=ax)
    rare = np.mean((rates > 0) & (rates < 0.1))
    ax.set_title(f"d = {d}, lr = {lr:g}, weight decay = {weight_decay:g}: "
                 f"train {2 * hist['loss'][-1]:.2f}, MSE {hist['mse'][-1]:.2f}, "
                 f"rarely active {rare:.0%}", fontsize=8)
    return fig

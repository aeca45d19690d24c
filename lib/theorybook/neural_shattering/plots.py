"""Figures of the chapter. Each ``plot_*`` draws results computed elsewhere (on ``ax`` if given);
each ``<name>_frame`` computes one grid point (cheaply) and returns a Figure, for ``explore``, with
its slider grid ``<NAME>_GRID`` beside it (the notebooks and the slider tests import the grids)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from matplotlib.lines import Line2D

from theorybook.common import error_band, figure_axis, rng, sample_sphere

from ._baselines import baseline_errors
from ._data import make_dataset
from ._model import activation_rates, init_network, neuron_norms, pad_inputs, predict, train_gd
from ._rates import rate_sweep
from ._weight import population_weight, weight_function

BASELINE_STYLE = {"zero": dict(ls=":", c="0.35", label="zero predictor"),
                  "least squares": dict(ls="-.", c="0.35", label="least squares")}


def plot_sharpness(history: dict, lr: float, *, ax=None, label: str | None = None):
    r"""Sharpness :math:`\lambda_{\max}(\nabla^2 L)` against the GD step, with the line 2/lr."""
    fig, ax = figure_axis(ax)
    line, = ax.plot(history["step"], history["sharpness"], lw=1.2,
                    label=label or rf"$\lambda_{{\max}}$, $\eta$ = {lr:g}")
    ax.axhline(2 / lr, ls="--", c=line.get_color(), lw=1, label=rf"$2/\eta$ = {2 / lr:.3g}")
    ax.set(xlabel="GD step (= epoch)", ylabel=r"sharpness $\lambda_{\max}(\nabla^2 L)$")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_losses(history: dict, *, ax=None, noise: float | None = None, title: str | None = None,
                baselines: dict | None = None):
    r"""Training loss :math:`2L` (the mean squared residual) and the paper's MSE against :math:`f_0`,
    with the in-sample MSE of the zero predictor and of least squares (``baselines``, from
    :func:`baseline_errors`) as horizontal lines."""
    fig, ax = figure_axis(ax)
    ax.semilogy(history["step"], 2 * history["loss"], label=r"training error $2L(\theta)$")
    ax.semilogy(history["step"], history["mse"], label=r"MSE vs $f_0$ (in-sample)")
    if noise is not None:
        ax.axhline(noise**2, ls="--", c="k", lw=1, label=rf"noise level $\sigma^2$ = {noise**2:g}")
    for name, errs in (baselines or {}).items():
        style = BASELINE_STYLE[name]
        ax.axhline(errs["mse"], lw=1, ls=style["ls"], c=style["c"],
                   label=f"{style['label']}: MSE {errs['mse']:.2g}")
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


def plot_rates(sweeps: dict, *, ax=None, baselines: bool = True):
    r"""In-sample MSE against n on log-log axes, one colour per d, one line style per method
    (Fig. 2). Filled markers: the n where the method beats the zero predictor (the points its
    rate is fitted on), open markers: the others. With ``baselines``, the zero predictor (dotted)
    and least squares (dash-dotted) of the first sweep, in the colour of their d."""
    fig, ax = figure_axis(ax, figsize=(6.0, 4.0))
    markers = ["o", "s", "^"]
    styles = ["-", "--", (0, (1, 3))]
    cmap = plt.get_cmap("viridis")
    first = next(iter(sweeps.values()))
    colors = [cmap(i / max(1, len(first.ds) - 1)) for i in range(len(first.ds))]
    for (label, res), marker, style in zip(sweeps.items(), markers, styles):
        for i, color in enumerate(colors):
            ns, mse, beats = np.asarray(res.ns), res.mse[i], res.beats_zero[i]
            ax.loglog(ns, mse, ls=style, color=color, lw=1.2)
            ax.loglog(ns[beats], mse[beats], marker, color=color, ms=5, ls="none")
            ax.loglog(ns[~beats], mse[~beats], marker, mfc="none", color=color, ms=5, ls="none")
    if baselines:
        for i, color in enumerate(colors):
            for name, values in (("zero", first.zero[i]), ("least squares", first.ols[i])):
                ax.loglog(first.ns, values, ls=BASELINE_STYLE[name]["ls"], color=color, lw=0.9)
    handles = [Line2D([], [], color=c, lw=2, label=f"d = {d}") for c, d in zip(colors, first.ds)]
    handles += [Line2D([], [], color="k", ls=st, marker=m, label=label)
                for label, m, st in zip(sweeps, markers, styles)]
    if baselines:
        handles += [Line2D([], [], color="k", lw=0.9, ls=BASELINE_STYLE[k]["ls"],
                           label=BASELINE_STYLE[k]["label"]) for k in BASELINE_STYLE]
    ax.set(xlabel="number of samples $n$ (log)", ylabel=r"MSE vs $f_0$ (median, log)")
    ax.legend(handles=handles, fontsize=7, ncol=2)
    return fig


def reference_rates(ds) -> dict:
    r"""The paper's exponents as functions of d: the upper bound :math:`n^{-1/(2d+4)}` of
    Thm 3.6 for flat networks and the minimax lower bound :math:`n^{-2/(d+1)}` of Thm 3.7
    (:math:`n^{-1/2}` at d = 1). Over the worst :math:`f_0` of the flat class, GD's rate is at
    least the first and no estimator's exceeds the second; an easy :math:`f_0` (a linear one)
    can be learnt faster."""
    ds = np.asarray(ds, dtype=np.float64)
    return {r"Thm 3.6 upper bound $1/(2d+4)$": 1 / (2 * ds + 4),
            r"Thm 3.7 minimax $2/(d+1)$ ($1/2$ at $d=1$)": np.where(ds > 1, 2 / (ds + 1), 0.5)}


def plot_slopes(sweeps: dict, *, ax=None):
    """The rate (minus the log-log slope of MSE against n) for each d and method, fitted per seed
    over the n where the method beats the zero predictor (:meth:`RateSweep.fitted_rates`; no
    point where it never does), mean with ±1 s.e. over seeds, and the paper's exponents
    (:func:`reference_rates`) as dashed reference lines."""
    fig, ax = figure_axis(ax, figsize=(4.6, 3.4))
    for label, res in sweeps.items():
        mean, se = res.fitted_rates()
        error_band(ax, res.ds, mean, se, marker="o",
                   label=f"{label} (±1 s.e., {len(res.seeds)} seeds)")
    ds = np.asarray(next(iter(sweeps.values())).ds)
    for (label, vals), style in zip(reference_rates(ds).items(), ["--", ":"]):
        ax.plot(ds, vals, ls=style, c="k", lw=1, label=label)
    ax.axhline(0, c="grey", lw=0.8)
    ax.set(xlabel="input dimension $d$", ylabel=r"rate: $-$slope of log MSE vs log $n$")
    ax.legend(fontsize=7)
    return fig


def plot_population_weight(ds, *, ax=None, points: int = 200):
    r"""Population weight :math:`g_P(t)` for uniform-ball data against :math:`1 - t` (log-log),
    with the reference slopes :math:`d + 2` of the boundary decay."""
    fig, ax = figure_axis(ax)
    gap = np.logspace(-3, 0, points)
    cmap = plt.get_cmap("viridis")
    lowest = 1.0
    for i, d in enumerate(ds):
        color = cmap(i / max(1, len(ds) - 1))
        g = population_weight(1 - gap, d)
        ax.loglog(gap, g, color=color, label=f"d = {d}")
        # reference slope d + 2, shifted down by 10^-2 so that it does not hide the curve
        ref = 1e-2 * g[0] * (gap[:80] / gap[0]) ** (d + 2)
        ax.loglog(gap[:80], ref, ":", color=color, lw=1.2)
        lowest = min(lowest, float(ref.min()))
    ax.set(xlabel=r"distance to the boundary $1 - t$ (log)", ylabel=r"$g_P(t)$ (log)",
           title=r"dotted: slope $d+2$ (shifted down)", ylim=(lowest / 10, 1))
    ax.legend(fontsize=8)
    return fig


def plot_activation_histogram(nets: dict, X, *, ax=None, bins: int = 20):
    """Histogram of the activation rates of the live neurons (rate > 0) of each network."""
    fig, ax = figure_axis(ax)
    edges = np.linspace(0, 100, bins + 1)
    for (label, params), color in zip(nets.items(), ["C3", "C2", "C0"]):
        rates = 100 * activation_rates(params, X)
        ax.hist(rates[rates > 0], bins=edges, histtype="step", lw=1.5, color=color,
                label=f"{label} ({np.mean(rates > 0):.0%} live)")
    ax.axvline(10, c="k", ls="--", lw=0.8, label="10% (paper's GD: all below)")
    ax.set(xlabel="activation rate of live neurons (%)", ylabel="number of neurons", yscale="log")
    ax.legend(fontsize=8)
    return fig


def plot_shattered_2d(params: dict, X, *, ax=None, rare: float = 0.1, vmax: float | None = None,
                      title: str | None = None, points: int = 161):
    r"""A network on the unit disk (paper Fig. 1): its function as colour, the kink
    :math:`u_k^\top x = t_k` of every neuron that cuts the data (red: rarely active, activation
    rate below ``rare``; grey: the others) and the training points, ringed in red when a rarely
    active neuron fires on them (the points it isolates)."""
    fig, ax = figure_axis(ax, figsize=(4.6, 4.0))
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) for a picture on the disk, got {X.shape}")
    grid = np.linspace(-1, 1, points)
    G = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)
    f = predict(params, G)
    f[np.sum(G * G, axis=1) > 1] = np.nan
    vmax = float(np.nanmax(np.abs(f))) if vmax is None else vmax
    image = ax.imshow(f.reshape(points, points), origin="lower", extent=(-1, 1, -1, 1),
                      cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    fig.colorbar(image, ax=ax, shrink=0.85, label=r"$f_\theta(x)$")
    rates = activation_rates(params, X)
    w, b = np.asarray(params["w"]), np.asarray(params["b"])
    norms = np.linalg.norm(w, axis=1)
    for k in np.flatnonzero((rates > 0) & (rates < 1) & (norms > 0)):
        u, t = w[k] / norms[k], b[k] / norms[k]
        half = np.sqrt(max(1 - t * t, 0.0)) * np.array([-u[1], u[0]])
        ends = np.array([t * u - half, t * u + half])
        is_rare = rates[k] < rare
        ax.plot(ends[:, 0], ends[:, 1], c="C3" if is_rare else "0.4",
                lw=1.2 if is_rare else 0.6, alpha=0.9 if is_rare else 0.5)
    isolated = np.any((X @ w.T - b > 0)[:, (rates > 0) & (rates < rare)], axis=1)
    ax.scatter(*X[~isolated].T, s=10, c="k", label="training points")
    ax.scatter(*X[isolated].T, s=30, facecolors="none", edgecolors="C3", lw=1.4,
               label=f"isolated by a rare neuron ({isolated.sum()})")
    angle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(angle), np.sin(angle), c="k", lw=0.8)
    ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05), aspect="equal", xticks=[], yticks=[],
           title=title)
    ax.legend(fontsize=7, loc="lower left")
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
    plot_losses(hist, ax=axes[1], noise=noise, title=f"width {width}, d = {d}, n = {n}",
                baselines=baseline_errors(X, y, f0))
    return fig


# (step size, weight decay) of each setting of the shattering explorer
SHATTERING_SETTINGS = {"GD, lr 0.2": (0.2, 0.0), "GD, lr 0.9": (0.9, 0.0),
                       "weight decay 0.1, lr 0.01": (0.01, 0.1)}
SHATTERING_GRID = dict(d=[1, 3, 10], setting=list(SHATTERING_SETTINGS))


def shattering_frame(*, d: int = 5, setting: str = "GD, lr 0.9", n: int = 64, width: int = 128,
                     noise: float = 1.0, steps: int = 2000, seed: int = 0, pad_to: int = 10):
    """Activation rate against neuron norm after training with one of
    :data:`SHATTERING_SETTINGS`: GD at the paper's Fig. 2 step 0.2 (at which the d = 1 network
    keeps live neurons), at its Fig. 3 step 0.9, or a small step with weight decay. Inputs are
    padded to ``pad_to`` dimensions (:func:`pad_inputs`, which changes nothing) so that every d
    shares one compiled kernel. The title gives the training error, the MSE against f0 and the
    zero predictor's."""
    if setting not in SHATTERING_SETTINGS:
        raise ValueError(f"setting must be one of {list(SHATTERING_SETTINGS)}, got {setting!r}")
    lr, weight_decay = SHATTERING_SETTINGS[setting]
    X, y, f0 = make_dataset(n, d, noise=noise, seed=seed)
    Xp, net = pad_inputs(X, init_network(width, d, seed), max(pad_to, d))
    params, hist = train_gd(net, Xp, y, lr=lr, steps=steps, weight_decay=weight_decay, f0=f0,
                            record_every=steps, sharpness_iters=0, float64=False)
    rates = activation_rates(params, Xp)
    fig, ax = figure_axis()
    plot_shattering(params, Xp, ax=ax)
    rare = np.mean((rates > 0) & (rates < 0.1))
    ax.set_title(f"d = {d}, {setting}: train {2 * hist['loss'][-1]:.2f}, "
                 f"MSE {hist['mse'][-1]:.2f} (zero predictor {np.mean(f0**2):.2f}),\n"
                 f"live {np.mean(rates > 0):.0%}, rarely active {rare:.0%}", fontsize=8)
    return fig


SHATTERED_2D_GRID = dict(width=[32, 512], n=[16, 32, 64])


def shattered_2d_frame(*, width: int = 128, n: int = 32, lr: float = 0.4, steps: int = 5000,
                       noise: float = 1.0, seed: int = 0):
    """GD with step ``lr`` on n noisy points of the disk (d = 2); the learned function, the kinks
    of the neurons that cut the data and the points that rarely active neurons isolate
    (:func:`plot_shattered_2d`). The title compares the MSE against f0 with the baselines'."""
    X, y, f0 = make_dataset(n, 2, noise=noise, seed=seed)
    params, hist = train_gd(init_network(width, 2, seed), X, y, lr=lr, steps=steps, f0=f0,
                            record_every=steps, sharpness_iters=0, float64=False)
    base = baseline_errors(X, y, f0)
    return plot_shattered_2d(
        params, X, vmax=float(np.max(np.abs(y))),
        title=(f"n = {n}, width {width}, lr {lr:g}: train {2 * hist['loss'][-1]:.2f}, "
               f"MSE {hist['mse'][-1]:.2f}\n(zero predictor {base['zero']['mse']:.2f}, "
               f"least squares {base['least squares']['mse']:.2f})"))


RATE_GRID = dict(lr=[0.05, 0.2, 0.9], target=["linear", "holder"])


def rate_frame(*, lr: float = 0.2, target: str = "linear", weight_decay: float = 0.0,
               ds=(1, 3, 5), ns=(16, 32, 64), steps: int = 1000, seeds=(0, 1, 2)):
    """A small rate experiment (:func:`rate_sweep`, width 2n): median MSE against n with the
    zero predictor and least squares (:func:`plot_rates`), for one step size and target."""
    res = rate_sweep(ds, ns, lr=lr, weight_decay=weight_decay, width_multiple=2, noise=1.0,
                     steps=steps, seeds=seeds, target=target, float64=False)
    fig = plot_rates({f"GD, lr {lr:g}": res})
    fig.axes[0].set_title(f"target {target}, {len(seeds)} seeds, {steps} steps", fontsize=9)
    return fig

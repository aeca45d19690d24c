"""Figures of the chapter. ``plot_*`` draw results computed elsewhere on a given axis;
``*_frame`` compute one grid point and return a Figure for ``explore``, with their grid
(``*_GRID``) beside them."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..common import error_band, figure_axis, mean_se
from ._gaussian import relu_error, relu_moments
from ._learners import PHASES, predicted_queries, query_learner
from ._oracle import make_oracle
from ._sweeps import _unit, budget_curve

FLOOR = 1e-12   # errors below this are drawn at it (float32 fits stop near 1e-15)
PHASE_COLORS = dict(zip(PHASES, ("C0", "C1", "C2")))


def plot_moments(ts, ax=None):
    r"""Activity :math:`p = \bar\Phi(t)`, the zero predictor's error :math:`\mathbb E(g - t)_+^2`
    and their ratio, against the bias t (unit-norm target)."""
    fig, ax = figure_axis(ax)
    ts = np.asarray(ts, dtype=float)
    p, _, m2 = relu_moments(ts)
    ax.semilogy(ts, p, label=r"activity $p = \bar\Phi(t)$")
    ax.semilogy(ts, m2, label=r"zero predictor's error $\mathbb{E} f^{*2}$")
    ax.semilogy(ts, m2 / p, "--", label=r"ratio $\mathbb{E} f^{*2}/p$")
    ax.set(xlabel=r"bias $t^*$ ($\|w^*\| = 1$)", ylabel="(log)")
    ax.legend(fontsize=8)
    return fig


def plot_learner_2d(result, oracle, *, ax=None, lim=4.5):
    r"""In d = 2: the target's active half-plane :math:`\{w^*\cdot x > t^*\}` (shaded), the
    learned boundary :math:`\{w\cdot x = t\}` (dashed), the corrupted region if any (hatched)
    and the points queried in each phase."""
    fig, ax = figure_axis(ax, figsize=(4.6, 4.2))
    grid = np.linspace(-lim, lim, 301)
    xx, yy = np.meshgrid(grid, grid)
    pts = np.stack([xx.ravel(), yy.ravel()], axis=1)
    active = (oracle.target(pts) > 0).reshape(xx.shape)
    ax.contourf(xx, yy, active, levels=[0.5, 1.5], colors=["0.85"])
    if oracle.direction is not None and np.isfinite(oracle._cut):
        bad = (pts @ oracle.direction > oracle._cut).reshape(xx.shape)
        ax.contourf(xx, yy, bad, levels=[0.5, 1.5], colors="none", hatches=["///"])
    for name in PHASES:
        X = result.points[name]
        if len(X):
            ax.scatter(X[:, 0], X[:, 1], s=6, alpha=0.6, color=PHASE_COLORS[name],
                       label=f"{name} ({len(X)})")
    w, t = np.asarray(result.w), result.t
    if np.linalg.norm(w) > 0:
        u = w / np.linalg.norm(w)
        c = u * t / np.linalg.norm(w)
        ends = np.array([c - 2 * lim * u[::-1] * [-1, 1], c + 2 * lim * u[::-1] * [-1, 1]])
        ax.plot(ends[:, 0], ends[:, 1], "k--", lw=1.2, label=r"learned $w\cdot x = t$")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(fontsize=7, loc="lower left")
    return fig


def plot_traces(results, *, zero, ax=None):
    """Error after each phase against the labels used so far, one line per run, with the zero
    predictor's error."""
    fig, ax = figure_axis(ax)
    for i, res in enumerate(results):
        q = [row[1] for row in res.trace]
        e = np.maximum([row[2] for row in res.trace], FLOOR)
        ax.loglog(q, e, "-o", ms=3, color=f"C{i}", label=f"seed {i}")
    ax.axhline(zero, color="k", ls=":", label="zero predictor")
    ax.set(xlabel="labels used (log)", ylabel=r"$\mathbb{E}(h - f^*)^2$ (log)")
    ax.legend(fontsize=8)
    return fig


def plot_budget(curve, *, ax=None):
    """Error against the label budget, query learner and passive GD (mean ± 1 s.e. over seeds),
    with the zero predictor and opt."""
    fig, ax = figure_axis(ax)
    k = len(curve.seeds)
    for values, label in ((curve.query, "query learner (ours)"), (curve.passive, "passive GD")):
        if np.all(np.isnan(values)):
            continue
        mean, se = mean_se(np.maximum(values, FLOOR), axis=1)
        error_band(ax, curve.budgets, np.maximum(mean, FLOOR), se, marker="o", ms=3,
                   label=f"{label}, ±1 s.e., {k} seeds")
    ax.axhline(curve.zero, color="k", ls=":", label="zero predictor")
    if curve.opt > 0:
        ax.axhline(curve.opt, color="k", ls="--", lw=1, label=r"$\mathbb{E}(y - f^*)^2$")
    ax.set(xscale="log", yscale="log", xlabel="labels allowed (log)",
           ylabel=r"$\mathbb{E}(h - f^*)^2$ (log)")
    ax.legend(fontsize=7)
    return fig


def plot_robustness(sweeps, *, ax=None):
    r"""Error against :math:`\mathbb E(y - f^*)^2` for each noise model (mean ± 1 s.e.), with the
    line error = opt and the zero predictor."""
    fig, ax = figure_axis(ax)
    for sweep in sweeps:
        keep = sweep["opt"] > 0
        mean, se = mean_se(np.maximum(sweep["error"][keep], FLOOR), axis=1)
        ax.errorbar(sweep["opt"][keep], mean, yerr=se, fmt="-o", ms=4, capsize=2,
                    label=f"{sweep['noise']} ({sweep['error'].shape[1]} seeds)")
    top = max(s["opt"].max() for s in sweeps)
    line = np.geomspace(1e-5, top, 10)
    ax.loglog(line, line, "k--", lw=1, label="error = opt")
    ax.axhline(sweeps[0]["zero"], color="k", ls=":", label="zero predictor")
    ax.set(xlabel=r"$\mathbb{E}(y - f^*)^2$ (log)", ylabel=r"$\mathbb{E}(h - f^*)^2$ (log)")
    ax.legend(fontsize=7)
    return fig


def plot_scaling(x, queries, predicted, *, xlabel, ax=None, logx=False):
    """Labels used (mean ± 1 s.e. over seeds, shape (len(x), seeds)) against a parameter, with
    the budget accounting of :func:`predicted_queries`."""
    fig, ax = figure_axis(ax)
    mean, se = mean_se(np.asarray(queries, dtype=float), axis=1)
    ax.errorbar(x, mean, yerr=se, fmt="o", ms=4, capsize=2,
                label=f"measured, ±1 s.e., {np.shape(queries)[1]} seeds")
    ax.plot(x, predicted, "k--", lw=1, label="accounting")
    ax.set(xlabel=xlabel, ylabel="labels used")
    if logx:
        ax.set(xscale="log", yscale="log")
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------- explore frames
BUDGET_GRID = dict(budget=[50, 100, 200, 400, 800, 1600], d=[5, 10, 20])


def budget_frame(budget=400, d=10, t_star=2.0, seeds=range(3)):
    """Query learner and passive GD with ``budget`` labels at dimension ``d`` (3 seeds): the
    error of each run, beside the zero predictor."""
    curve = budget_curve([budget], d=d, t_star=t_star, seeds=seeds)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for i, (values, label) in enumerate(((curve.query[0], "query learner"),
                                         (curve.passive[0], "passive GD"))):
        ax.scatter(np.full(len(values), i), np.maximum(values, FLOOR), s=25, color=f"C{i}")
    ax.axhline(curve.zero, color="k", ls=":", label="zero predictor")
    ax.set(xticks=[0, 1], xticklabels=["query learner", "passive GD"], xlim=(-0.6, 1.6),
           yscale="log", ylim=(FLOOR / 3, 0.1), ylabel=r"$\mathbb{E}(h - f^*)^2$ (log)",
           title=f"{budget} labels, d = {d}, $t^*$ = {t_star:g}; query learner used "
                 f"{int(curve.used.max())}")
    ax.legend(fontsize=8)
    return fig


LEARNER_GRID = dict(t_star=[0.0, 1.0, 2.0, 3.0, 4.0], eps=[0.1, 0.01, 0.001])


def learner_frame(t_star=2.0, eps=0.01, d=10, seeds=range(3)):
    """Error after each phase against labels used (3 seeds) for bias ``t_star`` and accuracy
    ``eps``, with the budget accounting and the line ε."""
    w = _unit(d)
    runs = [query_learner(make_oracle(w, t_star, seed=s), d, eps, seed=s) for s in seeds]
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    plot_traces(runs, zero=relu_error(np.zeros(d), 0.0, w, t_star), ax=ax)
    ax.axhline(eps, color="C3", ls="-.", lw=1, label=r"$\varepsilon$")
    ax.axvline(predicted_queries(d, t_star, eps), color="0.5", lw=1, label="accounting")
    ax.set(ylim=(FLOOR / 3, 1.0), xlim=(10, 1e5),
           title=rf"$t^*$ = {t_star:g} (p = {relu_moments(t_star)[0]:.2g}), "
                 rf"$\varepsilon$ = {eps:g}, d = {d}")
    ax.legend(fontsize=7, loc="lower left")
    return fig


NOISE_GRID = dict(noise=["gaussian", "adversarial"], level=[0.0, 0.01, 0.03, 0.1])


def noise_frame(noise="gaussian", level=0.01, t_star=1.5, seed=0):
    """In d = 2: the query learner under a noise model (σ for Gaussian noise, the corrupted
    mass q for the adversary), its queries and its boundary; errors in the title."""
    w = _unit(2)
    oracle = make_oracle(w, t_star, noise=noise, level=level, seed=seed)
    res = query_learner(oracle, 2, 0.01, seed=seed)
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    plot_learner_2d(res, oracle, ax=ax)
    ax.set_title(rf"{noise}, level {level:g}: $\mathbb{{E}}(h-f^*)^2$ = "
                 rf"{relu_error(res.w, res.t, w, t_star):.1e}, "
                 rf"$\mathbb{{E}}(y-f^*)^2$ = {oracle.opt_exact:.1e}", fontsize=8)
    return fig


__all__ = [
    "BUDGET_GRID",
    "LEARNER_GRID",
    "NOISE_GRID",
    "budget_frame",
    "learner_frame",
    "noise_frame",
    "plot_budget",
    "plot_learner_2d",
    "plot_moments",
    "plot_robustness",
    "plot_scaling",
    "plot_traces",
]

"""Figures of the chapter. Each ``plot_*`` draws results computed elsewhere on a given axis; each
``*_frame`` computes one grid point cheaply and returns a Figure, for ``explore``, with its grid
as a module constant beside it (the notebooks and the slider tests import the same constant)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..common import figure_axis
from ._learn import (SUCCESS_TOL, _relation_values, _work_prec, auto_bits,
                     integer_relation, learn, recovery_error, relation_bits, solve_lambda)
from ._gd import population_loss
from ._problem import sample_problem


def plot_neuron_2d(problem, *, ax=None):
    """A 2-D periodic neuron: the label ``cos(2 pi gamma <w, x>)`` over the plane (its level sets
    are lines orthogonal to w, spaced 1/gamma apart), the hidden w and the samples."""
    if problem.d != 2:
        raise ValueError(f"problem.d must be 2 for this picture, got {problem.d}")
    fig, ax = figure_axis(ax, figsize=(4.6, 4.0))
    g = np.linspace(-3, 3, 241)
    u, v = np.meshgrid(g, g)
    z = np.cos(2 * np.pi * problem.gamma * (u * problem.w[0] + v * problem.w[1]))
    im = ax.imshow(z, extent=(-3, 3, -3, 3), origin="lower", cmap="RdBu", vmin=-1, vmax=1)
    ax.scatter(problem.X[:, 0], problem.X[:, 1], c="k", s=14, label="samples $x_i$")
    ax.annotate("", xy=2 * problem.w, xytext=(0, 0),
                arrowprops=dict(arrowstyle="->", color="k", lw=2))
    ax.text(*(2.15 * problem.w), "$w$", fontsize=12)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title=rf"$\cos(2\pi\gamma\langle w, x\rangle)$, $\gamma$ = {problem.gamma:g}")
    fig.colorbar(im, ax=ax, label="label y")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def plot_landscape(gammas, *, d: int | None = None, ax=None):
    """Population loss of the cosine neuron against the overlap ``rho = <u, w>``, one line per
    gamma; with ``d``, the density of ``rho`` for a uniformly random start in dimension d."""
    fig, ax = figure_axis(ax)
    rho = np.linspace(-1, 1, 801)
    for g in gammas:
        ax.plot(rho, population_loss(rho, g), label=rf"$\gamma$ = {g:g}")
    ax.set(xlabel=r"overlap $\rho = \langle u, w\rangle$", ylabel="population loss",
           ylim=(-0.05, 1.25))
    if d is not None and d >= 3:
        # <u, w> of a uniform unit u has density (1 - rho^2)^((d - 3)/2) on [-1, 1]
        dens = stats.beta.pdf((rho + 1) / 2, (d - 1) / 2, (d - 1) / 2) / 2
        ax2 = ax.twinx()
        ax2.fill_between(rho, dens, color="0.85", zorder=0)
        ax2.set(ylabel=f"density of a random start's overlap, d = {d}",
                ylim=(0, 1.2 * dens.max()))
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
    ax.legend(loc="lower left", fontsize=8)
    return fig


LANDSCAPE_GRID = dict(gamma=[0.1, 0.25, 0.5, 1.0, 2.0], d=[3, 10, 100])


def landscape_frame(gamma: float, d: int):
    """Explore frame: the population loss at one gamma and the random starts in dimension d."""
    fig = plot_landscape([gamma], d=d)
    fig.axes[0].set_title(rf"$\gamma$ = {gamma:g}, d = {d}")
    return fig


def plot_alignment(gammas, curves: dict, *, ax=None):
    """``|<ŵ, w>|`` against gamma: ``curves[name] = (mean, se)`` arrays over gammas, ±1 s.e."""
    fig, ax = figure_axis(ax)
    for name, (mean, se) in curves.items():
        ax.errorbar(gammas, mean, yerr=se, marker="o", capsize=3, label=name)
    ax.set(xscale="log", xlabel=r"frequency $\gamma$", ylabel=r"overlap $|\langle \hat w, w\rangle|$",
           ylim=(-0.03, 1.05))
    ax.legend(fontsize=8)
    return fig


def _plane(rows):
    """Orthonormal coordinates of the plane spanned by two rows (float)."""
    q, _ = np.linalg.qr(np.asarray(rows, dtype=float).T)
    return q.T


def plot_basis_2d(basis, reduced, *, ax=None):
    """A rank-2 lattice drawn in its own plane: lattice points, the input basis (grey) and the
    LLL basis (red); the first reduced vector is the integer relation."""
    fig, ax = figure_axis(ax, figsize=(5.0, 5.0))
    P = _plane(reduced)
    red = np.asarray(reduced, dtype=float) @ P.T
    orig = np.asarray(basis, dtype=float) @ P.T
    lim = 1.15 * max(np.abs(orig).max(), 1.0)
    # reduced vectors are nearly orthogonal, so |i| |b1*| <= ~2 lim covers the window
    span = min(80, int(2 * lim / min(np.linalg.norm(red, axis=1))) + 1)
    pts = np.array([i * red[0] + j * red[1] for i in range(-span, span + 1)
                    for j in range(-span, span + 1)])
    keep = np.all(np.abs(pts) <= lim, axis=1)
    ax.scatter(pts[keep, 0], pts[keep, 1], s=6, c="0.5", zorder=1)
    for vecs, color, lw, name in [(orig, "0.55", 4.0, "input basis"),
                                  (red, "crimson", 1.8, "LLL-reduced basis")]:
        for v in vecs:
            ax.annotate("", xy=v, xytext=(0, 0),
                        arrowprops=dict(arrowstyle="->", color=color, lw=lw))
        ax.plot([], [], color=color, lw=lw, label=name)
    c = list(reduced[0][:-1])
    ax.annotate(f"relation c = {tuple(c)}", xy=red[0], xytext=(0.5 * red[0] + [0, 0.12 * lim]),
                color="crimson", fontsize=9, ha="center")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal",
           xlabel="coordinate in the lattice's plane", ylabel="coordinate in the lattice's plane")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def planted_relation(problem) -> list[int]:
    """The integer relation the learner should find, from the hidden w (for figures and tests):
    the signs ``s_i`` (abs) or ``(eps_i, k_i)`` with ``gamma <w, x_i> = eps_i zeta_i + k_i`` (cos)."""
    d = problem.d
    t = problem.gamma * problem.X[: d + 1] @ problem.w
    if problem.activation == "abs":
        return [int(v) for v in np.sign(t)]
    k = np.round(t)                       # t = eps zeta + k with zeta = |t - round(t)|
    eps = np.where(t >= k, 1, -1)
    return [int(v) for v in eps] + [int(v) for v in k]


def plot_relation(found, planted, *, ax=None, title: str | None = None):
    """The first LLL vector (bars) against the planted relation (dots), entry by entry."""
    fig, ax = figure_axis(ax)
    found, planted = np.asarray(found, dtype=float), np.asarray(planted, dtype=float)
    idx = np.arange(len(found))
    sign = 1.0 if np.dot(found, planted) >= 0 else -1.0
    ax.bar(idx, sign * found, color="C0", alpha=0.7, label="first LLL vector (sign fixed)")
    ax.plot(idx, planted, "ko", ms=4, label="planted relation")
    ax.axhline(0, color="k", lw=0.6)
    top = max(3.0, 1.2 * np.abs(planted).max())
    ax.set(xlabel="entry of c", ylabel="value", title=title,
           ylim=(-top, top))
    ax.legend(fontsize=8, loc="upper left")
    return fig


RELATION_GRID = dict(activation=["abs", "cos"], bits=[18, 22, 26, 30, 36, 48, 96])


def relation_frame(activation: str, bits: int, d: int = 8):
    """Explore frame: the first LLL vector of one d = 8 problem (seed 0) at ``bits`` bits."""
    p = sample_problem(d, activation, seed=0)
    prec = _work_prec(bits)
    c = integer_relation(_relation_values(p, solve_lambda(p.X, prec), prec), bits)
    err = recovery_error(p, learn(p, bits))
    verdict = "w recovered" if err < SUCCESS_TOL else "wrong relation: no w"
    need = relation_bits(d, activation=activation)
    return plot_relation(c, planted_relation(p),
                         title=f"{activation}, d = {d}, N = {bits} bits (auto {need}): {verdict}")


def plot_success_heatmap(rates, ds, log10_noises, *, ax=None, title: str | None = None):
    """Success probability over (d, log10 noise) as a heat map, with the rate in each cell."""
    fig, ax = figure_axis(ax)
    rates = np.asarray(rates, dtype=float)
    im = ax.imshow(rates, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(log10_noises)), [f"{x:g}" for x in log10_noises])
    ax.set_yticks(range(len(ds)), [str(d) for d in ds])
    for i in range(len(ds)):
        for j in range(len(log10_noises)):
            ax.text(j, i, f"{rates[i, j]:.1f}", ha="center", va="center", fontsize=7,
                    color="w" if rates[i, j] < 0.5 else "k")
    ax.set(xlabel=r"$\log_{10}$ noise half-width $\beta$", ylabel="dimension d", title=title)
    fig.colorbar(im, ax=ax, label="success probability")
    return fig


def bits_sweep(problem, bits_grid) -> np.ndarray:
    """Recovery error of the learner at each precision of ``bits_grid`` (inf when it fails)."""
    return np.array([recovery_error(problem, learn(problem, int(b))) for b in bits_grid])


def plot_window(bits_grid, errors, *, auto: int | None = None, ax=None, label=None):
    """Recovery error against the precision N (log scale; failures drawn at the top)."""
    fig, ax = figure_axis(ax)
    errors = np.asarray(errors, dtype=float)
    shown = np.where(np.isfinite(errors), np.maximum(errors, 1e-18), 10.0)
    ax.semilogy(bits_grid, shown, "o-", label=label)
    ax.axhline(SUCCESS_TOL, color="k", ls=":", lw=1, label=f"success threshold {SUCCESS_TOL:g}")
    if auto is not None:
        ax.axvline(auto, color="C3", ls="--", lw=1, label=f"automatic N = {auto}")
    ax.set(xlabel="bits of precision N", ylabel="recovery error (10 = no relation)",
           ylim=(1e-19, 1e2))
    ax.legend(fontsize=8, loc="center right")
    return fig


WINDOW_GRID = dict(d=[3, 6, 10], log10_noise=[-40, -30, -20, -12, -6])


def window_frame(d: int, log10_noise: float):
    """Explore frame: the precision window of one cosine problem (seed 0) at noise 10^x."""
    p = sample_problem(d, "cos", noise=10.0**log10_noise, seed=0)
    top = 2 * relation_bits(d, activation="cos")
    grid = np.unique(np.linspace(2 * d + 2, top, 12).astype(int))
    fig = plot_window(grid, bits_sweep(p, grid), auto=auto_bits(p))
    fig.axes[0].set_title(rf"cos, d = {d}, noise $\beta = 10^{{{log10_noise:g}}}$")
    return fig

"""Figures of the chapter. Each ``plot_*`` function draws results computed elsewhere and returns
the Figure; each ``*_frame`` draws one frame of an ``explore`` figure, with its grid beside it
(``<NAME>_GRID``), imported by the notebook and by the slider tests."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np

from ..common import figure_axis
from ._bridge import RadialTables, radial_tables, reveal_probability
from ._data import n_digits
from ._geometry import discrete_marginal, prior_point, sqrt_map
from ._schedule import GeometricSchedule


def plot_octant(ax, n_lines: int = 7):
    """Draw the positive octant of S^2 (the image of the 2-simplex under √) on a 3-D axis."""
    u = np.linspace(0, np.pi / 2, 40)
    for a in np.linspace(0, np.pi / 2, n_lines):
        ax.plot(np.cos(a) * np.sin(u), np.sin(a) * np.sin(u), np.cos(u), c="0.85", lw=0.6)
        ax.plot(np.sin(a) * np.cos(u), np.sin(a) * np.sin(u), np.cos(a) * np.ones_like(u), c="0.85", lw=0.6)
    for k, name in enumerate(["$e_0$", "$e_1$", "$e_m$"]):
        v = np.eye(3)[k]
        ax.scatter(*v, c="k", s=12)
        ax.text(*(1.08 * v), name)
    ax.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1), xticks=[0, 1], yticks=[0, 1], zticks=[0, 1])
    ax.view_init(elev=20, azim=50)


def plot_sphere_paths(paths=None, *, prior="mask", token=0, t_max=1.0, ax=None, n_show=12):
    """Bridge paths on S^2 (V = 2 tokens + mask) with the discrete-diffusion geodesic of Prop. 3.1.

    ``paths``: a :class:`BridgePaths` in dimension 3 (or None to draw only the geodesic); only the
    part with t ≤ ``t_max`` is drawn, ending in a dot.
    """
    if ax is None:
        fig = plt.figure(figsize=(4.6, 4.2))
        ax = fig.add_subplot(projection="3d")
    fig = ax.figure
    plot_octant(ax)
    t = np.linspace(0, 1, 60)
    geo = sqrt_map(np.asarray(discrete_marginal(token, 1 - t, dim=3, prior=prior)))
    ax.plot(*geo.T, c="k", lw=2, ls="--", label="discrete diffusion (Prop. 3.1)")
    if paths is not None:
        keep = paths.t <= t_max + 1e-9
        for j in range(min(n_show, paths.x.shape[1])):
            xs = paths.x[keep, j]
            ax.plot(*xs.T, lw=0.8, alpha=0.8)
            ax.scatter(*xs[-1], s=8)
    ax.set_title(f"{prior} prior → token $e_{token}$, t ≤ {t_max:.2f}", fontsize=10)
    ax.legend(loc="upper left", fontsize=7)
    return fig


def plot_prop31(dim=5, token=0, ax=None):
    """Prop. 3.1: √p_t of masked/uniform diffusion has unit norm and runs along the arc e_k → prior."""
    fig, ax = figure_axis(ax)
    t = np.linspace(0, 1, 101)
    for prior, c in (("mask", "C0"), ("uniform", "C1")):
        x = sqrt_map(np.asarray(discrete_marginal(token, t, dim=dim, prior=prior)))
        x0 = prior_point(prior, dim)
        e_k = np.eye(dim)[token]
        total = np.arccos(np.clip(e_k @ x0, -1, 1))
        angle = np.arccos(np.clip(x @ e_k, -1, 1))
        # Distance to the plane span(e_k, x0): zero on the great circle.
        basis, _ = np.linalg.qr(np.stack([e_k, x0], 1))
        off = np.linalg.norm(x - (x @ basis) @ basis.T, axis=1)
        ax.plot(t, angle / total, c=c, label=f"{prior}: angle to $e_k$ / arc length")
        ax.plot(t, off, c=c, ls=":", label=f"{prior}: distance to the great circle")
    ax.set(xlabel=r"fraction of the way to the prior $\lambda$", ylabel="fraction of the arc",
           title=f"Prop. 3.1 on $S^{{{dim - 1}}}$: discrete diffusion moves along a geodesic")
    ax.legend(fontsize=7)
    return fig


def plot_tables(tables, ax=None, label=None):
    """α_t, ρ_t and m_t = ‖E X_t‖ of one or several :class:`RadialTables` against t."""
    if ax is None:
        fig, ax = plt.subplots(1, 3, figsize=(10, 3.0), sharex=True)
    fig = ax[0].figure
    tables = [tables] if isinstance(tables, RadialTables) else list(tables)
    for i, tab in enumerate(tables):
        lab = label[i] if isinstance(label, (list, tuple)) else (label or f"d = {tab.dim}, {tab.prior}, ρ {tab.rho_formula}")
        ax[0].plot(tab.t, tab.alpha, label=lab)
        ax[1].plot(tab.t, tab.rho, label=lab)
        ax[2].plot(tab.t, tab.m, label=lab)
    ax[0].set(xlabel="t", ylabel=r"$\alpha_t$ (mean direction)", title=r"$\mu_t$ turns towards $e_k$")
    ax[1].set(xlabel="t", ylabel=r"$\rho_t$ (wrapped-normal scale)", title="spread")
    ax[2].set(xlabel="t", ylabel=r"$m_t = \|E X_t\|$", title="length of the mean")
    ax[0].legend(fontsize=7)
    return fig


def plot_comparison(cmp, ax=None, title=""):
    """Exact GRW bridge against the radial approximation: mean ± sd of ⟨X_t, e_k⟩ and the reveal probability."""
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    fig = ax[0].figure
    for name, m, s, c in (("exact bridge (GRW)", cmp.exact_mean, cmp.exact_sd, "C0"),
                          ("radial approximation", cmp.approx_mean, cmp.approx_sd, "C1")):
        ax[0].plot(cmp.t, m, c=c, label=f"{name}: mean")
        ax[0].fill_between(cmp.t, m - s, m + s, color=c, alpha=0.2, label=f"{name}: ±1 sd")
    ax[0].set(xlabel="t", ylabel=r"$\langle X_t, e_k\rangle$", title=title or "projection on the token")
    ax[0].legend(fontsize=7)
    ax[1].plot(cmp.t, cmp.exact_reveal, c="C0", label="exact bridge (GRW)")
    ax[1].plot(cmp.t, cmp.approx_reveal, c="C1", ls="--", label="radial approximation")
    ax[1].set(xlabel="t", ylabel=r"P(argmax$_j X_t^j = k$)", title=f"token revealed ({cmp.n} paths)")
    ax[1].legend(fontsize=7)
    return fig


def plot_reveal(comparisons: dict, ax=None):
    """P(token visible) against t for several dimensions: later and sharper as d grows."""
    fig, ax = figure_axis(ax)
    for i, (d, cmp) in enumerate(comparisons.items()):
        ax.plot(cmp.t, cmp.exact_reveal, c=f"C{i}", label=f"d = {d}: exact")
        ax.plot(cmp.t, cmp.approx_reveal, c=f"C{i}", ls="--", label=f"d = {d}: approx.")
    ax.set(xlabel="t", ylabel=r"P(argmax$_j X_t^j = k$)", title="the token appears late and abruptly in high d")
    ax.legend(fontsize=7, ncol=2)
    return fig


def plot_losses(logs: dict, ax=None, smooth: int = 50):
    """Training losses (running mean over ``smooth`` steps) of several models."""
    fig, ax = figure_axis(ax)
    for name, log in logs.items():
        k = min(smooth, len(log.loss))
        y = np.convolve(log.loss, np.ones(k) / k, mode="valid")
        ax.plot(log.step[k - 1:], y, label=name)
    ax.set(xlabel="training step", ylabel=f"loss (running mean of {smooth})", title="training loss")
    ax.legend(fontsize=7)
    return fig


def plot_bpc(results: dict, *, floor=None, vocab=27, ax=None, title="validation bits per character"):
    """Bar chart of BPC bounds with ±2 s.e., log2 V and (optionally) the entropy floor."""
    fig, ax = figure_axis(ax)
    names = list(results)
    vals = [results[n][0] for n in names]
    errs = [2 * results[n][1] for n in names]
    ax.bar(names, vals, yerr=errs, color=[f"C{i}" for i in range(len(names))], capsize=4, label="±2 s.e.")
    ax.axhline(np.log2(vocab), c="k", ls="--", lw=1, label=f"log2 {vocab} (uniform)")
    if floor is not None:
        ax.axhline(floor, c="r", ls=":", lw=1, label="entropy floor")
    ax.set(ylabel="BPC (≤ bound)", title=title)
    ax.legend(fontsize=7)
    return fig


def plot_profiles(ts, profiles: dict, ax=None):
    """NELBO integrands (bits per character per unit t) of several models against t; the area under
    each curve is its BPC bound."""
    fig, ax = figure_axis(ax)
    for i, (name, values) in enumerate(profiles.items()):
        area = float(np.trapezoid(values, ts))
        ax.plot(ts, values, c=f"C{i}", marker=".", label=f"{name} (area {area:.2f})")
    ax.set(xlabel="t (0 = prior, 1 = data)", ylabel="bits / character / unit t", yscale="log",
           title="where each bound spends its bits")
    ax.legend(fontsize=7)
    return fig


def plot_split_reveal(ts, curves: dict, *, ax=None, title="token visible"):
    """Reveal probabilities P(token visible at t) for several (vocabulary, base) settings."""
    fig, ax = figure_axis(ax)
    for i, (name, p) in enumerate(curves.items()):
        ax.plot(ts, p, c=f"C{i}", label=name)
    ax.set(xlabel="t", ylabel="P(token visible)", ylim=(-0.02, 1.02), title=title)
    ax.legend(fontsize=7)
    return fig


# --- explore frames ----------------------------------------------------------------------------
BRIDGE_GRID = dict(prior=["mask", "uniform"], t=[0.2, 0.4, 0.6, 0.8, 0.9, 1.0])


def bridge_frame(paths: dict, *, prior, t):
    """Bridge paths on S^2 up to time ``t`` for one prior (``paths``: prior → BridgePaths)."""
    fig = plt.figure(figsize=(4.4, 4.0))
    return plot_sphere_paths(paths[prior], prior=prior, t_max=t,
                             ax=fig.add_subplot(projection="3d"))


TABLES_GRID = dict(beta0=[1e-4, 1e-3, 1e-2], beta1=[0.05, 0.2, 1.0])


def tables_frame(*, beta0, beta1, particles=2048, table_steps=500):
    """α_t, ρ_t and m_t at d = 28 for both priors under the schedule (β0, β1)."""
    schedule = GeometricSchedule(beta0, beta1)
    priors = ("mask", "uniform")
    tabs = [radial_tables(28, prior, schedule=schedule, particles=particles, steps=table_steps)
            for prior in priors]
    fig, ax = plt.subplots(1, 3, figsize=(10, 3.0))
    return plot_tables(tabs, ax=ax, label=[f"{prior} prior" for prior in priors])


STEPS_GRID = dict(steps=[8, 32, 64])


def steps_frame(model, data, *, steps, n=32, seed=1):
    """Unigram frequencies of ``n`` samples of ``model`` drawn with ``steps`` sampler steps,
    against the validation text of the corpus ``data``."""
    vocab = data.vocab
    s = model.sample(n, steps=steps, seed=seed)
    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    freq = np.bincount(s.ravel(), minlength=vocab) / s.size
    ax.bar(range(vocab), np.bincount(data.valid.ravel(), minlength=vocab) / data.valid.size,
           color="0.8", label="data")
    ax.bar(range(vocab), freq, width=0.5, label=f"{model.kind.upper()}, {steps} steps")
    ax.set(xticks=range(vocab), xticklabels=list(data.alphabet[:-1]) + ["␣"],
           ylabel="frequency", title="unigram frequencies of samples")
    ax.legend(fontsize=7)
    return fig


SPLIT_GRID = dict(vocab=[27, 256, 2048], base=[2, 4, 16])


@functools.lru_cache(maxsize=None)
def mask_reveal(dim, *, t_grid: tuple, particles=2048, table_steps=500, n=200):
    """P(token visible at t) on S^{dim−1} with the mask prior, at the times ``t_grid`` (a tuple;
    cached, since the frames of the split explorer share curves). Do not modify the result."""
    tables = radial_tables(dim, "mask", particles=particles, steps=table_steps)
    return reveal_probability(tables, np.asarray(t_grid), n=n)


def split_frame(*, vocab, base, t_grid: tuple, particles=2048, table_steps=500):
    """When a token becomes visible: unsplit on S^V, one base-b digit on S^b, all m digits."""
    m = n_digits(vocab, base)
    kw = dict(t_grid=tuple(t_grid), particles=particles, table_steps=table_steps)
    digit = mask_reveal(base + 1, **kw)
    curves = {f"no split: token on $S^{{{vocab}}}$": mask_reveal(vocab + 1, **kw),
              f"one digit on $S^{{{base}}}$": digit,
              f"all {m} digits": digit ** m}   # = reveal_probability(..., digits=m)
    fig, ax = plt.subplots(figsize=(5.5, 3.3))
    plot_split_reveal(np.asarray(t_grid), curves, ax=ax,
                      title=f"V = {vocab}, b = {base}: m = {m} digits, "
                            f"{base**m - vocab} invalid codes")
    return fig

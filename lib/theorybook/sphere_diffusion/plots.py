"""Figures of the chapter. Each ``plot_*`` function draws results computed elsewhere and returns
the Figure; each ``*_frame`` draws one frame of an ``explore`` figure, with its grid beside it
(``<NAME>_GRID``), imported by the notebook and by the slider tests."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np

from ..common import figure_axis
from ._bridge import (STEP_THR, RadialTables, above_chance, compare_bridge, radial_tables,
                      reveal_probability)
from ._data import n_digits, ngram_distance
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
    ax[1].plot(cmp.t, cmp.exact_visible, c="C0", label="exact bridge (GRW)")
    ax[1].plot(cmp.t, cmp.approx_visible, c="C1", ls="--", label="radial approximation")
    ax[1].axhline(0, c="k", lw=0.6)
    ax[1].set(xlabel="t", ylabel="visible above chance",
              title=f"token visible, above chance 1/{cmp.dim - 1} ({cmp.n} paths)")
    ax[1].legend(fontsize=7)
    return fig


def plot_reveal(comparisons: dict, ax=None):
    """Visibility of the token above chance, (P − 1/k)/(1 − 1/k) with k = d − 1, against t for
    several dimensions: later and sharper as d grows."""
    fig, ax = figure_axis(ax)
    for i, (d, cmp) in enumerate(comparisons.items()):
        ax.plot(cmp.t, cmp.exact_visible, c=f"C{i}", label=f"d = {d}: exact")
        ax.plot(cmp.t, cmp.approx_visible, c=f"C{i}", ls="--", label=f"d = {d}: approx.")
    ax.axhline(0, c="k", lw=0.6)
    ax.set(xlabel="t", ylabel="visible above chance",
           title="the token appears late and abruptly in high d")
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
    """Visibility above chance (:func:`above_chance`) against t for several settings."""
    fig, ax = figure_axis(ax)
    for i, (name, p) in enumerate(curves.items()):
        ax.plot(ts, p, c=f"C{i}", label=name)
    ax.axhline(0, c="k", lw=0.6)
    ax.set(xlabel="t", ylabel="visible above chance", ylim=(-0.52, 1.02), title=title)
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


STEPS_GRID = dict(steps=[8, 16, 32, 64])


def steps_frame(models: dict, data, *, steps, n=32, seed=1):
    """Samples of several models (name → model) drawn with ``steps`` sampler steps each: the
    total-variation distance of their letter and letter-pair frequencies to the validation text
    (``ngram_distance``; the grey lines: real training text of the same size, the noise floor),
    and the first three samples of each model side by side."""
    fig, (ax, axt) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw=dict(width_ratios=[1, 1.2]))
    floor = data.train[np.linspace(0, len(data.train) - 1, n).astype(int)]
    width = 0.8 / len(models)
    lines = []
    for i, (name, model) in enumerate(models.items()):
        s = model.sample(n, steps=steps, seed=seed)
        tv = [ngram_distance(s, data.valid, vocab=data.vocab, order=k) for k in (1, 2)]
        ax.bar(np.arange(2) + (i - (len(models) - 1) / 2) * width, tv, width=width, label=name)
        lines += [f"{name}:"] + [f"  '{data.decode(x)}'" for x in s[:3]]
    for k in (1, 2):
        ax.hlines(ngram_distance(floor, data.valid, vocab=data.vocab, order=k), k - 1.45, k - 0.55,
                  color="0.5", ls="--", label="real text" if k == 1 else None)
    ax.set(xticks=[0, 1], xticklabels=["letters", "letter pairs"], ylabel="TV distance to data",
           title=f"{steps} sampler steps, {n} samples each")
    ax.legend(fontsize=7)
    axt.axis("off")
    axt.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=7.5,
             transform=axt.transAxes)
    return fig


def plot_seed_bpc(results: dict, *, vocab=27, ax=None, title="validation BPC over training seeds"):
    """Bars: mean over seeds ± 2 s.e. (over seeds) of :class:`SeedBPC` results (name → SeedBPC);
    dots: each seed's bound."""
    fig, ax = figure_axis(ax)
    names = list(results)
    for i, n in enumerate(names):
        r = results[n]
        err = 2 * r.se if np.isfinite(r.se) else 0.0
        ax.bar(i, r.mean, yerr=err, color=f"C{i}", alpha=0.7, capsize=4)
        ax.scatter(np.full(len(r.values), i), r.values, c="k", s=10, zorder=3)
    ax.axhline(np.log2(vocab), c="k", ls="--", lw=1, label=f"log2 {vocab} (uniform guess)")
    ax.set_xticks(range(len(names)), [f"{n}\n({len(results[n].values)} seeds)" for n in names])
    ax.set(ylabel="BPC (≤ bound)", title=title)
    ax.legend(fontsize=7)
    return fig


RHO_GRID = dict(dim=[3, 4, 8])


@functools.lru_cache(maxsize=None)
def rho_comparisons(dim, *, n=1000, steps=200, particles=2048, table_steps=500, seed=0):
    """compare_bridge at ``dim`` with the exact and the repository's ρ (same exact paths: the
    same seed); cached, shared by :func:`rho_frame` and the notebook's check."""
    kw = dict(n=n, steps=steps, records=20, particles=particles, table_steps=table_steps, seed=seed)
    return {rho: compare_bridge(dim, "mask", rho=rho, **kw) for rho in ("exact", "repo")}


def rho_frame(*, dim, **sizes):
    """Spread of ⟨X_t, e_k⟩: the exact bridge against the wrapped normal with the exact ρ and
    with the repository's ρ (mask prior, d = ``dim``)."""
    cmps = rho_comparisons(dim, **sizes)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ex = cmps["exact"]
    ax.plot(ex.t, ex.exact_sd, c="k", lw=2, label="exact bridge (GRW)")
    for (rho, cmp), c in zip(cmps.items(), ("C0", "C1")):
        ax.plot(cmp.t, cmp.approx_sd, c=c, ls="--", label=f"wrapped normal, ρ {rho}")
    ax.set(xlabel="t", ylabel=r"sd of $\langle X_t, e_k\rangle$",
           title=f"spread on $S^{{{dim - 1}}}$ (d = {dim}), {ex.n} paths")
    ax.legend(fontsize=7)
    return fig


WINDOW_GRID = dict(left=[0.1, 0.2, 0.3, 0.4], right=[0.5, 0.6, 0.75, 0.9])


def window_share(ts, profile, left, right):
    """Share of the area under a NELBO profile (values at ``ts``, linearly interpolated) that
    lies in the window (left, right)."""
    ts, profile = np.asarray(ts, dtype=float), np.asarray(profile, dtype=float)
    fine = np.linspace(ts[0], ts[-1], 400)
    prof = np.interp(fine, ts, profile)
    inside = (fine > left) & (fine < right)
    return float(np.trapezoid(np.where(inside, prof, 0), fine) / np.trapezoid(prof, fine))


def window_frame(*, left, right, ts, profile, eps=1e-4):
    """The loss window (left, right): the density w(t)/Z of the training times against a
    model's NELBO integrand ``profile`` at ``ts`` (bits per character per unit t), with the
    share of the bound inside the window and the share of draws that land there."""
    share_bound = window_share(ts, profile, left, right)
    Z = eps * left + (right - left) + eps * (1 - right)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(ts, profile, c="C0", marker=".", label="NELBO integrand (RDLM)")
    ax.axvspan(left, right, color="C1", alpha=0.2,
               label=f"window: {(right - left) / Z:.2%} of the draws")
    ax.set(xlabel="t", ylabel="bits / character / unit t",
           title=f"({left}, {right}) holds {share_bound:.0%} of the bound")
    ax.legend(fontsize=7)
    return fig


MIXTURE_GRID = dict(step_thr=[0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0])


@functools.lru_cache(maxsize=None)
def _mask_coordinate(prior, *, dim=28, particles=2048, table_steps=500):
    """E⟨X_t, e_m⟩ on the tables' grid for the bridge from ``prior`` (from E X_t = p e_k + q x_0)."""
    tab = radial_tables(dim, prior, particles=particles, steps=table_steps)
    c = tab.c0
    q = (tab.B - c * tab.A) / (1 - c**2)   # E X_t = p e_k + q x_0: A = p + q c, B = p c + q
    return tab.t, q * prior_point(prior, dim)[-1]


def mixture_frame(*, step_thr, dim=28, particles=2048, table_steps=500):
    """The mixture path with threshold ``step_thr``: the mean mask coordinate E⟨X_t, e_m⟩ of the
    states the loss trains on (from u for t < step_thr, from e_m after) and of the states an
    exact sampler visits (all from the start point of t = 0)."""
    kw = dict(dim=dim, particles=particles, table_steps=table_steps)
    t, mask = _mask_coordinate("mask", **kw)
    _, unif = _mask_coordinate("uniform", **kw)
    train = np.where(t < step_thr, unif, mask)
    sampler = unif if step_thr > 0 else mask
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(t, train, c="C0", lw=2, label="training states (mixture path)")
    ax.plot(t, sampler, c="C1", ls="--", lw=2, label="sampler's states (exact drift)")
    ax.fill_between(t, train, sampler, color="C3", alpha=0.2, label="never visited by the sampler")
    ax.set(xlabel="t", ylabel=r"$E\langle X_t, e_m\rangle$ (mask coordinate)", ylim=(-0.02, 1.02),
           title=f"step threshold {step_thr} (repository text8: {STEP_THR})")
    ax.legend(fontsize=7)
    return fig


def plot_start_check(check, ax=None, title="trained mixture model"):
    """:class:`StartCheck`: the mask coordinate along the sampler's paths against the training
    states, ±2 s.e. over sequences."""
    fig, ax = figure_axis(ax)
    for name, m, se, c in (("training states", check.training, check.training_se, "C0"),
                           ("sampler's states", check.sampler, check.sampler_se, "C1")):
        ax.plot(check.t, m, c=c, marker=".", label=name)
        ax.fill_between(check.t, m - 2 * se, m + 2 * se, color=c, alpha=0.2)
    ax.set(xlabel="t", ylabel=r"mean $\langle x, e_m\rangle$", title=title)
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
    """When a token becomes visible, above chance: unsplit on S^V (chance 1/V), one base-b digit
    on S^b (1/b), all m digits (1/b^m)."""
    m = n_digits(vocab, base)
    kw = dict(t_grid=tuple(t_grid), particles=particles, table_steps=table_steps)
    digit = mask_reveal(base + 1, **kw)
    curves = {f"no split: token on $S^{{{vocab}}}$": above_chance(mask_reveal(vocab + 1, **kw), vocab),
              f"one digit on $S^{{{base}}}$": above_chance(digit, base),
              f"all {m} digits": above_chance(digit ** m, base ** m)}
    fig, ax = plt.subplots(figsize=(5.5, 3.3))
    plot_split_reveal(np.asarray(t_grid), curves, ax=ax,
                      title=f"V = {vocab}, b = {base}: m = {m} digits, "
                            f"{base**m - vocab} invalid codes")
    return fig


def plot_scaling(points, *, ax=None, extend_to: float | None = None, fit: str = "frontier",
                 baseline: float | None = None, annotate: bool = True,
                 title="validation BPC against training compute"):
    """Each model's (width, budget) cells on log axes (the smallest width hollow, the others filled;
    error bars 2 s.e.: over seeds where there are three, else the bound's Monte Carlo s.e.) and
    the power law of :func:`scaling_laws` (``fit``, cells below ``baseline``), drawn solid over the
    measured range and dotted beyond it up to ``extend_to`` FLOPs (an extrapolation).
    ``baseline`` (the unigram BPC) is drawn as a horizontal line, and cells above twice it are
    drawn as ▲ at the top edge, with their value written beside them if ``annotate``. Each law is
    drawn solid over the compute of the cells it was fitted to."""
    from ._scaling import SCALING_MODELS, budgets, scaling_laws

    fig, ax = figure_axis(ax)
    widths = sorted({p.width for p in points})
    top = 2 * baseline if baseline is not None else np.inf
    laws = scaling_laws(points, fit=fit, below=baseline)
    for i, (model, label) in enumerate(SCALING_MODELS.items()):
        cells = budgets(points, model)
        for j, w in enumerate(widths):
            cw = [c for c in cells if c.width == w]
            mfc = "none" if j == 0 else f"C{i}"
            shown = [c for c in cw if c.bpc <= top]
            ax.errorbar([c.flops for c in shown], [c.bpc for c in shown], yerr=[2 * c.se for c in shown],
                        fmt="o", color=f"C{i}", mfc=mfc, ms=5, capsize=3, lw=1)
            for c in (c for c in cw if c.bpc > top):
                ax.plot([c.flops], [top], "^", color=f"C{i}", mfc=mfc, ms=7, clip_on=False)
                if annotate:
                    ax.annotate(f"{c.bpc:.0f} ± {c.se:.0f}", (c.flops, top), xytext=(4, -10),
                                textcoords="offset points", fontsize=6, color=f"C{i}")
        law = laws[model]
        fitted = [c.flops for c in cells if (baseline is None or c.bpc < baseline)
                  and fit in ("frontier", f"width {c.width}")]
        grid = np.geomspace(min(fitted), max(fitted), 50)
        ax.plot(grid, law(grid), color=f"C{i}", lw=1.5,
                label=f"{label}: α = {law.alpha:.3f} ± {law.alpha_se:.3f}")
        if extend_to is not None and extend_to > max(fitted):
            far = np.geomspace(max(fitted), extend_to, 50)
            ax.plot(far, law(far), color=f"C{i}", lw=1, ls=":")
    for j, w in enumerate(widths):
        ax.plot([], [], "o", color="0.4", mfc="none" if j == 0 else "0.4", label=f"width {w}")
    if baseline is not None:
        ax.axhline(baseline, color="k", ls="--", lw=1, label=f"unigram, no context ({baseline:.2f})")
        ax.set_ylim(top=top)
    ax.set(xscale="log", yscale="log", xlabel="training compute (FLOPs, XLA count)",
           ylabel="validation BPC (≤ bound)", title=title)
    ax.legend(fontsize=7)
    return fig


SCALING_GRID = dict(fit=["frontier", "width 32", "width 64"])


def scaling_frame(*, fit, points=None, extend_to=None):
    """One frame of the extrapolation slider: the fitted laws (cells below the unigram baseline)
    carried out to ten times the paper's compute (:func:`paper_compute`, dashed vertical line),
    with each crossing of RDLM's law marked ×."""
    from ._data import corpus, unigram_bpc
    from ._scaling import crossover, paper_compute, scaling_laws, scaling_points

    points = scaling_points() if points is None else points
    extend_to = 10 * paper_compute() if extend_to is None else extend_to
    baseline = unigram_bpc(corpus("pydoc"))
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    plot_scaling(points, extend_to=extend_to, fit=fit, baseline=baseline, annotate=False, ax=ax,
                 title=f"fit: {fit}; dotted = extrapolation")
    ax.set_ylim(bottom=0.5)
    ax.axvline(paper_compute(), color="k", ls="--", lw=1)
    ax.text(paper_compute(), 0.55, " paper (text8)", fontsize=7, rotation=90)
    laws = scaling_laws(points, fit=fit, below=baseline)
    for other in ("mdlm", "ar"):
        c = crossover(laws[other], laws["rdlm"])
        if c is not None and c < extend_to:
            ax.plot([c], [laws["rdlm"](c)], "kx", ms=8)
    return fig

"""Figures of the chapter. Each ``plot_*`` draws results computed elsewhere on a given axis; each
``*_frame`` computes one grid point of an ``explore`` figure and returns its Figure, with its grid
beside it (``<NAME>_GRID``), imported by the notebook and by the slider tests."""

from __future__ import annotations

import functools

import numpy as np

from ..common import error_band, figure_axis, mean_se, sample_sphere
from ._dynamics import forward, mean_pairwise_cos, pairwise_cos, sde_euler
from ._kernel import kernel_constants

# Seeds of the limit SDE's paths in the figures: disjoint from the networks' seeds 0, 1, ...
SDE_SEEDS = range(10_000, 10_256)
_V_LABEL = {1.0: "attractive $V=I$", 0.0: "no attention $V=0$", -1.0: "repulsive $V=-I$"}


def _constants(activation, d, sigma):
    """Kernel constants with σ_U = σ_W = σ (the paper's grid)."""
    return kernel_constants(activation, d=d, sigma_u=sigma, sigma_w=sigma)


def plot_token_angles(trajectory, horizon, ax=None):
    """Angles of d = 2 tokens (on the circle) against time t = ℓ T/L: particles merging."""
    fig, ax = figure_axis(ax)
    traj = np.asarray(trajectory)
    if traj.shape[-1] != 2:
        raise ValueError("plot_token_angles needs d = 2 tokens (trajectory of shape (L+1, N, 2))")
    t = np.linspace(0, horizon, traj.shape[0])
    # angles relative to the final mean direction, wrapped to (−π, π] at the last layer and
    # unwrapped backwards in time: tokens that end together end at the same angle
    mean = traj[-1].mean(axis=0)
    ref = np.arctan2(mean[1], mean[0]) if np.linalg.norm(mean) > 1e-6 else 0.0
    theta = np.angle(np.exp(1j * (np.arctan2(traj[..., 1], traj[..., 0]) - ref)))
    theta = np.unwrap(theta[::-1], axis=0)[::-1]
    ax.plot(t, theta, lw=0.8)
    ax.set(xlabel=r"time $t = \ell\,T/L$",
           ylabel=r"angle $\theta_i$ from the final mean (rad)")
    return fig


def plot_curves(horizon, curves: dict, *, ylabel, ax=None, log=True, band: dict | None = None):
    """Curves against time t = ℓT/L (one per label); optional ±1 s.e. bands keyed like curves."""
    fig, ax = figure_axis(ax)
    for label, y in curves.items():
        y = np.asarray(y)
        t = np.linspace(0, horizon, y.shape[-1])
        if band and label in band:
            error_band(ax, t, y, band[label], label=label, alpha=0.2)
        else:
            ax.plot(t, y, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=r"time $t = \ell\,T/L$", ylabel=ylabel)
    ax.legend(fontsize=8)
    return fig


def plot_cos_hist(X, *, ax=None, label=None, bins=40):
    """Histogram of the pairwise cosines ⟨x_i, x_j⟩, i < j: one cluster piles up at +1,
    an antipodal pair at ±1, a spread-out cloud near 0."""
    fig, ax = figure_axis(ax)
    c = pairwise_cos(X)
    iu = np.triu_indices(c.shape[0], 1)
    ax.hist(c[iu], bins=bins, range=(-1, 1), alpha=0.6, label=label, density=True)
    ax.set(xlabel=r"pairwise cosine $\langle x_i, x_j\rangle$", ylabel="density")
    if label:
        ax.legend(fontsize=8)
    return fig


def plot_table1(rows, ax=None, column="lyapunov"):
    """A Table-1 column (λ₁ or λ̄) as grouped bars: activation × d, for σ = 0 and σ = 0.1."""
    fig, ax = figure_axis(ax, figsize=(7.0, 3.4))
    acts = list(dict.fromkeys(r["activation"] for r in rows))
    keys = list(dict.fromkeys((r["d"], r["sigma"]) for r in rows))
    width = 0.8 / len(keys)
    for k, (d, s) in enumerate(keys):
        vals = [next(r[column] for r in rows
                     if r["activation"] == a and r["d"] == d and r["sigma"] == s)
                for a in acts]
        ax.bar(np.arange(len(acts)) + k * width, vals, width, label=f"d={d}, σ={s:g}")
    ax.set_xticks(np.arange(len(acts)) + 0.4 - width / 2, acts)
    ax.axhline(0, c="k", lw=0.8)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set(ylabel={"lyapunov": r"$\lambda_1$", "lambda_bar": r"$\bar\lambda$"}.get(column, column)
           + " (symlog)")
    ax.legend(fontsize=7, ncol=3)
    return fig


# --- explore frames ----------------------------------------------------------------------------
ATTENTION_GRID = dict(beta=[0.5, 2.0, 8.0], v_scale=[1.0, 0.0, -1.0])


def attention_frame(*, beta=1.0, v_scale=1.0, n_tokens=16, depth=200, horizon=10.0, seed=0):
    """Attention only, d = 2: token angles over depth and the energy E_β (one explore frame)."""
    import matplotlib.pyplot as plt

    x0 = sample_sphere(n_tokens, 2, seed)
    res = forward(x0, depth=depth, horizon=horizon, width=1, beta=beta, v_scale=v_scale,
                  seed=seed, mlp=False, trajectory=True)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.0))
    plot_token_angles(res.trajectory, horizon, ax=a)
    a.set_title(f"β = {beta:g}, V = {v_scale:g}·I")
    plot_curves(horizon, {r"$E_\beta$": np.asarray(res.energy)}, ylabel=r"energy $E_\beta$",
                ax=b)
    return fig


NOISE_GRID = dict(activation=["tanh", "relu", "sigmoid"], sigma=[0.0, 0.1])


def noise_frame(*, activation="relu", sigma=0.0, d=4, n_tokens=64, depth=500, horizon=20.0,
                width=256, seed=0):
    """MLP only (the paper's Fig. 1 setting, shorter): final cosines and mean |cos| over depth."""
    import matplotlib.pyplot as plt

    x0 = sample_sphere(n_tokens, d, seed)
    res = forward(x0, depth=depth, horizon=horizon, width=width, activation=activation,
                  sigma_u=sigma, sigma_w=sigma, v_scale=0.0, seed=seed)
    lam = _constants(activation, d, sigma).lyapunov
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.0))
    plot_cos_hist(np.asarray(res.tokens), ax=a)
    a.set_title(f"{activation}, σ = {sigma:g}, d = {d}: λ₁ = {lam:.3f}", fontsize=9)
    plot_curves(horizon, {r"mean $\langle x_i,x_j\rangle$": np.asarray(res.mean_cos),
                          r"mean $|\langle x_i,x_j\rangle|$": np.asarray(res.mean_abs_cos)},
                ylabel="cosine", ax=b, log=False)
    b.set_ylim(-0.1, 1.05)
    return fig


GRID_ENERGY_GRID = dict(d=[5, 64], activation=["relu", "sigmoid", "tanh"])


def grid_energy_frame(grid, *, d, activation):
    """One (d, φ) panel of :func:`plot_grid_energy` (an explore frame over a computed grid;
    ``GRID_ENERGY_GRID`` holds the default run's dimensions, the paper's add d = 128)."""
    return plot_grid_energy(grid, d_index=grid.dims.index(d),
                            act_index=grid.activations.index(activation))


def plot_grid_energy(grid, *, d_index, act_index, ax=None, horizon=5.0):
    """E_β(t)/E_β(0) of :func:`experiment_grid` for one (d, φ), one network per curve: σ ×
    attention. No bound here: Thm 1.4 bounds the *expectation* over networks
    (:func:`plot_energy_bound` draws it where it applies)."""
    fig, ax = figure_axis(ax, figsize=(5.8, 3.6))
    d, act = grid.dims[d_index], grid.activations[act_index]
    styles = {1.0: "-", 0.0: "--", -1.0: ":"}
    for s_i, sigma in enumerate(grid.sigmas):
        for v_i, v in enumerate(grid.v_scales):
            e = grid.energy[d_index, act_index, s_i, v_i].mean(axis=0)
            t = np.linspace(0, horizon, e.size)
            ax.plot(t, e / e[0], styles.get(v, "-"), color=f"C{s_i}", lw=1.2,
                    label=f"σ={sigma:g}, {_V_LABEL.get(v, f'c={v:g}')}")
    ax.set_yscale("log")
    ax.set(xlabel=r"time $t = \ell\,T/L$", ylabel=r"$E_\beta(t)/E_\beta(0)$ (log)",
           title=f"d = {d}, φ = {act}, one network per curve")
    ax.legend(fontsize=6.5, loc="lower left")
    return fig


def plot_energy_bound(horizon, curves: dict, band: dict, rate, *, ax=None):
    """Mean E_β(t)/E_β(0) over networks (±1 s.e. bands) and the bound exp(λ̄' t) of Thm 1.4 on
    that expectation (draw it only where the theorem applies: λ̄ < 0, G not a.s. odd, ε = 0)."""
    fig = plot_curves(horizon, curves, ylabel=r"$\mathbb{E}[E_\beta(t)]/E_\beta(0)$ (log)",
                      ax=ax, band=band)
    ax = fig.axes[0] if ax is None else ax
    t = np.linspace(0, horizon, 200)
    ax.plot(t, np.exp(rate * t), "k", lw=2.5, alpha=0.4,
            label=f"Thm 1.4 bound $e^{{\\bar\\lambda' t}}$, λ̄' = {rate:.2f}")
    ax.legend(fontsize=7, loc="lower left")
    return fig


def plot_ecdf(samples: dict, xlabel, ax=None):
    """Empirical distribution functions, one per label (e.g. a statistic over networks)."""
    fig, ax = figure_axis(ax)
    for label, x in samples.items():
        x = np.sort(np.asarray(x, dtype=float))
        ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", label=label)
    ax.set(xlabel=xlabel, ylabel="fraction of networks")
    ax.legend(fontsize=8)
    return fig


def plot_benettin(rows, ax=None):
    """Benettin estimates (±2 s.e.) against the formula λ₁ (one marker per row).

    ``rows``: dicts with keys "label", "estimate", "se", "formula"."""
    fig, ax = figure_axis(ax, figsize=(6.5, 3.4))
    x = np.arange(len(rows))
    ax.errorbar(x, [r["estimate"] for r in rows], yerr=[2 * r["se"] for r in rows], fmt="o",
                capsize=3, label="Benettin estimate ± 2 s.e.")
    ax.scatter(x, [r["formula"] for r in rows], marker="_", s=400, c="k", zorder=3,
               label=r"formula $\frac{d-3}{2}\kappa'(1) - \frac{d-1}{2}\kappa(1)$")
    ax.set_xticks(x, [r["label"] for r in rows], rotation=30, fontsize=8)
    ax.set(ylabel=r"top Lyapunov exponent $\lambda_1$")
    ax.legend(fontsize=8)
    return fig


def common_vs_independent_frame(*, activation="sigmoid", sigma=0.0, d=5, n_tokens=32,
                                depth=150, horizon=5.0, width=64, seeds=range(8), ax=None):
    """Seed-averaged E_β(t)/E_β(0) with one MLP for all tokens against one MLP per token."""
    x0 = sample_sphere(n_tokens, d, 0)
    curves, bands = {}, {}
    for common in (True, False):
        r = forward(x0, depth=depth, horizon=horizon, width=width, activation=activation,
                    sigma_u=sigma, sigma_w=sigma, v_scale=0.0, seeds=seeds,
                    common_noise=common)
        label = ("common noise (one MLP per layer)" if common
                 else "independent noise (one MLP per token)")
        curves[label], bands[label] = mean_se(r.energy / r.energy[:, :1])
    fig = plot_curves(horizon, curves, ylabel=r"$E_\beta(t)/E_\beta(0)$ (log)", ax=ax,
                      band=bands)
    lam = _constants(activation, d, sigma).lyapunov
    fig.axes[0].set_title(f"{activation}, d = {d}, σ = {sigma:g}, no attention "
                          f"(λ₁ = {lam:.2f}); bands ±1 s.e., {len(seeds)} networks", fontsize=9)
    return fig


def limit_frame(*, activation="relu", sigma=0.1, d=5, n_tokens=16, depth=150, horizon=5.0,
                width=64, v_scale=0.0, networks=32, ax=None):
    """Law of the final mean cosine: the deep network (L layers, width m) against Euler paths of
    the limit SDE (step T/L), over independent networks / noise paths (seeds 0..networks−1 for
    the networks, 10 000 onwards for the SDE paths: disjoint seeds, independent draws)."""
    x0 = sample_sphere(n_tokens, d, 0)
    kw = dict(activation=activation, sigma_u=sigma, sigma_w=sigma, v_scale=v_scale)
    # padded like limit_law_frame: one compiled function for notebook 2
    net = forward(x0, depth=depth, horizon=horizon, width=width, seeds=range(networks),
                  max_depth=max(depth, *LIMIT_GRID["depth"]),
                  max_width=max(width, *LIMIT_GRID["width"]), **kw)
    sde = sde_euler(x0, horizon=horizon, dt=horizon / depth, seeds=SDE_SEEDS[:networks], **kw)
    fig = plot_ecdf({f"network, L = {depth}, m = {width}": net.mean_cos[:, -1],
                     "limit SDE (Euler–Maruyama)": mean_pairwise_cos(sde)},
                    r"final mean cosine $\langle x_i, x_j\rangle$", ax=ax)
    fig.axes[0].set_title(f"{activation}, σ = {sigma:g}, d = {d}, V = {v_scale:g}·I, "
                          f"{networks} networks", fontsize=9)
    fig.axes[0].set_xlim(-0.3, 1.0)
    return fig


# --- the depth limit over L and m, the random limit over N, the exponent α -------------------
LIMIT_GRID = dict(depth=[1, 3, 10, 150], width=[1, 4, 64])
_LIMIT = dict(activation="relu", sigma_u=0.1, sigma_w=0.1, v_scale=0.0)   # notebook 2's setting


@functools.lru_cache(maxsize=4)
def _sde_law(n_tokens, d, horizon, steps, networks):
    """Final mean cosines of SDE paths in notebook 2's setting (cached: shared by all frames)."""
    x0 = sample_sphere(n_tokens, d, 0)
    sde = sde_euler(x0, horizon=horizon, dt=horizon / steps, seeds=SDE_SEEDS[:networks],
                    **_LIMIT)
    return mean_pairwise_cos(sde)


def limit_law_frame(*, depth=150, width=64, n_tokens=16, d=5, horizon=5.0, networks=32,
                    ax=None):
    """Law over networks of the final mean cosine at depth L and width m, against the limit SDE
    (Euler, 150 steps). ReLU, σ_U = σ_W = 0.1, V = 0. One compiled function for the whole
    ``LIMIT_GRID`` (padded to its largest L and m)."""
    x0 = sample_sphere(n_tokens, d, 0)
    net = forward(x0, depth=depth, horizon=horizon, width=width, seeds=range(networks),
                  max_depth=max(LIMIT_GRID["depth"]), max_width=max(LIMIT_GRID["width"]),
                  **_LIMIT)
    fig = plot_ecdf({f"network, L = {depth}, m = {width}": net.mean_cos[:, -1],
                     "limit SDE (Euler, 150 steps)": _sde_law(n_tokens, d, horizon, 150,
                                                              networks)},
                    r"final mean cosine $\langle x_i, x_j\rangle$", ax=ax)
    fig.axes[0].set_title(f"relu, σ = 0.1, d = {d}, N = {n_tokens}, V = 0, {networks} networks",
                          fontsize=9)
    fig.axes[0].set_xlim(-0.3, 1.0)
    return fig


def random_limit_frame(spread, *, n_tokens, ax=None):
    """One N of :func:`random_limit_spread`: for each network (x position) the final mean cosine
    of every token draw (dots). Within a network the dots close up as N grows; the networks
    stay apart: the limit is random. (``spread`` is computed once; a slider over its N.)"""
    fig, ax = figure_axis(ax)
    i = spread.n_tokens.index(n_tokens)
    vals = spread.mean_cos[i]
    nets = np.arange(vals.shape[0])
    for k in range(vals.shape[1]):
        ax.plot(nets, vals[:, k], "o", color="C0", ms=4, alpha=0.6)
    ax.set(xlabel="network (seed)", ylabel=r"final mean cosine $\langle x_i, x_j\rangle$",
           ylim=(float(spread.mean_cos.min()) - 0.05, float(spread.mean_cos.max()) + 0.05),
           title=f"N = {n_tokens}: spread within a network {spread.within[i]:.3f}, "
                 f"over networks {spread.between[i]:.3f}")
    ax.title.set_fontsize(9)
    ax.set_xticks(nets)
    return fig


ALPHA_GRID = dict(alpha=[0.3, 0.5, 0.75])
ALPHA_DEPTHS = (10, 40, 320)


@functools.lru_cache(maxsize=16)
def alpha_ratios(alpha, *, n_tokens=16, d=5, horizon=5.0, networks=16):
    """{L: (mean, s.e.)} of E_β(T)/E_β(0) over networks for L in ``ALPHA_DEPTHS``, with the MLP
    scaled by (T/L)^α (notebook 2's setting; cached, shared by the frame and the checks)."""
    x0 = sample_sphere(n_tokens, d, 0)
    out = {}
    for depth in ALPHA_DEPTHS:
        r = forward(x0, depth=depth, horizon=horizon, width=64, seeds=range(networks),
                    noise_exponent=alpha, max_depth=max(ALPHA_DEPTHS), **_LIMIT)
        out[depth] = mean_se(r.energy[:, -1] / r.energy[:, 0])
    return out


def alpha_frame(*, alpha=0.5, n_tokens=16, d=5, horizon=5.0, networks=16, ax=None):
    """Why 1/√L: the MLP scaled by (T/L)^α instead of (T/L)^½. Mean final E_β(T)/E_β(0) over
    networks (±1 s.e.) against L: for α < ½ the accumulated noise variance L·(T/L)^{2α} grows
    without bound (the cloud collapses ever more), for α = ½ it converges (the SDE's noise), for
    α > ½ it vanishes (only the attention drift is left; here V = 0, so the ratio tends to 1)."""
    fig, ax = figure_axis(ax)
    rows = alpha_ratios(alpha, n_tokens=n_tokens, d=d, horizon=horizon, networks=networks)
    mean, se = np.array([rows[depth] for depth in ALPHA_DEPTHS]).T
    ax.errorbar(ALPHA_DEPTHS, mean, yerr=se, fmt="o-", capsize=3,
                label=f"α = {alpha:g} (±1 s.e., {networks} networks)")
    ax.axhline(1.0, c="k", ls=":", lw=1, label="no MLP (V = 0: nothing moves)")
    ax.set_xscale("log")
    ax.set(xlabel="depth L", ylabel=r"$E_\beta(T)/E_\beta(0)$", ylim=(0, 1.15),
           title=f"MLP scaled by $(T/L)^{{{alpha:g}}}$; relu, σ = 0.1, d = {d}, N = {n_tokens}")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=8)
    return fig


CIRCLE_GRID = dict(activation=["relu", "tanh", "sigmoid"])


def circle_noise_frame(*, activation="relu", common_noise=True, n_tokens=16, depth=200,
                       horizon=10.0, width=64, seed=0, ax=None):
    """MLP only, d = 2: the angles of the tokens on the circle across layers, under one MLP
    shared by the tokens (common noise) or one MLP per token (the control)."""
    x0 = sample_sphere(n_tokens, 2, seed)
    r = forward(x0, depth=depth, horizon=horizon, width=width, activation=activation,
                v_scale=0.0, seed=seed, common_noise=common_noise, trajectory=True)
    fig = plot_token_angles(r.trajectory, horizon, ax=ax)
    noise = "common noise" if common_noise else "independent noise (one MLP per token)"
    lam = kernel_constants(activation, d=2).lyapunov
    fig.axes[0].set_title(f"{activation}, no bias, d = 2, V = 0, {noise}; λ₁ = {lam:.2f}",
                          fontsize=9)
    return fig

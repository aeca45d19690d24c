"""Figures of the spherical-quantiser chapter: each draws results computed by the chapter module.

``plot_*`` functions take ``ax=None`` (keyword) and return the Figure. The ``explore`` frames are
``<name>_frame(**params)``, each with its slider grid ``<NAME>_GRID`` beside it; the notebooks and
the slider tests import those grids.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from scipy import special

from theorybook.common import (check_choice, check_int, check_number, check_seeds, figure_axis,
                               mean_se, rng, sample_sphere)

from ._asymptotics import (evt_radius, iid_codebook_distortion, kappa, kappa_bounds, kappa_limit,
                           kmeans_distortion, optimal_factorial, zador)
from ._core import (LAWS, distortion, expected_max_cosine, max_cosine_cdf, nearest_sq_distance,
                    optimal_radius, radial_moments, radial_nodes, sample_law)
from ._mixture import _default_grid, first_n_single_sphere_optimal, sensitivity

S_COLOURS = {1: "C0", 2: "C1", 4: "C2", 10: "C3"}
FIGSIZE = (5.8, 3.4)
FRAME_FIGSIZE = (5.2, 3.0)


def distance_cdf(x, *, a, n, d, law="normal") -> np.ndarray:
    r"""P(min_j ‖U − Z_j‖² ≤ x) from Proposition 2.1 for Z_j uniform on S_{d−1}(a):
    E_R[1 − (1 − I_v(δ, δ))^n], v = (x − (R − a)²)/(4aR) clipped to [0, 1] (eqs. 5–7).

    Raises:
        ValueError: naming ``a``, ``n``, ``d`` or ``law``.
    """
    a, n = check_number("a", a, low=0), check_int("n", n, low=1)
    d, law = check_int("d", d, low=2), check_choice("law", law, LAWS)
    delta = 0.5 * (d - 1)
    R, psi = radial_nodes(law, d)
    x = np.atleast_1d(np.asarray(x, dtype=float))[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.clip((x - (R - a) ** 2) / (4 * a * R), 0, 1) if a > 0 else (x >= R**2).astype(float)
    with np.errstate(divide="ignore"):
        return (1 - np.exp(n * np.log1p(-special.betainc(delta, delta, v)))) @ psi


def max_cosine_draws(n, d, *, samples, seed=0) -> np.ndarray:
    """Monte Carlo draws of max_j ⟨U, U_j⟩, fresh U and U_1..U_n for each draw (no formula used).

    Raises:
        ValueError: naming ``n``, ``d``, ``samples`` or ``seed``.
    """
    n, d = check_int("n", n, low=1), check_int("d", d, low=2)
    g, out = rng(seed), np.empty(check_int("samples", samples, low=1))
    for i in range(len(out)):
        u = sample_sphere(1, d, g)
        out[i] = (sample_sphere(n, d, g) @ u[0]).max()
    return out


def plot_cosine_law(*, n=100, d=10, samples=400, seed=0, ax=None):
    """Histogram of the largest cosine (Monte Carlo) against its law [1 − I_{(1−c)/2}(δ, δ)]^n."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    draws = max_cosine_draws(n, d, samples=samples, seed=seed)
    c = np.linspace(-1, 1, 801)
    F = max_cosine_cdf(c, n, d)
    ax.hist(draws, bins=40, range=(-0.2, 1), density=True, alpha=0.4,
            label=f"{samples} Monte Carlo draws")
    ax.plot(0.5 * (c[1:] + c[:-1]), np.diff(F) / np.diff(c), label="exact law (eq. 7)")
    ax.axvline(expected_max_cosine(n, d), ls="--", c="k", lw=1, label=r"$1 - 2m_{n,d}$")
    ax.set(xlim=(-0.2, 1), xlabel=r"largest cosine $\max_j\langle U, U_j\rangle$",
           ylabel="density", title=f"n = {n}, d = {d}")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_distance_law(*, a, n, d, law="normal", samples=3000, seed=0, ax=None):
    """Empirical c.d.f. of the nearest squared distance (simulated quantisers, a fresh one for
    every 100 target points) against Proposition 2.1."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    g = rng(seed)
    sq = np.concatenate([nearest_sq_distance(sample_law(law, d, 100, seed=g),
                                             sample_sphere(n, d, g, radius=a))
                         for _ in range(samples // 100)])
    x = np.sort(sq)
    ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post",
            label=f"simulation ({len(x)} points)")
    grid = np.linspace(0, x.max() * 1.05, 300)
    ax.plot(grid, distance_cdf(grid, a=a, n=n, d=d, law=law), "--", label="Proposition 2.1")
    ax.set(xlabel=r"$\min_j\|U - Z_j\|^2$", ylabel="c.d.f.",
           title=f"{law} target, d = {d}, n = {n}, a = {a:g}")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_distortion_curves(*, n=100, d=10, law="normal", s_values=(1, 2, 4, 10), points=31,
                           ax=None):
    """D_s(a)^{1/s} against the radius a for several s, each optimum a* marked (eqs. 13, 48)."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    radii = np.linspace(0.0, 1.3, points)
    for s in s_values:
        D = np.array([distortion(a, n, d, law=law, s=s) for a in radii]) ** (1 / s)
        a_star, D_star = optimal_radius(n, d, law=law, s=s)
        colour = S_COLOURS.get(s)
        ax.plot(radii, D, color=colour, label=f"s = {s}: a* = {a_star:.3f}")
        ax.plot([a_star], [D_star ** (1 / s)], "o", color=colour)
    ax.set(xlabel="radius a of the quantiser sphere",
           ylabel=r"$D_s(a)^{1/s}$ (quantisation error)", title=f"{law} target, d = {d}, n = {n}")
    ax.legend(fontsize=8)
    return fig


def plot_zador_gap(*, d=10, law="normal", n_values=None, ax=None):
    """Optimal random quantiser D*(n) against Zador's asymptotic value (both bounds on Q_{2,d})."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    if n_values is None:
        n_values = np.unique(np.logspace(0.5, 6, 25).astype(int))
    n_values = np.asarray(n_values)
    Dstar = np.array([optimal_radius(int(n), d, law=law)[1] for n in n_values])
    zl, zu = np.array([zador(int(n), d, law=law) for n in n_values]).T
    ax.loglog(n_values, Dstar, "o-", ms=3, label="optimal random sphere quantiser $D^*$")
    ax.fill_between(n_values, zl, zu, alpha=0.3, color="C3",
                    label="Zador's asymptotic value (bounds on $Q_{2,d}$)")
    m1, m2 = radial_moments(law, d)
    ax.axhline(m2 - m1 * m1, color="k", ls=":", lw=1,
               label=r"$\mathrm{var}\,\|U\|$ (floor of one sphere)")
    ax.set(xlabel="number of points n (log)", ylabel="mean squared distortion (log)",
           title=f"{law} target, d = {d}")
    ax.legend(fontsize=8)
    return fig


def plot_kappa(*, n=1000, d_values=None, ax=None):
    """κ_{n,d} with the bounds of Proposition 4.1 (eq. 42), against d."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    d_values = np.arange(5, 201, 5) if d_values is None else np.asarray(d_values)
    k = [kappa(n, int(d)) for d in d_values]
    lo, hi = np.array([kappa_bounds(n, int(d)) for d in d_values]).T
    ax.plot(d_values, k, label=r"$\kappa_{n,d}$: $I_\kappa(\delta,\delta) = 1/n$")
    ax.fill_between(d_values, lo, hi, alpha=0.25, label="bounds (42)")
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel="dimension d", ylabel=r"$\kappa_{n,d}$", title=f"n = {n}")
    ax.legend(fontsize=8)
    return fig


GROWTH = {
    "n = 1000": (lambda d: 1000, 1.0),
    "n = d²": (lambda d: d * d, 1.0),
    "n = 2^d": (lambda d: 2.0**d, 2.0),
    "n = 4^d": (lambda d: 4.0**d, 4.0),
}


def growth_curves(rule: str, d_values, law="normal"):
    """(d, n, exact a*, EV â*, limit) along a growth rule n(d) of :data:`GROWTH` (s = 2)."""
    fn, lam = GROWTH[check_choice("rule", rule, GROWTH)]
    rows = []
    for d in d_values:
        n = int(min(fn(d), 1e300))
        a_star = optimal_radius(n, int(d), law=law)[0]
        rows.append((d, n, a_star, evt_radius(n, int(d), law).radius))
    limit = 1.0 - 2.0 * kappa_limit(lam)  # Theorem 4.2: a*/E‖U‖ → 1 − 2κ∞
    return np.array(rows, dtype=float), limit


def plot_growth(*, rule="n = 2^d", law="normal", d_values=None, ax=None):
    """a* (exact) and â* (extreme values) against d along n(d), with the Theorem 4.2 limit."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    if d_values is None:
        d_values = np.unique(np.geomspace(3, 400, 25).astype(int))
    rows, limit = growth_curves(rule, np.asarray(d_values), law)
    ax.semilogx(rows[:, 0], rows[:, 2], "o-", ms=3, label="exact $a^*$ (eq. 15)")
    ax.semilogx(rows[:, 0], rows[:, 3], "--", label=r"extreme-value $\hat a^*$ (Cor. 4.1)")
    ax.axhline(limit, color="k", lw=1, ls=":", label=f"Theorem 4.2 limit {limit:.4f}")
    _dimension_ticks(ax, rows[:, 0])
    ax.set(xlabel="dimension d (log)", ylabel="optimal radius", ylim=(0, 1.02),
           title=f"{law} target, {rule}")
    ax.legend(fontsize=8)
    return fig


def _dimension_ticks(ax, d_values):
    """Plain tick labels 3, 10, 30, 100, ... on a log d-axis, no minor labels (no overlaps)."""
    ticks = [v for v in (2, 3, 10, 30, 100, 300, 1000) if d_values.min() <= v <= d_values.max()]
    ax.set_xticks(ticks, [str(v) for v in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())


def plot_cap_heuristic(*, d_values=(10, 30, 100, 300), lambdas=None, ax=None):
    r"""E max_j ⟨U, U_j⟩ (exact) along n = λ^d against the cap-covering value √(1 − 1/λ²).

    n caps of angular radius θ cover the sphere once n·sin^d θ ≈ 1 (a cap's measure is
    sin^d θ up to factors polynomial in d), so the largest cosine tends to cos θ = √(1 − n^{−2/d})
    (Theorem 4.2, the λ-regime).
    """
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    lambdas = np.linspace(1.02, 4.0, 40) if lambdas is None else np.asarray(lambdas, float)
    for i, d in enumerate(d_values):
        keep = lambdas[float(d) * np.log10(lambdas) < 300]
        exact = [expected_max_cosine(max(1, round(lam ** d)), int(d)) for lam in keep]
        ax.plot(keep, exact, "o-", ms=2.5, color=f"C{i}", label=f"exact, d = {d}")
    ax.plot(lambdas, np.sqrt(1 - lambdas ** -2.0), "k--", lw=1.2,
            label=r"caps: $\sqrt{1 - 1/\lambda^2}$")
    ax.set(xlabel=r"$\lambda = n^{1/d}$", ylabel=r"$\mathbb{E}\max_j\langle U, U_j\rangle$",
           ylim=(0, 1), title=r"largest cosine along $n = \lambda^d$")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_voronoi_3d(*, n=20, a=0.7, law="normal", samples=1500, seed=0):
    """3-D view: a target sample coloured by its nearest codeword among n points uniform on
    S₂(a) (the codebook in black, the sphere of radius a as a wireframe)."""
    g = rng(seed)
    code = sample_sphere(n, 3, g, radius=a)
    x = sample_law(law, 3, samples, seed=g)
    _, cell = nearest_sq_distance(x, code, return_index=True)
    fig = plt.figure(figsize=(4.6, 4.2))
    ax = fig.add_subplot(projection="3d")
    u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 25), np.linspace(0, np.pi, 13))
    ax.plot_wireframe(a * np.cos(u) * np.sin(v), a * np.sin(u) * np.sin(v), a * np.cos(v),
                      color="0.7", lw=0.4)
    inside = np.abs(x).max(axis=1) < 1.1
    ax.scatter(*x[inside].T, c=cell[inside] % 20, cmap="tab20", vmin=0, vmax=19, s=3,
               alpha=0.6)
    ax.scatter(*code.T, c="k", s=25, depthshade=False)
    lim = (-1.1, 1.1)
    ax.set(title=f"{law} target, d = 3, n = {n}, a = {a:g}", xticks=[], yticks=[], zticks=[],
           xlim=lim, ylim=lim, zlim=lim)
    return fig


def plot_sensitivity(result, *, ax=None, label=None):
    """S(ρ; Φ, n) on the candidate grid against S̄ (the equivalence theorem, eq. 20)."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    order = np.argsort(result.grid)
    ax.plot(result.grid[order], result.grid_sensitivity[order] / result.mean_sensitivity,
            label=label or "S(ρ)/S̄")
    ax.axhline(1.0, color="k", lw=1, ls=":")
    for r, w in zip(result.radii, result.weights):
        ax.axvline(r, color="C3", lw=0.5 + 3 * w, alpha=0.6)
    ax.set(xlabel=r"candidate radius $\rho$", ylabel=r"$S(\rho;\Phi,n)\,/\,\bar S(\Phi,n)$")
    return fig


def plot_radius_vs_dimension(*, n_values=(10, 100, 10_000), d_values=None, law="sphere", s=2,
                             axes=None):
    """a*(d) for several n, and the distortion ratio D(1)/D* of the naive radius a = 1, on two
    axes (``axes``, or a new figure)."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.5, 3.3))
    if d_values is None:
        d_values = np.unique(np.geomspace(2, 500, 20).astype(int))
    for i, n in enumerate(n_values):
        best = np.array([optimal_radius(n, int(d), law=law, s=s) for d in d_values])
        naive = np.array([distortion(1.0, n, int(d), law=law, s=s) for d in d_values])
        axes[0].semilogx(d_values, best[:, 0], "o-", ms=3, color=f"C{i}", label=f"n = {n}")
        axes[1].semilogx(d_values, naive / best[:, 1], "o-", ms=3, color=f"C{i}",
                         label=f"n = {n}")
    axes[0].set(xlabel="dimension d (log)", ylabel="optimal radius a*",
                title=f"{law} target, s = {s}")
    axes[1].set(xlabel="dimension d (log)", ylabel=r"$D(1)\,/\,D(a^*)$",
                title="cost of the naive radius a = 1")
    axes[0].legend(fontsize=8)
    return axes[0].figure


def plot_single_sphere_sensitivity(*, n=1000, d=8, law="ball", s=2, ax=None):
    """S(ρ; δ_{a*}, n)/S(a*) on the candidate grid (Corollary 3.1): above 1 somewhere means one
    sphere is not optimal."""
    fig, ax = figure_axis(ax, figsize=FRAME_FIGSIZE)
    a, _ = optimal_radius(n, d, law=law, s=s)
    grid = _default_grid(law)
    S, Sbar = sensitivity(grid, [a], [1.0], n=n, d=d, law=law, s=s)
    ax.plot(grid, S / Sbar, label=r"$S(\rho;\delta_{a^*})/S(a^*)$")
    ax.axhline(1.0, color="k", lw=1, ls=":")
    ax.axvline(a, color="C3", lw=1, label=f"a* = {a:.3f}")
    top = float(S.max() / Sbar)
    verdict = "one sphere optimal" if top <= 1 + 1e-9 else "not optimal"
    ax.set(xlabel=r"candidate radius $\rho$", ylabel="relative sensitivity",
           ylim=(0, max(1.6, top * 1.05)), title=f"{law}, d = {d}, s = {s}, n = {n}: {verdict}")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def comparison_rows(n_values, *, d, law="normal", seeds=(0, 1, 2)) -> dict:
    """Mean squared distortions (s = 2), for each n, of the optimal random sphere (exact),
    k-means and the i.i.d. codebook ℙ = μ, and Zador's two values. k-means and the i.i.d.
    codebook are random (codebook or fit, and test sample): each is fitted and scored out of sample
    once per seed, and reported as the mean over ``seeds`` with its standard error over seeds.
    Returns a dict of arrays: ``n``, ``sphere``, ``kmeans``, ``kmeans_se``, ``iid``, ``iid_se``,
    ``zador_lower``, ``zador_upper``."""
    seeds = check_seeds(seeds)
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least two seeds for a standard error, got {seeds}")
    rows = []
    for n in n_values:
        km = mean_se([kmeans_distortion(n, d, law=law, seed=s) for s in seeds])
        iid = mean_se([iid_codebook_distortion(n, d, law=law, seed=s) for s in seeds])
        rows.append((n, optimal_radius(n, d, law=law)[1], *km, *iid, *zador(n, d, law=law)))
    keys = ("n", "sphere", "kmeans", "kmeans_se", "iid", "iid_se", "zador_lower", "zador_upper")
    return dict(zip(keys, np.array(rows).T))


def plot_comparison(rows: dict, *, d, law="normal", ax=None):
    """Distortion against n for the quantisers of :func:`comparison_rows`."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    n = rows["n"]
    ax.loglog(n, rows["sphere"], "o-", label="optimal random sphere $D^*$ (exact)")
    ax.loglog(n, rows["kmeans"], "s-", label="k-means (scikit-learn, out of sample)")
    ax.loglog(n, rows["iid"], "^-", label=r"i.i.d. codebook $\mathbb{P} = \mu$")
    ax.fill_between(n, rows["zador_lower"], rows["zador_upper"], color="C3", alpha=0.25,
                    label="Zador's asymptotic value")
    ax.set(xlabel="number of points n (log)", ylabel="mean squared distortion (log)",
           title=f"{law} target, d = {d}")
    ax.legend(fontsize=8)
    return fig


def plot_factorial_comparison(*, d_values=range(3, 21), ax=None):
    """Sphere target, n = 2^d: distortion of the optimal random sphere over the best 2^d
    factorial design."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    d_values = np.asarray(list(d_values))
    for s, marker in ((2, "o"), (4, "s")):
        ratio = [optimal_radius(2 ** int(d), int(d), law="sphere", s=s)[1]
                 / optimal_factorial(int(d), s)[1] for d in d_values]
        ax.plot(d_values, ratio, marker + "-", ms=4, label=f"s = {s}")
    ax.axhline(1.0, color="k", lw=1, ls=":")
    ax.set(xlabel="dimension d (n = 2^d points)", ylabel="random sphere / factorial (distortion)",
           title="random sphere quantiser vs optimised $\\{\\pm b\\}^d$")
    ax.legend(fontsize=8)
    return fig


def plot_n_star(*, d_values=range(2, 16), s_values=(2, 4, 10), ax=None):
    """n*(d, s) for the sphere target: the smallest n from which one sphere is optimal among all
    spherically symmetric designs (Corollary 3.1; the paper's Fig. 2)."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    d_values = np.asarray(list(d_values))
    for s in s_values:
        n_star = [first_n_single_sphere_optimal(int(d), law="sphere", s=s) for d in d_values]
        ax.plot(d_values, n_star, "o-", ms=4, color=S_COLOURS.get(s), label=f"s = {s}")
    ax.set(xlabel="dimension d", ylabel="n*(d, s)", title="sphere target: one sphere optimal from n*")
    ax.legend(fontsize=8)
    return fig


def plot_crossings(crossings: dict, *, ax=None):
    """n₁, n₂, n₃ against d (log n): ``crossings`` maps a label to a dict {d: n}; 2^{d+1} is
    drawn for reference (the paper's n₁ ≈ 2^{d+1})."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    for i, (label, values) in enumerate(crossings.items()):
        if values:
            d, n = np.array(sorted(values.items())).T
            ax.semilogy(d, n, "o-", ms=4, color=f"C{i}", label=label)
    d = np.array(sorted({k for values in crossings.values() for k in values}))
    ax.semilogy(d, 2.0 ** (d + 1), "k:", lw=1, label="$2^{d+1}$")
    ax.yaxis.set_minor_formatter(plt.NullFormatter())
    ax.set(xlabel="dimension d", ylabel="n (log)", title="ball target, s = 2", xticks=d)
    ax.legend(fontsize=8)
    return fig


def plot_concentration(values, mean, *, ax=None, label=None):
    """Histogram of realised distortions Q_{n,a} of independent designs, with their expectation."""
    fig, ax = figure_axis(ax, figsize=FIGSIZE)
    ax.hist(values, bins=15, alpha=0.5, label=label or f"{len(values)} independent quantisers")
    ax.axvline(mean, color="k", ls="--", lw=1, label="expected distortion (exact)")
    ax.set(xlabel=r"realised mean squared distortion $Q_{n,a}$", ylabel="count")
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------- explore frames
COSINE_GRID = dict(d=[3, 10, 30, 100, 300], n=[10, 1_000, 100_000])


def cosine_frame(*, d=10, n=100):
    """Density of the largest cosine among n uniform directions (exact, eq. 7)."""
    fig, ax = figure_axis(figsize=FRAME_FIGSIZE)
    c = np.linspace(-1, 1, 2001)
    F = max_cosine_cdf(c, n, d)
    ax.plot(0.5 * (c[1:] + c[:-1]), np.diff(F) / np.diff(c))
    m = expected_max_cosine(n, d)
    ax.axvline(m, ls="--", c="k", lw=1, label=f"mean {m:.3f}")
    ax.set(xlim=(-0.3, 1), ylim=(0, None), xlabel=r"largest cosine $\max_j\langle U, U_j\rangle$",
           ylabel="density", title=f"d = {d}, n = {n}")
    ax.legend(loc="upper left", fontsize=8)
    return fig


DISTANCE_GRID = dict(law=list(LAWS), a=[0.3, 0.6, 0.9, 1.2])


def distance_frame(*, law="normal", a=0.7, n=1_000, d=10):
    """Exact density of the nearest squared distance for the quantiser radius ``a``
    (Proposition 2.1), with its mean D(a) and the optimum D*."""
    fig, ax = figure_axis(figsize=FRAME_FIGSIZE)
    x = np.linspace(0.0, 2.5, 501)
    F = distance_cdf(x, a=a, n=n, d=d, law=law)
    ax.plot(0.5 * (x[1:] + x[:-1]), np.diff(F) / np.diff(x))
    D = distortion(a, n, d, law=law)
    a_star, D_star = optimal_radius(n, d, law=law)
    ax.axvline(D, color="k", ls="--", lw=1, label=f"mean D(a) = {D:.3f}")
    ax.axvline(D_star, color="C3", ls=":", lw=1, label=f"D* = {D_star:.3f} at a* = {a_star:.3f}")
    ax.set(xlim=(0, 2.5), ylim=(0, None), xlabel=r"$\min_j\|U - Z_j\|^2$", ylabel="density",
           title=f"{law} target, d = {d}, n = {n}, a = {a:g}")
    ax.legend(fontsize=8)
    return fig


DISTORTION_GRID = dict(n=[10, 100, 1_000, 10_000], s=[1, 2, 4, 10])


def distortion_frame(*, n=100, s=2, d=10, points=21):
    """D_s(a)^{1/s} for the three targets at one (n, s), each optimum marked."""
    fig, ax = figure_axis(figsize=FRAME_FIGSIZE)
    radii = np.linspace(0.0, 1.3, points)
    for i, law in enumerate(LAWS):
        D = np.array([distortion(a, n, d, law=law, s=s) for a in radii]) ** (1 / s)
        a_star, D_star = optimal_radius(n, d, law=law, s=s)
        ax.plot(radii, D, color=f"C{i}", label=f"{law}: a* = {a_star:.3f}")
        ax.plot([a_star], [D_star ** (1 / s)], "o", color=f"C{i}")
    ax.set(xlabel="radius a", ylabel=r"$D_s(a)^{1/s}$", ylim=(0, 1.35),
           title=f"d = {d}, s = {s}, n = {n}")
    ax.legend(fontsize=8, loc="upper right")
    return fig


VORONOI_GRID = dict(a=[0.3, 0.6, 0.9, 1.2], n=[4, 16, 64])
VORONOI_BOX = 1.6  # half-width of the pictured square


def voronoi_frame(*, a=0.6, n=16, law="normal", samples=400, pixels=241, seed=0):
    """d = 2: a target sample, n points uniform on the circle of radius ``a`` (the same directions
    for every a) and their Voronoi cells (a fine grid coloured by its nearest codeword). The
    cells are sectors: the nearest point is the one with the largest cosine (Proposition 2.1)."""
    fig, ax = figure_axis(figsize=(4.0, 4.0))
    g = rng(seed)
    code = sample_sphere(n, 2, g, radius=a)
    x = sample_law(law, 2, samples, seed=g)
    side = np.linspace(-VORONOI_BOX, VORONOI_BOX, pixels)
    grid = np.stack(np.meshgrid(side, side), axis=-1).reshape(-1, 2)
    _, cell = nearest_sq_distance(grid, code, return_index=True)
    box = (-VORONOI_BOX, VORONOI_BOX, -VORONOI_BOX, VORONOI_BOX)
    ax.imshow((cell % 20).reshape(pixels, pixels), origin="lower", extent=box, cmap="tab20",
              vmin=0, vmax=19, alpha=0.45, interpolation="nearest")
    ax.scatter(*x.T, s=3, c="0.25", label="target sample")
    angle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(a * np.cos(angle), a * np.sin(angle), "k--", lw=0.8)
    ax.scatter(*code.T, s=30, c="k", marker="x", label="codebook")
    D, (a_star, D_star) = distortion(a, n, 2, law=law), optimal_radius(n, 2, law=law)
    ax.set(xlim=box[:2], ylim=box[2:], aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title=f"n = {n}, a = {a:g}: D = {D:.3f}\n(best a* = {a_star:.2f}, D* = {D_star:.3f})")
    ax.title.set_fontsize(9)
    return fig


GROWTH_GRID = dict(rule=list(GROWTH))
GROWTH_FRAME_DIMENSIONS = np.unique(np.geomspace(3, 400, 14).astype(int))


def growth_frame(*, rule="n = 2^d"):
    """One growth rule n(d) of Theorem 4.2 (14 dimensions from 3 to 400)."""
    return plot_growth(rule=rule, d_values=GROWTH_FRAME_DIMENSIONS)


SINGLE_SPHERE_GRID = dict(d=[4, 6, 8], ratio=[0.25, 0.5, 0.9, 1.1, 2, 8])


def single_sphere_frame(*, d=8, ratio=1.0):
    """Corollary 3.1 for the ball target, s = 2, at n = ratio · 2^{d+1} (the paper's n₁ ≈ 2^{d+1})
    (:func:`plot_single_sphere_sensitivity`)."""
    return plot_single_sphere_sensitivity(n=max(2, round(ratio * 2 ** (d + 1))), d=d)

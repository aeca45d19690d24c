"""Figures of the chapter. Each ``plot_*`` draws on a given axis (``figure_axis``); each
``*_frame`` computes one grid point of an ``explore`` figure and returns its Figure, with its
grid as the module constant beside it (the notebooks and the slider tests import both)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import SymLogNorm
from numpy.polynomial import Polynomial

from theorybook.common import error_band, figure_axis

from ._error import mc_error
from ._refit import refit_comparison
from ._identities import relu_identity_1d
from ._network import network_predict, sample_network
from ._polynomial import PRESETS, _coeffs, _support, evaluate_polynomial

# Functions of one variable for the ramp pictures: (label, (g, g', g'')).
FUNCTIONS = {
    "exp(t)": (np.exp, np.exp, np.exp),
    "sin(2t)": (lambda t: np.sin(2 * t), lambda t: 2 * np.cos(2 * t),
                lambda t: -4 * np.sin(2 * t)),
    "t^3 - t": Polynomial([0.0, -1.0, 0.0, 1.0]),
}


def plot_ramps(g, *, knots: int, top: float = 2.0, ax=None, label: str = "g"):
    r"""``g`` on [-top, top] and its rebuild from ``knots`` ReLU ramps (identity I1)."""
    fig, ax = figure_axis(ax)
    t = np.linspace(-top, top, 401)
    ends = relu_identity_1d(g, t[[0, -1]])          # the integral (quadrature) at the ends
    rebuilt = relu_identity_1d(g, t, knots=knots)
    g0 = g[0] if isinstance(g, tuple) else g
    ax.plot(t, g0(t), "k", lw=2.5, alpha=0.35, label=f"${label}$")
    ax.plot(t, rebuilt, "C3", lw=1.2, label=f"{knots} ramps + affine part")
    ax.plot(t[[0, -1]], ends, "k.", ms=4)
    ax.set(xlabel="$t$", ylabel="value", title=f"{label} from {knots} ReLU ramps")
    ax.legend(fontsize=8)
    return fig


def ramps_frame(function: str = "sin(2t)", knots: int = 8):
    """Explore frame: one function of :data:`FUNCTIONS` rebuilt from ``knots`` ramps."""
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    return plot_ramps(FUNCTIONS[function], knots=knots, ax=ax, label=function)


RAMPS_GRID = dict(function=list(FUNCTIONS), knots=[2, 4, 8, 16, 32])


def plot_weights_2d(net, *, ax=None, max_points: int = 3000):
    r"""Inner weights :math:`w_i` (first two coordinates) coloured by their outer weight
    :math:`N a_i` (symmetric log colour scale), with the unit circle. Only neurons that fire
    somewhere on the unit ball (:math:`b_i < \|w_i\|`) are drawn: the others never act there."""
    fig, ax = figure_axis(ax, figsize=(4.2, 3.6))
    live = np.flatnonzero(net.b < np.linalg.norm(net.W, axis=1))[:max_points]
    W, a = net.W[live, :2], net.a[live] * net.width
    top = float(np.max(np.abs(a))) or 1.0
    sc = ax.scatter(W[:, 0], W[:, 1], c=a, s=5, cmap="coolwarm",
                    norm=SymLogNorm(linthresh=0.1, vmin=-top, vmax=top))
    ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, color="k", lw=0.8))
    ax.set(xlabel="$w_1$", ylabel="$w_2$", aspect="equal", xlim=(-3.5, 3.5), ylim=(-3.5, 3.5))
    fig.colorbar(sc, ax=ax, label=r"outer weight $N a_i$ (symlog)")
    return fig


def _circle(d: int, points: int = 361):
    theta = np.linspace(0, 2 * np.pi, points)
    X = np.zeros((points, d))
    X[:, 0], X[:, 1] = np.cos(theta), np.sin(theta)
    return theta, X


def plot_on_circle(coeffs, nets, *, ax=None):
    r"""Target and Monte Carlo networks on the unit circle :math:`x = (\cos\vartheta,
    \sin\vartheta, 0, \dots)`; ``nets`` maps a label to a network."""
    fig, ax = figure_axis(ax)
    d = next(iter(nets.values())).W.shape[1]
    theta, X = _circle(d)
    ax.plot(theta, evaluate_polynomial(coeffs, X), "k", lw=2.5, alpha=0.35, label="$p$")
    for label, net in nets.items():
        ax.plot(theta, network_predict(net, X), lw=1, label=label)
    ax.set(xlabel=r"angle $\vartheta$ on the unit circle", ylabel="value")
    ax.legend(fontsize=8)
    return fig


def width_frame(width: int = 1000, preset: str = "x1 x2"):
    """Explore frame: a Monte Carlo network of ``width`` neurons for a preset, on the circle,
    and its inner weights coloured by outer weight."""
    c = PRESETS[preset]
    d = max(2, _support(_coeffs(c)))
    net = sample_network(c, width, d, seed=0)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.4, 3.2), width_ratios=[1.5, 1])
    plot_on_circle(c, {f"$f_N$, N = {width}": net}, ax=ax0)
    ax0.set_title(f"p = {preset}, d = {d}", fontsize=9)
    plot_weights_2d(net, ax=ax1, max_points=2000)
    return fig


WIDTH_GRID = dict(width=[10, 100, 1000, 10_000, 100_000], preset=list(PRESETS)[:3])


def plot_error_vs_width(res, *, ax=None, label: str = "Monte Carlo $f_N$", color=None,
                        zero: bool = True):
    r"""RMSE against width on log-log axes (±1 s.e. over repetitions), the predicted
    :math:`\sqrt{C/N}` (dashed) and the zero function's error (dotted)."""
    fig, ax = figure_axis(ax)
    reps = res.mse.shape[1]
    line = error_band(ax, res.widths, res.rmse, res.rmse_se, color=color,
                      label=f"{label} (±1 s.e., {reps} networks)", marker="o", ms=3)
    if np.all(np.isfinite(res.predicted)):
        ax.plot(res.widths, res.predicted, "--", color=line.get_color(), lw=1,
                label=r"predicted $\sqrt{C/N}$, slope $-1/2$")
    if zero:
        ax.axhline(res.zero, color="grey", ls=":", lw=1, label="zero function")
    ax.set(xscale="log", yscale="log", xlabel="width $N$ (log)",
           ylabel=r"RMSE $\|f_N - p\|_{L^2(D)}$ (log)")
    ax.legend(fontsize=7)
    return fig


def dimension_frame(d: int = 10, radius: float = 1.0):
    """Explore frame: error against width for x1 x2 on the sphere of ``radius`` in R^d."""
    res = mc_error(PRESETS["x1 x2"], [10, 100, 1000], d, domain=("sphere", radius),
                   repetitions=5, n_test=400, seed=0)
    fig = plot_error_vs_width(res)
    fig.axes[0].set_title(f"p = x1 x2, sphere of radius {radius:g} in d = {d}", fontsize=9)
    fig.axes[0].set_ylim(1e-3, 1e3)
    return fig


DIMENSION_GRID = dict(d=[2, 10, 100, 500], radius=[0.5, 1.0, 1.5, 2.0])


def plot_single_networks(res, *, ax=None, title: str = ""):
    """:func:`plot_error_vs_width` plus every single network's error as a dot."""
    fig = plot_error_vs_width(res, ax=ax)
    ax = fig.axes[0] if ax is None else ax
    for j in range(res.mse.shape[1]):
        ax.plot(res.widths, np.sqrt(res.mse[:, j]), ".", color="C0", alpha=0.4, ms=4)
    ax.set_title(f"{title} (dots: single networks)", fontsize=9)
    return fig


def bias_frame(bias_law: str = "laplace", bias_scale: float = 2.0):
    """Explore frame: every network's error (dots) and the RMSE for one bias law."""
    res = mc_error(PRESETS["x1 x2"], [10, 100, 1000, 10_000], 5, repetitions=6,
                   n_test=400, bias_law=bias_law, bias_scale=bias_scale, seed=0)
    fig = plot_single_networks(res, title=f"{bias_law} bias law, scale {bias_scale:g}")
    fig.axes[0].set_ylim(1e-3, 1e3)
    return fig


BIAS_GRID = dict(bias_law=["laplace", "gaussian"], bias_scale=[0.5, 0.75, 1.0, 2.0, 4.0])


def plot_error_vs_dimension(ds, results, *, ax=None):
    """Absolute and relative (to the zero function) RMSE against d at one width."""
    fig, ax = figure_axis(ax)
    rmse = np.array([r.rmse[0] for r in results])
    se = np.array([r.rmse_se[0] for r in results])
    zero = np.array([r.zero for r in results])
    error_band(ax, ds, rmse, se, marker="o", ms=3,
               label=f"absolute RMSE (±1 s.e., {results[0].mse.shape[1]} networks)")
    ax.plot(ds, [r.predicted[0] for r in results], "k--", lw=1, label="predicted")
    error_band(ax, ds, rmse / zero, se / zero, marker="s", ms=3,
               label=r"relative RMSE / $\|p\|_{L^2(D)}$")
    ax.plot(ds, zero, ":", color="grey", label=r"zero function $\|p\|_{L^2(D)}$")
    ax.set(xscale="log", yscale="log", xlabel="dimension $d$ (log)", ylabel="RMSE (log)",
           title=f"width N = {results[0].widths[0]}")
    ax.legend(fontsize=7)
    return fig


def plot_refit(widths, errors: dict, *, ax=None, zero: float | None = None):
    """Error against width for several methods; ``errors`` maps a label to (mean, s.e.)."""
    fig, ax = figure_axis(ax)
    for label, (mean, se) in errors.items():
        error_band(ax, widths, mean, se, label=label, marker="o", ms=3)
    if zero is not None:
        ax.axhline(zero, color="grey", ls=":", lw=1, label="zero function")
    ax.set(xscale="log", yscale="log", xlabel="width $N$ (log)", ylabel="RMSE (log)")
    ax.legend(fontsize=7)
    return fig


def plot_constant_by_degree(degrees, ratios, *, ax=None):
    r""":math:`C/\|p\|_K^2` of random polynomials against their degree (log scale)."""
    fig, ax = figure_axis(ax)
    ratios = np.asarray(ratios)
    for i, k in enumerate(degrees):
        ax.plot(np.full(ratios.shape[1], k), ratios[i], "o", color="C0", alpha=0.5, ms=4)
    ax.plot(degrees, ratios.mean(axis=1), "C0-", lw=1, label="mean over polynomials")
    ax.set(yscale="log", xlabel="degree $k$",
           ylabel=r"$C\,/\,\|p\|_K^2$ (log)", title="random polynomials, unit RKHS norm")
    ax.legend(fontsize=8)
    return fig


def refit_frame(d: int = 10, radius: float = 1.0):
    """Explore frame: Monte Carlo against refitted outer weights (test RMSE, 2 seeds)."""
    res = refit_comparison(PRESETS["x1 x2"], [10, 30, 100, 300], d, domain=("sphere", radius),
                           n_train=600, n_test=600, seeds=range(2))
    fig = plot_refit(res.widths, {"Monte Carlo weights": _mean_se(res.mc_test),
                                  "least-squares refit": _mean_se(res.refit_test)},
                     zero=float(res.zero.mean()))
    fig.axes[0].set_title(f"p = x1 x2, sphere of radius {radius:g} in d = {d} (test RMSE)",
                          fontsize=9)
    return fig


REFIT_GRID = dict(d=[2, 10, 50], radius=[0.5, 1.0, 2.0])


def _mean_se(values):
    return values.mean(axis=1), values.std(axis=1, ddof=1) / np.sqrt(values.shape[1])

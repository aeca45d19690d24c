"""Figures of the chapter. ``plot_*`` draws results computed elsewhere on a given axis;
``*_frame`` computes one grid point of an ``explore`` figure and returns its Figure, with its grid
as the constant ``<NAME>_GRID`` beside it (the notebook and the slider test import it)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..common import error_band, figure_axis, mean_se
from ._dynamics import ARMS, compare, default_lr, hitting_step
from ._model import make_geometry

LABELS = {"target_alignment": r"target alignment $|\cos(v,\theta_\kappa)|$",
          "target_overlap": r"per-neuron overlap $\langle w_j,\theta_\kappa\rangle^2$",
          "off_target_retention": "off-target retention",
          "r2": r"$R^2$ on the target reward"}
ARM_COLORS = {"W2S": "C0", "weak + free": "C1", "truth + localized": "C2", "SFT": "C3"}


def plot_curves(result, metric="target_alignment", *, rho_index=0, arms=None, ax=None,
                label_suffix=""):
    """A metric of :func:`compare` against the SGD step, mean ± 1 s.e. over seeds per arm."""
    fig, ax = figure_axis(ax)
    arms = arms or [a for a in ARMS if a in result]
    for arm in arms:
        vals = result[arm][metric][rho_index]
        mean, se = mean_se(vals)
        error_band(ax, result["step"], mean, se, color=ARM_COLORS.get(arm),
                   label=f"{arm}{label_suffix}")
    n = result[arms[0]][metric].shape[1]
    ax.set(xlabel="SGD step", ylabel=LABELS.get(metric, metric))
    ax.legend(fontsize=7, title=f"±1 s.e., {n} seeds", title_fontsize=7)
    return fig


def plot_vs_rho(result, rhos, metric="off_target_retention", *, arms=None, ax=None):
    """Final value of a metric against the correlation ρ, mean ± 1 s.e. over seeds per arm."""
    fig, ax = figure_axis(ax)
    arms = arms or [a for a in ARMS if a in result]
    for arm in arms:
        vals = result[arm][metric][..., -1]
        mean, se = mean_se(vals, axis=1)
        ax.errorbar(rhos, mean, yerr=se, marker="o", capsize=3, color=ARM_COLORS.get(arm),
                    label=arm)
    n = result[arms[0]][metric].shape[1]
    ax.set(xlabel=r"correlation $\rho = \langle\theta_o,\theta_\kappa\rangle$",
           ylabel=LABELS.get(metric, metric) + " (final)")
    ax.legend(fontsize=7, title=f"±1 s.e., {n} seeds", title_fontsize=7)
    return fig


def plot_hitting(table, *, ax=None, level=0.9):
    """Steps to reach alignment ``level`` against s, one line per d (mean ± 1 s.e.).

    ``table``: ``{d: {s: array of steps over seeds}}``."""
    fig, ax = figure_axis(ax)
    for d, row in table.items():
        ss = sorted(row)
        mean, se = zip(*(mean_se(row[s]) for s in ss))
        ax.errorbar(ss, mean, yerr=se, marker="o", capsize=3, label=f"d = {d}")
    ax.set(xscale="log", yscale="log", xlabel="subspace dimension s",
           ylabel=f"SGD steps to alignment {level:g}")
    ax.legend(fontsize=7, title="W2S, ±1 s.e.", title_fontsize=7)
    return fig


def plot_sphere(geometry, teacher, runs, *, ax=None):
    """The 3-D picture (d = 3, s = 2, one task): the plane V_κ, θ_κ, the teacher θ_W and the
    paths of neurons on the unit sphere during fine-tuning.

    ``runs``: ``{label: trajectory (n, m, 3)}`` from ``finetune(..., trajectory=True)``."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(figsize=(5.5, 5.0))
        ax = fig.add_subplot(projection="3d")
    fig = ax.figure
    u, v = np.mgrid[0:2 * np.pi:40j, 0:np.pi:20j]
    ax.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="0.85",
                      lw=0.4)
    t = np.linspace(0, 2 * np.pi, 100)
    ax.plot_trisurf(np.r_[0, np.cos(t)], np.r_[0, np.sin(t)], np.zeros(101), color="C0",
                    alpha=0.12)
    ax.plot(np.cos(t), np.sin(t), 0 * t, color="C0", lw=1, label=r"$V_\kappa$ (its unit circle)")
    for vec, color, name in [(geometry.thetas[0], "k", r"$\pm\theta_\kappa$ (target)"),
                             (teacher.theta, "C3", r"$\pm\theta_W$ (teacher)")]:
        vec = np.asarray(vec)[:3]
        ax.plot(*np.c_[-vec, vec], color=color, lw=2, label=name)
    for (label, traj), color in zip(runs.items(), ["C2", "C1", "C4"]):
        traj = np.asarray(traj)[..., :3]
        for j in range(traj.shape[1]):
            ax.plot(*traj[:, j].T, color=color, lw=1, label=label if j == 0 else None)
            ax.scatter(*traj[-1, j], color=color, s=12)
    ax.set(xlim=(-1, 1), ylim=(-1, 1), zlim=(-1, 1), xlabel="$V_\\kappa$", ylabel="$V_\\kappa$",
           zlabel="outside $u$", xticks=[], yticks=[], zticks=[])
    ax.set_box_aspect((1, 1, 1))
    ax.view_init(elev=12, azim=-40)
    ax.legend(fontsize=7, loc="upper left")
    return fig


# --- explore frames ----------------------------------------------------------------------------
ELICITATION_GRID = dict(d=[128, 1024], s=[4, 8, 16, 32])


@lru_cache(maxsize=8)
def random_init_control(d, steps=300, seeds=(0, 1, 2)):
    """The no-pre-training control: every neuron uniform on the sphere of R^d, free updates on
    the weak labels with η = 0.25/d (cached: it does not depend on s)."""
    return compare(d, 4, seeds=seeds, arms=("weak + free",), steps=steps, m_target=16,
                   m_off=8, init="random")


def elicitation_frame(d=128, s=16, steps=300, seeds=(0, 1, 2)):
    """W2S at dimension d and subspace dimension s against the no-pre-training control at the
    same d: per-neuron overlap and alignment against the step (3 seeds)."""
    import matplotlib.pyplot as plt

    res = compare(d, s, seeds=seeds, arms=("W2S",), steps=steps, m_target=16, m_off=8)
    ctrl = random_init_control(d, steps, tuple(seeds))
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.0))
    for ax, metric in zip((a, b), ("target_alignment", "target_overlap")):
        plot_curves(res, metric, ax=ax, label_suffix=f" (s = {s})")
        plot_curves(ctrl, metric, ax=ax, label_suffix=" from random init")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(LABELS[metric], fontsize=8)
    b.get_legend().remove()
    hit = hitting_step(res["step"], res["W2S"]["target_alignment"][0], 0.9)
    when = (f"reaches 0.9 at step ≈ {hit.mean():.0f}" if np.isfinite(hit).all()
            else f"not 0.9 on every seed in {steps} steps")
    a.set_title(f"d = {d}, s = {s}: W2S {when}", fontsize=9)
    return fig


TEACHER_GRID = dict(error_angle=[0.3, 0.6, 0.9, 1.2], noise=[0.0, 1.0, 3.0])


def teacher_frame(error_angle=0.6, noise=0.0, d=128, s=16, steps=300, seeds=range(3)):
    """R² on the target reward: zero predictor, teacher, W2S student with the teacher's error
    outside and inside V_κ, and the strong ceiling (fine-tuned on the truth); 3 seeds."""
    common = dict(seeds=seeds, steps=steps, error_angle=error_angle, noise=noise)
    out = compare(d, s, arms=("W2S", "truth + localized"), **common)
    ins = compare(d, s, arms=("W2S",), error_location="inside", **common)
    fig, ax = figure_axis(figsize=(5.5, 3.2))
    bars = {"zero\npredictor": np.zeros(len(seeds)),
            "teacher": out["teacher_r2"][0],
            "W2S, error\noutside": out["W2S"]["r2"][0, :, -1],
            "W2S, error\ninside": ins["W2S"]["r2"][0, :, -1],
            "ceiling\n(truth)": out["truth + localized"]["r2"][0, :, -1]}
    means, ses = zip(*(mean_se(v) for v in bars.values()))
    ax.bar(range(len(bars)), means, yerr=np.nan_to_num(ses), capsize=3,
           color=["0.7", "C3", "C0", "C1", "C2"])
    ax.set_xticks(range(len(bars)), list(bars), fontsize=8)
    ax.set(ylim=(0, 1.05), ylabel=r"$R^2$ on the target reward")
    ax.set_title(rf"$\gamma$ = {error_angle:g} rad, label noise $\tau$ = {noise:g} "
                 f"(±1 s.e., {len(seeds)} seeds)", fontsize=9)
    return fig


WIDTH_GRID = dict(width=[4, 16, 64], lr_scale=[0.5, 1.0, 2.0])


def width_frame(width=16, lr_scale=1.0, d=128, s=16, steps=300, seeds=range(3)):
    """W2S with ``width`` target neurons and step size ``lr_scale`` × 0.25/s: alignment of the
    top eigenvector, per-neuron overlap and R² against the step (3 seeds; 8 off-target
    neurons)."""
    import matplotlib.pyplot as plt

    lr = lr_scale * default_lr(make_geometry(d, s), "localized")
    res = compare(d, s, seeds=seeds, arms=("W2S",), steps=steps, m_target=width, m_off=8,
                  lr=lr)
    fig, axes = plt.subplots(1, 3, figsize=(9.5, 2.8))
    for ax, metric in zip(axes, ("target_alignment", "target_overlap", "r2")):
        plot_curves(res, metric, ax=ax)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(LABELS[metric], fontsize=8)
        ax.get_legend().remove()
    axes[0].set_title(rf"{width} target neurons, $\eta$ = {lr:.3g} (±1 s.e., 3 seeds)",
                      fontsize=9, loc="left")
    return fig


FORGETTING_GRID = dict(rho=[0.0, 0.3, 0.6, 0.9])


def forgetting_frame(rho=0.6, lr_scale=1.0, d=64, s=16, steps=300, seeds=range(3)):
    """The 2×2 arms at correlation ρ with step size ``lr_scale`` × the default of each arm:
    off-target retention and target alignment against the step (3 seeds; d = 64 by default to
    keep the frames within the notebook's budget)."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(8.5, 3.0))
    for arm, (labels, updates) in ARMS.items():
        lr = lr_scale * default_lr(make_geometry(d, s), updates)
        res = compare(d, s, rhos=[rho], seeds=seeds, arms=(arm,), steps=steps, lr=lr)
        plot_curves(res, "off_target_retention", ax=a)
        plot_curves(res, "target_alignment", ax=b)
    b.get_legend().remove()
    a.set_ylim(0, 1.3), b.set_ylim(0, 1.05)
    a.set_title(rf"$\rho$ = {rho:g}, step size × {lr_scale:g}", fontsize=9)
    return fig

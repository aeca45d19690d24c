"""Bits per character against training compute: the chapter's small scaling study (issue 21).

The runs are made by ``tools/sphere_diffusion_scaling.sh`` with ``python -m
theorybook.sphere_diffusion.train`` and stored in ``checkpoints/scaling/<model>_w<width>_seed<s>``
(config.json with ``bpc_at`` and ``flops_per_step``, log.csv; no weights). Compute is counted as
XLA counts it: the FLOPs of the compiled loss-and-gradient function times the number of steps.

A power law BPC ≈ A·C^(−α) is fitted by least squares in log–log coordinates to each model's
*compute frontier* (at each compute, the best width trained with no more compute), the way
Kaplan et al. (2020) read learning curves, over the cells that beat the unigram baseline. It has
no irreducible term: over 16× of compute it is a description of the trend, and where two fitted
laws cross beyond the measured range is an extrapolation, not a measurement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..common import check_choice, mean_se

SCALING_DIR = Path(__file__).with_name("checkpoints") / "scaling"
SCALING_MODELS = {"rdlm": "RDLM (mixture path)", "mdlm": "MDLM", "ar": "autoregressive"}

# The paper's text8 model (the repository's text8 configuration, commit 67443aa): a DiT with 12 blocks of
# width 768 and adaLN conditioning of size 128 (6 × 768 modulation outputs per block), sequences of
# 256 characters, batch 512, 1,000,001 AdamW steps.
PAPER_TEXT8 = dict(layers=12, width=768, cond=128, length=256, batch=512, steps=1_000_001)


class ScalingPoint(NamedTuple):
    """One budget of the study: the validation bound after ``steps`` steps of one run."""

    model: str
    width: int
    seed: int
    steps: int
    flops: float
    bpc: float
    se: float


def scaling_points(path=None) -> list[ScalingPoint]:
    """Every stored (run, budget) of the study, sorted by model, width, seed and steps.

    Raises ValueError when ``path`` (default: the package's ``checkpoints/scaling``) holds no run.
    """
    root = Path(path) if path is not None else SCALING_DIR
    points = []
    for cfg_path in sorted(root.glob("*/config.json")):
        cfg = json.loads(cfg_path.read_text())
        for steps, (bpc, se) in cfg["bpc_at"].items():
            points.append(ScalingPoint(cfg["config"]["model"], cfg["config"]["width"], cfg["train"]["seed"],
                                       int(steps), cfg["flops_per_step"] * int(steps), bpc, se))
    if not points:
        raise ValueError(f"path {root} holds no run of the scaling study")
    return sorted(points, key=lambda p: (p.model, p.width, p.seed, p.steps))


class Budget(NamedTuple):
    """One (model, width, steps) cell: the bound averaged over its seeds. ``se`` is the s.e. over
    seeds where there are several, else the Monte Carlo s.e. of the single run's bound."""

    model: str
    width: int
    steps: int
    flops: float
    bpc: float
    se: float
    seeds: int


def budgets(points, model: str) -> list[Budget]:
    """The cells of ``model`` (a key of :data:`SCALING_MODELS`), sorted by compute."""
    check_choice("model", model, SCALING_MODELS)
    cells: dict[tuple, list[ScalingPoint]] = {}
    for p in points:
        if p.model == model:
            cells.setdefault((p.width, p.steps), []).append(p)
    out = []
    for (width, steps), ps in cells.items():
        values = [p.bpc for p in ps]
        mean, se = mean_se(values)
        out.append(Budget(model, width, steps, ps[0].flops, float(mean),
                          float(se) if len(ps) > 1 else ps[0].se, len(ps)))
    return sorted(out, key=lambda b: b.flops)


def compute_frontier(cells: list[Budget]) -> list[Budget]:
    """The cells no cheaper cell beats: at each compute, the best bound reached with at most it."""
    frontier, best = [], np.inf
    for b in sorted(cells, key=lambda b: b.flops):
        if b.bpc < best:
            frontier.append(b)
            best = b.bpc
    return frontier


class PowerLaw(NamedTuple):
    """BPC ≈ ``a``·C^(−``alpha``), least squares in log–log over ``n`` points; ``alpha_se`` is the
    regression's standard error of the exponent (n − 2 degrees of freedom)."""

    a: float
    alpha: float
    alpha_se: float
    n: int

    def __call__(self, flops):
        return self.a * np.asarray(flops, float) ** (-self.alpha)


def fit_power_law(flops, bpc) -> PowerLaw:
    """Fit BPC = a·C^(−α) by ordinary least squares of log BPC on log C.

    Raises ValueError with fewer than three points or non-positive values."""
    flops, bpc = np.asarray(flops, float), np.asarray(bpc, float)
    if flops.shape != bpc.shape or flops.ndim != 1 or flops.size < 3:
        raise ValueError(f"flops and bpc must be two arrays of the same length ≥ 3, got shapes "
                         f"{flops.shape} and {bpc.shape}")
    if not (np.all(np.isfinite(flops) & (flops > 0)) and np.all(np.isfinite(bpc) & (bpc > 0))):
        raise ValueError("flops and bpc must be positive and finite")
    x, y = np.log(flops), np.log(bpc)
    (slope, intercept), cov = np.polyfit(x, y, 1, cov="unscaled")
    resid = y - (slope * x + intercept)
    dof = x.size - 2
    sigma2 = float(resid @ resid) / dof if dof > 0 else np.nan
    return PowerLaw(float(np.exp(intercept)), float(-slope), float(np.sqrt(cov[0, 0] * sigma2)), int(x.size))


def scaling_laws(points, *, fit: str = "frontier", below: float | None = None) -> dict[str, PowerLaw]:
    """Each model's power law: fitted to its compute frontier (``fit="frontier"``) or to the
    cells of one width (``fit="width 64"``), seed means where there are several seeds. Cells whose
    bound is not below ``below`` (the unigram baseline) are left out first: a rate is fitted only
    where the model beats the no-context baseline.

    Raises ValueError for another ``fit`` or fewer than three cells to fit."""
    widths = sorted({p.width for p in points})
    check_choice("fit", fit, ["frontier"] + [f"width {w}" for w in widths])
    laws = {}
    for model in sorted({p.model for p in points}):
        cells = [c for c in budgets(points, model) if below is None or c.bpc < below]
        cells = compute_frontier(cells) if fit == "frontier" else [c for c in cells if f"width {c.width}" == fit]
        laws[model] = fit_power_law([c.flops for c in cells], [c.bpc for c in cells])
    return laws


def crossover(slow: PowerLaw, fast: PowerLaw) -> float | None:
    """Compute at which two laws meet, a₁C^(−α₁) = a₂C^(−α₂), when ``fast`` falls faster than
    ``slow`` (None otherwise). Called with ``fast`` the law that is behind over the measured range,
    it is where ``fast`` would catch up: an extrapolation unless it lies inside that range."""
    if fast.alpha <= slow.alpha:
        return None
    return float(np.exp((np.log(fast.a) - np.log(slow.a)) / (fast.alpha - slow.alpha)))


def transformer_training_flops(*, layers: int, width: int, length: int, tokens: float, cond: int = 0) -> float:
    """Training FLOPs of a transformer by Kaplan et al. (2020, Table 1): 6 FLOPs per parameter and
    token (forward 2, backward 4) plus 6·layers·length·width per token for the attention products.
    Parameters: 12·width² per block (attention 4, MLP 8) and, with adaLN, ``cond``·6·width."""
    n_params = layers * (12 * width**2 + 6 * cond * width)
    return float((6 * n_params + 6 * layers * length * width) * tokens)


def paper_compute() -> float:
    """The paper's text8 training compute by :func:`transformer_training_flops` (≈ 7·10¹⁹ FLOPs)."""
    p = PAPER_TEXT8
    return transformer_training_flops(layers=p["layers"], width=p["width"], length=p["length"], cond=p["cond"],
                                      tokens=float(p["batch"] * p["length"] * p["steps"]))

"""Experiments of the chapter: error against the label budget, and error against opt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common import check_int, check_number, check_seeds, progress, spawn
from ._gaussian import relu_error
from ._learners import passive_learner, query_learner
from ._oracle import make_oracle

__all__ = ["BudgetCurve", "budget_curve", "robustness_sweep"]


def _unit(d):
    w = np.zeros(d)
    w[0] = 1.0
    return w


@dataclass(frozen=True)
class BudgetCurve:
    """Result of :func:`budget_curve`.

    Attributes:
        budgets, seeds: the grid.
        query, passive: (len(budgets), len(seeds)) errors :math:`\\mathbb E(h - f^*)^2` (exact)
            of the query learner run with that budget and of passive GD on that many i.i.d.
            labelled Gaussian points.
        used: (len(budgets), len(seeds)) labels the query learner actually used.
        zero: the zero predictor's error :math:`\\mathbb E f^{*2}` (closed form).
        opt: the noise model's :math:`\\mathbb E(y - f^*)^2` (closed form).
        settings: the arguments.
    """

    budgets: tuple
    seeds: tuple
    query: np.ndarray
    passive: np.ndarray
    used: np.ndarray
    zero: float
    opt: float
    settings: dict


def budget_curve(budgets, *, d=10, t_star=2.0, eps=0.01, noise="none", level=0.0,
                 seeds=range(3), passive=True) -> BudgetCurve:
    r"""Error against the number of labels allowed: the query learner with ``budget=n`` against
    passive GD on n i.i.d. labelled Gaussian points, same target :math:`w^* = e_1`, same noise.

    Raises:
        ValueError: for a bad argument.
    """
    budgets = tuple(check_int("budgets", b, low=1) for b in budgets)
    if not budgets:
        raise ValueError("budgets must be a non-empty list of integers >= 1")
    d, seeds = check_int("d", d, low=1), check_seeds(seeds)
    t_star = check_number("t_star", t_star)
    w_star = _unit(d)
    shape = (len(budgets), len(seeds))
    query, pas, used = np.zeros(shape), np.full(shape, np.nan), np.zeros(shape, dtype=int)
    for j, seed in enumerate(progress(seeds, desc="seeds")):
        for i, n in enumerate(budgets):
            oracle = make_oracle(w_star, t_star, noise=noise, level=level, seed=seed)
            res = query_learner(oracle, d, eps, seed=seed, budget=n)
            query[i, j], used[i, j] = relu_error(res.w, res.t, w_star, t_star), res.queries
            if passive:
                g = spawn(seed, 2)[1]
                X = g.standard_normal((n, d))
                fit = passive_learner(X, oracle(X), seed=seed)
                pas[i, j] = relu_error(fit.w, fit.t, w_star, t_star)
    oracle = make_oracle(w_star, t_star, noise=noise, level=level, seed=seeds[0])
    return BudgetCurve(budgets=budgets, seeds=seeds, query=query, passive=pas, used=used,
                       zero=relu_error(np.zeros(d), 0.0, w_star, t_star), opt=oracle.opt_exact,
                       settings=dict(d=d, t_star=t_star, eps=eps, noise=noise, level=level))


def robustness_sweep(levels, *, noise="gaussian", d=10, t_star=2.0, eps=0.01,
                     seeds=range(3)) -> dict:
    r"""The query learner's error :math:`\mathbb E(h - f^*)^2` against the noise level.

    Returns a dict with ``levels``, ``opt`` (closed form :math:`\mathbb E(y - f^*)^2`, per
    level), ``opt_mc`` and ``opt_se`` (the oracle's Monte Carlo estimate and its standard error),
    ``error`` and ``queries`` (shape (len(levels), len(seeds))) and ``zero``.

    Raises:
        ValueError: for a bad argument.
    """
    levels = tuple(check_number("levels", v, low=0.0) for v in levels)
    if not levels:
        raise ValueError("levels must be a non-empty list of numbers >= 0")
    d, seeds = check_int("d", d, low=1), check_seeds(seeds)
    w_star = _unit(d)
    error = np.zeros((len(levels), len(seeds)))
    queries = np.zeros_like(error, dtype=int)
    opt, opt_mc, opt_se = (np.zeros(len(levels)) for _ in range(3))
    for i, level in enumerate(progress(levels, desc="levels")):
        for j, seed in enumerate(seeds):
            oracle = make_oracle(w_star, t_star, noise=noise, level=level, seed=seed)
            res = query_learner(oracle, d, eps, seed=seed)
            error[i, j], queries[i, j] = relu_error(res.w, res.t, w_star, t_star), res.queries
        opt[i] = oracle.opt_exact
        opt_mc[i], opt_se[i] = oracle.opt
    return dict(levels=np.array(levels), opt=opt, opt_mc=opt_mc, opt_se=opt_se, error=error,
                queries=queries, zero=relu_error(np.zeros(d), 0.0, w_star, t_star),
                noise=noise, d=d, t_star=t_star, eps=eps)

r"""The query learner (our reconstruction) and the passive gradient-descent baseline.

Diakonikolas, Kane & Ma prove that :math:`d\,\mathrm{polylog}(1/\varepsilon) +
\tilde O(\min\{1/p, 1/\varepsilon\})` label queries suffice for error :math:`O(\mathrm{opt}) +
\varepsilon`. Their algorithm is not public; :func:`query_learner` follows the template of the
same authors' active halfspace learner (seed search, warm start, localized refinement) with
constants of our choosing, all of them arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from ..common import check_array, check_int, check_number, check_seed, sample_sphere, spawn
from ._fit import fit_relu
from ._gaussian import relu_error, sample_halfspace_gaussian

__all__ = ["PassiveResult", "QueryResult", "passive_learner", "predicted_queries",
           "query_learner"]

PHASES = ("seeds", "warm start", "refinement")
BATCH = 16


@dataclass(frozen=True)
class QueryResult:
    """Result of :func:`query_learner`.

    Attributes:
        w, t: the hypothesis :math:`x \\mapsto (w\\cdot x - t)_+` (``w = 0`` is the zero predictor).
        queries: labels used.
        trace: one ``(phase, queries so far, error)`` per completed phase (and refinement round);
            the error is :math:`\\mathbb E(h - f^*)^2` from :func:`relu_error` when the oracle
            exposes its target, else ``nan``.
        points: phase name -> the (n, d) points queried in that phase.
        seeds: the number of seeds found; p_hat: their fraction among the seed-phase queries.
        exhausted: True when the budget ran out; ``message`` then says after which phase.
    """

    w: np.ndarray
    t: float
    queries: int
    trace: list
    points: dict = field(repr=False)
    seeds: int = 0
    p_hat: float = 0.0
    exhausted: bool = False
    message: str = ""


@dataclass(frozen=True)
class PassiveResult:
    """Result of :func:`passive_learner`: the hypothesis ``(w, t)`` with the lowest training loss,
    that ``loss``, and every restart's final loss in ``losses``."""

    w: np.ndarray
    t: float
    loss: float
    losses: np.ndarray


class _Budget:
    """Counts the learner's queries and truncates batches to what the budget allows."""

    def __init__(self, oracle, budget):
        self.oracle, self.budget, self.used = oracle, budget, 0

    def left(self) -> float:
        return math.inf if self.budget is None else self.budget - self.used

    def ask(self, X):
        X = X[: int(min(len(X), self.left()))]
        if len(X) == 0:
            return X, np.zeros(0)
        self.used += len(X)
        return X, np.asarray(self.oracle(X), dtype=float)


def _error(oracle, w, t) -> float:
    target = (getattr(oracle, "w_star", None), getattr(oracle, "t_star", None))
    if target[0] is None or target[1] is None:
        return float("nan")
    return relu_error(w, t, target[0], target[1])


def query_learner(oracle, d, eps, seed=0, budget=None, *, k0=3, tau=None, rho=0.9,
                  n_refine=3, batch=None, steps=300, lr=1.0, margin=None,
                  seed_cap=None) -> QueryResult:
    r"""Agnostic ReLU regression with label queries (our reconstruction, see the chapter).

    1. **Seed search.** Query Gaussian points in batches of 16 until ``k0`` labels exceed
       :math:`\tau = \max(\sqrt\varepsilon, 0.1)` or ``seed_cap`` = :math:`\lceil 20/\varepsilon\rceil`
       queries are spent; no seed: return :math:`h \equiv 0`. Otherwise
       :math:`\hat p` = seeds / queries and :math:`\hat t = \bar\Phi^{-1}(\hat p)`.
    2. **Ornstein–Uhlenbeck warm start.** ``batch`` = :math:`B = 4(d+1)` queries at
       :math:`x' = \rho x_0 + \sqrt{1-\rho^2}\,z` (:math:`x_0` a random seed, :math:`z \sim N(0,I)`);
       by Stein's lemma :math:`\mathbb E[y' z] = \sqrt{1-\rho^2}\,\mathbb E\nabla f^*(x')
       \propto w^*`, so :math:`w = v/\lVert v\rVert`, :math:`v = \frac1B\sum_j (y'_j - \bar y')z_j`,
       :math:`t = \hat t`.
    3. **Localized refinement**, ``n_refine`` rounds: B points drawn exactly from
       :math:`N(0, I)` conditioned on :math:`u\cdot x \ge t/\lVert w\rVert - 1`
       (:func:`sample_halfspace_gaussian`), queried and added to the localized sample, then
       ``steps`` preconditioned GD steps from the current :math:`(w, t)`.

    Expected cost without noise: about :math:`k_0/\bar\Phi((t^* + \tau)/\lVert w^*\rVert)` (capped at
    ``seed_cap``) + :math:`(1 + n_{\rm refine})B` (:func:`predicted_queries`).

    Args:
        oracle: a callable returning labels for an (n, d) batch (e.g. :func:`make_oracle`).
        d: the dimension; eps: the target accuracy ε in (0, 1).
        budget: the most labels allowed (``None``: no limit). When it runs out, the learner
            returns its hypothesis after the last phase it could run (from the labels it got)
            with ``exhausted=True`` and a ``message``.

    Raises:
        ValueError: for a bad argument, or an oracle whose dimension is not ``d``.
    """
    d, eps = check_int("d", d, low=1), check_number("eps", eps, low=0.0, high=1.0,
                                                     low_open=True, high_open=True)
    seed = check_seed(seed)
    if budget is not None:
        budget = check_int("budget", budget, low=0)
    k0, n_refine = check_int("k0", k0, low=1), check_int("n_refine", n_refine, low=0)
    tau = max(math.sqrt(eps), 0.1) if tau is None else check_number("tau", tau, low=0.0)
    rho = check_number("rho", rho, low=0.0, high=1.0, high_open=True)
    batch = 4 * (d + 1) if batch is None else check_int("batch", batch, low=2)
    steps, lr = check_int("steps", steps, low=1), check_number("lr", lr, low=0.0, low_open=True)
    seed_cap = math.ceil(20 / eps) if seed_cap is None else check_int("seed_cap", seed_cap, low=1)
    if not callable(oracle):
        raise ValueError(f"oracle must be callable, got {type(oracle).__name__}")
    if getattr(oracle, "d", d) != d:
        raise ValueError(f"d must match the oracle's dimension {oracle.d}, got {d}")

    g_seed, g_warm, g_loc = spawn(seed, 3)
    ask = _Budget(oracle, budget)
    w, t = np.zeros(d), 0.0
    trace, points = [], {name: np.zeros((0, d)) for name in PHASES}

    def finish(phase_done, seeds=0, p_hat=0.0):
        out_of_labels = ask.left() <= 0 and phase_done != PHASES[-1]
        message = (f"budget of {budget} labels exhausted after phase '{phase_done}'"
                   if out_of_labels else "")
        return QueryResult(w=w, t=float(t), queries=ask.used, trace=trace, points=points,
                           seeds=seeds, p_hat=p_hat, exhausted=out_of_labels, message=message)

    # 1. seed search
    seeds, asked = [], []
    while len(seeds) < k0 and ask.used < seed_cap and ask.left() > 0:
        X, y = ask.ask(g_seed.standard_normal((min(BATCH, seed_cap - ask.used), d)))
        asked.append(X)
        seeds.extend(X[y > tau])
    points["seeds"] = np.concatenate(asked) if asked else points["seeds"]
    n_seed = ask.used
    trace.append(("seeds", ask.used, _error(oracle, w, t)))
    if not seeds:
        return finish("seeds")
    seeds = np.array(seeds)
    p_hat = len(seeds) / n_seed
    t = float(special.ndtri(1 - p_hat))
    if ask.left() <= 0:
        return finish("seeds", len(seeds), p_hat)

    # 2. Ornstein-Uhlenbeck warm start
    z = g_warm.standard_normal((batch, d))
    x0 = seeds[g_warm.integers(len(seeds), size=batch)]
    X, y = ask.ask(rho * x0 + math.sqrt(1 - rho * rho) * z)
    points["warm start"] = X
    v = (y - y.mean()) @ z[: len(y)] / max(len(y), 1)
    norm = float(np.linalg.norm(v))
    w = v / norm if norm > 0 else seeds.mean(axis=0) / np.linalg.norm(seeds.mean(axis=0))
    trace.append(("warm start", ask.used, _error(oracle, w, t)))
    if ask.left() <= 0:
        return finish("warm start", len(seeds), p_hat)

    # 3. localized refinement
    X_loc, y_loc = np.zeros((0, d)), np.zeros(0)
    for r in range(n_refine):
        nw = float(np.linalg.norm(w))
        if nw == 0.0:
            break
        a = t / nw
        a = min(a - (margin if margin is not None else 1.0 / max(a, 1.0)), 30.0)
        X, y = ask.ask(sample_halfspace_gaussian(w / nw, a, batch, g_loc))
        X_loc, y_loc = np.concatenate([X_loc, X]), np.concatenate([y_loc, y])
        if len(y_loc) > d + 1:
            theta, _ = fit_relu(X_loc, y_loc, np.append(w, t)[None], lr=lr, steps=steps,
                                precondition=True)
            w, t = theta[0, :d], float(theta[0, d])
        trace.append((f"refinement {r + 1}", ask.used, _error(oracle, w, t)))
        if ask.left() <= 0 and r < n_refine - 1:
            points["refinement"] = X_loc
            return finish("refinement " + str(r + 1), len(seeds), p_hat)
    points["refinement"] = X_loc
    return finish(PHASES[-1], len(seeds), p_hat)


def passive_learner(X, y, seed=0, *, restarts=5, steps=1500, lr=0.5) -> PassiveResult:
    r"""The passive baseline: plain gradient descent on
    :math:`L(w,t) = \frac1{2n}\sum_i ((w\cdot x_i - t)_+ - y_i)^2` from ``restarts`` random starts
    (:math:`w` uniform on the unit sphere, :math:`t = 0`), keeping the lowest training loss.

    This is what a practitioner would try, not the passive state of the art: Guo &
    Vijayaraghavan (2025) reach :math:`O(\mathrm{opt}) + \varepsilon` with a statistical-query
    algorithm, and prove that no polynomial-time correlational-SQ method (gradient descent
    included) reaches a constant factor for arbitrary bias.

    Args:
        X: (n, d) i.i.d. Gaussian points; y: (n,) their labels.

    Raises:
        ValueError: for mismatched or non-finite data or a bad setting.
    """
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, shape=(X.shape[0],))
    if X.shape[0] < 1:
        raise ValueError("X must have at least one row")
    seed = check_seed(seed)
    restarts = check_int("restarts", restarts, low=1)
    steps, lr = check_int("steps", steps, low=1), check_number("lr", lr, low=0.0, low_open=True)
    d = X.shape[1]
    starts = np.concatenate([sample_sphere(restarts, d, seed), np.zeros((restarts, 1))], axis=1)
    thetas, losses = fit_relu(X, y, starts, lr=lr, steps=steps)
    best = int(np.argmin(losses))
    return PassiveResult(w=thetas[best, :d], t=float(thetas[best, d]), loss=float(losses[best]),
                         losses=losses)


def predicted_queries(d, t_star, eps, *, norm=1.0, k0=3, tau=None, n_refine=3) -> float:
    r"""The expected number of labels :func:`query_learner` uses without noise (our accounting).

    A Gaussian query becomes a seed with probability :math:`p_\tau = \bar\Phi((t^* +
    \tau)/\lVert w^*\rVert)`. The seed search asks batches of 16 until :math:`k_0` seeds or the
    cap :math:`c = \lceil 20/\varepsilon\rceil`, so it costs
    :math:`\sum_{b \ge 0} n_b \Pr[\mathrm{Bin}(16b, p_\tau) < k_0]` labels (:math:`n_b` the size of
    batch b + 1, 16 except for the last batch before the cap): about :math:`\min\{k_0/p_\tau, c\}`
    plus the rounding to whole batches. With probability :math:`1 - (1 - p_\tau)^c` it finds a
    seed and spends :math:`(1 + n_{\rm refine})\cdot 4(d+1)` more.

    Raises:
        ValueError: for a bad argument.
    """
    d, k0 = check_int("d", d, low=1), check_int("k0", k0, low=1)
    t_star = check_number("t_star", t_star)
    eps = check_number("eps", eps, low=0.0, high=1.0, low_open=True, high_open=True)
    norm = check_number("norm", norm, low=0.0, low_open=True)
    n_refine = check_int("n_refine", n_refine, low=0)
    tau = max(math.sqrt(eps), 0.1) if tau is None else check_number("tau", tau, low=0.0)
    p_tau = float(special.ndtr(-(t_star + tau) / norm))
    cap = math.ceil(20 / eps)
    asked = np.arange(0, cap, BATCH)                       # labels asked before each batch
    sizes = np.minimum(BATCH, cap - asked)
    seed_phase = float(np.sum(sizes * stats.binom.cdf(k0 - 1, asked, p_tau)))
    found = -math.expm1(cap * math.log1p(-p_tau)) if p_tau < 1 else 1.0
    return seed_phase + found * (1 + n_refine) * 4 * (d + 1)

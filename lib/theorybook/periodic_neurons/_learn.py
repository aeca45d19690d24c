"""The lattice learner: d + 1 samples, one linear dependency, one integer relation (LLL).

Song, Zadik & Bruna (2021) learn periodic neurons with exponentially small noise by LLL lattice
reduction from d + 1 samples. Their exact construction is in the paper's appendix; the integer-
relation form below is our reconstruction of the idea (verified numerically in the tests):

- the d + 1 inputs are linearly dependent: ``x_{d+1} = sum_i lam_i x_i`` with
  ``X_d^T lam = x_{d+1}`` (solved in mpmath), hence ``<w, x_{d+1}> = sum_i lam_i <w, x_i>``
  for *every* w;
- each label determines ``<w, x_i>`` up to a small integer unknown (a sign for ``|.|``; a sign
  and a period ``k_i`` for the cosine), so that dependency becomes an integer relation among known
  reals, which LLL finds when the labels carry enough bits;
- the relation fixes the unknowns, and d of the samples then give w by a linear solve.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from ..common import check_choice, check_int, check_seed, progress, spawn
from ._lll import integer_relation, lll, relation_basis
from ._problem import ACTIVATIONS, ClweSamples, Problem, _checked, _sample, label_precision

# Our calibration of relation_bits: 2^MARGIN_BITS of room per lattice dimension, plus OFFSET_BITS.
# With them, 40 of 40 noise-free problems were recovered at d = 1, 2, 3, 4, 8, 12 and 20, for
# both activations.
MARGIN_BITS = 1.5
OFFSET_BITS = 8
SUCCESS_TOL = 1e-3


def relation_norm(d: int, *, gamma: float = 1.0, activation: str = "cos") -> float:
    """A typical upper bound on the norm of the planted integer relation (our estimate).

    ``abs``: ``c`` is a sign vector, ``|c| = sqrt(d+1)``. ``cos``: ``c = (eps, k)`` with
    ``|k_i| <= gamma |<w, x_i>| + 1/2``, ``E k_i^2 <= gamma^2 + 1/4``; we allow 4 times that.
    ``clwe``: ``c = (1, k)`` with ``k_i ≈ gamma <w, y_i>``, ``E <w,y>^2 = 1/(2 pi)``.
    """
    if activation == "abs":
        return math.sqrt(d + 1)
    if activation == "cos":
        return math.sqrt((d + 1) * (1 + 4 * (gamma**2 + 0.25)))
    return math.sqrt(1 + (d + 1) * 4 * (gamma**2 / (2 * math.pi) + 0.25))


def lattice_dim(d: int, activation: str) -> int:
    """Number of reals in the relation: d + 1 (abs), 2d + 2 (cos), d + 2 (clwe)."""
    return {"abs": d + 1, "cos": 2 * d + 2, "clwe": d + 2}[activation]


def relation_bits(d: int, *, gamma: float = 1.0, activation: str = "cos") -> int:
    """Bits of precision for a noise-free relation among ``m`` = :func:`lattice_dim` reals (ours).

    The relation lattice has determinant about ``2^N``, so by the Gaussian heuristic its short
    vectors other than the planted relation have length about ``2^(N/m)``; the planted relation
    (norm ``R`` = :func:`relation_norm`) stands out once ``2^(N/m)`` exceeds ``R`` by a margin:
    ``N = ceil(m (log2 R + MARGIN_BITS)) + OFFSET_BITS``. That is of order ``m log m`` (and
    ``+ m log2 gamma`` for the cosine), with constants we calibrated, not the paper's.
    """
    m = lattice_dim(d, activation)
    R = relation_norm(d, gamma=gamma, activation=activation)
    return math.ceil(m * (math.log2(R) + MARGIN_BITS)) + OFFSET_BITS


def solve_lambda(X: np.ndarray, prec: int) -> list:
    """``lam`` with ``sum_{i<=d} lam_i x_i = x_{d+1}`` for the first d + 1 rows of ``X``, in mpmath
    at ``prec`` bits (``X_d^T lam = x_{d+1}``; Gaussian rows are independent with probability 1).
    """
    d = X.shape[1]
    with mpmath.workprec(prec):
        A = mpmath.matrix([[mpmath.mpf(float(X[i, j])) for i in range(d)] for j in range(d)])
        b = mpmath.matrix([mpmath.mpf(float(v)) for v in X[d]])
        lam = mpmath.lu_solve(A, b)
    return [lam[i] for i in range(d)]


def _solve_w(X: np.ndarray, rhs: list, prec: int) -> np.ndarray:
    """``v`` with ``<v, x_i> = rhs_i`` for the first d rows, in mpmath, returned as float64."""
    d = X.shape[1]
    with mpmath.workprec(prec):
        A = mpmath.matrix([[mpmath.mpf(float(v)) for v in X[i]] for i in range(d)])
        v = mpmath.lu_solve(A, mpmath.matrix(rhs))
    return np.array([float(v[i]) for i in range(d)])


def _phases(y_exact, prec: int) -> list:
    """``zeta_i = arccos(clip(y_i, -1, 1)) / (2 pi)`` in [0, 1/2]."""
    with mpmath.workprec(prec):
        return [mpmath.acos(min(max(v, mpmath.mpf(-1)), mpmath.mpf(1))) / (2 * mpmath.pi)
                for v in y_exact]


def noise_bits(problem: Problem) -> float:
    """The largest ``N`` at which the noise still leaves the planted relation short (ours).

    With label noise ``|xi| <= beta``, ``sum_i c_i b_i`` is off by up to ``err`` (bounded from the
    data below), and the relation's last coordinate ``2^N err`` must stay below ``R``: ``N <=
    log2(R / err)``. ``cos``: the phase error of sample i is at most
    ``min(beta / sqrt(1 - y_i^2), sqrt(2 beta)) / (2 pi)`` (the slope of arccos, and its value
    at ``y = ±1``); ``abs``: ``beta``. Infinite when ``noise == 0``.
    """
    if problem.noise == 0:
        return math.inf
    d, beta = problem.d, problem.noise
    lam = np.abs(np.array([float(v) for v in solve_lambda(problem.X, 128)]))
    if problem.activation == "abs":
        per_sample = np.full(d + 1, beta)
    else:
        y = problem.y[: d + 1]
        # |d arccos(y)| <= beta / sqrt(1 - y^2), and <= sqrt(2 beta) at y = ±1
        slope = beta / np.sqrt(np.maximum(1 - y**2, 1e-300))
        per_sample = np.minimum(slope, math.sqrt(2 * beta)) / (2 * math.pi)
    weights = np.append(lam, 1.0)      # coefficients of the noisy reals; the k_i terms are exact
    err = float(np.sum(weights * per_sample))
    R = relation_norm(d, gamma=problem.gamma, activation=problem.activation)
    return math.log2(R / err) if err > 0 else math.inf


def auto_bits(problem: Problem) -> int:
    """The precision the learners use when ``bits=None``: the noise-free requirement
    :func:`relation_bits` (from d, gamma and the activation), capped by :func:`noise_bits` when
    the labels are noisy, since more bits would make the noise visible (the precision window).
    """
    need = relation_bits(problem.d, gamma=problem.gamma, activation=problem.activation)
    cap = noise_bits(problem)         # no extra margin: the bound is already an upper bound
    if cap < need:
        need = math.floor(cap)
    return max(lattice_dim(problem.d, problem.activation), need)


def _check_problem(problem, activation: str, bits):
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a Problem (from sample_problem), got {type(problem).__name__}")
    if problem.activation != activation:
        raise ValueError(f"problem.activation must be {activation!r}, got {problem.activation!r}")
    d = problem.d
    if problem.n < d + 1:
        raise ValueError(f"problem must have n >= d + 1 = {d + 1} samples, got n = {problem.n}")
    m = lattice_dim(d, activation)
    if bits is None:
        bits = auto_bits(problem)
    bits = check_int("bits", bits, low=m)          # below m bits no relation can stand out
    if bits + 64 > problem.prec:
        raise ValueError(f"bits must be at most prec - 64 = {problem.prec - 64} (the labels' "
                         f"precision), got {bits}")
    return bits


def _work_prec(bits: int) -> int:
    return bits + 96


def _relation_values(problem: Problem, lam: list, prec: int) -> list:
    """The reals whose integer relation the learner looks for: ``(lam_i y_i, -y_{d+1})`` (abs),
    ``(lam_i zeta_i, -zeta_{d+1}, lam_i, -1)`` (cos)."""
    d = problem.d
    with mpmath.workprec(prec):
        if problem.activation == "abs":
            y = problem.y_exact
            return [lam[i] * y[i] for i in range(d)] + [-y[d]]
        zeta = _phases(problem.y_exact[: d + 1], prec)
        return ([lam[i] * zeta[i] for i in range(d)] + [-zeta[d]] + list(lam)
                + [mpmath.mpf(-1)])


def relation_values(problem: Problem, bits: int) -> list:
    """The reals whose integer relation the learner for ``problem`` looks for, at the working
    precision of ``bits`` bits (see :func:`learn_phase_retrieval` and :func:`learn_cos_neuron`).

    Raises ValueError as the learners do.
    """
    bits = _check_problem(problem, problem.activation, bits)
    prec = _work_prec(bits)
    return _relation_values(problem, solve_lambda(problem.X, prec), prec)


def _find_relation(problem: Problem, activation: str, bits, backend: str):
    """The first LLL vector of the learner's relation lattice, and the working precision."""
    bits = _check_problem(problem, activation, bits)
    prec = _work_prec(bits)
    values = _relation_values(problem, solve_lambda(problem.X, prec), prec)
    return integer_relation(values, bits, backend=backend), prec


def learn_phase_retrieval(problem: Problem, bits: int | None = None, *,
                          backend: str = "fpylll") -> np.ndarray | None:
    """Recover ``w`` up to sign from the first d + 1 samples of ``y = gamma |<w, x>|`` by LLL.

    The relation: ``sum_{i<=d} s_i lam_i y_i - s_{d+1} y_{d+1} = 0`` with signs
    ``s_i = sign <w, x_i>``; LLL on :func:`relation_basis` of ``(lam_1 y_1, ..., -y_{d+1})`` finds
    ``c = ±s`` when ``bits`` is large enough (default :func:`auto_bits`); then ``X_d v = (c_i y_i)``
    and ``ŵ = v / |v|``. Returns None when the first reduced vector is not a sign vector.

    Raises ValueError when ``problem`` is not an "abs" problem, has fewer than d + 1 samples, or
    ``bits`` is below the lattice dimension d + 1 or above the labels' precision minus 64.
    """
    c, prec = _find_relation(problem, "abs", bits, backend)
    d = problem.d
    if any(abs(ci) != 1 for ci in c):
        return None
    y = problem.y_exact
    v = _solve_w(problem.X, [c[i] * y[i] for i in range(d)], prec)
    return v / np.linalg.norm(v)


def learn_cos_neuron(problem: Problem, bits: int | None = None, *,
                     backend: str = "fpylll") -> tuple[np.ndarray, float] | None:
    """Recover ``(ŵ, γ̂)`` (w up to sign) from the first d + 1 samples of
    ``y = cos(2 pi gamma <w, x>)`` by LLL, without knowing gamma.

    With ``zeta_i = arccos(y_i) / (2 pi)`` in [0, 1/2], ``gamma <w, x_i> = eps_i zeta_i + k_i``
    (``eps_i = ±1``, ``k_i`` an integer), and the dependency of the inputs gives the relation
    ``sum_{i<=d} lam_i (eps_i zeta_i + k_i) - (eps_{d+1} zeta_{d+1} + k_{d+1}) = 0`` among the
    2d + 2 reals ``(lam_i zeta_i, -zeta_{d+1}, lam_i, -1)``. If the first LLL vector has
    ``±1`` in its first d + 1 entries, ``X_d v = (eps_i zeta_i + k_i)`` gives ``v = ±gamma w``.
    Returns None otherwise.

    Raises ValueError as :func:`learn_phase_retrieval` (lattice dimension 2d + 2).
    """
    c, prec = _find_relation(problem, "cos", bits, backend)
    d = problem.d
    eps, k = c[: d + 1], c[d + 1:]
    if any(abs(e) != 1 for e in eps):
        return None
    zeta = _phases(problem.y_exact[:d], prec)
    with mpmath.workprec(prec):
        rhs = [eps[i] * zeta[i] + k[i] for i in range(d)]
    v = _solve_w(problem.X, rhs, prec)
    gamma_hat = float(np.linalg.norm(v))
    return v / gamma_hat, gamma_hat


def clwe_detect(samples: ClweSamples, bits: int | None = None, *,
                backend: str = "fpylll") -> bool:
    """Say whether ``samples`` are (noise-free) CLWE rather than uniform: True when LLL finds a
    short relation ``(1, k_1, ..., k_{d+1})`` among ``(sum_i lam_i z_i - z_{d+1}, lam, -1)``.

    For CLWE, ``gamma <w, y_i> = z_i + k_i`` with integers ``k_i``, so the dependency of the
    ``y_i`` gives that relation, of norm about :func:`relation_norm` ``R``; uniform ``z`` leaves
    only lattice vectors of length about ``2^(bits/(d+2))``, above ``2.8 R`` with the automatic
    bits (:func:`relation_bits`) and longer still by the Gaussian heuristic. We accept when the first
    reduced vector has ``c_1 = ±1`` and length at most ``2R``. Uses the first d + 1 samples.

    Raises ValueError for fewer than d + 1 samples, ``bits`` below d + 2 or above the labels'
    precision minus 64.
    """
    if not isinstance(samples, ClweSamples):
        raise ValueError(f"samples must be ClweSamples (from sample_clwe), got {type(samples).__name__}")
    d = samples.d
    if samples.Y.shape[0] < d + 1:
        raise ValueError(f"samples must hold n >= d + 1 = {d + 1} samples, got {samples.Y.shape[0]}")
    if bits is None:
        bits = relation_bits(d, gamma=samples.gamma, activation="clwe")
    bits = check_int("bits", bits, low=d + 2)
    if bits + 64 > samples.prec:
        raise ValueError(f"bits must be at most prec - 64 = {samples.prec - 64}, got {bits}")
    prec = _work_prec(bits)
    lam = solve_lambda(samples.Y, prec)
    z = samples.z_exact
    with mpmath.workprec(prec):
        head = mpmath.fsum(lam[i] * z[i] for i in range(d)) - z[d]
        values = [head] + list(lam) + [mpmath.mpf(-1)]
    row = lll(relation_basis(values, bits), backend=backend)[0]
    R = relation_norm(d, gamma=samples.gamma, activation="clwe")
    return abs(row[0]) == 1 and math.sqrt(sum(v * v for v in row)) <= 2 * R


def recovery_error(problem: Problem, result) -> float:
    """Relative error of a learner's output, up to the global sign (inf for None).

    ``cos``: ``min |v ∓ gamma w| / gamma`` with ``v = γ̂ ŵ`` (the scale is recovered too);
    ``abs``: ``min |ŵ ∓ w|``.
    """
    if result is None:
        return math.inf
    if problem.activation == "cos":
        w_hat, g_hat = result
        v, target = g_hat * np.asarray(w_hat), problem.gamma * problem.w
    else:
        v, target = np.asarray(result), problem.w
    return float(min(np.linalg.norm(v - target), np.linalg.norm(v + target)) / np.linalg.norm(target))


def min_bits(problem: Problem, *, high: int | None = None) -> int | None:
    """The smallest precision at which the learner recovers ``problem`` (error < ``SUCCESS_TOL``),
    by bisection between the lattice dimension and ``high`` (default: twice :func:`relation_bits`).

    Bisection assumes success is monotone in the bits, which holds for noise-free labels
    (more bits only separate the planted relation further) but not with noise (the window);
    returns None if ``high`` itself fails.
    """
    lo = lattice_dim(problem.d, problem.activation)
    hi = high or 2 * relation_bits(problem.d, gamma=problem.gamma, activation=problem.activation)
    ok = lambda b: recovery_error(problem, learn(problem, b)) < SUCCESS_TOL  # noqa: E731
    if not ok(hi):
        return None
    if ok(lo):
        return lo
    while hi - lo > 1:                   # invariant: lo fails, hi succeeds
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def learn(problem: Problem, bits: int | None = None, *, backend: str = "fpylll"):
    """The learner for ``problem.activation``: :func:`learn_cos_neuron` or :func:`learn_phase_retrieval`."""
    fn = learn_cos_neuron if problem.activation == "cos" else learn_phase_retrieval
    return fn(problem, bits, backend=backend)


def success_rate(d: int, noise: float, activation: str = "cos", gamma: float = 1.0,
                 trials: int = 20, seed: int = 0, *, bits: int | None = None,
                 float64_labels: bool = False) -> float:
    """Fraction of ``trials`` independent problems (streams ``spawn(seed, trials)``) that the
    learner recovers with :func:`recovery_error` below ``SUCCESS_TOL`` = 1e-3; ``bits=None``
    re-chooses the precision for every problem (:func:`auto_bits`), an integer fixes it.

    Raises ValueError for ``d < 1``, ``noise < 0``, ``gamma <= 0``, ``trials < 1``, an unknown
    activation or a bad seed.
    """
    d, activation, gamma, noise, n = _checked(d, activation, gamma, noise, None)
    trials = check_int("trials", trials, low=1)
    gens = spawn(check_seed(seed), trials)
    prec = label_precision(d, gamma)
    if bits is not None:
        prec = max(prec, check_int("bits", bits, low=1) + 64)
    wins = 0
    for gen in gens:
        p = _sample(d, activation, gamma, noise, n, gen, prec, bool(float64_labels))
        wins += recovery_error(p, learn(p, bits)) < SUCCESS_TOL
    return wins / trials


def success_grid(ds, log10_noises, *, activation: str = "cos", gamma: float = 1.0,
                 trials: int = 10, seed: int = 0) -> np.ndarray:
    """:func:`success_rate` on the grid ``ds x log10_noises`` (noise ``10**x``; ``-inf`` is 0),
    shape (len(ds), len(log10_noises)); cell (i, j) uses the streams of ``seed``."""
    check_choice("activation", activation, ACTIVATIONS)
    cells = [(d, x) for d in ds for x in log10_noises]
    out = [success_rate(d, 0.0 if x == -math.inf else 10.0**x, activation, gamma, trials, seed)
           for d, x in progress(cells)]
    return np.array(out).reshape(len(ds), len(log10_noises))


__all__ = ["auto_bits", "clwe_detect", "learn", "learn_cos_neuron",
           "learn_phase_retrieval", "min_bits", "noise_bits", "recovery_error", "relation_bits",
           "relation_norm", "relation_values", "solve_lambda", "success_grid", "success_rate"]

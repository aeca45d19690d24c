r"""Optimal random quantisers over all spherically symmetric designs (Section 3, extended version).

A spherically symmetric design is a radial law Φ (a mixture of concentric spheres). Its expected
distortion is the paper's triple integral (eq. 12 / 17)

.. math:: \mathcal I_{\mu,s}(\Phi;n) = s\int_0^\infty t^{s-1}\int \big[1 - A(\Phi;r,t)\big]^n
          \,d\Psi(r)\,dt,\qquad A(\Phi;r,t) = \int I_{v(t,\rho,r)}(\delta,\delta)\,d\Phi(\rho),

v = [t² − (ρ − r)²]/(4ρr) clipped to [0, 1] (eq. 5). A is linear in Φ, so 𝓘 is convex, and the
sensitivity (eq. 19)

.. math:: S(\rho;\Phi,n) = n s\int t^{s-1}\int [1 - A]^{n-1} I_{v(t,\rho,r)}(\delta,\delta)
          \,d\Psi(r)\,dt

gives the equivalence theorem (Theorem 3.1): Φ* is optimal iff max_ρ S(ρ; Φ*) = ∫S dΦ*, and for
any Φ the gap g = max S − ∫S dΦ certifies 𝓔(Φ) ≥ 1 − g/𝓘(Φ) (eq. 22).

Discretisation (ours): Φ lives on a grid of candidate radii ρ_j (the paper's example scripts use
step 0.01 on [0, 1] for the ball and 0.03 on [0, 2] for the normal); Ψ on Gauss–Legendre radial
nodes r_l; t on per-node panels [0, r_l] ∪ [r_l, r_l + ρ_max] (the breakpoint r_l is where the
centre atom ρ = 0 jumps). K[k, l, j] = I_{v(t_kl, ρ_j, r_l)} is computed once, after which every
𝓘 and S is a contraction. The certificate is exact for the discretised problem; the quadrature
error of the discretisation itself is checked against eq. 48 in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from scipy import special
from scipy.optimize import minimize_scalar

from theorybook.common import check_array, check_choice, check_int, check_number

from ._core import LAWS, check_setting, optimal_radius, radial_nodes

_GL8 = np.polynomial.legendre.leggauss(8)


@dataclass(frozen=True)
class _Problem:
    n: int
    d: int
    s: float
    t: np.ndarray          # [T, L] t-nodes per radial node
    tw: np.ndarray         # [T, L] s·t^{s−1}·(t-weight)·ψ_l
    r: np.ndarray          # [L] radial nodes of the target
    rho_max: float

    def kernel(self, rho) -> np.ndarray:
        """K[k, l, j] = I_{v(t_kl, ρ_j, r_l)}(δ, δ), with the point-mass limits at ρ = 0."""
        rho = np.atleast_1d(np.asarray(rho, dtype=float))
        delta = 0.5 * (self.d - 1)
        t, r = self.t[:, :, None], self.r[None, :, None]
        p = rho[None, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            v = (t * t - (p - r) ** 2) / (4.0 * p * r)
        v = np.clip(np.where(p > 0, v, np.where(t >= r, 1.0, 0.0)), 0.0, 1.0)
        return special.betainc(delta, delta, v)

    def value(self, A: np.ndarray) -> float:
        with np.errstate(divide="ignore"):
            return float(np.sum(self.tw * np.exp(self.n * np.log1p(-np.minimum(A, 1.0)))))

    def sens_weights(self, A: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return self.n * self.tw * np.exp((self.n - 1) * np.log1p(-np.minimum(A, 1.0)))


def _default_grid(law: str) -> np.ndarray:
    # The authors' candidate grids: {0, 0.01, …, 1} (ball, sphere), {0, 0.03, …, 2} (normal).
    return np.round(np.arange(0, 67) * 0.03, 10) if law == "normal" else np.round(np.linspace(0, 1, 101), 10)


def _problem(n: int, d: int, law: str, s: float, rho_max: float, t_panels: int) -> _Problem:
    return replace(_base_problem(d, law, s, rho_max, t_panels), n=n)


_KERNELS: dict = {}


def _grid_kernel(prob: _Problem, law: str, t_panels: int, grid: np.ndarray) -> np.ndarray:
    """K on the candidate grid; it does not depend on n, so scans over n reuse it."""
    key = (prob.d, law, prob.s, prob.rho_max, t_panels, grid.tobytes())
    if key not in _KERNELS:
        if len(_KERNELS) >= 4:
            _KERNELS.pop(next(iter(_KERNELS)))
        _KERNELS[key] = prob.kernel(grid)
    return _KERNELS[key]


@lru_cache(maxsize=16)
def _base_problem(d: int, law: str, s: float, rho_max: float, t_panels: int) -> _Problem:
    n = 1
    r, psi = radial_nodes(law, d, gl=_GL8)
    keep = psi > 1e-300
    r, psi = r[keep], psi[keep]
    ts, tws = [], []
    for rl in r:
        total = rl + rho_max
        p1 = max(2, int(round(t_panels * rl / total)))
        edges = np.unique(np.concatenate([np.linspace(0, rl, p1 + 1),
                                          np.linspace(rl, total, t_panels - p1 + 1)]))
        lo, hi = edges[:-1, None], edges[1:, None]
        x = (0.5 * (lo + hi) + 0.5 * (hi - lo) * _GL8[0]).ravel()
        w = (0.5 * (hi - lo) * _GL8[1]).ravel()
        ts.append(x)
        tws.append(w)
    size = max(len(x) for x in ts)
    t = np.zeros((size, len(r)))
    tw = np.zeros((size, len(r)))
    for l, (x, w) in enumerate(zip(ts, tws)):
        t[: len(x), l], tw[: len(x), l] = x, w
    tw = tw * s * np.where(t > 0, t, 1.0) ** (s - 1) * psi[None, :]
    return _Problem(n, d, s, t, tw, r, rho_max)


def _setup(n, d, law, s, grid, t_panels):
    n, d, law, s = check_setting(n, d, law, s)
    grid = _default_grid(law) if grid is None else _radii("grid", grid)
    t_panels = check_int("t_panels", t_panels, low=4)
    prob = _problem(n, d, law, s, float(grid.max()) + 1e-12, t_panels)
    return prob, grid


def _radii(name, values):
    """A non-empty 1-D array of finite radii >= 0."""
    radii = check_array(name, np.atleast_1d(values), ndim=1)
    if len(radii) == 0 or np.any(radii < 0):
        raise ValueError(f"{name} must be a non-empty 1-D array of radii >= 0, got {values!r}")
    return radii


def _check_design(radii, weights):
    """A radial law Σ w_j δ_{ρ_j}: radii >= 0 and probability weights of the same length."""
    radii = _radii("radii", radii)
    weights = check_array("weights", np.atleast_1d(weights), shape=(len(radii),))
    if np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, atol=1e-9):
        raise ValueError(f"weights must be >= 0 and sum to 1, got {weights!r}")
    return radii, weights


def mixture_distortion(radii, weights, *, n, d, law="ball", s=2, t_panels=40) -> float:
    r"""𝓘_{μ,s}(Φ; n), the triple integral (12) for the mixture Φ = Σ w_j δ_{ρ_j} of spheres."""
    radii, weights = _check_design(radii, weights)
    prob, _ = _setup(n, d, law, s, np.append(radii, 0.0), t_panels)
    return prob.value(prob.kernel(radii) @ weights)


def sensitivity(rho, radii, weights, *, n, d, law="ball", s=2, t_panels=40):
    r"""(S(ρ; Φ, n) at every ρ, S̄(Φ, n) = ∫S dΦ) for Φ = Σ w_j δ_{ρ_j} (eq. 19).

    Equivalence theorem (3.1): Φ is optimal iff S(ρ) ≤ S̄ for every ρ; one sphere δ_a is optimal
    iff S(ρ; δ_a) ≤ S(a; δ_a) (Corollary 3.1).
    """
    radii, weights = _check_design(radii, weights)
    rho = _radii("rho", rho)
    prob, _ = _setup(n, d, law, s, np.concatenate([radii, rho, [0.0]]), t_panels)
    W = prob.sens_weights(prob.kernel(radii) @ weights)
    S = np.einsum("kl,klj->j", W, _grid_kernel(prob, law, int(t_panels), rho))
    Sd = np.einsum("kl,klj->j", W, prob.kernel(radii))
    return S, float(Sd @ weights)


@dataclass(frozen=True)
class MixtureResult:
    """Optimal radial law found by the vertex-direction / vertex-exchange algorithm (Section 3.2).

    Fields:
        radii, weights: the support of Φ (concentric spheres) and their probabilities.
        distortion: 𝓘(Φ; n), the expected s-distortion of the random quantiser with radial law Φ.
        efficiency_bound: 1 − g/𝓘(Φ; n) ≤ 𝓔(Φ; n) (eq. 22), g = max_ρ S − ∫S dΦ on the grid.
        gap: g.  iterations: iterations used.  converged: g/𝓘 < tol.
        grid, grid_sensitivity: the candidate radii and S(ρ; Φ, n) on them (for the figure).
        mean_sensitivity: S̄(Φ, n).
    """

    radii: np.ndarray
    weights: np.ndarray
    distortion: float
    efficiency_bound: float
    gap: float
    iterations: int
    converged: bool
    grid: np.ndarray
    grid_sensitivity: np.ndarray
    mean_sensitivity: float


def optimal_mixture(n, d, *, law="ball", s=2, tol=1e-5, grid=None, max_iter=1000, t_panels=40,
                    start=None, merge=0.2) -> MixtureResult:
    r"""The optimal random quantiser over all radial laws Φ (Section 3.2 of the extended version).

    Vertex-direction steps Φ ← (1 − γ)Φ + γ δ_{ρ⁺}, ρ⁺ = argmax S(·; Φ) (eq. 24), γ by a bounded
    1-D line search (eq. 25), alternated with vertex-exchange steps that move mass γ ≤ w(ρ⁻) from
    the support point of least sensitivity ρ⁻ to ρ⁺. Every 5 iterations weights below 1e-3 are
    dropped unless 𝓘 then rises by more than 1e-6 (relative) or the certificate g/𝓘 would
    rise above max(tol, its current value) (our addition). Stops when g/𝓘 < ``tol``,
    which certifies 𝓔 > 1 − tol (Theorem 3.1, eq. 22). Starts at the best single sphere of the
    grid unless ``start`` (a grid radius) is given. Every 5 iterations, support points closer than
    ``merge`` (the authors' 0.2) are merged into one sphere at the radius between them that
    minimises 𝓘, if 𝓘 rises by at most 1e-6 (relative); the new radius joins the grid.

    Raises:
        ValueError: naming ``n``, ``d``, ``law``, ``s``, ``tol`` or ``grid``.
    """
    tol = check_number("tol", tol, low=0, high=1, low_open=True, high_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    prob, grid = _setup(n, d, law, s, grid, t_panels)
    K = _grid_kernel(prob, law, int(t_panels), grid)                     # [T, L, J]
    with np.errstate(divide="ignore"):
        singles = np.einsum("kl,klj->j", prob.tw, np.exp(prob.n * np.log1p(-K)))   # 𝓘(δ_ρj)
    j0 = int(np.argmin(singles)) if start is None else int(np.argmin(np.abs(grid - start)))
    w = np.zeros(len(grid))
    w[j0] = 1.0
    A = K[:, :, j0].copy()
    it, converged, merges = 0, False, 0
    for it in range(1, max_iter + 1):
        I = prob.value(A)
        S = np.einsum("kl,klj->j", prob.sens_weights(A), K)
        gap = float(S.max() - w @ S)
        if gap / I < tol:
            # converged: try merging close support points, and go on if that changed anything
            merged = _merge(prob, grid, K, w, A, merge)
            if len(merged[0]) == len(grid) or merges >= 5:
                converged = True
                break
            grid, K, w, A = merged
            merges += 1
            continue
        jp = int(np.argmax(S))
        # vertex direction: A + γ(K_j+ − A)
        dA = K[:, :, jp] - A
        g = _line_search(lambda x: prob.value(A + x * dA), 1.0)
        w = (1 - g) * w
        w[jp] += g
        A = A + g * dA
        # vertex exchange: move mass from the least sensitive support point to j+
        support = np.flatnonzero(w > 0)
        S = np.einsum("kl,klj->j", prob.sens_weights(A), K[:, :, support])
        jm = int(support[np.argmin(S)])
        if jm != jp:
            dA = K[:, :, jp] - K[:, :, jm]
            g = _line_search(lambda x: prob.value(A + x * dA), w[jm])
            w[jp] += g
            w[jm] -= g
            A = A + g * dA
        if it % 5 == 0:
            w, A = _prune(prob, K, w, A, tol)
            grid, K, w, A = _merge(prob, grid, K, w, A, merge)
    return _finish(prob, K, grid, w, it, converged, tol)


def _merge(prob, grid, K, w, A, distance):
    """Merge support points closer than ``distance`` into one sphere at the radius (within
    their span) that minimises 𝓘, when 𝓘 rises by at most 1e-6 (relative); the new radius
    joins the candidate grid."""
    support = np.flatnonzero(w > 0)
    order = support[np.argsort(grid[support])]
    if len(order) < 2:
        return grid, K, w, A
    I0 = prob.value(A)
    for i in range(len(order) - 1):
        j1, j2 = order[i], order[i + 1]
        if w[j1] == 0 or w[j2] == 0 or grid[j2] - grid[j1] >= distance:
            continue
        rest = A - w[j1] * K[:, :, j1] - w[j2] * K[:, :, j2]
        mass = w[j1] + w[j2]
        res = minimize_scalar(lambda x: prob.value(rest + mass * prob.kernel([x])[:, :, 0]),
                              bounds=(grid[j1], grid[j2]), method="bounded", options={"xatol": 1e-6})
        if res.fun <= I0 * (1 + 1e-6):
            grid = np.append(grid, res.x)
            K = np.concatenate([K, prob.kernel([res.x])], axis=2)
            w = np.append(w, mass)
            w[j1] = w[j2] = 0.0
            A = K @ w
            I0 = prob.value(A)
    return grid, K, w, A


def _line_search(f, hi: float) -> float:
    if hi <= 0:
        return 0.0
    res = minimize_scalar(f, bounds=(0.0, hi), method="bounded", options={"xatol": 1e-10 * max(hi, 1e-3)})
    return float(res.x) if res.fun <= f(0.0) else 0.0


def _relative_gap(prob, K, w, A) -> float:
    S = np.einsum("kl,klj->j", prob.sens_weights(A), K)
    return float(S.max() - w @ S) / prob.value(A)


def _prune(prob, K, w, A, tol, threshold=1e-3):
    """Drop weights below ``threshold`` unless 𝓘 rises by more than 1e-6 (relative), the
    authors' rule; also keep them when dropping would worsen the certificate beyond ``tol``
    (otherwise a light sphere that the optimum needs is dropped and re-added forever)."""
    small = (w > 0) & (w < threshold)
    if not small.any() or small.sum() == (w > 0).sum():
        return w, A
    w2 = np.where(small, 0.0, w)
    w2 /= w2.sum()
    A2 = K @ w2
    if (prob.value(A2) <= prob.value(A) * (1 + 1e-6)
            and _relative_gap(prob, K, w2, A2) <= max(tol, _relative_gap(prob, K, w, A))):
        return w2, A2
    return w, A


def _certify(prob, K, radii, weights):
    """(𝓘, S on the grid, S̄, g) for the measure Σ w δ_radii."""
    A = prob.kernel(radii) @ weights
    W = prob.sens_weights(A)
    S = np.einsum("kl,klj->j", W, K)
    Sbar = float(np.einsum("kl,klj->j", W, prob.kernel(radii)) @ weights)
    return prob.value(A), S, Sbar, max(float(S.max() - Sbar), 0.0)


def _finish(prob, K, grid, w, it, converged, tol) -> MixtureResult:
    w = np.where(w > 1e-10, w, 0.0)
    w /= w.sum()
    support = np.flatnonzero(w > 0)
    radii, weights = grid[support], w[support]
    best = (radii, weights) + _certify(prob, K, radii, weights)
    # Merge runs of adjacent grid points (the optimum may fall between two of them) into one
    # sphere whose radius minimises 𝓘 on the run's span; keep the merge if the certificate
    # stays within tol (or is no worse than before).
    groups = np.split(np.arange(len(support)), np.flatnonzero(np.diff(support) > 1) + 1)
    if any(len(g) > 1 for g in groups):
        mr = np.array([radii[g] @ weights[g] / weights[g].sum() for g in groups])
        mw = np.array([weights[g].sum() for g in groups])
        for i, g in enumerate(groups):
            if len(g) > 1:
                def f(x, i=i):
                    trial = mr.copy()
                    trial[i] = x
                    return prob.value(prob.kernel(trial) @ mw)
                mr[i] = minimize_scalar(f, bounds=(radii[g].min(), radii[g].max()), method="bounded",
                                        options={"xatol": 1e-6}).x
        merged = (mr, mw) + _certify(prob, K, mr, mw)
        if merged[5] / merged[2] <= max(tol, best[5] / best[2]):
            best = merged
    radii, weights, I, S, Sbar, gap = best
    return MixtureResult(radii, weights, I, 1.0 - gap / I, gap, it, bool(gap / I < tol),
                         grid, S, Sbar)


def self_design_distortion(n, d, *, law="ball", s=2, scale=1.0, t_panels=40) -> float:
    r"""𝓘(Φ; n) for the design law Φ = the target's radial law scaled by ``scale``.

    ``scale=1`` is ℙ = μ (n i.i.d. points drawn from the target); for the normal target,
    ``scale=σ`` is the design μ_σ = N(0, σ² I_d/d), and σ∞* = √(1 + s/d) is Zador's optimal
    i.i.d. law (Section 3.3.3). Φ is discretised on the target's radial quadrature nodes.
    """
    scale = check_number("scale", scale, low=0, low_open=True)
    r, psi = radial_nodes(check_choice("law", law, LAWS), check_int("d", d, low=2), gl=_GL8)
    return mixture_distortion(scale * r, psi / psi.sum(), n=n, d=d, law=law, s=s,
                              t_panels=t_panels)


def single_sphere_certificate(n, d, *, law="ball", s=2, grid=None,
                              t_panels=40) -> tuple[float, float]:
    r"""(a*, g/𝓘) for the best single sphere δ_{a*} (Corollary 3.1).

    g = max_ρ S(ρ; δ_{a*}, n) − S(a*; δ_{a*}, n) over the candidate grid: g ≤ 0 (up to quadrature
    error) means one sphere is optimal among all spherically symmetric designs, and in any case
    𝓔(δ_{a*}) ≥ 1 − g/𝓘 (eq. 22).
    """
    a, _ = optimal_radius(n, d, law=law, s=s)
    grid = _default_grid(law) if grid is None else _radii("grid", grid)
    if a > grid.max():
        grid = np.append(grid, a)
    prob, grid = _setup(n, d, law, s, grid, t_panels)
    K = _grid_kernel(prob, law, int(t_panels), grid)
    Ka = prob.kernel([a])[:, :, 0]
    W = prob.sens_weights(Ka)
    S = np.einsum("kl,klj->j", W, K)
    return float(a), float((S.max() - np.sum(W * Ka)) / prob.value(Ka))


def first_n_without_single_sphere(d, *, law="ball", s=2, n_max=10**6, grid=None,
                                  t_panels=40) -> int:
    r"""n₁(d, s): the smallest n at which one sphere stops being optimal (bisection on n).

    Uses :func:`single_sphere_certificate` (g/𝓘 > 1e-9 means not optimal), assuming, as the
    paper's figures show, a single sphere is optimal for all n below n₁ and none above.
    For the ball target and s = 2 the paper finds n₁(d, 2) close to 2^{d+1} (509 at d = 8).
    """
    n_max = check_int("n_max", n_max, low=1)

    def bad(n):
        cert = single_sphere_certificate(n, d, law=law, s=s, grid=grid, t_panels=t_panels)
        return cert[1] > 1e-9

    lo, hi = 1, n_max
    if not bad(hi):
        raise ValueError(f"n_max = {n_max}: one sphere is still optimal there; raise n_max")
    while hi - lo > 1:
        mid = int(np.sqrt(lo * hi)) if hi > 4 * lo else (lo + hi) // 2
        lo, hi = (mid, hi) if not bad(mid) else (lo, mid)
    return hi


def first_n_single_sphere_optimal(d, *, law="sphere", s=2, n_max=200, grid=None,
                                  t_panels=40) -> int:
    r"""n*(d, s): the smallest n ≥ 2 from which one sphere is optimal among all spherically
    symmetric designs (Section 3.3.1, the paper's Fig. 2 for the sphere target).

    Scans n = 2, 3, … and returns the first n whose best single sphere passes the test of
    Corollary 3.1 (g/𝓘 ≤ 1e-9, as in :func:`first_n_without_single_sphere`) at n and at the
    next two values of n (the paper's figures show one sphere stays optimal from n* on).

    Raises:
        ValueError: naming ``d``, ``law``, ``s`` or ``n_max``, or if no such n ≤ n_max.
    """
    n_max = check_int("n_max", n_max, low=2)
    check_setting(2, d, law, s)

    def optimal(n):
        cert = single_sphere_certificate(n, d, law=law, s=s, grid=grid, t_panels=t_panels)
        return cert[1] <= 1e-9

    for n in range(2, n_max + 1):
        if all(optimal(m) for m in (n, n + 1, n + 2)):
            return n
    raise ValueError(f"n_max = {n_max}: one sphere is not yet optimal there; raise n_max")


def ball_design_distortion(b, n, d, *, law="ball", s=2, t_panels=40) -> float:
    r"""𝓘 of the design ℙ_{0,b}: n i.i.d. points uniform in the ball B_d(b) (Section 3.3.2).

    Raises:
        ValueError: naming ``b``, ``n``, ``d``, ``law`` or ``s``.
    """
    b = check_number("b", b, low=0, low_open=True)
    r, psi = radial_nodes("ball", check_int("d", d, low=2), gl=_GL8)
    return mixture_distortion(b * r, psi / psi.sum(), n=n, d=d, law=law, s=s, t_panels=t_panels)


def first_n_beaten(d, *, law="ball", s=2, design="target", n_min=1, n_max=10**7,
                   t_panels=16) -> int:
    r"""The smallest n at which an i.i.d. design beats the best single sphere (bisection on n).

    ``design="target"``: ℙ = μ, n i.i.d. points from the target (the paper's n₃);
    ``design="ball"``: the best ball design ℙ_{0,b*}, b* optimised at each n by bounded Brent on
    [0.05, 1.5] (the paper's n₂; n₂ ≤ n₃ for the ball target, since μ is ℙ_{0,1}). Both
    distortions are the triple integral (eq. 12) with ``t_panels`` panels; the single sphere is
    exact (Corollary 2.1 / eq. 48). The search starts at ``n_min``, where the sphere must win
    (for n₂ pass n₁(d) of :func:`first_n_without_single_sphere`: below n₁ one sphere is optimal
    among all spherically symmetric designs; at very small n a tiny ball can tie or beat it), and
    assumes the sphere wins below the crossing and loses above it.

    Raises:
        ValueError: naming ``d``, ``law``, ``s``, ``design``, ``n_min`` or ``n_max``, or if the
        sphere still wins at n_max.
    """
    check_setting(2, d, law, s)
    design = check_choice("design", design, ("target", "ball"))
    n_min = check_int("n_min", n_min, low=1)
    n_max = check_int("n_max", n_max, low=n_min + 1)

    def beaten(n):
        sphere = optimal_radius(n, d, law=law, s=s)[1]
        if design == "target":
            return self_design_distortion(n, d, law=law, s=s, t_panels=t_panels) < sphere
        best = minimize_scalar(
            lambda b: ball_design_distortion(b, n, d, law=law, s=s, t_panels=t_panels),
            bounds=(0.05, 1.5), method="bounded", options={"xatol": 1e-3})
        return best.fun < sphere

    lo, hi = n_min, 2 * n_min
    if n_min > 1 and beaten(n_min):
        raise ValueError(f"n_min = {n_min}: the sphere is already beaten there; lower n_min")
    while not beaten(hi):
        if hi >= n_max:
            raise ValueError(f"n_max = {n_max}: the sphere still wins there; raise n_max")
        lo, hi = hi, min(4 * hi, n_max)
    while hi - lo > 1:
        mid = int(np.sqrt(lo * hi)) if hi > 4 * lo else (lo + hi) // 2
        lo, hi = (mid, hi) if not beaten(mid) else (lo, mid)
    return hi

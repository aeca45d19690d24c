r"""The MLP's covariance kernel and the constants of the paper (κ, λ₁, λ̄, λ̄').

A layer's MLP is the random field (paper, §1)

.. math:: G^m(y) = m^{-1/2} W \varphi(d^{-1/2} U y + b_U) + b_W,

with ``U`` (m × d), ``W`` (d × m) standard Gaussian, ``b_U ~ N(0, σ_U² I_m)``,
``b_W ~ N(0, σ_W² I_d)``. For every width m, ``E[G(x) G(y)ᵀ] = κ(⟨x, y⟩) I_d`` on the sphere, with

.. math:: κ(t) = E[\varphi(p)\varphi(q)] + σ_W^2,

where ``(p, q)`` is a centred Gaussian pair with variances ``s² = 1/d + σ_U²`` and covariance
``t/d + σ_U²`` (the paper writes the same pair as ``uX ± vY + σ_U b``).

References: Agazzi, Bruno, Mosig García, Saviozzi, Romito, arXiv:2604.26898, §1 and §4.2.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, optimize

from ..common import check_choice, check_int, check_number

ACTIVATIONS = ("relu", "silu", "sigmoid", "tanh")
_GH_NODES = 96  # 2-D Gauss–Hermite rule (96² nodes) for κ(t) of the smooth activations


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _phi(activation: str):
    return {
        "relu": lambda x: np.maximum(x, 0.0),
        "silu": lambda x: x * _sigmoid(x),
        "sigmoid": _sigmoid,
        "tanh": np.tanh,
    }[activation]


def _phi_prime(activation: str):
    def silu_prime(x):
        s = _sigmoid(x)
        return s * (1.0 + x * (1.0 - s))

    return {
        "relu": lambda x: (x > 0).astype(float),
        "silu": silu_prime,
        "sigmoid": lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
        "tanh": lambda x: 1.0 - np.tanh(x) ** 2,
    }[activation]


# --- validation shared by the public functions -------------------------------------------------
def _check_kernel_args(activation, d, sigma_u, sigma_w):
    return (check_choice("activation", activation, ACTIVATIONS), check_int("d", d, low=2),
            check_number("sigma_u", sigma_u, low=0.0), check_number("sigma_w", sigma_w, low=0.0))


# --- κ(t) ---------------------------------------------------------------------------------------
def _relu_kappa(t, d, sigma_u, sigma_w):
    """Arc-cosine kernel of degree 1 (Cho & Saul 2009) on the bias-augmented inputs."""
    s2 = 1.0 / d + sigma_u**2
    rho = np.clip((t / d + sigma_u**2) / s2, -1.0, 1.0)
    theta = np.arccos(rho)
    return s2 / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * rho) + sigma_w**2


@functools.lru_cache(maxsize=None)
def _gh2():
    z, w = hermegauss(_GH_NODES)
    w = w / np.sqrt(2 * np.pi)
    return z, w


def _quadrature_kappa(t, activation, d, sigma_u, sigma_w):
    """E[φ(p)φ(q)] + σ_W² by a 2-D Gauss–Hermite rule: p = s z₁, q = s(ρ z₁ + √(1−ρ²) z₂)."""
    phi = _phi(activation)
    z, w = _gh2()
    s = np.sqrt(1.0 / d + sigma_u**2)
    rho = np.clip((np.asarray(t, float) / d + sigma_u**2) / s**2, -1.0, 1.0)[..., None, None]
    z1, z2 = z[:, None], z[None, :]
    p = phi(s * z1)
    q = phi(s * (rho * z1 + np.sqrt(1.0 - rho**2) * z2))
    return np.einsum("i,j,...ij->...", w, w, p * q) + sigma_w**2


def kappa(t, activation: str = "relu", *, d: int = 5, sigma_u: float = 0.0,
          sigma_w: float = 0.0):
    r"""The zonal kernel κ(t) of the MLP field, ``E[G(x)G(y)ᵀ] = κ(⟨x,y⟩) I_d`` (paper, §1).

    .. math:: κ(t) = E[\varphi(uX + vY + σ_U b)\varphi(uX − vY + σ_U b)] + σ_W^2,
        \quad u = \sqrt{(1+t)/(2d)},\ v = \sqrt{(1−t)/(2d)}.

    Closed form for ReLU (the degree-1 arc-cosine kernel of the bias-augmented inputs); a 2-D
    Gauss–Hermite rule (96² nodes) otherwise.

    Args:
        t: cosine(s) in [−1, 1], scalar or array.
        activation: "relu", "silu", "sigmoid" or "tanh".
        d: token dimension (≥ 2). sigma_u, sigma_w: bias standard deviations σ_U, σ_W ≥ 0.

    Returns:
        numpy array of the shape of ``t``.

    Raises:
        ValueError: a bad activation, d, σ, or a t outside [−1, 1].
    """
    activation, d, sigma_u, sigma_w = _check_kernel_args(activation, d, sigma_u, sigma_w)
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(np.abs(t) > 1.0 + 1e-12):
        raise ValueError("t must lie in [-1, 1]")
    t = np.clip(t, -1.0, 1.0)
    if activation == "relu":
        return _relu_kappa(t, d, sigma_u, sigma_w)
    return _quadrature_kappa(t, activation, d, sigma_u, sigma_w)


@functools.lru_cache(maxsize=256)
def kappa_table(activation: str, d: int, sigma_u: float, sigma_w: float, n: int = 1025):
    """κ on ``n`` equispaced cosines in [−1, 1] (for interpolation inside jitted code)."""
    grid = np.linspace(-1.0, 1.0, n)
    return grid, kappa(grid, activation, d=d, sigma_u=sigma_u, sigma_w=sigma_w)


# --- κ(1), κ'(1), λ₁, λ̄ --------------------------------------------------------------------------
class KernelConstants(NamedTuple):
    """The four columns of the paper's Table 1.

    Attributes:
        kappa1: κ(1) = E[φ(Z)²] + σ_W², Z ~ N(0, 1/d + σ_U²).
        kappa1_prime: κ'(1) = (1/d) E[φ'(Z)²] (erratum 3: 1/d, not 1/d²).
        lyapunov: λ₁ = ((d−3)/2) κ'(1) − ((d−1)/2) κ(1), the top Lyapunov exponent.
        lambda_bar: λ̄ = (d−1) κ'(1) − (d−3) κ(1), the small-separation rate of the mean energy.
    """

    kappa1: float
    kappa1_prime: float
    lyapunov: float
    lambda_bar: float


def _gaussian_expectation(f, s):
    """E f(sZ), Z ~ N(0,1), by adaptive quadrature split at the kink z = 0 (scipy.integrate.quad)."""
    density = lambda z: f(s * z) * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
    left = integrate.quad(density, -40.0, 0.0, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    right = integrate.quad(density, 0.0, 40.0, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    return left + right


def _from_kappas(d, k1, k1p):
    lyap = 0.5 * (d - 3) * k1p - 0.5 * (d - 1) * k1
    lam_bar = (d - 1) * k1p - (d - 3) * k1
    return KernelConstants(float(k1), float(k1p), float(lyap), float(lam_bar))


def relu_constants(d: int, sigma_u: float = 0.0, sigma_w: float = 0.0) -> KernelConstants:
    r"""Closed forms for ReLU (paper, Prop. 1.5, with the sign of erratum 1 corrected).

    .. math:: κ(1) = \tfrac12(1/d + σ_U^2) + σ_W^2,\quad κ'(1) = \tfrac1{2d},\quad
        λ_1 = −\tfrac1{2d} − \tfrac{(σ_U^2 + 2σ_W^2)(d−1)}4,\quad
        λ̄ = \tfrac1d − \tfrac{(σ_U^2 + 2σ_W^2)(d−3)}2.
    """
    _, d, sigma_u, sigma_w = _check_kernel_args("relu", d, sigma_u, sigma_w)
    b = sigma_u**2 + 2 * sigma_w**2
    return KernelConstants(0.5 * (1.0 / d + sigma_u**2) + sigma_w**2, 1.0 / (2 * d),
                           -1.0 / (2 * d) - b * (d - 1) / 4, 1.0 / d - b * (d - 3) / 2)


@functools.lru_cache(maxsize=512)
def _constants_quadrature(activation, d, sigma_u, sigma_w):
    s = np.sqrt(1.0 / d + sigma_u**2)
    phi, dphi = _phi(activation), _phi_prime(activation)
    k1 = _gaussian_expectation(lambda x: phi(x) ** 2, s) + sigma_w**2
    k1p = _gaussian_expectation(lambda x: dphi(np.asarray(x)) ** 2, s) / d
    return _from_kappas(d, k1, k1p)


def kernel_constants(activation: str = "relu", *, d: int = 5, sigma_u: float = 0.0,
                     sigma_w: float = 0.0, method: str = "auto") -> KernelConstants:
    r"""(κ(1), κ'(1), λ₁, λ̄): one row of the paper's Table 1 (§1, Prop. 1.5; §4.2).

    .. math:: λ_1 = \frac{d−3}2 κ'(1) − \frac{d−1}2 κ(1) = \frac{λ̄}2 − κ(1) − κ'(1),\qquad
        λ̄ = (d−1) κ'(1) − (d−3) κ(1).

    κ(1) = E[φ(Z)²] + σ_W² and κ'(1) = (1/d) E[φ'(Z)²] with Z ~ N(0, 1/d + σ_U²) are 1-D Gaussian
    integrals (``scipy.integrate.quad``, split at 0). λ₁ is the top Lyapunov exponent of the
    isotropic flow (Raimond 1999); λ̄ < 0 is Assumption 1 of Thm 1.4.

    Args:
        activation: "relu", "silu", "sigmoid" or "tanh". d: dimension ≥ 2.
        sigma_u, sigma_w: bias standard deviations σ_U, σ_W ≥ 0.
        method: "auto" (closed form for ReLU, quadrature otherwise), "quadrature" or "closed"
            (ReLU only).

    Returns:
        KernelConstants(kappa1, kappa1_prime, lyapunov, lambda_bar), a NamedTuple of floats.

    Raises:
        ValueError: bad activation, d, σ, or method.
    """
    activation, d, sigma_u, sigma_w = _check_kernel_args(activation, d, sigma_u, sigma_w)
    method = check_choice("method", method, ("auto", "quadrature", "closed"))
    if method == "closed" and activation != "relu":
        raise ValueError(f"method='closed' exists only for activation='relu', got {activation!r}")
    if activation == "relu" and method != "quadrature":
        return relu_constants(d, sigma_u, sigma_w)
    return _constants_quadrature(activation, d, sigma_u, sigma_w)


def table1(activations=ACTIVATIONS, dims=(5, 64, 128), sigmas=(0.0, 0.1)) -> list[dict]:
    """The paper's Table 1 recomputed: one dict per (activation, d, σ = σ_U = σ_W)."""
    rows = []
    for activation in activations:
        for d in dims:
            for sigma in sigmas:
                c = kernel_constants(activation, d=d, sigma_u=sigma, sigma_w=sigma)
                rows.append({"activation": activation, "d": d, "sigma": sigma, **c._asdict()})
    return rows


# --- λ̄' of Thm 1.4 -----------------------------------------------------------------------------
def energy_rate_function(u, activation: str = "relu", *, d: int = 5, sigma_u: float = 0.0,
                         sigma_w: float = 0.0, beta: float = 1.0):
    r"""F(u) of Thm 1.4, with F(1⁻) = −λ̄ set explicitly (0/0 at u = 1).

    .. math:: F(u) = \frac{β e^{βu} G(u)}{e^β − e^{βu}},\quad
        G(u) = κ(u)(d − 2 + u^2 − βu(1−u^2)) + κ(1)(β(1−u^2) − (d−1)u).
    """
    kw = dict(d=d, sigma_u=sigma_u, sigma_w=sigma_w)
    u = np.asarray(u, dtype=float)
    k1 = float(kappa(1.0, activation, **kw))
    ku = kappa(np.minimum(u, 1.0), activation, **kw)
    g = ku * (d - 2 + u**2 - beta * u * (1 - u**2)) + k1 * (beta * (1 - u**2) - (d - 1) * u)
    at_one = u >= 1.0
    denom = np.where(at_one, 1.0, -np.expm1(beta * (u - 1.0)))  # (e^β − e^{βu}) / e^β
    f = beta * np.exp(beta * (u - 1.0)) * g / denom
    lam_bar = kernel_constants(activation, **kw).lambda_bar
    return np.where(at_one, -lam_bar, f)


def lambda_bar_prime(activation: str = "relu", *, d: int = 5, sigma_u: float = 0.0,
                     sigma_w: float = 0.0, beta: float = 1.0, n_u: int = 401) -> float:
    r"""The rate λ̄' = −inf_{u∈[−1,1]} F(u) of the energy bound (paper, Thm 1.4).

    .. math:: E[E_β(\bar μ_t)] \le e^{(ε + λ̄')t} E[E_β(\bar μ_0)].

    Erratum 2: the theorem's text says λ̄' > 0; the proof defines λ̄' := −inf F, negative in the
    interesting case (decay needs ε + λ̄' < 0). Since F(1⁻) = −λ̄, always λ̄' ≥ λ̄.
    The infimum is taken on ``n_u`` equispaced points of [−1, 1] (F(1) = −λ̄ included), then
    refined by a bounded scalar minimisation around the best grid point.

    Raises:
        ValueError: bad activation, d, σ, or β ≤ 0, or n_u < 3.
    """
    activation, d, sigma_u, sigma_w = _check_kernel_args(activation, d, sigma_u, sigma_w)
    beta = check_number("beta", beta, low=0.0, low_open=True)
    n_u = check_int("n_u", n_u, low=3)
    return _lambda_bar_prime(activation, d, sigma_u, sigma_w, beta, n_u)


@functools.lru_cache(maxsize=1024)
def _lambda_bar_prime(activation, d, sigma_u, sigma_w, beta, n_u):
    kw = dict(d=d, sigma_u=sigma_u, sigma_w=sigma_w, beta=beta)
    u = np.linspace(-1.0, 1.0, n_u)
    f = energy_rate_function(u, activation, **kw)
    k = int(np.argmin(f))
    best = float(f[k])
    if 0 < k < n_u - 1:
        res = optimize.minimize_scalar(
            lambda x: float(energy_rate_function(x, activation, **kw)),
            bounds=(u[k - 1], u[k + 1]), method="bounded", options={"xatol": 1e-10})
        best = min(best, float(res.fun))
    return -best

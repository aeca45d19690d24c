"""Geometry of the unit sphere S^{d-1} in R^d (paper §3; repository ``hypersphere.py``).

The square-root map sends the probability simplex onto the positive orthant of the sphere; the
Fisher–Rao metric becomes four times the round metric and the vertex ``e_k`` is token ``k``.
All functions act on the last axis and broadcast over the leading ones.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..common import check_array, check_choice, check_int

# The repository clips cos θ to ±(1 − 1e-6) in ``log``: θ/sin θ blows up at the antipode.
_COS_CLIP = 1e-6


def _check_last_axis(name: str, *arrays) -> None:
    shapes = [np.shape(a) for a in arrays]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"{name}: arrays need a last axis (the sphere's coordinates), got shapes {shapes}")
    if len({s[-1] for s in shapes}) != 1:
        raise ValueError(f"{name}: last axes differ, got shapes {shapes}")


def to_tangent(x, v):
    r"""Project ``v`` onto the tangent space of the sphere at ``x``: :math:`P_x v = v - \langle v,x\rangle x`."""
    return v - jnp.sum(v * x, axis=-1, keepdims=True) * x


def _exp(x, v):
    v = to_tangent(x, v)
    norm = jnp.linalg.norm(v, axis=-1, keepdims=True)
    # sinc(r) = sin r / r; jnp.sinc is the normalised sin(πr)/(πr), so rescale; it is smooth at 0.
    return jnp.cos(norm) * x + jnp.sinc(norm / jnp.pi) * v


def sphere_exp(x, v):
    r"""Exponential map of the unit sphere (repository ``Hypersphere.exp``).

    .. math:: \exp_x(v) = \cos\lVert P_x v\rVert\, x + \operatorname{sinc}\lVert P_x v\rVert\, P_x v

    ``v`` is projected to the tangent space first (the repository does the same, so a Gaussian
    vector ``z`` in R^d becomes tangent noise). Args: ``x`` [..., d] on the sphere, ``v`` [..., d].
    Returns the point [..., d]. Raises ValueError if the last axes differ.
    """
    _check_last_axis("sphere_exp", x, v)
    return _exp(jnp.asarray(x), jnp.asarray(v))


def _log(x, y):
    cos = jnp.clip(jnp.sum(x * y, axis=-1, keepdims=True), -1 + _COS_CLIP, 1 - _COS_CLIP)
    theta = jnp.arccos(cos)
    return theta / jnp.sin(theta) * (y - cos * x)


def sphere_log(x, y):
    r"""Logarithm map of the unit sphere (repository ``Hypersphere.log``).

    .. math:: \log_x(y) = \frac{\theta}{\sin\theta}\,(y - \cos\theta\, x), \qquad
              \cos\theta = \operatorname{clip}(\langle x, y\rangle, -1+10^{-6}, 1-10^{-6})

    The tangent vector at ``x`` whose geodesic reaches ``y`` at time 1; its norm is the angle θ.
    Args: ``x``, ``y`` [..., d] on the sphere. Raises ValueError if the last axes differ.
    """
    _check_last_axis("sphere_log", x, y)
    return _log(jnp.asarray(x), jnp.asarray(y))


def _to_simplex(x):
    r = jnp.maximum(x, 0.0) ** 2
    return r / jnp.maximum(jnp.sum(r, axis=-1, keepdims=True), 1e-30)


def to_simplex(x):
    r"""Read a sphere point as a categorical distribution (repository readout).

    .. math:: \pi(x) = \frac{\operatorname{relu}(x)^2}{\lVert \operatorname{relu}(x)\rVert^2}

    The inverse of :func:`sqrt_map` on the positive orthant; noisy states can have negative
    coordinates, which the ReLU discards. Args: ``x`` [..., d]. Returns probabilities [..., d].
    """
    _check_last_axis("to_simplex", x)
    return _to_simplex(jnp.asarray(x))


def sqrt_map(p):
    r"""The square-root map :math:`p \mapsto \sqrt p` from the simplex onto the sphere (paper §3.1).

    It is an isometry from the simplex with the Fisher–Rao metric onto the positive orthant of
    the sphere of radius 1 with the round metric scaled by 4. Args: ``p`` [..., d], non-negative,
    summing to 1 along the last axis (tolerance 1e-6). Raises ValueError otherwise (names ``p``).
    """
    p = check_array("p", p)
    _check_last_axis("sqrt_map", p)
    if np.any(p < -1e-12):
        raise ValueError("p must be finite and non-negative")
    if np.any(np.abs(p.sum(-1) - 1.0) > 1e-6):
        raise ValueError("p must sum to 1 along its last axis (a point of the simplex)")
    return np.sqrt(np.clip(p, 0.0, None))


def geodesic(x, y, s):
    r"""Point at fraction ``s`` along the great-circle arc from ``x`` to ``y``: :math:`\exp_x(s\log_x y)`."""
    x, y = jnp.asarray(x), jnp.asarray(y)
    s = jnp.asarray(s)[..., None]
    return _exp(x, s * _log(x, y))


def prior_point(prior: str, dim: int):
    r"""The starting point of the bridge in R^dim (repository ``Mixture``; last coordinate = mask).

    ``"mask"``: the vertex :math:`e_m = e_{d-1}`. ``"uniform"``: the barycentre
    :math:`u = \mathbf 1/\sqrt d`, which includes the mask coordinate as in the repository.
    """
    dim = check_int("dim", dim, low=3)   # at least 2 tokens plus the mask
    if check_choice("prior", prior, ("mask", "uniform")) == "mask":
        return np.eye(dim)[dim - 1]
    return np.full(dim, 1.0 / np.sqrt(dim))


def discrete_marginal(token: int, t, *, dim: int, prior: str = "mask"):
    r"""Marginal parameter of masked or uniform discrete diffusion, token → prior (paper Prop. 3.1).

    With :math:`\lambda = t` the fraction of the way to the prior (linear schedule; Prop. 3.1
    holds for any schedule, the path is the same and only its speed changes):

    * mask: :math:`p_t = (1-\lambda) e_k + \lambda e_m`;
    * uniform: :math:`p_t = (1-\lambda) e_k + \lambda\,\mathbf 1/d`.

    Returns ``p_t`` [..., dim] for ``t`` of any shape. Raises ValueError for ``t`` outside [0, 1],
    ``token`` outside [0, dim−1) (the last coordinate is the mask) or a bad ``prior``.
    """
    dim = check_int("dim", dim, low=3)
    t = check_array("t", t)
    if np.any(t < 0) or np.any(t > 1):
        raise ValueError("t must lie in [0, 1]")
    if isinstance(token, bool) or not isinstance(token, (int, np.integer)) or not 0 <= token < dim - 1:
        raise ValueError(f"token must be an integer in [0, {dim - 1}), got {token!r}")
    e_k = np.eye(dim)[token]
    target = prior_point(prior, dim) ** 2  # the prior as a distribution: e_m or 1/d
    return (1 - t)[..., None] * e_k + t[..., None] * target

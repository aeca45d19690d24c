r"""The setting: task subspaces, a pre-trained strong student, a weak teacher.

A reconstruction *in the spirit of* Awano & Suzuki (arXiv:2605.12908): the paper's full text was
not available, so every choice below that the abstract does not fix is ours and is a switch.

Coordinates. Everything is written in a rotated frame in which the task subspaces are spanned by
the first ``r = K s + 1`` axes ("reduced coordinates"); the remaining ``d - r`` axes carry no
signal. Axis blocks:

- ``[0, s)``: :math:`V_\kappa`, the target task's subspace, with the target direction
  :math:`\theta_\kappa \in V_\kappa` (uniform on its unit sphere);
- ``[k s, (k+1) s)`` for ``k = 1 .. K-1``: the fresh part of the off-target subspace :math:`V_k`.
  The off-target direction is :math:`\theta_k = \rho\,\theta_\kappa + \sqrt{1-\rho^2}\,e_k` with
  :math:`e_k` a unit vector of that block, so :math:`\langle\theta_k,\theta_\kappa\rangle = \rho`,
  and :math:`V_k = \mathrm{span}(\theta_k) \oplus (\text{block} \ominus e_k)` has dimension s;
- axis ``K s``: a direction outside every :math:`V_k`, where an "outside" teacher error lies.

The reward of task k is the even link :math:`r_k(x) = \mathrm{He}_2(\langle\theta_k,x\rangle)
= \langle\theta_k,x\rangle^2 - 1` for :math:`x \sim N(0, I_d)` (our choice; the abstract says only
that the link is even).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..common import check_choice, check_int, check_number, spawn

__all__ = ["Geometry", "Student", "Teacher", "make_geometry", "pretrained_student",
           "teacher_r2", "weak_teacher"]

ERROR_LOCATIONS = ("outside", "inside")
INITS = ("pretrained", "random")


class Geometry(NamedTuple):
    """Task subspaces in reduced coordinates (``r = tasks * s + 1`` axes).

    Fields: ``d``, ``s``, ``tasks`` (K), ``rho``; ``thetas`` (K, r), row 0 the target
    :math:`\\theta_\\kappa`; ``bases`` (K, s, r), orthonormal rows spanning each :math:`V_k`;
    ``outside`` (r,), a unit vector orthogonal to every :math:`V_k`; ``inside`` (r,), a unit
    vector of :math:`V_\\kappa` orthogonal to :math:`\\theta_\\kappa`.
    """

    d: int
    s: int
    tasks: int
    rho: float
    thetas: np.ndarray
    bases: np.ndarray
    outside: np.ndarray
    inside: np.ndarray

    @property
    def r(self) -> int:
        """Number of reduced coordinates, ``tasks * s + 1``."""
        return self.tasks * self.s + 1


class Student(NamedTuple):
    r"""The strong two-layer model :math:`f(x) = \sum_j a_j\,\sigma(\langle w_j, x\rangle)`.

    Fields: ``W`` (m, D) unit rows in the rotated frame, D = r (reduced) or d (full);
    ``a`` (m,) readout; ``group`` (m,) the task each neuron was pre-trained on (0 = target);
    ``overlap0`` (K,) the pre-trained mean squared overlap
    :math:`\mathrm{mean}_{j \in k}\langle w_j,\theta_k\rangle^2` of each group (the reference of
    the retention metric); ``history`` ``None`` or a dict of recorded curves (see ``finetune``);
    ``trajectory`` ``None`` or the recorded weights (n_records + 1, m, D).
    """

    W: np.ndarray
    a: np.ndarray
    group: np.ndarray
    overlap0: np.ndarray
    history: dict | None = None
    trajectory: np.ndarray | None = None


class Teacher(NamedTuple):
    r"""The weak teacher :math:`y_W = \mathrm{He}_2(\langle\theta_W,x\rangle) + \tau\xi`.

    Fields: ``theta`` (r,) :math:`\theta_W = \cos\gamma\,\theta_\kappa + \sin\gamma\,u`;
    ``error_angle`` γ (radians); ``error_location`` "outside" or "inside"; ``noise`` τ.
    """

    theta: np.ndarray
    error_angle: float
    error_location: str
    noise: float


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def make_geometry(d, s, tasks=2, rho=0.0, seed=0) -> Geometry:
    r"""Orthonormal task subspaces :math:`V_k` of dimension s and task directions (module doc).

    Args:
        d: ambient dimension (``d >= tasks * s + 1``).
        s: dimension of each subspace :math:`V_k` (``s >= 2``).
        tasks: K, the number of tasks (target first; ``K >= 1``).
        rho: correlation :math:`\langle\theta_k,\theta_\kappa\rangle` of every off-target
            direction with the target, in [0, 1).
        seed: draws :math:`\theta_\kappa`, the :math:`e_k` and the "inside" error direction.

    Returns:
        :class:`Geometry`.

    Raises:
        ValueError: naming ``d``, ``s``, ``tasks``, ``rho`` or ``seed``.
    """
    s = check_int("s", s, low=2)
    tasks = check_int("tasks", tasks, low=1, high=8)
    d = check_int("d", d, low=tasks * s + 1)
    rho = check_number("rho", rho, low=0.0, high=1.0, high_open=True)
    g = spawn(seed, 2)[0]          # stream 0: the geometry; stream 1: the student
    r = tasks * s + 1
    thetas = np.zeros((tasks, r))
    bases = np.zeros((tasks, s, r))
    theta = _unit(g.standard_normal(s))
    thetas[0, :s] = theta
    bases[0, :, :s] = np.eye(s)
    for k in range(1, tasks):
        block = slice(k * s, (k + 1) * s)
        e = _unit(g.standard_normal(s))
        thetas[k, :s] = rho * theta
        thetas[k, block] = np.sqrt(1 - rho**2) * e
        # the rest of the block: an orthonormal basis of the complement of e (QR of [e | I])
        q, _ = np.linalg.qr(np.column_stack([e, np.eye(s)]))
        bases[k, 0] = thetas[k]
        bases[k, 1:, block] = q[:, 1:s].T
    inside = g.standard_normal(s)
    inside = _unit(inside - (inside @ theta) * theta)
    inside_full = np.zeros(r)
    inside_full[:s] = inside
    outside = np.zeros(r)
    outside[-1] = 1.0
    return Geometry(d, s, tasks, rho, thetas, bases, outside, inside_full)


def _check_geometry(geometry):
    if not isinstance(geometry, Geometry):
        raise ValueError(f"geometry must be a Geometry from make_geometry, got "
                         f"{type(geometry).__name__}")
    return geometry


def pretrained_student(geometry, m_target=32, m_off=16, jitter=0.3, seed=0, *,
                       init="pretrained") -> Student:
    r"""The strong model's first layer after pre-training (our reconstruction), readout fixed.

    - ``m_target`` target neurons uniform on the unit sphere of :math:`V_\kappa`: the student
      knows the subspace, not the direction (:math:`|\cos| \approx 1/\sqrt{s}`);
    - ``m_off`` neurons per off-target task k, :math:`w = \mathrm{normalise}(\theta_k +
      \mathrm{jitter}\cdot g/\sqrt{s})` with g standard Gaussian inside :math:`V_k`: a capability
      already acquired;
    - readout :math:`a_j = 1/m` (m neurons in all).

    ``init="random"`` is the no-pre-training control: every neuron uniform on the sphere of
    :math:`\mathbb R^d` (then ``W`` has d columns).

    Raises:
        ValueError: naming ``geometry``, ``m_target``, ``m_off``, ``jitter``, ``seed`` or ``init``.
    """
    geo = _check_geometry(geometry)
    m_target = check_int("m_target", m_target, low=1)
    m_off = check_int("m_off", m_off, low=1 if geo.tasks > 1 else 0)
    jitter = check_number("jitter", jitter, low=0.0)
    init = check_choice("init", init, INITS)
    g = spawn(seed, 2)[1]          # not the geometry's stream: the same seed is used for both
    s, r = geo.s, geo.r
    group = np.concatenate([np.zeros(m_target, int)]
                           + [np.full(m_off, k) for k in range(1, geo.tasks)])
    m = group.size
    if init == "random":
        W = _unit(g.standard_normal((m, geo.d)))
    else:
        W = np.zeros((m, r))
        W[:m_target] = _unit(g.standard_normal((m_target, s))) @ geo.bases[0]
        for k in range(1, geo.tasks):
            rows = group == k
            noise = g.standard_normal((m_off, s)) @ geo.bases[k] * jitter / np.sqrt(s)
            W[rows] = _unit(geo.thetas[k] + noise)
    return Student(W, np.full(m, 1.0 / m), group, _group_overlaps(W, group, geo))


def _group_overlaps(W, group, geo):
    thetas = _pad(geo.thetas, W.shape[1])
    out = np.zeros(geo.tasks)
    for k in range(geo.tasks):
        rows = group == k
        if rows.any():
            out[k] = np.mean((W[rows] @ thetas[k]) ** 2)
    return out


def _pad(v, D):
    v = np.asarray(v)
    return np.concatenate([v, np.zeros(v.shape[:-1] + (D - v.shape[-1],))], axis=-1)


def weak_teacher(geometry, error_angle, error_location="outside", noise=0.0) -> Teacher:
    r"""A weak teacher specialised on the target task, with a controllable error.

    :math:`\theta_W = \cos\gamma\,\theta_\kappa + \sin\gamma\,u`, where u is orthogonal to every
    task subspace (``"outside"``: the error lies outside the student's knowledge) or lies in
    :math:`V_\kappa` (``"inside"``: the negative control). Labels
    :math:`y_W = \mathrm{He}_2(\langle\theta_W,x\rangle) + \tau\,\xi`, ξ ~ N(0, 1). Its own
    alignment with the target is :math:`|\cos\gamma|`.

    Args:
        error_angle: γ in radians, in [0, π/2].
        noise: label noise τ ≥ 0.

    Raises:
        ValueError: naming ``geometry``, ``error_angle``, ``error_location`` or ``noise``.
    """
    geo = _check_geometry(geometry)
    gamma = check_number("error_angle", error_angle, low=0.0, high=np.pi / 2)
    loc = check_choice("error_location", error_location, ERROR_LOCATIONS)
    noise = check_number("noise", noise, low=0.0)
    u = geo.outside if loc == "outside" else geo.inside
    theta = np.cos(gamma) * geo.thetas[0] + np.sin(gamma) * u
    return Teacher(theta, gamma, loc, noise)


def teacher_r2(teacher: Teacher, geometry: Geometry) -> float:
    r"""The teacher's own :math:`R^2` on the target reward (best multiple of its function).

    :math:`\mathrm{corr}(\mathrm{He}_2(\langle\theta_W,x\rangle), \mathrm{He}_2(\langle
    \theta_\kappa,x\rangle))^2 = \langle\theta_W,\theta_\kappa\rangle^4 = \cos^4\gamma`
    (label noise corrupts the labels it hands out, not its function).
    """
    c = float(teacher.theta @ _check_geometry(geometry).thetas[0])
    return c**4


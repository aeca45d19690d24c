"""The learning problems: a periodic neuron (Song, Zadik & Bruna 2021, §2) and CLWE samples.

Labels are computed in mpmath at ``prec`` bits, so that a "noise-free" problem really is one: the
lattice learner sees every bit of the labels, and float64 rounding (relative error 1e-16) is a
label noise of its own (see ``float64_labels``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from ..common import check_choice, check_int, check_number, check_seed, rng, sample_sphere

ACTIVATIONS = ("cos", "abs")


@dataclass(frozen=True)
class Problem:
    """``n`` samples of a periodic neuron ``y = phi(gamma <w, x>) + xi``, ``x ~ N(0, I_d)``.

    ``X`` (n, d) float64 inputs (taken as exact numbers), ``y`` (n,) the labels in float64 for
    display, ``y_exact`` the same labels as mpmath numbers of ``prec`` bits (what the learners
    use), ``w`` (d,) the hidden unit vector, ``gamma``, ``activation`` ("cos": ``cos(2 pi gamma
    <w,x>)``; "abs": ``gamma |<w,x>|``, phase retrieval), ``noise`` the half-width of the uniform
    label noise.
    """

    X: np.ndarray
    y: np.ndarray
    y_exact: tuple
    w: np.ndarray
    gamma: float
    activation: str
    noise: float
    prec: int

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def n(self) -> int:
        return self.X.shape[0]


@dataclass(frozen=True)
class ClweSamples:
    """``n`` samples ``(y_i, z_i)`` of CLWE (Bruna, Regev, Song & Tang 2021), noise-free.

    ``Y`` (n, d) float64 with ``y ~ N(0, I_d / (2 pi))``; ``z_exact`` the labels in [0, 1) as
    mpmath numbers of ``prec`` bits: ``z = gamma <w, y> mod 1`` (``uniform=False``) or
    ``z ~ U[0, 1)`` (``uniform=True``, the null distribution of the detection problem).
    """

    Y: np.ndarray
    z_exact: tuple
    w: np.ndarray
    gamma: float
    uniform: bool
    prec: int

    @property
    def d(self) -> int:
        return self.Y.shape[1]


def label_precision(d: int, gamma: float) -> int:
    """Default label precision in bits: four times the noise-free relation precision, >= 1024."""
    from ._learn import relation_bits

    return max(1024, 4 * relation_bits(d, gamma=gamma, activation="cos"))


def _exact_dot(X: np.ndarray, w_mp: list) -> list:
    return [mpmath.fsum(mpmath.mpf(float(a)) * b for a, b in zip(row, w_mp)) for row in X]


def _unit_mp(w: np.ndarray) -> list:
    w_mp = [mpmath.mpf(float(v)) for v in w]
    norm = mpmath.sqrt(mpmath.fsum(v * v for v in w_mp))
    return [v / norm for v in w_mp]


def _sample(d, activation, gamma, noise, n, gen, prec, float64_labels) -> Problem:
    X = gen.standard_normal((n, d))
    w = sample_sphere(1, d, gen)[0]
    xi = gen.uniform(-noise, noise, size=n) if noise > 0 else np.zeros(n)
    with mpmath.workprec(prec):
        w_mp = _unit_mp(w)          # labels use the exactly normalised w
        t = _exact_dot(X, w_mp)
        if activation == "cos":
            clean = [mpmath.cos(2 * mpmath.pi * gamma * v) for v in t]
        else:
            clean = [gamma * abs(v) for v in t]
        y_exact = tuple(c + mpmath.mpf(float(e)) for c, e in zip(clean, xi))
        y = np.array([float(v) for v in y_exact])
        if float64_labels:
            y_exact = tuple(mpmath.mpf(float(v)) for v in y)
    return Problem(X=X, y=y, y_exact=y_exact, w=w, gamma=gamma, activation=activation,
                   noise=noise, prec=prec)


def _checked(d, activation, gamma, noise, n):
    d = check_int("d", d, low=1)
    check_choice("activation", activation, ACTIVATIONS)
    gamma = check_number("gamma", gamma, low=0.0, low_open=True)
    noise = check_number("noise", noise, low=0.0)
    n = d + 1 if n is None else check_int("n", n, low=1)
    return d, activation, gamma, noise, n


def sample_problem(d: int, activation: str = "cos", gamma: float = 1.0, noise: float = 0.0,
                   n: int | None = None, seed: int = 0, *, prec: int | None = None,
                   float64_labels: bool = False) -> Problem:
    """Draw a periodic-neuron problem: ``n`` (default ``d + 1``) Gaussian inputs, a uniform unit
    ``w``, labels ``cos(2 pi gamma <w,x>)`` or ``gamma |<w,x>|`` plus noise ``U[-noise, noise]``.

    The paper's model (§2): ``y = phi(gamma <w,x>) + xi`` with a 1-periodic ``phi``; its canonical
    example is ``phi(u) = cos(2 pi u)``, and ``|u|`` is the phase-retrieval case. The paper's noise
    is adversarial with ``|xi| <= beta``; uniform noise of half-width ``beta`` is our stand-in.
    Labels are exact to ``prec`` bits (default :func:`label_precision`); ``float64_labels=True``
    rounds them to float64, which adds a noise of relative size 1e-16.

    Raises ValueError for ``d < 1``, ``noise < 0``, ``gamma <= 0``, ``n < 1`` or an unknown
    activation.
    """
    d, activation, gamma, noise, n = _checked(d, activation, gamma, noise, n)
    prec = label_precision(d, gamma) if prec is None else check_int("prec", prec, low=53)
    return _sample(d, activation, gamma, noise, n, rng(check_seed(seed)), prec,
                   bool(float64_labels))


def sample_clwe(d: int, gamma: float = 1.0, *, n: int | None = None, uniform: bool = False,
                seed: int = 0, prec: int | None = None) -> ClweSamples:
    """Noise-free CLWE samples ``(y, gamma <w,y> mod 1)`` with ``y ~ N(0, I_d/(2 pi))`` (Bruna et
    al. 2021, Def. 2.2 with beta = 0), or ``(y, U[0,1))`` with ``uniform=True``.

    Raises ValueError for ``d < 1``, ``gamma <= 0`` or ``n < 1``.
    """
    d = check_int("d", d, low=1)
    gamma = check_number("gamma", gamma, low=0.0, low_open=True)
    n = d + 1 if n is None else check_int("n", n, low=1)
    prec = label_precision(d, gamma) if prec is None else check_int("prec", prec, low=53)
    gen = rng(check_seed(seed))
    Y = gen.standard_normal((n, d)) / math.sqrt(2 * math.pi)
    w = sample_sphere(1, d, gen)[0]
    u = gen.uniform(size=n)
    with mpmath.workprec(prec):
        if uniform:
            z = tuple(mpmath.mpf(float(v)) for v in u)
        else:
            z = tuple(mpmath.frac(gamma * v) for v in _exact_dot(Y, _unit_mp(w)))
    return ClweSamples(Y=Y, z_exact=z, w=w, gamma=gamma, uniform=bool(uniform), prec=prec)

"""The geometric noise schedule of RDLM (repository ``scheduler_lib.Geometric``), written once.

:class:`GeometricSchedule` holds (β0, β1); inside jitted code the schedule travels as the traced
pair ``params = (β0, ln r)`` (:func:`schedule_params`), so that changing β0 or β1 does not
recompile, and :func:`beta_t` / :func:`gamma_t` evaluate β(t) and γ(t) from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from ..common import check_array, check_number


def check_t(t, name: str = "t"):
    """Raise ValueError unless every entry of ``t`` is a finite number in [0, 1]."""
    arr = check_array(name, t)
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in [0, 1], got {t!r}")


def beta_t(t, params):
    """β(t) = β0 r^t from ``params = (β0, ln r)`` (jit-friendly, unchecked)."""
    return params[0] * jnp.exp(params[1] * t)


def gamma_t(t, params):
    """γ(t) = ln r / (r^(1−t) − 1) from ``params = (β0, ln r)`` (jit-friendly, unchecked)."""
    return params[1] / jnp.expm1(params[1] * (1.0 - t))


@dataclass(frozen=True)
class GeometricSchedule:
    r"""Geometric diffusion coefficient and the bridge's drift scale (time runs prior → data).

    .. math::
        \beta(t) = \beta_0^{1-t}\beta_1^{t}, \qquad
        \gamma(t) = \frac{\beta(t)}{\int_t^1 \beta(s)\,ds} = \frac{\ln r}{r^{1-t} - 1},
        \quad r = \beta_1/\beta_0 .

    γ(t) ≈ 1/(1−t) as t → 1: the drift of the log-bridge pins the path to the token at t = 1.
    Defaults are the repository's (β0 = 1e-3, β1 = βf = 0.2).

    Raises:
        ValueError: unless 0 < beta0 < beta1 (named ``beta0`` / ``beta1``).
    """

    beta0: float = 1e-3
    beta1: float = 0.2

    def __post_init__(self):
        check_number("beta0", self.beta0, low=0.0, low_open=True)
        check_number("beta1", self.beta1, low=self.beta0, low_open=True)

    @property
    def log_ratio(self) -> float:
        return float(np.log(self.beta1 / self.beta0))

    @property
    def params(self):
        """``(β0, ln r)`` as a float32 array, the form jitted code takes (:func:`beta_t`)."""
        return schedule_params(self)

    def beta(self, t):
        """β(t) = β0^(1−t)·β1^t. Raises ValueError for t outside [0, 1]."""
        check_t(t)
        return beta_t(jnp.asarray(t, dtype=jnp.float32), self.params)

    def gamma(self, t):
        """γ(t) = ln r/(r^(1−t) − 1); infinite at t = 1. Raises ValueError for t outside [0, 1]."""
        check_t(t)
        return gamma_t(jnp.asarray(t, dtype=jnp.float32), self.params)

    def integral(self, t0, t1):
        r"""∫_{t0}^{t1} β(s) ds = β0 (r^{t1} − r^{t0}) / ln r (closed form, for tests and tables)."""
        lr = self.log_ratio
        return self.beta0 * (np.exp(lr * np.asarray(t1)) - np.exp(lr * np.asarray(t0))) / lr


def schedule_params(schedule):
    """``(β0, ln r)`` of a :class:`GeometricSchedule` as a float32 array (traced in jitted code).

    Raises:
        ValueError: ``schedule`` is not a GeometricSchedule.
    """
    if not isinstance(schedule, GeometricSchedule):
        raise ValueError(f"schedule must be a GeometricSchedule, got {type(schedule).__name__}")
    return jnp.asarray([schedule.beta0, schedule.log_ratio], jnp.float32)

"""The geometric noise schedule of RDLM (repository ``scheduler_lib.Geometric``)."""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np


def check_t(t, name: str = "t"):
    """Raise ValueError unless every entry of ``t`` is a finite number in [0, 1]."""
    arr = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in [0, 1], got {t!r}")


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
        if not (np.isfinite(self.beta0) and self.beta0 > 0):
            raise ValueError(f"beta0 must be positive, got {self.beta0!r}")
        if not (np.isfinite(self.beta1) and self.beta1 > self.beta0):
            raise ValueError(f"beta1 must exceed beta0 = {self.beta0}, got {self.beta1!r}")

    @property
    def log_ratio(self) -> float:
        return float(np.log(self.beta1 / self.beta0))

    def beta(self, t):
        """β(t) = β0^(1−t)·β1^t. Raises ValueError for t outside [0, 1]."""
        check_t(t)
        return self._beta(jnp.asarray(t, dtype=jnp.float32))

    def gamma(self, t):
        """γ(t) = ln r/(r^(1−t) − 1); infinite at t = 1. Raises ValueError for t outside [0, 1]."""
        check_t(t)
        return self._gamma(jnp.asarray(t, dtype=jnp.float32))

    # Unchecked versions for jitted code (t is a tracer there).
    def _beta(self, t):
        return self.beta0 * jnp.exp(self.log_ratio * t)

    def _gamma(self, t):
        return self.log_ratio / jnp.expm1(self.log_ratio * (1.0 - t))

    def integral(self, t0, t1):
        r"""∫_{t0}^{t1} β(s) ds = β0 (r^{t1} − r^{t0}) / ln r (closed form, for tests and tables)."""
        lr = self.log_ratio
        return self.beta0 * (np.exp(lr * np.asarray(t1)) - np.exp(lr * np.asarray(t0))) / lr

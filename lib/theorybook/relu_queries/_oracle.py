r"""The label oracle of the query model: :math:`y` at any point the learner asks for, counted.

Agnostic setting (Diakonikolas, Kane & Ma): :math:`x \sim N(0, I_d)` and :math:`y` arbitrary
given :math:`x`; :math:`\mathrm{opt} = \inf_{w,t} \mathbb E((w\cdot x - t)_+ - y)^2`. The noise
models below are our design: they make :math:`\mathrm{opt}` known up to a standard error.

- ``"none"``: :math:`y = f^*(x) = (w^*\cdot x - t^*)_+`, opt = 0.
- ``"gaussian"``: :math:`y = f^*(x) + \sigma\xi`, fresh :math:`\xi \sim N(0,1)` per query,
  ``level`` = :math:`\sigma`; opt = :math:`\sigma^2`.
- ``"adversarial"``: on the halfspace :math:`R = \{v\cdot x > \bar\Phi^{-1}(q)\}` of Gaussian mass
  ``level`` = :math:`q`, with :math:`v \perp w^*`, the label is replaced by the wrong ReLU plus one,
  :math:`y = 1 + (v\cdot x - \bar\Phi^{-1}(q))_+`. Those labels exceed every seed threshold, so
  they attract a learner that looks for large labels.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..common import check_array, check_choice, check_number, check_seed, mean_se, spawn
from ._gaussian import relu_moments

__all__ = ["NOISES", "Oracle", "make_oracle"]

NOISES = ("none", "gaussian", "adversarial")
OPT_SAMPLES = 200_000


class Oracle:
    """A label oracle: ``oracle(X)`` returns the labels of the rows of ``X`` (shape (n, d), or
    one point of shape (d,)) and adds their number to ``oracle.queries``.

    Attributes:
        d, w_star, t_star, noise, level: the target and the noise model.
        queries: labels answered so far (``reset()`` sets it to 0).
        opt: ``(estimate, standard error)`` of :math:`\\mathbb E(y - f^*(x))^2`, the risk of
            the target (:meth:`risk`): an upper bound on opt, equal to it for the Gaussian
            noise model.
        opt_exact: the same expectation in closed form.
        direction: the corruption direction :math:`v` (adversarial model), else ``None``.
    """

    def __init__(self, w_star, t_star, noise, level, seed):
        self.w_star = check_array("w_star", w_star, ndim=1)
        self.d = self.w_star.shape[0]
        self.t_star = check_number("t_star", t_star)
        self.noise = check_choice("noise", noise, NOISES)
        high = 0.5 if noise == "adversarial" else None
        self.level = check_number("level", level, low=0.0, high=high)
        self._labels, direction = spawn(check_seed(seed), 2)
        self._eval_seed = np.random.SeedSequence(check_seed(seed)).spawn(3)[2]
        self.direction, self._cut = None, np.inf
        if noise == "adversarial":
            norm = float(np.linalg.norm(self.w_star))
            if self.d < 2 or norm == 0.0:
                raise ValueError("noise='adversarial' needs d >= 2 and a non-zero w_star")
            v = direction.standard_normal(self.d)
            u = self.w_star / norm
            v -= (v @ u) * u
            self.direction = v / np.linalg.norm(v)
            self._cut = float(special.ndtri(1 - self.level)) if self.level > 0 else np.inf
        self.queries = 0

    def target(self, X) -> np.ndarray:
        """The noiseless target :math:`f^*(x)` (not a query: not counted)."""
        return np.maximum(np.asarray(X, dtype=float) @ self.w_star - self.t_star, 0.0)

    def _label(self, X, g) -> np.ndarray:
        y = self.target(X)
        if self.noise == "gaussian" and self.level > 0:
            y = y + self.level * g.standard_normal(y.shape)
        elif self.noise == "adversarial" and self.level > 0:
            sv = X @ self.direction
            y = np.where(sv > self._cut, 1.0 + np.maximum(sv - self._cut, 0.0), y)
        return y

    def __call__(self, X) -> np.ndarray:
        X = check_array("X", X)
        single = X.ndim == 1
        X2 = check_array("X", X[None] if single else X, shape=(None, self.d))
        self.queries += X2.shape[0]
        y = self._label(X2, self._labels)
        return y[0] if single else y

    def reset(self) -> None:
        self.queries = 0

    def risk(self, w, t) -> tuple[float, float]:
        r"""``(estimate, standard error)`` of :math:`\mathbb E((w\cdot x - t)_+ - y)^2`, the
        error the paper's guarantee is about, over ``OPT_SAMPLES`` Gaussian points with their
        labels (the same points and labels at every call, so that two risks are compared on
        common draws). These labels are not counted as queries."""
        w = check_array("w", w, shape=(self.d,))
        t = check_number("t", t)
        g = np.random.default_rng(self._eval_seed)
        X = g.standard_normal((OPT_SAMPLES, self.d))
        return mean_se((np.maximum(X @ w - t, 0.0) - self._label(X, g)) ** 2)

    @property
    def opt(self) -> tuple[float, float]:
        return self.risk(self.w_star, self.t_star)

    @property
    def opt_exact(self) -> float:
        r""":math:`\mathbb E(y - f^*)^2`: :math:`\sigma^2`, or for the corruption (v ⟂ w*, so
        :math:`s = v\cdot x` and :math:`f^*` are independent, :math:`Z = (s - a)_+`)
        :math:`q + 2\mathbb EZ + \mathbb EZ^2 - 2(q + \mathbb EZ)\,\mathbb Ef^* + q\,\mathbb Ef^{*2}`."""
        if self.level == 0 or self.noise == "none":
            return 0.0
        if self.noise == "gaussian":
            return self.level**2
        norm = float(np.linalg.norm(self.w_star))
        _, f1, f2 = relu_moments(self.t_star / norm)
        q, z1, z2 = relu_moments(self._cut)
        return q + 2 * z1 + z2 - 2 * (q + z1) * norm * f1 + q * norm**2 * f2


def make_oracle(w_star, t_star, noise="none", level=0.0, seed=0) -> Oracle:
    """The label oracle of the target :math:`(w^*\\cdot x - t^*)_+` under a noise model.

    Args:
        w_star: (d,) target weights; t_star: target bias.
        noise: ``"none"``, ``"gaussian"`` (``level`` = σ >= 0) or ``"adversarial"``
            (``level`` = q in [0, 0.5], the Gaussian mass of the corrupted halfspace).
        seed: seeds the label noise, the corruption direction and the opt estimate.

    Returns:
        an :class:`Oracle` (callable on a batch, ``.queries``, ``.opt``, ``.opt_exact``).

    Raises:
        ValueError: for a non-finite target, an unknown ``noise``, a ``level`` out of range, or
            an adversarial model with d < 2 or w_star = 0.
    """
    return Oracle(w_star, t_star, noise, level, seed)

"""Monte Carlo outer weights against refitted ones, at the same sampled inner weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorybook.common import check_int, check_number, check_seeds, progress, spawn

from ._error import _check_domain, sample_domain
from ._network import _check_law, _sample, network_predict, refit_outer_weights
from ._polynomial import _coeffs, evaluate_polynomial

__all__ = ["RefitComparison", "refit_comparison"]


@dataclass(frozen=True)
class RefitComparison:
    """RMSEs of shape (len(widths), len(seeds)): Monte Carlo weights (``mc_*``) and
    least-squares refits (``refit_*``) on the fitting sample (``*_train``) and on fresh test
    points (``*_test``); ``zero`` is the zero function's test RMSE per seed."""

    widths: np.ndarray
    mc_train: np.ndarray
    mc_test: np.ndarray
    refit_train: np.ndarray
    refit_test: np.ndarray
    zero: np.ndarray


def refit_comparison(coeffs, widths, d, *, domain=("sphere", 1.0), n_train: int = 2000,
                     n_test: int = 2000, seeds=range(3), ridge: float = 0.0,
                     bias_scale: float = 2.0, bias_law: str = "laplace") -> RefitComparison:
    r"""For each seed and width: draw a Monte Carlo network (:func:`sample_network`), refit its
    outer weights on ``n_train`` points (:func:`refit_outer_weights`) and score both.

    Each seed's streams come from ``common.spawn(seed, 2 + len(widths))``: training points,
    test points, then one network per width.

    Raises:
        ValueError: for any bad argument, naming it.
    """
    d = check_int("d", d, low=1)
    c = _coeffs(coeffs, d)
    widths = [check_int("widths", w, low=1) for w in np.atleast_1d(widths)]
    _check_domain(domain)
    n_train, n_test = check_int("n_train", n_train, low=1), check_int("n_test", n_test, low=1)
    seeds, ridge = check_seeds(seeds), check_number("ridge", ridge, low=0.0)
    bias_scale, bias_law = _check_law(bias_scale, bias_law)
    shape = (len(widths), len(seeds))
    out = {k: np.zeros(shape) for k in ("mc_train", "mc_test", "refit_train", "refit_test")}
    zero = np.zeros(len(seeds))

    def rmse(net, X, y):
        return np.sqrt(np.mean((network_predict(net, X) - y) ** 2))

    for j, seed in enumerate(progress(seeds, desc="seeds")):
        gens = spawn(seed, 2 + len(widths))
        X, Xt = (sample_domain(domain, n, d, g) for n, g in zip((n_train, n_test), gens))
        y, yt = evaluate_polynomial(c, X), evaluate_polynomial(c, Xt)
        zero[j] = np.sqrt(np.mean(yt**2))
        for i, width in enumerate(widths):
            net = _sample(c, width, d, bias_scale, bias_law, gens[2 + i])
            fit = refit_outer_weights(net, X, y, ridge=ridge)
            out["mc_train"][i, j], out["mc_test"][i, j] = rmse(net, X, y), rmse(net, Xt, yt)
            out["refit_train"][i, j] = rmse(fit, X, y)
            out["refit_test"][i, j] = rmse(fit, Xt, yt)
    return RefitComparison(widths=np.asarray(widths), zero=zero, **out)

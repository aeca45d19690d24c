"""Stable minima of ReLU networks and the curse of dimensionality: neural shattering.

Liang, Qiao, Wang & Parhi, NeurIPS 2025 (arXiv:2506.20779). Large-step gradient descent only
settles in flat minima (sharpness <= 2/lr); flatness bounds a data-weighted variation seminorm
(Thm 3.2) whose weight vanishes like (1 - |t|)^(d+2) at the boundary of the data ball, so flat
networks can "shatter": rarely active neurons with large weights fit noise near the boundary, and
the exponent of the error rate against the ground truth decays like 1/d, so the sample size
needed grows exponentially with the dimension d.

Public API (fixed by the chapter issue):

- :func:`make_dataset`, :func:`init_network`, :func:`predict`, :func:`train_gd`
- :func:`sharpness`, :func:`vg_seminorm`, :func:`weight_function`, :func:`population_weight`
- :func:`activation_rates`, :func:`rate_sweep` (returns :class:`RateSweep`)

Extras: :func:`activation_classes`, :func:`baseline_errors`, :func:`least_squares`,
:func:`make_target`, :func:`training_loss`,
:func:`neuron_norms`, :func:`pad_inputs`, :func:`thm32_bound`, :func:`loglog_slope`,
:func:`run_seed`; ``sample_ball`` is :func:`theorybook.common.sample_ball`, re-exported; plot
functions and explore frames in :mod:`.plots`.
"""

from theorybook.common import sample_ball

from . import plots
from ._baselines import baseline_errors, least_squares
from ._data import make_dataset, make_target
from ._model import (activation_classes, activation_rates, init_network, neuron_norms,
                     pad_inputs, predict, sharpness, thm32_bound, train_gd, training_loss)
from ._rates import RateSweep, loglog_slope, rate_sweep, run_seed
from ._weight import population_weight, vg_seminorm, weight_function

__all__ = [
    "RateSweep",
    "activation_classes",
    "activation_rates",
    "baseline_errors",
    "init_network",
    "least_squares",
    "loglog_slope",
    "make_dataset",
    "make_target",
    "neuron_norms",
    "pad_inputs",
    "plots",
    "population_weight",
    "predict",
    "rate_sweep",
    "run_seed",
    "sample_ball",
    "sharpness",
    "thm32_bound",
    "train_gd",
    "training_loss",
    "vg_seminorm",
    "weight_function",
]

"""Explicit integral representations of polynomials by two-layer ReLU networks.

Lee, *Explicit integral representations and quantitative bounds for two-layer ReLU networks*,
arXiv:2604.23260 (2026). A polynomial is an infinitely wide two-layer ReLU network (an integral
over neurons, Barron 1993); sampling the neurons gives finite networks whose L²(D) error falls
like N^{-1/2}. The representation implemented here (Hermite outer weights, a Laplace bias law and
the fixed multiplier e^{-|x|²/2}) is our reconstruction in the spirit of the paper's §7, whose
full text we could not read; see the chapter's index page.

Public API (fixed by the chapter issue):

- :func:`evaluate_polynomial`, :func:`rkhs_norm_sq`, :func:`hermite_weight`
- :func:`sample_network` (returns :class:`ReluNetwork`), :func:`network_predict`
- :func:`mc_error` (returns :class:`McError`), :func:`refit_outer_weights`
- :func:`relu_identity_1d`

Extras: :data:`PRESETS`, :func:`hermite_identity`, :func:`predicted_constant`,
:func:`sample_domain`, :func:`bias_log_density`, :func:`constant_by_degree`,
:func:`refit_comparison`,
:func:`train_network`; figures in :mod:`.plots`.
"""

from . import plots
from ._error import (DOMAINS, McError, constant_by_degree, mc_error, predicted_constant,
                     sample_domain)
from ._identities import hermite_identity, relu_identity_1d
from ._network import (BIAS_LAWS, ReluNetwork, bias_log_density, network_predict,
                       refit_outer_weights, sample_network)
from ._polynomial import PRESETS, evaluate_polynomial, hermite_weight, rkhs_norm_sq
from ._refit import RefitComparison, refit_comparison
from ._train import train_network

__all__ = [
    "BIAS_LAWS",
    "DOMAINS",
    "McError",
    "PRESETS",
    "RefitComparison",
    "ReluNetwork",
    "bias_log_density",
    "constant_by_degree",
    "evaluate_polynomial",
    "hermite_identity",
    "hermite_weight",
    "mc_error",
    "network_predict",
    "plots",
    "predicted_constant",
    "refit_comparison",
    "refit_outer_weights",
    "relu_identity_1d",
    "rkhs_norm_sq",
    "sample_domain",
    "sample_network",
    "train_network",
]

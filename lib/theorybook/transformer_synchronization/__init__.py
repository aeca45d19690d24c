"""Stochastic scaling limits and synchronization by noise in deep transformers.

Agazzi, Bruno, Mosig García, Saviozzi, Romito, arXiv:2604.26898 (2026). Tokens on the sphere
move like interacting particles; attention (shared, scaled 1/L) is a drift, the MLP (redrawn per
layer, scaled 1/√L) a noise common to all tokens, which synchronizes them at the rate of the top
Lyapunov exponent λ₁ = ((d−3)/2)κ'(1) − ((d−1)/2)κ(1).

Public API (issue #4): :func:`sample_sphere`, :func:`pairwise_cos`, :func:`energy`,
:func:`kernel_constants`, :func:`kappa`, :func:`lambda_bar_prime`, :func:`forward`,
:func:`sde_euler`, :func:`lyapunov_benettin`; and :func:`relu_constants`, :func:`table1`,
:func:`energy_rate_function`, :func:`experiment_grid`, :func:`mean_pairwise_cos`,
:func:`random_limit_spread` (issue #19). Plots and
explore frames (with their grids) in :mod:`.plots`; ``sample_sphere`` is ``theorybook.common``'s.
Shown in: book/transformer_synchronization/.
"""

from ..common import sample_sphere
from . import plots
from ._dynamics import (ForwardResult, GridResult, SpreadResult, energy, experiment_grid,
                        forward, lyapunov_benettin, mean_pairwise_cos, pairwise_cos,
                        random_limit_spread, sde_euler)
from ._kernel import (ACTIVATIONS, KernelConstants, energy_rate_function, kappa,
                      kernel_constants, lambda_bar_prime, relu_constants, table1)

__all__ = [
    "ACTIVATIONS",
    "ForwardResult",
    "GridResult",
    "KernelConstants",
    "SpreadResult",
    "energy",
    "energy_rate_function",
    "experiment_grid",
    "forward",
    "kappa",
    "kernel_constants",
    "lambda_bar_prime",
    "lyapunov_benettin",
    "mean_pairwise_cos",
    "pairwise_cos",
    "plots",
    "random_limit_spread",
    "relu_constants",
    "sample_sphere",
    "sde_euler",
    "table1",
]

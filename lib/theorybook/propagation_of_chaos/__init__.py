"""Uniform-in-time weak propagation of chaos in shallow networks.

Glasgow & Bruna, arXiv:2605.22010 (2026). A width-m one-hidden-layer network trained by gradient
descent in the mean-field scaling stays close to its infinite-width limit uniformly in time:
sup_t ||f_MF(t) − f_m(t)||² ≲ poly(d) m^{−min(1, c/6)} when the mean-field loss decays like t^{−c}.

Public API (issue 15): :func:`init_particles`, :func:`predict`, :func:`make_task`,
:func:`train_mean_field`, :func:`width_gap` (returns :class:`GapResult`), :func:`loss_exponent`;
and :func:`clt_gap_at_init`, :func:`second_moment`, :func:`weight_movement`,
:func:`movement_by_width`, :func:`gronwall_curve`, :func:`target_function`. Plots in :mod:`.plots`.
Shown in: book/propagation_of_chaos/.
"""

from . import plots
from ._dynamics import (GapResult, loss_exponent, movement_by_width, train_mean_field,
                        width_gap)
from ._model import (ACTIVATIONS, SCALINGS, TARGETS, Task, clt_gap_at_init, gronwall_curve,
                     init_particles, make_task, predict, second_moment, target_function,
                     weight_movement)

__all__ = [
    "ACTIVATIONS",
    "GapResult",
    "SCALINGS",
    "TARGETS",
    "Task",
    "clt_gap_at_init",
    "gronwall_curve",
    "init_particles",
    "loss_exponent",
    "make_task",
    "movement_by_width",
    "plots",
    "predict",
    "second_moment",
    "target_function",
    "train_mean_field",
    "weight_movement",
    "width_gap",
]

"""Robust regression of general ReLUs with label queries.

Diakonikolas, Kane & Ma, NeurIPS 2025 (arXiv:2606.11130). Agnostic regression of
x -> ReLU(w.x - t) with an arbitrary bias t under Gaussian inputs: with black-box label queries,
d polylog(1/eps) + O(min{1/p, 1/eps}) labels suffice for error O(opt) + eps (p = the probability
that the target is active), while pool-based learners need about d/eps labels. The paper's
algorithm is not public: :func:`query_learner` is our reconstruction (see the chapter).

Public API (fixed by the chapter issue):

- :func:`relu_error`, :func:`activity`
- :func:`make_oracle` (returns an :class:`Oracle`)
- :func:`query_learner` (returns a :class:`QueryResult`), :func:`passive_learner`

Extras: :func:`relu_moments`, :func:`sample_halfspace_gaussian`, :func:`predicted_queries`,
:func:`budget_curve`, :func:`robustness_sweep`; figures in :mod:`.plots`.
"""

from . import plots
from ._gaussian import activity, relu_error, relu_moments, sample_halfspace_gaussian
from ._learners import (PassiveResult, QueryResult, passive_learner, predicted_queries,
                        query_learner)
from ._oracle import NOISES, Oracle, make_oracle
from ._sweeps import BudgetCurve, budget_curve, robustness_sweep

__all__ = [
    "NOISES",
    "BudgetCurve",
    "Oracle",
    "PassiveResult",
    "QueryResult",
    "activity",
    "budget_curve",
    "make_oracle",
    "passive_learner",
    "plots",
    "predicted_queries",
    "query_learner",
    "relu_error",
    "relu_moments",
    "robustness_sweep",
    "sample_halfspace_gaussian",
]

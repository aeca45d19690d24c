"""Learning single periodic neurons: cryptographic hardness and the LLL learner.

Song, Zadik & Bruna, NeurIPS 2021 (arXiv:2106.10744). Learning ``y = phi(gamma <w, x>) + xi``
with a periodic ``phi`` under Gaussian inputs is as hard as worst-case lattice problems (through
continuous LWE) once the noise is polynomially small; with exponentially small noise an LLL-based
algorithm learns it from d + 1 samples, and solves noiseless phase retrieval with d + 1 samples.

Public API (fixed by the chapter issue):

- :func:`sample_problem` (returns :class:`Problem`), :func:`lll`, :func:`integer_relation`
- :func:`learn_phase_retrieval`, :func:`learn_cos_neuron`, :func:`clwe_detect`, :func:`success_rate`

Extras: :func:`sample_clwe`, :func:`relation_basis`, :func:`gram_schmidt`,
:func:`lll_conditions`, :func:`solve_lambda`, :func:`relation_bits`, :func:`noise_bits`,
:func:`auto_bits`, :func:`relation_values`, :func:`min_bits`, :func:`recovery_error`, :func:`learn`, :func:`success_grid`,
:func:`population_loss`, :func:`gradient_descent`, :func:`alignment`,
:func:`random_overlap`, :func:`gd_vs_lll`; figures in :mod:`.plots`.
"""

from . import plots
from ._gd import alignment, gd_vs_lll, gradient_descent, population_loss, random_overlap
from ._learn import (SUCCESS_TOL, auto_bits, clwe_detect, lattice_dim, learn, learn_cos_neuron,
                     learn_phase_retrieval, min_bits, noise_bits, recovery_error, relation_bits,
                     relation_norm, relation_values, solve_lambda, success_grid, success_rate)
from ._lll import BACKENDS, gram_schmidt, integer_relation, lll, lll_conditions, relation_basis
from ._problem import ACTIVATIONS, ClweSamples, Problem, sample_clwe, sample_problem

__all__ = [
    "ACTIVATIONS", "BACKENDS", "SUCCESS_TOL", "ClweSamples", "Problem", "alignment",
    "auto_bits", "clwe_detect", "gd_vs_lll", "gradient_descent", "gram_schmidt",
    "integer_relation", "lattice_dim", "learn", "learn_cos_neuron", "learn_phase_retrieval",
    "lll", "lll_conditions", "min_bits", "noise_bits", "plots", "population_loss",
    "random_overlap", "recovery_error", "relation_basis", "relation_bits", "relation_norm",
    "relation_values", "sample_clwe", "sample_problem", "solve_lambda", "success_grid",
    "success_rate",
]

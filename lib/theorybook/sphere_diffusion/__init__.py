"""Continuous diffusion for language on the hypersphere: RDLM (Jo and Hwang, NeurIPS 2025).

Categorical distributions map to the sphere by the square root; masked and uniform discrete
diffusion become geodesic flows (Prop. 3.1), and RDLM replaces them by a stochastic logarithm
bridge, trained simulation-free thanks to radial symmetry, with dimension splitting for large
vocabularies. References: arXiv:2502.11564; code github.com/harryjo97/RDLM (commit 67443aa).

Public API (issue #5):

- geometry: :func:`sphere_exp`, :func:`sphere_log`, :func:`to_simplex`, :func:`sqrt_map`
  (and :func:`geodesic`, :func:`prior_point`, :func:`discrete_marginal` for Prop. 3.1);
- :class:`GeometricSchedule` with ``.beta(t)`` and ``.gamma(t)``;
- :func:`simulate_bridge` (exact GRW bridge), :func:`bridge_drift`, :func:`radial_tables`, :func:`sample_xt`,
  :func:`compare_bridge`, :func:`reveal_probability`, :func:`above_chance`, :func:`crossing_time`, :func:`solve_rho`,
  :func:`rho_equation`, :func:`start_rule` (the mixture path's start) and :func:`start_check`;
- :func:`corpus` (``"pydoc"``, ``"markov"``), :func:`unigram_bpc` (the no-context baseline), :func:`base_digits`, :func:`from_digits`, :func:`ngram_distance`;
- models :class:`RDLM`, :class:`MaskedDiffusion`, :class:`Autoregressive` with ``train``,
  ``sample``, ``bpc``, ``save``; :func:`load_model` for checkpoints, :data:`CHECKPOINTS` (the
  shipped ones by display name) and :func:`load_checkpoints`; :func:`seed_bpc` (stored bounds
  over training seeds, :data:`SEED_FAMILIES`);
- the scaling study (bits per character against training FLOPs): :func:`scaling_points`,
  :func:`budgets`, :func:`compute_frontier`, :func:`fit_power_law`, :func:`scaling_laws`, :func:`crossover`,
  :func:`paper_compute`.

Training command for the stored checkpoints: ``python -m theorybook.sphere_diffusion.train``.
"""

from ._bridge import (BridgeComparison, BridgePaths, RadialTables, above_chance, bridge_drift, compare_bridge,
                      crossing_time,
                      radial_tables, reveal_probability, rho_equation, sample_xt, simulate_bridge, solve_rho,
                      start_rule)
from ._data import Corpus, base_digits, corpus, from_digits, n_digits, ngram_distance, unigram_bpc
from ._geometry import (discrete_marginal, geodesic, prior_point, sphere_exp, sphere_log, sqrt_map,
                        to_simplex, to_tangent)
from ._models import (BPC, CHECKPOINTS, RDLM, SEED_FAMILIES, Autoregressive, MaskedDiffusion, SeedBPC,
                      StartCheck, TrainLog, load_checkpoints, load_model, seed_bpc, start_check)
from ._scaling import (PAPER_TEXT8, SCALING_MODELS, Budget, PowerLaw, ScalingPoint, budgets, compute_frontier,
                       crossover, fit_power_law, paper_compute, scaling_laws, scaling_points,
                       transformer_training_flops)
from ._schedule import GeometricSchedule

__all__ = [
    "BPC", "CHECKPOINTS", "RDLM", "SEED_FAMILIES", "SeedBPC", "StartCheck", "above_chance", "crossing_time",
    "seed_bpc",
    "start_check", "Autoregressive", "BridgeComparison", "BridgePaths", "Corpus", "GeometricSchedule",
    "MaskedDiffusion", "RadialTables", "TrainLog", "base_digits", "bridge_drift", "compare_bridge", "corpus",
    "discrete_marginal", "from_digits", "geodesic", "load_checkpoints", "load_model", "n_digits", "ngram_distance", "prior_point",
    "radial_tables", "reveal_probability", "rho_equation", "sample_xt", "simulate_bridge", "solve_rho", "sphere_exp",
    "sphere_log", "sqrt_map", "start_rule", "to_simplex", "to_tangent",
    "PAPER_TEXT8", "SCALING_MODELS", "Budget", "PowerLaw", "ScalingPoint", "budgets", "compute_frontier",
    "crossover", "fit_power_law", "paper_compute", "scaling_laws", "scaling_points", "transformer_training_flops", "unigram_bpc",
]

"""Random spherical quantisers for spherically symmetric laws (Pronzato & Zhigljavsky, 2026).

n i.i.d. points uniform on a sphere of well-chosen radius r quantise the normal law N(0, I_d/d),
the uniform ball or the uniform sphere remarkably well at moderate n in high dimension. See
``book/spherical_quantisers/index.md``. References: arXiv:2605.12568 and its extended version
arXiv:2610.11772 (equation numbers in docstrings are the extended version's).

Public API (issue #3): :func:`expected_max_cosine`, :func:`radial_moments`, :func:`distortion`,
:func:`optimal_radius`, :func:`evt_radius`, :func:`optimal_mixture`, :func:`zador`,
:func:`kmeans_distortion`, :func:`iid_codebook_distortion`; plus the helpers below
(``sample_sphere`` is :func:`theorybook.common.sample_sphere`, re-exported).
"""

from theorybook.common import sample_sphere

from . import plots
from ._asymptotics import (
    Concentration,
    EVTRadius,
    concentration,
    ev_distortion,
    evt_radius,
    factorial_distortion,
    iid_codebook_distortion,
    kappa,
    kappa_bounds,
    kappa_limit,
    kmeans_distortion,
    optimal_factorial,
    realised_distortions,
    zador,
)
from ._core import (
    LAWS,
    beta_min_mean,
    distortion,
    expected_max_cosine,
    max_cosine_cdf,
    mc_optimal_radius,
    nearest_sq_distance,
    optimal_radius,
    radial_moments,
    sample_law,
)
from ._mixture import (
    MixtureResult,
    ball_design_distortion,
    first_n_beaten,
    first_n_single_sphere_optimal,
    first_n_without_single_sphere,
    mixture_distortion,
    optimal_mixture,
    self_design_distortion,
    sensitivity,
    single_sphere_certificate,
)

__all__ = [
    # the API
    "expected_max_cosine",
    "radial_moments",
    "distortion",
    "optimal_radius",
    "evt_radius",
    "optimal_mixture",
    "zador",
    "kmeans_distortion",
    "iid_codebook_distortion",
    # helpers
    "LAWS",
    "Concentration",
    "EVTRadius",
    "MixtureResult",
    "ball_design_distortion",
    "beta_min_mean",
    "concentration",
    "ev_distortion",
    "factorial_distortion",
    "first_n_beaten",
    "first_n_single_sphere_optimal",
    "first_n_without_single_sphere",
    "kappa",
    "kappa_bounds",
    "kappa_limit",
    "max_cosine_cdf",
    "mc_optimal_radius",
    "mixture_distortion",
    "nearest_sq_distance",
    "optimal_factorial",
    "plots",
    "realised_distortions",
    "sample_law",
    "sample_sphere",
    "self_design_distortion",
    "sensitivity",
    "single_sphere_certificate",
]

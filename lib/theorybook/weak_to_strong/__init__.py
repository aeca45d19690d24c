"""Weak-to-strong generalization as feature elicitation from latent knowledge.

Awano & Suzuki, arXiv:2605.12908 (2026). A strong two-layer model whose pre-trained features lie
in low-dimensional task subspaces V_k is fine-tuned by multi-step SGD on the labels of a weak
model specialised on the target task κ: it elicits the target direction while keeping its other
features; ordinary supervised fine-tuning forgets off-target features correlated with the
target. The model here is a reconstruction in the spirit of the paper (its full text was not
available): see ``book/weak_to_strong/index.md`` for which choices are ours.

Public API (fixed by the chapter issue): :func:`make_geometry`, :func:`pretrained_student`,
:func:`weak_teacher`, :func:`finetune`, :func:`metrics`.

Extras: :func:`compare` (arms × ρ × seeds, vmapped), :func:`hitting_step`,
:func:`overlap_ode`, :func:`default_lr`, :func:`teacher_r2`, the :class:`Geometry`,
:class:`Student`, :class:`Teacher` records; figures in :mod:`.plots`.
"""

from . import plots
from ._dynamics import (ARMS, HISTORY_KEYS, compare, default_lr, finetune, hitting_step,
                        metrics, overlap_ode)
from ._model import (Geometry, Student, Teacher, make_geometry, pretrained_student, teacher_r2,
                     weak_teacher)

__all__ = [
    "ARMS",
    "HISTORY_KEYS",
    "Geometry",
    "Student",
    "Teacher",
    "compare",
    "default_lr",
    "finetune",
    "hitting_step",
    "make_geometry",
    "metrics",
    "overlap_ode",
    "plots",
    "pretrained_student",
    "teacher_r2",
    "weak_teacher",
]

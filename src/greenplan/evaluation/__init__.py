"""The plan's comprehensive evaluation (绿色发展综合评价): green development index and GEP.

Public functions (a contract other systems rely on): :func:`score` (60–100 min–max),
:func:`area_index` (missing scores' weights reallocated within the area), :func:`gdi`,
:func:`anchored_score` (60 at the base, 100 at the target) and :func:`gep_ledger`. Also the
national indicator system (:func:`indicator_system`, :func:`class_weights`), the relative index
over regions (:func:`green_development_index`) and the anchored table of the plan's targets from
an :func:`greenplan.assess` result (:func:`anchored_evaluation`). See docs/evaluation.md.
"""

from __future__ import annotations

from greenplan.evaluation.gdi import (
    CLASS_RATIO,
    EvaluationError,
    EvaluationWarning,
    anchored_evaluation,
    anchored_score,
    area_index,
    class_weights,
    gdi,
    green_development_index,
    indicator_system,
    score,
)
from greenplan.evaluation.gep import CATEGORIES, gep_ledger

__all__ = [
    "CATEGORIES",
    "CLASS_RATIO",
    "EvaluationError",
    "EvaluationWarning",
    "anchored_evaluation",
    "anchored_score",
    "area_index",
    "class_weights",
    "gdi",
    "gep_ledger",
    "green_development_index",
    "indicator_system",
    "score",
]

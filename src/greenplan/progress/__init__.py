"""Progress towards the plan's 2025 targets: completion, time elapsed, projection, status.

Two entry points:

- :func:`evaluate` assesses one series (baseline, current value, target) and returns a typed,
  JSON-serialisable :class:`Evaluation`.
- :func:`assess` runs :func:`evaluate` over the output of :func:`greenplan.compute` for every
  target and region and returns one row per (target, region).

The default method is Chinese plan-evaluation practice, 完成进度 (completion P) against
序时进度 (time elapsed S). The UN ESCAP indices (CSI/API) and the Eurostat ratio of growth rates
are available for international comparability. The formulas, status rules, options and edge
cases are in ``docs/progress.md``; the methods and their sources in :mod:`.methods`.

Modules: :mod:`.status` (vocabulary), :mod:`.options`, :mod:`.methods` (the arithmetic of each
method), :mod:`.evaluation` (one series), :mod:`.rates` (published rates), :mod:`.assessment`
(tables).

Examples
--------
Water use per 10⁴ yuan of GDP, 50 m³ in 2020, to fall 16 % by 2025, 46 m³ in 2023:

>>> from greenplan.progress import evaluate
>>> ev = evaluate(baseline=50, current=46, target=-16, baseline_year=2020, year=2023,
...               target_year=2025, direction="decrease", kind="change_vs_base")
>>> ev.target_level, round(ev.completion, 4), ev.time_elapsed, ev.status.value
(42.0, 0.5, 0.6, 'behind_schedule')
"""

from __future__ import annotations

import importlib
from typing import Any

from greenplan.progress.assessment import ASSESS_COLUMNS, assess
from greenplan.progress.evaluation import Evaluation, evaluate
from greenplan.progress.notes import note_zh, notes_zh
from greenplan.progress.options import (
    ASSESS_ONLY,
    ASSESS_OPTIONS,
    OPTIONS,
    AssessOptions,
    EvaluateOptions,
)
from greenplan.progress.rates import rate_disagreements, with_published_rates
from greenplan.progress.status import (
    DEFAULT_APPROX_TOLERANCE,
    DEFAULT_THRESHOLDS,
    DEFAULT_TREND_THRESHOLDS,
    STATUS_LABELS,
    Method,
    Status,
    status_label,
)

__all__ = [
    "ASSESS_COLUMNS",
    "ASSESS_ONLY",
    "ASSESS_OPTIONS",
    "DEFAULT_APPROX_TOLERANCE",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_TREND_THRESHOLDS",
    "OPTIONS",
    "STATUS_LABELS",
    "AssessOptions",
    "EvaluateOptions",
    "Evaluation",
    "Method",
    "Status",
    "assess",
    "evaluate",
    "note_zh",
    "notes_zh",
    "rate_disagreements",
    "status_label",
    "with_published_rates",
]

_MOVED = {"style": "greenplan.report.style", "STATUS_COLOURS": "greenplan.report.style"}
"""Display names that moved to the report layer; still reachable here by their old path."""


def __getattr__(name: str) -> Any:
    # Compatibility for code written against the single-module progress.py: resolved at run
    # time, so progress does not depend on the report layer it sits below.
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'greenplan.progress' has no attribute {name!r}")

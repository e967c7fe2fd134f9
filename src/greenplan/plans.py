"""Plans as data: a plan is a folder with ``plan.toml``, ``targets.csv`` and ``baselines.csv``.

``plan.toml`` names the plan (中文 and English), its issuing body and date, the plan period,
the base year, the target year, the region set and (optionally) its chapter headings;
``targets.csv`` lists its quantified targets (one row per target, the plan's own words);
``baselines.csv`` lists what the plan itself states of the base year. :func:`load_plan`
reads a folder into a :class:`Plan`;
:func:`default_plan` is the plan greenplan ships: 《济南市“十四五”绿色低碳循环发展规划》
(济南市人民政府办公厅, 2022-06-21), in ``resources/plans/jinan_14th``. Another plan (the 15th
plan when it is published, another city's plan) is another folder; see ``docs/progress.md``.

Examples
--------
>>> plan = default_plan()
>>> plan.base_year, plan.target_year, len(plan.targets)
(2020, 2025, 43)
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from greenplan._resources import resource_path
from greenplan.definitions import Baseline, Bound, Direction, Target, TargetKind, TargetScope
from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.regions import REGIONS

__all__ = [
    "DEFAULT_PLAN",
    "Plan",
    "PlanError",
    "default_plan",
    "load_plan",
    "resolve_plan",
    "target_from_row",
]

DEFAULT_PLAN = "jinan_14th"
"""Folder name (under ``resources/plans``) of the plan greenplan ships."""

_REGION_SETS = {"jinan": "济南市"}
"""Region sets greenplan knows (``resources/regions.csv``), with their top-level region."""

_REQUIRED = ("name_zh", "name_en", "issued_by", "issued", "period", "base_year", "target_year")

# kinds of baselines.csv rows that state a level of the base year, and their qualifier
_BASELINE_KINDS = {"level": "", "level_above": "above", "level_approx": "approximately"}


class PlanError(GreenplanError, ValueError):
    """A plan folder is missing a file or has a bad field."""


@dataclass(frozen=True)
class Plan:
    """A plan: who issued it, its period, base and target years, targets and baselines.

    Targets carry the plan's base year (``Target.base_year``) and, where the plan states one,
    its base-year figure (``Target.baseline``).
    """

    name_zh: str
    name_en: str
    issued_by: str
    issued: str
    """Date of issue, ``YYYY-MM-DD``."""
    period: tuple[int, int]
    """First and last year of the plan period."""
    base_year: int
    target_year: int
    region_set: str
    city: str
    """The top-level region of the region set (``济南市``)."""
    targets: Mapping[str, Target] = field(repr=False)
    baselines: Mapping[str, Baseline] = field(default_factory=dict, repr=False)
    """Every base-year statement of ``baselines.csv``, by key (also those no target uses)."""
    chapters: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    """Chapter id (``一`` …) → (Chinese heading, English heading), for reports."""
    path: Path | None = None
    synthetic: bool = False
    """True for an invented plan (tests, examples)."""

    @property
    def source(self) -> str:
        """The plan as a citation: name, issuing body and date."""
        return f"{self.name_zh} ({self.issued_by}, {self.issued})"

    def describe(self) -> dict[str, Any]:
        """Return the plan's identity as plain JSON values (for reports)."""
        return {
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "issued_by": self.issued_by,
            "issued": self.issued,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "period": list(self.period),
            "synthetic": self.synthetic,
        }


def target_from_row(
    row: Mapping[str, str], *, base_year: int = 2020, source: str = "", target_year: int = 2025
) -> Target:
    """Build a :class:`Target` from one row of a plan's ``targets.csv``.

    A blank ``year`` means the end of the plan (``target_year``) is not assumed: it stays None
    and assessment uses the plan's target year, saying so. A blank or absent ``scope``
    (``city_total``, ``city_rate``, ``any_region``) is left None: the target's kind and unit
    decide (:meth:`~greenplan.definitions.TargetScope.default_for`).
    """
    baseline = None
    if (row.get("baseline_value") or "").strip():
        section = row.get("baseline_section", "")
        baseline = Baseline(
            year=base_year,
            value=float(row["baseline_value"]),
            unit=row.get("baseline_unit", ""),
            qualifier=row.get("baseline_qualifier", ""),
            words_zh=row.get("baseline_words_zh", ""),
            section=section,
            source=f"{source}, {section}" if source else section,
        )
    year = (row.get("year") or "").strip()
    value = (row.get("value") or "").strip()
    bound = Bound(row["bound"])
    scope = (row.get("scope") or "").strip()
    return Target(
        key=row["key"],
        indicator=row["indicator"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        year=int(year) if year else None,
        value=float(value) if value else None,
        unit=row.get("unit", ""),
        kind=TargetKind(row["kind"]),
        bound=bound,
        aspirational=bound.aspirational,
        direction=Direction(row["direction"]),
        plan_words_zh=row.get("plan_words_zh", ""),
        section=row.get("section", ""),
        note=row.get("note", ""),
        baseline=baseline,
        base_year=base_year,
        presets=tuple(p for p in (row.get("presets") or "").split(";") if p),
        scope=TargetScope(scope) if scope else None,
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(fh)]
    except OSError as exc:
        error = (
            msg("plans.no_such_file", error=str(exc))
            if isinstance(exc, FileNotFoundError)
            else str(exc)
        )
        raise PlanError(msg("plans.cannot_read", path=str(path), error=error)) from None


def _baselines(rows: list[dict[str, str]], base_year: int, source: str) -> dict[str, Baseline]:
    """Return the rows of ``baselines.csv`` that state a base-year level, by ``key``."""
    out = {}
    for row in rows:
        qualifier = _BASELINE_KINDS.get(row.get("kind", "").strip())
        if qualifier is None or row.get("period", "").strip() != str(base_year):
            continue  # a change over the previous plan period, not a base-year level
        section = row.get("section", "")
        out[row["key"]] = Baseline(
            year=base_year,
            value=float(row["value"]),
            unit=row.get("unit", ""),
            qualifier=qualifier,
            words_zh=row.get("plan_words_zh", ""),
            section=section,
            source=f"{source}, {section}" if source else section,
        )
    return out


def _attach_baselines(
    targets: dict[str, Target], stated: Mapping[str, Baseline]
) -> dict[str, Target]:
    """Give a target without a baseline the plan's statement whose key is its key or indicator."""
    out = {}
    for key, t in targets.items():
        b = stated.get(key) or stated.get(t.indicator)
        out[key] = (
            t if t.baseline is not None or b is None else t.model_copy(update={"baseline": b})
        )
    return out


def _chapters(table: Any, path: Path) -> dict[str, tuple[str, str]]:
    """``[chapters]`` of plan.toml: id = [Chinese heading, English heading]."""
    if not isinstance(table, dict):
        raise PlanError(msg("plans.chapters_not_a_table", path=str(path)))
    out = {}
    for key, value in table.items():
        if not (
            isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
        ):
            raise PlanError(msg("plans.bad_chapter", path=str(path), key=repr(key)))
        out[str(key)] = (value[0], value[1])
    return out


def _int(meta: Mapping[str, Any], name: str, path: Path) -> int:
    value = meta[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(msg("plans.not_a_year", path=str(path), name=name, value=repr(value)))
    return value


def load_plan(path: str | Path) -> Plan:
    """Read a plan folder (``plan.toml``, ``targets.csv``, ``baselines.csv``).

    Parameters
    ----------
    path : str or Path
        The folder, or its ``plan.toml``.

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        A missing file or field, a period that does not follow the base year, a target year
        outside the period, an unknown region set, or a bad targets row.
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    toml = folder / "plan.toml"
    try:
        meta = tomllib.loads(toml.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(msg("errors.not_a_plan_folder", path=str(toml), error=str(exc))) from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(msg("plans.bad_toml", path=str(toml), error=str(exc))) from None
    missing = [k for k in _REQUIRED if k not in meta]
    if missing:
        raise PlanError(msg("plans.missing_fields", path=str(toml), fields=list(missing)))
    base_year, target_year = _int(meta, "base_year", toml), _int(meta, "target_year", toml)
    period = meta["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(type(y) is int for y in period)):
        raise PlanError(msg("plans.bad_period", path=str(toml), period=repr(period)))
    first, last = period
    if not base_year < first <= target_year <= last:
        raise PlanError(
            msg(
                "plans.years_out_of_order",
                path=str(toml),
                base_year=base_year,
                first=first,
                last=last,
                target_year=target_year,
            )
        )
    region_set = str(meta.get("region_set", "jinan"))
    if region_set not in _REGION_SETS or _REGION_SETS[region_set] not in REGIONS:
        raise PlanError(msg("plans.unknown_region_set", path=str(toml), name=repr(region_set)))
    plan = Plan(
        name_zh=str(meta["name_zh"]),
        name_en=str(meta["name_en"]),
        issued_by=str(meta["issued_by"]),
        issued=str(meta["issued"]),
        period=(first, last),
        base_year=base_year,
        target_year=target_year,
        region_set=region_set,
        city=_REGION_SETS[region_set],
        targets={},
        chapters=_chapters(meta.get("chapters", {}), toml),
        path=folder,
        synthetic=bool(meta.get("synthetic", False)),
    )
    rows = _read_csv(folder / "targets.csv")
    baseline_rows = (
        _read_csv(folder / "baselines.csv") if (folder / "baselines.csv").exists() else []
    )
    try:
        targets = {
            row["key"]: target_from_row(
                row, base_year=base_year, source=plan.source, target_year=target_year
            )
            for row in rows
        }
        stated = _baselines(baseline_rows, base_year, plan.source)
    except (KeyError, ValueError) as exc:
        raise PlanError(msg("plans.bad_row", path=str(folder), error=str(exc))) from None
    targets = _attach_baselines(targets, stated)
    return Plan(**{**plan.__dict__, "targets": targets, "baselines": stated})


@cache
def default_plan() -> Plan:
    """Return the plan greenplan ships (Jinan's 14th Five-Year green low-carbon circular plan)."""
    return load_plan(resource_path("plans", DEFAULT_PLAN))


def resolve_plan(plan: Plan | str | Path | None) -> Plan:
    """Return ``plan`` as a :class:`Plan` (None: the default plan; a path: :func:`load_plan`)."""
    if plan is None:
        return default_plan()
    return plan if isinstance(plan, Plan) else load_plan(plan)

"""The report model: from an assessment to a JSON-ready :class:`Report`, and the whole chain.

:func:`build_report` turns the output of :func:`greenplan.assess` into the model (following
``resources/report_schema.json``); :func:`generate_report` reads, computes, assesses and
builds. Rendering is :mod:`greenplan.report.renderers`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan import __version__
from greenplan._resources import LazyMapping, data_dir, data_version, resource_path
from greenplan.definitions import Target
from greenplan.engine import compute
from greenplan.errors import GreenplanError, OptionError
from greenplan.evaluation import anchored_evaluation
from greenplan.indicators.registry import OPTIONS, load_all, recipes
from greenplan.io import read_statistics
from greenplan.messages import msg, text
from greenplan.options import OptionSet
from greenplan.plans import Plan, default_plan, resolve_plan
from greenplan.progress import (
    ASSESS_COLUMNS,
    ASSESS_ONLY,
    ASSESS_OPTIONS,
    assess,
    with_published_rates,
)
from greenplan.progress import OPTIONS as ASSESS_SPECS
from greenplan.progress.notes import note_zh
from greenplan.regions import CITY
from greenplan.report import excel, renderers
from greenplan.report.style import STATUSES, status_labels, style
from greenplan.targets import SUPPLEMENTARY_TARGETS

FORMATS = ("text", "markdown", "html", "json")
"""Output formats of :meth:`Report.render`."""

LANGS = ("zh", "en")
"""Languages of the rendered report (JSON always carries both)."""

SCHEMA_VERSION = 4
"""Version of the report's JSON layout (``resources/report_schema.json``)."""

PLAN: Mapping[str, Any] = LazyMapping(lambda: default_plan().describe(), "greenplan.report.PLAN")
"""The plan reports assess by default (:func:`greenplan.plans.default_plan`), as in the JSON."""

CHAPTERS: Mapping[str, tuple[str, str]] = LazyMapping(
    lambda: dict(default_plan().chapters), "greenplan.report.CHAPTERS"
)
"""Chapter titles of the shipped plan (its own headings; English: greenplan's translation)."""

CONFIDENCE_TAGS: Mapping[str, str] = {
    "[?]": "unverified",
    "[M]": "unverified",
    "[D]": "derived",
    "[C]": "confirmed",
}
"""Tags of the ``note`` column of statistics and the confidence each stands for.

[C] confirmed in a retrieved public source; [D] derived by arithmetic from confirmed
figures; [M] recalled, not re-read; [?] uncertain (conflicting sources, unclear year or
scope).
"""

_CONFIDENCE_RANK = {"confirmed": 0, "derived": 1, "unverified": 2}

_REASONS = ("no_data", "no_base_year_value", "target_not_set", "city_wide_target", "other")


def chapter_of(section: str, chapters: Mapping[str, Any] | None = None) -> str:
    """Chapter of a plan section (``"八(一)"`` → ``"八"``), or ``""`` if unknown."""
    section = (section or "").strip()
    chapters = CHAPTERS if chapters is None else chapters
    if len(section) >= 2 and section[:2] in chapters:
        return section[:2]
    return section[:1] if section[:1] in chapters else ""


def confidence_of_note(note: Any) -> str | None:
    """Confidence of one figure from its ``note``: the worst tag it carries.

    Parameters
    ----------
    note : str or None
        The ``note`` cell of a statistics row, e.g. ``"[C][?] reference year not explicit"``.

    Returns
    -------
    str or None
        ``"unverified"`` ([?] or [M]), ``"derived"`` ([D]), ``"confirmed"`` ([C]), or None when
        the note carries no tag.

    Examples
    --------
    >>> confidence_of_note("[C][?] year not stated"), confidence_of_note("[D] 40/(1-0.184)")
    ('unverified', 'derived')
    """
    if not isinstance(note, str):
        return None
    found = [level for tag, level in CONFIDENCE_TAGS.items() if tag in note]
    return max(found, key=_CONFIDENCE_RANK.__getitem__) if found else None


def _worst(levels: Iterable[str | None]) -> str | None:
    known = [lv for lv in levels if lv]
    return max(known, key=_CONFIDENCE_RANK.__getitem__) if known else None


def _num(value: Any) -> float | None:
    """Return a float, or None for missing / NaN / pandas NA."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _int(value: Any) -> int | None:
    v = _num(value)
    return None if v is None else round(v)


def _json_safe(value: Any) -> Any:
    """Options and attrs as plain JSON values (tuples → lists, other objects → str)."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _json_safe(value.item())
    return str(value)


# --------------------------------------------------------------------------------------------
# Confidence of the figures used
# --------------------------------------------------------------------------------------------


def _input_closure() -> dict[str, set[str]]:
    """For each indicator id: itself plus every variable it is computed from (recursively)."""
    table = recipes()
    direct = {id: set(r.indicator.inputs) for id, r in table.items()}
    out: dict[str, set[str]] = {}

    def walk(id: str, seen: set[str]) -> set[str]:
        if id in out:
            return out[id]
        acc = {id}
        for code in direct.get(id, ()):
            if code in seen:
                continue
            acc |= walk(code, seen | {code}) if code in direct else {code}
        out[id] = acc
        return acc

    for id in direct:
        walk(id, {id})
    return out


class _Confidence:
    """Confidence of (indicator, region, year) from the ``note`` tags of the raw rows.

    ``stats`` is the canonical long table of :func:`greenplan.read_statistics`, whose ``note``
    column carries the tags of the files it was read from. Each distinct note is parsed once;
    only the rows with a tag are visited.
    """

    def __init__(self, stats: pd.DataFrame | None) -> None:
        self._tags: dict[tuple[str, str, int], str] = {}
        self._closure: dict[str, set[str]] | None = None
        if stats is None or "note" not in stats.columns or stats.empty:
            return
        codes, notes = pd.factorize(stats["note"], use_na_sentinel=True)
        level_of = [confidence_of_note(n) for n in notes]
        tagged = np.array([lv is not None for lv in level_of] + [False], dtype=bool)
        rows = np.flatnonzero(tagged[codes])  # code -1 (an empty cell) is the last entry
        if rows.size == 0:
            return
        frame = stats.iloc[rows].loc[:, ["variable", "region", "year"]]
        for (var, region, year), code in zip(
            frame.itertuples(index=False, name=None), codes[rows].tolist(), strict=True
        ):
            level = level_of[code]
            if level is None or _int(year) is None:
                continue
            key = (str(var), str(region), int(year))
            self._tags[key] = _worst([self._tags.get(key), level]) or level

    def __call__(self, indicator: str, region: str, years: Iterable[int]) -> str | None:
        if not self._tags:
            return None
        if self._closure is None:
            self._closure = _input_closure()
        codes = self._closure.get(indicator, {indicator})
        return _worst(self._tags.get((c, region, y)) for c in codes for y in years)


# --------------------------------------------------------------------------------------------
# The report model
# --------------------------------------------------------------------------------------------


def _reason(status: str, notes: Sequence[str], given: Any = None) -> str | None:
    if status != "not_assessable":
        return None
    if isinstance(given, str) and given in _REASONS:
        return given
    first = notes[0] if notes else ""
    if first.startswith("target not set"):
        return "target_not_set"
    if first.startswith("no data"):
        return "no_data"
    return "other"


def _final(year: Any, plan: Mapping[str, Any]) -> bool:
    """Whether the report is a final evaluation: as of the plan's target year or later."""
    as_of = _int(year)
    return as_of is not None and as_of >= int(plan["target_year"])


def _target_lookup(targets: Mapping[str, Target] | None, plan: Plan) -> dict[str, Target]:
    out = {**dict(plan.targets), **dict(SUPPLEMENTARY_TARGETS)}
    if targets is not None:
        out.update(targets)
    return out


def _pick_region(assessment: pd.DataFrame, region: str | None) -> str:
    present = list(dict.fromkeys(assessment["region"].astype(str)))
    if region is not None:
        if region not in present:
            raise OptionError(
                msg("report.region_not_assessed", region=repr(region), present=present)
            )
        return region
    if CITY in present or not present:
        return CITY
    return present[0]


def _entry(
    row: Mapping[str, Any],
    target: Target | None,
    confidence: _Confidence,
    plan: Mapping[str, Any],
    chapters: Mapping[str, tuple[str, str]],
) -> dict:
    """One target of the report model (``targets[]`` of the JSON schema)."""
    status = str(row["status"])
    notes = [n.strip() for n in str(row.get("notes") or "").split(";") if n.strip()]
    region = str(row["region"])
    indicator = str(row["indicator"])
    kind = str(row["kind"])
    base_year_plan = target.base_year if target is not None else int(plan["base_year"])
    baseline_year, baseline = _int(row.get("baseline_year")), _num(row.get("baseline"))
    latest_year, latest = _int(row.get("latest_year")), _num(row.get("latest"))
    if baseline_year is None and latest_year == base_year_plan and latest is not None:
        # Only a base-year value: it is the baseline, and there is nothing later.
        baseline_year, baseline, latest_year, latest = latest_year, latest, None, None

    def figure(year: int | None, value: float | None, years: Iterable[int]) -> dict | None:
        """Build a baseline or latest figure, its confidence from the rows of ``years``."""
        if year is None or value is None:
            return None
        from_plan = any(n.startswith(f"no {year} value in the data") for n in notes)
        return {
            "year": year,
            "value": value,
            "confidence": None if from_plan else confidence(indicator, region, years),
            "from_plan": from_plan,
        }

    baseline_years: Iterable[int] = [] if baseline_year is None else [baseline_year]
    latest_years: Iterable[int] = [] if latest_year is None else [latest_year]
    if kind == "cumulative":  # the baseline is 0 by definition; the latest sums the years
        baseline_years = []
        latest_years = range(base_year_plan + 1, (latest_year or base_year_plan) + 1)
    target_value = _num(row.get("target"))
    return {
        "key": str(row["key"]),
        "indicator": indicator,
        "region": region,
        "chapter": chapter_of(str(row.get("section") or ""), chapters),
        "section": str(row.get("section") or ""),
        "name_zh": str(row.get("name_zh") or ""),
        "name_en": str(row.get("name_en") or ""),
        "plan_words_zh": target.plan_words_zh if target is not None else "",
        "kind": kind,
        "bound": str(row.get("bound") or ""),
        "aspirational": bool(row.get("aspirational")),
        "direction": target.direction.value if target is not None else None,
        "unit": str(row["unit"]) if isinstance(row.get("unit"), str) and row["unit"] else None,
        "target": {
            "value": target_value,
            "unit": target.unit if target is not None else "",
            "year": _int(row.get("target_year")),
            "level": _num(row.get("target_level")),
            "set": target_value is not None or kind in ("direction", "non_increase"),
            "overridden": (target.overridden or None) if target is not None else None,
        },
        "baseline": figure(baseline_year, baseline, baseline_years),
        "latest": figure(latest_year, latest, latest_years),
        "completion": _num(row.get("completion")),
        "time_elapsed": _num(row.get("time_elapsed")),
        "change": _num(row.get("change")),
        "gap": _num(row.get("gap")),
        "gap_relative": _num(row.get("gap_relative")),
        "required_annual_change": _num(row.get("required_annual_change")),
        "projected": _num(row.get("projected")),
        "projected_gap": _num(row.get("projected_gap")),
        "status": status,
        "status_zh": str(row.get("status_zh") or ""),
        "status_en": str(row.get("status_en") or ""),
        "reason": _reason(status, notes, row.get("reason")),
        "notes": notes,
        "notes_zh": [note_zh(n) for n in notes],
    }


def _method_of(assessment: pd.DataFrame, attrs: Mapping[str, Any]) -> str:
    if attrs.get("method"):
        return str(attrs["method"])
    if len(assessment) and isinstance(assessment["method"].iloc[0], str):
        return str(assessment["method"].iloc[0])
    return "sequential"


def _summary(entries: Sequence[Mapping[str, Any]], final: bool) -> dict[str, Any]:
    counts = dict.fromkeys(STATUSES, 0)
    reasons = dict.fromkeys(_REASONS, 0)
    flagged = {"derived": 0, "unverified": 0}
    years = []
    for e in entries:
        counts[e["status"]] = counts.get(e["status"], 0) + 1
        if e["reason"]:
            reasons[e["reason"]] += 1
        # a target counts once per mark its row shows ([D] and [?] can both show)
        levels = {f["confidence"] for f in (e["baseline"], e["latest"]) if f}
        for level in flagged:
            flagged[level] += level in levels
        for f in (e["latest"], e["baseline"]):
            if f:
                years.append(f["year"])
    total = len(entries)
    labels = status_labels()
    # a final evaluation counts achieved / not achieved; a progress report the schedule
    shown = [s for s in STATUSES if counts[s] or s in (_FINAL if final else _PROGRESS)]

    def sentence(lang: str) -> str:
        parts = [
            text(
                "report.summary_count",
                lang,
                n=counts[s],
                label=labels[s][lang] if lang == "zh" else labels[s][lang].lower(),
            )
            for s in shown
        ]
        n_city = reasons["city_wide_target"]
        city = text("report.summary_city", lang, n=n_city) if n_city else ""
        na = text("report.summary_not_assessable", lang, city=city, **reasons)
        return text(
            "report.summary_text",
            lang,
            final=text("report.summary_final", lang) if final else "",
            total=total,
            parts=("，" if lang == "zh" else ", ").join(parts),
            na=na,
        )

    return {
        "total": total,
        "counts": counts,
        "not_assessable": reasons,
        "flagged": flagged,
        "data_year": max(years) if years else None,
        "final": final,
        "text_zh": sentence("zh"),
        "text_en": sentence("en"),
    }


_FINAL = ("achieved", "not_achieved", "not_assessable")
_PROGRESS = tuple(s for s in STATUSES if s != "not_achieved")


def _evaluation(rows: pd.DataFrame) -> dict[str, Any]:
    """Score the plan's comprehensive evaluation (十(二)): anchored green-development scores.

    Each target with a direction, a baseline, a latest value and a target level is scored
    60 + 40 × clip((latest − baseline)/(target − baseline), 0, 1)
    (:func:`greenplan.evaluation.anchored_evaluation`); ``index`` is their equal-weight mean,
    ``None`` when no target can be scored.
    """
    table = anchored_evaluation(rows) if len(rows) else pd.DataFrame()
    scores = []
    index: float | None = None
    for rec in table.to_dict(orient="records"):
        if rec["key"] == "plan_index":
            index = _num(rec["score"])
            continue
        scores.append(
            {"key": str(rec["key"]), "score": _num(rec["score"]), "note": str(rec["note"] or "")}
        )
    return {
        "method": "anchored",
        "index": index,
        "scored": sum(1 for x in scores if x["score"] is not None),
        "targets": len(scores),
        "scores": scores,
    }


@dataclass(frozen=True)
class Report:
    """A progress report: the JSON-ready model, and the assessment it was built from.

    Use :meth:`render` (or ``to_text``, ``to_markdown``, ``to_html``, ``to_json``) for output;
    in a notebook the report displays as HTML. ``model`` follows
    ``resources/report_schema.json``.
    """

    model: dict[str, Any]
    assessment: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    values: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    """The values the assessment read (long table: region, year, indicator, value, unit), when
    known: :func:`generate_report` keeps them for the trend charts
    (:func:`greenplan.plot.trend`)."""

    # --- views -----------------------------------------------------------------------------

    @property
    def summary(self) -> dict[str, Any]:
        """Counts per status, reasons for "not assessable", flagged figures, data year."""
        return self.model["summary"]

    @property
    def targets(self) -> list[dict[str, Any]]:
        """One entry per target, in plan order."""
        return self.model["targets"]

    def style(self) -> Any:
        """Return the assessment as a pandas Styler coloured by status (needs Jinja2)."""
        if self.assessment is None:
            raise GreenplanError(msg("report.no_assessment"))
        return style(self.assessment)

    # --- rendering -------------------------------------------------------------------------

    def render(
        self,
        fmt: str = "text",
        lang: str = "zh",
        *,
        plot_png: bytes | None = None,
        chart_lang: str | None = None,
    ) -> str:
        """Render as ``text``, ``markdown``, ``html`` or ``json`` in ``zh`` or ``en``.

        ``plot_png`` (PNG bytes, e.g. from :func:`greenplan.plot.progress_png`) is embedded in
        the HTML output; the other formats ignore it. ``chart_lang`` is the language of a chart
        drawn with the report (:func:`greenplan.plot.plot_language`): a Chinese report whose
        chart is in English (no Chinese font) says so.
        """
        if fmt not in FORMATS:
            raise OptionError(msg("report.unknown_format", fmt=repr(fmt), choices=list(FORMATS)))
        if fmt == "json":
            return self.to_json()
        if lang not in LANGS:
            raise OptionError(msg("report.unknown_lang", lang=repr(lang), choices=list(LANGS)))
        if fmt == "text":
            return renderers.render_text(self.model, lang, 100, chart_lang)
        if fmt == "markdown":
            return renderers.render_markdown(self.model, lang, chart_lang)
        return renderers.render_html(self.model, lang, plot_png, chart_lang=chart_lang)

    def to_dict(self) -> dict[str, Any]:
        """Return the model as plain JSON-ready Python objects (a deep copy)."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = 2) -> str:
        """Return the model as JSON (UTF-8 text, Chinese kept readable)."""
        return renderers.render_json(self.model, indent)

    def to_text(self, lang: str = "zh", width: int = 100) -> str:
        """Plain text for a terminal, aligned by display width (CJK characters take two)."""
        return renderers.render_text(self.model, lang, width)

    def to_markdown(self, lang: str = "zh") -> str:
        """Markdown: a summary and one table per plan chapter."""
        return renderers.render_markdown(self.model, lang)

    def to_html(self, lang: str = "zh", *, plot_png: bytes | None = None) -> str:
        """One self-contained HTML page (inline CSS; the plot embedded as base64 PNG)."""
        return renderers.render_html(self.model, lang, plot_png)

    def to_excel(self, path_or_buffer: Any, lang: str = "zh") -> None:
        """Write an Excel workbook (needs openpyxl, the ``excel`` extra).

        Sheets: a summary, one per plan chapter (headers in ``lang``, units in a column,
        numbers as numeric cells, status cells coloured as in :data:`STATUS_COLOURS`, frozen
        header, autofilter) and the sources.
        """
        excel.write_report_excel(self.model, path_or_buffer, lang)

    def _repr_html_(self) -> str:
        return renderers.render_html(self.model, "zh", None, fragment=True)


def build_report(
    assessment: pd.DataFrame,
    *,
    region: str | None = None,
    targets: Mapping[str, Target] | None = None,
    stats: pd.DataFrame | None = None,
    sources: Sequence[str] = (),
    shipped: bool = False,
    compute_options: Mapping[str, Any] | None = None,
    generated_at: _dt.datetime | None = None,
    plan: Plan | str | Path | None = None,
) -> Report:
    """Build the report model from an assessment.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The output of :func:`greenplan.assess` (columns
        :data:`greenplan.progress.ASSESS_COLUMNS`; ``attrs["greenplan"]`` gives the method, the
        as-of year and the options).
    region : str, optional
        The region reported on. Default: the city (济南市) when the assessment has it, else its
        first region.
    targets : mapping, optional
        The targets the assessment used (e.g. with presets applied), for the plan's words and
        units; default :data:`greenplan.TARGETS` and the supplementary targets.
    stats : pandas.DataFrame, optional
        The raw statistics (the canonical table of :func:`greenplan.read_statistics`); the
        [D]/[?]/[M] tags of its ``note`` column flag the figures (see :func:`confidence_of_note`).
        The figure of an indicator takes the worst tag of the raw rows of the same region and
        year it is computed from.
    sources : sequence of str
        Where the statistics came from (paths as given), recorded in the report.
    shipped : bool
        Whether the statistics are the Jinan data shipped with greenplan.
    compute_options : mapping, optional
        The options :func:`greenplan.compute` ran with, recorded in the report.
    generated_at : datetime, optional
        Time stamp of the report; default now (UTC).
    plan : Plan, path or None
        The plan assessed; default the one the assessment records (``attrs``), else the
        shipped plan. Assessed as of its target year or later, the report is a final
        evaluation (总结评估).

    Returns
    -------
    Report
        The report; ``report.model`` validates against ``resources/report_schema.json``.

    Raises
    ------
    OptionError
        ``assessment`` lacks the columns of :func:`greenplan.assess`, or ``region`` is not in it.
    """
    missing = [c for c in ASSESS_COLUMNS if c not in assessment.columns]
    if missing:
        raise OptionError(msg("report.needs_assessment", missing=missing))
    chosen = _pick_region(assessment, region)
    rows = assessment[assessment["region"].astype(str) == chosen]
    plan_ = resolve_plan(plan)
    recorded = assessment.attrs.get("greenplan", {}).get("plan")
    plan_info = dict(recorded) if plan is None and recorded else plan_.describe()
    lookup = _target_lookup(targets, plan_)
    confidence = _Confidence(stats)
    entries = [
        _entry(
            {str(k): v for k, v in row.items()},
            lookup.get(str(row["key"])),
            confidence,
            plan_info,
            plan_.chapters,
        )
        for row in rows.to_dict(orient="records")
    ]
    attrs = dict(assessment.attrs.get("greenplan", {}))
    chapters = []
    for ch, (zh, en) in plan_.chapters.items():
        keys = [e["key"] for e in entries if e["chapter"] == ch]
        if keys:
            chapters.append({"id": ch, "title_zh": zh, "title_en": en, "targets": keys})
    orphans = [e["key"] for e in entries if not e["chapter"]]
    if orphans:
        other = {lang: text("report.chapter_other", lang) for lang in ("zh", "en")}
        chapters.append(
            {"id": "", "title_zh": other["zh"], "title_en": other["en"], "targets": orphans}
        )
    stamp = generated_at or _dt.datetime.now(_dt.UTC)
    model: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": stamp.isoformat(timespec="seconds"),
        "greenplan_version": __version__,
        "data_version": data_version() if shipped else None,
        "plan": plan_info,
        "region": chosen,
        "year": _int(attrs.get("year")),
        "method": _method_of(assessment, attrs),
        "options": {
            "compute": _json_safe(dict(compute_options or {})),
            "assess": _json_safe(dict(attrs.get("options") or {})),
        },
        "data": {"shipped": bool(shipped), "sources": [str(s) for s in sources]},
        "summary": _summary(entries, _final(attrs.get("year"), plan_info)),
        "chapters": chapters,
        "targets": entries,
        "evaluation": _evaluation(rows),
    }
    return Report(model=model, assessment=assessment)


# Running the whole chain
# --------------------------------------------------------------------------------------------


def shipped_data_paths() -> list[Path]:
    """Return the Jinan data folders shipped with greenplan: ``baseline_2020/``, ``jinan/``.

    ``data/examples`` (synthetic example data) is never part of it.
    """
    root = data_dir()
    return [root / "baseline_2020", root / "jinan"]


def split_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``NAME=VALUE`` options into those of :func:`greenplan.compute` and of ``assess``.

    Raises
    ------
    OptionError
        A name that neither accepts, with the closest known names.
    """
    load_all()
    compute_opts: dict[str, Any] = {}
    assess_opts: dict[str, Any] = {}
    for name, value in options.items():
        if name in OPTIONS:
            compute_opts[name] = value
        elif name in ASSESS_OPTIONS:
            assess_opts[name] = value
        else:
            own = {**ASSESS_SPECS, **ASSESS_ONLY}
            specs = [*OPTIONS.values(), *(own[n] for n in sorted(ASSESS_OPTIONS))]
            raise OptionSet("report", specs).unknown(name)
    return compute_opts, assess_opts


def generate_report(
    paths: Sequence[str | Path] | None = None,
    *,
    year: int | None = None,
    method: str = "sequential",
    targets: Mapping[str, Target] | None = None,
    region: str | None = None,
    plan: Plan | str | Path | None = None,
    **options: Any,
) -> Report:
    """Read statistics, compute the indicators, assess every target, and build the report.

    Parameters
    ----------
    paths : sequence of path, optional
        Files or directories of statistics; default the Jinan data shipped with greenplan
        (:func:`shipped_data_paths`).
    year : int, optional
        Assess as of this year (default: the latest year with data, per target).
    method : {"sequential", "escap", "eurostat"}
        Assessment method of :func:`greenplan.assess`.
    targets : mapping, optional
        ``{key: Target}``, e.g. from :func:`greenplan.targets.with_presets`; default the 43
        targets of the plan.
    region : str, optional
        Region reported on (default the city).
    plan : Plan, path or None
        The plan (:func:`greenplan.load_plan`); default the shipped Jinan 14th plan.
    **options
        Options of :func:`greenplan.compute` and of :func:`greenplan.assess`, split by name
        (:func:`split_options`).

    Returns
    -------
    Report

    Raises
    ------
    StatisticsError
        The statistics have errors (``exc.report`` lists them).
    OptionError
        An unknown option, method or region.
    """
    shipped = paths is None
    chosen = shipped_data_paths() if paths is None else [Path(p) for p in paths]
    compute_opts, assess_opts = split_options(options)
    plan_ = resolve_plan(plan)
    stats = read_statistics(*chosen)
    values = compute(stats, **compute_opts)
    ts = dict(plan_.targets) if targets is None else dict(targets)
    assessed = with_published_rates(values, stats)
    assessment = assess(
        assessed,
        year=year,
        targets=ts,
        method=method,
        plan=plan_,
        **assess_opts,
    )
    # the confidence tags come from the canonical table's note column (备注/note of the files)
    sources = [p.name for p in chosen] if shipped else [str(p) for p in chosen]
    report = build_report(
        assessment,
        region=region,
        targets=ts,
        stats=stats,
        sources=sources,
        shipped=shipped,
        compute_options=values.attrs.get("greenplan", {}).get("options", compute_opts),
        plan=plan_,
    )
    return dataclasses.replace(report, values=assessed)


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of :meth:`Report.to_json`."""
    return json.loads(resource_path("report_schema.json").read_text(encoding="utf-8"))

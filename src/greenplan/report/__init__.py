"""The progress report: every target of the plan, by chapter, in text, Markdown, HTML or JSON.

:func:`build_report` turns the output of :func:`greenplan.assess` into a :class:`Report`, a
JSON-ready model (``report.model``) that follows ``resources/report_schema.json`` (draft
2020-12; ``greenplan schema`` prints it). The report renders itself as terminal text
(CJK-width aware), Markdown, one self-contained HTML file or JSON, in Chinese or English.
:func:`generate_report` runs the whole chain (read, compute, assess, build) on the Jinan data
that ships with greenplan or on the files given.

Per target the report gives the baseline (year, value), the latest value (year, value), the
target, completion (完成进度), time elapsed (序时进度), the status, the change still needed
per year, and notes ("no data", "target not set", presets available …). Figures whose source
row carries a ``[D]`` (derived) or ``[?]``/``[M]`` (unverified) tag in the ``note`` column of
the statistics are flagged, so nobody mistakes an estimate for a published figure.

Examples
--------
>>> from greenplan.report import generate_report
>>> report = generate_report()                      # doctest: +SKIP
>>> print(report.to_text(lang="en"))                # doctest: +SKIP
>>> report.model["summary"]["counts"]["achieved"]   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenplan import __version__
from greenplan.errors import GreenplanError, OptionError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from greenplan.definitions import Target

__all__ = [
    "CHAPTERS",
    "CONFIDENCE_TAGS",
    "FORMATS",
    "LANGS",
    "PLAN",
    "Report",
    "build_report",
    "chapter_of",
    "confidence_of_note",
    "display_width",
    "generate_report",
    "load_schema",
    "shipped_data_paths",
    "split_options",
]

FORMATS = ("text", "markdown", "html", "json")
"""Output formats of :meth:`Report.render`."""

LANGS = ("zh", "en")
"""Languages of the rendered report (JSON always carries both)."""

SCHEMA_VERSION = 1
"""Version of the report's JSON layout (``resources/report_schema.json``)."""

PLAN: Mapping[str, Any] = {
    "name_zh": "济南市“十四五”绿色低碳循环发展规划",
    "name_en": "Jinan 14th Five-Year Green Low-Carbon Circular Development Plan",
    "issued_by": "济南市人民政府办公厅",
    "issued": "2022-06-21",
    "base_year": 2020,
    "target_year": 2025,
}
"""The plan the report assesses (shared/plan/README.md)."""

CHAPTERS: Mapping[str, tuple[str, str]] = {
    "一": ("一、发展基础与面临形势", "1. Foundations and situation"),
    "二": ("二、总体要求", "2. General requirements"),
    "三": ("三、加快经济绿色转型", "3. Accelerating the green transformation of the economy"),
    "四": ("四、培育绿色产业体系", "4. Building a green industrial system"),
    "五": ("五、推动循环经济发展", "5. Developing the circular economy"),
    "六": ("六、推进基础设施提质升级", "6. Upgrading infrastructure"),
    "七": ("七、推行绿色生活方式", "7. Green lifestyles"),
    "八": ("八、夯实绿色发展底色", "8. Strengthening the ecological foundation"),
    "九": ("九、激发绿色发展动能", "9. Driving green development through innovation"),
    "十": ("十、保障措施", "10. Safeguards"),
}
"""Chapter titles of the plan (the plan's own headings; English: greenplan's translation)."""

CONFIDENCE_TAGS: Mapping[str, str] = {
    "[?]": "unverified",
    "[M]": "unverified",
    "[D]": "derived",
    "[C]": "confirmed",
}
"""Tags of the ``note`` column of statistics and the confidence each stands for.

[C] confirmed in a retrieved public source; [D] derived by arithmetic from confirmed
figures; [M] recalled, not re-read; [?] uncertain (conflicting sources, unclear year or
scope). See ``shared/reference/standards_cn.md``.
"""

_CONFIDENCE_RANK = {"confirmed": 0, "derived": 1, "unverified": 2}
_MARK = {"derived": "[D]", "unverified": "[?]"}

_STATUSES = (
    "achieved",
    "ahead_of_schedule",
    "on_schedule",
    "behind_schedule",
    "moving_away",
    "not_assessable",
)
_REASONS = ("no_data", "target_not_set", "other")

_BOUND_SYMBOL = {
    "at_least": "≥",
    "at_most": "≤",
    "approximately": "≈",
    "below": "<",
    "above": ">",
}

# --------------------------------------------------------------------------------------------
# Words of the rendered report
# --------------------------------------------------------------------------------------------

_WORDS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "title": "济南市“十四五”绿色低碳循环发展规划 目标进度评估",
        "region": "地区",
        "as_of": "评估截至",
        "latest_data": "数据最新年份",
        "per_target": "各目标最新年份见“最新”列",
        "method": "评估方法",
        "generated": "生成时间",
        "data": "数据",
        "shipped": "greenplan 附带的济南市公开数据（来源与缺失项见 data/README.md）",
        "summary": "概要",
        "indicator": "指标",
        "baseline": "基期",
        "latest": "最新",
        "target": "目标",
        "completion": "完成进度",
        "time_elapsed": "序时进度",
        "status": "状态",
        "required": "尚需年均变化",
        "maintain": "保持",
        "notes": "说明",
        "per_year": "/年",
        "aspirational": "力争",
        "not_set": "未设定(省下达)",
        "decrease": "明显下降",
        "non_increase": "只减不增",
        "no_data": "无数据",
        "target_not_set": "目标未设定",
        "flags": (
            "标注 [D] 的数字由公开数字推算，标注 [?] 的数字未经核实(来源年份或口径不明)；"
            "未标注的数字取自各行“来源”栏所列来源(示例数据为合成数据)。"
        ),
        "flags_none": "本报告所用数字均未标注为推算或未核实。",
        "plot": "完成进度与序时进度",
        "method_sequential": "完成进度对比序时进度(国家规划评估惯例)",
        "method_escap": "UN ESCAP 进展指数",
        "method_eurostat": "Eurostat 增长率比值",
        "footer": "由 greenplan {version} 生成。完成进度=从基期到目标已完成的比例；"
        "序时进度=规划期已过去的比例。",
        "none": "无",
    },
    "en": {
        "title": "Jinan 14th Five-Year Green Low-Carbon Circular Development Plan: progress",
        "region": "Region",
        "as_of": "Assessed as of",
        "latest_data": "Latest data year",
        "per_target": "each target's latest year is in the 'latest' column",
        "method": "Method",
        "generated": "Generated",
        "data": "Data",
        "shipped": "Jinan public data shipped with greenplan (sources and gaps: data/README.md)",
        "summary": "Summary",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "latest": "Latest",
        "target": "Target",
        "completion": "Completion",
        "time_elapsed": "Time elapsed",
        "status": "Status",
        "required": "Needed per year",
        "maintain": "maintain",
        "notes": "Notes",
        "per_year": "/yr",
        "aspirational": "strive",
        "not_set": "not set (province)",
        "decrease": "decrease",
        "non_increase": "no increase",
        "no_data": "No data",
        "target_not_set": "Target not set",
        "flags": (
            "Figures marked [D] are derived from public figures; figures marked [?] are "
            "unverified (unclear reference year or scope). Unmarked figures are as stated by "
            "the source named in each row (synthetic for the example data)."
        ),
        "flags_none": "No figure used in this report is flagged as derived or unverified.",
        "plot": "Completion against time elapsed",
        "method_sequential": "completion vs time elapsed (Chinese plan-evaluation practice)",
        "method_escap": "UN ESCAP progress indices",
        "method_eurostat": "Eurostat ratio of growth rates",
        "footer": "Generated by greenplan {version}. Completion = share of the way from the "
        "baseline to the target; time elapsed = share of the plan period gone.",
        "none": "none",
    },
}


def _status_labels() -> Mapping[str, Mapping[str, str]]:
    from greenplan.progress import STATUS_LABELS

    return {str(k.value): v for k, v in STATUS_LABELS.items()}


# Notes of greenplan.progress, in Chinese (the JSON keeps the English originals).
_NOTES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^target not set: the province assigns it$", "目标未设定：由省下达"),
        (r"^no data for (\S+) in (\S+)$", r"无数据（\1，\2）"),
        (r"^no data for (\S+) up to (\d+)$", r"\2年及以前无 \1 数据"),
        (r"^no data for (\S+)$", r"无数据（\1）"),
        (r"^no data after the base year (\d+)$", r"无数据：\1年(基期)后无数据"),
        (r"^no data: no baseline value for (\d+).*$", r"无数据：缺少\1年基期值"),
        (r"^no data: no annual additions after (\d+)$", r"无数据：\1年后无年度新增数据"),
        (r"^presets: (.+) \(greenplan\.targets\.with_presets\)$", r"可用预设：\1（--preset）"),
        (
            r"^no (\d+) value: baseline taken from (\d+), the earliest later year$",
            r"无\1年数据：以\2年为基期",
        ),
        (
            r"^no (\d+) value in the data: baseline (\S+) (\S*) from the plan "
            r"\(([^()]*(?:\([^()]*\))?[^()]*)\)(.*)$",
            r"数据中无\1年值：基期采用规划所载 \2 \3（\4）\5",
        ),
        (r"^cumulative additions (\d+)–(\d+)$", r"\1–\2年累计新增"),
        (
            r"^no target year in the plan: assessed against (\d+), the end of the plan$",
            r"规划未给出目标年份：按规划期末\1年评估",
        ),
        (r"^the current value meets the target$", "当前值已达到目标"),
        (r"^the baseline already met the target$", "基期值已达到目标"),
        (r"^completion (\S+) > time elapsed (\S+)$", r"完成进度\1 > 序时进度\2"),
        (r"^completion (\S+) < time elapsed (\S+)$", r"完成进度\1 < 序时进度\2"),
        (r"^the target has no direction$", "目标无方向"),
    )
)


_FRAGMENTS_ZH = {
    " (超过: the true value is higher)": "（超过：实际值更高）",
    " (级/左右: approximate)": "（级/左右：近似值）",
}


def _note_zh(note: str) -> str:
    for pattern, repl in _NOTES_ZH:
        if pattern.match(note):
            note = pattern.sub(repl, note)
            break
    for fragment, zh in _FRAGMENTS_ZH.items():
        note = note.replace(fragment, zh)
    return note


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take two.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    int
        Display width [columns]; combining marks take none.

    Examples
    --------
    >>> display_width("森林覆盖率 %")
    12
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` display columns (CJK aware)."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line, w = "", 0
    tokens = re.findall(r"[A-Za-z0-9_.%‰()+\-–/·'\"]+ ?|\s+|.", text)
    for tok in tokens:
        tw = display_width(tok)
        if w + tw > width and line.strip():
            lines.append(line.rstrip())
            line, w = "", 0
            tok = tok.lstrip()
            tw = display_width(tok)
        while tw > width:  # a single token longer than the line
            cut, cw = "", 0
            for ch in tok:
                if cw + display_width(ch) > width:
                    break
                cut, cw = cut + ch, cw + display_width(ch)
            lines.append(cut)
            tok = tok[len(cut) :]
            tw = display_width(tok)
        line, w = line + tok, w + tw
    if line.strip():
        lines.append(line.rstrip())
    return lines


def chapter_of(section: str) -> str:
    """Chapter of a plan section (``"八(一)"`` → ``"八"``), or ``""`` if unknown."""
    section = (section or "").strip()
    if len(section) >= 2 and section[:2] in CHAPTERS:
        return section[:2]
    return section[:1] if section[:1] in CHAPTERS else ""


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


def _fmt(value: float | None, signed: bool = False) -> str:
    """Format a number for display: two decimals at most, trailing zeros dropped."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    text = f"{value:.2f}" if abs(value) >= 0.995 else f"{value:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-"):
        text = "−" + text[1:]
    elif signed:
        text = "+" + text
    return text


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%".replace("-", "−")


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
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return _json_safe(value.item())
    except ImportError:  # pragma: no cover
        pass
    return str(value)


# --------------------------------------------------------------------------------------------
# Confidence of the figures used
# --------------------------------------------------------------------------------------------


def _input_closure() -> dict[str, set[str]]:
    """For each indicator id: itself plus every variable it is computed from (recursively)."""
    from greenplan.indicators.registry import recipes

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
        import numpy as np
        import pandas as pd

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


def _reason(status: str, notes: Sequence[str]) -> str | None:
    if status != "not_assessable":
        return None
    first = notes[0] if notes else ""
    if first.startswith("target not set"):
        return "target_not_set"
    if first.startswith("no data"):
        return "no_data"
    return "other"


def _target_lookup(targets: Mapping[str, Target] | None) -> dict[str, Target]:
    from greenplan.targets import SUPPLEMENTARY_TARGETS, TARGETS

    out = {**dict(TARGETS), **dict(SUPPLEMENTARY_TARGETS)}
    if targets is not None:
        out.update(targets)
    return out


def _pick_region(assessment: pd.DataFrame, region: str | None) -> str:
    from greenplan.regions import CITY

    present = list(dict.fromkeys(assessment["region"].astype(str)))
    if region is not None:
        if region not in present:
            raise OptionError(
                f"region {region!r} is not in the assessment; it has: {', '.join(present)}."
            )
        return region
    if CITY in present or not present:
        return CITY
    return present[0]


def _entry(row: Mapping[str, Any], target: Target | None, confidence: _Confidence) -> dict:
    """One target of the report model (``targets[]`` of the JSON schema)."""
    status = str(row["status"])
    notes = [n.strip() for n in str(row.get("notes") or "").split(";") if n.strip()]
    region = str(row["region"])
    indicator = str(row["indicator"])
    kind = str(row["kind"])
    base_year_plan = target.base_year if target is not None else PLAN["base_year"]
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
        "chapter": chapter_of(str(row.get("section") or "")),
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
        },
        "baseline": figure(baseline_year, baseline, baseline_years),
        "latest": figure(latest_year, latest, latest_years),
        "completion": _num(row.get("completion")),
        "time_elapsed": _num(row.get("time_elapsed")),
        "gap": _num(row.get("gap")),
        "gap_relative": _num(row.get("gap_relative")),
        "required_annual_change": _num(row.get("required_annual_change")),
        "projected": _num(row.get("projected")),
        "projected_gap": _num(row.get("projected_gap")),
        "status": status,
        "status_zh": str(row.get("status_zh") or ""),
        "status_en": str(row.get("status_en") or ""),
        "reason": _reason(status, notes),
        "notes": notes,
    }


def _method_of(assessment: pd.DataFrame, attrs: Mapping[str, Any]) -> str:
    if attrs.get("method"):
        return str(attrs["method"])
    if len(assessment) and isinstance(assessment["method"].iloc[0], str):
        return str(assessment["method"].iloc[0])
    return "sequential"


def _summary(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = dict.fromkeys(_STATUSES, 0)
    reasons = dict.fromkeys(_REASONS, 0)
    flagged = {"derived": 0, "unverified": 0}
    years = []
    for e in entries:
        counts[e["status"]] = counts.get(e["status"], 0) + 1
        if e["reason"]:
            reasons[e["reason"]] += 1
        levels = [f["confidence"] for f in (e["baseline"], e["latest"]) if f]
        worst = _worst(levels)
        if worst in flagged:
            flagged[worst] += 1
        for f in (e["latest"], e["baseline"]):
            if f:
                years.append(f["year"])
    total = len(entries)
    labels = _status_labels()
    zh_parts = [f"{labels[s]['zh']} {counts[s]}项" for s in _STATUSES]
    en_parts = [f"{counts[s]} {labels[s]['en'].lower()}" for s in _STATUSES]
    zh_na = (
        f"（无数据 {reasons['no_data']}项，目标未设定 {reasons['target_not_set']}项，"
        f"其他 {reasons['other']}项）"
    )
    en_na = (
        f" ({reasons['no_data']} no data, {reasons['target_not_set']} target not set, "
        f"{reasons['other']} other)"
    )
    return {
        "total": total,
        "counts": counts,
        "not_assessable": reasons,
        "flagged": flagged,
        "data_year": max(years) if years else None,
        "text_zh": f"{total}项目标中：" + "，".join(zh_parts) + zh_na + "。",
        "text_en": f"Of {total} targets: " + ", ".join(en_parts) + en_na + ".",
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
        from greenplan.progress import style

        if self.assessment is None:
            raise GreenplanError("This report was built without its assessment table.")
        return style(self.assessment)

    # --- rendering -------------------------------------------------------------------------

    def render(self, fmt: str = "text", lang: str = "zh", *, plot_png: bytes | None = None) -> str:
        """Render as ``text``, ``markdown``, ``html`` or ``json`` in ``zh`` or ``en``.

        ``plot_png`` (PNG bytes, e.g. from :func:`greenplan.plot.progress_png`) is embedded in
        the HTML output; the other formats ignore it.
        """
        if fmt not in FORMATS:
            raise OptionError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
        if fmt == "json":
            return self.to_json()
        if lang not in LANGS:
            raise OptionError(f"Unknown language {lang!r}; choose one of {', '.join(LANGS)}.")
        if fmt == "text":
            return self.to_text(lang)
        if fmt == "markdown":
            return self.to_markdown(lang)
        return self.to_html(lang, plot_png=plot_png)

    def to_dict(self) -> dict[str, Any]:
        """Return the model as plain JSON-ready Python objects (a deep copy)."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = 2) -> str:
        """Return the model as JSON (UTF-8 text, Chinese kept readable)."""
        return json.dumps(self.model, ensure_ascii=False, indent=indent, allow_nan=False) + "\n"

    def to_text(self, lang: str = "zh", width: int = 100) -> str:
        """Plain text for a terminal, aligned by display width (CJK characters take two)."""
        return _render_text(self.model, lang, width)

    def to_markdown(self, lang: str = "zh") -> str:
        """Markdown: a summary and one table per plan chapter."""
        return _render_markdown(self.model, lang)

    def to_html(self, lang: str = "zh", *, plot_png: bytes | None = None) -> str:
        """One self-contained HTML page (inline CSS; the plot embedded as base64 PNG)."""
        return _render_html(self.model, lang, plot_png)

    def _repr_html_(self) -> str:
        return _render_html(self.model, "zh", None, fragment=True)


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

    Returns
    -------
    Report
        The report; ``report.model`` validates against ``resources/report_schema.json``.

    Raises
    ------
    OptionError
        ``assessment`` lacks the columns of :func:`greenplan.assess`, or ``region`` is not in it.
    """
    from greenplan.progress import ASSESS_COLUMNS

    missing = [c for c in ASSESS_COLUMNS if c not in assessment.columns]
    if missing:
        raise OptionError(
            f"build_report needs the output of greenplan.assess; missing column(s): "
            f"{', '.join(missing)}."
        )
    chosen = _pick_region(assessment, region)
    rows = assessment[assessment["region"].astype(str) == chosen]
    lookup = _target_lookup(targets)
    confidence = _Confidence(stats)
    entries = [
        _entry({str(k): v for k, v in row.items()}, lookup.get(str(row["key"])), confidence)
        for row in rows.to_dict(orient="records")
    ]
    attrs = dict(assessment.attrs.get("greenplan", {}))
    chapters = []
    for ch, (zh, en) in CHAPTERS.items():
        keys = [e["key"] for e in entries if e["chapter"] == ch]
        if keys:
            chapters.append({"id": ch, "title_zh": zh, "title_en": en, "targets": keys})
    orphans = [e["key"] for e in entries if not e["chapter"]]
    if orphans:
        chapters.append({"id": "", "title_zh": "其他", "title_en": "Other", "targets": orphans})
    stamp = generated_at or _dt.datetime.now(_dt.UTC)
    model: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": stamp.isoformat(timespec="seconds"),
        "greenplan_version": __version__,
        "plan": dict(PLAN),
        "region": chosen,
        "year": _int(attrs.get("year")),
        "method": _method_of(assessment, attrs),
        "options": {
            "compute": _json_safe(dict(compute_options or {})),
            "assess": _json_safe(dict(attrs.get("options") or {})),
        },
        "data": {"shipped": bool(shipped), "sources": [str(s) for s in sources]},
        "summary": _summary(entries),
        "chapters": chapters,
        "targets": entries,
    }
    return Report(model=model, assessment=assessment)


# --------------------------------------------------------------------------------------------
# Cells shared by the renderers
# --------------------------------------------------------------------------------------------


def _name(e: Mapping[str, Any], lang: str) -> str:
    return e["name_zh"] if lang == "zh" else e["name_en"]


def _unit_suffix(e: Mapping[str, Any]) -> str:
    unit = e["unit"] or (e["target"]["unit"] if e["kind"] in ("level", "cumulative") else "")
    return f" [{unit}]" if unit and unit != "1" else ""


def _figure_cell(f: Mapping[str, Any] | None, cumulative: bool = False) -> str:
    if not f:
        return "–"
    mark = _MARK.get(f["confidence"] or "", "")
    year = f"{PLAN['base_year'] + 1}–{f['year']}" if cumulative else str(f["year"])
    plan = "*" if f.get("from_plan") else ""
    return f"{_fmt(f['value'])}{plan} ({year}){' ' + mark if mark else ''}"


def _target_cell(e: Mapping[str, Any], lang: str) -> str:
    w = _WORDS[lang]
    t = e["target"]
    kind, bound = e["kind"], e["bound"]
    comparison = bound.removesuffix("_aspirational")
    sym = _BOUND_SYMBOL.get(comparison, "")
    value = t["value"]
    if kind == "direction":
        text = w["decrease"] if e["direction"] == "decrease" else "↑"
    elif kind == "non_increase":
        text = w["non_increase"]
    elif value is None:
        text = w["not_set"]
    elif kind == "change_vs_base":
        text = f"{sym if comparison != 'at_least' else ''}{_fmt(value, signed=True)}% vs "
        text += str(PLAN["base_year"])
        if t["level"] is not None:
            text += f" (→{_fmt(t['level'])})"
    elif kind == "cumulative":
        text = f"Σ{sym}{_fmt(value)}"
    elif kind == "elimination":
        text = "0"
    elif kind == "full_coverage":
        text = f"{_fmt(value)}%" if t["unit"] == "%" else _fmt(value)
    elif kind == "threshold":
        pct = "%" if t["unit"] == "%" else ""
        text = f"100% ({sym}{_fmt(value)}{pct})"
    else:
        text = f"{sym}{_fmt(value)}"
    if e["aspirational"]:
        text += f" ({w['aspirational']})"
    return text


def _status_cell(e: Mapping[str, Any], lang: str) -> str:
    if e["reason"] in ("no_data", "target_not_set"):
        return _WORDS[lang][e["reason"]]
    return e["status_zh"] if lang == "zh" else e["status_en"]


def _required_cell(e: Mapping[str, Any], lang: str) -> str:
    r = e["required_annual_change"]
    if r is None:
        return ""
    if r == 0:
        return _WORDS[lang]["maintain"]
    return f"{_fmt(r, signed=True)}{_WORDS[lang]['per_year']}"


def _notes(e: Mapping[str, Any], lang: str) -> list[str]:
    notes = list(e["notes"])
    # The status cell already says "no data" / "target not set": drop the generic note.
    generic = notes and notes[0].startswith(("no data for ", "target not set"))
    if generic and e["reason"] in ("no_data", "target_not_set"):
        notes = notes[1:]
    if lang == "zh":
        notes = [_note_zh(n) for n in notes]
    return notes


def _method_label(model: Mapping[str, Any], lang: str) -> str:
    m = model["method"]
    return f"{m} ({_WORDS[lang].get('method_' + m, m)})"


def _header_lines(model: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    w = _WORDS[lang]
    s = model["summary"]
    as_of = str(model["year"]) if model["year"] is not None else "–"
    latest = str(s["data_year"]) if s["data_year"] is not None else w["none"]
    data = w["shipped"] if model["data"]["shipped"] else ", ".join(model["data"]["sources"])
    return [
        (w["region"], model["region"]),
        (w["as_of"], as_of),
        (w["latest_data"], f"{latest} ({w['per_target']})"),
        (w["method"], _method_label(model, lang)),
        (w["data"], data or "–"),
        (w["generated"], f"{model['generated_at']} · greenplan {model['greenplan_version']}"),
    ]


def _flag_statement(model: Mapping[str, Any], lang: str) -> str:
    w = _WORDS[lang]
    f = model["summary"]["flagged"]
    if not (f["derived"] or f["unverified"]):
        return w["flags_none"] + " " + w["flags"]
    if lang == "zh":
        head = f"{f['derived']}项目标使用了推算数字 [D]，{f['unverified']}项使用了未核实数字 [?]。"
    else:
        head = (
            f"{f['derived']} target(s) use derived figures [D] and {f['unverified']} use "
            "unverified figures [?]. "
        )
    return head + w["flags"]


def _plan_star(model: Mapping[str, Any], lang: str) -> str:
    """Explain the ``*`` mark, when some baseline is the plan's own figure."""
    if not any((e["baseline"] or {}).get("from_plan") for e in model["targets"]):
        return ""
    if lang == "zh":
        return "带 * 的基期值取自规划原文(数据中无该年数值)。"
    return "A baseline marked * is the plan's own figure (the data has no value for that year)."


def _columns(lang: str) -> list[str]:
    w = _WORDS[lang]
    return [
        w["indicator"],
        w["baseline"],
        w["latest"],
        w["target"],
        w["completion"],
        w["time_elapsed"],
        w["status"],
    ]


def _cells(e: Mapping[str, Any], lang: str) -> list[str]:
    return [
        _name(e, lang) + _unit_suffix(e),
        _figure_cell(e["baseline"]),
        _figure_cell(e["latest"], cumulative=e["kind"] == "cumulative"),
        _target_cell(e, lang),
        _pct(e["completion"]),
        _pct(e["time_elapsed"]),
        _status_cell(e, lang),
    ]


def _by_chapter(model: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Mapping]]]:
    index = {e["key"]: e for e in model["targets"]}
    return [(c, [index[k] for k in c["targets"]]) for c in model["chapters"]]


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


def _wrap_name(name: str, width: int) -> list[str]:
    """Wrap a name, keeping a trailing " [unit]" whole (on the last line if it fits)."""
    base, sep, unit = name.rpartition(" [")
    if not sep:
        return _wrap(name, width)
    unit = "[" + unit
    lines = _wrap(base, width)
    if display_width(lines[-1]) + 1 + display_width(unit) <= width:
        lines[-1] += " " + unit
    else:
        lines.append(unit)
    return lines


def _render_text(model: Mapping[str, Any], lang: str, width: int) -> str:
    w = _WORDS[lang]
    out: list[str] = [w["title"], "=" * min(width, display_width(w["title"]))]
    head = _header_lines(model, lang)
    label_w = max(display_width(k) for k, _ in head)
    out += [f"{_pad(k, label_w)}  {v}" for k, v in head]
    out += ["", w["summary"], "-" * display_width(w["summary"])]
    summary = model["summary"]["text_zh" if lang == "zh" else "text_en"]
    out += _wrap(summary, width)
    out += _wrap(_flag_statement(model, lang), width)
    out += _wrap(_plan_star(model, lang), width) if _plan_star(model, lang) else []

    columns = _columns(lang)
    all_rows = [_cells(e, lang) for e in model["targets"]]
    name_w = min(28 if lang == "zh" else 30, max(display_width(r[0]) for r in [columns, *all_rows]))
    widths = [name_w] + [
        max(display_width(r[i]) for r in [columns, *all_rows]) for i in range(1, len(columns))
    ]
    right = {4, 5}

    def line(cells: list[str]) -> list[str]:
        name_lines = _wrap_name(cells[0], name_w)
        pairs = enumerate(zip(cells, widths, strict=True))
        first = [_pad(name_lines[0], name_w)] + [
            _pad(c, wd, right=i in right) for i, (c, wd) in pairs if i
        ]
        lines = ["  " + "  ".join(first).rstrip()]
        lines += ["  " + n for n in name_lines[1:]]
        return lines

    total_w = 2 + sum(widths) + 2 * (len(widths) - 1)
    for chapter, entries in _by_chapter(model):
        title = chapter["title_zh"] if lang == "zh" else chapter["title_en"]
        out += ["", title, "─" * total_w]
        out += line(columns)
        for e in entries:
            out += line(_cells(e, lang))
            extra = []
            req = _required_cell(e, lang)
            if req:
                extra.append(f"{w['required']}: {req}")
            extra += _notes(e, lang)
            if extra:
                sep = "；" if lang == "zh" else "; "
                out += ["      " + s for s in _wrap(sep.join(extra), max(total_w, width) - 6)]
    out += ["", *_wrap(w["footer"].format(version=model["greenplan_version"]), width)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _render_markdown(model: Mapping[str, Any], lang: str) -> str:
    w = _WORDS[lang]
    out = [f"# {w['title']}", ""]
    out += [f"- **{_md(k)}**: {_md(v)}" for k, v in _header_lines(model, lang)]
    out += ["", f"## {w['summary']}", ""]
    out.append(_md(model["summary"]["text_zh" if lang == "zh" else "text_en"]))
    out += ["", _md(_flag_statement(model, lang))]
    if _plan_star(model, lang):
        out += ["", _md(_plan_star(model, lang))]
    columns = [*_columns(lang), w["required"], w["notes"]]
    for chapter, entries in _by_chapter(model):
        title = chapter["title_zh"] if lang == "zh" else chapter["title_en"]
        out += ["", f"## {_md(title)}", ""]
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * 4 + "--:|" * 2 + "---|" * 3)
        for e in entries:
            cells = [*_cells(e, lang), _required_cell(e, lang), "; ".join(_notes(e, lang))]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    out += ["", "---", "", _md(w["footer"].format(version=model["greenplan_version"]))]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei",sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;color:#222;
line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.3rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:2px solid #ccc;padding-bottom:.2rem}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;font-size:.9rem}
dl.meta dt{color:#555}dl.meta dd{margin:0}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;margin:.6rem 0}
.chip{padding:.2rem .6rem;border-radius:1rem;font-size:.9rem;border:1px solid #bbb}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}
td.fig{white-space:nowrap}.notes{color:#555;font-size:.82rem}
.flag{color:#a15c00;font-weight:600}figure{margin:1rem 0}figure img{max-width:100%}
footer{margin-top:2rem;color:#666;font-size:.82rem}
"""


def _render_html(
    model: Mapping[str, Any], lang: str, plot_png: bytes | None, fragment: bool = False
) -> str:
    from greenplan.progress import STATUS_COLOURS, Status

    w = _WORDS[lang]
    esc = html.escape
    labels = _status_labels()
    colour = {s.value: c for s, c in STATUS_COLOURS.items() if isinstance(s, Status)}
    parts = [f"<h1>{esc(w['title'])}</h1>", '<dl class="meta">']
    for k, v in _header_lines(model, lang):
        parts.append(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>")
    parts.append("</dl>")
    parts.append(f"<h2>{esc(w['summary'])}</h2>")
    parts.append('<div class="chips">')
    counts = model["summary"]["counts"]
    for s in _STATUSES:
        parts.append(
            f'<span class="chip" style="background:{colour.get(s, "#fff")}">'
            f"{esc(labels[s][lang])}: {counts[s]}</span>"
        )
    parts.append("</div>")
    parts.append(f"<p>{esc(model['summary']['text_zh' if lang == 'zh' else 'text_en'])}</p>")
    parts.append(f'<p class="flag">{esc(_flag_statement(model, lang))}</p>')
    if _plan_star(model, lang):
        parts.append(f'<p class="notes">{esc(_plan_star(model, lang))}</p>')
    if plot_png:
        data = base64.b64encode(plot_png).decode("ascii")
        parts.append(
            f'<figure><img alt="{esc(w["plot"])}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(w['plot'])}</figcaption></figure>"
        )
    columns = [*_columns(lang), w["required"]]
    for chapter, entries in _by_chapter(model):
        title = chapter["title_zh"] if lang == "zh" else chapter["title_en"]
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append("<table><thead><tr>")
        parts += [f"<th>{esc(c)}</th>" for c in columns]
        parts.append("</tr></thead><tbody>")
        for e in entries:
            cells = _cells(e, lang)
            notes = _notes(e, lang)
            name = esc(cells[0])
            if e["plan_words_zh"]:
                name = f'<span title="{esc(e["plan_words_zh"])}">{name}</span>'
            if notes:
                name += '<div class="notes">' + "<br>".join(esc(n) for n in notes) + "</div>"
            style = f' style="background:{colour.get(e["status"], "#fff")}"'
            parts.append(
                "<tr>"
                f"<td>{name}</td>"
                f'<td class="fig">{esc(cells[1])}</td><td class="fig">{esc(cells[2])}</td>'
                f"<td>{esc(cells[3])}</td>"
                f'<td class="num">{esc(cells[4])}</td><td class="num">{esc(cells[5])}</td>'
                f"<td{style}>{esc(cells[6])}</td>"
                f'<td class="num">{esc(_required_cell(e, lang))}</td>'
                "</tr>"
            )
        parts.append("</tbody></table>")
    parts.append(f"<footer>{esc(w['footer'].format(version=model['greenplan_version']))}</footer>")
    body = "\n".join(parts)
    if fragment:
        return f'<div class="greenplan-report"><style>{_CSS}</style>{body}</div>'
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(w['title'])}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------
# Running the whole chain
# --------------------------------------------------------------------------------------------


def shipped_data_paths() -> list[Path]:
    """Return the Jinan data folders shipped with greenplan: ``baseline_2020/``, ``jinan/``.

    ``data/examples`` (synthetic example data) is never part of it.
    """
    from greenplan._resources import data_dir

    root = data_dir()
    return [root / "baseline_2020", root / "jinan"]


def split_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``NAME=VALUE`` options into those of :func:`greenplan.compute` and of ``assess``.

    Raises
    ------
    OptionError
        A name that neither accepts, with the closest known names.
    """
    from greenplan.indicators.registry import OPTIONS, load_all
    from greenplan.progress import AssessOptions

    load_all()
    assess_names = set(AssessOptions.__annotations__)
    compute_opts: dict[str, Any] = {}
    assess_opts: dict[str, Any] = {}
    for name, value in options.items():
        if name in OPTIONS:
            compute_opts[name] = value
        elif name in assess_names:
            assess_opts[name] = value
        else:
            import difflib

            known = sorted({*OPTIONS, *assess_names})
            close = difflib.get_close_matches(name, known, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise OptionError(f"Unknown option {name!r}.{hint} Known: {', '.join(known)}.")
    return compute_opts, assess_opts


def generate_report(
    paths: Sequence[str | Path] | None = None,
    *,
    year: int | None = None,
    method: str = "sequential",
    targets: Mapping[str, Target] | None = None,
    region: str | None = None,
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
    from greenplan.engine import compute
    from greenplan.io import read_statistics
    from greenplan.progress import assess
    from greenplan.targets import TARGETS

    shipped = paths is None
    chosen = shipped_data_paths() if paths is None else [Path(p) for p in paths]
    compute_opts, assess_opts = split_options(options)
    stats = read_statistics(*chosen)
    values = compute(stats, **compute_opts)
    ts = dict(TARGETS) if targets is None else dict(targets)
    assessment = assess(values, year=year, targets=ts, method=method, **assess_opts)
    # the confidence tags come from the canonical table's note column (备注/note of the files)
    sources = [p.name for p in chosen] if shipped else [str(p) for p in chosen]
    return build_report(
        assessment,
        region=region,
        targets=ts,
        stats=stats,
        sources=sources,
        shipped=shipped,
        compute_options=values.attrs.get("greenplan", {}).get("options", compute_opts),
    )


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of :meth:`Report.to_json`."""
    from greenplan._resources import resource_path

    return json.loads(resource_path("report_schema.json").read_text(encoding="utf-8"))

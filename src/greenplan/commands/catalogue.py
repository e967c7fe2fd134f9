"""``greenplan catalogue``: the plan's quantified targets (``--plan PATH`` for another plan)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping

from greenplan.commands import emit, lang_of
from greenplan.definitions import Target
from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.plans import default_plan, load_plan
from greenplan.report.style import display_width as _width
from greenplan.targets import TARGETS

__all__ = ["FORMATS", "render", "run"]

FORMATS = ("table", "json", "markdown")

_HEAD = {
    "zh": ["键", "指标", "目标值", "单位", "年份", "类型", "约束", "范围", "章节", "规划原文"],
    "en": [
        "key",
        "indicator",
        "value",
        "unit",
        "year",
        "kind",
        "bound",
        "scope",
        "section",
        "plan words",
    ],
}


def _cells(t: Target) -> list[str]:
    value = "" if t.value is None else f"{t.value:g}"
    return [
        t.key,
        t.indicator,
        value,
        t.unit,
        "" if t.year is None else str(t.year),
        t.kind.value,
        t.bound.value,
        t.applies_in.value,
        t.section,
        t.plan_words_zh,
    ]


def render(fmt: str, lang: str = "zh", targets: Mapping[str, Target] | None = None) -> str:
    """Render the catalogue as ``table``, ``json`` or ``markdown`` (``lang``: ``zh``/``en``)."""
    if fmt not in FORMATS:
        raise GreenplanError(
            msg("commands.catalogue.unknown_format", format=repr(fmt), formats=", ".join(FORMATS))
        )
    if lang not in _HEAD:
        raise GreenplanError(
            msg("commands.catalogue.unknown_lang", lang=repr(lang), langs=", ".join(_HEAD))
        )
    ts = TARGETS if targets is None else targets
    if fmt == "json":
        # the scope as it applies (stated, or the default for the kind and unit)
        rows_json = [
            {**t.model_dump(mode="json"), "scope": t.applies_in.value} for t in ts.values()
        ]
        return json.dumps(rows_json, ensure_ascii=False, indent=2)
    rows = [_cells(t) for t in ts.values()]
    head = _HEAD[lang]
    if fmt == "markdown":
        lines = [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            *("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows),
        ]
        return "\n".join(lines) + "\n"
    widths = [max(_width(x) for x in col) for col in zip(head, *rows, strict=False)]
    widths[-1] = 0  # the plan's words are last and not padded

    def line(cells: list[str]) -> str:
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = ["-" * w for w in widths[:-1]] + ["-" * _width(head[-1])]
    return "\n".join([line(head), line(rule), *map(line, rows)]) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the catalogue (in ``args.lang``, else the default language); exit code 0."""
    plan = load_plan(args.plan) if getattr(args, "plan", None) else default_plan()
    emit(render(args.format, lang_of(args), plan.targets), args.output)
    return 0

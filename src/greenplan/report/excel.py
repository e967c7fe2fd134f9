"""Excel workbook (``.xlsx``) of the progress report.

Needs the optional ``excel`` extra (openpyxl). Numbers are written as numeric cells, never as
text; each table sheet has a frozen header row and an autofilter; status cells carry the
background colour of :data:`greenplan.report.style.STATUS_COLOURS`.

Examples
--------
>>> from greenplan.report import generate_report
>>> generate_report().to_excel("report.xlsx", lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from greenplan._xlsx import solid_fill, write_table
from greenplan.errors import GreenplanError
from greenplan.messages import is_lang, msg, text
from greenplan.report.style import STATUS_COLOURS


def _headers(lang: str) -> dict[str, str]:
    """Sheet names and column headers of the workbook in ``lang`` (catalogue ``report.xlsx.*``)."""
    return {
        "summary": text("report.xlsx.summary", lang),
        "sources": text("report.xlsx.sources", lang),
        "item": text("report.xlsx.item", lang),
        "value": text("report.xlsx.value", lang),
        "id": text("report.xlsx.id", lang),
        "section": text("report.xlsx.section", lang),
        "unit": text("report.xlsx.unit", lang),
        "base_year": text("report.xlsx.base_year", lang),
        "base": text("report.xlsx.base", lang),
        "latest_year": text("report.xlsx.latest_year", lang),
        "latest": text("report.xlsx.latest", lang),
        "target_year": text("report.xlsx.target_year", lang),
        "target": text("report.xlsx.target", lang),
        "completion": text("report.xlsx.completion", lang),
        "elapsed": text("report.xlsx.elapsed", lang),
        "status": text("report.xlsx.status", lang),
        "required": text("report.xlsx.required", lang),
        "notes": text("report.xlsx.notes", lang),
        "source": text("report.xlsx.source", lang),
        "total": text("report.xlsx.total", lang),
        "plan": text("report.xlsx.plan", lang),
        "region": text("report.xlsx.region", lang),
        "year": text("report.xlsx.year", lang),
    }


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise GreenplanError(msg("report.needs_openpyxl")) from exc
    return openpyxl


def _pct(share: Any) -> float | None:
    return None if share is None else round(float(share) * 100, 4)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_report_excel(model: Mapping[str, Any], target: str | IO[bytes], lang: str = "zh") -> None:
    """Write a report model as a workbook: summary, one sheet per chapter, sources.

    Parameters
    ----------
    model : mapping
        ``Report.model``.
    target : str, path or binary file
        Where to save the workbook.
    lang : {"zh", "en"}
        Language of sheet names, headers and statuses.
    """
    if not is_lang(lang):
        raise GreenplanError(msg("report.xlsx_bad_lang", lang=repr(lang)))
    openpyxl = _openpyxl()
    h = _headers(lang)
    wb = openpyxl.Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title(h["summary"], used)
    s = model["summary"]
    plan = model["plan"]
    info: list[list[Any]] = [
        [h["plan"], plan["name_zh" if lang == "zh" else "name_en"]],
        [h["region"], model.get("region")],
        [h["year"], s.get("data_year")],
        [h["total"], s["total"]],
    ]
    labels = {
        t["status"]: t["status_zh" if lang == "zh" else "status_en"] for t in model["targets"]
    }
    status_rows: list[int] = []
    for status, count in s["counts"].items():
        info.append([labels.get(status, status), count])
        status_rows.append(len(info) + 1)
    write_table(ws, [h["item"], h["value"]], info)
    for row, status in zip(status_rows, s["counts"], strict=True):
        ws.cell(row=row, column=1).fill = solid_fill(STATUS_COLOURS[status])
    ws.append([])
    ws.append([s["text_zh" if lang == "zh" else "text_en"]])

    by_key = {t["key"]: t for t in model["targets"]}
    header = [
        h["id"], h["section"], h["unit"], h["base_year"], h["base"], h["latest_year"],
        h["latest"], h["target_year"], h["target"], h["completion"], h["elapsed"],
        h["status"], h["required"], h["notes"],
    ]  # fmt: skip
    for chapter in model["chapters"]:
        entries = [by_key[k] for k in chapter["targets"] if k in by_key]
        if not entries:
            continue
        ws = wb.create_sheet(
            _sheet_title(chapter["title_zh" if lang == "zh" else "title_en"], used)
        )
        rows = []
        for e in entries:
            base, latest, target_ = e.get("baseline") or {}, e.get("latest") or {}, e["target"]
            rows.append([
                e["name_zh" if lang == "zh" else "name_en"], e["section"], e["unit"],
                base.get("year"), base.get("value"), latest.get("year"), latest.get("value"),
                target_.get("year"), target_.get("value"), _pct(e.get("completion")),
                _pct(e.get("time_elapsed")), e["status_zh" if lang == "zh" else "status_en"],
                e.get("required_annual_change"),
                "; ".join(e["notes_zh" if lang == "zh" else "notes"]),
            ])  # fmt: skip
        write_table(ws, header, rows)
        col = header.index(h["status"]) + 1
        for i, e in enumerate(entries, start=2):
            ws.cell(row=i, column=col).fill = solid_fill(STATUS_COLOURS[e["status"]])
    ws = wb.create_sheet(_sheet_title(h["sources"], used))
    data = model.get("data") or {}
    sources = [[src] for src in data.get("sources", [])]
    sources.append([f"{plan['name_zh']} ({plan['issued_by']}, {plan['issued']})"])
    write_table(ws, [h["source"]], sources)
    wb.save(target)

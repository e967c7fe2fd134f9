"""Renderers of the report model: terminal text (CJK-width aware), Markdown, HTML and JSON.

Each renderer takes the JSON-ready model of :func:`greenplan.report.build_report` (a mapping
following ``resources/report_schema.json``) and a language, and returns text.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from typing import Any

from greenplan.messages import text
from greenplan.progress.notes import note_zh
from greenplan.report.style import (
    STATUS_COLOURS,
    STATUSES,
    display_width,
    fmt,
    pad,
    pct,
    status_labels,
    wrap,
)

_MARK = {"derived": "[D]", "unverified": "[?]"}

_BOUND_SYMBOL = {"at_least": "≥", "at_most": "≤", "approximately": "≈", "below": "<", "above": ">"}

# --------------------------------------------------------------------------------------------
# Cells shared by the renderers
# --------------------------------------------------------------------------------------------


def _name(e: Mapping[str, Any], lang: str) -> str:
    return e["name_zh"] if lang == "zh" else e["name_en"]


def _unit_suffix(e: Mapping[str, Any]) -> str:
    unit = e["unit"] or (e["target"]["unit"] if e["kind"] in ("level", "cumulative") else "")
    return f" [{unit}]" if unit and unit != "1" else ""


def _figure_cell(f: Mapping[str, Any] | None, base_year: int, cumulative: bool = False) -> str:
    if not f:
        return "–"
    mark = _MARK.get(f["confidence"] or "", "")
    year = f"{base_year + 1}–{f['year']}" if cumulative else str(f["year"])
    plan = "*" if f.get("from_plan") else ""
    return f"{fmt(f['value'])}{plan} ({year}){' ' + mark if mark else ''}"


def _target_cell(e: Mapping[str, Any], lang: str, base_year: int) -> str:
    t = e["target"]
    kind, bound = e["kind"], e["bound"]
    comparison = bound.removesuffix("_aspirational")
    sym = _BOUND_SYMBOL.get(comparison, "")
    value = t["value"]
    if kind == "direction":
        cell = text("report.decrease", lang) if e["direction"] == "decrease" else "↑"
    elif kind == "non_increase":
        cell = text("report.non_increase", lang)
    elif value is None:
        cell = text("report.not_set", lang)
    elif kind == "change_vs_base":
        cell = f"{sym if comparison != 'at_least' else ''}{fmt(value, signed=True)}% vs "
        cell += str(base_year)
        if t["level"] is not None:
            cell += f" (→{fmt(t['level'])})"
    elif kind == "cumulative":
        cell = f"Σ{sym}{fmt(value)}"
    elif kind == "elimination":
        cell = "0"
    elif kind == "full_coverage":
        cell = f"{fmt(value)}%" if t["unit"] == "%" else fmt(value)
    elif kind == "threshold":
        pct = "%" if t["unit"] == "%" else ""
        cell = f"100% ({sym}{fmt(value)}{pct})"
    else:
        cell = f"{sym}{fmt(value)}"
    if e["aspirational"]:
        cell += f" ({text('report.aspirational', lang)})"
    if t.get("overridden"):
        cell += f" ({text('report.overrides', lang)} {t['overridden']})"
    return cell


def _status_cell(e: Mapping[str, Any], lang: str) -> str:
    if e["reason"] in ("no_data", "no_base_year_value", "target_not_set", "city_wide_target"):
        return text(f"report.reason.{e['reason']}", lang)
    return e["status_zh"] if lang == "zh" else e["status_en"]


def _required_cell(e: Mapping[str, Any], lang: str) -> str:
    r = e["required_annual_change"]
    if r is None:
        return ""
    if r == 0:
        return text("report.maintain", lang)
    return f"{fmt(r, signed=True)}{text('report.per_year', lang)}"


def _notes(e: Mapping[str, Any], lang: str, base_year: int) -> list[str]:
    notes = list(e["notes"])
    # The status cell already says "no data" / "target not set": drop the generic note.
    generic = notes and notes[0].startswith(("no data for ", "target not set"))
    if generic and e["reason"] in ("no_data", "target_not_set"):
        notes = notes[1:]
    if lang == "zh":
        notes = [note_zh(n) for n in notes]
    if not e["target"]["set"] and e.get("change") is not None:  # the figure without a target
        change = text("report.change", lang, year=base_year)
        notes.insert(0, f"{change}: {fmt(e['change'], signed=True)}%")
    return notes


def report_title(model: Mapping[str, Any], lang: str) -> str:
    """Title of the report: the plan's name; a final evaluation (总结评估) says so."""
    final = model["summary"].get("final", False)
    plan = model["plan"]["name_zh" if lang == "zh" else "name_en"]
    if final:
        return text("report.title_final", lang, plan=plan)
    return text("report.title", lang, plan=plan)


def _method_label(model: Mapping[str, Any], lang: str) -> str:
    m = model["method"]
    try:  # only report.csv is read (the whole catalogue is 25 files)
        label = text(f"report.method.{m}", lang)
    except KeyError:  # a method the catalogue has no name for
        label = m
    return f"{m} ({label})"


def _header_lines(model: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    s = model["summary"]
    none = text("report.none", lang)
    latest = str(s["data_year"]) if s["data_year"] is not None else none
    if model["year"] is not None:
        as_of = str(model["year"])
    else:  # no --year: as of the latest data, each target its own latest year
        as_of = (
            f"{latest} ({text('report.as_of_latest', lang)})"
            if s["data_year"] is not None
            else none
        )
    shipped = model["data"]["shipped"]
    data = text("report.shipped", lang) if shipped else ", ".join(model["data"]["sources"])
    return [
        (text("report.head.region", lang), model["region"]),
        (text("report.head.as_of", lang), as_of),
        (text("report.head.latest_data", lang), f"{latest} ({text('report.per_target', lang)})"),
        (text("report.head.method", lang), _method_label(model, lang)),
        (text("report.head.data", lang), data or "–"),
        (
            text("report.head.generated", lang),
            f"{model['generated_at']} · greenplan {model['greenplan_version']}",
        ),
    ]


def _versions(model: Mapping[str, Any], lang: str) -> str:
    """Return greenplan's version, and the data version when the shipped data was read."""
    data = model.get("data_version")
    if not data:
        return str(model["greenplan_version"])
    return str(model["greenplan_version"]) + text("report.data_version", lang, data=data)


def _flag_statement(model: Mapping[str, Any], lang: str) -> str:
    f = model["summary"]["flagged"]
    if not (f["derived"] or f["unverified"]):
        return text("report.flags_none", lang) + " " + text("report.flags", lang)
    head = text("report.flags_head", lang, derived=f["derived"], unverified=f["unverified"])
    return head + text("report.flags", lang)


def _remarks(model: Mapping[str, Any], lang: str, chart_lang: str | None) -> list[str]:
    """Lines the reader must see above the tables: overridden targets, an English chart."""
    out = []
    over = [e for e in model["targets"] if e["target"].get("overridden")]
    if over:
        sep = "，" if lang == "zh" else ", "
        names = sep.join(
            f"{_name(e, lang)} ({e['target']['overridden']} → {fmt(e['target']['value'])})"
            for e in over
        )
        out.append(text("report.overrides_note", lang, n=len(over)) + names)
    if chart_lang == "en" and lang != "en":  # no font with Chinese glyphs: an English chart
        out.append(text("report.chart_en", lang))
    return out


def _evaluation_line(model: Mapping[str, Any], lang: str) -> str:
    """One sentence on the comprehensive evaluation (anchored scores, docs/evaluation.md)."""
    ev = model.get("evaluation") or {}
    index, scored, n = ev.get("index"), ev.get("scored", 0), ev.get("targets", 0)
    if index is None:
        return text("report.evaluation_none", lang)
    return text("report.evaluation", lang, index=index, scored=scored, n=n)


def _plan_star(model: Mapping[str, Any], lang: str) -> str:
    """Explain the ``*`` mark, when some baseline is the plan's own figure."""
    if not any((e["baseline"] or {}).get("from_plan") for e in model["targets"]):
        return ""
    return text("report.plan_star", lang)


def _columns(lang: str) -> list[str]:
    return [
        text("report.col.indicator", lang),
        text("report.col.baseline", lang),
        text("report.col.latest", lang),
        text("report.col.target", lang),
        text("report.col.completion", lang),
        text("report.col.time_elapsed", lang),
        text("report.col.status", lang),
    ]


def _cells(e: Mapping[str, Any], lang: str, base_year: int) -> list[str]:
    return [
        _name(e, lang) + _unit_suffix(e),
        _figure_cell(e["baseline"], base_year),
        _figure_cell(e["latest"], base_year, cumulative=e["kind"] == "cumulative"),
        _target_cell(e, lang, base_year),
        pct(e["completion"]),
        pct(e["time_elapsed"]),
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
        return wrap(name, width)
    unit = "[" + unit
    lines = wrap(base, width)
    if display_width(lines[-1]) + 1 + display_width(unit) <= width:
        lines[-1] += " " + unit
    else:
        lines.append(unit)
    return lines


def render_text(
    model: Mapping[str, Any], lang: str, width: int, chart_lang: str | None = None
) -> str:
    """Render plain text for a terminal, aligned by display width (CJK characters take two).

    ``chart_lang``: the language of a chart drawn with the report; when it is not ``lang``
    (no font with Chinese glyphs) the report says so.
    """
    out: list[str] = [
        report_title(model, lang),
        "=" * min(width, display_width(report_title(model, lang))),
    ]
    head = _header_lines(model, lang)
    label_w = max(display_width(k) for k, _ in head)
    out += [f"{pad(k, label_w)}  {v}" for k, v in head]
    summary_head = text("report.summary", lang)
    out += ["", summary_head, "-" * display_width(summary_head)]
    summary = model["summary"]["text_zh" if lang == "zh" else "text_en"]
    out += wrap(summary, width)
    out += wrap(_flag_statement(model, lang), width)
    out += wrap(_evaluation_line(model, lang), width)
    out += wrap(_plan_star(model, lang), width) if _plan_star(model, lang) else []
    for remark in _remarks(model, lang, chart_lang):
        out += wrap(remark, width)

    columns = _columns(lang)
    all_rows = [_cells(e, lang, model["plan"]["base_year"]) for e in model["targets"]]
    name_w = min(28 if lang == "zh" else 30, max(display_width(r[0]) for r in [columns, *all_rows]))
    widths = [name_w] + [
        max(display_width(r[i]) for r in [columns, *all_rows]) for i in range(1, len(columns))
    ]
    right = {4, 5}

    def line(cells: list[str]) -> list[str]:
        name_lines = _wrap_name(cells[0], name_w)
        pairs = enumerate(zip(cells, widths, strict=True))
        first = [pad(name_lines[0], name_w)] + [
            pad(c, wd, right=i in right) for i, (c, wd) in pairs if i
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
            out += line(_cells(e, lang, model["plan"]["base_year"]))
            extra = []
            req = _required_cell(e, lang)
            if req:
                extra.append(f"{text('report.col.required', lang)}: {req}")
            extra += _notes(e, lang, model["plan"]["base_year"])
            if extra:
                sep = "；" if lang == "zh" else "; "
                out += ["      " + s for s in wrap(sep.join(extra), max(total_w, width) - 6)]
    out += ["", *wrap(text("report.footer", lang, version=_versions(model, lang)), width)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(model: Mapping[str, Any], lang: str, chart_lang: str | None = None) -> str:
    """Render Markdown: a summary and one table per plan chapter (``chart_lang``: as text)."""
    out = [f"# {report_title(model, lang)}", ""]
    out += [f"- **{_md(k)}**: {_md(v)}" for k, v in _header_lines(model, lang)]
    out += ["", f"## {text('report.summary', lang)}", ""]
    out.append(_md(model["summary"]["text_zh" if lang == "zh" else "text_en"]))
    out += ["", _md(_flag_statement(model, lang))]
    out += ["", _md(_evaluation_line(model, lang))]
    if _plan_star(model, lang):
        out += ["", _md(_plan_star(model, lang))]
    for remark in _remarks(model, lang, chart_lang):
        out += ["", _md(remark)]
    columns = [*_columns(lang), text("report.col.required", lang), text("report.col.notes", lang)]
    for chapter, entries in _by_chapter(model):
        title = chapter["title_zh"] if lang == "zh" else chapter["title_en"]
        out += ["", f"## {_md(title)}", ""]
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * 4 + "--:|" * 2 + "---|" * 3)
        for e in entries:
            cells = [
                *_cells(e, lang, model["plan"]["base_year"]),
                _required_cell(e, lang),
                "; ".join(_notes(e, lang, model["plan"]["base_year"])),
            ]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    out += ["", "---", "", _md(text("report.footer", lang, version=_versions(model, lang)))]
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


def render_html(
    model: Mapping[str, Any],
    lang: str,
    plot_png: bytes | None,
    fragment: bool = False,
    chart_lang: str | None = None,
) -> str:
    """Render one self-contained HTML page (or a ``fragment`` for notebooks); the plot inline.

    ``chart_lang``: the language of the chart's labels, said under it when it is not ``lang``.
    """
    esc = html.escape
    labels = status_labels()
    colour = {s.value: c for s, c in STATUS_COLOURS.items()}
    parts = [f"<h1>{esc(report_title(model, lang))}</h1>", '<dl class="meta">']
    for k, v in _header_lines(model, lang):
        parts.append(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>")
    parts.append("</dl>")
    parts.append(f"<h2>{esc(text('report.summary', lang))}</h2>")
    parts.append('<div class="chips">')
    counts = model["summary"]["counts"]
    for s in STATUSES:
        parts.append(
            f'<span class="chip" style="background:{colour.get(s, "#fff")}">'
            f"{esc(labels[s][lang])}: {counts[s]}</span>"
        )
    parts.append("</div>")
    parts.append(f"<p>{esc(model['summary']['text_zh' if lang == 'zh' else 'text_en'])}</p>")
    parts.append(f'<p class="flag">{esc(_flag_statement(model, lang))}</p>')
    parts.append(f"<p>{esc(_evaluation_line(model, lang))}</p>")
    if _plan_star(model, lang):
        parts.append(f'<p class="notes">{esc(_plan_star(model, lang))}</p>')
    for remark in _remarks(model, lang, chart_lang if plot_png else None):
        parts.append(f'<p class="flag">{esc(remark)}</p>')
    if plot_png:
        data = base64.b64encode(plot_png).decode("ascii")
        caption = esc(text("report.plot", lang))
        parts.append(
            f'<figure><img alt="{caption}" src="data:image/png;base64,{data}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    columns = [*_columns(lang), text("report.col.required", lang)]
    for chapter, entries in _by_chapter(model):
        title = chapter["title_zh"] if lang == "zh" else chapter["title_en"]
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append("<table><thead><tr>")
        parts += [f"<th>{esc(c)}</th>" for c in columns]
        parts.append("</tr></thead><tbody>")
        for e in entries:
            cells = _cells(e, lang, model["plan"]["base_year"])
            notes = _notes(e, lang, model["plan"]["base_year"])
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
    footer = text("report.footer", lang, version=_versions(model, lang))
    parts.append(f"<footer>{esc(footer)}</footer>")
    body = "\n".join(parts)
    if fragment:
        return f'<div class="greenplan-report"><style>{_CSS}</style>{body}</div>'
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(report_title(model, lang))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def render_json(model: Mapping[str, Any], indent: int | None = 2) -> str:
    """Render the model as JSON (UTF-8 text, Chinese kept readable)."""
    return json.dumps(model, ensure_ascii=False, indent=indent, allow_nan=False) + "\n"

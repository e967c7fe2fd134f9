"""Chart of the progress report: every target's completion against time elapsed.

One horizontal bar per target, grouped by plan chapter: the bar is the completion (完成进度,
share of the way from the baseline to the target), coloured by status, and a black tick marks
the time elapsed (序时进度) at the target's latest year, so a bar that stops short of its tick
is behind schedule. A target assessed without a completion (明显下降, 只减不增: a direction, no
number) gets a short bar in its status colour and its status; targets that cannot be assessed
are listed with the reason ("no data", "target not set", "city-wide target") instead of a bar,
so the chart shows all of them, and the legend counts the rows drawn per status.

Needs matplotlib, an optional extra: ``pip install "greenplan[plot]"``. The figure is drawn
with matplotlib's object API (no pyplot, no global state, no display needed).

Examples
--------
>>> from greenplan.report import generate_report
>>> from greenplan.plot import save_progress_plot
>>> save_progress_plot(generate_report(), "progress.png", lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenplan.errors import GreenplanError
from greenplan.report import Report, build_report
from greenplan.report.style import display_width, status_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "BAR_COLOURS",
    "CJK_FONTS",
    "PLOT_FORMATS",
    "MissingPlotDependencyError",
    "PlotPathError",
    "cjk_font",
    "plot_language",
    "plot_path",
    "progress_figure",
    "progress_png",
    "save_progress_plot",
]

BAR_COLOURS: Mapping[str, str] = {
    "achieved": "#2e7d32",
    "not_achieved": "#8e0000",
    "ahead_of_schedule": "#7cb342",
    "on_schedule": "#1e88e5",
    "behind_schedule": "#fb8c00",
    "moving_away": "#e53935",
    "not_assessable": "#9e9e9e",
}
"""Bar colour of each status (saturated, distinguishable in print and by most colour-blind
readers: green/blue/orange/red; the status is also written next to each bar)."""

_FINAL = ("achieved", "not_achieved", "not_assessable")
"""Statuses a final evaluation (总结评估) always lists in the legend; others only when present."""
_PROGRESS = tuple(s for s in BAR_COLOURS if s != "not_achieved")

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Arial Unicode MS",
)
"""Font families tried, in order, for Chinese labels."""

_WORDS = {
    "zh": {
        "title": "{plan} 目标进度",
        "title_final": "{plan} 总结评估",
        "xlabel": "完成进度(条) 与 序时进度(竖线)",
        "tick": "序时进度",
        "no_data": "无数据",
        "target_not_set": "目标未设定",
        "other": "无法评估",
        "no_base_year_value": "缺少基期值",
        "city_wide_target": "全市目标(不分解到区县)",
        "direction": "方向性目标，无完成进度",
        "non_increase": "只减不增，无完成进度",
        "no_completion": "无完成进度",
        "data_year": "数据截至",
    },
    "en": {
        "title": "{plan}: progress",
        "title_final": "{plan}: final evaluation",
        "xlabel": "Completion (bar) against time elapsed (tick)",
        "tick": "Time elapsed",
        "no_data": "no data",
        "target_not_set": "target not set",
        "other": "not assessable",
        "no_base_year_value": "no base-year value",
        "city_wide_target": "city-wide target (not set for a district)",
        "direction": "direction only, no completion",
        "non_increase": "no increase, no completion",
        "no_completion": "no completion",
        "data_year": "data up to",
    },
}


class MissingPlotDependencyError(GreenplanError, ImportError):
    """matplotlib, needed for charts, is not installed."""


class PlotPathError(GreenplanError, ValueError):
    """The path given for the chart is not a ``.png``, ``.svg`` or ``.pdf`` file or a folder."""


PLOT_FORMATS: tuple[str, ...] = (".png", ".svg", ".pdf")
"""Suffixes of the files the chart is written to (the suffix chooses the format)."""

PLOT_NAME = "progress.png"
"""File name of the chart written into a folder given as its path."""


def plot_path(path: str | Path) -> Path:
    """Return the file the chart is written to: ``path``, or ``path/progress.png`` for a folder.

    Parameters
    ----------
    path : str or Path
        A ``.png``, ``.svg`` or ``.pdf`` file (suffix in any case), or an existing folder (or a
        path ending in ``/``, which must exist).

    Raises
    ------
    PlotPathError
        Another suffix (``out.txt``), no suffix, or a folder that does not exist.

    Examples
    --------
    >>> plot_path("out/chart.svg").as_posix()
    'out/chart.svg'
    >>> try:
    ...     plot_path("chart.txt")
    ... except PlotPathError as exc:
    ...     print(str(exc)[:46])
    --plot chart.txt: the chart is written as .png
    """
    text = str(path)
    p = Path(path)
    if p.is_dir():
        return p / PLOT_NAME
    if text.endswith(("/", "\\")):
        raise PlotPathError(f"--plot {text}: the folder does not exist.")
    suffix = p.suffix.lower()
    if suffix not in PLOT_FORMATS:
        what = f"{p.suffix!r} is not one of them" if p.suffix else "it has no suffix"
        raise PlotPathError(
            f"--plot {text}: the chart is written as .png, .svg or .pdf (the suffix chooses the "
            f"format), or into a folder as {PLOT_NAME}; {what}."
        )
    return p


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise MissingPlotDependencyError(
            'Plots need matplotlib, which is not installed: pip install "greenplan[plot]"'
        ) from None
    return matplotlib


def cjk_font() -> str | None:
    """Name of an installed font family that has Chinese glyphs, or None.

    Raises
    ------
    MissingPlotDependencyError
        matplotlib is not installed.
    """
    _matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _has_bold(family: str) -> bool:
    from matplotlib import font_manager

    return any(
        f.name == family and str(f.weight) in ("bold", "700", "heavy", "800", "900")
        for f in font_manager.fontManager.ttflist
    )


def plot_language(lang: str) -> str:
    """Return the language the chart will use: ``zh`` needs a Chinese font, else ``en``."""
    if lang == "zh" and cjk_font() is None:
        return "en"
    return lang


def _as_model(report: Report | pd.DataFrame | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(report, Report):
        return report.model
    if isinstance(report, Mapping):
        return report
    return build_report(report).model


def _short(text: str, limit: int) -> str:
    if display_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > limit - 1:
            break
        out += ch
    return out.rstrip() + "…"


def progress_figure(
    report: Report | pd.DataFrame | Mapping[str, Any], *, lang: str = "zh", title: str | None = None
) -> Figure:
    """Draw every target's completion against time elapsed, coloured by status.

    Parameters
    ----------
    report : Report, report model (dict) or assessment DataFrame
        What to draw; a DataFrame (the output of :func:`greenplan.assess`) is first turned
        into a report with :func:`greenplan.report.build_report`.
    lang : {"zh", "en"}
        Language of the labels. Chinese needs a font with Chinese glyphs (:data:`CJK_FONTS`);
        without one the chart falls back to English and warns.
    title : str, optional
        Title of the chart; default the plan's name and the data year ("final evaluation",
        总结评估, when the report is one).

    Returns
    -------
    matplotlib.figure.Figure
        One row per target (plan order, grouped by chapter); completion bars clipped to
        −50 % … 110 % (the value is printed next to each bar).

    Raises
    ------
    MissingPlotDependencyError
        matplotlib is not installed (``pip install "greenplan[plot]"``).
    """
    _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    model = _as_model(report)
    used = plot_language(lang)
    if used != lang:
        warnings.warn(
            "No font with Chinese glyphs is installed (e.g. Noto Sans CJK SC): the chart's "
            "labels are in English.",
            UserWarning,
            stacklevel=2,
        )
    words = _WORDS[used]
    labels = status_labels()
    font = cjk_font() if used == "zh" else None
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    heading_weight = "bold" if font is None or _has_bold(font) else "normal"

    index = {t["key"]: t for t in model["targets"]}
    rows: list[tuple[str, Mapping[str, Any] | None]] = []
    for chapter in model["chapters"]:
        rows.append((chapter["title_zh"] if used == "zh" else chapter["title_en"], None))
        rows += [(k, index[k]) for k in chapter["targets"]]

    height = 1.8 + 0.27 * len(rows)
    fig = Figure(figsize=(12, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    lo, hi = -0.5, 1.1
    y_labels: list[str] = []
    drawn: dict[str, int] = {}
    for i, (label, t) in enumerate(rows):
        y = -i
        if t is None:  # a chapter heading, written across the grey band
            y_labels.append("")
            ax.axhspan(y - 0.5, y + 0.5, color="#eeeeee", zorder=0, lw=0)
            ax.text(
                0.0,
                y,
                " " + label,
                transform=ax.get_yaxis_transform(),
                va="center",
                ha="left",
                fontsize=9,
                fontweight=heading_weight,
                family=family,
                zorder=4,
            )
            continue
        name = t["name_zh"] if used == "zh" else t["name_en"]
        # NFKC: Roman-numeral signs (Ⅲ, Ⅴ) become letters, which every font has.
        y_labels.append(_short(unicodedata.normalize("NFKC", name), 54))
        comp, elapsed = t["completion"], t["time_elapsed"]
        drawn[t["status"]] = drawn.get(t["status"], 0) + 1
        colour = BAR_COLOURS.get(t["status"], BAR_COLOURS["not_assessable"])
        status = t["status_zh"] if used == "zh" else t["status_en"]
        if t["status"] == "not_assessable":
            reason = words.get(t["reason"] or "other", words["other"])
            ax.text(
                0.005,
                y,
                reason,
                va="center",
                ha="left",
                fontsize=8,
                color="#757575",
                family=family,
                style="italic",
                gid=f"reason:{t['key']}",
            )
            continue
        if comp is None:  # assessed without a completion (明显下降, 只减不增): the status only
            ax.barh(y, 0.03, height=0.62, color=colour, zorder=2, gid=f"status:{t['key']}")
            year = (t["latest"] or {}).get("year")
            note = (
                f"{status} ({words[t['kind']] if t['kind'] in words else words['no_completion']})"
            )
            note += f" ({year})" if year else ""
            ax.text(0.045, y, note, va="center", ha="left", fontsize=8, family=family, zorder=4)
            continue
        shown = min(max(comp, lo), hi)
        ax.barh(y, shown, height=0.62, color=colour, zorder=2, gid=f"completion:{t['key']}")
        if elapsed is not None:
            ax.plot(
                [elapsed, elapsed],
                [y - 0.42, y + 0.42],
                color="black",
                lw=2,
                zorder=3,
                gid=f"time_elapsed:{t['key']}",
            )
        year = (t["latest"] or {}).get("year")
        note = f"{comp * 100:.0f}%  {status}" + (f" ({year})" if year else "")
        x = max(shown, 0.0, elapsed or 0.0) + 0.015
        ax.text(x, y, note, va="center", ha="left", fontsize=8, family=family, zorder=4)

    ax.set_yticks([-i for i in range(len(rows))])
    ax.set_yticklabels(y_labels, fontsize=8.5, family=family)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-len(rows) + 0.5, 0.5)
    ax.set_xlim(
        lo
        if any(
            (t or {}).get("completion") is not None and t["completion"] < 0  # type: ignore[index]
            for _, t in rows
        )
        else 0.0,
        1.45,
    )
    ax.axvline(0, color="#555", lw=0.8, zorder=1)
    ax.axvline(1, color="#2e7d32", lw=0.8, ls="--", zorder=1)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xticklabels(["0%", "20%", "40%", "60%", "80%", "100%"], fontsize=8.5)
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(words["xlabel"], fontsize=9, family=family)

    # the legend counts the rows drawn (the summary counts the same entries)
    handles: list[Any] = [
        Patch(color=BAR_COLOURS[s], label=f"{labels[s][used]} ({drawn.get(s, 0)})")
        for s in BAR_COLOURS
        if drawn.get(s, 0) or s in (_FINAL if model["summary"].get("final") else _PROGRESS)
    ]
    handles.append(Line2D([], [], color="black", lw=2, label=words["tick"]))
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=4,
        fontsize=8.5,
        frameon=False,
        prop={"family": family, "size": 8.5},
    )
    data_year = model["summary"].get("data_year")
    plan = model["plan"]["name_zh" if used == "zh" else "name_en"]
    final = "title_final" if model["summary"].get("final") else "title"
    heading = title or (
        words[final].format(plan=plan)
        + (f" ({words['data_year']} {data_year})" if data_year else "")
    )
    fig.suptitle(heading, fontsize=12, family=family)
    return fig


def _figure(report: Report | pd.DataFrame | Mapping[str, Any] | Figure, lang: str) -> Figure:
    from matplotlib.figure import Figure

    return report if isinstance(report, Figure) else progress_figure(report, lang=lang)


def progress_png(
    report: Report | pd.DataFrame | Mapping[str, Any] | Figure, *, lang: str = "zh", dpi: int = 100
) -> bytes:
    """Return the chart as PNG bytes (e.g. to embed in HTML).

    ``report`` is anything :func:`progress_figure` draws, or a figure it already drew.
    """
    _matplotlib()
    buf = io.BytesIO()
    _figure(report, lang).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save_progress_plot(
    report: Report | pd.DataFrame | Mapping[str, Any] | Figure,
    path: str | Path,
    *,
    lang: str = "zh",
    dpi: int = 120,
) -> Path:
    """Write the chart to ``path`` (.png, .svg, .pdf by suffix; a folder: progress.png in it).

    ``report`` is anything :func:`progress_figure` draws, or a figure it already drew.

    Returns
    -------
    pathlib.Path
        The path written (``path/progress.png`` when ``path`` is a folder, see
        :func:`plot_path`).

    Raises
    ------
    PlotPathError
        ``path`` is neither a .png, .svg or .pdf file nor a folder.
    MissingPlotDependencyError
        matplotlib is not installed.
    OSError
        The file cannot be written.
    """
    target = plot_path(path)
    _matplotlib()
    _figure(report, lang).savefig(target, dpi=dpi)
    return target

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

import html
import io
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenplan.errors import GreenplanError
from greenplan.messages import msg, text
from greenplan.options import hint
from greenplan.report import Report, build_report
from greenplan.report.style import STATUS_COLOURS, display_width, status_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "BAR_COLOURS",
    "CJK_FONTS",
    "CJK_FONT_PACKAGE",
    "PLOT_FORMATS",
    "TREND_INDEX",
    "MissingPlotDependencyError",
    "PlotPathError",
    "cjk_font",
    "plot_language",
    "plot_path",
    "progress_figure",
    "progress_png",
    "save_progress_plot",
    "save_trend_charts",
    "trend",
    "trend_series",
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

_REASONS = ("no_data", "target_not_set", "no_base_year_value", "city_wide_target")
"""Reasons a target is not assessable that the chart names (``plot.reason.*``); others: "other"."""

_KINDS = ("direction", "non_increase")
"""Kinds of target assessed without a completion that the chart names (``plot.kind.*``)."""


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
    given = str(path)
    p = Path(path)
    if p.is_dir():
        return p / PLOT_NAME
    if given.endswith(("/", "\\")):
        raise PlotPathError(msg("plot.folder_missing", path=given))
    suffix = p.suffix.lower()
    if suffix not in PLOT_FORMATS:
        what = (
            msg("plot.suffix_not_one", suffix=repr(p.suffix)) if p.suffix else msg("plot.no_suffix")
        )
        raise PlotPathError(msg("plot.bad_suffix", path=given, name=PLOT_NAME, what=what))
    return p


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise MissingPlotDependencyError(msg("plot.needs_matplotlib")) from None
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
        warnings.warn(text("plot.no_cjk_font"), UserWarning, stacklevel=2)
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
            why = t["reason"] if t["reason"] in _REASONS else "other"
            reason = text(f"plot.reason.{why}", used)
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
            kind = (
                text(f"plot.kind.{t['kind']}", used)
                if t["kind"] in _KINDS
                else text("plot.no_completion", used)
            )
            note = f"{status} ({kind})"
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
    ax.set_xlabel(text("plot.xlabel", used), fontsize=9, family=family)

    # the legend counts the rows drawn (the summary counts the same entries)
    handles: list[Any] = [
        Patch(color=BAR_COLOURS[s], label=f"{labels[s][used]} ({drawn.get(s, 0)})")
        for s in BAR_COLOURS
        if drawn.get(s, 0) or s in (_FINAL if model["summary"].get("final") else _PROGRESS)
    ]
    handles.append(Line2D([], [], color="black", lw=2, label=text("plot.tick", used)))
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
    if model["summary"].get("final"):
        plan_title = text("plot.title_final", used, plan=plan)
    else:
        plan_title = text("plot.title", used, plan=plan)
    heading = title or (
        plan_title + (f" ({text('plot.data_year', used)} {data_year})" if data_year else "")
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


# Trend charts: one per target
# --------------------------------------------------------------------------------------------

CJK_FONT_PACKAGE = "fonts-noto-cjk"
"""The Debian/Ubuntu package of a font with Chinese glyphs (Noto Sans CJK SC), named in messages."""

TREND_INDEX = "index.html"
"""File name of the page listing the trend charts in the folder :func:`save_trend_charts` fills."""


def _entry_of(report: Report | Mapping[str, Any], key: str) -> Mapping[str, Any]:
    model = report.model if isinstance(report, Report) else report
    for t in model["targets"]:
        if t["key"] == key:
            return t
    known = [str(t["key"]) for t in model["targets"]]
    raise GreenplanError(msg("plot.no_target", key=repr(key), hint=hint(key, known)))


def trend_series(
    entry: Mapping[str, Any], values: pd.DataFrame | None, base_year: int
) -> list[tuple[int, float]]:
    """Return the points ``(year, value)`` of a target's series from the base year on.

    The values of the target's indicator and region from ``base_year`` on; for a cumulative
    target (累计) the running sum of the years after the base year, starting from 0 at the
    base year (the level the target counts). Without ``values``, or with none for this
    indicator (e.g. a baseline taken from the plan's text), the baseline and latest figures of
    the report entry are the series.

    Parameters
    ----------
    entry : mapping
        A target of the report model (``report.targets[i]``).
    values : pandas.DataFrame or None
        Long table with ``region``, ``year``, ``indicator``, ``value``.
    base_year : int
        First year drawn.

    Returns
    -------
    list of (int, float)
        Sorted by year; empty when there is no value.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"region": "A", "indicator": "x", "year": [2019, 2020, 2021],
    ...                   "value": [9.0, 10.0, 12.0]})
    >>> trend_series({"indicator": "x", "region": "A", "kind": "level"}, v, 2020)
    [(2020, 10.0), (2021, 12.0)]
    >>> trend_series({"indicator": "x", "region": "A", "kind": "cumulative"}, v, 2020)
    [(2020, 0.0), (2021, 12.0)]
    """
    figures = sorted(
        (int(f["year"]), float(f["value"]))
        for f in (entry.get("baseline"), entry.get("latest"))
        if f and f.get("value") is not None
    )
    if values is None or values.empty:
        return figures
    rows = values[
        (values["indicator"].astype(str) == str(entry["indicator"]))
        & (values["region"].astype(str) == str(entry["region"]))
        & (values["year"].astype(int) >= base_year)
    ]
    rows = rows[rows["value"].notna()]
    by_year = rows.groupby(rows["year"].astype(int))["value"].last().sort_index()
    if entry.get("kind") == "cumulative":
        later = by_year[by_year.index > base_year]
        if later.empty:
            return []
        out = [(base_year, 0.0)]
        total = 0.0
        for year, value in zip(later.index.tolist(), later.tolist(), strict=True):
            total += float(value)
            out.append((int(year), total))
        return out
    pairs = zip(by_year.index.tolist(), by_year.tolist(), strict=True)
    return [(int(y), float(v)) for y, v in pairs] or figures


def trend(
    report: Report | Mapping[str, Any],
    key: str,
    *,
    values: pd.DataFrame | None = None,
    lang: str = "zh",
) -> Figure:
    """Draw one target's trend: the series, the target, the trajectories, the projection.

    Parameters
    ----------
    report : Report or report model (dict)
        The report (its region is drawn). A :class:`Report` from
        :func:`greenplan.report.generate_report` carries the values it assessed.
    key : str
        The target's key (``report.targets[i]["key"]``).
    values : pandas.DataFrame, optional
        The values (long table of :func:`greenplan.compute`); default ``report.values``.
        Without any, the baseline and latest figures of the report are drawn.
    lang : {"zh", "en"}
        Language of the labels; Chinese needs a font with Chinese glyphs (:data:`CJK_FONTS`,
        e.g. the package ``fonts-noto-cjk``), without one the labels are English and a
        warning names the font to install.

    Returns
    -------
    matplotlib.figure.Figure
        One axes. Its lines carry a ``gid``: ``series`` (the values since the base year),
        ``target`` (horizontal line at the target level) and ``target_point`` (at the target
        year), ``straight`` (baseline → target, straight line), ``required`` (latest value →
        target), ``projection`` (latest value → the assessment's ``projected`` value at the
        target year). A line is absent when its ends are unknown (a direction target has no
        level); a target without any value shows the words "no data" (gid ``no_data``). The
        title gives the status, on the status colour of :data:`greenplan.report.STATUS_COLOURS`.

    Raises
    ------
    GreenplanError
        No target ``key`` in the report.
    MissingPlotDependencyError
        matplotlib is not installed.

    Notes
    -----
    With baseline :math:`(y_0, v_0)`, latest value :math:`(y_l, v_l)` and target level
    :math:`L` in year :math:`T`, the straight line joins :math:`(y_0, v_0)` to :math:`(T, L)`,
    the required trajectory joins :math:`(y_l, v_l)` to :math:`(T, L)` (its slope is the
    required annual change), the projection joins :math:`(y_l, v_l)` to :math:`(T, P)`, with
    :math:`P` the assessment's ``projected``.

    Examples
    --------
    >>> from greenplan.report import generate_report
    >>> fig = trend(generate_report(), "energy_intensity_reduction", lang="en")  # doctest: +SKIP
    """
    _matplotlib()
    from matplotlib.figure import Figure

    model = report.model if isinstance(report, Report) else report
    if values is None and isinstance(report, Report):
        values = report.values
    entry = _entry_of(model, key)
    used = plot_language(lang)
    if used != lang:
        warning = text("plot.trend.no_cjk_font", package=CJK_FONT_PACKAGE)
        warnings.warn(warning, UserWarning, stacklevel=2)
    font = cjk_font()  # also for the Chinese units of an English chart, when installed
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    base_year = int(model["plan"].get("base_year") or 2020)
    baseline, latest = entry.get("baseline") or {}, entry.get("latest") or {}
    if baseline.get("year") is not None:
        base_year = min(base_year, int(baseline["year"]))
    points = trend_series(entry, values, base_year)
    target = entry.get("target") or {}
    level, t_year = target.get("level"), target.get("year")

    fig = Figure(figsize=(8, 4.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    name = unicodedata.normalize("NFKC", entry["name_zh"] if used == "zh" else entry["name_en"])
    status = entry["status_zh"] if used == "zh" else entry["status_en"]
    unit = entry.get("unit") or target.get("unit") or ""
    if font is None and any(unicodedata.east_asian_width(c) in "WF" for c in unit):
        unit = text("plot.trend.unit_needs_font", used, package=CJK_FONT_PACKAGE)
    fig.suptitle(
        f"{_short(name, 60)}\n{status}",
        fontsize=11,
        family=family,
        bbox={
            "boxstyle": "round,pad=0.3",
            "facecolor": STATUS_COLOURS.get(entry["status"], "#ededed"),
            "edgecolor": "none",
        },
    )
    if not points:
        ax.text(
            0.5,
            0.5,
            text("plot.trend.no_data", used),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color="#757575",
            family=family,
            gid="no_data",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return fig

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    ax.plot(
        xs,
        ys,
        "o-",
        color="#37474f",
        lw=2,
        ms=5,
        label=text("plot.trend.series", used),
        gid="series",
        zorder=4,
    )

    def line(gid: str, start: tuple[Any, Any], end: tuple[Any, Any], **style: Any) -> None:
        """Draw a line from ``start`` to ``end`` (year, value), labelled ``plot.trend.<gid>``."""
        label = text(f"plot.trend.{gid}", used)
        ax.plot([start[0], end[0]], [start[1], end[1]], label=label, gid=gid, zorder=3, **style)

    b_year, b_val = baseline.get("year"), baseline.get("value")
    l_year, l_val = latest.get("year"), latest.get("value")
    if entry.get("kind") == "cumulative":
        b_year, b_val = base_year, 0.0
        l_year, l_val = points[-1]
    if level is not None and t_year is not None:
        ax.axhline(level, color="#2e7d32", lw=1, ls="--", gid="target", zorder=2)
        ax.plot(
            [t_year],
            [level],
            "*",
            color="#2e7d32",
            ms=13,
            label=f"{text('plot.trend.target', used)} ({t_year})",
            gid="target_point",
            zorder=5,
        )
        if b_year is not None and b_val is not None:
            line("straight", (b_year, b_val), (t_year, level), color="#90a4ae", lw=1.2, ls="-.")
        if l_year is not None and l_val is not None and l_year < t_year:
            line("required", (l_year, l_val), (t_year, level), color="#1e88e5", lw=1.5, ls="--")
    projected = entry.get("projected")
    if projected is not None and t_year is not None and l_year is not None and l_year < t_year:
        colour = BAR_COLOURS.get(entry["status"], "#9e9e9e")
        line(
            "projection",
            (l_year, l_val),
            (t_year, projected),
            color=colour,
            lw=1.5,
            ls=":",
            marker="o",
            markevery=[1],
            mfc="white",
        )
    last_x = max([*xs, *([t_year] if t_year is not None else [])])
    ax.set_xlim(min(xs) - 0.4, last_x + 0.4)
    ax.set_xticks(range(min(xs), last_x + 1))
    ax.set_xlabel(text("plot.trend.year", used), family=family, fontsize=9)
    ax.set_ylabel(unit, family=family, fontsize=9)
    ax.grid(color="#e0e0e0", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(prop={"family": family, "size": 8}, frameon=False, loc="best")
    return fig


def save_trend_charts(
    report: Report | Mapping[str, Any],
    directory: str | Path,
    *,
    values: pd.DataFrame | None = None,
    lang: str = "zh",
    dpi: int = 110,
) -> list[Path]:
    """Write one PNG per target (``KEY.png``) and an ``index.html`` showing them, into a folder.

    Every target of the report gets a chart (one without data says "no data"); the index
    lists them in plan order with their status. The folder is created if needed.

    Returns
    -------
    list of pathlib.Path
        The PNG files written, in plan order (the index is ``directory/index.html``).

    Raises
    ------
    PlotPathError
        ``directory`` exists and is not a folder.
    MissingPlotDependencyError
        matplotlib is not installed.
    OSError
        A file cannot be written.
    """
    _matplotlib()
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise PlotPathError(msg("plot.charts_is_file", path=str(directory)))
    folder.mkdir(parents=True, exist_ok=True)
    model = report.model if isinstance(report, Report) else report
    if values is None and isinstance(report, Report):
        values = report.values
    used = plot_language(lang)
    written: list[Path] = []
    items: list[str] = []
    with warnings.catch_warnings():
        if used != lang:  # warn once, not per chart
            warning = text("plot.trend.no_cjk_font_charts", package=CJK_FONT_PACKAGE)
            warnings.warn(warning, UserWarning, stacklevel=2)
        warnings.simplefilter("ignore", UserWarning)
        for t in model["targets"]:
            path = folder / f"{t['key']}.png"
            trend(model, t["key"], values=values, lang=used).savefig(path, dpi=dpi)
            written.append(path)
            name = t["name_zh"] if used == "zh" else t["name_en"]
            status = t["status_zh"] if used == "zh" else t["status_en"]
            items.append(
                f'<figure><img src="{html.escape(path.name)}" alt="{html.escape(name)}" '
                f'width="640"><figcaption>{html.escape(name)}: {html.escape(status)}'
                "</figcaption></figure>"
            )
    title = text("plot.trend.index_title", used, region=model.get("region") or "")
    page = (
        f'<!DOCTYPE html>\n<html lang="{used}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body><h1>{html.escape(title)}</h1>\n"
        + "\n".join(items)
        + "\n</body></html>\n"
    )
    (folder / TREND_INDEX).write_text(page, encoding="utf-8")
    return written

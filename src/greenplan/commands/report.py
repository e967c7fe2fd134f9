"""``greenplan report``: assess every target of the plan and print the report.

With no PATH it runs on the Jinan public data shipped with greenplan. Exit codes: 0 success
(targets behind schedule are a result, not an error), 1 the statistics in the given PATHs have
errors (the validation report goes to stderr), 2 usage or I/O error (missing or unreadable
file, bad ``--year``, unknown option, a ``--plot`` path that is not .png/.svg/.pdf or a folder,
a ``--charts`` path that is a file, matplotlib missing for ``--plot`` or ``--charts``, a
``--targets`` value for a fixed target without ``--override-fixed``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

import greenplan  # greenplan.plot is imported on first use: only html, --plot and --charts draw
from greenplan.commands import command_options, emit, fail, lang_of, statistics_failure
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.messages import msg, text
from greenplan.plans import Plan, default_plan, load_plan
from greenplan.report import generate_report
from greenplan.targets import SUPPLEMENTARY_TARGETS, load_target_config, with_presets

__all__ = ["check_year", "resolve_targets", "run"]

_LAST_YEAR = 2100


def resolve_targets(
    config: str | None,
    presets: list[str],
    plan: Plan | None = None,
    *,
    allow_override: bool = False,
) -> dict[str, Any]:
    """Return the targets to assess: the plan's, with a config file and presets applied.

    A supplementary target (e.g. carbon_intensity_control) joins the report only when the
    config or a preset gives it a value. The config sets assigned targets only, unless
    ``allow_override`` (``--override-fixed``): see :func:`greenplan.targets.with_values`.
    """
    plan = plan or default_plan()
    own = dict(plan.targets)
    if not config and not presets:
        return own
    start = {**own, **SUPPLEMENTARY_TARGETS} if plan.path == default_plan().path else own
    result: dict[str, Any] = (
        load_target_config(config, start, allow_override=allow_override) if config else start
    )
    result = with_presets(presets, result, allow_override=allow_override) if presets else result
    return {k: t for k, t in result.items() if k in own or t.value is not None}


def check_year(value: int | None, plan: Plan) -> int | None:
    """Return ``--year``, refusing a year before the plan period (or absurdly late)."""
    if value is None:
        return None
    first = plan.base_year + 1
    if not first <= value <= _LAST_YEAR:
        raise GreenplanError(
            msg("commands.bad_year", year=value, first=first, last=_LAST_YEAR, base=plan.base_year)
        )
    return value


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan report``; return the exit code."""
    lang = lang_of(args)
    if args.format == "xlsx" and not args.output:
        return fail("report", msg("commands.xlsx_needs_output"), lang=lang)
    plan = load_plan(args.plan) if getattr(args, "plan", None) else default_plan()
    year = check_year(args.year, plan)
    paths = [Path(p) for p in args.paths] if args.paths else None
    for p in paths or ():
        if not p.exists():
            return fail("report", msg("commands.no_such_path", path=str(p)), lang=lang)
    options: dict[str, Any] = command_options(args)
    targets = resolve_targets(
        args.targets,
        list(args.presets or []),
        plan,
        allow_override=bool(getattr(args, "override_fixed", False)),
    )
    plot_file = greenplan.plot.plot_path(args.plot) if args.plot else None  # a bad path: exit 2 now
    plot_lang = None
    charts = getattr(args, "charts", None)
    if charts and Path(charts).exists() and not Path(charts).is_dir():
        raise greenplan.plot.PlotPathError(msg("commands.report.charts_is_file", path=charts))
    if args.plot or args.format == "html" or charts:
        try:
            plot_lang = greenplan.plot.plot_language(lang)
        except greenplan.plot.MissingPlotDependencyError:
            if args.plot or charts:
                raise
    try:
        report = generate_report(
            paths, year=year, method=args.method, targets=targets, plan=plan, **options
        )
    except StatisticsError as exc:  # the same codes as validate and compute
        return statistics_failure("report", exc, lang=lang)
    if plot_lang is not None and plot_lang != lang:
        note = msg("commands.report.no_cjk_font", package=greenplan.plot.CJK_FONT_PACKAGE)
        print(text("commands.note", lang, command="report", message=note), file=sys.stderr)
    if charts:
        with warnings.catch_warnings():  # the fallback to English is said above
            warnings.simplefilter("ignore", UserWarning)
            greenplan.plot.save_trend_charts(report, charts, lang=plot_lang or "en")
    png = None
    if plot_lang is not None:
        with warnings.catch_warnings():  # the fallback to English is said above
            warnings.simplefilter("ignore", UserWarning)
            figure = greenplan.plot.progress_figure(report, lang=plot_lang)
            if plot_file is not None:
                greenplan.plot.save_progress_plot(figure, plot_file)
            if args.format == "html":
                png = greenplan.plot.progress_png(figure)
    if args.format == "xlsx":
        try:
            report.to_excel(args.output, lang=lang)
        except OSError as exc:
            error = exc.strerror or str(exc)
            return fail(
                "report", msg("commands.cannot_write", path=args.output, error=error), lang=lang
            )
        return 0
    emit(report.render(args.format, lang, plot_png=png, chart_lang=plot_lang), args.output)
    return 0

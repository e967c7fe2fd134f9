"""``greenplan report``: assess every target of the plan and print the report.

With no PATH it runs on the Jinan public data shipped with greenplan. Exit codes: 0 success
(targets behind schedule are a result, not an error), 1 the statistics in the given PATHs have
errors (the validation report goes to stderr), 2 usage or I/O error (missing file, bad
``--year``, unknown option, matplotlib missing for ``--plot``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from greenplan import plot
from greenplan.commands import emit, parse_options
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.report import generate_report
from greenplan.targets import TARGETS, load_target_config, with_presets

__all__ = ["resolve_targets", "run"]

_FIRST_YEAR = 2021
"""The first year of the plan period (base year 2020): an earlier ``--year`` is a usage error."""
_LAST_YEAR = 2100


def resolve_targets(config: str | None, presets: list[str]) -> dict[str, Any]:
    """Return the targets to assess: the plan's 43, with a config file and presets applied.

    A supplementary target (e.g. carbon_intensity_control) joins the report only when the
    config or a preset gives it a value.
    """
    if not config and not presets:
        return dict(TARGETS)
    result: dict[str, Any] = load_target_config(config) if config else {}
    result = with_presets(presets, result or None) if presets else result
    keep = {k: t for k, t in result.items() if k in TARGETS or t.value is not None}
    return keep


def _year(value: int | None) -> int | None:
    if value is None:
        return None
    if not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise GreenplanError(
            f"--year {value}: expected a year of the plan period or later "
            f"({_FIRST_YEAR}–{_LAST_YEAR}); the base year is 2020."
        )
    return value


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan report``; return the exit code."""
    year = _year(args.year)
    paths = [Path(p) for p in args.paths] if args.paths else None
    for p in paths or ():
        if not p.exists():
            print(f"greenplan report: error: {p}: no such file or directory", file=sys.stderr)
            return 2
    options: dict[str, Any] = parse_options(args.options)
    targets = resolve_targets(args.targets, list(args.presets or []))
    plot_lang = None
    if args.plot or args.format == "html":
        try:
            plot_lang = plot.plot_language(args.lang)
        except plot.MissingPlotDependencyError:
            if args.plot:
                raise
    try:
        report = generate_report(paths, year=year, method=args.method, targets=targets, **options)
    except StatisticsError as exc:
        print(exc.report.to_text(), file=sys.stderr)
        print(f"greenplan report: error: {exc}", file=sys.stderr)
        return 1
    if plot_lang is not None and plot_lang != args.lang:
        print(
            "greenplan report: note: no font with Chinese glyphs is installed; the chart's "
            "labels are in English.",
            file=sys.stderr,
        )
    png = None
    if plot_lang is not None:
        with warnings.catch_warnings():  # the fallback to English is said above
            warnings.simplefilter("ignore", UserWarning)
            figure = plot.progress_figure(report, lang=plot_lang)
            if args.plot:
                plot.save_progress_plot(figure, args.plot)
            if args.format == "html":
                png = plot.progress_png(figure)
    emit(report.render(args.format, args.lang, plot_png=png), args.output)
    return 0

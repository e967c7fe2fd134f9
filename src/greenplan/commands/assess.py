"""``greenplan assess``: every target of the plan, one row per target and region, as CSV or JSON.

The table of :func:`greenplan.assess` (columns :data:`greenplan.progress.ASSESS_COLUMNS`) on
the statistics in the given PATHs: read, computed, published rates added
(:func:`greenplan.progress.with_published_rates`), assessed against the plan (``--plan``,
default Jinan's 14th plan). Exit codes: 0 success, 1 the statistics have errors (the
validation report goes to stderr), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from greenplan.commands import (
    ExitCode,
    command_options,
    emit,
    fail,
    lang_of,
    statistics_failure,
)
from greenplan.commands.report import check_year, resolve_targets
from greenplan.engine import compute
from greenplan.errors import StatisticsError
from greenplan.io import read_statistics
from greenplan.messages import msg
from greenplan.plans import default_plan, load_plan
from greenplan.progress import assess, with_published_rates
from greenplan.report import split_options

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan assess``; return the exit code."""
    lang = lang_of(args)
    plan = load_plan(args.plan) if args.plan else default_plan()
    year = check_year(args.year, plan)
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            return fail("assess", msg("commands.no_such_path", path=str(p)), lang=lang)
    compute_opts, assess_opts = split_options(command_options(args))
    targets = resolve_targets(
        args.targets,
        list(args.presets or []),
        plan,
        allow_override=bool(getattr(args, "override_fixed", False)),
    )
    try:
        stats = read_statistics(*paths)
    except StatisticsError as exc:
        return statistics_failure("assess", exc, lang=lang)
    values = with_published_rates(compute(stats, **compute_opts), stats)
    df = assess(values, year=year, targets=targets, method=args.method, plan=plan, **assess_opts)
    if args.format == "json":
        rows: list[dict[str, Any]] = json.loads(df.to_json(orient="records", force_ascii=False))
        text = json.dumps(
            {"assessment": rows, **df.attrs.get("greenplan", {})}, ensure_ascii=False, indent=2
        )
    else:
        text = df.to_csv(index=False)
    emit(text, args.output)
    return int(ExitCode.OK)

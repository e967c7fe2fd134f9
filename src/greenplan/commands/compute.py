"""``greenplan compute``: the plan's indicators from statistics files, as CSV or JSON.

Output columns: region, year, indicator, value, unit, origin, method (the canonical output of
:func:`greenplan.compute`); with ``--format iamc``, the IAMC table of
:func:`greenplan.export.to_iamc` (model ``greenplan``, scenario the data version, one column
per year). Exit codes: 0 success, 1 the statistics have errors (the
validation report goes to stderr), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
import math

import pandas as pd

from greenplan.commands import ExitCode, command_options, emit, lang_of, statistics_failure
from greenplan.engine import RESULT_COLUMNS, compute
from greenplan.errors import StatisticsError
from greenplan.export import to_iamc
from greenplan.io import read_statistics

__all__ = ["render", "run"]


def render(values: object, fmt: str) -> str:
    """Render the output of :func:`greenplan.compute` as ``csv``, ``json`` or ``iamc``.

    JSON writes a missing value as null; IAMC is :func:`greenplan.export.to_iamc` (wide).
    """
    assert isinstance(values, pd.DataFrame)
    if fmt == "iamc":
        return to_iamc(values).to_csv(index=False, lineterminator="\n")
    frame = values.loc[:, [c for c in RESULT_COLUMNS if c in values.columns]]
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    records = []
    for row in frame.to_dict(orient="records"):
        v = row.get("value")
        row["value"] = v if isinstance(v, float) and math.isfinite(v) else None
        row["year"] = int(row["year"])
        records.append(row)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan compute``; return the exit code (:class:`~greenplan.commands.ExitCode`).

    A CSV written to a file (``-o x.csv``) starts with a UTF-8 byte order mark, for Excel.
    """
    options = command_options(args)
    try:
        stats = read_statistics(*args.paths)
        values = compute(stats, args.indicators, **options)
    except StatisticsError as exc:
        return statistics_failure("compute", exc, lang=lang_of(args))
    emit(render(values, args.format), args.output, bom=args.format in {"csv", "iamc"})
    return ExitCode.OK

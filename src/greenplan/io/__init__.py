"""Read raw statistics into the canonical long table (:mod:`greenplan.schema`).

:func:`read_statistics` = the readers + the table checks (:mod:`greenplan.checks`); it raises
:class:`~greenplan.errors.StatisticsError` carrying the report when a finding is an error.
The readers, bottom to top:

* :mod:`~greenplan.io.normalise`: cells and headers (numbers as Chinese statistics write them,
  ``10,140.91``, full-width digits, ``—`` for a missing figure; years; headers with units);
* :mod:`~greenplan.io.sources`: files (CSV in UTF-8/GBK/UTF-16, Excel, Parquet), directories
  and DataFrames → raw tables;
* :mod:`~greenplan.io.cells`: rows → accepted observations, units converted once per
  (variable, unit) group;
* :mod:`~greenplan.io.layout`: long, wide and years-as-columns tables → rows;
* :mod:`~greenplan.io.assemble`: the canonical table.

Every row keeps its provenance: ``source`` and ``note`` as given (``""`` when absent; ``note``
holds the confidence tags of the shipped data), ``file``, ``sheet``, ``row`` (as the user sees
it). The formats are described in docs/data-format.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd

from greenplan._provenance import freeze
from greenplan.checks import CheckedTable, resolve_options, run_checks
from greenplan.diagnostics import Collector, ValidationReport
from greenplan.errors import OptionError
from greenplan.io.assemble import ReadResult, read_all
from greenplan.io.normalise import MISSING_MARKERS, canonical_header, parse_numbers, parse_year
from greenplan.io.sources import DATA_SUFFIXES, find_data_files
from greenplan.schema import CANONICAL_COLUMNS, HEADER_NAMES, mark_canonical

_log = logging.getLogger(__name__)

__all__ = [
    "CANONICAL_COLUMNS",
    "DATA_SUFFIXES",
    "HEADER_NAMES",
    "MISSING_MARKERS",
    "ReadResult",
    "canonical_header",
    "find_data_files",
    "parse_numbers",
    "parse_year",
    "read_and_check",
    "read_statistics",
]


def read_and_check(
    sources: Sequence[Any], opts: dict[str, Any]
) -> tuple[ReadResult, Collector, CheckedTable]:
    """Read ``sources`` and run the table checks (``opts`` resolved by ``resolve_options``).

    Returns what was read, the findings so far, and the checked table.
    """
    collector = Collector(opts["max_findings"])
    result = read_all(sources, collector, opts)
    for source in result.sources:
        _log.debug("read %s", source)
    # the checks run on integer codes: the table's DataFrame is made when it is asked for
    canonical = result.canonical if result.canonical is not None else result.table
    checked = run_checks(canonical, collector, opts, value_column=result.value_column)
    _log.info(
        "read %d rows from %d source(s): %d accepted, %d finding(s)",
        result.rows_read,
        len(result.sources),
        checked.rows,
        len(collector.findings),
    )
    return result, collector, checked


def make_report(
    result: ReadResult, collector: Collector, checked: CheckedTable, opts: dict[str, Any]
) -> ValidationReport:
    """Return the report of a reading: findings, row counts, sources, the accepted table.

    The report's table (a DataFrame) is made from the checked codes when first asked for.
    """
    make_table = checked.table_maker()
    return ValidationReport(
        collector.findings,
        rows_read=result.rows_read,
        rows_accepted=checked.rows,
        sources=result.sources,
        table=lambda: mark_canonical(make_table()),
        options=opts,
    )


def read_statistics(
    *sources: Any,
    sheets: str | Sequence[str] | None = None,
    layout: str = "auto",
    **options: Any,
) -> pd.DataFrame:
    """Read raw statistics into the canonical long table.

    Parameters
    ----------
    *sources : str, pathlib.Path or pandas.DataFrame
        CSV files (UTF-8 with or without BOM, GBK/GB18030), Excel workbooks, Parquet files,
        directories (searched recursively for ``.csv``, ``.xlsx``, ``.xls``, ``.parquet``)
        and DataFrames.
    sheets : str or list of str, optional
        Sheets of Excel workbooks to read; default every sheet (sheets with none of the
        recognised columns are skipped with a warning).
    layout : {"auto", "long", "wide", "wide_years"}
        Table layout; ``auto`` recognises it from the headers (see ``docs/data-format.md``).
    **options
        The options of :func:`greenplan.validate` (``year_range``, ``yoy_threshold``,
        ``sum_rtol`` …). The consistency checks against the compute engine (reported vs
        computed, coverage) are :func:`greenplan.validate`'s: ``check_reported`` and
        ``check_coverage`` may only be False here.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, variable, value, unit, source, note, file, sheet, row``:
        values in each variable's canonical unit (``unit`` = ``VARIABLES[variable].unit``);
        ``source`` and ``note`` as given (``""`` when absent); ``row`` is the row as the user
        sees it (CSV/Excel header = row 1). ``df.attrs["greenplan"]`` holds the warnings
        (``"findings"``) and the row counts.

    Raises
    ------
    StatisticsError
        When any finding is an error; ``exc.report`` is the full
        :class:`~greenplan.diagnostics.ValidationReport`.
    OptionError
        An unknown option or a bad value, or ``check_reported``/``check_coverage`` true.

    Examples
    --------
    >>> import pandas as pd, greenplan as gp
    >>> data = pd.DataFrame({"地区": ["济南"], "年份": ["2020年"], "指标": ["能源消费总量"],
    ...                      "数值": ["3,512.6"], "单位": ["万吨标准煤"]})
    >>> gp.read_statistics(data)[["region", "year", "variable", "value", "unit"]]
      region  year            variable   value   unit
    0    济南市  2020  energy_consumption  3512.6  万吨标准煤
    """
    options.setdefault("check_coverage", False)
    options.setdefault("check_reported", False)
    opts = resolve_options({"sheets": sheets, "layout": layout, **options})
    for name in ("check_coverage", "check_reported"):
        if opts[name]:
            raise OptionError(
                f"{name}={opts[name]!r}: the checks against the compute engine are run by "
                "greenplan.validate(), not by read_statistics()."
            )
    result, collector, checked = read_and_check(sources, opts)
    report = make_report(result, collector, checked, opts)
    report.raise_for_errors()
    table = checked.table
    # read-only and shared by the frames pandas derives from the table (not deep-copied into
    # each: findings cost ≈ 7 µs apiece a copy)
    table.attrs["greenplan"] = freeze(
        {
            "findings": [f.model_dump() for f in report.findings],
            "rows_read": report.rows_read,
            "sources": list(report.sources),
        }
    )
    return mark_canonical(table)

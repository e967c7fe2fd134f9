"""Record-level checks of fuel records, run inside the engine that holds them.

:func:`check_fuel_records` is what :func:`greenplan.validate` does for tables of fuel
records (columns ``fuel``, ``quantity``, ``unit``, ``year`` …) — in memory, on files and
Arrow with DuckDB, or on a Dask DataFrame — and reports each problem with the stable codes of
:mod:`greenplan.validation`, the file and the row:

* ``missing_column`` — ``fuel``, ``quantity``, ``unit`` or ``year`` is absent;
* ``missing_value`` — an empty ``entity``, ``region``, ``year``, ``month``, ``fuel``,
  ``unit`` or ``quantity`` (``use`` may be empty: it then means fuel);
* ``non_numeric`` / ``negative_value`` — a quantity that is not a number, or below 0;
* ``unknown_fuel``, ``unknown_unit``, ``wrong_dimension`` (a unit that does not fit its
  fuel), ``bad_use``, ``bad_year``, ``bad_month``;
* ``duplicate_identical`` / ``duplicate_conflict`` — the same (entity, year, month, fuel,
  use) twice among the records without errors; the first (by file, then row) is kept.

How it scales: the distinct (fuel, unit, use, year, month) combinations are read from the
engine (a small table) and judged here once each; the engine then counts and lists the
records matching each verdict (:class:`~greenplan.records.engines._frame.Pred`), at most
``max_findings`` + 10 per (code, file), so only those rows leave the engine. The findings
are therefore the same whichever engine ran (see ``tests/test_scale_checks.py``).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan import factors
from greenplan import units as _units
from greenplan.diagnostics import Code, Collector
from greenplan.errors import DimensionalityMismatchError, UnitError, UnknownUnitError
from greenplan.messages import Message, msg
from greenplan.options import OptionSet, OptionSpec
from greenplan.records.engines import (
    ENGINES,
    EngineError,
    _is_pathlike,
    arrow_stream,
    expand_paths,
    file_kind,
    is_arrow,
    is_dask,
    open_records,
)
from greenplan.records.engines import _frame as _f
from greenplan.records.engines._frame import FILE, ROW, Pred

__all__ = ["OPTIONS", "RecordCheckResult", "check_fuel_records", "is_fuel_records"]

RECORD_COLUMNS = ("fuel", "quantity", "unit", "year")
"""Columns that make a table a table of fuel records (and that every such table needs)."""

KEY_COLUMNS = ("entity", "year", "month", "fuel", "use")
"""A record's identity: two records with the same values are duplicates."""

_NOT_EMPTY = ("entity", "region", "year", "month", "fuel", "unit", "quantity")

OPTIONS = OptionSet(
    "validate (fuel records)",
    (
        OptionSpec(
            "kind",
            "auto",
            "What the sources hold: 'auto' (fuel records when every source has the columns "
            "fuel, quantity, unit and year), 'fuel_records' or 'statistics'.",
            choices=("auto", "fuel_records", "statistics"),
        ),
        OptionSpec(
            "engine", "auto", "Engine of the checks (see aggregate_fuel_records).", choices=ENGINES
        ),
        OptionSpec(
            "memory_limit",
            None,
            "DuckDB memory limit, e.g. '512MB' (default 1GB).",
            check=lambda v: v is None or isinstance(v, str),
        ),
        OptionSpec(
            "max_findings",
            50,
            "Findings listed one by one per (code, file) before the rest are summarised.",
            check=lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        ),
        OptionSpec(
            "year_range",
            None,
            "Plausible years (first, last); default 1949 … next year.",
            check=lambda v: v is None or (isinstance(v, tuple | list) and len(v) == 2),
        ),
    ),
)
"""Options of :func:`check_fuel_records` (``greenplan.validate`` on fuel records)."""

_USE_FUEL = {"fuel", "燃料", "能源", "energy", "combustion", "燃料用"}
_USE_FEEDSTOCK = {"feedstock", "原料", "原料用能", "raw material", "raw_material", "non-energy"}


@dataclass
class RecordCheckResult:
    """What :func:`check_fuel_records` found (``greenplan.validate`` wraps it in a report)."""

    findings: list[Any]
    rows_read: int
    rows_accepted: int
    sources: list[str]
    options: dict[str, Any]


# --- is it a table of fuel records? ----------------------------------------------------------


def _column_names(source: Any) -> list[str] | None:

    if isinstance(source, pd.DataFrame) or is_dask(source):
        return [str(c) for c in source.columns]
    if is_arrow(source):
        if type(source).__module__.startswith("pyarrow"):
            return list(source.schema.names)
        columns = getattr(source, "columns", None)  # Polars, DuckDB relations: no scan
        if isinstance(columns, list) and all(isinstance(c, str) for c in columns):
            return columns
        return list(arrow_stream(source).schema.names)
    if _is_pathlike(source):
        text = str(source) if not isinstance(source, list | tuple) else str(source[0])
        if not any(ch in text for ch in "*?[") and not isinstance(source, list | tuple):
            return None  # a plain file or directory: the statistics readers decide
        files = expand_paths(source)
        if file_kind(files) == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(files[0]).names)
        with open(files[0], encoding="utf-8-sig", errors="replace") as fh:
            return [c.strip().strip('"') for c in fh.readline().rstrip("\r\n").split(",")]
    return None


def is_fuel_records(sources: Sequence[Any], options: Mapping[str, Any]) -> bool:
    """Whether :func:`greenplan.validate` should check ``sources`` as fuel records.

    ``kind='fuel_records'`` or ``'statistics'`` decides; otherwise (``'auto'``) every source
    must be a table with the columns fuel, quantity, unit and year: a pandas or Dask
    DataFrame, an Arrow table or stream, or a glob / list of Parquet or CSV files. (A single
    file or directory path is left to the statistics readers unless ``kind`` says so.)

    Examples
    --------
    >>> import pandas as pd
    >>> is_fuel_records([pd.DataFrame(columns=["fuel", "quantity", "unit", "year"])], {})
    True
    >>> is_fuel_records([pd.DataFrame(columns=["地区", "年份", "指标", "数值"])], {})
    False
    """
    kind = options.get("kind", "auto")
    if kind != "auto":
        return kind == "fuel_records"
    if not sources:
        return False
    try:
        names = [_column_names(s) for s in sources]
    except Exception:  # unreadable: let the statistics readers report it
        return False
    return all(n is not None and set(RECORD_COLUMNS) <= set(n) for n in names)


# --- verdicts on distinct values --------------------------------------------------------------


def _blank(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip(" ") == ""


def _whole(v: Any) -> int | None:
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return int(v) if math.isfinite(v) and float(v).is_integer() else None
    if isinstance(v, str) and v.strip(" ").isdecimal() and v.strip(" ").isascii():
        return int(v.strip(" "))
    return None


def _values(frame: pd.DataFrame, column: str) -> list[Any]:
    if column not in frame:
        return []
    out = []
    for v in pd.unique(frame[column].astype(object)):
        if isinstance(v, np.generic):
            v = v.item()
        if not _blank(v):
            out.append(v)
    return out


@dataclass
class _Check:
    pred: Pred
    code: str
    message: Callable[[Any], Message]
    expected: Message | str | None = None


def _one_of(
    column: str,
    values: Sequence[Any],
    code: str,
    message: Callable[[Any], Message],
    expected: Message | str | None = None,
) -> list[_Check]:
    """Return the check of the records whose ``column`` is one of ``values`` (none if empty)."""
    if not values:
        return []
    return [_Check(Pred("in", column, tuple(values)), code, message, expected)]


def _plan(
    distinct: pd.DataFrame, kinds: Mapping[str, str], opts: Mapping[str, Any]
) -> list[_Check]:
    """Every record-level check, from the distinct (fuel, unit, use, year, month) values."""
    checks: list[_Check] = []
    cols = set(kinds)
    for c in _NOT_EMPTY:
        if c in cols:
            checks.append(
                _Check(
                    Pred("missing", c),
                    "missing_value",
                    _constant(msg("records.missing_field", column=c)),
                )
            )
    if kinds.get("quantity") != "number":
        checks.append(
            _Check(
                Pred("non_numeric", "quantity"),
                "non_numeric",
                lambda v: msg("records.quantity_not_number", value=repr(v)),
                msg("io.expected_number"),
            )
        )
    checks.append(
        _Check(
            Pred("negative", "quantity"),
            "negative_value",
            lambda v: msg("records.negative_quantity", value=str(v)),
            "≥ 0",
        )
    )
    lo, hi = opts["year_range"]
    bad_years = [
        v for v in _values(distinct, "year") if (y := _whole(v)) is None or not lo <= y <= hi
    ]
    checks += _one_of(
        "year",
        bad_years,
        "bad_year",
        lambda v: msg("records.bad_year", value=repr(v), lo=lo, hi=hi),
        f"{lo}–{hi}",
    )
    bad_months = [
        v for v in _values(distinct, "month") if (m := _whole(v)) is None or not 1 <= m <= 12
    ]
    checks += _one_of(
        "month", bad_months, "bad_month", lambda v: msg("records.bad_month", value=repr(v)), "1–12"
    )
    fuel_defs = factors.fuels()
    known: dict[Any, str] = {}
    unknown = []
    for v in _values(distinct, "fuel"):
        code = factors.resolve_fuel(v)
        if code is None:
            unknown.append(v)
        else:
            known[v] = code
    checks += _one_of(
        "fuel",
        unknown,
        "unknown_fuel",
        lambda v: msg(
            "records.unknown_fuel",
            value=repr(v),
            hint=(
                msg("common.did_you_mean", names=", ".join(s))
                if (s := factors.suggest_fuels(str(v)))
                else ""
            ),
        ),
    )
    # units: unknown anywhere, or not fitting a known fuel
    unknown_units: list[Any] = []
    parsed: dict[Any, bool] = {}
    wrong: dict[tuple[Any, Any], str] = {}
    if "unit" in distinct and "fuel" in distinct:
        pairs = distinct[["fuel", "unit"]].astype(object).drop_duplicates()
        for fuel, unit in pairs.itertuples(index=False):
            if _blank(unit):
                continue
            if unit not in parsed:
                try:
                    _units.parse(str(unit))
                    parsed[unit] = True
                except UnitError:
                    parsed[unit] = False
                    unknown_units.append(unit)
            if not parsed[unit] or _blank(fuel) or fuel not in known:
                continue
            base = fuel_defs[known[fuel]].base_unit
            try:
                _units.factor(str(unit), base)
            except (DimensionalityMismatchError, UnknownUnitError, UnitError):
                wrong[(fuel, unit)] = base
    checks += _one_of(
        "unit", unknown_units, "unknown_unit", lambda v: msg("records.unknown_unit", value=repr(v))
    )
    for (fuel, unit), base in wrong.items():
        checks.append(
            _Check(
                Pred("pair_in", "unit", ((unit, fuel),), other="fuel"),
                "wrong_dimension",
                _constant(
                    msg("records.unit_not_fuel", unit=repr(unit), fuel=repr(fuel), base=base)
                ),
                base,
            )
        )
    if "use" in distinct:
        bad_use = []
        feed = []
        for v in _values(distinct, "use"):
            word = str(v).strip().casefold()
            if word in _USE_FEEDSTOCK:
                feed.append(v)
            elif word not in _USE_FUEL:
                bad_use.append(v)
        checks += _one_of(
            "use",
            bad_use,
            "bad_use",
            lambda v: msg("records.bad_use", value=repr(v)),
            msg("records.expected_use"),
        )
        energy_carriers = [
            f for f, code in known.items() if fuel_defs[code].family in ("electricity", "heat")
        ]
        pairs_bad = tuple((u, f) for f in energy_carriers for u in feed)
        if pairs_bad:
            checks.append(
                _Check(
                    Pred("pair_in", "use", pairs_bad, other="fuel"),
                    "bad_use",
                    lambda v: msg("records.carrier_feedstock"),
                    msg("records.expected_fuel"),
                )
            )
    return checks


# --- findings ---------------------------------------------------------------------------------


def _emit_flags(collector: Any, flags: pd.DataFrame, checks: list[_Check]) -> None:
    if not len(flags):
        return
    flags = flags.copy()
    flags["code"] = [checks[int(i)].code for i in flags["pred"]]
    flags["column"] = [checks[int(i)].pred.column for i in flags["pred"]]
    totals = flags.drop_duplicates(["pred", FILE]).groupby(["code", FILE])["total"].sum()
    flags = flags.sort_values(["code", FILE, ROW, "pred"], kind="stable")
    for (code, file), rows in flags.groupby(["code", FILE], sort=True):
        rows = rows[["pred", FILE, ROW, "value", "column"]].reset_index(drop=True)
        total = int(totals.loc[(code, file)])  # type: ignore[index]
        _emit_rows(collector, str(code), rows, total, checks)


def _emit_rows(
    collector: Any, code: str, rows: pd.DataFrame, total: int, checks: list[_Check]
) -> None:

    room = collector.max_findings
    listed = rows.iloc[:room]
    preds = listed["pred"].to_numpy(dtype=np.int64)
    row_numbers = rows[ROW].to_numpy(dtype=np.int64)
    for i in range(len(listed)):
        check = checks[int(preds[i])]
        value = _f._cell(listed["value"].iat[i])
        collector.add(
            code,
            check.message(value),
            file=str(listed[FILE].iat[i]),
            row=int(row_numbers[i]),
            column=check.pred.column,
            value=value,
            expected=check.expected,
        )
    rest = total - len(listed)
    if rest > 0:
        more = rows.iloc[room:]
        shown = ", ".join(str(int(x)) for x in row_numbers[room : room + 10])
        ellipsis = " …" if rest > 10 else ""
        at = more if len(more) else listed
        at_row = row_numbers[room] if len(more) else row_numbers[0]
        collector.add(
            code,
            msg(
                "diagnostics.more_rows",
                n=rest,
                code=code,
                rows=shown,
                more=ellipsis,
                fix=msg(f"check.{Code(code).value}.fix"),
            ),
            file=str(at[FILE].iat[0]),
            row=int(at_row),
            column=str(at["column"].iat[0]),
            count=int(rest),
        )


def _constant(message: Message) -> Callable[[Any], Message]:
    return lambda _value: message


def _duplicates(
    collector: Any, candidates: pd.DataFrame, key: list[str], cap: int, files: list[str]
) -> int:
    """Classify the records of repeated keys; return the number of conflicting records."""
    if not len(candidates):
        return 0
    c = candidates.copy()
    order = {f: i for i, f in enumerate(files)}
    c["__fi"] = [order.get(str(f), len(order)) for f in c[FILE]]
    for k in key:
        c[k] = c[k].astype(object)
    c = c.sort_values(["__fi", ROW], kind="stable").reset_index(drop=True)
    g = c.groupby(key, dropna=False, sort=False)
    rank = g.cumcount().to_numpy()
    first_q = g["__q"].transform("first").to_numpy(dtype="float64")
    first_file = g[FILE].transform("first").to_numpy()
    first_row = g[ROW].transform("first").to_numpy()
    same = c["__q"].to_numpy(dtype="float64") == first_q
    if "unit" in c:
        first_unit = g["unit"].transform("first")
        same &= c["unit"].astype(object).to_numpy() == first_unit.astype(object).to_numpy()
    later = rank > 0
    what = ", ".join(key)
    conflicts = 0
    for code, mask in (
        ("duplicate_identical", later & same),
        ("duplicate_conflict", later & ~same),
    ):
        sub = c.loc[mask].copy()
        if code == "duplicate_conflict":
            conflicts = len(sub)
        if not len(sub):
            continue
        sub["__first_file"] = first_file[mask]
        sub["__first_row"] = first_row[mask]
        sub["__first_q"] = first_q[mask]
        sub = sub.sort_values(["__fi", ROW], kind="stable")
        for _, rows in sub.groupby(FILE, sort=False):
            rows = rows.reset_index(drop=True)
            frame = pd.DataFrame(
                {
                    "pred": 0,
                    FILE: rows[FILE],
                    ROW: rows[ROW].astype("int64"),
                    "value": rows["__q"],
                    "column": "quantity",
                }
            )
            msgs = [
                msg(f"records.{code}", key=what, row=int(r), file=str(f), quantity=float(q0))
                for f, r, q0 in zip(
                    rows["__first_file"], rows["__first_row"], rows["__first_q"], strict=True
                )
            ]
            checks = [_Check(Pred("in", "quantity"), code, _constant(m)) for m in msgs]
            frame["pred"] = np.arange(len(frame))
            _emit_rows(collector, code, frame.iloc[:cap], len(frame), checks)
    return conflicts


# --- entry point ------------------------------------------------------------------------------


def _resolve(options: Mapping[str, Any]) -> dict[str, Any]:
    opts = OPTIONS.resolve(options)
    if opts["year_range"] is None:
        opts["year_range"] = (1949, _dt.date.today().year + 1)
    opts["year_range"] = tuple(int(y) for y in opts["year_range"])
    return opts


def check_fuel_records(*sources: Any, **options: Any) -> RecordCheckResult:
    """Check fuel records where they are (pandas, DuckDB, Dask); never raises for bad data.

    Parameters
    ----------
    *sources : DataFrame, Arrow table/stream, Dask DataFrame, path, glob or list of files
        Tables of fuel records (see :func:`greenplan.aggregate_fuel_records`).
    **options
        ``engine`` (``"auto"``), ``memory_limit`` (DuckDB), ``max_findings`` (50 per code
        and file), ``year_range`` (1949 … next year), ``kind``; see :data:`OPTIONS`.

    Returns
    -------
    RecordCheckResult
        Findings (``greenplan.validation.Finding``), rows read and accepted, source names.

    Raises
    ------
    OptionError
        An unknown option or a bad value.

    Notes
    -----
    A record is rejected when it has an error finding; ``rows_read == rows_accepted +
    rows_rejected``. Duplicates are looked for among the records without other errors.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"entity": ["A", "A"], "year": [2023, 2023], "month": [1, 1],
    ...                      "fuel": ["原煤", "原媒"], "quantity": [10.0, -1.0],
    ...                      "unit": ["t", "t"]})
    >>> sorted(f.code for f in check_fuel_records(recs).findings)
    ['negative_value', 'unknown_fuel']
    """
    opts = _resolve(options)
    collector = Collector(opts["max_findings"])
    cap = opts["max_findings"] + 10
    rows_read = rows_accepted = 0
    names: list[str] = []
    for k, obj in enumerate(sources, start=1):
        label = f"<DataFrame #{k}>"
        name = label if not isinstance(obj, str) else obj
        try:
            source = open_records(
                obj, opts["engine"], memory_limit=opts["memory_limit"], label=label
            )
        except EngineError as exc:
            code = "missing_dependency" if "optional package" in str(exc) else "unreadable_file"
            collector.add(code, str(exc), file=str(name))
            names.append(str(name))
            continue
        try:
            names.extend(source.files)
            n = source.n_rows()
            rows_read += n
            absent = [c for c in RECORD_COLUMNS if c not in source.columns]
            if absent:
                for c in absent:
                    collector.add(
                        "missing_column",
                        msg("records.missing_column", column=repr(c), columns=RECORD_COLUMNS),
                        file=source.files[0],
                        column=c,
                    )
                continue
            kinds = source.kinds()
            present = [c for c in ("fuel", "unit", "use", "year", "month") if c in kinds]
            checks = _plan(source.distinct(present), kinds, opts)
            preds = [c.pred for c in checks]
            _emit_flags(collector, source.flag(preds, cap), checks)
            rejected = source.count_any(preds)
            key = [c for c in KEY_COLUMNS if c in kinds]
            conflicts = 0
            if {"entity", "year", "fuel"} <= set(key):
                dups = source.duplicates(key, preds)
                conflicts = _duplicates(collector, dups, key, cap, source.files)
            rows_accepted += n - rejected - conflicts
        except EngineError as exc:
            collector.add("unreadable_file", str(exc), file=source.files[0])
        finally:
            source.close()
    return RecordCheckResult(collector.findings, rows_read, rows_accepted, names, dict(opts))

"""Checks on the canonical table: bounds, duplicates, sums of components, city vs districts, jumps.

They run on the rows the readers accepted (:mod:`greenplan.io`), report through a
:class:`~greenplan.diagnostics.Collector`, and return the table without the rows named in
errors. Every check works on integer codes of the text columns (no per-row text objects),
so their cost is a few vectorised array operations whatever the size of the table. The
checks and their options are described for users in docs/data-format.md.

:data:`OPTIONS` are the options of :func:`greenplan.validate` and
:func:`greenplan.read_statistics`: those of the readers, of these checks, and of the
consistency checks against the compute engine that only :func:`greenplan.validate` runs.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from greenplan._numeric import int_codes
from greenplan.definitions import Aggregation, VariableKind
from greenplan.diagnostics import Code, Coded, Collector, Lazy
from greenplan.messages import Message, catalogue, msg
from greenplan.options import OptionSet
from greenplan.regions import CITY, districts
from greenplan.schema import CANONICAL_COLUMNS, TEXT_DTYPE
from greenplan.variables import VARIABLES, children

_P = ParamSpec("_P")
_R = TypeVar("_R")

__all__ = [
    "DEFAULT_OPTIONS",
    "OPTIONS",
    "Canonical",
    "CheckedTable",
    "Table",
    "resolve_options",
    "run_checks",
    "text_column",
]

# --- options -------------------------------------------------------------------------------


def _number(value: Any) -> bool:
    try:
        return float(value) >= 0
    except (TypeError, ValueError):
        return False


def _years(value: Any) -> bool:
    if value is None:
        return True
    try:
        lo, hi = (int(y) for y in value)
    except (TypeError, ValueError):
        return False
    return lo <= hi


_TOLERANCES = ("yoy_threshold", "sum_rtol", "sum_atol", "reported_rtol")

OPTIONS = OptionSet("validate")
"""Options of :func:`greenplan.validate` and :func:`greenplan.read_statistics`."""
OPTIONS.declare("year_range", None, "(first, last) year; default 1949 … next year", check=_years)
OPTIONS.declare("yoy_threshold", 0.5, "a number ≥ 0: larger changes are yoy_jump", check=_number)
OPTIONS.declare("sum_rtol", 0.01, "a number ≥ 0: relative tolerance of the sums", check=_number)
OPTIONS.declare("sum_atol", 0.0, "a number ≥ 0: absolute tolerance of the sums", check=_number)
OPTIONS.declare("reported_rtol", 0.005, "a number ≥ 0: reported vs computed", check=_number)
OPTIONS.declare("check_coverage", True, "list what cannot be computed (validate only)")
OPTIONS.declare("check_reported", True, "compare reported and computed (validate only)")
OPTIONS.declare(
    "max_findings",
    50,
    "an integer ≥ 1: findings listed one by one per code, file and sheet",
    check=lambda v: isinstance(v, int | np.integer) and bool(v >= 1),
)
OPTIONS.declare("sheets", None, "the sheet(s) of Excel workbooks to read; default all")
OPTIONS.declare("layout", "auto", "table layout", choices=("auto", "long", "wide", "wide_years"))
OPTIONS.declare(
    "nan_values",
    "error",
    "NaN/None in the value column of a DataFrame: 'error' (missing_value) or 'absent' (no "
    "observation, as greenplan.compute reads DataFrames)",
    choices=("error", "absent"),
)
OPTIONS.declare(
    "decimal",
    ".",
    "the decimal mark of numbers written as text: '.' (10,140.91) or ',' (10.140,91)",
    choices=(".", ","),
)

DEFAULT_OPTIONS: dict[str, Any] = OPTIONS.defaults()
"""The options with their defaults (``year_range`` None means 1949 … next year)."""


def resolve_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Fill defaults and check the options of :func:`greenplan.validate`.

    Raises
    ------
    OptionError
        An unknown option (with the closest option names) or a bad value.
    """
    out = OPTIONS.resolve(options)
    lo, hi = out["year_range"] or (1949, _dt.date.today().year + 1)
    out["year_range"] = (int(lo), int(hi))
    for name in _TOLERANCES:
        out[name] = float(out[name])
    return out


# --- the canonical table as codes ----------------------------------------------------------


def text_column(uniques: list[str], codes: np.ndarray) -> pd.Series:
    """Return the text column ``uniques[codes]`` in pandas' text dtype (``schema.TEXT_DTYPE``).

    Built with pyarrow ``take`` when pandas stores text in Arrow; a column with one text is
    built from its Arrow buffers directly.
    """
    dtype = TEXT_DTYPE
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa  # optional: only when pandas already stores text in Arrow

        if len(uniques) == 1:
            # the same text in every row: build the Arrow buffers directly (no ``take``)
            data = uniques[0].encode("utf-8")
            n = len(codes)
            # one allocation (zeros, which the system gives without touching, for "")
            if data:
                offsets = np.arange(0, (n + 1) * len(data), len(data), dtype=np.int64)
            else:
                offsets = np.zeros(n + 1, dtype=np.int64)
            arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))
        else:
            arr = pa.array(uniques, type=pa.large_string()).take(pa.array(codes))
        return pd.Series(pd.array(arr, dtype=dtype), copy=False)
    return pd.Series(np.asarray(uniques, dtype=object)[codes], dtype=dtype)


class Canonical:
    """The canonical long table as arrays: numbers as they are, texts as integer codes.

    ``numbers`` holds ``year``, ``value`` and ``row``; ``texts`` maps every text column of
    :data:`~greenplan.schema.CANONICAL_COLUMNS` to ``(codes, distinct texts)``. The checks need
    only the codes; :meth:`frame` makes the DataFrame users see (texts in pandas' text dtype),
    once, when it is first asked for.
    """

    def __init__(
        self, numbers: Mapping[str, np.ndarray], texts: Mapping[str, tuple[np.ndarray, list[str]]]
    ) -> None:
        self.numbers = dict(numbers)
        self.texts = dict(texts)
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.numbers["value"])

    def frame(self) -> pd.DataFrame:
        """Return the canonical table as a DataFrame (made on the first call)."""
        if self._frame is None:
            data: dict[str, pd.Series] = {}
            for name in CANONICAL_COLUMNS:
                if name in self.texts:
                    codes, uniques = self.texts[name]
                    data[name] = text_column(uniques, codes)
                else:
                    dtype = "float64" if name == "value" else "int64"
                    arr = self.numbers[name].astype(dtype, copy=False)
                    if not arr.flags.writeable or arr.base is not None:
                        # a column of the frame read (a view): users may change the table
                        # they are given, not that frame
                        arr = arr.copy()
                    data[name] = pd.Series(arr, dtype=dtype, copy=False)
            self._frame = pd.DataFrame(data, copy=False)
        return self._frame

    def take(self, keep: np.ndarray) -> Canonical:
        """Return the rows where the boolean mask ``keep`` is True (same distinct texts)."""
        return Canonical(
            {k: a[keep] for k, a in self.numbers.items()},
            {k: (c[keep], u) for k, (c, u) in self.texts.items()},
        )


# --- checks on the table of accepted rows --------------------------------------------------


def _distinct_years(
    year: np.ndarray,
    bounds: tuple[int, int] | None = None,
    stretches: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, int | None]:
    """Return the distinct years (ascending), and the first if none is missing in between.

    With that first year ``lo`` the year codes of :func:`~greenplan._numeric.int_codes` are
    ``year - lo``: they need not be made. Else (None) the codes are those of ``int_codes``. Years
    that are small non-negative numbers are counted by value (no array of offsets).
    ``bounds`` are the first and last year when known; ``stretches`` the first and last
    year of stretches of rows that together hold every row, each stepping by one year:
    the years are then counted by stretch, not by row.
    """
    if not year.size:
        return np.zeros(0, dtype=np.int64), None
    lo, hi = bounds if bounds is not None else (int(year.min()), int(year.max()))
    span = hi - lo + 1
    if span > 4 * year.size + 1024:
        return np.zeros(0, dtype=np.int64), None
    if stretches is not None:
        # +1 where a stretch begins, -1 after it ends: a year is present where the sum is > 0
        first, last = stretches
        cover = np.bincount(first - lo, minlength=span + 1)
        cover -= np.bincount(last - lo + 1, minlength=span + 1)
        present = np.cumsum(cover[:span]) > 0
    elif lo >= 0 and hi < 8 * year.size + 8192:
        present = np.bincount(year, minlength=hi + 1)[lo:] > 0
    else:
        present = np.zeros(span, dtype=bool)
        present[year - lo] = True
    if present.all():
        return np.arange(lo, hi + 1, dtype=np.int64), lo
    return np.zeros(0, dtype=np.int64), None


class _VariableFacts:
    """What the checks need of each variable of a table, by variable code (code-list facts).

    Made from the code list alone (:func:`_variable_facts`, once per list of variables): the
    arrays are read-only, one entry per variable of the table (an unknown variable has no
    bounds, no kind, no parent and is not additive).
    """

    def __init__(self, variables: tuple[str, ...]) -> None:
        defs = tuple(VARIABLES.get(str(v)) for v in variables)
        self.defs = defs
        self.lower = np.array(
            [np.nan if d is None or d.lower is None else d.lower for d in defs], dtype=float
        )
        self.upper = np.array(
            [np.nan if d is None or d.upper is None else d.upper for d in defs], dtype=float
        )
        self.kind = np.array([d.kind.value if d is not None else "" for d in defs], dtype=object)
        self.is_share = np.array(
            [d is not None and d.kind is VariableKind.SHARE for d in defs], dtype=bool
        )
        # kinds whose year-on-year change is not a jump to report
        self.no_yoy = (self.kind == "rate") | (self.kind == "index")
        self.additive = np.array(
            [d is not None and d.aggregation is Aggregation.SUM for d in defs], dtype=bool
        )
        self.percent_share = np.array(
            [d is not None and d.unit == "%" and d.kind is VariableKind.SHARE for d in defs],
            dtype=bool,
        )
        parents, _ = _families()
        pindex = {p: k for k, p in enumerate(parents)}
        # the parent of each variable (its code in _families), and the code of each parent
        self.child_of = np.array(
            [pindex.get(getattr(d, "parent", None) or "", -1) for d in defs], np.int64
        )
        self.parent_is = np.array([pindex.get(str(v), -1) for v in variables], dtype=np.int64)
        for a in vars(self).values():
            if isinstance(a, np.ndarray):
                a.flags.writeable = False


@functools.lru_cache(maxsize=64, typed=True)
def _variable_facts(variables: tuple[str, ...]) -> _VariableFacts:
    """Return the :class:`_VariableFacts` of a table's variables (made once per list).

    A table of 126 variables spends ≈ 0.1 ms in the per-variable loops; the same data
    (or the same layout) checked again finds them here.
    """
    return _VariableFacts(variables)


class Table:
    """The accepted rows with integer codes for every text column (no per-row text objects).

    ``table`` is the canonical DataFrame, or a :class:`Canonical` (the DataFrame is then made
    only if :attr:`table` is asked for). ``codes`` (from the readers) maps a column to
    ``(codes, distinct texts)``; columns not given are factorized here.
    """

    TEXT = ("region", "variable", "unit", "file", "sheet")

    def __init__(
        self,
        table: pd.DataFrame | Canonical,
        codes: Mapping[str, tuple[np.ndarray, list[str]]] | None = None,
        value_column: Callable[[str, str, str, int], str] | None = None,
    ) -> None:
        if isinstance(table, Canonical):
            self._canonical: Canonical | None = table
            self._table: pd.DataFrame | None = None
            codes = {**table.texts, **(codes or {})}
            numbers = table.numbers
        else:
            self._canonical, self._table = None, table
            numbers = {
                "year": table["year"].to_numpy(dtype=np.int64),
                "value": table["value"].to_numpy(dtype="float64"),
                "row": table["row"].to_numpy(dtype=np.int64),
            }
        self._value_column = value_column
        self.n = len(table)
        self.codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        for name in self.TEXT:
            if codes is not None and name in codes:
                self.codes[name] = codes[name]
            else:
                c, u = pd.factorize(self.table[name])
                self.codes[name] = (np.asarray(c, dtype=np.int64), [str(x) for x in u])
        self.rc, self.regions = self.codes["region"]
        self.vc, self.variables = self.codes["variable"]
        self.year = np.asarray(numbers["year"], dtype=np.int64)
        # the first and the last year (0, -1 when there is no row)
        self.ymin, self.ymax = (int(self.year.min()), int(self.year.max())) if self.n else (0, -1)
        self._yc: np.ndarray | None = None
        self._years: np.ndarray | None = None  # the distinct years, made when first asked for
        self._year_offset: int | None = None
        self.value = np.asarray(numbers["value"], dtype="float64")
        self.rows = np.asarray(numbers["row"], dtype=np.int64)
        self.nr, self.nv = len(self.regions), len(self.variables)
        self._region_year: np.ndarray | None = None
        self._key: np.ndarray | None = None
        # steps of the series key, whether all positive, whether years rise in every stretch
        self._steps: tuple[np.ndarray, bool, bool] | None = None
        self._runs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._runs_made = False
        facts = _variable_facts(tuple(self.variables))
        self.facts = facts
        self.defs = facts.defs
        self.lower, self.upper, self.kind = facts.lower, facts.upper, facts.kind
        self.is_share = facts.is_share

    def label(self, name: str) -> Coded:
        """Lazy texts of a text column."""
        c, u = self.codes[name]
        return Coded(c, u)

    def text(self, name: str, i: int) -> str:
        """Text of column ``name`` in row ``i``."""
        c, u = self.codes[name]
        return u[int(c[i])]

    @property
    def table(self) -> pd.DataFrame:
        """The rows as the canonical DataFrame (made when first asked for)."""
        if self._table is None:
            assert self._canonical is not None
            self._table = self._canonical.frame()
        return self._table

    def subset(self, keep: np.ndarray) -> Table:
        """Return the rows where ``keep`` is True (codes carried over)."""
        codes = {k: (c[keep], u) for k, (c, u) in self.codes.items()}
        if self._canonical is not None:
            return Table(self._canonical.take(keep), codes, self._value_column)
        table = self.table.loc[keep].reset_index(drop=True)
        return Table(table, codes, self._value_column)

    def column(self, i: int) -> str:
        """Header, as written in the file, of the cell row ``i``'s value came from."""
        if self._value_column is None:
            return "value"
        return self._value_column(
            self.text("file", i), self.text("sheet", i), self.text("variable", i), int(self.year[i])
        )

    @property
    def years(self) -> np.ndarray:
        """The distinct years, ascending (made when first asked for)."""
        if self._years is None:
            bounds = (self.ymin, self.ymax) if self.n else None
            years, offset = _distinct_years(self.year, bounds, self._stretch_years())
            if offset is None:
                self._yc, years = int_codes(self.year)
            self._years, self._year_offset = years, offset
        return self._years

    @property
    def ny(self) -> int:
        """Number of distinct years."""
        return len(self.years)

    def _stretch_years(self) -> tuple[np.ndarray, np.ndarray] | None:
        """First and last year of every stretch (:attr:`runs`) when their years step by one.

        None when the rows do not come by stretches, or a stretch's years do not rise one
        by one (then the distinct years are counted row by row).
        """
        if self.runs is None:
            return None
        self.series_steps()
        assert self._steps is not None
        if not self._steps[2]:
            return None
        starts, lengths, _, _ = self.runs
        first, last = self.year[starts], self.year[starts + lengths - 1]
        # rising years from first to last in ``length`` rows step by one iff they span so many
        if not np.array_equal(last - first, lengths - 1):
            return None
        return first, last

    @property
    def yc(self) -> np.ndarray:
        """Code of each row's year into :attr:`years` (made when first asked for)."""
        if self._yc is None:
            self.years  # noqa: B018 (makes the codes or the offset)
        if self._yc is None:
            assert self._year_offset is not None
            self._yc = self.year - self._year_offset
        return self._yc

    def year_codes_times(self, scale: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Return ``yc × scale`` (a new int64 array) of every row, or of ``rows``.

        When no year is missing in the years' range the codes are the years' offsets, and
        the product is made from the years (no array of codes).
        """
        self.years  # noqa: B018 (makes the codes or the offset)
        if self._yc is None and self._year_offset is not None:
            year = self.year if rows is None else self.year[rows]
            out = np.multiply(year, scale, dtype=np.int64)
            out -= self._year_offset * scale
            return out
        yc = self.yc if rows is None else self.yc[rows]
        return np.multiply(yc, scale, dtype=np.int64)

    @property
    def region_year(self) -> np.ndarray:
        """One integer per (region, year), ``rc × ny + yc`` (made once)."""
        if self._region_year is None:
            # one new array, the sum added in place
            region_year = np.multiply(self.rc, self.ny, dtype=np.int64)
            region_year += self.yc
            self._region_year = region_year
        return self._region_year

    @property
    def runs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Stretches of consecutive rows of one series (region, variable), when they are few.

        ``(first rows, lengths, region codes, variable codes)`` of the stretches, or None
        when there is more than one stretch per :data:`RUN_SHARE` rows (rows not grouped by
        series). Made once. A check then looks at a variable's properties once per stretch,
        not once per row.
        """
        if not self._runs_made:
            self._runs_made = True
            n = self.n
            if n >= 2 * RUN_SHARE:
                change = self.vc[1:] != self.vc[:-1]
                change |= self.rc[1:] != self.rc[:-1]
                after = np.flatnonzero(change)
                if after.size < n // RUN_SHARE:
                    starts = np.concatenate([np.zeros(1, dtype=np.int64), after + 1])
                    lengths = np.diff(np.append(starts, n))
                    self._runs = (starts, lengths, self.rc[starts], self.vc[starts])
        return self._runs

    def key(self) -> np.ndarray:
        """One integer per (region, year, variable)."""
        return self.region_year * self.nv + self.vc

    def series_key(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """One integer per row by series (region, variable), then year; made once.

        ``(rc × nv + vc) × span + year`` (span: the years' range), built in place, in 32 bits
        when it fits (half the memory traffic). Also returns its steps from row to row and
        whether they are all positive (:meth:`series_steps`).
        """
        step, in_order = self.series_steps()
        if self._key is None:
            self._key = self._make_series_key()
        return self._key, step, in_order

    def _make_series_key(self) -> np.ndarray:
        span = self.ymax - self.ymin + 1
        small = (self.nr * self.nv + 1) * span + abs(self.ymin) < 2**31
        key: np.ndarray = self.rc.astype(np.int32 if small else np.int64)
        np.multiply(key, self.nv, out=key)
        np.add(key, self.vc, out=key, casting="same_kind")
        np.multiply(key, span, out=key)
        np.add(key, self.year.astype(key.dtype, copy=False), out=key)
        return key

    def series_steps(self) -> tuple[np.ndarray, bool]:
        """Return the steps of :meth:`series_key` from row to row, and whether all are positive.

        All positive: the rows come by series, then year, with no (region, year, variable)
        twice. Made once; by stretches (:attr:`runs`) from the steps of the years, with no
        key made (:func:`_stretch_steps`).
        """
        if self._steps is None:
            runs = self.runs
            if runs is None:
                self._key = self._make_series_key()
                step = np.diff(self._key)
                self._steps = (step, bool((step > 0).all()), False)
            else:
                starts, _, rc, vc = runs
                series = rc.astype(np.int64) * self.nv + vc
                span = self.ymax - self.ymin + 1
                self._steps = _stretch_steps(self.year, starts, series, span)
        return self._steps[0], self._steps[1]

    def observation(self, i: int) -> dict[str, Any]:
        """Template fields of row ``i``: ``variable``, ``region``, ``year``, ``value``, ``unit``."""
        return {
            "variable": self.text("variable", i),
            "region": self.text("region", i),
            "year": int(self.year[i]),
            "value": fmt(self.value[i]),
            "unit": self.text("unit", i),
        }

    def where(self, i: int) -> Message:
        """``file[sheet] row N`` of a row (``file[sheet] 第 N 行`` in Chinese)."""
        sheet = self.text("sheet", i)
        place = f"{self.text('file', i)}{f'[{sheet}]' if sheet else ''}"
        return msg("checks.where", place=place, row=int(self.rows[i]))


def _stretch_steps(
    year: np.ndarray, starts: np.ndarray, series: np.ndarray, span: int
) -> tuple[np.ndarray, bool, bool]:
    """Return the steps of the key ``series × span + year`` of rows that come by stretches.

    ``starts`` are the first rows of the stretches (the first is 0) and ``series`` their
    series codes. Within a stretch the key steps as the year; from one stretch to the next
    by the change of series × ``span`` plus the year's step. Returns the steps, whether
    they are all positive, and whether the years rise within every stretch.
    """
    step = np.diff(year)
    between = starts[1:] - 1  # the steps from a stretch to the next
    down = step <= 0
    down[between] = False
    rising = not down.any()
    step[between] += (series[1:] - series[:-1]) * span
    return step, rising and bool((step[between] > 0).all()), rising


RUN_SHARE = 8
"""Rows are checked by stretches of a series (:attr:`Table.runs`) when there is fewer than one
stretch per this many rows."""


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Rows of the stretches ``[start, start + length)``, in order (lengths ≥ 1, starts rising).

    Examples
    --------
    >>> ranges(np.array([2, 10]), np.array([3, 2])).tolist()
    [2, 3, 4, 10, 11]
    """
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # steps of 1 within a stretch, a jump to the next stretch's first row: a cumulative sum
    step = np.ones(total, dtype=np.int64)
    step[0] = starts[0]
    ends = np.cumsum(lengths)[:-1]
    step[ends] = starts[1:] - (starts[:-1] + lengths[:-1] - 1)
    return np.cumsum(step)


def emit(
    collector: Collector,
    code: Code,
    t: Table,
    positions: np.ndarray,
    message: Callable[[int], Message],
    *,
    value: Any = None,
    expected: Any = None,
) -> None:
    """Add findings for rows of the accepted table, grouped by (file, sheet) for the cap.

    ``message(i)`` builds the catalogue message of row position ``i``; ``expected`` (a
    scalar or a per-row lookup) may hold a catalogue message too (kept as its English text).
    """
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0:
        return
    fc, files = t.codes["file"]
    sc, sheets = t.codes["sheet"]
    group = fc[positions].astype(np.int64) * (len(sheets) + 1) + sc[positions]
    for g in dict.fromkeys(group.tolist()):
        pos = positions[group == g]
        f, s_ = divmod(int(g), len(sheets) + 1)
        collector.add_rows(
            code,
            pos,
            message,
            file=files[f],
            sheet=sheets[s_],
            rows=t.rows,
            column=Lazy(t.column),
            region=t.label("region"),
            year=t.year,
            variable=t.label("variable"),
            value=t.value if value is None else value,
            expected=expected,
        )


def _semicolons(items: list[Message]) -> Message:
    """Join messages as ``a; b; c`` (``a；b；c`` in Chinese): a balanced tree of pairs."""
    if len(items) == 1:
        return items[0]
    mid = len(items) // 2
    return msg("checks.semicolons", first=_semicolons(items[:mid]), rest=_semicolons(items[mid:]))


def _check_name(name: str) -> Message | str:
    """Return the name of a check from the catalogue (``checks.check_name.…``), else as given."""
    slug = name.replace(" ", "_").replace("-", "_")
    if f"checks.check_name.{slug}" not in catalogue():
        return name
    return msg(f"checks.check_name.{slug}")


def fmt(x: float) -> str:
    """Format a number for messages: 6 significant digits, thousands separated from 1e6."""
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.6g}" if abs(x) >= 1e6 else f"{x:.6g}"


class CheckedTable:
    """What :func:`run_checks` leaves: the accepted rows, and their distinct rows.

    ``unique`` (None for an empty table) leaves out the later copies of identical duplicates:
    it is what the consistency checks of :func:`greenplan.validate` run on. ``accepted`` is
    the :class:`Table` of the accepted rows (None for an empty table).
    """

    def __init__(
        self, table: pd.DataFrame | Canonical, unique: Table | None, accepted: Table | None = None
    ) -> None:
        self._table = table
        self.unique = unique
        self.accepted = accepted

    @property
    def table(self) -> pd.DataFrame:
        """The accepted rows as the canonical DataFrame (made when first asked for)."""
        if self.accepted is not None:
            return self.accepted.table
        return self._table.frame() if isinstance(self._table, Canonical) else self._table

    @property
    def rows(self) -> int:
        """Number of accepted rows."""
        return self.accepted.n if self.accepted is not None else len(self._table)

    def table_maker(self) -> Callable[[], pd.DataFrame]:
        """Return a function that makes :attr:`table`, holding only what that needs.

        The codes of the accepted rows, not the checks' other arrays: a report that keeps it
        until its table is asked for keeps no more.
        """
        accepted = self.accepted
        if accepted is not None and accepted._table is None and accepted._canonical is not None:
            return accepted._canonical.frame
        table = self.table
        return lambda: table


def run_checks(
    table: pd.DataFrame | Canonical,
    collector: Collector,
    opts: dict[str, Any],
    codes: Mapping[str, tuple[np.ndarray, list[str]]] | None = None,
    value_column: Callable[[str, str, str, int], str] | None = None,
) -> CheckedTable:
    """Run every table check; return the table without the rows named in errors.

    ``table`` is the canonical DataFrame or its :class:`Canonical` codes (then the checked
    table's DataFrame is made only when asked for); ``codes`` are the integer codes of the
    text columns the readers made (factorized here otherwise); ``value_column(file, sheet,
    variable, year)`` names the header a value came from, for the findings.
    """
    if len(table) == 0:
        return CheckedTable(table, None)
    t = Table(table, codes, value_column)
    reject = guarded(collector, "bounds", _check_bounds, t, collector, opts)
    first = None  # None: every row is the first of its key
    duplicates = guarded(collector, "duplicates", _check_duplicates, t, collector, opts)
    if duplicates is not None:
        reject = duplicates[0] if reject is None else reject | duplicates[0]
        first = duplicates[1]
    if reject is not None and reject.any():
        t = t.subset(~reject)
        first = None if first is None else first[~reject]
    # identical duplicates: later copies stay in the table but not in the sum/trend checks
    if first is None or first.all():
        first, unique = None, t
    else:
        unique = t.subset(first)
    reject2 = np.zeros(unique.n, dtype=bool)
    for name, check in (
        ("children sum", _check_children),
        ("districts sum", _check_districts),
        ("year-on-year", _check_yoy),
        ("percent scale", _check_percent_scale),
    ):
        flagged = guarded(collector, name, check, unique, collector, opts)
        if flagged is not None:
            reject2 |= flagged
    if reject2.any():
        drop = np.zeros(t.n, dtype=bool)
        drop[reject2 if first is None else np.flatnonzero(first)[reject2]] = True
        t = t.subset(~drop)
        unique = unique.subset(~reject2)
    return CheckedTable(table, unique, t)


def guarded(
    collector: Collector, name: str, check: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
) -> _R | None:
    """Run ``check``; if it fails, say so in a ``check_failed`` finding (never a traceback)."""
    try:
        return check(*args, **kwargs)
    except Exception as exc:  # a check must never turn into a traceback
        text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        collector.add(
            Code.CHECK_FAILED,
            msg(
                "checks.check_failed",
                check=_check_name(name),
                error=f"{type(exc).__name__}: {text}",
            ),
        )
        return None


class _ByVariable:
    """Per-row view ``a[i] = per_variable[vc[i]]`` without a full-length array."""

    def __init__(self, per_variable: np.ndarray, vc: np.ndarray) -> None:
        self._a, self._vc = per_variable, vc

    def __getitem__(self, i: int) -> Any:
        return self._a[self._vc[i]]


def _bounds_flags(
    t: Table,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any, Any, Any, Any]:
    """Rows below/above their variable's bounds: negative, share out of range, out of bounds.

    Row positions, in order, of each kind.

    One pass over the rows against each variable's effective interval finds the candidates;
    the three kinds are told apart on those rows only. Also returns per-row views of the
    bounds (``lo``, ``hi``: NaN when open; ``s_lo``, ``s_hi``: a share's 0–100 default).
    """
    lo_v, hi_v, share_v = t.lower, t.upper, t.is_share
    s_lo_v = np.where(np.isnan(lo_v), 0.0, lo_v)
    s_hi_v = np.where(np.isnan(hi_v), 100.0, hi_v)
    # the interval a row must lie in: a share's 0–100 default, or open (±inf) where no bound
    eff_lo = np.where(share_v, s_lo_v, np.where(np.isnan(lo_v), -np.inf, lo_v))
    eff_hi = np.where(share_v, s_hi_v, np.where(np.isnan(hi_v), np.inf, hi_v))
    cand = _outside(t, eff_lo, eff_hi)
    vc = t.vc[cand]
    cv, lo, share = t.value[cand], lo_v[vc], share_v[vc]
    neg = ~share & (lo == 0) & (cv < 0)
    return (
        cand[neg],
        cand[share],
        cand[~share & ~neg],
        _ByVariable(lo_v, t.vc),
        _ByVariable(hi_v, t.vc),
        _ByVariable(s_lo_v, t.vc),
        _ByVariable(s_hi_v, t.vc),
    )


def _outside(t: Table, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Rows whose value is below ``lo`` or above ``hi`` of its variable (NaN is neither).

    By stretches of a series when the rows come so (:attr:`Table.runs`): the smallest and
    largest value of each stretch (NaN left out) say which stretches to look into.
    """
    v, runs = t.value, t.runs
    with np.errstate(invalid="ignore"):
        if runs is None:
            return np.flatnonzero((v < lo[t.vc]) | (v > hi[t.vc]))
        starts, lengths, _, vc = runs
        lo_s, hi_s = lo[vc], hi[vc]
        look = (np.fmin.reduceat(v, starts) < lo_s) | (np.fmax.reduceat(v, starts) > hi_s)
        rows = ranges(starts[look], lengths[look])
        lo_r = np.repeat(lo_s[look], lengths[look])
        hi_r = np.repeat(hi_s[look], lengths[look])
        w = v[rows]
        return rows[(w < lo_r) | (w > hi_r)]


def _check_bounds(t: Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray | None:
    """Report values out of bounds; return the rows rejected (negative, share), or None."""
    negative, share_bad, oob, lo, hi, s_lo, s_hi = _bounds_flags(t)

    emit(
        collector,
        Code.NEGATIVE_VALUE,
        t,
        negative,
        lambda i: msg(
            "checks.negative_value",
            **t.observation(i),
        ),
        expected="≥ 0",
    )
    emit(
        collector,
        Code.SHARE_OUT_OF_RANGE,
        t,
        share_bad,
        lambda i: msg(
            "checks.share_out_of_range",
            **t.observation(i),
            lo=fmt(s_lo[i]),
            hi=fmt(s_hi[i]),
        ),
        expected=Lazy(lambda i: f"{fmt(s_lo[i])}–{fmt(s_hi[i])}"),
    )

    def bounds(i: int) -> str:
        a = "" if np.isnan(lo[i]) else fmt(lo[i])
        b = "" if np.isnan(hi[i]) else fmt(hi[i])
        if a and b:
            return f"{a}–{b}"
        return f"≥ {a}" if a else f"≤ {b}"

    emit(
        collector,
        Code.OUT_OF_BOUNDS,
        t,
        oob,
        lambda i: msg(
            "checks.out_of_bounds",
            **t.observation(i),
            bounds=bounds(i),
        ),
        expected=Lazy(bounds),
    )
    if not negative.size and not share_bad.size:
        return None
    rejected = np.zeros(t.n, dtype=bool)
    rejected[negative] = True
    rejected[share_bad] = True
    return rejected


def group_codes(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Bin numbers of non-negative integer keys for ``np.bincount``, and the number of bins.

    Keys are combined integer codes (region × year × variable …). When their range is small
    compared with their number, as it is for statistics (few regions, years and variables),
    the keys are the bins themselves: no hashing or sorting. Otherwise they are factorized.
    """
    if keys.size == 0:
        return keys.astype(np.int64), 0
    top = int(keys.max()) + 1
    if top <= 4 * keys.size + 1024:
        return keys, top
    codes, uniques = pd.factorize(keys)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _check_duplicates(
    t: Table, collector: Collector, opts: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Report duplicates; return (rows rejected, rows kept as first copies), None if none."""
    if t.n > 1 and t.series_steps()[1]:  # rows by series then year, strictly: no key twice
        return None
    bad = np.zeros(t.n, dtype=bool)
    first = np.ones(t.n, dtype=bool)
    key = t.key()
    bins, n_bins = group_codes(key)
    counts = np.bincount(bins, minlength=n_bins)
    if counts.max(initial=0) <= 1:  # no key twice: nothing more to look at
        return bad, first
    dup = counts[bins] > 1
    pos = np.flatnonzero(dup)
    sub = pd.DataFrame({"key": key[pos], "pos": pos, "value": t.value[pos]})
    g = sub.groupby("key", sort=False)
    head_value = g["value"].transform("first").to_numpy()
    head_pos = g["pos"].transform("first").to_numpy()
    same = np.isclose(sub["value"].to_numpy(), head_value, rtol=1e-9, atol=0.0)
    conflict_group = (~pd.Series(same)).groupby(sub["key"].to_numpy()).transform("any").to_numpy()
    members: dict[int, list[int]] = {}
    for k, p in zip(sub["key"].tolist(), sub["pos"].tolist(), strict=True):
        members.setdefault(k, []).append(p)
    region, variable = t.label("region"), t.label("variable")
    head_of = dict(zip(pos.tolist(), head_pos.tolist(), strict=True))

    identical = pos[~conflict_group & (pos != head_pos)]
    emit(
        collector,
        Code.DUPLICATE_IDENTICAL,
        t,
        identical,
        lambda i: msg(
            "checks.duplicate_identical",
            **t.observation(i),
            first=t.where(head_of[i]),
        ),
    )
    conflicts = pos[conflict_group]
    bad[conflicts] = True

    def msg_conflict(i: int) -> Message:
        group = members[int(key[i])]
        others = [
            msg("checks.value_at", value=fmt(t.value[j]), where=t.where(j)) for j in group if j != i
        ]
        return msg(
            "checks.duplicate_conflict",
            variable=variable[i],
            region=region[i],
            year=int(t.year[i]),
            n=len(group),
            value=fmt(t.value[i]),
            others=_semicolons(others),
        )

    emit(
        collector,
        Code.DUPLICATE_CONFLICT,
        t,
        conflicts,
        msg_conflict,
        expected=Lazy(
            lambda i: msg(
                "checks.one_value",
                values=[fmt(t.value[j]) for j in members[int(key[i])] if j != i],
            )
        ),
    )
    # later copies of identical duplicates are left out of the sum and trend checks
    first[identical] = False
    return bad, first


def _sum_mismatch(
    t: Table,
    sums: np.ndarray,
    counts: np.ndarray,
    totals: np.ndarray,
    required: np.ndarray | int,
    opts: dict[str, Any],
    collector: Collector,
    code: Code,
    message: Callable[[int, float, int], Message],
) -> np.ndarray:
    """Report the totals that differ from the sum of their parts, beyond the tolerance.

    ``totals`` are row positions; ``sums`` and ``counts`` the sum and the number of the parts
    of each; ``required`` is the number of parts of a complete sum. A complete sum must match
    the total; an incomplete one must not exceed it. ``message(i, sum, parts)`` builds the
    finding of total row ``i`` (its ``expected`` is the sum). Returns the flagged totals.
    """
    total = t.value[totals]
    with np.errstate(invalid="ignore", over="ignore"):  # sum_rtol may be inf: no check
        tol = opts["sum_rtol"] * np.abs(total) + opts["sum_atol"] + 1e-9 * np.abs(total)
    tol = np.where(np.isnan(tol), np.inf, tol)
    excess = sums - total
    flag = (counts > 0) & ((excess > tol) | ((counts >= required) & (np.abs(excess) > tol)))
    flagged = totals[flag]
    info = zip(sums[flag].tolist(), counts[flag].tolist(), strict=True)
    found = dict(zip(flagged.tolist(), info, strict=True))
    emit(
        collector,
        code,
        t,
        flagged,
        lambda i: message(i, *found[i]),
        expected=Lazy(lambda i: fmt(found[i][0])),
    )
    return flagged


def _keyed_rows(
    t: Table, group_of: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows whose variable is in a group (``group_of[variable] ≥ 0``), their group and key.

    The key is ``(region × years + year) × n_groups + group``. By stretches of a series when
    the rows come so (:attr:`Table.runs`).
    """
    runs = t.runs
    if runs is None:
        pos = np.flatnonzero((group_of >= 0)[t.vc])
        group = group_of[t.vc[pos]]
        return pos, group, t.region_year[pos] * n_groups + group
    starts, lengths, rc, vc = runs
    pick = group_of[vc] >= 0
    lengths = lengths[pick]
    pos = ranges(starts[pick], lengths)
    group_s = group_of[vc[pick]]
    group = np.repeat(group_s, lengths)
    # (rc × ny + yc) × n + g = yc × n + (rc × ny × n + g): the second term once per stretch
    key = t.year_codes_times(n_groups, pos)
    key += np.repeat(rc[pick].astype(np.int64) * t.ny * n_groups + group_s, lengths)
    return pos, group, key


@functools.cache
def _families() -> tuple[list[str], dict[str, list[str]]]:
    """Return the variables that have components (sorted) and their components.

    Made once: the code list is read-only.
    """
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    return parents, {p: children(p) for p in parents}


def _check_children(t: Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray | None:
    """Report totals that differ from the sum of their components; return them, or None."""
    parents, kids = _families()
    child_of, parent_is = t.facts.child_of, t.facts.parent_is
    # the rows of children and of parents, their parent's code and their key: (region, year)
    # × parents + parent
    cpos, _, ckey = _keyed_rows(t, child_of, len(parents))
    ppos, prow, pkey = _keyed_rows(t, parent_is, len(parents))
    if cpos.size == 0 or ppos.size == 0:
        return None
    codes, n_bins = group_codes(np.concatenate([ckey, pkey]))
    pc, tc = codes[: cpos.size], codes[cpos.size :]
    sums = np.bincount(pc, weights=t.value[cpos], minlength=n_bins)[tc]
    counts = np.bincount(pc, minlength=n_bins)[tc]
    n_kids = np.array([len(kids[p]) for p in parents], dtype=np.int64)[prow]
    variable = t.label("variable")

    def message(i: int, s: float, c: int) -> Message:
        listed = list(kids[variable[i]])
        k = len(listed)
        if c >= k:
            what = msg("checks.children_all", k=k, listed=listed, sum=fmt(s))
        else:
            what = msg("checks.children_some", c=c, k=k, listed=listed, sum=fmt(s))
        return msg(
            "checks.children_sum_mismatch",
            **t.observation(i),
            what=what,
            tolerance=f"{opts['sum_rtol']:.1%}",
        )

    code = Code.CHILDREN_SUM_MISMATCH
    flagged = _sum_mismatch(t, sums, counts, ppos, n_kids, opts, collector, code, message)
    if not flagged.size:
        return None
    bad = np.zeros(t.n, dtype=bool)
    bad[flagged] = True
    return bad


def _check_districts(t: Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray | None:
    comps = districts()
    n_comp = len(comps)
    additive = t.facts.additive
    parts = set(comps)  # a few dozen texts: a set, not a pandas Index (≈ 0.2 ms a table)
    is_comp = np.array([r in parts for r in t.regions], dtype=bool)
    city_code = [k for k, r in enumerate(t.regions) if r == CITY]
    if not city_code or not is_comp.any() or not additive.any():
        return None
    found = _district_sums(t, is_comp, additive, city_code[0])
    if found is None:
        return None
    crow, sums, counts = found
    variable, unit = t.label("variable"), t.label("unit")

    def message(i: int, s: float, c: int) -> Message:
        if c >= n_comp:
            what = msg("checks.districts_all", n=n_comp, sum=fmt(s))
        else:
            what = msg("checks.districts_some", c=c, n=n_comp, sum=fmt(s))
        return msg(
            "checks.districts_sum_mismatch",
            variable=variable[i],
            city=CITY,
            year=int(t.year[i]),
            value=fmt(t.value[i]),
            unit=unit[i],
            what=what,
            tolerance=f"{opts['sum_rtol']:.1%}",
        )

    code = Code.DISTRICTS_SUM_MISMATCH
    _sum_mismatch(t, sums, counts, crow, n_comp, opts, collector, code, message)
    return None


def _district_sums(
    t: Table, is_comp: np.ndarray, additive: np.ndarray, city: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """City rows of additive variables, and the sum and number of their districts' rows.

    The parts are summed by (year, variable) in the order of the rows; the rows that are not
    parts go to a bin of their own (one key array, no copy of the values). The masks come
    from the stretches of a series when the rows come so (:attr:`Table.runs`,
    :func:`_district_sums_by_stretches`). None when there are no city rows or no parts.
    """
    runs = t.runs
    if runs is not None:
        starts, lengths, rc, vc = runs
        add_s = additive[vc]
        part_s = is_comp[rc] & add_s
        city_s = (rc == city) & add_s
        if not city_s.any() or not part_s.any():
            return None
        if 2 * t.ny * t.nv <= 4 * t.n + 1024:
            return _district_sums_by_stretches(t, part_s, city_s)
        parts = np.repeat(part_s, lengths)
        crow = ranges(starts[city_s], lengths[city_s])
    else:
        add_row = additive[t.vc]
        parts = is_comp[t.rc] & add_row
        crow = np.flatnonzero((t.rc == city) & add_row)
        if crow.size == 0 or not parts.any():
            return None
    key = t.year_codes_times(t.nv)
    key += t.vc
    bins, n_bins = group_codes(key)
    at = bins[crow]
    # the rows that are not parts: bin n_bins (their values are summed apart from the parts')
    np.copyto(bins, n_bins, where=~parts)
    sums = np.bincount(bins, weights=t.value, minlength=n_bins + 1)[at]
    counts = np.bincount(bins, minlength=n_bins + 1)[at]
    return crow, sums, counts


def _district_sums_by_stretches(
    t: Table, part_s: np.ndarray, city_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_district_sums` of rows that come by stretches (:attr:`Table.runs`).

    ``part_s`` and ``city_s`` mark the stretches of parts and of the city. A part's row goes
    to bin ``yc × nv + vc``, any other row to that bin + ``ny × nv`` (one key array made from
    the years and a value per stretch). When the years step by one within every stretch,
    the number of parts of a (year, variable) is counted by stretch, not by row: +1 in the
    first year of a part's stretch, -1 after its last, summed over the years.
    """
    starts, lengths, _, vc = t.runs  # type: ignore[misc]
    nv, n_pairs = t.nv, t.ny * t.nv
    crow = ranges(starts[city_s], lengths[city_s])
    at = t.year_codes_times(nv, crow)
    at += np.repeat(vc[city_s], lengths[city_s])
    bins = t.year_codes_times(nv)
    bins += np.repeat(np.where(part_s, vc, vc + n_pairs), lengths)
    sums = np.bincount(bins, weights=t.value, minlength=2 * n_pairs)[at]
    stretch_years = t._stretch_years()
    if stretch_years is None or t._year_offset is None:
        counts = np.bincount(bins, minlength=2 * n_pairs)[at]
        return crow, sums, counts
    first, last = (y[part_s] - t._year_offset for y in stretch_years)
    v = vc[part_s]
    size = n_pairs + nv  # one more year: the -1 after a stretch that ends in the last year
    cover = np.bincount(first * nv + v, minlength=size)
    cover -= np.bincount((last + 1) * nv + v, minlength=size)
    counts = np.cumsum(cover.reshape(-1, nv), axis=0).ravel()[at]
    return crow, sums, counts


BLOCK = 1 << 15
"""Rows per block of a scan whose intermediate arrays are kept small (in the CPU's cache)."""


def _jumps(prev: np.ndarray, cur: np.ndarray, threshold: float) -> np.ndarray:
    """Positions where ``|cur - prev| / |prev| > threshold``, block by block.

    Computed as ``|(cur - prev) / prev|``, the same number (a quotient's magnitude does not
    depend on the signs), in one pass less; in blocks of :data:`BLOCK` rows: the
    intermediate arrays are reused from block to block and stay in the CPU's cache.
    """
    n = prev.size
    change = np.empty(min(n, BLOCK))
    beyond = np.empty(min(n, BLOCK), dtype=bool)
    found = []
    for lo in range(0, n, BLOCK):
        hi = min(n, lo + BLOCK)
        d, b = change[: hi - lo], beyond[: hi - lo]
        np.subtract(cur[lo:hi], prev[lo:hi], out=d)
        np.divide(d, prev[lo:hi], out=d)
        np.abs(d, out=d)
        np.greater(d, threshold, out=b)
        hits = np.flatnonzero(b)
        if hits.size:
            found.append(hits + lo)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _check_yoy(t: Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray | None:
    threshold = opts["yoy_threshold"]
    if t.n < 2 or not math.isfinite(threshold):
        return None
    ymin = t.ymin
    step, in_order = t.series_steps()
    order: np.ndarray | None = None  # None: rows already by series, then year
    v, vc, year = t.value, t.vc, t.year
    if not in_order:
        key = t.series_key()[0]
        order = np.argsort(key, kind="stable")
        step = np.diff(key[order])
        v, vc, year = v[order], vc[order], year[order]
    prev = v[:-1]
    cur = v[1:]
    # the changes beyond the threshold first (one pass over the values); then, on those rows
    # only, whether the two rows are the same series one year apart — their keys differ by
    # one and the later is not its series' first possible year — of a kind that may jump
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cand = _jumps(prev, cur, threshold)
    cand = cand[step[cand] == 1]
    skip = t.facts.no_yoy  # one per variable: no np.isin sort
    after = cand + 1
    idx = cand[(year[after] != ymin) & ~skip[vc[after]] & (prev[cand] != 0)]
    if idx.size == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # the change of these rows, as (cur - prev) / |prev| of every row gives it
        change = (cur[idx] - prev[idx]) / np.abs(prev[idx])
    rows_cur = idx + 1 if order is None else order[idx + 1]
    # the previous value and the change of a flagged row, looked up only for the findings
    # listed (the rows in order, found by bisection)
    by_row = np.argsort(rows_cur, kind="stable")
    rows_sorted = rows_cur[by_row]
    prev_sorted, change_sorted = prev[idx][by_row], change[by_row]

    def prev_of(i: int) -> float:
        return float(prev_sorted[np.searchsorted(rows_sorted, i)])

    def change_of(i: int) -> float:
        return float(change_sorted[np.searchsorted(rows_sorted, i)])

    emit(
        collector,
        Code.YOY_JUMP,
        t,
        rows_sorted,
        lambda i: msg(
            "checks.yoy_jump",
            **t.observation(i),
            previous=fmt(prev_of(i)),
            previous_year=int(t.year[i]) - 1,
            change=f"{change_of(i):+.0%}",
            threshold=f"{threshold:.0%}",
        ),
        expected=Lazy(
            lambda i: msg(
                "checks.yoy_expected", threshold=f"{threshold:.0%}", previous=fmt(prev_of(i))
            )
        ),
    )
    return None


def _check_percent_scale(t: Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray | None:
    """Warn about a value in % below 1 in a series whose other values are 10 or more.

    The mark of a fraction (0.62, or a percent-formatted cell read as stored) written for a
    percentage (62). Series: (region, variable) of shares in % (rates may be small).
    """
    percent_v = t.facts.percent_share
    if t.runs is not None:  # the rows of the stretches of shares in %, and their series
        starts, lengths, rc, vc = t.runs
        pick = percent_v[vc]
        rows = ranges(starts[pick], lengths[pick])
        value = t.value[rows]
        series = np.repeat(rc[pick].astype(np.int64) * t.nv + vc[pick], lengths[pick])
    else:
        rows = np.flatnonzero(percent_v[t.vc])
        value = t.value[rows]
        series = t.rc[rows].astype(np.int64) * t.nv + t.vc[rows]
    if not rows.size:
        return None
    small = (np.abs(value) < 1) & (value != 0)
    if not small.any():
        return None
    big_series = np.unique(series[np.abs(value) >= 10])
    flag = small & np.isin(series, big_series)
    if not flag.any():
        return None
    emit(
        collector,
        Code.PERCENT_SCALE,
        t,
        rows[flag],
        lambda i: msg(
            "checks.percent_scale",
            **t.observation(i),
            percent=fmt(t.value[i] * 100),
        ),
        expected=msg("checks.percent_scale_expected"),
    )
    return None

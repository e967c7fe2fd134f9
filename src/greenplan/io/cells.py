"""Rows of a long table → accepted observations as integer codes; a finding per rejected row.

Region, variable and unit texts are resolved once per distinct text (``factorize``), and
units converted once per distinct (variable, unit) pair, so the cost per row is a few
vectorised array operations. What only a reader can know is reported here: an empty key cell,
an unknown region, variable or unit, a unit of the wrong dimension, a year or value that is
not a number. The checks on the accepted table are :mod:`greenplan.checks`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from greenplan import units
from greenplan.diagnostics import Code, Coded, Collector, Lazy
from greenplan.errors import DimensionalityMismatchError, UnitError, UnknownUnitError
from greenplan.io.normalise import (
    PERCENT_UNITS,
    PercentCell,
    cell_text,
    nfkc,
    parse_cells,
    parse_year,
    special_cell_message,
)
from greenplan.io.sources import Raw
from greenplan.messages import Message, msg
from greenplan.options import hint as close_names
from greenplan.regions import REGIONS, resolve_region
from greenplan.schema import TEXT_PROVENANCE
from greenplan.variables import VARIABLES, resolve_variable, suggest_variables

__all__ = ["Part", "Strings", "normalise"]

Columns = dict[str, tuple[str, str | None]]
"""Canonical name → (header as written, unit written in the header)."""


@dataclass
class Strings:
    """A text column as integer codes into a short list of distinct texts."""

    codes: np.ndarray
    uniques: list[str]

    @staticmethod
    def constant(text: str, n: int) -> Strings:
        """Return the same text for ``n`` rows.

        The codes are a read-only view of one zero (:func:`zero_codes`).
        """
        return Strings(zero_codes(n), [text])


@dataclass
class Part:
    """Accepted observations of one table, as arrays (texts as codes)."""

    region: Strings
    year: np.ndarray
    variable: Strings
    value: np.ndarray
    unit: Strings
    source: Strings
    note: Strings
    file: Strings
    sheet: Strings
    row: np.ndarray
    rows_read: int = 0
    """Rows (observations) read from the table, accepted or not."""
    value_header: str | tuple[str, dict[Any, str]] = "value"
    """Header of the value column, or ("variable"|"year", header by variable code or year)."""
    rejected_extra: int = 0
    """Cells read but rejected before normalisation (columns of unknown variables)."""


_ZERO = bytes(4)
"""One int32 zero, the memory of :func:`zero_codes`."""


def zero_codes(n: int) -> np.ndarray:
    """Return ``n`` int32 codes 0 as a read-only view of one zero (no memory per row)."""
    return np.ndarray((n,), dtype=np.int32, buffer=_ZERO, offset=0, strides=(0,))


def hint(suggestions: list[str]) -> Message | str:
    """Return ``" Did you mean: a, b?"`` (a message) for suggestions made elsewhere, or ``""``."""
    return msg("common.did_you_mean", names=", ".join(suggestions)) if suggestions else ""


def factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for empty) and distinct values of a column.

    The distinct values come in order of first appearance (as ``pandas.factorize`` gives
    them). A text column in Arrow that comes in runs of equal cells (a table sorted by region
    or variable) is coded by its runs: one comparison of each cell with the one before, then
    only the first cell of each run is hashed.
    """
    column = code_column(series)
    return column.codes, column.uniques


class Column:
    """A column coded as ``pandas.factorize`` codes it: per row, or per run of equal cells.

    ``uniques`` are the distinct values in order of first appearance; the code of a row is
    -1 for an empty cell. A column coded by runs (``starts`` not None) holds the first row
    of each run and the code of each run (``heads``); the codes of every row
    (:attr:`codes`) are made from them only when asked for.
    """

    def __init__(
        self,
        uniques: np.ndarray,
        codes: np.ndarray | None = None,
        starts: np.ndarray | None = None,
        heads: np.ndarray | None = None,
        n: int = 0,
    ) -> None:
        self.uniques = uniques
        self._codes = codes
        self.starts, self.heads = starts, heads
        self.n = len(codes) if codes is not None else n

    @staticmethod
    def empty_cells(n: int) -> Column:
        """Return a column of ``n`` empty cells (no distinct value), as one run."""
        return Column(
            np.zeros(0, dtype=object),
            starts=np.zeros(min(n, 1), dtype=np.int64),
            heads=np.full(min(n, 1), -1, dtype=np.int64),
            n=n,
        )

    @property
    def codes(self) -> np.ndarray:
        """Code of each row (int64), made once."""
        if self._codes is None:
            assert self.starts is not None and self.heads is not None
            self._codes = np.repeat(self.heads, run_lengths(self.starts, self.n))
        return self._codes

    def code(self, i: int) -> int:
        """Code of row ``i``."""
        if self._codes is not None or self.starts is None or self.heads is None:
            return int(self.codes[i])
        return int(self.heads[int(np.searchsorted(self.starts, i, side="right")) - 1])

    def empty(self) -> np.ndarray:
        """Positions of the empty cells (code -1), in order."""
        if self._codes is None and self.heads is not None:
            if not (self.heads < 0).any():
                return _NONE
        elif not self.n or int(self.codes.min()) >= 0:
            return _NONE
        return np.flatnonzero(self.codes < 0)


def run_lengths(starts: np.ndarray, n: int) -> np.ndarray:
    """Lengths of the runs that begin at ``starts`` (ascending, the first 0) in ``n`` rows."""
    return np.diff(np.append(starts, n))


def code_column(series: pd.Series) -> Column:
    """:class:`Column` of a column: by runs when it is a long Arrow text column in runs.

    A text column stored in Arrow is coded by Arrow's ``dictionary_encode``, as
    ``pandas.factorize`` codes it, without the pandas objects made on the way (they cost more
    than the coding of a table of a thousand rows).
    """
    cells = arrow_text(series)
    if cells is None:
        codes, distinct = pd.factorize(series, use_na_sentinel=True)
        return Column(np.asarray(distinct, dtype=object), np.asarray(codes, dtype=np.int64))
    runs = _run_heads(cells)
    if runs is not None:
        starts, heads, uniques = runs
        return Column(uniques, starts=starts, heads=heads, n=len(series))
    codes, uniques = _dictionary_codes(cells)
    return Column(uniques, codes)


def arrow_text(series: pd.Series) -> Any:
    """Return the cells of a text column pandas stores in Arrow (a ``pyarrow.ChunkedArray``).

    None for any other column (texts as Python objects, numbers, dates).
    """
    if getattr(series.dtype, "storage", None) != "pyarrow":
        return None
    if not hasattr(series.array, "__arrow_array__"):
        return None
    import pyarrow as pa  # optional: only for a column pandas stores in Arrow

    cells = series.array.__arrow_array__()
    if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)):
        return None
    return cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells])


def _dictionary_codes(cells: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64, -1 for an empty cell) and distinct texts of Arrow text cells.

    What ``pandas.factorize`` gives for them: it codes Arrow text by ``dictionary_encode``
    too (distinct texts in order of first appearance).
    """
    if not len(cells):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    encoded = cells.dictionary_encode().combine_chunks()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


def _factorize_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize`` of integer keys, by runs of equal keys when they come in runs."""
    n = keys.size
    if n > 2 * _RUN_SAMPLE:
        start = np.empty(n, dtype=bool)
        start[0] = True
        np.not_equal(keys[1:], keys[:-1], out=start[1:])
        runs = np.flatnonzero(start)
        if runs.size <= n // _RUN_SHARE:
            head_codes, uniques = pd.factorize(keys[runs])
            return np.repeat(head_codes, np.diff(np.append(runs, n))), uniques
    return pd.factorize(keys)


_RUN_SAMPLE = 4096
"""Cells looked at first to decide whether a column comes in runs (a few Arrow kernel calls)."""
_RUN_SHARE = 8
"""A column is coded by runs when it has fewer than one run per this many cells."""


def _run_heads(cells: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Find the runs of equal cells of a long Arrow text column: (first rows, codes, uniques).

    None for anything else (a short column, too many runs): then the column is hashed cell by
    cell. An empty cell starts a run of its own. The first cell of each run is picked chunk by
    chunk (Arrow ``filter``; ``take`` would join the chunks), and coded as
    ``pandas.factorize`` codes Arrow text (``dictionary_encode``: distinct texts in order of
    first appearance, -1 for an empty cell).
    """
    n = len(cells)
    if n < 2 * _RUN_SAMPLE:
        return None
    import pyarrow as pa  # optional: only for a column pandas stores in Arrow
    import pyarrow.compute as pc

    sample = cells.slice(0, _RUN_SAMPLE + 1)
    changes = pc.not_equal(sample.slice(1), sample.slice(0, _RUN_SAMPLE)).fill_null(True)
    if pc.sum(changes).as_py() > _RUN_SAMPLE // _RUN_SHARE:
        return None
    changes = pc.not_equal(cells.slice(1), cells.slice(0, n - 1))
    if changes.null_count:  # an empty cell starts a run
        changes = changes.fill_null(True)
    after = true_positions(changes)
    if after.size >= n // _RUN_SHARE:
        return None
    runs = np.empty(after.size + 1, dtype=np.int64)
    runs[0] = 0
    np.add(after, 1, out=runs[1:])
    start = pa.chunked_array([pa.array([True]), *changes.chunks], type=pa.bool_())
    head_codes, uniques = _dictionary_codes(pc.filter(cells, start))
    # 64-bit codes: the checks and the engine index arrays with them (NumPy converts any
    # other integers to 64 bits first, a copy of every row's code)
    return runs, head_codes, uniques


def true_positions(flags: Any) -> np.ndarray:
    """Positions (int64, ascending) of the true cells of an Arrow boolean column without nulls.

    ``pyarrow.compute.indices_nonzero``, read from the bitmaps: only the bytes with a bit set
    are unpacked, so a column with few true cells costs a scan of one word per 64 cells.
    """
    import pyarrow.compute as pc  # optional: only for a column pandas stores in Arrow

    out: list[np.ndarray] = []
    base = 0
    for chunk in flags.chunks:
        length = len(chunk)
        if chunk.null_count:  # not expected (nulls are filled first): Arrow's own kernel
            found = pc.indices_nonzero(chunk.fill_null(False)).to_numpy(zero_copy_only=False)
            out.append(found.astype(np.int64) + base)
        elif length:
            skip, first = chunk.offset % 8, chunk.offset // 8
            size = (skip + length + 7) // 8
            bitmap = np.frombuffer(chunk.buffers()[1], dtype=np.uint8)[first : first + size]
            window = np.zeros((size + 7) // 8 * 8, dtype=np.uint8)  # whole 64-bit words
            window[:size] = bitmap
            words = window.view(np.uint64)
            filled = np.flatnonzero(words)
            if filled.size:
                bits = np.unpackbits(words[filled].view(np.uint8), bitorder="little")
                at = np.flatnonzero(bits.view(np.bool_))  # NumPy finds flags faster than bytes
                pos = filled[at >> 6] * 64 + (at & 63) - skip
                out.append(pos[(pos >= 0) & (pos < length)] + base)
        base += length
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


_NONE = np.zeros(0, dtype=np.int64)
"""No row positions."""


class _ByPair:
    """Per-row view ``a[rows] = per_pair[pair[rows]]`` of a (variable, unit) pair property."""

    def __init__(self, per_pair: np.ndarray, pair: Column) -> None:
        self._per_pair, self._pair = per_pair, pair

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        return self._per_pair[self._pair.codes[rows]]


@dataclass
class _Rows:
    """One long table being normalised: its cells, where they are, and what is rejected."""

    frame: pd.DataFrame
    rows: np.ndarray
    raw: Raw
    cols: Columns
    collector: Collector
    headers: dict[str, str]
    rejected: np.ndarray = field(init=False)
    absent: np.ndarray = field(init=False)
    """Rows of a DataFrame whose NaN value means no observation (``nan_values="absent"``)."""
    region: Coded = field(init=False)
    variable: Coded = field(init=False)
    year: Any = field(init=False)
    """Year of each row as written (for messages)."""
    year_known: Lazy = field(init=False)
    """Year of each row, None where empty or bad."""
    year_values: np.ndarray = field(init=False)
    v_res: list[str | None] = field(init=False)
    """Variable code of each distinct variable text (None where unknown)."""
    vcol: Column = field(init=False)
    """The variable column, coded."""

    def __post_init__(self) -> None:
        self.rejected = np.zeros(len(self.frame), dtype=bool)
        self.absent = np.zeros(len(self.frame), dtype=bool)

    def header(self, c: str) -> str:
        """Header, as written, of canonical column ``c``."""
        return self.headers.get(c) or self.cols[c][0]

    def reject(
        self, code: Code, pos: np.ndarray, message: Callable[[int], Message | str], **kw: Any
    ) -> None:
        """Reject the rows at ``pos`` with one finding each (capped by the collector)."""
        if not pos.size:
            return
        self.rejected[pos] = True
        kw.setdefault("year", self.year_known)
        self.collector.add_rows(
            code,
            pos,
            message,
            file=self.raw.file,
            sheet=self.raw.sheet,
            rows=self.rows,
            region=self.region,
            variable=self.variable,
            **kw,
        )


def normalise(
    *,
    frame: pd.DataFrame,
    rows: np.ndarray,
    raw: Raw,
    cols: Columns,
    collector: Collector,
    opts: dict[str, Any],
    provenance: bool,
    value_column: np.ndarray | Coded | None = None,
    headers: dict[str, str] | None = None,
    unit_assumed_reported: bool = False,
) -> Part:
    """Long table → accepted rows as codes; every rejected row gets an error finding.

    ``value_column`` gives the header of each row's value cell (wide tables); ``headers``
    the headers, as written, of the key columns; ``provenance`` keeps the ``file``, ``sheet``
    and ``row`` columns of a DataFrame that already has them.
    """
    t = _Rows(frame, rows, raw, cols, collector, headers or {})
    rcodes, r_res = _keys(t, opts["year_range"])
    vcodes, v_res = t.variable.codes, t.v_res
    pair_factor, pcodes, pair_percent = _units(t, v_res, unit_assumed_reported)
    if opts.get("nan_values") == "absent" and raw.header_row is None and value_column is None:
        # a DataFrame's NaN value is no observation (compute): kept as NaN, not reported
        t.absent = t.frame[cols["value"][0]].isna().to_numpy(dtype=bool)
    values = _values(t, value_column, opts.get("decimal", "."), _ByPair(pair_percent, pcodes))
    # accepted rows, as codes into small lists of texts
    idx = None if not t.rejected.any() else np.flatnonzero(~t.rejected)

    def take(a: np.ndarray) -> np.ndarray:
        return a if idx is None else a[idx]

    if (pair_factor != 1.0).any():
        values = values * pair_factor[pcodes.codes]
    vc_out = take(vcodes)
    n = len(vc_out)
    texts = {
        name: _text_column(frame[cols[name][0]], take) if name in cols else Strings.constant("", n)
        for name in TEXT_PROVENANCE
    }
    if provenance:
        file_out, sheet_out, row_out = _origin(t, take)
    else:
        file_out, sheet_out = Strings.constant(raw.file, n), Strings.constant(raw.sheet, n)
        row_out = take(rows)
    return Part(
        region=Strings(take(rcodes), [r or "" for r in r_res]),
        year=take(t.year_values),
        variable=Strings(vc_out, [c or "" for c in v_res]),
        value=take(values),
        unit=_unit_strings(t.vcol, v_res, vc_out, whole=idx is None),
        source=texts["source"],
        note=texts["note"],
        file=file_out,
        sheet=sheet_out,
        row=row_out,
        rows_read=len(frame),
        value_header=cols["value"][0] if value_column is None else "value",
    )


def _unit_strings(
    vcol: Column, v_res: list[str | None], vc_out: np.ndarray, whole: bool
) -> Strings:
    """Return the canonical unit of each accepted row, as codes into the distinct units.

    ``vc_out`` are the accepted rows' variable codes (``whole``: every row is accepted).
    Variables share units: when the variable column is coded by runs and every row is
    accepted, the units are repeated run by run (cheaper than picking one per row); the codes
    are those the assembly would give the units of the variables (int32 where they differ).
    """
    units = [_unit_of(c) if c else "" for c in v_res]
    index: dict[str, int] = {}
    remap = [index.setdefault(u, len(index)) for u in units]
    uniques = list(index)
    if len(uniques) == len(remap) or len(uniques) == 1:
        return Strings(vc_out, units)
    per_code = np.array(remap, dtype=np.int32)
    if whole and vcol.starts is not None and vcol.heads is not None:
        codes = np.repeat(per_code[vcol.heads], run_lengths(vcol.starts, vcol.n))
    else:
        codes = per_code[vc_out]
    return Strings(codes, uniques)


def _keys(t: _Rows, year_range: tuple[int, int]) -> tuple[np.ndarray, list[str | None]]:
    """Resolve regions, variables and years; reject rows with an empty or unknown key."""
    frame, cols = t.frame, t.cols
    rcol = code_column(frame[cols["region"][0]])
    rcodes = rcol.codes
    r_text = [nfkc(str(u)) for u in rcol.uniques]
    r_res = [resolve_region(x) for x in r_text]
    t.region = Coded(rcodes, [r or x for r, x in zip(r_res, r_text, strict=True)] + [""])
    t.vcol = vcol = code_column(frame[cols["variable"][0]])
    vcodes = vcol.codes
    names = [_variable_name(u) if type(u) is str else _variable_of(u) for u in vcol.uniques]
    t.v_res = [code for _, code in names]
    t.variable = Coded(vcodes, [code or text for text, code in names] + [""])
    year_null, year_bad = _years(t, year_range)
    # an empty key cell is a missing value of that column
    empty = (
        ("region", rcol.empty()),
        ("year", np.flatnonzero(year_null) if year_null is not None else _NONE),
        ("variable", vcol.empty()),
    )
    for key, positions in empty:
        label = msg(f"io.label.{key}")
        t.reject(
            Code.MISSING_VALUE,
            positions,
            _empty_cell(label),
            column=t.header(key),
            expected=msg("io.expected_label", label=label),
        )
    r_ok = np.array([r is not None for r in r_res] + [False], dtype=bool)
    t.reject(
        Code.UNKNOWN_REGION,
        _unknown(r_ok, rcodes),
        lambda i: msg(
            "io.unknown_region",
            region=repr(t.region[i]),
            hint=close_names(t.region[i], REGIONS, cutoff=0.3),
        ),
        column=t.header("region"),
        value=t.region,
        expected=msg("io.expected_region"),
    )
    lo, hi = year_range
    t.reject(
        Code.BAD_YEAR,
        np.flatnonzero(year_bad) if year_bad is not None else _NONE,
        lambda i: msg("io.bad_year", year=repr(t.year[i]), lo=lo, hi=hi),
        column=t.header("year"),
        year=None,
        value=t.year,
        expected=msg("io.expected_year", lo=lo, hi=hi),
    )
    _unknown_variables(t, vcodes)
    return rcodes, r_res


def _variable_of(cell: Any) -> tuple[str, str | None]:
    """Return a variable cell's text (NFKC, stripped) and the code it names (None if none)."""
    text = nfkc(str(cell))
    return text, resolve_variable(text)


@functools.lru_cache(maxsize=8192)
def _variable_name(cell: str) -> tuple[str, str | None]:
    """:func:`_variable_of` of a text cell, once per process for each text.

    A pure function of the code list: a table names the same few hundred variables again
    and again, and their resolution cost more than the coding of a table of 1,000 rows.
    """
    return _variable_of(cell)


@functools.cache
def _unit_of(code: str) -> str:
    """Return the canonical unit of variable ``code`` (the code list is read-only)."""
    return VARIABLES[code].unit


def _unknown(known: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Rows whose text (code ≥ 0) is not known; none to look for when every text is known.

    ``known`` has one entry per distinct text, and a last one for the code -1 (empty).
    """
    if known[:-1].all():
        return _NONE
    return np.flatnonzero(~known[codes] & (codes >= 0))


def _empty_cell(label: Message) -> Callable[[int], Message]:
    return lambda i: msg("io.empty_cell", label=label)


def _years(t: _Rows, year_range: tuple[int, int]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Parse the years; set ``t.year``, ``t.year_known``, ``t.year_values``; (empty, bad).

    None for no empty (or no bad) year: a column of NumPy integers has no empty cell, and
    its years are usually all in range.
    """
    ycol = t.frame[t.cols["year"][0]]
    lo, hi = year_range
    if pd.api.types.is_integer_dtype(ycol.dtype) and not pd.api.types.is_bool_dtype(ycol.dtype):
        null: np.ndarray | None = None
        if isinstance(ycol.dtype, np.dtype):  # NumPy integers: no empty cell
            # no copy of a frame read from a file (pandas gives its array read-only: the
            # canonical DataFrame copies what it is given read-only, ``Canonical.frame``); a
            # caller's DataFrame is copied, as the caller may change it after the call
            year = ycol.to_numpy().astype(np.int64, copy=not t.raw.owned)
            t.year = Lazy(lambda i: int(year[i]))
        else:  # pandas' nullable integers
            year = ycol.to_numpy(dtype=np.int64, na_value=0)
            null = empty = np.asarray(ycol.isna().to_numpy(), dtype=bool)
            t.year = Lazy(lambda i: None if empty[i] else int(year[i]))
        bad: np.ndarray | None = None  # every year in range (the usual case)
        if year.size and not (lo <= int(year.min()) and int(year.max()) <= hi):
            bad = (year < lo) | (year > hi)
            if null is not None:
                bad &= ~null
    else:
        ycodes, yuniq = factorize(ycol)
        parsed = [parse_year(u) for u in yuniq]
        ok = [p is not None and lo <= p <= hi for p in parsed]
        # out-of-range years are rejected (bad); 0 keeps huge ones (9.2e18) from overflowing
        year = np.array([p if k else 0 for p, k in zip(parsed, ok, strict=True)] + [0], np.int64)
        year = year[ycodes]
        null = ycodes < 0
        bad = ~np.array([*ok, True], dtype=bool)[ycodes] & ~null
        t.year = Coded(ycodes, [cell_text(u) for u in yuniq] + [""])
    null_, bad_ = null, bad
    t.year_known = Lazy(
        lambda i: (
            None
            if (null_ is not None and null_[i]) or (bad_ is not None and bad_[i])
            else int(year[i])
        )
    )
    t.year_values = year
    return null, bad


def _unknown_variables(t: _Rows, vcodes: np.ndarray) -> None:
    v_ok = np.array([c is not None for c in t.v_res] + [False], dtype=bool)
    hints: dict[str, list[str]] = {}

    def message(i: int) -> Message:
        name = t.variable[i]
        if name not in hints:
            hints[name] = suggest_variables(name)
        return msg("io.unknown_variable", variable=repr(name), hint=hint(hints[name]))

    t.reject(
        Code.UNKNOWN_VARIABLE,
        _unknown(v_ok, vcodes),
        message,
        column=t.header("variable"),
        value=t.variable,
        expected=Lazy(lambda i: ", ".join(hints.get(t.variable[i], [])) or None),
    )


def _units(
    t: _Rows, v_res: list[str | None], unit_assumed_reported: bool
) -> tuple[np.ndarray, Column, np.ndarray]:
    """Reject unknown units and units of the wrong dimension.

    One conversion factor per distinct (variable, unit) pair. Returns the factor of each pair,
    the pair of each row, and whether each pair's unit is percent (as written, else canonical).
    """
    raw, unit_col = t.raw, t.cols.get("unit")
    header_unit = t.cols["value"][1] if "value" in t.cols else None
    if unit_col is None:
        ucol = Column.empty_cells(len(t.frame))
        u_text: list[str] = []
        if header_unit is None and not unit_assumed_reported and any(v_res):
            t.collector.add(
                Code.UNIT_ASSUMED,
                msg("io.no_unit_column", name=repr(raw.file), in_sheet=raw.in_sheet()),
                file=raw.file,
                sheet=raw.sheet,
                row=raw.header_row,
                column="unit",
            )
    else:
        ucol = code_column(t.frame[unit_col[0]])
        u_text = [nfkc(str(u)) for u in ucol.uniques]
    nu = len(u_text)
    pcodes, upairs = _pair_codes(t.vcol, ucol, len(v_res), nu)
    pair_of = pcodes.code
    pairs = _pair_texts(upairs, v_res, u_text)
    infos = [_pair_info(v, text or header_unit) for v, text in pairs]
    factor = np.array([i.factor for i in infos], dtype="float64")
    state = np.array([i.state for i in infos], dtype=np.int8)
    messages = [i.message for i in infos]
    if unit_col is not None or "unit" in t.headers:
        column = t.header("unit")
    elif header_unit is not None:  # the unit is written in the value header: 数值(亿元)
        column = t.cols["value"][0]
    else:
        column = "unit"
    unit_texts = [*u_text, header_unit or ""]
    unit_label = Lazy(lambda i: unit_texts[ucol.code(i)])
    expected = [i.target for i in infos]
    for st, code in ((1, Code.UNKNOWN_UNIT), (2, Code.WRONG_DIMENSION)):
        t.reject(
            code,
            np.flatnonzero(state[pcodes.codes] == st) if (state == st).any() else _NONE,
            lambda i: messages[pair_of(i)],
            column=column,
            value=unit_label,
            expected=Lazy(lambda i: expected[pair_of(i)]),
        )
    if unit_col is not None and not unit_assumed_reported and not header_unit:
        for k, (v, text) in enumerate(pairs):
            if v is None or text:
                continue
            members = np.flatnonzero(pcodes.codes == k)
            t.collector.add(
                Code.UNIT_ASSUMED,
                msg("io.empty_unit", n=members.size, variable=v, unit=VARIABLES[v].unit),
                file=raw.file,
                sheet=raw.sheet,
                row=int(t.rows[members[0]]),
                column=column,
                variable=v,
                expected=VARIABLES[v].unit,
                count=int(members.size),
            )
    percent = np.array([i.percent for i in infos], dtype=np.bool_)
    return factor, pcodes, percent


def _pair_codes(vcol: Column, ucol: Column, nv: int, nu: int) -> tuple[Column, np.ndarray]:
    """Code each row's (variable, unit) pair: ``pandas.factorize`` of ``v × (nu + 1) + u + 1``.

    ``v`` is the variable's code (``nv`` for an empty cell), ``u`` the unit's (-1 for an
    empty cell). When both columns are coded by runs, the pairs are coded run by run: a run
    of pairs begins where a run of either column does, and the code of every row is made only
    if asked for (a unit to convert, a row to reject).
    """
    runs = _both_runs(vcol, ucol)
    if runs is not None:
        v_starts, v_heads, u_starts, u_heads = runs
        starts = union_sorted(v_starts, u_starts)
        v = v_heads[np.searchsorted(v_starts, starts, side="right") - 1]
        u = u_heads[np.searchsorted(u_starts, starts, side="right") - 1]
        keys = np.where(v >= 0, v, nv).astype(np.int64) * (nu + 1) + u + 1
        head_codes, upairs = pd.factorize(keys)
        return Column(upairs, starts=starts, heads=head_codes, n=vcol.n), upairs
    vcodes = vcol.codes
    # in place: one array for the pair keys, not one per operation (1M rows: ≈ 1.5 ms)
    pair = np.where(vcodes >= 0, vcodes, nv).astype(np.int64, copy=False)
    pair *= nu + 1
    pair += ucol.codes
    pair += 1
    codes, upairs = _factorize_keys(pair)
    return Column(upairs, np.asarray(codes)), upairs


def union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``numpy.union1d`` of two ascending arrays of distinct integers.

    The runs of a unit column usually begin where runs of the variable column do: then the
    union is the longer array as it is, found by a binary search of the other's values
    (no sort of both).
    """
    if a.size < b.size:
        a, b = b, a
    if not b.size:
        return a.copy() if a.size else np.union1d(a, b)
    at = np.searchsorted(a, b)  # ascending: all within ``a`` when the last one is
    if at[-1] < a.size and bool((a[at] == b).all()):
        return a.copy()
    return np.union1d(a, b)


def _both_runs(
    a: Column, b: Column
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Return the runs of two columns (starts and heads of each), or None if one has none."""
    if a.starts is None or a.heads is None or b.starts is None or b.heads is None:
        return None
    return a.starts, a.heads, b.starts, b.heads


def _pair_texts(
    upairs: np.ndarray, v_res: list[str | None], u_text: list[str]
) -> list[tuple[str | None, str | None]]:
    """(variable code, unit text) of each pair key ``v × (nu + 1) + u + 1`` (see _pair_codes).

    None for an empty or unknown variable and for an empty unit cell.
    """
    nv, nu = len(v_res), len(u_text)
    vi, ui = np.divmod(np.asarray(upairs, dtype=np.int64), nu + 1)
    return [
        (v_res[v] if v < nv else None, u_text[u - 1] if u else None)
        for v, u in zip(vi.tolist(), ui.tolist(), strict=True)
    ]


class PairInfo(NamedTuple):
    """What the readers need of one (variable, unit) pair (see :func:`_pair_info`)."""

    factor: float
    """Factor to the variable's canonical unit (1.0 when not converted)."""
    state: int
    """0: converted (or no unit: taken as canonical), 1: unknown unit, 2: wrong dimension."""
    message: Message | str
    """Why the unit is rejected (state 1 or 2), else ``""``."""
    target: str | None
    """The variable's canonical unit (None for no variable)."""
    percent: bool
    """Whether the unit (as written, else the canonical one) is percent."""


@functools.lru_cache(maxsize=4096, typed=True)
def _pair_info(code: str | None, text: str | None) -> PairInfo:
    """Conversion factor, state, message and percent flag of variable ``code`` in unit ``text``.

    ``text`` is the unit as written in the row or, for an empty cell, in the value header
    (None for neither). A pure function of the code list and the unit table, so it is
    worked out once per process for each pair (a table has few distinct pairs).
    """
    if code is None:
        return PairInfo(1.0, 0, "", None, False)
    target = VARIABLES[code].unit
    percent = (text or target).casefold() in PERCENT_UNITS
    if not text:
        return PairInfo(1.0, 0, "", target, percent)
    try:
        return PairInfo(units.factor(text, target), 0, "", target, percent)
    except UnknownUnitError as exc:
        message: Message = msg(
            "io.unknown_unit",
            unit=repr(text),
            variable=code,
            hint=hint(exc.suggestions),
            target=target,
        )
        return PairInfo(1.0, 1, message, target, percent)
    except DimensionalityMismatchError as exc:
        message = msg(
            "io.wrong_dimension",
            unit=repr(text),
            from_dim=units.dimension_message(exc.from_dim),
            variable=code,
            name_zh=VARIABLES[code].name_zh,
            to_dim=units.dimension_message(exc.to_dim),
            target=target,
        )
        return PairInfo(1.0, 2, message, target, percent)
    except UnitError as exc:
        reason = exc.message if exc.message is not None else str(exc)
        message = msg("io.unusable_unit", unit=repr(text), variable=code, reason=reason)
        return PairInfo(1.0, 1, message, target, percent)


def _values(
    t: _Rows, value_column: np.ndarray | Coded | None, decimal: str, percent_unit: _ByPair
) -> np.ndarray:
    """Parse the values; reject the empty ones and those that are not numbers.

    A percent-formatted workbook cell (stored 0.62, shown 62.0%) in a row whose unit is % is
    read as shown (62).
    """
    cells = t.frame[t.cols["value"][0]]
    parsed = _percent_cells(t, cells, percent_unit, value_column)
    # the column's own array when every value is a number and greenplan read the frame
    # (read-only: the canonical DataFrame copies it, as it does the years); a caller's
    # DataFrame is copied, as the caller may change it after the call
    values, missing, bad = parse_cells(parsed, decimal, copy=not t.raw.owned)
    if t.absent.any():
        missing &= ~t.absent
    shown = Lazy(lambda i: cell_text(cells.iloc[i]))

    def empty(i: int) -> Message:
        return msg(
            "io.no_value",
            variable=str(t.variable[i]),
            region=str(t.region[i]),
            year=str(t.year[i]),
            shown=shown[i] or msg("io.empty"),
        )

    def not_a_number(i: int) -> Message:
        text = shown[i]
        head = msg(
            "io.value_of",
            value=repr(text),
            variable=str(t.variable[i]),
            region=str(t.region[i]),
            year=str(t.year[i]),
        )
        special = special_cell_message(cells.iloc[i])
        if special:
            return msg("io.special_cell", head=head, special=special)
        if decimal == "." and "," in text:
            return msg("io.thousands_comma", head=head)
        if decimal == "," and "." in text:
            return msg("io.decimal_comma", head=head)
        return msg("io.not_a_number", head=head)

    column = value_column if value_column is not None else t.cols["value"][0]
    for mask, code, message in (
        (missing, Code.MISSING_VALUE, empty),
        (bad, Code.NON_NUMERIC, not_a_number),
    ):
        t.reject(
            code,
            np.flatnonzero(mask),
            message,
            column=column,
            value=shown,
            expected=msg("io.expected_number"),
        )
    return values


def _percent_cells(
    t: _Rows, cells: pd.Series, percent_unit: _ByPair, value_column: np.ndarray | Coded | None
) -> pd.Series:
    """Replace percent-formatted cells by their number (× 100 where the unit is %)."""
    if cells.dtype != object:
        return cells
    is_pct = np.fromiter((isinstance(v, PercentCell) for v in cells), bool, len(cells))
    if not is_pct.any():
        return cells
    pos = np.flatnonzero(is_pct)
    stored = np.array([cells.iloc[i].stored for i in pos], dtype="float64")
    scaled = percent_unit[pos]
    out = cells.copy()
    out.iloc[pos] = np.where(scaled, stored * 100.0, stored)
    if scaled.any():
        first = int(pos[scaled][0])
        column = value_column[first] if value_column is not None else t.cols["value"][0]
        n = int(scaled.sum())
        t.collector.add(
            Code.PERCENT_FORMAT,
            msg(
                "io.percent_format",
                n=n,
                shown=cell_text(cells.iloc[first]),
                stored=float(stored[scaled][0]),
                scaled=float(stored[scaled][0] * 100),
            ),
            file=t.raw.file,
            sheet=t.raw.sheet,
            row=int(t.rows[first]),
            column=column,
            count=n,
        )
    return out


def _origin(
    t: _Rows, take: Callable[[np.ndarray], np.ndarray]
) -> tuple[Strings, Strings, np.ndarray]:
    """Keep the ``file``, ``sheet`` and ``row`` columns a DataFrame already carries."""
    frame, cols, rows = t.frame, t.cols, t.rows
    fcodes, funiq = factorize(frame[cols["file"][0]].astype(object))
    file = Strings(take(np.where(fcodes >= 0, fcodes, len(funiq))), [*map(str, funiq), t.raw.file])
    scodes, suniq = factorize(frame[cols["sheet"][0]].astype(object))
    sheet = Strings(take(np.where(scodes >= 0, scodes, len(suniq))), [*map(str, suniq), ""])
    r = pd.to_numeric(frame[cols["row"][0]], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return file, sheet, take(np.where(np.isnan(r), rows, r).astype(np.int64))


def _text_column(column: pd.Series, take: Callable[[np.ndarray], np.ndarray]) -> Strings:
    """Code a free-text provenance column (source, note); empty cells become ``""``."""
    codes, uniques = factorize(column)
    texts = [nfkc(str(u)) for u in uniques]
    return Strings(take(np.where(codes >= 0, codes, len(texts))), [*texts, ""])

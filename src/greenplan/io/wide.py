"""Wide tables → the cells of a long table, by array arithmetic on the block of data columns.

A wide table has one column per year (``wide_years``, the IAMC layout ``model, scenario,
region, variable, unit, 2020, 2021, …``) or per variable (``wide``). Its non-empty data cells
become the rows of a long table, in file order (row by row, and in a row column by column),
for :func:`greenplan.io.cells.normalise`. The block of data columns is read once into a 2-D
array (float64 when every data column holds numbers, else objects) and raveled; the key
columns (region, variable, unit, year, source, note) are coded once per row of the wide table
(or once per data column) and repeated to the long rows by index arithmetic, as categoricals,
so that ``normalise`` codes each of them from small integer codes instead of hashing a million
texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan.diagnostics import Coded
from greenplan.io.normalise import parse_numbers
from greenplan.schema import TEXT_PROVENANCE

__all__ = ["Stacked", "stack"]

DataColumn = tuple[str, Any, str | None]
"""A data column of a wide table: header, variable code or year, unit in the header."""


@dataclass
class Stacked:
    """The non-empty data cells of a wide table as the rows of a long table."""

    frame: pd.DataFrame
    """Columns region, year, variable, value, [unit], [source], [note]: one row per cell."""
    rows: np.ndarray
    """Row of the file (as the user sees it) of each long row."""
    value_column: Coded
    """Header of the data column each long row's value came from (codes into the headers)."""
    present: list[str]
    """Headers of the data columns with at least one non-empty cell, in table order."""


def _is_number_dtype(dtype: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def _block(frame: pd.DataFrame, data: list[DataColumn]) -> tuple[np.ndarray, np.ndarray]:
    """Return the data cells as a 2-D array (rows × data columns) and which are empty.

    Empty is what :func:`~greenplan.io.normalise.parse_numbers` calls missing: NaN in a
    column of numbers; empty cells and missing markers (``—``, ``…``) in other columns.
    """
    position = {col: j for j, col in enumerate(frame.columns)}
    where = [position[col] for col, _, _ in data]
    n, m = len(frame), len(where)
    if all(_is_number_dtype(d) for d in frame.dtypes.iloc[where]):
        # a run of columns is sliced: cheaper than a list when pandas keeps a block per column
        run = where == list(range(where[0], where[0] + m))
        sub = frame.iloc[:, where[0] : where[0] + m] if run else frame.iloc[:, where]
        block = sub.to_numpy(dtype="float64", na_value=np.nan)
        return block, np.isnan(block)
    cells = np.empty((n, m), dtype=object)
    missing = np.empty((n, m), dtype=bool)
    for j, k in enumerate(where):
        s = frame.iloc[:, k]
        cells[:, j] = s.to_numpy(dtype=object)
        if _is_number_dtype(s.dtype):
            missing[:, j] = np.isnan(s.to_numpy(dtype="float64", na_value=np.nan))
        else:
            missing[:, j] = parse_numbers(s)[1]
    return cells, missing


class _Cells:
    """Where the long rows come from: the row and the data column of each kept cell.

    In file order (rows increasing) no cell index is made: an entry per row is repeated along
    its row (as many times as the row keeps cells), an entry per data column tiled down the
    rows and masked by the kept cells, and the values are the block masked by them. Rows out of
    order (no reader makes them) take the cells by index: ``row_of`` and ``column_of``.
    """

    def __init__(self, keep: np.ndarray, rows: np.ndarray) -> None:
        n, m = keep.shape
        self.shape = (n, m)
        every = bool(keep.all())
        self.row_used: np.ndarray = np.ones(n, bool) if every else np.asarray(keep.any(axis=1))
        self.column_used: np.ndarray = np.ones(m, bool) if every else np.asarray(keep.any(axis=0))
        self.keep: np.ndarray | None = None if every else keep
        self.per_row: np.ndarray | None = None if every else np.count_nonzero(keep, axis=1)
        self.row_of: np.ndarray | None = None
        self.column_of: np.ndarray | None = None
        if not (rows.size < 2 or bool((rows[1:] > rows[:-1]).all())):
            # rows out of order: column by column, then by row (stable), as rows sort them
            column_of, row_of = np.nonzero(keep.T)
            order = np.lexsort((np.arange(row_of.size), rows[row_of]))
            self.row_of, self.column_of = row_of[order], column_of[order]

    def values(self, block: np.ndarray) -> np.ndarray:
        """Return the kept cells of ``block`` (rows × data columns), one per long row."""
        if self.row_of is not None:
            return block[self.row_of, self.column_of]
        block = np.ascontiguousarray(block)  # row by row: the file's order
        return block.ravel() if self.keep is None else block[self.keep]

    def by_row(self, entries: np.ndarray) -> np.ndarray:
        """Return the entries of the rows of the wide table, spread to the long rows."""
        if self.row_of is not None:
            return entries[self.row_of]
        return np.repeat(entries, self.shape[1] if self.per_row is None else self.per_row)

    def by_column(self, entries: np.ndarray) -> np.ndarray:
        """Return the entries of the data columns, spread to the long rows."""
        if self.column_of is not None:
            return entries[self.column_of]
        if self.keep is None:
            return np.tile(entries, self.shape[0])
        return np.broadcast_to(entries, self.shape)[self.keep]


def _small_int(n: int) -> type[np.signedinteger[Any]]:
    """Return the smallest signed integer type that holds codes 0 … n - 1 and -1."""
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32 if n < 2**31 else np.int64


def _coded(values: np.ndarray, used: np.ndarray, spread: Any) -> pd.Categorical:
    """``values`` spread to the long rows as a categorical: texts coded once, in order.

    ``values`` are the cells of one key column (one per row of the wide table, or one per
    data column), ``used`` those some long row takes, ``spread`` spreads them to the long rows
    (:meth:`_Cells.by_row` or :meth:`_Cells.by_column`). Only the used entries are coded, in
    the order the long rows take them first, so the codes ``normalise`` makes of the
    categorical are those it would make of the long column itself.
    """
    where = np.flatnonzero(used)
    codes, uniques = pd.factorize(values[where], use_na_sentinel=True)
    per_entry = np.full(len(values), -1, dtype=_small_int(len(uniques)))
    per_entry[where] = codes
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    return pd.Categorical.from_codes(spread(per_entry), categories=categories, validate=False)


def stack(
    frame: pd.DataFrame,
    rows: np.ndarray,
    cols: dict[str, tuple[str, str | None]],
    layout: str,
    data: list[DataColumn],
    year_range: tuple[int, int],
) -> Stacked | None:
    """Stack the non-empty cells of the data columns as long rows, in file row order.

    Returns None when every data cell is empty. The years of a years-as-columns table are
    integers when every column with a cell has a year in ``year_range`` (``normalise`` then
    takes them as numbers, as a long table's year column of integers, whose cells' texts are
    the same); else the headers' years, coded.
    """
    block, missing = _block(frame, data)
    keep = ~missing
    if not keep.any():
        return None
    cells = _Cells(keep, rows)
    values = cells.values(block)
    n_data = len(data)
    headers = np.empty(n_data, dtype=object)
    headers[:] = [col for col, _, _ in data]
    keys = np.empty(n_data, dtype=object)
    keys[:] = [key for _, key, _ in data]

    def by_row(name: str) -> pd.Categorical:
        cells_of = frame[cols[name][0]].to_numpy(dtype=object)
        return _coded(cells_of, cells.row_used, cells.by_row)

    def by_column(entries: np.ndarray) -> pd.Categorical:
        return _coded(entries, cells.column_used, cells.by_column)

    long: dict[str, Any] = {"region": by_row("region")}
    if layout == "wide":
        units = np.empty(n_data, dtype=object)
        units[:] = [np.nan if unit is None else unit for _, _, unit in data]
        long["year"] = by_row("year")
        long["variable"] = by_column(keys)
        long["value"] = pd.Series(values, dtype=values.dtype, copy=False)
        long["unit"] = by_column(units)
    else:
        lo, hi = year_range
        if all(lo <= key <= hi for key in keys[cells.column_used]):
            long["year"] = cells.by_column(keys.astype(np.int64))
        else:  # a year out of range is reported with its header's text
            long["year"] = by_column(keys)
        long["variable"] = by_row("variable")
        long["value"] = pd.Series(values, dtype=values.dtype, copy=False)
        if "unit" in cols:
            long["unit"] = by_row("unit")
    for name in TEXT_PROVENANCE:
        if name in cols:
            long[name] = by_row(name)
    column_codes = np.arange(n_data, dtype=_small_int(n_data))
    return Stacked(
        frame=pd.DataFrame(long, copy=False),
        rows=cells.by_row(rows),
        value_column=Coded(cells.by_column(column_codes), headers.tolist()),
        present=[str(h) for h in headers[cells.column_used]],
    )

"""Assembly: the parts of every table → one canonical long table (:mod:`greenplan.schema`).

Text columns are built from integer codes (pyarrow ``take`` when pandas stores text in
Arrow), and the codes are handed to the checks with the table, so nothing is factorized twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from greenplan.checks import Table
from greenplan.diagnostics import Code, Collector, short
from greenplan.io.cells import Part, Strings
from greenplan.io.layout import to_long
from greenplan.io.sources import iter_tables
from greenplan.messages import msg
from greenplan.records.engines import statistics_sources
from greenplan.schema import CANONICAL_COLUMNS, TEXT_DTYPE, empty_table

__all__ = ["ReadResult", "read_all"]


@dataclass
class ReadResult:
    """What the readers produced: the canonical table and the row counts."""

    table: pd.DataFrame
    rows_read: int
    sources: list[str] = field(default_factory=list)
    codes: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    """For the text columns the checks group by (``greenplan.checks.Table.TEXT``): integer
    codes (int32) and the distinct texts they index."""
    value_headers: dict[tuple[str, str], str | tuple[str, dict[Any, str]]] = field(
        default_factory=dict
    )
    """Header of the value column(s) of each (file, sheet), for findings on table rows."""

    def value_column(self, file: str, sheet: str, variable: str, year: int) -> str:
        """Header, as written, of the cell a value came from."""
        spec = self.value_headers.get((file, sheet), "value")
        if isinstance(spec, str):
            return spec
        kind, mapping = spec
        return mapping.get(variable if kind == "variable" else year, "value")


def _string_column(parts: Sequence[Strings]) -> tuple[pd.Series, np.ndarray, list[str]]:
    """One text column from coded parts (pyarrow ``take`` when pandas stores text in Arrow).

    Returns the column, and its codes (int32) into its distinct texts.
    """
    index: dict[str, int] = {}
    remaps = [
        np.array([index.setdefault(u, len(index)) for u in p.uniques], dtype=np.int32)
        for p in parts
    ]
    uniques = list(index)
    if len(uniques) == 1:  # file, sheet, an absent source or note: one text for every row
        all_codes = np.zeros(sum(len(p.codes) for p in parts), dtype=np.int32)
        return _text_series(uniques, all_codes), all_codes, uniques
    codes = [
        remap[p.codes] if len(remap) else p.codes.astype(np.int32)
        for p, remap in zip(parts, remaps, strict=True)
    ]
    all_codes = np.concatenate(codes) if len(codes) > 1 else codes[0]
    return _text_series(uniques, all_codes), all_codes, uniques


def _text_series(uniques: list[str], all_codes: np.ndarray) -> pd.Series:
    dtype = TEXT_DTYPE
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa  # optional: only when pandas already stores text in Arrow

        if len(uniques) == 1:
            # the same text in every row: build the Arrow buffers directly (no ``take``)
            data = uniques[0].encode("utf-8")
            n = len(all_codes)
            # one allocation (zeros, which the system gives without touching, for "")
            if data:
                offsets = np.arange(0, (n + 1) * len(data), len(data), dtype=np.int64)
            else:
                offsets = np.zeros(n + 1, dtype=np.int64)
            arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))
        else:
            arr = pa.array(uniques, type=pa.large_string()).take(pa.array(all_codes))
        return pd.Series(pd.array(arr, dtype=dtype), copy=False)
    return pd.Series(np.asarray(uniques, dtype=object)[all_codes], dtype=dtype)


def _assemble(parts: list[Part]) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, list[str]]]]:
    if not parts:
        return empty_table(), {}
    data: dict[str, pd.Series] = {}
    codes: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in CANONICAL_COLUMNS:
        first = getattr(parts[0], name)
        if isinstance(first, Strings):
            data[name], c, u = _string_column([getattr(p, name) for p in parts])
            if name in Table.TEXT:
                codes[name] = (c, u)
        else:
            arrays = [getattr(p, name) for p in parts]
            dtype = "float64" if name == "value" else "int64"
            arr = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
            data[name] = pd.Series(arr.astype(dtype, copy=False), dtype=dtype, copy=False)
    return pd.DataFrame(data, copy=False), codes


def read_all(sources: Sequence[Any], collector: Collector, opts: dict[str, Any]) -> ReadResult:
    """Read every source; findings go to ``collector``; never raises for bad input."""
    sources = statistics_sources(sources)  # Arrow/Dask tables → pandas, globs → files
    parts: list[Part] = []
    rows_read = 0
    names: list[str] = []
    if not sources:
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.no_source"),
        )
    for i, source in enumerate(sources, start=1):
        before = len(names)
        try:
            tables = iter_tables(source, i, collector, opts, names)
            # not a for loop: its variable would keep the last table as read (the whole file)
            # alive while the canonical table is assembled
            while (raw := next(tables, None)) is not None:
                rows_read += len(raw.skipped_lines)
                result = to_long(raw, collector, opts)
                if result is None:
                    continue
                if isinstance(result, int):
                    rows_read += result
                    continue
                rows_read += result.rows_read + result.rejected_extra
                parts.append(result)
        except Exception as exc:  # a bug must not become a traceback for the user
            if len(names) == before:
                names.append(
                    f"<argument #{i}>" if not isinstance(source, str | PathLike) else str(source)
                )
            collector.add(
                Code.INTERNAL_ERROR,
                msg("io.internal_error", error=type(exc).__name__, reason=short(exc)),
                file=names[-1],
            )
    table, codes = _assemble(parts)
    headers: dict[tuple[str, str], str | tuple[str, dict[Any, str]]] = {}
    for p in parts:
        if len(p.file.uniques) == 1 and len(p.sheet.uniques) == 1:
            headers[(p.file.uniques[0], p.sheet.uniques[0])] = p.value_header
    return ReadResult(table, rows_read, names, codes, headers)

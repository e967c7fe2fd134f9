"""Assembly: the parts of every table → one canonical long table (:mod:`greenplan.schema`).

Text columns stay integer codes into their distinct texts (a
:class:`~greenplan.checks.Canonical`): the checks use the codes, so nothing is factorized
twice, and the DataFrame (texts by pyarrow ``take`` when pandas stores text in Arrow) is made
only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from greenplan.checks import Canonical, Table
from greenplan.diagnostics import Code, Collector, short
from greenplan.io.cells import Part, Strings, zero_codes
from greenplan.io.layout import to_long
from greenplan.io.sources import iter_tables
from greenplan.messages import msg
from greenplan.records.engines import statistics_sources
from greenplan.schema import CANONICAL_COLUMNS, empty_table

__all__ = ["ReadResult", "read_all"]


@dataclass
class ReadResult:
    """What the readers produced: the canonical table (as codes) and the row counts."""

    canonical: Canonical | None
    """The accepted rows, texts as integer codes (None when nothing was read)."""
    rows_read: int
    sources: list[str] = field(default_factory=list)
    value_headers: dict[tuple[str, str], str | tuple[str, dict[Any, str]]] = field(
        default_factory=dict
    )
    """Header of the value column(s) of each (file, sheet), for findings on table rows."""

    @property
    def table(self) -> pd.DataFrame:
        """The canonical table as a DataFrame (made when first asked for)."""
        return empty_table() if self.canonical is None else self.canonical.frame()

    @property
    def codes(self) -> dict[str, tuple[np.ndarray, list[str]]]:
        """Codes of the text columns the checks group by (``greenplan.checks.Table.TEXT``).

        Integer codes (int32) and the distinct texts they index, by column.
        """
        if self.canonical is None:
            return {}
        return {k: v for k, v in self.canonical.texts.items() if k in Table.TEXT}

    def value_column(self, file: str, sheet: str, variable: str, year: int) -> str:
        """Header, as written, of the cell a value came from."""
        spec = self.value_headers.get((file, sheet), "value")
        if isinstance(spec, str):
            return spec
        kind, mapping = spec
        return mapping.get(variable if kind == "variable" else year, "value")


def _string_column(parts: Sequence[Strings]) -> tuple[np.ndarray, list[str]]:
    """One text column from coded parts: its codes (int32 or int64) into its distinct texts."""
    index: dict[str, int] = {}
    remaps = [
        np.array([index.setdefault(u, len(index)) for u in p.uniques], dtype=np.int32)
        for p in parts
    ]
    uniques = list(index)
    if len(uniques) == 1:  # file, sheet, an absent source or note: one text for every row
        # a read-only view of one zero, no memory per row (the codes are only ever read;
        # four such columns of 129k rows took ≈ 0.25 ms to fill with zeros)
        return zero_codes(sum(len(p.codes) for p in parts)), uniques
    if len(parts) == 1 and np.array_equal(remaps[0], np.arange(len(uniques))):
        return parts[0].codes, uniques  # one table, texts already distinct: codes as they are
    codes = [
        remap[p.codes] if len(remap) else p.codes.astype(np.int32)
        for p, remap in zip(parts, remaps, strict=True)
    ]
    return (np.concatenate(codes) if len(codes) > 1 else codes[0]), uniques


def _assemble(parts: list[Part]) -> Canonical | None:
    if not parts:
        return None
    numbers: dict[str, np.ndarray] = {}
    texts: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in CANONICAL_COLUMNS:
        first = getattr(parts[0], name)
        if isinstance(first, Strings):
            texts[name] = _string_column([getattr(p, name) for p in parts])
        else:
            arrays = [getattr(p, name) for p in parts]
            dtype = "float64" if name == "value" else "int64"
            arr = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
            numbers[name] = arr.astype(dtype, copy=False)
    return Canonical(numbers, texts)


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
    canonical = _assemble(parts)
    headers: dict[tuple[str, str], str | tuple[str, dict[Any, str]]] = {}
    for p in parts:
        if len(p.file.uniques) == 1 and len(p.sheet.uniques) == 1:
            headers[(p.file.uniques[0], p.sheet.uniques[0])] = p.value_header
    return ReadResult(canonical, rows_read, names, headers)

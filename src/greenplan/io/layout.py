"""Layouts: a raw table → the rows of a long table.

**long** (one row per observation), **wide** (one column per variable, the unit in the header:
``能源消费总量(万吨标准煤)``) or **wide_years** (one column per year, as yearbooks print them),
recognised from the headers (docs/data-format.md). Missing and unused columns are findings;
the rows go to :func:`greenplan.io.cells.normalise`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from greenplan.diagnostics import Code, Collector
from greenplan.io.cells import Columns, Part, arrow_text, hint, normalise
from greenplan.io.normalise import (
    MISSING_MARKERS,
    UNIT_IN_HEADER,
    canonical_header,
    is_blank,
    nfkc,
    variable_header,
    year_header,
)
from greenplan.io.sources import HEADER_SCAN, Raw, is_blank_header
from greenplan.io.wide import DataColumn, stack
from greenplan.messages import Message, msg
from greenplan.schema import (
    HEADER_NAMES,
    NAME_ZH,
    OBSERVATION_COLUMNS,
    ORIGIN_COLUMNS,
    TEXT_PROVENANCE,
)
from greenplan.variables import suggest_variables

__all__ = ["to_long"]


def _columns(raw: Raw) -> Columns:
    """Canonical name → (header as written, unit in the header) for recognised columns."""
    out: dict[str, tuple[str, str | None]] = {}
    for col in raw.frame.columns:
        canon, unit = canonical_header(col)
        if canon is not None and canon not in out:
            out[canon] = (col, unit)
    return out


def _layout(raw: Raw, cols: Columns, requested: str) -> str:
    if requested != "auto":
        return requested
    if "variable" in cols and "value" in cols:
        return "long"
    if "variable" in cols and any(year_header(c) for c in raw.frame.columns):
        return "wide_years"
    if "value" in cols or "unit" in cols:
        return "long"
    if "region" in cols and "year" in cols:
        return "wide"
    return "long"


_NEEDS = {
    "long": ("region", "year", "variable", "value"),
    "wide": ("region", "year"),
    "wide_years": ("region", "variable"),
}
"""Each layout's required columns (messages say them as ``io.needs.<layout>``)."""


def to_long(raw: Raw, collector: Collector, opts: dict[str, Any]) -> Part | int | None:
    """Normalise one table; return its accepted part, or the number of rows rejected."""
    cols = _columns(raw)
    layout = _layout(raw, cols, opts["layout"])
    required = _NEEDS[layout]
    missing = [c for c in required if c not in cols]
    if raw.header_below is not None and missing:
        return _header_too_low(raw, collector)
    if not _is_table(raw, cols, missing, collector):
        return None
    # blank rows are layout, not data: they are neither read nor reported; nor are notes
    frame, rows = raw.frame, raw.rows
    if _full_columns(frame, _NOTE_CELLS + 1) <= _NOTE_CELLS:  # else no row can be either
        n_cols, n_missing = frame.shape[1], _missing_per_row(frame)
        blank = (n_missing == n_cols) | _footnotes(raw, collector, n_cols - n_missing)
        if blank.any():
            frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    _report_merged(raw, collector)
    repeated = _repeated_headers(raw, layout, collector, len(frame))
    if repeated is not None:
        return repeated
    if len(frame) == 0:
        raw.add(collector, Code.EMPTY_FILE, raw.msg("io.header_no_rows"))
        return None
    for i, c in enumerate(missing):
        raw.add(
            collector,
            Code.MISSING_COLUMN,
            raw.msg(
                "io.missing_column",
                column=repr(c),
                column_zh=NAME_ZH[c],
                headers=_list(frame.columns),
                layout=msg(f"io.layout.{layout}"),
                accepted=msg(f"io.needs.{layout}"),
                n=len(frame),
            ),
            row=raw.header_row,
            column=c,
            expected=", ".join(HEADER_NAMES[c][:4]),
            count=len(frame) if i == 0 else 1,
        )
    if missing:
        return len(frame)
    provenance = raw.header_row is None and all(p in cols for p in ORIGIN_COLUMNS)
    kept = {*OBSERVATION_COLUMNS, *TEXT_PROVENANCE, *(ORIGIN_COLUMNS if provenance else ())}
    used = {cols[c][0] for c in cols if c in kept}
    if layout != "long":
        return _melt(frame, rows, raw, cols, layout, used, collector, opts)
    _report_ignored([c for c in frame.columns if c not in used], frame, raw, collector)
    return normalise(
        frame=frame,
        rows=rows,
        raw=raw,
        cols=cols,
        collector=collector,
        opts=opts,
        provenance=provenance,
    )


_NOTE_CELLS = 2
"""A note under a table fills at most this many cells of its row (see :func:`_footnotes`)."""


def _full_columns(frame: pd.DataFrame, enough: int) -> int:
    """Count the columns known to have no empty cell without reading their cells.

    NumPy integer and boolean columns cannot hold an empty cell; a text column in Arrow
    knows how many it holds. Counting stops at ``enough``. When a row fills the cells of
    more columns than a note does, no row is blank or a note, and the empty cells of each
    row (:func:`_missing_per_row`) need not be counted.
    """
    full = 0
    for _, column in frame.items():
        if full >= enough:
            break
        if isinstance(column.dtype, np.dtype):
            full += column.dtype.kind in "iub"
        else:
            cells = arrow_text(column)
            full += cells is not None and cells.null_count == 0
    return full


_MANY_COLUMNS = 32
"""Above this many columns, a table's empty cells are flagged in one call (_missing_per_row)."""


def _missing_per_row(frame: pd.DataFrame) -> np.ndarray:
    """Return the number of empty cells in each row of ``frame`` (``isna().sum(axis=1)``).

    A table of few columns (a long one) is counted column by column: no 2-D copy of its
    flags, and no sum along its rows (both cost more than the flags themselves on a long
    table). A table of many columns (one column per year) is flagged block by block in one
    call: a call per column would cost more than its cells.
    """
    n_cols = frame.shape[1]
    if n_cols > _MANY_COLUMNS:
        return np.count_nonzero(frame.isna().to_numpy(dtype=bool), axis=1)
    count = np.zeros(len(frame), dtype=np.uint8 if n_cols < 255 else np.int64)
    for _, column in frame.items():  # by position (headers may repeat); cheaper than iloc
        # the array's flags, not a Series of them; a column with no empty cell adds nothing
        empty = np.asarray(column.array.isna(), dtype=bool)
        if empty.any():
            np.add(count, empty, out=count)
    return count


def _header_too_low(raw: Raw, collector: Collector) -> int:
    """Report a header found below the rows searched for it (an error: no row is read)."""
    below = raw.header_below or 0
    n = int((raw.rows > below).sum())
    raw.add(
        collector,
        Code.MISSING_COLUMN,
        raw.msg(
            "io.header_too_low",
            row=below,
            scan=HEADER_SCAN,
        ),
        row=below,
        expected=msg("io.expected_header", n=HEADER_SCAN),
        count=max(n, 1),
    )
    return n


_FOOTNOTE = re.compile(
    r"\s*(?:注释?|附注|说明|备注|资料来源|数据来源|来源|注\s*\d+|\*+|note|notes|source)\s*[:：]"
    r"|\s*注\s*\d*\s*[.、．]",
    re.IGNORECASE,
)
"""A note under a table: 注：…, 注1：…, 资料来源：…, 说明：…, Note: …"""


def _footnotes(raw: Raw, collector: Collector, n_filled: np.ndarray) -> np.ndarray:
    """Rows that are notes (注：…), and the lines following them; one info finding per table.

    A note row has text in one cell only (or the same text in several: merged across), the
    first starting like a note; the rows after it with text in one cell only continue it.
    """
    frame = raw.frame
    out = np.zeros(len(frame), dtype=bool)
    if not len(frame) or frame.shape[1] < 2:
        return out
    # a note has text in one or two cells (a comma inside an unquoted CSV note splits it)
    candidates = np.flatnonzero(n_filled <= _NOTE_CELLS)
    if not candidates.size:
        return out
    values = frame.iloc[candidates].to_numpy(dtype=object)
    filled = ~pd.isna(values)
    previous = -2
    for k, i in enumerate(candidates.tolist()):
        row = values[k][filled[k]]
        cells = [v for v in row if not (isinstance(v, str) and not v.strip())]
        texts = [str(v).strip() for v in cells]
        note_like = bool(cells) and all(isinstance(v, str) for v in cells)
        if note_like and _FOOTNOTE.match(texts[0]):
            out[i] = True
        elif note_like and len(cells) == 1 and previous == i - 1:
            out[i] = True  # the next line of a note above
        if out[i]:
            previous = i
    if out.any():
        where = np.flatnonzero(out)
        first_text = next(str(v) for v in frame.iloc[int(where[0])] if not is_blank(v))
        shown = first_text if len(first_text) <= 40 else first_text[:40] + "…"
        raw.add(
            collector,
            Code.FOOTNOTE,
            msg("io.footnote", n=where.size, row=int(raw.rows[where[0]]), text=repr(shown)),
            row=int(raw.rows[where[0]]),
            value=shown,
            count=int(where.size),
        )
    return out


def _report_merged(raw: Raw, collector: Collector) -> None:
    """One info finding per table whose merged key cells were filled down their range."""
    if not raw.filled:
        return
    col, first, last, value = raw.filled[0]
    more = msg("io.more_merged", n=len(raw.filled) - 1) if len(raw.filled) > 1 else ""
    raw.add(
        collector,
        Code.MERGED_CELLS,
        msg(
            "io.merged_cells",
            first=first,
            last=last,
            column=repr(col),
            value=repr(value),
            more=more,
        ),
        row=first,
        column=col,
        value=value,
        count=len(raw.filled),
    )


_SAME_MEANING = frozenset({"region", "year", "variable", "value", "unit"})
"""Columns of which a table may hold only one (two notes or sources are fine)."""


def _repeated_headers(raw: Raw, layout: str, collector: Collector, n_rows: int) -> int | None:
    """Two columns with the same header or meaning: an error naming both; the rows rejected.

    Returns the number of rows rejected, or None when no header is repeated.
    """
    meaning: dict[Any, list[str]] = {}
    for col in raw.frame.columns:
        if is_blank_header(col):
            continue
        canon, _ = canonical_header(col)
        if canon in _SAME_MEANING:
            key: Any = ("column", canon)
        elif canon is not None:
            key = ("text", col)
        elif layout == "wide_years" and year_header(col) is not None:
            key = ("year", year_header(col))
        elif layout == "wide" and variable_header(col)[0] is not None:
            key = ("variable", variable_header(col)[0])
        else:
            key = ("header", str(col))
        meaning.setdefault(key, []).append(str(col))
    clashes = [cols for cols in meaning.values() if len(cols) > 1]
    if not clashes:
        return None
    for cols in clashes:
        names = msg("io.pair", first=repr(cols[0]), second=repr(cols[1]))
        extra = msg("io.and_more", n=len(cols) - 2) if len(cols) > 2 else ""
        same = msg("io.same_header") if len(set(cols)) == 1 else msg("io.same_meaning")
        raw.add(
            collector,
            Code.REPEATED_HEADER,
            raw.msg(
                "io.repeated_header",
                names=names,
                extra=extra,
                same=same,
                n=n_rows,
            ),
            row=raw.header_row,
            column=cols[1],
            value=" | ".join(cols),
            count=max(n_rows, 1) if cols is clashes[0] else 1,
        )
    return max(n_rows, 0)


def _is_table(raw: Raw, cols: Columns, missing: list[str], collector: Collector) -> bool:
    """Say whether ``raw`` is a table; if not (no data columns, no rows), say why in a finding."""
    frame = raw.frame
    # a notes sheet headed 说明/备注 holds no data: a note column alone does not make a table
    table_cols = set(cols) - {"note"}
    if (
        missing
        and raw.sheet
        and not raw.explicit_sheet
        and not table_cols
        and not any(variable_header(c)[0] or year_header(c) for c in frame.columns)
    ):
        raw.add(
            collector,
            Code.SHEET_SKIPPED,
            msg(
                "io.sheet_skipped",
                sheet=repr(raw.sheet),
                name=repr(raw.file),
                headers=_list(frame.columns),
            ),
            row=raw.header_row,
        )
        return False
    if len(frame.columns) == 0 or (len(frame) == 0 and not table_cols):
        raw.add(collector, Code.EMPTY_FILE, raw.msg("io.no_data_rows"))
        return False
    return True


def _list(columns: Iterable[Any], n: int = 12) -> Message | str:
    items = [str(c) for c in columns]
    text = ", ".join(repr(c) for c in items[:n])
    return text + (" …" if len(items) > n else "") if items else msg("io.none")


def _report_ignored(
    ignored: Sequence[str], frame: pd.DataFrame, raw: Raw, collector: Collector
) -> None:
    shown = [c for c in ignored if not (is_blank_header(c) and frame[c].isna().all())]
    cap = collector.max_findings
    if len(shown) > cap:
        rest = shown[cap:]
        raw.add(
            collector,
            Code.COLUMN_IGNORED,
            msg("io.more_columns_ignored", n=len(rest), columns=_list(rest)),
            row=raw.header_row,
            column=rest[0],
            count=len(rest),
        )
    for col in shown[:cap]:
        raw.add(
            collector,
            Code.COLUMN_IGNORED,
            msg("io.column_ignored", column=repr(col)),
            row=raw.header_row,
            column=col,
        )


def _melt(
    frame: pd.DataFrame,
    rows: np.ndarray,
    raw: Raw,
    cols: Columns,
    layout: str,
    used: set[str],
    collector: Collector,
    opts: dict[str, Any],
) -> Part | int:
    """Wide (variables or years as columns) → long, then :func:`normalise`."""
    data_cols, rejected = _data_columns(frame, raw, layout, used, collector)
    if not data_cols:
        if rejected:
            return rejected
        what = "variable" if layout == "wide" else "year"
        raw.add(
            collector,
            Code.MISSING_COLUMN,
            raw.msg(
                "io.no_data_column",
                what=msg(f"io.what.{what}"),
                layout=msg(f"io.layout.{layout}"),
                headers=_list(frame.columns),
            ),
            row=raw.header_row,
            column=what,
        )
        return len(frame)
    stacked = stack(frame, rows, cols, layout, data_cols, opts["year_range"])
    if stacked is None:
        return rejected
    present = set(stacked.present)
    assumed = [col for col, _, unit in data_cols if unit is None and col in present]
    if layout == "wide" and assumed:
        raw.add(
            collector,
            Code.UNIT_ASSUMED,
            msg("io.unit_assumed_wide", columns=_list(assumed)),
            row=raw.header_row,
            column=str(assumed[0]),
        )
    headers = {
        "region": cols["region"][0],
        "year": cols["year"][0] if "year" in cols else "year",
        "variable": cols["variable"][0] if "variable" in cols else "variable",
        "unit": cols["unit"][0] if "unit" in cols else "unit",
    }
    long = stacked.frame
    part = normalise(
        frame=long,
        rows=stacked.rows,
        raw=raw,
        cols={c: (c, None) for c in long.columns},
        collector=collector,
        opts=opts,
        provenance=False,
        value_column=stacked.value_column,
        headers={c: h for c, h in headers.items() if c in long.columns},
        unit_assumed_reported=layout == "wide",
    )
    part.rejected_extra = rejected
    kind = "variable" if layout == "wide" else "year"
    part.value_header = (kind, {key: str(col) for col, key, _ in data_cols})
    return part


def _data_columns(
    frame: pd.DataFrame, raw: Raw, layout: str, used: set[str], collector: Collector
) -> tuple[list[DataColumn], int]:
    """Find the data columns of a wide table; count the cells of unknown variables' columns."""
    data_cols: list[DataColumn] = []
    ignored: list[str] = []
    unknown: list[str] = []
    for col in frame.columns:
        if col in used:
            continue
        if layout == "wide_years":
            year = year_header(col)
            if year is None:
                ignored.append(col)
            else:
                data_cols.append((col, year, None))
            continue
        code, unit = variable_header(col)
        if code is not None:
            data_cols.append((col, code, unit))
            continue
        canon, _ = canonical_header(col)
        if canon is not None or (is_blank_header(col) and frame[col].isna().all()):
            ignored.append(col)
            continue
        unknown.append(col)
    _report_ignored(ignored, frame, raw, collector)
    if not unknown:
        return data_cols, 0
    # cells of unknown variables' columns: not missing (one vectorised pass over the block)
    block = frame.loc[:, unknown]
    filled = np.array(block.notna().to_numpy(), dtype=bool)
    if any(str(d) in {"object", "str"} for d in block.dtypes):
        filled &= ~block.map(
            lambda v: isinstance(v, str) and nfkc(v).casefold() in MISSING_MARKERS
        ).to_numpy(dtype=bool)
    per_column = filled.sum(axis=0)
    rejected = int(per_column.sum())
    cap = collector.max_findings
    for col, n in zip(unknown[:cap], per_column[:cap].tolist(), strict=True):
        _unknown_column(col, int(n), raw, collector)
    if len(unknown) > cap:
        rest = unknown[cap:]
        n_rest = int(per_column[cap:].sum())
        raw.add(
            collector,
            Code.UNKNOWN_VARIABLE,
            msg("io.more_unknown_columns", n=len(rest), values=n_rest, columns=_list(rest)),
            row=raw.header_row,
            column=rest[0],
            count=max(n_rest, 1),
        )
    return data_cols, rejected


def _unknown_column(col: str, n_cells: int, raw: Raw, collector: Collector) -> None:
    """One finding for a column of a wide table whose header is not a variable."""
    close = suggest_variables(UNIT_IN_HEADER.sub(r"\g<name>", nfkc(str(col))))
    raw.add(
        collector,
        Code.UNKNOWN_VARIABLE,
        msg("io.unknown_column", column=repr(col), n=n_cells, hint=hint(close)),
        row=raw.header_row,
        column=col,
        value=str(col),
        expected=", ".join(close) if close else None,
        count=max(n_cells, 1),
    )

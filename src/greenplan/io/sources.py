"""Sources: files, directories and DataFrames → raw tables (:class:`Raw`), as read.

CSV files (UTF-8 with or without BOM, GBK/GB18030, UTF-16; comma, tab or semicolon),
Excel workbooks (every sheet, or named sheets; title rows above the header are skipped),
Parquet files, directories (searched recursively) and DataFrames. What cannot be read is a
finding (``unreadable_file``, ``empty_file``, ``malformed_row`` …), never an exception.

Row numbers are those a user sees: in CSV and Excel, the header is row 1 (or the row where the
header was found, if title rows precede it) and the first data row is the next one. In
DataFrames and Parquet files, ``row`` is the position + 1.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan.diagnostics import Code, Collector, short
from greenplan.io.excel import Merge, Workbook, excel_engine, open_workbook
from greenplan.io.normalise import (
    canonical_header,
    header_score,
    is_blank,
    looks_like_header,
)
from greenplan.messages import Message, msg

__all__ = [
    "DATA_SUFFIXES",
    "HEADER_SCAN",
    "Raw",
    "blank_header",
    "find_data_files",
    "is_blank_header",
    "iter_tables",
]

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
"""File suffixes searched for in directories."""


def find_data_files(directory: str | PathLike[str]) -> list[Path]:
    """List the data files under a directory, recursively, sorted.

    Hidden files and ``~$`` Excel lock files are skipped.
    """
    root = Path(directory)
    out = []
    for p in sorted(root.rglob("*")):
        name = p.name
        if name.startswith((".", "~$")) or any(
            part.startswith(".") for part in p.relative_to(root).parts
        ):
            continue
        if p.suffix.lower() in DATA_SUFFIXES and p.is_file():
            out.append(p)
    return out


@dataclass
class Raw:
    """A table as read, before normalisation."""

    frame: pd.DataFrame
    file: str
    sheet: str
    rows: np.ndarray
    """1-based row numbers, aligned with ``frame``."""
    header_row: int | None
    """Row of the header (1-based), None for DataFrames and Parquet."""
    explicit_sheet: bool = False
    skipped_lines: tuple[int, ...] = ()
    filled: tuple[tuple[str, int, int, str], ...] = ()
    """Merged cells of key columns filled from their range: (column, first row, last row,
    value), rows as the user sees them."""
    header_below: int | None = None
    """Row of a header found below the rows searched for it (an error: see ``to_long``)."""
    owned: bool = True
    """Whether greenplan made ``frame`` (read from a file): its arrays may then be kept
    without a copy. A caller's DataFrame is not: the caller may change it after the call."""

    def in_sheet(self) -> Message | str:
        """Return ``" (sheet 'name')"`` (a message) for a sheet of a workbook, else ``""``."""
        return msg("io.in_sheet", sheet=repr(self.sheet)) if self.sheet else ""

    def msg(self, key: str, **params: Any) -> Message:
        """Return the catalogue message ``key`` naming this table (``name``, ``in_sheet``)."""
        return msg(key, name=repr(self.file), in_sheet=self.in_sheet(), **params)

    def add(self, collector: Collector, code: Code, message: Message, **where: Any) -> None:
        """Add a finding on this table to ``collector``: its file and sheet, and ``where``."""
        collector.add(code, message, file=self.file, sheet=self.sheet, **where)


def iter_tables(
    source: Any, index: int, collector: Collector, opts: dict[str, Any], sources: list[str]
) -> Iterator[Raw]:
    """Yield the tables of one source; report what cannot be read."""
    if isinstance(source, pd.DataFrame | pd.Series):
        frame = source if isinstance(source, pd.DataFrame) else source.to_frame()
        name = frame.attrs.get("greenplan_name") if frame is source else None
        name = name or f"<{type(source).__name__} #{index}>"
        sources.append(name)
        yield from _frame_tables(frame, name)
        return
    if not isinstance(source, str | PathLike):
        name = f"<argument #{index}>"
        sources.append(name)
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.not_a_source", kind=type(source).__name__),
            file=name,
        )
        return
    if str(source) == "-" or _is_stream(Path(source)):
        yield from _stream_tables(source, collector, opts, sources)
        return
    path = Path(source)
    if path.is_dir():
        files = find_data_files(path)
        if not files:
            sources.append(str(path))
            collector.add(
                Code.UNREADABLE_FILE,
                msg("io.no_data_file", path=repr(str(path)), suffixes=", ".join(DATA_SUFFIXES)),
                file=str(path),
            )
            return
        for f in files:
            sources.append(str(f))
            yield from _file_tables(f, collector, opts)
        return
    sources.append(str(path))
    if not path.exists():
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.no_such_file", path=repr(str(path))),
            file=str(path),
        )
        return
    yield from _file_tables(path, collector, opts)


def _is_stream(path: Path) -> bool:
    """Say whether ``path`` exists but is neither a file nor a directory (a pipe, /dev/stdin)."""
    try:
        return path.exists() and not path.is_file() and not path.is_dir()
    except OSError:
        return False


def _stream_tables(
    source: Any, collector: Collector, opts: dict[str, Any], sources: list[str]
) -> Iterator[Raw]:
    """Read standard input (``-``) or a pipe: its bytes are spooled to a temporary file."""
    stdin = str(source) == "-"
    name = "<stdin>" if stdin else str(source)
    sources.append(name)
    try:
        data = sys.stdin.buffer.read() if stdin else Path(source).read_bytes()
    except OSError as exc:
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.cannot_read", name=repr(name), reason=exc.strerror or exc),
            file=name,
        )
        return
    suffix = "" if stdin else Path(source).suffix
    with tempfile.TemporaryDirectory(prefix="greenplan-") as tmp:
        spooled = Path(tmp) / f"stdin{suffix}"
        spooled.write_bytes(data)
        yield from _file_tables(spooled, collector, opts, name=name)


def _frame_tables(frame: pd.DataFrame, name: str) -> Iterator[Raw]:
    frame = frame.copy(deep=False)
    if any(n is not None for n in frame.index.names):
        named = [n for n in frame.index.names if n is not None]
        if any(canonical_header(n)[0] in {"region", "year", "variable"} for n in named):
            frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) if not isinstance(c, str) else c for c in frame.columns]
    yield Raw(frame, name, "", np.arange(1, len(frame) + 1, dtype=np.int64), None, owned=False)


_MAGIC = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls", b"PAR1": "parquet"}
_KIND = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".parquet": "parquet", ".pq": "parquet"}


def _sniff(path: Path) -> str:
    """Kind of file from its first bytes, else from its suffix (``csv`` by default)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return "unreadable"
    kind = next((k for magic, k in _MAGIC.items() if head.startswith(magic)), None)
    return kind or _KIND.get(path.suffix.lower(), "csv")


def _file_tables(
    path: Path, collector: Collector, opts: dict[str, Any], name: str | None = None
) -> Iterator[Raw]:
    name = name or str(path)
    kind = _sniff(path)
    try:
        if kind == "unreadable":
            path.open("rb").close()  # raises the OSError with its reason
        if kind == "csv":
            yield from _csv_tables(path, name, collector)
        elif kind in {"xlsx", "xls"}:
            yield from _excel_tables(path, name, kind, collector, opts)
        else:
            yield from _parquet_tables(path, name, collector)
    except OSError as exc:
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.cannot_read_path", name=repr(name), reason=exc.strerror or exc),
            file=name,
        )


def _csv_tables(path: Path, name: str, collector: Collector) -> Iterator[Raw]:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        collector.add(
            Code.EMPTY_FILE,
            msg("io.empty_csv", name=repr(name)),
            file=name,
        )
        return
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ["utf-16"] if utf16 else ["utf-8-sig", "gb18030"]
    bom = head.startswith(b"\xef\xbb\xbf")
    first_line = head.split(b"\n", 1)[0]
    sep = ","
    for candidate in (b"\t", b";"):
        if first_line.count(candidate) > first_line.count(b","):
            sep = candidate.decode()
    if utf16:
        text_line = head.decode("utf-16", errors="ignore").split("\n", 1)[0]
        sep = "\t" if text_line.count("\t") > text_line.count(",") else ","
    last_error: Exception | None = None
    for enc in encodings:
        try:
            frame, skipped = _read_csv(path, enc, sep, header=0, bom=bom)
        except UnicodeError as exc:
            last_error = exc
            line = _undecodable_line(path) if enc == "utf-8-sig" else None
            if line is not None:  # UTF-8 with a line in another encoding: not GBK either
                collector.add(
                    Code.UNREADABLE_FILE,
                    msg("io.mixed_encodings", name=repr(name), line=line),
                    file=name,
                    row=line,
                )
                return
            continue
        except pd.errors.EmptyDataError:
            collector.add(
                Code.EMPTY_FILE,
                msg("io.no_header_no_data", name=repr(name)),
                file=name,
            )
            return
        except (pd.errors.ParserError, ValueError, MemoryError) as exc:
            collector.add(
                Code.UNREADABLE_FILE,
                msg("io.not_csv", name=repr(name), reason=short(exc)),
                file=name,
            )
            return
        header_row = 1
        below = None
        if not looks_like_header(frame.columns):
            found = _find_header_csv(path, enc, sep)
            if found is not None and found >= HEADER_SCAN:
                below, found = found + 1, None
            if found:
                try:
                    frame, skipped = _read_csv(path, enc, sep, header=found, bom=bom)
                    header_row = found + 1
                except (pd.errors.ParserError, ValueError, UnicodeError):
                    pass
        rows = _row_numbers(len(frame), header_row, skipped)
        for line in skipped:
            collector.add(
                Code.MALFORMED_ROW,
                msg("io.malformed_line", line=line),
                file=name,
                row=line,
            )
        raw = Raw(
            frame, name, "", rows, header_row, skipped_lines=tuple(skipped), header_below=below
        )
        yield raw
        return
    collector.add(
        Code.UNREADABLE_FILE,
        msg("io.bad_encoding", name=repr(name), reason=short(last_error)),
        file=name,
    )


def _undecodable_line(path: Path) -> int | None:
    """Return the first line that is not UTF-8 when earlier lines (some non-ASCII) are."""
    non_ascii = False
    with path.open("rb") as fh:
        for k, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8-sig" if k == 1 else "utf-8")
            except UnicodeDecodeError:
                return k if non_ascii else None
            non_ascii = non_ascii or not line.isascii()
    return None


def _read_csv(
    path: Path, encoding: str, sep: str, header: int, bom: bool = True
) -> tuple[pd.DataFrame, list[int]]:
    """``pandas.read_csv`` keeping blank lines (row numbers) and collecting bad lines.

    Returns the frame and the 1-based file lines skipped because they have more fields than
    the header. ``bom``: whether the file starts with a byte-order mark.
    """
    skipped: list[int] = []
    kwargs: dict[str, Any] = {
        "encoding": encoding,
        "sep": sep,
        "header": header,
        "skip_blank_lines": False,
        "on_bad_lines": "warn",
        "index_col": False,
        "encoding_errors": "strict",
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # on_bad_lines="warn" makes pandas' C parser more than twice as slow: read with
            # "error" first, and again with "warn" only when a line has too many fields
            frame = pd.read_csv(path, **_first_read(kwargs, bom))
        except pd.errors.ParserError:
            caught.clear()
            frame = pd.read_csv(path, **kwargs)
    truncated = False
    for w in caught:
        text = str(w.message)
        for m in re.finditer(r"Skipping line (\d+)", text):
            skipped.append(int(m.group(1)))
        if "Length of header" in text:
            truncated = True
    if truncated:
        # pandas cut extra fields of leading rows without saying where: find them with csv
        extra = _long_lines(path, encoding, sep, header, len(frame.columns))
        if extra:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = pd.read_csv(path, skiprows=[n - 1 for n in extra], **kwargs)
            skipped.extend(extra)
            for w in caught:
                for m in re.finditer(r"Skipping line (\d+)", str(w.message)):
                    line = int(m.group(1))
                    # pandas counts lines of the file without the skipped ones
                    skipped.append(line + sum(1 for e in extra if e <= line))
    names = [str(c) for c in frame.columns]
    if any(re.fullmatch(r"(.*)\.\d+", c) and re.sub(r"\.\d+$", "", c) in names for c in names):
        # pandas renamed a repeated header "value" to "value.1": keep the header as written
        written = _written_header(path, encoding, sep, header)
        if written is not None and len(written) == len(names):
            names = [w.strip() or n for w, n in zip(written, names, strict=True)]
    columns = [_unnamed(c) for c in names]
    if columns != list(frame.columns):  # not when unchanged: a new Index costs ≈ 30 µs
        frame.columns = columns
    return frame, sorted(set(skipped))


def _first_read(kwargs: dict[str, Any], bom: bool) -> dict[str, Any]:
    """Arguments of the first ``read_csv`` of a file: bad lines are errors.

    A UTF-8 file without a byte-order mark is read as ``utf-8`` rather than ``utf-8-sig``:
    pandas' C parser then decodes the cells itself instead of Python decoding the whole file
    first (≈ 0.1 ms on a small file). Every cell is decoded (or parsed as a number, which only
    ASCII can be), so a file that is not UTF-8 fails just the same; the second read, when a
    line has too many fields, decodes the whole file, the lines it skips included.
    """
    first = {**kwargs, "on_bad_lines": "error"}
    if kwargs["encoding"] == "utf-8-sig" and not bom:
        first["encoding"] = "utf-8"
    return first


def _unnamed(name: str) -> str:
    m = _UNNAMED.fullmatch(name)
    return blank_header(int(m.group(1))) if m else name


def _written_header(path: Path, encoding: str, sep: str, header: int) -> list[str] | None:
    """Return the header line as written (0-based line ``header``), or None."""
    with path.open(encoding=encoding, newline="") as fh:
        for k, fields in enumerate(csv.reader(fh, delimiter=sep)):
            if k == header:
                return fields
    return None


_UNNAMED = re.compile(r"Unnamed: (\d+)")
"""pandas' name of a column whose header cell is empty."""


def _long_lines(path: Path, encoding: str, sep: str, header: int, width: int) -> list[int]:
    """1-based lines after the header with more than ``width`` fields."""
    out = []
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        for k, fields in enumerate(reader):
            if k > header and len(fields) > width and any(f.strip() for f in fields[width:]):
                out.append(reader.line_num)
    return out


def _row_numbers(n: int, header_row: int, skipped: Sequence[int]) -> np.ndarray:
    """File row of each data row: lines after the header, minus the skipped bad lines."""
    if not skipped:
        return np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    lines = np.arange(header_row + 1, header_row + 1 + n + len(skipped), dtype=np.int64)
    keep = ~np.isin(lines, np.asarray(skipped, dtype=np.int64))
    return lines[keep][:n]


def _find_header_csv(path: Path, encoding: str, sep: str, scan: int = 200) -> int | None:
    """0-based line of the header when title lines precede it, else None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            head = pd.read_csv(
                path,
                encoding=encoding,
                sep=sep,
                header=None,
                nrows=scan,
                skip_blank_lines=False,
                on_bad_lines="skip",
                dtype=str,
                engine="python",
            )
    except Exception:
        return None
    for i in range(1, len(head)):
        if header_score(head.iloc[i].tolist()):
            return i
    return None


def _excel_tables(
    path: Path, name: str, kind: str, collector: Collector, opts: dict[str, Any]
) -> Iterator[Raw]:
    book = _open_workbook(path, name, kind, collector)
    if book is None:
        return
    names = [str(s) for s in book.sheet_names]
    wanted = opts.get("sheets")
    if isinstance(wanted, str):
        wanted = [wanted]
    selected = names
    if wanted is not None:
        selected = [str(s) for s in wanted if str(s) in names]
        for s in wanted:
            if str(s) not in names:
                collector.add(
                    Code.MISSING_SHEET,
                    msg("io.missing_sheet", sheet=repr(s), name=repr(name), sheets=names),
                    file=name,
                    sheet=str(s),
                    expected=", ".join(names),
                )
    any_data = False
    with book:
        for sheet in selected:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    grid, merges = book.grid(sheet)
            except Exception as exc:
                collector.add(
                    Code.UNREADABLE_FILE,
                    msg(
                        "io.sheet_unreadable", sheet=repr(sheet), name=repr(name), reason=short(exc)
                    ),
                    file=name,
                    sheet=sheet,
                )
                continue
            raw = _sheet_table(grid, merges, name, sheet, explicit=wanted is not None)
            if raw is not None:
                any_data = True
                yield raw
    if not any_data and selected:
        collector.add(
            Code.EMPTY_FILE,
            msg("io.no_data_in_sheets", name=repr(name), sheets=selected),
            file=name,
        )


def _open_workbook(path: Path, name: str, kind: str, collector: Collector) -> Workbook | None:
    excel_engine()  # warns here of a bad GREENPLAN_EXCEL_ENGINE (not inside catch_warnings)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return open_workbook(path, kind)
    except ImportError as exc:
        package = "openpyxl" if kind == "xlsx" else "xlrd"
        extra: Message | str = (
            "pip install greenplan[excel]" if kind == "xlsx" else msg("io.install_xlrd")
        )
        collector.add(
            Code.MISSING_DEPENDENCY,
            msg(
                "io.needs_package",
                name=repr(name),
                package=package,
                reason=short(exc),
                install=extra,
            ),
            file=name,
        )
    except Exception as exc:  # a damaged or mislabelled workbook
        reason: Message | str = short(exc)
        if isinstance(exc, KeyError | zipfile.BadZipFile) or "zip" in str(reason).lower():
            reason = msg("io.zip_not_excel")
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.not_excel", name=repr(name), reason=reason),
            file=name,
        )
    return None


HEADER_SCAN = 15
"""Rows searched for the header (title rows above it are skipped)."""
_KEY_TEXT = frozenset({"region", "year", "variable", "unit", "source", "note"})


def _header_row(grid: pd.DataFrame, filled: np.ndarray) -> tuple[int | None, int | None]:
    """(row of the header among the first rows, row of a header found further down)."""
    for k, i in enumerate(filled[:200]):
        if header_score(grid.iloc[int(i)].tolist()):
            return (int(i), None) if k < HEADER_SCAN else (None, int(i))
    return None, None


def _sheet_table(
    grid: pd.DataFrame, merges: list[Merge], name: str, sheet: str, explicit: bool
) -> Raw | None:
    """Cut the table out of a sheet read as a grid: the header is the first row like one."""
    grid = grid.dropna(how="all", axis=1)
    filled = np.flatnonzero(~grid.isna().all(axis=1).to_numpy())
    if not filled.size:
        return None
    header_at, below = _header_row(grid, filled)
    if header_at is None:
        header_at = int(filled[0])
    columns = [
        _cell_header(c, j) for j, c in zip(grid.columns, grid.iloc[header_at].tolist(), strict=True)
    ]
    frame = grid.iloc[header_at + 1 :].reset_index(drop=True)
    frame.columns = columns
    frame = frame.loc[:, [not is_blank_header(c) or frame[c].notna().any() for c in columns]]
    filled_merges = _fill_merges(frame, grid.columns, columns, merges, header_at)
    # pandas counts rows from 0 from the first row of the sheet: row = index + 1
    rows = np.arange(header_at + 2, header_at + 2 + len(frame), dtype=np.int64)
    return Raw(
        frame,
        name,
        sheet,
        rows,
        header_at + 1,
        explicit_sheet=explicit,
        filled=filled_merges,
        header_below=None if below is None else below + 1,
    )


def _fill_merges(
    frame: pd.DataFrame,
    positions: pd.Index,
    columns: list[str],
    merges: list[Merge],
    header_at: int,
) -> tuple[tuple[str, int, int, str], ...]:
    """Fill the merged cells of key text columns (地区, 指标 …) down their merged range."""
    if not merges:
        return ()
    where = {int(p): c for p, c in zip(positions, columns, strict=True) if c in frame.columns}
    out = []
    for r0, c0, r1, _c1 in merges:
        col = where.get(c0)
        if col is None or r1 <= header_at or canonical_header(col)[0] not in _KEY_TEXT:
            continue
        first, last = max(r0, header_at + 1) - header_at - 1, r1 - header_at - 1
        if r0 <= header_at:
            continue
        value = frame[col].iat[first]
        if is_blank(value):
            continue
        block = frame[col].iloc[first : last + 1]
        if block.iloc[1:].isna().all() and len(block) > 1:
            column = frame.columns.get_loc(col)
            assert isinstance(column, int)
            frame.iloc[first : last + 1, column] = value  # type: ignore[assignment]
            out.append((col, r0 + 1, r1 + 1, str(value)))
    return tuple(out)


def blank_header(position: int) -> str:
    """Return the name of a column whose header cell is empty: ``(column B)``."""
    letters = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"(column {letters})"


def is_blank_header(name: Any) -> bool:
    """Whether a column name was made by :func:`blank_header` (its header cell is empty)."""
    return isinstance(name, str) and name.startswith("(column ") and name.endswith(")")


def _cell_header(value: Any, j: Any) -> str:
    if is_blank(value):
        return blank_header(int(j))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parquet_tables(path: Path, name: str, collector: Collector) -> Iterator[Raw]:
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        collector.add(
            Code.MISSING_DEPENDENCY,
            msg(
                "io.needs_package",
                name=repr(name),
                package="pyarrow",
                reason=short(exc),
                install="pip install greenplan[parquet]",
            ),
            file=name,
        )
        return
    except OSError:
        raise
    except Exception as exc:
        collector.add(
            Code.UNREADABLE_FILE,
            msg("io.not_parquet", name=repr(name), reason=short(exc)),
            file=name,
        )
        return
    yield from _frame_tables(frame, name)

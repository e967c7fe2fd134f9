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
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from greenplan.diagnostics import Code, Collector, short
from greenplan.io.normalise import canonical_header, header_score, is_blank, looks_like_header

__all__ = ["DATA_SUFFIXES", "Raw", "find_data_files", "iter_tables"]

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

    def in_sheet(self) -> str:
        """Return ``" (sheet 'name')"`` for a sheet of a workbook, else ``""``."""
        return f" (sheet {self.sheet!r})" if self.sheet else ""


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
            f"Cannot read a {type(source).__name__}: pass a file path, a directory or a "
            "pandas DataFrame.",
            file=name,
        )
        return
    path = Path(source)
    if path.is_dir():
        files = find_data_files(path)
        if not files:
            sources.append(str(path))
            collector.add(
                Code.UNREADABLE_FILE,
                f"The directory {str(path)!r} holds no data file "
                f"({', '.join(DATA_SUFFIXES)}). Check the path.",
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
            f"No such file or directory: {str(path)!r}. Check the path.",
            file=str(path),
        )
        return
    yield from _file_tables(path, collector, opts)


def _frame_tables(frame: pd.DataFrame, name: str) -> Iterator[Raw]:
    frame = frame.copy(deep=False)
    if any(n is not None for n in frame.index.names):
        named = [n for n in frame.index.names if n is not None]
        if any(canonical_header(n)[0] in {"region", "year", "variable"} for n in named):
            frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) if not isinstance(c, str) else c for c in frame.columns]
    yield Raw(frame, name, "", np.arange(1, len(frame) + 1, dtype=np.int64), None)


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


def _file_tables(path: Path, collector: Collector, opts: dict[str, Any]) -> Iterator[Raw]:
    name = str(path)
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
            f"Cannot read {name!r}: {exc.strerror or exc}. Check the path and its permissions.",
            file=name,
        )


def _csv_tables(path: Path, name: str, collector: Collector) -> Iterator[Raw]:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        collector.add(
            Code.EMPTY_FILE,
            f"{name!r} is empty. Submit the file with its data, or leave it out.",
            file=name,
        )
        return
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ["utf-16"] if utf16 else ["utf-8-sig", "gb18030"]
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
            frame, skipped = _read_csv(path, enc, sep, header=0)
        except UnicodeError as exc:
            last_error = exc
            continue
        except pd.errors.EmptyDataError:
            collector.add(
                Code.EMPTY_FILE,
                f"{name!r} has no header and no data. Submit the file with its data.",
                file=name,
            )
            return
        except (pd.errors.ParserError, ValueError, MemoryError) as exc:
            collector.add(
                Code.UNREADABLE_FILE,
                f"{name!r} is not a readable CSV table ({short(exc)}). Save it as CSV (UTF-8) "
                "or XLSX.",
                file=name,
            )
            return
        header_row = 1
        if not looks_like_header(frame.columns):
            found = _find_header_csv(path, enc, sep)
            if found:
                try:
                    frame, skipped = _read_csv(path, enc, sep, header=found)
                    header_row = found + 1
                except (pd.errors.ParserError, ValueError, UnicodeError):
                    pass
        rows = _row_numbers(len(frame), header_row, skipped)
        for line in skipped:
            collector.add(
                Code.MALFORMED_ROW,
                f"Line {line} has more fields than the header and was not read: an unquoted "
                "comma inside a value or name? Quote the field or remove the comma.",
                file=name,
                row=line,
            )
        raw = Raw(frame, name, "", rows, header_row, skipped_lines=tuple(skipped))
        yield raw
        return
    collector.add(
        Code.UNREADABLE_FILE,
        f"{name!r} is neither UTF-8 nor GBK/GB18030 text ({short(last_error)}): is it a CSV "
        "file? Save it as CSV (UTF-8) or XLSX.",
        file=name,
    )


def _read_csv(path: Path, encoding: str, sep: str, header: int) -> tuple[pd.DataFrame, list[int]]:
    """``pandas.read_csv`` keeping blank lines (row numbers) and collecting bad lines.

    Returns the frame and the 1-based file lines skipped because they have more fields than
    the header.
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
            frame = pd.read_csv(path, **{**kwargs, "on_bad_lines": "error"})
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
    frame.columns = [str(c) for c in frame.columns]
    return frame, sorted(set(skipped))


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


def _find_header_csv(path: Path, encoding: str, sep: str, scan: int = 15) -> int | None:
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
                    f"Sheet {s!r} is not in {name!r}; its sheets are {', '.join(names)}.",
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
                    grid = book.parse(sheet, header=None, dtype=object)
            except Exception as exc:
                collector.add(
                    Code.UNREADABLE_FILE,
                    f"Sheet {sheet!r} of {name!r} cannot be read ({short(exc)}).",
                    file=name,
                    sheet=sheet,
                )
                continue
            raw = _sheet_table(grid, name, sheet, explicit=wanted is not None)
            if raw is not None:
                any_data = True
                yield raw
    if not any_data and selected:
        collector.add(
            Code.EMPTY_FILE,
            f"{name!r} has no data in sheet(s) {', '.join(selected)}.",
            file=name,
        )


def _open_workbook(path: Path, name: str, kind: str, collector: Collector) -> pd.ExcelFile | None:
    engine: Literal["openpyxl"] | None = "openpyxl" if kind == "xlsx" else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.ExcelFile(path, engine=engine)
    except ImportError as exc:
        package = "openpyxl" if kind == "xlsx" else "xlrd"
        extra = (
            "pip install greenplan[excel]"
            if kind == "xlsx"
            else "pip install xlrd, or save the workbook as .xlsx"
        )
        collector.add(
            Code.MISSING_DEPENDENCY,
            f"Reading {name!r} needs the optional package {package} ({short(exc)}): {extra}.",
            file=name,
        )
    except Exception as exc:  # a damaged or mislabelled workbook
        collector.add(
            Code.UNREADABLE_FILE,
            f"{name!r} is not a readable Excel workbook ({short(exc)}). Open and save it again "
            "as .xlsx, or save the table as CSV (UTF-8).",
            file=name,
        )
    return None


def _sheet_table(grid: pd.DataFrame, name: str, sheet: str, explicit: bool) -> Raw | None:
    """Cut the table out of a sheet read as a grid: the header is the first row like one."""
    grid = grid.dropna(how="all", axis=1)
    filled = np.flatnonzero(~grid.isna().all(axis=1).to_numpy())
    if not filled.size:
        return None
    header_at = next((int(i) for i in filled[:15] if header_score(grid.iloc[i].tolist())), None)
    if header_at is None:
        header_at = int(filled[0])
    columns = [_cell_header(c, j) for j, c in enumerate(grid.iloc[header_at].tolist())]
    frame = grid.iloc[header_at + 1 :].reset_index(drop=True)
    frame.columns = columns
    frame = frame.loc[:, [not c.startswith("Unnamed: ") or frame[c].notna().any() for c in columns]]
    # pandas counts rows from 0 from the first row of the sheet: row = index + 1
    rows = np.arange(header_at + 2, header_at + 2 + len(frame), dtype=np.int64)
    return Raw(frame, name, sheet, rows, header_at + 1, explicit_sheet=explicit)


def _cell_header(value: Any, j: int) -> str:
    if is_blank(value):
        return f"Unnamed: {j}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parquet_tables(path: Path, name: str, collector: Collector) -> Iterator[Raw]:
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        collector.add(
            Code.MISSING_DEPENDENCY,
            f"Reading {name!r} needs the optional package pyarrow ({short(exc)}): "
            "pip install greenplan[parquet].",
            file=name,
        )
        return
    except OSError:
        raise
    except Exception as exc:
        collector.add(
            Code.UNREADABLE_FILE,
            f"{name!r} is not a readable Parquet file ({short(exc)}).",
            file=name,
        )
        return
    yield from _frame_tables(frame, name)

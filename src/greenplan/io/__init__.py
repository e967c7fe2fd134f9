"""Read raw statistics into the canonical long table.

Sources are CSV files (UTF-8 with or without BOM, GBK/GB18030, UTF-16), Excel workbooks
(every sheet, or named sheets), Parquet files, directories (searched recursively for such
files) and pandas DataFrames. A table may be

* **long**: one row per observation, columns region, year, variable, value, unit
  (地区, 年份, 指标, 数值, 单位), optional source (来源) and note (备注);
* **wide**: region and year columns, then one column per variable, the header giving the
  variable and optionally its unit: ``能源消费总量(万吨标准煤)``;
* **wide_years**: region, variable and unit columns, then one column per year
  (``2019``, ``2020年`` …), as statistical yearbooks print them.

The optional ``source`` and ``note`` columns are provenance: texts carried through to the
canonical table (``""`` when absent), in every layout. ``note`` holds the confidence tags of the
shipped data (``[C]``, ``[D]`` with its arithmetic, ``[?]``) and caveats.

Numbers may be written as Chinese statistics write them: ``10,140.91``, full-width digits,
``—`` or ``-`` for a missing figure. Values are converted to the variable's canonical unit once
per (variable, unit) group. Every row keeps where it came from: ``file``, ``sheet``, ``row``.

Row numbers are those a user sees: in CSV and Excel, the header is row 1 (or the row where the
header was found, if title rows precede it) and the first data row is the next one. In
DataFrames and Parquet files, ``row`` is the position + 1 (first row = 1), unless a DataFrame
already carries ``file``/``sheet``/``row`` provenance columns, which are kept.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd

from greenplan.errors import DimensionalityMismatchError, UnitError, UnknownUnitError
from greenplan.validation import Code, Collector

__all__ = [
    "CANONICAL_COLUMNS",
    "DATA_SUFFIXES",
    "HEADER_NAMES",
    "MISSING_MARKERS",
    "find_data_files",
    "parse_numbers",
    "read_statistics",
]

CANONICAL_COLUMNS = [
    "region",
    "year",
    "variable",
    "value",
    "unit",
    "source",
    "note",
    "file",
    "sheet",
    "row",
]
"""Columns of the canonical long table, in order."""

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
"""File suffixes searched for in directories."""

HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "region": (
        "region",
        "area",
        "district",
        "地区",
        "区县",
        "行政区划",
        "地区名称",
        "区域",
        "区县名称",
    ),
    "year": ("year", "年份", "年度", "年", "统计年度", "时间"),
    "variable": (
        "variable",
        "indicator",
        "code",
        "item",
        "指标",
        "指标代码",
        "变量",
        "指标名称",
        "项目",
        "统计指标",
    ),
    "value": ("value", "amount", "数值", "值", "数据", "数量", "指标值", "统计值"),
    "unit": ("unit", "units", "单位", "计量单位"),
    "source": ("source", "来源", "数据来源", "资料来源"),
    "note": ("note", "notes", "备注", "说明"),
    "file": ("file",),
    "sheet": ("sheet",),
    "row": ("row",),
}
"""Accepted column headers (English or Chinese, case-insensitive) for each canonical column.

This is vocabulary, not a coefficient: add a header here when departments use another name.
"""

MISSING_MARKERS = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "——",
        "－",
        "–",
        "…",
        "……",
        "...",
        "na",
        "n/a",
        "nan",
        "null",
        "none",
        "/",
        "\\",
        "无",
        "空",
    }
)
"""Cell texts that mean "no figure" in Chinese statistical tables (compared casefolded)."""

_ZH = {
    "region": "地区",
    "year": "年份",
    "variable": "指标",
    "value": "数值",
    "unit": "单位",
    "source": "来源",
    "note": "备注",
    "file": "file",
    "sheet": "sheet",
    "row": "row",
}

_HEADER_LOOKUP = {
    unicodedata.normalize("NFKC", name).casefold(): canon
    for canon, names in HEADER_NAMES.items()
    for name in names
}
_UNIT_IN_HEADER = re.compile(
    r"^\s*(?P<name>.*?)\s*[(\[（【](?P<unit>[^()\[\]（）【】]*)[)\]）】]\s*$"
)
_YEAR_HEADER = re.compile(r"^\s*(?P<year>\d{4})(?:\.0)?\s*(?:年|年度)?\s*$")
_PROVENANCE = ("file", "sheet", "row")
_TEXT_PROVENANCE = ("source", "note")
"""Optional text columns carried through to the canonical table (``""`` when absent)."""
_CODED = ("region", "variable", "unit", "file", "sheet")
"""Text columns whose integer codes the readers hand to the checks (no re-factorizing)."""


# --- small parsers -------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(header: Any) -> str:
    return _nfkc(str(header)).casefold().replace("_", " ").strip()


def canonical_header(header: Any) -> tuple[str | None, str | None]:
    """Which canonical column a header names, and a unit written in it.

    Parameters
    ----------
    header : object
        A column header, e.g. ``"数值(万吨标准煤)"`` or ``"Year"``.

    Returns
    -------
    (str or None, str or None)
        The canonical column (``"value"``) or None, and the unit in brackets or None.
    """
    key = _header_key(header)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key], None
    m = _UNIT_IN_HEADER.match(_nfkc(str(header)))
    if m:
        name = m.group("name").casefold().replace("_", " ").strip()
        if name in _HEADER_LOOKUP:
            return _HEADER_LOOKUP[name], m.group("unit").strip() or None
    return None, None


def _year_header(header: Any) -> int | None:
    if isinstance(header, int | np.integer) and not isinstance(header, bool):
        return int(header) if 1000 <= int(header) <= 9999 else None
    if isinstance(header, float) and header.is_integer():
        return int(header) if 1000 <= header <= 9999 else None
    m = _YEAR_HEADER.match(_nfkc(str(header)))
    return int(m.group("year")) if m else None


def _variable_header(header: Any) -> tuple[str | None, str | None]:
    """Resolve a wide-layout header to (variable code, unit in brackets)."""
    from greenplan.variables import resolve_variable

    text = _nfkc(str(header))
    code = resolve_variable(text)
    if code is not None:
        return code, None
    m = _UNIT_IN_HEADER.match(text)
    if m:
        code = resolve_variable(m.group("name"))
        if code is not None:
            return code, m.group("unit").strip() or None
    return None, None


def parse_year(value: Any) -> int | None:
    """Return the year in a cell: ``2020``, ``2020.0``, ``"2020"``, ``"2020年"``, ``"２０２０"``.

    Returns None when the cell is not a whole number.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return int(value) if np.isfinite(value) and float(value).is_integer() else None
    if not isinstance(value, str):
        return None
    text = _nfkc(value).removesuffix("年度").removesuffix("年").strip()
    if re.fullmatch(r"[+-]?\d{1,6}(\.0*)?", text):
        return int(float(text))
    return None


def parse_numbers(values: pd.Series | Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse numbers as Chinese statistics write them, vectorised.

    Parameters
    ----------
    values : pandas.Series or sequence
        Cells: numbers, or texts such as ``"10,140.91"``, ``"１２.５"``, ``"—"``.

    Returns
    -------
    values : numpy.ndarray of float64
        The numbers (NaN where missing or not a number).
    missing : numpy.ndarray of bool
        Cells that are empty or a missing marker (``—``, ``-``, ``…``; see
        :data:`MISSING_MARKERS`).
    non_numeric : numpy.ndarray of bool
        Cells that hold something else than a number (including infinities and booleans).

    Examples
    --------
    >>> v, missing, bad = parse_numbers(["10,140.91", "—", "１２", "12a"])
    >>> v.tolist()[0], missing.tolist(), bad.tolist()
    (10140.91, [False, True, False, False], [False, False, False, True])
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    s = s.reset_index(drop=True)
    n = len(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return np.full(n, np.nan), np.zeros(n, bool), np.ones(n, bool)
    if pd.api.types.is_numeric_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan).copy()
        missing = np.isnan(arr)
        bad = np.isinf(arr)
        arr[bad] = np.nan
        return arr, missing, bad
    null = s.isna().to_numpy()
    booly: np.ndarray
    other: np.ndarray
    if s.dtype == object:
        kinds = s.map(type)
        booly = kinds.isin([bool, np.bool_]).to_numpy()
        known = kinds.isin([str, int, float, np.float64, np.int64, type(None), bool, np.bool_])
        other = ~known.to_numpy() & ~null
        s = s.mask(booly | other)  # parsed as non-numbers below
    else:
        booly = other = np.zeros(n, bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        num = pd.to_numeric(s, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan).copy()
    missing = null.copy()
    todo = np.flatnonzero(~null & np.isnan(arr) & ~booly & ~other)
    if todo.size:
        text = s.iloc[todo].astype(str)
        if not text.str.isascii().all():
            text = text.str.normalize("NFKC")
        text = text.str.strip()
        marker = text.str.casefold().isin(MISSING_MARKERS).to_numpy()
        cleaned = text.str.replace(r"[,\s\u2009\u202f']", "", regex=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            again = pd.to_numeric(cleaned, errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
        arr[todo] = again
        missing[todo[marker]] = True
        arr[todo[marker]] = np.nan
    bad = ~missing & ~np.isfinite(arr)
    bad |= booly | other
    arr[bad] = np.nan
    return arr, missing, bad


# --- sources -------------------------------------------------------------------------------


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
class _Raw:
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


@dataclass
class _Strings:
    """A text column as integer codes into a short list of distinct texts."""

    codes: np.ndarray
    uniques: list[str]

    @staticmethod
    def constant(text: str, n: int) -> _Strings:
        return _Strings(np.zeros(n, dtype=np.int32), [text])


@dataclass
class _Part:
    """Accepted observations of one table, as arrays (texts as codes)."""

    region: _Strings
    year: np.ndarray
    variable: _Strings
    value: np.ndarray
    unit: _Strings
    source: _Strings
    note: _Strings
    file: _Strings
    sheet: _Strings
    row: np.ndarray
    rows_read: int = 0
    """Rows (observations) read from the table, accepted or not."""
    value_header: str | tuple[str, dict[Any, str]] = "value"
    """Header of the value column, or ("variable"|"year", header by variable code or year)."""
    rejected_extra: int = 0
    """Cells read but rejected before normalisation (columns of unknown variables)."""


@dataclass
class ReadResult:
    """What the readers produced: the canonical table and the row counts."""

    table: pd.DataFrame
    rows_read: int
    sources: list[str] = field(default_factory=list)
    codes: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    """For the text columns the checks group by (:data:`_CODED`): integer codes (int32) and the
    distinct texts they index."""
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


def _display(path: Path) -> str:
    return str(path)


def _iter_tables(
    source: Any, index: int, collector: Collector, opts: dict[str, Any], sources: list[str]
) -> Iterator[_Raw]:
    """Yield the tables of one source; report what cannot be read."""
    if isinstance(source, pd.DataFrame):
        name = source.attrs.get("greenplan_name") or f"<DataFrame #{index}>"
        sources.append(name)
        yield from _frame_tables(source, name)
        return
    if isinstance(source, pd.Series):
        name = f"<Series #{index}>"
        sources.append(name)
        yield from _frame_tables(source.to_frame(), name)
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
            sources.append(_display(f))
            yield from _file_tables(f, collector, opts)
        return
    sources.append(_display(path))
    if not path.exists():
        collector.add(
            Code.UNREADABLE_FILE,
            f"No such file or directory: {str(path)!r}. Check the path.",
            file=str(path),
        )
        return
    yield from _file_tables(path, collector, opts)


def _frame_tables(frame: pd.DataFrame, name: str) -> Iterator[_Raw]:
    frame = frame.copy(deep=False)
    if any(n is not None for n in frame.index.names):
        named = [n for n in frame.index.names if n is not None]
        if any(canonical_header(n)[0] in {"region", "year", "variable"} for n in named):
            frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) if not isinstance(c, str) else c for c in frame.columns]
    yield _Raw(frame, name, "", np.arange(1, len(frame) + 1, dtype=np.int64), None)


def _sniff(path: Path) -> str:
    """Kind of file from its first bytes, else from its suffix."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return "unreadable"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    return "csv"


def _file_tables(path: Path, collector: Collector, opts: dict[str, Any]) -> Iterator[_Raw]:
    name = _display(path)
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


def _csv_tables(path: Path, name: str, collector: Collector) -> Iterator[_Raw]:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        collector.add(
            Code.EMPTY_FILE,
            f"{name!r} is empty. Submit the file with its data, or leave it out.",
            file=name,
        )
        return
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    first_line = head.split(b"\n", 1)[0]
    sep = ","
    for candidate in (b"\t", b";"):
        if first_line.count(candidate) > first_line.count(b","):
            sep = candidate.decode()
    if encodings == ["utf-16"]:
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
                f"{name!r} is not a readable CSV table ({_short(exc)}). Save it as CSV (UTF-8) "
                "or XLSX.",
                file=name,
            )
            return
        header_row = 1
        if not _looks_like_header(frame.columns):
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
        raw = _Raw(frame, name, "", rows, header_row, skipped_lines=tuple(skipped))
        yield raw
        return
    collector.add(
        Code.UNREADABLE_FILE,
        f"{name!r} is neither UTF-8 nor GBK/GB18030 text ({_short(last_error)}): is it a CSV "
        "file? Save it as CSV (UTF-8) or XLSX.",
        file=name,
    )


def _short(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    text = text or type(exc).__name__
    return text[:200]


_BAD_LINE = re.compile(r"[Ll]ine (\d+)")


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
    import csv

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


def _looks_like_header(columns: Iterable[Any]) -> bool:
    columns = list(columns)
    found = {canonical_header(c)[0] for c in columns}
    if {"region", "year"} <= found or {"variable", "value"} <= found:
        return True
    return "variable" in found and any(_year_header(c) for c in columns)


def _header_score(cells: Iterable[Any]) -> bool:
    return _looks_like_header([c for c in cells if not _is_blank(c)])


def _is_blank(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, float) and np.isnan(v))
        or (isinstance(v, str) and not v.strip())
    )


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
        if _header_score(head.iloc[i].tolist()):
            return i
    return None


def _excel_tables(
    path: Path, name: str, kind: str, collector: Collector, opts: dict[str, Any]
) -> Iterator[_Raw]:
    engine: Literal["openpyxl"] | None = "openpyxl" if kind == "xlsx" else None
    wanted = opts.get("sheets")
    if isinstance(wanted, str):
        wanted = [wanted]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = pd.ExcelFile(path, engine=engine)
            names = [str(s) for s in book.sheet_names]
    except ImportError as exc:
        package = "openpyxl" if kind == "xlsx" else "xlrd"
        extra = (
            "pip install greenplan[excel]"
            if kind == "xlsx"
            else "pip install xlrd, or save the workbook as .xlsx"
        )
        collector.add(
            Code.MISSING_DEPENDENCY,
            f"Reading {name!r} needs the optional package {package} ({_short(exc)}): {extra}.",
            file=name,
        )
        return
    except Exception as exc:  # a damaged or mislabelled workbook
        collector.add(
            Code.UNREADABLE_FILE,
            f"{name!r} is not a readable Excel workbook ({_short(exc)}). Open and save it again "
            "as .xlsx, or save the table as CSV (UTF-8).",
            file=name,
        )
        return
    selected = names
    if wanted is not None:
        selected = []
        for s in wanted:
            if str(s) in names:
                selected.append(str(s))
            else:
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
                    f"Sheet {sheet!r} of {name!r} cannot be read ({_short(exc)}).",
                    file=name,
                    sheet=sheet,
                )
                continue
            grid = grid.dropna(how="all", axis=1)
            filled = ~grid.isna().all(axis=1).to_numpy()
            if not filled.any():
                continue
            any_data = True
            header_at = None
            for i in np.flatnonzero(filled)[:15]:
                if _header_score(grid.iloc[i].tolist()):
                    header_at = int(i)
                    break
            if header_at is None:
                header_at = int(np.flatnonzero(filled)[0])
            columns = [_cell_header(c, j) for j, c in enumerate(grid.iloc[header_at].tolist())]
            frame = grid.iloc[header_at + 1 :].reset_index(drop=True)
            frame.columns = columns
            frame = frame.loc[
                :, [not c.startswith("Unnamed: ") or frame[c].notna().any() for c in columns]
            ]
            # pandas counts rows from 0 from the first row of the sheet: row = index + 1
            rows = np.arange(header_at + 2, header_at + 2 + len(frame), dtype=np.int64)
            yield _Raw(frame, name, sheet, rows, header_at + 1, explicit_sheet=wanted is not None)
    if not any_data and selected:
        collector.add(
            Code.EMPTY_FILE,
            f"{name!r} has no data in sheet(s) {', '.join(selected)}.",
            file=name,
        )


def _cell_header(value: Any, j: int) -> str:
    if _is_blank(value):
        return f"Unnamed: {j}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parquet_tables(path: Path, name: str, collector: Collector) -> Iterator[_Raw]:
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        collector.add(
            Code.MISSING_DEPENDENCY,
            f"Reading {name!r} needs the optional package pyarrow ({_short(exc)}): "
            "pip install greenplan[parquet].",
            file=name,
        )
        return
    except OSError:
        raise
    except Exception as exc:
        collector.add(
            Code.UNREADABLE_FILE,
            f"{name!r} is not a readable Parquet file ({_short(exc)}).",
            file=name,
        )
        return
    yield from _frame_tables(frame, name)


# --- normalisation -------------------------------------------------------------------------


def _columns(raw: _Raw) -> dict[str, tuple[str, str | None]]:
    """Canonical name → (header as written, unit in the header) for recognised columns."""
    out: dict[str, tuple[str, str | None]] = {}
    for col in raw.frame.columns:
        canon, unit = canonical_header(col)
        if canon is not None and canon not in out:
            out[canon] = (col, unit)
    return out


def _layout(raw: _Raw, cols: dict[str, tuple[str, str | None]], requested: str) -> str:
    if requested != "auto":
        return requested
    if "variable" in cols and "value" in cols:
        return "long"
    if "variable" in cols and any(_year_header(c) for c in raw.frame.columns):
        return "wide_years"
    if "value" in cols or "unit" in cols:
        return "long"
    if "region" in cols and "year" in cols:
        return "wide"
    return "long"


def _required(layout: str) -> tuple[str, ...]:
    return {
        "long": ("region", "year", "variable", "value"),
        "wide": ("region", "year"),
        "wide_years": ("region", "variable"),
    }[layout]


def _to_long(raw: _Raw, collector: Collector, opts: dict[str, Any]) -> _Part | int | None:
    """Normalise one table; return its accepted part and the number of rows read."""
    frame = raw.frame
    if frame.columns.duplicated().any():
        # a repeated header: the later copies become "name.1", "name.2" … (ignored columns)
        seen: dict[str, int] = {}
        names = []
        for c in map(str, frame.columns):
            k = seen.get(c, 0)
            seen[c] = k + 1
            names.append(c if k == 0 else f"{c}.{k}")
        frame = frame.set_axis(names, axis=1)
        raw = _Raw(
            frame,
            raw.file,
            raw.sheet,
            raw.rows,
            raw.header_row,
            raw.explicit_sheet,
            raw.skipped_lines,
        )
    cols = _columns(raw)
    layout = _layout(raw, cols, opts["layout"])
    missing = [c for c in _required(layout) if c not in cols]
    # a notes sheet headed 说明/备注 holds no data: a note column alone does not make a table
    table_cols = set(cols) - {"note"}
    if (
        missing
        and raw.sheet
        and not raw.explicit_sheet
        and not table_cols
        and not any(_variable_header(c)[0] or _year_header(c) for c in frame.columns)
    ):
        collector.add(
            Code.SHEET_SKIPPED,
            f"Sheet {raw.sheet!r} of {raw.file!r} has none of the recognised columns "
            f"(headers: {_list(frame.columns)}) and was skipped. If it holds data, give it the "
            "headers 地区, 年份, 指标, 数值, 单位 (region, year, variable, value, unit).",
            file=raw.file,
            sheet=raw.sheet,
            row=raw.header_row,
        )
        return None
    if len(frame.columns) == 0 or (len(frame) == 0 and not table_cols):
        collector.add(
            Code.EMPTY_FILE,
            f"{raw.file!r}{_in_sheet(raw)} has no data rows. Submit the table with its data.",
            file=raw.file,
            sheet=raw.sheet,
        )
        return None
    # blank rows are layout, not data: they are neither read nor reported
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = raw.rows[~blank]
    else:
        rows = raw.rows
    if len(frame) == 0:
        collector.add(
            Code.EMPTY_FILE,
            f"{raw.file!r}{_in_sheet(raw)} has a header but no data rows. Submit the table "
            "with its data.",
            file=raw.file,
            sheet=raw.sheet,
        )
        return None
    if missing:
        accepted = {
            "long": "region/地区, year/年份, variable/指标, value/数值 (and unit/单位)",
            "wide": "region/地区, year/年份, then one column per variable",
            "wide_years": "region/地区, variable/指标, unit/单位, then one column per year",
        }[layout]
        for i, c in enumerate(missing):
            collector.add(
                Code.MISSING_COLUMN,
                f"Required column {c!r} ({_ZH[c]}) is missing from {raw.file!r}"
                f"{_in_sheet(raw)}; its headers are {_list(frame.columns)}. A {layout} table "
                f"needs {accepted}. None of its {len(frame):,} data row(s) were read.",
                file=raw.file,
                sheet=raw.sheet,
                row=raw.header_row,
                column=c,
                expected=", ".join(HEADER_NAMES[c][:4]),
                count=len(frame) if i == 0 else 1,
            )
        return len(frame)
    provenance_kept = raw.header_row is None and all(p in cols for p in _PROVENANCE)
    used = {
        cols[c][0]
        for c in cols
        if c in {"region", "year", "variable", "value", "unit", *_TEXT_PROVENANCE}
    }
    if provenance_kept:
        used |= {cols[p][0] for p in _PROVENANCE}
    if layout == "long":
        ignored = [c for c in frame.columns if c not in used]
        _report_ignored(ignored, frame, raw, collector)
        return _normalise(
            frame=frame,
            rows=rows,
            raw=raw,
            cols=cols,
            collector=collector,
            opts=opts,
            provenance=provenance_kept,
        )
    return _melt(frame, rows, raw, cols, layout, used, collector, opts)


def _in_sheet(raw: _Raw) -> str:
    return f" (sheet {raw.sheet!r})" if raw.sheet else ""


def _list(columns: Iterable[Any], n: int = 12) -> str:
    items = [str(c) for c in columns]
    text = ", ".join(repr(c) for c in items[:n])
    return text + (" …" if len(items) > n else "") if items else "(none)"


def _report_ignored(
    ignored: Sequence[str], frame: pd.DataFrame, raw: _Raw, collector: Collector
) -> None:
    for col in ignored:
        if str(col).startswith("Unnamed: ") and frame[col].isna().all():
            continue
        collector.add(
            Code.COLUMN_IGNORED,
            f"Column {col!r} is not used. If it holds data, rename its header (region/地区, "
            "year/年份, variable/指标, value/数值, unit/单位, source/来源, note/备注).",
            file=raw.file,
            sheet=raw.sheet,
            row=raw.header_row,
            column=col,
        )


def _melt(
    frame: pd.DataFrame,
    rows: np.ndarray,
    raw: _Raw,
    cols: dict[str, tuple[str, str | None]],
    layout: str,
    used: set[str],
    collector: Collector,
    opts: dict[str, Any],
) -> _Part | int | None:
    """Wide (variables or years as columns) → long, then :func:`_normalise`."""
    from greenplan.variables import suggest_variables

    data_cols: list[tuple[str, Any, str | None]] = []  # (header, variable code or year, unit)
    rejected = 0
    for col in frame.columns:
        if col in used:
            continue
        if layout == "wide_years":
            year = _year_header(col)
            if year is None:
                _report_ignored([col], frame, raw, collector)
                continue
            data_cols.append((col, year, None))
            continue
        code, unit = _variable_header(col)
        if code is None:
            canon, _ = canonical_header(col)
            if canon is not None or (str(col).startswith("Unnamed: ") and frame[col].isna().all()):
                _report_ignored([col], frame, raw, collector)
                continue
            _, miss, _bad = parse_numbers(frame[col])
            n_cells = int((~miss).sum())
            rejected += n_cells
            hint = suggest_variables(_UNIT_IN_HEADER.sub(r"\g<name>", _nfkc(str(col))))
            did = f" Did you mean: {', '.join(hint)}?" if hint else ""
            collector.add(
                Code.UNKNOWN_VARIABLE,
                f"Column {col!r} is not a variable of the codelist, so its {n_cells:,} value(s) "
                f"were not read.{did} Use a code, Chinese name or alias of greenplan.VARIABLES, "
                "optionally with the unit in brackets: 能源消费总量(万吨标准煤).",
                file=raw.file,
                sheet=raw.sheet,
                row=raw.header_row,
                column=col,
                value=str(col),
                expected=", ".join(hint) if hint else None,
                count=max(n_cells, 1),
            )
            continue
        data_cols.append((col, code, unit))
    if not data_cols:
        if rejected:
            return rejected
        what = "variable" if layout == "wide" else "year"
        collector.add(
            Code.MISSING_COLUMN,
            f"{raw.file!r}{_in_sheet(raw)} has no {what} column: a {layout} table needs one "
            f"column per {what} after the key columns; its headers are {_list(frame.columns)}.",
            file=raw.file,
            sheet=raw.sheet,
            row=raw.header_row,
            column=what,
        )
        return len(frame)
    pieces: dict[str, list[Any]] = {
        k: []
        for k in ("region", "year", "variable", "value", "unit", *_TEXT_PROVENANCE, "_row", "_vcol")
    }
    assumed: list[str] = []
    for col, key, unit in data_cols:
        _, miss, _ = parse_numbers(frame[col])
        keep = np.flatnonzero(~miss)
        if keep.size == 0:
            continue
        pieces["value"].append(frame[col].to_numpy(dtype=object)[keep])
        pieces["_row"].append(rows[keep])
        pieces["_vcol"].append(np.full(keep.size, col, dtype=object))
        for name in ("region", *_TEXT_PROVENANCE):
            if name in cols:
                pieces[name].append(frame[cols[name][0]].to_numpy(dtype=object)[keep])
        if layout == "wide":
            pieces["year"].append(frame[cols["year"][0]].to_numpy(dtype=object)[keep])
            pieces["variable"].append(np.full(keep.size, key, dtype=object))
            if unit is None:
                assumed.append(col)
            pieces["unit"].append(
                np.full(keep.size, unit if unit is not None else np.nan, dtype=object)
            )
        else:
            pieces["year"].append(np.full(keep.size, key, dtype=object))
            pieces["variable"].append(frame[cols["variable"][0]].to_numpy(dtype=object)[keep])
            if "unit" in cols:
                pieces["unit"].append(frame[cols["unit"][0]].to_numpy(dtype=object)[keep])
    if not pieces["value"]:
        return rejected
    long = pd.DataFrame(
        {k: np.concatenate(v) for k, v in pieces.items() if v and k != "_row"}, dtype=object
    )
    long_rows = np.concatenate(pieces["_row"])
    order = np.lexsort((np.arange(len(long_rows)), long_rows))
    long = long.iloc[order].reset_index(drop=True)
    long_rows = long_rows[order]
    long_cols: dict[str, tuple[str, str | None]] = {
        "region": ("region", None),
        "year": ("year", None),
        "variable": ("variable", None),
        "value": ("value", None),
    }
    headers = {
        "region": cols["region"][0],
        "year": cols["year"][0] if "year" in cols else "year",
        "variable": cols["variable"][0] if "variable" in cols else "variable",
    }
    if "unit" in long.columns:
        long_cols["unit"] = ("unit", None)
        headers["unit"] = cols["unit"][0] if "unit" in cols else "unit"
    for name in _TEXT_PROVENANCE:
        if name in long.columns:
            long_cols[name] = (name, None)
    if layout == "wide" and assumed:
        collector.add(
            Code.UNIT_ASSUMED,
            f"No unit in the header of column(s) {_list(assumed)}: their values are taken to "
            "be in each variable's canonical unit (greenplan.VARIABLES[code].unit). Write the "
            "unit in brackets to be explicit: 能源消费总量(万吨标准煤).",
            file=raw.file,
            sheet=raw.sheet,
            row=raw.header_row,
            column=str(assumed[0]),
        )
    value_column = long["_vcol"].to_numpy(dtype=object)
    long = long.drop(columns="_vcol")
    part = _normalise(
        frame=long,
        rows=long_rows,
        raw=raw,
        cols=long_cols,
        collector=collector,
        opts=opts,
        provenance=False,
        value_column=value_column,
        headers=headers,
        unit_assumed_reported=layout == "wide",
    )
    if isinstance(part, int):
        return part + rejected
    if part is not None:
        part.rejected_extra = rejected
        kind = "variable" if layout == "wide" else "year"
        part.value_header = (kind, {key: str(col) for col, key, _ in data_cols})
    return part


class _Where(TypedDict):
    """The keyword arguments of :meth:`Collector.add_rows` that place rows of one table."""

    file: str
    sheet: str
    rows: np.ndarray


def _empty_cell_message(label: str) -> Callable[[int], str]:
    """Message of a ``missing_value`` finding on an empty key cell (region, year, variable)."""
    return lambda i: f"The {label} cell is empty. Fill it in, or delete the row."


def _factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _normalise(
    *,
    frame: pd.DataFrame,
    rows: np.ndarray,
    raw: _Raw,
    cols: dict[str, tuple[str, str | None]],
    collector: Collector,
    opts: dict[str, Any],
    provenance: bool,
    value_column: np.ndarray | None = None,
    headers: dict[str, str] | None = None,
    unit_assumed_reported: bool = False,
) -> _Part:
    """Long table → accepted rows as codes; every rejected row gets an error finding.

    Region, variable and unit texts are resolved once per distinct text (``factorize``), and
    units converted once per distinct (variable, unit) pair, so the cost per row is a few
    vectorised array operations.
    """
    from greenplan.regions import REGIONS, resolve_region
    from greenplan.units import factor
    from greenplan.variables import VARIABLES, resolve_variable, suggest_variables

    n = len(frame)
    file, sheet = raw.file, raw.sheet
    headers = headers or {}

    def header(c: str) -> str:
        return headers.get(c) or cols[c][0]

    vcol: np.ndarray | str = value_column if value_column is not None else cols["value"][0]
    rejected = np.zeros(n, dtype=bool)
    where: _Where = {"file": file, "sheet": sheet, "rows": rows}

    # --- region: resolve each distinct text once (the last entry stands for an empty cell)
    rcodes, runiq = _factorize(frame[cols["region"][0]])
    r_text = [_nfkc(str(u)) for u in runiq]
    r_res = [resolve_region(t) for t in r_text]
    r_ok = np.array([r is not None for r in r_res] + [False], dtype=bool)
    region_label = _Coded(rcodes, [r or t for r, t in zip(r_res, r_text, strict=True)] + [""])

    # --- variable
    vcodes, vuniq = _factorize(frame[cols["variable"][0]])
    v_text = [_nfkc(str(u)) for u in vuniq]
    v_res = [resolve_variable(t) for t in v_text]
    v_ok = np.array([c is not None for c in v_res] + [False], dtype=bool)
    variable_label = _Coded(vcodes, [c or t for c, t in zip(v_res, v_text, strict=True)] + [""])

    # --- year
    ycol = frame[cols["year"][0]]
    lo, hi = opts["year_range"]
    if pd.api.types.is_integer_dtype(ycol.dtype) and not pd.api.types.is_bool_dtype(ycol.dtype):
        year = ycol.to_numpy(dtype=np.int64, na_value=0)
        year_null = np.asarray(ycol.isna().to_numpy(), dtype=bool)
        year_bad = ~year_null & ((year < lo) | (year > hi))
        year_label: Any = _Years(year, year_null)
    else:
        ycodes, yuniq = _factorize(ycol)
        parsed = [parse_year(u) for u in yuniq]
        # Out-of-range years are rejected below (yok); 0 keeps huge ones (9.2e18) from
        # overflowing int64.
        yvals = np.array(
            [p if p is not None and lo <= p <= hi else 0 for p in parsed] + [0], dtype=np.int64
        )
        yok = np.array([p is not None and lo <= p <= hi for p in parsed] + [True], dtype=bool)
        year = yvals[ycodes]
        year_null = ycodes < 0
        year_bad = ~yok[ycodes] & ~year_null
        year_label = _Coded(ycodes, [_text(_cell(u)) for u in yuniq] + [""])
    year_known = _Years(year, year_null | year_bad)

    # --- value
    values, vmissing, vbad = parse_numbers(frame[cols["value"][0]])
    value_raw = frame[cols["value"][0]]

    # --- findings on keys (an empty key cell is a missing value of that column)
    for key, null_mask, label in (
        ("region", rcodes < 0, "region (地区)"),
        ("year", year_null, "year (年份)"),
        ("variable", vcodes < 0, "variable (指标)"),
    ):
        pos = np.flatnonzero(null_mask)
        if pos.size:
            rejected[pos] = True
            collector.add_rows(
                Code.MISSING_VALUE,
                pos,
                _empty_cell_message(label),
                column=header(key),
                region=region_label,
                year=year_known,
                variable=variable_label,
                expected=f"a {label}",
                **where,
            )
    pos = np.flatnonzero(~r_ok[rcodes] & (rcodes >= 0))
    if pos.size:
        rejected[pos] = True
        names = [*REGIONS]

        def msg_region(i: int) -> str:
            import difflib

            text = region_label[i]
            close = difflib.get_close_matches(text, names, n=3, cutoff=0.3)
            did = f" Did you mean: {', '.join(close)}?" if close else ""
            return (
                f"Unknown region {text!r}.{did} Use 济南市 or a district/county name "
                "(历下区 … 商河县); see greenplan.REGIONS."
            )

        collector.add_rows(
            Code.UNKNOWN_REGION,
            pos,
            msg_region,
            column=header("region"),
            region=region_label,
            year=year_known,
            variable=variable_label,
            value=region_label,
            expected="济南市 or a district/county of Jinan",
            **where,
        )
    pos = np.flatnonzero(year_bad)
    if pos.size:
        rejected[pos] = True
        collector.add_rows(
            Code.BAD_YEAR,
            pos,
            lambda i: (
                f"Year {year_label[i]!r} is not a whole number between {lo} and {hi}. Write the "
                "calendar year as a number: 2020 (or 2020年)."
            ),
            column=header("year"),
            region=region_label,
            variable=variable_label,
            value=year_label,
            expected=f"a whole number in {lo}–{hi}",
            **where,
        )
    pos = np.flatnonzero(~v_ok[vcodes] & (vcodes >= 0))
    if pos.size:
        rejected[pos] = True
        hints: dict[str, list[str]] = {}

        def msg_variable(i: int) -> str:
            t = variable_label[i]
            if t not in hints:
                hints[t] = suggest_variables(t)
            did = f" Did you mean: {', '.join(hints[t])}?" if hints[t] else ""
            return (
                f"Unknown variable {t!r}.{did} Use a code, Chinese name or alias of the codelist "
                "(greenplan.VARIABLES; docs/data-format.md)."
            )

        collector.add_rows(
            Code.UNKNOWN_VARIABLE,
            pos,
            msg_variable,
            column=header("variable"),
            region=region_label,
            year=year_known,
            variable=variable_label,
            value=variable_label,
            expected=_Lazy(lambda i: ", ".join(hints.get(variable_label[i], [])) or None),
            **where,
        )

    # --- units: one factor per distinct (variable, unit) pair
    unit_col = cols.get("unit")
    header_unit = cols["value"][1] if "value" in cols else None
    if unit_col is None:
        ucodes = np.full(n, -1, dtype=np.int64)
        u_text: list[str] = []
        if header_unit is None and not unit_assumed_reported and v_ok.any():
            collector.add(
                Code.UNIT_ASSUMED,
                f"{file!r}{_in_sheet(raw)} has no unit column (单位): every value is taken to be "
                "in its variable's canonical unit (greenplan.VARIABLES[code].unit). Add a unit "
                "column to be explicit.",
                file=file,
                sheet=sheet,
                row=raw.header_row,
                column="unit",
            )
    else:
        ucodes, uuniq = _factorize(frame[unit_col[0]])
        u_text = [_nfkc(str(u)) for u in uuniq]
    nu = len(u_text)
    pair = np.where(vcodes >= 0, vcodes, len(vuniq)).astype(np.int64) * (nu + 1) + (ucodes + 1)
    pcodes, upairs = pd.factorize(pair)
    pair_factor = np.ones(len(upairs), dtype="float64")
    pair_state = np.zeros(len(upairs), dtype=np.int8)  # 0 ok, 1 unknown unit, 2 wrong dim
    pair_msg: list[str] = [""] * len(upairs)
    pair_expected: list[str | None] = [None] * len(upairs)
    assumed_pairs: list[tuple[str, int]] = []
    for k, p in enumerate(upairs.tolist()):
        vi, ui = divmod(int(p), nu + 1)
        code = v_res[vi] if vi < len(vuniq) else None
        if code is None:
            continue
        target = VARIABLES[code].unit
        pair_expected[k] = target
        text = None if ui == 0 else u_text[ui - 1]
        if not text:
            if header_unit:
                text = header_unit
            else:
                if unit_col is not None and not unit_assumed_reported:
                    assumed_pairs.append((code, k))
                continue
        try:
            pair_factor[k] = factor(text, target)
        except UnknownUnitError as exc:
            pair_state[k] = 1
            did = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            pair_msg[k] = (
                f"Unknown unit {text!r} for {code}.{did} Give {code} in {target} or another "
                "unit of the same kind (see docs/units.md)."
            )
        except DimensionalityMismatchError as exc:
            pair_state[k] = 2
            pair_msg[k] = (
                f"Unit {text!r} measures {exc.from_dim}, but {code} "
                f"({VARIABLES[code].name_zh}) is {exc.to_dim}: give it in {target} or another "
                f"unit of {exc.to_dim}."
            )
        except UnitError as exc:
            pair_state[k] = 1
            pair_msg[k] = f"Unit {text!r} for {code} cannot be used: {exc}"
    unit_header = header("unit") if unit_col is not None or "unit" in headers else "unit"
    unit_label = _Coded(ucodes, [*u_text, header_unit or ""])
    if pair_state.any():
        state = pair_state[pcodes]
        for st, code in ((1, Code.UNKNOWN_UNIT), (2, Code.WRONG_DIMENSION)):
            pos = np.flatnonzero(state == st)
            if pos.size:
                rejected[pos] = True
                collector.add_rows(
                    code,
                    pos,
                    lambda i: pair_msg[int(pcodes[i])],
                    column=unit_header,
                    region=region_label,
                    year=year_known,
                    variable=variable_label,
                    value=unit_label,
                    expected=_Lazy(lambda i: pair_expected[int(pcodes[i])]),
                    **where,
                )
    for code, k in assumed_pairs:
        members = np.flatnonzero(pcodes == k)
        collector.add(
            Code.UNIT_ASSUMED,
            f"{members.size:,} row(s) of {code} have an empty unit cell: taken to be in "
            f"{VARIABLES[code].unit}. Fill in the unit to be explicit.",
            file=file,
            sheet=sheet,
            row=int(rows[members[0]]),
            column=unit_header,
            variable=code,
            expected=VARIABLES[code].unit,
            count=int(members.size),
        )

    # --- values
    for mask, code in ((vmissing, Code.MISSING_VALUE), (vbad, Code.NON_NUMERIC)):
        pos = np.flatnonzero(mask)
        if not pos.size:
            continue
        rejected[pos] = True
        if code == Code.MISSING_VALUE:

            def message(i: int) -> str:
                shown = _text(_cell(value_raw.iloc[i])) or "empty"
                return (
                    f"No value for {variable_label[i]} ({region_label[i]}, {year_label[i]}): "
                    f"the cell is empty or a missing marker ({shown}). Fill in the number, or "
                    "delete the row if the figure is not available."
                )
        else:

            def message(i: int) -> str:
                return (
                    f"Value {_text(_cell(value_raw.iloc[i]))!r} of {variable_label[i]} "
                    f"({region_label[i]}, {year_label[i]}) is not a number. Write a plain number "
                    "(10140.91; 10,140.91 and full-width digits are fine) and put notes in "
                    "another column."
                )

        collector.add_rows(
            code,
            pos,
            message,
            column=vcol,
            region=region_label,
            year=year_known,
            variable=variable_label,
            value=_LazyCell(value_raw),
            expected="a number",
            **where,
        )

    # --- accepted rows, as codes into small lists of texts
    idx = None if not rejected.any() else np.flatnonzero(~rejected)

    def take(a: np.ndarray) -> np.ndarray:
        return a if idx is None else a[idx]

    factors = pair_factor[pcodes] if (pair_factor != 1.0).any() else None
    value_out = take(values) if factors is None else take(values) * take(factors)
    vc_out = take(vcodes)
    v_names = [c or "" for c in v_res]
    unit_names = [VARIABLES[c].unit if c else "" for c in v_res]
    n_out = len(vc_out)
    texts = {
        name: _text_column(frame[cols[name][0]], take)
        if name in cols
        else _Strings.constant("", n_out)
        for name in _TEXT_PROVENANCE
    }
    file_out = _Strings.constant(file, n_out)
    sheet_out = _Strings.constant(sheet, n_out)
    row_out = take(rows)
    if provenance:
        fcodes, funiq = _factorize(frame[cols["file"][0]].astype(object))
        file_out = _Strings(
            take(np.where(fcodes >= 0, fcodes, len(funiq))), [str(u) for u in funiq] + [file]
        )
        scodes, suniq = _factorize(frame[cols["sheet"][0]].astype(object))
        sheet_out = _Strings(
            take(np.where(scodes >= 0, scodes, len(suniq))), [str(u) for u in suniq] + [""]
        )
        r = pd.to_numeric(frame[cols["row"][0]], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        row_out = take(np.where(np.isnan(r), rows, r).astype(np.int64))
    return _Part(
        region=_Strings(take(rcodes), [r or "" for r in r_res]),
        year=take(year),
        variable=_Strings(vc_out, v_names),
        value=value_out,
        unit=_Strings(vc_out, unit_names),
        source=texts["source"],
        note=texts["note"],
        file=file_out,
        sheet=sheet_out,
        row=row_out,
        rows_read=n,
        value_header=cols["value"][0] if isinstance(vcol, str) else "value",
    )


def _text_column(column: pd.Series, take: Callable[[np.ndarray], np.ndarray]) -> _Strings:
    """Code a free-text provenance column (source, note); empty cells become ``""``."""
    codes, uniques = _factorize(column)
    texts = [_nfkc(str(u)) for u in uniques]
    return _Strings(take(np.where(codes >= 0, codes, len(texts))), [*texts, ""])


class _Coded:
    """Texts of a coded column (``uniques[codes[i]]``), computed only when asked for."""

    def __init__(self, codes: np.ndarray, uniques: Sequence[str]) -> None:
        self.codes = codes
        self.uniques = uniques

    def __getitem__(self, i: int) -> str:
        return self.uniques[int(self.codes[i])]


class _Years:
    """Years of rows, None where unknown."""

    def __init__(self, year: np.ndarray, unknown: np.ndarray) -> None:
        self.year = year
        self.unknown = unknown

    def __getitem__(self, i: int) -> int | None:
        return None if self.unknown[i] else int(self.year[i])


class _Lazy:
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __getitem__(self, i: int) -> Any:
        return self.fn(int(i))


class _LazyCell:
    """Text of a value cell, computed only when a finding asks for it."""

    def __init__(self, series: pd.Series) -> None:
        self.data = series

    def __getitem__(self, i: int) -> str:
        return _text(_cell(self.data.iloc[i]))


def _pick(data: Any, i: int) -> Any:
    if isinstance(data, np.ndarray):
        return data[i]
    if hasattr(data, "iloc"):
        return data.iloc[i]
    return data


def _cell(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


# --- assembly ------------------------------------------------------------------------------


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="float64" if c == "value" else "int64" if c in {"year", "row"} else _STR_DTYPE
            )
            for c in CANONICAL_COLUMNS
        }
    )


def _string_column(parts: Sequence[_Strings]) -> tuple[pd.Series, np.ndarray, list[str]]:
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
    dtype = _STR_DTYPE
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa

        if len(uniques) == 1:
            # the same text in every row: build the Arrow buffers directly (no ``take``)
            data = uniques[0].encode("utf-8")
            n = len(all_codes)
            offsets = np.arange(n + 1, dtype=np.int64) * len(data)
            arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))
        else:
            arr = pa.array(uniques, type=pa.large_string()).take(pa.array(all_codes))
        return pd.Series(pd.array(arr, dtype=dtype), copy=False)
    return pd.Series(np.asarray(uniques, dtype=object)[all_codes], dtype=dtype)


_STR_DTYPE = pd.Series(["x"]).dtype
"""pandas' default text dtype (``str``: Arrow-backed when pyarrow is installed)."""


def _assemble(parts: list[_Part]) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, list[str]]]]:
    if not parts:
        return _empty_table(), {}
    data: dict[str, pd.Series] = {}
    codes: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in CANONICAL_COLUMNS:
        first = getattr(parts[0], name)
        if isinstance(first, _Strings):
            data[name], c, u = _string_column([getattr(p, name) for p in parts])
            if name in _CODED:
                codes[name] = (c, u)
        else:
            arrays = [getattr(p, name) for p in parts]
            dtype = "float64" if name == "value" else "int64"
            arr = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
            data[name] = pd.Series(arr.astype(dtype, copy=False), dtype=dtype, copy=False)
    return pd.DataFrame(data, copy=False), codes


def _read_all(sources: Sequence[Any], collector: Collector, opts: dict[str, Any]) -> ReadResult:
    """Read every source; findings go to ``collector``; never raises for bad input."""
    from greenplan.records.engines import statistics_sources

    sources = statistics_sources(sources)  # Arrow/Dask tables → pandas, globs → files
    parts: list[_Part] = []
    rows_read = 0
    names: list[str] = []
    if not sources:
        collector.add(
            Code.UNREADABLE_FILE,
            "No source given: pass files, directories or DataFrames.",
        )
    for i, source in enumerate(sources, start=1):
        before = len(names)
        try:
            tables = _iter_tables(source, i, collector, opts, names)
            # not a for loop: its variable would keep the last table as read (the whole file)
            # alive while the canonical table is assembled
            while (raw := next(tables, None)) is not None:
                rows_read += len(raw.skipped_lines)
                result = _to_long(raw, collector, opts)
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
                f"greenplan failed while reading this source ({type(exc).__name__}: "
                f"{_short(exc)}). This is a bug in greenplan, not a problem of the data: "
                "please report it with the file.",
                file=names[-1],
            )
    table, codes = _assemble(parts)
    headers: dict[tuple[str, str], str | tuple[str, dict[Any, str]]] = {}
    for p in parts:
        if len(p.file.uniques) == 1 and len(p.sheet.uniques) == 1:
            headers[(p.file.uniques[0], p.sheet.uniques[0])] = p.value_header
    return ReadResult(table, rows_read, names, codes, headers)


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
        ``sum_rtol`` …). The compute-engine checks (reported vs computed, coverage) are off
        unless asked for with ``check_reported=True`` / ``check_coverage=True``.

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
        :class:`~greenplan.validation.ValidationReport`.
    OptionError
        An unknown option.

    Examples
    --------
    >>> import pandas as pd, greenplan as gp
    >>> data = pd.DataFrame({"地区": ["济南"], "年份": ["2020年"], "指标": ["能源消费总量"],
    ...                      "数值": ["3,512.6"], "单位": ["万吨标准煤"]})
    >>> gp.read_statistics(data)[["region", "year", "variable", "value", "unit"]]
      region  year            variable   value   unit
    0    济南市  2020  energy_consumption  3512.6  万吨标准煤
    """
    from greenplan.validation import validate

    options.setdefault("check_coverage", False)
    options.setdefault("check_reported", False)
    report = validate(*sources, sheets=sheets, layout=layout, **options)
    report.raise_for_errors()
    table = report.table if report.table is not None else _empty_table()
    table.attrs["greenplan"] = {
        "findings": [f.model_dump() for f in report.findings],
        "rows_read": report.rows_read,
        "sources": list(report.sources),
    }
    return table

"""Excel workbooks → grids of cells: python-calamine where installed, openpyxl otherwise.

A sheet is returned as a grid (a DataFrame of objects labelled by 0-based positions) and its
merged ranges. Both engines give the same grid, so findings and row numbers do not depend on
which one read the workbook:

* **calamine** (``pip install greenplan[excel]`` brings python-calamine) reads the cell
  values in Rust, about eight times faster than openpyxl. What it does not expose is read
  from the sheet's XML by a streaming byte scan that looks only at the cells concerned: cells
  whose style has a percent number format (:class:`PercentCell`), Excel errors
  (:class:`ExcelErrorCell`) and formulas without a saved value (:class:`FormulaCell`).
  Merged ranges come from calamine.
* **openpyxl** parses the sheet XML cell by cell (its ``WorkSheetParser``, read-only, saved
  values). It is used when python-calamine is not installed, for workbooks the byte scan does
  not cover (a flagged cell without its ``r`` reference, chart or macro sheets, a percent
  format on the default style), and to report why a workbook cannot be read.

Cells are put in one canonical form by both engines (:func:`canonical_cell`): a text that is
empty or only whitespace is an empty cell, a whole number below 2**53 is an ``int``, a date is
a ``datetime``.

The environment variable ``GREENPLAN_EXCEL_ENGINE`` (``auto``, ``calamine``, ``openpyxl``)
chooses the engine; ``auto`` (the default) is calamine when installed. ``.xls`` workbooks are
read by pandas (xlrd) whatever the engine.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import re
import warnings
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from greenplan.io.normalise import ExcelErrorCell, FormulaCell, PercentCell
from greenplan.messages import default_lang, text

__all__ = [
    "ENGINE_ENV",
    "EXCEL_ENGINES",
    "Merge",
    "Workbook",
    "canonical_cell",
    "excel_engine",
    "open_workbook",
]

ENGINE_ENV = "GREENPLAN_EXCEL_ENGINE"
"""Environment variable choosing the engine that reads ``.xlsx`` workbooks."""
EXCEL_ENGINES = ("auto", "calamine", "openpyxl")
"""Values of :data:`ENGINE_ENV`: ``auto`` is calamine when python-calamine is installed."""

Merge = tuple[int, int, int, int]
"""A merged range: first row, first column, last row, last column (0-based, inclusive)."""

_EXACT = 2**53
"""Floats below this are whole numbers exactly: they become ``int`` (as openpyxl reads ``2020``)."""


def excel_engine() -> Literal["calamine", "openpyxl"]:
    """Return the engine that reads ``.xlsx`` workbooks (see :data:`ENGINE_ENV`).

    A value of :data:`ENGINE_ENV` other than ``auto``, ``calamine`` or ``openpyxl`` is read as
    ``auto``, with a :class:`RuntimeWarning`; ``calamine`` where python-calamine is not
    installed is openpyxl.

    Examples
    --------
    >>> excel_engine() in ("calamine", "openpyxl")
    True
    """
    wanted = (os.environ.get(ENGINE_ENV) or "auto").strip().lower()
    if wanted not in EXCEL_ENGINES:
        engines = ", ".join(EXCEL_ENGINES)
        warning = text(
            "io.bad_excel_engine",
            default_lang(),
            name=ENGINE_ENV,
            value=repr(wanted),
            engines=engines,
        )
        warnings.warn(warning, RuntimeWarning, stacklevel=2)
    if wanted == "openpyxl":
        return "openpyxl"
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def canonical_cell(v: Any) -> Any:
    """Return a cell value in the form both engines agree on.

    Empty or whitespace-only text → None; a float that is a whole number below 2**53 → int;
    a date → datetime at midnight; anything else unchanged.

    Examples
    --------
    >>> canonical_cell(2020.0), canonical_cell(" "), canonical_cell(0.5)
    (2020, None, 0.5)
    """
    t = type(v)
    if t is float:
        return int(v) if v.is_integer() and -_EXACT < v < _EXACT else v
    if t is int:
        return v if -_EXACT < v < _EXACT else float(v)
    if t is str:
        return v if v.strip() else None
    if t is _dt.date:
        return _dt.datetime(v.year, v.month, v.day)
    return v


_canonical = np.frompyfunc(canonical_cell, 1, 1)


class Workbook(ABC):
    """A workbook's sheets as grids of cells (``grid(sheet)``); a context manager.

    Each engine (:class:`OpenpyxlBook`, :class:`CalamineBook`) implements :meth:`grid`.
    """

    sheet_names: list[str]

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release the file."""

    @abstractmethod
    def grid(self, sheet: str) -> tuple[pd.DataFrame, list[Merge]]:
        """Return the sheet as a grid (labels: 0-based positions), and its merged ranges."""


def open_workbook(path: Path, kind: str) -> Workbook:
    """Open a workbook with the engine of :func:`excel_engine` (``.xls``: pandas/xlrd).

    What calamine cannot open is opened again with openpyxl, so that the reason a workbook
    is unreadable (and the finding that says it) does not depend on the engine.
    """
    if kind == "xlsx" and excel_engine() == "calamine":
        try:
            return CalamineBook(path)
        except Exception:
            pass
    return OpenpyxlBook(path, kind)


# --- openpyxl ------------------------------------------------------------------------------


class OpenpyxlBook(Workbook):
    """XLSX read with openpyxl's parser directly, to keep what pandas drops.

    Number formats (a percent-formatted cell becomes :class:`PercentCell`), merged ranges,
    formulas without a saved value (:class:`FormulaCell`) and Excel errors
    (:class:`ExcelErrorCell`). XLS goes through pandas (xlrd).
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.kind = kind
        engine: Literal["openpyxl"] | None = "openpyxl" if kind == "xlsx" else None
        # pandas opens the workbook (openpyxl: read-only, cached values, no external links)
        self._book = pd.ExcelFile(path, engine=engine)
        self.sheet_names = [str(s) for s in self._book.sheet_names]
        self._percent = _percent_styles(self._book.book) if kind == "xlsx" else frozenset()

    def close(self) -> None:
        """Release the file."""
        self._book.close()

    def grid(self, sheet: str) -> tuple[pd.DataFrame, list[Merge]]:
        """Return the sheet as a grid (labels: 0-based positions), and its merged ranges."""
        if self.kind != "xlsx":
            return self._book.parse(sheet, header=None, dtype=object), []
        book = self._book.book
        return _xlsx_grid(book, book[sheet], self._percent)


def _is_percent_format(code: str) -> bool:
    """Whether a number format shows the value × 100: a ``%`` neither quoted nor escaped."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def _percent_styles(book: Any) -> frozenset[int]:
    """Style ids of a workbook whose number format shows the value × 100 with ``%``."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    out = set()
    for k, style in enumerate(book._cell_styles):
        fid = style.numFmtId
        fmt = (
            BUILTIN_FORMATS.get(fid, "General")
            if fid < BUILTIN_FORMATS_MAX_SIZE
            else book._number_formats[fid - BUILTIN_FORMATS_MAX_SIZE]
        )
        if _is_percent_format(str(fmt)):
            out.add(k)
    return frozenset(out)


def _xlsx_grid(book: Any, ws: Any, percent: frozenset[int]) -> tuple[pd.DataFrame, list[Merge]]:
    from openpyxl.cell.cell import TYPE_ERROR
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            value = canonical_cell(cell["value"])
            cell["value"] = value
            if value is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = FormulaCell("=" + (formula.text or "…"))
            elif cell["data_type"] == TYPE_ERROR:
                cell["value"] = ExcelErrorCell(str(value))
            elif (
                cell["style_id"] in percent
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                cell["value"] = PercentCell(value)
            return cell

    rows: dict[int, dict[int, Any]] = {}
    width = 0
    with ws._get_source() as src:
        parser = Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for idx, cells in parser.parse():
            row = {c["column"] - 1: c["value"] for c in cells if c["value"] is not None}
            if row:
                rows[idx - 1] = row
                width = max(width, max(row) + 1)
        merges: list[Merge] = []
        if parser.merged_cells is not None:
            from openpyxl.worksheet.cell_range import CellRange

            for m in parser.merged_cells.mergeCell:
                r = CellRange(m.ref)
                merges.append((r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1))
    height = max(rows) + 1 if rows else 0
    data = np.full((height, width), None, dtype=object)
    for i, row in rows.items():
        for j, v in row.items():
            data[i, j] = v
    grid = pd.DataFrame(data, dtype=object)
    return grid, merges


# --- calamine ------------------------------------------------------------------------------


class _ScanFallbackError(Exception):
    """The byte scan does not cover this sheet: read it with openpyxl."""


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_BUILTIN = frozenset({9, 10})
"""Built-in number formats with ``%`` (ECMA-376 part 1, 18.8.30: ``0%``, ``0.00%``)."""


class CalamineBook(Workbook):
    """XLSX read with python-calamine; percent formats, errors and formulas from the XML."""

    def __init__(self, path: Path) -> None:
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        self.path = path
        self._zip = zipfile.ZipFile(path)
        try:
            parts, styles = _workbook_parts(self._zip)
            self._percent = _percent_style_ids(self._zip, styles)
            if 0 in self._percent:  # every unstyled cell would be a percent cell
                raise _ScanFallbackError("percent format on the default style")
            self._book = CalamineWorkbook.from_path(str(path))
            meta = self._book.sheets_metadata
            if any(m.typ != SheetTypeEnum.WorkSheet for m in meta):
                raise _ScanFallbackError("chart or macro sheets")
            self.sheet_names = [str(m.name) for m in meta]
            if set(self.sheet_names) - set(parts):
                raise _ScanFallbackError("sheet without its part")
        except BaseException:
            self._zip.close()
            raise
        self._parts = parts
        self._openpyxl: OpenpyxlBook | None = None

    def close(self) -> None:
        """Release the file."""
        self._zip.close()
        self._book.close()
        if self._openpyxl is not None:
            self._openpyxl.close()

    def grid(self, sheet: str) -> tuple[pd.DataFrame, list[Merge]]:
        """Return the sheet as a grid (labels: 0-based positions), and its merged ranges."""
        try:
            return self._grid(sheet)
        except Exception:
            # what the scan does not cover, or calamine cannot read: openpyxl decides
            if self._openpyxl is None:
                self._openpyxl = OpenpyxlBook(self.path, "xlsx")
            return self._openpyxl.grid(sheet)

    def _grid(self, sheet: str) -> tuple[pd.DataFrame, list[Merge]]:
        ws = self._book.get_sheet_by_name(sheet)
        values = ws.to_python(skip_empty_area=False)
        special = _scan_sheet(self._zip, self._parts[sheet], self._percent)
        width = max((len(r) for r in values), default=0)
        height = len(values)
        for i, j, _ in special:
            height, width = max(height, i + 1), max(width, j + 1)
        data = np.full((height, width), None, dtype=object)
        if values:
            block = np.empty((len(values), width), dtype=object)
            block[:] = values if all(len(r) == width for r in values) else _pad(values, width)
            data[: len(values)] = _canonical(block)
        for i, j, cell in special:
            if cell is _PERCENT:
                v = data[i, j]
                if isinstance(v, int | float) and not isinstance(v, bool):
                    data[i, j] = PercentCell(v)
            elif data[i, j] is None:  # calamine gives "" for errors and unsaved formulas
                data[i, j] = cell
        # trim to the last filled row and column, as openpyxl's grid is
        filled = data != None  # noqa: E711 (elementwise)
        rows = np.flatnonzero(filled.any(axis=1))
        cols = np.flatnonzero(filled.any(axis=0))
        data = data[: rows[-1] + 1 if rows.size else 0, : cols[-1] + 1 if cols.size else 0]
        merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ws.merged_cell_ranges or ()]
        return pd.DataFrame(data, dtype=object), merges


def _pad(values: list[list[Any]], width: int) -> list[list[Any]]:
    return [r + [""] * (width - len(r)) for r in values]


def _workbook_parts(book: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Zip member of each sheet (by name), and of the styles part (None when absent)."""
    wb_part = "xl/workbook.xml"
    if "_rels/.rels" in book.namelist():
        for rel in ET.fromstring(book.read("_rels/.rels")).iter(f"{_PKG}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                wb_part = _member(PurePosixPath("/"), rel.get("Target", wb_part))
    base = PurePosixPath("/" + wb_part).parent
    rels_part = f"{PurePosixPath(wb_part).parent}/_rels/{PurePosixPath(wb_part).name}.rels"
    targets: dict[str, str] = {}
    styles: str | None = None
    for rel in ET.fromstring(book.read(rels_part)).iter(f"{_PKG}Relationship"):
        target = _member(base, rel.get("Target", ""))
        targets[rel.get("Id", "")] = target
        if rel.get("Type", "").endswith("/styles"):
            styles = target
    parts = {}
    for sheet in ET.fromstring(book.read(wb_part)).iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id", ""))
        if part is not None:
            parts[str(sheet.get("name"))] = part
    return parts, styles


def _member(base: PurePosixPath, target: str) -> str:
    """Zip member name of a relationship target (absolute, or relative to ``base``)."""
    path = PurePosixPath(target) if target.startswith("/") else base / target
    out: list[str] = []
    for part in path.parts[1:]:
        if part == "..":
            if out:
                out.pop()
        elif part != ".":
            out.append(part)
    return "/".join(out)


def _percent_style_ids(book: zipfile.ZipFile, styles: str | None) -> frozenset[int]:
    """Return the indices of the cell formats (``cellXfs``) with a percent number format."""
    if styles is None or styles not in book.namelist():
        return frozenset()
    root = ET.fromstring(book.read(styles))
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")
    }
    xfs = root.find(f"{_MAIN}cellXfs")
    out = set()
    for k, xf in enumerate(() if xfs is None else xfs.findall(f"{_MAIN}xf")):
        fid = int(xf.get("numFmtId", "0"))
        if fid >= 164 and fid not in custom:  # openpyxl cannot resolve it either: it decides
            raise _ScanFallbackError(f"number format {fid} is not defined")
        if (fid in custom and _is_percent_format(custom[fid])) or (
            fid not in custom and fid in _PERCENT_BUILTIN
        ):
            out.add(k)
    return frozenset(out)


_PERCENT = object()
"""Marker of a percent-styled cell in the byte scan (its value comes from calamine)."""
_CHUNK = 1 << 23
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
"""An optional namespace prefix of an element name."""
_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_ERROR = re.compile(
    rb"<(?P<p>" + _P + rb")c\s(?P<a>[^>]*?\bt\s*=\s*[\"']e[\"'][^>]*?)>\s*(?:<(?P=p)f\b"
    rb"[^>]*?(?:/>|>[^<]*</(?P=p)f>)\s*)?<(?P=p)v>(?P<v>[^<]+)</(?P=p)v>"
)
_FORMULA = re.compile(
    rb"<(?P<p>" + _P + rb")c(?P<a>\s[^>]*?)?>\s*<(?P=p)f\b[^>]*?(?:/>|>(?P<f>[^<]*)</(?P=p)f>)"
    rb"\s*(?:<(?P=p)v\s*/>|<(?P=p)v></(?P=p)v>)?\s*</(?P=p)c>"
)


def _scan_sheet(
    book: zipfile.ZipFile, part: str, percent: frozenset[int]
) -> list[tuple[int, int, Any]]:
    """Cells calamine reads without what greenplan needs: (row, column, what), 0-based.

    ``what`` is :data:`_PERCENT` for a number cell whose style is a percent format, an
    :class:`ExcelErrorCell`, or a :class:`FormulaCell` for a formula without a saved value.
    The sheet's XML is read in chunks; a chunk is searched only for what it may contain.
    """
    styles = b"|".join(str(k).encode() for k in sorted(percent))
    pct = (
        re.compile(rb"<" + _P + rb"c\s(?P<a>[^>]*?\bs\s*=\s*[\"'](?:" + styles + rb")[\"'][^>]*)>")
        if percent
        else None
    )
    style_marks = [m % k for k in percent for m in (b's="%d"', b"s='%d'")]
    out: list[tuple[int, int, Any]] = []
    for chunk in _chunks(book, part):
        if pct is not None and any(m in chunk for m in style_marks):
            for m in pct.finditer(chunk):
                out.append((*_position(m.group("a")), _PERCENT))
        if b't="e"' in chunk or b"t='e'" in chunk:
            for m in _ERROR.finditer(chunk):
                text = html.unescape(m.group("v").decode("utf-8"))
                out.append((*_position(m.group("a")), ExcelErrorCell(text)))
        if b"f>" in chunk or b"f/>" in chunk or b"<f " in chunk:
            for m in _FORMULA.finditer(chunk):
                f = m.group("f")
                text = html.unescape(f.decode("utf-8")) if f else ""
                out.append((*_position(m.group("a") or b""), FormulaCell("=" + (text or "…"))))
    return out


def _position(attributes: bytes) -> tuple[int, int]:
    """0-based (row, column) of a cell from its ``r`` attribute (``B12`` → (11, 1))."""
    m = _REF.search(attributes)
    if m is None:  # a cell without its reference: its place is known only by counting
        raise _ScanFallbackError("cell without a reference")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ch - 64
    return int(m.group(2)) - 1, col - 1


def _chunks(book: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """Yield the sheet's XML in chunks that end after a row tag (or the whole part)."""
    with book.open(part) as fh:
        tail = b""
        while True:
            data = fh.read(_CHUNK)
            if not data:
                if tail:
                    yield tail
                return
            buf = tail + data
            cut = buf.rfind(b"row>")
            if cut < 0:
                tail = buf
                continue
            cut += 4
            yield buf[:cut]
            tail = buf[cut:]

"""Cell and header parsers: numbers and years as Chinese statistics write them, column headers.

Numbers may be written ``10,140.91``, in full-width digits, or ``—`` / ``-`` for a missing
figure; years ``2020``, ``2020.0``, ``"2020年"``; headers in English or Chinese, with the unit
in brackets: ``能源消费总量(万吨标准煤)``. The accepted headers are
:data:`greenplan.schema.HEADER_NAMES` (listed for users in docs/data-format.md).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from greenplan.messages import Message, msg
from greenplan.schema import HEADER_NAMES
from greenplan.variables import resolve_variable

__all__ = ["MISSING_MARKERS", "canonical_header", "parse_numbers", "parse_year"]

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

_HEADER_LOOKUP = {
    unicodedata.normalize("NFKC", name).casefold(): canon
    for canon, names in HEADER_NAMES.items()
    for name in names
}
UNIT_IN_HEADER = re.compile(
    r"^\s*(?P<name>.*?)\s*[(\[（【](?P<unit>[^()\[\]（）【】]*)[)\]）】]\s*$"
)
_YEAR_HEADER = re.compile(r"^\s*(?P<year>\d{4})(?:\.0)?\s*(?:年|年度)?\s*$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(header: Any) -> str:
    return nfkc(str(header)).casefold().replace("_", " ").strip()


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
    m = UNIT_IN_HEADER.match(nfkc(str(header)))
    if m:
        name = m.group("name").casefold().replace("_", " ").strip()
        if name in _HEADER_LOOKUP:
            return _HEADER_LOOKUP[name], m.group("unit").strip() or None
    return None, None


def year_header(header: Any) -> int | None:
    if isinstance(header, int | np.integer) and not isinstance(header, bool):
        return int(header) if 1000 <= int(header) <= 9999 else None
    if isinstance(header, float) and header.is_integer():
        return int(header) if 1000 <= header <= 9999 else None
    m = _YEAR_HEADER.match(nfkc(str(header)))
    return int(m.group("year")) if m else None


def variable_header(header: Any) -> tuple[str | None, str | None]:
    """Resolve a wide-layout header to (variable code, unit in brackets)."""
    text = nfkc(str(header))
    code = resolve_variable(text)
    if code is not None:
        return code, None
    m = UNIT_IN_HEADER.match(text)
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
    text = nfkc(value).removesuffix("年度").removesuffix("年").strip()
    if re.fullmatch(r"[+-]?\d{1,6}(\.0*)?", text):
        return int(float(text))
    return None


_SEPARATORS = ",\u00a0\u2009\u202f' "
"""Characters written between groups of three digits (thousands separators)."""
_GROUPED = {
    ".": re.compile(r"[+-]?\d{1,3}(?:([,\u00a0\u2009\u202f' ])\d{3})(?:\1\d{3})*(?:\.\d*)?"),
    ",": re.compile(r"[+-]?\d{1,3}(?:([.\u00a0\u2009\u202f' ])\d{3})(?:\1\d{3})*(?:,\d*)?"),
}
"""A number with thousands separators: groups of three digits after the first group, one
kind of separator, then the decimal part (by decimal mark)."""
_PLAIN_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d+(?:,\d*)?|,\d+)")


def _grouped_numbers(text: pd.Series, decimal: str) -> np.ndarray:
    """Numbers of texts: plain, or with thousands separators (or a decimal comma); else NaN."""
    out = np.full(len(text), np.nan)
    grouped = np.array(text.str.fullmatch(_GROUPED[decimal]), dtype=bool)
    if decimal == ",":
        grouped |= np.array(text.str.fullmatch(_PLAIN_DECIMAL_COMMA), dtype=bool)
    if decimal == "." and not grouped.all():  # plain numbers (after NFKC: full-width digits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[~grouped] = pd.to_numeric(text[~grouped], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
    if grouped.any():
        kept = text[grouped].str.replace(r"[^\d+,.-]", "", regex=True)
        if decimal == ",":
            kept = kept.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            kept = kept.str.replace(",", "", regex=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[grouped] = pd.to_numeric(kept, errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
    return out


def parse_numbers(
    values: pd.Series | Sequence[Any], decimal: str = "."
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse numbers as Chinese statistics write them, vectorised.

    Parameters
    ----------
    values : pandas.Series or sequence
        Cells: numbers (including :class:`decimal.Decimal`), or texts such as
        ``"10,140.91"``, ``"１２.５"``, ``"—"``.
    decimal : {".", ","}
        The decimal mark of texts. With ``"."`` (default) a comma is a thousands separator
        only between groups of three digits after the first group (``10,140.91``;
        ``10140,91``, ``1,2`` and ``1.234,5`` are not numbers). With ``","`` the comma is
        the decimal mark and ``.`` (or a space) the thousands separator (``1.234,5``).

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
    >>> v, missing, bad = parse_numbers(["10,140.91", "—", "１２", "12a", "10140,91"])
    >>> v.tolist()[0], missing.tolist(), bad.tolist()
    (10140.91, [False, True, False, False, False], [False, False, False, True, True])
    >>> parse_numbers(["1.234,5", "10140,91"], decimal=",")[0].tolist()
    [1234.5, 10140.91]
    """
    return parse_cells(values, decimal, copy=True)


def parse_cells(
    values: pd.Series | Sequence[Any], decimal: str, copy: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return :func:`parse_numbers` of ``values``; ``copy=False`` may leave the numbers read-only.

    With ``copy=False`` the numbers of a numeric column with no NaN or infinity are its own
    array, read-only: the readers' way (no copy of every value).
    """
    if decimal not in _GROUPED:
        raise ValueError(f"decimal={decimal!r}: expected '.' or ','")
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    n = len(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return np.full(n, np.nan), np.zeros(n, bool), np.ones(n, bool)
    if pd.api.types.is_numeric_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan, copy=copy)
        finite = np.isfinite(arr)
        if finite.all():  # the usual case: one pass, no NaN or infinity to look for
            none = np.zeros(n, dtype=bool)
            return arr, none, none.copy()
        if not arr.flags.writeable:
            arr = arr.copy()
        missing = np.isnan(arr)
        bad = ~finite & ~missing
        arr[bad] = np.nan
        return arr, missing, bad
    s = s.reset_index(drop=True)
    null = s.isna().to_numpy()
    booly: np.ndarray
    other: np.ndarray
    if s.dtype == object:
        kinds = s.map(type)
        booly = kinds.isin([bool, np.bool_]).to_numpy()
        dec = kinds.isin([Decimal]).to_numpy()
        if dec.any():  # SQL drivers and Parquet decimal128 columns give Decimal objects
            s = s.copy()
            s[dec] = [_decimal_float(d) for d in s[dec]]
        known = kinds.isin(
            [str, int, float, np.float64, np.int64, type(None), bool, np.bool_, Decimal]
        )
        other = ~known.to_numpy() & ~null
        s = s.mask(booly | other)  # parsed as non-numbers below
    else:
        booly = other = np.zeros(n, bool)
    if decimal == ",":  # texts are parsed below; only numbers here
        is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        first = s.mask(is_text)
    else:
        first = s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        num = pd.to_numeric(first, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan).copy()
    missing = null.copy()
    todo = np.flatnonzero(~null & np.isnan(arr) & ~booly & ~other)
    if todo.size:
        text = s.iloc[todo].astype(str)
        if not text.map(str.isascii).all():  # Series.str.isascii is pandas ≥ 3 only
            text = text.str.normalize("NFKC")
        text = text.str.strip()
        marker = text.str.casefold().isin(MISSING_MARKERS).to_numpy()
        arr[todo] = _grouped_numbers(text, decimal)
        missing[todo[marker]] = True
        arr[todo[marker]] = np.nan
    bad = ~missing & ~np.isfinite(arr)
    bad |= booly | other
    arr[bad] = np.nan
    return arr, missing, bad


def _decimal_float(d: Decimal) -> float:
    try:
        return float(d)
    except (OverflowError, ValueError):  # pragma: no cover - float() of a Decimal saturates
        return float("nan")


class SpecialCell:
    """A spreadsheet cell that holds no usable number, and why (never parsed as a number)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    def explain(self) -> Message:
        """Say what the cell holds and what to do (each kind of special cell words it)."""
        return msg("io.cell_holds", text=repr(self.text))


class ExcelErrorCell(SpecialCell):
    """A cell whose formula gave an Excel error (``#DIV/0!``, ``#REF!`` …)."""

    __slots__ = ()

    def explain(self) -> Message:
        return msg("io.excel_error", text=self.text)


class FormulaCell(SpecialCell):
    """A formula cell with no value saved in the file (written by a program, never opened)."""

    __slots__ = ()

    def explain(self) -> Message:
        return msg("io.formula_no_value", text=self.text)


class PercentCell:
    """A number cell formatted as percent in a workbook: stored 0.62, shown ``62.0%``."""

    __slots__ = ("stored",)

    def __init__(self, stored: float) -> None:
        self.stored = float(stored)

    def __str__(self) -> str:
        return f"{self.stored * 100:g}%"

    def __repr__(self) -> str:
        return f"PercentCell({self.stored!r})"


def special_cell_message(v: Any) -> Message | str:
    """Why a spreadsheet cell holds no number (formula without value, Excel error), or ``""``."""
    return v.explain() if isinstance(v, SpecialCell) else ""


PERCENT_UNITS = frozenset({"%", "percent", "百分比", "百分数"})
"""Unit texts (NFKC, casefolded) meaning percent: a percent-formatted cell is read as shown."""


def looks_like_header(columns: Iterable[Any]) -> bool:
    columns = list(columns)
    found = {canonical_header(c)[0] for c in columns}
    if {"region", "year"} <= found or {"variable", "value"} <= found:
        return True
    return "variable" in found and any(year_header(c) for c in columns)


def header_score(cells: Iterable[Any]) -> bool:
    return looks_like_header([c for c in cells if not is_blank(c)])


def is_blank(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, float) and np.isnan(v))
        or (isinstance(v, str) and not v.strip())
    )


def cell_text(v: Any) -> str:
    """Text of a cell for messages: ``""`` for empty, ``2020`` for 2020.0."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, SpecialCell | PercentCell):
        return str(v)
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)

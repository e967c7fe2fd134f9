"""Record-level primitives on one pandas DataFrame (in memory, an Arrow batch, a Dask partition).

Every engine evaluates the same :class:`Pred` conditions; these are the pandas versions, used
by the in-memory engine, by the pyarrow batch engine and inside each Dask partition. The
DuckDB engine translates the same conditions to SQL (:mod:`._duckdb`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

NUMBER_PATTERN = r" *[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)? *"
"""What counts as a number in a text quantity column (the same regular expression in SQL)."""
_NUMBER_RE = re.compile(NUMBER_PATTERN)

FILE, ROW = "__file", "__row"
"""Columns naming where a record is: the file (or ``<DataFrame>`` label) and the row as the
user sees it (Parquet, Arrow and DataFrames: position + 1; CSV: line, header = 1)."""

Kind = Literal["number", "text", "other"]


@dataclass(frozen=True)
class Pred:
    """A record-level condition every engine can evaluate.

    ``kind``: ``missing`` (null, NaN, or text of spaces only), ``non_numeric`` (text that is
    not a number), ``negative`` (a number < 0), ``in`` (``column`` is one of ``values``),
    ``pair_in`` ((``column``, ``other``) is one of the pairs in ``values``).
    """

    kind: Literal["missing", "non_numeric", "negative", "in", "pair_in"]
    column: str
    values: tuple[Any, ...] = ()
    other: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def kind_of(dtype: Any) -> Kind:
    """Return ``number`` (numeric, not bool), ``text`` (strings, objects) or ``other``."""
    if pd.api.types.is_bool_dtype(dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if isinstance(dtype, pd.CategoricalDtype):
        return kind_of(dtype.categories.dtype)
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return "text"
    return "other"


def _strings(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Return the column as object values, and which cells are text."""
    obj = s.astype(object)
    try:
        is_text = obj.str.len().notna().to_numpy(dtype=bool)
    except AttributeError:  # no text at all (e.g. an object column of integers)
        is_text = np.zeros(len(obj), dtype=bool)
    return obj, is_text


def is_blank(s: pd.Series) -> np.ndarray:
    """Missing: null/NaN, or (text) only spaces."""
    mask = s.isna().to_numpy(dtype=bool, copy=True)
    if kind_of(s.dtype) == "text" and len(s):
        obj, is_text = _strings(s)
        if is_text.any():
            blank = obj.str.strip(" ").eq("").to_numpy(dtype=bool, na_value=False)
            mask |= blank & is_text
    return mask


def _number_text(s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    obj, is_text = _strings(s)
    if not is_text.any():
        return obj, is_text, np.zeros(len(obj), dtype=bool)
    ok = obj.str.fullmatch(NUMBER_PATTERN).to_numpy(dtype=bool, na_value=False)
    return obj, is_text, ok


def numbers(s: pd.Series) -> np.ndarray:
    """Values as float64; NaN where missing or not a number (text parsed strictly)."""
    if kind_of(s.dtype) == "number":
        return s.to_numpy(dtype="float64", na_value=np.nan)
    obj, is_text, ok = _number_text(s)
    out = np.full(len(s), np.nan)
    if ok.any():
        out[ok] = pd.to_numeric(obj[ok].str.strip(" "), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    other = ~is_text
    if other.any():
        out[other] = pd.to_numeric(obj[other], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    return out


def _is_number_text(s: pd.Series) -> np.ndarray:
    _, is_text, ok = _number_text(s)
    return ok | ~is_text


def evaluate(frame: pd.DataFrame, pred: Pred) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` matching ``pred``."""
    s = frame[pred.column]
    if pred.kind == "missing":
        return is_blank(s)
    if pred.kind == "non_numeric":
        if kind_of(s.dtype) == "number":
            return np.zeros(len(s), dtype=bool)
        return ~is_blank(s) & ~_is_number_text(s)
    if pred.kind == "negative":
        with np.errstate(invalid="ignore"):
            return numbers(s) < 0
    if pred.kind == "in":
        return s.isin(list(pred.values)).to_numpy(dtype=bool)
    if pred.kind == "pair_in":
        other = frame[pred.other]
        mask = np.zeros(len(s), dtype=bool)
        by_first: dict[Any, list[Any]] = {}
        for a, b in pred.values:
            by_first.setdefault(a, []).append(b)
        for a, bs in by_first.items():
            mask |= (s == a).fillna(False).to_numpy(dtype=bool) & other.isin(bs).to_numpy(
                dtype=bool
            )
        return mask
    raise ValueError(pred.kind)


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def flag(
    frame: pd.DataFrame,
    preds: Sequence[Pred],
    cap: int,
    file: str | None = None,
    rows: np.ndarray | None = None,
    part: int | None = None,
) -> pd.DataFrame:
    """First ``cap`` matching rows of each condition, and the count, for one frame.

    Returns a frame with columns ``pred`` (index into ``preds``), ``__file``, ``__row``,
    ``value`` (the offending cell), ``total`` (number of matching rows of that condition
    and file in this frame; repeated on every listed row).
    """
    out = []
    files = frame[FILE].to_numpy() if file is None else None
    if rows is None:
        rows = frame[ROW].to_numpy()
    for i, pred in enumerate(preds):
        mask = evaluate(frame, pred)
        if not mask.any():
            continue
        pos = np.flatnonzero(mask)
        if files is None:
            groups = [(file, pos)]
        else:
            f_codes, f_uniques = pd.factorize(files[pos])
            groups = [(str(f), pos[f_codes == j]) for j, f in enumerate(f_uniques)]
        col = frame[pred.column]
        for fname, p in groups:
            take = p[:cap]
            out.append(
                pd.DataFrame(
                    {
                        "pred": i,
                        FILE: fname,
                        ROW: rows[take].astype("int64"),
                        "value": [_cell(v) for v in col.take(take).astype(object)],
                        "total": len(p),
                    }
                )
            )
    flags = concat_flags(out)
    if part is not None:
        flags["__part"] = part
    return flags


FLAG_COLUMNS = ("pred", FILE, ROW, "value", "total")


def concat_flags(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate flag frames (possibly none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {
                "pred": pd.Series([], dtype="int64"),
                FILE: pd.Series([], dtype=object),
                ROW: pd.Series([], dtype="int64"),
                "value": pd.Series([], dtype=object),
                "total": pd.Series([], dtype="int64"),
            }
        )
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(object)
    out[FILE] = out[FILE].astype(object)
    return out


def merge_flags(parts: Sequence[pd.DataFrame], cap: int) -> pd.DataFrame:
    """Combine the flags of several parts: first ``cap`` rows per (pred, file), totals summed.

    Each part's frame carries the totals of that part; rows are ordered by ``__row`` within
    a file (parts of one file must not overlap in rows).
    """
    frames = []
    for k, p in enumerate(parts):
        if len(p):
            p = p.copy()
            if "__part" not in p:
                p["__part"] = k
            frames.append(p)
    if not frames:
        return concat_flags([])
    flags = pd.concat(frames, ignore_index=True)
    totals = flags.drop_duplicates(["pred", FILE, "__part"]).groupby(["pred", FILE])["total"].sum()
    flags = flags.sort_values(["pred", FILE, ROW], kind="stable")
    first = flags.groupby(["pred", FILE], sort=False).head(cap).copy()
    index = pd.MultiIndex.from_arrays([first["pred"], first[FILE]])
    first["total"] = totals.reindex(index).to_numpy(dtype="int64")
    first["value"] = first["value"].astype(object)
    return first.drop(columns="__part").reset_index(drop=True)


def any_error(frame: pd.DataFrame, preds: Sequence[Pred]) -> np.ndarray:
    """Rows matching at least one of ``preds``."""
    mask = np.zeros(len(frame), dtype=bool)
    for pred in preds:
        mask |= evaluate(frame, pred)
    return mask


def duplicate_candidates(
    frame: pd.DataFrame, key: Sequence[str], exclude: Sequence[Pred]
) -> pd.DataFrame:
    """Rows (without errors) whose ``key`` occurs more than once in ``frame``.

    Columns: the key, ``__file``, ``__row``, ``__q`` (quantity as a number), ``unit``.
    """
    keep = ~any_error(frame, exclude)
    sub = frame.loc[keep, [*key, FILE, ROW, "quantity", *(["unit"] if "unit" in frame else [])]]
    dup = sub.duplicated(list(key), keep=False).to_numpy()
    sub = sub.loc[dup].copy()
    sub["__q"] = numbers(sub["quantity"])
    return sub.drop(columns="quantity")


def key_candidates(
    frame: pd.DataFrame, key: Sequence[str], exclude: Sequence[Pred]
) -> pd.DataFrame:
    """Rows without errors, only the key columns (for a distributed duplicate count)."""
    keep = ~any_error(frame, exclude)
    return frame.loc[keep, list(key)]


def with_location(frame: pd.DataFrame, file: str, first_row: int) -> pd.DataFrame:
    """``frame`` with ``__file`` and ``__row`` columns (rows numbered from ``first_row``)."""
    out = frame.copy(deep=False)
    out[FILE] = file
    out[ROW] = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    return out


def distinct(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Distinct combinations of ``columns`` (missing values included) with their count."""
    cols = list(columns)
    if not len(frame):
        return pd.DataFrame({**{c: pd.Series([], dtype=object) for c in cols}, "__n": []})
    sub = frame[cols].copy()
    for c in cols:
        if isinstance(sub[c].dtype, pd.CategoricalDtype):
            sub[c] = sub[c].astype(object)
    return sub.groupby(cols, dropna=False, sort=False).size().rename("__n").reset_index()

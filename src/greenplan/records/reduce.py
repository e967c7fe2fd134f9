"""The reduction of fuel records that every engine shares: per-group sums and counts.

``reduce_frame`` sums the quantity, counts records and missing quantities per combination of
keys in one pandas frame; ``combine_reduced`` merges the reduced tables of partitions or
batches; ``locate_in_frame`` says where records matching some conditions are. The engines
(:mod:`greenplan.records.engines`) run the same reduction where the data are, and
:func:`greenplan.records.fuel.aggregate_fuel_records` turns the reduced table into energy and
CO₂ (``account_reduced``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "REDUCED_COLUMNS",
    "combine_reduced",
    "conditions_mask",
    "locate_in_frame",
    "reduce_frame",
]

_AGGREGATE_FIRST_MAX_CELLS = 1 << 20
_DENSE_CELLS_PER_ROW = 1
"""The in-memory reduction is one bincount over every possible (key combination) cell while
the number of cells is at most max(rows × _DENSE_CELLS_PER_ROW, _AGGREGATE_FIRST_MAX_CELLS);
above it, a hash group-by over the present combinations."""
_INT32_LIMIT = float(np.iinfo(np.int32).max)


# --- small vectorised helpers ----------------------------------------------------------------


@dataclass
class _Coded:
    """A column as integer codes (−1 = missing) and the labels the codes point to."""

    name: str
    codes: np.ndarray
    labels: Any
    """pandas Index / Categorical categories / numpy array of the distinct values."""
    categorical: pd.CategoricalDtype | None = None
    may_be_missing: bool = True
    """False for integer columns, which cannot hold missing values."""

    @property
    def size(self) -> int:
        return len(self.labels)

    def decode(self, codes: np.ndarray) -> Any:
        if self.categorical is not None:
            return pd.Categorical.from_codes(codes, dtype=self.categorical)
        labels = self.labels
        if isinstance(labels, pd.Index):
            return labels.take(codes)
        return np.asarray(labels).take(codes)


def _code(records: pd.DataFrame, name: str) -> _Coded:
    s = records[name]
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _Coded(name, s.cat.codes.to_numpy(), dtype.categories, dtype)
    if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.ArrowDtype) and len(s):
        arr = s.to_numpy()
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < max(1 << 16, 4 * len(arr)):
            small = np.empty(len(arr), dtype=np.int32)
            np.subtract(arr, lo, out=small, casting="unsafe")
            return _Coded(name, small, np.arange(lo, hi + 1, dtype=arr.dtype), may_be_missing=False)
    try:
        codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=True)
    except TypeError:  # values that do not sort together (mixed types): order of appearance
        codes, uniques = pd.factorize(s, sort=False, use_na_sentinel=True)
    return _Coded(name, np.asarray(codes), uniques)


REDUCED_COLUMNS: tuple[str, str, str] = ("__quantity", "__records", "__missing")
"""Value columns of a reduced table (after the key columns): sum of the quantities that are
present, number of records, number of records whose quantity is missing."""

_Where = Callable[[Mapping[str, Any]], str]
"""Describe where the records matching conditions are: ``where({"fuel": "原媒"})`` →
``"first at row 3; 1 row(s)"``. A condition value ``None`` means missing, a list means any
of the values."""

_Locate = Callable[[Mapping[str, Any], int], str]
"""An engine's locator: conditions and the number of matching records → description."""


def _quantity(frame: pd.DataFrame) -> np.ndarray:
    return frame["quantity"].to_numpy(dtype="float64", na_value=np.nan)


def _decode_na(col: _Coded, codes: np.ndarray) -> Any:
    """Labels of ``codes``; code −1 (missing) becomes a missing value."""
    if col.categorical is not None or not (codes < 0).any():
        return col.decode(codes)
    values = np.asarray(col.labels, dtype=object).take(np.maximum(codes, 0))
    values[codes < 0] = None
    return values


def reduce_frame(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    r"""Sum the quantity, count records and missing quantities per combination of ``keys``.

    The reduction that every engine runs where the data are (DuckDB as SQL, Dask per
    partition with this function, pandas in memory); :func:`account_reduced` then applies the
    coefficients to its result.

    Parameters
    ----------
    frame : pandas.DataFrame
        Fuel records with a numeric ``quantity`` column and the ``keys`` columns.
    keys : iterable of str
        Columns to group on. Missing values of a key form their own group (never dropped).

    Returns
    -------
    pandas.DataFrame
        One row per combination present: the ``keys`` columns, then ``__quantity`` (sum of
        the quantities present [record unit]), ``__records`` (number of records) and
        ``__missing`` (number of records whose quantity is missing).

    Notes
    -----
    .. math:: Q_k = \sum_{r \in k,\, q_r \ne \mathrm{NA}} q_r, \quad
              N_k = |k|, \quad M_k = |\{r \in k : q_r = \mathrm{NA}\}|

    Few combinations (at most max(rows, 2²⁰) possible cells): one ``np.bincount`` over a
    mixed-radix key of the integer codes; otherwise a hash group-by (``DataFrame.groupby``).

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"fuel": ["原煤", "原煤", None], "quantity": [1.0, None, 2.0]})
    >>> out = reduce_frame(recs, ["fuel"])  # missing keys first, then in sorted order
    >>> out[["__quantity", "__records", "__missing"]].to_numpy().tolist()
    [[2.0, 1.0, 0.0], [1.0, 2.0, 1.0]]
    >>> out["fuel"].isna().tolist()
    [True, False]
    """
    keys = list(keys)
    n = len(frame)
    q = _quantity(frame)
    miss = np.isnan(q)
    any_miss = bool(miss.any())
    if any_miss:
        q = np.where(miss, 0.0, q)
    coded = [_code(frame, k) for k in keys]
    sizes = [c.size + 1 for c in coded]  # slot 0 of each column: missing
    cells = float(np.prod([float(s) for s in sizes])) if sizes else 1.0
    out: dict[str, Any] = {}
    if cells <= max(n * _DENSE_CELLS_PER_ROW, _AGGREGATE_FIRST_MAX_CELLS):
        key: npt.NDArray[np.signedinteger[Any]] = np.zeros(
            n, dtype=np.int32 if cells < _INT32_LIMIT else np.int64
        )
        for c, size in zip(coded, sizes, strict=True):
            key *= size
            key += c.codes
            key += 1
        m = int(cells)
        counts = np.bincount(key, minlength=m)
        present = np.flatnonzero(counts)
        sums = np.bincount(key, weights=q, minlength=m)[present]
        missing = (
            np.bincount(key, weights=miss, minlength=m)[present]
            if any_miss
            else np.zeros(len(present))
        )
        counts = counts[present]
        del key
        rest = present
        parts = []
        for size in reversed(sizes):
            parts.append(rest % size - 1)
            rest = rest // size
        for c, codes in zip(coded, reversed(parts), strict=True):
            out[c.name] = _decode_na(c, codes.astype(np.int64))
    else:
        # Many possible cells: hash group-by over the integer codes (−1 is a code like any).
        codes_frame = pd.DataFrame({i: c.codes for i, c in enumerate(coded)})
        codes_frame["q"] = q
        codes_frame["m"] = miss
        agg = codes_frame.groupby(list(range(len(coded))), sort=False).agg(
            s=("q", "sum"), r=("q", "size"), m=("m", "sum")
        )
        sums = agg["s"].to_numpy()
        counts = agg["r"].to_numpy()
        missing = agg["m"].to_numpy()
        index = agg.index
        for i, c in enumerate(coded):
            level = index.get_level_values(i) if isinstance(index, pd.MultiIndex) else index
            out[c.name] = _decode_na(c, np.asarray(level, dtype=np.int64))
    reduced = pd.DataFrame(out) if out else pd.DataFrame(index=range(len(sums)))
    reduced["__quantity"] = np.asarray(sums, dtype="float64")
    reduced["__records"] = np.asarray(counts, dtype="int64")
    reduced["__missing"] = np.asarray(missing, dtype="int64")
    return reduced


def combine_reduced(parts: Iterable[pd.DataFrame], keys: Iterable[str]) -> pd.DataFrame:
    """Combine reduced tables of parts of the records (partitions, batches) into one.

    Examples
    --------
    >>> a = pd.DataFrame({"fuel": ["原煤"], "__quantity": [1.0], "__records": [1],
    ...                   "__missing": [0]})
    >>> combine_reduced([a, a], ["fuel"])["__records"].tolist()
    [2]
    """
    keys = list(keys)
    frames = [p for p in parts if len(p)]
    if not frames:
        empty = {k: pd.Series([], dtype=object) for k in keys}
        return pd.DataFrame({**empty, "__quantity": [], "__records": [], "__missing": []}).astype(
            {"__quantity": "float64", "__records": "int64", "__missing": "int64"}
        )
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    if not keys:
        return (
            frame[list(REDUCED_COLUMNS)]
            .sum()
            .to_frame()
            .T.astype({"__quantity": "float64", "__records": "int64", "__missing": "int64"})
        )
    for k in keys:  # categories may differ between parts: group on values
        if isinstance(frame[k].dtype, pd.CategoricalDtype):
            frame[k] = frame[k].astype(object)
    return (
        frame.groupby(keys, dropna=False, sort=False, observed=True)[list(REDUCED_COLUMNS)]
        .sum()
        .reset_index()
    )


def conditions_mask(frame: pd.DataFrame, conds: Mapping[str, Any]) -> np.ndarray:
    """Rows of ``frame`` meeting every condition (``None`` = missing, a list = any of them).

    Examples
    --------
    >>> frame = pd.DataFrame({"fuel": ["原煤", None, "焦炭"]})
    >>> conditions_mask(frame, {"fuel": ["原煤", "焦炭"]}).tolist()
    [True, False, True]
    """
    mask = np.ones(len(frame), dtype=bool)
    for name, value in conds.items():
        col = frame[name]
        if value is None:
            mask &= col.isna().to_numpy()
        elif isinstance(value, list | tuple):
            mask &= col.isin(list(value)).to_numpy()
        else:
            mask &= (col == value).fillna(False).to_numpy(dtype=bool)
    return mask


def locate_in_frame(records: pd.DataFrame) -> _Locate:
    """Locator over an in-memory DataFrame: the first matching row position (and label).

    Examples
    --------
    >>> recs = pd.DataFrame({"fuel": ["原煤", "原媒"]})
    >>> locate_in_frame(recs)({"fuel": "原媒"}, 1)
    'first at row 1; 1 row(s)'
    """

    def locate(conds: Mapping[str, Any], count: int) -> str:
        mask = conditions_mask(records, conds)
        if not mask.any():
            return f"{count} row(s)"
        pos = int(np.flatnonzero(mask)[0])
        label = records.index[pos]
        at = f"row {pos}" if label == pos else f"row {pos} (index {label!r})"
        return f"first at {at}; {count} row(s)"

    return locate

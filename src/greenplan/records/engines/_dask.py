"""Dask engine: per-partition reductions and checks, one small combine at the end.

Every partition runs the in-memory primitives (:func:`greenplan.records.reduce.reduce_frame`,
:mod:`._frame`) and returns a small table; ``compute()`` gathers those. The graph runs on the
active ``distributed.Client`` when there is one (``Client(cluster)`` makes itself the
default), otherwise on Dask's local scheduler. Files are read one Parquet row group (or one
CSV file) per partition with ``__file`` and ``__row``, so findings name file and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from greenplan.records.engines import Source, conditions_mask, file_kind
from greenplan.records.engines import _frame as F  # noqa: N812
from greenplan.records.engines._frame import FILE, ROW, Kind, Pred
from greenplan.records.reduce import combine_reduced, reduce_frame


def _read_piece(
    piece: tuple[str, int, int, str],
    columns: list[str] | None = None,
    located: bool = True,
) -> pd.DataFrame:
    path, group, first_row, kind = piece
    if kind == "parquet":
        import pyarrow.parquet as pq

        frame = pq.ParquetFile(path).read_row_group(group, columns=columns).to_pandas()
    else:
        frame = pd.read_csv(path, usecols=columns)
    return F.with_location(frame, path, first_row) if located else frame


def _pieces(files: Sequence[str]) -> list[tuple[str, int, int, str]]:
    kind = file_kind(files)
    if kind == "csv":
        return [(f, 0, 2, kind) for f in files]
    import pyarrow.parquet as pq

    pieces = []
    for f in files:
        md = pq.ParquetFile(f).metadata
        start = 1
        for g in range(md.num_row_groups):
            pieces.append((f, g, start, kind))
            start += md.row_group(g).num_rows
    return pieces


def _locate_part(part: pd.DataFrame, conds: Mapping[str, Any]) -> pd.DataFrame:
    mask = conditions_mask(part, conds)
    if not mask.any():
        return pd.DataFrame({FILE: pd.Series([], dtype=object), ROW: pd.Series([], dtype="int64")})
    i = int(np.flatnonzero(mask)[0])
    return pd.DataFrame({FILE: [str(part[FILE].iat[i])], ROW: [int(part[ROW].to_numpy()[i])]})


def _flag_part(
    part: pd.DataFrame, preds: Sequence[Pred], cap: int, partition_info: Any = None
) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    return F.flag(part, preds, cap, part=number)


def _count_part(part: pd.DataFrame, preds: Sequence[Pred]) -> pd.DataFrame:
    return pd.DataFrame({"n": [int(F.any_error(part, preds).sum())]})


def _dups_part(part: pd.DataFrame, keys: pd.DataFrame, exclude: Sequence[Pred]) -> pd.DataFrame:
    cand = part.loc[~F.any_error(part, exclude)]
    cols = list(keys.columns)
    sub = cand[[*cols, FILE, ROW, "quantity", *(["unit"] if "unit" in part else [])]]
    for c in cols:  # merge on values, whatever the partition's dtypes
        sub = sub.assign(**{c: sub[c].astype(object)})
    sub = sub.merge(keys, on=cols, how="inner")
    sub["__q"] = F.numbers(sub["quantity"])
    return sub.drop(columns="quantity")


def _with_location(
    part: pd.DataFrame, offsets: Any, label: str, partition_info: Any = None
) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    return F.with_location(part, label, int(offsets[number]) + 1)


class DaskSource(Source):
    """Records in a Dask DataFrame (given, or read from files one piece per partition)."""

    name = "dask"

    def __init__(self, obj: Any, *, label: str = "<DataFrame>") -> None:
        import dask.dataframe as dd

        self.label = label
        if isinstance(obj, list):
            self.files = list(obj)
            self._pieces = _pieces(obj)
            self.ddf = dd.from_map(_read_piece, self._pieces)
            self.located = True
            self._loc = self.ddf
        else:
            self.files = [label]
            self.ddf = obj
            self.located = False
            self._loc = None
        self.columns = [str(c) for c in self.ddf.columns if c not in (FILE, ROW)]

    def _meta(self) -> pd.DataFrame:
        return self.ddf._meta

    def kinds(self) -> dict[str, Kind]:
        meta = self._meta()
        return {c: F.kind_of(meta[c].dtype) for c in self.columns}

    def quantity_type(self) -> str | None:
        dtype = self._meta()["quantity"].dtype
        return None if F.kind_of(dtype) == "number" else str(dtype)

    def reduce(self, keys: Sequence[str]) -> pd.DataFrame:

        meta = reduce_frame(self._meta(), keys)
        columns = list(dict.fromkeys([*keys, "quantity"]))
        if self.located:  # files: read only the columns needed, without row locations
            import dask.dataframe as dd

            frame = dd.from_map(
                _read_piece,
                self._pieces,
                columns=columns,
                located=False,
                meta=self._meta()[columns],
            )
        else:
            frame = self.ddf[columns]
        parts = frame.map_partitions(reduce_frame, list(keys), meta=meta).compute()
        return combine_reduced([parts], keys)

    def located_frame(self) -> Any:
        """Return the records with ``__file`` and ``__row`` (row = global position + 1)."""
        if self._loc is None:
            lengths = self.ddf.map_partitions(len).compute()
            offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))])
            meta = F.with_location(self._meta(), self.label, 1)
            self._loc = self.ddf.map_partitions(_with_location, offsets, self.label, meta=meta)
        return self._loc

    def locate(self, conds: Mapping[str, Any], count: int) -> str:
        loc = self.located_frame()
        meta = pd.DataFrame({FILE: pd.Series([], dtype=object), ROW: pd.Series([], dtype="int64")})
        hits = loc.map_partitions(_locate_part, dict(conds), meta=meta).compute()
        if not len(hits):
            return f"{count} row(s)"
        first = hits.sort_values([FILE, ROW]).iloc[0]
        row = int(np.asarray(first[ROW]))
        if not self.located:
            return f"first at row {row - 1}; {count} row(s)"
        return f"first at {first[FILE]} row {row}; {count} row(s)"

    def n_rows(self) -> int:
        return int(self.ddf.map_partitions(len).compute().sum())

    def distinct(self, columns: Sequence[str]) -> pd.DataFrame:
        cols = list(columns)
        meta = F.distinct(self._meta(), cols)
        parts = self.ddf.map_partitions(F.distinct, cols, meta=meta).compute()
        for c in cols:
            parts[c] = parts[c].astype(object)
        return parts.groupby(cols, dropna=False, sort=False)["__n"].sum().reset_index()

    def flag(self, preds: Sequence[Pred], cap: int) -> pd.DataFrame:
        meta = F.concat_flags([])
        meta["__part"] = pd.Series([], dtype="int64")
        parts = self.located_frame().map_partitions(_flag_part, list(preds), cap, meta=meta)
        return F.merge_flags([parts.compute()], cap)

    def count_any(self, preds: Sequence[Pred]) -> int:
        meta = pd.DataFrame({"n": pd.Series([], dtype="int64")})
        return int(
            self.ddf.map_partitions(_count_part, list(preds), meta=meta).compute()["n"].sum()
        )

    def duplicates(self, key: Sequence[str], exclude: Sequence[Pred]) -> pd.DataFrame:
        key = list(key)
        meta = self._meta()[key]
        ok = self.ddf.map_partitions(F.key_candidates, key, list(exclude), meta=meta)
        sizes = ok.groupby(key, dropna=False).size(split_out=max(1, self.ddf.npartitions // 4))
        dup = sizes[sizes > 1].compute()
        if not len(dup):
            return pd.DataFrame(columns=[*key, FILE, ROW, "__q", "unit"])
        keys = dup.reset_index()[key].astype(object)
        loc = self.located_frame()
        meta = _dups_part(loc._meta, keys.iloc[:0], exclude)
        return loc.map_partitions(_dups_part, keys, list(exclude), meta=meta).compute()

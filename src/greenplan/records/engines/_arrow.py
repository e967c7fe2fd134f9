"""pyarrow engine: record batches reduced one at a time (no DuckDB needed).

The fallback for files and Arrow inputs when DuckDB is not installed. The reduction
streams (bounded memory); the record checks and the locator read the records into memory
(use DuckDB or Dask to check tables larger than memory).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from greenplan.records.engines import (
    PandasSource,
    Source,
    arrow_stream,
    file_kind,
    read_files_pandas,
    to_pandas,
)
from greenplan.records.engines._frame import Kind, Pred, kind_of
from greenplan.records.reduce import combine_reduced, reduce_frame

_BATCH_ROWS = 1 << 20
_COMBINE_EVERY = 32


class ArrowSource(Source):
    """Records read as pyarrow record batches."""

    name = "arrow"

    def __init__(self, obj: Any, *, label: str = "<DataFrame>") -> None:
        import pyarrow as pa
        import pyarrow.dataset as ds

        self.label = label
        self._obj = obj
        self._pandas: PandasSource | None = None
        if isinstance(obj, list):
            self.files = list(obj)
            fmt = "parquet" if file_kind(obj) == "parquet" else "csv"
            self._dataset = ds.dataset(obj, format=fmt)
            schema = self._dataset.schema
        else:
            self.files = [label]
            self._dataset = None
            stream = arrow_stream(obj)
            schema = stream.schema
            if isinstance(stream, pa.Table):
                self._dataset = ds.dataset(stream)
        self.schema = schema
        self.columns = list(schema.names)

    def _batches(self, columns: list[str]) -> Any:
        if self._dataset is not None:
            return self._dataset.to_batches(columns=columns, batch_size=_BATCH_ROWS)
        stream = arrow_stream(self._obj)
        return (b.select(columns) for b in stream)

    def kinds(self) -> dict[str, Kind]:
        empty = self.schema.empty_table().to_pandas()
        return {c: kind_of(empty[c].dtype) for c in self.columns}

    def quantity_type(self) -> str | None:
        k = self.kinds()["quantity"]
        return None if k == "number" else str(self.schema.field("quantity").type)

    def reduce(self, keys: Sequence[str]) -> pd.DataFrame:

        keys = list(keys)
        parts: list[pd.DataFrame] = []
        for batch in self._batches(list(dict.fromkeys([*keys, "quantity"]))):
            parts.append(reduce_frame(batch.to_pandas(), keys))
            if len(parts) >= _COMBINE_EVERY:
                parts = [combine_reduced(parts, keys)]
        return combine_reduced(parts, keys)

    def _memory(self) -> PandasSource:
        if self._pandas is None:
            if isinstance(self._obj, list):
                self._pandas = PandasSource(read_files_pandas(self._obj))
            else:
                self._pandas = PandasSource(to_pandas(self._obj), self.label)
        return self._pandas

    def locate(self, conds: Mapping[str, Any], count: int) -> str:
        return self._memory().locate(conds, count)

    def n_rows(self) -> int:
        return self._memory().n_rows()

    def distinct(self, columns: Sequence[str]) -> pd.DataFrame:
        return self._memory().distinct(columns)

    def flag(self, preds: Sequence[Pred], cap: int) -> pd.DataFrame:
        return self._memory().flag(preds, cap)

    def count_any(self, preds: Sequence[Pred]) -> int:
        return self._memory().count_any(preds)

    def duplicates(self, key: Sequence[str], exclude: Sequence[Pred]) -> pd.DataFrame:
        return self._memory().duplicates(key, exclude)

"""Engines for fuel records of any size: where the reduction and the record checks run.

:func:`open_records` turns what the user passed — a pandas DataFrame, anything exporting
Arrow (``__arrow_c_stream__``: pyarrow, Polars, DuckDB relations), a Dask DataFrame, or a
path, glob, directory or list of Parquet/CSV files — into a :class:`Source` of one of these
engines:

``pandas``
    in memory (:func:`greenplan.records.reduce.reduce_frame`);
``duckdb``
    embedded DuckDB, out of core under a memory limit (default for files and Arrow);
``dask``
    a Dask graph, per-partition reduction and checks with a final combine, on the active
    ``distributed.Client`` if there is one;
``arrow``
    pyarrow record batches reduced one at a time (the fallback for files and Arrow when
    DuckDB is not installed).

Every source offers the same operations: :meth:`Source.reduce` (sum of the quantity, count
of records and of missing quantities per key combination, missing keys kept), a locator for
messages, and the primitives of the record checks of :mod:`greenplan.records.checks`.
"""

from __future__ import annotations

import glob as _glob
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.options import hint
from greenplan.records.engines import _frame
from greenplan.records.engines._frame import FILE, ROW, Kind, Pred
from greenplan.records.reduce import (
    REDUCED_COLUMNS,
    conditions_mask,
    locate_in_frame,
    reduce_frame,
)

__all__ = [
    "ENGINES",
    "EngineError",
    "Source",
    "expand_paths",
    "is_arrow",
    "is_dask",
    "open_records",
    "statistics_sources",
    "to_pandas",
]

ENGINES = ("auto", "pandas", "duckdb", "dask", "arrow")
"""Engine names accepted by ``engine=``."""

DEFAULT_MEMORY_LIMIT = "1GB"
"""DuckDB's memory limit unless the caller sets one; DuckDB spills to disk beyond it."""

_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".txt", ".csv.gz")


class EngineError(GreenplanError, ValueError):
    """Records that no engine can read: unknown kind of input, no files, missing package."""


# --- what was passed -----------------------------------------------------------------------


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a Dask DataFrame (without importing dask)."""
    mod = type(obj).__module__
    return mod.startswith("dask") and hasattr(obj, "npartitions") and hasattr(obj, "columns")


def is_arrow(obj: Any) -> bool:
    """Whether ``obj`` exports an Arrow stream (pyarrow, Polars, DuckDB relations …)."""
    return not isinstance(obj, pd.DataFrame) and (
        hasattr(obj, "__arrow_c_stream__") or type(obj).__module__.startswith("pyarrow")
    )


def _is_pathlike(obj: Any) -> bool:
    return isinstance(obj, str | os.PathLike) or (
        isinstance(obj, list | tuple)
        and bool(obj)
        and all(isinstance(o, str | os.PathLike) for o in obj)
    )


def expand_paths(obj: Any) -> list[str]:
    """Files named by a path, glob, directory or list of them, sorted, deduplicated.

    Raises
    ------
    EngineError
        Nothing matches, or the files are neither all Parquet nor all CSV.

    Examples
    --------
    >>> expand_paths("/nonexistent/*.parquet")
    Traceback (most recent call last):
    ...
    greenplan.records.engines.EngineError: No Parquet or CSV file matches '/nonexistent/*.parquet'.
    """
    items = [obj] if isinstance(obj, str | os.PathLike) else list(obj)
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        if os.path.isdir(text):
            found = [
                str(p)
                for p in sorted(Path(text).rglob("*"))
                if p.is_file() and str(p).lower().endswith(_PARQUET + _CSV)
            ]
        elif any(ch in text for ch in "*?["):
            found = sorted(_glob.glob(text, recursive=True))
        else:
            found = [text] if os.path.exists(text) else []
        if not found:
            raise EngineError(msg("records.no_file_matches", pattern=repr(text)))
        files.extend(found)
    files = sorted(dict.fromkeys(files))
    kinds = {_file_kind(f) for f in files}
    if len(kinds) > 1:
        raise EngineError(msg("records.mixed_files", files=list(files[:4])))
    return files


def _file_kind(path: str) -> str:
    low = path.lower()
    if low.endswith(_PARQUET):
        return "parquet"
    if low.endswith(_CSV):
        return "csv"
    raise EngineError(msg("records.bad_file_kind", path=repr(path)))


def file_kind(files: Sequence[str]) -> str:
    """``parquet`` or ``csv`` (the files are all of one kind, see :func:`expand_paths`)."""
    return _file_kind(files[0])


def _need(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise EngineError(msg("records.needs_package", module=repr(module), extra=extra)) from None


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def arrow_stream(obj: Any) -> Any:
    """``obj`` as a pyarrow Table or RecordBatchReader (no copy for pyarrow objects)."""
    pa = _need("pyarrow", "parquet")
    if isinstance(obj, pa.Table | pa.RecordBatchReader):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    if hasattr(obj, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(obj)
    raise EngineError(msg("records.not_arrow", type=type(obj).__name__))


# --- sources -------------------------------------------------------------------------------


class Source(ABC):
    """Records held by one engine.

    Attributes
    ----------
    name : str
        Engine name (``pandas``, ``duckdb``, ``dask``, ``arrow``).
    columns : list of str
        Column names.
    files : list of str
        File names (or one label such as ``<DataFrame #1>``) in row order.
    """

    name = "base"
    columns: list[str]
    files: list[str]

    @abstractmethod
    def kinds(self) -> dict[str, Kind]:
        """Return ``number``, ``text`` or ``other`` per column."""

    @abstractmethod
    def quantity_type(self) -> str | None:
        """None when ``quantity`` is numeric, else its type (for the error message)."""

    @abstractmethod
    def reduce(self, keys: Sequence[str]) -> pd.DataFrame:
        """Sum, records and missing quantities per key combination (see ``reduce_frame``)."""

    def locate(self, conds: Mapping[str, Any], count: int) -> str:
        """Where the first record matching ``conds`` is: ``"first at …; N row(s)"``."""
        return f"{count} row(s)"

    # record checks
    @abstractmethod
    def n_rows(self) -> int:
        """Return the number of records."""

    @abstractmethod
    def distinct(self, columns: Sequence[str]) -> pd.DataFrame:
        """Distinct combinations of ``columns`` with their count ``__n`` (nulls kept)."""

    @abstractmethod
    def flag(self, preds: Sequence[Pred], cap: int) -> pd.DataFrame:
        """First ``cap`` rows per (condition, file) and the totals (see ``_frame.flag``)."""

    @abstractmethod
    def count_any(self, preds: Sequence[Pred]) -> int:
        """Count the records matching at least one condition."""

    @abstractmethod
    def duplicates(self, key: Sequence[str], exclude: Sequence[Pred]) -> pd.DataFrame:
        """Return the records matching no ``exclude`` whose ``key`` occurs more than once."""

    def close(self) -> None:  # noqa: B027 - engines without resources need not override it
        """Release the engine's resources (nothing to release by default)."""


class PandasSource(Source):
    """Records in one pandas DataFrame.

    With ``__file``/``__row`` columns when read from files, otherwise labelled ``label`` and
    numbered from 1.
    """

    name = "pandas"

    def __init__(self, frame: pd.DataFrame, label: str = "<DataFrame>") -> None:
        self.frame = frame
        self.located = FILE in frame.columns
        self.columns = [c for c in frame.columns if c not in (FILE, ROW)]
        self.files = list(dict.fromkeys(frame[FILE])) if self.located else [label]
        self.label = label

    def kinds(self) -> dict[str, Kind]:
        return {c: _frame.kind_of(self.frame[c].dtype) for c in self.columns}

    def quantity_type(self) -> str | None:
        dtype = self.frame["quantity"].dtype
        return None if _frame.kind_of(dtype) == "number" else str(dtype)

    def reduce(self, keys: Sequence[str]) -> pd.DataFrame:

        return reduce_frame(self.frame, keys)

    def locate(self, conds: Mapping[str, Any], count: int) -> str:
        if self.located:
            mask = conditions_mask(self.frame, conds)
            if not mask.any():
                return f"{count} row(s)"
            i = int(np.flatnonzero(mask)[0])
            return (
                f"first at {self.frame[FILE].iat[i]} row {self.frame[ROW].iat[i]}; {count} row(s)"
            )

        return locate_in_frame(self.frame)(conds, count)

    def n_rows(self) -> int:
        return len(self.frame)

    def distinct(self, columns: Sequence[str]) -> pd.DataFrame:
        return _frame.distinct(self.frame, columns)

    def _rows(self) -> np.ndarray:
        if self.located:
            return self.frame[ROW].to_numpy()
        return np.arange(1, len(self.frame) + 1, dtype=np.int64)

    def flag(self, preds: Sequence[Pred], cap: int) -> pd.DataFrame:
        file = None if self.located else self.label
        return _frame.flag(self.frame, preds, cap, file, self._rows())

    def count_any(self, preds: Sequence[Pred]) -> int:
        return int(_frame.any_error(self.frame, preds).sum())

    def duplicates(self, key: Sequence[str], exclude: Sequence[Pred]) -> pd.DataFrame:
        frame = self.frame if self.located else _frame.with_location(self.frame, self.label, 1)
        return _frame.duplicate_candidates(frame, key, exclude)


def read_files_pandas(files: Sequence[str]) -> pd.DataFrame:
    """Read Parquet or CSV files into one DataFrame with ``__file`` and ``__row``."""
    kind = file_kind(files)
    frames = []
    for f in files:
        if kind == "parquet":
            pq = _need("pyarrow.parquet", "parquet")
            frame = pq.read_table(f).to_pandas()
            first = 1
        else:
            frame = pd.read_csv(f)
            first = 2
        frames.append(_frame.with_location(frame, f, first))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def to_pandas(obj: Any) -> pd.DataFrame:
    """Any supported table (Arrow, Dask, files) as one pandas DataFrame, in memory.

    For small tables such as statistics (region × year × variable) that the in-memory
    readers handle; use the engines for records.
    """
    if isinstance(obj, pd.DataFrame):
        return obj
    if is_dask(obj):
        return obj.compute()
    if is_arrow(obj):
        stream = arrow_stream(obj)
        table = stream if hasattr(stream, "to_pandas") else stream.read_all()
        return table.to_pandas()
    if _is_pathlike(obj):
        return read_files_pandas(expand_paths(obj)).drop(columns=[FILE, ROW])
    raise EngineError(msg("records.not_a_table", type=type(obj).__name__))


def open_records(
    obj: Any,
    engine: str = "auto",
    *,
    memory_limit: str | None = None,
    label: str = "<DataFrame>",
) -> Source:
    """Open fuel records with the engine that should process them.

    Parameters
    ----------
    obj : DataFrame, Arrow table/stream, Dask DataFrame, path, glob, directory or list
        The records.
    engine : {"auto", "pandas", "duckdb", "dask", "arrow"}
        ``auto``: pandas for pandas, Dask for Dask, DuckDB (else pyarrow) for files and
        Arrow.
    memory_limit : str, optional
        DuckDB memory limit (default :data:`DEFAULT_MEMORY_LIMIT`).
    label : str
        Name of an in-memory table in findings (``<DataFrame #1>``).

    Raises
    ------
    EngineError
        An unknown engine, an input of an unsupported type, no files, a missing package.
    """
    if engine not in ENGINES:
        raise EngineError(
            msg(
                "records.unknown_engine",
                engine=repr(engine),
                hint=hint(engine, ENGINES),
                known=list(ENGINES),
            )
        )
    if isinstance(obj, pd.DataFrame):
        kind = "pandas"
    elif is_dask(obj):
        kind = "dask"
    elif is_arrow(obj):
        kind = "arrow"
    elif _is_pathlike(obj):
        kind = "files"
    else:
        raise EngineError(msg("records.bad_records_type", type=type(obj).__name__))
    if engine == "auto":
        engine = {"pandas": "pandas", "dask": "dask"}.get(kind) or (
            "duckdb" if _has("duckdb") else "arrow"
        )
    files = expand_paths(obj) if kind == "files" else None

    if engine == "pandas":
        if kind == "pandas":
            return PandasSource(obj, label)
        if files is not None:
            return PandasSource(read_files_pandas(files))
        return PandasSource(to_pandas(obj), label)
    if engine == "duckdb":
        _need("duckdb", "duckdb")
        from greenplan.records.engines._duckdb import DuckDBSource

        if kind == "dask":
            raise EngineError(msg("records.dask_engine"))
        return DuckDBSource(
            files if files is not None else obj,
            memory_limit=memory_limit or DEFAULT_MEMORY_LIMIT,
            label=label,
        )
    if engine == "dask":
        _need("dask.dataframe", "dask")
        from greenplan.records.engines._dask import DaskSource

        return DaskSource(files if files is not None else obj, label=label)
    # arrow
    _need("pyarrow", "parquet")
    from greenplan.records.engines._arrow import ArrowSource

    if kind == "dask":
        raise EngineError(msg("records.dask_engine"))
    return ArrowSource(files if files is not None else obj, label=label)


def reduced_keys(keys: Iterable[str]) -> list[str]:
    """Return the key columns followed by the reduced value columns."""
    return [*keys, *REDUCED_COLUMNS]


def statistics_sources(sources: Sequence[Any]) -> list[Any]:
    """Prepare sources for the statistics readers: Arrow, Dask → pandas; globs → files.

    Statistics tables are small (region × year × variable), so they are read into memory:
    an Arrow table or stream (pyarrow, Polars, DuckDB relation) is converted with pyarrow, a
    Dask DataFrame is computed, and a glob (``"data/*.parquet"``) becomes its files, sorted.
    Everything else is passed through unchanged.

    Examples
    --------
    >>> statistics_sources(["a.csv"])
    ['a.csv']
    """
    out: list[Any] = []
    for s in sources:
        if is_dask(s) or is_arrow(s):
            out.append(to_pandas(s))
        elif isinstance(s, str) and any(ch in s for ch in "*?["):
            found = sorted(_glob.glob(s, recursive=True))
            out.extend(found if found else [s])
        else:
            out.append(s)
    return out

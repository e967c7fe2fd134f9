"""DuckDB engine: the reduction and the record checks as SQL, out of core.

Files are scanned by DuckDB itself (``read_parquet`` / ``read_csv``); Arrow inputs are
registered without copying. The connection is private to the source, with a memory limit;
DuckDB spills hash tables to its temporary directory beyond it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from greenplan.messages import msg
from greenplan.records.engines import EngineError, Source, arrow_stream, file_kind
from greenplan.records.engines._frame import FILE, NUMBER_PATTERN, ROW, Kind, Pred, concat_flags

_NUMERIC = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL",
)  # fmt: skip


def q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value: Any) -> str:
    """Return an SQL literal for a value read back from the same column."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _schemas_differ(files: Sequence[str]) -> bool:
    """Whether the Parquet files' column names differ (read from the footers only)."""
    import pyarrow.parquet as pq

    first = None
    for f in files:
        names = pq.read_schema(f).names
        if first is None:
            first = names
        elif names != first:
            return True
    return False


def _kind(sql_type: str) -> Kind:
    t = sql_type.upper()
    if t.startswith(_NUMERIC) or t.startswith("DECIMAL"):
        return "number"
    if t.startswith(("VARCHAR", "ENUM")):
        return "text"
    return "other"


class DuckDBSource(Source):
    """Records scanned by an embedded DuckDB connection."""

    name = "duckdb"

    def __init__(self, obj: Any, *, memory_limit: str, label: str = "<DataFrame>") -> None:
        import duckdb

        self.con = duckdb.connect(
            config={"memory_limit": memory_limit, "preserve_insertion_order": False}
        )
        self.label = label
        self._arrow: Any = None
        self._counts: dict[tuple[Pred, ...], list[int]] = {}
        if isinstance(obj, list):
            self.files = list(obj)
            self.in_memory = False
            listing = "[" + ", ".join(lit(f) for f in obj) + "]"
            if file_kind(obj) == "parquet":
                # columns by name when the files differ (slower scan), else as written
                union = "union_by_name = true, " if _schemas_differ(obj) else ""
                self.src = f"read_parquet({listing}{', union_by_name = true' if union else ''})"
                self.loc = (
                    "(SELECT * EXCLUDE (filename, file_row_number), filename AS __file, "
                    f"file_row_number + 1 AS __row FROM read_parquet({listing}, {union}"
                    "filename = true, file_row_number = true))"
                )
            else:
                self.src = f"read_csv({listing}, union_by_name = true)"
                # row numbers follow the file (header = line 1): read each file in order
                parts = [
                    f"SELECT *, {lit(f)} AS __file, CAST(row_number() OVER () + 1 AS BIGINT) "
                    f"AS __row FROM read_csv({lit(f)})"
                    for f in obj
                ]
                self.loc = "(" + " UNION ALL BY NAME ".join(parts) + ")"
                self._csv = True
        else:
            self.files = [label]
            self.in_memory = True
            self._obj = obj
            self._fresh()
            self.src = "__records"
            self.loc = ""  # built on demand: needs a re-scannable table with row numbers
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {self.src}").fetchall()
        except duckdb.Error as exc:
            raise EngineError(msg("records.duckdb_cannot_read", error=str(exc))) from None
        self._types = {str(r[0]): str(r[1]) for r in described}
        self.columns = list(self._types)

    # --- helpers ---------------------------------------------------------------------------

    def _fresh(self) -> None:
        """(Re-)register the Arrow input: a Table, or a new stream from the exporter."""
        stream = arrow_stream(self._obj)
        self.one_shot = stream is self._obj and not hasattr(stream, "num_rows")
        self._arrow = stream
        self.con.register("__records", stream)

    def _located(self) -> str:
        """Return a relation with ``__file`` and ``__row`` (materialises Arrow once)."""
        if self.loc:
            return self.loc
        import pyarrow as pa

        table = self._arrow
        if not isinstance(table, pa.Table):
            table = arrow_stream(self._obj)
            table = table if isinstance(table, pa.Table) else table.read_all()
        table = table.append_column(ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
        self.con.unregister("__records")
        self.con.register("__records_loc", table)
        self._arrow = table
        self.src = "(SELECT * EXCLUDE (__row) FROM __records_loc)"
        self.loc = f"(SELECT *, {lit(self.label)} AS __file FROM __records_loc)"
        return self.loc

    def _sql(self, sql: str) -> pd.DataFrame:
        import duckdb

        try:
            return self.con.execute(sql).df()
        except duckdb.Error as exc:
            raise EngineError(msg("records.duckdb_failed", error=str(exc))) from None

    def kinds(self) -> dict[str, Kind]:
        return {c: _kind(t) for c, t in self._types.items()}

    def quantity_type(self) -> str | None:
        t = self._types["quantity"]
        return None if _kind(t) == "number" else t

    def _missing(self, column: str) -> str:
        c, t = q(column), self._types[column].upper()
        if _kind(t) == "text":
            return f"({c} IS NULL OR trim({c}, ' ') = '')"
        if t.startswith(("FLOAT", "DOUBLE", "REAL")):
            return f"({c} IS NULL OR isnan({c}))"
        return f"({c} IS NULL)"

    def _number(self, column: str) -> str:
        c = q(column)
        if _kind(self._types[column]) == "number":
            return f"CAST({c} AS DOUBLE)"
        pattern = lit(NUMBER_PATTERN)
        return (
            f"(CASE WHEN regexp_full_match({c}, {pattern}) "
            f"THEN TRY_CAST(trim({c}, ' ') AS DOUBLE) END)"
        )

    def pred_sql(self, pred: Pred) -> str:
        """Return the condition as SQL (never NULL)."""
        c = q(pred.column)
        kind = _kind(self._types[pred.column])
        if pred.kind == "missing":
            sql = self._missing(pred.column)
        elif pred.kind == "non_numeric":
            if kind == "number":
                return "FALSE"
            sql = (
                f"(NOT {self._missing(pred.column)} AND "
                f"NOT regexp_full_match({c}, {lit(NUMBER_PATTERN)}))"
            )
        elif pred.kind == "negative":
            sql = f"({self._number(pred.column)} < 0)"
        elif pred.kind == "in":
            if not pred.values:
                return "FALSE"
            sql = f"({c} IN ({', '.join(lit(v) for v in pred.values)}))"
        elif pred.kind == "pair_in":
            by_first: dict[Any, list[Any]] = {}
            for a, b in pred.values:
                by_first.setdefault(a, []).append(b)
            if not by_first:
                return "FALSE"
            sql = (
                "("
                + " OR ".join(
                    f"({c} = {lit(a)} AND {q(pred.other)} IN ({', '.join(lit(b) for b in bs)}))"
                    for a, bs in by_first.items()
                )
                + ")"
            )
        else:  # pragma: no cover
            raise ValueError(pred.kind)
        return f"coalesce({sql}, FALSE)"

    # --- aggregation -------------------------------------------------------------------------

    def reduce(self, keys: Sequence[str]) -> pd.DataFrame:
        cols = ", ".join(q(k) for k in keys)
        qty = "CAST(quantity AS DOUBLE)"
        sql = (
            f"SELECT {cols}, sum({qty}) AS __quantity, count(*) AS __records, "
            f"count(*) - count(quantity) AS __missing FROM {self.src} GROUP BY ALL"
        )
        floating = self._types["quantity"].upper().startswith(("FLOAT", "DOUBLE", "REAL"))
        out = None if (self.in_memory and floating) else self._sql(sql)
        if out is None or np.isnan(out["__quantity"].to_numpy(dtype="float64")).any():
            # NaN (not NULL) quantities, e.g. from Polars: count them as missing too
            if self.in_memory and out is not None:
                self._fresh()
            sql = (
                f"SELECT {cols}, coalesce(sum({qty}) FILTER (WHERE NOT isnan({qty})), 0) "
                f"AS __quantity, count(*) AS __records, count(*) FILTER (WHERE quantity IS "
                f"NULL OR isnan({qty})) AS __missing FROM {self.src} GROUP BY ALL"
            )
            out = self._sql(sql)
        out["__quantity"] = out["__quantity"].fillna(0.0).astype("float64")
        out["__records"] = out["__records"].astype("int64")
        out["__missing"] = out["__missing"].astype("int64")
        return out

    def locate(self, conds: Mapping[str, Any], count: int) -> str:
        where = []
        for name, value in conds.items():
            c = q(name)
            if value is None:
                where.append(self._missing(name) if name == "quantity" else f"{c} IS NULL")
            elif isinstance(value, list | tuple):
                where.append(f"{c} IN ({', '.join(lit(v) for v in value)})")
            else:
                where.append(f"{c} = {lit(value)}")
        loc = self._located()
        first = self._sql(
            f"SELECT __file, __row FROM {loc} WHERE {' AND '.join(where)} "
            "ORDER BY __file, __row LIMIT 1"
        )
        if not len(first):
            return f"{count} row(s)"
        row = int(first["__row"].to_numpy()[0])
        if self.in_memory:  # as for a pandas DataFrame: the position
            return f"first at row {row - 1}; {count} row(s)"
        return f"first at {first['__file'].iat[0]} row {row}; {count} row(s)"

    # --- checks ------------------------------------------------------------------------------

    def n_rows(self) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {self.src}").fetchone()[0])  # type: ignore[index]

    def distinct(self, columns: Sequence[str]) -> pd.DataFrame:
        cols = ", ".join(q(c) for c in columns)
        return self._sql(f"SELECT {cols}, count(*) AS __n FROM {self.src} GROUP BY ALL")

    def _pred_counts(self, preds: Sequence[Pred]) -> list[int]:
        """Rows matching each condition, and (last) rows matching any, in one scan."""
        key = tuple(preds)
        if key not in self._counts:
            if not preds:
                return [0]
            sqls = [self.pred_sql(p) for p in preds]
            parts = [f"count(*) FILTER (WHERE {s})" for s in sqls]
            parts.append(f"count(*) FILTER (WHERE {' OR '.join(sqls)})")
            row = self.con.execute(f"SELECT {', '.join(parts)} FROM {self.src}").fetchone()
            self._counts[key] = [int(v) for v in row]  # type: ignore[union-attr]
        return self._counts[key]

    def flag(self, preds: Sequence[Pred], cap: int) -> pd.DataFrame:
        counts = self._pred_counts(preds)
        loc = self._located() if any(counts[:-1]) else ""
        out = []
        for i, (pred, n) in enumerate(zip(preds, counts, strict=False)):
            if not n:
                continue
            frame = self._sql(
                f"SELECT {i} AS pred, __file, __row, {q(pred.column)} AS value, "
                f"count(*) OVER (PARTITION BY __file) AS total FROM {loc} "
                f"WHERE {self.pred_sql(pred)} "
                f"QUALIFY row_number() OVER (PARTITION BY __file ORDER BY __row) <= {int(cap)}"
            )
            frame["value"] = [_py(v) for v in frame["value"].astype(object)]
            out.append(frame)
        flags = concat_flags(out)
        flags[ROW] = flags[ROW].astype("int64")
        flags["total"] = flags["total"].astype("int64")
        return flags.sort_values(["pred", FILE, ROW], kind="stable").reset_index(drop=True)

    def count_any(self, preds: Sequence[Pred]) -> int:
        return self._pred_counts(preds)[-1]

    def duplicates(self, key: Sequence[str], exclude: Sequence[Pred]) -> pd.DataFrame:
        loc = self._located()
        bad = " OR ".join(self.pred_sql(p) for p in exclude) or "FALSE"
        cols = ", ".join(q(k) for k in key)
        unit = ", unit" if "unit" in self._types else ""
        on = " AND ".join(f"ok.{q(k)} IS NOT DISTINCT FROM d.{q(k)}" for k in key)
        sql = (
            f"WITH ok AS (SELECT {cols}, __file, __row, {self._number('quantity')} AS __q{unit} "
            f"FROM {loc} WHERE NOT ({bad})), "
            f"d AS (SELECT {cols} FROM ok GROUP BY ALL HAVING count(*) > 1) "
            f"SELECT ok.* FROM ok SEMI JOIN d ON {on}"
        )
        return self._sql(sql)

    def close(self) -> None:
        self.con.close()


def _py(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v

"""The submission store: every submission, the accepted observations, history, tokens.

One store interface, two databases:

* **DuckDB** (default): one file, created on first use. Only one process can open it, so the
  service runs one worker process (with threads) against it.
* **PostgreSQL**, given as a URL (``postgresql://user@host/db``), through SQLAlchemy 2 and
  psycopg 3 (``pip install "greenplan[postgres]"``): several worker processes share it.

What is kept: every submission (id, department or district, the token name that sent it, the
UTC time, the original file's name, size and SHA-256, the validation report, accepted or
rejected) and, for accepted submissions only, their observations with provenance (source and
note columns, file, sheet and row). Nothing is ever updated or deleted: the **current** value
of (region, year, variable) is the value of the latest accepted submission that has it, and
the value **as of** a time is the value of the latest accepted submission received at or before
that time. A rejected submission is recorded (with its findings) and changes no value.

Each submission is written in one transaction: a crash part-way leaves the store as it was.
The schema is versioned (:data:`MIGRATIONS`); opening a store applies the migrations it lacks
and refuses a store written by a newer greenplan.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.schema import CANONICAL_COLUMNS
from greenplan.service.access import ROLES, AccessError, TokenInfo, hash_token, new_token, utcnow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "FAULT_PAUSE_ENV",
    "MIGRATIONS",
    "OBSERVATION_COLUMNS",
    "Migration",
    "NewSubmission",
    "Store",
    "StoreError",
    "SubmissionRecord",
    "open_store",
]

DB_ENV = "GREENPLAN_DB"
"""Environment variable naming the store (a DuckDB file path or a PostgreSQL URL)."""

DEFAULT_DB = "greenplan.duckdb"
"""The store used when neither ``--db`` nor ``GREENPLAN_DB`` names one (in the working
directory)."""

FAULT_PAUSE_ENV = "GREENPLAN_FAULT_PAUSE_BEFORE_COMMIT"
"""Fault injection for tests: seconds to wait inside a submission's transaction, after its rows
are written and before the commit (a line on stderr says when the pause starts). Unset in
production."""

OBSERVATION_COLUMNS = tuple(CANONICAL_COLUMNS)
"""Columns of an accepted observation as given to :meth:`Store.record_submission` (the
canonical table of :func:`greenplan.read_statistics`)."""


class StoreError(GreenplanError):
    """The store cannot be opened or used (bad URL, newer schema, missing driver)."""


@dataclass(frozen=True)
class Migration:
    """One version of the schema: statements for every database, then per-dialect ones."""

    version: int
    description: str
    statements: tuple[str, ...]
    duckdb: tuple[str, ...] = ()
    postgresql: tuple[str, ...] = ()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "submissions, observations and tokens",
        (
            "CREATE SEQUENCE submission_id_seq START 1",
            """CREATE TABLE submissions (
                id BIGINT PRIMARY KEY,
                received_at TIMESTAMP NOT NULL,
                department TEXT NOT NULL,
                submitted_by TEXT NOT NULL,
                regions TEXT NOT NULL,
                file_name TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                file_size BIGINT NOT NULL,
                kind TEXT NOT NULL,
                accepted BOOLEAN NOT NULL,
                rows_read INTEGER NOT NULL,
                rows_accepted INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                warnings INTEGER NOT NULL,
                report TEXT NOT NULL
            )""",
            """CREATE TABLE observations (
                submission_id BIGINT NOT NULL REFERENCES submissions (id),
                region TEXT NOT NULL,
                year INTEGER NOT NULL,
                variable TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                unit TEXT NOT NULL,
                source TEXT NOT NULL,
                note TEXT NOT NULL,
                source_file TEXT NOT NULL,
                source_sheet TEXT NOT NULL,
                source_row INTEGER NOT NULL
            )""",
            """CREATE TABLE tokens (
                name TEXT PRIMARY KEY,
                token_sha256 TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                regions TEXT NOT NULL,
                variables TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP
            )""",
        ),
        postgresql=(
            "CREATE INDEX observations_key ON observations (region, year, variable)",
            "CREATE INDEX observations_submission ON observations (submission_id)",
        ),
    ),
)
"""The schema, version by version. Append a migration to change it; never edit a shipped one."""

_SCHEMA_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL
)"""


@dataclass(frozen=True)
class NewSubmission:
    """What :meth:`Store.record_submission` records about one submission."""

    department: str
    submitted_by: str
    file_name: str
    file_sha256: str
    file_size: int
    kind: str
    """``file`` (an uploaded file) or ``rows`` (JSON rows)."""
    accepted: bool
    rows_read: int
    rows_accepted: int
    errors: int
    warnings: int
    report: Mapping[str, Any]
    """The validation report (``summary`` and ``findings``), JSON-ready."""
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionRecord:
    """A submission as stored."""

    id: int
    received_at: datetime
    department: str
    submitted_by: str
    regions: tuple[str, ...]
    file_name: str
    file_sha256: str
    file_size: int
    kind: str
    accepted: bool
    rows_read: int
    rows_accepted: int
    errors: int
    warnings: int
    report: Mapping[str, Any] | None = field(default=None, compare=False)


class _Tx(Protocol):
    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (empty for statements without)."""

    def insert_frame(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        """Append the frame's columns (in order) to ``table``'s ``columns``."""


_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")


class _DuckDB:
    """DuckDB backend: one database, a cursor per thread, one writer at a time."""

    dialect = "duckdb"

    def __init__(self, path: Path) -> None:
        try:
            import duckdb
        except ModuleNotFoundError as exc:  # pragma: no cover - the extra is missing
            raise StoreError(msg("service.store.needs_service")) from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = duckdb.connect(str(path))
        except duckdb.Error as exc:
            hint = msg("service.store.locked") if "lock" in str(exc).lower() else ""
            cannot = msg("service.store.cannot_open", path=str(path), error=str(exc), hint=hint)
            raise StoreError(cannot) from exc
        self._local = threading.local()
        self._write = threading.Lock()
        self.where = str(path)

    def _cursor(self) -> Any:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._db.cursor()
            self._local.cursor = cur
        return cur

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        cur = self._cursor()
        cur.execute(_PARAM.sub(r"$\1", sql), dict(params or {}))
        return list(cur.fetchall())

    def query_frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        cur = self._cursor()
        cur.execute(_PARAM.sub(r"$\1", sql), dict(params or {}))
        return cur.df()

    @contextmanager
    def transaction(self, lock: bool = True) -> Iterator[_Tx]:
        cur = self._cursor()
        with self._write:
            cur.begin()
            try:
                yield _DuckTx(cur)
            except BaseException:
                cur.rollback()
                raise
            cur.commit()

    def close(self) -> None:
        self._db.close()


class _DuckTx:
    def __init__(self, cur: Any) -> None:
        self._cur = cur

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self._cur.execute(_PARAM.sub(r"$\1", sql), dict(params or {}))
        try:
            return list(self._cur.fetchall())
        except Exception:  # statements without a result set
            return []

    def insert_frame(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        name = f"_incoming_{threading.get_ident()}"
        self._cur.register(name, frame)
        try:
            self._cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM {name}")
        finally:
            self._cur.unregister(name)


class _Postgres:
    """PostgreSQL backend through SQLAlchemy 2 and psycopg 3."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import sqlalchemy
        except ModuleNotFoundError as exc:
            raise StoreError(msg("service.store.needs_postgres")) from exc
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        try:
            self._engine = sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=8)
            with self._engine.connect() as conn:
                conn.execute(sqlalchemy.text("SELECT 1"))
        except ModuleNotFoundError as exc:
            raise StoreError(msg("service.store.needs_psycopg")) from exc
        except sqlalchemy.exc.SQLAlchemyError as exc:
            failed = msg(
                "service.store.cannot_connect",
                kind=exc.__class__.__name__,
                error=str(exc).splitlines()[0],
            )
            raise StoreError(failed) from exc
        self._text = sqlalchemy.text
        self.where = self._engine.url.render_as_string(hide_password=True)

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._engine.connect() as conn:
            result = conn.execute(self._text(sql), dict(params or {}))
            return [tuple(r) for r in result] if result.returns_rows else []

    def query_frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        import pandas as pd

        with self._engine.connect() as conn:
            result = conn.execute(self._text(sql), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    @contextmanager
    def transaction(self, lock: bool = True) -> Iterator[_Tx]:
        with self._engine.begin() as conn:
            if lock:  # one migration at a time across worker processes
                conn.execute(self._text("SELECT pg_advisory_xact_lock(7331)"))
            yield _PgTx(conn, self._text)

    def close(self) -> None:
        self._engine.dispose()


class _PgTx:
    def __init__(self, conn: Any, text: Any) -> None:
        self._conn, self._text = conn, text

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        result = self._conn.execute(self._text(sql), dict(params or {}))
        return [tuple(r) for r in result] if result.returns_rows else []

    def insert_frame(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        names = [f"c{i}" for i in range(len(columns))]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + n for n in names)})"
        )
        rows = [dict(zip(names, r, strict=True)) for r in frame.itertuples(index=False)]
        self._conn.execute(self._text(sql), rows)


_SUBMISSION_COLUMNS = (
    "id, received_at, department, submitted_by, regions, file_name, file_sha256, file_size, "
    "kind, accepted, rows_read, rows_accepted, errors, warnings"
)


class Store:
    """The submission store (DuckDB file or PostgreSQL database); see the module docstring.

    Open one with :func:`open_store`. Methods are safe to call from several threads.
    """

    def __init__(self, backend: _DuckDB | _Postgres) -> None:
        self._b = backend
        self.dialect: str = backend.dialect
        self.where: str = backend.where
        self._migrate()
        # a DuckDB file is open in this process only: its version is kept here, not queried
        self._local_version: int | None = None
        if self.dialect == "duckdb":
            self._local_version = self._count_accepted()
        self._version_lock = threading.Lock()

    # --- schema --------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._b.transaction() as tx:
            tx.execute(_SCHEMA_TABLE)
        known = max(m.version for m in MIGRATIONS)
        current = self.schema_version()
        if current > known:
            raise StoreError(
                msg("service.store.newer_schema", where=self.where, current=current, known=known)
            )
        for m in MIGRATIONS:
            if m.version <= current:
                continue
            with self._b.transaction() as tx:
                done = tx.execute(
                    "SELECT count(*) FROM schema_migrations WHERE version = :v", {"v": m.version}
                )
                if done[0][0]:
                    continue  # another process applied it meanwhile
                for sql in (*m.statements, *getattr(m, self.dialect)):
                    tx.execute(sql)
                tx.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) "
                    "VALUES (:v, :d, :t)",
                    {"v": m.version, "d": m.description, "t": utcnow()},
                )

    def schema_version(self) -> int:
        """Return the version of the store's schema (the last migration applied)."""
        rows = self._b.query("SELECT coalesce(max(version), 0) FROM schema_migrations")
        return int(rows[0][0])

    def close(self) -> None:
        """Close the database (the DuckDB file is then free for another process)."""
        self._b.close()

    # --- tokens --------------------------------------------------------------------------

    def add_token(
        self,
        name: str,
        role: str,
        regions: Sequence[str] = (),
        variables: Sequence[str] = (),
        expires_at: datetime | None = None,
    ) -> str:
        """Create a token; return it (the only time it is seen: the store keeps its hash).

        ``regions`` and ``variables`` are codes (see :mod:`greenplan.service.access` to
        resolve names); empty means any.

        Raises
        ------
        AccessError
            An empty name, an unknown role, or a name already used.
        """
        name = name.strip()
        if not name:
            raise AccessError(msg("service.token_needs_name"))
        if role not in ROLES:
            raise AccessError(msg("service.bad_role", role=repr(role), roles=list(ROLES)))
        token = new_token()
        with self._b.transaction() as tx:
            taken = tx.execute("SELECT count(*) FROM tokens WHERE name = :n", {"n": name})
            if taken[0][0]:
                raise AccessError(msg("service.token_exists", name=repr(name)))
            tx.execute(
                "INSERT INTO tokens (name, token_sha256, role, regions, variables, created_at, "
                "expires_at) VALUES (:n, :h, :r, :rg, :v, :c, :e)",
                {
                    "n": name,
                    "h": hash_token(token),
                    "r": role,
                    "rg": json.dumps(list(regions), ensure_ascii=False),
                    "v": json.dumps(list(variables), ensure_ascii=False),
                    "c": utcnow(),
                    "e": expires_at,
                },
            )
        return token

    def token_info(self, token: str) -> TokenInfo | None:
        """Return the token's record (revoked or expired too), or None for an unknown token."""
        rows = self._b.query(
            "SELECT name, role, regions, variables, created_at, expires_at, revoked_at "
            "FROM tokens WHERE token_sha256 = :h",
            {"h": hash_token(token)},
        )
        return _token(rows[0]) if rows else None

    def tokens(self) -> list[TokenInfo]:
        """Every token, by name."""
        rows = self._b.query(
            "SELECT name, role, regions, variables, created_at, expires_at, revoked_at "
            "FROM tokens ORDER BY name"
        )
        return [_token(r) for r in rows]

    def revoke_token(self, name: str) -> bool:
        """Revoke the token ``name``; return False when there is no such active token."""
        with self._b.transaction() as tx:
            rows = tx.execute(
                "SELECT count(*) FROM tokens WHERE name = :n AND revoked_at IS NULL", {"n": name}
            )
            if not rows[0][0]:
                return False
            tx.execute(
                "UPDATE tokens SET revoked_at = :t WHERE name = :n", {"t": utcnow(), "n": name}
            )
        return True

    # --- submissions ---------------------------------------------------------------------

    def record_submission(
        self, sub: NewSubmission, observations: pd.DataFrame | None = None
    ) -> SubmissionRecord:
        """Record a submission and, if accepted, its observations, in one transaction.

        ``observations`` has the columns :data:`OBSERVATION_COLUMNS`; it is ignored for a
        rejected submission. Returns the stored record (with its id and time).
        """
        import pandas as pd

        report = json.dumps(sub.report, ensure_ascii=False, allow_nan=False)
        rows = None
        if sub.accepted and observations is not None and len(observations):
            rows = observations.loc[:, list(OBSERVATION_COLUMNS)].copy()
            rows["year"] = rows["year"].astype("int64")
            rows["value"] = rows["value"].astype("float64")
            rows["row"] = pd.to_numeric(rows["row"], errors="coerce").fillna(0).astype("int64")
            for c in ("region", "variable", "unit", "source", "note", "file", "sheet"):
                rows[c] = rows[c].fillna("").astype(str)
        with self._b.transaction(lock=False) as tx:
            sid = int(tx.execute("SELECT nextval('submission_id_seq')")[0][0])
            received = utcnow()
            params = {
                "id": sid,
                "t": received,
                "dep": sub.department,
                "by": sub.submitted_by,
                "rg": _join(sub.regions),
                "fn": sub.file_name,
                "sha": sub.file_sha256,
                "size": int(sub.file_size),
                "kind": sub.kind,
                "ok": bool(sub.accepted),
                "rr": int(sub.rows_read),
                "ra": int(sub.rows_accepted),
                "e": int(sub.errors),
                "w": int(sub.warnings),
                "rep": report,
            }
            tx.execute(
                f"INSERT INTO submissions ({_SUBMISSION_COLUMNS}, report) VALUES (:id, :t, :dep, "
                ":by, :rg, :fn, :sha, :size, :kind, :ok, :rr, :ra, :e, :w, :rep)",
                params,
            )
            if rows is not None:
                rows.insert(0, "submission_id", sid)
                tx.insert_frame(
                    "observations",
                    (
                        "submission_id",
                        "region",
                        "year",
                        "variable",
                        "value",
                        "unit",
                        "source",
                        "note",
                        "source_file",
                        "source_sheet",
                        "source_row",
                    ),
                    rows,
                )
            pause = os.environ.get(FAULT_PAUSE_ENV)
            if pause:
                print(
                    f"greenplan: fault injection: pausing {pause} s before commit of "
                    f"submission {sid}",
                    file=sys.stderr,
                    flush=True,
                )
                time.sleep(float(pause))
        if sub.accepted and self._local_version is not None:
            with self._version_lock:
                self._local_version += 1
        facts = {f.name: getattr(sub, f.name) for f in fields(sub)}
        facts.update(regions=tuple(sub.regions), file_size=int(sub.file_size))
        return SubmissionRecord(id=sid, received_at=received, **facts)

    def submissions(
        self,
        *,
        region: str | None = None,
        accepted: bool | None = None,
        submitted_by: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[SubmissionRecord]:
        """Submissions, newest first (without their reports)."""
        where: list[str] = ["1 = 1"]
        params: dict[str, Any] = {"lim": int(limit), "off": int(offset)}
        if region is not None:
            where.append("regions LIKE :rg")
            params["rg"] = f"%;{region};%"
        if accepted is not None:
            where.append("accepted = :ok")
            params["ok"] = accepted
        if submitted_by is not None:
            where.append("submitted_by = :by")
            params["by"] = submitted_by
        rows = self._b.query(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE {' AND '.join(where)} "
            "ORDER BY id DESC LIMIT :lim OFFSET :off",
            params,
        )
        return [_submission(r) for r in rows]

    def submission(self, id: int) -> SubmissionRecord | None:
        """One submission with its validation report, or None."""
        rows = self._b.query(
            f"SELECT {_SUBMISSION_COLUMNS}, report FROM submissions WHERE id = :id",
            {"id": int(id)},
        )
        return _submission(rows[0][:-1], json.loads(rows[0][-1])) if rows else None

    # --- observations --------------------------------------------------------------------

    def statistics(
        self,
        *,
        region: str | None = None,
        year: int | None = None,
        variable: str | None = None,
        as_of: datetime | None = None,
    ) -> pd.DataFrame:
        """Return the current statistics (or those as of a UTC time): one row per key.

        Returns the columns of the canonical table (``region, year, variable, value, unit,
        source, note, file, sheet, row``) plus ``submission_id``, ``received_at`` and
        ``submitted_by``, sorted by region, year, variable.
        """
        where, params = _filters(region, year, variable)
        if as_of is not None:
            where.append("s.received_at <= :asof")
            params["asof"] = as_of
        sql = f"""
            SELECT region, year, variable, value, unit, source, note, file, sheet, "row",
                   submission_id, received_at, submitted_by
            FROM (
                SELECT o.region, o.year, o.variable, o.value, o.unit, o.source, o.note,
                       o.source_file AS file, o.source_sheet AS sheet, o.source_row AS "row",
                       o.submission_id, s.received_at, s.submitted_by,
                       row_number() OVER (
                           PARTITION BY o.region, o.year, o.variable
                           ORDER BY o.submission_id DESC, o.source_row DESC
                       ) AS rank
                FROM observations o JOIN submissions s ON s.id = o.submission_id
                WHERE s.accepted AND {" AND ".join(where)}
            ) latest
            WHERE rank = 1
            ORDER BY region, year, variable
        """
        return _typed(self._b.query_frame(sql, params))

    def history(
        self,
        *,
        region: str | None = None,
        year: int | None = None,
        variable: str | None = None,
    ) -> pd.DataFrame:
        """Every accepted value ever submitted, oldest first: how each figure changed.

        Same columns as :meth:`statistics`.
        """
        where, params = _filters(region, year, variable)
        sql = f"""
            SELECT o.region, o.year, o.variable, o.value, o.unit, o.source, o.note,
                   o.source_file AS file, o.source_sheet AS sheet, o.source_row AS "row",
                   o.submission_id, s.received_at, s.submitted_by
            FROM observations o JOIN submissions s ON s.id = o.submission_id
            WHERE s.accepted AND {" AND ".join(where)}
            ORDER BY o.region, o.year, o.variable, o.submission_id, o.source_row
        """
        return _typed(self._b.query_frame(sql, params))

    def version(self) -> int:
        """Return a number that changes whenever an accepted submission is committed.

        It is the count of accepted submissions (submissions are never deleted), so caches
        keyed by it are recomputed after each accepted submission, by any process. A DuckDB
        store (one process) keeps it in memory; PostgreSQL is asked each time.
        """
        if self._local_version is not None:
            return self._local_version
        return self._count_accepted()

    def _count_accepted(self) -> int:
        return int(self._b.query("SELECT count(*) FROM submissions WHERE accepted")[0][0])

    def counts(self) -> dict[str, int]:
        """Submissions (all, accepted, rejected), observations and tokens in the store."""
        rows = self._b.query(
            "SELECT (SELECT count(*) FROM submissions), "
            "(SELECT count(*) FROM submissions WHERE accepted), "
            "(SELECT count(*) FROM observations), (SELECT count(*) FROM tokens)"
        )
        total, ok, obs, tokens = (int(x) for x in rows[0])
        return {
            "submissions": total,
            "accepted": ok,
            "rejected": total - ok,
            "observations": obs,
            "tokens": tokens,
        }


def _filters(
    region: str | None, year: int | None, variable: str | None
) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if region is not None:
        where.append("o.region = :region")
        params["region"] = region
    if year is not None:
        where.append("o.year = :year")
        params["year"] = int(year)
    if variable is not None:
        where.append("o.variable = :variable")
        params["variable"] = variable
    return where, params


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    cols = [*OBSERVATION_COLUMNS, "submission_id", "received_at", "submitted_by"]
    if frame.empty:
        frame = pd.DataFrame({c: [] for c in cols})
    frame = frame.loc[:, cols]
    return frame.astype(
        {"year": "int64", "value": "float64", "row": "int64", "submission_id": "int64"}
    ).reset_index(drop=True)


def _join(items: Sequence[str]) -> str:
    return ";" + ";".join(items) + ";" if items else ";"


def _token(row: Sequence[Any]) -> TokenInfo:
    name, role, regions, variables, created, expires, revoked = row
    return TokenInfo(
        name=name,
        role=role,
        regions=tuple(json.loads(regions or "[]")),
        variables=tuple(json.loads(variables or "[]")),
        created_at=created,
        expires_at=expires,
        revoked_at=revoked,
    )


def _submission(row: Sequence[Any], report: Mapping[str, Any] | None = None) -> SubmissionRecord:
    (sid, received, dep, by, regions, fname, sha, size, kind, ok, rr, ra, e, w) = row
    return SubmissionRecord(
        id=int(sid),
        received_at=received,
        department=dep,
        submitted_by=by,
        regions=tuple(r for r in str(regions).split(";") if r),
        file_name=fname,
        file_sha256=sha,
        file_size=int(size),
        kind=kind,
        accepted=bool(ok),
        rows_read=int(rr),
        rows_accepted=int(ra),
        errors=int(e),
        warnings=int(w),
        report=report,
    )


def resolve_db(db: str | os.PathLike[str] | None = None) -> str:
    """Return the store to use: ``db``, else ``$GREENPLAN_DB``, else :data:`DEFAULT_DB`."""
    return str(db) if db else os.environ.get(DB_ENV) or DEFAULT_DB


def open_store(db: str | os.PathLike[str] | None = None) -> Store:
    """Open (and create or migrate) the store ``db``: a DuckDB file path or a PostgreSQL URL.

    Parameters
    ----------
    db : str or path, optional
        ``postgresql://…`` (or ``postgresql+psycopg://…``) for PostgreSQL; anything else is
        the path of a DuckDB file, created on first use. Default ``$GREENPLAN_DB``, else
        ``greenplan.duckdb`` in the working directory.

    Raises
    ------
    StoreError
        The database cannot be opened (locked by another process, bad URL, server down,
        missing driver) or has a newer schema.

    Examples
    --------
    >>> store = open_store("/tmp/example.duckdb")     # doctest: +SKIP
    >>> store.counts()["submissions"]                  # doctest: +SKIP
    0
    """
    where = resolve_db(db)
    if where.startswith(("postgresql:", "postgresql+", "postgres:")):
        return Store(_Postgres(where))
    return Store(_DuckDB(Path(where).expanduser()))

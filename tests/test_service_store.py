"""The submission store, on a real DuckDB file (and on PostgreSQL when a server is given).

PostgreSQL runs when ``GREENPLAN_TEST_POSTGRES_URL`` names a database the tests may fill
(each test uses fresh tables in its own schema); otherwise those cases are skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pandas as pd
import pytest

if os.environ.get("GREENPLAN_REQUIRE_SERVICE"):  # CI: a missing extra is a failure, not a skip
    import duckdb  # noqa: F401
else:
    pytest.importorskip("duckdb", reason='the "service" extra is not installed')

from greenplan.service.access import hash_token
from greenplan.service.store import (
    MIGRATIONS,
    NewSubmission,
    Store,
    StoreError,
    open_store,
)

PG_URL = os.environ.get("GREENPLAN_TEST_POSTGRES_URL")


def _pg_store() -> Store:
    sqlalchemy = pytest.importorskip("sqlalchemy", reason='the "postgres" extra is not installed')
    schema = "gp_test_" + uuid.uuid4().hex[:12]
    engine = sqlalchemy.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return open_store(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")


@pytest.fixture(
    params=[
        "duckdb",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not PG_URL,
                reason="no PostgreSQL server: set GREENPLAN_TEST_POSTGRES_URL to run these",
            ),
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    s = open_store(tmp_path / "store.duckdb") if request.param == "duckdb" else _pg_store()
    yield s
    s.close()


def _sub(accepted: bool = True, **kw: object) -> NewSubmission:
    base = dict(
        department="历下区统计局",
        submitted_by="lixia",
        file_name="lixia.csv",
        file_sha256="0" * 64,
        file_size=100,
        kind="file",
        accepted=accepted,
        rows_read=1,
        rows_accepted=1 if accepted else 0,
        errors=0 if accepted else 1,
        warnings=0,
        report={"summary": {"ok": accepted}, "findings": []},
        regions=("历下区",),
    )
    base.update(kw)
    return NewSubmission(**base)  # type: ignore[arg-type]


def _rows(*values: tuple[str, int, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "region": r,
                "year": y,
                "variable": v,
                "value": x,
                "unit": "万吨标准煤",
                "source": "synthetic",
                "note": "",
                "file": "lixia.csv",
                "sheet": "",
                "row": i + 2,
            }
            for i, (r, y, v, x) in enumerate(values)
        ]
    )


def test_new_store_has_the_latest_schema_and_nothing_else(store: Store) -> None:
    assert store.schema_version() == max(m.version for m in MIGRATIONS)
    assert store.counts() == {
        "submissions": 0,
        "accepted": 0,
        "rejected": 0,
        "observations": 0,
        "tokens": 0,
    }
    assert store.statistics().empty
    assert store.version() == 0


def test_latest_accepted_value_is_current_and_history_keeps_every_value(store: Store) -> None:
    first = store.record_submission(_sub(), _rows(("历下区", 2023, "energy_consumption", 300.0)))
    second = store.record_submission(
        _sub(), _rows(("历下区", 2023, "energy_consumption", 310.0), ("历下区", 2022, "gdp", 1.0))
    )
    assert second.id > first.id
    current = store.statistics(region="历下区", year=2023, variable="energy_consumption")
    assert current["value"].tolist() == [310.0]
    assert current["submission_id"].tolist() == [second.id]
    hist = store.history(region="历下区", year=2023, variable="energy_consumption")
    assert hist["value"].tolist() == [300.0, 310.0]
    assert hist["submission_id"].tolist() == [first.id, second.id]
    assert len(store.statistics()) == 2  # one row per key


def test_as_of_gives_the_figures_as_they_stood(store: Store) -> None:
    first = store.record_submission(_sub(), _rows(("历下区", 2023, "energy_consumption", 300.0)))
    store.record_submission(_sub(), _rows(("历下区", 2023, "energy_consumption", 310.0)))
    then = store.statistics(as_of=first.received_at)
    assert then["value"].tolist() == [300.0]
    before = store.statistics(as_of=first.received_at - dt.timedelta(seconds=1))
    assert before.empty


def test_a_rejected_submission_is_recorded_and_changes_nothing(store: Store) -> None:
    store.record_submission(_sub(), _rows(("历下区", 2023, "energy_consumption", 300.0)))
    version = store.version()
    rejected = store.record_submission(
        _sub(accepted=False), _rows(("历下区", 2023, "energy_consumption", 999.0))
    )
    assert not rejected.accepted
    assert store.statistics()["value"].tolist() == [300.0]
    assert store.version() == version
    assert store.counts()["rejected"] == 1
    assert store.counts()["observations"] == 1
    stored = store.submission(rejected.id)
    assert stored is not None and stored.report == {"summary": {"ok": False}, "findings": []}


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(store: Store) -> None:
    store.record_submission(_sub(), _rows(("历下区", 2023, "energy_consumption", 300.0)))
    before = store.counts()
    broken = _rows(("历下区", 2024, "energy_consumption", 320.0))
    broken["year"] = ["not a year"]  # fails while the observations are written
    with pytest.raises((ValueError, TypeError)):
        store.record_submission(_sub(), broken)
    assert store.counts() == before
    assert store.statistics()["value"].tolist() == [300.0]


def test_submissions_are_listed_newest_first_and_filtered(store: Store) -> None:
    a = store.record_submission(_sub(), _rows(("历下区", 2023, "gdp", 1.0)))
    b = store.record_submission(
        _sub(regions=("历城区",), submitted_by="licheng"), _rows(("历城区", 2023, "gdp", 1.0))
    )
    assert [s.id for s in store.submissions()] == [b.id, a.id]
    assert [s.id for s in store.submissions(region="历下区")] == [a.id]
    assert [s.id for s in store.submissions(submitted_by="licheng")] == [b.id]
    assert store.submission(10_000) is None


def test_tokens_are_kept_hashed_and_can_be_revoked(store: Store) -> None:
    token = store.add_token("lixia", "submitter", ("历下区",), ("gdp",))
    info = store.token_info(token)
    assert info is not None and info.regions == ("历下区",) and info.variables == ("gdp",)
    assert store.token_info(token + "x") is None
    with pytest.raises(Exception, match="exists already"):
        store.add_token("lixia", "reader")
    with pytest.raises(Exception, match="role"):
        store.add_token("other", "superuser")
    assert store.revoke_token("lixia") and not store.revoke_token("lixia")
    info = store.token_info(token)
    assert info is not None and info.revoked_at is not None
    assert hash_token(token) != token


def test_the_token_itself_is_not_in_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    s = open_store(path)
    token = s.add_token("lixia", "reader")
    s.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert token.encode() not in data
    assert hash_token(token).encode() in data


def test_a_restart_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    s = open_store(path)
    s.record_submission(_sub(), _rows(("历下区", 2023, "gdp", 2.0)))
    token = s.add_token("lixia", "reader")
    s.close()
    s = open_store(path)
    assert s.statistics()["value"].tolist() == [2.0]
    assert s.token_info(token) is not None
    s.close()


def test_a_store_from_a_newer_greenplan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    open_store(path).close()
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now()::TIMESTAMP)")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_a_locked_store_gives_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "store.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True);"
            " sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        with pytest.raises(StoreError, match="another process"):
            open_store(path)
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_postgres_url_without_a_server_is_a_store_error() -> None:
    pytest.importorskip("sqlalchemy", reason='the "postgres" extra is not installed')
    pytest.importorskip("psycopg", reason='the "postgres" extra is not installed')
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")

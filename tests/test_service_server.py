"""The service as it runs: ``greenplan serve`` in a subprocess on a free loopback port, talked
to with httpx. Every request has a timeout and every server is killed at teardown.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("GREENPLAN_REQUIRE_SERVICE"):  # CI: a missing extra is a failure, not a skip
    import fastapi  # noqa: F401
    import httpx
    import uvicorn  # noqa: F401
else:
    pytest.importorskip("uvicorn", reason='the "service" extra is not installed')
    httpx = pytest.importorskip("httpx", reason="httpx (test extra) is not installed")

sys.path.insert(0, str(Path(__file__).parent))
from _service_support import (
    Server,
    add_token,
    district_rows,
    simple_variables,
    start_server,
    to_csv,
)
from greenplan.regions import districts
from greenplan.service.store import FAULT_PAUSE_ENV, open_store

TIMEOUT = httpx.Timeout(60.0)
DISTRICTS = list(districts())  # the 10 districts and 2 counties


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service") / "store.duckdb"


@pytest.fixture(scope="module")
def tokens(db: Path) -> dict[str, str]:
    return {
        "admin": add_token(db, "admin", "admin"),
        "reader": add_token(db, "dashboard", "reader"),
        "city": add_token(db, "市统计局", "submitter"),
        "lixia": add_token(db, "历下区统计局", "submitter", "--regions", "历下区"),
    }


@pytest.fixture(scope="module")
def server(db: Path, tokens: dict[str, str]) -> Iterator[Server]:
    s = start_server(db)
    yield s
    s.stop()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_add_prints_the_token_alone_on_its_last_line(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenplan",
            "token",
            "add",
            "历下区统计局",
            "--role",
            "submitter",
            "--regions",
            "Lixia",
            "--variables",
            "energy_consumption,gdp",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last.startswith("gp_") and " " not in last and len(last) > 40
    store = open_store(db)
    info = store.token_info(last)
    store.close()
    assert info is not None and info.regions == ("历下区",)
    assert info.variables == ("energy_consumption", "gdp")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenplan",
            "token",
            "add",
            "x",
            "--role",
            "reader",
            "--regions",
            "Atlantis",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "not a region" in bad.stderr and "Traceback" not in bad.stderr


def test_serve_refuses_several_workers_on_duckdb(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenplan",
            "serve",
            "--workers",
            "2",
            "--db",
            str(tmp_path / "s.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "PostgreSQL" in result.stderr


def test_serve_listens_on_loopback_unless_told() -> None:
    from greenplan.cli import build_parser
    from greenplan.commands.serve import is_loopback

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8765
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_accepted_and_rejected_over_http(server: Server, tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as c:
        data = to_csv(district_rows("历下区", years=(2022, 2023), variables=["gdp"]))
        ok = c.post(
            "/submissions", files={"file": ("lixia.csv", data)}, headers=auth(tokens["lixia"])
        )
        assert ok.status_code == 201, ok.text
        wrong = to_csv(district_rows("历城区", years=(2023,), variables=["gdp"]))
        no = c.post(
            "/submissions", files={"file": ("licheng.csv", wrong)}, headers=auth(tokens["lixia"])
        )
        assert no.status_code == 422
        assert [f["code"] for f in no.json()["report"]["findings"]] == ["out_of_scope"]
        assert c.get("/statistics", headers=auth(tokens["reader"])).status_code == 200
        assert c.get("/statistics").status_code == 401
        assert c.get("/progress", headers=auth(tokens["reader"])).status_code == 200
        big = c.post(
            "/submissions",
            content=b"x" * (21 * 1024 * 1024),
            headers={**auth(tokens["city"]), "content-type": "text/csv"},
        )
        assert big.status_code == 413


def test_sixteen_concurrent_submissions_lose_nothing(
    db: Path, server: Server, tokens: dict[str, str]
) -> None:
    variables = simple_variables()[:40]
    files = []
    for i in range(16):  # 16 disjoint (region, year) blocks of 40 variables × 2 years
        region = DISTRICTS[i % len(DISTRICTS)]
        years = (2010 + 2 * (i // len(DISTRICTS)), 2011 + 2 * (i // len(DISTRICTS)))
        files.append((f"{region}_{i}.csv", to_csv(district_rows(region, years, variables, seed=i))))
    results: list[httpx.Response | BaseException] = [None] * 16  # type: ignore[list-item]
    start = threading.Barrier(16)

    def post(i: int) -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=TIMEOUT) as c:
                start.wait(timeout=30)
                results[i] = c.post(
                    "/submissions", files={"file": files[i]}, headers=auth(tokens["city"])
                )
        except BaseException as exc:  # reported below
            results[i] = exc

    threads = [threading.Thread(target=post, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(isinstance(r, httpx.Response) and r.status_code == 201 for r in results), results
    ids = {r.json()["id"] for r in results}  # type: ignore[union-attr]
    assert len(ids) == 16
    server.stop()  # the DuckDB file is one process's: check it after the server has gone
    store = open_store(db)
    try:
        hist = store.history()
        for r in results:
            body = r.json()  # type: ignore[union-attr]
            assert (hist["submission_id"] == body["id"]).sum() == body["rows_accepted"] == 80
        current = store.statistics()
        for region in DISTRICTS:
            years = {2010, 2011} | ({2012, 2013} if DISTRICTS.index(region) < 4 else set())
            got = current[(current["region"] == region) & current["variable"].isin(variables)]
            assert len(got) == len(years) * 40
    finally:
        store.close()


def test_a_killed_process_leaves_the_store_as_it_was_and_a_restart_keeps_everything(
    tmp_path: Path,
) -> None:
    db = tmp_path / "crash.duckdb"
    token = add_token(db, "市统计局", "submitter")
    first = to_csv(district_rows("历下区", years=(2023,), variables=["gdp"]))
    s = start_server(db)
    try:
        with httpx.Client(base_url=s.url, timeout=TIMEOUT) as c:
            assert (
                c.post(
                    "/submissions", files={"file": ("a.csv", first)}, headers=auth(token)
                ).status_code
                == 201
            )
    finally:
        s.stop()
    before = open_store(db)
    counts, stats = before.counts(), before.statistics()
    before.close()

    s = start_server(db, env={FAULT_PAUSE_ENV: "60"})
    try:
        big = to_csv(district_rows("历城区"))

        def post() -> None:
            try:
                with httpx.Client(base_url=s.url, timeout=TIMEOUT) as c:
                    c.post("/submissions", files={"file": ("b.csv", big)}, headers=auth(token))
            except httpx.HTTPError:
                pass  # the server is killed under it

        t = threading.Thread(target=post)
        t.start()
        deadline = time.monotonic() + 120
        while "fault injection" not in s.log_text():
            assert time.monotonic() < deadline, s.log_text()
            time.sleep(0.05)
        s.stop(signal.SIGKILL)  # in the middle of the submission's transaction
        t.join(timeout=60)
    finally:
        s.stop(signal.SIGKILL)

    after = open_store(db)
    try:
        assert after.counts() == counts
        assert (
            after.statistics().drop(columns="received_at").equals(stats.drop(columns="received_at"))
        )
    finally:
        after.close()
    s = start_server(db)  # a restart serves everything that was committed
    try:
        with httpx.Client(base_url=s.url, timeout=TIMEOUT) as c:
            items = c.get("/statistics", headers=auth(token)).json()["items"]
            assert [(i["region"], i["variable"]) for i in items] == [("历下区", "gdp")]
            again = c.post("/submissions", files={"file": ("b.csv", big)}, headers=auth(token))
            assert again.status_code == 201 and again.json()["rows_accepted"] == 988
    finally:
        s.stop()

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
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "not a region" in bad.stderr and "Traceback" not in bad.stderr
    zh = subprocess.run(
        [*bad.args[:-1], "zh"], capture_output=True, text=True, timeout=120
    )  # catalogue service.unknown_region
    assert zh.returncode == 2 and "'Atlantis' 不是济南市的地区" in zh.stderr


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


def test_findings_come_in_the_language_asked_for(server: Server, tokens: dict[str, str]) -> None:
    body = {
        "rows": [
            {"region": "历城区", "year": 2023, "variable": "gdp", "value": 1, "unit": "亿元"},
            {"region": "历下区", "year": 2023, "variable": "gdp", "value": "n/a?", "unit": "亿元"},
        ],
        "file_name": "lang.json",
    }
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as c:
        zh = c.post("/submissions", params={"lang": "zh"}, json=body, headers=auth(tokens["lixia"]))
        assert zh.status_code == 422, zh.text
        found = {f["code"]: f for f in zh.json()["report"]["findings"]}
        # catalogue texts service.out_of_scope, service.scope_region, service.out_of_scope_fix
        assert found["out_of_scope"]["message"] == (
            "令牌 '历下区统计局' 无权报送此行：地区 历城区 不在 历下区 之列。"
        )
        assert found["out_of_scope"]["fix"] == (
            "只报送本单位负责的地区和变量的数据行，或请管理员签发范围包含这些数据的令牌。"
        )
        message = found["non_numeric"]["message"]  # the check's own message, in Chinese
        assert "'n/a?'" in message and "不是数字" in message
        assert "纯数字" in found["non_numeric"]["fix"]  # the fix of check.csv, in Chinese
        # the stored submission, read again in English (the default) and in Chinese
        sid = zh.json()["id"]
        en = c.get(f"/submissions/{sid}", headers=auth(tokens["reader"])).json()["report"]
        scope = [f for f in en["findings"] if f["code"] == "out_of_scope"]
        assert scope[0]["message"] == (
            "The token '历下区统计局' may not submit this row: region 历城区 is not one of 历下区."
        )
        assert scope[0]["fix"].startswith("Submit only the rows of your own regions")
        again = c.get(
            f"/submissions/{sid}", params={"lang": "zh"}, headers=auth(tokens["reader"])
        ).json()["report"]
        assert again == zh.json()["report"]
        missing = c.get(
            "/submissions/999999", params={"lang": "zh"}, headers=auth(tokens["reader"])
        )
        assert missing.status_code == 404
        assert missing.json()["detail"] == "不存在编号为 999999 的报送。"

        before = c.get("/submissions", headers=auth(tokens["reader"])).json()["items"]
        fr = c.post("/submissions", params={"lang": "fr"}, json=body, headers=auth(tokens["lixia"]))
        assert fr.status_code == 422
        assert fr.json()["detail"] == "lang='fr': expected zh (中文) or en (English)."
        after = c.get("/submissions", headers=auth(tokens["reader"])).json()["items"]
        assert after == before  # a refused request records nothing
        for path in ("/progress", "/report", f"/submissions/{sid}"):
            r = c.get(path, params={"lang": "fr"}, headers=auth(tokens["reader"]))
            assert r.status_code == 422 and "lang='fr'" in r.json()["detail"], path


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

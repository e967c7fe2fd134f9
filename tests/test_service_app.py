"""The HTTP API in process (FastAPI's TestClient) on a real DuckDB store.

The cases that need a real server process (concurrency, a killed process, a restart) are in
test_service_server.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("GREENPLAN_REQUIRE_SERVICE"):  # CI: a missing extra is a failure, not a skip
    import fastapi  # noqa: F401
else:
    pytest.importorskip("fastapi", reason='the "service" extra is not installed')

import warnings

with warnings.catch_warnings():  # newer Starlette prefers another HTTP client for TestClient
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

from greenplan.service.app import create_app
from greenplan.service.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parent))
from _service_support import district_rows, to_csv

LIMIT = 200_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "store.duckdb")
    yield s


@pytest.fixture
def tokens(store: Store) -> dict[str, str]:
    return {
        "admin": store.add_token("admin", "admin"),
        "reader": store.add_token("dashboard", "reader"),
        "lixia": store.add_token(
            "历下区统计局", "submitter", ("历下区",), ("energy_consumption", "gdp")
        ),
        "city": store.add_token("市统计局", "submitter"),
    }


@pytest.fixture
def client(store: Store, tokens: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(store, max_upload=LIMIT)) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rows(*items: tuple[str, int, str, object, str]) -> dict[str, object]:
    return {
        "rows": [
            {"region": r, "year": y, "variable": v, "value": x, "unit": u}
            for r, y, v, x, u in items
        ]
    }


def test_health_needs_no_token(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == "duckdb" and body["store_version"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/submissions",
        "/statistics",
        "/indicators",
        "/progress",
        "/report",
        "/targets",
        "/variables",
        "/submissions/1",
    ],
)
def test_every_read_needs_a_token(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 401
    assert "Missing token" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_a_wrong_token_is_401_with_a_clear_message(client: TestClient) -> None:
    r = client.get("/statistics", headers=auth("gp_not-a-token"))
    assert r.status_code == 401 and "Unknown token" in r.json()["detail"]


def test_an_expired_token_is_401(client: TestClient, store: Store) -> None:
    import datetime as dt

    token = store.add_token("old", "reader", expires_at=dt.datetime(2020, 1, 1))
    r = client.get("/statistics", headers=auth(token))
    assert r.status_code == 401 and "expired on 2020-01-01" in r.json()["detail"]


def test_a_revoked_token_is_401(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.delete("/tokens/dashboard", headers=auth(tokens["admin"])).status_code == 204
    r = client.get("/statistics", headers=auth(tokens["reader"]))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_a_reader_cannot_submit_403(client: TestClient, tokens: dict[str, str]) -> None:
    r = client.post(
        "/submissions",
        json=rows(("历下区", 2023, "gdp", 1, "亿元")),
        headers=auth(tokens["reader"]),
    )
    assert r.status_code == 403
    assert "role reader" in r.json()["detail"] and "submitter or admin" in r.json()["detail"]


def test_only_admins_manage_tokens(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/tokens", headers=auth(tokens["city"])).status_code == 403
    r = client.post(
        "/tokens",
        json={
            "name": "槐荫区",
            "role": "submitter",
            "regions": ["Huaiyin"],
            "variables": ["energy"],
        },
        headers=auth(tokens["admin"]),
    )
    assert r.status_code == 201
    created = r.json()
    import greenplan as gp

    energy = {c for c, v in gp.VARIABLES.items() if v.domain == "energy"}
    assert created["regions"] == ["槐荫区"] and set(created["variables"]) == energy
    assert client.get("/targets", headers=auth(created["token"])).status_code == 200
    listed = client.get("/tokens", headers=auth(tokens["admin"])).json()
    assert "token" not in json.dumps(listed).replace('"tokens"', "")
    bad = client.post(
        "/tokens",
        json={"name": "x", "role": "reader", "regions": ["Atlantis"]},
        headers=auth(tokens["admin"]),
    )
    assert bad.status_code == 422 and "not a region" in bad.json()["detail"]


def test_an_accepted_file_is_201_and_becomes_current(
    client: TestClient, tokens: dict[str, str]
) -> None:
    data = to_csv(district_rows("历下区", years=(2022, 2023), variables=["energy_consumption"]))
    r = client.post(
        "/submissions",
        files={"file": ("历下区_2023.csv", data, "text/csv")},
        data={"department": "历下区发展改革局"},
        headers=auth(tokens["lixia"]),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] and body["rows_accepted"] == 2
    assert body["department"] == "历下区发展改革局" and body["submitted_by"] == "历下区统计局"
    import hashlib

    assert body["file_sha256"] == hashlib.sha256(data).hexdigest()
    assert body["file_name"] == "历下区_2023.csv" and body["regions"] == ["历下区"]
    stats = client.get(
        "/statistics", params={"region": "Lixia", "year": 2023}, headers=auth(tokens["reader"])
    ).json()
    assert [i["variable"] for i in stats["items"]] == ["energy_consumption"]
    item = stats["items"][0]
    assert item["submission_id"] == body["id"] and item["file"] == "历下区_2023.csv"
    assert item["row"] == 3  # header = row 1; 2022 is row 2


def test_a_rejected_file_is_422_with_findings_and_changes_nothing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    good = rows(("历下区", 2023, "energy_consumption", 300, "万吨标准煤"))
    assert client.post("/submissions", json=good, headers=auth(tokens["lixia"])).status_code == 201
    csv_text = "地区,年份,指标,数值,单位\n历下区,2023,能源消费总量,abc,万吨标准煤\n"
    r = client.post(
        "/submissions",
        files={"file": ("bad.csv", csv_text.encode(), "text/csv")},
        headers=auth(tokens["lixia"]),
    )
    assert r.status_code == 422
    body = r.json()
    assert not body["accepted"] and body["rows_accepted"] == 0
    (finding,) = [f for f in body["report"]["findings"] if f["severity"] == "error"]
    assert finding["code"] == "non_numeric"
    assert (finding["file"], finding["row"], finding["column"]) == ("bad.csv", 2, "数值")
    assert finding["fix"]
    current = client.get("/statistics", headers=auth(tokens["reader"])).json()["items"]
    assert [i["value"] for i in current] == [300.0]
    stored = client.get(f"/submissions/{body['id']}", headers=auth(tokens["reader"])).json()
    assert stored["report"]["findings"] == body["report"]["findings"]


def test_a_later_submission_overrides_and_history_and_as_of_show_the_change(
    client: TestClient, tokens: dict[str, str]
) -> None:
    h = auth(tokens["lixia"])
    one = client.post(
        "/submissions",
        json=rows(("历下区", 2023, "energy_consumption", 300, "万吨标准煤")),
        headers=h,
    ).json()
    two = client.post(
        "/submissions",
        json=rows(("历下区", 2023, "energy_consumption", 3100000, "吨标准煤")),
        headers=h,
    ).json()
    q = {"region": "历下区", "year": 2023, "variable": "能源消费总量"}
    r = auth(tokens["reader"])
    current = client.get("/statistics", params=q, headers=r).json()["items"]
    assert [(i["value"], i["submission_id"]) for i in current] == [(310.0, two["id"])]
    history = client.get("/statistics", params={**q, "history": "true"}, headers=r).json()
    assert [(i["value"], i["submission_id"]) for i in history["items"]] == [
        (300.0, one["id"]),
        (310.0, two["id"]),
    ]
    as_of = client.get("/statistics", params={**q, "as_of": one["received_at"]}, headers=r).json()
    assert [i["value"] for i in as_of["items"]] == [300.0]
    early = client.get("/statistics", params={**q, "as_of": "2000-01-01"}, headers=r).json()
    assert early["items"] == []
    bad = client.get("/statistics", params={"as_of": "yesterday"}, headers=r)
    assert bad.status_code == 422 and "ISO date" in bad.json()["detail"]


def test_rows_outside_the_scope_are_findings_not_silent_drops(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = rows(
        ("历下区", 2023, "energy_consumption", 300, "万吨标准煤"),
        ("历城区", 2023, "energy_consumption", 500, "万吨标准煤"),
        ("历下区", 2023, "water_use", 1, "亿立方米"),
    )
    r = client.post("/submissions", json=body, headers=auth(tokens["lixia"]))
    assert r.status_code == 422
    scope = [f for f in r.json()["report"]["findings"] if f["code"] == "out_of_scope"]
    assert [(f["row"], f["region"], f["variable"]) for f in scope] == [
        (2, "历城区", "energy_consumption"),
        (3, "历下区", "water_use"),
    ]
    assert "region 历城区 is not one of 历下区" in scope[0]["message"]
    assert "variable water_use " in scope[1]["message"]
    assert client.get("/statistics", headers=auth(tokens["reader"])).json()["items"] == []


def test_json_rows_that_are_not_a_submission_are_422(
    client: TestClient, tokens: dict[str, str]
) -> None:
    h = auth(tokens["city"])
    r = client.post("/submissions", json={"rows": []}, headers=h)
    assert r.status_code == 422 and "rows" in r.json()["detail"]
    r = client.post(
        "/submissions", content=b"{not json", headers={**h, "content-type": "application/json"}
    )
    assert r.status_code == 422 and "not a submission" in r.json()["detail"]
    r = client.post("/submissions", content=b"a,b", headers={**h, "content-type": "text/csv"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["detail"]
    r = client.post(
        "/submissions", data={"department": "x"}, files={"other": ("a.csv", b"a")}, headers=h
    )
    assert r.status_code == 422 and "field named 'file'" in r.json()["detail"]


def test_garbage_files_are_findings_never_500(client: TestClient, tokens: dict[str, str]) -> None:
    h = auth(tokens["city"])
    for name, data in [
        ("binary.csv", bytes(range(256)) * 20),
        ("empty.csv", b""),
        ("fake.xlsx", b"PK\x03\x04 not really a workbook"),
        ("notes.txt", "就是一段文字,没有表头\n".encode()),
        ("../../etc/passwd", b"region,year\n"),
    ]:
        r = client.post("/submissions", files={"file": (name, data)}, headers=h)
        assert r.status_code == 422, (name, r.text)
        assert r.json()["report"]["findings"], name
        assert "/tmp" not in r.text and "greenplan-upload" not in r.text


def test_a_body_over_the_limit_is_413(client: TestClient, tokens: dict[str, str]) -> None:
    big = to_csv(district_rows(variables=None)) * 3
    assert len(big) > LIMIT
    r = client.post("/submissions", files={"file": ("big.csv", big)}, headers=auth(tokens["city"]))
    assert r.status_code == 413
    assert f"at most {LIMIT} bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as it arrives
        for _ in range(10):
            yield b"x" * 50_000

    r = client.post(
        "/submissions",
        content=chunks(),
        headers={**auth(tokens["city"]), "content-type": "application/json"},
    )
    assert r.status_code == 413


def test_results_are_recomputed_after_an_accepted_submission_only(
    client: TestClient, tokens: dict[str, str]
) -> None:
    r = auth(tokens["reader"])
    h = auth(tokens["city"])
    ind = {"indicator": "energy_consumption_excl_feedstock", "region": "济南市"}
    assert client.get("/indicators", params=ind, headers=r).json() == []
    city = rows(
        ("济南市", 2023, "energy_consumption", 4000, "万吨标准煤"),
        ("济南市", 2023, "energy_feedstock", 250, "万吨标准煤"),
    )
    assert client.post("/submissions", json=city, headers=h).status_code == 201
    values = client.get("/indicators", params=ind, headers=r).json()
    # hand calculation: 4000 - 250 (feedstock) = 3750 万吨标准煤
    assert [(v["year"], v["value"]) for v in values] == [(2023, 3750.0)]
    bad = rows(("济南市", 2023, "energy_feedstock", "n/a?", "万吨标准煤"))
    assert client.post("/submissions", json=bad, headers=h).status_code == 422
    assert client.get("/indicators", params=ind, headers=r).json() == values
    newer = rows(("济南市", 2023, "energy_feedstock", 500, "万吨标准煤"))
    assert client.post("/submissions", json=newer, headers=h).status_code == 201
    # 4000 - 500 = 3500: the cache was dropped when the store version moved
    after = client.get("/indicators", params=ind, headers=r).json()
    assert [v["value"] for v in after] == [3500.0]


def test_progress_and_report_come_from_the_current_figures(
    client: TestClient, tokens: dict[str, str]
) -> None:
    from greenplan.report import load_schema

    jsonschema = pytest.importorskip("jsonschema")
    shipped = Path(__file__).parents[1] / "data" / "jinan" / "jinan_2021_2024.csv"
    r = client.post(
        "/submissions",
        files={"file": (shipped.name, shipped.read_bytes())},
        headers=auth(tokens["admin"]),
    )
    assert r.status_code == 201, r.text
    h = auth(tokens["reader"])
    progress = client.get("/progress", headers=h).json()
    assert len(progress) == 43 and {p["region"] for p in progress} == {"济南市"}
    assert client.get("/progress", params={"region": "Atlantis"}, headers=h).status_code == 422
    report = client.get("/report", params={"format": "json"}, headers=h)
    assert report.headers["content-type"].startswith("application/json")
    jsonschema.Draft202012Validator(load_schema()).validate(report.json())
    html = client.get("/report", params={"format": "html", "lang": "en"}, headers=h)
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text
    md = client.get("/report", params={"format": "markdown"}, headers=h)
    assert md.headers["content-type"].startswith("text/markdown")
    assert client.get("/report", params={"format": "pdf"}, headers=h).status_code == 422


def test_code_lists(client: TestClient, tokens: dict[str, str]) -> None:
    import greenplan as gp

    h = auth(tokens["reader"])
    targets = client.get("/targets", headers=h).json()
    assert {t["key"] for t in targets} == set(gp.TARGETS)
    variables = client.get("/variables", headers=h).json()
    assert {v["code"] for v in variables} == set(gp.VARIABLES)


def test_the_openapi_document_is_valid(client: TestClient) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    doc = client.get("/openapi.json").json()
    validator.validate(doc)
    assert {"/submissions", "/statistics", "/progress", "/report", "/health"} <= set(doc["paths"])
    post = doc["paths"]["/submissions"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert "Report" in doc["components"]["schemas"]
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_texts_for_people_follow_lang(client: TestClient, tokens: dict[str, str]) -> None:
    shipped = Path(__file__).parents[1] / "data" / "jinan" / "jinan_2021_2024.csv"
    r = client.post(
        "/submissions",
        files={"file": (shipped.name, shipped.read_bytes())},
        headers=auth(tokens["admin"]),
    )
    assert r.status_code == 201, r.text
    h = auth(tokens["reader"])
    # the report: English unless lang=zh (catalogue report.summary, service.report_source)
    md_en = client.get("/report", params={"format": "markdown"}, headers=h).text
    assert "\n## Summary\n" in md_en and "greenplan service store (duckdb), version 1" in md_en
    md_zh = client.get("/report", params={"format": "markdown", "lang": "zh"}, headers=h).text
    assert "\n## 概要\n" in md_zh and "greenplan 服务报送库（duckdb），版本 1" in md_zh
    # progress: the notes in Chinese (greenplan.progress.notes.note_zh)
    en = client.get("/progress", headers=h).json()
    zh = client.get("/progress", params={"lang": "zh"}, headers=h).json()
    assert [p["key"] for p in zh] == [p["key"] for p in en]
    pairs = [(a["notes"], b["notes"]) for a, b in zip(en, zh, strict=True) if a["notes"]]
    assert any("time elapsed" in a and "序时进度" in b for a, b in pairs)
    # error details: service.csv in the language asked for
    r = client.get("/statistics", params={"lang": "zh"})
    assert r.status_code == 401 and r.json()["detail"].startswith("缺少令牌")
    r = client.post("/submissions", params={"lang": "zh"}, json=rows(), headers=h)
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "令牌 'dashboard' 的角色为 reader；此请求所需角色为 submitter（报送）或 admin（管理员）。"
    )
    r = client.get("/statistics", params={"region": "Atlantis", "lang": "zh"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"].startswith("region：'Atlantis' 不是济南市")
    r = client.get("/statistics", params={"region": "Atlantis"}, headers=h)
    assert r.json()["detail"].startswith("region: 'Atlantis' is not a region of Jinan.")
    big = to_csv(district_rows(variables=None)) * 3
    r = client.post(
        "/submissions",
        params={"lang": "zh"},
        files={"file": ("big.csv", big)},
        headers=auth(tokens["city"]),
    )
    assert r.status_code == 413 and r.json()["detail"].startswith("请求内容过大")
    r = client.post(
        "/tokens",
        params={"lang": "zh"},
        json={"name": "dashboard", "role": "reader"},
        headers=auth(tokens["admin"]),
    )
    assert (
        r.status_code == 422 and r.json()["detail"] == "名为 'dashboard' 的令牌已存在；请另取名称。"
    )
    r = client.get("/report", params={"lang": "EN"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"] == (
        "lang='EN': expected zh (中文) or en (English)."
    )

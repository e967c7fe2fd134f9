"""data/datapackage.json: generated, up to date, and a valid Data Package (spec v1) of data/.

The structure is checked against the required and recommended keys of the Frictionless Data
Package and Tabular Data Resource specifications v1 (https://specs.frictionlessdata.io/),
without the ``frictionless`` package and without the network.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

import greenplan
from greenplan._resources import data_dir, data_package, data_version

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DESCRIPTOR = DATA / "datapackage.json"
NAME = re.compile(r"^[a-z0-9._-]+$")  # spec v1: lower-case, . _ - only
TYPES = {"string", "number", "integer", "boolean", "date", "datetime", "year", "object", "any"}

pytestmark = pytest.mark.skipif(not DESCRIPTOR.is_file(), reason="not a source checkout")


def _gen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_datapackage", ROOT / "scripts" / "gen_datapackage.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package() -> dict:
    return json.loads(DESCRIPTOR.read_text(encoding="utf-8"))


def test_descriptor_is_up_to_date() -> None:
    current = DESCRIPTOR.read_text(encoding="utf-8")
    assert current == _gen().text(), "stale: run python scripts/gen_datapackage.py"
    assert _gen().main(["--check"]) == 0


def test_check_fails_on_a_stale_descriptor(tmp_path, monkeypatch) -> None:
    gen = _gen()
    stale = tmp_path / "datapackage.json"
    stale.write_text(DESCRIPTOR.read_text(encoding="utf-8").replace('"rows": 12', '"rows": 11'))
    monkeypatch.setattr(gen, "DESCRIPTOR", stale)
    assert gen.main(["--check"]) == 1


def test_package_required_keys(package) -> None:
    assert NAME.match(package["name"])
    assert package["profile"] == "tabular-data-package"
    assert package["title"] and package["version"]
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", package["version"])
    assert package["licenses"]
    for lic in package["licenses"]:
        assert lic.get("name") or lic.get("path")  # spec: name or path is required
    assert package["sources"]
    for src in package["sources"]:
        assert src["title"]  # spec: title is required
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)), "resource names must be unique"


def test_every_csv_under_data_is_a_resource(package) -> None:
    listed = sorted(r["path"] for r in package["resources"])
    on_disk = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv"))
    assert listed == on_disk
    assert len(listed) >= 19


def test_resources_match_the_files(package) -> None:
    for res in package["resources"]:
        path = DATA / res["path"]
        assert NAME.match(res["name"]), res["name"]
        assert res["profile"] == "tabular-data-resource"
        assert not Path(res["path"]).is_absolute() and ".." not in res["path"]
        raw = path.read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
        assert res["bytes"] == len(raw)
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert [f["name"] for f in res["schema"]["fields"]] == rows[0], res["path"]
        assert res["rows"] == len(rows) - 1
        assert all(f["type"] in TYPES for f in res["schema"]["fields"])
        assert res["sources"] and all(s["title"] for s in res["sources"])
        if "source" in rows[0]:
            i = rows[0].index("source")
            assert {s["title"] for s in res["sources"]} == {r[i] for r in rows[1:]}


def test_field_types(package) -> None:
    by_path = {r["path"]: r for r in package["resources"]}
    jinan = {f["name"]: f["type"] for f in by_path["jinan/jinan_2021_2024.csv"]["schema"]["fields"]}
    assert jinan == {
        "region": "string",
        "year": "integer",
        "variable": "string",
        "value": "number",
        "unit": "string",
        "source": "string",
        "note": "string",
    }
    aqi = by_path["example_records/daily_aqi_2024.csv"]["schema"]["fields"]
    assert [(f["name"], f["type"]) for f in aqi] == [
        ("region", "string"),
        ("date", "date"),
        ("aqi", "integer"),
    ]


def test_synthetic_resources_say_so(package) -> None:
    for res in package["resources"]:
        synthetic = res["path"].startswith(("examples/", "example_records/"))
        assert res["synthetic"] is synthetic, res["path"]
        if synthetic:
            assert all(s["title"].startswith("synthetic") for s in res["sources"])


def test_published_sources_are_named_with_their_url(package) -> None:
    by_path = {r["path"]: r for r in package["resources"]}
    titles = {s["title"]: s for s in by_path["baseline_2020/jinan_2020.csv"]["sources"]}
    bulletin = next(t for t in titles if t.startswith("济南市2020年国民经济和社会发展统计公报"))
    assert titles[bulletin]["path"] == "http://xiaomonv0755.com/tjgb/15sd/36681.html"


def test_data_version_is_the_descriptor_version(package) -> None:
    assert data_version() == package["version"]
    assert package["version"] == greenplan.DATA_VERSION
    assert greenplan.data_version() == package["version"]
    assert data_package()["name"] == "greenplan-data"
    assert (data_dir() / "datapackage.json").is_file()


def test_report_carries_the_data_version(capsys) -> None:
    from greenplan.cli import main

    assert main(["report", "--format", "json"]) == 0
    shipped = json.loads(capsys.readouterr().out)
    assert shipped["data_version"] == data_version()
    assert main(["report", str(DATA / "examples"), "--format", "json"]) == 0
    own = json.loads(capsys.readouterr().out)
    assert own["data_version"] is None  # the caller's statistics are not a greenplan release


@pytest.mark.parametrize(
    ("fmt", "lang", "words"),
    [("text", "en", "(data {})"), ("markdown", "zh", "（数据版本 {}）")],
)
def test_report_footer_names_the_data_version(capsys, fmt, lang, words) -> None:
    from greenplan.cli import main

    assert main(["report", "--format", fmt, "--lang", lang]) == 0
    out = capsys.readouterr().out
    tail = out.strip().splitlines()[-2:]
    assert words.format(data_version()) in " ".join(tail).replace("\n", "")


def test_report_schema_accepts_the_data_version(capsys) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from greenplan._resources import resource_path
    from greenplan.cli import main

    schema = json.loads(resource_path("report_schema.json").read_text(encoding="utf-8"))
    assert "data_version" in schema["required"]
    assert main(["report", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, schema)
    doc["data_version"] = 2026  # not a string
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)

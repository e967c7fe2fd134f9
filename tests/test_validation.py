"""Validation: every failure mode of the bad-input corpus, for CSV, GBK CSV and XLSX."""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import greenplan as gp
from _excel_engines import ENGINE_ENV, with_engines
from greenplan.errors import OptionError
from greenplan.validation import CHECKS, Code, Finding, ValidationReport

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_bad_corpus"] = corpus
_spec.loader.exec_module(corpus)

CASES = [
    p
    for name, case in corpus.CASES.items()
    for variant in case.variants
    for p in with_engines(case, variant, id=f"{name}-{variant}", excel=variant == "xlsx")
]


def _path(case, variant: str, tmp_path: Path) -> Path:
    if variant == "csv":
        path = DATA / "bad" / f"{case.name}.csv"
        assert path.read_text(encoding="utf-8") == case.text, "run tests/data/make_bad_corpus.py"
        return path
    return corpus.write_variant(case, variant, tmp_path)


@pytest.mark.parametrize(("case", "variant", "engine"), CASES)
def test_corpus_finding_code_and_location(case, variant, engine, tmp_path, monkeypatch):
    if engine:
        monkeypatch.setenv(ENGINE_ENV, engine)
    path = _path(case, variant, tmp_path)
    # the coverage check runs the whole compute engine: only where it is the point
    options = {"check_coverage": case.code == "not_computable", **dict(case.options)}
    report = gp.validate(path, **options)
    hits = [f for f in report.findings if f.code == case.code]
    if case.variable is not None:
        hits = [f for f in hits if f.variable == case.variable]
    assert hits, f"expected {case.code} in:\n{report.to_text(infos=True)}"
    f = hits[0]
    assert f.severity == CHECKS[Code(case.code)].severity
    if case.code != "not_computable":
        assert f.file == str(path)
        assert f.sheet == ("数据" if variant == "xlsx" else "")
    assert f.row == case.row
    if case.column is not None:
        assert f.column == case.column
    for field in ("region", "year", "variable"):
        expected = getattr(case, field)
        if expected is not None:
            assert getattr(f, field) == expected, (field, f)
    assert f.message and len(f.message) > 30
    # row accounting: rows read = accepted + rejected, and nothing raised
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    if CHECKS[Code(case.code)].severity == "error":
        assert not report.ok


@pytest.mark.parametrize(
    ("variant", "engine"),
    [*with_engines("csv", id="csv", excel=False), *with_engines("xlsx", id="xlsx")],
)
def test_unreadable_file(variant, engine, tmp_path, monkeypatch):
    if engine:
        monkeypatch.setenv(ENGINE_ENV, engine)
    if variant == "csv":
        path = DATA / "bad" / "unreadable.csv"
    else:
        path = tmp_path / "unreadable.xlsx"
        path.write_bytes(b"PK\x03\x04" + corpus.UNREADABLE)
    report = gp.validate(path)
    assert [f.code for f in report.findings] == ["unreadable_file"]
    assert report.findings[0].file == str(path)
    assert not report.ok


def test_empty_zero_byte_file(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_bytes(b"")
    report = gp.validate(path)
    assert [f.code for f in report.findings] == ["empty_file"]


def test_missing_path_and_empty_directory(tmp_path):
    report = gp.validate(tmp_path / "nope.csv", tmp_path)
    codes = [f.code for f in report.findings]
    assert codes == ["unreadable_file", "unreadable_file"]


@pytest.mark.parametrize(
    ("variant", "engine"),
    [
        *with_engines("csv", id="csv", excel=False),
        *with_engines("gbk", id="gbk", excel=False),
        *with_engines("xlsx", id="xlsx"),
    ],
)
def test_clean_file_is_ok(variant, engine, tmp_path, monkeypatch):
    if engine:
        monkeypatch.setenv(ENGINE_ENV, engine)
    case = corpus.Case("clean", corpus.GOOD_TEXT, "", None, None)
    path = (
        DATA / "good" / "clean.csv"
        if variant == "csv"
        else corpus.write_variant(case, variant, tmp_path)
    )
    report = gp.validate(path, check_coverage=False)
    assert report.ok, report.to_text()
    assert not report.errors and not report.warnings
    assert report.rows_read == report.rows_accepted == 8
    table = report.table
    assert list(table.columns) == [
        "region",
        "year",
        "variable",
        "value",
        "unit",
        "source",
        "note",
        "file",
        "sheet",
        "row",
    ]
    jinan_2020 = table.query("variable == 'energy_consumption' and year == 2020")
    assert jinan_2020["region"].tolist() == ["济南市"]
    assert jinan_2020["value"].tolist() == [3512.6]
    assert jinan_2020["row"].tolist() == [6]
    assert table.query("variable == 'capacity_solar'")["value"].tolist() == [3.5]


def test_finding_is_frozen_and_serialisable():
    f = Finding(code="non_numeric", severity="error", message="x", file="a.csv", row=3)
    with pytest.raises(Exception):
        f.row = 4  # type: ignore[misc]
    assert f.model_dump()["row"] == 3
    assert "a.csv:3" in str(f)


def test_checks_cover_every_code_and_are_documented():
    assert set(CHECKS) == set(Code)
    doc = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    for code in Code:
        assert f"`{code.value}`" in doc, code


def _bad_report(tmp_path) -> ValidationReport:
    path = tmp_path / "mixed.csv"
    path.write_text(
        corpus._rows(
            "济南市,2019,energy_consumption,3500,万吨标准煤",
            "济南市,2020,energy_consumption,7200,万吨标准煤",
            "济南市,2020,gdp,abc,亿元",
        ),
        encoding="utf-8",
    )
    return gp.validate(path, check_coverage=False)


def test_report_renderings(tmp_path):
    report = _bad_report(tmp_path)
    assert not report.ok
    assert report.counts["error"] == 1 and report.counts["warning"] == 1
    assert report.passed() is False and report.passed(strict=True) is False
    frame = report.to_frame()
    assert {"code", "severity", "message", "file", "row", "column", "value", "expected"} <= set(
        frame.columns
    )
    assert frame.query("code == 'non_numeric'")["row"].tolist() == [4]
    data = json.loads(report.to_json())
    assert data["summary"]["ok"] is False
    assert data["summary"]["rows_read"] == 3 and data["summary"]["rows_rejected"] == 1
    assert any(f["code"] == "yoy_jump" for f in data["findings"])
    root = ET.fromstring(report.to_junit())
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["non_numeric"]
    strict = ET.fromstring(report.to_junit(strict=True))
    assert {f.get("type") for f in strict.findall(".//failure")} == {"non_numeric", "yoy_jump"}
    text = str(report)
    assert "FAILED" in text and "row 4, column 数值: error [non_numeric]" in text
    html = report._repr_html_()
    assert "<table>" in html and "non_numeric" in html
    assert "errors=1" in repr(report)


def test_warnings_only_is_ok_but_not_strict(tmp_path):
    report = gp.validate(DATA / "bad" / "yoy_jump.csv", check_coverage=False)
    assert report.ok and not report.passed(strict=True)


def test_yoy_threshold_is_configurable():
    data = pd.DataFrame(
        {
            "region": "济南市",
            "year": [2019, 2020],
            "variable": "gdp",
            "value": [100.0, 130.0],
            "unit": "亿元",
        }
    )
    assert not gp.validate(data, check_coverage=False).warnings
    report = gp.validate(data, yoy_threshold=0.2, check_coverage=False)
    assert [f.code for f in report.warnings] == ["yoy_jump"]
    assert report.warnings[0].row == 2


def test_year_range_option():
    data = pd.DataFrame(
        {"region": "济南市", "year": [1900], "variable": "gdp", "value": [1.0], "unit": "亿元"}
    )
    assert not gp.validate(data, check_coverage=False).ok
    assert gp.validate(data, year_range=(1800, 2030), check_coverage=False).ok


def test_sum_tolerance_option():
    data = pd.DataFrame(
        {
            "region": "济南市",
            "year": 2020,
            "variable": ["capacity_renewable", "capacity_solar"],
            "value": [100.0, 101.5],
            "unit": "万千瓦",
        }
    )
    assert not gp.validate(data, check_coverage=False).ok
    assert gp.validate(data, sum_rtol=0.02, check_coverage=False).ok


def test_children_complete_must_match():
    from greenplan.variables import children

    kids = children("water_nonconventional")
    data = pd.DataFrame(
        {
            "region": "济南市",
            "year": 2020,
            "variable": ["water_nonconventional", *kids],
            "value": [2.0] + [0.1] * len(kids),
            "unit": "亿立方米",
        }
    )
    report = gp.validate(data, check_coverage=False)
    assert [f.code for f in report.errors] == ["children_sum_mismatch"]
    partial = data.iloc[:2]  # fewer components summing to less than the total: fine
    assert gp.validate(partial, check_coverage=False).ok


def test_districts_complete_sum_mismatch_and_zones_ignored():
    from greenplan.regions import districts

    comps = districts()
    data = pd.DataFrame(
        {
            "region": ["济南市", *comps, "济南高新区"],
            "year": 2020,
            "variable": "gdp",
            "value": [1000.0] + [90.0] * len(comps) + [500.0],
            "unit": "亿元",
        }
    )
    report = gp.validate(data, check_coverage=False)
    assert [f.code for f in report.warnings] == ["districts_sum_mismatch"]
    assert report.warnings[0].expected == "1080"
    data.loc[0, "value"] = 90.0 * len(comps)
    assert not gp.validate(data, check_coverage=False).findings


def _messy(n: int, seed: int, first_year: int = 1990) -> pd.DataFrame:
    """SYNTHETIC random statistics: every region, many years and variables, duplicates."""
    from greenplan.regions import CITY, districts
    from greenplan.variables import VARIABLES

    rng = np.random.default_rng(seed)
    codes = sorted(VARIABLES)
    data = pd.DataFrame(
        {
            "region": rng.choice([CITY, *districts()], n),
            "year": rng.integers(first_year, 2024, n),
            "variable": rng.choice(codes, n),
            "value": np.round(rng.uniform(0, 100, n), 1),
        }
    )
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    again = data.sample(n // 20, random_state=seed)
    changed = data.sample(n // 20, random_state=seed + 1).assign(value=lambda d: d["value"] + 1)
    return pd.concat([data, again, changed], ignore_index=True)


def test_group_codes_dense_and_factorized():
    from greenplan.checks import group_codes as _group_codes

    dense = np.array([3, 0, 3, 7], dtype=np.int64)
    bins, n = _group_codes(dense)
    assert bins is dense and n == 8
    sparse = np.array([10**9, 5, 10**9], dtype=np.int64)
    bins, n = _group_codes(sparse)
    assert bins.tolist() == [0, 1, 0] and n == 2
    bins, n = _group_codes(np.array([], dtype=np.int64))
    assert bins.size == 0 and n == 0


def test_sums_and_duplicates_do_not_depend_on_the_key_range(monkeypatch):
    from greenplan import checks

    data = _messy(3000, seed=3)
    dense = gp.validate(data, check_coverage=False, check_reported=False, max_findings=10**6)
    codes = {f.code for f in dense.findings}
    assert {"duplicate_conflict", "duplicate_identical", "districts_sum_mismatch"} <= codes
    assert "children_sum_mismatch" in codes

    def always_factorized(keys):
        c, u = pd.factorize(keys)
        return np.asarray(c, dtype=np.int64), len(u)

    monkeypatch.setattr(checks, "group_codes", always_factorized)
    other = gp.validate(data, check_coverage=False, check_reported=False, max_findings=10**6)
    assert [f.model_dump() for f in other.findings] == [f.model_dump() for f in dense.findings]
    pd.testing.assert_frame_equal(other.table, dense.table)


def test_not_computable_summarises_years_and_missing_inputs_per_region(monkeypatch):
    from greenplan import engine
    from greenplan.validation import _years_text

    data = _messy(150, seed=5, first_year=2019).drop_duplicates(["region", "year", "variable"])
    report = gp.validate(data, check_reported=False)
    # what engine.coverage lists for the accepted rows (validation summarises its integer
    # form, engine.coverage_codes, of the same inputs)
    cov = engine.coverage(report.table)
    expected = {}
    for (indicator, region), rows in cov.groupby(["indicator", "region"], sort=False):
        missing = {c for p in rows["missing"].fillna("") for c in p.split(";") if c}
        years = np.unique(rows["year"].to_numpy())
        expected[(indicator, region)] = (missing, _years_text(years), len(years))
    found = {
        (f.variable, f.region): f
        for f in report.findings
        if f.code == "not_computable" and f.region
    }
    assert len(found) > 100 and set(found) <= set(expected)
    assert any(f.count > 1 and "," in (f.expected or "") for f in found.values())
    for key, f in found.items():
        missing, years, count = expected[key]
        assert f"for {key[1]} in {years}: missing " in f.message
        assert set((f.expected or "").split(", ")) - {""} == missing
        assert f.count == count


def test_not_computable_lists_missing_inputs():
    report = gp.validate(DATA / "bad" / "not_computable.csv")
    hit = next(f for f in report.infos if f.variable == "gdp_constant_2020")
    assert hit.region == "济南市" and hit.year == 2021
    assert "gdp_real_growth" in hit.message


def test_coverage_and_reported_checks_can_be_switched_off():
    report = gp.validate(
        DATA / "bad" / "reported_mismatch.csv", check_coverage=False, check_reported=False
    )
    assert not report.findings


def test_many_bad_rows_are_summarised_but_counted():
    n = 500
    data = pd.DataFrame(
        {
            "region": "济南市",
            "year": np.arange(1950, 1950 + n),
            "variable": "gdp",
            "value": ["x"] * n,
            "unit": "亿元",
        }
    )
    report = gp.validate(data, max_findings=10, check_coverage=False, year_range=(1900, 2500))
    listed = [f for f in report.errors if f.count == 1]
    summary = [f for f in report.errors if f.count > 1]
    assert len(listed) == 10 and len(summary) == 1
    assert summary[0].count == n - 10
    assert sum(f.count for f in report.errors) == n == report.rows_rejected


def test_unknown_option_raises():
    with pytest.raises(OptionError, match="yoy_threshold"):
        gp.validate(pd.DataFrame(), yoy_treshold=0.3)
    with pytest.raises(OptionError):
        gp.validate(pd.DataFrame(), year_range=(2030, 2000))


def test_validate_never_raises_for_odd_sources(tmp_path):
    report = gp.validate(42, None, pd.DataFrame(), pd.DataFrame({"a": [1]}), check_coverage=False)
    assert not report.ok
    assert "internal_error" not in {f.code for f in report.findings}


def test_read_statistics_raises_with_report():
    with pytest.raises(gp.StatisticsError) as info:
        gp.read_statistics(DATA / "bad" / "non_numeric.csv")
    report = info.value.report
    assert isinstance(report, ValidationReport)
    assert [f.code for f in report.errors] == ["non_numeric"]
    assert "约12亿" in str(info.value)


# --- published rates vs levels (issue 10: a disagreement beyond rounding is a warning) ----------


def _water(rate: float) -> pd.DataFrame:
    # synthetic: water use per 10⁴ yuan GDP 50 (2020) and 46 (2023): 46/50 − 1 = −8.00 %
    return pd.DataFrame(
        {
            "region": "济南市",
            "year": [2020, 2023, 2023],
            "variable": ["water_use_per_gdp", "water_use_per_gdp", "water_use_per_gdp_change"],
            "value": [50.0, 46.0, rate],
            "unit": ["立方米/万元", "立方米/万元", "%"],
        }
    )


def test_published_rate_disagreeing_with_levels_is_a_warning_on_its_row():
    report = gp.validate(_water(-10.0))  # published −10.0 %, levels give −8.00 %: 2 points apart
    found = [f for f in report.findings if f.code == "rate_mismatch"]
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].variable == "water_use_per_gdp_change" and found[0].year == 2023
    assert found[0].row == 3
    assert report.ok


@pytest.mark.parametrize("rate", [-8.0, -8.04, -7.96])
def test_published_rate_within_its_rounding_is_no_finding(rate):
    # one decimal published: ±0.05 around −8.00 is the rounding of the same figure
    report = gp.validate(_water(rate))
    assert not [f for f in report.findings if f.code == "rate_mismatch"]

"""Issue 15: no silent wrong number, no silent loss, the same answer from every door.

Each test reads a file (or frame) written here that reproduces one defect of the issue.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from _excel_engines import xlsx_engine  # noqa: F401 (a fixture)
from greenplan import engine
from greenplan.cli import main
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.io import parse_numbers

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_bad_corpus", corpus)
_spec.loader.exec_module(corpus)

HEADER = "地区,年份,指标,数值,单位\n"
GOOD = HEADER + '济南市,2020,gdp,"10,140.91",亿元\n'


# --- 1. numbers: a comma separates thousands only between groups of three ------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("10,140.91", ".", 10140.91),
        ("1,234,567", ".", 1234567.0),
        ("10 140.91", ".", 10140.91),
        ("10140,91", ".", None),
        ("1,2", ".", None),
        ("1.234,5", ".", None),
        ("1,23,456", ".", None),
        ("10140,91", ",", 10140.91),
        ("1.234,5", ",", 1234.5),
        ("1,2", ",", 1.2),
        ("10,140.91", ",", None),
    ],
)
def test_comma_rule(text: str, decimal: str, expected: float | None) -> None:
    values, missing, bad = parse_numbers([text], decimal=decimal)
    assert not missing[0]
    if expected is None:
        assert bad[0] and np.isnan(values[0])
    else:
        assert not bad[0] and values[0] == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(0, 99))
def test_numbers_with_separators_round_trip(whole: int, cents: int) -> None:
    sign = "-" if whole < 0 else ""
    grouped = f"{abs(whole):,}"
    expected = float(f"{sign}{abs(whole)}.{cents:02d}")
    point = f"{sign}{grouped}.{cents:02d}"
    comma = f"{sign}{grouped.replace(',', '.')},{cents:02d}"
    assert parse_numbers([point])[0][0] == expected
    assert parse_numbers([comma], decimal=",")[0][0] == expected
    # the other convention never gives a number silently, except where both agree
    other = parse_numbers([comma])[0][0]
    assert np.isnan(other) or other == expected


def test_decimal_comma_option_reads_a_semicolon_file(tmp_path: Path) -> None:
    path = tmp_path / "dc.csv"
    path.write_text("地区;年份;指标;数值;单位\n济南市;2020;gdp;10140,91;亿元\n", encoding="utf-8")
    with pytest.raises(StatisticsError, match="decimal=','"):
        gp.read_statistics(path)
    assert gp.read_statistics(path, decimal=",")["value"].tolist() == [10140.91]


def test_decimal_values_are_numbers() -> None:
    frame = pd.DataFrame(
        {"地区": ["济南市"], "年份": [2020], "指标": ["gdp"], "数值": [Decimal("10140.91")]}
    )
    assert gp.read_statistics(frame)["value"].tolist() == [10140.91]
    canon = pd.DataFrame(
        {"region": ["济南市"], "year": [2020], "variable": ["gdp"], "value": [Decimal("1.5")]}
    )
    assert engine.inputs_from(canon)["gdp"].tolist() == [1.5]


# --- 2. workbooks as bureaus send them ------------------------------------------------------


@pytest.fixture
def bureau(tmp_path: Path, xlsx_engine: str) -> gp.ValidationReport:  # noqa: F811 (fixture)
    return gp.validate(corpus.write_bureau_workbook(tmp_path), check_coverage=False)


def _one(report: gp.ValidationReport, code: str) -> gp.Finding:
    hits = [f for f in report.findings if f.code == code]
    assert len(hits) == 1, report.to_text(infos=True)
    return hits[0]


def test_merged_region_cells_are_filled_and_said(bureau: gp.ValidationReport) -> None:
    f = _one(bureau, "merged_cells")
    assert (f.severity, f.row, f.column, f.value) == ("info", 3, "地区", "历下区")
    table = bureau.table
    assert table.query("variable == 'gdp'")["region"].tolist() == ["历下区"] * 3
    assert not [f for f in bureau.findings if f.code == "missing_value"]


def test_percent_formatted_share_is_read_as_shown(bureau: gp.ValidationReport) -> None:
    f = _one(bureau, "percent_format")
    assert (f.row, f.column) == (6, "数值")
    air = bureau.table.query("variable == 'good_air_days_ratio'")
    assert air["value"].tolist() == [62.0]


def test_formula_without_value_and_excel_error_say_so(bureau: gp.ValidationReport) -> None:
    bad = {f.row: f for f in bureau.findings if f.code == "non_numeric"}
    assert set(bad) == {7, 8}
    assert "formula =D3*2" in bad[7].message and "no computed value" in bad[7].message
    assert "#DIV/0!" in bad[8].message and "empty" not in bad[8].message


def test_footnotes_are_one_info_finding(bureau: gp.ValidationReport) -> None:
    f = _one(bureau, "footnote")
    assert (f.row, f.count) == (9, 2)
    assert not [f for f in bureau.findings if f.code in {"unknown_region", "missing_value"}]
    # rows: 3 gdp + 1 share accepted, 2 formula cells rejected; the notes are not rows
    assert (bureau.rows_read, bureau.rows_accepted) == (6, 4)


def test_percent_scale_warning_for_a_fraction_in_a_percent_series() -> None:
    frame = pd.DataFrame(
        {
            "region": "济南市",
            "year": [2020, 2021, 2022],
            "variable": "good_air_days_ratio",
            "value": [62.0, 0.646, 66.0],
            "unit": "%",
        }
    )
    report = gp.validate(frame, check_coverage=False)
    f = _one(report, "percent_scale")
    assert (f.row, f.year, f.severity) == (2, 2021, "warning")


def test_no_unnamed_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(HEADER.rstrip("\n") + ",\n济南市,2020,gdp,1,亿元,x\n", encoding="utf-8")
    report = gp.validate(path, check_coverage=False)
    text = report.to_text(infos=True)
    assert "Unnamed" not in text and "(column F)" in text


def test_finding_cap_holds_for_unknown_columns(tmp_path: Path) -> None:
    cols = ",".join(f"col{i}" for i in range(2000))
    path = tmp_path / "wide.csv"
    path.write_text(f"地区,年份,{cols}\n济南市,2020," + ",".join(["1"] * 2000) + "\n")
    report = gp.validate(path, check_coverage=False, max_findings=20)
    unknown = [f for f in report.findings if f.code == "unknown_variable"]
    assert len(unknown) == 21
    assert sum(f.count for f in unknown) == 2000
    assert report.rows_read == report.rows_accepted + report.rows_rejected == 2000


# --- 3. one gate for compute ----------------------------------------------------------------


def _frame(**overrides: list[object]) -> pd.DataFrame:
    data: dict[str, list[object]] = {
        "region": ["济南市", "济南市"],
        "year": [2020, 2021],
        "variable": ["gdp", "gdp"],
        "value": [10140.91, 11432.22],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_compute_resolves_aliases_and_chinese_names() -> None:
    frame = _frame(region=["济南", "济南"], variable=["地区生产总值", "地区生产总值"])
    out = gp.compute(frame, "gdp_constant_2020")
    assert out["region"].tolist() == ["济南市"]
    assert out["value"].tolist() == [10140.91]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"value": [-1.0, 11432.22]}, "negative_value"),
        ({"value": ["abc", 11432.22]}, "non_numeric"),
        ({"region": ["济南市", "不存在区"]}, "unknown_region"),
    ],
)
def test_compute_refuses_what_a_file_would_refuse(overrides: dict, code: str) -> None:
    frame = _frame(**overrides)
    with pytest.raises(StatisticsError) as info:
        gp.compute(frame)
    assert code in {f.code for f in info.value.report.findings}
    assert code in {f.code for f in gp.validate(frame, check_coverage=False).errors}


def test_conflicting_duplicates_from_concat_are_refused_with_rows() -> None:
    stats = gp.read_statistics(_frame())
    more = gp.read_statistics(_frame(value=[10140.91, 99.0]))
    with pytest.raises(StatisticsError) as info:
        gp.compute(pd.concat([stats, more], ignore_index=True))
    f = next(f for f in info.value.report.findings if f.code == "duplicate_conflict")
    assert f.year == 2021 and f.variable == "gdp"


def test_a_frame_from_read_statistics_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    stats = gp.read_statistics(_frame())

    def read_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("read twice")

    monkeypatch.setattr(engine, "read_statistics", read_again)
    assert gp.compute(stats, "gdp_constant_2020")["value"].tolist() == [10140.91]
    with pytest.raises(AssertionError, match="read twice"):
        gp.compute(stats.copy(), "gdp_constant_2020")


@pytest.mark.parametrize("indicators", [5, 2.5, [1, 2]])
def test_bad_indicator_argument_is_a_greenplan_error(indicators: object) -> None:
    stats = gp.read_statistics(_frame())
    with pytest.raises(GreenplanError, match="indicator id"):
        gp.compute(stats, indicators)  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["abc", "-5", "1,2", "—", "1e999", "10,140.91", "1.5"]))
def test_every_door_gives_the_same_errors(cell: str) -> None:
    frame = _frame(value=[cell, "11432.22"])
    report = gp.validate(frame, check_coverage=False)
    try:
        gp.compute(frame)
        doors = set()
    except StatisticsError as exc:
        doors = {(f.code, f.row) for f in exc.report.errors}
    assert doors == {(f.code, f.row) for f in report.errors}


# --- 4. doors agree: command line -----------------------------------------------------------


@pytest.mark.usefixtures("xlsx_engine")
def test_zip_renamed_xlsx_same_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import zipfile

    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    codes = {cmd: main([cmd, str(path)]) for cmd in ("validate", "compute")}
    err = capsys.readouterr().err
    assert codes == {"validate": 2, "compute": 2}
    assert err.count("is a zip archive, but not of an Excel workbook") >= 2


def test_junit_report_names_a_missing_path_and_validates_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "济南市,2020,gdp,abc,亿元\n", encoding="utf-8")
    out = tmp_path / "v.xml"
    missing = tmp_path / "missing.csv"
    code = main(["validate", "--format", "junit", "-o", str(out), str(good), str(missing)])
    assert code == 2
    suites = {s.get("name"): s for s in ET.parse(out).getroot()}
    assert set(suites) == {str(good), str(missing)}
    assert suites[str(good)].get("failures") == "1"  # non_numeric: the good file was read
    failing = [c.get("name") for c in suites[str(missing)] if c.find("failure") is not None]
    assert failing == ["unreadable_file"]


def test_mixed_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(GOOD.encode("utf-8") + "历下区,2020,gdp,2000,亿元\n".encode("gbk") + b"\x80\n")
    f = _one(gp.validate(path), "unreadable_file")
    assert f.row == 3 and "line 3" in f.message


@pytest.mark.parametrize("source", ["-", "/dev/stdin"])
def test_standard_input_is_read(source: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "greenplan", "validate", source],
        input=GOOD.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"rows read 1, accepted 1" in proc.stdout


def test_compute_csv_file_has_a_bom(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "x.csv"
    assert main(["compute", str(src), "--indicator", "gdp_constant_2020", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "济南市".encode() in data


# --- 5. notebook display --------------------------------------------------------------------


def test_html_groups_info_findings_by_code() -> None:
    frame = _frame(value=["abc", 11432.22]).assign(序号=[1, 2], 备注2=["a", "b"])
    report = gp.validate(frame)
    page = report._repr_html_()
    main_table, _, grouped = page.partition("<details>")
    assert "non_numeric" in main_table and "column_ignored" not in main_table
    n_ignored = report.by_code()["column_ignored"]
    assert f"<b>{n_ignored}</b> column_ignored" in grouped
    assert "not_computable" in grouped

"""Readers: CSV (UTF-8, BOM, GBK), XLSX, Parquet, DataFrames; long and wide layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import greenplan as gp
from _excel_engines import xlsx_engine  # noqa: F401 (a fixture)
from greenplan.io import canonical_header, parse_numbers, parse_year
from greenplan.io.excel import ENGINE_ENV

NO_COVERAGE = {"check_coverage": False}

LONG = (
    "地区,年份,指标,数值,单位\n"
    '济南市,2020,gdp,"10,140.91",亿元\n'
    "历下区,2020,gdp,2500000,万元\n"
    "济南,2020年,能源消费总量,3512.6,万吨标准煤\n"
)


def test_parse_numbers_chinese_conventions():
    values, missing, bad = parse_numbers(
        ["10,140.91", "１２.５", " 7 ", "—", "-", "", None, "12a", "inf", True, 3, 2.5]
    )
    assert values[:3].tolist() == [10140.91, 12.5, 7.0]
    assert missing.tolist() == [False] * 3 + [True] * 4 + [False] * 5
    assert bad.tolist() == [False] * 7 + [True, True, True, False, False]
    assert values[-2:].tolist() == [3.0, 2.5]


def test_parse_numbers_numeric_series_fast_path():
    _, missing, bad = parse_numbers(pd.Series([1.0, np.nan, np.inf]))
    assert missing.tolist() == [False, True, False]
    assert bad.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        (2020, 2020),
        (2020.0, 2020),
        ("2020", 2020),
        ("2020年", 2020),
        ("２０２０", 2020),
        ("2020.5", None),
        ("x", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_year(cell, year):
    assert parse_year(cell) == year


@pytest.mark.parametrize(
    ("header", "canon", "unit"),
    [
        ("地区", "region", None),
        ("Year", "year", None),
        ("指标代码", "variable", None),
        ("数值(万吨标准煤)", "value", "万吨标准煤"),
        ("数值（亿元）", "value", "亿元"),
        ("计量单位", "unit", None),
        ("数据来源", "source", None),
        ("备注", "note", None),
        ("Notes", "note", None),
        ("说明", "note", None),
        ("序号", None, None),
    ],
)
def test_canonical_header(header, canon, unit):
    assert canonical_header(header) == (canon, unit)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_read_long_csv_encodings(tmp_path, encoding):
    path = tmp_path / "long.csv"
    path.write_bytes(LONG.encode(encoding))
    table = gp.read_statistics(path)
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
    assert table["note"].tolist() == ["", "", ""]
    assert table["year"].dtype == "int64" and table["value"].dtype == "float64"
    assert table["row"].tolist() == [2, 3, 4]
    assert table["region"].tolist() == ["济南市", "历下区", "济南市"]
    assert table["variable"].tolist() == ["gdp", "gdp", "energy_consumption"]
    assert table["value"].tolist() == pytest.approx([10140.91, 250.0, 3512.6])
    assert table["unit"].tolist() == ["亿元", "亿元", "万吨标准煤"]
    assert set(table["file"]) == {str(path)} and set(table["sheet"]) == {""}


def test_units_converted_once_per_group(tmp_path, monkeypatch):
    from greenplan import units

    calls = []
    real = units.factor

    def counting(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(units, "factor", counting)
    # the readers keep each pair's factor for the process: forget those of earlier tests
    from greenplan.io.cells import _pair_info

    _pair_info.cache_clear()
    n = 1000
    data = pd.DataFrame(
        {
            "region": "济南市",
            "year": np.arange(1950, 1950 + n) % 70 + 1950,
            "variable": np.where(np.arange(n) % 2, "gdp", "energy_consumption"),
            "value": 1.0,
            "unit": np.where(np.arange(n) % 2, "万元", "tce"),
        }
    )
    report = gp.validate(data, check_coverage=False, yoy_threshold=float("inf"))
    assert sorted(set(calls)) == [("tce", "万吨标准煤"), ("万元", "亿元")]
    assert len(calls) == 2
    assert report.table["value"].iloc[:2].tolist() == [1e-4, 1e-4]


def test_title_rows_and_blank_lines_keep_row_numbers(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text(
        "2020年济南市主要指标,,,,\n\n" + LONG.replace("\n济南,", "\n\n济南,"), encoding="utf-8"
    )
    table = gp.read_statistics(path)
    assert table["row"].tolist() == [4, 5, 7]


def test_wide_layout_with_units_in_headers(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(
        "地区,年份,地区生产总值(亿元),能源消费总量(万吨标准煤),光伏发电装机容量(MW)\n"
        "济南市,2020,10140.91,3512.6,—\n"
        "历下区,2020,,100,50\n",
        encoding="utf-8",
    )
    report = gp.validate(path, **NO_COVERAGE)
    assert report.ok and not report.warnings
    t = report.table.sort_values(["region", "variable"])
    assert report.rows_read == 4  # observations: empty cells and — are not observations
    assert t.query("variable == 'capacity_solar'")["value"].tolist() == [5.0]
    assert t.query("region == '济南市'")["row"].tolist() == [2, 2]


def test_wide_without_units_warns_once(tmp_path):
    data = pd.DataFrame(
        {"地区": ["济南市"], "年份": [2020], "gdp": [10140.91], "能源消费总量": [3512.6]}
    )
    report = gp.validate(data, **NO_COVERAGE)
    assert [f.code for f in report.findings] == ["unit_assumed"]


def test_wide_years_layout(tmp_path):
    path = tmp_path / "years.csv"
    path.write_text(
        "地区,指标,单位,2019,2020年\n济南市,能源消费总量,万吨标准煤,3550.1,3512.6\n", encoding="gbk"
    )
    table = gp.read_statistics(path)
    assert table["year"].tolist() == [2019, 2020]
    assert table["value"].tolist() == [3550.1, 3512.6]
    assert table["row"].tolist() == [2, 2]


@pytest.mark.usefixtures("xlsx_engine")
def test_xlsx_every_sheet_named_sheets_and_notes(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表由市统计局提供"])
    ws2 = wb.create_sheet("2020")
    ws2.append(["2020年主要指标"])
    ws2.append([])
    ws2.append(["地区", "年份", "指标", "数值", "单位"])
    ws2.append(["济南市", 2020, "gdp", 10140.91, "亿元"])
    ws3 = wb.create_sheet("2021")
    ws3.append(["地区", "年份", "指标", "数值", "单位"])
    ws3.append(["济南市", 2021, "gdp", "11,432.22", "亿元"])
    wb.save(path)
    report = gp.validate(path, **NO_COVERAGE)
    assert [f.code for f in report.findings] == ["sheet_skipped"]
    assert report.findings[0].sheet == "说明"
    t = report.table
    assert t[["sheet", "row", "value"]].values.tolist() == [
        ["2020", 4, 10140.91],
        ["2021", 2, 11432.22],
    ]
    only = gp.read_statistics(path, sheets="2021")
    assert only["sheet"].tolist() == ["2021"]
    report = gp.validate(path, sheets=["nope"], **NO_COVERAGE)
    assert [f.code for f in report.findings] == ["missing_sheet"]


def test_missing_openpyxl_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, "openpyxl")  # the fallback engine, without openpyxl
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    Workbook().save(path)

    def no_excel(*args, **kwargs):
        raise ImportError("Missing optional dependency 'openpyxl'.")

    monkeypatch.setattr(pd, "ExcelFile", no_excel)
    report = gp.validate(path)
    assert [f.code for f in report.findings] == ["missing_dependency"]
    assert "greenplan[excel]" in report.findings[0].message


def test_parquet(tmp_path):
    path = tmp_path / "data.parquet"
    pd.DataFrame(
        {
            "region": ["济南市"],
            "year": [2020],
            "variable": ["gdp"],
            "value": [10140.91],
            "unit": ["亿元"],
        }
    ).to_parquet(path)
    table = gp.read_statistics(path)
    assert table["row"].tolist() == [1] and table["file"].tolist() == [str(path)]


def test_missing_pyarrow_is_a_finding(tmp_path, monkeypatch):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1....")

    def no_arrow(*args, **kwargs):
        raise ImportError("Missing optional dependency 'pyarrow'.")

    monkeypatch.setattr(pd, "read_parquet", no_arrow)
    report = gp.validate(path)
    assert [f.code for f in report.findings] == ["missing_dependency"]
    assert "greenplan[parquet]" in report.findings[0].message


def test_dataframe_rows_and_provenance_round_trip(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(LONG, encoding="utf-8")
    table = gp.read_statistics(path)
    again = gp.read_statistics(table)
    pd.testing.assert_frame_equal(again.reset_index(drop=True), table, check_exact=False)
    plain = gp.read_statistics(table[["region", "year", "variable", "value", "unit"]])
    assert plain["row"].tolist() == [1, 2, 3]
    assert plain["file"].tolist() == ["<DataFrame #1>"] * 3


def test_directory_is_searched(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.csv").write_text(LONG, encoding="utf-8")
    (tmp_path / "sub" / "b.csv").write_text(LONG.replace("2020", "2021"), encoding="gbk")
    (tmp_path / "notes.md").write_text("not data", encoding="utf-8")
    (tmp_path / "~$lock.xlsx").write_bytes(b"junk")
    table = gp.read_statistics(tmp_path)
    assert len(table) == 6
    assert sorted(set(table["file"])) == [str(tmp_path / "a.csv"), str(tmp_path / "sub" / "b.csv")]


def test_source_column_is_kept():
    data = pd.DataFrame(
        {
            "region": ["济南市"],
            "year": [2020],
            "variable": ["gdp"],
            "value": [1.0],
            "unit": ["亿元"],
            "来源": ["统计公报"],
        }
    )
    assert gp.read_statistics(data)["source"].tolist() == ["统计公报"]


def test_note_column_is_kept_as_provenance(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        "地区,年份,指标,数值,单位,来源,备注,序号\n"
        "济南市,2020,gdp,10140.91,亿元,统计公报,[C] as printed,1\n"
        "济南市,2021,gdp,11432.22,亿元,统计公报,,2\n"
        '济南市,2022,gdp,12027.4,亿元,统计公报,"[D] 420.5 + 4180.2 + 7426.7 = 12027.4",3\n',
        encoding="utf-8",
    )
    report = gp.validate(path, **NO_COVERAGE)
    # the note is used; a serial number is still an ignored column
    assert [(f.code, f.column) for f in report.findings] == [("column_ignored", "序号")]
    t = report.table
    assert t["note"].tolist() == ["[C] as printed", "", "[D] 420.5 + 4180.2 + 7426.7 = 12027.4"]
    assert t["note"].dtype == t["source"].dtype
    assert gp.read_statistics(t)["note"].tolist() == t["note"].tolist()  # round trip


def test_note_column_absent_is_empty_text():
    data = pd.DataFrame({"region": ["济南市"], "year": [2020], "variable": ["gdp"], "value": [1.0]})
    table = gp.read_statistics(data)
    assert table["note"].tolist() == [""]
    assert list(table.columns).index("note") == list(table.columns).index("source") + 1


@pytest.mark.parametrize("header", ["note", "Notes", "说明"])
def test_note_column_in_wide_layouts(header):
    wide = pd.DataFrame(
        {
            "地区": ["济南市", "历下区"],
            "年份": [2020, 2020],
            "地区生产总值(亿元)": [10140.91, "—"],
            "能源消费总量(万吨标准煤)": [3512.6, 312.5],
            header: ["[C] bulletin", "[?] year unclear"],
        }
    )
    report = gp.validate(wide, **NO_COVERAGE)
    assert not report.errors
    t = report.table.sort_values(["region", "variable"])
    assert t[["region", "variable", "note"]].values.tolist() == [
        ["历下区", "energy_consumption", "[?] year unclear"],
        ["济南市", "energy_consumption", "[C] bulletin"],
        ["济南市", "gdp", "[C] bulletin"],
    ]
    by_year = pd.DataFrame(
        {
            "地区": ["济南市"],
            "指标": ["gdp"],
            "单位": ["亿元"],
            "2020": [10140.91],
            "2021年": [11432.22],
            "备注": ["[D] 2021 from growth"],
        }
    )
    t = gp.read_statistics(by_year)
    assert t["note"].tolist() == ["[D] 2021 from growth"] * 2


@pytest.mark.usefixtures("xlsx_engine")
def test_notes_sheet_headed_with_a_note_name_is_skipped(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "封面"
    ws.append(["说明"])
    ws.append(["本表由市统计局提供"])
    data = wb.create_sheet("数据")
    data.append(["地区", "年份", "指标", "数值", "单位", "备注"])
    data.append(["济南市", 2020, "gdp", 10140.91, "亿元", "[C]"])
    wb.save(path)
    report = gp.validate(path, **NO_COVERAGE)
    assert [(f.code, f.sheet) for f in report.findings] == [("sheet_skipped", "封面")]
    assert report.table["note"].tolist() == ["[C]"]


def test_read_statistics_warnings_in_attrs():
    data = pd.DataFrame({"region": ["济南市"], "year": [2020], "variable": ["gdp"], "value": [1.0]})
    table = gp.read_statistics(data)
    assert [f["code"] for f in table.attrs["greenplan"]["findings"]] == ["unit_assumed"]


def test_semicolon_and_tab_separated(tmp_path):
    for sep in (";", "\t"):
        path = tmp_path / f"sep{ord(sep)}.csv"
        path.write_text(
            LONG.replace(",", sep).replace('"10' + sep + '140.91"', "10140.91"), encoding="utf-8"
        )
        assert len(gp.read_statistics(path)) == 3


# --- robustness: nothing crashes, every row is accounted for --------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.usefixtures("xlsx_engine")
@FUZZ
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_arbitrary_bytes_never_crash(tmp_path, content, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    report = gp.validate(path, check_coverage=False, check_reported=False)
    assert "internal_error" not in {f.code for f in report.findings}, report.to_text()
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    if report.rows_accepted == 0 and report.rows_read == 0:
        assert report.findings  # an unusable file is never silently "clean"


HEADERS = [
    "region",
    "year",
    "variable",
    "value",
    "unit",
    "地区",
    "年份",
    "指标",
    "数值",
    "单位",
    "备注",
    "gdp",
    "能源消费总量(万吨标准煤)",
    "2020",
    "source",
    "",
]
CELLS = st.one_of(
    st.none(),
    st.integers(-10_000, 10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(
        [
            "济南市",
            "历下区",
            "Atlantis",
            "2020",
            "2020年",
            "gdp",
            "energy_consumption",
            "亿元",
            "万吨标准煤",
            "bananas",
            "—",
            "-",
            "10,140.91",
            "１２",
            "",
            " ",
            "x",
        ]
    ),
    st.text(max_size=8),
)


@FUZZ
@given(
    headers=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, min_size=6, max_size=6), max_size=8),
)
def test_arbitrary_tables_never_crash(headers, rows):
    frame = pd.DataFrame([r[: len(headers)] for r in rows], columns=range(len(headers)))
    frame.columns = headers
    report = gp.validate(frame, check_coverage=False, check_reported=False, max_findings=10_000)
    assert "internal_error" not in {f.code for f in report.findings}, report.to_text()
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    assert report.rows_accepted == len(report.table)
    # a rejected row is always named in an error finding
    assert report.rows_rejected == 0 or report.errors


def test_huge_year_is_a_bad_year_not_a_crash():
    # Found by hypothesis (test_arbitrary_tables_never_crash): a float year beyond int64.
    frame = pd.DataFrame([[0, 9.223372036854776e18, None]], columns=["gdp", "year", "region"])
    report = gp.validate(frame, check_coverage=False, check_reported=False)
    codes = {f.code for f in report.findings}
    assert "internal_error" not in codes
    assert "bad_year" in codes

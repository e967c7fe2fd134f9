"""Excel input through python-calamine or openpyxl: the same grid, findings and row numbers.

Workbooks are synthetic: written here with openpyxl, or as raw XML parts to reach what
openpyxl does not write (shared strings, namespace prefixes, cells without a reference).
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import greenplan as gp
from _excel_engines import HAS_CALAMINE, xlsx_engine  # noqa: F401 (a fixture)
from greenplan.io.excel import (
    ENGINE_ENV,
    CalamineBook,
    OpenpyxlBook,
    canonical_cell,
    excel_engine,
    open_workbook,
)
from greenplan.io.normalise import ExcelErrorCell, FormulaCell, PercentCell

openpyxl = pytest.importorskip("openpyxl")
needs_calamine = pytest.mark.skipif(not HAS_CALAMINE, reason="python-calamine is not installed")


def _cells(grid: pd.DataFrame) -> list[list[str]]:
    """The grid as text: the type and repr of every cell (so 2020 ≠ 2020.0 ≠ '2020')."""
    return [[f"{type(v).__name__}:{v!r}" for v in row] for row in grid.itertuples(index=False)]


def _both_grids(path: Path) -> dict[str, tuple[pd.DataFrame, list]]:
    """Every sheet read by both engines; asserts they agree and returns openpyxl's."""
    with OpenpyxlBook(path, "xlsx") as a, CalamineBook(path) as b:
        assert a.sheet_names == b.sheet_names
        out = {}
        for sheet in a.sheet_names:
            ga, ma = a.grid(sheet)
            gb, mb = b._grid(sheet)  # the calamine path itself, no fallback
            assert _cells(ga) == _cells(gb), sheet
            assert ma == mb, sheet
            out[sheet] = (ga, ma)
    return out


# --- canonical cells and the choice of engine --------------------------------------------


def test_canonical_cell() -> None:
    assert canonical_cell(2020.0) == 2020 and type(canonical_cell(2020.0)) is int
    assert type(canonical_cell(2.5)) is float
    # beyond 2**53 a float is not exact: it stays a float, and a big int becomes one
    assert type(canonical_cell(2.0**53)) is float
    assert canonical_cell(2**53 + 1) == float(2**53 + 1)
    assert canonical_cell("") is None and canonical_cell(" \t\u3000") is None
    assert canonical_cell(" x ") == " x "
    assert canonical_cell(dt.date(2020, 1, 2)) == dt.datetime(2020, 1, 2)
    assert canonical_cell(True) is True
    assert canonical_cell(dt.time(3, 4)) == dt.time(3, 4)


def _tiny_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "指标", "数值", "单位"])
    ws.append(["济南市", 2020, "gdp", 10140.91, "亿元"])
    wb.save(path)
    return path


def test_engine_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _tiny_book(tmp_path / "t.xlsx")
    monkeypatch.setenv(ENGINE_ENV, "openpyxl")
    assert excel_engine() == "openpyxl"
    with open_workbook(path, "xlsx") as book:
        assert isinstance(book, OpenpyxlBook)
    monkeypatch.setenv(ENGINE_ENV, "Calamine ")
    assert excel_engine() == ("calamine" if HAS_CALAMINE else "openpyxl")
    monkeypatch.setenv(ENGINE_ENV, "xlrd")  # not an engine: auto, and a warning
    with pytest.warns(RuntimeWarning, match="GREENPLAN_EXCEL_ENGINE='xlrd'"):
        report = gp.validate(path, check_coverage=False)
    assert report.ok and report.table["row"].tolist() == [2]


@needs_calamine
def test_auto_is_calamine_and_falls_back_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tiny_book(tmp_path / "t.xlsx")
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    with open_workbook(path, "xlsx") as book:
        assert isinstance(book, CalamineBook)
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if not installed
    assert excel_engine() == "openpyxl"
    with open_workbook(path, "xlsx") as book:
        assert isinstance(book, OpenpyxlBook)
    assert gp.read_statistics(path)["row"].tolist() == [2]


# --- a workbook written as XML: what openpyxl does not write ------------------------------

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_WB_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="styles.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>
<Relationship Id="rId3" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
</Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="{_NS}" xmlns:r="{_R}"><x:sheets>
<x:sheet name="能源" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>"""
# cell formats: 0 General, 1 custom 0.0% (percent), 2 custom 0"%" (a quoted %: not a percent),
# 3 built-in 10 (0.00%), 4 custom 0.00\% (an escaped %: not a percent)
_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{_NS}"><numFmts count="3">
<numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0&quot;%&quot;"/>
<numFmt numFmtId="166" formatCode="0.00\\%"/></numFmts>
<fonts count="1"><font><sz val="11"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="5">
<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="10"/>
<xf numFmtId="166"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
_STRINGS = ["地区", "年份", "指标", "数值", "单位", "历下区", "gdp", "亿元", "济南市", "%"]
_SHARED = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="{len(_STRINGS)}">'
    + "".join(f"<si><t>{s}</t></si>" for s in _STRINGS)
    + "</sst>"
)


def _s(ref: str, k: int) -> str:
    return f'<x:c r="{ref}" t="s"><x:v>{k}</x:v></x:c>'


def _sheet(refs: bool = True) -> str:
    """A bureau's sheet in the ``x:`` namespace prefix, with shared strings.

    Row 1 the header; rows 2–4 历下区 (merged A2:A4) with gdp; row 5 a share 0.62 in format
    0.0% (percent), row 6 a value 5 in format 0"%" (not a percent), row 7 a formula without
    a saved value, row 8 a cached #DIV/0!, row 9 a shared formula without a value, row 10
    0.125 in format 0.00% (built-in), row 11 7 in format 0.00\\% (not a percent).
    """
    d4 = 'r="D4" ' if refs else ""
    rows = [
        "".join(_s(f"{c}1", k) for c, k in zip("ABCDE", range(5), strict=True)),
        _s("A2", 5) + '<x:c r="B2"><x:v>2019</x:v></x:c>' + _s("C2", 6)
        + '<x:c r="D2"><x:v>2000</x:v></x:c>' + _s("E2", 7),
        '<x:c r="B3"><x:v>2020</x:v></x:c>' + _s("C3", 6)
        + '<x:c r="D3"><x:v>2100.5</x:v></x:c>' + _s("E3", 7),
        '<x:c r="B4"><x:v>2021</x:v></x:c>' + _s("C4", 6)
        + f"<x:c {d4}t=\"e\"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>" + _s("E4", 7),
        _s("A5", 8) + '<x:c r="B5"><x:v>2020</x:v></x:c>'
        + '<x:c r="C5" t="inlineStr"><x:is><x:t>good_air_days_ratio</x:t></x:is></x:c>'
        + '<x:c r="D5" s="1"><x:v>0.62</x:v></x:c>' + _s("E5", 9),
        _s("A6", 8) + '<x:c r="B6"><x:v>2019</x:v></x:c>'
        + '<x:c r="C6" t="inlineStr"><x:is><x:t>good_air_days_ratio</x:t></x:is></x:c>'
        + '<x:c r="D6" s="2"><x:v>5</x:v></x:c>' + _s("E6", 9),
        _s("A7", 8) + '<x:c r="B7"><x:v>2021</x:v></x:c>' + _s("C7", 6)
        + '<x:c r="D7"><x:f>D2*2&amp;""</x:f></x:c>' + _s("E7", 7),
        _s("A8", 8) + '<x:c r="B8"><x:v>2022</x:v></x:c>' + _s("C8", 6)
        + "<x:c r='D8' t='e'><x:v>#DIV/0!</x:v></x:c>" + _s("E8", 7),
        _s("A9", 8) + '<x:c r="B9"><x:v>2023</x:v></x:c>' + _s("C9", 6)
        + '<x:c r="D9" t="str"><x:f t="shared" si="0"/><x:v></x:v></x:c>' + _s("E9", 7),
        _s("A10", 8) + '<x:c r="B10"><x:v>2021</x:v></x:c>'
        + '<x:c r="C10" t="inlineStr"><x:is><x:t>good_air_days_ratio</x:t></x:is></x:c>'
        + "<x:c r='D10' s='3'><x:v>0.125</x:v></x:c>" + _s("E10", 9),
        _s("A11", 8) + '<x:c r="B11"><x:v>2022</x:v></x:c>'
        + '<x:c r="C11" t="inlineStr"><x:is><x:t>good_air_days_ratio</x:t></x:is></x:c>'
        + '<x:c r="D11" s="4"><x:v>7</x:v></x:c>' + _s("E11", 9),
    ]  # fmt: skip
    body = "".join(f'<x:row r="{i}">{r}</x:row>' for i, r in enumerate(rows, start=1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{_NS}">'
        f"<x:sheetData>{body}</x:sheetData>"
        '<x:mergeCells count="1"><x:mergeCell ref="A2:A4"/></x:mergeCells></x:worksheet>'
    )


def _xml_book(path: Path, refs: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/sharedStrings.xml", _SHARED)
        z.writestr("xl/worksheets/sheet1.xml", _sheet(refs))
    return path


@needs_calamine
def test_xml_workbook_cells_agree(tmp_path: Path) -> None:
    grid, merges = _both_grids(_xml_book(tmp_path / "x.xlsx"))["能源"]
    assert merges == [(1, 0, 3, 0)]
    d = grid[3].tolist()
    assert d[1] == 2000 and type(d[1]) is int and d[2] == 2100.5
    assert isinstance(d[3], ExcelErrorCell) and str(d[3]) == "#DIV/0!"
    assert isinstance(d[4], PercentCell) and d[4].stored == 0.62
    assert d[5] == 5  # 0"%": the % is text, the value is not scaled
    assert isinstance(d[6], FormulaCell) and str(d[6]) == '=D2*2&""'
    assert isinstance(d[7], ExcelErrorCell) and str(d[7]) == "#DIV/0!"
    assert isinstance(d[8], FormulaCell) and str(d[8]) == "=…"
    assert isinstance(d[9], PercentCell) and d[9].stored == 0.125
    assert d[10] == 7  # 0.00\%: an escaped % is text too


@pytest.mark.usefixtures("xlsx_engine")
def test_xml_workbook_findings(tmp_path: Path) -> None:
    report = gp.validate(_xml_book(tmp_path / "x.xlsx"), check_coverage=False)
    found = {(f.code, f.row) for f in report.findings}
    assert {("merged_cells", 2), ("percent_format", 5)} <= found
    bad = {f.row: f.message for f in report.findings if f.code == "non_numeric"}
    assert set(bad) == {4, 7, 8, 9}
    assert "#DIV/0!" in bad[8] and 'formula =D2*2&""' in bad[7]
    air = report.table.query("variable == 'good_air_days_ratio'")
    # rows 5 and 10 as shown (62 %, 12.5 %); row 6 and 11: 5 and 7 as stored
    assert air[["row", "value"]].values.tolist() == [[5, 62.0], [6, 5.0], [10, 12.5], [11, 7.0]]


@needs_calamine
def test_a_flagged_cell_without_reference_is_read_by_openpyxl(tmp_path: Path) -> None:
    path = _xml_book(tmp_path / "x.xlsx", refs=False)
    with OpenpyxlBook(path, "xlsx") as a, CalamineBook(path) as b:
        with pytest.raises(Exception, match="reference"):
            b._grid("能源")
        ga, ma = a.grid("能源")
        gb, mb = b.grid("能源")  # falls back to openpyxl for this sheet
        assert _cells(ga) == _cells(gb) and ma == mb
        assert isinstance(gb.iat[3, 3], ExcelErrorCell)


# --- random workbooks: the same tables and findings under both engines -------------------

REGIONS = ["济南市", "历下区", "市中区", "章丘区", "济南", "外星区"]
VARIABLES = ["gdp", "energy_consumption", "good_air_days_ratio", "地区生产总值", "nonsense"]
UNITS = ["亿元", "万吨标准煤", "%", "万元", "", "公斤"]
TEXTS = ["—", "1,234.5", "n/a", "12 000", " 7 ", "x_y", "注", "\u3000"]


@st.composite
def _value(draw: st.DrawFn) -> tuple[object, str | None]:
    """A value cell and its number format (None: General)."""
    kind = draw(st.sampled_from(["float", "int", "percent", "text", "error", "formula", "none"]))
    if kind == "float":
        return draw(st.floats(-1e6, 1e7, allow_nan=False, allow_infinity=False)), None
    if kind == "int":
        return draw(st.integers(-(10**6), 10**12)), None
    if kind == "percent":
        fmt = draw(st.sampled_from(["0.0%", "0%", '0"%"', "0.00%"]))
        return draw(st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4))), fmt
    if kind == "text":
        return draw(st.sampled_from(TEXTS)), None
    if kind == "error":
        return draw(st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!"])), None
    if kind == "formula":
        return "=D2*2", None
    return None, None


_row = st.tuples(
    st.sampled_from([*REGIONS, None]),
    st.one_of(st.integers(2015, 2025), st.sampled_from(["2020年", "二〇二〇", None])),
    st.sampled_from(VARIABLES),
    _value(),
    st.sampled_from(UNITS),
)


@st.composite
def _sheet_spec(draw: st.DrawFn) -> dict[str, object]:
    return {
        "title": draw(st.booleans()),
        "header": draw(st.sampled_from([0, 1])),  # Chinese or English headers
        "rows": draw(st.lists(st.one_of(_row, st.just("blank")), min_size=1, max_size=12)),
        "merge": draw(st.lists(st.tuples(st.integers(0, 11), st.integers(1, 3)), max_size=3)),
        "notes": draw(st.integers(0, 2)),
        "date": draw(st.booleans()),
    }


HEADERS = (
    ["地区", "年份", "指标", "数值", "单位"],
    ["region", "year", "variable", "value", "unit"],
)


def _random_book(path: Path, sheets: list[dict[str, object]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, spec in enumerate(sheets):
        ws = wb.create_sheet(f"表{k + 1}")
        if spec["title"]:
            ws.append(["济南市主要指标（合成数据）"])
            ws.merge_cells("A1:E1")
        ws.append(HEADERS[int(spec["header"])])  # type: ignore[call-overload]
        first = ws.max_row + 1
        rows = spec["rows"]
        assert isinstance(rows, list)
        for r in rows:
            if r == "blank":
                ws.append([])
                continue
            region, year, variable, (value, fmt), unit = r
            ws.append([region, year, variable, value, unit or None])
            if fmt is not None:
                ws.cell(ws.max_row, 4).number_format = fmt
        last = ws.max_row
        merged: set[int] = set()
        for start, length in spec["merge"]:  # type: ignore[attr-defined]
            top = first + start
            span = set(range(top, top + length + 1))
            if top + length <= last and not span & merged:
                merged |= span
                for i in range(top + 1, top + length + 1):
                    ws.cell(i, 1).value = None
                ws.merge_cells(start_row=top, start_column=1, end_row=top + length, end_column=1)
        if spec["date"]:
            ws.cell(last + 1, 6, dt.date(2021, 3, 4))
        for n in range(int(spec["notes"])):  # type: ignore[call-overload]
            ws.append([f"注{n + 1}：本表为合成数据。"])
    wb.save(path)
    return path


def _outcome(path: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> tuple[object, ...]:
    monkeypatch.setenv(ENGINE_ENV, engine)
    report = gp.validate(path, check_coverage=False, check_reported=False)
    return (
        [f.model_dump() for f in report.findings],
        report.table.to_dict("records"),
        report.rows_read,
        report.rows_accepted,
    )


@needs_calamine
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheets=st.lists(_sheet_spec(), min_size=1, max_size=3))
def test_random_workbooks_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheets: list[dict[str, object]]
) -> None:
    path = _random_book(tmp_path / "r.xlsx", sheets)
    _both_grids(path)
    calamine = _outcome(path, monkeypatch, "calamine")
    assert calamine == _outcome(path, monkeypatch, "openpyxl")

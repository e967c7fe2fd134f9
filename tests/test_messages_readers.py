"""Reader findings in Chinese and English (issue 16.1): real bad inputs, both texts literal.

Each test feeds the readers (``greenplan.validate`` on a CSV file or workbook, or
``check_fuel_records``) an input with one kind of mistake and checks the finding's English
``message`` (unchanged from before the catalogue) and its Chinese ``text("zh")``, both
written out here in full. The inputs are synthetic.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

import greenplan as gp
from greenplan import units
from greenplan.cli import main
from greenplan.diagnostics import Finding
from greenplan.messages import catalogue
from greenplan.records.checks import check_fuel_records

HEADER = "地区,年份,指标,数值,单位\n"
NO_COVERAGE = {"check_coverage": False}


def _only(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, [(f.code, f.message) for f in findings]
    return hits[0]


def _validate(tmp_path: Path, body: str, name: str = "data.csv") -> gp.ValidationReport:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return gp.validate(path, **NO_COVERAGE)


# --- rows of a long table (io/cells.py) --------------------------------------------------------


def test_unknown_region_with_a_near_name(tmp_path: Path) -> None:
    report = _validate(tmp_path, HEADER + "历夏区,2020,能源消费总量,100,万吨标准煤\n")
    f = _only(report.findings, "unknown_region")
    assert f.message == (
        "Unknown region '历夏区'. Did you mean: 历城区, 历下区, 长清区? Use 济南市 or a "
        "district/county name (历下区 … 商河县); see greenplan.REGIONS."
    )
    assert f.text("zh") == (
        "未知地区 '历夏区'。是否指：历城区、历下区、长清区？请使用 济南市 或区县名称"
        "（历下区 … 商河县）；见 greenplan.REGIONS。"
    )


def test_unknown_unit(tmp_path: Path) -> None:
    report = _validate(tmp_path, HEADER + "济南市,2020,能源消费总量,100,万吨标准媒\n")
    f = _only(report.findings, "unknown_unit")
    assert f.message == (
        "Unknown unit '万吨标准媒' for energy_consumption. Did you mean: 万吨标准煤, 吨标准煤, "
        "万吨, 吨标准煤当量, 吨标煤? Give energy_consumption in 万吨标准煤 or another unit of "
        "the same kind (see docs/units.md)."
    )
    assert f.text("zh") == (
        "energy_consumption 的单位 '万吨标准媒' 无法识别。是否指：万吨标准煤, 吨标准煤, 万吨, "
        "吨标准煤当量, 吨标煤？请以 万吨标准煤 或同类的其他单位填写 energy_consumption"
        "（见 docs/units.md）。"
    )


def test_unit_of_another_dimension_names_both_dimensions(tmp_path: Path) -> None:
    report = _validate(tmp_path, HEADER + "济南市,2020,能源消费总量,100,亿元\n")
    f = _only(report.findings, "wrong_dimension")
    assert f.message == (
        "Unit '亿元' measures money, but energy_consumption (能源消费总量) is energy: give it "
        "in 万吨标准煤 or another unit of energy."
    )
    assert f.text("zh") == (
        "单位 '亿元' 计量的是货币金额，而 energy_consumption（能源消费总量）是能量：请以 "
        "万吨标准煤 或其他能量单位填写。"
    )


def test_unit_with_a_zero_multiplier(tmp_path: Path) -> None:
    report = _validate(tmp_path, HEADER + "济南市,2020,能源消费总量,100,0万吨标准煤\n")
    f = _only(report.findings, "unknown_unit")
    assert f.message == (
        "Unit '0万吨标准煤' for energy_consumption cannot be used: Unit '0万吨标准煤' has a "
        "multiplier of 0 (or one too small to represent): a unit must scale a value by a "
        "finite, non-zero number. Write the unit alone (万吨, 亿元 …) and the number in the "
        "value column."
    )
    assert f.text("zh") == (
        "energy_consumption 的单位 '0万吨标准煤' 无法使用：单位 '0万吨标准煤' 的倍数为 0"
        "（或小到无法表示的数）：单位只能以有限的非零数缩放数值。请只写单位（万吨、亿元 …），"
        "数字写在数值列。"
    )


def test_non_numeric_value(tmp_path: Path) -> None:
    report = _validate(tmp_path, HEADER + "济南市,2021,能源消费总量,abc,万吨标准煤\n")
    f = _only(report.findings, "non_numeric")
    assert f.message == (
        "Value 'abc' of energy_consumption (济南市, 2021) is not a number. Write a plain number "
        "(10140.91; 10,140.91 and full-width digits are fine) and put notes in another column."
    )
    assert f.text("zh") == (
        "energy_consumption（济南市，2021）的数值 'abc' 不是数字。请填写纯数字（10140.91；"
        "写作 10,140.91 或全角数字亦可），说明文字请放在其他列。"
    )


def test_empty_value_and_empty_region(tmp_path: Path) -> None:
    report = _validate(
        tmp_path,
        HEADER + "济南市,2023,能源消费总量,,万吨标准煤\n,2023,能源消费总量,5,万吨标准煤\n",
    )
    value, region = (f for f in report.findings if f.code == "missing_value")
    assert value.message == (
        "No value for energy_consumption (济南市, 2023): the cell is empty or a missing marker "
        "(empty). Fill in the number, or delete the row if the figure is not available."
    )
    assert value.text("zh") == (
        "energy_consumption（济南市，2023）没有数值：单元格为空或为缺失标记（空）。请填写数值；"
        "若无此数据，请删除该行。"
    )
    assert region.message == "The region (地区) cell is empty. Fill it in, or delete the row."
    assert region.text("zh") == "地区单元格为空。请填写，或删除该行。"


# --- tables (io/layout.py, io/sources.py) -----------------------------------------------------


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("地区,年份,指标,单位\n济南市,2020,能源消费总量,万吨标准煤\n", encoding="utf-8")
    f = _only(gp.validate(path, **NO_COVERAGE).findings, "missing_column")
    name = repr(str(path))
    assert f.message == (
        f"Required column 'value' (数值) is missing from {name}; its headers are '地区', "
        "'年份', '指标', '单位'. A long table needs region/地区, year/年份, variable/指标, "
        "value/数值 (and unit/单位). None of its 1 data row(s) were read."
    )
    assert f.text("zh") == (
        f"{name} 缺少必需的列 'value'（数值）；其表头为 '地区', '年份', '指标', '单位'。长表需要 "
        "地区/region、年份/year、指标/variable、数值/value（以及 单位/unit）。其 1 行数据均未读取。"
    )


def test_footnote_row(tmp_path: Path) -> None:
    report = _validate(
        tmp_path, HEADER + "济南市,2020,能源消费总量,100,万吨标准煤\n注：数据来源于统计年鉴,,,,\n"
    )
    f = _only(report.findings, "footnote")
    assert f.message == (
        "1 row(s) from row 3 are notes, not data ('注：数据来源于统计年鉴'): not read."
    )
    assert f.text("zh") == "自第 3 行起的 1 行是注释而非数据（'注：数据来源于统计年鉴'）：未读取。"


def test_repeated_header(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "地区,年份,指标,数值,value,单位\n济南市,2020,能源消费总量,1,2,万吨标准煤\n",
        encoding="utf-8",
    )
    f = _only(gp.validate(path, **NO_COVERAGE).findings, "repeated_header")
    name = repr(str(path))
    assert f.message == (
        f"Columns '数值' and 'value' of {name} have headers that mean the same: which one holds "
        "the data is ambiguous, so none of its 1 row(s) were read. Rename or delete one of them."
    )
    assert f.text("zh") == (
        f"{name} 的列 '数值' 与 'value' 表头含义相同：无法确定哪一列是数据，因此其 1 行均未读取。"
        "请重命名或删除其中一列。"
    )


def test_missing_column_of_a_named_sheet_names_the_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "2020年"
    ws.append(["地区", "年份", "指标", "单位"])
    ws.append(["济南市", 2020, "能源消费总量", "万吨标准煤"])
    wb.save(path)
    f = _only(gp.validate(path, **NO_COVERAGE).findings, "missing_column")
    name = repr(str(path))
    assert f.message.startswith(
        f"Required column 'value' (数值) is missing from {name} (sheet '2020年'); its headers"
    )
    assert f.text("zh").startswith(f"{name}（工作表 '2020年'） 缺少必需的列 'value'（数值）；")


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    wb = Workbook()
    wb.active.title = "A"
    wb.create_sheet("B")
    wb.save(path)
    f = _only(gp.validate(path, sheets="C", **NO_COVERAGE).findings, "missing_sheet")
    name = repr(str(path))
    assert f.message == f"Sheet 'C' is not in {name}; its sheets are A, B."
    # a list parameter is joined with 、 in Chinese
    assert f.text("zh") == f"工作表 'C' 不在 {name} 中；该工作簿的工作表为 A、B。"


def test_no_such_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    f = _only(gp.validate(path, **NO_COVERAGE).findings, "unreadable_file")
    name = repr(str(path))
    assert f.message == f"No such file or directory: {name}. Check the path."
    assert f.text("zh") == f"文件或目录不存在：{name}。请检查路径。"


def _bureau(tmp_path: Path) -> gp.ValidationReport:
    data = Path(__file__).parent / "data" / "make_bad_corpus.py"
    spec = importlib.util.spec_from_file_location("make_bad_corpus", data)
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_bad_corpus", corpus)
    spec.loader.exec_module(corpus)
    return gp.validate(corpus.write_bureau_workbook(tmp_path), **NO_COVERAGE)


def test_workbook_cells_merged_percent_formula_and_error(tmp_path: Path) -> None:
    report = _bureau(tmp_path)
    merged = _only(report.findings, "merged_cells")
    assert (
        merged.message == "Merged cells: rows 3–5 of column '地区' take the merged value '历下区'."
    )
    assert merged.text("zh") == "合并单元格：列 '地区' 的第 3–5 行取合并单元格的值 '历下区'。"
    percent = _only(report.findings, "percent_format")
    assert percent.message == (
        "1 cell(s) formatted as percent in the workbook (shown 62%, stored 0.62) are in rows "
        "whose unit is %: read as shown (62 %)."
    )
    assert percent.text("zh") == (
        "工作簿中有 1 个设置为百分比格式的单元格（显示为 62%，存储值为 0.62）位于单位为 % 的行："
        "按显示值读取（62 %）。"
    )
    formula, error = sorted(
        (f for f in report.findings if f.code == "non_numeric"), key=lambda f: f.row or 0
    )
    assert formula.text("zh") == (
        "energy_consumption（济南市，2020）的数值 '=D3*2'：单元格为公式 =D3*2，文件中未保存其"
        "计算结果（工作簿由程序生成，从未重新计算）。请用 Excel 或 WPS 打开并保存，或直接填写数值。"
    )
    assert error.message == (
        "Value '#DIV/0!' of energy_consumption (济南市, 2021): the cell holds the Excel error "
        "#DIV/0! (its formula failed), not a number. Correct the formula in the workbook, or "
        "type the number."
    )
    assert error.text("zh") == (
        "energy_consumption（济南市，2021）的数值 '#DIV/0!'：单元格为 Excel 错误值 #DIV/0!"
        "（公式计算失败），不是数字。请在工作簿中更正公式，或直接填写数值。"
    )


def test_validate_lang_zh_prints_reader_findings_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(HEADER + "历夏区,2020,能源消费总量,100,万吨标准煤\n", encoding="utf-8")
    assert main(["validate", "--lang", "zh", str(path)]) == 1
    out = capsys.readouterr().out
    assert "未知地区 '历夏区'。是否指：历城区、历下区、长清区？" in out
    assert "Unknown region" not in out


# --- fuel records (records/checks.py) ----------------------------------------------------------


def _records(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "entity": ["A"],
        "year": [2023],
        "month": [1],
        "fuel": ["原煤"],
        "quantity": [10.0],
        "unit": ["t"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_bad_fuel() -> None:
    f = _only(check_fuel_records(_records(fuel=["原媒"])).findings, "unknown_fuel")
    assert f.message == (
        "Unknown fuel '原媒'. Did you mean: raw_coal, crude_oil? Fuels: "
        "greenplan.factors.fuels() (codes, Chinese or English names)."
    )
    assert f.text("zh") == (
        "未知燃料 '原媒'。是否指：raw_coal, crude_oil？燃料见 greenplan.factors.fuels()"
        "（代码、中文或英文名称）。"
    )


def test_negative_quantity_and_unit_that_does_not_fit_the_fuel() -> None:
    findings = check_fuel_records(_records(quantity=[-1.0], unit=["kWh"])).findings
    negative = _only(findings, "negative_value")
    assert negative.message == "Quantity -1.0 is negative; a consumption is ≥ 0."
    assert negative.text("zh") == "数量 -1.0 为负数；消费量应 ≥ 0。"
    wrong = _only(findings, "wrong_dimension")
    assert wrong.message == "Unit 'kWh' does not fit fuel '原煤', measured in t."
    assert wrong.text("zh") == "单位 'kWh' 不适用于燃料 '原煤'，该燃料以 t 计量。"


def test_records_without_a_quantity_column() -> None:
    recs = _records().drop(columns="quantity")
    f = _only(check_fuel_records(recs).findings, "missing_column")
    assert f.message == (
        "The fuel records have no column 'quantity'; they need fuel, quantity, unit, year "
        "(and entity, region, month, use)."
    )
    assert f.text("zh") == (
        "燃料记录缺少列 'quantity'；燃料记录需要 fuel、quantity、unit、year"
        "（以及 entity、region、month、use）。"
    )


def test_conflicting_duplicate_records() -> None:
    recs = _records(
        entity=["A", "A"],
        year=[2023, 2023],
        month=[1, 1],
        fuel=["原煤", "原煤"],
        quantity=[10.0, 12.5],
        unit=["t", "t"],
    )
    f = _only(check_fuel_records(recs).findings, "duplicate_conflict")
    assert f.message == (
        "Same (entity, year, month, fuel) as row 1 of <DataFrame #1> with another quantity "
        "(10); keep the correct one."
    )
    assert f.text("zh") == (
        "（entity, year, month, fuel）与 <DataFrame #1> 第 1 行相同，但数量不同（10）；"
        "请保留正确的一条。"
    )


def test_rows_beyond_the_cap_are_summarised_in_both_languages() -> None:
    recs = _records(
        entity=["A", "B", "C"],
        year=[2023] * 3,
        month=[13, 14, 15],
        fuel=["原煤"] * 3,
        quantity=[1.0] * 3,
        unit=["t"] * 3,
    )
    findings = check_fuel_records(recs, max_findings=1).findings
    first, summary = (f for f in findings if f.code == "bad_month")
    assert first.message == "Month 13 is not a whole number from 1 to 12."
    assert first.text("zh") == "月份 13 不是 1 至 12 之间的整数。"
    assert summary.message == (
        "2 more row(s) have the same problem (bad_month): rows 2, 3. Give the month as 1–12."
    )
    assert summary.text("zh") == "另有 2 行存在相同问题（bad_month）：第 2, 3 行。月份填写 1–12。"


# --- dimension names (units.py) ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(units._DIMENSION_NAMES.values()))
def test_every_dimension_name_is_in_the_catalogue_with_the_same_english(name: str) -> None:
    message = units.dimension_message(name)
    assert not isinstance(message, str), name
    assert message.text("en") == name
    assert catalogue()[message.key].zh != name


def test_a_dimension_without_a_name_stays_as_pint_writes_it() -> None:
    assert units.dimension_message("[currency] / [mass]") == "[currency] / [mass]"

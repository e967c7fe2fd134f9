"""The bad-input corpus: one small file per validation failure mode.

``python tests/data/make_bad_corpus.py`` (re)writes the UTF-8 CSV files of ``tests/data/bad/``
and ``tests/data/good/``. The tests read those files, and make the GBK-encoded CSV and the XLSX
variants of each with :func:`write_variant`, so all three formats are checked against the same
expectations (:data:`CASES`).

Each case names the finding it must produce: its code, and where (row and column header as
written in the file). Row numbers are file rows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"

HEADER = "地区,年份,指标,数值,单位"


@dataclass(frozen=True)
class Case:
    """A file of the corpus and the finding it must produce."""

    name: str
    text: str
    code: str
    row: int | None
    column: str | None
    variants: tuple[str, ...] = ("csv", "gbk", "xlsx")
    region: str | None = None
    year: int | None = None
    variable: str | None = None
    options: tuple[tuple[str, object], ...] = ()


def _rows(*lines: str, header: str = HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


CASES: dict[str, Case] = {
    c.name: c
    for c in [
        Case(
            "missing_column",
            _rows("济南市,2020,1.0,亿元", header="地区,年份,数值,单位"),
            "missing_column",
            1,
            "variable",
        ),
        Case("empty_file", _rows(), "empty_file", None, None),
        Case(
            "unknown_variable",
            _rows(
                "济南市,2020,gdp,10140.91,亿元", "济南市,2020,energy_consumptoin,3500,万吨标准煤"
            ),
            "unknown_variable",
            3,
            "指标",
            region="济南市",
            year=2020,
        ),
        Case(
            "unknown_unit",
            _rows("济南市,2020,gdp,10140.91,香蕉"),
            "unknown_unit",
            2,
            "单位",
            variable="gdp",
        ),
        Case(
            "wrong_dimension",
            _rows("济南市,2020,energy_consumption,3500,亿元"),
            "wrong_dimension",
            2,
            "单位",
            variable="energy_consumption",
        ),
        Case(
            "non_numeric",
            _rows("济南市,2020,gdp,10140.91,亿元", "历下区,2020,gdp,约12亿,亿元"),
            "non_numeric",
            3,
            "数值",
            region="历下区",
            year=2020,
            variable="gdp",
        ),
        Case(
            "missing_value",
            _rows("济南市,2020,gdp,—,亿元"),
            "missing_value",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="gdp",
        ),
        Case(
            "bad_year",
            _rows("济南市,2020,gdp,10140.91,亿元", "济南市,1800,gdp,1,亿元"),
            "bad_year",
            3,
            "年份",
            region="济南市",
        ),
        Case("bad_year_text", _rows("济南市,二〇二〇,gdp,10140.91,亿元"), "bad_year", 2, "年份"),
        Case(
            "unknown_region",
            _rows("济南市,2020,gdp,10140.91,亿元", "亚特兰蒂斯,2020,gdp,1,亿元"),
            "unknown_region",
            3,
            "地区",
            year=2020,
            variable="gdp",
        ),
        Case(
            "negative_value",
            _rows("济南市,2020,energy_consumption,-3500,万吨标准煤"),
            "negative_value",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="energy_consumption",
        ),
        Case(
            "share_out_of_range",
            _rows("济南市,2020,good_air_days_ratio,120,%"),
            "share_out_of_range",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="good_air_days_ratio",
        ),
        Case(
            "out_of_bounds",
            _rows("济南市,2020,gdp_real_growth,80,%"),
            "out_of_bounds",
            2,
            "数值",
            variable="gdp_real_growth",
        ),
        Case(
            "duplicate_identical",
            _rows("济南市,2020,gdp,10140.91,亿元", "济南市,2020,gdp,10140.91,亿元"),
            "duplicate_identical",
            3,
            "数值",
            region="济南市",
            year=2020,
            variable="gdp",
        ),
        Case(
            "duplicate_conflict",
            _rows("济南市,2020,gdp,10140.91,亿元", "济南市,2020,gdp,10410.91,亿元"),
            "duplicate_conflict",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="gdp",
        ),
        Case(
            "children_sum_mismatch",
            _rows(
                "济南市,2020,capacity_renewable,100,万千瓦",
                "济南市,2020,capacity_solar,60,万千瓦",
                "济南市,2020,capacity_wind,60,万千瓦",
            ),
            "children_sum_mismatch",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="capacity_renewable",
        ),
        Case(
            "districts_sum_mismatch",
            _rows("济南市,2020,gdp,100,亿元", "历下区,2020,gdp,80,亿元", "市中区,2020,gdp,70,亿元"),
            "districts_sum_mismatch",
            2,
            "数值",
            region="济南市",
            year=2020,
            variable="gdp",
        ),
        Case(
            "yoy_jump",
            _rows(
                "济南市,2019,energy_consumption,3500,万吨标准煤",
                "济南市,2020,energy_consumption,7200,万吨标准煤",
            ),
            "yoy_jump",
            3,
            "数值",
            region="济南市",
            year=2020,
            variable="energy_consumption",
        ),
        Case(
            "reported_mismatch",
            _rows(
                "济南市,2020,good_air_days,300,天",
                "济南市,2020,valid_monitoring_days,365,天",
                "济南市,2020,good_air_days_ratio,90,%",
            ),
            "reported_mismatch",
            4,
            "数值",
            region="济南市",
            year=2020,
            variable="good_air_days_ratio",
        ),
        Case(
            "not_computable",
            _rows("济南市,2021,gdp,11432.22,亿元"),
            "not_computable",
            None,
            None,
            region="济南市",
            variable="gdp_constant_2020",
        ),
        Case(
            "malformed_row",
            _rows("济南市,2020,gdp,10,140.91,亿元", "历下区,2020,gdp,2000,亿元"),
            "malformed_row",
            2,
            None,
            variants=("csv", "gbk"),
        ),
        Case(
            "unit_assumed",
            "地区,年份,指标,数值\n济南市,2020,gdp,10140.91\n",
            "unit_assumed",
            1,
            "unit",
        ),
        Case(
            "column_ignored",
            "地区,年份,指标,数值,单位,序号\n济南市,2020,gdp,10140.91,亿元,1\n",
            "column_ignored",
            1,
            "序号",
        ),
        Case(
            "wide_unknown_variable",
            "地区,年份,地区生产总值(亿元),绿色指数\n济南市,2020,10140.91,3\n",
            "unknown_variable",
            1,
            "绿色指数",
        ),
        Case(
            "wide_non_numeric",
            "地区,年份,地区生产总值(亿元),能源消费总量(万吨标准煤)\n济南市,2020,10140.91,x\n",
            "non_numeric",
            2,
            "能源消费总量(万吨标准煤)",
            variable="energy_consumption",
        ),
        # --- bureau layouts (issue 15) ----------------------------------------------------
        Case(
            "title_rows",
            "济南市主要统计指标,,,,\n单位：见各行,,,,\n,,,,\n" + _rows("济南市,2020,gdp,abc,亿元"),
            "non_numeric",
            5,
            "数值",
            variable="gdp",
        ),
        Case(
            "unit_in_header",
            "地区,年份,指标,数值（亿元）\n济南市,2020,能源消费总量,3512.6\n",
            "wrong_dimension",
            2,
            "数值（亿元）",
            variable="energy_consumption",
        ),
        Case(
            "footnote",
            _rows(
                "济南市,2020,gdp,10140.91,亿元",
                "注：本表数据为初步核算数。,,,,",
                "资料来源：济南统计年鉴。,,,,",
            ),
            "footnote",
            3,
            None,
        ),
        Case(
            "repeated_header",
            "地区,年份,指标,数值,数值,单位\n济南市,2020,gdp,10140.91,10000,亿元\n",
            "repeated_header",
            1,
            "数值",
        ),
        Case(
            "repeated_header_meaning",
            "地区,年份,指标,数值,value,单位\n济南市,2020,gdp,10140.91,10000,亿元\n",
            "repeated_header",
            1,
            "value",
        ),
        Case(
            "repeated_year_header",
            "地区,指标,单位,2020年,2020\n济南市,gdp,亿元,10140.91,10000\n",
            "repeated_header",
            1,
            "2020",
        ),
        Case(
            "decimal_comma",
            "地区;年份;指标;数值;单位\n济南市;2020;gdp;10140,91;亿元\n",
            "non_numeric",
            2,
            "数值",
            variants=("csv", "gbk"),
            variable="gdp",
        ),
        Case(
            "comma_not_thousands",
            _rows('济南市,2020,gdp,"1,2",亿元', '济南市,2021,gdp,"1.234,5",亿元'),
            "non_numeric",
            2,
            "数值",
            variants=("csv", "gbk"),
            variable="gdp",
        ),
        Case(
            "header_too_low",
            "".join(f"济南市统计表 第{k}行说明,,,,\n" for k in range(1, 17))
            + _rows("济南市,2020,gdp,10140.91,亿元"),
            "missing_column",
            17,
            None,
        ),
        Case(
            "percent_scale",
            _rows(
                "济南市,2020,good_air_days_ratio,62.0,%",
                "济南市,2021,good_air_days_ratio,0.646,%",
            ),
            "percent_scale",
            3,
            "数值",
            variable="good_air_days_ratio",
        ),
    ]
}
"""Every case of the corpus, by file name (without suffix)."""

UNREADABLE = b"\x80\x81\xff\xfe\x00garbage\xff\x80\n\xfe\xfe\x81"
"""Bytes that are neither UTF-8 nor GB18030 (``unreadable.csv``)."""

GOOD_TEXT = _rows(
    '济南市,2019,gdp,"9,443.37",亿元',
    '济南市,2020,gdp,"10,140.91",亿元',
    "济南市,2020,gdp_real_growth,4.9,%",
    "济南市,2019,energy_consumption,3550.1,万吨标准煤",
    '济南,2020年,能源消费总量,"3,512.6",万吨标准煤',
    "历下区,2020,capacity_solar,３.５,万千瓦",
    "历下区,2020,capacity_wind,0.5,万千瓦",
    "历下区,2020,capacity_renewable,4.0,万千瓦",
)
"""A clean long table: Chinese headers, thousands separators, aliases, full-width digits."""


def _cell(text: str) -> object:
    """A CSV cell as an Excel cell: plain numbers become numbers."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def write_variant(case: Case, variant: str, folder: Path) -> Path:
    """Write ``case`` as ``csv`` (UTF-8), ``gbk`` (GBK-encoded CSV) or ``xlsx`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if variant == "csv":
        path = folder / f"{case.name}.csv"
        path.write_text(case.text, encoding="utf-8")
    elif variant == "gbk":
        path = folder / f"{case.name}.gbk.csv"
        path.write_bytes(case.text.encode("gbk"))
    elif variant == "xlsx":
        from openpyxl import Workbook

        path = folder / f"{case.name}.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "数据"
        for row in csv.reader(io.StringIO(case.text)):
            ws.append([_cell(c) for c in row])
        wb.save(path)
    else:  # pragma: no cover
        raise ValueError(variant)
    return path


BUREAU_SHEET = "能源"
"""Sheet of :func:`write_bureau_workbook`."""


def write_bureau_workbook(folder: Path) -> Path:
    """Write a workbook laid out as statistics bureaus send them (synthetic figures).

    Row 1 a title merged across the table, row 2 the header; the region 历下区 merged over
    rows 3–5; a share formatted as percent (row 6: stored 0.62, shown 62.0%); a formula
    without a saved value (row 7) and a cached ``#DIV/0!`` (row 8); two footnote rows (9, 10).
    """
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bureau.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = BUREAU_SHEET
    ws.append(["济南市分区县主要指标（合成数据）"])
    ws.merge_cells("A1:E1")
    ws.append(["地区", "年份", "指标", "数值", "单位"])
    ws.append(["历下区", 2019, "gdp", 2000.0, "亿元"])
    ws.append([None, 2020, "gdp", 2100.0, "亿元"])
    ws.append([None, 2021, "gdp", 2200.0, "亿元"])
    ws.merge_cells("A3:A5")
    ws.append(["济南市", 2020, "good_air_days_ratio", 0.62, "%"])
    ws["D6"].number_format = "0.0%"
    ws.append(["济南市", 2020, "energy_consumption", "=D3*2", "万吨标准煤"])
    ws.append(["济南市", 2021, "energy_consumption", "#DIV/0!", "万吨标准煤"])
    ws.append(["注：本表为合成数据，仅供测试。"])
    ws.merge_cells("A9:E9")
    ws.append(["资料来源：greenplan 测试语料。"])
    wb.save(path)
    return path


def main() -> None:
    """Write the UTF-8 corpus files."""
    BAD.mkdir(exist_ok=True)
    GOOD.mkdir(exist_ok=True)
    for case in CASES.values():
        write_variant(case, "csv", BAD)
    (BAD / "unreadable.csv").write_bytes(UNREADABLE)
    (GOOD / "clean.csv").write_text(GOOD_TEXT, encoding="utf-8")


if __name__ == "__main__":
    main()

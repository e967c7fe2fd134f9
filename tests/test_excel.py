"""Excel output: `report --format xlsx -o` and `validate --format xlsx -o`, and the API methods."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from greenplan.cli import main
from greenplan.diagnostics import FINDING_COLUMNS
from greenplan.report import STATUS_COLOURS, generate_report
from greenplan.validation import validate

openpyxl = pytest.importorskip("openpyxl")

HEADER = "region,year,variable,value,unit\n"


@pytest.fixture(scope="module")
def report():  # the shipped Jinan data
    return generate_report()


def _chapter_sheets(wb):
    return [ws for ws in wb.worksheets[1:-1]]


def test_report_workbook_zh(report) -> None:
    buf = io.BytesIO()
    report.to_excel(buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1] == "数据来源"
    chapters = [c for c in report.model["chapters"] if c["targets"]]
    assert wb.sheetnames[1:-1] == [c["title_zh"][:31] for c in chapters]
    ws = wb[wb.sheetnames[1]]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["指标", "规划条目", "单位"] and "状态" in header
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    # every status cell carries its status colour; numbers stay numbers
    by_name = {t["name_zh"]: t for t in report.model["targets"]}
    status_col = header.index("状态") + 1
    seen_numbers = 0
    for sheet in _chapter_sheets(wb):
        for row in sheet.iter_rows(min_row=2):
            entry = by_name[row[0].value]
            fill = row[status_col - 1].fill.start_color.rgb
            assert fill[-6:] == STATUS_COLOURS[entry["status"]].lstrip("#").upper()
            target = entry["target"]["value"]
            cell = row[header.index("目标值")]
            if target is not None:
                assert cell.data_type == "n" and cell.value == pytest.approx(target)
                seen_numbers += 1
    assert seen_numbers > 10
    summary = wb["汇总"]
    counts = {r[0].value: r[1].value for r in summary.iter_rows(min_row=2) if r[0].value}
    assert counts["目标总数"] == report.model["summary"]["total"]
    assert isinstance(counts["目标总数"], int)


def test_report_workbook_en(report, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    report.to_excel(out, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Sources"
    header = [c.value for c in wb.worksheets[1][1]]
    assert header[:3] == ["Indicator", "Plan section", "Unit"]
    assert "Completion (%)" in header


def test_validation_workbook(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "济南市,2020,gdp,abc,亿元\n济南市,2021,gdp,12000,亿元\n", "utf-8")
    result = validate(str(path))
    out = tmp_path / "v.xlsx"
    result.to_excel(out, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Findings"]
    findings = wb["Findings"]
    assert tuple(c.value for c in findings[1]) == FINDING_COLUMNS
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref.startswith("A1:M")
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    codes = [r[FINDING_COLUMNS.index("code")] for r in rows]
    assert "non_numeric" in codes
    bad = rows[codes.index("non_numeric")]
    assert bad[FINDING_COLUMNS.index("row")] == 2  # the first data row, as a number
    assert bad[FINDING_COLUMNS.index("fix")]  # the code's fix is filled in
    summary = wb["Summary"]
    assert [c.value for c in summary[1]] == ["Code", "Severity", "Findings", "Rows"]
    n = {r[0]: r[2] for r in summary.iter_rows(min_row=2, max_col=3, values_only=True) if r[1]}
    assert n["non_numeric"] == codes.count("non_numeric")
    sev = summary.cell(row=2, column=2)
    assert sev.fill.start_color.rgb[-6:] in {"FFC7CE", "FFEB9C", "DDEBF7"}


def test_cli_report_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["report", "--format", "xlsx", "-o", str(out), "--lang", "en"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    assert main(["report", "--format", "xlsx", "--lang", "en"]) == 2
    assert "give -o" in capsys.readouterr().err


def test_cli_validate_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "济南市,2020,gdp,abc,亿元\n", "utf-8")
    out = tmp_path / "v.xlsx"
    assert main(["validate", "--format", "xlsx", "-o", str(out), str(path)]) == 1  # data error
    assert openpyxl.load_workbook(out).sheetnames == ["汇总", "问题清单"]
    good = tmp_path / "g.csv"
    good.write_text(HEADER + "济南市,2020,gdp,10000,亿元\n", "utf-8")
    assert main(["validate", "--format", "xlsx", "-o", str(out), str(good)]) == 0
    assert main(["validate", "--format", "xlsx", "--lang", "en", str(good)]) == 2
    assert "give -o" in capsys.readouterr().err

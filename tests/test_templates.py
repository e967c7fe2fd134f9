"""Submission templates (issue 16, point 3): a filled template validates cleanly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import greenplan
from _excel_engines import xlsx_engine  # noqa: F401 (a fixture)
from greenplan.cli import main
from greenplan.definitions import CodeListError
from greenplan.errors import OptionError
from greenplan.templates import COLUMNS, parse_years, template_frame, write_template
from greenplan.variables import DEPARTMENTS, VARIABLES, _load, children, resolve_department

openpyxl = pytest.importorskip("openpyxl")


def _fill_synthetic(frame: pd.DataFrame, seed: int = 16) -> pd.DataFrame:
    """SYNTHETIC values: uniform within each variable's bounds, parents = sum of children.

    Leaves first get a random value in [lower, upper] (upper defaulting to lower + 100); a
    parent present in the template gets the sum of its children present, so the
    parent/children check (an error) has nothing to find. Not statistics of any place.
    """
    rng = np.random.default_rng(seed)
    out = frame.copy()
    codes = set(out["variable"])

    def depth(code: str) -> int:
        kids = [c for c in children(code) if c in codes]
        return 1 + max(map(depth, kids)) if kids else 0

    order = sorted(codes, key=depth)
    for code in order:
        var = VARIABLES[code]
        rows = out["variable"] == code
        kids = [c for c in children(code) if c in codes]
        if kids:
            sums = out[out["variable"].isin(kids)].groupby(["region", "year"])["value"].sum()
            keys = list(zip(out.loc[rows, "region"], out.loc[rows, "year"], strict=True))
            out.loc[rows, "value"] = [sums[k] for k in keys]
        else:
            lo = 0.0 if var.lower is None else var.lower
            hi = lo + 100.0 if var.upper is None else var.upper
            out.loc[rows, "value"] = rng.uniform(lo, hi, int(rows.sum()))
    out["note"] = "synthetic"
    return out


def test_frame_layout_one_row_per_region_year_variable() -> None:
    frame = template_frame(department="水务局", regions=["济南市", "Lixia"], years="2021-2022")
    own = [c for c, v in VARIABLES.items() if v.owner == "水务局"]
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == 2 * 2 * len(own)
    assert not frame.duplicated(["region", "year", "variable"]).any()
    assert set(frame["region"]) == {"济南市", "历下区"}
    assert frame["value"].isna().all()
    assert (frame["unit"] == [VARIABLES[c].unit for c in frame["variable"]]).all()


def test_every_variable_has_a_listed_owner_and_every_department_owns_something() -> None:
    owners = {v.owner for v in VARIABLES.values()}
    assert owners <= set(DEPARTMENTS)
    assert set(DEPARTMENTS) == owners  # no department listed for nothing
    assert VARIABLES["gdp"].owner == "统计局"
    assert VARIABLES["msw_incinerated"].owner == "城市管理局"


def test_unknown_owner_in_the_code_list_fails_at_load(monkeypatch, tmp_path) -> None:
    folder = tmp_path / "variables"
    folder.mkdir()
    (folder / "x.csv").write_text(
        "code,name_zh,name_en,unit,kind,owner,source\nfoo_bar,甲,Foo,吨,flow,统计所,test\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("greenplan.variables.resource_path", lambda *_: folder)
    with pytest.raises(CodeListError, match=r"owner '统计所'.*Did you mean: 统计局"):
        _load()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("统计局", "统计局"),
        ("Statistics Bureau", "统计局"),
        ("发改委", "发展改革委"),
        ("water affairs bureau", "水务局"),
        (" 住建局 ", "住房城乡建设局"),
    ],
)
def test_department_names_zh_en_aliases(name: str, code: str) -> None:
    assert resolve_department(name) == code


def test_unknown_department_suggests() -> None:
    with pytest.raises(OptionError, match="Did you mean: 发改委"):
        template_frame(department="发改")


def test_unknown_region_and_bad_years() -> None:
    with pytest.raises(OptionError, match="unknown region"):
        template_frame(regions=["Atlantis"])
    with pytest.raises(OptionError, match="years"):
        parse_years("2025-2021")
    with pytest.raises(OptionError, match="years"):
        parse_years("twenty")
    assert parse_years("2021-2023,2025") == [2021, 2022, 2023, 2025]


def test_filled_csv_template_validates_without_errors(tmp_path) -> None:
    path = write_template(tmp_path / "all.csv", regions=["济南市"], years="2021-2022")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    blank = pd.read_csv(path, encoding="utf-8-sig")
    filled = _fill_synthetic(blank)
    filled.to_csv(tmp_path / "filled.csv", index=False, encoding="utf-8-sig")
    report = greenplan.validate(tmp_path / "filled.csv")
    assert report.errors == [], [f.message for f in report.errors[:5]]
    assert len(report.table) == len(blank)


def test_unfilled_template_reports_each_empty_value(tmp_path) -> None:
    path = write_template(tmp_path / "t.csv", department="科技局", years="2024")
    report = greenplan.validate(path)
    assert [f.code for f in report.errors] == ["missing_value", "missing_value"]
    assert report.table.empty


@pytest.mark.usefixtures("xlsx_engine")
def test_filled_xlsx_template_validates_without_errors(tmp_path) -> None:
    path = write_template(tmp_path / "eco.xlsx", department="生态环境局", years="2021-2025")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填报说明"
    assert "填报方法" in "".join(str(c.value) for c in wb["填报说明"]["A"])
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal"} <= kinds
    region_dv = next(dv for dv in ws.data_validations.dataValidation if "A2" in str(dv.sqref))
    assert "选项" in region_dv.formula1
    blank = pd.DataFrame(list(ws.iter_rows(min_row=2, values_only=True)), columns=header)
    filled = _fill_synthetic(blank)
    for i, value in enumerate(filled["value"], start=2):
        ws.cell(row=i, column=4, value=float(value))
    wb.save(tmp_path / "filled.xlsx")
    report = greenplan.validate(tmp_path / "filled.xlsx")
    assert report.errors == [], [f.message for f in report.errors[:5]]
    assert len(report.table) == len(blank)


def test_cli_writes_template_and_rejects_unknown_department(tmp_path, capsys) -> None:
    out = tmp_path / "t.csv"
    assert (
        main(["template", "--department", "Transport Bureau", "--years", "2025", "-o", str(out)])
        == 0
    )
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert set(frame["source"]) == {"交通运输局"}
    assert set(frame["year"]) == {2025}
    assert main(["template", "--department", "Statistic Bureau", "-o", str(out)]) == 2
    assert "Did you mean" in capsys.readouterr().err
    assert main(["template", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")]) == 0
    assert (tmp_path / "a.xlsx").exists()

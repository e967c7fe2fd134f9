"""Submission templates (数据报送模板): the form a department fills in.

A template is the long canonical table (``region, year, variable, value, unit, source, note``)
pre-filled with one row per region, year and variable and an empty ``value`` column, so a
filled template passes :func:`greenplan.validate` as it is. The variables are those a
department reports (the ``owner`` column of the code list, see :data:`greenplan.variables.
DEPARTMENTS`), each in its canonical unit.

XLSX (needs the ``excel`` extra, openpyxl) adds drop-down lists for the region and unit
columns, a sheet listing the variables with their names and plausible bounds, and an
instructions sheet in Chinese; CSV is the same long table in UTF-8 with a BOM (Excel opens it
with the right encoding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from greenplan.errors import OptionError
from greenplan.messages import msg
from greenplan.options import hint
from greenplan.regions import CITY, REGIONS, resolve_region
from greenplan.variables import VARIABLES, resolve_department

__all__ = ["COLUMNS", "parse_years", "template_frame", "write_template"]

COLUMNS = ("region", "year", "variable", "value", "unit", "source", "note")
"""Columns of the long canonical format, in order."""

DEFAULT_YEARS = tuple(range(2021, 2026))
"""The years of the 14th Five-Year Plan (2021–2025)."""

_DATA_SHEET = "数据"
_VARIABLES_SHEET = "变量说明"
_LISTS_SHEET = "选项"
_HELP_SHEET = "填报说明"


def parse_years(text: str | int | Iterable[int]) -> list[int]:
    """Years from ``"2021-2025"``, ``"2021,2023"``, ``2024`` or a sequence of ints.

    Examples
    --------
    >>> parse_years("2021-2023")
    [2021, 2022, 2023]
    >>> parse_years("2020,2025")
    [2020, 2025]
    """
    if isinstance(text, int):
        return [text]
    if not isinstance(text, str):
        years = sorted({int(y) for y in text})
    else:
        years = []
        for part in text.split(","):
            part = part.strip()
            m = re.fullmatch(r"(\d{4})\s*[-–~]\s*(\d{4})|(\d{4})", part)
            if m is None:
                raise OptionError(msg("errors.years_format", text=repr(text)))
            if m.group(3):
                years.append(int(m.group(3)))
            else:
                first, last = int(m.group(1)), int(m.group(2))
                if last < first:
                    raise OptionError(
                        msg("errors.years_order", text=repr(text), first=first, last=last)
                    )
                years.extend(range(first, last + 1))
        years = sorted(set(years))
    if not years or any(not 1949 <= y <= 2100 for y in years):
        raise OptionError(msg("errors.years_range", text=repr(text)))
    return years


def _regions(regions: str | Sequence[str] | None) -> list[str]:
    if regions is None:
        return [CITY]
    names = [regions] if isinstance(regions, str) else list(regions)
    out: list[str] = []
    for name in names:
        for part in str(name).split(","):
            if not part.strip():
                continue
            code = resolve_region(part)
            if code is None:
                region = part.strip()
                raise OptionError(
                    msg("errors.unknown_region", region=repr(region), hint=hint(region, REGIONS))
                )
            if code not in out:
                out.append(code)
    if not out:
        raise OptionError(msg("errors.no_region"))
    return out


def template_frame(
    *,
    department: str | None = None,
    regions: str | Sequence[str] | None = None,
    years: str | int | Iterable[int] = DEFAULT_YEARS,
) -> pd.DataFrame:
    """Build the template as a long table with an empty ``value`` column.

    Parameters
    ----------
    department : str, optional
        Chinese or English name, or alias, of a department (``统计局``, ``Water Affairs
        Bureau``, ``发改委`` …): only the variables it reports. Default: every variable.
    regions : str or sequence of str, optional
        Region names or aliases (default the city, ``济南市``).
    years : str, int or iterable of int
        ``"2021-2025"`` (the default), ``"2021,2023"`` or years.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, variable, value, unit, source, note``, one row per region,
        year and variable (in that order of nesting); ``unit`` is the canonical unit and
        ``source`` the department.

    Raises
    ------
    OptionError
        An unknown department or region, or unreadable years.

    Examples
    --------
    >>> t = template_frame(department="科技局", years="2024")
    >>> list(t["variable"])
    ['rd_expenditure', 'rd_intensity']
    >>> t["value"].isna().all()
    np.True_
    """
    owner = None if department is None else resolve_department(department)
    variables = [v for v in VARIABLES.values() if owner is None or v.owner == owner]
    rows = [
        {
            "region": region,
            "year": year,
            "variable": var.code,
            "value": None,
            "unit": var.unit,
            "source": var.owner,
            "note": "",
        }
        for region in _regions(regions)
        for year in parse_years(years)
        for var in variables
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    return frame


def write_template(
    path: str | Path,
    *,
    department: str | None = None,
    regions: str | Sequence[str] | None = None,
    years: str | int | Iterable[int] = DEFAULT_YEARS,
    format: str | None = None,
) -> Path:
    r"""Write a submission template for a department.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write.
    department, regions, years
        As in :func:`template_frame`.
    format : {"xlsx", "csv"}, optional
        Default from the file's suffix (``.csv`` → csv, else xlsx).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OptionError
        An unknown department, region or format, or unreadable years.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "water.csv"
    >>> write_template(out, department="水务局", years="2025").read_bytes()[:3]
    b'\xef\xbb\xbf'
    """
    path = Path(path)
    fmt = format or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise OptionError(
            msg("errors.unknown_template_format", format=repr(fmt), hint=hint(fmt, ["xlsx", "csv"]))
        )
    frame = template_frame(department=department, regions=regions, years=years)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        _write_xlsx(path, frame, department)
    return path


def _instructions(department: str | None, frame: pd.DataFrame) -> list[str]:
    who = "全部部门" if department is None else resolve_department(department)
    years = sorted({int(y) for y in frame["year"]})
    return [
        f"数据报送模板 — 报送部门:{who}",
        f"年份:{years[0]}–{years[-1]};地区:{'、'.join(dict.fromkeys(frame['region']))}",
        "",
        "填报方法:",
        "1. 在“数据”表的 value 列填写数值,每行对应一个地区、年份和变量;不要修改 region、year、"
        "variable 三列。",
        "2. unit 列已填入标准单位;如按其他单位填报,请从下拉列表中选择或填写可换算的单位,"
        "系统会自动换算。",
        "3. 数值只填数字(不含单位、千分位符号或文字);百分比填百分数(如 45.6 表示 45.6%)。",
        "4. 暂无数据的行请将 value 留空,并在 note 列说明原因;不要填 0 代替缺失。",
        "5. source 列填写数据来源(统计年鉴、公报、部门台账等),默认为负责部门。",
        "6. 各变量的中英文名称、单位和合理取值范围见“变量说明”表;超出范围的数值会被提示核查。",
        "7. 填好后可用命令 greenplan validate 文件名 自行校验,无错误后报送。",
        "",
        "Instructions (English): fill in the value column of the sheet 数据; do not change "
        "region, year or variable. See the sheet 变量说明 for names, units and bounds.",
    ]


def _write_xlsx(path: Path, frame: pd.DataFrame, department: str | None) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation
    except ModuleNotFoundError as exc:  # pragma: no cover - the excel extra is missing
        raise OptionError(msg("templates.needs_openpyxl")) from exc

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _DATA_SHEET
    ws.append(list(COLUMNS))
    for rec in frame.to_dict("records"):
        ws.append(
            [rec["region"], int(rec["year"]), rec["variable"], None, rec["unit"], rec["source"], ""]
        )
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    fill = PatternFill("solid", fgColor="FFF2CC")
    last = len(frame) + 1
    for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=4, max_col=4):
        cell.fill = fill
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (12, 8, 40, 14, 14, 18, 30), strict=True):
        ws.column_dimensions[col].width = width

    names = [(v.code, v) for v in VARIABLES.values() if v.code in set(frame["variable"])]
    info = wb.create_sheet(_VARIABLES_SHEET)
    info.append(["代码 code", "中文名称", "English name", "单位 unit", "下限", "上限", "负责部门"])
    for code, var in names:
        info.append([code, var.name_zh, var.name_en, var.unit, var.lower, var.upper, var.owner])
    for cell in info[1]:
        cell.font = bold

    lists = wb.create_sheet(_LISTS_SHEET)
    region_list = list(REGIONS)
    unit_list = sorted(set(frame["unit"]))
    for i, name in enumerate(region_list, start=1):
        lists.cell(row=i, column=1, value=name)
    for i, name in enumerate(unit_list, start=1):
        lists.cell(row=i, column=2, value=name)
    lists.sheet_state = "hidden"
    if last >= 2:
        dv_region = DataValidation(
            type="list", formula1=f"'{_LISTS_SHEET}'!$A$1:$A${len(region_list)}"
        )
        dv_region.error = "请从下拉列表中选择地区"
        dv_region.add(f"A2:A{last}")
        dv_unit = DataValidation(type="list", formula1=f"'{_LISTS_SHEET}'!$B$1:$B${len(unit_list)}")
        dv_unit.error = "请从下拉列表中选择单位"
        dv_unit.add(f"E2:E{last}")
        dv_value = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
        )
        dv_value.error = "请填写数字"
        dv_value.add(f"D2:D{last}")
        for dv in (dv_region, dv_unit, dv_value):
            ws.add_data_validation(dv)

    help_sheet = wb.create_sheet(_HELP_SHEET, 0)
    for line in _instructions(department, frame):
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 110
    wb.active = 1
    wb.save(path)

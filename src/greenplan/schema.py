"""The canonical long table: its columns, their types, and the headers that name them.

Every reader (:mod:`greenplan.io`) produces this table, the checks (:mod:`greenplan.checks`)
and the compute engine (:mod:`greenplan.engine`) take it. One row is one observation:

* ``region, year, variable, value, unit``: the observation, ``value`` in the variable's
  canonical unit (``unit`` = ``VARIABLES[variable].unit``);
* ``source, note``: provenance texts as given (``""`` when absent);
* ``file, sheet, row``: where the row was read (row as the user sees it: header = row 1).

The format is described for users in docs/data-format.md.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "CANONICAL_COLUMNS",
    "HEADER_NAMES",
    "KEY_COLUMNS",
    "OBSERVATION_COLUMNS",
    "REQUIRED_COLUMNS",
    "empty_table",
]

KEY_COLUMNS = ("region", "year", "variable")
"""One observation per key: a repeated key is a duplicate."""
REQUIRED_COLUMNS = (*KEY_COLUMNS, "value")
"""What a table needs to be taken as canonical (``unit``, when absent, is the canonical one)."""
OBSERVATION_COLUMNS = (*REQUIRED_COLUMNS, "unit")
TEXT_PROVENANCE = ("source", "note")
"""Optional free texts carried through to the canonical table (``""`` when absent)."""
ORIGIN_COLUMNS = ("file", "sheet", "row")
CANONICAL_COLUMNS = [*OBSERVATION_COLUMNS, *TEXT_PROVENANCE, *ORIGIN_COLUMNS]
"""Columns of the canonical long table, in order."""

TEXT_DTYPE = pd.Series(["x"]).dtype
"""pandas' default text dtype (``str``: Arrow-backed when pyarrow is installed)."""

# fmt: off
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "region": ("region", "area", "district", "地区", "区县", "行政区划", "地区名称", "区域",
               "区县名称"),
    "year": ("year", "年份", "年度", "年", "统计年度", "时间"),
    "variable": ("variable", "indicator", "code", "item", "指标", "指标代码", "变量", "指标名称",
                 "项目", "统计指标"),
    "value": ("value", "amount", "数值", "值", "数据", "数量", "指标值", "统计值"),
    "unit": ("unit", "units", "单位", "计量单位"),
    "source": ("source", "来源", "数据来源", "资料来源"),
    "note": ("note", "notes", "备注", "说明"),
    "file": ("file",),
    "sheet": ("sheet",),
    "row": ("row",),
}
# fmt: on
"""Accepted column headers (English or Chinese, case-insensitive) for each canonical column.

This is vocabulary, not a coefficient: add a header here when departments use another name.
"""

NAME_ZH = {"region": "地区", "year": "年份", "variable": "指标", "value": "数值", "unit": "单位"}
"""The Chinese header of the observation columns, for messages."""


def empty_table() -> pd.DataFrame:
    """Return the canonical table with no rows (every column with its type)."""
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="float64" if c == "value" else "int64" if c in {"year", "row"} else TEXT_DTYPE
            )
            for c in CANONICAL_COLUMNS
        }
    )

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

import weakref

import numpy as np
import pandas as pd

__all__ = [
    "CANONICAL_COLUMNS",
    "HEADER_NAMES",
    "KEY_COLUMNS",
    "OBSERVATION_COLUMNS",
    "REQUIRED_COLUMNS",
    "empty_table",
    "is_canonical",
    "mark_canonical",
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


_CANONICAL: weakref.WeakValueDictionary[int, pd.DataFrame] = weakref.WeakValueDictionary()
"""Frames the readers produced (by ``id``; an entry dies with its frame)."""


def mark_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Record that ``frame`` is a canonical table made by the readers; return it.

    Only the readers (:func:`greenplan.read_statistics`, :func:`greenplan.validate`) mark
    frames, so the compute engine takes them as they are. Any other frame, even one with the
    canonical column names, is read and checked like a file. (``DataFrame.attrs`` would not
    do: pandas copies it into every derived frame.)
    """
    _CANONICAL[id(frame)] = frame
    return frame


def is_canonical(frame: object) -> bool:
    """Say whether ``frame`` is a canonical table marked by :func:`mark_canonical`.

    The frame must still have the canonical types (``year`` int64, ``value`` float64): a
    marked frame changed in place to hold texts is no longer taken as it is.
    """
    if not isinstance(frame, pd.DataFrame) or _CANONICAL.get(id(frame)) is not frame:
        return False
    try:
        return bool(
            frame["value"].dtype == np.float64
            and frame["year"].dtype == np.int64
            and all(c in frame.columns for c in REQUIRED_COLUMNS)
        )
    except KeyError:
        return False

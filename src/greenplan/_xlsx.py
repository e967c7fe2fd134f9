"""Worksheet helpers shared by the workbooks greenplan writes (validation and report).

A leaf module; openpyxl (the ``excel`` extra) is imported by the callers' functions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["solid_fill", "write_table"]


def solid_fill(colour: str) -> Any:
    """Return an openpyxl solid fill of ``colour`` (``"#FFC7CE"`` or ``"FFC7CE"``)."""
    from openpyxl.styles import PatternFill

    hex6 = colour.lstrip("#").upper()
    return PatternFill(start_color=hex6, end_color=hex6, fill_type="solid")


def write_table(ws: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write a header and rows, bold the header, freeze it, set an autofilter and widths.

    Column widths follow the longest text of the column (empty cells not counted), between
    10 and 60 characters.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)

"""Helpers shared by the indicator tests: synthetic long tables in, one value out.

Imported as ``from helpers import …`` (pytest's default ``prepend`` import mode puts this
folder on ``sys.path``). Nothing here computes an expected value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from greenplan.regions import CITY
from greenplan.variables import VARIABLES

__all__ = ["CITY", "long_table", "method", "value", "value_in"]

Row = tuple[str, int, str, float]


def long_table(rows: Iterable[Row], units: str | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Canonical long table (synthetic) from ``(region, year, variable, value)`` rows.

    ``units``: one unit for every row, a mapping variable → unit, or None for each
    variable's canonical unit in the code list.
    """
    frame = pd.DataFrame(list(rows), columns=["region", "year", "variable", "value"])
    if units is None:
        frame["unit"] = [VARIABLES[v].unit for v in frame["variable"]]
    elif isinstance(units, str):
        frame["unit"] = units
    else:
        frame["unit"] = frame["variable"].map(units)
    return frame


def value(out: pd.DataFrame, indicator: str, year: int, region: str = CITY) -> float:
    """The one value of ``indicator`` for ``region`` and ``year`` in a compute result."""
    sel = out[(out.indicator == indicator) & (out.year == year) & (out.region == region)]
    assert len(sel) == 1, f"{indicator} {region} {year}: {len(sel)} rows"
    return float(sel["value"].iloc[0])


def value_in(out: pd.DataFrame, indicator: str, region: str = CITY, year: int = 2021) -> float:
    """:func:`value` with the region before the year (and 2021 by default)."""
    return value(out, indicator, year, region)


def method(out: pd.DataFrame, indicator: str) -> str:
    """The method text of ``indicator`` in a compute result."""
    return str(out.loc[out.indicator == indicator, "method"].iloc[0])

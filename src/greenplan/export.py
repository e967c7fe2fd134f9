"""Export computed indicators to the IAMC format, the table of scenario and pathway models.

The IAMC format (Integrated Assessment Modeling Consortium; the format of the IPCC scenario
databases and of ``pyam``) has the columns ``model, scenario, region, variable, unit`` and one
column per year (wide), or ``year, value`` (long). greenplan's long output of
:func:`greenplan.compute` is that table without ``model`` and ``scenario``: :func:`to_iamc`
adds them (``greenplan`` and the data version by default) and names the indicator id the
variable; :func:`from_iamc` reads such a table back into greenplan's long columns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from greenplan._resources import data_version
from greenplan.errors import GreenplanError
from greenplan.messages import msg

__all__ = ["IAMC_COLUMNS", "from_iamc", "to_iamc"]

IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit"]
"""The index columns of an IAMC table, in order (then the years, or ``year, value``)."""


def to_iamc(
    values: pd.DataFrame,
    *,
    model: str = "greenplan",
    scenario: str | None = None,
    wide: bool = True,
) -> pd.DataFrame:
    """Return computed indicator values as an IAMC table.

    Parameters
    ----------
    values : pandas.DataFrame
        The output of :func:`greenplan.compute`: columns ``region, year, indicator, value,
        unit`` (others are ignored). Rows without a value are left out.
    model : str
        The ``model`` column (default ``"greenplan"``).
    scenario : str, optional
        The ``scenario`` column; default the data version (:func:`greenplan.data_version`),
        so the table says which data release it was computed from.
    wide : bool
        True (default): one column per year, as IAMC files are exchanged. False: the long
        form with ``year`` and ``value`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``model, scenario, region, variable, unit`` then the years (ints, ascending)
        — or ``year, value`` when ``wide=False``; ``variable`` is the indicator id.

    Raises
    ------
    GreenplanError
        When ``values`` lacks a column, or holds two values for one region, year and
        indicator.

    Notes
    -----
    No value is changed or converted: the unit is the indicator's canonical unit, as
    computed. A cell of the wide table is empty (NaN) where the indicator has no value in
    that year.

    References
    ----------
    IAMC time-series data template, as used by the IPCC AR6 Scenario Explorer and the
    ``pyam`` package (Huppmann et al., 2021, *Open Research Europe* 1:74).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"region": "济南市", "year": [2020, 2021],
    ...                        "indicator": "gdp_constant_2020", "value": [10140.91, 11013.0],
    ...                        "unit": "亿元"})
    >>> to_iamc(values, scenario="example").to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'model': 'greenplan', 'scenario': 'example', 'region': '济南市',
      'variable': 'gdp_constant_2020', 'unit': '亿元', 2020: 10140.91, 2021: 11013.0}]
    """
    missing = [c for c in ("region", "year", "indicator", "value", "unit") if c not in values]
    if missing:
        raise GreenplanError(msg("export.missing_columns", names=list(missing)))
    scenario = data_version() if scenario is None else scenario
    keep = values["value"].notna()
    long = pd.DataFrame(
        {
            "model": model,
            "scenario": scenario,
            "region": values.loc[keep, "region"].astype(str).to_numpy(),
            "variable": values.loc[keep, "indicator"].astype(str).to_numpy(),
            "unit": values.loc[keep, "unit"].astype(str).to_numpy(),
            "year": values.loc[keep, "year"].astype(int).to_numpy(),
            "value": values.loc[keep, "value"].astype(float).to_numpy(),
        }
    )
    key = ["region", "variable", "year"]
    twice = long.duplicated(key, keep=False)
    if twice.any():
        first = long.loc[twice, key].iloc[0].tolist()
        raise GreenplanError(msg("export.duplicates", n=int(twice.sum()), first=str(first)))
    long = long.sort_values(["region", "variable", "year"], kind="stable", ignore_index=True)
    if not wide:
        return long
    table = long.pivot(index=IAMC_COLUMNS, columns="year", values="value")
    table.columns = [int(y) for y in table.columns]
    return table.reset_index()


def from_iamc(table: pd.DataFrame) -> pd.DataFrame:
    """Return an IAMC table (wide or long) as greenplan's long columns.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model, scenario, region, variable, unit`` (any case) and either one column
        per year or ``year, value``.

    Returns
    -------
    pandas.DataFrame
        Columns ``model, scenario, region, year, indicator, value, unit``; one row per
        non-empty cell, sorted by region, indicator and year.

    Examples
    --------
    >>> wide = pd.DataFrame({"Model": ["m"], "Scenario": ["s"], "Region": ["济南市"],
    ...                      "Variable": ["gdp_constant_2020"], "Unit": ["亿元"],
    ...                      "2020": [10140.91], "2021": [None]})
    >>> from_iamc(wide)[["region", "year", "indicator", "value"]].to_dict("records")
    [{'region': '济南市', 'year': 2020, 'indicator': 'gdp_constant_2020', 'value': 10140.91}]
    """
    frame = table.rename(columns={c: str(c).lower() for c in table.columns})
    missing = [c for c in IAMC_COLUMNS if c not in frame]
    if missing:
        raise GreenplanError(msg("export.not_iamc", names=list(missing)))
    if "value" in frame and "year" in frame:
        long = frame.loc[:, [*IAMC_COLUMNS, "year", "value"]]
    else:
        years: dict[Any, int] = {}
        for c in frame.columns:
            if c in IAMC_COLUMNS:
                continue
            try:
                years[c] = int(str(c))
            except ValueError:
                raise GreenplanError(msg("export.bad_column", column=repr(c))) from None
        long = frame.melt(
            id_vars=IAMC_COLUMNS, value_vars=list(years), var_name="year", value_name="value"
        )
        long["year"] = long["year"].map(years)
    long = long.dropna(subset=["value"]).rename(columns={"variable": "indicator"})
    long = long.astype({"year": int, "value": float})
    order = ["model", "scenario", "region", "year", "indicator", "value", "unit"]
    return long.loc[:, order].sort_values(
        ["region", "indicator", "year"], kind="stable", ignore_index=True
    )

r"""Published rates as inputs: cumulative and annual changes, their chaining and rounding.

Bulletins and press conferences publish rates, not levels: "万元GDP能耗下降4.0%" each year
(``<indicator>_annual_change``, % on the previous year) or "累计下降10%" since the base year
(``<indicator>_change``, % vs the base year). :func:`cumulative_change` turns what is reported
into the cumulative change of one year, chaining annual rates only when every year since the
base year is there (a gap is named, never bridged), and carries the published rounding as a
range. :func:`rate_disagreements` lists reported rates that disagree with the levels beyond
that rounding (the validation warning).

Notes
-----
Chaining: with annual changes r₁ … r_k [%] of the years t0+1 … t0+k,

.. math:: C = \left(\prod_i (1 + r_i/100) - 1\right) \cdot 100

A rate published with ``d`` decimals stands for any value within ±0.5·10⁻ᵈ of it; the range
of C is the chained product of the ends (the product is monotonic in each rate).

Examples
--------
万元GDP能耗 down 4.0 %, 3.0 % and 2.5 % in 2021–2023:

>>> c = cumulative_change({2021: -4.0, 2022: -3.0, 2023: -2.5}, {}, 2020, 2023)
>>> round(c.value, 3), c.how   # (0.96 × 0.97 × 0.975 − 1) × 100
(-9.208, 'annual')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from greenplan.consistency import (
    ANNUAL_SUFFIX,
    CUMULATIVE_SUFFIX,
    half_step,
    rate_disagreements,
)

__all__ = [
    "ANNUAL_SUFFIX",
    "CUMULATIVE_SUFFIX",
    "Change",
    "cumulative_change",
    "half_step",
    "latest_change",
    "rate_disagreements",
    "with_published_rates",
]


@dataclass(frozen=True)
class Change:
    """A cumulative change vs the base year [%], how it was obtained and its rounding range."""

    year: int
    value: float
    low: float
    high: float
    how: str
    """``cumulative`` (reported as such) or ``annual`` (chained annual rates)."""

    def describe(self, base_year: int) -> str:
        """Plain words for the notes, with the rounding range."""
        what = f"reported change {base_year}–{self.year}"
        if self.how == "annual":
            span = f"{base_year + 1}–{self.year}" if self.year > base_year + 1 else self.year
            what = f"chained annual changes {span}"
        return (
            f"{what}: {_signed(self.value)} % (published rounding: "
            f"{_signed(self.low)} … {_signed(self.high)} %)"
        )


def _signed(x: float) -> str:
    return f"{x:+.2f}".rstrip("0").rstrip(".")


def _chain(rates: list[float]) -> float:
    return (math.prod(1.0 + r / 100.0 for r in rates) - 1.0) * 100.0


def cumulative_change(
    annual: Mapping[int, float],
    cumulative: Mapping[int, float],
    base_year: int,
    year: int,
    *,
    decimals: int = 1,
    notes: list[str] | None = None,
) -> Change | None:
    """Return the cumulative change of ``year`` vs ``base_year`` from the reported rates.

    Parameters
    ----------
    annual : mapping
        ``{year: change on the previous year [%]}``.
    cumulative : mapping
        ``{year: change vs the base year [%]}``; preferred where given.
    base_year, year : int
        t0 and t [year].
    decimals : int
        Decimals the rates are published with (1: "下降4.0%").
    notes : list of str, optional
        Receives a sentence naming the missing years when annual rates have a gap.

    Returns
    -------
    Change or None
        None when neither a cumulative rate of ``year`` nor an unbroken chain of annual
        rates from ``base_year + 1`` to ``year`` is reported.

    Examples
    --------
    >>> notes = []
    >>> cumulative_change({2021: -4.0, 2023: -2.5}, {}, 2020, 2023, notes=notes) is None
    True
    >>> notes
    ['annual changes reported for 2021, 2023: 2022 missing, so they are not chained']
    """
    h = half_step(decimals)
    if year in cumulative:
        c = float(cumulative[year])
        return Change(year, c, c - h, c + h, "cumulative")
    years = list(range(base_year + 1, year + 1))
    have = [y for y in years if y in annual]
    if not have:
        return None
    missing = [y for y in years if y not in annual]
    if missing:
        if notes is not None:
            notes.append(
                f"annual changes reported for {', '.join(map(str, have))}: "
                f"{', '.join(map(str, missing))} missing, so they are not chained"
            )
        return None
    rates = [float(annual[y]) for y in years]
    return Change(
        year,
        _chain(rates),
        _chain([r - h for r in rates]),
        _chain([r + h for r in rates]),
        "annual",
    )


def latest_change(
    annual: Mapping[int, float],
    cumulative: Mapping[int, float],
    base_year: int,
    up_to: float | None = None,
    *,
    decimals: int = 1,
    notes: list[str] | None = None,
) -> Change | None:
    """Return the cumulative change of the latest year (≤ ``up_to``) that has one, or None."""
    years = sorted(
        {int(y) for y in (*annual, *cumulative) if y > base_year and (up_to is None or y <= up_to)},
        reverse=True,
    )
    gaps: list[str] = []
    found = None
    for y in years:
        found = cumulative_change(annual, cumulative, base_year, y, decimals=decimals, notes=gaps)
        if found is not None:
            break
    if notes is not None and gaps:  # a later year that could not be had: say why
        notes.append(gaps[0])
    return found


def with_published_rates(values: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Return ``values`` with the published rates of ``stats`` that it lacks appended.

    :func:`greenplan.compute` returns indicators; an ``<indicator>_annual_change`` that is a
    code but not an indicator stays in the statistics. This puts every reported rate row
    (``<indicator>_change``, ``<indicator>_annual_change``) that ``values`` does not hold for
    its (region, year, indicator) into the indicator table, for :func:`assess`.

    Parameters
    ----------
    values : pandas.DataFrame
        The output of :func:`greenplan.compute`.
    stats : pandas.DataFrame
        The canonical statistics table it was computed from.

    Returns
    -------
    pandas.DataFrame
        ``values`` plus the missing rate rows (``origin`` ``reported``).
    """
    var = stats["variable"].astype(str)
    is_rate = var.str.endswith(CUMULATIVE_SUFFIX)
    rows = stats.loc[is_rate, ["region", "year", "variable", "value", "unit"]].rename(
        columns={"variable": "indicator"}
    )
    if rows.empty:
        return values
    keys = ["region", "year", "indicator"]
    have = pd.MultiIndex.from_frame(values[keys].astype({"year": "int64"}))
    new = rows[~pd.MultiIndex.from_frame(rows[keys].astype({"year": "int64"})).isin(have)]
    if new.empty:
        return values
    out = pd.concat([values, new.assign(origin="reported", method="")], ignore_index=True)
    out.attrs = dict(values.attrs)
    return out

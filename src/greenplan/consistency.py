"""Consistency of reported statistics with what the engine computes from them.

The checks :func:`greenplan.validate` runs on top of the table checks compare reported figures
with values computed from other rows. This module holds the comparisons that need nothing but
numbers, low in the layers so that validation imports them without the assessment
(:mod:`greenplan.progress` re-exports them where they belong in its API):

* :func:`rate_disagreements`: published rates (``<indicator>_change``,
  ``<indicator>_annual_change``) that disagree with the levels beyond their rounding;
* :func:`disagreeing_rates`: its arithmetic on arrays (each rate beside its two levels), for
  callers that hold the rates and levels as arrays already.

Examples
--------
>>> half_step(1)   # a rate published as "4.0 %" stands for 3.95 … 4.05
0.05
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "ANNUAL_SUFFIX",
    "CUMULATIVE_SUFFIX",
    "disagreeing_rates",
    "half_step",
    "rate_disagreements",
]

CUMULATIVE_SUFFIX = "_change"
"""``<indicator>_change``: change vs the base year [%]."""
ANNUAL_SUFFIX = "_annual_change"
"""``<indicator>_annual_change``: change on the previous year [%]."""


def half_step(decimals: int) -> float:
    """Half the last published digit: the rounding of a rate given with ``decimals`` [%]."""
    return 0.5 * 10.0 ** (-decimals)


def _tolerance(decimals: int) -> float:
    """Largest gap [%] between a published rate and its levels' that rounding explains."""
    return half_step(decimals) + 1e-9


def disagreeing_rates(
    reported: np.ndarray,
    now: np.ndarray,
    ref: np.ndarray,
    year: np.ndarray,
    ref_year: np.ndarray,
    *,
    decimals: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Return which published rates disagree with their levels, and the rates the levels give.

    The arithmetic of :func:`rate_disagreements` on aligned arrays, one entry per rate.

    Parameters
    ----------
    reported : numpy.ndarray
        The published rates [%] (NaN: none).
    now, ref : numpy.ndarray
        The level of the rate's indicator in its year and in its reference year (the year
        before for ``<indicator>_annual_change``, the base year for ``<indicator>_change``);
        NaN where there is none [unit of the indicator].
    year, ref_year : numpy.ndarray
        The rate's year and its reference year.
    decimals : int
        Decimals of the published rates; the tolerance is half the last digit (0.05 for 1).

    Returns
    -------
    positions : numpy.ndarray
        Positions (ascending) of the rates whose level-derived value differs from the
        published one by more than the tolerance; rates without both levels, with a zero
        reference level or a reference year not before their year are not compared.
    from_levels : numpy.ndarray
        The rate the levels give at every position [%] (meaningful where compared).

    Notes
    -----
    ``from_levels = (now / ref - 1) × 100``; a rate disagrees when
    ``|from_levels − reported| > 0.5 × 10^−decimals`` (plus 1e-9 for the float error).

    Examples
    --------
    >>> import numpy as np
    >>> at, derived = disagreeing_rates(  # synthetic: 46/50 − 1 = −8 %, 48/50 − 1 = −4 %
    ...     np.array([-10.0, -4.0]), np.array([46.0, 48.0]), np.array([50.0, 50.0]),
    ...     np.array([2023, 2023]), np.array([2020, 2020]))
    >>> at.tolist(), derived.round(6).tolist()
    ([0], [-8.0, -4.0])
    """
    usable = ~np.isnan(now) & ~np.isnan(ref) & (ref != 0) & ~np.isnan(reported)
    usable &= year > ref_year
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = (now / ref - 1.0) * 100.0
        bad = usable & (np.abs(derived - reported) > _tolerance(decimals))
    return np.flatnonzero(bad), derived


def rate_disagreements(
    stats: pd.DataFrame, values: pd.DataFrame, *, base_year: int = 2020, decimals: int = 1
) -> pd.DataFrame:
    """Return the reported rates that disagree with the levels beyond the published rounding.

    Parameters
    ----------
    stats : pandas.DataFrame
        The canonical statistics table (``region, year, variable, value``): the reported
        ``<indicator>_change`` and ``<indicator>_annual_change`` rows.
    values : pandas.DataFrame
        The output of :func:`greenplan.compute` on ``stats`` (``region, year, indicator,
        value``): the levels of each indicator.
    base_year : int
        The base year of ``<indicator>_change``.
    decimals : int
        Decimals of the published rates; the tolerance is half the last digit (0.05 for 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, variable, reported, from_levels, tolerance, message``: one row
        per reported rate whose level-derived value differs by more than ``tolerance`` [%].
        Validation turns each row into a WARNING (the levels win in :func:`assess`).

    Examples
    --------
    >>> stats = pd.DataFrame({"region": "济南市", "year": [2023],  # synthetic
    ...     "variable": ["water_use_per_gdp_change"], "value": [-10.0]})
    >>> values = pd.DataFrame({"region": "济南市", "year": [2020, 2023],
    ...     "indicator": "water_use_per_gdp", "value": [50.0, 46.0]})
    >>> rate_disagreements(stats, values)["from_levels"].round(6).tolist()  # 46/50 − 1 = −8 %
    [-8.0]
    """
    cols = ["region", "year", "variable", "reported", "from_levels", "tolerance", "message"]
    tol = _tolerance(decimals)
    # vectorised over rows: the rate codes are found among the distinct variables, and each
    # rate's two levels are looked up by one integer key (region, indicator, year)
    codes, distinct = pd.factorize(stats["variable"].astype(str))
    names = [str(v) for v in distinct]
    is_annual = np.array([v.endswith(ANNUAL_SUFFIX) for v in names], dtype=bool)
    is_rate = np.array([v.endswith(CUMULATIVE_SUFFIX) for v in names], dtype=bool)
    level_of = [
        v.removesuffix(ANNUAL_SUFFIX if annual else CUMULATIVE_SUFFIX)
        for v, annual in zip(names, is_annual.tolist(), strict=True)
    ]
    rows = np.flatnonzero(is_rate[codes]) if len(names) else np.zeros(0, dtype=np.int64)
    if rows.size == 0:
        return pd.DataFrame(columns=cols)
    rate = stats.iloc[rows]
    vc = codes[rows]
    year = rate["year"].to_numpy(dtype=np.int64)
    reported = pd.to_numeric(rate["value"], errors="coerce").to_numpy(dtype="float64")
    ref_year = np.where(is_annual[vc], year - 1, base_year)
    given = values.loc[:, ["region", "year", "indicator", "value"]]
    given = given[given["value"].notna().to_numpy()]
    # (region, year, indicator) as one integer on both sides: regions and indicators by
    # their distinct texts (few), years as they are
    rc, region_names = pd.factorize(rate["region"].astype(str))
    gc, given_regions = pd.factorize(given["region"].astype(str))
    regions = {str(r): k for k, r in enumerate(region_names)}
    given_rc = np.array([regions.get(str(r), -1) for r in given_regions], dtype=np.int64)[gc]
    lc, level_names = pd.factorize(np.array(level_of, dtype=object)[vc])
    levels = {str(v): k for k, v in enumerate(level_names)}
    ic, given_ids = pd.factorize(given["indicator"].astype(str))
    given_lc = np.array([levels.get(str(i), -1) for i in given_ids], dtype=np.int64)[ic]
    given_year = given["year"].to_numpy(dtype=np.int64)
    mine = (given_rc >= 0) & (given_lc >= 0)
    first = int(min(year.min(), ref_year.min(), given_year[mine].min(initial=int(year.min()))))
    last = max(year.max(), ref_year.max(), given_year[mine].max(initial=int(year.max())))
    span = int(last) - first + 1

    def key(r: np.ndarray, lv: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (r.astype(np.int64) * len(level_names) + lv) * span + (y - first)

    lookup = pd.Series(
        given["value"].to_numpy(dtype="float64")[mine],
        index=key(given_rc[mine], given_lc[mine], given_year[mine]),
    )
    lookup = lookup[~lookup.index.duplicated(keep="last")]  # as a dict: the last value wins
    now = lookup.reindex(key(rc, lc, year)).to_numpy()
    ref = lookup.reindex(key(rc, lc, ref_year)).to_numpy()
    region = np.asarray(region_names, dtype=object)[rc]
    level = np.asarray(level_names, dtype=object)[lc]
    bad, derived = disagreeing_rates(reported, now, ref, year, ref_year, decimals=decimals)
    at = bad.tolist()
    variable = np.array(names, dtype=object)[vc]
    step = half_step(decimals)
    records = [
        (
            region[i],
            int(year[i]),
            variable[i],
            float(reported[i]),
            float(derived[i]),
            tol,
            f"{variable[i]} {year[i]}: reported {reported[i]:g} % but the levels of {level[i]} "
            f"give {derived[i]:.2f} % (vs {ref_year[i]}); beyond the published rounding "
            f"±{step:g}. The levels are used.",
        )
        for i in at
    ]
    return pd.DataFrame(records, columns=cols)

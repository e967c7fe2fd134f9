"""Project lists → statistics: data-centre projects and road and railway mileage.

* :func:`count_data_center_projects` — new, expanded and renovated data-centre projects and
  those meeting the plan's PUE and rack-utilization criteria (plan 三(一)), with the
  per-project formulas :func:`power_usage_effectiveness` and :func:`rack_utilization`;
* :func:`mileage_from_projects` — annual road and railway additions (plan 六(二)).

Each returns canonical long rows (``region, year, variable, value, unit``) for
:func:`greenplan.compute`.

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划 (济南市人民政府办公厅, 2022-06-21), 三(一), 六(二).
.. [GB40879] GB 40879-2021 数据中心能效限定值及能效等级 (PUE) [M].
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from greenplan._numeric import PERCENT, ArrayLike, nonzero
from greenplan.plans import default_plan
from greenplan.records._tables import (
    grid_counts,
    long_counts,
    nonblank,
    region_codes,
    require,
    rows,
    unit_of,
    whole_years,
)
from greenplan.regions import CITY
from greenplan.units import factor

__all__ = [
    "DATA_CENTER_COUNTS",
    "PUE_BELOW",
    "RACK_UTILIZATION_ABOVE",
    "count_data_center_projects",
    "mileage_from_projects",
    "power_usage_effectiveness",
    "rack_utilization",
]

KM = "公里"

PUE_BELOW = 1.25
"""Default PUE threshold (strict): 济南市“十四五”绿色低碳循环发展规划 三(一),
优先支持PUE值低于1.25…的数据中心新(扩、改)建项目. Default of the compute option
``data_center_pue_below``."""

RACK_UTILIZATION_ABOVE = 65.0
"""Default rack-utilization threshold [%] (strict): plan 三(一), 上架率高于65%. Default of the
compute option ``data_center_rack_utilization_above``."""


def power_usage_effectiveness(total_facility_energy: ArrayLike, it_energy: ArrayLike) -> ArrayLike:
    r"""Power usage effectiveness (PUE) of a data centre.

    Parameters
    ----------
    total_facility_energy : float, array or Series
        Total energy used by the data centre over the period [any energy unit].
    it_energy : float, array or Series
        Energy used by the IT equipment over the same period [same unit].

    Returns
    -------
    same type as inputs
        PUE [1] (≥ 1 for physical data); NaN where IT energy is zero, negative or missing.

    Notes
    -----
    .. math:: PUE = \frac{E_{total}}{E_{IT}}

    References
    ----------
    GB 40879-2021 《数据中心能效限定值及能效等级》 (PUE as total energy / IT energy) [M];
    济南市“十四五”绿色低碳循环发展规划 三(一).

    Examples
    --------
    >>> power_usage_effectiveness(1200.0, 1000.0)
    1.2
    """
    return total_facility_energy / nonzero(it_energy, positive=True)


def rack_utilization(racks_used: ArrayLike, racks_installed: ArrayLike) -> ArrayLike:
    r"""Rack utilization (上架率) of a data centre.

    Parameters
    ----------
    racks_used : float, array or Series
        Racks in use (已上架机架数) [个].
    racks_installed : float, array or Series
        Racks installed (可用/建成机架数) [个].

    Returns
    -------
    same type as inputs
        Utilization [%]; NaN where no rack is installed.

    Notes
    -----
    .. math:: u = 100 \times \frac{racks_{used}}{racks_{installed}}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一): 上架率高于65%.

    Examples
    --------
    >>> rack_utilization(70, 100)
    70.0
    """
    return PERCENT * (racks_used / nonzero(racks_installed, positive=True))


DATA_CENTER_COUNTS = (
    "data_center_projects",
    "data_center_projects_pue_assessed",
    "data_center_projects_pue_compliant",
    "data_center_projects_rack_assessed",
    "data_center_projects_rack_compliant",
)
"""Counts :func:`count_data_center_projects` produces [个]."""


def count_data_center_projects(
    projects: pd.DataFrame,
    *,
    pue_below: float | None = None,
    rack_utilization_above: float | None = None,
    city: str | None = CITY,
) -> pd.DataFrame:
    r"""Count new, expanded and renovated data-centre projects meeting the plan's criteria.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per project, columns ``project``, ``region``, ``year`` and either ``pue`` or
        both ``total_facility_energy`` and ``it_energy`` (same unit); and either
        ``rack_utilization`` [%] or both ``racks_installed`` and ``racks_used``. A blank
        value means unknown: the project is counted but not assessed on that criterion.
        Where both forms are given, the stated ``pue`` / ``rack_utilization`` wins and the
        components fill its blanks.
    pue_below : float, optional
        PUE threshold (strict); default the option ``data_center_pue_below`` (1.25, plan
        三(一)).
    rack_utilization_above : float, optional
        Rack-utilization threshold [%] (strict); default the option
        ``data_center_rack_utilization_above`` (65 %, plan 三(一)).
    city : str or None, default "济南市"
        Code of the city row (every project of the table); ``None`` to omit it.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows of ``data_center_projects``, ``data_center_projects_pue_assessed``
        (PUE known), ``data_center_projects_pue_compliant`` (PUE < threshold),
        ``data_center_projects_rack_assessed`` and ``data_center_projects_rack_compliant``
        [个] per region and year, plus ``data_center_pue_threshold`` [1] and
        ``data_center_rack_utilization_threshold`` [%]: the thresholds applied, so that
        :func:`greenplan.compute` can check them against its options.

    Raises
    ------
    ValueError
        A required column is missing; a project appears twice in a year; a PUE below 1
        (total energy below IT energy); a utilization outside 0–100 %; more racks used than
        installed.

    Notes
    -----
    .. math:: PUE = E_{total}/E_{IT} < 1.25, \qquad u = 100\,racks_{used}/racks_{installed} > 65

    Examples
    --------
    >>> projects = pd.DataFrame({"project": ["A", "B"], "region": "历下区", "year": 2024,
    ...                          "pue": [1.2, 1.3], "rack_utilization": [70.0, 60.0]})
    >>> out = count_data_center_projects(projects, city=None)
    >>> out[out["variable"].str.endswith("compliant")]["value"].tolist()  # A only, twice
    [1.0, 1.0]
    """
    what = "data-centre projects"
    pue_t = float(PUE_BELOW if pue_below is None else pue_below)
    rack_t = float(
        RACK_UTILIZATION_ABOVE if rack_utilization_above is None else rack_utilization_above
    )
    require(projects, ("project", "region", "year"), what)
    has_pue = "pue" in projects.columns
    has_energy = {"total_facility_energy", "it_energy"} <= set(projects.columns)
    has_util = "rack_utilization" in projects.columns
    has_racks = {"racks_installed", "racks_used"} <= set(projects.columns)
    if not (has_pue or has_energy):
        raise ValueError(f"{what}: give 'pue' or both 'total_facility_energy' and 'it_energy'.")
    if not (has_util or has_racks):
        raise ValueError(
            f"{what}: give 'rack_utilization' or both 'racks_installed' and 'racks_used'."
        )

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(projects[col], errors="coerce").to_numpy(dtype="float64")

    def stated_or(col: str, derived: np.ndarray | None) -> np.ndarray:
        """Column ``col`` where given, ``derived`` (from the components) in its blanks."""
        stated = num(col) if col in projects.columns else np.full(len(projects), np.nan)
        return stated if derived is None else np.where(np.isnan(stated), derived, stated)

    project = nonblank(projects["project"], "project", what).to_numpy(dtype=object)
    region = region_codes(projects["region"], what)
    year = whole_years(projects["year"], "year", what).astype("int64")
    dup = pd.DataFrame({"p": project, "y": year}).duplicated(keep=False).to_numpy()
    if dup.any():
        raise ValueError(f"{what}: a project appears twice in the same year in {rows(dup)}.")

    energy = (
        power_usage_effectiveness(num("total_facility_energy"), num("it_energy"))
        if has_energy
        else None
    )
    pue = stated_or("pue", energy)
    racks = None
    if has_racks:
        installed, used = num("racks_installed"), num("racks_used")
        over = used > installed
        if over.any():
            raise ValueError(f"{what}: racks_used exceeds racks_installed in {rows(over)}.")
        racks = rack_utilization(used, installed)
    util = stated_or("rack_utilization", racks)
    low = pue < 1.0
    if low.any():
        raise ValueError(
            f"{what}: PUE below 1 (total facility energy below IT energy) in {rows(low)}."
        )
    outside = (util < 0) | (util > PERCENT)
    if outside.any():
        raise ValueError(f"{what}: rack utilization outside 0–100 % in {rows(outside)}.")

    flags = {
        "data_center_projects": np.ones(len(projects), dtype=bool),
        "data_center_projects_pue_assessed": ~np.isnan(pue),
        "data_center_projects_pue_compliant": pue < pue_t,
        "data_center_projects_rack_assessed": ~np.isnan(util),
        "data_center_projects_rack_compliant": util > rack_t,
    }
    counts = grid_counts(region, year, flags, city)
    counts["data_center_pue_threshold"] = pue_t
    counts["data_center_rack_utilization_threshold"] = rack_t
    units = {k: unit_of(k, "个") for k in DATA_CENTER_COUNTS}
    units["data_center_pue_threshold"] = unit_of("data_center_pue_threshold", "1")
    units["data_center_rack_utilization_threshold"] = unit_of(
        "data_center_rack_utilization_threshold", "%"
    )
    return long_counts(counts, units)


_MODES = {
    "road": "road",
    "roads": "road",
    "道路": "road",
    "公路": "road",
    "城市道路": "road",
    "railway": "railway",
    "rail": "railway",
    "铁路": "railway",
    "高铁": "railway",
    "高速铁路": "railway",
    "城际铁路": "railway",
}

_MODE_VARIABLES = {
    "road": ("roads_opened_km",),
    "railway": ("railway_construction_started_km", "railway_opened_carryover_km"),
}


def mileage_from_projects(
    projects: pd.DataFrame,
    *,
    base_year: int | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Annual road and railway additions per region from a list of projects.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per project (or per project segment in a region): ``project``, ``region``,
        ``mode`` (``road``/道路/公路 or ``railway``/铁路/高铁; urban rail transit is not
        railway here), ``length`` [公里, or the unit of an optional ``unit`` column],
        ``opening`` (year completed and opened to traffic or operation; NaN if not yet) and,
        for railways, ``start`` (year construction started; NaN if not started).
    base_year : int, optional
        The plan's base year; default the base year of the default plan (2020).
    years : iterable of int, optional
        Years to report; default every year from ``base_year + 1`` to the last event year.
        Years without an event get 0, so cumulative sums do not break.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit`` [公里] with
        ``roads_opened_km`` (road projects opened in the year) and, for railways,
        ``railway_construction_started_km`` (projects whose construction started in the year,
        after the base year) and ``railway_opened_carryover_km`` (projects started in or
        before the base year and opened in the year).

    Raises
    ------
    ValueError
        A required column is missing, or a mode is unknown.

    Notes
    -----
    "新增铁路运营及在建里程" (plan 六(二)) counts each railway project once: when its
    construction starts within the plan period, or, for a project already under
    construction in the base year, when it opens. Summed over 2021–T this is the mileage
    opened since the base plus the mileage newly under construction at the end of T [D]. A
    road counts in the year it opens (新建道路 = roads built and opened).

    Examples
    --------
    >>> projects = pd.DataFrame({"project": ["R1", "T1", "T2"], "region": "历下区",
    ...     "mode": ["道路", "铁路", "铁路"], "length": [10.0, 50.0, 30.0],
    ...     "opening": [2022, 2024, 2022], "start": [None, 2021, 2019]})
    >>> out = mileage_from_projects(projects, base_year=2020)
    >>> out.groupby("variable")["value"].sum().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'railway_construction_started_km': 50.0, 'railway_opened_carryover_km': 30.0,
     'roads_opened_km': 10.0}
    """
    require(projects, ("project", "region", "mode", "length", "opening"), "project list")
    base = default_plan().base_year if base_year is None else int(base_year)
    mode_key = projects["mode"].astype("string").str.strip().str.casefold()
    mode = mode_key.map({k.casefold(): v for k, v in _MODES.items()})
    if mode.isna().any():
        bad = sorted({str(v) for v in projects["mode"][mode.isna().to_numpy()].unique()})[:10]
        raise ValueError(
            "Unknown project mode(s): "
            + ", ".join(repr(v) for v in bad)
            + ". Use road (道路/公路) or railway (铁路/高铁)."
        )
    length = pd.to_numeric(projects["length"], errors="coerce").astype("float64")
    if "unit" in projects.columns:
        units = projects["unit"].astype("string").fillna(KM)
        scale = units.map({u: factor(str(u), KM) for u in units.unique()})
        length = length * scale.astype("float64").to_numpy()
    opening = pd.to_numeric(projects["opening"], errors="coerce").to_numpy(dtype="float64")
    start = (
        pd.to_numeric(projects["start"], errors="coerce").to_numpy(dtype="float64")
        if "start" in projects.columns
        else np.full(len(projects), np.nan)
    )
    is_rail = (mode == "railway").to_numpy()
    started_in_period = is_rail & (start > base)
    carryover = is_rail & ~started_in_period & (opening > base)
    road = ~is_rail & (opening > base)
    event_year = np.select(
        [road, started_in_period, carryover], [opening, start, opening], default=np.nan
    )
    variable = np.select(
        [road, started_in_period, carryover],
        ["roads_opened_km", "railway_construction_started_km", "railway_opened_carryover_km"],
        default="",
    )
    events = pd.DataFrame(
        {
            "region": projects["region"].astype(object).to_numpy(),
            "mode": mode.to_numpy(),
            "year": event_year,
            "variable": variable,
            "value": length.to_numpy(),
        }
    )
    counted = events["variable"] != ""
    last = events.loc[counted, "year"].max()
    year_list = (
        sorted(int(y) for y in years)
        if years is not None
        else (list(range(base + 1, int(last) + 1)) if counted.any() else [])
    )
    frames = []
    for m, variables in _MODE_VARIABLES.items():  # two modes
        regions = pd.unique(events.loc[events["mode"] == m, "region"])
        if not len(regions) or not year_list:
            continue
        grid = pd.MultiIndex.from_product(
            [regions, year_list, list(variables)], names=["region", "year", "variable"]
        )
        sel = events[counted & (events["mode"] == m)]
        sel = sel.assign(year=sel["year"].astype("int64"))
        sums = sel.groupby(["region", "year", "variable"])["value"].sum()
        frames.append(sums.reindex(grid, fill_value=0.0).rename("value").reset_index())
    if not frames:
        return long_counts(pd.DataFrame(), {})
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    out["unit"] = KM
    return out.sort_values(["region", "year"], kind="stable").reset_index(drop=True)

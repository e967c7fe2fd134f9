"""Renewables: new-energy and renewable installed capacity, by source and in total.

The plan (六(一)) aims at "全市新能源和可再生能源装机力争达到470万千瓦左右" in 2025. Which
sources count is not spelled out; greenplan counts the generating sources the same clause
promotes: solar PV (distributed and centralised), wind, biomass (incl. biomass CHP),
waste-to-energy (生活垃圾、污泥焚烧发电), hydropower and geothermal power.

**Pumped storage is excluded by default.** It is storage, not generation: the plan puts
抽水蓄能 under the new power system (六(一) 构建新型电力系统, "提高电网系统调节能力"), not
under non-fossil development. NEA's national statistics count pumped storage inside 水电
[M]; greenplan therefore reads ``capacity_hydro`` as conventional hydropower and takes pumped
storage separately (``capacity_pumped_storage``), added only with the option
``renewable_capacity_pumped_storage="include"``.

Canonical unit: 万千瓦 (10⁴ kW = 10 MW; 470万千瓦 = 4.7 GW). Capacities are year-end stocks.

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划, 六(一).
.. [NEA] 国家能源局, 可再生能源发电装机统计 (水电含抽水蓄能) [M].
"""

from __future__ import annotations

import numpy as np

from greenplan.indicators._common import ArrayLike, sum_components
from greenplan.indicators._templates import sum_or_reported_total
from greenplan.indicators.registry import ArrayInputs, declare_option, on_arrays, recipe, reported

__all__ = [
    "RENEWABLE_SOURCES",
    "capacity_added",
    "renewable_capacity",
]


RENEWABLE_SOURCES: tuple[str, ...] = (
    "capacity_solar",
    "capacity_wind",
    "capacity_biomass",
    "capacity_waste",
    "capacity_hydro",
    "capacity_geothermal",
)
"""Generating sources counted in 新能源和可再生能源装机 (children of capacity_renewable)."""

declare_option(
    "renewable_capacity_pumped_storage",
    "exclude",
    "Whether pumped-storage hydro (capacity_pumped_storage) counts in renewable_capacity: "
    "'exclude' (storage, not generation) or 'include' (NEA's 水电含抽水蓄能 convention).",
    choices=("exclude", "include"),
    source="Plan 六(一) lists 抽水蓄能 under grid regulation, not generation; NEA 水电含抽蓄 [M]",
)
declare_option(
    "renewable_capacity_missing_sources",
    "zero",
    "How a source that is not reported for a region-year counts in renewable_capacity: "
    "'zero' (absent = none installed; a region-year with no source at all stays missing) "
    "or 'nan' (every source must be reported).",
    choices=("zero", "nan"),
    source="Jinan has little or no hydro and geothermal power; statistics list sources in use",
)


def renewable_capacity(
    solar: ArrayLike,
    wind: ArrayLike,
    biomass: ArrayLike,
    waste: ArrayLike,
    hydro: ArrayLike,
    geothermal: ArrayLike,
    *,
    pumped_storage: ArrayLike | None = None,
    missing_as_zero: bool = True,
) -> ArrayLike:
    r"""New-energy and renewable installed capacity (新能源和可再生能源装机容量).

    Parameters
    ----------
    solar : float, array or Series
        Solar PV capacity, distributed and centralised [万千瓦].
    wind : float, array or Series
        Wind capacity [万千瓦].
    biomass : float, array or Series
        Biomass power capacity (agricultural and forestry residues, biogas) [万千瓦].
    waste : float, array or Series
        Waste-to-energy capacity (household waste, sludge incineration) [万千瓦].
    hydro : float, array or Series
        Conventional hydropower capacity, excluding pumped storage [万千瓦].
    geothermal : float, array or Series
        Geothermal power capacity [万千瓦].
    pumped_storage : float, array or Series, optional
        Pumped-storage capacity [万千瓦]; counted only when given (None = excluded).
    missing_as_zero : bool, default True
        Count a missing source as 0 when at least one source is present; if False every
        source (and ``pumped_storage`` when given) must be present.

    Returns
    -------
    same type as inputs
        Total installed capacity at year end [万千瓦]; NaN where no source is given.

    Notes
    -----
    .. math:: C = C_{pv} + C_{wind} + C_{bio} + C_{waste} + C_{hydro} + C_{geo} \;(+ C_{ps})

    References
    ----------
    Plan 六(一).

    Examples
    --------
    >>> renewable_capacity(250.0, 60.0, 25.0, 15.0, 0.0, 0.0)  # solar + wind + biomass + waste
    350.0
    """
    parts = [solar, wind, biomass, waste, hydro, geothermal]
    if pumped_storage is not None:
        parts.append(pumped_storage)
    return sum_components(parts, missing_as_zero=missing_as_zero)


def capacity_added(capacity: ArrayLike, capacity_before: ArrayLike) -> ArrayLike:
    r"""Net capacity added between two year ends.

    Parameters
    ----------
    capacity : float, array or Series
        Installed capacity at the end of the year [万千瓦].
    capacity_before : float, array or Series
        Installed capacity at the end of an earlier year (the previous year for the annual
        addition, the base year for the addition since the base) [万千瓦].

    Returns
    -------
    same type as inputs
        Net addition [万千瓦]: new installations minus retirements, negative if capacity
        fell; NaN where either value is missing.

    Notes
    -----
    .. math:: \Delta C_t = C_t - C_{t'}

    References
    ----------
    Plan 六(一) (capacity is a year-end stock; additions are differences of stocks).

    Examples
    --------
    >>> capacity_added(300.0, 250.0)  # 万千瓦
    50.0
    """
    return capacity - capacity_before


# --- recipes ----------------------------------------------------------------------------


@recipe(
    id="renewable_capacity",
    formula=(
        "capacity_solar + capacity_wind + capacity_biomass + capacity_waste + capacity_hydro "
        "+ capacity_geothermal (+ capacity_pumped_storage if included); capacity_renewable "
        "where no source is given"
    ),
    inputs=(*RENEWABLE_SOURCES, "capacity_pumped_storage", "capacity_renewable"),
    options=("renewable_capacity_pumped_storage", "renewable_capacity_missing_sources"),
    section="六(一)",
    additive=True,
    description=(
        "Installed capacity at year end of solar, wind, biomass, waste-to-energy, "
        "conventional hydro and geothermal power (pumped storage excluded by default). The "
        "2025 aim is about 470万千瓦 (力争…左右)."
    ),
    references=("Plan 六(一)", "NEA renewable capacity statistics"),
)
@on_arrays
def _renewable_capacity(x: ArrayInputs) -> np.ndarray:
    include_ps = x.option("renewable_capacity_pumped_storage") == "include"
    missing_as_zero = x.option("renewable_capacity_missing_sources") == "zero"
    parts = [x[c] for c in RENEWABLE_SOURCES]
    total = renewable_capacity(
        *parts,
        pumped_storage=x["capacity_pumped_storage"] if include_ps else None,
        missing_as_zero=missing_as_zero,
    )
    return sum_or_reported_total(
        x,
        parts,
        total,
        parent="capacity_renewable",
        missing_as_zero=missing_as_zero,
        unreported="sources",
        parent_notes=(
            ("reported capacity_renewable taken as given (pumped storage not added)",)
            if include_ps
            else ()
        ),
    )


_CAPACITY_OPTIONS = ("renewable_capacity_pumped_storage", "renewable_capacity_missing_sources")


def _added_recipe(id: str, *, since: str, description: str, options: tuple[str, ...] = ()) -> None:
    """Register ``id`` = renewable_capacity − renewable_capacity[``since``: previous/base]."""
    ref = "t−1" if since == "previous" else "base year"

    def added(x: ArrayInputs) -> np.ndarray:
        capacity = x.indicator("renewable_capacity")
        before = x.previous(capacity) if since == "previous" else x.at_base(capacity)
        return capacity_added(capacity, before)

    recipe(
        id=id,
        formula=f"renewable_capacity[t] − renewable_capacity[{ref}]",
        inputs=("renewable_capacity",),
        options=(*options, *_CAPACITY_OPTIONS),
        section="六(一)",
        additive=True,
        references=("Plan 六(一)",),
        description=description,
    )(on_arrays(added))


_added_recipe(
    "renewable_capacity_added",
    since="previous",
    description=(
        "Net capacity added in the year (installations minus retirements), from the year-end "
        "stocks of this and the previous year."
    ),
)
_added_recipe(
    "renewable_capacity_added_since_base",
    since="base",
    options=("base_year",),
    description=(
        "Net capacity added since the end of the base year (2020): the sum of the annual "
        "additions 2021…t. For display; the target is assessed on the level."
    ),
)


_SOURCE_NAMES: dict[str, str] = {  # English names for the descriptions (names: the code list)
    "capacity_solar": "Solar PV installed capacity",
    "capacity_wind": "Wind installed capacity",
    "capacity_biomass": "Biomass power installed capacity",
    "capacity_waste": "Waste-to-energy installed capacity",
    "capacity_hydro": "Conventional hydropower installed capacity",
    "capacity_geothermal": "Geothermal power installed capacity",
    "capacity_pumped_storage": "Pumped-storage installed capacity",
}

for _code, _en in _SOURCE_NAMES.items():
    reported(
        id=_code,
        formula=f"{_code} as reported (city = sum of districts where the city is not reported)",
        section="六(一)",
        description=(
            f"{_en} at year end."
            + (
                " Not counted in renewable_capacity unless "
                "renewable_capacity_pumped_storage='include'."
                if _code == "capacity_pumped_storage"
                else " A component of renewable_capacity."
            )
        ),
        references=("NEA capacity statistics",),
    )

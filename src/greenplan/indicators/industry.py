"""Industry and the green economy: green-industry output, certified entities, parks, data centres.

The plan's industrial targets (三(一), 二(三), 四(二), 五(二)) fall into five groups:

* **output of green industries** (智能制造与高端装备、绿色建筑产业链、节能与新能源汽车、清洁能源、
  节能环保服务业、循环经济产业), 亿元 at current prices, only ever reported directly;
* **the "四新" economy share**: value added of the new technologies, new industries, new
  business forms and new models divided by GDP, both at current prices;
* **counts of certified entities** (green factories, specialised/gazelle/champion enterprises,
  green industrial parks) from registers, each entity counted once (:func:`count_certified`);
* **shares of parks and data-centre projects** meeting a criterion, from project and park
  tables (:func:`count_parks`, :func:`count_data_center_projects`);
* **industrial intensities** (energy, water, pollutants per unit of industrial value added at
  comparable 2020 prices), whose targets are a direction: "明显下降".

Record-level tables are turned into canonical long rows (``region, year, variable, value,
unit``) by the converters of :mod:`greenplan.records` (:func:`count_certified`,
:func:`count_parks`, :func:`count_data_center_projects`, re-exported here); concatenate
them with the other statistics and pass the result to :func:`greenplan.compute`.

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划 (济南市人民政府办公厅, 2022-06-21), 二(三), 三(一),
   四(二), 五(二).
.. [EPT] 《中华人民共和国环境保护税法》(2016, in force 2018), 附表二 应税污染物和当量值表.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from greenplan._resources import read_resource_csv
from greenplan.indicators._common import PERCENT, ArrayLike, first_three, nonzero, percent_change
from greenplan.indicators.economy import _first_chained_year, _real_growth, constant_price_gdp
from greenplan.indicators.registry import (
    ArrayInputs,
    change_recipe,
    declare_option,
    formula_recipe,
    on_arrays,
    recipe,
    reported,
)
from greenplan.records.projects import (
    DATA_CENTER_COUNTS,
    PUE_BELOW,
    RACK_UTILIZATION_ABOVE,
    count_data_center_projects,
    power_usage_effectiveness,
    rack_utilization,
)
from greenplan.records.registers import (
    CERTIFICATION_LEVELS,
    PARK_VARIABLES,
    count_certified,
    count_parks,
)

__all__ = [
    "CERTIFICATION_LEVELS",
    "DATA_CENTER_COUNTS",
    "PARK_VARIABLES",
    "POLLUTANTS",
    "change_vs_base",
    "count_certified",
    "count_data_center_projects",
    "count_parks",
    "industrial_intensity",
    "pollutant_total",
    "pollution_equivalent_weights",
    "power_usage_effectiveness",
    "rack_utilization",
    "share_percent",
]


DOMAIN = "industry"

POLLUTANTS: dict[str, tuple[str, str]] = {
    "cod": ("化学需氧量", "COD"),
    "ammonia_nitrogen": ("氨氮", "ammonia nitrogen"),
    "so2": ("二氧化硫", "SO2"),
    "nox": ("氮氧化物", "NOx"),
    "particulates": ("颗粒物", "particulate matter"),
    "vocs": ("挥发性有机物", "VOCs"),
}
"""Industrial pollutants (中文, English) with an emission variable ``industrial_<key>_emissions``
[吨]."""

# --- options -------------------------------------------------------------------------------


def _is_number_in(lo: float, hi: float) -> Any:
    def check(v: Any) -> bool:
        return isinstance(v, int | float | np.integer | np.floating) and lo <= float(v) <= hi

    return check


def _parse_pollutant_set(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [p.strip() for p in value.replace(",", "+").split("+")]
    else:
        items = [str(p).strip() for p in value]
    return tuple(p for p in items if p)


def _valid_pollutant_set(value: Any) -> bool:
    try:
        items = _parse_pollutant_set(value)
    except TypeError:
        return False
    return bool(items) and all(p in POLLUTANTS for p in items) and len(set(items)) == len(items)


declare_option(
    "data_center_pue_below",
    PUE_BELOW,
    "A data-centre project complies when its PUE is strictly below this value.",
    check=_is_number_in(1.0, 5.0),
    source="济南市“十四五”绿色低碳循环发展规划 三(一): "
    "优先支持PUE值低于1.25…的数据中心新(扩、改)建项目",
)
declare_option(
    "data_center_rack_utilization_above",
    RACK_UTILIZATION_ABOVE,
    "A data-centre project complies when its rack utilization [%] is strictly above this value.",
    check=_is_number_in(0.0, 100.0),
    source="济南市“十四五”绿色低碳循环发展规划 三(一): "
    "优先支持…上架率高于65%的数据中心新(扩、改)建项目",
)
declare_option(
    "eco_park_share_denominator",
    "all",
    "Denominator of the provincial eco-industrial park share: every industrial park ('all') "
    "or only provincial-and-above parks ('provincial_plus').",
    choices=("all", "provincial_plus"),
    source="济南市“十四五”绿色低碳循环发展规划 五(二): "
    "省级生态工业园区比例力争达到工业园区的50%以上 "
    "(the plan says 工业园区 without a level: 'all' follows the words) [?]",
)
declare_option(
    "industrial_pollutants",
    "cod+ammonia_nitrogen+so2+nox",
    "Pollutants summed in industrial_pollutants_per_value_added: '+'-joined keys of "
    f"{', '.join(POLLUTANTS)} (or a list).",
    check=_valid_pollutant_set,
    source="The four major pollutants of total-emission control (COD, NH3-N, SO2, NOx) reported by "
    "environmental statistics; the plan (三(一)) names no list [?]",
)
declare_option(
    "industrial_pollutant_weighting",
    "mass",
    "How pollutants are added: 'mass' (tonnes as emitted) or 'cod_equivalent' (tonnes "
    "weighted by pollution-equivalent values, expressed as tonnes of COD-equivalent).",
    choices=("mass", "cod_equivalent"),
    source="cod_equivalent: 《环境保护税法》附表二 pollution-equivalent values "
    "(resources/factors/industry_pollution_equivalents.csv; SO2, NOx [M], particulates [?])",
)

# --- pure formula functions ----------------------------------------------------------------


def share_percent(part: ArrayLike, total: ArrayLike) -> ArrayLike:
    r"""Share of a part in a total, in per cent.

    Parameters
    ----------
    part : float, array or Series
        The part (value added, count of compliant projects …) [same unit as ``total``].
    total : float, array or Series
        The total (GDP, count of projects …) [same unit as ``part``].

    Returns
    -------
    same type as inputs
        Share [%]; NaN where ``total`` is zero, negative or missing (a share of nothing is
        undefined, never inf) or ``part`` is missing.

    Notes
    -----
    .. math:: s = 100 \times \frac{part}{total}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一) (“四新”经济占全部经济总量比重), 五(二) (park
    shares). Unlike :func:`greenplan.indicators.environment.share_percent` the ratio is taken
    before scaling (results agree to the last bit or two) and a negative total gives NaN.

    Examples
    --------
    >>> share_percent(3.0, 4.0)
    75.0
    """
    return PERCENT * (part / nonzero(total, positive=True))


def industrial_intensity(amount: ArrayLike, value_added: ArrayLike) -> ArrayLike:
    r"""Amount of a resource or emission per unit of industrial value added.

    Parameters
    ----------
    amount : float, array or Series
        Energy [万吨标准煤], water [万立方米] or pollutant emissions [吨] of industry.
    value_added : float, array or Series
        Industrial value added at comparable base-year prices [亿元].

    Returns
    -------
    same type as inputs
        ``amount / value_added``: [吨标准煤/万元] for energy in 万吨标准煤, [立方米/万元] for
        water in 万立方米, [吨/亿元] for emissions in 吨 (the canonical units are chosen so
        that no conversion factor is needed: 10⁴ t / 10⁴ 万元 = t/万元). NaN where value added
        is zero, negative or missing.

    Notes
    -----
    .. math:: I_t = \frac{A_t}{VA_t^{(2020)}}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一): 单位工业增加值能耗、污染物排放量、用水量明显下降.

    Examples
    --------
    >>> industrial_intensity(1500.0, 2500.0)
    0.6
    """
    return amount / nonzero(value_added, positive=True)


def change_vs_base(level: ArrayLike, base_level: ArrayLike) -> ArrayLike:
    r"""Relative change of a level against the base year, in per cent.

    Parameters
    ----------
    level : float, array or Series
        Value in the year [any unit].
    base_level : float, array or Series
        Value in the base year [same unit].

    Returns
    -------
    same type as inputs
        Change [%], negative for a decrease; NaN where the base level is zero, negative or
        missing.

    Notes
    -----
    .. math:: \Delta = 100 \times \left(\frac{I_t}{I_{2020}} - 1\right)

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划: base year 2020; 三(一) (intensities 明显下降).

    Examples
    --------
    >>> round(change_vs_base(0.56, 0.6), 6)
    -6.666667
    """
    return percent_change(level, base_level, positive=True)


def pollutant_total(
    emissions: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> Any:
    r"""Sum of several pollutants' emissions, optionally weighted.

    Parameters
    ----------
    emissions : mapping of str to float, array or Series
        Emissions by pollutant [吨].
    weights : mapping of str to float, optional
        Weight of each pollutant [1] (e.g. tonnes of COD-equivalent per tonne, from
        :func:`pollution_equivalent_weights`); default 1 for every pollutant (mass sum).

    Returns
    -------
    float, array or Series
        :math:`\sum_i w_i E_i` [吨, or 吨 COD-equivalent]; NaN where any component is missing
        (a partial sum is never returned). An empty mapping raises ``ValueError``.

    Notes
    -----
    .. math:: E = \sum_i w_i E_i

    References
    ----------
    《中华人民共和国环境保护税法》附表二 应税污染物和当量值表 (pollution equivalents, for
    the weights); 济南市“十四五”绿色低碳循环发展规划 三(一).

    Examples
    --------
    >>> pollutant_total({"cod": 10.0, "nox": 5.0})
    15.0
    """
    if not emissions:
        raise ValueError("pollutant_total needs at least one pollutant.")
    total: Any = None
    for name, value in emissions.items():
        w = 1.0 if weights is None else weights[name]
        term = value * w
        total = term if total is None else total + term
    return total


def pollution_equivalent_weights() -> dict[str, float]:
    """Weights that turn tonnes of a pollutant into tonnes of COD-equivalent.

    Returns
    -------
    dict of str to float
        :math:`w_i = e_{COD} / e_i` [1], where :math:`e_i` is the pollution-equivalent value
        [kg] of 《环境保护税法》附表二, read from
        ``resources/factors/industry_pollution_equivalents.csv`` (COD 1, NH3-N 0.8 [C];
        SO2 0.95, NOx 0.95 [M]; particulates as 一般性粉尘 4 [?]). VOCs have no single
        value in the law and are absent.

    Examples
    --------
    >>> w = pollution_equivalent_weights()
    >>> w["cod"], w["ammonia_nitrogen"]  # 1 / 1 and 1 / 0.8 (equivalent values in kg)
    (1.0, 1.25)
    """
    return dict(_equivalent_weights())


@lru_cache(maxsize=1)
def _equivalent_weights() -> dict[str, float]:

    rows = read_resource_csv("factors", "industry_pollution_equivalents.csv")
    values = {r["pollutant"]: float(r["equivalent_value"]) for r in rows}
    reference = values["cod"]
    return {p: reference / v for p, v in values.items()}


# --- recipes: output of green industries (reported) ---------------------------------------

_OUTPUTS = (
    (
        "smart_mfg_cluster_output",
        "Target 7000亿元 in 2025; the plan gives the 2020 scale as '4000亿级' (一(一)), a round "
        "order of magnitude, not a statistic.",
    ),
    (
        "green_building_industry_output",
        "Target 力争千亿元 in 2025. Output of the whole chain (materials, design, construction, "
        "prefabricated building …) as compiled by the housing department.",
    ),
    ("nev_industry_output", "Target 力争千亿元 in 2025."),
    (
        "clean_energy_industry_output",
        "Target 力争千亿元 in 2025 (solar, wind, geothermal, nuclear equipment … 四(一)).",
    ),
    ("energy_saving_env_services_output", "Target 力争百亿元 in 2025."),
    ("circular_economy_industry_output", "Target 力争百亿元 in 2025."),
)

for _id, _desc in _OUTPUTS:
    reported(
        id=_id,
        description=(
            f"{_desc} Reported directly (current prices); no component formula: the plan "
            "does not define sub-sectors. Additive across districts."
        ),
        formula="reported",
        section="二(三)",
        references=("济南市“十四五”绿色低碳循环发展规划 二(三), 四(一)",),
        additive=True,
    )

# --- recipes: "四新" economy -------------------------------------------------------------


formula_recipe(
    id="four_new_economy_share",
    func=share_percent,
    formula="100 × four_new_economy_value_added / gdp (both current prices)",
    inputs=("four_new_economy_value_added", "gdp"),
    section="三(一)",
    references=(
        "济南市“十四五”绿色低碳循环发展规划 三(一) (target 45 %), 一(一) (2020: >36 %)",
        "国家统计局《新产业新业态新商业模式统计分类(2018)》",
    ),
    description=(
        "Value added of new technologies, new industries, new business forms and new models "
        "(新技术、新产业、新业态、新模式) divided by GDP, both at current prices; the city value "
        "is computed from summed value added, never by averaging district shares."
    ),
)


# --- recipes: certified entities (reported counts, from registers) -------------------------

reported(
    id="green_factories_provincial_plus",
    formula="count of distinct factories holding a provincial or national green-factory title "
    "at year end (count_certified)",
    section="三(一)",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一), 一(一)",),
    description=(
        "Stock at year end, each factory once. Scope break: the plan's 2020 figure of 12 counts "
        "NATIONAL-level green factories only; count_certified(levels=('national',)) gives the "
        "comparable figure."
    ),
    additive=True,
)
reported(
    id="specialized_gazelle_champion_enterprises",
    formula="count of distinct enterprises with any provincial-or-national 专精特新/瞪羚/单项冠军 "
    "title at year end (count_certified)",
    section="四(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 四(二), 一(一) (2020: 771家)",),
    description="An enterprise holding several titles is counted once.",
    additive=True,
)
reported(
    id="green_industrial_parks",
    formula="count of distinct parks with a green-industrial-park title at year end "
    "(count_certified)",
    section="五(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 五(二)",),
    description=(
        "The plan states no level; count_certified counts provincial and national titles by "
        "default (pass levels= to change the scope, and say so)."
    ),
    additive=True,
)

# --- recipes: parks ------------------------------------------------------------------------


@recipe(
    id="eco_industrial_park_share",
    formula="100 × eco_industrial_parks_provincial / industrial_parks "
    "(or / industrial_parks_provincial_plus)",
    inputs=(
        "eco_industrial_parks_provincial",
        "industrial_parks",
        "industrial_parks_provincial_plus",
    ),
    options=("eco_park_share_denominator",),
    section="五(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 五(二)",),
)
@on_arrays
def _eco_park_share(x: ArrayInputs) -> np.ndarray:
    if x.option("eco_park_share_denominator") == "provincial_plus":
        denominator = x["industrial_parks_provincial_plus"]
    else:
        denominator = x["industrial_parks"]
    return share_percent(x["eco_industrial_parks_provincial"], denominator)


formula_recipe(
    id="park_circular_retrofit_coverage",
    func=share_percent,
    formula="100 × parks_retrofit_done / parks_retrofit_eligible",
    inputs=("parks_retrofit_done", "parks_retrofit_eligible"),
    section="五(二)",
    references=(
        "济南市“十四五”绿色低碳循环发展规划 五(二): 具备条件的省级以上园区全部实施循环化改造",
    ),
)


# --- recipes: data centres -----------------------------------------------------------------


def _compliance(
    x: ArrayInputs, *, compliant: str, assessed: str, threshold_var: str, option: str, label: str
) -> np.ndarray:
    denominator = x[assessed]
    if not x.has(assessed) and x.has("data_center_projects"):
        denominator = x["data_center_projects"]
        x.note(f"{assessed} not given: every project taken as assessed")
    wanted = float(x.option(option))
    applied = x[threshold_var]
    given = ~np.isnan(applied)
    differs = given & ~np.isclose(np.where(given, applied, wanted), wanted)
    if differs.any():
        used = first_three(np.unique(applied[differs]).tolist(), fmt=lambda v: f"{v:g}")
        x.note(
            f"counts were made with {label} {used} but {option}={wanted:g}: NaN there; "
            "recount with count_data_center_projects(..., "
            f"{option.removeprefix('data_center_')}={wanted:g})"
        )
    if (~given & ~np.isnan(x[compliant])).any():
        x.note(f"threshold of the counts not stated ({threshold_var}): assumed {label} {wanted:g}")
    return np.where(differs, np.nan, share_percent(x[compliant], denominator))


def _compliance_recipe(
    id: str, *, counts: str, measure: str, option: str, label: str, **fields: Any
) -> None:
    """Register ``id``: the share of data-centre projects whose ``measure`` passes ``option``.

    The counts are ``data_center_projects_<counts>_compliant`` / ``…_assessed``, made at the
    threshold ``data_center_<measure>_threshold`` (see :func:`_compliance`).
    """
    compliant = f"data_center_projects_{counts}_compliant"
    assessed = f"data_center_projects_{counts}_assessed"
    threshold_var = f"data_center_{measure}_threshold"

    def share(x: ArrayInputs) -> np.ndarray:
        return _compliance(
            x,
            compliant=compliant,
            assessed=assessed,
            threshold_var=threshold_var,
            option=option,
            label=label,
        )

    inputs = (compliant, assessed, "data_center_projects", threshold_var)
    recipe(id=id, inputs=inputs, options=(option,), section="三(一)", **fields)(on_arrays(share))


_compliance_recipe(
    "data_center_pue_compliance",
    counts="pue",
    measure="pue",
    option="data_center_pue_below",
    label="PUE <",
    formula="100 × data_center_projects_pue_compliant / data_center_projects_pue_assessed, "
    "compliant: PUE = total facility energy / IT energy < data_center_pue_below",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一)", "GB 40879-2021 (PUE definition) [M]"),
    description=(
        "Share, among the year's new/expanded/renovated data-centre projects whose PUE is known, "
        "of those with PUE strictly below the threshold. Counts come from "
        "count_data_center_projects; counts made at another threshold than the option give NaN."
    ),
)
_compliance_recipe(
    "data_center_rack_utilization_compliance",
    counts="rack",
    measure="rack_utilization",
    option="data_center_rack_utilization_above",
    label="rack utilization >",
    formula="100 × data_center_projects_rack_compliant / data_center_projects_rack_assessed, "
    "compliant: racks used / racks installed > data_center_rack_utilization_above",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一)",),
    description=(
        "Share, among the year's new/expanded/renovated data-centre projects whose rack "
        "utilization is known, of those above the threshold."
    ),
)


# --- recipes: industrial value added and intensities ---------------------------------------

_VA_INPUTS = (
    "industrial_value_added",
    "industrial_value_added_real_growth",
    "industrial_value_added_index",
)


def _backward_index(x: ArrayInputs, factor: np.ndarray) -> np.ndarray:
    """Volume index (base = 1) for years before the base: I_t = I_{t+1} / f_{t+1}."""
    base = x.base_year
    years = x.years
    out = np.full(len(years), np.nan)
    first = min(int(years.min()), base) if len(years) else base
    # years before the latest year without a row stay NaN: a missing factor breaks the chain
    first = max(first, _first_chained_year(x.distinct_years()[0], base))
    if first >= base:
        return out
    # one row per region, one column per year first … base (absent years stay NaN)
    codes, uniques = x.region_codes()
    upto = (years <= base) & (years >= first)
    col = years[upto] - first
    arr = np.full((len(uniques), base - first + 1), np.nan)
    arr[codes[upto], col] = factor[upto]
    # Π_{k=t+1}^{base} f_k, accumulated from the base backwards.
    rev = np.cumprod(arr[:, :0:-1], axis=1)[:, ::-1]
    level = np.concatenate([1.0 / rev, np.ones((len(arr), 1))], axis=1)
    out[upto] = level[codes[upto], col]
    return out


@recipe(
    id="industrial_value_added_constant_2020",
    formula="industrial_value_added[base year] × Π_{k=base+1..t} (1 + industrial_value_added_"
    "real_growth_k/100)",
    inputs=_VA_INPUTS,
    options=("base_year",),
    additive=True,
    section="三(一)",
    references=("国家统计局 2020年分省万元GDP能耗降低率公报 (chaining, as for GDP)",),
    description=(
        "Base-year nominal industrial value added carried forward (and back) by the real growth "
        "of industrial value added (or its index, previous year = 100). Without a growth rate "
        "the value is NaN: current prices are never used as a fallback. Growth and level must "
        "have the same scope (all industry, or 规模以上工业 only)."
    ),
)
@on_arrays
def _va_constant(x: ArrayInputs) -> np.ndarray:
    growth = _real_growth(x, "industrial_value_added_real_growth", "industrial_value_added_index")
    factor = 1.0 + growth / PERCENT
    forward = x.cumulative_product_since_base(factor)
    index = np.where(x.years >= x.base_year, forward, _backward_index(x, factor))
    value = constant_price_gdp(x.at_base(x["industrial_value_added"]), index)
    given = ~np.isnan(x["industrial_value_added"])
    gap = np.isnan(value) & given & (x.years != x.base_year)
    if gap.any():
        x.note(
            "no real growth of industrial value added for some years: comparable-price value "
            "added is NaN there (current prices not used)"
        )
    return value


def _va(x: ArrayInputs) -> np.ndarray:
    value = x.indicator("industrial_value_added_constant_2020")
    if (np.isnan(value) & ~np.isnan(x["industrial_value_added"])).any():
        x.note(
            "industrial value added at 2020 prices missing where current-price value added is "
            "given (no real growth rate): NaN there, current prices not used"
        )
    return value


_INTENSITY_REFS = (
    "济南市“十四五”绿色低碳循环发展规划 三(一): 单位工业增加值能耗、污染物排放量、用水量明显下降",
    "国家统计局 2020年分省万元GDP能耗降低率公报 (comparable prices)",
)


def _per_va_recipe(id: str, numerator: str, **fields: Any) -> None:
    """Register ``id`` = industrial_intensity(numerator, industrial value added at 2020 prices)."""
    fields.setdefault("references", _INTENSITY_REFS)

    def per_va(x: ArrayInputs) -> np.ndarray:
        return industrial_intensity(x[numerator], _va(x))

    inputs = (numerator, *_VA_INPUTS)
    recipe(id=id, inputs=inputs, options=("base_year",), section="三(一)", **fields)(
        on_arrays(per_va)
    )


_per_va_recipe(
    "industrial_energy_per_value_added",
    "industrial_energy_consumption",
    formula="industrial_energy_consumption [万吨标准煤] / industrial_value_added_constant_2020 "
    "[亿元] = 吨标准煤/万元",
    description=(
        "Industrial energy consumption divided by industrial value added at comparable 2020 "
        "prices. Numerator and denominator must share a scope (e.g. both 规模以上工业)."
    ),
)
_per_va_recipe(
    "industrial_water_per_value_added",
    "industrial_water_use",
    formula="industrial_water_use [万立方米] / industrial_value_added_constant_2020 [亿元] "
    "= 立方米/万元",
    references=(*_INTENSITY_REFS, "MWR 万元工业增加值用水量 (water resources bulletin)"),
    description=(
        "Industrial water use (as in the water resources bulletin, including thermal-power "
        "cooling unless excluded consistently) per 10⁴ yuan of industrial value added at 2020 "
        "prices."
    ),
)
for _id, _emissions in (  # one per key of POLLUTANTS
    ("industrial_cod_per_value_added", "industrial_cod_emissions"),
    ("industrial_ammonia_nitrogen_per_value_added", "industrial_ammonia_nitrogen_emissions"),
    ("industrial_so2_per_value_added", "industrial_so2_emissions"),
    ("industrial_nox_per_value_added", "industrial_nox_emissions"),
    ("industrial_particulates_per_value_added", "industrial_particulates_emissions"),
    ("industrial_vocs_per_value_added", "industrial_vocs_emissions"),
):
    _per_va_recipe(
        _id,
        _emissions,
        formula=f"{_emissions} [吨] / industrial_value_added_constant_2020 [亿元]",
    )


@recipe(
    id="industrial_pollutants_per_value_added",
    formula="Σ_p w_p × industrial_<p>_emissions [吨] / industrial_value_added_constant_2020 "
    "[亿元]; p in industrial_pollutants (default COD, NH3-N, SO2, NOx); w_p = 1 ('mass') or "
    "e_COD/e_p ('cod_equivalent')",
    inputs=(*(f"industrial_{p}_emissions" for p in POLLUTANTS), *_VA_INPUTS),
    options=("base_year", "industrial_pollutants", "industrial_pollutant_weighting"),
    section="三(一)",
    references=(*_INTENSITY_REFS, "《中华人民共和国环境保护税法》附表二 (pollution equivalents)"),
    description=(
        "Sum of the selected industrial pollutants' emissions (tonnes, or tonnes of "
        "COD-equivalent) per 亿元 of industrial value added at 2020 prices. NaN where any "
        "selected pollutant is missing. The per-pollutant indicators "
        "industrial_<p>_per_value_added are the unambiguous alternative."
    ),
)
@on_arrays
def _pollutants_per_va(x: ArrayInputs) -> np.ndarray:
    selected = _parse_pollutant_set(x.option("industrial_pollutants"))
    weights: dict[str, float] | None = None
    if x.option("industrial_pollutant_weighting") == "cod_equivalent":
        table = pollution_equivalent_weights()
        lacking = [p for p in selected if p not in table]
        if lacking:
            x.note(f"no pollution-equivalent value for {', '.join(lacking)}: NaN")
            return x.nan()
        weights = {p: table[p] for p in selected}
    emissions = {p: x[f"industrial_{p}_emissions"] for p in selected}
    absent = [p for p, s in emissions.items() if np.isnan(s).all()]
    if absent:
        x.note(f"no data for {', '.join(absent)}: the sum is NaN (never partial)")
    return industrial_intensity(pollutant_total(emissions, weights), _va(x))


# --- recipes: change vs base of the direction indicators ----------------------------------

for _id, _level_id, _options in (
    ("industrial_energy_per_value_added_change", "industrial_energy_per_value_added", ()),
    ("industrial_water_per_value_added_change", "industrial_water_per_value_added", ()),
    (
        "industrial_pollutants_per_value_added_change",
        "industrial_pollutants_per_value_added",
        ("industrial_pollutants", "industrial_pollutant_weighting"),
    ),
):
    # positive=True: NaN where the base level is zero or negative, as change_vs_base
    change_recipe(
        id=_id,
        level=_level_id,
        positive=True,
        options=("base_year", *_options),
        section="三(一)",
        references=_INTENSITY_REFS,
        description="For display: the target (明显下降) is assessed on the level.",
    )

del _id, _emissions, _level_id, _options, _desc

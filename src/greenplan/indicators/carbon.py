"""Carbon: energy-activity CO₂, indirect CO₂ of net inflows, process CO₂, carbon intensity.

The plan asks for carbon-intensity control (八(三)) and an accounting system covering energy
activities and industrial processes (十(二)); Shandong's 14th-FYP target is CO₂ per unit of
GDP −20.5 % vs 2020. The accounting follows the IPCC tier-2 form used by the 2011 provincial
inventory guideline and the NDRC sector guidelines::

    CO2_energy = Σ_f (AD_f − feedstock_f) × NCV_f × CC_f × OF_f × 44/12      (direct)
               + net electricity inflow × grid factor                      (indirect)
               + net heat inflow × 0.11 t CO₂/GJ                           (indirect)

Fuel used as feedstock (原料用能) carries no combustion CO₂. Industrial-process CO₂ (cement
clinker, lime) is reported separately and stays out of the intensity.

Canonical units: CO₂ in 万吨 (10⁴ t of CO₂ mass), fuels in 万吨 or 亿立方米, electricity in
亿千瓦时, heat in 万吉焦, GDP in 亿元, intensity in 吨CO₂/万元. Factors come from
:mod:`greenplan.factors`: the China sector-guideline defaults (default) or IPCC 2006, and the
MEE/NBS grid factors by year.

References
----------
.. [Prov] 省级温室气体清单编制指南(试行) (发改办气候〔2011〕1041号) [M].
.. [NDRC] 工业其他行业企业温室气体排放核算方法与报告指南(试行) (2015), 附录二 [M].
.. [IPCC] IPCC 2006 Guidelines, Vol.2 Ch.1; Vol.3 Ch.2.
.. [MEE] 生态环境部 国家统计局, 电力二氧化碳排放因子 (2021: 公告2024年第12号; 2022: 2024-12-20).
.. [Std] 国家统计局 2020年分省万元GDP能耗降低率公报; 省级温室气体清单编制指南(试行)
   (发改办气候〔2011〕1041号).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import numpy as np

from greenplan import factors
from greenplan.errors import OptionError
from greenplan.indicators._common import ArrayLike, sum_aligned
from greenplan.indicators.energy import (
    _fuel_variables,
    _note_gaps,
    _unit_factor,
    _unreported_as_zero,
    _unreported_as_zero_rows,
    _year_runs,
    fuel_variables,
    intensity,
)
from greenplan.indicators.registry import (
    ArrayInputs,
    change_recipe,
    declare_option,
    on_arrays,
    per_gdp_recipe,
    recipe,
)
from greenplan.variables import VARIABLES

__all__ = [
    "carbon_intensity",
    "co2_from_fuel",
    "combustion_factor",
    "indirect_co2",
    "net_of_feedstock",
    "process_co2",
]


SCOPES: tuple[str, ...] = ("direct_and_indirect", "direct")
"""What co2_energy (and so carbon_intensity) counts."""

declare_option(
    "emission_factor_set",
    "china_guideline",
    "Fuel emission factors (NCV, carbon content, oxidation) and process factors: "
    "'china_guideline' (NDRC sector enterprise GHG guideline defaults) or 'ipcc2006' (IPCC 2006 "
    "Tier 1 defaults, oxidation 1). The choice changes totals by several per cent.",
    choices=factors.FACTOR_SETS,
    source="工业其他行业企业温室气体排放核算方法与报告指南(试行) 附录二; IPCC 2006 Vol.2 Ch.1",
)
declare_option(
    "emission_factor_table",
    None,
    "A user's emission-factor table replacing or extending emission_factor_set per fuel: a "
    "CSV path or greenplan.factors.factor_table(DataFrame) (see greenplan.factors.factor_table).",
    check=factors.is_factor_table,
    source="user-supplied (measured NCV, carbon content or EF)",
)
declare_option(
    "grid_factor_region",
    "north_china",
    "Grid whose CO₂ factor values net electricity inflow: 'north_china' (华北 regional grid, "
    "covers Shandong; the provincial inventory guideline values cross-boundary electricity "
    "with the regional grid factor), 'shandong' (provincial factor, [?]) or 'national'.",
    check=factors.is_grid_region,
    source="省级温室气体清单编制指南(试行) (2011) [M]; MEE/NBS 电力二氧化碳排放因子",
)
declare_option(
    "grid_factor_series",
    "mee_nbs",
    "Grid-factor series: 'mee_nbs' (MEE/NBS electricity CO₂ factors, for the emissions of "
    "electricity consumption) or 'mee_enterprise' (national grid average for carbon-market "
    "reporting, national only). Do not mix them.",
    choices=factors.GRID_SERIES,
    source="生态环境部 国家统计局 2021年电力二氧化碳排放因子 (2024)",
)
declare_option(
    "grid_factor_year",
    factors.GRID_VINTAGE_BY_YEAR,
    "Vintage of the grid factor: 'by_year' applies each year's own factor (the nearest "
    "published year where the series has none, e.g. 2021 for 2020), or a year (int) freezes "
    "one vintage for every year. The vintage used is recorded in the output.",
    check=factors.is_grid_year,
    source="生态环境部 国家统计局 2021年电力二氧化碳排放因子 (2024): use one consistent vintage "
    "and record it",
)
declare_option(
    "heat_emission_factor",
    factors.heat_emission_factor().value,
    "CO₂ factor of net heat inflow [t CO₂/GJ].",
    check=lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1,
    source="NDRC sector enterprise GHG guidelines: purchased heat 0.11 tCO₂/GJ [C]",
)
declare_option(
    "carbon_scope",
    "direct_and_indirect",
    "What co2_energy and carbon_intensity count: 'direct_and_indirect' (fuel combustion plus "
    "net electricity and heat inflows, as provincial and city assessments do) or 'direct' "
    "(fuel combustion in the territory only).",
    choices=SCOPES,
    source="国家统计局 2020年分省万元GDP能耗降低率公报 (scope used in official assessments) "
    "[M]/[?]",
)


# --- pure formula functions ------------------------------------------------------------------


def combustion_factor(
    ncv: ArrayLike, carbon_content: ArrayLike, oxidation: ArrayLike, co2_per_carbon: float
) -> ArrayLike:
    r"""CO₂ emitted per unit of fuel burned.

    Parameters
    ----------
    ncv : float, array or Series
        Net calorific value [GJ per unit of fuel, e.g. GJ/t].
    carbon_content : float, array or Series
        Carbon per unit energy [t C / GJ] (= tC/TJ ÷ 1000).
    oxidation : float, array or Series
        Oxidation rate [1].
    co2_per_carbon : float
        Mass ratio CO₂/C, 44/12 (``greenplan.factors.co2_per_carbon()``) [1].

    Returns
    -------
    same type as inputs
        Emission factor [t CO₂ per unit of fuel].

    Notes
    -----
    .. math:: EF = NCV \times CC \times OF \times \frac{44}{12}

    References
    ----------
    IPCC 2006 Vol.2 Ch.1 (Tier 2); 省级温室气体清单编制指南(试行) (2011);
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> round(combustion_factor(20.0, 0.025, 1.0, 44 / 12), 4)  # 0.5 t C/t × 44/12
    1.8333
    """
    return ncv * carbon_content * oxidation * co2_per_carbon


def co2_from_fuel(
    quantity: ArrayLike,
    ncv: float,
    carbon_content: float,
    oxidation: float,
    co2_per_carbon: float,
) -> ArrayLike:
    r"""CO₂ from burning a fuel.

    Parameters
    ----------
    quantity : float, array or Series
        Fuel burned [unit U, e.g. t].
    ncv : float
        Net calorific value [GJ / U].
    carbon_content : float
        Carbon per unit energy [t C / GJ].
    oxidation : float
        Oxidation rate [1].
    co2_per_carbon : float
        Mass ratio CO₂/C, 44/12 [1].

    Returns
    -------
    same type as ``quantity``
        CO₂ [t]; NaN stays NaN.

    Notes
    -----
    .. math:: CO_2 = AD \times NCV \times CC \times OF \times \frac{44}{12}

    Example (sector-guideline natural gas): 1 × 10⁴ m³ × 389.31 GJ/10⁴m³ × 0.0153 tC/GJ ×
    0.99 × 44/12 = 21.62 t CO₂.

    References
    ----------
    工业其他行业企业温室气体排放核算方法与报告指南(试行) (2015); IPCC 2006 Vol.2 Ch.1;
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> round(co2_from_fuel(100.0, 20.0, 0.025, 1.0, 44 / 12), 3)  # 100 × 20 × 0.025 = 50 t C
    183.333
    """
    return quantity * combustion_factor(ncv, carbon_content, oxidation, co2_per_carbon)


def net_of_feedstock(quantity: ArrayLike, feedstock: ArrayLike) -> ArrayLike:
    """Fuel burned: consumption minus the part used as feedstock.

    Parameters
    ----------
    quantity : float, array or Series
        Fuel consumed, all uses [unit U].
    feedstock : float, array or Series
        Part used as raw material for non-energy products [U].

    Returns
    -------
    same type as inputs
        :math:`AD - FS` [U]; NaN where either is NaN.

    Notes
    -----
    .. math:: AD^{comb} = AD - FS

    Feedstock carbon ends up in products (olefins, ammonia, methanol …), not in the air at
    that point, so it carries no combustion CO₂.

    References
    ----------
    发改环资〔2022〕803号; 国家统计局 2020年分省万元GDP能耗降低率公报 (scope).

    Examples
    --------
    >>> net_of_feedstock(100.0, 30.0)
    70.0
    """
    return quantity - feedstock


def indirect_co2(quantity: ArrayLike, factor: float | ArrayLike) -> ArrayLike:
    r"""Indirect CO₂ of a net energy inflow (electricity or heat).

    Parameters
    ----------
    quantity : float, array or Series
        Net inflow (imports − exports; negative for a net exporter) [unit U, e.g. kWh, GJ].
    factor : float, array or Series
        CO₂ factor [t CO₂ / U] (grid factor, or 0.11 t/GJ for heat).

    Returns
    -------
    same type as ``quantity``
        CO₂ [t]; negative for a net exporter.

    Notes
    -----
    .. math:: CO_2^{ind} = (E_{in} - E_{out}) \times EF

    References
    ----------
    省级温室气体清单编制指南(试行) (2011); MEE/NBS 电力二氧化碳排放因子;
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> indirect_co2(1000.0, 0.5), indirect_co2(-200.0, 0.5)  # importer, net exporter
    (500.0, -100.0)
    """
    return quantity * factor


def process_co2(production: ArrayLike, factor: float | ArrayLike) -> ArrayLike:
    r"""Industrial-process CO₂ of a product (cement clinker, lime).

    Parameters
    ----------
    production : float, array or Series
        Output [t of product].
    factor : float, array or Series
        Process emission factor [t CO₂ / t of product].

    Returns
    -------
    same type as ``production``
        Process CO₂ [t].

    Notes
    -----
    .. math:: CO_2^{proc} = P \times EF

    References
    ----------
    省级温室气体清单编制指南(试行) (2011); IPCC 2006 Vol.3 Ch.2 Eq. 2.4.

    Examples
    --------
    >>> process_co2(200.0, 0.5)  # 200 t of product × 0.5 t CO2/t
    100.0
    """
    return production * factor


def carbon_intensity(co2: ArrayLike, gdp: ArrayLike) -> ArrayLike:
    r"""CO₂ emissions per 10⁴ yuan of GDP (单位GDP二氧化碳排放).

    Parameters
    ----------
    co2 : float, array or Series
        Energy-activity CO₂ [万吨 CO₂].
    gdp : float, array or Series
        GDP at comparable 2020 prices [亿元].

    Returns
    -------
    same type as inputs
        Carbon intensity [吨CO₂/万元]; NaN where ``gdp`` is 0 or missing.

    Notes
    -----
    .. math::

        CI_t = \frac{CO_{2,t}\,[10^4\,t]}{GDP_t\,[10^8\,yuan]}
             = \frac{CO_{2,t}\,[t]}{GDP_t\,[10^4\,yuan]}

    The unit identity (= 1) is derived from :func:`greenplan.units.factor`.

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报 (CO₂ intensity).

    Examples
    --------
    >>> round(carbon_intensity(2000.0, 10000.0), 6)  # 2000 万吨 / 10000 亿元 = 0.2 t/万元
    0.2
    """
    return intensity(co2, gdp, _unit_factor("万吨/亿元", "吨CO2/万元"))


# --- recipes --------------------------------------------------------------------------------------

_DOMAIN = "carbon"
_SECTION = "八(三)"
_FUELS = tuple(fuel_variables())
_FEEDSTOCK = tuple(f"feedstock_{fuel}" for fuel in fuel_variables().values())
_GRID_OPTIONS = ("grid_factor_region", "grid_factor_series", "grid_factor_year")
_CO2_OPTIONS = ("carbon_scope", "emission_factor_set", *_GRID_OPTIONS, "heat_emission_factor")
"""Options of co2_energy and of what is built on it."""


def _co2_per_unit(var: str, set_: str, table: Any) -> tuple[float, str]:
    """CO₂ [万吨] per unit of the fuel variable ``var``, and the factor's confidence tag."""
    if table is None:  # the shipped factor sets are fixed: looked up once
        return _shipped_co2_per_unit(var, set_)
    ef = factors.emission_factor(_fuel_variables()[var], set_, table)
    return ef.co2_per(VARIABLES[var].unit, "万吨"), ef.confidence


@cache
def _shipped_co2_per_unit(var: str, set_: str) -> tuple[float, str]:
    ef = factors.emission_factor(_fuel_variables()[var], set_)
    return ef.co2_per(VARIABLES[var].unit, "万吨"), ef.confidence


def _grid_factor_series(x: ArrayInputs) -> np.ndarray:
    """Grid factor of each row's year [kg CO₂/kWh], noting the vintages used."""
    region = x.option("grid_factor_region")
    series = x.option("grid_factor_series")
    vintage = x.option("grid_factor_year")
    distinct, position = x.distinct_years()
    try:
        values, runs = _grid_lookup(tuple(distinct.tolist()), region, series, vintage)
    except factors.FactorError as exc:
        raise OptionError(str(exc)) from exc
    x.note(f"grid factor {series}/{region} (kg CO₂/kWh): " + runs)
    return values[position]


@lru_cache(maxsize=64, typed=True)
def _grid_lookup(
    years: tuple[int, ...], region: str, series: str, vintage: int | str
) -> tuple[np.ndarray, str]:
    """Grid factor of each of ``years`` [kg CO₂/kWh] and the vintages used, as a note text.

    Made once per set of years and options: the factor tables are fixed.
    """
    table = factors.grid_factors_for_years(years, region, series, vintage)
    runs = _year_runs(
        (y, table[y].year, f"{table[y].value} [{table[y].confidence}]") for y in years
    )
    values = np.array([table[y].value for y in years], dtype="float64")
    values.flags.writeable = False
    return values, runs


@recipe(
    id="co2_fuel_combustion",
    formula="Σ_f (fuel_f − feedstock_f) × NCV_f × CC_f × OF_f × 44/12",
    inputs=(*_FUELS, *_FEEDSTOCK),
    options=("emission_factor_set", "emission_factor_table"),
    section=_SECTION,
    additive=True,
    description=(
        "Direct CO₂ (mass, 万吨) from burning fossil fuels in the territory: each fuel_* "
        "quantity minus its feedstock_* part, times the fuel's emission factor from the chosen "
        "factor set. Fuels not reported count as 0 as long as one is; per-fuel feedstock not "
        "reported counts as 0 (noted). The fuel_* figures should be combustion uses, not "
        "inputs to coking, refining or washing (double counting)."
    ),
    references=(
        "工业其他行业企业温室气体排放核算方法与报告指南(试行) 附录二",
        "IPCC 2006 Vol.2 Ch.1",
    ),
)
@on_arrays
def _co2_fuel_combustion(x: ArrayInputs) -> np.ndarray:

    fuel_of = _fuel_variables()
    present = [v for v in fuel_of if x.has(v)]
    if not present:
        return x.nan()
    set_ = x.option("emission_factor_set")
    table = x.option("emission_factor_table")
    uncertain = []
    per_unit = np.empty(len(present))
    for k, var in enumerate(present):
        per_unit[k], confidence = _co2_per_unit(var, set_, table)
        if confidence == "?":
            uncertain.append(fuel_of[var])
    # every fuel at once: one row per fuel
    burned = np.array([x[v] for v in present])
    feed_codes = [f"feedstock_{fuel_of[v]}" for v in present]
    with_feed = [k for k, code in enumerate(feed_codes) if x.has(code)]
    no_feedstock = [v for k, v in enumerate(present) if k not in with_feed]
    broken = np.zeros(len(x), dtype=bool)
    if with_feed:
        # absent means none (a region that never reports a fuel's feedstock deducts 0)
        feeds = _unreported_as_zero_rows(x, np.array([x[feed_codes[k]] for k in with_feed]))
        fuels = burned[with_feed]
        # a region that reports the feedstock in other years but not in this one: the
        # fuel's CO₂ cannot be told apart, so the year has no value (never a silent 0)
        broken = (~np.isnan(fuels) & np.isnan(feeds)).any(axis=0)
        burned[with_feed] = net_of_feedstock(fuels, feeds)
    parts = burned * per_unit[:, None]
    x.note(f"emission factors: {set_}")
    if uncertain:
        x.note(f"factor tagged [?] for: {', '.join(uncertain)}")
    if no_feedstock and x.has("energy_feedstock"):
        x.note("no per-fuel feedstock_* given: no feedstock deducted from combustion CO₂")
    _note_gaps(x, present)
    total = sum_aligned(parts, min_count=1)
    total[broken] = np.nan
    return total


@recipe(
    id="co2_electricity_indirect",
    formula="electricity_net_import × grid factor (series, region and vintage by options)",
    inputs=("electricity_net_import",),
    options=_GRID_OPTIONS,
    section=_SECTION,
    additive=True,
    description=(
        "Net electricity inflow (imports − exports, 亿千瓦时) times the grid CO₂ factor of the "
        "year; negative for a net exporter. Default: the MEE/NBS 华北 regional-grid factor of "
        "each year (2020, not published, takes the 2021 vintage). The factors used are recorded."
    ),
    references=("MEE/NBS 电力二氧化碳排放因子",),
)
@on_arrays
def _co2_electricity_indirect(x: ArrayInputs) -> np.ndarray:
    imports = x["electricity_net_import"]
    if np.isnan(imports).all():
        return imports
    factor = _grid_factor_series(x) * _unit_factor("kg/kWh", "万吨/亿千瓦时")
    return indirect_co2(imports, factor)


@recipe(
    id="co2_heat_indirect",
    formula="heat_net_import × heat_emission_factor (0.11 t CO₂/GJ)",
    inputs=("heat_net_import",),
    options=("heat_emission_factor",),
    section=_SECTION,
    additive=True,
    description="Net heat inflow (万吉焦) times 0.11 t CO₂/GJ; negative for a net exporter.",
    references=("NDRC sector enterprise GHG guidelines (0.11 tCO₂/GJ)",),
)
@on_arrays
def _co2_heat_indirect(x: ArrayInputs) -> np.ndarray:
    factor = float(x.option("heat_emission_factor")) * _unit_factor("t/GJ", "万吨/万吉焦")
    return indirect_co2(x["heat_net_import"], factor)


@recipe(
    id="co2_energy",
    formula=(
        "co2_fuel_combustion + co2_electricity_indirect + co2_heat_indirect "
        "(direct only with carbon_scope='direct')"
    ),
    inputs=("co2_fuel_combustion", "co2_electricity_indirect", "co2_heat_indirect"),
    options=_CO2_OPTIONS,
    section=_SECTION,
    additive=True,
    description=(
        "CO₂ (mass, 万吨) of energy activities: fuel combustion in the territory (feedstock "
        "excluded) plus, by default, the indirect CO₂ of net electricity and heat inflows. A "
        "region that never reports a net inflow gets no indirect part (noted). The numerator "
        "of carbon_intensity; industrial-process CO₂ is not included."
    ),
    references=("省级温室气体清单编制指南(试行) (2011)",),
)
@on_arrays
def _co2_energy(x: ArrayInputs) -> np.ndarray:
    direct = x.propagate("co2_fuel_combustion")
    if x.option("carbon_scope") == "direct":
        x.note("direct combustion CO₂ only")
        return direct
    elec = _unreported_as_zero(x, x.propagate("co2_electricity_indirect"), "electricity_net_import")
    heat = _unreported_as_zero(x, x.propagate("co2_heat_indirect"), "heat_net_import")
    return direct + elec + heat


@recipe(
    id="co2_process",
    formula="clinker_production × EF_clinker + lime_production × EF_lime",
    inputs=("clinker_production", "lime_production"),
    options=("emission_factor_set",),
    section="十(二)",
    additive=True,
    description=(
        "CO₂ from calcination in cement-clinker and lime production, reported separately from "
        "energy CO₂ and not part of the carbon intensity. Factors follow option "
        "emission_factor_set (China 2011 provincial guideline 0.538 / 0.683 [M]; IPCC 2006 "
        "0.52 / 0.75). A product not reported counts as 0 as long as the other is."
    ),
    references=("省级温室气体清单编制指南(试行) (2011) [M]", "IPCC 2006 Vol.3 Ch.2"),
)
@on_arrays
def _co2_process(x: ArrayInputs) -> np.ndarray:
    set_ = x.option("emission_factor_set")
    parts = []
    for process, var in (("clinker", "clinker_production"), ("lime", "lime_production")):
        if x.has(var):
            pf = factors.process_factor(process, set_)
            x.note(f"{process} {pf.value} {pf.unit} ({set_}) [{pf.confidence}]")
            parts.append(process_co2(x[var], pf.value * _unit_factor(pf.unit, "万吨/万吨")))
    if not parts:
        return x.nan()
    return sum_aligned(parts, min_count=1)


@recipe(
    id="co2_total",
    formula="co2_energy + co2_process",
    inputs=("co2_energy", "co2_process"),
    options=_CO2_OPTIONS,
    section="十(二)",
    additive=True,
    description=(
        "Energy-activity CO₂ plus industrial-process CO₂ (the coverage of 十(二)). A region "
        "that never reports process output gets no process part (noted)."
    ),
    references=("Plan 十(二)",),
)
@on_arrays
def _co2_total(x: ArrayInputs) -> np.ndarray:
    energy = x.propagate("co2_energy")
    process = _unreported_as_zero(x, x.propagate("co2_process"), "co2_process")
    return energy + process


_CI_OPTIONS = ("base_year", *_CO2_OPTIONS)


per_gdp_recipe(
    id="carbon_intensity",
    func=carbon_intensity,
    numerator="co2_energy",
    read="propagate",
    formula="co2_energy / gdp_constant_2020",
    options=_CI_OPTIONS,
    section=_SECTION,
    description=(
        "Energy-activity CO₂ per 10⁴ yuan of GDP at comparable 2020 prices (process CO₂ "
        "excluded). Supplementary target carbon_intensity_control (Shandong −20.5 % vs 2020) is "
        "assessed on this level; see carbon_intensity_change."
    ),
    references=("Plan 八(三)",),
)


change_recipe(
    id="carbon_intensity_change",
    level="carbon_intensity",
    notes=True,
    options=_CI_OPTIONS,
    section=_SECTION,
    description=(
        "Cumulative change of carbon_intensity against the base year (2020); Shandong's 2025 "
        "target is −20.5 %. For display: the target is assessed on the level."
    ),
    references=("山东省“十四五”节能减排实施方案",),
)


change_recipe(
    id="carbon_intensity_annual_change",
    level="carbon_intensity",
    since="previous",
    notes=True,
    options=_CI_OPTIONS,
    section=_SECTION,
    description="Annual change of carbon_intensity.",
    references=("国家统计局 2020年分省万元GDP能耗降低率公报",),
)

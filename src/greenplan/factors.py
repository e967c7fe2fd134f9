"""Coefficients of the energy and carbon accounting, as typed tables with provenance.

Every number here is package data (``greenplan/resources/factors/*.csv``), never a literal in
code, and every row carries its ``source``, ``edition`` (year or vintage), ``basis`` and a
``confidence`` tag: ``C`` confirmed in a retrieved source, ``D`` derived by arithmetic from
confirmed figures, ``M`` recalled or transcribed and not re-read in the primary text, ``?``
uncertain (sources conflict or are weak). The tables are read on first use.

A user's own coefficients replace or extend the shipped ones through :func:`factor_table`
(a CSV path or a DataFrame with ``fuel, ncv, ncv_unit, carbon_content`` or
``emission_factor``, ``oxidation``, ``source``): ``compute``, ``aggregate_fuel_records`` and
:mod:`greenplan.inventory` take it as option ``emission_factor_table``.

Tables
------
``fuels()``
    The energy products greenplan knows: code, 中文/English names, family, the physical unit
    the other tables are expressed per, the codelist variable of regional statistics, aliases.
``standard_coal()``
    GB/T 2589-2020 reference coefficients for conversion to standard coal (natural gas is a
    range in the 2020 edition: the default 1.2143 kgce/m³ is a choice, option
    ``natural_gas_coefficient``).
``emission_factors(set)``
    Net calorific value, carbon content (or CO₂ factor) and oxidation rate per fuel;
    ``"china_guideline"`` (NDRC sector enterprise GHG guidelines, the default) or
    ``"ipcc2006"`` (IPCC 2006 Tier 1, Table 1.4 CO₂ factors).
``grid_factors()`` / ``grid_factor(year, region, series)``
    CO₂ factors of electricity consumed, by data year: the MEE/NBS series (national, the seven
    regional grids, Shandong; the national factor excluding market-traded non-fossil power;
    the national fossil-power factor) and the MEE enterprise-reporting national series.
``electricity_coal_rates()``
    Coal-consumption rate of thermal power by year, for the coal-consumption (等价值) method.
``heat_emission_factor()``, ``co2_per_carbon()``, ``process_factor()``
    Purchased heat 0.11 tCO₂/GJ, 44/12, industrial-process parameters (clinker, lime,
    carbonates, iron and steel).
``gwp()``, ``non_co2_factor()``, ``tce_carbon_factor()``
    AR5/AR4/SAR global warming potentials, IPCC CH₄/N₂O combustion factors, carbon per tce.

Examples
--------
>>> from greenplan import factors
>>> factors.standard_coal()["raw_coal"].value
0.7143
>>> round(factors.emission_factor("natural_gas").co2_per("万m3"), 2)  # t CO₂ per 10⁴ m³
21.62
>>> factors.grid_factor(2022, "north_china").value
0.6776

References
----------
.. [GBT2589] GB/T 2589-2020 综合能耗计算通则, Annex A (reference coefficients).
.. [NDRC] 国家发展改革委, 工业其他行业企业温室气体排放核算方法与报告指南(试行) (2015), 附录二.
.. [IPCC] IPCC 2006 Guidelines for National Greenhouse Gas Inventories, Vol.2 Ch.1, Tables
   1.2–1.4; Vol.3 Ch.2.
.. [MEE] 生态环境部、国家统计局, 关于发布2021年电力二氧化碳排放因子的公告 (公告2024年第12号,
   2024-04-12); 关于发布2022年电力二氧化碳排放因子的公告 (2024-12-20); 关于发布2023年电力
   二氧化碳排放因子的公告 (公告2025年第47号, 2025-12-31).
.. [Prov] 省级温室气体清单编制指南(试行) (发改办气候〔2011〕1041号).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict

from greenplan import units
from greenplan._resources import read_resource_csv
from greenplan.errors import GreenplanError, message_of
from greenplan.messages import msg
from greenplan.options import hint, suggest

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ELECTRICITY_METHODS",
    "FACTOR_SETS",
    "GRID_SERIES",
    "GRID_VINTAGE_BY_YEAR",
    "CoalRate",
    "EmissionFactor",
    "FactorError",
    "FactorTable",
    "Fuel",
    "GridFactor",
    "ProcessFactor",
    "ScalarFactor",
    "StandardCoalCoefficient",
    "co2_per_carbon",
    "electricity_coal_rate",
    "electricity_coal_rates",
    "electricity_coefficient",
    "emission_factor",
    "emission_factors",
    "factor_table",
    "fuels",
    "grid_factor",
    "grid_factors",
    "grid_regions",
    "gwp",
    "heat_emission_factor",
    "heat_gj_per_unit",
    "is_coal_rate",
    "is_factor_table",
    "is_factor_table_source",
    "is_grid_region",
    "is_grid_year",
    "is_natural_gas_coefficient",
    "non_co2_factor",
    "process_factor",
    "resolve_fuel",
    "standard_coal",
    "standard_coal_coefficient",
    "table",
    "tce_carbon_factor",
]

FACTOR_SETS: tuple[str, ...] = ("china_guideline", "ipcc2006")
"""Emission-factor sets: the Chinese sector-guideline defaults and the IPCC 2006 defaults."""

GRID_SERIES: tuple[str, ...] = (
    "mee_nbs",
    "mee_nbs_excl_market_non_fossil",
    "mee_nbs_fossil",
    "mee_enterprise",
)
"""Grid-factor series: MEE/NBS average electricity CO₂ factors (national, regional, provincial);
the same announcements' national factor excluding market-traded non-fossil electricity and
national fossil-power factor; the MEE enterprise-reporting national grid average."""

ELECTRICITY_METHODS: tuple[str, ...] = ("equivalent", "coal_consumption")
"""Electricity in standard coal: equivalent value (当量值, 0.1229 kgce/kWh) or the
coal-consumption method (发电煤耗计算法, 等价值) with the year's thermal-power coal rate."""

GRID_VINTAGE_BY_YEAR = "by_year"
"""Value of option ``grid_factor_year`` that applies each year's own factor."""

CONFIDENCE_TAGS = {"C": "confirmed", "D": "derived", "M": "recalled", "?": "uncertain"}


class FactorError(GreenplanError, KeyError):
    """A factor is not in greenplan's tables (unknown fuel, set, region or process)."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class _Row(BaseModel):
    # defer_build: a table's validator is built when its first row is read (the everyday
    # report reads fuels only), not for all seven at import
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @property
    def confidence_label(self) -> str:
        """The confidence tag in words (``confirmed``, ``derived``, ``recalled``, ``uncertain``)."""
        return CONFIDENCE_TAGS.get(getattr(self, "confidence", ""), "")


class Fuel(_Row):
    """An energy product of the accounting."""

    fuel: str
    name_zh: str
    name_en: str
    family: str
    """``coal``, ``coke``, ``oil``, ``gas``, ``derived_gas``, ``electricity`` or ``heat``."""
    base_unit: str
    """Physical unit the factor tables are expressed per (``t``, ``m3``, ``kWh``, ``GJ``)."""
    variable: str | None = None
    """Codelist code of the regional statistic (``fuel_raw_coal`` …), if any."""
    aliases: tuple[str, ...] = ()
    description: str = ""


class StandardCoalCoefficient(_Row):
    """A coefficient for conversion to standard coal (折标准煤系数)."""

    fuel: str
    value: float
    unit: str
    """E.g. ``kgce/kg``, ``kgce/m3``, ``kgce/kWh``, ``kgce/MJ``."""
    low: float | None = None
    high: float | None = None
    """The range the standard gives, where it gives one instead of a single value."""
    source: str
    edition: str
    basis: str
    confidence: str

    def per(self, quantity_unit: str, energy_unit: str = "tce") -> float:
        """Return the coefficient as ``energy_unit`` per ``quantity_unit``.

        Parameters
        ----------
        quantity_unit : str
            Unit of the physical quantity (``"t"``, ``"万吨"``, ``"亿立方米"``, ``"kWh"`` …).
        energy_unit : str, default ``"tce"``
            Unit of standard coal wanted (``"tce"``, ``"万吨标准煤"`` …).

        Returns
        -------
        float
            Coefficient [energy_unit / quantity_unit].
        """
        return self.value * units.factor(self.unit, f"{energy_unit}/({quantity_unit})")


class EmissionFactor(_Row):
    """Emission-factor parameters of one fuel in one factor set."""

    set: str
    fuel: str
    ncv: float
    """Net calorific value [ncv_unit]."""
    ncv_unit: str
    carbon_content: float
    """Carbon per unit energy [carbon_content_unit, mass of carbon]."""
    carbon_content_unit: str
    emission_factor: float | None = None
    """CO₂ per unit energy [emission_factor_unit], used instead of carbon content × 44/12 where
    given (the IPCC set: Table 1.4)."""
    emission_factor_unit: str = "kg/TJ"
    oxidation: float
    """Oxidation rate [1]."""
    source: str
    edition: str
    basis: str
    confidence: str

    def ncv_per(self, quantity_unit: str) -> float:
        """Return the net calorific value in GJ per ``quantity_unit``."""
        return self.ncv * units.factor(self.ncv_unit, f"GJ/({quantity_unit})")

    @property
    def carbon_per_gj(self) -> float:
        """Carbon content [t C / GJ]."""
        return self.carbon_content * units.factor(self.carbon_content_unit, "t/GJ")

    @property
    def co2_per_gj(self) -> float:
        """CO₂ per unit energy before oxidation: the table EF, else CC × 44/12 [t CO₂ / GJ]."""
        if self.emission_factor is not None:
            return self.emission_factor * units.factor(self.emission_factor_unit, "t/GJ")
        return self.carbon_per_gj * co2_per_carbon()

    @property
    def co2_per_tj(self) -> float:
        """CO₂ factor per unit energy, (EF or carbon content × 44/12) × oxidation [t CO₂ / TJ]."""
        return self.co2_per_gj * units.factor("t/GJ", "t/TJ") * self.oxidation

    def co2_per(self, quantity_unit: str = "t", co2_unit: str = "t") -> float:
        """Return CO₂ per physical unit of the fuel.

        Parameters
        ----------
        quantity_unit : str, default ``"t"``
            Unit of the fuel quantity (``"t"``, ``"万吨"``, ``"万m3"``, ``"亿立方米"`` …).
        co2_unit : str, default ``"t"``
            Mass unit of CO₂ wanted (``"t"``, ``"万吨"``).

        Returns
        -------
        float
            NCV × (EF, or carbon content × 44/12) × oxidation [co2_unit / quantity_unit].
        """
        per_t = self.ncv_per(quantity_unit) * self.co2_per_gj * self.oxidation
        return per_t * units.factor("t", co2_unit)


class GridFactor(_Row):
    """CO₂ factor of electricity consumed for one series, region and data year."""

    series: str
    region: str
    year: int
    value: float
    unit: str
    """``kg/kWh`` (CO₂ mass per kWh)."""
    source: str
    edition: str
    confidence: str
    note: str = ""

    def per(self, quantity_unit: str = "kWh", co2_unit: str = "t") -> float:
        """Return the factor as ``co2_unit`` of CO₂ per ``quantity_unit`` of electricity."""
        return self.value * units.factor(self.unit, f"{co2_unit}/({quantity_unit})")

    def label(self) -> str:
        """Short description for method notes (series, region, vintage, value, confidence)."""
        return (
            f"{self.series}/{self.region} {self.year} = {self.value} {self.unit} "
            f"[{self.confidence}]"
        )


class CoalRate(_Row):
    """Coal-consumption rate of thermal power in one year (供电标准煤耗)."""

    year: int
    value: float
    unit: str
    source: str
    edition: str
    basis: str
    confidence: str

    @property
    def kgce_per_kwh(self) -> float:
        """The rate in kgce per kWh."""
        return self.value * units.factor(self.unit, "kgce/kWh")


class ScalarFactor(_Row):
    """A single named factor (heat emission factor, 44/12 …)."""

    name: str
    value: float
    unit: str
    source: str
    edition: str
    basis: str
    confidence: str


class ProcessFactor(_Row):
    """An industrial-process CO₂ factor (per tonne of product)."""

    set: str
    process: str
    value: float
    unit: str
    source: str
    edition: str
    basis: str
    confidence: str


# --- loading ------------------------------------------------------------------------------


def _read(name: str) -> list[dict[str, str]]:
    return [
        {k: (v or "").strip() for k, v in row.items()} for row in read_resource_csv("factors", name)
    ]


_RowT = TypeVar("_RowT", bound="_Row")


def _load(model: type[_RowT], name: str) -> list[_RowT]:
    """Rows of a factor table as ``model`` instances (pydantic converts the CSV strings).

    An empty cell of an optional field takes the field's default (None for ``low``/``high``).
    """
    fields = model.model_fields
    return [
        model.model_validate(
            {
                f: row[f]
                for f, info in fields.items()
                if f in row and not (row[f] == "" and not info.is_required())
            }
        )
        for row in _read(name)
    ]


@cache
def fuels() -> Mapping[str, Fuel]:
    """Energy products known to the accounting, by code (``fuels.csv``).

    Returns
    -------
    Mapping[str, Fuel]
        Read-only mapping fuel code → :class:`Fuel`.
    """
    out: dict[str, Fuel] = {}
    for row in _read("fuels.csv"):
        out[row["fuel"]] = Fuel(
            fuel=row["fuel"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            family=row["family"],
            base_unit=row["base_unit"],
            variable=row["variable"] or None,
            aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
            description=row["description"],
        )
    return _Frozen(out)


@cache
def _fuel_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, fuel in fuels().items():
        for name in (fuel.name_zh, fuel.name_en, *fuel.aliases):
            table.setdefault(name.casefold(), code)
    for code in fuels():
        table[code.casefold()] = code
    return table


def resolve_fuel(name: Any) -> str | None:
    """Return the fuel code for a code, Chinese or English name or alias (else None).

    Examples
    --------
    >>> resolve_fuel("原煤"), resolve_fuel("Natural gas"), resolve_fuel("fuel_diesel")
    ('raw_coal', 'natural_gas', 'diesel')
    """
    if not isinstance(name, str):
        return None
    return _fuel_lookup().get(name.strip().casefold())


def suggest_fuels(name: str, n: int = 3) -> list[str]:
    """Closest known fuel names to an unknown one (for "did you mean" messages)."""
    table = _fuel_lookup()
    out: list[str] = []
    for match in suggest(str(name).casefold(), table, n=n * 3, cutoff=0.5):
        if table[match] not in out:
            out.append(table[match])
    return out[:n]


@cache
def standard_coal() -> Mapping[str, StandardCoalCoefficient]:
    """GB/T 2589-2020 coefficients for conversion to standard coal, by fuel.

    Returns
    -------
    Mapping[str, StandardCoalCoefficient]
        Fuel code → coefficient. Natural gas and coke-oven gas are ranges in the standard:
        ``value`` is greenplan's default inside ``[low, high]``.
    """
    return _Frozen({c.fuel: c for c in _load(StandardCoalCoefficient, "standard_coal.csv")})


def standard_coal_coefficient(
    fuel: str, *, natural_gas_coefficient: float | None = None
) -> StandardCoalCoefficient:
    """Return the standard-coal coefficient of one fuel.

    Parameters
    ----------
    fuel : str
        Fuel code, name or alias (see :func:`fuels`).
    natural_gas_coefficient : float, optional
        Natural-gas coefficient [kgce/m³] replacing the table's default (must lie in the
        standard's range 1.1000–1.3300); applies to ``natural_gas`` only.

    Returns
    -------
    StandardCoalCoefficient

    Raises
    ------
    FactorError
        Unknown fuel, or no coefficient for it.
    """
    code = _require_fuel(fuel)
    table = standard_coal()
    if code not in table:
        raise FactorError(msg("factors.no_coal_coefficient", fuel=repr(code)))
    coef = table[code]
    if code == "natural_gas" and natural_gas_coefficient is not None:
        if not is_natural_gas_coefficient(natural_gas_coefficient):
            raise FactorError(
                msg(
                    "factors.gas_coefficient_range",
                    value=repr(natural_gas_coefficient),
                    low=coef.low,
                    high=coef.high,
                )
            )
        if float(natural_gas_coefficient) != coef.value:
            coef = coef.model_copy(
                update={
                    "value": float(natural_gas_coefficient),
                    "basis": "equivalent value; chosen by option natural_gas_coefficient",
                }
            )
    return coef


@cache
def emission_factors(set: str = "china_guideline") -> Mapping[str, EmissionFactor]:
    """Emission-factor parameters of every fuel in a factor set.

    Parameters
    ----------
    set : {"china_guideline", "ipcc2006"}
        ``china_guideline``: NDRC sector enterprise GHG guideline defaults (default of
        greenplan); ``ipcc2006``: IPCC 2006 Tier 1 defaults (oxidation 1).

    Returns
    -------
    Mapping[str, EmissionFactor]
        Fuel code → parameters.

    Raises
    ------
    FactorError
        Unknown set.
    """
    if set not in FACTOR_SETS:
        raise FactorError(msg("factors.unknown_set", set=repr(set), choices=list(FACTOR_SETS)))
    out = {ef.fuel: ef for ef in _load(EmissionFactor, "emission_factors.csv") if ef.set == set}
    return _Frozen(out)


def emission_factor(fuel: str, set: str = "china_guideline", table: Any = None) -> EmissionFactor:
    """Return the emission-factor parameters of one fuel.

    Parameters
    ----------
    fuel : str
        Fuel code, name or alias.
    set : {"china_guideline", "ipcc2006"}
        Shipped factor set.
    table : FactorTable, DataFrame, path or None
        A user's factor table (:func:`factor_table`) replacing or extending the set.

    Raises
    ------
    FactorError
        Unknown fuel or set, or neither the set nor the table has a factor for the fuel.
    """
    code = _require_fuel(fuel)
    if table is not None:
        user = factor_table(table)
        if code in user.rows:
            return user.resolve(code, set)
    shipped = emission_factors(set)
    if code not in shipped:
        raise FactorError(msg("factors.set_lacks_fuel", set=repr(set), fuel=repr(code)))
    return shipped[code]


@cache
def grid_factors() -> tuple[GridFactor, ...]:
    """Every grid electricity CO₂ factor greenplan ships (``grid_factors.csv``)."""
    return tuple(_load(GridFactor, "grid_factors.csv"))


def grid_regions(series: str = "mee_nbs") -> tuple[str, ...]:
    """Regions with grid factors in a series (``national``, ``north_china``, ``shandong`` …)."""
    return tuple(dict.fromkeys(g.region for g in grid_factors() if g.series == series))


@cache
def _grid_rows(series: str, region: str) -> tuple[tuple[GridFactor, ...], dict[int, GridFactor]]:
    """Return the factors of one series and region (table order) and the first of each year."""
    rows = tuple(g for g in grid_factors() if g.series == series and g.region == region)
    by_year: dict[int, GridFactor] = {}
    for g in rows:
        by_year.setdefault(g.year, g)
    return rows, by_year


def grid_factor(
    year: int,
    region: str = "north_china",
    series: str = "mee_nbs",
    *,
    exact: bool = False,
) -> GridFactor:
    """Return the grid electricity CO₂ factor for a data year.

    Parameters
    ----------
    year : int
        Data year of the electricity consumed.
    region : str, default ``"north_china"``
        ``national``, ``north_china`` (华北, covers Shandong), ``shandong`` or another grid of
        the series (:func:`grid_regions`).
    series : {"mee_nbs", "mee_enterprise"}
        MEE/NBS electricity CO₂ factors (default) or the MEE enterprise-reporting national
        grid average. Do not mix them.
    exact : bool, default False
        If False, a year the series does not cover takes the nearest published year (ties:
        the earlier); check ``result.year``. If True, raise instead.

    Returns
    -------
    GridFactor
        The row used; ``.year`` is the vintage actually applied.

    Raises
    ------
    FactorError
        Unknown series or region, or (``exact=True``) no factor for the year.
    """
    if series not in GRID_SERIES:
        raise FactorError(
            msg("factors.unknown_grid_series", series=repr(series), choices=str(GRID_SERIES))
        )
    rows, by_year = _grid_rows(series, region)
    if not rows:
        raise FactorError(
            msg(
                "factors.no_grid_region",
                region=repr(region),
                series=repr(series),
                known=list(grid_regions(series)),
            )
        )
    year = int(year)
    if year in by_year:
        return by_year[year]
    if exact:
        raise FactorError(
            msg(
                "factors.no_grid_year",
                series=series,
                region=region,
                year=year,
                years=list(str(g.year) for g in rows),
            )
        )
    return _nearest_grid_factor(series, region, year)


@lru_cache(maxsize=65536)
def _nearest_grid_factor(series: str, region: str, year: int) -> GridFactor:
    """Return the factor of the published year nearest to ``year`` (ties: the earlier)."""
    rows, _ = _grid_rows(series, region)
    return min(rows, key=lambda g: (abs(g.year - year), g.year))


@cache
def electricity_coal_rates() -> Mapping[int, CoalRate]:
    """Coal-consumption rate of thermal power by year (``electricity_coal_rate.csv``, [M])."""
    return _Frozen({r.year: r for r in _load(CoalRate, "electricity_coal_rate.csv")})


def electricity_coal_rate(year: int, *, exact: bool = False) -> CoalRate:
    """Return the thermal-power coal-consumption rate of a year (nearest year unless ``exact``).

    Raises
    ------
    FactorError
        ``exact=True`` and the year is not in the table.
    """
    table = electricity_coal_rates()
    year = int(year)
    if year in table:
        return table[year]
    if exact:
        raise FactorError(msg("factors.no_coal_rate", year=year, years=str(sorted(table))))
    return table[_nearest_coal_year(year)]


@lru_cache(maxsize=65536)
def _nearest_coal_year(year: int) -> int:
    """Return the year of the coal-rate table nearest to ``year`` (ties: the earlier)."""
    return min(electricity_coal_rates(), key=lambda y: (abs(y - year), y))


def electricity_coefficient(
    year: int, method: str = "equivalent", *, coal_rate: float | None = None
) -> tuple[float, str]:
    """Return the standard-coal coefficient of electricity and a description of it.

    Parameters
    ----------
    year : int
        Year of the electricity (for the coal-consumption method).
    method : {"equivalent", "coal_consumption"}
        ``equivalent``: heat content, 0.1229 kgce/kWh (GB/T 2589-2020); ``coal_consumption``:
        the thermal-power coal rate of the year (发电煤耗计算法).
    coal_rate : float, optional
        A fixed coal-consumption rate [gce/kWh] replacing the table (coal-consumption method).

    Returns
    -------
    (float, str)
        Coefficient [kgce/kWh] and a note naming the value and its source year.
    """
    if method == "equivalent":
        coef = standard_coal()["electricity"]
        value = coef.per("kWh", "kgce")
        return value, f"electricity at equivalent value {value} kgce/kWh (GB/T 2589-2020)"
    if method == "coal_consumption":
        if coal_rate is not None:
            value = float(coal_rate) * units.factor("gce/kWh", "kgce/kWh")
            return value, f"electricity at a fixed coal rate {coal_rate} gce/kWh"
        rate = electricity_coal_rate(year)
        used = f"{rate.year}" if rate.year == int(year) else f"{rate.year} (nearest to {year})"
        return (
            rate.kgce_per_kwh,
            f"electricity at the coal-consumption rate of {used}: {rate.value} {rate.unit} "
            f"[{rate.confidence}]",
        )
    raise FactorError(
        msg(
            "factors.unknown_electricity_method",
            method=repr(method),
            choices=str(ELECTRICITY_METHODS),
        )
    )


@cache
def _constants() -> dict[str, ScalarFactor]:
    return {c.name: c for c in _load(ScalarFactor, "carbon_constants.csv")}


def heat_emission_factor() -> ScalarFactor:
    """CO₂ factor of purchased (net imported) heat, 0.11 t CO₂/GJ (sector guidelines)."""
    return _constants()["heat_emission_factor"]


def co2_per_carbon() -> float:
    """Mass ratio CO₂/C = 44/12 as used by IPCC 2006 and the Chinese guidelines [1]."""
    return _constants()["co2_per_carbon"].value


@cache
def _process_factors() -> dict[tuple[str, str], ProcessFactor]:
    return {(p.set, p.process): p for p in _load(ProcessFactor, "process_factors.csv")}


def process_factor(process: str, set: str = "china_guideline") -> ProcessFactor:
    """Return an industrial-process parameter of a factor set.

    ``process`` names the parameter: ``clinker``, ``lime``, ``limestone``, ``dolomite``
    [t CO₂/t], ``pig_iron_carbon``, ``steel_carbon`` [t C/t], ``clinker_fraction`` [t/t],
    ``steel_bof``, ``steel_eaf``, ``iron`` [t CO₂/t].

    Raises
    ------
    FactorError
        Unknown process or set.
    """
    key = (set, process)
    table = _process_factors()
    if key not in table:
        known = sorted({p for _, p in table})
        raise FactorError(
            msg(
                "factors.no_process_factor",
                process=repr(process),
                set=repr(set),
                known=list(known),
            )
        )
    return table[key]


_TABLES = {
    "fuels": "fuels.csv",
    "gwp": "gwp.csv",
    "non_co2_factors": "non_co2_factors.csv",
    "tce_carbon_factors": "tce_carbon_factors.csv",
    "standard_coal": "standard_coal.csv",
    "emission_factors": "emission_factors.csv",
    "grid_factors": "grid_factors.csv",
    "electricity_coal_rate": "electricity_coal_rate.csv",
    "carbon_constants": "carbon_constants.csv",
    "process_factors": "process_factors.csv",
}


def table(name: str) -> pd.DataFrame:
    """Return one of the factor tables as a DataFrame, with its provenance columns.

    Parameters
    ----------
    name : str
        ``fuels``, ``standard_coal``, ``emission_factors``, ``grid_factors``,
        ``electricity_coal_rate``, ``carbon_constants``, ``process_factors``, ``gwp``,
        ``non_co2_factors`` or ``tce_carbon_factors``.

    Returns
    -------
    pandas.DataFrame
        The CSV as read (numbers as float), for display and export.
    """
    import pandas as pd

    if name not in _TABLES:
        raise FactorError(msg("factors.unknown_table", name=repr(name), known=list(_TABLES)))
    frame = pd.DataFrame(_read(_TABLES[name]))
    for col in ("value", "low", "high", "ncv", "carbon_content", "emission_factor", "oxidation"):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    if "year" in frame.columns:
        frame["year"] = frame["year"].astype("int64")
    return frame


# --- other coefficient tables -----------------------------------------------------------------


def heat_gj_per_unit(fuel: str) -> float:
    """Heat content of a heat carrier per base unit of the fuel [GJ / base unit].

    ``heat`` is measured in GJ (1); ``steam`` in t (GB/T 2589-2020 low-pressure steam
    3.763 GJ/t [M], ``carbon_constants.csv`` row ``steam_heat_content``).

    Examples
    --------
    >>> heat_gj_per_unit("heat"), heat_gj_per_unit("蒸汽")
    (1.0, 3.763)
    """
    code = _require_fuel(fuel)
    f = fuels()[code]
    if f.family != "heat":
        raise FactorError(msg("factors.not_heat", fuel=repr(code), family=repr(f.family)))
    if code == "steam":
        c = _constants()["steam_heat_content"]
        return c.value * units.factor(c.unit, f"GJ/({f.base_unit})")
    return units.factor(f.base_unit, "GJ")


@cache
def _gwp_table() -> dict[tuple[str, str], ScalarFactor]:
    out: dict[tuple[str, str], ScalarFactor] = {}
    for row in _read("gwp.csv"):
        fields: dict[str, Any] = {
            k: row[k] for k in ("value", "unit", "source", "edition", "basis", "confidence")
        }
        out[(row["set"], row["gas"])] = ScalarFactor(name=f"{row['set']}:{row['gas']}", **fields)
    return out


GWP_SETS: tuple[str, ...] = ("ar5", "ar4", "sar")
"""Global-warming-potential sets: IPCC AR5 (default), AR4, SAR."""


def gwp(gas: str, set: str = "ar5") -> float:
    """Return the 100-year global warming potential of ``gas`` (``CO2``, ``CH4``, ``N2O``) [1].

    Examples
    --------
    >>> gwp("CH4"), gwp("N2O"), gwp("CH4", "ar4")
    (28.0, 265.0, 25.0)
    """
    key = (set, gas.upper().replace("₄", "4").replace("₂", "2"))
    table = _gwp_table()
    if key not in table:
        raise FactorError(msg("factors.no_gwp", gas=repr(gas), set=repr(set), known=list(GWP_SETS)))
    return table[key].value


@cache
def _non_co2_table() -> dict[tuple[str, str, str], float]:
    return {
        (r["family"], r["sector_class"], r["gas"]): float(r["value"])
        * units.factor(r["unit"], "t/TJ")
        for r in _read("non_co2_factors.csv")
    }


def non_co2_factor(family: str, sector_class: str, gas: str) -> float | None:
    """CH₄ or N₂O of stationary combustion [t gas / TJ], or None where no factor exists.

    Parameters
    ----------
    family : str
        Fuel family (``coal``, ``coke``, ``coking_product``, ``oil``, ``gas``, ``derived_gas``).
    sector_class : {"energy", "manufacturing", "commercial", "residential"}
        IPCC 2006 Vol.2 Ch.2 Tables 2.2–2.4 [M].
    gas : {"CH4", "N2O"}
    """
    return _non_co2_table().get((family, sector_class, gas))


@cache
def _tce_table() -> dict[str, ScalarFactor]:
    out: dict[str, ScalarFactor] = {}
    for row in _read("tce_carbon_factors.csv"):
        fields: dict[str, Any] = {
            k: row[k] for k in ("value", "unit", "source", "edition", "basis", "confidence")
        }
        out[row["family"]] = ScalarFactor(name=row["family"], **fields)
    return out


_TCE_FAMILY = {
    "coal": "coal",
    "coke": "coal",
    "coking_product": "coal",
    "oil": "oil",
    "gas": "gas",
    "derived_gas": "gas",
}


def tce_carbon_factor(family: str) -> ScalarFactor:
    """Carbon per tonne of standard coal for a fuel family (the tce shortcut) [t C / tce].

    Examples
    --------
    >>> round(tce_carbon_factor("coal").value * 44 / 12, 4)  # t CO₂ per tce
    2.7412
    """
    key = _TCE_FAMILY.get(family, family)
    table = _tce_table()
    if key not in table:
        raise FactorError(msg("factors.no_carbon_per_tce", family=repr(family)))
    return table[key]


# --- a user's factor table ---------------------------------------------------------------------

_USER_COLUMNS = (
    "fuel",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "carbon_content_unit",
    "emission_factor",
    "emission_factor_unit",
    "oxidation",
    "source",
)


class FactorTable(Mapping[str, dict[str, Any]]):
    """A user's emission-factor table: per fuel, the parameters that replace the shipped ones.

    Build it with :func:`factor_table`. Each row names a fuel and any of ``ncv`` (with
    ``ncv_unit``), ``carbon_content`` (``carbon_content_unit``, default ``t/TJ``),
    ``emission_factor`` (``emission_factor_unit``, default ``kg/TJ``), ``oxidation`` and
    ``source``. Empty cells keep the shipped value of the chosen set (``mode="extend"``, the
    default); with ``mode="replace"`` a row must be complete and shipped values are never
    mixed in. A fuel the shipped sets do not have needs a complete row.

    Immutable, hashable and compared by content, so it can be an option value of
    :func:`greenplan.compute` (a DataFrame cannot).
    """

    def __init__(self, rows: dict[str, dict[str, Any]], mode: str, label: str) -> None:
        self.rows = rows
        self.mode = mode
        self.label = label
        self._key = (mode, tuple(sorted((k, tuple(sorted(v.items()))) for k, v in rows.items())))

    def __getitem__(self, fuel: str) -> dict[str, Any]:
        return dict(self.rows[fuel])

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FactorTable) and other._key == self._key

    def __repr__(self) -> str:
        return f"FactorTable({self.label}: {', '.join(self.rows)})"

    __str__ = __repr__

    def resolve(self, fuel: str, set: str = "china_guideline") -> EmissionFactor:
        """Return the parameters of ``fuel``: the user's row over the shipped ``set``."""
        row = self.rows[fuel]
        base = emission_factors(set).get(fuel) if self.mode == "extend" else None
        fields: dict[str, Any] = {
            "set": "user",
            "fuel": fuel,
            "edition": "user",
            "basis": f"user factor table ({self.label})"
            + (f" over {set}" if base is not None else ""),
            "confidence": "user",
        }
        if base is not None:
            for name in ("ncv", "ncv_unit", "carbon_content", "carbon_content_unit", "oxidation"):
                fields[name] = getattr(base, name)
            if "carbon_content" not in row:
                fields["emission_factor"] = base.emission_factor
                fields["emission_factor_unit"] = base.emission_factor_unit
            fields["source"] = base.source
        fields.setdefault("carbon_content", math.nan)
        fields.setdefault("carbon_content_unit", "t/TJ")
        fields.setdefault("oxidation", 1.0)
        given = dict(row)
        if "carbon_content" in given and "emission_factor" not in given:
            fields.pop("emission_factor", None)
        fields.update(given)
        if "source" in given and base is not None:
            fields["source"] = f"{given['source']} (user); other parameters: {base.source}"
        missing = [f for f in ("ncv", "ncv_unit") if f not in fields]
        cc = fields.get("carbon_content")
        if fields.get("emission_factor") is None and (cc is None or math.isnan(float(cc))):
            missing.append("carbon_content or emission_factor")
        if missing:
            if self.mode == "extend":
                reason = msg("factors.no_fill_row", set=repr(set))
            else:
                reason = msg("factors.replace_takes_nothing")
            raise FactorError(
                msg(
                    "factors.row_lacks",
                    label=self.label,
                    fuel=repr(fuel),
                    missing=missing,
                    reason=reason,
                )
            )
        fields.setdefault("source", f"user factor table ({self.label})")
        try:
            ef = EmissionFactor.model_validate(fields)
            units.factor(ef.ncv_unit, f"GJ/({fuels()[fuel].base_unit})")
            ef.co2_per_gj  # noqa: B018 - checks the carbon-content or EF unit
        except Exception as exc:
            raise FactorError(
                msg("factors.bad_row", label=self.label, fuel=repr(fuel), error=message_of(exc))
            ) from None
        return ef


def is_factor_table(v: Any) -> bool:
    """Whether ``v`` is None, a :class:`FactorTable` or a path to a factor-table CSV.

    The check of option ``emission_factor_table`` of :func:`greenplan.compute` (a DataFrame
    must be wrapped with :func:`factor_table` first, because option values are stored with
    the result).
    """
    return v is None or isinstance(v, FactorTable | str | os.PathLike)


def is_factor_table_source(v: Any) -> bool:
    """Like :func:`is_factor_table`, and also a pandas DataFrame."""
    if is_factor_table(v):
        return True
    import pandas as pd

    return isinstance(v, pd.DataFrame)


def factor_table(source: Any, *, mode: str = "extend") -> FactorTable:
    """Read a user's emission-factor table.

    Parameters
    ----------
    source : str, path, pandas.DataFrame or FactorTable
        A CSV file (UTF-8; ``#`` lines are comments) or a DataFrame with column ``fuel``
        (code, Chinese or English name) and any of ``ncv``, ``ncv_unit`` (e.g. ``GJ/t``,
        ``GJ/万m3``, ``TJ/Gg``), ``carbon_content`` [``carbon_content_unit``, default
        ``t/TJ``], ``emission_factor`` [``emission_factor_unit``, default ``kg/TJ``],
        ``oxidation`` [1] and ``source``.
    mode : {"extend", "replace"}
        ``extend``: empty cells keep the shipped value; ``replace``: rows must be complete.

    Returns
    -------
    FactorTable

    Raises
    ------
    FactorError
        Unreadable file, no ``fuel`` column, an unknown fuel or column, a duplicate fuel, a
        value that is not a number, both carbon content and EF, an oxidation outside (0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> t = factor_table(pd.DataFrame({"fuel": ["原煤"], "ncv": [19.57], "ncv_unit": ["GJ/t"]}))
    >>> # 19.57 GJ/t × 0.02618 tC/GJ × 0.93 × 44/12 (carbon content and oxidation kept)
    >>> round(emission_factor("raw_coal", table=t).co2_per("t"), 6)
    1.747088
    """
    if isinstance(source, FactorTable):
        return source
    if mode not in ("extend", "replace"):
        raise FactorError(msg("factors.bad_mode", mode=repr(mode)))
    import pandas as pd

    if isinstance(source, str | os.PathLike):
        label = os.fspath(source)
        try:
            stamp = os.stat(label).st_mtime_ns
        except OSError as exc:
            raise FactorError(msg("factors.cannot_read", label=label, error=str(exc))) from None
        return _factor_table_file(label, stamp, mode)
    if isinstance(source, pd.DataFrame):
        return _factor_table_frame(source, "DataFrame", mode)
    raise FactorError(msg("factors.bad_table_type", type=type(source).__name__))


@cache
def _factor_table_file(label: str, stamp: int, mode: str) -> FactorTable:
    """Read a factor-table CSV once per (path, modification time, mode)."""
    import pandas as pd

    try:
        frame = pd.read_csv(label, comment="#", dtype=str, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise FactorError(msg("factors.cannot_read", label=label, error=str(exc))) from None
    return _factor_table_frame(frame, label, mode)


def _factor_table_frame(frame: pd.DataFrame, label: str, mode: str) -> FactorTable:
    frame = frame.rename(columns=lambda c: str(c).strip())
    if "fuel" not in frame.columns:
        raise FactorError(msg("factors.no_fuel_column", label=label, columns=str(list(frame))))
    unknown = [c for c in frame.columns if c not in _USER_COLUMNS]
    if unknown:
        raise FactorError(
            msg(
                "factors.unknown_columns",
                label=label,
                columns=str(unknown),
                hint=hint(unknown[0], _USER_COLUMNS),
                known=list(_USER_COLUMNS),
            )
        )
    rows: dict[str, dict[str, Any]] = {}
    rec: dict[Any, Any]
    for i, rec in enumerate(frame.to_dict(orient="records")):
        where = msg("factors.where_row", label=label, row=i + 1)
        code = resolve_fuel(rec.get("fuel"))
        if code is None:
            close = hint(str(rec.get("fuel")), list(_fuel_lookup()))
            raise FactorError(
                msg("factors.row_unknown_fuel", where=where, fuel=repr(rec.get("fuel")), hint=close)
            )
        if code in rows:
            raise FactorError(msg("factors.row_twice", where=where, fuel=repr(code)))
        row: dict[str, Any] = {}
        col: Any
        for col, raw in rec.items():
            if col == "fuel" or raw is None or (isinstance(raw, float) and math.isnan(raw)):
                continue
            text = str(raw).strip()
            if not text:
                continue
            if col in ("ncv", "carbon_content", "emission_factor", "oxidation"):
                try:
                    value = float(text)
                except ValueError:
                    raise FactorError(
                        msg("factors.row_not_a_number", where=where, column=col, value=repr(text))
                    ) from None
                if not math.isfinite(value) or value < 0:
                    raise FactorError(
                        msg("factors.row_negative", where=where, column=col, value=text)
                    )
                row[col] = value
            else:
                row[col] = text
        if "carbon_content" in row and "emission_factor" in row:
            raise FactorError(msg("factors.row_both", where=where))
        if "oxidation" in row and not 0 < row["oxidation"] <= 1:
            raise FactorError(msg("factors.row_oxidation", where=where, value=row["oxidation"]))
        if "ncv" in row and "ncv_unit" not in row:
            row["ncv_unit"] = (
                emission_factors("china_guideline")[code].ncv_unit
                if code in emission_factors("china_guideline")
                else "GJ/t"
            )
        if fuels()[code].family in ("electricity", "heat"):
            raise FactorError(msg("factors.row_not_combustible", where=where, fuel=repr(code)))
        rows[code] = row
    table_ = FactorTable(rows, mode, label)
    for code in rows:  # validate every row now (units, completeness for new fuels)
        table_.resolve(code, "china_guideline")
    return table_


# --- option validators (used by the indicator modules and aggregate_fuel_records) --------------


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


def is_natural_gas_coefficient(v: Any) -> bool:
    """Whether ``v`` [kgce/m³] lies in the GB/T 2589-2020 natural-gas range."""
    coef = standard_coal()["natural_gas"]
    low = coef.low if coef.low is not None else coef.value
    high = coef.high if coef.high is not None else coef.value
    return _is_number(v) and low <= float(v) <= high


def is_coal_rate(v: Any) -> bool:
    """Whether ``v`` is None or a plausible coal-consumption rate (100–600 gce/kWh)."""
    return v is None or (_is_number(v) and 100 <= float(v) <= 600)


def is_grid_region(v: Any) -> bool:
    """Whether ``v`` is a region with MEE/NBS or enterprise grid factors."""
    return isinstance(v, str) and any(v in grid_regions(s) for s in GRID_SERIES)


def is_grid_year(v: Any) -> bool:
    """Whether ``v`` is ``"by_year"`` or a year (int) to freeze the grid-factor vintage at."""
    return v == GRID_VINTAGE_BY_YEAR or (
        isinstance(v, int) and not isinstance(v, bool) and 2000 <= v <= 2100
    )


# --- helpers --------------------------------------------------------------------------------


def _require_fuel(name: str) -> str:
    code = resolve_fuel(name)
    if code is None:
        close = suggest_fuels(name)
        names = msg("common.did_you_mean", names=close) if close else ""
        raise FactorError(
            msg("factors.unknown_fuel", name=repr(name), hint=names, known=list(fuels()))
        )
    return code


def grid_factors_for_years(
    years: Iterable[int],
    region: str = "north_china",
    series: str = "mee_nbs",
    vintage: int | str = GRID_VINTAGE_BY_YEAR,
) -> dict[int, GridFactor]:
    """Return the grid factor applied to each data year (one vintage per year, or frozen).

    Parameters
    ----------
    years : iterable of int
        Data years.
    region, series : str
        See :func:`grid_factor`.
    vintage : "by_year" or int
        ``"by_year"``: each year's own factor (nearest published year where missing); an
        int: the factor of that year for every year.

    Returns
    -------
    dict[int, GridFactor]
        Year → the row applied.
    """
    years = sorted({int(y) for y in years})
    if vintage == GRID_VINTAGE_BY_YEAR:
        return {y: grid_factor(y, region, series) for y in years}
    fixed = grid_factor(int(vintage), region, series)
    return dict.fromkeys(years, fixed)


class _Frozen(Mapping[Any, Any]):
    """A read-only dict (the cached tables must not be mutated by callers)."""

    def __init__(self, data: dict[Any, Any]) -> None:
        self._data = data

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise FactorError(
                msg("factors.not_in_table", key=repr(key), hint=hint(key, self._data))
            ) from None

    def __contains__(self, key: object) -> bool:  # no "did you mean" search for a lookup
        return key in self._data

    def get(self, key: Any, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<factor table: {len(self._data)} rows: {', '.join(map(str, self._data))}>"

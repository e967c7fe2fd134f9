"""Coefficients of the energy and carbon accounting, as typed tables with provenance.

Every number here is package data (``greenplan/resources/factors/*.csv``), never a literal in
code, and every row carries its ``source``, ``edition`` (year or vintage), ``basis`` and a
``confidence`` tag: ``C`` confirmed in a retrieved source, ``D`` derived by arithmetic from
confirmed figures, ``M`` recalled or transcribed and not re-read in the primary text, ``?``
uncertain (sources conflict or are weak). The tables are read on first use.

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
    Net calorific value, carbon content and oxidation rate per fuel; ``"china_guideline"``
    (NDRC sector enterprise GHG guidelines, the default) or ``"ipcc2006"`` (IPCC 2006 Tier 1).
``grid_factors()`` / ``grid_factor(year, region, series)``
    CO₂ factors of electricity consumed, by data year: the MEE/NBS series (national, the seven
    regional grids, Shandong) and the MEE enterprise-reporting national series.
``electricity_coal_rates()``
    Coal-consumption rate of thermal power by year, for the coal-consumption (等价值) method.
``heat_emission_factor()``, ``co2_per_carbon()``, ``process_factor()``
    Purchased heat 0.11 tCO₂/GJ, 44/12, cement clinker and lime process factors.

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
.. [MEE] 生态环境部、国家统计局, 2021年/2022年电力二氧化碳排放因子 (公告2024年第12号, 2024-12-20).
.. [Ref] shared/reference/standards_cn.md A.1, A.3; inventory_and_gdi.md §2.4–2.5.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict

from greenplan import units
from greenplan._resources import read_resource_csv
from greenplan.errors import GreenplanError

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
    "fuels",
    "grid_factor",
    "grid_factors",
    "grid_regions",
    "heat_emission_factor",
    "is_coal_rate",
    "is_grid_region",
    "is_grid_year",
    "is_natural_gas_coefficient",
    "process_factor",
    "resolve_fuel",
    "standard_coal",
    "standard_coal_coefficient",
    "table",
]

FACTOR_SETS: tuple[str, ...] = ("china_guideline", "ipcc2006")
"""Emission-factor sets: the Chinese sector-guideline defaults and the IPCC 2006 defaults."""

GRID_SERIES: tuple[str, ...] = ("mee_nbs", "mee_enterprise")
"""Grid-factor series: MEE/NBS electricity CO₂ factors; MEE enterprise-reporting national factor."""

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
    model_config = ConfigDict(frozen=True, extra="forbid")

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
    def co2_per_tj(self) -> float:
        """CO₂ factor per unit energy, carbon content × oxidation × 44/12 [t CO₂ / TJ]."""
        return self.carbon_per_gj * units.factor("t/GJ", "t/TJ") * self.oxidation * co2_per_carbon()

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
            NCV × carbon content × oxidation × 44/12 [co2_unit / quantity_unit].
        """
        per_t = self.ncv_per(quantity_unit) * self.carbon_per_gj * self.oxidation * co2_per_carbon()
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
    for match in difflib.get_close_matches(str(name).casefold(), list(table), n=n * 3, cutoff=0.5):
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
        raise FactorError(f"No standard-coal coefficient for fuel {code!r} in GB/T 2589 table.")
    coef = table[code]
    if code == "natural_gas" and natural_gas_coefficient is not None:
        if not is_natural_gas_coefficient(natural_gas_coefficient):
            raise FactorError(
                f"Natural-gas coefficient {natural_gas_coefficient!r} kgce/m³ is outside the "
                f"GB/T 2589-2020 range {coef.low}–{coef.high}."
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
        raise FactorError(
            f"Unknown emission-factor set {set!r}; choose one of {', '.join(FACTOR_SETS)}."
        )
    out: dict[str, EmissionFactor] = {}
    for row in _read("emission_factors.csv"):
        if row["set"] != set:
            continue
        out[row["fuel"]] = EmissionFactor(
            set=row["set"],
            fuel=row["fuel"],
            ncv=float(row["ncv"]),
            ncv_unit=row["ncv_unit"],
            carbon_content=float(row["carbon_content"]),
            carbon_content_unit=row["carbon_content_unit"],
            oxidation=float(row["oxidation"]),
            source=row["source"],
            edition=row["edition"],
            basis=row["basis"],
            confidence=row["confidence"],
        )
    return _Frozen(out)


def emission_factor(fuel: str, set: str = "china_guideline") -> EmissionFactor:
    """Return the emission-factor parameters of one fuel.

    Raises
    ------
    FactorError
        Unknown fuel or set, or the set has no factor for the fuel.
    """
    code = _require_fuel(fuel)
    table = emission_factors(set)
    if code not in table:
        raise FactorError(f"The {set!r} emission-factor set has no factor for fuel {code!r}.")
    return table[code]


@cache
def grid_factors() -> tuple[GridFactor, ...]:
    """Every grid electricity CO₂ factor greenplan ships (``grid_factors.csv``)."""
    return tuple(_load(GridFactor, "grid_factors.csv"))


def grid_regions(series: str = "mee_nbs") -> tuple[str, ...]:
    """Regions with grid factors in a series (``national``, ``north_china``, ``shandong`` …)."""
    return tuple(dict.fromkeys(g.region for g in grid_factors() if g.series == series))


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
        raise FactorError(f"Unknown grid-factor series {series!r}; choose one of {GRID_SERIES}.")
    rows = [g for g in grid_factors() if g.series == series and g.region == region]
    if not rows:
        raise FactorError(
            f"No grid factor for region {region!r} in series {series!r}; regions: "
            f"{', '.join(grid_regions(series))}."
        )
    year = int(year)
    for g in rows:
        if g.year == year:
            return g
    if exact:
        raise FactorError(
            f"No {series}/{region} grid factor for {year}; published years: "
            f"{', '.join(str(g.year) for g in rows)}."
        )
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
        raise FactorError(f"No coal-consumption rate for {year}; years: {sorted(table)}.")
    nearest = min(table, key=lambda y: (abs(y - year), y))
    return table[nearest]


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
        f"Unknown electricity method {method!r}; choose one of {ELECTRICITY_METHODS}."
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
    """Return an industrial-process CO₂ factor (``clinker`` or ``lime``) of a factor set.

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
            f"No process factor {process!r} in set {set!r}; processes: {', '.join(known)}."
        )
    return table[key]


_TABLES = {
    "fuels": "fuels.csv",
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
        ``electricity_coal_rate``, ``carbon_constants`` or ``process_factors``.

    Returns
    -------
    pandas.DataFrame
        The CSV as read (numbers as float), for display and export.
    """
    import pandas as pd

    if name not in _TABLES:
        raise FactorError(f"Unknown factor table {name!r}; tables: {', '.join(_TABLES)}.")
    frame = pd.DataFrame(_read(_TABLES[name]))
    for col in ("value", "low", "high", "ncv", "carbon_content", "oxidation"):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    if "year" in frame.columns:
        frame["year"] = frame["year"].astype("int64")
    return frame


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
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise FactorError(f"Unknown fuel {name!r}.{hint} Known fuels: {', '.join(fuels())}.")
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
            close = difflib.get_close_matches(str(key), [str(k) for k in self._data], n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise FactorError(f"{key!r} is not in the table.{hint}") from None

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<factor table: {len(self._data)} rows: {', '.join(map(str, self._data))}>"

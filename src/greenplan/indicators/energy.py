"""Energy: consumption on each accounting basis, energy intensity, coal consumption.

The plan (五(四)) asks Jinan to complete the energy dual-control (能耗双控) and coal-control
targets the province assigns; Jinan's 2023 implementation plan sets energy intensity −14.8 %
in 2025 vs 2020. Since the 2021 Central Economic Work Conference the assessment deducts
feedstock energy (原料用能, 发改环资〔2022〕803号) from both the base and the current year, and
new renewable electricity (发改运行〔2022〕1258号) from the total — but not from the intensity.
This module exposes every basis:

=============================  ===========================================================
basis                          energy counted
=============================  ===========================================================
gross                          total energy consumption as published (or from components)
excl_feedstock                 gross − feedstock (the 14th-FYP intensity assessment rule)
excl_feedstock_nonfossil       gross − feedstock − non-fossil energy (NBS reporting from 2024)
total_control (totals only)    gross − feedstock − increase of renewable electricity over 2020
=============================  ===========================================================

Canonical units: energy in 万吨标准煤 (10⁴ tce), fuels in 万吨 or 亿立方米, electricity in
亿千瓦时, heat in 万吉焦, GDP in 亿元, intensity in 吨标准煤/万元 (10⁴ tce / 10⁸ yuan = 1 tce
per 10⁴ yuan). Coefficients come from :mod:`greenplan.factors` (GB/T 2589-2020).

References
----------
.. [GBT2589] GB/T 2589-2020 综合能耗计算通则, Annex A.
.. [803] 国家发展改革委 国家统计局, 关于进一步做好原料用能不纳入能源消费总量控制有关工作的通知
   (发改环资〔2022〕803号) [C].
.. [1258] 国家发展改革委 国家统计局 国家能源局, 关于进一步做好新增可再生能源消费不纳入能源消费
   总量控制有关工作的通知 (发改运行〔2022〕1258号 [M]) [C].
.. [Std] GB/T 2589-2020 综合能耗计算通则, Annex A.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from greenplan import factors
from greenplan import units as _units
from greenplan.indicators._common import (
    PERCENT,
    ArrayLike,
    first_three,
    nonzero,
    percent_change,
    sum_aligned,
)
from greenplan.indicators.registry import (
    ArrayInputs,
    change_recipe,
    declare_option,
    on_arrays,
    per_gdp_recipe,
    recipe,
    reported,
)
from greenplan.variables import VARIABLES

__all__ = [
    "BASES",
    "PERCENT",
    "annual_intensity_change",
    "electricity_to_standard_coal",
    "energy_excl_feedstock",
    "energy_excl_feedstock_nonfossil",
    "energy_intensity",
    "energy_total_control",
    "intensity",
    "intensity_change_from_growth",
    "percent_change",
    "renewable_increase",
    "standard_coal_total",
    "to_standard_coal",
]


BASES: tuple[str, ...] = ("gross", "excl_feedstock", "excl_feedstock_nonfossil")
"""Energy bases of the intensity (the total-control basis applies to totals only)."""

_BASIS_NAMES = {
    "gross": "total energy consumption, gross",
    "excl_feedstock": "energy consumption excluding feedstock",
    "excl_feedstock_nonfossil": "energy consumption excluding feedstock and non-fossil energy",
}
"""What each basis counts (for the descriptions; names and units are in the code list)."""

_NBS_INTENSITY = "国家统计局 2020年分省万元GDP能耗降低率公报"

declare_option(
    "energy_basis",
    "excl_feedstock",
    "Energy basis of energy_intensity and its changes: 'gross' (as published), "
    "'excl_feedstock' (feedstock deducted from the year and from the base year: the 14th-FYP "
    "assessment rule) or 'excl_feedstock_nonfossil' (also non-fossil energy deducted).",
    choices=BASES,
    source="发改环资〔2022〕803号 (feedstock deducted in the 14th-FYP intensity assessment)",
)
declare_option(
    "natural_gas_coefficient",
    1.2143,
    "Standard-coal coefficient of natural gas [kgce/m³]; GB/T 2589-2020 gives a range "
    "1.1000–1.3300, Shandong energy audits mostly use 1.2143 or 1.3300.",
    check=factors.is_natural_gas_coefficient,
    source="GB/T 2589-2020 Annex A (range, [?]); 1.2143 = the 2008 edition's gas-field gas",
)
declare_option(
    "electricity_method",
    "coal_consumption",
    "How electricity (net imports, the renewable-electricity deduction) is valued in standard "
    "coal: 'coal_consumption' (the year's thermal-power coal rate, 发电煤耗计算法, the "
    "convention of regional energy balances for primary electricity) or 'equivalent' "
    "(heat content, 0.1229 kgce/kWh).",
    choices=factors.ELECTRICITY_METHODS,
    source="GB/T 2589-2020 (equivalent value); NBS energy balances (coal-consumption method) [M]",
)
declare_option(
    "electricity_coal_rate",
    None,
    "A fixed coal-consumption rate [gce/kWh] for electricity_method='coal_consumption'; "
    "None takes each year's national rate from the factor table (CEC 供电煤耗, [M]).",
    check=factors.is_coal_rate,
    source="中国电力企业联合会 电力工业统计 [M]",
)
declare_option(
    "coal_includes_coke",
    False,
    "Whether coal_consumption adds coke (a coal product) to raw and cleaned coal. Off by "
    "default: coke is made from coal already counted where it is coked, so adding it double "
    "counts inside a region with coking plants.",
    choices=(False, True),
    source="NBS energy statistics: 煤炭 and 焦炭 are separate categories of the energy balance",
)


# --- pure formula functions ------------------------------------------------------------------


@cache
def _unit_factor(from_unit: str, to_unit: str) -> float:
    """Return the unit identity between two canonical units (derived once from greenplan.units)."""
    return _units.factor(from_unit, to_unit)


def to_standard_coal(quantity: ArrayLike, coefficient: float | ArrayLike) -> ArrayLike:
    r"""Convert a physical quantity of an energy product to standard coal.

    Parameters
    ----------
    quantity : float, array or Series
        Physical quantity [any unit U, e.g. 万吨 or 亿立方米].
    coefficient : float, array or Series
        Standard-coal coefficient [energy unit per U], e.g. from
        ``greenplan.factors.standard_coal()[fuel].per(U, "万吨标准煤")``.

    Returns
    -------
    same type as ``quantity``
        Energy [energy unit of ``coefficient``]; NaN stays NaN.

    Notes
    -----
    .. math:: E = Q \times c

    References
    ----------
    GB/T 2589-2020, Annex A; GB/T 2589-2020 综合能耗计算通则, Annex A.

    Examples
    --------
    >>> round(to_standard_coal(100.0, 0.7143), 4)  # 100 万吨 raw coal × 0.7143
    71.43
    """
    return quantity * coefficient


def standard_coal_total(
    quantities: Mapping[str, ArrayLike], coefficients: Mapping[str, float]
) -> ArrayLike:
    r"""Sum of energy products converted to standard coal.

    Parameters
    ----------
    quantities : mapping of str to float, array or Series
        Physical quantity per product [its own unit U_i].
    coefficients : mapping of str to float
        Standard-coal coefficient per product [energy unit per U_i]; must cover every key of
        ``quantities``.

    Returns
    -------
    same type as the quantities
        :math:`\sum_i Q_i c_i` [energy unit]. A missing (NaN) product counts as 0 as long as
        one product of the element is present; NaN where none is.

    Raises
    ------
    KeyError
        A product has no coefficient.

    Notes
    -----
    .. math:: E = \sum_i Q_i \, c_i

    References
    ----------
    GB/T 2589-2020, 综合能耗 = Σ 各种能源折标准煤量.

    Examples
    --------
    >>> round(standard_coal_total({"coal": 100.0, "gas": 10.0}, {"coal": 0.7143, "gas": 13.3}), 4)
    204.43
    """
    if not quantities:
        raise ValueError("standard_coal_total needs at least one quantity")
    parts: list[Any] = [to_standard_coal(q, coefficients[name]) for name, q in quantities.items()]
    series: list[pd.Series] = [p for p in parts if isinstance(p, pd.Series)]
    if series:
        index = series[0].index
        frame = pd.concat(
            [
                p.reindex(index) if isinstance(p, pd.Series) else pd.Series(p, index=index)
                for p in parts
            ],
            axis=1,
        ).astype("float64")
        return frame.sum(axis=1, min_count=1)  # type: ignore[return-value]
    stacked = np.stack(np.broadcast_arrays(*[np.asarray(p, dtype="float64") for p in parts]))
    total = np.where(np.isnan(stacked).all(axis=0), np.nan, np.nansum(stacked, axis=0))
    return total if total.ndim else float(total)  # type: ignore[return-value]


def electricity_to_standard_coal(
    electricity: ArrayLike, coefficient: float | ArrayLike
) -> ArrayLike:
    r"""Electricity in standard coal.

    Parameters
    ----------
    electricity : float, array or Series
        Electricity [亿千瓦时].
    coefficient : float, array or Series
        Standard coal per kWh [kgce/kWh]: 0.1229 (equivalent value) or the year's
        thermal-power coal rate (coal-consumption method, ≈ 0.30).

    Returns
    -------
    same type as ``electricity``
        Energy [万吨标准煤].

    Notes
    -----
    .. math:: E = Q_{el} \times c_{el} \times 10

    10 is the unit identity (10⁸ kWh × 1 kgce/kWh = 10⁵ t = 10 × 10⁴ tce), derived from
    :func:`greenplan.units.factor`.

    References
    ----------
    GB/T 2589-2020 Annex A; GB/T 2589-2020 综合能耗计算通则, Annex A (当量值 / 等价值).

    Examples
    --------
    >>> round(electricity_to_standard_coal(100.0, 0.1229), 6)  # 10¹⁰ kWh × 0.1229 kgce/kWh
    122.9
    """
    return electricity * coefficient * _unit_factor("kgce/kWh", "万吨标准煤/亿千瓦时")


def energy_excl_feedstock(total: ArrayLike, feedstock: ArrayLike) -> ArrayLike:
    r"""Energy consumption excluding feedstock energy (原料用能).

    Parameters
    ----------
    total : float, array or Series
        Total energy consumption [万吨标准煤].
    feedstock : float, array or Series
        Energy used as raw material for non-energy products [万吨标准煤].

    Returns
    -------
    same type as inputs
        :math:`E - RM` [万吨标准煤]; NaN where either is NaN.

    Notes
    -----
    .. math:: E^{*}_t = E_t - RM_t

    For the intensity reduction rate the deduction applies to the base year too:
    :math:`1 - [(E_t - RM_t)/(E_{2020} - RM_{2020})] / \prod (1+g)`.

    References
    ----------
    发改环资〔2022〕803号; 发改环资〔2022〕803号.

    Examples
    --------
    >>> energy_excl_feedstock(4000.0, 200.0)  # 万吨标准煤
    3800.0
    """
    return total - feedstock


def energy_excl_feedstock_nonfossil(
    total: ArrayLike, feedstock: ArrayLike, non_fossil: ArrayLike
) -> ArrayLike:
    """Energy consumption excluding feedstock and non-fossil energy.

    Parameters
    ----------
    total : float, array or Series
        Total energy consumption [万吨标准煤].
    feedstock : float, array or Series
        Feedstock energy [万吨标准煤].
    non_fossil : float, array or Series
        Non-fossil energy consumption [万吨标准煤].

    Returns
    -------
    same type as inputs
        :math:`E - RM - NF` [万吨标准煤] (fossil energy used as fuel).

    Notes
    -----
    .. math:: E^{**}_t = E_t - RM_t - NF_t

    References
    ----------
    国发〔2024〕12号 and NBS reporting from 2024 ("扣除原料用能和非化石能源消费量后") [M]/[?];
    国发〔2024〕12号.

    Examples
    --------
    >>> energy_excl_feedstock_nonfossil(4000.0, 200.0, 300.0)
    3500.0
    """
    return total - feedstock - non_fossil


def renewable_increase(renewable: ArrayLike, renewable_base: ArrayLike) -> ArrayLike:
    r"""Increase of renewable electricity consumption over the base year (never negative).

    Parameters
    ----------
    renewable : float, array or Series
        Renewable electricity consumed in the year [亿千瓦时].
    renewable_base : float, array or Series
        The same in the base year 2020 [亿千瓦时].

    Returns
    -------
    same type as inputs
        :math:`\max(0, R_t - R_{2020})` [亿千瓦时]; NaN where either is NaN.

    Notes
    -----
    .. math:: \Delta R_t = \max(0,\; R_t - R_{2020})

    Only *new* renewable electricity is deducted; a fall below the base adds nothing back
    (a greenplan reading of "新增可再生能源").

    References
    ----------
    发改运行〔2022〕1258号; 发改运行〔2022〕1258号.

    Examples
    --------
    >>> renewable_increase(130.0, 100.0), renewable_increase(90.0, 100.0)
    (30.0, 0.0)
    """
    diff = renewable - renewable_base
    if isinstance(diff, pd.Series):
        return diff.clip(lower=0.0)  # type: ignore[return-value]
    out = np.where(diff < 0.0, 0.0, diff)  # NaN stays NaN; the arithmetic of Series.clip
    return out if np.ndim(out) else float(out)  # type: ignore[return-value]


def energy_total_control(
    total: ArrayLike, feedstock: ArrayLike, renewable_increase_energy: ArrayLike
) -> ArrayLike:
    r"""Energy consumption on the total-control basis.

    Parameters
    ----------
    total : float, array or Series
        Total energy consumption [万吨标准煤].
    feedstock : float, array or Series
        Feedstock energy [万吨标准煤].
    renewable_increase_energy : float, array or Series
        Increase of renewable electricity over 2020, in standard coal [万吨标准煤].

    Returns
    -------
    same type as inputs
        :math:`E - RM - \Delta R` [万吨标准煤].

    Notes
    -----
    .. math:: E^{TC}_t = E_t - RM_t - c_{el,t} \, \max(0, R_t - R_{2020})

    New renewables leave the *total* but stay in the *intensity* ("但仍纳入能耗强度考核").

    References
    ----------
    中央经济工作会议 (2021-12): 新增可再生能源和原料用能不纳入能源消费总量控制; 发改运行〔2022〕
    1258号; 发改环资〔2022〕803号; 发改环资〔2022〕803号; 发改运行〔2022〕1258号.

    Examples
    --------
    >>> energy_total_control(4000.0, 200.0, 50.0)
    3750.0
    """
    return total - feedstock - renewable_increase_energy


def intensity(numerator: ArrayLike, gdp: ArrayLike, unit_factor: float) -> ArrayLike:
    r"""Compute a quantity per unit of GDP.

    Parameters
    ----------
    numerator : float, array or Series
        Quantity [unit N].
    gdp : float, array or Series
        GDP [unit G], at comparable (2020) prices for the plan's intensities.
    unit_factor : float
        Unit identity from N/G to the intensity's unit [1], e.g.
        ``greenplan.units.factor("万吨标准煤/亿元", "吨标准煤/万元")`` (= 1).

    Returns
    -------
    same type as inputs
        Intensity; NaN where ``gdp`` is 0 or missing (never inf).

    Notes
    -----
    .. math:: I = f \cdot \frac{N}{GDP}

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> round(intensity(4000.0, 10000.0, 1.0), 6)
    0.4
    """
    return numerator / nonzero(gdp) * unit_factor


def energy_intensity(energy: ArrayLike, gdp: ArrayLike) -> ArrayLike:
    r"""Energy consumption per 10⁴ yuan of GDP (万元地区生产总值能耗).

    Parameters
    ----------
    energy : float, array or Series
        Energy consumption on the chosen basis [万吨标准煤].
    gdp : float, array or Series
        GDP at comparable 2020 prices [亿元].

    Returns
    -------
    same type as inputs
        Energy intensity [吨标准煤/万元]; NaN where ``gdp`` is 0 or missing.

    Notes
    -----
    .. math:: EI_t = \frac{E_t\,[10^4\,tce]}{GDP_t\,[10^8\,yuan]}
              = \frac{E_t\,[tce]}{GDP_t\,[10^4\,yuan]}

    The unit identity (10⁴ tce / 10⁸ yuan = 1 tce / 10⁴ yuan) is derived from
    :func:`greenplan.units.factor`.

    References
    ----------
    NBS 万元地区生产总值能耗 (GDP at constant prices); 国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> round(energy_intensity(4000.0, 10000.0), 6)  # 4000 万吨 / 10000 亿元 = 0.4 t/万元
    0.4
    """
    return intensity(energy, gdp, _unit_factor("万吨标准煤/亿元", "吨标准煤/万元"))


def intensity_change_from_growth(
    energy: ArrayLike, energy_base: ArrayLike, real_index: ArrayLike
) -> ArrayLike:
    r"""Cumulative change of an intensity from the quantity's growth and real GDP growth.

    Parameters
    ----------
    energy : float, array or Series
        Quantity in the year [any unit, e.g. 万吨标准煤].
    energy_base : float, array or Series
        Quantity in the base year [same unit].
    real_index : float, array or Series
        Real GDP index of the year relative to the base year, :math:`\prod_k (1+g_k)` [1].

    Returns
    -------
    same type as inputs
        Change of the intensity vs the base year [%] (negative = reduction); NaN where
        ``energy_base`` or ``real_index`` is 0 or missing.

    Notes
    -----
    .. math:: \Delta EI_t = 100 \left[\frac{E_t / E_{2020}}{\prod_{k=2021}^{t} (1+g_k)} - 1\right]

    Nominal GDP drops out. The reduction rate :math:`R_t = 1 - (E_t/E_{2020})/\prod(1+g)`
    is :math:`-\Delta EI_t / 100`.

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报 (cumulative reduction against 2020).

    Examples
    --------
    >>> round(intensity_change_from_growth(4200.0, 4000.0, 1.1), 4)  # (1.05 / 1.1 − 1) × 100
    -4.5455
    """
    return ((energy / nonzero(energy_base)) / nonzero(real_index) - 1.0) * PERCENT


def annual_intensity_change(
    energy: ArrayLike, energy_previous: ArrayLike, real_growth: ArrayLike
) -> ArrayLike:
    r"""Change of an intensity on the previous year from the quantity and real GDP growth.

    Parameters
    ----------
    energy : float, array or Series
        Quantity in the year [any unit].
    energy_previous : float, array or Series
        Quantity in the previous year [same unit].
    real_growth : float, array or Series
        Real GDP growth on the previous year [%].

    Returns
    -------
    same type as inputs
        Change of the intensity on the previous year [%] (negative = reduction).

    Notes
    -----
    .. math:: \Delta EI_t = 100 \left[\frac{E_t / E_{t-1}}{1 + g_t/100} - 1\right]

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报 (annual reduction rate
    r_t = 1 − (E_t/E_{t−1})/(1+g_t)).

    Examples
    --------
    >>> round(annual_intensity_change(102.0, 100.0, 5.0), 4)  # (1.02 / 1.05 − 1) × 100
    -2.8571
    """
    return (
        (energy / nonzero(energy_previous)) / nonzero(1.0 + real_growth / PERCENT) - 1.0
    ) * PERCENT


# --- helpers for recipes -----------------------------------------------------------------------


def _unreported_as_zero(x: ArrayInputs, series: np.ndarray, label: str | None) -> np.ndarray:
    """Count a deduction or addition that a region never reports as 0 (noted).

    A region that reports it in some year but not in another gets NaN in the missing years,
    so the base year and the current year are never treated inconsistently. ``label=None``
    makes no note (the caller notes once for several series).
    """
    reported_any = x.in_any_year(series)
    never = ~reported_any
    if not never.any():
        return series
    if label is not None:
        x.note(f"{label} not given for {first_three(dict.fromkeys(x.regions[never]))}: taken as 0")
    return np.where(reported_any, series, 0.0)


def _unreported_as_zero_rows(x: ArrayInputs, block: np.ndarray) -> np.ndarray:
    """:func:`_unreported_as_zero` of each row of a ``series × rows`` block, without a note.

    All series in one pass; a new block.
    """
    return np.where(x.in_any_year(block.T).T, block, 0.0)


def _note_gaps(x: ArrayInputs, variables: list[str]) -> None:
    """Note fuels that a region reports in some years but not in a year it reports others.

    Such a gap counts as 0 in the sums over fuels (a fuel not consumed is often not
    reported); the note makes the choice visible.
    """
    if not variables:
        return
    # the same fuels are summed by several recipes: their gaps are found once per inputs
    for text in x.once(("fuel gaps", *variables), lambda: _gap_notes(x, variables)):
        x.note(text)


def _gap_notes(x: ArrayInputs, variables: list[str]) -> list[str]:
    """Return the notes of :func:`_note_gaps`, in order."""
    values = np.array([x[v] for v in variables]).T  # rows × variables
    present = ~np.isnan(values)
    any_fuel = np.asarray(present.any(axis=1))
    reported_ever = x.in_any_year(values)  # every variable in one pass
    gaps = reported_ever & ~present & any_fuel[:, None]
    notes = []
    for k in np.flatnonzero(gaps.any(axis=0)):
        var = variables[k]
        rows = x.index[gaps[:, k]]
        where = first_three(f"{r} {y}" for r, y in rows)
        notes.append(f"{var} missing for {where} while reported in other years: taken as 0")
    return notes


def fuel_variables() -> dict[str, str]:
    """Codelist variable → fuel code, for the fuels regional statistics report physically."""
    return dict(_fuel_variables())


@cache
def _fuel_variables() -> dict[str, str]:
    """:func:`fuel_variables`, made once (the fuels table is fixed): do not change it."""
    return {
        f.variable: code
        for code, f in factors.fuels().items()
        if f.variable and f.family not in ("electricity", "heat")
    }


def _fuel_quantities(x: ArrayInputs) -> dict[str, np.ndarray]:
    return {var: x[var] for var in _fuel_variables() if x.has(var)}


def _coefficients(x: ArrayInputs, variables: list[str]) -> dict[str, float]:
    gas = x.option("natural_gas_coefficient")
    return {var: _coal_per_unit(var, gas) for var in variables}


@lru_cache(maxsize=None, typed=True)  # typed: an int option is not its float
def _coal_per_unit(var: str, gas: float | None) -> float:
    """Return standard coal [万吨标准煤] per unit of the fuel variable ``var``.

    Made once per natural-gas coefficient: the coefficients table is fixed.
    """
    coef = factors.standard_coal_coefficient(_fuel_variables()[var], natural_gas_coefficient=gas)
    return coef.per(VARIABLES[var].unit, "万吨标准煤")


def _electricity_coefficients(x: ArrayInputs, used: np.ndarray | None = None) -> np.ndarray:
    """Return standard coal per kWh for each row's year [kgce/kWh] (option electricity_method).

    The method note is recorded only when electricity actually enters (``used`` nonzero).
    """
    method = x.option("electricity_method")
    rate = x.option("electricity_coal_rate")
    distinct, position = x.distinct_years()
    years = tuple(distinct.tolist())
    lookup = _electricity_lookup(years, method, rate)
    if used is None or bool((np.where(np.isnan(used), 0.0, used) != 0).any()):
        x.note(_electricity_note(years, method, rate))
    return lookup[position]


@lru_cache(maxsize=64, typed=True)  # typed: a note writes 300 and 300.0 apart
def _electricity_lookup(years: tuple[int, ...], method: str, rate: float | None) -> np.ndarray:
    """Return standard coal per kWh of each of ``years`` [kgce/kWh].

    Made once per years and options: the coefficient and coal-rate tables are fixed.
    """
    lookup = np.array(
        [factors.electricity_coefficient(y, method, coal_rate=rate)[0] for y in years],
        dtype="float64",
    )
    lookup.flags.writeable = False
    return lookup


def _year_runs(entries: Iterable[tuple[int, int, str]]) -> str:
    """Join ``(data year, year of the value used, value text)`` sorted by year, runs merged.

    A year with its own value reads ``2020 305.5``; consecutive years that all take another
    year's value read ``2023–2025←2022 300.7`` (one entry for one year: ``2023←2022 300.7``),
    so the text grows with the vintages of the table, not with the years of the data.
    """
    parts: list[str] = []
    run: list[Any] = []  # [first year, last year, source year, text] of the open run

    def close() -> None:
        if run:
            first, last, source, text = run
            span = f"{first}" if first == last else f"{first}–{last}"
            parts.append(f"{span}←{source} {text}")
            run.clear()

    for year, source, text in entries:
        if year == source:
            close()
            parts.append(f"{year} {text}")
        elif run and run[1] == year - 1 and run[2] == source and run[3] == text:
            run[1] = year
        else:
            close()
            run.extend([year, year, source, text])
    close()
    return ", ".join(parts)


@lru_cache(maxsize=64, typed=True)
def _electricity_note(years: tuple[int, ...], method: str, rate: float | None) -> str:
    if method == "equivalent" or rate is not None:
        return factors.electricity_coefficient(years[0], method, coal_rate=rate)[1]
    rates = [(y, factors.electricity_coal_rate(y)) for y in years]
    tags = sorted({r.confidence for _, r in rates})
    return (
        "electricity at the thermal-power coal rate (gce/kWh, CEC 供电煤耗 "
        f"[{','.join(tags)}]): " + _year_runs((y, r.year, f"{r.value}") for y, r in rates)
    )


def _gas_note(x: ArrayInputs, quantities: Mapping[str, np.ndarray]) -> None:
    if "fuel_natural_gas" in quantities:
        x.note(f"natural gas {x.option('natural_gas_coefficient')} kgce/m³")


# --- recipes: totals ------------------------------------------------------------------------------

_SECTION = "五(四)"
_DOMAIN = "energy"
_FUEL_INPUTS = tuple(fuel_variables())
_ENERGY_OPTIONS = ("natural_gas_coefficient", "electricity_method", "electricity_coal_rate")
"""Options of the energy totals built from components, and of all built on them."""


@recipe(
    id="energy_from_fuels",
    formula="Σ_f fuel_f × c_f (GB/T 2589-2020 coefficients; natural gas by option)",
    inputs=_FUEL_INPUTS,
    options=("natural_gas_coefficient",),
    section=_SECTION,
    additive=True,
    description=(
        "Physical fuel quantities (fuel_* variables) converted to standard coal with the "
        "GB/T 2589-2020 reference coefficients and summed. Fuels not reported count as 0 as "
        "long as one fuel is reported. A cross-check of the published total, not the total "
        "itself: electricity, heat and primary (non-fossil) energy are not fuels. The fuel_* "
        "figures should be combustion uses (final consumption and inputs to power and heat), "
        "not inputs to coking, refining or washing, which would double count."
    ),
    references=("GB/T 2589-2020 Annex A",),
)
@on_arrays
def _energy_from_fuels(x: ArrayInputs) -> np.ndarray:
    quantities = _fuel_quantities(x)
    if not quantities:
        return x.nan()
    x.note("GB/T 2589-2020 coefficients")
    _gas_note(x, quantities)
    _note_gaps(x, list(quantities))
    coefficients = _coefficients(x, list(quantities))
    # standard_coal_total, with the arithmetic of its Series path; every fuel at once
    factor = np.array([coefficients[name] for name in quantities])
    parts = to_standard_coal(np.array(list(quantities.values())), factor[:, None])
    return sum_aligned(parts, min_count=1)


@recipe(
    id="energy_consumption_gross",
    formula=(
        "energy_consumption as published; where absent: energy_from_fuels + "
        "electricity_net_import × c_el + heat_net_import × c_heat"
    ),
    inputs=("energy_consumption", "energy_from_fuels", "electricity_net_import", "heat_net_import"),
    options=_ENERGY_OPTIONS,
    section=_SECTION,
    additive=True,
    description=(
        "Total energy consumption on the gross basis. The published total (energy_consumption) "
        "is used where given, because a list of fuels is rarely complete; otherwise it is built "
        "from the fuels in standard coal plus net electricity inflow (valued by option "
        "electricity_method) and net heat inflow (equivalent value). The built total leaves out "
        "local primary electricity and other non-fuel energy."
    ),
    references=("GB/T 2589-2020",),
)
@on_arrays
def _energy_consumption_gross(x: ArrayInputs) -> np.ndarray:
    published = x["energy_consumption"]
    if not np.isnan(published).any():
        return published
    fuels_tce = x.propagate("energy_from_fuels")
    need = np.isnan(published) & ~np.isnan(fuels_tce)
    if not need.any():
        return published
    x.note("built from fuels + net electricity + net heat where energy_consumption is absent")
    elec = _unreported_as_zero(x, x["electricity_net_import"], "electricity_net_import")
    heat = _unreported_as_zero(x, x["heat_net_import"], "heat_net_import")
    elec_tce = electricity_to_standard_coal(elec, _electricity_coefficients(x, elec))
    heat_tce = to_standard_coal(heat, factors.standard_coal()["heat"].per("万吉焦", "万吨标准煤"))
    built = fuels_tce + elec_tce + heat_tce
    return np.where(np.isnan(published), built, published)


def _feedstock(x: ArrayInputs) -> np.ndarray:
    return _unreported_as_zero(x, x["energy_feedstock"], "energy_feedstock")


def _non_fossil(x: ArrayInputs) -> np.ndarray:
    return _unreported_as_zero(x, x["energy_non_fossil"], "energy_non_fossil")


@recipe(
    id="energy_consumption_excl_feedstock",
    formula="energy_consumption_gross − energy_feedstock",
    inputs=("energy_consumption_gross", "energy_feedstock"),
    options=_ENERGY_OPTIONS,
    section=_SECTION,
    additive=True,
    description=(
        "Total energy consumption minus energy used as raw material (原料用能: coal, oil, gas "
        "and their products made into olefins, aromatics, alkynes, alcohols, ammonia …), the "
        "basis of the 14th-FYP intensity assessment (发改环资〔2022〕803号). A region that "
        "never reports feedstock gets no deduction (noted); one that reports it in some years "
        "but not others is missing in those years."
    ),
    references=("发改环资〔2022〕803号", "Plan 五(四)"),
)
@on_arrays
def _energy_excl_feedstock(x: ArrayInputs) -> np.ndarray:
    return energy_excl_feedstock(x.propagate("energy_consumption_gross"), _feedstock(x))


@recipe(
    id="energy_consumption_excl_feedstock_nonfossil",
    formula="energy_consumption_gross − energy_feedstock − energy_non_fossil",
    inputs=("energy_consumption_gross", "energy_feedstock", "energy_non_fossil"),
    options=_ENERGY_OPTIONS,
    section=_SECTION,
    additive=True,
    description=(
        "Fossil energy used as fuel: total energy consumption minus feedstock and minus "
        "non-fossil energy, the basis NBS reports the intensity change on from 2024 [M]/[?]."
    ),
    references=("国发〔2024〕12号",),
)
@on_arrays
def _energy_excl_feedstock_nonfossil(x: ArrayInputs) -> np.ndarray:
    return energy_excl_feedstock_nonfossil(
        x.propagate("energy_consumption_gross"), _feedstock(x), _non_fossil(x)
    )


@recipe(
    id="energy_consumption_total_control",
    formula=(
        "energy_consumption_gross − energy_feedstock − c_el,t × max(0, electricity_renewable − "
        "electricity_renewable[base year])"
    ),
    inputs=("energy_consumption_gross", "energy_feedstock", "electricity_renewable"),
    options=("base_year", *_ENERGY_OPTIONS),
    section=_SECTION,
    additive=True,
    description=(
        "The total that counts toward energy-consumption control: feedstock energy and the "
        "increase of renewable electricity over the base year (2020) are deducted; the "
        "renewable increase is valued in standard coal by option electricity_method (the "
        "notice does not say how; the coal-consumption method is usual [?]). New renewables "
        "stay in the intensity. The plan (五(四)) applies both deductions to district totals."
    ),
    references=("发改运行〔2022〕1258号", "发改环资〔2022〕803号", "Plan 五(四)"),
)
@on_arrays
def _energy_total_control(x: ArrayInputs) -> np.ndarray:
    renewable = _unreported_as_zero(x, x["electricity_renewable"], "electricity_renewable")
    increase = renewable_increase(renewable, x.at_base(renewable))
    increase_tce = electricity_to_standard_coal(increase, _electricity_coefficients(x, increase))
    return energy_total_control(
        x.propagate("energy_consumption_gross"), _feedstock(x), increase_tce
    )


# --- recipes: intensity on each basis ---------------------------------------------------------

_BASIS_RECIPES = (  # basis, its total, then the ids of the level, its change and annual change
    (
        "gross",
        "energy_consumption_gross",
        "energy_intensity_gross",
        "energy_intensity_change_gross",
        "energy_intensity_annual_change_gross",
    ),
    (
        "excl_feedstock",
        "energy_consumption_excl_feedstock",
        "energy_intensity_excl_feedstock",
        "energy_intensity_change_excl_feedstock",
        "energy_intensity_annual_change_excl_feedstock",
    ),
    (
        "excl_feedstock_nonfossil",
        "energy_consumption_excl_feedstock_nonfossil",
        "energy_intensity_excl_feedstock_nonfossil",
        "energy_intensity_change_excl_feedstock_nonfossil",
        "energy_intensity_annual_change_excl_feedstock_nonfossil",
    ),
)

_INTENSITY_OPTIONS = ("base_year", *_ENERGY_OPTIONS)

for _basis, _total, _level_id, _change_id, _annual_id in _BASIS_RECIPES:
    per_gdp_recipe(
        id=_level_id,
        func=energy_intensity,
        numerator=_total,
        read="propagate",
        formula=f"{_total} / gdp_constant_2020",
        options=_INTENSITY_OPTIONS,
        section=_SECTION,
        description=(
            f"Energy consumption ({_BASIS_NAMES[_basis]}) per 10⁴ yuan of GDP at comparable "
            "base-year (2020) prices."
        ),
        references=(_NBS_INTENSITY, "发改环资〔2022〕803号"),
    )
    change_recipe(
        id=_change_id,
        level=_level_id,
        notes=True,
        options=_INTENSITY_OPTIONS,
        section=_SECTION,
        description=(
            "Cumulative change of the energy intensity against the base year (2020), "
            "= 100 × [(E_t/E_2020)/Π(1+g) − 1], with any deduction applied to both years."
        ),
        references=(_NBS_INTENSITY, "发改环资〔2022〕803号"),
    )
    change_recipe(
        id=_annual_id,
        level=_level_id,
        since="previous",
        notes=True,
        options=_INTENSITY_OPTIONS,
        section=_SECTION,
        description="Annual change of the energy intensity, = 100 × [(E_t/E_{t−1})/(1+g_t) − 1].",
        references=(_NBS_INTENSITY,),
    )


def _chosen_recipe(id: str, **fields: Any) -> None:
    """Register ``id`` = ``<id>_<energy_basis>``: the level or change on the chosen basis."""

    def chosen(x: ArrayInputs) -> np.ndarray:
        return x.propagate(f"{id}_{x.option('energy_basis')}")

    fields.setdefault("formula", f"{id}_<energy_basis>")
    recipe(
        id=id,
        options=("energy_basis", *_INTENSITY_OPTIONS),
        section=_SECTION,
        **fields,
    )(on_arrays(chosen))


_chosen_recipe(
    "energy_intensity",
    formula="energy_intensity_<energy_basis> (default: excl_feedstock)",
    inputs=(
        "energy_intensity_gross",
        "energy_intensity_excl_feedstock",
        "energy_intensity_excl_feedstock_nonfossil",
    ),
    description=(
        "Energy consumption per 10⁴ yuan of GDP at comparable 2020 prices, on the basis chosen "
        "by option energy_basis (default excl_feedstock: feedstock deducted in every year, as "
        "the 14th-FYP assessment does). The target energy_dual_control (Jinan −14.8 % vs 2020) "
        "is assessed on this level; see energy_intensity_change."
    ),
    references=("发改环资〔2022〕803号", "Plan 五(四)"),
)
_chosen_recipe(
    "energy_intensity_change",
    inputs=("energy_intensity",),
    description=(
        "Cumulative change of energy_intensity against the base year (2020), on the basis of "
        "option energy_basis; Jinan's 2025 target is −14.8 %. For display: the target is "
        "assessed on the level energy_intensity."
    ),
    references=("济南市“十四五”节能减排工作实施方案 (2023)",),
)
_chosen_recipe(
    "energy_intensity_annual_change",
    inputs=("energy_intensity",),
    description="Annual change of energy_intensity, on the basis of option energy_basis.",
    references=("国家统计局 2020年分省万元GDP能耗降低率公报",),
)


# --- recipes: coal --------------------------------------------------------------------------------


def _coal_variables(include_coke: bool) -> list[str]:
    families = {"coal", "coke"} if include_coke else {"coal"}
    return [f.variable for f in factors.fuels().values() if f.variable and f.family in families]


@recipe(
    id="coal_consumption",
    formula="fuel_raw_coal + fuel_cleaned_coal (+ fuel_coke with option coal_includes_coke)",
    inputs=("fuel_raw_coal", "fuel_cleaned_coal", "fuel_coke"),
    options=("coal_includes_coke",),
    section=_SECTION,
    additive=True,
    description=(
        "Coal consumed in physical tonnes: raw coal plus cleaned coal (coal products of the "
        "煤炭 category of the energy balance). Coke is a separate category (焦炭) and is added "
        "only with option coal_includes_coke. Where no coal fuel is given, the reported "
        "coal_consumption is used; where both are given the sum of fuels wins and a "
        "disagreement shows in reported_vs_computed. Target coal_consumption_control "
        "(assigned by the province)."
    ),
    references=("NBS energy statistics (煤炭消费量)", "Plan 五(四)"),
)
@on_arrays
def _coal_consumption(x: ArrayInputs) -> np.ndarray:
    include_coke = bool(x.option("coal_includes_coke"))
    parts = {v: x[v] for v in _coal_variables(include_coke) if x.has(v)}
    if not parts:
        return x.nan()
    x.note("sum of " + " + ".join(parts))
    _note_gaps(x, list(parts))
    return sum_aligned(list(parts.values()), min_count=1)


change_recipe(
    id="coal_consumption_change",
    level="coal_consumption",
    notes=True,
    options=("base_year", "coal_includes_coke"),
    section=_SECTION,
    description="Relative change of total coal consumption against the base year (2020).",
    references=("Plan 一(一) (13th FYP: −22.5 %)", "Plan 五(四)"),
)


for _id, _description in (  # the two-high (高耗能高排放) industries' totals, as compiled
    (
        "two_high_energy_consumption",
        "Energy consumption of the energy-intensive, high-emission (高耗能高排放) industries, "
        "as compiled by the statistics bureau from enterprise energy reports. The plan requires "
        "it never to increase (“两高”行业能耗煤耗总量只减不增). From fuel records, aggregate the "
        "records of the two-high enterprises with aggregate_fuel_records and map 'energy' to "
        "this code with fuel_totals_to_statistics.",
    ),
    (
        "two_high_coal_consumption",
        "Coal consumption (physical) of the two-high industries; must never increase "
        "(五(四)). From fuel records: the 'coal' column of aggregate_fuel_records.",
    ),
):
    reported(
        id=_id,
        formula="as reported (city = sum of districts where the city is not reported)",
        section=_SECTION,
        additive=True,
        description=_description,
        references=("Plan 五(四)",),
    )

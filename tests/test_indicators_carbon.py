"""Carbon indicators: fuel-combustion CO₂, indirect CO₂ of net inflows, process CO₂, intensity.

Reference values are hand calculations (arithmetic in the comments) with the sector-guideline
defaults (standards_cn.md A.3(a)), IPCC 2006 defaults (inventory_and_gdi.md §2.5), the MEE/NBS
grid factors (standards_cn.md A.3(b)) and Jinan's published GDP chain (Π(1+g) 2020→2023 =
1.172651152, shared/data/jinan_public_figures.csv). Fuel quantities are SYNTHETIC.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan import factors
from greenplan.engine import compute, reported_vs_computed
from greenplan.errors import OptionError
from greenplan.indicators.carbon import (
    carbon_intensity,
    co2_from_fuel,
    combustion_factor,
    indirect_co2,
    net_of_feedstock,
    process_co2,
)
from greenplan.units import convert
from helpers import CITY, method, value
from helpers import long_table as frame

C = 44 / 12
SETTINGS = settings(max_examples=10, deadline=None)
PURE = settings(max_examples=80, deadline=None)

# per-unit factors by hand (sector guideline):
# raw coal (proxy): 20.908 GJ/t × 0.02618 tC/GJ × 0.93 × 44/12 = 1.8665366104 t CO₂/t
# natural gas: 389.31 GJ/10⁴m³ × 0.0153 × 0.99 × 44/12 = 21.62188809 t CO₂/10⁴m³
#   → 1 亿m³ = 10⁴ × 10⁴ m³ → 21.62188809 万吨 CO₂ per 亿m³
RAW_COAL = 1.8665366104
GAS = 21.62188809


# --- pure formula functions -------------------------------------------------------------------


def test_combustion_factor_natural_gas():
    # 389.31 × 0.0153 × 0.99 × 44/12 = 21.62188809 t CO₂ per 10⁴ m³
    assert combustion_factor(389.31, 0.0153, 0.99, C) == pytest.approx(GAS, rel=1e-9)


def test_co2_from_fuel_containers():
    # 1000 t raw coal × 1.8665366104 = 1866.5366104 t CO₂
    assert co2_from_fuel(1000.0, 20.908, 0.02618, 0.93, C) == pytest.approx(1866.5366104)
    arr = co2_from_fuel(np.array([1.0, 2.0]), 43.33, 0.0202, 0.98, C)
    # diesel: 43.33 × 0.0202 × 0.98 × 44/12 = 3.14512249 t/t
    np.testing.assert_allclose(arr, [3.14512249, 6.29024499], rtol=1e-8)
    s = co2_from_fuel(pd.Series([1.0, np.nan], index=[2020, 2021]), 43.33, 0.0202, 0.98, C)
    assert s.index.tolist() == [2020, 2021] and math.isnan(s[2021])


def test_feedstock_and_indirect_and_process():
    assert net_of_feedstock(10.0, 2.0) == 8.0
    assert math.isnan(net_of_feedstock(10.0, np.nan))
    # 100 亿kWh × 0.6776 kg/kWh = 6.776e9 kg = 677.6 万吨; a net exporter is negative
    np.testing.assert_allclose(indirect_co2(np.array([100.0, -10.0]), 6.776), [677.6, -67.76])
    # 100 万吨 clinker × 0.538 = 53.8 万吨 CO₂
    assert process_co2(100.0, 0.538) == pytest.approx(53.8)


def test_carbon_intensity_zero_gdp_and_containers():
    # 2082.7554913 万吨 / 10140.91 亿元 = 0.2053815182 t/万元
    assert carbon_intensity(2082.7554913, 10140.91) == pytest.approx(0.2053815182)
    assert math.isnan(carbon_intensity(1.0, 0.0))
    s = carbon_intensity(pd.Series([1.0, 1.0]), pd.Series([4.0, 0.0]))
    assert s[0] == 0.25 and math.isnan(s[1]) and not np.isinf(s).any()


# --- end to end ---------------------------------------------------------------------------------

GDP = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2022, "gdp_real_growth", 3.1),
    (CITY, 2023, "gdp_real_growth", 6.1),
]
FUELS = [
    (CITY, y, v, q)
    for y in (2020, 2021, 2022, 2023)
    for v, q in (("fuel_raw_coal", 1000.0), ("fuel_natural_gas", 10.0))
]


def test_fuel_combustion_co2():
    out = compute(frame(FUELS), ["co2_fuel_combustion"])
    # 1000 × 1.8665366104 + 10 × 21.62188809 = 1866.5366104 + 216.2188809 = 2082.7554913
    assert value(out, "co2_fuel_combustion", 2020) == pytest.approx(2082.7554913)
    assert "emission factors: china_guideline" in method(out, "co2_fuel_combustion")
    assert "[?] for: raw_coal" in method(out, "co2_fuel_combustion")


def test_feedstock_carries_no_combustion_co2():
    rows = [*FUELS, (CITY, 2020, "feedstock_natural_gas", 2.0)]
    out = compute(frame(rows), ["co2_fuel_combustion"])
    # (10 − 2) × 21.62188809 + 1866.5366104 = 2039.51171512
    assert value(out, "co2_fuel_combustion", 2020) == pytest.approx(2039.51171512)


def test_ipcc_set_option():
    rows = [(CITY, 2020, "fuel_diesel", 100.0)]
    china = compute(frame(rows), ["co2_fuel_combustion"])
    ipcc = compute(frame(rows), ["co2_fuel_combustion"], emission_factor_set="ipcc2006")
    # China: 100 万吨 × 3.14512249 = 314.512249; IPCC (Table 1.4 EF): 43.0 × 0.0741 = 3.1863
    assert value(china, "co2_fuel_combustion", 2020) == pytest.approx(314.512249)
    assert value(ipcc, "co2_fuel_combustion", 2020) == pytest.approx(318.63)
    assert "emission_factor_set=ipcc2006" in method(ipcc, "co2_fuel_combustion")
    with pytest.raises(OptionError):
        compute(frame(rows), ["co2_fuel_combustion"], emission_factor_set="ipcc1996")


ELEC = [
    (CITY, 2020, "electricity_net_import", 100.0),
    (CITY, 2022, "electricity_net_import", 100.0),
]


def test_electricity_indirect_by_year_and_region():
    out = compute(frame(ELEC), ["co2_electricity_indirect"])
    # 2022: 100 亿kWh × 0.6776 (华北 2022) = 677.6 万吨; 2020: nearest vintage 2021, 0.7120
    assert value(out, "co2_electricity_indirect", 2022) == pytest.approx(677.6)
    assert value(out, "co2_electricity_indirect", 2020) == pytest.approx(712.0)
    note = method(out, "co2_electricity_indirect")
    assert "mee_nbs/north_china" in note and "2020←2021 0.712 [M]" in note
    national = compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_region="national")
    assert value(national, "co2_electricity_indirect", 2022) == pytest.approx(536.6)
    shandong = compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_region="shandong")
    assert value(shandong, "co2_electricity_indirect", 2022) == pytest.approx(641.0)
    frozen = compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_year=2022)
    assert value(frozen, "co2_electricity_indirect", 2020) == pytest.approx(677.6)
    enterprise = compute(
        frame(ELEC),
        ["co2_electricity_indirect"],
        grid_factor_series="mee_enterprise",
        grid_factor_region="national",
    )
    assert value(enterprise, "co2_electricity_indirect", 2022) == pytest.approx(570.3)


def test_grid_options_validated():
    with pytest.raises(OptionError):
        compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_region="mars")
    with pytest.raises(OptionError):
        compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_year="latest")
    # a region without that series: north_china has no enterprise factor
    with pytest.raises(OptionError, match="north_china"):
        compute(frame(ELEC), ["co2_electricity_indirect"], grid_factor_series="mee_enterprise")


def test_heat_indirect_and_option():
    rows = [(CITY, 2020, "heat_net_import", 1000.0)]
    out = compute(frame(rows), ["co2_heat_indirect"])
    # 1000 万GJ × 0.11 t/GJ = 110 万吨
    assert value(out, "co2_heat_indirect", 2020) == pytest.approx(110.0)
    other = compute(frame(rows), ["co2_heat_indirect"], heat_emission_factor=0.1)
    assert value(other, "co2_heat_indirect", 2020) == pytest.approx(100.0)


def test_co2_energy_scope():
    rows = [
        *FUELS,
        (CITY, 2022, "electricity_net_import", 100.0),
        (CITY, 2022, "heat_net_import", 1000.0),
    ]
    out = compute(frame(rows), ["co2_energy"])
    # 2082.7554913 + 677.6 + 110 = 2870.3554913
    assert value(out, "co2_energy", 2022) == pytest.approx(2870.3554913)
    # the city reports imports in 2022 only: other years cannot be completed (NaN, not 0)
    assert out[(out.indicator == "co2_energy") & (out.year == 2021)].empty
    direct = compute(frame(rows), ["co2_energy"], carbon_scope="direct")
    assert value(direct, "co2_energy", 2022) == pytest.approx(2082.7554913)


def test_co2_energy_without_any_imports_notes_zero():
    out = compute(frame(FUELS), ["co2_energy"])
    assert value(out, "co2_energy", 2021) == pytest.approx(2082.7554913)
    assert "electricity_net_import not given for 济南市: taken as 0" in method(out, "co2_energy")


def test_process_co2_separate_from_intensity():
    rows = [
        *GDP,
        *FUELS,
        (CITY, 2020, "clinker_production", 100.0),
        (CITY, 2020, "lime_production", 10.0),
    ]
    ids = ["co2_process", "co2_total", "carbon_intensity"]
    out = compute(frame(rows), ids)
    # 100 × 0.538 + 10 × 0.683 = 53.8 + 6.83 = 60.63 万吨
    assert value(out, "co2_process", 2020) == pytest.approx(60.63)
    assert value(out, "co2_total", 2020) == pytest.approx(2082.7554913 + 60.63)
    # the intensity ignores process CO₂: 2082.7554913 / 10140.91 = 0.2053815182
    assert value(out, "carbon_intensity", 2020) == pytest.approx(0.2053815182)
    ipcc = compute(frame(rows), ["co2_process"], emission_factor_set="ipcc2006")
    # 100 × 0.52 + 10 × 0.753 = 59.53
    assert value(ipcc, "co2_process", 2020) == pytest.approx(59.53)


def test_carbon_intensity_change_jinan_chain():
    out = compute(
        frame([*GDP, *FUELS]), ["carbon_intensity_change", "carbon_intensity_annual_change"]
    )
    # constant CO₂: 1/1.172651152 − 1 = −14.72314692 %
    assert value(out, "carbon_intensity_change", 2023) == pytest.approx(-14.72314692)
    # 2022 on 2021: 1/1.031 − 1 = −3.00678952 %
    assert value(out, "carbon_intensity_annual_change", 2022) == pytest.approx(-3.00678952)
    assert "GDP at 2020 prices" in method(out, "carbon_intensity_change")


def test_reported_co2_used_and_checked():
    rows = [*GDP, (CITY, 2020, "co2_energy", 2000.0), (CITY, 2021, "co2_energy", 2000.0)]
    out = compute(frame(rows), ["carbon_intensity_change"])
    # 1/1.072 − 1 = −6.71641791 %
    assert value(out, "carbon_intensity_change", 2021) == pytest.approx(-6.71641791)
    mixed = [*FUELS, (CITY, 2020, "co2_energy", 3000.0)]
    diff = reported_vs_computed(frame(mixed))
    row = diff[(diff.indicator == "co2_energy") & (diff.year == 2020)]
    assert row["computed"].iloc[0] == pytest.approx(2082.7554913)


# --- properties -------------------------------------------------------------------------------

pos = st.floats(min_value=1e-2, max_value=1e5, allow_nan=False, allow_infinity=False)


@PURE
@given(q_t=pos)
def test_unit_invariance_of_fuel_co2(q_t):
    ef = factors.emission_factor("diesel")
    in_t = co2_from_fuel(q_t, ef.ncv_per("t"), ef.carbon_per_gj, ef.oxidation, C)
    q_wan = convert(q_t, "t", "万吨")
    in_wan = co2_from_fuel(q_wan, ef.ncv_per("万吨"), ef.carbon_per_gj, ef.oxidation, C)
    assert in_wan == pytest.approx(in_t, rel=1e-9)


@PURE
@given(co2=pos, gdp=pos, k=st.floats(min_value=1e-3, max_value=1e3))
def test_carbon_intensity_scale_invariance(co2, gdp, k):
    assert carbon_intensity(co2 * k, gdp * k) == pytest.approx(carbon_intensity(co2, gdp), rel=1e-9)


@PURE
@given(q=pos, share=st.floats(min_value=0.0, max_value=1.0))
def test_feedstock_never_increases_co2(q, share):
    full = co2_from_fuel(q, 389.31, 0.0153, 0.99, C)
    net = co2_from_fuel(net_of_feedstock(q, q * share), 389.31, 0.0153, 0.99, C)
    assert net <= full + 1e-9


@SETTINGS
@given(c1=pos, c2=pos, g1=pos, g2=pos, e1=st.floats(-50, 200), e2=st.floats(-50, 200))
def test_city_from_districts_equals_city_from_summed_inputs(c1, c2, g1, g2, e1, e2):
    a, b = "历下区", "市中区"
    districts = [
        (a, 2022, "fuel_raw_coal", c1),
        (b, 2022, "fuel_raw_coal", c2),
        (a, 2022, "electricity_net_import", e1),
        (b, 2022, "electricity_net_import", e2),
        (a, 2022, "gdp", g1),
        (b, 2022, "gdp", g2),
    ]
    summed = [
        (CITY, 2022, "fuel_raw_coal", c1 + c2),
        (CITY, 2022, "electricity_net_import", e1 + e2),
        (CITY, 2022, "gdp", g1 + g2),
    ]
    ids = ["co2_energy", "carbon_intensity"]
    base = {"base_year": 2022}
    # only a few districts: the 'reporting_districts' option fills the city from them
    from_districts = compute(
        frame(districts), ids, **base, city_from_districts="reporting_districts"
    )
    from_city = compute(frame(summed), ids, **base)
    for id in ids:
        assert value(from_districts, id, 2022) == pytest.approx(
            value(from_city, id, 2022), rel=1e-9, abs=1e-9
        )


def test_feedstock_gap_gives_no_value_not_a_silent_zero():
    rows = [*FUELS, (CITY, 2020, "feedstock_natural_gas", 2.0)]
    out = compute(frame(rows), ["co2_fuel_combustion"])
    # feedstock_natural_gas reported for 2020 only: 2021–2023 cannot be split → no value
    assert out[(out.indicator == "co2_fuel_combustion") & (out.year == 2021)].empty


def test_fuel_gap_counts_as_zero_and_is_noted():
    rows = [r for r in FUELS if not (r[2] == "fuel_natural_gas" and r[1] == 2022)]
    out = compute(frame(rows), ["co2_fuel_combustion"])
    # 2022: raw coal only, 1000 × 1.8665366104 = 1866.5366104
    assert value(out, "co2_fuel_combustion", 2022) == pytest.approx(1866.5366104)
    assert "fuel_natural_gas missing for 济南市 2022 while reported in other years" in method(
        out, "co2_fuel_combustion"
    )


def test_shipped_emission_factors_made_once_are_the_factors():
    from greenplan.indicators.carbon import _co2_per_unit
    from greenplan.indicators.energy import fuel_variables
    from greenplan.variables import VARIABLES

    for set_ in ("china_guideline", "ipcc2006"):
        for var, fuel in fuel_variables().items():
            try:
                ef = factors.emission_factor(fuel, set_)
            except factors.FactorError:
                with pytest.raises(factors.FactorError):
                    _co2_per_unit(var, set_, None)
                continue
            expected = (ef.co2_per(VARIABLES[var].unit, "万吨"), ef.confidence)
            assert _co2_per_unit(var, set_, None) == expected


def test_grid_lookup_made_once_is_the_factors():
    from greenplan.indicators.carbon import _grid_lookup

    years = (2005, 2019, 2020, 2021, 2022, 2030)
    for vintage in ("by_year", 2021):
        values, runs = _grid_lookup(years, "north_china", "mee_nbs", vintage)
        table = factors.grid_factors_for_years(years, "north_china", "mee_nbs", vintage)
        assert values.tolist() == [table[y].value for y in years]
        assert not values.flags.writeable
        assert str(table[2030].value) in runs

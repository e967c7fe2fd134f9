"""Energy indicators: consumption on each basis, energy intensity and its changes, coal.

Reference values are hand calculations (arithmetic in the comments) on Jinan's published GDP
chain — GDP 2020 10140.91亿元, real growth 7.2 % (2021), 3.1 % (2022), 6.1 % (2023), from
shared/data/jinan_public_figures.csv, so Π(1+g) 2020→2023 = 1.072 × 1.031 × 1.061 =
1.172651152 — and on SYNTHETIC energy figures: Jinan's energy statistics were not found
(standards_cn.md B.3). Coefficients: GB/T 2589-2020 (standards_cn.md A.1).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.errors import OptionError
from greenplan.indicators.energy import (
    annual_intensity_change,
    electricity_to_standard_coal,
    energy_excl_feedstock,
    energy_excl_feedstock_nonfossil,
    energy_intensity,
    energy_total_control,
    intensity,
    intensity_change_from_growth,
    percent_change,
    renewable_increase,
    standard_coal_total,
    to_standard_coal,
)
from greenplan.units import convert, factor
from helpers import CITY, method, value
from helpers import long_table as frame

PI_2023 = 1.172651152  # 1.072 × 1.031 × 1.061
SETTINGS = settings(max_examples=10, deadline=None)
PURE = settings(max_examples=80, deadline=None)


# Jinan GDP chain (published) + SYNTHETIC energy (万吨标准煤): E 4000/4150/4200/4300,
# feedstock 200/210/230/260, non-fossil 300/330/380/420.
GDP = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2022, "gdp_real_growth", 3.1),
    (CITY, 2023, "gdp_real_growth", 6.1),
]
E = {2020: 4000.0, 2021: 4150.0, 2022: 4200.0, 2023: 4300.0}
RM = {2020: 200.0, 2021: 210.0, 2022: 230.0, 2023: 260.0}
NF = {2020: 300.0, 2021: 330.0, 2022: 380.0, 2023: 420.0}
JINAN = [
    *GDP,
    *[(CITY, y, "energy_consumption", v) for y, v in E.items()],
    *[(CITY, y, "energy_feedstock", v) for y, v in RM.items()],
    *[(CITY, y, "energy_non_fossil", v) for y, v in NF.items()],
]


# --- pure formula functions --------------------------------------------------------------------


def test_unit_identities():
    assert factor("万吨标准煤/亿元", "吨标准煤/万元") == 1.0
    assert factor("kgce/kWh", "万吨标准煤/亿千瓦时") == 10.0


def test_to_standard_coal_containers():
    # 1000 万吨 raw coal × 0.7143 = 714.3 万吨标准煤
    assert to_standard_coal(1000.0, 0.7143) == pytest.approx(714.3)
    np.testing.assert_allclose(to_standard_coal(np.array([1.0, 2.0]), 0.9), [0.9, 1.8])
    s = to_standard_coal(pd.Series([1.0, np.nan], index=["a", "b"]), 1.4571)
    assert s.index.tolist() == ["a", "b"] and s["a"] == pytest.approx(1.4571)
    assert math.isnan(s["b"])


def test_standard_coal_total_missing_rules():
    coef = {"coal": 0.7143, "gas": 12.143}
    # 1000 × 0.7143 + 10 × 12.143 = 714.3 + 121.43 = 835.73
    assert standard_coal_total({"coal": 1000.0, "gas": 10.0}, coef) == pytest.approx(835.73)
    # a missing product counts as 0 when another is present; all missing → NaN
    out = standard_coal_total(
        {"coal": np.array([1000.0, np.nan]), "gas": np.array([np.nan, np.nan])}, coef
    )
    assert out[0] == pytest.approx(714.3) and math.isnan(out[1])
    idx = pd.Index([2020, 2021], name="year")
    s = standard_coal_total(
        {"coal": pd.Series([1.0, 2.0], index=idx), "gas": pd.Series([np.nan, 1.0], index=idx)},
        coef,
    )
    assert s.index.equals(idx)
    np.testing.assert_allclose(s.to_numpy(), [0.7143, 1.4286 + 12.143])
    with pytest.raises(KeyError):
        standard_coal_total({"oil": 1.0}, coef)
    with pytest.raises(ValueError, match="at least one"):
        standard_coal_total({}, coef)


def test_electricity_to_standard_coal():
    # 1 亿kWh × 0.1229 kgce/kWh = 1.229e7 kg = 1.229 万吨标准煤
    assert electricity_to_standard_coal(1.0, 0.1229) == pytest.approx(1.229)
    # coal-consumption method 2020: 100 亿kWh × 0.3055 × 10 = 305.5 万吨标准煤
    np.testing.assert_allclose(electricity_to_standard_coal(np.array([100.0]), 0.3055), [305.5])


def test_deductions():
    assert energy_excl_feedstock(4000.0, 200.0) == 3800.0
    assert energy_excl_feedstock_nonfossil(4000.0, 200.0, 300.0) == 3500.0
    # renewable increase is never negative: max(0, 80 − 50) = 30; max(0, 40 − 50) = 0
    np.testing.assert_allclose(renewable_increase(np.array([80.0, 40.0]), 50.0), [30.0, 0.0])
    assert renewable_increase(80.0, 50.0) == 30.0
    assert math.isnan(renewable_increase(np.nan, 50.0))
    s = renewable_increase(pd.Series([80.0, 40.0, np.nan]), pd.Series([50.0, 50.0, 50.0]))
    assert s.iloc[:2].tolist() == [30.0, 0.0] and math.isnan(s.iloc[2])
    # 4300 − 260 − 90.21 = 3949.79
    assert energy_total_control(4300.0, 260.0, 90.21) == pytest.approx(3949.79)


def test_energy_intensity_containers_and_zero_gdp():
    # 4000 万tce / 10140.91 亿元 = 0.394441919 t/万元
    assert energy_intensity(4000.0, 10140.91) == pytest.approx(0.3944419189, rel=1e-9)
    out = energy_intensity(np.array([4000.0, 1.0, 1.0]), np.array([10140.91, 0.0, np.nan]))
    assert out[0] == pytest.approx(0.3944419189) and np.isnan(out[1:]).all()
    s = energy_intensity(
        pd.Series([1.0, 1.0], index=["a", "b"]), pd.Series([2.0, 0.0], index=["a", "b"])
    )
    assert s["a"] == 0.5 and math.isnan(s["b"]) and not np.isinf(s).any()
    assert math.isnan(energy_intensity(1.0, 0.0))
    assert intensity(10.0, 5.0, 2.0) == 4.0


def test_percent_change():
    assert percent_change(84.0, 100.0) == pytest.approx(-16.0)
    assert math.isnan(percent_change(1.0, 0.0))
    np.testing.assert_allclose(percent_change(np.array([110.0, 100.0]), 100.0), [10.0, 0.0])


def test_cumulative_change_jinan_chain():
    # 1 − (E_t/E_2020)/Π(1+g) with E 4000 → 4300: (1.075 / 1.172651152 − 1) × 100 = −8.327383 %
    assert intensity_change_from_growth(4300.0, 4000.0, PI_2023) == pytest.approx(-8.32738294)
    # E 4000 → 4200: 1.05/1.172651152 = 0.895406957 → −10.4593043 %
    arr = intensity_change_from_growth(np.array([4200.0]), np.array([4000.0]), PI_2023)
    np.testing.assert_allclose(arr, [-10.45930427])
    assert math.isnan(intensity_change_from_growth(1.0, 0.0, 1.1))


def test_annual_change():
    # 2021: (4150/4000)/1.072 − 1 = −3.2182836 %
    assert annual_intensity_change(4150.0, 4000.0, 7.2) == pytest.approx(-3.21828358)
    assert math.isnan(annual_intensity_change(1.0, 1.0, -100.0))


# --- end to end through compute (synthetic energy, published GDP chain) -----------------------


@pytest.fixture(scope="module")
def jinan() -> pd.DataFrame:
    ids = [
        "energy_intensity",
        "energy_intensity_gross",
        "energy_intensity_change",
        "energy_intensity_change_gross",
        "energy_intensity_change_excl_feedstock",
        "energy_intensity_change_excl_feedstock_nonfossil",
        "energy_intensity_annual_change",
        "energy_intensity_annual_change_gross",
        "energy_consumption_gross",
        "energy_consumption_excl_feedstock",
        "energy_consumption_excl_feedstock_nonfossil",
    ]
    return compute(frame(JINAN), ids)


def test_gross_cumulative_change_2023(jinan):
    # (4300/4000)/1.172651152 − 1 = −8.32738294 %
    assert value(jinan, "energy_intensity_change_gross", 2023) == pytest.approx(-8.32738294)
    assert value(jinan, "energy_intensity_change_gross", 2020) == 0.0


def test_excl_feedstock_is_the_default_basis(jinan):
    # (4300 − 260)/(4000 − 200) = 4040/3800; /1.172651152 − 1 = −9.33724041 %
    assert value(jinan, "energy_intensity_change", 2023) == pytest.approx(-9.33724041)
    assert value(jinan, "energy_intensity_change_excl_feedstock", 2023) == pytest.approx(
        -9.33724041
    )
    # level 2023: 4040 / (10140.91 × 1.172651152) = 0.339731332 t/万元
    assert value(jinan, "energy_intensity", 2023) == pytest.approx(0.3397313322)
    assert "energy_basis=excl_feedstock" in method(jinan, "energy_intensity")


def test_excl_feedstock_nonfossil(jinan):
    # (4300 − 260 − 420)/(4000 − 200 − 300) = 3620/3500; /1.172651152 − 1 = −11.7993691 %
    assert value(jinan, "energy_intensity_change_excl_feedstock_nonfossil", 2023) == pytest.approx(
        -11.7993691
    )
    assert value(jinan, "energy_consumption_excl_feedstock_nonfossil", 2023) == 3620.0


def test_gross_level_and_totals(jinan):
    # 4300 / 11891.62… : 4300/(10140.91 × 1.172651152) = 0.361595230 t/万元
    assert value(jinan, "energy_intensity_gross", 2023) == pytest.approx(0.3615952298)
    assert value(jinan, "energy_consumption_gross", 2023) == 4300.0
    assert value(jinan, "energy_consumption_excl_feedstock", 2023) == 4040.0


def test_annual_changes(jinan):
    # gross 2021: (4150/4000)/1.072 − 1 = −3.21828358 %; 2022: (4200/4150)/1.031 − 1 = −1.83819663 %
    assert value(jinan, "energy_intensity_annual_change_gross", 2021) == pytest.approx(-3.21828358)
    assert value(jinan, "energy_intensity_annual_change_gross", 2022) == pytest.approx(-1.83819663)
    # the first year after the base: annual change = cumulative change
    assert value(jinan, "energy_intensity_annual_change", 2021) == pytest.approx(
        value(jinan, "energy_intensity_change", 2021)
    )


def test_energy_basis_option_switches_and_is_recorded():
    out = compute(frame(JINAN), ["energy_intensity_change"], energy_basis="gross")
    assert value(out, "energy_intensity_change", 2023) == pytest.approx(-8.32738294)
    assert "energy_basis=gross" in method(out, "energy_intensity_change")
    with pytest.raises(OptionError, match="excl_feedstock"):
        compute(frame(JINAN), ["energy_intensity"], energy_basis="net")


def test_feedstock_missing_in_base_year_breaks_the_change():
    # 803号: the deduction applies to the base year too; without RM_2020 there is no change
    rows = [r for r in JINAN if not (r[2] == "energy_feedstock" and r[1] == 2020)]
    out = compute(frame(rows), ["energy_intensity_change"])
    assert out[(out.year == 2023)].empty


def test_feedstock_never_reported_counts_as_zero_and_is_noted():
    rows = [r for r in JINAN if r[2] != "energy_feedstock"]
    out = compute(frame(rows), ["energy_intensity_change"])
    assert value(out, "energy_intensity_change", 2023) == pytest.approx(-8.32738294)
    assert "energy_feedstock not given for 济南市: taken as 0" in method(
        out, "energy_intensity_change"
    )


def test_total_control_deducts_renewable_increase():
    rows = [
        *JINAN,
        (CITY, 2020, "electricity_renewable", 50.0),
        (CITY, 2023, "electricity_renewable", 80.0),
    ]
    out = compute(frame(rows), ["energy_consumption_total_control"])
    # 2023: 4300 − 260 − (80 − 50) 亿kWh × 0.3007 kgce/kWh (2022 rate, nearest to 2023) × 10
    #     = 4300 − 260 − 90.21 = 3949.79
    assert value(out, "energy_consumption_total_control", 2023) == pytest.approx(3949.79)
    # 2020: no increase: 4000 − 200 = 3800
    assert value(out, "energy_consumption_total_control", 2020) == pytest.approx(3800.0)
    assert "2023←2022 300.7" in method(out, "energy_consumption_total_control")
    eq = compute(frame(rows), ["energy_consumption_total_control"], electricity_method="equivalent")
    # 30 × 0.1229 × 10 = 36.87 → 4300 − 260 − 36.87 = 4003.13
    assert value(eq, "energy_consumption_total_control", 2023) == pytest.approx(4003.13)
    fixed = compute(frame(rows), ["energy_consumption_total_control"], electricity_coal_rate=300.0)
    # 30 × 0.300 × 10 = 90 → 3950
    assert value(fixed, "energy_consumption_total_control", 2023) == pytest.approx(3950.0)


def test_renewables_stay_in_the_intensity():
    rows = [
        *JINAN,
        (CITY, 2020, "electricity_renewable", 50.0),
        (CITY, 2023, "electricity_renewable", 80.0),
    ]
    out = compute(frame(rows), ["energy_intensity_change"])
    assert value(out, "energy_intensity_change", 2023) == pytest.approx(-9.33724041)


def test_gross_built_from_fuels_where_total_absent():
    rows = [
        (CITY, 2020, "gdp", 10140.91),
        (CITY, 2020, "fuel_raw_coal", 1000.0),
        (CITY, 2020, "fuel_natural_gas", 10.0),
        (CITY, 2020, "electricity_net_import", 100.0),
        (CITY, 2020, "heat_net_import", 1000.0),
    ]
    ids = ["energy_from_fuels", "energy_consumption_gross"]
    out = compute(frame(rows), ids, electricity_method="equivalent")
    # fuels: 1000 × 0.7143 + 10 亿m³ × 12.143 = 714.3 + 121.43 = 835.73
    assert value(out, "energy_from_fuels", 2020) == pytest.approx(835.73)
    # + electricity 100 × 0.1229 × 10 = 122.9 + heat 1000 万GJ × 0.03412 = 34.12 → 992.75
    assert value(out, "energy_consumption_gross", 2020) == pytest.approx(992.75)
    assert "built from fuels" in method(out, "energy_consumption_gross")
    coal_method = compute(frame(rows), ids)
    # coal-consumption method 2020: 100 × 0.3055 × 10 = 305.5 → 714.3 + 121.43 + 305.5 + 34.12
    assert value(coal_method, "energy_consumption_gross", 2020) == pytest.approx(1175.35)
    # the published total wins over the fuels
    published = compute(frame([*rows, (CITY, 2020, "energy_consumption", 2000.0)]), ids)
    assert value(published, "energy_consumption_gross", 2020) == 2000.0


def test_natural_gas_coefficient_option():
    rows = [(CITY, 2020, "fuel_natural_gas", 10.0)]
    out = compute(frame(rows), ["energy_from_fuels"], natural_gas_coefficient=1.33)
    # 10 亿m³ × 1.33 kgce/m³ = 1.33e9 kg = 133 万吨标准煤
    assert value(out, "energy_from_fuels", 2020) == pytest.approx(133.0)
    assert "natural_gas_coefficient=1.33" in method(out, "energy_from_fuels")
    with pytest.raises(OptionError):
        compute(frame(rows), ["energy_from_fuels"], natural_gas_coefficient=2.0)


# --- coal -------------------------------------------------------------------------------------


COAL = [
    (CITY, 2020, "fuel_raw_coal", 2000.0),
    (CITY, 2020, "fuel_cleaned_coal", 300.0),
    (CITY, 2020, "fuel_coke", 400.0),
    (CITY, 2023, "fuel_raw_coal", 1800.0),
    (CITY, 2023, "fuel_cleaned_coal", 250.0),
    (CITY, 2023, "fuel_coke", 380.0),
]


def test_coal_consumption_sums_coal_not_coke():
    out = compute(frame(COAL), ["coal_consumption", "coal_consumption_change"])
    # 2000 + 300 = 2300; 1800 + 250 = 2050; change 2050/2300 − 1 = −10.8695652 %
    assert value(out, "coal_consumption", 2020) == 2300.0
    assert value(out, "coal_consumption_change", 2023) == pytest.approx(-10.86956522)
    with_coke = compute(frame(COAL), ["coal_consumption"], coal_includes_coke=True)
    assert value(with_coke, "coal_consumption", 2020) == 2700.0


def test_coal_reported_only_and_disagreement():
    reported = [(CITY, 2020, "coal_consumption", 2500.0)]
    out = compute(frame(reported), ["coal_consumption"])
    assert value(out, "coal_consumption", 2020) == 2500.0
    assert out["origin"].iloc[0] == "reported"
    both = compute(frame([*COAL, *reported]), ["coal_consumption"])
    assert value(both, "coal_consumption", 2020) == 2300.0  # computed wins
    diff = reported_vs_computed(frame([*COAL, *reported]))
    row = diff[diff.indicator == "coal_consumption"]
    assert row[["reported", "computed"]].iloc[0].tolist() == [2500.0, 2300.0]


def test_reported_intensity_is_checked_against_components():
    rows = [*JINAN, (CITY, 2023, "energy_intensity", 0.40)]
    diff = reported_vs_computed(frame(rows))
    row = diff[diff.indicator == "energy_intensity"]
    assert row["computed"].iloc[0] == pytest.approx(0.3397313322)


def test_two_high_reported_and_city_from_districts():
    rows = [
        ("历下区", 2021, "two_high_energy_consumption", 100.0),
        ("市中区", 2021, "two_high_energy_consumption", 250.0),
        ("历下区", 2021, "two_high_coal_consumption", 40.0),
        ("市中区", 2021, "two_high_coal_consumption", 60.0),
    ]
    # only a few districts: the 'reporting_districts' option fills the city from them
    out = compute(
        frame(rows),
        ["two_high_energy_consumption", "two_high_coal_consumption"],
        city_from_districts="reporting_districts",
    )
    assert value(out, "two_high_energy_consumption", 2021) == 350.0
    assert value(out, "two_high_coal_consumption", 2021) == 100.0
    assert value(out, "two_high_energy_consumption", 2021, "历下区") == 100.0


# --- properties ---------------------------------------------------------------------------------

pos = st.floats(min_value=1.0, max_value=1e5, allow_nan=False, allow_infinity=False)
frac = st.floats(min_value=0.0, max_value=0.9)


@PURE
@given(e=pos, gdp=pos, k=st.floats(min_value=1e-3, max_value=1e3))
def test_intensity_scale_invariance(e, gdp, k):
    assert energy_intensity(e * k, gdp * k) == pytest.approx(energy_intensity(e, gdp), rel=1e-9)


@PURE
@given(e_tce=pos, gdp_wan=pos)
def test_intensity_unit_invariance(e_tce, gdp_wan):
    # the same quantities in tce and 万元 converted to canonical units give the same intensity
    e = convert(e_tce * 1e4, "tce", "万吨标准煤")
    g = convert(gdp_wan * 1e4, "万元", "亿元")
    direct = (e_tce * 1e4) / (gdp_wan * 1e4)  # tce per 万元
    assert energy_intensity(e, g) == pytest.approx(direct, rel=1e-9)


@PURE
@given(e=pos, share=frac, gdp=pos)
def test_feedstock_deduction_never_increases_intensity(e, share, gdp):
    gross = energy_intensity(e, gdp)
    excl = energy_intensity(energy_excl_feedstock(e, e * share), gdp)
    assert excl <= gross + 1e-12


@PURE
@given(e=pos, extra=pos, gdp=pos)
def test_intensity_monotone_in_energy(e, extra, gdp):
    assert energy_intensity(e + extra, gdp) > energy_intensity(e, gdp)


@SETTINGS
@given(
    e1=pos, e2=pos, f1=frac, f2=frac, g1=pos, g2=pos,
    growth1=st.floats(min_value=-5.0, max_value=15.0),
    growth2=st.floats(min_value=-5.0, max_value=15.0),
    de1=st.floats(min_value=0.8, max_value=1.3), de2=st.floats(min_value=0.8, max_value=1.3),
)  # fmt: skip
def test_city_from_districts_equals_city_from_summed_inputs(
    e1, e2, f1, f2, g1, g2, growth1, growth2, de1, de2
):
    a, b = "历下区", "市中区"
    districts = [
        (a, 2020, "gdp", g1),
        (b, 2020, "gdp", g2),
        (a, 2021, "gdp_real_growth", growth1),
        (b, 2021, "gdp_real_growth", growth2),
        (a, 2020, "energy_consumption", e1),
        (b, 2020, "energy_consumption", e2),
        (a, 2021, "energy_consumption", e1 * de1),
        (b, 2021, "energy_consumption", e2 * de2),
        (a, 2020, "energy_feedstock", e1 * f1),
        (b, 2020, "energy_feedstock", e2 * f2),
        (a, 2021, "energy_feedstock", e1 * de1 * f1),
        (b, 2021, "energy_feedstock", e2 * de2 * f2),
    ]
    ids = ["energy_intensity", "energy_intensity_change"]
    # only a few districts: the 'reporting_districts' option fills the city from them
    from_districts = compute(frame(districts), ids, city_from_districts="reporting_districts")
    # the city from summed inputs: GDP at 2020 prices sums, so the city's real growth is the
    # growth of the summed constant-price GDP (an input derivation, not the expected value)
    city_growth = (g1 * (1 + growth1 / 100) + g2 * (1 + growth2 / 100)) / (g1 + g2) * 100 - 100
    summed = [
        (CITY, 2020, "gdp", g1 + g2),
        (CITY, 2021, "gdp_real_growth", city_growth),
        (CITY, 2020, "energy_consumption", e1 + e2),
        (CITY, 2021, "energy_consumption", e1 * de1 + e2 * de2),
        (CITY, 2020, "energy_feedstock", e1 * f1 + e2 * f2),
        (CITY, 2021, "energy_feedstock", e1 * de1 * f1 + e2 * de2 * f2),
    ]
    from_city = compute(frame(summed), ids)
    for id in ids:
        assert value(from_districts, id, 2021) == pytest.approx(
            value(from_city, id, 2021), rel=1e-9, abs=1e-9
        )


@SETTINGS
@given(k=st.floats(min_value=1e-2, max_value=1e2))
def test_compute_scale_invariance(k):
    scaled = [(r, y, v, x * k if v != "gdp_real_growth" else x) for r, y, v, x in JINAN]
    out = compute(frame(scaled), ["energy_intensity", "energy_intensity_change"])
    assert value(out, "energy_intensity_change", 2023) == pytest.approx(-9.33724041)
    assert value(out, "energy_intensity", 2023) == pytest.approx(0.3397313322)


@SETTINGS
@given(e=pos, share=frac)
def test_compute_feedstock_never_increases_intensity(e, share):
    assume(e * share >= 0)
    rows = [(CITY, 2020, "gdp", 10140.91), (CITY, 2020, "energy_consumption", e),
            (CITY, 2020, "energy_feedstock", e * share)]  # fmt: skip
    out = compute(frame(rows), ["energy_intensity_gross", "energy_intensity_excl_feedstock"])
    assert (
        value(out, "energy_intensity_excl_feedstock", 2020)
        <= value(out, "energy_intensity_gross", 2020) + 1e-12
    )


def test_compute_unit_invariance_non_canonical_units():
    # the same statistics in tce and 万元: read_statistics converts them once
    rows = pd.DataFrame(
        {
            "region": [CITY, CITY],
            "year": [2020, 2020],
            "variable": ["energy_consumption", "gdp"],
            "value": [4.0e7, 1.014091e8],
            "unit": ["tce", "万元"],
        }
    )
    out = compute(rows, ["energy_intensity_gross"])
    assert value(out, "energy_intensity_gross", 2020) == pytest.approx(0.3944419189)


# --- lookups made once, and several series at once: the same as one at a time -------------


def test_unreported_as_zero_rows_is_unreported_as_zero_of_each():
    from greenplan.engine import inputs_from
    from greenplan.indicators.energy import _unreported_as_zero, _unreported_as_zero_rows

    # synthetic: 历下区 reports the feedstock of coal in 2020 only, 市中区 never; the city
    # reports both series in both years
    x = inputs_from(
        frame(
            [
                (CITY, 2020, "feedstock_raw_coal", 1.0),
                (CITY, 2021, "feedstock_raw_coal", 2.0),
                (CITY, 2020, "feedstock_coke", 3.0),
                (CITY, 2021, "feedstock_coke", 4.0),
                ("历下区", 2020, "feedstock_raw_coal", 5.0),
                ("历下区", 2021, "feedstock_coke", 6.0),
                ("市中区", 2020, "gdp", 7.0),
            ]
        ),
        city_from_districts="never",
    ).arrays
    columns = [x["feedstock_raw_coal"], x["feedstock_coke"]]
    got = _unreported_as_zero_rows(x, np.array(columns))
    for column, out in zip(columns, got, strict=True):
        np.testing.assert_array_equal(out, _unreported_as_zero(x, column, None))
    # by hand: rows (历下区 2020, 2021), (市中区 2020), (济南市 2020, 2021)
    assert x.regions.tolist() == ["历下区", "历下区", "市中区", CITY, CITY]
    np.testing.assert_array_equal(got[0], [5.0, np.nan, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(got[1], [np.nan, 6.0, 0.0, 3.0, 4.0])


def test_coal_coefficients_made_once_are_the_factors():
    from greenplan import factors
    from greenplan.indicators.energy import _coal_per_unit, fuel_variables
    from greenplan.variables import VARIABLES

    fuels = fuel_variables()
    fuels["changed"] = "x"  # a copy: the table made once is not changed
    assert "changed" not in fuel_variables()
    for var, fuel in fuel_variables().items():
        for gas in (None, 1.2143):
            coef = factors.standard_coal_coefficient(fuel, natural_gas_coefficient=gas)
            assert _coal_per_unit(var, gas) == coef.per(VARIABLES[var].unit, "万吨标准煤")
    with pytest.raises(factors.FactorError):
        _coal_per_unit("fuel_natural_gas", 2.0)  # outside 1.1000–1.3300: raised every time
    with pytest.raises(factors.FactorError):
        _coal_per_unit("fuel_natural_gas", 2.0)


def test_electricity_lookup_made_once_is_the_factors():
    from greenplan import factors
    from greenplan.indicators.energy import _electricity_lookup

    years = (1990, 2005, 2019, 2020, 2021, 2035)
    for how, rate in (
        ("equivalent", None),
        ("coal_consumption", None),
        ("coal_consumption", 300.0),
    ):
        got = _electricity_lookup(years, how, rate)
        expected = [factors.electricity_coefficient(y, how, coal_rate=rate)[0] for y in years]
        assert got.tolist() == expected
        assert not got.flags.writeable  # shared between calls: nobody may change it
    with pytest.raises(factors.FactorError):
        _electricity_lookup(years, "no_such_method", None)


def test_a_coal_rate_given_as_int_or_float_is_noted_as_given(make_stats):
    # the lookups made once keep 300 and 300.0 apart: each compute notes the rate as given
    rows = [
        (CITY, y, v, q)
        for y in (2020, 2021)
        for v, q in (("fuel_raw_coal", 100.0), ("electricity_net_import", 10.0 + y - 2020))
    ]
    notes = []
    for rate in (300.0, 300, 300.0):
        out = compute(
            make_stats(rows),
            "energy_consumption_gross",
            electricity_method="coal_consumption",
            electricity_coal_rate=rate,
        )
        notes.append(method(out, "energy_consumption_gross"))
    assert "fixed coal rate 300.0 gce/kWh" in notes[0] and notes[0] == notes[2]
    assert "fixed coal rate 300 gce/kWh" in notes[1]

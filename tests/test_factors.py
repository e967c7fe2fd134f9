"""Coefficient tables (greenplan.factors): values against the standards, provenance, lookups.

Reference values are the tabulated coefficients of GB/T 2589-2020 Annex A (shared/reference/
standards_cn.md A.1), the CO₂ factors per physical unit that standards_cn.md A.3(a) derives
from the NDRC sector-guideline defaults, the IPCC 2006 Table 1.4 emission factors
(inventory_and_gdi.md §2.5) and the MEE/NBS grid factors (standards_cn.md A.3(b)).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from greenplan import factors
from greenplan.factors import FactorError

TAGS = {"C", "D", "M", "?"}


# --- standard coal (GB/T 2589-2020) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fuel", "value", "unit"),
    [
        ("raw_coal", 0.7143, "kgce/kg"),
        ("cleaned_coal", 0.9000, "kgce/kg"),
        ("coke", 0.9714, "kgce/kg"),
        ("crude_oil", 1.4286, "kgce/kg"),
        ("fuel_oil", 1.4286, "kgce/kg"),
        ("gasoline", 1.4714, "kgce/kg"),
        ("kerosene", 1.4714, "kgce/kg"),
        ("diesel", 1.4571, "kgce/kg"),
        ("lpg", 1.7143, "kgce/kg"),
        ("refinery_gas", 1.5714, "kgce/kg"),
        ("natural_gas", 1.2143, "kgce/m3"),
        ("lng", 1.7572, "kgce/kg"),
        ("blast_furnace_gas", 0.1286, "kgce/m3"),
        ("electricity", 0.1229, "kgce/kWh"),
        ("heat", 0.03412, "kgce/MJ"),
    ],
)
def test_standard_coal_coefficients_gbt2589(fuel, value, unit):
    coef = factors.standard_coal()[fuel]
    assert coef.value == value
    assert coef.unit == unit
    assert "2589" in coef.source or coef.confidence == "D"


def test_natural_gas_is_a_range_with_default_inside():
    gas = factors.standard_coal()["natural_gas"]
    assert (gas.low, gas.high) == (1.1, 1.33)
    assert gas.low <= gas.value <= gas.high
    assert gas.confidence == "?"


def test_coefficient_per_canonical_units():
    # 1 万吨 raw coal × 0.7143 kgce/kg = 0.7143 万吨标准煤
    assert factors.standard_coal()["raw_coal"].per("万吨", "万吨标准煤") == pytest.approx(0.7143)
    # 1 亿m³ gas × 1.2143 kgce/m³ = 1.2143e8 kg = 1.2143e5 t = 12.143 万吨标准煤
    gas = factors.standard_coal()["natural_gas"].per("亿立方米", "万吨标准煤")
    assert gas == pytest.approx(12.143)
    # 1 GJ heat × 0.03412 kgce/MJ = 34.12 kgce = 0.03412 tce
    assert factors.standard_coal()["heat"].per("GJ", "tce") == pytest.approx(0.03412)


def test_natural_gas_override_and_its_range():
    coef = factors.standard_coal_coefficient("天然气", natural_gas_coefficient=1.33)
    assert coef.value == 1.33
    assert "option" in coef.basis
    assert factors.standard_coal_coefficient("natural_gas").value == 1.2143
    with pytest.raises(FactorError, match=r"outside"):
        factors.standard_coal_coefficient("natural_gas", natural_gas_coefficient=1.5)
    # the override only touches natural gas
    assert factors.standard_coal_coefficient("diesel", natural_gas_coefficient=1.33).value == 1.4571


def test_derived_coal_types_equal_ncv_over_29_3076():
    # anthracite: 24.515 GJ/t ÷ 29.3076 GJ/tce = 0.83647 → tabulated 0.8365 (4 decimals)
    assert factors.standard_coal()["anthracite"].value == 0.8365
    assert factors.standard_coal()["anthracite"].confidence == "D"


# --- emission factors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fuel", "unit", "co2"),
    [
        # standards_cn.md A.3(a), column "tCO₂ per physical unit [D]"
        ("anthracite", "t", 2.323),
        ("bituminous", "t", 2.072),
        ("lignite", "t", 1.424),
        ("cleaned_coal", "t", 2.282),
        ("coke", "t", 2.852),
        ("crude_oil", "t", 3.078),
        ("fuel_oil", "t", 3.047),
        ("gasoline", "t", 3.043),
        ("diesel", "t", 3.145),
        ("kerosene", "t", 3.152),
        ("lpg", "t", 2.954),
        ("refinery_gas", "t", 3.042),
        ("natural_gas", "万m3", 21.62),
        ("coke_oven_gas", "万m3", 8.58),
    ],
)
def test_china_guideline_co2_per_unit(fuel, unit, co2):
    ef = factors.emission_factor(fuel, "china_guideline")
    # the reference rounds per-tonne values to 3 decimals and per-10⁴ m³ values to 2
    assert ef.co2_per(unit, "t") == pytest.approx(co2, abs=0.006 if unit == "万m3" else 0.0006)


def test_natural_gas_hand_calculation():
    # 389.31 GJ/10⁴m³ × 15.30 tC/TJ /1000 × 0.99 × 44/12
    #   = 389.31 × 0.0153 × 0.99 × 3.666667 = 21.621888 t CO₂ per 10⁴ m³
    ef = factors.emission_factor("natural_gas")
    assert ef.co2_per("万m3") == pytest.approx(21.621888, rel=1e-7)
    # per m³: 0.0021621888 t; per 亿m³ in 万吨: 21.621888 × 10⁴ / 10⁴ = 21.621888
    assert ef.co2_per("m3") == pytest.approx(0.0021621888, rel=1e-7)
    assert ef.co2_per("亿立方米", "万吨") == pytest.approx(21.621888, rel=1e-7)
    # per energy: 15.30 × 0.99 × 44/12 = 55.539 t CO₂/TJ
    assert ef.co2_per_tj == pytest.approx(55.539, rel=1e-9)


def test_raw_coal_proxy_is_flagged():
    ef = factors.emission_factor("原煤")
    assert ef.confidence == "?"
    # 20.908 GJ/t × 0.02618 tC/GJ × 0.93 × 44/12 = 1.8665366 t CO₂/t
    assert ef.co2_per("t") == pytest.approx(1.8665366, rel=1e-7)


@pytest.mark.parametrize(
    ("fuel", "table_ef"),
    [
        # IPCC 2006 Vol.2 Table 1.4 default CO₂ factors (kg/TJ), rounded in the table
        ("diesel", 74_100),
        ("gasoline", 69_300),
        ("natural_gas", 56_100),
        ("lpg", 63_100),
        ("fuel_oil", 77_400),
        ("coke", 107_000),
        ("bituminous", 94_600),
    ],
)
def test_ipcc2006_matches_table_1_4(fuel, table_ef):
    ef = factors.emission_factor(fuel, "ipcc2006")
    assert ef.oxidation == 1.0
    # CC × 44/12 (exact) against the rounded table value: within 0.1 %
    assert ef.co2_per_tj * 1000 == pytest.approx(table_ef, rel=1e-3)


def test_sets_differ_and_unknown_set_raises():
    china = factors.emission_factor("diesel", "china_guideline").co2_per("t")
    ipcc = factors.emission_factor("diesel", "ipcc2006").co2_per("t")
    # IPCC uses the Table 1.4 EF: 43.0 GJ/t × 74 100 kg/TJ × 1 = 3.1863 t/t; China: 3.1451
    assert ipcc == pytest.approx(3.1863, rel=1e-9)
    assert china == pytest.approx(3.1451, abs=1e-4)
    with pytest.raises(FactorError, match="ipcc2006"):
        factors.emission_factors("ipcc1996")


def test_every_fuel_has_factors_in_both_sets():
    for code, fuel in factors.fuels().items():
        assert code in factors.standard_coal(), code
        if fuel.family in ("electricity", "heat"):
            continue
        for set_ in factors.FACTOR_SETS:
            assert code in factors.emission_factors(set_), (set_, code)


# --- grid factors ------------------------------------------------------------------------------


def test_mee_nbs_national_not_swapped():
    # the correct pairing is 2021 = 0.5568, 2022 = 0.5366 (some copies swap them)
    assert factors.grid_factor(2021, "national").value == 0.5568
    assert factors.grid_factor(2022, "national").value == 0.5366
    assert factors.grid_factor(2022, "national").confidence == "C"


def test_regional_and_provincial_factors():
    assert factors.grid_factor(2022, "north_china").value == 0.6776
    assert factors.grid_factor(2021, "north_china").value == 0.7120
    assert factors.grid_factor(2022, "shandong").value == 0.6410
    assert factors.grid_factor(2022, "shandong").confidence == "M"
    assert factors.grid_factor(2023, "shandong").value == 0.6191
    assert factors.grid_factor(2022, "national", "mee_enterprise").value == 0.5703


def test_nearest_vintage_and_exact():
    g = factors.grid_factor(2020, "north_china")
    assert (g.year, g.value) == (2021, 0.7120)  # 2020 is not published: nearest is 2021
    assert factors.grid_factor(2030, "national").year == 2023
    with pytest.raises(FactorError, match="2020"):
        factors.grid_factor(2020, "north_china", exact=True)
    with pytest.raises(FactorError, match="regions"):
        factors.grid_factor(2021, "mars")
    with pytest.raises(FactorError, match="series"):
        factors.grid_factor(2021, "national", "eu_ets")


def test_grid_factor_units():
    # 0.6776 kg/kWh × 1 亿kWh = 6.776e7 kg = 6.776 万吨
    assert factors.grid_factor(2022, "north_china").per("亿千瓦时", "万吨") == pytest.approx(6.776)


def test_grid_factors_for_years_frozen_and_by_year():
    by_year = factors.grid_factors_for_years([2020, 2022], "north_china")
    assert {y: g.year for y, g in by_year.items()} == {2020: 2021, 2022: 2022}
    frozen = factors.grid_factors_for_years([2020, 2022], "north_china", vintage=2022)
    assert {g.value for g in frozen.values()} == {0.6776}


# --- electricity, heat, process, constants ------------------------------------------------------


def test_electricity_coefficients():
    value, note = factors.electricity_coefficient(2020, "equivalent")
    assert value == pytest.approx(0.1229)
    assert "0.1229" in note
    # coal-consumption method: 305.5 gce/kWh in 2020 = 0.3055 kgce/kWh
    value, note = factors.electricity_coefficient(2020, "coal_consumption")
    assert value == pytest.approx(0.3055)
    assert "[M]" in note
    value, note = factors.electricity_coefficient(2024, "coal_consumption")
    assert value == pytest.approx(0.3007)  # nearest year 2022: 300.7
    assert "nearest" in note
    value, _ = factors.electricity_coefficient(2024, "coal_consumption", coal_rate=290.0)
    assert value == pytest.approx(0.290)
    with pytest.raises(FactorError):
        factors.electricity_coefficient(2020, "magic")


def test_coal_rate_table():
    assert factors.electricity_coal_rate(2020).value == 305.5
    assert factors.electricity_coal_rate(2020).kgce_per_kwh == pytest.approx(0.3055)
    with pytest.raises(FactorError):
        factors.electricity_coal_rate(1990, exact=True)


def test_heat_and_carbon_ratio():
    assert factors.heat_emission_factor().value == 0.11
    assert factors.co2_per_carbon() == pytest.approx(44 / 12)


def test_process_factors():
    assert factors.process_factor("clinker").value == 0.538
    assert factors.process_factor("lime").value == 0.683
    assert factors.process_factor("clinker", "ipcc2006").value == 0.52
    # IPCC 2006 Vol.3 Eq. 2.8: 0.85 × 0.75 + 0.15 × 0.77 = 0.753
    assert factors.process_factor("lime", "ipcc2006").value == 0.753
    with pytest.raises(FactorError, match="processes"):
        factors.process_factor("steel")


# --- fuels, lookups, tables, provenance ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("原煤", "raw_coal"),
        ("raw coal", "raw_coal"),
        ("Natural gas", "natural_gas"),
        ("fuel_diesel", "diesel"),
        ("LNG", "lng"),
        ("电力", "electricity"),
        ("  热力 ", "heat"),
    ],
)
def test_resolve_fuel(name, code):
    assert factors.resolve_fuel(name) == code


def test_unknown_fuel():
    assert factors.resolve_fuel("plutonium") is None
    assert factors.resolve_fuel(3) is None
    with pytest.raises(FactorError, match="Did you mean"):
        factors.emission_factor("原媒")


def test_tables_are_read_only_and_suggest():
    table = factors.standard_coal()
    with pytest.raises(TypeError):
        table["raw_coal"] = None  # type: ignore[index]
    with pytest.raises(FactorError, match="raw_coal"):
        table["raw_coa"]


@pytest.mark.parametrize(
    "name",
    [
        "fuels",
        "standard_coal",
        "emission_factors",
        "grid_factors",
        "electricity_coal_rate",
        "carbon_constants",
        "process_factors",
    ],
)
def test_table_frames_have_provenance(name):
    frame = factors.table(name)
    assert isinstance(frame, pd.DataFrame) and len(frame)
    if name != "fuels":
        for col in ("source", "edition", "confidence"):
            assert col in frame.columns
            assert (frame[col].astype(str).str.len() > 0).all(), (name, col)
        assert set(frame["confidence"]) <= TAGS


def test_unknown_table():
    with pytest.raises(FactorError, match="tables"):
        factors.table("nope")


def test_option_validators():
    assert factors.is_natural_gas_coefficient(1.33)
    assert not factors.is_natural_gas_coefficient(1.4)
    assert not factors.is_natural_gas_coefficient(True)
    assert not factors.is_natural_gas_coefficient(math.nan)
    assert factors.is_grid_year("by_year") and factors.is_grid_year(2022)
    assert not factors.is_grid_year("2022")
    assert factors.is_grid_region("shandong") and not factors.is_grid_region("mars")
    assert factors.is_coal_rate(None) and factors.is_coal_rate(305.5)
    assert not factors.is_coal_rate(5000)


def test_models_serialise():
    ef = factors.emission_factor("diesel")
    assert type(ef).model_validate_json(ef.model_dump_json()) == ef
    assert ef.confidence_label == "recalled"

"""Enterprise fuel-record accounting: aggregate_fuel_records and fuel_totals_to_statistics.

Records are SYNTHETIC. Expected values are hand calculations with GB/T 2589-2020 coefficients
(standards_cn.md A.1), the sector-guideline emission factors (A.3(a)), the MEE/NBS 华北 grid
factors (A.3(b)) and the purchased-heat factor 0.11 t CO₂/GJ; arithmetic in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan
from greenplan.engine import compute
from greenplan.errors import GreenplanError, OptionError
from greenplan.records import reduce as reduction
from greenplan.records.fuel import (
    FuelRecordError,
    aggregate_fuel_records,
    fuel_totals_to_statistics,
)

PURE = settings(max_examples=40, deadline=None)


def records(**overrides: object) -> pd.DataFrame:
    base = pd.DataFrame(
        {
            "entity": ["A", "A", "B", "B", "C", "C"],
            "region": ["历下区", "历下区", "历下区", "历下区", "市中区", "市中区"],
            "year": [2022, 2022, 2022, 2022, 2022, 2021],
            "month": [1, 2, 1, 1, 3, 3],
            "fuel": ["原煤", "天然气", "electricity", "natural_gas", "heat", "diesel"],
            "quantity": [1000.0, 10.0, 1.0e6, 50.0, 100.0, 2.0],
            "unit": ["t", "万m3", "kWh", "万Nm3", "GJ", "t"],
            "use": ["fuel", "fuel", "fuel", "feedstock", None, "fuel"],
        }
    )
    for k, v in overrides.items():
        base[k] = v
    return base


def row(out: pd.DataFrame, **keys: object) -> pd.Series:
    mask = np.ones(len(out), dtype=bool)
    for k, v in keys.items():
        mask &= (out[k] == v).to_numpy()
    assert mask.sum() == 1, keys
    return out[mask].iloc[0]


# --- hand calculations ----------------------------------------------------------------------


def test_region_year_totals():
    out = aggregate_fuel_records(records())
    assert list(out.columns[:2]) == ["region", "year"]
    lixia = row(out, region="历下区", year=2022)
    # energy: raw coal 1000 t × 0.7143 = 714.3; gas 10 万m³ = 1e5 m³ × 1.2143e-3 = 121.43;
    #   electricity 1e6 kWh × 0.1229e-3 = 122.9 (equivalent value); feedstock gas 50 万m³ = 607.15
    #   → 714.3 + 121.43 + 122.9 + 607.15 = 1565.78 tce
    assert lixia["energy"] == pytest.approx(1565.78)
    assert lixia["energy_feedstock"] == pytest.approx(607.15)
    # CO₂: coal 1000 × 1.8665366104 = 1866.5366104; gas 10 × 21.62188809 = 216.2188809;
    #   electricity 1e6 kWh × 0.6776 kg (华北 2022) = 677.6 t; feedstock gas: none
    assert lixia["co2_direct"] == pytest.approx(2082.7554913)
    assert lixia["co2_electricity"] == pytest.approx(677.6)
    assert lixia["co2"] == pytest.approx(2760.3554913)
    assert lixia["coal"] == pytest.approx(1000.0)
    assert lixia["records"] == 4
    shizhong = row(out, region="市中区", year=2022)
    # heat 100 GJ × 0.03412 tce/GJ = 3.412 tce; × 0.11 t/GJ = 11 t CO₂ (use missing → fuel)
    assert shizhong["energy"] == pytest.approx(3.412)
    assert shizhong["co2_heat"] == pytest.approx(11.0)
    diesel = row(out, region="市中区", year=2021)
    # 2 t × 1.4571 = 2.9142 tce; 2 × 3.14512249 = 6.29024499 t CO₂
    assert diesel["energy"] == pytest.approx(2.9142)
    assert diesel["co2"] == pytest.approx(6.29024499)


def test_public_import_and_attrs():
    out = greenplan.aggregate_fuel_records(records())
    meta = out.attrs["greenplan"]
    assert meta["options"]["electricity_method"] == "equivalent"
    assert meta["units"]["energy"] == "tce" and meta["units"]["co2"] == "t"
    assert any("north_china 2022 = 0.6776" in n for n in meta["notes"])


def test_group_by_entity_and_other_columns():
    by_entity = aggregate_fuel_records(records(), by="entity")
    assert by_entity["entity"].tolist() == ["A", "B", "C"]
    assert row(by_entity, entity="A")["energy"] == pytest.approx(835.73)  # 714.3 + 121.43
    by_month = aggregate_fuel_records(records(), by=("region", "year", "month"))
    # groups: 历下区 2022 m1 (A coal, B electricity, B gas), 历下区 2022 m2,
    # 市中区 2022 m3, 市中区 2021 m3
    assert len(by_month) == 4
    assert row(by_month, region="历下区", year=2022, month=1)["records"] == 3
    total = aggregate_fuel_records(records(), by=())
    assert len(total) == 1 and total["records"].iloc[0] == 6
    # totals agree whatever the grouping
    assert total["energy"].iloc[0] == pytest.approx(by_entity["energy"].sum())


def test_options():
    recs = records()
    coal = aggregate_fuel_records(recs, electricity_method="coal_consumption")
    # 1e6 kWh × 300.7 gce/kWh (2022) = 300.7 tce instead of 122.9: +177.8
    assert row(coal, region="历下区", year=2022)["energy"] == pytest.approx(1565.78 + 177.8)
    gas = aggregate_fuel_records(recs, natural_gas_coefficient=1.33)
    # gas 60 万m³ × 1.33 kgce/m³ = 798 tce instead of 728.58
    assert row(gas, region="历下区", year=2022)["energy"] == pytest.approx(1565.78 + 69.42)
    national = aggregate_fuel_records(recs, grid_factor_region="national")
    assert row(national, region="历下区", year=2022)["co2_electricity"] == pytest.approx(536.6)
    ipcc = aggregate_fuel_records(recs, emission_factor_set="ipcc2006")
    # diesel IPCC (Table 1.4 EF): 2 t × 43.0 GJ/t × 74 100 kg/TJ = 2 × 3.1863 = 6.3726
    assert row(ipcc, region="市中区", year=2021)["co2"] == pytest.approx(6.3726)
    heat = aggregate_fuel_records(recs, heat_emission_factor=0.1)
    assert row(heat, region="市中区", year=2022)["co2_heat"] == pytest.approx(10.0)
    with pytest.raises(OptionError, match="Did you mean"):
        aggregate_fuel_records(recs, electricty_method="equivalent")
    with pytest.raises(OptionError):
        aggregate_fuel_records(recs, emission_factor_set="ipcc1996")


def test_coal_column_and_coke_option():
    recs = pd.DataFrame(
        {
            "region": ["历下区"] * 3,
            "year": [2022] * 3,
            "fuel": ["原煤", "洗精煤", "焦炭"],
            "quantity": [10.0, 2.0, 1.0],
            "unit": ["万吨", "t", "kg"],
        }
    )
    out = aggregate_fuel_records(recs)
    # 10 万吨 = 100 000 t + 2 t = 100 002 t (coke excluded)
    assert out["coal"].iloc[0] == pytest.approx(100_002.0)
    with_coke = aggregate_fuel_records(recs, coal_includes_coke=True)
    assert with_coke["coal"].iloc[0] == pytest.approx(100_002.001)


def test_grid_factor_follows_record_year():
    recs = pd.DataFrame(
        {
            "region": ["历下区", "历下区"],
            "year": [2021, 2022],
            "fuel": ["电力", "电力"],
            "quantity": [1.0, 1.0],
            "unit": ["万千瓦时", "万千瓦时"],
        }
    )
    out = aggregate_fuel_records(recs)
    # 1e4 kWh × 0.7120 kg = 7.12 t (2021); × 0.6776 = 6.776 t (2022)
    assert out["co2"].tolist() == pytest.approx([7.12, 6.776])
    frozen = aggregate_fuel_records(recs, grid_factor_year=2022)
    assert frozen["co2"].tolist() == pytest.approx([6.776, 6.776])


def test_negative_quantity_is_summed_as_a_correction():
    recs = records(quantity=[1000.0, 10.0, 1.0e6, 50.0, 100.0, -2.0])
    assert row(aggregate_fuel_records(recs), region="市中区", year=2021)["energy"] == pytest.approx(
        -2.9142
    )


def test_empty_records():
    out = aggregate_fuel_records(records().iloc[:0])
    assert out.empty and {"energy", "co2", "records"} <= set(out.columns)


# --- every failure is named, never dropped ---------------------------------------------------


def test_unknown_fuel_names_fuel_and_row():
    recs = records()
    recs.loc[3, "fuel"] = "原媒"
    with pytest.raises(FuelRecordError, match=r"'原媒'.*row 3; 1 row"):
        aggregate_fuel_records(recs)


def test_incompatible_unit_names_fuel_unit_and_row():
    recs = records()
    recs.loc[1, "unit"] = "t"
    with pytest.raises(FuelRecordError, match=r"'天然气'.*unit 't'.*m3.*row 1"):
        aggregate_fuel_records(recs)


def test_unknown_unit():
    recs = records()
    recs.loc[0, "unit"] = "bushel"
    with pytest.raises(FuelRecordError, match=r"bushel.*row 0"):
        aggregate_fuel_records(recs)


@pytest.mark.parametrize("column", ["quantity", "region", "fuel", "unit"])
def test_missing_values_are_errors(column):
    recs = records()
    if column != "quantity":
        recs[column] = recs[column].astype(object)
    recs.loc[4, column] = None  # NaN in the float quantity column
    with pytest.raises(FuelRecordError, match=r"[Mm]issing.*row 4"):
        aggregate_fuel_records(recs)


def test_missing_columns_and_bad_types():
    with pytest.raises(FuelRecordError, match="'unit'"):
        aggregate_fuel_records(records().drop(columns="unit"))
    with pytest.raises(FuelRecordError, match="'sector'"):
        aggregate_fuel_records(records(), by=("sector",))
    with pytest.raises(FuelRecordError, match="numeric"):
        aggregate_fuel_records(records(quantity=["1"] * 6))
    with pytest.raises(FuelRecordError, match="whole years"):
        aggregate_fuel_records(records(year=["2022年"] * 6))
    with pytest.raises(FuelRecordError, match="DataFrame"):
        aggregate_fuel_records([1, 2, 3])  # type: ignore[arg-type]
    assert issubclass(FuelRecordError, GreenplanError)


def test_bad_use_and_electricity_as_feedstock():
    with pytest.raises(FuelRecordError, match=r"'burn'.*row 0"):
        aggregate_fuel_records(records(use=["burn", "fuel", "fuel", "fuel", "fuel", "fuel"]))
    with pytest.raises(FuelRecordError, match=r"electricity.*feedstock.*row 2"):
        aggregate_fuel_records(records(use=["fuel", "fuel", "feedstock", "fuel", "fuel", "fuel"]))
    chinese = aggregate_fuel_records(records(use=["燃料", "燃料", "燃料", "原料", "燃料", "燃料"]))
    assert row(chinese, region="历下区", year=2022)["energy_feedstock"] == pytest.approx(607.15)


# --- vectorised paths agree --------------------------------------------------------------------


def _big(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fuels = np.array(["原煤", "天然气", "电力", "柴油", "热力"])
    units = np.array(["t", "万m3", "kWh", "t", "GJ"])
    f = rng.integers(0, 5, n)
    return pd.DataFrame(
        {
            "entity": rng.integers(0, 400, n),
            "region": rng.choice(["历下区", "市中区", "槐荫区"], n),
            "year": rng.integers(2020, 2024, n),
            "month": rng.integers(1, 13, n),
            "fuel": fuels[f],
            "quantity": rng.gamma(2.0, 10.0, n),
            "unit": units[f],
            "use": np.where((f == 1) & (rng.random(n) < 0.2), "feedstock", "fuel"),
        }
    )


COLS = [
    "energy",
    "energy_feedstock",
    "co2",
    "co2_direct",
    "co2_electricity",
    "co2_heat",
    "coal",
    "records",
]


@pytest.mark.parametrize("by", [("region", "year"), ("entity", "year", "month"), ("month",)])
def test_per_record_path_equals_aggregate_first(monkeypatch, by):
    recs = _big()
    first = aggregate_fuel_records(recs, by=by)
    monkeypatch.setattr(reduction, "_AGGREGATE_FIRST_MAX_CELLS", 0)
    monkeypatch.setattr(reduction, "_DENSE_CELLS_PER_ROW", 0)
    per_record = aggregate_fuel_records(recs, by=by)
    pd.testing.assert_frame_equal(
        first.reset_index(drop=True), per_record.reset_index(drop=True), rtol=1e-12
    )


def test_categorical_and_object_columns_agree():
    recs = _big()
    cat = recs.astype(
        {"region": "category", "fuel": "category", "unit": "category", "use": "category"}
    )
    a = aggregate_fuel_records(recs)
    b = aggregate_fuel_records(cat)
    np.testing.assert_allclose(a[COLS].to_numpy(float), b[COLS].to_numpy(float), rtol=1e-12)
    assert b["region"].tolist() == a["region"].tolist()


def test_by_region_year_equals_sum_by_entity():
    recs = _big()
    by_region = aggregate_fuel_records(recs, by=("region", "year"))
    by_entity = aggregate_fuel_records(recs, by=("region", "year", "entity"))
    summed = by_entity.groupby(["region", "year"], sort=True)[COLS].sum().reset_index()
    np.testing.assert_allclose(
        by_region[COLS].to_numpy(float), summed[COLS].to_numpy(float), rtol=1e-9
    )


@PURE
@given(
    q=st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=1, max_size=8),
    unit=st.sampled_from([("t", 1.0), ("kg", 1000.0), ("万吨", 1e-4), ("吨", 1.0)]),
)
def test_unit_invariance(q, unit):
    name, per_t = unit
    base = pd.DataFrame(
        {"region": "历下区", "year": 2022, "fuel": "diesel", "quantity": q, "unit": "t"}
    )
    other = base.assign(quantity=np.asarray(q) * per_t, unit=name)
    a = aggregate_fuel_records(base)
    b = aggregate_fuel_records(other)
    np.testing.assert_allclose(
        a[COLS].to_numpy(float), b[COLS].to_numpy(float), rtol=1e-9, atol=1e-9
    )


@PURE
@given(seed=st.integers(0, 10_000))
def test_row_order_does_not_matter(seed):
    recs = _big(300, seed=3)
    shuffled = recs.sample(frac=1.0, random_state=seed)
    a = aggregate_fuel_records(recs)
    b = aggregate_fuel_records(shuffled)
    np.testing.assert_allclose(a[COLS].to_numpy(float), b[COLS].to_numpy(float), rtol=1e-9)


@PURE
@given(split=st.integers(1, 299))
def test_additive_over_record_sets(split):
    recs = _big(300, seed=5)
    whole = aggregate_fuel_records(recs, by=())
    parts = (
        aggregate_fuel_records(recs.iloc[:split], by=())[COLS]
        + aggregate_fuel_records(recs.iloc[split:], by=())[COLS].to_numpy()
    )
    np.testing.assert_allclose(whole[COLS].to_numpy(float), parts.to_numpy(float), rtol=1e-9)


# --- to canonical statistics and compute ---------------------------------------------------


def test_fuel_totals_to_statistics_default_mapping():
    long = fuel_totals_to_statistics(aggregate_fuel_records(records()))
    assert list(long.columns) == ["region", "year", "variable", "value", "unit", "source"]
    energy = long[(long.variable == "energy_consumption") & (long.region == "历下区")]
    # 1565.78 tce = 0.156578 万吨标准煤
    assert energy["value"].iloc[0] == pytest.approx(0.156578)
    assert energy["unit"].iloc[0] == "万吨标准煤"
    co2 = long[(long.variable == "co2_energy") & (long.region == "历下区")]
    # 2760.3554913 t = 0.27603554913 万吨
    assert co2["value"].iloc[0] == pytest.approx(0.27603554913)
    assert set(long.variable) == {
        "energy_consumption",
        "energy_feedstock",
        "co2_energy",
        "coal_consumption",
    }


def test_two_high_mapping_and_errors():
    totals = aggregate_fuel_records(records())
    long = fuel_totals_to_statistics(
        totals, {"energy": "two_high_energy_consumption", "coal": "two_high_coal_consumption"}
    )
    assert set(long.variable) == {"two_high_energy_consumption", "two_high_coal_consumption"}
    with pytest.raises(FuelRecordError, match="Unknown variable"):
        fuel_totals_to_statistics(totals, {"energy": "energy_used"})
    with pytest.raises(FuelRecordError, match="cannot become"):
        fuel_totals_to_statistics(totals, {"co2": "energy_consumption"})
    with pytest.raises(FuelRecordError, match="several rows"):
        fuel_totals_to_statistics(aggregate_fuel_records(records(), by=("region", "year", "month")))
    with pytest.raises(FuelRecordError, match="'region'"):
        fuel_totals_to_statistics(aggregate_fuel_records(records(), by="entity"))


def test_records_to_compute_end_to_end():
    # SYNTHETIC: two districts' records for 2020 and 2021 → city energy intensity change
    recs = pd.DataFrame(
        {
            "region": ["历下区", "市中区", "历下区", "市中区"],
            "year": [2020, 2020, 2021, 2021],
            "fuel": ["原煤"] * 4,
            "quantity": [100.0, 100.0, 105.0, 105.0],
            "unit": ["万吨"] * 4,
        }
    )
    long = fuel_totals_to_statistics(aggregate_fuel_records(recs))
    gdp = pd.DataFrame(
        {
            "region": ["济南市", "济南市"],
            "year": [2020, 2021],
            "variable": ["gdp", "gdp_real_growth"],
            "value": [10140.91, 7.2],
            "unit": ["亿元", "%"],
        }
    )
    stats = pd.concat([long, gdp], ignore_index=True)
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(
        stats,
        ["energy_intensity_change", "coal_consumption"],
        city_from_districts="reporting_districts",
    )
    change = out[(out.indicator == "energy_intensity_change") & (out.year == 2021)]
    # city energy 2020: 200 万t × 0.7143 = 142.86; 2021: 210 × 0.7143 = 149.997
    # change: (149.997/142.86)/1.072 − 1 = 1.05/1.072 − 1 = −2.05223881 %
    assert change["value"].iloc[0] == pytest.approx(-2.05223881)
    coal = out[
        (out.indicator == "coal_consumption") & (out.year == 2021) & (out.region == "济南市")
    ]
    assert coal["value"].iloc[0] == pytest.approx(210.0)

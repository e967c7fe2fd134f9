"""Agriculture: fertilizer per cultivated area, and counts from registers of certified entities.

All statistics and registers are SYNTHETIC (Jinan's fertilizer use and cultivated area were
not retrieved). Expected values are hand calculations with the arithmetic in comments.
"""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.indicators import INDICATORS
from greenplan.indicators.agriculture import (
    KG_PER_TONNE,
    count_agri_brands,
    count_agri_demo_zones,
    count_register,
    fertilizer_per_area,
    fertilizer_pure_nutrient,
)
from greenplan.units import convert, factor
from helpers import CITY, long_table, value

UNITS = {
    "fertilizer_use": "吨",
    "fertilizer_nitrogen": "吨",
    "fertilizer_phosphate": "吨",
    "fertilizer_potash": "吨",
    "fertilizer_compound": "吨",
    "cultivated_land_area": "公顷",
    "crop_sown_area": "公顷",
    "fertilizer_per_cultivated_area": "千克/公顷",
    "agri_brands_provincial_plus": "个",
}
frame = partial(long_table, units=UNITS)
SETTINGS = settings(max_examples=12, deadline=None)  # compute() costs ~0.3 s a call
PURE = settings(max_examples=60, deadline=None)


def counts(long: pd.DataFrame, region: str = CITY) -> dict[int, float]:
    sel = long[long.region == region]
    return dict(zip(sel["year"].tolist(), sel["value"].tolist(), strict=True))


# Synthetic: 2020 components N 40000, P 10000, K 8000, compound 22000 t (= 80000 t);
# 2025 total 75000 t; cultivated land 350000 ha both years; sown area 500000 ha in 2020.
FERT = [
    (CITY, 2020, "fertilizer_nitrogen", 40000.0),
    (CITY, 2020, "fertilizer_phosphate", 10000.0),
    (CITY, 2020, "fertilizer_potash", 8000.0),
    (CITY, 2020, "fertilizer_compound", 22000.0),
    (CITY, 2020, "cultivated_land_area", 350000.0),
    (CITY, 2020, "crop_sown_area", 500000.0),
    (CITY, 2025, "fertilizer_use", 75000.0),
    (CITY, 2025, "cultivated_land_area", 350000.0),
]


# --- fertilizer: formula functions --------------------------------------------------------


def test_unit_identity_matches_registry():
    assert factor("吨/公顷", "千克/公顷") == pytest.approx(KG_PER_TONNE)


def test_pure_nutrient_sum():
    # 40000 + 10000 + 8000 + 22000 = 80000 t
    assert fertilizer_pure_nutrient(40000.0, 10000.0, 8000.0, 22000.0) == pytest.approx(80000.0)
    assert math.isnan(fertilizer_pure_nutrient(40000.0, 10000.0, 8000.0, np.nan))


def test_fertilizer_per_area_scalar_and_per_mu():
    # 80000 t × 1000 kg/t / 350000 ha = 228.571 kg/ha; / 15 = 15.238 kg/亩
    result = fertilizer_per_area(80000.0, 350000.0)
    assert result == pytest.approx(228.571428571, rel=1e-9)
    assert convert(result, "千克/公顷", "千克/亩") == pytest.approx(15.238095238, rel=1e-9)


def test_fertilizer_per_area_array_series_and_zero_area():
    np.testing.assert_allclose(
        fertilizer_per_area(np.array([80000.0, 75000.0]), 350000.0), [228.571428571, 214.285714286]
    )
    idx = pd.Index(["商河县", "平阴县"])
    s = fertilizer_per_area(pd.Series([1.0, 2.0], index=idx), pd.Series([10.0, 0.0], index=idx))
    assert s["商河县"] == pytest.approx(100.0) and math.isnan(s["平阴县"])  # 1 t / 10 ha
    assert math.isnan(fertilizer_per_area(1.0, 0.0))


# --- fertilizer: end to end ----------------------------------------------------------------


def test_fertilizer_end_to_end():
    ids = [
        "fertilizer_use",
        "fertilizer_per_cultivated_area",
        "fertilizer_per_cultivated_area_change",
    ]
    out = compute(frame(FERT), ids)
    assert value(out, "fertilizer_use", 2020) == pytest.approx(80000.0)
    assert value(out, "fertilizer_per_cultivated_area", 2020) == pytest.approx(228.571428571)
    # 75000 × 1000 / 350000 = 214.286 kg/ha
    assert value(out, "fertilizer_per_cultivated_area", 2025) == pytest.approx(214.285714286)
    # (75000 / 80000 − 1) × 100 = −6.25 % (area unchanged): meets "−6 % 左右"
    assert value(out, "fertilizer_per_cultivated_area_change", 2025) == pytest.approx(-6.25)
    method = out.loc[out.indicator == "fertilizer_per_cultivated_area", "method"].iloc[0]
    assert "fertilizer_area_basis=cultivated" in method


def test_fertilizer_sown_area_basis():
    out = compute(frame(FERT), "fertilizer_per_cultivated_area", fertilizer_area_basis="sown")
    # 80000 × 1000 / 500000 = 160 kg/ha sown; 2025 has no sown area → no value
    assert value(out, "fertilizer_per_cultivated_area", 2020) == pytest.approx(160.0)
    assert set(out.year) == {2020}


def test_fertilizer_reported_vs_computed_total():
    rows = [*FERT, (CITY, 2020, "fertilizer_use", 81000.0)]  # components give 80000
    diff = reported_vs_computed(frame(rows))
    diff = diff[diff.indicator == "fertilizer_use"]
    assert diff["reported"].item() == 81000.0 and diff["computed"].item() == pytest.approx(80000.0)


def test_fertilizer_city_from_districts_is_ratio_of_sums():
    # 商河县 2000 t on 10000 ha; 平阴县 1000 t on 20000 ha → city 3000e3 / 30000 = 100 kg/ha
    # (two counties only: the 'reporting_districts' option fills the city from them)
    rows = [
        ("商河县", 2020, "fertilizer_use", 2000.0),
        ("商河县", 2020, "cultivated_land_area", 10000.0),
        ("平阴县", 2020, "fertilizer_use", 1000.0),
        ("平阴县", 2020, "cultivated_land_area", 20000.0),
    ]
    out = compute(
        frame(rows), "fertilizer_per_cultivated_area", city_from_districts="reporting_districts"
    )
    assert value(out, "fertilizer_per_cultivated_area", 2020) == pytest.approx(100.0)
    assert value(out, "fertilizer_per_cultivated_area", 2020, "商河县") == pytest.approx(200.0)


@SETTINGS
@given(
    fert_wan=st.floats(min_value=1e-3, max_value=100, allow_nan=False),
    area_mu=st.floats(min_value=1.0, max_value=1e7, allow_nan=False),
)
def test_fertilizer_unit_invariance(fert_wan, area_mu):
    # Fertilizer in 万吨 and land in 亩, converted to 吨 / 公顷 before the frame; the result in
    # 千克/亩 equals kilograms over mu computed directly.
    rows = [
        (CITY, 2020, "fertilizer_use", convert(fert_wan, "万吨", "吨")),
        (CITY, 2020, "cultivated_land_area", convert(area_mu, "亩", "公顷")),
    ]
    out = compute(frame(rows), "fertilizer_per_cultivated_area")
    per_mu = convert(value(out, "fertilizer_per_cultivated_area", 2020), "千克/公顷", "千克/亩")
    assert per_mu == pytest.approx(convert(fert_wan, "万吨", "千克") / area_mu, rel=1e-9)


@PURE
@given(
    f=st.floats(min_value=0, max_value=1e6),
    a=st.floats(min_value=1, max_value=1e6),
    extra=st.floats(min_value=0, max_value=1e6),
)
def test_fertilizer_monotone(f, a, extra):
    assert fertilizer_per_area(f + extra, a) >= fertilizer_per_area(f, a)
    assert fertilizer_per_area(f, a + extra) <= fertilizer_per_area(f, a)


# --- registers ----------------------------------------------------------------------------

# Synthetic register: A provincial 2019, upgraded national 2022 (one entity); B provincial 2021;
# C national 2023, revoked 2024; D provincial at city level 2022; E municipal (not counted).
REGISTER = pd.DataFrame(
    {
        "entity": ["A", "A", "B", "C", "D", "E"],
        "region": ["章丘区", "章丘", "平阴县", "商河县", "济南市", "历城区"],
        "level": ["省级", "国家级", "provincial", "National", "省级", "市级"],
        "certified_year": [2019, 2022, 2021, 2023, 2022, 2021],
        "revoked_year": [None, None, "", "2024", None, None],
    }
)


def test_brands_stock():
    long = count_agri_brands(REGISTER)
    assert list(long.columns) == ["region", "year", "variable", "value", "unit"]
    assert set(long["variable"]) == {"agri_brands_provincial_plus"} and set(long["unit"]) == {"个"}
    # City: A from 2019; B from 2021; D from 2022; C 2023 only (revoked 2024).
    assert counts(long) == {2019: 1, 2020: 1, 2021: 2, 2022: 3, 2023: 4, 2024: 3}
    assert counts(long, "章丘区") == {y: 1 for y in range(2019, 2025)}  # A once, not twice
    assert counts(long, "商河县") == {2019: 0, 2020: 0, 2021: 0, 2022: 0, 2023: 1, 2024: 0}
    assert counts(long, "历城区") == {y: 0 for y in range(2019, 2025)}  # municipal only
    assert set(long["region"]) == {CITY, "章丘区", "平阴县", "商河县", "历城区"}


def test_demo_zones_created_since_base():
    long = count_agri_demo_zones(REGISTER)
    # A was first certified in 2019: not created in the period, even after its upgrade.
    assert counts(long) == {2020: 0, 2021: 1, 2022: 2, 2023: 3, 2024: 2}
    assert counts(long, "章丘区") == {y: 0 for y in range(2020, 2025)}
    assert set(long["variable"]) == {"agri_modernization_demo_zones"}


def test_register_explicit_years_and_levels():
    long = count_register(REGISTER, "x", levels=["国家级"], years=[2021, 2025, 2023])
    assert counts(long) == {2021: 0, 2023: 2, 2025: 1}  # A (national 2022), C (2023–2024)
    every = count_register(REGISTER.drop(columns="level"), "x", levels=None, years=[2021])
    assert counts(every) == {2021: 3}  # A, B, E (C and D later)


def test_register_without_revoked_column_and_empty():
    long = count_register(REGISTER.drop(columns="revoked_year"), "x", years=[2024])
    assert counts(long) == {2024: 4}  # A, B, C, D
    empty = count_register(REGISTER[REGISTER.level == "市级"], "x")
    assert empty.empty and list(empty.columns) == ["region", "year", "variable", "value", "unit"]
    zero = count_register(REGISTER[REGISTER.level == "市级"], "x", years=[2021])
    assert counts(zero) == {2021: 0}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda r: r.drop(columns="certified_year"), "missing column"),
        (
            lambda r: r.assign(level=["省级", "国家级", "provincial", "national", "省级", "乡级"]),
            "unknown level",
        ),
        (
            lambda r: r.assign(region=["章丘区", "章丘", "平阴县", "商河县", "济南市", "火星区"]),
            "unknown region",
        ),
        (lambda r: r.assign(certified_year=[2019, 2022, 2021, "2023a", 2022, 2021]), "not a year"),
        (
            lambda r: r.assign(certified_year=[2019, 2022, None, 2023, 2022, 2021]),
            "missing or not a year",
        ),
        (lambda r: r.assign(certified_year=[2019, 2022, 2021.5, 2023, 2022, 2021]), "not a year"),
        (
            lambda r: r.assign(revoked_year=[None, None, None, 2020, None, None]),
            "before certified_year",
        ),
        (lambda r: r.assign(entity=["A", "A", " ", "C", "D", "E"]), "entity"),
    ],
)
def test_register_errors(change, match):
    with pytest.raises(ValueError, match=match):
        count_register(change(REGISTER.copy()), "x")


def test_register_unknown_level_argument():
    with pytest.raises(ValueError, match="Unknown certification level"):
        count_register(REGISTER, "x", levels=["gold"])


def test_register_rows_feed_compute():
    brands = count_agri_brands(REGISTER)
    zones = count_agri_demo_zones(REGISTER)
    out = compute(
        pd.concat([brands, zones]), ["agri_brands_provincial_plus", "agri_modernization_demo_zones"]
    )
    assert value(out, "agri_brands_provincial_plus", 2023) == 4.0
    assert value(out, "agri_modernization_demo_zones", 2023) == 3.0
    assert value(out, "agri_modernization_demo_zones", 2020) == 0.0
    assert set(out["origin"]) == {"reported"}
    assert INDICATORS["agri_brands_provincial_plus"].unit == "个"


entity_rows = st.lists(
    st.tuples(
        st.sampled_from(["e1", "e2", "e3", "e4", "e5", "e6"]),
        st.sampled_from(["历下区", "章丘区", "商河县"]),
        st.sampled_from(["省级", "国家级", "市级"]),
        st.integers(min_value=2015, max_value=2025),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(rows=entity_rows)
def test_register_properties(rows):
    reg = pd.DataFrame(rows, columns=["entity", "region", "level", "certified_year"])
    years = range(2015, 2026)
    stock = count_register(reg, "x", years=years)
    created = count_register(reg, "x", since=2020, years=years)
    city_stock, city_created = counts(stock), counts(created)
    values = [city_stock[y] for y in years]
    # Without revocations the stock never falls, and never exceeds the number of entities.
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert values[-1] == reg.loc[reg.level != "市级", "entity"].nunique()
    for y in years:
        assert city_created[y] <= city_stock[y]
        assert city_created[y] == 0 or y > 2020
    # Districts never count more than the city, and each entity is in one district only.
    districts = stock[stock.region != CITY].groupby("year")["value"].sum()
    for y in years:
        assert districts.get(y, 0.0) == city_stock[y]

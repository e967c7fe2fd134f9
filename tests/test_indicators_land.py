"""Construction land per unit of GDP (单位GDP建设用地面积) and its change vs 2020.

GDP chain: Jinan's published 2020 GDP (10140.91亿元) and 2021 real growth (7.2 %) from
shared/data/jinan_public_figures.csv. Construction land areas are SYNTHETIC (150 000 and
152 000 公顷). Expected values are hand calculations (arithmetic in comments).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.indicators import INDICATORS
from greenplan.indicators.land import M2_PER_10K_YUAN, construction_land_per_gdp
from greenplan.units import convert, factor
from helpers import CITY, long_table, value

UNITS = {
    "gdp": "亿元",
    "gdp_real_growth": "%",
    "construction_land_area": "公顷",
    "construction_land_per_gdp": "平方米/万元",
}
frame = partial(long_table, units=UNITS)
SETTINGS = settings(max_examples=12, deadline=None)  # compute() costs ~0.3 s a call

ROWS = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2020, "construction_land_area", 150000.0),
    (CITY, 2021, "construction_land_area", 152000.0),
]


def test_unit_identity_matches_registry():
    # 1 公顷/亿元 = 10⁴ m² / 10⁴ 万元 = 1 平方米/万元
    assert factor("公顷/亿元", "平方米/万元") == pytest.approx(M2_PER_10K_YUAN)


def test_scalar():
    # 150000 公顷 / 10140.91 亿元 = 14.791572 公顷/亿元 = 14.791572 m²/万元
    assert construction_land_per_gdp(150000.0, 10140.91) == pytest.approx(14.791571960, rel=1e-9)


def test_array_and_series():
    out = construction_land_per_gdp(
        np.array([150000.0, 152000.0]), np.array([10140.91, 10871.05552])
    )
    # 152000 / (10140.91 × 1.072 = 10871.05552) = 13.982083
    np.testing.assert_allclose(out, [14.791571960, 13.982082947], rtol=1e-9)
    idx = pd.Index([2020, 2021], name="year")
    s = construction_land_per_gdp(
        pd.Series([100.0, 90.0], index=idx), pd.Series([50.0, 60.0], index=idx)
    )
    pd.testing.assert_series_equal(s, pd.Series([2.0, 1.5], index=idx))  # 100/50; 90/60


def test_zero_or_missing_gdp_is_nan():
    assert math.isnan(construction_land_per_gdp(100.0, 0.0))
    out = construction_land_per_gdp(np.array([1.0, 1.0]), np.array([0.0, np.nan]))
    assert np.isnan(out).all() and not np.isinf(out).any()


def test_end_to_end_level_and_change():
    out = compute(frame(ROWS), ["construction_land_per_gdp", "construction_land_per_gdp_change"])
    assert value(out, "construction_land_per_gdp", 2020) == pytest.approx(14.791571960, rel=1e-9)
    assert value(out, "construction_land_per_gdp", 2021) == pytest.approx(13.982082947, rel=1e-9)
    # (152000 / 150000) / 1.072 − 1 = 1.0133333 / 1.072 − 1 = −5.472637 %
    assert value(out, "construction_land_per_gdp_change", 2021) == pytest.approx(-5.472636816)
    assert value(out, "construction_land_per_gdp_change", 2020) == pytest.approx(0.0)
    assert set(out.unit) == {"平方米/万元", "%"}
    assert INDICATORS["construction_land_per_gdp"].price_basis.value == "constant_2020"


def test_missing_land_gives_no_value_and_reported_fallback():
    rows = [*ROWS[:2], (CITY, 2021, "construction_land_per_gdp", 14.0)]
    out = compute(frame(rows), "construction_land_per_gdp")
    assert value(out, "construction_land_per_gdp", 2021) == 14.0
    assert set(out.year) == {2021}


def test_reported_vs_computed():
    rows = [*ROWS, (CITY, 2021, "construction_land_per_gdp", 14.5)]  # computed 13.98
    diff = reported_vs_computed(frame(rows))
    diff = diff[diff.indicator == "construction_land_per_gdp"]
    assert diff["computed"].item() == pytest.approx(13.982082947, rel=1e-9)


def test_city_from_districts_is_ratio_of_sums():
    # 历下区 land 1000 ha, GDP 2000亿元; 章丘区 land 9000 ha, GDP 1000亿元 (synthetic).
    # City = (1000 + 9000) / (2000 + 1000) = 3.3333 m²/万元, not mean(0.5, 9) = 4.75.
    # Two districts only: the 'reporting_districts' option fills the city from them.
    rows = [
        ("历下区", 2020, "construction_land_area", 1000.0),
        ("历下区", 2020, "gdp", 2000.0),
        ("章丘区", 2020, "construction_land_area", 9000.0),
        ("章丘区", 2020, "gdp", 1000.0),
    ]
    out = compute(
        frame(rows), "construction_land_per_gdp", city_from_districts="reporting_districts"
    )
    assert value(out, "construction_land_per_gdp", 2020) == pytest.approx(10000 / 3000)


positive = st.floats(min_value=1e-2, max_value=1e7, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(land_km2=positive, gdp_wan=positive)
def test_unit_invariance(land_km2, gdp_wan):
    # Land in 平方公里 and GDP in 万元, converted to 公顷 / 亿元 before building the frame.
    rows = [
        (CITY, 2020, "construction_land_area", convert(land_km2, "平方公里", "公顷")),
        (CITY, 2020, "gdp", convert(gdp_wan, "万元", "亿元")),
    ]
    out = compute(frame(rows), "construction_land_per_gdp")
    expected = convert(land_km2, "平方公里", "平方米") / gdp_wan  # m² per 万元, directly
    assert value(out, "construction_land_per_gdp", 2020) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(land=positive, gdp=positive, k=st.floats(min_value=1e-3, max_value=1e3))
def test_scale_invariance_and_monotonicity(land, gdp, k):
    base = construction_land_per_gdp(land, gdp)
    assert construction_land_per_gdp(land * k, gdp * k) == pytest.approx(base, rel=1e-9)
    assert construction_land_per_gdp(land * 2, gdp) == pytest.approx(2 * base, rel=1e-9)

"""Water indicators: water intensity, non-conventional water, reclaimed-water utilisation.

Reference values are hand calculations (arithmetic in comments) on Jinan's published GDP
chain (2020 GDP 10140.91亿元, real growth 7.2 % in 2021 and 3.1 % in 2022, from
shared/data/jinan_public_figures.csv) and on SYNTHETIC water volumes: Jinan's water statistics
were not found (standards_cn.md B.3).
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
from greenplan.errors import OptionError
from greenplan.indicators.water import (
    M3_PER_10K_YUAN,
    nonconventional_water_use,
    percent_change,
    reclaimed_water_utilization_rate,
    sum_components,
    water_use_per_gdp,
)
from greenplan.units import convert, factor
from helpers import CITY, long_table, value

UNITS = {
    "gdp": "亿元",
    "gdp_real_growth": "%",
    "water_use": "亿立方米",
    "water_reclaimed": "亿立方米",
    "water_rainwater": "亿立方米",
    "water_desalinated": "亿立方米",
    "water_mine": "亿立方米",
    "water_brackish": "亿立方米",
    "water_nonconventional": "亿立方米",
    "urban_sewage_treated": "亿立方米",
    "nonconventional_water_use": "亿立方米",
    "water_use_per_gdp": "立方米/万元",
}
frame = partial(long_table, units=UNITS)
# compute() costs ~0.3 s a call: few examples for end-to-end properties, more for pure ones.
SETTINGS = settings(max_examples=12, deadline=None)
PURE = settings(max_examples=60, deadline=None)


# Jinan GDP chain (published) + synthetic water use: 10.0, 10.2, 9.9 亿立方米.
JINAN = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2022, "gdp_real_growth", 3.1),
    (CITY, 2020, "water_use", 10.0),
    (CITY, 2021, "water_use", 10.2),
    (CITY, 2022, "water_use", 9.9),
]


# --- formula functions ------------------------------------------------------------------


def test_unit_identity_matches_registry():
    assert factor("亿立方米/亿元", "立方米/万元") == M3_PER_10K_YUAN


def test_water_use_per_gdp_scalar():
    # 10.0亿m³ / 10140.91亿元 = 1e9 m³ / 1.014091e8 万元 = 9.861048 m³/万元
    assert water_use_per_gdp(10.0, 10140.91) == pytest.approx(9.861047973, rel=1e-9)


def test_water_use_per_gdp_array():
    # 2021: 10.2 / (10140.91 × 1.072 = 10871.05552) × 1e4 = 9.382714
    out = water_use_per_gdp(np.array([10.0, 10.2]), np.array([10140.91, 10871.05552]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [9.861047973, 9.382713556], rtol=1e-9)


def test_water_use_per_gdp_series_keeps_index():
    idx = pd.Index(["历下区", "历城区"], name="region")
    out = water_use_per_gdp(pd.Series([1.0, 2.0], index=idx), pd.Series([1000.0, 500.0], index=idx))
    # 1/1000 × 1e4 = 10; 2/500 × 1e4 = 40
    pd.testing.assert_series_equal(out, pd.Series([10.0, 40.0], index=idx))


def test_water_use_per_gdp_zero_or_missing_gdp_is_nan():
    assert math.isnan(water_use_per_gdp(10.0, 0.0))
    out = water_use_per_gdp(np.array([1.0, 1.0, 1.0]), np.array([0.0, np.nan, 100.0]))
    assert np.isnan(out[:2]).all() and out[2] == pytest.approx(100.0)
    s = water_use_per_gdp(pd.Series([1.0]), pd.Series([0.0]))
    assert s.isna().all() and not np.isinf(s).any()


def test_percent_change():
    # (9.382713556 / 9.861047973 − 1) × 100 = (1.02 / 1.072 − 1) × 100 = −4.850746 %
    assert percent_change(9.382713556410941, 9.861047973012283) == pytest.approx(-4.850746269)
    np.testing.assert_allclose(percent_change(np.array([84.0, 100.0]), 100.0), [-16.0, 0.0])
    s = percent_change(
        pd.Series([5.0, 5.0], index=["a", "b"]), pd.Series([4.0, 0.0], index=["a", "b"])
    )
    assert s["a"] == pytest.approx(25.0) and math.isnan(s["b"])
    assert math.isnan(percent_change(1.0, 0.0))


def test_sum_components_rules():
    assert sum_components([1.0, np.nan, 2.0], missing_as_zero=True) == pytest.approx(3.0)
    assert math.isnan(sum_components([1.0, np.nan, 2.0], missing_as_zero=False))
    assert math.isnan(sum_components([np.nan, np.nan], missing_as_zero=True))
    arr = sum_components(
        [np.array([1.0, np.nan]), np.array([np.nan, np.nan])], missing_as_zero=True
    )
    assert arr[0] == 1.0 and np.isnan(arr[1])
    s = sum_components([pd.Series([1.0, 2.0], index=["x", "y"]), 0.5])
    pd.testing.assert_series_equal(s, pd.Series([1.5, 2.5], index=["x", "y"]))
    with pytest.raises(ValueError, match="at least one"):
        sum_components([])


def test_nonconventional_water_use_sum():
    # Reclaimed 45万m³/d × 365 = 16425万m³ = 1.6425亿m³ (2019 rate, standards_cn A.6 [D]);
    # synthetic rainwater 0.05, mine 0.30, brackish 0: 1.6425 + 0.05 + 0.30 + 0 = 1.9925.
    assert nonconventional_water_use(1.6425, 0.05, np.nan, 0.30, 0.0) == pytest.approx(1.9925)
    assert math.isnan(
        nonconventional_water_use(1.6425, 0.05, np.nan, 0.30, 0.0, missing_as_zero=False)
    )
    out = nonconventional_water_use(
        np.array([1.0, np.nan]), 0.5, np.array([0.0, np.nan]), np.nan, np.nan
    )
    # 1.0 + 0.5 = 1.5; second element: only rainwater 0.5 given → 0.5
    np.testing.assert_allclose(out, [1.5, 0.5])


def test_reclaimed_water_utilization_rate():
    # 1.6425 / 4.0 (synthetic sewage treated) × 100 = 41.0625 %
    assert reclaimed_water_utilization_rate(1.6425, 4.0) == pytest.approx(41.0625)
    assert math.isnan(reclaimed_water_utilization_rate(1.0, 0.0))
    s = reclaimed_water_utilization_rate(pd.Series([1.0, 3.0]), pd.Series([4.0, 4.0]))
    np.testing.assert_allclose(s.to_numpy(), [25.0, 75.0])


# --- end to end through compute --------------------------------------------------------


def test_water_intensity_on_jinan_gdp_chain():
    out = compute(frame(JINAN), ["water_use_per_gdp", "water_use_per_gdp_change"])
    # 2020: 10.0 / 10140.91 × 1e4 = 9.861048
    assert value(out, "water_use_per_gdp", 2020) == pytest.approx(9.861047973, rel=1e-9)
    # 2021: 10.2 / (10140.91 × 1.072) × 1e4 = 10.2e4 / 10871.05552 = 9.382714
    assert value(out, "water_use_per_gdp", 2021) == pytest.approx(9.382713556, rel=1e-9)
    # 2022: 9.9 / (10871.05552 × 1.031 = 11208.05824) × 1e4 = 8.832931
    assert value(out, "water_use_per_gdp", 2022) == pytest.approx(8.832930546, rel=1e-9)
    assert value(out, "water_use_per_gdp_change", 2020) == pytest.approx(0.0)
    # (1.02 / 1.072 − 1) × 100 = −4.850746 %
    assert value(out, "water_use_per_gdp_change", 2021) == pytest.approx(-4.850746269)
    # (0.99 / (1.072 × 1.031) − 1) × 100 = (0.99 / 1.105232 − 1) × 100 = −10.426046 %
    assert value(out, "water_use_per_gdp_change", 2022) == pytest.approx(-10.426046296)
    row = out[out.indicator == "water_use_per_gdp"].iloc[0]
    assert row["unit"] == "立方米/万元" and row["origin"] == "computed"
    assert "GDP at 2020 prices" in row["method"]


def test_water_intensity_base_year_option():
    # Base year 2021 (nominal GDP 11432.22亿元, published): the 2022 change is
    # (9.9 / 10.2) / 1.031 − 1 = 0.9705882 / 1.031 − 1 = 0.9414047 − 1 = −5.859531 %
    rows = [*JINAN, (CITY, 2021, "gdp", 11432.22)]
    out = compute(frame(rows), "water_use_per_gdp_change", base_year=2021)
    assert value(out, "water_use_per_gdp_change", 2022) == pytest.approx(-5.859531, abs=1e-6)


def test_water_intensity_missing_gdp_growth_gives_no_value():
    rows = [r for r in JINAN if not (r[2] == "gdp_real_growth" and r[1] == 2021)]
    out = compute(frame(rows), "water_use_per_gdp")
    assert set(out.year) == {2020}  # the chain breaks in 2021: no comparable-price GDP


def test_reported_water_intensity_used_only_where_not_computable():
    rows = [*JINAN, (CITY, 2023, "water_use_per_gdp", 8.5)]
    out = compute(frame(rows), "water_use_per_gdp")
    assert value(out, "water_use_per_gdp", 2023) == 8.5
    assert out.loc[out.year == 2023, "origin"].item() == "reported"


def test_water_use_reported_and_city_from_districts():
    rows = [("历下区", 2021, "water_use", 0.6), ("章丘区", 2021, "water_use", 1.4)]
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(frame(rows), "water_use", city_from_districts="reporting_districts")
    assert value(out, "water_use", 2021) == pytest.approx(2.0)  # 0.6 + 1.4
    assert value(out, "water_use", 2021, "章丘区") == pytest.approx(1.4)


def test_nonconventional_end_to_end_and_options():
    rows = [
        (CITY, 2021, "water_reclaimed", 1.6425),
        (CITY, 2021, "water_rainwater", 0.05),
        (CITY, 2021, "water_mine", 0.30),
        (CITY, 2022, "water_nonconventional", 2.1),  # only the reported total
    ]
    out = compute(frame(rows), "nonconventional_water_use")
    assert value(out, "nonconventional_water_use", 2021) == pytest.approx(1.9925)
    assert value(out, "nonconventional_water_use", 2022) == pytest.approx(2.1)
    assert "taken as 0" in out["method"].iloc[0]
    strict = compute(
        frame(rows), "nonconventional_water_use", nonconventional_water_missing_sources="nan"
    )
    assert set(strict.year) == {2022}  # 2021 lacks desalinated and brackish
    with pytest.raises(OptionError):
        compute(frame(rows), "nonconventional_water_use", nonconventional_water_missing_sources="x")


def test_nonconventional_reported_vs_computed():
    rows = [
        (CITY, 2021, "water_reclaimed", 1.6425),
        (CITY, 2021, "water_mine", 0.30),
        (CITY, 2021, "nonconventional_water_use", 2.5),  # disagrees: 1.9425
        (CITY, 2022, "water_reclaimed", 2.0),
        (CITY, 2022, "nonconventional_water_use", 2.005),  # within 0.5 % of 2.0
    ]
    diff = reported_vs_computed(frame(rows))
    diff = diff[diff.indicator == "nonconventional_water_use"]
    assert diff["year"].tolist() == [2021]
    assert diff["reported"].item() == 2.5
    assert diff["computed"].item() == pytest.approx(1.9425)  # 1.6425 + 0.30
    out = compute(frame(rows), "nonconventional_water_use")
    assert value(out, "nonconventional_water_use", 2021) == pytest.approx(1.9425)  # computed wins


def test_reclaimed_rate_end_to_end():
    rows = [(CITY, 2021, "water_reclaimed", 1.6425), (CITY, 2021, "urban_sewage_treated", 4.0)]
    out = compute(frame(rows), "reclaimed_water_utilization_rate")
    assert value(out, "reclaimed_water_utilization_rate", 2021) == pytest.approx(41.0625)


def test_city_intensity_from_summed_districts_not_mean_of_ratios():
    # Synthetic: district A water 1, GDP 100; district B water 3, GDP 900 (2020, base year).
    # City = (1 + 3) / (100 + 900) × 1e4 = 40 m³/万元, not mean(100, 33.3) = 66.7.
    # Two districts only: the 'reporting_districts' option fills the city from them.
    rows = [
        ("历下区", 2020, "water_use", 1.0),
        ("历下区", 2020, "gdp", 100.0),
        ("章丘区", 2020, "water_use", 3.0),
        ("章丘区", 2020, "gdp", 900.0),
    ]
    out = compute(frame(rows), "water_use_per_gdp", city_from_districts="reporting_districts")
    assert value(out, "water_use_per_gdp", 2020) == pytest.approx(40.0)
    assert value(out, "water_use_per_gdp", 2020, "历下区") == pytest.approx(100.0)


# --- properties -------------------------------------------------------------------------

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(water_wan=positive, gdp_wan=positive)
def test_intensity_unit_invariance(water_wan: float, gdp_wan: float):
    # Statistics given in 万立方米 and 万元, converted to canonical units before the frame.
    rows = [
        (CITY, 2020, "water_use", convert(water_wan, "万立方米", "亿立方米")),
        (CITY, 2020, "gdp", convert(gdp_wan, "万元", "亿元")),
    ]
    out = compute(frame(rows), "water_use_per_gdp")
    expected = convert(water_wan, "万立方米", "立方米") / gdp_wan  # m³ per 万元, directly
    assert value(out, "water_use_per_gdp", 2020) == pytest.approx(expected, rel=1e-9)


@SETTINGS
@given(
    water=st.lists(positive, min_size=2, max_size=2),
    gdp=st.lists(positive, min_size=2, max_size=2),
    growth=st.floats(min_value=-10, max_value=15),
    k=st.floats(min_value=1e-3, max_value=1e3),
)
def test_intensity_change_scale_invariance(water, gdp, growth, k):
    def rows(scale: float) -> list[tuple[str, int, str, float]]:
        return [
            (CITY, 2020, "water_use", water[0] * scale),
            (CITY, 2021, "water_use", water[1] * scale),
            (CITY, 2020, "gdp", gdp[0] * scale),
            (CITY, 2021, "gdp_real_growth", growth),
        ]

    a = compute(frame(rows(1.0)), ["water_use_per_gdp", "water_use_per_gdp_change"])
    b = compute(frame(rows(k)), ["water_use_per_gdp", "water_use_per_gdp_change"])
    for ind in ("water_use_per_gdp", "water_use_per_gdp_change"):
        assert value(b, ind, 2021) == pytest.approx(value(a, ind, 2021), rel=1e-9, abs=1e-9)


@SETTINGS
@given(
    districts=st.lists(
        st.tuples(positive, positive, positive, positive),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[0],
    )
)
def test_city_from_districts_equals_city_from_summed_inputs(districts):
    names = ["历下区", "市中区", "槐荫区", "天桥区"]
    rows, totals = [], np.zeros(4)
    for name, (w, g, rec, mine) in zip(names, districts, strict=False):
        rows += [
            (name, 2020, "water_use", w),
            (name, 2020, "gdp", g),
            (name, 2020, "water_reclaimed", rec),
            (name, 2020, "water_mine", mine),
        ]
        totals += [w, g, rec, mine]
    ids = ["water_use_per_gdp", "nonconventional_water_use"]
    # a subset of the districts: the 'reporting_districts' option fills the city from them
    from_districts = compute(frame(rows), ids, city_from_districts="reporting_districts")
    city_rows = [
        (CITY, 2020, v, t)
        for v, t in zip(["water_use", "gdp", "water_reclaimed", "water_mine"], totals, strict=True)
    ]
    from_city = compute(frame(city_rows), ids)
    for ind in ids:
        assert value(from_districts, ind, 2020) == pytest.approx(
            value(from_city, ind, 2020), rel=1e-9
        )


@PURE
@given(parts=st.lists(st.one_of(st.none(), positive), min_size=5, max_size=5))
def test_nonconventional_total_at_least_each_source(parts):
    vals = [np.nan if p is None else p for p in parts]
    total = nonconventional_water_use(*vals)
    if all(p is None for p in parts):
        assert math.isnan(total)
    else:
        assert total >= max(p for p in parts if p is not None) - 1e-12

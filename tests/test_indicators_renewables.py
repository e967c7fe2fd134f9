"""Renewable capacity: total by source, pumped storage, additions, unit and district invariance.

Capacities are SYNTHETIC (Jinan's capacity by source was not found, standards_cn.md B.3);
expected values are hand sums in the comments.
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
from greenplan.indicators.renewables import RENEWABLE_SOURCES, capacity_added, renewable_capacity
from greenplan.units import convert
from helpers import CITY, long_table, value

SETTINGS = settings(max_examples=12, deadline=None)  # compute() costs ~0.3 s a call
PURE = settings(max_examples=60, deadline=None)


# Synthetic city, 2020 and 2021 [万千瓦].
SYNTH = [
    (CITY, 2020, "capacity_solar", 250.0),
    (CITY, 2020, "capacity_wind", 60.0),
    (CITY, 2020, "capacity_biomass", 25.0),
    (CITY, 2020, "capacity_waste", 15.0),
    (CITY, 2021, "capacity_solar", 300.0),
    (CITY, 2021, "capacity_wind", 80.0),
    (CITY, 2021, "capacity_biomass", 30.0),
    (CITY, 2021, "capacity_waste", 40.0),
    (CITY, 2021, "capacity_hydro", 0.5),
    (CITY, 2021, "capacity_pumped_storage", 100.0),
]


frame = partial(long_table, units="万千瓦")


# --- formula functions ------------------------------------------------------------------


def test_renewable_capacity_scalar():
    # 300 + 80 + 30 + 40 + 0.5 + 0 = 450.5 万千瓦
    assert renewable_capacity(300.0, 80.0, 30.0, 40.0, 0.5, 0.0) == pytest.approx(450.5)


def test_renewable_capacity_pumped_storage_only_when_given():
    assert renewable_capacity(
        300.0, 80.0, 30.0, 40.0, 0.5, 0.0, pumped_storage=100.0
    ) == pytest.approx(550.5)  # 450.5 + 100


def test_renewable_capacity_missing_sources():
    # geothermal missing: 0 by default, NaN when every source is required
    assert renewable_capacity(300.0, 80.0, 30.0, 40.0, 0.5, np.nan) == pytest.approx(450.5)
    assert math.isnan(
        renewable_capacity(300.0, 80.0, 30.0, 40.0, 0.5, np.nan, missing_as_zero=False)
    )
    assert math.isnan(renewable_capacity(*[np.nan] * 6))


def test_renewable_capacity_array_and_series():
    arr = renewable_capacity(np.array([250.0, 300.0]), np.array([60.0, 80.0]), 0.0, 0.0, 0.0, 0.0)
    np.testing.assert_allclose(arr, [310.0, 380.0])  # 250 + 60; 300 + 80
    idx = pd.Index(["历城区", "章丘区"])
    s = renewable_capacity(
        pd.Series([10.0, 20.0], index=idx),
        pd.Series([np.nan, 5.0], index=idx),
        0.0,
        0.0,
        0.0,
        0.0,
    )
    pd.testing.assert_series_equal(s, pd.Series([10.0, 25.0], index=idx))


def test_capacity_added():
    assert capacity_added(450.5, 350.0) == pytest.approx(100.5)
    np.testing.assert_allclose(
        capacity_added(np.array([5.0, 3.0]), np.array([4.0, 4.0])), [1.0, -1.0]
    )
    assert math.isnan(capacity_added(1.0, np.nan))


# --- end to end ---------------------------------------------------------------------------


def test_total_added_and_since_base():
    ids = ["renewable_capacity", "renewable_capacity_added", "renewable_capacity_added_since_base"]
    out = compute(frame(SYNTH), ids)
    # 2020: 250 + 60 + 25 + 15 = 350; 2021: 300 + 80 + 30 + 40 + 0.5 = 450.5 (pumped storage out)
    assert value(out, "renewable_capacity", 2020) == pytest.approx(350.0)
    assert value(out, "renewable_capacity", 2021) == pytest.approx(450.5)
    assert value(out, "renewable_capacity_added", 2021) == pytest.approx(100.5)  # 450.5 − 350
    assert value(out, "renewable_capacity_added_since_base", 2020) == pytest.approx(0.0)
    assert value(out, "renewable_capacity_added_since_base", 2021) == pytest.approx(100.5)
    assert not ((out.indicator == "renewable_capacity_added") & (out.year == 2020)).any()
    method = out.loc[out.indicator == "renewable_capacity", "method"].iloc[0]
    assert "renewable_capacity_pumped_storage=exclude" in method
    assert "taken as 0" in method


def test_pumped_storage_option():
    out = compute(frame(SYNTH), "renewable_capacity", renewable_capacity_pumped_storage="include")
    assert value(out, "renewable_capacity", 2021) == pytest.approx(550.5)  # 450.5 + 100
    assert value(out, "renewable_capacity", 2020) == pytest.approx(350.0)  # none reported in 2020


def test_missing_sources_nan_option_falls_back_to_reported_total():
    rows = [*SYNTH, (CITY, 2021, "capacity_renewable", 451.0)]
    out = compute(frame(rows), "renewable_capacity", renewable_capacity_missing_sources="nan")
    assert set(out.year) == {2021}  # 2020 lacks hydro and geothermal and has no total
    assert value(out, "renewable_capacity", 2021) == pytest.approx(451.0)


def test_reported_vs_computed_and_reported_fallback():
    rows = [
        *SYNTH,
        (CITY, 2021, "renewable_capacity", 470.0),  # disagrees with 450.5
        (CITY, 2022, "renewable_capacity", 480.0),  # no components: used as reported
    ]
    diff = reported_vs_computed(frame(rows))
    diff = diff[diff.indicator == "renewable_capacity"]
    assert diff["year"].tolist() == [2021]
    assert diff["computed"].item() == pytest.approx(450.5)
    out = compute(frame(rows), ["renewable_capacity", "renewable_capacity_added"])
    assert value(out, "renewable_capacity", 2021) == pytest.approx(450.5)  # computed wins
    assert value(out, "renewable_capacity", 2022) == pytest.approx(480.0)
    assert out.loc[
        (out.indicator == "renewable_capacity") & (out.year == 2022), "origin"
    ].item() == ("reported")
    assert value(out, "renewable_capacity_added", 2022) == pytest.approx(29.5)  # 480 − 450.5


def test_sources_are_reported_indicators():
    out = compute(frame(SYNTH), ["capacity_solar", "capacity_pumped_storage"])
    assert value(out, "capacity_solar", 2021) == 300.0
    assert value(out, "capacity_pumped_storage", 2021) == 100.0
    for code in (*RENEWABLE_SOURCES, "capacity_pumped_storage"):
        assert INDICATORS[code].unit == "万千瓦"


def test_city_from_districts():
    rows = [
        ("历城区", 2021, "capacity_solar", 40.0),
        ("章丘区", 2021, "capacity_solar", 60.0),
        ("章丘区", 2021, "capacity_wind", 30.0),
    ]
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(frame(rows), "renewable_capacity", city_from_districts="reporting_districts")
    assert value(out, "renewable_capacity", 2021) == pytest.approx(130.0)  # 40 + 60 + 30
    assert value(out, "renewable_capacity", 2021, "历城区") == pytest.approx(40.0)


def test_target_indicator_definition():
    ind = INDICATORS["renewable_capacity"]
    assert ind.unit == "万千瓦" and ind.direction.value == "increase" and ind.section == "六(一)"


# --- properties -------------------------------------------------------------------------

mw = st.floats(min_value=0.0, max_value=1e5, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(capacities_mw=st.lists(mw, min_size=6, max_size=6))
def test_unit_invariance_mw(capacities_mw):
    # Capacity statistics in MW, converted to 万千瓦 before building the frame; the total,
    # converted back to MW, equals the sum of the MW figures.
    rows = [
        (CITY, 2021, code, convert(c, "MW", "万千瓦"))
        for code, c in zip(RENEWABLE_SOURCES, capacities_mw, strict=True)
    ]
    out = compute(frame(rows), "renewable_capacity")
    total_mw = convert(value(out, "renewable_capacity", 2021), "万千瓦", "MW")
    assert total_mw == pytest.approx(sum(capacities_mw), rel=1e-9, abs=1e-9)


@SETTINGS
@given(
    table=st.lists(st.tuples(mw, mw, mw, mw), min_size=1, max_size=4),
)
def test_city_from_districts_equals_city_from_summed_inputs(table):
    names = ["历城区", "章丘区", "莱芜区", "商河县"]
    codes = ["capacity_solar", "capacity_wind", "capacity_biomass", "capacity_waste"]
    rows = []
    for name, (a, b, c, d) in zip(names, table, strict=False):
        for year, scale in ((2020, 1.0), (2021, 1.5)):
            rows += [
                (name, year, code, v * scale) for code, v in zip(codes, (a, b, c, d), strict=True)
            ]
    ids = ["renewable_capacity", "renewable_capacity_added"]
    # a subset of the districts: the 'reporting_districts' option fills the city from them
    from_districts = compute(frame(rows), ids, city_from_districts="reporting_districts")
    summed = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    summed = summed.groupby(["year", "variable"], as_index=False)["value"].sum()
    city_rows = [(CITY, int(y), v, float(x)) for y, v, x in summed.itertuples(index=False)]
    from_city = compute(frame(city_rows), ids)
    assert value(from_districts, "renewable_capacity", 2021) == pytest.approx(
        value(from_city, "renewable_capacity", 2021), rel=1e-9, abs=1e-9
    )
    assert value(from_districts, "renewable_capacity_added", 2021) == pytest.approx(
        value(from_city, "renewable_capacity_added", 2021), rel=1e-9, abs=1e-9
    )


@PURE
@given(parts=st.lists(mw, min_size=6, max_size=6), extra=mw)
def test_total_monotone_in_each_source(parts, extra):
    base = renewable_capacity(*parts)
    for i in range(6):
        bumped = list(parts)
        bumped[i] += extra
        assert renewable_capacity(*bumped) >= base - 1e-9

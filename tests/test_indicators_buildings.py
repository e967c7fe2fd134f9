"""Buildings indicators: new green building area, residential energy retrofit (cumulative).

Expected values are literals; the arithmetic is in the comments. Frames labelled "synthetic"
are made-up statistics for testing, not Jinan data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.indicators.buildings import GREEN_BUILDING_LEVELS, green_building_area
from greenplan.variables import VARIABLES
from helpers import CITY, long_table
from helpers import value_in as value


def levels(region: str, year: int, values: tuple[float, float, float, float]) -> list:
    return [(region, year, code, v) for code, v in zip(GREEN_BUILDING_LEVELS, values, strict=True)]


# --- formula ------------------------------------------------------------------------------


def test_green_building_area_scalar():
    # 600 + 300 + 80 + 20 = 1 000 万m² (one fifth of the 5 000万m² five-year target)
    assert green_building_area(600.0, 300.0, 80.0, 20.0) == pytest.approx(1000.0)


def test_green_building_area_array_and_missing_level():
    out = green_building_area(
        np.array([600.0, 1.0]), np.array([300.0, 1.0]), np.array([80.0, np.nan]), 20.0
    )
    assert out[0] == pytest.approx(1000.0)
    assert np.isnan(out[1])  # a missing level is unknown, not 0


def test_green_building_area_series_keeps_index():
    idx = pd.Index(["历下区", "章丘区"])
    out = green_building_area(*(pd.Series([1.0, 2.0], index=idx) for _ in range(4)))
    assert out.index.equals(idx)
    np.testing.assert_allclose(out.to_numpy(), [4.0, 8.0])


# --- end to end ---------------------------------------------------------------------------


def _synthetic() -> pd.DataFrame:
    """Synthetic city statistics 2020–2023."""
    rows = [
        (CITY, 2020, "new_green_building_area", 950.0),  # base year: not in the cumulative sum
        *levels(CITY, 2021, (600.0, 300.0, 80.0, 20.0)),  # 1 000
        *levels(CITY, 2022, (700.0, 250.0, 40.0, 10.0)),  # 1 000
        (CITY, 2023, "new_green_building_area", 1100.0),  # reported total only
        (CITY, 2021, "residential_energy_retrofit_area", 110.0),
        (CITY, 2022, "residential_energy_retrofit_area", 95.5),
        (CITY, 2023, "residential_energy_retrofit_area", 104.5),
    ]
    return long_table(rows)


def test_new_green_building_area_annual_and_cumulative():
    out = compute(
        _synthetic(),
        [
            "new_green_building_area",
            "new_green_building_area_cumulative",
            "residential_energy_retrofit_area",
            "residential_energy_retrofit_area_cumulative",
        ],
    )
    assert value(out, "new_green_building_area") == pytest.approx(1000.0)
    assert value(out, "new_green_building_area", year=2023) == 1100.0
    origin = out.set_index(["indicator", "year"])["origin"]
    assert origin[("new_green_building_area", 2021)] == "computed"
    assert origin[("new_green_building_area", 2023)] == "reported"
    # cumulative since 2021: 1 000, 2 000, 3 100 (2020's 950 is the base year, excluded)
    assert value(out, "new_green_building_area_cumulative", year=2021) == pytest.approx(1000.0)
    assert value(out, "new_green_building_area_cumulative", year=2023) == pytest.approx(3100.0)
    cum = out[out["indicator"] == "new_green_building_area_cumulative"]
    assert 2020 not in set(cum["year"])
    # retrofit: 110 + 95.5 + 104.5 = 310 万m²
    assert value(out, "residential_energy_retrofit_area_cumulative", year=2023) == pytest.approx(
        310.0
    )
    assert out["unit"].unique().tolist() == ["万平方米"]


def test_base_year_option_moves_the_start_of_the_sum():
    out = compute(_synthetic(), "residential_energy_retrofit_area_cumulative", base_year=2021)
    # from 2022: 95.5 + 104.5 = 200
    assert value(out, "residential_energy_retrofit_area_cumulative", year=2023) == pytest.approx(
        200.0
    )
    assert "base_year=2021" in out["method"].iloc[0]


def test_cumulative_is_unknown_after_a_missing_year():
    stats = long_table(
        [
            (CITY, 2021, "residential_energy_retrofit_area", 110.0),
            (CITY, 2023, "residential_energy_retrofit_area", 104.5),
        ]
    )
    out = compute(stats, "residential_energy_retrofit_area_cumulative")
    assert sorted(out["year"]) == [2021]


def test_missing_level_falls_back_to_reported_total():
    rows = levels(CITY, 2021, (600.0, 300.0, 80.0, 20.0))[:3]  # three-star missing
    stats = long_table([*rows, (CITY, 2021, "new_green_building_area", 990.0)])
    out = compute(stats, "new_green_building_area")
    assert value(out, "new_green_building_area") == 990.0
    assert out["origin"].tolist() == ["reported"]
    assert compute(long_table(rows), "new_green_building_area").empty


def test_city_from_districts():
    # two districts only: the 'reporting_districts' option fills the city from them
    stats = long_table(
        [
            *levels("历下区", 2021, (10.0, 5.0, 2.0, 1.0)),  # 18
            *levels("章丘区", 2021, (20.0, 0.0, 0.0, 0.0)),  # 20
            ("历下区", 2021, "residential_energy_retrofit_area", 12.0),
            ("章丘区", 2021, "residential_energy_retrofit_area", 8.0),
        ]
    )
    out = compute(
        stats,
        ["new_green_building_area", "residential_energy_retrofit_area"],
        city_from_districts="reporting_districts",
    )
    assert value(out, "new_green_building_area") == pytest.approx(38.0)  # 18 + 20
    assert value(out, "residential_energy_retrofit_area") == pytest.approx(20.0)  # 12 + 8


def test_reported_vs_computed():
    stats = pd.concat(
        [
            _synthetic(),
            long_table(
                [
                    (CITY, 2021, "new_green_building_area", 1003.0),  # within 0.5 % of 1 000
                    (CITY, 2022, "new_green_building_area", 1200.0),  # levels give 1 000
                ]
            ),
        ],
        ignore_index=True,
    )
    bad = reported_vs_computed(stats)
    assert bad[["indicator", "year", "reported", "computed"]].values.tolist() == [
        ["new_green_building_area", 2022, 1200.0, 1000.0]
    ]


def test_units_convert_at_the_boundary_only():
    # 1 000万m² = 10⁷ m²: canonical unit of the codelist
    assert VARIABLES["new_green_building_area"].unit == "万平方米"
    from greenplan.units import convert

    assert convert(1000.0, "万平方米", "m^2") == pytest.approx(1.0e7)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(0.0, 2000.0), min_size=1, max_size=5))
def test_cumulative_equals_sum_of_annual_additions(annual):
    years = list(range(2021, 2021 + len(annual)))
    stats = long_table(
        [
            (CITY, y, "residential_energy_retrofit_area", a)
            for y, a in zip(years, annual, strict=True)
        ]
    )
    out = compute(stats, "residential_energy_retrofit_area_cumulative")
    last = value(out, "residential_energy_retrofit_area_cumulative", year=years[-1])
    assert last == pytest.approx(math.fsum(annual), rel=1e-9, abs=1e-9)


def test_every_buildings_indicator_is_in_the_codelist():
    from greenplan.indicators import INDICATORS

    ids = [i for i, ind in INDICATORS.items() if ind.domain == "buildings"]
    assert set(ids) == {
        "new_green_building_area",
        "new_green_building_area_cumulative",
        "residential_energy_retrofit_area",
        "residential_energy_retrofit_area_cumulative",
    }
    for i in ids:
        assert VARIABLES[i].unit == INDICATORS[i].unit
    for code in GREEN_BUILDING_LEVELS:
        assert VARIABLES[code].parent == "new_green_building_area"

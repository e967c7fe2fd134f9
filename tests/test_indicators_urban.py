"""Urban-services indicators: sewage, sludge, waste, buses, roads, railways, bus-stop coverage.

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
from hypothesis.extra import numpy as hnp

from greenplan.engine import compute, reported_vs_computed
from greenplan.errors import OptionError
from greenplan.indicators.registry import OPTIONS
from greenplan.indicators.urban import (
    bod_load,
    bus_stop_coverage,
    bus_stop_coverage_share,
    landfill_share,
    mileage_from_projects,
    nev_bus_share,
    points_within_radius,
    sewage_collection_rate,
    sludge_safe_disposal_rate,
    urban_parameter,
)
from greenplan.variables import VARIABLES
from helpers import CITY, long_table
from helpers import value_in as value

# --- sewage collection rate -------------------------------------------------------------


def test_bod_load():
    # 120 mg/L = 120 g/m³; 10 000 万m³ = 10⁸ m³ → 1.2 × 10¹⁰ g = 12 000 t
    assert bod_load(120.0, 10000.0) == pytest.approx(12000.0)
    out = bod_load(np.array([150.0, 0.0]), np.array([50000.0, 1.0]))
    # 150 g/m³ × 5 × 10⁸ m³ = 7.5 × 10¹⁰ g = 75 000 t
    np.testing.assert_allclose(out, [75000.0, 0.0])


def test_sewage_collection_rate_scalar():
    # generated = 500万人 × 10⁴ × 50 g × 365 d = 9.125 × 10¹⁰ g = 91 250 t
    # collected 68 437.5 t → 68 437.5 / 91 250 = 0.75 → 75 %
    assert sewage_collection_rate(68437.5, 500.0, 50.0) == pytest.approx(75.0)


def test_sewage_collection_rate_depends_on_per_capita_bod():
    # at 40 g/(人·d): generated 73 000 t → 68 437.5 / 73 000 = 93.75 %
    assert sewage_collection_rate(68437.5, 500.0, 40.0) == pytest.approx(93.75)
    # at 60 g/(人·d): generated 109 500 t → 62.5 %
    assert sewage_collection_rate(68437.5, 500.0, 60.0) == pytest.approx(62.5)


def test_sewage_collection_rate_array_series_and_zero_population():
    out = sewage_collection_rate(np.array([68437.5, 10.0]), np.array([500.0, 0.0]), 50.0)
    assert out[0] == pytest.approx(75.0)
    assert np.isnan(out[1])
    s = sewage_collection_rate(
        pd.Series([36500.0], index=["历下区"]), pd.Series([200.0], index=["历下区"]), 50.0
    )
    # generated 200 × 10⁴ × 50 × 365 g = 36 500 t → 100 %
    assert list(s.index) == ["历下区"]
    assert s.iloc[0] == pytest.approx(100.0)


def test_sewage_option_default_and_source():
    spec = OPTIONS["sewage_bod_per_capita"]
    assert spec.default == 50.0
    assert "GB 50014-2021" in spec.source and "[M]" in spec.source


def _sewage_stats() -> pd.DataFrame:
    # synthetic: influent 150 mg/L × 50 000 万m³ = 75 000 t; industrial 6 562.5 t
    # → domestic 68 437.5 t; population 500 万人
    return long_table(
        [
            (CITY, 2021, "wwtp_influent_bod", 150.0),
            (CITY, 2021, "wwtp_influent_volume", 50000.0),
            (CITY, 2021, "wwtp_industrial_bod", 6562.5),
            (CITY, 2021, "urban_water_population", 500.0),
        ]
    )


def test_sewage_collection_rate_end_to_end():
    out = compute(_sewage_stats(), ["sewage_collection_rate", "sewage_bod_collected"])
    assert value(out, "sewage_bod_collected") == pytest.approx(68437.5)
    assert value(out, "sewage_collection_rate") == pytest.approx(75.0)
    method = out.set_index("indicator").loc["sewage_collection_rate", "method"]
    assert "sewage_bod_per_capita=50.0" in method
    # option: 40 g/(人·d) → 93.75 %
    out40 = compute(_sewage_stats(), "sewage_collection_rate", sewage_bod_per_capita=40)
    assert value(out40, "sewage_collection_rate") == pytest.approx(93.75)


def test_sewage_without_industrial_load_deducts_nothing_and_says_so():
    stats = _sewage_stats()
    stats = stats[stats["variable"] != "wwtp_industrial_bod"]
    out = compute(stats, ["sewage_bod_collected", "sewage_collection_rate"])
    # 75 000 / 91 250 = 82.191780… %
    assert value(out, "sewage_collection_rate") == pytest.approx(82.191780822, rel=1e-9)
    method = out.set_index("indicator").loc["sewage_bod_collected", "method"]
    assert "no industrial load deducted" in method


def test_sewage_option_is_checked():
    with pytest.raises(OptionError):
        compute(_sewage_stats(), "sewage_collection_rate", sewage_bod_per_capita=-5)
    with pytest.raises(OptionError):
        compute(_sewage_stats(), "sewage_collection_rate", sewage_bod_per_capita="50")


def test_sewage_reported_rate_used_without_components_and_checked_with_them():
    reported_only = long_table([(CITY, 2021, "sewage_collection_rate", 72.3)])
    out = compute(reported_only, "sewage_collection_rate")
    assert value(out, "sewage_collection_rate") == 72.3
    assert out["origin"].tolist() == ["reported"]
    both = pd.concat([_sewage_stats(), long_table([(CITY, 2021, "sewage_collection_rate", 72.3)])])
    bad = reported_vs_computed(both)
    assert bad["indicator"].tolist() == ["sewage_collection_rate"]
    assert bad["computed"].iloc[0] == pytest.approx(75.0)


def test_sewage_city_from_district_loads():
    # synthetic: two districts' loads are summed for the city (load recipe is additive);
    # two districts only: the 'reporting_districts' option fills the city from them
    stats = long_table(
        [
            ("历下区", 2021, "sewage_bod_collected", 20000.0),
            ("商河县", 2021, "sewage_bod_collected", 16500.0),
            ("历下区", 2021, "urban_water_population", 150.0),
            ("商河县", 2021, "urban_water_population", 50.0),
        ]
    )
    out = compute(stats, "sewage_collection_rate", city_from_districts="reporting_districts")
    # city: (20 000 + 16 500) / (200 × 10⁴ × 50 × 365 g = 36 500 t) = 100 %
    assert value(out, "sewage_collection_rate") == pytest.approx(100.0)
    # 历下区: 20 000 / (150 × 10⁴ × 50 × 365 g = 27 375 t) = 73.059360… %
    assert value(out, "sewage_collection_rate", "历下区") == pytest.approx(73.059360731, rel=1e-9)


# --- sludge and household waste ---------------------------------------------------------


def test_sludge_safe_disposal_rate():
    # 45 / 50 = 90 %
    assert sludge_safe_disposal_rate(45.0, 50.0) == pytest.approx(90.0)
    assert math.isnan(sludge_safe_disposal_rate(0.0, 0.0))
    out = sludge_safe_disposal_rate(pd.Series([9.0, 1.0]), pd.Series([10.0, np.nan]))
    assert out.iloc[0] == pytest.approx(90.0) and math.isnan(out.iloc[1])


def test_sludge_city_is_ratio_of_district_sums():
    stats = long_table(
        [
            ("历下区", 2021, "sludge_safely_disposed", 100.0),
            ("历下区", 2021, "sludge_produced", 100.0),
            ("章丘区", 2021, "sludge_safely_disposed", 60.0),
            ("章丘区", 2021, "sludge_produced", 100.0),
            ("钢城区", 2021, "sludge_safely_disposed", 20.0),
            ("钢城区", 2021, "sludge_produced", 0.0),
        ]
    )
    # three districts only: the 'reporting_districts' option fills the city from them
    out = compute(stats, "sludge_safe_disposal_rate", city_from_districts="reporting_districts")
    # city: (100 + 60 + 20) / (100 + 100 + 0) = 90 %; 钢城区 0 produced → no value
    assert value(out, "sludge_safe_disposal_rate") == pytest.approx(90.0)
    assert value(out, "sludge_safe_disposal_rate", "章丘区") == pytest.approx(60.0)
    assert "钢城区" not in set(out["region"])


def test_landfill_share():
    # 35 / 350 = 10 %
    assert landfill_share(35.0, 350.0) == pytest.approx(10.0)
    assert landfill_share(0.0, 350.0) == 0.0
    assert math.isnan(landfill_share(0.0, 0.0))


def test_msw_landfill_share_from_children_and_parent():
    stats = long_table(
        [
            # 2021: treated from children: 35 + 300 + 15 = 350 → 35 / 350 = 10 %
            (CITY, 2021, "msw_landfilled", 35.0),
            (CITY, 2021, "msw_incinerated", 300.0),
            (CITY, 2021, "msw_other_treated", 15.0),
            # 2022: parent given → 0 / 360 = 0 % (zero landfill met)
            (CITY, 2022, "msw_landfilled", 0.0),
            (CITY, 2022, "msw_treated", 360.0),
            # 2023: a child missing and no parent → not computable
            (CITY, 2023, "msw_landfilled", 5.0),
            (CITY, 2023, "msw_incinerated", 340.0),
        ]
    )
    out = compute(stats, "msw_landfill_share")
    assert value(out, "msw_landfill_share", year=2021) == pytest.approx(10.0)
    assert value(out, "msw_landfill_share", year=2022) == 0.0
    assert 2023 not in set(out["year"])


def test_sewage_direct_outlets_reported_and_summed_from_districts():
    stats = long_table(
        [
            ("历下区", 2021, "sewage_direct_outlets", 3.0),
            ("历城区", 2021, "sewage_direct_outlets", 2.0),
            ("历下区", 2022, "sewage_direct_outlets", 0.0),
            ("历城区", 2022, "sewage_direct_outlets", 0.0),
        ]
    )
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(stats, "sewage_direct_outlets", city_from_districts="reporting_districts")
    assert value(out, "sewage_direct_outlets") == 5.0
    assert value(out, "sewage_direct_outlets", year=2022) == 0.0
    assert set(out["origin"]) == {"reported"}


# --- buses ------------------------------------------------------------------------------


def test_nev_bus_share_emergency_excluded():
    # 4 800 new-energy of 5 000 buses, the 200 others are emergency diesel:
    # (4 800 − 0) / (5 000 − 200) = 100 %
    assert nev_bus_share(5000.0, 4800.0, 200.0, 0.0) == pytest.approx(100.0)
    # 20 emergency vehicles are new-energy: (4 800 − 20) / (5 000 − 200) = 99.583333… %
    assert nev_bus_share(5000.0, 4800.0, 200.0, 20.0) == pytest.approx(99.583333333, rel=1e-9)
    # no emergency fleet: 4 500 / 5 000 = 90 %
    assert nev_bus_share(5000.0, 4500.0) == pytest.approx(90.0)
    # everything is emergency → no regular fleet → NaN
    assert math.isnan(nev_bus_share(10.0, 0.0, 10.0))


def test_nev_bus_share_series():
    buses = pd.Series([100.0, 200.0], index=[2021, 2022])
    out = nev_bus_share(buses, pd.Series([50.0, 190.0], index=buses.index), 0.0, 0.0)
    np.testing.assert_allclose(out.to_numpy(), [50.0, 95.0])
    assert out.index.tolist() == [2021, 2022]


def test_nev_bus_share_central_end_to_end_and_note():
    stats = long_table(
        [
            (CITY, 2021, "buses_central", 5000.0),
            (CITY, 2021, "buses_central_new_energy", 4800.0),
            (CITY, 2021, "buses_central_emergency", 200.0),
            (CITY, 2021, "buses_central_emergency_new_energy", 20.0),
            (CITY, 2022, "buses_central", 5000.0),
            (CITY, 2022, "buses_central_new_energy", 4500.0),
        ]
    )
    out = compute(stats, "nev_bus_share_central")
    assert value(out, "nev_bus_share_central") == pytest.approx(99.583333333, rel=1e-9)
    # 2022: emergency counts absent → taken as 0: 4 500 / 5 000 = 90 %
    assert value(out, "nev_bus_share_central", year=2022) == pytest.approx(90.0)
    assert "buses_central_emergency not given" in out["method"].iloc[0]


def test_nev_bus_share_missing_total_is_not_computed():
    stats = long_table([(CITY, 2021, "buses_central_new_energy", 4800.0)])
    assert compute(stats, "nev_bus_share_central").empty


# --- roads and railways -----------------------------------------------------------------


def _projects() -> pd.DataFrame:
    """Synthetic project list (km)."""
    return pd.DataFrame(
        {
            "project": ["R1", "R2", "R3", "L1", "L2", "L3", "L4", "L5"],
            "region": [
                "历下区",
                "历城区",
                "历城区",
                "历城区",
                "章丘区",
                "章丘区",
                "历城区",
                "章丘区",
            ],
            "mode": ["道路", "road", "公路", "铁路", "railway", "高铁", "铁路", "铁路"],
            "length": [10.0, 5.0, 8.0, 30.0, 40.0, 20.0, 7.0, 12.0],
            "opening": [2021, 2023, 2020, 2022, np.nan, 2023, 2020, np.nan],
            "start": [np.nan, 2019, 2018, 2018, 2024, 2021, 2017, np.nan],
        }
    )


def test_mileage_from_projects_counts_each_project_once():
    rows = mileage_from_projects(_projects())
    got = rows.set_index(["region", "year", "variable"])["value"]
    assert set(rows["unit"]) == {"公里"}
    # roads count when opened after 2020: R1 10 km (2021), R2 5 km (2023); R3 opened 2020: no
    assert got[("历下区", 2021, "roads_opened_km")] == 10.0
    assert got[("历城区", 2023, "roads_opened_km")] == 5.0
    assert got[("历城区", 2021, "roads_opened_km")] == 0.0  # zero-filled, not missing
    # L1 started 2018, opened 2022 → carry-over opening in 2022
    assert got[("历城区", 2022, "railway_opened_carryover_km")] == 30.0
    # L3 started 2021, opened 2023 → counted once, at its start
    assert got[("章丘区", 2021, "railway_construction_started_km")] == 20.0
    assert got[("章丘区", 2023, "railway_opened_carryover_km")] == 0.0
    # L2 started 2024 → 40 km under construction; L4 (opened 2020) and L5 (not started) never
    assert got[("章丘区", 2024, "railway_construction_started_km")] == 40.0
    # years 2021 … 2024 (last event year), per region and variable of its mode
    assert sorted(rows["year"].unique()) == [2021, 2022, 2023, 2024]
    assert rows["value"].sum() == pytest.approx(10.0 + 5.0 + 30.0 + 20.0 + 40.0)


def test_mileage_from_projects_years_units_and_errors():
    p = _projects().assign(length=[v * 1000 for v in _projects()["length"]], unit="m")
    rows = mileage_from_projects(p, years=range(2021, 2026))
    assert sorted(rows["year"].unique()) == [2021, 2022, 2023, 2024, 2025]
    # metres converted to km: 10 000 m → 10 km
    got = rows.set_index(["region", "year", "variable"])["value"]
    assert got[("历下区", 2021, "roads_opened_km")] == pytest.approx(10.0)
    with pytest.raises(ValueError, match="Unknown project mode"):
        mileage_from_projects(_projects().assign(mode="地铁"))
    with pytest.raises(ValueError, match="opening"):
        mileage_from_projects(_projects().drop(columns="opening"))
    empty = mileage_from_projects(_projects().iloc[[2, 6]])  # nothing after 2020
    assert empty.empty and list(empty.columns) == ["region", "year", "variable", "value", "unit"]


def test_new_roads_and_railway_end_to_end_cumulative():
    # the project register covers a few districts: the 'reporting_districts' option fills
    # the city from them
    out = compute(
        mileage_from_projects(_projects()),
        ["new_roads_km", "new_roads_km_cumulative", "new_railway_km", "new_railway_km_cumulative"],
        city_from_districts="reporting_districts",
    )
    # city filled from districts: roads 2021 = 10 + 0; 2023 = 5
    assert value(out, "new_roads_km", year=2021) == 10.0
    assert value(out, "new_roads_km_cumulative", year=2024) == 15.0  # 10 + 0 + 5 + 0
    # railway: 2021 20 (L3 start), 2022 30 (L1 opening), 2023 0, 2024 40 (L2 start)
    assert value(out, "new_railway_km", year=2022) == 30.0
    assert value(out, "new_railway_km_cumulative", year=2022) == 50.0  # 20 + 30
    assert value(out, "new_railway_km_cumulative", year=2024) == 90.0  # 20 + 30 + 0 + 40
    assert value(out, "new_railway_km_cumulative", "章丘区", 2024) == 60.0  # 20 + 0 + 0 + 40


def test_cumulative_breaks_after_a_gap_and_is_nan_in_base_year():
    stats = long_table(
        [
            (CITY, 2020, "new_roads_km", 120.0),
            (CITY, 2021, "new_roads_km", 150.0),
            (CITY, 2022, "new_roads_km", 160.0),
            (CITY, 2024, "new_roads_km", 140.0),
        ]
    )
    out = compute(stats, ["new_roads_km", "new_roads_km_cumulative"])
    assert value(out, "new_roads_km_cumulative", year=2021) == 150.0
    assert value(out, "new_roads_km_cumulative", year=2022) == 310.0  # 150 + 160
    cum = out[out["indicator"] == "new_roads_km_cumulative"]
    assert sorted(cum["year"]) == [2021, 2022]  # 2020 is the base; 2023 missing → 2024 unknown
    assert set(out[out["indicator"] == "new_roads_km"]["origin"]) == {"reported"}


def test_new_railway_needs_both_components():
    stats = long_table([(CITY, 2021, "railway_construction_started_km", 20.0)])
    assert compute(stats, "new_railway_km").empty


def test_reported_vs_computed_for_mileage():
    rows = mileage_from_projects(_projects())
    reported = long_table(
        [
            (CITY, 2021, "new_roads_km", 160.0),  # register says 10 km
            ("章丘区", 2021, "new_railway_km", 20.0),  # agrees
        ]
    )
    # the project register covers a few districts: the 'reporting_districts' option fills
    # the city from them
    bad = reported_vs_computed(
        pd.concat([rows, reported], ignore_index=True), city_from_districts="reporting_districts"
    )
    assert bad[["region", "indicator"]].values.tolist() == [[CITY, "new_roads_km"]]
    assert bad["computed"].iloc[0] == 10.0


# --- bus stop coverage ------------------------------------------------------------------


def test_points_within_radius_boundary_cases():
    stops = np.array([[0.0, 0.0]])
    cells = np.array(
        [[500.0, 0.0], [500.01, 0.0], [300.0, 400.0], [301.0, 400.0], [np.nan, 0.0], [-499.0, 0]]
    )
    # distances: 500 (in), 500.01 (out), √(300² + 400²) = 500 (in), √(301² + 400²) > 500 (out),
    # NaN (out), 499 (in)
    assert points_within_radius(cells, stops, 500.0).tolist() == [
        True,
        False,
        True,
        False,
        False,
        True,
    ]
    assert not points_within_radius(cells, np.empty((0, 2)), 500.0).any()
    assert points_within_radius(np.empty((0, 2)), stops, 500.0).shape == (0,)


@settings(max_examples=60, deadline=None)
@given(
    cells=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 60), st.just(2)), elements=st.floats(-3000, 3000)
    ),
    stops=hnp.arrays(
        np.float64, st.tuples(st.integers(0, 40), st.just(2)), elements=st.floats(-3000, 3000)
    ),
    radius=st.floats(0.0, 2000.0),
    chunk=st.integers(1, 16),
)
def test_points_within_radius_equals_brute_force(cells, stops, radius, chunk):
    got = points_within_radius(cells, stops, radius, chunk_size=chunk)
    if len(stops):
        d2 = ((cells[:, None, :] - stops[None, :, :]) ** 2).sum(axis=2)
        expected = (d2 <= radius**2).any(axis=1)
    else:
        expected = np.zeros(len(cells), dtype=bool)
    assert got.tolist() == expected.tolist()


def test_bus_stop_coverage_share():
    # four 1 km² cells 1 km apart on a line, one stop 400 m from the first:
    # only the first centroid is within 500 m → 1 / 4 = 25 %
    cells = [[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0], [3000.0, 0.0]]
    assert bus_stop_coverage_share([[400.0, 0.0]], cells) == pytest.approx(25.0)
    # weighted by cell area: (3) / (3 + 1 + 1 + 1) = 50 %
    assert bus_stop_coverage_share([[400.0, 0.0]], cells, [3.0, 1.0, 1.0, 1.0]) == pytest.approx(
        50.0
    )
    # radius 600 m reaches the second centroid too: 2 / 4
    assert bus_stop_coverage_share([[400.0, 0.0]], cells, radius=600.0) == pytest.approx(50.0)
    assert math.isnan(bus_stop_coverage_share([[0.0, 0.0]], np.empty((0, 2))))


def test_bus_stop_radius_parameter_has_provenance():
    row = urban_parameter("bus_stop_radius")
    assert float(row["value"]) == 500.0 and row["unit"] == "m"
    assert "六(二)" in row["source"]
    with pytest.raises(KeyError):
        urban_parameter("nope")


def test_bus_stop_coverage_rows_by_year_end_to_end():
    grid = pd.DataFrame({"x": [0.0, 1000.0, 2000.0, 3000.0], "y": 0.0, "area": 1.0e6})
    stops = pd.DataFrame(
        {"x": [400.0, 400.0, 2500.0], "y": 0.0, "year": [2021, 2022, 2022]},
    )
    rows = bus_stop_coverage(stops, grid)
    got = rows.set_index(["region", "year", "variable"])["value"]
    assert set(rows["unit"]) == {"平方公里"}
    # 2021: one cell of 1 km² covered of 4 km²
    assert got[(CITY, 2021, "bus_stop_covered_area")] == pytest.approx(1.0)
    assert got[(CITY, 2021, "bus_stop_assessed_area")] == pytest.approx(4.0)
    # 2022: the stop at 2 500 m covers the cells at 2 000 and 3 000 m (exactly 500 m) → 3 km²
    assert got[(CITY, 2022, "bus_stop_covered_area")] == pytest.approx(3.0)
    out = compute(rows, "bus_stop_500m_coverage")
    assert value(out, "bus_stop_500m_coverage") == pytest.approx(25.0)
    assert value(out, "bus_stop_500m_coverage", year=2022) == pytest.approx(75.0)


def test_bus_stop_coverage_arrays_and_errors():
    rows = bus_stop_coverage(
        np.array([[0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 5000.0]]), cell_area=2500.0, year=2023
    )
    got = rows.set_index("variable")["value"]
    # two 50 m cells (2 500 m² = 0.0025 km²), one covered
    assert got["bus_stop_covered_area"] == pytest.approx(0.0025)
    assert got["bus_stop_assessed_area"] == pytest.approx(0.005)
    assert rows["year"].tolist() == [2023, 2023] and rows["region"].tolist() == [CITY, CITY]
    with pytest.raises(ValueError, match="area"):
        bus_stop_coverage(np.array([[0.0, 0.0]]), np.array([[0.0, 0.0]]), year=2023)
    with pytest.raises(ValueError, match="year"):
        bus_stop_coverage(np.array([[0.0, 0.0]]), np.array([[0.0, 0.0]]), cell_area=1.0)
    with pytest.raises(ValueError, match="x and y"):
        bus_stop_coverage(pd.DataFrame({"lon": [1.0]}), np.array([[0.0, 0.0]]), cell_area=1.0)


def test_bus_stop_coverage_reported_share_and_consistency():
    rows = bus_stop_coverage(
        np.array([[0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 5000.0]]), cell_area=2500.0, year=2023
    )
    reported = long_table(
        [(CITY, 2023, "bus_stop_500m_coverage", 95.0), (CITY, 2024, "bus_stop_500m_coverage", 97.0)]
    )
    stats = pd.concat([rows, reported], ignore_index=True)
    out = compute(stats, "bus_stop_500m_coverage")
    assert value(out, "bus_stop_500m_coverage", year=2023) == pytest.approx(50.0)  # computed wins
    assert value(out, "bus_stop_500m_coverage", year=2024) == 97.0  # reported fallback
    bad = reported_vs_computed(stats)
    assert bad[["indicator", "year"]].values.tolist() == [["bus_stop_500m_coverage", 2023]]


# --- properties -------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(
    disposed=st.lists(st.floats(0.0, 1e5), min_size=2, max_size=5),
    extra=st.lists(st.floats(0.0, 1e5), min_size=2, max_size=5),
)
def test_city_from_districts_equals_city_from_summed_inputs(disposed, extra):
    n = min(len(disposed), len(extra))
    districts = ["历下区", "市中区", "槐荫区", "天桥区", "历城区"][:n]
    produced = [d + e + 1.0 for d, e in zip(disposed[:n], extra[:n], strict=True)]
    by_district = long_table(
        [(r, 2021, "sludge_safely_disposed", d) for r, d in zip(districts, disposed, strict=False)]
        + [(r, 2021, "sludge_produced", p) for r, p in zip(districts, produced, strict=True)]
    )
    summed = long_table(
        [
            (CITY, 2021, "sludge_safely_disposed", sum(disposed[:n])),
            (CITY, 2021, "sludge_produced", sum(produced)),
        ]
    )
    # a subset of the districts: the 'reporting_districts' option fills the city from them
    filled = compute(
        by_district, "sludge_safe_disposal_rate", city_from_districts="reporting_districts"
    )
    a = value(filled, "sludge_safe_disposal_rate")
    b = value(compute(summed, "sludge_safe_disposal_rate"), "sludge_safe_disposal_rate")
    assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


@given(
    collected=st.floats(1.0, 1e6),
    population=st.floats(1.0, 2000.0),
    b1=st.floats(30.0, 70.0),
    b2=st.floats(30.0, 70.0),
)
def test_collection_rate_decreases_with_per_capita_bod(collected, population, b1, b2):
    lo, hi = sorted((b1, b2))
    assert sewage_collection_rate(collected, population, hi) <= sewage_collection_rate(
        collected, population, lo
    ) * (1 + 1e-12)


@given(scale=st.floats(1e-3, 1e3))
def test_nev_share_scale_invariance(scale):
    # 4 780 / 4 800 regular buses are new-energy whatever the fleet size unit
    base = nev_bus_share(5000.0, 4800.0, 200.0, 20.0)
    assert nev_bus_share(5000.0 * scale, 4800.0 * scale, 200.0 * scale, 20.0 * scale) == (
        pytest.approx(base, rel=1e-9)
    )


def test_every_urban_indicator_is_in_the_codelist():
    from greenplan.indicators import INDICATORS

    ids = [i for i, ind in INDICATORS.items() if ind.domain == "urban"]
    assert set(ids) >= {
        "sewage_collection_rate",
        "sludge_safe_disposal_rate",
        "msw_landfill_share",
        "sewage_direct_outlets",
        "nev_bus_share_central",
        "new_roads_km",
        "new_roads_km_cumulative",
        "new_railway_km",
        "new_railway_km_cumulative",
        "bus_stop_500m_coverage",
    }
    for i in ids:
        assert i in VARIABLES
        assert VARIABLES[i].unit == INDICATORS[i].unit

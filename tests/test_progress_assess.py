"""Tests of greenplan.progress.assess and style.

The input tables are SYNTHETIC (tests/data/progress_values_synthetic.csv and small frames
built here): invented values in the shape of greenplan.compute() output, not statistics of
Jinan. Expected values are literals worked out by hand in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from greenplan.errors import OptionError
from greenplan.progress import ASSESS_COLUMNS, Status, assess
from greenplan.report.style import STATUS_COLOURS, style
from greenplan.targets import TARGETS, with_presets

approx = pytest.approx
DATA = Path(__file__).parent / "data" / "progress_values_synthetic.csv"

# The contract other modules rely on: names and order.
EXPECTED_COLUMNS = [
    "key",
    "indicator",
    "region",
    "section",
    "name_zh",
    "name_en",
    "kind",
    "bound",
    "aspirational",
    "unit",
    "baseline_year",
    "baseline",
    "latest_year",
    "latest",
    "target_year",
    "target",
    "target_level",
    "change",
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "status",
    "status_zh",
    "status_en",
    "reason",
    "required_annual_change",
    "projected",
    "projected_gap",
    "method",
    "notes",
]


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return pd.read_csv(DATA, comment="#")


@pytest.fixture(scope="module")
def result(values) -> pd.DataFrame:
    return assess(values)


def row(df: pd.DataFrame, key: str, region: str = "济南市") -> pd.Series:
    hit = df[(df["key"] == key) & (df["region"] == region)]
    assert len(hit) == 1, (key, region, len(hit))
    return hit.iloc[0]


def frame(*rows) -> pd.DataFrame:
    """A synthetic compute()-shaped frame from (region, year, indicator, value, unit) tuples."""
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit"])


# --------------------------------------------------------------------------------------------
# Shape
# --------------------------------------------------------------------------------------------


def test_columns_are_the_contract(result):
    assert list(result.columns) == EXPECTED_COLUMNS
    assert list(ASSESS_COLUMNS) == EXPECTED_COLUMNS


def test_one_row_per_target_and_region(result):
    # 43 targets × 2 regions present in the data (济南市 and 历下区)
    assert len(TARGETS) == 43
    assert len(result) == 43 * 2
    assert list(result["key"].unique()) == list(TARGETS)
    assert not result.duplicated(["key", "region"]).any()
    assert list(result["region"].unique()) == ["济南市", "历下区"]


def test_dtypes(result):
    assert str(result["baseline_year"].dtype) == "Int64"
    assert str(result["latest_year"].dtype) == "Int64"
    assert str(result["target_year"].dtype) == "Int64"
    for col in ("baseline", "latest", "target", "completion", "gap", "projected"):
        assert result[col].dtype == "float64", col
    assert result["aspirational"].dtype == bool
    assert set(result["status"]) <= {s.value for s in Status}


def test_attrs_record_method_year_options(values):
    df = assess(values, year=2023, method="sequential", schedule_tolerance=0.1)
    assert df.attrs["greenplan"] == {
        "method": "sequential",
        "year": 2023,
        "options": {"schedule_tolerance": 0.1},
        "plan": {  # the shipped plan
            "name_zh": "济南市“十四五”绿色低碳循环发展规划",
            "name_en": "Jinan 14th Five-Year Green Low-Carbon Circular Development Plan",
            "issued_by": "济南市人民政府办公厅",
            "issued": "2022-06-21",
            "base_year": 2020,
            "target_year": 2025,
            "period": [2021, 2025],
            "synthetic": False,
        },
    }
    json.dumps(df.attrs)  # JSON-serialisable
    json.loads(df.to_json(orient="records", force_ascii=False))


# --------------------------------------------------------------------------------------------
# Values per kind
# --------------------------------------------------------------------------------------------


def test_level_target(result):
    r = row(result, "forest_coverage")
    assert (r["baseline_year"], r["baseline"]) == (2020, 11.4)
    assert (r["latest_year"], r["latest"]) == (2023, 12.5)
    assert r["target"] == 13.68
    assert r["target_level"] == 13.68
    assert r["completion"] == approx(0.482456, rel=1e-6)  # (12.5 − 11.4)/(13.68 − 11.4)
    assert r["time_elapsed"] == approx(0.6)
    assert r["gap"] == approx(1.18)  # 13.68 − 12.5
    assert r["required_annual_change"] == approx(0.59)  # 1.18/2
    assert r["status"] == "behind_schedule"
    assert r["status_zh"] == "滞后于序时进度"
    assert r["status_en"] == "Behind schedule"
    assert r["unit"] == "%"
    assert r["section"] == "八(二)"
    assert r["name_zh"] == "森林覆盖率"
    assert r["kind"] == "level"
    assert r["bound"] == "at_least"
    assert r["method"] == "sequential"
    assert "completion 48.2% < time elapsed 60.0%" in r["notes"]


def test_change_vs_base_target(result):
    r = row(result, "water_use_per_gdp")
    assert r["target"] == -16.0
    assert r["target_level"] == approx(42.0)  # 50 × 0.84
    assert r["completion"] == approx(0.5)  # (50 − 46)/8
    assert r["status"] == "behind_schedule"
    assert r["projected"] == approx(43.51, abs=0.005)  # §5 vector
    assert r["unit"] == "立方米/万元"


def test_no_base_year_value_is_not_assessable(result):
    # 历下区 has no 2020 forest value and the plan states only the city's: a target measured
    # from 2020 cannot be measured from 2021 (issue 10.1)
    r = row(result, "forest_coverage", "历下区")
    assert r["status"] == "not_assessable"
    assert r["reason"] == "no_base_year_value"
    assert (r["latest_year"], r["latest"]) == (2023, 5.5)
    assert pd.isna(r["baseline"])


def test_baseline_from_earliest_later_year_when_asked(values):
    # option on: 2021 (5.0) is used; S = (2023 − 2021)/(2025 − 2021)
    df = assess(values, targets=["forest_coverage"], baseline_from_later_year=True)
    r = row(df, "forest_coverage", "历下区")
    assert (r["baseline_year"], r["baseline"]) == (2021, 5.0)
    assert r["time_elapsed"] == approx(0.5)
    assert r["completion"] == approx(0.057604, rel=1e-5)  # 0.5/8.68
    assert "measured from 2021 (option baseline_from_later_year" in r["notes"]


def test_baseline_from_the_plan(result):
    # Only 2023 in the data; the plan states >36 % for 2020: P = (40 − 36)/(45 − 36) = 0.4444
    r = row(result, "four_new_economy_share")
    assert (r["baseline_year"], r["baseline"]) == (2020, 36.0)
    assert r["completion"] == approx(0.444444, abs=1e-6)
    assert r["status"] == "behind_schedule"
    assert "from the plan" in r["notes"]
    assert "超过" in r["notes"]


def test_cumulative_sums_annual_additions_after_base_year(result):
    # 150 (2021) + 140 (2023) = 290; the 2020 row (999) is not summed; 2022 is missing.
    # P = 290/700 = 0.414286 < S = 0.6
    r = row(result, "new_roads_km")
    assert (r["baseline_year"], r["baseline"]) == (2020, 0.0)
    assert (r["latest_year"], r["latest"]) == (2023, 290.0)
    assert r["completion"] == approx(0.414286, rel=1e-6)
    assert r["status"] == "behind_schedule"
    assert r["required_annual_change"] == approx(205.0)  # (700 − 290)/2
    assert r["projected"] == approx(483.333333, rel=1e-6)  # linear: 290 × 5/3
    assert "no additions reported for 2022" in r["notes"]


def test_cumulative_without_additions(result):
    r = row(result, "new_railway_km")
    assert r["status"] == "not_assessable"
    assert "no annual additions" in r["notes"]


def test_non_increase_uses_the_whole_series(result):
    r = row(result, "two_high_energy_coal_non_increase")
    assert r["status"] == "moving_away"  # 99 (2022) > 98 (2021)
    assert "2022" in r["notes"]
    assert r["target_level"] == 100.0
    assert r["completion"] != r["completion"]  # NaN: no completion for a cap


def test_elimination(result):
    r = row(result, "msw_landfill_zero")
    assert r["completion"] == approx(0.666667, rel=1e-6)  # (30 − 10)/30
    assert r["status"] == "ahead_of_schedule"
    assert r["target_level"] == 0.0
    assert r["gap_relative"] != r["gap_relative"]  # NaN for a zero target


def test_full_coverage(result):
    r = row(result, "nev_bus_share_central")
    assert r["target_level"] == 100.0
    assert r["completion"] == approx(0.6)  # (92 − 80)/20
    assert r["status"] == "on_schedule"


def test_threshold_without_target_year(result):
    r = row(result, "data_center_pue")
    assert r["target"] == 1.25  # the criterion PUE < 1.25
    assert r["target_level"] == 100.0
    assert r["target_year"] == 2025
    assert r["completion"] == approx(0.5)  # (75 − 50)/50
    assert "no target year in the plan" in r["notes"]


def test_direction_target(result):
    r = row(result, "industrial_water_per_value_added")
    assert r["status"] == "on_schedule"  # 10 → 9, lower is better
    assert pd.isna(r["target"])
    assert pd.isna(r["completion"])
    assert r["notes"].startswith("moved in the desired direction")


def test_approximately_aspirational_with_mixed_units(result):
    # 300 万千瓦 (2020) and 4.5 GW = 450 万千瓦 (2023); 470 左右 (5 % → ≥ 446.5) → achieved
    r = row(result, "renewable_capacity")
    assert r["unit"] == "万千瓦"
    assert r["latest"] == approx(450.0)
    assert r["status"] == "achieved"
    assert r["status_zh"] == "提前实现"
    assert r["aspirational"]
    assert "converted to 万千瓦" in r["notes"]
    assert "左右" in r["notes"]


def test_assigned_target_not_set(result):
    r = row(result, "energy_dual_control")
    assert r["status"] == "not_assessable"
    assert r["status_zh"] == "无法评估"
    assert r["notes"].startswith("target not set")
    assert "jinan_energy_intensity_2023" in r["notes"]
    assert "shandong_energy_intensity_2022" in r["notes"]
    r = row(result, "coal_consumption_control")
    assert r["notes"].startswith("target not set")
    assert "no data for coal_consumption" in r["notes"]


def test_assigned_target_with_preset(values):
    # Jinan −14.8 %: V* = 0.5 × 0.852 = 0.426; P = 0.05/0.074 = 0.675676 > 0.6 → ahead
    targets = with_presets(["jinan_energy_intensity_2023"])
    df = assess(values, targets={"energy_dual_control": targets["energy_dual_control"]})
    r = row(df, "energy_dual_control")
    assert r["kind"] == "change_vs_base"
    assert r["target"] == -14.8
    assert r["target_level"] == approx(0.426)
    assert r["completion"] == approx(0.675676, rel=1e-6)
    assert r["status"] == "ahead_of_schedule"


def test_no_data(result):
    r = row(result, "rd_intensity")
    assert r["status"] == "not_assessable"
    assert r["notes"] == "no data for rd_intensity in 济南市"
    assert pd.isna(r["latest"])
    r = row(result, "water_use_per_gdp", "历下区")
    assert r["status"] == "not_assessable"


# --------------------------------------------------------------------------------------------
# year, method, options
# --------------------------------------------------------------------------------------------


def test_as_of_year(values):
    df = assess(values, year=2022, targets=["forest_coverage", "water_use_per_gdp"])
    # forest: no 2022 value, latest ≤ 2022 is 2021 (11.8): P = 0.4/2.28 = 0.175439 < S = 0.4
    r = row(df, "forest_coverage")
    assert (r["latest_year"], r["latest"]) == (2021, 11.8)
    assert r["completion"] == approx(0.175439, rel=1e-5)
    assert r["time_elapsed"] == approx(0.2)
    # water 2022: P = (50 − 47.5)/8 = 0.3125 < S = 0.4
    r = row(df, "water_use_per_gdp")
    assert r["completion"] == approx(0.3125)
    assert r["time_elapsed"] == approx(0.4)
    assert r["status"] == "behind_schedule"


def test_as_of_base_year(values):
    df = assess(values, year=2020, targets=["forest_coverage"])
    r = row(df, "forest_coverage")
    assert r["status"] == "not_assessable"
    assert "no data after the base year 2020" in r["notes"]


def test_other_methods(values):
    df = assess(values, targets=["water_use_per_gdp"], method="escap")
    r = row(df, "water_use_per_gdp")
    assert r["method"] == "escap"
    assert r["status"] == "behind_schedule"  # API 0.811: accelerate progress
    assert "API 0.811" in r["notes"]
    df = assess(values, targets=["water_use_per_gdp"], method="eurostat")
    assert "ratio 0.800" in row(df, "water_use_per_gdp")["notes"]


def test_options_pass_through(values):
    df = assess(values, targets=["water_use_per_gdp"], schedule_tolerance=0.1)
    assert row(df, "water_use_per_gdp")["status"] == "on_schedule"  # |0.5 − 0.6| ≤ 0.1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "fast"}, "allowed: 'sequential'"),
        ({"foo": 1}, r"Unknown option\(s\) 'foo'"),
        ({"bound": "approximately"}, "come from each Target"),
        ({"series": {2020: 1}}, "come from each Target"),
        ({"time_basis": "log"}, "allowed: linear, geometric"),
        ({"targets": ["forest_coverag"]}, "Did you mean: forest_coverage"),
        ({"targets": {"x": "forest_coverage"}}, "not a greenplan Target"),
    ],
)
def test_assess_option_errors(values, kwargs, match):
    with pytest.raises(OptionError, match=match):
        assess(values, **kwargs)


def test_bad_values_argument():
    with pytest.raises(OptionError, match="DataFrame"):
        assess([("济南市", 2020, "forest_coverage", 11.4, "%")])
    with pytest.raises(OptionError, match="lacks column"):
        assess(frame(("济南市", 2020, "forest_coverage", 11.4, "%")).drop(columns="unit"))


def test_targets_as_keys_targets_and_mapping(values):
    a = assess(values, targets=["forest_coverage", TARGETS["water_use_per_gdp"]])
    assert list(a["key"].unique()) == ["forest_coverage", "water_use_per_gdp"]
    b = assess(values, targets="forest_coverage")
    assert list(b["key"]) == ["forest_coverage", "forest_coverage"]
    c = assess(values, targets={"forest_coverage": TARGETS["forest_coverage"]})
    pd.testing.assert_frame_equal(b, c)
    d = assess(values, targets=["carbon_intensity_control"])  # a supplementary target
    assert row(d, "carbon_intensity_control")["status"] == "not_assessable"


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


def test_identical_duplicates_are_merged_conflicting_ones_raise(values):
    doubled = pd.concat([values, values], ignore_index=True)
    pd.testing.assert_frame_equal(assess(doubled), assess(values))
    bad = frame(
        ("济南市", 2020, "forest_coverage", 11.4, "%"),
        ("济南市", 2020, "forest_coverage", 11.5, "%"),
    )
    with pytest.raises(OptionError, match="different values"):
        assess(bad)


def test_missing_values_are_ignored():
    df = assess(
        frame(
            ("济南市", 2020, "forest_coverage", 11.4, "%"),
            ("济南市", 2022, "forest_coverage", 12.0, "%"),
            ("济南市", 2023, "forest_coverage", float("nan"), "%"),
        ),
        targets=["forest_coverage"],
    )
    r = row(df, "forest_coverage")
    assert r["latest_year"] == 2022  # the NaN 2023 row is not a value
    assert r["completion"] == approx(0.263158, rel=1e-5)  # 0.6/2.28


def test_target_unit_converted_to_data_unit():
    # Data in 万元 (synthetic): 7000 亿元 = 7e7 万元; P = (5.5e7 − 4e7)/(7e7 − 4e7) = 0.5
    df = assess(
        frame(
            ("济南市", 2020, "smart_mfg_cluster_output", 4.0e7, "万元"),
            ("济南市", 2023, "smart_mfg_cluster_output", 5.5e7, "万元"),
        ),
        targets=["smart_mfg_cluster_scale"],
    )
    r = row(df, "smart_mfg_cluster_scale")
    assert r["target_level"] == approx(7.0e7)
    assert r["completion"] == approx(0.5)
    assert r["unit"] == "万元"
    assert "converted" in r["notes"]


def test_plan_baseline_converted_to_data_unit():
    # Plan baseline 4000 亿元级 = 4e7 万元; P = (5.5e7 − 4e7)/(7e7 − 4e7) = 0.5
    df = assess(
        frame(("济南市", 2023, "smart_mfg_cluster_output", 5.5e7, "万元")),
        targets=["smart_mfg_cluster_scale"],
    )
    r = row(df, "smart_mfg_cluster_scale")
    assert r["baseline"] == approx(4.0e7)
    assert r["completion"] == approx(0.5)
    assert "级/左右" in r["notes"]


def test_unit_mismatch_is_not_assessable():
    df = assess(
        frame(
            ("济南市", 2020, "smart_mfg_cluster_output", 4000, "万千瓦"),
            ("济南市", 2023, "smart_mfg_cluster_output", 5500, "万千瓦"),
        ),
        targets=["smart_mfg_cluster_scale"],
    )
    r = row(df, "smart_mfg_cluster_scale")
    assert r["status"] == "not_assessable"
    assert r["notes"].startswith("unit mismatch")


def test_incompatible_mixed_units_are_not_assessable():
    df = assess(
        frame(
            ("济南市", 2020, "forest_coverage", 11.4, "%"),
            ("济南市", 2023, "forest_coverage", 12.5, "万元"),
        ),
        targets=["forest_coverage"],
    )
    r = row(df, "forest_coverage")
    assert r["status"] == "not_assessable"
    assert "mixed units" in r["notes"]


def test_full_coverage_in_fractions():
    # Shares as fractions ("1"): 100 % = 1.0; P = (0.92 − 0.8)/(1 − 0.8) = 0.6
    df = assess(
        frame(
            ("济南市", 2020, "nev_bus_share_central", 0.8, "1"),
            ("济南市", 2023, "nev_bus_share_central", 0.92, "1"),
        ),
        targets=["nev_bus_share_central"],
    )
    r = row(df, "nev_bus_share_central")
    assert r["target_level"] == approx(1.0)
    assert r["completion"] == approx(0.6)
    assert r["status"] == "on_schedule"


def test_region_order_city_first_then_known_then_unknown():
    df = assess(
        frame(
            ("新区X", 2020, "forest_coverage", 1.0, "%"),
            ("历城区", 2020, "forest_coverage", 1.0, "%"),
            ("济南市", 2020, "forest_coverage", 1.0, "%"),
            ("历下区", 2020, "forest_coverage", 1.0, "%"),
        ),
        targets=["forest_coverage"],
    )
    assert list(df["region"]) == ["济南市", "历下区", "历城区", "新区X"]


def test_empty_values_give_city_rows():
    empty = frame()
    df = assess(empty, targets=["forest_coverage", "rd_intensity"])
    assert list(df["region"]) == ["济南市", "济南市"]
    assert set(df["status"]) == {"not_assessable"}


def test_extra_columns_are_ignored(values):
    assert "source" in values.columns
    df = assess(values.assign(scenario="base"), targets=["forest_coverage"])
    assert list(df.columns) == EXPECTED_COLUMNS


# --------------------------------------------------------------------------------------------
# style
# --------------------------------------------------------------------------------------------


def test_style_colours_by_status(result):
    pytest.importorskip("jinja2")
    styler = style(result)
    html = styler.to_html()
    assert STATUS_COLOURS[Status.BEHIND_SCHEDULE] in html
    assert STATUS_COLOURS[Status.NOT_ASSESSABLE] in html
    assert "48.2%" in html  # completion as a percentage


def test_style_needs_status_column(result):
    with pytest.raises(OptionError, match="status"):
        style(result.drop(columns="status"))


def test_style_without_jinja2_says_how_to_fix(result, monkeypatch):
    def no_jinja(self):
        raise ImportError("Missing optional dependency 'Jinja2'.")

    monkeypatch.setattr(pd.DataFrame, "style", property(no_jinja))
    with pytest.raises(ImportError, match="pip install jinja2"):
        style(result)


def test_base_year_only_is_shown_as_baseline_not_latest():
    # Synthetic: forest coverage reported for 2020 only. 11.4 % is where the plan starts, not
    # progress, so it belongs in the baseline columns and the latest stays empty.
    df = assess(frame(("济南市", 2020, "forest_coverage", 11.4, "%")), targets=["forest_coverage"])
    r = row(df, "forest_coverage")
    assert r["status"] == Status.NOT_ASSESSABLE.value
    assert r["baseline_year"] == 2020
    assert r["baseline"] == 11.4
    assert pd.isna(r["latest"])
    assert pd.isna(r["latest_year"])
    assert "no data after the base year 2020" in r["notes"]


def test_plan_baseline_shown_without_data():
    # No statistics for the enterprises indicator, but the plan states 771 in 2020 (一(一)):
    # the row shows it, says where it comes from, and stays "not assessable".
    df = assess(
        frame(("济南市", 2021, "gdp", 1.0, "亿元")),
        targets=["specialized_gazelle_champion_enterprises"],
    )
    r = row(df, "specialized_gazelle_champion_enterprises")
    assert r["status"] == Status.NOT_ASSESSABLE.value
    assert (r["baseline_year"], r["baseline"]) == (2020, 771.0)
    assert "baseline as stated in the plan (一(一))" in r["notes"]
    assert r["notes"].startswith("no data for specialized_gazelle_champion_enterprises")

"""Issue 10: baselines of the base year only, published rates, the final evaluation, plans as data.

Every expected value is computed by hand in the comment beside it. Values are synthetic
unless a source is named (the plan's 62 % good-air-day ratio of 2020, section 一(一)).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pytest import approx

import greenplan as gp
from greenplan.plans import PlanError, default_plan, load_plan
from greenplan.progress import Status, assess, evaluate
from greenplan.progress.rates import cumulative_change, rate_disagreements
from greenplan.targets import TARGETS, with_presets

DATA = Path(__file__).parent / "data"
PLAN_2030 = DATA / "plan_synthetic_2030"
CITY = "济南市"
INTENSITY = "吨标准煤/万元"
WATER = "立方米/万元"


def frame(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit"])


def one(df: pd.DataFrame) -> pd.Series:
    assert len(df) == 1
    return df.iloc[0]


def energy_target() -> dict:
    # Jinan's preset: energy intensity −14.8 % in 2025 vs 2020
    return with_presets(
        ["jinan_energy_intensity_2023"], {"energy_dual_control": TARGETS["energy_dual_control"]}
    )


# --- baselines ------------------------------------------------------------------------------


def test_baseline_from_the_data_wins_over_the_plan():
    # data 2020 = 60 (the plan says 62): P = (63 − 60)/(65.2 − 60) = 3/5.2 = 0.576923
    r = one(
        assess(
            frame((CITY, 2020, "good_air_days_ratio", 60.0, "%"),
                  (CITY, 2023, "good_air_days_ratio", 63.0, "%")),
            targets=["good_air_days_ratio"],
        )
    )  # fmt: skip
    assert (r["baseline_year"], r["baseline"]) == (2020, 60.0)
    assert r["completion"] == approx(0.576923, rel=1e-6)
    assert "from the plan" not in r["notes"]


def test_good_air_days_baseline_from_the_plan():
    # the case: 64.6 (2021), 63.0 (2023), no 2020 row; the plan states 62 % (一(一)).
    # P = (63.0 − 62)/(65.2 − 62) = 1/3.2 = 0.3125 < S = 3/5 = 0.6 → behind schedule
    r = one(
        assess(
            frame((CITY, 2021, "good_air_days_ratio", 64.6, "%"),
                  (CITY, 2023, "good_air_days_ratio", 63.0, "%")),
            targets=["good_air_days_ratio"],
        )
    )  # fmt: skip
    assert (r["baseline_year"], r["baseline"]) == (2020, 62.0)
    assert (r["latest_year"], r["latest"]) == (2023, 63.0)
    assert r["completion"] == approx(0.3125)
    assert r["time_elapsed"] == approx(0.6)
    assert r["status"] == "behind_schedule"
    assert "baseline 62 % from the plan (一(一))" in r["notes"]


def test_baseline_implied_by_a_reported_change():
    # 2023: 46 m³ and "down 8.0 % on 2020" → V0 = 46/0.92 = 50; V* = 50 × 0.84 = 42;
    # P = (50 − 46)/(50 − 42) = 0.5 < 0.6 → behind
    r = one(
        assess(
            frame((CITY, 2023, "water_use_per_gdp", 46.0, WATER),
                  (CITY, 2023, "water_use_per_gdp_change", -8.0, "%")),
            targets=["water_use_per_gdp"],
        )
    )  # fmt: skip
    assert (r["baseline_year"], r["baseline"]) == (2020, approx(50.0))
    assert r["target_level"] == approx(42.0)
    assert r["completion"] == approx(0.5)
    assert "implied by 46 in 2023" in r["notes"]


def test_water_use_levels_without_2020_are_not_assessable():
    # the case: 2021 and 2023 only; a −16 % vs 2020 target is never measured from 2021
    r = one(
        assess(
            frame((CITY, 2021, "water_use_per_gdp", 40.0, WATER),
                  (CITY, 2023, "water_use_per_gdp", 38.0, WATER)),
            targets=["water_use_per_gdp"],
        )
    )  # fmt: skip
    assert r["status"] == "not_assessable"
    assert r["reason"] == "no_base_year_value"
    assert (r["latest_year"], r["latest"]) == (2023, 38.0)
    assert pd.isna(r["baseline"])
    assert r["notes"].startswith("no_base_year_value: no 2020 value for water_use_per_gdp")


def test_later_year_option_applies_to_level_targets_only():
    # change targets stay not assessable even with the option on
    values = frame((CITY, 2021, "water_use_per_gdp", 40.0, WATER),
                   (CITY, 2023, "water_use_per_gdp", 38.0, WATER))  # fmt: skip
    r = one(assess(values, targets=["water_use_per_gdp"], baseline_from_later_year=True))
    assert r["reason"] == "no_base_year_value"


def test_assess_only_options_are_checked():
    values = frame((CITY, 2023, "forest_coverage", 12.0, "%"))
    with pytest.raises(gp.errors.OptionError, match="rate_decimals"):
        assess(values, targets=["forest_coverage"], rate_decimals=-1)
    with pytest.raises(gp.errors.OptionError, match="baseline_from_later_year"):
        assess(values, targets=["forest_coverage"], baseline_from_later_year="yes")


# --- published rates ------------------------------------------------------------------------


def test_change_target_from_chained_annual_rates():
    # 万元GDP能耗 −4.0, −3.0, −2.5 % in 2021–2023: C = (0.96 × 0.97 × 0.975 − 1) × 100 = −9.208 %
    # completion = 9.208/14.8 = 0.622162 > S = 0.6 → ahead of schedule
    r = one(
        assess(
            frame((CITY, 2021, "energy_intensity_annual_change", -4.0, "%"),
                  (CITY, 2022, "energy_intensity_annual_change", -3.0, "%"),
                  (CITY, 2023, "energy_intensity_annual_change", -2.5, "%")),
            targets=energy_target(),
        )
    )  # fmt: skip
    assert r["change"] == approx(-9.208)
    assert r["completion"] == approx(0.622162, rel=1e-5)
    assert r["status"] == "ahead_of_schedule"
    # rounding ±0.05 on each rate: (0.9595 × 0.9695 × 0.9745 − 1) × 100 = −9.347 … and
    # (0.9605 × 0.9705 × 0.9755 − 1) × 100 = −9.069
    assert "-9.35 … -9.07 %" in r["notes"]


def test_change_target_from_a_cumulative_rate():
    # "累计下降10.0%" by 2023 against a −16 % target: completion = 10/16 = 0.625 > 0.6
    r = one(
        assess(frame((CITY, 2023, "water_use_per_gdp_change", -10.0, "%")),
               targets=["water_use_per_gdp"])
    )  # fmt: skip
    assert (r["baseline"], r["latest"]) == (100.0, 90.0)  # index, 2020 = 100
    assert r["unit"] == "index (2020 = 100)"
    assert r["completion"] == approx(0.625)
    assert r["status"] == "ahead_of_schedule"
    assert "-10.05 … -9.95 %" in r["notes"]


def test_annual_rates_with_a_gap_are_not_bridged():
    notes: list[str] = []
    assert cumulative_change({2021: -4.0, 2023: -2.5}, {}, 2020, 2023, notes=notes) is None
    assert notes == [
        "annual changes reported for 2021, 2023: 2022 missing, so they are not chained"
    ]
    r = one(
        assess(
            frame((CITY, 2021, "energy_intensity_annual_change", -4.0, "%"),
                  (CITY, 2023, "energy_intensity_annual_change", -2.5, "%")),
            targets=energy_target(),
        )
    )  # fmt: skip
    # 2021 alone chains (−4 %), so the latest assessable year is 2021: P = 4/14.8 = 0.27027
    # against S = 1/5 = 0.2 → ahead; the gap before 2023 is named.
    assert r["latest_year"] == 2021
    assert r["completion"] == approx(0.270270, rel=1e-5)
    assert "2022 missing" in r["notes"]


def test_levels_and_rates_agreeing():
    # levels 50 → 46 (−8 %), reported −8.0 %: no disagreement
    values = frame((CITY, 2020, "water_use_per_gdp", 50.0, WATER),
                   (CITY, 2023, "water_use_per_gdp", 46.0, WATER),
                   (CITY, 2023, "water_use_per_gdp_change", -8.0, "%"))  # fmt: skip
    r = one(assess(values, targets=["water_use_per_gdp"]))
    assert r["completion"] == approx(0.5)  # (50 − 46)/(50 − 42)
    assert "disagrees" not in r["notes"]
    stats = values.rename(columns={"indicator": "variable"})
    assert rate_disagreements(stats[stats["variable"].str.endswith("_change")], values).empty


def test_levels_and_rates_disagreeing_levels_win():
    # reported −10.0 % but the levels give −8 %: |−8 − (−10)| = 2 > 0.05 → noted; levels used
    values = frame((CITY, 2020, "water_use_per_gdp", 50.0, WATER),
                   (CITY, 2023, "water_use_per_gdp", 46.0, WATER),
                   (CITY, 2023, "water_use_per_gdp_change", -10.0, "%"))  # fmt: skip
    r = one(assess(values, targets=["water_use_per_gdp"]))
    assert r["completion"] == approx(0.5)
    assert "disagrees with the levels (-8.00 %)" in r["notes"]
    stats = values[values["indicator"].str.endswith("_change")].rename(
        columns={"indicator": "variable"}
    )
    found = rate_disagreements(stats, values)
    assert found["from_levels"].tolist() == [approx(-8.0)]
    assert "beyond the published rounding ±0.05" in found["message"].iloc[0]


def test_rate_within_rounding_is_no_disagreement():
    # levels 50 → 45.97: −8.06 %; reported −8.1 (one decimal): |−8.06 + 8.1| = 0.04 ≤ 0.05
    values = frame((CITY, 2020, "water_use_per_gdp", 50.0, WATER),
                   (CITY, 2023, "water_use_per_gdp", 45.97, WATER))  # fmt: skip
    stats = pd.DataFrame(
        {"region": CITY, "year": [2023], "variable": ["water_use_per_gdp_change"], "value": -8.1}
    )
    assert rate_disagreements(stats, values).empty


def test_generated_annual_rate_variables_are_known_codes():
    # every indicator with a change form accepts a published annual rate
    for code in ("water_use_per_gdp_annual_change", "coal_consumption_annual_change"):
        assert code in gp.VARIABLES
        assert gp.VARIABLES[code].unit == "%"
    assert "good_air_days_ratio_annual_change" not in gp.VARIABLES  # no change form


# --- final evaluation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "met"),
    [
        # level ≥ 20 from 10: 21 met, 18 missed (P = 0.8)
        ({"baseline": 10, "current": 21, "target": 20}, True),
        ({"baseline": 10, "current": 18, "target": 20}, False),
        # change −16 % from 50 (V* = 42): 41 met, 46 missed
        ({"baseline": 50, "current": 41, "target": -16, "kind": "change_vs_base",
          "direction": "decrease"}, True),
        ({"baseline": 50, "current": 46, "target": -16, "kind": "change_vs_base",
          "direction": "decrease"}, False),
        # cumulative Σ ≥ 700 km: 720 met, 650 missed
        ({"baseline": 0, "current": 720, "target": 700, "kind": "cumulative"}, True),
        ({"baseline": 0, "current": 650, "target": 700, "kind": "cumulative"}, False),
        # full coverage 100 %: 100 met, 96 missed
        ({"baseline": 80, "current": 100, "target": None, "kind": "full_coverage"}, True),
        ({"baseline": 80, "current": 96, "target": None, "kind": "full_coverage"}, False),
        # elimination: 0 met, 2 left missed
        ({"baseline": 9, "current": 0, "target": None, "kind": "elimination",
          "direction": "decrease"}, True),
        ({"baseline": 9, "current": 2, "target": None, "kind": "elimination",
          "direction": "decrease"}, False),
        # direction (明显下降): fell met, rose missed
        ({"baseline": 9, "current": 8, "target": None, "kind": "direction",
          "direction": "decrease"}, True),
        ({"baseline": 9, "current": 9.5, "target": None, "kind": "direction",
          "direction": "decrease"}, False),
        # non_increase: no rise met, a rise missed
        ({"baseline": 9, "current": 9, "target": None, "kind": "non_increase",
          "direction": "decrease"}, True),
        ({"baseline": 9, "current": 10, "target": None, "kind": "non_increase",
          "direction": "decrease"}, False),
    ],
)  # fmt: skip
@pytest.mark.parametrize("method", ["sequential", "escap", "eurostat"])
def test_final_evaluation_each_kind(kw, met, method):
    args = {"baseline_year": 2020, "year": 2025, "target_year": 2025, "direction": "increase"}
    r = evaluate(**{**args, **kw}, method=method)
    assert r.status is (Status.ACHIEVED if met else Status.NOT_ACHIEVED)
    assert r.status_zh == ("已完成" if met else "未完成")


def test_before_the_target_year_nothing_changes():
    # 2024: P = (17 − 10)/(20 − 10) = 0.7 < S = 4/5 = 0.8 → still "behind schedule"
    r = evaluate(baseline=10, current=17, target=20, baseline_year=2020, year=2024,
                 target_year=2025, direction="increase")  # fmt: skip
    assert r.status is Status.BEHIND_SCHEDULE


def test_missed_2025_target_is_not_achieved_in_assess():
    # forest 11.4 (2020) → 13.0 (2025) against 13.68: P = 1.6/2.28 = 0.701754, not met
    r = one(
        assess(
            frame(
                (CITY, 2020, "forest_coverage", 11.4, "%"),
                (CITY, 2025, "forest_coverage", 13.0, "%"),
            ),
            targets=["forest_coverage"],
            year=2025,
        )
    )
    assert r["status"] == "not_achieved"
    assert r["status_zh"] == "未完成"
    assert r["completion"] == approx(0.701754, rel=1e-6)


# --- assigned targets -----------------------------------------------------------------------


def test_assigned_target_without_value_shows_its_figures():
    # energy intensity 0.50 (2020) → 0.45 (2023): change = 0.45/0.50 − 1 = −10 %
    r = one(
        assess(
            frame((CITY, 2020, "energy_intensity", 0.50, INTENSITY),
                  (CITY, 2023, "energy_intensity", 0.45, INTENSITY)),
            targets=["energy_dual_control"],
        )
    )  # fmt: skip
    assert r["status"] == "not_assessable"
    assert r["reason"] == "target_not_set"
    assert (r["baseline"], r["latest"], r["latest_year"]) == (0.50, 0.45, 2023)
    assert r["change"] == approx(-10.0)
    assert pd.isna(r["completion"])


# --- plans as data --------------------------------------------------------------------------


def test_default_plan_is_the_jinan_14th_plan():
    plan = default_plan()
    assert (plan.base_year, plan.target_year, plan.period) == (2020, 2025, (2021, 2025))
    assert plan.issued_by == "济南市人民政府办公厅" and plan.issued == "2022-06-21"
    assert dict(plan.targets) == dict(TARGETS)
    assert plan.baselines["good_air_days_ratio"].value == 62.0


def test_a_second_plan_with_another_period():
    plan = load_plan(PLAN_2030)
    assert plan.synthetic and (plan.base_year, plan.target_year) == (2025, 2030)
    assert all(t.base_year == 2025 for t in plan.targets.values())
    # baseline from the plan's baselines.csv (by key); the "change over 2021–2025" row is not one
    assert plan.targets["forest_2030"].baseline.value == 14.0
    assert plan.targets["water_2030"].baseline is None
    values = frame((CITY, 2027, "forest_coverage", 14.4, "%"),
                   (CITY, 2025, "water_use_per_gdp", 40.0, WATER),
                   (CITY, 2028, "water_use_per_gdp", 38.0, WATER),
                   (CITY, 2026, "new_roads_km", 50.0, "公里"),
                   (CITY, 2027, "new_roads_km", 70.0, "公里"))  # fmt: skip
    df = assess(values, plan=plan).set_index("key")
    # forest: P = (14.4 − 14)/(15 − 14) = 0.4; S = (2027 − 2025)/5 = 0.4 → on schedule
    assert df.loc["forest_2030", "completion"] == approx(0.4)
    assert df.loc["forest_2030", "time_elapsed"] == approx(0.4)
    assert df.loc["forest_2030", "status"] == "on_schedule"
    # water −10 % vs 2025: V* = 36; P = (40 − 38)/(40 − 36) = 0.5 vs S = 3/5 = 0.6 → behind
    assert df.loc["water_2030", "completion"] == approx(0.5)
    assert df.loc["water_2030", "status"] == "behind_schedule"
    # roads Σ 2026–2027 = 120 of 300: P = 0.4 = S = 0.4 → on schedule
    assert df.loc["roads_2030", "latest"] == 120.0
    assert df.loc["roads_2030", "status"] == "on_schedule"
    assert df.attrs["greenplan"]["plan"]["base_year"] == 2025


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        ("name_zh = 'x'\n", "missing field"),
        (
            "name_zh='x'\nname_en='x'\nissued_by='x'\nissued='2026-01-01'\nperiod=[2026, 2030]\n"
            "base_year=2026\ntarget_year=2030\n",
            "base_year < period start",
        ),
        (
            "name_zh='x'\nname_en='x'\nissued_by='x'\nissued='2026-01-01'\nperiod=[2026, 2030]\n"
            "base_year=2025\ntarget_year=2030\nregion_set='qingdao'\n",
            "unknown region_set",
        ),
        ("base_year = [", "not valid TOML"),
    ],
)
def test_load_plan_errors(tmp_path, toml, match):
    (tmp_path / "plan.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "targets.csv").write_text("key\n", encoding="utf-8")
    with pytest.raises(PlanError, match=match):
        load_plan(tmp_path)


def test_load_plan_needs_a_folder(tmp_path):
    with pytest.raises(PlanError, match="Not a plan folder"):
        load_plan(tmp_path / "nowhere")


def test_final_evaluation_without_final_year_data_says_so():
    # as of 2025 with data up to 2023: the 2023 status stands (P = 1.1/2.28 = 0.4825 < 0.6),
    # and the notes say the final year's value is missing
    r = one(
        assess(
            frame(
                (CITY, 2020, "forest_coverage", 11.4, "%"),
                (CITY, 2023, "forest_coverage", 12.5, "%"),
            ),
            targets=["forest_coverage"],
            year=2025,
        )
    )
    assert r["status"] == "behind_schedule"
    assert "final evaluation: no 2025 value yet, status as of 2023" in r["notes"]

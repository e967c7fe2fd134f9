"""Tests of greenplan.progress.evaluate: reference vectors, every kind, edge cases, options.

Expected values are literals computed by hand (arithmetic in the comments), from
shared/reference/progress_methods.md sections 5 and 6 where a vector exists there. Current-year
values not taken from that document are hypothetical.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from greenplan.definitions import Bound, Direction, TargetKind
from greenplan.errors import OptionError
from greenplan.progress import (
    STATUS_LABELS,
    Evaluation,
    Method,
    Status,
    evaluate,
    status_label,
)

approx = pytest.approx


def ev(**kw):
    """evaluate() with the plan period 2020–2025 and 2023 as defaults."""
    args = {"baseline_year": 2020, "year": 2023, "target_year": 2025, "direction": "increase"}
    args.update(kw)
    return evaluate(**args)


def water(**kw):
    # Section 5 vector: water use per 10⁴ yuan GDP, V0 = 50 (2020), target −16 % → V* = 42
    # (2025), Vt = 46 (2023), lower is better.
    return ev(
        baseline=50, current=46, target=-16, direction="decrease", kind="change_vs_base", **kw
    )


# --------------------------------------------------------------------------------------------
# Reference vectors (progress_methods.md §5, §6)
# --------------------------------------------------------------------------------------------


def test_water_sequential_reference_vector():
    r = water()
    assert r.method is Method.SEQUENTIAL
    assert r.target_level == approx(42.0)  # 50 × (1 − 0.16)
    assert r.completion == approx(0.5)  # P = (46 − 50)/(42 − 50) = −4/−8
    assert r.completion_raw == approx(0.5)
    assert r.time_elapsed == approx(0.6)  # S = (2023 − 2020)/(2025 − 2020) = 3/5
    # S_geo = [1 − 0.84^(3/5)]/0.16 = (1 − 0.900683)/0.16
    assert r.time_elapsed_geometric == approx(0.6208, abs=1e-4)
    assert r.schedule == approx(0.6)
    assert r.status is Status.BEHIND_SCHEDULE  # 0 ≤ P = 0.5 < S = 0.6
    assert r.category == "behind_schedule"
    assert r.status_zh == "滞后于序时进度"
    assert r.status_en == "Behind schedule"
    assert r.met is False
    assert r.gap == approx(-4.0)  # 42 − 46
    assert r.gap_relative == approx(-0.095238, rel=1e-5)  # −4/42
    assert r.required_annual_change == approx(-2.0)  # (42 − 46)/(2025 − 2023)
    # ((42/46)^(1/2) − 1) × 100 = (0.955533 − 1) × 100
    assert r.required_annual_rate == approx(-4.4467, abs=1e-4)
    # g = (46/50)^(1/3) − 1 = −0.027411; V̂ = 46 × (1 + g)^2 = 46 × 0.945929
    assert r.projected == approx(43.51, abs=0.005)
    assert r.projection == "cagr"
    assert r.projected_gap == approx(42 - 43.5127, abs=1e-3)
    assert r.cagr_actual == approx(-2.7411, abs=1e-4)  # % per year
    assert r.cagr_required == approx(-3.4270, abs=1e-4)  # (0.84^(1/5) − 1) × 100


def test_water_geometric_time_basis_is_stricter():
    r = water(time_basis="geometric")
    assert r.schedule == approx(0.6208, abs=1e-4)  # S_geo replaces S
    assert r.time_elapsed == approx(0.6)  # still reported
    assert r.status is Status.BEHIND_SCHEDULE
    assert r.time_basis == "geometric"


def test_water_escap_reference_vector():
    r = water(method="escap")
    assert r.csi == approx(0.5)  # −(46 − 50)/|42 − 50|
    # API = −(43.5127 − 50)/8 = 6.4873/8
    assert r.api == approx(0.811, abs=5e-4)
    assert r.projected == approx(43.51, abs=0.005)
    # Cr = g/g_req = −0.027411/−0.034270
    assert r.cr == approx(0.800, abs=5e-4)
    assert r.category == "accelerate_progress"  # 0 < API < 1
    assert r.status is Status.BEHIND_SCHEDULE
    assert r.completion == approx(0.5)


def test_water_eurostat_reference_vector():
    r = water(method="eurostat")
    assert r.ratio == approx(0.7999, abs=1e-4)  # −0.027411/−0.034270
    assert r.category == "moderate_progress"  # 0.60 ≤ 0.7999 < 0.95
    assert r.status is Status.BEHIND_SCHEDULE


def test_eleventh_fyp_energy_intensity_c10():
    # 十一五: −20 % by 2010 vs 2005, −15.61 % reached by 2009. Index 2005 = 100 → V* = 80,
    # Vt = 84.39.
    r = evaluate(
        baseline=100,
        current=84.39,
        target=-20,
        baseline_year=2005,
        year=2009,
        target_year=2010,
        direction="decrease",
        kind="change_vs_base",
    )
    assert r.completion == approx(0.7805)  # 15.61/20
    assert r.time_elapsed == approx(0.8)  # 4/5
    # S_geo = [1 − 0.8^(4/5)]/0.2 = (1 − 0.836512)/0.2
    assert r.time_elapsed_geometric == approx(0.8174, abs=1e-4)
    assert r.status is Status.BEHIND_SCHEDULE
    # required cut in 2010: 1 − 80/84.39 = 5.20 %
    assert r.required_annual_rate == approx(-5.20, abs=5e-3)
    assert r.required_annual_change == approx(-4.39)  # 80 − 84.39 over 1 year


def test_schedule_tolerance_band_gives_on_schedule():
    # C10 again: |P − S| = |0.7805 − 0.8| = 0.0195 ≤ 0.05 → 基本符合 (on schedule)
    r = evaluate(
        baseline=100,
        current=84.39,
        target=-20,
        baseline_year=2005,
        year=2009,
        target_year=2010,
        direction="decrease",
        kind="change_vs_base",
        schedule_tolerance=0.05,
    )
    assert r.status is Status.ON_SCHEDULE
    assert r.options["schedule_tolerance"] == 0.05


# --------------------------------------------------------------------------------------------
# Sequential statuses, level targets, both directions
# --------------------------------------------------------------------------------------------


def test_ahead_of_schedule_increase():
    # Forest coverage 11.4 → 13.0 (2023, hypothetical), target 13.68: P = 1.6/2.28 = 0.701754
    r = ev(baseline=11.4, current=13.0, target=13.68)
    assert r.completion == approx(0.701754, rel=1e-6)
    assert r.status is Status.AHEAD_OF_SCHEDULE
    assert r.status_zh == "快于序时进度"


def test_on_schedule_exactly_at_s():
    r = ev(baseline=10, current=16, target=20)  # P = 6/10 = 0.6 = S
    assert r.completion == approx(0.6)
    assert r.status is Status.ON_SCHEDULE


def test_achieved_early_and_at_target_year():
    r = ev(baseline=100, current=125, target=120)
    assert r.completion == 1.0  # capped
    assert r.completion_raw == approx(1.25)  # 25/20
    assert r.status is Status.ACHIEVED
    assert r.status_zh == "提前实现"
    assert r.status_en == "Achieved early"
    assert r.required_annual_change == 0.0
    assert r.required_annual_rate == 0.0
    assert r.met is True
    r25 = ev(baseline=100, current=125, target=120, year=2025)
    assert r25.status_zh == "已完成"
    assert r25.status_en == "Achieved"


def test_moving_away_increase():
    r = ev(baseline=100, current=95, target=120)
    assert r.completion_raw == approx(-0.25)  # −5/20
    assert r.completion == approx(-0.25)
    assert r.status is Status.MOVING_AWAY
    assert r.status_zh == "逆向变化"


def test_moving_away_decrease():
    r = ev(baseline=50, current=52, target=42, direction="decrease")
    assert r.completion == approx(-0.25)  # −(52 − 50)/8
    assert r.status is Status.MOVING_AWAY


def test_no_change_is_behind():
    r = ev(baseline=50, current=50, target=42, direction="decrease")
    assert r.completion == 0.0
    assert r.status is Status.BEHIND_SCHEDULE


def test_enums_accepted_for_direction_kind_method():
    r = evaluate(
        baseline=50,
        current=46,
        target=-16,
        baseline_year=2020,
        year=2023,
        target_year=2025,
        direction=Direction.DECREASE,
        kind=TargetKind.CHANGE_VS_BASE,
        method=Method.EUROSTAT,
    )
    assert r.ratio == approx(0.7999, abs=1e-4)


def test_linear_projection_option():
    r = water(projection="linear")
    # V̂ = 46 + (46 − 50)/3 × 2 = 43.3333
    assert r.projected == approx(43.333333, rel=1e-6)
    assert r.projection == "linear"


def test_partial_year():
    r = ev(baseline=10, current=15, target=20, year=2022.5)
    assert r.time_elapsed == approx(0.5)  # 2.5/5
    assert r.year == 2022.5
    assert r.status is Status.ON_SCHEDULE  # P = 0.5 = S


# --------------------------------------------------------------------------------------------
# Bounds: strict, approximately (左右), aspirational (力争)
# --------------------------------------------------------------------------------------------


def test_strict_bound_equal_is_not_met():
    r = ev(baseline=10, current=20, target=20, bound="above")
    assert r.met is False
    assert r.status is Status.AHEAD_OF_SCHEDULE  # P = 1 (not met) > S = 0.6
    assert any("strict" in n for n in r.notes)
    assert ev(baseline=10, current=20.5, target=20, bound="above").status is Status.ACHIEVED
    # at the target year, equal but strict: not achieved (final evaluation, 未完成)
    assert ev(baseline=10, current=20, target=20, bound="above", year=2025).status is (
        Status.NOT_ACHIEVED
    )


def test_strict_below_for_decrease():
    assert ev(baseline=2, current=1.25, target=1.25, direction="decrease", bound="below").met is (
        False
    )
    assert ev(baseline=2, current=1.2, target=1.25, direction="decrease", bound="below").met


def test_approximately_level_within_default_tolerance():
    # Renewable capacity 470 万千瓦左右: tolerance 5 % × 470 = 23.5; 450 ≥ 470 − 23.5
    r = ev(baseline=300, current=450, target=470, bound="approximately")
    assert r.status is Status.ACHIEVED
    assert r.completion == 1.0
    assert r.completion_raw == approx(0.882353, rel=1e-6)  # 150/170
    assert "左右" in r.status_reason
    # 440 < 446.5: not met; P = 140/170 = 0.823529 > 0.6
    r = ev(baseline=300, current=440, target=470, bound="approximately")
    assert r.status is Status.AHEAD_OF_SCHEDULE
    assert r.completion == approx(0.823529, rel=1e-6)
    # a wider tolerance (10 % × 470 = 47) accepts 440
    r = ev(baseline=300, current=440, target=470, bound="approximately", approx_tolerance=0.1)
    assert r.status is Status.ACHIEVED


def test_approximately_change_vs_base_is_relative_to_the_stated_change():
    # Fertilizer −6 % 左右: V* = 94 (V0 = 100); tolerance 5 % × 6 = 0.3
    r = ev(
        baseline=100,
        current=94.25,
        target=-6,
        kind="change_vs_base",
        direction="decrease",
        bound="approximately",
    )
    assert r.status is Status.ACHIEVED
    r = ev(
        baseline=100,
        current=94.4,
        target=-6,
        kind="change_vs_base",
        direction="decrease",
        bound="approximately",
    )
    assert r.status is Status.AHEAD_OF_SCHEDULE
    assert r.completion == approx(0.933333, rel=1e-6)  # 5.6/6


def test_aspirational_from_bound_and_option():
    r = ev(baseline=300, current=350, target=1000, bound="at_least_aspirational")
    assert r.aspirational is True
    assert r.bound is Bound.AT_LEAST_ASPIRATIONAL
    assert r.status is Status.BEHIND_SCHEDULE  # P = 50/700
    assert any("力争" in n for n in r.notes)
    r = ev(baseline=300, current=350, target=1000, aspirational=True)
    assert r.aspirational is True
    r = ev(baseline=300, current=1200, target=1000, aspirational=True)
    assert r.status is Status.ACHIEVED
    assert not any("力争" in n for n in r.notes)


def test_approximately_aspirational_bound():
    r = ev(baseline=300, current=450, target=470, bound="approximately_aspirational")
    assert r.aspirational is True
    assert r.status is Status.ACHIEVED


# --------------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------------


def test_cumulative():
    # 新建道路 700 km: 150 + 160 + 140 = 450 km added 2021–2023
    r = ev(baseline=None, current=450, target=700, kind="cumulative")
    assert r.baseline == 0.0
    assert r.completion == approx(0.642857, rel=1e-6)  # 450/700
    assert r.status is Status.AHEAD_OF_SCHEDULE  # > 0.6
    assert r.projection == "linear"  # default for cumulative
    assert r.projected == approx(750.0)  # 450 × 5/3
    assert r.projected_gap == approx(-50.0)
    assert r.required_annual_change == approx(125.0)  # (700 − 450)/2
    assert r.required_annual_rate is None  # not meaningful for a running total
    assert ev(baseline=0, current=450, target=700, kind="cumulative").completion == approx(
        0.642857, rel=1e-6
    )


def test_cumulative_rejects_nonzero_baseline():
    with pytest.raises(OptionError, match="cumulative"):
        ev(baseline=5, current=450, target=700, kind="cumulative")


def test_full_coverage():
    r = ev(baseline=80, current=92, target=None, kind="full_coverage")
    assert r.target_level == 100.0
    assert r.completion == approx(0.6)  # 12/20
    assert r.status is Status.ON_SCHEDULE
    # CAGR projection 92 × (1.15^(1/3))^2 = 100.98 is capped at 100 %
    assert r.projected == 100.0
    assert ev(baseline=80, current=92, target=100, kind="full_coverage").completion == approx(0.6)


def test_full_coverage_already_full_at_baseline():
    r = ev(baseline=100, current=100, target=100, kind="full_coverage")
    assert r.status is Status.ACHIEVED
    assert r.completion == 1.0
    assert "already" in r.status_reason
    r = ev(baseline=100, current=98, target=100, kind="full_coverage")
    assert r.status is Status.MOVING_AWAY
    assert r.completion is None


def test_full_level_option_for_fractions():
    r = ev(baseline=0.8, current=0.92, target=None, kind="full_coverage", full_level=1.0)
    assert r.target_level == 1.0
    assert r.completion == approx(0.6)  # 0.12/0.20


def test_elimination():
    # Direct sewage outlets 20 → 8: completion = (20 − 8)/20 = 0.6
    r = ev(baseline=20, current=8, target=0, kind="elimination", direction="decrease")
    assert r.target_level == 0.0
    assert r.completion == approx(0.6)
    assert r.status is Status.ON_SCHEDULE
    assert r.gap == approx(-8.0)
    assert r.gap_relative is None  # zero target
    assert r.required_annual_rate == approx(-100.0)  # all of it must go
    r0 = ev(baseline=20, current=0, target=None, kind="elimination", direction="decrease")
    assert r0.status is Status.ACHIEVED


def test_elimination_zero_baseline():
    r = ev(baseline=0, current=0, target=0, kind="elimination", direction="decrease")
    assert r.status is Status.ACHIEVED
    assert r.completion == 1.0
    r = ev(baseline=0, current=2, target=0, kind="elimination", direction="decrease")
    assert r.status is Status.MOVING_AWAY


def test_elimination_rejects_nonzero_target():
    with pytest.raises(OptionError, match="zero"):
        ev(baseline=20, current=8, target=5, kind="elimination", direction="decrease")


def test_escap_zero_target_api_stays_below_one():
    # progress_methods.md §1.2 (vector E7 shape): V0 = 20, Vt = 8 (k = 3), V* = 0.
    # g = 0.4^(1/3) − 1 = −0.263194; V̂ = 8 × 0.736806² = 4.3431; API = (20 − 4.3431)/20
    r = ev(
        baseline=20, current=8, target=0, kind="elimination", direction="decrease", method="escap"
    )
    assert r.csi == approx(0.6)
    assert r.api == approx(0.78285, abs=1e-5)
    assert r.category == "accelerate_progress"


def test_threshold():
    # Share of new data-centre projects with PUE below 1.25: 50 % → 75 %; target 100 %
    r = ev(baseline=50, current=75, target=1.25, kind="threshold", bound="below")
    assert r.target == 1.25  # the per-facility criterion, recorded
    assert r.target_level == 100.0
    assert r.completion == approx(0.5)  # 25/50
    assert r.status is Status.BEHIND_SCHEDULE
    # the strict bound is about the criterion, not the share: 100 % meets it
    assert ev(baseline=50, current=100, target=1.25, kind="threshold", bound="below").met


def test_direction_kind():
    r = ev(baseline=10, current=9, target=None, kind="direction", direction="decrease")
    assert r.status is Status.ON_SCHEDULE
    assert r.category == "desired_direction"
    assert r.completion is None
    assert r.target_level is None
    assert r.gap is None
    r = ev(baseline=10, current=9, target=None, kind="direction", direction="decrease", year=2025)
    assert r.status is Status.ACHIEVED
    r = ev(baseline=10, current=10, target=None, kind="direction", direction="decrease")
    assert r.status is Status.BEHIND_SCHEDULE
    assert r.category == "no_change"
    r = ev(baseline=10, current=11, target=None, kind="direction", direction="decrease")
    assert r.status is Status.MOVING_AWAY
    r = ev(baseline=10, current=11, target=None, kind="direction", direction="increase")
    assert r.status is Status.ON_SCHEDULE


def test_direction_kind_eurostat_trend():
    # (9/10)^(1/3) − 1 = −3.45 %/yr; direction-adjusted +3.45 > 1 → significant
    r = ev(
        baseline=10,
        current=9,
        target=None,
        kind="direction",
        direction="decrease",
        method="eurostat",
    )
    assert r.category == "significant_progress"
    assert r.status is Status.ON_SCHEDULE
    assert r.cagr_actual == approx(-3.4511, abs=1e-4)
    # (9.9/10)^(1/3) − 1 = −0.334 %/yr → adjusted 0.33, between 0 and 1 → moderate
    r = ev(
        baseline=10,
        current=9.9,
        target=None,
        kind="direction",
        direction="decrease",
        method="eurostat",
    )
    assert r.category == "moderate_progress"
    assert r.status is Status.BEHIND_SCHEDULE
    # +0.334 %/yr for a decrease target: adjusted −0.33 → moderate movement away
    r = ev(
        baseline=10,
        current=10.1,
        target=None,
        kind="direction",
        direction="decrease",
        method="eurostat",
    )
    assert r.category == "moderate_movement_away"
    assert r.status is Status.MOVING_AWAY
    r = ev(
        baseline=10,
        current=12,
        target=None,
        kind="direction",
        direction="decrease",
        method="eurostat",
    )
    assert r.category == "significant_movement_away"


def test_direction_kind_rejects_target():
    with pytest.raises(OptionError, match="takes no target"):
        ev(baseline=10, current=9, target=5, kind="direction", direction="decrease")


def test_non_increase_compliant():
    series = {2020: 100, 2021: 98, 2022: 98, 2023: 97}
    r = ev(
        baseline=None,
        current=None,
        target=None,
        kind="non_increase",
        direction="decrease",
        series=series,
    )
    assert r.baseline == 100.0
    assert r.current == 97.0
    assert r.status is Status.ON_SCHEDULE
    assert r.met is True
    assert r.category == "compliant"
    assert r.target_level == 100.0  # the cap: not above 2020
    assert r.gap == approx(3.0)
    r = ev(
        baseline=100,
        current=97,
        target=None,
        kind="non_increase",
        direction="decrease",
        series=series,
        year=2025,
    )
    assert r.status is Status.ACHIEVED


def test_non_increase_breach():
    series = {2020: 100, 2021: 98, 2022: 99, 2023: 97}  # 2022 rose over 2021
    r = ev(
        baseline=100,
        current=97,
        target=None,
        kind="non_increase",
        direction="decrease",
        series=series,
    )
    assert r.status is Status.MOVING_AWAY
    assert r.met is False
    assert "2022" in r.status_reason
    assert r.category == "non_compliant"


def test_non_increase_without_series_and_with_gaps():
    r = ev(baseline=100, current=101, target=None, kind="non_increase", direction="decrease")
    assert r.status is Status.MOVING_AWAY
    assert any("no yearly series" in n for n in r.notes)
    r = ev(
        baseline=100,
        current=97,
        target=None,
        kind="non_increase",
        direction="decrease",
        series={2020: 100, 2021: float("nan"), 2022: 99, 2023: 97},
    )
    assert r.status is Status.ON_SCHEDULE
    assert any("2021" in n for n in r.notes)


def test_non_increase_series_disagreeing_with_current():
    with pytest.raises(OptionError, match="disagrees"):
        ev(
            baseline=100,
            current=90,
            target=None,
            kind="non_increase",
            direction="decrease",
            series={2020: 100, 2023: 97},
        )


def test_series_only_for_non_increase():
    with pytest.raises(OptionError, match="non_increase"):
        ev(baseline=10, current=12, target=20, series={2021: 11})


def test_assigned_target():
    r = ev(baseline=0.5, current=0.45, target=None, kind="assigned", direction="decrease")
    assert r.status is Status.NOT_ASSESSABLE
    assert r.status_reason.startswith("target not set")
    with pytest.raises(OptionError, match="change_vs_base"):
        ev(baseline=0.5, current=0.45, target=-14.8, kind="assigned", direction="decrease")


# --------------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan])
def test_missing_current(missing):
    r = ev(baseline=10, current=missing, target=20)
    assert r.status is Status.NOT_ASSESSABLE
    assert "no data" in r.status_reason
    assert r.completion is None
    assert r.status_zh == "无法评估"


def test_missing_baseline():
    r = ev(baseline=None, current=12, target=20)
    assert r.status is Status.NOT_ASSESSABLE
    assert "baseline" in r.status_reason


def test_level_target_not_set():
    r = ev(baseline=10, current=12, target=None)
    assert r.status is Status.NOT_ASSESSABLE
    assert r.status_reason == "target not set"


def test_target_equals_baseline():
    r = ev(baseline=10, current=12, target=10)
    assert r.status is Status.NOT_ASSESSABLE
    assert "target equals baseline" in r.status_reason
    assert r.completion is None
    assert r.gap == approx(-2.0)  # still described
    r = ev(baseline=10, current=12, target=0, kind="change_vs_base")
    assert "target equals baseline" in r.status_reason


def test_zero_baseline_change_vs_base():
    r = ev(baseline=0, current=3, target=-16, kind="change_vs_base", direction="decrease")
    assert r.status is Status.NOT_ASSESSABLE
    assert "zero" in r.status_reason


def test_zero_baseline_level():
    r = ev(baseline=0, current=4, target=10)
    assert r.completion == approx(0.4)
    assert r.status is Status.BEHIND_SCHEDULE
    assert r.cagr_actual is None
    assert r.projection == "linear"  # CAGR undefined: linear fallback
    assert r.projected == approx(6.666667, rel=1e-6)  # 4 + 4/3 × 2
    assert any("linear" in n for n in r.notes)
    assert r.time_elapsed_geometric is None
    g = ev(baseline=0, current=4, target=10, time_basis="geometric")
    assert g.schedule == approx(0.6)  # geometric undefined → linear
    assert any("geometric" in n for n in g.notes)


def test_zero_baseline_eurostat_and_escap():
    r = ev(baseline=0, current=4, target=10, method="eurostat")
    assert r.ratio == approx(0.666667, rel=1e-6)  # (4/3)/(10/5)
    assert r.category == "moderate_progress"
    r = ev(baseline=0, current=4, target=10, method="eurostat", zero_handling="not_assessable")
    assert r.status is Status.NOT_ASSESSABLE
    r = ev(baseline=0, current=4, target=10, method="escap")
    assert r.api == approx(0.666667, rel=1e-6)  # linear V̂ 6.6667/10
    assert r.category == "accelerate_progress"
    r = ev(baseline=0, current=4, target=10, method="escap", zero_handling="not_assessable")
    assert r.status is Status.NOT_ASSESSABLE
    assert r.projected is None


def test_baseline_already_beyond_target():
    r = ev(baseline=130, current=125, target=120)
    assert r.status is Status.ACHIEVED
    assert r.completion == 1.0
    assert any("already met" in n for n in r.notes)
    r = ev(baseline=130, current=115, target=120)
    assert r.completion_raw == approx(-1.5)  # (115 − 130)/|120 − 130|
    assert r.status is Status.MOVING_AWAY


def test_eurostat_baseline_beyond_target_guard():
    # Vector EU8 shape: lower is better, V0 = 40 already beats V* = 42, then Vt = 44.
    # Plain ratio = [(44/40)^(1/3) − 1]/[(42/40)^(1/5) − 1] = 0.032280/0.009806 = 3.2919 ("on
    # track") but the value moved the wrong way and misses the target → movement away.
    r = ev(baseline=40, current=44, target=42, direction="decrease", method="eurostat")
    assert r.ratio == approx(3.2919, abs=1e-4)
    assert r.category == "movement_away"
    assert r.status is Status.MOVING_AWAY
    seq = ev(baseline=40, current=44, target=42, direction="decrease")
    assert seq.completion_raw == approx(-2.0)  # −(44 − 40)/|42 − 40|
    assert seq.status is Status.MOVING_AWAY


def test_eurostat_categories():
    # ratio = [(Vt/10)^(1/3) − 1]/[(20/10)^(1/5) − 1], g_req = 2^(0.2) − 1 = 0.148698
    # Vt = 15.8: g = 1.58^(1/3) − 1 = 0.164999 → ratio 1.1096 ≥ 0.95
    assert ev(baseline=10, current=15.8, target=20, method="eurostat").category == (
        "significant_progress"
    )
    # Vt = 11: g = 0.032280 → ratio 0.2171 < 0.60
    r = ev(baseline=10, current=11, target=20, method="eurostat")
    assert r.category == "insufficient_progress"
    assert r.ratio == approx(0.2171, abs=1e-4)
    assert r.status is Status.BEHIND_SCHEDULE
    assert ev(baseline=10, current=9, target=20, method="eurostat").category == "movement_away"
    assert ev(baseline=10, current=21, target=20, method="eurostat").category == "target_achieved"


def test_escap_categories():
    # V̂ = V0 (Vt/V0)^(5/3): Vt = 15 → 10 × 1.5^(5/3) = 19.66, API = 0.966 → accelerate
    assert ev(baseline=10, current=15, target=20, method="escap").category == (
        "accelerate_progress"
    )
    # Vt = 16 → 10 × 1.6^(5/3) = 21.90 ≥ 20 → API 1.19 → maintain progress
    r = ev(baseline=10, current=16, target=20, method="escap")
    assert r.category == "maintain_progress"
    assert r.status is Status.ON_SCHEDULE
    r = ev(baseline=10, current=9, target=20, method="escap")
    assert r.category == "reverse_trend"
    assert r.status is Status.MOVING_AWAY
    r = ev(baseline=10, current=21, target=20, method="escap")
    assert r.category == "target_achieved"
    assert r.csi == 1.0


def test_custom_thresholds():
    # water: ratio 0.7999 ≥ 0.75 → significant under custom cut-points
    assert water(method="eurostat", thresholds=(0.75, 0.5, 0.0)).category == (
        "significant_progress"
    )
    # water: API 0.811 ≥ 0.8 → maintain
    assert water(method="escap", thresholds=[0.8, 0.0]).category == "maintain_progress"


def test_year_equal_to_and_before_baseline_year():
    r = ev(baseline=10, current=10, target=20, year=2020)
    assert r.status is Status.NOT_ASSESSABLE
    assert "no time elapsed" in r.status_reason
    r = ev(baseline=10, current=10, target=20, year=2019)
    assert r.status is Status.NOT_ASSESSABLE
    assert "before the baseline year" in r.status_reason
    assert r.time_elapsed is None


def test_year_after_target_year():
    r = ev(baseline=10, current=18, target=20, year=2026)
    assert r.time_elapsed == 1.0  # capped
    assert r.status is Status.NOT_ACHIEVED  # P = 0.8 < 1 and the target year has passed
    assert r.status_zh == "未完成"
    assert r.projected is None
    assert r.required_annual_change is None
    assert any("after the target year" in n for n in r.notes)
    r = ev(baseline=10, current=21, target=20, year=2026)
    assert r.status is Status.ACHIEVED
    assert r.status_zh == "已完成"
    assert r.required_annual_change == 0.0


def test_after_target_year_other_methods():
    # ESCAP: no projection after 2025, the anticipated value is the latest: API = 18 − 10 / 10
    r = ev(baseline=10, current=18, target=20, year=2026, method="escap")
    assert r.api == approx(0.8)
    assert r.category == "accelerate_progress"
    assert r.status is Status.NOT_ACHIEVED  # the final evaluation keeps the method's category
    # Eurostat: g = (18/10)^(1/6) − 1 = 0.102920, g_req = 2^(1/5) − 1 = 0.148698 → 0.6921
    r = ev(baseline=10, current=18, target=20, year=2026, method="eurostat")
    assert r.ratio == approx(0.6921, abs=1e-4)
    assert r.category == "moderate_progress"
    assert r.status is Status.NOT_ACHIEVED


def test_eurostat_zero_target_uses_linear_rates():
    # A growth rate never reaches 0: ratio = [(8 − 20)/3]/[(0 − 20)/5] = −4/−4 = 1.0
    r = ev(
        baseline=20,
        current=8,
        target=0,
        kind="elimination",
        direction="decrease",
        method="eurostat",
    )
    assert r.ratio == approx(1.0)
    assert r.category == "significant_progress"
    assert any("zero target" in n for n in r.notes)


def test_json_round_trip_and_frozen():
    r = water(method="escap")
    text = r.model_dump_json()
    data = json.loads(text)
    assert data["status"] == "behind_schedule"
    assert data["status_zh"] == "滞后于序时进度"
    assert data["kind"] == "change_vs_base"
    assert Evaluation.model_validate_json(text) == r
    with pytest.raises(ValidationError):
        r.status = Status.ACHIEVED  # type: ignore[misc]


def test_not_assessable_requires_reason():
    with pytest.raises(ValidationError, match="status_reason"):
        Evaluation(
            method="sequential",
            kind="level",
            direction="increase",
            baseline=1.0,
            current=None,
            target=2.0,
            target_level=2.0,
            baseline_year=2020,
            year=2023,
            target_year=2025,
            status="not_assessable",
        )


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


def test_status_labels():
    assert [status_label(s) for s in Status] == [
        "已完成/提前实现",
        "未完成",
        "快于序时进度",
        "符合序时进度",
        "滞后于序时进度",
        "逆向变化",
        "无法评估",
    ]
    assert [status_label(s, "en") for s in Status] == [
        "Achieved",
        "Not achieved",
        "Ahead of schedule",
        "On schedule",
        "Behind schedule",
        "Moving away",
        "Not assessable",
    ]
    assert status_label("achieved", early=True) == "提前实现"
    assert status_label("achieved", "en", early=True) == "Achieved early"
    assert status_label("achieved", early=False) == "已完成"
    assert status_label("behind_schedule", early=True) == "滞后于序时进度"
    assert set(STATUS_LABELS) == set(Status)


def test_status_label_errors():
    with pytest.raises(OptionError, match="zh, en"):
        status_label("achieved", "fr")
    with pytest.raises(OptionError, match="'achieved'"):
        status_label("done")


# --------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"direction": "up"}, "'increase', 'decrease'"),
        ({"direction": "none"}, "increase' or 'decrease"),
        ({"kind": "ceiling"}, "allowed: 'level', 'change_vs_base'"),
        ({"method": "opensdg"}, "allowed: 'sequential', 'escap', 'eurostat'"),
        ({"foo": 1}, r"Unknown option\(s\) 'foo'.*allowed: .*approx_tolerance"),
        ({"method": "escap", "schedule_tolerance": 0.05}, "method\\(s\\) sequential only"),
        ({"method": "escap", "time_basis": "geometric"}, "sequential only"),
        ({"thresholds": (0.9, 0.5, 0.0)}, "escap, eurostat only"),
        ({"method": "escap", "trend_thresholds": (1, 0, -1)}, "eurostat only"),
        ({"time_basis": "log"}, "allowed: linear, geometric"),
        ({"projection": "spline"}, "allowed: cagr, linear"),
        ({"zero_handling": "epsilon"}, "allowed: linear, not_assessable"),
        ({"approx_tolerance": -0.1}, "approx_tolerance must be a number ≥ 0"),
        ({"schedule_tolerance": "wide"}, "schedule_tolerance must be a number"),
        ({"method": "eurostat", "thresholds": (0.95, 0.6)}, "sequence of 3 numbers"),
        ({"method": "eurostat", "thresholds": (0.6, 0.95, 0.0)}, "strictly decreasing"),
        ({"method": "escap", "thresholds": "1,0"}, "sequence of 2 numbers"),
        ({"method": "eurostat", "trend_thresholds": (1, 0)}, "sequence of 3 numbers"),
        ({"full_level": 0}, "full_level must be a number > 0"),
        ({"kind": "non_increase", "target": None, "series": [1, 2]}, "series must be a mapping"),
        ({"aspirational": "yes"}, "aspirational must be True or False"),
        ({"bound": "around"}, "allowed: 'at_least'"),
        ({"baseline": "50"}, "baseline must be a number"),
        ({"baseline": True}, "baseline must be a number"),
        ({"current": float("inf")}, "current must be finite"),
        ({"target": object()}, "target must be a number"),
        ({"target_year": 2020}, "must be after baseline_year"),
        ({"year": None}, "year is required"),
    ],
)
def test_option_errors(kw, match):
    args = {"baseline": 10, "current": 12, "target": 20}
    args.update(kw)
    with pytest.raises(OptionError, match=match):
        ev(**args)


def test_option_error_is_a_value_error():
    with pytest.raises(ValueError):
        ev(baseline=10, current=12, target=20, direction="sideways")


def test_options_recorded():
    r = water(method="eurostat", projection="linear")
    assert r.options == {
        "approx_tolerance": 0.05,
        "projection": "linear",
        "zero_handling": "linear",
        "full_level": 100.0,
        "thresholds": [0.95, 0.6, 0.0],
        "trend_thresholds": [1.0, 0.0, -1.0],
    }


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
_years = st.integers(min_value=2021, max_value=2025)


def _oriented(v0, vstar):
    """A direction that makes the target a real change from the baseline."""
    return "increase" if vstar > v0 else "decrease"


def _distinct(v0, vstar):
    return abs(vstar - v0) > 1e-6 * max(abs(v0), abs(vstar), 1.0)


@given(v0=_values, vstar=_values, year=_years)
def test_completion_is_one_at_target_and_zero_at_baseline(v0, vstar, year):
    assume(_distinct(v0, vstar))
    d = _oriented(v0, vstar)
    at_target = ev(baseline=v0, current=vstar, target=vstar, direction=d, year=year)
    assert at_target.completion == 1.0
    assert at_target.status is Status.ACHIEVED
    at_base = ev(baseline=v0, current=v0, target=vstar, direction=d, year=year)
    assert at_base.completion == 0.0
    # no progress: behind schedule before the target year, not achieved in it (总结评估)
    assert at_base.status is (Status.NOT_ACHIEVED if year == 2025 else Status.BEHIND_SCHEDULE)


@given(v0=_values, vt=_values, vstar=_values, year=_years)
def test_mirroring_values_and_direction_keeps_completion(v0, vt, vstar, year):
    assume(_distinct(v0, vstar))
    for d, flipped in (("increase", "decrease"), ("decrease", "increase")):
        a = ev(baseline=v0, current=vt, target=vstar, direction=d, year=year)
        b = ev(baseline=-v0, current=-vt, target=-vstar, direction=flipped, year=year)
        assert b.completion_raw == approx(a.completion_raw, rel=1e-9, abs=1e-12)
        assert b.completion == approx(a.completion, rel=1e-9, abs=1e-12)
        assert b.status is a.status
        assert b.gap == approx(-a.gap, rel=1e-9, abs=1e-9)


@given(v0=_values, vstar=_values, a=_values, b=_values, year=_years)
def test_completion_is_monotone_in_current_value(v0, vstar, a, b, year):
    assume(_distinct(v0, vstar))
    lo, hi = sorted((a, b))
    for d, sign in (("increase", 1), ("decrease", -1)):
        c_lo = ev(baseline=v0, current=lo, target=vstar, direction=d, year=year).completion
        c_hi = ev(baseline=v0, current=hi, target=vstar, direction=d, year=year).completion
        assert sign * (c_hi - c_lo) >= -1e-9


@given(
    v0=_positive,
    vt=_positive,
    vstar=_positive,
    c=st.floats(min_value=1e-3, max_value=1e3),
    year=_years,
    method=st.sampled_from(list(Method)),
)
def test_scaling_leaves_completion_and_status_unchanged(v0, vt, vstar, c, year, method):
    assume(_distinct(v0, vstar))
    d = _oriented(v0, vstar)
    a = ev(baseline=v0, current=vt, target=vstar, direction=d, year=year, method=method)
    b = ev(baseline=c * v0, current=c * vt, target=c * vstar, direction=d, year=year, method=method)
    assert b.completion == approx(a.completion, rel=1e-9, abs=1e-12)
    # Ratios of growth rates are scale-free too.
    for field in ("api", "ratio", "time_elapsed_geometric"):
        x, y = getattr(a, field), getattr(b, field)
        assert (x is None) == (y is None)
        if x is not None:
            assert y == approx(x, rel=1e-6, abs=1e-9)
    # Statuses agree unless a value sits within rounding of a cut-point.
    if a.status is not b.status:
        assert _near_cut_point(a)


def _near_cut_point(r: Evaluation, tol: float = 1e-6) -> bool:
    cuts = {
        Method.SEQUENTIAL: (r.completion_raw, (0.0, r.schedule, 1.0)),
        Method.ESCAP: (r.api, (0.0, 1.0)),
        Method.EUROSTAT: (r.ratio, (0.0, 0.6, 0.95)),
    }
    x, points = cuts[r.method]
    near_met = abs(r.current - r.target_level) <= tol * max(abs(r.target_level), 1.0)
    return near_met or (x is not None and any(abs(x - c) < tol for c in points))


@given(
    v0=_values,
    vt=_values,
    vstar=_values,
    year=_years,
    direction=st.sampled_from(["increase", "decrease"]),
)
def test_status_consistent_with_completion(v0, vt, vstar, year, direction):
    assume(_distinct(v0, vstar))
    r = ev(baseline=v0, current=vt, target=vstar, direction=direction, year=year)
    assert r.status is not Status.NOT_ASSESSABLE
    assert 0.0 <= r.time_elapsed <= 1.0
    assert r.completion <= 1.0
    assert (r.status is Status.ACHIEVED) == bool(r.met)
    if r.status is Status.MOVING_AWAY:
        assert r.completion_raw < 0
    if r.status in (Status.AHEAD_OF_SCHEDULE, Status.ON_SCHEDULE):
        assert r.completion >= r.time_elapsed - 1e-9
    if r.status is Status.BEHIND_SCHEDULE:
        assert r.completion + 1e-9 >= 0 and r.completion < r.time_elapsed + 1e-9


def test_old_import_paths_still_resolve():
    # progress.py became a package and its display code moved to the report layer: the names
    # users imported from greenplan.progress keep working.
    import greenplan.progress as progress
    import greenplan.report.style as report_style

    assert progress.style is report_style.style
    assert progress.STATUS_COLOURS is report_style.STATUS_COLOURS
    assert progress.evaluate.__module__ == "greenplan.progress.evaluation"
    with pytest.raises(AttributeError):
        progress.no_such_name  # noqa: B018

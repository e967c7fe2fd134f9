"""Environment indicators: good air days, surface-water sections, forest coverage.

Expected values are literals; the arithmetic is in the comments. Frames labelled "synthetic"
are made-up statistics for testing, not Jinan data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.errors import OptionError
from greenplan.indicators.environment import (
    ENV_PARAMETERS,
    forest_coverage,
    good_days_from_daily_aqi,
    good_days_ratio,
    parse_water_class,
    sections_from_classes,
    share_percent,
    water_class_share,
)
from greenplan.units import convert
from greenplan.variables import VARIABLES
from helpers import CITY, long_table
from helpers import value_in as value

# --- share_percent and the formula functions ------------------------------------------


def test_share_percent_scalar():
    # 292 / 365 = 0.8 → 80 %
    assert share_percent(292.0, 365.0) == pytest.approx(80.0)


def test_share_percent_zero_denominator_is_nan_not_inf():
    assert math.isnan(share_percent(1.0, 0.0))
    assert math.isnan(share_percent(0.0, 0.0))
    out = share_percent(np.array([1.0, 3.0]), np.array([0.0, 4.0]))
    assert np.isnan(out[0]) and out[1] == pytest.approx(75.0)
    assert not np.isinf(out).any()


def test_share_percent_series_keeps_index_with_scalar_zero():
    s = pd.Series([1.0, 2.0], index=["a", "b"])
    out = share_percent(s, 0.0)
    assert list(out.index) == ["a", "b"]
    assert out.isna().all()


def test_good_days_ratio_scalar():
    # 2020 was a leap year: 227 good of 366 valid days = 0.620218… → 62.02 % (≈ plan's 62 %)
    assert good_days_ratio(227.0, 366.0) == pytest.approx(62.021857923, rel=1e-9)


def test_good_days_ratio_array():
    # [292/365, 183/366, 0/0] = [80 %, 50 %, NaN]
    out = good_days_ratio(np.array([292.0, 183.0, 0.0]), np.array([365.0, 366.0, 0.0]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out[:2], [80.0, 50.0])
    assert np.isnan(out[2])


def test_good_days_ratio_series_keeps_index():
    good = pd.Series([238.0, 0.0], index=pd.Index([2025, 2026], name="year"))
    valid = pd.Series([365.0, 0.0], index=good.index)
    out = good_days_ratio(good, valid)
    assert out.index.equals(good.index)
    # 238 / 365 = 0.652054… → 65.21 % (just above the 65.2 % target)
    assert out.loc[2025] == pytest.approx(65.205479452, rel=1e-9)
    assert math.isnan(out.loc[2026])


def test_good_days_ratio_missing_component_is_nan():
    assert math.isnan(good_days_ratio(np.nan, 365.0))


def test_water_class_share():
    # 14th-FYP style: 7 of 10 national sections at Ⅰ–Ⅲ = 70 %; 13th-FYP 2020: 6 of 7 = 85.71 %
    assert water_class_share(7.0, 10.0) == pytest.approx(70.0)
    assert water_class_share(6.0, 7.0) == pytest.approx(85.714285714, rel=1e-9)
    assert math.isnan(water_class_share(0.0, 0.0))


def test_forest_coverage_reproduces_plan_2020_value():
    # illustrative: land 1 024 445 ha (≈ 10 244 km²) × 0.114 = 116 786.73 ha → 11.4 %
    assert forest_coverage(116786.73, 1024445.0) == pytest.approx(11.4, rel=1e-9)


def test_forest_coverage_array_and_zero_land():
    out = forest_coverage(np.array([50.0, 1.0]), np.array([200.0, 0.0]))
    # 50 / 200 = 25 %; zero land area → NaN
    assert out[0] == pytest.approx(25.0)
    assert np.isnan(out[1])


@given(
    forest=st.floats(min_value=0.0, max_value=1e7, allow_nan=False),
    land=st.floats(min_value=1.0, max_value=1e7, allow_nan=False),
)
def test_forest_coverage_unit_invariance(forest, land):
    """The ratio does not depend on the area unit (公顷 vs 亩 vs km²)."""
    ha = forest_coverage(forest, land)
    mu = forest_coverage(convert(forest, "公顷", "亩"), convert(land, "公顷", "亩"))
    km2 = forest_coverage(convert(forest, "公顷", "km^2"), convert(land, "公顷", "km^2"))
    assert mu == pytest.approx(ha, rel=1e-9, abs=1e-12)
    assert km2 == pytest.approx(ha, rel=1e-9, abs=1e-12)


@given(
    valid=st.integers(min_value=1, max_value=366),
    good=st.integers(min_value=0, max_value=366),
    extra=st.integers(min_value=1, max_value=50),
)
def test_good_days_ratio_monotone_and_bounded(valid, good, extra):
    good = min(good, valid)
    r = good_days_ratio(float(good), float(valid))
    assert 0.0 <= r <= 100.0
    more = min(good + extra, valid)
    assert good_days_ratio(float(more), float(valid)) >= r


# --- parameters -------------------------------------------------------------------------


def test_parameters_carry_provenance():
    p = ENV_PARAMETERS["aqi_good_max"]
    assert p.number == 100.0
    assert "HJ 633" in p.source and p.confidence == "M"
    assert ENV_PARAMETERS["water_class_good_max"].number == 3.0
    assert "总氮" in ENV_PARAMETERS["excluded_parameter"].values


# --- daily AQI records --------------------------------------------------------------------


def _daily() -> pd.DataFrame:
    """Synthetic daily AQI: 2021-12-29 … 2022-01-02 for the city, one district day."""
    return pd.DataFrame(
        {
            "region": [CITY] * 5 + ["历下区"],
            "date": [
                *("2021-12-29", "2021-12-30", "2021-12-31", "2022-01-01", "2022-01-02"),
                "2021-12-31",
            ],
            "aqi": [100, 101, np.nan, 45, 160, 80],
        }
    )


def test_good_days_from_daily_aqi_counts():
    rows = good_days_from_daily_aqi(_daily())
    assert list(rows.columns) == ["region", "year", "variable", "value", "unit"]
    assert set(rows["unit"]) == {"天"}
    got = rows.set_index(["region", "year", "variable"])["value"]
    # city 2021: AQI 100 (good, boundary), 101 (valid, not good), NaN (invalid) → 1 good / 2 valid
    assert got[(CITY, 2021, "good_air_days")] == 1.0
    assert got[(CITY, 2021, "valid_monitoring_days")] == 2.0
    # city 2022: 45 (good), 160 → 1 / 2
    assert got[(CITY, 2022, "good_air_days")] == 1.0
    assert got[(CITY, 2022, "valid_monitoring_days")] == 2.0
    assert got[("历下区", 2021, "good_air_days")] == 1.0


def test_good_days_from_daily_aqi_valid_flag():
    daily = _daily().assign(valid=[True, False, True, True, None, True])
    got = good_days_from_daily_aqi(daily).set_index(["region", "year", "variable"])["value"]
    # 2021: AQI 101 flagged invalid, NaN AQI invalid despite flag → 1 good / 1 valid
    assert got[(CITY, 2021, "valid_monitoring_days")] == 1.0
    # 2022: missing flag (None) is not valid → 1 good (45) / 1 valid
    assert got[(CITY, 2022, "valid_monitoring_days")] == 1.0


def test_good_days_from_daily_aqi_dust_deduction():
    daily = _daily().assign(dust=[False, True, False, False, True, False])
    kept = good_days_from_daily_aqi(daily).set_index(["region", "year", "variable"])["value"]
    deducted = good_days_from_daily_aqi(daily, deduct_dust=True).set_index(
        ["region", "year", "variable"]
    )["value"]
    assert kept[(CITY, 2021, "valid_monitoring_days")] == 2.0
    # the dust day with AQI 101 leaves the valid days: 1 good / 1 valid
    assert deducted[(CITY, 2021, "valid_monitoring_days")] == 1.0
    assert deducted[(CITY, 2021, "good_air_days")] == 1.0
    assert deducted[(CITY, 2022, "valid_monitoring_days")] == 1.0


def test_good_days_from_daily_aqi_good_max_parameter():
    got = good_days_from_daily_aqi(_daily(), good_max=50).set_index(["region", "year", "variable"])[
        "value"
    ]
    assert got[(CITY, 2021, "good_air_days")] == 0.0
    assert got[(CITY, 2022, "good_air_days")] == 1.0


def test_good_days_from_daily_aqi_year_without_valid_day_gives_nan_ratio():
    daily = pd.DataFrame({"region": CITY, "date": ["2023-05-01"], "aqi": [np.nan]})
    rows = good_days_from_daily_aqi(daily)
    assert rows["value"].tolist() == [0.0, 0.0]
    out = compute(rows, "good_air_days_ratio")
    assert out.empty


def test_good_days_from_daily_aqi_rejects_duplicates_and_missing_columns():
    daily = pd.concat([_daily(), _daily().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="repeat a \\(region, date\\)"):
        good_days_from_daily_aqi(daily)
    with pytest.raises(ValueError, match="aqi"):
        good_days_from_daily_aqi(_daily().drop(columns="aqi"))
    with pytest.raises(ValueError, match="dust"):
        good_days_from_daily_aqi(_daily(), deduct_dust=True)
    with pytest.raises(ValueError, match="no date"):
        good_days_from_daily_aqi(_daily().assign(date=[None] * 6))


def test_good_days_from_daily_aqi_end_to_end():
    rows = good_days_from_daily_aqi(_daily())
    out = compute(rows, "good_air_days_ratio")
    # city 2021: 1 / 2 = 50 %
    assert value(out, "good_air_days_ratio") == pytest.approx(50.0)
    assert value(out, "good_air_days_ratio", "历下区") == pytest.approx(100.0)


# --- water classes and sections ---------------------------------------------------------


def test_parse_water_class_labels():
    labels = ["Ⅰ", "Ⅱ类", "III", "iv", "Ⅴ", "劣Ⅴ", "劣V类", "worse than V", 3, 6.0, None, ""]
    got = parse_water_class(labels)
    expected = [1, 2, 3, 4, 5, 6, 6, 6, 3, 6]
    assert got.iloc[:10].tolist() == expected
    assert got.iloc[10:].isna().all()


def test_parse_water_class_unknown_label_raises():
    with pytest.raises(ValueError, match="Unknown water-quality class"):
        parse_water_class(["Ⅲ", "VII", "good"])


def _sections() -> pd.DataFrame:
    """Synthetic section table, 2021: one boundary section listed under two districts."""
    return pd.DataFrame(
        {
            "section": ["A", "B", "C", "A", "D", "E"],
            "region": ["历下区", "历下区", "槐荫区", "槐荫区", "槐荫区", "槐荫区"],
            "year": 2021,
            "level": ["国控", "national", "市控", "国控", "省控", "city"],
            "class": ["Ⅱ", "劣Ⅴ", "Ⅳ", "Ⅲ类", None, "劣V"],
        }
    )


def test_sections_from_classes_counts():
    rows = sections_from_classes(_sections())
    assert set(rows["unit"]) == {"个"}
    got = rows.set_index(["region", "year", "variable"])["value"]
    # 历下区: A (Ⅱ) and B (劣Ⅴ) national → 2 assessed, 1 good, 1 worse than Ⅴ
    assert got[("历下区", 2021, "national_sections_assessed")] == 2.0
    assert got[("历下区", 2021, "national_sections_class_iii_or_better")] == 1.0
    assert got[("历下区", 2021, "national_sections_worse_than_v")] == 1.0
    assert got[("历下区", 2021, "city_sections_assessed")] == 0.0  # none there: 0, not missing
    # 槐荫区: provincial D has no class → not assessed
    assert got[("槐荫区", 2021, "provincial_sections_assessed")] == 0.0
    assert got[("槐荫区", 2021, "city_sections_worse_than_v")] == 1.0
    # city: A counted once with its worst class (Ⅲ), B 劣Ⅴ → 2 assessed, 1 good
    assert got[(CITY, 2021, "national_sections_assessed")] == 2.0
    assert got[(CITY, 2021, "national_sections_class_iii_or_better")] == 1.0
    # city-controlled: C (Ⅳ), E (劣Ⅴ) → 2 assessed, 1 worse than Ⅴ
    assert got[(CITY, 2021, "city_sections_assessed")] == 2.0
    assert got[(CITY, 2021, "city_sections_worse_than_v")] == 1.0


def test_sections_from_classes_without_city_rows():
    rows = sections_from_classes(_sections(), add_city=False)
    assert CITY not in set(rows["region"])


def test_sections_from_classes_per_parameter_worst_class():
    table = pd.DataFrame(
        {
            "section": ["A", "A", "A", "B", "B"],
            "region": CITY,
            "year": 2022,
            "level": "national",
            "parameter": ["高锰酸盐指数", "氨氮", "总氮", "化学需氧量", "总磷"],
            "class": ["Ⅱ", "Ⅲ", "劣Ⅴ", "Ⅳ", "Ⅲ"],
        }
    )
    got = sections_from_classes(table).set_index("variable")["value"]
    # A: total nitrogen excluded → worst of Ⅱ, Ⅲ = Ⅲ (good); B: worst Ⅳ → 1 of 2 good, none 劣Ⅴ
    assert got["national_sections_assessed"] == 2.0
    assert got["national_sections_class_iii_or_better"] == 1.0
    assert got["national_sections_worse_than_v"] == 0.0
    # without the exclusion, A is 劣Ⅴ
    strict = sections_from_classes(table, exclude_parameters=()).set_index("variable")["value"]
    assert strict["national_sections_worse_than_v"] == 1.0
    assert strict["national_sections_class_iii_or_better"] == 0.0


def test_sections_from_classes_errors():
    with pytest.raises(ValueError, match="level"):
        sections_from_classes(_sections().assign(level="县控"))
    with pytest.raises(ValueError, match="class"):
        sections_from_classes(_sections().drop(columns="class"))
    with pytest.raises(ValueError, match="Unknown water-quality class"):
        sections_from_classes(_sections().assign(**{"class": "bad"}))


def test_sections_end_to_end_share_count_and_worse_than_v():
    rows = sections_from_classes(_sections())
    out = compute(
        rows,
        [
            "surface_water_class_iii_share",
            "national_sections_assessed",
            "worse_than_v_sections_city",
        ],
    )
    # city: 1 of 2 national sections at Ⅰ–Ⅲ = 50 %, with the count 2 next to it
    assert value(out, "surface_water_class_iii_share") == pytest.approx(50.0)
    assert value(out, "national_sections_assessed") == 2.0
    assert value(out, "worse_than_v_sections_city") == 1.0
    # 历下区 has no city-controlled section in 劣Ⅴ …
    assert value(out, "worse_than_v_sections_city", "历下区") == 0.0
    # … but counting national sections too (option), its national B is 劣Ⅴ
    wide = compute(rows, "worse_than_v_sections_city", worse_than_v_scope="city_and_above")
    assert value(wide, "worse_than_v_sections_city", "历下区") == 1.0
    assert value(wide, "worse_than_v_sections_city") == 2.0  # E (city) + B (national)
    assert "worse_than_v_scope=city_and_above" in wide["method"].iloc[0]


def test_worse_than_v_scope_option_is_checked():
    with pytest.raises(OptionError):
        compute(sections_from_classes(_sections()), worse_than_v_scope="county")


# --- compute end to end, reported values, city from districts ---------------------------


def test_compute_environment_synthetic():
    stats = long_table(
        [
            (CITY, 2021, "good_air_days", 236.0),
            (CITY, 2021, "valid_monitoring_days", 365.0),
            (CITY, 2021, "national_sections_class_iii_or_better", 10.0),
            (CITY, 2021, "national_sections_assessed", 14.0),
            (CITY, 2021, "forest_area", 120000.0),
            (CITY, 2021, "land_area", 1000000.0),
            (CITY, 2021, "city_sections_worse_than_v", 0.0),
        ]
    )
    out = compute(
        stats,
        [
            "good_air_days_ratio",
            "surface_water_class_iii_share",
            "forest_coverage",
            "worse_than_v_sections_city",
        ],
    )
    # 236 / 365 = 64.657534… %
    assert value(out, "good_air_days_ratio") == pytest.approx(64.657534247, rel=1e-9)
    # 10 / 14 = 71.428571… %
    assert value(out, "surface_water_class_iii_share") == pytest.approx(71.428571429, rel=1e-9)
    # 120 000 / 1 000 000 = 12 %
    assert value(out, "forest_coverage") == pytest.approx(12.0)
    assert value(out, "worse_than_v_sections_city") == 0.0
    assert set(out["origin"]) == {"computed"}
    assert out.set_index("indicator").loc["forest_coverage", "unit"] == "%"


def test_reported_value_used_when_components_missing():
    stats = long_table(
        [
            (CITY, 2020, "good_air_days_ratio", 62.0),
            (CITY, 2020, "forest_coverage", 11.4),
            (CITY, 2021, "forest_area", 120000.0),  # land area missing → not computable
        ]
    )
    out = compute(stats, ["good_air_days_ratio", "forest_coverage"])
    assert value(out, "good_air_days_ratio", year=2020) == 62.0
    assert value(out, "forest_coverage", year=2020) == 11.4
    assert set(out["origin"]) == {"reported"}
    assert not ((out["indicator"] == "forest_coverage") & (out["year"] == 2021)).any()


def test_forest_coverage_city_from_districts_is_ratio_of_sums():
    stats = long_table(
        [
            ("历下区", 2021, "forest_area", 1000.0),
            ("历下区", 2021, "land_area", 10000.0),
            ("商河县", 2021, "forest_area", 9000.0),
            ("商河县", 2021, "land_area", 90000.0 + 30000.0),
        ]
    )
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(stats, "forest_coverage", city_from_districts="reporting_districts")
    # city = (1000 + 9000) / (10000 + 120000) = 7.692307… %, not the mean of 10 % and 7.5 %
    assert value(out, "forest_coverage") == pytest.approx(7.692307692, rel=1e-9)
    assert value(out, "forest_coverage", "历下区") == pytest.approx(10.0)


def test_good_days_are_not_summed_over_districts():
    stats = long_table(
        [
            ("历下区", 2021, "good_air_days", 200.0),
            ("历下区", 2021, "valid_monitoring_days", 365.0),
            ("商河县", 2021, "good_air_days", 250.0),
            ("商河县", 2021, "valid_monitoring_days", 365.0),
        ]
    )
    out = compute(stats, "good_air_days_ratio")
    assert CITY not in set(out["region"])


def test_reported_vs_computed_flags_disagreement():
    stats = long_table(
        [
            (CITY, 2021, "good_air_days", 236.0),
            (CITY, 2021, "valid_monitoring_days", 365.0),
            (CITY, 2021, "good_air_days_ratio", 64.6),  # 64.66 computed: within 0.5 %
            (CITY, 2022, "good_air_days", 200.0),
            (CITY, 2022, "valid_monitoring_days", 365.0),
            (CITY, 2022, "good_air_days_ratio", 59.3),  # 200/365 = 54.79 %: disagrees
            (CITY, 2022, "forest_area", 120000.0),
            (CITY, 2022, "land_area", 1000000.0),
            (CITY, 2022, "forest_coverage", 12.0),
        ]
    )
    bad = reported_vs_computed(stats)
    assert bad[["indicator", "year"]].values.tolist() == [["good_air_days_ratio", 2022]]
    assert bad["computed"].iloc[0] == pytest.approx(54.794520548, rel=1e-9)
    assert bad["reported"].iloc[0] == 59.3


def test_every_environment_indicator_is_in_the_codelist():
    from greenplan.indicators import INDICATORS

    ids = [i for i, ind in INDICATORS.items() if ind.domain == "environment"]
    assert set(ids) >= {
        "good_air_days_ratio",
        "surface_water_class_iii_share",
        "worse_than_v_sections_city",
        "forest_coverage",
        "national_sections_assessed",
    }
    for i in ids:
        assert i in VARIABLES
        assert VARIABLES[i].unit == INDICATORS[i].unit

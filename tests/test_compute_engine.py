"""The compute engine: to_wide, the city fill rule, recipes and Inputs, reported vs computed.

Every frame here is synthetic (made-up numbers), except where Jinan's public GDP is named.
Test-only recipes are registered in a throw-away copy of the registry (``scratch`` fixture),
so they never leak into ``greenplan.INDICATORS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import greenplan
from greenplan.engine import RESULT_COLUMNS, compute, coverage, inputs_from, reported_vs_computed
from greenplan.engine import to_wide as _to_wide
from greenplan.errors import GreenplanError, OptionError, StatisticsError
from greenplan.indicators import registry as _registry
from greenplan.indicators.registry import (
    Inputs,
    OptionSpec,
    declare_option,
    recipe,
    recipes,
    reported,
    resolve_options,
)
from greenplan.regions import CITY, districts

Stats = Callable[[list[tuple[str, int, str, float]]], pd.DataFrame]


def to_wide(stats: pd.DataFrame, **kw: Any) -> pd.DataFrame:
    return _to_wide(stats, **kw)


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private copy of the recipe and option registries for test-only recipes."""
    _registry.load_all()
    monkeypatch.setattr(_registry, "_RECIPES", dict(_registry._RECIPES))
    monkeypatch.setattr(_registry, "OPTIONS", _registry.OPTIONS.copy())
    yield


# --- to_wide ----------------------------------------------------------------------------


def test_to_wide_shape_and_types(make_stats: Stats) -> None:
    stats = make_stats(
        [
            ("市中区", 2021, "water_use", 2.0),
            ("历下区", 2020, "water_use", 1.0),
            ("历下区", 2020, "gdp", 100.0),
        ]
    )
    wide = to_wide(stats, fill_city=False)
    assert list(wide.columns) == ["gdp", "water_use"]
    assert wide.index.names == ["region", "year"]
    assert wide.index.tolist() == [("历下区", 2020), ("市中区", 2021)]  # sorted
    assert wide.index.get_level_values("year").dtype == "int64"
    assert (wide.dtypes == "float64").all()
    assert np.isnan(wide.loc[("市中区", 2021), "gdp"])


def test_to_wide_refuses_conflicting_duplicates(make_stats: Stats) -> None:
    # issue 15: the old behaviour (keep the last row) made the result depend on row order
    stats = make_stats([("历下区", 2020, "gdp", 1.0), ("历下区", 2020, "gdp", 2.0)])
    with pytest.raises(StatisticsError, match="rows 1, 2") as info:
        to_wide(stats)
    assert [f.code for f in info.value.report.findings] == ["duplicate_conflict"]
    same = make_stats([("历下区", 2020, "gdp", 2.0), ("历下区", 2020, "gdp", 2.0)])
    assert to_wide(same).loc[("历下区", 2020), "gdp"] == 2.0


def test_to_wide_ignores_extra_columns(make_stats: Stats) -> None:
    stats = make_stats([("历下区", 2020, "gdp", 1.0)]).assign(source="bulletin", unit="亿元")
    assert list(to_wide(stats).columns) == ["gdp"]


# --- the city fill rule: the 'reporting_districts' option ------------------------------------
# These frames deliberately hold a few districts only; the default ('all_districts') is
# tested in the next section.


def test_reporting_districts_option_fills_city_when_every_reporting_district_reports(
    make_stats: Stats,
) -> None:
    stats = make_stats(
        [
            ("历下区", 2020, "water_use", 1.0),
            ("市中区", 2020, "water_use", 2.0),
            ("平阴县", 2020, "water_use", 0.5),  # counties sum into the city too
        ]
    )
    wide = to_wide(stats, city_rule="reporting_districts")
    assert wide.loc[(CITY, 2020), "water_use"] == 3.5
    assert (CITY, 2020) not in to_wide(stats, fill_city=False).index


def test_no_partial_sum_for_the_city(make_stats: Stats) -> None:
    # 'reporting_districts' option: 市中区 reports 2020 only, so the 2021 city value would be
    # a partial sum of the reporting districts and stays NaN
    stats = make_stats(
        [
            ("历下区", 2020, "water_use", 1.0),
            ("历下区", 2021, "water_use", 1.1),
            ("市中区", 2020, "water_use", 2.0),
        ]
    )
    wide = to_wide(stats, city_rule="reporting_districts")
    assert wide.loc[(CITY, 2020), "water_use"] == 3.0
    assert np.isnan(wide.loc[(CITY, 2021), "water_use"])


def test_reported_city_value_never_overwritten(make_stats: Stats) -> None:
    # two districts, 'reporting_districts' option; every rule: test_new_default_* below
    stats = make_stats(
        [
            ("历下区", 2020, "water_use", 1.0),
            ("市中区", 2020, "water_use", 2.0),
            (CITY, 2020, "water_use", 3.5),  # the bureau's own figure (scope differs)
            ("历下区", 2021, "water_use", 1.0),
            ("市中区", 2021, "water_use", 2.0),
        ]
    )
    wide = to_wide(stats, city_rule="reporting_districts")
    assert wide.loc[(CITY, 2020), "water_use"] == 3.5
    assert wide.loc[(CITY, 2021), "water_use"] == 3.0  # absent: filled


def test_zones_never_summed(make_stats: Stats) -> None:
    stats = make_stats(
        [
            ("历下区", 2020, "gdp", 100.0),
            ("济南高新区", 2020, "gdp", 50.0),
            ("起步区", 2020, "gdp", 20.0),
            ("南部山区", 2020, "gdp", 5.0),
        ]
    )
    wide = to_wide(stats, city_rule="reporting_districts")
    assert wide.loc[(CITY, 2020), "gdp"] == 100.0
    assert wide.loc[("济南高新区", 2020), "gdp"] == 50.0
    assert "济南高新区" not in districts()
    assert len(districts()) == 12  # 10 districts and 2 counties


def test_non_additive_variables_not_summed(make_stats: Stats) -> None:
    stats = make_stats(
        [
            ("历下区", 2020, "gdp_real_growth", 5.0),
            ("市中区", 2020, "gdp_real_growth", 6.0),
            ("历下区", 2020, "gdp", 1.0),
            ("市中区", 2020, "gdp", 1.0),
        ]
    )
    wide = to_wide(stats, city_rule="reporting_districts")
    assert wide.loc[(CITY, 2020), "gdp"] == 2.0
    assert np.isnan(wide.loc[(CITY, 2020), "gdp_real_growth"])


def test_unknown_regions_not_summed(make_stats: Stats) -> None:
    stats = make_stats([("历下区", 2020, "gdp", 1.0), ("Atlantis", 2020, "gdp", 9.0)])
    assert to_wide(stats, city_rule="reporting_districts").loc[(CITY, 2020), "gdp"] == 1.0


def test_all_nan_district_values_do_not_make_a_zero(make_stats: Stats) -> None:
    stats = make_stats([("历下区", 2020, "gdp", np.nan), ("历下区", 2020, "water_use", 1.0)])
    wide = to_wide(stats, city_rule="reporting_districts")
    assert np.isnan(wide.loc[(CITY, 2020), "gdp"])
    assert wide.loc[(CITY, 2020), "water_use"] == 1.0


# --- the city fill rule: the default 'all_districts' and the other choices -------------------
# Synthetic water use (亿立方米) of all 12 districts and counties, in the order of
# greenplan.regions.districts(); binary fractions, so the sum is exact:
# 3 + 1.5 + 2.25 + 4 + 0.5 + 6.75 + 2 + 1 + 3.5 + 0.25 + 5 + 1.25 = 31
TWELVE = (3.0, 1.5, 2.25, 4.0, 0.5, 6.75, 2.0, 1.0, 3.5, 0.25, 5.0, 1.25)
RULES = ("all_districts", "reporting_districts", "never")


def _twelve(year: int = 2020) -> list[tuple[str, int, str, float]]:
    return [(d, year, "water_use", v) for d, v in zip(districts(), TWELVE, strict=True)]


def _city_value(wide: pd.DataFrame, year: int, column: str = "water_use") -> float:
    """The city's value in ``wide``; NaN when the city row or the column is absent."""
    if (CITY, year) not in wide.index or column not in wide.columns:
        return float("nan")
    return float(wide.loc[(CITY, year), column])


def test_default_city_rule_is_all_districts(make_stats: Stats) -> None:
    assert resolve_options({})["city_from_districts"] == "all_districts"
    out = compute(make_stats(JINAN_GDP), "gdp_constant_2020")
    assert out.attrs["greenplan"]["options"]["city_from_districts"] == "all_districts"


def test_new_default_one_district_gives_no_city_value(make_stats: Stats) -> None:
    # synthetic: 历下区 alone reports water use 1.0 and GDP 100.0
    stats = make_stats([("历下区", 2020, "water_use", 1.0), ("历下区", 2020, "gdp", 100.0)])
    assert np.isnan(_city_value(to_wide(stats), 2020))
    assert np.isnan(_city_value(to_wide(stats), 2020, "gdp"))
    # no city indicator either, neither the additive total nor a ratio built from it
    x = inputs_from(stats)
    assert np.isnan(_city_value(x.wide, 2020))
    out = compute(stats, ["water_use", "water_use_per_gdp"])
    assert CITY not in set(out["region"])
    assert set(out["region"]) == {"历下区"}
    assert set(out["indicator"]) == {"water_use", "water_use_per_gdp"}
    # the same frame under the old rule does fill the city: the default is what withholds it
    old = compute(stats, ["water_use"], city_from_districts="reporting_districts")
    assert old.query("region == @CITY")["value"].tolist() == [1.0]


@pytest.mark.parametrize("how", ["row_missing", "value_nan"])
def test_new_default_eleven_of_twelve_districts_give_no_city_value(
    make_stats: Stats, how: str
) -> None:
    # synthetic: 商河县 (the 12th) either has no row or reports NaN
    rows = _twelve()[:11]
    if how == "value_nan":
        rows.append(("商河县", 2020, "water_use", np.nan))
    stats = make_stats(rows)
    assert np.isnan(_city_value(to_wide(stats), 2020))
    assert CITY not in set(compute(stats, "water_use")["region"])
    # under 'reporting_districts' the 11 would be summed: 31 − 1.25 = 29.75
    if how == "row_missing":
        assert _city_value(to_wide(stats, city_rule="reporting_districts"), 2020) == 29.75


def test_new_default_all_twelve_districts_give_the_exact_sum(make_stats: Stats) -> None:
    stats = make_stats(_twelve())
    # 3 + 1.5 + 2.25 + 4 + 0.5 + 6.75 + 2 + 1 + 3.5 + 0.25 + 5 + 1.25 = 31
    assert _city_value(to_wide(stats), 2020) == 31.0
    out = compute(stats, "water_use").query("region == @CITY")
    assert out[["year", "value"]].values.tolist() == [[2020, 31.0]]


def test_new_default_all_twelve_in_one_year_only(make_stats: Stats) -> None:
    # synthetic: all 12 report 2020; in 2021 every one but 商河县 reports the same values
    stats = make_stats([*_twelve(2020), *_twelve(2021)[:11]])
    wide = to_wide(stats)
    assert _city_value(wide, 2020) == 31.0  # sum of TWELVE
    assert np.isnan(_city_value(wide, 2021))


@pytest.mark.parametrize("rule", RULES)
def test_reported_city_value_never_overwritten_under_any_rule(make_stats: Stats, rule: str) -> None:
    # synthetic: all 12 districts report 2020 and 2021; the city reports 99.0 for 2020 only
    # (the bureau's own figure, scope differs from the sum 31)
    stats = make_stats([*_twelve(2020), *_twelve(2021), (CITY, 2020, "water_use", 99.0)])
    wide = to_wide(stats, city_rule=rule)
    assert _city_value(wide, 2020) == 99.0
    x = inputs_from(stats, city_from_districts=rule)
    assert _city_value(x.wide, 2020) == 99.0
    out = compute(stats, "water_use", city_from_districts=rule).query("region == @CITY")
    assert out.set_index("year")["value"].get(2020) == 99.0
    # 2021 (no city row): filled with the sum 31 except under 'never'
    if rule == "never":
        assert np.isnan(_city_value(wide, 2021))
    else:
        assert _city_value(wide, 2021) == 31.0


def test_never_leaves_the_city_absent_with_all_twelve_districts(make_stats: Stats) -> None:
    stats = make_stats(_twelve())
    assert np.isnan(_city_value(to_wide(stats, city_rule="never"), 2020))
    assert np.isnan(_city_value(inputs_from(stats, city_from_districts="never").wide, 2020))
    out = compute(stats, "water_use", city_from_districts="never")
    assert CITY not in set(out["region"])
    assert len(out) == 12  # the districts' own values are untouched


@pytest.mark.parametrize(
    "call",
    [
        lambda s: compute(s, "water_use", city_from_districts="some_districts"),
        lambda s: reported_vs_computed(s, city_from_districts="some_districts"),
        lambda s: coverage(s, ["water_use"], city_from_districts="some_districts"),
        lambda s: inputs_from(s, city_from_districts="some_districts"),
    ],
    ids=["compute", "reported_vs_computed", "coverage", "inputs_from"],
)
def test_unknown_city_rule_lists_the_choices(
    make_stats: Stats, call: Callable[[pd.DataFrame], object]
) -> None:
    with pytest.raises(
        OptionError,
        match=r"city_from_districts='some_districts' is not allowed; "
        r"choose one of 'all_districts', 'reporting_districts', 'never'",
    ):
        call(make_stats(_twelve()))


# --- compute: results, origin, method --------------------------------------------------

JINAN_GDP = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
]


def test_compute_result_columns(make_stats: Stats) -> None:
    out = compute(make_stats(JINAN_GDP), "gdp_constant_2020")
    assert list(out.columns) == RESULT_COLUMNS
    assert out["year"].dtype == "int64"
    assert out["value"].dtype == "float64"
    # 10140.91 × 1.072 = 10871.05552
    assert out["value"].tolist() == [10140.91, pytest.approx(10871.05552, rel=1e-12)]
    assert out.attrs["greenplan"]["indicators"] == ["gdp_constant_2020"]
    assert out.attrs["greenplan"]["options"]["base_year"] == 2020


def test_compute_default_is_every_indicator(make_stats: Stats) -> None:
    out = compute(make_stats(JINAN_GDP))
    assert set(out["indicator"]) >= {"gdp_constant_2020", "gdp_real_index"}
    assert out.attrs["greenplan"]["indicators"] == list(greenplan.INDICATORS)


def test_compute_empty_result_keeps_columns(make_stats: Stats) -> None:
    out = compute(make_stats([(CITY, 2020, "water_use", 1.0)]), "gdp_constant_2020")
    assert out.empty
    assert list(out.columns) == RESULT_COLUMNS
    assert out["year"].dtype == "int64"
    assert out["value"].dtype == "float64"


def test_compute_empty_stats(make_stats: Stats) -> None:
    out = compute(make_stats([]), ["gdp_constant_2020"])
    assert out.empty and list(out.columns) == RESULT_COLUMNS


def test_computed_value_wins_over_reported(make_stats: Stats) -> None:
    stats = make_stats(
        [
            *JINAN_GDP,
            (CITY, 2021, "gdp_constant_2020", 10000.0),  # disagrees: the formula wins
            (CITY, 2022, "gdp_constant_2020", 11300.0),  # no growth for 2022: reported used
        ]
    )
    out = compute(stats, "gdp_constant_2020").set_index("year")
    assert out.loc[2021, "value"] == pytest.approx(10871.05552, rel=1e-12)
    assert out.loc[2021, "origin"] == "computed"
    assert out.loc[2022, "value"] == 11300.0
    assert out.loc[2022, "origin"] == "reported"
    assert out.loc[2020, "origin"] == "computed"


def test_reported_only_indicator(make_stats: Stats, scratch: None) -> None:
    reported(id="test_reported_share", name_zh="测试", name_en="Test", unit="%", domain="test")
    out = compute(make_stats([(CITY, 2020, "test_reported_share", 62.0)]), "test_reported_share")
    assert out[["value", "origin", "unit"]].values.tolist() == [[62.0, "reported", "%"]]


def test_method_records_options_and_notes(make_stats: Stats, scratch: None) -> None:
    @recipe(
        id="test_with_note",
        name_zh="测试",
        name_en="Test",
        unit="亿元",
        domain="test",
        options=("base_year",),
    )
    def _f(x: Inputs) -> pd.Series:
        x.note("factor vintage 2022")
        x.note("factor vintage 2022")  # recorded once
        return x["gdp"] * 2

    out = compute(make_stats([(CITY, 2020, "gdp", 1.0)]), "test_with_note", base_year=2019)
    assert out["method"].tolist() == ["base_year=2019; factor vintage 2022"]
    assert out["value"].tolist() == [2.0]


def test_additive_recipe_city_filled_from_districts(make_stats: Stats, scratch: None) -> None:
    @recipe(
        id="test_additive", name_zh="测试", name_en="Test", unit="1", domain="test", additive=True
    )
    def _f(x: Inputs) -> pd.Series:
        return x["gdp_real_growth"] * 0 + 1.0  # 1 per district with a growth rate

    stats = make_stats(
        [
            ("历下区", 2020, "gdp_real_growth", 5.0),
            ("市中区", 2020, "gdp_real_growth", 6.0),
            ("历下区", 2021, "gdp_real_growth", 5.0),
        ]
    )
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(stats, "test_additive", city_from_districts="reporting_districts")
    city = out[out["region"] == CITY].set_index("year")["value"]
    assert city.to_dict() == {2020: 2.0}  # 2021: 市中区 missing, no partial sum


def test_circular_definition_detected(make_stats: Stats, scratch: None) -> None:
    @recipe(id="test_a", name_zh="a", name_en="a", unit="1", domain="test")
    def _a(x: Inputs) -> pd.Series:
        return x.indicator("test_b")

    @recipe(id="test_b", name_zh="b", name_en="b", unit="1", domain="test")
    def _b(x: Inputs) -> pd.Series:
        return x.indicator("test_a")

    with pytest.raises(RuntimeError, match="circular indicator definition: test_a -> test_b"):
        compute(make_stats([(CITY, 2020, "gdp", 1.0)]), "test_a")


def test_registering_twice_or_with_undeclared_option_fails(scratch: None) -> None:
    def f(x: Inputs) -> pd.Series:
        return x["gdp"]

    recipe(id="test_twice", name_zh="t", name_en="t", unit="1", domain="test")(f)
    with pytest.raises(RuntimeError, match="registered twice"):
        recipe(id="test_twice", name_zh="t", name_en="t", unit="1", domain="test")(f)
    with pytest.raises(RuntimeError, match="undeclared option 'no_such_option'"):
        recipe(
            id="test_opt",
            name_zh="t",
            name_en="t",
            unit="1",
            domain="test",
            options=("no_such_option",),
        )


# --- errors -------------------------------------------------------------------------------


def test_unknown_indicator(make_stats: Stats) -> None:
    with pytest.raises(
        GreenplanError, match=r"'gdp_constant' \(did you mean gdp_constant_2020\?\)"
    ):
        compute(make_stats(JINAN_GDP), "gdp_constant")
    with pytest.raises(GreenplanError, match="Unknown indicator"):
        compute(make_stats(JINAN_GDP), ["gdp_real_index", "zzz_not_there"])


def test_unknown_option_suggests(make_stats: Stats) -> None:
    with pytest.raises(
        OptionError, match=r"Unknown option 'base_yaer'\. Did you mean: base_year"
    ) as info:
        compute(make_stats(JINAN_GDP), base_yaer=2020)
    assert "Known options:" in str(info.value)
    assert isinstance(info.value, GreenplanError)


@pytest.mark.parametrize("value", ["2020", 2020.5, True, 1800, None])
def test_bad_option_value(make_stats: Stats, value: object) -> None:
    with pytest.raises(OptionError, match="base_year"):
        compute(make_stats(JINAN_GDP), base_year=value)


def test_resolve_options_defaults() -> None:
    opts = resolve_options({})
    assert opts["base_year"] == 2020
    assert set(opts) == set(_registry.OPTIONS)
    assert resolve_options({"base_year": np.int64(2021)})["base_year"] == 2021


def test_option_choices(scratch: None) -> None:
    spec = declare_option("test_basis", "gross", "Energy basis.", choices=("gross", "net"))
    assert spec.validate("net") == "net"
    with pytest.raises(OptionError, match="choose one of 'gross', 'net'"):
        spec.validate("neto")
    assert declare_option("test_basis", "gross", "Energy basis.", choices=("gross", "net")) == spec
    with pytest.raises(RuntimeError, match="declared twice"):
        declare_option("test_basis", "net", "Energy basis.")
    assert isinstance(spec, OptionSpec)


# --- reported vs computed, coverage ---------------------------------------------------------


def test_reported_vs_computed_tolerance(make_stats: Stats) -> None:
    # computed 2021 = 10871.05552; a rounded 10871.1 is within 0.5 %, 10000 is not
    within = make_stats([*JINAN_GDP, (CITY, 2021, "gdp_constant_2020", 10871.1)])
    assert reported_vs_computed(within).empty
    off = make_stats([*JINAN_GDP, (CITY, 2021, "gdp_constant_2020", 10000.0)])
    diff = reported_vs_computed(off)
    assert list(diff.columns) == ["region", "year", "indicator", "reported", "computed", "unit"]
    assert diff[["region", "year", "indicator", "reported", "unit"]].values.tolist() == [
        [CITY, 2021, "gdp_constant_2020", 10000.0, "亿元"]
    ]
    assert diff["computed"].iloc[0] == pytest.approx(10871.05552, rel=1e-12)
    # a tighter tolerance flags the rounded figure too
    assert len(reported_vs_computed(within, rtol=1e-9)) == 1


def test_reported_vs_computed_sees_city_filled_from_districts(make_stats: Stats) -> None:
    # The city's constant-price GDP is computed by summing the districts (additive);
    # a reported city figure that disagrees with that sum is listed. Two districts only:
    # the 'reporting_districts' option fills the city from them.
    stats = make_stats(
        [
            ("历下区", 2020, "gdp", 100.0),
            ("历下区", 2021, "gdp_real_growth", 10.0),
            ("市中区", 2020, "gdp", 200.0),
            ("市中区", 2021, "gdp_real_growth", 5.0),
            (CITY, 2021, "gdp_constant_2020", 999.0),
        ]
    )
    rule = "reporting_districts"
    diff = reported_vs_computed(stats, city_from_districts=rule)
    assert diff[["region", "year", "reported"]].values.tolist() == [[CITY, 2021, 999.0]]
    assert diff["computed"].iloc[0] == pytest.approx(320.0)  # 110 + 210
    assert compute(stats, "gdp_constant_2020", city_from_districts=rule).query(
        "region == @CITY and year == 2021"
    )["value"].tolist() == [pytest.approx(320.0)]


def test_reported_vs_computed_empty(make_stats: Stats) -> None:
    diff = reported_vs_computed(make_stats(JINAN_GDP))
    assert diff.empty
    assert list(diff.columns) == ["region", "year", "indicator", "reported", "computed", "unit"]


def test_coverage_names_missing_inputs(make_stats: Stats) -> None:
    stats = make_stats([(CITY, 2020, "gdp", 10140.91), (CITY, 2021, "gdp", 11432.22)])
    cov = coverage(stats, ["gdp_constant_2020", "gdp_real_index"])
    assert list(cov.columns) == ["indicator", "region", "year", "missing"]
    rows = cov.set_index(["indicator", "year"])["missing"].to_dict()
    assert rows == {
        ("gdp_constant_2020", 2021): "gdp_real_growth;gdp_index",
        ("gdp_real_index", 2021): "gdp_real_growth;gdp_index",
    }


def test_coverage_complete_is_empty(make_stats: Stats) -> None:
    cov = coverage(make_stats(JINAN_GDP), ["gdp_constant_2020"])
    assert cov.empty and list(cov.columns) == ["indicator", "region", "year", "missing"]


def test_coverage_reported_value_counts_as_covered(make_stats: Stats) -> None:
    stats = make_stats([*JINAN_GDP, (CITY, 2022, "gdp_constant_2020", 11300.0)])
    assert coverage(stats, ["gdp_constant_2020"]).empty


def test_coverage_unknown_indicator(make_stats: Stats) -> None:
    with pytest.raises(GreenplanError, match="Unknown indicator"):
        coverage(make_stats(JINAN_GDP), ["nope_nope"])


# --- units at the boundary ------------------------------------------------------------------


def test_non_canonical_units_converted_when_read(make_stats: Stats) -> None:
    # 1 014 091 00 万元 = 10140.91 亿元: the reading layer converts before any recipe runs
    stats = pd.DataFrame(
        {
            "region": [CITY, CITY],
            "year": [2020, 2021],
            "variable": ["gdp", "gdp_real_growth"],
            "value": [101409100.0, 7.2],
            "unit": ["万元", "%"],
        }
    )
    out = compute(stats, "gdp_constant_2020")
    assert out["value"].tolist() == [
        pytest.approx(10140.91, rel=1e-12),
        pytest.approx(10871.05552, rel=1e-12),
    ]


# --- Inputs helpers -----------------------------------------------------------------------


@pytest.fixture
def x(make_stats: Stats) -> Inputs:
    rows = [
        ("历下区", 2019, "water_use", 0.9),
        ("历下区", 2020, "water_use", 1.0),
        ("历下区", 2021, "water_use", 1.5),
        ("历下区", 2022, "water_use", 2.0),
        ("历下区", 2024, "water_use", 3.0),  # 2023 missing: a gap
        ("市中区", 2021, "water_use", 4.0),  # no base-year row
        ("市中区", 2022, "water_use", np.nan),
    ]
    return inputs_from(make_stats(rows))


def _d(s: pd.Series, region: str) -> dict[int, float]:
    sub = s[s.index.get_level_values("region") == region]
    return {int(y): float(v) for (_, y), v in sub.items()}


def _same(got: dict[int, float], expected: dict[int, float]) -> None:
    assert sorted(got) == sorted(expected)
    for k, v in expected.items():
        if np.isnan(v):
            assert np.isnan(got[k]), k
        else:
            assert got[k] == pytest.approx(v), k


NAN = float("nan")


def test_inputs_getitem_and_has(x: Inputs) -> None:
    assert x.has("water_use")
    assert not x.has("gdp")
    absent = x["gdp"]
    assert absent.index.equals(x.index) and absent.isna().all()
    assert x.base_year == 2020
    assert x.option("base_year") == 2020
    assert list(x.years) == list(x.index.get_level_values("year"))
    assert list(x.regions) == list(x.index.get_level_values("region"))


def test_inputs_at_base_and_at_year(x: Inputs) -> None:
    base = x.at_base(x["water_use"])
    _same(_d(base, "历下区"), {2019: 1.0, 2020: 1.0, 2021: 1.0, 2022: 1.0, 2024: 1.0})
    _same(_d(base, "市中区"), {2021: NAN, 2022: NAN})
    at_2022 = x.at_year(x["water_use"], 2022)
    _same(_d(at_2022, "历下区"), {2019: 2.0, 2020: 2.0, 2021: 2.0, 2022: 2.0, 2024: 2.0})
    _same(_d(at_2022, "市中区"), {2021: NAN, 2022: NAN})


def test_inputs_previous(x: Inputs) -> None:
    prev = x.previous(x["water_use"])
    _same(_d(prev, "历下区"), {2019: NAN, 2020: 0.9, 2021: 1.0, 2022: 1.5, 2024: NAN})
    _same(_d(prev, "市中区"), {2021: NAN, 2022: 4.0})


def test_inputs_cumulative_since_base(x: Inputs) -> None:
    cum = x.cumulative_since_base(x["water_use"])
    # 历下区: 2021 1.5; 2022 1.5 + 2.0 = 3.5; 2023 missing → 2024 unknown
    _same(_d(cum, "历下区"), {2019: NAN, 2020: NAN, 2021: 1.5, 2022: 3.5, 2024: NAN})
    # 市中区: 2021 4.0; 2022 NaN → NaN
    _same(_d(cum, "市中区"), {2021: 4.0, 2022: NAN})


def test_inputs_cumulative_product_since_base(x: Inputs) -> None:
    prod = x.cumulative_product_since_base(x["water_use"])
    # 历下区: 2020 → 1; 2021 1.5; 2022 1.5 × 2.0 = 3.0; gap → NaN
    _same(_d(prod, "历下区"), {2019: NAN, 2020: 1.0, 2021: 1.5, 2022: 3.0, 2024: NAN})


def test_inputs_cumulative_before_base_only(make_stats: Stats) -> None:
    x = inputs_from(make_stats([("历下区", 2019, "water_use", 1.0)]))
    assert x.cumulative_since_base(x["water_use"]).isna().all()


def test_indicator_is_memoised(make_stats: Stats) -> None:
    x = inputs_from(make_stats(JINAN_GDP))
    assert x.indicator("gdp_constant_2020") is x.indicator("gdp_constant_2020")
    assert x.origin("gdp_constant_2020").tolist() == ["computed", "computed"]
    assert "gdp_constant_2020" in recipes()


def test_compute_of_an_empty_table_is_empty_not_an_error():
    # An empty store (the service before any submission) computes nothing, without raising.
    empty = pd.DataFrame(
        {
            "region": pd.Series([], dtype=object),
            "year": pd.Series([], dtype="int64"),
            "variable": pd.Series([], dtype=object),
            "value": pd.Series([], dtype="float64"),
        }
    )
    out = compute(empty)
    assert len(out) == 0
    assert list(out.columns[:5]) == ["region", "year", "indicator", "value", "unit"]

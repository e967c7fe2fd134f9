"""greenplan.TARGETS against the plan's own copy of its targets (tests/data/plan_targets.csv).

The plan is 《济南市“十四五”绿色低碳循环发展规划》 (2022-06-21); tests/data holds its 43 quantified
targets and the 2020 figures it states (plan_baselines.csv), transcribed independently of the
package's resources.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from pydantic import ValidationError

import greenplan
from greenplan.definitions import Baseline, Bound, Direction, Target, TargetKind, TargetPreset
from greenplan.errors import GreenplanError
from greenplan.targets import (
    PRESETS,
    SUPPLEMENTARY_TARGETS,
    TARGETS,
    TargetConfigError,
    catalogue_frame,
    load_target_config,
    with_presets,
    with_values,
)
from greenplan.units import parse

DATA = Path(__file__).parent / "data"


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PLAN = _read("plan_targets.csv")
PLAN_BASELINES = {row["key"]: row for row in _read("plan_baselines.csv")}
PLAN_KEYS = [row["key"] for row in PLAN]


def test_all_43_targets_in_plan_order() -> None:
    assert len(PLAN) == 43
    assert list(TARGETS) == PLAN_KEYS
    assert len(TARGETS) == 43
    assert greenplan.TARGETS is TARGETS


@pytest.mark.parametrize("row", PLAN, ids=PLAN_KEYS)
def test_target_matches_plan(row: dict[str, str]) -> None:
    t = TARGETS[row["key"]]
    assert t.key == row["key"]
    expected_value = float(row["value"]) if row["value"] else None
    assert t.value == expected_value
    assert t.unit == row["unit"]
    assert t.year == (int(row["year"]) if row["year"] else None)
    assert t.kind.value == row["kind"]
    assert t.bound.value == row["bound"]
    assert t.section == row["section"]
    assert t.plan_words_zh == row["plan_words_zh"]
    assert t.note == row["note"]
    assert t.base_year == 2020


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_aspirational_is_li_zheng(key: str) -> None:
    # 力争 (strive for) in the plan's words ⇔ an aspirational bound
    t = TARGETS[key]
    assert t.aspirational == ("力争" in t.plan_words_zh)
    assert t.aspirational == t.bound.aspirational


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_value_appears_in_plan_words(key: str) -> None:
    t = TARGETS[key]
    if t.value is None or t.kind is TargetKind.FULL_COVERAGE or t.value == 0:
        return  # 全部/全覆盖/消除: no number in the words
    words = t.plan_words_zh.replace("千亿", "1000亿").replace("百亿", "100亿")
    assert f"{abs(t.value):g}" in words


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_target_unit_parses(key: str) -> None:
    t = TARGETS[key]
    if t.unit.startswith("% vs "):
        assert t.kind is TargetKind.CHANGE_VS_BASE
        assert t.unit == "% vs 2020"
    elif t.unit:
        parse(t.unit)
    else:
        assert t.value is None


def test_kinds_as_the_plan_states_them() -> None:
    by_kind: dict[str, set[str]] = {}
    for key, t in TARGETS.items():
        by_kind.setdefault(t.kind.value, set()).add(key)
    assert by_kind["assigned"] == {
        "energy_dual_control",
        "coal_consumption_control",
        "water_use_total",
        "construction_land_per_gdp",
    }
    assert by_kind["cumulative"] == {
        "new_roads_km",
        "new_railway_km",
        "residential_energy_retrofit_area",
        "new_green_building_area",
    }
    assert by_kind["change_vs_base"] == {"fertilizer_per_cultivated_area", "water_use_per_gdp"}
    assert by_kind["elimination"] == {
        "sewage_direct_outlets",
        "msw_landfill_zero",
        "worse_than_v_sections_city",
    }
    assert by_kind["threshold"] == {"data_center_pue", "data_center_rack_utilization"}
    assert by_kind["non_increase"] == {"two_high_energy_coal_non_increase"}
    assert len(by_kind["direction"]) == 3


def test_some_literal_targets() -> None:
    # the plan: 万元GDP用水量较2020年下降16%; 新能源和可再生能源装机力争达到470万千瓦左右;
    # 空气质量优良天数比例达到65.2%; 森林覆盖率达到13.68%
    t = TARGETS["water_use_per_gdp"]
    assert (t.value, t.unit, t.kind, t.bound) == (
        -16.0,
        "% vs 2020",
        TargetKind.CHANGE_VS_BASE,
        Bound.AT_LEAST,
    )
    assert t.direction is Direction.DECREASE
    r = TARGETS["renewable_capacity"]
    assert (r.value, r.unit, r.bound) == (470.0, "万千瓦", Bound.APPROXIMATELY_ASPIRATIONAL)
    assert r.aspirational
    assert r.bound.comparison == "approximately"
    assert TARGETS["good_air_days_ratio"].value == 65.2
    assert TARGETS["forest_coverage"].value == 13.68
    assert TARGETS["data_center_pue"].year is None  # a per-project criterion, no year


def test_assigned_targets_have_no_value() -> None:
    for key in ("energy_dual_control", "coal_consumption_control", "water_use_total"):
        t = TARGETS[key]
        assert t.value is None
        assert t.bound is Bound.PROVINCIAL
        assert not t.is_set
    assert TARGETS["industrial_energy_per_value_added"].is_set  # a direction needs no value
    assert TARGETS["two_high_energy_coal_non_increase"].is_set
    assert TARGETS["forest_coverage"].is_set


# --- baselines ----------------------------------------------------------------------------

# target key → (key in plan_baselines.csv, qualifier): the 2020 figures that truly apply.
BASELINE_OF = {
    "smart_mfg_cluster_scale": ("smart_mfg_scale", "approximately"),  # 4000亿级
    "four_new_economy_share": ("four_new_economy_share", "above"),  # 超过36%
    "specialized_gazelle_champion_enterprises": ("specialized_gazelle_champion_enterprises", ""),
    "good_air_days_ratio": ("good_air_days_ratio", ""),
    "forest_coverage": ("forest_coverage", ""),
}


def test_baselines_attached_exactly_where_they_apply() -> None:
    with_baseline = {k for k, t in TARGETS.items() if t.baseline is not None}
    assert with_baseline == set(BASELINE_OF)


@pytest.mark.parametrize("key", sorted(BASELINE_OF))
def test_baseline_values_are_the_plans(key: str) -> None:
    plan_key, qualifier = BASELINE_OF[key]
    plan = PLAN_BASELINES[plan_key]
    b = TARGETS[key].baseline
    assert b is not None
    assert b.year == 2020 == int(plan["period"])
    assert b.value == float(plan["value"])
    assert b.unit == plan["unit"] == TARGETS[key].unit
    assert b.qualifier == qualifier
    assert b.words_zh == plan["plan_words_zh"]
    assert b.section == plan["section"] == "一(一)"
    assert "济南市“十四五”绿色低碳循环发展规划" in b.source


def test_literal_baselines() -> None:
    assert TARGETS["good_air_days_ratio"].baseline.value == 62.0  # type: ignore[union-attr]
    assert TARGETS["forest_coverage"].baseline.value == 11.4  # type: ignore[union-attr]
    assert TARGETS["specialized_gazelle_champion_enterprises"].baseline.value == 771.0  # type: ignore[union-attr]


def test_green_factories_have_no_baseline() -> None:
    # The plan's 12 green factories (一(一)) are national-level only: not the baseline of
    # "创建省级及以上绿色工厂40家".
    t = TARGETS["green_factories_provincial_plus"]
    assert t.value == 40.0
    assert t.baseline is None
    assert PLAN_BASELINES["green_factories_national"]["value"] == "12"
    assert "national" in t.note.lower()


def test_13th_fyp_changes_are_not_baselines() -> None:
    # "万元GDP用水量下降23.77%" is a change over 2016-2020 vs 2015, not a 2020 level
    assert TARGETS["water_use_per_gdp"].baseline is None


# --- presets and assigned values ---------------------------------------------------------


def test_presets_literal() -> None:
    assert set(PRESETS) == {
        "jinan_energy_intensity_2023",
        "shandong_energy_intensity_2022",
        "shandong_carbon_intensity_2022",
    }
    jinan = PRESETS["jinan_energy_intensity_2023"]
    assert (jinan.target, jinan.value, jinan.unit, jinan.kind) == (
        "energy_dual_control",
        -14.8,
        "% vs 2020",
        TargetKind.CHANGE_VS_BASE,
    )
    assert "济南市“十四五”节能减排工作实施方案" in jinan.source
    assert PRESETS["shandong_energy_intensity_2022"].value == -14.5
    assert PRESETS["shandong_carbon_intensity_2022"].value == -20.5
    assert PRESETS["shandong_carbon_intensity_2022"].target == "carbon_intensity_control"


@pytest.mark.parametrize(
    "name",
    [
        "jinan_energy_intensity_2023",
        "shandong_energy_intensity_2022",
        "shandong_carbon_intensity_2022",
    ],
)
def test_every_preset_is_documented(name: str) -> None:
    p = PRESETS[name]
    assert isinstance(p, TargetPreset)
    assert p.source.strip() and p.description.strip()
    assert "http" in p.source
    assert p.confidence in {"C", "D", "M", "?"}
    target = {**dict(TARGETS), **dict(SUPPLEMENTARY_TARGETS)}[p.target]
    assert target.kind is TargetKind.ASSIGNED


def test_presets_named_on_targets_exist() -> None:
    for t in [*TARGETS.values(), *SUPPLEMENTARY_TARGETS.values()]:
        for name in t.presets:
            assert PRESETS[name].target == t.key


def test_supplementary_targets_are_separate() -> None:
    assert list(SUPPLEMENTARY_TARGETS) == ["carbon_intensity_control"]
    assert "carbon_intensity_control" not in TARGETS
    t = SUPPLEMENTARY_TARGETS["carbon_intensity_control"]
    assert t.kind is TargetKind.ASSIGNED and t.value is None
    assert t.indicator == "carbon_intensity"


def test_with_presets_sets_value_without_touching_originals() -> None:
    out = with_presets(["jinan_energy_intensity_2023"])
    t = out["energy_dual_control"]
    assert t.value == -14.8
    assert t.kind is TargetKind.CHANGE_VS_BASE
    assert t.unit == "% vs 2020"
    assert t.is_set
    assert TARGETS["energy_dual_control"].value is None  # frozen originals unchanged
    assert "carbon_intensity_control" in out  # supplementary targets are included
    assert with_presets(["shandong_carbon_intensity_2022"])["carbon_intensity_control"].value == (
        -20.5
    )


def test_with_values_bare_number_is_change_vs_base() -> None:
    t = with_values({"coal_consumption_control": -10})["coal_consumption_control"]
    assert (t.value, t.unit, t.kind) == (-10.0, "% vs 2020", TargetKind.CHANGE_VS_BASE)


def test_with_values_level_with_unit() -> None:
    spec = {"value": 17.5, "unit": "亿立方米", "source": "省下达 (synthetic)"}
    t = with_values({"water_use_total": spec})["water_use_total"]
    assert (t.value, t.unit, t.kind) == (17.5, "亿立方米", TargetKind.LEVEL)


def test_with_values_explicit_kind_and_own_targets() -> None:
    base = {"water_use_total": TARGETS["water_use_total"]}
    out = with_values({"water_use_total": {"value": 18, "kind": "level"}}, base)
    assert list(out) == ["water_use_total"]
    assert out["water_use_total"].kind is TargetKind.LEVEL


def test_with_values_overrides_a_plan_value_only_when_allowed() -> None:
    # issue 15: a config silently replaced the plan's 13.68 % forest coverage
    with pytest.raises(TargetConfigError, match=r"fixed by the plan.*--override-fixed"):
        with_values({"forest_coverage": 14.0})
    t = with_values({"forest_coverage": 14.0}, allow_override=True)["forest_coverage"]
    assert t.value == 14.0
    assert t.overridden == "13.68 %"  # what the plan states (targets.csv)
    assert t.kind is TargetKind.LEVEL  # only assigned targets change kind


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"water_use_totl": 1.0}, "Did you mean: water_use_total"),
        ({"nonsense_key_xyz": 1.0}, "Unknown target 'nonsense_key_xyz'"),
        ({"water_use_total": "a lot"}, "is not a number"),
        ({"water_use_total": None}, "is not a number"),
        ({"water_use_total": True}, "is not a number"),
        ({"water_use_total": math.nan}, "not a finite number"),
        ({"water_use_total": math.inf}, "not a finite number"),
        ({"water_use_total": {"value": 1, "colour": "red"}}, r"unknown field\(s\) \['colour'\]"),
        ({"water_use_total": {"unit": "亿立方米"}}, "is not a number"),
        ({"water_use_total": {"value": 1, "kind": "levle"}}, "unknown kind 'levle'"),
    ],
)
def test_with_values_errors(values: dict, match: str) -> None:
    with pytest.raises(TargetConfigError, match=match) as info:
        with_values(values)
    assert isinstance(info.value, GreenplanError)


def test_unknown_preset() -> None:
    with pytest.raises(TargetConfigError, match="jinan_energy_intensity_2023"):
        with_presets(["jinan_energy_intensity_2032"])


def test_config_toml(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(
        'presets = ["jinan_energy_intensity_2023"]\n\n'
        '[water_use_total]\nvalue = 17.5\nunit = "亿立方米"\n',
        encoding="utf-8",
    )
    out = load_target_config(path)
    assert out["energy_dual_control"].value == -14.8
    assert out["water_use_total"].value == 17.5
    assert out["water_use_total"].kind is TargetKind.LEVEL


def test_config_json_with_single_preset_string(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text(
        json.dumps({"presets": "shandong_energy_intensity_2022", "coal_consumption_control": -5}),
        encoding="utf-8",
    )
    out = load_target_config(str(path))
    assert out["energy_dual_control"].value == -14.5
    assert out["coal_consumption_control"].value == -5.0


def test_config_without_presets(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text('{"water_use_total": 17}', encoding="utf-8")
    assert load_target_config(path)["water_use_total"].value == 17.0


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("bad.toml", "water_use_total = = 1", "not valid toml"),
        ("bad.json", "{", "not valid json"),
        ("list.json", "[1, 2]", "expected a table of target keys"),
        ("presets.json", '{"presets": 5}', "'presets' must be a list"),
        ("unknown.json", '{"no_such_target": 5}', "Unknown target"),
    ],
)
def test_config_errors(tmp_path: Path, name: str, text: str, match: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetConfigError, match=match):
        load_target_config(path)


def test_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TargetConfigError, match="Cannot read target config"):
        load_target_config(tmp_path / "absent.toml")


# --- the typed model ---------------------------------------------------------------------


def test_target_is_frozen() -> None:
    t = TARGETS["forest_coverage"]
    with pytest.raises(ValidationError):
        t.value = 99.0  # type: ignore[misc]


def test_target_forbids_unknown_fields() -> None:
    data = TARGETS["forest_coverage"].model_dump()
    data["colour"] = "green"
    with pytest.raises(ValidationError, match="colour"):
        Target.model_validate(data)


def test_target_json_round_trip() -> None:
    for t in TARGETS.values():
        again = Target.model_validate_json(t.model_dump_json())
        assert again == t
        assert Target.model_validate(json.loads(t.model_dump_json())) == t


def test_aspirational_must_match_bound() -> None:
    data = TARGETS["forest_coverage"].model_dump()
    data["aspirational"] = True  # bound is at_least
    with pytest.raises(ValidationError, match="aspirational"):
        Target.model_validate(data)


def test_bad_key_and_enum_values_rejected() -> None:
    data = TARGETS["forest_coverage"].model_dump()
    with pytest.raises(ValidationError):
        Target.model_validate({**data, "key": "Forest Coverage"})
    with pytest.raises(ValidationError):
        Target.model_validate({**data, "kind": "levels"})
    with pytest.raises(ValidationError):
        Baseline(year=2020, value=1.0, unit="%", colour="x")  # type: ignore[call-arg]


def test_lookup_suggests() -> None:
    with pytest.raises(KeyError, match="Did you mean: forest_coverage"):
        TARGETS["forest_coverag"]
    assert "forest_coverage" in TARGETS
    assert "forest_coverag" not in TARGETS
    assert TARGETS.get("forest_coverag") is None


def test_catalogue_frame() -> None:
    df = catalogue_frame()
    assert df.shape == (43, 18)
    assert df["key"].tolist() == PLAN_KEYS
    assert df.set_index("key").loc["renewable_capacity", "scope"] == "city_total"
    row = df.set_index("key").loc["good_air_days_ratio"]
    assert row["value"] == 65.2
    assert row["baseline"] == 62.0
    assert row["kind"] == "level"
    assert df.set_index("key").loc["energy_dual_control", "presets"] == (
        "jinan_energy_intensity_2023;shandong_energy_intensity_2022"
    )

"""The SYNTHETIC example dataset ``data/examples/`` and its generator ``scripts/make_examples.py``.

The example data must let every one of the plan's 43 targets be computed and assessed: these
tests fail, with the names of what is missing, when a domain adds an input the generator does
not write, or when the committed files are out of date (regenerate them with
``python scripts/make_examples.py``).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import greenplan as gp
from greenplan.cli import main
from greenplan.indicators.registry import recipes
from greenplan.regions import CITY, districts
from greenplan.targets import load_target_config
from greenplan.variables import VARIABLES, children

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
RECORDS = ROOT / "data" / "example_records"
SCRIPT = ROOT / "scripts" / "make_examples.py"
TARGETS_TOML = EXAMPLES / "targets.toml"
LATEST = 2024

# The design of the example trajectories (README.md of data/examples, "What the report shows"),
# assessed with data/examples/targets.toml, sequential method, as of 2024 (time elapsed 80 %).
EXPECTED_STATUS = {
    "smart_mfg_cluster_scale": "ahead_of_schedule",
    "green_building_industry_output": "behind_schedule",
    "nev_industry_output": "achieved",
    "clean_energy_industry_output": "behind_schedule",
    "energy_saving_env_services_output": "ahead_of_schedule",
    "circular_economy_industry_output": "behind_schedule",
    "four_new_economy_share": "ahead_of_schedule",
    "green_factories_provincial_plus": "achieved",
    "industrial_energy_per_value_added": "on_schedule",
    "industrial_pollutants_per_value_added": "on_schedule",
    "industrial_water_per_value_added": "moving_away",
    "data_center_pue": "behind_schedule",
    "data_center_rack_utilization": "ahead_of_schedule",
    "agri_modernization_demo_zones": "on_schedule",
    "fertilizer_per_cultivated_area": "behind_schedule",
    "agri_brands_provincial_plus": "behind_schedule",
    "specialized_gazelle_champion_enterprises": "achieved",
    "green_industrial_parks": "ahead_of_schedule",
    "eco_industrial_park_share": "behind_schedule",
    "park_circular_retrofit_coverage": "ahead_of_schedule",
    "energy_dual_control": "ahead_of_schedule",
    "coal_consumption_control": "behind_schedule",
    "two_high_energy_coal_non_increase": "on_schedule",
    "water_use_total": "achieved",
    "water_use_per_gdp": "ahead_of_schedule",
    "nonconventional_water_use": "behind_schedule",
    "construction_land_per_gdp": "behind_schedule",
    "renewable_capacity": "ahead_of_schedule",
    "nev_bus_share_central": "ahead_of_schedule",
    "new_roads_km": "behind_schedule",
    "new_railway_km": "achieved",
    "bus_stop_500m_coverage": "ahead_of_schedule",
    "sewage_direct_outlets": "behind_schedule",
    "sewage_collection_rate": "behind_schedule",
    "sludge_safe_disposal_rate": "achieved",
    "msw_landfill_zero": "ahead_of_schedule",
    "residential_energy_retrofit_area": "ahead_of_schedule",
    "new_green_building_area": "behind_schedule",
    "good_air_days_ratio": "achieved",
    "surface_water_class_iii_share": "behind_schedule",
    "worse_than_v_sections_city": "on_schedule",
    "forest_coverage": "behind_schedule",
    "rd_intensity": "ahead_of_schedule",
}
ASSIGNED = {
    "energy_dual_control",
    "coal_consumption_control",
    "water_use_total",
    "construction_land_per_gdp",
}


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_examples", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def stats() -> pd.DataFrame:
    return gp.read_statistics(EXAMPLES)


@pytest.fixture(scope="module")
def values(stats: pd.DataFrame) -> pd.DataFrame:
    return gp.compute(stats)


@pytest.fixture(scope="module")
def targets() -> dict:
    config = load_target_config(TARGETS_TOML)
    return {k: t for k, t in config.items() if k in gp.TARGETS}


@pytest.fixture(scope="module")
def city_assessment(values: pd.DataFrame, targets: dict) -> pd.DataFrame:
    a = gp.assess(values, targets=targets)
    return a[a["region"] == CITY].set_index("key")


# --- the files ------------------------------------------------------------------------------


def test_generator_is_reproducible(tmp_path: Path) -> None:
    out, rec = tmp_path / "examples", tmp_path / "records"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--records-out", str(rec)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    for generated, committed in ((out, EXAMPLES), (rec, RECORDS)):
        names = sorted(p.name for p in generated.iterdir())
        assert names, f"nothing generated in {generated}"
        for name in names:
            assert (committed / name).exists(), (
                f"{committed / name} is missing: run python scripts/make_examples.py"
            )
            assert (generated / name).read_bytes() == (committed / name).read_bytes(), (
                f"{committed / name} is out of date: run python scripts/make_examples.py"
            )
        stale = sorted(
            p.name
            for p in committed.iterdir()
            if p.suffix == ".csv" and not (generated / p.name).exists()
        )
        assert not stale, f"{committed} holds files the generator no longer writes: {stale}"


def test_generator_knows_every_input(script: ModuleType) -> None:
    """No input falls back on a generic value: the spec covers the whole codelist."""
    warnings: list[str] = []
    script.render_all(warnings.append)
    assert not warnings, "extend SPEC/model in scripts/make_examples.py:\n" + "\n".join(warnings)


def test_rows_are_labelled_synthetic() -> None:
    for path in sorted(EXAMPLES.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str)
        assert list(frame.columns) == ["region", "year", "variable", "value", "unit", "source",
                                       "note"], path  # fmt: skip
        assert (
            frame["source"].str.startswith("synthetic: generated by scripts/make_examples.py").all()
        )
        assert frame["source"].str.contains(r"\(seed \d+\)").all(), path
        assert frame["note"].str.contains("SYNTHETIC").all(), path
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "not" in readme.lower()
    assert "SYNTHETIC" in (RECORDS / "README.md").read_text(encoding="utf-8")


def test_records_are_not_read_as_statistics(stats: pd.DataFrame) -> None:
    """read_statistics searches folders recursively: the records live outside data/examples."""
    assert not (EXAMPLES / "records").exists()
    files = set(stats["file"].map(lambda f: Path(f).name))
    assert files == {p.name for p in EXAMPLES.glob("*.csv")}


def test_years_and_regions(stats: pd.DataFrame) -> None:
    assert sorted(stats["year"].unique().tolist()) == [2020, 2021, 2022, 2023, 2024]
    assert set(stats["region"]) == {CITY, *districts()}


# --- what is written ------------------------------------------------------------------------


def test_every_input_is_written_and_nothing_computable(
    stats: pd.DataFrame, script: ModuleType
) -> None:
    inputs, _ = script.discover_inputs()
    written = set(stats["variable"])
    missing = sorted(set(inputs) - written)
    assert not missing, f"inputs without rows in data/examples: {missing}"
    table = recipes()
    computable = sorted(c for c in written if c in table and not table[c].reported_only)
    assert not computable, f"indicators computable from components written as data: {computable}"
    for code in written:
        kids = [k for k in children(code) if k in written]
        if code != "gdp":
            assert not kids, f"{code} written together with its children {kids}"
    assert "gdp_index" not in written and "gdp_real_growth" in written


def test_additive_variables_are_district_rows_or_city_rows(stats: pd.DataFrame) -> None:
    """An additive variable is written for the districts (city filled) or for the city alone."""
    for code, rows in stats.groupby("variable"):
        if VARIABLES[str(code)].aggregation.value != "sum":
            continue
        regions = set(rows["region"])
        assert regions == {CITY} or regions == set(districts()), (code, sorted(regions))


def test_validates_without_errors_or_warnings() -> None:
    report = gp.validate(EXAMPLES)
    assert report.ok, report.to_frame().head(20).to_string()
    noisy = [f for f in report.findings if f.severity in ("error", "warning")]
    assert not noisy, "\n".join(f"{f.code}: {f.message}" for f in noisy[:20])


def test_no_reported_value_disagrees(stats: pd.DataFrame) -> None:
    from greenplan.engine import reported_vs_computed

    assert reported_vs_computed(stats).empty


# --- computed and assessed ------------------------------------------------------------------


def test_every_target_indicator_is_computed_for_the_city_in_2024(values: pd.DataFrame) -> None:
    latest = values[(values["region"] == CITY) & (values["year"] == LATEST)]
    have = set(latest["indicator"])
    needed = {t.indicator for t in gp.TARGETS.values()}
    unregistered = sorted(needed - set(gp.INDICATORS))
    assert not unregistered, f"target indicators not registered: {unregistered}"
    missing = sorted(needed - have)
    assert not missing, f"target indicators not computed for {CITY} in {LATEST}: {missing}"
    base = values[(values["region"] == CITY) & (values["year"] == 2020)]
    missing_base = sorted(needed - set(base["indicator"]))
    assert not missing_base, f"no 2020 baseline for: {missing_base}"


def test_target_indicators_come_from_components(values: pd.DataFrame) -> None:
    """Indicators with a formula are computed, not taken from a reported value."""
    table = recipes()
    city = values[values["region"] == CITY].set_index(["indicator", "year"])
    for t in gp.TARGETS.values():
        if not table[t.indicator].reported_only:
            origin = city.loc[(t.indicator, LATEST), "origin"]
            assert origin == "computed", (t.key, t.indicator, origin)


def test_every_indicator_is_computed_for_the_city(values: pd.DataFrame) -> None:
    city = values[values["region"] == CITY]
    missing = sorted(set(recipes()) - set(city["indicator"]))
    assert not missing, f"indicators not computed for {CITY} from the example data: {missing}"


def test_assess_all_43_targets(city_assessment: pd.DataFrame) -> None:
    assert len(city_assessment) == 43
    assert set(city_assessment.index) == set(gp.TARGETS)
    bad = city_assessment[city_assessment["status"] == "not_assessable"]
    assert bad.empty, bad[["indicator", "notes"]].to_string()
    no_data = city_assessment["notes"].astype(str).str.contains("no data")
    assert not no_data.any(), city_assessment.loc[no_data, "notes"].to_string()
    assert (city_assessment["time_elapsed"] == 0.8).all()
    assert (city_assessment["latest_year"] == LATEST).all()
    assert (city_assessment["baseline_year"] == 2020).all()


def test_statuses_as_documented(city_assessment: pd.DataFrame) -> None:
    got = city_assessment["status"].astype(str).to_dict()
    diff = {
        k: (EXPECTED_STATUS[k], got.get(k))
        for k in EXPECTED_STATUS
        if got.get(k) != EXPECTED_STATUS[k]
    }
    assert not diff, f"(expected, got) — update README.md of data/examples if intended: {diff}"
    assert {"achieved", "ahead_of_schedule", "on_schedule", "behind_schedule",
            "moving_away"} <= set(got.values())  # fmt: skip


def test_without_config_only_assigned_targets_lack_a_value(values: pd.DataFrame) -> None:
    a = gp.assess(values)
    city = a[a["region"] == CITY].set_index("key")
    assert len(city) == 43
    unassessed = set(city.index[city["status"] == "not_assessable"])
    assert unassessed == ASSIGNED
    for key in ASSIGNED:
        assert str(city.loc[key, "notes"]).startswith("target not set"), key


def test_presets_alone_assess_energy_intensity(values: pd.DataFrame) -> None:
    from greenplan.targets import with_presets

    a = gp.assess(values, targets=with_presets(["jinan_energy_intensity_2023"]))
    row = a[(a["region"] == CITY) & (a["key"] == "energy_dual_control")].iloc[0]
    # energy intensity −13 % by 2024 against −14.8 %: 13.1/14.8 of the way, ahead of 80 %
    assert row["status"] == "ahead_of_schedule"
    assert 0.85 < row["completion"] < 0.92


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("config", [False, True], ids=["plain", "targets_toml"])
def test_cli_report_json(tmp_path: Path, config: bool) -> None:
    out = tmp_path / "report.json"
    argv = ["report", str(EXAMPLES), "--format", "json", "-o", str(out)]
    if config:
        argv += ["--targets", str(TARGETS_TOML)]
    assert main(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["targets"]) == 43
    assert report["summary"]["not_assessable"]["no_data"] == 0
    expected_unset = 0 if config else len(ASSIGNED)
    assert report["summary"]["not_assessable"]["target_not_set"] == expected_unset
    assert report["summary"]["data_year"] == LATEST


def test_cli_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


# --- record-level examples ------------------------------------------------------------------


def _city_rows(stats: pd.DataFrame, codes: list[str]) -> dict[str, float]:
    sel = stats[(stats["region"] == CITY) & (stats["year"] == LATEST)]
    sel = sel[sel["variable"].isin(codes)]
    return dict(zip(sel["variable"], sel["value"], strict=True))


def _helper_rows(frame: pd.DataFrame) -> dict[str, float]:
    sel = frame[(frame["region"] == CITY) & (frame["year"] == LATEST)]
    return dict(zip(sel["variable"], sel["value"].astype(float), strict=True))


def test_daily_aqi_records_give_the_city_rows(stats: pd.DataFrame) -> None:
    from greenplan.indicators.environment import good_days_from_daily_aqi

    daily = pd.read_csv(RECORDS / "daily_aqi_2024.csv")
    got = _helper_rows(good_days_from_daily_aqi(daily))
    assert got == _city_rows(stats, ["good_air_days", "valid_monitoring_days"])
    assert got == {"good_air_days": 243.0, "valid_monitoring_days": 366.0}


def test_section_records_give_the_city_rows(stats: pd.DataFrame) -> None:
    from greenplan.indicators.environment import sections_from_classes

    table = pd.read_csv(RECORDS / "water_sections_2024.csv")
    got = _helper_rows(sections_from_classes(table))
    assert got == _city_rows(stats, list(got))
    assert got["national_sections_class_iii_or_better"] == 8.0  # of 12: 66.7 %
    assert got["city_sections_worse_than_v"] == 1.0


def test_data_center_records_give_the_city_rows(stats: pd.DataFrame) -> None:
    from greenplan.indicators.industry import count_data_center_projects

    projects = pd.read_csv(RECORDS / "data_center_projects_2024.csv")
    got = _helper_rows(count_data_center_projects(projects))
    assert got == _city_rows(stats, list(got))
    assert (got["data_center_projects"], got["data_center_projects_pue_compliant"]) == (18, 13)


def test_fuel_records_aggregate() -> None:
    records = pd.read_csv(RECORDS / "fuel_records_2024.csv")
    out = gp.aggregate_fuel_records(records)
    assert len(out) == records["region"].nunique()
    assert (out["energy"] > 0).all() and (out["co2"] > 0).all()
    assert out["energy_feedstock"].sum() == pytest.approx(30000 * 0.7143)  # 30 000 t raw coal

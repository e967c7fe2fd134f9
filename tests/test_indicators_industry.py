"""Tests of greenplan.indicators.industry.

Reference values are hand calculations (arithmetic in comments) on SYNTHETIC data, except where
a figure of the plan or a statistical bulletin is named. Expected values are literals.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan.engine import compute, reported_vs_computed
from greenplan.errors import OptionError
from greenplan.indicators import industry as ind
from greenplan.indicators.registry import recipes
from greenplan.units import convert
from greenplan.variables import VARIABLES
from helpers import CITY, long_table, method, value

DATA = Path(__file__).parent / "data"
FIXED_IDS = (
    "smart_mfg_cluster_output",
    "green_building_industry_output",
    "nev_industry_output",
    "clean_energy_industry_output",
    "energy_saving_env_services_output",
    "circular_economy_industry_output",
    "four_new_economy_share",
    "green_factories_provincial_plus",
    "specialized_gazelle_champion_enterprises",
    "green_industrial_parks",
    "eco_industrial_park_share",
    "park_circular_retrofit_coverage",
    "data_center_pue_compliance",
    "data_center_rack_utilization_compliance",
    "industrial_energy_per_value_added",
    "industrial_water_per_value_added",
    "industrial_pollutants_per_value_added",
)


def long(*rows: tuple[str, int, str, float]) -> pd.DataFrame:
    """A SYNTHETIC canonical long table from (region, year, variable, value) tuples."""
    return long_table(rows)


def read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, comment="#")


# --- registry and codelist ------------------------------------------------------------------


def test_fixed_ids_registered_with_codelist_rows_and_units():
    table = recipes()
    for id in FIXED_IDS:
        assert id in table, id
        assert id in VARIABLES, id
        assert VARIABLES[id].unit == table[id].indicator.unit
    targets = {t.indicator for t in gp.TARGETS.values()}
    assert set(FIXED_IDS) <= targets


def test_every_industry_recipe_has_codelist_row_and_known_inputs():
    for id, rec in recipes().items():
        if rec.indicator.domain != "industry":
            continue
        assert id in VARIABLES
        assert VARIABLES[id].unit == rec.indicator.unit
        for code in rec.indicator.inputs:
            assert code in VARIABLES or code in recipes(), (id, code)


def test_every_pollutant_has_its_per_value_added_recipe():
    # the per-pollutant intensity recipes are written out one by one (greppable ids):
    # a pollutant added to POLLUTANTS without its recipe fails here
    table = recipes()
    for p in ind.POLLUTANTS:
        rec = table[f"industrial_{p}_per_value_added"]
        assert f"industrial_{p}_emissions" in rec.indicator.inputs
    per_va = {i for i in table if re.fullmatch(r"industrial_(.+)_per_value_added", i)}
    # the others are not per pollutant: the weighted total, energy and water
    assert per_va - {f"industrial_{p}_per_value_added" for p in ind.POLLUTANTS} == {
        "industrial_pollutants_per_value_added",
        "industrial_energy_per_value_added",
        "industrial_water_per_value_added",
    }


# --- pure functions: scalar, array, Series, failure modes ----------------------------------


def test_share_percent_scalar_array_series():
    # 3650 / 10000 = 0.365 → 36.5 %
    assert ind.share_percent(3650.0, 10000.0) == pytest.approx(36.5)
    arr = ind.share_percent(np.array([1.0, 3.0]), np.array([4.0, 4.0]))
    np.testing.assert_allclose(arr, [25.0, 75.0])  # 1/4, 3/4
    s = pd.Series([1.0, 2.0], index=["a", "b"])
    out = ind.share_percent(s, pd.Series([8.0, 8.0], index=["a", "b"]))
    assert list(out.index) == ["a", "b"]
    np.testing.assert_allclose(out.to_numpy(), [12.5, 25.0])  # 1/8, 2/8


def test_share_percent_zero_negative_missing_denominator_is_nan_never_inf():
    assert math.isnan(ind.share_percent(1.0, 0.0))
    assert math.isnan(ind.share_percent(0.0, 0.0))
    assert math.isnan(ind.share_percent(1.0, -5.0))
    assert math.isnan(ind.share_percent(1.0, float("nan")))
    assert math.isnan(ind.share_percent(float("nan"), 4.0))
    out = ind.share_percent(pd.Series([1.0, 1.0]), pd.Series([0.0, 2.0]))
    assert math.isnan(out.iloc[0])
    assert out.iloc[1] == pytest.approx(50.0)
    assert not np.isinf(ind.share_percent(np.array([1.0]), np.array([0.0]))).any()


def test_four_new_share_plan_2020_order_of_magnitude():
    # Plan 一(一): "四新" share > 36 % in 2020; GDP 2020 = 10140.91亿元 (2020 bulletin [C]).
    # SYNTHETIC 四新 value added 3700亿元: 3700 / 10140.91 = 0.36485878… → 36.485878 %
    assert ind.share_percent(3700.0, 10140.91) == pytest.approx(36.485878, abs=1e-6)


def test_industrial_intensity_units_and_failures():
    # 1500万吨标准煤 / 2500亿元 = 1.5e7 t / 2.5e7 万元 = 0.6 吨标准煤/万元
    assert ind.industrial_intensity(1500.0, 2500.0) == pytest.approx(0.6)
    # 30000万立方米 / 2500亿元 = 3e8 m³ / 2.5e7 万元 = 12 立方米/万元
    assert ind.industrial_intensity(30000.0, 2500.0) == pytest.approx(12.0)
    np.testing.assert_allclose(
        ind.industrial_intensity(np.array([1000.0, 500.0]), np.array([2500.0, 2000.0])),
        [0.4, 0.25],  # 1000/2500, 500/2000 吨/亿元
    )
    s = ind.industrial_intensity(pd.Series([1.0], index=[7]), pd.Series([4.0], index=[7]))
    assert list(s.index) == [7] and s.iloc[0] == pytest.approx(0.25)
    assert math.isnan(ind.industrial_intensity(1.0, 0.0))
    assert math.isnan(ind.industrial_intensity(1.0, -1.0))
    assert math.isnan(ind.industrial_intensity(float("nan"), 1.0))


def test_change_vs_base():
    # 0.56 / 0.6 − 1 = −0.0666… → −6.666667 %
    assert ind.change_vs_base(0.56, 0.6) == pytest.approx(-6.666667, abs=1e-6)
    np.testing.assert_allclose(
        ind.change_vs_base(np.array([1.2, 0.9]), np.array([1.0, 1.0])), [20.0, -10.0]
    )
    assert math.isnan(ind.change_vs_base(1.0, 0.0))
    s = ind.change_vs_base(pd.Series([2.0], index=["x"]), pd.Series([4.0], index=["x"]))
    assert s.loc["x"] == pytest.approx(-50.0)  # 2/4 − 1


def test_pue_and_rack_utilization():
    # 1200 MWh / 1000 MWh = 1.2
    assert ind.power_usage_effectiveness(1200.0, 1000.0) == pytest.approx(1.2)
    np.testing.assert_allclose(
        ind.power_usage_effectiveness(np.array([1250.0, 1500.0]), np.array([1000.0, 1000.0])),
        [1.25, 1.5],
    )
    s = ind.power_usage_effectiveness(pd.Series([130.0]), pd.Series([100.0]))
    assert s.iloc[0] == pytest.approx(1.3)
    assert math.isnan(ind.power_usage_effectiveness(1200.0, 0.0))
    # 70 racks used / 100 installed = 70 %
    assert ind.rack_utilization(70.0, 100.0) == pytest.approx(70.0)
    assert math.isnan(ind.rack_utilization(0.0, 0.0))
    np.testing.assert_allclose(ind.rack_utilization(np.array([40.0]), np.array([50.0])), [80.0])


def test_pollutant_total_and_equivalents():
    # mass: 1000 + 900 = 1900 t
    assert ind.pollutant_total({"cod": 1000.0, "nox": 900.0}) == pytest.approx(1900.0)
    # one missing component → NaN, never a partial sum
    assert math.isnan(ind.pollutant_total({"cod": 1000.0, "nox": float("nan")}))
    s = ind.pollutant_total({"cod": pd.Series([1.0, 2.0]), "so2": pd.Series([3.0, np.nan])})
    assert s.iloc[0] == pytest.approx(4.0) and math.isnan(s.iloc[1])
    with pytest.raises(ValueError):
        ind.pollutant_total({})
    w = ind.pollution_equivalent_weights()
    # COD-equivalent weights = e_COD / e_p: 1/1, 1/0.8 = 1.25, 1/0.95 = 1.0526316, 1/4 = 0.25
    assert w["cod"] == pytest.approx(1.0)
    assert w["ammonia_nitrogen"] == pytest.approx(1.25)
    assert w["so2"] == pytest.approx(1.0526316, rel=1e-7)
    assert w["nox"] == pytest.approx(1.0526316, rel=1e-7)
    assert w["particulates"] == pytest.approx(0.25)
    assert "vocs" not in w
    # 1000 t COD + 1000 t NH3-N → 1000 + 1250 = 2250 t COD-equivalent
    total = ind.pollutant_total({"cod": 1000.0, "ammonia_nitrogen": 1000.0}, w)
    assert total == pytest.approx(2250.0)


# --- registers --------------------------------------------------------------------------------


def test_count_certified_register_file():
    reg = read_csv("industry_green_factories_register.csv")
    out = ind.count_certified(reg, variable="green_factories_provincial_plus")
    assert list(out.columns) == ["region", "year", "variable", "value", "unit"]
    assert set(out.unit) == {"家"}
    got = out.set_index(["region", "year"])["value"]
    # 甲 (历下区, provincial 2019 then national 2021: once, from 2019), 乙 (章丘区 2021,
    # revoked 2023), 丙 (高新区 zone, national 2020), 丁 (municipal: excluded),
    # 戊 (槐荫区 provincial 2020, later national in 天桥区: once, in 槐荫区).
    # City: 2019: 甲 = 1; 2020: 甲丙戊 = 3; 2021: 甲乙丙戊 = 4; 2022: 4; 2023: 乙 revoked → 3.
    assert [got[(CITY, y)] for y in range(2019, 2024)] == [1.0, 3.0, 4.0, 4.0, 3.0]
    assert [got[("历下区", y)] for y in range(2019, 2024)] == [1.0, 1.0, 1.0, 1.0, 1.0]
    assert [got[("章丘区", y)] for y in range(2019, 2024)] == [0.0, 0.0, 1.0, 1.0, 0.0]
    assert [got[("槐荫区", y)] for y in range(2019, 2024)] == [0.0, 1.0, 1.0, 1.0, 1.0]
    assert [got[("天桥区", y)] for y in range(2019, 2024)] == [0.0] * 5
    assert got[("济南高新区", 2020)] == 1.0


def test_count_certified_national_only_is_the_plans_2020_scope():
    reg = read_csv("industry_green_factories_register.csv")
    out = ind.count_certified(
        reg,
        variable="green_factories_provincial_plus",
        levels=("国家级",),
        years=[2020, 2021, 2022],
    )
    city = out[out.region == CITY].set_index("year")["value"]
    # national only: 丙 from 2020; 甲 from 2021; 戊 from 2022 → 1, 2, 3
    assert city.tolist() == [1.0, 2.0, 3.0]


def test_count_certified_failures():
    good = pd.DataFrame(
        {"entity": ["A"], "region": ["历下区"], "level": ["省级"], "certified_year": [2020]}
    )
    with pytest.raises(ValueError, match="lacks column"):
        ind.count_certified(good.drop(columns="level"), variable="green_industrial_parks")
    with pytest.raises(ValueError, match="unknown level"):
        ind.count_certified(good.assign(level="县级"), variable="green_industrial_parks")
    with pytest.raises(ValueError, match="Unknown level"):
        ind.count_certified(good, variable="green_industrial_parks", levels=("county",))
    with pytest.raises(ValueError, match="whole years"):
        ind.count_certified(good.assign(certified_year=2020.5), variable="green_industrial_parks")
    with pytest.raises(ValueError, match="whole years"):
        ind.count_certified(good.assign(certified_year=None), variable="green_industrial_parks")
    with pytest.raises(ValueError, match="revoked_year before"):
        ind.count_certified(good.assign(revoked_year=2019), variable="green_industrial_parks")
    with pytest.raises(ValueError, match="'entity' is empty"):
        ind.count_certified(good.assign(entity=""), variable="green_industrial_parks")
    # nothing qualifies: no rows without years; zeros with years
    none = ind.count_certified(good.assign(level="市级"), variable="green_industrial_parks")
    assert none.empty
    zeros = ind.count_certified(
        good.assign(level="市级"), variable="green_industrial_parks", years=[2021]
    )
    assert zeros["value"].tolist() == [0.0, 0.0]  # 历下区 and the city
    assert set(zeros.unit) == {"个"}


def test_register_counts_through_compute_fill_the_city():
    reg = read_csv("industry_green_factories_register.csv")
    rows = ind.count_certified(reg, variable="green_factories_provincial_plus", city=None)
    districts = rows[rows.region != "济南高新区"]  # zones never sum into the city
    # the register covers a few districts: the 'reporting_districts' option fills the city
    out = compute(
        districts, ["green_factories_provincial_plus"], city_from_districts="reporting_districts"
    )
    # city filled from districts (additive): 2021: 历下 1 + 章丘 1 + 槐荫 1 = 3
    assert value(out, "green_factories_provincial_plus", 2021) == 3.0
    assert set(out.origin) == {"reported"}


# --- parks ----------------------------------------------------------------------------------


def test_count_parks_and_shares_end_to_end():
    rows = ind.count_parks(read_csv("industry_parks.csv"))
    got = rows.set_index(["region", "year", "variable"])["value"]
    # 2021: three parks; provincial+: 一, 二; eligible: 一, 二; done: 二; eco: 一
    assert got[(CITY, 2021, "industrial_parks")] == 3.0
    assert got[(CITY, 2021, "industrial_parks_provincial_plus")] == 2.0
    assert got[(CITY, 2021, "parks_retrofit_eligible")] == 2.0
    assert got[(CITY, 2021, "parks_retrofit_done")] == 1.0
    assert got[(CITY, 2021, "eco_industrial_parks_provincial")] == 1.0
    assert got[("章丘区", 2021, "parks_retrofit_done")] == 1.0
    assert got[("历下区", 2021, "parks_retrofit_done")] == 0.0
    out = compute(rows, ["park_circular_retrofit_coverage", "eco_industrial_park_share"])
    # retrofit 2021: 1 / 2 = 50 %; 2022: 2 / 2 = 100 %
    assert value(out, "park_circular_retrofit_coverage", 2021) == pytest.approx(50.0)
    assert value(out, "park_circular_retrofit_coverage", 2022) == pytest.approx(100.0)
    # eco share ('all'): 2021: 1/3 = 33.333333 %; 2022: 2/3 = 66.666667 %
    assert value(out, "eco_industrial_park_share", 2021) == pytest.approx(33.333333, abs=1e-6)
    assert value(out, "eco_industrial_park_share", 2022) == pytest.approx(66.666667, abs=1e-6)
    assert "eco_park_share_denominator=all" in method(out, "eco_industrial_park_share")
    # districts: 历下区 2021: 园区一 eligible, not done → 0 / 1 = 0 %; 2022: 1 / 1 = 100 %;
    # 章丘区 2021: 园区二 done / eligible (园区三 not provincial+) → 1 / 1 = 100 %
    coverage = "park_circular_retrofit_coverage"
    assert value(out, coverage, 2021, "历下区") == 0.0
    assert value(out, coverage, 2022, "历下区") == 100.0
    assert value(out, coverage, 2021, "章丘区") == 100.0
    alt = compute(rows, ["eco_industrial_park_share"], eco_park_share_denominator="provincial_plus")
    # 2021: 1 eco / 2 provincial+ = 50 %
    assert value(alt, "eco_industrial_park_share", 2021) == pytest.approx(50.0)


def test_count_parks_flags_and_duplicates():
    parks = pd.DataFrame(
        {
            "park": ["P", "P", "Q"],
            "region": ["历下", "历下区", "Shizhong"],  # aliases resolve to codes
            "year": [2021, 2021, 2021],
            "is_provincial_plus": [True, False, "yes"],
            "eligible_for_retrofit": [1, 0, "Y"],
            "retrofit_done": [None, "是", np.nan],
        }
    )
    got = ind.count_parks(parks).set_index(["region", "year", "variable"])["value"]
    # P listed twice in 2021: counted once, flags any-of: provincial+, eligible, done
    assert got[(CITY, 2021, "industrial_parks")] == 2.0
    assert got[(CITY, 2021, "parks_retrofit_done")] == 1.0
    assert got[("市中区", 2021, "parks_retrofit_eligible")] == 1.0
    assert "eco_industrial_parks_provincial" not in set(got.index.get_level_values(2))
    with pytest.raises(ValueError, match="yes/no"):
        ind.count_parks(parks.assign(retrofit_done="maybe"))
    with pytest.raises(ValueError, match="lacks column"):
        ind.count_parks(parks.drop(columns="year"))


def test_parks_zero_denominator_gives_no_value():
    stats = long(
        (CITY, 2021, "parks_retrofit_done", 0.0), (CITY, 2021, "parks_retrofit_eligible", 0.0)
    )
    out = compute(stats, ["park_circular_retrofit_coverage"])
    assert out.empty


# --- data centres ---------------------------------------------------------------------------


def test_data_centre_counts_and_compliance_end_to_end():
    projects = read_csv("industry_data_centers.csv")
    rows = ind.count_data_center_projects(projects)
    got = rows.set_index(["region", "year", "variable"])["value"]
    # 2022: A PUE 1200/1000 = 1.2 (< 1.25 ✓), B 1.3 (✗), C unknown; racks A 70 % ✓, B 60 % ✗,
    # C 40/50 = 80 % ✓. 2023: D PUE 1.25 (not strictly below ✗), racks 131/200 = 65.5 % ✓.
    assert got[(CITY, 2022, "data_center_projects")] == 3.0
    assert got[(CITY, 2022, "data_center_projects_pue_assessed")] == 2.0
    assert got[(CITY, 2022, "data_center_projects_pue_compliant")] == 1.0
    assert got[(CITY, 2022, "data_center_projects_rack_compliant")] == 2.0
    assert got[(CITY, 2023, "data_center_projects_pue_compliant")] == 0.0
    assert got[(CITY, 2023, "data_center_projects_rack_compliant")] == 1.0
    assert got[(CITY, 2022, "data_center_pue_threshold")] == 1.25
    out = compute(rows, ["data_center_pue_compliance", "data_center_rack_utilization_compliance"])
    # PUE 2022: 1 / 2 assessed = 50 %; racks 2022: 2 / 3 = 66.666667 %; 2023: 0 %, 100 %
    assert value(out, "data_center_pue_compliance", 2022) == pytest.approx(50.0)
    assert value(out, "data_center_rack_utilization_compliance", 2022) == pytest.approx(
        66.666667, abs=1e-6
    )
    assert value(out, "data_center_pue_compliance", 2023) == 0.0
    assert value(out, "data_center_rack_utilization_compliance", 2023) == 100.0
    assert value(out, "data_center_pue_compliance", 2022, "历下区") == pytest.approx(50.0)
    assert "data_center_pue_below=1.25" in method(out, "data_center_pue_compliance")


def test_data_centre_threshold_option_must_match_the_counts():
    projects = read_csv("industry_data_centers.csv")
    rows = ind.count_data_center_projects(projects)  # counted at PUE < 1.25
    out = compute(rows, ["data_center_pue_compliance"], data_center_pue_below=1.35)
    assert out.empty  # every row was counted at another threshold → NaN
    recount = ind.count_data_center_projects(projects, pue_below=1.35)
    out = compute(recount, ["data_center_pue_compliance"], data_center_pue_below=1.35)
    # 2022 at PUE < 1.35: A 1.2 ✓, B 1.3 ✓ → 2 / 2 = 100 %; 2023: D 1.25 ✓ → 100 %
    assert value(out, "data_center_pue_compliance", 2022) == 100.0
    assert "data_center_pue_below=1.35" in method(out, "data_center_pue_compliance")


def test_data_centre_counts_at_other_thresholds_are_named_once_each_in_the_note():
    stats = long(
        *(
            (CITY, year, var, v)
            for year, threshold in ((2021, 1.35), (2022, 1.3), (2023, 1.35), (2024, 1.25))
            for var, v in (
                ("data_center_projects_pue_assessed", 2.0),
                ("data_center_projects_pue_compliant", 1.0),
                ("data_center_pue_threshold", threshold),
            )
        )
    )
    out = compute(stats, ["data_center_pue_compliance"], data_center_pue_below=1.25)
    # only 2024 was counted at the option's threshold: 1 / 2 = 50 %; the others are NaN
    assert value(out, "data_center_pue_compliance", 2024) == 50.0
    assert (out["year"] == 2024).all()
    # the other thresholds, sorted, each once
    assert "counts were made with PUE < 1.3, 1.35 but data_center_pue_below=1.25" in method(
        out, "data_center_pue_compliance"
    )


def test_data_centre_counts_submitted_without_threshold_or_assessed():
    stats = long(
        (CITY, 2022, "data_center_projects", 4.0),
        (CITY, 2022, "data_center_projects_rack_compliant", 3.0),
    )
    out = compute(stats, ["data_center_rack_utilization_compliance"])
    # 3 / 4 = 75 %; the threshold and the assessed count are assumed, and said so
    assert value(out, "data_center_rack_utilization_compliance", 2022) == 75.0
    text = method(out, "data_center_rack_utilization_compliance")
    assert "assumed rack utilization > 65" in text
    assert "every project taken as assessed" in text


def test_data_centre_failures():
    base = pd.DataFrame(
        {
            "project": ["A"],
            "region": ["历下区"],
            "year": [2022],
            "pue": [1.2],
            "rack_utilization": [70.0],
        }
    )
    with pytest.raises(ValueError, match="PUE below 1"):
        ind.count_data_center_projects(base.assign(pue=0.9))
    with pytest.raises(ValueError, match="outside 0–100"):
        ind.count_data_center_projects(base.assign(rack_utilization=120.0))
    with pytest.raises(ValueError, match="exceeds racks_installed"):
        ind.count_data_center_projects(
            base.drop(columns="rack_utilization").assign(racks_installed=10, racks_used=11)
        )
    with pytest.raises(ValueError, match="twice"):
        ind.count_data_center_projects(pd.concat([base, base]))
    with pytest.raises(ValueError, match="give 'pue'"):
        ind.count_data_center_projects(base.drop(columns="pue"))
    with pytest.raises(ValueError, match="rack_utilization"):
        ind.count_data_center_projects(base.drop(columns="rack_utilization"))
    with pytest.raises(ValueError, match="'project' is empty"):
        ind.count_data_center_projects(base.assign(project=" "))
    # IT energy 0 → PUE unknown (not assessed), not an error
    rows = ind.count_data_center_projects(
        base.drop(columns="pue").assign(total_facility_energy=5.0, it_energy=0.0), city=None
    )
    got = rows.set_index("variable")["value"]
    assert got["data_center_projects_pue_assessed"] == 0.0
    assert got["data_center_projects"] == 1.0
    with pytest.raises(OptionError):
        compute(rows, ["data_center_pue_compliance"], data_center_pue_below=0.5)


# --- "四新" economy and reported outputs ------------------------------------------------------


def test_four_new_share_end_to_end_and_zero_gdp():
    stats = long(
        (CITY, 2020, "gdp", 10140.91),
        (CITY, 2020, "four_new_economy_value_added", 3700.0),
        (CITY, 2021, "gdp", 0.0),
        (CITY, 2021, "four_new_economy_value_added", 10.0),
    )
    out = compute(stats, ["four_new_economy_share"])
    # 3700 / 10140.91 → 36.485878 %; 2021: GDP 0 → NaN → no row
    assert value(out, "four_new_economy_share", 2020) == pytest.approx(36.485878, abs=1e-6)
    assert out.year.tolist() == [2020]
    assert out.origin.tolist() == ["computed"]


def test_four_new_share_missing_component_falls_back_to_reported():
    stats = long((CITY, 2020, "gdp", 10140.91), (CITY, 2021, "four_new_economy_share", 38.0))
    out = compute(stats, ["four_new_economy_share"])
    assert out.year.tolist() == [2021]
    assert out.value.tolist() == [38.0]
    assert out.origin.tolist() == ["reported"]


def test_reported_vs_computed_four_new_share():
    stats = long(
        (CITY, 2020, "gdp", 10140.91),
        (CITY, 2020, "four_new_economy_value_added", 3700.0),
        (CITY, 2020, "four_new_economy_share", 36.5),
    )
    # 36.5 vs 36.485878: |Δ| = 0.014 < 0.5 % × 36.5 = 0.1825 → consistent
    assert reported_vs_computed(stats).empty
    bad = long(
        (CITY, 2020, "gdp", 10140.91),
        (CITY, 2020, "four_new_economy_value_added", 3700.0),
        (CITY, 2020, "four_new_economy_share", 40.0),
    )
    diff = reported_vs_computed(bad)
    assert diff.indicator.tolist() == ["four_new_economy_share"]
    assert diff.reported.iloc[0] == 40.0
    assert diff.computed.iloc[0] == pytest.approx(36.485878, abs=1e-6)
    # computed wins in compute
    out = compute(bad, ["four_new_economy_share"])
    assert value(out, "four_new_economy_share", 2020) == pytest.approx(36.485878, abs=1e-6)


def test_reported_outputs_are_taken_as_reported_and_summed_over_districts():
    stats = long(
        ("历下区", 2021, "smart_mfg_cluster_output", 1200.0),
        ("章丘区", 2021, "smart_mfg_cluster_output", 3500.0),
        (CITY, 2021, "nev_industry_output", 650.0),
    )
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(
        stats,
        ["smart_mfg_cluster_output", "nev_industry_output", "circular_economy_industry_output"],
        city_from_districts="reporting_districts",
    )
    # city = 1200 + 3500 = 4700亿元 (additive; SYNTHETIC figures)
    assert value(out, "smart_mfg_cluster_output", 2021) == 4700.0
    assert value(out, "nev_industry_output", 2021) == 650.0
    assert "circular_economy_industry_output" not in set(out.indicator)
    assert set(out.origin) == {"reported"}
    assert (out.unit == "亿元").all()


# --- industrial intensities -----------------------------------------------------------------


def intensity_stats() -> pd.DataFrame:
    """SYNTHETIC city series 2019–2023 of industrial value added, energy, water, pollutants."""
    rows = [
        (CITY, 2019, "industrial_value_added", 2300.0),
        (CITY, 2020, "industrial_value_added", 2500.0),
        (CITY, 2020, "industrial_value_added_real_growth", 4.0),
        (CITY, 2021, "industrial_value_added", 2900.0),
        (CITY, 2021, "industrial_value_added_real_growth", 10.0),
        (CITY, 2022, "industrial_value_added", 3000.0),
        (CITY, 2022, "industrial_value_added_index", 105.0),
        (CITY, 2023, "industrial_value_added", 3100.0),
    ]
    for year, energy, water in [
        (2019, 1500.0, 29000.0),
        (2020, 1500.0, 30000.0),
        (2021, 1540.0, 30250.0),
        (2022, 1555.4, 30000.0),
        (2023, 1600.0, 30000.0),
    ]:
        rows += [
            (CITY, year, "industrial_energy_consumption", energy),
            (CITY, year, "industrial_water_use", water),
        ]
    for p in ("cod", "ammonia_nitrogen", "so2", "nox"):
        rows += [
            (CITY, 2020, f"industrial_{p}_emissions", 1000.0),
            (CITY, 2021, f"industrial_{p}_emissions", 900.0),
        ]
    return long(*rows)


def test_industrial_value_added_chained_at_2020_prices():
    out = compute(intensity_stats(), ["industrial_value_added_constant_2020"])
    # 2020: 2500 (base); 2021: 2500 × 1.10 = 2750; 2022: 2750 × 1.05 (index 105) = 2887.5;
    # 2019: 2500 / 1.04 = 2403.846154; 2023: no growth → NaN (no row), with a method note
    assert value(out, "industrial_value_added_constant_2020", 2020) == pytest.approx(2500.0)
    assert value(out, "industrial_value_added_constant_2020", 2021) == pytest.approx(2750.0)
    assert value(out, "industrial_value_added_constant_2020", 2022) == pytest.approx(2887.5)
    assert value(out, "industrial_value_added_constant_2020", 2019) == pytest.approx(
        2403.846154, abs=1e-6
    )
    assert 2023 not in set(out.year)
    assert "current prices not used" in method(out, "industrial_value_added_constant_2020")


def test_industrial_energy_water_intensity_end_to_end():
    ids = [
        "industrial_energy_per_value_added",
        "industrial_energy_per_value_added_change",
        "industrial_water_per_value_added",
        "industrial_water_per_value_added_change",
    ]
    out = compute(intensity_stats(), ids)
    # energy: 2020: 1500 / 2500 = 0.6; 2021: 1540 / 2750 = 0.56; 2022: 1555.4 / 2887.5 =
    # 0.538667; 2019: 1500 / 2403.846 = 0.624 t/万元
    assert value(out, "industrial_energy_per_value_added", 2020) == pytest.approx(0.6)
    assert value(out, "industrial_energy_per_value_added", 2021) == pytest.approx(0.56)
    assert value(out, "industrial_energy_per_value_added", 2022) == pytest.approx(
        0.538667, abs=1e-6
    )
    assert value(out, "industrial_energy_per_value_added", 2019) == pytest.approx(0.624)
    # change: 0.56/0.6 − 1 = −6.666667 %; 0.538667/0.6 − 1 = −10.222222 %
    assert value(out, "industrial_energy_per_value_added_change", 2021) == pytest.approx(
        -6.666667, abs=1e-6
    )
    assert value(out, "industrial_energy_per_value_added_change", 2022) == pytest.approx(
        -10.222222, abs=1e-6
    )
    # water: 2020: 30000 / 2500 = 12 m³/万元; 2021: 30250 / 2750 = 11; change −8.333333 %
    assert value(out, "industrial_water_per_value_added", 2020) == pytest.approx(12.0)
    assert value(out, "industrial_water_per_value_added", 2021) == pytest.approx(11.0)
    assert value(out, "industrial_water_per_value_added_change", 2021) == pytest.approx(
        -8.333333, abs=1e-6
    )
    # 2023: no real growth → no comparable-price intensity (current prices NOT used)
    assert 2023 not in set(out.year)
    assert "current prices not used" in method(out, "industrial_energy_per_value_added")


def test_industrial_pollutants_mass_and_cod_equivalent():
    ids = [
        "industrial_pollutants_per_value_added",
        "industrial_cod_per_value_added",
        "industrial_pollutants_per_value_added_change",
    ]
    out = compute(intensity_stats(), ids)
    # mass: 2020: 4 × 1000 t / 2500亿元 = 1.6 t/亿元; 2021: 3600 / 2750 = 1.309091
    assert value(out, "industrial_pollutants_per_value_added", 2020) == pytest.approx(1.6)
    assert value(out, "industrial_pollutants_per_value_added", 2021) == pytest.approx(
        1.309091, abs=1e-6
    )
    # COD alone: 1000 / 2500 = 0.4; 900 / 2750 = 0.327273
    assert value(out, "industrial_cod_per_value_added", 2020) == pytest.approx(0.4)
    assert value(out, "industrial_cod_per_value_added", 2021) == pytest.approx(0.327273, abs=1e-6)
    # change: 1.309091 / 1.6 − 1 = −18.181818 %
    assert value(out, "industrial_pollutants_per_value_added_change", 2021) == pytest.approx(
        -18.181818, abs=1e-6
    )
    assert "industrial_pollutant_weighting=mass" in method(
        out, "industrial_pollutants_per_value_added"
    )
    eq = compute(
        intensity_stats(),
        ["industrial_pollutants_per_value_added"],
        industrial_pollutant_weighting="cod_equivalent",
    )
    # 1000 × (1 + 1.25 + 1.0526316 + 1.0526316) = 4355.2632 t COD-eq / 2500 = 1.7421053
    assert value(eq, "industrial_pollutants_per_value_added", 2020) == pytest.approx(
        1.7421053, rel=1e-7
    )
    only_cod = compute(
        intensity_stats(), ["industrial_pollutants_per_value_added"], industrial_pollutants="cod"
    )
    assert value(only_cod, "industrial_pollutants_per_value_added", 2020) == pytest.approx(0.4)


def test_industrial_pollutants_missing_component_and_unsupported_weighting():
    out = compute(
        intensity_stats(),
        ["industrial_pollutants_per_value_added"],
        industrial_pollutants="cod+vocs",
    )
    assert out.empty  # no VOCs data → NaN, never a partial sum
    stats = intensity_stats()
    stats = pd.concat([stats, long((CITY, 2020, "industrial_vocs_emissions", 10.0))])
    out = compute(
        stats, ["industrial_pollutants_per_value_added"], industrial_pollutants=("cod", "vocs")
    )
    # 2020: (1000 + 10) / 2500 = 0.404; 2021 has no VOCs → no row
    assert out.year.tolist() == [2020]
    assert out.value.iloc[0] == pytest.approx(0.404)
    none = compute(
        stats,
        ["industrial_pollutants_per_value_added"],
        industrial_pollutants="cod+vocs",
        industrial_pollutant_weighting="cod_equivalent",
    )
    assert none.empty  # VOCs have no pollution-equivalent value


def test_industrial_options_are_validated():
    for bad in ("cod+mercury", "", "cod+cod", 3):
        with pytest.raises(OptionError):
            compute(
                intensity_stats(),
                ["industrial_pollutants_per_value_added"],
                industrial_pollutants=bad,
            )
    with pytest.raises(OptionError):
        compute(
            intensity_stats(),
            ["industrial_pollutants_per_value_added"],
            industrial_pollutant_weighting="toxicity",
        )
    with pytest.raises(OptionError):
        compute(
            intensity_stats(), ["eco_industrial_park_share"], eco_park_share_denominator="national"
        )


def test_industrial_intensity_zero_value_added_and_missing_energy():
    stats = long(
        (CITY, 2020, "industrial_value_added", 0.0),
        (CITY, 2020, "industrial_energy_consumption", 10.0),
        ("历下区", 2020, "industrial_value_added", 100.0),
    )
    out = compute(stats, ["industrial_energy_per_value_added"])
    assert out.empty  # zero value added → NaN; 历下区 lacks energy → NaN


def test_reported_vs_computed_industrial_energy_intensity():
    stats = pd.concat(
        [
            intensity_stats(),
            long(
                (CITY, 2021, "industrial_energy_per_value_added", 0.60),
                (CITY, 2020, "industrial_energy_per_value_added", 0.601),
            ),
        ]
    )
    diff = reported_vs_computed(stats)
    # 2021: reported 0.60 vs computed 0.56 → disagreement; 2020: 0.601 vs 0.6 within 0.5 %
    assert diff[["indicator", "year"]].values.tolist() == [
        ["industrial_energy_per_value_added", 2021]
    ]
    assert diff.computed.iloc[0] == pytest.approx(0.56)


def test_city_intensity_from_districts_sums_numerators_and_denominators():
    stats = long(
        ("历下区", 2020, "industrial_value_added", 1000.0),
        ("章丘区", 2020, "industrial_value_added", 1500.0),
        ("历下区", 2021, "industrial_value_added_real_growth", 10.0),
        ("章丘区", 2021, "industrial_value_added_real_growth", 0.0),
        ("历下区", 2021, "industrial_energy_consumption", 330.0),
        ("章丘区", 2021, "industrial_energy_consumption", 1200.0),
    )
    # two districts only: the 'reporting_districts' option fills the city from them
    out = compute(
        stats, ["industrial_energy_per_value_added"], city_from_districts="reporting_districts"
    )
    # 历下 2021: 330 / (1000 × 1.1) = 0.3; 章丘: 1200 / 1500 = 0.8;
    # city: (330 + 1200) / (1100 + 1500) = 1530 / 2600 = 0.588462 (not the mean 0.55)
    assert value(out, "industrial_energy_per_value_added", 2021, "历下区") == pytest.approx(0.3)
    assert value(out, "industrial_energy_per_value_added", 2021) == pytest.approx(
        0.588462, abs=1e-6
    )


# --- hypothesis properties ------------------------------------------------------------------

positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)


@given(part=positive, total=positive, k=st.floats(min_value=1e-3, max_value=1e3))
def test_share_is_scale_invariant(part, total, k):
    assert ind.share_percent(part * k, total * k) == pytest.approx(ind.share_percent(part, total))


@given(energy=positive, va=positive)
def test_energy_intensity_unit_invariance(energy, va):
    # 吨标准煤 / 万元 computed from base units equals 万吨标准煤 / 亿元
    tce = convert(energy, "万吨标准煤", "吨标准煤")
    wan_yuan = convert(va, "亿元", "万元")
    assert tce / wan_yuan == pytest.approx(ind.industrial_intensity(energy, va), rel=1e-9)
    m3 = convert(energy, "万立方米", "立方米")
    assert m3 / wan_yuan == pytest.approx(ind.industrial_intensity(energy, va), rel=1e-9)


@given(level=st.lists(positive, min_size=2, max_size=6), base=positive)
def test_change_vs_base_is_monotone_in_level(level, base):
    ordered = np.sort(np.array(level))
    change = ind.change_vs_base(ordered, base)
    assert np.all(np.diff(change) >= -1e-9)


@settings(max_examples=20, deadline=None)
@given(
    va=st.lists(st.floats(min_value=1.0, max_value=5000.0), min_size=3, max_size=3),
    share=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=3, max_size=3),
)
def test_four_new_share_city_from_districts_equals_city_from_summed_inputs(va, share):
    names = ["历下区", "市中区", "章丘区"]
    parts = [v * s for v, s in zip(va, share, strict=True)]
    districts = long(
        *[(r, 2021, "gdp", v) for r, v in zip(names, va, strict=True)],
        *[(r, 2021, "four_new_economy_value_added", p) for r, p in zip(names, parts, strict=True)],
    )
    summed = long(
        (CITY, 2021, "gdp", sum(va)), (CITY, 2021, "four_new_economy_value_added", sum(parts))
    )
    # three districts only: the 'reporting_districts' option fills the city from them
    filled = compute(
        districts, ["four_new_economy_share"], city_from_districts="reporting_districts"
    )
    a = value(filled, "four_new_economy_share", 2021)
    b = value(compute(summed, ["four_new_economy_share"]), "four_new_economy_share", 2021)
    assert a == pytest.approx(b, rel=1e-9)


register_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.sampled_from(["历下区", "章丘区", "槐荫区"]),
        st.sampled_from(["国家级", "省级", "市级"]),
        st.integers(min_value=2016, max_value=2025),
        st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    ),
    min_size=1,
    max_size=12,
)


def _register(rows):
    frame = pd.DataFrame(rows, columns=["entity", "region", "level", "certified_year", "span"])
    frame["revoked_year"] = frame["certified_year"] + frame["span"]
    return frame.drop(columns="span")


@settings(max_examples=25, deadline=None)
@given(rows=register_rows, seed=st.integers(min_value=0, max_value=2**16))
def test_register_counts_invariant_to_duplicates_and_city_to_order(rows, seed):
    reg = _register(rows)
    years = range(2015, 2031)
    key = ["region", "year"]

    def counts(frame):
        out = ind.count_certified(frame, variable="green_factories_provincial_plus", years=years)
        return out.sort_values(key, ignore_index=True)[[*key, "value"]]

    base = counts(reg)
    # Duplicated rows change nothing (an entity is counted once).
    pd.testing.assert_frame_equal(base, counts(pd.concat([reg, reg])))
    # Row order may only change the region of an entity certified in two regions in the same
    # year (ties go to the first row listed); the city count never changes.
    shuffled = counts(reg.sample(frac=1.0, random_state=seed))
    pd.testing.assert_frame_equal(
        base[base.region == CITY].reset_index(drop=True),
        shuffled[shuffled.region == CITY].reset_index(drop=True),
    )


@settings(max_examples=25, deadline=None)
@given(rows=register_rows)
def test_register_city_equals_sum_of_districts_and_distinct_entities(rows):
    reg = _register(rows)
    years = list(range(2015, 2031))
    out = ind.count_certified(reg, variable="green_factories_provincial_plus", years=years)
    city = out[out.region == CITY].set_index("year")["value"]
    districts = out[out.region != CITY].groupby("year")["value"].sum()
    pd.testing.assert_series_equal(city, districts.reindex(city.index), check_names=False)
    assert (city <= reg.entity.nunique()).all()


@settings(max_examples=20, deadline=None)
@given(
    pues=st.lists(st.floats(min_value=1.0, max_value=3.0), min_size=1, max_size=8),
    extra=st.floats(min_value=1.0, max_value=1.2499),
)
def test_adding_a_compliant_project_never_lowers_the_pue_share(pues, extra):
    def share(values):
        frame = pd.DataFrame(
            {
                "project": [f"p{i}" for i in range(len(values))],
                "region": "历下区",
                "year": 2022,
                "pue": values,
                "rack_utilization": 70.0,
            }
        )
        rows = ind.count_data_center_projects(frame, city=None)
        return value(
            compute(rows, ["data_center_pue_compliance"]),
            "data_center_pue_compliance",
            2022,
            "历下区",
        )

    assert share([*pues, extra]) >= share(pues) - 1e-9

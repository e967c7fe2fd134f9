"""Tests of the Jinan public data shipped in ``data/baseline_2020`` and ``data/jinan``.

These are the real published figures (not synthetic), checked against
``shared/data/jinan_public_figures.csv`` and the plan text by hand: each literal below is the
figure as the source prints it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import greenplan as gp
from greenplan._resources import data_dir
from greenplan.engine import reported_vs_computed
from greenplan.report import confidence_of_note, shipped_data_paths
from greenplan.variables import VARIABLES

COLUMNS = ["region", "year", "variable", "value", "unit", "source", "note"]


def _files() -> list[Path]:
    return [f for p in shipped_data_paths() for f in sorted(p.glob("*.csv"))]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    frames = []
    for f in _files():
        frame = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8")
        frames.append(frame.assign(_file=f.parent.name))
    return pd.concat(frames, ignore_index=True)


def _value(rows: pd.DataFrame, year: int, variable: str) -> float:
    hit = rows[(rows["year"] == str(year)) & (rows["variable"] == variable)]
    assert len(hit) == 1, f"{variable} {year}: {len(hit)} rows"
    return float(hit["value"].iloc[0])


def test_shipped_folders_exist_and_exclude_examples() -> None:
    paths = shipped_data_paths()
    assert [p.name for p in paths] == ["baseline_2020", "jinan"]
    assert all(p.is_dir() and p.parent == data_dir() for p in paths)
    assert _files(), "no CSV file in the shipped data"


def test_files_are_canonical_long_csv_in_utf8() -> None:
    for f in _files():
        text = f.read_bytes().decode("utf-8")  # raises if not UTF-8
        assert not text.startswith("\ufeff"), f"{f.name}: no BOM"
        header = next(csv.reader([text.splitlines()[0]]))
        assert header == COLUMNS, f.name


def test_validate_has_no_errors_and_no_warnings() -> None:
    report = gp.validate(*shipped_data_paths())
    assert report.ok, report.to_text()
    assert not report.warnings, report.to_text()
    assert report.rows_read == report.rows_accepted


def test_every_row_has_a_source_and_a_confidence_tag(rows: pd.DataFrame) -> None:
    assert (rows["source"].str.strip() != "").all()
    levels = rows["note"].map(confidence_of_note)
    assert levels.notna().all(), rows.loc[levels.isna(), ["year", "variable"]]
    # [M] (recalled, not re-read) figures are not shipped: only confirmed or derived.
    assert not rows["note"].str.contains(r"\[M\]").any()


def test_derived_rows_show_their_arithmetic(rows: pd.DataFrame) -> None:
    derived = rows[rows["note"].str.contains(r"\[D\]")]
    assert len(derived) >= 2
    assert derived["note"].str.contains("=").all(), derived[["year", "variable", "note"]]


def test_codes_units_regions_and_years(rows: pd.DataFrame) -> None:
    for var, unit in rows[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        assert var in VARIABLES, var
        assert unit == VARIABLES[var].unit, f"{var}: {unit} is not the canonical unit"
    assert set(rows["region"]) == {"济南市"}
    base = rows[rows["_file"] == "baseline_2020"]
    later = rows[rows["_file"] == "jinan"]
    assert set(base["year"]) == {"2020"}
    assert set(later["year"].astype(int)) <= set(range(2021, 2025))
    assert not rows.duplicated(["region", "year", "variable"]).any()


def test_published_figures_as_printed(rows: pd.DataFrame) -> None:
    # 济南市2020年统计公报 / the plan 一(一) / jnw.cc 2022-03 / sdenews 2022-10-25 / e23 2025-11-19
    assert _value(rows, 2020, "gdp") == 10140.91
    assert _value(rows, 2020, "gdp_real_growth") == 4.9
    assert _value(rows, 2020, "good_air_days_ratio") == 62
    assert _value(rows, 2020, "forest_coverage") == 11.4
    assert _value(rows, 2020, "rd_expenditure") == 265.46
    assert _value(rows, 2020, "rd_intensity") == 2.62
    assert _value(rows, 2020, "specialized_gazelle_champion_enterprises") == 771
    assert _value(rows, 2021, "good_air_days_ratio") == 64.6
    assert _value(rows, 2021, "gdp") == 11432.22
    assert _value(rows, 2022, "gdp") == 12027.5
    assert _value(rows, 2023, "gdp") == 12757.4
    assert _value(rows, 2024, "gdp") == 13527.6


def test_derived_figures_by_hand(rows: pd.DataFrame) -> None:
    # 2021 resident population: 941.5 / 1.008 = 934.03 → 934.0
    assert _value(rows, 2021, "population_resident") == 934.0
    # 2024 growth: 1.054^4 / (1.072 × 1.031 × 1.061) − 1 = 1.234134 / 1.172651 − 1 = 5.24 %
    assert _value(rows, 2024, "gdp_real_growth") == 5.2


def test_three_industries_sum_to_gdp(rows: pd.DataFrame) -> None:
    # 2020: 361.66 + 3530.67 + 6248.58 = 10140.91; 2022: 420.5 + 4180.2 + 7426.7 = 12027.4
    for year in (2020, 2021, 2022, 2023):
        parts = sum(
            _value(rows, year, f"value_added_{p}") for p in ("primary", "secondary", "tertiary")
        )
        assert parts == pytest.approx(_value(rows, year, "gdp"), abs=0.11)


def test_reported_rd_intensity_agrees_with_its_components() -> None:
    # 265.46 / 10140.91 = 2.618 % vs 2.62 % reported: within the 0.5 % rounding tolerance.
    stats = gp.read_statistics(*shipped_data_paths())
    assert reported_vs_computed(stats).empty


def test_what_is_deliberately_not_shipped(rows: pd.DataFrame) -> None:
    shipped = set(zip(rows["year"].astype(int), rows["variable"], strict=True))
    # 85.7 % (2020) is on the 13th-FYP section set; the 70 % target is on the 14th-FYP set.
    assert (2020, "surface_water_class_iii_share") not in shipped
    # ">36 %" and "4000亿级" are bounds, not values: left to Target.baseline.
    assert (2020, "four_new_economy_share") not in shipped
    assert (2020, "smart_mfg_cluster_output") not in shipped
    # 2022 Jan–Sep air quality is not an annual value.
    assert (2022, "good_air_days_ratio") not in shipped
    # The 2020 census population is a recalled [M] figure.
    assert (2020, "population_resident") not in shipped
    # The 2020 figure of 12 green factories counts national level only: a different scope.
    assert (2020, "green_factories_provincial_plus") not in shipped


def test_partial_year_figures_are_absent(rows: pd.DataFrame) -> None:
    partial = re.compile(r"Jan[–-]Sep|1-9月|1—9月|partial", re.IGNORECASE)
    assert not rows["note"].str.contains(partial).any()


def test_readme_names_every_variable_shipped(rows: pd.DataFrame) -> None:
    readme = (data_dir() / "README.md").read_text(encoding="utf-8")
    for var in rows["variable"].unique():
        assert f"`{var}`" in readme, var

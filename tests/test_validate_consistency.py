"""validate's engine checks share one computation, built from the table checks' integer codes.

Each fast path is compared with the engine function it stands for (the same frame, the same
rows), and the rate comparison with values worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import greenplan as gp
from greenplan import engine
from greenplan.consistency import rate_disagreements
from greenplan.io import read_and_check
from greenplan.regions import CITY, districts
from greenplan.schema import OBSERVATION_COLUMNS, mark_canonical
from greenplan.validation import resolve_options, shared
from greenplan.validation.shared import inputs_of_table, rate_levels, wide_of_table
from greenplan.variables import VARIABLES

EXAMPLES = "data/examples"


def _synthetic(n: int, seed: int, city_share: float) -> pd.DataFrame:
    """SYNTHETIC random statistics, unique by key; the city present in ``city_share`` of rows."""
    rng = np.random.default_rng(seed)
    codes = sorted(VARIABLES)
    regions = districts() + [CITY] * max(1, int(len(districts()) * city_share))
    data = pd.DataFrame(
        {
            "region": rng.choice(regions, n),
            "year": rng.integers(2015, 2024, n),
            "variable": rng.choice(codes, n),
            "value": np.round(rng.uniform(0, 100, n), 2),
        }
    ).drop_duplicates(["region", "year", "variable"])
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    # every district reports a few additive series in some years, so the city fill has work
    full = pd.DataFrame(
        [
            (d, y, "gdp", float(k + y - 2000))
            for k, d in enumerate(districts())
            for y in (2019, 2020)
        ],
        columns=["region", "year", "variable", "value"],
    ).assign(unit=VARIABLES["gdp"].unit)
    data = data[data["variable"] != "gdp"]
    return pd.concat([data, full], ignore_index=True)


def _checked(source: object) -> object:
    opts = resolve_options({})
    _, _, checked = read_and_check([source], opts)
    return checked.unique


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("rule", ["all_districts", "reporting_districts", "never"])
def test_wide_of_table_is_to_wide(seed, rule):
    t = _checked(_synthetic(600, seed, city_share=0.3 * seed))
    canon = mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)])
    expected = engine.to_wide(canon, city_rule=rule)
    got = wide_of_table(t, rule)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.columns) == list(expected.columns)


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("rule", ["all_districts", "never"])
def test_wide_of_table_by_grid_is_by_scatter(seed, rule, monkeypatch):
    # the values through a variables × pairs grid or scattered row by row: the same frame
    t = _checked(_synthetic(600, seed, city_share=0.4))
    monkeypatch.setattr(shared, "_grid_fits", lambda t, n_bins: True)  # (no NaN value)
    by_grid = wide_of_table(t, rule)
    monkeypatch.setattr(shared, "_grid_fits", lambda t, n_bins: False)
    by_scatter = wide_of_table(t, rule)
    pd.testing.assert_frame_equal(by_grid, by_scatter, check_exact=True)
    canon = mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)])
    pd.testing.assert_frame_equal(by_grid, engine.to_wide(canon, city_rule=rule), check_exact=True)


def test_the_grid_takes_small_tables_without_nan():
    t = _checked(EXAMPLES)
    assert shared._grid_fits(t, t.nr * t.ny)  # the examples: 12 regions × few years


def test_wide_of_table_leaves_out_what_only_rejected_rows_had():
    # SYNTHETIC: water_use is given twice with different values (both rows rejected) and the
    # only district row is a conflicting duplicate too: no water_use column, no city rows
    data = pd.DataFrame(
        {
            "region": [CITY, CITY, CITY, CITY, districts()[0], districts()[0]],
            "year": [2020, 2021, 2021, 2021, 2021, 2021],
            "variable": ["gdp", "gdp", "water_use", "water_use", "gdp", "gdp"],
            "value": [1.0, 2.0, 3.0, 4.0, 0.5, 0.6],
        }
    )
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    t = _checked(data)
    canon = mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)])
    got = wide_of_table(t)
    pd.testing.assert_frame_equal(got, engine.to_wide(canon), check_exact=True)
    assert list(got.columns) == ["gdp"]
    assert got.index.get_level_values("region").unique().tolist() == [CITY]


@pytest.mark.parametrize("seed", [3, 4])
def test_wide_of_table_is_to_wide_after_rejections(seed):
    data = _synthetic(800, seed, city_share=0.5)
    clash = data.sample(60, random_state=seed).assign(value=lambda d: d["value"] + 1.0)
    t = _checked(pd.concat([data, clash], ignore_index=True))
    canon = mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)])
    pd.testing.assert_frame_equal(wide_of_table(t), engine.to_wide(canon), check_exact=True)


def test_wide_of_table_is_to_wide_on_the_examples():
    t = _checked(EXAMPLES)
    canon = mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)])
    pd.testing.assert_frame_equal(wide_of_table(t), engine.to_wide(canon), check_exact=True)


def test_coverage_codes_are_coverage():
    stats = gp.read_statistics(EXAMPLES)
    x = engine.inputs_from(stats)
    frame = engine.coverage(x)
    codes = engine.coverage_codes(x)
    assert len(frame) == codes.row.size > 0
    rebuilt = pd.DataFrame(
        {
            "indicator": np.asarray(codes.indicators, dtype=object)[codes.indicator],
            "region": np.asarray(x.regions, dtype=object)[codes.row],
            "year": x.years.to_numpy()[codes.row],
            "missing": np.asarray(codes.patterns, dtype=object)[codes.missing],
        }
    )
    pd.testing.assert_frame_equal(rebuilt, frame, check_dtype=False)
    # numbered by first appearance, as pandas.factorize numbers the frame's columns
    assert pd.factorize(frame["missing"])[1].tolist() == codes.patterns
    assert pd.factorize(frame["indicator"])[1].tolist() == codes.indicators


def _refuse(*args, **kwargs):
    raise AssertionError("validate must not build the engine's inputs a second time")


def test_validate_builds_the_engines_inputs_once(monkeypatch):
    # the water_use_per_gdp level 2020 → 2021 and a published annual rate that disagrees, and
    # a reported indicator: all three engine checks have work, on one shared Inputs
    built = []
    original = inputs_of_table

    def counted(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr("greenplan.validation.inputs_of_table", counted)
    monkeypatch.setattr(engine, "inputs_from", _refuse)
    monkeypatch.setattr(engine, "compute", _refuse)
    monkeypatch.setattr(engine, "to_wide", _refuse)
    report = gp.validate(EXAMPLES)
    assert built == [1]
    codes = {f.code for f in report.findings}
    assert "check_failed" not in codes
    assert "not_computable" in codes


def test_rate_check_is_fed_only_rate_rows(monkeypatch):
    seen = []

    def spy(x, t, rows, base_year):
        seen.append([t.variables[k] for k in t.vc[rows]])
        return rate_levels(x, t, rows, base_year)

    monkeypatch.setattr("greenplan.validation.rate_levels", spy)
    data = pd.DataFrame(
        {
            "region": CITY,
            "year": [2020, 2021, 2020, 2021, 2021],
            "variable": ["water_use", "water_use", "gdp", "gdp", "water_use_per_gdp_annual_change"],
            "value": [20.0, 21.0, 10000.0, 10500.0, -3.0],
        }
    )
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    report = gp.validate(data)
    assert seen == [["water_use_per_gdp_annual_change"]]
    assert not [f for f in report.findings if f.code == "check_failed"]


def test_rate_disagreements_by_hand():
    # SYNTHETIC levels of x: 2020 50, 2021 48, 2022 0, 2023 45 (region A); 2021 10 (region B)
    values = pd.DataFrame(
        {
            "region": ["A", "A", "A", "A", "B"],
            "year": [2020, 2021, 2022, 2023, 2021],
            "indicator": "x",
            "value": [50.0, 48.0, 0.0, 45.0, 10.0],
        }
    )
    stats = pd.DataFrame(
        {
            "region": ["A", "A", "A", "A", "A", "B", "A", "A"],
            "year": [2021, 2021, 2023, 2023, 2020, 2021, 2022, 2021],
            "variable": [
                "x_annual_change",  # 48/50 − 1 = −4 %; reported −4.0: agrees
                "x_change",  # vs 2020: −4 %; reported −4.1: |−4 + 4.1| = 0.1 > 0.05
                "x_annual_change",  # vs 2022 = 0: no reference, skipped
                "x_change",  # 45/50 − 1 = −10 %; reported −9.96: 0.04 ≤ 0.05, agrees
                "x_change",  # the base year itself: nothing to compare
                "x_annual_change",  # B has no 2020 level: skipped
                "x_annual_change",  # 0/48 − 1 = −100 %; reported NaN: skipped
                "y_change",  # no level y
            ],
            "value": [-4.0, -4.1, 5.0, -9.96, 0.0, 1.0, math.nan, 3.0],
        }
    )
    found = rate_disagreements(stats, values)
    assert found["variable"].tolist() == ["x_change"]
    assert found["year"].tolist() == [2021]
    assert found["reported"].tolist() == [-4.1]
    assert found["from_levels"].tolist() == [pytest.approx(-4.0)]
    assert found["message"].iloc[0].startswith("x_change 2021: reported -4.1 %")
    # the annual form against the previous year: 45/0 is no reference; 2022 vs 2021 −100 %
    stats2 = pd.DataFrame(
        {"region": ["A"], "year": [2022], "variable": ["x_annual_change"], "value": [-99.0]}
    )
    assert rate_disagreements(stats2, values)["from_levels"].tolist() == [pytest.approx(-100.0)]
    assert rate_disagreements(stats.iloc[:0], values).empty
    assert rate_disagreements(stats[stats["variable"] == "y_change"], values).empty


def test_coverage_codes_of_no_indicator():
    x = engine.inputs_from(gp.read_statistics(EXAMPLES))
    codes = engine.coverage_codes(x, [])
    assert codes.indicators == [] and codes.row.size == 0 and codes.patterns == []
    assert engine.coverage(x, []).empty


def test_validate_command_imports_no_assessment_report_or_pint(tmp_path):
    # the everyday `greenplan validate small.csv` stays light: the rate check lives below the
    # assessment (greenplan.consistency), and nothing builds or imports a unit registry
    import subprocess
    import sys

    small = tmp_path / "small.csv"
    lines = ["region,year,variable,value,unit,source"]
    lines += [f"济南市,{2016 + k},gdp,{10000 + 100 * k},亿元,synthetic" for k in range(10)]
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import sys; from greenplan.cli import main; rc = main(['validate', sys.argv[1]]); "
        "print(rc, *sorted(m for m in sys.modules if m.startswith(('greenplan', 'pint'))))"
    )
    out = (
        subprocess.run(
            [sys.executable, "-c", code, str(small)], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )
    assert out[0] == "0"
    loaded = set(out[1:])
    assert "greenplan.validation" in loaded
    heavy = {"greenplan.progress", "greenplan.report", "greenplan.plot", "pint"}
    assert not loaded & heavy


@pytest.mark.parametrize("seed", [0, 1])
def test_row_finder_dense_is_hashed(seed):
    # SYNTHETIC keys: a position per possible key, or a hashed index: the same answers
    rng = np.random.default_rng(seed)
    keys = rng.choice(500, size=120, replace=False).astype(np.int64)
    wanted = rng.integers(0, 500, size=300)
    dense = shared._row_finder(keys, 500, dense=True)(wanted)
    hashed = shared._row_finder(keys, 500, dense=False)(wanted)
    np.testing.assert_array_equal(dense, hashed)
    # by hand: a key's own position, and len(keys) for a key not there
    assert dense[wanted == keys[7]].tolist() == [7] * int((wanted == keys[7]).sum())
    absent = np.setdiff1d(np.arange(500), keys)[:3]
    assert shared._row_finder(keys, 500)(absent).tolist() == [120, 120, 120]

"""engine.coverage_codes works on all indicators at once; a plain loop per indicator agrees.

So does validate's summary of it, one not_computable finding per (indicator, region).

The oracle here is the definition of :class:`~greenplan.engine.CoverageCodes` written as the
simplest loops (indicator by indicator, row by row, one ``;``-joined text per row), not the
code under test. Every table and matrix here is SYNTHETIC (random).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan import engine
from greenplan.diagnostics import Collector
from greenplan.engine import _coverage_codes, _missing_patterns, _missing_patterns_by_indicator
from greenplan.indicators.registry import Inputs, recipes_table
from greenplan.indicators.registry import resolve_options as resolve_compute_options
from greenplan.regions import CITY, districts
from greenplan.validation import _not_computable, _years_text
from greenplan.variables import VARIABLES


def _entries_by_loops(
    absent: np.ndarray, nan: np.ndarray, inputs: list[list[int]], names: list[str]
) -> tuple[list[int], list[int], list[int], list[str]]:
    """Each (indicator, row) without a value, by indicator then row, and its missing inputs."""
    indicator, row, missing = [], [], []
    patterns: dict[str, int] = {}
    for i, codes in enumerate(inputs):
        for r in range(absent.shape[1]):
            if absent[i, r]:
                label = ";".join(names[c] for c in codes if nan[c, r])
                indicator.append(i)
                row.append(r)
                missing.append(patterns.setdefault(label, len(patterns)))
    return indicator, row, missing, list(patterns)


@st.composite
def _matrices(draw: st.DrawFn, max_width: int) -> tuple:
    n_rows = draw(st.integers(0, 12))
    n_inputs = draw(st.integers(1, 8))
    n_indicators = draw(st.integers(1, 6))
    density = draw(st.sampled_from([0.1, 0.5, 0.9]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    absent = rng.random((n_indicators, n_rows)) < density
    nan = rng.random((n_inputs, n_rows)) < density
    # inputs may repeat (an input used twice by one indicator is two flags of its key)
    widths = draw(st.lists(st.integers(1, max_width), min_size=n_indicators, max_size=n_indicators))
    inputs = [rng.integers(0, n_inputs, w).tolist() for w in widths]
    names = [f"v{k}" for k in range(n_inputs)]
    return absent, nan, inputs, names


def _check(absent: np.ndarray, nan: np.ndarray, inputs: list[list[int]], names: list[str]) -> None:
    want = _entries_by_loops(absent, nan, inputs, names)
    # all indicators at once, and one at a time (coverage_codes' way on many entries)
    for find in (_missing_patterns, _missing_patterns_by_indicator):
        indicator, row, missing, patterns = find(absent, nan, inputs, names)
        assert (indicator.tolist(), row.tolist(), missing.tolist(), patterns) == want
        assert indicator.dtype == row.dtype == missing.dtype == np.int64


@given(_matrices(max_width=8))
def test_missing_patterns_are_those_of_a_loop(case):
    _check(*case)


@settings(max_examples=40)
@given(_matrices(max_width=140))
def test_missing_patterns_of_indicators_with_many_inputs(case):
    # more than 62 inputs: several keys per entry, told apart by rows of keys, not one integer
    _check(*case)


@settings(max_examples=40)
@given(_matrices(max_width=70), st.integers(1, 5))
def test_missing_patterns_a_block_of_rows_at_a_time(case, block):
    # the input bits are summed a block of rows at a time (bounded memory): small blocks here
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "_BLOCK_ROWS", block)
        _check(*case)


def test_missing_patterns_of_wide_indicators_by_hand():
    # SYNTHETIC: 3 rows; indicator 0 has 70 inputs (input k is nan[k % 3]: each row lacks a
    # third of them), indicator 1 has input 2 only. Rows 0 and 1 lack indicator 0, rows 1
    # and 2 indicator 1: 4 entries, 3 patterns (row 1 of indicator 0 lacks v1 ×24; indicator
    # 1 lacks v2 in row 2, nothing in row 1)
    nan = np.eye(3, dtype=bool)
    absent = np.array([[True, True, False], [False, True, True]])
    inputs = [[k % 3 for k in range(70)], [2]]
    indicator, row, missing, patterns = _missing_patterns(absent, nan, inputs, ["v0", "v1", "v2"])
    assert indicator.tolist() == [0, 0, 1, 1]
    assert row.tolist() == [0, 1, 1, 2]
    assert missing.tolist() == [0, 1, 2, 3]
    assert patterns == [";".join(["v0"] * 24), ";".join(["v1"] * 23), "", "v2"]


def _codes_by_loops(x: engine.Inputs, ids: list[str]) -> engine.CoverageCodes:
    """:func:`engine.coverage_codes` by its definition: per indicator, per row."""
    table = recipes_table()
    columns = set(x.wide.columns)
    kept: list[str] = []
    indicator, row, missing = [], [], []
    patterns: dict[str, int] = {}
    for id in ids:
        values = x.indicator_values(id)
        codes = list(table[id].indicator.inputs or (id,))
        # an input's values: its column, or the indicator it is when not given
        inputs = [
            x.indicator_values(c) if c in table and c not in columns else x.column_values(c)
            for c in codes
        ]
        rows = [r for r in range(len(values)) if np.isnan(values[r])]
        if not rows:
            continue
        kept.append(id)
        for r in rows:
            label = ";".join(c for c, v in zip(codes, inputs, strict=True) if np.isnan(v[r]))
            indicator.append(len(kept) - 1)
            row.append(r)
            missing.append(patterns.setdefault(label, len(patterns)))
    return engine.CoverageCodes(
        kept, np.array(indicator), np.array(row), np.array(missing), list(patterns)
    )


@settings(max_examples=25)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.05, 0.3, 0.8]),
    st.booleans(),
    st.sampled_from([100_000, 0]),  # all indicators at once / one at a time (many entries)
)
def test_coverage_codes_are_those_of_a_loop_per_indicator(seed, density, shuffle, many):
    # SYNTHETIC statistics: each (region, year, variable) given with probability `density`
    rng = np.random.default_rng(seed)
    regions = [CITY, *districts()[:3]]
    codes = sorted(VARIABLES)
    cells = [(r, y, v) for r in regions for y in (2019, 2020, 2021) for v in codes]
    keep = rng.random(len(cells)) < density
    data = pd.DataFrame(
        [c for c, k in zip(cells, keep, strict=True) if k], columns=["region", "year", "variable"]
    )
    data["value"] = np.round(rng.uniform(1, 100, len(data)), 2)
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    x = engine.inputs_from(data)
    ids = list(engine._select(None))
    if shuffle:  # entries come in the order asked
        ids = [ids[k] for k in rng.permutation(len(ids))][: len(ids) // 2]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "_MANY_ENTRIES", many)
        got = _coverage_codes(x, ids)
    want = _codes_by_loops(x, ids)
    assert got.indicators == want.indicators
    assert got.patterns == want.patterns
    for name in ("indicator", "row", "missing"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist()


def test_coverage_codes_of_nothing_asked():
    data = pd.DataFrame(
        {"region": [CITY], "year": [2020], "variable": ["gdp"], "value": [1.0]}
    ).assign(unit=VARIABLES["gdp"].unit)
    got = _coverage_codes(engine.inputs_from(data), [])
    assert got.indicators == [] and got.patterns == [] and got.row.size == 0


def _inputs_on_rows(regions: list[str], years: list[int]) -> Inputs:
    """Engine inputs on rows of these (region, year), in this order (no column: the summary
    reads only the rows)."""
    index = pd.MultiIndex.from_arrays([regions, years], names=["region", "year"])
    return Inputs(pd.DataFrame(index=index), resolve_compute_options({}))


@pytest.mark.parametrize("n_regions", [3, 40])  # 3 × 12 rows; 40 × 12
@pytest.mark.parametrize("seed", [0, 1])
def test_not_computable_findings_by_region_are_those_of_a_loop(n_regions, seed):
    # SYNTHETIC: rows of n_regions regions × 12 years in a shuffled order; two indicators,
    # each without a value in a random half of the rows, missing input "a" or "b" at random
    rng = np.random.default_rng(seed)
    cells = [(f"R{r}", 2010 + y) for r in range(n_regions) for y in range(12)]
    order = rng.permutation(len(cells))
    rows = _inputs_on_rows([cells[k][0] for k in order], [cells[k][1] for k in order])
    entries = [(i, r) for i in range(2) for r in range(len(cells)) if rng.random() < 0.5]
    patterns = rng.integers(0, 2, len(entries))
    cov = engine.CoverageCodes(
        ["x", "y"],
        np.array([i for i, _ in entries]),
        np.array([r for _, r in entries]),
        patterns,
        ["a", "b"],
    )
    collector = Collector(10**6)
    _not_computable(rows, cov, [0, 1], ["x", "y"], collector)
    # by loops: each (indicator, region)'s years and missing inputs
    want: dict[tuple[str, str], tuple[list[int], set[str]]] = {}
    for (i, r), p in zip(entries, patterns.tolist(), strict=True):
        years, missing = want.setdefault((cov.indicators[i], rows.regions[r]), ([], set()))
        years.append(int(rows.years[r]))
        missing.add(cov.patterns[p])
    got = {(f.variable, f.region): f for f in collector.findings}
    assert got.keys() == want.keys()
    for key, (years, missing) in want.items():
        f = got[key]
        assert f.count == len(years)
        assert f.year == (years[0] if len(years) == 1 else None)
        assert f" in {_years_text(np.array(sorted(years)))}: " in f.message
        assert set(f.expected.split(", ")) == missing
    # by indicator, then region in the order of the inputs' region codes (the report sorts
    # its findings again: this order is the collector's only)
    _, names = rows.arrays.region_codes()
    rank = {str(name): k for k, name in enumerate(names)}
    assert [(f.variable, f.region) for f in collector.findings] == sorted(
        got, key=lambda k: (k[0], rank[k[1]])
    )

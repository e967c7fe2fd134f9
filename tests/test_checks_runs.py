"""The table checks by stretches of a series give what the checks row by row give.

When the accepted rows come grouped by series (region, variable), the checks of bounds, sums
of components, city vs districts and percent scale look at a variable's properties once per
stretch (``Table.runs``); the year-on-year scan goes block by block. Each is compared with the
same check on the same rows with the stretches switched off (the row-by-row path), and the
helpers with plain Python. Every table here is SYNTHETIC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan import checks
from greenplan.checks import Table, ranges, resolve_options
from greenplan.diagnostics import Collector
from greenplan.regions import CITY, districts
from greenplan.variables import VARIABLES, children

OPTS = resolve_options({"year_range": (1900, 2100)})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 40)), max_size=20))
def test_ranges_are_the_rows_of_the_stretches(gaps_and_lengths):
    starts, lengths, at = [], [], 0
    for gap, length in gaps_and_lengths:
        starts.append(at + gap)
        lengths.append(length)
        at += gap + length
    got = ranges(np.array(starts, dtype=np.int64), np.array(lengths, dtype=np.int64))
    expected = [r for s, n in zip(starts, lengths, strict=True) for r in range(s, s + n)]
    assert got.tolist() == expected


def _variables() -> list[str]:
    """Variables of every kind the checks treat apart: components and totals, sums, shares."""
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    kids = [k for p in parents[:3] for k in children(p)]
    shares = [c for c, d in VARIABLES.items() if d.unit == "%"][:3]
    return list(dict.fromkeys([*parents[:3], *kids, *shares, "gdp", "energy_consumption"]))


def _table(seed: int, n_years: int, shuffle: bool = False) -> pd.DataFrame:
    """SYNTHETIC rows of the city and its districts by series (region, variable), then year.

    Values drawn at random, with jumps, negatives, fractions of shares, NaN and a gap.
    """
    rng = np.random.default_rng(seed)
    regions = [CITY, *districts()]
    variables = _variables()
    years = [y for y in range(2000, 2000 + n_years) if y != 2003]  # a year missing
    rows = []
    for r in regions:
        for v in variables:
            base = rng.lognormal(3, 1)
            for y in years:
                x = base * rng.choice([1.0, 1.0, 1.0, 3.0, 0.2, -1.0, 0.001])
                rows.append((r, y, v, x))
    frame = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    frame.loc[rng.choice(len(frame), 5, replace=False), "value"] = np.nan
    frame.loc[rng.choice(len(frame), 5, replace=False), "value"] = np.inf
    if shuffle:
        frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame["unit"] = [VARIABLES[v].unit for v in frame["variable"]]
    frame["file"], frame["sheet"] = "synthetic.csv", ""
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def _run(check, frame: pd.DataFrame, by_runs: bool):
    t = Table(frame)
    if not by_runs:  # the row-by-row path
        t._runs, t._runs_made = None, True
    collector = Collector(10_000)
    out = check(t, collector, OPTS)
    return t, [f.model_dump() for f in collector.findings], out


CHECKS = [
    checks._check_bounds,
    checks._check_children,
    checks._check_districts,
    checks._check_yoy,
    checks._check_percent_scale,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_checks_by_stretches_are_the_checks_row_by_row(check, seed):
    frame = _table(seed, n_years=30)
    t, by_runs, out_runs = _run(check, frame, by_runs=True)
    assert t.runs is not None  # the case under test
    _, plain, out_plain = _run(check, frame, by_runs=False)
    assert by_runs == plain
    assert len(by_runs) > 0 or check is checks._check_percent_scale
    if out_runs is None or out_plain is None:
        assert out_runs is None and out_plain is None
    else:
        np.testing.assert_array_equal(out_runs, out_plain)


def test_rows_out_of_series_order_are_checked_row_by_row():
    t = Table(_table(0, n_years=30, shuffle=True))
    assert t.runs is None


def test_runs_are_the_stretches_of_a_series():
    frame = _table(3, n_years=12)
    t = Table(frame)
    starts, lengths, rc, vc = t.runs
    # the oracle: a new stretch wherever region or variable differs from the row before
    keys = list(zip(frame["region"], frame["variable"], strict=True))
    expected = [i for i in range(len(keys)) if i == 0 or keys[i] != keys[i - 1]]
    assert starts.tolist() == expected
    assert lengths.sum() == len(frame)
    assert [(t.regions[a], t.variables[b]) for a, b in zip(rc, vc, strict=True)] == [
        keys[i] for i in expected
    ]


def test_year_on_year_by_blocks_is_the_whole_arrays_at_once():
    rng = np.random.default_rng(5)
    v = rng.choice([0.0, -2.0, 1.0, 3.0, np.nan, np.inf], size=3 * checks.BLOCK + 17)
    prev, cur = v[:-1], v[1:]
    with np.errstate(all="ignore"):
        expected = np.flatnonzero(np.abs((cur - prev) / np.abs(prev)) > 0.5)
        got = checks._jumps(prev, cur, 0.5)
    np.testing.assert_array_equal(got, expected)


def test_year_codes_without_a_missing_year_are_the_offsets():
    year = np.array([2003, 2001, 2002, 2001, 2004], dtype=np.int64)
    codes, years = checks._year_codes(year)
    assert years.tolist() == [2001, 2002, 2003, 2004]
    assert codes.tolist() == [2, 0, 1, 0, 3]


def test_code_lists_looked_up_once_are_the_code_lists():
    from greenplan.regions import REGIONS

    expected = [c for c, r in REGIONS.items() if r.level in {"district", "county"}]
    got = districts()
    assert got == expected
    got.append("not a district")  # a caller's copy: the next call is not changed
    assert districts() == expected
    parents, kids = checks._families()
    assert parents == sorted({d.parent for d in VARIABLES.values() if d.parent})
    for p in parents:
        assert kids[p] == [c for c, d in VARIABLES.items() if d.parent == p]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 40), min_size=1, max_size=60),
    st.sampled_from([0, 1990, -3000, 10**9]),
)
def test_year_codes_made_when_asked_are_the_year_codes(offsets, base):
    # the oracle: the codes of every distinct year in ascending order, by plain Python
    year = np.array([base + k for k in offsets], dtype=np.int64)
    frame = pd.DataFrame(
        {
            "region": CITY,
            "year": year,
            "variable": "gdp",
            "value": 1.0,
            "unit": "亿元",
            "file": "f.csv",
            "sheet": "",
            "row": np.arange(len(year)),
        }
    )
    t = Table(frame)
    distinct = sorted(set(year.tolist()))
    assert t.years.tolist() == distinct
    expected = [distinct.index(y) for y in year.tolist()]
    assert t.year_codes_times(7).tolist() == [7 * c for c in expected]
    rows = np.arange(0, len(year), 2)
    assert t.year_codes_times(3, rows).tolist() == [3 * expected[i] for i in rows]
    assert t.yc.tolist() == expected

"""The table checks by stretches of a series give what the checks row by row give.

When the accepted rows come grouped by series (region, variable), the checks of bounds, sums
of components, city vs districts and percent scale look at a variable's properties once per
stretch (``Table.runs``); the year-on-year scan goes block by block. ``Table`` takes the
per-variable facts from a cache of the code list (``_variable_facts``), the steps of the
series key and the distinct years from the stretches (``_stretch_steps``, ``_distinct_years``
with stretches), and ``_district_sums`` counts a (year, variable)'s parts by stretch. Each is
compared with the same check on the same rows with the stretches switched off (the row-by-row
path), and the helpers with plain Python. Every table here is SYNTHETIC.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from greenplan import checks
from greenplan._numeric import int_codes
from greenplan.checks import Table, ranges, resolve_options
from greenplan.definitions import Aggregation, VariableKind
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
    return _accepted(frame)


def _accepted(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (region, year, variable, value) with each variable's unit and a file row."""
    frame["unit"] = [VARIABLES[v].unit for v in frame["variable"]]
    frame["file"], frame["sheet"] = "synthetic.csv", ""
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def _run(check, frame: pd.DataFrame, by_runs: bool):
    t = Table(frame)
    if not by_runs:  # the row-by-row path
        t._runs, t._runs_made = None, True
    collector = Collector(10_000)
    with np.errstate(all="ignore"):
        out = check(t, collector, OPTS)
    return t, [f.model_dump() for f in collector.findings], out


def _assert_same_out(got, want) -> None:
    """The rows a check returns (None, an array, or a tuple of arrays) are the same."""
    if got is None or want is None:
        assert got is None and want is None
    elif isinstance(got, tuple):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_array_equal(got, want)


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
    _assert_same_out(out_runs, out_plain)


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
    codes, years = int_codes(year)
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


def _stretch_variables() -> list[str]:
    """Variables the checks treat apart: totals and components, additive, shares, rates."""
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    kids = [k for p in parents[:2] for k in children(p)]
    shares = [c for c, d in VARIABLES.items() if d.kind is VariableKind.SHARE][:2]
    rates = [c for c, d in VARIABLES.items() if d.kind.value in ("rate", "index")][:1]
    return list(dict.fromkeys([*parents[:2], *kids, *shares, *rates, "gdp"]))


VARS = _stretch_variables()
REGIONS = [CITY, *districts()[:4]]


@st.composite
def _series_tables(draw: st.DrawFn) -> pd.DataFrame:
    """SYNTHETIC rows by series (region, variable), then year, mostly one year apart.

    Some series skip a year, repeat one or go back (then the years do not step by one);
    values include 0, -0.0, NaN, inf and jumps.
    """
    pairs = [(r, v) for r in REGIONS for v in VARS]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=12, unique=True))
    order = draw(st.booleans())
    if order:  # by series code order; else as drawn
        chosen.sort(key=lambda p: (REGIONS.index(p[0]), VARS.index(p[1])))
    values = st.sampled_from([0.0, -0.0, 1.0, 2.5, 10.0, 100.0, -3.0, np.nan, np.inf, 0.3])
    faults = ["none", "gap", "repeat", "back"] if draw(st.booleans()) else ["none"]
    rows = []
    for region, variable in chosen:
        first = draw(st.integers(2000, 2006))
        years = list(range(first, first + draw(st.integers(8, 16))))
        fault = draw(st.sampled_from(faults))
        if fault == "gap":
            del years[len(years) // 2]
        elif fault == "repeat":
            years.insert(3, years[3])
        elif fault == "back":
            years[2], years[3] = years[3], years[2]
        rows += [(region, y, variable, draw(values)) for y in years]
    return _accepted(pd.DataFrame(rows, columns=["region", "year", "variable", "value"]))


@pytest.mark.parametrize("check", [*CHECKS, checks._check_duplicates], ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None)
@given(frame=_series_tables())
def test_checks_of_drawn_series_by_stretches_are_the_checks_row_by_row(check, frame):
    t, by_runs, out_runs = _run(check, frame, by_runs=True)
    assume(t.runs is not None)
    _, plain, out_plain = _run(check, frame, by_runs=False)
    assert by_runs == plain
    _assert_same_out(out_runs, out_plain)


def _districts_frame(years_of: dict[str, list[int]], value: float = 1.0) -> pd.DataFrame:
    """SYNTHETIC gdp rows: each region's years as given, the city the sum of its parts + 50."""
    rows = [(r, y, "gdp", value) for r in districts()[:3] for y in years_of.get(r, [])]
    city_years = sorted({y for ys in years_of.values() for y in ys})
    rows = [(CITY, y, "gdp", 3 * value + 50) for y in city_years] + rows
    return _accepted(pd.DataFrame(rows, columns=["region", "year", "variable", "value"]))


def test_districts_counted_by_stretch_say_how_many_parts_each_year_has():
    # districts 0 and 1 report 2000-2019, district 2 only 2005-2014: the city's sum of
    # 2000-2004 and 2015-2019 counts 2 of the parts, 2005-2014 all 3 (hand count)
    d = districts()
    years = {d[0]: list(range(2000, 2020)), d[1]: list(range(2000, 2020))}
    years[d[2]] = list(range(2005, 2015))
    t = Table(_districts_frame(years))
    assert t.runs is not None and t._stretch_years() is not None
    is_comp = np.array([r in d for r in t.regions])
    additive = np.array([True])
    crow, sums, counts = checks._district_sums(t, is_comp, additive, t.regions.index(CITY))
    expected = [3 if 2005 <= y < 2015 else 2 for y in range(2000, 2020)]
    assert t.year[crow].tolist() == list(range(2000, 2020))
    assert counts.tolist() == expected
    assert sums.tolist() == [float(c) for c in expected]  # value 1.0 per part


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.lists(st.integers(-3, 30), min_size=1, max_size=12)),
        min_size=1,
        max_size=8,
    ),
    st.integers(1, 40),
)
def test_stretch_steps_are_the_steps_of_the_series_key(stretches, span):
    # the oracle: the key series × span + year row by row, its differences in plain Python
    series = [s for s, _ in stretches]
    assume(all(a != b for a, b in itertools.pairwise(series)))
    year, key, starts = [], [], []
    for s, ys in stretches:
        starts.append(len(year))
        year += ys
        key += [s * span + y for y in ys]
    steps = [b - a for a, b in itertools.pairwise(key)]
    rise = all(b > a for _, ys in stretches for a, b in itertools.pairwise(ys))
    step, in_order, rising = checks._stretch_steps(
        np.array(year, dtype=np.int64),
        np.array(starts, dtype=np.int64),
        np.array(series, dtype=np.int64),
        span,
    )
    assert step.tolist() == steps
    assert in_order == all(d > 0 for d in steps)
    assert rising == rise


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 60), st.integers(1, 15)), min_size=1, max_size=10))
def test_distinct_years_by_stretches_are_the_distinct_years(spans):
    # stretches of years stepping by one from first to last; the oracle: the set of years
    year = np.array([y for a, n in spans for y in range(1990 + a, 1990 + a + n)], dtype=np.int64)
    first = np.array([1990 + a for a, _ in spans], dtype=np.int64)
    last = np.array([1990 + a + n - 1 for a, n in spans], dtype=np.int64)
    got = checks._distinct_years(year, (int(year.min()), int(year.max())), (first, last))
    plain = checks._distinct_years(year)
    distinct = sorted(set(year.tolist()))
    gapless = distinct == list(range(distinct[0], distinct[-1] + 1))
    assert got[1] == plain[1] == (distinct[0] if gapless else None)
    assert got[0].tolist() == plain[0].tolist() == (distinct if gapless else [])


def test_variable_facts_are_the_code_list_variable_by_variable():
    names = [*VARS, "no_such_variable"]
    facts = checks._variable_facts(tuple(names))
    assert checks._variable_facts(tuple(names)) is facts  # made once
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    for k, name in enumerate(names):
        d = VARIABLES.get(name)
        assert facts.defs[k] is d
        if d is None:
            assert np.isnan(facts.lower[k]) and np.isnan(facts.upper[k])
            assert facts.kind[k] == "" and not facts.is_share[k] and not facts.additive[k]
            assert facts.child_of[k] == -1 and facts.parent_is[k] == -1
            continue
        assert (np.isnan(facts.lower[k]) and d.lower is None) or facts.lower[k] == d.lower
        assert (np.isnan(facts.upper[k]) and d.upper is None) or facts.upper[k] == d.upper
        assert facts.kind[k] == d.kind.value
        assert facts.is_share[k] == (d.kind is VariableKind.SHARE)
        assert facts.no_yoy[k] == (d.kind.value in ("rate", "index"))
        assert facts.additive[k] == (d.aggregation is Aggregation.SUM)
        assert facts.percent_share[k] == (d.unit == "%" and d.kind is VariableKind.SHARE)
        assert facts.child_of[k] == (parents.index(d.parent) if d.parent else -1)
        assert facts.parent_is[k] == (parents.index(name) if name in parents else -1)
    with pytest.raises(ValueError):  # shared between tables: read-only
        facts.lower[0] = 1.0

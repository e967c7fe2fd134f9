"""The table checks' shortcuts by stretches and by code list give what the plain ways give.

``Table`` takes the per-variable facts from a cache of the code list (``_variable_facts``),
the steps of the series key and the distinct years from the stretches of a series
(``_stretch_steps``, ``_distinct_years`` with stretches), and ``_district_sums`` counts a
(year, variable)'s parts by stretch. Each is compared with plain Python, or with the same
check with the stretches switched off (the row-by-row path). Every table here is SYNTHETIC.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from greenplan import checks
from greenplan.checks import Table, resolve_options
from greenplan.definitions import Aggregation, VariableKind
from greenplan.diagnostics import Collector
from greenplan.regions import CITY, districts
from greenplan.variables import VARIABLES, children

OPTS = resolve_options({"year_range": (1900, 2100)})


def _variables() -> list[str]:
    """Variables the checks treat apart: totals and components, additive, shares, rates."""
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    kids = [k for p in parents[:2] for k in children(p)]
    shares = [c for c, d in VARIABLES.items() if d.kind is VariableKind.SHARE][:2]
    rates = [c for c, d in VARIABLES.items() if d.kind.value in ("rate", "index")][:1]
    return list(dict.fromkeys([*parents[:2], *kids, *shares, *rates, "gdp"]))


VARS = _variables()
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
    frame = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
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


CHECKS = [
    checks._check_bounds,
    checks._check_duplicates,
    checks._check_children,
    checks._check_districts,
    checks._check_yoy,
    checks._check_percent_scale,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None)
@given(frame=_series_tables())
def test_checks_by_stretches_are_the_checks_row_by_row(check, frame):
    t, by_runs, out_runs = _run(check, frame, by_runs=True)
    assume(t.runs is not None)
    _, plain, out_plain = _run(check, frame, by_runs=False)
    assert by_runs == plain
    if out_runs is None or out_plain is None:
        assert out_runs is None and out_plain is None
    elif isinstance(out_runs, tuple):
        for a, b in zip(out_runs, out_plain, strict=True):
            np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_array_equal(out_runs, out_plain)


def _districts_frame(years_of: dict[str, list[int]], value: float = 1.0) -> pd.DataFrame:
    """SYNTHETIC gdp rows: each region's years as given, the city the sum of its parts + 50."""
    rows = [(r, y, "gdp", value) for r in districts()[:3] for y in years_of.get(r, [])]
    city_years = sorted({y for ys in years_of.values() for y in ys})
    rows = [(CITY, y, "gdp", 3 * value + 50) for y in city_years] + rows
    frame = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    frame["unit"] = VARIABLES["gdp"].unit
    frame["file"], frame["sheet"] = "synthetic.csv", ""
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


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

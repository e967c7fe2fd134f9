"""The engine's pivot codes its keys without hashing every row, and gives what pandas gives.

``engine._sorted_codes`` and ``engine._sorted_year_codes`` stand in for
``pandas.factorize(…, sort=True)`` (texts coded by runs, years marked over their range by
``_numeric.int_codes``), and ``_pivot`` reuses its per-row arrays in place. Each is compared
with pandas itself, and the wide table with a pandas pivot of the same rows. Every table here
is SYNTHETIC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan import engine
from greenplan.regions import CITY, districts

TEXTS = ["gdp", "water_use", "energy_consumption", "水", "Ä", "a", "B", "gdp_index"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from([*TEXTS, None]), min_size=0, max_size=60),
    st.integers(1, 12),
    st.booleans(),
)
def test_sorted_codes_are_pandas_factorize_sorted(cells, repeat, arrow):
    # runs of equal cells (repeat) take the coding by runs; arrow=False a column of objects
    values = [c for c in cells for _ in range(repeat)]
    series = pd.Series(values, dtype="str" if arrow else object)
    codes, uniques = engine._sorted_codes(series)
    want_codes, want_uniques = pd.factorize(series, sort=True)
    assert codes.tolist() == list(want_codes)
    assert list(uniques) == list(want_uniques)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(-5, 3000), min_size=0, max_size=80)
    | st.lists(st.integers(-(2**40), 2**40), min_size=0, max_size=20)
)
def test_sorted_year_codes_are_pandas_factorize_sorted(years):
    # a few years close together are marked; a wide range goes to pandas: both as pandas
    series = pd.Series(years, dtype="int64")
    codes, uniques = engine._sorted_year_codes(series)
    want_codes, want_uniques = pd.factorize(series, sort=True)
    assert codes.tolist() == list(want_codes)
    assert np.asarray(uniques).tolist() == list(want_uniques)
    assert series.tolist() == years  # the caller's column is not changed


def _stats(seed: int, n_years: int) -> pd.DataFrame:
    """SYNTHETIC canonical rows: three districts and the city (not in 2001, 2003), shuffled."""
    rng = np.random.default_rng(seed)
    regions = [*districts()[:3], CITY]
    rows = [
        (r, 2000 + y, v, float(rng.integers(1, 100)))
        for r in regions
        for y in range(n_years)
        for v in ("gdp", "water_use", "energy_consumption")
        if rng.random() < 0.8
    ]
    frame = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    # the city gives nothing in 2001 and 2003: those years need a city slot of their own
    frame = frame[~((frame["region"] == CITY) & frame["year"].isin([2001, 2003]))]
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    units = {"gdp": "亿元", "water_use": "亿m3", "energy_consumption": "万tce"}
    frame["unit"] = frame["variable"].map(units)
    return gp.read_statistics(frame)


def test_pivot_is_the_pandas_pivot_and_leaves_the_table_as_it_was():
    for seed in range(6):
        stats = _stats(seed, n_years=4 + seed)
        before = stats.copy(deep=True)
        data = stats.loc[:, ["region", "year", "variable", "value"]]
        # the oracle: pandas' own pivot of the same rows, sorted as the engine sorts
        want = data.pivot(index=["region", "year"], columns="variable", values="value")
        want = want.sort_index()
        for city_rows in (False, True):
            block, index, columns = engine._pivot(data, city_rows=city_rows)
            got = pd.DataFrame(block.T, index=index, columns=columns)
            expected = want
            if city_rows:  # a city row (all NaN where not given) in every year of a district
                years = sorted(set(data.loc[data["region"] != CITY, "year"]))
                slots = want.index.union(pd.MultiIndex.from_product([[CITY], years]))
                expected = want.reindex(slots).sort_index()
            np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
            assert list(got.columns) == list(expected.columns)
            assert list(got.index) == list(expected.index)
        pd.testing.assert_frame_equal(stats, before)  # codes were reused in place, not the table


def test_pivot_says_when_a_key_is_given_twice():
    stats = _stats(0, n_years=3)
    data = stats.loc[:, ["region", "year", "variable", "value"]]
    twice = pd.concat([data, data.iloc[[1]]], ignore_index=True)
    assert engine._pivot(twice, city_rows=False) is None

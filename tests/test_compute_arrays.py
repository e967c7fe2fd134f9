"""Recipes on arrays (``on_arrays`` / ``ArrayInputs``) give the numbers the Series path gives.

The shipped recipes run on float arrays for speed; these tests hold them to the arithmetic of
the pandas operations they replace: the row sum of ``pandas.concat(...).sum(axis=1,
min_count=...)`` (``sum_aligned``), the city fill of one series at a time (``fill_block``) and
the Series helpers of ``Inputs`` (``at_base``, ``previous``, cumulative sums). Every frame
here is synthetic (made-up numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from greenplan.engine import (
    _CityPositions,
    city_filler,
    compute,
    inputs_from,
    sorted_region_year_index,
    to_wide,
)
from greenplan.indicators import registry as _registry
from greenplan.indicators._common import sum_aligned
from greenplan.indicators.registry import ArrayInputs, on_arrays, recipe, recipes
from greenplan.regions import CITY, districts

Stats = Callable[[list[tuple[str, int, str, float]]], pd.DataFrame]

FLOATS = st.one_of(
    st.just(np.nan),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    # inexact sums (sevenths at several magnitudes), where the order of the additions shows
    st.builds(
        lambda i, e: i / 7.0 * 10.0**e,
        st.integers(min_value=-(10**9), max_value=10**9),
        st.integers(min_value=-3, max_value=3),
    ),
)


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private copy of the recipe registry for test-only recipes."""
    _registry.load_all()
    monkeypatch.setattr(_registry, "_RECIPES", dict(_registry._RECIPES))
    yield


# --- sum_aligned: the arithmetic of pandas' row sum ---------------------------------------


@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda rows: st.lists(
            hnp.arrays(np.float64, rows, elements=FLOATS), min_size=1, max_size=20
        )
    ),
    st.integers(min_value=0, max_value=3),
)
def test_sum_aligned_is_the_pandas_row_sum_to_the_bit(parts: list[np.ndarray], extra: int) -> None:
    # up to 20 parts: numpy's own sum switches to pairwise summation from 8 terms on, which
    # pandas' row sum of separate columns does not use
    _assert_pandas_row_sum(parts, extra)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=65, max_value=300).flatmap(
        lambda rows: st.lists(
            hnp.arrays(np.float64, rows, elements=FLOATS), min_size=1, max_size=12
        )
    ),
    st.integers(min_value=0, max_value=3),
)
def test_sum_aligned_of_long_rows_is_the_pandas_row_sum_to_the_bit(
    parts: list[np.ndarray], extra: int
) -> None:
    # more than 64 values a part: the parts are added in place one after another
    _assert_pandas_row_sum(parts, extra)


def _assert_pandas_row_sum(parts: list[np.ndarray], extra: int) -> None:
    """sum_aligned of ``parts`` equals pandas' row sum of them as columns, sign bits too."""
    min_count = min(extra, len(parts))
    frame = pd.concat([pd.Series(p) for p in parts], axis=1)
    expected = frame.sum(axis=1, min_count=min_count).to_numpy()
    got = sum_aligned(parts, min_count=min_count)
    np.testing.assert_array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))


def test_sum_aligned_adds_in_order_not_pairwise() -> None:
    # 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2), so adding the ones
    # one after another loses each of them: (((1e16 + 1) + 1) … + 1) − 1e16 = 0. numpy's
    # pairwise sum of the ten numbers keeps the ones (8.0): pandas' row sum adds in order.
    parts = [np.array([v]) for v in (1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16)]
    assert pd.concat([pd.Series(p) for p in parts], axis=1).sum(axis=1).tolist() == [0.0]
    assert sum_aligned(parts, min_count=0).tolist() == [0.0]
    long = [np.full(100, v) for v in (1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16)]  # the other path
    assert sum_aligned(long, min_count=0).tolist() == [0.0] * 100


def test_formula_helpers_give_the_same_bits_for_series_and_arrays() -> None:
    # the recipes call them with arrays now; their Series path is what compute used before
    from greenplan.indicators._common import sum_components
    from greenplan.indicators.energy import renewable_increase

    ten = [1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16]
    assert sum_components(ten) == 0.0  # in order, as the Series path adds (see above)
    as_series = sum_components([pd.Series([v]) for v in ten])
    assert as_series.tolist() == [0.0]  # type: ignore[union-attr]
    zeros = [np.array([-0.0]), np.array([-0.0])]
    assert not np.signbit(sum_components(zeros))[0]  # a sum starts at +0.0, as pandas'
    diff = np.array([-0.0, -2.0, np.nan, 3.0])
    from_array = renewable_increase(diff, np.zeros(4))
    from_series = renewable_increase(pd.Series(diff), pd.Series(np.zeros(4))).to_numpy()
    np.testing.assert_array_equal(from_array, from_series)
    assert np.array_equal(np.signbit(from_array), np.signbit(from_series))


def test_sum_aligned_counts_missing_parts() -> None:
    a = np.array([1.0, np.nan, np.nan])
    b = np.array([2.5, 4.0, np.nan])
    assert sum_aligned([a, b], min_count=1).tolist()[:2] == [3.5, 4.0]
    assert np.isnan(sum_aligned([a, b], min_count=1)[2])
    assert np.isnan(sum_aligned([a, b], min_count=2)[1])  # one of two parts missing
    assert a.tolist()[0] == 1.0 and np.isnan(a[1])  # the inputs are not changed


# --- the city fill of a whole block equals the fill of each series ------------------------


def _index(years: int) -> pd.MultiIndex:
    regions = [CITY, *districts()]
    return pd.MultiIndex.from_product([sorted(regions), range(2020, 2020 + years)])


@given(
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=6),
    st.sampled_from(["all_districts", "reporting_districts"]),
    st.data(),
)
def test_fill_block_equals_filling_each_series(
    years: int, n_series: int, rule: str, data: st.DataObject
) -> None:
    index = _index(years).set_names(["region", "year"])
    values = st.one_of(
        st.just(np.nan), st.floats(min_value=0, max_value=1e6, allow_nan=False).map(float)
    )
    block = data.draw(hnp.arrays(np.float64, (n_series, len(index)), elements=values))
    positions = _CityPositions.of(index, rule)
    assert positions is not None
    expected = np.array(
        [positions.fill(row) if positions.fill(row) is not None else row for row in block]
    )
    filled = block.copy()
    positions.fill_block(filled, np.arange(n_series))
    np.testing.assert_array_equal(filled, expected)


# --- the (region, year) index from codes, and the filler read from its codes ---------------

REGION_NAMES = sorted([CITY, *districts(), "Zone A", "高新区", "b"])  # Python string order


@given(
    st.lists(st.integers(0, len(REGION_NAMES) - 1), min_size=1, max_size=30),
    st.lists(st.integers(1001, 2030), min_size=1, max_size=6, unique=True),
    st.data(),
)
def test_sorted_region_year_index_is_from_arrays(
    region_at: list[int], year_list: list[int], data: st.DataObject
) -> None:
    # rows sorted by (region, year) as the wide table has them; some regions and years unused
    years = np.array(sorted(year_list), dtype="int64")
    year_at = data.draw(
        st.lists(st.integers(0, len(years) - 1), min_size=len(region_at), max_size=len(region_at))
    )
    pairs = sorted(set(zip(region_at, year_at, strict=True)))
    r = np.array([p[0] for p in pairs], dtype=np.int64)
    y = np.array([p[1] for p in pairs], dtype=np.int64)
    regions = np.asarray(REGION_NAMES, dtype=object)
    got = sorted_region_year_index(regions, years, r, y)
    expected = pd.MultiIndex.from_arrays([regions[r], years[y]], names=["region", "year"])
    pd.testing.assert_index_equal(got, expected, exact=True)
    for level, want in zip(got.levels, expected.levels, strict=True):
        pd.testing.assert_index_equal(level, want, exact=True)
    for codes, want in zip(got.codes, expected.codes, strict=True):
        np.testing.assert_array_equal(codes, want, strict=True)


def test_sorted_region_year_index_of_no_rows() -> None:
    none = np.zeros(0, dtype=np.int64)
    got = sorted_region_year_index(np.array([CITY], dtype=object), np.array([2020]), none, none)
    assert len(got) == 0 and list(got.names) == ["region", "year"]


def test_city_filler_reads_any_index_of_the_same_rows_alike() -> None:
    # the filler works on the codes of a MultiIndex: rows in any order, levels with unused
    # values, levels named in the other order and a plain factorized index all give the sums
    # written by hand below
    rows = [(d, 2020, 1.25 + k) for k, d in enumerate(districts())]  # 12 districts
    rows += [(d, 2021, 2.0) for d in districts()[1:]]  # one district missing in 2021
    rows += [(CITY, 2020, np.nan), (CITY, 2021, np.nan), ("高新区", 2020, 100.0)]
    rows = rows[::-1]  # the city and the zone first, districts in reverse
    regions = [r for r, _, _ in rows]
    years = [y for _, y, _ in rows]
    values = np.array([v for _, _, v in rows])
    # Σ_{k=0..11} (1.25 + k) = 12 × 1.25 + 66 = 81.0 (exact); 2021 lacks a district: no sum
    city_2020 = next(k for k, (r, y, _) in enumerate(rows) if r == CITY and y == 2020)
    base = pd.MultiIndex.from_arrays([regions, years], names=["region", "year"])
    swapped = pd.MultiIndex.from_arrays([years, regions], names=["year", "region"])
    wider = pd.MultiIndex.from_arrays(
        [[*regions, "历下区"], [*years, 1999]], names=["region", "year"]
    )[:-1]  # keeps 1999 in its levels
    assert 1999 in wider.levels[1]
    for index in (base, swapped, wider):
        filled = city_filler(index, "all_districts")(pd.Series(values, index=index))
        expected = values.copy()
        expected[city_2020] = 81.0
        np.testing.assert_array_equal(filled.to_numpy(), expected)
    # reporting_districts, the first district reporting in no year: the other eleven are
    # every district that reports, so both years are filled
    first = [k for k, (r, _, _) in enumerate(rows) if r == districts()[0]]
    partial = values.copy()
    partial[first] = np.nan
    filled = city_filler(base, "reporting_districts")(pd.Series(partial, index=base))
    city_2021 = next(k for k, (r, y, _) in enumerate(rows) if r == CITY and y == 2021)
    assert filled.iloc[city_2021] == 22.0  # 11 × 2.0
    assert filled.iloc[city_2020] == 79.75  # 81.0 − 1.25
    assert np.isnan(
        city_filler(base, "all_districts")(pd.Series(partial, index=base)).iloc[city_2020]
    )
    # no district row: nothing to fill
    only_city = pd.MultiIndex.from_arrays([[CITY], [2020]], names=["region", "year"])
    assert _CityPositions.of(only_city, "all_districts") is None
    # seven districts: never all of them, so nothing to fill under all_districts; under
    # reporting_districts the seven that report are every one that does: 7 × 2.0 = 14.0
    seven = pd.MultiIndex.from_arrays(
        [[CITY, *districts()[:7]], [2020] * 8], names=["region", "year"]
    )
    assert _CityPositions.of(seven, "all_districts") is None
    series = pd.Series([np.nan] + [2.0] * 7, index=seven)
    assert city_filler(seven, "all_districts")(series).equals(series)
    assert city_filler(seven, "reporting_districts")(series).iloc[0] == 14.0


def test_to_wide_fills_the_city_as_before(make_stats: Stats) -> None:
    # 12 districts × 2 years; 2021 lacks one district: the city is filled for 2020 only
    rows = [(d, 2020, "gdp", 1.25 + k) for k, d in enumerate(districts())]
    rows += [(d, 2021, "gdp", 2.0) for d in districts()[1:]]
    wide = to_wide(make_stats(rows))
    assert wide.loc[(CITY, 2020), "gdp"] == sum(1.25 + k for k in range(len(districts())))
    assert np.isnan(wide.loc[(CITY, 2021), "gdp"])


def test_to_wide_accepts_a_repeated_row_with_the_same_value(make_stats: Stats) -> None:
    rows = [(CITY, 2020, "gdp", 1.0), (CITY, 2020, "gdp", 1.0), (CITY, 2021, "gdp", 2.0)]
    wide = to_wide(make_stats(rows))
    assert wide["gdp"].tolist() == [1.0, 2.0]


# --- Inputs helpers keep the container ----------------------------------------------------


def _inputs(make_stats: Stats) -> object:
    rows = [
        (r, y, "gdp", 10.0 * k + y - 2018)
        for k, r in enumerate([CITY, "历下区"])
        for y in (2019, 2020, 2021, 2023)
    ]
    rows = [row for row in rows if not (row[0] == "历下区" and row[1] == 2021)]
    return inputs_from(make_stats(rows))


def test_helpers_give_arrays_for_arrays_and_series_for_series(make_stats: Stats) -> None:
    x = _inputs(make_stats)
    series = x["gdp"]  # type: ignore[index]
    values = series.to_numpy()
    for name in ("at_base", "previous", "cumulative_since_base", "cumulative_product_since_base"):
        from_series = getattr(x, name)(series)
        from_array = getattr(x, name)(values)
        assert isinstance(from_series, pd.Series) and isinstance(from_array, np.ndarray), name
        assert from_series.index.equals(x.index)  # type: ignore[attr-defined]
        np.testing.assert_array_equal(from_series.to_numpy(), from_array)


def test_previous_and_at_base_by_hand(make_stats: Stats) -> None:
    x = _inputs(make_stats)
    a = x.arrays  # type: ignore[attr-defined]
    # rows: (历下区, 2019, 2020, 2023), (济南市, 2019, 2020, 2021, 2023), sorted by region
    assert list(zip(a.regions, a.years.tolist(), strict=True))[:3] == [
        ("历下区", 2019),
        ("历下区", 2020),
        ("历下区", 2023),
    ]
    gdp = a["gdp"]
    assert gdp[:3].tolist() == [11.0, 12.0, 15.0]
    assert a.at_base(gdp)[:3].tolist() == [12.0, 12.0, 12.0]
    prev = a.previous(gdp)
    assert np.isnan(prev[0]) and prev[1] == 11.0 and np.isnan(prev[2])  # 2022 absent


def test_arrays_are_read_only(make_stats: Stats) -> None:
    a = _inputs(make_stats).arrays  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="read-only"):
        a["gdp"][0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        a.indicator("gdp_constant_2020")[0] = 0.0


def _rows_out_of_order() -> tuple[np.ndarray, pd.MultiIndex, list[str]]:
    # synthetic: 3 regions × years 2019–2022 with holes, rows not sorted, a year (1990) left
    # in the levels without a row, an all-NaN column
    keys = [
        ("历下区", 2021), (CITY, 2019), ("历下区", 2019), (CITY, 2022), ("章丘区", 2020),
        (CITY, 2020), ("历下区", 2020), (CITY, 2021), ("章丘区", 2022), ("历下区", 1990),
    ]  # fmt: skip
    index = pd.MultiIndex.from_arrays(
        [[r for r, _ in keys], [y for _, y in keys]], names=["region", "year"]
    )[:-1]
    gdp = [3.0, 10.0, 1.0, 40.0, 7.0, 20.0, 2.0, 30.0, np.nan]
    growth = [5.0, np.nan, 4.0, 2.0, 1.0, 3.0, 6.0, 7.0, 8.0]
    block = np.array([gdp, growth, [np.nan] * 9])
    return block, index, ["gdp", "gdp_real_growth", "water_use"]


def test_inputs_from_block_and_level_codes_read_like_the_frame(monkeypatch) -> None:
    block, index, columns = _rows_out_of_order()
    assert 1990 in index.levels[1]  # a level value without a row
    wide = pd.DataFrame(block.T.copy(), index=index, columns=columns)
    x = _registry.Inputs.from_block(block, index, columns, _registry.resolve_options({}))
    pd.testing.assert_frame_equal(x.wide, wide, check_exact=True)
    # the oracle: the same frame, its regions and years factorized (no level codes read)
    monkeypatch.setattr(_registry, "level_codes", lambda index, name: None)
    y = _registry.Inputs(wide, _registry.resolve_options({}))
    assert [y.has(c) for c in ("gdp", "water_use", "coal_consumption")] == [True, False, False]
    assert [x.has(c) for c in ("gdp", "water_use", "coal_consumption")] == [True, False, False]
    np.testing.assert_array_equal(
        y._years_values(), [2021, 2019, 2019, 2022, 2020, 2020, 2020, 2021, 2022]
    )
    codes, regions = y._region_codes()  # factorized: in order of first appearance
    assert regions.tolist() == ["历下区", CITY, "章丘区"] and codes.tolist()[:2] == [0, 1]
    monkeypatch.undo()
    assert x._region_codes()[1].tolist() == sorted(["历下区", CITY, "章丘区"])  # the level
    np.testing.assert_array_equal(x._years_values(), y._years_values(), strict=True)
    a, b = x.arrays, y.arrays
    for code in (*columns, "coal_consumption"):
        np.testing.assert_array_equal(a[code], b[code])
    gdp = a["gdp"]
    # by hand: 济南市 2020 = 20, 历下区 2020 = 2, 章丘区 2020 = 7
    np.testing.assert_array_equal(a.at_base(gdp), [2.0, 20.0, 2.0, 20.0, 7.0, 20.0, 2.0, 20.0, 7.0])
    # previous year: 历下区 2021 ← 2020 = 2; 济南市 2022 ← 2021 = 30; 章丘区 2022: no 2021
    prev = a.previous(gdp)
    np.testing.assert_array_equal(
        prev, [2.0, np.nan, np.nan, 30.0, np.nan, 10.0, 1.0, 20.0, np.nan]
    )
    for name in ("at_base", "previous", "in_any_year", "cumulative_since_base"):
        for code in columns:
            np.testing.assert_array_equal(getattr(a, name)(a[code]), getattr(b, name)(b[code]))
    assert (
        x.indicator_values("gdp_real_index").tobytes()
        == y.indicator_values("gdp_real_index").tobytes()
    )


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(2015, 2025)), min_size=1, max_size=40),
    st.data(),
)
def test_in_any_year_by_runs_is_in_any_year_by_groups(
    keys: list[tuple[int, int]], data: st.DataObject
) -> None:
    # rows sorted by region (the wide table): "or" over each run; the oracle: the grouped count
    pairs = sorted(set(keys))
    names = sorted([CITY, *districts()])
    index = pd.MultiIndex.from_arrays(
        [[names[r] for r, _ in pairs], [y for _, y in pairs]], names=["region", "year"]
    )
    block = data.draw(hnp.arrays(np.float64, (3, len(pairs)), elements=FLOATS))
    x = _registry.Inputs.from_block(block, index, ["a", "b", "c"], _registry.resolve_options({}))
    assert x._region_runs() is not None
    got_2d = x.in_any_year(block.T)
    got = [x.in_any_year(row) for row in block]
    x._aux["runs"] = None  # the grouped count, as for rows in any order
    np.testing.assert_array_equal(got_2d, x.in_any_year(block.T))
    for row, answer in zip(block, got, strict=True):
        np.testing.assert_array_equal(answer, x.in_any_year(row))


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(2016, 2026)), min_size=1, max_size=30),
    st.data(),
)
def test_chain_by_accumulate_is_the_loop(keys: list[tuple[int, int]], data: st.DataObject) -> None:
    # a ufunc accumulates in one call; any other callable runs the loop over the years: the
    # same additions and products in the same order, so the same bits (signs of zero too)
    pairs = sorted(set(keys))
    names = sorted([CITY, *districts()])
    index = pd.MultiIndex.from_arrays(
        [[names[r] for r, _ in pairs], [y for _, y in pairs]], names=["region", "year"]
    )
    values = data.draw(hnp.arrays(np.float64, len(pairs), elements=FLOATS))
    block = values[None, :]
    x = _registry.Inputs.from_block(block, index, ["a"], _registry.resolve_options({}))
    for ufunc, start in ((np.add, 0.0), (np.multiply, 1.0)):
        fast = _registry._chain_values(x, values, ufunc, start)
        slow = _registry._chain_values(x, values, lambda a, b, f=ufunc: f(a, b), start)
        np.testing.assert_array_equal(fast, slow)
        assert np.array_equal(np.signbit(fast), np.signbit(slow))


def test_sum_components_of_an_array_and_a_number() -> None:
    from greenplan.indicators._common import sum_components

    # the number is broadcast: 1 + 2 = 3; NaN + 2 with missing as zero = 2
    got = sum_components([np.array([1.0, np.nan]), 2.0], missing_as_zero=True)
    assert got.tolist() == [3.0, 2.0]


def test_text_index_is_pandas_index_and_each_call_its_own() -> None:
    texts = ["gdp", "water_use", CITY]
    a, b = _registry.text_index(texts), _registry.text_index(tuple(texts))
    pd.testing.assert_index_equal(a, pd.Index(texts), exact=True)
    a.name = "variable"  # a name set on one is not on the other (made once, viewed per call)
    assert b.name is None and _registry.text_index(texts).name is None


def test_once_makes_a_value_once_per_inputs_and_key() -> None:
    block, index, columns = _rows_out_of_order()
    options = _registry.resolve_options({})
    a = _registry.Inputs.from_block(block, index, columns, options).arrays
    b = _registry.Inputs.from_block(block, index, columns, options).arrays
    calls: list[str] = []

    def make(label: str) -> list[str]:
        calls.append(label)
        return [label]

    assert a.once("k", lambda: make("a1")) == ["a1"]
    assert a.once("k", lambda: make("a2")) == ["a1"]  # made before: not made again
    assert a.once("other", lambda: make("a3")) == ["a3"]
    assert b.once("k", lambda: make("b1")) == ["b1"]  # other inputs: their own
    assert calls == ["a1", "a3", "b1"]


def test_distinct_years_is_numpy_unique() -> None:
    block, index, columns = _rows_out_of_order()
    a = _registry.Inputs.from_block(block, index, columns, _registry.resolve_options({})).arrays
    distinct, position = a.distinct_years()
    expected, inverse = np.unique(index.get_level_values("year"), return_inverse=True)
    assert distinct.tolist() == expected.tolist() == [2019, 2020, 2021, 2022]  # not 1990
    assert position.tolist() == inverse.ravel().tolist()
    assert a.distinct_years()[0] is distinct  # made once


def test_in_any_year_of_columns_is_in_any_year_of_each() -> None:
    block, index, columns = _rows_out_of_order()
    x = _registry.Inputs.from_block(block, index, columns, _registry.resolve_options({}))
    a = x.arrays
    stacked = block.T  # rows × columns: gdp, growth, water_use (all NaN)
    got = a.in_any_year(stacked)
    assert got.shape == stacked.shape and got.dtype == bool
    for k in range(stacked.shape[1]):
        np.testing.assert_array_equal(got[:, k], a.in_any_year(stacked[:, k]))
    # by hand: gdp of 章丘区 is given in 2020 only, so both its rows say True
    assert got[:, 0].all() and not got[:, 2].any()
    assert got[[4, 8], 0].tolist() == [True, True]


# --- a plugin recipe on arrays --------------------------------------------------------------


def test_recipe_on_arrays_gets_arrays_and_is_a_recipe(make_stats: Stats, scratch: None) -> None:
    seen: list[type] = []

    @recipe(id="test_on_arrays", name_zh="测试", name_en="Test", unit="亿元", domain="test")
    @on_arrays
    def _double(x: ArrayInputs) -> np.ndarray:
        seen.append(type(x["gdp"]))
        x.note("doubled")
        return x["gdp"] * 2.0

    stats = make_stats([(CITY, 2020, "gdp", 1.5), (CITY, 2021, "gdp", 2.0)])
    out = compute(stats, "test_on_arrays")
    assert out["value"].tolist() == [3.0, 4.0]
    assert out["method"].tolist() == ["doubled", "doubled"]
    assert seen == [np.ndarray]
    x = inputs_from(stats)
    called = recipes()["test_on_arrays"].func(x)  # called as any recipe: a Series on the index
    assert isinstance(called, pd.Series) and called.index.equals(x.index)
    assert called.tolist() == [3.0, 4.0]

"""greenplan.indicators.economy: GDP at comparable 2020 prices, by chaining real growth.

Reference values: Jinan's public figures (statistical bulletins; shared/data/
jinan_public_figures.csv): GDP 2020 = 10140.91亿元; real growth 2018 7.4 % (synthetic, see
below), 2019 7.0 %, 2020 4.9 %, 2021 7.2 %, 2022 3.1 %, 2023 6.1 %. Expected values are
computed by hand in the comments and written as literals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan
from greenplan.definitions import PriceBasis
from greenplan.engine import compute, reported_vs_computed
from greenplan.indicators.economy import (
    chain_index,
    chain_index_backward,
    constant_price_gdp,
    growth_from_index,
)
from greenplan.units import convert

CITY = "济南市"

# Jinan, public figures (real growth "按不变价格计算"); 2018 growth is synthetic.
JINAN = [
    (CITY, 2018, "gdp_real_growth", 7.4),
    (CITY, 2019, "gdp", 9443.37),
    (CITY, 2019, "gdp_real_growth", 7.0),
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2020, "gdp_real_growth", 4.9),
    (CITY, 2021, "gdp", 11432.22),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2022, "gdp", 12027.5),
    (CITY, 2022, "gdp_real_growth", 3.1),
    (CITY, 2023, "gdp", 12757.4),
    (CITY, 2023, "gdp_real_growth", 6.1),
]

# Hand computation, GDP at 2020 prices:
#   2021: 10140.91 × 1.072            = 10871.05552
#   2022: 10871.05552 × 1.031         = 11208.05824112
#   2023: 11208.05824112 × 1.061      = 11891.74979382832
#   2019: 10140.91 / 1.049            = 9667.216396568161   (backwards, by 2020's growth)
#   2018: 9667.216396568161 / 1.070   = 9034.781679035665   (by 2019's growth)
GDP_2020_PRICES = {
    2018: 9034.781679035665,
    2019: 9667.216396568161,
    2020: 10140.91,
    2021: 10871.05552,
    2022: 11208.05824112,
    2023: 11891.74979382832,
}
# Index (2020 = 100): 107.2; 107.2 × 1.031 = 110.5232; 110.5232 × 1.061 = 117.2651152;
# 100 / 1.049 = 95.32888465204957; 95.32888465204957 / 1.07 = 89.09241556266315
INDEX = {
    2018: 89.09241556266315,
    2019: 95.32888465204957,
    2020: 100.0,
    2021: 107.2,
    2022: 110.5232,
    2023: 117.2651152,
}

Stats = Callable[[list[tuple[str, int, str, float]]], pd.DataFrame]


def _series(out: pd.DataFrame, indicator: str, region: str = CITY) -> dict[int, float]:
    rows = out[(out["indicator"] == indicator) & (out["region"] == region)]
    return dict(zip(rows["year"].tolist(), rows["value"].tolist(), strict=True))


def _assert_close(got: dict[int, float], expected: dict[int, float]) -> None:
    assert sorted(got) == sorted(expected)
    for year, value in expected.items():
        assert got[year] == pytest.approx(value, rel=1e-12), year


# --- formula functions ----------------------------------------------------------------------


def test_growth_from_index_scalar_array_series() -> None:
    assert growth_from_index(107.2) == pytest.approx(7.2, rel=1e-12)
    np.testing.assert_allclose(growth_from_index(np.array([103.1, 106.1])), [3.1, 6.1])
    s = pd.Series([107.2, np.nan], index=pd.Index([2021, 2022], name="year"))
    out = growth_from_index(s)
    assert out.index.equals(s.index)
    assert out.iloc[0] == pytest.approx(7.2)
    assert np.isnan(out.iloc[1])


def test_chain_index_literals() -> None:
    # 1.072; 1.072 × 1.031 = 1.105232; 1.105232 × 1.061 = 1.172651152
    np.testing.assert_allclose(
        chain_index(np.array([7.2, 3.1, 6.1])), [1.072, 1.105232, 1.172651152], rtol=1e-14
    )


def test_chain_index_scalar_and_list() -> None:
    assert chain_index(7.2) == pytest.approx(1.072)  # type: ignore[arg-type]
    np.testing.assert_allclose(chain_index([0.0, 10.0]), [1.0, 1.1])  # type: ignore[arg-type]


def test_chain_index_along_last_axis() -> None:
    growth = np.array([[7.2, 3.1], [10.0, -10.0]])
    np.testing.assert_allclose(chain_index(growth), [[1.072, 1.105232], [1.1, 0.99]])


def test_chain_index_gap_breaks_chain() -> None:
    out = chain_index(np.array([7.2, np.nan, 6.1]))
    assert out[0] == pytest.approx(1.072)
    assert np.isnan(out[1]) and np.isnan(out[2])


def test_chain_index_backward_literals() -> None:
    # Jinan's real growth 2019 7.0 %, 2020 4.9 % (base 2020): I_2020 = 1,
    # I_2019 = 1 / 1.049 = 0.95328884652…, I_2018 = I_2019 / 1.07 = 0.89092415563…
    # (the 2018 factor itself is not used: it links 2018 to 2017)
    out = chain_index_backward(np.array([1.074, 1.07, 1.049]))
    np.testing.assert_allclose(out, [0.8909241556266, 0.9532888465205, 1.0], rtol=1e-12)
    assert out[-1] == 1.0


def test_chain_index_backward_gap_and_base_only() -> None:
    # a missing factor breaks the chain for every earlier year; the base year alone is 1
    out = chain_index_backward(np.array([[1.1, 1.2, np.nan, 1.25, 1.6], [1.0, 1.0, 1.0, 2.0, 4.0]]))
    assert np.isnan(out[0, :2]).all()  # before the missing factor of the 3rd year
    # 1/1.25/1.6 = 0.5, 1/1.6 = 0.625, 1 (exact in binary); 1/2/4, 1/4, 1/4, 1/4
    np.testing.assert_array_equal(out[0, 2:], [0.5, 0.625, 1.0])
    np.testing.assert_array_equal(out[1], [0.125, 0.125, 0.125, 0.25, 1.0])
    np.testing.assert_array_equal(chain_index_backward(np.array([[1.3], [np.nan]])), [[1.0], [1.0]])


def _backward_by_loop(f: np.ndarray) -> np.ndarray:
    """The deflation written as a loop over the years, base year down to the first."""
    level = np.ones(f.shape)
    for j in range(f.shape[1] - 2, -1, -1):
        level[:, j] = level[:, j + 1] / f[:, j + 1]
    return level


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.integers(1, 40).flatmap(
            lambda cols: st.lists(
                st.one_of(st.floats(0.5, 1.5), st.just(float("nan"))),
                min_size=rows * cols,
                max_size=rows * cols,
            ).map(lambda v: np.array(v).reshape(rows, cols))
        )
    )
)
def test_chain_index_backward_same_bits_as_loop(f: np.ndarray) -> None:
    # the same divisions in the same order: equal to the last bit, NaN where the loop has NaN
    np.testing.assert_array_equal(chain_index_backward(f), _backward_by_loop(f), strict=True)


def test_constant_price_gdp_scalar_array_series() -> None:
    assert constant_price_gdp(10140.91, 1.072) == pytest.approx(10871.05552, rel=1e-14)
    np.testing.assert_allclose(
        constant_price_gdp(np.array([10140.91, 10140.91]), np.array([1.0, 1.105232])),
        [10140.91, 11208.05824112],
        rtol=1e-14,
    )
    s = pd.Series([1.072, np.nan], index=["a", "b"])
    out = constant_price_gdp(10140.91, s)
    assert out.index.tolist() == ["a", "b"]
    assert np.isnan(out["b"])


# --- end to end: compute() with Jinan's public figures -------------------------------------


def test_jinan_gdp_at_2020_prices(make_stats: Stats) -> None:
    out = compute(make_stats(JINAN), ["gdp_real_index", "gdp_constant_2020"])
    _assert_close(_series(out, "gdp_constant_2020"), GDP_2020_PRICES)
    _assert_close(_series(out, "gdp_real_index"), INDEX)
    rows = out[out["indicator"] == "gdp_constant_2020"]
    assert set(rows["unit"]) == {"亿元"}
    assert set(rows["origin"]) == {"computed"}
    assert set(rows["method"]) == {"base_year=2020"}
    assert set(out.loc[out["indicator"] == "gdp_real_index", "unit"]) == {"1"}


def test_backward_deflation_needs_the_later_years_growth(make_stats: Stats) -> None:
    # 2019 at 2020 prices divides by 2020's growth; without it there is no 2019 value.
    rows = [r for r in JINAN if not (r[1] == 2020 and r[2] == "gdp_real_growth")]
    got = _series(compute(make_stats(rows), "gdp_constant_2020"), "gdp_constant_2020")
    assert 2019 not in got and 2018 not in got
    assert got[2020] == 10140.91
    assert got[2021] == pytest.approx(10871.05552, rel=1e-12)


def test_first_chained_year_by_hand() -> None:
    from greenplan.indicators.economy import _first_chained_year

    # rows in 2015, 2017–2020: 2016 has none, so 2016 is the latest year without a row
    assert _first_chained_year(np.array([2015, 2017, 2018, 2019, 2020, 2022]), 2020) == 2016
    assert _first_chained_year(np.array([1001]), 2020) == 2020  # no base year: nothing chains
    assert _first_chained_year(np.array([2020, 2021]), 2020) == 2019
    assert _first_chained_year(np.array([], dtype=np.int64), 2020) == 2020


def test_backward_index_stops_at_a_year_without_rows(make_stats: Stats) -> None:
    # SYNTHETIC growth 2015 1 %, 2017 3 %, 2018 5 %, 2019 4 %, 2020 2 %; no row in 2016.
    # I_2019 = 100 / 1.02 = 98.0392156862745, I_2018 = I_2019 / 1.04 = 94.2684766214178,
    # I_2017 = I_2018 / 1.05 = 89.7795015442074; 2016 (the year after 2015) has no growth:
    # no 2015 value. Both indices chain alike (industrial value added: 2020 level 100).
    growth = {2015: 1.0, 2017: 3.0, 2018: 5.0, 2019: 4.0, 2020: 2.0}
    rows = [(CITY, y, "gdp_real_growth", g) for y, g in growth.items()]
    rows += [(CITY, y, "industrial_value_added_real_growth", g) for y, g in growth.items()]
    rows += [(CITY, 2020, "industrial_value_added", 100.0)]
    out = compute(make_stats(rows), ["gdp_real_index", "industrial_value_added_constant_2020"])
    expected = {2017: 89.7795015442074, 2018: 94.2684766214178, 2019: 98.0392156862745}
    for indicator in ("gdp_real_index", "industrial_value_added_constant_2020"):
        got = _series(out, indicator)
        assert 2015 not in got, indicator
        for year, value in expected.items():
            assert got[year] == pytest.approx(value, rel=1e-13), (indicator, year)
        assert got[2020] == 100.0
    # the same bits as the loop over every year from the base down (the grid from 2015)
    f = 1.0 + np.array([[growth.get(y, np.nan) for y in range(2015, 2021)]]) / 100.0
    by_loop = 100.0 * _backward_by_loop(f)[0]
    got = _series(out, "gdp_real_index")
    assert [got[y] for y in (2017, 2018, 2019)] == by_loop[2:5].tolist()


def test_gdp_index_alternative(make_stats: Stats) -> None:
    # the GDP index (previous year = 100) instead of the growth rate gives the same chain
    rows = [
        (r[0], r[1], "gdp_index", 100.0 + r[3]) if r[2] == "gdp_real_growth" else r for r in JINAN
    ]
    out = compute(make_stats(rows), ["gdp_constant_2020"])
    _assert_close(_series(out, "gdp_constant_2020"), GDP_2020_PRICES)


def test_growth_and_index_mixed_growth_wins(make_stats: Stats) -> None:
    rows = [
        (CITY, 2020, "gdp", 10140.91),
        (CITY, 2021, "gdp_real_growth", 7.2),
        (CITY, 2021, "gdp_index", 150.0),  # ignored: the growth rate is given for 2021
        (CITY, 2022, "gdp_index", 103.1),  # used: no growth rate for 2022
    ]
    got = _series(compute(make_stats(rows), "gdp_constant_2020"), "gdp_constant_2020")
    assert got[2021] == pytest.approx(10871.05552, rel=1e-12)
    assert got[2022] == pytest.approx(11208.05824112, rel=1e-12)


def test_gap_breaks_the_chain(make_stats: Stats) -> None:
    rows = [r for r in JINAN if not (r[1] == 2022 and r[2] == "gdp_real_growth")]
    got = _series(compute(make_stats(rows), "gdp_constant_2020"), "gdp_constant_2020")
    assert got[2021] == pytest.approx(10871.05552, rel=1e-12)
    assert 2022 not in got and 2023 not in got


def test_no_base_year_gdp_no_value(make_stats: Stats) -> None:
    rows = [r for r in JINAN if not (r[1] == 2020 and r[2] == "gdp")]
    out = compute(make_stats(rows), ["gdp_constant_2020", "gdp_real_index"])
    assert _series(out, "gdp_constant_2020") == {}
    assert _series(out, "gdp_real_index")[2021] == pytest.approx(107.2)  # the index is still known


def test_base_year_option(make_stats: Stats) -> None:
    # base 2021: 2022 = 11432.22 × 1.031 = 11786.61882; 2020 = 11432.22 / 1.072 = 10664.38432835821
    out = compute(make_stats(JINAN), ["gdp_constant_2020", "gdp_real_index"], base_year=2021)
    got = _series(out, "gdp_constant_2020")
    assert got[2021] == 11432.22
    assert got[2022] == pytest.approx(11786.61882, rel=1e-12)
    assert got[2020] == pytest.approx(10664.38432835821, rel=1e-12)
    assert _series(out, "gdp_real_index")[2021] == 100.0
    assert set(out["method"]) == {"base_year=2021"}
    assert out.attrs["greenplan"]["options"]["base_year"] == 2021


def test_city_filled_from_districts(make_stats: Stats) -> None:
    # synthetic: two districts with their own growth; the city reports nothing.
    # 历下区 2021: 100 × 1.10 = 110; 市中区 2021: 200 × 1.05 = 210; city = 320
    # Only 2 of the 12 districts: the 'reporting_districts' option fills the city from them.
    rows = [
        ("历下区", 2020, "gdp", 100.0),
        ("历下区", 2021, "gdp_real_growth", 10.0),
        ("市中区", 2020, "gdp", 200.0),
        ("市中区", 2021, "gdp_real_growth", 5.0),
    ]
    out = compute(make_stats(rows), "gdp_constant_2020", city_from_districts="reporting_districts")
    assert _series(out, "gdp_constant_2020") == {2020: 300.0, 2021: pytest.approx(320.0)}
    assert _series(out, "gdp_constant_2020", "历下区")[2021] == pytest.approx(110.0)


def test_reported_constant_gdp(make_stats: Stats) -> None:
    # a bulletin's rounded 10871.06 agrees within rounding; 11000 does not
    ok = [*JINAN, (CITY, 2021, "gdp_constant_2020", 10871.06)]
    assert reported_vs_computed(make_stats(ok)).empty
    bad = [*JINAN, (CITY, 2021, "gdp_constant_2020", 11000.0)]
    diff = reported_vs_computed(make_stats(bad))
    assert diff[["year", "indicator", "reported"]].values.tolist() == [
        [2021, "gdp_constant_2020", 11000.0]
    ]
    assert diff["computed"].iloc[0] == pytest.approx(10871.05552)


def test_definitions() -> None:
    ind = greenplan.INDICATORS["gdp_constant_2020"]
    assert ind.unit == "亿元"
    assert ind.price_basis is PriceBasis.CONSTANT_2020
    assert ind.domain == "economy"
    assert ind.options == ("base_year",)
    assert greenplan.VARIABLES["gdp_constant_2020"].price_basis is PriceBasis.CONSTANT_2020
    assert greenplan.INDICATORS["gdp_real_index"].unit == "1"


# --- properties -----------------------------------------------------------------------------

# compute() end to end costs tens of milliseconds per call: fewer examples than the default.
E2E = settings(max_examples=25)
growth = st.floats(min_value=-20.0, max_value=30.0, allow_nan=False)
gdp = st.floats(min_value=1.0, max_value=1e5, allow_nan=False)


def _frame(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "year", "variable", "value"])


@E2E
@given(base=gdp, rates=st.lists(growth, min_size=3, max_size=3), k=st.floats(0.01, 100.0))
def test_scale_invariance(base: float, rates: list[float], k: float) -> None:
    rows = [(CITY, 2020, "gdp", base)] + [
        (CITY, 2021 + i, "gdp_real_growth", g) for i, g in enumerate(rates)
    ]
    scaled = [(r, y, v, x * k if v == "gdp" else x) for r, y, v, x in rows]
    a = _series(compute(_frame(rows), "gdp_constant_2020"), "gdp_constant_2020")
    b = _series(compute(_frame(scaled), "gdp_constant_2020"), "gdp_constant_2020")
    assert sorted(a) == sorted(b) == [2020, 2021, 2022, 2023]
    for year in a:
        assert b[year] == pytest.approx(k * a[year], rel=1e-12)


@E2E
@given(base=gdp, rates=st.lists(growth, min_size=2, max_size=2))
def test_unit_invariance(base: float, rates: list[float]) -> None:
    # GDP given in 万元 and converted to the canonical 亿元 gives the same result
    in_wan = convert(base, "亿元", "万元")
    rows = [(CITY, 2020, "gdp", convert(in_wan, "万元", "亿元"))] + [
        (CITY, 2021 + i, "gdp_real_growth", g) for i, g in enumerate(rates)
    ]
    ref = [(CITY, 2020, "gdp", base), *rows[1:]]
    a = _series(compute(_frame(rows), "gdp_constant_2020"), "gdp_constant_2020")
    b = _series(compute(_frame(ref), "gdp_constant_2020"), "gdp_constant_2020")
    for year in b:
        assert a[year] == pytest.approx(b[year], rel=1e-12)


@E2E
@given(
    rates=st.lists(growth, min_size=3, max_size=3), bump=st.floats(0.1, 5.0), at=st.integers(0, 2)
)
def test_monotone_in_growth(rates: list[float], bump: float, at: int) -> None:
    rows = [(CITY, 2020, "gdp", 100.0)] + [
        (CITY, 2021 + i, "gdp_real_growth", g) for i, g in enumerate(rates)
    ]
    higher = list(rows)
    r, y, v, x = higher[1 + at]
    higher[1 + at] = (r, y, v, x + bump)
    a = _series(compute(_frame(rows), "gdp_real_index"), "gdp_real_index")
    b = _series(compute(_frame(higher), "gdp_real_index"), "gdp_real_index")
    for year in a:
        if year < 2021 + at:
            assert b[year] == pytest.approx(a[year], rel=1e-12)
        else:
            assert b[year] > a[year]


@E2E
@given(
    gdps=st.lists(gdp, min_size=2, max_size=4),
    rates=st.lists(growth, min_size=2, max_size=2),
)
def test_city_from_districts_equals_city_from_summed_inputs(
    gdps: list[float], rates: list[float]
) -> None:
    # With the same growth in every district, the city's constant-price GDP filled from the
    # districts equals the one computed from the summed GDP and that growth. A subset of the
    # districts: the 'reporting_districts' option fills the city from them.
    districts = ["历下区", "市中区", "槐荫区", "天桥区"][: len(gdps)]
    rows = []
    for d, g0 in zip(districts, gdps, strict=True):
        rows.append((d, 2020, "gdp", g0))
        rows += [(d, 2021 + i, "gdp_real_growth", g) for i, g in enumerate(rates)]
    filled = compute(_frame(rows), "gdp_constant_2020", city_from_districts="reporting_districts")
    from_districts = _series(filled, "gdp_constant_2020")
    city_rows = [(CITY, 2020, "gdp", float(np.sum(gdps)))] + [
        (CITY, 2021 + i, "gdp_real_growth", g) for i, g in enumerate(rates)
    ]
    from_city = _series(compute(_frame(city_rows), "gdp_constant_2020"), "gdp_constant_2020")
    assert sorted(from_districts) == sorted(from_city)
    for year in from_city:
        assert from_districts[year] == pytest.approx(from_city[year], rel=1e-12)

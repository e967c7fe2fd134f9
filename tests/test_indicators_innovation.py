"""R&D intensity (研发经费投入强度).

Reference: Jinan 2020, R&D expenditure 265.46亿元 and GDP 10140.91亿元, published intensity
2.62 % (https://www.jnw.cc/zixun/202203/936.html; shared/data/jinan_public_figures.csv).
265.46 / 10140.91 × 100 = 2.617714 %, which rounds to the published 2.62 %.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan.engine import compute, reported_vs_computed
from greenplan.indicators import INDICATORS
from greenplan.indicators.innovation import rd_intensity
from greenplan.units import convert
from helpers import CITY, long_table, value

UNITS = {"gdp": "亿元", "gdp_real_growth": "%", "rd_expenditure": "亿元", "rd_intensity": "%"}
frame = partial(long_table, units=UNITS)
JINAN_2020 = [(CITY, 2020, "rd_expenditure", 265.46), (CITY, 2020, "gdp", 10140.91)]


def test_jinan_2020_published_value():
    result = rd_intensity(265.46, 10140.91)
    assert result == pytest.approx(2.617713795, rel=1e-9)
    assert round(result, 2) == 2.62  # as published


def test_array_series_and_zero_gdp():
    np.testing.assert_allclose(
        rd_intensity(np.array([33.0, 0.0]), np.array([1000.0, 50.0])), [3.3, 0.0]
    )
    s = rd_intensity(
        pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([100.0, 0.0], index=["a", "b"])
    )
    assert s["a"] == pytest.approx(1.0) and math.isnan(s["b"])
    assert math.isnan(rd_intensity(1.0, 0.0))
    assert math.isnan(rd_intensity(np.nan, 100.0))


def test_end_to_end_jinan_2020():
    out = compute(frame(JINAN_2020), "rd_intensity")
    assert value(out, "rd_intensity", 2020) == pytest.approx(2.617713795, rel=1e-9)
    assert out["unit"].item() == "%" and out["origin"].item() == "computed"


def test_current_prices_not_deflated():
    # 2021 (synthetic R&D 320亿元 against the published nominal GDP 11432.22亿元): the
    # intensity uses nominal GDP, so real growth must not change it:
    # 320 / 11432.22 × 100 = 2.799106 %.
    rows = [
        *JINAN_2020,
        (CITY, 2021, "gdp", 11432.22),
        (CITY, 2021, "gdp_real_growth", 7.2),
        (CITY, 2021, "rd_expenditure", 320.0),
    ]
    out = compute(frame(rows), "rd_intensity")
    assert value(out, "rd_intensity", 2021) == pytest.approx(2.799106, rel=1e-6)


def test_published_rounding_is_not_a_disagreement():
    # Published 2.62 vs computed 2.6177: |diff| = 0.0023 < 0.5 % × 2.62 = 0.0131.
    ok = reported_vs_computed(frame([*JINAN_2020, (CITY, 2020, "rd_intensity", 2.62)]))
    assert (ok.indicator != "rd_intensity").all()
    bad = reported_vs_computed(frame([*JINAN_2020, (CITY, 2020, "rd_intensity", 3.0)]))
    bad = bad[bad.indicator == "rd_intensity"]
    assert bad["reported"].item() == 3.0
    assert bad["computed"].item() == pytest.approx(2.617713795, rel=1e-9)


def test_reported_value_used_where_not_computable():
    out = compute(frame([(CITY, 2024, "rd_intensity", 3.0)]), "rd_intensity")
    assert value(out, "rd_intensity", 2024) == 3.0
    assert out["origin"].item() == "reported"


def test_city_from_districts():
    # Synthetic: (10 + 30) / (1000 + 500) × 100 = 2.6667 %, not mean(1, 6) = 3.5 %.
    # Two districts only: the 'reporting_districts' option fills the city from them.
    rows = [
        ("历下区", 2021, "rd_expenditure", 10.0),
        ("历下区", 2021, "gdp", 1000.0),
        ("济南高新区", 2021, "rd_expenditure", 99.0),  # a functional zone: never summed
        ("槐荫区", 2021, "rd_expenditure", 30.0),
        ("槐荫区", 2021, "gdp", 500.0),
    ]
    out = compute(frame(rows), "rd_intensity", city_from_districts="reporting_districts")
    assert value(out, "rd_intensity", 2021) == pytest.approx(40 / 1500 * 100)


def test_definition():
    ind = INDICATORS["rd_intensity"]
    assert ind.unit == "%" and ind.section == "九(一)" and ind.inputs == ("rd_expenditure", "gdp")


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(rd=positive, gdp=positive, k=st.floats(min_value=1e-3, max_value=1e3))
def test_scale_and_unit_invariance(rd, gdp, k):
    base = rd_intensity(rd, gdp)
    assert rd_intensity(rd * k, gdp * k) == pytest.approx(base, rel=1e-9)
    # Both in 万元 instead of 亿元: the share does not change.
    assert rd_intensity(convert(rd, "亿元", "万元"), convert(gdp, "亿元", "万元")) == pytest.approx(
        base, rel=1e-9
    )


@settings(max_examples=10, deadline=None)
@given(rd_wan=positive, gdp_wan=positive)
def test_end_to_end_unit_invariance(rd_wan, gdp_wan):
    rows = [
        (CITY, 2020, "rd_expenditure", convert(rd_wan, "万元", "亿元")),
        (CITY, 2020, "gdp", convert(gdp_wan, "万元", "亿元")),
    ]
    out = compute(frame(rows), "rd_intensity")
    assert value(out, "rd_intensity", 2020) == pytest.approx(rd_wan / gdp_wan * 100, rel=1e-9)

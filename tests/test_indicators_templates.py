"""Recipe templates of the registry: formula_recipe and per_gdp_recipe."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest

from greenplan.engine import compute
from greenplan.indicators import registry as _registry
from greenplan.indicators.registry import formula_recipe, per_gdp_recipe, recipes
from greenplan.regions import CITY

Stats = Callable[[list[tuple[str, int, str, float]]], pd.DataFrame]


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private copy of the recipe registry for test-only recipes."""
    _registry.load_all()
    monkeypatch.setattr(_registry, "_RECIPES", dict(_registry._RECIPES))
    yield


def _minus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a - b


def test_formula_recipe_passes_inputs_in_order(make_stats: Stats, scratch: None) -> None:
    formula_recipe(
        id="test_formula_recipe",
        func=_minus,
        inputs=("gdp", "rd_expenditure"),
        formula="gdp − rd_expenditure",
        name_zh="测试",
        name_en="Test",
        unit="亿元",
        domain="test",
    )
    assert recipes()["test_formula_recipe"].indicator.inputs == ("gdp", "rd_expenditure")
    rows = [(CITY, 2020, "gdp", 10.0), (CITY, 2020, "rd_expenditure", 2.5)]
    rows += [(CITY, 2021, "gdp", 12.0)]  # 2021 without R&D: no value, not 12
    out = compute(make_stats(rows), "test_formula_recipe")
    # 2020: 10.0 − 2.5 = 7.5 (the order given, not 2.5 − 10.0 = −7.5)
    assert out["year"].tolist() == [2020]
    assert out["value"].tolist() == [7.5]


def test_shipped_formula_recipe_is_the_public_formula(make_stats: Stats) -> None:
    # forest_coverage = 100 × forest_area / land_area: 100 × 3 000 / 10 244 = 29.285435...
    rows = [(CITY, 2020, "forest_area", 3000.0), (CITY, 2020, "land_area", 10244.0)]
    out = compute(make_stats(rows), "forest_coverage")
    assert out["value"].item() == pytest.approx(29.2854353768, rel=1e-10)
    assert recipes()["forest_coverage"].indicator.inputs == ("forest_area", "land_area")


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a / b


# Jinan's published 2020 GDP 10140.91亿元 and 2021 real growth 7.2 %; SYNTHETIC land areas.
GDP_ROWS = [
    (CITY, 2020, "gdp", 10140.91),
    (CITY, 2021, "gdp_real_growth", 7.2),
    (CITY, 2021, "construction_land_area", 152000.0),
]


def test_per_gdp_recipe_divides_by_comparable_price_gdp(make_stats: Stats, scratch: None) -> None:
    per_gdp_recipe(
        id="test_per_gdp",
        func=_ratio,
        numerator="construction_land_area",
        read="variable",
        formula="construction_land_area / gdp_constant_2020",
        name_zh="测试",
        name_en="Test",
        unit="1",
        domain="test",
    )
    rec = recipes()["test_per_gdp"].indicator
    assert rec.inputs == ("construction_land_area", "gdp_constant_2020")
    assert rec.options == ("base_year",)
    out = compute(make_stats(GDP_ROWS), "test_per_gdp")
    # 2021 GDP at 2020 prices: 10140.91 × 1.072 = 10871.05552; 152000 / 10871.05552 = 13.98208…
    row = out[out.year == 2021]
    assert row["value"].item() == pytest.approx(13.982082947, rel=1e-9)
    assert "GDP at 2020 prices (gdp_constant_2020)" in row["method"].item()


def test_per_gdp_recipe_reads_an_indicator(make_stats: Stats, scratch: None) -> None:
    per_gdp_recipe(
        id="test_per_gdp_self",
        func=_ratio,
        numerator="gdp_constant_2020",
        name_zh="测试",
        name_en="Test",
        unit="1",
        domain="test",
    )
    out = compute(make_stats(GDP_ROWS), "test_per_gdp_self")
    # the indicator gdp_constant_2020 over itself: 10140.91 / 10140.91 and 10871.06 / 10871.06
    assert out["value"].tolist() == [1.0, 1.0]


def test_per_gdp_recipe_rejects_an_unknown_read() -> None:
    with pytest.raises(ValueError, match="read must be"):
        per_gdp_recipe(id="test_bad_read", func=_ratio, numerator="gdp", read="column")


def test_cumulative_recipe_default_description() -> None:
    rec = recipes()["new_roads_km_cumulative"].indicator
    assert (
        rec.description == "Sum of new_roads_km from the year after the base year; NaN after a gap."
    )
    assert rec.formula == "Σ_{base+1..t} new_roads_km"

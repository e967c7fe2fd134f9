"""Tests of greenplan.evaluation: scores, area indices, GDI, anchored score, GEP ledger."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan.evaluation import (
    EvaluationError,
    EvaluationWarning,
    anchored_evaluation,
    anchored_score,
    area_index,
    class_weights,
    gdi,
    gep_ledger,
    green_development_index,
    indicator_system,
    score,
)


def test_score_min_max_both_directions():
    assert score([10.0, 15.0, 20.0], direction="increase").tolist() == [60.0, 80.0, 100.0]
    assert score([10.0, 15.0, 20.0], direction="decrease").tolist() == [100.0, 80.0, 60.0]
    s = score(pd.Series({"a": 1.0, "b": np.nan, "c": 3.0}), direction="increase")
    assert s["a"] == 60.0 and math.isnan(s["b"]) and s["c"] == 100.0
    # fixed anchors clip: (25 − 10)/(20 − 10) > 1 → 100; (5 − 10) < 0 → 60
    assert score([5.0, 25.0], direction="increase", low=10, high=20).tolist() == [60.0, 100.0]
    assert score(12.5, direction="increase", low=10, high=20) == 70.0


def test_score_degenerate_set_scores_100_with_a_warning():
    with pytest.warns(EvaluationWarning, match="min = max"):
        out = score([7.0, 7.0, np.nan], direction="decrease")
    assert out[0] == 100.0 and out[1] == 100.0 and math.isnan(out[2])
    with pytest.raises(EvaluationError, match="direction"):
        score([1.0, 2.0], direction="sideways")
    with pytest.raises(EvaluationError, match="low"):
        score([1.0], direction="increase", low=5, high=1)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30),
    st.sampled_from(["increase", "decrease"]),
)
def test_score_bounds_and_monotone(values, direction):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        out = np.asarray(score(values, direction=direction))
    assert ((out >= 60 - 1e-9) & (out <= 100 + 1e-9)).all()
    order = np.argsort(values, kind="stable")
    ranked = out[order]
    diffs = np.diff(ranked)
    if direction == "increase":
        assert (diffs >= -1e-9).all()
    else:
        assert (diffs <= 1e-9).all()


def test_area_index_reallocates_missing_weights():
    # c is missing: its weight 2 is shared by a and b: (3 × 80 + 1 × 100) / (3 + 1) = 85
    assert area_index({"a": 80.0, "b": 100.0, "c": np.nan}, {"a": 3, "b": 1, "c": 2}) == 85.0
    # absent from the scores counts as missing too
    assert area_index({"a": 80.0}, {"a": 3, "b": 1}) == 80.0
    with pytest.warns(EvaluationWarning):
        assert math.isnan(area_index({"a": np.nan}, {"a": 1}))
    with pytest.raises(EvaluationError, match="no weight"):
        area_index({"z": 60.0}, {"a": 1})


def test_gdi_is_area_weighted():
    # national area weights; green living missing: (80 × 29.3 + 90 × 16.5) / (29.3 + 16.5)
    #   = (2 344 + 1 485) / 45.8 = 83.6026
    out = gdi(
        {"resource_use": 80.0, "environmental_governance": 90.0, "green_living": np.nan},
        {"resource_use": 29.3, "environmental_governance": 16.5, "green_living": 9.2},
    )
    assert out == pytest.approx(3829 / 45.8)


def test_national_system_and_class_weights():
    t = indicator_system()
    assert len(t) == 56 and (t["weight"] > 0).sum() == 55
    # 16 ★ + 22 ◆ + 17 △: unit 100/109; ★ = 300/109 = 2.7523
    counts = t["class"].value_counts()
    assert (counts["★"], counts["◆"], counts["△"]) == (16, 22, 17)
    assert t.loc[t["class"] == "★", "weight"].iloc[0] == pytest.approx(300 / 109)
    areas = t.groupby("area")["weight"].sum()
    published = t.attrs["areas"].set_index("area")["weight"]
    for area, w in published.items():
        if w > 0:  # the class weights reproduce the published area weights within 0.1
            assert areas[area] == pytest.approx(w, abs=0.1), area
    assert class_weights(["★", "△"], {"★": 1, "△": 1}).tolist() == [50.0, 50.0]
    with pytest.raises(EvaluationError, match="class"):
        class_weights(["X"])


def test_green_development_index_hand_case():
    system = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "area": ["A", "A", "B"],
            "name_zh": ["x", "y", "z"],
            "direction": ["increase", "decrease", "increase"],
            "class": ["★", "△", "◆"],
        }
    )
    values = pd.DataFrame(
        {
            "region": ["P", "Q", "R"] * 3,
            "indicator": ["x"] * 3 + ["y"] * 3 + ["z"] * 3,
            "value": [1.0, 2.0, 3.0, 30.0, 20.0, 10.0, 5.0, 5.0, np.nan],
        }
    )
    with pytest.warns(EvaluationWarning):  # z is degenerate over P and Q (both 5)
        out = green_development_index(values, system=system)
    # weights 3:1:2 of 6 → 50, 16.67, 33.33; x scores 60/80/100; y (negative) 60/80/100;
    # z: 100, 100, missing. Area A: (3·Y_x + 1·Y_y)/4; area B: Y_z.
    # P: A = 60, B = 100, GDI = (60 × 66.67 + 100 × 33.33)/100 = 73.33
    # R: A = 100, B missing → GDI = 100 (B's weight reallocated across areas)
    g = out["gdi"].set_index("region")["gdi"]
    assert g["P"] == pytest.approx(60 * 2 / 3 + 100 / 3)
    assert g["Q"] == pytest.approx(80 * 2 / 3 + 100 / 3)
    assert g["R"] == pytest.approx(100.0)
    assert out["reallocations"].to_dict(orient="records") == [
        {"region": "R", "area": "B", "indicator": 3}
    ]


def test_anchored_score():
    assert anchored_score(5.0, base=0.0, target=10.0, direction="increase") == 80.0
    assert anchored_score(12.0, base=0.0, target=10.0, direction="increase") == 100.0
    assert anchored_score(-3.0, base=0.0, target=10.0, direction="increase") == 60.0
    # carbon intensity 1.0 → 0.8 target; 0.9 is half-way: 60 + 40 × 0.5 = 80
    assert anchored_score(0.9, base=1.0, target=0.8, direction="decrease") == pytest.approx(80.0)
    with pytest.raises(EvaluationError, match="below"):
        anchored_score(1.0, base=2.0, target=1.0, direction="increase")
    with pytest.warns(EvaluationWarning):
        assert anchored_score(3.0, base=2.0, target=2.0, direction="increase") == 100.0


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e3, 1e3), st.floats(0.001, 1e3))
def test_anchored_score_bounds(x, base, span):
    s = anchored_score(x, base=base, target=base + span, direction="increase")
    assert 60.0 <= s <= 100.0


def test_anchored_evaluation_of_the_examples():
    import greenplan as gp
    from greenplan._resources import data_dir

    stats = gp.read_statistics(data_dir() / "examples")
    table = anchored_evaluation(gp.assess(gp.compute(stats)), region="济南市")
    scored = table[table["key"] != "plan_index"]["score"].dropna()
    assert len(scored) > 10 and scored.between(60, 100).all()
    index = table[table["key"] == "plan_index"]["score"].iloc[0]
    assert index == pytest.approx(scored.mean())


# --- GEP ------------------------------------------------------------------------------------------


def test_gep_ledger_reproduces_the_published_southern_mountain_total():
    # 济南市南部山区 GEP 2020 (大众日报/山东新闻 2022-01-04, f.sdnews.com.cn/sdcj/202201/
    # t20220104_3984674.htm): regulating 106.68, cultural 49.84, material 30.39 亿元,
    # total 186.91 亿元, shares 57.07 %, 26.67 %, 16.26 %.
    t = pd.DataFrame(
        {
            "item": ["调节服务合计", "文化服务合计", "物质产品合计"],
            "category": ["调节服务", "文化服务", "物质产品"],
            "quantity": [106.68, 49.84, 30.39],
            "unit": ["1", "1", "1"],
            "price": [1.0, 1.0, 1.0],
            "price_unit": ["亿元/1"] * 3,
            "price_source": ["published value"] * 3,
            "price_year": [2020] * 3,
        }
    )
    out = gep_ledger(t)
    assert out["gep"] == pytest.approx(186.91)
    shares = out["totals"].set_index("category")["share"] * 100
    # the article's shares sum to 100.00, so one is rounded down (106.68/186.91 = 57.0756 %):
    # within 0.01 percentage point
    assert shares["regulating"] == pytest.approx(57.07, abs=0.01)
    assert shares["cultural"] == pytest.approx(26.67, abs=0.01)
    assert shares["material"] == pytest.approx(16.26, abs=0.01)


def test_gep_ledger_carbon_and_ratio():
    t = pd.DataFrame(
        {
            "item": ["固碳", "水源涵养"],
            "category": ["regulating", "regulating"],
            "quantity": [1000.0, 2.0],
            "unit": ["t", "万m3"],
            "price": [100.0, 6.11],
            "price_unit": ["元/t", "元/m3"],
            "price_source": ["carbon market average", "reservoir construction cost"],
            "price_year": [2023, 2020],
        }
    )
    out = gep_ledger(t, gdp=10.0, gdp_unit="万元")
    # 1 000 t C × 44/12 × 100 元/t CO₂ = 366 666.67 元; 2 万m³ = 20 000 m³ × 6.11 = 122 200 元
    led = out["ledger"].set_index("item")["value"]
    assert led["固碳"] == pytest.approx(366_666.6667e-8)
    assert led["水源涵养"] == pytest.approx(122_200e-8)
    # GEP 488 866.67 元 / GDP 100 000 元 = 4.8886667
    assert out["gep_gdp_ratio"] == pytest.approx(4.8886667, rel=1e-7)


def test_gep_ledger_errors():
    base = {
        "item": "x",
        "category": "material",
        "quantity": 1.0,
        "price": 1.0,
        "price_source": "s",
        "price_year": 2020,
    }
    with pytest.raises(EvaluationError, match="price_source"):
        gep_ledger(pd.DataFrame([{**base, "price_source": ""}]))
    with pytest.raises(EvaluationError, match="category"):
        gep_ledger(pd.DataFrame([{**base, "category": "spiritual"}]))
    with pytest.raises(EvaluationError, match="lacks"):
        gep_ledger(pd.DataFrame([{"item": "x"}]))
    with pytest.raises(EvaluationError, match="≥ 0"):
        gep_ledger(pd.DataFrame([{**base, "quantity": -1.0}]))
    with pytest.raises(EvaluationError):
        gep_ledger(pd.DataFrame([{**base, "unit": "t", "price_unit": "元/m3"}]))


def test_anchored_evaluation_scores_aspirational_and_other_bounds():
    # synthetic assessment rows; scores by hand: 60 + 40 × clip((x − base)/(target − base), 0, 1)
    rows = pd.DataFrame(
        {
            "key": ["a", "b", "c", "d"],
            "region": "济南市",
            # 力争 ≥, 左右 (approximately, falling), below, approximately with base = target
            "bound": ["at_least_aspirational", "approximately", "below", "approximately"],
            "baseline": [500.0, 50.0, 10.0, 7.0],
            "latest": [800.0, 45.0, 8.0, 7.0],
            "target_level": [1000.0, 40.0, 6.0, 7.0],
        }
    )
    out = anchored_evaluation(rows).set_index("key")
    assert out.loc["a", "direction"] == "increase"
    assert out.loc["a", "score"] == pytest.approx(84.0)  # 60 + 40 × 300/500
    assert out.loc["b", "direction"] == "decrease"
    assert out.loc["b", "score"] == pytest.approx(80.0)  # 60 + 40 × 5/10
    assert out.loc["c", "score"] == pytest.approx(80.0)  # 60 + 40 × 2/4
    assert math.isnan(out.loc["d", "score"])  # no direction when base = target, said in note

"""Properties that keep compute fast at every size (issue 14); nothing here is timed.

* method notes grow with the vintages of a factor table, not with the years of the data;
* the ``method`` text is stored once per indicator (a categorical), not once per row;
* the output's ``attrs`` are not deep-copied, value by value, on every slice downstream;
* coverage and reported-vs-computed share one computation of the indicators.

Data are SYNTHETIC; the factor values quoted come from the shipped tables
(``resources/factors/electricity_coal_rate.csv``: 2015 315, 2022 300.7 gce/kWh).
"""

from __future__ import annotations

import copy
import pickle

import pandas as pd
import pytest

from greenplan.engine import compute
from greenplan.indicators.energy import _year_runs
from greenplan.variables import VARIABLES

CITY = "济南市"


def frame(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    df["unit"] = [VARIABLES[v].unit for v in df["variable"]]
    return df


def test_year_runs_merge_consecutive_years_with_the_same_vintage():
    entries = [
        (2010, 2015, "315"),
        (2011, 2015, "315"),
        (2013, 2015, "315"),  # not adjacent to 2011: a run of its own
        (2015, 2015, "315"),
        (2016, 2016, "312"),
        (2023, 2022, "300.7"),
        (2024, 2022, "300.7"),
        (2025, 2022, "300.7"),
    ]
    assert _year_runs(entries) == (
        "2010–2011←2015 315, 2013←2015 315, 2015 315, 2016 312, 2023–2025←2022 300.7"
    )
    assert _year_runs([(2023, 2022, "300.7")]) == "2023←2022 300.7"
    assert _year_runs([]) == ""


def test_electricity_note_does_not_list_every_year():
    years = range(1949, 2028)  # every year the readers accept; the coal-rate table has 2015–2022
    rows = [(CITY, y, "energy_consumption", 4000.0) for y in years]
    rows += [(CITY, y, "electricity_renewable", 50.0 + (y - 1949)) for y in years]
    out = compute(frame(rows), ["energy_consumption_total_control"])
    text = str(out["method"].iloc[0])
    assert "1949–2014←2015 315" in text and "2023–2027←2022 300.7" in text
    assert "2022 300.7" in text and "1980" not in text
    assert len(text) < 400


def test_method_is_stored_once_per_indicator():
    years = range(1988, 2028)
    rows = [(CITY, y, "gdp", 100.0 + y - 1988) for y in years]
    rows += [(CITY, y, "gdp_real_growth", 5.0) for y in years]
    out = compute(frame(rows))
    assert isinstance(out["method"].dtype, pd.CategoricalDtype)
    per_indicator = out.groupby("indicator", observed=True)["method"].nunique()
    assert (per_indicator == 1).all()
    assert len(out["method"].cat.categories) <= out["indicator"].nunique()
    # the text reads the same as a plain string column would (CSV output unchanged)
    plain = out.assign(method=out["method"].astype(str))
    assert out.to_csv(index=False) == plain.to_csv(index=False)


def test_slices_of_the_output_do_not_deep_copy_its_attrs():
    rows = [(CITY, y, "gdp", 100.0 + y) for y in range(2015, 2026)]
    out = compute(frame(rows))
    info = out.attrs["greenplan"]
    assert info["options"]["base_year"] == 2020
    # pandas deep-copies attrs into every derived frame; the provenance copies as itself, so a
    # slice costs a one-key dict, not a copy of every option value (issue 14: 352,933 calls)
    assert copy.deepcopy(out.attrs)["greenplan"] is info
    part = out[out["indicator"] == out["indicator"].iloc[0]]
    groups = [group.iloc[:1].copy() for _, group in part.groupby("region")]
    assert part.attrs["greenplan"] is info and all(g.attrs["greenplan"] is info for g in groups)
    with pytest.raises(TypeError):
        info["options"] = {}  # shared by every slice: read-only
    assert pickle.loads(pickle.dumps(info)) == info


def _counting_recipes(monkeypatch) -> dict[str, int]:
    """Wrap every recipe so that each run is counted, by indicator id."""
    import dataclasses

    from greenplan.indicators import registry

    registry.load_all()
    calls: dict[str, int] = {}
    for id, rec in list(registry._RECIPES.items()):

        def counted(x, _func=rec.func, _id=id):
            calls[_id] = calls.get(_id, 0) + 1
            return _func(x)

        monkeypatch.setitem(registry._RECIPES, id, dataclasses.replace(rec, func=counted))
    return calls


# SYNTHETIC: GDP levels and a reported intensity that disagrees with its components
SHARED_ROWS = [
    *[(CITY, y, "gdp", 10000.0 + 500 * (y - 2020)) for y in range(2020, 2024)],
    *[(CITY, y, "gdp_real_growth", 5.0) for y in range(2021, 2024)],
    *[(CITY, y, "energy_consumption", 4000.0) for y in range(2020, 2024)],
    (CITY, 2021, "energy_intensity", 99.0),
]


def test_validate_computes_each_indicator_once_for_both_engine_checks(monkeypatch):
    import greenplan as gp

    calls = _counting_recipes(monkeypatch)
    report = gp.validate(frame(SHARED_ROWS))
    codes = {f.code for f in report.findings}
    assert {"reported_mismatch", "not_computable"} <= {str(c) for c in codes}
    assert calls and max(calls.values()) == 1


def test_consistency_equals_the_two_separate_calls(monkeypatch):
    from greenplan.engine import consistency, coverage, inputs_from, reported_vs_computed
    from greenplan.io import read_statistics

    stats = read_statistics(frame(SHARED_ROWS), check_reported=False)
    cov, diff = consistency(stats)
    pd.testing.assert_frame_equal(cov, coverage(stats))
    pd.testing.assert_frame_equal(diff, reported_vs_computed(stats))
    assert len(diff) == 1 and diff["indicator"].tolist() == ["energy_intensity"]
    calls = _counting_recipes(monkeypatch)
    x = inputs_from(stats)
    reported_vs_computed(x)
    coverage(x)
    assert max(calls.values()) == 1

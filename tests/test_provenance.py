"""``attrs["greenplan"]`` of every output: read-only, and shared rather than deep-copied.

pandas deep-copies ``attrs`` into each frame it derives (a filter, a slice, each group of a
group-by). Issue 14 found an assessment spending most of its time there; the outputs of
``read_statistics`` (its findings), ``compute``, ``assess`` and ``aggregate_fuel_records``
therefore keep their provenance in containers that copy as themselves. Nothing is timed: the
tests check the property that makes a derived frame cheap (the same object, not a copy) and
what users rely on (equal to plain dicts and lists, JSON, pickling, a clear refusal to change).

Data are SYNTHETIC (made here); no figure is asserted.
"""

from __future__ import annotations

import copy
import json
import pickle

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan._provenance import FrozenList, Provenance, freeze
from greenplan.engine import ComputeInfo
from greenplan.variables import VARIABLES

CITY = "济南市"


def _stats_with_findings() -> pd.DataFrame:
    """Rows of several variables, one of them without a unit (a ``unit_assumed`` warning)."""
    rows = [(CITY, y, "gdp", 10000.0 + 100 * y) for y in range(2018, 2025)]
    rows += [(CITY, y, "energy_consumption", 4000.0 + y) for y in range(2018, 2025)]
    df = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    df["unit"] = [VARIABLES[v].unit for v in df["variable"]]
    df.loc[0, "unit"] = ""  # the canonical unit is assumed, with a warning
    return df


NAMES = ["read_statistics", "compute", "assess", "aggregate_fuel_records"]


@pytest.fixture(scope="module")
def outputs() -> dict[str, pd.DataFrame]:
    stats = gp.read_statistics(_stats_with_findings())
    values = gp.compute(stats)
    fuel = pd.DataFrame(
        {
            "region": ["历下区", "市中区"],
            "year": [2022, 2022],
            "fuel": ["原煤", "diesel"],
            "quantity": [1000.0, 2.0],
            "unit": ["t", "t"],
        }
    )
    return {
        "read_statistics": stats,
        "compute": values,
        "assess": gp.assess(values, year=2024),
        "aggregate_fuel_records": gp.aggregate_fuel_records(fuel),
    }


@pytest.mark.parametrize("name", NAMES)
def test_derived_frames_share_the_provenance(outputs, name):
    out = outputs[name]
    info = out.attrs["greenplan"]
    assert isinstance(info, Provenance)
    assert copy.deepcopy(out.attrs)["greenplan"] is info
    part = out[[k % 2 == 0 for k in range(len(out))]]
    column = out.columns[0]
    groups = [group.iloc[:1].copy() for _, group in out.groupby(column, observed=True)]
    assert part.attrs["greenplan"] is info
    assert all(g.attrs["greenplan"] is info for g in groups)
    assert out.head(1).assign(extra=1).attrs["greenplan"] is info


@pytest.mark.parametrize("name", NAMES)
def test_provenance_is_read_only_at_every_level(outputs, name):
    info = outputs[name].attrs["greenplan"]
    with pytest.raises(TypeError, match="read-only"):
        info["added"] = 1
    with pytest.raises(TypeError, match="read-only"):
        info.update(added=1)
    nested = [v for v in info.values() if isinstance(v, dict | list)]
    assert nested, info  # every output records options, findings, notes or a plan
    for value in nested:
        assert isinstance(value, Provenance | FrozenList)
        with pytest.raises(TypeError, match="read-only"):
            if isinstance(value, dict):
                value["added"] = 1
            else:
                value.append(1)
    # a copy is the user's to change, and changes nothing shared
    mine = dict(info)
    mine["added"] = 1
    assert "added" not in info


@pytest.mark.parametrize("name", NAMES)
def test_provenance_reads_as_plain_data(outputs, name):
    info = outputs[name].attrs["greenplan"]
    assert info == _thaw(info)
    assert json.dumps(info, default=str) == json.dumps(_thaw(info), default=str)
    back = pickle.loads(pickle.dumps(info))
    assert back == info and type(back) is type(info)
    frame = pickle.loads(pickle.dumps(outputs[name]))
    assert frame.attrs["greenplan"] == info


def test_read_statistics_findings_are_shared_not_copied(outputs):
    stats = outputs["read_statistics"]
    findings = stats.attrs["greenplan"]["findings"]
    assert [f["code"] for f in findings] == ["unit_assumed"]
    assert findings == [dict(f) for f in findings]  # equal to plain dicts in a plain list
    part = stats[stats["variable"] == "gdp"]
    assert part.attrs["greenplan"]["findings"] is findings


def test_compute_info_keeps_its_constructor_and_old_pickles():
    info = ComputeInfo(options={"base_year": 2020, "districts": ["历下区"]}, indicators=["gdp"])
    assert info == {"options": {"base_year": 2020, "districts": ["历下区"]}, "indicators": ["gdp"]}
    assert isinstance(info["options"]["districts"], FrozenList)

    class Old:  # what greenplan before session 9 pickled: engine._compute_info(dict)
        def __reduce__(self):
            from greenplan.engine import _compute_info

            return (_compute_info, ({"options": {"base_year": 2020}, "indicators": ["gdp"]},))

    back = pickle.loads(pickle.dumps(Old()))
    assert type(back) is ComputeInfo and back["options"] == {"base_year": 2020}


def _thaw(value):
    """A plain copy: dicts and lists of the built-in types all the way down."""
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_thaw(v) for v in value)
    return value


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON_LIKE)
def test_freeze_keeps_every_value_and_shares_every_container(value):
    frozen = freeze(value)
    assert frozen == value
    assert json.dumps(frozen) == json.dumps(value)
    assert copy.deepcopy(frozen) == value
    back = pickle.loads(pickle.dumps(frozen))
    assert back == value and type(back) is type(frozen)
    if isinstance(value, dict | list):
        assert copy.deepcopy(frozen) is frozen and copy.copy(frozen) is frozen
        assert freeze(frozen) is frozen
    assert all(isinstance(c, Provenance | FrozenList) for c in _containers(frozen))


def _containers(value):
    """Every dict and list inside ``value`` (itself included), through tuples too."""
    if isinstance(value, dict | list):
        yield value
    items = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list | tuple):
        for item in items:
            yield from _containers(item)

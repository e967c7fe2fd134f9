"""IAMC export of computed values (greenplan.export) and ``greenplan compute --format iamc``."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import greenplan as gp
from greenplan.cli import main
from greenplan.errors import GreenplanError
from greenplan.export import IAMC_COLUMNS, from_iamc, to_iamc


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    from greenplan._resources import data_dir

    return gp.compute(gp.read_statistics(data_dir() / "examples"))


def test_wide_layout(values) -> None:
    wide = to_iamc(values)
    assert list(wide.columns[:5]) == IAMC_COLUMNS
    years = list(wide.columns[5:])
    assert years == sorted(values["year"].unique().tolist())
    assert all(isinstance(y, int) for y in years)
    assert (wide["model"] == "greenplan").all()
    assert (wide["scenario"] == gp.DATA_VERSION).all()
    # one row per (region, indicator): the pairs of the compute output
    assert len(wide) == len(values.drop_duplicates(["region", "indicator"]))


def test_round_trip_wide_to_long_equals_compute(values) -> None:
    back = from_iamc(to_iamc(values))
    cols = ["region", "year", "indicator", "value", "unit"]
    expected = values[cols].sort_values(["region", "indicator", "year"], ignore_index=True)
    got = back[cols]
    pd.testing.assert_frame_equal(
        got.astype(str).drop(columns="value"), expected.astype(str).drop(columns="value")
    )
    np.testing.assert_array_equal(got["value"].to_numpy(), expected["value"].to_numpy())


def test_round_trip_through_csv(values) -> None:
    text = to_iamc(values).to_csv(index=False)
    back = from_iamc(pd.read_csv(io.StringIO(text)))
    assert len(back) == len(values)
    assert set(back["indicator"]) == set(values["indicator"])


def test_long_form_and_custom_names(values) -> None:
    long = to_iamc(values, model="m", scenario="s", wide=False)
    assert list(long.columns) == [*IAMC_COLUMNS, "year", "value"]
    assert len(long) == len(values)
    assert set(long["model"]) == {"m"} and set(long["scenario"]) == {"s"}


def test_hand_made_values() -> None:
    # 2 indicators, one with a gap: the wide table has NaN where there is no value
    values = pd.DataFrame(
        {
            "region": ["济南市"] * 3,
            "year": [2020, 2021, 2020],
            "indicator": ["a", "a", "b"],
            "value": [1.5, 2.5, 7.0],
            "unit": ["%", "%", "万吨"],
        }
    )
    wide = to_iamc(values, scenario="x")
    assert wide.drop(columns=2021).to_dict("list") == {
        "model": ["greenplan", "greenplan"],
        "scenario": ["x", "x"],
        "region": ["济南市", "济南市"],
        "variable": ["a", "b"],
        "unit": ["%", "万吨"],
        2020: [1.5, 7.0],
    }
    assert wide.loc[0, 2021] == 2.5
    assert np.isnan(wide.loc[1, 2021])
    assert len(from_iamc(wide)) == 3  # the empty cell is not a value


def test_missing_column_and_duplicates_are_errors() -> None:
    with pytest.raises(GreenplanError, match="no column indicator"):
        to_iamc(pd.DataFrame({"region": [], "year": [], "value": [], "unit": []}))
    dup = pd.DataFrame(
        {"region": "济南市", "year": [2020, 2020], "indicator": "a", "value": [1, 2], "unit": "%"}
    )
    with pytest.raises(GreenplanError, match="share a region"):
        to_iamc(dup)
    with pytest.raises(GreenplanError, match="neither an IAMC column nor a year"):
        from_iamc(pd.DataFrame(columns=[*IAMC_COLUMNS, "2020", "note"]))


def test_cli_compute_format_iamc(capsys, values) -> None:
    from greenplan._resources import data_dir

    rc = main(["compute", str(data_dir() / "examples"), "--format", "iamc"])
    out = capsys.readouterr().out
    assert rc == 0
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns[:5]) == IAMC_COLUMNS
    assert set(frame["scenario"]) == {gp.DATA_VERSION}
    assert len(from_iamc(frame)) == len(values)

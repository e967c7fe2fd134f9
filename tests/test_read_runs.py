"""Columns coded by runs of equal cells give what coding every cell gives.

The readers code a long text column that comes in runs (a table sorted by region, then
variable) run by run, and the (variable, unit) pairs from the runs of both columns. Each is
compared with ``pandas.factorize`` of every cell (the oracle: one hash per cell, no runs).
Every table here is SYNTHETIC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan.io.cells import Column, _pair_codes, code_column

N = 9000
"""Rows: above the length from which a text column in Arrow is coded by runs (2 × 4096)."""

TEXTS = ["济南市", "历下区", "gdp", "万吨", "", "population", "亿元"]


def _column(runs: list[tuple[int, int]]) -> pd.Series:
    """A text column (pandas' text dtype) of runs ``(text index or -1 for empty, length)``."""
    cells: list[str | None] = []
    for k, length in runs:
        cells.extend([None if k < 0 else TEXTS[k]] * length)
    cells = (cells * (N // max(len(cells), 1) + 1))[:N]
    return pd.Series(cells, dtype="str")


run_lists = st.lists(  # mostly texts: an empty cell is a run of its own
    st.tuples(st.integers(-1, len(TEXTS) - 1), st.integers(20, 3000)), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None)
@given(run_lists)
def test_column_by_runs_is_factorize(runs):
    series = _column(runs)
    column = code_column(series)
    # without empty cells, coded by runs (the case under test); an empty cell is a run of its
    # own, so many of them make the column coded cell by cell
    assert column.starts is not None or not series.notna().all()
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    np.testing.assert_array_equal(column.codes, codes)
    assert list(column.uniques) == list(uniques)
    assert [column.code(i) for i in (0, 1, N // 2, N - 1)] == [
        int(codes[i]) for i in (0, 1, N // 2, N - 1)
    ]
    np.testing.assert_array_equal(column.empty(), np.flatnonzero(codes < 0))


def test_column_cell_by_cell_when_not_in_runs():
    series = pd.Series([TEXTS[i % 5] for i in range(N)], dtype="str")  # a new run every row
    column = code_column(series)
    assert column.starts is None
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    np.testing.assert_array_equal(column.codes, codes)
    assert list(column.uniques) == list(uniques)
    assert column.empty().size == 0


def test_empty_cells_column():
    column = Column.empty_cells(5)
    np.testing.assert_array_equal(column.codes, [-1] * 5)
    np.testing.assert_array_equal(column.empty(), np.arange(5))
    assert Column.empty_cells(0).codes.size == 0


@settings(max_examples=40, deadline=None)
@given(run_lists, run_lists)
def test_pairs_by_runs_are_factorize_of_the_pairs(var_runs, unit_runs):
    variables, units = code_column(_column(var_runs)), code_column(_column(unit_runs))
    nv, nu = len(variables.uniques), len(units.uniques)
    pairs, upairs = _pair_codes(variables, units, nv, nu)
    pcodes = pairs.codes
    # the oracle: factorize of the (variable, unit) tuples of every row
    tuples = list(zip(variables.codes.tolist(), units.codes.tolist(), strict=True))
    codes, uniques = pd.factorize(pd.Series(tuples, dtype=object))
    np.testing.assert_array_equal(pcodes, codes)
    decoded = [divmod(int(p), nu + 1) for p in upairs]
    expected = [(v if v >= 0 else nv, u + 1) for v, u in uniques]
    assert decoded == expected
    # the same as the pairs of the codes of every row (no runs)
    flat = _pair_codes(
        Column(variables.uniques, variables.codes), Column(units.uniques, units.codes), nv, nu
    )
    np.testing.assert_array_equal(flat[0].codes, pcodes)
    np.testing.assert_array_equal(flat[1], upairs)


def test_table_read_from_a_csv_can_be_changed(tmp_path):
    # SYNTHETIC: the years of a CSV go into the checks without a copy; the table users get
    # is theirs to change (pandas gives the frame's columns read-only)
    path = tmp_path / "t.csv"
    path.write_text(
        "region,year,variable,value,unit\n济南市,2020,gdp,100,亿元\n济南市,2021,gdp,105,亿元\n",
        encoding="utf-8",
    )
    table = gp.read_statistics(path)
    table.loc[0, "year"] = 2019
    table["year"] += 1
    assert table["year"].tolist() == [2020, 2022]
    report = gp.validate(path, check_coverage=False)
    report.table.loc[1, "year"] = 2000
    assert report.table["year"].tolist() == [2020, 2000]


def test_table_read_from_a_dataframe_leaves_the_dataframe_alone():
    # SYNTHETIC: the years of a DataFrame go into the checks without a copy; changing the
    # table read changes not the DataFrame given
    data = pd.DataFrame(
        {
            "region": ["济南市", "济南市"],
            "year": np.array([2020, 2021], dtype=np.int64),
            "variable": ["gdp", "gdp"],
            "value": [100.0, 105.0],
            "unit": ["亿元", "亿元"],
        }
    )
    table = gp.read_statistics(data)
    assert not np.shares_memory(table["year"].to_numpy(), data["year"].to_numpy())
    table.loc[0, "year"] = 1999
    assert data["year"].tolist() == [2020, 2021]

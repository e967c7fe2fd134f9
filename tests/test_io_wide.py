"""Wide tables (one column per year, or per variable) read as their long form is read.

The oracle of each test is the long file of the same cells, written here cell by cell (one row
per non-empty cell of the wide table, in the wide table's order: row by row, and in a row
column by column): greenplan must accept the same observations and report the same findings,
each naming the wide table's row and the header of the cell's column where the long file's
names its own row and its ``数值`` column. Empty cells (blank, ``—``) of a wide table are no
observations, so the long file leaves them out. All figures are SYNTHETIC (made by the code
below), not statistics.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan.io.wide import stack

KEYS = ("地区", "指标", "单位")
"""Key columns of the years-as-columns table (region, variable, unit)."""


def _synthetic_rows() -> list[list[str]]:
    """Rows of a years-as-columns table (key cells, then one cell per year): synthetic.

    Smooth series (growth ≈ 3 % a year from a random base), each region × variable once.
    """
    rng = np.random.default_rng(14)
    rows = []
    for region in ("济南市", "历下区", "市中区", "槐荫区"):
        for variable, unit in (("gdp", "亿元"), ("energy_consumption", "万吨标准煤")):
            base = float(rng.uniform(100, 1000))
            cells = [f"{base * 1.03**k:.2f}" for k in range(6)]
            rows.append([region, variable, unit, *cells])
    return rows


YEARS = ["2018", "2019", "2020", "2021", "2022", "2023"]


def _is_empty(cell: str) -> bool:
    return cell.strip() in {"", "—", "-", "…"}


def _write_pair(
    tmp_path: Path, header: list[str], rows: list[list[str]], n_keys: int = 3
) -> tuple[Path, Path, dict[int, tuple[int, str]]]:
    """Write the wide CSV and its long form; map each long file row to (wide row, header)."""
    wide, long = tmp_path / "wide.csv", tmp_path / "long.csv"
    with wide.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    where: dict[int, tuple[int, str]] = {}
    with long.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*header[:n_keys], "年份", "数值"])
        for i, row in enumerate(rows):
            for year, cell in zip(header[n_keys:], row[n_keys:], strict=True):
                if _is_empty(cell):
                    continue
                out.writerow([*row[:n_keys], year.removesuffix("年"), cell])
                where[len(where) + 2] = (i + 2, year)  # rows as a user sees them: header = 1
    return wide, long, where


def _read(path: Any, **opts: Any) -> gp.ValidationReport:
    return gp.validate(path, check_coverage=False, check_reported=False, **opts)


def _same_reading(
    wide: gp.ValidationReport,
    long: gp.ValidationReport,
    where: dict[int, tuple[int, str]],
) -> None:
    """Assert that the wide table was read as its long form, rows and columns mapped."""
    assert wide.rows_read == long.rows_read
    assert wide.rows_accepted == long.rows_accepted
    cols = ["region", "year", "variable", "value", "unit", "source", "note"]
    w, g = wide.table.reset_index(drop=True), long.table.reset_index(drop=True)
    pd.testing.assert_frame_equal(w[cols], g[cols])
    assert w["row"].tolist() == [where[r][0] for r in g["row"]]

    def seen(f: gp.Finding, mapped: bool) -> tuple[Any, ...]:
        row, column = f.row, f.column
        if mapped and row in where:
            row, header = where[row]
            # the value cell is the year's column; a year cell is the year column's header,
            # which the wide table's findings name "year" (it has no year column)
            column = {"数值": header, "年份": "year"}.get(column, column)
        value = f.value  # the long file's year cell is a number (2018.0), the wide's a header
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = None if value is None else str(value)
        return (f.code, f.severity, row, column, f.region, f.year, f.variable, value, f.count)

    # the report lists findings by file and row; the cells of one wide row are several rows
    # of the long file, so within a row the order differs: compared as sorted lists
    ignored = {"column_ignored"}  # the wide table's own layout: not the cells' findings
    got = [seen(f, False) for f in wide.findings if f.code not in ignored]
    assert sorted(got, key=repr) == sorted(
        (seen(f, True) for f in long.findings if f.code not in ignored), key=repr
    )
    assert [f.row or 0 for f in wide.findings] == sorted(f.row or 0 for f in wide.findings)


def test_clean_wide_table_reads_as_its_long_form(tmp_path):
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], _synthetic_rows())
    w, g = _read(wide), _read(long)
    assert w.rows_accepted == 8 * 6
    _same_reading(w, g, where)
    assert not [f for f in w.findings if f.severity == "error"]


def test_blank_cells_are_no_observations(tmp_path):
    rows = _synthetic_rows()
    rows[0][3] = ""
    rows[2][5] = "—"
    rows[3][3:] = [""] * 6  # a row with no figure at all
    rows[5][8] = " "
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w, g = _read(wide), _read(long)
    assert w.rows_read == 8 * 6 - 3 - 6  # by hand: 48 cells, 9 of them empty
    _same_reading(w, g, where)
    assert not [f for f in w.findings if f.code == "missing_value"]


def test_an_empty_year_column_is_no_observation(tmp_path):
    rows = _synthetic_rows()
    for row in rows:
        row[4] = ""
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w, g = _read(wide), _read(long)
    assert w.rows_read == 8 * 5
    _same_reading(w, g, where)


def test_text_in_a_year_column(tmp_path):
    rows = _synthetic_rows()
    rows[1][4] = "abc"
    rows[4][6] = "12a"
    rows[6][7] = "1,234.5"  # a number with a thousands separator: accepted
    rows[7][8] = "１２３.４"  # full-width digits: accepted
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w, g = _read(wide), _read(long)
    bad = [f for f in w.findings if f.code == "non_numeric"]
    # by hand: the two texts, in their rows (wide row = index + 2) and year columns
    assert [(f.row, f.column, f.value) for f in bad] == [(3, "2019", "abc"), (6, "2021", "12a")]
    _same_reading(w, g, where)


def test_unknown_region_in_one_row(tmp_path):
    rows = _synthetic_rows()
    rows[2][0] = "济南新区"
    rows[2][4] = ""
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w, g = _read(wide), _read(long)
    unknown = [f for f in w.findings if f.code == "unknown_region"]
    # by hand: row 4 (the third data row), every year but 2019 (its empty cell)
    assert [(f.row, f.year) for f in unknown] == [(4, y) for y in (2018, 2020, 2021, 2022, 2023)]
    assert w.rows_accepted == 8 * 6 - 6
    _same_reading(w, g, where)


def test_year_column_outside_year_range(tmp_path):
    rows = _synthetic_rows()
    rows[0][3] = ""
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w, g = _read(wide, year_range=(2019, 2100)), _read(long, year_range=(2019, 2100))
    bad = [f for f in w.findings if f.code == "bad_year"]
    assert len(bad) == 7  # by hand: column 2018 has 8 cells, one of them empty
    assert {(f.column, f.value) for f in bad} == {("year", "2018")}
    _same_reading(w, g, where)


def test_several_failures_capped_findings_in_file_order(tmp_path):
    rows = _synthetic_rows()
    rows[0][5] = "x"
    rows[1][0] = "济南新区"
    rows[2][2] = "kg"  # wrong dimension for gdp
    rows[3][1] = "gdpp"
    rows[5][7] = "—"
    rows[6][3] = "y"
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    for opts in ({}, {"max_findings": 2}, {"year_range": (2020, 2100), "max_findings": 3}):
        _same_reading(_read(wide, **opts), _read(long, **opts), where)


def test_wide_dataframe_reads_as_its_long_form(tmp_path):
    rows = _synthetic_rows()
    rows[1][4] = "abc"
    rows[2][0] = "济南新区"
    rows[3][5] = ""
    wide, long, where = _write_pair(tmp_path, [*KEYS, *YEARS], rows)
    w = pd.read_csv(wide)
    w.columns = [int(c) if c.isdigit() else c for c in w.columns]  # years as numbers
    g = pd.read_csv(long)
    # DataFrame rows are positions + 1: the long frame's row r is the file's row r + 1
    by_position = {r - 1: (i - 1, year) for r, (i, year) in where.items()}
    _same_reading(_read(w), _read(g), by_position)


@pytest.mark.parametrize("layout", ["auto", "wide_years"])
def test_iamc_layout_model_and_scenario_ignored(tmp_path, layout):
    rows = [["m", "s", *row] for row in _synthetic_rows()]
    rows[0][6] = ""
    rows[3][8] = "abc"
    header = ["model", "scenario", *KEYS, *YEARS]
    wide, long, where = _write_pair(tmp_path, header, rows, n_keys=5)
    w = _read(wide, layout=layout)
    ignored = [(f.code, f.column) for f in w.findings if f.code == "column_ignored"]
    assert ignored == [("column_ignored", "model"), ("column_ignored", "scenario")]
    _same_reading(w, _read(long), where)


def test_repeated_year_columns_reject_the_table(tmp_path):
    rows = [[*row, row[5]] for row in _synthetic_rows()]  # 2020 written twice
    wide, _, _ = _write_pair(tmp_path, [*KEYS, *YEARS, "2020年"], rows)
    w = _read(wide)
    assert [(f.code, f.column, f.value, f.count) for f in w.findings] == [
        ("repeated_header", "2020年", "2020 | 2020年", 8)
    ]
    assert (w.rows_read, w.rows_accepted) == (8, 0)
    # the long form with its year column written twice is rejected the same way
    long = tmp_path / "long2.csv"
    g = pd.read_csv(tmp_path / "long.csv")
    g["year"] = g["年份"]
    g.to_csv(long, index=False)
    r = _read(long)
    assert [f.code for f in r.findings] == ["repeated_header"]
    assert r.rows_accepted == 0


def test_variables_as_columns_read_as_long_form(tmp_path):
    # layout "wide": one column per variable, the unit in the header; years in a column
    header = ["地区", "年份", "地区生产总值(亿元)", "能源消费总量(万吨标准煤)"]
    rows = [
        ["济南市", "2020", "10140.91", "3512.6"],
        ["历下区", "2020", "—", "abc"],
        ["济南新区", "2021", "1", ""],
        ["济南市", "2021", "11000", "3600"],
    ]
    wide = tmp_path / "wide.csv"
    with wide.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    long = tmp_path / "long.csv"
    where: dict[int, tuple[int, str]] = {}
    with long.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["地区", "年份", "指标", "数值", "单位"])
        for i, row in enumerate(rows):
            for h, (variable, unit) in zip(
                header[2:], [("gdp", "亿元"), ("energy_consumption", "万吨标准煤")], strict=True
            ):
                cell = row[header.index(h)]
                if not _is_empty(cell):
                    out.writerow([row[0], row[1], variable, cell, unit])
                    where[len(where) + 2] = (i + 2, h)
    w, g = _read(wide), _read(long)
    assert (w.rows_read, w.rows_accepted) == (6, 4)  # by hand: 8 cells, 2 empty; 2 rejected
    _same_reading(w, g, where)


def test_stack_orders_cells_by_row_when_rows_come_out_of_order():
    # a table whose rows are not in file order (no reader makes one): cells sorted by row,
    # and in a row by data column, as the stable sort by row of the column-by-column cells
    frame = pd.DataFrame(
        {"地区": ["a", "b", "c"], "指标": ["v", "v", "v"], "2020": [1.0, np.nan, 3.0]}
        | {"2021": [4.0, 5.0, 6.0]}
    )
    cols = {"region": ("地区", None), "variable": ("指标", None)}
    data = [("2020", 2020, None), ("2021", 2021, None)]
    got = stack(frame, np.array([7, 3, 5]), cols, "wide_years", data, (2000, 2100))
    assert got is not None
    assert got.rows.tolist() == [3, 5, 5, 7, 7]
    assert got.frame["value"].tolist() == [5.0, 3.0, 6.0, 1.0, 4.0]
    assert [got.value_column[i] for i in range(5)] == ["2021", "2020", "2021", "2020", "2021"]
    assert got.present == ["2020", "2021"]


_CELLS = st.sampled_from(["", "—", "abc", "1,234.5", "12.5", "0", "３.５", "-7"])
_REGIONS = st.sampled_from(["济南市", "历下区", "市中区", "济南新区", ""])
_KEYS = st.sampled_from(
    [
        ("gdp", "亿元"),
        ("gdp", "万元"),
        ("energy_consumption", "万吨标准煤"),
        ("gdpp", "亿元"),  # unknown variable
        ("gdp", "kg"),  # unit of the wrong dimension
        ("energy_consumption", ""),  # empty unit: the canonical one assumed
    ]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    years=st.lists(st.integers(2014, 2024), min_size=1, max_size=6, unique=True),
    rows=st.lists(st.tuples(_REGIONS, _KEYS, st.lists(_CELLS, min_size=6, max_size=6)), max_size=8),
    max_findings=st.sampled_from([1, 3, 50]),
)
def test_any_wide_frame_reads_as_its_long_form(years, rows, max_findings):
    # SYNTHETIC cells: numbers, texts, markers and blanks; known, unknown and empty regions;
    # unknown variables and units; years out of year_range (2014, 2015)
    header = [*KEYS, *map(str, years)]
    wide = [[r, v, u, *cells[: len(years)]] for r, (v, u), cells in rows]
    long, where = [], {}
    for i, row in enumerate(wide):
        for year, cell in zip(header[3:], row[3:], strict=True):
            if not _is_empty(cell):
                long.append([*row[:3], year, cell])
                where[len(long)] = (i + 1, year)  # DataFrame rows: position + 1
    w = pd.DataFrame(wide, columns=header, dtype=object)
    g = pd.DataFrame(long, columns=[*KEYS, "年份", "数值"], dtype=object)
    opts = {"year_range": (2016, 2100), "max_findings": max_findings}
    if not long:  # no observation: nothing read either way
        assert _read(w, **opts).rows_read == 0
        return
    _same_reading(_read(w, **opts), _read(g, **opts), where)

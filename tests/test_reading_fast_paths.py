"""The readers' fast paths give what the plain ways give.

* a text column in Arrow is coded by Arrow's ``dictionary_encode`` as ``pandas.factorize``
  codes it (the oracle);
* the true cells of an Arrow boolean column are found from its bitmaps as
  ``pyarrow.compute.indices_nonzero`` finds them (and a plain loop);
* each (variable, unit) pair's factor, state and percent flag are those of the unit table;
* a UTF-8 CSV without a byte-order mark is read as ``utf-8`` the first time: files that are
  not UTF-8 (in a cell, or in a line with too many fields) are reported as before.

Every table here is SYNTHETIC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan import units
from greenplan.checks import resolve_options
from greenplan.diagnostics import Code
from greenplan.io import read_and_check
from greenplan.io.assemble import _string_column
from greenplan.io.cells import (
    Column,
    Strings,
    _pair_info,
    _unit_strings,
    code_column,
    true_positions,
)
from greenplan.io.layout import _NOTE_CELLS, _full_columns, _missing_per_row
from greenplan.io.normalise import parse_numbers
from greenplan.variables import VARIABLES

TEXTS = ["济南市", "历下区", "gdp", "", "万吨", "ＧＤＰ", "a,b"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(TEXTS)), max_size=60))
def test_arrow_text_coded_as_pandas_factorize(cells):
    series = pd.Series(cells, dtype="str")
    column = code_column(series)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    np.testing.assert_array_equal(column.codes, codes)
    assert column.codes.dtype == np.int64
    assert list(column.uniques) == list(np.asarray(uniques, dtype=object))
    assert column.uniques.dtype == object


def test_arrow_text_of_several_chunks_coded_as_pandas_factorize():
    chunks = pa.chunked_array([["gdp", None, "万吨"], [], ["万吨", "gdp", "population"]])
    series = pd.Series(pd.arrays.ArrowStringArray(chunks))
    column = code_column(series)
    assert column.codes.tolist() == [0, -1, 1, 1, 0, 2]
    assert list(column.uniques) == ["gdp", "万吨", "population"]


def test_column_not_in_arrow_is_coded_by_pandas():
    series = pd.Series(["gdp", None, 3, "gdp"], dtype=object)
    column = code_column(series)
    assert column.codes.tolist() == [0, -1, 1, 0]
    assert list(column.uniques) == ["gdp", 3]


def _flags(bits: list[bool], cut: int, offset: int) -> pa.ChunkedArray:
    """``bits`` as a boolean column of two chunks (cut at ``cut``), each sliced at ``offset``."""
    pad = [False] * offset
    first = pa.array(pad + bits[:cut], type=pa.bool_()).slice(offset)
    second = pa.array(pad + bits[cut:], type=pa.bool_()).slice(offset)
    return pa.chunked_array([first, second], type=pa.bool_())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.booleans(), max_size=300),
    st.integers(0, 300),
    st.integers(0, 13),
)
def test_true_positions_are_indices_nonzero(bits, cut, offset):
    flags = _flags(bits, min(cut, len(bits)), offset)
    got = true_positions(flags)
    assert got.dtype == np.int64
    assert got.tolist() == [i for i, b in enumerate(bits) if b]  # a plain loop
    expected = pc.indices_nonzero(flags).to_numpy(zero_copy_only=False)
    np.testing.assert_array_equal(got, expected)


def test_true_positions_with_nulls_count_them_false():
    flags = pa.chunked_array([pa.array([True, None, False, True])])
    assert true_positions(flags).tolist() == [0, 3]


def test_pair_info_is_the_unit_table():
    # 万吨标准煤 is the canonical unit of energy_consumption; tce converts by 1e-4
    info = _pair_info("energy_consumption", "tce")
    assert info.state == 0
    assert info.factor == pytest.approx(1e-4)  # 1 t = 10⁻⁴ 万 t (by hand)
    assert info.factor == units.factor("tce", VARIABLES["energy_consumption"].unit)
    assert info.target == VARIABLES["energy_consumption"].unit
    assert not info.percent
    assert _pair_info("energy_consumption", None) == (1.0, 0, "", info.target, False)
    assert _pair_info(None, "tce") == (1.0, 0, "", None, False)


def test_pair_info_of_bad_units():
    unknown = _pair_info("energy_consumption", "no-such-unit")
    assert unknown.state == 1 and unknown.factor == 1.0
    assert unknown.message.key == "io.unknown_unit"
    wrong = _pair_info("energy_consumption", "km")
    assert wrong.state == 2 and wrong.message.key == "io.wrong_dimension"


def test_pair_info_percent_as_written_else_canonical():
    share = next(c for c, v in VARIABLES.items() if v.unit == "%")
    assert _pair_info(share, None).percent
    assert _pair_info(share, "%").percent
    assert not _pair_info(share, "1").percent


H = "region,year,variable,value,unit\n"
ROWS = "济南市,2020,gdp,100,亿元\n济南市,2021,gdp,105,亿元\n"


def _codes(path) -> list[tuple[str, int | None]]:
    report = gp.validate(path, check_coverage=False, check_reported=False)
    return [(f.code, f.row) for f in report.findings]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((H + ROWS).encode(), []),
        (b"\xef\xbb\xbf" + (H + ROWS).encode(), []),
        ((H + ROWS).encode("gbk"), []),
        (
            (H + ROWS).encode() + "济南市,2022,gdp,110,亿元\n".encode("gbk"),
            [("unreadable_file", 4)],
        ),
        # the GBK line has too many fields: it is skipped, but the file is still not UTF-8
        (
            (H + ROWS).encode()
            + "济南市,2022,gdp,110,亿元,x,y\n".encode("gbk")
            + "济南市,2023,gdp,110,亿元\n".encode(),
            [("unreadable_file", 4)],
        ),
        ((H + ROWS).encode() + b"\xff\n", [("unreadable_file", 4)]),
        ((H + ROWS + "济南市,2022,gdp,110,亿元,x,y\n").encode(), [("malformed_row", 4)]),
    ],
)
def test_utf8_without_bom_reads_as_before(tmp_path, data, expected):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    assert _codes(path) == expected
    if not expected:
        table = gp.read_statistics(path)
        assert table["region"].tolist() == ["济南市", "济南市"]
        assert table["value"].tolist() == [100.0, 105.0]


def test_csv_columns_kept_when_unchanged(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("region,year,variable,value,unit,\n济南市,2020,gdp,1,亿元,\n", "utf-8")
    report = gp.validate(path, check_coverage=False, check_reported=False)
    assert Code.COLUMN_IGNORED not in [f.code for f in report.findings]
    assert report.table["value"].tolist() == [1.0]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["int", "text", "float", "object"]),
            st.lists(st.booleans(), min_size=6, max_size=6),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_full_columns_leave_no_blank_row_or_note(spec):
    # the columns counted full have no empty cell; with more than a note fills, no row is
    # blank or a note candidate (the property to_long relies on to skip counting them)
    data = {}
    for k, (kind, empty) in enumerate(spec):
        if kind == "int":
            data[f"c{k}"] = pd.Series(np.arange(6), dtype=np.int64)
        elif kind == "text":
            data[f"c{k}"] = pd.Series([None if e else "济南" for e in empty], dtype="str")
        elif kind == "float":
            data[f"c{k}"] = pd.Series([np.nan if e else 1.5 for e in empty])
        else:
            data[f"c{k}"] = pd.Series([None if e else "x" for e in empty], dtype=object)
    frame = pd.DataFrame(data)
    full = _full_columns(frame, len(spec) + 1)
    assert full <= int((~frame.isna().any()).sum())
    if _full_columns(frame, _NOTE_CELLS + 1) > _NOTE_CELLS:
        n_filled = frame.notna().sum(axis=1).to_numpy()
        assert (n_filled > _NOTE_CELLS).all()
    np.testing.assert_array_equal(_missing_per_row(frame), frame.isna().sum(axis=1).to_numpy())


def test_parse_numbers_of_a_numeric_column_with_an_index():
    # SYNTHETIC: a float column whose index is not 0..n-1; values, missing and bad as read
    values = pd.Series([1.5, np.nan, np.inf, -2.0], index=[10, 3, 7, 1])
    v, missing, bad = parse_numbers(values)
    np.testing.assert_array_equal(v, [1.5, np.nan, np.nan, -2.0])
    assert missing.tolist() == [False, True, False, False]
    assert bad.tolist() == [False, False, True, False]
    assert v.flags.writeable
    assert values.tolist()[2] == np.inf  # the column is left alone


CODES = st.sampled_from([None, "gdp", "population_resident", "energy_consumption"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(CODES, min_size=1),
    st.lists(st.integers(1, 40), min_size=1, max_size=30),
    st.booleans(),
)
def test_unit_strings_are_the_assembled_units(v_res, runs, whole):
    # the oracle: the units of the variables, one per variable code, assembled as before
    # (_string_column of the per-variable unit list)
    heads = np.array([k % len(v_res) for k in range(len(runs))], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(runs)[:-1]]).astype(np.int64)
    n = int(sum(runs))
    vcol = Column(np.array(v_res, dtype=object), starts=starts, heads=heads, n=n)
    vc_out = vcol.codes if whole else vcol.codes[::2]
    got = _unit_strings(vcol, v_res, vc_out, whole=whole)
    old = Strings(vc_out, [VARIABLES[c].unit if c else "" for c in v_res])
    codes, uniques = _string_column([got])
    old_codes, old_uniques = _string_column([old])
    assert uniques == old_uniques
    np.testing.assert_array_equal(codes, old_codes)
    assert codes.dtype == old_codes.dtype


def test_constant_text_columns_are_read_only_zeros(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(H + ROWS, encoding="utf-8")
    result, _, checked = read_and_check((path,), resolve_options({}))
    assert result.canonical is not None
    for name in ("file", "sheet", "source", "note"):
        codes, uniques = result.canonical.texts[name]
        assert codes.tolist() == [0, 0] and len(uniques) == 1
        assert not codes.flags.writeable
    table = checked.table
    assert table["file"].tolist() == [str(path)] * 2
    assert table["source"].tolist() == ["", ""]
    assert Strings.constant("x", 3).codes.tolist() == [0, 0, 0]


@pytest.mark.parametrize("cell", ["gdp", " ＧＤＰ ", "地区生产总值", "no such variable", ""])
def test_variable_name_is_resolution_of_the_text(cell):
    # the cached resolution is that of the NFKC text; cells that are not str are not cached
    from greenplan.io.cells import _variable_name, _variable_of
    from greenplan.io.normalise import nfkc
    from greenplan.variables import resolve_variable

    text = nfkc(cell)
    assert _variable_name(cell) == (text, resolve_variable(text)) == _variable_of(cell)
    assert _variable_of(2020) == ("2020", resolve_variable("2020"))


def test_zero_codes():
    from greenplan.io.cells import zero_codes

    codes = zero_codes(4)
    assert codes.dtype == np.int32 and codes.tolist() == [0, 0, 0, 0]
    assert not codes.flags.writeable
    assert codes[np.array([True, False, True, True])].tolist() == [0, 0, 0]
    assert zero_codes(0).size == 0


def test_repeated_csv_header_kept_as_written(tmp_path):
    # SYNTHETIC: pandas renames a repeated header "value" to "value.1"; the finding names both
    path = tmp_path / "t.csv"
    path.write_text("region,year,variable,value,value,unit\n济南市,2020,gdp,1,2,亿元\n", "utf-8")
    report = gp.validate(path, check_coverage=False, check_reported=False)
    assert [(f.code, f.column, f.value) for f in report.findings] == [
        ("repeated_header", "value", "value | value")
    ]


def test_numbers_of_a_numeric_column_without_copy_only_in_the_readers(tmp_path):
    # SYNTHETIC: parse_numbers gives its own writable array; the readers' parse_cells may give
    # the column's array (read-only); the table users get is theirs to change
    from greenplan.io.normalise import parse_cells

    column = pd.Series([1.5, 2.0, 3.25])
    v, _, _ = parse_numbers(column)
    assert v.flags.writeable and not np.shares_memory(v, column.to_numpy())
    v2, missing, bad = parse_cells(column, ".", copy=False)
    assert v2.tolist() == [1.5, 2.0, 3.25] and not missing.any() and not bad.any()
    assert not v2.flags.writeable  # the column's own memory: never written into
    with_inf = pd.Series([1.0, np.inf])
    v3, _, bad3 = parse_cells(with_inf, ".", copy=False)
    assert v3.flags.writeable and np.isnan(v3[1]) and bad3.tolist() == [False, True]
    assert with_inf.tolist() == [1.0, np.inf]
    data = pd.DataFrame(
        {
            "region": ["济南市"],
            "year": [2020],
            "variable": ["gdp"],
            "value": [5.0],
            "unit": ["亿元"],
        }
    )
    table = gp.read_statistics(data)
    table.loc[0, "value"] = 6.0
    assert data["value"].tolist() == [5.0]


def _long_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["济南市", "济南市"],
            "year": [2020, 2021],
            "variable": ["gdp", "gdp"],
            "value": [5.0, 6.0],
            "unit": ["亿元", "亿元"],
        }
    )


_CALLER_FRAMES = {
    "long": _long_frame,
    "long with provenance": lambda: _long_frame().assign(
        file=["a.csv", "a.csv"], sheet=["", ""], row=[2, 3]
    ),
    "years as columns": lambda: pd.DataFrame(
        {"region": ["济南市"], "variable": ["gdp"], "unit": ["亿元"], "2020": [5.0], "2021": [6.0]}
    ),
    "variables as columns": lambda: pd.DataFrame(
        {"region": ["济南市", "济南市"], "year": [2020, 2021], "gdp": [5.0, 6.0]}
    ),
}


@pytest.mark.parametrize("layout", list(_CALLER_FRAMES))
def test_report_table_does_not_change_with_the_callers_frame(layout):
    # SYNTHETIC: the report's table is made when first read, from arrays kept at the call; a
    # caller who changes their DataFrame afterwards (in place) must not change the report
    frame = _CALLER_FRAMES[layout]()
    report = gp.validate(frame, check_coverage=False, check_reported=False)
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column].dtype):
            frame.loc[0, column] = 1
    table = report.table
    assert table is not None
    assert table["year"].tolist() == [2020, 2021]
    assert table["value"].tolist() == [5.0, 6.0]

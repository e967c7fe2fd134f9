"""The fast paths of validate give what the plain paths give.

Findings built without pydantic's validation, the canonical table made from codes when first
asked for, text columns coded by runs, the coverage summary on stretches of entries, the
year-on-year key in 32 bits and the published rates' levels found by codes: each is compared
with the slower path it replaces, or with values worked out by hand (in comments). Every table
here is SYNTHETIC.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

import greenplan as gp
from greenplan import engine
from greenplan.checks import Canonical, Table
from greenplan.consistency import disagreeing_rates, rate_disagreements
from greenplan.diagnostics import Code, Collector, Finding
from greenplan.indicators.registry import Inputs
from greenplan.indicators.registry import resolve_options as resolve_compute_options
from greenplan.io import read_and_check
from greenplan.io.cells import _factorize_keys, factorize, union_sorted
from greenplan.io.layout import _missing_per_row
from greenplan.messages import msg
from greenplan.regions import CITY, districts
from greenplan.schema import CANONICAL_COLUMNS, OBSERVATION_COLUMNS, is_canonical, mark_canonical
from greenplan.validation import (
    _check_coverage,
    _not_computable,
    _SharedInputs,
    _years_text,
    resolve_options,
)
from greenplan.validation.shared import inputs_of_table, rate_levels
from greenplan.variables import VARIABLES

EXAMPLES = "data/examples"


# --- findings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        {"file": "a.csv", "row": 3, "column": "数值", "value": 5, "expected": 2.5},
        {"region": CITY, "year": np.int64(2020), "variable": "gdp", "value": np.float64(1.5)},
        {"value": "1,2", "expected": msg("io.expected_number"), "count": 7},
        {"value": 2**60, "sheet": "表1"},  # beyond a float's exact integers: validated
        {"value": True},  # a bool: validated (pydantic makes it 1.0)
        {"value": np.str_("x"), "region": np.str_(CITY)},
        {"value": float("nan"), "column": float("nan")},
        {"count": np.int64(4)},  # a NumPy count: validated
    ],
)
def test_collected_finding_equals_a_validated_one(where):
    message = msg("io.unknown_region", region="'x'", hint="")
    c = Collector()
    c.add(Code.UNKNOWN_REGION, message, **where)
    [got] = c.findings
    # what Collector.add did before: normalise, then let pydantic validate every field
    fields = {k: v for k, v in where.items() if v is not None}
    for key in ("region", "variable", "column", "file", "sheet"):
        if key in fields:
            v = fields[key]
            fields[key] = "" if isinstance(v, float) and np.isnan(v) else str(v)
    for key in ("year", "row"):
        if key in fields:
            fields[key] = int(fields[key])
    expected = fields.get("expected")
    for key in ("value", "expected"):
        v = fields.get(key)
        if isinstance(v, np.generic):
            fields[key] = v.item()
        elif hasattr(v, "key"):  # a catalogue message: its English text
            fields[key] = v.text("en")
    want = Finding(code="unknown_region", severity="error", message=message.text("en"), **fields)
    want._source = message
    want._expected = expected if hasattr(expected, "key") else None
    assert repr(got.model_dump()) == repr(want.model_dump())  # (NaN ≠ NaN: compare texts)
    assert repr(got) == repr(want)
    assert got.model_fields_set == want.model_fields_set
    assert got.model_dump_json() == want.model_dump_json()
    for lang in ("zh", "en"):
        assert got.text(lang) == message.text(lang)
        assert got.translated(lang).message == message.text(lang)
    assert repr(pickle.loads(pickle.dumps(got)).model_dump()) == repr(got.model_dump())


def test_collector_still_rejects_what_is_not_a_field():
    with pytest.raises(pydantic.ValidationError):
        Collector().add(Code.UNKNOWN_REGION, msg("io.expected_number"), colour="red")


def test_findings_render_the_same_in_both_languages_as_a_fresh_report():
    report = gp.validate("tests/data/bad/yoy_jump.csv")
    zh = report.translated("zh")
    for f, g in zip(report.findings, zh.findings, strict=True):
        assert g.message == f.text("zh") and f.message == g.text("en")
    assert [f.message for f in zh.translated("en").findings] == [f.message for f in report.findings]


# --- the canonical table, made when asked for ----------------------------------------------


def _canonical_of(frame: pd.DataFrame) -> Canonical:
    texts = {}
    for name in CANONICAL_COLUMNS:
        if name not in ("year", "value", "row"):
            codes, uniques = pd.factorize(frame[name])
            texts[name] = (np.asarray(codes, dtype=np.int32), [str(u) for u in uniques])
    numbers = {c: frame[c].to_numpy() for c in ("year", "value", "row")}
    return Canonical(numbers, texts)


def test_table_of_codes_is_the_dataframe_table():
    full = gp.validate(EXAMPLES, check_coverage=False).table
    coded = _canonical_of(full)
    pd.testing.assert_frame_equal(coded.frame(), full, check_exact=True)
    keep = np.arange(len(full)) % 3 != 1
    by_codes = Table(coded).subset(keep)
    by_frame = Table(full).subset(keep)  # the DataFrame path: .loc, as before
    assert by_codes._table is None  # nothing made yet
    pd.testing.assert_frame_equal(by_codes.table, by_frame.table, check_exact=True)
    for name in Table.TEXT:
        c1, u1 = by_codes.codes[name]
        c2, u2 = by_frame.codes[name]
        assert [u1[i] for i in c1] == [u2[i] for i in c2]


def test_report_table_is_made_once_marked_and_shared_with_translations():
    report = gp.validate(EXAMPLES, check_coverage=False, lang="zh")
    first = report.table
    assert report.table is first and report.translated("en").table is first
    assert is_canonical(first)
    assert report.rows_accepted == len(first)
    assert list(first.columns) == CANONICAL_COLUMNS
    assert [str(d) for d in first.dtypes] == [
        "str", "int64", "str", "float64", "str", "str", "str", "str", "str", "int64"
    ]  # fmt: skip
    other = gp.validate(EXAMPLES, check_coverage=False)
    other.table = None
    assert other.table is None


def test_rejected_rows_leave_the_table_made_from_codes():
    # SYNTHETIC: one negative value (rejected) among three rows
    data = pd.DataFrame(
        {
            "region": [CITY, CITY, CITY],
            "year": [2019, 2020, 2021],
            "variable": "gdp",
            "value": [10.0, -1.0, 11.0],
            "unit": VARIABLES["gdp"].unit,
        }
    )
    report = gp.validate(data, check_coverage=False)
    assert report.table["year"].tolist() == [2019, 2021]
    assert report.table["row"].tolist() == [1, 3]
    assert report.table.index.tolist() == [0, 1]


# --- text columns coded by runs -------------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.sampled_from(["济南市", "历下区", "", None, "gdp"]), st.integers(1, 3000)),
        min_size=1,
        max_size=12,
    )
)
def test_runs_code_a_column_as_factorize_does(runs):
    cells = [text for text, n in runs for _ in range(n)]
    column = pd.Series(cells, dtype="str")
    codes, uniques = factorize(column)
    want_codes, want_uniques = pd.factorize(column, use_na_sentinel=True)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5000)), min_size=1, max_size=10))
def test_runs_code_integer_keys_as_factorize_does(runs):
    keys = np.array([k for k, n in runs for _ in range(n)], dtype=np.int64)
    codes, uniques = _factorize_keys(keys)
    want_codes, want_uniques = pd.factorize(keys)
    assert np.asarray(codes).tolist() == want_codes.tolist()
    assert np.asarray(uniques).tolist() == want_uniques.tolist()


@given(st.sets(st.integers(0, 60)), st.sets(st.integers(0, 60)), st.booleans())
def test_union_of_run_starts_is_union1d(a, b, subset):
    # oracle: Python's set union, sorted; ``subset`` makes b part of a (the usual case)
    if subset:
        b = {x for x in b if x in a}
    left, right = np.array(sorted(a), dtype=np.int64), np.array(sorted(b), dtype=np.int64)
    got = union_sorted(left, right)
    assert got.tolist() == sorted(a | b)
    assert got.dtype == np.int64
    assert got is not left and got is not right  # a new array, as numpy.union1d gives


# --- coverage summary -----------------------------------------------------------------------


def _inputs_on_rows(regions: list[str], years: list[int]) -> Inputs:
    """Engine inputs on rows of these (region, year), in this order (no column: the summary
    reads only the rows)."""
    index = pd.MultiIndex.from_arrays([regions, years], names=["region", "year"])
    return Inputs(pd.DataFrame(index=index), resolve_compute_options({}))


def test_coverage_summary_does_not_depend_on_the_order_of_the_rows():
    # SYNTHETIC coverage entries: 2 indicators × rows of 2 regions; rows by region and year
    rows = _inputs_on_rows(["A"] * 4 + ["B"] * 3, [2015, 2016, 2018, 2019, 2016, 2017, 2020])
    cov = engine.CoverageCodes(
        ["x", "y"],
        np.array([0, 0, 0, 0, 0, 1, 1, 1]),
        np.array([0, 1, 3, 4, 6, 2, 5, 6]),
        np.array([0, 1, 0, 0, 1, 2, 2, 2]),
        ["a", "b;a", ""],
    )
    # the same rows in another order, and the entries on them (by indicator, then row)
    perm = np.array([6, 2, 0, 5, 3, 1, 4])  # new row k is old row perm[k]
    new_of = np.argsort(perm)
    shuffled = _inputs_on_rows(
        [str(rows.regions[i]) for i in perm], [int(rows.years[i]) for i in perm]
    )
    columns = (cov.indicator.tolist(), new_of[cov.row].tolist(), cov.missing.tolist())
    entries = sorted(zip(*columns, strict=True))
    cov2 = engine.CoverageCodes(
        cov.indicators, *(np.array(c) for c in zip(*entries, strict=True)), cov.patterns
    )
    found = []
    for x, c in ((rows, cov), (shuffled, cov2)):
        collector = Collector(10**6)
        _not_computable(x, c, [0, 1], ["x", "y"], collector)
        found.append(
            sorted((f.variable, f.region, f.message, f.count, f.year) for f in collector.findings)
        )
    assert found[0] == found[1]
    # by hand: x has rows 0, 1, 3 (A 2015, 2016, 2019) and 4, 6 (B 2016, 2020), patterns
    # "a" and "b;a" → missing a, b; y has row 2 (A 2018) and rows 5, 6 (B 2017, 2020), "":
    # its inputs. One year: the finding's year; more: none
    assert [(v, r, n, y) for v, r, _, n, y in found[0]] == [
        ("x", "A", 3, None),
        ("x", "B", 2, None),
        ("y", "A", 1, 2018),
        ("y", "B", 2, None),
    ]
    messages = {(v, r): m for v, r, m, _, _ in found[0]}
    assert "for A in 2015–2016, 2019: missing a, b." in messages[("x", "A")]
    assert "for B in 2016, 2020: missing a, b." in messages[("x", "B")]
    assert "for B in 2017, 2020: missing its inputs." in messages[("y", "B")]


def test_coverage_years_as_spans():
    # SYNTHETIC: gdp of a district in 2015–2017, 2019 and 2021–2022 only, nothing else: what
    # cannot be computed there lacks a value in those six years, in three spans
    years = [2015, 2016, 2017, 2019, 2021, 2022]
    region = districts()[0]
    data = pd.DataFrame(
        {
            "region": region,
            "year": years,
            "variable": "gdp",
            "value": np.arange(1.0, 7.0),
            "unit": VARIABLES["gdp"].unit,
        }
    )
    c = Collector(10**6)
    t = Table(gp.validate(data, check_coverage=False).table)
    _check_coverage(t, c, _SharedInputs(t))
    spans = [f for f in c.findings if f.region == region and f.count == 6]
    assert spans
    for f in spans:
        assert f.year is None
        assert f"for {region} in {_years_text(np.array(years))}:" in f.message
        assert " in 2015–2017, 2019, 2021–2022: " in f.message


# --- year-on-year ---------------------------------------------------------------------------


def test_year_on_year_with_a_key_beyond_32_bits():
    # SYNTHETIC: years 5, 6 and 999,999,999 (year_range 0 … 10⁹): the series key does not fit
    # 32 bits. Only 5 → 6 are consecutive: 10 → 100 is +900 % (> 50 %); 100 → 1 is not a
    # year-on-year change (993 years apart)
    data = pd.DataFrame(
        {
            "region": [CITY] * 3 + [districts()[0]] * 3,
            "year": [5, 6, 999_999_999] * 2,
            "variable": "gdp",
            "value": [10.0, 100.0, 1.0, 10.0, 10.5, 1.0],
            "unit": VARIABLES["gdp"].unit,
        }
    )
    report = gp.validate(data, year_range=(0, 10**9), check_coverage=False)
    jumps = [(f.region, f.year) for f in report.findings if f.code == "yoy_jump"]
    assert jumps == [(CITY, 6)]
    shuffled = gp.validate(
        data.iloc[[4, 2, 0, 5, 1, 3]], year_range=(0, 10**9), check_coverage=False
    )
    assert [(f.region, f.year) for f in shuffled.findings if f.code == "yoy_jump"] == jumps


@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=50), st.booleans())
def test_year_codes_index_the_distinct_years(years, near):
    from greenplan._numeric import int_codes

    year = np.array(years, dtype=np.int64)
    if near:  # a short range: coded by marking, not hashing
        year = 2000 + year % 30
    codes, distinct = int_codes(year)
    assert distinct[codes].tolist() == year.tolist()
    assert sorted(set(distinct.tolist())) == sorted(set(year.tolist()))
    assert len(distinct) == len(set(year.tolist()))


@given(st.lists(st.integers(0, 61), min_size=1, max_size=40), st.data())
def test_patterns_of_stretches_are_their_distinct_codes(codes, data):
    from greenplan.validation import _pattern_codes, _pattern_keys

    def _patterns_of(mc, lo, hi, n_patterns):  # the codes of each stretch's key
        return [_pattern_codes(k) for k in _pattern_keys(mc, lo, hi, n_patterns)]

    mc = np.array(codes, dtype=np.int64)
    cuts = sorted({0, len(codes), *data.draw(st.lists(st.integers(0, len(codes)), max_size=5))})
    lo, hi = np.array(cuts[:-1]), np.array(cuts[1:])
    drop_first = data.draw(st.booleans()) and lo.size > 1  # stretches need not start at 0
    lo, hi = (lo[1:], hi[1:]) if drop_first else (lo, hi)
    want = [tuple(sorted(set(codes[a:b]))) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
    assert _patterns_of(mc, lo, hi, 62) == want
    assert _patterns_of(mc, lo, hi, 100) == want  # more patterns than bits: np.unique


def test_duplicates_in_rows_that_come_by_series():
    # SYNTHETIC: gdp of the city 2019–2021 in series order, 2020 given twice (same value) and
    # resident population 2020 twice (10 and 11): one identical copy, one conflict (both rows named)
    data = pd.DataFrame(
        {
            "region": CITY,
            "year": [2019, 2020, 2020, 2021, 2020, 2020],
            "variable": ["gdp"] * 4 + ["population_resident"] * 2,
            "value": [10.0, 10.5, 10.5, 11.0, 10.0, 11.0],
        }
    )
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    report = gp.validate(data, check_coverage=False)
    found = sorted((f.code, f.row) for f in report.findings if f.code.startswith("duplicate"))
    assert found == [
        ("duplicate_conflict", 5),
        ("duplicate_conflict", 6),
        ("duplicate_identical", 3),
    ]


def test_a_report_pickles_with_its_table():
    report = gp.validate(EXAMPLES, check_coverage=False)
    copy = pickle.loads(pickle.dumps(report))
    pd.testing.assert_frame_equal(copy.table, report.table, check_exact=True)
    assert [f.model_dump_json() for f in copy.findings] == [
        f.model_dump_json() for f in report.findings
    ]
    assert copy.translated("zh").to_json() == report.to_json(lang="zh")


# --- published rates vs levels ----------------------------------------------------------------


def _rates_table(seed: int) -> pd.DataFrame:
    """SYNTHETIC levels (water use, GDP at 2020 prices) and rates of the city and two districts."""
    rng = np.random.default_rng(seed)
    regions = [CITY, *districts()[:2]]
    years = list(range(2017, 2024))
    rows = []
    for r in regions:
        for y in years:
            rows.append((r, y, "gdp_constant_2020", float(rng.uniform(100, 200))))
            # a zero level in one year (its rates cannot be compared) and a gap in another
            if not (r == regions[1] and y == 2019):
                water = 0.0 if (r == regions[2] and y == 2020) else float(rng.uniform(5, 10))
                rows.append((r, y, "water_use", water))
            for rate in ("water_use_per_gdp_annual_change", "water_use_per_gdp_change"):
                rows.append((r, y, rate, float(np.round(rng.uniform(-20, 20), 1))))
            # a rate whose level cannot be computed here (no energy data)
            rows.append((r, y, "energy_intensity_change", -3.0))
    data = pd.DataFrame(rows, columns=["region", "year", "variable", "value"])
    data["unit"] = [VARIABLES[v].unit for v in data["variable"]]
    return data.sample(frac=1.0, random_state=seed)  # rows in no particular order


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("base_year", [2020, 2017, 2010])
def test_rate_levels_by_codes_are_the_text_comparison(seed, base_year):
    _, _, checked = read_and_check([_rates_table(seed)], resolve_options({}))
    t = checked.unique
    x = inputs_of_table(t)
    is_rate = np.array([str(v).endswith("_change") for v in t.variables], dtype=bool)
    keep = np.flatnonzero(is_rate[t.vc])
    now, ref, ref_year = rate_levels(x, t, keep, base_year)
    # the plain path: the rate rows as texts, and the levels as compute gives them
    stats = pd.DataFrame(
        {
            "region": [t.regions[k] for k in t.rc[keep]],
            "year": t.year[keep],
            "variable": [t.variables[k] for k in t.vc[keep]],
            "value": t.value[keep],
        }
    )
    # the levels as greenplan.compute gives them for the same accepted rows
    computed = gp.compute(mark_canonical(t.table.loc[:, list(OBSERVATION_COLUMNS)]))
    levels = computed.loc[:, ["region", "year", "indicator", "value"]]
    level = {(r, int(y), i): v for r, y, i, v in levels.itertuples(index=False)}

    def of(name):
        return name.removesuffix("_annual_change").removesuffix("_change")

    want_ref = [
        y - 1 if v.endswith("_annual_change") else base_year
        for v, y in zip(stats["variable"], stats["year"], strict=True)
    ]
    assert ref_year.tolist() == want_ref
    for got, years in ((now, stats["year"]), (ref, want_ref)):
        want = [
            level.get((r, int(y), of(v)), np.nan)
            for r, y, v in zip(stats["region"], years, stats["variable"], strict=True)
        ]
        np.testing.assert_array_equal(got, np.array(want, dtype=float))
    assert np.isfinite(now).any() and np.isnan(now).any()
    # the disagreeing rates: the same rows and values as rate_disagreements
    bad, derived = disagreeing_rates(t.value[keep], now, ref, t.year[keep], ref_year)
    expected = rate_disagreements(stats, levels, base_year=base_year)
    got = pd.DataFrame(
        {
            "region": stats["region"].to_numpy(dtype=object)[bad],
            "year": t.year[keep][bad],
            "variable": stats["variable"].to_numpy(dtype=object)[bad],
            "reported": t.value[keep][bad],
            "from_levels": derived[bad],
        }
    )
    if base_year == 2010:  # no level in the base year: only the annual rates compare
        assert set(expected["variable"]) == {"water_use_per_gdp_annual_change"}
    assert len(expected) > 0
    pd.testing.assert_frame_equal(
        got,
        expected[list(got.columns)],
        check_dtype=False,
        check_exact=True,
    )


def test_disagreeing_rates_by_hand():
    # SYNTHETIC: levels 50 → 46 (−8 %), 50 → 48 (−4 %), 0 → 5 (no rate from a zero level),
    # NaN → 5 (no level), 50 → 46 reported in a year not after its reference (not compared)
    reported = np.array([-10.0, -4.04, 3.0, 3.0, 1.0, np.nan])
    now = np.array([46.0, 48.0, 5.0, 5.0, 46.0, 46.0])
    ref = np.array([50.0, 50.0, 0.0, np.nan, 50.0, 50.0])
    year = np.array([2023, 2023, 2023, 2023, 2020, 2023])
    ref_year = np.array([2020, 2022, 2020, 2020, 2020, 2020])
    at, derived = disagreeing_rates(reported, now, ref, year, ref_year)
    # |−8 + 10| = 2 > 0.05: flagged; |−4 + 4.04| = 0.04 ≤ 0.05: rounding; the rest not compared
    assert at.tolist() == [0]
    assert derived[:2].round(9).tolist() == [-8.0, -4.0]
    # two decimals: the tolerance is 0.005, and 0.04 is beyond it
    assert disagreeing_rates(reported, now, ref, year, ref_year, decimals=2)[0].tolist() == [0, 1]


# --- blank rows, counted column by column ------------------------------------------------------


@pytest.mark.parametrize("n_cols", [0, 3, 300])  # 300: beyond a one-byte count
def test_missing_per_row_is_the_frames_isna_sum(n_cols):
    # SYNTHETIC cells of several kinds: text (Arrow and object), numbers, nullable integers,
    # dates; empty cells as NaN, None, pd.NA and NaT
    rng = np.random.default_rng(n_cols)
    n = 50
    kinds = [
        lambda: pd.Series(rng.choice(["a", None, "b"], n), dtype="str"),
        lambda: pd.Series(rng.choice(np.array(["x", None, 1.5], dtype=object), n), dtype=object),
        lambda: pd.Series(np.where(rng.random(n) < 0.3, np.nan, rng.random(n))),
        lambda: pd.Series(pd.array(np.where(rng.random(n) < 0.3, None, 7), dtype="Int64")),
        lambda: pd.Series(pd.to_datetime(np.where(rng.random(n) < 0.3, None, "2020-01-01"))),
        lambda: pd.Series(rng.integers(0, 5, n)),
        # Arrow numbers (as the CSV reader gives them): empty cells are nulls
        lambda: pd.Series(pd.array(np.where(rng.random(n) < 0.3, None, 2.5), "double[pyarrow]")),
    ]
    frame = pd.DataFrame({f"c{j}": kinds[j % len(kinds)]() for j in range(n_cols)}, index=range(n))
    frame.columns = ["dup"] * min(2, n_cols) + list(frame.columns[2:])  # repeated headers too
    got = _missing_per_row(frame)
    expected = frame.isna().to_numpy().sum(axis=1)
    assert got.tolist() == expected.tolist()
    assert (got == n_cols).tolist() == frame.isna().to_numpy().all(axis=1).tolist()
    if n_cols == 3:  # by hand: row k's cells of the first three kinds
        for k in range(n):
            cells = frame.iloc[k].tolist()
            assert got[k] == sum(v is None or v is pd.NA or v != v for v in cells)

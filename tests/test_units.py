"""greenplan.units: parsing the units of Chinese statistics and converting between them.

Expected values are literals from the standards (GB/T 2589-2020: 1 kgce = 29 307.6 kJ =
7 000 kcal with 1 kcal = 4.1868 kJ; 亩 = 1/15 ha) or simple hand arithmetic in a comment.
"""

from __future__ import annotations

import csv
import itertools
import math
import subprocess
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan import units as _u
from greenplan.errors import (
    DimensionalityMismatchError,
    GreenplanError,
    UnitError,
    UnknownUnitError,
)
from greenplan.units import (
    canonical,
    convert,
    dimension,
    factor,
    get_registry,
    is_compatible,
    parse,
)

# --- the "done when" ---------------------------------------------------------------


def test_done_when_conversions() -> None:
    assert convert(470, "万千瓦", "GW") == 4.7  # 470 × 10⁴ kW = 4.7 × 10⁶ kW
    assert convert(2.5, "亿立方米", "m^3") == 2.5e8  # 2.5 × 10⁸ m³
    assert convert(1, "万吨标准煤", "TJ") == 293.076  # 10⁴ × 29.3076 GJ = 293 076 GJ


# --- parsing: every unit family of the issue, in Chinese and English ------------------------

PARSES = [
    "万吨标准煤",
    "10^4 tce",
    "10⁴ tce",
    "亿元",
    "万元",
    "元",
    "yuan",
    "CNY",
    "万千瓦",
    "千瓦",
    "kW",
    "MW",
    "GW",
    "千瓦时",
    "kWh",
    "度",
    "亿千瓦时",
    "亿立方米",
    "立方米",
    "m³",
    "m3",
    "方",
    "万m3/日",
    "平方米",
    "万平方米",
    "公顷",
    "亩",
    "公里",
    "吨",
    "万吨",
    "t",
    "吉焦",
    "万吉焦",
    "GJ",
    "蒸吨/小时",
    "%",
    "‰",
    "百分点",
    "个",
    "家",
    "台",
    "座",
    "1",
    "吨标准煤/万元",
    "立方米/万元",
    "千克/公顷",
    "千克标准煤",
    "kgce",
    "tce",
    "万吨CO2",
    "tCO₂",
    "Nm3",
]


@pytest.mark.parametrize("unit", PARSES)
def test_parses(unit: str) -> None:
    q = parse(unit)
    assert q.magnitude > 0


# (from, to, expected): literal values from the standard or hand arithmetic.
CONVERSIONS = [
    # standard coal, GB/T 2589-2020: 1 kgce = 29 307.6 kJ; 1 tce = 29.3076 GJ
    ("kgce", "kJ", 29307.6),
    ("千克标准煤", "kJ", 29307.6),
    ("公斤标准煤", "kgce", 1.0),
    ("tce", "GJ", 29.3076),
    ("吨标准煤", "GJ", 29.3076),
    ("吨标准煤", "kgce", 1000.0),
    ("万吨标准煤", "tce", 1e4),
    ("10^4 tce", "万吨标准煤", 1.0),
    ("万吨标准煤", "GJ", 293076.0),  # 10⁴ × 29.3076
    ("万吉焦", "tce", 341.208423753566),  # 10⁴ GJ / 29.3076 GJ
    # 1 kgce = 7 000 kcal (international table calorie, 1 kcal = 4.1868 kJ)
    ("千卡", "kJ", 4.1868),
    ("大卡", "kJ", 4.1868),
    ("kcal", "kJ", 4.1868),
    ("千卡", "kgce", 1 / 7000),
    # 1 kWh = 3 600 kJ → 3600 / 29307.6 kgce (physical equivalence, 当量)
    ("kWh", "kgce", 0.122835032551284),
    ("度", "kWh", 1.0),
    ("千瓦时", "kJ", 3600.0),
    ("亿千瓦时", "GWh", 100.0),  # 10⁸ kWh = 10⁵ MWh = 100 GWh
    ("亿千瓦时", "万千瓦时", 1e4),
    # power
    ("万千瓦", "MW", 10.0),
    ("万千瓦", "kW", 1e4),
    ("GW", "万千瓦", 100.0),
    ("兆瓦", "MW", 1.0),
    # boiler rating: 1 t/h of steam ≈ 0.7 MW thermal; 35 t/h ≈ 24.5 MW
    ("蒸吨/小时", "MW", 0.7),
    ("35 蒸吨/小时", "MW", 24.5),
    # money: its own dimension, 万 = 10⁴, 亿 = 10⁸
    ("亿元", "万元", 1e4),
    ("亿元", "元", 1e8),
    ("万元", "yuan", 1e4),
    ("万亿元", "亿元", 1e4),
    # volume
    ("亿立方米", "万立方米", 1e4),
    ("亿立方米", "m^3", 1e8),
    ("方", "m^3", 1.0),
    ("m³", "立方米", 1.0),
    ("Nm3", "m^3", 1.0),
    ("万Nm3", "m^3", 1e4),
    ("升", "m^3", 1e-3),
    # 45万 m³/日 × 365 日/年 = 1.6425 × 10⁸ m³/年 (年 is 365 days)
    ("万m3/日", "亿立方米/年", 0.0365),
    ("万m³/日", "m^3/day", 1e4),
    # area: 公顷 = 10⁴ m²; 亩 = 1/15 ha; 平方公里 = 100 ha = 1 500 亩
    ("公顷", "m^2", 1e4),
    ("亩", "公顷", 1 / 15),
    ("15 亩", "公顷", 1.0),
    ("平方公里", "公顷", 100.0),
    ("平方公里", "亩", 1500.0),
    ("万平方米", "m^2", 1e4),
    ("万亩", "公顷", 1e4 / 15),
    ("km2", "公顷", 100.0),
    # length, mass
    ("公里", "m", 1000.0),
    ("千米", "公里", 1.0),
    ("万吨", "t", 1e4),
    ("吨", "kg", 1000.0),
    ("公斤", "kg", 1.0),
    ("ton", "kg", 1000.0),  # metric tonne in Chinese statistics (not pint's US short ton)
    ("万吨CO2", "t", 1e4),  # substance labels are stripped: a mass
    ("万吨二氧化碳当量", "t", 1e4),
    # intensities
    ("吨标准煤/万元", "kgce/元", 0.1),  # 1000 kgce / 10⁴ 元
    ("立方米/万元", "m^3/yuan", 1e-4),
    ("千克/亩", "千克/公顷", 15.0),
    # ratios and counts
    ("%", "1", 0.01),
    ("1", "%", 100.0),
    ("百分点", "%", 1.0),
    ("‰", "%", 0.1),
    ("个", "家", 1.0),
    ("台", "座", 1.0),
    ("万个", "个", 1e4),
    # time: 年 is a 365-day calendar year (pint's English "year" is 365.25 days)
    ("年", "day", 365.0),
    ("日", "hour", 24.0),
]


@pytest.mark.parametrize(("src", "dst", "expected"), CONVERSIONS)
def test_conversion_literals(src: str, dst: str, expected: float) -> None:
    assert convert(1.0, src, dst) == pytest.approx(expected, rel=1e-12)
    assert factor(src, dst) == pytest.approx(expected, rel=1e-12)


def test_factor_has_no_last_bit_noise() -> None:
    # pint's chain of multiplications gives 293.07600000000002 etc.; factor() rounds.
    assert factor("万吨标准煤", "TJ") == 293.076
    assert factor("万m3/日", "亿立方米/年") == 0.0365
    # arrays use the same factor, so they agree with scalars exactly
    assert convert(np.array([1.0]), "万吨标准煤", "TJ")[0] == 293.076


def test_same_unit_spelled_differently() -> None:
    assert factor("万吨标准煤", "10^4 tce") == 1.0
    assert factor("万千瓦", "10^4 kW") == 1.0
    assert factor("亿立方米", "10^8 m3") == 1.0
    assert factor("万m3/日", "10^4 m^3/day") == 1.0
    assert factor("％", "%") == 1.0  # full-width percent sign


# --- containers ------------------------------------------------------------------------


def test_convert_scalar_types() -> None:
    assert isinstance(convert(1, "t", "t"), float)
    assert isinstance(convert(3, "万千瓦", "GW"), float)
    assert convert(0.1, "万吨标准煤", "TJ") == 29.3076  # not 29.307600000000004


def test_convert_numpy_array() -> None:
    out = convert(np.array([470.0, 0.0, np.nan]), "万千瓦", "GW")
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out[:2], [4.7, 0.0], rtol=1e-12)
    assert np.isnan(out[2])


def test_convert_list_gives_array() -> None:
    out = convert([1, 2], "亿元", "万元")
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [1e4, 2e4])


def test_convert_series_keeps_index_and_name() -> None:
    s = pd.Series([1.0, 2.5], index=pd.Index(["历下区", "市中区"], name="region"), name="w")
    out = convert(s, "亿立方米", "万立方米")
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    assert out.name == "w"
    assert out.tolist() == [1e4, 2.5e4]
    pd.testing.assert_series_equal(canonical(s, "亿立方米", "万立方米"), out)


def test_convert_dataframe() -> None:
    df = pd.DataFrame({"a": [1.0], "b": [2.0]})
    out = convert(df, "万吨", "t")
    pd.testing.assert_frame_equal(out, pd.DataFrame({"a": [1e4], "b": [2e4]}))


def test_convert_identity_returns_same_array() -> None:
    arr = np.array([1.0, 2.0])
    assert convert(arr, "万元", "万元") is arr


# --- dimensions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("万吨标准煤", "energy"),
        ("kWh", "energy"),
        ("万千瓦", "power"),
        ("蒸吨/小时", "power"),
        ("亿元", "money"),
        ("万吨", "mass"),
        ("公里", "length"),
        ("亩", "area"),
        ("亿立方米", "volume"),
        ("万m3/日", "volume flow"),
        ("个", "count"),
        ("%", "dimensionless (ratio, %)"),
        ("吨标准煤/万元", "energy per money (energy intensity)"),
        ("立方米/万元", "volume per money (water intensity)"),
    ],
)
def test_dimension_names(unit: str, name: str) -> None:
    assert dimension(unit) == name


def test_money_and_counts_are_their_own_dimensions() -> None:
    assert not is_compatible("元", "1")
    assert not is_compatible("个", "%")
    assert not is_compatible("个", "1")
    assert not is_compatible("人", "个")
    assert is_compatible("家", "个")


# --- errors --------------------------------------------------------------------------------


def test_unknown_unit_quotes_string_and_suggests() -> None:
    with pytest.raises(UnknownUnitError) as info:
        parse("吨标准媒")  # 媒 for 煤
    err = info.value
    assert err.unit == "吨标准媒"
    assert "吨标准煤" in err.suggestions
    assert "'吨标准媒'" in str(err)
    assert "Did you mean" in str(err)
    assert isinstance(err, UnitError)
    assert isinstance(err, GreenplanError)
    assert isinstance(err, ValueError)


def test_unknown_unit_english_suggestion() -> None:
    with pytest.raises(UnknownUnitError) as info:
        convert(1.0, "tcee", "GJ")
    assert "tce" in info.value.suggestions
    assert "'tcee'" in str(info.value)


def test_unknown_unit_without_close_match_points_to_docs() -> None:
    with pytest.raises(UnknownUnitError, match=r"docs/units\.md"):
        parse("ÿÿÿÿÿÿÿÿ")


def test_unknown_target_unit() -> None:
    with pytest.raises(UnknownUnitError, match="'亿元/'"):
        factor("亿元", "亿元/")


def test_non_string_unit() -> None:
    with pytest.raises(UnitError, match="must be a string"):
        parse(5)  # type: ignore[arg-type]
    with pytest.raises(UnitError, match="NoneType"):
        convert(1.0, None, "t")  # type: ignore[arg-type]


def test_incompatible_conversion_names_both_dimensions() -> None:
    with pytest.raises(DimensionalityMismatchError) as info:
        convert(1.0, "万吨标准煤", "亿元")
    err = info.value
    assert (err.from_dim, err.to_dim) == ("energy", "money")
    message = str(err)
    assert "'万吨标准煤' (energy)" in message
    assert "'亿元' (money)" in message
    assert isinstance(err, UnitError)


@pytest.mark.parametrize(
    ("src", "dst"),
    [("kW", "kWh"), ("%", "个"), ("蒸吨/小时", "t/h"), ("元", "万吨"), ("m^3", "m^2")],
)
def test_incompatible_pairs(src: str, dst: str) -> None:
    with pytest.raises(DimensionalityMismatchError):
        factor(src, dst)
    assert not is_compatible(src, dst)


def test_is_compatible_false_for_unknown() -> None:
    assert not is_compatible("foo_unit", "t")


# --- registry ---------------------------------------------------------------------------


def test_one_registry() -> None:
    assert get_registry() is get_registry()
    import greenplan.units as units

    assert units._registry is get_registry()


def test_numeric_prefixes_are_dimensionless_multipliers() -> None:
    assert parse("万").to("dimensionless").magnitude == 1e4
    assert parse("10^4").to("dimensionless").magnitude == 1e4


# --- properties ---------------------------------------------------------------------------

BASES = ["吨标准煤", "元", "千瓦", "立方米", "平方米", "吨", "千瓦时", "吉焦", "个", "亩"]
FAMILIES = [
    ["万吨标准煤", "tce", "kgce", "GJ", "TJ", "万吉焦", "kWh", "亿千瓦时"],
    ["亿元", "万元", "元"],
    ["万千瓦", "MW", "GW", "kW", "蒸吨/小时"],
    ["亿立方米", "万立方米", "m^3", "方", "升"],
    ["公顷", "亩", "平方公里", "万平方米"],
    ["%", "1", "‰"],
]
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@st.composite
def pairs(draw: st.DrawFn, size: int = 2) -> list[str]:
    family = draw(st.sampled_from(FAMILIES))
    return [draw(st.sampled_from(family)) for _ in range(size)]


@given(value=finite, units=pairs())
def test_round_trip(value: float, units: list[str]) -> None:
    a, b = units
    back = convert(convert(value, a, b), b, a)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-9)


@given(units=pairs(size=3))
def test_conversions_compose(units: list[str]) -> None:
    a, b, c = units
    assert factor(a, b) * factor(b, c) == pytest.approx(factor(a, c), rel=1e-12)


@given(base=st.sampled_from(BASES))
def test_wan_yi_algebra(base: str) -> None:
    assert factor("万" + base, base) == 1e4
    assert factor("亿" + base, base) == 1e8
    assert factor("亿" + base, "万" + base) == 1e4
    assert factor("万万" + base, "亿" + base) == 1.0  # 万万 = 亿
    assert factor("十万" + base, "万" + base) == 10.0
    assert factor("百万" + base, base) == 1e6
    assert factor("千万" + base, base) == 1e7
    assert factor("万" + base, "10^4 " + base) == 1.0


@given(
    values=st.lists(finite, min_size=1, max_size=20),
    units=pairs(),
)
def test_array_equals_scalars(values: list[float], units: list[str]) -> None:
    a, b = units
    arr = convert(np.array(values), a, b)
    scalars = [convert(v, a, b) for v in values]
    np.testing.assert_allclose(arr, scalars, rtol=1e-14, atol=0)


@given(value=finite, k=st.floats(min_value=-1e3, max_value=1e3), units=pairs())
def test_linear(value: float, k: float, units: list[str]) -> None:
    a, b = units
    lhs = convert(k * value, a, b)
    rhs = k * convert(value, a, b)
    assert math.isclose(lhs, rhs, rel_tol=1e-12, abs_tol=1e-6)


# --- the precomputed unit table (no pint registry for everyday conversions) ----------------


def _table_rows():
    path = resources.files("greenplan") / "resources" / "unit_table.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_unit_table_rows_are_what_pint_computes_now():
    # A stale row (units.txt changed, the table was not regenerated) fails here:
    # run `python scripts/gen_unit_table.py`.
    stale = []
    for row in _table_rows():
        dim, magnitude = _u.base_magnitude(row["unit"])
        if dim != row["dimension"] or magnitude != float(row["to_base"]):
            stale.append((row["unit"], row["dimension"], row["to_base"], dim, magnitude))
    assert not stale


def test_unit_table_covers_every_code_list_unit():
    from greenplan.variables import VARIABLES

    tabled = {row["unit"] for row in _table_rows()}
    missing = sorted({v.unit for v in VARIABLES.values()} - tabled)
    assert not missing, f"regenerate resources/unit_table.csv; missing: {missing}"


def test_table_factors_equal_pint_factors_for_every_pair():
    table = _u._table()
    pairs = [(a, b) for a, b in itertools.permutations(table, 2) if table[a][0] == table[b][0]]
    assert len(pairs) > 100
    differ = [(a, b) for a, b in pairs if _u.factor(a, b) != _u._pint_factor(a, b)]
    assert not differ


def test_table_refuses_other_dimensions_like_pint():
    # money vs energy: both tabled, so the table answers, with the same error class and names
    with pytest.raises(DimensionalityMismatchError, match=r"money.*energy"):
        _u.factor("亿元", "万吨标准煤")


def test_everyday_report_builds_no_pint_registry():
    # Structural, not timed: building the registry costs about half a second per process.
    code = (
        "from greenplan.cli import main; import greenplan.units as u; "
        "main(['report', '-o', '/dev/null']); "
        "print('built' if u._registry is not None else 'not built')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "not built"


@pytest.mark.parametrize(
    "unit",
    ["10**1000 元", "nan 亿元", "inf 亿元", "1e999元", "0 亿元", "10^-400 元", "-inf 万吨"],
)
def test_unit_with_non_finite_or_zero_multiplier_is_refused(unit):
    with pytest.raises(UnitError, match="finite, non-zero"):
        _u.parse(unit)
    with pytest.raises(UnitError):
        _u.factor(unit, "元")


@pytest.mark.parametrize("unit", ["%%", "% %", "％％"])
def test_double_percent_is_not_a_unit(unit):
    # pint would read "%%" as percent squared (0.01 %): a typing slip, never a unit.
    with pytest.raises(UnknownUnitError, match="Did you mean: '%'"):
        _u.parse(unit)


@pytest.mark.parametrize("value", ["a", b"1", None])
def test_convert_refuses_a_non_number_with_a_greenplan_error(value):
    with pytest.raises(GreenplanError, match="must be a number"):
        _u.convert(value, "万元", "亿元")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=12),
        st.builds(
            lambda x, unit: f"{x} {unit}",
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers()),
            st.sampled_from(["元", "亿元", "万吨", "m^3", "%", "tce"]),
        ),
    )
)
def test_any_unit_string_converts_by_a_finite_non_zero_factor_or_is_refused(text):
    try:
        q = _u.parse(text)
    except UnitError:
        return
    assert math.isfinite(float(q.magnitude)) and float(q.magnitude) != 0.0

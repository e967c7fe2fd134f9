"""Units of Chinese statistics: one pint registry, conversion factors between unit strings.

greenplan converts units once, at the boundary (reading), by a factor per (from, to) pair;
inside the library values are plain float arrays in canonical units. This module owns the
only pint registry. It is built lazily, on first use, from pint's defaults plus
``resources/units.txt`` (standard coal, 元, 万/亿, Chinese unit names, 亩, 蒸吨 …).

Examples
--------
>>> from greenplan.units import convert
>>> convert(470, "万千瓦", "GW")
4.7
>>> convert(1, "万吨标准煤", "TJ")
293.076
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from greenplan.errors import (
    DimensionalityMismatchError,
    GreenplanError,
    UnitError,
    UnknownUnitError,
)
from greenplan.messages import Message, msg

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pint

__all__ = [
    "base_magnitude",
    "canonical",
    "convert",
    "dimension",
    "dimension_message",
    "factor",
    "get_registry",
    "is_compatible",
    "parse",
]

_registry: pint.UnitRegistry | None = None
_lock = threading.Lock()

# Chinese magnitude words and their values. 万 and 亿 are also pint prefixes, but compound
# magnitudes (百万, 万亿 …) cannot be expressed with one prefix, so they are resolved here.
_MAGNITUDES = {"十": 1e1, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPER_RE = re.compile(r"([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
# Substance labels that name what is weighed, not a unit: 万吨CO2 is a mass.
_LABEL_RE = re.compile(r"\s*(?:CO2e?|CO₂e?|二氧化碳当量|二氧化碳|碳当量)(?![A-Za-z0-9])")
# Normal cubic metres (Nm³, gas at standard conditions) are volumes: Nm3 → m3.
_NORMAL_M3_RE = re.compile(r"(?<![A-Za-z0-9_])Nm(?=3(?![0-9])|\*\*3(?![0-9]))")
# Plain ASCII powers written without an operator: m3, km2 → m**3, km**2 …
_ASCII_POWER_RE = re.compile(r"(?<![A-Za-z0-9_])(m|km|cm|mm|dm)([23])(?![0-9A-Za-z_])")
# English words whose pint meaning differs from Chinese statistics: "ton(s)" is the metric
# tonne there (pint: the US short ton), and "cal"/"kcal" the international-table calorie of
# GB/T 2589 (1 kcal = 4.1868 kJ; pint: the thermochemical 4.184 kJ).
_ENGLISH_WORDS = (
    (re.compile(r"(?<![A-Za-z_])tons?(?![A-Za-z0-9_])"), "tonne"),
    (re.compile(r"(?<![A-Za-z_])(k?)cal(?![A-Za-z0-9_])"), r"\1cal_it"),
)
# "%%" (or "% %") is a typing slip, not a per-ten-thousand: pint would read percent².
_DOUBLE_PERCENT_RE = re.compile(r"percent\s+percent")
_TOKEN_RE = re.compile(r"[十百千万亿]+[^\s*/()^+]*(?:\*\*-?\d+)?")

# Friendly names for dimensionalities, used in error messages.
_DIMENSION_NAMES = {
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
    "[mass] * [length] ** 2 / [time] ** 3": "power",
    "[currency]": "money",
    "[mass]": "mass",
    "[length]": "length",
    "[length] ** 2": "area",
    "[length] ** 3": "volume",
    "[length] ** 3 / [time]": "volume flow",
    "[time]": "time",
    "[item]": "count",
    "[person]": "people",
    "dimensionless": "dimensionless (ratio, %)",
    "[mass] / [length] ** 3": "mass concentration",
    "[mass] / [time]": "mass flow",
    "[mass] / [length] ** 2": "mass per area",
    "[mass] * [length] ** 2 / [time] ** 2 / [currency]": "energy per money (energy intensity)",
    "[length] ** 3 / [currency]": "volume per money (water intensity)",
    "[mass] / [currency]": "mass per money",
}

_DIMENSION_KEYS = {name: re.sub(r"\W+", "_", name).strip("_") for name in _DIMENSION_NAMES.values()}
"""Friendly dimension name → its key in the catalogue (``units.dimension.<key>``)."""


def get_registry() -> pint.UnitRegistry:
    """Return greenplan's pint registry, building it on first use.

    Returns
    -------
    pint.UnitRegistry
        pint's default definitions plus ``greenplan/resources/units.txt``.
    """
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                import pint

                reg: pint.UnitRegistry = pint.UnitRegistry(
                    on_redefinition="raise", autoconvert_offset_to_baseunit=True
                )
                path = resources.files("greenplan") / "resources" / "units.txt"
                with resources.as_file(path) as p:
                    reg.load_definitions(str(p))
                _registry = reg
    return _registry


def _normalise(unit: str) -> str:
    """Rewrite a unit string as written in Chinese statistics into pint syntax."""
    s = _SUPER_RE.sub(lambda m: "**" + m.group(1).translate(_SUPERSCRIPTS), unit)
    s = unicodedata.normalize("NFKC", s).strip()
    s = s.replace("×", "*").replace("·", "*").replace("％", "%").replace("‰", " permille")
    s = _LABEL_RE.sub("", s)
    s = _NORMAL_M3_RE.sub("m", s)
    s = _ASCII_POWER_RE.sub(r"\1**\2", s)
    for pattern, replacement in _ENGLISH_WORDS:
        s = pattern.sub(replacement, s)
    s = s.replace("%", " percent ").strip()
    if s in {"", "1", "-", "—"}:
        return "dimensionless"
    s = _TOKEN_RE.sub(_resolve_magnitude_token, s)
    return s


def _resolve_magnitude_token(match: re.Match[str]) -> str:
    token = match.group(0)
    reg = get_registry()
    # A power binds tighter than a prefix in pint ("万m**3" would be (10⁴ m)³), so a token
    # with an exponent always has its magnitude peeled off: 万m³ = 10⁴ × m³.
    if "**" not in token and _parses(reg, token):
        return token
    factor_ = 1.0
    rest = token
    while rest and rest[0] in _MAGNITUDES:
        factor_ *= _MAGNITUDES[rest[0]]
        rest = rest[1:]
    if not rest:
        return f"({factor_:g})"
    return f"({factor_:g} * {rest})"


def _parses(reg: pint.UnitRegistry, token: str) -> bool:
    try:
        reg.parse_units(token)
    except Exception:
        return False
    return True


@lru_cache(maxsize=4096)
def parse(unit: str) -> pint.Quantity:
    """Parse a unit string into a pint quantity (magnitude holds any numeric multiplier).

    Parameters
    ----------
    unit : str
        A unit as written in Chinese or English statistics: ``"万吨标准煤"``, ``"10^4 tce"``,
        ``"亿元"``, ``"万m3/日"``, ``"MW"``, ``"%"`` …

    Returns
    -------
    pint.Quantity
        ``1 tce`` for ``"tce"``, ``10000 tce`` for ``"10^4 tce"``.

    Raises
    ------
    UnknownUnitError
        The string is not a known unit; the message lists the closest known units.
    """
    _check_type(unit)
    reg = get_registry()
    text = _normalise(unit)
    if _DOUBLE_PERCENT_RE.search(text):
        raise UnknownUnitError(unit, ["%"])
    try:
        q = reg.parse_expression(text)
    except Exception as exc:
        raise UnknownUnitError(unit, _suggest(unit)) from exc
    if not isinstance(q, reg.Quantity):
        # A bare number ("100") parses to a number: treat it as a dimensionless multiplier.
        try:
            q = reg.Quantity(float(q), "dimensionless")
        except (OverflowError, TypeError, ValueError) as exc:
            raise UnitError(msg("units.not_a_number", unit=repr(unit))) from exc
    magnitude = q.magnitude
    try:
        usable = math.isfinite(magnitude) and float(magnitude) != 0.0
    except (OverflowError, TypeError):  # an int too large for a float: 10**1000
        usable = False
    if not usable:
        raise UnitError(
            msg("units.bad_multiplier", unit=repr(unit), multiplier=_describe(magnitude))
        )
    return q


def _describe(magnitude: Any) -> Message | str:
    try:
        value = float(magnitude)
    except (OverflowError, TypeError, ValueError):
        return msg("units.too_large")
    if math.isnan(value):
        return msg("units.nan")
    if math.isinf(value):
        return msg("units.infinity")
    return msg("units.zero") if value == 0 else repr(value)


def _check_type(unit: object) -> None:
    if not isinstance(unit, str):
        raise UnitError(msg("units.not_a_string", type=type(unit).__name__, value=repr(unit)))


@lru_cache(maxsize=1)
def _known_names() -> tuple[str, ...]:
    reg = get_registry()
    names: set[str] = set()
    for name, definition in reg._units.items():  # pint exposes no public list of units
        names.add(name)
        names.update(a for a in getattr(definition, "aliases", ()) if a)
        symbol = getattr(definition, "symbol", None)
        if symbol:
            names.add(symbol)
    common = {
        "万吨标准煤",
        "亿元",
        "万元",
        "万千瓦",
        "亿立方米",
        "万立方米",
        "万平方米",
        "亿千瓦时",
        "万吨",
        "万吉焦",
        "10^4 tce",
        "吨标准煤/万元",
        "立方米/万元",
        "吨/万元",
    }
    names.update(common)
    return tuple(sorted(names))


def _suggest(unit: str, n: int = 5) -> list[str]:
    candidates = _known_names()
    out = difflib.get_close_matches(unit, candidates, n=n, cutoff=0.5)
    if not out:
        text = unicodedata.normalize("NFKC", unit)
        out = difflib.get_close_matches(text.lower(), candidates, n=n, cutoff=0.4)
    return out


def dimension(unit: str) -> str:
    """Return a readable name of what ``unit`` measures (``"energy"``, ``"money"`` …).

    Parameters
    ----------
    unit : str
        A unit string.

    Returns
    -------
    str
        A friendly name where known, otherwise pint's dimensionality, e.g. ``"[currency]"``.
    """
    _check_type(unit)
    tabled = _table().get(unit)
    dim = tabled[0] if tabled is not None else str(parse(unit).dimensionality)
    return _DIMENSION_NAMES.get(dim, dim)


def dimension_message(name: str) -> Message | str:
    """Return a dimension's name, as :func:`dimension` gives it, as a catalogue message.

    The message renders the name in Chinese or English (``units.csv``); a dimensionality
    without a friendly name (``"[currency] / [mass]"``) is returned as it is.

    Examples
    --------
    >>> dimension_message("energy").text("zh")
    '能量'
    >>> dimension_message("[currency] / [mass]")
    '[currency] / [mass]'
    """
    if name not in _DIMENSION_KEYS:
        return name
    return msg(f"units.dimension.{_DIMENSION_KEYS[name]}")


def is_compatible(from_unit: str, to_unit: str) -> bool:
    """Return whether two unit strings measure the same quantity (a conversion exists)."""
    try:
        factor(from_unit, to_unit)
    except UnitError:
        return False
    return True


_TABLE_FILE = "unit_table.csv"


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, float]]:
    """Load the precomputed unit table: unit -> (pint dimensionality, magnitude in base units).

    ``resources/unit_table.csv`` is generated from this module's pint registry by
    ``scripts/gen_unit_table.py`` for every unit the code lists, factor tables and shipped data
    use, so that everyday conversions need no registry (building it costs about half a second
    per process). ``tests/test_units.py`` rebuilds every row with pint and fails when the table
    is stale; a unit not in the table is parsed by pint as before.
    """
    out: dict[str, tuple[str, float]] = {}
    path = resources.files("greenplan") / "resources" / _TABLE_FILE
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            out[row["unit"]] = (row["dimension"], float(row["to_base"]))
    return out


def _rounded(x: float) -> float:
    return float(f"{x:.15g}")


@lru_cache(maxsize=8192)
def factor(from_unit: str, to_unit: str) -> float:
    """Return the number that converts a value in ``from_unit`` into ``to_unit``.

    Parameters
    ----------
    from_unit, to_unit : str
        Unit strings (see :func:`parse`).

    Returns
    -------
    float
        ``value_in_to_unit = value_in_from_unit * factor``, rounded to 15 significant digits
        so that the last-bit noise of pint's chain of multiplications does not show
        (``factor("万吨标准煤", "TJ")`` is exactly ``293.076``).

    Raises
    ------
    UnknownUnitError
        Either string is not a known unit.
    DimensionalityMismatchError
        The units measure different quantities; the message names both.
    """
    _check_type(from_unit)
    _check_type(to_unit)
    table = _table()
    if from_unit in table and to_unit in table:
        (src_dim, src_base), (dst_dim, dst_base) = table[from_unit], table[to_unit]
        if src_dim != dst_dim:
            raise DimensionalityMismatchError(
                from_unit,
                _DIMENSION_NAMES.get(src_dim, src_dim),
                to_unit,
                _DIMENSION_NAMES.get(dst_dim, dst_dim),
            )
        return 1.0 if from_unit == to_unit else _rounded(src_base / dst_base)
    return _pint_factor(from_unit, to_unit)


def _pint_factor(from_unit: str, to_unit: str) -> float:
    """:func:`factor` computed by pint (the reference the unit table is checked against)."""
    src = parse(from_unit)
    dst = parse(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise DimensionalityMismatchError(
            from_unit, dimension(from_unit), to_unit, dimension(to_unit)
        )
    return _rounded((src / dst).to("dimensionless").magnitude)


def base_magnitude(unit: str) -> tuple[str, float]:
    """Return ``(dimensionality, magnitude in base units)`` of ``unit``, computed by pint.

    This is what ``resources/unit_table.csv`` stores for each tabled unit.

    Examples
    --------
    >>> dimensionality, magnitude = base_magnitude("万千瓦")  # 10⁴ kW = 10⁷ W = 10⁷ kg·m²/s³
    >>> magnitude
    10000000.0
    >>> sorted(dimensionality.replace("*", " ").replace("/", " ").split())
    ['2', '3', '[length]', '[mass]', '[time]']
    """
    q = parse(unit).to_base_units()
    return str(q.dimensionality), float(q.magnitude)


T = TypeVar("T")


@overload
def convert(value: float, from_unit: str, to_unit: str) -> float: ...
@overload
def convert(value: T, from_unit: str, to_unit: str) -> T: ...
def convert(value: Any, from_unit: str, to_unit: str) -> Any:
    """Convert a value between two units of the same dimension.

    Parameters
    ----------
    value : float, numpy.ndarray, pandas.Series or pandas.DataFrame
        Value(s) in ``from_unit``.
    from_unit, to_unit : str
        Unit strings, Chinese or English: ``"万吨标准煤"``, ``"10^4 tce"``, ``"亿立方米"``,
        ``"GW"`` … (see docs/units.md).

    Returns
    -------
    same type as ``value``
        Value(s) in ``to_unit``: one multiplication by a cached factor, so arrays and Series
        are converted vectorised and keep their index.

    Raises
    ------
    UnknownUnitError, DimensionalityMismatchError

    Notes
    -----
    The factor is exact to floating-point precision: 1 tce = 29.3076 GJ (GB/T 2589-2020),
    万 = 10⁴, 亿 = 10⁸, 亩 = 1/15 ha.

    Examples
    --------
    >>> convert(2.5, "亿立方米", "m^3")
    250000000.0
    """
    f = factor(from_unit, to_unit)
    if isinstance(value, str | bytes) or value is None:
        raise GreenplanError(
            msg("units.convert_not_a_number", type=type(value).__name__, value=repr(value))
        )
    if isinstance(value, list | tuple):
        value = np.asarray(value, dtype=float)
    if isinstance(value, float | int) and not isinstance(value, bool):
        # A Python number gives a float; round away the last-bit noise of the multiplication
        # (0.1 × 293.076 = 29.307600000000004 → 29.3076).
        return float(f"{value * f:.15g}")
    if f == 1.0:
        return value
    return value * f


def canonical(series: pd.Series, from_unit: str, to_unit: str) -> pd.Series:
    """Convert a Series to a canonical unit (alias of :func:`convert` for Series)."""
    return convert(series, from_unit, to_unit)

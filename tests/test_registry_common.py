"""Common checks every indicator and every domain module must pass (scikit-learn style).

Parametrised over ``greenplan.INDICATORS``, the codelist and the public functions of
``greenplan.indicators.*``, so indicators other engineers add are checked automatically.

Docstring rules for public formula functions (numpydoc): a ``Parameters`` section in which
every quantity carries its unit in brackets (``[万吨标准煤]``, ``[%]``, ``[1]`` for a pure
number), a ``Notes`` section (the formula) and a ``References`` section (the standard or plan
clause). Exempt from the unit and Notes/References rules:

* parameters that are not quantities: typed ``str``, ``bool``, ``int`` counts of things such
  as years, a ``{...}`` set of choices, a mapping, a callable, a DataFrame, or ``*args``/
  ``**kwargs``;
* helpers that return tables (return annotation ``pandas.DataFrame``, or a ``dict``/
  ``Mapping``: one row of a parameter table with its provenance): they turn record-level
  inputs into canonical long rows or look up data; they still need a docstring with a
  Parameters section that documents every parameter.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import types
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import greenplan
import greenplan.indicators as indicators_pkg
from greenplan.definitions import Aggregation, Direction, VariableKind
from greenplan.indicators.registry import OPTIONS, recipes
from greenplan.units import is_compatible, parse

INDICATORS = dict(greenplan.INDICATORS)
IDS = sorted(INDICATORS)
VARIABLES = dict(greenplan.VARIABLES)
CODES = sorted(VARIABLES)


# --- every indicator ------------------------------------------------------------------------


@pytest.mark.parametrize("id", IDS)
def test_indicator_unit_parses(id: str) -> None:
    parse(INDICATORS[id].unit)


@pytest.mark.parametrize("id", IDS)
def test_indicator_has_codelist_row_with_compatible_unit(id: str) -> None:
    assert id in VARIABLES, f"add a row for {id!r} to resources/variables/<domain>.csv"
    var = VARIABLES[id]
    ind = INDICATORS[id]
    assert is_compatible(ind.unit, var.unit), (ind.unit, var.unit)


@pytest.mark.parametrize("id", IDS)
def test_indicator_names(id: str) -> None:
    ind = INDICATORS[id]
    assert ind.name_zh.strip(), "name_zh is empty"
    assert ind.name_en.strip(), "name_en is empty"
    assert re.search(r"[\u4e00-\u9fff]", ind.name_zh), "name_zh has no Chinese"
    assert ind.domain.strip()
    assert ind.id == id


@pytest.mark.parametrize("id", IDS)
def test_indicator_options_declared(id: str) -> None:
    for option in INDICATORS[id].options:
        assert option in OPTIONS, f"{id}: option {option!r} is not declared"


@pytest.mark.parametrize("id", IDS)
def test_indicator_inputs_are_known_codes(id: str) -> None:
    ind = INDICATORS[id]
    unknown = [c for c in ind.inputs if c not in VARIABLES and c not in INDICATORS]
    assert not unknown, f"{id}: inputs not in the codelist: {unknown}"


@pytest.mark.parametrize("id", IDS)
def test_indicator_json_round_trip(id: str) -> None:
    ind = INDICATORS[id]
    assert type(ind).model_validate_json(ind.model_dump_json()) == ind


def test_every_target_indicator_exists() -> None:
    targets = {**dict(greenplan.TARGETS)}
    missing = sorted({t.indicator for t in targets.values()} - set(INDICATORS))
    assert not missing, f"target indicators not registered: {missing}"


@pytest.mark.parametrize("key", list(greenplan.TARGETS))
def test_target_direction_agrees_with_indicator(key: str) -> None:
    t = greenplan.TARGETS[key]
    if t.indicator not in INDICATORS:
        pytest.skip(f"{t.indicator} not registered")
    ind = INDICATORS[t.indicator]
    if ind.direction is not Direction.NONE:
        assert ind.direction is t.direction, (ind.direction, t.direction)


# --- recipes on synthetic inputs: a Series on the index, never ±inf --------------------------

REGIONS = ["济南市", "历下区", "市中区"]
YEARS = [2019, 2020, 2021, 2022]


def _synthetic(value: Callable[[str, int, int], float]) -> pd.DataFrame:
    """Every codelist variable for three regions and four years (synthetic values)."""
    rows = [
        (r, y, code, value(code, i, j))
        for code in CODES
        for i, r in enumerate(REGIONS)
        for j, y in enumerate(YEARS)
    ]
    return pd.DataFrame(rows, columns=["region", "year", "variable", "value"])


def _plausible(code: str, i: int, j: int) -> float:
    var = VARIABLES[code]
    lo = var.lower if var.lower is not None else 0.0
    hi = var.upper if var.upper is not None else lo + 1000.0
    if var.kind in (VariableKind.SHARE, VariableKind.RATE):
        hi = min(hi, lo + 100.0)
    frac = (1 + i + 3 * j) / 20.0
    return float(lo + (hi - lo) * frac)


@pytest.fixture(scope="module")
def plausible_inputs() -> object:
    from greenplan.engine import inputs_from

    return inputs_from(_synthetic(_plausible))


@pytest.fixture(scope="module")
def zero_inputs() -> object:
    from greenplan.engine import inputs_from

    return inputs_from(_synthetic(lambda code, i, j: 0.0))


@pytest.mark.parametrize("id", IDS)
def test_recipe_returns_float_series_on_index(id: str, plausible_inputs: object) -> None:
    x = plausible_inputs
    out = recipes()[id].func(x)  # type: ignore[arg-type]
    assert isinstance(out, pd.Series)
    assert out.index.equals(x.index)  # type: ignore[attr-defined]
    assert np.issubdtype(out.astype("float64").dtype, np.floating)


@pytest.mark.parametrize("id", IDS)
def test_recipe_never_infinite(id: str, plausible_inputs: object, zero_inputs: object) -> None:
    for x in (plausible_inputs, zero_inputs):
        values = x.indicator(id).to_numpy(dtype="float64")  # type: ignore[attr-defined]
        assert not np.isinf(values).any(), f"{id} gives ±inf (zero denominator → NaN)"


@pytest.mark.parametrize("id", IDS)
def test_recipe_with_no_data_is_all_nan(id: str) -> None:
    from greenplan.engine import inputs_from

    stats = pd.DataFrame(
        {"region": ["历下区"], "year": [2021], "variable": ["gdp_real_growth"], "value": [np.nan]}
    )
    out = inputs_from(stats).indicator(id)
    assert out.isna().all(), f"{id} gives a number from no data"


# --- the codelist -------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_variable_unit_parses(code: str) -> None:
    parse(VARIABLES[code].unit)


@pytest.mark.parametrize("code", CODES)
def test_variable_names_and_bounds(code: str) -> None:
    var = VARIABLES[code]
    assert var.name_zh.strip() and var.name_en.strip()
    if var.lower is not None and var.upper is not None:
        assert var.lower <= var.upper
    if var.kind is VariableKind.SHARE:
        assert is_compatible(var.unit, "%"), f"{code}: a share is in %"
        assert (var.lower, var.upper) == (0.0, 100.0), f"{code}: shares have bounds 0..100"


@pytest.mark.parametrize("code", CODES)
def test_ratios_are_not_additive(code: str) -> None:
    var = VARIABLES[code]
    if var.kind in (
        VariableKind.SHARE,
        VariableKind.RATE,
        VariableKind.INTENSITY,
        VariableKind.INDEX,
    ):
        assert var.aggregation is Aggregation.NONE, f"{code}: a {var.kind.value} cannot be summed"


@pytest.mark.parametrize("code", [c for c in CODES if VARIABLES[c].parent])
def test_variable_parent_exists_and_is_compatible(code: str) -> None:
    var = VARIABLES[code]
    parent = VARIABLES.get(var.parent or "")
    assert parent is not None, f"{code}: parent {var.parent!r} is not in the codelist"
    assert is_compatible(var.unit, parent.unit)
    assert var.aggregation is parent.aggregation is Aggregation.SUM


def test_aliases_unique() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for code, var in VARIABLES.items():
        for alias in var.aliases:
            key = alias.strip().casefold()
            if key in seen and seen[key] != code:
                clashes.append((alias, seen[key], code))
            seen.setdefault(key, code)
    assert not clashes, f"an alias names two variables: {clashes}"


# --- docstrings of public functions -------------------------------------------------------

SECTION_RE = re.compile(r"^(?P<name>[A-Z][A-Za-z ]+)\n-{3,}\s*$", re.MULTILINE)
NOT_QUANTITY_RE = re.compile(
    r"^\s*(str|bool|int|\{.*\}|mapping|dict|callable|.*DataFrame.*|sequence of str|"
    r"iterable of str|list of str|tuple of str)\b",
    re.IGNORECASE,
)


def _modules() -> list[types.ModuleType]:
    out = []
    for info in sorted(pkgutil.iter_modules(indicators_pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_") and info.name != "registry":  # domain modules only
            out.append(importlib.import_module(f"greenplan.indicators.{info.name}"))
    return out


def _public_functions() -> list[tuple[str, Callable[..., object]]]:
    found = []
    for module in _modules():
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found.append((f"{module.__name__.rsplit('.', 1)[1]}.{name}", obj))
    return found


FUNCTIONS = _public_functions()


def _sections(doc: str) -> dict[str, str]:
    matches = list(SECTION_RE.finditer(doc))
    out = {}
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        out[m.group("name").strip()] = doc[m.end() : nxt.start() if nxt else len(doc)]
    return out


def _parameters(section: str) -> list[tuple[list[str], str, str]]:
    """(names, type, description) of each entry of a numpydoc Parameters section."""
    entries: list[tuple[list[str], str, str]] = []
    for line in section.strip("\n").splitlines():
        if not line.strip():
            continue
        if not line.startswith((" ", "\t")):
            head, _, typ = line.partition(":")
            names = [n.strip().lstrip("*") for n in head.split(",") if n.strip()]
            entries.append((names, typ.strip(), ""))
        elif entries:
            names, typ, desc = entries[-1]
            entries[-1] = (names, typ, desc + " " + line.strip())
    return entries


def _returns_table(func: Callable[..., object]) -> bool:
    ann = str(inspect.signature(func).return_annotation)
    return "DataFrame" in ann or ann.startswith(("dict", "Mapping", "typing.Mapping"))


def test_there_are_public_functions() -> None:
    assert any(name == "economy.constant_price_gdp" for name, _ in FUNCTIONS)


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_public_function_docstring(name: str, func: Callable[..., object]) -> None:
    doc = inspect.getdoc(func)
    assert doc, f"{name} has no docstring"
    sections = _sections(doc)
    params = [
        p
        for p in inspect.signature(func).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if params:
        assert "Parameters" in sections, f"{name}: no Parameters section"
        documented = {n for names, _, _ in _parameters(sections["Parameters"]) for n in names}
        undocumented = [p.name for p in params if p.name not in documented]
        assert not undocumented, f"{name}: parameters not documented: {undocumented}"
    if _returns_table(func):
        return  # helpers that return tables: exempt from units, Notes and References
    assert "Notes" in sections, f"{name}: no Notes section (the formula)"
    assert "References" in sections, f"{name}: no References section (standard, plan clause)"
    if params:
        for names, typ, desc in _parameters(sections["Parameters"]):
            if NOT_QUANTITY_RE.match(typ):
                continue
            assert re.search(r"\[[^\]]+\]", desc + " " + typ), (
                f"{name}: parameter {', '.join(names)} has no unit in brackets, e.g. [亿元]"
            )

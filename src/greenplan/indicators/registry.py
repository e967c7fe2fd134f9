"""Registry of indicators, their recipes and the options that change them.

A domain module (``greenplan/indicators/energy.py`` …) holds two things:

* **pure formula functions** that take numbers (scalars, arrays, Series) in documented
  canonical units and return the same container;
* **recipes**: small functions registered with :func:`recipe` that take an :class:`Inputs`
  (the raw statistics pivoted to one column per variable, indexed by ``(region, year)``) and
  return a Series on that index, by calling the formula functions. A recipe marked
  :func:`on_arrays` gets the same inputs as float arrays (:class:`ArrayInputs`) and returns an
  array: the shipped recipes all do, because a pandas operation on a short Series costs tens
  of microseconds whatever its length and a compute runs about a thousand of them.

``compute()`` runs recipes; nothing here reads files, prints, or touches pint.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import pkgutil
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

import greenplan.indicators as _package
from greenplan.definitions import CodeListError, Direction, Indicator, PriceBasis
from greenplan.indicators._common import percent_change
from greenplan.options import OptionSet, OptionSpec, did_you_mean
from greenplan.variables import VARIABLES

__all__ = [
    "OPTIONS",
    "ArrayInputs",
    "Inputs",
    "OptionSpec",
    "Recipe",
    "change_recipe",
    "cumulative_recipe",
    "declare_option",
    "formula_recipe",
    "load_all",
    "on_arrays",
    "per_gdp_recipe",
    "recipe",
    "recipes",
    "resolve_options",
    "text_index",
]


OPTIONS = OptionSet("compute")
"""Every option of ``compute``, by name (filled by the domain modules)."""


def declare_option(name: str, default: Any, description: str, **kwargs: Any) -> OptionSpec:
    """Declare an option of ``compute`` (done once, at import of a domain module).

    The keywords are those of :meth:`greenplan.options.OptionSet.declare`.
    """
    return OPTIONS.declare(name, default, description, **kwargs)


declare_option(
    "base_year",
    2020,
    "Base year of the plan: constant prices, changes 'vs base' and cumulative sums start here.",
    check=lambda v: isinstance(v, int | np.integer) and 1949 <= int(v) <= 2100,
    source="济南市“十四五”绿色低碳循环发展规划: base year 2020",
)


declare_option(
    "city_from_districts",
    "all_districts",
    "When the city (济南市) row of an additive variable is absent, fill it with the sum of the "
    "districts and counties: 'all_districts' only when all 12 report that year (default; a "
    "partial sum is never presented as the city), 'reporting_districts' when every district "
    "that reports the variable in some year reports it that year (for deliberately partial "
    "submissions), 'never' to leave the city absent.",
    choices=("all_districts", "reporting_districts", "never"),
    source="greenplan design: a city value is computed from summed numerators and denominators",
)


def resolve_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Fill defaults and validate ``options``; unknown names raise with suggestions."""
    load_all()
    return OPTIONS.resolve(options)


@dataclass(frozen=True)
class Recipe:
    """How one indicator is computed from :class:`Inputs`."""

    indicator: Indicator
    func: Callable[[Inputs], pd.Series]
    reported_only: bool = False
    """True when the indicator has no formula from components: it is only taken as reported."""
    additive: bool = False
    """True when the city value is the sum of the districts' (filled where the city is absent)."""


_RECIPES: dict[str, Recipe] = {}

RecipeFunc = Callable[["Inputs"], pd.Series]

_T = TypeVar("_T")

SeriesOrArray = TypeVar("SeriesOrArray", pd.Series, np.ndarray)
"""A Series on the index of :class:`Inputs` or a float array: helpers return the same kind."""


def _caller_domain(depth: int) -> str:
    """Last part of the name of the module ``depth`` frames up (``energy`` …)."""
    return str(sys._getframe(depth + 1).f_globals.get("__name__", "")).rsplit(".", 1)[-1]


def _indicator(id: str, domain: str, given: dict[str, Any], fields: dict[str, Any]) -> Indicator:
    """Build the definition: names, unit, direction and price basis from the code list.

    An indicator outside the shipped code list (a plugin's, a test's) states them itself;
    one in the code list may not restate them differently.
    """
    var = VARIABLES.get(id)
    meta: dict[str, Any] = {}
    if var is not None:
        meta = {
            "name_zh": var.name_zh,
            "name_en": var.name_en,
            "unit": var.unit,
            "direction": var.direction,
            "price_basis": var.price_basis,
        }
        for key, value in given.items():
            if value is not None and value != meta[key]:
                raise CodeListError(
                    f"indicator {id!r}: {key}={value!r} differs from the code list "
                    f"({meta[key]!r}); edit resources/variables/{var.domain}.csv instead"
                )
    else:
        missing = [k for k in ("name_zh", "name_en", "unit") if given.get(k) is None]
        if missing:
            raise CodeListError(
                f"indicator {id!r} has no row in the code list (resources/variables/"
                f"{domain}.csv) and states no {', '.join(missing)}."
                f"{did_you_mean(id, VARIABLES)}"
            )
        meta = {k: v for k, v in given.items() if v is not None}
    description = fields.pop("description", "") or (var.description if var else "")
    return Indicator(id=id, domain=domain, description=description, **meta, **fields)


def recipe(
    *,
    id: str,
    formula: str = "",
    inputs: Iterable[str] = (),
    options: Iterable[str] = (),
    section: str = "",
    references: Iterable[str] = (),
    description: str = "",
    reported_only: bool = False,
    additive: bool = False,
    domain: str | None = None,
    name_zh: str | None = None,
    name_en: str | None = None,
    unit: str | None = None,
    direction: Direction | str | None = None,
    price_basis: PriceBasis | str | None = None,
) -> Callable[[RecipeFunc], RecipeFunc]:
    """Register a recipe for the indicator ``id`` of the code list.

    Used as a decorator on a function ``(inputs: Inputs) -> pandas.Series``. The function
    must return a float Series on ``inputs.index`` (NaN where it cannot be computed); under
    :func:`on_arrays` it takes an :class:`ArrayInputs` and returns a float array. The
    recipe states how the value is computed (``formula``, ``inputs``, ``options``, the plan's
    ``section``, ``references``, a method ``description``); names, unit, direction and price
    basis come from the code list (``resources/variables/*.csv``). ``domain`` defaults to the
    calling module (``greenplan.indicators.energy`` → ``energy``). ``name_zh`` … ``price_basis``
    are for an indicator outside the shipped code list (a plugin's).
    """
    given = {
        "name_zh": name_zh,
        "name_en": name_en,
        "unit": unit,
        "direction": None if direction is None else Direction(direction),
        "price_basis": None if price_basis is None else PriceBasis(price_basis),
    }
    fields = {
        "formula": formula,
        "inputs": tuple(inputs),
        "options": tuple(options),
        "section": section,
        "references": tuple(references),
        "description": description,
    }
    indicator = _indicator(id, domain or _caller_domain(1), given, fields)
    for opt in indicator.options:
        if opt not in OPTIONS:
            raise RuntimeError(f"indicator {id!r} uses undeclared option {opt!r}")

    def decorate(func: RecipeFunc) -> RecipeFunc:
        if id in _RECIPES:
            raise RuntimeError(f"indicator {id!r} registered twice")
        _RECIPES[id] = Recipe(indicator, func, reported_only, additive)
        return func

    return decorate


def reported(*, id: str, domain: str | None = None, **fields: Any) -> None:
    """Register an indicator that is only ever reported directly (no component formula)."""

    def take(x: ArrayInputs) -> np.ndarray:
        return x[id]

    recipe(id=id, domain=domain or _caller_domain(1), reported_only=True, **fields)(on_arrays(take))


def change_recipe(
    *,
    id: str,
    level: str,
    since: str = "base",
    notes: bool = False,
    positive: bool = False,
    domain: str | None = None,
    **fields: Any,
) -> None:
    """Register ``id`` = 100 × (level / level[base year] − 1), the change against the base year.

    ``since="previous"`` compares with the previous year instead; ``notes=True`` copies the
    method notes of ``level``; ``positive=True`` gives NaN for a negative reference value.
    """
    ref = "base year" if since == "base" else "previous year"
    fields.setdefault("formula", f"100 × ({level} / {level}[{ref}] − 1)")
    fields.setdefault("inputs", (level,))

    def change(x: ArrayInputs) -> np.ndarray:
        values = x.propagate(level) if notes else x.indicator(level)
        other = x.at_base(values) if since == "base" else x.previous(values)
        return percent_change(values, other, positive=positive)

    recipe(id=id, domain=domain or _caller_domain(1), **fields)(on_arrays(change))


def formula_recipe(
    *,
    id: str,
    func: Callable[..., Any],
    inputs: Sequence[str],
    domain: str | None = None,
    **fields: Any,
) -> None:
    """Register ``id`` = ``func(*inputs)``: a public formula applied to code-list variables.

    The variables ``inputs`` are read with ``x[code]`` and passed to ``func`` positionally, in
    the order given; ``func`` is the module's documented formula (units, Notes, References).
    """
    codes = tuple(inputs)

    def apply(x: ArrayInputs) -> np.ndarray:
        return np.asarray(func(*(x[code] for code in codes)), dtype="float64")

    recipe(id=id, inputs=codes, domain=domain or _caller_domain(1), **fields)(on_arrays(apply))


def per_gdp_recipe(
    *,
    id: str,
    func: Callable[..., Any],
    numerator: str,
    read: str = "indicator",
    domain: str | None = None,
    **fields: Any,
) -> None:
    """Register ``id`` = ``func(numerator, gdp_constant_2020)``: a level per comparable-price GDP.

    ``numerator`` is read as an indicator (``read="indicator"``), as an indicator whose method
    notes are copied (``"propagate"``) or as a variable of the code list (``"variable"``); the
    result notes the price year of the GDP.
    """
    fields.setdefault("inputs", (numerator, "gdp_constant_2020"))
    fields.setdefault("options", ("base_year",))
    if read not in ("indicator", "propagate", "variable"):
        raise ValueError(f"read must be 'indicator', 'propagate' or 'variable', not {read!r}")

    def level(x: ArrayInputs) -> np.ndarray:
        x.note(f"GDP at {x.base_year} prices (gdp_constant_2020)")
        if read == "variable":
            value = x[numerator]
        else:
            value = x.propagate(numerator) if read == "propagate" else x.indicator(numerator)
        return np.asarray(func(value, x.indicator("gdp_constant_2020")), dtype="float64")

    recipe(id=id, domain=domain or _caller_domain(1), **fields)(on_arrays(level))


def cumulative_recipe(*, id: str, annual: str, domain: str | None = None, **fields: Any) -> None:
    """Register ``id`` = Σ over base_year+1 … t of the annual indicator ``annual``."""
    fields.setdefault("formula", f"Σ_{{base+1..t}} {annual}")
    fields.setdefault(
        "description", f"Sum of {annual} from the year after the base year; NaN after a gap."
    )
    fields.setdefault("inputs", (annual,))
    fields.setdefault("options", ("base_year",))

    def cumulative(x: ArrayInputs) -> np.ndarray:
        return x.cumulative_since_base(x.indicator(annual))

    recipe(id=id, domain=domain or _caller_domain(1), **fields)(on_arrays(cumulative))


def _check_inputs() -> None:
    """Every input of every recipe is a variable of the code list or another indicator."""
    for id, rec in _RECIPES.items():
        for code in rec.indicator.inputs:
            if code not in VARIABLES and code not in _RECIPES:
                known = [*VARIABLES, *_RECIPES]
                raise CodeListError(
                    f"indicator {id!r}: input {code!r} is neither a variable of the code list "
                    f"nor an indicator.{did_you_mean(code, known)}"
                )


_LOADED = False
_FIRST = ("water",)
"""Modules imported before the others: the order options are declared in is the order they are
listed in (``compute``'s options in the report), kept stable across refactors."""


def load_all() -> None:
    """Import every domain module of ``greenplan.indicators`` (registers their recipes)."""
    global _LOADED
    if _LOADED:
        return
    modules = pkgutil.iter_modules(_package.__path__)
    names = sorted(i.name for i in modules if not i.name.startswith("_"))
    for name in [*_FIRST, *names]:
        if name != "registry":
            importlib.import_module(f"greenplan.indicators.{name}")
    _check_inputs()
    _LOADED = True


def recipes() -> dict[str, Recipe]:
    """Every registered recipe, by indicator id."""
    load_all()
    return dict(_RECIPES)


def recipes_table() -> Mapping[str, Recipe]:
    """:func:`recipes` without the copy, for lookups in loops: do not change it."""
    load_all()
    return _RECIPES


@dataclass
class Inputs:
    """Raw statistics as recipes see them: one float column per variable on ``(region, year)``.

    ``inputs["gdp"]`` returns the column as a Series on :attr:`index` (all NaN when the
    variable was not given); ``inputs.indicator("gdp_constant_2020")`` computes another
    indicator once and reuses it.
    """

    wide: pd.DataFrame
    options: dict[str, Any]
    city_fill: Callable[[pd.Series], pd.Series] | None = None
    """Fills city rows of an additive series from its districts (set by ``compute``)."""
    notes: dict[str, list[str]] = field(default_factory=dict)
    """Method notes recorded by recipes (factor vintages …), by indicator id."""
    _cache: dict[str, pd.Series] = field(default_factory=dict)
    """Indicators as Series, made from :attr:`_values` when asked for."""
    _values: dict[str, np.ndarray] = field(default_factory=dict)
    """Indicators (reported value where not computable), float64 arrays on :attr:`index`."""
    _raw_values: dict[str, np.ndarray] = field(default_factory=dict)
    """Indicators computed from components only (no reported fallback)."""
    _arrays: dict[str, np.ndarray] = field(default_factory=dict)
    """Columns of :attr:`wide` as read-only float64 arrays."""
    _array_view: list[ArrayInputs] = field(default_factory=list)
    _aux: dict[str, Any] = field(default_factory=dict)
    """Made once: region codes, years, column names, columns with a value, number of rows."""
    _stack: list[str] = field(default_factory=list)
    _columns: dict[str, pd.Series] = field(default_factory=dict)
    """Columns of :attr:`wide` as Series, made once (a frame makes a new Series per access)."""
    _levels: dict[str, pd.Index] = field(default_factory=dict)

    def note(self, text: str) -> None:
        """Record a method note (e.g. which factor was used) for the indicator being computed."""
        if self._stack:
            bucket = self.notes.setdefault(self._stack[-1], [])
            if text not in bucket:
                bucket.append(text)

    @property
    def index(self) -> pd.MultiIndex:
        """The ``(region, year)`` index every Series is aligned on."""
        return self.wide.index  # type: ignore[return-value]

    @property
    def years(self) -> pd.Index:
        """The year of each row of :attr:`index`."""
        return self._level("year")

    @property
    def regions(self) -> pd.Index:
        """The region of each row of :attr:`index`."""
        return self._level("region")

    def _level(self, name: str) -> pd.Index:
        level = self._levels.get(name)
        if level is None:
            level = self._levels[name] = self.index.get_level_values(name)
        return level

    @property
    def base_year(self) -> int:
        """The plan's base year (option ``base_year``, default 2020)."""
        return int(self.options["base_year"])

    @classmethod
    def from_block(
        cls,
        block: np.ndarray,
        index: pd.MultiIndex,
        columns: pd.Index | Sequence[str],
        options: dict[str, Any],
        city_fill: Callable[[pd.Series], pd.Series] | None = None,
    ) -> Inputs:
        """Return the inputs of a ``variables × rows`` float64 block (one row per column).

        ``wide`` is ``DataFrame(block.T, index=index, columns=columns)``, a view of the
        block, and the columns recipes read are rows of the block: they are not copied out
        of the frame again. Do not change the block afterwards.
        """
        names = columns.tolist() if isinstance(columns, pd.Index) else list(columns)
        labels = columns if isinstance(columns, pd.Index) else text_index(names)
        wide = pd.DataFrame(block.T, index=index, columns=labels, copy=False)
        x = cls(wide, options, city_fill=city_fill)
        x._aux["block"] = (_read_only(block), {name: k for k, name in enumerate(names)})
        return x

    def has(self, code: str) -> bool:
        """Whether the statistics hold any value of ``code``."""
        present = self._aux.get("present")
        if present is None:  # every column at once: one pass over the block
            block, row_of = self._columns_block()
            have = ~np.isnan(block).all(axis=1)
            names = list(row_of)  # in block order (a name given twice: its last row)
            rows = np.fromiter(row_of.values(), dtype=np.intp, count=len(names))
            present = self._aux["present"] = frozenset(
                itertools.compress(names, have[rows].tolist())
            )
        return code in present

    def in_any_year(self, series: pd.Series | np.ndarray) -> np.ndarray:
        """Per row, whether the row's region has a value of ``series`` in some year.

        ``series.notna().groupby(level="region").transform("any")`` as a boolean array, for
        a series on :attr:`index` (or a float array). A ``rows × k`` float array gives a
        ``rows × k`` answer, one column per column: several series in one pass.
        """
        codes, uniques = self._region_codes()
        have = ~np.isnan(_values_of(series))
        runs = self._region_runs()
        if runs is not None:  # the rows of each region are together: one "or" per run
            starts, run_of_row = runs
            return np.logical_or.reduceat(have, starts, axis=0)[run_of_row]
        if have.ndim == 2:  # one group per (region, column)
            k = have.shape[1]
            groups = codes[:, None] * k + np.arange(k)
            counts = np.bincount(groups[have], minlength=len(uniques) * k)
            return (counts.reshape(len(uniques), k) > 0)[codes]
        return (np.bincount(codes[have], minlength=len(uniques)) > 0)[codes]

    def __getitem__(self, code: str) -> pd.Series:
        column = self._columns.get(code)
        if column is None:
            if code in self._column_names():
                column = self.wide[code]
            else:
                column = pd.Series(np.nan, index=self.index, name=code, dtype="float64")
            self._columns[code] = column
        return column

    def column_values(self, code: str) -> np.ndarray:
        """``inputs[code]`` as a read-only float64 array (all NaN when not given)."""
        values = self._arrays.get(code)
        if values is None:
            block, row_of = self._columns_block()
            row = row_of.get(code)
            values = block[row] if row is not None else _read_only(np.full(self._size(), np.nan))
            self._arrays[code] = values
        return values

    def _columns_block(self) -> tuple[np.ndarray, dict[str, int]]:
        """Return :attr:`wide` as a read-only ``columns × rows`` float64 block.

        And the row of each column name (made once, or given by :meth:`from_block`).
        """
        made = self._aux.get("block")
        if made is None:
            block = self.wide.to_numpy(dtype="float64", na_value=np.nan).T
            names = self.wide.columns.tolist()
            made = self._aux["block"] = (_read_only(block), {n: k for k, n in enumerate(names)})
        return made

    def _column_names(self) -> Mapping[str, int]:
        """Return the column names of :attr:`wide` (for ``in``), each with its block row."""
        return self._columns_block()[1]

    def _size(self) -> int:
        """Return the number of rows of :attr:`index` (``len`` of a MultiIndex costs)."""
        size = self._aux.get("size")
        if size is None:
            size = self._aux["size"] = len(self.index)
        return size

    def option(self, name: str) -> Any:
        """Value of a ``compute`` option."""
        return self.options[name]

    def indicator(self, id: str) -> pd.Series:
        """Return the value of an indicator (reported value where it cannot be computed)."""
        series = self._cache.get(id)
        if series is None:
            values = self.indicator_values(id)
            series = self._cache[id] = pd.Series(values, index=self.index, name=id, copy=False)
        return series

    def indicator_values(self, id: str) -> np.ndarray:
        """:meth:`indicator` as a read-only float64 array on :attr:`index`."""
        values = self._values.get(id)
        if values is not None:
            return values
        stack = self._stack
        if id in stack:
            raise RuntimeError(f"circular indicator definition: {' -> '.join([*stack, id])}")
        rec = _RECIPES.get(id) if _LOADED else None
        if rec is None:
            rec = recipes_table()[id]
        stack.append(id)
        try:
            func = rec.func
            if isinstance(func, ArrayRecipe):
                view = self._array_view
                result: Any = func.func(view[0] if view else self.arrays)
            else:
                result = func(self)
        finally:
            stack.pop()
        if (
            type(result) is np.ndarray
            and result.dtype == _FLOAT64
            and result.shape == (self._size(),)
        ):
            raw = result  # what _as_values gives, without a broadcast view per recipe
        else:
            raw = self._as_values(result)
        if rec.additive and self.city_fill is not None:
            fill_array = getattr(self.city_fill, "array", None)
            if fill_array is not None:
                raw = fill_array(raw)
            else:
                filled = self.city_fill(pd.Series(raw, index=self.index, name=id))
                raw = self._as_values(filled)
        if raw.flags.writeable:  # an array already read-only (a column …) is kept as it is
            raw = _read_only(raw)
        combined = raw
        if not rec.reported_only and id in self._column_names():
            gaps = np.isnan(raw)
            if gaps.any():
                reported = self.column_values(id)
                if not np.isnan(reported[gaps]).all():
                    combined = _read_only(np.where(gaps, reported, raw))
        self._raw_values[id] = raw
        self._values[id] = combined
        return combined

    def _as_values(self, result: Any) -> np.ndarray:
        """Return a recipe's result as a float64 array on :attr:`index` (Series aligned)."""
        if isinstance(result, pd.Series):
            if not self._on_index(result):
                result = result.reindex(self.index)
            return result.to_numpy(dtype="float64", na_value=np.nan)
        return np.broadcast_to(np.asarray(result, dtype="float64"), (self._size(),))

    @property
    def arrays(self) -> ArrayInputs:
        """These inputs as an :class:`ArrayInputs`: the same values as float64 arrays."""
        view = self._array_view
        if not view:
            view.append(ArrayInputs(self))
        return view[0]

    def propagate(self, id: str) -> pd.Series:
        """Value of another indicator, with its method notes copied to the current one."""
        values = self.indicator(id)
        self._copy_notes(id)
        return values

    def _copy_notes(self, id: str) -> None:
        for text in self.notes.get(id, []):
            self.note(text)

    def origin(self, id: str) -> pd.Series:
        """Per row, ``"computed"`` or ``"reported"`` (call after :meth:`indicator`)."""
        return pd.Series(np.where(self.computed_mask(id), "computed", "reported"), index=self.index)

    def computed_mask(self, id: str) -> np.ndarray:
        """Per row, whether the value comes from components (call after :meth:`indicator`)."""
        if recipes_table()[id].reported_only:
            return np.zeros(self._size(), dtype=bool)
        return ~np.isnan(self._raw_values[id])

    def computed_only(self, id: str) -> pd.Series:
        """Value computed from components only (no reported fallback), for consistency checks.

        The same numbers :meth:`indicator` uses before it falls back on a reported value,
        including city values filled from the districts for additive indicators.
        """
        self.indicator_values(id)
        return pd.Series(self._raw_values[id], index=self.index, name=id, copy=False)

    # --- helpers over time, vectorised --------------------------------------------------

    def _region_codes(self) -> tuple[np.ndarray, pd.Index]:
        """Region of each row as an integer code, and the region of each code (made once).

        The codes of the index's region level when it has them (no text hashed again), else
        those of ``pandas.factorize``; a code only groups the rows of one region.
        """
        if "_regions" not in self._levels:
            level = level_codes(self.index, "region")
            if level is not None:
                codes, uniques = level
            else:
                codes, uniques = pd.factorize(self.regions)
            self._aux["codes"] = _read_only(codes)
            self._levels["_regions"] = uniques
        return self._aux["codes"], self._levels["_regions"]

    def _region_runs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Return where each region's run of rows starts and each row's run.

        None unless the rows of each region are together (as in a sorted index); made once.
        """
        made = self._aux.get("runs", False)
        if made is False:
            codes, _ = self._region_codes()
            made = None
            if codes.size and bool((codes[1:] >= codes[:-1]).all()):
                change = np.r_[True, codes[1:] != codes[:-1]]
                made = (np.flatnonzero(change), np.cumsum(change) - 1)
            self._aux["runs"] = made
        return made

    def _on_index(self, series: pd.Series) -> bool:
        """Whether ``series`` is positionally aligned on :attr:`index` (a view of it)."""
        return series.index.is_(self.index) or series.index.equals(self.index)

    def _distinct_years(self) -> tuple[np.ndarray, np.ndarray]:
        made = self._aux.get("distinct_years")
        if made is None:
            distinct, position = np.unique(self._years_values(), return_inverse=True)
            position = position.ravel()
            made = self._aux["distinct_years"] = (_read_only(distinct), _read_only(position))
        return made

    def _years_values(self) -> np.ndarray:
        years = self._aux.get("years")
        if years is None:
            level = level_codes(self.index, "year") if "year" not in self._levels else None
            if level is not None and level[1].dtype == _INT64:
                codes, values = level
                years = values.to_numpy()[codes]  # the year level read through its codes
            else:
                years = self.years.to_numpy(dtype="int64")
            years = self._aux["years"] = _read_only(years)
        return years

    def at_year(self, series: SeriesOrArray, year: int) -> SeriesOrArray:
        """For each row, the value of the same region in ``year`` (NaN where absent).

        ``series`` is a Series on :attr:`index` or a float array; the result is the same kind.
        """
        codes, uniques = self._region_codes()
        rows_of_year: dict[int, tuple[np.ndarray, np.ndarray]] = self._aux.setdefault("at", {})
        found = rows_of_year.get(year)
        if found is None:  # the rows of the year (reversed: the first wins), and their regions
            rows = np.flatnonzero(self._years_values() == year)[::-1]
            found = rows_of_year[year] = (rows, codes[rows])
        rows, row_codes = found
        values = _values_of(series)
        by_region = np.full(len(uniques), np.nan)
        by_region[row_codes] = values[rows]
        return self._like(series, by_region[codes])

    def at_base(self, series: SeriesOrArray) -> SeriesOrArray:
        """For each row, the value of the same region in the base year."""
        return self.at_year(series, self.base_year)

    def _like(self, given: Any, values: np.ndarray) -> Any:
        """``values`` as an array if ``given`` is one, else as a Series on :attr:`index`."""
        if isinstance(given, np.ndarray):
            return values
        return pd.Series(values, index=self.index, dtype="float64", copy=False)

    def previous(self, series: SeriesOrArray) -> SeriesOrArray:
        """For each row, the value of the same region in the previous calendar year.

        ``series`` is a Series on :attr:`index` or a float array; the result is the same kind.
        """
        if isinstance(series, pd.Series) and not self._on_index(series):
            prev_index = pd.MultiIndex.from_arrays([self.regions, self.years - 1])
            values = series.reindex(prev_index).to_numpy()
            return pd.Series(values, index=self.index, dtype="float64")
        made = self._aux.get("previous")
        if made is None:
            codes, _ = self._region_codes()
            years = self._years_values()
            first = int(years.min()) if len(years) else 0
            span = int(years.max()) - first + 2 if len(years) else 1
            key = codes.astype("int64") * span + (years - first)
            order = np.argsort(key, kind="stable")
            wanted = key - 1
            at = np.minimum(np.searchsorted(key[order], wanted), max(len(key) - 1, 0))
            found = key[order][at] == wanted if len(key) else np.zeros(0, dtype=bool)
            position = np.where(found, order[at], -1)
            made = self._aux["previous"] = (position, position >= 0)
        position, has_previous = made
        values = _values_of(series)
        out = np.where(has_previous, values[position], np.nan)
        return self._like(series, out)

    def cumulative_since_base(self, series: SeriesOrArray) -> SeriesOrArray:
        """Sum over base_year+1 … year of an annual series, per region.

        NaN from the first year with a missing value on (a gap makes the sum unknown).
        Years ≤ base year are NaN. A Series gives a Series, an array an array.
        """
        return self._like(series, _chain_values(self, _values_of(series), np.add, 0.0))

    def cumulative_product_since_base(self, factors: SeriesOrArray) -> SeriesOrArray:
        """Product over base_year+1 … year of annual factors, per region; 1 in the base year.

        NaN from the first year with a missing factor on; years before the base are NaN.
        A Series gives a Series, an array an array.
        """
        prod = _chain_values(self, _values_of(factors), np.multiply, 1.0)
        out = np.where(self._years_values() == self.base_year, 1.0, prod)
        return self._like(factors, out)


def text_index(texts: Sequence[str]) -> pd.Index:
    """Return ``pandas.Index(list(texts))``, the same texts in the same order.

    Made once per distinct list (the variable codes of a table, the regions of the wide
    index: a few lists recur); each call returns a new view, so setting its name changes no
    other frame.

    Examples
    --------
    >>> text_index(["gdp", "water_use"]).tolist()
    ['gdp', 'water_use']
    """
    return _text_index(tuple(texts)).view()


@functools.lru_cache(maxsize=256)
def _text_index(texts: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(texts))


_FLOAT64 = np.dtype("float64")
_INT64 = np.dtype("int64")


def level_codes(index: pd.Index, name: str) -> tuple[np.ndarray, pd.Index] | None:
    """Return the codes and values of the level ``name`` of a MultiIndex (None: it has none).

    None too when a row has no value there (code −1): ``factorize`` then decides.
    """
    if not isinstance(index, pd.MultiIndex) or name not in index.names:
        return None
    at = index.names.index(name)
    codes = np.asarray(index.codes[at], dtype=np.intp)
    if codes.size and codes.min() < 0:
        return None
    return codes, index.levels[at]


def _read_only(values: np.ndarray) -> np.ndarray:
    """Return a read-only view of ``values`` (recipes share the arrays of :class:`Inputs`)."""
    view = values.view()
    view.flags.writeable = False
    return view


def _values_of(series: Any) -> np.ndarray:
    """Return a Series or array-like as a float64 array."""
    if isinstance(series, pd.Series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(series, dtype="float64")


def chain_since_base(
    x: Inputs, series: pd.Series, op: Callable[[Any, Any], Any], start: float
) -> pd.Series:
    """Accumulate ``series`` with ``op`` over base_year+1 … year per region (NaN after a gap)."""
    out = _chain_values(x, series.to_numpy(dtype="float64"), op, start)
    return pd.Series(out, index=x.index, dtype="float64")


def _chain_values(
    x: Inputs, values: np.ndarray, op: Callable[[Any, Any], Any], start: float
) -> np.ndarray:
    """:func:`chain_since_base` on a float array."""
    base = x.base_year
    years = x._years_values()
    out = np.full(len(years), np.nan)
    after = years > base
    if not after.any():
        return out
    codes, uniques = x._region_codes()
    # one row per region, one column per year base+1 … last (absent years stay NaN)
    col = years[after] - (base + 1)
    grid = np.full((len(uniques), int(col.max()) + 1), np.nan)
    grid[codes[after], col] = values[after]
    if isinstance(op, np.ufunc):  # the same steps as the loop below, in one call
        steps = np.concatenate([np.full((len(uniques), 1), start), grid], axis=1)
        grid = op.accumulate(steps, axis=1)[:, 1:]
    else:
        acc = np.full(len(uniques), start, dtype="float64")
        for j in range(grid.shape[1]):  # over years (≤ a few dozen), vectorised over regions
            acc = op(acc, grid[:, j])
            grid[:, j] = acc
    out[after] = grid[codes[after], col]
    return out


class ArrayInputs:
    """:class:`Inputs` as recipes marked :func:`on_arrays` see them: float64 arrays, no Series.

    The same values, names and helpers as :class:`Inputs`, but ``inputs[code]``,
    ``indicator``, ``propagate`` and the helpers over time return read-only float64 arrays,
    one value per row of :attr:`index`, and ``years`` / ``regions`` are arrays too: a recipe
    of a few arithmetic steps then costs microseconds, not the fixed cost of a pandas
    operation per step.
    """

    __slots__ = ("_regions", "_x", "years")

    def __init__(self, inputs: Inputs) -> None:
        self._x = inputs
        self.years: np.ndarray = inputs._years_values()
        self._regions: np.ndarray | None = None

    @property
    def regions(self) -> np.ndarray:
        """The region of each row (an object array)."""
        if self._regions is None:
            self._regions = _read_only(self._x.regions.to_numpy(dtype=object))
        return self._regions

    @property
    def inputs(self) -> Inputs:
        """The :class:`Inputs` these arrays are of."""
        return self._x

    @property
    def index(self) -> pd.MultiIndex:
        """The ``(region, year)`` index every array is aligned on."""
        return self._x.index

    @property
    def options(self) -> dict[str, Any]:
        """The resolved ``compute`` options."""
        return self._x.options

    @property
    def base_year(self) -> int:
        """The plan's base year (option ``base_year``)."""
        return self._x.base_year

    def __getitem__(self, code: str) -> np.ndarray:
        values = self._x._arrays.get(code)
        return values if values is not None else self._x.column_values(code)

    def __len__(self) -> int:
        return len(self.years)

    def nan(self) -> np.ndarray:
        """Return a new all-NaN float64 array, one value per row."""
        return np.full(len(self.years), np.nan)

    def option(self, name: str) -> Any:
        """Value of a ``compute`` option."""
        return self._x.options[name]

    def note(self, text: str) -> None:
        """Record a method note for the indicator being computed."""
        self._x.note(text)

    def has(self, code: str) -> bool:
        """Whether the statistics hold any value of ``code``."""
        return self._x.has(code)

    def indicator(self, id: str) -> np.ndarray:
        """Return the value of an indicator (reported value where it cannot be computed)."""
        return self._x.indicator_values(id)

    def propagate(self, id: str) -> np.ndarray:
        """Value of another indicator, with its method notes copied to the current one."""
        values = self._x.indicator_values(id)
        self._x._copy_notes(id)
        return values

    def in_any_year(self, values: np.ndarray) -> np.ndarray:
        """Per row, whether the row's region has a value in some year (per column if 2-d)."""
        return self._x.in_any_year(values)

    def at_year(self, values: np.ndarray, year: int) -> np.ndarray:
        """For each row, the value of the same region in ``year`` (NaN where absent)."""
        return self._x.at_year(np.asarray(values, dtype="float64"), year)

    def once(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """Return ``make()``, called once per inputs for ``key`` (later calls reuse it).

        For a result several recipes need (do not change what it returns): ``key`` names
        what ``make`` computes, with everything it depends on besides these inputs.
        """
        made: dict[Hashable, Any] = self._x._aux.setdefault("once", {})
        if key not in made:
            made[key] = make()
        return made[key]

    def distinct_years(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the distinct years of the rows (ascending) and each row's position in them.

        ``numpy.unique(years, return_inverse=True)``, made once.
        """
        return self._x._distinct_years()

    def at_base(self, values: np.ndarray) -> np.ndarray:
        """For each row, the value of the same region in the base year."""
        return self.at_year(values, self._x.base_year)

    def previous(self, values: np.ndarray) -> np.ndarray:
        """For each row, the value of the same region in the previous calendar year."""
        return self._x.previous(np.asarray(values, dtype="float64"))

    def cumulative_since_base(self, values: np.ndarray) -> np.ndarray:
        """Sum over base_year+1 … year per region (NaN after a gap)."""
        return _chain_values(self._x, np.asarray(values, dtype="float64"), np.add, 0.0)

    def cumulative_product_since_base(self, values: np.ndarray) -> np.ndarray:
        """Product over base_year+1 … year per region; 1 in the base year."""
        return self._x.cumulative_product_since_base(np.asarray(values, dtype="float64"))

    def region_codes(self) -> tuple[np.ndarray, pd.Index]:
        """Region of each row as an integer code, and the regions."""
        return self._x._region_codes()


ArrayRecipeFunc = Callable[[ArrayInputs], Any]


class ArrayRecipe:
    """A recipe written on arrays (:func:`on_arrays`); called with :class:`Inputs` as any other.

    ``compute`` calls :attr:`func` with the :class:`ArrayInputs` directly; called with an
    :class:`Inputs` it returns a Series on the inputs' index, as a recipe must.
    """

    def __init__(self, func: ArrayRecipeFunc) -> None:
        self.func = func
        functools.update_wrapper(self, func)

    def __call__(self, x: Inputs) -> pd.Series:
        values = x._as_values(self.func(x.arrays))
        return pd.Series(values, index=x.index, dtype="float64")


def on_arrays(func: ArrayRecipeFunc) -> RecipeFunc:
    """Mark a recipe as written on :class:`ArrayInputs` (float arrays, not Series).

    Put it under :func:`recipe`::

        @recipe(id="...", ...)
        @on_arrays
        def _ratio(x: ArrayInputs) -> np.ndarray:
            return share_percent(x["part"], x["whole"])

    The recipe may return an array (or a Series on the index).
    """
    return ArrayRecipe(func)

"""Registry of indicators, their recipes and the options that change them.

A domain module (``greenplan/indicators/energy.py`` …) holds two things:

* **pure formula functions** that take numbers (scalars, arrays, Series) in documented
  canonical units and return the same container;
* **recipes**: small functions registered with :func:`recipe` that take an :class:`Inputs`
  (the raw statistics pivoted to one column per variable, indexed by ``(region, year)``) and
  return a Series on that index, by calling the formula functions.

``compute()`` runs recipes; nothing here reads files, prints, or touches pint.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import greenplan.indicators as _package
from greenplan.definitions import CodeListError, Direction, Indicator, PriceBasis
from greenplan.indicators._common import percent_change
from greenplan.options import OptionSet, OptionSpec, did_you_mean
from greenplan.variables import VARIABLES

__all__ = [
    "OPTIONS",
    "Inputs",
    "OptionSpec",
    "Recipe",
    "change_recipe",
    "cumulative_recipe",
    "declare_option",
    "load_all",
    "recipe",
    "recipes",
    "resolve_options",
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
    must return a float Series on ``inputs.index`` (NaN where it cannot be computed). The
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

    def take(x: Inputs) -> pd.Series:
        return x[id]

    recipe(id=id, domain=domain or _caller_domain(1), reported_only=True, **fields)(take)


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

    def change(x: Inputs) -> pd.Series:
        values = x.propagate(level) if notes else x.indicator(level)
        other = x.at_base(values) if since == "base" else x.previous(values)
        return percent_change(values, other, positive=positive)

    recipe(id=id, domain=domain or _caller_domain(1), **fields)(change)


def cumulative_recipe(*, id: str, annual: str, domain: str | None = None, **fields: Any) -> None:
    """Register ``id`` = Σ over base_year+1 … t of the annual indicator ``annual``."""
    fields.setdefault("formula", f"Σ_{{base+1..t}} {annual}")
    fields.setdefault("inputs", (annual,))
    fields.setdefault("options", ("base_year",))

    def cumulative(x: Inputs) -> pd.Series:
        return x.cumulative_since_base(x.indicator(annual))

    recipe(id=id, domain=domain or _caller_domain(1), **fields)(cumulative)


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
    _raw: dict[str, pd.Series] = field(default_factory=dict)
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

    def has(self, code: str) -> bool:
        """Whether the statistics hold any value of ``code``."""
        if "_present" not in self._levels:
            block = np.isnan(self.wide.to_numpy(dtype="float64"))
            self._levels["_present"] = self.wide.columns[~block.all(axis=0)]
        return code in self._levels["_present"]

    def in_any_year(self, series: pd.Series) -> np.ndarray:
        """Per row, whether the row's region has a value of ``series`` in some year.

        ``series.notna().groupby(level="region").transform("any")`` as a boolean array, for
        a series on :attr:`index`.
        """
        codes, uniques = self._region_codes()
        have = ~np.isnan(series.to_numpy(dtype="float64", na_value=np.nan))
        return (np.bincount(codes[have], minlength=len(uniques)) > 0)[codes]

    def __getitem__(self, code: str) -> pd.Series:
        column = self._columns.get(code)
        if column is None:
            if code in self.wide.columns:
                column = self.wide[code]
            else:
                column = pd.Series(np.nan, index=self.index, name=code, dtype="float64")
            self._columns[code] = column
        return column

    def option(self, name: str) -> Any:
        """Value of a ``compute`` option."""
        return self.options[name]

    def indicator(self, id: str) -> pd.Series:
        """Return the value of an indicator (reported value where it cannot be computed)."""
        if id in self._cache:
            return self._cache[id]
        if id in self._stack:
            raise RuntimeError(f"circular indicator definition: {' -> '.join([*self._stack, id])}")
        rec = recipes()[id]
        self._stack.append(id)
        try:
            raw = rec.func(self).astype("float64")
        finally:
            self._stack.pop()
        if rec.additive and self.city_fill is not None:
            raw = self.city_fill(raw)
        combined = raw
        if not rec.reported_only and id in self.wide.columns:
            reported = self[id]
            gaps = np.isnan(raw.to_numpy())
            if gaps.any() and not np.isnan(reported.to_numpy()[gaps]).all():
                combined = raw.fillna(reported)
        self._raw[id] = raw
        self._cache[id] = combined
        return combined

    def propagate(self, id: str) -> pd.Series:
        """Value of another indicator, with its method notes copied to the current one."""
        values = self.indicator(id)
        for text in self.notes.get(id, []):
            self.note(text)
        return values

    def origin(self, id: str) -> pd.Series:
        """Per row, ``"computed"`` or ``"reported"`` (call after :meth:`indicator`)."""
        return pd.Series(np.where(self.computed_mask(id), "computed", "reported"), index=self.index)

    def computed_mask(self, id: str) -> np.ndarray:
        """Per row, whether the value comes from components (call after :meth:`indicator`)."""
        if recipes()[id].reported_only:
            return np.zeros(len(self.index), dtype=bool)
        return ~np.isnan(self._raw[id].to_numpy(dtype="float64"))

    def computed_only(self, id: str) -> pd.Series:
        """Value computed from components only (no reported fallback), for consistency checks.

        The same numbers :meth:`indicator` uses before it falls back on a reported value,
        including city values filled from the districts for additive indicators.
        """
        self.indicator(id)
        return self._raw[id]

    # --- helpers over time, vectorised --------------------------------------------------

    def _region_codes(self) -> tuple[np.ndarray, pd.Index]:
        """Region of each row as an integer code, and the regions (made once)."""
        if "_codes" not in self._levels:
            codes, uniques = pd.factorize(self.regions)
            self._levels["_codes"] = pd.Index(codes)
            self._levels["_regions"] = uniques
        return self._levels["_codes"].to_numpy(), self._levels["_regions"]

    def _on_index(self, series: pd.Series) -> bool:
        """Whether ``series`` is positionally aligned on :attr:`index` (a view of it)."""
        return series.index.is_(self.index) or series.index.equals(self.index)

    def at_year(self, series: pd.Series, year: int) -> pd.Series:
        """For each row, the value of the same region in ``year`` (NaN where absent)."""
        codes, uniques = self._region_codes()
        rows = np.flatnonzero(np.asarray(self.years == year))[::-1]  # reversed: first wins
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        by_region = np.full(len(uniques), np.nan)
        by_region[codes[rows]] = values[rows]
        return pd.Series(by_region[codes], index=self.index, dtype="float64")

    def at_base(self, series: pd.Series) -> pd.Series:
        """For each row, the value of the same region in the base year."""
        return self.at_year(series, self.base_year)

    def previous(self, series: pd.Series) -> pd.Series:
        """For each row, the value of the same region in the previous calendar year."""
        if not self._on_index(series):
            prev_index = pd.MultiIndex.from_arrays([self.regions, self.years - 1])
            values = series.reindex(prev_index).to_numpy()
            return pd.Series(values, index=self.index, dtype="float64")
        if "_previous" not in self._levels:
            codes, _ = self._region_codes()
            years = self.years.to_numpy(dtype="int64")
            first = int(years.min()) if len(years) else 0
            span = int(years.max()) - first + 2 if len(years) else 1
            key = codes.astype("int64") * span + (years - first)
            order = np.argsort(key, kind="stable")
            wanted = key - 1
            at = np.minimum(np.searchsorted(key[order], wanted), max(len(key) - 1, 0))
            found = key[order][at] == wanted if len(key) else np.zeros(0, dtype=bool)
            self._levels["_previous"] = pd.Index(np.where(found, order[at], -1))
        position = self._levels["_previous"].to_numpy()
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        out = np.where(position >= 0, values[position], np.nan)
        return pd.Series(out, index=self.index, dtype="float64")

    def cumulative_since_base(self, series: pd.Series) -> pd.Series:
        """Sum over base_year+1 … year of an annual series, per region.

        NaN from the first year with a missing value on (a gap makes the sum unknown).
        Years ≤ base year are NaN.
        """
        return chain_since_base(self, series, np.add, 0.0)

    def cumulative_product_since_base(self, factors: pd.Series) -> pd.Series:
        """Product over base_year+1 … year of annual factors, per region; 1 in the base year.

        NaN from the first year with a missing factor on; years before the base are NaN.
        """
        prod = chain_since_base(self, factors, np.multiply, 1.0)
        return prod.mask(self.years == self.base_year, 1.0)


def chain_since_base(
    x: Inputs, series: pd.Series, op: Callable[[Any, Any], Any], start: float
) -> pd.Series:
    """Accumulate ``series`` with ``op`` over base_year+1 … year per region (NaN after a gap)."""
    base = x.base_year
    years = x.years.to_numpy(dtype="int64")
    out = np.full(len(years), np.nan)
    after = years > base
    if not after.any():
        return pd.Series(out, index=x.index, dtype="float64")
    codes, uniques = x._region_codes()
    # one row per region, one column per year base+1 … last (absent years stay NaN)
    col = years[after] - (base + 1)
    grid = np.full((len(uniques), int(col.max()) + 1), np.nan)
    grid[codes[after], col] = series.to_numpy(dtype="float64")[after]
    acc = np.full(len(uniques), start, dtype="float64")
    for j in range(grid.shape[1]):  # over years (≤ a few dozen), vectorised over regions
        acc = op(acc, grid[:, j])
        grid[:, j] = acc
    out[after] = grid[codes[after], col]
    return pd.Series(out, index=x.index, dtype="float64")

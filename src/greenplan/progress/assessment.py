"""Every target for every region of an indicator table: :func:`assess`.

Per (target, region): pick the baseline and the latest value from the data (units reconciled),
then hand off to :func:`~greenplan.progress.evaluation.evaluate`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd

from greenplan._provenance import freeze
from greenplan.definitions import Direction, Target, TargetKind, TargetScope
from greenplan.errors import OptionError, UnitError
from greenplan.messages import msg
from greenplan.options import hint
from greenplan.plans import Plan, resolve_plan
from greenplan.progress import rates
from greenplan.progress.evaluation import _evaluation_fields, _status_labels
from greenplan.progress.options import (
    AssessOptions,
    Options,
    parse_options,
    split_assess_only,
    year_of,
)
from greenplan.progress.status import STATUS_LABELS, Method, Status, parse_choice
from greenplan.regions import CITY, REGIONS
from greenplan.targets import SUPPLEMENTARY_TARGETS
from greenplan.units import factor

_log = logging.getLogger(__name__)

ASSESS_COLUMNS: tuple[str, ...] = (
    "key",
    "indicator",
    "region",
    "section",
    "name_zh",
    "name_en",
    "kind",
    "bound",
    "aspirational",
    "unit",
    "baseline_year",
    "baseline",
    "latest_year",
    "latest",
    "target_year",
    "target",
    "target_level",
    "change",
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "status",
    "status_zh",
    "status_en",
    "reason",
    "required_annual_change",
    "projected",
    "projected_gap",
    "method",
    "notes",
)
"""Columns of :func:`assess`, in order (a contract other modules rely on)."""

_VALUE_COLUMNS = ("region", "year", "indicator", "value", "unit")
_FLOAT_COLUMNS = (
    "baseline",
    "latest",
    "target",
    "target_level",
    "change",
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "required_annual_change",
    "projected",
    "projected_gap",
)
_ROW_OPTIONS = frozenset({"bound", "aspirational", "series"})


@dataclass(frozen=True, eq=False)
class _Series:
    """One (indicator, region) series: years ascending, values in one unit."""

    years: np.ndarray
    """The years, ascending and unique (the dtype of the input's ``year`` column)."""
    values: np.ndarray
    """The values of those years, float64, in ``unit``."""
    unit: str | None
    notes: tuple[str, ...] = ()
    problem: str = ""

    def up_to(self, as_of: int | float | None) -> tuple[np.ndarray, np.ndarray]:
        """Return (years, values) of the years ≤ ``as_of`` (all of them when None)."""
        if as_of is None:
            return self.years, self.values
        keep = self.years <= as_of
        return self.years[keep], self.values[keep]


_NO_YEARS = np.empty(0, dtype="int64")
_NO_VALUES = np.empty(0, dtype="float64")


def assess(
    values: pd.DataFrame,
    year: int | None = None,
    targets: Mapping[str, Target] | Iterable[str | Target] | None = None,
    method: Method | str = "sequential",
    *,
    plan: Plan | str | Path | None = None,
    **options: Unpack[AssessOptions],
) -> pd.DataFrame:
    """Assess every target for every region of an indicator table.

    Parameters
    ----------
    values : pandas.DataFrame
        The output of :func:`greenplan.compute`: a long table with columns ``region``,
        ``year``, ``indicator``, ``value``, ``unit`` (extra columns are ignored). Rows with a
        missing value are ignored. For ``cumulative`` targets the indicator holds the
        *annual* additions.
    year : int, optional
        Assess as of this year: the latest value is taken in ``year`` or the latest year
        before it with data. Default: the latest year with data, per series.
    targets : mapping, iterable or None
        Targets to assess: None for the plan's targets; a mapping ``{key: Target}`` (e.g. from
        :func:`greenplan.targets.with_presets`); or an iterable of keys (looked up in the
        plan's targets and ``SUPPLEMENTARY_TARGETS``) and/or ``Target`` objects.
    method : {"sequential", "escap", "eurostat"}, default "sequential"
        Assessment method (see :func:`evaluate`).
    plan : Plan, path or None
        The plan (:func:`greenplan.load_plan`); default the shipped Jinan 14th plan. Its
        targets, base year and target year are used.
    **options
        Options of :func:`evaluate` (:class:`AssessOptions`), and ``baseline_from_later_year``
        (default False) and ``rate_decimals`` (default 1). ``bound`` and ``aspirational`` come
        from each Target and ``series`` from the data, so they cannot be passed.

    Returns
    -------
    pandas.DataFrame
        One row per (target, region), targets in the given order, regions in
        :data:`greenplan.regions.REGIONS` order (others after, as first seen), with the
        columns :data:`ASSESS_COLUMNS`. ``status`` holds the :class:`Status` value;
        ``required_annual_change`` is in indicator units per year; ``notes`` explains the
        status and every fallback. ``df.attrs["greenplan"]`` records the method, the year and
        the options. Use :func:`style` for a coloured notebook display.

    Raises
    ------
    OptionError
        Missing columns, conflicting duplicate rows, an unknown target key, or a bad method or
        option.

    Notes
    -----
    Per target and region the baseline is of the target's base year (the plan's), from the
    first of: the data's value; the plan's own figure (``Target.baseline``, from the plan's
    ``baselines.csv``); the value implied by a level and a reported change of the same year.
    Never a later year, unless ``baseline_from_later_year=True`` for a ``level`` target: else
    the row is not assessable with ``reason`` ``no_base_year_value``.

    A target applies where its scope (``Target.scope``, the plan's ``scope`` column) says: a
    ``city_total`` (an absolute figure of the whole city) is assessed for the plan's city
    only, a district's row is not assessable with ``reason`` ``city_wide_target``; a
    ``city_rate`` is the city's and a district is compared with it as a reference (noted);
    an ``any_region`` target applies in every region.

    Published rates are inputs: ``<indicator>_change`` (vs the base year, %) and
    ``<indicator>_annual_change`` (on the previous year, %) rows of ``values``. Annual rates
    chain into the cumulative change only without a gap. A change target without levels is
    assessed from the cumulative change (on an index, base year = 100). Where levels give
    the same year, the levels win and a disagreement beyond the rounding is noted.

    At or after the target year the status is ``achieved`` or ``not_achieved`` (final
    evaluation, 总结评估). An assigned target without a value still shows its baseline,
    latest value and ``change`` (vs the base year, %). Cumulative targets sum the annual
    additions after the base year; ``non_increase`` targets use the whole series. Units are
    reconciled with :mod:`greenplan.units`.

    Examples
    --------
    >>> import pandas as pd
    >>> from greenplan.progress import assess
    >>> values = pd.DataFrame({  # synthetic
    ...     "region": "济南市", "year": [2020, 2023], "indicator": "forest_coverage",
    ...     "value": [11.4, 12.5], "unit": "%"})
    >>> df = assess(values, targets=["forest_coverage"])
    >>> df.loc[0, "status"], round(float(df.loc[0, "completion"]), 4)  # 1.1/2.28
    ('behind_schedule', 0.4825)
    """
    method_: Method = parse_choice(Method, method, "method")
    fixed = sorted(_ROW_OPTIONS & set(options))
    if fixed:
        raise OptionError(msg("progress.assess_fixed_options", names=", ".join(map(repr, fixed))))
    options, reading = split_assess_only(options)  # type: ignore[assignment]
    parse_options(options, method_, None)  # unknown names and bad values raise here
    as_of = None if year is None else year_of(year, "year")
    plan_ = resolve_plan(plan)
    reading["city"] = plan_.city  # the plan's figures are the city's
    table = _check_values(values)
    tmap = _resolve_targets(targets, plan_)
    wanted = {f"{t.indicator}{s}" for t in tmap.values() for s in ("", *_RATE_SUFFIXES)}
    preferred = {
        t.indicator: t.unit
        for t in tmap.values()
        if t.unit and t.kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.FULL_COVERAGE)
    }
    series = _split_series(table, wanted, preferred)
    regions = _ordered_regions(table.region.labels)
    data: dict[tuple[str, str], _Data] = {}
    opts_cache: dict[tuple[Any, ...], Options] = {}
    rows = []
    for target in tmap.values():
        per_target = _Fixed.of(target, method_, plan_.target_year)
        for region in regions:
            key = (target.indicator, region)
            if key not in data:
                data[key] = _Data.of(series, target.indicator, region)
            rows.append(
                _assess_one(
                    target,
                    per_target,
                    region,
                    data[key],
                    as_of,
                    method_,
                    options,
                    reading,
                    opts_cache,
                )
            )
    df = _frame(rows)
    df.attrs["greenplan"] = freeze(
        {
            "method": method_.value,
            "year": as_of,
            "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
            "plan": plan_.describe(),
        }
    )
    if _log.isEnabledFor(logging.INFO):
        counts = df["status"].value_counts().to_dict() if "status" in df else {}
        _log.info(
            "assessed %d row(s) as of %s (%s): %s",
            len(df),
            as_of or "the latest year with data",
            method_.value,
            ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing to assess",
        )
    return df


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the output frame once, from column lists: numbers float64, whole years Int64."""
    if not rows:  # no rows: no type to infer, object columns
        empty = pd.DataFrame({c: np.empty(0, dtype=object) for c in ASSESS_COLUMNS})
        return empty.astype({c: "float64" for c in _FLOAT_COLUMNS} | _EMPTY_TYPES)
    columns: dict[str, Any] = dict(
        zip(ASSESS_COLUMNS, map(list, zip(*map(_ROW_GETTER, rows), strict=True)), strict=True)
    )
    for col in _FLOAT_COLUMNS:
        columns[col] = _floats(columns[col])
    for col in _YEAR_COLUMNS:
        years = _floats(columns[col])
        missing = np.isnan(years)
        if bool((years[~missing] % 1 == 0).all()):
            columns[col] = pd.arrays.IntegerArray(
                np.where(missing, 0, years).astype("int64"), missing
            )
        else:
            columns[col] = years  # fractions stay float: within-year reporting
    columns["aspirational"] = np.array(columns["aspirational"], dtype=bool)
    for col in _STR_COLUMNS:
        items = columns[col]
        types = set(map(type, items))
        if str in types and types <= _STR_OR_NONE:  # what inference would give, directly
            columns[col] = pd.array(items, dtype="str")
    return pd.DataFrame(columns)


_ROW_GETTER = itemgetter(*ASSESS_COLUMNS)
_YEAR_COLUMNS = ("baseline_year", "latest_year", "target_year")
_STR_COLUMNS = tuple(
    c for c in ASSESS_COLUMNS if c not in (*_FLOAT_COLUMNS, *_YEAR_COLUMNS, "aspirational")
)
_STR_OR_NONE = frozenset({str, type(None)})
_EMPTY_TYPES = {c: "Int64" for c in _YEAR_COLUMNS} | {"aspirational": "bool"}


def _floats(items: list[Any]) -> np.ndarray:
    """``pd.to_numeric(items, errors="coerce")`` as float64, for a list of numbers and Nones."""
    try:
        return np.array(items, dtype="float64")  # None becomes NaN
    except (TypeError, ValueError):
        as_series = pd.Series(items, dtype=object)
        return pd.to_numeric(as_series, errors="coerce").astype("float64").to_numpy()


@dataclass(frozen=True, eq=False)
class _Table:
    """The checked input of :func:`assess` as arrays: rows with a value and a year."""

    indicator: _Codes
    region: _Codes
    year: np.ndarray
    """Numeric years (the dtype :func:`pandas.to_numeric` gave the column)."""
    value: np.ndarray
    """float64."""
    unit: np.ndarray
    """str, stripped; "" for none."""


def _check_values(values: Any) -> _Table:
    if not isinstance(values, pd.DataFrame):
        raise OptionError(msg("progress.values_not_frame", type=type(values).__name__))
    missing = [c for c in _VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise OptionError(
            msg(
                "progress.values_missing_columns",
                missing=", ".join(missing),
                expected=", ".join(_VALUE_COLUMNS),
            )
        )
    # Column by column, without copying the frame (and its attrs) for every step.
    cols = {c: values[c] for c in _VALUE_COLUMNS}
    cols["value"] = pd.to_numeric(cols["value"], errors="coerce")
    cols["year"] = pd.to_numeric(cols["year"], errors="coerce")
    keep = (cols["value"].notna() & cols["year"].notna()).to_numpy()
    if not keep.all():
        cols = {c: col[keep] for c, col in cols.items()}
    indicator, region = _str_codes(cols["indicator"]), _str_codes(cols["region"])
    year = cols["year"].to_numpy()
    if _has_duplicates(indicator.raw_codes, region.raw_codes, year):
        return _deduplicated(pd.DataFrame(cols))
    return _Table(
        indicator, region, year, cols["value"].to_numpy(dtype=float), _units(cols["unit"])
    )


def _has_duplicates(*keys: np.ndarray) -> bool:
    """Return whether two rows have the same value in each of ``keys``."""
    if len(keys[0]) < 2:
        return False
    codes = [pd.factorize(k, use_na_sentinel=False)[0] for k in keys]
    order = np.lexsort(codes[::-1])
    same = np.ones(len(order) - 1, dtype=bool)
    for c in codes:
        sorted_c = c[order]
        same &= sorted_c[1:] == sorted_c[:-1]
    return bool(same.any())


def _deduplicated(frame: pd.DataFrame) -> _Table:
    """Drop repeated (indicator, region, year) rows; refuse those with different values."""
    keys = ["indicator", "region", "year"]
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        conflicts = frame[dup].groupby(keys, sort=False)["value"].nunique()
        conflicts = conflicts[conflicts > 1]
        if len(conflicts):
            first = conflicts.index[0]
            raise OptionError(msg("progress.values_conflict", n=len(conflicts), first=str(first)))
        frame = frame.drop_duplicates(keys)
    return _Table(
        _str_codes(frame["indicator"]),
        _str_codes(frame["region"]),
        frame["year"].to_numpy(),
        frame["value"].to_numpy(dtype=float),
        _units(frame["unit"]),
    )


def _units(unit: pd.Series) -> np.ndarray:
    """Return the units as stripped str, "" for a missing one (converted per distinct value)."""
    codes, uniques = pd.factorize(unit, use_na_sentinel=False)
    distinct = pd.Series(uniques, dtype=object)
    distinct = distinct.where(distinct.notna(), "").astype(str).str.strip()
    return distinct.to_numpy(dtype=object)[codes]


def _resolve_targets(targets: Any, plan: Plan) -> dict[str, Target]:
    if targets is None:
        return dict(plan.targets)
    if isinstance(targets, Mapping):
        out = dict(targets)
        bad = [k for k, v in out.items() if not isinstance(v, Target)]
        if bad:
            raise OptionError(msg("progress.not_a_target", key=repr(bad[0])))
        return out
    if isinstance(targets, str | Target):
        targets = [targets]
    known = {**dict(plan.targets), **dict(SUPPLEMENTARY_TARGETS)}
    out = {}
    for item in targets:
        if isinstance(item, Target):
            out[item.key] = item
        elif item in known:
            out[item] = known[item]
        else:
            raise OptionError(msg("errors.unknown_target", key=repr(item), hint=hint(item, known)))
    return out


@dataclass(frozen=True, eq=False)
class _Codes:
    """A column as integer codes into its distinct values, as ``astype(str)`` gives them."""

    codes: np.ndarray
    """Per row, the position of its value in ``labels``."""
    labels: list[Any]
    """The distinct values as ``str`` (a missing value stays missing), in order of first
    appearance."""
    raw_codes: np.ndarray
    """Per row, the position of its value in ``raw``."""
    raw: list[Any]
    """The distinct values as given (1 and "1" are two here, one in ``labels``)."""


def _str_codes(column: pd.Series) -> _Codes:
    """Factorize ``column`` once; convert each distinct value (not each row) to ``str``."""
    raw_codes, uniques = pd.factorize(column, use_na_sentinel=False)
    raw = list(uniques)
    as_str = pd.Index(uniques, dtype=object).astype(str).to_numpy(dtype=object)
    canon, distinct = pd.factorize(as_str, use_na_sentinel=False)
    if len(distinct) == len(raw):
        return _Codes(raw_codes, list(as_str), raw_codes, raw)
    return _Codes(canon[raw_codes], list(distinct), raw_codes, raw)


def _ordered_regions(labels: Iterable[Any]) -> list[str]:
    present = list(dict.fromkeys(labels))
    if not present:
        return [CITY]
    order = {code: i for i, code in enumerate(REGIONS)}
    return sorted(present, key=lambda r: (order.get(r, len(order)), present.index(r)))


def _split_series(
    table: _Table, wanted: Iterable[str], preferred: Mapping[str, str]
) -> dict[tuple[str, str], _Series]:
    """Split the rows of the ``wanted`` indicators into (indicator, region) series, one unit each.

    A series reported in several units is converted to the target's unit when it is one of
    them, else to its most frequent unit.
    """
    out: dict[tuple[str, str], _Series] = {}
    indicators, regions = table.indicator, table.region
    # One sort over numpy arrays (no per-group frames or Series, whose attrs pandas would copy).
    wanted = set(wanted)
    is_wanted = np.array([v in wanted for v in indicators.raw], dtype=bool)
    if not len(is_wanted):
        return out
    sel = np.flatnonzero(is_wanted[indicators.raw_codes])
    if not len(sel):
        return out
    codes = indicators.codes[sel] * len(regions.labels) + regions.codes[sel]
    years = table.year
    perm = np.lexsort((years[sel], codes))
    order = sel[perm]
    bounds = np.flatnonzero(np.diff(codes[perm])) + 1
    all_values = table.value
    all_units = table.unit
    for rows in np.split(order, bounds):
        first = rows[0]
        key = (indicators.labels[indicators.codes[first]], regions.labels[regions.codes[first]])
        raw = all_values[rows]
        index = years[rows]
        row_units = all_units[rows].tolist()
        units = [u for u in row_units if u]
        if len(set(units)) <= 1:
            out[key] = _Series(index, raw, units[0] if units else None)
            continue
        main = preferred.get(key[0], "")
        if main not in units:
            main = max(dict.fromkeys(units), key=units.count)
        try:
            factors = [_factor(u, main) if u else 1.0 for u in row_units]
        except UnitError as exc:
            out[key] = _Series(index, raw, main, problem=f"mixed units in the data: {exc}")
            continue
        note = f"values in {', '.join(sorted(set(units) - {main}))} converted to {main}"
        out[key] = _Series(index, raw * factors, main, notes=(note,))
    return out


def _factor(from_unit: str, to_unit: str) -> float:
    return 1.0 if from_unit == to_unit else factor(from_unit, to_unit)


def _year_int(y: Any) -> int | float:
    y = float(y)
    return int(y) if y.is_integer() else y


_RATE_SUFFIXES = (rates.CUMULATIVE_SUFFIX, rates.ANNUAL_SUFFIX)


@dataclass(frozen=True)
class _Data:
    """What the data holds for one (indicator, region): the levels and the published rates."""

    level: _Series | None
    cumulative: dict[int, float]
    """``<indicator>_change`` by year [% vs the base year]."""
    annual: dict[int, float]
    """``<indicator>_annual_change`` by year [% on the previous year]."""
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, series: Mapping[tuple[str, str], _Series], indicator: str, region: str) -> _Data:
        found: list[dict[int, float]] = []
        notes: list[str] = []
        for suffix in _RATE_SUFFIXES:
            s = series.get((indicator + suffix, region))
            if s is not None and s.unit not in (None, "", "%"):
                notes.append(f"{indicator}{suffix} in {s.unit!r}, not %: ignored")
                s = None
            found.append(
                {}
                if s is None
                else dict(zip(map(int, s.years.tolist()), s.values.tolist(), strict=True))
            )
        return cls(series.get((indicator, region)), found[0], found[1], tuple(notes))

    @property
    def has_rates(self) -> bool:
        return bool(self.cumulative or self.annual)


@dataclass
class _Figures:
    """Baseline and latest value picked for one row, or why there are none."""

    baseline_year: int | float | None = None
    baseline: float | None = None
    latest_year: int | float | None = None
    latest: float | None = None
    unit: str | None = None
    reason: str = ""
    """``no_data`` or ``no_base_year_value`` when the row cannot be assessed."""
    text: str = ""

    @property
    def change(self) -> float | None:
        """Change of the latest value vs the baseline [%]."""
        if self.baseline in (None, 0) or self.latest is None:
            return None
        return (self.latest / self.baseline - 1.0) * 100.0


@dataclass(frozen=True, eq=False)
class _Fixed:
    """What a target gives each of its rows, worked out once per target."""

    row: dict[str, Any]
    """The row's fields that do not depend on the region or the data."""
    T: int
    """The target year (the plan's when the target has none)."""
    notes: tuple[str, ...]
    """Notes every row of the target starts with."""
    unit: str | None
    """The unit shown when the data has none."""
    unset: bool
    """An assigned target the province has not set yet."""
    scope: TargetScope

    @classmethod
    def of(cls, target: Target, method: Method, plan_target_year: int) -> _Fixed:
        kind = target.kind
        notes = []
        T = target.year
        if T is None:
            T = plan_target_year
            notes.append(f"no target year in the plan: assessed against {T}, the end of the plan")
        row: dict[str, Any] = dict.fromkeys(ASSESS_COLUMNS)
        row.update(
            key=target.key,
            indicator=target.indicator,
            section=target.section,
            name_zh=target.name_zh,
            name_en=target.name_en,
            kind=kind.value,
            bound=target.bound.value,
            aspirational=target.aspirational,
            target_year=T,
            target=target.value,
            method=method.value,
        )
        unset = kind is TargetKind.ASSIGNED and target.value is None
        if unset and target.presets:
            notes.append(f"presets: {', '.join(target.presets)} (greenplan.targets.with_presets)")
        unit = target.unit if kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE) else None
        return cls(row, T, tuple(notes), unit, unset, target.applies_in)


_NA_STATUS = {
    "status": Status.NOT_ASSESSABLE.value,
    "status_zh": STATUS_LABELS[Status.NOT_ASSESSABLE]["zh"],
    "status_en": STATUS_LABELS[Status.NOT_ASSESSABLE]["en"],
}


def _assess_one(
    target: Target,
    fixed: _Fixed,
    region: str,
    data: _Data,
    as_of: int | float | None,
    method: Method,
    options: Mapping[str, Any],
    reading: Mapping[str, Any],
    opts_cache: dict[tuple[Any, ...], Options],
) -> dict[str, Any]:
    """One output row: pick baseline and latest from the data, then :func:`evaluate`."""
    kind = target.kind
    notes = list(fixed.notes)
    T = fixed.T
    level = data.level
    row = fixed.row.copy()
    row["region"] = region
    row["unit"] = (level.unit if level is not None else None) or fixed.unit or None
    unset = fixed.unset
    if level is not None:
        notes.extend(level.notes)
    notes.extend(data.notes)

    def na(reason: str, text: str) -> dict[str, Any]:
        row.update(_NA_STATUS)
        row["reason"] = reason
        row["notes"] = "; ".join([text, *notes])
        return row

    scope = fixed.scope
    if region != reading["city"] and scope is TargetScope.CITY_TOTAL:
        return na(
            "city_wide_target",
            f"city-wide target: the plan sets this figure for {reading['city']} as a whole, "
            "not for a district",
        )
    if region != reading["city"] and scope is TargetScope.CITY_RATE:
        notes.append(f"a rate the plan sets for {reading['city']} as a whole: a reference here")
    if target.direction is Direction.NONE:
        return na("other", "the target has no direction")
    if level is not None and level.problem:
        return na("other", level.problem)
    try:
        target_value = _target_in_data_unit(target, level.unit if level else None, notes)
        full = _full_level(kind, level.unit if level else None, options)
    except UnitError as exc:
        return na("other", f"unit mismatch: {exc}")
    extra: dict[str, Any] = {} if full is None else {"full_level": full}

    if kind is TargetKind.CUMULATIVE:
        fig = _cumulative(target, level, as_of, notes)
    else:
        fig = _figures(target, region, data, as_of, notes, reading)
    row.update(
        baseline_year=fig.baseline_year,
        baseline=fig.baseline,
        latest_year=fig.latest_year,
        latest=fig.latest,
        change=None if kind is TargetKind.CUMULATIVE else fig.change,
        unit=fig.unit or row["unit"],
    )
    if unset:
        if level is None and not data.has_rates:
            notes.append(f"no data for {target.indicator}")
        return na("target_not_set", "target not set: the province assigns it")
    if fig.reason:
        return na(fig.reason, fig.text)
    assert fig.baseline is not None and fig.latest is not None
    assert fig.baseline_year is not None and fig.latest_year is not None
    if kind is TargetKind.NON_INCREASE and level is not None:
        ys, vs = level.up_to(as_of)
        extra["series"] = {
            _year_int(y): float(v)
            for y, v in zip(ys.tolist(), vs.tolist(), strict=True)
            if float(y) > fig.baseline_year
        }
        extra["series"][fig.baseline_year] = fig.baseline

    # What evaluate(**row arguments) gives, without re-checking the options and building
    # the pydantic Evaluation per row: the options are checked once per (kind, bound, ...).
    ev = _evaluation_fields(
        target.direction,
        kind,
        method,
        _row_options(opts_cache, options, method, target, extra),
        fig.baseline,
        fig.latest,
        target_value,
        fig.baseline_year,
        fig.latest_year,
        T,
    )
    status: Status = ev["status"]
    if status is Status.NOT_ASSESSABLE and not ev["status_reason"]:  # as Evaluation checks
        raise ValueError("status_reason is required when the status is not_assessable")
    status_zh, status_en = _status_labels(ev)
    reason = [ev["status_reason"]] if ev["status_reason"] else []
    if as_of is not None and as_of >= T > ev["year"]:  # a final evaluation without final data
        notes.insert(0, f"final evaluation: no {T} value yet, status as of {ev['year']}")
    row.update(
        baseline_year=ev["baseline_year"],
        baseline=ev["baseline"],
        latest_year=ev["year"],
        latest=ev["current"],
        target_level=ev["target_level"],
        gap=ev.get("gap"),
        gap_relative=ev.get("gap_relative"),
        completion=ev.get("completion"),
        time_elapsed=ev["time_elapsed"],
        status=status.value,
        status_zh=status_zh,
        status_en=status_en,
        reason="other" if status is Status.NOT_ASSESSABLE else None,
        required_annual_change=ev.get("required_annual_change"),
        projected=ev.get("projected"),
        projected_gap=ev.get("projected_gap"),
        notes="; ".join([*reason, *notes, *ev["notes"]]),
    )
    return row


def _row_options(
    cache: dict[tuple[Any, ...], Options],
    options: Mapping[str, Any],
    method: Method,
    target: Target,
    extra: Mapping[str, Any],
) -> Options:
    """Return the options :func:`evaluate` would parse for one row, parsed once per set."""
    key = (
        target.kind,
        target.bound,
        target.aspirational,
        "full_level" in extra,
        extra.get("full_level"),
    )
    opts = cache.get(key)
    if opts is None:
        given = {k: v for k, v in extra.items() if k != "series"}
        given = {"bound": target.bound, "aspirational": target.aspirational, **options, **given}
        opts = cache[key] = parse_options(given, method, target.kind)
    if "series" in extra:  # a dict {year: value}, built above: what parse_options accepts
        opts = replace(opts, series=extra["series"])
    return opts


def _target_in_data_unit(target: Target, unit: str | None, notes: list[str]) -> float | None:
    """Return the target value in the data's unit (level, cumulative, full coverage)."""
    value = target.value
    if (
        value is None
        or not unit
        or not target.unit
        or target.kind not in (TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.FULL_COVERAGE)
        or target.unit == unit
    ):
        return value
    f = _factor(target.unit, unit)
    if f != 1.0:
        notes.append(f"target {value:g} {target.unit} converted to {value * f:g} {unit}")
    return value * f


def _full_level(kind: TargetKind, unit: str | None, options: Mapping[str, Any]) -> float | None:
    """100 % expressed in the data's unit (1.0 for fractions), unless the caller set it."""
    if kind not in (TargetKind.FULL_COVERAGE, TargetKind.THRESHOLD) or "full_level" in options:
        return None
    if not unit or unit == "%":
        return None
    return 100.0 * _factor("%", unit)


def _cumulative(
    target: Target, level: _Series | None, as_of: int | float | None, notes: list[str]
) -> _Figures:
    """Baseline 0 in the base year; latest = the sum of the annual additions since."""
    t0 = target.base_year
    if level is None or not len(level.years):
        return _Figures(reason="no_data", text=f"no data for {target.indicator}")
    ys, vs = level.up_to(as_of)
    after = ys > t0
    add_years, adds = ys[after], vs[after]
    if not len(adds):
        return _Figures(reason="no_data", text=f"no data: no annual additions after {t0}")
    latest_year = _year_int(add_years.max())
    missing = sorted(set(range(int(t0) + 1, int(latest_year) + 1)) - set(add_years.tolist()))
    if missing:
        notes.append(f"no additions reported for {', '.join(map(str, missing))}")
    notes.append(f"cumulative additions {t0 + 1}–{latest_year}")
    return _Figures(t0, 0.0, latest_year, float(adds.sum()))


def _figures(
    target: Target,
    region: str,
    data: _Data,
    as_of: int | float | None,
    notes: list[str],
    reading: Mapping[str, Any],
) -> _Figures:
    """Baseline (of the base year only) and latest value, from levels, the plan, or rates.

    The baseline comes from the data's base-year value, else the plan's own figure (for the
    plan's city only), else a
    level and a reported change of the same year; the latest from the latest level, or, when
    a reported change is later (or there is no level), from the baseline and that change.
    A change target with rates and no levels is measured on an index (base year = 100).
    """
    t0 = target.base_year
    level = data.level
    all_years = level.years if level is not None else _NO_YEARS
    years, values = level.up_to(as_of) if level is not None else (_NO_YEARS, _NO_VALUES)
    is_after = years > t0
    after_years, after_values = years[is_after], values[is_after]
    decimals = int(reading["rate_decimals"])
    gaps: list[str] = []
    change = rates.latest_change(
        data.annual, data.cumulative, t0, as_of, decimals=decimals, notes=gaps
    )
    notes.extend(gaps)
    fig = _Figures()
    if not len(years) and change is None:
        text = f"no data for {target.indicator} in {region}"
        b = target.baseline
        if b is not None and b.year == t0 and region == reading["city"]:  # still shown
            qualifier = f", {b.qualifier}" if b.qualifier else ""
            notes.append(f"baseline as stated in the plan ({b.section}{qualifier})")
            return _Figures(t0, b.value, unit=b.unit, reason="no_data", text=text)
        if len(all_years):
            text = f"no data for {target.indicator} up to {as_of}"
        return _Figures(reason="no_data", text=text)
    at_t0 = np.flatnonzero(years == t0)
    if len(at_t0):
        fig.baseline_year, fig.baseline = t0, float(values[at_t0[0]])
    elif (
        region == reading["city"]
        and (plan := _plan_baseline(target, data.level, notes)) is not None
    ):
        fig.baseline_year, fig.baseline = t0, plan
    else:
        for y, v in zip(after_years[::-1].tolist(), after_values[::-1].tolist(), strict=True):
            c = rates.cumulative_change(data.annual, data.cumulative, t0, int(y), decimals=decimals)
            if c is not None:
                ly = float(v)
                fig.baseline_year, fig.baseline = t0, ly / (1 + c.value / 100)
                notes.append(
                    f"no {t0} value: baseline {fig.baseline:.4g} implied by {ly:g} in {y} and "
                    f"the {c.describe(t0)}"
                )
                break
    if len(after_years):
        fig.latest_year, fig.latest = _year_int(after_years.max()), float(after_values[-1])
        _compare(fig, change, t0, notes)
    if change is not None and fig.baseline is not None:
        if fig.latest_year is None or change.year > fig.latest_year:
            fig.latest_year, fig.latest = change.year, fig.baseline * (1 + change.value / 100)
            notes.append(
                f"latest value {fig.latest:.4g} in {change.year} implied by the baseline and the "
                f"{change.describe(t0)}"
            )
    elif change is not None and fig.baseline is None and target.kind in _CHANGE_KINDS:
        notes.append(
            f"assessed from the {change.describe(t0)}, on an index ({t0} = 100): completion is "
            "the change so far divided by the change required"
        )
        return _Figures(t0, 100.0, change.year, 100.0 + change.value, f"index ({t0} = 100)")
    if fig.latest is None:
        if fig.baseline is None and len(years):  # a value before the base year only
            fig.latest_year, fig.latest = _year_int(years.max()), float(values[-1])
        fig.reason, fig.text = "no_data", f"no data after the base year {t0}"
        return fig
    if fig.baseline is None:
        if reading["baseline_from_later_year"] and target.kind is TargetKind.LEVEL:
            is_earlier = after_years < fig.latest_year
            if is_earlier.any():
                fig.baseline_year, fig.baseline = (
                    _year_int(after_years[is_earlier][0]),
                    float(after_values[is_earlier][0]),
                )
                notes.append(
                    f"no {t0} value: measured from {fig.baseline_year} (option "
                    f"baseline_from_later_year, the plan measures from {t0})"
                )
                return fig
        fig.reason = "no_base_year_value"
        fig.text = (
            f"no_base_year_value: no {t0} value for {target.indicator} (not in the data, not "
            f"stated by the plan, not implied by a reported change), and the target is "
            f"measured from {t0}"
        )
    return fig


_CHANGE_KINDS = frozenset({TargetKind.CHANGE_VS_BASE, TargetKind.ASSIGNED})


def _compare(fig: _Figures, change: rates.Change | None, t0: int, notes: list[str]) -> None:
    """Note a reported change of the latest level's year that the levels contradict."""
    if change is None or change.year != fig.latest_year or fig.change is None:
        return
    if change.low - 1e-9 <= fig.change <= change.high + 1e-9:
        return
    notes.append(
        f"the {change.describe(t0)} disagrees with the levels ({fig.change:+.2f} %): the levels "
        "are used"
    )


def _plan_baseline(target: Target, level: _Series | None, notes: list[str]) -> float | None:
    """Return the plan's own base-year figure in the data's unit (with a note), or None."""
    plan = target.baseline
    if plan is None or plan.year != target.base_year:
        return None
    value, unit = plan.value, level.unit if level is not None else None
    if unit and plan.unit and plan.unit != unit:
        try:
            value *= _factor(plan.unit, unit)
        except UnitError:
            return None
    qualifier = {
        "above": " (超过: the true value is higher)",
        "approximately": " (级/左右: approximate)",
    }.get(plan.qualifier, "")
    notes.append(
        f"no {plan.year} value in the data: baseline {plan.value:g} {plan.unit} from the plan "
        f"({plan.section}){qualifier}"
    )
    return value

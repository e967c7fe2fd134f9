"""Every target for every region of an indicator table: :func:`assess`.

Per (target, region): pick the baseline and the latest value from the data (units reconciled),
then hand off to :func:`~greenplan.progress.evaluation.evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Unpack

import pandas as pd

from greenplan.definitions import Direction, Target, TargetKind
from greenplan.errors import OptionError, UnitError
from greenplan.options import did_you_mean
from greenplan.progress.evaluation import evaluate
from greenplan.progress.options import AssessOptions, parse_options, year_of
from greenplan.progress.status import STATUS_LABELS, Method, Status, parse_choice
from greenplan.regions import CITY, REGIONS
from greenplan.targets import SUPPLEMENTARY_TARGETS, TARGETS
from greenplan.units import factor

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
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "status",
    "status_zh",
    "status_en",
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
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "required_annual_change",
    "projected",
    "projected_gap",
)
_DEFAULT_TARGET_YEAR = 2025
_ROW_OPTIONS = frozenset({"bound", "aspirational", "series"})


@dataclass(frozen=True)
class _Series:
    """One (indicator, region) series: years ascending, values in one unit."""

    values: pd.Series
    unit: str | None
    notes: tuple[str, ...] = ()
    problem: str = ""


def assess(
    values: pd.DataFrame,
    year: int | None = None,
    targets: Mapping[str, Target] | Iterable[str | Target] | None = None,
    method: Method | str = "sequential",
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
        Targets to assess: None for :data:`greenplan.targets.TARGETS`; a mapping
        ``{key: Target}`` (e.g. from :func:`greenplan.targets.with_presets`); or an iterable of
        keys (looked up in ``TARGETS`` and ``SUPPLEMENTARY_TARGETS``) and/or ``Target`` objects.
    method : {"sequential", "escap", "eurostat"}, default "sequential"
        Assessment method (see :func:`evaluate`).
    **options
        Options of :func:`evaluate` (:class:`AssessOptions`). ``bound`` and ``aspirational``
        come from each Target and ``series`` from the data, so they cannot be passed.

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
    Per target and region: the baseline is the value in the target's base year (2020); if
    missing, the earliest later year with data (before the latest), else the plan's own 2020
    figure (``Target.baseline``), each said in ``notes``. Cumulative targets sum the annual
    additions after the base year; ``non_increase`` targets use the whole series. Units are
    reconciled with :mod:`greenplan.units`: a target or plan baseline in another unit of the
    same dimension is converted to the data's unit.

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
        raise OptionError(
            f"Option(s) {', '.join(map(repr, fixed))} cannot be passed to assess: bound and "
            "aspirational come from each Target, series from the data."
        )
    parse_options(options, method_, None)  # unknown names and bad values raise here
    as_of = None if year is None else year_of(year, "year")
    frame = _check_values(values)
    tmap = _resolve_targets(targets)
    wanted = {t.indicator for t in tmap.values()}
    preferred = {
        t.indicator: t.unit
        for t in tmap.values()
        if t.unit and t.kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.FULL_COVERAGE)
    }
    series = _split_series(frame[frame["indicator"].isin(wanted)], preferred)
    regions = _ordered_regions(frame["region"])
    rows = [
        _assess_one(target, region, series.get((target.indicator, region)), as_of, method_, options)
        for target in tmap.values()
        for region in regions
    ]
    df = pd.DataFrame(rows, columns=list(ASSESS_COLUMNS))
    for col in ("baseline_year", "latest_year", "target_year"):
        years = pd.to_numeric(df[col], errors="coerce").astype("float64")
        whole = bool((years.dropna() % 1 == 0).all())
        df[col] = years.astype("Int64") if whole else years  # fractions: within-year reporting
    for col in _FLOAT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    df["aspirational"] = df["aspirational"].astype(bool)
    df.attrs["greenplan"] = {
        "method": method_.value,
        "year": as_of,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
    }
    return df


def _check_values(values: Any) -> pd.DataFrame:
    if not isinstance(values, pd.DataFrame):
        raise OptionError(
            f"values must be a pandas DataFrame (the output of greenplan.compute), "
            f"got {type(values).__name__}."
        )
    missing = [c for c in _VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise OptionError(
            f"values lacks column(s) {', '.join(missing)}; expected {', '.join(_VALUE_COLUMNS)}."
        )
    frame = values.loc[:, list(_VALUE_COLUMNS)].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame = frame[frame["value"].notna() & frame["year"].notna()]
    frame["unit"] = frame["unit"].where(frame["unit"].notna(), "").astype(str).str.strip()
    keys = ["indicator", "region", "year"]
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        conflicts = frame[dup].groupby(keys, sort=False)["value"].nunique()
        conflicts = conflicts[conflicts > 1]
        if len(conflicts):
            first = conflicts.index[0]
            raise OptionError(
                f"values has {len(conflicts)} (indicator, region, year) with different values, "
                f"e.g. {first}; filter the table (scenario, option columns) first."
            )
        frame = frame.drop_duplicates(keys)
    return frame


def _resolve_targets(targets: Any) -> dict[str, Target]:
    if targets is None:
        return dict(TARGETS)
    if isinstance(targets, Mapping):
        out = dict(targets)
        bad = [k for k, v in out.items() if not isinstance(v, Target)]
        if bad:
            raise OptionError(f"targets[{bad[0]!r}] is not a greenplan Target.")
        return out
    if isinstance(targets, str | Target):
        targets = [targets]
    known = {**dict(TARGETS), **dict(SUPPLEMENTARY_TARGETS)}
    out = {}
    for item in targets:
        if isinstance(item, Target):
            out[item.key] = item
        elif item in known:
            out[item] = known[item]
        else:
            raise OptionError(f"Unknown target {item!r}.{did_you_mean(item, known)}")
    return out


def _ordered_regions(regions: pd.Series) -> list[str]:
    present = list(dict.fromkeys(regions.astype(str)))
    if not present:
        return [CITY]
    order = {code: i for i, code in enumerate(REGIONS)}
    return sorted(present, key=lambda r: (order.get(r, len(order)), present.index(r)))


def _split_series(
    frame: pd.DataFrame, preferred: Mapping[str, str]
) -> dict[tuple[str, str], _Series]:
    """Split the table into (indicator, region) series, each in one unit.

    A series reported in several units is converted to the target's unit when it is one of
    them, else to its most frequent unit.
    """
    out: dict[tuple[str, str], _Series] = {}
    for (indicator, region), grp in frame.groupby(["indicator", "region"], sort=False):
        grp = grp.sort_values("year")
        values = pd.Series(grp["value"].to_numpy(float), index=grp["year"].to_numpy())
        units = [u for u in grp["unit"] if u]
        if len(set(units)) <= 1:
            out[(str(indicator), str(region))] = _Series(values, units[0] if units else None)
            continue
        main = preferred.get(str(indicator), "")
        if main not in units:
            main = max(dict.fromkeys(units), key=units.count)
        try:
            factors = [_factor(u, main) if u else 1.0 for u in grp["unit"]]
        except UnitError as exc:
            out[(str(indicator), str(region))] = _Series(
                values, main, problem=f"mixed units in the data: {exc}"
            )
            continue
        values = pd.Series(grp["value"].to_numpy(float) * factors, index=grp["year"].to_numpy())
        note = f"values in {', '.join(sorted(set(units) - {main}))} converted to {main}"
        out[(str(indicator), str(region))] = _Series(values, main, notes=(note,))
    return out


def _factor(from_unit: str, to_unit: str) -> float:
    return 1.0 if from_unit == to_unit else factor(from_unit, to_unit)


def _year_int(y: Any) -> int | float:
    y = float(y)
    return int(y) if y.is_integer() else y


def _assess_one(
    target: Target,
    region: str,
    data: _Series | None,
    as_of: int | float | None,
    method: Method,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """One output row: pick baseline and latest from the data, then :func:`evaluate`."""
    kind = target.kind
    notes: list[str] = []
    T = target.year
    if T is None:
        T = _DEFAULT_TARGET_YEAR
        notes.append(f"no target year in the plan: assessed against {T}, the end of the plan")
    row: dict[str, Any] = dict.fromkeys(ASSESS_COLUMNS)
    row.update(
        key=target.key,
        indicator=target.indicator,
        region=region,
        section=target.section,
        name_zh=target.name_zh,
        name_en=target.name_en,
        kind=kind.value,
        bound=target.bound.value,
        aspirational=target.aspirational,
        target_year=T,
        target=target.value,
        method=method.value,
        unit=(data.unit if data is not None else None)
        or (target.unit if kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE) else None)
        or None,
    )
    if kind is TargetKind.ASSIGNED and target.value is None and target.presets:
        notes.append(f"presets: {', '.join(target.presets)} (greenplan.targets.with_presets)")
    if data is not None:
        notes.extend(data.notes)

    def na(reason: str) -> dict[str, Any]:
        row.update(
            status=Status.NOT_ASSESSABLE.value,
            status_zh=STATUS_LABELS[Status.NOT_ASSESSABLE]["zh"],
            status_en=STATUS_LABELS[Status.NOT_ASSESSABLE]["en"],
            notes="; ".join([reason, *notes]),
        )
        return row

    if kind is TargetKind.ASSIGNED and target.value is None:
        if data is None:
            notes.append(f"no data for {target.indicator}")
        return na("target not set: the province assigns it")
    if target.direction is Direction.NONE:
        return na("the target has no direction")
    if data is None or data.values.empty:
        if target.baseline is not None:
            # Show what the plan itself says of 2020, even with nothing to compare it with.
            b = target.baseline
            qualifier = f", {b.qualifier}" if b.qualifier else ""
            row.update(baseline_year=b.year, baseline=b.value, unit=row["unit"] or b.unit)
            notes.append(f"baseline as stated in the plan ({b.section}{qualifier})")
        return na(f"no data for {target.indicator} in {region}")
    if data.problem:
        return na(data.problem)

    s = data.values
    avail = s if as_of is None else s[s.index <= as_of]
    if avail.empty:
        return na(f"no data for {target.indicator} up to {as_of}")
    t0 = target.base_year
    extra: dict[str, Any] = {}
    try:
        target_value = _target_in_data_unit(target, data.unit, notes)
        full = _full_level(kind, data.unit, options)
    except UnitError as exc:
        return na(f"unit mismatch: {exc}")
    if full is not None:
        extra["full_level"] = full

    baseline_year: int | float
    if kind is TargetKind.CUMULATIVE:
        adds = avail[avail.index > t0]
        if adds.empty:
            return na(f"no data: no annual additions after {t0}")
        latest_year = _year_int(adds.index.max())
        missing = sorted(set(range(int(t0) + 1, int(latest_year) + 1)) - set(adds.index))
        if missing:
            notes.append(f"no additions reported for {', '.join(map(str, missing))}")
        baseline_year, baseline, latest = t0, 0.0, float(adds.sum())
        notes.append(f"cumulative additions {t0 + 1}–{latest_year}")
    else:
        latest_year = _year_int(avail.index.max())
        latest = float(avail.iloc[-1])
        if latest_year <= t0:
            # A value of the base year (or before) is a baseline, not progress.
            if latest_year == t0:
                row.update(baseline_year=latest_year, baseline=latest)
            else:
                row.update(latest_year=latest_year, latest=latest)
            return na(f"no data after the base year {t0}")
        picked = _pick_baseline(target, s, t0, latest_year, data.unit, notes)
        if picked is None:
            row.update(latest_year=latest_year, latest=latest)
            return na(f"no data: no baseline value for {t0} (and no earlier year to use)")
        baseline_year, baseline = picked
        if kind is TargetKind.NON_INCREASE:
            extra["series"] = {
                _year_int(y): float(v)
                for y, v in zip(avail.index.to_numpy(), avail.to_numpy(), strict=True)
                if float(y) > baseline_year
            }
            extra["series"][baseline_year] = baseline

    ev = evaluate(
        baseline=baseline,
        current=latest,
        target=target_value,
        baseline_year=baseline_year,
        year=latest_year,
        target_year=T,
        direction=target.direction,
        kind=kind,
        method=method,
        bound=target.bound,
        aspirational=target.aspirational,
        **{**options, **extra},
    )
    reason = [ev.status_reason] if ev.status_reason else []
    row.update(
        baseline_year=ev.baseline_year,
        baseline=ev.baseline,
        latest_year=ev.year,
        latest=ev.current,
        target_level=ev.target_level,
        gap=ev.gap,
        gap_relative=ev.gap_relative,
        completion=ev.completion,
        time_elapsed=ev.time_elapsed,
        status=ev.status.value,
        status_zh=ev.status_zh,
        status_en=ev.status_en,
        required_annual_change=ev.required_annual_change,
        projected=ev.projected,
        projected_gap=ev.projected_gap,
        notes="; ".join([*reason, *notes, *ev.notes]),
    )
    return row


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


def _pick_baseline(
    target: Target,
    s: pd.Series,
    t0: int,
    latest_year: int | float,
    unit: str | None,
    notes: list[str],
) -> tuple[int | float, float] | None:
    """(year, value) of the baseline: data in t0, else a later year, else the plan's figure."""
    if t0 in s.index and t0 <= latest_year:
        return t0, float(s[t0])
    later = s[(s.index > t0) & (s.index < latest_year)]
    if not later.empty:
        year = _year_int(later.index[0])
        notes.append(f"no {t0} value: baseline taken from {year}, the earliest later year")
        return year, float(later.iloc[0])
    plan = target.baseline
    if plan is not None and plan.year == t0 and latest_year > t0:
        value = plan.value
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
            f"no {t0} value in the data: baseline {plan.value:g} {plan.unit} from the plan "
            f"({plan.section}){qualifier}"
        )
        return t0, value
    return None

"""The compute engine: the plan's indicators from raw statistics (:func:`compute`).

:func:`compute` pivots the canonical long table once to one column per variable on
``(region, year)``, fills city values of additive variables from the districts where the city
row is absent, and runs the registered recipes (``greenplan.indicators``). A directly
reported indicator value is used only where the indicator cannot be computed from its
components: the computed value wins, and :func:`reported_vs_computed` lists disagreements.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from greenplan.definitions import Aggregation
from greenplan.diagnostics import Code, Collector, ValidationReport
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.indicators.registry import Inputs, recipes, resolve_options
from greenplan.io import read_statistics
from greenplan.options import suggest
from greenplan.regions import CITY, districts, resolve_region
from greenplan.schema import empty_table, is_canonical, mark_canonical
from greenplan.variables import VARIABLES

__all__ = [
    "city_filler",
    "compute",
    "coverage",
    "inputs_from",
    "reported_vs_computed",
    "to_wide",
]

RESULT_COLUMNS = ["region", "year", "indicator", "value", "unit", "origin", "method"]


_FRAME_OPTIONS = {"nan_values": "absent", "year_range": (1, 9999), "sum_rtol": math.inf}
"""How compute reads DataFrames: NaN is no observation; any year (scenarios, back-casts);
totals that differ from the sum of their components are the caller's to compare
(:func:`reported_vs_computed`). Everything else is read and checked as in a file."""


def _as_canonical(stats: Any) -> pd.DataFrame:
    """Return ``stats`` if the readers made it, else read it: the gate of every entry point.

    A frame returned by :func:`greenplan.read_statistics` (or :func:`greenplan.validate`'s
    ``report.table``) is taken as it is; anything else, including a DataFrame that already
    has the canonical column names, is read and checked like a file, so aliases are resolved,
    Chinese variable names read, values checked, and errors raised as
    :class:`~greenplan.errors.StatisticsError`.
    """
    if is_canonical(stats):
        return stats
    sources = list(stats) if isinstance(stats, list | tuple) else [stats]
    extra: list[pd.DataFrame] = []
    for k, source in enumerate(sources):
        if isinstance(source, pd.DataFrame):
            sources[k], runtime = _runtime_indicator_rows(source)
            extra.extend(runtime)
    frames = [s for s in sources if not (isinstance(s, pd.DataFrame) and len(s) == 0)]
    options = dict(_FRAME_OPTIONS) if all(isinstance(s, pd.DataFrame) for s in frames) else {}
    table = read_statistics(*frames, **options) if frames else empty_table()
    if extra:
        table = pd.concat([table, *extra], ignore_index=True)
    return mark_canonical(table)


def _runtime_indicator_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Split off rows of indicators registered at run time (not in the codelist).

    The readers know the codelist (``greenplan.VARIABLES``); an indicator registered with
    :func:`~greenplan.indicators.registry.recipe` or ``reported`` after import is not in it.
    Its rows are taken when they are canonical (a known region, an int year, a number), in
    the indicator's unit; the other rows are read as usual.
    """
    if "variable" not in frame.columns or not {"region", "year", "value"} <= set(frame.columns):
        return frame, []
    runtime = {i for i in recipes() if i not in VARIABLES}
    if not runtime:
        return frame, []
    mine = frame["variable"].isin(runtime).to_numpy(dtype=bool)
    if not mine.any():
        return frame, []
    rows = frame.loc[mine]
    values = pd.to_numeric(rows["value"], errors="coerce")
    ok = (
        rows["region"].map(lambda r: resolve_region(str(r)) == r).to_numpy(dtype=bool)
        & values.notna().to_numpy()
        & rows["year"].map(lambda y: isinstance(y, int | np.integer)).to_numpy(dtype=bool)
    )
    if not ok.all():  # read as usual: the reader reports them
        return frame, []
    table = recipes()
    out = empty_table().reindex(range(len(rows)))
    out["region"] = rows["region"].to_numpy(dtype=object)
    out["year"] = rows["year"].to_numpy(dtype="int64")
    out["variable"] = rows["variable"].to_numpy(dtype=object)
    out["value"] = values.to_numpy(dtype="float64")
    out["unit"] = [table[v].indicator.unit for v in rows["variable"]]
    for c in ("source", "note", "file", "sheet"):
        out[c] = ""
    out["row"] = np.flatnonzero(mine) + 1
    return frame.loc[~mine], [out.astype(empty_table().dtypes.to_dict())]


def _with_city_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Add an all-NaN city row for every year that has district rows and no city row."""
    regions = frame.index.get_level_values("region")
    comp = regions.isin(districts())
    years = np.unique(frame.index.get_level_values("year")[comp])
    city_index = pd.MultiIndex.from_arrays(
        [np.full(len(years), CITY, dtype=object), years], names=["region", "year"]
    )
    missing_rows = city_index[~city_index.isin(frame.index)]
    if not len(missing_rows):
        return frame
    blank = pd.DataFrame(np.nan, index=missing_rows, columns=frame.columns)
    return pd.concat([frame, blank]).sort_index()


def _kahan_group_sum(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` per group code with Kahan compensation, in the order given.

    The same arithmetic as pandas' group-by ``sum`` (``group_sum`` in pandas' groupby module),
    so a district sum of figures given to two decimals is 1050.02, not 1050.0199999999998.
    Vectorised over groups: pass *k* adds the *k*-th member of every group, so the loop runs
    as many times as the largest group has members (at most the number of districts).
    """
    total = np.zeros(n_groups)
    if codes.size == 0:
        return total
    compensation = np.zeros(n_groups)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, sorted_codes.size]))
    rank = np.arange(sorted_codes.size) - first
    sorted_values = values[order]
    for k in range(int(rank.max()) + 1):
        at = rank == k
        group = sorted_codes[at]
        y = sorted_values[at] - compensation[group]
        t = total[group] + y
        compensation[group] = (t - total[group]) - y
        total[group] = t
    return total


def city_filler(index: pd.Index, rule: str) -> Callable[[pd.Series], pd.Series]:
    """Return the function that fills absent city values on ``index`` from the districts.

    The one implementation of the ``city_from_districts`` option of :func:`compute`, used for
    the raw variables (:func:`to_wide`) and for additive indicators (``Inputs.city_fill``).

    Parameters
    ----------
    index : pandas.MultiIndex
        ``(region, year)`` rows of the wide frame; the city must already have a row for every
        year with district rows (:func:`to_wide` adds them).
    rule : {"all_districts", "reporting_districts", "never"}
        ``"all_districts"`` fills a city value only when all districts and counties report that
        year; ``"reporting_districts"`` when every district that reports the series in some
        year reports it that year; ``"never"`` does not fill. A partial sum is never taken
        for the city.

    Returns
    -------
    callable
        ``fill(series) -> series``: the city's NaN values replaced by the districts' sum where
        the rule allows; other values unchanged. Positions are worked out once, so a call
        costs a few vectorised passes.
    """
    regions = index.get_level_values("region")
    component = np.asarray(regions.isin(districts()))
    if rule == "never" or not component.any():
        return lambda series: series
    year_codes, year_values = pd.factorize(index.get_level_values("year"))
    region_codes, _ = pd.factorize(regions)
    city_pos = np.flatnonzero(np.asarray(regions == CITY))
    city_years = year_codes[city_pos]
    n_years = len(year_values)
    all_required = len(districts())

    def fill(series: pd.Series) -> pd.Series:
        values = series.to_numpy(dtype="float64", copy=True)
        have = component & ~np.isnan(values)
        sums = _kahan_group_sum(year_codes[have], values[have], n_years)
        counts = np.bincount(year_codes[have], minlength=n_years)
        required = all_required if rule == "all_districts" else len(np.unique(region_codes[have]))
        complete = (counts == required) & (counts > 0)
        target = np.isnan(values[city_pos]) & complete[city_years]
        values[city_pos[target]] = sums[city_years[target]]
        return pd.Series(values, index=series.index, name=series.name)

    return fill


def to_wide(
    stats: pd.DataFrame, *, fill_city: bool = True, city_rule: str = "all_districts"
) -> pd.DataFrame:
    """Pivot a canonical long table to one float column per variable on ``(region, year)``.

    Parameters
    ----------
    stats : pandas.DataFrame
        Canonical long table (``region, year, variable, value`` …).
    fill_city : bool, default True
        Fill absent city values of additive variables with the sum of the districts.
    city_rule : {"all_districts", "reporting_districts", "never"}
        When to fill (the ``city_from_districts`` option of :func:`compute`).

    Returns
    -------
    pandas.DataFrame
        Index ``(region, year)`` sorted, columns variable codes, float64 values.
    """
    data = stats.loc[:, ["region", "year", "variable", "value"]]
    keys = ["region", "year", "variable"]
    repeated = data.duplicated(keys, keep=False).to_numpy()
    if repeated.any():
        _refuse_conflicts(stats, repeated)
        data = data.drop_duplicates(keys)
    wide = data.pivot(index=["region", "year"], columns="variable", values="value")
    wide.columns.name = None
    wide = wide.astype("float64").sort_index()
    wide.index = pd.MultiIndex.from_arrays(
        [
            wide.index.get_level_values("region").astype(object),
            wide.index.get_level_values("year").astype("int64"),
        ],
        names=["region", "year"],
    )
    if fill_city:
        additive = [
            c
            for c in wide.columns
            if c in VARIABLES and VARIABLES[c].aggregation is Aggregation.SUM
        ]
        if city_rule != "never" and wide.index.get_level_values("region").isin(districts()).any():
            wide = _with_city_rows(wide)
            fill = city_filler(wide.index, city_rule)
            for column in additive:
                wide[column] = fill(wide[column])
    return wide


def _refuse_conflicts(stats: pd.DataFrame, repeated: np.ndarray) -> None:
    """Raise StatisticsError naming the rows that give one key two different values."""
    dup = stats.loc[repeated, ["region", "year", "variable", "value"]]
    spread = dup.groupby(["region", "year", "variable"], sort=False, dropna=False)["value"]
    differ = spread.transform(lambda v: v.nunique(dropna=False) > 1).to_numpy(dtype=bool)
    if not differ.any():
        return
    collector = Collector()
    bad = stats.loc[repeated].loc[differ]
    for (region, year, variable), group in bad.groupby(["region", "year", "variable"], sort=False):
        rows = group["row"].tolist() if "row" in group.columns else (group.index + 1).tolist()
        where = group["file"].iloc[0] if "file" in group.columns else ""
        collector.add(
            Code.DUPLICATE_CONFLICT,
            f"{variable} of {region} in {year} is given {len(group)} times with different "
            f"values ({', '.join(f'{v:g}' for v in group['value'].tolist())}) in rows "
            f"{', '.join(map(str, rows))}: keep the correct row and delete the other(s).",
            file=where,
            row=rows[0],
            region=region,
            year=year,
            variable=variable,
            count=len(group),
        )
    raise StatisticsError(ValidationReport(collector.findings))


def inputs_from(stats: Any, **options: Any) -> Inputs:
    """Return the :class:`~greenplan.indicators.registry.Inputs` recipes see for ``stats``."""
    opts = resolve_options(options)
    rule = str(opts["city_from_districts"])
    wide = to_wide(_as_canonical(stats), city_rule=rule)
    return Inputs(wide, opts, city_fill=city_filler(wide.index, rule))


def _select(indicators: str | Iterable[str] | None) -> list[str]:
    table = recipes()
    if indicators is None:
        return list(table)
    ids: list[Any] | None
    if isinstance(indicators, str):
        ids = [indicators]
    else:
        try:
            ids = list(indicators)
        except TypeError:
            ids = None
    if ids is None or not all(isinstance(i, str) for i in ids):
        raise GreenplanError(
            f"indicators={indicators!r}: expected an indicator id (str) or a list of ids, "
            "e.g. compute(stats, 'gdp_constant_2020'); see greenplan.INDICATORS."
        )
    unknown = [i for i in ids if i not in table]
    if unknown:
        hints = []
        for u in unknown:
            close = suggest(u, table)
            hints.append(f"{u!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise GreenplanError(f"Unknown indicator(s): {'; '.join(hints)}.")
    return ids


def compute(
    stats: Any,
    indicators: str | Iterable[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Compute indicators from raw statistics.

    Parameters
    ----------
    stats : pandas.DataFrame, path or list of paths
        The canonical long table of :func:`greenplan.read_statistics`, or anything it reads.
    indicators : str or iterable of str, optional
        Indicator ids (see ``greenplan.INDICATORS``); default all.
    **options
        Options that change how indicators are computed (``base_year``, energy basis,
        coefficients …); ``greenplan.indicators.OPTIONS`` lists them with their defaults.
        An unknown option raises :class:`~greenplan.errors.OptionError`.

    Returns
    -------
    pandas.DataFrame
        One row per (region, year, indicator) that could be computed, with columns
        ``region, year, indicator, value, unit`` plus ``origin`` (``computed`` from
        components or ``reported`` directly) and ``method`` (the options and factors used).
        ``df.attrs["greenplan"]["options"]`` holds every option value.

    Examples
    --------
    >>> import pandas as pd, greenplan as gp
    >>> stats = pd.DataFrame({"region": "济南市", "year": [2020, 2021],
    ...                       "variable": "gdp", "value": [10140.91, 11432.22]})
    >>> gp.compute(stats, "gdp_constant_2020")[["year", "value"]].to_dict("list")
    {'year': [2020], 'value': [10140.91]}
    """
    x = inputs_from(stats, **options)
    ids = _select(indicators)
    table = recipes()
    frames = []
    for id in ids:
        values = x.indicator(id)
        keep = values.notna().to_numpy()
        if not keep.any():
            continue
        rec = table[id]
        method = "; ".join(
            [f"{o}={x.options[o]}" for o in rec.indicator.options] + x.notes.get(id, [])
        )
        idx = x.index[keep]
        frames.append(
            pd.DataFrame(
                {
                    "region": idx.get_level_values("region").astype(object),
                    "year": idx.get_level_values("year").astype("int64"),
                    "indicator": id,
                    "value": values.to_numpy()[keep],
                    "unit": rec.indicator.unit,
                    "origin": x.origin(id).to_numpy()[keep],
                    "method": method,
                }
            )
        )
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else object) for c in RESULT_COLUMNS}
        ).astype({"year": "int64"})
    )
    out.attrs["greenplan"] = {"options": dict(x.options), "indicators": ids}
    return out


def reported_vs_computed(
    stats: Any, rtol: float = 0.005, atol: float = 1e-9, **options: Any
) -> pd.DataFrame:
    """Directly reported indicator values that disagree with the value from components.

    Parameters
    ----------
    stats : pandas.DataFrame or path(s)
        Raw statistics, including some indicator ids as variables.
    rtol, atol : float
        Tolerance: a disagreement is ``|reported − computed| > atol + rtol·|reported|``
        (default 0.5 %, the rounding of a published figure to three significant digits).

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, indicator, reported, computed, unit``.
    """
    x = inputs_from(stats, **options)
    rows = []
    for id, rec in recipes().items():
        if rec.reported_only or id not in x.wide.columns:
            continue
        reported = x.wide[id]
        computed = x.computed_only(id)
        both = reported.notna() & computed.notna()
        bad = both & ((reported - computed).abs() > atol + rtol * reported.abs())
        if bad.any():
            idx = x.index[bad.to_numpy()]
            rows.append(
                pd.DataFrame(
                    {
                        "region": idx.get_level_values("region"),
                        "year": idx.get_level_values("year"),
                        "indicator": id,
                        "reported": reported[bad].to_numpy(),
                        "computed": computed[bad].to_numpy(),
                        "unit": rec.indicator.unit,
                    }
                )
            )
    cols = ["region", "year", "indicator", "reported", "computed", "unit"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def coverage(stats: Any, indicators: Iterable[str] | None = None, **options: Any) -> pd.DataFrame:
    """Which indicators cannot be computed for which region-years, and which inputs are missing.

    Only region-years present in ``stats`` are listed. An indicator counts as computable when
    either its formula or a reported value gives a number.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, region, year, missing`` (``missing`` joins the input codes with
        no value for that row by ``;``).
    """
    x = inputs_from(stats, **options)
    table = recipes()
    rows = []
    for id in _select(indicators):
        rec = table[id]
        values = x.indicator(id)
        absent = values.isna().to_numpy()
        if not absent.any():
            continue
        codes = list(rec.indicator.inputs or (id,))
        flags = np.column_stack(
            [
                (x.indicator(code) if code in table and code not in x.wide.columns else x[code])
                .isna()
                .to_numpy()[absent]
                for code in codes
            ]
        )
        # One string per distinct pattern of missing inputs, not per row: rows share few
        # patterns, so this is a handful of joins whatever the size of the table.
        # Pack each row's flags into one integer key (inputs are few), so np.unique is 1-d.
        if len(codes) < 63:
            weights = np.left_shift(np.int64(1), np.arange(len(codes), dtype=np.int64))
            keys = flags.astype(np.int64) @ weights
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        else:  # too many inputs to pack: unique rows (slower, exact)
            _, first, inverse = np.unique(flags, axis=0, return_index=True, return_inverse=True)
        labels = np.array(
            [";".join(c for c, f in zip(codes, flags[i], strict=True) if f) for i in first],
            dtype=object,
        )
        missing = labels[inverse.ravel()]
        idx = x.index[absent]
        rows.append(
            pd.DataFrame(
                {
                    "indicator": id,
                    "region": idx.get_level_values("region"),
                    "year": idx.get_level_values("year"),
                    "missing": missing,
                }
            )
        )
    cols = ["indicator", "region", "year", "missing"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)

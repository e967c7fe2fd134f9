"""The compute engine: the plan's indicators from raw statistics (:func:`compute`).

:func:`compute` pivots the canonical long table once to one column per variable on
``(region, year)``, fills city values of additive variables from the districts where the city
row is absent, and runs the registered recipes (``greenplan.indicators``). A directly
reported indicator value is used only where the indicator cannot be computed from its
components: the computed value wins, and :func:`reported_vs_computed` lists disagreements.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from greenplan._numeric import int_codes
from greenplan._provenance import Provenance, freeze
from greenplan.definitions import Aggregation
from greenplan.diagnostics import Code, Collector, ValidationReport
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.indicators.registry import (
    Inputs,
    level_codes,
    recipes,
    recipes_table,
    resolve_options,
    text_index,
)
from greenplan.io import read_statistics
from greenplan.io.cells import factorize
from greenplan.messages import Message, msg
from greenplan.options import suggest
from greenplan.regions import CITY, districts, resolve_region
from greenplan.schema import empty_table, is_canonical, mark_canonical
from greenplan.variables import VARIABLES

_log = logging.getLogger(__name__)

__all__ = [
    "CoverageCodes",
    "city_filler",
    "compute",
    "consistency",
    "coverage",
    "coverage_codes",
    "inputs_from",
    "reported_vs_computed",
    "sorted_region_year_index",
    "to_wide",
]

RESULT_COLUMNS = ["region", "year", "indicator", "value", "unit", "origin", "method"]


_FRAME_OPTIONS: dict[str, Any] = {
    "nan_values": "absent",
    "year_range": (1, 9999),
    "sum_rtol": math.inf,
}
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
    options: dict[str, Any] = (
        dict(_FRAME_OPTIONS) if all(isinstance(s, pd.DataFrame) for s in frames) else {}
    )
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
    if codes.size == 0:
        return np.zeros(n_groups)
    order = np.argsort(codes, kind="stable")
    return _kahan_sorted_sum(codes[order], values[order], n_groups)


def _kahan_sorted_sum(
    sorted_codes: np.ndarray, sorted_values: np.ndarray, n_groups: int
) -> np.ndarray:
    """:func:`_kahan_group_sum` of values already stably sorted by group code."""
    total = np.zeros(n_groups)
    if sorted_codes.size == 0:
        return total
    compensation = np.zeros(n_groups)
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, sorted_codes.size]))
    rank = np.arange(sorted_codes.size) - first
    for k in range(int(rank.max()) + 1):
        at = rank == k
        group = sorted_codes[at]
        y = sorted_values[at] - compensation[group]
        t = total[group] + y
        compensation[group] = (t - total[group]) - y
        total[group] = t
    return total


_KEYS = ("region", "year")
"""The names of the levels of the wide index."""


@functools.cache
def _district_names() -> frozenset[str]:
    """Return the codes of :func:`~greenplan.regions.districts`, made once (a fixed list)."""
    return frozenset(districts())


def _region_year_codes(index: pd.Index) -> tuple[np.ndarray, list[Any], np.ndarray, int]:
    """Region and year of each row of a ``(region, year)`` index as integer codes.

    Returns the region codes, the region of each code, the year codes and the number of year
    codes. A MultiIndex holds them already (its codes and levels: no text is compared
    again); another index, or one with a missing key, is factorized.
    """
    region, year = level_codes(index, "region"), level_codes(index, "year")
    if region is not None and year is not None:
        return region[0], region[1].tolist(), year[0], len(year[1])
    region_codes, region_values = pd.factorize(index.get_level_values("region"))
    year_codes, year_values = pd.factorize(index.get_level_values("year"))
    return region_codes, list(region_values), year_codes, len(year_values)


def sorted_region_year_index(
    regions: np.ndarray, years: np.ndarray, region_at: np.ndarray, year_at: np.ndarray
) -> pd.MultiIndex:
    """``MultiIndex.from_arrays([regions[region_at], years[year_at]])``, made from the codes.

    ``regions`` are distinct region codes in Python string order (an object array), ``years``
    distinct years ascending (int64); ``region_at`` and ``year_at`` give each row's position
    in them. The result is the index ``from_arrays`` makes (levels: the values used, sorted;
    names ``region`` and ``year``) without hashing and sorting the text of every row again.

    Examples
    --------
    >>> regions = np.array(["历下区", "济南市", "长清区"], dtype=object)
    >>> index = sorted_region_year_index(
    ...     regions, np.array([2020, 2021]), np.array([0, 0, 1]), np.array([0, 1, 1]))
    >>> index.tolist()
    [('历下区', 2020), ('历下区', 2021), ('济南市', 2021)]
    >>> index.levels[0].tolist()  # 长清区 has no row
    ['历下区', '济南市']
    """
    if not len(region_at):
        return pd.MultiIndex.from_arrays([regions[region_at], years[year_at]], names=_KEYS)
    used_regions = np.zeros(len(regions), dtype=bool)
    used_regions[region_at] = True
    used_years = np.zeros(len(years), dtype=bool)
    used_years[year_at] = True
    levels: list[Any] = [text_index(regions[used_regions].tolist()), pd.Index(years[used_years])]
    return pd.MultiIndex(
        levels=levels,
        codes=[(np.cumsum(used_regions) - 1)[region_at], (np.cumsum(used_years) - 1)[year_at]],
        names=_KEYS,
        verify_integrity=False,
    )


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
    return _CityFill(_CityPositions.of(index, rule))


class _CityFill:
    """The callable :func:`city_filler` returns; ``.array`` is its core on float arrays."""

    def __init__(self, positions: _CityPositions | None) -> None:
        self.positions = positions

    def __call__(self, series: pd.Series) -> pd.Series:
        if self.positions is None:
            return series
        filled = self.positions.fill(series.to_numpy(dtype="float64"))
        if filled is None:
            return series
        return pd.Series(filled, index=series.index, name=series.name)

    def array(self, values: np.ndarray) -> np.ndarray:
        """``values`` (float64, one per row of the index) filled, or ``values`` itself."""
        if self.positions is None:
            return values
        filled = self.positions.fill(values)
        return values if filled is None else filled


class _CityPositions:
    """Where the city and the districts are on a ``(region, year)`` index, worked out once.

    ``fill(values)`` fills one series (a float array on the index), ``fill_block(block)`` the
    rows of a ``series × rows`` block at once; both sum the districts of a year in the same
    order (district rows stably sorted by year) with the same Kahan arithmetic, so a value is
    the same whichever fills it.
    """

    def __init__(
        self,
        region_codes: np.ndarray,
        year_codes: np.ndarray,
        n_years: int,
        component: np.ndarray,
        city_pos: np.ndarray,
        rule: str,
    ) -> None:
        # any coding of regions and years will do: codes only group rows (the districts of a
        # year are summed in row order whatever number their year has)
        self.rule = rule
        self.region_codes = region_codes
        self.n_regions = int(region_codes.max(initial=-1)) + 1
        self.city_pos = city_pos
        self.city_years = year_codes[city_pos]
        self.n_years = n_years
        self.all_required = len(_district_names())
        # district rows stably sorted by year once: the rows with a value keep that order, so
        # each call sums in the same order as a stable sort of its own rows would
        district_rows = np.flatnonzero(component)
        self.by_year = district_rows[np.argsort(year_codes[district_rows], kind="stable")]
        self.by_year_codes = year_codes[self.by_year]

    @classmethod
    def of(cls, index: pd.Index, rule: str) -> _CityPositions | None:
        """Return the positions on ``index``, or None when nothing can be filled."""
        if rule == "never":
            return None
        region_codes, region_names, year_codes, n_years = _region_year_codes(index)
        known = _district_names()
        is_district = np.array([name in known for name in region_names] + [False], dtype=bool)
        component = is_district[region_codes]  # a code -1 (no region) reads the last False
        if not component.any():
            return None
        if rule == "all_districts" and year_codes.min(initial=0) >= 0:
            # no year with a row of every district: no city value can be filled
            rows_a_year = np.bincount(year_codes[component], minlength=n_years)
            if rows_a_year.max() < len(known):
                return None
        city_pos = np.zeros(0, dtype=np.intp)
        if CITY in region_names:
            city_pos = np.flatnonzero(region_codes == region_names.index(CITY))
        return cls(region_codes, year_codes, n_years, component, city_pos, rule)

    def fill(self, values: np.ndarray) -> np.ndarray | None:
        """Return the filled copy of one series, or None when no city value changes."""
        absent = np.isnan(values[self.city_pos])
        if not absent.any():
            return None
        present = ~np.isnan(values[self.by_year])
        rows, codes = self.by_year[present], self.by_year_codes[present]
        counts = np.bincount(codes, minlength=self.n_years)
        if self.rule == "all_districts":
            required = self.all_required
        else:
            required = len(np.unique(self.region_codes[rows]))
        complete = (counts == required) & (counts > 0)
        target = absent & complete[self.city_years]
        if not target.any():
            return None
        sums = _kahan_sorted_sum(codes, values[rows], self.n_years)
        filled = values.copy()
        filled[self.city_pos[target]] = sums[self.city_years[target]]
        return filled

    def fill_block(self, block: np.ndarray, which: np.ndarray) -> None:
        """Fill the rows ``which`` of a ``series × rows`` block in place, all at once.

        Row by row the same as :meth:`fill`: the series are stacked, so one grouped Kahan sum
        over (series, year) groups replaces one per series.
        """
        if not which.size:
            return
        city = block[np.ix_(which, self.city_pos)]
        absent = np.isnan(city)
        keep = absent.any(axis=1)
        if not keep.any():
            return
        which, absent = which[keep], absent[keep]
        n_series, n_years = which.size, self.n_years
        part = block[np.ix_(which, self.by_year)]
        present = ~np.isnan(part)
        series_of = np.broadcast_to(np.arange(n_series)[:, None], part.shape)[present]
        group = series_of * n_years + np.broadcast_to(self.by_year_codes, part.shape)[present]
        counts = np.bincount(group, minlength=n_series * n_years).reshape(n_series, n_years)
        if self.rule == "all_districts":
            required = np.full(n_series, self.all_required)
        else:
            regions = np.broadcast_to(self.region_codes[self.by_year], part.shape)[present]
            seen = np.zeros((n_series, self.n_regions), dtype=bool)
            seen[series_of, regions] = True
            required = seen.sum(axis=1)
        complete = (counts == required[:, None]) & (counts > 0)
        target = absent & complete[:, self.city_years]
        if not target.any():
            return
        # row-major order of ``part``: by series, then by year in the stable district order,
        # so ``group`` is sorted and each group sums in the order :meth:`fill` uses
        sums = _kahan_sorted_sum(group, part[present], n_series * n_years)
        rows, cols = np.nonzero(target)
        block[which[rows], self.city_pos[cols]] = sums[rows * n_years + self.city_years[cols]]


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
    block, index, columns, _ = _block_and_positions(stats, fill_city=fill_city, city_rule=city_rule)
    return pd.DataFrame(block.T, index=index, columns=columns, copy=False)


def _block_and_positions(
    stats: pd.DataFrame, *, fill_city: bool, city_rule: str
) -> tuple[np.ndarray, pd.MultiIndex, pd.Index, _CityPositions | None]:
    """Return :func:`to_wide` as a ``variables × rows`` block, its index and columns.

    And the city positions it filled with (reused for the indicators).
    """
    # a view without the reader's attrs: pandas deep-copies attrs into every slice made below
    data = pd.DataFrame(stats, copy=False).loc[:, ["region", "year", "variable", "value"]]
    city_rows = fill_city and city_rule != "never"
    pivoted = _pivot(data, city_rows=city_rows)
    if pivoted is None:  # a key is given more than once
        keys = ["region", "year", "variable"]
        repeated = data.duplicated(keys, keep=False).to_numpy()
        _refuse_conflicts(stats, repeated)
        pivoted = _pivot(data.drop_duplicates(keys), city_rows=city_rows)
        if pivoted is None:  # pragma: no cover - drop_duplicates leaves no repeated key
            raise RuntimeError("to_wide: repeated keys after drop_duplicates")
    block, index, columns = pivoted
    positions = _CityPositions.of(index, city_rule) if fill_city else None
    if positions is not None:
        additive = [
            k
            for k, column in enumerate(columns)
            if (var := VARIABLES.get(column)) is not None and var.aggregation is Aggregation.SUM
        ]
        positions.fill_block(block, np.asarray(additive, dtype=np.int64))
    return block, index, columns, positions


def _pivot(
    data: pd.DataFrame, *, city_rows: bool
) -> tuple[np.ndarray, pd.MultiIndex, pd.Index] | None:
    """One float64 row per variable (a ``variables × rows`` block) on sorted ``(region, year)``.

    With ``city_rows``, the city gets an all-NaN row for every year with district rows and no
    city row (for the city fill). Returns the block, the ``(region, year)`` index and the
    variables (sorted); None when a ``(region, year, variable)`` key is given more than once.
    """
    # codes as pandas.factorize gives them, made by runs of equal texts and by marking years
    # (hashing every row cost most of the pivot on millions of rows)
    region_codes, region_values = factorize(data["region"])
    year_codes, year_values = _sorted_year_codes(data["year"])
    variable_codes, variable_values = _sorted_codes(data["variable"])
    if min(region_codes.min(initial=0), year_codes.min(initial=0)) < 0:  # a missing key
        if data.duplicated(["region", "year", "variable"]).any():
            return None
        wide = data.pivot(index=["region", "year"], columns="variable", values="value")
        wide = wide.astype("float64").sort_index()
        index = pd.MultiIndex.from_arrays(
            [
                wide.index.get_level_values("region").astype(object),
                wide.index.get_level_values("year").astype("int64"),
            ],
            names=["region", "year"],
        )
        wide.index = index
        if city_rows and index.get_level_values("region").isin(districts()).any():
            wide = _with_city_rows(wide)
        full = pd.MultiIndex.from_arrays(
            [wide.index.get_level_values(0), wide.index.get_level_values(1)],
            names=["region", "year"],
        )
        return wide.to_numpy(copy=True).T.copy(), full, pd.Index(list(wide.columns))
    regions = list(np.asarray(region_values, dtype=object))
    is_district = np.isin(np.asarray(regions, dtype=object), np.asarray(districts(), dtype=object))
    city_rows = city_rows and bool(is_district.any())
    if city_rows and CITY not in regions:
        regions.append(CITY)
        is_district = np.append(is_district, False)
    names = np.asarray(regions, dtype=object)
    order = np.argsort(names, kind="stable")  # Python string order, as sort_index has it
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    n_years = len(year_values)
    n_rows = len(region_codes)
    # Millions of rows: each new array of a code per row costs its page faults as much as its
    # arithmetic, so the per-row arrays are made once and reused in place (the codes are ours)
    # and the rest works on the few (region, year) slots.
    # each row's (region, year) slot, in the array of its region code
    key = np.take(rank, region_codes, out=region_codes, mode="wrap")
    key *= n_years
    key += year_codes
    # one flag per (region, year) slot, at most regions × years ≤ 9999 bytes a region: the
    # sorted distinct keys and each row's position without a sort
    used = np.zeros(len(regions) * n_years, dtype=bool)
    used[key] = True
    if city_rows:  # a city slot in every year with a district row
        slots = used.reshape(len(regions), n_years)
        district_years = slots[rank[np.flatnonzero(is_district)]].any(axis=0)
        slots[rank[regions.index(CITY)]] |= district_years
    row_keys = np.flatnonzero(used)
    slot_row = np.cumsum(used, dtype=np.int64)
    slot_row -= 1
    position = np.take(slot_row, key, out=key, mode="wrap")  # each row's column of the block
    block = np.full((len(variable_values), len(row_keys)), np.nan)
    # one flat index per row (a 2-d fancy assignment costs several times more)
    flat = variable_codes
    flat *= len(row_keys)
    flat += position
    filled = np.zeros(block.size, dtype=bool)
    filled[flat] = True
    if np.count_nonzero(filled) < n_rows:  # a key given twice
        return None
    block.ravel()[flat] = data["value"].to_numpy(dtype="float64")
    years = np.asarray(year_values, dtype="int64")
    index = sorted_region_year_index(names[order], years, row_keys // n_years, row_keys % n_years)
    return block, index, pd.Index(variable_values)


def _sorted_codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pandas.factorize(series, sort=True)`` of a text column, made by runs of equal texts.

    The distinct texts (first-appearance order, :func:`greenplan.io.cells.factorize`) are
    sorted as Python sorts strings (by code point, as pandas sorts them) and the codes mapped;
    -1 stays -1 for an empty cell.
    """
    codes, uniques = factorize(series)
    names = np.asarray(uniques, dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 (an empty cell) picks the last entry
    # in place: the codes are a new array of factorize's
    return np.take(rank, codes, out=codes, mode="wrap"), pd.Index(names[order])


def _sorted_year_codes(year: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(year, sort=True)``: by marking when the years are int64 (no empty cell).

    :func:`~greenplan._numeric.int_codes` (no hash table over a short range); pandas' nullable
    or other years by pandas.
    """
    if year.dtype == np.int64:
        return int_codes(year.to_numpy())
    codes, uniques = pd.factorize(year, sort=True)
    return np.asarray(codes), np.asarray(uniques)


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
            msg(
                "engine.duplicate_conflict",
                variable=variable,
                region=region,
                year=year,
                n=len(group),
                values=[f"{v:g}" for v in group["value"].tolist()],
                rows=[str(r) for r in rows],
            ),
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
    block, index, columns, positions = _block_and_positions(
        _as_canonical(stats), fill_city=True, city_rule=rule
    )
    return Inputs.from_block(block, index, columns, opts, city_fill=_CityFill(positions))


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
        raise GreenplanError(msg("engine.bad_indicators", value=repr(indicators)))
    unknown = [i for i in ids if i not in table]
    if unknown:
        hints: Message | None = None
        for u in reversed(unknown):
            close = suggest(u, table)
            one = (
                msg("engine.unknown_indicator_close", name=repr(u), names=close)
                if close
                else msg("engine.unknown_indicator_name", name=repr(u))
            )
            hints = one if hints is None else msg("engine.semicolon", first=one, rest=hints)
        raise GreenplanError(msg("engine.unknown_indicators", names=hints))
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
    kept: list[str] = []
    rows: list[np.ndarray] = []
    values: list[np.ndarray] = []
    computed: list[np.ndarray] = []
    for id in ids:
        series = x.indicator_values(id)
        keep = np.flatnonzero(~np.isnan(series))
        if keep.size:
            kept.append(id)
            rows.append(keep)
            values.append(series[keep])
            computed.append(x.computed_mask(id)[keep])
    out = _result_frame(x, kept, rows, values, computed)
    out.attrs["greenplan"] = ComputeInfo(options=x.options, indicators=ids)
    _log.info("computed %d of %d indicators: %d values", len(kept), len(ids), len(out))
    if _log.isEnabledFor(logging.DEBUG) and len(kept) < len(ids):
        done = set(kept)
        _log.debug("no value (inputs missing): %s", ", ".join(i for i in ids if i not in done))
    return out


def _method(x: Inputs, id: str) -> str:
    """Return the method text of one indicator: its options, then its recipe's notes."""
    rec = recipes_table()[id]
    parts = [f"{o}={x.options[o]}" for o in rec.indicator.options]
    return "; ".join(parts + x.notes.get(id, []))


def _result_frame(
    x: Inputs,
    ids: list[str],
    rows: list[np.ndarray],
    values: list[np.ndarray],
    computed: list[np.ndarray],
) -> pd.DataFrame:
    """Build compute's long result in one go from each indicator's rows of ``x.index``.

    The text columns are taken from a few distinct strings by integer codes; ``method`` stays
    a categorical, so its text is stored once per indicator whatever the number of rows.
    """
    if not ids:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else object) for c in RESULT_COLUMNS}
        ).astype({"year": "int64"})
    table = recipes()
    counts = np.array([r.size for r in rows], dtype=np.int64)
    which = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
    position = np.concatenate(rows)
    methods = [_method(x, id) for id in ids]
    texts, method_codes = np.unique(np.array(methods, dtype=object), return_inverse=True)
    units = [table[id].indicator.unit for id in ids]
    origin = np.concatenate(computed).astype(np.int64)
    return pd.DataFrame(
        {
            "region": pd.Index(np.asarray(x.regions, dtype=object)[position], dtype=object),
            "year": x.years.to_numpy(dtype="int64")[position],
            "indicator": pd.array(ids, dtype="str").take(which),
            "value": np.concatenate(values),
            "unit": pd.array(units, dtype="str").take(which),
            "origin": pd.array(["reported", "computed"], dtype="str").take(origin),
            "method": pd.Categorical.from_codes(
                method_codes.ravel()[which], categories=pd.Index(texts, dtype="str")
            ),
        }
    )


class ComputeInfo(Provenance):
    """What :func:`compute` used (``options``, ``indicators``): ``df.attrs["greenplan"]``.

    Read-only, and shared by the frames pandas derives from the result (a
    :class:`~greenplan._provenance.Provenance`): pandas deep-copies ``attrs`` into every
    slice, and this object copies as itself, so a slice costs one small copy instead of a
    copy of every option value. ``dict(info)`` gives a changeable copy.
    """

    __slots__ = ()

    def __init__(self, *, options: dict[str, Any], indicators: list[str]) -> None:
        # freeze makes new read-only containers (an already frozen one is shared as it is)
        dict.__init__(self, options=freeze(options), indicators=freeze(indicators))


def _compute_info(data: dict[str, Any]) -> ComputeInfo:
    """Unpickle a :class:`ComputeInfo` pickled by greenplan before 2026-12-05 (session 9)."""
    return ComputeInfo(options=data["options"], indicators=data["indicators"])


def _inputs(stats: Any, options: dict[str, Any]) -> Inputs:
    """``stats`` itself when it is an :class:`Inputs` already computed on, else its inputs."""
    if isinstance(stats, Inputs):
        if options:
            raise GreenplanError(msg("engine.options_with_inputs", names=str(sorted(options))))
        return stats
    return inputs_from(stats, **options)


def reported_vs_computed(
    stats: Any, rtol: float = 0.005, atol: float = 1e-9, **options: Any
) -> pd.DataFrame:
    """Directly reported indicator values that disagree with the value from components.

    Parameters
    ----------
    stats : pandas.DataFrame, path(s) or Inputs
        Raw statistics, including some indicator ids as variables; or the
        :class:`~greenplan.indicators.registry.Inputs` of :func:`inputs_from`, so that
        :func:`coverage` of the same inputs reuses the indicators computed here.
    rtol, atol : float
        Tolerance: a disagreement is ``|reported − computed| > atol + rtol·|reported|``
        (default 0.5 %, the rounding of a published figure to three significant digits).

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, indicator, reported, computed, unit``.
    """
    return _disagreements(_inputs(stats, options), rtol, atol)


def _disagreements(x: Inputs, rtol: float, atol: float) -> pd.DataFrame:
    rows = []
    for id, rec in recipes().items():
        if rec.reported_only or id not in x.wide.columns:
            continue
        reported = x[id].to_numpy(dtype="float64")
        computed = x.computed_only(id).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            bad = np.abs(reported - computed) > atol + rtol * np.abs(reported)
        bad &= ~np.isnan(reported) & ~np.isnan(computed)
        if bad.any():
            idx = x.index[bad]
            rows.append(
                pd.DataFrame(
                    {
                        "region": idx.get_level_values("region"),
                        "year": idx.get_level_values("year"),
                        "indicator": id,
                        "reported": reported[bad],
                        "computed": computed[bad],
                        "unit": rec.indicator.unit,
                    }
                )
            )
    cols = ["region", "year", "indicator", "reported", "computed", "unit"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def coverage(stats: Any, indicators: Iterable[str] | None = None, **options: Any) -> pd.DataFrame:
    """Which indicators cannot be computed for which region-years, and which inputs are missing.

    Only region-years present in ``stats`` are listed. An indicator counts as computable when
    either its formula or a reported value gives a number. ``stats`` may be the
    :class:`~greenplan.indicators.registry.Inputs` of :func:`inputs_from`: indicators already
    computed on it (by :func:`reported_vs_computed`, say) are not computed again.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, region, year, missing`` (``missing`` joins the input codes with
        no value for that row by ``;``).
    """
    return _coverage(_inputs(stats, options), _select(indicators))


def consistency(
    stats: Any,
    indicators: Iterable[str] | None = None,
    rtol: float = 0.005,
    atol: float = 1e-9,
    **options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`coverage` and :func:`reported_vs_computed` from one computation of the indicators.

    What :func:`greenplan.validate` needs from the engine: each indicator is computed once
    for both answers (calling the two functions on the same ``stats`` computes everything
    twice).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The result of :func:`coverage` and that of :func:`reported_vs_computed`.
    """
    x = _inputs(stats, options)
    return _coverage(x, _select(indicators)), _disagreements(x, rtol, atol)


class CoverageCodes(NamedTuple):
    """:func:`coverage` as integer codes: one entry per (indicator, row) that has no value.

    ``indicator[k]`` indexes ``indicators``, ``row[k]`` the rows of the inputs' ``index`` and
    ``missing[k]`` ``patterns`` (the ``;``-joined input codes without a value, as in
    :func:`coverage`). Entries come by indicator (in the order asked), then by row. Codes of
    ``indicators`` and ``patterns`` are numbered in order of first appearance, as
    ``pandas.factorize`` numbers the columns of :func:`coverage`.
    """

    indicators: list[str]
    indicator: np.ndarray
    row: np.ndarray
    missing: np.ndarray
    patterns: list[str]


def coverage_codes(
    stats: Any, indicators: Iterable[str] | None = None, **options: Any
) -> CoverageCodes:
    """:func:`coverage` without its text columns: what validation summarises, made cheaply.

    On a large table most (indicator, region-year) pairs can lack a value; building a frame
    of their texts costs far more than finding them. ``stats`` as in :func:`coverage`.
    """
    return _coverage_codes(_inputs(stats, options), _select(indicators))


def _coverage_codes(x: Inputs, ids: list[str]) -> CoverageCodes:
    table = recipes_table()
    empty = np.zeros(0, dtype=np.int64)
    if not ids:
        return CoverageCodes([], empty, empty, empty, [])
    # every indicator's rows without a value at once: one matrix, not a pass per indicator
    absent = _isnan_rows([x.indicator_values(id) for id in ids])
    kept = np.flatnonzero(absent.any(axis=1)).tolist()
    if not kept:
        return CoverageCodes([], empty, empty, empty, [])
    columns = frozenset(x.wide.columns.tolist())
    names: list[str] = []  # the distinct inputs of the kept indicators, in order of first use
    position: dict[str, int] = {}
    arrays: list[np.ndarray] = []
    inputs: list[list[int]] = []
    for k in kept:
        id = ids[k]
        codes = table[id].indicator.inputs or (id,)
        for code in codes:
            if code not in position:
                position[code] = len(names)
                names.append(code)
                # an input's values: its column, or the indicator it is when not given
                if code in table and code not in columns:
                    arrays.append(x.indicator_values(code))
                else:
                    arrays.append(x.column_values(code))
        inputs.append([position[code] for code in codes])
    absent = absent[kept]
    # all indicators at once: few numpy calls, but passes over every entry that hashing and
    # reduceat make slow when entries are many; then one indicator at a time is faster
    find = _missing_patterns
    if np.count_nonzero(absent) > _MANY_ENTRIES:
        find = _missing_patterns_by_indicator
    indicator, row, missing, patterns = find(absent, _isnan_rows(arrays), inputs, names)
    return CoverageCodes([ids[k] for k in kept], indicator, row, missing, patterns)


_MANY_ENTRIES = 100_000
"""Entries (indicator, row without a value) beyond which coverage goes indicator by indicator:
about where the two ways cost the same (≈ 1.5 ms; 56,000 entries: 1.4 ms at once, 1.9 one
at a time; 548,000, of 1M rows in 7,943 region-years: 10.5 ms at once, 6.4 one at a time)."""


def _isnan_rows(arrays: list[np.ndarray]) -> np.ndarray:
    """``np.isnan(np.stack(arrays))`` without the stacked copy of the values."""
    out = np.empty((len(arrays), arrays[0].size), dtype=bool)
    for k, values in enumerate(arrays):
        np.isnan(values, out=out[k])
    return out


_KEY_BITS = 62
"""Flags of inputs packed in one int64 key (the rest of an indicator's inputs: more keys)."""

_BLOCK_ROWS = 4096
"""Rows whose input bits are summed at once (the bits take 8 bytes per input and row)."""


def _summed_bits(flags: np.ndarray, shifts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum ``flags << shifts`` (int64) over the groups of rows that begin at ``starts``.

    A group is the inputs of one indicator, a column one row of the table: the result is
    each indicator's key per row. Computed :data:`_BLOCK_ROWS` columns at a time, with a
    zero row after the flags so that a start past the last input is a row.
    """
    n_rows = flags.shape[1]
    summed = np.empty((starts.size, n_rows), dtype=np.int64)
    for lo in range(0, n_rows, _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, n_rows)
        bits = np.zeros((flags.shape[0] + 1, hi - lo), dtype=np.int64)
        np.left_shift(flags[:, lo:hi], shifts, out=bits[:-1], dtype=np.int64)
        summed[:, lo:hi] = np.add.reduceat(bits, starts, axis=0)
    return summed


def _missing_patterns(
    absent: np.ndarray, nan: np.ndarray, inputs: list[list[int]], names: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Entries of :class:`CoverageCodes` from boolean matrices: who lacks a value, and what.

    Parameters
    ----------
    absent : numpy.ndarray of bool, shape (indicators, rows)
        Which rows of each indicator have no value.
    nan : numpy.ndarray of bool, shape (inputs, rows)
        Which rows of each input have no value.
    inputs : list of list of int
        Each indicator's inputs, in their order, as rows of ``nan`` (at least one each).
    names : list of str
        The code of each input (row of ``nan``).

    Returns
    -------
    (indicator, row, missing, patterns)
        One entry per ``True`` of ``absent``, by indicator then row; ``missing`` codes the
        ``;``-joined names of the indicator's inputs without a value in that row, numbered
        in order of first appearance over the entries (``patterns``, the texts).

    Notes
    -----
    An indicator's flags of its inputs in a row pack into an integer key, its ``j``-th
    input as bit ``j``: every indicator and row at once, from one gather of ``nan`` and a
    sum per indicator (indicators of more than :data:`_KEY_BITS` inputs take more keys).
    Integer arithmetic only: a matrix product would be shorter, but BLAS threads stall on a
    busy machine.
    """
    n_indicators, n_rows = absent.shape
    width = max((len(codes) for codes in inputs), default=0)
    entries = np.flatnonzero(absent)  # by indicator, then row
    keys: list[np.ndarray] = []
    for chunk in range(0, max(width, 1), _KEY_BITS):
        parts = [codes[chunk : chunk + _KEY_BITS] for codes in inputs]
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        gathered = nan[[code for p in parts for code in p]]
        shifts = np.array([j for p in parts for j in range(len(p))], dtype=np.int64)[:, None]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        summed = _summed_bits(gathered, shifts, starts)
        summed[sizes == 0] = 0  # no input in this chunk: reduceat gave the next one's bit
        keys.append(summed.ravel()[entries])
        del summed  # arrays of every entry come next: a lower peak of memory
    indicator, row = np.divmod(entries, n_rows) if n_rows else (entries, entries)
    del entries
    # the distinct (indicator, key) in order of first appearance: that of the entries
    bits_used = min(width, _KEY_BITS)
    distinct: list[tuple[int, ...]]
    if len(keys) == 1 and n_indicators <= 1 << (_KEY_BITS - bits_used):  # in one int64
        both = indicator << bits_used
        both |= keys.pop()
        first_seen, uniques = pd.factorize(both)
        del both
        local = np.asarray(first_seen, dtype=np.int64)
        combined = np.asarray(uniques, dtype=np.int64)
        low = (1 << bits_used) - 1
        distinct = list(
            zip((combined >> bits_used).tolist(), (combined & low).tolist(), strict=True)
        )
    else:
        stacked = np.column_stack([indicator, *keys])
        _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        local = rank[inverse.ravel()]
        distinct = [tuple(r) for r in stacked[first[order]].tolist()]
    patterns: dict[str, int] = {}
    code_of = np.empty(len(distinct), dtype=np.int64)
    for u, (i, *packed) in enumerate(distinct):
        codes = inputs[int(i)]
        label = ";".join(
            names[code]
            for j, code in enumerate(codes)
            if int(packed[j // _KEY_BITS]) >> (j % _KEY_BITS) & 1
        )
        code_of[u] = patterns.setdefault(label, len(patterns))
    return indicator, row, code_of[local], list(patterns)


def _missing_patterns_by_indicator(
    absent: np.ndarray, nan: np.ndarray, inputs: list[list[int]], names: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """:func:`_missing_patterns` one indicator at a time (the same arguments and result).

    About twenty numpy calls per indicator, each over that indicator's entries only: slower
    than :func:`_missing_patterns` on small tables, faster on many entries. One string per
    distinct pattern of missing inputs, not per row: rows share few patterns.
    """
    rows_of: list[np.ndarray] = []
    missing_of: list[np.ndarray] = []
    patterns: dict[str, int] = {}
    for i, codes in enumerate(inputs):
        rows = np.flatnonzero(absent[i])
        rows_of.append(rows)
        if rows.size == 0:
            missing_of.append(rows)
            continue
        if len(codes) < 63:  # each row's flags packed into one integer key: np.unique is 1-d
            keys = np.zeros(rows.size, dtype=np.int64)
            for j, code in enumerate(codes):
                keys |= nan[code][rows].astype(np.int64) << j
            uniq, first, inverse = _unique_small(keys, len(codes))
            flags_of = [[bool(key >> j & 1) for j in range(len(codes))] for key in uniq.tolist()]
        else:  # too many inputs to pack: unique rows (slower, exact)
            flags = nan[codes][:, rows].T
            _, first, inverse = np.unique(flags, axis=0, return_index=True, return_inverse=True)
            flags_of = [flags[f].tolist() for f in first.tolist()]
        # global pattern codes in order of first appearance over the rows
        local = np.empty(first.size, dtype=np.int64)
        for k in np.argsort(first, kind="stable").tolist():
            label = ";".join(names[c] for c, f in zip(codes, flags_of[k], strict=True) if f)
            local[k] = patterns.setdefault(label, len(patterns))
        missing_of.append(local[inverse.ravel()])
    counts = [r.size for r in rows_of]
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.repeat(np.arange(len(inputs), dtype=np.int64), counts),
        np.concatenate(rows_of).astype(np.int64, copy=False) if rows_of else empty,
        np.concatenate(missing_of).astype(np.int64, copy=False) if missing_of else empty,
        list(patterns),
    )


def _unique_small(keys: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` of ``bits``-bit keys.

    Patterns of missing inputs are few: for keys of at most 16 bits they are counted, not
    sorted, and each one's first row found by a scan.
    """
    if bits <= 16:
        uniq = np.flatnonzero(np.bincount(keys, minlength=1 << bits))
        if uniq.size <= 8:
            first = np.array([int(np.argmax(keys == u)) for u in uniq.tolist()], dtype=np.int64)
            lookup = np.zeros(1 << bits, dtype=np.int64)
            lookup[uniq] = np.arange(uniq.size)
            return uniq, first, lookup[keys]
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return uniq, first, inverse.ravel()


def _coverage(x: Inputs, ids: list[str]) -> pd.DataFrame:
    cols = ["indicator", "region", "year", "missing"]
    found = _coverage_codes(x, ids)
    if not found.indicators:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            "indicator": pd.array(found.indicators, dtype="str").take(found.indicator),
            "region": pd.array(np.asarray(x.regions, dtype=object)[found.row], dtype="str"),
            "year": x.years.to_numpy(dtype="int64")[found.row],
            "missing": pd.array(found.patterns, dtype="str").take(found.missing),
        }
    )

"""The engine's inputs of an accepted table, made once from its integer codes.

:func:`greenplan.validate` runs three consistency checks through the compute engine
(coverage, reported vs computed indicators, published rates vs levels). They share one
:class:`~greenplan.indicators.registry.Inputs`, so every indicator is computed once. The table
checks have already factorized region, year and variable into integer codes and removed
duplicate keys, so the wide table is a scatter of the values into a (region-years ×
variables) float array: no text is hashed again and no duplicate search is run. The result is
the same frame :func:`greenplan.engine.to_wide` makes of the canonical table (same index,
columns, values and city fill).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from greenplan import engine
from greenplan.checks import Table
from greenplan.consistency import ANNUAL_SUFFIX, CUMULATIVE_SUFFIX
from greenplan.definitions import Aggregation
from greenplan.indicators.registry import Inputs, recipes, resolve_options
from greenplan.regions import CITY, districts
from greenplan.variables import VARIABLES

__all__ = ["inputs_of_table", "rate_levels", "wide_of_table"]


def wide_of_table(t: Table, city_rule: str = "all_districts") -> pd.DataFrame:
    """Pivot the accepted rows of ``t`` (unique by key) to one float column per variable.

    Parameters
    ----------
    t : greenplan.checks.Table
        Rows unique by (region, year, variable), with their integer codes.
    city_rule : {"all_districts", "reporting_districts", "never"}
        When the city value of an additive variable is filled from its districts (the
        ``city_from_districts`` option of :func:`greenplan.compute`).

    Returns
    -------
    pandas.DataFrame
        Index ``(region, year)`` sorted (regions in Python string order, as ``sort_index``
        has it), columns the variable codes sorted, float64 values: what
        :func:`greenplan.engine.to_wide` returns for the same rows.
    """
    block, index, columns, _ = _block_and_filler(t, city_rule)
    return pd.DataFrame(block.T, index=index, columns=pd.Index(columns), copy=False)


def _block_and_filler(t: Table, city_rule: str) -> tuple[np.ndarray, pd.MultiIndex, list[str], Any]:
    """Return :func:`wide_of_table` as a ``variables × rows`` block, its index and columns.

    And the city filler of that index when it made one (else None).
    """
    # the distinct (region, year) pairs with rows: the per-row work is the scatter of the
    # values (into a grid, else with a count and two lookups a row); the rest is on these
    # few pairs
    if t.nr * t.ny <= 4 * t.n + 1024:  # the pair codes themselves are the bins
        pair_bins, pair_keys = t.region_year, np.arange(t.nr * t.ny, dtype=np.int64)
    else:
        codes, uniques = pd.factorize(t.region_year)
        pair_bins, pair_keys = np.asarray(codes, dtype=np.int64), np.asarray(uniques)
    n_bins = pair_keys.size
    # few (variable, pair) cells and no NaN value: the values go straight into a variables ×
    # pairs grid, whose non-NaN cells then say which pairs and variables have rows (no count
    # over the rows, no lookup per row); the wide block is a reordered copy of that grid
    grid = None
    if _grid_fits(t, n_bins):
        grid = np.full((t.nv, n_bins + 1), np.nan)  # the last column: rows without a pair
        flat = t.vc * (n_bins + 1)
        flat += pair_bins
        grid.ravel()[flat] = t.value
        filled = ~np.isnan(grid[:, :n_bins])
        has_rows = filled.any(axis=0)
        used = np.flatnonzero(filled.any(axis=1))
    else:
        has_rows = np.bincount(pair_bins, minlength=n_bins) > 0
        used = np.flatnonzero(np.bincount(t.vc, minlength=len(t.variables)))
    pairs = pair_keys[has_rows]
    pair_region, pair_year = pairs // t.ny, pairs % t.ny
    # the code lists of a table carry the texts of rows rejected since: only what has rows counts
    regions = list(t.regions)
    names = np.asarray(regions, dtype=object)
    with_rows = np.zeros(len(regions), dtype=bool)
    with_rows[pair_region] = True
    known = set(districts())
    is_district = np.array([r in known for r in regions], dtype=bool) & with_rows
    city_rows = city_rule != "never" and bool(is_district.any())
    if city_rows and CITY not in regions:
        regions.append(CITY)
        names = np.asarray(regions, dtype=object)
        is_district = np.append(is_district, False)
    # ranks: regions in string order, years ascending, variables in string order
    region_order = np.argsort(names, kind="stable")
    region_rank = np.empty(len(regions), dtype=np.int64)
    region_rank[region_order] = np.arange(len(regions))
    year_values = np.asarray(t.years, dtype=np.int64)
    year_order = np.argsort(year_values, kind="stable")
    year_rank = np.empty(len(year_values), dtype=np.int64)
    year_rank[year_order] = np.arange(len(year_values))
    variables = np.asarray(t.variables, dtype=object)[used]
    var_order = np.argsort(variables, kind="stable")
    var_rank = np.full(len(t.variables), -1, dtype=np.int64)
    var_rank[used[var_order]] = np.arange(len(variables))
    n_years = len(year_values)
    yr = year_rank[pair_year]
    key = region_rank[pair_region] * n_years + yr  # row of each pair in the wide table
    present = np.zeros(len(regions) * n_years, dtype=bool)
    present[key] = True
    if city_rows:
        city = region_rank[regions.index(CITY)]
        district_years = np.unique(yr[is_district[pair_region]])
        present[city * n_years + district_years] = True
    row_keys = np.flatnonzero(present)
    position = np.full(len(regions) * n_years, -1, dtype=np.int64)
    position[row_keys] = np.arange(row_keys.size)
    if grid is not None:  # each wide row takes the grid column of its pair (city rows: none)
        bin_of_row = np.full(row_keys.size, n_bins, dtype=np.int64)
        bin_of_row[position[key]] = np.flatnonzero(has_rows)
        block = grid.take(used[var_order], axis=0).take(bin_of_row, axis=1)
    else:
        row_of_bin = np.full(n_bins, -1, dtype=np.int64)
        row_of_bin[has_rows] = position[key]
        block = np.full((len(variables), row_keys.size), np.nan)
        # one flat index per row (a 2-d fancy assignment costs several times more)
        flat = var_rank[t.vc] * row_keys.size
        flat += row_of_bin[pair_bins]
        block.ravel()[flat] = t.value
    row_region = row_keys // n_years
    index = engine.sorted_region_year_index(
        names[region_order], year_values[year_order], row_region, row_keys % n_years
    )
    columns = list(variables[var_order])
    fill = None
    if city_rows:
        fill = engine.city_filler(index, city_rule)
        fill_array = getattr(fill, "array")  # noqa: B009 - the filler's core on float arrays
        city_at = np.flatnonzero(row_region == city)
        gaps = np.isnan(block[:, city_at]).any(axis=1)  # only these can be filled
        for k in np.flatnonzero(gaps).tolist():
            var = VARIABLES.get(columns[k])
            if var is not None and var.aggregation is Aggregation.SUM:
                block[k] = fill_array(block[k])
    return block, index, columns, fill


def _grid_fits(t: Table, n_bins: int) -> bool:
    """Whether the values of ``t`` go into a variables × pairs grid.

    When the grid has a few cells a row, and no value is NaN (a non-NaN cell then marks a row).
    """
    return t.nv * (n_bins + 1) <= 4 * t.n + 4096 and not bool(np.isnan(t.value).any())


def inputs_of_table(t: Table, **options: Any) -> Inputs:
    """Return the :class:`Inputs` recipes see for the rows of ``t`` (``engine.inputs_from``)."""
    opts = resolve_options(options)
    rule = str(opts["city_from_districts"])
    block, index, columns, fill = _block_and_filler(t, rule)
    # the filler of the same index, when the wide table made one (it is not changed by use)
    fill = fill if fill is not None else engine.city_filler(index, rule)
    return Inputs.from_block(block, index, columns, opts, city_fill=fill)


def _row_finder(
    keys: np.ndarray, n_keys: int, dense: bool | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``find(wanted)``: the position of each wanted key in ``keys``, else ``len(keys)``.

    ``keys`` are distinct integers in ``[0, n_keys)``. A key space a few times the number of
    keys is one array of positions (``dense``, chosen by size unless given); a larger one a
    hashed index.
    """
    missing = keys.size
    if dense is None:
        dense = n_keys <= 4 * keys.size + 4096
    if dense:
        position = np.full(n_keys, missing, dtype=np.int64)
        position[keys] = np.arange(keys.size)
        return lambda wanted: position[wanted]
    lookup = pd.Index(keys)

    def find(wanted: np.ndarray) -> np.ndarray:
        found = lookup.get_indexer(wanted)
        return np.where(found >= 0, found, missing)

    return find


def rate_levels(
    x: Inputs, t: Table, rows: np.ndarray, base_year: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the levels the rate rows ``rows`` of ``t`` are rates of, as arrays.

    What :func:`~greenplan.consistency.rate_disagreements` looks up in the output of
    :func:`greenplan.compute`, found by integer codes instead of texts: for each row (an
    ``<indicator>_change`` or ``<indicator>_annual_change``), the value of ``<indicator>``
    computed on ``x`` for its region in its year (``now``) and in its reference year
    (``ref``: the year before, or ``base_year``), NaN where there is none, and that
    reference year. Only the levels of the rate codes of ``t`` are computed (on ``x``, so an
    indicator another check computed is not computed again).
    """
    names = [str(v) for v in t.variables]
    annual = np.array([v.endswith(ANNUAL_SUFFIX) for v in names], dtype=bool)
    table = recipes()
    wanted: dict[str, int] = {}  # level code -> row of the level matrix
    level_row = np.full(len(names) + 1, -1, dtype=np.int64)
    for k, code in enumerate(names):
        for suffix in (ANNUAL_SUFFIX, CUMULATIVE_SUFFIX):
            if code.endswith(suffix):
                level = code.removesuffix(suffix)
                if level in table:
                    level_row[k] = wanted.setdefault(level, len(wanted))
                break
    values = [x.indicator_values(level) for level in wanted]
    # the wide rows of (region, year): the table's regions matched to the inputs' by text
    region_codes, region_names = x.arrays.region_codes()  # (the index's own codes)
    wide_years = x.arrays.years
    n_wide = wide_years.size
    region_of = {str(r): k for k, r in enumerate(region_names)}
    to_wide = np.array([region_of.get(str(r), -1) for r in t.regions], dtype=np.int64)
    vc, year = t.vc[rows], t.year[rows]
    ref_year = np.where(annual[vc], year - 1, base_year).astype(np.int64)
    region = to_wide[t.rc[rows]]
    lo = int(wide_years.min()) if n_wide else 0
    span = int(wide_years.max()) - lo + 1 if n_wide else 1
    keys = region_codes.astype(np.int64) * span + (wide_years - lo)  # distinct: one per row
    find = _row_finder(keys, len(region_names) * span)

    def wide_row(y: np.ndarray) -> np.ndarray:
        inside = (region >= 0) & (y >= lo) & (y < lo + span)
        out = np.full(y.size, n_wide, dtype=np.int64)  # n_wide: the NaN column below
        out[inside] = find(region[inside] * span + (y[inside] - lo))
        return out

    # one matrix of the levels (a NaN row for rates of no level, a NaN column for no row)
    matrix = np.full((len(values) + 1, n_wide + 1), np.nan)
    for k, v in enumerate(values):
        matrix[k, :n_wide] = v
    lv = level_row[vc]
    lv[lv < 0] = len(values)
    return matrix[lv, wide_row(year)], matrix[lv, wide_row(ref_year)], ref_year

"""Shared pieces of the record converters: column checks, year and region parsing, long rows.

Private to :mod:`greenplan.records`; every function raises ``ValueError`` naming the table,
the column and the first offending rows (first row = 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from greenplan.regions import resolve_region
from greenplan.variables import VARIABLES

LONG_COLUMNS = ["region", "year", "variable", "value", "unit"]
"""Columns of the canonical long rows the converters return."""

_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓", "已实施", "已完成"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "无", "×", "未实施", "未完成", ""})


def unit_of(variable: str, default: str) -> str:
    """Canonical unit of ``variable`` in the code list, ``default`` if it is not a code."""
    v = VARIABLES.get(variable)
    return v.unit if v is not None else default


def long_rows(table: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Melt a (region, year)-indexed table of variables into canonical long rows.

    Rows are sorted by region, year and the table's column order; NaN values are dropped.
    """
    variables = list(table.columns)
    long = table.reset_index().melt(
        id_vars=["region", "year"], value_vars=variables, var_name="variable", value_name="value"
    )
    long["variable"] = pd.Categorical(long["variable"], categories=variables, ordered=True)
    long = long.sort_values(["region", "year", "variable"], kind="stable")
    long["variable"] = long["variable"].astype(str).astype(object)
    long["value"] = long["value"].astype("float64")
    long["year"] = long["year"].astype("int64")
    long["unit"] = unit
    return long.dropna(subset=["value"]).reset_index(drop=True)


def require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {what} table lacks column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, frame.columns))}. Add the missing column(s)."
        )


def rows(mask: np.ndarray | pd.Series) -> str:
    """``row(s) 3, 7 (first row = 1)`` for the positions where ``mask`` is true."""
    positions = np.flatnonzero(np.asarray(mask)) + 1
    shown = ", ".join(str(int(p)) for p in positions[:10])
    more = f" (and {len(positions) - 10} more)" if len(positions) > 10 else ""
    return f"row(s) {shown}{more} (first row = 1)"


def whole_years(values: pd.Series, column: str, what: str, *, optional: bool = False) -> np.ndarray:
    """Years as float; a blank cell is NaN if ``optional``, else it raises, as do non-years."""
    text = values.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    num = pd.to_numeric(text.mask(blank), errors="coerce").to_numpy(dtype="float64")
    bad = ~blank & (np.isnan(num) | (num != np.round(num)))
    if not optional:
        bad |= blank
    if bad.any():
        problem = "not a year" if optional else "missing or not a year"
        raise ValueError(
            f"{what}: column {column!r} must hold whole years; {problem} in {rows(bad)}."
        )
    return num


def nonblank(values: pd.Series, column: str, what: str) -> pd.Series:
    """Return the stripped text of ``values``; a blank or missing cell raises."""
    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    if blank.any():
        raise ValueError(f"{what}: column {column!r} is empty in {rows(blank)}.")
    return text


def region_codes(values: pd.Series, what: str, *, known: bool = False) -> np.ndarray:
    """Region codes of ``values`` (names and aliases resolved); a blank raises.

    A name that is not a region is kept as written, or raises if ``known``.
    """
    text = nonblank(values, "region", what)
    uniques = pd.unique(text.to_numpy(dtype=object))
    mapping = {u: resolve_region(u) for u in uniques}
    unknown = sorted(u for u, code in mapping.items() if code is None)
    if unknown and known:
        raise ValueError(
            f"{what}: unknown region(s) {', '.join(repr(u) for u in unknown)}; use the names "
            "of greenplan.REGIONS (districts, counties, zones, 济南市)."
        )
    return text.map({u: code or u for u, code in mapping.items()}).to_numpy(dtype=object)


def levels_of(values: pd.Series, table: Mapping[str, str], what: str) -> pd.Series:
    """Canonical levels of ``values`` by the casefolded vocabulary ``table``; unknown ones raise."""
    level = values.astype("string").str.strip().str.casefold().map(table)
    unknown = level.isna()
    if unknown.any():
        shown = sorted({str(v) for v in values[unknown.to_numpy()]})[:5]
        raise ValueError(
            f"{what}: unknown level(s) {shown} in {rows(unknown)}; use one of "
            f"{', '.join(sorted(table))}."
        )
    return level


def wanted_levels(levels: Iterable[str], table: Mapping[str, str], noun: str) -> set[str]:
    """Canonical levels named by ``levels`` (any spelling of ``table``); unknown ones raise."""
    out = set()
    for lv in levels:
        key = str(lv).strip().casefold()
        if key not in table:
            raise ValueError(
                f"Unknown {noun} {lv!r}; use one of {', '.join(sorted(set(table.values())))}."
            )
        out.add(table[key])
    return out


def yes_no(values: pd.Series, column: str, what: str) -> np.ndarray:
    """Yes/no column to bool: bools, 0/1, 是/否, yes/no, true/false; blank means no."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype("string").str.strip().str.casefold().fillna("")
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    bad = ~(is_true | is_false)
    if bad.any():
        shown = sorted(set(values[bad].astype(str)))[:5]
        raise ValueError(
            f"{what}: column {column!r} must be yes/no (是/否, 1/0, true/false); "
            f"got {shown} in {rows(bad)}."
        )
    return is_true


def long_counts(counts: pd.DataFrame, units: Mapping[str, str]) -> pd.DataFrame:
    """Turn ``counts`` (index (region, year), a column per variable) into canonical long rows."""
    if counts.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else object) for c in LONG_COLUMNS}
        ).astype({"year": "int64"})
    counts = counts.rename_axis(["region", "year"]).reset_index()
    out = counts.melt(id_vars=["region", "year"], var_name="variable", value_name="value")
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    out["unit"] = out["variable"].map(units)
    out["region"] = out["region"].astype(object)
    return out.loc[:, LONG_COLUMNS].sort_values(["variable", "region", "year"], ignore_index=True)


def grid_counts(
    regions: np.ndarray,
    years: np.ndarray,
    flags: Mapping[str, np.ndarray],
    city: str | None,
) -> pd.DataFrame:
    """Count rows with each flag set, per (region, year) on the full grid, plus the city."""
    data = pd.DataFrame({k: np.asarray(v, dtype="int64") for k, v in flags.items()})
    data["_region"] = regions
    data["_year"] = years.astype("int64")
    all_years = np.unique(data["_year"].to_numpy())
    cols = list(flags)
    parts = []
    local = data if city is None else data[data["_region"] != city]
    if len(local):
        region_names = pd.unique(local["_region"].to_numpy())
        grid = pd.MultiIndex.from_product([region_names, all_years])
        parts.append(local.groupby(["_region", "_year"])[cols].sum().reindex(grid, fill_value=0))
    if city is not None:
        total = data.groupby("_year")[cols].sum().reindex(all_years, fill_value=0)
        total.index = pd.MultiIndex.from_arrays(
            [np.full(len(total), city, dtype=object), all_years]
        )
        parts.append(total)
    return pd.concat(parts) if parts else pd.DataFrame(columns=cols)

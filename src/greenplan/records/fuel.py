"""Enterprise-level energy and carbon accounting from fuel records.

Enterprises report what they consume fuel by fuel (企业能源统计报表: 能源购进、消费与库存); the
statistics bureau and the city's energy and carbon platform sum those records into regional
totals. :func:`aggregate_fuel_records` does that, fully vectorised: each record's quantity is
converted once per (fuel, unit) pair to the fuel's base unit, multiplied by the GB/T 2589
standard-coal coefficient, the CO₂ factor of the chosen factor set, the grid factor of the
record's year (electricity) or the heat factor (heat), and summed per group with
``numpy.bincount`` on one combined integer key. Records used as feedstock (``use =
"feedstock"``) count in energy and in ``energy_feedstock`` but carry no combustion CO₂.

:func:`fuel_totals_to_statistics` turns the result into canonical long rows
(``energy_consumption`` in 万吨标准煤, ``energy_feedstock``, ``co2_energy`` in 万吨 …) that can
be concatenated with other statistics and passed to :func:`greenplan.compute`.

Nothing is dropped silently: an unknown fuel, a unit that does not fit the fuel, a missing
quantity, region or year, or an unknown ``use`` raises :class:`FuelRecordError` naming the
value, the first offending row and how many rows have it.

References
----------
.. [GBT2589] GB/T 2589-2020 综合能耗计算通则.
.. [NDRC] 工业其他行业企业温室气体排放核算方法与报告指南(试行) (2015).
.. [803] 发改环资〔2022〕803号 (原料用能).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from greenplan import factors
from greenplan import units as _units
from greenplan._provenance import freeze
from greenplan.errors import GreenplanError, OptionError, UnitError, message_of
from greenplan.messages import msg
from greenplan.options import OptionSpec, hint
from greenplan.records import engines
from greenplan.records.reduce import (
    _code,
    _Coded,
    _Locate,
    _Where,
    conditions_mask,
)
from greenplan.variables import VARIABLES

__all__ = [
    "DEFAULT_VARIABLES",
    "OPTIONS",
    "OUTPUT_COLUMNS",
    "OUTPUT_UNITS",
    "FuelRecordError",
    "aggregate_fuel_records",
    "fuel_totals_to_statistics",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("fuel", "quantity", "unit", "year")
"""Columns every fuel-records table needs (plus the ``by`` columns); ``entity``, ``region``,
``month`` and ``use`` are optional unless grouped on."""

OUTPUT_UNITS: dict[str, str] = {
    "energy": "tce",
    "energy_feedstock": "tce",
    "co2": "t",
    "co2_direct": "t",
    "co2_electricity": "t",
    "co2_heat": "t",
    "coal": "t",
    "records": "1",
}
"""Unit of each output column (CO₂ columns are masses of CO₂)."""

OUTPUT_COLUMNS: tuple[str, ...] = tuple(OUTPUT_UNITS)
"""Value columns of :func:`aggregate_fuel_records`, after the ``by`` columns."""

DEFAULT_VARIABLES: dict[str, str] = {
    "energy": "energy_consumption",
    "energy_feedstock": "energy_feedstock",
    "co2": "co2_energy",
    "coal": "coal_consumption",
}
"""Default mapping of output columns to codelist variables in :func:`fuel_totals_to_statistics`."""

_USE_FUEL = {"fuel", "燃料", "能源", "energy", "combustion", "燃料用"}
_USE_FEEDSTOCK = {"feedstock", "原料", "原料用能", "raw material", "raw_material", "non-energy"}

OPTIONS: dict[str, OptionSpec] = {
    spec.name: spec
    for spec in (
        OptionSpec(
            "natural_gas_coefficient",
            1.2143,
            "Standard-coal coefficient of natural gas [kgce/m³], within GB/T 2589-2020's "
            "1.1000–1.3300.",
            check=factors.is_natural_gas_coefficient,
            source="GB/T 2589-2020 Annex A [?]",
        ),
        OptionSpec(
            "electricity_method",
            "equivalent",
            "Electricity in standard coal: 'equivalent' (0.1229 kgce/kWh, GB/T 2589's rule for "
            "an enterprise's comprehensive energy consumption) or 'coal_consumption' (the "
            "year's thermal-power coal rate).",
            choices=factors.ELECTRICITY_METHODS,
            source="GB/T 2589-2020",
        ),
        OptionSpec(
            "electricity_coal_rate",
            None,
            "Fixed coal-consumption rate [gce/kWh] for electricity_method='coal_consumption' "
            "(None: each year's rate from the table).",
            check=factors.is_coal_rate,
            source="中国电力企业联合会 [M]",
        ),
        OptionSpec(
            "emission_factor_set",
            "china_guideline",
            "Fuel emission factors: 'china_guideline' or 'ipcc2006'.",
            choices=factors.FACTOR_SETS,
            source="NDRC sector guidelines (2015); IPCC 2006",
        ),
        OptionSpec(
            "emission_factor_table",
            None,
            "A user's emission-factor table (CSV path, DataFrame or factors.FactorTable) "
            "replacing or extending emission_factor_set per fuel.",
            check=factors.is_factor_table_source,
            source="user-supplied",
        ),
        OptionSpec(
            "grid_factor_region",
            "north_china",
            "Grid whose factor values purchased electricity ('north_china', 'shandong', "
            "'national' …).",
            check=factors.is_grid_region,
            source="MEE/NBS 电力二氧化碳排放因子",
        ),
        OptionSpec(
            "grid_factor_series",
            "mee_nbs",
            "Grid-factor series: 'mee_nbs' or 'mee_enterprise'.",
            choices=factors.GRID_SERIES,
            source="MEE/NBS announcements of the national grid factors (greenplan.factors)",
        ),
        OptionSpec(
            "grid_factor_year",
            factors.GRID_VINTAGE_BY_YEAR,
            "'by_year' (each record year's own grid factor, nearest published year where "
            "missing) or a year (int) to freeze the vintage.",
            check=factors.is_grid_year,
            source="MEE/NBS announcements of the national grid factors (greenplan.factors)",
        ),
        OptionSpec(
            "heat_emission_factor",
            factors.heat_emission_factor().value,
            "CO₂ factor of purchased heat [t CO₂/GJ].",
            check=lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1,
            source="NDRC sector GHG guidelines (0.11 tCO₂/GJ)",
        ),
        OptionSpec(
            "coal_includes_coke",
            False,
            "Whether the 'coal' column adds coke to the coal family (raw, cleaned, "
            "anthracite, bituminous, lignite).",
            choices=(False, True),
            source="NBS energy statistics (煤炭 and 焦炭 are separate categories)",
        ),
    )
}
"""Options of :func:`aggregate_fuel_records` with their defaults (enterprise conventions)."""


class FuelRecordError(GreenplanError, ValueError):
    """Fuel records that cannot be accounted (unknown fuel or unit, missing values …)."""


def _resolve_options(options: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: spec.default for name, spec in OPTIONS.items()}
    for name, value in options.items():
        if name not in OPTIONS:
            raise OptionError(
                msg(
                    "records.unknown_option",
                    name=repr(name),
                    hint=hint(name, OPTIONS),
                    known=list(OPTIONS),
                )
            )
        out[name] = OPTIONS[name].validate(value)
    return out


# --- factor tables over (fuel label, unit label, year, use) ------------------------------------

_ENERGY, _FEED, _CO2_DIRECT, _CO2_ELEC, _CO2_HEAT, _COAL = range(6)


def _factor_table(
    fuel: _Coded,
    unit: _Coded,
    pair_present: np.ndarray,
    years: np.ndarray,
    use_feedstock_present: np.ndarray,
    feedstock_labels: list[Any],
    opts: Mapping[str, Any],
    notes: list[str],
    where: _Where,
) -> np.ndarray:
    """Factors per (fuel label, unit label, year, use) for each output quantity.

    Returns an array of shape (n_fuel_labels, n_unit_labels, n_years, 2, 6): energy [tce],
    feedstock energy [tce], direct CO₂ [t], electricity CO₂ [t], heat CO₂ [t], coal [t],
    each per unit of the record's quantity. Pairs that do not occur stay 0.
    """
    n_f, n_u, n_y = fuel.size, unit.size, len(years)
    table = np.zeros((n_f, n_u, n_y, 2, 6), dtype="float64")
    fuel_defs = factors.fuels()
    set_ = opts["emission_factor_set"]
    coal_families = {"coal", "coke"} if opts["coal_includes_coke"] else {"coal"}

    # fuel labels → fuel codes (only labels that occur)
    fuel_present = pair_present.any(axis=1)
    codes: dict[int, str] = {}
    for i in map(int, np.flatnonzero(fuel_present)):
        label = fuel.labels[i]
        code = factors.resolve_fuel(label)
        if code is None:
            close = factors.suggest_fuels(str(label))
            raise FuelRecordError(
                msg(
                    "records.aggregate_unknown_fuel",
                    fuel=repr(label),
                    where=where({"fuel": label}),
                    hint=msg("common.did_you_mean", names=close) if close else "",
                    known=list(fuel_defs),
                )
            )
        codes[i] = code

    elec_by_year: dict[int, float] = {}
    grid_by_year: dict[int, float] = {}
    for i, code in codes.items():
        f = fuel_defs[code]
        if f.family in ("electricity", "heat") and use_feedstock_present[i]:
            at = where({"fuel": fuel.labels[i], "use": feedstock_labels})
            raise FuelRecordError(
                msg(
                    "records.not_feedstock",
                    fuel=repr(fuel.labels[i]),
                    family=f.family,
                    where=at,
                )
            )
        # per base unit of the fuel
        if f.family == "electricity":
            if not elec_by_year:
                for j, y in enumerate(years):
                    value, _ = factors.electricity_coefficient(
                        int(y), opts["electricity_method"], coal_rate=opts["electricity_coal_rate"]
                    )
                    elec_by_year[j] = value * _units.factor("kgce/kWh", f"tce/({f.base_unit})")
                table_years = factors.grid_factors_for_years(
                    [int(y) for y in years],
                    opts["grid_factor_region"],
                    opts["grid_factor_series"],
                    opts["grid_factor_year"],
                )
                for j, y in enumerate(years):
                    grid_by_year[j] = table_years[int(y)].per(f.base_unit, "t")
                notes.append(
                    "grid factor "
                    + ", ".join(f"{y}: {g.label()}" for y, g in sorted(table_years.items()))
                )
                notes.append(
                    f"electricity: {opts['electricity_method']}"
                    + (
                        f" ({opts['electricity_coal_rate']} gce/kWh)"
                        if opts["electricity_coal_rate"] is not None
                        else ""
                    )
                )
            energy = np.array([elec_by_year[j] for j in range(n_y)])
            co2 = np.array([grid_by_year[j] for j in range(n_y)])
            slot = _CO2_ELEC
        elif f.family == "heat":
            coef = factors.standard_coal_coefficient(code)
            energy = np.full(n_y, coef.per(f.base_unit, "tce"))
            co2 = np.full(
                n_y,
                float(opts["heat_emission_factor"]) * factors.heat_gj_per_unit(code),
            )
            slot = _CO2_HEAT
        else:
            coef = factors.standard_coal_coefficient(
                code, natural_gas_coefficient=opts["natural_gas_coefficient"]
            )
            try:
                ef = factors.emission_factor(code, set_, opts["emission_factor_table"])
            except factors.FactorError as exc:
                raise FuelRecordError(
                    msg(
                        "records.factor_error",
                        error=message_of(exc),
                        where=where({"fuel": fuel.labels[i]}),
                    )
                ) from None
            energy = np.full(n_y, coef.per(f.base_unit, "tce"))
            co2 = np.full(n_y, ef.co2_per(f.base_unit, "t"))
            slot = _CO2_DIRECT
        coal_t = _units.factor(f.base_unit, "t") if f.family in coal_families else 0.0

        for u in np.flatnonzero(pair_present[i]):
            unit_label = unit.labels[u]
            try:
                conv = _units.factor(str(unit_label), f.base_unit)
            except UnitError as exc:
                at = where({"fuel": fuel.labels[i], "unit": unit_label})
                raise FuelRecordError(
                    msg(
                        "records.unit_not_convertible",
                        fuel=repr(fuel.labels[i]),
                        unit=repr(unit_label),
                        base=f.base_unit,
                        where=at,
                        error=message_of(exc),
                    )
                ) from None
            # use = fuel
            table[i, u, :, 0, _ENERGY] = energy * conv
            table[i, u, :, 0, slot] = co2 * conv
            table[i, u, :, 0, _COAL] = coal_t * conv
            # use = feedstock: energy counted (also as feedstock), no combustion CO₂
            table[i, u, :, 1, _ENERGY] = energy * conv
            table[i, u, :, 1, _FEED] = energy * conv
            table[i, u, :, 1, _COAL] = coal_t * conv
    return table


def aggregate_fuel_records(
    records: Any,
    by: str | Iterable[str] = ("region", "year"),
    *,
    engine: str = "auto",
    memory_limit: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    r"""Sum enterprise fuel records into energy (tce) and CO₂ (t) per group.

    Parameters
    ----------
    records : DataFrame, Arrow table or stream, Dask DataFrame, path or glob
        The records: a pandas DataFrame; anything exporting Arrow (``__arrow_c_stream__``:
        a pyarrow Table or RecordBatchReader, a Polars DataFrame, a DuckDB relation); a
        Dask DataFrame; or a path, glob (``"records/*.parquet"``), directory or list of
        Parquet or CSV (UTF-8) files. One row per record, columns ``entity``,
        ``region``, ``year`` (int), ``fuel`` (code, Chinese or English name:
        ``raw_coal``/``原煤``, ``natural_gas``/``天然气``, ``electricity``/``电力``,
        ``heat``/``热力`` …; see ``greenplan.factors.fuels()``),
        ``quantity`` [in ``unit``], ``unit`` (any unit of the fuel's dimension: ``t``,
        ``万吨``, ``m3``, ``万立方米``, ``Nm3``, ``kWh``, ``万千瓦时``, ``GJ`` …), optional
        ``month`` and ``use`` (``fuel`` — the default, also when missing — or
        ``feedstock``). Categorical columns are used as they are (fastest).
    by : str or iterable of str, default ("region", "year")
        Columns to group on (any columns of ``records``, e.g. ``("entity", "year")``).
    engine : {"auto", "pandas", "duckdb", "dask", "arrow"}
        Where the reduction runs. ``"auto"``: pandas for a pandas DataFrame, Dask for a
        Dask DataFrame, DuckDB (out of core; ``pip install greenplan[duckdb]``) for files
        and Arrow, or pyarrow batch by batch when DuckDB is not installed. ``"dask"`` runs
        on the active ``distributed.Client`` if there is one (``pip install
        greenplan[dask]``).
    memory_limit : str, optional
        DuckDB's memory limit (e.g. ``"512MB"``; default ``"1GB"``); DuckDB spills to its
        temporary directory beyond it.
    **options
        ``natural_gas_coefficient`` (1.2143 kgce/m³), ``electricity_method``
        (``"equivalent"``: 0.1229 kgce/kWh, GB/T 2589's rule for enterprises, or
        ``"coal_consumption"``), ``electricity_coal_rate``, ``emission_factor_set``
        (``"china_guideline"`` or ``"ipcc2006"``), ``grid_factor_region``
        (``"north_china"``), ``grid_factor_series`` (``"mee_nbs"``), ``grid_factor_year``
        (``"by_year"`` or a year), ``heat_emission_factor`` (0.11 t CO₂/GJ),
        ``coal_includes_coke`` (False), ``emission_factor_table`` (a user factor table,
        :func:`greenplan.factors.factor_table`). See :data:`OPTIONS`.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty group, sorted by the ``by`` columns (categorical columns in
        category order), with the ``by`` columns and

        - ``energy`` [tce]: all energy consumed, feedstock included (综合能源消费量);
        - ``energy_feedstock`` [tce]: the part used as feedstock (原料用能);
        - ``co2`` [t CO₂]: ``co2_direct + co2_electricity + co2_heat``;
        - ``co2_direct`` [t CO₂]: combustion of fuels not used as feedstock;
        - ``co2_electricity`` [t CO₂]: purchased electricity × grid factor of the year;
        - ``co2_heat`` [t CO₂]: purchased heat × heat factor;
        - ``coal`` [t]: physical coal (coal family; coke with ``coal_includes_coke``);
        - ``records`` [1]: number of records.

        ``result.attrs["greenplan"]`` holds the options, units and factor vintages used.

    Raises
    ------
    FuelRecordError
        A required column is missing; a fuel is unknown; a unit does not fit its fuel; a
        quantity, fuel, unit, year or grouping value is missing; ``use`` is not fuel or
        feedstock; electricity or heat is marked as feedstock. The message names the value,
        the first row and the number of rows.
    OptionError
        An unknown option or a bad option value.

    Notes
    -----
    .. math::

        E_g = \sum_{r \in g} q_r \, u_r \, c_{f(r)}, \qquad
        CO_{2,g} = \sum_{r \in g,\, use_r = fuel} q_r \, u_r \, EF_{f(r), y(r)}

    with :math:`u_r` the unit conversion of the record's (fuel, unit) pair to the fuel's
    base unit, :math:`c_f` the GB/T 2589 coefficient and :math:`EF` the combustion factor
    (NCV × CC × OF × 44/12), the grid factor of year :math:`y` or the heat factor.

    Two steps. The *reduction* sums the quantity, counts the records and counts the
    missing quantities per (``by`` columns, fuel, unit, year, use), inside the engine
    holding the data (:func:`reduce_frame` in memory and per Dask partition; one SQL
    ``GROUP BY`` in DuckDB); missing keys form their own groups, so nothing is dropped. The
    *coefficient step* (:func:`account_reduced`, the same for every engine) looks the
    factors up per (fuel, unit, year, use) combination of that small table, never per
    record, and sums per group. Engines differ only in the order in which they add the
    quantities: results agree to floating-point summation order (relative differences of
    order 1e-15 × the number of records summed; the tests use 1e-9).

    The totals are sums over the entities reported, not a territorial inventory: purchased
    electricity and heat are counted at the consumer (indirect CO₂), and a region's total is
    only complete if every consumer is in the records.

    References
    ----------
    GB/T 2589-2020 综合能耗计算通则; 工业其他行业企业温室气体排放核算方法与报告指南(试行)
    (2015); 发改环资〔2022〕803号; MEE/NBS 电力二氧化碳排放因子.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"entity": ["A", "A"], "region": ["历下区"] * 2, "year": [2023] * 2,
    ...                      "fuel": ["原煤", "天然气"], "quantity": [1000.0, 10.0],
    ...                      "unit": ["t", "万m3"]})
    >>> out = aggregate_fuel_records(recs)
    >>> round(float(out["energy"].iloc[0]), 3)  # 1000 × 0.7143 + 1e5 m³ × 1.2143e-3 tce/m³
    835.73
    """
    opts = _resolve_options(options)
    if opts["emission_factor_table"] is not None:  # a DataFrame is read once, not kept
        opts["emission_factor_table"] = factors.factor_table(opts["emission_factor_table"])
    by_cols = [by] if isinstance(by, str) else list(by)
    try:
        source = engines.open_records(records, engine=engine, memory_limit=memory_limit)
    except engines.EngineError as exc:
        raise FuelRecordError(message_of(exc)) from None
    try:
        columns = source.columns
        missing = [c for c in (*REQUIRED_COLUMNS, *by_cols) if c not in columns]
        if missing:
            raise FuelRecordError(
                msg(
                    "records.missing_columns",
                    names=list(map(repr, dict.fromkeys(missing))),
                    required=list(REQUIRED_COLUMNS),
                    by=str(by_cols),
                )
            )
        dtype = source.quantity_type()
        if dtype is not None:
            raise FuelRecordError(msg("records.quantity_not_numeric", dtype=str(dtype)))
        keys = list(dict.fromkeys((*by_cols, "fuel", "unit", "year")))
        if "use" in columns and "use" not in keys:
            keys.append("use")
        try:
            reduced = source.reduce(keys)
        except engines.EngineError as exc:
            raise FuelRecordError(message_of(exc)) from None
        result = account_reduced(reduced, by_cols, opts, source.locate)
    finally:
        source.close()
    result.attrs["greenplan"] = freeze({**result.attrs["greenplan"], "engine": source.name})
    return result


def account_reduced(
    reduced: pd.DataFrame,
    by: Iterable[str],
    opts: Mapping[str, Any],
    locate: _Locate,
) -> pd.DataFrame:
    r"""Coefficient step: energy and CO₂ per group from a reduced table.

    Shared by every engine: ``reduced`` is the output of :func:`reduce_frame` (or of the
    same reduction run in DuckDB or Dask) over the ``by`` columns, ``fuel``, ``unit``,
    ``year`` and ``use``; ``locate`` names where offending records are, for messages.

    Parameters
    ----------
    reduced : pandas.DataFrame
        Key columns, ``__quantity``, ``__records``, ``__missing``.
    by : iterable of str
        Output groups.
    opts : mapping
        Resolved options (:data:`OPTIONS`).
    locate : callable
        ``locate(conditions, count)`` → "first at …; count row(s)".

    Returns
    -------
    pandas.DataFrame
        As :func:`aggregate_fuel_records`.

    Raises
    ------
    FuelRecordError
        Missing quantities or keys, unknown fuels, units or uses (counted on the reduced
        table; the first offending record is found by ``locate``).

    Notes
    -----
    .. math:: v_{g,j} = \sum_{c \in g} Q_c \, F_j(\text{fuel}_c, \text{unit}_c,
              \text{year}_c, \text{use}_c)

    with :math:`Q_c` the summed quantity of reduced row :math:`c` and :math:`F_j` the factor
    of output :math:`j` (see :func:`aggregate_fuel_records`).
    """
    by_cols = list(by)
    recs = reduced["__records"].to_numpy(dtype="int64")

    def where(conds: Mapping[str, Any]) -> str:
        return locate(conds, int(recs[conditions_mask(reduced, conds)].sum()))

    missing_q = int(reduced["__missing"].sum())
    if missing_q:
        raise FuelRecordError(
            msg("records.missing_quantity", where=locate({"quantity": None}, missing_q))
        )
    coded: dict[str, _Coded] = {}
    for name in dict.fromkeys(("fuel", "unit", "year", *by_cols)):
        na = reduced[name].isna().to_numpy()
        if na.any():
            raise FuelRecordError(
                msg(
                    "records.missing_value",
                    name=repr(name),
                    where=locate({name: None}, int(recs[na].sum())),
                )
            )
        coded[name] = _code(reduced, name)
    fuel, unit, year = coded["fuel"], coded["unit"], coded["year"]
    try:
        years = np.array([int(y) for y in np.asarray(year.labels)], dtype="int64")
    except (TypeError, ValueError, OverflowError):
        raise FuelRecordError(
            msg("records.aggregate_bad_year", value=repr(year.labels[0]))
        ) from None

    feedstock_labels: list[Any] = []
    if "use" in reduced.columns:
        use_c = _code(reduced, "use")
        # one extra 0 at the end: a missing use (code −1) wraps to it and counts as fuel
        use_map = np.zeros(use_c.size + 1, dtype=np.int8)
        for i, label in enumerate(use_c.labels):
            word = str(label).strip().casefold()
            if word in _USE_FEEDSTOCK:
                use_map[i] = 1
                feedstock_labels.append(label)
            elif word not in _USE_FUEL:
                raise FuelRecordError(
                    msg("records.unknown_use", use=repr(label), where=where({"use": label}))
                )
        use_codes = use_map.take(use_c.codes, mode="wrap")
    else:
        use_codes = np.zeros(len(reduced), dtype=np.int8)

    pair_present = np.zeros((fuel.size, unit.size), dtype=bool)
    pair_present[fuel.codes, unit.codes] = True
    feed_present = np.zeros(fuel.size, dtype=bool)
    feed_present[fuel.codes[use_codes == 1]] = True
    notes: list[str] = []
    table = _factor_table(
        fuel, unit, pair_present, years, feed_present, feedstock_labels, opts, notes, where
    )
    per = table[fuel.codes, unit.codes, year.codes, use_codes]  # (rows, 6)
    per *= reduced["__quantity"].to_numpy(dtype="float64")[:, None]

    # groups: lexicographic over the by columns' codes (categories in category order)
    m = len(reduced)
    group = np.zeros(m, dtype=np.int64)
    n_groups = 1
    for b in by_cols:
        size = max(coded[b].size, 1)
        if n_groups * size >= 1 << 62:  # compact, keeping the order
            codes, _ = pd.factorize(group, sort=True)
            group, n_groups = np.asarray(codes, dtype=np.int64), int(codes.max()) + 1
        group = group * size + coded[b].codes
        n_groups *= size
    if m:
        uniq, inverse = np.unique(group, return_inverse=True)
    else:
        uniq, inverse = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    g = len(uniq)
    first = np.zeros(g, dtype=np.int64)
    first[inverse[::-1]] = np.arange(m - 1, -1, -1)
    values = np.zeros((g, 6), dtype="float64")
    for j in range(6):
        if per[:, j].any():
            values[:, j] = np.bincount(inverse, weights=per[:, j], minlength=g)
    counts = np.bincount(inverse, weights=recs, minlength=g).astype("int64")

    frame = pd.DataFrame({b: reduced[b].take(first).reset_index(drop=True) for b in by_cols})
    if not by_cols:
        frame = pd.DataFrame(index=range(g))
    frame["energy"] = values[:, _ENERGY]
    frame["energy_feedstock"] = values[:, _FEED]
    frame["co2"] = values[:, _CO2_DIRECT] + values[:, _CO2_ELEC] + values[:, _CO2_HEAT]
    frame["co2_direct"] = values[:, _CO2_DIRECT]
    frame["co2_electricity"] = values[:, _CO2_ELEC]
    frame["co2_heat"] = values[:, _CO2_HEAT]
    frame["coal"] = values[:, _COAL]
    frame["records"] = counts
    frame.attrs["greenplan"] = freeze(
        {
            "options": dict(opts),
            "units": dict(OUTPUT_UNITS),
            "by": by_cols,
            "notes": notes,
        }
    )
    return frame


def fuel_totals_to_statistics(
    totals: pd.DataFrame,
    variables: Mapping[str, str] | None = None,
    *,
    source: str = "fuel records (greenplan.aggregate_fuel_records)",
) -> pd.DataFrame:
    r"""Turn :func:`aggregate_fuel_records` output into canonical long rows for ``compute``.

    Parameters
    ----------
    totals : pandas.DataFrame
        Output of :func:`aggregate_fuel_records` grouped by (at least) ``region`` and
        ``year``, one row per (region, year).
    variables : mapping of str to str, optional
        Output column → codelist variable. Default :data:`DEFAULT_VARIABLES`:
        ``energy`` → ``energy_consumption``, ``energy_feedstock`` → ``energy_feedstock``,
        ``co2`` → ``co2_energy``, ``coal`` → ``coal_consumption``. For the two-high
        industries, e.g. ``{"energy": "two_high_energy_consumption", "coal":
        "two_high_coal_consumption"}``.
    source : str
        Provenance written to the ``source`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, variable, value, unit, source``; values converted to each
        variable's canonical unit (tce → 万吨标准煤, t → 万吨).

    Raises
    ------
    FuelRecordError
        ``region``/``year`` columns missing or not unique per row; an unknown variable; a
        column whose unit does not convert to the variable's unit.

    Notes
    -----
    .. math:: v_{var} = v_{col} \times f(unit_{col} \to unit_{var})

    The rows describe the entities in the records only: mapping them to the regional
    totals (the default) is right only when the records cover every consumer of the region.

    References
    ----------
    DESIGN: canonical long table (region, year, variable, value, unit).
    """
    mapping = dict(DEFAULT_VARIABLES if variables is None else variables)
    for col in ("region", "year"):
        if col not in totals.columns:
            raise FuelRecordError(msg("records.totals_lack_column", column=repr(col)))
    if totals.duplicated(["region", "year"]).any():
        raise FuelRecordError(msg("records.totals_duplicated"))
    frames = []
    for col, code in mapping.items():
        if col not in totals.columns:
            raise FuelRecordError(
                msg("records.totals_no_column", column=repr(col), columns=str(list(totals)))
            )
        if code not in VARIABLES:
            raise FuelRecordError(
                msg("records.unknown_variable", code=repr(code), column=repr(col))
            )
        target = VARIABLES[code].unit
        try:
            f = _units.factor(OUTPUT_UNITS.get(col, "1"), target)
        except UnitError as exc:
            raise FuelRecordError(
                msg(
                    "records.column_unit",
                    column=repr(col),
                    unit=str(OUTPUT_UNITS.get(col)),
                    code=repr(code),
                    target=target,
                    error=message_of(exc),
                )
            ) from None
        frames.append(
            pd.DataFrame(
                {
                    "region": totals["region"].astype(object).to_numpy(),
                    "year": totals["year"].astype("int64").to_numpy(),
                    "variable": code,
                    "value": totals[col].to_numpy(dtype="float64") * f,
                    "unit": target,
                    "source": source,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["region", "year", "variable", "value", "unit", "source"])
    return pd.concat(frames, ignore_index=True)

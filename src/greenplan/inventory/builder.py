"""The city GHG inventory: sector × fuel CO₂ (and CH₄/N₂O as CO₂e) from balance tables or records.

:func:`build_inventory` reads any mix of

- an **energy balance table** (能源平衡表) in long form: ``item, fuel, quantity, unit`` and
  optional ``region, year`` (items: ``resources/inventory/balance_items.csv``: final
  consumption by sector, transformation inputs to thermal power and heat supply, other
  transformation, losses, non-energy use, supply rows, and ``process`` rows whose ``fuel``
  names an industrial process);
- **fuel records** (``entity, region, year, fuel, quantity, unit``, optional ``use`` and
  ``sector``), as for :func:`greenplan.aggregate_fuel_records`;
- **canonical statistics** (``region, year, variable, value, unit``): ``fuel_*`` and
  ``feedstock_*`` (not allocated to sectors), ``clinker_production``, ``lime_production``,
  ``electricity_net_import``, ``heat_net_import``;

and returns an :class:`Inventory`: one row per (region, year, category, sector, fuel, gas) with
the activity, the emissions and the CO₂e, the scope and the GPC reference number. Views:
``territorial`` (scope 1 by sector), ``gpc`` (GPC reference numbers with BASIC, BASIC+ and
territorial totals) and ``sector`` (the provincial guideline's layout: sectors × fuel groups,
industrial processes, indirect emissions of net inflows as a memo).

Methods (option ``method``): ``provincial`` (AD × NCV × CC × OF × 44/12 with the Chinese
guideline factors), ``ipcc`` (IPCC 2006 Tier 1, table EF or carbon content), ``ceads``
(sector shares from the balance, fuel totals from apparent consumption) and ``tce`` (standard
coal × carbon per tce).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan import factors, units
from greenplan._resources import read_resource_csv
from greenplan.errors import OptionError, UnitError, message_of
from greenplan.indicators.energy import fuel_variables
from greenplan.inventory.formulas import (
    PROCESSES,
    InventoryError,
    combustion_co2,
    gpc_summary,
    process_co2,
)
from greenplan.io import read_statistics
from greenplan.messages import msg
from greenplan.options import OptionSet, hint
from greenplan.regions import CITY

__all__ = [
    "METHODS",
    "OPTIONS",
    "VIEWS",
    "Inventory",
    "balance_items",
    "build_inventory",
    "inventory_view",
    "sectors",
]

METHODS: tuple[str, ...] = ("provincial", "ipcc", "ceads", "tce")
VIEWS: tuple[str, ...] = ("territorial", "gpc", "sector")
ROW_COLUMNS: tuple[str, ...] = (
    "region",
    "year",
    "category",
    "sector",
    "fuel",
    "activity",
    "activity_unit",
    "gas",
    "emissions",
    "co2e",
    "scope",
    "gpc_ref",
    "note",
)
"""Columns of :attr:`Inventory.rows`; ``emissions`` [t of the gas], ``co2e`` [t CO₂e]."""

_FUEL_GROUPS = {
    "coal": "coal",
    "coke": "coal",
    "coking_product": "coal",
    "derived_gas": "coal",
    "oil": "oil",
    "gas": "gas",
}
_GROUP_NAMES = {
    "coal": ("煤炭及煤制品", "Coal and coal products"),
    "oil": ("石油及制品", "Oil and products"),
    "gas": ("天然气", "Natural gas"),
}


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


OPTIONS = OptionSet("build_inventory")
OPTIONS.declare(
    "method",
    "provincial",
    "Inventory method: 'provincial' (AD × NCV × CC × OF × 44/12, Chinese guideline factors), "
    "'ipcc' (IPCC 2006 Tier 1), 'ceads' (apparent-consumption fuel totals, sector shares from the "
    "balance) or 'tce' (standard coal × carbon per tce, a cross-check).",
    choices=METHODS,
    source="省级温室气体清单编制指南(试行) (2011); IPCC 2006 Vol.2; Shan et al. 2016 Appl. Energy",
)
OPTIONS.declare(
    "emission_factor_set",
    None,
    "Fuel factor set: None (by method: 'ipcc2006' for ipcc, else 'china_guideline') or a set.",
    check=lambda v: v is None or v in factors.FACTOR_SETS,
)
OPTIONS.declare(
    "ipcc_basis",
    "table_ef",
    "IPCC method: 'table_ef' (Table 1.4 EF) or 'carbon_content' (Table 1.3 CC × 44/12).",
    choices=("table_ef", "carbon_content"),
    source="IPCC 2006 Vol.2 Ch.1 Tables 1.3, 1.4",
)
OPTIONS.declare(
    "emission_factor_table",
    None,
    "A user's factor table (CSV path, DataFrame or factors.FactorTable) replacing or extending "
    "the set per fuel.",
    check=factors.is_factor_table_source,
)
OPTIONS.declare(
    "gases",
    "co2",
    "'co2' (CO₂ only) or 'co2e' (adds CH₄ and N₂O of combustion where IPCC factors exist).",
    choices=("co2", "co2e"),
)
OPTIONS.declare("gwp_set", "ar5", "GWP set for CO₂e.", choices=factors.GWP_SETS)
OPTIONS.declare(
    "grid_factor_region",
    "north_china",
    "Grid whose factor values electricity consumed ('north_china', 'shandong', 'national' …).",
    check=factors.is_grid_region,
    source="MEE/NBS 电力二氧化碳排放因子",
)
OPTIONS.declare(
    "grid_factor_series",
    "mee_nbs",
    "Grid-factor series (greenplan.factors.GRID_SERIES).",
    choices=factors.GRID_SERIES,
)
OPTIONS.declare(
    "grid_factor_year",
    factors.GRID_VINTAGE_BY_YEAR,
    "'by_year' or a year (int) to freeze the grid-factor vintage.",
    check=factors.is_grid_year,
)
OPTIONS.declare(
    "grid_factor",
    None,
    "A fixed grid factor [kg CO₂/kWh] replacing the table (None: from the table).",
    check=lambda v: v is None or (_is_number(v) and 0 <= float(v) <= 2),
)
OPTIONS.declare(
    "heat_emission_factor",
    factors.heat_emission_factor().value,
    "CO₂ factor of heat consumed [t CO₂/GJ].",
    check=lambda v: _is_number(v) and 0 <= float(v) <= 1,
    source="NDRC sector GHG guidelines (2015): 0.11 t CO₂/GJ",
)
OPTIONS.declare(
    "natural_gas_coefficient",
    factors.standard_coal()["natural_gas"].value,
    "Standard-coal coefficient of natural gas for the tce method [kgce/m³].",
    check=factors.is_natural_gas_coefficient,
)
OPTIONS.declare(
    "process_parameters",
    None,
    "Parameters of process_co2 per process, e.g. {'steel_decarbonisation': {'pig_iron': …}}.",
    check=lambda v: (
        v is None
        or (
            isinstance(v, Mapping)
            and all(k in PROCESSES and isinstance(p, Mapping) for k, p in v.items())
        )
    ),
)
OPTIONS.declare(
    "records_sector",
    "industry",
    "Sector of fuel records without a 'sector' column.",
    check=lambda v: isinstance(v, str) and v in _sector_codes(),
)


# --- code lists ---------------------------------------------------------------------------------


def _sector_codes() -> dict[str, dict[str, str]]:
    return sectors()


@cache
def sectors() -> dict[str, dict[str, str]]:
    """Sectors of the inventory (``resources/inventory/sectors.csv``), by code."""
    return {r["sector"]: r for r in read_resource_csv("inventory", "sectors.csv")}


@cache
def balance_items() -> dict[str, dict[str, str]]:
    """Energy-balance rows the inventory understands (``balance_items.csv``), by code."""
    return {r["item"]: r for r in read_resource_csv("inventory", "balance_items.csv")}


def _names_to_codes(table: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Map the casefolded codes, Chinese and English names and aliases of a code list to codes."""
    out: dict[str, str] = {}
    for code, row in table.items():
        for name in (code, row["name_zh"], row["name_en"], *row["aliases"].split(";")):
            if name.strip():
                out.setdefault(name.strip().casefold(), code)
    return out


@cache
def _item_lookup() -> dict[str, str]:
    return _names_to_codes(balance_items())


@cache
def _sector_lookup() -> dict[str, str]:
    return _names_to_codes(sectors())


# --- the result -----------------------------------------------------------------------------------


@dataclass
class Inventory:
    """A city GHG inventory: the rows and how they were made."""

    rows: pd.DataFrame
    """One row per source (:data:`ROW_COLUMNS`); ``emissions`` [t gas], ``co2e`` [t CO₂e]."""
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def view(self, name: str = "territorial") -> pd.DataFrame:
        """Return a view: ``territorial``, ``gpc`` or ``sector`` (see :func:`inventory_view`)."""
        return inventory_view(self, name)

    def total(self, scope: int = 1) -> pd.DataFrame:
        """Total CO₂e of one scope per (region, year) [t CO₂e]."""
        r = self.rows[self.rows["scope"] == scope]
        return r.groupby(["region", "year"])["co2e"].sum().reset_index()


# --- reading the inputs ---------------------------------------------------------------------------


def _read_any(source: Any) -> list[tuple[str, pd.DataFrame]]:
    """Turn one source (DataFrame, file, directory) into (kind, frame) pairs."""
    if isinstance(source, pd.DataFrame):
        return [(_kind(source), source)]
    path = Path(source)
    if path.is_dir():
        out: list[tuple[str, pd.DataFrame]] = []
        stats: list[Path] = []
        for f in sorted(path.glob("*.csv")):
            head = pd.read_csv(f, nrows=0, comment="#", encoding="utf-8-sig")
            kind = _kind(head)
            if kind == "statistics":
                stats.append(f)
            elif kind != "other":
                out.append((kind, _read_csv(f)))
        if stats:
            out.append(("statistics", _read_statistics(stats)))
        if not out:
            raise InventoryError(msg("inventory.folder_empty", path=str(path)))
        return out
    if not path.exists():
        raise InventoryError(msg("inventory.no_such_path", path=str(path)))
    if path.suffix.lower() in (".csv", ".txt"):
        head = pd.read_csv(path, nrows=0, comment="#", encoding="utf-8-sig")
        kind = _kind(head)
        if kind == "statistics":
            return [(kind, _read_statistics([path]))]
        if kind == "other":
            raise InventoryError(msg("inventory.not_an_input", path=str(path)))
        return [(kind, _read_csv(path))]
    return [("statistics", _read_statistics([path]))]


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, comment="#", encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InventoryError(msg("inventory.cannot_read", path=str(path), error=str(exc))) from None


def _read_statistics(paths: list[Path]) -> pd.DataFrame:
    return read_statistics(*[str(p) for p in paths])


def _kind(frame: pd.DataFrame) -> str:
    cols = set(map(str, frame.columns))
    if {"item", "fuel", "quantity"} <= cols:
        return "balance"
    if {"fuel", "quantity", "unit"} <= cols:
        return "records"
    if {"variable", "value"} <= cols:
        return "statistics"
    return "other"


# --- activities ---------------------------------------------------------------------------------

_ACT = ("region", "year", "kind", "sector", "fuel", "quantity", "unit")


def _to_base(quantity: pd.Series, unit: pd.Series, fuel: pd.Series) -> pd.Series:
    """Quantities converted to each fuel's base unit (one conversion per (fuel, unit) pair)."""
    out = pd.Series(np.nan, index=quantity.index, dtype="float64")
    fdefs = factors.fuels()
    groups: dict[Any, Any] = quantity.groupby([fuel, unit], sort=False).groups
    for (f, u), idx in groups.items():
        base = fdefs[f].base_unit if f in fdefs else "t"
        try:
            out.loc[idx] = quantity.loc[idx].to_numpy(dtype="float64") * units.factor(str(u), base)
        except UnitError as exc:
            raise InventoryError(
                msg(
                    "inventory.unit_not_convertible",
                    fuel=f,
                    unit=repr(u),
                    base=base,
                    error=message_of(exc),
                )
            ) from None
    return out


def _resolve_fuel(name: Any) -> str:
    code = factors.resolve_fuel(name)
    if code is None:
        raise InventoryError(
            msg("inventory.unknown_fuel", name=repr(name), hint=hint(str(name), factors.fuels()))
        )
    return code


def _balance_activities(frame: pd.DataFrame) -> pd.DataFrame:
    items = balance_items()
    lookup = _item_lookup()
    rows = []
    for i, rec in enumerate(frame.to_dict(orient="records")):
        item = lookup.get(str(rec["item"]).strip().casefold())
        if item is None:
            raise InventoryError(
                msg(
                    "inventory.unknown_item",
                    row=i + 1,
                    item=repr(rec["item"]),
                    hint=hint(str(rec["item"]), items),
                    known=list(items),
                )
            )
        kind = items[item]["kind"]
        fuel = str(rec["fuel"]).strip()
        if kind == "process":
            if fuel not in PROCESSES:
                raise InventoryError(
                    msg(
                        "inventory.row_unknown_process",
                        row=i + 1,
                        process=repr(fuel),
                        hint=hint(fuel, PROCESSES),
                    )
                )
        else:
            fuel = _resolve_fuel(fuel)
        sector = str(rec["sector"]).strip() if "sector" in rec and pd.notna(rec["sector"]) else ""
        if sector:
            s = _sector_lookup().get(sector.casefold())
            if s is None:
                raise InventoryError(
                    msg("inventory.row_unknown_sector", row=i + 1, sector=repr(sector))
                )
            sector = s
        rows.append(
            {
                "region": rec.get("region", CITY) if pd.notna(rec.get("region", CITY)) else CITY,
                "year": rec.get("year"),
                "kind": kind,
                "sector": sector or items[item]["sector"],
                "fuel": fuel,
                "quantity": rec["quantity"],
                "unit": rec.get("unit", "t"),
            }
        )
    return pd.DataFrame(rows, columns=list(_ACT))


def _records_activities(frame: pd.DataFrame, default_sector: str) -> pd.DataFrame:
    use = frame["use"] if "use" in frame.columns else pd.Series("fuel", index=frame.index)
    use = use.fillna("fuel").astype(str).str.strip().str.casefold()
    feed = use.isin({"feedstock", "原料", "原料用能", "raw material", "raw_material", "non-energy"})
    if "sector" in frame.columns:
        sector = (
            frame["sector"]
            .fillna(default_sector)
            .astype(str)
            .map(lambda s: _sector_lookup().get(s.strip().casefold(), "?" + s))
        )
        bad = sector.str.startswith("?")
        if bad.any():
            raise InventoryError(
                msg("inventory.records_unknown_sector", sector=repr(sector[bad].iloc[0][1:]))
            )
    else:
        sector = pd.Series(default_sector, index=frame.index)
    return pd.DataFrame(
        {
            "region": frame["region"] if "region" in frame.columns else CITY,
            "year": frame["year"],
            "kind": np.where(feed, "non_energy", "final"),
            "sector": sector,
            "fuel": frame["fuel"].map(_resolve_fuel),
            "quantity": frame["quantity"],
            "unit": frame["unit"],
        }
    )


_PROCESS_VARIABLES = {"clinker_production": "clinker", "lime_production": "lime"}
_NET_VARIABLES = {"electricity_net_import": "electricity", "heat_net_import": "heat"}


def _fill_city(stats: pd.DataFrame) -> pd.DataFrame:
    """Add the city as the sum of its districts where a (variable, year) has no city row."""
    stats = stats.assign(region=stats["region"].astype(str))
    city = stats[stats["region"] == CITY]
    have = set(zip(city["variable"].astype(str), city["year"].astype("int64"), strict=True))
    dist = stats[stats["region"] != CITY]
    if dist.empty:
        return stats
    key = list(zip(dist["variable"].astype(str), dist["year"].astype("int64"), strict=True))
    todo = dist[[k not in have for k in key]]
    if todo.empty:
        return stats
    summed = todo.groupby(["variable", "year", "unit"])["value"].sum().reset_index()
    summed["region"] = CITY
    out: pd.DataFrame = pd.concat([stats, summed], ignore_index=True)
    return out


def _activity_rows(sel: pd.DataFrame, kind: str, sector: str, fuel: Any) -> pd.DataFrame:
    """Activity rows (the builder's columns) from statistics rows ``sel``."""
    return pd.DataFrame(
        {
            "region": sel["region"],
            "year": sel["year"],
            "kind": kind,
            "sector": sector,
            "fuel": fuel,
            "quantity": sel["value"],
            "unit": sel["unit"],
        }
    )


def _statistics_activities(stats: pd.DataFrame) -> pd.DataFrame:
    fuel_of = fuel_variables()
    parts = []
    stats = _fill_city(stats)
    var = stats["variable"].astype(str)
    for code, kind in (("fuel_", "final"), ("feedstock_", "non_energy")):
        sel = stats[var.str.startswith(code)]
        if sel.empty:
            continue
        names = sel["variable"].astype(str).str.replace("feedstock_", "fuel_", regex=False)
        known = names.isin(list(fuel_of))
        sel, names = sel[known], names[known]
        parts.append(_activity_rows(sel, kind, "unallocated", names.map(fuel_of)))
    for table, kind in ((_PROCESS_VARIABLES, "process"), (_NET_VARIABLES, "net_inflow")):
        for variable, fuel in table.items():
            sel = stats[var == variable]
            if not sel.empty:
                parts.append(_activity_rows(sel, kind, "", fuel))
    if not parts:
        return pd.DataFrame(columns=list(_ACT))
    return pd.concat(parts, ignore_index=True)


# --- the builder ----------------------------------------------------------------------------------


def build_inventory(*sources: Any, **options: Any) -> Inventory:
    r"""Build the city GHG inventory from energy balances, fuel records or statistics.

    Parameters
    ----------
    *sources : DataFrame, path or directory
        Energy balance tables (long: ``item, fuel, quantity, unit`` [+ ``region, year,
        sector``]), fuel records (``region, year, fuel, quantity, unit`` [+ ``use, sector``])
        or canonical statistics (``region, year, variable, value, unit``). A directory is
        read file by file; files of other kinds are skipped.
    **options
        See :data:`OPTIONS`: ``method`` (``provincial``), ``emission_factor_set``,
        ``ipcc_basis``, ``emission_factor_table``, ``gases`` (``co2``/``co2e``), ``gwp_set``
        (``ar5``), ``grid_factor_region`` (``north_china``), ``grid_factor_series``,
        ``grid_factor_year``, ``grid_factor`` [kg CO₂/kWh], ``heat_emission_factor``
        [t CO₂/GJ], ``natural_gas_coefficient``, ``process_parameters``,
        ``records_sector``.

    Returns
    -------
    Inventory
        ``rows`` with :data:`ROW_COLUMNS`: ``category`` is ``combustion`` (scope 1),
        ``process`` (scope 1, IPPU), ``electricity``/``heat`` (scope 2, consumption) or
        ``net_inflow`` (indirect emissions of net electricity/heat inflow, a memo item of the
        provincial guideline); ``emissions`` [t of ``gas``], ``co2e`` [t CO₂e].

    Raises
    ------
    InventoryError
        Unknown item, fuel, sector or process; a unit that does not fit; no year; the CEADs
        method without supply rows; a negative fuel burned after non-energy use.
    OptionError
        Unknown option or bad value.

    Notes
    -----
    Combustion: fuel burned = final consumption − non-energy use (per sector) + inputs to
    thermal power and heat supply; :math:`CO_2 = AD \times NCV \times CC \times OF \times
    44/12` (``provincial``), or :math:`AD \times NCV \times EF` (``ipcc``). ``ceads`` scales
    each fuel's sector quantities to its apparent consumption (production + inflow − outflow
    + stock change + transformation output − non-combustion transformation input − non-energy
    use − losses). ``tce``: :math:`CO_2 = E_{tce} \times c_{family} \times 44/12`. Other
    transformation inputs (coking, refining, washing) and losses carry no combustion CO₂.
    Scope 2: electricity consumed × grid factor of the year; heat × 0.11 t CO₂/GJ.

    References
    ----------
    省级温室气体清单编制指南(试行) (2011); IPCC 2006 Vol.2 Ch.1–2, Vol.3 Ch.2, 4; GPC (2014);
    Shan et al. 2016, Applied Energy 184:742 (apparent consumption).

    Examples
    --------
    >>> import pandas as pd
    >>> bal = pd.DataFrame({"item": ["工业", "火力发电"], "fuel": ["原煤", "原煤"],
    ...                     "quantity": [1000.0, 2000.0], "unit": ["t", "t"], "year": [2023, 2023]})
    >>> inv = build_inventory(bal)
    >>> round(float(inv.rows["co2e"].sum()), 3)  # 3 000 t × 20.908 × 0.02618 × 0.93 × 44/12
    5599.61
    """
    if not sources:
        raise InventoryError(msg("inventory.no_source"))
    opts = OPTIONS.resolve(options)
    method = opts["method"]
    set_ = opts["emission_factor_set"] or ("ipcc2006" if method == "ipcc" else "china_guideline")
    table = (
        factors.factor_table(opts["emission_factor_table"])
        if opts["emission_factor_table"] is not None
        else None
    )
    opts["emission_factor_table"] = table
    opts["emission_factor_set"] = set_
    notes: list[str] = [f"method {method}; factor set {set_}" + (f"; {table}" if table else "")]

    acts = []
    for source in sources:
        for kind, frame in _read_any(source):
            if kind == "balance":
                acts.append(_balance_activities(frame))
            elif kind == "records":
                missing = [c for c in ("year", "fuel", "quantity", "unit") if c not in frame]
                if missing:
                    raise InventoryError(msg("inventory.records_missing", names=str(missing)))
                acts.append(_records_activities(frame, opts["records_sector"]))
            else:
                acts.append(_statistics_activities(frame))
    act = pd.concat(acts, ignore_index=True) if acts else pd.DataFrame(columns=list(_ACT))
    if act.empty:
        raise InventoryError(msg("inventory.no_activity"))
    if act["year"].isna().any():
        raise InventoryError(msg("inventory.no_year"))
    act["year"] = pd.to_numeric(act["year"], errors="raise").astype("int64")
    act["region"] = act["region"].astype(str)
    act["quantity"] = pd.to_numeric(act["quantity"], errors="coerce")
    if act["quantity"].isna().any():
        raise InventoryError(msg("inventory.bad_quantity"))

    is_process = act["kind"] == "process"
    proc = act[is_process].copy()
    energy = act[~is_process].copy()
    energy["qb"] = _to_base(energy["quantity"], energy["unit"].astype(str), energy["fuel"])
    if not proc.empty:
        proc["qb"] = _to_base(proc["quantity"], proc["unit"].astype(str), proc["fuel"])

    fdefs = factors.fuels()
    family = energy["fuel"].map(lambda f: fdefs[f].family)
    carrier = family.isin(["electricity", "heat"])

    rows: list[pd.DataFrame] = []
    # combustion: final (net of non-energy) + power/heat inputs
    comb_kinds = {"final": 1.0, "non_energy": -1.0, "transformation_combustion": 1.0}
    comb = energy[energy["kind"].isin(list(comb_kinds)) & ~carrier].copy()
    comb["qb"] = comb["qb"] * comb["kind"].map(comb_kinds)
    comb = comb.groupby(["region", "year", "sector", "fuel"], sort=True)["qb"].sum().reset_index()
    negative = comb["qb"] < -1e-9 * comb["qb"].abs().max() if len(comb) else comb["qb"] < 0
    if negative.any():
        r = comb[negative].iloc[0]
        raise InventoryError(
            msg(
                "inventory.non_energy_exceeds",
                fuel=r["fuel"],
                sector=r["sector"],
                region=r["region"],
                year=r["year"],
            )
        )
    if method == "ceads":
        comb = _ceads_scale(comb, energy[~carrier], notes)
    rows.append(_combustion_rows(comb, method, set_, table, opts, notes))
    # scope 2: electricity and heat consumed by sector
    use2 = energy[(energy["kind"] == "final") & carrier]
    if not use2.empty:
        rows.append(_scope2_rows(use2, opts, notes, category_from_family=True))
    # net inflows (memo): statistics, or balance imports − exports of electricity/heat
    net = energy[(energy["kind"] == "net_inflow") & carrier].copy()
    flows = energy[energy["kind"].isin(["imports", "exports"]) & carrier].copy()
    if not flows.empty:
        flows["qb"] = np.where(flows["kind"] == "exports", -flows["qb"], flows["qb"])
        flows["kind"] = "net_inflow"
        net = pd.concat([net, flows], ignore_index=True)
    if not net.empty:
        net = net.groupby(["region", "year", "fuel"])["qb"].sum().reset_index()
        net["sector"] = ""
        rows.append(_scope2_rows(net, opts, notes, category_from_family=False))
    if not proc.empty:
        rows.append(_process_rows(proc, set_, opts, notes))
    out = pd.concat([r for r in rows if not r.empty], ignore_index=True)
    out = out.loc[:, list(ROW_COLUMNS)].sort_values(
        ["region", "year", "category", "sector", "fuel", "gas"], kind="stable"
    )
    return Inventory(out.reset_index(drop=True), opts, notes)


def _ceads_scale(comb: pd.DataFrame, energy: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    sign = {
        "production": 1.0,
        "imports": 1.0,
        "exports": -1.0,
        "stock_change": 1.0,
        "transformation_output": 1.0,
        "transformation": -1.0,
        "non_energy": -1.0,
        "loss": -1.0,
    }
    supply = energy[energy["kind"].isin(["production", "imports", "exports", "stock_change"])]
    if supply.empty:
        raise InventoryError(msg("inventory.ceads_needs_supply"))
    sub = energy[energy["kind"].isin(list(sign))].copy()
    sub["qb"] = sub["qb"] * sub["kind"].map(sign)
    apparent = sub.groupby(["region", "year", "fuel"])["qb"].sum()
    sectoral = comb.groupby(["region", "year", "fuel"])["qb"].sum()
    out = comb.copy()
    ratios = []
    key: Any
    for key, total in apparent.items():
        s = float(sectoral.get(key, 0.0))
        if total < 0:
            raise InventoryError(
                msg("inventory.negative_apparent", fuel=key[2], region=key[0], year=key[1])
            )
        if s > 0:
            mask = (out["region"] == key[0]) & (out["year"] == key[1]) & (out["fuel"] == key[2])
            out.loc[mask, "qb"] *= total / s
            ratios.append(f"{key[2]} ×{total / s:.4f}")
        elif total > 0:
            out = pd.concat(
                [
                    out,
                    pd.DataFrame(
                        [
                            {
                                "region": key[0],
                                "year": key[1],
                                "sector": "unallocated",
                                "fuel": key[2],
                                "qb": total,
                            }
                        ]
                    ),
                ],
                ignore_index=True,
            )
            ratios.append(f"{key[2]} unallocated")
    notes.append("CEADs apparent consumption: " + (", ".join(ratios) or "no scaling"))
    return out


def _comb_unit(fuel: str) -> str:
    return "万m3" if factors.fuels()[fuel].base_unit == "m3" else "t"


def _combustion_rows(
    comb: pd.DataFrame,
    method: str,
    set_: str,
    table: factors.FactorTable | None,
    opts: Mapping[str, Any],
    notes: list[str],
) -> pd.DataFrame:
    if comb.empty:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    fdefs = factors.fuels()
    sec = sectors()
    out = []
    gwp = {g: factors.gwp(g, opts["gwp_set"]) for g in ("CH4", "N2O")}
    tj_per_tce = units.factor("tce", "TJ")
    for rec in comb.to_dict(orient="records"):
        fuel = rec["fuel"]
        f = fdefs[fuel]
        unit = _comb_unit(fuel)
        q = rec["qb"] * units.factor(f.base_unit, unit)
        if method == "tce":
            coef = factors.standard_coal_coefficient(
                fuel, natural_gas_coefficient=opts["natural_gas_coefficient"]
            )
            tce = rec["qb"] * coef.per(f.base_unit, "tce")
            c = factors.tce_carbon_factor(f.family)
            co2 = tce * c.value * factors.co2_per_carbon()
            energy_tj = tce * tj_per_tce
            note = f"{tce:.6g} tce × {c.value} tC/tce × 44/12 [{c.confidence}]"
        else:
            try:
                ef = factors.emission_factor(fuel, set_, table)
            except factors.FactorError as exc:
                raise InventoryError(message_of(exc)) from None
            ncv = ef.ncv_per(unit)
            use_ef = ef.emission_factor is not None and not (
                method == "ipcc" and opts["ipcc_basis"] == "carbon_content"
            )
            if method in ("provincial", "ceads") and not math.isnan(ef.carbon_content):
                use_ef = False
            if use_ef:
                assert ef.emission_factor is not None
                efv = ef.emission_factor * units.factor(ef.emission_factor_unit, "kg/TJ")
                co2 = combustion_co2(q, ncv=ncv, emission_factor=efv, oxidation=ef.oxidation)
                note = f"NCV {ncv:.6g} GJ/{unit} × EF {efv:.6g} kg/TJ × OF {ef.oxidation}"
            else:
                cc = ef.carbon_content * units.factor(ef.carbon_content_unit, "t/TJ")
                co2 = combustion_co2(q, ncv=ncv, carbon_content=cc, oxidation=ef.oxidation)
                note = f"NCV {ncv:.6g} GJ/{unit} × CC {cc:.6g} tC/TJ × OF {ef.oxidation} × 44/12"
            note += f" [{ef.set}, {ef.confidence}]"
            energy_tj = q * ncv / 1000.0
        base = {
            "region": rec["region"],
            "year": rec["year"],
            "category": "combustion",
            "sector": rec["sector"],
            "fuel": fuel,
            "activity": q,
            "activity_unit": unit,
            "scope": 1,
            "gpc_ref": sec[rec["sector"]]["gpc_scope1"],
        }
        out.append({**base, "gas": "CO2", "emissions": co2, "co2e": co2, "note": note})
        if opts["gases"] == "co2e":
            cls = sec[rec["sector"]]["sector_class"]
            for gas in ("CH4", "N2O"):
                k = factors.non_co2_factor(f.family, cls, gas)
                if k is None:
                    continue
                mass = energy_tj * k
                out.append(
                    {
                        **base,
                        "gas": gas,
                        "emissions": mass,
                        "co2e": mass * gwp[gas],
                        "note": f"{energy_tj:.6g} TJ × {k * 1000:g} kg/TJ ({cls}) × GWP "
                        f"{gwp[gas]:g} ({opts['gwp_set']}) [M]",
                    }
                )
    if opts["gases"] == "co2e":
        notes.append(f"CH₄/N₂O: IPCC 2006 Vol.2 Ch.2 Tables 2.2–2.4 [M], GWP {opts['gwp_set']}")
    return pd.DataFrame(out)


def _scope2_rows(
    frame: pd.DataFrame, opts: Mapping[str, Any], notes: list[str], *, category_from_family: bool
) -> pd.DataFrame:
    fdefs = factors.fuels()
    sec = sectors()
    years = sorted({int(y) for y in frame["year"]})
    grid: dict[int, tuple[float, str]] = {}
    if opts["grid_factor"] is not None:
        grid = {
            y: (float(opts["grid_factor"]), f"fixed {opts['grid_factor']} kg/kWh") for y in years
        }
    elif (frame["fuel"].map(lambda f: fdefs[f].family) == "electricity").any():
        try:
            table = factors.grid_factors_for_years(
                years,
                opts["grid_factor_region"],
                opts["grid_factor_series"],
                opts["grid_factor_year"],
            )
        except factors.FactorError as exc:
            raise OptionError(message_of(exc)) from None
        grid = {y: (g.value, g.label()) for y, g in table.items()}
        notes.append("grid factor " + "; ".join(f"{y}: {g.label()}" for y, g in table.items()))
    out = []
    for rec in frame.to_dict(orient="records"):
        fuel = rec["fuel"]
        f = fdefs[fuel]
        sector = rec["sector"]
        if f.family == "electricity":
            value, label = grid[int(rec["year"])]
            co2 = rec["qb"] * value * units.factor("kg/kWh", f"t/({f.base_unit})")
            activity, unit, note = rec["qb"] * units.factor(f.base_unit, "MWh"), "MWh", label
        else:
            gj = rec["qb"] * factors.heat_gj_per_unit(fuel)
            co2 = gj * float(opts["heat_emission_factor"])
            activity, unit = gj, "GJ"
            note = f"{opts['heat_emission_factor']} t CO₂/GJ"
        category = f.family if category_from_family else "net_inflow"
        ref = sec[sector]["gpc_scope2"] if sector else ""
        out.append(
            {
                "region": rec["region"],
                "year": rec["year"],
                "category": category,
                "sector": sector,
                "fuel": fuel,
                "activity": activity,
                "activity_unit": unit,
                "gas": "CO2",
                "emissions": co2,
                "co2e": co2,
                "scope": 2,
                "gpc_ref": ref,
                "note": note,
            }
        )
    return pd.DataFrame(out)


def _process_rows(
    proc: pd.DataFrame, set_: str, opts: Mapping[str, Any], notes: list[str]
) -> pd.DataFrame:
    params = opts["process_parameters"] or {}
    out = []
    grouped = proc.groupby(["region", "year", "fuel"])["qb"].sum().reset_index()
    for rec in pd.DataFrame(grouped).to_dict(orient="records"):
        process = rec["fuel"]
        p = dict(params.get(process, {}))
        p.setdefault("set", set_)
        co2 = float(process_co2(process, rec["qb"], **p))
        out.append(
            {
                "region": rec["region"],
                "year": rec["year"],
                "category": "process",
                "sector": "ippu",
                "fuel": process,
                "activity": rec["qb"],
                "activity_unit": "t",
                "gas": "CO2",
                "emissions": co2,
                "co2e": co2,
                "scope": 1,
                "gpc_ref": "IV.1",
                "note": f"process_co2({process!r}, set={p['set']!r})",
            }
        )
    return pd.DataFrame(out)


# --- views --------------------------------------------------------------------------------------


def _wan(t: pd.Series | float) -> Any:
    return t * units.factor("t", "万吨")


def inventory_view(inventory: Inventory, view: str = "territorial") -> pd.DataFrame:
    """Return a view of an inventory, values in 万吨 CO₂e (10⁴ t).

    Parameters
    ----------
    inventory : Inventory
    view : {"territorial", "gpc", "sector"}
        ``territorial``: scope-1 emissions by sector (energy and industrial processes) and
        the total. ``gpc``: emissions by GPC reference number and scope, then the rows
        ``BASIC``, ``BASIC+`` and ``territorial`` (:func:`gpc_summary`). ``sector``: the
        provincial guideline's layout, sectors × fuel groups (煤炭及煤制品, 石油及制品,
        天然气) and the total; industrial processes; memo rows for scope 2 and net inflows.

    Returns
    -------
    pandas.DataFrame
        Long table with ``region, year``, the row labels, ``value`` and ``unit``.
    """
    if view not in VIEWS:
        raise InventoryError(
            msg("inventory.unknown_view", view=repr(view), hint=hint(view, VIEWS), known=str(VIEWS))
        )
    rows = inventory.rows
    sec = sectors()
    unit = "万吨CO2e"
    if view == "territorial":
        s1 = rows[rows["scope"] == 1]
        g = s1.groupby(["region", "year", "sector"])["co2e"].sum().reset_index()
        g["name_zh"] = g["sector"].map(lambda s: sec[s]["name_zh"] if s in sec else "工业生产过程")
        g["name_en"] = g["sector"].map(
            lambda s: sec[s]["name_en"] if s in sec else "Industrial processes"
        )
        g["order"] = g["sector"].map(lambda s: int(sec[s]["order"]) if s in sec else 99)
        tot = s1.groupby(["region", "year"])["co2e"].sum().reset_index()
        tot["sector"], tot["name_zh"], tot["name_en"], tot["order"] = "total", "合计", "Total", 100
        both: pd.DataFrame = pd.concat([g, tot], ignore_index=True)
        out = both.sort_values(["region", "year", "order"])
        out["value"] = _wan(out["co2e"])
        out["unit"] = unit
        return out[["region", "year", "sector", "name_zh", "name_en", "value", "unit"]].reset_index(
            drop=True
        )
    if view == "gpc":
        use = rows[rows["gpc_ref"].astype(str) != ""]
        net = rows[rows["category"] == "net_inflow"]
        # with no consumption-based scope 2 in a region-year, the net inflow stands in (I.6.2)
        have2 = set(
            map(
                tuple,
                rows[rows["category"].isin(["electricity", "heat"])][["region", "year"]].to_numpy(),
            )
        )
        stand_in = net[
            [(r, y) not in have2 for r, y in zip(net["region"], net["year"], strict=True)]
        ]
        if not stand_in.empty:
            stand_in = stand_in.assign(gpc_ref="I.6.2")
            use = pd.concat([use, stand_in], ignore_index=True)
        g = use.groupby(["region", "year", "gpc_ref", "scope"])["co2e"].sum().reset_index()
        g["sector"] = g["gpc_ref"].str.split(".").str[0]
        summary = gpc_summary(pd.DataFrame(g).rename(columns={"co2e": "value"}))
        g["row"] = g["gpc_ref"]
        g["value"] = _wan(g["co2e"])
        parts = [g[["region", "year", "row", "scope", "value"]]]
        for col, label in (
            ("basic", "BASIC"),
            ("basic_plus", "BASIC+"),
            ("territorial", "territorial"),
        ):
            parts.append(
                pd.DataFrame(
                    {
                        "region": summary["region"],
                        "year": summary["year"],
                        "row": label,
                        "scope": "",
                        "value": _wan(summary[col]),
                    }
                )
            )
        out = pd.DataFrame(pd.concat(parts, ignore_index=True))
        out["scope"] = out["scope"].astype(str)
        out["unit"] = unit
        out["_o"] = range(len(out))
        return out.sort_values(["region", "year", "_o"]).drop(columns="_o").reset_index(drop=True)
    # sector: provincial-guideline layout
    fdefs = factors.fuels()
    comb = rows[rows["category"] == "combustion"].copy()
    comb["group"] = comb["fuel"].map(lambda f: _FUEL_GROUPS.get(fdefs[f].family, "other"))
    items: list[dict[str, Any]] = []
    sub: Any
    for (region, year), sub in comb.groupby(["region", "year"], sort=True):
        for s, ssub in sub.groupby("sector"):
            info = sec[str(s)]
            rec: dict[str, Any] = {
                "region": region,
                "year": year,
                "order": int(info["order"]),
                "group_zh": "能源活动: " + info["guideline_group_zh"],
                "row_zh": info["name_zh"],
                "row_en": info["name_en"],
            }
            for grp in ("coal", "oil", "gas"):
                rec[grp] = _wan(float(ssub.loc[ssub["group"] == grp, "co2e"].sum()))
            rec["total"] = _wan(float(ssub["co2e"].sum()))
            items.append(rec)
    for (region, year, fuel), ssub in rows[rows["category"] == "process"].groupby(
        ["region", "year", "fuel"], sort=True
    ):
        items.append(
            {
                "region": region,
                "year": year,
                "order": 50,
                "group_zh": "工业生产过程",
                "row_zh": {"clinker": "水泥熟料", "cement": "水泥", "lime": "石灰"}.get(
                    str(fuel), str(fuel)
                ),
                "row_en": str(fuel),
                "total": _wan(float(ssub["co2e"].sum())),
            }
        )
    for cat, zh, en, order in (
        ("electricity", "外购电力 (范围二, 备忘)", "Electricity consumed (scope 2, memo)", 80),
        ("heat", "外购热力 (范围二, 备忘)", "Heat consumed (scope 2, memo)", 81),
        (
            "net_inflow",
            "净调入电力和热力间接排放 (备忘)",
            "Net electricity and heat inflow (memo)",
            82,
        ),
    ):
        for (region, year), ssub in rows[rows["category"] == cat].groupby(["region", "year"]):
            items.append(
                {
                    "region": region,
                    "year": year,
                    "order": order,
                    "group_zh": "备忘项",
                    "row_zh": zh,
                    "row_en": en,
                    "total": _wan(float(ssub["co2e"].sum())),
                }
            )
    frame = pd.DataFrame(items)
    if frame.empty:
        return frame
    s1 = rows[rows["scope"] == 1].groupby(["region", "year"])["co2e"].sum().reset_index()
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                {
                    "region": s1["region"],
                    "year": s1["year"],
                    "order": 70,
                    "group_zh": "合计",
                    "row_zh": "清单合计 (能源活动和工业生产过程)",
                    "row_en": "Total (energy activities and industrial processes)",
                    "total": _wan(s1["co2e"]),
                }
            ),
        ],
        ignore_index=True,
    )
    for col in ("coal", "oil", "gas"):
        if col not in frame:
            frame[col] = np.nan
    frame["unit"] = unit
    frame = frame.sort_values(["region", "year", "order"], kind="stable").drop(columns="order")
    return frame[
        ["region", "year", "group_zh", "row_zh", "row_en", "coal", "oil", "gas", "total", "unit"]
    ].reset_index(drop=True)


def views(inventory: Inventory, names: Iterable[str] = VIEWS) -> dict[str, pd.DataFrame]:
    """All views of an inventory by name."""
    return {n: inventory_view(inventory, n) for n in names}

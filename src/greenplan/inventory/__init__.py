"""The city's greenhouse-gas inventory (城市温室气体清单): energy and industrial processes.

Public pure functions (a contract other systems rely on):

- :func:`combustion_co2` — t CO₂ of a fuel burned (quantity t or 10⁴ m³, NCV GJ per unit, EF
  kg CO₂/TJ or carbon content t C/TJ, oxidation);
- :func:`process_co2` — t CO₂ of an industrial process (clinker, cement, lime, carbonate,
  steel_bof, steel_eaf, iron, steel_decarbonisation);
- :func:`gpc_summary` — BASIC, BASIC+ and territorial totals.

The inventory builder: :func:`build_inventory` (energy balance tables, fuel records or
statistics → :class:`Inventory`) and :func:`inventory_view` (``territorial``, ``gpc``,
``sector``). See docs/inventory.md.
"""

from __future__ import annotations

from greenplan.inventory.builder import (
    METHODS,
    OPTIONS,
    ROW_COLUMNS,
    VIEWS,
    Inventory,
    balance_items,
    build_inventory,
    inventory_view,
    sectors,
)
from greenplan.inventory.formulas import (
    PROCESSES,
    InventoryError,
    combustion_co2,
    gpc_summary,
    process_co2,
)

__all__ = [
    "METHODS",
    "OPTIONS",
    "PROCESSES",
    "ROW_COLUMNS",
    "VIEWS",
    "Inventory",
    "InventoryError",
    "balance_items",
    "build_inventory",
    "combustion_co2",
    "gpc_summary",
    "inventory_view",
    "process_co2",
    "sectors",
]

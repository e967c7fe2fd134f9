"""Records → statistics: converters from record-level data to the canonical long table.

Enterprise fuel records (:mod:`greenplan.records.fuel`) and, in the other submodules,
registers, project lists, daily monitoring and geographic records. Everything here turns
rows describing individual entities or days into statistics per (region, year); the
indicator formulas then work on those statistics.
"""

from __future__ import annotations

from greenplan.records.fuel import aggregate_fuel_records, fuel_totals_to_statistics

__all__ = ["aggregate_fuel_records", "fuel_totals_to_statistics"]

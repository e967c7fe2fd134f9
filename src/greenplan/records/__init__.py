"""Records → statistics: converters from record-level data to the canonical long table.

Everything here turns rows describing individual entities, projects, days or places into
statistics per (region, year) (canonical long rows ``region, year, variable, value, unit``);
the indicator formulas then work on those statistics. The package sits below
:mod:`greenplan.indicators`, which re-exports each converter under its old name
(``greenplan.indicators.industry.count_certified`` …).

=============================  ===========================================================
module                         converts
=============================  ===========================================================
:mod:`~.fuel`                  enterprise fuel records → energy and CO₂ totals
:mod:`~.registers`             registers of certified entities and parks → counts
:mod:`~.projects`              data-centre and transport project lists → counts, mileage
:mod:`~.monitoring`            daily AQI, water-quality sections → day and section counts
:mod:`~.geo`                   bus-stop coordinates and an area grid → covered area
=============================  ===========================================================

Names load on first access, so importing one converter module does not import the others.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "aggregate_fuel_records": "fuel",
    "fuel_totals_to_statistics": "fuel",
    "count_agri_brands": "registers",
    "count_agri_demo_zones": "registers",
    "count_certified": "registers",
    "count_parks": "registers",
    "count_register": "registers",
    "count_data_center_projects": "projects",
    "mileage_from_projects": "projects",
    "power_usage_effectiveness": "projects",
    "rack_utilization": "projects",
    "good_days_from_daily_aqi": "monitoring",
    "parse_water_class": "monitoring",
    "sections_from_classes": "monitoring",
    "bus_stop_coverage": "geo",
    "bus_stop_coverage_share": "geo",
    "points_within_radius": "geo",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'greenplan.records' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"greenplan.records.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

"""greenplan: the indicators of Jinan's 14th Five-Year Green Low-Carbon Circular Development Plan.

济南市“十四五”绿色低碳循环发展规划的指标计算与目标进度评估。

The public names are imported lazily, so ``import greenplan`` costs little beyond pandas,
pydantic and pint; the unit registry and the definition tables are built on first use.

Examples
--------
>>> import greenplan as gp
>>> gp.TARGETS["renewable_capacity"].value
470.0
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The package logger: silent unless the application configures logging (the ``greenplan``
# command does, with -v/-q). Modules log to ``logging.getLogger(__name__)``, its children.
logging.getLogger("greenplan").addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS = {
    "read_statistics": "greenplan.io",
    "validate": "greenplan.validation",
    "ValidationReport": "greenplan.validation",
    "Finding": "greenplan.validation",
    "compute": "greenplan.engine",
    "assess": "greenplan.progress",
    "aggregate_fuel_records": "greenplan.records",
    "fuel_totals_to_statistics": "greenplan.records",
    "INDICATORS": "greenplan.indicators",
    "TARGETS": "greenplan.targets",
    "Plan": "greenplan.plans",
    "load_plan": "greenplan.plans",
    "VARIABLES": "greenplan.variables",
    "REGIONS": "greenplan.regions",
    "Indicator": "greenplan.definitions",
    "Target": "greenplan.definitions",
    "Variable": "greenplan.definitions",
    "GreenplanError": "greenplan.errors",
    "StatisticsError": "greenplan.errors",
    "UnitError": "greenplan.errors",
    "data_version": "greenplan._resources",
    "to_iamc": "greenplan.export",
    "write_template": "greenplan.templates",
}

__all__ = sorted(
    [*_EXPORTS, "DATA_VERSION", "__version__"]
)  # submodules load on attribute access too


_SUBMODULES = {
    "engine",
    "units",
    "definitions",
    "variables",
    "regions",
    "targets",
    "plans",
    "indicators",
    "factors",
    "io",
    "validation",
    "progress",
    "report",
    "plot",
    "accounting",
    "records",
    "inventory",
    "evaluation",
    "errors",
    "export",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"greenplan.{name}")
    if name == "DATA_VERSION":  # read from data/datapackage.json on first use
        value = importlib.import_module("greenplan._resources").data_version()
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'greenplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from greenplan._resources import data_version
    from greenplan.definitions import Indicator, Target, Variable
    from greenplan.engine import compute
    from greenplan.errors import GreenplanError, StatisticsError, UnitError
    from greenplan.export import to_iamc
    from greenplan.indicators import INDICATORS
    from greenplan.io import read_statistics
    from greenplan.plans import Plan, load_plan
    from greenplan.progress import assess
    from greenplan.records.fuel import aggregate_fuel_records, fuel_totals_to_statistics
    from greenplan.regions import REGIONS
    from greenplan.targets import TARGETS
    from greenplan.validation import Finding, ValidationReport, validate
    from greenplan.variables import VARIABLES

"""Old import path of the fuel-record accounting; it now lives in :mod:`greenplan.records.fuel`.

Kept so that ``from greenplan.accounting import aggregate_fuel_records`` keeps working.
"""

from __future__ import annotations

from greenplan.records.fuel import *  # noqa: F403
from greenplan.records.fuel import __all__  # noqa: F401

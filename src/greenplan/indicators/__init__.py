"""Indicators of the plan: pure formula functions and typed definitions, one module per domain.

``INDICATORS`` maps each indicator id to its :class:`~greenplan.definitions.Indicator`. The
domain modules (economy, energy, carbon, water, renewables, environment, urban, buildings,
industry, agriculture, innovation) are imported on first access.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenplan._resources import LazyMapping
from greenplan.definitions import Indicator
from greenplan.indicators.registry import OPTIONS, recipes

__all__ = ["INDICATORS", "OPTIONS"]


def _load() -> dict[str, Indicator]:
    return {id: r.indicator for id, r in recipes().items()}


INDICATORS: Mapping[str, Indicator] = LazyMapping(_load, "greenplan.INDICATORS")
"""Every indicator greenplan computes, by id."""

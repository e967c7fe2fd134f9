"""Shared test configuration (kept small: other test files must not depend on it).

* Hypothesis runs without a per-example deadline: greenplan has no timed tests, and the first
  example of a run pays for building the unit registry.
* ``make_stats`` builds a canonical long table (``region, year, variable, value``) from
  tuples: the synthetic frames of the engine and economy tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("greenplan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("greenplan")

Row = tuple[str, int, str, float]


@pytest.fixture
def make_stats() -> Callable[[Iterable[Row]], pd.DataFrame]:
    """Return a builder: ``make_stats([(region, year, variable, value), …])`` → long table."""

    def build(rows: Iterable[Row]) -> pd.DataFrame:
        frame = pd.DataFrame(list(rows), columns=["region", "year", "variable", "value"])
        return frame.astype({"year": "int64", "value": "float64"})

    return build

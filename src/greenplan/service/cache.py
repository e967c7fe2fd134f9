"""The service's computed results, cached per store version.

Indicators, assessments and reports are computed from the current statistics; the first
request after an accepted submission recomputes them. :func:`greenplan.service.create_app`
keeps one :class:`Results` per application (``app.state.results``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenplan.engine import compute
from greenplan.progress import assess
from greenplan.service.store import OBSERVATION_COLUMNS, Store

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Results"]


class Results:
    """Indicators, assessments and reports from the current statistics.

    Cached per store version (the count of accepted submissions).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()  # make() calls get() for what it builds on
        self._version = -1
        self._cache: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """Return the cached value of ``key``, made by ``make()`` if the store has changed."""
        version = self.store.version()
        with self._lock:  # one computation at a time: concurrent readers wait for its result
            if version != self._version:
                self._cache.clear()
                self._version = version
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def stats(self) -> pd.DataFrame:
        """Return the current statistics (the latest accepted value of each observation)."""
        return self.get(("stats",), lambda: self.store.statistics())

    def values(self) -> pd.DataFrame:
        """Return the indicators computed from :meth:`stats` (``greenplan.compute``)."""

        def make() -> pd.DataFrame:
            stats = self.stats()
            return compute(stats.loc[:, list(OBSERVATION_COLUMNS)])

        return self.get(("values",), make)

    def assessment(self, year: int | None, method: str) -> pd.DataFrame:
        """Return every target assessed on :meth:`values` (``greenplan.assess``)."""

        def make() -> pd.DataFrame:
            return assess(self.values(), year=year, method=method)

        return self.get(("assess", year, method), make)

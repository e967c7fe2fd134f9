"""Exceptions raised by greenplan.

Every exception greenplan raises on purpose derives from :class:`GreenplanError`, so a caller
(or the command line) can tell a user's mistake from a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

__all__ = [
    "DimensionalityMismatchError",
    "GreenplanError",
    "OptionError",
    "StatisticsError",
    "UnitError",
    "UnknownUnitError",
]


class GreenplanError(Exception):
    """Base class of every error greenplan raises deliberately."""


class UnitError(GreenplanError, ValueError):
    """A unit string could not be used."""


class UnknownUnitError(UnitError):
    """A unit string is not known; the message suggests the closest known units."""

    def __init__(self, unit: str, suggestions: list[str] | None = None) -> None:
        self.unit = unit
        self.suggestions = list(suggestions or [])
        hint = (
            f" Did you mean: {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else " See docs/units.md for the units greenplan understands."
        )
        super().__init__(f"Unknown unit {unit!r}.{hint}")


class DimensionalityMismatchError(UnitError):
    """Two units measure different things (for example energy and money)."""

    def __init__(self, from_unit: str, from_dim: str, to_unit: str, to_dim: str) -> None:
        self.from_unit, self.from_dim = from_unit, from_dim
        self.to_unit, self.to_dim = to_unit, to_dim
        super().__init__(
            f"Cannot convert {from_unit!r} ({from_dim}) to {to_unit!r} ({to_dim}): "
            "they measure different quantities."
        )


class OptionError(GreenplanError, ValueError):
    """An option passed to a greenplan function is unknown or has a bad value."""


class _Report(Protocol):
    """What :class:`StatisticsError` needs of a report (``greenplan.diagnostics``)."""

    @property
    def findings(self) -> Sequence[Any]: ...


class StatisticsError(GreenplanError):
    """Raw statistics have errors; ``.report`` holds every finding.

    Raised by :func:`greenplan.read_statistics`. Use :func:`greenplan.validate` for a report
    that never raises.
    """

    def __init__(self, report: _Report, message: str | None = None) -> None:
        self.report: Any = report  # a greenplan.diagnostics.ValidationReport
        if message is None:
            message = _summarise(report)
        super().__init__(message)


def _summarise(report: _Report) -> str:
    errors = [f for f in report.findings if f.severity == "error"]
    head = "; ".join(f.message for f in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return f"The statistics have {len(errors)} error(s): {head}{more}"

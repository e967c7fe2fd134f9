"""Exceptions raised by greenplan.

Every exception greenplan raises on purpose derives from :class:`GreenplanError`, so a caller
(or the command line) can tell a user's mistake from a bug.

An error may carry a catalogue :class:`~greenplan.messages.Message` instead of a plain string:
``raise OptionError(msg("options.unknown", ...))``. ``str(exc)`` is then the English text (as
before) and :meth:`GreenplanError.text` renders it in Chinese or English — the command line
prints ``exc.text(lang)`` in the language of ``--lang``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from greenplan.messages import Message, catalogue, msg

__all__ = [
    "DimensionalityMismatchError",
    "GreenplanError",
    "OptionError",
    "StatisticsError",
    "UnitError",
    "UnknownUnitError",
    "message_of",
]


class GreenplanError(Exception):
    """Base class of every error greenplan raises deliberately.

    The first argument may be a catalogue :class:`~greenplan.messages.Message`: ``str(exc)``
    is its English text, :meth:`text` either language. A plain string stays as it is (and
    :meth:`text` returns it in every language).

    Examples
    --------
    >>> from greenplan.messages import msg
    >>> exc = GreenplanError(msg("common.did_you_mean", names="base_year"))
    >>> str(exc)
    ' Did you mean: base_year?'
    >>> exc.text("zh")
    '是否指：base_year？'
    >>> GreenplanError("plain text").text("zh")
    'plain text'
    """

    message: Message | None
    """The catalogue message of the error (None when it was raised with a plain string)."""

    def __init__(self, *args: Any) -> None:
        if args and isinstance(args[0], Message):
            self.message = args[0]
            super().__init__(str(args[0]), *args[1:])
        else:
            self.message = None
            super().__init__(*args)

    def text(self, lang: str = "en") -> str:
        """Return the text in ``lang`` (``zh`` or ``en``); ``str(exc)`` is the English one."""
        if self.message is not None:
            return self.message.text(lang)
        return str(self)


def message_of(exc: BaseException) -> Message | str:
    """Return the catalogue message of ``exc`` if it has one, else its text.

    For re-raising one error as another without losing its Chinese text:
    ``raise InventoryError(message_of(exc)) from None``. An exception from outside greenplan
    (an ``OSError``, a parser's error) keeps its own text in both languages.

    Examples
    --------
    >>> from greenplan.messages import msg
    >>> message_of(GreenplanError(msg("common.did_you_mean", names="x"))).key
    'common.did_you_mean'
    >>> message_of(ValueError("bad"))
    'bad'
    """
    message = getattr(exc, "message", None)
    return message if isinstance(message, Message) else str(exc)


class UnitError(GreenplanError, ValueError):
    """A unit string could not be used."""


class UnknownUnitError(UnitError):
    """A unit string is not known; the message suggests the closest known units."""

    def __init__(self, unit: str, suggestions: list[str] | None = None) -> None:
        self.unit = unit
        self.suggestions = list(suggestions or [])
        hint = (
            msg("errors.unit_did_you_mean", names=[repr(s) for s in self.suggestions])
            if self.suggestions
            else msg("errors.unit_see_docs")
        )
        super().__init__(msg("errors.unknown_unit", unit=repr(unit), hint=hint))


class DimensionalityMismatchError(UnitError):
    """Two units measure different things (for example energy and money)."""

    def __init__(self, from_unit: str, from_dim: str, to_unit: str, to_dim: str) -> None:
        self.from_unit, self.from_dim = from_unit, from_dim
        self.to_unit, self.to_dim = to_unit, to_dim
        super().__init__(
            msg(
                "errors.dimensionality",
                from_unit=repr(from_unit),
                from_dim=_dimension(from_dim),
                to_unit=repr(to_unit),
                to_dim=_dimension(to_dim),
            )
        )


def _dimension(name: str) -> Message | str:
    """Return a dimension's name (``energy``) as its catalogue text (``units.dimension.*``)."""
    key = "units.dimension." + re.sub(r"\W+", "_", name).strip("_")
    return msg(key) if key in catalogue() else name


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

    def __init__(self, report: _Report, message: str | Message | None = None) -> None:
        self.report: Any = report  # a greenplan.diagnostics.ValidationReport
        self._summary = message is None
        super().__init__(_summarise(report, "en") if message is None else message)

    def text(self, lang: str = "en") -> str:
        """Return the text in ``lang``: the summary of the report's errors, or the message."""
        if self._summary:
            return _summarise(self.report, lang)
        return super().text(lang)


_SEPARATOR = {"zh": "；", "en": "; "}


def _summarise(report: _Report, lang: str) -> str:
    """Return ``The statistics have N error(s): first three … (and M more)`` in ``lang``."""
    errors = [f for f in report.findings if f.severity == "error"]
    head = _SEPARATOR.get(lang, "; ").join(_finding_text(f, lang) for f in errors[:3])
    more = msg("errors.and_more", n=len(errors) - 3) if len(errors) > 3 else ""
    return msg("errors.statistics", n=len(errors), head=head, more=more).text(lang)


def _finding_text(finding: Any, lang: str) -> str:
    translate = getattr(finding, "text", None)
    return str(translate(lang)) if callable(translate) else str(finding.message)

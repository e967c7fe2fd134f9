"""The vocabulary of progress assessment: statuses, methods, their labels and defaults."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from greenplan.errors import OptionError
from greenplan.messages import msg, text

LANGS = ("zh", "en")
"""Languages of the labels."""


class Status(StrEnum):
    """Where a target stands: the common status every method maps onto.

    See ``docs/progress.md`` for the rule of each method.
    """

    ACHIEVED = "achieved"
    """已完成 / 提前实现 (完成 in a final evaluation): the current value meets the target."""
    NOT_ACHIEVED = "not_achieved"
    """未完成: the target year has come (总结评估, final evaluation) and the target is not met."""
    AHEAD_OF_SCHEDULE = "ahead_of_schedule"
    """快于序时进度: completion is above the share of the plan period gone."""
    ON_SCHEDULE = "on_schedule"
    """符合序时进度: on track (within the tolerance band of the schedule)."""
    BEHIND_SCHEDULE = "behind_schedule"
    """滞后于序时进度: progress made, but slower than the schedule."""
    MOVING_AWAY = "moving_away"
    """逆向变化: the value moved away from the target since the baseline."""
    NOT_ASSESSABLE = "not_assessable"
    """无法评估: no data, no target, or no defined completion; see ``status_reason``."""


class Method(StrEnum):
    """Progress-assessment methods (see ``docs/progress.md``)."""

    SEQUENTIAL = "sequential"
    """完成进度 vs 序时进度 (Chinese plan-evaluation practice); the default."""
    ESCAP = "escap"
    """UN ESCAP Current Status Index and Anticipated Progress Index."""
    EUROSTAT = "eurostat"
    """Eurostat SDG monitoring: ratio of the actual to the required growth rate."""


STATUS_LABELS: Mapping[Status, Mapping[str, str]] = {
    st: {lang: text(f"progress.status.{st.value}", lang) for lang in LANGS} for st in Status
}
"""Bilingual display labels of each :class:`Status` (``{"zh": …, "en": …}``), from the
message catalogue (``progress.status.<status>``)."""

_ACHIEVED_LABELS = {
    early: {
        lang: text(f"progress.achieved.{'early' if early else 'on_time'}", lang) for lang in LANGS
    }
    for early in (True, False)
}
DEFAULT_APPROX_TOLERANCE = 0.05
"""Tolerance of a 左右 (approximately) target: 5 % of the number the plan states [-]."""

DEFAULT_THRESHOLDS: Mapping[Method, tuple[float, ...]] = {
    Method.ESCAP: (1.0, 0.0),
    Method.EUROSTAT: (0.95, 0.60, 0.0),
}
"""Category cut-points on API (ESCAP) and on the growth-rate ratio (Eurostat) [-]."""

DEFAULT_TREND_THRESHOLDS: tuple[float, float, float] = (1.0, 0.0, -1.0)
"""Eurostat cut-points on the direction-adjusted growth rate without a target [%/yr]."""


def parse_choice(enum: type[Any], value: Any, name: str) -> Any:
    """Return ``enum(value)`` or raise OptionError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise OptionError(
            msg("progress.unknown_choice", name=name, value=repr(value), allowed=allowed)
        ) from None


def status_label(status: Status | str, lang: str = "zh", *, early: bool | None = None) -> str:
    """Return the display label of a status in Chinese or English.

    Parameters
    ----------
    status : Status or str
        A :class:`Status` or its value (``"behind_schedule"``).
    lang : {"zh", "en"}
        Language of the label.
    early : bool, optional
        For ``achieved`` only: True gives 提前实现 / "Achieved early" (met before the target
        year), False gives 已完成 / "Achieved"; None (default) gives the combined label.

    Returns
    -------
    str
        The label, e.g. ``"滞后于序时进度"``.

    Raises
    ------
    OptionError
        An unknown status or language.

    Examples
    --------
    >>> status_label("behind_schedule"), status_label("moving_away", "en")
    ('滞后于序时进度', 'Moving away')
    """
    st = parse_choice(Status, status, "status")
    if lang not in LANGS:
        raise OptionError(
            msg("progress.unknown_language", lang=repr(lang), allowed=", ".join(LANGS))
        )
    if st is Status.ACHIEVED and early is not None:
        return _ACHIEVED_LABELS[bool(early)][lang]
    return STATUS_LABELS[st][lang]

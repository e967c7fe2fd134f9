"""Options of :func:`~greenplan.progress.evaluate` and :func:`~greenplan.progress.assess`.

They are declared once in :data:`OPTIONS` (a :class:`greenplan.options.OptionSet`), with the
method or target kind each applies to; :func:`parse_options` checks a caller's mapping and
returns the typed :class:`Options` in effect.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import pandas as pd

from greenplan.definitions import Bound, Direction, TargetKind
from greenplan.errors import OptionError
from greenplan.messages import msg
from greenplan.options import OptionSet
from greenplan.progress.status import (
    DEFAULT_APPROX_TOLERANCE,
    DEFAULT_THRESHOLDS,
    DEFAULT_TREND_THRESHOLDS,
    Method,
    parse_choice,
)


class AssessOptions(TypedDict, total=False):
    """Options of :func:`assess`: those of :func:`evaluate` that do not come from a Target."""

    approx_tolerance: float
    """Tolerance of a 左右 target, relative to the number the plan states. Default 0.05."""
    schedule_tolerance: float
    """(sequential) Band around S within which P is on schedule. Default 0.0."""
    time_basis: Literal["linear", "geometric"]
    """(sequential) Time-elapsed basis. Default ``"linear"``."""
    projection: Literal["cagr", "linear"]
    """Projection to the target year. Default ``"cagr"`` (``"linear"`` for cumulative)."""
    zero_handling: Literal["linear", "not_assessable"]
    """When a growth rate is undefined (zero or negative values): fall back to linear rates
    (default) or give up."""
    thresholds: Sequence[float]
    """(escap, eurostat) Category cut-points; defaults in :data:`DEFAULT_THRESHOLDS`."""
    trend_thresholds: Sequence[float]
    """(eurostat, kind ``direction``) Cut-points on the adjusted growth rate [%/yr]."""
    full_level: float
    """Level meaning full coverage (full_coverage, threshold). Default 100.0 (%)."""
    baseline_from_later_year: bool
    """(assess only) Measure a ``level`` target from the earliest later year when the base year
    has no value (in the data, in the plan, or implied by a reported rate). Default False: the
    plan measures from its base year, so such a target is not assessable."""
    rate_decimals: int
    """(assess only) Decimals published rates are rounded to; their range goes into the notes.
    Default 1 ("下降4.0%")."""


class EvaluateOptions(AssessOptions, total=False):
    """Options of :func:`evaluate` (all optional; see ``docs/progress.md``)."""

    bound: Bound | str | None
    """The plan's comparison: ``approximately`` (左右) adds a tolerance, ``below``/``above``
    make the comparison strict, ``*_aspirational`` marks 力争. Default: none (non-strict)."""
    aspirational: bool
    """力争: a miss is reported but marked as aspirational. Default False."""
    series: Mapping[int, float | None]
    """(non_increase) The yearly values ``{year: value}``."""


OPTIONS = OptionSet("assess")
"""Every option of :func:`evaluate` (``series`` and the Target-given ones included)."""
OPTIONS.declare("bound", None, "the plan's comparison (左右, strict, 力争)", choices=[*Bound, None])
OPTIONS.declare("aspirational", False, "力争: a miss is not a breach of a binding target")
OPTIONS.declare(
    "approx_tolerance",
    DEFAULT_APPROX_TOLERANCE,
    "tolerance of a 左右 target, relative to the number the plan states [-]",
)
OPTIONS.declare("projection", None, "projection to the target year", choices=("cagr", "linear"))
OPTIONS.declare(
    "zero_handling",
    "linear",
    "when a growth rate is undefined: linear rates or not assessable",
    choices=("linear", "not_assessable"),
)
OPTIONS.declare("full_level", 100.0, "level meaning full coverage [indicator unit]")
OPTIONS.declare(
    "time_basis", "linear", "(sequential) time-elapsed basis", choices=("linear", "geometric")
)
OPTIONS.declare("schedule_tolerance", 0.0, "(sequential) band around S that is on schedule [-]")
OPTIONS.declare("thresholds", None, "(escap, eurostat) category cut-points")
OPTIONS.declare(
    "trend_thresholds",
    DEFAULT_TREND_THRESHOLDS,
    "(eurostat, kind direction) cut-points on the adjusted growth rate [%/yr]",
)
OPTIONS.declare("series", None, "(non_increase) the yearly values {year: value}")

ASSESS_ONLY = OptionSet("assess")
"""Options of :func:`assess` that :func:`evaluate` does not take (how series are read)."""
ASSESS_ONLY.declare(
    "baseline_from_later_year",
    False,
    "measure level targets from a later year when the base year has no value",
    choices=(False, True),
)
ASSESS_ONLY.declare(
    "rate_decimals",
    1,
    "decimals published rates are rounded to (an integer 0-6)",
    check=lambda v: type(v) is int and 0 <= v <= 6,
)

ASSESS_OPTIONS: frozenset[str] = frozenset(AssessOptions.__annotations__)
"""Options a caller may pass to :func:`assess` (``bound``/``aspirational`` come from each
Target, ``series`` from the data)."""

_METHOD_OPTIONS: Mapping[Method, frozenset[str]] = {
    Method.SEQUENTIAL: frozenset({"time_basis", "schedule_tolerance"}),
    Method.ESCAP: frozenset({"thresholds"}),
    Method.EUROSTAT: frozenset({"thresholds", "trend_thresholds"}),
}
_KIND_OPTIONS: Mapping[str, TargetKind] = {"series": TargetKind.NON_INCREASE}
_COMMON_OPTIONS = frozenset(OPTIONS) - frozenset().union(*_METHOD_OPTIONS.values(), _KIND_OPTIONS)


def split_assess_only(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``options`` into (those of :func:`evaluate`, the assess-only ones resolved)."""
    own = {k: v for k, v in options.items() if k in ASSESS_ONLY}
    rest = {k: v for k, v in options.items() if k not in ASSESS_ONLY}
    return rest, ASSESS_ONLY.resolve(own)


def parse_direction(value: Any) -> Direction:
    """Return the direction, refusing ``none`` (a target without a direction)."""
    d = parse_choice(Direction, value, "direction")
    if d is Direction.NONE:
        raise OptionError(msg("progress.direction_required"))
    return d


def number(value: Any, name: str) -> float | None:
    """Return a finite float, or None for a missing value (None, NaN, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str | bytes):
        raise OptionError(
            msg("progress.not_a_number", name=name, type=type(value).__name__, value=repr(value))
        )
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(
            msg("progress.not_a_number", name=name, type=type(value).__name__, value=repr(value))
        ) from None
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise OptionError(msg("progress.not_finite", name=name, value=repr(value)))
    return x


def year_of(value: Any, name: str) -> int | float:
    """Return a year (an int when whole); a missing one raises."""
    x = number(value, name)
    if x is None:
        raise OptionError(msg("progress.year_required", name=name))
    return int(x) if x.is_integer() else x


def _nonneg(value: Any, name: str) -> float:
    x = number(value, name)
    if x is None or x < 0:
        raise OptionError(msg("progress.not_nonnegative", name=name, value=repr(value)))
    return x


def _cutpoints(value: Any, name: str, length: int) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise OptionError(msg("progress.not_sequence", name=name, n=length, value=repr(value)))
    points = tuple(number(v, name) for v in value)
    if len(points) != length or any(p is None for p in points):
        raise OptionError(msg("progress.not_sequence", name=name, n=length, value=repr(value)))
    out = tuple(float(p) for p in points if p is not None)
    if any(a <= b for a, b in itertools.pairwise(out)):
        raise OptionError(msg("progress.not_decreasing", name=name, value=repr(value)))
    return out


@dataclass(frozen=True)
class Options:
    """The options in effect, checked and typed."""

    bound: Bound | None = None
    aspirational: bool = False
    approx_tolerance: float = DEFAULT_APPROX_TOLERANCE
    schedule_tolerance: float = 0.0
    time_basis: str = "linear"
    projection: str | None = None
    zero_handling: str = "linear"
    thresholds: tuple[float, ...] = ()
    trend_thresholds: tuple[float, ...] = DEFAULT_TREND_THRESHOLDS
    full_level: float = 100.0
    series: Mapping[Any, Any] | None = None

    def echo(self, method: Method) -> dict[str, Any]:
        """Return the options in effect, JSON-friendly, for the record."""
        out: dict[str, Any] = {
            "approx_tolerance": self.approx_tolerance,
            "projection": self.projection or "cagr",
            "zero_handling": self.zero_handling,
            "full_level": self.full_level,
        }
        if method is Method.SEQUENTIAL:
            out["time_basis"] = self.time_basis
            out["schedule_tolerance"] = self.schedule_tolerance
        else:
            out["thresholds"] = list(self.thresholds)
        if method is Method.EUROSTAT:
            out["trend_thresholds"] = list(self.trend_thresholds)
        return out


def _check_names(options: Mapping[str, Any], method: Method, kind: TargetKind | None) -> None:
    """Refuse unknown names and names that belong to another method or kind."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        allowed = sorted(_COMMON_OPTIONS | _METHOD_OPTIONS[method] | set(_KIND_OPTIONS))
        raise OptionError(
            msg(
                "progress.unknown_options",
                names=", ".join(map(repr, unknown)),
                method=repr(method.value),
                allowed=", ".join(allowed),
            )
        )
    for name in options:
        if name in _COMMON_OPTIONS or name in _METHOD_OPTIONS[method]:
            continue
        if name in _KIND_OPTIONS:
            if kind is not None and kind is not _KIND_OPTIONS[name]:
                raise OptionError(
                    msg(
                        "progress.option_kind",
                        name=repr(name),
                        only=repr(_KIND_OPTIONS[name].value),
                        kind=repr(kind.value),
                    )
                )
            continue
        methods = [m.value for m, names in _METHOD_OPTIONS.items() if name in names]
        raise OptionError(
            msg(
                "progress.option_method",
                name=repr(name),
                methods=", ".join(methods),
                method=repr(method.value),
            )
        )


def _parse_value(name: str, value: Any) -> Any:
    """Check one option's value (its name is known); return it typed."""
    spec = OPTIONS[name]
    if name == "bound":
        return parse_choice(Bound, value, "bound")
    if name == "aspirational":
        if not isinstance(value, bool):
            raise OptionError(msg("progress.not_bool", value=repr(value)))
        return value
    if name in ("approx_tolerance", "schedule_tolerance"):
        return _nonneg(value, name)
    if spec.choices is not None:
        if value not in spec.choices:
            raise OptionError(
                msg(
                    "progress.unknown_choice",
                    name=name,
                    value=repr(value),
                    allowed=", ".join(spec.choices),
                )
            )
        return value
    if name == "trend_thresholds":
        return _cutpoints(value, name, 3)
    if name == "full_level":
        full = number(value, name)
        if full is None or full <= 0:
            raise OptionError(msg("progress.not_positive", value=repr(value)))
        return full
    if name == "series" and not isinstance(value, Mapping):
        raise OptionError(msg("progress.series_mapping"))
    return value


def parse_options(options: Mapping[str, Any], method: Method, kind: TargetKind | None) -> Options:
    """Check option names (unknown ones raise) and values; return them typed."""
    _check_names(options, method, kind)
    kw: dict[str, Any] = {}
    for name, value in options.items():
        if name == "thresholds" or (name == "bound" and value is None):
            continue
        kw[name] = _parse_value(name, value)
    if method in DEFAULT_THRESHOLDS:
        default = DEFAULT_THRESHOLDS[method]
        kw["thresholds"] = (
            _cutpoints(options["thresholds"], "thresholds", len(default))
            if "thresholds" in options
            else default
        )
    return Options(**kw)

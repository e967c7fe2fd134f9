"""Progress towards the plan's 2025 targets: completion, time elapsed, projection, status.

Two entry points:

- :func:`evaluate` assesses one series (baseline, current value, target) and returns a typed,
  JSON-serialisable :class:`Evaluation`.
- :func:`assess` runs :func:`evaluate` over the output of :func:`greenplan.compute` for every
  target and region and returns one row per (target, region).

The default method is Chinese plan-evaluation practice, 完成进度 (completion P) against
序时进度 (time elapsed S). The UN ESCAP indices (CSI/API) and the Eurostat ratio of growth rates
are available for international comparability. The formulas, status rules, options and edge
cases are in ``docs/progress.md``; the methods are reviewed in
``shared/reference/progress_methods.md``.

Examples
--------
Water use per 10⁴ yuan of GDP, 50 m³ in 2020, to fall 16 % by 2025, 46 m³ in 2023:

>>> from greenplan.progress import evaluate
>>> ev = evaluate(baseline=50, current=46, target=-16, baseline_year=2020, year=2023,
...               target_year=2025, direction="decrease", kind="change_vs_base")
>>> ev.target_level, round(ev.completion, 4), ev.time_elapsed, ev.status.value
(42.0, 0.5, 0.6, 'behind_schedule')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypedDict, Unpack

import pandas as pd
from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from greenplan.definitions import Bound, Direction, Target, TargetKind
from greenplan.errors import OptionError, UnitError

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler

__all__ = [
    "ASSESS_COLUMNS",
    "DEFAULT_APPROX_TOLERANCE",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_TREND_THRESHOLDS",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "AssessOptions",
    "EvaluateOptions",
    "Evaluation",
    "Method",
    "Status",
    "assess",
    "evaluate",
    "status_label",
    "style",
]


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


class Status(StrEnum):
    """Where a target stands: the common status every method maps onto.

    See ``docs/progress.md`` for the rule of each method.
    """

    ACHIEVED = "achieved"
    """已完成 / 提前实现: the current value meets the target."""
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
    Status.ACHIEVED: {"zh": "已完成/提前实现", "en": "Achieved"},
    Status.AHEAD_OF_SCHEDULE: {"zh": "快于序时进度", "en": "Ahead of schedule"},
    Status.ON_SCHEDULE: {"zh": "符合序时进度", "en": "On schedule"},
    Status.BEHIND_SCHEDULE: {"zh": "滞后于序时进度", "en": "Behind schedule"},
    Status.MOVING_AWAY: {"zh": "逆向变化", "en": "Moving away"},
    Status.NOT_ASSESSABLE: {"zh": "无法评估", "en": "Not assessable"},
}
"""Bilingual display labels of each :class:`Status` (``{"zh": …, "en": …}``)."""

_ACHIEVED_LABELS = {
    True: {"zh": "提前实现", "en": "Achieved early"},
    False: {"zh": "已完成", "en": "Achieved"},
}

STATUS_COLOURS: Mapping[Status, str] = {
    Status.ACHIEVED: "#c6efce",
    Status.AHEAD_OF_SCHEDULE: "#dff0d0",
    Status.ON_SCHEDULE: "#ddebf7",
    Status.BEHIND_SCHEDULE: "#ffeb9c",
    Status.MOVING_AWAY: "#ffc7ce",
    Status.NOT_ASSESSABLE: "#ededed",
}
"""Background colour of each status in :func:`style` (light, print-friendly)."""

DEFAULT_APPROX_TOLERANCE = 0.05
"""Tolerance of a 左右 (approximately) target: 5 % of the number the plan states [-]."""

DEFAULT_THRESHOLDS: Mapping[Method, tuple[float, ...]] = {
    Method.ESCAP: (1.0, 0.0),
    Method.EUROSTAT: (0.95, 0.60, 0.0),
}
"""Category cut-points on API (ESCAP) and on the growth-rate ratio (Eurostat) [-]."""

DEFAULT_TREND_THRESHOLDS: tuple[float, float, float] = (1.0, 0.0, -1.0)
"""Eurostat cut-points on the direction-adjusted growth rate without a target [%/yr]."""

ASSESS_COLUMNS: tuple[str, ...] = (
    "key",
    "indicator",
    "region",
    "section",
    "name_zh",
    "name_en",
    "kind",
    "bound",
    "aspirational",
    "unit",
    "baseline_year",
    "baseline",
    "latest_year",
    "latest",
    "target_year",
    "target",
    "target_level",
    "gap",
    "gap_relative",
    "completion",
    "time_elapsed",
    "status",
    "status_zh",
    "status_en",
    "required_annual_change",
    "projected",
    "projected_gap",
    "method",
    "notes",
)
"""Columns of :func:`assess`, in order (a contract other modules rely on)."""

_EPS = 1e-9
"""Relative tolerance of the comparisons (absorbs floating-point noise, e.g. 50 × 0.84)."""

_PROJECTIONS = ("cagr", "linear")
_TIME_BASES = ("linear", "geometric")
_ZERO_HANDLING = ("linear", "not_assessable")
_LANGS = ("zh", "en")
_COMMON_OPTIONS = frozenset(
    {"bound", "aspirational", "approx_tolerance", "projection", "zero_handling", "full_level"}
)
_METHOD_OPTIONS: Mapping[Method, frozenset[str]] = {
    Method.SEQUENTIAL: frozenset({"time_basis", "schedule_tolerance"}),
    Method.ESCAP: frozenset({"thresholds"}),
    Method.EUROSTAT: frozenset({"thresholds", "trend_thresholds"}),
}
_KIND_OPTIONS: Mapping[str, TargetKind] = {"series": TargetKind.NON_INCREASE}
_ALL_OPTIONS = frozenset(_COMMON_OPTIONS.union(*_METHOD_OPTIONS.values()).union(_KIND_OPTIONS))
_INHERENT_LEVEL = frozenset(
    {TargetKind.FULL_COVERAGE, TargetKind.ELIMINATION, TargetKind.THRESHOLD}
)
"""Kinds whose level is fixed by the kind (100 % or 0): the baseline may already be there."""


class EvaluateOptions(TypedDict, total=False):
    """Options of :func:`evaluate` (all optional; see ``docs/progress.md``)."""

    bound: Bound | str | None
    """The plan's comparison: ``approximately`` (左右) adds a tolerance, ``below``/``above``
    make the comparison strict, ``*_aspirational`` marks 力争. Default: none (non-strict)."""
    aspirational: bool
    """力争: a miss is reported but marked as aspirational. Default False."""
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
    series: Mapping[int, float | None]
    """(non_increase) The yearly values ``{year: value}``."""


class AssessOptions(TypedDict, total=False):
    """Options of :func:`assess`: those of :func:`evaluate` that do not come from a Target."""

    approx_tolerance: float
    schedule_tolerance: float
    time_basis: Literal["linear", "geometric"]
    projection: Literal["cagr", "linear"]
    zero_handling: Literal["linear", "not_assessable"]
    thresholds: Sequence[float]
    trend_thresholds: Sequence[float]
    full_level: float


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
    st = _parse_choice(Status, status, "status")
    if lang not in _LANGS:
        raise OptionError(f"Unknown language {lang!r}; allowed: {', '.join(_LANGS)}.")
    if st is Status.ACHIEVED and early is not None:
        return _ACHIEVED_LABELS[bool(early)][lang]
    return STATUS_LABELS[st][lang]


# --------------------------------------------------------------------------------------------
# The result of one evaluation
# --------------------------------------------------------------------------------------------


class Evaluation(BaseModel):
    """Progress of one series towards one target (the result of :func:`evaluate`).

    All values are plain floats in the indicator's unit unless stated; ``None`` means
    undefined (never NaN), so ``model_dump_json()`` gives ``null``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Method
    kind: TargetKind
    direction: Direction
    bound: Bound | None = None
    aspirational: bool = False
    """力争: a miss is not a breach of a binding target."""
    baseline: float | None
    """V0, the value in ``baseline_year`` [indicator unit] (0 for cumulative targets)."""
    current: float | None
    """Vt, the value in ``year`` [indicator unit] (cumulative additions for cumulative)."""
    target: float | None
    """The target as stated (a % change for change_vs_base, the criterion for threshold)."""
    target_level: float | None
    """V*, the target as a level [indicator unit]."""
    baseline_year: int | float
    year: int | float
    target_year: int | float
    completion: float | None = None
    """P, share of the way from baseline to target [-]: 1.0 when met, capped at 1."""
    completion_raw: float | None = None
    """P before the cap and the "met" override: d·(Vt − V0)/|V* − V0| [-]."""
    time_elapsed: float | None = None
    """S = (t − t0)/(T − t0), share of the plan period gone, capped at 1 [-]."""
    time_elapsed_geometric: float | None = None
    """S_geo = ((V*/V0)^(k/n) − 1)/(V*/V0 − 1), the compound-path schedule [-]."""
    schedule: float | None = None
    """The S the status was judged against (``time_elapsed`` or the geometric one) [-]."""
    time_basis: str | None = None
    status: Status
    status_reason: str = ""
    """Why the status (required when ``not_assessable``)."""
    category: str | None = None
    """The method's own category (e.g. ``moderate_progress`` for Eurostat)."""
    met: bool | None = None
    """Whether the current value meets the target (tolerance and strictness applied)."""
    gap: float | None = None
    """V* − Vt [indicator unit]; negative when the value must fall."""
    gap_relative: float | None = None
    """(V* − Vt)/|V*| [-]; None for a zero target."""
    required_annual_change: float | None = None
    """(V* − Vt)/(T − t): change still needed per year [indicator unit/yr]; 0 when met."""
    required_annual_rate: float | None = None
    """((V*/Vt)^(1/(T − t)) − 1)·100, compound rate still needed [%/yr]; 0 when met."""
    projected: float | None = None
    """Value projected for the target year [indicator unit]."""
    projected_gap: float | None = None
    """V* − projected [indicator unit]."""
    projection: str | None = None
    """The projection actually used (``cagr`` or ``linear``)."""
    cagr_actual: float | None = None
    """(Vt/V0)^(1/k) − 1, in [%/yr]."""
    cagr_required: float | None = None
    """(V*/V0)^(1/n) − 1, in [%/yr]."""
    csi: float | None = None
    """(escap) Current Status Index, capped at 1 when met [-]."""
    api: float | None = None
    """(escap) Anticipated Progress Index d·(V̂_T − V0)/|V* − V0| [-]."""
    cr: float | None = None
    """(escap) Ratio of growth rates g/g_req [-]."""
    ratio: float | None = None
    """(eurostat) CAGR_actual/CAGR_required, or its linear fallback [-]."""
    notes: tuple[str, ...] = ()
    """Fallbacks and caveats, in plain words."""
    options: dict[str, Any] = {}
    """The options in effect (``series`` excluded)."""

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # status_zh/status_en are derived; accept them back so a JSON dump round-trips.
        if isinstance(data, Mapping) and ("status_zh" in data or "status_en" in data):
            return {k: v for k, v in data.items() if k not in ("status_zh", "status_en")}
        return data

    @model_validator(mode="after")
    def _reason_when_not_assessable(self) -> Evaluation:
        if self.status is Status.NOT_ASSESSABLE and not self.status_reason:
            raise ValueError("status_reason is required when the status is not_assessable")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status_zh(self) -> str:
        """Chinese label of the status (提前实现 when met before the target year)."""
        return status_label(self.status, "zh", early=_achieved_early(self))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status_en(self) -> str:
        """English label of the status."""
        return status_label(self.status, "en", early=_achieved_early(self))


def _achieved_early(ev: Evaluation) -> bool | None:
    """Whether an achieved target was met before the target year (None if not achieved)."""
    if ev.status is not Status.ACHIEVED:
        return None
    return ev.year < ev.target_year


# --------------------------------------------------------------------------------------------
# Argument parsing
# --------------------------------------------------------------------------------------------


def _parse_choice(enum: type[Any], value: Any, name: str) -> Any:
    """Return ``enum(value)`` or raise OptionError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise OptionError(f"Unknown {name} {value!r}; allowed: {allowed}.") from None


def _parse_direction(value: Any) -> Direction:
    d = _parse_choice(Direction, value, "direction")
    if d is Direction.NONE:
        raise OptionError("direction must be 'increase' or 'decrease' to assess a target.")
    return d


def _number(value: Any, name: str) -> float | None:
    """Return a finite float, or None for a missing value (None, NaN, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str | bytes):
        raise OptionError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(
            f"{name} must be a number, got {type(value).__name__} {value!r}."
        ) from None
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise OptionError(f"{name} must be finite, got {value!r}.")
    return x


def _year(value: Any, name: str) -> int | float:
    x = _number(value, name)
    if x is None:
        raise OptionError(f"{name} is required (a year such as 2023).")
    return int(x) if x.is_integer() else x


def _nonneg(value: Any, name: str) -> float:
    x = _number(value, name)
    if x is None or x < 0:
        raise OptionError(f"{name} must be a number ≥ 0, got {value!r}.")
    return x


def _cutpoints(value: Any, name: str, length: int) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise OptionError(f"{name} must be a sequence of {length} numbers, got {value!r}.")
    points = tuple(_number(v, name) for v in value)
    if len(points) != length or any(p is None for p in points):
        raise OptionError(f"{name} must be a sequence of {length} numbers, got {value!r}.")
    out = tuple(float(p) for p in points if p is not None)
    if any(a <= b for a, b in itertools.pairwise(out)):
        raise OptionError(f"{name} must be strictly decreasing, got {value!r}.")
    return out


@dataclass(frozen=True)
class _Options:
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


def _parse_options(options: Mapping[str, Any], method: Method, kind: TargetKind | None) -> _Options:
    """Check option names (unknown ones raise) and values; return them typed."""
    unknown = sorted(set(options) - _ALL_OPTIONS)
    if unknown:
        allowed = sorted(_COMMON_OPTIONS | _METHOD_OPTIONS[method] | set(_KIND_OPTIONS))
        raise OptionError(
            f"Unknown option(s) {', '.join(map(repr, unknown))} for method {method.value!r}; "
            f"allowed: {', '.join(allowed)}."
        )
    for name in options:
        if name in _COMMON_OPTIONS or name in _METHOD_OPTIONS[method]:
            continue
        if name in _KIND_OPTIONS:
            if kind is not None and kind is not _KIND_OPTIONS[name]:
                raise OptionError(
                    f"Option {name!r} applies to kind {_KIND_OPTIONS[name].value!r} only, "
                    f"not {kind.value!r}."
                )
            continue
        methods = [m.value for m, names in _METHOD_OPTIONS.items() if name in names]
        raise OptionError(
            f"Option {name!r} applies to method(s) {', '.join(methods)} only, not {method.value!r}."
        )
    kw: dict[str, Any] = {}
    if options.get("bound") is not None:
        kw["bound"] = _parse_choice(Bound, options["bound"], "bound")
    if "aspirational" in options:
        if not isinstance(options["aspirational"], bool):
            raise OptionError(
                f"aspirational must be True or False, got {options['aspirational']!r}."
            )
        kw["aspirational"] = options["aspirational"]
    if "approx_tolerance" in options:
        kw["approx_tolerance"] = _nonneg(options["approx_tolerance"], "approx_tolerance")
    if "schedule_tolerance" in options:
        kw["schedule_tolerance"] = _nonneg(options["schedule_tolerance"], "schedule_tolerance")
    for name, allowed_values in (
        ("time_basis", _TIME_BASES),
        ("projection", _PROJECTIONS),
        ("zero_handling", _ZERO_HANDLING),
    ):
        if name in options:
            if options[name] not in allowed_values:
                raise OptionError(
                    f"Unknown {name} {options[name]!r}; allowed: {', '.join(allowed_values)}."
                )
            kw[name] = options[name]
    if method in DEFAULT_THRESHOLDS:
        default = DEFAULT_THRESHOLDS[method]
        kw["thresholds"] = (
            _cutpoints(options["thresholds"], "thresholds", len(default))
            if "thresholds" in options
            else default
        )
    if "trend_thresholds" in options:
        kw["trend_thresholds"] = _cutpoints(options["trend_thresholds"], "trend_thresholds", 3)
    if "full_level" in options:
        full = _number(options["full_level"], "full_level")
        if full is None or full <= 0:
            raise OptionError(f"full_level must be a number > 0, got {options['full_level']!r}.")
        kw["full_level"] = full
    if "series" in options:
        if not isinstance(options["series"], Mapping):
            raise OptionError("series must be a mapping {year: value}.")
        kw["series"] = options["series"]
    return _Options(**kw)


# --------------------------------------------------------------------------------------------
# Building blocks (pure arithmetic, None when undefined)
# --------------------------------------------------------------------------------------------


def _power(base: float, exponent: float) -> float | None:
    """Return ``base ** exponent``, or None when it overflows or is not finite."""
    try:
        x = base**exponent
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def _cagr(start: float, end: float, years: float) -> float | None:
    """(end/start)^(1/years) − 1 as a fraction per year, or None when undefined."""
    if years <= 0 or start <= 0 or end < 0:
        return None
    q = _power(end / start, 1.0 / years)
    return None if q is None else q - 1.0


def _pct(x: float | None) -> float | None:
    return None if x is None else x * 100.0


def _geometric_schedule(v0: float, level: float, k: float, n: float) -> float | None:
    """S_geo = ((V*/V0)^(k/n) − 1)/(V*/V0 − 1): the share of the change due on a compound path."""
    if v0 <= 0 or level <= 0 or k < 0 or math.isclose(level, v0, rel_tol=_EPS):
        return None
    q = level / v0
    step = _power(q, min(k, n) / n)
    if step is None or not math.isfinite(q):
        return None
    return (step - 1.0) / (q - 1.0)


def _scale(*values: float | None) -> float:
    return max((abs(v) for v in values if v is not None), default=0.0)


# --------------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------------


def evaluate(
    *,
    baseline: float | None,
    current: float | None,
    target: float | None,
    baseline_year: int | float,
    year: int | float,
    target_year: int | float,
    direction: Direction | str,
    kind: TargetKind | str = "level",
    method: Method | str = "sequential",
    **options: Unpack[EvaluateOptions],
) -> Evaluation:
    r"""Assess the progress of one series towards one target.

    Parameters
    ----------
    baseline : float or None
        V0, the value in ``baseline_year`` [indicator unit]. Ignored (taken as 0) for
        ``kind="cumulative"``. None or NaN means missing.
    current : float or None
        Vt, the latest value, in ``year`` [indicator unit]; for ``cumulative`` the sum of the
        annual additions from ``baseline_year + 1`` to ``year``. None or NaN means missing.
    target : float or None
        The target as the plan states it: a level [indicator unit] for ``level`` and
        ``cumulative``; a change vs the baseline [%] for ``change_vs_base`` (``-16`` for a 16 %
        cut); the per-facility criterion (recorded only) for ``threshold``; None (or 0) for
        ``elimination``; None for ``direction`` and ``non_increase``; None for an ``assigned``
        target the province has not set.
    baseline_year, year, target_year : int or float
        t0, t and T [year]. Fractions are allowed for within-year reporting (2023.5).
    direction : {"increase", "decrease"} or Direction
        Which way the indicator must move.
    kind : str or TargetKind, default "level"
        How the target is stated: ``level``, ``change_vs_base``, ``cumulative``,
        ``full_coverage``, ``elimination``, ``threshold``, ``direction``, ``non_increase``,
        ``assigned``.
    method : {"sequential", "escap", "eurostat"}, default "sequential"
        Assessment method; see Notes.
    **options
        See :class:`EvaluateOptions` and ``docs/progress.md``: ``bound``, ``aspirational``,
        ``approx_tolerance`` (0.05), ``projection`` ("cagr"), ``zero_handling`` ("linear"),
        ``full_level`` (100.0); sequential: ``time_basis`` ("linear"),
        ``schedule_tolerance`` (0.0); escap/eurostat: ``thresholds``; eurostat:
        ``trend_thresholds``; non_increase: ``series``.

    Returns
    -------
    Evaluation
        Completion, time elapsed, status (with the method's own category), gap, required
        annual change, projection and the intermediates.

    Raises
    ------
    OptionError
        An unknown direction, kind, method, option name or option value; a non-numeric value;
        ``target_year`` not after ``baseline_year``; a target given for a kind that takes none.

    Notes
    -----
    With d = +1 (increase) or −1 (decrease), k = t − t0 and n = T − t0:

    .. math::

        P = d\,(V_t - V_0)/|V^* - V_0|, \qquad S = k/n, \qquad
        S_{geo} = \frac{(V^*/V_0)^{k/n} - 1}{V^*/V_0 - 1}

    ``completion`` is P capped at 1, and 1 whenever the target is met (met overrides the
    ratio). A change-vs-base target r [%] becomes the level V* = V0·(1 + r/100).

    *sequential* (完成进度 vs 序时进度): met → achieved; P < 0 → moving_away; otherwise P is
    compared with S (or S_geo with ``time_basis="geometric"``): above S + band → ahead, within
    ±band → on schedule, below → behind.

    *escap*: CSI = P (capped at 1 when met); V̂_T = Vt·(1 + g)^(T − t) with
    g = (Vt/V0)^(1/k) − 1 (linear when g is undefined); API = d·(V̂_T − V0)/|V* − V0|;
    Cr = g/g_req. Met → ``target_achieved``; API ≥ 1 → ``maintain_progress`` (on schedule);
    API > 0 → ``accelerate_progress`` (behind); else ``reverse_trend`` (moving away).

    *eurostat*: ratio = CAGR_actual/CAGR_required; ≥ 0.95 ``significant_progress`` (on
    schedule), ≥ 0.60 ``moderate_progress`` and ≥ 0 ``insufficient_progress`` (behind),
    < 0 ``movement_away``. A value that moved in the undesired direction and does not meet
    the target is ``movement_away`` whatever the ratio (the baseline-beyond-target pitfall).

    Rules for the other kinds (direction, non_increase, zero and equal baselines) are in
    ``docs/progress.md``.

    References
    ----------
    ``shared/reference/progress_methods.md`` sections 1 (ESCAP), 3 (Eurostat), 4 (序时进度).

    Examples
    --------
    十一五 energy intensity: −20 % by 2010, −15.61 % reached by 2009 (index 2005 = 100):

    >>> ev = evaluate(baseline=100, current=84.39, target=-20, baseline_year=2005, year=2009,
    ...               target_year=2010, direction="decrease", kind="change_vs_base")
    >>> round(ev.completion, 4), ev.time_elapsed, ev.status.value
    (0.7805, 0.8, 'behind_schedule')
    """
    direction_ = _parse_direction(direction)
    kind_: TargetKind = _parse_choice(TargetKind, kind, "kind")
    method_: Method = _parse_choice(Method, method, "method")
    opts = _parse_options(options, method_, kind_)
    v0 = _number(baseline, "baseline")
    vt = _number(current, "current")
    target_ = _number(target, "target")
    t0 = _year(baseline_year, "baseline_year")
    t = _year(year, "year")
    T = _year(target_year, "target_year")
    if t0 >= T:
        raise OptionError(f"target_year ({T}) must be after baseline_year ({t0}).")
    if kind_ is TargetKind.CUMULATIVE:
        if v0 not in (None, 0.0):
            raise OptionError(
                "A cumulative target counts additions from 0: pass baseline=0 (or None) and "
                "the sum of the annual additions since the baseline year as current."
            )
        v0 = 0.0
    if kind_ is TargetKind.ELIMINATION and target_ not in (None, 0.0):
        raise OptionError(f"An elimination target is zero; got target={target!r}.")
    if kind_ in (TargetKind.DIRECTION, TargetKind.NON_INCREASE) and target_ is not None:
        raise OptionError(f"kind={kind_.value!r} takes no target value; got target={target!r}.")
    if kind_ is TargetKind.ASSIGNED and target_ is not None:
        raise OptionError(
            "An assigned target with a value needs its kind: pass kind='change_vs_base' (a % "
            "change vs the baseline) or kind='level'."
        )

    notes: list[str] = []
    d = 1.0 if direction_ is Direction.INCREASE else -1.0
    bound = opts.bound
    aspirational = opts.aspirational or (bound is not None and bound.aspirational)
    k = t - t0
    n = T - t0
    time_elapsed = None if k < 0 else min(k / n, 1.0)
    if t > T:
        notes.append(f"year {t} is after the target year {T}: time elapsed is capped at 1")

    if kind_ is TargetKind.NON_INCREASE:
        v0, vt, series_notes = _non_increase_inputs(v0, vt, t0, t, opts.series)
        notes.extend(series_notes)

    level = _target_level(kind_, v0, target_, opts.full_level)
    base: dict[str, Any] = {
        "method": method_,
        "kind": kind_,
        "direction": direction_,
        "bound": bound,
        "aspirational": aspirational,
        "baseline": v0,
        "current": vt,
        "target": target_,
        "target_level": level,
        "baseline_year": t0,
        "year": t,
        "target_year": T,
        "time_elapsed": time_elapsed,
        "time_basis": opts.time_basis if method_ is Method.SEQUENTIAL else None,
        "options": opts.echo(method_),
    }
    if vt is not None and level is not None:
        base["gap"] = level - vt
        base["gap_relative"] = None if level == 0 else (level - vt) / abs(level)

    def finish(verdict: _Verdict) -> Evaluation:
        return Evaluation(
            **base,
            status=verdict.status,
            status_reason=verdict.reason,
            category=verdict.category,
            notes=tuple(notes),
        )

    reason = _unassessable(kind_, target_, v0, vt, t0, t)
    if reason:
        return finish(_Verdict(Status.NOT_ASSESSABLE, reason, "not_available"))
    assert v0 is not None and vt is not None  # checked by _unassessable

    # -- descriptive numbers -----------------------------------------------------------------
    years_left = T - t
    proj_kind = opts.projection or ("linear" if kind_ is TargetKind.CUMULATIVE else "cagr")
    projected, used, proj_note = _project(v0, vt, k, years_left, proj_kind, opts.zero_handling)
    if proj_note:
        notes.append(proj_note)
    if projected is not None and kind_ in (TargetKind.FULL_COVERAGE, TargetKind.THRESHOLD):
        projected = min(projected, opts.full_level)
    g = _cagr(v0, vt, k)
    base.update(
        projected=projected,
        projection=used,
        projected_gap=None if projected is None or level is None else level - projected,
        cagr_actual=_pct(g),
    )

    if kind_ is TargetKind.DIRECTION:
        return finish(_judge_direction(method_, opts, d, v0, vt, g, t >= T, notes))
    if kind_ is TargetKind.NON_INCREASE:
        verdict, base["met"] = _judge_non_increase(v0, vt, opts.series, t0, t, T, notes)
        return finish(verdict)

    assert level is not None  # every other kind has a level here
    g_req = _cagr(v0, level, n)
    met, met_reason = _meets(kind_, bound, opts.approx_tolerance, d, v0, vt, level)
    base.update(met=met, cagr_required=_pct(g_req))
    if years_left > 0 or met:
        base["required_annual_change"] = 0.0 if met else (level - vt) / years_left
        if kind_ is not TargetKind.CUMULATIVE:
            base["required_annual_rate"] = 0.0 if met else _pct(_cagr(vt, level, years_left))

    if abs(level - v0) <= _EPS * _scale(v0, level):
        if kind_ not in _INHERENT_LEVEL:
            return finish(
                _Verdict(
                    Status.NOT_ASSESSABLE,
                    "target equals baseline: the required change is zero, so completion is "
                    "undefined",
                    "not_available",
                )
            )
        # Already at 0 (or 100 %) at the baseline: only staying there counts.
        if met:
            base["completion"] = 1.0
            return finish(
                _Verdict(
                    Status.ACHIEVED, "the baseline was already at the target", "target_achieved"
                )
            )
        return finish(
            _Verdict(
                Status.MOVING_AWAY,
                "the baseline was at the target and the value has moved away from it",
                "movement_away",
            )
        )

    raw = d * (vt - v0) / abs(level - v0)
    s_geo = _geometric_schedule(v0, level, k, n)
    base.update(
        completion_raw=raw,
        completion=1.0 if met else min(raw, 1.0),
        time_elapsed_geometric=s_geo,
    )
    if d * (level - v0) < 0:
        notes.append("the baseline already met the target")
    if aspirational and not met:
        notes.append("aspirational target (力争): a miss is not a breach of a binding target")
    if met_reason and not met:
        notes.append(met_reason)

    if method_ is Method.SEQUENTIAL:
        schedule = time_elapsed
        if opts.time_basis == "geometric":
            if s_geo is None:
                notes.append(
                    "geometric time basis undefined (zero or negative values): linear used"
                )
            else:
                schedule = s_geo
        base["schedule"] = schedule
        assert schedule is not None  # k > 0 here
        if met:
            return finish(_Verdict(Status.ACHIEVED, met_reason or _MET, Status.ACHIEVED.value))
        return finish(_judge_sequential(raw, schedule, opts.schedule_tolerance))

    if method_ is Method.ESCAP:
        # After the target year the anticipated value is the latest one.
        anticipated = vt if years_left < 0 else projected
        api = None if anticipated is None else d * (anticipated - v0) / abs(level - v0)
        base.update(
            csi=base["completion"],
            api=api,
            cr=None if g is None or not g_req else g / g_req,
        )
        if met:
            return finish(_Verdict(Status.ACHIEVED, met_reason or _MET, "target_achieved"))
        return finish(_judge_escap(api, opts.thresholds))

    ratio: float | None = None
    if g is not None and g_req and level > 0:
        ratio = g / g_req
    elif opts.zero_handling == "linear":
        # A growth rate never reaches zero: a zero target also uses linear rates.
        ratio = ((vt - v0) / k) / ((level - v0) / n)
        notes.append(
            "growth rates undefined (zero or negative values, or a zero target): "
            "ratio of linear rates"
        )
    base["ratio"] = ratio
    if met:
        return finish(_Verdict(Status.ACHIEVED, met_reason or _MET, "target_achieved"))
    worse = d * (vt - v0) < -_EPS * _scale(v0, vt)
    return finish(_judge_eurostat(ratio, worse, opts.thresholds))


_MET = "the current value meets the target"


class _Verdict(NamedTuple):
    """A status, why, and the method's own category."""

    status: Status
    reason: str
    category: str


def _unassessable(
    kind: TargetKind,
    target: float | None,
    v0: float | None,
    vt: float | None,
    t0: int | float,
    t: int | float,
) -> str:
    """Return why the question cannot be answered, or "" when it can."""
    if kind is TargetKind.ASSIGNED:
        return (
            "target not set: the province assigns it (set it with "
            "greenplan.targets.with_values or with_presets)"
        )
    if target is None and kind in (
        TargetKind.LEVEL,
        TargetKind.CHANGE_VS_BASE,
        TargetKind.CUMULATIVE,
    ):
        return "target not set"
    if vt is None:
        return "no data: the current value is missing"
    if v0 is None:
        return "no data: the baseline value is missing"
    if t < t0:
        return f"year {t} is before the baseline year {t0}"
    if t == t0:
        return f"no time elapsed: year {t} is the baseline year"
    if kind is TargetKind.CHANGE_VS_BASE and v0 == 0:
        return "baseline is zero: a change relative to it is undefined"
    return ""


def _target_level(
    kind: TargetKind, v0: float | None, target: float | None, full_level: float
) -> float | None:
    """Return V*, the target as a level in indicator units (None when there is none)."""
    if kind is TargetKind.CHANGE_VS_BASE:
        return None if v0 is None or target is None else v0 * (1.0 + target / 100.0)
    if kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE):
        return target
    if kind is TargetKind.FULL_COVERAGE:
        return full_level if target is None else target
    if kind is TargetKind.THRESHOLD:
        return full_level
    if kind is TargetKind.ELIMINATION:
        return 0.0
    if kind is TargetKind.NON_INCREASE:
        return v0
    return None  # direction, assigned


def _meets(
    kind: TargetKind,
    bound: Bound | None,
    tolerance: float,
    d: float,
    v0: float,
    vt: float,
    level: float,
) -> tuple[bool, str]:
    """Return whether Vt meets V*, with the reason when a bound's rule decided it."""
    eps = _EPS * _scale(v0, vt, level)
    margin = d * (vt - level)  # ≥ 0: at or beyond the target
    comparison = bound.comparison if bound is not None else None
    if comparison in ("below", "above") and kind not in (
        TargetKind.THRESHOLD,
        TargetKind.FULL_COVERAGE,
    ):
        met = margin > eps
        return met, "" if met or margin < -eps else "equals the target, but the bound is strict"
    if margin >= -eps:
        return True, ""
    if comparison == "approximately":
        stated = abs(level - v0) if kind is TargetKind.CHANGE_VS_BASE else abs(level)
        if margin >= -(tolerance * stated) - eps:
            return True, f"within {tolerance * 100:g} % of the target (左右, approximately)"
    return False, ""


def _project(
    v0: float, vt: float, k: float, years_left: float, how: str, zero_handling: str
) -> tuple[float | None, str | None, str]:
    """Project the value to the target year: (value, method used, note)."""
    if years_left < 0:
        return None, None, "year is after the target year: no projection"
    note = ""
    if how == "cagr":
        g = _cagr(v0, vt, k)
        growth = None if g is None else _power(1.0 + g, years_left)
        if growth is not None:
            return vt * growth, "cagr", ""
        if zero_handling == "not_assessable":
            return (
                None,
                None,
                "growth rate undefined (zero, negative or tiny values): no projection",
            )
        note = "growth rate undefined (zero, negative or tiny values): linear projection used"
    value = vt + (vt - v0) / k * years_left
    if v0 >= 0 and vt >= 0:
        value = max(value, 0.0)
    return value, "linear", note


def _judge_sequential(raw: float, schedule: float, band: float) -> _Verdict:
    """完成进度 P against 序时进度 S, for a target not met."""
    if raw < -_EPS:
        return _Verdict(
            Status.MOVING_AWAY,
            "moved away from the target since the baseline",
            Status.MOVING_AWAY.value,
        )
    p = min(raw, 1.0)
    if schedule >= 1.0:
        return _Verdict(
            Status.BEHIND_SCHEDULE,
            f"the target year has come and the target is not met (completion {p:.1%})",
            Status.BEHIND_SCHEDULE.value,
        )
    if p > schedule + band + _EPS:
        status, sign = Status.AHEAD_OF_SCHEDULE, ">"
    elif p >= schedule - band - _EPS:
        status, sign = Status.ON_SCHEDULE, "≈"
    else:
        status, sign = Status.BEHIND_SCHEDULE, "<"
    return _Verdict(status, f"completion {p:.1%} {sign} time elapsed {schedule:.1%}", status.value)


def _judge_escap(api: float | None, thresholds: tuple[float, ...]) -> _Verdict:
    """ESCAP categories on the Anticipated Progress Index, for a target not met."""
    on_track, regress = thresholds
    if api is None:
        return _Verdict(
            Status.NOT_ASSESSABLE,
            "no projection: the growth rate is undefined (zero or negative values)",
            "not_available",
        )
    if api >= on_track - _EPS:
        return _Verdict(
            Status.ON_SCHEDULE,
            f"API {api:.3f} ≥ {on_track:g}: projected to meet the target",
            "maintain_progress",
        )
    if api > regress + _EPS:
        return _Verdict(
            Status.BEHIND_SCHEDULE,
            f"API {api:.3f} < {on_track:g}: progress must accelerate",
            "accelerate_progress",
        )
    return _Verdict(
        Status.MOVING_AWAY, f"API {api:.3f} ≤ {regress:g}: the trend must reverse", "reverse_trend"
    )


def _judge_eurostat(ratio: float | None, worse: bool, thresholds: tuple[float, ...]) -> _Verdict:
    """Eurostat categories on the growth-rate ratio, for a target not met."""
    significant, moderate, zero = thresholds
    if worse:
        return _Verdict(
            Status.MOVING_AWAY,
            "moved in the undesired direction and the target is not met",
            "movement_away",
        )
    if ratio is None:
        return _Verdict(
            Status.NOT_ASSESSABLE,
            "growth rates undefined (zero or negative values)",
            "not_available",
        )
    if ratio >= significant - _EPS:
        return _Verdict(
            Status.ON_SCHEDULE, f"ratio {ratio:.3f} ≥ {significant:g}", "significant_progress"
        )
    if ratio >= moderate - _EPS:
        return _Verdict(
            Status.BEHIND_SCHEDULE, f"ratio {ratio:.3f} < {significant:g}", "moderate_progress"
        )
    if ratio >= zero - _EPS:
        return _Verdict(
            Status.BEHIND_SCHEDULE, f"ratio {ratio:.3f} < {moderate:g}", "insufficient_progress"
        )
    return _Verdict(Status.MOVING_AWAY, f"ratio {ratio:.3f} < {zero:g}", "movement_away")


def _judge_direction(
    method: Method,
    opts: _Options,
    d: float,
    v0: float,
    vt: float,
    g: float | None,
    done: bool,
    notes: list[str],
) -> _Verdict:
    """Judge a direction without a number (明显下降) on its sign (or the Eurostat trend)."""
    good = Status.ACHIEVED if done else Status.ON_SCHEDULE
    if method is Method.EUROSTAT and g is not None:
        rate = d * g * 100.0
        significant, zero, away = opts.trend_thresholds
        text = f"direction-adjusted growth {rate:.2f} %/yr"
        if rate > significant + _EPS:
            return _Verdict(good, f"{text} > {significant:g}", "significant_progress")
        if rate > zero + _EPS:
            return _Verdict(
                Status.BEHIND_SCHEDULE, f"{text} ≤ {significant:g}", "moderate_progress"
            )
        if rate >= away - _EPS:
            return _Verdict(Status.MOVING_AWAY, f"{text} ≤ {zero:g}", "moderate_movement_away")
        return _Verdict(Status.MOVING_AWAY, f"{text} < {away:g}", "significant_movement_away")
    if method is Method.EUROSTAT:
        notes.append("growth rate undefined (zero or negative values): judged on the sign")
    change = d * (vt - v0)
    eps = _EPS * _scale(v0, vt)
    if change > eps:
        return _Verdict(good, "moved in the desired direction", "desired_direction")
    if change >= -eps:
        return _Verdict(Status.BEHIND_SCHEDULE, "no change since the baseline", "no_change")
    return _Verdict(Status.MOVING_AWAY, "moved in the undesired direction", "undesired_direction")


def _non_increase_inputs(
    v0: float | None,
    vt: float | None,
    t0: int | float,
    t: int | float,
    series: Mapping[Any, Any] | None,
) -> tuple[float | None, float | None, list[str]]:
    """Fill V0 and Vt from ``series`` where they are not given, checking agreement."""
    if series is None:
        return v0, vt, []
    values = {_year(y, "series year"): _number(v, f"series[{y!r}]") for y, v in series.items()}
    for name, given, y in (("baseline", v0, t0), ("current", vt, t)):
        other = values.get(y)
        if given is not None and other is not None and not math.isclose(given, other, rel_tol=_EPS):
            raise OptionError(f"{name} {given:g} disagrees with series[{y}] = {other:g}.")
    missing = sorted(y for y, v in values.items() if v is None and t0 < y <= t)
    notes = [f"no value for {', '.join(map(str, missing))}: skipped"] if missing else []
    return (values.get(t0) if v0 is None else v0), (values.get(t) if vt is None else vt), notes


def _judge_non_increase(
    v0: float,
    vt: float,
    series: Mapping[Any, Any] | None,
    t0: int | float,
    t: int | float,
    T: int | float,
    notes: list[str],
) -> tuple[_Verdict, bool]:
    """只减不增: no year above the year before (hence none above the baseline); (verdict, met)."""
    points: dict[int | float, float] = {}
    if series is None:
        notes.append("no yearly series given: only the latest value was compared with the baseline")
    else:
        for y, v in series.items():
            year, value = _year(y, "series year"), _number(v, f"series[{y!r}]")
            if value is not None and t0 < year <= t:
                points[year] = value
    points[t] = vt
    breaches = []
    prev_year, prev = t0, v0
    for year in sorted(points):
        value = points[year]
        if value - prev > _EPS * _scale(value, prev):
            breaches.append(f"{year}: {value:g} > {prev:g} ({prev_year})")
        prev_year, prev = year, value
    if breaches:
        return _Verdict(Status.MOVING_AWAY, "rose: " + "; ".join(breaches), "non_compliant"), False
    if t >= T:
        return _Verdict(Status.ACHIEVED, "no rise in any year", "compliant"), True
    return _Verdict(Status.ON_SCHEDULE, "no rise so far", "compliant"), True


# --------------------------------------------------------------------------------------------
# assess
# --------------------------------------------------------------------------------------------

_VALUE_COLUMNS = ("region", "year", "indicator", "value", "unit")
_DEFAULT_TARGET_YEAR = 2025
_ROW_OPTIONS = frozenset({"bound", "aspirational", "series"})


@dataclass(frozen=True)
class _Series:
    """One (indicator, region) series: years ascending, values in one unit."""

    values: pd.Series
    unit: str | None
    notes: tuple[str, ...] = ()
    problem: str = ""


def assess(
    values: pd.DataFrame,
    year: int | None = None,
    targets: Mapping[str, Target] | Iterable[str | Target] | None = None,
    method: Method | str = "sequential",
    **options: Unpack[AssessOptions],
) -> pd.DataFrame:
    """Assess every target for every region of an indicator table.

    Parameters
    ----------
    values : pandas.DataFrame
        The output of :func:`greenplan.compute`: a long table with columns ``region``,
        ``year``, ``indicator``, ``value``, ``unit`` (extra columns are ignored). Rows with a
        missing value are ignored. For ``cumulative`` targets the indicator holds the
        *annual* additions.
    year : int, optional
        Assess as of this year: the latest value is taken in ``year`` or the latest year
        before it with data. Default: the latest year with data, per series.
    targets : mapping, iterable or None
        Targets to assess: None for :data:`greenplan.targets.TARGETS`; a mapping
        ``{key: Target}`` (e.g. from :func:`greenplan.targets.with_presets`); or an iterable of
        keys (looked up in ``TARGETS`` and ``SUPPLEMENTARY_TARGETS``) and/or ``Target`` objects.
    method : {"sequential", "escap", "eurostat"}, default "sequential"
        Assessment method (see :func:`evaluate`).
    **options
        Options of :func:`evaluate` (:class:`AssessOptions`). ``bound`` and ``aspirational``
        come from each Target and ``series`` from the data, so they cannot be passed.

    Returns
    -------
    pandas.DataFrame
        One row per (target, region), targets in the given order, regions in
        :data:`greenplan.regions.REGIONS` order (others after, as first seen), with the
        columns :data:`ASSESS_COLUMNS`. ``status`` holds the :class:`Status` value;
        ``required_annual_change`` is in indicator units per year; ``notes`` explains the
        status and every fallback. ``df.attrs["greenplan"]`` records the method, the year and
        the options. Use :func:`style` for a coloured notebook display.

    Raises
    ------
    OptionError
        Missing columns, conflicting duplicate rows, an unknown target key, or a bad method or
        option.

    Notes
    -----
    Per target and region: the baseline is the value in the target's base year (2020); if
    missing, the earliest later year with data (before the latest), else the plan's own 2020
    figure (``Target.baseline``), each said in ``notes``. Cumulative targets sum the annual
    additions after the base year; ``non_increase`` targets use the whole series. Units are
    reconciled with :mod:`greenplan.units`: a target or plan baseline in another unit of the
    same dimension is converted to the data's unit.

    Examples
    --------
    >>> import pandas as pd
    >>> from greenplan.progress import assess
    >>> values = pd.DataFrame({  # synthetic
    ...     "region": "济南市", "year": [2020, 2023], "indicator": "forest_coverage",
    ...     "value": [11.4, 12.5], "unit": "%"})
    >>> df = assess(values, targets=["forest_coverage"])
    >>> df.loc[0, "status"], round(float(df.loc[0, "completion"]), 4)  # 1.1/2.28
    ('behind_schedule', 0.4825)
    """
    method_: Method = _parse_choice(Method, method, "method")
    fixed = sorted(_ROW_OPTIONS & set(options))
    if fixed:
        raise OptionError(
            f"Option(s) {', '.join(map(repr, fixed))} cannot be passed to assess: bound and "
            "aspirational come from each Target, series from the data."
        )
    _parse_options(options, method_, None)  # unknown names and bad values raise here
    as_of = None if year is None else _year(year, "year")
    frame = _check_values(values)
    tmap = _resolve_targets(targets)
    wanted = {t.indicator for t in tmap.values()}
    preferred = {
        t.indicator: t.unit
        for t in tmap.values()
        if t.unit and t.kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.FULL_COVERAGE)
    }
    series = _split_series(frame[frame["indicator"].isin(wanted)], preferred)
    regions = _ordered_regions(frame["region"])
    rows = [
        _assess_one(target, region, series.get((target.indicator, region)), as_of, method_, options)
        for target in tmap.values()
        for region in regions
    ]
    df = pd.DataFrame(rows, columns=list(ASSESS_COLUMNS))
    for col in ("baseline_year", "latest_year", "target_year"):
        years = pd.to_numeric(df[col], errors="coerce").astype("float64")
        whole = bool((years.dropna() % 1 == 0).all())
        df[col] = years.astype("Int64") if whole else years  # fractions: within-year reporting
    for col in (
        "baseline",
        "latest",
        "target",
        "target_level",
        "gap",
        "gap_relative",
        "completion",
        "time_elapsed",
        "required_annual_change",
        "projected",
        "projected_gap",
    ):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    df["aspirational"] = df["aspirational"].astype(bool)
    df.attrs["greenplan"] = {
        "method": method_.value,
        "year": as_of,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
    }
    return df


def _check_values(values: Any) -> pd.DataFrame:
    if not isinstance(values, pd.DataFrame):
        raise OptionError(
            f"values must be a pandas DataFrame (the output of greenplan.compute), "
            f"got {type(values).__name__}."
        )
    missing = [c for c in _VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise OptionError(
            f"values lacks column(s) {', '.join(missing)}; expected {', '.join(_VALUE_COLUMNS)}."
        )
    frame = values.loc[:, list(_VALUE_COLUMNS)].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame = frame[frame["value"].notna() & frame["year"].notna()]
    frame["unit"] = frame["unit"].where(frame["unit"].notna(), "").astype(str).str.strip()
    keys = ["indicator", "region", "year"]
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        conflicts = frame[dup].groupby(keys, sort=False)["value"].nunique()
        conflicts = conflicts[conflicts > 1]
        if len(conflicts):
            first = conflicts.index[0]
            raise OptionError(
                f"values has {len(conflicts)} (indicator, region, year) with different values, "
                f"e.g. {first}; filter the table (scenario, option columns) first."
            )
        frame = frame.drop_duplicates(keys)
    return frame


def _resolve_targets(targets: Any) -> dict[str, Target]:
    from greenplan.targets import SUPPLEMENTARY_TARGETS, TARGETS

    if targets is None:
        return dict(TARGETS)
    if isinstance(targets, Mapping):
        out = dict(targets)
        bad = [k for k, v in out.items() if not isinstance(v, Target)]
        if bad:
            raise OptionError(f"targets[{bad[0]!r}] is not a greenplan Target.")
        return out
    if isinstance(targets, str | Target):
        targets = [targets]
    known = {**dict(TARGETS), **dict(SUPPLEMENTARY_TARGETS)}
    out = {}
    for item in targets:
        if isinstance(item, Target):
            out[item.key] = item
        elif item in known:
            out[item] = known[item]
        else:
            import difflib

            close = difflib.get_close_matches(str(item), list(known), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise OptionError(f"Unknown target {item!r}.{hint}")
    return out


def _ordered_regions(regions: pd.Series) -> list[str]:
    from greenplan.regions import CITY, REGIONS

    present = list(dict.fromkeys(regions.astype(str)))
    if not present:
        return [CITY]
    order = {code: i for i, code in enumerate(REGIONS)}
    return sorted(present, key=lambda r: (order.get(r, len(order)), present.index(r)))


def _split_series(
    frame: pd.DataFrame, preferred: Mapping[str, str]
) -> dict[tuple[str, str], _Series]:
    """Split the table into (indicator, region) series, each in one unit.

    A series reported in several units is converted to the target's unit when it is one of
    them, else to its most frequent unit.
    """
    out: dict[tuple[str, str], _Series] = {}
    for (indicator, region), grp in frame.groupby(["indicator", "region"], sort=False):
        grp = grp.sort_values("year")
        values = pd.Series(grp["value"].to_numpy(float), index=grp["year"].to_numpy())
        units = [u for u in grp["unit"] if u]
        if len(set(units)) <= 1:
            out[(str(indicator), str(region))] = _Series(values, units[0] if units else None)
            continue
        main = preferred.get(str(indicator), "")
        if main not in units:
            main = max(dict.fromkeys(units), key=units.count)
        try:
            factors = [_factor(u, main) if u else 1.0 for u in grp["unit"]]
        except UnitError as exc:
            out[(str(indicator), str(region))] = _Series(
                values, main, problem=f"mixed units in the data: {exc}"
            )
            continue
        values = pd.Series(grp["value"].to_numpy(float) * factors, index=grp["year"].to_numpy())
        note = f"values in {', '.join(sorted(set(units) - {main}))} converted to {main}"
        out[(str(indicator), str(region))] = _Series(values, main, notes=(note,))
    return out


def _factor(from_unit: str, to_unit: str) -> float:
    from greenplan.units import factor

    return 1.0 if from_unit == to_unit else factor(from_unit, to_unit)


def _year_int(y: Any) -> int | float:
    y = float(y)
    return int(y) if y.is_integer() else y


def _assess_one(
    target: Target,
    region: str,
    data: _Series | None,
    as_of: int | float | None,
    method: Method,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """One output row: pick baseline and latest from the data, then :func:`evaluate`."""
    kind = target.kind
    notes: list[str] = []
    T = target.year
    if T is None:
        T = _DEFAULT_TARGET_YEAR
        notes.append(f"no target year in the plan: assessed against {T}, the end of the plan")
    row: dict[str, Any] = dict.fromkeys(ASSESS_COLUMNS)
    row.update(
        key=target.key,
        indicator=target.indicator,
        region=region,
        section=target.section,
        name_zh=target.name_zh,
        name_en=target.name_en,
        kind=kind.value,
        bound=target.bound.value,
        aspirational=target.aspirational,
        target_year=T,
        target=target.value,
        method=method.value,
        unit=(data.unit if data is not None else None)
        or (target.unit if kind in (TargetKind.LEVEL, TargetKind.CUMULATIVE) else None)
        or None,
    )
    if kind is TargetKind.ASSIGNED and target.value is None and target.presets:
        notes.append(f"presets: {', '.join(target.presets)} (greenplan.targets.with_presets)")
    if data is not None:
        notes.extend(data.notes)

    def na(reason: str) -> dict[str, Any]:
        row.update(
            status=Status.NOT_ASSESSABLE.value,
            status_zh=STATUS_LABELS[Status.NOT_ASSESSABLE]["zh"],
            status_en=STATUS_LABELS[Status.NOT_ASSESSABLE]["en"],
            notes="; ".join([reason, *notes]),
        )
        return row

    if kind is TargetKind.ASSIGNED and target.value is None:
        if data is None:
            notes.append(f"no data for {target.indicator}")
        return na("target not set: the province assigns it")
    if target.direction is Direction.NONE:
        return na("the target has no direction")
    if data is None or data.values.empty:
        if target.baseline is not None:
            # Show what the plan itself says of 2020, even with nothing to compare it with.
            b = target.baseline
            qualifier = f", {b.qualifier}" if b.qualifier else ""
            row.update(baseline_year=b.year, baseline=b.value, unit=row["unit"] or b.unit)
            notes.append(f"baseline as stated in the plan ({b.section}{qualifier})")
        return na(f"no data for {target.indicator} in {region}")
    if data.problem:
        return na(data.problem)

    s = data.values
    avail = s if as_of is None else s[s.index <= as_of]
    if avail.empty:
        return na(f"no data for {target.indicator} up to {as_of}")
    t0 = target.base_year
    extra: dict[str, Any] = {}
    try:
        target_value = _target_in_data_unit(target, data.unit, notes)
        full = _full_level(kind, data.unit, options)
    except UnitError as exc:
        return na(f"unit mismatch: {exc}")
    if full is not None:
        extra["full_level"] = full

    baseline_year: int | float
    if kind is TargetKind.CUMULATIVE:
        adds = avail[avail.index > t0]
        if adds.empty:
            return na(f"no data: no annual additions after {t0}")
        latest_year = _year_int(adds.index.max())
        missing = sorted(set(range(int(t0) + 1, int(latest_year) + 1)) - set(adds.index))
        if missing:
            notes.append(f"no additions reported for {', '.join(map(str, missing))}")
        baseline_year, baseline, latest = t0, 0.0, float(adds.sum())
        notes.append(f"cumulative additions {t0 + 1}–{latest_year}")
    else:
        latest_year = _year_int(avail.index.max())
        latest = float(avail.iloc[-1])
        if latest_year <= t0:
            # A value of the base year (or before) is a baseline, not progress.
            if latest_year == t0:
                row.update(baseline_year=latest_year, baseline=latest)
            else:
                row.update(latest_year=latest_year, latest=latest)
            return na(f"no data after the base year {t0}")
        picked = _pick_baseline(target, s, t0, latest_year, data.unit, notes)
        if picked is None:
            row.update(latest_year=latest_year, latest=latest)
            return na(f"no data: no baseline value for {t0} (and no earlier year to use)")
        baseline_year, baseline = picked
        if kind is TargetKind.NON_INCREASE:
            extra["series"] = {
                _year_int(y): float(v)
                for y, v in zip(avail.index.to_numpy(), avail.to_numpy(), strict=True)
                if float(y) > baseline_year
            }
            extra["series"][baseline_year] = baseline

    ev = evaluate(
        baseline=baseline,
        current=latest,
        target=target_value,
        baseline_year=baseline_year,
        year=latest_year,
        target_year=T,
        direction=target.direction,
        kind=kind,
        method=method,
        bound=target.bound,
        aspirational=target.aspirational,
        **{**options, **extra},
    )
    reason = [ev.status_reason] if ev.status_reason else []
    row.update(
        baseline_year=ev.baseline_year,
        baseline=ev.baseline,
        latest_year=ev.year,
        latest=ev.current,
        target_level=ev.target_level,
        gap=ev.gap,
        gap_relative=ev.gap_relative,
        completion=ev.completion,
        time_elapsed=ev.time_elapsed,
        status=ev.status.value,
        status_zh=ev.status_zh,
        status_en=ev.status_en,
        required_annual_change=ev.required_annual_change,
        projected=ev.projected,
        projected_gap=ev.projected_gap,
        notes="; ".join([*reason, *notes, *ev.notes]),
    )
    return row


def _target_in_data_unit(target: Target, unit: str | None, notes: list[str]) -> float | None:
    """Return the target value in the data's unit (level, cumulative, full coverage)."""
    value = target.value
    if (
        value is None
        or not unit
        or not target.unit
        or target.kind not in (TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.FULL_COVERAGE)
        or target.unit == unit
    ):
        return value
    f = _factor(target.unit, unit)
    if f != 1.0:
        notes.append(f"target {value:g} {target.unit} converted to {value * f:g} {unit}")
    return value * f


def _full_level(kind: TargetKind, unit: str | None, options: Mapping[str, Any]) -> float | None:
    """100 % expressed in the data's unit (1.0 for fractions), unless the caller set it."""
    if kind not in (TargetKind.FULL_COVERAGE, TargetKind.THRESHOLD) or "full_level" in options:
        return None
    if not unit or unit == "%":
        return None
    return 100.0 * _factor("%", unit)


def _pick_baseline(
    target: Target,
    s: pd.Series,
    t0: int,
    latest_year: int | float,
    unit: str | None,
    notes: list[str],
) -> tuple[int | float, float] | None:
    """(year, value) of the baseline: data in t0, else a later year, else the plan's figure."""
    if t0 in s.index and t0 <= latest_year:
        return t0, float(s[t0])
    later = s[(s.index > t0) & (s.index < latest_year)]
    if not later.empty:
        year = _year_int(later.index[0])
        notes.append(f"no {t0} value: baseline taken from {year}, the earliest later year")
        return year, float(later.iloc[0])
    plan = target.baseline
    if plan is not None and plan.year == t0 and latest_year > t0:
        value = plan.value
        if unit and plan.unit and plan.unit != unit:
            try:
                value *= _factor(plan.unit, unit)
            except UnitError:
                return None
        qualifier = {
            "above": " (超过: the true value is higher)",
            "approximately": " (级/左右: approximate)",
        }.get(plan.qualifier, "")
        notes.append(
            f"no {t0} value in the data: baseline {plan.value:g} {plan.unit} from the plan "
            f"({plan.section}){qualifier}"
        )
        return t0, value
    return None


# --------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------


def style(df: pd.DataFrame) -> Styler:
    """Return a pandas Styler of an :func:`assess` table, coloured by status.

    Parameters
    ----------
    df : pandas.DataFrame
        The output of :func:`assess` (any subset of its columns that keeps ``status``).

    Returns
    -------
    pandas.io.formats.style.Styler
        Status cells (``status``, ``status_zh``, ``status_en``) coloured by
        :data:`STATUS_COLOURS`; shares (completion, time elapsed, relative gap) as
        percentages; missing values as "–"; index hidden.

    Raises
    ------
    OptionError
        ``df`` has no ``status`` column.
    ImportError
        Jinja2, which pandas needs for Styler, is not installed (``pip install jinja2``).

    Examples
    --------
    >>> style(assess(values))  # doctest: +SKIP
    """
    if "status" not in df.columns:
        raise OptionError("style() needs the output of assess(): no 'status' column.")
    try:
        styler = df.style
    except ImportError as exc:
        raise ImportError(
            "greenplan.progress.style needs Jinja2 for pandas' Styler: pip install jinja2 "
            "(assess() itself does not need it)."
        ) from exc
    status_cols = [c for c in ("status", "status_zh", "status_en") if c in df.columns]

    def colour(row: pd.Series) -> list[str]:
        try:
            bg = STATUS_COLOURS[Status(row["status"])]
        except ValueError:
            bg = ""
        css = f"background-color: {bg}" if bg else ""
        return [css if c in status_cols else "" for c in row.index]

    shares: list[Any] = [c for c in ("completion", "time_elapsed", "gap_relative") if c in df]
    styler = styler.apply(colour, axis=1).format(na_rep="–", precision=2)
    if shares:
        styler = styler.format("{:.1%}", subset=shares, na_rep="–")
    return styler.hide(axis="index")

"""The assessment methods and their arithmetic: completion, schedule, projection, verdicts.

*sequential* (完成进度 vs 序时进度, Chinese plan-evaluation practice), *escap* (UN ESCAP
Current Status and Anticipated Progress indices) and *eurostat* (ratio of the actual to the
required growth rate) each turn the numbers of one series into a :class:`Verdict`; the rules
for targets without a number (direction, 只减不增) are here too. Every function is pure
arithmetic on floats and returns None where a quantity is undefined.

References
----------
.. [1] UN ESCAP, *Asia and the Pacific SDG Progress Report 2025*, Annex 1 "Technical notes –
   methodology to measure progress", pp. 55–59 (Current Status Index, Anticipated Progress
   Index; categories maintain / accelerate / reverse).
.. [2] Eurostat, *Sustainable development in the European Union: monitoring report on progress
   towards the SDGs in an EU context* (2023 edition), introduction, methodology: ratio of the
   actual to the required growth rate, cut-points 95 % / 60 % / 0; ±1 %/yr without a target.
.. [3] 国家发展改革委, 《关于开展“十三五”规划实施中期评估工作的通知》(发改规划〔2018〕238号);
   the national 十四五 mid-term evaluation report to the NPC Standing Committee (2023-12-26):
   完成进度 compared with 序时进度 (提前实现 / 快于预期 / 基本符合 / 滞后). The cut-points of
   the sequential method are greenplan's reading of this practice; no national formula is
   published.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from greenplan.definitions import Bound, TargetKind
from greenplan.errors import OptionError
from greenplan.messages import msg
from greenplan.progress.options import Options, number, year_of
from greenplan.progress.status import Method, Status

EPS = 1e-9
"""Relative tolerance of the comparisons (absorbs floating-point noise, e.g. 50 × 0.84)."""

INHERENT_LEVEL = frozenset({TargetKind.FULL_COVERAGE, TargetKind.ELIMINATION, TargetKind.THRESHOLD})
"""Kinds whose level is fixed by the kind (100 % or 0): the baseline may already be there."""

MET = "the current value meets the target"


class Verdict(NamedTuple):
    """A status, why, and the method's own category."""

    status: Status
    reason: str
    category: str


def not_available(reason: str) -> Verdict:
    """Return the verdict on a target that cannot be assessed, with the reason."""
    return Verdict(Status.NOT_ASSESSABLE, reason, "not_available")


def power(base: float, exponent: float) -> float | None:
    """Return ``base ** exponent``, or None when it overflows or is not finite."""
    try:
        x = base**exponent
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def cagr(start: float, end: float, years: float) -> float | None:
    """(end/start)^(1/years) − 1 as a fraction per year, or None when undefined."""
    if years <= 0 or start <= 0 or end < 0:
        return None
    q = power(end / start, 1.0 / years)
    return None if q is None else q - 1.0


def pct(x: float | None) -> float | None:
    """Return a fraction as a percentage (None stays None)."""
    return None if x is None else x * 100.0


def geometric_schedule(v0: float, level: float, k: float, n: float) -> float | None:
    """S_geo = ((V*/V0)^(k/n) − 1)/(V*/V0 − 1): the share of the change due on a compound path."""
    if v0 <= 0 or level <= 0 or k < 0 or math.isclose(level, v0, rel_tol=EPS):
        return None
    q = level / v0
    step = power(q, min(k, n) / n)
    if step is None or not math.isfinite(q):
        return None
    return (step - 1.0) / (q - 1.0)


def scale(*values: float | None) -> float:
    """Return the largest magnitude of the values given (None ignored) [indicator unit]."""
    return max((abs(v) for v in values if v is not None), default=0.0)


def unassessable(
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


def target_level(
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


def meets(
    kind: TargetKind,
    bound: Bound | None,
    tolerance: float,
    d: float,
    v0: float,
    vt: float,
    level: float,
) -> tuple[bool, str]:
    """Return whether Vt meets V*, with the reason when a bound's rule decided it."""
    eps = EPS * scale(v0, vt, level)
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


def project(
    v0: float, vt: float, k: float, years_left: float, how: str, zero_handling: str
) -> tuple[float | None, str | None, str]:
    """Project the value to the target year: (value, method used, note)."""
    if years_left < 0:
        return None, None, "year is after the target year: no projection"
    note = ""
    if how == "cagr":
        g = cagr(v0, vt, k)
        growth = None if g is None else power(1.0 + g, years_left)
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


def _judge_sequential(raw: float, schedule: float, band: float) -> Verdict:
    """完成进度 P against 序时进度 S, for a target not met."""
    if raw < -EPS:
        return Verdict(
            Status.MOVING_AWAY,
            "moved away from the target since the baseline",
            Status.MOVING_AWAY.value,
        )
    p = min(raw, 1.0)
    if schedule >= 1.0:
        return Verdict(
            Status.NOT_ACHIEVED,
            f"the target year has come and the target is not met (completion {p:.1%})",
            Status.NOT_ACHIEVED.value,
        )
    if p > schedule + band + EPS:
        status, sign = Status.AHEAD_OF_SCHEDULE, ">"
    elif p >= schedule - band - EPS:
        status, sign = Status.ON_SCHEDULE, "≈"
    else:
        status, sign = Status.BEHIND_SCHEDULE, "<"
    return Verdict(status, f"completion {p:.1%} {sign} time elapsed {schedule:.1%}", status.value)


def _judge_escap(api: float | None, thresholds: tuple[float, ...]) -> Verdict:
    """ESCAP categories on the Anticipated Progress Index, for a target not met."""
    on_track, regress = thresholds
    if api is None:
        return not_available(
            "no projection: the growth rate is undefined (zero or negative values)"
        )
    if api >= on_track - EPS:
        return Verdict(
            Status.ON_SCHEDULE,
            f"API {api:.3f} ≥ {on_track:g}: projected to meet the target",
            "maintain_progress",
        )
    if api > regress + EPS:
        return Verdict(
            Status.BEHIND_SCHEDULE,
            f"API {api:.3f} < {on_track:g}: progress must accelerate",
            "accelerate_progress",
        )
    return Verdict(
        Status.MOVING_AWAY, f"API {api:.3f} ≤ {regress:g}: the trend must reverse", "reverse_trend"
    )


def _judge_eurostat(ratio: float | None, worse: bool, thresholds: tuple[float, ...]) -> Verdict:
    """Eurostat categories on the growth-rate ratio, for a target not met."""
    significant, moderate, zero = thresholds
    if worse:
        return Verdict(
            Status.MOVING_AWAY,
            "moved in the undesired direction and the target is not met",
            "movement_away",
        )
    if ratio is None:
        return not_available("growth rates undefined (zero or negative values)")
    if ratio >= significant - EPS:
        return Verdict(
            Status.ON_SCHEDULE, f"ratio {ratio:.3f} ≥ {significant:g}", "significant_progress"
        )
    if ratio >= moderate - EPS:
        return Verdict(
            Status.BEHIND_SCHEDULE, f"ratio {ratio:.3f} < {significant:g}", "moderate_progress"
        )
    if ratio >= zero - EPS:
        return Verdict(
            Status.BEHIND_SCHEDULE, f"ratio {ratio:.3f} < {moderate:g}", "insufficient_progress"
        )
    return Verdict(Status.MOVING_AWAY, f"ratio {ratio:.3f} < {zero:g}", "movement_away")


@dataclass(frozen=True)
class Progress:
    """The numbers every method judges: one series towards a target level, not yet judged."""

    d: float
    """+1 when the indicator must increase, −1 when it must decrease."""
    v0: float
    vt: float
    level: float
    """V*, the target as a level [indicator unit]."""
    k: float
    """t − t0 [yr]."""
    n: float
    """T − t0 [yr]."""
    time_elapsed: float
    raw: float
    """d·(Vt − V0)/|V* − V0|, completion before the cap [-]."""
    completion: float
    met: bool
    met_reason: str
    g: float | None
    """Actual growth rate (Vt/V0)^(1/k) − 1 [-/yr]."""
    g_req: float | None
    """Required growth rate (V*/V0)^(1/n) − 1 [-/yr]."""
    s_geo: float | None
    projected: float | None

    @property
    def years_left(self) -> float:
        """T − t [yr]."""
        return self.n - self.k


def sequential(p: Progress, opts: Options, notes: list[str]) -> tuple[Verdict, dict[str, Any]]:
    """完成进度 against 序时进度 (linear or geometric); returns the verdict and the schedule."""
    schedule = p.time_elapsed
    if opts.time_basis == "geometric":
        if p.s_geo is None:
            notes.append("geometric time basis undefined (zero or negative values): linear used")
        else:
            schedule = p.s_geo
    extra: dict[str, Any] = {"schedule": schedule}
    if p.met:
        return Verdict(Status.ACHIEVED, p.met_reason or MET, Status.ACHIEVED.value), extra
    return _judge_sequential(p.raw, schedule, opts.schedule_tolerance), extra


def escap(p: Progress, opts: Options) -> tuple[Verdict, dict[str, Any]]:
    """ESCAP: CSI, the Anticipated Progress Index and the ratio of growth rates."""
    # After the target year the anticipated value is the latest one.
    anticipated = p.vt if p.years_left < 0 else p.projected
    api = None if anticipated is None else p.d * (anticipated - p.v0) / abs(p.level - p.v0)
    extra: dict[str, Any] = {
        "csi": p.completion,
        "api": api,
        "cr": None if p.g is None or not p.g_req else p.g / p.g_req,
    }
    if p.met:
        return Verdict(Status.ACHIEVED, p.met_reason or MET, "target_achieved"), extra
    return _judge_escap(api, opts.thresholds), extra


def eurostat(p: Progress, opts: Options, notes: list[str]) -> tuple[Verdict, dict[str, Any]]:
    """Eurostat: ratio of the actual to the required growth rate (linear rates as fallback)."""
    ratio: float | None = None
    if p.g is not None and p.g_req and p.level > 0:
        ratio = p.g / p.g_req
    elif opts.zero_handling == "linear":
        # A growth rate never reaches zero: a zero target also uses linear rates.
        ratio = ((p.vt - p.v0) / p.k) / ((p.level - p.v0) / p.n)
        notes.append(
            "growth rates undefined (zero or negative values, or a zero target): "
            "ratio of linear rates"
        )
    extra: dict[str, Any] = {"ratio": ratio}
    if p.met:
        return Verdict(Status.ACHIEVED, p.met_reason or MET, "target_achieved"), extra
    worse = p.d * (p.vt - p.v0) < -EPS * scale(p.v0, p.vt)
    return _judge_eurostat(ratio, worse, opts.thresholds), extra


def final(verdict: Verdict) -> Verdict:
    """Verdict of a final evaluation (总结评估, at or after the target year).

    The target year has come: a target is achieved (完成) or not achieved (未完成); no
    schedule is left to be ahead of or behind. The reason and the method's category are kept.
    """
    if verdict.status in (Status.ACHIEVED, Status.NOT_ACHIEVED, Status.NOT_ASSESSABLE):
        return verdict
    return Verdict(Status.NOT_ACHIEVED, verdict.reason, verdict.category)


def judge_direction(
    method: Method,
    opts: Options,
    d: float,
    v0: float,
    vt: float,
    g: float | None,
    done: bool,
    notes: list[str],
) -> Verdict:
    """Judge a direction without a number (明显下降) on its sign (or the Eurostat trend)."""
    good = Status.ACHIEVED if done else Status.ON_SCHEDULE
    if method is Method.EUROSTAT and g is not None:
        rate = d * g * 100.0
        significant, zero, away = opts.trend_thresholds
        text = f"direction-adjusted growth {rate:.2f} %/yr"
        if rate > significant + EPS:
            return Verdict(good, f"{text} > {significant:g}", "significant_progress")
        if rate > zero + EPS:
            return Verdict(Status.BEHIND_SCHEDULE, f"{text} ≤ {significant:g}", "moderate_progress")
        if rate >= away - EPS:
            return Verdict(Status.MOVING_AWAY, f"{text} ≤ {zero:g}", "moderate_movement_away")
        return Verdict(Status.MOVING_AWAY, f"{text} < {away:g}", "significant_movement_away")
    if method is Method.EUROSTAT:
        notes.append("growth rate undefined (zero or negative values): judged on the sign")
    change = d * (vt - v0)
    eps = EPS * scale(v0, vt)
    if change > eps:
        return Verdict(good, "moved in the desired direction", "desired_direction")
    if change >= -eps:
        return Verdict(Status.BEHIND_SCHEDULE, "no change since the baseline", "no_change")
    return Verdict(Status.MOVING_AWAY, "moved in the undesired direction", "undesired_direction")


def non_increase_inputs(
    v0: float | None,
    vt: float | None,
    t0: int | float,
    t: int | float,
    series: Mapping[Any, Any] | None,
) -> tuple[float | None, float | None, list[str]]:
    """Fill V0 and Vt from ``series`` where they are not given, checking agreement."""
    if series is None:
        return v0, vt, []
    values = {year_of(y, "series year"): number(v, f"series[{y!r}]") for y, v in series.items()}
    for name, given, y in (("baseline", v0, t0), ("current", vt, t)):
        other = values.get(y)
        if given is not None and other is not None and not math.isclose(given, other, rel_tol=EPS):
            raise OptionError(
                msg("progress.series_disagrees", name=name, given=given, y=y, other=other)
            )
    missing = sorted(y for y, v in values.items() if v is None and t0 < y <= t)
    notes = [f"no value for {', '.join(map(str, missing))}: skipped"] if missing else []
    return (values.get(t0) if v0 is None else v0), (values.get(t) if vt is None else vt), notes


def judge_non_increase(
    v0: float,
    vt: float,
    series: Mapping[Any, Any] | None,
    t0: int | float,
    t: int | float,
    T: int | float,
    notes: list[str],
) -> tuple[Verdict, bool]:
    """只减不增: no year above the year before (hence none above the baseline); (verdict, met)."""
    points: dict[int | float, float] = {}
    if series is None:
        notes.append("no yearly series given: only the latest value was compared with the baseline")
    else:
        for y, v in series.items():
            year, value = year_of(y, "series year"), number(v, f"series[{y!r}]")
            if value is not None and t0 < year <= t:
                points[year] = value
    points[t] = vt
    breaches = []
    prev_year, prev = t0, v0
    for year in sorted(points):
        value = points[year]
        if value - prev > EPS * scale(value, prev):
            breaches.append(f"{year}: {value:g} > {prev:g} ({prev_year})")
        prev_year, prev = year, value
    if breaches:
        return Verdict(Status.MOVING_AWAY, "rose: " + ", ".join(breaches), "non_compliant"), False
    if t >= T:
        return Verdict(Status.ACHIEVED, "no rise in any year", "compliant"), True
    return Verdict(Status.ON_SCHEDULE, "no rise so far", "compliant"), True

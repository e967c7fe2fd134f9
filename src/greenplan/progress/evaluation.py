"""One series against one target: :func:`evaluate` and its result, :class:`Evaluation`.

:func:`evaluate` is argument handling, the descriptive numbers every method shares
(:func:`_describe`), and one hand-off to the judgement of the target's kind (:func:`_judge`),
whose level-based part hands off to a method of :mod:`.methods`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from greenplan.definitions import Bound, Direction, TargetKind
from greenplan.errors import OptionError
from greenplan.messages import msg
from greenplan.progress import methods as m
from greenplan.progress.options import (
    EvaluateOptions,
    Options,
    number,
    parse_direction,
    parse_options,
    year_of,
)
from greenplan.progress.status import Method, Status, parse_choice, status_label


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


@dataclass(frozen=True)
class _Question:
    """The checked arguments of :func:`evaluate`."""

    direction: Direction
    kind: TargetKind
    method: Method
    opts: Options
    v0: float | None
    vt: float | None
    target: float | None
    t0: int | float
    t: int | float
    T: int | float

    @property
    def d(self) -> float:
        return 1.0 if self.direction is Direction.INCREASE else -1.0


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
    g = (Vt/V0)^(1/k) − 1 (linear when g is undefined); API = d·(V̂_T − V0)/abs(V* − V0);
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
    See :mod:`greenplan.progress.methods` (UN ESCAP SDG Progress Report 2025 annex 1; Eurostat
    SDG monitoring report 2023, methodology; NDRC 发改规划〔2018〕238号 on mid-term evaluation).

    Examples
    --------
    十一五 energy intensity: −20 % by 2010, −15.61 % reached by 2009 (index 2005 = 100):

    >>> ev = evaluate(baseline=100, current=84.39, target=-20, baseline_year=2005, year=2009,
    ...               target_year=2010, direction="decrease", kind="change_vs_base")
    >>> round(ev.completion, 4), ev.time_elapsed, ev.status.value
    (0.7805, 0.8, 'behind_schedule')
    """
    direction_ = parse_direction(direction)
    kind_: TargetKind = parse_choice(TargetKind, kind, "kind")
    method_: Method = parse_choice(Method, method, "method")
    opts = parse_options(options, method_, kind_)
    fields = _evaluation_fields(
        direction_, kind_, method_, opts, baseline, current, target, baseline_year, year,
        target_year,
    )  # fmt: skip
    return Evaluation(**fields)


def _evaluation_fields(
    direction: Direction,
    kind: TargetKind,
    method: Method,
    opts: Options,
    baseline: float | None,
    current: float | None,
    target: float | None,
    baseline_year: int | float,
    year: int | float,
    target_year: int | float,
) -> dict[str, Any]:
    """Return the fields of the :class:`Evaluation` of :func:`evaluate`, without the model.

    For callers that evaluate many rows (:func:`~greenplan.progress.assess`) with a
    direction, kind and method already parsed and the options already checked
    (:func:`~greenplan.progress.options.parse_options`); the numbers are checked here as in
    :func:`evaluate`. ``Evaluation(**_evaluation_fields(...))`` is what :func:`evaluate`
    returns; :func:`_status_labels` gives ``status_zh``/``status_en`` of the fields.
    """
    v0, vt = number(baseline, "baseline"), number(current, "current")
    target_ = number(target, "target")
    t0, t = year_of(baseline_year, "baseline_year"), year_of(year, "year")
    T = year_of(target_year, "target_year")
    if t0 >= T:
        raise OptionError(msg("progress.target_year_order", T=T, t0=t0))
    if kind is TargetKind.CUMULATIVE:
        if v0 not in (None, 0.0):
            raise OptionError(msg("progress.cumulative_baseline"))
        v0 = 0.0
    if kind is TargetKind.ELIMINATION and target_ not in (None, 0.0):
        raise OptionError(msg("progress.elimination_target", target=repr(target)))
    if kind in (TargetKind.DIRECTION, TargetKind.NON_INCREASE) and target_ is not None:
        raise OptionError(
            msg("progress.no_target_value", kind=repr(kind.value), target=repr(target))
        )
    if kind is TargetKind.ASSIGNED and target_ is not None:
        raise OptionError(msg("progress.assigned_needs_kind"))
    notes: list[str] = []
    if t > T:
        notes.append(f"year {t} is after the target year {T}: time elapsed is capped at 1")
    if kind is TargetKind.NON_INCREASE:
        v0, vt, series_notes = m.non_increase_inputs(v0, vt, t0, t, opts.series)
        notes.extend(series_notes)
    q = _Question(direction, kind, method, opts, v0, vt, target_, t0, t, T)
    base = _describe(q)
    verdict = _judge(q, base, notes)
    if t >= T:  # 总结评估: achieved or not, whatever the method
        verdict = m.final(verdict)
    base.update(
        status=verdict.status,
        status_reason=verdict.reason,
        category=verdict.category,
        notes=tuple(notes),
    )
    return base


def _status_labels(fields: Mapping[str, Any]) -> tuple[str, str]:
    """Return (``status_zh``, ``status_en``) of the fields of an evaluation.

    As the :class:`Evaluation` computes them: 提前实现 / "Achieved early" when an achieved
    target was met before the target year.
    """
    status = fields["status"]
    early = None if status is not Status.ACHIEVED else fields["year"] < fields["target_year"]
    return status_label(status, "zh", early=early), status_label(status, "en", early=early)


def _describe(q: _Question) -> dict[str, Any]:
    """Return the fields of the Evaluation that need no judgement: inputs, level, time, gap."""
    bound: Bound | None = q.opts.bound
    k, n = q.t - q.t0, q.T - q.t0
    level = m.target_level(q.kind, q.v0, q.target, q.opts.full_level)
    base: dict[str, Any] = {
        "method": q.method,
        "kind": q.kind,
        "direction": q.direction,
        "bound": bound,
        "aspirational": q.opts.aspirational or (bound is not None and bound.aspirational),
        "baseline": q.v0,
        "current": q.vt,
        "target": q.target,
        "target_level": level,
        "baseline_year": q.t0,
        "year": q.t,
        "target_year": q.T,
        "time_elapsed": None if k < 0 else min(k / n, 1.0),
        "time_basis": q.opts.time_basis if q.method is Method.SEQUENTIAL else None,
        "options": q.opts.echo(q.method),
    }
    if q.vt is not None and level is not None:
        base["gap"] = level - q.vt
        base["gap_relative"] = None if level == 0 else (level - q.vt) / abs(level)
    return base


def _judge(q: _Question, base: dict[str, Any], notes: list[str]) -> m.Verdict:
    """Project, then judge by kind; fills ``base`` with the numbers found on the way."""
    reason = m.unassessable(q.kind, q.target, q.v0, q.vt, q.t0, q.t)
    if reason:
        return m.not_available(reason)
    assert q.v0 is not None and q.vt is not None  # checked by unassessable
    v0, vt, opts = q.v0, q.vt, q.opts
    k = q.t - q.t0
    proj_kind = opts.projection or ("linear" if q.kind is TargetKind.CUMULATIVE else "cagr")
    projected, used, proj_note = m.project(v0, vt, k, q.T - q.t, proj_kind, opts.zero_handling)
    if proj_note:
        notes.append(proj_note)
    if projected is not None and q.kind in (TargetKind.FULL_COVERAGE, TargetKind.THRESHOLD):
        projected = min(projected, opts.full_level)
    level = base["target_level"]
    g = m.cagr(v0, vt, k)
    base.update(
        projected=projected,
        projection=used,
        projected_gap=None if projected is None or level is None else level - projected,
        cagr_actual=m.pct(g),
    )
    if q.kind is TargetKind.DIRECTION:
        return m.judge_direction(q.method, opts, q.d, v0, vt, g, q.t >= q.T, notes)
    if q.kind is TargetKind.NON_INCREASE:
        verdict, base["met"] = m.judge_non_increase(v0, vt, opts.series, q.t0, q.t, q.T, notes)
        return verdict
    assert level is not None  # every other kind has a level here
    return _judge_level(q, base, notes, level, g, projected)


def _judge_level(
    q: _Question,
    base: dict[str, Any],
    notes: list[str],
    level: float,
    g: float | None,
    projected: float | None,
) -> m.Verdict:
    """Judge a target with a level V*: met, completion, then the method's own rule."""
    assert q.v0 is not None and q.vt is not None
    v0, vt, d, opts = q.v0, q.vt, q.d, q.opts
    k, n, years_left = q.t - q.t0, q.T - q.t0, q.T - q.t
    g_req = m.cagr(v0, level, n)
    met, met_reason = m.meets(q.kind, opts.bound, opts.approx_tolerance, d, v0, vt, level)
    base.update(met=met, cagr_required=m.pct(g_req))
    if years_left > 0 or met:
        base["required_annual_change"] = 0.0 if met else (level - vt) / years_left
        if q.kind is not TargetKind.CUMULATIVE:
            base["required_annual_rate"] = 0.0 if met else m.pct(m.cagr(vt, level, years_left))

    if abs(level - v0) <= m.EPS * m.scale(v0, level):
        return _judge_zero_distance(q.kind, met, base)

    raw = d * (vt - v0) / abs(level - v0)
    s_geo = m.geometric_schedule(v0, level, k, n)
    completion = 1.0 if met else min(raw, 1.0)
    base.update(completion_raw=raw, completion=completion, time_elapsed_geometric=s_geo)
    if d * (level - v0) < 0:
        notes.append("the baseline already met the target")
    if base["aspirational"] and not met:
        notes.append("aspirational target (力争): a miss is not a breach of a binding target")
    if met_reason and not met:
        notes.append(met_reason)
    p = m.Progress(
        d, v0, vt, level, k, n, base["time_elapsed"], raw, completion, met, met_reason, g, g_req,
        s_geo, projected,
    )  # fmt: skip
    if q.method is Method.SEQUENTIAL:
        verdict, extra = m.sequential(p, opts, notes)
    elif q.method is Method.ESCAP:
        verdict, extra = m.escap(p, opts)
    else:
        verdict, extra = m.eurostat(p, opts, notes)
    base.update(extra)
    return verdict


def _judge_zero_distance(kind: TargetKind, met: bool, base: dict[str, Any]) -> m.Verdict:
    """Judge a target level equal to the baseline: undefined, unless the kind fixes it."""
    if kind not in m.INHERENT_LEVEL:
        return m.not_available(
            "target equals baseline: the required change is zero, so completion is undefined"
        )
    # Already at 0 (or 100 %) at the baseline: only staying there counts.
    if met:
        base["completion"] = 1.0
        return m.Verdict(
            Status.ACHIEVED, "the baseline was already at the target", "target_achieved"
        )
    return m.Verdict(
        Status.MOVING_AWAY,
        "the baseline was at the target and the value has moved away from it",
        "movement_away",
    )

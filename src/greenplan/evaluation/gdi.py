"""Green development index (绿色发展指数) and the anchored score for a single city.

The national method (绿色发展指标体系 and its 绿色发展指数计算方法, 发改环资〔2016〕2635号): each
indicator is scored 60–100 by min–max over the regions compared (efficacy coefficient,
功效系数), positive and negative indicators alike; an area index is the weighted mean of its
indicators' scores, missing indicators' weights shared out within the area; the index is the
area-weighted sum. Indicator weights follow the classes ★:◆:△ = 3:2:1.

A single city has no peers to scale against, so :func:`anchored_score` scores a value against
the plan's base and target instead: 60 at the base, 100 at the target. This is time-stable
(scores of different years compare), but it is **not** the official relative index.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from greenplan._resources import read_resource_csv
from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.options import hint

__all__ = [
    "CLASS_RATIO",
    "EvaluationError",
    "EvaluationWarning",
    "anchored_evaluation",
    "anchored_score",
    "area_index",
    "class_weights",
    "gdi",
    "green_development_index",
    "indicator_system",
    "score",
]

CLASS_RATIO: dict[str, float] = {"★": 3.0, "◆": 2.0, "△": 1.0}
"""Relative weights of the indicator classes (绿色发展指数计算方法)."""

_INCREASE = {"increase", "positive", "+", "higher", "正向", "at_least"}
_DECREASE = {"decrease", "negative", "-", "lower", "逆向", "负向", "at_most"}


class EvaluationError(GreenplanError, ValueError):
    """Inputs the evaluation cannot score (bad direction, anchors, weights or tables)."""


class EvaluationWarning(UserWarning):
    """A score was defined by convention (degenerate set, base = target, empty area)."""


def _direction(direction: str) -> int:
    d = str(direction).strip().casefold()
    if d in _INCREASE:
        return 1
    if d in _DECREASE:
        return -1
    raise EvaluationError(msg("evaluation.bad_direction", direction=repr(direction)))


def score(
    values: Any, *, direction: str, low: float | None = None, high: float | None = None
) -> Any:
    r"""Score indicator values 60–100 by min–max (efficacy coefficient, 功效系数).

    Parameters
    ----------
    values : float, array, Series or mapping
        The indicator's values over the regions (or years) compared [any unit].
    direction : {"increase", "decrease"}
        ``increase`` for a positive indicator (higher is better), ``decrease`` for a
        negative one.
    low, high : float, optional
        Fixed anchors replacing the min and max of ``values`` (scores are then clipped to
        60–100). Default: the min and max of the non-missing values.

    Returns
    -------
    same container as ``values`` (a mapping becomes a Series)
        Scores [60–100]; NaN stays NaN. When low = high every value scores 100 and an
        :class:`EvaluationWarning` is issued.

    Notes
    -----
    .. math::

        Y^{+} = 60 + 40\,\frac{x - x_{min}}{x_{max} - x_{min}},\qquad
        Y^{-} = 60 + 40\,\frac{x_{max} - x}{x_{max} - x_{min}}

    References
    ----------
    绿色发展指标体系 (发改环资〔2016〕2635号), 附件 绿色发展指数计算方法.

    Examples
    --------
    >>> score([10.0, 15.0, 20.0], direction="increase").tolist()
    [60.0, 80.0, 100.0]
    >>> score([10.0, 15.0, 20.0], direction="decrease").tolist()
    [100.0, 80.0, 60.0]
    """
    sign = _direction(direction)
    if isinstance(values, Mapping):
        values = pd.Series(values, dtype="float64")
    scalar = np.ndim(values) == 0
    arr = np.asarray(values, dtype="float64")
    finite = arr[~np.isnan(arr)]
    fixed = low is not None or high is not None
    lo = float(low) if low is not None else (float(finite.min()) if finite.size else math.nan)
    hi = float(high) if high is not None else (float(finite.max()) if finite.size else math.nan)
    if fixed and not lo <= hi:
        raise EvaluationError(msg("evaluation.low_above_high", low=str(lo), high=str(hi)))
    if math.isnan(lo) or math.isnan(hi):
        out = np.full(arr.shape, np.nan)
    elif hi == lo:
        warnings.warn(
            f"score: min = max = {lo}: every value scores 100 (degenerate set).",
            EvaluationWarning,
            stacklevel=2,
        )
        out = np.where(np.isnan(arr), np.nan, 100.0)
    else:
        frac = (arr - lo) / (hi - lo) if sign > 0 else (hi - arr) / (hi - lo)
        if fixed:
            frac = np.clip(frac, 0.0, 1.0)
        out = 60.0 + 40.0 * frac
    if scalar:
        return float(out)
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    return out


def anchored_score(value: Any, *, base: float, target: float, direction: str) -> Any:
    r"""Score a value 60–100 against the plan's base (60) and target (100).

    Parameters
    ----------
    value : float, array or Series
        The indicator's value [the unit of base and target].
    base, target : float
        Base-year value and target value.
    direction : {"increase", "decrease"}
        Which way is better; must agree with target − base.

    Returns
    -------
    same type as ``value``
        :math:`60 + 40 \times clip((x - base)/(target - base), 0, 1)`; NaN stays NaN.
        When base = target: 100 if the value is at or beyond the target in the direction,
        else 60 (with an :class:`EvaluationWarning`).

    Raises
    ------
    EvaluationError
        A target on the wrong side of the base for the direction, or a non-finite anchor.

    References
    ----------
    绿色发展指数计算方法 (efficacy coefficient) with fixed anchors; OECD/JRC Handbook on
    Constructing Composite Indicators (2008), §5 (normalisation by reference values).

    Examples
    --------
    >>> anchored_score(5.0, base=0.0, target=10.0, direction="increase")
    80.0
    >>> anchored_score(0.9, base=1.0, target=0.8, direction="decrease")  # half-way down
    80.0
    """
    sign = _direction(direction)
    if not (math.isfinite(float(base)) and math.isfinite(float(target))):
        raise EvaluationError(
            msg("evaluation.anchor_not_finite", base=str(base), target=str(target))
        )
    span = float(target) - float(base)
    arr = np.asarray(value, dtype="float64")
    if span == 0:
        warnings.warn(
            "anchored_score: base = target; 100 at or beyond the target, else 60.",
            EvaluationWarning,
            stacklevel=2,
        )
        ok = (arr - float(target)) * sign >= 0
        out = np.where(np.isnan(arr), np.nan, np.where(ok, 100.0, 60.0))
    else:
        if span * sign < 0:
            where = {"direction": repr(direction), "target": str(target), "base": str(base)}
            if span < 0:
                raise EvaluationError(msg("evaluation.anchor_below", **where))
            raise EvaluationError(msg("evaluation.anchor_above", **where))
        out = 60.0 + 40.0 * np.clip((arr - float(base)) / span, 0.0, 1.0)
    if np.ndim(value) == 0:
        return float(out)
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name=value.name)
    return out


def area_index(scores: Any, weights: Any) -> float:
    r"""Weighted mean of an area's indicator scores; missing scores' weights are reallocated.

    Parameters
    ----------
    scores : mapping or Series
        Indicator → score [60–100]; NaN or absent = missing.
    weights : mapping or Series
        Indicator → weight (any scale; only ratios matter within the area).

    Returns
    -------
    float
        :math:`Z = \sum_{j \in A} w_j Y_j / \sum_{j \in A} w_j` over the available indicators
        A; NaN (with an :class:`EvaluationWarning`) when none is available.

    Raises
    ------
    EvaluationError
        A score for an indicator without a weight; a negative weight.

    Examples
    --------
    >>> area_index({"a": 80.0, "b": 100.0, "c": float("nan")}, {"a": 3, "b": 1, "c": 2})
    85.0
    """
    s = pd.Series(scores, dtype="float64")
    w = pd.Series(weights, dtype="float64")
    extra = [k for k in s.index if k not in w.index]
    if extra:
        raise EvaluationError(msg("evaluation.no_weight", names=str(extra)))
    if (w < 0).any():
        raise EvaluationError(msg("evaluation.negative_weight"))
    s = s.reindex(w.index)
    ok = s.notna() & (w > 0)
    if not ok.any():
        warnings.warn(
            "area_index: no indicator available; index is NaN.", EvaluationWarning, stacklevel=2
        )
        return math.nan
    return float((s[ok] * w[ok]).sum() / w[ok].sum())


def gdi(area_indices: Any, area_weights: Any) -> float:
    r"""Green development index: the area-weighted sum of the area indices.

    Parameters
    ----------
    area_indices : mapping or Series
        Area → index [60–100]; NaN or absent = missing (its weight is shared out).
    area_weights : mapping or Series
        Area → weight (per cent; the national weights are 29.3/16.5/19.3/16.5/9.2/9.2).

    Returns
    -------
    float
        :math:`G = \sum_k W_k Z_k / \sum_k W_k` over the available areas.

    Examples
    --------
    >>> # (80 × 29.3 + 90 × 9.2) / (29.3 + 9.2) = 3172 / 38.5
    >>> round(gdi({"resource_use": 80.0, "green_living": 90.0},
    ...           {"resource_use": 29.3, "green_living": 9.2}), 4)
    82.3896
    """
    return area_index(area_indices, area_weights)


# --- the national indicator system ----------------------------------------------------------------


@cache
def _system() -> pd.DataFrame:
    frame = pd.DataFrame(read_resource_csv("evaluation", "gdi_indicators.csv"))
    frame["id"] = frame["id"].astype("int64")
    frame["applicable_inland"] = frame["applicable_inland"].astype("int64").astype(bool)
    areas = pd.DataFrame(read_resource_csv("evaluation", "gdi_areas.csv"))
    areas["weight"] = areas["weight"].astype("float64")
    frame.attrs["areas"] = areas
    return frame


def indicator_system() -> pd.DataFrame:
    """Return the national green-development indicator system (2016) as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, area, name_zh, name_en, unit, class, direction, applicable_inland,
        source, confidence, weight`` (per cent, :func:`class_weights` 3:2:1 over the 55
        indicators of the index; 0 for public satisfaction). ``attrs["areas"]`` holds the
        areas with their published weights.

    Examples
    --------
    >>> t = indicator_system()
    >>> len(t), round(float(t.groupby("area")["weight"].sum()["resource_use"]), 2)
    (56, 29.36)
    """
    frame = _system().copy()
    frame["weight"] = class_weights(frame["class"])
    frame.attrs["areas"] = _system().attrs["areas"].copy()
    return frame


def class_weights(classes: Any, ratio: Mapping[str, float] | None = None) -> pd.Series:
    r"""Return indicator weights from the ★/◆/△ classes, summing to 100 over the classed ones.

    Parameters
    ----------
    classes : sequence or Series of str
        ``★``, ``◆``, ``△`` (empty: not in the index, weight 0).
    ratio : mapping, optional
        Class → relative weight (default :data:`CLASS_RATIO`, 3:2:1).

    Returns
    -------
    pandas.Series
        Weights [per cent]: :math:`w_j = 100 r_{c(j)} / \sum_i r_{c(i)}`.

    Examples
    --------
    >>> class_weights(["★", "◆", "△", ""]).round(4).tolist()
    [50.0, 33.3333, 16.6667, 0.0]
    """
    r = dict(CLASS_RATIO if ratio is None else ratio)
    c = pd.Series(classes, dtype="object").fillna("").astype(str).str.strip()
    bad = sorted(set(c) - set(r) - {""})
    if bad:
        raise EvaluationError(msg("evaluation.unknown_class", names=str(bad), known=list(r)))
    raw = c.map(lambda k: r.get(k, 0.0)).astype("float64")
    total = raw.sum()
    if total <= 0:
        raise EvaluationError(msg("evaluation.no_classed_indicator"))
    return raw * 100.0 / total


def green_development_index(
    values: pd.DataFrame,
    *,
    system: pd.DataFrame | None = None,
    weights: Mapping[str, float] | None = None,
    area_weights: Mapping[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """Compute the official relative GDI over a set of regions.

    Parameters
    ----------
    values : pandas.DataFrame
        Long table ``region, indicator, value``; ``indicator`` is an ``id`` or ``name_zh``
        of :func:`indicator_system` (or of ``system``).
    system : pandas.DataFrame, optional
        An indicator system with columns ``id, area, name_zh, direction`` and ``class`` or
        ``weight``; default the national 2016 system.
    weights : mapping, optional
        Indicator id → weight, replacing the class weights.
    area_weights : mapping, optional
        Area → weight, replacing the published area weights.

    Returns
    -------
    dict of DataFrames
        ``scores`` (region, indicator, value, score, weight), ``areas`` (region, area,
        index), ``gdi`` (region, gdi) and ``reallocations`` (region, area, indicator: the
        missing indicators whose weight was shared out within their area).

    Notes
    -----
    Scores by :func:`score` over the regions in ``values``; area indices by
    :func:`area_index`; the total by :func:`gdi`. Public satisfaction is left out.
    """
    sysf = indicator_system() if system is None else system.copy()
    if "weight" not in sysf.columns:
        sysf["weight"] = class_weights(sysf["class"])
    if weights is not None:
        sysf["weight"] = sysf["id"].map(lambda i: weights.get(i, weights.get(str(i), 0.0)))
    sysf = sysf[sysf["weight"] > 0]
    key = {str(i): int(i) for i in sysf["id"]}
    key.update({str(n): int(i) for i, n in zip(sysf["id"], sysf["name_zh"], strict=True)})
    for col in ("region", "indicator", "value"):
        if col not in values.columns:
            raise EvaluationError(msg("evaluation.missing_column", column=repr(col)))
    ind = values["indicator"].astype(str).map(key)
    if ind.isna().any():
        bad = values["indicator"][ind.isna()].iloc[0]
        raise EvaluationError(
            msg("evaluation.unknown_indicator", name=repr(bad), hint=hint(str(bad), list(key)))
        )
    v = values.assign(id=ind.astype("int64"), value=pd.to_numeric(values["value"], errors="coerce"))
    regions = list(dict.fromkeys(v["region"]))
    info: Any = sysf.set_index("id")
    rows = []
    i: Any
    sub: Any
    for i, sub in v.groupby("id"):
        s = score(sub.set_index("region")["value"], direction=str(info.loc[i, "direction"]))
        for r, val in sub.set_index("region")["value"].items():
            rows.append(
                {
                    "region": r,
                    "indicator": int(i),
                    "area": info.loc[i, "area"],
                    "value": val,
                    "score": s[r],
                    "weight": float(info.loc[i, "weight"]),
                }
            )
    scores = pd.DataFrame(rows)
    aw = (
        dict(area_weights)
        if area_weights is not None
        else sysf.groupby("area")["weight"].sum().to_dict()
    )
    area_rows, total_rows, realloc = [], [], []
    for r in regions:
        mine = scores[scores["region"] == r].set_index("indicator")
        zs = {}
        for area, members in sysf.groupby("area"):
            sc = {int(i): mine["score"].get(int(i), math.nan) for i in members["id"]}
            w = {int(i): float(wt) for i, wt in zip(members["id"], members["weight"], strict=True)}
            for i, s in sc.items():
                if isinstance(s, float) and math.isnan(s):
                    realloc.append({"region": r, "area": area, "indicator": i})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EvaluationWarning)
                zs[area] = area_index(sc, w)
            area_rows.append({"region": r, "area": area, "index": zs[area]})
        total_rows.append({"region": r, "gdi": gdi(zs, {a: aw.get(str(a), 0.0) for a in zs})})
    return {
        "scores": scores,
        "areas": pd.DataFrame(area_rows),
        "gdi": pd.DataFrame(total_rows),
        "reallocations": pd.DataFrame(realloc, columns=["region", "area", "indicator"]),
    }


_BOUND_DIRECTION = {
    "at_least": "increase",
    "above": "increase",
    "at_most": "decrease",
    "below": "decrease",
    "decrease": "decrease",
}


def _direction_of(bound: str, base: Any, target: Any) -> str:
    """``increase``/``decrease`` for a target's bound (``""`` when it has none)."""
    comparison = bound.removesuffix("_aspirational")
    if comparison == "approximately":
        if pd.isna(base) or pd.isna(target) or float(target) == float(base):
            return ""
        return "increase" if float(target) > float(base) else "decrease"
    return _BOUND_DIRECTION.get(comparison, "")


def anchored_evaluation(assessment: pd.DataFrame, *, region: str | None = None) -> pd.DataFrame:
    """Anchored 60–100 scores of the plan's targets from an :func:`greenplan.assess` result.

    Parameters
    ----------
    assessment : pandas.DataFrame
        Output of :func:`greenplan.assess` (columns ``key, indicator, region, section,
        name_zh, name_en, unit, bound, baseline, latest, latest_year, target_level``).
    region : str, optional
        Keep one region (default: all rows).

    Returns
    -------
    pandas.DataFrame
        One row per target with ``direction`` (from ``bound``, 力争 included: at_least and above
        → increase, at_most, below and decrease → decrease, approximately → the sign of
        target − baseline), ``score`` (:func:`anchored_score` of ``latest`` between ``baseline`` and
        ``target_level``; NaN with a ``note`` where it cannot be scored), and a last row
        ``key = "plan_index"`` with the equal-weight mean of the scores.

    Notes
    -----
    This is not the official green development index (a relative index over regions); it
    is an absolute, time-stable score against the plan's own base and target.
    """
    need = ["key", "region", "bound", "baseline", "latest", "target_level"]
    missing = [c for c in need if c not in assessment.columns]
    if missing:
        raise EvaluationError(msg("evaluation.missing_assess_columns", names=str(missing)))
    a = assessment if region is None else assessment[assessment["region"] == region]
    rows = []
    for rec in a.to_dict(orient="records"):
        bound = str(rec.get("bound", ""))
        note = ""
        value = math.nan
        base, target, latest = rec["baseline"], rec["target_level"], rec["latest"]
        direction = _direction_of(bound, base, target)
        if not direction:
            note = f"bound {bound!r}: no direction"
        elif any(pd.isna(x) for x in (base, target, latest)):
            note = "baseline, latest or target missing"
        else:
            sign = 1 if direction == "increase" else -1
            if (float(target) - float(base)) * sign < 0:  # the base already met the target
                met = (float(latest) - float(target)) * sign >= 0
                value = 100.0 if met else 60.0
                note = "target already met in the base year: 100 if still met, else 60"
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", EvaluationWarning)
                    value = anchored_score(
                        float(latest), base=float(base), target=float(target), direction=direction
                    )
                if float(base) == float(target):
                    note = "base = target"
        rows.append(
            {
                **{
                    c: rec.get(c)
                    for c in ("key", "indicator", "region", "section", "name_zh", "name_en", "unit")
                },
                "baseline": base,
                "latest_year": rec.get("latest_year"),
                "latest": latest,
                "target": target,
                "direction": direction,
                "score": value,
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        for r, sub in out.groupby("region", sort=False):
            out = pd.concat(
                [
                    out,
                    pd.DataFrame(
                        [
                            {
                                "key": "plan_index",
                                "region": r,
                                "name_zh": "规划目标综合得分(锚定法, 等权)",
                                "name_en": "Plan index (anchored, equal weights)",
                                "score": float(sub["score"].mean())
                                if sub["score"].notna().any()
                                else math.nan,
                                "note": f"mean of {int(sub['score'].notna().sum())} scored targets",
                            }
                        ]
                    ),
                ],
                ignore_index=True,
            )
    return out

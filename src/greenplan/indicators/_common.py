"""Formula helpers shared by the domain modules: ratios that are NaN, never inf.

Private module: the domain modules re-export these under their own names
(``greenplan.indicators.water.percent_change`` …), so users find them where they look.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = ["nonzero", "percent_change", "share_percent"]

ArrayLike = TypeVar("ArrayLike", float, np.ndarray, pd.Series)

PERCENT = 100.0
"""Percent per unit ratio (a unit identity, not a coefficient)."""


def nonzero(denominator: Any) -> Any:
    """``denominator`` with zeros replaced by NaN (so a ratio is NaN, never inf)."""
    if isinstance(denominator, pd.Series):
        return denominator.where(denominator != 0)
    arr = np.asarray(denominator, dtype="float64")
    out = np.where(arr != 0, arr, np.nan)
    return out if arr.ndim else float(out)


def percent_change(value: ArrayLike, base: ArrayLike) -> ArrayLike:
    r"""Relative change of a value against its base-year value.

    Parameters
    ----------
    value : float, array or Series
        Value in the year [any unit].
    base : float, array or Series
        Value in the base year [same unit].

    Returns
    -------
    same type as inputs
        Change [%]: negative for a decrease; NaN where ``base`` is 0 or missing.

    Notes
    -----
    .. math:: \Delta = 100 \cdot \left(\frac{V_t}{V_{base}} - 1\right)

    For an intensity at constant prices this equals
    :math:`100 \cdot [(W_t/W_{2020}) / \prod_{k}(1+g_k) - 1]`.

    References
    ----------
    shared/reference/standards_cn.md A.2, A.5.
    """
    return (value / nonzero(base) - 1.0) * PERCENT


def share_percent(part: ArrayLike, whole: ArrayLike) -> ArrayLike:
    r"""Share of a part in a whole, in percent, NaN where the whole is zero.

    Parameters
    ----------
    part : float, array or Series
        Numerator [same unit as ``whole``].
    whole : float, array or Series
        Denominator [same unit as ``part``].

    Returns
    -------
    same type as the inputs
        :math:`100 \cdot part / whole` [%]; NaN where ``whole`` is 0 or either input is NaN
        (never ±inf). A Series keeps its index.

    Notes
    -----
    .. math:: s = 100 \cdot \frac{part}{whole}

    Inputs are not range-checked here: a part larger than the whole gives a share above 100 %,
    which validation reports against the codelist bounds.

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 (2022), 八(一): ratio indicators (good-air days,
    class-III sections, forest coverage) are shares in percent.
    """
    if isinstance(whole, pd.Series):
        return 100.0 * part / whole.where(whole != 0)
    den = np.asarray(whole, dtype="float64")
    den = np.where(den == 0, np.nan, den)
    if isinstance(part, pd.Series):
        return 100.0 * part / den
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 100.0 * np.asarray(part, dtype="float64") / den
    if out.ndim == 0:
        return float(out)  # type: ignore[return-value]
    return out

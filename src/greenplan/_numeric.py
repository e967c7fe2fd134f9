"""Numeric helpers below every formula: ratios that are NaN, never inf.

A leaf module (it imports nothing from greenplan), so that both the record converters
(:mod:`greenplan.records`) and the indicator formulas (:mod:`greenplan.indicators`) can use
one copy. ``greenplan.indicators._common`` re-exports these names.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = ["PERCENT", "ArrayLike", "nonzero", "share_percent"]

ArrayLike = TypeVar("ArrayLike", float, np.ndarray, pd.Series)
"""A number, a NumPy array or a pandas Series: formula functions return the same container."""

PERCENT = 100.0
"""Percent per unit ratio (a unit identity, not a coefficient)."""


def nonzero(denominator: Any, *, positive: bool = False) -> Any:
    """``denominator`` with zeros (``positive=True``: values ≤ 0) replaced by NaN.

    A ratio over the result is NaN, never ±inf. The container is kept (Series, array, float).

    Examples
    --------
    >>> nonzero(0.0), nonzero(-2.0), nonzero(-2.0, positive=True)
    (nan, -2.0, nan)
    """
    if isinstance(denominator, pd.Series):  # on the array: Series.where costs ten times more
        arr = denominator.to_numpy(dtype="float64", na_value=np.nan)
        out = np.where(arr > 0 if positive else arr != 0, arr, np.nan)
        return pd.Series(out, index=denominator.index, name=denominator.name, copy=False)
    arr = np.asarray(denominator, dtype="float64")
    out = np.where(arr > 0 if positive else arr != 0, arr, np.nan)
    return out if arr.ndim else float(out)


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
    which validation reports against the codelist bounds. A city share is computed from the
    summed parts and wholes, never averaged over districts.

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 (2022), 三(一) (“四新”经济占比), 八(一): ratio
    indicators (good-air days, class-III sections, forest coverage) are shares in percent.

    Examples
    --------
    >>> share_percent(292.0, 365.0)
    80.0
    >>> share_percent(1.0, 0.0)
    nan
    """
    den = nonzero(whole)
    if isinstance(den, pd.Series) or isinstance(part, pd.Series):
        return PERCENT * part / den  # type: ignore[return-value]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = PERCENT * np.asarray(part, dtype="float64") / den
    return out if np.ndim(out) else float(out)  # type: ignore[return-value]

"""Numeric helpers below every formula: ratios that are NaN, never inf; integer codes.

A leaf module (it imports nothing from greenplan), so that both the record converters
(:mod:`greenplan.records`) and the indicator formulas (:mod:`greenplan.indicators`) can use
one copy, and the table checks and the engine one coding of years. ``greenplan.indicators.
_common`` re-exports the ratio helpers.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = ["PERCENT", "ArrayLike", "int_codes", "nonzero", "share_percent"]

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


def int_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of integers into their distinct values, ascending: ``pandas.factorize(sort=True)``.

    Parameters
    ----------
    values : numpy.ndarray of int64
        Integers such as years.

    Returns
    -------
    (codes, distinct) : (numpy.ndarray of int64, numpy.ndarray of int64)
        ``distinct[codes] == values``; ``distinct`` ascending; new arrays (the caller may
        write into ``codes``).

    Notes
    -----
    Values within a range of at most ``4 n + 1024`` (years, say) are marked in an array over
    that range: no hash table, one pass. When no value of the range is missing the offsets
    from the first value are the codes. Far-apart values are factorized by pandas.

    Examples
    --------
    >>> codes, distinct = int_codes(np.array([2003, 2001, 2003]))
    >>> codes.tolist(), distinct.tolist()
    ([1, 0, 1], [2001, 2003])
    """
    if values.size:
        lo = int(values.min())
        span = int(values.max()) - lo + 1
        if span <= 4 * values.size + 1024:
            offset = values - lo
            present = np.zeros(span, dtype=bool)
            present[offset] = True
            if present.all():  # no value missing in the range: the offsets are the ranks
                return offset, np.arange(lo, lo + span, dtype=np.int64)
            rank = np.cumsum(present, dtype=np.int64)
            rank -= 1
            return np.take(rank, offset, out=offset, mode="wrap"), np.flatnonzero(present) + lo
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=np.int64)

"""Formula helpers shared by the domain modules: ratios that are NaN, never inf.

Private module: the domain modules re-export these under their own names
(``greenplan.indicators.water.percent_change`` …), so users find them where they look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from greenplan._numeric import PERCENT, ArrayLike, nonzero, share_percent

__all__ = [
    "PERCENT",
    "ArrayLike",
    "first_three",
    "nonzero",
    "percent_change",
    "share_percent",
    "sum_aligned",
    "sum_components",
]


def percent_change(value: ArrayLike, base: ArrayLike, *, positive: bool = False) -> ArrayLike:
    r"""Relative change of a value against its base-year value.

    Parameters
    ----------
    value : float, array or Series
        Value in the year [any unit].
    base : float, array or Series
        Value in the base year [same unit].
    positive : bool, default False
        If True the change is NaN also where ``base`` is negative (levels that cannot be
        negative, such as intensities).

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
    国家统计局, 分省(区、市)万元地区生产总值能耗降低率等指标公报 (the change of an intensity at
    comparable prices against the base year); 济南市“十四五”绿色低碳循环发展规划: base year 2020.

    Examples
    --------
    >>> percent_change(0.85, 1.0)  # a 15 % decrease
    -15.000000000000002
    >>> percent_change(1.0, 0.0)
    nan
    """
    return (value / nonzero(base, positive=positive) - 1.0) * PERCENT


def sum_components(parts: Sequence[ArrayLike], *, missing_as_zero: bool = False) -> ArrayLike:
    r"""Sum of components that add up to a total, with an explicit rule for missing ones.

    Parameters
    ----------
    parts : sequence of float, array or Series
        The components, all in the same unit [unit of the total]; Series are aligned on the
        index of the first Series.
    missing_as_zero : bool, default False
        If True, a missing (NaN) component counts as 0 as long as at least one component of
        the element is present; if False, any missing component makes the sum NaN.

    Returns
    -------
    same type as the first Series in ``parts`` (else array, else float)
        The total, in the unit of the parts; NaN where it cannot be formed.

    Notes
    -----
    .. math:: S = \sum_i c_i

    No partial sum is taken silently: with ``missing_as_zero=False`` a missing part gives
    NaN; with True the caller states that an unreported part is zero (e.g. a water source
    not in use).

    References
    ----------
    The code list's hierarchy (a variable's children sum to its parent); 水节约〔2023〕206号
    (the five non-conventional water sources).

    Examples
    --------
    >>> sum_components([1.0, 2.5, float("nan")], missing_as_zero=True)
    3.5
    >>> sum_components([1.0, float("nan")])
    nan
    """
    if not parts:
        raise ValueError("sum_components needs at least one component")
    first_series: Any = next((p for p in parts if isinstance(p, pd.Series)), None)
    if first_series is not None:
        index = first_series.index
        frame = pd.concat(
            [
                p.reindex(index) if isinstance(p, pd.Series) else pd.Series(p, index=index)
                for p in parts
            ],
            axis=1,
        ).astype("float64")
        min_count = 1 if missing_as_zero else len(parts)
        return frame.sum(axis=1, min_count=min_count)  # type: ignore[return-value]
    arrays = [np.asarray(p, dtype="float64") for p in parts]
    if any(a.shape != arrays[0].shape for a in arrays):  # (broadcast_arrays costs ~15 µs)
        arrays = list(np.broadcast_arrays(*arrays))
    # the arithmetic of the Series path (added in order from +0.0), so both give the same bits
    total = sum_aligned(arrays, min_count=1 if missing_as_zero else len(parts))
    return total if total.ndim else float(total)  # type: ignore[return-value]


def sum_aligned(parts: Sequence[np.ndarray] | np.ndarray, *, min_count: int) -> np.ndarray:
    """Sum float arrays of one length element-wise, NaN where fewer than ``min_count`` are present.

    The arithmetic of ``pandas.concat(series, axis=1).sum(axis=1, min_count=min_count)`` (and
    of the Series path of :func:`sum_components`): a missing part adds 0, the parts are added
    one after another in the order given, starting from +0.0, so a recipe on arrays gives the
    same numbers as one on Series (``numpy.sum`` of many terms adds pairwise, which can differ
    in the last bits). For recipes; ``parts`` (arrays, or a 2-d array with one part a row)
    must not be empty.

    Examples
    --------
    >>> sum_aligned([np.array([1.0, np.nan]), np.array([2.5, np.nan])], min_count=1).tolist()
    [3.5, nan]
    """
    stack = np.array(parts, dtype="float64")  # one row per part
    present = ~np.isnan(stack)
    # a row of +0.0 (a sum starts at +0.0: −0.0 gives 0.0), then the parts with 0 for a
    # missing value, added one after another in the order given
    steps = np.zeros((stack.shape[0] + 1, *stack.shape[1:]))
    np.copyto(steps[1:], stack, where=present)
    if stack.ndim == 2 and stack.shape[1] > 64:  # long rows: one in-place add per part
        total = steps[0]
        for row in steps[1:]:
            np.add(total, row, out=total)
    else:  # short rows: add.accumulate does the same additions in one call
        total = np.add.accumulate(steps, axis=0)[-1]
    if min_count > 0:
        total = np.where(present.sum(axis=0) < min_count, np.nan, total)
    return np.asarray(total)


def first_three(items: Iterable[Any], fmt: Callable[[Any], str] = str) -> str:
    """List the first three items, then how many others: ``a, b, c and N more``.

    For method notes: a note stays short however many regions, years or values it names.
    Only the items shown are formatted (with ``fmt``).

    Examples
    --------
    >>> first_three(["历下区", "市中区"])
    '历下区, 市中区'
    >>> first_three(range(2021, 2026))
    '2021, 2022, 2023 and 2 more'
    >>> first_three([1.25, 1.3, 1.35, 1.4], fmt=lambda v: f"{v:g}")
    '1.25, 1.3, 1.35 and 1 more'
    """
    seq = items if isinstance(items, Sequence) else list(items)
    head = ", ".join(fmt(item) for item in seq[:3])
    return head + (f" and {len(seq) - 3} more" if len(seq) > 3 else "")

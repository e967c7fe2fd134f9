"""Steps that several domain modules' recipes share (on :class:`ArrayInputs`).

Private module: the recipes of ``water``, ``renewables`` … call these helpers so that one
rule (and one note text) serves every indicator built the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from greenplan.indicators.registry import ArrayInputs

__all__ = ["sum_or_reported_total"]


def sum_or_reported_total(
    x: ArrayInputs,
    parts: Sequence[np.ndarray],
    total: np.ndarray,
    *,
    parent: str,
    missing_as_zero: bool,
    unreported: str,
    parent_notes: Sequence[str] = (),
) -> np.ndarray:
    """Sum of the sources of a total, or the reported total where no source is given.

    ``total`` is the sum of ``parts`` made by the module's formula function (NaN where it
    cannot be formed); the variable ``parent`` (the reported total) fills those rows. The
    method notes say, in this order: ``"<unreported> not reported taken as 0"`` when
    ``missing_as_zero`` and a row has some but not all ``parts``; ``"<parent> (reported
    total) where no source is given"`` followed by ``parent_notes`` when the reported total
    fills a row.

    Examples
    --------
    Two sources, both given in 2021 (1 + 2), neither in 2022 (the reported total 5 is taken):

    >>> import pandas as pd
    >>> from greenplan.indicators.registry import Inputs
    >>> rows = pd.MultiIndex.from_product([["济南市"], [2021, 2022]], names=["region", "year"])
    >>> wide = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, np.nan], "t": [9.0, 5.0]}, rows)
    >>> x = Inputs(wide, {"base_year": 2020}).arrays
    >>> parts = [x["a"], x["b"]]
    >>> sum_or_reported_total(
    ...     x, parts, parts[0] + parts[1], parent="t", missing_as_zero=True, unreported="sources"
    ... ).tolist()
    [3.0, 5.0]
    """
    if missing_as_zero:
        present = ~np.isnan(np.array(parts))  # one row per part
        if (present.any(axis=0) & ~present.all(axis=0)).any():
            x.note(f"{unreported} not reported taken as 0")
    reported_total = x[parent]
    if (np.isnan(total) & ~np.isnan(reported_total)).any():
        x.note(f"{parent} (reported total) where no source is given")
        for text in parent_notes:
            x.note(text)
    return np.where(np.isnan(total), reported_total, total)

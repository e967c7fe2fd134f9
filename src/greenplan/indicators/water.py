"""Water: total water use, water intensity, non-conventional water and reclaimed-water use.

The plan (五(四)) sets three water targets for 2025: total water use within the province's
cap, water use per 10⁴ yuan of GDP −16 % vs 2020 (GDP at comparable prices), and
non-conventional water use of 2.5亿立方米. Its goals (二(三)) also ask for a marked rise in
the reclaimed-water utilisation rate (再生水利用率).

Canonical units: volumes in 亿立方米 (10⁸ m³), GDP in 亿元, intensities in 立方米/万元.

References
----------
.. [MWR] 水利部, 中国水资源公报 / 济南市水资源公报: total water use (用水总量) of the four
   sectors 生活、工业、农业、人工生态环境补水 [M].
.. [NCW] 水利部、国家发展改革委, 关于加强非常规水源配置利用的指导意见 (水节约〔2023〕206号):
   reclaimed water, harvested rainwater, desalinated seawater, mine water, brackish water [C].
.. [RW] 国家发展改革委等, 关于推进污水资源化利用的指导意见 (发改环资〔2021〕13号): reclaimed-water
   utilisation rate of water-scarce cities ≥25 % (Yellow River middle/lower reaches ≥30 %) in
   2025; 国家节水型城市考核标准: 再生水利用率 = 再生水利用量 / 污水处理总量 [M].
.. [Std] 水节约〔2023〕206号 (non-conventional water); 水利部 用水总量和强度双控 (water intensity
   at 2020 constant prices) [M].
"""

from __future__ import annotations

import numpy as np

from greenplan.indicators._common import PERCENT, ArrayLike, nonzero, percent_change, sum_components
from greenplan.indicators._templates import sum_or_reported_total
from greenplan.indicators.registry import (
    ArrayInputs,
    change_recipe,
    declare_option,
    formula_recipe,
    on_arrays,
    per_gdp_recipe,
    recipe,
    reported,
)

__all__ = [
    "M3_PER_10K_YUAN",
    "NONCONVENTIONAL_SOURCES",
    "PERCENT",
    "nonconventional_water_use",
    "percent_change",
    "reclaimed_water_utilization_rate",
    "sum_components",
    "water_use_per_gdp",
]


M3_PER_10K_YUAN = 1.0e4
"""立方米/万元 per (亿立方米/亿元): 10⁸ m³ / 10⁴ 万元 (a unit identity, not a coefficient;
equal to ``greenplan.units.factor("亿立方米/亿元", "立方米/万元")``)."""


NONCONVENTIONAL_SOURCES: tuple[str, ...] = (
    "water_reclaimed",
    "water_rainwater",
    "water_desalinated",
    "water_mine",
    "water_brackish",
)
"""The five non-conventional sources of 水节约〔2023〕206号 (children of water_nonconventional)."""

declare_option(
    "nonconventional_water_missing_sources",
    "zero",
    "How a non-conventional source that is not reported for a region-year counts in "
    "nonconventional_water_use: 'zero' (absent = not used; a region-year with no source at "
    "all stays missing) or 'nan' (every one of the five sources must be reported).",
    choices=("zero", "nan"),
    source=(
        "水节约〔2023〕206号 lists five sources; Jinan is inland (no desalinated seawater) and "
        "bulletins report only the sources in use"
    ),
)


def water_use_per_gdp(water_use: ArrayLike, gdp: ArrayLike) -> ArrayLike:
    r"""Water use per 10⁴ yuan of GDP (万元GDP用水量).

    Parameters
    ----------
    water_use : float, array or Series
        Total water use [亿立方米].
    gdp : float, array or Series
        GDP [亿元]; at comparable 2020 prices for the plan's indicator.

    Returns
    -------
    same type as inputs
        Water intensity [立方米/万元]; NaN where ``gdp`` is 0 or missing.

    Notes
    -----
    .. math:: I = 10^4 \cdot \frac{W\,[10^8\,m^3]}{GDP\,[10^8\,yuan]}

    The factor 10⁴ is the unit identity (10⁸ m³)/(10⁴ 万元) = 10⁴ m³/万元.

    References
    ----------
    Plan 五(四); 水利部 用水总量和强度双控 (MWR uses 2020 constant prices) [M].

    Examples
    --------
    >>> round(water_use_per_gdp(10.0, 10000.0), 6)  # 10⁹ m³ / 10⁸ 万元
    10.0
    """
    return water_use / nonzero(gdp) * M3_PER_10K_YUAN


def nonconventional_water_use(
    reclaimed: ArrayLike,
    rainwater: ArrayLike,
    desalinated: ArrayLike,
    mine: ArrayLike,
    brackish: ArrayLike,
    *,
    missing_as_zero: bool = True,
) -> ArrayLike:
    """Non-conventional water use (非常规水利用量), the sum of its five sources.

    Parameters
    ----------
    reclaimed : float, array or Series
        Reclaimed water used (再生水) [亿立方米].
    rainwater : float, array or Series
        Harvested rainwater used (集蓄雨水) [亿立方米].
    desalinated : float, array or Series
        Desalinated seawater used (海水淡化水) [亿立方米].
    mine : float, array or Series
        Mine / pit water used (矿坑(井)水) [亿立方米].
    brackish : float, array or Series
        Brackish water used, mineralisation 2–5 g/L (微咸水) [亿立方米].
    missing_as_zero : bool, default True
        Count a missing source as 0 when at least one source is present; if False every
        source must be present.

    Returns
    -------
    same type as inputs
        Non-conventional water use [亿立方米]; NaN where no source (or, with
        ``missing_as_zero=False``, not every source) is given.

    Notes
    -----
    .. math:: W_{nc} = W_{rec} + W_{rain} + W_{desal} + W_{mine} + W_{brack}

    Direct use of seawater (cooling) is not part of it [M].

    References
    ----------
    水节约〔2023〕206号; 水节约〔2023〕206号; 水利部 用水总量和强度双控 (2020 constant prices) [M].

    Examples
    --------
    >>> nonconventional_water_use(1.0, 0.2, 0.0, 0.3, 0.0)
    1.5
    """
    return sum_components(
        [reclaimed, rainwater, desalinated, mine, brackish], missing_as_zero=missing_as_zero
    )


def reclaimed_water_utilization_rate(reclaimed: ArrayLike, sewage_treated: ArrayLike) -> ArrayLike:
    r"""Reclaimed-water utilisation rate (再生水利用率).

    Parameters
    ----------
    reclaimed : float, array or Series
        Reclaimed water used [亿立方米].
    sewage_treated : float, array or Series
        Urban sewage treated (城市污水处理总量) [亿立方米].

    Returns
    -------
    same type as inputs
        Reclaimed water used as a share of sewage treated [%]; NaN where ``sewage_treated``
        is 0 or missing.

    Notes
    -----
    .. math:: R = 100 \cdot \frac{W_{rec}}{Q_{treated}}

    A utilisation rate of treated sewage, not a share of total water use.

    References
    ----------
    发改环资〔2021〕13号 (target ≥25 % for water-scarce cities, ≥30 % in the middle and lower
    Yellow River basin); 国家节水型城市考核标准 [M]; plan 二(三).

    Examples
    --------
    >>> reclaimed_water_utilization_rate(5.0, 10.0)
    50.0
    """
    return reclaimed / nonzero(sewage_treated) * PERCENT


# --- recipes ----------------------------------------------------------------------------


reported(
    id="water_use",
    formula="water_use as reported (city = sum of districts where the city is not reported)",
    section="五(四)",
    description=(
        "Total water use of all sectors (生活、工业、农业、人工生态环境补水), including "
        "non-conventional water supplied to users, as published in the water resources "
        "bulletin. Its 2025 cap is assigned by the province."
    ),
    references=("水利部 中国水资源公报", "Plan 五(四)"),
)


per_gdp_recipe(
    id="water_use_per_gdp",
    func=water_use_per_gdp,
    numerator="water_use",
    formula="10⁴ × water_use / gdp_constant_2020",
    section="五(四)",
    description=(
        "Total water use per 10⁴ yuan of GDP at comparable base-year (2020) prices. The "
        "target (−16 % vs 2020) is assessed on this level; see water_use_per_gdp_change."
    ),
    references=("Plan 五(四)",),
)


change_recipe(
    id="water_use_per_gdp_change",
    level="water_use_per_gdp",
    options=("base_year",),
    section="五(四)",
    description=(
        "Relative change of the water intensity against the base year (2020), at comparable "
        "prices; the plan's target is −16 % in 2025. For display: the target is assessed on "
        "the level water_use_per_gdp."
    ),
    references=("Plan 五(四)",),
)


@recipe(
    id="nonconventional_water_use",
    formula=(
        "water_reclaimed + water_rainwater + water_desalinated + water_mine + water_brackish "
        "(water_nonconventional where no source is given)"
    ),
    inputs=(*NONCONVENTIONAL_SOURCES, "water_nonconventional"),
    options=("nonconventional_water_missing_sources",),
    section="五(四)",
    additive=True,
    description=(
        "Water actually supplied to users from non-conventional sources: reclaimed water, "
        "harvested rainwater, desalinated seawater, mine water and brackish water. Sources "
        "not reported count as zero by default (option nonconventional_water_missing_sources)."
    ),
    references=("水节约〔2023〕206号", "Plan 五(四)"),
)
@on_arrays
def _nonconventional_water_use(x: ArrayInputs) -> np.ndarray:
    missing_as_zero = x.option("nonconventional_water_missing_sources") == "zero"
    parts = [x[c] for c in NONCONVENTIONAL_SOURCES]
    total = nonconventional_water_use(*parts, missing_as_zero=missing_as_zero)
    return sum_or_reported_total(
        x,
        parts,
        total,
        parent="water_nonconventional",
        missing_as_zero=missing_as_zero,
        unreported="non-conventional sources",
    )


formula_recipe(
    id="reclaimed_water_utilization_rate",
    func=reclaimed_water_utilization_rate,
    formula="100 × water_reclaimed / urban_sewage_treated",
    inputs=("water_reclaimed", "urban_sewage_treated"),
    section="二(三)",
    description=(
        "Reclaimed water used as a share of urban sewage treated (a utilisation rate of "
        "treated sewage, not a share of total water use). The plan asks for a marked rise; "
        "the national guidance sets ≥25 % for water-scarce cities and ≥30 % in the middle "
        "and lower Yellow River basin for 2025."
    ),
    references=("发改环资〔2021〕13号 [M]", "国家节水型城市考核标准 [M]", "Plan 二(三)"),
)

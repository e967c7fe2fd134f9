"""Environment: good air-quality days, surface-water sections, forest coverage (plan 八).

Indicators
----------
* ``good_air_days_ratio`` — days with daily AQI ≤ 100 over valid monitoring days [%]
  (HJ 633-2012, HJ 663-2013), from the day counts or from daily AQI records
  (:func:`good_days_from_daily_aqi`).
* ``surface_water_class_iii_share`` — national-control sections at class Ⅲ or better over
  sections assessed [%] (GB 3838-2002, 环办〔2011〕22号); ``national_sections_assessed`` keeps
  the section count next to the ratio, because the section set changed between FYPs.
* ``worse_than_v_sections_city`` — city-controlled sections worse than class Ⅴ [个].
* ``forest_coverage`` — forest area over total land area [%].

Record-level tables (daily AQI, section classes) are turned into canonical long rows by
:func:`good_days_from_daily_aqi` and :func:`sections_from_classes` of
:mod:`greenplan.records.monitoring` (re-exported here); the recipes work from the resulting
counts.

Thresholds (AQI ≤ 100, class Ⅲ, 劣Ⅴ, parameters excluded from a section's class) are data in
``resources/factors/env_parameters.csv`` with their sources and confidence tags
(:data:`ENV_PARAMETERS`).

References
----------
.. [HJ633] HJ 633-2012 环境空气质量指数(AQI)技术规定(试行).
.. [HJ663] HJ 663-2013 环境空气质量评价技术规范(试行).
.. [GB3838] GB 3838-2002 地表水环境质量标准.
.. [HB2011] 地表水环境质量评价办法(试行), 环办〔2011〕22号.
.. [Std] HJ 633-2012; HJ 663-2013; GB 3838-2002 and 环办〔2011〕22号.
"""

from __future__ import annotations

import numpy as np

from greenplan.indicators._common import ArrayLike, share_percent
from greenplan.indicators.registry import (
    ArrayInputs,
    declare_option,
    formula_recipe,
    on_arrays,
    recipe,
    reported,
)
from greenplan.records.monitoring import (
    ENV_PARAMETERS,
    EnvParameter,
    good_days_from_daily_aqi,
    parse_water_class,
    sections_from_classes,
)

__all__ = [
    "ENV_PARAMETERS",
    "EnvParameter",
    "forest_coverage",
    "good_days_from_daily_aqi",
    "good_days_ratio",
    "parse_water_class",
    "sections_from_classes",
    "share_percent",
    "water_class_share",
]


# --- pure formula functions -----------------------------------------------------------


def good_days_ratio(good_days: ArrayLike, valid_days: ArrayLike) -> ArrayLike:
    r"""Good air-quality days ratio (空气质量优良天数比例).

    Parameters
    ----------
    good_days : float, array or Series
        Days with daily AQI ≤ 100 (优 and 良) among the valid days [天].
    valid_days : float, array or Series
        Days with a valid daily AQI (data completeness met) [天].

    Returns
    -------
    same type as the inputs
        Ratio [%]; NaN where ``valid_days`` is 0.

    Notes
    -----
    .. math:: R = 100 \cdot \frac{N_{AQI \le 100}}{N_{valid}}

    A day is valid when the data completeness of GB 3095-2012 / HJ 663-2013 is met (at least
    20 hourly values for the 24-hour means) [M]. 14th-FYP assessments may deduct days whose
    exceedance is caused by sand and dust [M]/[?]; see :func:`good_days_from_daily_aqi`.

    References
    ----------
    HJ 633-2012 表2; HJ 663-2013; plan 八(一) (65.2 % by 2025; 62 % in 2020, 一(一)).

    Examples
    --------
    >>> round(good_days_ratio(227.0, 366.0), 2)  # Jinan 2020: 227 good days of 366
    62.02
    """
    return share_percent(good_days, valid_days)


def water_class_share(sections_good: ArrayLike, sections_assessed: ArrayLike) -> ArrayLike:
    r"""Share of monitoring sections at class Ⅲ or better (达到或好于Ⅲ类比例).

    Parameters
    ----------
    sections_good : float, array or Series
        Sections whose class is Ⅰ, Ⅱ or Ⅲ [个].
    sections_assessed : float, array or Series
        Sections assessed in the year (with a class) [个].

    Returns
    -------
    same type as the inputs
        Share [%]; NaN where no section was assessed.

    Notes
    -----
    .. math:: S = 100 \cdot \frac{N_{I..III}}{N_{assessed}}

    A section's class is its worst assessed parameter on annual means (GB 3838-2002,
    环办〔2011〕22号) [M]. The section set changes between plans (85.7 % in 2020 on the
    13th-FYP set, 70 % target on the 14th-FYP set): keep the count with the share.

    References
    ----------
    GB 3838-2002; 环办〔2011〕22号; plan 八(一).

    Examples
    --------
    >>> water_class_share(6.0, 8.0)
    75.0
    """
    return share_percent(sections_good, sections_assessed)


def forest_coverage(forest_area: ArrayLike, land_area: ArrayLike) -> ArrayLike:
    r"""Forest coverage (森林覆盖率).

    Parameters
    ----------
    forest_area : float, array or Series
        Forest area: arbor forest land (canopy ≥ 0.2) + bamboo + shrubland specially designated
        by the state [公顷].
    land_area : float, array or Series
        Total land area of the region [公顷].

    Returns
    -------
    same type as the inputs
        Coverage [%]; NaN where ``land_area`` is 0.

    Notes
    -----
    .. math:: F = 100 \cdot \frac{A_{forest}}{A_{land}}

    The caliber changed: 35.2 % (2015, 国家森林城市 caliber) and 11.4 % (2020, after the Third
    National Land Survey) are not comparable [C]. The 13.68 % target of 2025 is on the new
    caliber.

    References
    ----------
    HJ 633-2012; HJ 663-2013; GB 3838-2002 and 环办〔2011〕22号; plan 八(二).

    Examples
    --------
    >>> forest_coverage(1140.0, 10000.0)  # km² / km²
    11.4
    """
    return share_percent(forest_area, land_area)


# --- options --------------------------------------------------------------------------

declare_option(
    "worse_than_v_scope",
    "city",
    "Which sections worse_than_v_sections_city counts: 'city' (city-controlled sections, "
    "市控断面) or 'city_and_above' (city, provincial and national sections in the region).",
    choices=("city", "city_and_above"),
    source="Plan 八(一): 实现市控断面劣Ⅴ类水体全面消除",
)


# --- recipes --------------------------------------------------------------------------


formula_recipe(
    id="good_air_days_ratio",
    func=good_days_ratio,
    formula="100 × good_air_days / valid_monitoring_days",
    inputs=("good_air_days", "valid_monitoring_days"),
    section="八(一)",
    description=(
        "Share of valid monitoring days with daily AQI ≤ 100 (优 and 良). Day counts can be "
        "built from daily AQI records with good_days_from_daily_aqi."
    ),
    references=("HJ 633-2012", "HJ 663-2013"),
)


formula_recipe(
    id="surface_water_class_iii_share",
    func=water_class_share,
    formula="100 × national_sections_class_iii_or_better / national_sections_assessed",
    inputs=("national_sections_class_iii_or_better", "national_sections_assessed"),
    section="八(一)",
    description=(
        "National-control (国控) sections at class Ⅰ–Ⅲ over national-control sections "
        "assessed; a section's class is its worst assessed parameter. The section set differs "
        "between FYPs: read it with national_sections_assessed."
    ),
    references=("GB 3838-2002", "环办〔2011〕22号"),
)


reported(
    id="national_sections_assessed",
    formula="national_sections_assessed (as reported or counted by sections_from_classes)",
    section="八(一)",
    description=(
        "Number of national-control sections with a class in the year: the denominator of "
        "surface_water_class_iii_share, shown next to it because the section set changed "
        "between the 13th and 14th FYP."
    ),
    references=("HJ 633-2012; HJ 663-2013; GB 3838-2002 and 环办〔2011〕22号",),
)


@recipe(
    id="worse_than_v_sections_city",
    formula=(
        "city_sections_worse_than_v (option worse_than_v_scope='city_and_above': "
        "+ provincial_sections_worse_than_v + national_sections_worse_than_v)"
    ),
    inputs=(
        "city_sections_worse_than_v",
        "provincial_sections_worse_than_v",
        "national_sections_worse_than_v",
    ),
    options=("worse_than_v_scope",),
    section="八(一)",
    description=(
        "Count of city-controlled (市控) monitoring sections whose class is worse than Ⅴ "
        "(劣Ⅴ); the plan's target is elimination (0) by 2025."
    ),
    references=("GB 3838-2002", "环办〔2011〕22号"),
)
@on_arrays
def _worse_than_v_sections_city(x: ArrayInputs) -> np.ndarray:
    count = x["city_sections_worse_than_v"]
    if x.option("worse_than_v_scope") == "city_and_above":
        count = count + x["provincial_sections_worse_than_v"] + x["national_sections_worse_than_v"]
    return count


formula_recipe(
    id="forest_coverage",
    func=forest_coverage,
    formula="100 × forest_area / land_area",
    inputs=("forest_area", "land_area"),
    section="八(二)",
    description=(
        "Forest area over total land area. The 2020 baseline (11.4 %) and the 2025 target "
        "(13.68 %) use the post-Third-National-Land-Survey caliber; the 2015 figure (35.2 %, "
        "national-forest-city caliber) is not comparable."
    ),
    references=("plan 一(一), 八(二)",),
)

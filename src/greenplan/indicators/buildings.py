"""Buildings: new green building area and energy retrofit of existing residential buildings.

Both targets of plan 六(三) are **cumulative** over 2021–2025 (5 000万 m² of new green
buildings, 500万 m² of residential energy retrofit). The indicators hold the **annual**
additions of each year, as the progress layer sums them; ``*_cumulative`` gives the running
sum since 2021 for display.

* ``new_green_building_area`` — computed as the sum of new green building area by rating
  level of GB/T 50378-2019 (基本级, 一星, 二星, 三星) when all four are given, otherwise
  the reported total.
* ``residential_energy_retrofit_area`` — reported (no component formula); districts sum to the
  city.

References
----------
.. [GB50378] GB/T 50378-2019 绿色建筑评价标准 (rating levels 基本级, 一星级, 二星级, 三星级) [M].
.. [Plan] 济南市“十四五”绿色低碳循环发展规划, 六(三).
"""

from __future__ import annotations

from greenplan.indicators._common import ArrayLike
from greenplan.indicators.registry import cumulative_recipe, formula_recipe, reported

__all__ = ["GREEN_BUILDING_LEVELS", "green_building_area"]


AREA = "万平方米"

GREEN_BUILDING_LEVELS = (
    "green_building_area_basic",
    "green_building_area_one_star",
    "green_building_area_two_star",
    "green_building_area_three_star",
)
"""Codes of the new green building area by GB/T 50378-2019 rating level (基本级 … 三星级)."""


def green_building_area(
    basic: ArrayLike, one_star: ArrayLike, two_star: ArrayLike, three_star: ArrayLike
) -> ArrayLike:
    r"""Sum the new green building area over its rating levels.

    Parameters
    ----------
    basic, one_star, two_star, three_star : float, array or Series
        New building area meeting GB/T 50378-2019 at the basic, one-, two- and three-star
        level in the year [万平方米].

    Returns
    -------
    same type as the inputs
        New green building area [万平方米]; NaN where any level is missing (a missing level is
        unknown, not zero: report 0 where there was none).

    Notes
    -----
    .. math:: A = A_{basic} + A_{1\star} + A_{2\star} + A_{3\star}

    Every new urban building follows the green-building standard (plan 六(三); 100 % of new
    civil buildings in 2020, 一(一)), so the basic level counts. The counting point (design
    review, completion) is the reporting department's; keep it constant across years.

    References
    ----------
    GB/T 50378-2019 [M]; plan 六(三).

    Examples
    --------
    >>> green_building_area(100.0, 50.0, 20.0, 5.0)  # 万平方米
    175.0
    """
    return basic + one_star + two_star + three_star


formula_recipe(
    id="new_green_building_area",
    func=green_building_area,
    formula=(
        "green_building_area_basic + green_building_area_one_star + "
        "green_building_area_two_star + green_building_area_three_star (annual additions)"
    ),
    inputs=GREEN_BUILDING_LEVELS,
    section="六(三)",
    additive=True,
    description=(
        "New green building area of the year (annual additions); the 5000万 m² target is the "
        "sum over 2021–2025 (new_green_building_area_cumulative). Computed from the rating "
        "levels when all four are given, else the reported total."
    ),
    references=("GB/T 50378-2019", "plan 六(三)"),
)


cumulative_recipe(
    id="new_green_building_area_cumulative",
    annual="new_green_building_area",
    section="六(三)",
    references=("plan 六(三)",),
)


reported(
    id="residential_energy_retrofit_area",
    formula="residential_energy_retrofit_area (reported annual additions; districts sum to city)",
    section="六(三)",
    additive=True,
    description=(
        "Floor area of existing residential buildings whose energy retrofit was completed in "
        "the year (annual additions); the 500万 m² target is the sum over 2021–2025."
    ),
    references=("plan 六(三)",),
)


cumulative_recipe(
    id="residential_energy_retrofit_area_cumulative",
    annual="residential_energy_retrofit_area",
    section="六(三)",
    references=("plan 六(三)",),
)

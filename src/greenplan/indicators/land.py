"""Land: construction land per unit of GDP (单位GDP建设用地面积) and its change vs 2020.

The plan (五(四)) asks Jinan to "完成省下达的单位GDP建设用地面积下降任务": the province
assigns the decrease. greenplan computes the level at comparable 2020 prices and its change
against 2020.

Units: construction land in 公顷 (hectares, as the land surveys publish it); the intensity in
平方米/万元 (m² per 10⁴ yuan), which is numerically equal to 公顷/亿元, the unit of the land
conservation evaluations (1 ha / 1亿元 = 10⁴ m² / 10⁴ 万元 = 1 m²/万元).

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划, 五(四).
.. [TD] 自然资源部, 建设用地节约集约利用评价规程 (TD/T 1018): 单位GDP建设用地使用面积 and its
   decrease rate [M].
.. [Survey] 第三次全国国土调查 (三调, standard date 2019-12-31) and the annual land change
   surveys (年度国土变更调查): the source of construction land from 2019 on; figures on the
   二调 basis are not comparable [M].
"""

from __future__ import annotations

from greenplan.indicators._common import ArrayLike, nonzero
from greenplan.indicators.registry import change_recipe, per_gdp_recipe

__all__ = ["M2_PER_10K_YUAN", "construction_land_per_gdp"]


M2_PER_10K_YUAN = 1.0
"""平方米/万元 per (公顷/亿元): 10⁴ m² / 10⁴ 万元 (a unit identity, equal to
``greenplan.units.factor("公顷/亿元", "平方米/万元")``)."""


def construction_land_per_gdp(construction_land: ArrayLike, gdp: ArrayLike) -> ArrayLike:
    r"""Compute construction land per unit of GDP (单位GDP建设用地面积).

    Parameters
    ----------
    construction_land : float, array or Series
        Construction land area at year end (建设用地面积) [公顷].
    gdp : float, array or Series
        GDP [亿元]; at comparable 2020 prices for the plan's indicator.

    Returns
    -------
    same type as inputs
        Construction land per 10⁴ yuan of GDP [平方米/万元] (= 公顷/亿元); NaN where ``gdp``
        is 0 or missing.

    Notes
    -----
    .. math:: L = \frac{A\,[ha]}{GDP\,[10^8\,yuan]} = \frac{A\,[m^2]}{GDP\,[10^4\,yuan]}

    References
    ----------
    Plan 五(四); TD/T 1018 建设用地节约集约利用评价规程 [M].

    Examples
    --------
    >>> construction_land_per_gdp(150000.0, 10000.0)  # 公顷 / 亿元 = 平方米/万元
    15.0
    """
    return construction_land / nonzero(gdp) * M2_PER_10K_YUAN


per_gdp_recipe(
    id="construction_land_per_gdp",
    func=construction_land_per_gdp,
    numerator="construction_land_area",
    read="variable",
    formula="construction_land_area [公顷] / gdp_constant_2020 [亿元] (= 平方米/万元)",
    section="五(四)",
    description=(
        "Construction land area at year end per 10⁴ yuan of GDP at comparable base-year "
        "(2020) prices, in m²/10⁴ yuan (numerically ha/10⁸ yuan). The decrease to reach by "
        "2025 is assigned by the province; see construction_land_per_gdp_change."
    ),
    references=("Plan 五(四)", "TD/T 1018 建设用地节约集约利用评价规程 [M]"),
)


change_recipe(
    id="construction_land_per_gdp_change",
    level="construction_land_per_gdp",
    options=("base_year",),
    section="五(四)",
    description=(
        "Relative change of construction land per unit of GDP against the base year (2020), "
        "at comparable prices; negative is a decrease. For display: the target is assessed "
        "on the level."
    ),
    references=("Plan 五(四)",),
)

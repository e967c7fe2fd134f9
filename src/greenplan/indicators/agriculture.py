"""Agriculture: fertilizer intensity, and counts of certified demonstration zones and brands.

The plan (三(三)) sets three agricultural targets for 2025:

* 单位耕地面积化肥使用量较2020年下降6%左右 — fertilizer (pure nutrient, 折纯量) per unit of
  cultivated land, −6 % vs 2020 (``fertilizer_per_cultivated_area``, assessed on the level);
* 创建5个省级以上农业现代化示范区 — *create* 5 provincial-or-national agricultural
  modernization demonstration zones during the plan period
  (``agri_modernization_demo_zones``: zones first certified after the base year and still
  valid at year end; 0 in 2020);
* 省级以上农产品品牌达到50个 — *reach* 50 provincial-or-national agricultural brands
  (``agri_brands_provincial_plus``: every brand valid at year end, whenever certified).

Counts come from registers of certified entities through :func:`count_register` of
:mod:`greenplan.records.registers` (re-exported here), a generic helper (usable for any
register: green factories, parks …) that turns a table ``entity, region, level,
certified_year[, revoked_year]`` into canonical long rows.

Units: fertilizer in 吨 (pure nutrient), areas in 公顷, intensity in 千克/公顷
(1 千克/亩 = 15 千克/公顷).

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划, 三(三).
.. [NBS] 国家统计局, 农业统计报表制度: 农用化肥施用量(折纯量) = 氮肥 + 磷肥 + 钾肥 + 复合肥,
   each as pure nutrient (N, P₂O₅, K₂O) [M].
.. [MARA] 农业农村部, 到2025年化肥减量化行动方案 (2022): 化肥使用量 per unit of
   cultivated/sown area [M].
.. [Survey] 第三次全国国土调查 (三调): cultivated land (耕地) from 2019 on, not comparable
   with 二调 figures [M].
"""

from __future__ import annotations

import numpy as np

from greenplan.indicators._common import ArrayLike, nonzero, sum_components
from greenplan.indicators.registry import (
    ArrayInputs,
    change_recipe,
    declare_option,
    formula_recipe,
    on_arrays,
    recipe,
    reported,
)
from greenplan.records.registers import (
    PROVINCIAL_PLUS_LEVELS,
    REGISTER_COLUMNS,
    count_agri_brands,
    count_agri_demo_zones,
    count_register,
)
from greenplan.records.registers import REGISTER_LEVELS as CERTIFICATION_LEVELS

__all__ = [
    "CERTIFICATION_LEVELS",
    "FERTILIZER_COMPONENTS",
    "KG_PER_TONNE",
    "PROVINCIAL_PLUS_LEVELS",
    "REGISTER_COLUMNS",
    "count_agri_brands",
    "count_agri_demo_zones",
    "count_register",
    "fertilizer_per_area",
    "fertilizer_pure_nutrient",
]


KG_PER_TONNE = 1.0e3
"""千克 per 吨 (a unit identity: ``greenplan.units.factor("吨/公顷", "千克/公顷")``)."""

FERTILIZER_COMPONENTS: tuple[str, ...] = (
    "fertilizer_nitrogen",
    "fertilizer_phosphate",
    "fertilizer_potash",
    "fertilizer_compound",
)
"""Pure-nutrient components of 化肥施用量(折纯量) (children of fertilizer_use)."""

declare_option(
    "fertilizer_area_basis",
    "cultivated",
    "Denominator of fertilizer_per_cultivated_area: 'cultivated' (耕地面积, the plan's "
    "wording 单位耕地面积) or 'sown' (农作物总播种面积, used by some agricultural statistics).",
    choices=("cultivated", "sown"),
    source="Plan 三(三): 单位耕地面积化肥使用量",
)


# --- fertilizer ---------------------------------------------------------------------------


def fertilizer_pure_nutrient(
    nitrogen: ArrayLike, phosphate: ArrayLike, potash: ArrayLike, compound: ArrayLike
) -> ArrayLike:
    """Fertilizer use as pure nutrient (化肥施用量, 折纯量) from its four components.

    Parameters
    ----------
    nitrogen : float, array or Series
        Nitrogen fertilizer, as N (氮肥, 折纯) [吨].
    phosphate : float, array or Series
        Phosphate fertilizer, as P₂O₅ (磷肥, 折纯) [吨].
    potash : float, array or Series
        Potash fertilizer, as K₂O (钾肥, 折纯) [吨].
    compound : float, array or Series
        Compound fertilizer, as pure nutrient (复合肥, 折纯) [吨].

    Returns
    -------
    same type as inputs
        Fertilizer use, pure nutrient [吨]; NaN where any component is missing.

    Notes
    -----
    .. math:: F = F_N + F_{P_2O_5} + F_{K_2O} + F_{compound}

    References
    ----------
    国家统计局 农业统计报表制度 [M].

    Examples
    --------
    >>> fertilizer_pure_nutrient(40000.0, 10000.0, 8000.0, 22000.0)  # N + P2O5 + K2O + compound
    80000.0
    """
    return sum_components([nitrogen, phosphate, potash, compound], missing_as_zero=False)


def fertilizer_per_area(fertilizer: ArrayLike, area: ArrayLike) -> ArrayLike:
    r"""Fertilizer use per unit of land (单位耕地面积化肥使用量).

    Parameters
    ----------
    fertilizer : float, array or Series
        Fertilizer use, pure nutrient (折纯量) [吨].
    area : float, array or Series
        Cultivated land (耕地面积) or crop sown area (农作物总播种面积) [公顷].

    Returns
    -------
    same type as inputs
        Fertilizer per hectare [千克/公顷]; NaN where ``area`` is 0 or missing.

    Notes
    -----
    .. math:: f = 10^3 \cdot \frac{F\,[t]}{A\,[ha]}

    The factor 10³ is the unit identity kg/t. Divide by 15 for 千克/亩.

    References
    ----------
    Plan 三(三); 农业农村部 到2025年化肥减量化行动方案 [M].

    Examples
    --------
    >>> fertilizer_per_area(1000.0, 4000.0)  # 1000 t / 4000 ha = 0.25 t/ha
    250.0
    """
    return fertilizer / nonzero(area) * KG_PER_TONNE


# --- recipes ----------------------------------------------------------------------------


formula_recipe(
    id="fertilizer_use",
    func=fertilizer_pure_nutrient,
    formula=(
        "fertilizer_nitrogen + fertilizer_phosphate + fertilizer_potash + fertilizer_compound "
        "(reported fertilizer_use where a component is missing)"
    ),
    inputs=FERTILIZER_COMPONENTS,
    section="三(三)",
    additive=True,
    description=(
        "Chemical fertilizer applied in agriculture, as pure nutrient (N, P₂O₅, K₂O): the sum "
        "of nitrogen, phosphate, potash and compound fertilizer when all four are given, "
        "otherwise the reported total."
    ),
    references=("国家统计局 农业统计报表制度 [M]",),
)


@recipe(
    id="fertilizer_per_cultivated_area",
    formula="10³ × fertilizer_use [吨] / cultivated_land_area [公顷] (or crop_sown_area)",
    inputs=("fertilizer_use", "cultivated_land_area", "crop_sown_area"),
    options=("fertilizer_area_basis",),
    section="三(三)",
    description=(
        "Fertilizer use (pure nutrient) per hectare of cultivated land (耕地; option "
        "fertilizer_area_basis='sown' divides by the crop sown area instead). The target "
        "(−6 % 左右 vs 2020) is assessed on this level; see fertilizer_per_cultivated_area_change."
    ),
    references=("Plan 三(三)", "农业农村部 到2025年化肥减量化行动方案 [M]"),
)
@on_arrays
def _fertilizer_per_cultivated_area(x: ArrayInputs) -> np.ndarray:
    basis = x.option("fertilizer_area_basis")
    area = x["cultivated_land_area"] if basis == "cultivated" else x["crop_sown_area"]
    x.note("per hectare of cultivated land" if basis == "cultivated" else "per hectare sown")
    return fertilizer_per_area(x.indicator("fertilizer_use"), area)


change_recipe(
    id="fertilizer_per_cultivated_area_change",
    level="fertilizer_per_cultivated_area",
    options=("base_year", "fertilizer_area_basis"),
    section="三(三)",
    description=(
        "Relative change of fertilizer use per hectare against the base year (2020); the "
        "plan aims at about −6 % in 2025. For display: the target is assessed on the level."
    ),
    references=("Plan 三(三)",),
)


reported(
    id="agri_modernization_demo_zones",
    formula=(
        "count of zones first certified at provincial level or above in base_year+1…t and "
        "valid at year end (count_agri_demo_zones from a register)"
    ),
    section="三(三)",
    description=(
        "Zones created during the plan period ('创建5个'): 0 in 2020, cumulative count of "
        "zones certified since 2021 that are still valid at year end. Build it from the "
        "register with greenplan.indicators.agriculture.count_agri_demo_zones."
    ),
    references=("Plan 三(三)",),
)

reported(
    id="agri_brands_provincial_plus",
    formula=(
        "count of brands certified at provincial level or above and valid at year end "
        "(count_agri_brands from a register)"
    ),
    section="三(三)",
    description=(
        "Stock of brands to reach ('达到50个'): every provincial-or-national brand valid at "
        "year end, whenever certified. Build it from the register with "
        "greenplan.indicators.agriculture.count_agri_brands."
    ),
    references=("Plan 三(三)",),
)

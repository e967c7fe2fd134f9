"""Innovation: R&D expenditure as a share of GDP (研发经费投入强度).

The plan (九(一)) aims at "全社会研发经费支出占地区生产总值比重达到3.3%" in 2025. Jinan's 2020
figure is 2.62 % (265.46亿元 of R&D against a GDP of 10140.91亿元).

Both the numerator and the denominator are at **current prices** of the same year (NBS
convention): no deflation, unlike the plan's intensities per unit of GDP.

References
----------
.. [NBS] 国家统计局、科学技术部、财政部, 全国科技经费投入统计公报: R&D 经费投入强度 = R&D
   经费内部支出 / GDP [M].
.. [Std] 国家统计局 全国科技经费投入统计公报 (R&D intensity).
.. [JN] 2020 R&D 265.46亿元 and 2.62 %: https://www.jnw.cc/zixun/202203/936.html [C].
"""

from __future__ import annotations

from greenplan.indicators._common import PERCENT, ArrayLike, nonzero
from greenplan.indicators.registry import formula_recipe

__all__ = ["PERCENT", "rd_intensity"]


def rd_intensity(rd_expenditure: ArrayLike, gdp: ArrayLike) -> ArrayLike:
    r"""R&D expenditure as a share of GDP (研发经费投入强度).

    Parameters
    ----------
    rd_expenditure : float, array or Series
        Intramural R&D expenditure (研究与试验发展经费内部支出) [亿元, current prices].
    gdp : float, array or Series
        GDP [亿元, current prices of the same year].

    Returns
    -------
    same type as inputs
        R&D intensity [%]; NaN where ``gdp`` is 0 or missing.

    Notes
    -----
    .. math:: RD = 100 \cdot \frac{E_{R\&D}}{GDP}

    References
    ----------
    NBS 全国科技经费投入统计公报 [M]; 国家统计局 全国科技经费投入统计公报; plan 九(一).

    Examples
    --------
    Jinan 2020 (265.46亿元 / 10140.91亿元):

    >>> round(rd_intensity(265.46, 10140.91), 2)
    2.62
    """
    return rd_expenditure / nonzero(gdp) * PERCENT


formula_recipe(
    id="rd_intensity",
    func=rd_intensity,
    formula="100 × rd_expenditure / gdp (both at current prices)",
    inputs=("rd_expenditure", "gdp"),
    section="九(一)",
    description=(
        "Intramural R&D expenditure of the whole society as a share of GDP, both at current "
        "prices of the year. 2020: 2.62 %; 2025 target: 3.3 %."
    ),
    references=("Plan 九(一)", "NBS 全国科技经费投入统计公报 [M]"),
)

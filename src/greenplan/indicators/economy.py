"""Economy: GDP at comparable (constant) 2020 prices, shared by every intensity indicator.

Statistical bulletins publish nominal GDP and a real growth rate "按不变价格计算". The 14th
Five-Year Plan measures intensities against GDP at 2020 prices, obtained by chaining::

    GDP_t(2020 prices) = GDP_2020(nominal) × Π_{k=2021..t} (1 + g_k)

References
----------
.. [NBS2021] 国家统计局, 2020年分省(区、市)万元地区生产总值能耗降低率等指标公报 (GDP "按照
   2015年价格计算" in the 13th FYP; 2020 prices in the 14th).
.. [Std] 国家统计局 2020年分省万元GDP能耗降低率公报 (constant-price GDP by chaining).
"""

from __future__ import annotations

import numpy as np

from greenplan.indicators._common import ArrayLike
from greenplan.indicators.registry import ArrayInputs, on_arrays, recipe

__all__ = ["chain_index", "chain_index_backward", "constant_price_gdp", "growth_from_index"]


def growth_from_index(index: ArrayLike) -> ArrayLike:
    """Return the real growth rate from a volume index with the previous year = 100.

    Parameters
    ----------
    index : float, array or Series
        GDP index, previous year = 100 [1].

    Returns
    -------
    same type as ``index``
        Growth on the previous year [%].

    Notes
    -----
    .. math:: g = I - 100

    NaN stays NaN.

    References
    ----------
    国家统计局, 中国统计年鉴, 主要统计指标解释: 地区生产总值指数 (上年=100) "按不变价格计算";
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> round(growth_from_index(107.2), 6)  # index 107.2 (previous year = 100)
    7.2
    """
    return index - 100.0


def chain_index(growth: np.ndarray) -> np.ndarray:
    r"""Return the cumulative volume index from annual real growth rates.

    Parameters
    ----------
    growth : array, shape (..., n_years)
        Real growth on the previous year [%], years along the last axis.

    Returns
    -------
    numpy.ndarray
        :math:`\prod_{k \le t} (1 + g_k/100)` for each t [1]; NaN from the first missing
        rate on.

    Notes
    -----
    .. math:: I_t = \prod_{k \le t} (1 + g_k / 100)

    A missing year breaks the chain: there is no comparable-price level after it.

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报 (build intensities from a GDP index chain).

    Examples
    --------
    >>> np.round(chain_index(np.array([10.0, 10.0, np.nan, 5.0])), 4)  # 1.1, 1.1², then broken
    array([1.1 , 1.21,  nan,  nan])
    """
    factors = 1.0 + np.asarray(growth, dtype="float64") / 100.0
    return np.cumprod(factors, axis=-1)


def chain_index_backward(factors: np.ndarray) -> np.ndarray:
    r"""Return the volume index of the years up to the base year, deflated back from it.

    Parameters
    ----------
    factors : array, shape (..., n_years)
        Real growth factor of each year on the previous one, :math:`1 + g_t/100` [1], years
        ascending along the last axis; the last year is the base year. The first year's
        factor is not used (it links that year to the one before).

    Returns
    -------
    numpy.ndarray
        The index with the base year = 1 [1], same shape: 1 in the last column, and for each
        earlier year the next year's index divided by the next year's factor. NaN from a
        missing factor backwards.

    Notes
    -----
    .. math:: I_{base} = 1, \qquad I_t = I_{t+1} / (1 + g_{t+1}/100) \quad (t < base)

    The divisions run from the base year backwards, one year after the other, as a loop
    over the years would do them (``numpy.divide.accumulate`` over the reversed factors), so
    the result is the same to the last bit.

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报 (build intensities from a GDP index chain).

    Examples
    --------
    >>> chain_index_backward(np.array([1.25, 1.25, 1.6]))  # 1/1.6/1.25, 1/1.6, base year
    array([0.5  , 0.625, 1.   ])
    """
    f = np.asarray(factors, dtype="float64")
    steps = np.empty_like(f)
    steps[..., 0] = 1.0  # the base year
    steps[..., 1:] = f[..., :0:-1]  # f_base, f_base-1, …, f_first+1: the divisors in turn
    return np.divide.accumulate(steps, axis=-1)[..., ::-1]


def constant_price_gdp(gdp_base: ArrayLike, index_vs_base: ArrayLike) -> ArrayLike:
    r"""Return GDP at the base year's prices.

    Parameters
    ----------
    gdp_base : float, array or Series
        Nominal GDP of the base year [亿元].
    index_vs_base : float, array or Series
        Real volume index of the year relative to the base year (base = 1) [1].

    Returns
    -------
    same type as inputs
        GDP of the year at base-year prices [亿元, base-year prices].

    Notes
    -----
    .. math:: GDP_t^{(2020)} = GDP_{2020} \times \prod_{k=2021}^{t} (1 + g_k)

    References
    ----------
    国家统计局 2020年分省万元GDP能耗降低率公报.

    Examples
    --------
    >>> constant_price_gdp(10000.0, 1.25)  # 亿元 × index vs base
    12500.0
    """
    return gdp_base * index_vs_base


def _first_chained_year(distinct_years: np.ndarray, base: int) -> int:
    """Return the first year whose rows can be deflated back from ``base``.

    A row of year t < base needs the factors of every year t+1 … base; a year that no row
    has leaves NaN for all years before it. So only years from the latest year ≤ base
    without a row are worth a column in a backward grid; earlier rows are NaN.
    """
    years = set(distinct_years.tolist())
    first = base
    while first in years:
        first -= 1
    return first


def _real_growth(x: ArrayInputs, growth: str, index: str) -> np.ndarray:
    """Real growth [%]: the variable ``growth``, else the one implied by ``index`` (prev. = 100)."""
    values = x[growth]
    if x.has(index):
        values = np.where(np.isnan(values), growth_from_index(x[index]), values)
    return values


@recipe(
    id="gdp_real_index",
    formula="100 × Π_{k=base+1..t} (1 + gdp_real_growth_k/100); 100 in the base year",
    inputs=("gdp_real_growth", "gdp_index"),
    options=("base_year",),
    description=(
        "Volume index of GDP at comparable prices with the base year = 100, chained from the "
        "published real growth rates (or the GDP index, previous year = 100). Years before "
        "the base year are deflated backwards."
    ),
    references=("国家统计局 2020年分省万元GDP能耗降低率公报",),
)
@on_arrays
def _gdp_real_index(x: ArrayInputs) -> np.ndarray:
    growth = _real_growth(x, "gdp_real_growth", "gdp_index")
    base = x.base_year
    factor = 1.0 + growth / 100.0
    forward = x.cumulative_product_since_base(factor)
    # Backwards: I_t = I_{t+1} / (1 + g_{t+1}) for t < base, on a (region × year) grid.
    years = x.years
    back = np.full(len(years), np.nan)
    # years before the latest year without a row stay NaN: a missing factor breaks the chain
    upto = (years <= base) & (years >= _first_chained_year(x.distinct_years()[0], base))
    if upto.any():
        codes, uniques = x.region_codes()
        first = int(years[upto].min())
        col = years[upto] - first
        f = np.full((len(uniques), base - first + 1), np.nan)
        f[codes[upto], col] = factor[upto]
        back[upto] = chain_index_backward(f)[codes[upto], col]
    index = np.where(years > base, forward, back)
    return 100.0 * index


@recipe(
    id="gdp_constant_2020",
    formula="gdp[base year] × gdp_real_index / 100",
    inputs=("gdp", "gdp_real_growth", "gdp_index"),
    options=("base_year",),
    additive=True,
    description=(
        "GDP of each year valued at base-year (2020) prices: the base year's nominal GDP "
        "carried forward (and back) by the real growth rates. Every intensity of the plan "
        "uses it as denominator."
    ),
    references=("NBS 2020 provincial intensity bulletin",),
)
@on_arrays
def _gdp_constant(x: ArrayInputs) -> np.ndarray:
    base_gdp = x.at_base(x["gdp"])
    return constant_price_gdp(base_gdp, x.indicator("gdp_real_index") / 100.0)

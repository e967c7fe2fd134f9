"""Industry and the green economy: green-industry output, certified entities, parks, data centres.

The plan's industrial targets (三(一), 二(三), 四(二), 五(二)) fall into five groups:

* **output of green industries** (智能制造与高端装备、绿色建筑产业链、节能与新能源汽车、清洁能源、
  节能环保服务业、循环经济产业), 亿元 at current prices, only ever reported directly;
* **the "四新" economy share**: value added of the new technologies, new industries, new
  business forms and new models divided by GDP, both at current prices;
* **counts of certified entities** (green factories, specialised/gazelle/champion enterprises,
  green industrial parks) from registers, each entity counted once (:func:`count_certified`);
* **shares of parks and data-centre projects** meeting a criterion, from project and park
  tables (:func:`count_parks`, :func:`count_data_center_projects`);
* **industrial intensities** (energy, water, pollutants per unit of industrial value added at
  comparable 2020 prices), whose targets are a direction: "明显下降".

Record-level tables are turned into canonical long rows (``region, year, variable, value,
unit``) by the public helpers below; concatenate them with the other statistics and pass the
result to :func:`greenplan.compute`.

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划 (济南市人民政府办公厅, 2022-06-21), 二(三), 三(一),
   四(二), 五(二).
.. [EPT] 《中华人民共和国环境保护税法》(2016, in force 2018), 附表二 应税污染物和当量值表.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from greenplan._resources import read_resource_csv
from greenplan.indicators._common import PERCENT, ArrayLike, nonzero, percent_change
from greenplan.indicators.economy import constant_price_gdp, growth_from_index
from greenplan.indicators.registry import OPTIONS, Inputs, declare_option, recipe, reported
from greenplan.regions import CITY, resolve_region
from greenplan.variables import VARIABLES

__all__ = [
    "CERTIFICATION_LEVELS",
    "POLLUTANTS",
    "change_vs_base",
    "count_certified",
    "count_data_center_projects",
    "count_parks",
    "industrial_intensity",
    "pollutant_total",
    "pollution_equivalent_weights",
    "power_usage_effectiveness",
    "rack_utilization",
    "share_percent",
]


DOMAIN = "industry"

LONG_COLUMNS = ["region", "year", "variable", "value", "unit"]
"""Columns of the canonical long rows the record helpers return."""

CERTIFICATION_LEVELS: dict[str, str] = {
    "national": "national",
    "国家级": "national",
    "国家": "national",
    "国家级以上": "national",
    "provincial": "provincial",
    "省级": "provincial",
    "省": "provincial",
    "municipal": "municipal",
    "市级": "municipal",
    "市": "municipal",
}
"""Accepted spellings of a certification level (vocabulary, compared casefolded)."""

POLLUTANTS: dict[str, tuple[str, str]] = {
    "cod": ("化学需氧量", "COD"),
    "ammonia_nitrogen": ("氨氮", "ammonia nitrogen"),
    "so2": ("二氧化硫", "SO2"),
    "nox": ("氮氧化物", "NOx"),
    "particulates": ("颗粒物", "particulate matter"),
    "vocs": ("挥发性有机物", "VOCs"),
}
"""Industrial pollutants (中文, English) with an emission variable ``industrial_<key>_emissions``
[吨]."""

_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "有", "√", "✓", "已实施", "已完成"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "无", "×", "未实施", "未完成", ""})

# --- options -------------------------------------------------------------------------------


def _is_number_in(lo: float, hi: float) -> Any:
    def check(v: Any) -> bool:
        return isinstance(v, int | float | np.integer | np.floating) and lo <= float(v) <= hi

    return check


def _parse_pollutant_set(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [p.strip() for p in value.replace(",", "+").split("+")]
    else:
        items = [str(p).strip() for p in value]
    return tuple(p for p in items if p)


def _valid_pollutant_set(value: Any) -> bool:
    try:
        items = _parse_pollutant_set(value)
    except TypeError:
        return False
    return bool(items) and all(p in POLLUTANTS for p in items) and len(set(items)) == len(items)


declare_option(
    "data_center_pue_below",
    1.25,
    "A data-centre project complies when its PUE is strictly below this value.",
    check=_is_number_in(1.0, 5.0),
    source="济南市“十四五”绿色低碳循环发展规划 三(一): "
    "优先支持PUE值低于1.25…的数据中心新(扩、改)建项目",
)
declare_option(
    "data_center_rack_utilization_above",
    65.0,
    "A data-centre project complies when its rack utilization [%] is strictly above this value.",
    check=_is_number_in(0.0, 100.0),
    source="济南市“十四五”绿色低碳循环发展规划 三(一): "
    "优先支持…上架率高于65%的数据中心新(扩、改)建项目",
)
declare_option(
    "eco_park_share_denominator",
    "all",
    "Denominator of the provincial eco-industrial park share: every industrial park ('all') "
    "or only provincial-and-above parks ('provincial_plus').",
    choices=("all", "provincial_plus"),
    source="济南市“十四五”绿色低碳循环发展规划 五(二): "
    "省级生态工业园区比例力争达到工业园区的50%以上 "
    "(the plan says 工业园区 without a level: 'all' follows the words) [?]",
)
declare_option(
    "industrial_pollutants",
    "cod+ammonia_nitrogen+so2+nox",
    "Pollutants summed in industrial_pollutants_per_value_added: '+'-joined keys of "
    f"{', '.join(POLLUTANTS)} (or a list).",
    check=_valid_pollutant_set,
    source="The four major pollutants of total-emission control (COD, NH3-N, SO2, NOx) reported by "
    "environmental statistics; the plan (三(一)) names no list [?]",
)
declare_option(
    "industrial_pollutant_weighting",
    "mass",
    "How pollutants are added: 'mass' (tonnes as emitted) or 'cod_equivalent' (tonnes "
    "weighted by pollution-equivalent values, expressed as tonnes of COD-equivalent).",
    choices=("mass", "cod_equivalent"),
    source="cod_equivalent: 《环境保护税法》附表二 pollution-equivalent values "
    "(resources/factors/industry_pollution_equivalents.csv; SO2, NOx [M], particulates [?])",
)

# --- pure formula functions ----------------------------------------------------------------


def share_percent(part: ArrayLike, total: ArrayLike) -> ArrayLike:
    r"""Share of a part in a total, in per cent.

    Parameters
    ----------
    part : float, array or Series
        The part (value added, count of compliant projects …) [same unit as ``total``].
    total : float, array or Series
        The total (GDP, count of projects …) [same unit as ``part``].

    Returns
    -------
    same type as inputs
        Share [%]; NaN where ``total`` is zero, negative or missing (a share of nothing is
        undefined, never inf) or ``part`` is missing.

    Notes
    -----
    .. math:: s = 100 \times \frac{part}{total}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一) (“四新”经济占全部经济总量比重), 五(二) (park
    shares). Unlike :func:`greenplan.indicators.environment.share_percent` the ratio is taken
    before scaling (results agree to the last bit or two) and a negative total gives NaN.

    Examples
    --------
    >>> share_percent(3.0, 4.0)
    75.0
    """
    return PERCENT * (part / nonzero(total, positive=True))


def industrial_intensity(amount: ArrayLike, value_added: ArrayLike) -> ArrayLike:
    r"""Amount of a resource or emission per unit of industrial value added.

    Parameters
    ----------
    amount : float, array or Series
        Energy [万吨标准煤], water [万立方米] or pollutant emissions [吨] of industry.
    value_added : float, array or Series
        Industrial value added at comparable base-year prices [亿元].

    Returns
    -------
    same type as inputs
        ``amount / value_added``: [吨标准煤/万元] for energy in 万吨标准煤, [立方米/万元] for
        water in 万立方米, [吨/亿元] for emissions in 吨 (the canonical units are chosen so
        that no conversion factor is needed: 10⁴ t / 10⁴ 万元 = t/万元). NaN where value added
        is zero, negative or missing.

    Notes
    -----
    .. math:: I_t = \frac{A_t}{VA_t^{(2020)}}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一): 单位工业增加值能耗、污染物排放量、用水量明显下降.

    Examples
    --------
    >>> industrial_intensity(1500.0, 2500.0)
    0.6
    """
    return amount / nonzero(value_added, positive=True)


def change_vs_base(level: ArrayLike, base_level: ArrayLike) -> ArrayLike:
    r"""Relative change of a level against the base year, in per cent.

    Parameters
    ----------
    level : float, array or Series
        Value in the year [any unit].
    base_level : float, array or Series
        Value in the base year [same unit].

    Returns
    -------
    same type as inputs
        Change [%], negative for a decrease; NaN where the base level is zero, negative or
        missing.

    Notes
    -----
    .. math:: \Delta = 100 \times \left(\frac{I_t}{I_{2020}} - 1\right)

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划: base year 2020; 三(一) (intensities 明显下降).

    Examples
    --------
    >>> round(change_vs_base(0.56, 0.6), 6)
    -6.666667
    """
    return percent_change(level, base_level, positive=True)


def power_usage_effectiveness(total_facility_energy: ArrayLike, it_energy: ArrayLike) -> ArrayLike:
    r"""Power usage effectiveness (PUE) of a data centre.

    Parameters
    ----------
    total_facility_energy : float, array or Series
        Total energy used by the data centre over the period [any energy unit].
    it_energy : float, array or Series
        Energy used by the IT equipment over the same period [same unit].

    Returns
    -------
    same type as inputs
        PUE [1] (≥ 1 for physical data); NaN where IT energy is zero, negative or missing.

    Notes
    -----
    .. math:: PUE = \frac{E_{total}}{E_{IT}}

    References
    ----------
    GB 40879-2021 《数据中心能效限定值及能效等级》 (PUE as total energy / IT energy) [M];
    济南市“十四五”绿色低碳循环发展规划 三(一).

    Examples
    --------
    >>> power_usage_effectiveness(1200.0, 1000.0)
    1.2
    """
    return total_facility_energy / nonzero(it_energy, positive=True)


def rack_utilization(racks_used: ArrayLike, racks_installed: ArrayLike) -> ArrayLike:
    r"""Rack utilization (上架率) of a data centre.

    Parameters
    ----------
    racks_used : float, array or Series
        Racks in use (已上架机架数) [个].
    racks_installed : float, array or Series
        Racks installed (可用/建成机架数) [个].

    Returns
    -------
    same type as inputs
        Utilization [%]; NaN where no rack is installed.

    Notes
    -----
    .. math:: u = 100 \times \frac{racks_{used}}{racks_{installed}}

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 三(一): 上架率高于65%.

    Examples
    --------
    >>> rack_utilization(70, 100)
    70.0
    """
    return share_percent(racks_used, racks_installed)


def pollutant_total(
    emissions: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> Any:
    r"""Sum of several pollutants' emissions, optionally weighted.

    Parameters
    ----------
    emissions : mapping of str to float, array or Series
        Emissions by pollutant [吨].
    weights : mapping of str to float, optional
        Weight of each pollutant [1] (e.g. tonnes of COD-equivalent per tonne, from
        :func:`pollution_equivalent_weights`); default 1 for every pollutant (mass sum).

    Returns
    -------
    float, array or Series
        :math:`\sum_i w_i E_i` [吨, or 吨 COD-equivalent]; NaN where any component is missing
        (a partial sum is never returned). An empty mapping raises ``ValueError``.

    Notes
    -----
    .. math:: E = \sum_i w_i E_i

    References
    ----------
    《中华人民共和国环境保护税法》附表二 应税污染物和当量值表 (pollution equivalents, for
    the weights); 济南市“十四五”绿色低碳循环发展规划 三(一).

    Examples
    --------
    >>> pollutant_total({"cod": 10.0, "nox": 5.0})
    15.0
    """
    if not emissions:
        raise ValueError("pollutant_total needs at least one pollutant.")
    total: Any = None
    for name, value in emissions.items():
        w = 1.0 if weights is None else weights[name]
        term = value * w
        total = term if total is None else total + term
    return total


def pollution_equivalent_weights() -> dict[str, float]:
    """Weights that turn tonnes of a pollutant into tonnes of COD-equivalent.

    Returns
    -------
    dict of str to float
        :math:`w_i = e_{COD} / e_i` [1], where :math:`e_i` is the pollution-equivalent value
        [kg] of 《环境保护税法》附表二, read from
        ``resources/factors/industry_pollution_equivalents.csv`` (COD 1, NH3-N 0.8 [C];
        SO2 0.95, NOx 0.95 [M]; particulates as 一般性粉尘 4 [?]). VOCs have no single
        value in the law and are absent.
    """
    return dict(_equivalent_weights())


@lru_cache(maxsize=1)
def _equivalent_weights() -> dict[str, float]:

    rows = read_resource_csv("factors", "industry_pollution_equivalents.csv")
    values = {r["pollutant"]: float(r["equivalent_value"]) for r in rows}
    reference = values["cod"]
    return {p: reference / v for p, v in values.items()}


# --- record-level helpers -> canonical long rows -------------------------------------------


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {what} table lacks column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, frame.columns))}."
        )


def _rows(mask: np.ndarray | pd.Series) -> str:
    positions = np.flatnonzero(np.asarray(mask)) + 1
    shown = ", ".join(str(int(p)) for p in positions[:10])
    more = f" (and {len(positions) - 10} more)" if len(positions) > 10 else ""
    return f"row(s) {shown}{more} (first row = 1)"


def _years(values: pd.Series, column: str, what: str, *, optional: bool = False) -> np.ndarray:
    """Years as float (NaN allowed only if ``optional``); non-integers raise."""
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    bad = np.isnan(num) & (values.notna().to_numpy() if optional else True)
    bad |= ~np.isnan(num) & (num != np.round(num))
    if bad.any():
        raise ValueError(f"{what}: column {column!r} must hold whole years; bad {_rows(bad)}.")
    return num


def _regions(values: pd.Series, what: str) -> np.ndarray:
    text = values.astype("string").str.strip()
    if text.isna().any() or (text == "").any():
        raise ValueError(
            f"{what}: column 'region' is empty in {_rows(text.isna() | (text == ''))}."
        )
    uniques = pd.unique(text.to_numpy(dtype=object))
    mapping = {u: resolve_region(u) or u for u in uniques}
    return text.map(mapping).to_numpy(dtype=object)


def _flags(values: pd.Series, column: str, what: str) -> np.ndarray:
    """Yes/no column to bool: bools, 0/1, 是/否, yes/no, true/false; blank means no."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype("string").str.strip().str.casefold().fillna("")
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    bad = ~(is_true | is_false)
    if bad.any():
        shown = sorted(set(values[bad].astype(str)))[:5]
        raise ValueError(
            f"{what}: column {column!r} must be yes/no (是/否, 1/0, true/false); "
            f"got {shown} in {_rows(bad)}."
        )
    return is_true


def _long(counts: pd.DataFrame, units: Mapping[str, str]) -> pd.DataFrame:
    """Turn ``counts`` (index (region, year), a column per variable) into canonical long rows."""
    if counts.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else object) for c in LONG_COLUMNS}
        ).astype({"year": "int64"})
    counts = counts.rename_axis(["region", "year"]).reset_index()
    out = counts.melt(id_vars=["region", "year"], var_name="variable", value_name="value")
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    out["unit"] = out["variable"].map(units)
    out["region"] = out["region"].astype(object)
    return out.loc[:, LONG_COLUMNS].sort_values(["variable", "region", "year"], ignore_index=True)


def _grid_counts(
    regions: np.ndarray,
    years: np.ndarray,
    flags: Mapping[str, np.ndarray],
    city: str | None,
) -> pd.DataFrame:
    """Count rows with each flag set, per (region, year) on the full grid, plus the city."""
    data = pd.DataFrame({k: np.asarray(v, dtype="int64") for k, v in flags.items()})
    data["_region"] = regions
    data["_year"] = years.astype("int64")
    all_years = np.unique(data["_year"].to_numpy())
    cols = list(flags)
    parts = []
    local = data if city is None else data[data["_region"] != city]
    if len(local):
        region_names = pd.unique(local["_region"].to_numpy())
        grid = pd.MultiIndex.from_product([region_names, all_years])
        parts.append(local.groupby(["_region", "_year"])[cols].sum().reindex(grid, fill_value=0))
    if city is not None:
        total = data.groupby("_year")[cols].sum().reindex(all_years, fill_value=0)
        total.index = pd.MultiIndex.from_arrays(
            [np.full(len(total), city, dtype=object), all_years]
        )
        parts.append(total)
    return pd.concat(parts) if parts else pd.DataFrame(columns=cols)


def count_certified(
    register: pd.DataFrame,
    *,
    variable: str,
    levels: Iterable[str] = ("national", "provincial"),
    years: Iterable[int] | None = None,
    city: str | None = CITY,
) -> pd.DataFrame:
    r"""Count certified entities valid at each year end, from a register.

    Parameters
    ----------
    register : pandas.DataFrame
        One row per certification, columns ``entity`` (name or credit code), ``region``,
        ``level`` (``national``/``provincial``/``municipal`` or 国家级/省级/市级),
        ``certified_year`` and optionally ``revoked_year`` (blank = still valid). Other
        columns (e.g. ``category`` 专精特新/瞪羚/单项冠军, ``batch``) are ignored.
    variable : str
        Code of the count in the output, e.g. ``"green_factories_provincial_plus"``.
    levels : iterable of str, default ("national", "provincial")
        Levels that qualify (省级及以上 by default). Pass ``("national",)`` for the plan's
        2020 figure of 12 national green factories.
    years : iterable of int, optional
        Years to report; default every year from the first certification to the last
        certification or revocation.
    city : str or None, default "济南市"
        Code of the city row, which counts distinct entities over the whole register (zones
        included). ``None`` when the register does not cover the whole city.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit``: for each region and
        year, the number of distinct entities holding at least one qualifying certification
        at the year end (0 where none). Unit: the variable's codelist unit (家 if unknown).

    Raises
    ------
    ValueError
        A required column is missing; a level is not recognised; a year is not a whole
        number; a revocation precedes its certification; an entity or region is blank.

    Notes
    -----
    Each entity is counted once, in the region of its first qualifying certification (the
    first row listed among certifications of the same year): an entity certified provincial
    in 2019 and national in 2021 counts from 2019 on. A
    certification revoked in year r no longer counts at the end of r. An entity counts at
    year end y if any of its qualifying certifications is valid then:

    .. math:: N_{r,y} = \left|\{e : region(e) = r,\ \exists c \in C_e:
              y_c \le y < y^{rev}_c\}\right|

    Examples
    --------
    >>> reg = pd.DataFrame({"entity": ["A", "A", "B"], "region": ["历下区"] * 3,
    ...                     "level": ["省级", "国家级", "省级"],
    ...                     "certified_year": [2019, 2021, 2021]})
    >>> count_certified(reg, variable="green_factories_provincial_plus",
    ...                 city=None)["value"].tolist()
    [1.0, 1.0, 2.0]
    """
    what = f"register for {variable}"
    _require(register, ("entity", "region", "level", "certified_year"), what)
    level_text = register["level"].astype("string").str.strip().str.casefold()
    table = {k.casefold(): v for k, v in CERTIFICATION_LEVELS.items()}
    level = level_text.map(table)
    unknown = level.isna()
    if unknown.any():
        shown = sorted(set(register.loc[unknown.to_numpy(), "level"].astype(str)))[:5]
        raise ValueError(
            f"{what}: unknown level(s) {shown} in {_rows(unknown)}; use national/provincial/"
            "municipal (国家级/省级/市级)."
        )
    wanted = set()
    for lv in levels:
        key = str(lv).strip().casefold()
        if key not in table:
            raise ValueError(f"Unknown level {lv!r}; use national, provincial or municipal.")
        wanted.add(table[key])

    entity = register["entity"].astype("string").str.strip()
    if entity.isna().any() or (entity == "").any():
        raise ValueError(
            f"{what}: column 'entity' is empty in {_rows(entity.isna() | (entity == ''))}."
        )
    region = _regions(register["region"], what)
    certified = _years(register["certified_year"], "certified_year", what)
    if "revoked_year" in register.columns:
        revoked = _years(register["revoked_year"], "revoked_year", what, optional=True)
    else:
        revoked = np.full(len(register), np.nan)
    early = revoked < certified
    if early.any():
        raise ValueError(f"{what}: revoked_year before certified_year in {_rows(early)}.")

    keep = level.isin(wanted).to_numpy()
    entity_k = entity.to_numpy(dtype=object)[keep]
    region_k, cert_k, rev_k = region[keep], certified[keep], revoked[keep]

    if years is None:
        if not keep.any():
            return _long(pd.DataFrame(), {})
        last = np.nanmax(np.concatenate([cert_k, rev_k]))
        year_axis = np.arange(int(cert_k.min()), int(last) + 1)
    else:
        year_axis = np.array(sorted({int(y) for y in years}), dtype="int64")

    unit = _unit_of(variable, "家")
    end = np.where(np.isnan(rev_k), np.inf, rev_k)
    valid = (cert_k[:, None] <= year_axis[None, :]) & (year_axis[None, :] < end[:, None])
    per_entity = pd.DataFrame(valid.astype("int64"), columns=year_axis)
    counts = per_entity.groupby(entity_k, sort=False).max()
    # Region of each entity: that of its earliest qualifying certification.
    order = np.lexsort((np.arange(len(cert_k)), cert_k))
    first = pd.Series(region_k[order], index=entity_k[order])
    first = first[~first.index.duplicated(keep="first")]
    entity_region = first.reindex(counts.index).to_numpy(dtype=object)

    parts = []
    # Every region of the register gets a row (0 where no qualifying entity), except the city.
    all_regions = [r for r in pd.unique(region) if city is None or r != city]
    if all_regions:
        local = entity_region != city
        by_region = counts[local].groupby(entity_region[local]).sum()
        by_region = by_region.reindex(index=all_regions, columns=year_axis, fill_value=0)
        parts.append(
            pd.Series(
                by_region.to_numpy().ravel(),
                index=pd.MultiIndex.from_product([all_regions, year_axis]),
            )
        )
    if city is not None:
        total = counts.sum(axis=0).reindex(year_axis, fill_value=0)
        parts.append(
            pd.Series(
                total.to_numpy(),
                index=pd.MultiIndex.from_arrays(
                    [np.full(len(year_axis), city, dtype=object), year_axis]
                ),
            )
        )
    frame = pd.concat(parts).to_frame(variable)
    return _long(frame, {variable: unit})


def _unit_of(variable: str, default: str) -> str:

    v = VARIABLES.get(variable)
    return v.unit if v is not None else default


PARK_VARIABLES: dict[str, tuple[str, ...]] = {
    "industrial_parks": (),
    "industrial_parks_provincial_plus": ("is_provincial_plus",),
    "eco_industrial_parks_provincial": ("is_eco_industrial_provincial",),
    "parks_retrofit_eligible": ("is_provincial_plus", "eligible_for_retrofit"),
    "parks_retrofit_done": ("is_provincial_plus", "eligible_for_retrofit", "retrofit_done"),
}
"""Counts :func:`count_parks` produces, and the yes/no columns each one needs (all set)."""


def count_parks(parks: pd.DataFrame, *, city: str | None = CITY) -> pd.DataFrame:
    r"""Count industrial parks by status, per region and year, from a parks table.

    Parameters
    ----------
    parks : pandas.DataFrame
        One row per park and year, columns ``park``, ``region``, ``year`` and the yes/no
        columns ``is_provincial_plus`` (省级及以上园区), ``eligible_for_retrofit``
        (具备循环化改造条件), ``retrofit_done`` (已实施循环化改造) and
        ``is_eco_industrial_provincial`` (省级生态工业园区). Yes/no accepts booleans, 1/0,
        是/否, yes/no, true/false; a blank cell means no. A count whose columns are absent is
        not produced.
    city : str or None, default "济南市"
        Code of the city row (every park of the table); ``None`` to omit it.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows of ``industrial_parks`` (every park listed that year),
        ``industrial_parks_provincial_plus``, ``eco_industrial_parks_provincial``,
        ``parks_retrofit_eligible`` (provincial-and-above and eligible) and
        ``parks_retrofit_done`` (provincial-and-above, eligible and retrofitted) [个], for
        every region and year of the table (0 where none).

    Raises
    ------
    ValueError
        ``park``, ``region`` or ``year`` is missing or blank; a yes/no cell is not
        recognised.

    Notes
    -----
    A park listed twice in a year is counted once, in the region of its first row, with each
    status set if any of its rows sets it. The retrofit numerator is a subset of its
    denominator by construction:

    .. math:: done = |\{p : prov_p \wedge elig_p \wedge retro_p\}|,\quad
              eligible = |\{p : prov_p \wedge elig_p\}|
    """
    what = "parks"
    _require(parks, ("park", "region", "year"), what)
    park = parks["park"].astype("string").str.strip()
    if park.isna().any() or (park == "").any():
        raise ValueError(f"{what}: column 'park' is empty in {_rows(park.isna() | (park == ''))}.")
    columns = {
        c: _flags(parks[c], c, what)
        for c in (
            "is_provincial_plus",
            "eligible_for_retrofit",
            "retrofit_done",
            "is_eco_industrial_provincial",
        )
        if c in parks.columns
    }
    frame = pd.DataFrame(columns, index=parks.index)
    frame["_park"] = park.to_numpy(dtype=object)
    frame["_region"] = _regions(parks["region"], what)
    frame["_year"] = _years(parks["year"], "year", what).astype("int64")
    flags = [c for c in columns]
    agg: dict[str, str] = {"_region": "first", **{c: "max" for c in flags}}
    once = frame.groupby(["_park", "_year"], sort=False).agg(agg).reset_index()
    produced: dict[str, np.ndarray] = {}
    for name, needs in PARK_VARIABLES.items():
        if all(n in columns for n in needs):
            mask = np.ones(len(once), dtype=bool)
            for n in needs:
                mask &= once[n].to_numpy(dtype=bool)
            produced[name] = mask
    counts = _grid_counts(
        once["_region"].to_numpy(dtype=object), once["_year"].to_numpy(), produced, city
    )
    return _long(counts, {k: _unit_of(k, "个") for k in produced})


DATA_CENTER_COUNTS = (
    "data_center_projects",
    "data_center_projects_pue_assessed",
    "data_center_projects_pue_compliant",
    "data_center_projects_rack_assessed",
    "data_center_projects_rack_compliant",
)
"""Counts :func:`count_data_center_projects` produces [个]."""


def count_data_center_projects(
    projects: pd.DataFrame,
    *,
    pue_below: float | None = None,
    rack_utilization_above: float | None = None,
    city: str | None = CITY,
) -> pd.DataFrame:
    r"""Count new, expanded and renovated data-centre projects meeting the plan's criteria.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per project, columns ``project``, ``region``, ``year`` and either ``pue`` or
        both ``total_facility_energy`` and ``it_energy`` (same unit); and either
        ``rack_utilization`` [%] or both ``racks_installed`` and ``racks_used``. A blank
        value means unknown: the project is counted but not assessed on that criterion.
        Where both forms are given, the stated ``pue`` / ``rack_utilization`` wins and the
        components fill its blanks.
    pue_below : float, optional
        PUE threshold (strict); default the option ``data_center_pue_below`` (1.25, plan
        三(一)).
    rack_utilization_above : float, optional
        Rack-utilization threshold [%] (strict); default the option
        ``data_center_rack_utilization_above`` (65 %, plan 三(一)).
    city : str or None, default "济南市"
        Code of the city row (every project of the table); ``None`` to omit it.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows of ``data_center_projects``, ``data_center_projects_pue_assessed``
        (PUE known), ``data_center_projects_pue_compliant`` (PUE < threshold),
        ``data_center_projects_rack_assessed`` and ``data_center_projects_rack_compliant``
        [个] per region and year, plus ``data_center_pue_threshold`` [1] and
        ``data_center_rack_utilization_threshold`` [%]: the thresholds applied, so that
        :func:`greenplan.compute` can check them against its options.

    Raises
    ------
    ValueError
        A required column is missing; a project appears twice in a year; a PUE below 1
        (total energy below IT energy); a utilization outside 0–100 %; more racks used than
        installed.

    Notes
    -----
    .. math:: PUE = E_{total}/E_{IT} < 1.25, \qquad u = 100\,racks_{used}/racks_{installed} > 65
    """
    what = "data-centre projects"
    pue_t = float(OPTIONS["data_center_pue_below"].default if pue_below is None else pue_below)
    rack_t = float(
        OPTIONS["data_center_rack_utilization_above"].default
        if rack_utilization_above is None
        else rack_utilization_above
    )
    _require(projects, ("project", "region", "year"), what)
    has_pue = "pue" in projects.columns
    has_energy = {"total_facility_energy", "it_energy"} <= set(projects.columns)
    has_util = "rack_utilization" in projects.columns
    has_racks = {"racks_installed", "racks_used"} <= set(projects.columns)
    if not (has_pue or has_energy):
        raise ValueError(f"{what}: give 'pue' or both 'total_facility_energy' and 'it_energy'.")
    if not (has_util or has_racks):
        raise ValueError(
            f"{what}: give 'rack_utilization' or both 'racks_installed' and 'racks_used'."
        )

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(projects[col], errors="coerce").to_numpy(dtype="float64")

    project_text = projects["project"].astype("string").str.strip()
    blank = project_text.isna() | (project_text == "")
    if blank.any():
        raise ValueError(f"{what}: column 'project' is empty in {_rows(blank)}.")
    project = project_text.to_numpy(dtype=object)
    region = _regions(projects["region"], what)
    year = _years(projects["year"], "year", what).astype("int64")
    dup = pd.DataFrame({"p": project, "y": year}).duplicated(keep=False).to_numpy()
    if dup.any():
        raise ValueError(f"{what}: a project appears twice in the same year in {_rows(dup)}.")

    pue = np.full(len(projects), np.nan)
    if has_pue:
        pue = num("pue")
    if has_energy:
        pue = np.where(
            np.isnan(pue),
            power_usage_effectiveness(num("total_facility_energy"), num("it_energy")),
            pue,
        )
    if has_racks:
        installed, used = num("racks_installed"), num("racks_used")
        over = used > installed
        if over.any():
            raise ValueError(f"{what}: racks_used exceeds racks_installed in {_rows(over)}.")
    util = np.full(len(projects), np.nan)
    if has_util:
        util = num("rack_utilization")
    if has_racks:
        util = np.where(np.isnan(util), rack_utilization(used, installed), util)
    low = pue < 1.0
    if low.any():
        raise ValueError(
            f"{what}: PUE below 1 (total facility energy below IT energy) in {_rows(low)}."
        )
    outside = (util < 0) | (util > PERCENT)
    if outside.any():
        raise ValueError(f"{what}: rack utilization outside 0–100 % in {_rows(outside)}.")

    flags = {
        "data_center_projects": np.ones(len(projects), dtype=bool),
        "data_center_projects_pue_assessed": ~np.isnan(pue),
        "data_center_projects_pue_compliant": pue < pue_t,
        "data_center_projects_rack_assessed": ~np.isnan(util),
        "data_center_projects_rack_compliant": util > rack_t,
    }
    counts = _grid_counts(region, year, flags, city)
    counts["data_center_pue_threshold"] = pue_t
    counts["data_center_rack_utilization_threshold"] = rack_t
    units = {k: _unit_of(k, "个") for k in DATA_CENTER_COUNTS}
    units["data_center_pue_threshold"] = _unit_of("data_center_pue_threshold", "1")
    units["data_center_rack_utilization_threshold"] = _unit_of(
        "data_center_rack_utilization_threshold", "%"
    )
    return _long(counts, units)


# --- recipes: output of green industries (reported) ---------------------------------------

_OUTPUTS = (
    (
        "smart_mfg_cluster_output",
        "智能制造与高端装备产业集群规模",
        "Smart manufacturing and high-end equipment cluster output",
        "Target 7000亿元 in 2025; the plan gives the 2020 scale as '4000亿级' (一(一)), a round "
        "order of magnitude, not a statistic.",
    ),
    (
        "green_building_industry_output",
        "绿色建筑产业链产值",
        "Green building industry chain output",
        "Target 力争千亿元 in 2025. Output of the whole chain (materials, design, construction, "
        "prefabricated building …) as compiled by the housing department.",
    ),
    (
        "nev_industry_output",
        "节能与新能源汽车产业产值",
        "Energy-saving and new-energy vehicle industry output",
        "Target 力争千亿元 in 2025.",
    ),
    (
        "clean_energy_industry_output",
        "清洁能源产业产值",
        "Clean energy industry output",
        "Target 力争千亿元 in 2025 (solar, wind, geothermal, nuclear equipment … 四(一)).",
    ),
    (
        "energy_saving_env_services_output",
        "节能环保服务业产值",
        "Energy-saving and environmental services output",
        "Target 力争百亿元 in 2025.",
    ),
    (
        "circular_economy_industry_output",
        "循环经济产业产值",
        "Circular economy industry output",
        "Target 力争百亿元 in 2025.",
    ),
)

for _id, _zh, _en, _desc in _OUTPUTS:
    reported(
        id=_id,
        description=(
            f"{_desc} Reported directly (current prices); no component formula: the plan "
            "does not define sub-sectors. Additive across districts."
        ),
        formula="reported",
        section="二(三)",
        references=("济南市“十四五”绿色低碳循环发展规划 二(三), 四(一)",),
        additive=True,
    )

# --- recipes: "四新" economy -------------------------------------------------------------


@recipe(
    id="four_new_economy_share",
    formula="100 × four_new_economy_value_added / gdp (both current prices)",
    inputs=("four_new_economy_value_added", "gdp"),
    section="三(一)",
    references=(
        "济南市“十四五”绿色低碳循环发展规划 三(一) (target 45 %), 一(一) (2020: >36 %)",
        "国家统计局《新产业新业态新商业模式统计分类(2018)》",
    ),
    description=(
        "Value added of new technologies, new industries, new business forms and new models "
        "(新技术、新产业、新业态、新模式) divided by GDP, both at current prices; the city value "
        "is computed from summed value added, never by averaging district shares."
    ),
)
def _four_new_share(x: Inputs) -> pd.Series:
    return share_percent(x["four_new_economy_value_added"], x["gdp"])


# --- recipes: certified entities (reported counts, from registers) -------------------------

reported(
    id="green_factories_provincial_plus",
    formula="count of distinct factories holding a provincial or national green-factory title "
    "at year end (count_certified)",
    section="三(一)",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一), 一(一)",),
    description=(
        "Stock at year end, each factory once. Scope break: the plan's 2020 figure of 12 counts "
        "NATIONAL-level green factories only; count_certified(levels=('national',)) gives the "
        "comparable figure."
    ),
    additive=True,
)
reported(
    id="specialized_gazelle_champion_enterprises",
    formula="count of distinct enterprises with any provincial-or-national 专精特新/瞪羚/单项冠军 "
    "title at year end (count_certified)",
    section="四(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 四(二), 一(一) (2020: 771家)",),
    description="An enterprise holding several titles is counted once.",
    additive=True,
)
reported(
    id="green_industrial_parks",
    formula="count of distinct parks with a green-industrial-park title at year end "
    "(count_certified)",
    section="五(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 五(二)",),
    description=(
        "The plan states no level; count_certified counts provincial and national titles by "
        "default (pass levels= to change the scope, and say so)."
    ),
    additive=True,
)

# --- recipes: parks ------------------------------------------------------------------------


@recipe(
    id="eco_industrial_park_share",
    formula="100 × eco_industrial_parks_provincial / industrial_parks "
    "(or / industrial_parks_provincial_plus)",
    inputs=(
        "eco_industrial_parks_provincial",
        "industrial_parks",
        "industrial_parks_provincial_plus",
    ),
    options=("eco_park_share_denominator",),
    section="五(二)",
    references=("济南市“十四五”绿色低碳循环发展规划 五(二)",),
)
def _eco_park_share(x: Inputs) -> pd.Series:
    if x.option("eco_park_share_denominator") == "provincial_plus":
        denominator = x["industrial_parks_provincial_plus"]
    else:
        denominator = x["industrial_parks"]
    return share_percent(x["eco_industrial_parks_provincial"], denominator)


@recipe(
    id="park_circular_retrofit_coverage",
    formula="100 × parks_retrofit_done / parks_retrofit_eligible",
    inputs=("parks_retrofit_done", "parks_retrofit_eligible"),
    section="五(二)",
    references=(
        "济南市“十四五”绿色低碳循环发展规划 五(二): 具备条件的省级以上园区全部实施循环化改造",
    ),
)
def _retrofit_coverage(x: Inputs) -> pd.Series:
    return share_percent(x["parks_retrofit_done"], x["parks_retrofit_eligible"])


# --- recipes: data centres -----------------------------------------------------------------


def _compliance(
    x: Inputs, *, compliant: str, assessed: str, threshold_var: str, option: str, label: str
) -> pd.Series:
    denominator = x[assessed]
    if not x.has(assessed) and x.has("data_center_projects"):
        denominator = x["data_center_projects"]
        x.note(f"{assessed} not given: every project taken as assessed")
    wanted = float(x.option(option))
    applied = x[threshold_var]
    differs = applied.notna() & ~np.isclose(applied.fillna(wanted), wanted)
    if differs.any():
        used = ", ".join(f"{v:g}" for v in sorted(set(applied[differs])))
        x.note(
            f"counts were made with {label} {used} but {option}={wanted:g}: NaN there; "
            "recount with count_data_center_projects(..., "
            f"{option.removeprefix('data_center_')}={wanted:g})"
        )
    if (applied.isna() & x[compliant].notna()).any():
        x.note(f"threshold of the counts not stated ({threshold_var}): assumed {label} {wanted:g}")
    return share_percent(x[compliant], denominator).mask(differs)


@recipe(
    id="data_center_pue_compliance",
    formula="100 × data_center_projects_pue_compliant / data_center_projects_pue_assessed, "
    "compliant: PUE = total facility energy / IT energy < data_center_pue_below",
    inputs=(
        "data_center_projects_pue_compliant",
        "data_center_projects_pue_assessed",
        "data_center_projects",
        "data_center_pue_threshold",
    ),
    options=("data_center_pue_below",),
    section="三(一)",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一)", "GB 40879-2021 (PUE definition) [M]"),
    description=(
        "Share, among the year's new/expanded/renovated data-centre projects whose PUE is known, "
        "of those with PUE strictly below the threshold. Counts come from "
        "count_data_center_projects; counts made at another threshold than the option give NaN."
    ),
)
def _pue_compliance(x: Inputs) -> pd.Series:
    return _compliance(
        x,
        compliant="data_center_projects_pue_compliant",
        assessed="data_center_projects_pue_assessed",
        threshold_var="data_center_pue_threshold",
        option="data_center_pue_below",
        label="PUE <",
    )


@recipe(
    id="data_center_rack_utilization_compliance",
    formula="100 × data_center_projects_rack_compliant / data_center_projects_rack_assessed, "
    "compliant: racks used / racks installed > data_center_rack_utilization_above",
    inputs=(
        "data_center_projects_rack_compliant",
        "data_center_projects_rack_assessed",
        "data_center_projects",
        "data_center_rack_utilization_threshold",
    ),
    options=("data_center_rack_utilization_above",),
    section="三(一)",
    references=("济南市“十四五”绿色低碳循环发展规划 三(一)",),
    description=(
        "Share, among the year's new/expanded/renovated data-centre projects whose rack "
        "utilization is known, of those above the threshold."
    ),
)
def _rack_compliance(x: Inputs) -> pd.Series:
    return _compliance(
        x,
        compliant="data_center_projects_rack_compliant",
        assessed="data_center_projects_rack_assessed",
        threshold_var="data_center_rack_utilization_threshold",
        option="data_center_rack_utilization_above",
        label="rack utilization >",
    )


# --- recipes: industrial value added and intensities ---------------------------------------

_VA_INPUTS = (
    "industrial_value_added",
    "industrial_value_added_real_growth",
    "industrial_value_added_index",
)


def _backward_index(x: Inputs, factor: pd.Series) -> pd.Series:
    """Volume index (base = 1) for years before the base: I_t = I_{t+1} / f_{t+1}."""
    base = x.base_year
    table = (
        factor.to_frame("f")
        .assign(_r=x.regions, _y=x.years)
        .pivot_table(index="_r", columns="_y", values="f", aggfunc="first", dropna=False)
    )
    first = min(int(min(table.columns)), base) if len(table.columns) else base
    if first >= base:
        return pd.Series(np.nan, index=x.index, dtype="float64")
    years = list(range(first, base + 1))
    arr = table.reindex(columns=years).to_numpy(dtype="float64")
    # Π_{k=t+1}^{base} f_k, accumulated from the base backwards.
    rev = np.cumprod(arr[:, :0:-1], axis=1)[:, ::-1]
    level = np.concatenate([1.0 / rev, np.ones((len(arr), 1))], axis=1)
    stacked = pd.Series(
        level.ravel(),
        index=pd.MultiIndex.from_arrays(
            [np.repeat(table.index.to_numpy(), len(years)), np.tile(np.array(years), len(table))]
        ),
    )
    return pd.Series(
        stacked.reindex(pd.MultiIndex.from_arrays([x.regions, x.years])).to_numpy(),
        index=x.index,
        dtype="float64",
    )


@recipe(
    id="industrial_value_added_constant_2020",
    formula="industrial_value_added[base year] × Π_{k=base+1..t} (1 + industrial_value_added_"
    "real_growth_k/100)",
    inputs=_VA_INPUTS,
    options=("base_year",),
    additive=True,
    section="三(一)",
    references=("国家统计局 2020年分省万元GDP能耗降低率公报 (chaining, as for GDP)",),
    description=(
        "Base-year nominal industrial value added carried forward (and back) by the real growth "
        "of industrial value added (or its index, previous year = 100). Without a growth rate "
        "the value is NaN: current prices are never used as a fallback. Growth and level must "
        "have the same scope (all industry, or 规模以上工业 only)."
    ),
)
def _va_constant(x: Inputs) -> pd.Series:
    growth = x["industrial_value_added_real_growth"]
    if x.has("industrial_value_added_index"):
        growth = growth.fillna(growth_from_index(x["industrial_value_added_index"]))
    factor = 1.0 + growth / PERCENT
    forward = x.cumulative_product_since_base(factor)
    index = forward.where(x.years >= x.base_year, _backward_index(x, factor))
    value = constant_price_gdp(x.at_base(x["industrial_value_added"]), index)
    gap = value.isna() & x["industrial_value_added"].notna() & (x.years != x.base_year)
    if gap.any():
        x.note(
            "no real growth of industrial value added for some years: comparable-price value "
            "added is NaN there (current prices not used)"
        )
    return value


def _va(x: Inputs) -> pd.Series:
    value = x.indicator("industrial_value_added_constant_2020")
    if (value.isna() & x["industrial_value_added"].notna()).any():
        x.note(
            "industrial value added at 2020 prices missing where current-price value added is "
            "given (no real growth rate): NaN there, current prices not used"
        )
    return value


_INTENSITY_REFS = (
    "济南市“十四五”绿色低碳循环发展规划 三(一): 单位工业增加值能耗、污染物排放量、用水量明显下降",
    "国家统计局 2020年分省万元GDP能耗降低率公报 (comparable prices)",
)


@recipe(
    id="industrial_energy_per_value_added",
    formula="industrial_energy_consumption [万吨标准煤] / industrial_value_added_constant_2020 "
    "[亿元] = 吨标准煤/万元",
    inputs=("industrial_energy_consumption", *_VA_INPUTS),
    options=("base_year",),
    section="三(一)",
    references=_INTENSITY_REFS,
    description=(
        "Industrial energy consumption divided by industrial value added at comparable 2020 "
        "prices. Numerator and denominator must share a scope (e.g. both 规模以上工业)."
    ),
)
def _energy_per_va(x: Inputs) -> pd.Series:
    return industrial_intensity(x["industrial_energy_consumption"], _va(x))


@recipe(
    id="industrial_water_per_value_added",
    formula="industrial_water_use [万立方米] / industrial_value_added_constant_2020 [亿元] "
    "= 立方米/万元",
    inputs=("industrial_water_use", *_VA_INPUTS),
    options=("base_year",),
    section="三(一)",
    references=(*_INTENSITY_REFS, "MWR 万元工业增加值用水量 (water resources bulletin)"),
    description=(
        "Industrial water use (as in the water resources bulletin, including thermal-power "
        "cooling unless excluded consistently) per 10⁴ yuan of industrial value added at 2020 "
        "prices."
    ),
)
def _water_per_va(x: Inputs) -> pd.Series:
    return industrial_intensity(x["industrial_water_use"], _va(x))


for _p, (_zh, _en) in POLLUTANTS.items():

    def _make(p: str) -> Any:
        def _per_va(x: Inputs) -> pd.Series:
            return industrial_intensity(x[f"industrial_{p}_emissions"], _va(x))

        return _per_va

    recipe(
        id=f"industrial_{_p}_per_value_added",
        formula=f"industrial_{_p}_emissions [吨] / industrial_value_added_constant_2020 [亿元]",
        inputs=(f"industrial_{_p}_emissions", *_VA_INPUTS),
        options=("base_year",),
        section="三(一)",
        references=_INTENSITY_REFS,
    )(_make(_p))


@recipe(
    id="industrial_pollutants_per_value_added",
    formula="Σ_p w_p × industrial_<p>_emissions [吨] / industrial_value_added_constant_2020 "
    "[亿元]; p in industrial_pollutants (default COD, NH3-N, SO2, NOx); w_p = 1 ('mass') or "
    "e_COD/e_p ('cod_equivalent')",
    inputs=(*(f"industrial_{p}_emissions" for p in POLLUTANTS), *_VA_INPUTS),
    options=("base_year", "industrial_pollutants", "industrial_pollutant_weighting"),
    section="三(一)",
    references=(*_INTENSITY_REFS, "《中华人民共和国环境保护税法》附表二 (pollution equivalents)"),
    description=(
        "Sum of the selected industrial pollutants' emissions (tonnes, or tonnes of "
        "COD-equivalent) per 亿元 of industrial value added at 2020 prices. NaN where any "
        "selected pollutant is missing. The per-pollutant indicators "
        "industrial_<p>_per_value_added are the unambiguous alternative."
    ),
)
def _pollutants_per_va(x: Inputs) -> pd.Series:
    selected = _parse_pollutant_set(x.option("industrial_pollutants"))
    weights: dict[str, float] | None = None
    if x.option("industrial_pollutant_weighting") == "cod_equivalent":
        table = pollution_equivalent_weights()
        lacking = [p for p in selected if p not in table]
        if lacking:
            x.note(f"no pollution-equivalent value for {', '.join(lacking)}: NaN")
            return pd.Series(np.nan, index=x.index, dtype="float64")
        weights = {p: table[p] for p in selected}
    emissions = {p: x[f"industrial_{p}_emissions"] for p in selected}
    absent = [p for p, s in emissions.items() if s.isna().all()]
    if absent:
        x.note(f"no data for {', '.join(absent)}: the sum is NaN (never partial)")
    return industrial_intensity(pollutant_total(emissions, weights), _va(x))


# --- recipes: change vs base of the direction indicators ----------------------------------

for _level_id, _zh, _en in (
    ("industrial_energy_per_value_added", "单位工业增加值能耗", "energy use"),
    ("industrial_water_per_value_added", "单位工业增加值用水量", "water use"),
    ("industrial_pollutants_per_value_added", "单位工业增加值污染物排放量", "pollutant emissions"),
):

    def _make_change(level_id: str) -> Any:
        def _change(x: Inputs) -> pd.Series:
            level = x.indicator(level_id)
            return change_vs_base(level, x.at_base(level))

        return _change

    recipe(
        id=f"{_level_id}_change",
        formula=f"100 × ({_level_id} / {_level_id}[base year] − 1)",
        inputs=(_level_id,),
        options=(
            ("base_year", "industrial_pollutants", "industrial_pollutant_weighting")
            if _level_id == "industrial_pollutants_per_value_added"
            else ("base_year",)
        ),
        section="三(一)",
        references=_INTENSITY_REFS,
        description="For display: the target (明显下降) is assessed on the level.",
    )(_make_change(_level_id))

del _p, _zh, _en, _level_id, _id, _desc

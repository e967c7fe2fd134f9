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

Counts come from registers of certified entities through :func:`count_register`, a generic
helper (usable for any register: green factories, parks …) that turns a table
``entity, region, level, certified_year[, revoked_year]`` into canonical long rows.

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

from collections.abc import Iterable

import numpy as np
import pandas as pd

from greenplan.indicators._common import ArrayLike, nonzero, sum_components
from greenplan.indicators.registry import (
    OPTIONS,
    Inputs,
    change_recipe,
    declare_option,
    recipe,
    reported,
)
from greenplan.regions import CITY, resolve_region

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

CERTIFICATION_LEVELS: dict[str, str] = {
    "national": "national",
    "国家级": "national",
    "国家": "national",
    "provincial": "provincial",
    "省级": "provincial",
    "省": "provincial",
    "municipal": "municipal",
    "市级": "municipal",
    "市": "municipal",
    "county": "county",
    "县级": "county",
    "区县级": "county",
}
"""Spellings of certification levels in registers (compared case-insensitively) → level."""

_LEVEL_TABLE = {k.casefold(): v for k, v in CERTIFICATION_LEVELS.items()}

PROVINCIAL_PLUS_LEVELS: tuple[str, ...] = ("national", "provincial")
"""Levels counted as "省级以上" (provincial and above)."""

REGISTER_COLUMNS: tuple[str, ...] = ("entity", "region", "level", "certified_year", "revoked_year")
"""Columns of a register of certified entities (``level`` and ``revoked_year`` optional)."""

_LONG_COLUMNS = ["region", "year", "variable", "value", "unit"]

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
    """
    return fertilizer / nonzero(area) * KG_PER_TONNE


# --- registers of certified entities --------------------------------------------------


def _year_column(values: pd.Series, name: str, *, required: bool) -> np.ndarray:
    """Parse a year column to float (NaN where blank); raise naming rows that are not years."""
    text = values.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    years = pd.to_numeric(text.mask(blank), errors="coerce").to_numpy(dtype="float64")
    bad = ~blank & (np.isnan(years) | (years != np.floor(years)))
    if required:
        bad |= blank
    if bad.any():
        rows = ", ".join(str(i) for i in values.index[bad][:10])
        what = "missing or not a year" if required else "not a year"
        raise ValueError(f"Register column {name!r} is {what} in rows {rows}.")
    return years


def _canonical_levels(levels: Iterable[str]) -> set[str]:
    out = set()
    for level in levels:
        key = str(level).strip().casefold()
        if key not in _LEVEL_TABLE:
            raise ValueError(
                f"Unknown certification level {level!r}; use one of "
                f"{', '.join(sorted(set(CERTIFICATION_LEVELS.values())))}."
            )
        out.add(_LEVEL_TABLE[key])
    return out


def count_register(
    register: pd.DataFrame,
    variable: str,
    *,
    levels: Iterable[str] | None = PROVINCIAL_PLUS_LEVELS,
    since: int | None = None,
    years: Iterable[int] | None = None,
    unit: str = "个",
) -> pd.DataFrame:
    r"""Count certified entities at each year end, per region, from a register.

    Parameters
    ----------
    register : pandas.DataFrame
        One row per certification, columns ``entity`` (name or identifier), ``region``
        (district, county, zone or the city; names or aliases of ``greenplan.REGIONS``),
        ``certified_year``, and optionally ``level`` (国家级 / 省级 / 市级 / 县级 or
        national / provincial / municipal / county) and ``revoked_year`` (the year the
        certification was withdrawn or expired; blank while valid). Other columns are
        ignored.
    variable : str
        Code written in the ``variable`` column of the output (an indicator id or variable).
    levels : iterable of str or None, default :data:`PROVINCIAL_PLUS_LEVELS`
        Levels that qualify (any spelling of :data:`CERTIFICATION_LEVELS`). Rows of other
        known levels are not counted; an unknown level raises. None counts every row and
        needs no ``level`` column.
    since : int, optional
        Count only entities whose first qualifying certification is **after** this year
        ("created during the period", e.g. 2020 for the 14th FYP). None counts every valid
        entity (a stock).
    years : iterable of int, optional
        Year ends to report. Default: from ``since`` (else the first qualifying
        certification) to the last qualifying certification or revocation year.
    unit : str, default "个"
        Unit written in the ``unit`` column.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit``: one per region of the
        register (0 where it has no qualifying entity) and per year, plus the city
        (``济南市``), which counts every entity once. Values are counts [``unit``] as float.

    Raises
    ------
    ValueError
        A required column is missing; an entity is blank; a level is unknown; a year is not a
        whole number; a region is unknown; a revocation precedes its certification.

    Notes
    -----
    Each entity is counted once. It counts at the end of year *y* when one of its
    qualifying certifications is valid then (certified in or before *y*, not revoked in or
    before *y*: a certification revoked in year *r* no longer counts at the end of *r*):

    .. math:: N_{y} = \left|\{e : \exists c \in C_e:\ y_c \le y < y^{rev}_c
              \ (\land\ \min_{c' \in C_e} y_{c'} > s)\}\right|

    with *s* = ``since``. An upgrade (provincial, later national) is the same entity, counted
    from its first qualifying certification and in the region of that certification. The
    city row counts every entity once, including entities registered at city level or in a
    functional zone; a district row counts the entities of that district. The same rules as
    ``greenplan.indicators.industry.count_certified`` (green factories), plus ``since``.
    """
    required = ["entity", "region", "certified_year"] + (["level"] if levels is not None else [])
    missing = [c for c in required if c not in register.columns]
    if missing:
        raise ValueError(
            f"Register for {variable} is missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(REGISTER_COLUMNS)} (level and revoked_year optional)."
        )
    entity = register["entity"].astype("string").str.strip()
    empty = (entity.isna() | (entity == "")).to_numpy(dtype=bool)
    if empty.any():
        rows = ", ".join(str(i) for i in register.index[empty][:10])
        raise ValueError(f"Register for {variable}: column 'entity' is empty in rows {rows}.")
    keep = np.ones(len(register), dtype=bool)
    if levels is not None:
        wanted = _canonical_levels(levels)
        level_text = register["level"].astype("string").str.strip().str.casefold()
        level = level_text.map(_LEVEL_TABLE)
        unknown = level.isna().to_numpy(dtype=bool)
        if unknown.any():
            shown = sorted({str(v) for v in register["level"].to_numpy()[unknown]})[:5]
            raise ValueError(
                f"Register for {variable}: unknown level(s) {shown}; use one of "
                f"{', '.join(sorted(CERTIFICATION_LEVELS))}."
            )
        keep = level.isin(wanted).to_numpy(dtype=bool)
    certified = _year_column(register["certified_year"], "certified_year", required=True)
    if "revoked_year" in register.columns:
        revoked = _year_column(register["revoked_year"], "revoked_year", required=False)
    else:
        revoked = np.full(len(register), np.nan)
    early = revoked < certified
    if early.any():
        rows = ", ".join(str(i) for i in register.index[early][:10])
        raise ValueError(f"Register for {variable}: revoked_year before certified_year in {rows}.")
    names = register["region"].astype("string").str.strip()
    lookup = {name: resolve_region(name) for name in names.dropna().unique()}
    codes = names.map(lookup)
    if codes.isna().any():
        unknown_regions = sorted({str(n) for n in register["region"][codes.isna().to_numpy()]})
        raise ValueError(
            f"Register for {variable}: unknown region(s) "
            f"{', '.join(repr(u) for u in unknown_regions)}; use the names of "
            "greenplan.REGIONS (districts, counties, zones, 济南市)."
        )
    region_all = codes.to_numpy(dtype=object)
    entity_k = entity.to_numpy(dtype=object)[keep]
    region_k, cert_k, rev_k = region_all[keep], certified[keep], revoked[keep]

    # First qualifying certification of each entity: its year and its region.
    order = np.lexsort((np.arange(len(cert_k)), cert_k))
    first = pd.DataFrame({"year": cert_k[order], "region": region_k[order]}, index=entity_k[order])
    first = first[~first.index.duplicated(keep="first")]

    if years is None:
        if not keep.any():
            return pd.DataFrame({c: pd.Series(dtype=object) for c in _LONG_COLUMNS}).astype(
                {"year": "int64", "value": "float64"}
            )
        start = int(since) if since is not None else int(cert_k.min())
        stop = int(np.nanmax(np.concatenate([cert_k, rev_k, [start]])))
        year_axis = np.arange(start, stop + 1, dtype="int64")
    else:
        year_axis = np.array(sorted({int(y) for y in years}), dtype="int64")

    end = np.where(np.isnan(rev_k), np.inf, rev_k)
    valid = (cert_k[:, None] <= year_axis[None, :]) & (year_axis[None, :] < end[:, None])
    per_entity = pd.DataFrame(valid, columns=year_axis).groupby(entity_k, sort=True).any()
    info = first.reindex(per_entity.index)
    if since is not None:
        per_entity = per_entity[(info["year"] > since).to_numpy()]
        info = info[(info["year"] > since).to_numpy()]
    city_counts = per_entity.sum(axis=0).reindex(year_axis, fill_value=0).to_numpy()
    regions = sorted(r for r in pd.unique(region_all) if r != CITY)
    local = (info["region"] != CITY).to_numpy()
    by_region = (
        per_entity[local]
        .groupby(info["region"].to_numpy()[local])
        .sum()
        .reindex(index=regions, columns=year_axis, fill_value=0)
    )
    labels = np.array([CITY, *regions], dtype=object)
    matrix = np.vstack([city_counts[None, :], by_region.to_numpy()]).astype("float64")
    return pd.DataFrame(
        {
            "region": np.repeat(labels, len(year_axis)),
            "year": np.tile(year_axis, len(labels)),
            "variable": variable,
            "value": matrix.ravel(),
            "unit": unit,
        }
    )


_BASE_YEAR: int = int(OPTIONS["base_year"].default)


def count_agri_demo_zones(
    register: pd.DataFrame,
    *,
    base_year: int = _BASE_YEAR,
    years: Iterable[int] | None = None,
    levels: Iterable[str] | None = PROVINCIAL_PLUS_LEVELS,
) -> pd.DataFrame:
    """Agricultural modernization demonstration zones created since the base year.

    Parameters
    ----------
    register : pandas.DataFrame
        Register of 农业现代化示范区 (see :func:`count_register` for the columns).
    base_year : int, default 2020
        Zones first certified after this year count ("创建" during the plan period).
    years : iterable of int, optional
        Year ends to report (default ``base_year`` … last year in the register).
    levels : iterable of str or None, default :data:`PROVINCIAL_PLUS_LEVELS`
        Levels counted (省级以上).

    Returns
    -------
    pandas.DataFrame
        Canonical long rows of ``agri_modernization_demo_zones`` [个]: zones first
        certified in base_year+1 … t and still valid at the end of t (0 in the base year).

    Notes
    -----
    The plan's words "创建5个省级以上农业现代化示范区" count zones *created* in 2021–2025, so a
    zone certified before 2021 does not count, even if upgraded later.
    """
    return count_register(
        register, "agri_modernization_demo_zones", levels=levels, since=base_year, years=years
    )


def count_agri_brands(
    register: pd.DataFrame,
    *,
    years: Iterable[int] | None = None,
    levels: Iterable[str] | None = PROVINCIAL_PLUS_LEVELS,
) -> pd.DataFrame:
    """Provincial-and-above agricultural product brands valid at each year end.

    Parameters
    ----------
    register : pandas.DataFrame
        Register of certified agricultural brands (see :func:`count_register`).
    years : iterable of int, optional
        Year ends to report (default first … last year in the register).
    levels : iterable of str or None, default :data:`PROVINCIAL_PLUS_LEVELS`
        Levels counted (省级以上).

    Returns
    -------
    pandas.DataFrame
        Canonical long rows of ``agri_brands_provincial_plus`` [个]: every brand certified
        at provincial level or above and valid at year end, whenever it was certified.

    Notes
    -----
    The plan's words "省级以上农产品品牌达到50个" set a level to reach: a stock, including
    brands certified before 2021.
    """
    return count_register(
        register, "agri_brands_provincial_plus", levels=levels, since=None, years=years
    )


# --- recipes ----------------------------------------------------------------------------


@recipe(
    id="fertilizer_use",
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
def _fertilizer_use(x: Inputs) -> pd.Series:
    return fertilizer_pure_nutrient(*(x[c] for c in FERTILIZER_COMPONENTS))


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
def _fertilizer_per_cultivated_area(x: Inputs) -> pd.Series:
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

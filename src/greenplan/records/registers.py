"""Registers → counts: certified entities and parks valid at each year end.

A register lists certifications (one row per entity and title: ``entity, region, level,
certified_year[, revoked_year]``) or parks by year; the functions here count the entities per
region and year and return canonical long rows (``region, year, variable, value, unit``)
for :func:`greenplan.compute`.

* :func:`count_certified` — green factories, 专精特新/瞪羚/单项冠军 enterprises, green
  industrial parks (stock at year end, each entity once);
* :func:`count_register`, :func:`count_agri_demo_zones`, :func:`count_agri_brands` — the
  same rules with a "created since" year, for the agricultural registers;
* :func:`count_parks` — industrial parks by status (provincial-and-above, eco-industrial,
  circular retrofit).

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划 (济南市人民政府办公厅, 2022-06-21), 三(一),
   三(三), 四(二), 五(二).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from greenplan.plans import default_plan
from greenplan.records._tables import (
    grid_counts,
    levels_of,
    long_counts,
    nonblank,
    region_codes,
    require,
    rows,
    unit_of,
    wanted_levels,
    whole_years,
    yes_no,
)
from greenplan.regions import CITY

__all__ = [
    "CERTIFICATION_LEVELS",
    "PARK_VARIABLES",
    "PROVINCIAL_PLUS_LEVELS",
    "REGISTER_COLUMNS",
    "REGISTER_LEVELS",
    "count_agri_brands",
    "count_agri_demo_zones",
    "count_certified",
    "count_parks",
    "count_register",
]

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
"""Spellings of a certification level in industrial registers (:func:`count_certified`),
compared casefolded."""

REGISTER_LEVELS: dict[str, str] = {
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
"""Spellings of certification levels in agricultural registers (:func:`count_register`),
compared casefolded; county levels included."""

_CERTIFICATION_TABLE = {k.casefold(): v for k, v in CERTIFICATION_LEVELS.items()}
_REGISTER_TABLE = {k.casefold(): v for k, v in REGISTER_LEVELS.items()}

PROVINCIAL_PLUS_LEVELS: tuple[str, ...] = ("national", "provincial")
"""Levels counted as "省级以上" (provincial and above)."""

REGISTER_COLUMNS: tuple[str, ...] = ("entity", "region", "level", "certified_year", "revoked_year")
"""Columns of a register of certified entities (``level`` and ``revoked_year`` optional)."""


def _valid_at_year_end(
    entity: np.ndarray,
    region: np.ndarray,
    certified: np.ndarray,
    revoked: np.ndarray,
    year_axis: np.ndarray,
    since: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Whether each entity holds a valid certification at each year end, and its region.

    An entity's region is that of its first certification (earliest year, then first row);
    with ``since`` only entities first certified after that year are kept.
    """
    end = np.where(np.isnan(revoked), np.inf, revoked)
    valid = (certified[:, None] <= year_axis[None, :]) & (year_axis[None, :] < end[:, None])
    per_entity = pd.DataFrame(valid, columns=year_axis).groupby(entity, sort=True).any()
    order = np.lexsort((np.arange(len(certified)), certified))
    first = pd.DataFrame({"year": certified[order], "region": region[order]}, index=entity[order])
    first = first[~first.index.duplicated(keep="first")].reindex(per_entity.index)
    if since is not None:
        new = (first["year"] > since).to_numpy()
        per_entity, first = per_entity[new], first[new]
    return per_entity, first["region"].to_numpy(dtype=object)


def _per_region(
    per_entity: pd.DataFrame,
    entity_region: np.ndarray,
    regions: list[str],
    city: str | None,
) -> pd.DataFrame:
    """Count (regions × years) the entities of each region; the city row counts all."""
    local = entity_region != city if city is not None else np.ones(len(entity_region), bool)
    by_region = (
        per_entity[local]
        .groupby(entity_region[local])
        .sum()
        .reindex(index=regions, columns=per_entity.columns, fill_value=0)
    )
    if city is not None:
        by_region.loc[city] = per_entity.sum(axis=0).to_numpy()
    return by_region


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
    require(register, ("entity", "region", "level", "certified_year"), what)
    level = levels_of(register["level"], _CERTIFICATION_TABLE, what)
    wanted = wanted_levels(levels, _CERTIFICATION_TABLE, "level")
    entity = nonblank(register["entity"], "entity", what).to_numpy(dtype=object)
    region = region_codes(register["region"], what)
    certified = whole_years(register["certified_year"], "certified_year", what)
    revoked = _revoked(register, certified, what)
    keep = level.isin(wanted).to_numpy()
    if years is None:
        if not keep.any():
            return long_counts(pd.DataFrame(), {})
        last = np.nanmax(np.concatenate([certified[keep], revoked[keep]]))
        year_axis = np.arange(int(certified[keep].min()), int(last) + 1)
    else:
        year_axis = np.array(sorted({int(y) for y in years}), dtype="int64")
    per_entity, entity_region = _valid_at_year_end(
        entity[keep], region[keep], certified[keep], revoked[keep], year_axis
    )
    # Every region of the register gets a row (0 where no qualifying entity).
    regions = [r for r in pd.unique(region) if city is None or r != city]
    counts = _per_region(per_entity, entity_region, regions, city)
    frame = pd.DataFrame({variable: counts.stack()}).rename_axis(["region", "year"])
    return long_counts(frame, {variable: unit_of(variable, "家")})


def _revoked(register: pd.DataFrame, certified: np.ndarray, what: str) -> np.ndarray:
    """Revocation years (NaN while valid); a revocation before its certification raises."""
    if "revoked_year" not in register.columns:
        return np.full(len(register), np.nan)
    revoked = whole_years(register["revoked_year"], "revoked_year", what, optional=True)
    early = revoked < certified
    if early.any():
        raise ValueError(f"{what}: revoked_year before certified_year in {rows(early)}.")
    return revoked


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

    Examples
    --------
    >>> parks = pd.DataFrame({"park": ["P1", "P2"], "region": "历下区", "year": 2024,
    ...                       "is_provincial_plus": ["是", "是"],
    ...                       "eligible_for_retrofit": ["是", "是"],
    ...                       "retrofit_done": ["否", "是"]})
    >>> out = count_parks(parks, city=None)
    >>> dict(zip(out["variable"], out["value"]))  # doctest: +NORMALIZE_WHITESPACE
    {'industrial_parks': 2.0, 'industrial_parks_provincial_plus': 2.0,
     'parks_retrofit_done': 1.0, 'parks_retrofit_eligible': 2.0}
    """
    what = "parks"
    require(parks, ("park", "region", "year"), what)
    park = nonblank(parks["park"], "park", what)
    columns = {
        c: yes_no(parks[c], c, what)
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
    frame["_region"] = region_codes(parks["region"], what)
    frame["_year"] = whole_years(parks["year"], "year", what).astype("int64")
    agg: dict[str, str] = {"_region": "first", **{c: "max" for c in columns}}
    once = frame.groupby(["_park", "_year"], sort=False).agg(agg).reset_index()
    produced: dict[str, np.ndarray] = {}
    for name, needs in PARK_VARIABLES.items():
        if all(n in columns for n in needs):
            mask = np.ones(len(once), dtype=bool)
            for n in needs:
                mask &= once[n].to_numpy(dtype=bool)
            produced[name] = mask
    counts = grid_counts(
        once["_region"].to_numpy(dtype=object), once["_year"].to_numpy(), produced, city
    )
    return long_counts(counts, {k: unit_of(k, "个") for k in produced})


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
        Levels that qualify (any spelling of :data:`REGISTER_LEVELS`). Rows of other
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
    :func:`count_certified` (green factories), plus ``since``.

    Examples
    --------
    >>> reg = pd.DataFrame({"entity": ["A", "A", "B"], "region": ["历下区"] * 3,
    ...                     "level": ["省级", "国家级", "省级"],
    ...                     "certified_year": [2019, 2021, 2021]})
    >>> count_register(reg, "x", years=[2020, 2021])["value"].tolist()  # city, then 历下区
    [1.0, 2.0, 1.0, 2.0]
    """
    what = f"register for {variable}"
    need = ["entity", "region", "certified_year"] + (["level"] if levels is not None else [])
    require(register, need, what)
    entity = nonblank(register["entity"], "entity", what).to_numpy(dtype=object)
    keep = np.ones(len(register), dtype=bool)
    if levels is not None:
        wanted = wanted_levels(levels, _REGISTER_TABLE, "certification level")
        keep = levels_of(register["level"], _REGISTER_TABLE, what).isin(wanted).to_numpy()
    certified = whole_years(register["certified_year"], "certified_year", what)
    revoked = _revoked(register, certified, what)
    region = region_codes(register["region"], what, known=True)
    if years is None:
        if not keep.any():
            return long_counts(pd.DataFrame(), {})
        start = int(since) if since is not None else int(certified[keep].min())
        stop = int(np.nanmax(np.concatenate([certified[keep], revoked[keep], [start]])))
        year_axis = np.arange(start, stop + 1, dtype="int64")
    else:
        year_axis = np.array(sorted({int(y) for y in years}), dtype="int64")
    per_entity, entity_region = _valid_at_year_end(
        entity[keep], region[keep], certified[keep], revoked[keep], year_axis, since
    )
    regions = sorted(r for r in pd.unique(region) if r != CITY)
    counts = _per_region(per_entity, entity_region, regions, CITY)
    labels = np.array([CITY, *regions], dtype=object)
    matrix = counts.reindex(labels).to_numpy().astype("float64")
    return pd.DataFrame(
        {
            "region": np.repeat(labels, len(year_axis)),
            "year": np.tile(year_axis, len(labels)),
            "variable": variable,
            "value": matrix.ravel(),
            "unit": unit,
        }
    )


def count_agri_demo_zones(
    register: pd.DataFrame,
    *,
    base_year: int | None = None,
    years: Iterable[int] | None = None,
    levels: Iterable[str] | None = PROVINCIAL_PLUS_LEVELS,
) -> pd.DataFrame:
    """Agricultural modernization demonstration zones created since the base year.

    Parameters
    ----------
    register : pandas.DataFrame
        Register of 农业现代化示范区 (see :func:`count_register` for the columns).
    base_year : int, optional
        Zones first certified after this year count ("创建" during the plan period);
        default the base year of the default plan (2020).
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

    Examples
    --------
    >>> reg = pd.DataFrame({"entity": ["A", "B"], "region": ["历下区"] * 2,
    ...                     "level": ["省级", "国家级"], "certified_year": [2019, 2021]})
    >>> count_agri_demo_zones(reg, years=[2020, 2021])["value"].tolist()  # B only, from 2021
    [0.0, 1.0, 0.0, 1.0]
    """
    return count_register(
        register,
        "agri_modernization_demo_zones",
        levels=levels,
        since=default_plan().base_year if base_year is None else base_year,
        years=years,
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

    Examples
    --------
    >>> reg = pd.DataFrame({"entity": ["A", "B"], "region": ["历下区"] * 2,
    ...                     "level": ["省级", "国家级"], "certified_year": [2019, 2021]})
    >>> count_agri_brands(reg, years=[2021])["value"].tolist()  # a stock: A and B
    [2.0, 2.0]
    """
    return count_register(
        register, "agri_brands_provincial_plus", levels=levels, since=None, years=years
    )

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
:func:`good_days_from_daily_aqi` and :func:`sections_from_classes`; the recipes work from the
resulting counts.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan._resources import LazyMapping, read_resource_csv
from greenplan.indicators._common import ArrayLike, share_percent
from greenplan.indicators.registry import Inputs, declare_option, recipe, reported
from greenplan.regions import CITY

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


DAY_UNIT = "天"
"""Canonical unit of day counts (a time unit in greenplan.units: 天 = 日 = d)."""
COUNT_UNIT = "个"
"""Canonical unit of section counts."""

LEVELS = ("national", "provincial", "city")
"""Control levels of monitoring sections, in the codes' order (国控, 省控, 市控)."""

_LEVEL_ALIASES = {
    "national": "national",
    "state": "national",
    "国控": "national",
    "国家": "national",
    "国考": "national",
    "provincial": "provincial",
    "province": "provincial",
    "省控": "provincial",
    "省级": "provincial",
    "city": "city",
    "municipal": "city",
    "市控": "city",
    "市级": "city",
}

# Normalised class labels → class code 1..6 (6 = 劣Ⅴ). Labels are NFKC-normalised (Ⅲ → III),
# upper-cased, and stripped of spaces, "类", "水质" and "CLASS" before the lookup.
_CLASS_CODES = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "劣V": 6,
    "WORSETHANV": 6,
    ">V": 6,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "6": 6,
    "1.0": 1,
    "2.0": 2,
    "3.0": 3,
    "4.0": 4,
    "5.0": 5,
    "6.0": 6,
}


# --- parameters (data with provenance) ------------------------------------------------


@dataclass(frozen=True)
class EnvParameter:
    """A threshold or convention of the environment indicators, with its provenance."""

    key: str
    values: tuple[str, ...]
    """The value(s) as written in the CSV (several rows may share a key, e.g. a list)."""
    unit: str
    description: str
    source: str
    edition: str
    basis: str
    confidence: str
    """``C`` confirmed, ``D`` derived, ``M`` from memory (unverified) or ``?`` uncertain."""

    @property
    def number(self) -> float:
        """The value as a number (for single-valued numeric parameters)."""
        return float(self.values[0])


def _load_parameters() -> dict[str, EnvParameter]:
    rows = read_resource_csv("factors", "env_parameters.csv")
    out: dict[str, EnvParameter] = {}
    for row in rows:
        key = row["key"].strip()
        if key in out:
            old = out[key]
            out[key] = EnvParameter(
                key, (*old.values, row["value"].strip()), old.unit, old.description,
                old.source, old.edition, old.basis, old.confidence,
            )  # fmt: skip
            continue
        out[key] = EnvParameter(
            key=key,
            values=(row["value"].strip(),),
            unit=row["unit"].strip(),
            description=row["description"].strip(),
            source=row["source"].strip(),
            edition=row["edition"].strip(),
            basis=row["basis"].strip(),
            confidence=row["confidence"].strip(),
        )
    return out


ENV_PARAMETERS: Mapping[str, EnvParameter] = LazyMapping(
    _load_parameters, "greenplan.indicators.environment.ENV_PARAMETERS"
)
"""Thresholds and conventions of this module, by key (``aqi_good_max``, ``water_class_good_max``,
``water_class_worse_than_v``, ``excluded_parameter``), from
``resources/factors/env_parameters.csv``."""


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
    """
    return share_percent(forest_area, land_area)


def parse_water_class(values: Any) -> pd.Series:
    """Class codes 1..6 (6 = 劣Ⅴ) from written water-quality classes.

    Parameters
    ----------
    values : sequence or Series
        Classes as written [class label, GB 3838-2002]: ``"Ⅲ"``, ``"Ⅲ类"``, ``"III"``,
        ``"iv"``, ``3``, ``"劣Ⅴ"``, ``"劣V类"``, ``"worse than V"``, ``6`` … NaN or empty
        means not assessed.

    Returns
    -------
    pandas.Series
        Float class codes (1.0 … 6.0, NaN where not assessed), on the input's index.

    Raises
    ------
    ValueError
        A label is not a class; the message lists the unknown labels.

    Notes
    -----
    Vectorised: labels are NFKC-normalised (``Ⅳ`` → ``IV``), upper-cased and stripped of
    spaces, ``类``, ``水质`` and ``CLASS`` before one dictionary lookup.

    References
    ----------
    GB 3838-2002 《地表水环境质量标准》 (classes Ⅰ–Ⅴ, 劣Ⅴ); 《地表水环境质量评价办法(试行)》
    (环办〔2011〕22号).
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    text = (
        s.astype("string")
        .str.normalize("NFKC")
        .str.upper()
        .str.replace(r"\s+|类|水质|CLASS", "", regex=True)
    )
    text = text.mask(text == "")
    codes = text.map(_CLASS_CODES)
    unknown = text.notna() & codes.isna()
    if unknown.any():
        labels = sorted({str(v) for v in s[unknown.to_numpy()].unique()})[:10]
        raise ValueError(
            "Unknown water-quality class(es): "
            + ", ".join(repr(v) for v in labels)
            + ". Write Ⅰ–Ⅴ (or I–V, 1–5) and 劣Ⅴ (or 'worse than V', 6)."
        )
    return codes.astype("float64")


# --- record-level helpers ---------------------------------------------------------------


def _excluded_parameters() -> frozenset[str]:
    return frozenset(v.casefold() for v in ENV_PARAMETERS["excluded_parameter"].values)


def good_days_from_daily_aqi(
    daily: pd.DataFrame,
    *,
    good_max: float | None = None,
    deduct_dust: bool = False,
) -> pd.DataFrame:
    """Good and valid day counts per region and year from daily AQI records.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per region and day: ``region``, ``date`` (anything ``pandas.to_datetime``
        reads), ``aqi`` (the region's daily AQI [1], computed from the mean concentrations of
        its national-control stations), and optionally ``valid`` (bool: the day meets the
        data-completeness rule of GB 3095-2012 / HJ 663-2013) and ``dust`` (bool: the day's
        exceedance is caused by sand and dust).
    good_max : float, optional
        Largest AQI of a good day [1]; default ``ENV_PARAMETERS["aqi_good_max"]`` (100,
        HJ 633-2012 [M]).
    deduct_dust : bool, default False
        Remove sand-and-dust days that are not good from the valid days (the 14th-FYP
        assessment rule as recalled [M]/[?]). Needs a ``dust`` column.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit`` with the variables
        ``good_air_days`` and ``valid_monitoring_days`` [天] for every region-year present.

    Raises
    ------
    ValueError
        A required column is missing, a date does not parse, or a (region, date) appears
        twice (a day must not be counted twice; remove duplicates first).

    Notes
    -----
    A day is valid when its AQI is not NaN and, if a ``valid`` column is given, it is true
    (a missing flag counts as not valid). A valid day is good when AQI ≤ ``good_max``.
    Counts are per calendar year of ``date``; a year with no valid day gives 0 valid days
    (so the ratio is NaN, not 0).
    """
    missing = [c for c in ("region", "date", "aqi") if c not in daily.columns]
    if missing:
        raise ValueError(
            f"Daily AQI records need the column(s) {', '.join(missing)}; "
            "expected region, date, aqi [, valid, dust]."
        )
    if deduct_dust and "dust" not in daily.columns:
        raise ValueError("deduct_dust=True needs a boolean 'dust' column in the daily records.")
    threshold = ENV_PARAMETERS["aqi_good_max"].number if good_max is None else float(good_max)
    try:
        dates = pd.to_datetime(daily["date"]).dt.normalize()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Column 'date' of the daily AQI records does not parse: {exc}") from exc
    if dates.isna().any():
        raise ValueError(
            f"{int(dates.isna().sum())} daily AQI record(s) have no date; every row needs one."
        )
    region = daily["region"].astype(object)
    dup = pd.DataFrame({"region": region, "date": dates}).duplicated(keep=False)
    if dup.any():
        first = daily.loc[dup.to_numpy(), ["region", "date"]].head(5).to_dict("records")
        raise ValueError(
            f"{int(dup.sum())} daily AQI rows repeat a (region, date), e.g. {first}; "
            "keep one AQI per region and day."
        )
    aqi = pd.to_numeric(daily["aqi"], errors="coerce").to_numpy(dtype="float64")
    valid = ~np.isnan(aqi)
    if "valid" in daily.columns:
        valid &= daily["valid"].fillna(False).astype(bool).to_numpy()
    good = valid & (aqi <= threshold)
    if deduct_dust:
        dust = daily["dust"].fillna(False).astype(bool).to_numpy()
        valid &= ~(dust & ~good)
    counts = pd.DataFrame(
        {
            "region": region.to_numpy(),
            "year": dates.dt.year.to_numpy(dtype="int64"),
            "good_air_days": good.astype("float64"),
            "valid_monitoring_days": valid.astype("float64"),
        }
    )
    sums = counts.groupby(["region", "year"], sort=True).sum()
    return _long_rows(sums, DAY_UNIT)


def _long_rows(table: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Melt a (region, year)-indexed table of variables into canonical long rows."""
    variables = list(table.columns)
    long = table.reset_index().melt(
        id_vars=["region", "year"], value_vars=variables, var_name="variable", value_name="value"
    )
    long["variable"] = pd.Categorical(long["variable"], categories=variables, ordered=True)
    long = long.sort_values(["region", "year", "variable"], kind="stable")
    long["variable"] = long["variable"].astype(str).astype(object)
    long["value"] = long["value"].astype("float64")
    long["year"] = long["year"].astype("int64")
    long["unit"] = unit
    return long.dropna(subset=["value"]).reset_index(drop=True)


def _normalise_levels(levels: pd.Series) -> pd.Series:
    key = levels.astype("string").str.strip().str.casefold()
    out = key.map({k.casefold(): v for k, v in _LEVEL_ALIASES.items()})
    unknown = key.notna() & out.isna()
    if unknown.any() or key.isna().any():
        bad = sorted({str(v) for v in levels[(unknown | key.isna()).to_numpy()].unique()})[:10]
        raise ValueError(
            "Unknown section control level(s): "
            + ", ".join(repr(v) for v in bad)
            + ". Use national/provincial/city (国控/省控/市控); filter other sections out first."
        )
    return out.astype(object)


def sections_from_classes(
    table: pd.DataFrame,
    *,
    add_city: bool = True,
    exclude_parameters: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Section counts by control level and class from a table of monitoring sections.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``section`` (id or name), ``region``, ``year``, ``level`` (national /
        provincial / city, or 国控 / 省控 / 市控) and ``class`` (Ⅰ–Ⅴ, 劣Ⅴ, I–V, 1–6 …, see
        :func:`parse_water_class`; NaN = not assessed that year, e.g. the river ran dry).
        With a ``parameter`` column, each row is one parameter's class and a section's class
        is the worst of its parameters.
    add_city : bool, default True
        Also give the counts of the city (``济南市``), counting each distinct section once
        (a boundary section listed under two districts is not counted twice), unless the
        table already has rows for the city.
    exclude_parameters : iterable of str, optional
        Parameters that do not set a section's class (case-insensitive); default
        ``ENV_PARAMETERS["excluded_parameter"]``: water temperature, total nitrogen and faecal
        coliforms (环办〔2011〕22号 [M]). Only used with a ``parameter`` column.

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit`` [个] with, for each control
        level L present in the table (``national``, ``provincial``, ``city``), the variables
        ``L_sections_assessed``, ``L_sections_class_iii_or_better`` and
        ``L_sections_worse_than_v``; zeros where a region has no section of a level.

    Raises
    ------
    ValueError
        A required column is missing, or a class or level label is unknown.

    Notes
    -----
    Class Ⅲ or better means class code ≤ ``ENV_PARAMETERS["water_class_good_max"]`` (3);
    worse than Ⅴ means code 6. Sections are identified by ``(section, year)``; a section's
    level and region should not change within a year.
    """
    need = ["section", "region", "year", "level", "class"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ValueError(
            f"The section table needs the column(s) {', '.join(missing)}; "
            "expected section, region, year, level, class [, parameter]."
        )
    frame = pd.DataFrame(
        {
            "section": table["section"].astype(object).to_numpy(),
            "region": table["region"].astype(object).to_numpy(),
            "year": pd.to_numeric(table["year"]).astype("int64").to_numpy(),
            "level": _normalise_levels(table["level"].reset_index(drop=True)).to_numpy(),
            "cls": parse_water_class(table["class"].reset_index(drop=True)).to_numpy(),
        }
    )
    if "parameter" in table.columns:
        excluded = (
            _excluded_parameters()
            if exclude_parameters is None
            else frozenset(p.casefold() for p in exclude_parameters)
        )
        param = table["parameter"].astype("string").str.strip().str.casefold().to_numpy()
        frame = frame[~pd.Series(param).isin(excluded).to_numpy()]
        frame = frame.groupby(["section", "region", "year", "level"])["cls"].max().reset_index()
    good_max = ENV_PARAMETERS["water_class_good_max"].number
    worse = ENV_PARAMETERS["water_class_worse_than_v"].number
    if add_city and not (frame["region"] == CITY).any():
        city = frame.groupby(["section", "year", "level"])["cls"].max().reset_index()
        city["region"] = CITY
        frame = pd.concat([frame, city[list(frame.columns)]], ignore_index=True)
    cls = frame["cls"]
    names = ("sections_assessed", "sections_class_iii_or_better", "sections_worse_than_v")
    flags = pd.DataFrame(
        {
            "region": frame["region"],
            "year": frame["year"],
            "level": frame["level"],
            names[0]: cls.notna().astype("float64"),
            names[1]: (cls <= good_max).astype("float64"),
            names[2]: (cls >= worse).astype("float64"),
        }
    )
    long = flags.melt(id_vars=["region", "year", "level"], value_vars=list(names), var_name="n")
    long["variable"] = long["level"].astype(str) + "_" + long["n"].astype(str)
    wide = long.pivot_table(
        index=["region", "year"], columns="variable", values="value", aggfunc="sum", fill_value=0.0
    )
    present = set(frame["level"])
    order = [f"{lv}_{name}" for lv in LEVELS if lv in present for name in names]
    wide = wide.reindex(columns=order, fill_value=0.0)
    return _long_rows(wide, COUNT_UNIT)


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


@recipe(
    id="good_air_days_ratio",
    formula="100 × good_air_days / valid_monitoring_days",
    inputs=("good_air_days", "valid_monitoring_days"),
    section="八(一)",
    description=(
        "Share of valid monitoring days with daily AQI ≤ 100 (优 and 良). Day counts can be "
        "built from daily AQI records with good_days_from_daily_aqi."
    ),
    references=("HJ 633-2012", "HJ 663-2013"),
)
def _good_air_days_ratio(x: Inputs) -> pd.Series:
    return good_days_ratio(x["good_air_days"], x["valid_monitoring_days"])


@recipe(
    id="surface_water_class_iii_share",
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
def _surface_water_class_iii_share(x: Inputs) -> pd.Series:
    return water_class_share(
        x["national_sections_class_iii_or_better"], x["national_sections_assessed"]
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
def _worse_than_v_sections_city(x: Inputs) -> pd.Series:
    count = x["city_sections_worse_than_v"]
    if x.option("worse_than_v_scope") == "city_and_above":
        count = count + x["provincial_sections_worse_than_v"] + x["national_sections_worse_than_v"]
    return count


@recipe(
    id="forest_coverage",
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
def _forest_coverage(x: Inputs) -> pd.Series:
    return forest_coverage(x["forest_area"], x["land_area"])

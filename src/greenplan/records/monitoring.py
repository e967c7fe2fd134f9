"""Daily monitoring records → statistics: good air-quality days and water-quality sections.

* :func:`good_days_from_daily_aqi` — good and valid day counts per region and year from
  daily AQI records (HJ 633-2012, HJ 663-2013);
* :func:`sections_from_classes` — section counts by control level and class from a table of
  monitoring sections (GB 3838-2002, 环办〔2011〕22号), with :func:`parse_water_class`.

Thresholds (AQI ≤ 100, class Ⅲ, 劣Ⅴ, parameters excluded from a section's class) are data in
``resources/factors/env_parameters.csv`` with their sources and confidence tags
(:data:`ENV_PARAMETERS`). Each converter returns canonical long rows (``region, year,
variable, value, unit``) for :func:`greenplan.compute`.

References
----------
.. [HJ633] HJ 633-2012 环境空气质量指数(AQI)技术规定(试行).
.. [HJ663] HJ 663-2013 环境空气质量评价技术规范(试行).
.. [GB3838] GB 3838-2002 地表水环境质量标准.
.. [HB2011] 地表水环境质量评价办法(试行), 环办〔2011〕22号.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan._resources import LazyMapping, read_resource_csv
from greenplan.records._tables import levels_of, long_rows, require
from greenplan.regions import CITY

__all__ = [
    "ENV_PARAMETERS",
    "LEVELS",
    "EnvParameter",
    "good_days_from_daily_aqi",
    "parse_water_class",
    "sections_from_classes",
]


DAY_UNIT = "天"
"""Canonical unit of day counts (a time unit in greenplan.units: 天 = 日 = d)."""
COUNT_UNIT = "个"
"""Canonical unit of section counts."""

LEVELS = ("national", "provincial", "city")
"""Control levels of monitoring sections, in the codes' order (国控, 省控, 市控)."""

_LEVEL_TABLE = {
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
    _load_parameters, "greenplan.records.monitoring.ENV_PARAMETERS"
)
"""Thresholds and conventions of this module, by key (``aqi_good_max``, ``water_class_good_max``,
``water_class_worse_than_v``, ``excluded_parameter``), from
``resources/factors/env_parameters.csv``."""


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

    Examples
    --------
    >>> parse_water_class(["Ⅲ", "劣V类", "iv", None]).tolist()
    [3.0, 6.0, 4.0, nan]
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

    Examples
    --------
    >>> daily = pd.DataFrame({"region": "历下区", "aqi": [50, 120, 80, None],
    ...                       "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]})
    >>> good_days_from_daily_aqi(daily)[["variable", "value"]].values.tolist()
    [['good_air_days', 2.0], ['valid_monitoring_days', 3.0]]
    """
    require(daily, ("region", "date", "aqi"), "daily AQI records")
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
    return long_rows(sums, DAY_UNIT)


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

    Examples
    --------
    >>> table = pd.DataFrame({"section": ["a", "b", "c"], "region": "历下区", "year": 2024,
    ...                       "level": "国控", "class": ["Ⅱ", "Ⅳ", "劣Ⅴ"]})
    >>> sections_from_classes(table, add_city=False)["value"].tolist()  # assessed, ≤ Ⅲ, 劣Ⅴ
    [3.0, 1.0, 1.0]
    """
    require(table, ("section", "region", "year", "level", "class"), "section")
    frame = pd.DataFrame(
        {
            "section": table["section"].astype(object).to_numpy(),
            "region": table["region"].astype(object).to_numpy(),
            "year": pd.to_numeric(table["year"]).astype("int64").to_numpy(),
            "level": levels_of(table["level"], _LEVEL_TABLE, "section table").to_numpy(
                dtype=object
            ),
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
    return long_rows(wide, COUNT_UNIT)

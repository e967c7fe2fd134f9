"""Gross ecosystem product (GEP, 生态产品总值) as a ledger: quantity × price, itemised.

The biophysical quantities (water retained, soil kept, carbon fixed, visitors …) come from
outside (InVEST, GIS, statistics); greenplan keeps the ledger: each item's quantity and unit,
its price with the price's source and year, the value, the category totals and shares, and the
GEP/GDP ratio. Carbon fixation is entered as carbon [t C] and priced per t CO₂:
value = C × 44/12 × price.

References
----------
国家发展改革委 国家统计局 生态产品总值核算规范(试行) (2022); 陆地生态系统生产总值(GEP)核算技术指南
(生态环境部环境规划院, 中国科学院生态环境研究中心, 2020); Ouyang Z. et al. (2013).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from greenplan import factors, units
from greenplan.errors import UnitError, message_of
from greenplan.evaluation.gdi import EvaluationError
from greenplan.messages import msg
from greenplan.options import hint

__all__ = ["CATEGORIES", "gep_ledger"]

CATEGORIES: dict[str, tuple[str, str]] = {
    "material": ("物质产品", "Material products"),
    "regulating": ("调节服务", "Regulating services"),
    "cultural": ("文化服务", "Cultural services"),
}
_CATEGORY_ALIASES = {
    "物质产品": "material",
    "物质供给": "material",
    "调节服务": "regulating",
    "文化服务": "cultural",
    "material products": "material",
    "regulating services": "regulating",
    "cultural services": "cultural",
}
_CARBON_ITEMS = {"carbon_fixation", "固碳", "碳固定", "carbon sequestration", "carbon fixation"}
_REQUIRED = ("item", "category", "quantity", "price", "price_source", "price_year")


def gep_ledger(
    table: pd.DataFrame, *, gdp: float | None = None, gdp_unit: str = "亿元"
) -> dict[str, Any]:
    r"""Itemised GEP ledger and totals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per ecosystem product or service: ``item`` (name), ``category``
        (``material``, ``regulating``, ``cultural`` or 物质产品/调节服务/文化服务),
        ``quantity`` [``unit``], ``price`` [``price_unit``, default ``元`` per ``unit``],
        ``price_source`` and ``price_year`` (required: a value without its price's source
        is not reported). Optional ``unit``, ``price_unit`` (e.g. ``元/t``, ``万元/万m3``;
        the quantity is converted to the price's unit), ``carbon`` (true for carbon
        fixation; also recognised from ``item`` 固碳 / carbon_fixation): the quantity is
        t C and the price is per t CO₂.
    gdp : float, optional
        GDP of the same area and year [``gdp_unit``] for the GEP/GDP ratio.
    gdp_unit : str, default ``"亿元"``

    Returns
    -------
    dict
        ``ledger`` (DataFrame: the rows with ``value`` [亿元] and ``share`` of GEP),
        ``totals`` (DataFrame: category, name_zh, name_en, value [亿元], share), ``gep``
        [亿元] and ``gep_gdp_ratio`` (None without ``gdp``).

    Raises
    ------
    EvaluationError
        Missing columns or price provenance, an unknown category, a quantity or price that
        is not a non-negative number, a quantity unit that does not convert to the price's.

    Notes
    -----
    .. math::

        V_i = Q_i \times P_i \;(\times \tfrac{44}{12} \text{ for carbon}),\qquad
        GEP = \sum_i V_i,\qquad s_c = \frac{\sum_{i \in c} V_i}{GEP}

    References
    ----------
    生态产品总值核算规范(试行) (国家发展改革委 国家统计局, 2022).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"item": ["水源涵养", "固碳"], "category": ["调节服务", "调节服务"],
    ...                   "quantity": [1.0e8, 1000.0], "unit": ["m3", "t"],
    ...                   "price": [6.11, 100.0], "price_unit": ["元/m3", "元/t"],
    ...                   "price_source": ["reservoir cost", "carbon market"],
    ...                   "price_year": [2020, 2020]})
    >>> round(gep_ledger(t)["gep"], 6)  # (6.11e8 + 1000 × 44/12 × 100) 元 = 6.11366667 亿元
    6.113667
    """
    if not isinstance(table, pd.DataFrame):
        raise EvaluationError(msg("evaluation.gep_needs_frame"))
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise EvaluationError(
            msg("evaluation.gep_missing", names=str(missing), required=list(_REQUIRED))
        )
    rows = []
    to_yi = units.factor("元", "亿元")
    for i, rec in enumerate(table.to_dict(orient="records"), start=1):
        where = msg("evaluation.gep_row", row=i, item=repr(rec.get("item")))
        cat_raw = str(rec["category"]).strip()
        cat = (
            cat_raw.casefold()
            if cat_raw.casefold() in CATEGORIES
            else _CATEGORY_ALIASES.get(cat_raw.casefold(), "")
        )
        if not cat:
            raise EvaluationError(
                msg(
                    "evaluation.gep_category",
                    where=where,
                    category=repr(cat_raw),
                    hint=hint(cat_raw, CATEGORIES),
                )
            )
        for col in ("price_source", "price_year"):
            if pd.isna(rec[col]) or not str(rec[col]).strip():
                raise EvaluationError(msg("evaluation.gep_price_source", where=where, column=col))
        try:
            q = float(rec["quantity"])
            p = float(rec["price"])
        except (TypeError, ValueError):
            raise EvaluationError(msg("evaluation.gep_not_numbers", where=where)) from None
        if not (math.isfinite(q) and math.isfinite(p)) or q < 0 or p < 0:
            raise EvaluationError(msg("evaluation.gep_negative", where=where))
        unit = str(rec.get("unit") or "").strip() if pd.notna(rec.get("unit", None)) else ""
        price_unit = (
            str(rec.get("price_unit") or "").strip()
            if pd.notna(rec.get("price_unit", None))
            else ""
        )
        currency, per = ("元", unit) if not price_unit else [*price_unit.split("/", 1), ""][:2]
        carbon = bool(rec.get("carbon", False)) if pd.notna(rec.get("carbon", False)) else False
        carbon = carbon or str(rec["item"]).strip().casefold() in _CARBON_ITEMS
        try:
            conv = units.factor(unit, per) if unit and per and unit != per else 1.0
            money = units.factor(currency or "元", "元")
        except UnitError as exc:
            raise EvaluationError(
                msg("evaluation.gep_unit", where=where, error=message_of(exc))
            ) from None
        value_yuan = q * conv * p * money * (factors.co2_per_carbon() if carbon else 1.0)
        rows.append(
            {
                "item": rec["item"],
                "category": cat,
                "quantity": q,
                "unit": unit,
                "price": p,
                "price_unit": price_unit or f"元/{unit}" if unit else price_unit,
                "price_source": rec["price_source"],
                "price_year": rec["price_year"],
                "carbon": carbon,
                "value": value_yuan * to_yi,
            }
        )
    ledger = pd.DataFrame(rows)
    total = float(ledger["value"].sum()) if not ledger.empty else 0.0
    ledger["share"] = ledger["value"] / total if total > 0 else math.nan
    by = ledger.groupby("category")["value"].sum() if not ledger.empty else pd.Series(dtype=float)
    totals = pd.DataFrame(
        [
            {
                "category": c,
                "name_zh": zh,
                "name_en": en,
                "value": float(by.get(c, 0.0)),
                "share": float(by.get(c, 0.0)) / total if total > 0 else math.nan,
            }
            for c, (zh, en) in CATEGORIES.items()
        ]
    )
    ratio = None
    if gdp is not None:
        g = float(gdp) * units.factor(gdp_unit, "亿元")
        if not g > 0:
            raise EvaluationError(msg("evaluation.gdp_not_positive", value=gdp))
        ratio = total / g
    return {"ledger": ledger, "totals": totals, "gep": total, "gep_gdp_ratio": ratio}

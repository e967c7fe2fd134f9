"""Formula functions of the city GHG inventory: combustion CO₂, process CO₂, GPC totals.

These are the public pure functions other systems call (names and units are a contract):
:func:`combustion_co2`, :func:`process_co2` and :func:`gpc_summary`. They take numbers in the
documented units and return the same container (float, NumPy array or pandas Series).

References
----------
.. [IPCC2] IPCC 2006 Guidelines for National Greenhouse Gas Inventories, Vol.2 Ch.1 (Eq. 1.1,
   Tables 1.2–1.4), Ch.2 (Eq. 2.1).
.. [IPCC3] IPCC 2006 Guidelines, Vol.3 Ch.2 (cement Eq. 2.1–2.4, lime Eq. 2.8, carbonates
   Table 2.1) and Ch.4 (iron and steel, Table 4.1, Table 4.3).
.. [Prov] 省级温室气体清单编制指南(试行) (发改办气候〔2011〕1041号), 第一章 能源活动, 第二章
   工业生产过程.
.. [GPC] Global Protocol for Community-Scale Greenhouse Gas Emission Inventories (WRI, C40,
   ICLEI, 2014), Ch.3 (BASIC and BASIC+) and Table 4.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from greenplan import factors, units
from greenplan.errors import GreenplanError, message_of
from greenplan.messages import msg
from greenplan.options import hint

__all__ = [
    "PROCESSES",
    "InventoryError",
    "combustion_co2",
    "gpc_summary",
    "process_co2",
]

ArrayLike = TypeVar("ArrayLike", float, np.ndarray, pd.Series)


class InventoryError(GreenplanError, ValueError):
    """Inputs the inventory cannot account (bad parameters, unknown items, missing columns)."""


@cache
def _kg_per_tj_to_t_per_gj() -> float:
    return units.factor("kg/TJ", "t/GJ")


@cache
def _t_per_tj_to_t_per_gj() -> float:
    return units.factor("t/TJ", "t/GJ")


def combustion_co2(
    quantity: ArrayLike,
    *,
    ncv: float | ArrayLike,
    emission_factor: float | ArrayLike | None = None,
    carbon_content: float | ArrayLike | None = None,
    oxidation: float | ArrayLike = 1.0,
) -> ArrayLike:
    r"""CO₂ from burning a fuel.

    Parameters
    ----------
    quantity : float, array or Series
        Fuel burned [t; gases 10⁴ m³].
    ncv : float, array or Series
        Net calorific value [GJ per unit of ``quantity``: GJ/t or GJ/10⁴ m³].
    emission_factor : float, array or Series, optional
        CO₂ per unit energy [kg CO₂/TJ] (IPCC 2006 Vol.2 Table 1.4).
    carbon_content : float, array or Series, optional
        Carbon per unit energy [t C/TJ] (Table 1.3; the Chinese guidelines). Exactly one of
        ``emission_factor`` and ``carbon_content``.
    oxidation : float, array or Series, default 1.0
        Oxidation rate [1] (IPCC Tier 1: 1; Chinese guidelines 0.90–0.99).

    Returns
    -------
    same type as ``quantity``
        CO₂ [t].

    Raises
    ------
    InventoryError
        Both or neither of ``emission_factor`` and ``carbon_content``; an oxidation rate
        outside (0, 1].

    Notes
    -----
    .. math::

        CO_2 = AD \times NCV \times EF \times OF \times 10^{-6}
        \quad\text{or}\quad
        CO_2 = AD \times NCV \times CC \times 10^{-3} \times OF \times \frac{44}{12}

    with AD × NCV in GJ, EF in kg/TJ (10⁻⁶ t/GJ) and CC in t C/TJ (10⁻³ t C/GJ). The two
    agree when EF = CC × 44/12 × 1000.

    References
    ----------
    IPCC 2006 Vol.2 Ch.1 Eq. 1.1 and Ch.2 Eq. 2.1; 省级温室气体清单编制指南(试行) (2011), 第一章.

    Examples
    --------
    >>> # 1 000 t of gas/diesel oil, IPCC Table 1.2 NCV 43.0 TJ/Gg and Table 1.4 EF 74 100 kg/TJ
    >>> round(combustion_co2(1000.0, ncv=43.0, emission_factor=74_100), 3)
    3186.3
    """
    if (emission_factor is None) == (carbon_content is None):
        raise InventoryError(msg("inventory.one_factor"))
    ox = np.asarray(oxidation, dtype="float64")
    if np.any((ox <= 0) | (ox > 1)):
        raise InventoryError(msg("inventory.bad_oxidation", value=repr(oxidation)))
    energy = quantity * ncv  # GJ
    if emission_factor is not None:
        per_gj = emission_factor * _kg_per_tj_to_t_per_gj()
    else:
        assert carbon_content is not None
        per_gj = carbon_content * _t_per_tj_to_t_per_gj() * factors.co2_per_carbon()
    return energy * per_gj * oxidation


PROCESSES: dict[str, str] = {
    "clinker": "cement clinker produced [t]: output × EF_clinker",
    "cement": "cement produced [t]: (output × clinker_fraction − clinker_imports + "
    "clinker_exports) × EF_clinker",
    "lime": "lime produced [t]: output × EF_lime",
    "carbonate": "carbonate calcined [t]: output × EF of 'mineral' (limestone or dolomite)",
    "steel_bof": "basic-oxygen-furnace steel [t]: output × EF (IPCC Tier 1)",
    "steel_eaf": "electric-arc-furnace steel [t]: output × EF (IPCC Tier 1)",
    "iron": "pig iron not converted into steel [t]: output × EF (IPCC Tier 1)",
    "steel_decarbonisation": "steel produced [t] from pig_iron [t]: (pig_iron × C_pig − output "
    "× C_steel) × 44/12 + limestone × EF_ls + dolomite × EF_dol (provincial guideline)",
}
"""Processes of :func:`process_co2` and what ``output`` is."""

_PROCESS_PARAMETERS: dict[str, tuple[str, ...]] = {
    "clinker": ("emission_factor",),
    "cement": ("emission_factor", "clinker_fraction", "clinker_imports", "clinker_exports"),
    "lime": ("emission_factor",),
    "carbonate": ("emission_factor", "mineral", "calcination_fraction"),
    "steel_bof": ("emission_factor",),
    "steel_eaf": ("emission_factor",),
    "iron": ("emission_factor",),
    "steel_decarbonisation": (
        "pig_iron",
        "pig_iron_carbon",
        "steel_carbon",
        "limestone",
        "dolomite",
        "limestone_factor",
        "dolomite_factor",
    ),
}


def _default(name: str, set_: str) -> float:
    try:
        return factors.process_factor(name, set_).value
    except factors.FactorError as exc:
        raise InventoryError(message_of(exc)) from None


def process_co2(process: str, output: Any, **parameters: Any) -> Any:
    r"""Industrial-process CO₂ of one product.

    Parameters
    ----------
    process : str
        ``clinker``, ``cement``, ``lime``, ``carbonate``, ``steel_bof``, ``steel_eaf``,
        ``iron`` or ``steel_decarbonisation`` (see :data:`PROCESSES` for what ``output`` is).
    output : float, array or Series
        Product output (or carbonate calcined) [t].
    **parameters
        ``set`` (``"china_guideline"``, the default, or ``"ipcc2006"``) chooses the shipped
        defaults (``greenplan.factors.process_factor``); any parameter overrides its default:
        ``emission_factor`` [t CO₂/t]; cement: ``clinker_fraction`` [t/t],
        ``clinker_imports``/``clinker_exports`` [t]; carbonate: ``mineral``
        (``limestone``/``dolomite``), ``calcination_fraction`` [1]; steel_decarbonisation:
        ``pig_iron`` [t] (required), ``pig_iron_carbon``/``steel_carbon`` [t C/t],
        ``limestone``/``dolomite`` flux [t], ``limestone_factor``/``dolomite_factor``
        [t CO₂/t].

    Returns
    -------
    same type as ``output``
        CO₂ [t].

    Raises
    ------
    InventoryError
        Unknown process or parameter, a missing required parameter, a negative output.

    Notes
    -----
    .. math::

        E_{clinker} = M \cdot EF_{clc}, \quad
        E_{cement} = (M \cdot CF - Im + Ex) \cdot EF_{clc}, \quad
        E_{lime} = M \cdot EF_{lime}

    .. math::

        E_{steel} = (P \cdot C_{pig} - S \cdot C_{steel}) \cdot \tfrac{44}{12}
                    + L \cdot EF_{ls} + D \cdot EF_{dol}

    Defaults: provincial guideline clinker 0.538, lime 0.683, limestone 0.430, dolomite
    0.474 t CO₂/t, C_pig 4.1 %, C_steel 0.248 % [M]; IPCC clinker 0.52 (Eq. 2.4), lime 0.753
    (Eq. 2.8), BOF 1.46, EAF 0.08, pig iron 1.35 (Table 4.1), clinker fraction 0.75.

    References
    ----------
    IPCC 2006 Vol.3 Ch.2 Eq. 2.1–2.4, 2.8, Table 2.1; Vol.3 Ch.4 Tables 4.1, 4.3;
    省级温室气体清单编制指南(试行) (2011), 第二章.

    Examples
    --------
    >>> process_co2("clinker", 1000.0)  # 1 000 t × 0.538 (provincial guideline)
    538.0
    >>> round(process_co2("lime", 1000.0, set="ipcc2006"), 6)  # 0.85 × 0.75 + 0.15 × 0.77
    753.0
    """
    if process not in PROCESSES:
        raise InventoryError(
            msg(
                "inventory.unknown_process",
                process=repr(process),
                hint=hint(process, PROCESSES),
                known=list(PROCESSES),
            )
        )
    params = dict(parameters)
    set_ = params.pop("set", "china_guideline")
    allowed = _PROCESS_PARAMETERS[process]
    for name in params:
        if name not in allowed:
            raise InventoryError(
                msg(
                    "inventory.unknown_parameter",
                    process=repr(process),
                    name=repr(name),
                    hint=hint(name, allowed),
                    known=list(allowed),
                )
            )
    out = np.asarray(output, dtype="float64")
    if np.any(out < 0):
        raise InventoryError(msg("inventory.negative_output", value=repr(output)))

    def p(name: str, default_key: str | None = None) -> Any:
        if name in params:
            return params[name]
        return _default(default_key or name, set_)

    if process == "clinker":
        return output * p("emission_factor", "clinker")
    if process == "cement":
        clinker = (
            output * p("clinker_fraction")
            - params.get("clinker_imports", 0.0)
            + params.get("clinker_exports", 0.0)
        )
        return clinker * p("emission_factor", "clinker")
    if process == "lime":
        return output * p("emission_factor", "lime")
    if process == "carbonate":
        mineral = params.get("mineral", "limestone")
        if mineral not in ("limestone", "dolomite"):
            raise InventoryError(msg("inventory.bad_mineral", value=repr(mineral)))
        ef = params["emission_factor"] if "emission_factor" in params else _default(mineral, set_)
        return output * ef * params.get("calcination_fraction", 1.0)
    if process in ("steel_bof", "steel_eaf", "iron"):
        return output * p("emission_factor", process)
    # steel_decarbonisation
    if "pig_iron" not in params:
        raise InventoryError(msg("inventory.needs_pig_iron"))
    carbon = params["pig_iron"] * p("pig_iron_carbon") - output * p("steel_carbon")
    flux = params.get("limestone", 0.0) * p("limestone_factor", "limestone") + params.get(
        "dolomite", 0.0
    ) * p("dolomite_factor", "dolomite")
    return carbon * factors.co2_per_carbon() + flux


# --- GPC totals ---------------------------------------------------------------------------------

_GPC_SECTORS: dict[str, str] = {
    "i": "I",
    "stationary_energy": "I",
    "stationary energy": "I",
    "固定源能源": "I",
    "ii": "II",
    "transportation": "II",
    "transport": "II",
    "交通": "II",
    "iii": "III",
    "waste": "III",
    "废弃物": "III",
    "iv": "IV",
    "ippu": "IV",
    "industrial processes and product use": "IV",
    "工业过程和产品使用": "IV",
    "v": "V",
    "afolu": "V",
    "农业、林业和其他土地利用": "V",
    "vi": "VI",
    "other_scope3": "VI",
    "other scope 3": "VI",
}


def _gpc_sector(value: Any) -> str:
    text = str(value).strip()
    head = text.split(".")[0] if "." in text and text.split(".")[0].isalpha() else text
    key = _GPC_SECTORS.get(head.casefold())
    if key is None:
        raise InventoryError(msg("inventory.unknown_gpc_sector", value=repr(value)))
    return key


def gpc_summary(table: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    r"""Return the BASIC, BASIC+ and territorial totals of a GPC inventory.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per emission source with ``sector`` (GPC sector: ``I``–``VI`` or
        ``stationary_energy``, ``transportation``, ``waste``, ``ippu``, ``afolu``,
        ``other_scope3``; a reference number such as ``I.4.4`` works too), ``scope`` (1, 2
        or 3) and ``value`` [any mass of CO₂e, returned in the same unit]. Optional
        ``gpc_ref`` (a row with ``I.4.4``, energy generation supplied to the grid, counts in
        the territorial total but not in BASIC) and any grouping columns among ``region``
        and ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per group (or one row) with ``territorial``, ``basic`` and ``basic_plus``.

    Raises
    ------
    InventoryError
        Missing columns, an unknown sector, a scope other than 1–3, a value not a number.

    Notes
    -----
    territorial = Σ scope 1 (all sectors, I.4.4 included);
    BASIC = I and II scopes 1 + 2 (I.4.4 excluded) + III scopes 1 + 3;
    BASIC+ = BASIC + I and II scope 3 (T&D losses, transboundary travel) + IV and V scope 1.
    Sector VI (other scope 3) is in neither.

    References
    ----------
    GPC (2014) §3.3 and Table 3.1 (scopes and BASIC/BASIC+ boundaries), Table 4.1.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"sector": ["I", "I", "I", "IV"], "scope": [1, 2, 1, 1],
    ...                   "gpc_ref": ["I.3.1", "I.3.2", "I.4.4", "IV.1"],
    ...                   "value": [100.0, 40.0, 70.0, 10.0]})
    >>> gpc_summary(t).iloc[0].to_dict()
    {'territorial': 180.0, 'basic': 140.0, 'basic_plus': 150.0}
    """
    frame = pd.DataFrame(table) if not isinstance(table, pd.DataFrame) else table
    missing = [c for c in ("sector", "scope", "value") if c not in frame.columns]
    if missing:
        raise InventoryError(msg("inventory.gpc_missing_columns", names=str(missing)))
    sector = frame["sector"].map(_gpc_sector)
    ref = (
        frame["gpc_ref"].astype(str).str.strip()
        if "gpc_ref" in frame.columns
        else pd.Series("", index=frame.index)
    )
    ref = ref.where(~ref.str.casefold().isin(["nan", "none"]), "")
    try:
        scope = pd.to_numeric(frame["scope"], errors="raise").astype("int64")
    except (ValueError, TypeError):
        raise InventoryError(msg("inventory.gpc_scope")) from None
    if not scope.isin([1, 2, 3]).all():
        raise InventoryError(
            msg("inventory.gpc_scope_got", values=str(sorted(set(scope) - {1, 2, 3})))
        )
    value = pd.to_numeric(frame["value"], errors="coerce")
    if value.isna().any() and frame["value"].notna().any():
        bad = frame["value"][value.isna() & frame["value"].notna()]
        if len(bad):
            raise InventoryError(msg("inventory.gpc_not_a_number", value=repr(bad.iloc[0])))
    value = value.fillna(0.0)
    grid = ref.str.startswith("I.4.4")
    energy = sector.isin(["I", "II"])
    basic = (energy & scope.isin([1, 2]) & ~grid) | ((sector == "III") & scope.isin([1, 3]))
    plus = basic | (energy & (scope == 3)) | (sector.isin(["IV", "V"]) & (scope == 1))
    parts = pd.DataFrame(
        {
            "territorial": value.where(scope == 1, 0.0),
            "basic": value.where(basic, 0.0),
            "basic_plus": value.where(plus, 0.0),
        }
    )
    keys = [c for c in ("region", "year") if c in frame.columns]
    if keys:
        parts[keys] = frame[keys]
        return parts.groupby(keys, sort=True, as_index=False)[
            ["territorial", "basic", "basic_plus"]
        ].sum()
    return pd.DataFrame([parts.sum().to_dict()])

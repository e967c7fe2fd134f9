"""Typed, JSON-serialisable definitions: variables, indicators and targets.

All models are pydantic v2, frozen, and forbid unknown fields, so a typo in a definition file
fails loudly. Every definition carries 中文 and English names.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from greenplan.errors import GreenplanError

__all__ = [
    "Aggregation",
    "Baseline",
    "Bound",
    "CodeListError",
    "Direction",
    "Indicator",
    "PriceBasis",
    "Target",
    "TargetKind",
    "TargetPreset",
    "TargetScope",
    "Variable",
    "VariableKind",
]


class CodeListError(GreenplanError, ValueError):
    """A code list shipped with greenplan (or a recipe registered on it) is inconsistent."""


class _Frozen(BaseModel):
    # defer_build: each model's validator is built on its first use, not at import
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)


class Direction(StrEnum):
    """Which way an indicator should move."""

    INCREASE = "increase"
    """Higher is better (e.g. forest coverage)."""
    DECREASE = "decrease"
    """Lower is better (e.g. energy intensity)."""
    NONE = "none"
    """Neither: a context quantity such as GDP or total water use."""


class VariableKind(StrEnum):
    """What kind of quantity a raw-statistics variable is."""

    FLOW = "flow"
    """An amount over the year (energy consumed, water used, GDP)."""
    STOCK = "stock"
    """A level at year end (installed capacity, forest area)."""
    SHARE = "share"
    """A ratio in % (good-air-days ratio)."""
    COUNT = "count"
    """A number of things (enterprises, parks, outlets)."""
    RATE = "rate"
    """A growth rate or change in % (real GDP growth)."""
    INTENSITY = "intensity"
    """A ratio of two quantities with a unit (t ce per 10⁴ yuan)."""
    INDEX = "index"
    """An index number (previous year = 100)."""


class Aggregation(StrEnum):
    """How a variable combines across regions (districts → city)."""

    SUM = "sum"
    """Additive: the city is the sum of its districts."""
    NONE = "none"
    """Not additive (shares, rates, intensities): recompute from components instead."""


class PriceBasis(StrEnum):
    """Price basis of a monetary variable: metadata, not a unit."""

    CURRENT = "current"
    """Current (nominal) prices of the year."""
    CONSTANT_2020 = "constant_2020"
    """Comparable prices of 2020, the base year of the 14th Five-Year Plan."""
    NOT_MONETARY = "none"
    """Not a monetary quantity."""


class Variable(_Frozen):
    """A raw-statistics variable of the codelist (the data format departments send)."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    """Flat snake_case code, e.g. ``energy_consumption``."""
    name_zh: str
    name_en: str
    unit: str
    """Canonical unit; values are converted into it when read."""
    kind: VariableKind
    direction: Direction = Direction.NONE
    """Which way the quantity should move (for an indicator: the plan's direction)."""
    aggregation: Aggregation = Aggregation.SUM
    lower: float | None = None
    """Smallest plausible value (inclusive), or None."""
    upper: float | None = None
    """Largest plausible value (inclusive), or None."""
    parent: str | None = None
    """Code of the variable this one is a component of (children sum to the parent)."""
    price_basis: PriceBasis = PriceBasis.NOT_MONETARY
    domain: str = ""
    aliases: tuple[str, ...] = ()
    """Other names accepted on input (Chinese statistical names, old codes)."""
    description: str = ""
    owner: str = "统计局"
    """The municipal department that reports the variable (a code of ``resources/departments.csv``,
    its Chinese name); a submission template (:mod:`greenplan.templates`) is cut by it."""
    source: str = ""
    """Where the definition comes from (standard, bulletin, plan clause)."""


class Department(_Frozen):
    """A municipal department that submits statistics (报送部门)."""

    code: str
    """Chinese short name, e.g. ``统计局``."""
    name_en: str
    aliases: tuple[str, ...] = ()
    """Other names accepted (full names, abbreviations, English)."""
    source: str = ""


class Indicator(_Frozen):
    """An indicator of the plan: a value computed from raw statistics."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name_zh: str
    name_en: str
    unit: str
    direction: Direction = Direction.NONE
    domain: str
    """Module of ``greenplan.indicators`` that computes it (energy, carbon, water …)."""
    description: str = ""
    formula: str = ""
    """The formula in plain text, e.g. ``energy_consumption / gdp_constant_2020``."""
    inputs: tuple[str, ...] = ()
    """Variable codes (or indicator ids) it is computed from."""
    options: tuple[str, ...] = ()
    """Names of ``compute`` options that change its value (recorded in the output)."""
    section: str = ""
    """Plan section (e.g. ``五(四)``) where the indicator appears, if any."""
    references: tuple[str, ...] = ()
    """Standards and documents the definition follows."""
    price_basis: PriceBasis = PriceBasis.NOT_MONETARY

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        rows = "".join(
            f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>"
            for k, v in self.model_dump().items()
            if v not in ("", (), None)
        )
        return f"<table>{rows}</table>"


class TargetKind(StrEnum):
    """How a target is stated in the plan (level, change vs 2020, cumulative, full coverage …)."""

    LEVEL = "level"
    CHANGE_VS_BASE = "change_vs_base"
    CUMULATIVE = "cumulative"
    FULL_COVERAGE = "full_coverage"
    ELIMINATION = "elimination"
    THRESHOLD = "threshold"
    ASSIGNED = "assigned"
    DIRECTION = "direction"
    NON_INCREASE = "non_increase"


class TargetScope(StrEnum):
    """Where a target applies: the city as one total, the city as one rate, or every region.

    Only the city is assessed against a ``city_total`` target (a district's share of an
    absolute city figure is not set by the plan: "not assessable", reason
    ``city_wide_target``); a district is compared with a ``city_rate`` target as a reference
    (a rate the plan sets for the whole city), and assessed against an ``any_region`` target
    like the city (an elimination, a full coverage, a per-project threshold).
    """

    CITY_TOTAL = "city_total"
    """An absolute figure of the whole city (an output, a capacity, a count, a volume)."""
    CITY_RATE = "city_rate"
    """A rate, share or intensity the plan sets for the whole city."""
    ANY_REGION = "any_region"
    """Applies in every region as in the city (eliminate, cover fully, every project)."""

    @classmethod
    def default_for(cls, kind: TargetKind, unit: str) -> TargetScope:
        """Scope of a target whose plan file states none: a rate if its unit or kind says so.

        ``%`` units and change, direction, threshold and full-coverage targets are rates of the
        city; anything else is a city total (so a district is never assessed against it).

        Examples
        --------
        >>> TargetScope.default_for(TargetKind.LEVEL, "亿元").value
        'city_total'
        >>> TargetScope.default_for(TargetKind.LEVEL, "%").value
        'city_rate'
        """
        rate_kinds = {
            TargetKind.CHANGE_VS_BASE,
            TargetKind.DIRECTION,
            TargetKind.THRESHOLD,
            TargetKind.FULL_COVERAGE,
        }
        if kind in rate_kinds or (unit or "").strip().startswith("%"):
            return cls.CITY_RATE
        return cls.CITY_TOTAL


class Bound(StrEnum):
    """The comparison the plan states; ``_aspirational`` marks 力争 (strive for)."""

    AT_LEAST = "at_least"
    AT_LEAST_ASPIRATIONAL = "at_least_aspirational"
    AT_MOST = "at_most"
    APPROXIMATELY = "approximately"
    APPROXIMATELY_ASPIRATIONAL = "approximately_aspirational"
    BELOW = "below"
    ABOVE = "above"
    DECREASE = "decrease"
    PROVINCIAL = "provincial"

    @property
    def aspirational(self) -> bool:
        """Whether the plan only strives for it (力争)."""
        return self.value.endswith("_aspirational")

    @property
    def comparison(self) -> str:
        """The bound without the aspirational suffix."""
        return self.value.removesuffix("_aspirational")


class Baseline(_Frozen):
    """A 2020 value the plan itself states for a target's indicator."""

    year: int
    value: float
    unit: str
    qualifier: str = ""
    """``above`` for 超过 (the true value is higher), ``approximately`` for 级/左右 …"""
    words_zh: str = ""
    section: str = ""
    source: str = ""


class TargetPreset(_Frozen):
    """A value for a provincially assigned target, known from a later official document."""

    name: str
    target: str
    """Key of the target it sets."""
    value: float
    unit: str
    kind: TargetKind
    """How the value is meant once set (e.g. ``change_vs_base``)."""
    description: str
    source: str
    confidence: str = "C"
    """C confirmed, D derived (computed from confirmed figures), M from memory (unverified),
    ? uncertain."""


class Target(_Frozen):
    """A quantified 2025 target of the plan."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    indicator: str
    """Id of the indicator the target is assessed on."""
    name_zh: str
    name_en: str
    year: int | None = 2025
    value: float | None = None
    """The plan's number, or None where the plan gives none (assigned, direction …)."""
    unit: str = ""
    """The unit as the plan states it (``% vs 2020`` for relative changes)."""
    kind: TargetKind
    bound: Bound
    aspirational: bool = False
    """力争: the plan strives for it rather than requires it."""
    direction: Direction
    """Which way the indicator must move to meet the target."""
    plan_words_zh: str
    section: str
    note: str = ""
    baseline: Baseline | None = None
    """The 2020 value as the plan states it, where the plan states one that truly applies."""
    base_year: int = 2020
    presets: tuple[str, ...] = ()
    """Names of presets that can set an assigned target's value."""
    scope: TargetScope | None = None
    """Where the target applies (:class:`TargetScope`); None: :meth:`TargetScope.default_for`."""
    overridden: str = ""
    """What the plan states (``"13.68 %"``), when a config replaced it (``allow_override``)."""

    @property
    def applies_in(self) -> TargetScope:
        """The target's scope, stated or by default (:meth:`TargetScope.default_for`)."""
        return self.scope or TargetScope.default_for(self.kind, self.unit)

    @field_validator("aspirational")
    @classmethod
    def _aspirational_matches_bound(cls, v: bool, info: object) -> bool:
        data = getattr(info, "data", {})
        bound = data.get("bound")
        if bound is not None and Bound(bound).aspirational != v:
            raise ValueError("aspirational must be true exactly when bound ends in _aspirational")
        return v

    @property
    def is_set(self) -> bool:
        """Whether the target has a value to assess against."""
        return self.value is not None or self.kind in {
            TargetKind.DIRECTION,
            TargetKind.NON_INCREASE,
        }

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        rows = "".join(
            f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>"
            for k, v in self.model_dump(mode="json").items()
            if v not in ("", [], None)
        )
        return f"<table>{rows}</table>"

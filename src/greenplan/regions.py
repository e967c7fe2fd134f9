"""Regions of Jinan: the city, its districts and counties, and functional zones.

The city (``济南市``) is the sum of its 10 districts and 2 counties for additive variables.
Functional zones (高新区, 起步区, 南部山区) overlap the districts: they may be reported, but
are never summed into the city.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from greenplan._resources import LazyMapping, read_resource_csv

__all__ = ["CITY", "REGIONS", "Region", "districts", "resolve_region"]

CITY = "济南市"
"""Code of the city as a whole."""


class Region(BaseModel):
    """A region greenplan knows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name_en: str
    level: str
    """``city``, ``district``, ``county`` or ``zone``."""
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_component(self) -> bool:
        """Whether the region sums into the city (districts and counties, not zones)."""
        return self.level in {"district", "county"}


def _load() -> dict[str, Region]:
    out = {}
    for row in read_resource_csv("regions.csv"):
        out[row["code"]] = Region(
            code=row["code"],
            name_en=row["name_en"],
            level=row["level"],
            parent=row["parent"] or None,
            aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
            source=row["source"],
        )
    return out


REGIONS: Mapping[str, Region] = LazyMapping(_load, "greenplan.REGIONS")
"""Known regions by code (the Chinese name)."""

_ALIASES: dict[str, str] | None = None


def resolve_region(name: str) -> str | None:
    """Return the region code for a name or alias (``"济南"``, ``"Lixia"`` …), else None."""
    global _ALIASES
    if _ALIASES is None:
        table: dict[str, str] = {}
        for code, region in REGIONS.items():
            for alias in (code, region.name_en, *region.aliases):
                table[alias.strip().casefold()] = code
        _ALIASES = table
    return _ALIASES.get(str(name).strip().casefold())


def districts() -> list[str]:
    """Codes of the districts and counties that sum into the city."""
    return list(_districts())


@functools.cache
def _districts() -> tuple[str, ...]:
    """Return the districts and counties, found once (the code list is read-only)."""
    return tuple(code for code, r in REGIONS.items() if r.is_component)

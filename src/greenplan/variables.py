"""The codelist of raw-statistics variables (the data format departments send).

Definitions live in ``resources/variables/*.csv``, one file per domain; this module loads them
into typed :class:`~greenplan.definitions.Variable` objects. Every indicator id is also a
variable, so an indicator value can be submitted directly.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from greenplan._resources import LazyMapping, resource_path
from greenplan.definitions import Aggregation, PriceBasis, Variable, VariableKind

__all__ = ["VARIABLES", "children", "resolve_variable", "suggest_variables"]


def _opt_float(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _load() -> dict[str, Variable]:
    import csv

    out: dict[str, Variable] = {}
    folder = resource_path("variables")
    for path in sorted(Path(folder).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    var = Variable(
                        code=row["code"].strip(),
                        name_zh=row["name_zh"].strip(),
                        name_en=row["name_en"].strip(),
                        unit=row["unit"].strip(),
                        kind=VariableKind(row["kind"].strip()),
                        aggregation=Aggregation(row.get("aggregation", "").strip() or "sum"),
                        lower=_opt_float(row.get("lower")),
                        upper=_opt_float(row.get("upper")),
                        parent=(row.get("parent") or "").strip() or None,
                        price_basis=PriceBasis((row.get("price_basis") or "").strip() or "none"),
                        domain=path.stem,
                        aliases=tuple(
                            a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()
                        ),
                        description=(row.get("description") or "").strip(),
                        source=(row.get("source") or "").strip(),
                    )
                except Exception as exc:  # a broken package file: fail loudly, with its place
                    raise ValueError(f"{path.name}, line {lineno}: {exc}") from exc
                if var.code in out:
                    raise ValueError(f"{path.name}, line {lineno}: duplicate code {var.code!r}")
                out[var.code] = var
    return out


VARIABLES: Mapping[str, Variable] = LazyMapping(_load, "greenplan.VARIABLES")
"""Every variable of the codelist, by code."""

_LOOKUP: dict[str, str] | None = None


def _lookup() -> dict[str, str]:
    global _LOOKUP
    if _LOOKUP is None:
        table: dict[str, str] = {}
        for code, var in VARIABLES.items():
            for name in (var.name_zh, var.name_en, *var.aliases):
                table.setdefault(name.strip().casefold(), code)
        for code in VARIABLES:  # codes always win over names
            table[code.casefold()] = code
        _LOOKUP = table
    return _LOOKUP


def resolve_variable(name: str) -> str | None:
    """Return the code of a variable given its code, Chinese or English name, or alias."""
    return _lookup().get(str(name).strip().casefold())


def suggest_variables(name: str, n: int = 3) -> list[str]:
    """Closest variable codes to an unknown name (for "did you mean" messages)."""
    key = str(name).strip().casefold()
    table = _lookup()
    matches = difflib.get_close_matches(key, list(table), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for m in matches:
        code = table[m]
        if code not in out:
            out.append(code)
    return out[:n]


def children(code: str) -> list[str]:
    """Codes whose parent is ``code`` (they sum to it)."""
    return [c for c, v in VARIABLES.items() if v.parent == code]

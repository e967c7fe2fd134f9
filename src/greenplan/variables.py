"""The codelist of raw-statistics variables (the data format departments send).

Definitions live in ``resources/variables/*.csv``, one file per domain; this module loads them
into typed :class:`~greenplan.definitions.Variable` objects. Every indicator id is also a
variable, so an indicator value can be submitted directly: the code list is the one place an
indicator's names, unit, direction and price basis are written.

Loading checks the cross-references, as IAMconsortium/nomenclature's ``codelist.py`` does: a
code is defined once, a parent exists (with a unit of the same dimension), a unit parses in
:mod:`greenplan.units`, and no name or alias points at two variables. A broken file raises
:class:`~greenplan.definitions.CodeListError` naming the file and line.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from pathlib import Path

from greenplan import units
from greenplan._resources import LazyMapping, read_resource_csv, resource_path
from greenplan.definitions import (
    Aggregation,
    CodeListError,
    Department,
    Direction,
    PriceBasis,
    Variable,
    VariableKind,
)
from greenplan.errors import OptionError, UnitError, message_of
from greenplan.messages import Message, msg
from greenplan.options import hint, suggest

__all__ = [
    "DEPARTMENTS",
    "VARIABLES",
    "children",
    "resolve_department",
    "resolve_variable",
    "suggest_variables",
]


def _opt_float(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _cell(row: dict[str, str], key: str) -> str:
    return (row.get(key) or "").strip()


def _variable(row: dict[str, str], domain: str) -> Variable:
    return Variable(
        code=_cell(row, "code"),
        name_zh=_cell(row, "name_zh"),
        name_en=_cell(row, "name_en"),
        unit=_cell(row, "unit"),
        kind=VariableKind(_cell(row, "kind")),
        direction=Direction(_cell(row, "direction") or "none"),
        aggregation=Aggregation(_cell(row, "aggregation") or "sum"),
        lower=_opt_float(row.get("lower")),
        upper=_opt_float(row.get("upper")),
        parent=_cell(row, "parent") or None,
        price_basis=PriceBasis(_cell(row, "price_basis") or "none"),
        domain=domain,
        aliases=tuple(a.strip() for a in _cell(row, "aliases").split(";") if a.strip()),
        description=_cell(row, "description"),
        owner=_cell(row, "owner"),
        source=_cell(row, "source"),
    )


def _load_departments() -> dict[str, Department]:
    out: dict[str, Department] = {}
    for lineno, row in enumerate(read_resource_csv("departments.csv"), start=2):
        code = _cell(row, "code")
        if not code or code in out:
            raise CodeListError(msg("variables.bad_department", line=lineno, code=repr(code)))
        out[code] = Department(
            code=code,
            name_en=_cell(row, "name_en"),
            aliases=tuple(a.strip() for a in _cell(row, "aliases").split(";") if a.strip()),
            source=_cell(row, "source"),
        )
    return out


DEPARTMENTS: Mapping[str, Department] = LazyMapping(_load_departments, "greenplan.DEPARTMENTS")
"""The departments that report variables (``resources/departments.csv``), by Chinese name."""


def resolve_department(name: str) -> str:
    """Return the code (Chinese short name) of a department given any of its names.

    Raises :class:`~greenplan.errors.OptionError` with a "did you mean" hint for an unknown name.

    Examples
    --------
    >>> resolve_department("Water Affairs Bureau")
    '水务局'
    """
    names: dict[str, str] = {}
    for code, dep in DEPARTMENTS.items():
        for alias in (code, dep.name_en, *dep.aliases):
            names.setdefault(alias.strip().casefold(), code)
    key = str(name).strip().casefold()
    if key in names:
        return names[key]
    close = hint(key, names) or hint(name, DEPARTMENTS)
    known = ", ".join(f"{c} ({d.name_en})" for c, d in DEPARTMENTS.items())
    raise OptionError(msg("errors.unknown_department", name=repr(name), hint=close, known=known))


def _load() -> dict[str, Variable]:
    out: dict[str, Variable] = {}
    where: dict[str, Message] = {}
    for path in sorted(Path(resource_path("variables")).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                place = msg("variables.place", file=path.name, line=lineno)
                try:
                    var = _variable(row, path.stem)
                except Exception as exc:  # a broken package file: fail loudly, with its place
                    raise CodeListError(
                        msg("variables.bad_row", place=place, error=message_of(exc))
                    ) from exc
                if var.code in out:
                    raise CodeListError(
                        msg("variables.duplicate_code", place=place, code=repr(var.code))
                    )
                if var.owner not in DEPARTMENTS:
                    raise CodeListError(
                        msg(
                            "variables.unknown_owner",
                            place=place,
                            code=var.code,
                            owner=repr(var.owner),
                            hint=hint(var.owner, DEPARTMENTS),
                        )
                    )
                out[var.code] = var
                where[var.code] = place
    generated = _annual_rate_variables(out)
    out.update(generated)
    where.update(dict.fromkeys(generated, msg("variables.generated")))
    _check_references(out, where)
    return out


# --- generated codes: published annual rates (issue 10; read by greenplan.progress.rates) ----


def _annual_rate_variables(table: Mapping[str, Variable]) -> dict[str, Variable]:
    """``<code>_annual_change`` for every code whose change form ``<code>_change`` is listed.

    Bulletins publish yearly rates ("万元GDP能耗下降4.0%"): each indicator with a change vs the
    base year in the code list also accepts its change on the previous year [%], without a
    CSV row per indicator. :mod:`greenplan.progress.rates` chains them.
    """
    out: dict[str, Variable] = {}
    for code, change in table.items():
        stem = code.removesuffix("_change")
        level = table.get(stem)
        annual = f"{stem}_annual_change"
        if stem == code or level is None or annual in table or stem.endswith("_annual"):
            continue
        out[annual] = change.model_copy(
            update={
                "code": annual,
                "name_zh": f"{level.name_zh}较上年变化",
                "name_en": f"{level.name_en}: change on the previous year",
                "aliases": (),
                "description": f"Change of {stem} on the previous year [%], as published",
                "source": f"generated from the code list ({code} exists)",
            }
        )
    return out


def _refused(key: str, place: Message, code: str, **params: object) -> CodeListError:
    """Return the :class:`CodeListError` of check ``variables.<key>`` on ``code`` at ``place``."""
    return CodeListError(msg(f"variables.{key}", place=place, code=code, **params))


def _check_references(table: dict[str, Variable], where: dict[str, Message]) -> None:
    """Raise :class:`CodeListError` on a dangling parent, an unknown unit or a shared name."""
    owner: dict[str, str] = {}
    for code, var in table.items():
        place = where[code]
        try:
            units.dimension(var.unit)
        except UnitError as exc:
            error = message_of(exc)
            raise _refused("bad_unit", place, code, unit=repr(var.unit), error=error) from exc
        if var.parent is not None:
            parent = table.get(var.parent)
            if parent is None or var.parent == code:
                close = "" if parent else hint(var.parent, table)
                raise _refused("bad_parent", place, code, parent=repr(var.parent), hint=close)
            if not units.is_compatible(var.unit, parent.unit):
                unit, parent_unit = repr(var.unit), repr(parent.unit)
                raise _refused("parent_unit", place, code, unit=unit, parent_unit=parent_unit)
        for name in (var.name_zh, var.name_en, *var.aliases):
            other = owner.setdefault(name.casefold(), code)
            if other != code:
                raise _refused("name_taken", place, code, name=repr(name), other=repr(other))
    for code in table:
        other = owner.get(code.casefold(), code)
        if other != code:
            raise _refused("alias_is_code", where[other], repr(code), other=other)


def did_you_mean_code(name: str, table: Mapping[str, Variable]) -> str:
    close = suggest(name, table)
    return f" Did you mean: {', '.join(close)}?" if close else ""


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
    table = _lookup()
    out: list[str] = []
    for m in suggest(str(name).strip().casefold(), table, n=n * 3):
        code = table[m]
        if code not in out:
            out.append(code)
    return out[:n]


def children(code: str) -> list[str]:
    """Codes whose parent is ``code`` (they sum to it), in code-list order."""
    return list(_children_table().get(code, ()))


@functools.cache
def _children_table() -> dict[str, tuple[str, ...]]:
    """Each parent's children, from one pass over the code list (read-only): do not change it."""
    table: dict[str, list[str]] = {}
    for c, v in VARIABLES.items():
        if v.parent is not None:
            table.setdefault(v.parent, []).append(c)
    return {parent: tuple(kids) for parent, kids in table.items()}

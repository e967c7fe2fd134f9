"""Every quantified 2025 target of the plan, as typed :class:`~greenplan.definitions.Target`.

``TARGETS`` holds the 43 quantified targets of 《济南市“十四五”绿色低碳循环发展规划》
(``resources/plans/jinan_14th/targets.csv``, transcribed from the plan, with the plan's own
words; :mod:`greenplan.plans` reads a plan folder).
Provincially assigned targets (能耗双控, coal control, water total, construction land) have no
value in the plan; set them with :func:`with_values`, a small config file
(:func:`load_target_config`) or a documented preset (:data:`PRESETS`). A target the plan fixes
(a value, or the words 明显下降 / 只减不增) takes another value only with
``allow_override=True``, and the target then records what the plan states
(``Target.overridden``), which the report shows.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from greenplan._resources import LazyMapping, read_resource_csv
from greenplan.definitions import Bound, Target, TargetKind, TargetPreset
from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.options import hint
from greenplan.plans import default_plan, target_from_row

__all__ = [
    "PRESETS",
    "SUPPLEMENTARY_TARGETS",
    "TARGETS",
    "TargetConfigError",
    "catalogue_frame",
    "is_fixed",
    "load_target_config",
    "with_presets",
    "with_values",
]


class TargetConfigError(GreenplanError, ValueError):
    """A target value or configuration file is not usable."""


def _load(name: str) -> dict[str, Target]:
    plan = default_plan()
    return {
        row["key"]: target_from_row(row, base_year=plan.base_year, source=plan.source)
        for row in read_resource_csv(name)
    }


def _load_presets() -> dict[str, TargetPreset]:
    out = {}
    for row in read_resource_csv("target_presets.csv"):
        out[row["name"]] = TargetPreset(
            name=row["name"],
            target=row["target"],
            value=float(row["value"]),
            unit=row["unit"],
            kind=TargetKind(row["kind"]),
            description=row["description"],
            source=row["source"],
            confidence=row.get("confidence", "C"),
        )
    return out


TARGETS: Mapping[str, Target] = LazyMapping(
    lambda: dict(default_plan().targets), "greenplan.TARGETS"
)
"""The 43 quantified targets of the shipped plan (:func:`greenplan.plans.default_plan`), by key."""

SUPPLEMENTARY_TARGETS: Mapping[str, Target] = LazyMapping(
    lambda: _load("supplementary_targets.csv"), "greenplan.targets.SUPPLEMENTARY_TARGETS"
)
"""Targets that are not quantified in the plan but assigned by the province (CO₂ intensity)."""

PRESETS: Mapping[str, TargetPreset] = LazyMapping(_load_presets, "greenplan.targets.PRESETS")
"""Values for assigned targets, known from later official documents, with their source."""


def _all_targets() -> dict[str, Target]:
    return {**dict(TARGETS), **dict(SUPPLEMENTARY_TARGETS)}


def is_fixed(target: Target) -> bool:
    """Whether the plan fixes the target (anything but a provincially assigned one).

    Examples
    --------
    >>> is_fixed(TARGETS["forest_coverage"]), is_fixed(TARGETS["energy_dual_control"])
    (True, False)
    """
    return target.bound is not Bound.PROVINCIAL


def _plan_statement(t: Target) -> str:
    if t.value is None:
        return t.kind.value
    return f"{t.value:g} {t.unit}".strip()


def with_values(
    values: Mapping[str, float | Mapping[str, Any]],
    targets: Mapping[str, Target] | None = None,
    *,
    allow_override: bool = False,
) -> dict[str, Target]:
    """Return targets with values set for some keys (for provincially assigned targets).

    Parameters
    ----------
    values : mapping
        ``{key: value}`` or ``{key: {"value": v, "unit": u, "kind": k}}``. A bare number for an
        assigned target whose unit starts with ``%`` is read as a change vs 2020 in %.
    targets : mapping, optional
        Targets to start from; default ``TARGETS`` plus ``SUPPLEMENTARY_TARGETS``.
    allow_override : bool, default False
        Allow values for targets the plan fixes (:func:`is_fixed`); the new target records
        the plan's statement in ``Target.overridden``.

    Returns
    -------
    dict
        A new ``{key: Target}``; the originals are not changed (targets are frozen).

    Raises
    ------
    TargetConfigError
        An unknown key, a value that is not a number, or a value for a target the plan fixes
        without ``allow_override``.
    """
    base = dict(targets) if targets is not None else _all_targets()
    out = dict(base)
    for key, spec in values.items():
        if key not in base:
            raise TargetConfigError(
                msg("errors.unknown_target", key=repr(key), hint=hint(key, base))
            )
        t = base[key]
        if is_fixed(t) and not allow_override:
            statement = t.plan_words_zh or _plan_statement(t)
            raise TargetConfigError(msg("errors.fixed_target", key=repr(key), statement=statement))
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"value", "unit", "kind", "source"}
            if unknown:
                raise TargetConfigError(
                    msg("targets.unknown_fields", key=repr(key), fields=str(sorted(unknown)))
                )
            value, unit, kind = spec.get("value"), spec.get("unit"), spec.get("kind")
        else:
            value, unit, kind = spec, None, None
        try:
            if isinstance(value, bool):
                raise TypeError
            value = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise TargetConfigError(
                msg("targets.not_a_number", key=repr(key), value=repr(value))
            ) from None
        if not math.isfinite(value):
            raise TargetConfigError(msg("targets.not_finite", key=repr(key), value=repr(value)))
        update: dict[str, Any] = {"value": value}
        if is_fixed(t) and not t.overridden:
            update["overridden"] = _plan_statement(t)
        if unit is not None:
            update["unit"] = str(unit)
        if kind is not None:
            try:
                update["kind"] = TargetKind(kind)
            except ValueError:
                choices = [k.value for k in TargetKind]
                raise TargetConfigError(
                    msg("targets.unknown_kind", key=repr(key), kind=repr(kind), choices=choices)
                ) from None
        elif t.kind is TargetKind.ASSIGNED:
            u = str(unit if unit is not None else t.unit)
            update["kind"] = (
                TargetKind.CHANGE_VS_BASE if u.startswith("%") or not u else TargetKind.LEVEL
            )
            if not u:
                update["unit"] = "% vs 2020"
        out[key] = t.model_copy(update=update)
    return out


def with_presets(
    names: Iterable[str],
    targets: Mapping[str, Target] | None = None,
    *,
    allow_override: bool = False,
) -> dict[str, Target]:
    """Return targets with the named presets applied (see :data:`PRESETS`).

    Parameters
    ----------
    names : iterable of str
        Preset names, e.g. ``["jinan_energy_intensity_2023"]``.
    targets : mapping, optional
        Targets to start from; default ``TARGETS`` plus ``SUPPLEMENTARY_TARGETS``.
    allow_override : bool, default False
        As in :func:`with_values`.
    """
    values: dict[str, Mapping[str, Any]] = {}
    for name in names:
        if name not in PRESETS:
            raise TargetConfigError(
                msg(
                    "errors.unknown_preset",
                    name=repr(name),
                    where="greenplan.targets.PRESETS",
                    hint=hint(name, PRESETS),
                )
            )
        p = PRESETS[name]
        values[p.target] = {"value": p.value, "unit": p.unit, "kind": p.kind.value}
    return with_values(values, targets, allow_override=allow_override)


def load_target_config(
    path: str | Path,
    targets: Mapping[str, Target] | None = None,
    *,
    allow_override: bool = False,
) -> dict:
    """Read target values from a small JSON or TOML file and apply them.

    Only assigned targets (no value in the plan) take values, unless ``allow_override=True``
    (``--override-fixed``): see :func:`with_values`.

    The file maps target keys to values, plus an optional list of presets::

        # targets.toml
        presets = ["jinan_energy_intensity_2023"]
        [water_use_total]
        value = 17.5
        unit = "亿立方米"

    Returns
    -------
    dict
        ``{key: Target}`` with the values applied.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetConfigError(
            msg("targets.cannot_read", path=repr(str(path)), error=str(exc))
        ) from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except Exception as exc:
        raise TargetConfigError(
            msg(
                "targets.not_valid",
                path=str(path),
                format=path.suffix[1:] or "JSON",
                error=str(exc),
            )
        ) from None
    if not isinstance(data, dict):
        raise TargetConfigError(msg("targets.not_a_table", path=str(path)))
    presets = data.pop("presets", [])
    if isinstance(presets, str):
        presets = [presets]
    if not isinstance(presets, list):
        raise TargetConfigError(msg("targets.presets_not_a_list", path=str(path)))
    result = with_presets(presets, targets, allow_override=allow_override) if presets else targets
    return with_values(data, result, allow_override=allow_override)


def catalogue_frame(targets: Mapping[str, Target] | None = None) -> Any:
    """Return the targets as a pandas DataFrame, one row per target, in plan order."""
    import pandas as pd

    ts = TARGETS if targets is None else targets
    rows = []
    for t in ts.values():
        d = t.model_dump(mode="json")
        d["baseline"] = t.baseline.value if t.baseline else None
        d["presets"] = ";".join(t.presets)
        d["scope"] = t.applies_in.value
        rows.append(d)
    cols = [
        "key",
        "indicator",
        "name_zh",
        "name_en",
        "value",
        "unit",
        "year",
        "kind",
        "bound",
        "aspirational",
        "direction",
        "section",
        "plan_words_zh",
        "baseline",
        "note",
        "presets",
        "scope",
        "overridden",
    ]
    return pd.DataFrame(rows, columns=cols)

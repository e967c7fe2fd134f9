"""The one option system of greenplan, and the one "did you mean" lookup.

Every function that takes options — :func:`greenplan.compute`, :func:`greenplan.validate`,
:func:`greenplan.assess`, the report — declares them as :class:`OptionSpec` rows in an
:class:`OptionSet`, and resolves a caller's mapping with :meth:`OptionSet.resolve`: defaults
filled in, values checked, unknown names refused with the closest known names.

This is a leaf module: it imports nothing from greenplan but :mod:`greenplan.errors` and
:mod:`greenplan.messages`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from greenplan.errors import OptionError
from greenplan.messages import Message, msg

__all__ = ["OptionSet", "OptionSpec", "did_you_mean", "hint", "suggest"]


def suggest(
    name: object, candidates: Iterable[object], *, n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """Return up to ``n`` candidates closest to ``name`` (difflib ratio ≥ ``cutoff``).

    Parameters
    ----------
    name : object
        What the user wrote (converted with ``str``).
    candidates : iterable
        The known names (converted with ``str``).
    n : int
        How many suggestions at most.
    cutoff : float
        Minimum similarity in [0, 1].

    Returns
    -------
    list of str
        The closest candidates, best first.

    Examples
    --------
    >>> suggest("base_yaer", ["base_year", "city_from_districts"])
    ['base_year']
    """
    return difflib.get_close_matches(str(name), [str(c) for c in candidates], n=n, cutoff=cutoff)


def did_you_mean(
    name: object, candidates: Iterable[object], *, n: int = 3, cutoff: float = 0.6
) -> str:
    """Return ``" Did you mean: a, b?"`` for the closest candidates, or ``""`` when none is close.

    Examples
    --------
    >>> did_you_mean("base_yaer", ["base_year"])
    ' Did you mean: base_year?'
    """
    close = suggest(name, candidates, n=n, cutoff=cutoff)
    return f" Did you mean: {', '.join(close)}?" if close else ""


def hint(
    name: object, candidates: Iterable[object], *, n: int = 3, cutoff: float = 0.6
) -> Message | str:
    """:func:`did_you_mean` as a catalogue message (for either language), or ``""``.

    Examples
    --------
    >>> hint("base_yaer", ["base_year"]).text("zh")
    '是否指：base_year？'
    >>> hint("zzz", ["base_year"])
    ''
    """
    close = suggest(name, candidates, n=n, cutoff=cutoff)
    return msg("common.did_you_mean", names=close) if close else ""


@dataclass(frozen=True)
class OptionSpec:
    """One option: its name, default, meaning, and the values it allows."""

    name: str
    default: Any
    description: str
    choices: tuple[Any, ...] | None = None
    """Allowed values, or None for any value that ``check`` accepts."""
    check: Callable[[Any], bool] | None = None
    """Predicate for free values (e.g. a positive number)."""
    source: str = ""
    """Where the default comes from (standard, plan clause)."""

    def validate(self, value: Any) -> Any:
        """Return ``value`` if allowed, else raise :class:`OptionError` naming the choices."""
        if self.choices is not None and value not in self.choices:
            raise OptionError(
                msg(
                    "errors.option_not_allowed",
                    name=self.name,
                    value=repr(value),
                    choices=", ".join(repr(c) for c in self.choices),
                )
            )
        if self.check is not None and not self.check(value):
            raise OptionError(
                msg(
                    "errors.option_not_valid",
                    name=self.name,
                    value=repr(value),
                    description=self.description,
                )
            )
        return value


class OptionSet(Mapping[str, OptionSpec]):
    """A named collection of :class:`OptionSpec` (the options of one function).

    Parameters
    ----------
    owner : str
        What takes these options, for messages (``"compute"``, ``"validate"`` …).
    specs : iterable of OptionSpec
        The options known from the start; more may be added with :meth:`declare`.
    """

    def __init__(self, owner: str, specs: Iterable[OptionSpec] = ()) -> None:
        self.owner = owner
        self._specs: dict[str, OptionSpec] = {}
        for spec in specs:
            self.add(spec)

    def __getitem__(self, name: str) -> OptionSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def add(self, spec: OptionSpec) -> OptionSpec:
        """Add ``spec``; declaring the same name twice with another definition is a bug."""
        if spec.name in self._specs and self._specs[spec.name] != spec:
            raise RuntimeError(f"option {spec.name!r} declared twice with different definitions")
        self._specs[spec.name] = spec
        return spec

    def declare(
        self,
        name: str,
        default: Any,
        description: str,
        *,
        choices: Iterable[Any] | None = None,
        check: Callable[[Any], bool] | None = None,
        source: str = "",
    ) -> OptionSpec:
        """Declare an option (done once, at import of the module that uses it)."""
        return self.add(
            OptionSpec(
                name,
                default,
                description,
                tuple(choices) if choices is not None else None,
                check,
                source,
            )
        )

    def copy(self) -> OptionSet:
        """Return an independent copy (for tests that declare options of their own)."""
        return OptionSet(self.owner, self._specs.values())

    def defaults(self) -> dict[str, Any]:
        """Every option at its default value."""
        return {name: spec.default for name, spec in self._specs.items()}

    def unknown(self, name: str) -> OptionError:
        """Return the error for an option name this set does not know, with suggestions."""
        return OptionError(
            msg(
                "errors.unknown_option",
                name=repr(name),
                hint=hint(name, self._specs),
                known=", ".join(sorted(self._specs)),
            )
        )

    def resolve(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Return the defaults updated with ``options``, each value checked.

        Raises
        ------
        OptionError
            For an unknown name (with the closest known names) or a value not allowed.
        """
        out = self.defaults()
        for name, value in options.items():
            if name not in self._specs:
                raise self.unknown(name)
            out[name] = self._specs[name].validate(value)
        return out

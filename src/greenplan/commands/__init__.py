"""Implementations of the ``greenplan`` subcommands, one module each (``run(args) -> int``).

This package also holds what every command shares: the one exit-code policy
(:class:`ExitCode`), writing output (:func:`emit`) and reading ``--option NAME=VALUE``
(:func:`parse_options`). :mod:`greenplan.cli` builds the parser and dispatches here; the
commands never import :mod:`greenplan.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import IntEnum

from greenplan.errors import GreenplanError

__all__ = [
    "EXIT_DATA_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "ExitCode",
    "emit",
    "fail",
    "parse_options",
]


class ExitCode(IntEnum):
    """Exit codes of every ``greenplan`` command."""

    OK = 0
    """Success (targets behind schedule, or warnings without ``--strict``, are results)."""
    DATA_ERROR = 1
    """The data has errors (validation failed)."""
    USAGE = 2
    """Usage or I/O error: a bad option, a missing or unreadable file, a missing extra."""


EXIT_OK = ExitCode.OK
EXIT_DATA_ERROR = ExitCode.DATA_ERROR
EXIT_USAGE = ExitCode.USAGE


def fail(command: str, message: str, code: ExitCode = ExitCode.USAGE) -> int:
    """Print ``greenplan COMMAND: error: MESSAGE`` on standard error and return ``code``."""
    print(f"greenplan {command}: error: {message}", file=sys.stderr)
    return int(code)


def parse_options(pairs: Sequence[str]) -> dict[str, object]:
    """Turn ``["name=value", …]`` into a dict, reading numbers and booleans.

    Examples
    --------
    >>> parse_options(["base_year=2020", "natural_gas_coefficient=1.33", "x=true"])
    {'base_year': 2020, 'natural_gas_coefficient': 1.33, 'x': True}
    """
    out: dict[str, object] = {}
    for pair in pairs:
        if "=" not in pair:
            raise GreenplanError(f"--option {pair!r}: expected NAME=VALUE")
        name, text = pair.split("=", 1)
        value: object = text
        low = text.strip().lower()
        if low in {"true", "false"}:
            value = low == "true"
        else:
            try:
                value = int(text)
            except ValueError:
                try:
                    value = float(text)
                except ValueError:
                    value = text
        out[name.strip()] = value
    return out


def emit(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` (a path) or to standard output."""
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

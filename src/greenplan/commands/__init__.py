"""Implementations of the ``greenplan`` subcommands, one module each (``run(args) -> int``).

This package also holds what every command shares: the one exit-code policy
(:class:`ExitCode`), writing output (:func:`emit`), reading ``--option NAME=VALUE``
(:func:`parse_options`), and saying what went wrong in the command line's language
(:func:`fail`, :func:`statistics_failure`, :func:`lang_of`; texts in
``resources/messages/commands.csv``). :mod:`greenplan.cli` builds the parser and dispatches
here; the commands never import :mod:`greenplan.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import IntEnum

from greenplan.errors import GreenplanError, StatisticsError
from greenplan.messages import Message, default_lang, msg, render

__all__ = [
    "EXIT_DATA_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "IO_CODES",
    "ExitCode",
    "command_options",
    "emit",
    "exit_code",
    "fail",
    "lang_of",
    "parse_options",
    "statistics_failure",
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


IO_CODES = frozenset({"unreadable_file", "missing_dependency"})
"""Finding codes that are I/O problems (exit 2), not errors in the data (exit 1)."""


def exit_code(findings: Sequence[object], passed: bool) -> ExitCode:
    """Return the exit code of a reading: 2 when a source could not be read, else 0 or 1."""
    if any(getattr(f, "code", None) in IO_CODES for f in findings):
        return ExitCode.USAGE
    return ExitCode.OK if passed else ExitCode.DATA_ERROR


def lang_of(args: object) -> str:
    """Return the language of a command's messages and output: ``args.lang`` or default.

    :mod:`greenplan.cli` always sets ``lang`` (``--lang`` or
    :func:`~greenplan.messages.default_lang`); a caller building the arguments itself may
    leave it out.
    """
    lang = getattr(args, "lang", None)
    return lang if isinstance(lang, str) and lang in ("zh", "en") else default_lang()


def statistics_failure(command: str, exc: StatisticsError, *, lang: str | None = None) -> int:
    """Report a :class:`StatisticsError` the same way from every command; return the code.

    The findings go to standard error (as ``greenplan validate`` prints them), then one line
    ``greenplan COMMAND: error: …``, both in ``lang`` (default
    :func:`~greenplan.messages.default_lang`); the code is 2 when a source could not be read
    (a missing path, a file that is not a table), else 1.
    """
    lang = lang or default_lang()
    report = exc.report
    text = report.to_text(lang=lang) if hasattr(report, "to_text") else ""
    if text:
        print(text, file=sys.stderr)
    code = exit_code(report.findings, passed=False)
    return fail(command, exc.text(lang), code, lang=lang)


def fail(
    command: str,
    message: Message | str,
    code: ExitCode = ExitCode.USAGE,
    *,
    lang: str | None = None,
) -> int:
    """Print ``greenplan COMMAND: error: MESSAGE`` on standard error and return ``code``.

    The line is in ``lang`` (default :func:`~greenplan.messages.default_lang`); ``message``
    is a catalogue message (rendered in ``lang``) or a text already in it.
    """
    lang = lang or default_lang()
    line = msg("commands.error", command=command, message=message)
    print(render(line, lang), file=sys.stderr)
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
            raise GreenplanError(msg("commands.option_pair", pair=repr(pair)))
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


def command_options(args: object) -> dict[str, object]:
    """Return a command's options: the configuration file's, then ``--option`` over them.

    ``args.config_options`` (set by :mod:`greenplan.cli` from ``greenplan.toml``, already
    checked) and ``args.options`` (the ``--option NAME=VALUE`` flags, if the command has them).
    """
    base = dict(getattr(args, "config_options", None) or {})
    return {**base, **parse_options(getattr(args, "options", None) or [])}


def emit(text: str, output: str | None, *, bom: bool = False) -> None:
    """Write ``text`` to ``output`` (a path) or to standard output.

    With ``bom``, a file starts with the UTF-8 byte order mark, so Excel on Chinese Windows
    opens a CSV as UTF-8 instead of GBK.
    """
    if output:
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

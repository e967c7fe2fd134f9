"""``greenplan validate PATH...``: check statistics files, for people and for CI.

Exit codes: 0 the data is clean (warnings allowed, unless ``--strict``); 1 the data has errors
(with ``--strict``: errors or warnings); 2 usage or I/O error (a path that does not exist or
cannot be read, a missing optional package). The report goes to standard output (or
``--output``) as text, JSON or JUnit XML; an I/O problem is also one line on standard error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from greenplan.commands import (
    EXIT_DATA_ERROR,
    EXIT_OK,
    IO_CODES,
    command_options,
    exit_code,
    fail,
    lang_of,
)
from greenplan.commands import EXIT_USAGE as EXIT_IO_ERROR
from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.validation import validate

__all__ = ["EXIT_DATA_ERROR", "EXIT_IO_ERROR", "EXIT_OK", "render", "run"]

_IO_CODES = IO_CODES


def render(report: object, fmt: str, strict: bool = False, lang: str | None = None) -> str:
    """Render the report as ``text``, ``json`` or ``junit``, messages in ``lang``.

    ``lang`` is ``zh`` or ``en``; None keeps the report's language.
    """
    if fmt == "json":
        return report.to_json(lang=lang) + "\n"  # type: ignore[attr-defined]
    if fmt == "junit":
        return report.to_junit(strict=strict, lang=lang)  # type: ignore[attr-defined]
    return report.to_text(lang=lang)  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    """Validate ``args.paths``; print the report; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        ``paths`` (list of str), ``format`` (``text``, ``json``, ``junit`` or ``xlsx``),
        ``strict`` (bool), ``output`` (a file to write the report to, or None for standard
        output) and ``lang`` (``zh`` or ``en``; default
        :func:`~greenplan.messages.default_lang`).

    Returns
    -------
    int
        0 clean, 1 data errors (or warnings with ``strict``), 2 usage or I/O error.
    """
    paths = list(getattr(args, "paths", None) or [])
    fmt = getattr(args, "format", None) or "text"
    strict = bool(getattr(args, "strict", False))
    output = getattr(args, "output", None)
    lang = lang_of(args)
    if fmt not in {"text", "json", "junit", "xlsx"}:
        formats = "text, json, junit, xlsx"
        message = msg("commands.validate.unknown_format", format=repr(fmt), formats=formats)
        return fail("validate", message, EXIT_IO_ERROR, lang=lang)
    if fmt == "xlsx" and not output:
        return fail("validate", msg("commands.xlsx_needs_output"), EXIT_IO_ERROR, lang=lang)
    if not paths:
        return fail("validate", msg("commands.validate.no_paths"), EXIT_IO_ERROR, lang=lang)
    try:
        options: dict[str, Any] = command_options(args)
        report = validate(*paths, lang=lang, **options)
    except Exception as exc:  # never a traceback for user input
        error = exc.text(lang) if isinstance(exc, GreenplanError) else str(exc)
        return fail("validate", f"{type(exc).__name__}: {error}", EXIT_IO_ERROR, lang=lang)
    text = "" if fmt == "xlsx" else render(report, fmt, strict, lang)
    try:
        if fmt == "xlsx":
            report.to_excel(output, lang=lang)
        elif output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
    except OSError as exc:
        error = exc.strerror or str(exc)
        message = msg("commands.cannot_write", path=output, error=error)
        return fail("validate", message, EXIT_IO_ERROR, lang=lang)
    io_problems = [f for f in report.findings if f.code in IO_CODES]
    if io_problems:
        more = msg("errors.and_more", n=len(io_problems) - 1) if len(io_problems) > 1 else ""
        message = msg("commands.validate.io_problem", finding=io_problems[0].text(lang), more=more)
        fail("validate", message, EXIT_IO_ERROR, lang=lang)
    return int(exit_code(report.findings, report.passed(strict=strict)))

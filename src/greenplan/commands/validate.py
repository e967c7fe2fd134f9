"""``greenplan validate PATH...``: check statistics files, for people and for CI.

Exit codes: 0 the data is clean (warnings allowed, unless ``--strict``); 1 the data has errors
(with ``--strict``: errors or warnings); 2 usage or I/O error (a path that does not exist or
cannot be read, a missing optional package). The report goes to standard output (or
``--output``) as text, JSON or JUnit XML; an I/O problem is also one line on standard error.
"""

from __future__ import annotations

import argparse
import sys

from greenplan.commands import EXIT_DATA_ERROR, EXIT_OK, IO_CODES, command_options, exit_code
from greenplan.commands import EXIT_USAGE as EXIT_IO_ERROR
from greenplan.validation import validate

__all__ = ["EXIT_DATA_ERROR", "EXIT_IO_ERROR", "EXIT_OK", "render", "run"]

_IO_CODES = IO_CODES


def render(report: object, fmt: str, strict: bool = False) -> str:
    """Render the report as ``text``, ``json`` or ``junit``."""
    if fmt == "json":
        return report.to_json() + "\n"  # type: ignore[attr-defined]
    if fmt == "junit":
        return report.to_junit(strict=strict)  # type: ignore[attr-defined]
    return report.to_text()  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    """Validate ``args.paths``; print the report; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        ``paths`` (list of str), ``format`` (``text``, ``json`` or ``junit``), ``strict``
        (bool) and ``output`` (a file to write the report to, or None for standard output).

    Returns
    -------
    int
        0 clean, 1 data errors (or warnings with ``strict``), 2 usage or I/O error.
    """
    paths = list(getattr(args, "paths", None) or [])
    fmt = getattr(args, "format", None) or "text"
    strict = bool(getattr(args, "strict", False))
    output = getattr(args, "output", None)
    if fmt not in {"text", "json", "junit", "xlsx"}:
        print(
            f"greenplan validate: error: unknown format {fmt!r} (text, json, junit, xlsx)",
            file=sys.stderr,
        )
        return EXIT_IO_ERROR
    if fmt == "xlsx" and not output:
        print(
            "greenplan validate: error: --format xlsx writes a binary workbook; give -o FILE.xlsx",
            file=sys.stderr,
        )
        return EXIT_IO_ERROR
    if not paths:
        print("greenplan validate: error: give at least one file or directory", file=sys.stderr)
        return EXIT_IO_ERROR
    try:
        report = validate(*paths, **command_options(args))
    except Exception as exc:  # never a traceback for user input
        print(f"greenplan validate: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_IO_ERROR
    text = "" if fmt == "xlsx" else render(report, fmt, strict)
    try:
        if fmt == "xlsx":
            report.to_excel(output, lang=getattr(args, "lang", None) or "zh")
        elif output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
    except OSError as exc:
        print(
            f"greenplan validate: error: cannot write {output}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_IO_ERROR
    io_problems = [f for f in report.findings if f.code in IO_CODES]
    if io_problems:
        first = io_problems[0]
        more = f" (and {len(io_problems) - 1} more)" if len(io_problems) > 1 else ""
        print(f"greenplan validate: error: {first.message}{more}", file=sys.stderr)
    return int(exit_code(report.findings, report.passed(strict=strict)))

"""The ``greenplan`` command line.

Exit codes: 0 success; 1 the data has errors (validation failed); 2 usage or I/O error.
No Python traceback reaches the user for bad input: every :class:`GreenplanError` and
``OSError`` becomes a one-line message on stderr.

The command line speaks Chinese and English: ``--lang zh|en`` (before the command or after
it, on every command), else :func:`greenplan.messages.default_lang` (``GREENPLAN_LANG``, then
the locale; Chinese on a Chinese or unset locale). The language is chosen from the arguments
before the parser is built (:func:`chosen_lang`), so the help, argparse's own words and the
error messages are all in it; every text comes from ``resources/messages/cli.csv``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from greenplan import __version__, messages
from greenplan.commands import (
    EXIT_DATA_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    fail,
    parse_options,
    statistics_failure,
)
from greenplan.config import METHODS, load_config
from greenplan.errors import GreenplanError, StatisticsError
from greenplan.messages import LANGS, default_lang

__all__ = [
    "EXIT_DATA_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "argparse_language",
    "build_parser",
    "chosen_lang",
    "emit",
    "main",
    "parse_options",
]


_CONFIGURED = frozenset({"catalogue", "validate", "compute", "report", "assess"})
"""Commands that read a greenplan.toml found in the working directory."""
_EXTRAS = {"serve": "service", "token": "service"}
"""The optional extra each command needs beyond the core dependencies."""

_ARGPARSE_TEXTS: dict[str, str] = {
    "usage: ": "usage",
    "positional arguments": "positional_arguments",
    "options": "options",
    "show this help message and exit": "help",
    "argument %(argument_name)s: %(message)s": "argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_type",
    "the following arguments are required: %s": "required",
    "one of the arguments %s is required": "one_required",
    "unrecognized arguments: %s": "unrecognized",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "expected %s argument": "expected_n",
    "expected %s arguments": "expected_n_plural",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "can't open '%(filename)s': %(error)s": "cannot_open",
}
"""argparse's own English texts (its gettext msgids) → their key under ``cli.argparse.``."""


def chosen_lang(argv: Sequence[str]) -> str:
    """Return the language of the command line: the last valid ``--lang X`` / ``--lang=X``.

    Without one (or with a value other than ``zh``/``en``, which argparse then refuses),
    :func:`~greenplan.messages.default_lang`. Arguments after ``--`` are not options.

    Examples
    --------
    >>> chosen_lang(["validate", "--lang", "en", "x.csv"])
    'en'
    >>> chosen_lang(["--lang=zh", "catalogue"])
    'zh'
    """
    lang: str | None = None
    items = list(argv)
    for i, item in enumerate(items):
        if item == "--":
            break
        value = items[i + 1] if item == "--lang" and i + 1 < len(items) else None
        if item.startswith("--lang="):
            value = item.partition("=")[2]
        if value in LANGS:
            lang = value
    return lang or default_lang()


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """Let argparse's own words ("usage:", "options", its error texts) speak ``lang``.

    argparse translates its fixed texts with :func:`gettext.gettext` and
    :func:`gettext.ngettext`, bound at its import to the module-level names ``_`` and
    ``ngettext``. For Chinese, this replaces both, while the block runs, by a lookup of the
    English msgid in :data:`_ARGPARSE_TEXTS` (a text argparse may add in a later Python
    version stays English); they are restored on leaving. The parser must be both built
    (group titles, ``-h``'s help) and run (usage, errors) inside the block. For English it
    changes nothing. Not thread-safe: meant for the command line's one thread.
    """
    if lang == "en":
        yield
        return
    gettext: Callable[[str], str] = getattr(argparse, "_")  # noqa: B009
    ngettext: Callable[[str, str, int], str] = getattr(argparse, "ngettext")  # noqa: B009

    def translate(message: str) -> str:
        slug = _ARGPARSE_TEXTS.get(message)
        return messages.text(f"cli.argparse.{slug}", lang) if slug else gettext(message)

    def translate_n(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural)

    setattr(argparse, "_", translate)  # noqa: B010
    setattr(argparse, "ngettext", translate_n)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", gettext)  # noqa: B010
        setattr(argparse, "ngettext", ngettext)  # noqa: B010


def _width(char: str) -> int:
    """Columns a character takes on a terminal: 2 for CJK (wide/full-width), else 1."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


_TOKENS = re.compile(r"\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.")
_NO_LINE_START = frozenset("，。、；：？！）》」』】,.;:?!)")


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to lines of at most ``width`` terminal columns, Chinese included.

    Chinese has no spaces to break at: a line may break between any two CJK characters (never
    before closing punctuation such as ``，`` or ``）``: the character before it goes down
    too), and a CJK character takes two columns;
    Latin words are kept whole. Runs of whitespace become one space, as argparse does.

    Examples
    --------
    >>> wrap("列出规划目标（目标清单）", 10)
    ['列出规划目', '标（目标清', '单）']
    >>> wrap("use --lang en", 8)
    ['use', '--lang', 'en']
    """
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKENS.findall(" ".join(text.split())):
        size = sum(_width(c) for c in token)
        if token == " ":
            if line:
                line, used = line + " ", used + 1
            continue
        if line and used + size > width:
            carry = ""
            if token in _NO_LINE_START and len(line) > 1 and _width(line[-1]) == 2:
                carry = line[-1]  # the punctuation goes down with the character before it
                line = line[:-1]
            lines.append(line.rstrip())
            line, used = carry, sum(_width(c) for c in carry)
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping texts with Chinese by :func:`wrap` (English unchanged)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not any(_width(c) == 2 for c in text):
            return super()._split_lines(text, width)
        return wrap(text, width)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        # argparse measures the prefix in characters: stand in one of the same width in columns
        if prefix is None:
            prefix = getattr(argparse, "_")("usage: ")  # noqa: B009 (the language of the block)
        columns = sum(_width(c) for c in prefix)
        if columns == len(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        stand_in = "\0" * columns
        text = super()._format_usage(usage, actions, groups, stand_in)
        return text.replace(stand_in, prefix, 1)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not any(_width(c) == 2 for c in text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors say ``error:`` in the command line's language."""

    lang: str = "en"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        line = messages.text("cli.error", self.lang, prog=self.prog, message=message)
        self.exit(EXIT_USAGE, line + "\n")


def build_parser(
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
    lang: str | None = None,
) -> argparse.ArgumentParser:
    """Build the argument parser of the ``greenplan`` command.

    ``defaults`` maps a command to argparse defaults (from a configuration file, see
    :mod:`greenplan.config`); flags on the command line override them. ``lang`` (``zh`` or
    ``en``; default :func:`~greenplan.messages.default_lang`) is the language of the help and
    the default of ``--lang``; build and run the parser inside :func:`argparse_language`
    for argparse's own words to be in it too.
    """
    lang = lang or default_lang()

    def text(key: str) -> str:
        return messages.text(key, lang)

    class Parser(_Parser):
        pass

    Parser.lang = lang

    p = Parser(prog="greenplan", description=text("cli.description"), epilog=text("cli.epilog"))
    p.add_argument(
        "--version",
        action="version",
        version=f"greenplan {__version__}",
        help=text("cli.version"),
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help=text("cli.verbose"))
    p.add_argument("-q", "--quiet", action="count", default=0, help=text("cli.quiet"))
    p.add_argument("--config", metavar="PATH", help=text("cli.config"))
    p.add_argument("--lang", choices=LANGS, default=lang, help=text("cli.lang"))
    sub = p.add_subparsers(
        dest="command", metavar="COMMAND", title=text("cli.commands"), parser_class=Parser
    )
    sub.required = True

    def command(name: str, help: str, actions: Any = sub) -> argparse.ArgumentParser:
        """Add a subcommand with ``-h`` and ``--lang`` (the top-level value unless given)."""
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help)
        parser.add_argument(
            "--lang", choices=LANGS, default=argparse.SUPPRESS, help=text("cli.lang")
        )
        return parser

    def output(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("-o", "--output", help=text("cli.output"))

    def options(parser: argparse.ArgumentParser, help: str) -> None:
        parser.add_argument(
            "--option",
            action="append",
            dest="options",
            default=[],
            metavar="NAME=VALUE",
            help=help,
        )

    def targets(parser: argparse.ArgumentParser) -> None:
        """Add the targets an assessment uses (``report`` and ``assess``), then ``--option``."""
        parser.add_argument("--targets", metavar="FILE", help=text("cli.targets"))
        parser.add_argument(
            "--override-fixed", action="store_true", help=text("cli.override_fixed")
        )
        parser.add_argument(
            "--preset",
            action="append",
            dest="presets",
            default=[],
            metavar="NAME",
            help=text("cli.preset"),
        )
        options(parser, text("cli.option"))

    c = command("catalogue", text("cli.catalogue.help"))
    c.add_argument(
        "--format", choices=["table", "json", "markdown"], default="table", help=text("cli.format")
    )
    c.add_argument("--plan", metavar="PATH", help=text("cli.plan"))
    output(c)

    v = command("validate", text("cli.validate.help"))
    v.add_argument("paths", nargs="+", metavar="PATH", help=text("cli.paths"))
    v.add_argument(
        "--format",
        choices=["text", "json", "junit", "xlsx"],
        default="text",
        help=text("cli.format"),
    )
    v.add_argument("--strict", action="store_true", help=text("cli.validate.strict"))
    output(v)

    k = command("compute", text("cli.compute.help"))
    k.add_argument("paths", nargs="+", metavar="PATH", help=text("cli.paths"))
    k.add_argument(
        "--format", choices=["csv", "json", "iamc"], default="csv", help=text("cli.compute.format")
    )
    k.add_argument(
        "--indicator",
        action="append",
        dest="indicators",
        metavar="ID",
        help=text("cli.compute.indicator"),
    )
    options(k, text("cli.option"))
    output(k)

    r = command("report", text("cli.report.help"))
    r.add_argument("paths", nargs="*", metavar="PATH", help=text("cli.report.paths"))
    r.add_argument("--year", type=int, help=text("cli.year"))
    r.add_argument(
        "--format",
        choices=["text", "markdown", "html", "json", "xlsx"],
        default="text",
        help=text("cli.format"),
    )
    r.add_argument("--method", choices=METHODS, default="sequential", help=text("cli.method"))
    r.add_argument("--charts", metavar="DIR", help=text("cli.report.charts"))
    targets(r)
    r.add_argument("--plan", metavar="PATH", help=text("cli.plan"))
    r.add_argument("--plot", metavar="FILE.png", help=text("cli.report.plot"))
    output(r)

    a = command("assess", text("cli.assess.help"))
    a.add_argument("paths", nargs="+", metavar="PATH", help=text("cli.paths"))
    a.add_argument("--year", type=int, help=text("cli.year"))
    a.add_argument("--plan", metavar="PATH", help=text("cli.plan"))
    a.add_argument("--method", choices=METHODS, default="sequential", help=text("cli.method"))
    targets(a)
    a.add_argument("--format", choices=["csv", "json"], default="csv", help=text("cli.format"))
    output(a)

    command("schema", text("cli.schema.help"))

    m = command("template", text("cli.template.help"))
    m.add_argument("--department", metavar="NAME", help=text("cli.template.department"))
    m.add_argument("--region", action="append", metavar="R", help=text("cli.template.region"))
    m.add_argument("--years", default="2021-2025", help=text("cli.template.years"))
    m.add_argument("--format", choices=["xlsx", "csv"], help=text("cli.template.format"))
    m.add_argument("-o", "--output", metavar="FILE", help=text("cli.template.output"))

    n = command("inventory", text("cli.inventory.help"))
    n.add_argument("paths", nargs="+", metavar="PATH", help=text("cli.paths"))
    n.add_argument(
        "--view",
        choices=["territorial", "gpc", "sector"],
        default="territorial",
        help=text("cli.inventory.view"),
    )
    n.add_argument(
        "--format",
        choices=["text", "csv", "json", "markdown"],
        default="text",
        help=text("cli.format"),
    )
    n.add_argument(
        "--method",
        choices=["provincial", "ipcc", "ceads", "tce"],
        default="provincial",
        help=text("cli.inventory.method"),
    )
    n.add_argument("--year", type=int, help=text("cli.inventory.year"))
    n.add_argument("--region", help=text("cli.inventory.region"))
    n.add_argument("--factor-table", metavar="FILE", help=text("cli.inventory.factor_table"))
    options(n, text("cli.inventory.option"))
    output(n)

    s = command("serve", text("cli.serve.help"))
    s.add_argument("--host", default="127.0.0.1", help=text("cli.serve.host"))
    s.add_argument("--port", type=int, default=8765, help=text("cli.serve.port"))
    s.add_argument("--db", metavar="PATH|URL", help=text("cli.db"))
    s.add_argument("--workers", type=int, default=1, help=text("cli.serve.workers"))
    s.add_argument(
        "--max-upload-mb",
        type=float,
        default=20.0,
        metavar="MB",
        help=text("cli.serve.max_upload"),
    )
    s.add_argument("--seed-shipped", action="store_true", help=text("cli.serve.seed_shipped"))
    s.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help=text("cli.serve.log_level"),
    )
    s.add_argument("--no-access-log", action="store_true", help=text("cli.serve.no_access_log"))

    t = command("token", text("cli.token.help"))
    actions = t.add_subparsers(
        dest="action", metavar="ACTION", title=text("cli.token.actions"), parser_class=Parser
    )
    actions.required = True
    add = command("add", text("cli.token.add.help"), actions)
    add.add_argument("name", metavar="NAME", help=text("cli.token.add.name"))
    add.add_argument(
        "--role",
        required=True,
        choices=["submitter", "reader", "admin"],
        help=text("cli.token.add.role"),
    )
    for scope, metavar in (("regions", "REGION"), ("variables", "VARIABLE")):
        add.add_argument(
            f"--{scope}",
            nargs="+",
            action="extend",
            default=[],
            metavar=metavar,
            help=text(f"cli.token.add.{scope}"),
        )
    add.add_argument(
        "--expires-days", type=float, metavar="DAYS", help=text("cli.token.add.expires_days")
    )
    add.add_argument("--db", metavar="PATH|URL", help=text("cli.db"))
    lst = command("list", text("cli.token.list.help"), actions)
    lst.add_argument("--db", metavar="PATH|URL", help=text("cli.db"))
    revoke = command("revoke", text("cli.token.revoke.help"), actions)
    revoke.add_argument("name", metavar="NAME", help=text("cli.token.revoke.name"))
    revoke.add_argument("--db", metavar="PATH|URL", help=text("cli.db"))
    for name, values in (defaults or {}).items():
        sub.choices[name].set_defaults(**values)
    return p


def configure_logging(verbosity: int) -> logging.Handler:
    """Send the ``greenplan`` logger's records to stderr; return the handler added.

    ``verbosity`` is the count of ``-v`` minus the count of ``-q``: below 0 errors only, 0
    warnings, 1 INFO, 2 or more DEBUG.
    """
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        max(-1, verbosity), logging.DEBUG
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("greenplan: %(levelname)s: %(message)s [%(name)s]"))
    handler.setLevel(level)
    logger = logging.getLogger("greenplan")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    ``--help``, ``--version`` and usage errors return their exit code (0 or 2) too, after
    argparse has printed its message, so ``main([...])`` never raises ``SystemExit``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_lang(argv)
    args = _parse(argv, lang)
    if isinstance(args, int):
        return args
    logger = logging.getLogger("greenplan")
    level = logger.level
    handler = configure_logging(args.verbose - args.quiet)
    try:
        return _configured(args, argv)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _parse(
    argv: Sequence[str], lang: str, defaults: Mapping[str, Mapping[str, Any]] | None = None
) -> argparse.Namespace | int:
    """Parse ``argv`` with help and errors in ``lang``; an exit code after ``--help`` etc."""
    with argparse_language(lang):
        parser = build_parser(defaults, lang)
        try:
            return parser.parse_args(argv)
        except SystemExit as exc:
            code = exc.code
            return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)


def _configured(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Apply the configuration file to ``args`` (flags win), then run the command."""
    if args.config or args.command in _CONFIGURED:
        try:
            config = load_config(args.config)
        except GreenplanError as exc:
            message = exc.text(args.lang)
            print(
                messages.text("cli.error", args.lang, prog="greenplan", message=message),
                file=sys.stderr,
            )
            return EXIT_USAGE
        defaults = config.command_defaults(args.command)
        if config.path is not None and defaults:
            again = _parse(argv, args.lang, {args.command: defaults})
            if isinstance(again, int):  # pragma: no cover - the same argv parsed once already
                return again
            args = again
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Import the command's module and run it; map errors to exit codes."""
    name = f"greenplan.commands.{args.command}"
    lang = args.lang
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            message = messages.text("cli.not_available", lang, version=__version__)
        elif exc.name and not exc.name.startswith("greenplan"):
            extra = _EXTRAS.get(args.command, "all")
            message = messages.text("cli.needs_extra", lang, package=repr(exc.name), extra=extra)
        else:
            raise
        return fail(args.command, message, lang=lang)
    try:
        return int(module.run(args))
    except StatisticsError as exc:  # every command the same: findings, then 1 (or 2 for I/O)
        return statistics_failure(args.command, exc, lang=lang)
    except GreenplanError as exc:
        return fail(args.command, exc.text(lang), lang=lang)
    except OSError as exc:
        return fail(args.command, str(exc), lang=lang)
    except KeyboardInterrupt:  # pragma: no cover
        return 130

"""The ``greenplan`` command line.

Exit codes: 0 success; 1 the data has errors (validation failed); 2 usage or I/O error.
No Python traceback reaches the user for bad input: every :class:`GreenplanError` and
``OSError`` becomes a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from greenplan import __version__
from greenplan.commands import (
    EXIT_DATA_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    parse_options,
    statistics_failure,
)
from greenplan.config import METHODS, load_config
from greenplan.errors import GreenplanError, StatisticsError

__all__ = [
    "EXIT_DATA_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "emit",
    "main",
    "parse_options",
]


_CONFIGURED = frozenset({"catalogue", "validate", "compute", "report", "assess"})
"""Commands that read a greenplan.toml found in the working directory."""
_EXTRAS = {"serve": "service", "token": "service"}
"""The optional extra each command needs beyond the core dependencies."""
_PLAN_HELP = "a plan folder (plan.toml, targets.csv, baselines.csv); default: Jinan's 14th plan"
_OVERRIDE_HELP = "let --targets replace values the plan fixes (the report shows each override)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
) -> argparse.ArgumentParser:
    """Build the argument parser of the ``greenplan`` command.

    ``defaults`` maps a command to argparse defaults (from a configuration file, see
    :mod:`greenplan.config`); flags on the command line override them.
    """
    p = _Parser(
        prog="greenplan",
        description=(
            "Indicators of Jinan's 14th Five-Year Green Low-Carbon Circular Development Plan "
            "(济南市“十四五”绿色低碳循环发展规划): compute them from raw statistics and assess "
            "them against the 2025 targets."
        ),
        epilog="Exit codes: 0 success, 1 data errors, 2 usage or I/O error.",
    )
    p.add_argument("--version", action="version", version=f"greenplan {__version__}")
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log what greenplan does on stderr (-v: steps, -vv: details)",
    )
    p.add_argument("-q", "--quiet", action="count", default=0, help="log errors only (no warnings)")
    p.add_argument(
        "--config",
        metavar="PATH",
        help="a configuration file (default: greenplan.toml, or [tool.greenplan] in "
        "pyproject.toml, in the working directory; see docs/configuration.md)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    c = sub.add_parser("catalogue", help="list the plan's targets (目标清单)")
    c.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    c.add_argument("--lang", choices=["zh", "en"], default="zh")
    c.add_argument("--plan", metavar="PATH", help=_PLAN_HELP)
    c.add_argument("-o", "--output", help="write to this file instead of standard output")

    v = sub.add_parser("validate", help="validate statistics files (数据校验)")
    v.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    v.add_argument("--format", choices=["text", "json", "junit", "xlsx"], default="text")
    v.add_argument("--strict", action="store_true", help="fail on warnings too")
    v.add_argument("-o", "--output", help="write to this file instead of standard output")

    k = sub.add_parser("compute", help="compute indicators from statistics (指标计算)")
    k.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    k.add_argument(
        "--format",
        choices=["csv", "json", "iamc"],
        default="csv",
        help="csv (default), json, or iamc: the IAMC table (model, scenario, region, "
        "variable, unit, one column per year)",
    )
    k.add_argument(
        "--indicator",
        action="append",
        dest="indicators",
        metavar="ID",
        help="compute only this indicator (repeatable)",
    )
    k.add_argument(
        "--option",
        action="append",
        dest="options",
        default=[],
        metavar="NAME=VALUE",
        help="a compute option, e.g. --option energy_basis=excl_feedstock",
    )
    k.add_argument("-o", "--output", help="write to this file instead of standard output")

    r = sub.add_parser("report", help="assess progress against the 2025 targets (进度评估)")
    r.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (default: the Jinan data shipped with greenplan)",
    )
    r.add_argument("--year", type=int, help="assess as of this year (default: latest with data)")
    r.add_argument("--lang", choices=["zh", "en"], default="zh")
    r.add_argument("--format", choices=["text", "markdown", "html", "json", "xlsx"], default="text")
    r.add_argument("--method", choices=METHODS, default="sequential")
    r.add_argument(
        "--charts",
        metavar="DIR",
        help="also write a trend chart per target (KEY.png) and index.html into DIR",
    )
    r.add_argument(
        "--targets",
        metavar="FILE",
        help="JSON or TOML file setting assigned targets (see docs/targets.md)",
    )
    r.add_argument("--override-fixed", action="store_true", help=_OVERRIDE_HELP)
    r.add_argument(
        "--preset",
        action="append",
        dest="presets",
        default=[],
        metavar="NAME",
        help="apply a target preset, e.g. jinan_energy_intensity_2023 (repeatable)",
    )
    r.add_argument(
        "--option",
        action="append",
        dest="options",
        default=[],
        metavar="NAME=VALUE",
        help="a compute option",
    )
    r.add_argument("--plan", metavar="PATH", help=_PLAN_HELP)
    r.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw completion vs time elapsed (.png, .svg or .pdf; a folder: progress.png)",
    )
    r.add_argument("-o", "--output", help="write to this file instead of standard output")

    a = sub.add_parser("assess", help="assess every target, one row per target and region (评估表)")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    a.add_argument("--year", type=int, help="assess as of this year (default: latest with data)")
    a.add_argument("--plan", metavar="PATH", help=_PLAN_HELP)
    a.add_argument("--method", choices=METHODS, default="sequential")
    a.add_argument("--targets", metavar="FILE", help="JSON or TOML file setting assigned targets")
    a.add_argument("--override-fixed", action="store_true", help=_OVERRIDE_HELP)
    a.add_argument("--preset", action="append", dest="presets", default=[], metavar="NAME")
    a.add_argument("--option", action="append", dest="options", default=[], metavar="NAME=VALUE")
    a.add_argument("--format", choices=["csv", "json"], default="csv")
    a.add_argument("-o", "--output", help="write to this file instead of standard output")

    sub.add_parser("schema", help="print the JSON Schema of `report --format json`")

    m = sub.add_parser("template", help="write a department's submission template (数据报送模板)")
    m.add_argument("--department", metavar="NAME", help="统计局, 水务局, Water Affairs Bureau …")
    m.add_argument(
        "--region", action="append", metavar="R", help="region (repeatable; default 济南市)"
    )
    m.add_argument("--years", default="2021-2025", help="e.g. 2021-2025 or 2021,2023")
    m.add_argument("--format", choices=["xlsx", "csv"], help="default from -o's suffix, else xlsx")
    m.add_argument("-o", "--output", metavar="FILE", help="default template.xlsx / template.csv")

    n = sub.add_parser("inventory", help="build the city's GHG inventory (温室气体清单)")
    n.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    n.add_argument("--view", choices=["territorial", "gpc", "sector"], default="territorial")
    n.add_argument("--format", choices=["text", "csv", "json", "markdown"], default="text")
    n.add_argument("--method", choices=["provincial", "ipcc", "ceads", "tce"], default="provincial")
    n.add_argument("--year", type=int, help="only this year")
    n.add_argument("--region", help="only this region (e.g. 济南市)")
    n.add_argument("--factor-table", metavar="FILE", help="a CSV of your own emission factors")
    n.add_argument(
        "--option",
        action="append",
        dest="options",
        default=[],
        metavar="NAME=VALUE",
        help="an inventory option, e.g. --option gases=co2e",
    )
    n.add_argument("-o", "--output", help="write to this file instead of standard output")

    s = sub.add_parser("serve", help="run the HTTP service (数据报送与查询服务)")
    s.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1: loopback)")
    s.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    s.add_argument("--db", metavar="PATH|URL", help="DuckDB file or postgresql:// URL")
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1; more than 1 needs a PostgreSQL store)",
    )
    s.add_argument(
        "--max-upload-mb",
        type=float,
        default=20.0,
        metavar="MB",
        help="largest request body in MiB (default 20); larger ones get 413",
    )
    s.add_argument(
        "--seed-shipped",
        action="store_true",
        help="if the store is empty, submit the Jinan public data shipped with greenplan first",
    )
    s.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    s.add_argument("--no-access-log", action="store_true", help="do not log every request")

    t = sub.add_parser("token", help="manage the service's access tokens (访问令牌)")
    actions = t.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    add = actions.add_parser("add", help="create a token; prints it on the last line")
    add.add_argument("name", metavar="NAME", help="who holds it: a department, district or system")
    add.add_argument("--role", required=True, choices=["submitter", "reader", "admin"])
    add.add_argument(
        "--regions",
        nargs="+",
        action="extend",
        default=[],
        metavar="REGION",
        help="a submitter's regions (codes or aliases: 历下区 Lixia); default any",
    )
    add.add_argument(
        "--variables",
        nargs="+",
        action="extend",
        default=[],
        metavar="VARIABLE",
        help="a submitter's variables (codes, names, or domains such as energy); default any",
    )
    add.add_argument("--expires-days", type=float, metavar="DAYS", help="expire after DAYS days")
    add.add_argument("--db", metavar="PATH|URL", help="DuckDB file or postgresql:// URL")
    lst = actions.add_parser("list", help="list the tokens (never the tokens themselves)")
    lst.add_argument("--db", metavar="PATH|URL")
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name", metavar="NAME")
    revoke.add_argument("--db", metavar="PATH|URL")
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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    logger = logging.getLogger("greenplan")
    level = logger.level
    handler = configure_logging(args.verbose - args.quiet)
    try:
        return _configured(args, argv)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _configured(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    """Apply the configuration file to ``args`` (flags win), then run the command."""
    if args.config or args.command in _CONFIGURED:
        try:
            config = load_config(args.config)
        except GreenplanError as exc:
            print(f"greenplan: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        defaults = config.command_defaults(args.command)
        if config.path is not None and defaults:
            args = build_parser({args.command: defaults}).parse_args(argv)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Import the command's module and run it; map errors to exit codes."""
    name = f"greenplan.commands.{args.command}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            message = (
                f"this command is not available in this installation of greenplan {__version__}."
            )
        elif exc.name and not exc.name.startswith("greenplan"):
            extra = _EXTRAS.get(args.command, "all")
            message = (
                f"this command needs the optional package {exc.name!r}: "
                f"pip install 'greenplan[{extra}]'"
            )
        else:
            raise
        print(f"greenplan {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(module.run(args))
    except StatisticsError as exc:  # every command the same: findings, then 1 (or 2 for I/O)
        return statistics_failure(args.command, exc)
    except (GreenplanError, OSError) as exc:
        print(f"greenplan {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        return 130

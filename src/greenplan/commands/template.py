"""``greenplan template``: write a department's submission template (数据报送模板)."""

from __future__ import annotations

import argparse
import sys

from greenplan.templates import write_template

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Write the template; print its path; exit code 0 (2 for an unknown name, via the CLI)."""
    fmt = args.format or ("csv" if (args.output or "").lower().endswith(".csv") else "xlsx")
    path = write_template(
        args.output or f"template.{fmt}",
        department=args.department,
        regions=args.region,
        years=args.years,
        format=fmt,
    )
    print(path, file=sys.stdout)
    return 0

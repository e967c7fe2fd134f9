"""``greenplan schema``: the JSON Schema (draft 2020-12) of ``report --format json``."""

from __future__ import annotations

import argparse

from greenplan._resources import resource_path
from greenplan.commands import emit

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Print the schema; exit code 0."""
    emit(resource_path("report_schema.json").read_text(encoding="utf-8"), None)
    return 0

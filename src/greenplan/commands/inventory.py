"""``greenplan inventory``: the city's GHG inventory from energy balances, records or statistics.

Views: ``territorial`` (scope 1 by sector), ``gpc`` (GPC reference numbers, BASIC, BASIC+ and
territorial totals) and ``sector`` (the provincial guideline's layout). Formats: text,
csv, json (for other systems: the view's rows plus the method notes) and markdown. Exit codes:
0 success, 1 the data has errors, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from greenplan.commands import ExitCode, emit, fail, lang_of, parse_options
from greenplan.errors import OptionError, StatisticsError
from greenplan.inventory import Inventory, InventoryError, build_inventory, inventory_view
from greenplan.messages import msg

__all__ = ["render", "run"]


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:,.2f}"
    return str(v)


def render(inventory: Inventory, frame: pd.DataFrame, view: str, fmt: str) -> str:
    """Render one view of an inventory as ``text``, ``csv``, ``json`` or ``markdown``."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        records = []
        for row in frame.to_dict(orient="records"):
            for k, v in row.items():
                if isinstance(v, float) and not math.isfinite(v):
                    row[k] = None
                elif hasattr(v, "item"):
                    row[k] = v.item()
            records.append(row)
        doc = {
            "view": view,
            "unit": "万吨CO2e",
            "method": inventory.options["method"],
            "emission_factor_set": inventory.options["emission_factor_set"],
            "gases": inventory.options["gases"],
            "notes": inventory.notes,
            "rows": records,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    cols = [c for c in frame.columns if c != "unit"]
    head = [str(c) for c in cols]
    body = [[_cell(v) for v in row] for row in frame[cols].itertuples(index=False)]
    title = f"城市温室气体清单 / City GHG inventory — view {view}, 万吨CO2e (10⁴ t CO₂e)"
    notes = [f"- {n}" for n in inventory.notes]
    if fmt == "markdown":
        lines = [f"## {title}", "", "| " + " | ".join(head) + " |"]
        lines.append("|" + "|".join("---" for _ in head) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join([*lines, "", *notes]) + "\n"
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(head)
    ]
    fmt_row = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [title, fmt_row.format(*head), fmt_row.format(*("-" * w for w in widths))]
    lines += [fmt_row.format(*r) for r in body]
    return "\n".join([*lines, "", *notes]) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan inventory``; return the exit code."""
    lang = lang_of(args)
    for p in args.paths:
        if not Path(p).exists():
            return fail("inventory", msg("commands.no_such_path", path=p), lang=lang)
    options = parse_options(args.options)
    options.setdefault("method", args.method)
    if args.factor_table:
        if not Path(args.factor_table).is_file():
            return fail(
                "inventory", msg("commands.no_such_file", path=args.factor_table), lang=lang
            )
        options["emission_factor_table"] = args.factor_table
    try:
        inv = build_inventory(*args.paths, **options)
    except StatisticsError as exc:
        print(exc.report.to_text(lang=lang), file=sys.stderr)
        return fail("inventory", exc.text(lang), ExitCode.DATA_ERROR, lang=lang)
    except OptionError as exc:
        return fail("inventory", exc.text(lang), lang=lang)
    except InventoryError as exc:
        return fail("inventory", exc.text(lang), ExitCode.DATA_ERROR, lang=lang)
    frame = inventory_view(inv, args.view)
    if args.year is not None and not frame.empty:
        frame = frame[frame["year"] == args.year]
    if args.region and not frame.empty:
        frame = frame[frame["region"] == args.region]
    if frame.empty:
        return fail("inventory", msg("commands.inventory.no_rows"), ExitCode.DATA_ERROR, lang=lang)
    emit(render(inv, frame.reset_index(drop=True), args.view, args.format), args.output)
    return int(ExitCode.OK)

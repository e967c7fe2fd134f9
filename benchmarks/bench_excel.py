"""Benchmark: reading an Excel workbook with python-calamine against openpyxl.

Generates a synthetic, clean long table (the generator of ``bench_validate.py``, 200,000 rows
by default) and writes it as one ``.xlsx`` sheet the way statistics bureaus lay them out: a
title row above the header, and the share variables formatted as percent (stored 0.62, shown
62%), so that the byte scan for percent cells has work to do. Then it measures, each in a
fresh process so that peak memory is not shared:

* ``pandas-calamine``: ``pandas.read_excel(path, engine="calamine")``, the yardstick;
* ``calamine``: ``greenplan.validate(path)`` (table checks; no coverage, no reported-vs-computed
  comparison) with ``GREENPLAN_EXCEL_ENGINE=calamine``;
* ``openpyxl``: the same with ``GREENPLAN_EXCEL_ENGINE=openpyxl``.

Both engines must give identical findings and tables: the benchmark checks it. Time is
wall-clock (best of ``--repeat``); peak memory is the growth of ``VmHWM`` over what the process
held after the imports and a warm-up (see ``bench_validate.py``).

Usage::

    python benchmarks/bench_excel.py [--rows 200000] [--repeat 1] [--keep FILE]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_validate import YEAR_RANGE, _peak_kb, _start_peak, generate

STEPS = ("pandas-calamine", "calamine", "openpyxl")


def write_workbook(csv_path: Path, path: Path) -> None:
    """Write the synthetic long table as one sheet: title row, header, percent-formatted shares."""
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from greenplan.definitions import VariableKind
    from greenplan.variables import VARIABLES

    frame = pd.read_csv(csv_path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(["济南市主要指标（合成数据，synthetic）"])
    ws.append(["地区", "年份", "指标", "数值", "单位"])
    shares = {c for c, v in VARIABLES.items() if v.kind is VariableKind.SHARE and v.unit == "%"}
    for region, year, variable, value, unit in frame.itertuples(index=False):
        if variable in shares:
            cell = WriteOnlyCell(ws, value=round(value / 100.0, 6))
            cell.number_format = "0.0%"
            ws.append([region, int(year), variable, cell, unit])
        else:
            ws.append([region, int(year), variable, float(value), unit])
    wb.save(path)


def measure(what: str, path: str, repeat: int) -> dict[str, object]:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import pandas as pd

    import greenplan

    if what != "pandas-calamine":
        os.environ["GREENPLAN_EXCEL_ENGINE"] = what
    opts: dict[str, Any] = {
        "year_range": YEAR_RANGE,
        "check_coverage": False,
        "check_reported": False,
    }
    # warm up: definitions, unit registry, the Excel engine's imports
    greenplan.validate(
        pd.DataFrame({"region": ["济南市"], "year": [2020], "variable": ["gdp"], "value": [1.0]})
    )
    if what == "openpyxl":
        import openpyxl  # noqa: F401
    else:
        import python_calamine  # noqa: F401
    gc.collect()
    how, base = _start_peak()
    times = []
    out: dict[str, object] = {}
    for i in range(repeat):
        t0 = time.perf_counter()
        if what == "pandas-calamine":
            df = pd.read_excel(path, engine="calamine", header=None)
            times.append(time.perf_counter() - t0)
            out["rows"] = len(df)
            del df
        else:
            report = greenplan.validate(path, **opts)
            times.append(time.perf_counter() - t0)
            out["rows"] = report.rows_read
            out["accepted"] = report.rows_accepted
            findings = [f.model_dump_json() for f in report.findings]
            out["findings"] = len(findings)
            accepted = report.table
            assert accepted is not None  # the sheet is accepted
            table = accepted.to_csv(index=False).encode()
            out["digest"] = hashlib.sha256(table + "\n".join(findings).encode()).hexdigest()
            del report
        if i == 0:  # the first run of a fresh process: later runs reuse freed memory
            out["peak_mb"] = max(0, _peak_kb(how) - base) / 1024.0
    out["seconds"] = min(times)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--keep", help="write the synthetic workbook here (and keep it)")
    p.add_argument("--measure", choices=STEPS, help=argparse.SUPPRESS)
    p.add_argument("--path", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "synthetic.xlsx"
        t0 = time.perf_counter()
        generate(Path(tmp) / "synthetic.csv", args.rows)
        write_workbook(Path(tmp) / "synthetic.csv", path)
        size = path.stat().st_size / 1e6
        print(
            f"synthetic workbook: {args.rows:,} rows, {size:.1f} MB XLSX "
            f"(generated in {time.perf_counter() - t0:.1f} s)"
        )
        results = {}
        env = dict(os.environ)
        env.pop("GREENPLAN_EXCEL_ENGINE", None)
        src = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        for what in STEPS:
            cmd = [sys.executable, __file__, "--measure", what, "--path", str(path)]
            proc = subprocess.run(
                [*cmd, "--repeat", str(args.repeat)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            results[what] = json.loads(proc.stdout.strip().splitlines()[-1])
    yard = results["pandas-calamine"]
    print(f"\n{'step':<18}{'time s':>9}{'× yardstick':>13}{'peak MB':>10}")
    for what in STEPS:
        r = results[what]
        print(
            f"{what:<18}{r['seconds']:>9.2f}{r['seconds'] / yard['seconds']:>13.2f}"
            f"{r['peak_mb']:>10.0f}"
        )
    cal, opx = results["calamine"], results["openpyxl"]
    print(
        f"\nvalidate: {cal['rows']:,} rows read, {cal['accepted']:,} accepted, "
        f"{cal['findings']} findings; openpyxl / calamine time "
        f"{opx['seconds'] / cal['seconds']:.1f}×"
    )
    same = cal["digest"] == opx["digest"]
    print(f"identical table and findings under both engines: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

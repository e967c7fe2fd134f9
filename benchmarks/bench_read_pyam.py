"""Benchmark: ``greenplan.read_statistics`` against pyam's read and ``convert_unit`` (issue 14).

Issue 14 recorded that ``greenplan.read_statistics`` took 0.31× the time of pyam's
``IamDataFrame`` read plus ``convert_unit`` of the same 1,000,000 rows. This benchmark measures
that lead again, on greenplan's long CSV and on pyam's own wide layout, with the synthetic,
clean long table of ``bench_validate.py`` (city and its 12 districts and counties × every
codelist variable that is not also an indicator, smooth random series, consistent sums;
synthetic years from 1001 on; synthetic, not statistics). The table is
written twice: as greenplan's long CSV (``region, year, variable, value, unit``) and as an IAMC
CSV the way pyam stores it (``model, scenario, region, variable, unit`` and one column per year,
``model`` and ``scenario`` both "synthetic"). Each step runs in a fresh process:

* ``read``: ``pandas.read_csv`` of the long CSV, the common yardstick;
* ``greenplan``: ``greenplan.read_statistics(path, year_range=YEAR_RANGE)`` of the long CSV:
  header mapping, region/variable/unit resolution, every value converted to its variable's
  canonical unit, number and year parsing, bounds, duplicates, component and district sums,
  year-on-year jumps;
* ``greenplan-wide``: ``greenplan.read_statistics(wide_path, year_range=YEAR_RANGE)`` of the
  IAMC CSV (one column per year; ``model`` and ``scenario`` are reported as unused columns):
  the same work as ``greenplan`` on pyam's own layout, compared with ``pyam`` on the same file;
* ``pyam-read``: ``pyam.IamDataFrame(path)`` of the IAMC CSV alone;
* ``pyam``: that read and ``convert_unit("万吨标准煤", to="tce", factor=1e4)`` of the four
  energy variables, the conversion a pyam user makes of this table (pint and iam-units do not
  know 万吨标准煤, so the factor is given; it is ``greenplan.units.factor``'s); the yardstick
  of issue 14's ratio;
* ``pyam-each-unit``: that read and one ``convert_unit(unit, to=canonical, factor=...)`` per
  unit of the file, the factor being greenplan's own (``greenplan.units.factor``), i.e.
  greenplan's rule "every unit to the code list's canonical unit" done unit by unit in pyam.
  The synthetic file is already in canonical units, so every factor is 1: an upper bound of
  what a pyam user would do with this file;
* ``pyam-long``: ``pyam.IamDataFrame(long_path, model="synthetic", scenario="synthetic")`` of
  greenplan's long CSV and the ``convert_unit`` of ``pyam``: the same file as ``greenplan``.

``convert_unit`` is called as the documentation shows it (``df = df.convert_unit(...)``, a new
frame). Time is wall-clock (best of ``--repeat``) with the process's CPU time beside it. Peak
memory is the growth of ``VmHWM`` on the first run over what the process held after its imports
and a warm-up (the helpers of ``bench_validate.py``). Goal: ``greenplan`` ≤ 0.31× the time of
``pyam`` (the lead of issue 14), at least < 1×.

pyam pins pandas below 3 and greenplan requires pandas 3, so they cannot share an environment
as installed. The benchmark runs with the pyam environment's Python and puts this checkout's
``src/`` first on the path of each measuring process, so greenplan runs there on pandas 2 (pint
and pydantic come with pyam): the same-interpreter comparison, with greenplan on a pandas it
does not support. ``--also PYTHON`` measures ``read``, ``greenplan`` and ``greenplan-wide`` once
more with another interpreter on the same files: with the project's own environment (pandas 3,
pyarrow) that is the comparison of each library in the environment it supports. Without pyam
the script says so and measures those three steps only (exit status 0).

Usage::

    python -m venv /tmp/pyamvenv
    /tmp/pyamvenv/bin/pip install pyam-iamc "SQLAlchemy<2.1"  # ixmp4 0.14 fails under 2.1
    /tmp/pyamvenv/bin/python benchmarks/bench_read_pyam.py [--rows 1000000] [--repeat 3]
        [--also .venv/bin/python] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# this checkout's greenplan for the table's generation too, as for the measuring processes
# (pyam's environment does not have greenplan installed)
sys.path.insert(1, str(HERE.parent / "src"))

from bench_validate import (  # noqa: E402
    YEAR_RANGE,
    _peak_kb,
    _start_peak,
    generate,
    print_load,
    run_fresh,
)

MODEL = SCENARIO = "synthetic"
ENERGY_UNIT, ENERGY_TO = "万吨标准煤", "tce"  # factor from greenplan.units: 10⁴
GREENPLAN_STEPS = ("read", "greenplan", "greenplan-wide")
PYAM_STEPS = ("pyam-read", "pyam", "pyam-each-unit", "pyam-long")
YARDSTICK = "pyam"
GOAL = 0.31
"""Issue 14: read_statistics took 0.31× the time of pyam's read + convert_unit."""


def write_iamc(long_path: Path, wide_path: Path) -> None:
    """Write the long table at ``long_path`` as a wide IAMC CSV (one column per year)."""
    import pandas as pd

    frame = pd.read_csv(long_path)
    frame.insert(0, "scenario", SCENARIO)
    frame.insert(0, "model", MODEL)
    wide = frame.pivot(
        index=["model", "scenario", "region", "variable", "unit"], columns="year", values="value"
    )
    wide.columns = [str(c) for c in wide.columns]
    wide.reset_index().to_csv(wide_path, index=False)


def _pyam_convert(df: Any, each_unit: bool) -> Any:
    """The unit conversion of the pyam steps (see the module docstring), factors greenplan's."""
    from greenplan.units import factor
    from greenplan.variables import VARIABLES

    if not each_unit:
        return df.convert_unit(ENERGY_UNIT, to=ENERGY_TO, factor=factor(ENERGY_UNIT, ENERGY_TO))
    targets: dict[str, set[str]] = {}  # unit of the file -> canonical units of its variables
    for variable, units in df.unit_mapping.items():
        for unit in [units] if isinstance(units, str) else units:
            targets.setdefault(unit, set()).add(VARIABLES[variable].unit)
    for unit, canonical in targets.items():
        (to,) = canonical  # pyam converts a unit across variables: one target per unit
        df = df.convert_unit(unit, to=to, factor=factor(unit, to))
    return df


def measure(what: str, long_path: str, wide_path: str, repeat: int) -> dict[str, Any]:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import pandas as pd

    import greenplan

    tiny = pd.DataFrame(
        {
            "region": ["济南市"],
            "year": [2020],
            "variable": ["energy_consumption"],
            "value": [1.0],
            "unit": [ENERGY_UNIT],
        }
    )
    greenplan.read_statistics(tiny)  # warm up: definitions, unit registry
    out: dict[str, Any] = {"pandas": pd.__version__}
    if what.startswith("pyam"):
        import pyam

        out["pyam"] = pyam.__version__
        warm = pyam.IamDataFrame(tiny, model=MODEL, scenario=SCENARIO)
        _pyam_convert(warm, each_unit=True)
    gc.collect()
    how, base = _start_peak()
    times, cpu = [], []
    for i in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        if what == "read":
            result = pd.read_csv(long_path)
            rows = len(result)
        elif what in ("greenplan", "greenplan-wide"):
            path = long_path if what == "greenplan" else wide_path
            result = greenplan.read_statistics(path, year_range=YEAR_RANGE)
            rows = len(result)
        else:
            if what == "pyam-long":
                result = pyam.IamDataFrame(long_path, model=MODEL, scenario=SCENARIO)
            else:
                result = pyam.IamDataFrame(wide_path)
            if what != "pyam-read":
                result = _pyam_convert(result, each_unit=what == "pyam-each-unit")
            rows = len(result)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        out["rows"] = rows
        del result  # free the result before the next run
        if i == 0:  # the first run of a fresh process: later runs reuse freed memory
            out["peak_mb"] = max(0, _peak_kb(how) - base) / 1024.0
    out["seconds"] = min(times)
    out["cpu"] = min(cpu)
    return out


def _run(what: str, long_path: Path, wide_path: Path, repeat: int, python: str) -> dict[str, Any]:
    """Measure one step in a fresh process of ``python``."""
    args = ["--measure", what, "--path", str(long_path), "--wide", str(wide_path)]
    # pyam's dependencies warn on import
    return run_fresh(
        __file__, [*args, "--repeat", str(repeat)], python=python, env={"PYTHONWARNINGS": "ignore"}
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--also", metavar="PYTHON", help="measure the greenplan steps with it too")
    p.add_argument("--keep", metavar="DIR", help="write (and keep) the two CSV files here")
    p.add_argument("--measure", choices=[*GREENPLAN_STEPS, *PYAM_STEPS], help=argparse.SUPPRESS)
    p.add_argument("--path", help=argparse.SUPPRESS)
    p.add_argument("--wide", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.wide, args.repeat)))
        return
    has_pyam = importlib.util.find_spec("pyam") is not None
    if not has_pyam:
        print(
            "pyam is not importable here (pip install pyam-iamc, in its own environment: it "
            "pins pandas < 3): measuring read, greenplan and greenplan-wide only"
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        long_path, wide_path = folder / "synthetic_long.csv", folder / "synthetic_iamc.csv"
        t0 = time.perf_counter()
        generate(long_path, args.rows)
        write_iamc(long_path, wide_path)  # pandas only: greenplan-wide reads it without pyam
        sizes = (long_path.stat().st_size, wide_path.stat().st_size)
        print(
            f"synthetic long table: {args.rows:,} rows, {sizes[0] / 1e6:.1f} MB"
            + f"; IAMC wide: {sizes[1] / 1e6:.1f} MB"
            + f" (generated in {time.perf_counter() - t0:.1f} s)"
        )
        print_load("before")
        steps = [*GREENPLAN_STEPS, *(PYAM_STEPS if has_pyam else ())]
        runs = [(what, sys.executable) for what in steps]
        if args.also:
            runs += [(what, args.also) for what in GREENPLAN_STEPS]
        results = [
            (what, py, _run(what, long_path, wide_path, args.repeat, py)) for what, py in runs
        ]
        print_load("after")
    versions = {
        k: r[k]
        for _, py, r in results
        if py == sys.executable
        for k in ("pandas", "pyam")
        if k in r
    }
    print(
        "versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f", Python {sys.version.split()[0]}\n"
    )
    ref = {what: r for what, py, r in results if py == sys.executable}
    yard = ref.get(YARDSTICK)
    head = f"{'step':<16}{'pandas':>8}{'rows':>11}{'time s':>9}{'CPU s':>8}{'× read':>8}"
    print(head + (f"{'× pyam':>8}" if yard else "") + f"{'peak MB':>9}")
    for what, py, r in results:
        read = (
            ref["read"]
            if py == sys.executable
            else next(x for w, q, x in results if q == py and w == "read")
        )
        line = (
            f"{what:<16}{r['pandas']:>8}{r['rows']:>11,.0f}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
            f"{r['seconds'] / read['seconds']:>8.2f}"
        )
        if yard:
            line += f"{r['seconds'] / yard['seconds']:>8.2f}"
        print(line + f"{r['peak_mb']:>9.0f}")
    print()
    if not yard:
        return
    if args.also:
        print(f"(rows measured with {args.also}: × pyam compares with pyam in this environment)")
    # like for like: the same file read by both (the goal), then greenplan in the other
    # environment (pandas 3, which pyam cannot use) against pyam in its own
    comparisons = [
        (ref, "greenplan", "the same long CSV", "pyam-long"),
        (ref, "greenplan-wide", "the same IAMC wide CSV", YARDSTICK),
    ]
    if args.also:
        other = {w: x for w, q, x in results if q == args.also}
        for mine in ("greenplan", "greenplan-wide"):
            if mine in other:
                step = "pyam-long" if mine == "greenplan" else YARDSTICK
                where = "long" if mine == "greenplan" else "IAMC wide"
                label = f"the same {where} CSV, greenplan on pandas {other[mine]['pandas']}"
                comparisons.append((other, mine, label, step))
    for mine_of, mine, name, step in comparisons:
        g = mine_of[mine]
        ratio, cpu = g["seconds"] / ref[step]["seconds"], g["cpu"] / ref[step]["cpu"]
        verdict = "held" if ratio <= GOAL else ("< 1×, lead kept" if ratio < 1 else "lead LOST")
        print(
            f"{mine} ÷ pyam read + convert_unit of {name} ({step}): {ratio:.2f}× wall, "
            f"{cpu:.2f}× CPU; goal ≤ {GOAL:.2f}× ({verdict})"
        )
    g, y = ref["greenplan"], ref[YARDSTICK]
    print(
        f"greenplan's long CSV ÷ pyam's IAMC wide CSV (other files, the long one "
        f"{sizes[0] / sizes[1]:.1f}× larger; not a goal): {g['seconds'] / y['seconds']:.2f}× wall"
    )
    wide, long = ref["greenplan-wide"], ref["greenplan"]
    print(
        f"greenplan-wide ÷ greenplan (the IAMC wide CSV ÷ the long CSV of the same values): "
        f"{wide['seconds'] / long['seconds']:.2f}× wall, {wide['cpu'] / long['cpu']:.2f}× CPU"
    )


if __name__ == "__main__":
    main()

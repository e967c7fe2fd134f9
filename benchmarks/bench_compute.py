"""Benchmark: ``greenplan.compute`` of every indicator on big tables, against ``read_csv``.

Generates synthetic, clean long tables with the generator of ``bench_validate.py`` (city and
its 12 districts and counties × every codelist variable that is not also an indicator, smooth
random series, consistent sums; synthetic, not statistics) and measures, each in a fresh
process so that peak memory is not shared:

* ``read``: ``pandas.read_csv(path)`` of the file, the yardstick;
* ``compute``: ``greenplan.compute(stats)`` of every indicator, where ``stats`` is the
  canonical table ``greenplan.read_statistics(path)`` returned (read before the clock starts).

Sizes: ``jinan`` is the largest Jinan-shaped table (every variable × 13 regions × the years
1949–2027, ≈ 122,000 rows); ``--scaling`` adds tables of 10⁵, 10⁶ and 4·10⁶ rows and fits the
exponent *b* of time ∝ rowsᵇ between them. Their synthetic years begin the year after the
plan's base year (2021 for the 14th plan's 2020), so that every year has the same indicators
computable and the output grows as the input: from year 1001 on, as until 2026-12-05, the
4·10⁶-row table was the only one to reach past 2020, where the changes since the base year
and the cumulative indicators begin, and gave 8.6× the output of 10⁶ rows for 4× the input.

Time is wall-clock (best of ``--repeat``). Peak memory is the growth of ``VmHWM`` (reset through
``/proc/self/clear_refs`` just before the first run) over the resident set after the imports,
the read and a warm-up, i.e. what compute itself allocates at its peak; the yardstick for memory
is the size of the DataFrame ``read_csv`` returns (``memory_usage(deep=True)``). Goals: compute
≤ 3× the time of ``read_csv`` and peak ≤ 4× the frame on the Jinan-shaped table, and time
linear in rows (*b* ≈ 1) beyond it.

``--baseline SRC`` measures compute again with the package in ``SRC`` (say ``git archive`` of an
earlier commit, unpacked) on the same files in the same run, and prints it on the next line.

Usage::

    python benchmarks/bench_compute.py [--repeat 3] [--scaling] [--baseline OLD/src]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_validate import (  # noqa: E402
    JINAN_YEARS,
    YEAR_RANGE,
    _peak_kb,
    _start_peak,
    generate,
    jinan_rows,
)

READ_YEARS = (YEAR_RANGE[0], 9999)
"""Years accepted when the tables are read (synthetic years run past 2027)."""


def _scaling_first_year() -> int:
    """The year after the default plan's base year: the first year of the ``--scaling`` tables."""
    from greenplan.plans import default_plan

    return int(default_plan().base_year) + 1


def measure(what: str, path: str, repeat: int) -> dict[str, float]:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import pandas as pd

    import greenplan

    out: dict[str, float] = {}
    if what == "read":
        gc.collect()
        how, base = _start_peak()
        times = []
        for i in range(repeat):
            t0 = time.perf_counter()
            df = pd.read_csv(path)
            times.append(time.perf_counter() - t0)
            out["frame_mb"] = df.memory_usage(deep=True).sum() / 1e6
            out["rows"] = len(df)
            del df
            if i == 0:
                out["peak_mb"] = max(0, _peak_kb(how) - base) / 1024.0
        out["seconds"] = min(times)
        return out
    stats = greenplan.read_statistics(path, year_range=READ_YEARS)
    greenplan.compute(stats.iloc[:200])  # warm-up: recipes, code lists, factor tables
    gc.collect()
    how, base = _start_peak()
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        values = greenplan.compute(stats)
        times.append(time.perf_counter() - t0)
        out["rows_out"] = len(values)
        out["out_mb"] = values.memory_usage(deep=True).sum() / 1e6
        del values
        if i == 0:
            out["peak_mb"] = max(0, _peak_kb(how) - base) / 1024.0
            gc.collect()
    out["seconds"] = min(times)
    return out


def _run(what: str, path: Path, repeat: int, src: Path | None = None) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src or HERE.parent / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, __file__, "--measure", what, "--path", str(path)]
    proc = subprocess.run(
        [*cmd, "--repeat", str(repeat)], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def case(label: str, path: Path, repeat: int, baseline: Path | None = None) -> tuple[float, float]:
    """Measure read and compute of ``path``; print one line; return (rows, compute seconds).

    With ``baseline`` (a source tree), compute is measured with it too, on a second line.
    """
    read = _run("read", path, repeat)
    runs = [(label, _run("compute", path, repeat))]
    if baseline is not None:
        runs.append(("  baseline", _run("compute", path, repeat, baseline)))
    frame = read["frame_mb"]
    for name, comp in runs:
        print(
            f"{name:<10}{read['rows']:>10,.0f}{read['seconds']:>9.3f}{comp['seconds']:>9.3f}"
            f"{comp['seconds'] / read['seconds']:>8.2f}×{frame:>9.1f}{comp['peak_mb']:>9.0f}"
            f"{comp['peak_mb'] / frame:>8.2f}×{comp['rows_out']:>11,.0f}{comp['out_mb']:>9.1f}",
            flush=True,
        )
    return read["rows"], runs[0][1]["seconds"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--scaling", action="store_true", help="add 1e5, 1e6 and 4e6 rows")
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="also measure compute with the package in SRC (an older checkout's src/)",
    )
    p.add_argument("--measure", choices=["read", "compute"], help=argparse.SUPPRESS)
    p.add_argument("--path", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.repeat)))
        return
    print(
        f"{'table':<10}{'rows':>10}{'read s':>9}{'compute':>9}{'× read':>9}{'frame MB':>9}"
        f"{'peak MB':>9}{'× frame':>9}{'rows out':>11}{'out MB':>9}"
    )
    points = []
    with tempfile.TemporaryDirectory() as tmp:
        jinan = Path(tmp) / "jinan_shaped.csv"
        generate(jinan, jinan_rows(), first_year=JINAN_YEARS[0])
        baseline = args.baseline.resolve() if args.baseline else None
        case("jinan", jinan, args.repeat, baseline)
        jinan.unlink()
        if args.scaling:
            for rows in (100_000, 1_000_000, 4_000_000):
                path = Path(tmp) / f"synthetic_{rows}.csv"
                generate(path, rows, first_year=_scaling_first_year())
                points.append(case(f"{rows:.0e}", path, args.repeat, baseline))
                path.unlink()
    print("goal: compute ≤ 3.00× read time, peak ≤ 4.00× frame (jinan); time linear in rows")
    if len(points) >= 2:
        for (r0, t0), (r1, t1) in itertools.pairwise(points):
            b = math.log(t1 / t0) / math.log(r1 / r0)
            print(f"scaling exponent {r0:,.0f} → {r1:,.0f} rows: {b:.2f}")


if __name__ == "__main__":
    main()

"""Run every greenplan benchmark with one command.

Each benchmark generates its own synthetic data and reports ratios against a baseline measured
in the same run (``pandas.read_csv`` for validation, a minimal numpy floor for fuel records),
so figures are comparable across machines. See docs/performance.md. ``bench_scale.py``
(10⁷–10⁹ records on DuckDB and Dask) and ``bench_service.py`` (a running server) are run on
their own, as are ``bench_pandera.py`` and ``bench_read_pyam.py``, which need pandera or pyam
(not dependencies of greenplan; pyam needs pandas < 3) in an environment of their own.

Usage::

    python benchmarks/run.py            # full size: 1,000,000 rows, 10,000,000 records,
                                        # a 200,000-row workbook, the everyday calls
    python benchmarks/run.py --quick    # a tenth of that, for a smoke run
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "bench_validate.py": 1_000_000,
    "bench_fuel_records.py": 10_000_000,
    "bench_excel.py": 200_000,
}
EXTRA = [
    (
        "bench_validate.py",
        ["--jinan", "--repeat", "7", "--rounds", "3"],
        ["--jinan", "--repeat", "3"],
    ),
    ("bench_compute.py", ["--scaling"], []),
    ("bench_latency.py", ["--repeat", "7"], ["--repeat", "3"]),
]
"""Benchmarks with their own sizes: arguments for a full run and for ``--quick``."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run at a tenth of the full size")
    args = parser.parse_args(argv)
    status = 0
    for script, rows in BENCHMARKS.items():
        n = rows // 10 if args.quick else rows
        print(f"== {script} (--rows {n:,})", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), "--rows", str(n)], check=False)
        status = status or done.returncode
    for script, full, quick in EXTRA:
        extra = quick if args.quick else full
        print(f"== {script} {' '.join(extra)}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
        status = status or done.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())

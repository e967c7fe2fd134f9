"""Benchmark: fuel records at scale — in-memory pandas, DuckDB, Dask and a plain SQL floor.

Generates SYNTHETIC fuel records (the generator of ``bench_fuel_records.py``: entities ×
5 years × 12 months × 8 fuels, 16 regions, 5 % of coal and gas as feedstock) into Parquet
files (10 files, row groups of 2²⁰ rows) under ``--dir`` (default
``benchmarks/_generated/scale``, ignored by git), then runs each engine in a fresh process
and reports wall time of the call (imports and a one-record warm-up are reported apart as
start-up) and peak memory (VmHWM of that process, start-up included):

* ``pandas``: ``pyarrow.parquet.read_table(files).to_pandas()`` then
  ``aggregate_fuel_records(frame)`` — everything in memory (by default only up to
  ``--pandas-max`` rows, as 10⁸ rows need about 9 GiB);
* ``duckdb``: ``aggregate_fuel_records("…/*.parquet")`` (DuckDB, default memory limit);
* ``dask``: ``aggregate_fuel_records("…/*.parquet", engine="dask")`` (one partition per
  Parquet row group) on a ``LocalCluster`` of 2 workers (1 thread each, in-process so that
  VmHWM covers the workers; cluster start-up not timed);
* ``sql floor``: one plain DuckDB query doing the same reduction (``SELECT region, year,
  fuel, unit, use, sum(quantity), count(*) … GROUP BY ALL``) with the same connection
  settings — no checks, no coefficients.

Time is the best of ``--repeat`` (2) fresh processes, peak the highest. Totals of the
greenplan engines are checked to agree (relative 1e-9). Goals (issue 13):
DuckDB ≤ 1.3× the SQL floor and ≤ 512 MiB at 10⁸ rows; Dask ≤ 3× DuckDB; time linear in
rows (the exponent of time vs rows between the sizes is printed).

Usage::

    python benchmarks/bench_scale.py [--rows 10000000,100000000] [--huge] [--dir DIR]
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = 10
ROW_GROUP = 1 << 20


def vmhwm_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def generate(rows: int, folder: Path) -> str:
    """Write ``rows`` synthetic records to FILES Parquet files (skipped if present)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(HERE))
    from bench_fuel_records import generate as gen_frame

    pattern = str(folder / "*.parquet")
    done = folder / "_complete"
    if done.exists() and done.read_text() == str(rows):
        return pattern
    folder.mkdir(parents=True, exist_ok=True)
    for old in glob.glob(pattern):
        os.remove(old)
    per_file = -(-rows // FILES)
    entity_offset = 0
    for i in range(FILES):
        frame = gen_frame(per_file, seed=i)
        frame["entity"] = frame["entity"].to_numpy() + np.int32(entity_offset)
        entity_offset = int(frame["entity"].max()) + 1
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, folder / f"part-{i:02d}.parquet", row_group_size=ROW_GROUP)
        del frame, table
    done.write_text(str(rows))
    return pattern


def run_one(engine: str, pattern: str) -> dict:
    """Run one engine in this (fresh) process; return time, peak memory and a checksum.

    Imports and a warm-up on a one-record table (pint's registry, the factor tables) are
    timed separately as ``startup``; ``seconds`` is the call on the generated records.
    """
    t0 = time.perf_counter()
    import duckdb

    if engine == "sql floor":
        from greenplan.records.engines import DEFAULT_MEMORY_LIMIT

        con = duckdb.connect(
            config={"memory_limit": DEFAULT_MEMORY_LIMIT, "preserve_insertion_order": False}
        )
        con.execute("SELECT 1").fetchall()
        startup = time.perf_counter() - t0
        start = time.perf_counter()
        out = con.execute(
            "SELECT region, year, fuel, unit, use, sum(quantity) AS q, count(*) AS n "
            f"FROM read_parquet('{pattern}') GROUP BY ALL"
        ).df()
        seconds = time.perf_counter() - start
        check = float(out["n"].sum())
    else:
        import pandas as pd

        import greenplan as gp

        tiny = pd.DataFrame(
            {"region": ["x"], "year": [2022], "fuel": ["原煤"], "quantity": [1.0], "unit": ["t"]}
        )
        gp.aggregate_fuel_records(tiny)
        if engine == "pandas":
            import pyarrow.parquet as pq

            startup = time.perf_counter() - t0
            start = time.perf_counter()
            frame = pq.read_table(sorted(glob.glob(pattern))).to_pandas()
            out = gp.aggregate_fuel_records(frame)
        elif engine == "duckdb":
            startup = time.perf_counter() - t0
            start = time.perf_counter()
            out = gp.aggregate_fuel_records(pattern)
        elif engine == "dask":
            from distributed import Client, LocalCluster

            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
                ) as cluster,
                Client(cluster),
            ):
                startup = time.perf_counter() - t0
                start = time.perf_counter()
                out = gp.aggregate_fuel_records(pattern, engine="dask")
                seconds = time.perf_counter() - start
        else:
            raise SystemExit(f"unknown engine {engine}")
        if engine != "dask":
            seconds = time.perf_counter() - start
        check = float(out["energy"].sum())
    return {
        "seconds": seconds,
        "startup": startup,
        "peak_mib": vmhwm_mib(),
        "check": check,
        "rows_out": len(out),
    }


def measure(engine: str, pattern: str, repeat: int) -> dict:
    """Best time and highest peak of ``repeat`` fresh processes."""
    runs = [measure_once(engine, pattern) for _ in range(repeat)]
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    best = min(good, key=lambda r: r["seconds"])
    return {**best, "peak_mib": max(r["peak_mib"] for r in good)}


def measure_once(engine: str, pattern: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--run", engine, "--pattern", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", default="10000000,100000000")
    p.add_argument("--huge", action="store_true", help="also 10⁹ rows")
    p.add_argument("--dir", default=str(HERE / "_generated" / "scale"))
    p.add_argument("--pandas-max", type=float, default=1e7)
    p.add_argument("--engines", default="sql floor,duckdb,dask,pandas")
    p.add_argument("--repeat", type=int, default=2, help="fresh processes per engine (best)")
    p.add_argument("--run", help=argparse.SUPPRESS)
    p.add_argument("--pattern", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.run:
        print(json.dumps(run_one(args.run, args.pattern)))
        return

    sizes = [int(float(r)) for r in args.rows.split(",")]
    if args.huge:
        sizes.append(10**9)
    engines = args.engines.split(",")
    results: dict[tuple[int, str], dict] = {}
    print(
        f"bench_scale: {os.cpu_count()} cores; figures from one run (shared machine: load "
        f"{os.getloadavg()[0]:.1f})"
    )
    print("| rows | engine | time [s] | start-up [s] | peak [MiB] | vs SQL floor | check |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for n in sizes:
        t0 = time.perf_counter()
        pattern = generate(n, Path(args.dir) / f"rows_{n}")
        print(f"<!-- generated {n:,} rows in {time.perf_counter() - t0:.0f} s -->", flush=True)
        for engine in engines:
            if engine == "pandas" and n > args.pandas_max:
                continue
            results[(n, engine)] = measure(engine, pattern, args.repeat)
        floor = results.get((n, "sql floor"), {}).get("seconds")
        checks = {
            e: results[(n, e)].get("check")
            for e in engines
            if (n, e) in results and e != "sql floor"
        }
        ref = next((c for c in checks.values() if c is not None), None)
        for engine in engines:
            r = results.get((n, engine))
            if r is None:
                continue
            if "error" in r:
                print(f"| {n:,} | {engine} | error: {r['error']} | | | | |")
                continue
            ratio = f"{r['seconds'] / floor:.2f}×" if floor else ""
            ok = ""
            if engine != "sql floor" and ref:
                ok = "agrees" if math.isclose(r["check"], ref, rel_tol=1e-9) else "DIFFERS"
            print(
                f"| {n:,} | {engine} | {r['seconds']:.1f} | {r['startup']:.1f} | "
                f"{r['peak_mib']:.0f} | {ratio} | {ok} |",
                flush=True,
            )
    if len(sizes) > 1:
        print("\nexponent of time vs rows (log t₂/t₁ ÷ log n₂/n₁):")
        for engine in engines:
            pts = [
                (n, results[(n, engine)]["seconds"])
                for n in sizes
                if (n, engine) in results and "seconds" in results[(n, engine)]
            ]
            if len(pts) >= 2:
                (n1, t1), (n2, t2) = pts[0], pts[-1]
                print(
                    f"  {engine}: {math.log(t2 / t1) / math.log(n2 / n1):.2f} "
                    f"({n1:,} → {n2:,} rows)"
                )


if __name__ == "__main__":
    main()

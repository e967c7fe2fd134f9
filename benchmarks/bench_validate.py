"""Benchmark: ``greenplan.validate`` against ``pandas.read_csv`` of the same file.

Generates a synthetic, clean long table of 1,000,000 rows (city and its 12 districts and
counties, every codelist variable, consistent sums, smooth series) as CSV, then measures, each
in a fresh process so that peak memory is not shared:

* ``read``: ``pandas.read_csv(path)`` alone;
* ``validate``: ``greenplan.validate(path)`` with every check;
* ``validate-core``: ``greenplan.validate(path, check_coverage=False, check_reported=False)``;
* ``validate+table``: ``greenplan.validate(path)`` and its ``report.table`` (the canonical
  DataFrame is made when first asked for: the checks need only integer codes of its texts).

Time is wall-clock (best of ``--repeat``), with the CPU time of the process beside it
(``time.process_time``, best of ``--repeat``): pandas' CSV reader uses every core when the
machine is quiet, the checks mostly one, so the wall-clock ratio moves with the machine's
load while the CPU ratio compares the work done. Peak memory is measured on the first run:
the growth of the process's peak resident set over what it held after the imports and a
warm-up, so allocations of numpy, pandas and pyarrow all count. On Linux the peak is ``VmHWM`` of
``/proc/self/status``, reset (``/proc/self/clear_refs``) just before the run; elsewhere
``resource.getrusage`` (which Linux carries over ``exec`` from the parent, so it must not be used
there: the parent holds the generated table). Goal: validate ≤ 3× read time, peak ≤ 4× the size
of the DataFrame ``read_csv`` returns (``memory_usage(deep=True)``).

``--rounds N`` measures every step N times, the steps of a round one after the other (their
order reversed every other round), and judges the time goal on the median of the ratios
measured in the same round: a shared machine has slower and faster minutes, and two best
times from different minutes can differ by a third without either program changing.

Usage::

    python benchmarks/bench_validate.py [--rows 1000000] [--repeat 3] [--rounds N]
                                        [--keep FILE [--reuse]]
    python benchmarks/bench_validate.py --jinan [--repeat 7] [--rounds 5]
    python benchmarks/bench_validate.py --scaling [--repeat 3]

``--scaling`` measures ``read_csv``, ``greenplan.read_statistics`` and ``greenplan.validate``
(every check) on tables of 10⁵, 10⁶ and 4·10⁶ rows and prints the exponent *b* of
time ∝ rowsᵇ between consecutive sizes (1 is linear).

``--jinan`` measures the largest Jinan-shaped table instead (every variable that is not also an
indicator × 13 regions × the years 1949–2027, ≈ 129,000 rows; issue 14 measured validate at
21× read_csv on it), where the fixed costs of the checks weigh more than at 1M rows.

``--reuse`` measures the CSV already at ``--keep`` (written by an earlier run) instead of
generating it again.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

YEAR_RANGE = (1000, 4000)  # synthetic years: 1M rows need more region-years than history has
STEPS = ("read", "validate-core", "validate", "validate+table")
"""What is measured, each in a fresh process."""
JINAN_YEARS = (1949, 2027)
"""``--jinan``: the years of the largest Jinan-shaped table (every variable × 13 regions)."""
SCALING_ROWS = (100_000, 1_000_000, 4_000_000)
SCALING_STEPS = ("read", "read_statistics", "validate")
"""``--scaling``: the table sizes and the steps whose time is fitted against rows."""


def generate(path: Path, rows: int, seed: int = 0, first_year: int = YEAR_RANGE[0] + 1) -> None:
    """Write a clean synthetic long table of about ``rows`` rows to ``path``.

    Years run from ``first_year`` on, as many as ``rows`` needs (synthetic beyond history).
    """
    import numpy as np
    import pandas as pd

    from greenplan.definitions import Aggregation, VariableKind
    from greenplan.indicators import INDICATORS
    from greenplan.regions import CITY, districts
    from greenplan.variables import VARIABLES, children

    rng = np.random.default_rng(seed)
    comps = districts()
    # variables only: an indicator id reported directly would disagree with its random inputs
    codes = [c for c in VARIABLES if c not in INDICATORS]
    per_year = (len(comps) + 1) * len(codes)
    n_years = -(-rows // per_year)
    years = np.arange(first_year, first_year + n_years)
    # one smooth random walk per (district, variable): ±3 % a year
    steps = rng.normal(0.0, 0.03, size=(len(comps), len(codes), n_years))
    level = rng.uniform(1.0, 100.0, size=(len(comps), len(codes), 1))
    values = level * np.exp(np.cumsum(steps, axis=2))
    idx = {c: k for k, c in enumerate(codes)}
    for code in codes:
        var = VARIABLES[code]
        k = idx[code]
        if var.kind in (VariableKind.RATE,):
            values[:, k, :] = rng.uniform(0.0, 10.0, size=(len(comps), n_years))
        elif var.kind is VariableKind.INDEX:
            values[:, k, :] = 100.0 + rng.uniform(0.0, 10.0, size=(len(comps), n_years))
        elif var.kind is VariableKind.SHARE:
            values[:, k, :] = rng.uniform(5.0, 95.0, size=(len(comps), n_years))
        if code.endswith("_threshold"):  # a rule's threshold: constant, inside its bounds
            lo, hi = var.lower or 0.0, var.upper if var.upper is not None else 100.0
            values[:, k, :] = lo + (hi - lo) * rng.uniform(0.2, 0.4, size=(len(comps), 1))
    for code in codes:  # parents are the sums of their components
        kids = [idx[c] for c in children(code) if c in idx]
        if kids:
            values[:, idx[code], :] = values[:, kids, :].sum(axis=1)
    additive = np.array([VARIABLES[c].aggregation is Aggregation.SUM for c in codes])
    city = values.sum(axis=0, keepdims=True)
    city[:, ~additive, :] = values[:1, ~additive, :]
    allv = np.concatenate([city, values], axis=0)  # (region, variable, year)
    regions = [CITY, *comps]
    r, v, y = np.meshgrid(
        np.arange(len(regions)), np.arange(len(codes)), np.arange(n_years), indexing="ij"
    )
    frame = pd.DataFrame(
        {
            "region": np.asarray(regions, dtype=object)[r.ravel()],
            "year": years[y.ravel()],
            "variable": np.asarray(codes, dtype=object)[v.ravel()],
            "value": np.round(allv.ravel(), 4),
            "unit": np.asarray([VARIABLES[c].unit for c in codes], dtype=object)[v.ravel()],
        }
    ).iloc[:rows]
    _consistent_rates(frame)
    frame.to_csv(path, index=False)


def jinan_rows() -> int:
    """Rows of the largest Jinan-shaped table: 13 regions × the variables × ``JINAN_YEARS``."""
    from greenplan.indicators import INDICATORS
    from greenplan.regions import districts
    from greenplan.variables import VARIABLES

    n_codes = len([c for c in VARIABLES if c not in INDICATORS])
    return (len(districts()) + 1) * n_codes * (JINAN_YEARS[1] - JINAN_YEARS[0] + 1)


def _consistent_rates(frame: pd.DataFrame) -> None:
    """Set each ``<indicator>_annual_change`` row to the change its levels give, in place.

    A published rate is rounded to 0.1 %; a random one would disagree with the levels (a
    ``rate_mismatch`` warning per row), and the table is meant to be clean. Rows whose levels
    cannot be computed keep their random value (validation has nothing to compare them with).
    """
    import numpy as np
    import pandas as pd

    import greenplan
    from greenplan.consistency import ANNUAL_SUFFIX

    variable = frame["variable"].astype(str)
    is_rate = variable.str.endswith(ANNUAL_SUFFIX).to_numpy()
    if not is_rate.any():
        return
    rate = frame.loc[is_rate]
    level = variable[is_rate].str.removesuffix(ANNUAL_SUFFIX)
    wanted = sorted(set(level) & set(greenplan.INDICATORS))
    values = greenplan.compute(frame.loc[~is_rate], wanted)
    lookup = values.set_index(["region", "year", "indicator"])["value"]
    year = rate["year"].to_numpy()
    now = lookup.reindex(pd.MultiIndex.from_arrays([rate["region"], year, level])).to_numpy()
    ref = lookup.reindex(pd.MultiIndex.from_arrays([rate["region"], year - 1, level])).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.round((now / ref - 1.0) * 100.0, 1)
    ok = np.isfinite(derived)
    column = frame["value"].to_numpy(dtype="float64", copy=True)
    column[np.flatnonzero(is_rate)[ok]] = derived[ok]
    frame["value"] = column


def _status_kb(field: str) -> int | None:
    """A ``Vm…`` field of ``/proc/self/status`` in KiB (Linux), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _start_peak() -> tuple[str, int]:
    """Reset the peak resident set if possible; return how it is measured and the baseline KiB.

    ``ru_maxrss`` survives ``exec`` on Linux (a fresh subprocess starts with its parent's peak),
    so on Linux the per-process ``VmHWM`` is used, reset to the current resident set.
    """
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # reset VmHWM to VmRSS
        rss = _status_kb("VmRSS")
        if rss is not None:
            return "hwm", rss
    except OSError:
        pass
    hwm = _status_kb("VmHWM")
    if hwm is not None:  # cannot reset: growth of the peak over the peak so far (a lower bound)
        return "hwm", hwm
    scale = 1 if sys.platform.startswith("linux") else 1 / 1024  # macOS reports bytes
    return "rusage", int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)


def _peak_kb(how: str) -> int:
    if how == "hwm":
        return _status_kb("VmHWM") or 0
    scale = 1 if sys.platform.startswith("linux") else 1 / 1024
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)


def measure(what: str, path: str, repeat: int) -> dict[str, float]:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import pandas as pd

    import greenplan
    from greenplan.units import factor
    from greenplan.variables import VARIABLES

    # warm up what every run needs once: definitions, unit registry, indicator recipes
    _ = len(VARIABLES), factor("万吨标准煤", "tce")
    greenplan.validate(
        pd.DataFrame(
            {
                "region": ["济南市"],
                "year": [2020],
                "variable": ["gdp"],
                "value": [1.0],
                "unit": ["亿元"],
            }
        )
    )
    gc.collect()
    how, base = _start_peak()
    times = []
    cpu = []
    out: dict[str, float] = {}
    for i in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        if what == "read":
            df = pd.read_csv(path)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            out["frame_mb"] = df.memory_usage(deep=True).sum() / 1e6
            out["rows"] = len(df)
            del df  # free the result before the next run
        elif what == "read_statistics":
            table = greenplan.read_statistics(path, year_range=YEAR_RANGE)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            out["rows"] = len(table)
            del table
        else:
            opts: dict[str, Any] = {"year_range": YEAR_RANGE}
            if what == "validate-core":
                opts.update(check_coverage=False, check_reported=False)
            report = greenplan.validate(path, **opts)
            if what == "validate+table":
                accepted = report.table
                assert accepted is not None  # a clean table is accepted
                out["table_rows"] = len(accepted)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            out["rows"] = report.rows_read
            out["accepted"] = report.rows_accepted
            out["findings"] = len(report.findings)
            del report
        if i == 0:  # the first run of a fresh process: later runs reuse freed memory
            out["peak_mb"] = max(0, _peak_kb(how) - base) / 1024.0
    out["seconds"] = min(times)
    out["cpu"] = min(cpu)
    return out


def print_load(when: str) -> None:
    """Print the load average (other processes share the machine's cores), where known."""
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(f"load average {when}: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def run_fresh(
    script: str, args: list[str], *, python: str = sys.executable, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``script args`` in a fresh process, ``src/`` of this checkout first on the path.

    Returns the JSON object the script prints on its last line (its measurement).
    """
    environ = {**os.environ, **(env or {})}
    src = str(Path(__file__).resolve().parents[1] / "src")
    environ["PYTHONPATH"] = src + os.pathsep + environ.get("PYTHONPATH", "")
    proc = subprocess.run(
        [python, script, *args], capture_output=True, text=True, env=environ, check=True
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _run(what: str, path: Path, repeat: int) -> dict[str, float]:
    """Measure one step in a fresh process."""
    return run_fresh(__file__, ["--measure", what, "--path", str(path), "--repeat", str(repeat)])


def in_rounds(
    steps: tuple[str, ...], rounds: int, run: Callable[[str], dict[str, float]]
) -> tuple[dict[str, dict[str, float]], list[dict[str, dict[str, float]]]]:
    """Measure every step ``rounds`` times, the steps of a round one after the other.

    A shared machine goes through slower and faster minutes: a ratio of two steps measured in
    the same round (seconds apart) compares them under the same conditions, where the best
    time of each over all rounds may come from different minutes. The order of the steps is
    reversed every other round, so that no step is always measured first. Returns each step's
    best over the rounds (fastest time and CPU time, highest peak) and every round's results.
    """
    per_round: list[dict[str, dict[str, float]]] = []
    for k in range(max(1, rounds)):
        order = steps if k % 2 == 0 else steps[::-1]
        per_round.append({what: run(what) for what in order})
    best: dict[str, dict[str, float]] = {}
    for what in steps:
        runs = [r[what] for r in per_round]
        best[what] = {
            **runs[0],
            "seconds": min(r["seconds"] for r in runs),
            "cpu": min(r["cpu"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
    return best, per_round


def add_rounds(parser: argparse.ArgumentParser) -> None:
    """Add ``--rounds`` (:func:`in_rounds`) to a benchmark's arguments."""
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every step this many times, in turn; the goal is judged on the median "
        "of the ratios measured in the same round",
    )


def paired_ratios(
    per_round: list[dict[str, dict[str, float]]], step: str, yardstick: str
) -> list[float]:
    """The time of ``step`` over that of ``yardstick`` in each round (see :func:`in_rounds`)."""
    return [r[step]["seconds"] / r[yardstick]["seconds"] for r in per_round]


def ratio_summary(ratios: list[float]) -> str:
    """``median 1.23 (1.10–1.40 in 5 rounds)``, or the one ratio of a single round."""
    if len(ratios) == 1:
        return f"{ratios[0]:.2f} (1 round)"
    return (
        f"median {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}–{max(ratios):.2f} in {len(ratios)} rounds)"
    )


def scaling(repeat: int) -> None:
    """Time of each scaling step at each size, and the exponent b of time ∝ rowsᵇ."""
    times: dict[str, list[float]] = {what: [] for what in SCALING_STEPS}
    rows: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SCALING_ROWS:
            path = Path(tmp) / f"synthetic_{n}.csv"
            generate(path, n)
            for what in SCALING_STEPS:
                r = _run(what, path, repeat)
                times[what].append(r["seconds"])
                if what == "read":
                    rows.append(r["rows"])
            path.unlink()
    print(f"{'step':<16}" + "".join(f"{f'{r:,.0f} rows':>16}" for r in rows))
    for what in SCALING_STEPS:
        print(f"{what:<16}" + "".join(f"{f'{t:.3f} s':>16}" for t in times[what]))
    print()
    for what in SCALING_STEPS:
        t = times[what]
        fits = [
            f"{rows[i]:,.0f} → {rows[i + 1]:,.0f}: "
            f"{math.log(t[i + 1] / t[i]) / math.log(rows[i + 1] / rows[i]):.2f}"
            for i in range(len(rows) - 1)
        ]
        print(f"exponent b of {what} (time ∝ rowsᵇ): " + "; ".join(fits))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--keep", help="write the synthetic CSV here (and keep it)")
    p.add_argument(
        "--scaling",
        action="store_true",
        help="fit time ∝ rowsᵇ of read_csv, read_statistics and validate at 1e5, 1e6, 4e6 rows",
    )
    p.add_argument("--measure", choices=[*STEPS, *SCALING_STEPS], help=argparse.SUPPRESS)
    p.add_argument("--reuse", action="store_true", help="measure the CSV at --keep as it is")
    p.add_argument(
        "--jinan", action="store_true", help="the Jinan-shaped table (1949–2027) instead of --rows"
    )
    p.add_argument("--path", help=argparse.SUPPRESS)
    add_rounds(p)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.repeat)))
        return
    if args.scaling:
        scaling(args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "synthetic.csv"
        t0 = time.perf_counter()
        rows = jinan_rows() if args.jinan else args.rows
        first_year = JINAN_YEARS[0] if args.jinan else YEAR_RANGE[0] + 1
        if not (args.reuse and args.keep and path.is_file()):
            generate(path, rows, first_year=first_year)
            made = f"generated in {time.perf_counter() - t0:.1f} s"
        else:
            made = "reused"
        size = path.stat().st_size / 1e6
        shape = "Jinan-shaped" if args.jinan else "synthetic long"
        print(f"{shape} table: {rows:,} rows, {size:.1f} MB CSV ({made})")
        print_load("before")
        results, per_round = in_rounds(
            STEPS, args.rounds, lambda what: _run(what, path, args.repeat)
        )
        print_load("after")
    read = results["read"]
    frame_mb = read["frame_mb"]
    print(f"DataFrame from read_csv: {frame_mb:.1f} MB (memory_usage(deep=True))\n")
    print(
        f"{'step':<16}{'time s':>9}{'× read':>9}{'CPU s':>9}{'× read':>9}"
        f"{'peak MB':>10}{'× frame':>9}"
    )
    for what in STEPS:
        r = results[what]
        print(
            f"{what:<16}{r['seconds']:>9.3f}{r['seconds'] / read['seconds']:>9.2f}"
            f"{r['cpu']:>9.3f}{r['cpu'] / read['cpu']:>9.2f}"
            f"{r['peak_mb']:>10.0f}{r['peak_mb'] / frame_mb:>9.2f}"
        )
    v = results["validate"]
    print(
        f"\nvalidate: {v['rows']:,.0f} rows read, {v['accepted']:,.0f} accepted, "
        f"{v['findings']:.0f} findings"
    )
    ratios = paired_ratios(per_round, "validate", "read")
    print(f"validate / read, measured in the same round: {ratio_summary(ratios)}")
    verdict = "met" if statistics.median(ratios) <= 3.0 else "NOT met"
    print(f"goal: validate ≤ 3.00× read time, peak ≤ 4.00× frame — time {verdict}")


if __name__ == "__main__":
    main()

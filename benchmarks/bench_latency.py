"""Benchmark: the everyday calls, against the cost of importing greenplan's dependencies.

Cases (each reported with its yardstick, measured in the same run):

* ``compute+assess`` — in one warm process, :func:`greenplan.compute` and
  :func:`greenplan.assess` of the synthetic example data shipped in ``data/examples``
  (≈ 5,700 rows), median of ``--repeat`` runs; goal 100 ms. The yardstick is
  ``pandas.read_csv`` of the same files in the same process. Measured in a fresh process with
  ``src/`` of this checkout first on the path; the CPU time of the process
  (``time.process_time``) is given with the wall-clock time, as it moves less when other
  programs load the machine. ``--baseline SRC`` measures the same case with another source
  tree (say ``git archive`` of an earlier commit) in the same run, right after.
* ``greenplan report`` (shipped Jinan data) and ``greenplan validate small.csv`` (a 10-row file
  written here, synthetic) as whole processes, median of ``--repeat`` runs; goal ≤ 1.3× the
  yardstick ``python -c "import pandas, pint, pydantic"``. Measured twice: as run from source
  with ``PYTHONDONTWRITEBYTECODE=1`` (every run compiles greenplan's modules again; the
  dependencies have their bytecode from their installation) and as installed (greenplan's
  bytecode cached, as ``pip install`` leaves it: ``PYTHONPYCACHEPREFIX`` in a temporary
  folder, filled by one run first, so the checkout gets no ``__pycache__``). The commands and the
  yardstick alternate within each repeat, so a change of load hits them alike; with
  ``--baseline SRC`` the other tree's commands join the same rounds.
* ``registry`` — how long building the pint registry takes in a fresh process, and whether the
  everyday report builds it (it should not: ``resources/unit_table.csv`` answers).

Usage::

    python benchmarks/bench_latency.py [--repeat 7] [--baseline OLD/src] [--in-process-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"


def _median_processes(
    cases: dict[str, tuple[list[str], dict[str, str]]], repeat: int
) -> dict[str, float]:
    """Median wall-clock seconds of each command (with its environment), run in rounds.

    Each round runs every case once, in turn, so load that comes and goes hits all alike.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (cmd, env) in cases.items():
            start = time.perf_counter()
            subprocess.run(
                cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def _environments(src: Path, cache: Path) -> dict[str, dict[str, str]]:
    """The environments of the two ways of running: from source, and as installed."""
    base = dict(os.environ)
    base["PYTHONPATH"] = str(src) + os.pathsep + base.get("PYTHONPATH", "")
    source = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
    installed = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    installed["PYTHONPYCACHEPREFIX"] = str(cache)
    return {"source": source, "installed": installed}


def whole_processes(
    trees: dict[str, Path], repeat: int, small: Path, cache: Path
) -> dict[tuple[str, str, str], float]:
    """Median seconds of ``greenplan report`` and ``validate`` per tree and way of running.

    Keys are ``(tree, way, case)``; the yardstick is ``("", way, "imports")``.
    """
    py = sys.executable
    commands = {
        "report": [py, "-m", "greenplan", "report", "-o", os.devnull],
        "validate": [py, "-m", "greenplan", "validate", str(small)],
    }
    cases: dict[str, tuple[list[str], dict[str, str]]] = {}
    keys: dict[str, tuple[str, str, str]] = {}
    for way in ("source", "installed"):
        env = _environments(ROOT / "src", cache / "yardstick")[way]
        cases[f"imports {way}"] = ([py, "-c", "import pandas, pint, pydantic"], env)
        keys[f"imports {way}"] = ("", way, "imports")
        for tree, src in trees.items():
            env = _environments(src, cache / tree)[way]
            for case, cmd in commands.items():
                cases[f"{tree} {way} {case}"] = (cmd, env)
                keys[f"{tree} {way} {case}"] = (tree, way, case)
    for cmd, env in cases.values():  # warm-up: file caches, and the bytecode of "installed"
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    medians = _median_processes(cases, repeat)
    return {keys[name]: seconds for name, seconds in medians.items()}


def in_process(repeat: int) -> dict[str, float]:
    """Median seconds of compute, assess and read_csv of the example data, warm.

    ``compute_cpu`` and ``assess_cpu`` are the medians of the process's CPU time.
    """
    import pandas as pd

    import greenplan as gp
    from greenplan.targets import load_target_config

    targets = load_target_config(EXAMPLES / "targets.toml")
    stats = gp.read_statistics(EXAMPLES)
    values = gp.compute(stats)  # warm-up: imports, code lists, caches
    gp.assess(values, targets=targets)
    out: dict[str, list[float]] = {
        "compute": [],
        "assess": [],
        "read_csv": [],
        "compute_cpu": [],
        "assess_cpu": [],
    }
    files = sorted(EXAMPLES.glob("*.csv"))
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        values = gp.compute(stats)
        c1, t1 = time.process_time(), time.perf_counter()
        gp.assess(values, targets=targets)
        c2, t2 = time.process_time(), time.perf_counter()
        for f in files:
            pd.read_csv(f)
        t3 = time.perf_counter()
        out["compute"].append(t1 - t0)
        out["assess"].append(t2 - t1)
        out["read_csv"].append(t3 - t2)
        out["compute_cpu"].append(c1 - c0)
        out["assess_cpu"].append(c2 - c1)
    return {k: statistics.median(v) for k, v in out.items()}


def in_process_with(src: Path, repeat: int) -> dict[str, float]:
    """:func:`in_process` in a fresh process with the package in ``src`` first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, __file__, "--measure-in-process", "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _in_process_line(label: str, ip: dict[str, float]) -> str:
    total = ip["compute"] + ip["assess"]
    return (
        f"{label:<28}{total * 1e3:8.1f} ms  "
        f"read_csv {ip['read_csv'] * 1e3:6.1f} ms  {total / ip['read_csv']:5.1f}×  ≤ 100 ms  "
        f"(compute {ip['compute'] * 1e3:.1f}, assess {ip['assess'] * 1e3:.1f}; CPU: compute "
        f"{ip['compute_cpu'] * 1e3:.1f}, assess {ip['assess_cpu'] * 1e3:.1f})"
    )


def registry_seconds() -> tuple[float, str]:
    code = (
        "import time, greenplan.units as u; t = time.perf_counter(); u.get_registry(); "
        "print(time.perf_counter() - t)"
    )
    built = (
        "from greenplan.cli import main; import greenplan.units as u; "
        "main(['report', '-o', '/dev/null']); print(u._registry is not None)"
    )
    seconds = float(
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    flag = (
        subprocess.run([sys.executable, "-c", built], check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    return seconds, "built" if flag == "True" else "not built"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="also measure every case with the package in SRC (an older checkout's src/)",
    )
    parser.add_argument(
        "--in-process-only", action="store_true", help="skip the whole-process cases"
    )
    parser.add_argument("--measure-in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_in_process:
        print(json.dumps(in_process(args.repeat)))
        return 0

    print("case                         median      yardstick   ratio   goal")
    ip = in_process_with(ROOT / "src", args.repeat)
    print(_in_process_line("compute+assess (examples)", ip))
    if args.baseline is not None:
        base = in_process_with(args.baseline.resolve(), args.repeat)
        print(_in_process_line("  baseline (--baseline)", base))
    if args.in_process_only:
        return 0

    trees = {"now": ROOT / "src"}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.csv"
        lines = ["region,year,variable,value,unit,source"]
        lines += [f"济南市,{2016 + k},gdp,{10000 + 100 * k},亿元,synthetic" for k in range(10)]
        small.write_text("\n".join(lines) + "\n", encoding="utf-8")
        medians = whole_processes(trees, args.repeat, small, Path(tmp) / "pycache")
    for way, label in (
        ("source", "from source (PYTHONDONTWRITEBYTECODE=1)"),
        ("installed", "as installed (bytecode cached)"),
    ):
        floor = medians[("", way, "imports")]
        print(f"-- {label}")
        print(f"import pandas,pint,pydantic {floor * 1e3:8.1f} ms  (yardstick)")
        for tree in trees:
            for case, name in (("report", "report (shipped)"), ("validate", "validate 10 rows")):
                seconds = medians[(tree, way, case)]
                tag = "" if tree == "now" else "  (baseline)"
                print(
                    f"greenplan {name:<17} {seconds * 1e3:8.1f} ms  {seconds / floor:5.2f}× "
                    f"imports  goal ≤ 1.3×{tag}"
                )
    seconds, flag = registry_seconds()
    print(f"pint registry build         {seconds * 1e3:8.1f} ms  (the everyday report: {flag})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the HTTP service under load, on loopback, with a DuckDB store.

One command starts ``greenplan serve`` (one worker process, as a DuckDB store requires) on a
free loopback port in a fresh temporary store seeded with the shipped Jinan data, then:

* **submissions**: posts synthetic district files of 988 rows (76 variables × 13 years, generated
  by code: the figures mean nothing) with 1 client, then with 8 concurrent clients; reports
  submissions/s and rows/s. Yardstick: ``greenplan.validate`` of the same file in this process
  (the part of a submission that is not HTTP or the store).
* **progress**: ``GET /progress`` on a warm server (the assessment cached for the store version),
  8 concurrent clients; latency p50/p95/p99. Yardstick: ``GET /health`` measured the same way in
  the same run (a bare round trip through uvicorn and FastAPI that touches the store once).
  Goal: p95 < 50 ms. Also the first ``/progress`` after an accepted submission (recomputed).
* **memory**: the server's peak resident set (``VmHWM`` of ``/proc/PID/status``) at the end.

Every request has a timeout, the request loops are bounded in count, and the server is killed at
the end. Usage::

    python benchmarks/bench_service.py [--submissions 40] [--requests 800] [--clients 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from _service_support import district_rows, start_server, to_csv  # noqa: E402
from greenplan.regions import districts  # noqa: E402

DISTRICTS = list(districts())  # the 10 districts and 2 counties


def run_clients(
    n_clients: int, jobs: list[Callable[[object], float]], base_url: str
) -> list[float]:
    """Run ``jobs`` (each takes an httpx.Client, returns seconds) on ``n_clients`` threads."""
    import httpx

    lock = threading.Lock()
    queue = list(reversed(jobs))
    times: list[float] = []
    errors: list[BaseException] = []

    def worker() -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    job = queue.pop()
                try:
                    t = job(client)
                except BaseException as exc:  # reported after the run
                    errors.append(exc)
                    return
                with lock:
                    times.append(t)

    threads = [threading.Thread(target=worker) for _ in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed; first: {errors[0]!r}")
    return times


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0–1) of ``values``, in milliseconds."""
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k] * 1000


def vmhwm_mib(pid: int) -> float:
    """Peak resident set of process ``pid`` in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40, help="files posted per phase")
    parser.add_argument("--requests", type=int, default=800, help="GETs per latency phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    args = parser.parse_args(argv)

    import pandas as pd

    import greenplan as gp
    from greenplan.service import intake
    from greenplan.service.store import open_store

    files = [
        to_csv(district_rows(DISTRICTS[i % 12], seed=i, scale=1 + i / 100))
        for i in range(2 * args.submissions + 2)
    ]
    n_rows = len(district_rows())
    # yardstick 1: validation of the same file, in this process
    frame = pd.DataFrame(district_rows(DISTRICTS[0]))
    gp.validate(frame, check_coverage=False)  # warm-up
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "district.csv"
        path.write_bytes(files[0])
        t0 = time.perf_counter()
        for _ in range(5):
            gp.validate(path, check_coverage=False)
        validate_s = (time.perf_counter() - t0) / 5

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        store = open_store(db)
        token = store.add_token("bench", "admin")
        intake.seed_shipped_data(store)
        store.close()
        server = start_server(db)
        try:
            auth = {"Authorization": f"Bearer {token}"}

            def submit(i: int) -> Callable[[object], float]:
                def job(client: object) -> float:
                    t = time.perf_counter()
                    r = client.post(  # type: ignore[attr-defined]
                        "/submissions", files={"file": (f"d{i}.csv", files[i])}, headers=auth
                    )
                    if r.status_code != 201:
                        raise RuntimeError(f"submission {i}: {r.status_code} {r.text[:300]}")
                    return time.perf_counter() - t

                return job

            def get(path: str) -> Callable[[object], float]:
                def job(client: object) -> float:
                    t = time.perf_counter()
                    r = client.get(path, headers=auth)  # type: ignore[attr-defined]
                    if r.status_code != 200:
                        raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
                    return time.perf_counter() - t

                return job

            n = args.submissions
            run_clients(1, [submit(2 * n + 1)], server.url)  # warm-up: the server loads its tables
            t0 = time.perf_counter()
            one = run_clients(1, [submit(i) for i in range(n)], server.url)
            seq_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            many = run_clients(args.clients, [submit(n + i) for i in range(n)], server.url)
            par_s = time.perf_counter() - t0

            # the first /progress after an accepted submission recomputes everything
            run_clients(1, [submit(2 * n)], server.url)
            cold = run_clients(1, [get("/progress")], server.url)[0]
            run_clients(1, [get("/progress"), get("/health")] * 5, server.url)  # warm-up
            solo = {
                p: run_clients(1, [get(p)] * (args.requests // 4), server.url)
                for p in ("/health", "/progress")
            }
            health = run_clients(args.clients, [get("/health")] * args.requests, server.url)
            progress = run_clients(args.clients, [get("/progress")] * args.requests, server.url)
            peak = vmhwm_mib(server.process.pid)
        finally:
            server.stop()

    p95_progress, p95_health = pct(progress, 0.95), pct(health, 0.95)
    print(f"district file: {n_rows} rows, {len(files[0]):,} bytes (synthetic)")
    print(f"yardstick greenplan.validate of that file in-process: {validate_s * 1000:.0f} ms")
    print("submissions (POST /submissions, multipart CSV, DuckDB store):")
    print(
        f"  1 client : {n / seq_s:6.2f} submissions/s  ({n * n_rows / seq_s:,.0f} rows/s), "
        f"median {statistics.median(one) * 1000:.0f} ms = "
        f"{statistics.median(one) / validate_s:.2f}x validate"
    )
    print(
        f"  {args.clients} clients: {n / par_s:6.2f} submissions/s  "
        f"({n * n_rows / par_s:,.0f} rows/s), median {statistics.median(many) * 1000:.0f} ms"
    )
    print(f"first GET /progress after an accepted submission (recompute): {cold * 1000:.0f} ms")
    print(f"warm latency, 1 client, {args.requests // 4} requests each endpoint:")
    for name, xs in (("/health  ", solo["/health"]), ("/progress", solo["/progress"])):
        print(f"  {name} p50 {pct(xs, 0.5):6.1f} ms  p95 {pct(xs, 0.95):6.1f} ms")
    print(f"warm latency, {args.clients} clients, {args.requests} requests each endpoint:")
    for name, xs in (("/health  ", health), ("/progress", progress)):
        print(
            f"  {name} p50 {pct(xs, 0.5):6.1f} ms  p95 {pct(xs, 0.95):6.1f} ms  "
            f"p99 {pct(xs, 0.99):6.1f} ms"
        )
    print(
        f"  /progress p95 = {p95_progress / p95_health:.2f}x /health p95 "
        f"(goal: p95 < 50 ms: {'met' if p95_progress < 50 else 'NOT met'})"
    )
    print(f"server peak resident set (VmHWM): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

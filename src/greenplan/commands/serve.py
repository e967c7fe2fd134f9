"""``greenplan serve``: run the HTTP service (needs ``pip install "greenplan[service]"``).

The store is ``--db`` (a DuckDB file, created on first use, or a PostgreSQL URL), else
``$GREENPLAN_DB``, else ``greenplan.duckdb`` in the working directory. The service listens on
127.0.0.1 unless ``--host`` names another interface. Exit codes: 0 after a clean shutdown,
2 usage error (DuckDB with several workers, a store that cannot be opened, the extra missing).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

import greenplan.service.app  # noqa: F401  (fastapi and python-multipart)
from greenplan.service import intake
from greenplan.service.store import DB_ENV, open_store, resolve_db

__all__ = ["is_loopback", "run"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan serve``; return the exit code."""
    try:
        import uvicorn

    except ModuleNotFoundError as exc:
        print(
            f"greenplan serve: error: {exc.name} is not installed; the service needs the "
            'extra: pip install "greenplan[service]"',
            file=sys.stderr,
        )
        return 2

    if not 0 < args.port < 65536:
        print(f"greenplan serve: error: --port {args.port}: expected 1–65535", file=sys.stderr)
        return 2
    if args.max_upload_mb <= 0:
        print("greenplan serve: error: --max-upload-mb must be positive", file=sys.stderr)
        return 2
    db = resolve_db(args.db)
    store = open_store(db)  # a StoreError becomes one line and exit code 2 (cli.main)
    try:
        if args.workers > 1 and store.dialect == "duckdb":
            print(
                "greenplan serve: error: a DuckDB store can be opened by one process only; "
                "use --workers 1, or a PostgreSQL store (--db postgresql://…) for more workers.",
                file=sys.stderr,
            )
            return 2
        if args.seed_shipped:
            seeded = intake.seed_shipped_data(store)
            for rec in seeded:
                state = "accepted" if rec.accepted else "REJECTED"
                print(
                    f"greenplan serve: seeded submission {rec.id} {rec.file_name}: {state}, "
                    f"{rec.rows_accepted} rows",
                    file=sys.stderr,
                )
        counts = store.counts()
        where = store.where
    finally:
        store.close()
    if not is_loopback(args.host):
        print(
            f"greenplan serve: note: listening on {args.host}, an outside interface; anyone "
            "who can reach it may try tokens. Put TLS in front (docs/service.md).",
            file=sys.stderr,
        )
    print(
        f"greenplan serve: store {where} ({counts['submissions']} submissions, "
        f"{counts['tokens']} tokens); http://{args.host}:{args.port}/docs",
        file=sys.stderr,
        flush=True,
    )
    os.environ[DB_ENV] = db
    os.environ["GREENPLAN_MAX_UPLOAD_BYTES"] = str(int(args.max_upload_mb * 1024 * 1024))
    uvicorn.run(
        "greenplan.service.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
    )
    return 0

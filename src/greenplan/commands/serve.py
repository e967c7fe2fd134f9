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
from greenplan.commands import fail, lang_of
from greenplan.messages import msg, text
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
    lang = lang_of(args)
    try:
        import uvicorn

    except ModuleNotFoundError as exc:
        return fail("serve", msg("commands.serve.not_installed", package=exc.name), lang=lang)

    if not 0 < args.port < 65536:
        return fail("serve", msg("commands.serve.bad_port", port=args.port), lang=lang)
    if args.max_upload_mb <= 0:
        return fail("serve", msg("commands.serve.bad_upload"), lang=lang)
    db = resolve_db(args.db)
    store = open_store(db)  # a StoreError becomes one line and exit code 2 (cli.main)
    try:
        if args.workers > 1 and store.dialect == "duckdb":
            return fail("serve", msg("commands.serve.duckdb_workers"), lang=lang)
        if args.seed_shipped:
            seeded = intake.seed_shipped_data(store)
            for rec in seeded:
                state = (
                    msg("commands.serve.accepted")
                    if rec.accepted
                    else msg("commands.serve.rejected")
                )
                line = msg(
                    "commands.serve.seeded",
                    id=rec.id,
                    file=rec.file_name,
                    state=state,
                    rows=rec.rows_accepted,
                )
                print(text("commands.says", lang, command="serve", message=line), file=sys.stderr)
        counts = store.counts()
        where = store.where
    finally:
        store.close()
    if not is_loopback(args.host):
        note = msg("commands.serve.outside", host=args.host)
        print(text("commands.note", lang, command="serve", message=note), file=sys.stderr)
    line = msg(
        "commands.serve.store",
        where=where,
        submissions=counts["submissions"],
        tokens=counts["tokens"],
        url=f"http://{args.host}:{args.port}/docs",
    )
    print(text("commands.says", lang, command="serve", message=line), file=sys.stderr, flush=True)
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

"""``greenplan token``: create, list and revoke the service's access tokens.

``greenplan token add NAME --role submitter|reader|admin [--regions …] [--variables …]`` prints
the new token alone on its last line (the store keeps only its hash: it cannot be shown again).
The store is ``--db``, else ``$GREENPLAN_DB``, else ``greenplan.duckdb``. A DuckDB store in use
by a running service is locked: stop it, or create tokens with ``POST /tokens`` (admin).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from greenplan.service.access import resolve_scope_regions, resolve_scope_variables, utcnow
from greenplan.service.store import open_store

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan token …``; return the exit code (2 for a usage or store error)."""
    store = open_store(args.db)
    try:
        if args.action == "add":
            regions = resolve_scope_regions(args.regions)
            variables = resolve_scope_variables(args.variables)
            expires = None
            if args.expires_days is not None:
                if args.expires_days <= 0:
                    print(
                        "greenplan token: error: --expires-days must be positive", file=sys.stderr
                    )
                    return 2
                expires = utcnow() + dt.timedelta(days=args.expires_days)
            secret = store.add_token(args.name, args.role, regions, variables, expires)
            scope = ""
            if args.role == "submitter":
                scope = (
                    f"; regions: {', '.join(regions) or 'any'}; "
                    f"variables: {len(variables) or 'any'}"
                )
            print(f"token {args.name!r} ({args.role}{scope}) added to {store.where}.")
            print("Keep it secret; it cannot be shown again. Token:")
            print(secret)
            return 0
        if args.action == "list":
            for t in store.tokens():
                state = "revoked" if t.revoked_at else "expired" if t.expired() else "active"
                where = ",".join(t.regions) or "*"
                nvars = str(len(t.variables)) if t.variables else "*"
                print(f"{t.name}\t{t.role}\t{state}\tregions={where}\tvariables={nvars}")
            return 0
        if not store.revoke_token(args.name):
            print(f"greenplan token: error: no active token named {args.name!r}", file=sys.stderr)
            return 2
        print(f"token {args.name!r} revoked.")
        return 0
    finally:
        store.close()

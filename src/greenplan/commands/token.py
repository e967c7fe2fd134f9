"""``greenplan token``: create, list and revoke the service's access tokens.

``greenplan token add NAME --role submitter|reader|admin [--regions …] [--variables …]`` prints
the new token alone on its last line (the store keeps only its hash: it cannot be shown again).
The store is ``--db``, else ``$GREENPLAN_DB``, else ``greenplan.duckdb``. A DuckDB store in use
by a running service is locked: stop it, or create tokens with ``POST /tokens`` (admin).
"""

from __future__ import annotations

import argparse
import datetime as dt

from greenplan.commands import fail, lang_of
from greenplan.messages import msg, text
from greenplan.service.access import resolve_scope_regions, resolve_scope_variables, utcnow
from greenplan.service.store import open_store

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Run ``greenplan token …``; return the exit code (2 for a usage or store error)."""
    lang = lang_of(args)
    store = open_store(args.db)
    try:
        if args.action == "add":
            regions = resolve_scope_regions(args.regions)
            variables = resolve_scope_variables(args.variables)
            expires = None
            if args.expires_days is not None:
                if args.expires_days <= 0:
                    return fail("token", msg("commands.token.bad_expiry"), lang=lang)
                expires = utcnow() + dt.timedelta(days=args.expires_days)
            secret = store.add_token(args.name, args.role, regions, variables, expires)
            scope: object = ""
            if args.role == "submitter":
                scope = msg(
                    "commands.token.scope",
                    regions=list(regions) or msg("commands.token.any"),
                    variables=len(variables) or msg("commands.token.any"),
                )
            added = msg(
                "commands.token.added",
                name=repr(args.name),
                role=args.role,
                scope=scope,
                where=store.where,
            )
            print(added.text(lang))
            print(text("commands.token.keep_secret", lang))
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
            return fail("token", msg("commands.token.no_such", name=repr(args.name)), lang=lang)
        print(text("commands.token.revoked", lang, name=repr(args.name)))
        return 0
    finally:
        store.close()

"""Access tokens of the service: roles, scopes, hashing.

A token is a random string shown once when it is created; the store keeps only its SHA-256
(a token has 256 bits of entropy, so a fast hash is the right one: there is nothing to
brute-force). Roles, from least to most:

* ``reader`` — reads everything (statistics, submissions, indicators, progress, report);
* ``submitter`` — reads, and submits statistics for its regions and variables only;
* ``admin`` — everything, including managing tokens; submits for any region and variable.

A submitter's scope is a list of region codes and a list of variable codes (or domain names,
e.g. ``energy``, standing for every variable of ``resources/variables/energy.csv``); an empty
list means "any". The code list has no owning department per variable yet, so a department's
variables are given by the list its token was created with.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from greenplan.errors import GreenplanError
from greenplan.messages import msg
from greenplan.options import hint
from greenplan.regions import REGIONS, resolve_region
from greenplan.variables import VARIABLES, resolve_variable

__all__ = [
    "ROLES",
    "TOKEN_PREFIX",
    "AccessError",
    "TokenInfo",
    "hash_token",
    "new_token",
    "resolve_scope_regions",
    "resolve_scope_variables",
]

ROLES = ("reader", "submitter", "admin")
"""Roles, from least to most allowed."""

TOKEN_PREFIX = "gp_"
"""Every token starts with this prefix, so a leaked one is easy to search for."""


class AccessError(GreenplanError):
    """A token cannot be created as asked (unknown role, region or variable, duplicate name)."""


def new_token() -> str:
    """Return a new random token (``gp_`` + 43 URL-safe characters, 256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a token: what the store keeps."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as the store knows it (never the token itself).

    Attributes
    ----------
    name : str
        Who holds it (a department, a district office, a system).
    role : str
        One of :data:`ROLES`.
    regions, variables : tuple of str
        The submitter's scope: region codes and variable codes; empty means any.
    created_at, expires_at, revoked_at : datetime or None
        UTC times.
    """

    name: str
    role: str
    regions: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    created_at: _dt.datetime | None = None
    expires_at: _dt.datetime | None = None
    revoked_at: _dt.datetime | None = None

    def allows(self, role: str) -> bool:
        """Whether this token's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def expired(self, now: _dt.datetime | None = None) -> bool:
        """Whether the token has expired (UTC)."""
        now = now or utcnow()
        return self.expires_at is not None and self.expires_at <= now

    def in_scope(self, region: str, variable: str) -> bool:
        """Whether this token may write ``(region, variable)``."""
        if self.role == "admin":
            return True
        return (not self.regions or region in self.regions) and (
            not self.variables or variable in self.variables
        )


def utcnow() -> _dt.datetime:
    """Now, in UTC, without tzinfo (the store keeps naive UTC times)."""
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def resolve_scope_regions(names: Iterable[str], option: str = "--regions") -> tuple[str, ...]:
    """Region codes for names or aliases (``Lixia`` → ``历下区``); unknown names raise.

    ``option`` names what the user gave in the error's message (``--regions``, ``region``).

    Raises
    ------
    AccessError
        A name that is not a region, with the closest known ones.
    """
    known = [n for code, r in REGIONS.items() for n in (code, r.name_en, *r.aliases)]
    out: list[str] = []
    for name in _split(names):
        code = resolve_region(name)
        if code is None:
            raise AccessError(
                msg(
                    "service.unknown_region",
                    option=option,
                    name=repr(name),
                    hint=hint(name, known),
                )
            )
        if code not in out:
            out.append(code)
    return tuple(out)


def resolve_scope_variables(names: Iterable[str]) -> tuple[str, ...]:
    """Variable codes for codes, names or domain names (``energy`` → every energy variable).

    Raises
    ------
    AccessError
        A name that is neither a variable nor a domain, with the closest known ones.
    """
    domains: dict[str, list[str]] = {}
    for code, var in VARIABLES.items():
        domains.setdefault(var.domain, []).append(code)
    out: list[str] = []
    for name in _split(names):
        found = resolve_variable(name)
        codes = [found] if found is not None else domains.get(name.strip().casefold(), [])
        if not codes:
            raise AccessError(
                msg(
                    "service.unknown_scope_variable",
                    name=repr(name),
                    domains=sorted(domains),
                    hint=hint(name, [*VARIABLES, *domains]),
                )
            )
        out.extend(c for c in codes if c not in out)
    return tuple(out)


def _split(names: Iterable[str] | str) -> Sequence[str]:
    if isinstance(names, str):
        names = [names]
    return [part.strip() for item in names for part in str(item).split(",") if part.strip()]

"""What the endpoints of the service share: FastAPI dependencies and request helpers.

* the application's state, set by :func:`greenplan.service.create_app`: :func:`store_of`
  (``app.state.store``) and :func:`results_of` (``app.state.results``, the
  :class:`~greenplan.service.cache.Results` cache) — plain functions of the request, not
  ``Depends``, as each FastAPI dependency costs every request some microseconds;
* the caller's token and role: :func:`authenticate`, :func:`require`, :data:`Reader`,
  :data:`Submitter`, :data:`Admin`;
* the language of the answer: :data:`Lang` (the ``lang`` query parameter), :func:`request_lang`;
* errors with a catalogue message: :func:`http_error`, :func:`too_large`;
* query values turned into codes (:func:`region_code`, :func:`variable_code`,
  :func:`indicator_code`, :func:`as_of_time`) and frames into JSON (:func:`records`,
  :func:`json_response`).
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter

from greenplan.indicators import INDICATORS
from greenplan.messages import Message, is_lang, msg, render
from greenplan.options import hint
from greenplan.service.access import AccessError, TokenInfo, resolve_scope_regions
from greenplan.service.cache import Results
from greenplan.service.models import jsonable
from greenplan.service.store import Store
from greenplan.variables import VARIABLES, resolve_variable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEFAULT_LANG",
    "TOKEN_CACHE_SECONDS",
    "Admin",
    "Lang",
    "Reader",
    "Submitter",
    "authenticate",
    "http_error",
    "lang_param",
    "request_lang",
    "require",
    "results_of",
    "store_of",
    "too_large",
]

DEFAULT_LANG = "en"
"""Language of the answers when the request gives no ``lang`` (machine clients read English)."""

TOKEN_CACHE_SECONDS = 5.0
"""How long a known token's record is reused without asking the store. A token revoked through
this process's ``DELETE /tokens`` is refused at once; one revoked through another worker
process (PostgreSQL deployments) within this many seconds."""


# --- the application's state -------------------------------------------------------------


def store_of(request: Request) -> Store:
    """Return the application's store (``app.state.store``)."""
    store: Store = request.app.state.store
    return store


def results_of(request: Request) -> Results:
    """Return the application's cache of computed results (``app.state.results``)."""
    results: Results = request.app.state.results
    return results


# --- language and errors -----------------------------------------------------------------


def lang_of_query(query: str | bytes | None) -> str:
    """Return the ``lang`` of a query string when it is ``zh`` or ``en``, else English."""
    from urllib.parse import parse_qs

    if isinstance(query, bytes):
        query = query.decode("latin-1")
    value = parse_qs(query or "").get("lang", [DEFAULT_LANG])[-1]
    return value if is_lang(value) else DEFAULT_LANG


def request_lang(request: Request) -> str:
    """Language of the error details of ``request``: its ``lang`` when valid, else English."""
    return lang_of_query(request.url.query)


def http_error(
    status: int, message: Message, lang: str, headers: dict[str, str] | None = None
) -> HTTPException:
    """Return an HTTP error whose detail is the catalogue ``message`` in ``lang``."""
    return HTTPException(status, render(message, lang), headers=headers)


def too_large(limit: int, size: int | None, lang: str = "en") -> str:
    """Return the message of a 413 answer in ``lang``."""
    got = msg("service.size", n=size) if size is not None else msg("service.size_over", limit=limit)
    return render(msg("service.too_large", got=got, limit=limit, mib=limit / 1048576), lang)


def lang_param(
    lang: Annotated[
        str,
        Query(
            description="Language of the texts for people (findings, fixes, notes, the report, "
            "error details): `en` (default) or `zh` (中文)."
        ),
    ] = DEFAULT_LANG,
) -> str:
    """Return the validated ``lang`` query parameter (422 for anything but zh and en)."""
    if not is_lang(lang):
        raise http_error(422, msg("service.bad_lang", value=repr(lang)), DEFAULT_LANG)
    return lang


Lang = Annotated[str, Depends(lang_param)]


# --- tokens and roles --------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="A token from `greenplan token add`.")


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenInfo:
    """Return the caller's token; 401 when it is missing, unknown, revoked or expired."""
    store = store_of(request)
    challenge = {"WWW-Authenticate": "Bearer"}
    lang = request_lang(request)
    if credentials is None or not credentials.credentials.strip():
        raise http_error(401, msg("service.missing_token"), lang, challenge)
    info = _cached_token(request.app, store, credentials.credentials)
    if info is None:
        raise http_error(401, msg("service.unknown_token"), lang, challenge)
    if info.revoked_at is not None:
        when = f"{info.revoked_at:%Y-%m-%d %H:%M}"
        raise http_error(
            401, msg("service.token_revoked", name=repr(info.name), when=when), lang, challenge
        )
    if info.expires_at is not None and info.expired():
        when = f"{info.expires_at:%Y-%m-%d %H:%M}"
        raise http_error(
            401, msg("service.token_expired", name=repr(info.name), when=when), lang, challenge
        )
    return info


def _cached_token(app: Any, store: Store, secret: str) -> TokenInfo | None:
    cache: dict[str, tuple[float, TokenInfo]] = app.state.token_cache
    now = _time.monotonic()
    hit = cache.get(secret)
    if hit is not None and now - hit[0] < TOKEN_CACHE_SECONDS:
        return hit[1]
    info = store.token_info(secret)
    if info is not None:  # unknown tokens are not cached: nothing to gain for a guesser
        if len(cache) > 10_000:
            cache.clear()
        cache[secret] = (now, info)
    return info


def forget_tokens(request: Request) -> None:
    """Empty the application's token cache (after a token is revoked)."""
    request.app.state.token_cache.clear()


_ALLOWED = {
    "reader": msg("service.roles.reader"),
    "submitter": msg("service.roles.submitter"),
    "admin": msg("service.roles.admin"),
}


def require(needed: str) -> Callable[..., TokenInfo]:
    """Return a dependency that admits tokens of role ``needed`` or above (403 otherwise)."""

    def check(request: Request, info: Annotated[TokenInfo, Depends(authenticate)]) -> TokenInfo:
        if not info.allows(needed):
            refused = msg(
                "service.role_too_low",
                name=repr(info.name),
                role=info.role,
                allowed=_ALLOWED[needed],
            )
            raise http_error(403, refused, request_lang(request))
        return info

    return check


Reader = Annotated[TokenInfo, Depends(require("reader"))]
Submitter = Annotated[TokenInfo, Depends(require("submitter"))]
Admin = Annotated[TokenInfo, Depends(require("admin"))]


# --- query values in, JSON out -----------------------------------------------------------


def as_of_time(text: str | None, lang: str = DEFAULT_LANG) -> datetime | None:
    """Parse ``as_of``: an ISO date (the end of that day, UTC) or date-time (UTC if naive)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise http_error(422, msg("service.bad_as_of", value=repr(text)), lang) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def region_code(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """Return the region code of a code or alias (422 when unknown); None for None."""
    if name is None:
        return None
    try:
        found = resolve_scope_regions([name], option="region")
    except AccessError as exc:
        raise HTTPException(422, exc.text(lang)) from None
    if not found:  # a name of commas and spaces only
        unknown = msg("service.unknown_region", option="region", name=repr(name), hint="")
        raise http_error(422, unknown, lang)
    return found[0]


def variable_code(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """Return the variable code of a code or name (422 when unknown); None for None."""
    if name is None:
        return None
    code = resolve_variable(name)
    if code is None:
        unknown = msg("service.unknown_variable", name=repr(name), hint=hint(name, VARIABLES))
        raise http_error(422, unknown, lang)
    return code


def indicator_code(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """Return ``name`` when it is an indicator code (422 otherwise); None for None."""
    if name is None:
        return None
    if name not in INDICATORS:
        unknown = msg("service.unknown_indicator", name=repr(name), hint=hint(name, INDICATORS))
        raise http_error(422, unknown, lang)
    return name


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as JSON-ready dicts."""
    cols = list(frame.columns)
    return [
        {c: jsonable(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def json_response(adapter: TypeAdapter[Any], data: Any) -> Response:
    """Return ``data`` serialized by ``adapter`` as an ``application/json`` response."""
    return Response(adapter.dump_json(data), media_type="application/json")

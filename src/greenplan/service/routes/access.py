"""``/tokens``: list, create and revoke access tokens (admin only)."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from greenplan.messages import msg
from greenplan.service.access import (
    AccessError,
    TokenInfo,
    resolve_scope_regions,
    resolve_scope_variables,
)
from greenplan.service.deps import Admin, Lang, forget_tokens, http_error, store_of
from greenplan.service.models import TokenCreated, TokenIn, TokenOut

__all__ = ["router"]

router = APIRouter(tags=["access"])


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(request: Request, token: Admin) -> list[TokenOut]:
    """Every token (names, roles, scopes; never the tokens themselves)."""
    return [token_out(t) for t in store_of(request).tokens()]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def add_token(request: Request, body: TokenIn, token: Admin, lang: Lang) -> TokenCreated:
    """Create a token; the answer shows it this once."""
    store = store_of(request)
    try:
        regions = resolve_scope_regions(body.regions)
        variables = resolve_scope_variables(body.variables)
        expires = body.expires_at
        if expires is not None and expires.tzinfo is not None:
            expires = expires.astimezone(UTC).replace(tzinfo=None)
        secret = store.add_token(body.name, body.role, regions, variables, expires)
    except AccessError as exc:
        raise HTTPException(422, exc.text(lang)) from None
    info = store.token_info(secret)
    assert info is not None
    return TokenCreated(token=secret, **token_out(info).model_dump())


@router.delete("/tokens/{name}", status_code=204)
def revoke_token(request: Request, name: str, token: Admin, lang: Lang) -> Response:
    """Revoke a token: it is refused from now on."""
    if not store_of(request).revoke_token(name):
        raise http_error(404, msg("service.no_token", name=repr(name)), lang)
    forget_tokens(request)
    return Response(status_code=204)


def token_out(info: TokenInfo) -> TokenOut:
    """Return what the API shows of a token (never the token itself)."""
    return TokenOut(
        name=info.name,
        role=info.role,
        regions=list(info.regions),
        variables=list(info.variables),
        created_at=info.created_at,
        expires_at=info.expires_at,
        revoked_at=info.revoked_at,
    )

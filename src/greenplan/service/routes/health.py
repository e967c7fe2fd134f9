"""``GET /health``: liveness, without a token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from greenplan import __version__
from greenplan.service.deps import store_of
from greenplan.service.models import HealthOut

__all__ = ["router"]

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthOut)
def health(request: Request) -> HealthOut:
    """Liveness: the service answers and its store is open (no token needed)."""
    store = store_of(request)
    return HealthOut(
        status="ok",
        version=__version__,
        store=store.dialect,
        schema_version=request.app.state.schema_version,
        store_version=store.version(),
    )

"""The FastAPI application of the greenplan service (see docs/service.md).

:func:`create_app` builds it on a store from the routers of :mod:`greenplan.service.routes`;
``greenplan serve`` runs it with uvicorn. Every response is JSON (the report also as HTML or
Markdown), described by the pydantic models of :mod:`greenplan.service.models` in the OpenAPI
document at ``/openapi.json``.

Computed results (indicators, progress, the report) are cached per store version: the first
request after an accepted submission recomputes them from the current statistics.

Texts for people (findings, notes, the report, error details) come from the message catalogue
(``resources/messages/service.csv`` for the service's own) in the language of the ``lang``
query parameter: ``en`` (the default, for machine clients) or ``zh``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from greenplan import __version__
from greenplan.messages import msg, render
from greenplan.report import load_schema
from greenplan.service.cache import Results
from greenplan.service.deps import DEFAULT_LANG, lang_of_query, request_lang, too_large
from greenplan.service.models import RowsSubmission
from greenplan.service.routes import access, codelists, health, results, statistics, submissions
from greenplan.service.store import Store, open_store

__all__ = [
    "DEFAULT_LANG",
    "DEFAULT_MAX_UPLOAD",
    "MAX_UPLOAD_ENV",
    "UploadLimit",
    "create_app",
    "create_app_from_env",
]

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
"""Largest request body accepted, in bytes (20 MiB; ``--max-upload-mb`` changes it)."""

MAX_UPLOAD_ENV = "GREENPLAN_MAX_UPLOAD_BYTES"
"""Environment variable read by :func:`create_app_from_env` for the upload limit."""

_DRAIN_CAP = 64 * 1024 * 1024
"""Past the limit, up to this many more bytes are read and discarded so that the client gets
the 413 answer cleanly; a larger body is cut off (the connection closes)."""

_log = logging.getLogger("greenplan.service")

Scope = MutableMapping[str, Any]
AsgiMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[AsgiMessage]]
Send = Callable[[AsgiMessage], Awaitable[None]]


class UploadLimit:
    """ASGI middleware: a request body over ``limit`` bytes gets 413 with a clear message.

    The limit is checked on ``Content-Length`` before anything is read, and on the bytes
    actually received (chunked uploads).
    """

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int) -> None:
        self.app = app
        self.limit = int(limit)

    async def _reject(self, send: Send, size: int | None, lang: str) -> None:
        body = json.dumps({"detail": too_large(self.limit, size, lang)}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _drain(receive: Receive, budget: int) -> None:
        while budget > 0:
            message = await receive()
            if message["type"] != "http.request":
                return
            budget -= len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413."""
        if scope["type"] != "http" or scope.get("method") not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        lang = lang_of_query(scope.get("query_string"))
        length: int | None = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
        if length is not None and length > self.limit:
            if length <= self.limit + _DRAIN_CAP:
                await self._drain(receive, length)
            await self._reject(send, length, lang)
            return
        received = 0
        over = False

        async def limited() -> AsgiMessage:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    if message.get("more_body", False):
                        await self._drain(receive, _DRAIN_CAP)
                    raise HTTPException(413, too_large(self.limit, received, lang))
            return message

        await self.app(scope, limited, send)


def create_app(
    store: Store | str | None = None,
    *,
    max_upload: int = DEFAULT_MAX_UPLOAD,
) -> FastAPI:
    """Build the service's FastAPI application.

    Parameters
    ----------
    store : Store or str, optional
        An open store, or where to open one (a DuckDB path or PostgreSQL URL); default
        ``$GREENPLAN_DB`` or ``greenplan.duckdb``.
    max_upload : int
        Largest request body, in bytes (413 past it).

    Returns
    -------
    fastapi.FastAPI
        ``app.state.store`` is the store; it is closed when the application shuts down.
        The endpoints (:mod:`greenplan.service.routes`) reach it, and the rest of the
        application's state (``results``, ``token_cache``, ``max_upload``,
        ``schema_version``), through ``request.app.state`` (:mod:`greenplan.service.deps`).
    """
    the_store = store if isinstance(store, Store) else open_store(store)
    app = FastAPI(
        title="greenplan",
        version=__version__,
        summary="济南市“十四五”绿色低碳循环发展规划: statistics submissions, indicators, progress.",
        description=(
            "Departments and districts submit statistics; every submission is validated, kept "
            "with its findings, and, when accepted, becomes the current figures. Indicators, "
            "progress and the report are computed from the current figures. Authenticate with "
            "`Authorization: Bearer TOKEN` (tokens: `greenplan token add`). See docs/service.md."
        ),
        lifespan=_lifespan,
    )
    app.state.store = the_store
    app.state.results = Results(the_store)
    app.state.token_cache = {}
    app.state.max_upload = max_upload
    app.state.schema_version = the_store.schema_version()
    app.add_middleware(UploadLimit, limit=max_upload)
    for module in (health, submissions, statistics, results, codelists, access):
        app.include_router(module.router)  # in this order: the order of the OpenAPI paths
    app.add_exception_handler(Exception, _internal_error)
    app.openapi = partial(openapi_document, app)  # type: ignore[method-assign]
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the store when the application shuts down."""
    yield
    app.state.store.close()


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """Answer 500 with a short message in the request's language; log the traceback."""
    _log.exception("internal error on %s %s", request.method, request.url.path)
    failed = msg("service.internal_error", kind=type(exc).__name__)
    return JSONResponse({"detail": render(failed, request_lang(request))}, status_code=500)


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """Return the OpenAPI document of ``app``, built once.

    FastAPI's own, plus the schemas it cannot infer: ``RowsSubmission`` (the JSON body of
    ``POST /submissions``, which the endpoint reads itself) and the report's JSON Schema.
    """
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        rows = RowsSubmission.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(rows.pop("$defs", {}))
        schemas["RowsSubmission"] = rows
        schemas.update(_report_schemas())
        app.openapi_schema = doc
    return app.openapi_schema


def _report_schemas() -> dict[str, Any]:
    """Return the report's JSON Schema (``greenplan schema``) as OpenAPI components."""
    schema = load_schema()
    defs = schema.pop("$defs", {})
    for k in ("$schema", "$id"):
        schema.pop(k, None)
    text = json.dumps({"Report": schema, **{f"Report_{k}": v for k, v in defs.items()}})
    text = text.replace('"#/$defs/', '"#/components/schemas/Report_')
    return dict(json.loads(text))


def create_app_from_env() -> FastAPI:
    """Build the application for ``uvicorn --factory``.

    The store comes from ``$GREENPLAN_DB``, the upload limit from
    ``$GREENPLAN_MAX_UPLOAD_BYTES``.
    """
    limit = int(os.environ.get(MAX_UPLOAD_ENV) or DEFAULT_MAX_UPLOAD)
    return create_app(None, max_upload=limit)

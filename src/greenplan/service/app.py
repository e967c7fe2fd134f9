"""The FastAPI application of the greenplan service (see docs/service.md).

:func:`create_app` builds it on a store; ``greenplan serve`` runs it with uvicorn. Every
response is JSON (the report also as HTML or Markdown), described by the pydantic models of
:mod:`greenplan.service.models` in the OpenAPI document at ``/openapi.json``.

Computed results (indicators, progress, the report) are cached per store version: the first
request after an accepted submission recomputes them from the current statistics.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter, ValidationError

from greenplan import __version__
from greenplan.definitions import Target, Variable
from greenplan.engine import compute
from greenplan.indicators import INDICATORS
from greenplan.options import did_you_mean
from greenplan.progress import assess
from greenplan.report import build_report, load_schema
from greenplan.service import intake
from greenplan.service.access import AccessError, TokenInfo, resolve_scope_regions
from greenplan.service.access import resolve_scope_variables as _scope_variables
from greenplan.service.models import (
    HealthOut,
    IndicatorValue,
    ProgressRow,
    RowsSubmission,
    StatisticsOut,
    SubmissionList,
    SubmissionOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    jsonable,
)
from greenplan.service.store import (
    OBSERVATION_COLUMNS,
    Store,
    SubmissionRecord,
    open_store,
)
from greenplan.targets import TARGETS
from greenplan.variables import VARIABLES, resolve_variable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
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
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def too_large(limit: int, size: int | None) -> str:
    """Return the message of a 413 answer."""
    got = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return (
        f"The request body is too large ({got}); this service accepts at most {limit} bytes "
        f"({limit / 1048576:.1f} MiB). Split the file by region or year, or ask the "
        "administrators to raise --max-upload-mb."
    )


class UploadLimit:
    """ASGI middleware: a request body over ``limit`` bytes gets 413 with a clear message.

    The limit is checked on ``Content-Length`` before anything is read, and on the bytes
    actually received (chunked uploads).
    """

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int) -> None:
        self.app = app
        self.limit = int(limit)

    async def _reject(self, send: Send, size: int | None) -> None:
        body = json.dumps({"detail": too_large(self.limit, size)}).encode()
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
            await self._reject(send, length)
            return
        received = 0
        over = False

        async def limited() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    if message.get("more_body", False):
                        await self._drain(receive, _DRAIN_CAP)
                    raise HTTPException(413, too_large(self.limit, received))
            return message

        await self.app(scope, limited, send)


def _as_of(text: str | None) -> datetime | None:
    """Parse ``as_of``: an ISO date (the end of that day, UTC) or date-time (UTC if naive)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(
            422,
            f"as_of={text!r}: expected an ISO date (2024-03-31, the end of that day, UTC) or "
            "date-time (2024-03-31T12:00:00+08:00).",
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _region(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return resolve_scope_regions([name])[0]
    except (AccessError, IndexError) as exc:
        raise HTTPException(422, str(exc).replace("--regions: ", "region: ")) from None


def _variable(name: str | None) -> str | None:
    if name is None:
        return None

    code = resolve_variable(name)
    if code is None:
        raise HTTPException(
            422, f"variable {name!r} is not in the code list.{did_you_mean(name, VARIABLES)}"
        )
    return code


def _indicator(name: str | None) -> str | None:
    if name is None:
        return None

    if name not in INDICATORS:
        raise HTTPException(
            422, f"indicator {name!r} is not known.{did_you_mean(name, INDICATORS)}"
        )
    return name


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = list(frame.columns)
    return [
        {c: jsonable(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


class _Results:
    """Indicators, assessments and reports from the current statistics.

    Cached per store version (the count of accepted submissions).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()  # make() calls get() for what it builds on
        self._version = -1
        self._cache: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        version = self.store.version()
        with self._lock:  # one computation at a time: concurrent readers wait for its result
            if version != self._version:
                self._cache.clear()
                self._version = version
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def stats(self) -> pd.DataFrame:
        return self.get(("stats",), lambda: self.store.statistics())

    def values(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:

            stats = self.stats()
            return compute(stats.loc[:, list(OBSERVATION_COLUMNS)])

        return self.get(("values",), make)

    def assessment(self, year: int | None, method: str) -> pd.DataFrame:
        def make() -> pd.DataFrame:

            return assess(self.values(), year=year, method=method)

        return self.get(("assess", year, method), make)


_bearer = HTTPBearer(auto_error=False, description="A token from `greenplan token add`.")


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenInfo:
    """Return the caller's token; 401 when it is missing, unknown, revoked or expired."""
    store: Store = request.app.state.store
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or not credentials.credentials.strip():
        raise HTTPException(
            401,
            "Missing token: send the header 'Authorization: Bearer TOKEN' (an administrator "
            "creates tokens with `greenplan token add NAME --role ROLE`).",
            headers=challenge,
        )
    info = _cached_token(request.app, store, credentials.credentials)
    if info is None:
        raise HTTPException(
            401, "Unknown token: check that it was copied whole.", headers=challenge
        )
    if info.revoked_at is not None:
        raise HTTPException(
            401,
            f"The token {info.name!r} was revoked on {info.revoked_at:%Y-%m-%d %H:%M} UTC.",
            headers=challenge,
        )
    if info.expires_at is not None and info.expired():
        raise HTTPException(
            401,
            f"The token {info.name!r} expired on {info.expires_at:%Y-%m-%d %H:%M} UTC; ask "
            "an administrator for a new one.",
            headers=challenge,
        )
    return info


TOKEN_CACHE_SECONDS = 5.0
"""How long a known token's record is reused without asking the store. A token revoked through
this process's ``DELETE /tokens`` is refused at once; one revoked through another worker
process (PostgreSQL deployments) within this many seconds."""


def _cached_token(app: Any, store: Store, secret: str) -> TokenInfo | None:
    import time as _time

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


_ALLOWED = {
    "reader": "reader, submitter or admin",
    "submitter": "submitter or admin",
    "admin": "admin",
}


def require(needed: str) -> Callable[..., TokenInfo]:
    """Return a dependency that admits tokens of role ``needed`` or above (403 otherwise)."""

    def check(info: Annotated[TokenInfo, Depends(authenticate)]) -> TokenInfo:
        if not info.allows(needed):
            raise HTTPException(
                403,
                f"The token {info.name!r} has the role {info.role}; this request needs the "
                f"role {_ALLOWED[needed]}.",
            )
        return info

    return check


Reader = Annotated[TokenInfo, Depends(require("reader"))]
Submitter = Annotated[TokenInfo, Depends(require("submitter"))]
Admin = Annotated[TokenInfo, Depends(require("admin"))]


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
    """
    the_store = store if isinstance(store, Store) else open_store(store)
    results = _Results(the_store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        the_store.close()

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
        lifespan=lifespan,
    )
    app.state.store = the_store
    app.state.token_cache = {}
    schema_version = the_store.schema_version()
    app.add_middleware(UploadLimit, limit=max_upload)

    def json_bytes(adapter: TypeAdapter[Any], data: Any) -> Response:
        return Response(adapter.dump_json(data), media_type="application/json")

    # --- endpoints -----------------------------------------------------------------------

    @app.get("/health", response_model=HealthOut, tags=["service"])
    def health() -> HealthOut:
        """Liveness: the service answers and its store is open (no token needed)."""
        return HealthOut(
            status="ok",
            version=__version__,
            store=the_store.dialect,
            schema_version=schema_version,
            store_version=the_store.version(),
        )

    submission_body = {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "CSV (UTF-8 or GBK), XLSX or Parquet",
                            },
                            "department": {"type": "string"},
                        },
                    }
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/RowsSubmission"}},
            },
        }
    }

    submission_adapter = TypeAdapter(SubmissionOut)

    @app.post(
        "/submissions",
        response_model=SubmissionOut,
        status_code=201,
        tags=["submissions"],
        openapi_extra=submission_body,
        responses={
            422: {"model": SubmissionOut, "description": "Rejected: the findings say why."},
            413: {"description": "The body is over the upload limit."},
            415: {"description": "Neither multipart/form-data nor application/json."},
        },
    )
    async def submit(request: Request, token: Submitter) -> Response:
        """Submit statistics: a file (multipart field ``file``) or JSON rows.

        The submission is validated and checked against the token's scope; accepted (201)
        when no finding is an error, its rows becoming the current figures, else rejected
        (422) with every finding. Either way it is recorded.
        """
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            body = await request.body()
            try:
                payload = RowsSubmission.model_validate_json(body)
            except ValidationError as exc:
                raise HTTPException(422, _pydantic_detail(exc)) from None
            record = await run_in_threadpool(_submit_rows, payload, token)
        elif kind == "multipart/form-data":
            form = await request.form(max_part_size=max_upload)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise HTTPException(
                    422,
                    "multipart/form-data: the file goes in a field named 'file' "
                    "(curl -F file=@districts_2023.csv).",
                )
            department = form.get("department")
            record = await run_in_threadpool(
                _submit_file,
                upload.file,
                upload.filename or "upload.csv",
                department if isinstance(department, str) else None,
                token,
            )
            await form.close()
        else:
            raise HTTPException(
                415,
                f"Content-Type {kind or '(none)'}: send multipart/form-data with a field 'file', "
                "or application/json with {'rows': [...]}.",
            )
        out = _submission_out(record, with_report=True)
        return Response(
            submission_adapter.dump_json(out),
            status_code=201 if record.accepted else 422,
            media_type="application/json",
        )

    def _record(
        outcome: intake.Outcome,
        token: TokenInfo,
        department: str | None,
        name: str,
        sha: str,
        size: int,
        kind: str,
    ) -> SubmissionRecord:
        return intake.record(the_store, outcome, token, department, name, sha, size, kind)

    def _submit_file(
        stream: Any, filename: str, department: str | None, token: TokenInfo
    ) -> SubmissionRecord:
        name = intake.safe_name(filename)
        with intake.scratch_folder() as folder:
            from pathlib import Path

            try:
                path, sha, size = intake.save_upload(stream, Path(folder), name, max_upload)
            except OverflowError:
                raise HTTPException(413, too_large(max_upload, None)) from None
            outcome = intake.check_file(path, name, token)
        return _record(outcome, token, department, name, sha, size, "file")

    def _submit_rows(payload: RowsSubmission, token: TokenInfo) -> SubmissionRecord:
        import hashlib
        import json

        rows = [r.model_dump() for r in payload.rows]
        raw = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
        name = intake.safe_name(payload.file_name)
        outcome = intake.check_rows(rows, name, token)
        sha = hashlib.sha256(raw).hexdigest()
        return _record(outcome, token, payload.department, name, sha, len(raw), "rows")

    @app.get("/submissions", response_model=SubmissionList, tags=["submissions"])
    def list_submissions(
        token: Reader,
        region: Annotated[
            str | None, Query(description="Only submissions with rows for it")
        ] = None,
        accepted: bool | None = None,
        submitted_by: Annotated[str | None, Query(description="Token name")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> SubmissionList:
        """Submissions, newest first, without their reports."""
        items = the_store.submissions(
            region=_region(region),
            accepted=accepted,
            submitted_by=submitted_by,
            limit=limit,
            offset=offset,
        )
        return SubmissionList(items=[_submission_out(r) for r in items], limit=limit, offset=offset)

    @app.get(
        "/submissions/{submission_id}",
        response_model=SubmissionOut,
        tags=["submissions"],
        responses={404: {"description": "No such submission."}},
    )
    def get_submission(submission_id: int, token: Reader) -> SubmissionOut:
        """One submission with its validation report."""
        record = the_store.submission(submission_id)
        if record is None:
            raise HTTPException(404, f"There is no submission {submission_id}.")
        return _submission_out(record, with_report=True)

    stats_adapter = TypeAdapter(StatisticsOut)

    @app.get("/statistics", response_model=StatisticsOut, tags=["statistics"])
    def statistics(
        token: Reader,
        region: Annotated[str | None, Query(description="Code or alias: 历下区, Lixia")] = None,
        year: int | None = None,
        variable: Annotated[str | None, Query(description="Code or name")] = None,
        as_of: Annotated[
            str | None,
            Query(
                description="ISO date (end of that day, UTC) or date-time: the figures as "
                "they stood then"
            ),
        ] = None,
        history: Annotated[
            bool, Query(description="Every accepted value ever submitted, oldest first")
        ] = False,
    ) -> Response:
        """Return the current statistics, those as of a time, or the full history.

        Current: the latest accepted value per region, year and variable. History: every
        accepted value, with who sent it and when.
        """
        moment = _as_of(as_of)
        if history and moment is not None:
            raise HTTPException(422, "Give either history=true or as_of, not both.")
        filters: dict[str, Any] = {
            "region": _region(region),
            "year": year,
            "variable": _variable(variable),
        }
        version = the_store.version()
        if history:
            frame = the_store.history(**filters)
        elif moment is None and not any(v is not None for v in filters.values()):
            frame = results.stats()
        else:
            frame = the_store.statistics(as_of=moment, **filters)
        out = {
            "as_of": moment,
            "history": history,
            "store_version": version,
            "items": _records(frame),
        }
        return json_bytes(stats_adapter, stats_adapter.validate_python(out))

    indicators_adapter = TypeAdapter(list[IndicatorValue])

    @app.get("/indicators", response_model=list[IndicatorValue], tags=["results"])
    def indicators(
        token: Reader,
        region: str | None = None,
        year: int | None = None,
        indicator: str | None = None,
    ) -> Response:
        """Return the indicators computed from the current statistics (`greenplan.compute`)."""
        key = ("indicators", _region(region), year, _indicator(indicator))

        def make() -> bytes:
            frame = results.values()
            if key[1] is not None:
                frame = frame[frame["region"] == key[1]]
            if year is not None:
                frame = frame[frame["year"] == year]
            if key[3] is not None:
                frame = frame[frame["indicator"] == key[3]]
            cols = ["region", "year", "indicator", "value", "unit", "origin", "method"]
            return indicators_adapter.dump_json(
                indicators_adapter.validate_python(_records(frame.loc[:, cols]))
            )

        return Response(results.get(key, make), media_type="application/json")

    progress_adapter = TypeAdapter(list[ProgressRow])

    @app.get("/progress", response_model=list[ProgressRow], tags=["results"])
    def progress(
        token: Reader,
        year: Annotated[int | None, Query(ge=2021, le=2100, description="As of this year")] = None,
        region: str | None = None,
        method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
    ) -> Response:
        """Assess every target (`greenplan.assess`) on the current figures."""
        key = ("progress", year, _region(region), method)

        def make() -> bytes:
            frame = results.assessment(year, method)
            if key[2] is not None:
                frame = frame[frame["region"] == key[2]]
            return progress_adapter.dump_json(progress_adapter.validate_python(_records(frame)))

        return Response(results.get(key, make), media_type="application/json")

    @app.get(
        "/report",
        tags=["results"],
        responses={
            200: {
                "description": "The progress report",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
                    "text/html": {"schema": {"type": "string"}},
                    "text/markdown": {"schema": {"type": "string"}},
                },
            }
        },
    )
    def report(
        token: Reader,
        format: Annotated[str, Query(pattern="^(json|html|markdown)$")] = "json",
        lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
        year: Annotated[int | None, Query(ge=2021, le=2100)] = None,
        region: str | None = None,
        method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
    ) -> Response:
        """Return the progress report on the current figures, as JSON, HTML or Markdown."""
        key = ("report", format, lang, year, _region(region), method)

        def make() -> str:

            assessment = results.assessment(year, method)
            if key[4] is not None and key[4] not in set(assessment["region"].astype(str)):
                raise HTTPException(404, f"The current figures have no data for {key[4]}.")
            built = build_report(
                assessment,
                region=key[4],
                stats=results.stats().loc[:, list(OBSERVATION_COLUMNS)],
                sources=[
                    f"greenplan service store ({the_store.dialect}), version {the_store.version()}"
                ],
                shipped=False,
            )
            return built.render(format, lang)

        text = results.get(key, make)
        media = {"json": "application/json", "html": "text/html", "markdown": "text/markdown"}[
            format
        ]
        return Response(text, media_type=f"{media}; charset=utf-8")

    @app.get("/targets", response_model=list[Target], tags=["code lists"])
    def targets(token: Reader) -> list[Target]:
        """List the plan's targets (the library's `greenplan.definitions.Target`)."""
        return list(TARGETS.values())

    @app.get("/variables", response_model=list[Variable], tags=["code lists"])
    def variables(token: Reader) -> list[Variable]:
        """List the variables a submission may carry (the code list)."""
        return list(VARIABLES.values())

    # --- tokens (admin) ------------------------------------------------------------------

    @app.get("/tokens", response_model=list[TokenOut], tags=["access"])
    def list_tokens(token: Admin) -> list[TokenOut]:
        """Every token (names, roles, scopes; never the tokens themselves)."""
        return [_token_out(t) for t in the_store.tokens()]

    @app.post("/tokens", response_model=TokenCreated, status_code=201, tags=["access"])
    def add_token(body: TokenIn, token: Admin) -> TokenCreated:
        """Create a token; the answer shows it this once."""
        try:
            regions = resolve_scope_regions(body.regions)
            variables = _scope_variables(body.variables)
            expires = body.expires_at
            if expires is not None and expires.tzinfo is not None:
                expires = expires.astimezone(UTC).replace(tzinfo=None)
            secret = the_store.add_token(body.name, body.role, regions, variables, expires)
        except AccessError as exc:
            raise HTTPException(422, str(exc)) from None
        info = the_store.token_info(secret)
        assert info is not None
        return TokenCreated(token=secret, **_token_out(info).model_dump())

    @app.delete("/tokens/{name}", status_code=204, tags=["access"])
    def revoke_token(name: str, token: Admin) -> Response:
        """Revoke a token: it is refused from now on."""
        if not the_store.revoke_token(name):
            raise HTTPException(404, f"There is no active token named {name!r}.")
        app.state.token_cache.clear()
        return Response(status_code=204)

    # --- errors and OpenAPI --------------------------------------------------------------

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": f"Internal error ({type(exc).__name__}); the service log has details."},
            status_code=500,
        )

    def openapi() -> dict[str, Any]:
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

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _report_schemas() -> dict[str, Any]:
    """Return the report's JSON Schema (``greenplan schema``) as OpenAPI components."""
    import json

    schema = load_schema()
    defs = schema.pop("$defs", {})
    for k in ("$schema", "$id"):
        schema.pop(k, None)
    text = json.dumps({"Report": schema, **{f"Report_{k}": v for k, v in defs.items()}})
    text = text.replace('"#/$defs/', '"#/components/schemas/Report_')
    return dict(json.loads(text))


def _pydantic_detail(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    more = f" (and {exc.error_count() - 10} more)" if exc.error_count() > 10 else ""
    return "The JSON body is not a submission: " + "; ".join(parts) + more


def _submission_out(record: SubmissionRecord, with_report: bool = False) -> SubmissionOut:
    return SubmissionOut(
        id=record.id,
        received_at=record.received_at,
        department=record.department,
        submitted_by=record.submitted_by,
        regions=list(record.regions),
        file_name=record.file_name,
        file_sha256=record.file_sha256,
        file_size=record.file_size,
        kind=record.kind,  # type: ignore[arg-type]
        accepted=record.accepted,
        rows_read=record.rows_read,
        rows_accepted=record.rows_accepted,
        errors=record.errors,
        warnings=record.warnings,
        report=record.report if with_report else None,  # type: ignore[arg-type]
    )


def _token_out(info: TokenInfo) -> TokenOut:
    return TokenOut(
        name=info.name,
        role=info.role,
        regions=list(info.regions),
        variables=list(info.variables),
        created_at=info.created_at,
        expires_at=info.expires_at,
        revoked_at=info.revoked_at,
    )


def create_app_from_env() -> FastAPI:
    """Build the application for ``uvicorn --factory``.

    The store comes from ``$GREENPLAN_DB``, the upload limit from
    ``$GREENPLAN_MAX_UPLOAD_BYTES``.
    """
    limit = int(os.environ.get(MAX_UPLOAD_ENV) or DEFAULT_MAX_UPLOAD)
    return create_app(None, max_upload=limit)

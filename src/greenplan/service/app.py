"""The FastAPI application of the greenplan service (see docs/service.md).

:func:`create_app` builds it on a store; ``greenplan serve`` runs it with uvicorn. Every
response is JSON (the report also as HTML or Markdown), described by the pydantic models of
:mod:`greenplan.service.models` in the OpenAPI document at ``/openapi.json``.

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
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import fields
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
from greenplan.messages import Message, is_lang, msg, render
from greenplan.options import hint
from greenplan.progress import assess
from greenplan.progress.notes import note_zh
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

DEFAULT_LANG = "en"
"""Language of the answers when the request gives no ``lang`` (machine clients read English)."""

_log = logging.getLogger("greenplan.service")

Scope = MutableMapping[str, Any]
AsgiMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[AsgiMessage]]
Send = Callable[[AsgiMessage], Awaitable[None]]


def too_large(limit: int, size: int | None, lang: str = "en") -> str:
    """Return the message of a 413 answer in ``lang``."""
    got = msg("service.size", n=size) if size is not None else msg("service.size_over", limit=limit)
    return render(msg("service.too_large", got=got, limit=limit, mib=limit / 1048576), lang)


def _lang_of_query(query: str | bytes | None) -> str:
    """Return the ``lang`` of a query string when it is ``zh`` or ``en``, else English."""
    from urllib.parse import parse_qs

    if isinstance(query, bytes):
        query = query.decode("latin-1")
    value = parse_qs(query or "").get("lang", [DEFAULT_LANG])[-1]
    return value if is_lang(value) else DEFAULT_LANG


def request_lang(request: Request) -> str:
    """Language of the error details of ``request``: its ``lang`` when valid, else English."""
    return _lang_of_query(request.url.query)


def http_error(
    status: int, message: Message, lang: str, headers: dict[str, str] | None = None
) -> HTTPException:
    """Return an HTTP error whose detail is the catalogue ``message`` in ``lang``."""
    return HTTPException(status, render(message, lang), headers=headers)


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
        lang = _lang_of_query(scope.get("query_string"))
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


def _as_of(text: str | None, lang: str = DEFAULT_LANG) -> datetime | None:
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


def _region(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
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


def _variable(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
    if name is None:
        return None

    code = resolve_variable(name)
    if code is None:
        unknown = msg("service.unknown_variable", name=repr(name), hint=hint(name, VARIABLES))
        raise http_error(422, unknown, lang)
    return code


def _indicator(name: str | None, lang: str = DEFAULT_LANG) -> str | None:
    if name is None:
        return None

    if name not in INDICATORS:
        unknown = msg("service.unknown_indicator", name=repr(name), hint=hint(name, INDICATORS))
        raise http_error(422, unknown, lang)
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
    async def submit(request: Request, token: Submitter, lang: Lang) -> Response:
        """Submit statistics: a file (multipart field ``file``) or JSON rows.

        The submission is validated and checked against the token's scope; accepted (201)
        when no finding is an error, its rows becoming the current figures, else rejected
        (422) with every finding (messages and fixes in ``lang``). Either way it is recorded.
        """
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            body = await request.body()
            try:
                payload = RowsSubmission.model_validate_json(body)
            except ValidationError as exc:
                raise HTTPException(422, _pydantic_detail(exc, lang)) from None
            record = await run_in_threadpool(_submit_rows, payload, token)
        elif kind == "multipart/form-data":
            form = await request.form(max_part_size=max_upload)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise http_error(422, msg("service.no_file_field"), lang)
            department = form.get("department")
            record = await run_in_threadpool(
                _submit_file,
                upload.file,
                upload.filename or "upload.csv",
                department if isinstance(department, str) else None,
                token,
                lang,
            )
            await form.close()
        else:
            shown = kind or msg("service.no_content_type")
            raise http_error(415, msg("service.bad_content_type", kind=shown), lang)
        out = _submission_out(record, with_report=True, lang=lang)
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
        stream: Any, filename: str, department: str | None, token: TokenInfo, lang: str
    ) -> SubmissionRecord:
        name = intake.safe_name(filename)
        with intake.scratch_folder() as folder:
            from pathlib import Path

            try:
                path, sha, size = intake.save_upload(stream, Path(folder), name, max_upload)
            except OverflowError:
                raise HTTPException(413, too_large(max_upload, None, lang)) from None
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
        lang: Lang,
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
            region=_region(region, lang),
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
    def get_submission(submission_id: int, token: Reader, lang: Lang) -> SubmissionOut:
        """One submission with its validation report (messages and fixes in ``lang``)."""
        record = the_store.submission(submission_id)
        if record is None:
            raise http_error(404, msg("service.no_submission", id=submission_id), lang)
        return _submission_out(record, with_report=True, lang=lang)

    stats_adapter = TypeAdapter(StatisticsOut)

    @app.get("/statistics", response_model=StatisticsOut, tags=["statistics"])
    def statistics(
        token: Reader,
        lang: Lang,
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
        moment = _as_of(as_of, lang)
        if history and moment is not None:
            raise http_error(422, msg("service.history_and_as_of"), lang)
        filters: dict[str, Any] = {
            "region": _region(region, lang),
            "year": year,
            "variable": _variable(variable, lang),
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
        lang: Lang,
        region: str | None = None,
        year: int | None = None,
        indicator: str | None = None,
    ) -> Response:
        """Return the indicators computed from the current statistics (`greenplan.compute`)."""
        key = ("indicators", _region(region, lang), year, _indicator(indicator, lang))

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
        lang: Lang,
        year: Annotated[int | None, Query(ge=2021, le=2100, description="As of this year")] = None,
        region: str | None = None,
        method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
    ) -> Response:
        """Assess every target (`greenplan.assess`) on the current figures (notes in ``lang``)."""
        key = ("progress", year, _region(region, lang), method, lang)

        def make() -> bytes:
            frame = results.assessment(year, method)
            if key[2] is not None:
                frame = frame[frame["region"] == key[2]]
            records = _records(frame)
            if lang == "zh":
                for r in records:
                    r["notes"] = "; ".join(note_zh(n) for n in str(r["notes"]).split("; ") if n)
            return progress_adapter.dump_json(progress_adapter.validate_python(records))

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
        lang: Lang,
        format: Annotated[str, Query(pattern="^(json|html|markdown)$")] = "json",
        year: Annotated[int | None, Query(ge=2021, le=2100)] = None,
        region: str | None = None,
        method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
    ) -> Response:
        """Return the progress report on the current figures, as JSON, HTML or Markdown."""
        key = ("report", format, lang, year, _region(region, lang), method)

        def make() -> str:

            assessment = results.assessment(year, method)
            if key[4] is not None and key[4] not in set(assessment["region"].astype(str)):
                no_data = msg("service.no_data_for_region", region=key[4])
                raise http_error(404, no_data, lang)
            built = build_report(
                assessment,
                region=key[4],
                stats=results.stats().loc[:, list(OBSERVATION_COLUMNS)],
                sources=[
                    render(
                        msg(
                            "service.report_source",
                            store=the_store.dialect,
                            version=the_store.version(),
                        ),
                        lang,
                    )
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
    def add_token(body: TokenIn, token: Admin, lang: Lang) -> TokenCreated:
        """Create a token; the answer shows it this once."""
        try:
            regions = resolve_scope_regions(body.regions)
            variables = _scope_variables(body.variables)
            expires = body.expires_at
            if expires is not None and expires.tzinfo is not None:
                expires = expires.astimezone(UTC).replace(tzinfo=None)
            secret = the_store.add_token(body.name, body.role, regions, variables, expires)
        except AccessError as exc:
            raise HTTPException(422, exc.text(lang)) from None
        info = the_store.token_info(secret)
        assert info is not None
        return TokenCreated(token=secret, **_token_out(info).model_dump())

    @app.delete("/tokens/{name}", status_code=204, tags=["access"])
    def revoke_token(name: str, token: Admin, lang: Lang) -> Response:
        """Revoke a token: it is refused from now on."""
        if not the_store.revoke_token(name):
            raise http_error(404, msg("service.no_token", name=repr(name)), lang)
        app.state.token_cache.clear()
        return Response(status_code=204)

    # --- errors and OpenAPI --------------------------------------------------------------

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("internal error on %s %s", request.method, request.url.path)
        failed = msg("service.internal_error", kind=type(exc).__name__)
        return JSONResponse({"detail": render(failed, request_lang(request))}, status_code=500)

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


def _pydantic_detail(exc: ValidationError, lang: str = DEFAULT_LANG) -> str:
    parts = []
    for err in exc.errors()[:10]:  # pydantic's own words, in English
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    more = msg("service.and_more", n=exc.error_count() - 10) if exc.error_count() > 10 else ""
    return render(msg("service.not_a_submission", errors="; ".join(parts), more=more), lang)


def _submission_out(
    record: SubmissionRecord, with_report: bool = False, lang: str = DEFAULT_LANG
) -> SubmissionOut:
    facts = {f.name: getattr(record, f.name) for f in fields(record)}
    facts.update(
        regions=list(record.regions),
        report=(
            intake.localized(record.report, lang)
            if with_report and record.report is not None
            else None
        ),
    )
    return SubmissionOut(**facts)


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

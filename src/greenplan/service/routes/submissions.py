"""``/submissions``: submit statistics (a file or JSON rows), list and read submissions.

A submission is validated and checked against the token's scope
(:mod:`greenplan.service.intake`), recorded either way, and, when accepted, becomes the
current figures.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from greenplan.messages import msg, render
from greenplan.service import intake
from greenplan.service.access import TokenInfo
from greenplan.service.deps import (
    DEFAULT_LANG,
    Lang,
    Reader,
    Submitter,
    http_error,
    region_code,
    store_of,
    too_large,
)
from greenplan.service.models import RowsSubmission, SubmissionList, SubmissionOut
from greenplan.service.store import Store, SubmissionRecord

__all__ = ["router"]

router = APIRouter(tags=["submissions"])

_adapter = TypeAdapter(SubmissionOut)

_SUBMISSION_BODY = {
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
"""The request body of ``POST /submissions`` in the OpenAPI document: FastAPI cannot infer it,
as the endpoint reads either body itself (the ``RowsSubmission`` schema is added by
:func:`greenplan.service.app.openapi_document`)."""


@router.post(
    "/submissions",
    response_model=SubmissionOut,
    status_code=201,
    openapi_extra=_SUBMISSION_BODY,
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
    store = store_of(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        body = await request.body()
        try:
            payload = RowsSubmission.model_validate_json(body)
        except ValidationError as exc:
            raise HTTPException(422, _pydantic_detail(exc, lang)) from None
        record = await run_in_threadpool(_submit_rows, store, payload, token)
    elif kind == "multipart/form-data":
        max_upload: int = request.app.state.max_upload
        form = await request.form(max_part_size=max_upload)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise http_error(422, msg("service.no_file_field"), lang)
        department = form.get("department")
        record = await run_in_threadpool(
            _submit_file,
            store,
            max_upload,
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
    out = submission_out(record, with_report=True, lang=lang)
    return Response(
        _adapter.dump_json(out),
        status_code=201 if record.accepted else 422,
        media_type="application/json",
    )


@router.get("/submissions", response_model=SubmissionList)
def list_submissions(
    request: Request,
    token: Reader,
    lang: Lang,
    region: Annotated[str | None, Query(description="Only submissions with rows for it")] = None,
    accepted: bool | None = None,
    submitted_by: Annotated[str | None, Query(description="Token name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SubmissionList:
    """Submissions, newest first, without their reports."""
    items = store_of(request).submissions(
        region=region_code(region, lang),
        accepted=accepted,
        submitted_by=submitted_by,
        limit=limit,
        offset=offset,
    )
    return SubmissionList(items=[submission_out(r) for r in items], limit=limit, offset=offset)


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    responses={404: {"description": "No such submission."}},
)
def get_submission(
    request: Request, submission_id: int, token: Reader, lang: Lang
) -> SubmissionOut:
    """One submission with its validation report (messages and fixes in ``lang``)."""
    record = store_of(request).submission(submission_id)
    if record is None:
        raise http_error(404, msg("service.no_submission", id=submission_id), lang)
    return submission_out(record, with_report=True, lang=lang)


def _submit_file(
    store: Store,
    max_upload: int,
    stream: BinaryIO,
    filename: str,
    department: str | None,
    token: TokenInfo,
    lang: str,
) -> SubmissionRecord:
    """Check and record an uploaded file (in a worker thread)."""
    name = intake.safe_name(filename)
    with intake.scratch_folder() as folder:
        try:
            path, sha, size = intake.save_upload(stream, Path(folder), name, max_upload)
        except OverflowError:
            raise HTTPException(413, too_large(max_upload, None, lang)) from None
        outcome = intake.check_file(path, name, token)
    return intake.record(store, outcome, token, department, name, sha, size, "file")


def _submit_rows(store: Store, payload: RowsSubmission, token: TokenInfo) -> SubmissionRecord:
    """Check and record JSON rows (in a worker thread)."""
    rows = [r.model_dump() for r in payload.rows]
    raw = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
    name = intake.safe_name(payload.file_name)
    outcome = intake.check_rows(rows, name, token)
    sha = hashlib.sha256(raw).hexdigest()
    return intake.record(store, outcome, token, payload.department, name, sha, len(raw), "rows")


def _pydantic_detail(exc: ValidationError, lang: str = DEFAULT_LANG) -> str:
    parts = []
    for err in exc.errors()[:10]:  # pydantic's own words, in English
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    more = msg("service.and_more", n=exc.error_count() - 10) if exc.error_count() > 10 else ""
    return render(msg("service.not_a_submission", errors="; ".join(parts), more=more), lang)


def submission_out(
    record: SubmissionRecord, with_report: bool = False, lang: str = DEFAULT_LANG
) -> SubmissionOut:
    """Return what the API shows of a submission (its report in ``lang`` if asked)."""
    facts: dict[str, Any] = {f.name: getattr(record, f.name) for f in fields(record)}
    facts.update(
        regions=list(record.regions),
        report=(
            intake.localized(record.report, lang)
            if with_report and record.report is not None
            else None
        ),
    )
    return SubmissionOut(**facts)

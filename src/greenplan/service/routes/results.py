"""``GET /indicators``, ``GET /progress`` and ``GET /report``: computed from the current figures.

Each answer is cached per store version (:class:`greenplan.service.cache.Results`), keyed by
its query; the first request after an accepted submission recomputes it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import TypeAdapter

from greenplan.messages import msg, render
from greenplan.progress.notes import note_zh
from greenplan.report import build_report
from greenplan.service.deps import (
    Lang,
    Reader,
    http_error,
    indicator_code,
    records,
    region_code,
    results_of,
    store_of,
)
from greenplan.service.models import IndicatorValue, ProgressRow
from greenplan.service.store import OBSERVATION_COLUMNS

__all__ = ["router"]

router = APIRouter(tags=["results"])

_indicators_adapter = TypeAdapter(list[IndicatorValue])
_progress_adapter = TypeAdapter(list[ProgressRow])

_INDICATOR_COLUMNS = ["region", "year", "indicator", "value", "unit", "origin", "method"]
_MEDIA = {"json": "application/json", "html": "text/html", "markdown": "text/markdown"}
_REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The progress report",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
            "text/html": {"schema": {"type": "string"}},
            "text/markdown": {"schema": {"type": "string"}},
        },
    }
}


@router.get("/indicators", response_model=list[IndicatorValue])
def indicators(
    request: Request,
    token: Reader,
    lang: Lang,
    region: str | None = None,
    year: int | None = None,
    indicator: str | None = None,
) -> Response:
    """Return the indicators computed from the current statistics (`greenplan.compute`)."""
    results = results_of(request)
    key = ("indicators", region_code(region, lang), year, indicator_code(indicator, lang))

    def make() -> bytes:
        frame = results.values()
        if key[1] is not None:
            frame = frame[frame["region"] == key[1]]
        if year is not None:
            frame = frame[frame["year"] == year]
        if key[3] is not None:
            frame = frame[frame["indicator"] == key[3]]
        return _indicators_adapter.dump_json(
            _indicators_adapter.validate_python(records(frame.loc[:, _INDICATOR_COLUMNS]))
        )

    return Response(results.get(key, make), media_type="application/json")


@router.get("/progress", response_model=list[ProgressRow])
def progress(
    request: Request,
    token: Reader,
    lang: Lang,
    year: Annotated[int | None, Query(ge=2021, le=2100, description="As of this year")] = None,
    region: str | None = None,
    method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
) -> Response:
    """Assess every target (`greenplan.assess`) on the current figures (notes in ``lang``)."""
    results = results_of(request)
    key = ("progress", year, region_code(region, lang), method, lang)

    def make() -> bytes:
        frame = results.assessment(year, method)
        if key[2] is not None:
            frame = frame[frame["region"] == key[2]]
        rows = records(frame)
        if lang == "zh":
            for r in rows:
                r["notes"] = "; ".join(note_zh(n) for n in str(r["notes"]).split("; ") if n)
        return _progress_adapter.dump_json(_progress_adapter.validate_python(rows))

    return Response(results.get(key, make), media_type="application/json")


@router.get("/report", responses=_REPORT_RESPONSES)
def report(
    request: Request,
    token: Reader,
    lang: Lang,
    format: Annotated[str, Query(pattern="^(json|html|markdown)$")] = "json",
    year: Annotated[int | None, Query(ge=2021, le=2100)] = None,
    region: str | None = None,
    method: Annotated[str, Query(pattern="^(sequential|escap|eurostat)$")] = "sequential",
) -> Response:
    """Return the progress report on the current figures, as JSON, HTML or Markdown."""
    store, results = store_of(request), results_of(request)
    key = ("report", format, lang, year, region_code(region, lang), method)

    def make() -> str:
        assessment = results.assessment(year, method)
        if key[4] is not None and key[4] not in set(assessment["region"].astype(str)):
            no_data = msg("service.no_data_for_region", region=key[4])
            raise http_error(404, no_data, lang)
        source = msg("service.report_source", store=store.dialect, version=store.version())
        built = build_report(
            assessment,
            region=key[4],
            stats=results.stats().loc[:, list(OBSERVATION_COLUMNS)],
            sources=[render(source, lang)],
            shipped=False,
        )
        return built.render(format, lang)

    text = results.get(key, make)
    return Response(text, media_type=f"{_MEDIA[format]}; charset=utf-8")

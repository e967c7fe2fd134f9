"""``GET /statistics``: the current figures, those as of a time, or the full history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import TypeAdapter

from greenplan.messages import msg
from greenplan.service.deps import (
    Lang,
    Reader,
    as_of_time,
    http_error,
    json_response,
    records,
    region_code,
    results_of,
    store_of,
    variable_code,
)
from greenplan.service.models import StatisticsOut

__all__ = ["router"]

router = APIRouter(tags=["statistics"])

_adapter = TypeAdapter(StatisticsOut)


@router.get("/statistics", response_model=StatisticsOut)
def statistics(
    request: Request,
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
    store = store_of(request)
    moment = as_of_time(as_of, lang)
    if history and moment is not None:
        raise http_error(422, msg("service.history_and_as_of"), lang)
    filters: dict[str, Any] = {
        "region": region_code(region, lang),
        "year": year,
        "variable": variable_code(variable, lang),
    }
    version = store.version()
    if history:
        frame = store.history(**filters)
    elif moment is None and not any(v is not None for v in filters.values()):
        frame = results_of(request).stats()
    else:
        frame = store.statistics(as_of=moment, **filters)
    out = {
        "as_of": moment,
        "history": history,
        "store_version": version,
        "items": records(frame),
    }
    return json_response(_adapter, _adapter.validate_python(out))

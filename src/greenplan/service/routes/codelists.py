"""``GET /targets`` and ``GET /variables``: the library's code lists."""

from __future__ import annotations

from fastapi import APIRouter

from greenplan.definitions import Target, Variable
from greenplan.service.deps import Reader
from greenplan.targets import TARGETS
from greenplan.variables import VARIABLES

__all__ = ["router"]

router = APIRouter(tags=["code lists"])


@router.get("/targets", response_model=list[Target])
def targets(token: Reader) -> list[Target]:
    """List the plan's targets (the library's `greenplan.definitions.Target`)."""
    return list(TARGETS.values())


@router.get("/variables", response_model=list[Variable])
def variables(token: Reader) -> list[Variable]:
    """List the variables a submission may carry (the code list)."""
    return list(VARIABLES.values())

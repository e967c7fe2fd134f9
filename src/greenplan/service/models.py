"""Pydantic models of the HTTP API: they validate requests and generate the OpenAPI document.

Targets and variables are served as the library's own models
(:class:`greenplan.definitions.Target`, :class:`greenplan.definitions.Variable`), so the API and
the Python package describe them with one definition.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Finding",
    "HealthOut",
    "IndicatorValue",
    "ProgressRow",
    "RowIn",
    "RowsSubmission",
    "Statistic",
    "StatisticsOut",
    "SubmissionList",
    "SubmissionOut",
    "TokenCreated",
    "TokenIn",
    "TokenOut",
    "ValidationOut",
    "ValidationSummary",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(_Out):
    """One finding of a submission's validation: what, where, and how to fix it."""

    code: str = Field(description="Stable snake_case code (docs/data-format.md).")
    severity: Literal["error", "warning", "info"]
    message: str
    file: str = Field("", description="The file as uploaded (or the name given to JSON rows).")
    sheet: str = ""
    row: int | None = Field(None, description="Row as the user sees it (CSV header = row 1).")
    column: str = ""
    region: str = ""
    year: int | None = None
    variable: str = ""
    value: str | float | None = None
    expected: str | float | None = None
    count: int = Field(1, description="Rows this finding stands for.")
    fix: str = Field("", description="How to fix every finding of this code.")


class ValidationSummary(_Out):
    """Counts of a submission's validation."""

    ok: bool = Field(description="No finding is an error.")
    accepted: bool = Field(description="The submission's rows were stored.")
    counts: dict[str, int] = Field(description="Findings by severity.")
    codes: dict[str, int] = Field(description="Findings by code.")
    rows_read: int
    rows_valid: int = Field(description="Rows with no error and within the token's scope.")
    rows_stored: int
    sources: list[str]


class ValidationOut(_Out):
    """The validation report of a submission."""

    summary: ValidationSummary
    findings: list[Finding]


class SubmissionOut(_Out):
    """A submission as stored.

    ``report`` is given by ``POST /submissions`` and ``GET /submissions/{id}``.
    """

    id: int
    received_at: datetime = Field(description="When it was received (UTC).")
    department: str
    submitted_by: str = Field(description="Name of the token that sent it.")
    regions: list[str] = Field(description="Regions the submission has rows for.")
    file_name: str
    file_sha256: str = Field(description="SHA-256 of the bytes received (hex).")
    file_size: int
    kind: Literal["file", "rows"]
    accepted: bool
    rows_read: int
    rows_accepted: int = Field(description="Observations stored (0 when rejected).")
    errors: int
    warnings: int
    report: ValidationOut | None = None


class SubmissionList(_Out):
    """A page of submissions, newest first."""

    items: list[SubmissionOut]
    limit: int
    offset: int


class RowIn(BaseModel):
    """One observation sent as JSON (the long layout of docs/data-format.md)."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(description="Region code or alias: 济南市, 历下区, Lixia …")
    year: int | str
    variable: str = Field(description="Variable code or name: energy_consumption, 能源消费总量 …")
    value: float | str | None
    unit: str = ""
    source: str = ""
    note: str = ""


class RowsSubmission(BaseModel):
    """A submission as JSON rows (``Content-Type: application/json``)."""

    model_config = ConfigDict(extra="forbid")

    rows: list[RowIn] = Field(min_length=1)
    department: str | None = Field(None, description="Default: the token's name.")
    file_name: str = Field("rows.json", description="Name shown in findings and the history.")


class Statistic(_Out):
    """An observation with its provenance."""

    region: str
    year: int
    variable: str
    value: float
    unit: str
    source: str
    note: str
    file: str
    sheet: str
    row: int
    submission_id: int
    received_at: datetime
    submitted_by: str


class StatisticsOut(_Out):
    """Current statistics, statistics as of a time, or the full history of values."""

    as_of: datetime | None = Field(None, description="UTC time of the as-of query, if any.")
    history: bool = False
    store_version: int
    items: list[Statistic]


class IndicatorValue(_Out):
    """An indicator computed from the current statistics (:func:`greenplan.compute`)."""

    region: str
    year: int
    indicator: str
    value: float
    unit: str
    origin: str
    method: str


class ProgressRow(_Out):
    """One (target, region) of the assessment (:func:`greenplan.assess`)."""

    key: str
    indicator: str
    region: str
    section: str
    name_zh: str
    name_en: str
    kind: str
    bound: str
    aspirational: bool
    unit: str | None
    baseline_year: int | None
    baseline: float | None
    latest_year: int | None
    latest: float | None
    target_year: int | None
    target: float | None
    target_level: float | None
    change: float | None = Field(
        description="change of the latest value against the base year [%]; None for level targets"
    )
    gap: float | None
    gap_relative: float | None
    completion: float | None
    time_elapsed: float | None
    status: str
    status_zh: str
    status_en: str
    reason: str | None = Field(
        description="why a target is not assessable (no_data, no_base_year_value, …), else None"
    )
    required_annual_change: float | None
    projected: float | None
    projected_gap: float | None
    method: str
    notes: str


class HealthOut(_Out):
    """Liveness and the state of the store."""

    status: Literal["ok"]
    version: str
    store: str = Field(description="duckdb or postgresql")
    schema_version: int
    store_version: int


class TokenIn(BaseModel):
    """A token to create (admin only)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    role: Literal["reader", "submitter", "admin"]
    regions: list[str] = Field(default_factory=list)
    variables: list[str] = Field(default_factory=list)
    expires_at: datetime | None = None


class TokenOut(_Out):
    """A token as the store knows it (never the token itself)."""

    name: str
    role: str
    regions: list[str]
    variables: list[str]
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    """A new token: ``token`` is shown this once."""

    token: str


def jsonable(value: Any) -> Any:
    """NaN and pandas NA to None, numpy scalars to Python ones (for model validation)."""
    import math

    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except Exception:  # pragma: no cover
        pass
    return value

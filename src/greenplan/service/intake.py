"""Validate one submission and check it against the submitter's scope.

A submission is a file (CSV, XLSX, Parquet, as :func:`greenplan.validate` reads them) or a list
of JSON rows. It is accepted whole or not at all: accepted when no finding is an error, the
scope check included; a rejected submission is recorded with its findings and stores no
observation. Every finding carries where it is (file, sheet, row, column), its stable code and
the fix for that code (:data:`greenplan.validation.CHECKS`). A row outside the token's regions
or variables is an ``out_of_scope`` error finding, never a silent drop.

Messages and fixes are kept in English (``message``, ``fix``) and in Chinese (``message_zh``,
``fix_zh``), both rendered from the message catalogue when the submission is checked;
:func:`localized` gives the report in one language, as the API answers it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from greenplan.messages import Message, msg, render
from greenplan.report import shipped_data_paths
from greenplan.service.access import TokenInfo
from greenplan.service.store import NewSubmission, Store, SubmissionRecord
from greenplan.validation import CHECKS, validate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "OUT_OF_SCOPE",
    "OUT_OF_SCOPE_FIX",
    "Outcome",
    "check_file",
    "check_rows",
    "localized",
    "record",
    "save_upload",
    "seed_shipped_data",
]

OUT_OF_SCOPE = "out_of_scope"
"""Finding code of a row outside the submitting token's regions or variables."""

OUT_OF_SCOPE_FIX = render(msg("service.out_of_scope_fix"), "en")
"""The fix of an ``out_of_scope`` finding (English; ``service.out_of_scope_fix``)."""

INTERNAL_ERROR_FIX = render(msg("service.could_not_process_fix"), "en")
"""The fix of an ``internal_error`` finding (English; ``service.could_not_process_fix``)."""

_MAX_SCOPE_FINDINGS = 50
_log = logging.getLogger("greenplan.service")


@dataclass
class Outcome:
    """The result of checking one submission.

    Attributes
    ----------
    accepted : bool
        No finding is an error.
    report : dict
        ``{"summary": …, "findings": […]}``, JSON-ready (see :func:`_summary`).
    table : pandas.DataFrame or None
        The canonical table of the rows to store (None when rejected).
    regions : tuple of str
        The regions the submission has rows for.
    """

    accepted: bool
    report: dict[str, Any]
    table: pd.DataFrame | None
    regions: tuple[str, ...] = ()
    rows_read: int = 0
    rows_accepted: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def save_upload(stream: BinaryIO, folder: Path, name: str, limit: int) -> tuple[Path, str, int]:
    """Copy an upload into ``folder`` under a safe version of ``name``.

    Returns the path, the SHA-256 of the bytes (hex) and their number. Raises
    :class:`OverflowError` past ``limit`` bytes.
    """
    path = folder / safe_name(name)
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise OverflowError(size)
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest(), size


def safe_name(name: str | None) -> str:
    """Return a file name without folders or characters a file system may refuse."""
    base = Path(str(name or "").replace("\\", "/")).name.strip()
    base = re.sub(r'[\x00-\x1f<>:"|?*]', "_", base)
    return base if base not in {"", ".", ".."} else "upload.csv"


def check_file(path: Path, display_name: str, token: TokenInfo) -> Outcome:
    """Validate the file at ``path`` (shown to the user as ``display_name``) for ``token``."""
    return _check(path, str(path), display_name, token)


def check_rows(rows: Sequence[Mapping[str, Any]], display_name: str, token: TokenInfo) -> Outcome:
    """Validate JSON rows (dicts with region, year, variable, value, unit …) for ``token``."""
    import pandas as pd

    frame = pd.DataFrame([dict(r) for r in rows])
    return _check(frame, None, display_name, token)


def _check(source: Any, raw_name: str | None, display_name: str, token: TokenInfo) -> Outcome:

    try:
        report = validate(source, check_coverage=False)
    except Exception as exc:  # never a 500 for a user's data; the traceback goes to the log
        _log.exception("validation of %s failed", display_name)
        finding = {
            "code": "internal_error",
            "severity": "error",
            **_texts(
                msg("service.could_not_process", kind=type(exc).__name__),
                msg("service.could_not_process_fix"),
            ),
            "file": display_name,
        }
        return _outcome([finding], None, 0, display_name)
    findings = [
        _finding(f.model_dump(), f.text("zh"), raw_name, display_name) for f in report.findings
    ]
    table = report.table
    if table is not None and len(table):
        table = table.copy()
        if raw_name:
            table["file"] = table["file"].astype(str).replace(raw_name, display_name)
        else:
            table["file"] = display_name
        findings.extend(scope_findings(table, token))
    return _outcome(findings, table, report.rows_read, display_name)


def _texts(message: Message, fix: Message) -> dict[str, str]:
    """Return the message and fix of a finding in English and Chinese (stored finding keys)."""
    return {
        "message": render(message, "en"),
        "fix": render(fix, "en"),
        "message_zh": render(message, "zh"),
        "fix_zh": render(fix, "zh"),
    }


def _finding(
    f: dict[str, Any], message_zh: str, raw_name: str | None, display_name: str
) -> dict[str, Any]:
    file = str(f.get("file") or "")
    if (raw_name and file == raw_name) or file.startswith("<DataFrame"):
        f["file"] = display_name
    f["message_zh"] = message_zh
    if raw_name:  # the temporary path is nobody's business
        for key in ("message", "message_zh"):
            f[key] = str(f[key]).replace(raw_name, display_name)
    check = CHECKS.get(f["code"])
    f["fix"] = check.fix if check is not None else ""
    f["fix_zh"] = check.text("fix", "zh") if check is not None else ""
    return f


def localized(report: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Return a stored validation report with each finding's message and fix in ``lang``.

    ``lang`` is ``zh`` or ``en``. A finding stored before the Chinese texts were kept (no
    ``message_zh``) keeps its English message; its fix is taken from the code's entry in
    :data:`greenplan.validation.CHECKS`.
    """
    findings = []
    for f in report.get("findings", []):
        out = {k: v for k, v in f.items() if k not in ("message_zh", "fix_zh")}
        if lang == "zh":
            out["message"] = f.get("message_zh") or f.get("message", "")
            fix = f.get("fix_zh")
            if not fix:
                check = CHECKS.get(f.get("code", ""))
                fix = check.text("fix", "zh") if check is not None else f.get("fix", "")
            out["fix"] = fix
        findings.append(out)
    return {**report, "findings": findings}


def scope_findings(table: pd.DataFrame, token: TokenInfo) -> list[dict[str, Any]]:
    """Return an ``out_of_scope`` error per row outside the token's scope.

    The first 50 rows are listed one by one, then one finding counts the rest.
    """
    if token.role == "admin" or (not token.regions and not token.variables):
        return []
    region_ok = table["region"].isin(token.regions) if token.regions else True
    variable_ok = table["variable"].isin(token.variables) if token.variables else True
    bad = table[~(region_ok & variable_ok)]
    fix = msg("service.out_of_scope_fix")

    def finding(message: Message, row: Any, **more: Any) -> dict[str, Any]:
        """Return an ``out_of_scope`` error at ``row``'s file, sheet and row, with ``more``."""
        where = {"file": str(row.file), "sheet": str(row.sheet), "row": int(row.row)}
        return {"code": OUT_OF_SCOPE, "severity": "error", **_texts(message, fix), **where, **more}

    out: list[dict[str, Any]] = []
    for i, row in enumerate(bad.itertuples(index=False)):
        if i == _MAX_SCOPE_FINDINGS:
            more = msg("service.out_of_scope_more", n=len(bad) - i, token=repr(token.name))
            out.append(finding(more, row, count=len(bad) - i))
            break
        why: list[Message] = []
        if token.regions and row.region not in token.regions:
            allowed = _list(token.regions)
            why.append(msg("service.scope_region", region=row.region, allowed=allowed))
        if token.variables and row.variable not in token.variables:
            allowed = _list(token.variables)
            why.append(msg("service.scope_variable", variable=row.variable, allowed=allowed))
        reason = why[0] if len(why) == 1 else msg("service.scope_both", first=why[0], second=why[1])
        message = msg("service.out_of_scope", token=repr(token.name), why=reason)
        out.append(
            finding(
                message,
                row,
                region=str(row.region),
                year=int(row.year),
                variable=str(row.variable),
                value=float(row.value),
            )
        )
    return out


def _list(items: Iterable[str], n: int = 6) -> list[str] | Message:
    """Return the first ``n`` items (joined in the reader's language) and how many there are."""
    items = list(items)
    if len(items) > n:
        return msg("service.list_more", head=items[:n], n=len(items))
    return items


_FIELDS = (
    "code",
    "severity",
    "message",
    "file",
    "sheet",
    "row",
    "column",
    "region",
    "year",
    "variable",
    "value",
    "expected",
    "count",
    "fix",
    "message_zh",
    "fix_zh",
)
_ORDER = {"error": 0, "warning": 1, "info": 2}


def _outcome(
    findings: list[dict[str, Any]],
    table: pd.DataFrame | None,
    rows_read: int,
    display_name: str,
) -> Outcome:
    import math

    clean = []
    for f in findings:
        d: dict[str, Any] = {k: f.get(k) for k in _FIELDS}
        for k in ("file", "sheet", "column", "region", "variable", "fix", "fix_zh"):
            d[k] = d[k] or ""
        d["count"] = int(d["count"] or 1)
        for k in ("value", "expected"):
            if isinstance(d[k], float) and not math.isfinite(d[k]):
                d[k] = str(d[k])
        clean.append(d)
    clean.sort(key=lambda d: (d["row"] is None, d["row"] or 0, _ORDER[d["severity"]]))
    counts = {s: sum(1 for d in clean if d["severity"] == s) for s in ("error", "warning", "info")}
    accepted = counts["error"] == 0 and table is not None and len(table) > 0
    n_ok = 0 if table is None else len(table)
    if table is not None and not accepted:
        n_ok = n_ok - sum(d["count"] for d in clean if d["code"] == OUT_OF_SCOPE)
    codes: dict[str, int] = {}
    for d in clean:
        codes[d["code"]] = codes.get(d["code"], 0) + 1
    regions = tuple(sorted(set(table["region"].astype(str)))) if table is not None else ()
    summary = {
        "ok": counts["error"] == 0,
        "accepted": accepted,
        "counts": counts,
        "codes": codes,
        "rows_read": int(rows_read),
        "rows_valid": max(n_ok, 0),
        "rows_stored": n_ok if accepted else 0,
        "sources": [display_name],
    }
    return Outcome(
        accepted=accepted,
        report={"summary": summary, "findings": clean},
        table=table if accepted else None,
        regions=regions,
        rows_read=int(rows_read),
        rows_accepted=n_ok if accepted else 0,
        counts=counts,
    )


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """Return a temporary folder for one upload (removed when the context ends)."""
    return tempfile.TemporaryDirectory(prefix="greenplan-upload-")


def record(
    store: Store,
    outcome: Outcome,
    token: TokenInfo,
    department: str | None,
    name: str,
    sha256: str,
    size: int,
    kind: str,
) -> SubmissionRecord:
    """Record a checked submission (and its rows, if accepted) in one transaction."""
    sub = NewSubmission(
        department=(department or "").strip() or token.name,
        submitted_by=token.name,
        file_name=name,
        file_sha256=sha256,
        file_size=size,
        kind=kind,
        accepted=outcome.accepted,
        rows_read=outcome.rows_read,
        rows_accepted=outcome.rows_accepted,
        errors=outcome.counts.get("error", 0),
        warnings=outcome.counts.get("warning", 0),
        report=outcome.report,
        regions=outcome.regions,
    )
    return store.record_submission(sub, outcome.table)


SHIPPED_DEPARTMENT = "greenplan: Jinan public data shipped with greenplan"
"""Department of the submissions made by :func:`seed_shipped_data`."""


def seed_shipped_data(store: Store) -> list[SubmissionRecord]:
    """Submit the Jinan public data shipped with greenplan, file by file, into an empty store.

    Does nothing (returns ``[]``) when the store has any submission. The submissions are made
    by the pseudo-token ``greenplan`` (role admin) and go through the same checks as any other.
    """
    if store.counts()["submissions"]:
        return []
    token = TokenInfo(name="greenplan", role="admin")
    out = []
    for folder in shipped_data_paths():
        for path in sorted(folder.glob("*.csv")):
            data = path.read_bytes()
            outcome = check_file(path, path.name, token)
            digest = hashlib.sha256(data).hexdigest()
            out.append(
                record(
                    store, outcome, token, SHIPPED_DEPARTMENT, path.name, digest, len(data), "file"
                )
            )
    return out

"""Validate one submission and check it against the submitter's scope.

A submission is a file (CSV, XLSX, Parquet, as :func:`greenplan.validate` reads them) or a list
of JSON rows. It is accepted whole or not at all: accepted when no finding is an error, the
scope check included; a rejected submission is recorded with its findings and stores no
observation. Every finding carries where it is (file, sheet, row, column), its stable code and
the fix for that code (:data:`greenplan.validation.CHECKS`). A row outside the token's regions
or variables is an ``out_of_scope`` error finding, never a silent drop.
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
    "record",
    "save_upload",
    "seed_shipped_data",
]

OUT_OF_SCOPE = "out_of_scope"
"""Finding code of a row outside the submitting token's regions or variables."""

OUT_OF_SCOPE_FIX = (
    "Submit only the rows of your own regions and variables, or ask an administrator for a "
    "token whose scope includes them."
)

INTERNAL_ERROR_FIX = (
    "greenplan could not process this submission; send the file and this message to the "
    "service's administrators."
)

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
            "message": f"greenplan could not process this submission ({type(exc).__name__}).",
            "file": display_name,
            "fix": INTERNAL_ERROR_FIX,
        }
        return _outcome([finding], None, 0, display_name)
    findings = [_finding(f.model_dump(), raw_name, display_name) for f in report.findings]
    table = report.table
    if table is not None and len(table):
        table = table.copy()
        if raw_name:
            table["file"] = table["file"].astype(str).replace(raw_name, display_name)
        else:
            table["file"] = display_name
        findings.extend(scope_findings(table, token))
    return _outcome(findings, table, report.rows_read, display_name)


def _finding(f: dict[str, Any], raw_name: str | None, display_name: str) -> dict[str, Any]:

    file = str(f.get("file") or "")
    if (raw_name and file == raw_name) or file.startswith("<DataFrame"):
        f["file"] = display_name
    if raw_name:  # the temporary path is nobody's business
        f["message"] = str(f["message"]).replace(raw_name, display_name)
    check = CHECKS.get(f["code"])
    f["fix"] = check.fix if check is not None else ""
    return f


def scope_findings(table: pd.DataFrame, token: TokenInfo) -> list[dict[str, Any]]:
    """Return an ``out_of_scope`` error per row outside the token's scope.

    The first 50 rows are listed one by one, then one finding counts the rest.
    """
    if token.role == "admin" or (not token.regions and not token.variables):
        return []
    region_ok = table["region"].isin(token.regions) if token.regions else True
    variable_ok = table["variable"].isin(token.variables) if token.variables else True
    bad = table[~(region_ok & variable_ok)]
    out: list[dict[str, Any]] = []
    for i, row in enumerate(bad.itertuples(index=False)):
        if i == _MAX_SCOPE_FINDINGS:
            out.append(
                {
                    "code": OUT_OF_SCOPE,
                    "severity": "error",
                    "message": f"{len(bad) - i} more row(s) are outside the scope of the token "
                    f"{token.name!r}.",
                    "file": str(row.file),
                    "sheet": str(row.sheet),
                    "row": int(row.row),
                    "count": len(bad) - i,
                    "fix": OUT_OF_SCOPE_FIX,
                }
            )
            break
        why = []
        if token.regions and row.region not in token.regions:
            why.append(f"region {row.region} is not one of {_list(token.regions)}")
        if token.variables and row.variable not in token.variables:
            why.append(f"variable {row.variable} is not one of {_list(token.variables)}")
        out.append(
            {
                "code": OUT_OF_SCOPE,
                "severity": "error",
                "message": f"The token {token.name!r} may not submit this row: "
                + "; ".join(why)
                + ".",
                "file": str(row.file),
                "sheet": str(row.sheet),
                "row": int(row.row),
                "region": str(row.region),
                "year": int(row.year),
                "variable": str(row.variable),
                "value": float(row.value),
                "fix": OUT_OF_SCOPE_FIX,
            }
        )
    return out


def _list(items: Iterable[str], n: int = 6) -> str:
    items = list(items)
    head = ", ".join(items[:n])
    return head + (f" … ({len(items)} in all)" if len(items) > n else "")


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
        for k in ("file", "sheet", "column", "region", "variable", "fix"):
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

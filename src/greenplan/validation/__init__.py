"""Validation of raw statistics: every problem, with a stable code and its place in the file.

:func:`validate` reads any number of sources (files, directories, DataFrames) with the readers
of :mod:`greenplan.io`, runs every check on what was read, and returns a
:class:`ValidationReport`. It never raises for bad data: an unreadable file, a wrong header, a
value that is not a number … all become :class:`Finding` objects.

Each finding has a stable ``code`` (see :data:`CHECKS`, and ``docs/data-format.md``), a
``severity`` (``error``, ``warning`` or ``info``), a message that says what is wrong and how to
fix it, and where: ``file``, ``sheet``, ``row``, ``column``, ``region``, ``year``, ``variable``,
the offending ``value`` and what was ``expected``.

Row accounting: every input row is either accepted into the canonical table or named in an
error finding (``report.rows_read == report.rows_accepted + report.rows_rejected``).

Examples
--------
>>> import pandas as pd, greenplan as gp
>>> data = pd.DataFrame({"地区": ["济南市"], "年份": [2020], "指标": ["gdp"],
...                      "数值": ["10,140.91"], "单位": ["亿元"]})
>>> report = gp.validate(data, check_coverage=False)
>>> report.ok
True
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_attr

import numpy as np
from pydantic import BaseModel, ConfigDict

from greenplan.errors import OptionError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CHECKS",
    "DEFAULT_OPTIONS",
    "Check",
    "Code",
    "Finding",
    "Severity",
    "ValidationReport",
    "validate",
]

Severity = Literal["error", "warning", "info"]
"""How bad a finding is: ``error`` (the row cannot be used), ``warning``, ``info``."""

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Code(StrEnum):
    """Stable codes of the validation findings (see :data:`CHECKS` for what each means)."""

    # files and tables
    UNREADABLE_FILE = "unreadable_file"
    MISSING_DEPENDENCY = "missing_dependency"
    EMPTY_FILE = "empty_file"
    MISSING_SHEET = "missing_sheet"
    SHEET_SKIPPED = "sheet_skipped"
    MISSING_COLUMN = "missing_column"
    COLUMN_IGNORED = "column_ignored"
    MALFORMED_ROW = "malformed_row"
    # cells
    UNKNOWN_VARIABLE = "unknown_variable"
    UNKNOWN_REGION = "unknown_region"
    BAD_YEAR = "bad_year"
    UNKNOWN_UNIT = "unknown_unit"
    WRONG_DIMENSION = "wrong_dimension"
    UNIT_ASSUMED = "unit_assumed"
    NON_NUMERIC = "non_numeric"
    MISSING_VALUE = "missing_value"
    # fuel records (greenplan.records.checks)
    UNKNOWN_FUEL = "unknown_fuel"
    BAD_USE = "bad_use"
    BAD_MONTH = "bad_month"
    # values
    NEGATIVE_VALUE = "negative_value"
    SHARE_OUT_OF_RANGE = "share_out_of_range"
    OUT_OF_BOUNDS = "out_of_bounds"
    # consistency between rows
    DUPLICATE_IDENTICAL = "duplicate_identical"
    DUPLICATE_CONFLICT = "duplicate_conflict"
    CHILDREN_SUM_MISMATCH = "children_sum_mismatch"
    DISTRICTS_SUM_MISMATCH = "districts_sum_mismatch"
    YOY_JUMP = "yoy_jump"
    REPORTED_MISMATCH = "reported_mismatch"
    NOT_COMPUTABLE = "not_computable"
    # greenplan itself
    CHECK_FAILED = "check_failed"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class Check:
    """What a finding code means: its severity, what it detects and how to fix it."""

    code: Code
    severity: Severity
    title: str
    fix: str


_CHECK_LIST = [
    Check(
        Code.UNREADABLE_FILE,
        "error",
        "The file (or directory) cannot be read: it does not exist, is not a CSV/XLSX/Parquet "
        "file, or its text is neither UTF-8 nor GBK/GB18030.",
        "Check the path; save the table as CSV (UTF-8) or XLSX.",
    ),
    Check(
        Code.MISSING_DEPENDENCY,
        "error",
        "Reading this kind of file needs an optional package that is not installed.",
        "pip install greenplan[excel] (XLSX) or greenplan[parquet] (Parquet).",
    ),
    Check(
        Code.EMPTY_FILE,
        "error",
        "The file, or every sheet of the workbook, has no data rows.",
        "Submit the file with its data, or leave it out.",
    ),
    Check(
        Code.MISSING_SHEET,
        "error",
        "A sheet asked for by name is not in the workbook.",
        "Check the sheet name (sheets=...).",
    ),
    Check(
        Code.SHEET_SKIPPED,
        "warning",
        "A sheet has none of the recognised columns (a notes or cover sheet) and was skipped.",
        "Nothing, if the sheet holds no data; otherwise give it the standard headers.",
    ),
    Check(
        Code.MISSING_COLUMN,
        "error",
        "A required column is missing: long layout needs region, year, variable, value "
        "(地区, 年份, 指标, 数值); wide layout needs region and year.",
        "Add the column or rename the header to one of the accepted names.",
    ),
    Check(
        Code.COLUMN_IGNORED,
        "info",
        "A column is not used (remarks, a serial number …).",
        "Nothing, unless the column was meant to hold data: then rename its header.",
    ),
    Check(
        Code.MALFORMED_ROW,
        "error",
        "A CSV line has more fields than the header (an unquoted comma in a number or name).",
        "Quote the field or remove the extra comma (write 10140.91, not 10,140.91 unquoted).",
    ),
    Check(
        Code.UNKNOWN_VARIABLE,
        "error",
        "The variable is not in the codelist (greenplan.VARIABLES).",
        "Use a code, Chinese name or alias of the codelist; the message suggests the closest.",
    ),
    Check(
        Code.UNKNOWN_REGION,
        "error",
        "The region is not Jinan or one of its districts, counties or functional zones.",
        "Use the region's Chinese name (济南市, 历下区 …) or a known alias.",
    ),
    Check(
        Code.BAD_YEAR,
        "error",
        "The year is not a whole number or lies outside the plausible range.",
        "Write the calendar year as a number (2020, or 2020年).",
    ),
    Check(
        Code.UNKNOWN_UNIT,
        "error",
        "The unit is not a unit greenplan knows.",
        "Use a unit of docs/units.md (万吨标准煤, 亿元, 万千瓦 …); the message suggests the "
        "closest.",
    ),
    Check(
        Code.WRONG_DIMENSION,
        "error",
        "The unit measures something else than the variable (money for an energy quantity …).",
        "Give the value in a unit of the variable's dimension; the message names its "
        "canonical unit.",
    ),
    Check(
        Code.UNIT_ASSUMED,
        "warning",
        "No unit was given: the value is taken to be in the variable's canonical unit.",
        "Add a unit column (单位), or the unit in the header: 能源消费总量(万吨标准煤).",
    ),
    Check(
        Code.NON_NUMERIC,
        "error",
        "The value is not a number.",
        "Write a plain number (10140.91, 10,140.91 or full-width digits are fine); leave notes "
        "out of the value column.",
    ),
    Check(
        Code.MISSING_VALUE,
        "error",
        "A row of a long table has no value (empty, —, -, …).",
        "Fill in the number, or delete the row if the figure is not available.",
    ),
    Check(
        Code.UNKNOWN_FUEL,
        "error",
        "A fuel record names a fuel greenplan does not know (fuel codes, Chinese and English "
        "names of greenplan.factors.fuels()).",
        "Correct the fuel name; the message suggests the closest known fuels.",
    ),
    Check(
        Code.BAD_USE,
        "error",
        "A fuel record's use is neither fuel (燃料) nor feedstock (原料), or electricity or "
        "heat is marked as feedstock.",
        "Write 'fuel' or 'feedstock' (or leave it empty for fuel).",
    ),
    Check(
        Code.BAD_MONTH,
        "error",
        "A fuel record's month is not a whole number from 1 to 12.",
        "Give the month as 1–12.",
    ),
    Check(
        Code.NEGATIVE_VALUE,
        "error",
        "A quantity that cannot be negative is negative.",
        "Check the sign and the column the number was typed in.",
    ),
    Check(
        Code.SHARE_OUT_OF_RANGE,
        "error",
        "A share (%) lies outside 0–100 %.",
        "Give shares in percent (35.2, not 0.352 with unit %; or write the unit as 1).",
    ),
    Check(
        Code.OUT_OF_BOUNDS,
        "warning",
        "The value lies outside the plausible range of the variable (codelist bounds).",
        "Check the value and its unit (万 vs 亿, % vs ‰).",
    ),
    Check(
        Code.DUPLICATE_IDENTICAL,
        "warning",
        "The same (region, year, variable) is given twice with the same value.",
        "Delete one of the rows.",
    ),
    Check(
        Code.DUPLICATE_CONFLICT,
        "error",
        "The same (region, year, variable) is given twice with different values.",
        "Keep the correct row and delete the other.",
    ),
    Check(
        Code.CHILDREN_SUM_MISMATCH,
        "error",
        "A parent variable differs from the sum of its components (e.g. capacity_renewable "
        "vs capacity_solar + capacity_wind + …) beyond the tolerance.",
        "Correct the parent or the components; when only some components are given, their "
        "sum must not exceed the parent.",
    ),
    Check(
        Code.DISTRICTS_SUM_MISMATCH,
        "warning",
        "For an additive variable, the city (济南市) differs from the sum of its districts "
        "and counties beyond the tolerance.",
        "Check the city and the district figures; functional zones are never summed.",
    ),
    Check(
        Code.YOY_JUMP,
        "warning",
        "The value changes from the previous year by more than the threshold (default ±50 %).",
        "Check the value and its unit; if the jump is real, ignore the warning.",
    ),
    Check(
        Code.REPORTED_MISMATCH,
        "warning",
        "A directly reported indicator differs from the value computed from its components "
        "(the computed value is used).",
        "Check the reported figure and the components.",
    ),
    Check(
        Code.NOT_COMPUTABLE,
        "info",
        "An indicator cannot be computed for some region-years; the message lists the "
        "missing inputs.",
        "Submit the missing inputs if the indicator is needed.",
    ),
    Check(
        Code.CHECK_FAILED,
        "warning",
        "A consistency check could not be run on this data.",
        "Report it to the greenplan maintainers with the data that caused it.",
    ),
    Check(
        Code.INTERNAL_ERROR,
        "error",
        "greenplan failed while reading the source (a bug, not a problem of the data).",
        "Report it to the greenplan maintainers with the file that caused it.",
    ),
]

CHECKS: Mapping[Code, Check] = {c.code: c for c in _CHECK_LIST}
"""Every finding code with its severity, meaning and fix (documented in docs/data-format.md)."""

DEFAULT_OPTIONS: dict[str, Any] = {
    "year_range": None,
    "yoy_threshold": 0.5,
    "sum_rtol": 0.01,
    "sum_atol": 0.0,
    "reported_rtol": 0.005,
    "check_coverage": True,
    "check_reported": True,
    "max_findings": 50,
    "sheets": None,
    "layout": "auto",
}
"""Options of :func:`validate` and :func:`greenplan.read_statistics`, with their defaults.

``year_range`` defaults to (1949, current year + 1); ``max_findings`` is the number of
findings listed one by one per (code, file, sheet) before the rest are summarised in one.
"""


class Finding(BaseModel):
    """One problem found in the statistics, and where it is.

    Attributes
    ----------
    code : str
        Stable snake_case code (a :class:`Code`).
    severity : {"error", "warning", "info"}
        ``error``: the row is rejected; ``warning``: the row is used but looks wrong.
    message : str
        What is wrong and how to fix it.
    file, sheet : str
        Where (``""`` when not applicable, e.g. a DataFrame has no sheet).
    row : int or None
        Row as the user sees it: header = row 1 in CSV and Excel, first data row = 2;
        position + 1 for DataFrames and Parquet.
    column : str
        Header of the column, as written in the file.
    region, year, variable
        The observation the finding is about, where known.
    value
        The offending value (text as written, or the number).
    expected
        What was expected (a range, a unit, a computed value …).
    count : int
        Number of rows the finding stands for (more than 1 for a summary of many rows).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    region: str = ""
    year: int | None = None
    variable: str = ""
    value: str | float | None = None
    expected: str | float | None = None
    count: int = 1

    @property
    def location(self) -> str:
        """Where, as ``file[sheet]:row, column``."""
        where = self.file or "<input>"
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f" ({self.column})"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.severity} [{self.code}] {self.message}"


class _RowLookup(Protocol):
    """A per-row value computed on demand: ``lookup[i]`` for row position ``i``."""

    def __getitem__(self, i: int, /) -> Any: ...


def _severity(code: Code | str) -> Severity:
    return CHECKS[Code(code)].severity


def _text(v: Any) -> str:
    """Readable text of a cell value for messages."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:g}"
    return str(v)


class Collector:
    """Gathers findings; lists at most ``max_findings`` per (code, file, sheet) one by one.

    Beyond that, rows with the same problem are summarised in one finding whose ``count`` is
    the number of rows (so a million bad rows make a readable report, not a million lines).
    """

    def __init__(self, max_findings: int = 50) -> None:
        self.findings: list[Finding] = []
        self.max_findings = max(1, int(max_findings))
        self._listed: Counter[tuple[str, str, str]] = Counter()

    def add(self, code: Code | str, message: str, **where: Any) -> None:
        """Add one finding (``where``: file, sheet, row, column, region, year, …)."""
        where = {k: v for k, v in where.items() if v is not None}
        for key in ("region", "variable", "column", "file", "sheet"):
            if key in where:
                where[key] = _text(where[key])
        if "year" in where:
            where["year"] = int(where["year"])
        if "row" in where:
            where["row"] = int(where["row"])
        for key in ("value", "expected"):
            v = where.get(key)
            if isinstance(v, np.generic):
                where[key] = v.item()
            elif v is not None and not isinstance(v, str | float | int):
                where[key] = str(v)
        self.findings.append(
            Finding(code=str(Code(code)), severity=_severity(code), message=message, **where)
        )

    def add_rows(
        self,
        code: Code | str,
        positions: np.ndarray,
        message: Callable[[int], str],
        *,
        file: str,
        sheet: str,
        rows: np.ndarray,
        column: str | np.ndarray | _RowLookup = "",
        region: Any = None,
        year: Any = None,
        variable: Any = None,
        value: Any = None,
        expected: Any = None,
    ) -> None:
        """Add one finding per flagged row (``positions`` into the row arrays), capped.

        ``region``, ``year``, ``variable``, ``value``, ``expected`` and ``column`` are either
        scalars or arrays aligned with ``rows``; ``message(i)`` builds the message of position
        ``i``.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        key = (str(code), file, sheet)
        room = max(0, self.max_findings - self._listed[key])
        listed, rest = positions[:room], positions[room:]

        def pick(obj: Any, i: int) -> Any:
            if obj is None or isinstance(obj, str | int | float | np.generic):
                v = obj
            elif hasattr(obj, "iloc"):
                v = obj.iloc[i]
            else:
                v = obj[i]
            if isinstance(v, float) and math.isnan(v):
                return None
            return v

        for i in listed:
            i = int(i)
            year_i = pick(year, i)
            if year_i is not None:
                try:
                    year_i = int(year_i)
                except (TypeError, ValueError):
                    year_i = None
            self.add(
                code,
                message(i),
                file=file,
                sheet=sheet,
                row=int(rows[i]) if rows is not None else None,
                column=pick(column, i),
                region=pick(region, i),
                year=year_i,
                variable=pick(variable, i),
                value=pick(value, i),
                expected=pick(expected, i),
            )
        self._listed[key] += len(listed)
        if rest.size:
            first = int(rest[0])
            shown = ", ".join(str(int(rows[int(j)])) for j in rest[:10])
            more = " …" if rest.size > 10 else ""
            self.add(
                code,
                f"{rest.size:,} more row(s) have the same problem ({code}): rows {shown}{more}. "
                f"{CHECKS[Code(code)].fix}",
                file=file,
                sheet=sheet,
                row=int(rows[first]),
                column=pick(column, first),
                count=int(rest.size),
            )


class ValidationReport:
    """The result of :func:`validate`: every finding, row counts, and the accepted table.

    Attributes
    ----------
    findings : list of Finding
        Sorted by file, sheet, row, then severity.
    rows_read, rows_accepted, rows_rejected : int
        Observations read, kept in the canonical table, and rejected (each named in an
        error finding): ``rows_read == rows_accepted + rows_rejected``.
    sources : list of str
        The files (and DataFrames, as ``<DataFrame #n>``) read.
    table : pandas.DataFrame or None
        The canonical long table of the accepted rows.
    options : dict
        The options the checks ran with.
    """

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        rows_read: int = 0,
        rows_accepted: int = 0,
        sources: Sequence[str] = (),
        table: pd.DataFrame | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.findings: list[Finding] = sorted(findings, key=_sort_key)
        self.rows_read = int(rows_read)
        self.rows_accepted = int(rows_accepted)
        self.sources = list(sources)
        self.table = table
        self.options = dict(options or {})

    # --- summaries -------------------------------------------------------------------------

    @property
    def rows_rejected(self) -> int:
        """Rows named in an error finding (not in the canonical table)."""
        return self.rows_read - self.rows_accepted

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity ``error``."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity ``warning``."""
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        """Findings of severity ``info``."""
        return [f for f in self.findings if f.severity == "info"]

    @property
    def counts(self) -> dict[str, int]:
        """Number of findings by severity: ``{"error": …, "warning": …, "info": …}``."""
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in ("error", "warning", "info")}

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and infos allowed)."""
        return not any(f.severity == "error" for f in self.findings)

    def passed(self, strict: bool = False) -> bool:
        """Return True when there is no error (and, with ``strict``, no warning)."""
        bad = {"error", "warning"} if strict else {"error"}
        return not any(f.severity in bad for f in self.findings)

    def by_code(self) -> dict[str, int]:
        """Count the findings by code."""
        return dict(Counter(f.code for f in self.findings))

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    def __bool__(self) -> bool:
        return True

    # --- renderings ------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """Summarise: findings by severity and code, rows read/accepted/rejected, sources."""
        return {
            "ok": self.ok,
            "counts": self.counts,
            "codes": self.by_code(),
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "sources": self.sources,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the findings as a DataFrame, one row per finding (fields of :class:`Finding`)."""
        import pandas as pd

        cols = list(Finding.model_fields)
        data = [f.model_dump() for f in self.findings]
        frame = pd.DataFrame(data, columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        frame["year"] = frame["year"].astype("Int64")
        frame["value"] = frame["value"].astype(object)
        frame["expected"] = frame["expected"].astype(object)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``summary`` and ``findings``."""
        return {"summary": self.summary(), "findings": [_clean(f) for f in self.findings]}

    def to_json(self, indent: int | None = 2) -> str:
        """Return the report as JSON (Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)

    def to_junit(self, strict: bool = False) -> str:
        """Return the report as JUnit XML, for CI systems.

        One ``<testsuite>`` per source; in each, one ``<testcase>`` per check code. A check
        fails when it has an error in that source (and, with ``strict``, a warning); other
        findings are listed in ``<system-out>``.
        """
        failing = {"error", "warning"} if strict else {"error"}
        groups: dict[str, list[Finding]] = {s: [] for s in self.sources}
        for f in self.findings:
            groups.setdefault(f.file or "(all sources)", []).append(f)
        if not groups:
            groups["(no sources)"] = []
        suites = []
        total_tests = total_fail = 0
        for name, items in groups.items():
            cases = []
            n_fail = 0
            for check in _CHECK_LIST:
                mine = [f for f in items if f.code == check.code]
                bad = [f for f in mine if f.severity in failing]
                body = "\n".join(str(f) for f in mine)
                classname = _xml_attr(f"greenplan.validate.{name}")
                head = f"<testcase classname={classname} name={_xml_attr(str(check.code))}"
                if bad:
                    n_fail += 1
                    msg = _xml_attr(f"{len(bad)} finding(s): {bad[0].message}")
                    cases.append(
                        f"{head}><failure type={_xml_attr(str(check.code))} message={msg}>"
                        f"{_xml_escape(body)}</failure></testcase>"
                    )
                elif mine:
                    cases.append(f"{head}><system-out>{_xml_escape(body)}</system-out></testcase>")
                else:
                    cases.append(f"{head}/>")
            total_tests += len(cases)
            total_fail += n_fail
            suites.append(
                f'  <testsuite name={_xml_attr(name)} tests="{len(cases)}" failures="{n_fail}" '
                f'errors="0">\n    ' + "\n    ".join(cases) + "\n  </testsuite>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="greenplan validate" tests="{total_tests}" '
            f'failures="{total_fail}">\n' + "\n".join(suites) + "\n</testsuites>\n"
        )

    def to_text(self, max_findings: int | None = None, infos: bool | None = None) -> str:
        """Render the report as text: a summary line, then the findings grouped by file.

        Parameters
        ----------
        max_findings : int, optional
            List at most this many findings.
        infos : bool, optional
            List info findings one by one; by default only when there are at most 20 of
            them, otherwise they are counted by code (see :meth:`to_frame` for all).
        """
        c = self.counts
        status = "OK" if self.ok else "FAILED"
        lines = [
            f"greenplan validate: {status} — {c['error']} error(s), {c['warning']} warning(s), "
            f"{c['info']} info",
            f"  {len(self.sources)} source(s); rows read {self.rows_read:,}, accepted "
            f"{self.rows_accepted:,}, rejected {self.rows_rejected:,}",
        ]
        listed = self.findings
        info_note = ""
        n_info = c["info"]
        if infos is False or (infos is None and n_info > 20):
            listed = [f for f in self.findings if f.severity != "info"]
            if n_info:
                per_code = Counter(f.code for f in self.findings if f.severity == "info")
                info_note = (
                    "\ninfo: "
                    + ", ".join(f"{n} {code}" for code, n in sorted(per_code.items()))
                    + " (not listed: see report.to_frame() or --format json)"
                )
        shown = listed if max_findings is None else listed[:max_findings]
        current: tuple[str, str] | None = None
        for f in shown:
            group = (f.file, f.sheet)
            if group != current:
                current = group
                title = f.file or "(all sources)"
                if f.sheet:
                    title += f" [sheet {f.sheet}]"
                lines.append("")
                lines.append(title)
            where = []
            if f.row is not None:
                where.append(f"row {f.row}")
            if f.column:
                where.append(f"column {f.column}")
            place = (", ".join(where) + ": ") if where else ""
            lines.append(f"  {place}{f.severity} [{f.code}] {f.message}")
        if len(shown) < len(listed):
            lines.append(f"\n… and {len(listed) - len(shown)} more finding(s)")
        if info_note:
            lines.append(info_note)
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<ValidationReport ok={self.ok} errors={c['error']} warnings={c['warning']} "
            f"info={c['info']} rows_read={self.rows_read} rows_accepted={self.rows_accepted}>"
        )

    def _repr_html_(self) -> str:
        c = self.counts
        colour = {"error": "#b00020", "warning": "#a06000", "info": "#305080"}
        status = "OK" if self.ok else "FAILED"
        head = (
            f"<p><b>greenplan validate: {status}</b> — "
            f"<span style='color:{colour['error']}'>{c['error']} error(s)</span>, "
            f"<span style='color:{colour['warning']}'>{c['warning']} warning(s)</span>, "
            f"{c['info']} info · rows read {self.rows_read:,}, accepted "
            f"{self.rows_accepted:,}, rejected {self.rows_rejected:,}</p>"
        )
        if not self.findings:
            return head
        cols = [
            "severity",
            "code",
            "file",
            "sheet",
            "row",
            "column",
            "region",
            "year",
            "variable",
            "value",
            "expected",
            "message",
        ]
        rows = []
        for f in self.findings[:500]:
            cells = []
            for col in cols:
                v = getattr(f, col)
                text = html.escape(_text(v))
                if col == "severity":
                    text = f"<b style='color:{colour[f.severity]}'>{text}</b>"
                cells.append(f"<td style='text-align:left'>{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = (
            f"<p>… and {len(self.findings) - 500} more (see report.to_frame())</p>"
            if len(self.findings) > 500
            else ""
        )
        header = "".join(f"<th style='text-align:left'>{c}</th>" for c in cols)
        body = "".join(rows)
        return f"{head}<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{more}"

    def raise_for_errors(self) -> None:
        """Raise :class:`~greenplan.errors.StatisticsError` carrying this report if not ok."""
        if not self.ok:
            from greenplan.errors import StatisticsError

            raise StatisticsError(self)


def _sort_key(f: Finding) -> tuple[Any, ...]:
    return (
        f.file == "",
        f.file,
        f.sheet,
        -1 if f.row is None else f.row,
        _SEVERITY_ORDER[f.severity],
        f.code,
        f.column,
        f.variable,
        f.region,
        -1 if f.year is None else f.year,
    )


def _clean(f: Finding) -> dict[str, Any]:
    d = f.model_dump()
    for k in ("value", "expected"):
        v = d[k]
        if isinstance(v, float) and not math.isfinite(v):
            d[k] = str(v)
    return d


# --- options -------------------------------------------------------------------------------


def resolve_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Fill defaults and check the options of :func:`validate`.

    Raises
    ------
    OptionError
        An unknown option or a bad value (with the closest option names).
    """
    out = dict(DEFAULT_OPTIONS)
    for name, value in options.items():
        if name not in DEFAULT_OPTIONS:
            import difflib

            close = difflib.get_close_matches(name, list(DEFAULT_OPTIONS), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise OptionError(
                f"Unknown option {name!r}.{hint} Known options: {', '.join(DEFAULT_OPTIONS)}."
            )
        out[name] = value
    if out["year_range"] is None:
        out["year_range"] = (1949, _dt.date.today().year + 1)
    try:
        lo, hi = (int(y) for y in out["year_range"])
    except (TypeError, ValueError):
        raise OptionError(
            f"year_range={out['year_range']!r}: expected two years (first, last)."
        ) from None
    if lo > hi:
        raise OptionError(f"year_range={out['year_range']!r}: the first year is after the last.")
    out["year_range"] = (lo, hi)
    for name in ("yoy_threshold", "sum_rtol", "sum_atol", "reported_rtol"):
        try:
            value = float(out[name])
        except (TypeError, ValueError):
            raise OptionError(f"{name}={out[name]!r}: expected a number.") from None
        if not value >= 0:
            raise OptionError(f"{name}={out[name]!r}: expected a number ≥ 0.")
        out[name] = value
    if out["layout"] not in {"auto", "long", "wide", "wide_years"}:
        raise OptionError(
            f"layout={out['layout']!r}: choose 'auto', 'long', 'wide' or 'wide_years'."
        )
    if not isinstance(out["max_findings"], int | np.integer) or out["max_findings"] < 1:
        raise OptionError(f"max_findings={out['max_findings']!r}: expected an integer ≥ 1.")
    return out


# --- validate ------------------------------------------------------------------------------


def validate(*sources: Any, **options: Any) -> ValidationReport:
    """Read statistics and check them; never raises for bad data.

    Parameters
    ----------
    *sources : str, pathlib.Path or pandas.DataFrame
        Files (CSV in UTF-8 or GBK/GB18030, XLSX, Parquet), directories (searched
        recursively for such files) and DataFrames, in long or wide layout (see
        ``docs/data-format.md``).
    **options
        ``sheets`` (sheet name or list of names; default every sheet), ``layout``
        (``"auto"``, ``"long"``, ``"wide"``, ``"wide_years"``), ``year_range`` (default
        1949 … next year), ``yoy_threshold`` (0.5: a change of more than ±50 % on the previous
        year is a warning), ``sum_rtol`` (0.01) and ``sum_atol`` (0) for parent/children and
        city/districts sums, ``reported_rtol`` (0.005) for reported vs computed indicators,
        ``check_coverage`` and ``check_reported`` (True), ``max_findings`` (50 per code and
        file before the rest are summarised).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when no finding is an error; ``report.table`` is the canonical
        long table of the accepted rows.

    Raises
    ------
    OptionError
        Only for an unknown option or a bad option value (a programming error, not bad
        data).

    Examples
    --------
    >>> import greenplan as gp
    >>> report = gp.validate("submissions/")          # doctest: +SKIP
    >>> print(report)                                  # doctest: +SKIP
    >>> report.to_frame().query("severity == 'error'")  # doctest: +SKIP
    """
    from greenplan.records.checks import check_fuel_records, is_fuel_records

    if is_fuel_records(sources, options):  # record-level tables: checked in their engine
        found = check_fuel_records(*sources, **options)
        return ValidationReport(
            found.findings,
            rows_read=found.rows_read,
            rows_accepted=found.rows_accepted,
            sources=found.sources,
            options=found.options,
        )
    options = {k: v for k, v in options.items() if k != "kind"}
    opts = resolve_options(options)
    from greenplan.io import _read_all

    collector = Collector(opts["max_findings"])
    result = _read_all(sources, collector, opts)
    table = _run_checks(result.table, collector, opts, result.codes, result.value_column)
    return ValidationReport(
        collector.findings,
        rows_read=result.rows_read,
        rows_accepted=len(table),
        sources=result.sources,
        table=table,
        options=opts,
    )


# --- checks on the table of accepted rows --------------------------------------------------


class _Coded:
    """``uniques[codes[i]]``, computed only when a finding asks for it."""

    def __init__(self, codes: np.ndarray, uniques: Sequence[Any]) -> None:
        self.codes = codes
        self.uniques = uniques

    def __getitem__(self, i: int) -> Any:
        return self.uniques[int(self.codes[i])]


class _Table:
    """The accepted rows with integer codes for every text column (no per-row text objects).

    ``codes`` (from the readers) maps a column to ``(codes, distinct texts)``; columns not
    given are factorized here.
    """

    TEXT = ("region", "variable", "unit", "file", "sheet")

    def __init__(
        self,
        table: pd.DataFrame,
        codes: Mapping[str, tuple[np.ndarray, list[str]]] | None = None,
        value_column: Callable[[str, str, str, int], str] | None = None,
    ) -> None:
        import pandas as pd

        from greenplan.definitions import VariableKind
        from greenplan.variables import VARIABLES

        self.table = table
        self._value_column = value_column
        self.n = len(table)
        self.codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        for name in self.TEXT:
            if codes is not None and name in codes:
                self.codes[name] = codes[name]
            else:
                c, u = pd.factorize(table[name])
                self.codes[name] = (np.asarray(c, dtype=np.int64), [str(x) for x in u])
        self.rc, self.regions = self.codes["region"]
        self.vc, self.variables = self.codes["variable"]
        self.year = table["year"].to_numpy(dtype=np.int64)
        self.yc, self.years = pd.factorize(self.year)
        self.value = table["value"].to_numpy(dtype="float64")
        self.rows = table["row"].to_numpy(dtype=np.int64)
        self.nr, self.ny, self.nv = len(self.regions), len(self.years), len(self.variables)
        self.defs = [VARIABLES.get(str(v)) for v in self.variables]
        self.lower = np.array(
            [np.nan if d is None or d.lower is None else d.lower for d in self.defs], dtype=float
        )
        self.upper = np.array(
            [np.nan if d is None or d.upper is None else d.upper for d in self.defs], dtype=float
        )
        self.kind = np.array(
            [d.kind.value if d is not None else "" for d in self.defs], dtype=object
        )
        self.is_share = np.array(
            [d is not None and d.kind is VariableKind.SHARE for d in self.defs], dtype=bool
        )

    def label(self, name: str) -> _Coded:
        """Lazy texts of a text column."""
        c, u = self.codes[name]
        return _Coded(c, u)

    def text(self, name: str, i: int) -> str:
        """Text of column ``name`` in row ``i``."""
        c, u = self.codes[name]
        return u[int(c[i])]

    def subset(self, keep: np.ndarray) -> _Table:
        """Return the rows where ``keep`` is True (codes carried over)."""
        table = self.table.loc[keep].reset_index(drop=True)
        return _Table(
            table, {k: (c[keep], u) for k, (c, u) in self.codes.items()}, self._value_column
        )

    def column(self, i: int) -> str:
        """Header, as written in the file, of the cell row ``i``'s value came from."""
        if self._value_column is None:
            return "value"
        return self._value_column(
            self.text("file", i), self.text("sheet", i), self.text("variable", i), int(self.year[i])
        )

    def key(self) -> np.ndarray:
        """One integer per (region, year, variable)."""
        return (self.rc.astype(np.int64) * self.ny + self.yc) * self.nv + self.vc

    def where(self, i: int) -> str:
        """``file[sheet] row N`` of a row."""
        sheet = self.text("sheet", i)
        return f"{self.text('file', i)}{f'[{sheet}]' if sheet else ''} row {self.rows[i]}"


def _emit(
    collector: Collector,
    code: Code,
    t: _Table,
    positions: np.ndarray,
    message: Callable[[int], str],
    *,
    value: Any = None,
    expected: Any = None,
) -> None:
    """Add findings for rows of the accepted table, grouped by (file, sheet) for the cap."""
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0:
        return
    fc, files = t.codes["file"]
    sc, sheets = t.codes["sheet"]
    group = fc[positions].astype(np.int64) * (len(sheets) + 1) + sc[positions]
    for g in dict.fromkeys(group.tolist()):
        pos = positions[group == g]
        f, s_ = divmod(int(g), len(sheets) + 1)
        collector.add_rows(
            code,
            pos,
            message,
            file=files[f],
            sheet=sheets[s_],
            rows=t.rows,
            column=_LazyExpected(t.column),
            region=t.label("region"),
            year=t.year,
            variable=t.label("variable"),
            value=t.value if value is None else value,
            expected=expected,
        )


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.6g}" if abs(x) >= 1e6 else f"{x:.6g}"


_RowCheck = Callable[[_Table, Collector, dict[str, Any]], tuple[np.ndarray, np.ndarray | None]]
"""A check on every accepted row: (rows to reject, rows to keep in the series checks or None)."""
_SeriesCheck = Callable[[_Table, Collector, dict[str, Any]], np.ndarray | None]
"""A check on the distinct rows (sums, trends): rows to reject, or None."""


def _run_checks(
    table: pd.DataFrame,
    collector: Collector,
    opts: dict[str, Any],
    codes: Mapping[str, tuple[np.ndarray, list[str]]] | None = None,
    value_column: Callable[[str, str, str, int], str] | None = None,
) -> pd.DataFrame:
    """Run every table check; return the table without the rows named in errors."""
    if table.empty:
        return table
    t = _Table(table, codes, value_column)
    reject = np.zeros(t.n, dtype=bool)
    first = np.ones(t.n, dtype=bool)
    row_checks: tuple[tuple[str, _RowCheck], ...] = (
        ("bounds", _check_bounds),
        ("duplicates", _check_duplicates),
    )
    for name, check in row_checks:
        try:
            bad, keep_first = check(t, collector, opts)
            reject |= bad
            if keep_first is not None:
                first &= keep_first
        except Exception as exc:  # a check must never turn into a traceback
            _check_failed(collector, name, exc)
    if reject.any():
        t = t.subset(~reject)
        first = first[~reject]
    # identical duplicates: later copies stay in the table but not in the sum/trend checks
    orig = np.flatnonzero(first)
    unique = t if first.all() else t.subset(first)
    reject2 = np.zeros(unique.n, dtype=bool)
    series_checks: tuple[tuple[str, _SeriesCheck], ...] = (
        ("children sum", _check_children),
        ("districts sum", _check_districts),
        ("year-on-year", _check_yoy),
    )
    for name, series_check in series_checks:
        try:
            flagged = series_check(unique, collector, opts)
            if flagged is not None:
                reject2 |= flagged
        except Exception as exc:
            _check_failed(collector, name, exc)
    if reject2.any():
        drop = np.zeros(t.n, dtype=bool)
        drop[orig[reject2]] = True
        t = t.subset(~drop)
        unique = unique.subset(~reject2)
    if opts["check_reported"]:
        try:
            _check_reported(unique, collector, opts)
        except Exception as exc:
            _check_failed(collector, "reported vs computed", exc)
    if opts["check_coverage"]:
        try:
            _check_coverage(unique, collector, opts)
        except Exception as exc:
            _check_failed(collector, "coverage", exc)
    return t.table


def _check_failed(collector: Collector, name: str, exc: BaseException) -> None:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    collector.add(
        Code.CHECK_FAILED,
        f"The {name} check could not run ({type(exc).__name__}: {text}); the other checks "
        "did. Please report this to the greenplan maintainers.",
    )


def _check_bounds(t: _Table, collector: Collector, opts: dict[str, Any]) -> tuple[np.ndarray, None]:
    v = t.value
    lo = t.lower[t.vc]
    hi = t.upper[t.vc]
    share = t.is_share[t.vc]
    with np.errstate(invalid="ignore"):
        s_lo = np.where(np.isnan(lo), 0.0, lo)
        s_hi = np.where(np.isnan(hi), 100.0, hi)
        share_bad = share & ((v < s_lo) | (v > s_hi))
        negative = ~share & (lo == 0) & (v < 0)
        oob = ~share & ~negative & ((v < lo) | (v > hi))
    variable = t.label("variable")
    region = t.label("region")

    def unit(i: int) -> str:
        return t.text("unit", i)

    _emit(
        collector,
        Code.NEGATIVE_VALUE,
        t,
        np.flatnonzero(negative),
        lambda i: (
            f"{variable[i]} of {region[i]} in {t.year[i]} is negative ({_fmt(v[i])} {unit(i)}), "
            "but it cannot be. Check the sign, and that the number is in the right column."
        ),
        expected="≥ 0",
    )
    _emit(
        collector,
        Code.SHARE_OUT_OF_RANGE,
        t,
        np.flatnonzero(share_bad),
        lambda i: (
            f"{variable[i]} of {region[i]} in {t.year[i]} is {_fmt(v[i])} {unit(i)}, outside "
            f"{_fmt(s_lo[i])}–{_fmt(s_hi[i])} {unit(i)}. Give shares in percent (35.2, not "
            "0.352), or write the unit as 1 for a fraction."
        ),
        expected=np.array(
            [f"{_fmt(a)}–{_fmt(b)}" for a, b in zip(s_lo, s_hi, strict=True)], dtype=object
        )
        if share_bad.any()
        else None,
    )

    def bounds(i: int) -> str:
        a = "" if np.isnan(lo[i]) else _fmt(lo[i])
        b = "" if np.isnan(hi[i]) else _fmt(hi[i])
        if a and b:
            return f"{a}–{b}"
        return f"≥ {a}" if a else f"≤ {b}"

    oob_pos = np.flatnonzero(oob)
    _emit(
        collector,
        Code.OUT_OF_BOUNDS,
        t,
        oob_pos,
        lambda i: (
            f"{variable[i]} of {region[i]} in {t.year[i]} is {_fmt(v[i])} {unit(i)}, outside "
            f"the plausible range {bounds(i)} {unit(i)}. Check the value and its unit "
            "(万 vs 亿, % vs ‰)."
        ),
        expected=_LazyExpected(bounds),
    )
    return negative | share_bad, None


class _LazyExpected:
    def __init__(self, fn: Callable[[int], str]) -> None:
        self.fn = fn

    def __getitem__(self, i: int) -> str:
        return self.fn(int(i))


def _group_codes(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Bin numbers of non-negative integer keys for ``np.bincount``, and the number of bins.

    Keys are combined integer codes (region × year × variable …). When their range is small
    compared with their number, as it is for statistics (few regions, years and variables),
    the keys are the bins themselves: no hashing or sorting. Otherwise they are factorized.
    """
    if keys.size == 0:
        return keys.astype(np.int64), 0
    top = int(keys.max()) + 1
    if top <= 4 * keys.size + 1024:
        return keys, top
    import pandas as pd

    codes, uniques = pd.factorize(keys)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _check_duplicates(
    t: _Table, collector: Collector, opts: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    key = t.key()
    bins, n_bins = _group_codes(key)
    dup = np.bincount(bins, minlength=n_bins)[bins] > 1
    bad = np.zeros(t.n, dtype=bool)
    first = np.ones(t.n, dtype=bool)
    if not dup.any():
        return bad, first
    pos = np.flatnonzero(dup)
    sub = pd.DataFrame({"key": key[pos], "pos": pos, "value": t.value[pos]})
    g = sub.groupby("key", sort=False)
    head_value = g["value"].transform("first").to_numpy()
    head_pos = g["pos"].transform("first").to_numpy()
    same = np.isclose(sub["value"].to_numpy(), head_value, rtol=1e-9, atol=0.0)
    conflict_group = (~pd.Series(same)).groupby(sub["key"].to_numpy()).transform("any").to_numpy()
    members: dict[int, list[int]] = {}
    for k, p in zip(sub["key"].tolist(), sub["pos"].tolist(), strict=True):
        members.setdefault(k, []).append(p)
    region = t.label("region")
    variable = t.label("variable")
    head_of = dict(zip(pos.tolist(), head_pos.tolist(), strict=True))

    identical = pos[~conflict_group & (pos != head_pos)]
    _emit(
        collector,
        Code.DUPLICATE_IDENTICAL,
        t,
        identical,
        lambda i: (
            f"{variable[i]} of {region[i]} in {t.year[i]} is given again with the same value "
            f"{_fmt(t.value[i])} (first at {t.where(head_of[i])}). Delete one of the rows."
        ),
    )
    conflicts = pos[conflict_group]
    bad[conflicts] = True

    def msg_conflict(i: int) -> str:
        group = members[int(key[i])]
        others = "; ".join(f"{_fmt(t.value[j])} at {t.where(j)}" for j in group if j != i)
        return (
            f"{variable[i]} of {region[i]} in {t.year[i]} is given {len(group)} times with "
            f"different values: {_fmt(t.value[i])} here, {others}. Keep the correct row and "
            "delete the other(s)."
        )

    _emit(
        collector,
        Code.DUPLICATE_CONFLICT,
        t,
        conflicts,
        msg_conflict,
        expected=_LazyExpected(
            lambda i: (
                "one value; also "
                + ", ".join(_fmt(t.value[j]) for j in members[int(key[i])] if j != i)
            )
        ),
    )
    # later copies of identical duplicates are left out of the sum and trend checks
    first[identical] = False
    return bad, first


def _tolerance(reference: np.ndarray, opts: dict[str, Any]) -> np.ndarray:
    return opts["sum_rtol"] * np.abs(reference) + opts["sum_atol"] + 1e-9 * np.abs(reference)


def _check_children(t: _Table, collector: Collector, opts: dict[str, Any]) -> np.ndarray:

    from greenplan.variables import VARIABLES, children

    bad = np.zeros(t.n, dtype=bool)
    parents = sorted({d.parent for d in VARIABLES.values() if d.parent})
    if not parents:
        return bad
    pindex = {p: k for k, p in enumerate(parents)}
    kids = {p: children(p) for p in parents}
    child_of = np.array(
        [pindex.get((d.parent if d is not None else None) or "", -1) for d in t.defs],
        dtype=np.int64,
    )
    parent_is = np.array([pindex.get(str(v), -1) for v in t.variables], dtype=np.int64)
    crow = child_of[t.vc]
    prow = parent_is[t.vc]
    cpos = np.flatnonzero(crow >= 0)
    ppos = np.flatnonzero(prow >= 0)
    if cpos.size == 0 or ppos.size == 0:
        return bad
    npar = len(parents)
    ckey = (t.rc[cpos].astype(np.int64) * t.ny + t.yc[cpos]) * npar + crow[cpos]
    pkey = (t.rc[ppos].astype(np.int64) * t.ny + t.yc[ppos]) * npar + prow[ppos]
    codes, n_bins = _group_codes(np.concatenate([ckey, pkey]))
    cc, pc = codes[: cpos.size], codes[cpos.size :]
    sums = np.bincount(cc, weights=t.value[cpos], minlength=n_bins)
    counts = np.bincount(cc, minlength=n_bins)
    psum = sums[pc]
    pcount = counts[pc]
    pval = t.value[ppos]
    n_kids = np.array([len(kids[p]) for p in parents], dtype=np.int64)[prow[ppos]]
    complete = pcount >= n_kids
    tol = _tolerance(pval, opts)
    over = (pcount > 0) & (psum - pval > tol)
    differs = (pcount > 0) & complete & (np.abs(psum - pval) > tol)
    flag = over | differs
    flagged = ppos[flag]
    bad[flagged] = True
    info = dict(  # for the messages: only the flagged rows
        zip(
            flagged.tolist(),
            zip(psum[flag].tolist(), pcount[flag].tolist(), n_kids[flag].tolist(), strict=True),
            strict=True,
        )
    )
    variable = t.label("variable")
    region = t.label("region")
    unit = t.label("unit")

    def message(i: int) -> str:
        s, c, k = info[i]
        listed = ", ".join(kids[variable[i]])
        if c >= k:
            what = f"the sum of its {k} components ({listed}) is {_fmt(s)}"
        else:
            what = (
                f"the {c} of its {k} components given ({listed}) already sum to {_fmt(s)}, "
                "more than the total"
            )
        return (
            f"{variable[i]} of {region[i]} in {t.year[i]} is {_fmt(t.value[i])} {unit[i]}, but "
            f"{what} (tolerance {opts['sum_rtol']:.1%}). Correct the total or the components."
        )

    _emit(
        collector,
        Code.CHILDREN_SUM_MISMATCH,
        t,
        flagged,
        message,
        expected=_LazyExpected(lambda i: _fmt(info[i][0])),
    )
    return bad


def _check_districts(t: _Table, collector: Collector, opts: dict[str, Any]) -> None:
    import pandas as pd

    from greenplan.definitions import Aggregation
    from greenplan.regions import CITY, districts

    comps = districts()
    n_comp = len(comps)
    additive = np.array(
        [d is not None and d.aggregation is Aggregation.SUM for d in t.defs], dtype=bool
    )
    is_comp = np.asarray(pd.Index(t.regions).isin(comps), dtype=bool)
    city_code = [k for k, r in enumerate(t.regions) if r == CITY]
    if not city_code or not is_comp.any() or not additive.any():
        return None
    add_row = additive[t.vc]
    drow = np.flatnonzero(is_comp[t.rc] & add_row)
    crow = np.flatnonzero((t.rc == city_code[0]) & add_row)
    if drow.size == 0 or crow.size == 0:
        return None
    dkey = t.yc[drow].astype(np.int64) * t.nv + t.vc[drow]
    ckey = t.yc[crow].astype(np.int64) * t.nv + t.vc[crow]
    codes, n_bins = _group_codes(np.concatenate([dkey, ckey]))
    dc, cc = codes[: drow.size], codes[drow.size :]
    sums = np.bincount(dc, weights=t.value[drow], minlength=n_bins)[cc]
    counts = np.bincount(dc, minlength=n_bins)[cc]
    city = t.value[crow]
    tol = _tolerance(city, opts)
    complete = counts >= n_comp
    flag = (counts > 0) & (
        (complete & (np.abs(sums - city) > tol)) | (~complete & (sums - city > tol))
    )
    flagged = crow[flag]
    info = dict(  # for the messages: only the flagged rows
        zip(
            flagged.tolist(),
            zip(sums[flag].tolist(), counts[flag].tolist(), strict=True),
            strict=True,
        )
    )
    variable = t.label("variable")
    unit = t.label("unit")

    def message(i: int) -> str:
        s, c = info[i]
        if c >= n_comp:
            what = f"its {n_comp} districts and counties sum to {_fmt(s)}"
        else:
            what = f"the {c} of {n_comp} districts and counties given already sum to {_fmt(s)}"
        return (
            f"{variable[i]} of {CITY} in {t.year[i]} is {_fmt(t.value[i])} {unit[i]}, but {what} "
            f"(tolerance {opts['sum_rtol']:.1%}). Check the city and the district figures "
            "(functional zones such as 高新区 are never summed)."
        )

    _emit(
        collector,
        Code.DISTRICTS_SUM_MISMATCH,
        t,
        flagged,
        message,
        expected=_LazyExpected(lambda i: _fmt(info[i][0])),
    )
    return None


def _check_yoy(t: _Table, collector: Collector, opts: dict[str, Any]) -> None:
    threshold = opts["yoy_threshold"]
    if t.n < 2 or not math.isfinite(threshold):
        return None
    series = t.rc.astype(np.int64) * t.nv + t.vc
    ymin = int(t.year.min())
    span = int(t.year.max()) - ymin + 1
    order = np.argsort(series * span + (t.year - ymin), kind="stable")
    s = series[order]
    y = t.year[order]
    v = t.value[order]
    same = (s[1:] == s[:-1]) & (y[1:] - y[:-1] == 1)
    prev = v[:-1]
    cur = v[1:]
    skip = np.isin(t.kind, ["rate", "index"])[t.vc[order][1:]]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (cur - prev) / np.abs(prev)
    flag = same & ~skip & (prev != 0) & (np.abs(change) > threshold)
    idx = np.flatnonzero(flag)
    if idx.size == 0:
        return None
    rows_cur = order[idx + 1]
    prev_of = dict(zip(rows_cur.tolist(), prev[idx].tolist(), strict=True))
    change_of = dict(zip(rows_cur.tolist(), change[idx].tolist(), strict=True))
    variable = t.label("variable")
    region = t.label("region")
    unit = t.label("unit")
    _emit(
        collector,
        Code.YOY_JUMP,
        t,
        np.sort(rows_cur),
        lambda i: (
            f"{variable[i]} of {region[i]} changes from {_fmt(prev_of[i])} in {t.year[i] - 1} to "
            f"{_fmt(t.value[i])} {unit[i]} in {t.year[i]} ({change_of[i]:+.0%}), more than the "
            f"±{threshold:.0%} threshold. Check the value and its unit (万 vs 亿); if the change "
            "is real, ignore this warning."
        ),
        expected=_LazyExpected(lambda i: f"within ±{threshold:.0%} of {_fmt(prev_of[i])}"),
    )
    return None


def _check_reported(t: _Table, collector: Collector, opts: dict[str, Any]) -> None:
    import pandas as pd

    from greenplan.indicators import INDICATORS

    if not any(str(v) in INDICATORS for v in t.variables):
        return None
    from greenplan.engine import reported_vs_computed

    canon = t.table.loc[:, ["region", "year", "variable", "value", "unit"]]
    diff = reported_vs_computed(canon, rtol=opts["reported_rtol"])
    if diff is None or len(diff) == 0:
        return None
    # the rows of the reported values: match (region, year, indicator) on integer codes
    rindex = {r: k for k, r in enumerate(t.regions)}
    vindex = {v: k for k, v in enumerate(t.variables)}
    yindex = {int(y): k for k, y in enumerate(t.years.tolist())}
    dr = np.array([rindex.get(r, -1) for r in diff["region"]], dtype=np.int64)
    dv = np.array([vindex.get(v, -1) for v in diff["indicator"]], dtype=np.int64)
    dy = np.array([yindex.get(int(y), -1) for y in diff["year"]], dtype=np.int64)
    dkey = (dr * t.ny + dy) * t.nv + dv
    dkey[(dr < 0) | (dv < 0) | (dy < 0)] = -1
    positions = pd.Series(np.arange(t.n), index=t.key())
    positions = positions[~positions.index.duplicated()]
    pos = positions.reindex(dkey).to_numpy()
    found = ~np.isnan(pos)
    rows = pos[found].astype(np.int64)
    computed = dict(
        zip(rows.tolist(), diff["computed"].to_numpy(dtype=float)[found].tolist(), strict=True)
    )
    unit = t.label("unit")
    variable = t.label("variable")
    region = t.label("region")

    def message(i: int) -> str:
        c = computed[i]
        rel = (t.value[i] - c) / abs(c) if c else math.inf
        return (
            f"{variable[i]} of {region[i]} in {t.year[i]} is reported as {_fmt(t.value[i])} "
            f"{unit[i]}, but its components give {_fmt(c)} ({rel:+.1%}); the computed value is "
            "used. Check the reported figure and the components."
        )

    order = np.argsort(rows, kind="stable")
    _emit(
        collector,
        Code.REPORTED_MISMATCH,
        t,
        rows[order],
        message,
        expected=_LazyExpected(lambda i: computed[i]),
    )
    return None


def _years_text(years: np.ndarray) -> str:
    """``2015–2018, 2020`` from sorted distinct years."""
    ys = np.asarray(years, dtype=np.int64)
    if ys.size == 0:
        return ""
    breaks = np.flatnonzero(np.diff(ys) != 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [ys.size - 1]])
    spans = [
        str(ys[a]) if a == b else f"{ys[a]}–{ys[b]}" for a, b in zip(starts, ends, strict=True)
    ]
    if len(spans) > 8:
        spans = [*spans[:4], "…", *spans[-3:]]
    return ", ".join(spans)


def _check_coverage(t: _Table, collector: Collector, opts: dict[str, Any]) -> None:
    import pandas as pd

    from greenplan.engine import coverage
    from greenplan.indicators import INDICATORS

    cov = coverage(t.table.loc[:, ["region", "year", "variable", "value", "unit"]])
    if cov is None or len(cov) == 0:
        return None
    present = {str(v) for v in t.variables}
    bins, n_bins = _group_codes(t.rc.astype(np.int64) * t.ny + t.yc)
    n_region_years = int(np.count_nonzero(np.bincount(bins, minlength=n_bins)))
    ic, inds = pd.factorize(cov["indicator"])
    rc, regs = pd.factorize(cov["region"])
    mc, miss = pd.factorize(cov["missing"].fillna(""))
    years = cov["year"].to_numpy(dtype=np.int64)
    per_indicator = np.bincount(ic, minlength=len(inds))
    nothing = np.zeros(len(inds), dtype=bool)
    for k, indicator in enumerate(inds):
        ind = INDICATORS.get(str(indicator))
        inputs = list(ind.inputs) if ind is not None else []
        if per_indicator[k] >= n_region_years and inputs and not (set(inputs) & present):
            nothing[k] = True
            name = f"{indicator} ({ind.name_zh})" if ind is not None else str(indicator)
            collector.add(
                Code.NOT_COMPUTABLE,
                f"{name} cannot be computed for any region-year: none of its inputs "
                f"({', '.join(inputs)}) is in the data.",
                variable=str(indicator),
                expected=", ".join(inputs),
                count=int(per_indicator[k]),
            )
    keep = ~nothing[ic]
    if not keep.any():
        return None
    ic, rc, mc, years = ic[keep], rc[keep], mc[keep], years[keep]
    group = ic.astype(np.int64) * len(regs) + rc
    # by group, then year: one stable sort of one integer key (rows come nearly in order)
    ymin = int(years.min())
    span = int(years.max()) - ymin + 1
    order = np.argsort(group * span + (years - ymin), kind="stable")
    group, years, mc = group[order], years[order], mc[order]
    ind_names, reg_names = [str(i) for i in inds], [str(r) for r in regs]
    bounds = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [group.size]])
    # per group (indicator × region), vectorised: its distinct years (sorted within the group)
    # and its distinct patterns of missing inputs, in pattern-code order
    gi = np.repeat(np.arange(starts.size, dtype=np.int64), ends - starts)
    new_year = np.ones(group.size, dtype=bool)
    new_year[1:] = (gi[1:] != gi[:-1]) | (years[1:] != years[:-1])
    distinct_years = years[new_year]
    year_cut = np.searchsorted(gi[new_year], np.arange(starts.size + 1))
    pairs = np.unique(gi * len(miss) + mc)
    pattern_of = pairs % len(miss)
    pattern_cut = np.searchsorted(pairs // len(miss), np.arange(starts.size + 1))
    for g, a in enumerate(starts.tolist()):
        k, r = divmod(int(group[a]), len(regs))
        indicator, region = ind_names[k], reg_names[r]
        ind = INDICATORS.get(indicator)
        name = f"{indicator} ({ind.name_zh})" if ind is not None else indicator
        missing: list[str] = []
        for m in pattern_of[pattern_cut[g] : pattern_cut[g + 1]].tolist():
            for code in str(miss[m]).split(";"):
                if code and code not in missing:
                    missing.append(code)
        ys = distinct_years[year_cut[g] : year_cut[g + 1]]
        need = ", ".join(missing) if missing else "its inputs"
        collector.add(
            Code.NOT_COMPUTABLE,
            f"{name} cannot be computed for {region} in {_years_text(ys)}: missing {need}. "
            "Submit them if the indicator is needed.",
            region=region,
            variable=indicator,
            year=int(ys[0]) if ys.size == 1 else None,
            expected=", ".join(missing) or None,
            count=int(ys.size),
        )
    return None

"""Findings: what is wrong in the statistics, where, and how to fix it.

A leaf module (it imports nothing from greenplan but :mod:`greenplan.errors`): the readers
(:mod:`greenplan.io`), the table checks (:mod:`greenplan.checks`) and :func:`greenplan.validate`
all report through a :class:`Collector`, and return a :class:`ValidationReport`.

Each finding has a stable ``code`` (:class:`Code`; :data:`CHECKS` gives its severity, meaning
and fix, listed for users in docs/data-format.md), a ``severity`` (``error``, ``warning`` or
``info``), a message that says what is wrong and how to fix it, and where: ``file``,
``sheet``, ``row``, ``column``, ``region``, ``year``, ``variable``, the offending ``value`` and
what was ``expected``.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, PrivateAttr

from greenplan._xlsx import solid_fill, write_table
from greenplan.errors import StatisticsError
from greenplan.messages import Message, is_lang, msg, render, render_all

__all__ = ["CHECKS", "Check", "Code", "Collector", "Finding", "Severity", "ValidationReport"]


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
    REPEATED_HEADER = "repeated_header"
    MERGED_CELLS = "merged_cells"
    FOOTNOTE = "footnote"
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
    PERCENT_FORMAT = "percent_format"
    # values
    NEGATIVE_VALUE = "negative_value"
    SHARE_OUT_OF_RANGE = "share_out_of_range"
    OUT_OF_BOUNDS = "out_of_bounds"
    PERCENT_SCALE = "percent_scale"
    # consistency between rows
    DUPLICATE_IDENTICAL = "duplicate_identical"
    DUPLICATE_CONFLICT = "duplicate_conflict"
    CHILDREN_SUM_MISMATCH = "children_sum_mismatch"
    DISTRICTS_SUM_MISMATCH = "districts_sum_mismatch"
    YOY_JUMP = "yoy_jump"
    REPORTED_MISMATCH = "reported_mismatch"
    RATE_MISMATCH = "rate_mismatch"
    NOT_COMPUTABLE = "not_computable"
    # greenplan itself
    CHECK_FAILED = "check_failed"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class Check:
    """What a finding code means: its severity, what it detects and how to fix it.

    ``title`` and ``fix`` are English; :meth:`text` gives either language (the texts are in
    the message catalogue, ``check.<code>.title`` and ``check.<code>.fix``).
    """

    code: Code
    severity: Severity
    title: str
    fix: str

    def text(self, part: Literal["title", "fix"], lang: str = "en") -> str:
        """Return the ``title`` or ``fix`` of the code in ``lang`` (``zh`` or ``en``)."""
        return render(Message(f"check.{self.code}.{part}"), lang)


_SEVERITIES: dict[Severity, tuple[Code, ...]] = {
    "error": (
        Code.UNREADABLE_FILE, Code.MISSING_DEPENDENCY, Code.EMPTY_FILE, Code.MISSING_SHEET,
        Code.MISSING_COLUMN, Code.MALFORMED_ROW, Code.REPEATED_HEADER, Code.UNKNOWN_VARIABLE,
        Code.UNKNOWN_REGION, Code.BAD_YEAR, Code.UNKNOWN_UNIT, Code.WRONG_DIMENSION,
        Code.NON_NUMERIC, Code.MISSING_VALUE, Code.UNKNOWN_FUEL, Code.BAD_USE, Code.BAD_MONTH,
        Code.NEGATIVE_VALUE, Code.SHARE_OUT_OF_RANGE, Code.DUPLICATE_CONFLICT,
        Code.CHILDREN_SUM_MISMATCH, Code.INTERNAL_ERROR,
    ),
    "warning": (
        Code.SHEET_SKIPPED, Code.UNIT_ASSUMED, Code.OUT_OF_BOUNDS, Code.PERCENT_SCALE,
        Code.DUPLICATE_IDENTICAL, Code.DISTRICTS_SUM_MISMATCH, Code.YOY_JUMP,
        Code.REPORTED_MISMATCH, Code.RATE_MISMATCH, Code.CHECK_FAILED,
    ),
    "info": (
        Code.COLUMN_IGNORED, Code.MERGED_CELLS, Code.FOOTNOTE, Code.PERCENT_FORMAT,
        Code.NOT_COMPUTABLE,
    ),
}  # fmt: skip
_SEVERITY_OF = {code: sev for sev, codes in _SEVERITIES.items() for code in codes}
_CODES = frozenset(str(c) for c in Code)

CHECKS: Mapping[Code, Check] = {
    code: Check(
        code,
        _SEVERITY_OF[code],
        render(Message(f"check.{code}.title")),
        render(Message(f"check.{code}.fix")),
    )
    for code in Code
}
"""Every finding code with its severity, meaning and fix (documented in docs/data-format.md)."""


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
    # the catalogue messages of ``message`` and ``expected`` (None: plain texts); one private
    # value, not one per text: pydantic initialises each private attribute of every finding
    # it validates (≈ 0.5 µs each)
    _catalogue: tuple[Message | None, Message | None] | None = PrivateAttr(default=None)

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``zh`` or ``en``), rendered from the catalogue."""
        source = self._messages()[0]
        return self.message if source is None else render(source, lang)

    def translated(self, lang: str) -> Finding:
        """Return a copy of the finding with its message in ``lang``."""
        source, expected = self._messages()
        update: dict[str, Any] = {}
        if source is not None:
            update["message"] = render(source, lang)
        if expected is not None:
            update["expected"] = render(expected, lang)
        return self.model_copy(update=update) if update else self

    def _messages(self) -> tuple[Message | None, Message | None]:
        """Return the catalogue messages of ``message`` and ``expected`` (None: plain texts).

        Read from the model's private values in one lookup: ``self._catalogue`` goes through
        ``__getattr__`` after a failed attribute lookup (≈ 0.8 µs).
        """
        private = self.__pydantic_private__ or {}
        return private.get("_catalogue") or (None, None)

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


class Coded:
    """Texts of a coded column, ``uniques[codes[i]]``, computed only when a finding asks."""

    def __init__(self, codes: np.ndarray, uniques: Sequence[Any]) -> None:
        self.codes = codes
        self.uniques = uniques

    def __getitem__(self, i: int) -> Any:
        return self.uniques[int(self.codes[i])]


class Lazy:
    """A per-row value ``fn(i)``, computed only when a finding asks for it."""

    def __init__(self, fn: Callable[[int], Any]) -> None:
        self.fn = fn

    def __getitem__(self, i: int) -> Any:
        return self.fn(int(i))


def short(exc: BaseException | None) -> str:
    """First line of an exception's text (at most 200 characters), or its type's name."""
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return (text or type(exc).__name__)[:200]


def _text(v: Any) -> str:
    """Readable text of a cell value for messages."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:g}"
    return str(v)


_TEXT_FIELDS = frozenset({"region", "variable", "column", "file", "sheet"})
_INT_FIELDS = frozenset({"year", "row"})
_VALUE_FIELDS = frozenset({"value", "expected"})
_CODE_OF: dict[Any, Code] = {**{c: c for c in Code}, **{str(c): c for c in Code}}
"""A finding code by itself or by its text (``Code(…)`` costs more than this lookup)."""


def _value(v: Any) -> Any:
    """Return a ``value``/``expected`` as a finding holds it: a number, a text or None."""
    if isinstance(v, np.generic):
        return v.item()
    if v is not None and not isinstance(v, str | float | int):
        return str(v)
    return v


_KEPT_AS_IS: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("file", "sheet", "column", "region", "variable"), (str,)),
    **dict.fromkeys(("row", "year", "count"), (int,)),
    **dict.fromkeys(("value", "expected"), (str, float)),
}
"""The optional fields of :class:`Finding`, each with the exact types its validation keeps as
they are (an ``int`` value becomes a float, a ``bool`` row an int, a ``str`` subclass a str)."""

_KEPT: frozenset[tuple[str, type]] = frozenset(
    (name, kind) for name, kinds in _KEPT_AS_IS.items() for kind in kinds
)
"""(field, type) pairs of :data:`_KEPT_AS_IS`: one lookup per field of a finding."""

_FIELDS: dict[str, Any] = {
    "code": None,
    "severity": None,
    "message": None,
    **{n: f.default for n, f in Finding.model_fields.items() if not f.is_required()},
}
"""Every field of :class:`Finding` in the model's order, the optional ones with their defaults
(the required ones are given for each finding)."""

_REQUIRED = {"code", "severity", "message"}
"""The required fields (a set: ``set.union`` gives a new set, as pydantic keeps the fields set)."""

_set_attr = object.__setattr__


def _finding(
    code: str,
    severity: Severity,
    message: str,
    where: Mapping[str, Any],
    catalogue: tuple[Message | None, Message | None] | None,
) -> Finding:
    """Return the :class:`Finding` of these fields, with its catalogue messages.

    ``code`` and ``severity`` must be a :class:`Code`'s text and severity, ``message`` a
    text. When every field of ``where`` holds a type its validation keeps as it is (see
    :data:`_KEPT_AS_IS`), the finding is built as ``Finding.model_construct`` builds one (the
    model's documented attributes set directly: ≈ 2 µs instead of ≈ 3.7 µs for pydantic's
    validation and private attributes, for hundreds of findings a run), and it equals the
    validated one in every respect (a test compares them field by field, with the fields set,
    the private value, the JSON and the ``repr``); any other value is validated by pydantic,
    which converts or rejects it as it always does.
    """
    for item in where.items():
        if (item[0], type(item[1])) not in _KEPT:
            finding = Finding(code=code, severity=severity, message=message, **where)
            if catalogue is not None:
                finding._catalogue = catalogue
            return finding
    values = _FIELDS.copy()
    values["code"] = code
    values["severity"] = severity
    values["message"] = message
    values.update(where)
    finding = Finding.__new__(Finding)
    _set_attr(finding, "__dict__", values)
    _set_attr(finding, "__pydantic_fields_set__", _REQUIRED.union(where))
    _set_attr(finding, "__pydantic_extra__", None)
    _set_attr(finding, "__pydantic_private__", {"_catalogue": catalogue})
    return finding


class Collector:
    """Gathers findings; lists at most ``max_findings`` per (code, file, sheet) one by one.

    Beyond that, rows with the same problem are summarised in one finding whose ``count`` is
    the number of rows (so a million bad rows make a readable report, not a million lines).
    """

    def __init__(self, max_findings: int = 50) -> None:
        self.findings: list[Finding] = []
        self.max_findings = max(1, int(max_findings))
        self._listed: Counter[tuple[str, str, str]] = Counter()

    def add(self, code: Code | str, message: Message | str, **where: Any) -> None:
        """Add one finding (``where``: file, sheet, row, column, region, year, …).

        ``message`` is a catalogue :class:`~greenplan.messages.Message` (its English text is
        the finding's ``message``; :meth:`ValidationReport.translated` renders it in Chinese).
        """
        fields: dict[str, Any] = {}
        for key, v in where.items():
            if v is None:
                continue
            if key in _TEXT_FIELDS:
                v = v if type(v) is str else _text(v)
            elif key in _INT_FIELDS:
                v = int(v)
            elif key in _VALUE_FIELDS:
                v = render(v) if isinstance(v, Message) else _value(v)
            fields[key] = v
        expected = where.get("expected")
        known = _CODE_OF.get(code) or Code(code)
        source = message if isinstance(message, Message) else None
        catalogue = None
        if source is not None or isinstance(expected, Message):
            catalogue = (source, expected if isinstance(expected, Message) else None)
        self.findings.append(
            _finding(str(known), _SEVERITY_OF[known], render(message), fields, catalogue)
        )

    def add_many(
        self, code: Code | str, found: Sequence[tuple[Message, Mapping[str, Any]]]
    ) -> None:
        """Add findings of one ``code``: each a catalogue message and where it is.

        :meth:`add` for a check that reports many findings at once, with less work per
        finding: the messages are rendered together (each key looked up once), and no
        validation for places that hold what a :class:`Finding` holds, as it holds it (Python
        texts and ints, a ``value`` or ``expected`` text or float; a field without a value left
        out rather than None; an ``expected`` that is a message needs :meth:`add`). Any other
        place is validated as :meth:`add` validates it; the findings equal those :meth:`add`
        makes of the same arguments.

        Examples
        --------
        >>> from greenplan.messages import msg
        >>> c = Collector()
        >>> c.add_many(Code.NOT_COMPUTABLE, [(msg("validation.its_inputs"), {"count": 2})])
        >>> c.findings[0].count, c.findings[0].text("zh")
        (2, '其输入项')
        """
        if not found:
            return
        known = _CODE_OF.get(code) or Code(code)
        code_text, severity = str(known), _SEVERITY_OF[known]
        texts = render_all(message for message, _ in found)
        self.findings.extend(
            _finding(code_text, severity, text, where, (message, None))
            for text, (message, where) in zip(texts, found, strict=True)
        )

    def add_rows(
        self,
        code: Code | str,
        positions: np.ndarray,
        message: Callable[[int], Message | str],
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
            if obj is None or isinstance(obj, str | int | float | np.generic | Message):
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
                msg(
                    "diagnostics.more_rows",
                    n=int(rest.size),
                    code=str(code),
                    rows=shown,
                    more=more,
                    fix=msg(f"check.{code}.fix"),
                ),
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
        The canonical long table of the accepted rows (:func:`greenplan.validate` makes it
        when it is first asked for: checking needs only integer codes of its texts).
    options : dict
        The options the checks ran with.
    lang : {"en", "zh"}
        Language of the findings' messages and of the renderings (:meth:`translated` gives
        the report in the other language).
    """

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        rows_read: int = 0,
        rows_accepted: int = 0,
        sources: Sequence[str] = (),
        table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
        options: Mapping[str, Any] | None = None,
        lang: str = "en",
    ) -> None:
        if not is_lang(lang):
            raise ValueError(f"lang {lang!r}: expected 'zh' or 'en'")
        self.lang = lang
        self.findings: list[Finding] = sorted(findings, key=_sort_key)
        self.rows_read = int(rows_read)
        self.rows_accepted = int(rows_accepted)
        self.sources = list(sources)
        self._table = table if table is None or not callable(table) else _Once(table)
        self.options = dict(options or {})

    @property
    def table(self) -> pd.DataFrame | None:
        """The canonical long table of the accepted rows (made when first asked for)."""
        table = self._table
        return table() if isinstance(table, _Once) else table

    @table.setter
    def table(self, value: pd.DataFrame | None) -> None:
        self._table = value

    def __getstate__(self) -> dict[str, Any]:
        # a pickled report carries its table (the function that makes it cannot be pickled)
        state = dict(self.__dict__)
        state["_table"] = self.table
        return state

    def translated(self, lang: str | None) -> ValidationReport:
        """Return the same report with every message in ``lang`` (``zh``/``en``; None: as is)."""
        if lang is None or lang == self.lang:
            return self
        if not is_lang(lang):
            raise ValueError(f"lang {lang!r}: expected 'zh' or 'en'")
        out = ValidationReport(
            [f.translated(lang) for f in self.findings],
            rows_read=self.rows_read,
            rows_accepted=self.rows_accepted,
            sources=self.sources,
            table=self._table,
            options=self.options,
            lang=lang,
        )
        return out

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

    def __iter__(self) -> Iterator[Finding]:
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
        cols = list(Finding.model_fields)
        data = [f.model_dump() for f in self.findings]
        frame = pd.DataFrame(data, columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        frame["year"] = frame["year"].astype("Int64")
        frame["value"] = frame["value"].astype(object)
        frame["expected"] = frame["expected"].astype(object)
        return frame

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """Return a JSON-ready dict, ``summary`` and ``findings`` (messages in ``lang``)."""
        report = self.translated(lang)
        return {"summary": report.summary(), "findings": [_clean(f) for f in report.findings]}

    def to_json(self, indent: int | None = 2, lang: str | None = None) -> str:
        """Return the report as JSON (Chinese kept as is; messages in ``lang``)."""
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent, allow_nan=False)

    def to_junit(self, strict: bool = False, lang: str | None = None) -> str:
        """Return the report as JUnit XML, for CI systems.

        One ``<testsuite>`` per source; in each, one ``<testcase>`` per check code. A check
        fails when it has an error in that source (and, with ``strict``, a warning); other
        findings are listed in ``<system-out>``.
        """
        return _junit(self.translated(lang), strict)

    def to_excel(self, path_or_buffer: Any, lang: str = "zh") -> None:
        """Write the report as an Excel workbook (needs openpyxl, the ``excel`` extra).

        Sheets: a summary (counts per code and severity, rows read/accepted/rejected) and the
        findings (:data:`FINDING_COLUMNS`, with each code's fix), each with a frozen header
        row and an autofilter; severities are coloured. ``lang`` (``zh`` or ``en``) names
        the sheets and the summary columns.
        """
        _excel(self.translated(lang), path_or_buffer, lang)

    def to_text(
        self, max_findings: int | None = None, infos: bool | None = None, lang: str | None = None
    ) -> str:
        """Render the report as text: a summary line, then the findings grouped by file.

        Parameters
        ----------
        max_findings : int, optional
            List at most this many findings.
        infos : bool, optional
            List info findings one by one; by default only when there are at most 20 of
            them, otherwise they are counted by code (see :meth:`to_frame` for all).
        lang : {"zh", "en"}, optional
            Language of the text (default: the report's, :attr:`lang`).
        """
        return _text_report(self.translated(lang), max_findings, infos)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<ValidationReport ok={self.ok} errors={c['error']} warnings={c['warning']} "
            f"info={c['info']} rows_read={self.rows_read} rows_accepted={self.rows_accepted}>"
        )

    def _repr_html_(self) -> str:
        return _html(self)

    def raise_for_errors(self) -> None:
        """Raise :class:`~greenplan.errors.StatisticsError` carrying this report if not ok."""
        if not self.ok:
            raise StatisticsError(self)


class _Once:
    """A value made by ``make()`` on the first call, the same object on every later call.

    Shared by a report and its :meth:`~ValidationReport.translated` copies, so they hold one
    table, made at most once.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make: Callable[[], Any] | None = make
        self._value: Any = None

    def __call__(self) -> Any:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


def _sort_key(f: Finding) -> tuple[Any, ...]:
    fields = f.__dict__  # the model's values: one lookup each, not an attribute search each
    file, row, year = fields["file"], fields["row"], fields["year"]
    return (
        file == "",
        file,
        fields["sheet"],
        -1 if row is None else row,
        _SEVERITY_ORDER[fields["severity"]],
        fields["code"],
        fields["column"],
        fields["variable"],
        fields["region"],
        -1 if year is None else year,
    )


def _clean(f: Finding) -> dict[str, Any]:
    d = f.model_dump()
    for k in ("value", "expected"):
        v = d[k]
        if isinstance(v, float) and not math.isfinite(v):
            d[k] = str(v)
    return d


# --- renderings (pure functions of the report) ---------------------------------------------


def _xml_escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for XML character data."""
    return html.escape(text, quote=False)


def _xml_attr(text: str) -> str:
    """Quote an XML attribute value (as ``xml.sax.saxutils.quoteattr``, without its import)."""
    body = html.escape(text, quote=True)
    return '"' + body.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _junit(report: ValidationReport, strict: bool) -> str:
    failing = {"error", "warning"} if strict else {"error"}
    groups: dict[str, list[Finding]] = {s: [] for s in report.sources}
    for f in report.findings:
        groups.setdefault(f.file or "(all sources)", []).append(f)
    if not groups:
        groups["(no sources)"] = []
    suites = []
    total_tests = total_fail = 0
    for name, items in groups.items():
        cases = []
        n_fail = 0
        for check in CHECKS.values():
            mine = [f for f in items if f.code == check.code]
            bad = [f for f in mine if f.severity in failing]
            body = "\n".join(str(f) for f in mine)
            classname = _xml_attr(f"greenplan.validate.{name}")
            head = f"<testcase classname={classname} name={_xml_attr(str(check.code))}"
            if bad:
                n_fail += 1
                msg = _xml_attr(
                    render(
                        Message(
                            "diagnostics.junit_failure", {"n": len(bad), "first": bad[0].message}
                        ),
                        report.lang,
                    )
                )
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


def _text_report(report: ValidationReport, max_findings: int | None, infos: bool | None) -> str:
    c, lang = report.counts, report.lang

    def t(key: str, **params: Any) -> str:
        return render(msg(f"diagnostics.{key}", **params), lang)

    lines = [
        t(
            "summary",
            status=t("ok" if report.ok else "failed"),
            errors=c["error"],
            warnings=c["warning"],
            infos=c["info"],
        ),
        t(
            "rows",
            sources=len(report.sources),
            read=report.rows_read,
            accepted=report.rows_accepted,
            rejected=report.rows_rejected,
        ),
    ]
    listed = report.findings
    info_note = ""
    n_info = c["info"]
    if infos is False or (infos is None and n_info > 20):
        listed = [f for f in report.findings if f.severity != "info"]
        if n_info:
            per_code = Counter(f.code for f in report.findings if f.severity == "info")
            counts = [f"{n} {code}" for code, n in sorted(per_code.items())]
            info_note = "\n" + t("info_note", counts=", ".join(counts))
    shown = listed if max_findings is None else listed[:max_findings]
    current: tuple[str, str] | None = None
    for f in shown:
        group = (f.file, f.sheet)
        if group != current:
            current = group
            title = f.file or t("all_sources")
            if f.sheet:
                title += t("sheet", sheet=f.sheet)
            lines.append("")
            lines.append(title)
        where = []
        if f.row is not None:
            where.append(t("row", row=f.row))
        if f.column:
            where.append(t("column", column=f.column))
        place = t("place", where=("，" if lang == "zh" else ", ").join(where)) if where else ""
        lines.append(f"  {place}{t(f.severity)} [{f.code}] {f.message}")
    if len(shown) < len(listed):
        lines.append("\n" + t("more", n=len(listed) - len(shown)))
    if info_note:
        lines.append(info_note)
    return "\n".join(lines) + "\n"


def _html(report: ValidationReport) -> str:
    """Errors and warnings in a table; info findings grouped by code, each expandable."""
    c, lang = report.counts, report.lang
    colour = {"error": "#b00020", "warning": "#a06000", "info": "#305080"}

    def t(key: str, **params: Any) -> str:
        return html.escape(render(msg(f"diagnostics.{key}", **params), lang))

    rows = t(
        "html_rows",
        read=report.rows_read,
        accepted=report.rows_accepted,
        rejected=report.rows_rejected,
    )
    head = (
        f"<p><b>{t('html_title', status=t('ok' if report.ok else 'failed'))}</b> — "
        f"<span style='color:{colour['error']}'>{t('n_errors', n=c['error'])}</span>, "
        f"<span style='color:{colour['warning']}'>{t('n_warnings', n=c['warning'])}</span>, "
        f"{t('n_infos', n=c['info'])} · "
        f"{rows}</p>"
    )
    if not report.findings:
        return head
    real = [f for f in report.findings if f.severity != "info"]
    infos: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.severity == "info":
            infos.setdefault(f.code, []).append(f)
    parts = [head]
    if real:
        parts.append(_html_table(real[:500], colour, lang))
        if len(real) > 500:
            parts.append(f"<p>{t('html_more', n=len(real) - 500)}</p>")
    if infos:
        groups = []
        for code, items in sorted(infos.items()):
            title = html.escape(CHECKS[Code(code)].text("title", lang)) if code in set(Code) else ""
            more = f"<p>{t('html_more', n=len(items) - 200)}</p>" if len(items) > 200 else ""
            groups.append(
                f"<details><summary><b>{len(items)}</b> {html.escape(code)} — {title}</summary>"
                f"{_html_table(items[:200], colour, lang)}{more}</details>"
            )
        total = sum(len(v) for v in infos.values())
        parts.append(
            f"<details><summary>{t('html_infos', n=total)}</summary>"
            + "".join(groups)
            + "</details>"
        )
    return "".join(parts)


def _html_table(findings: Sequence[Finding], colour: Mapping[str, str], lang: str) -> str:
    # severity, code, then where (file … expected, the fields of Finding), then the message
    cols = ["severity", "code", *list(Finding.model_fields)[3:-1], "message"]
    rows = []
    for f in findings:
        cells = []
        for col in cols:
            v = getattr(f, col)
            text = html.escape(_text(v))
            if col == "severity":
                label = html.escape(render(msg(f"diagnostics.{f.severity}"), lang))
                text = f"<b style='color:{colour[f.severity]}'>{label}</b>"
            style = "text-align:left" + (";min-width:30em" if col == "message" else "")
            cells.append(f"<td style='{style}'>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(
        f"<th style='text-align:left'>{html.escape(_field(c, lang))}</th>" for c in cols
    )
    body = "".join(rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


FINDING_COLUMNS: tuple[str, ...] = (
    "file", "sheet", "row", "column", "code", "severity", "message", "fix",
    "region", "year", "variable", "value", "expected",
)  # fmt: skip
"""Columns of the findings sheet of :meth:`ValidationReport.to_excel`, in order."""


def _field(name: str, lang: str) -> str:
    """Header of a finding field (``file``, ``row`` …) in ``lang``."""
    return render(msg(f"diagnostics.field.{name}"), lang)


_SEVERITY_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}


def _excel(report: ValidationReport, target: Any, lang: str) -> None:
    """Write the validation workbook: summary (counts per code and severity), findings."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang {lang!r}: expected 'zh' or 'en'")
    try:
        import openpyxl
    except ImportError as exc:
        raise ImportError("writing .xlsx needs openpyxl: pip install 'greenplan[excel]'") from exc

    def fill(ws: Any, row: int, col: int, severity: str) -> None:
        ws.cell(row=row, column=col).fill = solid_fill(_SEVERITY_FILL.get(severity, "FFFFFF"))

    def t(key: str, **params: Any) -> str:
        return render(msg(f"diagnostics.{key}", **params), lang)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = t("sheet_summary")
    n_findings: dict[tuple[str, str], int] = {}
    n_rows: dict[tuple[str, str], int] = {}
    for f in report.findings:
        key = (str(f.code), str(f.severity))
        n_findings[key] = n_findings.get(key, 0) + 1
        n_rows[key] = n_rows.get(key, 0) + f.count
    rows = [[c, t(s), n, n_rows[(c, s)]] for (c, s), n in sorted(n_findings.items())]
    write_table(ws, [t("xl_code"), t("xl_severity"), t("xl_findings"), t("xl_rows")], rows)
    for i, ((_, sev), _n) in enumerate(sorted(n_findings.items()), start=2):
        fill(ws, i, 2, sev)
    ws.append([])
    ws.append([t("xl_rows_read"), report.rows_read])
    ws.append([t("xl_rows_accepted"), report.rows_accepted])
    ws.append([t("xl_rows_rejected"), report.rows_rejected])
    ws = wb.create_sheet(t("sheet_findings"))
    frows = []
    for f in report.findings:
        d = f.model_dump()
        d["severity"] = t(f.severity)
        d["fix"] = CHECKS[Code(f.code)].text("fix", lang) if f.code in _CODES else ""
        frows.append([None if d.get(c) == "" else d.get(c) for c in FINDING_COLUMNS])
    write_table(ws, [_field(c, lang) for c in FINDING_COLUMNS], frows)
    col = FINDING_COLUMNS.index("severity") + 1
    for i, f in enumerate(report.findings, start=2):
        fill(ws, i, col, str(f.severity))
    wb.save(target)

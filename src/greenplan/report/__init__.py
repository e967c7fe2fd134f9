"""The progress report: every target of the plan, by chapter, in text, Markdown, HTML or JSON.

:func:`build_report` turns the output of :func:`greenplan.assess` into a :class:`Report`, a
JSON-ready model (``report.model``) that follows ``resources/report_schema.json`` (draft
2020-12; ``greenplan schema`` prints it). The report renders itself as terminal text
(CJK-width aware), Markdown, one self-contained HTML file or JSON, in Chinese or English.
:func:`generate_report` runs the whole chain (read, compute, assess, build) on the Jinan data
that ships with greenplan or on the files given.

Per target the report gives the baseline (year, value), the latest value (year, value), the
target, completion (完成进度), time elapsed (序时进度), the status, the change still needed
per year, and notes ("no data", "target not set", presets available …). Figures whose source
row carries a ``[D]`` (derived) or ``[?]``/``[M]`` (unverified) tag in the ``note`` column of
the statistics are flagged, so nobody mistakes an estimate for a published figure.

Examples
--------
>>> from greenplan.report import generate_report
>>> report = generate_report()                      # doctest: +SKIP
>>> print(report.to_text(lang="en"))                # doctest: +SKIP
>>> report.model["summary"]["counts"]["achieved"]   # doctest: +SKIP

Modules: :mod:`.model` (building the report data, and the whole chain), :mod:`.renderers`
(text, Markdown, HTML, JSON), :mod:`.excel` (the ``.xlsx`` workbook, ``Report.to_excel``) and
:mod:`.style` (status colours and labels, widths, formats,
and ``style(df)``, the coloured notebook display of an assessment).
"""

from __future__ import annotations

from greenplan.report.model import (
    CHAPTERS,
    CONFIDENCE_TAGS,
    FORMATS,
    LANGS,
    PLAN,
    SCHEMA_VERSION,
    Report,
    build_report,
    chapter_of,
    confidence_of_note,
    generate_report,
    load_schema,
    shipped_data_paths,
    split_options,
)
from greenplan.report.style import STATUS_COLOURS, display_width, status_labels

__all__ = [
    "CHAPTERS",
    "CONFIDENCE_TAGS",
    "FORMATS",
    "LANGS",
    "PLAN",
    "SCHEMA_VERSION",
    "STATUS_COLOURS",
    "Report",
    "build_report",
    "chapter_of",
    "confidence_of_note",
    "display_width",
    "generate_report",
    "load_schema",
    "shipped_data_paths",
    "split_options",
    "status_labels",
]

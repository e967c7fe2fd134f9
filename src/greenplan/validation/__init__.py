"""Validation of raw statistics: every problem, with a stable code and its place in the file.

:func:`validate` = the readers (:mod:`greenplan.io`) + the table checks
(:mod:`greenplan.checks`) + the consistency checks against the compute engine (reported vs
computed indicators, coverage), which only it runs. It never raises for bad data: an
unreadable file, a wrong header, a value that is not a number … all become findings of a
:class:`~greenplan.diagnostics.ValidationReport` (codes, severities and fixes in
:data:`~greenplan.diagnostics.CHECKS` and docs/data-format.md).

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

import math
from typing import Any

import numpy as np
import pandas as pd

from greenplan import engine
from greenplan.checks import (
    DEFAULT_OPTIONS,
    OPTIONS,
    Table,
    emit,
    fmt,
    group_codes,
    guarded,
    resolve_options,
)
from greenplan.consistency import (
    ANNUAL_SUFFIX,
    CUMULATIVE_SUFFIX,
    disagreeing_rates,
    half_step,
)
from greenplan.diagnostics import (
    CHECKS,
    Check,
    Code,
    Collector,
    Finding,
    Lazy,
    Severity,
    ValidationReport,
)
from greenplan.indicators import INDICATORS
from greenplan.indicators.registry import Inputs
from greenplan.io import make_report, read_and_check
from greenplan.messages import LANGS, Message, msg
from greenplan.options import OptionSpec
from greenplan.plans import default_plan
from greenplan.records.checks import check_fuel_records, is_fuel_records
from greenplan.validation.shared import inputs_of_table, rate_levels

__all__ = [
    "CHECKS",
    "DEFAULT_OPTIONS",
    "OPTIONS",
    "Check",
    "Code",
    "Collector",
    "Finding",
    "Severity",
    "ValidationReport",
    "resolve_options",
    "validate",
]


_LANG = OptionSpec(
    "lang",
    None,
    "language of the findings' messages: 'zh' (中文) or 'en' (English); None: English",
    choices=LANGS,
)


def validate(*sources: Any, lang: str | None = None, **options: Any) -> ValidationReport:
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
    lang : {"zh", "en"}, optional
        Language of the findings' messages (and of ``report.to_text()`` …): ``"zh"``
        (中文) or ``"en"`` (English). The default, None, is English: the stable language
        of the API, whatever the locale (the command line follows the locale instead).
        ``report.translated(lang)`` gives the report in the other language.

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when no finding is an error; ``report.table`` is the canonical
        long table of the accepted rows; ``report.lang`` the language of its messages.

    Raises
    ------
    OptionError
        Only for an unknown option, a bad option value or a ``lang`` other than ``"zh"``
        and ``"en"`` (a programming error, not bad data).

    Examples
    --------
    >>> import greenplan as gp
    >>> report = gp.validate("submissions/")          # doctest: +SKIP
    >>> print(report)                                  # doctest: +SKIP
    >>> report.to_frame().query("severity == 'error'")  # doctest: +SKIP
    >>> gp.validate("submissions/", lang="zh").to_text()  # doctest: +SKIP
    """
    if lang is not None:
        _LANG.validate(lang)
    if is_fuel_records(sources, options):  # record-level tables: checked in their engine
        found = check_fuel_records(*sources, **options)
        return ValidationReport(
            found.findings,
            rows_read=found.rows_read,
            rows_accepted=found.rows_accepted,
            sources=found.sources,
            options=found.options,
        ).translated(lang)
    options = {k: v for k, v in options.items() if k != "kind"}
    opts = resolve_options(options)
    result, collector, checked = read_and_check(sources, opts)
    if checked.unique is not None:
        t, shared = checked.unique, _SharedInputs(checked.unique)
        if opts["check_reported"]:
            guarded(collector, "reported vs computed", _check_reported, t, collector, opts, shared)
        if opts["check_coverage"]:
            guarded(collector, "coverage", _check_coverage, t, collector, shared)
        if opts["check_reported"]:
            guarded(collector, "published rates vs levels", _check_rates, t, collector, shared)
    report = make_report(result, collector, checked, opts)
    return report.translated(lang)


class _SharedInputs:
    """The engine's inputs of the table, made once: the engine checks share one computation."""

    def __init__(self, t: Table) -> None:
        self._t = t
        self._inputs: Inputs | None = None

    def __call__(self) -> Inputs:
        if self._inputs is None:
            self._inputs = inputs_of_table(self._t)
        return self._inputs


def _check_reported(
    t: Table, collector: Collector, opts: dict[str, Any], shared: _SharedInputs
) -> None:
    """Report indicators given directly that differ from the value computed from components."""
    if not any(str(v) in INDICATORS for v in t.variables):
        return None
    diff = engine.reported_vs_computed(shared(), rtol=opts["reported_rtol"])
    if diff is None or len(diff) == 0:
        return None
    # the rows of the reported values: match (region, year, indicator) on integer codes
    rows, found = _rows_of(t, diff["region"], diff["year"], diff["indicator"])
    computed = dict(
        zip(rows.tolist(), diff["computed"].to_numpy(dtype=float)[found].tolist(), strict=True)
    )

    def message(i: int) -> Message:
        c = computed[i]
        rel = (t.value[i] - c) / abs(c) if c else math.inf
        return msg(
            "validation.reported_mismatch",
            **t.observation(i),
            computed=fmt(c),
            change=f"{rel:+.1%}",
        )

    order = np.argsort(rows, kind="stable")
    emit(
        collector,
        Code.REPORTED_MISMATCH,
        t,
        rows[order],
        message,
        expected=Lazy(lambda i: computed[i]),
    )
    return None


def _rows_of(
    t: Table, regions: pd.Series, years: pd.Series, variables: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``t`` holding each (region, year, variable), and which were found."""
    rindex = {r: k for k, r in enumerate(t.regions)}
    vindex = {v: k for k, v in enumerate(t.variables)}
    yindex = {int(y): k for k, y in enumerate(t.years.tolist())}
    dr = np.array([rindex.get(r, -1) for r in regions], dtype=np.int64)
    dv = np.array([vindex.get(v, -1) for v in variables], dtype=np.int64)
    dy = np.array([yindex.get(int(y), -1) for y in years], dtype=np.int64)
    dkey = (dr * t.ny + dy) * t.nv + dv
    dkey[(dr < 0) | (dv < 0) | (dy < 0)] = -1
    positions = pd.Series(np.arange(t.n), index=t.key())
    positions = positions[~positions.index.duplicated()]
    pos = positions.reindex(dkey).to_numpy()
    found = ~np.isnan(pos)
    return pos[found].astype(np.int64), found


_RATE_DECIMALS = 1
"""Decimals of the published rates (one: −8.0 %), whose rounding a disagreement must exceed."""


def _rate_message(variable: str, year: int, reported: float, derived: float, base: int) -> Message:
    """Build the ``rate_mismatch`` message of a published rate and the rate its levels give."""
    if variable.endswith(ANNUAL_SUFFIX):
        level, reference = variable.removesuffix(ANNUAL_SUFFIX), year - 1
    else:
        level, reference = variable.removesuffix(CUMULATIVE_SUFFIX), base
    return msg(
        "validation.rate_mismatch",
        variable=variable,
        year=year,
        reported=f"{reported:g}",
        level=level,
        derived=f"{derived:.2f}",
        reference_year=reference,
        rounding=f"{half_step(_RATE_DECIMALS):g}",
    )


def _check_rates(t: Table, collector: Collector, shared: _SharedInputs) -> None:
    """Report published rates that disagree with the levels beyond their rounding."""
    rates = np.array([str(v).endswith(CUMULATIVE_SUFFIX) for v in t.variables], dtype=bool)
    if not rates.any():
        return None
    # only the rate rows, and the levels of only the indicators they are rates of: the rest
    # of the table cannot disagree; each rate's two levels found by codes, not texts
    keep = np.flatnonzero(rates[t.vc])
    base = default_plan().base_year
    now, ref, ref_year = rate_levels(shared(), t, keep, base)
    year, reported = t.year[keep], t.value[keep]
    bad, derived = disagreeing_rates(reported, now, ref, year, ref_year, decimals=_RATE_DECIMALS)
    if bad.size == 0:
        return None
    at = {int(row): int(k) for row, k in zip(keep[bad].tolist(), bad.tolist(), strict=True)}

    def message(i: int) -> Message:
        k = at[i]
        return _rate_message(
            t.text("variable", i), int(year[k]), float(reported[k]), float(derived[k]), base
        )

    emit(
        collector,
        Code.RATE_MISMATCH,
        t,
        keep[bad],
        message,
        expected=Lazy(lambda i: float(derived[at[i]])),
    )
    return None


def _years_text(years: np.ndarray) -> str:
    """``2015–2018, 2020`` from sorted distinct years."""
    return ", ".join(_year_spans(years))


def _year_spans(years: np.ndarray) -> list[str]:
    """``["2015–2018", "2020"]`` from sorted distinct years (at most 8 spans, with "…")."""
    # called once per (indicator, region): the breaks from numpy only for long series, the
    # spans in plain Python (numpy's per-call overhead was most of the check's own time)
    arr = np.asarray(years, dtype=np.int64)
    if arr.size == 0:
        return []
    ys: list[int] = arr.tolist()
    if len(ys) > 64:
        breaks: list[int] = np.flatnonzero(np.diff(arr) != 1).tolist()
    else:
        breaks = [k for k in range(len(ys) - 1) if ys[k + 1] != ys[k] + 1]
    starts = [0, *(b + 1 for b in breaks)]
    ends = [*breaks, len(ys) - 1]
    spans = [
        str(ys[a]) if a == b else f"{ys[a]}–{ys[b]}" for a, b in zip(starts, ends, strict=True)
    ]
    if len(spans) > 8:
        spans = [*spans[:4], "…", *spans[-3:]]
    return spans


def _check_coverage(t: Table, collector: Collector, shared: _SharedInputs) -> None:
    """Report the indicators that cannot be computed, by region, with their missing inputs."""
    x = shared()
    cov = engine.coverage_codes(x)
    if cov.row.size == 0:
        return None
    present = {str(v) for v in t.variables}
    bins, n_bins = group_codes(t.region_year)
    n_region_years = int(np.count_nonzero(np.bincount(bins, minlength=n_bins)))
    inds = cov.indicators
    per_indicator = np.bincount(cov.indicator, minlength=len(inds))
    ind_names = [str(i) for i in inds]
    defs = [INDICATORS.get(i) for i in ind_names]
    titles = [
        f"{i} ({d.name_zh})" if d is not None else i for i, d in zip(ind_names, defs, strict=True)
    ]
    kept: list[int] = []
    anywhere: list[tuple[Message, dict[str, Any]]] = []
    for k, (indicator, ind, count) in enumerate(
        zip(ind_names, defs, per_indicator.tolist(), strict=True)
    ):
        inputs = list(ind.inputs) if ind is not None else []
        if count >= n_region_years and inputs and not (set(inputs) & present):
            message = msg("validation.not_computable_anywhere", indicator=titles[k], inputs=inputs)
            where = {"variable": indicator, "expected": ", ".join(inputs), "count": count}
            anywhere.append((message, where))
        elif count:
            kept.append(k)
    collector.add_many(Code.NOT_COMPUTABLE, anywhere)
    if not kept:
        return None
    _not_computable(x, cov, kept, titles, collector)
    return None


def _not_computable(
    x: Inputs,
    cov: engine.CoverageCodes,
    kept: list[int],
    titles: list[str],
    collector: Collector,
) -> None:
    """One ``not_computable`` finding per (indicator, region): its years and missing inputs.

    The entries of ``cov`` come by indicator, then by row. Ordered by region, then year (as
    the wide table of :func:`~greenplan.validation.shared.wide_of_table` is), each
    (indicator, region) is one stretch of entries whose years ascend, so the work on the
    entries is a few array operations; the rest is per finding.
    """
    # the region codes and years the recipes use (made once per inputs, from the index's
    # codes: no text hashed); the findings are sorted by the report, not in this order
    arrays = x.arrays
    regions, region_names = arrays.region_codes()
    years = arrays.years
    n = len(years)
    # the rows of the inputs by (region, year): their rank, when they are not in that order
    if n > 1 and not bool(
        np.all((np.diff(regions) > 0) | ((np.diff(regions) == 0) & (np.diff(years) > 0)))
    ):
        by_region = np.lexsort((years, regions))
        rank = np.empty(n, dtype=np.int64)
        rank[by_region] = np.arange(n)
        regions, years = regions[by_region], years[by_region]
    else:
        rank = None
    rows = cov.row if rank is None else rank[cov.row]
    key = cov.indicator.astype(np.int64) * n + rows  # ascends within each indicator
    mc = cov.missing
    if rank is not None:
        order = np.argsort(key, kind="stable")
        key, rows, mc = key[order], rows[order], mc[order]
    # (indicator, region) stretches: each kept indicator's entries cut at the regions' first rows
    region_first = np.searchsorted(regions, np.arange(len(region_names) + 1))
    cuts = np.searchsorted(
        key, (np.asarray(kept, dtype=np.int64)[:, None] * n + region_first[None, :]).ravel()
    ).reshape(len(kept), -1)
    lo, hi = cuts[:, :-1].ravel(), cuts[:, 1:].ravel()
    groups = np.flatnonzero(hi > lo)
    g_lo, g_hi = lo[groups], hi[groups]
    g_ind = np.asarray(kept, dtype=np.int64)[groups // len(region_names)]
    g_region = groups % len(region_names)
    # spans of consecutive years: a next entry continues a span when it is the next row of
    # the same indicator (key + 1), in the same region, one year later
    linked_row = np.zeros(n, dtype=bool)
    linked_row[:-1] = (regions[1:] == regions[:-1]) & (years[1:] == years[:-1] + 1)
    start = np.ones(key.size, dtype=bool)
    start[1:] = ~((np.diff(key) == 1) & linked_row[rows[:-1]])
    span_first = np.flatnonzero(start)
    span_last = np.append(span_first[1:] - 1, key.size - 1)
    span_cut_lo = np.searchsorted(span_first, g_lo).tolist()
    span_cut_hi = np.searchsorted(span_first, g_hi).tolist()
    first_years = years[rows[span_first]].tolist()
    last_years = years[rows[span_last]].tolist()
    span_text = [
        str(a) if a == b else f"{a}–{b}" for a, b in zip(first_years, last_years, strict=True)
    ]
    n_patterns = len(cov.patterns)
    patterns = _pattern_keys(mc, g_lo, g_hi, n_patterns)
    codes_of = [[c for c in str(m).split(";") if c] for m in cov.patterns]
    its_inputs = msg("validation.its_inputs")
    names = [str(r) for r in region_names.tolist()]
    indicators = [str(i) for i in cov.indicators]
    g_first_year = years[rows[g_lo]].tolist()
    g_count = (g_hi - g_lo).tolist()
    missing_of: dict[Any, tuple[Any, str]] = {}  # by the key of a stretch's patterns
    found: list[tuple[Message, dict[str, Any]]] = []
    for k, r, a, b, pattern, count, first_year in zip(
        g_ind.tolist(),
        g_region.tolist(),
        span_cut_lo,
        span_cut_hi,
        patterns,
        g_count,
        g_first_year,
        strict=True,
    ):
        spans = span_text[a:b]
        if len(spans) > 8:
            spans = [*spans[:4], "…", *spans[-3:]]
        known = missing_of.get(pattern)
        if known is None:
            ms = _pattern_codes(pattern)
            codes = list(dict.fromkeys(code for m in ms for code in codes_of[m]))
            known = missing_of[pattern] = (codes or its_inputs, ", ".join(codes))
        missing, expected = known
        region = names[r]
        # the fields Collector.add keeps of (region, variable, year, expected, count)
        where: dict[str, Any] = {"region": region, "variable": indicators[k]}
        if count == 1:
            where["year"] = first_year
        if expected:
            where["expected"] = expected
        where["count"] = count
        params = {"indicator": titles[k], "region": region, "years": spans, "missing": missing}
        found.append((Message("validation.not_computable", params), where))
    collector.add_many(Code.NOT_COMPUTABLE, found)


def _pattern_keys(
    mc: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_patterns: int
) -> list[int] | list[tuple[int, ...]]:
    """Return a key of the distinct pattern codes of ``mc[lo[g]:hi[g]]`` of each stretch.

    Equal sets, equal keys: a bit mask (bit ``p`` for code ``p``) when there are at most 62
    codes, else the ascending codes; :func:`_pattern_codes` gives a key's codes.
    """
    if n_patterns <= 62:  # one bit per pattern: an OR over each stretch
        bits = np.left_shift(np.int64(1), mc, dtype=np.int64)
        # reduceat over [lo, hi) pairs; a stretch ending at the last entry needs no end
        ends = np.minimum(hi, bits.size - 1)
        masks = np.bitwise_or.reduceat(bits, np.column_stack([lo, ends]).ravel())[::2]
        last = hi == bits.size
        if last.any():  # reduceat stopped one entry short: OR it in
            masks[last] |= bits[-1]
        out: list[int] = masks.tolist()
        return out
    return [
        tuple(np.unique(mc[a:b]).tolist()) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
    ]


def _pattern_codes(key: int | tuple[int, ...]) -> tuple[int, ...]:
    """Return the pattern codes of a key of :func:`_pattern_keys`, ascending."""
    if isinstance(key, tuple):
        return key
    codes = []
    while key:  # the set bits, lowest first (a stretch has few patterns)
        low = key & -key
        codes.append(low.bit_length() - 1)
        key ^= low
    return tuple(codes)

"""Display vocabulary of the report layer: status colours and labels, widths, number formats.

Shared by the report's renderers, :mod:`greenplan.plot` and notebook display (:func:`style`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from greenplan.errors import OptionError
from greenplan.messages import msg, text
from greenplan.progress import STATUS_LABELS, Status

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
"""The statuses in display order (summary counts, chips, legend)."""

STATUS_COLOURS: Mapping[Status, str] = {
    Status.ACHIEVED: "#c6efce",
    Status.NOT_ACHIEVED: "#f4b6a6",
    Status.AHEAD_OF_SCHEDULE: "#dff0d0",
    Status.ON_SCHEDULE: "#ddebf7",
    Status.BEHIND_SCHEDULE: "#ffeb9c",
    Status.MOVING_AWAY: "#ffc7ce",
    Status.NOT_ASSESSABLE: "#ededed",
}
"""Background colour of each status in :func:`style` (light, print-friendly)."""


def status_labels() -> dict[str, Mapping[str, str]]:
    """Bilingual label of each status, keyed by its value: ``{"achieved": {"zh": …, "en": …}}``.

    Examples
    --------
    >>> status_labels()["behind_schedule"]["en"]
    'Behind schedule'
    """
    return {str(k.value): v for k, v in STATUS_LABELS.items()}


def style(df: pd.DataFrame) -> Styler:
    """Return a pandas Styler of an :func:`assess` table, coloured by status.

    Parameters
    ----------
    df : pandas.DataFrame
        The output of :func:`assess` (any subset of its columns that keeps ``status``).

    Returns
    -------
    pandas.io.formats.style.Styler
        Status cells (``status``, ``status_zh``, ``status_en``) coloured by
        :data:`STATUS_COLOURS`; shares (completion, time elapsed, relative gap) as
        percentages; missing values as "–"; index hidden.

    Raises
    ------
    OptionError
        ``df`` has no ``status`` column.
    ImportError
        Jinja2, which pandas needs for Styler, is not installed (``pip install jinja2``).

    Examples
    --------
    >>> style(assess(values))  # doctest: +SKIP
    """
    if "status" not in df.columns:
        raise OptionError(msg("report.style_needs_status"))
    try:
        styler = df.style
    except ImportError as exc:
        raise ImportError(text("report.style_needs_jinja2")) from exc
    status_cols = [c for c in ("status", "status_zh", "status_en") if c in df.columns]

    def colour(row: pd.Series) -> list[str]:
        try:
            bg = STATUS_COLOURS[Status(row["status"])]
        except ValueError:
            bg = ""
        css = f"background-color: {bg}" if bg else ""
        return [css if c in status_cols else "" for c in row.index]

    shares: list[Any] = [c for c in ("completion", "time_elapsed", "gap_relative") if c in df]
    styler = styler.apply(colour, axis=1).format(na_rep="–", precision=2)
    if shares:
        styler = styler.format("{:.1%}", subset=shares, na_rep="–")
    return styler.hide(axis="index")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take two.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    int
        Display width [columns]; combining marks take none.

    Examples
    --------
    >>> display_width("森林覆盖率 %")
    12
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad ``text`` to ``width`` display columns (on the left when ``right``)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` display columns (CJK aware)."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line, w = "", 0
    tokens = re.findall(r"[A-Za-z0-9_.%‰()+\-–/·'\"]+ ?|\s+|.", text)
    for tok in tokens:
        tw = display_width(tok)
        if w + tw > width and line.strip():
            lines.append(line.rstrip())
            line, w = "", 0
            tok = tok.lstrip()
            tw = display_width(tok)
        elif w + tw > width:  # only spaces so far: they would push the token past the width
            line, w = "", 0
        while tw > width:  # a single token longer than the line
            cut, cw = "", 0
            for ch in tok:
                if cw + display_width(ch) > width:
                    break
                cut, cw = cut + ch, cw + display_width(ch)
            lines.append(cut)
            tok = tok[len(cut) :]
            tw = display_width(tok)
        line, w = line + tok, w + tw
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fmt(value: float | None, signed: bool = False) -> str:
    """Format a number for display: two decimals at most, trailing zeros dropped."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    text = f"{value:.2f}" if abs(value) >= 0.995 else f"{value:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-"):
        text = "−" + text[1:]
    elif signed:
        text = "+" + text
    return text


def pct(share: float | None) -> str:
    """Format a share (1.0 = 100 %) as a percentage with one decimal."""
    return "–" if share is None else f"{share * 100:.1f}%".replace("-", "−")

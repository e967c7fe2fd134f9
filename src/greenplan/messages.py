"""The message catalogue: every text a person reads, in Chinese and in English.

A leaf module (it imports nothing from greenplan). The texts live in
``greenplan/resources/messages/*.csv`` — one file per area (``check.csv`` for what each
finding code means, ``io.csv`` for the readers, ``cli.csv`` for the command line …), columns
``key,en,zh``; a key starts with its file's name (``io.unknown_region``). A text is a
:meth:`str.format` template with named fields; both languages use the same fields (a test
checks it, and that every key the code uses exists).

Code never spells a user-facing sentence: it builds a :class:`Message` (a key and its
parameters) with :func:`msg` and renders it in the reader's language with
:meth:`Message.text` (or :func:`text`). A parameter may itself be a :class:`Message`
(rendered in the same language) or a list of them (joined with ``, `` / ``、``).

The language of the command line comes from ``--lang``, else :func:`default_lang`: the
``GREENPLAN_LANG`` environment variable, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``): English for an English or other non-Chinese locale, Chinese for a Chinese one and
when no locale is set (``C``/``POSIX``, as in many servers and containers).
"""

from __future__ import annotations

import csv
import os
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

__all__ = [
    "LANGS",
    "Entry",
    "Lang",
    "Message",
    "catalogue",
    "default_lang",
    "fields",
    "is_lang",
    "join",
    "msg",
    "render",
    "render_all",
    "text",
]

Lang = Literal["zh", "en"]
"""A language greenplan speaks: ``zh`` (中文) or ``en`` (English)."""

LANGS: tuple[Lang, ...] = ("zh", "en")

_JOIN = {"zh": "、", "en": ", "}


class Entry(NamedTuple):
    """One text of the catalogue: its key, English and Chinese templates, and its file."""

    key: str
    en: str
    zh: str
    file: str


@dataclass(frozen=True, slots=True)
class Message:
    """A text to be shown: a catalogue ``key`` and the ``params`` of its template.

    ``str(message)`` is the English text; :meth:`text` gives either language.

    Examples
    --------
    >>> m = msg("common.did_you_mean", names="base_year")
    >>> m.text("en")
    ' Did you mean: base_year?'
    >>> m.text("zh")
    '是否指：base_year？'
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Render the message in ``lang`` (``zh`` or ``en``)."""
        return render(self, lang)

    def __str__(self) -> str:
        return render(self, "en")


def msg(key: str, /, **params: Any) -> Message:
    """Build a :class:`Message` of catalogue ``key`` with template parameters ``params``."""
    return Message(key, params)


def text(key: str, lang: str = "en", /, **params: Any) -> str:
    """Render catalogue ``key`` in ``lang`` with ``params`` (shorthand of ``msg(...).text``)."""
    return render(Message(key, params), lang)


def is_lang(lang: object) -> bool:
    """Return True when ``lang`` is a language of the catalogue (``zh`` or ``en``)."""
    return lang in LANGS


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Types of parameters that are used as they are (no message or list to render)."""


def _param(value: Any, lang: str) -> Any:
    if type(value) in _PLAIN:  # most parameters: no isinstance checks
        return value
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, list | tuple):
        sep = _JOIN.get(lang, ", ")
        return sep.join(v if type(v) is str else str(_param(v, lang)) for v in value)
    return value


def render(message: Message | str, lang: str = "en") -> str:
    """Return the text of ``message`` in ``lang``; a plain string is returned as it is.

    Raises ``KeyError`` for a key the catalogue does not have (a bug of the caller, which the
    catalogue tests catch) and ``ValueError`` for a language other than ``zh`` and ``en``.
    """
    if isinstance(message, str):
        return message
    if lang == "en":
        zh = False
    elif lang == "zh":
        zh = True
    else:
        raise ValueError(f"language {lang!r}: expected 'zh' or 'en'")
    entry = _ENTRIES.get(message.key) or _entry(message.key)
    template = entry.zh if zh else entry.en
    params = message.params
    return _format(template, params, lang) if params else template


def render_all(messages: Iterable[Message | str], lang: str = "en") -> list[str]:
    """Return the text of each message in ``lang``: :func:`render` of each, made faster.

    For many messages at once (the findings of a check): the language is checked once, and
    each key looked up once.

    Examples
    --------
    >>> render_all([msg("common.did_you_mean", names="base_year"), "as is"], "zh")
    ['是否指：base_year？', 'as is']
    """
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: expected 'zh' or 'en'")
    zh = lang == "zh"
    templates: dict[str, str] = {}
    out: list[str] = []
    for message in messages:
        if isinstance(message, str):
            out.append(message)
            continue
        key = message.key
        template = templates.get(key)
        if template is None:
            entry = _ENTRIES.get(key) or _entry(key)
            template = templates[key] = entry.zh if zh else entry.en
        params = message.params
        out.append(_format(template, params, lang) if params else template)
    return out


def _format(template: str, params: Mapping[str, Any], lang: str) -> str:
    """Fill ``template`` with ``params`` rendered in ``lang`` (a language of :data:`LANGS`).

    ``template.format_map`` of the rendered parameters: a template whose fields are plain
    names is filled by joining its texts and the parameters' texts (:func:`_parts`, each
    template parsed once; a third less time than ``format_map`` with a dictionary of rendered
    parameters), any other by ``format_map`` itself.
    """
    parts = _parts(template)
    if parts is None:
        return template.format_map({name: _param(v, lang) for name, v in params.items()})
    out: list[str] = []
    for literal, name in parts:
        if literal:
            out.append(literal)
        if not name:
            continue
        value = params[name]  # a missing parameter: KeyError, as format_map raises
        kind = type(value)
        if kind is str:  # most parameters are texts, used as they are
            out.append(value)
        elif kind is list:
            try:  # a list of texts: joined as it is (no look at each item first)
                out.append(_JOIN[lang].join(value))
            except TypeError:  # numbers or messages in it
                out.append(_param(value, lang))
        else:  # as format_map fills a field: format(value, "")
            value = _param(value, lang) if kind not in _PLAIN else value
            out.append(value if type(value) is str else format(value, ""))
    return "".join(out)


@cache  # once per template: the catalogue is finite
def _parts(template: str) -> tuple[tuple[str, str], ...] | None:
    """Return ``template`` as (literal text, field name) pairs, or None.

    The name is ``""`` after the last literal. None when a field is not a plain name (a format
    spec ``{n:,}``, a conversion ``{x!r}``, an attribute or index ``{a.b}``, a position
    ``{0}``) or the template is not a valid one: ``format_map`` fills those (and raises what it
    raises for a bad template).
    """
    parts: list[tuple[str, str]] = []
    out: tuple[tuple[str, str], ...] | None = None
    try:
        for literal, name, spec, conversion in _FORMATTER.parse(template):
            if name is None:
                parts.append((literal, ""))
            elif spec or conversion or not name.isidentifier():
                break
            else:
                parts.append((literal, name))
        else:
            out = tuple(parts)
    except ValueError:
        pass
    return out


_FORMATTER = string.Formatter()


_ENTRIES: dict[str, Entry] = {}
"""Entries of the catalogue by key, as :func:`render` has looked them up (one lookup each)."""


def _entry(key: str) -> Entry:
    """Look up ``key`` in its file of the catalogue (``KeyError`` when it is not there)."""
    entry = _area(key.partition(".")[0])[key]
    _ENTRIES[key] = entry
    return entry


def fields(template: str) -> set[str]:
    """Names of the fields of a :meth:`str.format` template (``"{n:,} rows"`` → ``{"n"}``)."""
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


def _folder() -> Path:
    return Path(str(resources.files("greenplan") / "resources" / "messages"))


@cache
def _area(name: str) -> Mapping[str, Entry]:
    """Read the entries of one file of the catalogue (``io`` → ``io.csv``), once."""
    path = _folder() / f"{name}.csv"
    out: dict[str, Entry] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = row["key"]
            if key in out:
                raise ValueError(f"{path.name}: message key {key!r} is listed twice")
            out[key] = Entry(key, row["en"], row["zh"], path.name)
    return out


def catalogue() -> Mapping[str, Entry]:
    """Every entry of the catalogue by key (each file is read once per process)."""
    out: dict[str, Entry] = {}
    for path in sorted(_folder().glob("*.csv")):
        out.update(_area(path.stem))
    return out


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """Language of the command line when ``--lang`` is not given.

    ``GREENPLAN_LANG`` (``zh``/``en``) if set; else the first of ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` that is set: ``zh…`` → Chinese, ``C``/``POSIX`` → Chinese (no locale chosen: the
    language of greenplan's users), any other language → English. Chinese when none is set.

    Examples
    --------
    >>> default_lang({"LANG": "en_US.UTF-8"})
    'en'
    >>> default_lang({"LANG": "zh_CN.UTF-8"})
    'zh'
    >>> default_lang({"LANG": "C.UTF-8"})
    'zh'
    """
    env = os.environ if environ is None else environ
    chosen = env.get("GREENPLAN_LANG", "").strip().lower()
    if chosen in LANGS:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if not value:
            continue
        base = value.split(".")[0].split("@")[0].lower()
        if base.startswith("zh") or base in ("c", "posix"):
            return "zh"
        return "en"
    return "zh"


def join(items: Sequence[Any], lang: str) -> str:
    """Join rendered items with the list separator of ``lang`` (``, `` or ``、``)."""
    return _JOIN.get(lang, ", ").join(str(_param(v, lang)) for v in items)

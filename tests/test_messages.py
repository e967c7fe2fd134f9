"""The message catalogue: every text in Chinese and English, every key the code uses known.

The catalogue (``greenplan/resources/messages/*.csv``) is the one place user-facing texts
live. These tests fail when a text lacks its Chinese or English version, when the two
versions take different template fields, when the code uses a key the catalogue does not
have (or the catalogue keeps a key no code uses), when a finding code has no title or fix,
and when a finding is built from a literal English string instead of a catalogue message.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from greenplan import messages
from greenplan.diagnostics import CHECKS, Code, Collector, ValidationReport
from greenplan.messages import LANGS, catalogue, default_lang, fields, msg, render

SRC = Path(__file__).resolve().parents[1] / "src" / "greenplan"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ENTRIES = sorted(catalogue().values())


def test_catalogue_is_not_empty() -> None:
    assert len(ENTRIES) > 100


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_every_text_has_chinese_and_english(entry: messages.Entry) -> None:
    assert entry.en.strip(), f"{entry.file}: {entry.key} has no English text"
    assert entry.zh.strip(), f"{entry.file}: {entry.key} has no Chinese text"
    # the Chinese text is Chinese: it has a CJK character or full-width punctuation, unless
    # the text is only fields, numbers and symbols (nothing to translate)
    letters = re.sub(r"\{[^}]*\}", "", entry.en)
    if re.search(r"[A-Za-z]{2,}", letters) and entry.key not in _SAME_IN_BOTH:
        assert CJK.search(entry.zh), f"{entry.key}: zh text {entry.zh!r} is not Chinese"


# texts that are the same in both languages on purpose (names, commands, formats)
_SAME_IN_BOTH: frozenset[str] = frozenset()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_both_languages_take_the_same_fields(entry: messages.Entry) -> None:
    assert fields(entry.en) == fields(entry.zh), entry.key


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_key_is_prefixed_by_its_file(entry: messages.Entry) -> None:
    assert entry.key.startswith(entry.file.removesuffix(".csv") + "."), entry.key


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_every_text_renders_in_both_languages(entry: messages.Entry) -> None:
    # a number for every field: templates use {n:,} and the like
    params = dict.fromkeys(fields(entry.en), 1234)
    for lang in LANGS:
        assert isinstance(render(msg(entry.key, **params), lang), str)


@pytest.mark.parametrize("code", list(Code), ids=str)
def test_every_finding_code_has_title_and_fix_in_both_languages(code: Code) -> None:
    check = CHECKS[code]
    for part in ("title", "fix"):
        zh, en = check.text(part, "zh"), check.text(part, "en")
        assert CJK.search(zh) and en and zh != en, (code, part)
    assert check.title == check.text("title", "en")


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name in names:
                out.append(node)
    return out


def _key_literals() -> tuple[set[str], set[str], list[str]]:
    """Literal keys and f-string key prefixes used by src/, and the places of bad keys."""
    used, prefixes = set(), set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"msg", "Message", "text"}):
            if not call.args:
                continue
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if "." in arg.value:
                    used.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                head = arg.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    prefixes.add(head.value)
    # keys named in data (a column of a resource that holds message keys) count as used
    return used, prefixes, []


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used, prefixes, _ = _key_literals()
    known = set(catalogue())
    missing = sorted(k for k in used if k.split(".")[0] in _FILES and k not in known)
    assert not missing, f"keys used in src/ but not in the catalogue: {missing}"
    for p in prefixes:
        if p.split(".")[0] in _FILES:
            assert any(k.startswith(p) for k in known), f"no key starts with {p!r}"


_FILES = {e.file.removesuffix(".csv") for e in ENTRIES}


def test_every_catalogue_key_is_used() -> None:
    used, prefixes, _ = _key_literals()
    dead = sorted(
        k for k in catalogue() if k not in used and not any(k.startswith(p) for p in prefixes)
    )
    assert not dead, f"catalogue keys no code uses: {dead}"


def test_findings_are_built_from_catalogue_messages() -> None:
    """A finding's message is a catalogue Message, never a literal or formatted string."""
    bad = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"add", "add_rows", "emit"}):
            for arg in call.args[1:3]:
                body = arg.body if isinstance(arg, ast.Lambda) else arg
                if isinstance(body, ast.JoinedStr | ast.BinOp) or (
                    isinstance(body, ast.Constant)
                    and isinstance(body.value, str)
                    and " " in body.value
                ):
                    bad.append(f"{path.relative_to(SRC)}:{call.lineno}")
    assert not bad, f"findings built from literal text (use greenplan.messages.msg): {bad}"


def test_collector_keeps_the_message_for_translation() -> None:
    c = Collector()
    c.add(
        Code.BAD_MONTH,
        msg(
            "diagnostics.more_rows",
            n=3,
            code="bad_month",
            rows="2, 3, 4",
            more="",
            fix=msg("check.bad_month.fix"),
        ),
        row=5,
    )
    f = c.findings[0]
    # English text of diagnostics.more_rows, then check.bad_month.fix (catalogue)
    assert (
        f.message
        == "3 more row(s) have the same problem (bad_month): rows 2, 3, 4. Give the month as 1–12."
    )
    assert f.text("zh") == "另有 3 行存在相同问题（bad_month）：第 2, 3, 4 行。月份填写 1–12。"
    assert f.translated("zh").message == f.text("zh")


@pytest.mark.parametrize(
    ("missing", "en_missing", "zh_missing"),
    [
        # a list of texts: joined with ", " in English and "、" in Chinese
        (["gdp", "population"], "gdp, population", "gdp、population"),
        # numbers and messages in a list: each item rendered, then joined
        ([3, msg("validation.its_inputs")], "3, its inputs", "3、其输入项"),
        # a str subclass in a list joins as its text (a StrEnum: its value)
        ([Code.BAD_YEAR, "gdp"], "bad_year, gdp", "bad_year、gdp"),
    ],
)
def test_list_parameters_render_item_by_item_in_each_language(
    missing: list[object], en_missing: str, zh_missing: str
) -> None:
    m = msg(
        "validation.not_computable",
        indicator="gdp_growth",
        region="历下区",
        years=["2001–2003", "2005"],
        missing=missing,
    )
    # templates of validation.not_computable in the catalogue, filled by hand
    en = (
        f"gdp_growth cannot be computed for 历下区 in 2001–2003, 2005: missing {en_missing}. "
        "Submit them if the indicator is needed."
    )
    zh = (
        f"历下区 2001–2003、2005 年无法计算 gdp_growth：缺少 {zh_missing}。如需该指标，请补充报送。"
    )
    assert render(m, "en") == en and render(m, "zh") == zh
    assert messages.render_all([m, m], "zh") == [zh, zh]


def test_unknown_key_and_language_are_refused() -> None:
    with pytest.raises(KeyError):
        render(msg("diagnostics.no_such_key"), "en")
    with pytest.raises(ValueError, match="'fr'"):
        render(msg("diagnostics.ok"), "fr")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.Big5"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"GREENPLAN_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"GREENPLAN_LANG": "xx", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_default_language_follows_the_locale(environ: dict[str, str], lang: str) -> None:
    assert default_lang(environ) == lang


def test_text_report_in_chinese_names_row_and_column_the_chinese_way() -> None:
    c = Collector()
    c.add(Code.BAD_MONTH, msg("check.bad_month.fix"), file="a.csv", row=3, column="月份")
    zh = ValidationReport(c.findings, rows_read=1).translated("zh").to_text()
    # diagnostics.row "第 {row} 行", diagnostics.column "列 {column}", joined with "，";
    # diagnostics.place "{where}：", diagnostics.error "错误"
    assert "  第 3 行，列 月份：错误 [bad_month] 月份填写 1–12。" in zh


_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@pytest.mark.parametrize("code", list(Code), ids=str)
def test_the_docs_list_each_code_as_the_catalogue_says(code: Code) -> None:
    """docs/data-format.md (English) and docs/languages.md (Chinese) copy the catalogue."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    c = CHECKS[code]
    en = f"| `{code}` | {c.severity} | {c.text('title', 'en')} | {c.text('fix', 'en')} |"
    zh = (
        f"| `{code}` | {_SEVERITY_ZH[c.severity]} | {c.text('title', 'zh')} "
        f"| {c.text('fix', 'zh')} |"
    )
    assert en in (docs / "data-format.md").read_text(encoding="utf-8")
    assert zh in (docs / "languages.md").read_text(encoding="utf-8")


# Files whose errors other helpers convert at the same time (issue 16.1): their raises are
# checked once those conversions land. messages.py is the catalogue itself (its two raises
# report a broken catalogue or an unknown language, to the developer).
_RAISE_ALLOWLIST = (
    "messages.py",
    "checks.py",
    "cli.py",
    "commands/",
    "indicators/",
    "io/",
    "report/",
    "service/",
    "validation/",
)


def _greenplan_error_names() -> set[str]:
    """Names of GreenplanError and every subclass defined in greenplan (all modules imported)."""
    import importlib
    import pkgutil

    import greenplan
    from greenplan.errors import GreenplanError

    for info in pkgutil.walk_packages(greenplan.__path__, "greenplan."):
        if info.name == "greenplan.__main__":  # runs the command line on import
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # a module of an optional extra that is not installed
            continue
    names: set[str] = set()
    todo: list[type] = [GreenplanError]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("greenplan"):
            names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _is_plain_text(node: ast.expr) -> bool:
    """A str literal, an f-string, a concatenation/%-format, str(...), "...".format/join."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "str":
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
            return True
    if isinstance(node, ast.IfExp):
        return _is_plain_text(node.body) or _is_plain_text(node.orelse)
    return False


def test_greenplan_errors_are_raised_with_catalogue_messages() -> None:
    """Every ``raise <GreenplanError subclass>(...)`` passes a Message, not literal text."""
    names = _greenplan_error_names()
    assert {"GreenplanError", "FactorError", "PlanError", "UnknownUnitError"} <= names
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(_RAISE_ALLOWLIST):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in names:
                continue
            args = node.exc.args
            if not args or _is_plain_text(args[0]):
                offenders.append(f"{rel}:{node.lineno} raise {name}")
    assert not offenders, "errors raised with literal text, not msg(...):\n" + "\n".join(offenders)

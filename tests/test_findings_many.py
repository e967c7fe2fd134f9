"""Many findings at once: Collector.add_many and messages.render_all give what add and render give.

Each bulk path is compared with the one-at-a-time path it stands for, on the same arguments.
The places and messages here are SYNTHETIC.
"""

from __future__ import annotations

import pickle

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenplan.diagnostics import Code, Collector, Finding
from greenplan.messages import Message, catalogue, msg, render, render_all

_NOT_COMPUTABLE = [
    (
        msg(
            "validation.not_computable",
            indicator="energy_per_gdp (单位GDP能耗)",
            region="历下区",
            years=["2015–2018", "2020"],
            missing=["energy_consumption", "gdp"],
        ),
        {"region": "历下区", "variable": "energy_per_gdp", "expected": "energy_consumption, gdp"},
    ),
    (
        msg(
            "validation.not_computable",
            indicator="x",
            region="",
            years=["2021"],
            missing=msg("validation.its_inputs"),
        ),
        {"region": "", "variable": "x", "year": 2021, "count": 1},
    ),
    (
        msg("io.unknown_region", region="'x'", hint=""),
        {"file": "a.csv", "sheet": "s", "row": 7, "column": "地区", "value": "x", "count": 3},
    ),
    (msg("validation.its_inputs"), {"value": 1.5, "expected": 2.0}),
]


def test_add_many_adds_what_add_adds():
    one, many = Collector(), Collector()
    for message, where in _NOT_COMPUTABLE:
        one.add(Code.NOT_COMPUTABLE, message, **where)
    many.add_many(Code.NOT_COMPUTABLE, _NOT_COMPUTABLE)
    many.add_many("not_computable", [])  # nothing to add: nothing added
    assert len(many.findings) == len(one.findings) == len(_NOT_COMPUTABLE)
    for got, want in zip(many.findings, one.findings, strict=True):
        assert got == want
        assert repr(got) == repr(want)
        assert got.model_fields_set == want.model_fields_set
        assert got.model_dump_json() == want.model_dump_json()
        for lang in ("zh", "en"):
            assert got.text(lang) == want.text(lang)
            assert got.translated(lang) == want.translated(lang)
        assert pickle.loads(pickle.dumps(got)) == got


def test_add_many_validates_every_finding():
    with pytest.raises(pydantic.ValidationError):
        Collector().add_many(Code.NOT_COMPUTABLE, [(msg("validation.its_inputs"), {"colour": 1})])
    with pytest.raises(pydantic.ValidationError):  # year: not an integer
        Collector().add_many(Code.NOT_COMPUTABLE, [(msg("validation.its_inputs"), {"year": "x"})])
    with pytest.raises(ValueError):
        Collector().add_many("no_such_code", [(msg("validation.its_inputs"), {})])


_TEXTS = st.text(st.characters(blacklist_categories=["Cs"]), max_size=8)
_PARAMS = st.one_of(
    _TEXTS,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.lists(_TEXTS, max_size=4),
    st.lists(st.one_of(_TEXTS, st.integers(0, 9)), max_size=4).map(tuple),
    st.lists(st.one_of(_TEXTS, st.just(Code.YOY_JUMP)), max_size=4),
    st.just(msg("validation.its_inputs")),
    st.lists(st.just(msg("validation.its_inputs")), max_size=2),
)


@given(
    st.lists(
        st.one_of(
            _TEXTS,
            st.builds(
                lambda p: Message("validation.not_computable", p),
                st.fixed_dictionaries(
                    {k: _PARAMS for k in ("indicator", "region", "years", "missing")}
                ),
            ),
            st.just(msg("validation.its_inputs")),
            st.builds(lambda n: msg("diagnostics.n_errors", n=n), st.integers(0, 10**6)),
        ),
        max_size=6,
    ),
    st.sampled_from(["zh", "en"]),
)
def test_render_all_is_render_of_each(messages, lang):
    assert render_all(messages, lang) == [render(m, lang) for m in messages]
    assert render_all(iter(messages)) == [render(m) for m in messages]


def test_render_all_refuses_what_render_refuses():
    with pytest.raises(ValueError):
        render_all([msg("validation.its_inputs")], "fr")
    with pytest.raises(KeyError):
        render_all([msg("validation.no_such_key")])


def test_text_and_translated_read_the_attached_messages():
    plain = Finding(code="not_computable", severity="info", message="as written", expected="e")
    assert plain.text("zh") == "as written"
    assert plain.translated("zh") is plain
    c = Collector()
    message = msg("validation.not_computable_anywhere", indicator="x", inputs=["a", "b"])
    c.add(Code.NOT_COMPUTABLE, message, expected=msg("validation.its_inputs"))
    [f] = c.findings
    for g in (f, pickle.loads(pickle.dumps(f)), f.model_copy()):
        zh = g.translated("zh")
        assert (
            zh.message
            == g.text("zh")
            == message.text("zh")
            == "x 在所有地区和年份均无法计算：数据中没有它的任何输入项（a、b）。"
        )
        assert zh.expected == "其输入项"
        assert zh.translated("en") == f


class _Text(str):
    """A ``str`` subclass (as numpy's ``str_`` is): validation makes it a plain ``str``."""


_WHERE_VALUES = {
    "file": st.one_of(_TEXTS, _TEXTS.map(_Text)),
    "sheet": _TEXTS,
    "column": st.one_of(_TEXTS, st.integers(0, 9)),
    "region": st.one_of(_TEXTS, _TEXTS.map(_Text)),
    "variable": _TEXTS,
    "row": st.one_of(st.integers(1, 10**6), st.booleans(), st.floats(1, 9).map(float.__floor__)),
    "year": st.one_of(st.integers(1949, 2060), st.sampled_from([2020.0, True])),
    "count": st.integers(1, 10**6),
    "value": st.one_of(_TEXTS, st.floats(allow_nan=False), st.integers(-9, 9), st.booleans()),
    "expected": st.one_of(_TEXTS, st.floats(allow_nan=False), st.integers(-9, 9)),
}


def _validated(where, message):
    """The finding as pydantic validates it, with its catalogue message as ``add`` attaches it."""
    finding = Finding(code="not_computable", severity="info", message=render(message), **where)
    finding._catalogue = (message, None)
    return finding


@given(st.fixed_dictionaries({}, optional=_WHERE_VALUES))
def test_built_findings_are_validated_findings(where):
    """add_many builds a finding of exact types without pydantic's validation: same finding.

    Places of other types (an int ``value``, a bool ``row``, a ``str`` subclass, a float
    year …) go through the validation, which converts them (or refuses them, as it refuses
    a non-text column): either way, what a validated ``Finding`` of the same fields is.
    """
    message = msg("validation.not_computable_anywhere", indicator="x", inputs=["a"])
    try:
        want = _validated(where, message)
    except pydantic.ValidationError:
        with pytest.raises(pydantic.ValidationError):
            Collector().add_many(Code.NOT_COMPUTABLE, [(message, where)])
        return
    c = Collector()
    c.add_many(Code.NOT_COMPUTABLE, [(message, where)])
    [got] = c.findings
    assert got == want
    assert repr(got) == repr(want)
    assert got.model_fields_set == want.model_fields_set
    assert got.__pydantic_extra__ == want.__pydantic_extra__
    assert got.__pydantic_private__ == want.__pydantic_private__
    assert got.model_dump_json() == want.model_dump_json()
    dumped, wanted = got.model_dump(), want.model_dump()
    assert list(dumped) == list(wanted)
    assert [type(v) for v in dumped.values()] == [type(v) for v in wanted.values()]
    assert hash(got) == hash(want)
    assert got.model_dump(exclude_unset=True) == want.model_dump(exclude_unset=True)
    copied = got.model_copy(update={"count": 5})
    assert copied.count == 5 and got.count == want.count  # the copy's fields are its own
    assert copied.model_fields_set == want.model_fields_set | {"count"}
    assert got.model_fields_set == want.model_fields_set
    assert pickle.loads(pickle.dumps(got)) == want
    with pytest.raises(pydantic.ValidationError):  # frozen, as a validated finding is
        got.count = 2
    assert got.translated("zh") == want.translated("zh")


# --- templates filled by joining their parts: what str.format_map gives ---------------------

_ENTRIES = sorted(catalogue().values())
_ODD_TEMPLATES = [  # fields render_all's joining does not take: format_map fills them
    "{n:,} rows, {share:.1%}",
    "{name!r} and {name!s}",
    "{{literal}} {a} }}",
    "{a.real}",
    "{a[0]}",
    "{0}",
    "{}",
    "{a",  # not a template: the same ValueError
    "}",
    "",
    "no fields",
    "{a}{b}{a}",
]
_VALUES = st.one_of(
    _TEXTS,
    _TEXTS.map(_Text),
    st.integers(-(10**9), 10**9),
    st.floats(allow_infinity=True, allow_nan=True),
    st.booleans(),
    st.none(),
    st.just(Code.YOY_JUMP),
    st.lists(_TEXTS, max_size=3),
    st.lists(
        st.one_of(_TEXTS, st.integers(0, 9), st.just(msg("validation.its_inputs"))), max_size=3
    ),
    st.lists(st.integers(0, 9), max_size=3).map(tuple),
    st.just(msg("common.did_you_mean", names="x")),
)


@given(
    st.one_of(
        st.sampled_from(_ENTRIES).flatmap(lambda e: st.sampled_from([e.en, e.zh])),
        st.sampled_from(_ODD_TEMPLATES),
    ),
    st.dictionaries(st.sampled_from(["a", "b", "n", "name", "share", "0", "x"]), _VALUES),
    st.sampled_from(["zh", "en"]),
    st.data(),
)
def test_format_is_format_map_of_the_rendered_parameters(template, extra, lang, data):
    """``_format`` gives ``template.format_map`` of each parameter rendered: text, error and all."""
    from greenplan.messages import _format, _param, fields

    params = dict(extra)
    names = fields(template) if template not in ("{a", "}") else set()
    for name in sorted(names - set(params)):  # every field of the template given a value
        params[name] = data.draw(_VALUES, label=name)
    rendered = {name: _param(v, lang) for name, v in params.items()}
    try:
        want: object = template.format_map(rendered)
    except Exception as exc:  # the same kind of error is the expected result
        want = type(exc)
    try:
        got: object = _format(template, params, lang)
    except Exception as exc:
        got = type(exc)
    assert got == want
    if names and isinstance(want, str):  # a missing parameter: KeyError, as format_map raises
        missing = dict(params)
        missing.pop(sorted(names)[0])
        with pytest.raises((KeyError, IndexError)):
            _format(template, missing, lang)


@pytest.mark.parametrize(
    ("template", "params", "lang", "text"),
    [
        ("{a} / {b}", {"a": ["x", "y"], "b": 1.5}, "zh", "x、y / 1.5"),
        ("{a} / {b}", {"a": ["x", "y"], "b": None}, "en", "x, y / None"),
        ("{a}{b}{a}", {"a": 2, "b": True}, "en", "2True2"),
        ("{a}: {b}", {"a": [1, "x"], "b": Code.YOY_JUMP}, "zh", "1、x: yoy_jump"),
        ("{a}", {"a": msg("validation.its_inputs")}, "zh", "其输入项"),
        ("{{a}} {a}", {"a": "x"}, "en", "{a} x"),
        ("{n:,} of {a}", {"n": 12345, "a": ("p", "q")}, "zh", "12,345 of p、q"),
    ],
)
def test_format_fills_fields_as_written_here(template, params, lang, text):
    from greenplan.messages import _format

    assert _format(template, params, lang) == text

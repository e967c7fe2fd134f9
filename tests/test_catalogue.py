"""``greenplan catalogue``: rendering of the targets as table, JSON and Markdown."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from greenplan.commands.catalogue import render
from greenplan.definitions import Target
from greenplan.targets import TARGETS, with_presets

DATA = Path(__file__).parent / "data"

with (DATA / "plan_targets.csv").open(encoding="utf-8", newline="") as _fh:
    PLAN = list(csv.DictReader(_fh))

# The JSON field names other systems rely on (the pydantic dump of Target).
JSON_FIELDS = [
    "key",
    "indicator",
    "name_zh",
    "name_en",
    "year",
    "value",
    "unit",
    "kind",
    "bound",
    "aspirational",
    "direction",
    "plan_words_zh",
    "section",
    "note",
    "baseline",
    "base_year",
    "presets",
    "scope",
    "overridden",
]


def test_json_holds_every_plan_target_with_value_unit_kind_bound() -> None:
    data = json.loads(render("json"))
    assert isinstance(data, list)
    assert [d["key"] for d in data] == [row["key"] for row in PLAN]
    for d, row in zip(data, PLAN, strict=True):
        assert d["value"] == (float(row["value"]) if row["value"] else None), d["key"]
        assert d["unit"] == row["unit"]
        assert d["kind"] == row["kind"]
        assert d["bound"] == row["bound"]
        assert d["plan_words_zh"] == row["plan_words_zh"]


def test_json_field_names_are_stable() -> None:
    data = json.loads(render("json"))
    for d in data:
        assert list(d) == JSON_FIELDS
    baseline = next(d["baseline"] for d in data if d["key"] == "forest_coverage")
    assert list(baseline) == ["year", "value", "unit", "qualifier", "words_zh", "section", "source"]
    assert baseline["value"] == 11.4


def test_json_is_the_pydantic_dump() -> None:
    data = json.loads(render("json"))
    for d in data:
        assert Target.model_validate(d) == TARGETS[d["key"]]


def test_json_keeps_chinese_readable() -> None:
    text = render("json")
    assert "森林覆盖率达到13.68%" in text  # ensure_ascii=False


def test_markdown() -> None:
    text = render("markdown")
    lines = text.splitlines()
    assert len(lines) == 2 + 43
    assert lines[0] == "| 键 | 指标 | 目标值 | 单位 | 年份 | 类型 | 约束 | 范围 | 章节 | 规划原文 |"
    assert lines[1] == "|---|---|---|---|---|---|---|---|---|---|"
    row = next(line for line in lines if line.startswith("| renewable_capacity "))
    assert row == (
        "| renewable_capacity | renewable_capacity | 470 | 万千瓦 | 2025 | level "
        "| approximately_aspirational | city_total | 六(一) "
        "| 全市新能源和可再生能源装机力争达到470万千瓦左右 |"
    )
    assert all(line.count("|") == 11 for line in lines)  # no unescaped pipes in cells
    assert text.endswith("\n")


def test_markdown_english_header() -> None:
    head = render("markdown", "en").splitlines()[0]
    assert head == (
        "| key | indicator | value | unit | year | kind | bound | scope | section | plan words |"
    )


def test_markdown_escapes_pipes() -> None:
    t = TARGETS["forest_coverage"].model_copy(update={"note": "x", "plan_words_zh": "a|b"})
    text = render("markdown", targets={"forest_coverage": t})
    assert "a\\|b" in text


def test_table_aligns_cjk_and_has_no_trailing_spaces() -> None:
    text = render("table")
    lines = text.splitlines()
    assert len(lines) == 2 + 43
    assert lines[0].startswith("键")
    assert set(lines[1]) <= {"-", " "}
    assert all(line == line.rstrip() for line in lines)
    # the plan's words (last column) start at the same display column on every row, though
    # the section column before them holds CJK characters (two columns wide each)
    from greenplan.commands.catalogue import _width

    starts = set()
    for line, t in zip(lines[2:], TARGETS.values(), strict=True):
        assert line.startswith(t.key + " ")
        starts.add(_width(line[: line.rindex(t.plan_words_zh)]))
    assert len(starts) == 1


def test_table_english_header() -> None:
    assert render("table", "en").splitlines()[0].startswith("key")


def test_render_with_presets_applied() -> None:
    text = render("markdown", targets=with_presets(["jinan_energy_intensity_2023"]))
    row = next(line for line in text.splitlines() if line.startswith("| energy_dual_control "))
    assert "| -14.8 | % vs 2020 |" in row
    assert "change_vs_base" in row


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_render_is_deterministic(fmt: str) -> None:
    assert render(fmt) == render(fmt)


# --- docs/targets.md is generated from the catalogue ------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_targets_md_is_up_to_date() -> None:
    expected = _gen_docs().targets_markdown()
    current = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    assert current == expected, "docs/targets.md is stale: run python scripts/gen_docs.py"


def test_docs_targets_md_content() -> None:
    text = _gen_docs().targets_markdown()
    assert render("markdown") in text
    for name in (
        "jinan_energy_intensity_2023",
        "shandong_energy_intensity_2022",
        "shandong_carbon_intensity_2022",
    ):
        assert name in text
    assert "| -14.8 | % vs 2020 |" in text
    assert "https://huanbao.in-en.com/html/huanbao-2367503.shtml" in text


def test_docs_indicators_index_is_up_to_date() -> None:
    expected = _gen_docs().indicators_markdown()
    current = (ROOT / "docs" / "indicators" / "index.md").read_text(encoding="utf-8")
    assert current == expected, "docs/indicators/index.md is stale: run python scripts/gen_docs.py"


def test_docs_indicators_index_lists_every_indicator_and_target() -> None:
    from greenplan import INDICATORS, TARGETS

    text = _gen_docs().indicators_markdown()
    for id in INDICATORS:
        assert f"| `{id}` |" in text
    for key in TARGETS:
        assert key in text


def test_gen_docs_check_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _gen_docs()
    target = tmp_path / "docs" / "targets.md"
    monkeypatch.setattr(gen, "TARGETS_MD", target)
    monkeypatch.setattr(gen, "INDICATORS_MD", tmp_path / "docs" / "indicators" / "index.md")
    assert gen.main(["--check"]) == 1  # absent: stale
    assert gen.main([]) == 0
    assert target.read_text(encoding="utf-8") == gen.targets_markdown()
    assert (tmp_path / "docs" / "indicators" / "index.md").exists()
    assert gen.main(["--check"]) == 0
    target.write_text("old", encoding="utf-8")
    assert gen.main(["--check"]) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fmt": "xml"}, "Unknown format 'xml'; choose one of table, json, markdown"),
        ({"fmt": "table", "lang": "fr"}, "Unknown language 'fr'"),
    ],
)
def test_render_errors(kwargs: dict, match: str) -> None:
    from greenplan.errors import GreenplanError

    with pytest.raises(GreenplanError, match=match):
        render(**kwargs)

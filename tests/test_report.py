"""Tests of greenplan.report: the report model, its JSON Schema and the renderings.

Two kinds of input:

* SYNTHETIC assessment frames built here with the columns of ``greenplan.assess`` (invented
  values, one row per status), for the model and the renderers in isolation;
* the Jinan public data shipped with greenplan, for the report end to end (the expected
  numbers are worked out by hand in the comments from the shipped figures).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from html.parser import HTMLParser

import jsonschema
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from _excel_engines import xlsx_engine  # noqa: F401 (a fixture)
from greenplan.errors import OptionError
from greenplan.progress import ASSESS_COLUMNS, STATUS_LABELS
from greenplan.report import (
    CHAPTERS,
    Report,
    build_report,
    chapter_of,
    confidence_of_note,
    display_width,
    generate_report,
    load_schema,
    shipped_data_paths,
    split_options,
)
from greenplan.report.style import wrap as _wrap
from greenplan.targets import TARGETS, with_presets

STAMP = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)
CHAPTER_TITLES = [
    "二、总体要求",
    "三、加快经济绿色转型",
    "四、培育绿色产业体系",
    "五、推动循环经济发展",
    "六、推进基础设施提质升级",
    "八、夯实绿色发展底色",
    "九、激发绿色发展动能",
]


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _assert_valid(report: Report) -> dict:
    data = json.loads(report.to_json())
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    dt.datetime.fromisoformat(data["generated_at"])  # RFC 3339 / ISO 8601
    return data


def _row(key: str, status: str, **values: object) -> dict:
    """One synthetic assess() row for target ``key`` (other columns from the Target)."""
    t = TARGETS[key]
    row = dict.fromkeys(ASSESS_COLUMNS)
    row.update(
        key=key,
        indicator=t.indicator,
        region="济南市",
        section=t.section,
        name_zh=t.name_zh,
        name_en=t.name_en,
        kind=t.kind.value,
        bound=t.bound.value,
        aspirational=t.aspirational,
        unit=t.unit or None,
        target_year=2025,
        target=t.value,
        status=status,
        status_zh=STATUS_LABELS[status]["zh"],  # type: ignore[index]
        status_en=STATUS_LABELS[status]["en"],  # type: ignore[index]
        method="sequential",
        notes="",
    )
    row.update(values)
    return row


@pytest.fixture
def synthetic() -> pd.DataFrame:
    """SYNTHETIC assessment: one target per status, invented numbers."""
    rows = [
        _row(
            "forest_coverage",
            "behind_schedule",
            baseline_year=2020,
            baseline=11.4,
            latest_year=2023,
            latest=12.0,
            target_level=13.68,
            completion=0.263,
            time_elapsed=0.6,
            required_annual_change=0.56,
            notes="completion 26.3% < time elapsed 60.0%",
        ),
        _row(
            "good_air_days_ratio",
            "ahead_of_schedule",
            baseline_year=2020,
            baseline=62.0,
            latest_year=2021,
            latest=64.6,
            target_level=65.2,
            completion=0.8125,
            time_elapsed=0.2,
            required_annual_change=0.15,
        ),
        _row(
            "rd_intensity",
            "achieved",
            baseline_year=2020,
            baseline=2.62,
            latest_year=2024,
            latest=3.4,
            target_level=3.3,
            completion=1.0,
            time_elapsed=0.8,
            required_annual_change=0.0,
            status_zh="提前实现",
            status_en="Achieved early",
        ),
        _row(
            "water_use_per_gdp",
            "moving_away",
            baseline_year=2020,
            baseline=40.0,
            latest_year=2022,
            latest=41.0,
            target_level=33.6,
            completion=-0.156,
            time_elapsed=0.4,
            required_annual_change=-2.47,
            unit="立方米/万元",
        ),
        _row(
            "nonconventional_water_use",
            "on_schedule",
            baseline_year=2020,
            baseline=1.5,
            latest_year=2023,
            latest=2.1,
            target_level=2.5,
            completion=0.6,
            time_elapsed=0.6,
            required_annual_change=0.2,
        ),
        _row(
            "energy_dual_control",
            "not_assessable",
            notes="target not set: the province assigns it; presets: "
            "jinan_energy_intensity_2023 (greenplan.targets.with_presets); "
            "no data for energy_intensity",
        ),
        _row("new_roads_km", "not_assessable", notes="no data for new_roads_km in 济南市"),
        _row(
            "specialized_gazelle_champion_enterprises",
            "not_assessable",
            latest_year=2020,
            latest=771.0,
            notes="no data after the base year 2020",
        ),
    ]
    frame = pd.DataFrame(rows, columns=list(ASSESS_COLUMNS))
    frame.attrs["greenplan"] = {"method": "sequential", "year": None, "options": {}}
    return frame


@pytest.fixture(scope="module")
def shipped() -> Report:
    return generate_report()


# --- small helpers ------------------------------------------------------------------------


def test_display_width_counts_cjk_as_two() -> None:
    assert display_width("abc") == 3
    assert display_width("森林覆盖率") == 10
    assert display_width("“四新”") == 6  # curly quotes are ambiguous width: one column
    assert display_width("ＡＢ") == 4  # full-width Latin
    assert display_width("") == 0


@given(
    st.text(alphabet=st.sampled_from("ab c森林覆盖率，。()[]Ⅲ-"), max_size=60),
    st.integers(min_value=4, max_value=40),
)
@example(text="   。", width=4)  # leading spaces before a wide character (found by hypothesis)
def test_wrap_keeps_every_line_within_width_and_loses_nothing(text: str, width: int) -> None:
    lines = _wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@given(st.text(max_size=20), st.text(max_size=20))
def test_display_width_is_additive(a: str, b: str) -> None:
    assert display_width(a + b) == display_width(a) + display_width(b)


def test_confidence_of_note() -> None:
    assert confidence_of_note("[C] as printed") == "confirmed"
    assert confidence_of_note("[D] 941.5 / 1.008 = 934.0") == "derived"
    assert confidence_of_note("[C][?] reference year not explicit") == "unverified"
    assert confidence_of_note("[M] verify") == "unverified"
    assert confidence_of_note("no tag") is None
    assert confidence_of_note(float("nan")) is None


def test_chapter_of_every_target_is_a_plan_chapter() -> None:
    assert chapter_of("八(一)") == "八"
    assert chapter_of("十(二)") == "十"
    assert chapter_of("") == ""
    chapters = {chapter_of(t.section) for t in TARGETS.values()}
    assert chapters == {"二", "三", "四", "五", "六", "八", "九"}
    assert [CHAPTERS[c][0] for c in "二三四五六八九"] == CHAPTER_TITLES


def test_split_options() -> None:
    compute, assess = split_options({"base_year": 2020, "schedule_tolerance": 0.05})
    assert compute == {"base_year": 2020}
    assert assess == {"schedule_tolerance": 0.05}
    with pytest.raises(OptionError, match=r"Unknown option 'base_yaer'.*base_year"):
        split_options({"base_yaer": 2020})


# --- the model ------------------------------------------------------------------------------


def test_model_of_a_synthetic_assessment(synthetic: pd.DataFrame) -> None:
    report = build_report(synthetic, generated_at=STAMP)
    s = report.summary
    assert s["total"] == 8
    assert s["counts"] == {
        "achieved": 1,
        "not_achieved": 0,
        "ahead_of_schedule": 1,
        "on_schedule": 1,
        "behind_schedule": 1,
        "moving_away": 1,
        "not_assessable": 3,
    }
    assert s["not_assessable"] == {
        "no_data": 2,
        "no_base_year_value": 0,
        "target_not_set": 1,
        "city_wide_target": 0,
        "other": 0,
    }
    assert s["data_year"] == 2024
    assert s["text_zh"].startswith("8项目标中：已完成/提前实现 1项")
    assert "无数据 2项，缺少基期值 0项，目标未设定 1项" in s["text_zh"]
    assert s["text_en"].startswith("Of 8 targets: 1 achieved, 1 ahead of schedule")
    assert report.model["generated_at"] == "2025-06-30T12:00:00+00:00"
    assert report.model["method"] == "sequential"
    assert report.model["region"] == "济南市"


def test_chapters_follow_plan_order(synthetic: pd.DataFrame) -> None:
    model = build_report(synthetic).model
    assert [c["id"] for c in model["chapters"]] == ["四", "五", "六", "八", "九"]
    assert model["chapters"][-1]["targets"] == ["rd_intensity"]
    keys = [k for c in model["chapters"] for k in c["targets"]]
    assert sorted(keys) == sorted(synthetic["key"])


def test_base_year_only_value_is_the_baseline(synthetic: pd.DataFrame) -> None:
    entry = {e["key"]: e for e in build_report(synthetic).targets}[
        "specialized_gazelle_champion_enterprises"
    ]
    assert entry["baseline"] == {
        "year": 2020,
        "value": 771.0,
        "confidence": None,
        "from_plan": False,
    }
    assert entry["latest"] is None
    assert entry["reason"] == "no_data"


def test_assigned_target_without_value_is_not_set(synthetic: pd.DataFrame) -> None:
    entry = {e["key"]: e for e in build_report(synthetic).targets}["energy_dual_control"]
    assert entry["reason"] == "target_not_set"
    assert entry["target"]["set"] is False
    assert any("jinan_energy_intensity_2023" in n for n in entry["notes"])


def test_confidence_from_note_tags(synthetic: pd.DataFrame) -> None:
    stats = pd.DataFrame(  # SYNTHETIC notes on the rows the figures come from
        {
            "region": "济南市",
            "year": [2020, 2021, 2024],
            "variable": ["good_air_days_ratio", "good_air_days_ratio", "rd_expenditure"],
            "note": ["[C] plan", "[D] 162/250 = 64.8", "[C][?] year unclear"],
        }
    )
    report = build_report(synthetic, stats=stats)
    by_key = {e["key"]: e for e in report.targets}
    assert by_key["good_air_days_ratio"]["baseline"]["confidence"] == "confirmed"
    assert by_key["good_air_days_ratio"]["latest"]["confidence"] == "derived"
    # rd_intensity is computed from rd_expenditure: the input's tag carries over.
    assert by_key["rd_intensity"]["latest"]["confidence"] == "unverified"
    assert by_key["forest_coverage"]["latest"]["confidence"] is None
    assert report.summary["flagged"] == {"derived": 1, "unverified": 1}


def test_build_report_rejects_bad_input(synthetic: pd.DataFrame) -> None:
    with pytest.raises(OptionError, match="missing column"):
        build_report(synthetic.drop(columns=["status"]))
    with pytest.raises(OptionError, match="region '历下区' is not in the assessment"):
        build_report(synthetic, region="历下区")


def test_district_report(synthetic: pd.DataFrame) -> None:
    district = synthetic.assign(region="历下区")
    model = build_report(district).model  # the city is absent: its only region
    assert model["region"] == "历下区"
    assert {e["region"] for e in model["targets"]} == {"历下区"}


def test_json_of_a_synthetic_report_follows_the_schema(synthetic: pd.DataFrame) -> None:
    data = _assert_valid(build_report(synthetic, generated_at=STAMP))
    assert list(data)[:3] == ["schema_version", "generated_at", "greenplan_version"]


def test_schema_rejects_a_wrong_report(synthetic: pd.DataFrame) -> None:
    data = build_report(synthetic).to_dict()
    data["targets"][0]["status"] = "fine"
    del data["summary"]["counts"]["achieved"]
    assert len(list(_validator().iter_errors(data))) == 2


# --- renderings -----------------------------------------------------------------------------


def test_text_columns_are_aligned_by_display_width(synthetic: pd.DataFrame) -> None:
    text = build_report(synthetic).to_text("zh")
    labels = ["滞后于序时进度", "快于序时进度", "提前实现", "逆向变化", "符合序时进度"]
    starts = set()
    for line in text.splitlines():
        for label in labels:
            if line.endswith(label):
                starts.add(display_width(line[: -len(label)]))
    assert len(starts) == 1, starts


def test_text_in_both_languages(synthetic: pd.DataFrame) -> None:
    zh = build_report(synthetic).render("text", "zh")
    en = build_report(synthetic).render("text", "en")
    assert "概要" in zh and "目标未设定" in zh and "无数据" in zh
    assert "可用预设：jinan_energy_intensity_2023" in zh
    assert "Summary" in en and "Target not set" in en and "No data" in en
    assert "Behind schedule" in en and "滞后于序时进度" not in en
    assert "26.3%" in zh and "60.0%" in zh  # completion and time elapsed
    assert "+0.56/年" in zh and "+0.56/yr" in en  # required annual change
    assert "≈−6% vs 2020" not in zh  # fertilizer is not in this synthetic frame
    assert "−16% vs 2020" in zh  # water use per GDP target


def test_markdown_tables_are_well_formed(synthetic: pd.DataFrame) -> None:
    md = build_report(synthetic).to_markdown("en")
    rows = [line for line in md.splitlines() if line.startswith("|")]
    counts = {len(re.findall(r"(?<!\\)\|", line)) for line in rows}
    assert counts == {10}, counts  # 9 columns → 10 unescaped pipes per row
    assert "## 8. Strengthening the ecological foundation" in md


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escaped(synthetic: pd.DataFrame) -> None:
    frame = synthetic.copy()
    frame.loc[0, "name_zh"] = "<script>alert('x')</script> & 森林"
    frame.loc[0, "notes"] = "a < b & c"
    page = build_report(frame).to_html("zh", plot_png=b"\x89PNG\r\n\x1a\nfake")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 森林" in page
    assert "a &lt; b &amp; c" in page
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags
    assert parser.urls == ["data:image/png;base64,iVBORw0KGgpmYWtl"]
    assert "style" in parser.tags


def test_html_without_plot_has_no_image(synthetic: pd.DataFrame) -> None:
    page = build_report(synthetic).to_html("en")
    assert "<img" not in page and 'lang="en"' in page


def test_notebook_display_is_a_fragment(synthetic: pd.DataFrame) -> None:
    fragment = build_report(synthetic)._repr_html_()
    assert fragment.startswith('<div class="greenplan-report">')
    assert "<html" not in fragment


def test_render_rejects_unknown_format_and_language(synthetic: pd.DataFrame) -> None:
    report = build_report(synthetic)
    with pytest.raises(OptionError, match="Unknown format 'pdf'"):
        report.render("pdf")
    with pytest.raises(OptionError, match="Unknown language 'fr'") as exc:
        report.render("text", "fr")
    # the same error in Chinese (catalogue report.unknown_lang; choices joined with 、)
    assert exc.value.text("zh") == "未知语言 'fr'；请从 zh、en 中选择。"


# --- the shipped Jinan data, end to end -------------------------------------------------------


def test_shipped_report_lists_all_43_targets_by_chapter(shipped: Report) -> None:
    assert [e["key"] for e in shipped.targets] == list(TARGETS)
    assert shipped.summary["total"] == 43
    assert sum(shipped.summary["counts"].values()) == 43
    text = shipped.to_text("zh")
    for title in CHAPTER_TITLES:
        assert title in text
    assert "七、推行绿色生活方式" not in text  # no quantified target in chapter 七
    markdown = shipped.to_markdown("zh")  # not wrapped
    english = shipped.to_markdown("en")
    for t in TARGETS.values():
        assert t.name_zh in markdown, t.key
        assert t.name_en.replace("|", "\\|") in english, t.key


def test_shipped_report_json_follows_the_schema(shipped: Report) -> None:
    data = _assert_valid(shipped)
    assert data["data"] == {"shipped": True, "sources": ["baseline_2020", "jinan"]}
    assert data["options"]["compute"]["base_year"] == 2020


def test_shipped_report_values(shipped: Report) -> None:
    by_key = {e["key"]: e for e in shipped.targets}
    air = by_key["good_air_days_ratio"]
    # (64.6 − 62) / (65.2 − 62) = 2.6 / 3.2 = 0.8125; (2021 − 2020) / 5 = 0.2
    assert air["completion"] == pytest.approx(0.8125)
    assert air["time_elapsed"] == pytest.approx(0.2)
    assert air["status"] == "ahead_of_schedule"
    assert air["baseline"]["year"] == 2020 and air["latest"]["year"] == 2021
    rd = by_key["rd_intensity"]
    # baseline 265.46 / 10140.91 = 2.6177 %; (3.0 − 2.6177) / (3.3 − 2.6177) = 0.5603
    assert rd["baseline"]["value"] == pytest.approx(2.6177, abs=1e-4)
    assert rd["completion"] == pytest.approx(0.5603, abs=1e-4)
    assert rd["time_elapsed"] == pytest.approx(0.8)
    assert rd["status"] == "behind_schedule"
    assert rd["latest"]["confidence"] == "unverified"  # "达3%", year not explicit
    water = by_key["surface_water_class_iii_share"]
    # 2020 (13th-FYP section set) is not shipped and the plan states none: a target measured
    # from 2020 is not measured from 2021 (issue 10)
    assert water["status"] == "not_assessable"
    assert water["reason"] == "no_base_year_value"
    assert water["baseline"] is None and water["latest"]["year"] == 2022
    assert by_key["forest_coverage"]["baseline"]["value"] == 11.4
    assert by_key["forest_coverage"]["reason"] == "no_data"
    for key in (
        "energy_dual_control",
        "coal_consumption_control",
        "water_use_total",
        "construction_land_per_gdp",
    ):
        assert by_key[key]["reason"] == "target_not_set", key
    assert shipped.summary["not_assessable"]["target_not_set"] == 4
    assert shipped.summary["data_year"] == 2024


def test_shipped_report_states_flags(shipped: Report) -> None:
    assert shipped.summary["flagged"]["unverified"] >= 1
    text = shipped.to_text("zh")
    assert "[?]" in text and "未经核实" in text.replace("\n", "")
    assert "unverified" in shipped.to_text("en")


@pytest.mark.usefixtures("xlsx_engine")
def test_flags_come_from_the_note_column_of_any_file_kind(shipped: Report, tmp_path) -> None:
    """The tags are read with the data (canonical ``note`` column), not from CSV files only."""
    frames = [
        pd.read_csv(f, dtype=str) for p in shipped_data_paths() for f in sorted(p.glob("*.csv"))
    ]
    book = tmp_path / "shipped.xlsx"
    data = pd.concat(frames, ignore_index=True).rename(columns={"note": "备注"})
    data.to_excel(book, sheet_name="数据", index=False)
    report = generate_report([book])
    assert report.summary["flagged"] == shipped.summary["flagged"]
    flags = {
        (e["key"], part): e[part]["confidence"]
        for e in report.targets
        for part in ("baseline", "latest")
        if e.get(part)
    }
    expected = {
        (e["key"], part): e[part]["confidence"]
        for e in shipped.targets
        for part in ("baseline", "latest")
        if e.get(part)
    }
    assert flags == expected
    assert any(level == "derived" for level in flags.values())


def test_presets_set_an_assigned_target() -> None:
    targets = {
        k: v for k, v in with_presets(["jinan_energy_intensity_2023"]).items() if k in TARGETS
    }
    report = generate_report(targets=targets)
    entry = {e["key"]: e for e in report.targets}["energy_dual_control"]
    assert entry["target"]["value"] == -14.8
    assert entry["target"]["set"] is True
    assert entry["reason"] == "no_data"


def test_generate_report_as_of_a_year() -> None:
    report = generate_report(year=2022)
    by_key = {e["key"]: e for e in report.targets}
    assert report.model["year"] == 2022
    assert by_key["rd_intensity"]["reason"] == "no_data"  # 2024 is after the as-of year
    assert by_key["good_air_days_ratio"]["latest"]["year"] == 2021


def test_plan_baseline_is_marked_and_translated() -> None:
    row = _row(  # SYNTHETIC: a 2023 value against the plan's own 2020 bound (>36 %)
        "four_new_economy_share",
        "behind_schedule",
        baseline_year=2020,
        baseline=36.0,
        latest_year=2023,
        latest=40.0,
        completion=0.444,
        time_elapsed=0.6,
        notes="completion 44.4% < time elapsed 60.0%; no 2020 value in the data: baseline "
        "36 % from the plan (一(一)) (超过: the true value is higher)",
    )
    frame = pd.DataFrame([row], columns=list(ASSESS_COLUMNS))
    report = build_report(frame)
    assert report.targets[0]["baseline"]["from_plan"] is True
    zh = report.to_text("zh")
    assert "36* (2020)" in zh
    assert "带 * 的基期值取自规划原文" in zh
    assert "基期采用规划所载 36 %（一(一)）（超过：实际值更高）" in zh.replace("\n      ", "")
    en = report.to_markdown("en")
    assert "A baseline marked * is the plan's own figure" in en


def test_no_star_statement_without_plan_baselines(synthetic: pd.DataFrame) -> None:
    text = build_report(synthetic).to_text("en")
    assert "marked *" not in text and "*" not in text


def test_cumulative_target_sums_the_years_and_their_tags() -> None:
    row = _row(  # SYNTHETIC: 120 + 90 + 90 = 300 km built 2021–2023
        "new_roads_km",
        "behind_schedule",
        baseline_year=2020,
        baseline=0.0,
        latest_year=2023,
        latest=300.0,
        target_level=700.0,
        completion=300 / 700,
        time_elapsed=0.6,
        required_annual_change=200.0,
        unit="公里",
        notes="completion 42.9% < time elapsed 60.0%; cumulative additions 2021–2023",
    )
    stats = pd.DataFrame(  # SYNTHETIC tags: only 2022 is derived
        {
            "region": "济南市",
            "year": [2021, 2022, 2023],
            "variable": "roads_opened_km",
            "note": ["[C]", "[D] 45 + 45 = 90", "[C]"],
        }
    )
    report = build_report(pd.DataFrame([row], columns=list(ASSESS_COLUMNS)), stats=stats)
    entry = report.targets[0]
    assert entry["baseline"] == {"year": 2020, "value": 0.0, "confidence": None, "from_plan": False}
    assert entry["latest"]["confidence"] == "derived"
    text = report.to_text("zh")
    assert "300 (2021–2023) [D]" in text and "Σ≥700" in text
    assert "2021–2023年累计新增" in text


_STATUS_NAMES = [s.value for s in STATUS_LABELS]


@settings(max_examples=30)
@given(st.lists(st.sampled_from(_STATUS_NAMES), min_size=8, max_size=8))
def test_summary_counts_add_up_and_stay_valid(statuses: list[str]) -> None:
    keys = [
        "forest_coverage",
        "good_air_days_ratio",
        "rd_intensity",
        "water_use_per_gdp",
        "nonconventional_water_use",
        "energy_dual_control",
        "new_roads_km",
        "sewage_collection_rate",
    ]
    rows = [
        _row(k, s, notes="" if s != "not_assessable" else f"no data for {k} in 济南市")
        for k, s in zip(keys, statuses, strict=True)
    ]
    report = build_report(pd.DataFrame(rows, columns=list(ASSESS_COLUMNS)), generated_at=STAMP)
    summary = report.summary
    assert sum(summary["counts"].values()) == summary["total"] == 8
    assert sum(summary["not_assessable"].values()) == summary["counts"]["not_assessable"]
    assert not list(_validator().iter_errors(report.to_dict()))


def test_shipped_report_has_the_comprehensive_evaluation(shipped: Report) -> None:
    ev = shipped.model["evaluation"]
    scores = {s["key"]: s["score"] for s in ev["scores"] if s["score"] is not None}
    assert set(scores) == {"good_air_days_ratio", "rd_intensity"}
    # 60 + 40 × (64.6 − 62)/(65.2 − 62) = 60 + 40 × 0.8125 = 92.5
    assert scores["good_air_days_ratio"] == pytest.approx(92.5)
    # 60 + 40 × (3.0 − 2.6177)/(3.3 − 2.6177) = 60 + 40 × 0.5603 = 82.41
    assert scores["rd_intensity"] == pytest.approx(82.41, abs=0.01)
    # equal-weight mean: (92.5 + 82.41) / 2 = 87.46
    assert ev["index"] == pytest.approx(87.46, abs=0.01)
    assert ev["scored"] == 2 and ev["targets"] == 43
    assert "87.5" in shipped.render("text", lang="en")
    assert "综合评价" in shipped.render("text", lang="zh")

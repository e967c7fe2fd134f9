"""Findings of the table checks, the consistency checks and the engine, in Chinese and English.

Each test builds a small synthetic table (labelled so; the figures are chosen by hand, the
arithmetic that makes them a finding is in a comment) that triggers one finding code, and
checks the finding's message word for word in both languages: the English text as greenplan
always wrote it (the catalogue must not change it) and the Chinese one of the catalogue
(``checks.csv``, ``validation.csv``, ``engine.csv``). Also: ``validate(lang=…)``.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import greenplan as gp
from greenplan import checks
from greenplan.engine import to_wide
from greenplan.errors import OptionError, StatisticsError
from greenplan.progress.rates import rate_disagreements
from greenplan.validation import Finding, ValidationReport

CJK = re.compile(r"[\u4e00-\u9fff]")


def _table(*rows: tuple[str, int, str, float, str]) -> pd.DataFrame:
    # synthetic statistics: long layout, one row per observation
    return pd.DataFrame(rows, columns=["region", "year", "variable", "value", "unit"])


def _one(report: ValidationReport, code: str, variable: str | None = None) -> Finding:
    hits = [
        f
        for f in report.findings
        if f.code == code and (variable is None or f.variable == variable)
    ]
    assert hits, f"no {code} in:\n{report.to_text(infos=True)}"
    return hits[0]


def _check(
    table: pd.DataFrame, code: str, en: str, zh: str, variable: str | None = None, **options
) -> Finding:
    """First ``code`` finding of ``table``: ``en`` in English (the default), ``zh`` in Chinese."""
    options.setdefault("check_coverage", False)
    report = gp.validate(table, **options)
    finding = _one(report, code, variable)
    assert finding.message == en
    assert finding.text("en") == en
    assert finding.text("zh") == zh
    assert finding.translated("zh").message == zh
    # the same report asked for in Chinese, and in English
    variable = finding.variable
    assert _one(gp.validate(table, lang="zh", **options), code, variable).message == zh
    assert _one(gp.validate(table, lang="en", **options), code, variable).message == en
    return finding


def test_negative_value():
    # energy consumption cannot be below 0 (its lower bound): −3500 is
    _check(
        _table(("济南市", 2020, "energy_consumption", -3500, "万吨标准煤")),
        "negative_value",
        "energy_consumption of 济南市 in 2020 is negative (-3500 万吨标准煤), but it cannot be. "
        "Check the sign, and that the number is in the right column.",
        "济南市 2020 年 energy_consumption 为负值（-3500 万吨标准煤），但该指标不能为负。"
        "请检查正负号，并确认数值填在正确的列中。",
    )


def test_share_out_of_range():
    # a share in % lies in 0–100: 120 does not
    f = _check(
        _table(("济南市", 2020, "good_air_days_ratio", 120, "%")),
        "share_out_of_range",
        "good_air_days_ratio of 济南市 in 2020 is 120 %, outside 0–100 %. Give shares in "
        "percent (35.2, not 0.352), or write the unit as 1 for a fraction.",
        "济南市 2020 年 good_air_days_ratio 为 120 %，超出 0–100 % 的范围。比重请以百分数填写"
        "（填 35.2，不填 0.352）；如填写小数，请将单位写为 1。",
    )
    assert f.expected == "0–100"


def test_out_of_bounds():
    # real GDP growth is plausible within −30 … 50 %: 80 % is outside
    _check(
        _table(("济南市", 2020, "gdp_real_growth", 80, "%")),
        "out_of_bounds",
        "gdp_real_growth of 济南市 in 2020 is 80 %, outside the plausible range -30–50 %. "
        "Check the value and its unit (万 vs 亿, % vs ‰).",
        "济南市 2020 年 gdp_real_growth 为 80 %，超出合理范围 -30–50 %。"
        "请检查数值及其单位（万与亿、% 与 ‰）。",
    )


def test_duplicate_conflict_names_the_other_rows_in_either_language():
    # GDP of 2020 given twice, 10140.91 and 10410.91 (shown with 6 significant digits)
    f = _check(
        _table(
            ("济南市", 2020, "gdp", 10140.91, "亿元"),
            ("济南市", 2020, "gdp", 10410.91, "亿元"),
        ),
        "duplicate_conflict",
        "gdp of 济南市 in 2020 is given 2 times with different values: 10140.9 here, 10410.9 "
        "at <DataFrame #1> row 2. Keep the correct row and delete the other(s).",
        "济南市 2020 年 gdp 填报了 2 次且数值不同：本行为 10140.9，<DataFrame #1> 第 2 行为 "
        "10410.9。请保留正确的一行，删除其余各行。",
    )
    assert f.expected == "one value; also 10410.9"


def test_duplicate_conflict_of_three_rows_lists_the_others_with_semicolons():
    # three values for one key: each finding lists the two others, "; " / "；" between them
    report = gp.validate(
        _table(
            ("济南市", 2020, "gdp", 1, "亿元"),
            ("济南市", 2020, "gdp", 2, "亿元"),
            ("济南市", 2020, "gdp", 3, "亿元"),
        ),
        check_coverage=False,
    )
    f = _one(report, "duplicate_conflict")
    assert f.message == (
        "gdp of 济南市 in 2020 is given 3 times with different values: 1 here, 2 at "
        "<DataFrame #1> row 2; 3 at <DataFrame #1> row 3. Keep the correct row and delete the "
        "other(s)."
    )
    assert f.text("zh") == (
        "济南市 2020 年 gdp 填报了 3 次且数值不同：本行为 1，<DataFrame #1> 第 2 行为 2；"
        "<DataFrame #1> 第 3 行为 3。请保留正确的一行，删除其余各行。"
    )
    assert f.expected == "one value; also 2, 3"
    assert f.translated("zh").expected == "唯一数值；另填有 2、3"


def test_duplicate_identical():
    _check(
        _table(("济南市", 2020, "gdp", 100, "亿元"), ("济南市", 2020, "gdp", 100, "亿元")),
        "duplicate_identical",
        "gdp of 济南市 in 2020 is given again with the same value 100 (first at <DataFrame #1> "
        "row 1). Delete one of the rows.",
        "济南市 2020 年 gdp 重复填报，数值相同，均为 100（首次出现于 <DataFrame #1> 第 1 行）。"
        "请删除其中一行。",
    )


def test_children_sum_mismatch():
    # solar 60 + wind 60 = 120 万千瓦 > the renewable total 100, with 2 of 6 components given
    _check(
        _table(
            ("济南市", 2020, "capacity_renewable", 100, "万千瓦"),
            ("济南市", 2020, "capacity_solar", 60, "万千瓦"),
            ("济南市", 2020, "capacity_wind", 60, "万千瓦"),
        ),
        "children_sum_mismatch",
        "capacity_renewable of 济南市 in 2020 is 100 万千瓦, but the 2 of its 6 components "
        "given (capacity_solar, capacity_wind, capacity_biomass, capacity_waste, capacity_hydro, "
        "capacity_geothermal) already sum to 120, more than the total (tolerance 1.0%). Correct "
        "the total or the components.",
        "济南市 2020 年 capacity_renewable 为 100 万千瓦，但已填报的 2 个分项（共 6 个："
        "capacity_solar、capacity_wind、capacity_biomass、capacity_waste、capacity_hydro、"
        "capacity_geothermal）之和已达 120，超过总量（容差 1.0%）。请更正总量或分项。",
    )


def test_districts_sum_mismatch():
    # 历下区 80 + 市中区 70 = 150 亿元 > the city's 100, with 2 of the 12 districts and counties
    _check(
        _table(
            ("济南市", 2020, "gdp", 100, "亿元"),
            ("历下区", 2020, "gdp", 80, "亿元"),
            ("市中区", 2020, "gdp", 70, "亿元"),
        ),
        "districts_sum_mismatch",
        "gdp of 济南市 in 2020 is 100 亿元, but the 2 of 12 districts and counties given "
        "already sum to 150 (tolerance 1.0%). Check the city and the district figures "
        "(functional zones such as 高新区 are never summed).",
        "济南市 2020 年 gdp 为 100 亿元，但已填报的 2 个区县（共 12 个）之和已达 150（容差 1.0%）。"
        "请核对全市与各区县数据（高新区等功能区不参与加总）。",
    )


def test_yoy_jump():
    # 3500 → 7200: 7200 / 3500 − 1 = +105.7 %, shown +106 %, beyond the default ±50 %
    f = _check(
        _table(
            ("济南市", 2019, "energy_consumption", 3500, "万吨标准煤"),
            ("济南市", 2020, "energy_consumption", 7200, "万吨标准煤"),
        ),
        "yoy_jump",
        "energy_consumption of 济南市 changes from 3500 in 2019 to 7200 万吨标准煤 in 2020 "
        "(+106%), more than the ±50% threshold. Check the value and its unit (万 vs 亿); if the "
        "change is real, ignore this warning.",
        "济南市 energy_consumption 由 2019 年的 3500 变为 2020 年的 7200 万吨标准煤（+106%），"
        "变动超过 ±50% 的阈值。请检查数值及其单位（万与亿）；如变动属实，可忽略此警告。",
    )
    assert f.expected == "within ±50% of 3500"
    # the expected text is translated with the message (checks.yoy_expected)
    assert f.translated("zh").expected == "3500 的 ±50% 以内"


def test_percent_scale():
    # 62.0 % in 2020, then 0.646 % in 2021: a fraction (64.6 %) written for a percentage
    f = _check(
        _table(
            ("济南市", 2020, "good_air_days_ratio", 62.0, "%"),
            ("济南市", 2021, "good_air_days_ratio", 0.646, "%"),
        ),
        "percent_scale",
        "good_air_days_ratio of 济南市 in 2021 is 0.646 %, while other years of the series are "
        "10 % or more: a fraction written for a percentage? Give it in percent (64.6), or write "
        "the unit as 1 for a fraction.",
        "济南市 2021 年 good_air_days_ratio 为 0.646 %，而该序列其他年份均在 10 % 及以上："
        "是否将小数误作百分数填写？请以百分数填写（64.6）；如填写小数，请将单位写为 1。",
    )
    assert f.expected == "the same scale as the rest of the series (in %)"


def test_not_computable():
    # GDP alone: the GDP at constant 2020 prices needs the real growth or the index
    _check(
        _table(("济南市", 2021, "gdp", 11432.22, "亿元")),
        "not_computable",
        "gdp_constant_2020 (地区生产总值(2020年可比价)) cannot be computed for 济南市 in 2021: "
        "missing gdp_real_growth, gdp_index. Submit them if the indicator is needed.",
        "济南市 2021 年无法计算 gdp_constant_2020 (地区生产总值(2020年可比价))：缺少 "
        "gdp_real_growth、gdp_index。如需该指标，请补充报送。",
        check_coverage=True,
        variable="gdp_constant_2020",
    )


def test_reported_mismatch():
    # 300 good days of 365 valid ones: 300 / 365 = 82.19 %; reported 90 %: (90 − 82.19) / 82.19
    # = +9.5 %
    _check(
        _table(
            ("济南市", 2020, "good_air_days", 300, "天"),
            ("济南市", 2020, "valid_monitoring_days", 365, "天"),
            ("济南市", 2020, "good_air_days_ratio", 90, "%"),
        ),
        "reported_mismatch",
        "good_air_days_ratio of 济南市 in 2020 is reported as 90 %, but its components give "
        "82.1918 (+9.5%); the computed value is used. Check the reported figure and the "
        "components.",
        "济南市 2020 年 good_air_days_ratio 填报值为 90 %，但由其分项计算得 82.1918（+9.5%）；"
        "已采用计算值。请核对填报值及各分项。",
    )


def _water(rate: float) -> pd.DataFrame:
    # synthetic: water use per 10⁴ yuan GDP 50 (2020) and 46 (2023): 46/50 − 1 = −8.00 %
    return _table(
        ("济南市", 2020, "water_use_per_gdp", 50.0, "立方米/万元"),
        ("济南市", 2023, "water_use_per_gdp", 46.0, "立方米/万元"),
        ("济南市", 2023, "water_use_per_gdp_change", rate, "%"),
    )


def test_rate_mismatch_matches_the_text_of_rate_disagreements():
    f = _check(
        _water(-10.0),
        "rate_mismatch",
        "water_use_per_gdp_change 2023: reported -10 % but the levels of water_use_per_gdp give "
        "-8.00 % (vs 2020); beyond the published rounding ±0.05. The levels are used.",
        "water_use_per_gdp_change 2023 年：填报值为 -10 %，但由 water_use_per_gdp 的数值推算为 "
        "-8.00 %（相对 2020 年）；差异超出公布数值的修约范围 ±0.05。已采用由数值推算的结果。",
    )
    # the catalogue's English is the text rate_disagreements writes for the same rate
    table = gp.validate(_water(-10.0), check_coverage=False).table
    [text] = rate_disagreements(table, gp.compute(table), base_year=2020)["message"].tolist()
    assert f.message == text


def test_check_failed_names_the_check_in_either_language(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose\nsecond line")

    monkeypatch.setattr(checks, "_check_yoy", broken)
    f = _one(
        gp.validate(_table(("济南市", 2020, "gdp", 100, "亿元")), check_coverage=False),
        "check_failed",
    )
    assert f.message == (
        "The year-on-year check could not run (RuntimeError: broken on purpose); the other "
        "checks did. Please report this to the greenplan maintainers."
    )
    assert f.text("zh") == (
        "同比变动检查未能运行（RuntimeError: broken on purpose）；其他检查已完成。"
        "请将此问题报告给 greenplan 维护者。"
    )


def test_check_failed_of_an_unnamed_check_keeps_its_name(monkeypatch):
    collector = checks.Collector()

    def broken() -> None:
        raise ValueError("x")

    checks.guarded(collector, "new check", broken)
    [f] = collector.findings
    assert f.message.startswith("The new check check could not run (ValueError: x)")
    assert f.text("zh").startswith("new check检查未能运行（ValueError: x）")


def test_engine_refuses_conflicting_duplicates_in_either_language():
    # the engine never guesses which of two values of a canonical table is right
    table = pd.DataFrame(
        [("济南市", 2020, "gdp", 1.5), ("济南市", 2020, "gdp", 2.5)],
        columns=["region", "year", "variable", "value"],
    )
    with pytest.raises(StatisticsError) as caught:
        to_wide(table)
    [f] = caught.value.report.findings
    assert f.code == "duplicate_conflict"
    assert f.message == (
        "gdp of 济南市 in 2020 is given 2 times with different values (1.5, 2.5) in rows 1, 2: "
        "keep the correct row and delete the other(s)."
    )
    assert f.text("zh") == (
        "济南市 2020 年 gdp 填报了 2 次且数值不同（1.5、2.5），见第 1、2 行：请保留正确的一行，"
        "删除其余各行。"
    )


# --- validate(lang=…) ----------------------------------------------------------------------


def _bad() -> pd.DataFrame:
    return _table(
        ("济南市", 2020, "energy_consumption", -3500, "万吨标准煤"),
        ("济南市", 2020, "good_air_days_ratio", 120, "%"),
    )


def test_validate_in_chinese_renders_chinese_text():
    report = gp.validate(_bad(), check_coverage=False, lang="zh")
    assert report.lang == "zh"
    text = report.to_text()
    assert text.startswith("greenplan 校验：未通过 — 错误 2 条，警告 0 条，提示 0 条")
    assert "济南市 2020 年 energy_consumption 为负值（-3500 万吨标准煤）" in text
    assert "超出 0–100 % 的范围" in text
    assert "is negative" not in text and "outside" not in text
    # every finding message is Chinese, and translating back gives the English report
    assert all(CJK.search(f.message) for f in report.findings)
    english = gp.validate(_bad(), check_coverage=False)
    assert [f.message for f in report.translated("en").findings] == [
        f.message for f in english.findings
    ]


def test_validate_speaks_english_by_default():
    default = gp.validate(_bad(), check_coverage=False)
    assert default.lang == "en"
    assert default.to_text() == gp.validate(_bad(), check_coverage=False, lang="en").to_text()
    assert default.to_text().startswith("greenplan validate: FAILED — 2 error(s)")
    assert "energy_consumption of 济南市 in 2020 is negative" in default.to_text()


@pytest.mark.parametrize("lang", ["fr", "ZH", "", "chinese", 1])
def test_validate_refuses_an_unknown_language(lang):
    with pytest.raises(OptionError, match=r"lang=.*'zh', 'en'"):
        gp.validate(_bad(), lang=lang)


def test_validate_lang_is_not_an_option_of_the_checks():
    # lang chooses the language of the report; the checks ran with the same options
    zh = gp.validate(_bad(), check_coverage=False, lang="zh")
    en = gp.validate(_bad(), check_coverage=False)
    assert "lang" not in zh.options
    assert zh.options == en.options
    assert [(f.code, f.row) for f in zh.findings] == [(f.code, f.row) for f in en.findings]


def test_validate_fuel_records_in_chinese():
    # record-level tables are checked by their own engine; the report is translated too
    records = pd.DataFrame(
        {"fuel": ["raw_coal"], "quantity": [-5.0], "unit": ["吨"], "year": [2020]}
    )
    report = gp.validate(records, lang="zh")
    assert report.lang == "zh"
    assert gp.validate(records).lang == "en"
    assert [f.code for f in report.findings] == ["negative_value"]
    assert report.to_text().startswith("greenplan 校验：未通过 — 错误 1 条")

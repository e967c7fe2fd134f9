"""Tests of ``greenplan report``, ``greenplan compute`` and ``greenplan schema``.

Default input: the Jinan public data shipped with greenplan. Files written here under
``tmp_path`` are SYNTHETIC (invented values) and labelled so in their ``source`` column.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from greenplan.cli import main
from greenplan.report import load_schema
from greenplan.targets import TARGETS

SYNTHETIC = "SYNTHETIC test data"


def _csv(path: Path, rows: list[tuple]) -> Path:
    lines = ["region,year,variable,value,unit,source"]
    lines += [",".join(str(c) for c in (*row, SYNTHETIC)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "air.csv",
        [
            ("济南市", 2020, "good_air_days_ratio", 60.0, "%"),
            ("济南市", 2023, "good_air_days_ratio", 63.0, "%"),
            ("济南市", 2020, "gdp", 10000.0, "亿元"),
            ("济南市", 2021, "gdp", 11000.0, "亿元"),
            ("济南市", 2021, "gdp_real_growth", 5.0, "%"),
        ],
    )


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "bad.csv",
        [
            ("济南市", 2020, "no_such_variable", 1.0, "%"),
            ("济南市", 2021, "good_air_days_ratio", 140.0, "%"),
        ],
    )


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# --- report ---------------------------------------------------------------------------------


def test_report_on_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report")
    assert code == 0
    assert "43项目标中" in out
    assert "无数据" in out and "目标未设定" in out
    assert "八、夯实绿色发展底色" in out


def test_report_english_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report", "--lang", "en", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Jinan 14th Five-Year")
    assert "Of 43 targets:" in out
    assert "## 9. Driving green development through innovation" in out


def test_report_json_validates_against_the_printed_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, schema_text, _ = _run(capsys, "schema")
    assert code == 0
    schema = json.loads(schema_text)
    assert schema == load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    code, out, _ = _run(capsys, "report", "--format", "json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [t["key"] for t in data["targets"]] == list(TARGETS)


def test_report_html_with_embedded_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    page, png = tmp_path / "report.html", tmp_path / "progress.png"
    code, out, _ = _run(
        capsys, "report", "--format", "html", "--lang", "en", "-o", str(page), "--plot", str(png)
    )
    assert code == 0 and out == ""
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "data:image/png;base64," in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_on_user_files(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report", str(good_csv), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["data"] == {"shipped": False, "sources": [str(good_csv)]}
    air = {t["key"]: t for t in data["targets"]}["good_air_days_ratio"]
    # SYNTHETIC: (63 − 60) / (65.2 − 60) = 0.5769 against (2023 − 2020) / 5 = 0.6
    assert air["completion"] == pytest.approx(0.5769, abs=1e-4)
    assert air["status"] == "behind_schedule"


def test_report_with_preset_and_target_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "targets.json"
    config.write_text(json.dumps({"water_use_total": {"value": 17.5, "unit": "亿立方米"}}))
    code, out, _ = _run(
        capsys,
        "report",
        "--format",
        "json",
        "--targets",
        str(config),
        "--preset",
        "jinan_energy_intensity_2023",
    )
    assert code == 0
    by_key = {t["key"]: t for t in json.loads(out)["targets"]}
    assert len(by_key) == 43
    assert by_key["energy_dual_control"]["target"]["value"] == -14.8
    assert by_key["water_use_total"]["target"]["value"] == 17.5
    assert by_key["water_use_total"]["reason"] == "no_data"


def test_report_supplementary_target_joins_when_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "report", "--format", "json", "--preset", "shandong_carbon_intensity_2022"
    )
    assert code == 0
    keys = [t["key"] for t in json.loads(out)["targets"]]
    assert len(keys) == 44 and "carbon_intensity_control" in keys


def test_report_as_of_year_and_method(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "report", "--format", "json", "--year", "2022", "--method", "escap")
    assert code == 0
    data = json.loads(out)
    assert data["year"] == 2022 and data["method"] == "escap"


def test_report_data_errors_exit_1(bad_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "report", str(bad_csv))
    assert code == 1
    assert out == ""
    assert "unknown_variable" in err and "no_such_variable" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--year", "2019"], "--year 2019"),
        (["report", "missing.csv"], "missing.csv: no such file"),
        (["report", "--option", "no_such_option=1"], "Unknown option 'no_such_option'"),
        (["report", "--option", "novalue"], "expected NAME=VALUE"),
        (["report", "--preset", "nope"], "nope"),
        (["report", "--targets", "missing.toml"], "missing.toml"),
        (["report", "--format", "pdf"], "invalid choice: 'pdf'"),
    ],
)
def test_report_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in err


def test_plot_without_matplotlib_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = _run(capsys, "report", "--plot", str(tmp_path / "p.png"))
    assert code == 2
    assert 'pip install "greenplan[plot]"' in err
    assert not (tmp_path / "p.png").exists()


def test_html_without_matplotlib_has_no_plot(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, _ = _run(capsys, "report", "--format", "html")
    assert code == 0
    assert "<img" not in out and "</html>" in out


# --- compute --------------------------------------------------------------------------------


def test_compute_csv(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "compute", str(good_csv))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "region,year,indicator,value,unit,origin,method"
    assert any(line.startswith("济南市,2023,good_air_days_ratio,63.0,%,reported") for line in lines)


def test_compute_json_subset(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "compute", str(good_csv), "--format", "json", "--indicator", "gdp_constant_2020"
    )
    assert code == 0
    records = json.loads(out)
    # SYNTHETIC: 2020 = 10000; 2021 = 10000 × 1.05 = 10500 (2020 prices)
    assert [(r["year"], r["value"]) for r in records] == [(2020, 10000.0), (2021, 10500.0)]
    assert set(records[0]) == {"region", "year", "indicator", "value", "unit", "origin", "method"}


def test_compute_data_errors_exit_1(bad_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "compute", str(bad_csv))
    assert code == 1 and out == ""
    assert "no_such_variable" in err


def test_compute_usage_errors_exit_2(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "compute", "missing.csv")
    assert code == 2 and "missing.csv" in err
    code, _, err = _run(capsys, "compute", str(good_csv), "--indicator", "no_such_indicator")
    assert code == 2 and "no_such_indicator" in err


# --- issue 10: a second plan, the assess command, published rates, the final evaluation -----

PLAN_2030 = str(Path(__file__).parent / "data" / "plan_synthetic_2030")


@pytest.fixture
def csv_2030(tmp_path: Path) -> Path:
    # synthetic figures for the synthetic plan (base year 2025, target year 2030)
    return _csv(
        tmp_path / "s2030.csv",
        [
            ("济南市", 2025, "forest_coverage", 14.0, "%"),
            ("济南市", 2027, "forest_coverage", 14.4, "%"),
            ("济南市", 2025, "water_use_per_gdp", 40.0, "立方米/万元"),
            ("济南市", 2027, "water_use_per_gdp", 39.0, "立方米/万元"),
            ("济南市", 2026, "new_roads_km", 50, "公里"),
            ("济南市", 2027, "new_roads_km", 70, "公里"),
        ],
    )


def test_report_with_a_second_plan(capsys, csv_2030):
    code, out, _ = _run(capsys, "report", str(csv_2030), "--plan", PLAN_2030, "--format", "json")
    assert code == 0
    model = json.loads(out)
    jsonschema.validate(model, load_schema())
    assert (model["plan"]["base_year"], model["plan"]["target_year"]) == (2025, 2030)
    by_key = {e["key"]: e for e in model["targets"]}
    assert set(by_key) == {"forest_2030", "water_2030", "roads_2030"}
    # forest: (14.4 − 14)/(15 − 14) = 0.4; S = 2/5 = 0.4 → on schedule
    assert by_key["forest_2030"]["completion"] == pytest.approx(0.4)
    assert by_key["forest_2030"]["status"] == "on_schedule"
    # water −10 % vs 2025: V* = 36; P = (40 − 39)/(40 − 36) = 0.25 < 0.4 → behind
    assert by_key["water_2030"]["completion"] == pytest.approx(0.25)
    assert by_key["water_2030"]["status"] == "behind_schedule"
    # roads: 50 + 70 = 120 of 300 = 0.4 → on schedule
    assert by_key["roads_2030"]["latest"]["value"] == 120
    code, out, _ = _run(capsys, "report", str(csv_2030), "--plan", PLAN_2030, "--lang", "en")
    assert "Synthetic test plan (15th FYP period, invented): progress" in out
    assert "−10% vs 2025" in out
    assert "120 (2026–2027)" in out
    assert "1. Ecology (synthetic)" in out


def test_year_before_the_plan_period_is_a_usage_error(capsys, csv_2030):
    code, _, err = _run(capsys, "report", str(csv_2030), "--plan", PLAN_2030, "--year", "2025")
    assert code == 2
    assert "the base year is 2025" in err


def test_assess_command_csv_and_json(capsys, csv_2030):
    code, out, _ = _run(capsys, "assess", str(csv_2030), "--plan", PLAN_2030)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("key,indicator,region")
    assert len(lines) == 4  # header + 3 targets × 1 region
    code, out, _ = _run(capsys, "assess", str(csv_2030), "--plan", PLAN_2030, "--format", "json")
    data = json.loads(out)
    assert data["plan"]["base_year"] == 2025
    assert [r["status"] for r in data["assessment"]] == [
        "on_schedule",
        "behind_schedule",
        "on_schedule",
    ]


def test_assess_command_reads_published_rates(capsys, tmp_path):
    # 万元GDP用水量 "累计下降10.0%" and "下降4.0 %, 3.0 %" — completion from rates:
    # water 10/16 = 0.625; the annual rates are an input (generated code), not computed away
    path = _csv(
        tmp_path / "rates.csv",
        [
            ("济南市", 2023, "water_use_per_gdp_change", -10.0, "%"),
            ("济南市", 2021, "coal_consumption_annual_change", -4.0, "%"),
            ("济南市", 2022, "coal_consumption_annual_change", -3.0, "%"),
        ],
    )
    code, out, _ = _run(capsys, "assess", str(path), "--format", "json")
    assert code == 0
    rows = {r["key"]: r for r in json.loads(out)["assessment"]}
    assert rows["water_use_per_gdp"]["completion"] == pytest.approx(0.625)
    # coal control is an assigned target without a value: its change still shows,
    # (0.96 × 0.97 − 1) × 100 = −6.88 %
    assert rows["coal_consumption_control"]["reason"] == "target_not_set"
    assert rows["coal_consumption_control"]["change"] == pytest.approx(-6.88)


def test_final_evaluation_report(capsys, tmp_path):
    # forest 11.4 (2020) → 13.0 (2025) misses 13.68: not achieved (未完成), a final evaluation
    path = _csv(
        tmp_path / "final.csv",
        [
            ("济南市", 2020, "forest_coverage", 11.4, "%"),
            ("济南市", 2025, "forest_coverage", 13.0, "%"),
        ],
    )
    code, out, _ = _run(capsys, "report", str(path), "--year", "2025", "--format", "json")
    model = json.loads(out)
    assert model["summary"]["final"] is True
    assert model["summary"]["counts"]["not_achieved"] == 1
    assert model["summary"]["text_zh"].startswith("总结评估：")
    code, out, _ = _run(capsys, "report", str(path), "--year", "2025")
    assert code == 0
    assert out.startswith("济南市“十四五”绿色低碳循环发展规划 总结评估")
    assert "未完成" in out


def test_catalogue_of_another_plan(capsys):
    code, out, _ = _run(capsys, "catalogue", "--plan", PLAN_2030, "--format", "json")
    assert code == 0
    assert [t["key"] for t in json.loads(out)] == ["forest_2030", "water_2030", "roads_2030"]


def test_missing_plan_folder_is_a_usage_error(capsys, tmp_path):
    code, _, err = _run(capsys, "catalogue", "--plan", str(tmp_path / "nowhere"))
    assert code == 2
    assert "Not a plan folder" in err

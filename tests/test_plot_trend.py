"""Tests of the trend charts: greenplan.plot.trend, save_trend_charts, ``report --charts``.

Inputs: a SYNTHETIC report model and value table (invented numbers, trajectories computed by
hand in the comments), and the synthetic example data in data/examples.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from greenplan import plot
from greenplan.cli import main
from greenplan.errors import GreenplanError
from greenplan.report import generate_report

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"


def _entry(key: str = "x_target", **over: object) -> dict:
    entry = {
        "key": key,
        "indicator": "x",
        "region": "A区",
        "kind": "level",
        "name_zh": "合成指标",
        "name_en": "Synthetic indicator",
        "status": "behind_schedule",
        "status_zh": "滞后于序时进度",
        "status_en": "Behind schedule",
        "unit": "%",
        "target": {"value": 130.0, "unit": "%", "year": 2025, "level": 130.0, "set": True},
        "baseline": {"year": 2020, "value": 100.0},
        "latest": {"year": 2023, "value": 110.0},
        # the projection is the assessment's; here invented: 110 + 2 years x 10/3 per year
        "projected": 110.0 + 2 * 10.0 / 3,
    }
    entry.update(over)
    return entry


def _model(*entries: dict) -> dict:
    return {"plan": {"base_year": 2020}, "region": "A区", "targets": list(entries)}


# SYNTHETIC values: 2019 is before the base year (not drawn); another region and indicator
VALUES = pd.DataFrame(
    {
        "region": ["A区"] * 5 + ["B区", "A区"],
        "indicator": ["x"] * 5 + ["x", "y"],
        "year": [2019, 2020, 2021, 2022, 2023, 2021, 2021],
        "value": [90.0, 100.0, 104.0, 106.0, 110.0, 999.0, 999.0],
    }
)


def _lines(fig) -> dict:
    ax = fig.axes[0]
    return {ln.get_gid(): ln for ln in ax.get_lines() if ln.get_gid()}


def _xy(line) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)]


def test_trend_draws_series_target_and_trajectories() -> None:
    fig = plot.trend(_model(_entry()), "x_target", values=VALUES, lang="en")
    lines = _lines(fig)
    # the series from the base year 2020 on, of region A区 and indicator x only
    assert _xy(lines["series"]) == [(2020, 100), (2021, 104), (2022, 106), (2023, 110)]
    # target level 130: a horizontal line (axhline: y constant 130) and a point at 2025
    assert set(lines["target"].get_ydata()) == {130.0}
    assert _xy(lines["target_point"]) == [(2025, 130)]
    # straight line (2020, 100) → (2025, 130): 6 a year, so 118 in 2023 (hand computed)
    straight = _xy(lines["straight"])
    assert straight == [(2020, 100), (2025, 130)]
    slope = (straight[1][1] - straight[0][1]) / (straight[1][0] - straight[0][0])
    assert slope == pytest.approx(6.0)
    # required (2023, 110) → (2025, 130): 10 a year (hand computed: 20 over 2 years)
    required = _xy(lines["required"])
    assert required == [(2023, 110), (2025, 130)]
    assert (required[1][1] - required[0][1]) / 2 == pytest.approx(10.0)
    # projection (2023, 110) → (2025, 116.67)
    assert _xy(lines["projection"]) == [(2023, 110), (2025, pytest.approx(116.6667, abs=1e-3))]
    assert "Behind schedule" in fig._suptitle.get_text()


def test_trend_status_colour_in_title() -> None:
    from matplotlib.colors import to_hex

    from greenplan.report import STATUS_COLOURS

    fig = plot.trend(_model(_entry()), "x_target", values=VALUES, lang="en")
    box = fig._suptitle.get_bbox_patch()
    assert to_hex(box.get_facecolor()) == STATUS_COLOURS["behind_schedule"]  # type: ignore[index]


def test_trend_cumulative_sums_years_after_base_year() -> None:
    entry = _entry(kind="cumulative", baseline=None, latest={"year": 2023, "value": 320.0})
    fig = plot.trend(_model(entry), "x_target", values=VALUES, lang="en")
    lines = _lines(fig)
    # 0 at 2020; 104, 104+106=210, 210+110=320 (hand computed)
    assert _xy(lines["series"]) == [(2020, 0), (2021, 104), (2022, 210), (2023, 320)]
    assert _xy(lines["straight"]) == [(2020, 0), (2025, 130)]
    assert _xy(lines["required"]) == [(2023, 320), (2025, 130)]


def test_trend_without_values_uses_baseline_and_latest() -> None:
    fig = plot.trend(_model(_entry()), "x_target", lang="en")
    assert _xy(_lines(fig)["series"]) == [(2020, 100), (2023, 110)]


def test_trend_direction_target_has_no_trajectories() -> None:
    entry = _entry(kind="direction", target={"value": None, "year": 2025, "level": None})
    entry["projected"] = None
    lines = _lines(plot.trend(_model(entry), "x_target", values=VALUES, lang="en"))
    assert set(lines) == {"series"}


def test_trend_no_data_says_so() -> None:
    entry = _entry(indicator="absent", baseline=None, latest=None, projected=None)
    fig = plot.trend(_model(entry), "x_target", values=VALUES, lang="en")
    texts = [t for t in fig.axes[0].texts if t.get_gid() == "no_data"]
    assert [t.get_text() for t in texts] == ["no data"]
    assert not _lines(fig)


def test_trend_unknown_key_suggests() -> None:
    with pytest.raises(GreenplanError, match="x_target"):
        plot.trend(_model(_entry()), "x_targt", values=VALUES, lang="en")


def test_trend_chinese_falls_back_with_message_naming_the_font(monkeypatch) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        fig = plot.trend(_model(_entry()), "x_target", values=VALUES, lang="zh")
    assert "Behind schedule" in fig._suptitle.get_text()


def test_save_trend_charts_examples(tmp_path: Path) -> None:
    report = generate_report([EXAMPLES])
    assert report.values is not None
    out = tmp_path / "charts"
    written = plot.save_trend_charts(report, out, lang="en")
    keys = [t["key"] for t in report.targets]
    assert [p.name for p in written] == [f"{k}.png" for k in keys]
    for p in written:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.stat().st_size > 1000
    index = (out / plot.TREND_INDEX).read_text(encoding="utf-8")
    assert all(f'src="{k}.png"' in index for k in keys)


def test_save_trend_charts_refuses_a_file(tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_text("x")
    with pytest.raises(plot.PlotPathError, match="not a folder") as exc:
        plot.save_trend_charts(_model(_entry()), f, values=VALUES, lang="en")
    assert exc.value.text("zh") == f"--charts {f}：这是文件，不是文件夹。"  # plot.charts_is_file


def test_cli_report_charts(tmp_path: Path, capsys) -> None:
    out = tmp_path / "c"
    argv = ["report", str(EXAMPLES), "--targets", str(EXAMPLES / "targets.toml")]
    assert main([*argv, "--charts", str(out), "--lang", "en"]) == 0
    pngs = sorted(out.glob("*.png"))
    assert pngs and all(p.stat().st_size > 0 for p in pngs)
    assert (out / "index.html").stat().st_size > 0


def test_cli_report_charts_on_a_file_exits_2(tmp_path: Path, capsys) -> None:
    f = tmp_path / "f.png"
    f.write_text("x")
    assert main(["report", str(EXAMPLES), "--charts", str(f)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_trend_falls_back_to_report_figures_when_values_lack_the_indicator() -> None:
    # e.g. a baseline from the plan's text: the report has it, the value table does not
    entry = _entry(indicator="absent", latest=None, projected=None)
    fig = plot.trend(_model(entry), "x_target", values=VALUES, lang="en")
    assert _xy(_lines(fig)["series"]) == [(2020, 100)]

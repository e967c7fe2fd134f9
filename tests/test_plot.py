"""Tests of greenplan.plot (matplotlib is in the test extra; the "missing" case is simulated).

Inputs: a SYNTHETIC assessment frame (invented values, one target per status) and the report
on the Jinan data shipped with greenplan.
"""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

from greenplan import plot
from greenplan.progress import ASSESS_COLUMNS, STATUS_LABELS
from greenplan.report import build_report, generate_report
from greenplan.targets import TARGETS

pytest.importorskip("matplotlib")


def _row(key: str, status: str, **values: object) -> dict:
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
        unit=t.unit,
        target=t.value,
        target_year=2025,
        status=status,
        status_zh=STATUS_LABELS[status]["zh"],  # type: ignore[index]
        status_en=STATUS_LABELS[status]["en"],
        method="sequential",  # type: ignore[index]
        notes="",
    )
    row.update(values)
    return row


@pytest.fixture
def synthetic() -> pd.DataFrame:
    """SYNTHETIC: invented completions, one per status, plus two not assessable."""
    rows = [
        _row(
            "forest_coverage",
            "behind_schedule",
            baseline_year=2020,
            latest_year=2023,
            baseline=11.4,
            latest=12.0,
            completion=0.26,
            time_elapsed=0.6,
        ),
        _row(
            "good_air_days_ratio",
            "ahead_of_schedule",
            baseline_year=2020,
            latest_year=2021,
            baseline=62.0,
            latest=64.6,
            completion=0.81,
            time_elapsed=0.2,
        ),
        _row(
            "rd_intensity",
            "achieved",
            baseline_year=2020,
            latest_year=2024,
            baseline=2.62,
            latest=3.4,
            completion=1.0,
            time_elapsed=0.8,
        ),
        _row(
            "water_use_per_gdp",
            "moving_away",
            baseline_year=2020,
            latest_year=2022,
            baseline=40.0,
            latest=41.0,
            completion=-0.16,
            time_elapsed=0.4,
        ),
        _row("new_roads_km", "not_assessable", notes="no data for new_roads_km in 济南市"),
        _row("water_use_total", "not_assessable", notes="target not set: the province assigns it"),
    ]
    return pd.DataFrame(rows, columns=list(ASSESS_COLUMNS))


def _bars(fig: object) -> list:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    return [p for p in ax.patches if (p.get_gid() or "").startswith("completion:")]


def _ticks(fig: object) -> list:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    return [line for line in ax.lines if (line.get_gid() or "").startswith("time_elapsed:")]


def test_one_row_per_target_and_chapter(synthetic: pd.DataFrame) -> None:
    fig = plot.progress_figure(synthetic, lang="en")
    ax = fig.axes[0]
    # 6 targets in 4 chapters (五: water ×2, 六: roads, 八: forest + air, 九: R&D)
    assert len(ax.get_yticks()) == 6 + 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Forest coverage" in labels and "New roads built" in labels
    texts = [t.get_text() for t in ax.texts]
    assert "no data" in texts and "target not set" in texts
    assert "5. Developing the circular economy" in " ".join(texts)


def test_bars_are_completion_coloured_by_status(synthetic: pd.DataFrame) -> None:
    from matplotlib.colors import to_hex

    fig = plot.progress_figure(synthetic, lang="en")
    widths = {round(b.get_width(), 2): to_hex(b.get_facecolor()) for b in _bars(fig)}
    assert widths == {
        0.26: plot.BAR_COLOURS["behind_schedule"],
        0.81: plot.BAR_COLOURS["ahead_of_schedule"],
        1.0: plot.BAR_COLOURS["achieved"],
        -0.16: plot.BAR_COLOURS["moving_away"],
    }
    # the time-elapsed ticks are vertical lines at 0.6, 0.2, 0.8, 0.4
    ticks = sorted(line.get_xdata()[0] for line in _ticks(fig))
    assert ticks == pytest.approx([0.2, 0.4, 0.6, 0.8])


def test_png_of_the_shipped_report(tmp_path: pytest.TempPathFactory) -> None:
    import matplotlib.image as mpimg

    report = generate_report()
    path = plot.save_progress_plot(report, tmp_path / "progress.png", lang="en")  # type: ignore[operator]
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = mpimg.imread(path).shape[:2]
    assert width >= 1200 and height >= 1500  # 43 targets + 7 chapters at a readable size
    fig = plot.progress_figure(report, lang="en")
    assert len(fig.axes[0].get_yticks()) == 43 + 7
    assert len(_bars(fig)) == sum(1 for t in report.targets if t["completion"] is not None)


def test_png_bytes(synthetic: pd.DataFrame) -> None:
    png = plot.progress_png(build_report(synthetic), lang="en", dpi=40)
    assert png.startswith(b"\x89PNG")


def test_chinese_falls_back_to_english_without_a_cjk_font(
    synthetic: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    assert plot.plot_language("zh") == "en"
    with pytest.warns(UserWarning, match="Chinese glyphs"):
        fig = plot.progress_figure(synthetic, lang="zh")
    assert "Forest coverage" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_chinese_labels_with_a_cjk_font(
    synthetic: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: "DejaVu Sans")  # pretend one is installed
    assert plot.plot_language("zh") == "zh"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DejaVu Sans lacks the glyphs: fine for this test
        fig = plot.progress_figure(synthetic, lang="zh")
    assert "森林覆盖率" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_missing_matplotlib_says_how_to_install(
    synthetic: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plot.MissingPlotDependencyError, match=r'pip install "greenplan\[plot\]"'):
        plot.progress_figure(synthetic)

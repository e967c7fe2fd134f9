"""Notes of the assessment in Chinese: every note :mod:`greenplan.progress` writes has a 中文 form.

:func:`greenplan.assess` writes its notes in English (the ``notes`` column, ``;``-separated; the
JSON report keeps them); :func:`note_zh` gives the Chinese text of one note, for the Chinese
report. :data:`NOTES_ZH` lists one pattern per note the progress modules build (assessment,
evaluation, methods, rates); a test runs assessments of every kind, region scope and method
and checks that no note is left in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["NOTES_ZH", "note_zh", "notes_zh"]

_QUALIFIER_ZH = {"approximately": "近似值", "above": "实际值更高", "": ""}


def _stated(m: re.Match[str]) -> str:
    section, qualifier = m.group(1), _QUALIFIER_ZH.get(m.group(2) or "", m.group(2) or "")
    return f"基期值采用规划所载数值（{section}{'，' + qualifier if qualifier else ''}）"


_Repl = str | Callable[[re.Match[str]], str]

_TABLE: tuple[tuple[str, _Repl], ...] = (
    # assessment: what the data and the plan give
    (r"^target not set: the province assigns it$", "目标未设定：由省下达"),
    (r"^target not set: the province assigns it \(set it with .*\)$", "目标未设定：由省下达"),
    (r"^target not set$", "目标未设定"),
    (r"^no data for (\S+) in (\S+)$", r"无数据（\1，\2）"),
    (r"^no data for (\S+) up to (\d+)$", r"\2年及以前无 \1 数据"),
    (r"^no data for (\S+)$", r"无数据（\1）"),
    (r"^no data after the base year (\d+)$", r"无数据：\1年(基期)后无数据"),
    (r"^no data: no baseline value for (\d+).*$", r"无数据：缺少\1年基期值"),
    (r"^no data: no annual additions after (\d+)$", r"无数据：\1年后无年度新增数据"),
    (r"^no data: the current value is missing$", "无数据：缺少当前值"),
    (r"^no data: the baseline value is missing$", "无数据：缺少基期值"),
    (r"^no additions reported for (.+)$", r"\1年无新增数据"),
    (r"^presets: (.+) \(greenplan\.targets\.with_presets\)$", r"可用预设：\1（--preset）"),
    (
        r"^no (\d+) value: baseline taken from (\d+), the earliest later year$",
        r"无\1年数据：以\2年为基期",
    ),
    (
        r"^no (\d+) value in the data: baseline (\S+) (\S*) from the plan "
        r"\(([^()]*(?:\([^()]*\))?[^()]*)\)(.*)$",
        r"数据中无\1年值：基期采用规划所载 \2 \3（\4）\5",
    ),
    (r"^baseline as stated in the plan \(([^,]*)(?:, (\w+))?\)$", _stated),
    (r"^cumulative additions (\d+)–(\d+)$", r"\1–\2年累计新增"),
    (
        r"^no target year in the plan: assessed against (\d+), the end of the plan$",
        r"规划未给出目标年份：按规划期末\1年评估",
    ),
    (r"^values in (.+) converted to (.+)$", r"数据中以 \1 计的数值已换算为 \2"),
    (r"^(\S+) in '(.*)', not %: ignored$", r"\1 的单位为“\2”而非 %：未采用"),
    (r"^mixed units in the data: (.*)$", r"数据单位不一致：\1"),
    (r"^unit mismatch: (.*)$", r"单位不一致：\1"),
    (r"^target (\S+) (.*) converted to (\S+) (.*)$", r"目标值 \1 \2 已换算为 \3 \4"),
    (r"^the target has no direction$", "目标无方向"),
    (
        r"^city-wide target: the plan sets this figure for (\S+) as a whole, not for a district$",
        r"全市目标：规划为\1整体设定，未分解到区县",
    ),
    (
        r"^a rate the plan sets for (\S+) as a whole: a reference here$",
        r"规划为\1整体设定的比率：此处仅作参照",
    ),
    (
        r"^final evaluation: no (\d+) value yet, status as of (\d+)$",
        r"总结评估：尚无\1年数值，状态按\2年数据",
    ),
    (
        r"^no_base_year_value: no (\d+) value for (\S+) .*$",
        r"缺少基期值：无\1年 \2 数值（数据、规划及公布的变化率均未给出），目标以\1年为基期",
    ),
    (
        r"^no (\d+) value: measured from (\d+) \(option baseline_from_later_year.*$",
        r"无\1年数据：按选项 baseline_from_later_year 以\2年为基期",
    ),
    # published rates
    (
        r"^assessed from the (?:reported change|chained annual changes) (\S+): (\S+) % "
        r"\(published rounding: (\S+) … (\S+) %\), on an index \((\d+) = 100\).*$",
        r"按公布的变化率评估（\1：\2%，按公布精度 \3…\4%），以\5年为100",
    ),
    (
        r"^no (\d+) value: baseline (\S+) implied by (\S+) in (\d+) and the .*$",
        r"无\1年数据：基期值 \2 由\4年数值 \3 与公布的变化率推算",
    ),
    (
        r"^latest value (\S+) in (\d+) implied by the baseline and the .*$",
        r"\2年数值 \1 由基期值与公布的变化率推算",
    ),
    (
        r"^the .* disagrees with the levels \((\S+) %\): the levels are used$",
        r"公布的变化率与水平值不一致（水平值推算 \1%）：采用水平值",
    ),
    (
        r"^annual changes reported for (.+): (.+) missing, so they are not chained$",
        r"已公布\1年的年度变化率：缺\2年，不连乘推算",
    ),
    # evaluation and methods
    (r"^the current value meets the target$", "当前值已达到目标"),
    (r"^the baseline already met the target$", "基期值已达到目标"),
    (
        r"^aspirational target \(力争\): a miss is not a breach of a binding target$",
        "力争目标：未达到不等于未完成约束性目标",
    ),
    (r"^equals the target, but the bound is strict$", "等于目标值，但目标为严格不等式"),
    (r"^within (\S+) % of the target \(左右, approximately\)$", r"与目标相差不超过\1%（左右）"),
    (
        r"^year (\S+) is after the target year (\S+): time elapsed is capped at 1$",
        r"\1年晚于目标年\2年：序时进度按100%计",
    ),
    (r"^year (\S+) is before the baseline year (\S+)$", r"\1年早于基期\2年"),
    (r"^no time elapsed: year (\S+) is the baseline year$", r"序时进度为零：\1年即基期"),
    (r"^baseline is zero: a change relative to it is undefined$", "基期值为零：相对变化无定义"),
    (
        r"^target equals baseline: the required change is zero, so completion is undefined$",
        "目标值等于基期值：所需变化为零，完成进度无定义",
    ),
    (r"^the baseline was already at the target$", "基期值已处于目标水平"),
    (
        r"^the baseline was at the target and the value has moved away from it$",
        "基期值已处于目标水平，其后偏离目标",
    ),
    (r"^completion (\S+) ([<>≈]) time elapsed (\S+)$", r"完成进度\1 \2 序时进度\3"),
    (r"^moved away from the target since the baseline$", "自基期以来偏离目标"),
    (
        r"^the target year has come and the target is not met \(completion (\S+)\)$",
        r"目标年已到，目标未完成（完成进度\1）",
    ),
    (r"^year is after the target year: no projection$", "已过目标年：不作预测"),
    (
        r"^growth rate undefined \(zero, negative or tiny values\): no projection$",
        "增长率无定义（零、负或极小值）：不作预测",
    ),
    (
        r"^growth rate undefined \(zero, negative or tiny values\): linear projection used$",
        "增长率无定义（零、负或极小值）：采用线性预测",
    ),
    (
        r"^no projection: the growth rate is undefined \(zero or negative values\)$",
        "无法预测：增长率无定义（零或负值）",
    ),
    (r"^API (\S+) ≥ (\S+): projected to meet the target$", r"预期进展指数 \1 ≥ \2：预计可实现目标"),
    (r"^API (\S+) < (\S+): progress must accelerate$", r"预期进展指数 \1 < \2：需加快进度"),
    (r"^API (\S+) ≤ (\S+): the trend must reverse$", r"预期进展指数 \1 ≤ \2：需扭转趋势"),
    (
        r"^geometric time basis undefined \(zero or negative values\): linear used$",
        "几何时间基准无定义（零或负值）：按线性计算",
    ),
    (
        r"^moved in the undesired direction and the target is not met$",
        "向不利方向变化，目标未达到",
    ),
    (r"^growth rates undefined \(zero or negative values\)$", "增长率无定义（零或负值）"),
    (
        r"^growth rates undefined \(zero or negative values, or a zero target\): "
        r"ratio of linear rates$",
        "增长率无定义（零或负值，或目标为零）：采用线性变化率之比",
    ),
    (r"^ratio (\S+) ([<≥]) (\S+)$", r"增长率比值 \1 \2 \3"),
    (r"^direction-adjusted growth (\S+) %/yr ([<>≤]) (\S+)$", r"方向调整后增长率 \1%/年 \2 \3"),
    (
        r"^growth rate undefined \(zero or negative values\): judged on the sign$",
        "增长率无定义（零或负值）：按变化方向判断",
    ),
    (r"^moved in the desired direction$", "按预期方向变化"),
    (r"^no change since the baseline$", "自基期以来无变化"),
    (r"^moved in the undesired direction$", "向不利方向变化"),
    (r"^no value for (.+): skipped$", r"\1年无数值：跳过"),
    (
        r"^no yearly series given: only the latest value was compared with the baseline$",
        "未提供逐年数据：仅比较最新值与基期值",
    ),
    (r"^rose: (.+)$", r"有年份上升：\1"),
    (r"^no rise in any year$", "各年均未上升"),
    (r"^no rise so far$", "迄今未上升"),
)

NOTES_ZH: tuple[tuple[re.Pattern[str], _Repl], ...] = tuple((re.compile(p), r) for p, r in _TABLE)
"""(English pattern, Chinese replacement) for every note of :mod:`greenplan.progress`."""

_FRAGMENTS_ZH = {
    " (超过: the true value is higher)": "（超过：实际值更高）",
    " (级/左右: approximate)": "（级/左右：近似值）",
}


def note_zh(note: str) -> str:
    """Return the Chinese text of one note of :func:`greenplan.assess` (unknown notes unchanged).

    Examples
    --------
    >>> note_zh("completion 81.2% > time elapsed 20.0%")
    '完成进度81.2% > 序时进度20.0%'
    >>> note_zh("baseline as stated in the plan (一(一), approximately)")
    '基期值采用规划所载数值（一(一)，近似值）'
    """
    for pattern, repl in NOTES_ZH:
        if pattern.match(note):
            note = pattern.sub(repl, note, count=1)
            break
    for fragment, zh in _FRAGMENTS_ZH.items():
        note = note.replace(fragment, zh)
    return note


def notes_zh(notes: str) -> str:
    """Return a ``;``-separated notes cell of :func:`greenplan.assess` in Chinese (``；``).

    Examples
    --------
    >>> notes_zh("the current value meets the target; cumulative additions 2021–2023")
    '当前值已达到目标；2021–2023年累计新增'
    """
    parts = [n.strip() for n in (notes or "").split(";") if n.strip()]
    return "；".join(note_zh(n) for n in parts)

"""The command line in Chinese and English: ``--lang zh|en`` on every command, else the locale.

Real processes (``python -m greenplan``) with a controlled environment for the choice of
language, and in-process runs of :func:`greenplan.cli.main` for the help and errors of every
command. The expected Chinese words are the catalogue's (resources/messages/cli.csv,
commands.csv, errors.csv, config.csv, check.csv); the bad file is tests/data/bad/non_numeric.csv
(row 3 holds the text '约12亿' as the value of gdp).
"""

from __future__ import annotations

import argparse
import gettext
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from greenplan import cli
from greenplan.config import ConfigError
from greenplan.errors import GreenplanError, OptionError, StatisticsError
from greenplan.messages import msg
from greenplan.options import OptionSet, OptionSpec

DATA = Path(__file__).parent / "data"
BAD = str(DATA / "bad" / "non_numeric.csv")
GOOD = str(DATA / "good" / "clean.csv")
LOCALE_VARIABLES = ("GREENPLAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def _greenplan(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m greenplan ARGS`` with no language variables but ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "greenplan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd,
        check=False,
    )


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- validate: the report in the language asked for ---------------------------------------


def test_validate_lang_zh_prints_chinese_findings_and_exits_1() -> None:
    proc = _greenplan("validate", "--lang", "zh", BAD, LANG="en_US.UTF-8")
    assert proc.returncode == 1, proc.stderr
    assert "greenplan 校验：未通过" in proc.stdout
    assert "第 3 行" in proc.stdout and "不是数字" in proc.stdout
    assert "FAILED" not in proc.stdout and "row 3" not in proc.stdout


def test_validate_lang_en_prints_english_findings_and_exits_1() -> None:
    proc = _greenplan("validate", "--lang", "en", BAD, LANG="zh_CN.UTF-8")
    assert proc.returncode == 1, proc.stderr
    assert "greenplan validate: FAILED" in proc.stdout
    assert "row 3" in proc.stdout and "is not a number" in proc.stdout
    assert "未通过" not in proc.stdout


def test_lang_before_the_command_is_accepted() -> None:
    proc = _greenplan("--lang", "en", "validate", BAD, LANG="zh_CN.UTF-8")
    assert proc.returncode == 1
    assert "greenplan validate: FAILED" in proc.stdout


@pytest.mark.parametrize(
    ("env", "chinese"),
    [
        ({"LANG": "en_US.UTF-8"}, False),
        ({"LANG": "zh_CN.UTF-8"}, True),
        ({"LANG": "C.UTF-8"}, True),  # no locale chosen: Chinese
        ({}, True),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, False),
        ({"LANG": "en_US.UTF-8", "GREENPLAN_LANG": "zh"}, True),
    ],
)
def test_without_lang_the_locale_decides(env: dict[str, str], chinese: bool) -> None:
    proc = _greenplan("validate", BAD, **env)
    assert proc.returncode == 1
    assert ("greenplan 校验：未通过" in proc.stdout) is chinese
    assert ("greenplan validate: FAILED" in proc.stdout) is not chinese


def test_validate_json_and_junit_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["validate", "--lang", "zh", "--format", "json", BAD], capsys)
    assert code == 1
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert errors and "不是数字" in errors[0]["message"]
    code, out, _ = _main(["validate", "--lang", "zh", "--format", "junit", BAD], capsys)
    assert code == 1 and "不是数字" in out
    code, out, _ = _main(["validate", "--lang", "en", "--format", "junit", BAD], capsys)
    assert code == 1 and "is not a number" in out and "不是数字" not in out


# --- help ---------------------------------------------------------------------------------


def test_top_level_help_in_chinese() -> None:
    proc = _greenplan("--help", LANG="zh_CN.UTF-8")
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("用法：greenplan")
    for words in (
        "显示此帮助信息并退出",
        "显示程序版本号并退出",
        "命令",
        "校验统计数据文件",
        "退出码：0 成功",
    ):
        assert words in out, words
    for words in ("usage:", "show this help message", "Exit codes", "validate statistics files"):
        assert words not in out, words


def test_top_level_help_in_english() -> None:
    proc = _greenplan("--lang", "en", "--help", LANG="zh_CN.UTF-8")
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("usage: greenplan")
    for words in ("show this help message and exit", "options:", "Exit codes: 0 success"):
        assert words in out, words
    assert "用法" not in out and "显示此帮助信息" not in out


def test_validate_help_in_chinese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["validate", "--help", "--lang", "zh"], capsys)
    assert code == 0
    assert out.startswith("用法：greenplan validate")
    for words in ("位置参数", "选项", "文件或目录", "有警告也视为未通过", "输出格式"):
        assert words in out, words
    assert "fail on warnings too" not in out and "positional arguments" not in out
    code, out, _ = _main(["validate", "--help", "--lang=en"], capsys)
    assert code == 0
    assert out.startswith("usage: greenplan validate")
    for words in ("positional arguments", "files or directories", "fail on warnings too"):
        assert words in out, words
    assert "有警告也视为未通过" not in out


def _command_paths() -> list[list[str]]:
    """Every command and subcommand of the parser, as the words that name it."""
    paths: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    paths.append([*prefix, name])
                    walk(child, [*prefix, name])

    walk(cli.build_parser(lang="en"), [])
    return paths


COMMANDS = _command_paths()


def test_the_commands_are_all_found() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"validate", "report", "catalogue", "serve", "token", "token add"} <= names
    assert len(names) == 13  # 10 commands, and token's add, list and revoke


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_accepts_lang(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    prog = " ".join(["greenplan", *path])
    code, out, _ = _main([*path, "--lang", "zh", "--help"], capsys)
    assert code == 0 and out.startswith(f"用法：{prog}") and "显示此帮助信息并退出" in out
    code, out, _ = _main([*path, "--lang", "en", "--help"], capsys)
    assert code == 0 and out.startswith(f"usage: {prog}") and "show this help message" in out
    # argparse's own words go back to English after each run: nothing leaks into the process
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    code, _, err = _main([*path, "--lang", "fr"], capsys)
    assert code == 2 and "无效的取值：'fr'" in err  # the default language (zh, see conftest)


def test_every_help_text_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    """No help line of any command is the same in both languages (all come from cli.csv)."""
    for path in [[], *COMMANDS]:
        helps = {}
        for lang in ("zh", "en"):
            parser = cli.build_parser(lang=lang)
            for word in path:
                sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
                parser = sub.choices[word]
            helps[lang] = [a.help for a in parser._actions if a.help and a.dest != "help"]
        assert len(helps["zh"]) == len(helps["en"]) > 0, path
        for zh, en in zip(helps["zh"], helps["en"], strict=True):
            assert zh != en, (path, en)


def test_flag_after_the_command_wins_over_the_one_before() -> None:
    assert cli.chosen_lang(["--lang", "zh", "validate", "--lang", "en", "x"]) == "en"
    parsed = cli.build_parser(lang="zh").parse_args(
        ["--lang", "zh", "validate", "--lang", "en", "x"]
    )
    assert parsed.lang == "en"
    parsed = cli.build_parser(lang="en").parse_args(["--lang", "zh", "validate", "x"])
    assert parsed.lang == "zh"
    parsed = cli.build_parser(lang="en").parse_args(["validate", "x"])
    assert parsed.lang == "en"  # the language the parser was built in
    # GREENPLAN_LANG=zh (conftest): after "--" a "--lang" is a file name; "xx" is no language
    assert cli.chosen_lang(["validate", "--", "--lang", "en"]) == "zh"
    assert cli.chosen_lang(["--lang", "xx"]) == "zh"


# --- errors -------------------------------------------------------------------------------


def test_usage_error_in_chinese_exits_2() -> None:
    proc = _greenplan("validate", "--format", "xml", BAD, LANG="zh_CN.UTF-8")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("用法：greenplan validate")
    assert "greenplan validate：错误：参数 --format：无效的取值：'xml'" in proc.stderr
    assert "Traceback" not in proc.stderr and "error:" not in proc.stderr


def test_usage_errors_of_argparse_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(["validate", "--lang", "zh"], capsys)
    assert code == 2 and "缺少以下必需参数：PATH" in err
    code, _, err = _main(["validate", "--lang", "en"], capsys)
    assert code == 2 and "the following arguments are required: PATH" in err
    code, _, err = _main(["--lang", "zh", "valdate"], capsys)
    assert code == 2 and "greenplan：错误：参数 COMMAND：无效的取值：'valdate'" in err
    code, _, err = _main(["report", "--lang", "zh", "--year", "abc"], capsys)
    assert code == 2 and "无效的 int 值：'abc'" in err
    code, _, err = _main(["validate", "--lang", "zh", BAD, "--no-such-flag"], capsys)
    assert code == 2 and "无法识别的参数：--no-such-flag" in err


def test_missing_file_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(["report", "--lang", "zh", "missing.csv"], capsys)
    assert code == 2
    assert err.strip() == "greenplan report：错误：missing.csv：文件或目录不存在"
    code, _, err = _main(["report", "--lang", "en", "missing.csv"], capsys)
    assert code == 2
    assert err.strip() == "greenplan report: error: missing.csv: no such file or directory"


def test_unknown_option_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["compute", GOOD, "--option", "base_yaer=2020"]
    code, _, err = _main([*argv, "--lang", "zh"], capsys)
    assert code == 2
    assert err.startswith(
        "greenplan compute：错误：未知选项 'base_yaer'。是否指：base_year？可用选项："
    )
    code, _, err = _main([*argv, "--lang", "en"], capsys)
    assert code == 2
    assert err.startswith(
        "greenplan compute: error: Unknown option 'base_yaer'. Did you mean: base_year? "
        "Known options:"
    )
    code, _, err = _main(["compute", GOOD, "--option", "base_year", "--lang", "zh"], capsys)
    assert code == 2 and "--option 'base_year'：应为 NAME=VALUE 的形式" in err


def test_statistics_error_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(["compute", BAD, "--lang", "zh"], capsys)
    assert code == 1 and out == ""
    assert "greenplan 校验：未通过" in err  # the findings first
    last = err.strip().splitlines()[-1]
    assert last.startswith("greenplan compute：错误：统计数据有 1 处错误：")
    assert "不是数字" in last


def test_config_file_errors_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "greenplan.toml").write_text('methd = "escap"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _main(["validate", "--lang", "zh", GOOD], capsys)
    assert code == 2
    assert err.startswith("greenplan：错误：")
    assert "未知配置项 'methd'。是否指：method？可用配置项：plan, targets" in err
    code, _, err = _main(["validate", "--lang", "en", GOOD], capsys)
    assert code == 2 and "unknown key 'methd'. Did you mean: method? Known keys:" in err
    (tmp_path / "greenplan.toml").write_text("[compute]\nbase_yaer = 2020\n", encoding="utf-8")
    code, _, err = _main(["validate", "--lang", "zh", GOOD], capsys)
    assert code == 2 and "[compute] 未知选项 'base_yaer'。是否指：base_year？" in err


def test_missing_config_file_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    code, _, err = _main(["--config", str(missing), "--lang", "zh", "catalogue"], capsys)
    assert code == 2
    assert err.strip() == f"greenplan：错误：{missing}：配置文件不存在"


# --- the errors of the library carry their message ----------------------------------------


def test_greenplan_error_with_a_message_renders_either_language() -> None:
    spec = OptionSpec("method", "a", "how", choices=("a", "b"))
    with pytest.raises(OptionError) as info:
        OptionSet("x", [spec]).resolve({"method": "c"})
    exc = info.value
    assert str(exc) == "Option method='c' is not allowed; choose one of 'a', 'b'."
    assert exc.text("en") == str(exc)
    assert exc.text("zh") == "选项 method='c' 不在允许的取值中；请从 'a', 'b' 中选择。"
    plain = GreenplanError("as written")
    assert plain.message is None and plain.text("zh") == "as written"
    config = ConfigError(msg("config.no_table", path="pyproject.toml"))
    assert str(config) == "pyproject.toml: no [tool.greenplan] table"
    assert config.text("zh") == "pyproject.toml：没有 [tool.greenplan] 表"


class _Finding:
    severity = "error"

    def __init__(self, en: str, zh: str) -> None:
        self.message, self._zh = en, zh

    def text(self, lang: str) -> str:
        return self._zh if lang == "zh" else self.message


class _Report:
    def __init__(self, n: int) -> None:
        self.findings = [_Finding(f"bad {i}.", f"错误 {i}。") for i in range(n)]


def test_statistics_error_summary_in_both_languages() -> None:
    exc = StatisticsError(_Report(5))
    # the English text as before: the first three messages, then how many more
    assert str(exc) == "The statistics have 5 error(s): bad 0.; bad 1.; bad 2. (and 2 more)"
    assert exc.text("zh") == "统计数据有 5 处错误：错误 0。；错误 1。；错误 2。（另有 2 处）"
    given = StatisticsError(_Report(1), "as given")
    assert str(given) == given.text("zh") == "as given"


def test_catalogue_keeps_its_lang_and_follows_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GREENPLAN_LANG", "en")
    code, out, _ = _main(["catalogue"], capsys)
    assert code == 0 and out.startswith("key ") and "indicator" in out.splitlines()[0]
    code, out, _ = _main(["catalogue", "--lang", "zh"], capsys)
    assert code == 0 and out.startswith("键 ") and "指标" in out.splitlines()[0]
    monkeypatch.setenv("GREENPLAN_LANG", "zh")
    code, out, _ = _main(["catalogue", "--lang", "en"], capsys)
    assert code == 0 and out.startswith("key ")


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        (
            ["template", "--department", "Statistic Bureau"],
            "greenplan template：错误：未知部门 'Statistic Bureau'。是否指：",
            "greenplan template: error: unknown department 'Statistic Bureau'. Did you mean:",
        ),
        (
            ["template", "--region", "青岛市"],
            "greenplan template：错误：未知地区 '青岛市'。",
            "greenplan template: error: unknown region '青岛市'.",
        ),
        (
            ["template", "--years", "2025-2021"],
            "greenplan template：错误：年份 '2025-2021'：2021 早于 2025",
            "greenplan template: error: years '2025-2021': 2021 is before 2025",
        ),
        (
            ["catalogue", "--plan", "nowhere"],
            "greenplan catalogue：错误：不是规划文件夹：无法读取 nowhere/plan.toml：",
            "greenplan catalogue: error: Not a plan folder: cannot read nowhere/plan.toml:",
        ),
        (
            ["report", "--preset", "jinan_energy_intensity_2032"],
            "greenplan report：错误：未知目标预设 'jinan_energy_intensity_2032'",
            "greenplan report: error: 'jinan_energy_intensity_2032' is not in "
            "greenplan.targets.PRESETS. Did you mean: jinan_energy_intensity_2023",
        ),
        (
            ["report", "--year", "2019"],
            "greenplan report：错误：--year 2019：应为规划期内或之后的年份（2021–2100）；"
            "基准年为 2020 年。",
            "greenplan report: error: --year 2019: expected a year of the plan period or later "
            "(2021–2100); the base year is 2020.",
        ),
    ],
)
def test_lookup_errors_in_both_languages(
    argv: list[str],
    zh: str,
    en: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # a template written by mistake lands here
    code, _, err = _main([*argv, "--lang", "zh"], capsys)
    assert code == 2 and err.startswith(zh), err
    code, _, err = _main([*argv, "--lang", "en"], capsys)
    assert code == 2 and err.startswith(en), err


def test_fixed_target_error_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "t.json"
    config.write_text(json.dumps({"forest_coverage": 5}), encoding="utf-8")
    code, _, err = _main(["report", "--targets", str(config), "--lang", "zh"], capsys)
    assert code == 2
    assert err.startswith("greenplan report：错误：目标 'forest_coverage' 由规划确定（")
    assert "请使用 --override-fixed" in err


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("command", [[], ["report"], ["token", "add"]], ids=" ".join)
def test_chinese_help_fits_the_terminal(command: list[str]) -> None:
    proc = _greenplan(*command, "--help", LANG="zh_CN.UTF-8", COLUMNS="80")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    # argparse wraps to COLUMNS - 2; a Chinese character takes two columns
    assert max(_columns(line) for line in lines) <= 78, max(lines, key=_columns)
    assert any(_columns(line) > 60 for line in lines)  # the texts are wrapped, not cut short


def test_wrap_breaks_chinese_by_columns_and_keeps_words() -> None:
    # 12 CJK characters = 24 columns: two lines of 10 columns and one of 4
    assert cli.wrap("列出规划目标（目标清单）", 10) == ["列出规划目", "标（目标清", "单）"]
    # closing punctuation never starts a line: the character before it goes down too
    assert cli.wrap("一二三四五。", 10) == ["一二三四", "五。"]
    assert cli.wrap("一二三四。五", 10) == ["一二三四。", "五"]
    assert cli.wrap("默认取自 GREENPLAN_LANG 或区域", 20) == [
        "默认取自",
        "GREENPLAN_LANG 或区",
        "域",
    ]

"""The ``greenplan`` command line: version, catalogue, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import greenplan
from greenplan import cli
from greenplan.commands.catalogue import render
from greenplan.errors import GreenplanError

CSV_KEYS = 43


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out == f"greenplan {greenplan.__version__}\n"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "catalogue" in out and "Exit codes" in out


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_catalogue_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["catalogue", "--format", fmt], capsys)
    assert code == 0
    assert err == ""
    assert out.rstrip("\n") == render(fmt).rstrip("\n")
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_catalogue_default_is_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["catalogue"], capsys)
    assert code == 0
    assert out == render("table")


def test_catalogue_json_holds_all_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["catalogue", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert len(data) == CSV_KEYS
    assert [d["key"] for d in data] == list(greenplan.TARGETS)


def test_catalogue_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["catalogue", "--format", "markdown", "--lang", "en"], capsys)
    assert code == 0
    assert out.startswith("| key | indicator |")


def test_catalogue_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "targets.md"
    code, out, _ = run(["catalogue", "--format", "markdown", "-o", str(path)], capsys)
    assert code == 0
    assert out == ""
    assert path.read_text(encoding="utf-8") == render("markdown")


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["nonsense"],
        ["catalogue", "--format", "xml"],
        ["catalogue", "--lang", "fr"],
        ["catalogue", "--no-such-flag"],
        ["--no-such-flag"],
    ],
)
def test_usage_errors_exit_2_without_traceback(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == cli.EXIT_USAGE == 2
    assert "usage: greenplan" in err
    assert "error:" in err
    assert "Traceback" not in err + out


def test_unwritable_output_is_an_io_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no" / "such" / "dir" / "out.json"
    code, _, err = run(["catalogue", "--format", "json", "-o", str(path)], capsys)
    assert code == 2
    assert err.startswith("greenplan catalogue: error:")
    assert "Traceback" not in err


def test_greenplan_error_becomes_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from greenplan.commands import catalogue

    def boom(args: object) -> int:
        raise GreenplanError("something the user did")

    monkeypatch.setattr(catalogue, "run", boom)
    code, _, err = run(["catalogue"], capsys)
    assert code == 2
    assert err == "greenplan catalogue: error: something the user did\n"


def test_missing_command_module_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(name: str) -> object:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(cli.importlib, "import_module", missing)
    code, _, err = run(["catalogue"], capsys)
    assert code == 2
    assert "not available" in err
    assert "Traceback" not in err


def test_parse_options() -> None:
    got = cli.parse_options(["base_year=2021", "x=2.5", "flag=true", "off=False", "name=a=b"])
    assert got == {"base_year": 2021, "x": 2.5, "flag": True, "off": False, "name": "a=b"}
    with pytest.raises(GreenplanError, match="expected NAME=VALUE"):
        cli.parse_options(["base_year"])


def test_emit_adds_newline(capsys: pytest.CaptureFixture[str]) -> None:
    cli.emit("abc", None)
    assert capsys.readouterr().out == "abc\n"


# --- through a real process: python -m greenplan -----------------------------------------


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenplan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_subprocess_catalogue_json() -> None:
    proc = _subprocess("catalogue", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data) == CSV_KEYS
    assert {d["key"] for d in data} == set(greenplan.TARGETS)


def test_subprocess_version() -> None:
    proc = _subprocess("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"greenplan {greenplan.__version__}"


def test_subprocess_usage_error() -> None:
    proc = _subprocess("catalogue", "--format", "xml")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""

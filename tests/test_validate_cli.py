"""``greenplan validate``: exit codes 0/1/2, formats, no traceback for bad input."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from greenplan.commands.validate import run

DATA = Path(__file__).parent / "data"
SRC = Path(__file__).parents[1] / "src"
GOOD = str(DATA / "good" / "clean.csv")


def _args(*paths, fmt="text", strict=False, output=None):
    return argparse.Namespace(
        paths=[str(p) for p in paths], format=fmt, strict=strict, output=output
    )


def test_clean_file_exits_0(capsys):
    assert run(_args(GOOD)) == 0
    out = capsys.readouterr().out
    assert "greenplan validate: OK" in out


def test_errors_exit_1(capsys):
    assert run(_args(DATA / "bad" / "non_numeric.csv")) == 1
    out = capsys.readouterr().out
    assert "non_numeric" in out and "row 3" in out


def test_warnings_exit_0_or_1_with_strict(capsys):
    path = DATA / "bad" / "yoy_jump.csv"
    assert run(_args(path)) == 0
    assert run(_args(path, strict=True)) == 1


@pytest.mark.parametrize("path", ["missing.csv", "bad/unreadable.csv"])
def test_io_errors_exit_2_with_one_line(capsys, path):
    assert run(_args(DATA / path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("greenplan validate: error:")
    assert "Traceback" not in err[0]


def test_directory_of_bad_files_exits_2_for_the_unreadable_one(capsys):
    assert run(_args(DATA / "bad")) == 2


def test_json_and_junit_formats(tmp_path, capsys):
    assert run(_args(DATA / "bad" / "non_numeric.csv", fmt="json")) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["ok"] is False
    assert any(f["code"] == "non_numeric" and f["row"] == 3 for f in data["findings"])
    out = tmp_path / "report.xml"
    assert run(_args(DATA / "bad" / "non_numeric.csv", fmt="junit", output=str(out))) == 1
    assert capsys.readouterr().out == ""
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "1"


def test_unwritable_output_exits_2(tmp_path, capsys):
    assert run(_args(GOOD, output=str(tmp_path / "no" / "dir" / "r.txt"))) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.skipif(not (SRC / "greenplan" / "__main__.py").exists(), reason="no __main__")
@pytest.mark.parametrize(
    ("paths", "extra", "code"),
    [
        ([GOOD], [], 0),
        ([str(DATA / "bad" / "duplicate_conflict.csv")], [], 1),
        ([str(DATA / "bad" / "yoy_jump.csv")], ["--strict"], 1),
        ([str(DATA / "nope.csv")], [], 2),
        ([str(DATA / "bad" / "unreadable.csv")], [], 2),
    ],
)
def test_subprocess_exit_codes(paths, extra, code):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "greenplan", "validate", *paths, *extra, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code != 2 or "unreadable" in paths[0]:
        json.loads(proc.stdout)

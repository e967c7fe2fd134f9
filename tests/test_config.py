"""greenplan.toml / [tool.greenplan] (greenplan.config) and the CLI's -v/-q/--config."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from greenplan.cli import configure_logging, main
from greenplan.config import Config, ConfigError, find_config, load_config
from greenplan.errors import OptionError

ROOT = Path(__file__).resolve().parents[1]
JINAN = [str(ROOT / "data" / "jinan"), str(ROOT / "data" / "baseline_2020")]
EXAMPLES = str(ROOT / "data" / "examples")
PLAN_2030 = ROOT / "tests" / "data" / "plan_synthetic_2030"
SHIPPED_PLAN = ROOT / "src" / "greenplan" / "resources" / "plans" / "jinan_14th"


def _write(folder: Path, text: str, name: str = "greenplan.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _method_column(out: str) -> str:
    lines = out.strip().splitlines()
    assert lines[0].endswith(",method") and len(lines) > 1
    return lines[1]


# --- reading the file ------------------------------------------------------------------------


def test_no_file_is_an_empty_config(tmp_path) -> None:
    assert find_config(tmp_path) is None
    assert load_config(directory=tmp_path) == Config()


def test_schema_keys_are_read_and_paths_resolved(tmp_path) -> None:
    _write(
        tmp_path,
        'plan = "myplan"\ntargets = "t.toml"\npresets = ["jinan_energy_intensity_2023"]\n'
        'method = "escap"\n[compute]\nenergy_basis = "gross"\n'
        "[validate]\nyoy_threshold = 0.2\nyear_range = [2000, 2030]\n"
        "[assess]\nschedule_tolerance = 0.02\n",
    )
    config = load_config(directory=tmp_path)
    assert config.path == tmp_path / "greenplan.toml"
    assert config.plan == str(tmp_path.resolve() / "myplan")
    assert config.targets == str(tmp_path.resolve() / "t.toml")
    assert config.presets == ("jinan_energy_intensity_2023",)
    assert config.method == "escap"
    assert config.compute == {"energy_basis": "gross"}
    assert config.validate == {"yoy_threshold": 0.2, "year_range": [2000, 2030]}
    assert config.assess == {"schedule_tolerance": 0.02}


def test_pyproject_tool_table_is_found(tmp_path) -> None:
    _write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert find_config(tmp_path) is None  # a pyproject without [tool.greenplan]
    _write(
        tmp_path,
        '[project]\nname = "x"\n[tool.greenplan.compute]\nbase_year = 2020\n',
        "pyproject.toml",
    )
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(directory=tmp_path).compute == {"base_year": 2020}
    _write(tmp_path, 'method = "eurostat"\n')  # greenplan.toml comes first
    assert load_config(directory=tmp_path).method == "eurostat"


def test_unknown_key_is_named_with_a_suggestion(tmp_path) -> None:
    _write(tmp_path, "[comptue]\nbase_year = 2020\n")
    with pytest.raises(ConfigError, match=r"unknown key 'comptue'\. Did you mean: compute\?"):
        load_config(directory=tmp_path)


def test_unknown_option_is_named_with_a_suggestion(tmp_path) -> None:
    _write(tmp_path, '[compute]\nenergy_bases = "gross"\n')
    with pytest.raises(
        OptionError, match=r"\[compute\] Unknown option 'energy_bases'.*energy_basis"
    ):
        load_config(directory=tmp_path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[compute]\nenergy_basis = "net"\n', "energy_basis='net' is not allowed"),
        ("[validate]\nyoy_threshold = -1\n", "yoy_threshold=-1 is not valid"),
        ("[assess]\nrate_decimals = 9\n", "rate_decimals=9 is not valid"),
        ('method = "escpa"\n', "Did you mean: escap"),
        ("plan = 3\n", "plan must be a text"),
        ("presets = [1]\n", "presets must be a list"),
        ("compute = 1\n", r"\[compute\] must be a table"),
        ("plan = \n", "not valid TOML"),
    ],
)
def test_bad_values_are_refused(tmp_path, text, match) -> None:
    _write(tmp_path, text)
    with pytest.raises((ConfigError, OptionError), match=match):
        load_config(directory=tmp_path)


# --- the command line --------------------------------------------------------------------------


def test_missing_config_file_is_exit_2(tmp_path, capsys) -> None:
    rc = main(["--config", str(tmp_path / "nope.toml"), "compute", *JINAN])
    err = capsys.readouterr().err
    assert rc == 2
    assert "nope.toml: no such configuration file" in err
    assert "Traceback" not in err


def test_unknown_key_on_the_cli_is_exit_2(tmp_path, monkeypatch, capsys) -> None:
    _write(tmp_path, 'methd = "escap"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["compute", *JINAN]) == 2
    assert "unknown key 'methd'. Did you mean: method?" in capsys.readouterr().err


def test_compute_options_from_config_and_flag_wins(tmp_path, monkeypatch, capsys) -> None:
    argv = ["compute", EXAMPLES, "--indicator", "energy_intensity"]
    assert main(argv) == 0
    assert "energy_basis=excl_feedstock" in _method_column(capsys.readouterr().out)  # default
    _write(tmp_path, '[compute]\nenergy_basis = "gross"\n')
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    assert "energy_basis=gross" in _method_column(capsys.readouterr().out)  # the file
    assert main([*argv, "--option", "energy_basis=excl_feedstock_nonfossil"]) == 0
    assert "energy_basis=excl_feedstock_nonfossil" in _method_column(capsys.readouterr().out)


def test_validate_thresholds_from_config(tmp_path, capsys) -> None:
    assert main(["validate", EXAMPLES, "--format", "json"]) == 0
    codes = {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "yoy_jump" not in codes
    config = _write(tmp_path, "[validate]\nyoy_threshold = 0.01\n")
    assert main(["--config", str(config), "validate", EXAMPLES, "--format", "json"]) == 0
    codes = {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "yoy_jump" in codes  # a 1 % threshold flags the examples' yearly changes


def test_plan_and_method_from_config_and_flags_win(tmp_path, monkeypatch, capsys) -> None:
    _write(tmp_path, f'plan = "{PLAN_2030.as_posix()}"\nmethod = "escap"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["catalogue", "--format", "json"]) == 0
    keys = {t["key"] for t in json.loads(capsys.readouterr().out)}
    assert "forest_2030" in keys  # the synthetic plan of the file
    assert main(["catalogue", "--format", "json", "--plan", str(SHIPPED_PLAN)]) == 0
    keys = {t["key"] for t in json.loads(capsys.readouterr().out)}
    assert "forest_2030" not in keys and "renewable_capacity" in keys
    _write(tmp_path, 'method = "escap"\n')
    assert main(["report", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "escap"
    assert main(["report", "--format", "json", "--method", "eurostat"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "eurostat"


def test_verbose_logs_on_stderr(capsys) -> None:
    assert main(["compute", *JINAN]) == 0
    assert capsys.readouterr().err == ""  # silent by default
    assert main(["-v", "compute", *JINAN]) == 0
    err = capsys.readouterr().err
    assert "greenplan: INFO: read 38 rows from 2 source(s)" in err  # 12 + 26 data rows
    assert "greenplan: INFO: computed" in err
    assert "DEBUG" not in err
    assert main(["-vv", "compute", *JINAN]) == 0
    err = capsys.readouterr().err
    assert "greenplan: DEBUG: read " in err and "jinan_2021_2024.csv" in err
    assert main(["-v", "assess", *JINAN]) == 0
    assert "greenplan: INFO: assessed 43 row(s)" in capsys.readouterr().err


def test_quiet_is_silent(capsys) -> None:
    assert main(["-q", "compute", *JINAN]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out
    handler = configure_logging(-1)
    try:
        logging.getLogger("greenplan.test").warning("a warning -q hides")
        logging.getLogger("greenplan.test").error("an error -q shows")
    finally:
        logging.getLogger("greenplan").removeHandler(handler)
    err = capsys.readouterr().err
    assert "a warning -q hides" not in err
    assert "an error -q shows" in err


def test_main_leaves_no_handler_behind() -> None:
    logger = logging.getLogger("greenplan")
    before = list(logger.handlers)
    assert main(["-vv", "catalogue", "--format", "json", "-o", "/dev/null"]) == 0
    assert logger.handlers == before
    assert any(isinstance(h, logging.NullHandler) for h in before)


def test_methods_are_the_progress_methods() -> None:
    from greenplan.config import METHODS
    from greenplan.progress.status import Method

    assert tuple(m.value for m in Method) == METHODS


def test_help_and_version_import_no_pandas() -> None:
    import subprocess
    import sys

    code = "import sys, greenplan.cli; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_presets_from_config_and_flags_add_up(tmp_path, monkeypatch, capsys) -> None:
    def targets() -> dict:
        assert main(["report", "--format", "json", *extra]) == 0
        doc = json.loads(capsys.readouterr().out)
        return {t["key"]: t["target"]["value"] for t in doc["targets"]}

    extra: list[str] = []
    assert targets()["energy_dual_control"] is None  # assigned by the province: no value
    _write(tmp_path, 'presets = ["jinan_energy_intensity_2023"]\n')
    monkeypatch.chdir(tmp_path)
    got = targets()
    assert got["energy_dual_control"] == -14.8  # the preset: −14.8 % vs 2020
    assert "carbon_intensity_control" not in got
    extra = ["--preset", "shandong_carbon_intensity_2022"]
    got = targets()
    assert got["energy_dual_control"] == -14.8
    assert got["carbon_intensity_control"] is not None

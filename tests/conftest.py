"""Shared test configuration (kept small: other test files must not depend on it).

* Hypothesis runs without a per-example deadline: greenplan has no timed tests, and the first
  example of a run pays for building the unit registry.
* ``make_stats`` builds a canonical long table (``region, year, variable, value``) from
  tuples: the synthetic frames of the engine and economy tests.
* The command line speaks the locale's language when ``--lang`` is not given. So that the
  suite gives the same results under any locale, every test runs with ``GREENPLAN_LANG=zh``
  (the language of CI's ``C.UTF-8`` locale), except the tests in ``ENGLISH_CLI``, which
  assert English texts without passing ``--lang``: ``GREENPLAN_LANG=en`` for them (also in
  the subprocesses they start). tests/test_cli_lang.py tests the choice of language itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("greenplan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("greenplan")

Row = tuple[str, int, str, float]

ENGLISH_CLI = frozenset(
    {
        "test_cli.py::test_help",
        "test_cli.py::test_usage_errors_exit_2_without_traceback",
        "test_cli.py::test_unwritable_output_is_an_io_error",
        "test_cli.py::test_greenplan_error_becomes_one_line",
        "test_cli.py::test_missing_command_module_is_a_usage_error",
        "test_cli.py::test_subprocess_usage_error",
        "test_cli_report.py::test_report_usage_errors_exit_2",
        "test_cli_report.py::test_missing_plan_folder_is_a_usage_error",
        "test_cli_report.py::test_year_before_the_plan_period_is_a_usage_error",
        "test_config.py::test_missing_config_file_is_exit_2",
        "test_config.py::test_unknown_key_on_the_cli_is_exit_2",
        "test_examples.py::test_cli_validate_ok",
        "test_plot_trend.py::test_cli_report_charts_on_a_file_exits_2",
        "test_report_robustness.py::test_report_exits_2_on_a_zip_renamed_xlsx",
        "test_robustness.py::test_standard_input_is_read",
        "test_robustness.py::test_zip_renamed_xlsx_same_exit_code",
        "test_templates.py::test_cli_writes_template_and_rejects_unknown_department",
        "test_validate_cli.py::test_clean_file_exits_0",
        "test_validate_cli.py::test_errors_exit_1",
        "test_validate_cli.py::test_io_errors_exit_2_with_one_line",
        "test_validate_cli.py::test_unwritable_output_exits_2",
    }
)
"""Tests asserting the command line's English texts without ``--lang`` (file::function)."""


@pytest.fixture(autouse=True)
def _command_line_language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the command line in Chinese, or in English for the tests of :data:`ENGLISH_CLI`."""
    test = f"{request.path.name}::{getattr(request.node, 'originalname', request.node.name)}"
    monkeypatch.setenv("GREENPLAN_LANG", "en" if test in ENGLISH_CLI else "zh")


@pytest.fixture
def make_stats() -> Callable[[Iterable[Row]], pd.DataFrame]:
    """Return a builder: ``make_stats([(region, year, variable, value), …])`` → long table."""

    def build(rows: Iterable[Row]) -> pd.DataFrame:
        frame = pd.DataFrame(list(rows), columns=["region", "year", "variable", "value"])
        return frame.astype({"year": "int64", "value": "float64"})

    return build

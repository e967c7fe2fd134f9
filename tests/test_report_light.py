"""`greenplan report` loads only what it uses (issue 14: its fixed cost per process).

Not timed (timings live in benchmarks/bench_latency.py): each test runs the command in a fresh
process and looks at what it imported, or checks an output the lighter code paths produce.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from greenplan._resources import resource_path
from greenplan.progress import ASSESS_COLUMNS
from greenplan.report import build_report

_PROBE = (
    "import sys, io, contextlib\n"
    "from greenplan.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    rc = main(sys.argv[1:])\n"
    "import greenplan.messages as m\n"
    "print(rc, m._area.cache_info().currsize, *sorted(sys.modules))\n"
)


def _loaded(*args: str) -> tuple[int, int, set[str]]:
    """Exit code, catalogue files read and modules imported by ``greenplan ARGS``."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    rc, areas, *modules = proc.stdout.strip().splitlines()[-1].split()
    return int(rc), int(areas), set(modules)


def test_report_imports_no_plot_validation_service_or_pint() -> None:
    rc, areas, loaded = _loaded("report", "--lang", "en")
    assert rc == 0
    assert "greenplan.report" in loaded
    unused = {
        "greenplan.plot",  # only html, --plot and --charts draw
        "greenplan.validation",
        "greenplan.service",
        "greenplan.inventory",
        "greenplan.templates",
        "greenplan.export",
        "matplotlib",
        "openpyxl",
        "pint",  # resources/unit_table.csv answers the code lists' units
    }
    assert not loaded & unused
    # the catalogue files of the messages it prints, not the whole catalogue (25 files)
    catalogue = len(list(resource_path("messages").glob("*.csv")))
    assert areas < catalogue // 2


def test_html_report_still_reaches_the_plot_module() -> None:
    rc, _, loaded = _loaded("report", "--format", "html", "--lang", "en")
    assert rc == 0
    assert "greenplan.plot" in loaded  # through the package's lazy attribute


def _assessment(method: str) -> pd.DataFrame:
    """SYNTHETIC: one not-assessable target, assessed with ``method``."""
    row = dict.fromkeys(ASSESS_COLUMNS)
    row.update(
        region="济南市",
        key="forest_coverage",
        indicator="forest_coverage",
        status="not_assessable",
        kind="level",
        notes="no data for forest_coverage in 济南市",
    )
    frame = pd.DataFrame([row], columns=list(ASSESS_COLUMNS))
    frame.attrs["greenplan"] = {"method": method, "year": None, "options": {}}
    return frame


def test_method_label_from_the_catalogue_or_as_given() -> None:
    # a method of the catalogue (report.csv) is named in the language; another is shown as is
    known = build_report(_assessment("eurostat")).to_text(lang="en")
    assert "eurostat (Eurostat ratio of growth rates)" in known
    assert "eurostat (Eurostat 增长率比值)" in build_report(_assessment("eurostat")).to_text()
    other = build_report(_assessment("my_method")).to_text(lang="en")
    assert "my_method (my_method)" in other

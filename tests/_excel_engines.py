"""The two engines that read ``.xlsx`` workbooks, as a fixture: every Excel test runs under both.

Import the fixture where Excel files are read (``from _excel_engines import xlsx_engine``) and
mark the test ``@pytest.mark.usefixtures("xlsx_engine")``: it runs once with openpyxl and once
with python-calamine (skipped where python-calamine is not installed; the ``test`` extra
installs it), chosen through ``GREENPLAN_EXCEL_ENGINE``.
"""

from __future__ import annotations

import importlib.util

import pytest

from greenplan.io.excel import ENGINE_ENV

__all__ = ["ENGINE_ENV", "HAS_CALAMINE", "with_engines", "xlsx_engine"]

HAS_CALAMINE = importlib.util.find_spec("python_calamine") is not None
ENGINES = [
    "openpyxl",
    pytest.param(
        "calamine",
        marks=pytest.mark.skipif(not HAS_CALAMINE, reason="python-calamine is not installed"),
    ),
]


@pytest.fixture(params=ENGINES)
def xlsx_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Read workbooks with one engine (``openpyxl`` or ``calamine``) for this test."""
    monkeypatch.setenv(ENGINE_ENV, request.param)
    return str(request.param)


def with_engines(*values: object, id: str, excel: bool = True) -> list[object]:
    """``pytest.param(*values, engine)`` for each engine (one with engine None if not ``excel``).

    For tests parametrized over file kinds: only the Excel kinds run under both engines.
    """
    if not excel:
        return [pytest.param(*values, None, id=id)]
    return [
        pytest.param(
            *values,
            name,
            id=f"{id}-{name}",
            marks=[] if name == "openpyxl" or HAS_CALAMINE else [_NO_CALAMINE],
        )
        for name in ("openpyxl", "calamine")
    ]


_NO_CALAMINE = pytest.mark.skip(reason="python-calamine is not installed")

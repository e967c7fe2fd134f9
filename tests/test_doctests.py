"""The Examples sections of every module of ``greenplan`` run as doctests.

Every value in them is hand-checkable (the arithmetic is in the docstring or trivial). Until
2026-12-05 only the indicator, record and a few other modules ran here; the examples of the
rest (readers, checks, engine, progress, service …) were never run, though all passed. A
module whose optional dependency is not installed is skipped, saying which.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import greenplan

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(greenplan.__path__, "greenplan.")
    if not m.name.endswith("__main__")  # importing it runs the command line
)


@pytest.mark.parametrize("name", ["greenplan", *MODULES])
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra (service, duckdb, dask …) not installed
        pytest.skip(f"{name}: {exc}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_the_examples_are_many():
    # a guard against a walk that finds nothing (every test above would pass vacuously)
    attempted = 0
    finder = doctest.DocTestFinder()
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        attempted += sum(len(t.examples) for t in finder.find(module))
    assert len(MODULES) > 100
    assert attempted > 250  # 273 on 2026-12-05

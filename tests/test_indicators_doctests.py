"""The Examples sections of ``greenplan.indicators`` are run as doctests (hand-checkable values)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import greenplan.indicators as package

MODULES = sorted(f"greenplan.indicators.{m.name}" for m in pkgutil.iter_modules(package.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"

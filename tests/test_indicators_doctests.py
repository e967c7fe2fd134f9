"""The Examples sections of ``greenplan.indicators`` and ``greenplan.records`` run as doctests.

Every value in them is hand-checkable (the arithmetic is in the docstring or trivial).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import greenplan.indicators
import greenplan.records

MODULES = [
    "greenplan._numeric",
    *(
        f"{package.__name__}.{m.name}"
        for package in (greenplan.indicators, greenplan.records)
        for m in pkgutil.iter_modules(package.__path__)
    ),
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"

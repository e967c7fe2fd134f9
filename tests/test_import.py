"""``import greenplan`` is cheap: checked structurally in fresh interpreters, not with timings.

The unit registry is built on first use, and neither importing greenplan nor reading its
targets builds it or imports heavy optional modules (matplotlib, openpyxl, pyarrow).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest

import greenplan

HEAVY = ["matplotlib", "openpyxl", "pyarrow", "scipy"]


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_builds_nothing() -> None:
    got = _run(
        f"""
        import json, sys
        import greenplan
        import greenplan.units as units
        print(json.dumps({{
            "registry": units._registry is None,
            "pint": "pint" in sys.modules,
            "heavy": [m for m in {HEAVY!r} if m in sys.modules],
            "greenplan": sorted(m for m in sys.modules if m.startswith("greenplan")),
        }}))
        """
    )
    assert got["registry"] is True, "importing greenplan.units built the unit registry"
    assert got["pint"] is False, "importing greenplan imported pint"
    assert got["heavy"] == []
    # the lazy package imports nothing but the units module asked for (and its errors, whose
    # texts come from the message catalogue module; no catalogue file is read on import)
    assert set(got["greenplan"]) <= {
        "greenplan",
        "greenplan.units",
        "greenplan.errors",
        "greenplan.messages",
    }


def test_targets_do_not_build_the_unit_registry() -> None:
    got = _run(
        f"""
        import json, sys
        import greenplan
        t = greenplan.TARGETS["renewable_capacity"]
        n = len(greenplan.TARGETS)
        units = sys.modules.get("greenplan.units")
        print(json.dumps({{
            "value": t.value,
            "n": n,
            "registry_built": units is not None and units._registry is not None,
            "pint": "pint" in sys.modules,
            "heavy": [m for m in {HEAVY!r} if m in sys.modules],
        }}))
        """
    )
    assert got["value"] == 470.0 and got["n"] == 43
    assert got["registry_built"] is False
    assert got["pint"] is False
    assert got["heavy"] == []


def test_compute_does_not_import_heavy_modules() -> None:
    # pyarrow is left out here: pandas 3 itself imports it for its default string dtype.
    heavy = [m for m in HEAVY if m != "pyarrow"]
    got = _run(
        f"""
        import json, sys
        import pandas as pd
        import greenplan
        stats = pd.DataFrame({{"region": "济南市", "year": [2020, 2021],
                              "variable": ["gdp", "gdp_real_growth"], "value": [10140.91, 7.2]}})
        out = greenplan.compute(stats, "gdp_constant_2020")
        n = len(greenplan.INDICATORS)
        print(json.dumps({{"rows": len(out), "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
        """
    )
    assert got["rows"] == 2
    assert got["heavy"] == []


def test_registry_built_on_first_use_of_a_unit_the_table_does_not_know() -> None:
    # Units of the code lists are answered by resources/unit_table.csv without pint (issue 14:
    # one registry build cost ~0.5 s per process); any other unit builds the registry once.
    got = _run(
        """
        import json
        import greenplan.units as units
        before = units._registry is None
        value = units.convert(470, "万千瓦", "GW")
        tabled = units._registry is None
        miles = units.convert(1, "mile", "km")
        print(json.dumps({"before": before, "tabled": tabled, "v": value, "miles": miles,
                          "after": units._registry is not None}))
        """
    )
    # 1 mile = 1.609344 km exactly (international mile)
    assert got == {"before": True, "tabled": True, "v": 4.7, "miles": 1.609344, "after": True}


# --- the public names -----------------------------------------------------------------------


def test_version() -> None:
    assert greenplan.__version__ == "0.1.0"
    from importlib.metadata import version

    assert version("greenplan") == greenplan.__version__


def test_all_is_sorted_and_listed_by_dir() -> None:
    assert greenplan.__all__ == sorted(greenplan.__all__)
    assert dir(greenplan) == greenplan.__all__
    assert "__version__" in greenplan.__all__


@pytest.mark.parametrize("name", sorted(greenplan._EXPORTS))
def test_public_name_resolves(name: str) -> None:
    module = greenplan._EXPORTS[name]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not written yet")  # only while the domain work is under way
    value = getattr(importlib.import_module(module), name)
    assert getattr(greenplan, name) is value


def test_compute_is_the_function_after_engine_import() -> None:
    # The engine lives in greenplan.engine, so no submodule shadows the public function
    # greenplan.compute (a module named "compute" would be bound over it on import).
    got = _run(
        """
        import json
        import pandas as pd
        import greenplan
        import greenplan.engine
        from greenplan.engine import to_wide
        assert not hasattr(greenplan.engine, "__call__")
        assert greenplan.compute is greenplan.engine.compute
        stats = pd.DataFrame({"region": "济南市", "year": [2020, 2021],
                              "variable": ["gdp", "gdp_real_growth"], "value": [10140.91, 7.2]})
        out = greenplan.compute(stats, "gdp_constant_2020", base_year=2020)
        print(json.dumps({"values": out["value"].tolist(), "wide": len(to_wide(stats))}))
        """
    )
    # 10140.91 × 1.072 = 10871.05552
    assert got["values"][0] == 10140.91
    assert abs(got["values"][1] - 10871.05552) < 1e-9
    assert got["wide"] == 2


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        greenplan.nonexistent  # noqa: B018


def test_core_names() -> None:
    from greenplan.definitions import Indicator, Target, Variable
    from greenplan.errors import GreenplanError, StatisticsError, UnitError

    assert greenplan.Target is Target
    assert greenplan.Indicator is Indicator
    assert greenplan.Variable is Variable
    assert greenplan.GreenplanError is GreenplanError
    assert issubclass(StatisticsError, GreenplanError)
    assert issubclass(UnitError, ValueError)


def test_units_reachable_as_attribute_in_fresh_interpreter() -> None:
    # README and DESIGN write greenplan.units.convert(...) after a bare `import greenplan`
    got = _run(
        """
        import json, sys
        import greenplan as gp
        lazy = "greenplan.units" not in sys.modules
        print(json.dumps({"lazy": lazy, "v": gp.units.convert(470, "万千瓦", "GW")}))
        """
    )
    assert got == {"lazy": True, "v": 4.7}

"""Package data: resources and datasets are found through the installed package.

CI installs greenplan from a wheel (not editable) and runs these tests from the repository,
so they prove the wheel carries ``greenplan/resources`` and ``greenplan/data``: every
resource file of the source tree must be readable through ``importlib.resources``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import greenplan
from greenplan._resources import LazyMapping, data_dir, read_resource_csv, resource_path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_RESOURCES = ROOT / "src" / "greenplan" / "resources"
SOURCE_DATA = ROOT / "data"

REQUIRED = [
    ("units.txt",),
    ("plans", "jinan_14th", "targets.csv"),
    ("supplementary_targets.csv",),
    ("target_presets.csv",),
    ("regions.csv",),
    ("variables", "core.csv"),
]


def _installed(*parts: str) -> resources.abc.Traversable:
    node = resources.files("greenplan") / "resources"
    for part in parts:
        node = node / part
    return node


@pytest.mark.parametrize("parts", REQUIRED, ids=["/".join(p) for p in REQUIRED])
def test_required_resource_found(parts: tuple[str, ...]) -> None:
    node = _installed(*parts)
    assert node.is_file()
    assert node.read_text(encoding="utf-8").strip()
    assert resource_path(*parts).is_file()


def test_variables_folder_has_csv_files() -> None:
    names = [n.name for n in _installed("variables").iterdir() if n.name.endswith(".csv")]
    assert "core.csv" in names
    assert len(greenplan.VARIABLES) >= 30


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    )


@pytest.mark.skipif(not SOURCE_RESOURCES.is_dir(), reason="not run from a source checkout")
def test_every_source_resource_is_installed() -> None:
    missing = [rel for rel in _files(SOURCE_RESOURCES) if not _installed(*rel.split("/")).is_file()]
    assert not missing, f"resources missing from the installed package: {missing}"


def test_data_dir_exists() -> None:
    path = data_dir()
    assert path.is_dir()
    assert path.name == "data"


@pytest.mark.skipif(not SOURCE_DATA.is_dir(), reason="not run from a source checkout")
def test_every_source_dataset_is_installed() -> None:
    installed = data_dir()
    missing = [rel for rel in _files(SOURCE_DATA) if not (installed / rel).is_file()]
    assert not missing, f"datasets missing from the installed package: {missing}"


def test_read_resource_csv_skips_comments() -> None:
    rows = read_resource_csv("regions.csv")
    assert rows[0]["code"] == "济南市"
    assert all(not r["code"].startswith("#") for r in rows)
    assert len(greenplan.REGIONS) == len(rows) == 16


def test_units_file_loads_into_registry() -> None:
    from greenplan.units import get_registry

    reg = get_registry()
    assert reg.parse_units("tce") == reg.parse_units("吨标准煤")


# --- LazyMapping ------------------------------------------------------------------------


def test_lazy_mapping_loads_once_and_suggests() -> None:
    calls = []

    def load() -> dict[str, int]:
        calls.append(1)
        return {"water_use": 1, "water_reclaimed": 2}

    m: LazyMapping[str, int] = LazyMapping(load, "demo")
    assert repr(m) == "<demo (not loaded yet)>"
    assert calls == []
    assert m["water_use"] == 1
    assert "water_use" in m and "nope" not in m
    assert m.get("nope") is None and m.get("nope", 5) == 5
    assert len(m) == 2 and list(m) == ["water_use", "water_reclaimed"]
    assert repr(m) == "<demo: 2 entries>"
    with pytest.raises(KeyError, match=r"'water_us' is not in demo\. Did you mean: water_use"):
        m["water_us"]
    assert calls == [1]


# --- lookups over the shipped tables ---------------------------------------------------------


def test_resolve_region() -> None:
    from greenplan.regions import CITY, resolve_region

    assert resolve_region("济南") == CITY == "济南市"
    assert resolve_region(" 全市 ") == CITY
    assert resolve_region("Lixia") == "历下区"
    assert resolve_region("lixia district") == "历下区"
    assert resolve_region("高新区") == "济南高新区"
    assert resolve_region("Atlantis") is None
    assert greenplan.REGIONS["济南高新区"].level == "zone"
    assert not greenplan.REGIONS["济南高新区"].is_component
    assert greenplan.REGIONS["平阴县"].is_component


def test_resolve_variable_and_suggestions() -> None:
    from greenplan.variables import children, resolve_variable, suggest_variables

    assert resolve_variable("gdp") == "gdp"
    assert resolve_variable("GDP") == "gdp"
    assert resolve_variable("地区生产总值") == "gdp"
    assert resolve_variable("Regional GDP (current prices)") == "gdp"
    assert resolve_variable("no such thing") is None
    assert "water_use" in suggest_variables("water_usee")
    assert set(children("water_nonconventional")) >= {
        "water_reclaimed",
        "water_rainwater",
        "water_desalinated",
        "water_mine",
        "water_brackish",
    }


def test_children_are_the_variables_naming_the_parent() -> None:
    from greenplan.variables import VARIABLES, children

    # the children table is made once: for every code it lists what a scan of the code list
    # finds, in code-list order, and a caller may change the list it gets
    for code in [*VARIABLES, "no_such_code"]:
        assert children(code) == [c for c, v in VARIABLES.items() if v.parent == code]
    kids = children("water_nonconventional")
    kids.append("changed")
    assert "changed" not in children("water_nonconventional")


def test_core_codes_fixed_by_the_design() -> None:
    core = {
        "gdp": "亿元",
        "gdp_real_growth": "%",
        "energy_consumption": "万吨标准煤",
        "energy_feedstock": "万吨标准煤",
        "energy_non_fossil": "万吨标准煤",
        "electricity_renewable": "亿千瓦时",
        "electricity_net_import": "亿千瓦时",
        "heat_net_import": "万吉焦",
        "coal_consumption": "万吨",
        "fuel_natural_gas": "亿立方米",
        "water_use": "亿立方米",
        "water_reclaimed": "亿立方米",
        "capacity_solar": "万千瓦",
        "capacity_wind": "万千瓦",
    }
    for code, unit in core.items():
        assert greenplan.VARIABLES[code].unit == unit, code


def test_variable_model_rejects_bad_codes() -> None:
    from pydantic import ValidationError

    from greenplan.definitions import Variable

    with pytest.raises(ValidationError):
        Variable(code="Water Use", name_zh="用水", name_en="Water", unit="亿立方米", kind="flow")
    with pytest.raises(ValidationError):
        Variable(code="water_use", name_zh="用水", name_en="Water", unit="亿立方米", kind="flux")

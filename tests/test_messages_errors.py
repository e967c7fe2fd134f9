"""Errors a user can cause speak Chinese and English (issue 16.1).

Each test makes a real mistake through the public API and checks the Chinese text of the
error (``exc.text("zh")``, literal, as a reader should see it) and that the English
``str(exc)`` is the text greenplan always gave.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import greenplan as gp
from greenplan import factors, targets, units
from greenplan._resources import data_dir
from greenplan.errors import (
    DimensionalityMismatchError,
    GreenplanError,
    OptionError,
    UnknownUnitError,
)
from greenplan.evaluation.gdi import EvaluationError, green_development_index
from greenplan.inventory.builder import build_inventory
from greenplan.inventory.formulas import InventoryError, process_co2
from greenplan.plans import PlanError, load_plan

PLANS = Path(__file__).resolve().parents[1] / "src" / "greenplan" / "resources" / "plans"


def test_unknown_fuel_in_a_factor_lookup() -> None:
    with pytest.raises(factors.FactorError) as info:
        factors.emission_factor("disel")
    assert str(info.value).startswith(
        "Unknown fuel 'disel'. Did you mean: diesel? Known fuels: raw_coal, anthracite, "
    )
    assert str(info.value).endswith(", heat, steam.")
    zh = info.value.text("zh")
    assert zh.startswith("未知燃料 'disel'。是否指：diesel？已知燃料：raw_coal、anthracite、")
    assert zh.endswith("、heat、steam。")


def test_unknown_grid_region_lists_the_regions_the_chinese_way() -> None:
    with pytest.raises(factors.FactorError) as info:
        factors.grid_factor(2020, region="火星", series="mee_nbs")
    assert str(info.value).startswith(
        "No grid factor for region '火星' in series 'mee_nbs'; regions: national, north_china, "
    )
    assert info.value.text("zh").startswith(
        "电网排放因子系列 'mee_nbs' 中没有地区 '火星' 的因子；可用地区：national、north_china、"
    )


def test_unknown_inventory_process() -> None:
    with pytest.raises(InventoryError) as info:
        process_co2("cemnt", 1.0)
    assert str(info.value) == (
        "Unknown process 'cemnt'. Did you mean: cement? Processes: clinker, cement, lime, "
        "carbonate, steel_bof, steel_eaf, iron, steel_decarbonisation."
    )
    assert info.value.text("zh") == (
        "未知工业过程 'cemnt'。是否指：cement？可用过程：clinker、cement、lime、carbonate、"
        "steel_bof、steel_eaf、iron、steel_decarbonisation。"
    )


def test_bad_inventory_method() -> None:
    balance = pd.DataFrame(
        {"item": ["final_consumption"], "fuel": ["diesel"], "quantity": [1.0], "unit": ["t"]}
    ).assign(year=2020)
    with pytest.raises(OptionError) as info:
        build_inventory(balance, method="xyz")
    assert str(info.value) == (
        "Option method='xyz' is not allowed; choose one of 'provincial', 'ipcc', 'ceads', 'tce'."
    )
    assert info.value.text("zh").startswith("选项 method='xyz' 不在允许的取值中；请从 ")


def test_inventory_without_sources() -> None:
    with pytest.raises(InventoryError) as info:
        build_inventory()
    assert str(info.value) == "build_inventory needs at least one source."
    assert info.value.text("zh") == "build_inventory 至少需要一个数据来源。"


def test_plan_folder_without_targets_csv(tmp_path: Path) -> None:
    (plan_toml,) = PLANS.glob("*/plan.toml")
    shutil.copy(plan_toml, tmp_path / "plan.toml")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path)
    path = tmp_path / "targets.csv"
    os_text = f"[Errno 2] No such file or directory: '{path}'"
    assert str(info.value) == f"Cannot read {path}: {os_text}"
    assert info.value.text("zh") == f"无法读取 {path}：文件不存在（{os_text}）"


def test_plan_toml_with_a_bad_period(tmp_path: Path) -> None:
    (plan_toml,) = PLANS.glob("*/plan.toml")
    text = plan_toml.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("period")]
    (tmp_path / "plan.toml").write_text("\n".join(['period = "2021-2025"', *lines]) + "\n")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path)
    toml = tmp_path / "plan.toml"
    assert str(info.value) == (f"{toml}: period must be [first year, last year], got '2021-2025'.")
    assert info.value.text("zh") == (
        f"{toml}：period 必须写作 [起始年份, 终止年份]，实际为 '2021-2025'。"
    )


def test_unknown_target_and_bad_target_value() -> None:
    with pytest.raises(targets.TargetConfigError) as info:
        targets.with_values({"no_such_target": 1})
    assert str(info.value) == "Unknown target 'no_such_target'."
    assert info.value.text("zh") == "未知目标 'no_such_target'。"
    key = next(k for k, t in targets.TARGETS.items() if not targets.is_fixed(t))
    with pytest.raises(targets.TargetConfigError) as info:
        targets.with_values({key: "lots"})
    assert str(info.value) == f"Target {key!r}: value 'lots' is not a number."
    assert info.value.text("zh") == f"目标 {key!r}：数值 'lots' 不是数字。"


def test_unknown_unit_in_convert() -> None:
    with pytest.raises(UnknownUnitError) as info:
        units.convert(1, "吨标煤x", "tce")
    assert str(info.value).startswith("Unknown unit '吨标煤x'. Did you mean: '吨标煤', '吨标准煤'")
    assert info.value.text("zh").startswith("未知单位 '吨标煤x'。是否指：'吨标煤'、'吨标准煤'")
    assert info.value.text("zh").endswith("？")


def test_unit_of_another_quantity_names_the_dimensions_in_chinese() -> None:
    with pytest.raises(DimensionalityMismatchError) as info:
        units.convert(1, "tce", "元")
    assert str(info.value) == (
        "Cannot convert 'tce' (energy) to '元' (money): they measure different quantities."
    )
    assert info.value.text("zh") == (
        "无法将 'tce'（能量）换算为 '元'（货币金额）：二者计量的是不同的量。"
    )
    assert (info.value.from_dim, info.value.to_dim) == ("energy", "money")


def test_gdi_values_missing_a_column_or_naming_an_unknown_indicator() -> None:
    with pytest.raises(EvaluationError) as info:
        green_development_index(pd.DataFrame({"region": ["济南市"], "indicator": ["x"]}))
    assert str(info.value) == "green_development_index: values need column 'value'."
    assert info.value.text("zh") == "green_development_index：数值表缺少列 'value'。"
    values = pd.DataFrame(
        {"region": ["济南市"], "indicator": ["no such indicator"], "value": [1.0], "year": [2020]}
    )
    with pytest.raises(EvaluationError) as info:
        green_development_index(values)
    assert str(info.value) == "Unknown indicator 'no such indicator'."
    assert info.value.text("zh") == "未知指标 'no such indicator'。"


def test_unknown_indicator_in_compute_joins_its_hints_with_a_chinese_semicolon() -> None:
    from greenplan.engine import compute

    stats = pd.DataFrame(columns=["region", "year", "variable", "value", "unit"])
    with pytest.raises(GreenplanError) as info:
        compute(stats, ["gdp_constant_202", "zzz_nothing_like_it"])
    exc = info.value
    assert str(exc).startswith("Unknown indicator(s): 'gdp_constant_202' (did you mean ")
    assert str(exc).endswith("; 'zzz_nothing_like_it'.")
    zh = exc.text("zh")
    assert zh.startswith("未知指标：'gdp_constant_202'（是否指 ")
    assert zh.endswith("？）；'zzz_nothing_like_it'。")


def test_assess_option_errors_in_both_languages() -> None:
    # ESCAP cut-points must fall: (1, 2) rises (progress.not_decreasing)
    values = gp.compute(gp.read_statistics(data_dir() / "examples"))
    with pytest.raises(OptionError) as info:
        gp.assess(values, year=2025, method="escap", thresholds=(1, 2))
    assert str(info.value) == "thresholds must be strictly decreasing, got (1, 2)."
    assert info.value.text("zh") == "thresholds 必须严格递减，实际为 (1, 2)。"

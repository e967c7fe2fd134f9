"""Tests of greenplan.inventory: formulas against the standards' values, the builder, the CLI."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenplan import factors
from greenplan.cli import main
from greenplan.engine import compute
from greenplan.errors import OptionError
from greenplan.inventory import (
    InventoryError,
    build_inventory,
    combustion_co2,
    gpc_summary,
    inventory_view,
    process_co2,
)
from greenplan.records import aggregate_fuel_records

# --- combustion_co2: IPCC 2006 Vol.2 Tables 1.2 (NCV, TJ/Gg = GJ/t) and 1.4 (EF, kg/TJ) -----------


@pytest.mark.parametrize(
    ("ncv", "ef", "expected"),
    [
        (43.0, 74_100, 3186.3),  # gas/diesel oil: 1 000 t × 43.0 GJ/t × 74 100 kg/TJ = 3 186.3 t
        (48.0, 56_100, 2692.8),  # natural gas: 1 000 × 48.0 × 0.0561 = 2 692.8
        (25.8, 94_600, 2440.68),  # other bituminous coal: 1 000 × 25.8 × 0.0946 = 2 440.68
        (44.3, 69_300, 3069.99),  # motor gasoline: 1 000 × 44.3 × 0.0693 = 3 069.99
        (28.2, 107_000, 3017.4),  # coke oven coke: 1 000 × 28.2 × 0.107 = 3 017.4
        (44.5, 73_300, 3261.85),  # naphtha: 1 000 × 44.5 × 0.0733 = 3 261.85
    ],
)
def test_combustion_co2_ipcc_table_values(ncv, ef, expected):
    assert combustion_co2(1000.0, ncv=ncv, emission_factor=ef) == pytest.approx(expected, rel=1e-12)


def test_combustion_co2_provincial_guideline_bituminous():
    # 工业其他行业指南 附录二 烟煤: 23.204 GJ/t, 26.18 tC/TJ, 93 %:
    # 1 000 t × 23.204 = 23 204 GJ × 0.02618 = 607.48072 t C × 0.93 = 564.957070
    #   × 44/12 = 2 071.50926
    co2 = combustion_co2(1000.0, ncv=23.204, carbon_content=26.18, oxidation=0.93)
    assert co2 == pytest.approx(2071.509256, rel=1e-9)
    ef = factors.emission_factor("bituminous")
    assert (ef.ncv, ef.carbon_content, ef.oxidation) == (23.204, 26.18, 0.93)


def test_combustion_co2_natural_gas_per_10k_m3():
    # 389.31 GJ/10⁴ m³ × 15.3 tC/TJ × 0.99 × 44/12 = 21.621888 t per 10⁴ m³
    assert combustion_co2(1.0, ncv=389.31, carbon_content=15.3, oxidation=0.99) == pytest.approx(
        21.6218881, rel=1e-8
    )


def test_combustion_co2_needs_exactly_one_factor():
    with pytest.raises(InventoryError, match="exactly one"):
        combustion_co2(1.0, ncv=1.0)
    with pytest.raises(InventoryError, match="exactly one"):
        combustion_co2(1.0, ncv=1.0, emission_factor=1.0, carbon_content=1.0)
    with pytest.raises(InventoryError, match="Oxidation"):
        combustion_co2(1.0, ncv=1.0, carbon_content=1.0, oxidation=1.5)


def test_combustion_co2_keeps_the_container():
    s = pd.Series([1.0, 2.0], index=["a", "b"])
    out = combustion_co2(s, ncv=43.0, emission_factor=74_100)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"]
    assert out["b"] == pytest.approx(2 * 3.1863)


@settings(max_examples=60, deadline=None)
@given(
    q=st.floats(0, 1e7),
    k=st.floats(0, 100),
    ncv=st.floats(0.1, 500),
    cc=st.floats(1, 80),
    of=st.floats(0.5, 1.0),
)
def test_combustion_co2_linear_in_quantity(q, k, ncv, cc, of):
    one = combustion_co2(q, ncv=ncv, carbon_content=cc, oxidation=of)
    assert combustion_co2(q * k, ncv=ncv, carbon_content=cc, oxidation=of) == pytest.approx(
        one * k, rel=1e-9, abs=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(q=st.floats(0, 1e6), ncv=st.floats(0.1, 500), cc=st.floats(1, 80), of=st.floats(0.5, 1.0))
def test_ef_and_carbon_content_agree(q, ncv, cc, of):
    ef = cc * 44 / 12 * 1000  # kg CO₂/TJ from t C/TJ
    a = combustion_co2(q, ncv=ncv, carbon_content=cc, oxidation=of)
    b = combustion_co2(q, ncv=ncv, emission_factor=ef, oxidation=of)
    assert a == pytest.approx(b, rel=1e-9, abs=1e-9)


# --- factors: the audit items ---------------------------------------------------------------------


def test_blast_furnace_gas_ncv_matches_gbt2589():
    # GB/T 2589-2020: 0.1286 kgce/m³ × 29.3076 GJ/tce = 3.769 GJ per 10³ m³ → 37.69 GJ/10⁴ m³
    ncv = factors.emission_factor("blast_furnace_gas").ncv_per("万m3")
    coef = factors.standard_coal()["blast_furnace_gas"].per("万m3", "tce") * 29.3076
    assert ncv == pytest.approx(coef, abs=0.01)


def test_ipcc_set_uses_table_1_4_and_nbs_raw_coal():
    ef = factors.emission_factor("raw_coal", "ipcc2006")
    # NBS 20.908 GJ/t × 94 600 kg/TJ = 1.9778968 t/t (not 25.8 × 0.0946 = 2.44068)
    assert ef.co2_per("t") == pytest.approx(1.9778968, rel=1e-9)
    assert factors.emission_factor("coke", "ipcc2006").co2_per_tj == pytest.approx(107.0)


@pytest.mark.parametrize(
    "fuel",
    [
        "naphtha",
        "petroleum_coke",
        "converter_gas",
        "other_washed_coal",
        "briquettes",
        "coal_tar",
        "crude_benzene",
    ],
)
def test_new_fuels_have_factors_in_both_sets(fuel):
    for set_ in factors.FACTOR_SETS:
        assert (
            factors.emission_factor(fuel, set_).co2_per("万m3" if fuel == "converter_gas" else "t")
            > 0
        )
    assert fuel in factors.standard_coal()


def test_grid_series_and_no_internal_citations():
    assert factors.grid_factor(2023, "north_china").value == 0.6361
    assert factors.grid_factor(2022, "national", "mee_nbs_fossil").value == 0.8325
    assert factors.grid_factor(2021, "national", "mee_nbs_excl_market_non_fossil").value == 0.5942
    assert "公告2024年第12号" in factors.grid_factor(2021, "national").source
    assert "公告2025年第47号" in factors.grid_factor(2023, "national").source
    for name in (
        "emission_factors",
        "grid_factors",
        "process_factors",
        "standard_coal",
        "carbon_constants",
        "gwp",
        "non_co2_factors",
        "tce_carbon_factors",
    ):
        t = factors.table(name)
        assert (
            not t["source"].str.contains("shared/|reference/|standards_cn|inventory_and_gdi").any()
        )
        assert (t["source"].str.len() > 10).all(), name


# --- user factor tables: compute, aggregate_fuel_records ------------------------------------------

CITY = "济南市"


def _stats(rows):
    return pd.DataFrame(
        [{"region": r, "year": y, "variable": v, "value": x, "unit": "万吨"} for r, y, v, x in rows]
    )


def test_factor_table_changes_compute_exactly(tmp_path):
    stats = _stats([(CITY, 2022, "fuel_raw_coal", 100.0)])
    base = compute(stats, ["co2_fuel_combustion"])
    # default: 100 万吨 × 20.908 × 0.02618 × 0.93 × 44/12 = 100 × 1.8665366 = 186.65366 万吨
    assert base["value"].iloc[0] == pytest.approx(186.653661, rel=1e-8)
    table = factors.factor_table(pd.DataFrame({"fuel": ["原煤"], "ncv": [19.570]}))
    user = compute(stats, ["co2_fuel_combustion"], emission_factor_table=table)
    # measured NCV 19.570 GJ/t, guideline carbon content and oxidation kept:
    # 100 × 19.570 × 0.02618 × 0.93 × 44/12 = 100 × 1.74708827 = 174.708827 万吨
    assert user["value"].iloc[0] == pytest.approx(174.708827, rel=1e-8)
    assert "FactorTable" in user["method"].iloc[0]
    csv = tmp_path / "f.csv"
    csv.write_text("fuel,ncv,ncv_unit,emission_factor\n原煤,20.908,GJ/t,90000\n", encoding="utf-8")
    ef_run = compute(stats, ["co2_fuel_combustion"], emission_factor_table=str(csv))
    # EF given: 100 × 20.908 × 90 000e-6 × 0.93 (oxidation kept) = 100 × 1.7499996 = 174.99996
    assert ef_run["value"].iloc[0] == pytest.approx(174.99996, rel=1e-9)
    with pytest.raises(OptionError):
        compute(stats, ["co2_fuel_combustion"], emission_factor_table=pd.DataFrame())


def test_factor_table_in_aggregate_fuel_records():
    recs = pd.DataFrame(
        {"region": ["历下区"], "year": [2022], "fuel": ["柴油"], "quantity": [2.0], "unit": ["t"]}
    )
    user = pd.DataFrame({"fuel": ["diesel"], "emission_factor": [74_100]})
    out = aggregate_fuel_records(recs, emission_factor_table=user)
    # 2 t × 43.33 GJ/t × 74 100e-6 t/GJ × 0.98 = 6.29307588 t
    assert out["co2"].iloc[0] == pytest.approx(6.29307588, rel=1e-9)


def test_factor_table_errors(tmp_path):
    with pytest.raises(factors.FactorError, match="unknown fuel"):
        factors.factor_table(pd.DataFrame({"fuel": ["unobtainium"], "ncv": [1.0]}))
    with pytest.raises(factors.FactorError, match="not both"):
        factors.factor_table(
            pd.DataFrame({"fuel": ["diesel"], "carbon_content": [20.0], "emission_factor": [7e4]})
        )
    with pytest.raises(factors.FactorError, match="oxidation"):
        factors.factor_table(pd.DataFrame({"fuel": ["diesel"], "oxidation": [1.2]}))
    with pytest.raises(factors.FactorError, match="unknown column"):
        factors.factor_table(pd.DataFrame({"fuel": ["diesel"], "ncvv": [1.0]}))
    with pytest.raises(factors.FactorError, match="lacks"):
        factors.factor_table(pd.DataFrame({"fuel": ["diesel"], "ncv": [43.0]}), mode="replace")
    with pytest.raises(factors.FactorError, match="Cannot read"):
        factors.factor_table(str(tmp_path / "missing.csv"))


# --- process_co2 ----------------------------------------------------------------------------------


def test_process_co2_reference_values():
    assert process_co2("clinker", 1000.0) == pytest.approx(538.0)  # 省级指南 0.538
    assert process_co2("lime", 1000.0) == pytest.approx(683.0)  # 省级指南 0.683
    # IPCC Tier 1 cement: 1 000 t × 0.75 clinker × 0.52 = 390
    assert process_co2("cement", 1000.0, set="ipcc2006") == pytest.approx(390.0)
    assert process_co2("lime", 1000.0, set="ipcc2006") == pytest.approx(753.0)
    assert process_co2("carbonate", 1000.0, set="ipcc2006", mineral="dolomite") == pytest.approx(
        477.32
    )
    assert process_co2("steel_bof", 1000.0) == pytest.approx(1460.0)  # IPCC Table 4.1
    assert process_co2("steel_eaf", 1000.0) == pytest.approx(80.0)
    assert process_co2("iron", 1000.0) == pytest.approx(1350.0)
    # (1 000 × 4.1 % − 1 000 × 0.248 %) × 44/12 + 100 t limestone × 0.430
    #   = 38.52 × 3.6666667 + 43 = 141.24 + 43 = 184.24
    assert process_co2(
        "steel_decarbonisation", 1000.0, pig_iron=1000.0, limestone=100.0
    ) == pytest.approx(184.24)
    assert process_co2("clinker", 1000.0, emission_factor=0.5) == pytest.approx(500.0)


def test_process_co2_errors():
    with pytest.raises(InventoryError, match="Did you mean"):
        process_co2("clinkr", 1.0)
    with pytest.raises(InventoryError, match="no parameter"):
        process_co2("lime", 1.0, clinker_fraction=0.7)
    with pytest.raises(InventoryError, match="pig_iron"):
        process_co2("steel_decarbonisation", 1.0)
    with pytest.raises(InventoryError, match="≥ 0"):
        process_co2("lime", -1.0)


# --- gpc_summary ----------------------------------------------------------------------------------


def test_gpc_summary_boundaries():
    t = pd.DataFrame(
        {
            "sector": ["I", "I", "I", "I", "II", "III", "III", "IV", "V", "VI"],
            "scope": [1, 2, 3, 1, 1, 1, 3, 1, 1, 3],
            "gpc_ref": [
                "I.1.1",
                "I.1.2",
                "I.1.3",
                "I.4.4",
                "II.1.1",
                "III.1.1",
                "III.1.2",
                "IV.1",
                "V.1",
                "VI.1",
            ],
            "value": [10.0, 20.0, 1.0, 100.0, 5.0, 3.0, 2.0, 7.0, 4.0, 50.0],
        }
    )
    out = gpc_summary(t).iloc[0]
    # territorial: all scope 1 = 10 + 100 + 5 + 3 + 7 + 4 = 129
    # BASIC: 10 + 20 + 5 (I, II scopes 1–2, no I.4.4) + 3 + 2 (waste scopes 1, 3) = 40
    # BASIC+: 40 + 1 (T&D scope 3) + 7 (IPPU) + 4 (AFOLU) = 52
    assert (out["territorial"], out["basic"], out["basic_plus"]) == (129.0, 40.0, 52.0)
    with pytest.raises(InventoryError, match="sector"):
        gpc_summary(pd.DataFrame({"sector": ["X"], "scope": [1], "value": [1.0]}))
    with pytest.raises(InventoryError, match="scope"):
        gpc_summary(pd.DataFrame({"sector": ["I"], "scope": [4], "value": [1.0]}))
    with pytest.raises(InventoryError, match="columns"):
        gpc_summary(pd.DataFrame({"sector": ["I"]}))


# --- the builder ----------------------------------------------------------------------------------

RAW = 1.8665365896  # t CO₂ per t raw coal: 20.908 × 0.02618 × 0.93 × 44/12


def balance(extra=()):
    rows = [
        ("工业", "原煤", 1000.0, "t"),
        ("用作原料、材料", "原煤", 100.0, "t"),
        ("火力发电", "原煤", 2000.0, "t"),
        ("炼焦", "原煤", 500.0, "t"),  # transformation: no combustion CO₂
        ("工业", "电力", 10_000.0, "MWh"),
        *extra,
    ]
    return pd.DataFrame(
        [{"item": i, "fuel": f, "quantity": q, "unit": u, "year": 2023} for i, f, q, u in rows]
    )


def test_inventory_from_balance_table():
    inv = build_inventory(balance())
    rows = inv.rows
    comb = rows[rows["category"] == "combustion"].set_index("sector")["co2e"]
    assert comb["industry"] == pytest.approx(900 * RAW)  # (1 000 − 100 non-energy) × 1.86654
    assert comb["power_heat"] == pytest.approx(2000 * RAW)
    elec = rows[rows["category"] == "electricity"]["co2e"].iloc[0]
    assert elec == pytest.approx(6361.0)  # 10⁷ kWh × 0.6361 kg/kWh (华北 2023)
    gpc = inventory_view(inv, "gpc").set_index("row")["value"]
    # BASIC excludes I.4.4: (900 × 1.86654 + 6 361) t = (1 679.883 + 6 361) / 10⁴ 万吨
    assert gpc["BASIC"] == pytest.approx((900 * RAW + 6361.0) / 1e4)
    assert gpc["territorial"] == pytest.approx(2900 * RAW / 1e4)
    sector = inventory_view(inv, "sector")
    total = sector[sector["group_zh"] == "合计"]["total"].iloc[0]
    assert total == pytest.approx(2900 * RAW / 1e4)


def test_inventory_methods():
    supply = (
        ("调入", "原煤", 3500.0, "t"),
        ("损失", "原煤", 100.0, "t"),
        ("炼焦", "原煤", 0.0, "t"),
    )
    ceads = build_inventory(balance(supply), method="ceads")
    # apparent = 3 500 inflow − 500 coking − 100 non-energy − 100 losses = 2 800 t
    s1 = ceads.rows[ceads.rows["scope"] == 1]["co2e"].sum()
    assert s1 == pytest.approx(2800 * RAW)
    tce = build_inventory(balance(), method="tce")
    # 2 900 t × 0.7143 tce/t × 0.7476 tC/tce × 44/12 = 5 679.33
    s1 = tce.rows[tce.rows["scope"] == 1]["co2e"].sum()
    assert s1 == pytest.approx(2900 * 0.7143 * 0.7476 * 44 / 12)
    ipcc = build_inventory(balance(), method="ipcc")
    # 2 900 t × 20.908 GJ/t × 94 600 kg/TJ = 5 735.9012
    s1 = ipcc.rows[ipcc.rows["scope"] == 1]["co2e"].sum()
    assert s1 == pytest.approx(2900 * 20.908 * 0.0946)
    cc = build_inventory(balance(), method="ipcc", ipcc_basis="carbon_content")
    # 25.8 tC/TJ × 44/12 = 94.6 t/TJ exactly: same as the table EF for coal
    assert cc.rows[cc.rows["scope"] == 1]["co2e"].sum() == pytest.approx(s1)
    with pytest.raises(InventoryError, match="supply rows"):
        build_inventory(balance(), method="ceads")


def test_inventory_co2e():
    inv = build_inventory(balance(), gases="co2e")
    r = inv.rows
    ch4 = r[(r["gas"] == "CH4") & (r["sector"] == "power_heat")]["co2e"].iloc[0]
    # 2 000 t × 20.908 GJ/t = 41.816 TJ × 1 kg/TJ (Table 2.2) = 0.041816 t × 28 (AR5) = 1.170848
    assert ch4 == pytest.approx(1.170848)
    n2o = r[(r["gas"] == "N2O") & (r["sector"] == "industry")]["co2e"].iloc[0]
    # 900 t × 20.908 = 18.8172 TJ × 1.5 kg/TJ (Table 2.3) = 0.0282258 t × 265 = 7.479837
    assert n2o == pytest.approx(7.479837)


def test_inventory_processes_and_errors():
    extra = (
        ("工业生产过程", "clinker", 1000.0, "t"),
        ("process", "steel_decarbonisation", 100.0, "t"),
    )
    inv = build_inventory(
        balance(extra), process_parameters={"steel_decarbonisation": {"pig_iron": 100.0}}
    )
    p = inv.rows[inv.rows["category"] == "process"].set_index("fuel")["co2e"]
    assert p["clinker"] == pytest.approx(538.0)
    assert p["steel_decarbonisation"] == pytest.approx(100 * (0.041 - 0.00248) * 44 / 12)
    with pytest.raises(InventoryError, match="unknown item"):
        build_inventory(balance((("不存在", "原煤", 1.0, "t"),)))
    with pytest.raises(InventoryError, match="Unknown fuel"):
        build_inventory(balance((("工业", "煤炭X", 1.0, "t"),)))
    with pytest.raises(InventoryError, match="exceeds"):
        build_inventory(balance((("用作原料", "原煤", 5000.0, "t"),)))
    with pytest.raises(OptionError, match="Did you mean"):
        build_inventory(balance(), methd="ipcc")
    with pytest.raises(InventoryError, match="view"):
        inventory_view(build_inventory(balance()), "scope9")


def test_inventory_of_the_example_statistics_matches_compute(examples_dir=None):
    from greenplan._resources import data_dir
    from greenplan.io import read_statistics

    path = data_dir() / "examples"
    inv = build_inventory(path)
    stats = read_statistics(path)
    ref = compute(stats, ["co2_fuel_combustion", "co2_process", "co2_energy"])
    ref = ref[(ref["region"] == CITY) & (ref["year"] == 2024)].set_index("indicator")["value"]
    terr = inventory_view(inv, "territorial")
    terr = terr[(terr["region"] == CITY) & (terr["year"] == 2024)].set_index("sector")["value"]
    assert terr["unallocated"] == pytest.approx(ref["co2_fuel_combustion"], rel=1e-9)
    assert terr["ippu"] == pytest.approx(ref["co2_process"], rel=1e-9)
    gpc = inventory_view(inv, "gpc")
    gpc = gpc[(gpc["region"] == CITY) & (gpc["year"] == 2024)].set_index("row")["value"]
    # with only net inflows, BASIC = combustion + net-inflow indirect = compute's co2_energy
    assert gpc["BASIC"] == pytest.approx(ref["co2_energy"], rel=1e-9)


# --- CLI ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["territorial", "gpc", "sector"])
@pytest.mark.parametrize("fmt", ["text", "csv", "json", "markdown"])
def test_cli_views_of_the_examples(view, fmt, capsys):
    from greenplan._resources import data_dir

    rc = main(["inventory", str(data_dir() / "example_records"), "--view", view, "--format", fmt])
    out = capsys.readouterr().out
    assert rc == 0
    assert "莱芜区" in out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["view"] == view and doc["rows"] and doc["method"] == "provincial"


def test_cli_statistics_and_filters(capsys):
    from greenplan._resources import data_dir

    rc = main(
        [
            "inventory",
            str(data_dir() / "examples"),
            "--year",
            "2024",
            "--region",
            CITY,
            "--view",
            "sector",
            "--format",
            "csv",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "清单合计" in out and "2023" not in out


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["inventory", str(tmp_path / "nope.csv")]) == 2
    bad = tmp_path / "bal.csv"
    bad.write_text("item,fuel,quantity,unit,year\n工业,煤炭X,1,t,2023\n", encoding="utf-8")
    assert main(["inventory", str(bad)]) == 1
    good = tmp_path / "ok.csv"
    good.write_text("item,fuel,quantity,unit,year\n工业,原煤,1000,t,2023\n", encoding="utf-8")
    assert main(["inventory", str(good), "--option", "methd=ipcc"]) == 2
    assert main(["inventory", str(good), "--view", "nope"]) == 2
    assert main(["inventory", str(good), "--year", "1999"]) == 1
    ft = tmp_path / "f.csv"
    ft.write_text("fuel,ncv\n原煤,19.57\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["inventory", str(good), "--factor-table", str(ft), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    # 1 000 t × 19.57 × 0.02618 × 0.93 × 44/12 = 1 747.088 t = 0.1747088 万吨
    assert "0.1747088" in out
    assert not math.isnan(float(out.splitlines()[1].split(",")[-2]))

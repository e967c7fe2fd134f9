"""Fuel records of any size: the same totals from pandas, DuckDB, pyarrow and Dask.

Records are SYNTHETIC (generated below). The hand calculation uses GB/T 2589-2020 standard
coal coefficients (原煤 0.7143 tce/t, 天然气 1.2143 kgce/m³), as in test_accounting.py.
Engines add quantities in different orders, so totals are compared with rtol 1e-9.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan.records import engines
from greenplan.records.fuel import FuelRecordError

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

COLS = ["energy", "energy_feedstock", "co2", "co2_direct", "co2_electricity", "co2_heat", "coal"]
PAIRS = [("原煤", "t"), ("天然气", "万m3"), ("电力", "kWh"), ("柴油", "t"), ("热力", "GJ")]
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _records(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(
        rows, columns=["entity", "region", "year", "month", "pair", "quantity", "feed"]
    )
    out["fuel"] = [PAIRS[p][0] for p in out["pair"]]
    out["unit"] = [PAIRS[p][1] for p in out["pair"]]
    out["use"] = np.where(out["feed"] & out["pair"].isin([0, 1]), "feedstock", "fuel")
    return out.drop(columns=["pair", "feed"]).astype({"year": "int64", "month": "int64"})


record = st.tuples(
    st.sampled_from(["E1", "E2", "E3", "E4"]),
    st.sampled_from(["历下区", "市中区", "槐荫区"]),
    st.integers(2020, 2023),
    st.integers(1, 12),
    st.integers(0, len(PAIRS) - 1),
    st.floats(0.0, 1e6, allow_nan=False),
    st.booleans(),
)


def _cuts(n: int, data: st.DataObject) -> list[int]:
    k = data.draw(st.integers(1, 4))
    inner = sorted(data.draw(st.lists(st.integers(0, n), min_size=k - 1, max_size=k - 1)))
    return [0, *inner, n]


def _parts(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    return [frame.iloc[a:b] for a, b in itertools.pairwise(cuts)]


def _write_parquet(parts: list[pd.DataFrame], folder: Path) -> str:
    for i, part in enumerate(parts):
        table = pa.Table.from_pandas(part.reset_index(drop=True), preserve_index=False)
        pq.write_table(table, folder / f"part-{i:03d}.parquet")
    return str(folder / "*.parquet")


def _same(a: pd.DataFrame, b: pd.DataFrame, by: list[str]) -> None:
    a = a.assign(**{k: a[k].astype(str) for k in by}).sort_values(by).reset_index(drop=True)
    b = b.assign(**{k: b[k].astype(str) for k in by}).sort_values(by).reset_index(drop=True)
    assert a[by].values.tolist() == b[by].values.tolist()
    np.testing.assert_allclose(a[COLS].to_numpy(float), b[COLS].to_numpy(float), rtol=1e-9)
    assert a["records"].tolist() == b["records"].tolist()


@SETTINGS
@given(rows=st.lists(record, min_size=1, max_size=60), data=st.data())
def test_every_engine_and_input_gives_the_same_totals(rows, data):
    recs = _records(rows)
    by = data.draw(st.sampled_from([["region", "year"], ["entity", "year", "month"], ["fuel"]]))
    expected = gp.aggregate_fuel_records(recs, by=by)
    parts = _parts(recs, _cuts(len(recs), data))
    with tempfile.TemporaryDirectory() as tmp:
        glob = _write_parquet(parts, Path(tmp))
        table = pa.Table.from_batches(
            [b for p in parts for b in pa.Table.from_pandas(p, preserve_index=False).to_batches()]
        )
        inputs = {
            "duckdb glob": (glob, "auto"),
            "duckdb arrow": (table, "auto"),
            "duckdb polars": (pl.from_pandas(recs), "auto"),
            "arrow glob": (glob, "arrow"),
            "dask glob": (glob, "dask"),
            "dask frame": (dd.from_pandas(recs, npartitions=len(parts)), "auto"),
        }
        for name, (obj, engine) in inputs.items():
            out = gp.aggregate_fuel_records(obj, by=by, engine=engine)
            assert out.attrs["greenplan"]["engine"] in name, name
            _same(out, expected, by)


def test_glob_of_parquet_files_hand_calculation(tmp_path):
    # 1000 t 原煤 × 0.7143 + 10 万m³ 天然气 × 1.2143e-3 tce/m³ × 1e5 = 714.3 + 121.43 = 835.73
    recs = pd.DataFrame(
        {
            "entity": ["A", "A"],
            "region": ["历下区", "历下区"],
            "year": [2023, 2023],
            "fuel": ["原煤", "天然气"],
            "quantity": [1000.0, 10.0],
            "unit": ["t", "万m3"],
        }
    )
    glob = _write_parquet([recs.iloc[:1], recs.iloc[1:]], tmp_path)
    for engine in ("auto", "arrow", "dask", "pandas"):
        out = gp.aggregate_fuel_records(glob, engine=engine)
        assert out["energy"].tolist() == [pytest.approx(835.73, rel=1e-12)], engine
        assert out["records"].tolist() == [2]


def _missing_records() -> pd.DataFrame:
    recs = _records([("E1", "历下区", 2022, m, m % 5, float(m), False) for m in range(1, 13)])
    recs["region"] = recs["region"].astype(object)
    recs.loc[[2, 5, 7], "quantity"] = np.nan
    recs.loc[[3, 4], "region"] = None
    return recs


def _reduced(obj, engine):
    source = engines.open_records(obj, engine)
    try:
        out = source.reduce(["region", "fuel"])
    finally:
        source.close()
    out["region"] = out["region"].astype(object).where(out["region"].notna(), "<NA>")
    return out.sort_values(["region", "fuel"]).reset_index(drop=True)


def test_missing_keys_and_quantities_are_counted_not_dropped(tmp_path):
    recs = _missing_records()
    glob = _write_parquet([recs.iloc[:4], recs.iloc[4:]], tmp_path)
    reference = _reduced(recs, "pandas")
    # 12 records: 3 with a missing quantity, 2 with a missing region
    assert reference["__records"].sum() == 12
    assert reference["__missing"].sum() == 3
    assert reference.loc[reference["region"] == "<NA>", "__records"].sum() == 2
    for obj, engine in [
        (glob, "duckdb"),
        (glob, "dask"),
        (glob, "arrow"),
        (pl.from_pandas(recs), "duckdb"),  # NaN stays NaN in Polars, not null
        (dd.from_pandas(recs, npartitions=3), "dask"),
    ]:
        out = _reduced(obj, engine)
        assert (
            out[["region", "fuel", "__records", "__missing"]].values.tolist()
            == reference[["region", "fuel", "__records", "__missing"]].values.tolist()
        ), engine
        np.testing.assert_allclose(out["__quantity"], reference["__quantity"])


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "dask", "arrow"])
def test_missing_quantity_is_an_error_naming_file_and_row(tmp_path, engine):
    recs = _missing_records()
    glob = _write_parquet([recs.iloc[:4], recs.iloc[4:]], tmp_path)
    # records 5 and 7 are rows 2 and 4 of part-001 (position + 1); record 2 is row 3 of part-000
    with pytest.raises(FuelRecordError, match=r"Missing quantity.*part-000.parquet row 3; 3 row"):
        gp.aggregate_fuel_records(glob, engine=engine)


def test_unknown_fuel_in_a_dask_frame_names_the_row():
    recs = _records([("E1", "历下区", 2022, 1, 0, 1.0, False)] * 10)
    recs.loc[7, "fuel"] = "原媒"
    with pytest.raises(FuelRecordError, match=r"'原媒'.*first at row 7; 1 row"):
        gp.aggregate_fuel_records(dd.from_pandas(recs, npartitions=3))


def test_inputs_that_no_engine_reads(tmp_path):
    with pytest.raises(FuelRecordError, match="No Parquet or CSV file"):
        gp.aggregate_fuel_records(str(tmp_path / "*.parquet"))
    (tmp_path / "a.parquet").write_bytes(b"")
    (tmp_path / "b.csv").write_text("fuel\n")
    with pytest.raises(FuelRecordError, match="mix Parquet and CSV"):
        gp.aggregate_fuel_records(str(tmp_path))
    with pytest.raises(FuelRecordError, match="Did you mean: duckdb"):
        gp.aggregate_fuel_records(_missing_records(), engine="duckbd")
    with pytest.raises(FuelRecordError, match="must be numeric"):
        gp.aggregate_fuel_records(
            pa.table(
                {
                    "fuel": ["原煤"],
                    "quantity": ["1"],
                    "unit": ["t"],
                    "year": [2022],
                    "region": ["x"],
                }
            )
        )


def test_csv_files_with_duckdb(tmp_path):
    recs = _records([("E1", "历下区", 2022, m, m % 5, float(m), False) for m in range(1, 13)])
    recs.iloc[:5].to_csv(tmp_path / "a.csv", index=False)
    recs.iloc[5:].to_csv(tmp_path / "b.csv", index=False)
    expected = gp.aggregate_fuel_records(recs)
    for engine in ("duckdb", "dask", "pandas"):
        _same(
            gp.aggregate_fuel_records(str(tmp_path / "*.csv"), engine=engine),
            expected,
            ["region", "year"],
        )
    bad = recs.copy()
    bad.loc[6, "fuel"] = "原媒"
    bad.iloc[:5].to_csv(tmp_path / "a.csv", index=False)
    bad.iloc[5:].to_csv(tmp_path / "b.csv", index=False)
    # record 6 is the second data line of b.csv: line 3 (header = line 1)
    with pytest.raises(FuelRecordError, match=r"b.csv row 3; 1 row"):
        gp.aggregate_fuel_records(str(tmp_path / "*.csv"))


def test_duckdb_relation_and_memory_limit(tmp_path):
    import duckdb

    recs = _missing_records().dropna()
    glob = _write_parquet([recs], tmp_path)
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{glob}')")
    out = gp.aggregate_fuel_records(rel, memory_limit="64MB")
    _same(out, gp.aggregate_fuel_records(recs), ["region", "year"])


def test_read_statistics_accepts_arrow_and_parquet_globs(tmp_path):
    stats = pd.DataFrame(
        {"地区": ["济南市"], "年份": [2020], "指标": ["gdp"], "数值": [10140.91], "单位": ["亿元"]}
    )
    expected = gp.read_statistics(stats)
    for obj in (pa.Table.from_pandas(stats), pl.from_pandas(stats)):
        got = gp.read_statistics(obj)
        assert got["value"].tolist() == expected["value"].tolist()
    pq.write_table(pa.Table.from_pandas(stats), tmp_path / "s1.parquet")
    got = gp.read_statistics(str(tmp_path / "*.parquet"))
    assert got["value"].tolist() == [10140.91]


def test_parquet_files_with_columns_in_another_order(tmp_path):
    # 2 × 1000 t 原煤 × 0.7143 tce/t = 1428.6 tce, whatever the column order of each file
    a = pd.DataFrame(
        {"region": ["x"], "year": [2022], "fuel": ["原煤"], "quantity": [1000.0], "unit": ["t"]}
    )
    pq.write_table(pa.Table.from_pandas(a), tmp_path / "a.parquet")
    pq.write_table(pa.Table.from_pandas(a[a.columns[::-1]]), tmp_path / "b.parquet")
    for engine in ("duckdb", "dask", "arrow"):
        out = gp.aggregate_fuel_records(str(tmp_path / "*.parquet"), engine=engine)
        assert out["energy"].tolist() == [pytest.approx(1428.6, rel=1e-12)], engine

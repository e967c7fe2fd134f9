"""validate() on fuel records: the same findings, file and row from every engine.

Records are SYNTHETIC. The corrupt folder below plants one problem per code at known
positions; Parquet rows are numbered position + 1 (docs/data-format.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import greenplan as gp

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("duckdb")
distributed = pytest.importorskip("distributed")

FUELS = [("原煤", "t"), ("天然气", "万m3"), ("电力", "kWh"), ("柴油", "t")]


def clean(n_entities: int = 30) -> pd.DataFrame:
    """One record per (entity, month, fuel) of 2023: no duplicates, nothing wrong."""
    rng = np.random.default_rng(3)
    rows = [
        (f"E{e:03d}", ["历下区", "市中区"][e % 2], 2023, m, f, u, "fuel")
        for e in range(n_entities)
        for m in range(1, 13)
        for f, u in FUELS
    ]
    out = pd.DataFrame(rows, columns=["entity", "region", "year", "month", "fuel", "unit", "use"])
    out["quantity"] = rng.gamma(2.0, 10.0, len(out)).round(3)
    return out


def corrupt() -> pd.DataFrame:
    recs = clean()
    recs.loc[10, "fuel"] = "原媒"  # unknown_fuel
    recs.loc[11, "quantity"] = -5.0  # negative_value
    recs.loc[12, "quantity"] = np.nan  # missing_value (quantity)
    recs.loc[13, "unit"] = "桶桶"  # unknown_unit (no such unit)
    recs.loc[14, "unit"] = "t"  # wrong_dimension: record 14 is 电力 (kWh), not a mass
    recs.loc[15, "use"] = "burn"  # bad_use
    recs.loc[16, "year"] = 1800  # bad_year
    recs.loc[17, "month"] = 13  # bad_month
    recs.loc[18, "entity"] = None  # missing_value (entity)
    recs.loc[20:79, "quantity"] = -1.0  # 60 more negatives: capped and summarised
    recs.loc[600] = recs.loc[599]  # record 600 becomes a copy of 599: duplicate_identical
    recs.loc[700] = recs.loc[699]
    recs.loc[700, "quantity"] = recs.loc[699, "quantity"] + 1  # duplicate_conflict
    return recs


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    path: Path = tmp_path_factory.mktemp("corrupt")
    recs = corrupt()
    for i, start in enumerate(range(0, len(recs), 500)):
        part = recs.iloc[start : start + 500].reset_index(drop=True)
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), path / f"part-{i}.parquet")
    return str(path / "*.parquet")


def _frame(report) -> pd.DataFrame:
    return report.to_frame().drop(columns=[], errors="ignore")


def test_corrupt_folder_same_findings_from_every_engine(folder):
    reports = {
        e: gp.validate(folder, engine=e, max_findings=5)
        for e in ("pandas", "duckdb", "arrow", "dask")
    }
    ref = reports["pandas"]
    for engine, report in reports.items():
        pd.testing.assert_frame_equal(_frame(report), _frame(ref), obj=engine)
        assert (report.rows_read, report.rows_accepted) == (ref.rows_read, ref.rows_accepted)


def test_corrupt_folder_findings_name_file_and_row(folder):
    report = gp.validate(folder, max_findings=5)  # DuckDB
    first = folder.replace("*", "part-0")
    found = {(f.code, f.row, f.column) for f in report if f.file == first and f.count == 1}
    # record i of part-0 is row i + 1
    for code, row, column in [
        ("unknown_fuel", 11, "fuel"),
        ("negative_value", 12, "quantity"),
        ("missing_value", 13, "quantity"),
        ("unknown_unit", 14, "unit"),
        ("wrong_dimension", 15, "unit"),
        ("bad_use", 16, "use"),
        ("bad_year", 17, "year"),
        ("bad_month", 18, "month"),
        ("missing_value", 19, "entity"),
    ]:
        assert (code, row, column) in found, code
    # 61 negatives in part-0: 5 listed, 56 summarised in one finding from row 22 on
    negatives = [f for f in report if f.code == "negative_value"]
    assert sum(f.count for f in negatives) == 61
    summary = [f for f in negatives if f.count > 1]
    assert len(summary) == 1 and summary[0].count == 56 and summary[0].row == 25
    second = folder.replace("*", "part-1")
    dups = {(f.code, f.file, f.row) for f in report if f.code.startswith("duplicate")}
    # record 600 → part-1 row 101 (600 - 500 + 1), a copy of record 599 (part-1 row 100)
    assert ("duplicate_identical", second, 101) in dups
    assert ("duplicate_conflict", second, 201) in dups
    # rows read = 30 entities × 12 months × 4 fuels; rejected: 9 planted + 60 negatives +
    # 1 conflict (the identical duplicate is a warning)
    assert report.rows_read == 1440
    assert report.rows_read - report.rows_accepted == 9 + 60 + 1


def test_clean_records_pass_and_statistics_still_go_to_the_readers():
    report = gp.validate(clean())
    assert report.ok and report.rows_accepted == report.rows_read == 1440
    stats = pd.DataFrame(
        {"地区": ["济南市"], "年份": [2020], "指标": ["gdp"], "数值": [10140.91], "单位": ["亿元"]}
    )
    assert gp.validate(stats, check_coverage=False).ok
    with pytest.raises(gp.errors.OptionError, match="Did you mean"):
        gp.validate(clean(), max_findngs=3)


def test_local_cluster_with_two_workers(folder):
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        recs = clean()
        ddf = dd.from_pandas(recs, npartitions=4)
        totals = gp.aggregate_fuel_records(ddf, by=("region", "month"))
        expected = gp.aggregate_fuel_records(recs, by=("region", "month"))
        np.testing.assert_allclose(
            totals.sort_values(["region", "month"])["energy"], expected["energy"], rtol=1e-9
        )
        assert totals["records"].sum() == 1440
        on_cluster = gp.validate(folder, engine="dask", max_findings=5)
        assert_equal = pd.testing.assert_frame_equal
        assert_equal(
            _frame(on_cluster), _frame(gp.validate(folder, engine="pandas", max_findings=5))
        )
        bad = corrupt()
        from_frame = gp.validate(dd.from_pandas(bad, npartitions=3), max_findings=5)
        assert_equal(_frame(from_frame), _frame(gp.validate(bad, max_findings=5)))

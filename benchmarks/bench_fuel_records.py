"""Benchmark: ``greenplan.aggregate_fuel_records`` against a minimal numpy floor.

Generates synthetic enterprise fuel records (entities × months × fuels × 5 years, 16 regions;
10,000,000 rows by default) with categorical ``region``/``fuel``/``unit``/``use`` columns, as
a Parquet reader with dictionary encoding would return them, and measures in the same run:

* ``aggregate_fuel_records``: ``greenplan.aggregate_fuel_records(records)`` (by region, year),
  everything included: option checks, unit and fuel resolution, missing-value checks, the
  factor table, the sums, the output frame;
* ``floor (per-row)``: the same arithmetic in bare numpy as the issue describes it: combine
  the categorical codes into a factor index and a group key, look the factors up per row and
  sum each output with a weighted ``np.bincount`` (factor table prebuilt, no checks);
* ``floor (aggregate-first)``: bare numpy with the cheaper order the library uses when groups
  are few: one ``np.bincount`` of the quantity per (group, fuel, unit, year, use) then a small
  matrix product;
* ``pandas group-by``: what a pandas user would write with the same factor table: the factors
  joined to each row (``merge`` on fuel, unit, year and use), multiplied by the quantity, then
  ``groupby(["region", "year"]).sum()`` (issue 14: greenplan was 5.7× faster than this).

Time is wall-clock, best of ``--repeat``. Peak memory is the peak of ``tracemalloc`` (numpy
reports its buffers to it) during one call, in a separate run from the timing, relative to
the input's ``memory_usage(deep=True)``. Goals: function ≤ 2× the per-row floor; peak ≤ 3× the
input. The results of the function and the floors are checked to agree.

Usage::

    python benchmarks/bench_fuel_records.py [--rows 10000000] [--repeat 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

# (fuel label as an enterprise writes it, unit); 8 fuels per entity and month
FUELS: list[tuple[str, str]] = [
    ("原煤", "t"),
    ("洗精煤", "t"),
    ("焦炭", "t"),
    ("柴油", "t"),
    ("汽油", "kg"),
    ("天然气", "万m3"),
    ("电力", "万千瓦时"),
    ("热力", "GJ"),
]
YEARS = np.arange(2020, 2025)
MONTHS = 12


def generate(rows: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic fuel records of about ``rows`` rows (entities × months × fuels × years)."""
    from greenplan.regions import REGIONS

    rng = np.random.default_rng(seed)
    regions = list(REGIONS)[:16]
    per_entity = MONTHS * len(FUELS) * len(YEARS)
    n_entities = max(1, -(-rows // per_entity))
    n = n_entities * per_entity
    # order: entity, year, month, fuel (fastest)
    entity = np.repeat(np.arange(n_entities, dtype=np.int32), per_entity)
    year = np.tile(np.repeat(YEARS, MONTHS * len(FUELS)), n_entities)
    month = np.tile(
        np.repeat(np.arange(1, MONTHS + 1, dtype=np.int8), len(FUELS)), n_entities * len(YEARS)
    )
    fuel_code = np.tile(np.arange(len(FUELS), dtype=np.int8), n // len(FUELS))
    region_of_entity = rng.integers(0, len(regions), n_entities).astype(np.int8)
    region_code = region_of_entity[entity]
    quantity = rng.gamma(2.0, 50.0, n)
    # 5 % of raw-coal and natural-gas records are feedstock
    feed = (fuel_code == 0) | (fuel_code == 5)
    feed &= rng.random(n) < 0.05
    labels = [f for f, _ in FUELS]
    unit_labels = list(dict.fromkeys(u for _, u in FUELS))
    unit_of_fuel = np.array([unit_labels.index(u) for _, u in FUELS], dtype=np.int8)
    return pd.DataFrame(
        {
            "entity": entity,
            "region": pd.Categorical.from_codes(region_code, categories=pd.Index(regions)),
            "year": year.astype(np.int64),
            "month": month,
            "fuel": pd.Categorical.from_codes(fuel_code, categories=pd.Index(labels)),
            "quantity": quantity,
            "unit": pd.Categorical.from_codes(
                unit_of_fuel[fuel_code], categories=pd.Index(unit_labels)
            ),
            "use": pd.Categorical.from_codes(
                feed.astype(np.int8), categories=pd.Index(["fuel", "feedstock"])
            ),
        }
    )


def factor_table(records: pd.DataFrame) -> np.ndarray:
    """(fuel, unit, year, use, output) factors, built with greenplan.factors (outside timing)."""
    from greenplan import factors, units

    fuel_cats = list(records["fuel"].cat.categories)
    unit_cats = list(records["unit"].cat.categories)
    table = np.zeros((len(fuel_cats), len(unit_cats), len(YEARS), 2, 6))
    for i, label in enumerate(fuel_cats):
        code = factors.resolve_fuel(label)
        assert code is not None, label  # the benchmark's fuels are in the table
        f = factors.fuels()[code]
        unit = dict(FUELS)[label]
        u = unit_cats.index(unit)
        conv = units.factor(unit, f.base_unit)
        for j, y in enumerate(YEARS):
            if f.family == "electricity":
                kgce = factors.electricity_coefficient(int(y), "equivalent")[0]
                e = kgce * units.factor("kgce/kWh", f"tce/({f.base_unit})")
                co2, slot = factors.grid_factor(int(y), "north_china").per(f.base_unit, "t"), 3
            elif f.family == "heat":
                e = factors.standard_coal()["heat"].per(f.base_unit, "tce")
                co2, slot = factors.heat_emission_factor().value, 4
            else:
                e = factors.standard_coal()[code].per(f.base_unit, "tce")
                co2, slot = factors.emission_factor(code).co2_per(f.base_unit, "t"), 2
            coal = 1.0 if f.family == "coal" else 0.0
            table[i, u, j, 0, [0, slot, 5]] = [e * conv, co2 * conv, coal * conv]
            table[i, u, j, 1, [0, 1, 5]] = [e * conv, e * conv, coal * conv]
    return table


def floor_per_row(arrays: dict[str, Any], table: np.ndarray) -> np.ndarray:
    """Bare numpy, per-row factor lookup: the floor the issue asks for."""
    f, u, y, s, r, q = (arrays[k] for k in ("fuel", "unit", "year", "use", "region", "quantity"))
    _, n_u, n_y = table.shape[:3]
    n_r = arrays["n_regions"]
    k = f.astype(np.int32)
    k *= n_u
    k += u
    k *= n_y
    k += y
    k *= 2
    k += s
    g = r.astype(np.int64)
    g *= n_y
    g += y
    flat = table.reshape(-1, 6)
    out = np.empty((n_r * n_y, 7))
    for j in range(6):
        w = flat[:, j][k]
        w *= q
        out[:, j] = np.bincount(g, weights=w, minlength=n_r * n_y)
    out[:, 6] = np.bincount(g, minlength=n_r * n_y)
    return out


def floor_aggregate_first(arrays: dict[str, Any], table: np.ndarray) -> np.ndarray:
    """Bare numpy: one bincount per (group, fuel, unit, year, use), then a matrix product."""
    f, u, y, s, r, q = (arrays[k] for k in ("fuel", "unit", "year", "use", "region", "quantity"))
    n_f, n_u, n_y = table.shape[:3]
    n_r = arrays["n_regions"]
    n_k = n_f * n_u * n_y * 2
    key = r.astype(np.int64)
    key *= n_y
    key += y
    g = key.copy()
    key *= n_f
    key += f
    key *= n_u
    key += u
    key *= n_y
    key += y
    key *= 2
    key += s
    sums = np.bincount(key, weights=q, minlength=n_r * n_y * n_k).reshape(n_r * n_y, n_k)
    out = np.empty((n_r * n_y, 7))
    out[:, :6] = sums @ table.reshape(n_k, 6)
    out[:, 6] = np.bincount(g, minlength=n_r * n_y)
    return out


def factor_frame(records: pd.DataFrame, table: np.ndarray) -> pd.DataFrame:
    """The factor table as a frame keyed by the records' own labels (outside timing)."""
    fuel_cats = records["fuel"].cat.categories
    unit_cats = records["unit"].cat.categories
    use_cats = records["use"].cat.categories
    f, u, y, s = np.meshgrid(
        np.arange(len(fuel_cats)), np.arange(len(unit_cats)), np.arange(len(YEARS)),
        np.arange(len(use_cats)), indexing="ij",
    )  # fmt: skip
    frame = pd.DataFrame(
        {
            "fuel": pd.Categorical.from_codes(f.ravel(), categories=fuel_cats),
            "unit": pd.Categorical.from_codes(u.ravel(), categories=unit_cats),
            "year": YEARS[y.ravel()],
            "use": pd.Categorical.from_codes(s.ravel(), categories=use_cats),
        }
    )
    for j, column in enumerate(OUTPUTS):
        frame[column] = table[..., j].ravel()
    return frame


OUTPUTS = ("f_energy", "f_feedstock", "f_co2_fuel", "f_co2_power", "f_co2_heat", "f_coal")
"""The six factor columns of ``factor_table``'s last axis."""


def pandas_groupby(records: pd.DataFrame, factors: pd.DataFrame) -> np.ndarray:
    """A pandas user's version: factors joined per row, multiplied, summed by region and year."""
    rows = records.merge(factors, on=["fuel", "unit", "year", "use"], how="left")
    out = rows[list(OUTPUTS)].mul(rows["quantity"], axis=0)
    out["region"], out["year"], out["records"] = rows["region"], rows["year"], 1
    sums = out.groupby(["region", "year"], observed=True).sum()
    return sums[[*OUTPUTS, "records"]].to_numpy(dtype=float)


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_memory(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="number of records")
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (best of)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from greenplan import aggregate_fuel_records

    t0 = time.perf_counter()
    records = generate(args.rows, args.seed)
    gen_s = time.perf_counter() - t0
    input_bytes = int(records.memory_usage(deep=True).sum())
    print(
        f"{len(records):,} records ({records['entity'].nunique():,} entities, 16 regions, "
        f"{len(YEARS)} years, {len(FUELS)} fuels); input {input_bytes / 2**20:,.0f} MiB; "
        f"generated in {gen_s:.1f} s"
    )

    table = factor_table(records)
    factors = factor_frame(records, table)
    arrays = {
        "fuel": records["fuel"].cat.codes.to_numpy(),
        "unit": records["unit"].cat.codes.to_numpy(),
        "use": records["use"].cat.codes.to_numpy(),
        "region": records["region"].cat.codes.to_numpy(),
        "year": (records["year"].to_numpy() - YEARS[0]).astype(np.int32),
        "quantity": records["quantity"].to_numpy(),
        "n_regions": len(records["region"].cat.categories),
    }

    def run_function() -> pd.DataFrame:
        return aggregate_fuel_records(records)

    runs = {
        "aggregate_fuel_records": run_function,
        "floor (per-row)": lambda: floor_per_row(arrays, table),
        "floor (aggregate-first)": lambda: floor_aggregate_first(arrays, table),
        "pandas group-by": lambda: pandas_groupby(records, factors),
    }
    run_function()  # warm up: factor tables, unit registry
    times: dict[str, float] = {}
    results: dict[str, Any] = {}
    for name, fn in runs.items():
        times[name], results[name] = best_time(fn, args.repeat)
    peaks = {name: peak_memory(fn) for name, fn in runs.items()}

    # the function and the floors agree (groups present in the same order: region, year)
    got = results["aggregate_fuel_records"]
    for name in ("floor (per-row)", "floor (aggregate-first)", "pandas group-by"):
        ref = results[name]
        ref = ref[ref[:, 6] > 0]
        expect = np.column_stack(
            [ref[:, 0], ref[:, 1], ref[:, 2] + ref[:, 3] + ref[:, 4], ref[:, 5], ref[:, 6]]
        )
        mine = got[["energy", "energy_feedstock", "co2", "coal", "records"]].to_numpy()
        if not np.allclose(mine, expect, rtol=1e-9):
            print(f"MISMATCH between aggregate_fuel_records and {name}", file=sys.stderr)
            return 1

    floor = times["floor (per-row)"]
    print()
    print(f"{'step':<26} {'time (s)':>9} {'÷ floor':>8} {'peak (MiB)':>11} {'÷ input':>8}")
    for name in runs:
        print(
            f"{name:<26} {times[name]:>9.3f} {times[name] / floor:>8.2f} "
            f"{peaks[name] / 2**20:>11.0f} {peaks[name] / input_bytes:>8.2f}"
        )
    ratio = times["aggregate_fuel_records"] / floor
    mem = peaks["aggregate_fuel_records"] / input_bytes
    lead = times["pandas group-by"] / times["aggregate_fuel_records"]
    print(f"\naggregate_fuel_records is {lead:.1f}× faster than the pandas group-by")
    print()
    print(
        f"goal time ≤ 2× floor: {'met' if ratio <= 2 else 'MISSED'} ({ratio:.2f}×); "
        f"goal peak ≤ 3× input: {'met' if mem <= 3 else 'MISSED'} ({mem:.2f}×)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

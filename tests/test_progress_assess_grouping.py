"""Invariants of greenplan.assess that its one-pass grouping and per-row caches must keep.

assess groups the whole table once into (indicator, region) series and parses the options
once per (kind, bound, aspirational, full_level); these tests check that doing so changes
nothing: a table assessed for all targets at once gives the rows of each target assessed
alone, the order of the input rows does not matter, and every assessed row says what
:func:`greenplan.progress.evaluate` says of its own numbers. No timing here (benchmarks/).

Input: the SYNTHETIC example data of data/examples (invented by scripts/make_examples.py,
not statistics of Jinan), computed with greenplan.compute, and its SYNTHETIC targets.toml.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenplan as gp
from greenplan.definitions import TargetKind
from greenplan.plans import default_plan
from greenplan.progress import evaluate
from greenplan.targets import load_target_config

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return gp.compute(gp.read_statistics(EXAMPLES))


@pytest.fixture(scope="module")
def targets() -> dict:
    return dict(load_target_config(EXAMPLES / "targets.toml"))


@pytest.fixture(scope="module")
def whole(values: pd.DataFrame, targets: dict) -> pd.DataFrame:
    return gp.assess(values, targets=targets)


def test_all_targets_at_once_equal_each_target_alone(
    values: pd.DataFrame, targets: dict, whole: pd.DataFrame
) -> None:
    parts = [gp.assess(values, targets={key: t}) for key, t in targets.items()]
    # a target alone may have an all-missing column (object dtype): compare as the whole types
    alone = pd.concat(parts, ignore_index=True).astype(whole.dtypes.to_dict())
    assert len(whole) == len(targets) * 13  # 43 targets + supplementary ones × 13 regions
    pd.testing.assert_frame_equal(whole, alone, check_exact=True)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_order_of_the_input_rows_does_not_matter(
    values: pd.DataFrame, targets: dict, whole: pd.DataFrame, seed: int
) -> None:
    shuffled = values.sample(frac=1.0, random_state=seed)
    pd.testing.assert_frame_equal(gp.assess(shuffled, targets=targets), whole, check_exact=True)


def test_assessed_rows_agree_with_evaluate(whole: pd.DataFrame, targets: dict) -> None:
    """Each level/change row, re-evaluated alone from its own numbers, gives the same result."""
    plan_year = default_plan().target_year
    kinds = {TargetKind.LEVEL.value, TargetKind.CHANGE_VS_BASE.value}
    rows = whole[
        whole["kind"].isin(kinds)
        & (whole["status"] != "not_assessable")
        & ~whole["notes"].str.contains("converted|implied|index", regex=True)
    ]
    assert len(rows) >= 50  # the examples assess most of these on levels
    for row in rows.itertuples(index=False):
        target = targets[row.key]
        ev = evaluate(
            baseline=row.baseline,
            current=row.latest,
            target=target.value,
            baseline_year=int(row.baseline_year),
            year=int(row.latest_year),
            target_year=target.year or plan_year,
            direction=target.direction,
            kind=target.kind,
            bound=target.bound,
            aspirational=target.aspirational,
        )
        assert (ev.status.value, ev.status_zh, ev.status_en) == (
            row.status,
            row.status_zh,
            row.status_en,
        ), row.key
        for column, got in (
            ("completion", ev.completion),
            ("gap", ev.gap),
            ("target_level", ev.target_level),
            ("required_annual_change", ev.required_annual_change),
            ("projected", ev.projected),
        ):
            expected = getattr(row, column)
            assert (got is None and pd.isna(expected)) or got == expected, (row.key, column)

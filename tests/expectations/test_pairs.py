"""Proportionate validation of the pair table: above the full-scan size, an exact summary of every row and a
sampled run of the full suite; a single bad row anywhere still stops the run."""

import polars as pl
import pytest

from benchmart.expectations import pairs as pair_checks
from benchmart.expectations.pairs import validate_pairs


def _pairs(n_models: int) -> pl.DataFrame:
    ids = [f"m{i:04d}" for i in range(n_models)]
    frame = pl.DataFrame({"model_a_id": ids}).join(pl.DataFrame({"model_b_id": ids}), how="cross").filter(
        pl.col("model_a_id") < pl.col("model_b_id"))
    return frame.with_columns(pl.lit("provisional").alias("lane"), pl.lit("A leads B.").alias("verdict"),
                              pl.lit("lead").alias("call"), pl.lit(0.93).alias("p_lead"))


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(pair_checks, "FULL_SCAN_ROWS", 1_000)
    monkeypatch.setattr(pair_checks, "SAMPLE_ROWS", 200)


def test_a_large_valid_pair_table_passes_on_its_summary_and_a_sample(small_limits):
    table = _pairs(100)  # 4,950 pairs
    out = validate_pairs(table, {"min_rows": 4_000})
    assert out.ok, out.failures
    assert out.valid.height == table.height and out.quarantine.is_empty()
    rules = {c["rule"] for c in out.checks}
    assert {"pair_key_not_unique", "verdict_missing", "head_to_head_collapsed"} <= rules
    assert any(r.endswith("(sample of 200)") for r in rules)


def _break(table: pl.DataFrame, defect: str) -> pl.DataFrame:
    last = table.height - 1  # the last row: the sample of 200 rarely holds it, the summary always does
    row = pl.int_range(pl.len()) == last
    if defect == "pair_key_not_unique":
        return pl.concat([table, table.slice(last, 1)])
    if defect == "pair_not_ordered":
        return table.with_columns(pl.when(row).then(pl.col("model_b_id")).otherwise(pl.col("model_a_id")).alias("model_a_id"),
                                  pl.when(row).then(pl.col("model_a_id")).otherwise(pl.col("model_b_id")).alias("model_b_id"))
    if defect == "verdict_missing":
        return table.with_columns(pl.when(row).then(None).otherwise(pl.col("verdict")).alias("verdict"))
    if defect == "call_unknown":
        return table.with_columns(pl.when(row).then(pl.lit("wins")).otherwise(pl.col("call")).alias("call"))
    return table.with_columns(pl.when(row).then(1.5).otherwise(pl.col("p_lead")).alias("p_lead"))


@pytest.mark.parametrize("defect", ["pair_key_not_unique", "pair_not_ordered", "verdict_missing", "call_unknown",
                                    "lead_probability_out_of_range"])
def test_one_bad_row_anywhere_in_a_large_table_stops_the_run(small_limits, defect):
    out = validate_pairs(_break(_pairs(100), defect), {"min_rows": 0})
    assert not out.ok and any(defect in f for f in out.failures), out.failures


def test_a_collapsed_large_table_stops_the_run(small_limits):
    out = validate_pairs(_pairs(100), {"min_rows": 10_000})
    assert not out.ok and any("head_to_head_collapsed" in f for f in out.failures)


def test_a_small_table_is_validated_row_by_row():
    out = validate_pairs(_break(_pairs(20), "verdict_missing"), {"min_rows": 0})
    assert not out.ok and not any("sample" in c["rule"] for c in out.checks)

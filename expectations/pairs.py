"""Validation in proportion to the pair table: every pair of a few thousand models is millions of rows.

Up to `FULL_SCAN_ROWS` rows the suite `mart_head_to_head` runs on every row, as for any table. Above it:
- the pair table's invariants are aggregated over every row by Polars (one row: rows, distinct pair keys, pairs
  out of order, missing verdicts, unknown calls, lead probabilities outside [0, 1]) and that summary is validated
  with the suite `mart_head_to_head_summary`, whose rules carry the same names as the full suite's: exact, for
  every row, at the cost of a group-by;
- the full suite runs on a seeded sample of `SAMPLE_ROWS` rows (its row-count floor moved to the summary), so
  Great Expectations itself still reads real rows of the table.
Every rule of the pair suite stops the run (none quarantines rows), which is what makes a summary enough.
"""

from functools import cache
import json
from typing import Any

import polars as pl

from benchmart.expectations.runner import SUITES_DIR, Outcome, validate

FULL_SCAN_ROWS = 100_000
SAMPLE_ROWS = 10_000


@cache
def calls() -> list[str]:
    """The calls the full suite accepts (its `call_unknown` rule): one list for both ways of validating."""
    spec = json.loads((SUITES_DIR / "mart_head_to_head.json").read_text(encoding="utf-8"))
    return next(e["kwargs"]["value_set"] for e in spec["expectations"] if e.get("meta", {}).get("rule") == "call_unknown")


def pair_summary(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pair table's invariants, counted over every row."""
    keys = pl.struct("lane", "model_a_id", "model_b_id")
    return pairs.select(
        pl.len().cast(pl.Int64).alias("rows"),
        keys.n_unique().cast(pl.Int64).alias("distinct_pairs"),
        (pl.col("model_a_id") >= pl.col("model_b_id")).sum().cast(pl.Int64).alias("pairs_not_ordered"),
        pl.col("verdict").is_null().sum().cast(pl.Int64).alias("verdicts_missing"),
        (pl.col("call").is_not_null() & ~pl.col("call").is_in(calls())).sum().cast(pl.Int64).alias("calls_unknown"),
        ((pl.col("p_lead") < 0) | (pl.col("p_lead") > 1)).sum().cast(pl.Int64).alias("p_lead_outside"),
    )


def validate_pairs(pairs: pl.DataFrame, parameters: dict[str, Any]) -> Outcome:
    """Validate mart_head_to_head: every row when small, else the exact summary plus a sampled full suite."""
    if pairs.height <= FULL_SCAN_ROWS:
        return validate(pairs, "mart_head_to_head", parameters)
    summary = validate(pair_summary(pairs), "mart_head_to_head_summary", parameters)
    sample = validate(pairs.sample(n=SAMPLE_ROWS, seed=0), "mart_head_to_head", parameters | {"min_rows": 0})
    checks = summary.checks + [c | {"rule": f"{c['rule']} (sample of {SAMPLE_ROWS:,})"} for c in sample.checks]
    return Outcome("mart_head_to_head", pairs.height, pairs, summary.quarantine, summary.failures + sample.failures, checks)

"""Compose the transforms into the tables of one snapshot. Pure: frames and the date in, frames out."""

from dataclasses import dataclass
from datetime import date

import polars as pl

from transforms.head_to_head import head_to_head, head_to_head_categories, lane_benchmark_scores, ranked_pairs
from transforms.leaderboard import leaderboard
from transforms.prices import model_dimension, model_prices, model_runtime, preferred_prices, preferred_runtime
from transforms.scoring import PROVENANCE_ORDER, benchmark_scores, category_scores, normalized_observations, overall_scores

OBSERVATION_COLUMNS = [
    "source_id",
    "model_id",
    "benchmark_id",
    "raw_value",
    "unit",
    "score",
    "observed_on",
    "provenance",
    "citation",
    "source_model_name",
]


@dataclass(frozen=True)
class Rules:
    min_categories: int = 2
    min_weight_covered: float = 0.30


def benchmark_observations(resolved_scores: pl.DataFrame, benchmarks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """fct_benchmark_observation (one row per source, model, benchmark) and the superseded duplicates.

    A source naming the same (model, benchmark) twice keeps its verified, then newest, then highest row;
    the others go to quarantine, never silently away.
    """
    ranked = (
        normalized_observations(resolved_scores, benchmarks)
        .rename({"model_name": "source_model_name"})
        .with_columns(pl.col("provenance").replace_strict(PROVENANCE_ORDER, return_dtype=pl.Int8).alias("_prov"))
        .sort(
            ["source_id", "model_id", "benchmark_id", "_prov", "observed_on", "raw_value", "source_model_name"],
            descending=[False, False, False, False, True, True, False],
            nulls_last=True,
        )
        .with_columns(pl.int_range(pl.len()).over("source_id", "model_id", "benchmark_id").alias("_dup"))
    )
    kept = ranked.filter(pl.col("_dup") == 0).select(OBSERVATION_COLUMNS)
    superseded = ranked.filter(pl.col("_dup") > 0).select(
        "source_id",
        pl.lit("transform").alias("stage"),
        pl.lit("duplicate_observation_superseded").alias("rule"),
        pl.struct(pl.col("source_model_name").alias("model_name"), pl.exclude("_prov", "_dup", "source_model_name"))
        .struct.json_encode()
        .alias("record"),
    )
    return kept, superseded


def snapshot_tables(
    snapshot_date: date,
    observations: pl.DataFrame,
    prices: pl.DataFrame,
    runtime: pl.DataFrame,
    model_facts: pl.DataFrame,
    catalog_models: pl.DataFrame,
    categories: pl.DataFrame,
    benchmarks: pl.DataFrame,
    source_priority: pl.DataFrame,
    rules: Rules = Rules(),
) -> dict[str, pl.DataFrame]:
    """Every snapshot-scoped table, keyed by table name, each with `snapshot_date` first."""
    models = model_dimension(catalog_models, model_facts, source_priority)
    scores = benchmark_scores(observations, source_priority)
    cats = pl.concat([category_scores(scores, benchmarks, lane) for lane in ("verified", "provisional")])
    overall = overall_scores(cats, categories, rules.min_categories, rules.min_weight_covered)
    fct_prices = model_prices(prices)
    fct_runtime = model_runtime(runtime, models)
    board = leaderboard(
        overall,
        preferred_prices(fct_prices, source_priority, models),
        preferred_runtime(fct_runtime, source_priority),
        models,
    )
    pairs = ranked_pairs(board)
    bench_scores = lane_benchmark_scores(scores, benchmarks)
    h2h_cats = head_to_head_categories(pairs, cats, bench_scores)
    h2h = head_to_head(pairs, board, h2h_cats, bench_scores, models, categories, benchmarks)
    tables = {
        "fct_benchmark_observation": observations,
        "fct_benchmark_score": scores.select(
            "model_id", "benchmark_id", "score", "raw_value", "source_id", "provenance", "observed_on", "citation"
        ).sort("model_id", "benchmark_id"),
        "fct_model_price": fct_prices.sort("model_id", "source_id", "provider"),
        "fct_model_runtime": fct_runtime.sort("model_id", "source_id"),
        "mart_category_score": cats,
        "mart_leaderboard": board,
        "mart_head_to_head": h2h,
        "mart_head_to_head_category": h2h_cats,
    }
    stamp = pl.lit(snapshot_date, pl.Date).alias("snapshot_date")
    return {name: frame.select(stamp, pl.all()) for name, frame in tables.items()} | {"dim_model": models}

"""Compose the transforms into the tables of one snapshot. Pure: frames and the date in, frames out."""

from dataclasses import dataclass
from datetime import date

import polars as pl

from transforms.head_to_head import head_to_head, head_to_head_categories, lane_benchmark_scores, ranked_pairs
from transforms.leaderboard import leaderboard
from transforms.prices import model_dimension, model_prices, model_runtime, preferred_prices, preferred_runtime
from transforms.scoring import (
    PROVENANCE_ORDER,
    benchmark_scores,
    category_scores,
    lane_scores,
    normalized_observations,
    overall_scores,
    variant_ranks,
    with_variant_rank,
)

OBSERVATION_COLUMNS = [
    "source_id",
    "model_id",
    "benchmark_id",
    "variant",
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


def benchmark_observations(
    resolved_scores: pl.DataFrame, benchmarks: pl.DataFrame, ranks: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """fct_benchmark_observation (one row per source, model, benchmark) and the superseded rows.

    A source naming the same (model, benchmark) twice (two runs, or two variants of the model) keeps
    its verified, then best-declared-variant, then newest, then highest row; the others go to
    quarantine as `variant_superseded` or `duplicate_observation_superseded`, never silently away.
    """
    ranked = (
        normalized_observations(resolved_scores, benchmarks)
        .rename({"model_name": "source_model_name"})
        .pipe(with_variant_rank, ranks)
        .with_columns(pl.col("provenance").replace_strict(PROVENANCE_ORDER, return_dtype=pl.Int8).alias("_prov"))
        .sort(
            ["source_id", "model_id", "benchmark_id", "_prov", "variant_rank", "observed_on", "raw_value", "source_model_name"],
            descending=[False, False, False, False, False, True, True, False],
            nulls_last=True,
        )
        .with_columns(
            pl.int_range(pl.len()).over("source_id", "model_id", "benchmark_id").alias("_dup"),
            pl.col("variant").first().over("source_id", "model_id", "benchmark_id").alias("_kept_variant"),
        )
    )
    kept = ranked.filter(pl.col("_dup") == 0).select(OBSERVATION_COLUMNS)
    same_variant = pl.col("variant").eq_missing(pl.col("_kept_variant"))
    superseded = ranked.filter(pl.col("_dup") > 0).select(
        "source_id",
        pl.lit("transform").alias("stage"),
        pl.when(same_variant).then(pl.lit("duplicate_observation_superseded")).otherwise(pl.lit("variant_superseded")).alias("rule"),
        pl.struct(pl.col("source_model_name").alias("model_name"), pl.exclude("_prov", "_dup", "_kept_variant", "variant_rank", "source_model_name"))
        .struct.json_encode()
        .alias("record"),
    )
    return kept, superseded


def leaderboard_notes(scores: pl.DataFrame, benchmarks: pl.DataFrame, board: pl.DataFrame, freshness: pl.DataFrame) -> pl.DataFrame:
    """Per (lane, model): which variants the scores come from, and which of the model's sources are stale.

    `freshness`: (source_id, status) for this run; stale and missing sources are named."""
    weighted = benchmarks.filter(pl.col("is_weighted")).select("benchmark_id")
    used = pl.concat(
        [
            lane_scores(scores, lane).join(weighted, on="benchmark_id").select(pl.lit(lane).alias("lane"), "model_id", "variant", "source_id")
            for lane in ("verified", "provisional")
        ]
    )
    variants = used.group_by("lane", "model_id").agg(
        pl.col("variant").drop_nulls().unique().sort().str.join(", ").alias("variants")
    ).with_columns(pl.when(pl.col("variants") == "").then(None).otherwise(pl.col("variants")).alias("variants"))
    stale = freshness.filter(pl.col("status").is_in(["stale", "missing"])).select("source_id")
    sources = pl.concat(
        [
            used.select("lane", "model_id", "source_id"),
            board.select("lane", "model_id", pl.col("price_source_id").alias("source_id")),
            board.select("lane", "model_id", pl.col("runtime_source_id").alias("source_id")),
        ]
    ).drop_nulls("source_id").join(stale, on="source_id", how="semi")
    stale_by_model = sources.group_by("lane", "model_id").agg(pl.col("source_id").unique().sort().str.join(", ").alias("stale_sources"))
    return board.join(variants, on=["lane", "model_id"], how="left").join(stale_by_model, on=["lane", "model_id"], how="left")


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
    freshness: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """Every snapshot-scoped table, keyed by table name, each with `snapshot_date` first.

    `freshness`: (source_id, status) of this run's sources, for the leaderboard's stale_sources."""
    freshness = freshness if freshness is not None else pl.DataFrame(schema={"source_id": pl.String, "status": pl.String})
    models = model_dimension(catalog_models, model_facts, source_priority)
    scores = benchmark_scores(observations, source_priority, variant_ranks(catalog_models))
    cats = pl.concat([category_scores(scores, benchmarks, lane) for lane in ("verified", "provisional")])
    overall = overall_scores(cats, categories, rules.min_categories, rules.min_weight_covered)
    fct_prices = model_prices(prices)
    fct_runtime = model_runtime(runtime, models)
    board = leaderboard(
        overall,
        preferred_prices(fct_prices, source_priority, models),
        preferred_runtime(fct_runtime, source_priority),
        models,
    ).pipe(lambda b: leaderboard_notes(scores, benchmarks, b, freshness))
    pairs = ranked_pairs(board)
    bench_scores = lane_benchmark_scores(scores, benchmarks)
    h2h_cats = head_to_head_categories(pairs, cats, bench_scores)
    h2h = head_to_head(pairs, board, h2h_cats, bench_scores, models, categories, benchmarks)
    tables = {
        "fct_benchmark_observation": observations,
        "fct_benchmark_score": scores.select(
            "model_id", "benchmark_id", "variant", "score", "raw_value", "source_id", "provenance", "observed_on", "citation"
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

"""Helpers of the two head-to-head tables: which pairs, the benchmarks both models have, the largest gap."""

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules


def comparable_pairs(mart_leaderboard: pl.LazyFrame, rules: RankRules = DEFAULT_RULES) -> pl.LazyFrame:
    """Every unordered pair of comparable models per lane, model_a_id < model_b_id: models with the breadth a
    comparison needs (rules.min_categories categories, rules.min_weight_covered of the weight), ranked or below
    the benchmark floors (their verdicts say when the shared evidence is too thin to call a leader)."""
    ranked = mart_leaderboard.filter(
        (pl.col("categories_covered") >= rules.min_categories) & (pl.col("weight_covered") >= rules.min_weight_covered - 1e-9)
    ).select("lane", "model_id")
    return (
        ranked.rename({"model_id": "model_a_id"})
        .join_where(
            ranked.rename({"lane": "lane_b", "model_id": "model_b_id"}),
            pl.col("lane") == pl.col("lane_b"),
            pl.col("model_a_id") < pl.col("model_b_id"),
        )
        .select("lane", "model_a_id", "model_b_id")
        .sort("lane", "model_a_id", "model_b_id")
    )


def shared_benchmarks(pairs: pl.LazyFrame, bench_scores: pl.LazyFrame) -> pl.LazyFrame:
    """(pair, benchmark, category, bench_a, bench_b, _gap) over the weighted benchmarks both models have."""
    a = bench_scores.rename({"model_id": "model_a_id", "score": "bench_a"})
    b = bench_scores.rename({"model_id": "model_b_id", "score": "bench_b"}).drop("category_id")
    return (
        pairs.join(a, on=["lane", "model_a_id"])
        .join(b, on=["lane", "model_b_id", "benchmark_id"])
        .with_columns((pl.col("bench_a") - pl.col("bench_b")).abs().alias("_gap"))
    )


def largest_gap(frame: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Per `keys`, the row with the largest `_gap` (ties: the smaller benchmark_id)."""
    return frame.sort([*keys, "_gap", "benchmark_id"], descending=[*([False] * len(keys)), True, False]).unique(
        keys, keep="first", maintain_order=True
    )

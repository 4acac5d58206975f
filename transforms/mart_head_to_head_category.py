"""mart_head_to_head_category: per pair and shared category, a/b/diff, the benchmark both have with the largest
gap, and whether both averages rest on the same benchmarks (if not, comparing them is apples to oranges)."""

import polars as pl

from benchmart.transforms.pairs import largest_gap, shared_benchmarks

KEYS = ["lane", "model_a_id", "model_b_id", "category_id"]


def mart_head_to_head_category(pairs: pl.LazyFrame, mart_category_score: pl.LazyFrame, bench_scores: pl.LazyFrame) -> pl.LazyFrame:
    """`pairs`: (lane, model_a_id, model_b_id); `bench_scores`: fct_benchmark_score per lane (lane_benchmark_scores)."""
    cs = mart_category_score.select("lane", "model_id", "category_id", "score", "n_benchmarks")
    shared = pairs.join(
        cs.rename({"model_id": "model_a_id", "score": "score_a", "n_benchmarks": "n_a"}), on=["lane", "model_a_id"]
    ).join(
        cs.rename({"model_id": "model_b_id", "score": "score_b", "n_benchmarks": "n_b"}),
        on=["lane", "model_b_id", "category_id"],
    )
    common = shared_benchmarks(pairs, bench_scores)
    top = largest_gap(common, KEYS).select(*KEYS, pl.col("benchmark_id").alias("top_benchmark_id"))
    n_common = common.group_by(KEYS).agg(pl.len().alias("_n_common"))
    return (
        shared.join(top, on=KEYS, how="left")
        .join(n_common, on=KEYS, how="left")
        .with_columns(
            (pl.col("score_a") - pl.col("score_b")).round(6).alias("diff"),
            ((pl.col("_n_common").fill_null(0) == pl.col("n_a")) & (pl.col("n_a") == pl.col("n_b"))).alias("same_benchmarks"),
        )
        .select(*KEYS, "score_a", "score_b", "diff", "top_benchmark_id", "same_benchmarks")
        .sort(KEYS)
    )

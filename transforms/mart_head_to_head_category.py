"""mart_head_to_head_category: per pair and shared category, a/b/diff, the benchmark both have with the largest
gap, and whether both averages rest on the same benchmarks (if not, comparing them is apples to oranges).
The figures come from the dense pair computation in transforms/pairs.py."""

import polars as pl

from benchmart.transforms.pairs import pair_figures

KEYS = ["lane", "model_a_id", "model_b_id", "category_id"]


def mart_head_to_head_category(pairs: pl.LazyFrame, mart_category_score: pl.LazyFrame, bench_scores: pl.LazyFrame) -> pl.LazyFrame:
    """`pairs`: (lane, model_a_id, model_b_id); `bench_scores`: fct_benchmark_score per lane (lane_benchmark_scores)."""
    return pair_figures(*pl.collect_all([pairs, bench_scores, mart_category_score]))[1].lazy()

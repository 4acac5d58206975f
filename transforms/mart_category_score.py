"""mart_category_score: per lane, the mean of a model's normalized scores on each category's weighted
benchmarks, with how many benchmarks stand behind it, the coverage of the category and the benchmark
releases behind it."""

import polars as pl

from benchmart.contracts import LANES
from benchmart.transforms.fct_benchmark_score import lane_scores
from benchmart.transforms.preference import in_value_order


def mart_category_score(fct_benchmark_score: pl.LazyFrame, dim_benchmark: pl.LazyFrame) -> pl.LazyFrame:
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id", "category_id")
    per_category = weighted.group_by("category_id").agg(pl.len().alias("_n_weighted"))
    return pl.concat(
        [
            lane_scores(fct_benchmark_score, lane)
            .join(weighted, on="benchmark_id", how="inner")
            .group_by("model_id", "category_id")
            .agg(
                in_value_order(pl.col("score")).list.mean().round(6).alias("score"), pl.len().cast(pl.Int64).alias("n_benchmarks"),
                pl.col("release").drop_nulls().unique().sort().str.join(", ").alias("releases"),
            )
            .join(per_category, on="category_id")
            .select(
                pl.lit(lane).alias("lane"), "model_id", "category_id", "score", "n_benchmarks",
                (pl.col("n_benchmarks") / pl.col("_n_weighted")).alias("coverage"),
                pl.when(pl.col("releases") != "").then(pl.col("releases")).alias("releases"),
            )
            for lane in LANES
        ]
    ).sort("lane", "model_id", "category_id")

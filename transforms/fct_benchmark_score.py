"""fct_benchmark_score: the chosen observation per (model, benchmark), and the lane rule that reads it."""

import polars as pl

from benchmart.contracts import LANES
from benchmart.transforms.preference import best_first, primary_setting

COLUMNS = ["model_id", "benchmark_id", "variant", "score", "raw_value", "source_id", "provenance", "observed_on", "citation",
           "release", "harness"]


def fct_benchmark_score(
    fct_benchmark_observation: pl.LazyFrame, dim_source: pl.LazyFrame, variant_ranks: pl.DataFrame | None = None
) -> pl.LazyFrame:
    """One row per (model, benchmark): the preferred observation across sources (transforms.preference), in
    the model's primary setting where a source has it.

    `generated` rows are stored as observations but never chosen, so never ranked."""
    return (
        fct_benchmark_observation.filter(pl.col("provenance") != "generated")
        .pipe(primary_setting, variant_ranks)
        .pipe(best_first, ["model_id", "benchmark_id"], dim_source, variant_ranks)
        .unique(["model_id", "benchmark_id"], keep="first", maintain_order=True)
        .select(COLUMNS)
        .sort("model_id", "benchmark_id")
    )


def lane_scores(fct_benchmark_score: pl.LazyFrame, lane: str) -> pl.LazyFrame:
    """The verified lane uses verified rows only; the provisional lane uses all chosen rows."""
    return fct_benchmark_score.filter(pl.col("provenance") == "verified") if lane == "verified" else fct_benchmark_score


def lane_benchmark_scores(fct_benchmark_score: pl.LazyFrame, dim_benchmark: pl.LazyFrame) -> pl.LazyFrame:
    """(lane, model, benchmark, category, score) over weighted benchmarks, every lane."""
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id", "category_id")
    return pl.concat(
        [
            lane_scores(fct_benchmark_score, lane).join(weighted, on="benchmark_id").select(
                pl.lit(lane).alias("lane"), "model_id", "benchmark_id", "category_id", "score"
            )
            for lane in LANES
        ]
    )

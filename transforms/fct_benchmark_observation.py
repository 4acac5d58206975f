"""fct_benchmark_observation: every observation on a 0..100 higher-is-better scale, one per source, model
and benchmark; a source's extra rows for the same (model, benchmark) are returned for quarantine."""

import polars as pl

from benchmart.transforms.preference import best_first

COLUMNS = ["source_id", "model_id", "benchmark_id", "variant", "raw_value", "unit", "score", "observed_on", "provenance",
           "citation", "source_model_name"]


def normalized(observations: pl.LazyFrame, dim_benchmark: pl.LazyFrame) -> pl.LazyFrame:
    """Add `score`: fraction x100; percent as is; lower-is-better 100 - x; explicit (x - min) / (max - min);
    elo min-max over the observations of that benchmark in this snapshot (null when they span no range).
    A row's own `unit` overrides the benchmark's declared scale. Out-of-range results stay as they are,
    for validation to quarantine."""
    bench = dim_benchmark.select("benchmark_id", "scale", "scale_min", "scale_max", "higher_is_better")
    elo_min = pl.col("raw_value").min().over("benchmark_id")
    elo_max = pl.col("raw_value").max().over("benchmark_id")
    scale = pl.coalesce(pl.col("unit"), pl.col("scale"))
    upward = (
        pl.when(scale == "fraction")
        .then(pl.col("raw_value") * 100)
        .when(scale == "percent")
        .then(pl.col("raw_value"))
        .when(scale == "explicit")
        .then((pl.col("raw_value") - pl.col("scale_min")) / (pl.col("scale_max") - pl.col("scale_min")) * 100)
        .when((scale == "elo") & (elo_max > elo_min))
        .then((pl.col("raw_value") - elo_min) / (elo_max - elo_min) * 100)
        .otherwise(None)
    )
    score = pl.when(pl.col("higher_is_better")).then(upward).otherwise(100 - upward)
    return (
        observations.join(bench, on="benchmark_id", how="left")
        .with_columns(score.round(6).alias("score"))
        .drop("scale", "scale_min", "scale_max", "higher_is_better")
    )


def fct_benchmark_observation(
    resolved_scores: pl.LazyFrame, dim_benchmark: pl.LazyFrame, dim_source: pl.LazyFrame, variant_ranks: pl.DataFrame | None = None
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(the table, the superseded rows as quarantine records).

    A source naming the same (model, benchmark) twice (two runs, or two variants of the model) keeps
    its preferred row (transforms.preference); the others go to quarantine as `variant_superseded` or
    `duplicate_observation_superseded`, never silently away."""
    keys = ["source_id", "model_id", "benchmark_id"]
    ranked = (
        normalized(resolved_scores, dim_benchmark)
        .rename({"model_name": "source_model_name"})
        .pipe(best_first, keys, dim_source, variant_ranks)
        .with_columns(
            pl.int_range(pl.len()).over(keys).alias("_dup"),
            pl.col("variant").first().over(keys).alias("_kept_variant"),
        )
    )
    kept = ranked.filter(pl.col("_dup") == 0).select(COLUMNS)
    same_variant = pl.col("variant").eq_missing(pl.col("_kept_variant"))
    superseded = ranked.filter(pl.col("_dup") > 0).select(
        "source_id",
        pl.lit("transform").alias("stage"),
        pl.when(same_variant).then(pl.lit("duplicate_observation_superseded")).otherwise(pl.lit("variant_superseded")).alias("rule"),
        pl.struct(pl.col("source_model_name").alias("model_name"), pl.exclude(*_RANKING, "source_model_name"))
        .struct.json_encode()
        .alias("record"),
    )
    return kept, superseded



_RANKING = ("_prov", "priority", "variant_rank", "_dup", "_kept_variant")  # helper columns, not part of a record

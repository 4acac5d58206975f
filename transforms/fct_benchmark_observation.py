"""fct_benchmark_observation: every observation on a 0..100 higher-is-better scale, one per source, model
and benchmark; a source's extra rows for the same (model, benchmark) are returned for quarantine."""

import polars as pl

from benchmart.transforms.preference import best_first

COLUMNS = ["source_id", "model_id", "benchmark_id", "variant", "raw_value", "unit", "score", "observed_on", "provenance",
           "citation", "source_model_name", "release", "harness"]


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


def unit_suspect() -> pl.Expr:
    """True where a value contradicts the scale it is read on, so publishing it would be wrong, not just low:
    above 100 on a percent scale (Elo-like numbers included), above 1 on a fraction scale, or, on a percent
    benchmark whose unit the source does not state, every value of that source for that benchmark within
    (0, 1] (fractions published as percent) when the source has two or more such values or the values other
    sources give for the benchmark are above 5 in the median. Needs the benchmark's `scale` joined."""
    scale = pl.coalesce(pl.col("unit"), pl.col("scale"))
    group = ["source_id", "benchmark_id"]
    group_max = pl.col("raw_value").max().over(group)
    several = pl.len().over(group) >= 2
    elsewhere_higher = (pl.col("raw_value").filter(pl.col("raw_value") > 1).median().over("benchmark_id") > 5).fill_null(False)
    fractions_as_percent = (
        (scale == "percent") & pl.col("unit").is_null() & (group_max <= 1) & (group_max > 0) & (several | elsewhere_higher)
    )
    return ((scale == "percent") & (pl.col("raw_value") > 100)) | ((scale == "fraction") & (pl.col("raw_value") > 1)) | fractions_as_percent


def fct_benchmark_observation(
    resolved_scores: pl.LazyFrame, dim_benchmark: pl.LazyFrame, dim_source: pl.LazyFrame, variant_ranks: pl.DataFrame | None = None
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(the table, the rows left out as quarantine records).

    A value whose range contradicts the benchmark's scale is quarantined as `unit_suspect` (unit_suspect()).
    A source naming the same (model, benchmark) twice (two runs, or two variants of the model) keeps
    its preferred row (transforms.preference); the others go to quarantine as `variant_superseded` or
    `duplicate_observation_superseded`, never silently away."""
    keys = ["source_id", "model_id", "benchmark_id"]
    scales = dim_benchmark.select("benchmark_id", "scale")
    checked = (
        normalized(resolved_scores, dim_benchmark)
        .rename({"model_name": "source_model_name"})
        .join(scales, on="benchmark_id", how="left")
        .with_columns(unit_suspect().fill_null(False).alias("_unit_suspect"))
        .drop("scale")
    )
    suspect = checked.filter(pl.col("_unit_suspect")).drop("_unit_suspect")
    ranked = (
        checked.filter(~pl.col("_unit_suspect"))
        .drop("_unit_suspect")
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
        _record(),
    )
    unit_rows = suspect.select("source_id", pl.lit("transform").alias("stage"), pl.lit("unit_suspect").alias("rule"), _record())
    return kept, pl.concat([unit_rows, superseded])


def _record() -> pl.Expr:
    """The quarantined row as the source gave it (helper columns left out)."""
    return pl.struct(pl.col("source_model_name").alias("model_name"), pl.exclude(*_RANKING, "source_model_name", "stage", "rule")) \
        .struct.json_encode().alias("record")



_RANKING = ("_older_release", "_prov", "priority", "variant_rank", "_dup", "_kept_variant")  # helper columns, not part of a record

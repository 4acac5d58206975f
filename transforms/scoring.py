"""Scores: normalize to 0..100, pick the best observation, category and overall scores, rank."""

import polars as pl

PROVENANCE_ORDER = {"verified": 0, "unverified": 1, "generated": 2}
UNSTATED_VARIANT_RANK = 500  # after a model's declared variants, before undeclared ones
UNDECLARED_VARIANT_RANK = 1000


def variant_ranks(models: pl.DataFrame) -> pl.DataFrame:
    """(model_id, variant, variant_rank): the catalog's declared variants, best first (0)."""
    return (
        models.select("model_id", pl.col("variants").fill_null([]))
        .explode("variants")
        .drop_nulls("variants")
        .select("model_id", pl.col("variants").str.to_lowercase().alias("variant"),
                pl.int_range(pl.len()).over("model_id").cast(pl.Int64).alias("variant_rank"))
    )


NO_DECLARED_VARIANTS = pl.DataFrame(schema={"model_id": pl.String, "variant": pl.String, "variant_rank": pl.Int64})


def with_variant_rank(frame: pl.DataFrame, ranks: pl.DataFrame | None) -> pl.DataFrame:
    """Add `variant_rank`: declared variants in order, then the unstated default, then undeclared ones.

    `ranks` is `variant_ranks(models)`; None means no model declares variants."""
    ranks = NO_DECLARED_VARIANTS if ranks is None else ranks
    return frame.join(ranks, on=["model_id", "variant"], how="left").with_columns(
        pl.when(pl.col("variant").is_null())
        .then(UNSTATED_VARIANT_RANK)
        .otherwise(pl.col("variant_rank").fill_null(UNDECLARED_VARIANT_RANK))
        .alias("variant_rank")
    )


def _effective_scale() -> pl.Expr:
    return pl.coalesce(pl.col("unit"), pl.col("scale"))


def normalized_observations(observations: pl.DataFrame, benchmarks: pl.DataFrame) -> pl.DataFrame:
    """Add `score`: every observation on a 0..100, higher-is-better scale.

    fraction x100; percent as is; lower-is-better 100 - x; explicit (x - min) / (max - min);
    elo min-max over the observations of that benchmark in this snapshot (null when they
    span no range). Out-of-range results stay as they are, for validation to quarantine.
    """
    bench = benchmarks.select("benchmark_id", "scale", "scale_min", "scale_max", "higher_is_better")
    joined = observations.join(bench, on="benchmark_id", how="left")
    elo_min = pl.col("raw_value").min().over("benchmark_id")
    elo_max = pl.col("raw_value").max().over("benchmark_id")
    scale = _effective_scale()
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
    return joined.with_columns(score.round(6).alias("score")).drop("scale", "scale_min", "scale_max", "higher_is_better")


def benchmark_scores(observations: pl.DataFrame, source_priority: pl.DataFrame, ranks: pl.DataFrame | None = None) -> pl.DataFrame:
    """The chosen observation per (model, benchmark): verified first, then source priority, then the
    model's best declared variant, then newest.

    `generated` rows are stored as observations but never chosen, so never ranked.
    Ties after that break on source id and value, so the choice is deterministic.
    """
    if "variant" not in observations.columns:
        observations = observations.with_columns(pl.lit(None, pl.String).alias("variant"))
    return (
        observations.filter(pl.col("provenance") != "generated")
        .join(source_priority.select("source_id", "priority"), on="source_id", how="left")
        .pipe(with_variant_rank, ranks)
        .with_columns(pl.col("provenance").replace_strict(PROVENANCE_ORDER, return_dtype=pl.Int8).alias("_prov"))
        .sort(
            ["model_id", "benchmark_id", "_prov", "priority", "variant_rank", "observed_on", "source_id", "raw_value"],
            descending=[False, False, False, True, False, True, False, True],
            nulls_last=True,
        )
        .unique(["model_id", "benchmark_id"], keep="first", maintain_order=True)
        .drop("_prov", "priority", "variant_rank")
    )


def lane_scores(scores: pl.DataFrame, lane: str) -> pl.DataFrame:
    """The verified lane uses verified rows only; the provisional lane uses all chosen rows."""
    return scores.filter(pl.col("provenance") == "verified") if lane == "verified" else scores


def category_scores(scores: pl.DataFrame, benchmarks: pl.DataFrame, lane: str) -> pl.DataFrame:
    """Mean of a model's normalized scores on each category's weighted benchmarks, with coverage."""
    weighted = benchmarks.filter(pl.col("is_weighted")).select("benchmark_id", "category_id")
    per_category = weighted.group_by("category_id").agg(pl.len().alias("_n_weighted"))
    return (
        lane_scores(scores, lane)
        .join(weighted, on="benchmark_id", how="inner")
        .group_by("model_id", "category_id")
        .agg(pl.col("score").mean().round(6).alias("score"), pl.len().cast(pl.Int64).alias("n_benchmarks"))
        .join(per_category, on="category_id")
        .with_columns(
            pl.lit(lane).alias("lane"),
            (pl.col("n_benchmarks") / pl.col("_n_weighted")).alias("coverage"),
        )
        .select("lane", "model_id", "category_id", "score", "n_benchmarks", "coverage")
        .sort("lane", "model_id", "category_id")
    )


def overall_scores(
    categories_scored: pl.DataFrame, categories: pl.DataFrame, min_categories: int = 2, min_weight: float = 0.30
) -> pl.DataFrame:
    """Weighted mean over the categories a model has; ranked only with enough breadth; rank per lane.

    Ties share the lower rank (1, 2, 2, 4); rows are ordered by score, then model id.
    """
    weights = categories.select("category_id", "weight")
    overall = (
        categories_scored.join(weights, on="category_id")
        .group_by("lane", "model_id")
        .agg(
            ((pl.col("weight") * pl.col("score")).sum() / pl.col("weight").sum()).alias("overall_score"),
            pl.len().cast(pl.Int64).alias("categories_covered"),
            pl.col("weight").sum().alias("weight_covered"),
        )
        .with_columns(
            pl.col("overall_score").round(6),
            pl.col("weight_covered").round(6),
        )
        .with_columns(
            ((pl.col("categories_covered") >= min_categories) & (pl.col("weight_covered") >= min_weight - 1e-9)).alias(
                "is_ranked"
            )
        )
    )
    ranked = overall.filter(pl.col("is_ranked")).with_columns(
        pl.col("overall_score").rank(method="min", descending=True).over("lane").cast(pl.Int64).alias("rank")
    )
    unranked = overall.filter(~pl.col("is_ranked")).with_columns(pl.lit(None, pl.Int64).alias("rank"))
    return pl.concat([ranked, unranked]).sort(
        ["lane", "is_ranked", "overall_score", "model_id"], descending=[False, True, True, False], nulls_last=True
    )

"""How well the rankings agree with evidence they did not see, and how calibrated the verdicts are.

Leave-one-source-out: for every scoring source that covers enough models, rank the models from all *other*
sources (by the overall score and by the index, each rebuilt without the source) and compare with the source's
own ranking (each model's mean normalized score on the source's weighted benchmarks) by Spearman's rho. The
measure that agrees better with held-out evidence is the better default for `rank` (docs/methodology.md).

Calibration: per verdict class, how often the model ahead stays ahead across the bootstrap resamples.
"""

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms import ability
from benchmart.transforms.fct_benchmark_score import fct_benchmark_score, lane_scores
from benchmart.transforms.mart_category_score import mart_category_score
from benchmart.transforms.mart_leaderboard import ranked

LOSO = {"source_id": pl.String, "models": pl.Int64, "rho_overall": pl.Float64, "rho_index": pl.Float64}


def standings(fct_benchmark_score_: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame, lane: str,
              rules: RankRules = DEFAULT_RULES) -> pl.DataFrame:
    """(model_id, overall_score, index_score, is_ranked) of one lane, from chosen scores."""
    cats = mart_category_score(fct_benchmark_score_.lazy(), dim_benchmark.lazy()).filter(pl.col("lane") == lane)
    board = ranked(cats, dim_category.lazy(), rules).collect().select("model_id", "overall_score", "is_ranked")
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id", "category_id")
    cells = lane_scores(fct_benchmark_score_.lazy(), lane).collect().join(weighted, on="benchmark_id").select(
        "model_id", "benchmark_id", "category_id", "score")
    fit = ability.fit(cells, dim_category.select("category_id", "weight"))
    if fit is None:
        return board.with_columns(pl.lit(None, pl.Float64).alias("index_score"))
    index = pl.DataFrame({"model_id": fit.model_ids, "index_score": fit.index(fit.theta)})
    return board.join(index, on="model_id", how="left")


def leave_one_source_out(
    observations: pl.DataFrame, dim_source: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame,
    lane: str = "provisional", min_models: int = 10, rules: RankRules = DEFAULT_RULES, ranked_only: bool = False,
) -> pl.DataFrame:
    """Per scoring source with >= `min_models` models on weighted benchmarks: Spearman's rho between its own
    ranking and the overall / the index rebuilt from every other source (`ranked_only`: only models that meet
    the evidence floors without the source). `observations`: fct_benchmark_observation rows of one snapshot."""
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id")
    usable = observations.filter(pl.col("provenance") != "generated")
    if lane == "verified":
        usable = usable.filter(pl.col("provenance") == "verified")
    own = usable.join(weighted, on="benchmark_id")
    covered = own.group_by("source_id").agg(pl.col("model_id").n_unique().alias("n")).filter(pl.col("n") >= min_models)
    rows = []
    for source in sorted(covered["source_id"].to_list()):
        held = own.filter(pl.col("source_id") == source).group_by("model_id", "benchmark_id").agg(pl.col("score").mean()).group_by(
            "model_id").agg(pl.col("score").mean().alias("source_score"))
        rest = fct_benchmark_score(observations.filter(pl.col("source_id") != source).lazy(), dim_source.lazy()).collect()
        board = standings(rest, dim_benchmark, dim_category, lane, rules)
        if ranked_only:
            board = board.filter(pl.col("is_ranked"))
        both = held.join(board, on="model_id")
        rho = both.select(
            pl.len().cast(pl.Int64).alias("models"),
            pl.corr("source_score", "overall_score", method="spearman").alias("rho_overall"),
            pl.corr("source_score", "index_score", method="spearman").alias("rho_index"),
        ).row(0, named=True)
        rows.append({"source_id": source} | rho)
    return pl.DataFrame(rows, schema=LOSO)


def calibration(mart_head_to_head: pl.DataFrame) -> pl.DataFrame:
    """Per (lane, call): pairs, and the share of resamples in which the model ahead stays ahead (mean, min)."""
    return (
        mart_head_to_head.group_by("lane", "call")
        .agg(pl.len().alias("pairs"), pl.col("p_lead").mean().alias("mean_p_lead"), pl.col("p_lead").min().alias("min_p_lead"))
        .sort("lane", "call")
    )

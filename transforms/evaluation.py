"""How well the rankings agree with evidence they did not see, and how calibrated the verdicts are.

Leave-one-source-out: for every scoring source that covers enough models, rank the models from all *other*
sources (by the overall score and by the index, each rebuilt without the source) and compare with the source's
own ranking (each model's mean normalized score on the source's weighted benchmarks) by Spearman's rho. The
measure that agrees better with held-out evidence is the better default for `rank` (docs/methodology.md).

Calibration: per verdict class, how often the model ahead stays ahead across the bootstrap resamples (in
sample), and how often it is also ahead on a held-out source's benchmarks (out of sample: the call is made
from every other source, then checked on the benchmarks both models have in the held-out one).
"""

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms import ability
from benchmart.transforms.fct_benchmark_score import fct_benchmark_score, lane_benchmark_scores, lane_scores
from benchmart.transforms.mart_category_score import mart_category_score
from benchmart.transforms.mart_head_to_head import call
from benchmart.transforms.mart_leaderboard import ranked
from benchmart.transforms.pairs import pair_figures
from benchmart.transforms.preference import in_value_order
from benchmart.transforms.uncertainty import lead_probability, resample

LOSO = {"source_id": pl.String, "models": pl.Int64, "rho_overall": pl.Float64, "rho_index": pl.Float64}


def overall(fct_benchmark_score_: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame, lane: str,
            rules: RankRules = DEFAULT_RULES) -> pl.DataFrame:
    """(model_id, overall_score, is_ranked) of one lane, from chosen scores."""
    cats = mart_category_score(fct_benchmark_score_.lazy(), dim_benchmark.lazy()).filter(pl.col("lane") == lane)
    return ranked(cats, dim_category.lazy(), rules).collect().select("model_id", "overall_score", "is_ranked")


def standings(fct_benchmark_score_: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame, lane: str,
              rules: RankRules = DEFAULT_RULES) -> pl.DataFrame:
    """(model_id, overall_score, is_ranked, index_score) of one lane, from chosen scores."""
    board = overall(fct_benchmark_score_, dim_benchmark, dim_category, lane, rules)
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id", "category_id")
    cells = lane_scores(fct_benchmark_score_.lazy(), lane).collect().join(weighted, on="benchmark_id").select(
        "model_id", "benchmark_id", "category_id", "score")
    fit = ability.fit(cells, dim_category.select("category_id", "weight"))
    if fit is None:
        return board.with_columns(pl.lit(None, pl.Float64).alias("index_score"))
    index = pl.DataFrame({"model_id": fit.model_ids, "index_score": fit.index(fit.theta)})
    return board.join(index, on="model_id", how="left")


def held_out(observations: pl.DataFrame, dim_source: pl.DataFrame, dim_benchmark: pl.DataFrame, lane: str, min_models: int):
    """Per scoring source with >= `min_models` models on weighted benchmarks (in source order): (source id, its own
    mean score per model and weighted benchmark, the chosen scores from every other source)."""
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id")
    usable = observations.filter(pl.col("provenance") != "generated")
    if lane == "verified":
        usable = usable.filter(pl.col("provenance") == "verified")
    own = usable.join(weighted, on="benchmark_id")
    covered = own.group_by("source_id").agg(pl.col("model_id").n_unique().alias("n")).filter(pl.col("n") >= min_models)
    for source in sorted(covered["source_id"].to_list()):
        held = own.filter(pl.col("source_id") == source).group_by("model_id", "benchmark_id").agg(in_value_order(pl.col("score")).list.mean())
        rest = fct_benchmark_score(observations.filter(pl.col("source_id") != source).lazy(), dim_source.lazy()).collect()
        yield source, held, rest


def leave_one_source_out(
    observations: pl.DataFrame, dim_source: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame,
    lane: str = "provisional", min_models: int = 10, rules: RankRules = DEFAULT_RULES, ranked_only: bool = False,
) -> pl.DataFrame:
    """Per scoring source with >= `min_models` models on weighted benchmarks: Spearman's rho between its own
    ranking and the overall / the index rebuilt from every other source (`ranked_only`: only models that meet
    the evidence floors without the source). `observations`: fct_benchmark_observation rows of one snapshot."""
    rows = []
    for source, held, rest in held_out(observations, dim_source, dim_benchmark, lane, min_models):
        board = standings(rest, dim_benchmark, dim_category, lane, rules)
        if ranked_only:
            board = board.filter(pl.col("is_ranked"))
        both = held.group_by("model_id").agg(in_value_order(pl.col("score")).list.mean().alias("source_score")).join(board, on="model_id")
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
        .agg(pl.len().alias("pairs"), in_value_order(pl.col("p_lead")).list.mean().alias("mean_p_lead"), pl.col("p_lead").min().alias("min_p_lead"))
        .sort("lane", "call")
    )


HELD_OUT_CALLS = {"call": pl.String, "pairs": pl.Int64, "held_out_agrees": pl.Float64}


def held_out_calls(
    observations: pl.DataFrame, dim_source: pl.DataFrame, dim_benchmark: pl.DataFrame, dim_category: pl.DataFrame,
    lane: str = "provisional", min_models: int = 10, rules: RankRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Per call class (made without the held-out source): pairs, and the share in which the model ahead is also
    ahead on the mean of the held-out source's benchmarks both models have. Pooled over every scoring source with
    >= `min_models` models."""
    checked = []
    for _, held, rest in held_out(observations, dim_source, dim_benchmark, lane, min_models):
        bench = lane_benchmark_scores(rest.lazy(), dim_benchmark.lazy()).filter(pl.col("lane") == lane).collect()
        board = overall(rest, dim_benchmark, dim_category, lane, rules).select("model_id", "overall_score")
        h = held.rename({"model_id": "model_a_id", "score": "held_a"}).join(
            held.rename({"model_id": "model_b_id", "score": "held_b"}), on="benchmark_id").filter(pl.col("model_a_id") < pl.col("model_b_id"))
        pairs = h.group_by("model_a_id", "model_b_id").agg(in_value_order(pl.col("held_a") - pl.col("held_b")).list.mean().alias("held_diff"))
        pairs = pairs.join(board.rename({"model_id": "model_a_id", "overall_score": "overall_a"}), on="model_a_id").join(
            board.rename({"model_id": "model_b_id", "overall_score": "overall_b"}), on="model_b_id").with_columns(pl.lit(lane).alias("lane"))
        if pairs.is_empty():
            continue
        keys = pairs.select("lane", "model_a_id", "model_b_id")
        shared = pair_figures(keys, bench)[0].select("lane", "model_a_id", "model_b_id", "shared_benchmarks")
        p = lead_probability(keys, resample(bench, dim_category, rules))
        a_ahead = pl.col("overall_a") >= pl.col("overall_b")
        checked.append(
            pairs.join(shared, on=["lane", "model_a_id", "model_b_id"]).join(p, on=["lane", "model_a_id", "model_b_id"])
            .with_columns(pl.when(a_ahead).then(pl.col("p_a_ahead")).otherwise(1 - pl.col("p_a_ahead")).alias("p_lead"))
            .with_columns(call(rules).alias("call"),
                          (pl.when(a_ahead).then(pl.col("held_diff")).otherwise(-pl.col("held_diff")) > 0).alias("agrees"))
            .select("call", "agrees")
        )
    if not checked:
        return pl.DataFrame(schema=HELD_OUT_CALLS)
    return pl.concat(checked).group_by("call").agg(
        pl.len().cast(pl.Int64).alias("pairs"), pl.col("agrees").mean().alias("held_out_agrees")).sort("call")

"""mart_head_to_head: per lane, every unordered pair of ranked models (model_a_id < model_b_id): overall a/b/diff,
the leader, shared categories, the sharpest category, the biggest swing on a shared benchmark, and a verdict.

The verdict is built with Polars expressions, not a Python loop, so it scales with the pairs.
"""

import polars as pl

from benchmart.transforms.pairs import largest_gap, shared_benchmarks
from benchmart.transforms.text import fixed, signed, tokens, usd

# Gap wording: a large gap is never called close.
LEVEL_BELOW = 1.0
NARROW_BELOW = 3.0
CLEAR_FROM = 8.0
WIDE_FROM = 15.0


def mart_head_to_head(
    pairs: pl.LazyFrame,
    mart_leaderboard: pl.LazyFrame,
    mart_head_to_head_category: pl.LazyFrame,
    bench_scores: pl.LazyFrame,
    dim_model: pl.LazyFrame,
    dim_category: pl.LazyFrame,
    dim_benchmark: pl.LazyFrame,
) -> pl.LazyFrame:
    """`pairs`: (lane, model_a_id, model_b_id); `bench_scores`: fct_benchmark_score per lane (lane_benchmark_scores)."""
    pair_keys = ["lane", "model_a_id", "model_b_id"]
    side_cols = ["overall_score", "blended_usd_per_mtok", "output_tokens_per_s", "ttft_s", "context_window_tokens", "is_reasoning",
                 "runtime_suspect"]
    board = mart_leaderboard.with_columns(
        # suspect runtime figures (shared alike by several models of one source) never give a reason
        *[pl.when(pl.col("runtime_suspect").fill_null(False)).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("output_tokens_per_s", "ttft_s")]
    ).select("lane", "model_id", *side_cols).join(
        dim_model.select("model_id", pl.col("display_name").alias("name")), on="model_id", how="left"
    )
    side_a = board.rename({c: f"{c}_a" for c in [*side_cols, "name"]} | {"model_id": "model_a_id"})
    side_b = board.rename({c: f"{c}_b" for c in [*side_cols, "name"]} | {"model_id": "model_b_id"})

    cat_names = dim_category.select("category_id", pl.col("display_name").alias("_cat_name"))
    per_cat = mart_head_to_head_category.join(cat_names, on="category_id", how="left")
    sharpest = (
        per_cat.with_columns(pl.col("diff").abs().alias("_gap"), pl.col("category_id").alias("benchmark_id"))
        .pipe(largest_gap, pair_keys)
        .select(*pair_keys, pl.col("category_id").alias("sharpest_category_id"), "_cat_name", pl.col("score_a").alias("_cat_a"), pl.col("score_b").alias("_cat_b"), pl.col("diff").alias("_cat_diff"))
    )
    summary = per_cat.group_by(pair_keys).agg(
        pl.len().cast(pl.Int64).alias("shared_categories"),
        pl.col("_cat_name").filter(~pl.col("same_benchmarks")).sort().str.join(", ").alias("_uneven"),
    )
    swing = (
        largest_gap(shared_benchmarks(pairs, bench_scores), pair_keys)
        .join(dim_benchmark.select("benchmark_id", pl.col("display_name").alias("_bench_name")), on="benchmark_id", how="left")
        .select(*pair_keys, pl.col("benchmark_id").alias("swing_benchmark_id"), "_bench_name", pl.col("bench_a").alias("swing_a"), pl.col("bench_b").alias("swing_b"))
    )
    joined = (
        pairs.join(side_a, on=["lane", "model_a_id"], how="left")
        .join(side_b, on=["lane", "model_b_id"], how="left")
        .join(summary, on=pair_keys, how="left")
        .join(sharpest, on=pair_keys, how="left")
        .join(swing, on=pair_keys, how="left")
        .with_columns(
            (pl.col("overall_score_a") - pl.col("overall_score_b")).round(6).alias("overall_diff"),
            pl.col("shared_categories").fill_null(0),
        )
        .with_columns(
            pl.when(pl.col("overall_diff").abs() < LEVEL_BELOW)
            .then(None)
            .when(pl.col("overall_diff") > 0)
            .then(pl.col("model_a_id"))
            .otherwise(pl.col("model_b_id"))
            .alias("leader_model_id")
        )
    )
    return joined.with_columns(_verdict().alias("verdict")).select(
        *pair_keys,
        pl.col("overall_score_a").alias("overall_a"),
        pl.col("overall_score_b").alias("overall_b"),
        "overall_diff",
        "leader_model_id",
        "shared_categories",
        "sharpest_category_id",
        "swing_benchmark_id",
        "swing_a",
        "swing_b",
        "verdict",
    ).sort(pair_keys)


def _lead(a: str, b: str) -> pl.Expr:
    """Column of the leader (a when a leads or the pair is level) or the trailer."""
    a_leads = pl.col("overall_diff") >= 0
    return pl.when(a_leads).then(pl.col(a)).otherwise(pl.col(b))


def _trail(a: str, b: str) -> pl.Expr:
    return _lead(b, a)


def _verdict() -> pl.Expr:
    gap = pl.col("overall_diff").abs()
    lead_name, trail_name = _lead("name_a", "name_b"), _trail("name_a", "name_b")
    lead_score, trail_score = _lead("overall_score_a", "overall_score_b"), _trail("overall_score_a", "overall_score_b")
    scores = pl.format("{} vs {}", fixed(lead_score), fixed(trail_score))
    headline = (
        pl.when(gap < LEVEL_BELOW)
        .then(pl.format("{} and {} are level overall ({}).", pl.col("name_a"), pl.col("name_b"), scores))
        .when(gap < NARROW_BELOW)
        .then(pl.format("{} edges out {} overall, {} (a narrow {} points).", lead_name, trail_name, scores, fixed(gap)))
        .when(gap < CLEAR_FROM)
        .then(pl.format("{} leads {} overall, {} ({} points).", lead_name, trail_name, scores, fixed(gap)))
        .when(gap < WIDE_FROM)
        .then(pl.format("{} clearly leads {} overall, {} ({} points).", lead_name, trail_name, scores, fixed(gap)))
        .otherwise(pl.format("{} leads {} by a wide margin overall, {} ({} points).", lead_name, trail_name, scores, fixed(gap)))
    )
    cat_leader = pl.when(pl.col("_cat_diff") >= 0).then(pl.col("name_a")).otherwise(pl.col("name_b"))
    sharpest = (
        pl.when(pl.col("shared_categories") == 0)
        .then(pl.lit("They share no category, so their overall scores rest on different ground."))
        .otherwise(
            pl.format(
                "Sharpest category gap: {}, {} for {} ({} vs {}).",
                pl.col("_cat_name"),
                signed(pl.col("_cat_diff").abs()),
                cat_leader,
                fixed(pl.col("_cat_a")),
                fixed(pl.col("_cat_b")),
            )
        )
    )
    swing = pl.when(pl.col("swing_benchmark_id").is_not_null()).then(
        pl.format(
            "Biggest swing on a shared benchmark: {}, {} vs {}.",
            pl.col("_bench_name"),
            fixed(pl.col("swing_a")),
            fixed(pl.col("swing_b")),
        )
    )
    uneven = pl.when(pl.col("_uneven").is_not_null() & (pl.col("_uneven") != "")).then(
        pl.format("Averages differ in coverage for {}: they rest on different benchmarks, so compare them with care.", pl.col("_uneven"))
    )
    return pl.concat_str([headline, sharpest, swing, uneven, _trailing_pick()], separator=" ", ignore_nulls=True)


def _trailing_pick() -> pl.Expr:
    """When the trailing model is still the better pick, and why; only on recorded data (N/A never counts)."""
    lead = lambda c: _lead(f"{c}_a", f"{c}_b")  # noqa: E731
    trail = lambda c: _trail(f"{c}_a", f"{c}_b")  # noqa: E731
    reasons = [
        pl.when(trail("context_window_tokens") > lead("context_window_tokens")).then(
            pl.format("a larger context window ({} vs {})", tokens(trail("context_window_tokens")), tokens(lead("context_window_tokens")))
        ),
        pl.when(trail("blended_usd_per_mtok") < lead("blended_usd_per_mtok")).then(
            pl.format("a lower blended price ({} vs {} per million tokens)", usd(trail("blended_usd_per_mtok")), usd(lead("blended_usd_per_mtok")))
        ),
        pl.when(trail("output_tokens_per_s") > lead("output_tokens_per_s")).then(
            pl.format("faster output ({} vs {} tokens/s)", fixed(trail("output_tokens_per_s"), 0), fixed(lead("output_tokens_per_s"), 0))
        ),
        pl.when(trail("ttft_s") < lead("ttft_s")).then(
            pl.format("lower latency ({} s vs {} s to first token)", fixed(trail("ttft_s"), 2), fixed(lead("ttft_s"), 2))
        ),
        pl.when(lead("is_reasoning") & ~trail("is_reasoning")).then(
            pl.lit("no reasoning-model latency or token spend")
        ),
    ]
    listed = pl.concat_list(reasons).list.drop_nulls()
    joined = (
        pl.when(listed.list.len() == 1)
        .then(listed.list.first())
        .otherwise(
            pl.concat_str(
                [listed.list.head(listed.list.len() - 1).list.join(", "), pl.lit(" and "), listed.list.last()]
            )
        )
    )
    trail_name = _trail("name_a", "name_b")
    return (
        pl.when(pl.col("overall_diff").abs() < LEVEL_BELOW)
        .then(None)
        .when(listed.list.len() > 0)
        .then(pl.format("{} is still the better pick if you need {}.", trail_name, joined))
        .otherwise(pl.format("Nothing recorded (price, speed, latency, context) favours {}.", trail_name))
    )

"""mart_leaderboard: overall score and rank per lane, with price, runtime and context beside it."""

import polars as pl

LEADERBOARD_COLUMNS = [
    "lane",
    "model_id",
    "overall_score",
    "rank",
    "is_ranked",
    "categories_covered",
    "weight_covered",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "blended_usd_per_mtok",
    "mean_usd_per_mtok",
    "price_source_id",
    "output_tokens_per_s",
    "ttft_s",
    "runtime_source_id",
    "context_window_tokens",
    "is_reasoning",
]


def leaderboard(
    overall: pl.DataFrame, prices: pl.DataFrame, runtime: pl.DataFrame, models: pl.DataFrame
) -> pl.DataFrame:
    """Missing price or runtime stays NULL ("N/A"): never an estimate, never 0."""
    return (
        overall.join(prices, on="model_id", how="left")
        .join(runtime, on="model_id", how="left")
        .join(models.select("model_id", "context_window_tokens", "is_reasoning"), on="model_id", how="left")
        .select(LEADERBOARD_COLUMNS)
        .sort(["lane", "is_ranked", "rank", "overall_score", "model_id"], descending=[False, True, False, True, False], nulls_last=True)
    )

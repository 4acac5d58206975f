"""Prices and runtime per model: every offer kept, one preferred offer per model chosen."""

import polars as pl


def blended(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(3 x input + output) / 4, the Artificial Analysis convention."""
    return ((3 * pl.col(input_col) + pl.col(output_col)) / 4).round(6)


def mean_price(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(input + output) / 2, the figure BenchLM sorts by."""
    return ((pl.col(input_col) + pl.col(output_col)) / 2).round(6)


def _first_party(models: pl.DataFrame) -> pl.Expr:
    return (pl.col("provider").str.to_lowercase() == pl.col("vendor")).fill_null(False)


def model_prices(prices: pl.DataFrame) -> pl.DataFrame:
    """One row per (model, source, provider): fct_model_price. Several keys of one offer keep the cheapest."""
    return (
        prices.with_columns(blended().alias("blended_usd_per_mtok"), mean_price().alias("mean_usd_per_mtok"))
        .sort("model_id", "source_id", "provider", "blended_usd_per_mtok", "model_name")
        .unique(["model_id", "source_id", "provider"], keep="first", maintain_order=True)
        .select(
            "model_id",
            "source_id",
            "provider",
            "input_usd_per_mtok",
            "output_usd_per_mtok",
            "blended_usd_per_mtok",
            "mean_usd_per_mtok",
            pl.col("model_name").alias("source_model_name"),
        )
    )


def preferred_prices(fct_prices: pl.DataFrame, source_priority: pl.DataFrame, models: pl.DataFrame) -> pl.DataFrame:
    """One offer per model: highest source priority, then the vendor's own API, then the lowest blended price."""
    return (
        fct_prices.join(source_priority.select("source_id", "priority"), on="source_id", how="left")
        .join(models.select("model_id", "vendor"), on="model_id", how="left")
        .with_columns(_first_party(models).alias("_first_party"))
        .sort(
            ["model_id", "priority", "_first_party", "blended_usd_per_mtok", "provider"],
            descending=[False, True, True, False, False],
            nulls_last=True,
        )
        .unique("model_id", keep="first", maintain_order=True)
        .select(
            "model_id",
            "input_usd_per_mtok",
            "output_usd_per_mtok",
            "blended_usd_per_mtok",
            "mean_usd_per_mtok",
            pl.col("source_id").alias("price_source_id"),
            pl.col("provider").alias("price_provider"),
        )
    )


def model_runtime(runtime: pl.DataFrame, models: pl.DataFrame) -> pl.DataFrame:
    """One row per (model, source): fct_model_runtime. Within a source the vendor's own API wins, then provider name."""
    return (
        runtime.join(models.select("model_id", "vendor"), on="model_id", how="left")
        .with_columns(_first_party(models).alias("_first_party"))
        .sort(["model_id", "source_id", "_first_party", "provider"], descending=[False, False, True, False])
        .unique(["model_id", "source_id"], keep="first", maintain_order=True)
        .select("model_id", "source_id", "provider", "output_tokens_per_s", "ttft_s")
    )


def preferred_runtime(fct_runtime: pl.DataFrame, source_priority: pl.DataFrame) -> pl.DataFrame:
    return (
        fct_runtime.join(source_priority.select("source_id", "priority"), on="source_id", how="left")
        .sort(["model_id", "priority", "source_id"], descending=[False, True, False], nulls_last=True)
        .unique("model_id", keep="first", maintain_order=True)
        .select("model_id", "output_tokens_per_s", "ttft_s", pl.col("source_id").alias("runtime_source_id"))
    )


def model_dimension(catalog_models: pl.DataFrame, facts: pl.DataFrame, source_priority: pl.DataFrame) -> pl.DataFrame:
    """dim_model: the curated catalog; gaps filled from source facts in source-priority order."""
    fill_cols = ["context_window_tokens", "max_output_tokens", "is_reasoning", "open_weights", "release_date"]
    best = (
        facts.join(source_priority.select("source_id", "priority"), on="source_id", how="left")
        .sort(["model_id", "priority", "source_id", "model_name"], descending=[False, True, False, False], nulls_last=True)
        .group_by("model_id", maintain_order=True)
        .agg([pl.col(c).drop_nulls().first().alias(f"_{c}") for c in fill_cols])
    )
    return (
        catalog_models.drop("aliases", "variants", strict=False)
        .join(best, on="model_id", how="left")
        .with_columns([pl.coalesce(c, f"_{c}").alias(c) for c in fill_cols])
        .drop([f"_{c}" for c in fill_cols])
        .sort("model_id")
    )

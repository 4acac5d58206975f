"""dim_model: the curated catalog, with gaps filled from source facts in source-priority order."""

import polars as pl

FILLED = ["context_window_tokens", "max_output_tokens", "is_reasoning", "open_weights", "release_date"]


def dim_model(catalog_models: pl.LazyFrame, model_facts: pl.LazyFrame, dim_source: pl.LazyFrame) -> pl.LazyFrame:
    best = (
        model_facts.join(dim_source.select("source_id", "priority"), on="source_id", how="left")
        .sort(["model_id", "priority", "source_id", "model_name"], descending=[False, True, False, False], nulls_last=True)
        .group_by("model_id", maintain_order=True)
        .agg([pl.col(c).drop_nulls().first().alias(f"_{c}") for c in FILLED])
    )
    return (
        catalog_models.drop("aliases", "variants", strict=False)
        .join(best, on="model_id", how="left")
        .with_columns([pl.coalesce(c, f"_{c}").alias(c) for c in FILLED])
        .drop([f"_{c}" for c in FILLED])
        .sort("model_id")
    )

"""fct_model_runtime: measured speed and latency, one row per (model, source)."""

import polars as pl



def first_party(provider: str = "provider", vendor: str = "vendor") -> pl.Expr:
    """The figures come from the model's own vendor."""
    return (pl.col(provider).str.to_lowercase() == pl.col(vendor)).fill_null(False)


def fct_model_runtime(runtime: pl.LazyFrame, dim_model: pl.LazyFrame) -> pl.LazyFrame:
    """Within a source the vendor's own API wins, then the provider name."""
    return (
        runtime.join(dim_model.select("model_id", "vendor"), on="model_id", how="left")
        .with_columns(first_party().alias("_first_party"))
        .sort(["model_id", "source_id", "_first_party", "provider"], descending=[False, False, True, False])
        .unique(["model_id", "source_id"], keep="first", maintain_order=True)
        .select("model_id", "source_id", "provider", "output_tokens_per_s", "ttft_s")
        .sort("model_id", "source_id")
    )

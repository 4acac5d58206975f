"""fct_model_price: every price offer, one row per (model, source, provider)."""

import polars as pl

COLUMNS = ["model_id", "source_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok",
           "mean_usd_per_mtok", "source_model_name"]


def blended(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(3 x input + output) / 4, the Artificial Analysis convention."""
    return ((3 * pl.col(input_col) + pl.col(output_col)) / 4).round(6)


def mean_price(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(input + output) / 2, the figure BenchLM sorts by."""
    return ((pl.col(input_col) + pl.col(output_col)) / 2).round(6)


def first_party(provider: str = "provider", vendor: str = "vendor") -> pl.Expr:
    """The offer comes from the model's own vendor."""
    return (pl.col(provider).str.to_lowercase() == pl.col(vendor)).fill_null(False)


def fct_model_price(prices: pl.LazyFrame) -> pl.LazyFrame:
    """Several keys of one offer (one source, one provider) keep the cheapest."""
    return (
        prices.with_columns(blended().alias("blended_usd_per_mtok"), mean_price().alias("mean_usd_per_mtok"))
        .sort("model_id", "source_id", "provider", "blended_usd_per_mtok", "model_name")
        .unique(["model_id", "source_id", "provider"], keep="first", maintain_order=True)
        .rename({"model_name": "source_model_name"})
        .select(COLUMNS)
        .sort("model_id", "source_id", "provider")
    )

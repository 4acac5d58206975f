"""dim_category: the curated categories and their weights, as published."""

import polars as pl


def dim_category(categories: pl.LazyFrame) -> pl.LazyFrame:
    return categories.select("category_id", "display_name", "weight")

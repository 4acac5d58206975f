"""dim_category: the curated categories, their weights and the benchmarks a category needs to count toward a rank
(NULL: the rule's default, benchmart.settings.RankRules.min_category_benchmarks), as published."""

import polars as pl


def dim_category(categories: pl.LazyFrame) -> pl.LazyFrame:
    if "min_benchmarks" not in categories.collect_schema().names():
        categories = categories.with_columns(pl.lit(None, pl.Int64).alias("min_benchmarks"))
    return categories.select("category_id", "display_name", "weight", "min_benchmarks")

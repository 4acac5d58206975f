"""dim_benchmark: the curated benchmarks (category, weighting, scale, direction, version, freshness), as published."""

import polars as pl

from benchmart import contracts


def dim_benchmark(benchmarks: pl.LazyFrame) -> pl.LazyFrame:
    return benchmarks.select(*contracts.DIM_BENCHMARK)

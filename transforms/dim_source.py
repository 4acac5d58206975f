"""dim_source: the configured sources (kind, format, url, license, priority), as published."""

import polars as pl

from benchmart import contracts


def dim_source(sources: pl.LazyFrame) -> pl.LazyFrame:
    return sources.select(*contracts.SOURCES)

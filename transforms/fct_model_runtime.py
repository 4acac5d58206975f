"""fct_model_runtime: measured speed and latency, one row per (model, source).

Within a source the figures of the vendor's own API win (its first-listed own provider in catalog/vendors.yaml,
the provider the list price comes from), then the provider name, so the choice is deterministic. Figures that
one source gives to several models alike (the same tokens/s and seconds to first token for `SUSPECT_FROM` models
or more) look like placeholders: they are kept, flagged `is_suspect`, and never used as a reason in a verdict."""

import polars as pl

from benchmart.transforms.fct_model_price import with_own_rank
from benchmart.transforms.preference import ties_broken

SUSPECT_FROM = 3  # models sharing one (tokens/s, seconds to first token) pair within a source


def _preferred_first(runtime: pl.LazyFrame, dim_model: pl.LazyFrame, vendors: pl.LazyFrame | None) -> pl.LazyFrame:
    """The rows with `is_suspect` and `_kept`: the preferred provider's row of each (model, source)."""
    shared = pl.col("model_id").n_unique().over("source_id", "output_tokens_per_s", "ttft_s")
    return (
        runtime.pipe(with_own_rank, dim_model, vendors)
        .with_columns((shared >= SUSPECT_FROM).alias("is_suspect"))
        .pipe(ties_broken, ["model_id", "source_id", "own_rank", "provider"], [False] * 4)
        .with_columns((pl.int_range(pl.len()).over("model_id", "source_id") == 0).alias("_kept"))
    )


def fct_model_runtime(runtime: pl.LazyFrame, dim_model: pl.LazyFrame, vendors: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """`vendors`: id, providers (the vendors' own API providers in order of preference). The rows of the other
    providers of a (model, source) are accounted for by superseded_runtime."""
    return (
        _preferred_first(runtime, dim_model, vendors).filter(pl.col("_kept"))
        .select("model_id", "source_id", "provider", "output_tokens_per_s", "ttft_s", "is_suspect")
        .sort("model_id", "source_id")
    )


def superseded_runtime(runtime: pl.LazyFrame, dim_model: pl.LazyFrame, vendors: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Quarantine rows (rule `runtime_provider_superseded`) for the providers' figures fct_model_runtime does not
    keep: one row per (model, source) is published, the preferred provider's."""
    return _preferred_first(runtime, dim_model, vendors).filter(~pl.col("_kept")).select(
        "source_id", pl.lit("transform").alias("stage"), pl.lit("runtime_provider_superseded").alias("rule"),
        pl.struct(pl.exclude("source_id", "_kept", "own_rank", "is_suspect")).struct.json_encode().alias("record"),
    )

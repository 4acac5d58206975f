"""Canonical frame schemas, declared once: what connectors produce (checked at their boundary), what the
catalog and the sources file become as frames, and the lanes every mart is computed for."""

import polars as pl

SCORES = {
    "source_id": pl.String,
    "model_name": pl.String,
    "variant": pl.String,  # effort/thinking setting of the run; null: default or unstated
    "benchmark_name": pl.String,
    "raw_value": pl.Float64,
    "unit": pl.String,  # null: the benchmark's declared scale; else percent | fraction
    "observed_on": pl.Date,
    "citation": pl.String,
    "provenance": pl.String,
    "release": pl.String,  # the benchmark release the figure belongs to (e.g. a LiveBench release date); null: unstated
    "harness": pl.String,  # who ran it: self-reported, or an independent harness (epoch, aider, livebench); null: unstated
}

PRICES = {
    "source_id": pl.String,
    "model_name": pl.String,
    "provider": pl.String,
    "input_usd_per_mtok": pl.Float64,
    "output_usd_per_mtok": pl.Float64,
}

RUNTIME = {
    "source_id": pl.String,
    "model_name": pl.String,
    "provider": pl.String,
    "output_tokens_per_s": pl.Float64,
    "ttft_s": pl.Float64,
}

MODEL_FACTS = {
    "source_id": pl.String,
    "model_name": pl.String,
    "context_window_tokens": pl.Int64,
    "max_output_tokens": pl.Int64,
    "is_reasoning": pl.Boolean,
    "open_weights": pl.Boolean,
    "release_date": pl.Date,
}

# A registry's listing of a model (sources of kind `models`): who lists it under which id, and what it says.
REGISTRY = {
    "source_id": pl.String,
    "provider": pl.String,  # the registry's provider or catalog the listing is under (models.dev provider, openrouter)
    "model_name": pl.String,  # the listing's id, e.g. gpt-5.1 (under provider openai) or openai/gpt-5.1
    "vendor": pl.String,  # the maker when the source says so directly; else derived from provider or id prefix
    "display_name": pl.String,
    "family": pl.String,
    "release_date": pl.Date,
    "context_window_tokens": pl.Int64,
    "max_output_tokens": pl.Int64,
    "is_reasoning": pl.Boolean,
    "open_weights": pl.Boolean,
}

QUARANTINE = {
    "source_id": pl.String,
    "stage": pl.String,
    "rule": pl.String,
    "record": pl.String,
}

PROVENANCES = ("verified", "unverified", "generated")
LANES = ("verified", "provisional")


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


OPTIONAL = {"variant", "model_alias", "release", "harness"}  # connectors may leave these out; they arrive as nulls
SCORES_EXTRA = {"model_alias": pl.String}  # a second name to try when model_name resolves to nothing


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], what: str) -> pl.DataFrame:
    """Select and cast `frame` to `schema`; a missing required column is a programming error in a connector."""
    frame = frame.with_columns([pl.lit(None, schema[c]).alias(c) for c in OPTIONAL if c in schema and c not in frame.columns])
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing canonical columns {missing}")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


# The curated catalog and the sources file as frames (ingest builds them; transforms read them).
BENCHMARKS = {
    "benchmark_id": pl.String,
    "display_name": pl.String,
    "category_id": pl.String,
    "is_weighted": pl.Boolean,
    "scale": pl.String,
    "scale_min": pl.Float64,
    "scale_max": pl.Float64,
    "higher_is_better": pl.Boolean,
    "version": pl.String,
    "freshness": pl.String,
    "aliases": pl.List(pl.String),
}
DIM_BENCHMARK = [c for c in BENCHMARKS if c != "aliases"]

MODELS = {
    "model_id": pl.String,
    "display_name": pl.String,
    "vendor": pl.String,
    "family": pl.String,
    "is_reasoning": pl.Boolean,
    "context_window_tokens": pl.Int64,
    "max_output_tokens": pl.Int64,
    "open_weights": pl.Boolean,
    "release_date": pl.Date,
}
CATALOG_MODELS = MODELS | {"aliases": pl.List(pl.String), "variants": pl.List(pl.String)}

SOURCES = {
    "source_id": pl.String,
    "kind": pl.String,
    "format": pl.String,
    "url": pl.String,
    "license": pl.String,
    "priority": pl.Int64,
    "provenance_default": pl.String,
    "on_failure": pl.String,
}

# Per run: each source's status (fresh, unchanged, stale, missing, as_of, dated_rows) and the figures its format
# can carry (scores, prices, runtime, models, registry), so a missing source is named where its figures are absent.
FRESHNESS = {"source_id": pl.String, "status": pl.String, "provides": pl.List(pl.String)}
STALE_STATUSES = ("stale", "missing")

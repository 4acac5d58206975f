"""Canonical frame schemas, declared once and checked at the connector boundary."""

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


OPTIONAL = {"variant", "model_alias"}  # connectors may leave these out; they arrive as nulls
SCORES_EXTRA = {"model_alias": pl.String}  # a second name to try when model_name resolves to nothing


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], what: str) -> pl.DataFrame:
    """Select and cast `frame` to `schema`; a missing required column is a programming error in a connector."""
    frame = frame.with_columns([pl.lit(None, schema[c]).alias(c) for c in OPTIONAL if c in schema and c not in frame.columns])
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing canonical columns {missing}")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])

"""`benchmart sources check`: what each source yields, and which names it uses that the catalog does not know."""

from dataclasses import dataclass, field
import difflib

import polars as pl

from benchmart.ingest.catalog import Catalog
from benchmart.ingest.connectors import Parsed, parse_payload
from benchmart.errors import BenchmartError
from benchmart.ingest.fetch import fetch
from benchmart.ingest.config import SourceConfig
from benchmart.transforms.names import normalized_key
from benchmart.transforms.resolve import resolved


@dataclass
class SourceCheck:
    source_id: str
    error: str | None = None
    records_read: int = 0
    observations: int = 0  # score, price and runtime rows produced
    quarantined: int = 0  # rows the connector rejected
    skipped: dict = field(default_factory=dict)  # records left out by design, by reason
    names: int = 0  # distinct model names
    names_matched: int = 0
    catalog_models: int = 0  # distinct catalog models the source names
    benchmarks: int = 0
    benchmarks_matched: int = 0
    unmatched: pl.DataFrame = field(default_factory=pl.DataFrame)  # kind, name, rows, suggestions

    @property
    def matched_share(self) -> float | None:
        return self.names_matched / self.names if self.names else None


def check_source(source: SourceConfig, catalog: Catalog, payload: bytes | None = None) -> SourceCheck:
    """Fetch (unless given the payload), parse and resolve one source; never raises for the source's own faults."""
    try:
        parsed = parse_payload(payload if payload is not None else fetch(source).content, source)
    except BenchmartError as exc:
        return SourceCheck(source.id, error=str(exc))
    return summarize(source.id, parsed, catalog)


def summarize(source_id: str, parsed: Parsed, catalog: Catalog) -> SourceCheck:
    models, benches = catalog.model_index(), catalog.benchmark_index()
    frames = {
        "scores": resolved(parsed.scores, models, benches),
        "prices": resolved(parsed.prices, models),
        "runtime": resolved(parsed.runtime, models),
    }
    names = pl.concat([f.select("model_name", "model_id") for f in frames.values()]).unique()
    unmatched_models = pl.concat([f.filter(pl.col("model_id").is_null()).select("model_name") for f in frames.values()])
    scores = frames["scores"]
    unmatched = pl.concat([
        unmatched_models.group_by(pl.col("model_name").alias("name")).agg(pl.len().alias("rows")).with_columns(pl.lit("model").alias("kind")),
        scores.filter(pl.col("benchmark_id").is_null()).group_by(pl.col("benchmark_name").alias("name")).agg(pl.len().alias("rows"))
        .with_columns(pl.lit("benchmark").alias("kind")),
    ]).select("kind", "name", pl.col("rows").cast(pl.Int64)).sort(["rows", "kind", "name"], descending=[True, False, False])
    return SourceCheck(
        source_id=source_id,
        records_read=parsed.records_read,
        observations=parsed.scores.height + parsed.prices.height + parsed.runtime.height,
        quarantined=parsed.rejects.height,
        skipped=parsed.skipped,
        names=names["model_name"].n_unique(),
        names_matched=names.filter(pl.col("model_id").is_not_null())["model_name"].n_unique(),
        catalog_models=names["model_id"].drop_nulls().n_unique(),
        benchmarks=scores["benchmark_name"].n_unique(),
        benchmarks_matched=scores.filter(pl.col("benchmark_id").is_not_null())["benchmark_name"].n_unique(),
        unmatched=unmatched.with_columns(suggestions=_suggest(unmatched, catalog)),
    )


def _suggest(unmatched: pl.DataFrame, catalog: Catalog) -> pl.Series:
    """Up to three catalog ids whose name keys are closest to each unmatched name (a hint for a new alias, never applied)."""
    keyed = {
        "model": catalog.model_index().filter(pl.col("match") == "normalized").select("key", pl.col("model_id").alias("id")),
        "benchmark": catalog.benchmark_index().filter(pl.col("match") == "normalized").select("key", pl.col("benchmark_id").alias("id")),
    }
    lookup = {kind: dict(frame.rows()) for kind, frame in keyed.items()}
    keys = unmatched.select(normalized_key(pl.col("name")).alias("k"))["k"].to_list()
    out = []
    for kind, key in zip(unmatched["kind"].to_list(), keys):
        close = difflib.get_close_matches(key or "", list(lookup[kind]), n=5, cutoff=0.75)
        ids = list(dict.fromkeys(lookup[kind][c] for c in close))[:3]
        out.append(", ".join(ids))
    return pl.Series("suggestions", out, dtype=pl.String)

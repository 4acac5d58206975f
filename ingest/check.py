"""`benchmart sources check`: what each source yields, and which names it uses that the catalog does not know."""

from dataclasses import dataclass, field
import polars as pl

from benchmart.errors import BenchmartError
from benchmart.ingest.catalog import Catalog
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import Parsed, parse_payload
from benchmart.ingest.fetch import fetch
from benchmart.ingest.sources import sources_frame
from benchmart.transforms.fct_benchmark_observation import fct_benchmark_observation
from benchmart.transforms.names import closest_ids
from benchmart.transforms.preference import variant_ranks
from benchmart.transforms.resolve import resolved, unmatched_quarantine


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
    rules: dict = field(default_factory=dict)  # records left out, by the rule they broke (parse, resolve, transform)

    @property
    def matched_share(self) -> float | None:
        return self.names_matched / self.names if self.names else None


def check_source(source: SourceConfig, catalog: Catalog, payload: bytes | None = None) -> SourceCheck:
    """Fetch (unless given the payload), parse and resolve one source; never raises for the source's own faults."""
    try:
        parsed = parse_payload(payload if payload is not None else fetch(source).content, source)
    except BenchmartError as exc:
        return SourceCheck(source.id, error=str(exc))
    return summarize(source, parsed, catalog)


def summarize(source: SourceConfig, parsed: Parsed, catalog: Catalog) -> SourceCheck:
    source_id = source.id
    models, benches = catalog.model_names(), catalog.benchmark_index()
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
    matched_scores = scores.filter(pl.col("model_id").is_not_null() & pl.col("benchmark_id").is_not_null())
    _, left_out = fct_benchmark_observation(matched_scores.lazy(), catalog.benchmarks_frame().lazy(),
                                            sources_frame([source]).lazy(), variant_ranks(catalog.models_frame()))
    rules = pl.concat([
        parsed.rejects.select("rule"), left_out.select("rule").collect(),
        *(unmatched_quarantine(f, kind).select("rule") for kind, f in frames.items()),
    ])
    return SourceCheck(
        source_id=source_id,
        rules=dict(sorted(rules.group_by("rule").len().rows(), key=lambda r: (-r[1], r[0]))),
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
    """Up to three catalog ids close to each unmatched name (a hint for a new alias, never applied)."""
    indexes = {"model": (catalog.model_index(), "model_id", "key"), "benchmark": (catalog.benchmark_index(), "benchmark_id", "normalized")}
    hints = {}
    for kind, (index, id_col, match) in indexes.items():
        names = unmatched.filter(pl.col("kind") == kind)["name"].to_list()
        hints |= {(kind, name): hint for name, hint in zip(names, closest_ids(names, index, id_col, match=match))}
    return pl.Series("suggestions", [hints.get((k, n)) or "" for k, n in unmatched.select("kind", "name").rows()], dtype=pl.String)

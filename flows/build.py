"""Validate and build: resolved inputs -> quarantine bad rows (Great Expectations) -> every table of the
snapshot (transforms) -> batch checks of the marts. Plain functions; the flows call them as tasks or directly."""

from dataclasses import dataclass, field, replace
from datetime import date
import math

import polars as pl

from benchmart.expectations import validate
from benchmart.expectations.pairs import validate_pairs
from benchmart.ingest.catalog import Catalog
from benchmart.settings import RankRules
from benchmart.transforms.fct_benchmark_observation import fct_benchmark_observation
from benchmart.transforms.fct_model_price import superseded_offers
from benchmart.transforms.fct_model_runtime import superseded_runtime
from benchmart.transforms.preference import variant_ranks
from benchmart.ingest.connectors import Parsed
from benchmart.transforms.model_names import model_name_frames
from benchmart.transforms.registry import registry_models
from benchmart.transforms.resolve import Inputs, Resolved, as_of, matched, release_dates, released_only, resolve_rows
from benchmart.transforms.tables import build_tables


@dataclass
class Built:
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    failures: list[str] = field(default_factory=list)  # batch expectations that failed: nothing may be published
    checks: list[dict] = field(default_factory=list)
    published: tuple[date, str] | None = None  # (date, run id) that first published these tables (a backfill's shared build)

    def stamped(self, day: date) -> "Built":
        """The same tables as of another date: snapshot tables get `day` as their snapshot_date."""
        tables = {name: t.with_columns(pl.lit(day, pl.Date).alias("snapshot_date")) if "snapshot_date" in t.columns else t
                  for name, t in self.tables.items()}
        return replace(self, tables=tables)


def resolve_with_registry(parsed: Parsed, catalog: Catalog, sources: pl.DataFrame, snapshot_date: date,
                          first_fetched: dict[str, date] | None = None) -> Inputs:
    """The registries' models joined to the curated catalog (transforms.registry), then every name resolved against
    them; rows dated after the snapshot (undated rows: from their payload's first fetch) and rows of models not
    yet released are left out and counted."""
    return dated_inputs(resolve_payload_rows(parsed, catalog, sources), snapshot_date, first_fetched)


@dataclass
class ResolvedPayloads:
    """What resolving a set of payloads yields before any date applies (a backfill keeps it for all its dates)."""

    rows: Resolved
    models: pl.DataFrame
    release_marks: frozenset[date]  # release dates of the models that have rows: only these change a snapshot


def resolve_payload_rows(parsed: Parsed, catalog: Catalog, sources: pl.DataFrame) -> ResolvedPayloads:
    vendors = catalog.vendors_frame()
    models = registry_models(catalog.models_frame(), parsed.registry, vendors, catalog.open_prefixes, sources, catalog.pointers)
    names = model_name_frames(models, vendors, catalog.open_prefixes)
    rows = resolve_rows(parsed.scores, parsed.prices, parsed.runtime, parsed.models, parsed.rejects, names, catalog.benchmark_index())
    with_rows = pl.concat([matched(f).select("model_id") for f in (rows.scores, rows.prices, rows.runtime)]).unique()
    marks = release_dates(models, matched(rows.facts)).join(with_rows, on="model_id", how="semi")["release_date"]
    return ResolvedPayloads(rows, models, frozenset(marks.drop_nulls().to_list()))


def dated_inputs(resolved: ResolvedPayloads, snapshot_date: date, first_fetched: dict[str, date] | None = None) -> Inputs:
    inputs = as_of(resolved.rows, snapshot_date, first_fetched)
    inputs.models = resolved.models
    return released_only(inputs, resolved.models, snapshot_date)


def min_rows(previous: dict[str, int], table: str, max_drop: float) -> int:
    """The fewest rows `table` may have without counting as collapsed versus the previous snapshot."""
    prev = previous.get(table, 0)
    return max(1, math.ceil(prev * (1 - max_drop))) if prev else 0


def validate_and_build(
    inputs: Inputs,
    catalog: Catalog,
    sources: pl.DataFrame,
    snapshot_date: date,
    previous_counts: dict[str, int],
    rules: RankRules,
    max_drop: float,
    freshness: pl.DataFrame,
    h2h_top_k: int | None = None,
) -> Built:
    """Validate inputs (bad rows to quarantine), build every table, validate the marts (a failure stops the run)."""
    benchmarks, categories = catalog.benchmarks_frame(), catalog.categories_frame()
    models = inputs.models if inputs.models is not None else catalog.models_frame()

    def floor(table: str) -> dict:
        return {"min_rows": min_rows(previous_counts, table, max_drop)}

    observations, superseded = fct_benchmark_observation(inputs.scores.lazy(), benchmarks.lazy(), sources.lazy(), variant_ranks(models))
    obs_check = validate(observations.collect(), "fct_benchmark_observation", floor("fct_benchmark_observation"))
    price_check = validate(inputs.prices, "fct_model_price", floor("fct_model_price"))
    runtime_check = validate(inputs.runtime, "fct_model_runtime")
    tables = build_tables(snapshot_date, obs_check.valid, price_check.valid, runtime_check.valid, inputs.facts, models,
                          categories, benchmarks, sources, freshness, rules, catalog.vendors_frame(), h2h_top_k)
    mart_checks = [
        validate(tables["mart_category_score"], "mart_category_score",
                 floor("mart_category_score") | {"categories": categories["category_id"].to_list()}),
        validate(tables["mart_leaderboard"], "mart_leaderboard", floor("mart_leaderboard")),
        validate_pairs(tables["mart_head_to_head"], floor("mart_head_to_head")),  # a summary and a sample when large
    ]
    outcomes = [obs_check, price_check, runtime_check, *mart_checks]
    collapsed = [superseded_offers(price_check.valid.lazy()).collect(),
                 superseded_runtime(runtime_check.valid.lazy(), models.lazy(), catalog.vendors_frame().lazy()).collect()]
    quarantine = pl.concat([inputs.quarantine, superseded.collect(), *collapsed,
                            *(o.quarantine for o in (obs_check, price_check, runtime_check))])
    return Built(tables, quarantine, [f for o in outcomes for f in o.failures], [c for o in outcomes for c in o.checks])

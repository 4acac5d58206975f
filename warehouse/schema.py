"""The warehouse schema, one SQLModel class per table; names follow dbt layering (dim_, fct_, mart_, ops_).

Grain is the primary key; the class docstring states it. Every column carries a description
(with its unit), from which `benchmart warehouse docs` generates docs/warehouse.md.
Column names are what BI dashboards rely on: add, never rename.
"""

from datetime import date, datetime
import json

from sqlalchemy import Column, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from benchmart.settings import DEFAULT_RULES


def key(description: str, **kw):
    return Field(primary_key=True, description=description, **kw)


def col(description: str, default=None, **kw):
    return Field(default=default, description=description, **kw)


def text_col(description: str, nullable: bool = True):
    return Field(default=None, description=description, sa_column=Column(Text, nullable=nullable))


def jsonb_safe(text: str) -> str:
    """JSON text PostgreSQL's jsonb accepts: it refuses the NUL character (raw or escaped), which becomes U+FFFD."""
    return text.replace("\x00", "\ufffd").replace("\\u0000", "\\ufffd")


class JsonText(TypeDecorator):
    """JSON kept as its text: `text` on SQLite, `jsonb` on PostgreSQL (so BI tools and `->>` read into it). The
    application writes and reads the JSON text on both engines (the engine registers jsonb's text loader)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(JSONB(none_as_null=True) if dialect.name == "postgresql" else Text())

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "postgresql":
            return value
        return json.loads(jsonb_safe(value)) if isinstance(value, str) else value

    def process_result_value(self, value, dialect):
        return value if value is None or isinstance(value, str) else json.dumps(value)

    def compare_against_backend(self, dialect, conn_type) -> bool:
        return isinstance(conn_type, JSONB) if dialect.name == "postgresql" else isinstance(conn_type, Text)


def json_col(description: str, nullable: bool = True):
    return Field(default=None, description=description, sa_column=Column(JsonText, nullable=nullable))


# foreign keys are named fk_<table>_<column> (migration 0012 creates them so on both engines)
SQLModel.metadata.naming_convention = {**SQLModel.metadata.naming_convention, "fk": "fk_%(table_name)s_%(column_0_name)s"}

SNAPSHOT = "As-of date of the snapshot (UTC)"
LANE = "verified (verified rows only) or provisional (verified + unverified)"
MODEL = "Canonical model id (dim_model)"
SOURCE = "Source id (dim_source)"
USD_IN = "USD per million input tokens"
USD_OUT = "USD per million output tokens"


class DimCategory(SQLModel, table=True):
    """One row per category."""

    __tablename__ = "dim_category"
    category_id: str = key("Category id, e.g. coding")
    display_name: str = col("Name to show")
    weight: float = col("Weight in the overall score; the weights sum to 1")
    min_benchmarks: int | None = col("Benchmarks a model needs in this category for it to count toward a rank; NULL: the default rule")


class DimBenchmark(SQLModel, table=True):
    """One row per benchmark."""

    __tablename__ = "dim_benchmark"
    benchmark_id: str = key("Benchmark id, e.g. gpqa-diamond")
    display_name: str = col("Name to show")
    category_id: str = col("Category it counts toward (dim_category)", foreign_key="dim_category.category_id")
    is_weighted: bool = col("true: averaged into category scores; false: display-only")
    scale: str = col("How raw values map to 0..100: percent, fraction, elo (min-max over the snapshot) or explicit")
    scale_min: float | None = col("Lower bound of an explicit scale, in the benchmark's raw unit")
    scale_max: float | None = col("Upper bound of an explicit scale, in the benchmark's raw unit")
    higher_is_better: bool = col("false: normalized as 100 - x")
    version: str = col("Benchmark version or split the scores refer to")
    freshness: str = col("current, stale or saturated")


class DimModel(SQLModel, table=True):
    """One row per model: the curated catalog and every model the registries list (gaps filled from source facts)."""

    __tablename__ = "dim_model"
    model_id: str = key("Canonical model id")
    display_name: str = col("Name to show")
    vendor: str = col("Maker, e.g. openai")
    family: str | None = col("Model family, e.g. gpt-4.1")
    is_reasoning: bool | None = col("Reasoning model (thinks before answering; more latency and tokens)")
    context_window_tokens: int | None = col("Context window, tokens")
    max_output_tokens: int | None = col("Largest output, tokens")
    open_weights: bool | None = col("Weights are published")
    release_date: date | None = col("Release date")
    origin: str | None = col("Where the row comes from: curated (the catalog) or the registry source that lists the model")
    aliases: str | None = json_col("JSON array: every other name the model goes by in the catalog and the registries")
    field_sources: str | None = json_col("JSON object: for each field, curated or the source its value came from")


class DimSource(SQLModel, table=True):
    """One row per configured source."""

    __tablename__ = "dim_source"
    source_id: str = key("Source id from the sources file")
    kind: str = col("scores, prices, runtime or models")
    format: str = col("Connector that parses it")
    url: str = col("Where it is fetched from (credentials are never stored)")
    license: str | None = col("License of the data")
    priority: int = col("Higher wins when sources disagree")
    provenance_default: str = col("Provenance of rows that do not state one")
    on_failure: str = col("use_last_good or fail")


class FctBenchmarkObservation(SQLModel, table=True):
    """One row per snapshot, source, model and benchmark: every observation read."""

    __tablename__ = "fct_benchmark_observation"
    snapshot_date: date = key(SNAPSHOT)
    source_id: str = key(SOURCE, foreign_key="dim_source.source_id")
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    benchmark_id: str = key("Benchmark id (dim_benchmark)", foreign_key="dim_benchmark.benchmark_id")
    variant: str | None = col("Effort/thinking setting of the run, e.g. high, thinking-64k; NULL: default or unstated")
    raw_value: float = col("Value as published, in the unit below or the benchmark's scale")
    unit: str | None = col("percent or fraction when the source states it; NULL: the benchmark's scale")
    score: float = col("Normalized score, 0..100, higher is better")
    observed_on: date | None = col("Date the source gives for the result")
    provenance: str = col("verified (cited primary source), unverified, or generated (never ranked)")
    citation: str | None = col("URL or reference of the primary source")
    source_model_name: str = col("The model name as the source wrote it")
    release: str | None = col("Benchmark release the figure belongs to (e.g. a LiveBench release date); NULL: unstated")
    harness: str | None = col("Who ran it: self-reported, or an independent harness (epoch, aider, livebench); NULL: unstated")


class FctBenchmarkScore(SQLModel, table=True):
    """One row per snapshot, model and benchmark: the chosen observation (verified, then priority, then newest)."""

    __tablename__ = "fct_benchmark_score"
    snapshot_date: date = key(SNAPSHOT)
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    benchmark_id: str = key("Benchmark id (dim_benchmark)", foreign_key="dim_benchmark.benchmark_id")
    variant: str | None = col("Variant of the chosen observation (the model's best declared variant available)")
    score: float = col("Normalized score, 0..100, higher is better")
    raw_value: float = col("Value as published")
    source_id: str = col("Source of the chosen observation", foreign_key="dim_source.source_id")
    provenance: str = col("verified or unverified")
    observed_on: date | None = col("Date the source gives for the result")
    citation: str | None = col("URL or reference of the primary source")
    release: str | None = col("Benchmark release of the chosen observation: the newest release that covers the model")
    harness: str | None = col("Who ran it: self-reported, or an independent harness; NULL: unstated")


class FctModelPrice(SQLModel, table=True):
    """One row per snapshot, model, source and provider: every price offer."""

    __tablename__ = "fct_model_price"
    snapshot_date: date = key(SNAPSHOT)
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    source_id: str = key(SOURCE, foreign_key="dim_source.source_id")
    provider: str = key("API provider selling the model, e.g. openai, azure")
    input_usd_per_mtok: float = col(USD_IN)
    output_usd_per_mtok: float = col(USD_OUT)
    blended_usd_per_mtok: float = col("USD per million tokens, (3 x input + output) / 4")
    mean_usd_per_mtok: float = col("USD per million tokens, (input + output) / 2")
    source_model_name: str = col("The model key as the source wrote it")
    is_first_party: bool | None = col("The offer is the vendor's own API (its list price)")
    is_free: bool | None = col("A free tier or free offer (0/0, or an OpenRouter :free offer): never published as a price")
    is_outlier: bool | None = col("More than 3x away from the median of the model's paid offers: kept, never published")


class FctModelRuntime(SQLModel, table=True):
    """One row per snapshot, model and source: measured speed and latency."""

    __tablename__ = "fct_model_runtime"
    snapshot_date: date = key(SNAPSHOT)
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    source_id: str = key(SOURCE, foreign_key="dim_source.source_id")
    provider: str = col("API provider measured (the vendor's own when the source has it, then by name)")
    output_tokens_per_s: float | None = col("Output speed, tokens per second")
    ttft_s: float | None = col("Latency, seconds to first token")
    is_suspect: bool | None = col("The source gives these same figures to 3 or more models: kept, never a reason in a verdict")


class MartCategoryScore(SQLModel, table=True):
    """One row per snapshot, lane, model and category."""

    __tablename__ = "mart_category_score"
    snapshot_date: date = key(SNAPSHOT)
    lane: str = key(LANE)
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    category_id: str = key("Category id (dim_category)", foreign_key="dim_category.category_id")
    score: float = col("Mean normalized score over the category's weighted benchmarks the model has, 0..100")
    n_benchmarks: int = col("Weighted benchmarks behind the score")
    coverage: float = col("n_benchmarks / weighted benchmarks in the category, 0..1")
    releases: str | None = col("Benchmark releases behind the score, comma-separated; NULL: the sources state none")


class MartLeaderboard(SQLModel, table=True):
    """One row per snapshot, lane and model: overall score, rank, price, runtime, context."""

    __tablename__ = "mart_leaderboard"
    __table_args__ = (Index("ix_mart_leaderboard_model", "model_id", "lane", "snapshot_date"),)
    snapshot_date: date = key(SNAPSHOT)
    lane: str = key(LANE)
    model_id: str = key(MODEL, foreign_key="dim_model.model_id")
    overall_score: float = col("Weighted mean of category scores over the categories the model has, 0..100")
    rank: int | None = col(f"1 = best by {DEFAULT_RULES.rank_by}_score (BENCHMART_RANK_BY); ties share the lower rank; NULL when not ranked")
    is_ranked: bool = col(f"Enough evidence: {DEFAULT_RULES.describe()} (BENCHMART_MIN_BENCHMARKS, BENCHMART_MIN_CATEGORIES, "
                          "BENCHMART_MIN_CATEGORY_BENCHMARKS, BENCHMART_MIN_WEIGHT_COVERED)")
    categories_covered: int = col("Categories with a score")
    weight_covered: float = col("Sum of the weights of those categories, 0..1")
    input_usd_per_mtok: float | None = col(USD_IN + " (published price, see price_rule); NULL: no paid offer")
    output_usd_per_mtok: float | None = col(USD_OUT + " (published price, see price_rule); NULL: no paid offer")
    blended_usd_per_mtok: float | None = col("USD per million tokens, (3 x input + output) / 4")
    mean_usd_per_mtok: float | None = col("USD per million tokens, (input + output) / 2")
    price_source_id: str | None = col("Source of the published price (sources, comma-separated, for a median)")
    price_provider: str | None = col("Provider of the published price (the vendor's own API); NULL for a median")
    price_rule: str | None = col("first_party (the vendor's list price) or median_paid (median of paid third-party offers)")
    price_offers: int | None = col("Offers behind the published price")
    has_free_tier: bool | None = col("A free tier or free offer exists (never shown as a price)")
    output_tokens_per_s: float | None = col("Output speed, tokens per second; NULL: not measured")
    ttft_s: float | None = col("Latency, seconds to first token; NULL: not measured")
    runtime_source_id: str | None = col("Source of the runtime figures", foreign_key="dim_source.source_id")
    runtime_suspect: bool | None = col("The runtime figures are suspect (shared alike by several models of the source)")
    context_window_tokens: int | None = col("Context window, tokens")
    is_reasoning: bool | None = col("Reasoning model")
    variants: str | None = col("Variants behind the model's scores, comma-separated; NULL: default settings only")
    stale_sources: str | None = col("Sources behind this row that were stale in the run, and missing ones whose figures the row lacks; NULL: all fresh")
    benchmarks_covered: int | None = col("Weighted benchmarks behind the overall score")
    unranked_reason: str | None = col("Which evidence floor an unranked model misses; NULL when ranked")
    overall_low: float | None = col(f"Lower end of the {DEFAULT_RULES.interval:.0%} bootstrap interval of overall_score")
    overall_high: float | None = col(f"Upper end of the {DEFAULT_RULES.interval:.0%} bootstrap interval of overall_score")
    rank_low: int | None = col(f"Best rank in the {DEFAULT_RULES.interval:.0%} bootstrap rank interval (ranked models)")
    rank_high: int | None = col(f"Worst rank in the {DEFAULT_RULES.interval:.0%} bootstrap rank interval (ranked models)")
    rank_upper_bound: int | None = col("1 + the ranked models whose interval lies wholly above this one's (LMArena's rank upper bound)")
    tie_group: int | None = col("Statistically tied models share a group: a model joins the group of the best model above it while their intervals overlap")
    index_score: float | None = col("Difficulty-aware index: the predicted overall on every weighted benchmark of the lane, 0..100 (docs/methodology.md)")
    index_low: float | None = col(f"Lower end of the {DEFAULT_RULES.interval:.0%} bootstrap interval of index_score")
    index_high: float | None = col(f"Upper end of the {DEFAULT_RULES.interval:.0%} bootstrap interval of index_score")
    index_rank: int | None = col("Rank by index_score among ranked models; ties share the lower rank")


class MartHeadToHead(SQLModel, table=True):
    """One row per snapshot, lane and unordered pair of comparable models (model_a_id < model_b_id)."""

    __tablename__ = "mart_head_to_head"
    __table_args__ = (Index("ix_mart_head_to_head_model_b", "snapshot_date", "lane", "model_b_id"),)
    snapshot_date: date = key(SNAPSHOT)
    lane: str = key(LANE)
    model_a_id: str = key("First model (alphabetically smaller id)", foreign_key="dim_model.model_id")
    model_b_id: str = key("Second model", foreign_key="dim_model.model_id")
    overall_a: float = col("Overall score of model a, 0..100")
    overall_b: float = col("Overall score of model b, 0..100")
    overall_diff: float = col("overall_a - overall_b, points")
    leader_model_id: str | None = col("Model ahead on the published overall; NULL when level (to 0.1) or the pair shares no weighted benchmark. Whether that is a call: see call", foreign_key="dim_model.model_id")
    shared_categories: int = col("Categories both models have")
    sharpest_category_id: str | None = col("Shared category with the largest gap", foreign_key="dim_category.category_id")
    swing_benchmark_id: str | None = col("Shared weighted benchmark with the largest gap", foreign_key="dim_benchmark.benchmark_id")
    swing_a: float | None = col("Model a's normalized score on that benchmark")
    swing_b: float | None = col("Model b's normalized score on that benchmark")
    verdict: str = text_col("Generated summary: who leads and by how much, sharpest category, biggest swing, when to pick the other", nullable=False)
    shared_benchmarks: int | None = col("Weighted benchmarks both models have")
    p_lead: float | None = col("Share of bootstrap resamples in which the model ahead overall stays ahead")
    call: str | None = col(f"clear_lead (p_lead >= {DEFAULT_RULES.clear_lead_probability:.0%}), lead (>= {DEFAULT_RULES.lead_probability:.0%}), "
                           f"too_close, or not_comparable (under {DEFAULT_RULES.min_shared_benchmarks} shared weighted benchmarks)")


class MartHeadToHeadCategory(SQLModel, table=True):
    """One row per snapshot, lane, pair and shared category."""

    __tablename__ = "mart_head_to_head_category"
    snapshot_date: date = key(SNAPSHOT)
    lane: str = key(LANE)
    model_a_id: str = key("First model", foreign_key="dim_model.model_id")
    model_b_id: str = key("Second model", foreign_key="dim_model.model_id")
    category_id: str = key("Shared category", foreign_key="dim_category.category_id")
    score_a: float = col("Model a's category score, 0..100")
    score_b: float = col("Model b's category score, 0..100")
    diff: float = col("score_a - score_b, points")
    top_benchmark_id: str | None = col("Benchmark both have with the largest gap; NULL when they share none", foreign_key="dim_benchmark.benchmark_id")
    same_benchmarks: bool = col("Both averages rest on the same benchmarks (if not: apples to oranges)")


class OpsRawPayload(SQLModel, table=True):
    """One row per source and payload content (sha256)."""

    __tablename__ = "ops_raw_payload"
    source_id: str = key(SOURCE)
    sha256: str = key("SHA-256 of the payload bytes (content address)")
    url: str = col("Where it was fetched from")
    bytes: int = col("Payload size, bytes")
    path: str = col("File in the landing zone")
    fetched_at: datetime = col("First fetch of this content (UTC)")
    last_fetched_at: datetime = col("Latest fetch of this content (UTC)")


class OpsPipelineRun(SQLModel, table=True):
    """One row per run (nightly or backfill date)."""

    __tablename__ = "ops_pipeline_run"
    run_id: str = key("Prefect flow run id")
    flow: str = col("Flow name")
    snapshot_date: date = col(SNAPSHOT)
    status: str = col("success, success_stale, failed_validation or failed; running while the run is under way (a run killed before its end stays running)")
    started_at: datetime = col("Start (UTC)")
    finished_at: datetime | None = col("End (UTC); NULL while running, or when the run was killed")
    row_counts: str | None = json_col("JSON: rows per table published")
    sources: str | None = json_col(
        "JSON: per source status (fresh, unchanged, stale, missing), payload, records, parse rejects, "
        "rows dated after the snapshot (left out), error"
    )
    stages: str | None = json_col("JSON: seconds per stage")
    quarantined: int = col("Rows sent to ops_quarantine", default=0)
    unmatched: int = col("Distinct names that resolved to no catalog entry", default=0)
    error: str | None = text_col("Why the run failed")


class OpsQuarantine(SQLModel, table=True):
    """One row per record a run left out, with the rule it broke."""

    __tablename__ = "ops_quarantine"
    run_id: str = key("Run that quarantined it (ops_pipeline_run)")
    seq: int = key("Sequence within the run", sa_column_kwargs={"autoincrement": False})
    snapshot_date: date = col(SNAPSHOT)
    source_id: str | None = col(SOURCE)
    stage: str = col("parse, resolve:<kind>, transform or validate:<suite>")
    rule: str = col("Rule broken, e.g. unknown_model, score_out_of_range")
    record: str = json_col("The record as JSON; for unmatched names {name, records, example}: one row per name", nullable=False)


class OpsUnmatchedName(SQLModel, table=True):
    """One row per run, source, kind and name that resolved to nothing (the unmatched report, as data)."""

    __tablename__ = "ops_unmatched_name"
    __table_args__ = (Index("ix_ops_unmatched_name_first_seen", "source_id", "kind", "name", "first_seen"),)
    run_id: str = key("Run that met the name (ops_pipeline_run)")
    source_id: str = key(SOURCE)
    kind: str = key("model or benchmark")
    name: str = key("The name as the source wrote it")
    snapshot_date: date = col(SNAPSHOT)
    rows: int = col("Records of the run that carried the name")
    found_in: str = col("Which data carried it: scores, prices, runtime (comma-separated)")
    first_seen: date = col("Snapshot date of the first run that met the name")
    last_seen: date = col("Snapshot date of this run")
    candidate: str | None = col("Closest catalog ids by name key: a hint for an alias, never applied; NULL: none close")


SNAPSHOT_TABLES = [
    "fct_benchmark_observation",
    "fct_benchmark_score",
    "fct_model_price",
    "fct_model_runtime",
    "mart_category_score",
    "mart_leaderboard",
    "mart_head_to_head",
    "mart_head_to_head_category",
]

VIEWS = {
    "v_leaderboard_latest": (
        "mart_leaderboard rows of the newest snapshot, with model_display_name and vendor; ranked models first, by rank",
        """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.overall_score DESC, l.model_id""",
    ),
    "v_leaderboard_readable": (
        "The newest leaderboard as a BI tool shows it: model names, yes/no flags, figures rounded (numeric on PostgreSQL, "
        "so round() needs no cast), ranked models first by rank, then the unranked with the reason",
        """
        SELECT l.snapshot_date, l.lane, l.rank, m.display_name AS model, m.vendor,
               CASE WHEN l.is_ranked THEN 'yes' ELSE 'no' END AS ranked,
               ROUND(CAST(l.index_score AS NUMERIC), 1) AS index_score,
               ROUND(CAST(l.index_low AS NUMERIC), 1) AS index_low, ROUND(CAST(l.index_high AS NUMERIC), 1) AS index_high,
               l.rank_low, l.rank_high,
               ROUND(CAST(l.overall_score AS NUMERIC), 1) AS overall_score,
               ROUND(CAST(l.overall_low AS NUMERIC), 1) AS overall_low, ROUND(CAST(l.overall_high AS NUMERIC), 1) AS overall_high,
               l.benchmarks_covered, l.categories_covered,
               ROUND(CAST(l.input_usd_per_mtok AS NUMERIC), 2) AS input_usd_per_mtok,
               ROUND(CAST(l.output_usd_per_mtok AS NUMERIC), 2) AS output_usd_per_mtok,
               ROUND(CAST(l.blended_usd_per_mtok AS NUMERIC), 2) AS blended_usd_per_mtok,
               ROUND(CAST(l.output_tokens_per_s AS NUMERIC), 0) AS output_tokens_per_s,
               ROUND(CAST(l.ttft_s AS NUMERIC), 2) AS ttft_s, l.context_window_tokens,
               CASE WHEN l.is_reasoning IS NULL THEN NULL WHEN l.is_reasoning THEN 'yes' ELSE 'no' END AS reasoning,
               l.unranked_reason
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.index_score DESC, l.model_id""",
    ),
    "v_head_to_head_latest": (
        "mart_head_to_head rows of the newest snapshot, with model_a_name and model_b_name",
        """
        SELECT h.*, ma.display_name AS model_a_name, mb.display_name AS model_b_name
        FROM mart_head_to_head h
        JOIN dim_model ma ON ma.model_id = h.model_a_id
        JOIN dim_model mb ON mb.model_id = h.model_b_id
        WHERE h.snapshot_date = (SELECT max(snapshot_date) FROM mart_head_to_head)""",
    ),
    "v_model_rank_history": (
        "Each model's overall score and rank per snapshot and lane, over time",
        """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id""",
    ),
}

MODELS = [
    DimCategory, DimBenchmark, DimModel, DimSource, FctBenchmarkObservation, FctBenchmarkScore, FctModelPrice,
    FctModelRuntime, MartCategoryScore, MartLeaderboard, MartHeadToHead, MartHeadToHeadCategory,
    OpsRawPayload, OpsPipelineRun, OpsQuarantine, OpsUnmatchedName,
]


def table(name: str):
    return SQLModel.metadata.tables[name]

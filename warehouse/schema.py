"""The warehouse schema, one SQLModel class per table; names follow dbt layering (dim_, fct_, mart_, ops_).

Grain is the primary key. Column names here are what BI dashboards rely on: add, never rename.
"""

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


def _pk(**kw):
    return Field(primary_key=True, **kw)


class DimCategory(SQLModel, table=True):
    __tablename__ = "dim_category"
    category_id: str = _pk(description="Category id, e.g. coding")
    display_name: str
    weight: float = Field(description="Weight in the overall score (fractions sum to 1)")


class DimBenchmark(SQLModel, table=True):
    __tablename__ = "dim_benchmark"
    benchmark_id: str = _pk()
    display_name: str
    category_id: str
    is_weighted: bool = Field(description="Counts toward category scores; else display-only")
    scale: str = Field(description="percent | fraction | elo | explicit")
    scale_min: float | None = None
    scale_max: float | None = None
    higher_is_better: bool
    version: str
    freshness: str = Field(description="current | stale | saturated")


class DimModel(SQLModel, table=True):
    __tablename__ = "dim_model"
    model_id: str = _pk()
    display_name: str
    vendor: str
    family: str | None = None
    is_reasoning: bool | None = None
    context_window_tokens: int | None = None
    max_output_tokens: int | None = None
    open_weights: bool | None = None
    release_date: date | None = None


class DimSource(SQLModel, table=True):
    __tablename__ = "dim_source"
    source_id: str = _pk()
    kind: str
    format: str
    url: str
    license: str | None = None
    priority: int
    provenance_default: str
    on_failure: str


class FctBenchmarkObservation(SQLModel, table=True):
    __tablename__ = "fct_benchmark_observation"
    snapshot_date: date = _pk()
    source_id: str = _pk()
    model_id: str = _pk()
    benchmark_id: str = _pk()
    raw_value: float
    unit: str | None = None
    score: float = Field(description="Normalized 0..100, higher is better")
    observed_on: date | None = None
    provenance: str = Field(description="verified | unverified | generated")
    citation: str | None = None
    source_model_name: str = Field(description="The model name as the source wrote it")


class FctBenchmarkScore(SQLModel, table=True):
    __tablename__ = "fct_benchmark_score"
    snapshot_date: date = _pk()
    model_id: str = _pk()
    benchmark_id: str = _pk()
    score: float
    raw_value: float
    source_id: str
    provenance: str
    observed_on: date | None = None
    citation: str | None = None


class FctModelPrice(SQLModel, table=True):
    __tablename__ = "fct_model_price"
    snapshot_date: date = _pk()
    model_id: str = _pk()
    source_id: str = _pk()
    provider: str = _pk()
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    blended_usd_per_mtok: float = Field(description="(3 x input + output) / 4")
    mean_usd_per_mtok: float = Field(description="(input + output) / 2")
    source_model_name: str


class FctModelRuntime(SQLModel, table=True):
    __tablename__ = "fct_model_runtime"
    snapshot_date: date = _pk()
    model_id: str = _pk()
    source_id: str = _pk()
    provider: str
    output_tokens_per_s: float | None = None
    ttft_s: float | None = None


class MartCategoryScore(SQLModel, table=True):
    __tablename__ = "mart_category_score"
    snapshot_date: date = _pk()
    lane: str = _pk()
    model_id: str = _pk()
    category_id: str = _pk()
    score: float
    n_benchmarks: int
    coverage: float = Field(description="n_benchmarks / weighted benchmarks in the category")


class MartLeaderboard(SQLModel, table=True):
    __tablename__ = "mart_leaderboard"
    snapshot_date: date = _pk()
    lane: str = _pk()
    model_id: str = _pk()
    overall_score: float
    rank: int | None = Field(default=None, description="NULL when not ranked")
    is_ranked: bool
    categories_covered: int
    weight_covered: float
    input_usd_per_mtok: float | None = None
    output_usd_per_mtok: float | None = None
    blended_usd_per_mtok: float | None = None
    mean_usd_per_mtok: float | None = None
    price_source_id: str | None = None
    output_tokens_per_s: float | None = None
    ttft_s: float | None = None
    runtime_source_id: str | None = None
    context_window_tokens: int | None = None
    is_reasoning: bool | None = None


class MartHeadToHead(SQLModel, table=True):
    __tablename__ = "mart_head_to_head"
    snapshot_date: date = _pk()
    lane: str = _pk()
    model_a_id: str = _pk()
    model_b_id: str = _pk()
    overall_a: float
    overall_b: float
    overall_diff: float = Field(description="overall_a - overall_b")
    leader_model_id: str | None = Field(default=None, description="NULL when level (gap under 1 point)")
    shared_categories: int
    sharpest_category_id: str | None = None
    swing_benchmark_id: str | None = None
    swing_a: float | None = None
    swing_b: float | None = None
    verdict: str = Field(sa_column=Column(Text, nullable=False))


class MartHeadToHeadCategory(SQLModel, table=True):
    __tablename__ = "mart_head_to_head_category"
    snapshot_date: date = _pk()
    lane: str = _pk()
    model_a_id: str = _pk()
    model_b_id: str = _pk()
    category_id: str = _pk()
    score_a: float
    score_b: float
    diff: float
    top_benchmark_id: str | None = None
    same_benchmarks: bool = Field(description="Both averages rest on the same benchmarks")


class OpsRawPayload(SQLModel, table=True):
    __tablename__ = "ops_raw_payload"
    source_id: str = _pk()
    sha256: str = _pk()
    url: str
    bytes: int
    path: str
    fetched_at: datetime = Field(description="First time this content was fetched (UTC)")
    last_fetched_at: datetime = Field(description="Latest time this content was fetched (UTC)")


class OpsPipelineRun(SQLModel, table=True):
    __tablename__ = "ops_pipeline_run"
    run_id: str = _pk()
    flow: str
    snapshot_date: date
    status: str = Field(description="running | success | success_stale | failed_validation | failed")
    started_at: datetime
    finished_at: datetime | None = None
    row_counts: str | None = Field(default=None, sa_column=Column(Text), description="JSON: rows per table")
    sources: str | None = Field(default=None, sa_column=Column(Text), description="JSON: payload and freshness per source")
    stages: str | None = Field(default=None, sa_column=Column(Text), description="JSON: seconds per stage")
    quarantined: int = 0
    unmatched: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


class OpsQuarantine(SQLModel, table=True):
    __tablename__ = "ops_quarantine"
    run_id: str = _pk()
    seq: int = _pk(sa_column_kwargs={"autoincrement": False})
    snapshot_date: date
    source_id: str | None = None
    stage: str
    rule: str
    record: str = Field(sa_column=Column(Text, nullable=False))


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
DIMENSIONS = ["dim_category", "dim_benchmark", "dim_model", "dim_source"]

VIEWS = {
    "v_leaderboard_latest": """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)""",
    "v_head_to_head_latest": """
        SELECT h.*, ma.display_name AS model_a_name, mb.display_name AS model_b_name
        FROM mart_head_to_head h
        JOIN dim_model ma ON ma.model_id = h.model_a_id
        JOIN dim_model mb ON mb.model_id = h.model_b_id
        WHERE h.snapshot_date = (SELECT max(snapshot_date) FROM mart_head_to_head)""",
    "v_model_rank_history": """
        SELECT snapshot_date, lane, model_id, overall_score, rank, is_ranked
        FROM mart_leaderboard""",
}


def table(name: str):
    return SQLModel.metadata.tables[name]

"""The nightly flow: fetch every source, land, parse, resolve, validate, transform, publish today's snapshot."""

from datetime import date, datetime, timezone
from pathlib import Path
import time
import uuid

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from benchmart import stages
from benchmart.catalog import load_catalog
from benchmart.errors import BenchmartError, ValidationFailed
from benchmart.fetch import session
from benchmart.landing import LandingZone
from benchmart.report import RunResult, sources_markdown, validation_markdown
from benchmart.settings import Settings
from benchmart.sources import SourceConfig, load_sources
from transforms import schemas
from transforms.snapshot import Rules
from warehouse.engine import create_schema, make_engine
from warehouse.publish import publish_snapshot
from warehouse.runs import previous_counts, record_payloads, record_run

FLOW_NAME = "benchmart-nightly"


@task(name="fetch-source", task_run_name="fetch-{source.id}", cache_policy=NO_CACHE)
def fetch_source(source: SourceConfig, landing_dir: Path, http_retries: int, http_backoff_s: float) -> stages.SourceRead:
    return stages.acquire(source, LandingZone(landing_dir), http=session(http_retries, http_backoff_s))


def fetch_all(sources: list[SourceConfig], settings: Settings) -> list[stages.SourceRead]:
    """Fetch every source concurrently; a source still failing after its retries falls back as configured."""
    delay = settings.fetch_retry_delay_s
    fetcher = fetch_source.with_options(retries=settings.fetch_retries, retry_delay_seconds=[delay * 4**i for i in range(settings.fetch_retries)] or 0)
    futures = [fetcher.submit(s, settings.landing_dir, settings.http_retries, settings.http_backoff_s) for s in sources]
    return [_read_or_fall_back(s, f, settings.landing_dir) for s, f in zip(sources, futures)]


@task(name="parse-sources", cache_policy=NO_CACHE)
def parse_sources(reads: list[stages.SourceRead], landing_dir: Path) -> list[stages.SourceRead]:
    return [stages.parse(r, LandingZone(landing_dir)) for r in reads]


@task(name="resolve-names", cache_policy=NO_CACHE)
def resolve_names(reads, catalog, snapshot_date) -> stages.Inputs:
    return stages.resolve_inputs(reads, catalog, snapshot_date)


@task(name="validate-and-transform", cache_policy=NO_CACHE)
def validate_and_transform(inputs, catalog, sources, snapshot_date, previous, rules, max_drop) -> stages.Built:
    return stages.build(inputs, catalog, sources, snapshot_date, previous, rules, max_drop)


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish(engine_url: str, snapshot_date: date, built: stages.Built, dims: dict, record, retention: int | None) -> dict[str, int]:
    engine = make_engine(engine_url, writer=True)
    try:
        return publish_snapshot(engine, snapshot_date, built.tables, dims, before_commit=record, h2h_retention_days=retention)
    finally:
        engine.dispose()


def _run_name() -> str:
    day = flow_run.parameters.get("snapshot_date") or _scheduled_date()
    return f"nightly-{day}"


def _scheduled_date() -> date:
    scheduled = flow_run.scheduled_start_time
    return scheduled.date() if scheduled else datetime.now(timezone.utc).date()


@flow(name=FLOW_NAME, flow_run_name=_run_name, log_prints=False)
def nightly(
    snapshot_date: date | None = None,
    warehouse_url: str | None = None,
    sources_file: str | None = None,
    data_dir: str | None = None,
) -> RunResult:
    """Fetch every source, land, parse, resolve, validate, transform and publish one snapshot."""
    settings = _settings(warehouse_url, sources_file, data_dir)
    day = as_date(snapshot_date) if snapshot_date else _scheduled_date()
    catalog = load_catalog(settings.catalog_dir)
    sources = load_sources(settings.sources_file)
    reads = fetch_all(sources, settings)
    return run_snapshot(FLOW_NAME, day, reads, catalog, sources, settings)


def _read_or_fall_back(source: SourceConfig, future, landing: Path) -> stages.SourceRead:
    state = future.wait() or future.state
    if state.is_completed():
        return future.result()
    try:
        future.result()
    except BenchmartError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - the task's failure is reported, then handled as configured
        error = f"{type(exc).__name__}: {exc}"
    get_run_logger().warning("source %s failed after retries: %s", source.id, error)
    return stages.fall_back(source, LandingZone(landing), error)


def run_snapshot(flow_name, day, reads, catalog, sources, settings: Settings) -> RunResult:
    """Shared by nightly and backfill: parse -> resolve -> validate/transform -> publish, with the run record."""
    log = get_run_logger()
    run_id = str(flow_run.id or uuid.uuid4())
    started, timer = datetime.now(timezone.utc), time.perf_counter()
    stage_s: dict[str, float] = {}
    url = settings.resolved_warehouse_url()
    engine = make_engine(url)
    create_schema(engine)
    result = RunResult(run_id=run_id, snapshot_date=day, status="running", warehouse_url=url)
    quarantine = schemas.empty(schemas.QUARANTINE)
    try:
        t = time.perf_counter()
        reads = parse_sources(reads, settings.landing_dir)
        result.sources = [r.summary() for r in reads]
        stage_s["parse"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        inputs = resolve_names(reads, catalog, day)
        result.unmatched = inputs.unmatched
        stage_s["resolve"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        built = validate_and_transform(
            inputs, catalog, sources, day, previous_counts(engine, day),
            Rules(settings.min_categories, settings.min_weight_covered), settings.max_row_drop,
        )
        quarantine, result.checks, result.failures = built.quarantine, built.checks, built.failures
        result.quarantined = quarantine.height
        stage_s["validate_transform"] = round(time.perf_counter() - t, 3)
        if built.failures:
            raise ValidationFailed(
                f"snapshot {day} not published: {len(built.failures)} batch expectation(s) failed: "
                + "; ".join(built.failures)
            )
        result.status = "success_stale" if result.stale_sources else "success"
        result.row_counts = {k: v.height for k, v in built.tables.items()}
        dims = _dimensions(catalog, sources, built)
        payloads = _payload_rows(reads, settings.landing_dir)

        def record(conn):
            record_payloads(conn, payloads)
            stage_s["publish"] = round(time.perf_counter() - t, 3)
            result.stages = stage_s
            record_run(conn, run_id, flow_name, day, result.status, started, datetime.now(timezone.utc),
                       result.row_counts, result.sources, stage_s, quarantine, result.unmatched.height)

        t = time.perf_counter()
        publish(url, day, built, dims, record, settings.h2h_retention_days)
        for s in result.stale_sources:
            log.warning("source %s is %s: %s", s["source_id"], s["status"], s.get("error"))
        _artifacts(result, built)
        log.info("published snapshot %s (%s): %s", day, result.status, result.row_counts)
        return result
    except BenchmartError as exc:
        result.status = "failed_validation" if isinstance(exc, ValidationFailed) else "failed"
        _record_failure(engine, result, flow_name, started, stage_s, quarantine, str(exc))
        _artifacts(result, None)
        raise
    except Exception as exc:
        result.status = "failed"
        _record_failure(engine, result, flow_name, started, stage_s, quarantine, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        engine.dispose()


def as_date(value) -> date:
    """Prefect hands date parameters over as its own Date type; make it a plain datetime.date."""
    return date.fromisoformat(str(value)[:10])


def _settings(warehouse_url, sources_file, data_dir) -> Settings:
    overrides = {k: v for k, v in {"warehouse_url": warehouse_url, "sources_file": sources_file, "data_dir": data_dir}.items() if v}
    return Settings(**overrides)


def _dimensions(catalog, sources, built) -> dict[str, pl.DataFrame]:
    return {
        "dim_category": catalog.categories_frame(),
        "dim_benchmark": catalog.benchmarks_frame().drop("aliases"),
        "dim_model": built.tables["dim_model"],
        "dim_source": pl.DataFrame(
            [
                {"source_id": s.id, "kind": s.kind, "format": s.format, "url": s.url, "license": s.license,
                 "priority": s.priority, "provenance_default": s.provenance, "on_failure": s.on_failure}
                for s in sources
            ]
        ),
    }


def _payload_rows(reads, landing_dir) -> pl.DataFrame:
    zone = LandingZone(landing_dir)
    rows = []
    for r in reads:
        if r.payload is None:
            continue
        seen = [p.fetched_at for p in zone.history(r.source.id) if p.sha256 == r.payload.sha256] or [r.payload.fetched_at]
        rows.append({"source_id": r.source.id, "sha256": r.payload.sha256, "url": r.payload.url, "bytes": r.payload.bytes,
                     "path": r.payload.path, "fetched_at": min(seen), "last_fetched_at": max(seen)})
    return pl.DataFrame(rows, schema={"source_id": pl.String, "sha256": pl.String, "url": pl.String, "bytes": pl.Int64,
                                      "path": pl.String, "fetched_at": pl.Datetime("us", "UTC"), "last_fetched_at": pl.Datetime("us", "UTC")})


def _record_failure(engine, result, flow_name, started, stage_s, quarantine, error) -> None:
    try:
        writer = make_engine(result.warehouse_url, writer=True)
        with writer.begin() as conn:
            record_run(conn, result.run_id, flow_name, result.snapshot_date, result.status, started,
                       datetime.now(timezone.utc), {}, result.sources, stage_s,
                       quarantine, result.unmatched.height, error)
        writer.dispose()
    except Exception as exc:  # noqa: BLE001 - never mask the run's own error with the record's
        get_run_logger().error("could not record the failed run: %s", exc)


def _artifacts(result: RunResult, built) -> None:
    day = result.snapshot_date
    if built is not None:
        board = built.tables["mart_leaderboard"].filter((pl.col("lane") == "provisional") & pl.col("is_ranked")).head(10)
        create_table_artifact(
            key="leaderboard-top",
            table=board.select("rank", "model_id", pl.col("overall_score").round(1), "categories_covered", "blended_usd_per_mtok").to_dicts(),
            description=f"Top 10, provisional lane, snapshot {day}",
        )
    create_markdown_artifact(key="validation-summary", markdown=validation_markdown(result), description=f"Validation, snapshot {day}")
    unmatched = result.unmatched.head(50).to_dicts() if result.unmatched.width else []
    create_table_artifact(key="unmatched-names", table=unmatched or [{"note": "every name resolved"}], description=f"Unmatched names, snapshot {day}")
    create_markdown_artifact(key="source-freshness", markdown=sources_markdown(result), description=f"Sources, snapshot {day}")

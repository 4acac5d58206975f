"""One snapshot, end to end after acquisition: parse -> resolve -> validate/transform -> publish, with its run record.

Shared by the nightly flow (each stage a Prefect task) and the backfill (one task per date, stages called plainly).
"""

from datetime import date, datetime, timedelta, timezone
import hashlib
import inspect
from pathlib import Path
import time

import polars as pl
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from benchmart import connectors, stages
from benchmart.errors import BenchmartError, ValidationFailed
from benchmart.landing import LandingZone
from benchmart.report import RunResult, sources_markdown, validation_markdown
from benchmart.settings import Settings
from transforms import schemas
from transforms.snapshot import Rules
from warehouse.engine import create_schema, make_engine
from warehouse.publish import publish_snapshot
from warehouse.runs import previous_counts, record_payloads, record_run


def _parse_cache_key(context, parameters) -> str:
    """An unchanged payload is not parsed again: key = source config + payload sha256 + connector code."""
    source, sha256 = parameters["source"], parameters["sha256"]
    connectors.known_formats()
    module = inspect.getmodule(connectors._REGISTRY[source.format])
    code = hashlib.sha256(inspect.getsource(module).encode()).hexdigest()[:16]
    config = hashlib.sha256(source.model_dump_json().encode()).hexdigest()[:16]
    return f"parse-{source.id}-{sha256[:32]}-{config}-{code}"


@task(name="parse-payload", task_run_name="parse-{source.id}", cache_key_fn=_parse_cache_key,
      persist_result=True, cache_expiration=timedelta(days=30))
def parse_payload_cached(source, sha256: str, path: str) -> connectors.Parsed:
    return connectors.parse_payload(Path(path).read_bytes(), source)


def _cached_parser(source, payload) -> connectors.Parsed:
    return parse_payload_cached(source, payload.sha256, payload.path)


@task(name="resolve-names", cache_policy=NO_CACHE)
def resolve_names(reads, catalog, snapshot_date) -> stages.Inputs:
    return stages.resolve_inputs(reads, catalog, snapshot_date)


@task(name="validate-and-transform", cache_policy=NO_CACHE)
def validate_and_transform(inputs, catalog, sources, snapshot_date, previous, rules, max_drop, freshness) -> stages.Built:
    return stages.build(inputs, catalog, sources, snapshot_date, previous, rules, max_drop, freshness)


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish(engine_url: str, snapshot_date: date, built: stages.Built, dims: dict, record, retention: int | None, wait_s: float) -> dict[str, int]:
    engine = make_engine(engine_url, writer=True, busy_timeout_ms=int(wait_s * 1000))
    try:
        return publish_snapshot(engine, snapshot_date, built.tables, dims, before_commit=record,
                                h2h_retention_days=retention, lock_wait_s=wait_s)
    finally:
        engine.dispose()


def describe_error(exc: BaseException) -> str:
    """One line: a benchmart error as written (it names the input and the fix), others with their type."""
    return str(exc) if isinstance(exc, BenchmartError) else f"{type(exc).__name__}: {exc}"


def failure_message(future) -> str:
    """Why a Prefect future's task failed, in one line."""
    try:
        future.result()
    except Exception as exc:  # noqa: BLE001 - reported by the caller, which decides what failure means
        return describe_error(exc)
    return "unknown error"


def _as_task(t, *args):
    return t(*args)


def _plain(t, *args):
    return t.fn(*args)


def run_snapshot(flow_name, day, reads, catalog, sources, settings: Settings, run_id: str,
                 as_tasks: bool = True, artifacts: bool = True) -> RunResult:
    """parse -> resolve -> validate/transform -> publish, leaving the run record; raises on failure.

    `as_tasks`: each stage a Prefect task (nightly); else plain calls inside the caller's task (backfill)."""
    log = get_run_logger()
    call = _as_task if as_tasks else _plain
    started = datetime.now(timezone.utc)
    stage_s: dict[str, float] = {}
    url = settings.resolved_warehouse_url()
    engine = make_engine(url)
    create_schema(engine)
    result = RunResult(run_id=run_id, snapshot_date=day, status="running", warehouse_url=url)
    quarantine = schemas.empty(schemas.QUARANTINE)
    try:
        t = time.perf_counter()
        zone = LandingZone(settings.landing_dir)
        reads = [stages.parse(r, zone, parser=_cached_parser if as_tasks else stages.parse_landed) for r in reads]
        result.sources = [r.summary() for r in reads]
        stage_s["parse"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        inputs = call(resolve_names, reads, catalog, day)
        result.unmatched = inputs.unmatched
        for summary in result.sources:  # left out of this snapshot by date, so counted rather than silently gone
            summary["rows_after_snapshot_date"] = inputs.after_snapshot.get(summary["source_id"], 0)
        stage_s["resolve"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        built = call(
            validate_and_transform, inputs, catalog, sources, day, previous_counts(engine, day),
            Rules(settings.min_categories, settings.min_weight_covered), settings.max_row_drop,
            pl.DataFrame(result.sources, schema_overrides={"error": pl.String}).select("source_id", "status"),
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
        call(publish, url, day, built, dims, record, settings.h2h_retention_days, settings.publish_wait_s)
        for s in result.stale_sources:
            log.warning("source %s is %s: %s", s["source_id"], s["status"], s.get("error"))
        if artifacts:
            _artifacts(result, built)
        log.info("published snapshot %s (%s): %s", day, result.status, result.row_counts)
        return result
    except Exception as exc:
        result.status = "failed_validation" if isinstance(exc, ValidationFailed) else "failed"
        _record_failure(result, flow_name, started, stage_s, quarantine, describe_error(exc), settings.publish_wait_s)
        if artifacts and isinstance(exc, BenchmartError):  # an unexpected error may have no summary to show
            _artifacts(result, None)
        raise
    finally:
        engine.dispose()


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


def _record_failure(result, flow_name, started, stage_s, quarantine, error, wait_s: float) -> None:
    writer = make_engine(result.warehouse_url, writer=True, busy_timeout_ms=int(wait_s * 1000))
    try:
        with writer.begin() as conn:
            record_run(conn, result.run_id, flow_name, result.snapshot_date, result.status, started,
                       datetime.now(timezone.utc), {}, result.sources, stage_s,
                       quarantine, result.unmatched.height, error)
    except Exception as exc:  # noqa: BLE001 - never mask the run's own error with the record's
        get_run_logger().error("could not record the failed run: %s", exc)
    finally:
        writer.dispose()


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

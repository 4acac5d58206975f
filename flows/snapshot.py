"""One snapshot after acquisition: parse -> resolve -> validate and build -> publish, leaving its run record.

Shared by the nightly flow (each stage a Prefect task) and the backfill (one task per date, stages called plainly).
"""

from datetime import date

import polars as pl
from prefect import get_run_logger

from benchmart import contracts
from benchmart.errors import BenchmartError, ValidationFailed
from benchmart.flows import tasks
from benchmart.flows.record import RunResult, publish_artifacts
from benchmart.ingest import acquire, connectors
from benchmart.ingest.catalog import Catalog
from benchmart.ingest.sources import sources_frame
from benchmart.settings import Settings
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.runs import previous_counts


def run_snapshot(flow: str, day: date, reads: list[acquire.SourceRead], catalog: Catalog, sources, settings: Settings,
                 run_id: str, as_tasks: bool = True) -> RunResult:
    """Parse, resolve, validate and build, publish; raises on failure after recording it.

    `as_tasks`: each stage a Prefect task with artifacts (nightly); else plain calls inside the caller's task (backfill)."""
    call = (lambda t, *a: t(*a)) if as_tasks else (lambda t, *a: t.fn(*a))
    result = RunResult(run_id, flow, day, settings.resolved_warehouse_url())
    engine = make_engine(result.warehouse_url)
    ensure_current(engine)
    try:
        with result.stage("parse"):
            reads = [acquire.parse(r, parser=tasks.cached_parser if as_tasks else acquire.parse_landed) for r in reads]
            result.sources = [r.summary() for r in reads]
        with result.stage("resolve"):
            first_fetched = {r.source.id: r.payload_row()["fetched_at"].date() for r in reads if r.payload is not None}
            inputs = call(tasks.resolve, acquire.combined(reads), catalog, sources_frame(sources), day, first_fetched)
            result.unmatched = inputs.unmatched
            for summary in result.sources:  # left out of this snapshot by date, so counted rather than silently gone
                summary["rows_after_snapshot_date"] = inputs.after_snapshot.get(summary["source_id"], 0)
                summary["rows_before_release"] = inputs.before_release.get(summary["source_id"], 0)
        with result.stage("validate_transform"):
            carries = {r.source.id: sorted(connectors.provides(r.source)) for r in reads}
            freshness = pl.DataFrame([(s["source_id"], s["status"], carries[s["source_id"]]) for s in result.sources],
                                     schema=contracts.FRESHNESS, orient="row")
            built = call(tasks.validate_and_transform, inputs, catalog, sources_frame(sources), day, previous_counts(engine, day),
                         settings.rank_rules, settings.max_row_drop, freshness, settings.h2h_top_k)
            result.quarantine, result.checks, result.failures = built.quarantine, built.checks, built.failures
        if built.failures:
            raise ValidationFailed(f"snapshot {day} not published: {len(built.failures)} batch expectation(s) failed: "
                                   + "; ".join(built.failures))
        result.status = "success_stale" if result.stale_sources else "success"
        result.row_counts = {k: v.height for k, v in built.tables.items()}
        result.payloads = pl.DataFrame([r.payload_row() for r in reads if r.payload is not None], schema=PAYLOADS)
        with result.stage("publish"):
            call(tasks.publish, result.warehouse_url, day, built.tables, result.write, settings.h2h_retention_days,
                 settings.publish_wait_s)
    except Exception as exc:
        result.write_failure(exc, settings.publish_wait_s)
        if as_tasks and isinstance(exc, BenchmartError):  # an unexpected error may have no summary to show
            publish_artifacts(result, None)
        raise
    finally:
        engine.dispose()
    log = get_run_logger()
    for s in result.stale_sources:
        log.warning("source %s is %s: %s", s["source_id"], s["status"], s.get("error"))
    if as_tasks:
        publish_artifacts(result, built.tables)
    log.info("published snapshot %s (%s): %s", day, result.status, result.row_counts)
    return result


PAYLOADS = {"source_id": pl.String, "sha256": pl.String, "url": pl.String, "bytes": pl.Int64, "path": pl.String,
            "fetched_at": pl.Datetime("us", "UTC"), "last_fetched_at": pl.Datetime("us", "UTC")}

"""One snapshot after acquisition: parse -> resolve -> validate and build -> publish, leaving its run record.

Shared by the nightly flow (each stage a Prefect task) and the backfill (one task per date, stages called plainly).
"""

from datetime import date

import polars as pl
from prefect import get_run_logger

from benchmart import contracts
from benchmart.errors import BenchmartError, ValidationFailed
from benchmart.flows import tasks
from benchmart.flows.build import dated_inputs, resolve_payload_rows
from benchmart.flows.record import RunResult, publish_artifacts
from benchmart.ingest import acquire, connectors
from benchmart.ingest.catalog import Catalog
from benchmart.ingest.sources import sources_frame
from benchmart.settings import Settings
from benchmart.transforms import accounting
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.runs import previous_counts


def run_snapshot(flow: str, day: date, reads: list[acquire.SourceRead], catalog: Catalog, sources, settings: Settings,
                 run_id: str, as_tasks: bool = True, parser=None, reuse=None, started: RunResult | None = None,
                 migrated: bool = False) -> RunResult:
    """Parse, resolve, validate and build, publish; raises on failure after recording it.

    `as_tasks`: each stage a Prefect task with artifacts (nightly); else plain calls inside the caller's task (backfill).
    `parser(source, payload)`: how a landed payload is parsed (default: Prefect's cached task, or a plain parse).
    `started`: the run's record when the caller already wrote its `running` row (the nightly, before fetching).
    `migrated`: the caller already brought the warehouse to the current schema (a backfill, once before its dates).
    `reuse(key, build)`: returns build() or the result of an earlier call with the same key (a backfill resolves a set
    of payloads once, and its dates of one `input_class` share their inputs and built tables, stamped with each date)."""
    call = (lambda t, *a: t(*a)) if as_tasks else (lambda t, *a: t.fn(*a))
    result = started or RunResult(run_id, flow, day, settings.resolved_warehouse_url())
    if started is None:
        result.write_start(settings.publish_wait_s, migrate=not migrated)
    engine = make_engine(result.warehouse_url)
    try:
        with result.stage("parse"):
            parser = parser or (tasks.cached_parser if as_tasks else acquire.parse_landed)
            reads = [acquire.parse(r, parser=parser) for r in reads]
            result.sources = [r.summary() for r in reads]
        carries = {r.source.id: sorted(connectors.provides(r.source)) for r in reads}

        first_fetched = {r.source.id: r.payload_row()["fetched_at"].date() for r in reads if r.payload is not None}

        def build(inputs):
            with result.stage("validate_transform"):
                freshness = pl.DataFrame([(s["source_id"], s["status"], carries[s["source_id"]]) for s in result.sources],
                                         schema=contracts.FRESHNESS, orient="row")
                built = call(tasks.validate_and_transform, inputs, catalog, sources_frame(sources), day, previous_counts(engine, day),
                             settings.rank_rules, settings.max_row_drop, freshness, settings.h2h_top_k)
            return inputs, built

        shared = None  # a backfill's build shared by the dates of one input class
        if reuse is None:
            with result.stage("resolve"):
                inputs = call(tasks.resolve, acquire.combined(reads), catalog, sources_frame(sources), day, first_fetched)
            inputs, built = build(inputs)
        else:  # a backfill: a set of payloads is resolved once, and the dates of one input class share one build
            with result.stage("resolve"):
                resolved = reuse(("resolved", payload_key(reads)),
                                 lambda: resolve_payload_rows(acquire.combined(reads), catalog, sources_frame(sources)))
            with result.stage("reuse"):
                inputs, shared = reuse(input_class(day, reads, resolved.release_marks),
                                       lambda: build(dated_inputs(resolved, day, first_fetched)))
                built = shared.stamped(day)
                result.detail_of = built.published[1] if built.published else None  # its run record's detail rows, too
        result.unmatched = inputs.unmatched
        for summary in result.sources:  # left out of this snapshot by date, so counted rather than silently gone
            summary["rows_after_snapshot_date"] = inputs.after_snapshot.get(summary["source_id"], 0)
            summary["rows_before_release"] = inputs.before_release.get(summary["source_id"], 0)
        result.quarantine, result.checks, result.failures = built.quarantine, built.checks, built.failures
        book = accounting.ledger(
            pl.DataFrame([(s["source_id"], s["rows_read"], s["parse_rejects"]) for s in result.sources],
                         schema={"source_id": pl.String, "rows_read": pl.Int64, "parse_rejects": pl.Int64}, orient="row"),
            built.tables, built.quarantine,
            pl.DataFrame([(s["source_id"], s["rows_after_snapshot_date"] + s["rows_before_release"]) for s in result.sources],
                         schema={"source_id": pl.String, "rows": pl.Int64}, orient="row"))
        lines = {r.pop("source_id"): r for r in book.drop("rows_read", "parse_rejects").to_dicts()}
        for summary in result.sources:
            summary |= {f"rows_{k}": v for k, v in lines[summary["source_id"]].items()}
        if off := accounting.unbalanced(book):
            raise ValidationFailed(f"snapshot {day} not published: rows unaccounted for (a bug; please report it): " + "; ".join(off))
        if built.failures:
            raise ValidationFailed(f"snapshot {day} not published: {len(built.failures)} batch expectation(s) failed: "
                                   + "; ".join(built.failures))
        result.status = "success_stale" if result.stale_sources else "success"
        result.row_counts = {k: v.height for k, v in built.tables.items()}
        result.payloads = pl.DataFrame([r.payload_row() for r in reads if r.payload is not None], schema=PAYLOADS)
        with result.stage("publish"):  # a date sharing its build with one already published copies it in the warehouse
            call(tasks.publish, result.warehouse_url, day, built.tables, result.write, settings.h2h_retention_days,
                 settings.publish_wait_s, built.published)
        if shared is not None and shared.published is None:
            shared.published = (day, run_id)
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


def input_class(day: date, reads: list[acquire.SourceRead], release_marks: frozenset[date]) -> tuple:
    """Dates with the same payloads (and statuses) and no dated row, first fetch or release date of a model with
    rows (`release_marks`) falling between them resolve to the same inputs and build the same tables: the key says
    which such class `day` is in. (A release of a model without rows changes nothing: the tables do not depend on
    the date otherwise, and dim_model lists every model whatever the date.)"""
    marks = set(release_marks)
    for r in reads:
        if r.payload is not None:
            marks.add(r.payload_row()["fetched_at"].date())
        if r.parsed is not None and "observed_on" in r.parsed.scores.columns:
            marks.update(r.parsed.scores["observed_on"].drop_nulls().unique().to_list())
    return payload_key(reads), sum(1 for m in marks if m <= day)


def payload_key(reads: list[acquire.SourceRead]) -> tuple:
    """Which payloads (and statuses) a snapshot is built from."""
    return tuple((r.source.id, r.payload.sha256 if r.payload else None, r.status) for r in reads)


PAYLOADS = {"source_id": pl.String, "sha256": pl.String, "url": pl.String, "bytes": pl.Int64, "path": pl.String,
            "fetched_at": pl.Datetime("us", "UTC"), "last_fetched_at": pl.Datetime("us", "UTC")}

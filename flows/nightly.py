"""The nightly flow: fetch every source, land, parse, resolve, validate, transform, publish today's snapshot."""

from datetime import date, datetime, timezone
import uuid

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from benchmart.errors import PermanentSourceError
from benchmart.flows import tasks
from benchmart.flows.record import RunResult, failure_message
from benchmart.flows.snapshot import run_snapshot
from benchmart.ingest import acquire
from benchmart.ingest.catalog import load_catalog
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.landing import LandingZone
from benchmart.ingest.sources import load_sources
from benchmart.settings import Settings

FLOW_NAME = "benchmart-nightly"


@flow(name=FLOW_NAME, flow_run_name=lambda: f"nightly-{flow_run.parameters.get('snapshot_date') or scheduled_date()}")
def nightly(snapshot_date: date | None = None, warehouse_url: str | None = None, sources_file: str | None = None,
            data_dir: str | None = None, site_dir: str | None = None) -> RunResult:
    """Fetch every source, land, parse, resolve, validate, transform and publish one snapshot; then, when a site
    folder is set (`site_dir`, BENCHMART_SITE_DIR), write the report site of that snapshot."""
    settings = settings_for(warehouse_url, sources_file, data_dir, site_dir)
    day = as_date(snapshot_date) if snapshot_date else scheduled_date()
    catalog, sources = load_catalog(settings.catalog_dir), load_sources(settings.sources_file)
    run = RunResult(str(flow_run.id or uuid.uuid4()), FLOW_NAME, day, settings.resolved_warehouse_url())
    run.write_start(settings.publish_wait_s)  # from here on, even a killed run leaves its ops_pipeline_run row
    try:
        reads = fetch_all(sources, settings)
    except Exception as exc:  # a source with on_failure: fail, or anything else before the snapshot stage
        run.write_failure(exc, settings.publish_wait_s)
        raise
    result = run_snapshot(FLOW_NAME, day, reads, catalog, sources, settings, run_id=run.run_id, started=run)
    if settings.site_dir is not None and result.status.startswith("success"):
        result.site = tasks.write_site(result.warehouse_url, catalog, settings.site_dir, day)
    return result


def fetch_all(sources: list[SourceConfig], settings: Settings) -> list[acquire.SourceRead]:
    """Fetch every source concurrently; a source still failing after its retries falls back as configured."""
    delays = [settings.fetch_retry_delay_s * 4**i for i in range(settings.fetch_retries)] or 0
    fetcher = tasks.fetch_source.with_options(retries=settings.fetch_retries, retry_delay_seconds=delays, retry_condition_fn=worth_retrying)
    futures = [fetcher.submit(s, settings.landing_dir, settings.http_retries, settings.http_backoff_s, settings.http_max_retry_after_s)
               for s in sources]
    return [_read_or_fall_back(s, f, settings) for s, f in zip(sources, futures)]


def worth_retrying(task, task_run, state) -> bool:
    """Prefect's retry condition: a failure that retrying cannot fix (a missing local file) fails at once."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            exc = state.result(raise_on_failure=False)
        except Exception:  # noqa: BLE001 - an unreadable result: retry as configured
            return True
    return not isinstance(exc, PermanentSourceError)


def _read_or_fall_back(source: SourceConfig, future, settings: Settings) -> acquire.SourceRead:
    state = future.wait() or future.state
    if state.is_completed():
        return future.result()
    error = failure_message(future)
    get_run_logger().warning("source %s failed after retries: %s", source.id, error)
    return acquire.fall_back(source, LandingZone(settings.landing_dir), error)


def scheduled_date() -> date:
    scheduled = flow_run.scheduled_start_time
    return scheduled.date() if scheduled else datetime.now(timezone.utc).date()


def as_date(value) -> date:
    """Prefect hands date parameters over as its own Date type; make it a plain datetime.date."""
    return date.fromisoformat(str(value)[:10])


def settings_for(warehouse_url=None, sources_file=None, data_dir=None, site_dir=None) -> Settings:
    overrides = {k: v for k, v in {"warehouse_url": warehouse_url, "sources_file": sources_file, "data_dir": data_dir,
                                   "site_dir": site_dir}.items() if v}
    return Settings(**overrides)

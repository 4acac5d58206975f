"""The nightly flow: fetch every source, land, parse, resolve, validate, transform, publish today's snapshot."""

from datetime import date, datetime, timezone
from pathlib import Path
import uuid

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from benchmart import stages
from benchmart.catalog import load_catalog
from benchmart.fetch import session
from benchmart.landing import LandingZone
from benchmart.report import RunResult
from benchmart.settings import Settings
from benchmart.sources import SourceConfig, load_sources
from flows.snapshot import failure_message, run_snapshot

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


def _run_name() -> str:
    day = flow_run.parameters.get("snapshot_date") or _scheduled_date()
    return f"nightly-{day}"


def _scheduled_date() -> date:
    scheduled = flow_run.scheduled_start_time
    return scheduled.date() if scheduled else datetime.now(timezone.utc).date()


@flow(name=FLOW_NAME, flow_run_name=_run_name, log_prints=False)  # tags come from the deployment
def nightly(
    snapshot_date: date | None = None,
    warehouse_url: str | None = None,
    sources_file: str | None = None,
    data_dir: str | None = None,
) -> RunResult:
    """Fetch every source, land, parse, resolve, validate, transform and publish one snapshot."""
    settings = settings_for(warehouse_url, sources_file, data_dir)
    day = as_date(snapshot_date) if snapshot_date else _scheduled_date()
    catalog = load_catalog(settings.catalog_dir)
    sources = load_sources(settings.sources_file)
    reads = fetch_all(sources, settings)
    return run_snapshot(FLOW_NAME, day, reads, catalog, sources, settings, run_id=str(flow_run.id or uuid.uuid4()))


def _read_or_fall_back(source: SourceConfig, future, landing: Path) -> stages.SourceRead:
    state = future.wait() or future.state
    if state.is_completed():
        return future.result()
    error = failure_message(future)
    get_run_logger().warning("source %s failed after retries: %s", source.id, error)
    return stages.fall_back(source, LandingZone(landing), error)


def as_date(value) -> date:
    """Prefect hands date parameters over as its own Date type; make it a plain datetime.date."""
    return date.fromisoformat(str(value)[:10])


def settings_for(warehouse_url=None, sources_file=None, data_dir=None) -> Settings:
    overrides = {k: v for k, v in {"warehouse_url": warehouse_url, "sources_file": sources_file, "data_dir": data_dir}.items() if v}
    return Settings(**overrides)



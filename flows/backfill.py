"""The backfill flow: rebuild each snapshot of a date range from the landing zone, dates in parallel.

Per source, a date uses the newest payload fetched on or before it (DESIGN section 7); dated rows
after the date are left out. A failing date is reported and does not stop the others.
"""

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
import sys
import threading
import uuid

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from benchmart.errors import BenchmartError, ConfigError
from benchmart.flows.nightly import as_date, settings_for
from benchmart.flows.record import failure_message
from benchmart.flows.snapshot import run_snapshot
from benchmart.ingest.acquire import as_of, parse_landed
from benchmart.ingest.connectors import Parsed
from benchmart.ingest.catalog import load_catalog
from benchmart.ingest.landing import LandingZone
from benchmart.ingest.sources import load_sources
from benchmart.settings import Settings
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current

FLOW_NAME = "benchmart-backfill"
RUNNERS = ("threads", "processes", "dask")


class BackfillFailed(BenchmartError):
    """Some dates failed; the others were published."""

    exit_code = 7

    def __init__(self, message: str, summary: list[dict]):
        super().__init__(message)
        self.summary = summary


class ParsedPayloads:
    """Each distinct landed payload parsed once per process, however many dates use it (thread-safe): a
    year of dates over a few dozen payloads parses a few dozen times, not once per date and source."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, str], Parsed] = {}
        self._lock = threading.Lock()

    def __call__(self, source, payload) -> Parsed:
        key = (source.model_dump_json(), payload.sha256)
        with self._lock:
            hit = self._parsed.get(key)
        if hit is None:
            hit = parse_landed(source, payload)  # a failure raises and is not remembered: the next date tries again
            with self._lock:
                self._parsed[key] = hit
        return hit

    def clear(self) -> None:
        with self._lock:
            self._parsed.clear()

    def __reduce__(self):  # sent to another process (Dask): an empty memo of its own there
        return (ParsedPayloads, ())


PARSED = ParsedPayloads()


class SharedSnapshots:
    """Dates of one input class (`flows.snapshot.input_class`: same payloads, no dated row, release or first fetch
    between them) resolve and build once; the others reuse the result, stamped with their date. One lock per
    class, so threads building different classes do not wait for each other, and a failed build is not kept."""

    KEEP = 16  # classes held at once: dates run roughly in order, so a class's dates come together

    def __init__(self) -> None:
        self._done: dict[tuple, object] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def __call__(self, key: tuple, build):
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                hit = self._done.get(key)
            if hit is None:
                hit = build()
                with self._lock:
                    self._done[key] = hit
                    while len(self._done) > self.KEEP:  # the oldest class goes; a late date of it builds again
                        self._done.pop(next(iter(self._done)))
            return hit

    def clear(self) -> None:
        with self._lock:
            self._done.clear()
            self._locks.clear()

    def __reduce__(self):  # sent to another process (Dask): an empty memo of its own there
        return (SharedSnapshots, ())


SHARED = SharedSnapshots()


@lru_cache(maxsize=8)
def _configuration(catalog_dir: Path, sources_file: Path, stamps: tuple) -> tuple:
    """The catalog and the sources file, read once per backfill (keyed by the files' modification times)."""
    return load_catalog(catalog_dir), load_sources(sources_file)


def _stamps(*paths: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for root in paths for p in ([root] if root.is_file() else Path(root).rglob("*"))
                        if p.is_file()))


@task(name="snapshot-for-date", task_run_name="backfill-{day}", cache_policy=NO_CACHE)
def snapshot_for_date(day: date, settings: Settings, parent_run: str) -> dict:
    catalog, sources = _configuration(settings.catalog_dir, settings.sources_file, _stamps(settings.catalog_dir, settings.sources_file))
    zone = LandingZone(settings.landing_dir)
    reads = [as_of(s, zone, day) for s in sources]
    run_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{parent_run}/{day}"))
    result = run_snapshot(FLOW_NAME, day, reads, catalog, sources, settings, run_id=run_id, as_tasks=False, parser=PARSED, reuse=SHARED,
                          migrated=True)
    return result.summary()


def days_between(start: date, end: date) -> list[date]:
    if end < start:
        raise ConfigError(f"backfill range is empty: --end {end} is before --start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@flow(name=FLOW_NAME, flow_run_name="backfill-{start}-to-{end}")
def backfill(
    start: date,
    end: date,
    workers: int = 4,
    runner: str = "threads",
    dask_address: str | None = None,
    warehouse_url: str | None = None,
    sources_file: str | None = None,
    data_dir: str | None = None,
) -> list[dict]:
    """Rebuild and publish every snapshot from `start` to `end` (inclusive), `workers` dates at a time
    on the chosen task runner (threads, processes, or a Dask cluster)."""
    if workers < 1:
        raise ConfigError("workers must be at least 1")
    log = get_run_logger()
    settings = settings_for(warehouse_url, sources_file, data_dir)
    load_sources(settings.sources_file)  # fail fast on a bad sources file, before any date runs
    engine = make_engine(settings.resolved_warehouse_url())
    ensure_current(engine)  # once, before the dates fan out
    engine.dispose()
    days = days_between(as_date(start), as_date(end))
    parent = str(flow_run.id or uuid.uuid4())
    summary = []
    with task_runner(runner, workers, dask_address) as pool, _progress(len(days)) as advance:
        futures = {pool.submit(snapshot_for_date, {"day": d, "settings": settings, "parent_run": parent}): d for d in days}
        for future in as_completed(list(futures)):
            day = futures[future]
            state = future.wait() or future.state
            if state.is_completed():
                row = future.result()
            else:
                row = {"snapshot_date": day.isoformat(), "status": "failed", "error": failure_message(future)}
                log.error("backfill %s failed: %s", day, row["error"])
            summary.append(row)
            advance(f"{day} {row['status']}")
    PARSED.clear()
    SHARED.clear()
    summary.sort(key=lambda r: r["snapshot_date"])
    failed = [r for r in summary if r["status"].startswith("failed")]
    create_table_artifact(key="backfill-summary", table=summary, description=f"Backfill {days[0]} to {days[-1]}")
    log.info("backfill %s..%s: %d published, %d failed", days[0], days[-1], len(summary) - len(failed), len(failed))
    if failed:
        raise BackfillFailed(f"{len(failed)} of {len(summary)} dates failed: " + ", ".join(r["snapshot_date"] for r in failed), summary)
    return summary


class _progress:
    """A Rich progress bar on a terminal; nothing when output is piped (the log lines tell the story)."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)
        return self._advance

    def _advance(self, text: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=text)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()


def task_runner(kind: str = "threads", workers: int = 4, dask_address: str | None = None):
    """The backfill's task runner: threads (default), processes, or a Dask cluster via prefect-dask."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:
            raise ConfigError("the dask runner needs prefect-dask: pip install 'benchmart[dask]'") from None
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    raise ConfigError(f"unknown runner {kind!r}; use one of {', '.join(RUNNERS)}")


def run_backfill(start: date, end: date, workers: int = 4, runner: str = "threads", dask_address: str | None = None, **params) -> list[dict]:
    """Run the backfill flow (the CLI's entry point; deployments pass the same parameters)."""
    return backfill(start=start, end=end, workers=workers, runner=runner, dask_address=dask_address, **params)

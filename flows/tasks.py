"""The Prefect tasks: coarse (a source, a stage), each a thin wrapper over a plain function."""

from datetime import date, timedelta
from functools import cache
import hashlib
from pathlib import Path

import polars as pl
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

import benchmart
from benchmart import contracts
from benchmart.flows.build import Built, resolve_with_registry, validate_and_build
from benchmart.ingest import acquire
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import Parsed, parse_payload
from benchmart.ingest.fetch import session
from benchmart.ingest.landing import LandingZone, Payload
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.publish import publish_snapshot


@task(name="fetch-source", task_run_name="fetch-{source.id}", cache_policy=NO_CACHE)
def fetch_source(source: SourceConfig, landing_dir: Path, http_retries: int, http_backoff_s: float,
                 max_retry_after_s: float = 60.0) -> acquire.SourceRead:
    return acquire.acquire(source, LandingZone(landing_dir), http=session(http_retries, http_backoff_s, max_retry_after_s))


def parser_files() -> list[Path]:
    """Every file a parse result depends on: the connectors (shared helpers included), the source config, the frame contracts."""
    roots = [Path(acquire.__file__).parent / "connectors", Path(acquire.__file__).parent / "config.py", Path(contracts.__file__)]
    return sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py")))


@cache
def parser_fingerprint() -> str:
    """The package version and a hash of every parser file, so a change to any of them invalidates cached parses."""
    digest = hashlib.sha256(benchmart.__version__.encode())
    for path in parser_files():
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _parse_cache_key(context, parameters) -> str:
    """An unchanged payload is not parsed again: key = source config + payload sha256 + parser code."""
    source, sha256 = parameters["source"], parameters["sha256"]
    config = hashlib.sha256(source.model_dump_json().encode()).hexdigest()[:16]
    return f"parse-{source.id}-{sha256[:32]}-{config}-{parser_fingerprint()}"


@task(name="parse-payload", task_run_name="parse-{source.id}", cache_key_fn=_parse_cache_key,
      persist_result=True, cache_expiration=timedelta(days=30))
def parse_cached(source: SourceConfig, sha256: str, path: str) -> Parsed:
    return parse_payload(Path(path).read_bytes(), source)


def cached_parser(source: SourceConfig, payload: Payload) -> Parsed:
    return parse_cached(source, payload.sha256, payload.path)


@task(name="resolve-names", cache_policy=NO_CACHE)
def resolve(parsed: Parsed, catalog, sources: pl.DataFrame, snapshot_date: date, first_fetched: dict):
    return resolve_with_registry(parsed, catalog, sources, snapshot_date, first_fetched)


@task(name="validate-and-transform", cache_policy=NO_CACHE)
def validate_and_transform(*args) -> Built:
    return validate_and_build(*args)


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish(engine_url: str, snapshot_date: date, tables: dict, record, retention: int | None, wait_s: float,
            same_as: tuple[date, str] | None = None) -> dict[str, int]:
    engine = make_engine(engine_url, writer=True, busy_timeout_ms=int(wait_s * 1000))
    try:
        return publish_snapshot(engine, snapshot_date, tables, before_commit=record, h2h_retention_days=retention,
                                lock_wait_s=wait_s, same_as=same_as)
    finally:
        engine.dispose()


@task(name="write-site", cache_policy=NO_CACHE)
def write_site(engine_url: str, catalog, out: Path, snapshot_date: date) -> str:
    """The report site of the snapshot just published (benchmart.site.build), swapped in whole; returns its index page."""
    from benchmart.errors import BenchmartError
    from benchmart.site.build import build_site

    engine = make_engine(engine_url, read_only=True)
    try:
        report = build_site(engine, catalog, out, snapshot_date)
    except Exception as exc:  # noqa: BLE001 - the snapshot is committed; say so whatever broke the site
        raise BenchmartError(f"snapshot {snapshot_date} was published, but the site was not written to {out}: {exc}") from exc
    finally:
        engine.dispose()
    get_run_logger().info("site for %s: %d pages, %.1f MB in %.1f s", snapshot_date, len(report.pages), report.bytes / 1e6, report.seconds)
    return (report.out / "index.html").resolve().as_uri()

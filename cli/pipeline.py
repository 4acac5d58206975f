"""Commands that run the pipeline: run (nightly once), backfill, serve and deploy."""

from pathlib import Path
from typing import Annotated, Optional

from rich import box
from rich.table import Table
import typer
from rich.markup import escape

from benchmart.cli.common import (
    DataDirOpt, SourcesOpt, WarehouseOpt, console, err, fail, flow_params, parse_date, reachable, require_prefect_api, safe_url,
    usage_error,
)
from benchmart.cli.guard import guard_temporary_server
from benchmart.cli.startup import load_flow, warm_start
from benchmart.errors import EXIT_BACKFILL_FAILED, EXIT_STALE, BenchmartError
from benchmart.settings import Settings


def _quiet_heartbeat():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _preflight(warehouse: str | None, sources, data_dir) -> None:
    """Configuration and warehouse problems are reported before Prefect starts (which takes seconds): the sources
    file must load, the warehouse URL must parse and, on PostgreSQL, answer. Then say which Prefect API runs the flow."""
    import os

    from benchmart.ingest.sources import load_sources
    from benchmart.warehouse.engine import make_engine

    settings = Settings()
    load_sources(sources or settings.sources_file)
    url = warehouse or (Settings(data_dir=data_dir) if data_dir else settings).resolved_warehouse_url()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":  # a SQLite file is created by the run itself
        try:
            reachable(engine)
        finally:
            engine.dispose()
    api = os.environ.get("PREFECT_API_URL")
    guard_temporary_server()  # a killed run must not leave its temporary API server behind
    err.print(f"Prefect API: {api}" if api else "Prefect API: a temporary one for this run (set PREFECT_API_URL to reuse a running "
              "server, e.g. `prefect server start`)", markup=False, highlight=False)


def run(
    date_: Annotated[Optional[str], typer.Option("--date", help="Snapshot date (default: today, UTC).")] = None,
    warehouse: WarehouseOpt = None,
    sources: SourcesOpt = None,
    data_dir: DataDirOpt = None,
    site_dir: Annotated[Optional[Path], typer.Option("--site", help="Also write the report site of the snapshot here "
                                                                   "(default: BENCHMART_SITE_DIR, else none).")] = None,
) -> None:
    """Run the nightly flow once: fetch, land, parse, validate, transform, publish (and write the site, with --site)."""
    day = parse_date(date_)
    try:
        _preflight(warehouse, sources, data_dir)
        warm_start(lambda: load_flow("benchmart.flows.nightly"))
        from benchmart.flows.nightly import nightly

        with _quiet_heartbeat():
            params = flow_params(warehouse, sources, data_dir) | ({"site_dir": str(site_dir)} if site_dir else {})
            result = nightly(snapshot_date=day, **params)
    except BenchmartError as exc:
        fail(exc)
    counts = ", ".join(f"{k} {v:,}" for k, v in result.row_counts.items())
    console.print(f"[bold green]published[/] snapshot {result.snapshot_date} to {safe_url(result.warehouse_url)}")
    console.print(f"rows: {counts}; quarantined {result.quarantined:,}; unmatched names {result.unmatched.height:,}")
    models = result.unmatched_models()
    if models.height:
        top = ", ".join(f"{r['name']} ({r['source_id']}, {r['rows']})" for r in models.head(5).to_dicts())
        console.print("[yellow]unmatched models (benchmart models unmatched):[/] ", end="")
        console.print(top, markup=False)
    if result.site:
        console.print(f"site: open {result.site}", markup=False, soft_wrap=True, highlight=False)
    for s in result.stale_sources:
        console.print("[yellow]warning:[/] " + escape(f"source {s['source_id']} is {s['status']}: {s.get('error')}"))
    if result.stale_sources:
        raise typer.Exit(EXIT_STALE)


def backfill(
    start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last date, YYYY-MM-DD (inclusive).")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="Dates built in parallel.")] = 4,
    runner: Annotated[str, typer.Option("--runner", help="threads, processes, or dask (needs benchmart[dask]).")] = "threads",
    dask_address: Annotated[Optional[str], typer.Option("--dask-address", help="Scheduler of an existing Dask cluster (runner dask).")] = None,
    warehouse: WarehouseOpt = None,
    sources: SourcesOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Rebuild every snapshot from --start to --end from the landing zone (no fetching), dates in parallel."""
    first, last = parse_date(start, "--start"), parse_date(end, "--end")
    if last < first:
        usage_error(f"--end {last} is before --start {first}")
    if runner not in ("threads", "processes", "dask"):
        usage_error(f"--runner must be threads, processes or dask, not {runner!r}")
    failed = False
    try:
        _preflight(warehouse, sources, data_dir)
        warm_start(lambda: load_flow("benchmart.flows.backfill"))
        from benchmart.flows.backfill import BackfillFailed, run_backfill

        with _quiet_heartbeat():
            summary = run_backfill(first, last, workers=workers, runner=runner, dask_address=dask_address,
                                   **flow_params(warehouse, sources, data_dir))
    except BenchmartError as exc:
        if not isinstance(exc, BackfillFailed):
            fail(exc)
        summary, failed = exc.summary, True
    table = Table(title=f"backfill {first} to {last}", box=box.SIMPLE_HEAD)
    for col in ("date", "status", "rows", "quarantined", "stale sources / error"):
        table.add_column(col, justify="right" if col in ("rows", "quarantined") else "left")
    for r in summary:
        note = r.get("error") or ", ".join(r.get("stale", []))
        table.add_row(r["snapshot_date"], r["status"], f"{r.get('rows', 0):,}", f"{r.get('quarantined', 0):,}", escape(note))
    console.print(table)
    if failed:
        err.print(f"[bold red]error:[/] {sum(r['status'].startswith('failed') for r in summary)} date(s) failed; the others were published")
        raise typer.Exit(EXIT_BACKFILL_FAILED)


_SCHEDULE = Settings.model_fields["nightly_cron"].default, Settings.model_fields["nightly_timezone"].default


def serve(
    cron: Annotated[Optional[str], typer.Option("--cron", help=f"When the nightly run starts (default: BENCHMART_NIGHTLY_CRON, else '{_SCHEDULE[0]}').")] = None,
    timezone: Annotated[Optional[str], typer.Option("--timezone", help=f"Time zone of the cron (default: BENCHMART_NIGHTLY_TIMEZONE, else {_SCHEDULE[1]}).")] = None,
    warehouse: WarehouseOpt = None,
    sources: SourcesOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the nightly deployment (cron schedule, one run at a time) and the backfill deployment from this process."""
    params = flow_params(warehouse, sources, data_dir, stored=True)
    api = require_prefect_api()
    from benchmart.flows.deploy import serve_deployments

    schedule = _schedule(cron, timezone)
    console.print(f"serving benchmart-nightly/nightly on '{schedule.cron}' ({schedule.timezone}) and benchmart-backfill/backfill "
                  f"with the Prefect API at {api}; Ctrl-C stops", markup=False)
    serve_deployments(schedule, params)


def deploy(
    pool: Annotated[str, typer.Option("--pool", help="The Prefect process work pool whose worker runs the flows.")],
    cron: Annotated[Optional[str], typer.Option("--cron", help="Override BENCHMART_NIGHTLY_CRON.")] = None,
    timezone: Annotated[Optional[str], typer.Option("--timezone", help="Override BENCHMART_NIGHTLY_TIMEZONE.")] = None,
) -> None:
    """Register the nightly (scheduled) and backfill deployments with the Prefect server of PREFECT_API_URL."""
    require_prefect_api()
    from benchmart.flows.deploy import register_deployments

    schedule = _schedule(cron, timezone)
    ids = register_deployments(pool, schedule)
    console.print(f"registered benchmart-nightly/nightly ('{schedule.cron}', {schedule.timezone}) and benchmart-backfill/backfill "
                  f"for work pool {pool!r}: {', '.join(ids)}")


def _schedule(cron: str | None, timezone: str | None):
    settings = Settings()
    return settings.schedule.model_copy(update={k: v for k, v in {"cron": cron, "timezone": timezone}.items() if v})

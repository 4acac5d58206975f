"""The `benchmart` command line: run the pipeline, read leaderboards, compare two models."""

from datetime import date
import os
from pathlib import Path
import sys
from typing import Annotated, Optional

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import polars as pl  # noqa: E402
from rich import box  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
import typer  # noqa: E402

from benchmart import PROJECT_ROOT  # noqa: E402
from benchmart.errors import BenchmartError  # noqa: E402
from benchmart.settings import Settings  # noqa: E402

app = typer.Typer(help="benchmart: LLM benchmark results, prices and runtime -> leaderboards and head-to-heads.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
# Piped output (make run, CI logs) gets a fixed width so tables are never squeezed; a terminal uses its own.
EXIT_STALE = 10  # published, but some source was stale or missing: a warning for the scheduler

console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

WarehouseOpt = Annotated[Optional[str], typer.Option("--warehouse", help="SQLAlchemy URL (default: BENCHMART_WAREHOUSE_URL, else SQLite under ./data).")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="Snapshot date YYYY-MM-DD (default: newest).")]
LaneOpt = Annotated[str, typer.Option("--lane", help="provisional (verified + unverified) or verified.")]


def _fail(exc: BenchmartError) -> None:
    err.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(exc.exit_code)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[bold red]error:[/] --date {value!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None


def _lane(value: str) -> str:
    if value not in ("provisional", "verified"):
        err.print(f"[bold red]error:[/] --lane must be provisional or verified, not {value!r}")
        raise typer.Exit(2)
    return value


def _engine(warehouse: str | None):
    from warehouse.engine import make_engine

    return make_engine(warehouse or Settings().resolved_warehouse_url())


def _fmt(value, digits: int = 1, prefix: str = "", suffix: str = "") -> str:
    if value is None:
        return "N/A"
    return f"{prefix}{value:,.{digits}f}{suffix}"


def _tokens(n) -> str:
    if n is None:
        return "N/A"
    return pl.select(_tokens_expr(pl.lit(int(n)))).item()


def _tokens_expr(e):
    from transforms.text import tokens

    return tokens(e)


@app.command()
def run(
    date_: Annotated[Optional[str], typer.Option("--date", help="Snapshot date (default: today, UTC).")] = None,
    warehouse: WarehouseOpt = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Sources file (default: ./sources.yaml).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Landing zone and SQLite directory (default: ./data).")] = None,
) -> None:
    """Run the nightly flow once: fetch, land, parse, validate, transform, publish."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.nightly import nightly

    day = _parse_date(date_)
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            result = nightly(
                snapshot_date=day, warehouse_url=warehouse, sources_file=str(sources) if sources else None,
                data_dir=str(data_dir) if data_dir else None,
            )
    except BenchmartError as exc:
        _fail(exc)
    counts = ", ".join(f"{k} {v:,}" for k, v in result.row_counts.items())
    console.print(f"[bold green]published[/] snapshot {result.snapshot_date} to {_safe_url(result.warehouse_url)}")
    console.print(f"rows: {counts}; quarantined {result.quarantined:,}; unmatched names {result.unmatched.height:,}")
    if result.unmatched.height:
        top = ", ".join(f"{r['name']} ({r['source_id']}, {r['rows']})" for r in result.unmatched.head(5).to_dicts())
        console.print(f"[yellow]unmatched (see ops_quarantine):[/] {top}")
    for s in result.stale_sources:
        console.print(f"[yellow]warning:[/] source {s['source_id']} is {s['status']}: {s.get('error')}")
    if result.stale_sources:
        raise typer.Exit(EXIT_STALE)


@app.command()
def backfill(
    start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last date, YYYY-MM-DD (inclusive).")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="Dates built in parallel.")] = 4,
    runner: Annotated[str, typer.Option("--runner", help="threads, processes, or dask (needs benchmart[dask]).")] = "threads",
    dask_address: Annotated[Optional[str], typer.Option("--dask-address", help="Scheduler of an existing Dask cluster (runner dask).")] = None,
    warehouse: WarehouseOpt = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Sources file (default: ./sources.yaml).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Landing zone and SQLite directory (default: ./data).")] = None,
) -> None:
    """Rebuild every snapshot from --start to --end from the landing zone (no fetching), dates in parallel."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.backfill import BackfillFailed, run_backfill

    first, last = _parse_date(start), _parse_date(end)
    failed = False
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            summary = run_backfill(
                first, last, workers=workers, runner=runner, dask_address=dask_address, warehouse_url=warehouse,
                sources_file=str(sources) if sources else None, data_dir=str(data_dir) if data_dir else None,
            )
    except BackfillFailed as exc:
        summary, failed = exc.summary, True
    except BenchmartError as exc:
        _fail(exc)
    table = Table(title=f"backfill {first} to {last}", box=box.SIMPLE_HEAD)
    for col in ("date", "status", "rows", "quarantined", "stale sources / error"):
        table.add_column(col, justify="right" if col in ("rows", "quarantined") else "left")
    for r in summary:
        note = r.get("error") or ", ".join(r.get("stale", []))
        table.add_row(r["snapshot_date"], r["status"], f"{r.get('rows', 0):,}", f"{r.get('quarantined', 0):,}", note)
    console.print(table)
    if failed:
        err.print(f"[bold red]error:[/] {sum(r['status'].startswith('failed') for r in summary)} date(s) failed; the others were published")
        raise typer.Exit(7)


@app.command()
def serve(
    cron: Annotated[str, typer.Option("--cron", help="When the nightly run starts (cron, in --timezone).")] = "0 3 * * *",
    timezone: Annotated[str, typer.Option("--timezone", help="Time zone of --cron.")] = "UTC",
    warehouse: WarehouseOpt = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Sources file (default: ./sources.yaml).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Landing zone and SQLite directory (default: ./data).")] = None,
) -> None:
    """Serve the nightly deployment (cron schedule, one run at a time) and the backfill deployment from this process."""
    from flows.deploy import serve_deployments

    params = {k: str(v) for k, v in {"warehouse_url": warehouse, "sources_file": sources, "data_dir": data_dir}.items() if v}
    console.print(f"serving benchmart-nightly/nightly on '{cron}' ({timezone}) and benchmart-backfill/backfill; Ctrl-C stops")
    serve_deployments(cron, timezone, params)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def leaderboard(
    lane: LaneOpt = "provisional",
    category: Annotated[Optional[str], typer.Option("--category", help="Rank within one category, e.g. coding.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows.")] = 15,
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Include unranked models.")] = False,
) -> None:
    """Print the leaderboard of a snapshot."""
    from warehouse import read

    lane, day = _lane(lane), _parse_date(date_)
    try:
        engine = _engine(warehouse)
        snap = read.snapshot_or_latest(engine, day)
        if category:
            _category_board(engine, snap, lane, category, top)
            return
        board = read.leaderboard(engine, snap, lane)
    except BenchmartError as exc:
        _fail(exc)
    if not all_:
        board = board.filter(pl.col("is_ranked").cast(pl.Boolean))
    table = Table(title=f"benchmart leaderboard - {lane} lane, snapshot {snap}", box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("Model", no_wrap=True, min_width=12)
    for col in ("Score", "Cats", "In/Out $/M", "Blend $/M", "Tok/s", "TTFT s", "Context"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in board.head(top).to_dicts():
        in_out = "N/A" if r["input_usd_per_mtok"] is None else f"{r['input_usd_per_mtok']:.2f}/{r['output_usd_per_mtok']:.2f}"
        name = r["display_name"] + (f" [{r['variants']}]" if r.get("variants") else "")
        table.add_row(
            str(r["rank"]) if r["rank"] is not None else "-", name, _fmt(r["overall_score"]),
            str(r["categories_covered"]), in_out, _fmt(r["blended_usd_per_mtok"], 2),
            _fmt(r["output_tokens_per_s"], 0), _fmt(r["ttft_s"], 2), _tokens(r["context_window_tokens"]),
        )
    console.print(table)
    console.print("[variant]: the effort/thinking settings behind a model's scores. "
                  "N/A: no source publishes that figure for the model (never estimated). "
                  "Models need >= 2 categories and >= 30% of the weight to be ranked (`--all` shows the rest).")


def _category_board(engine, snap, lane, category, top) -> None:
    from benchmart.catalog import load_catalog
    from warehouse import read

    known = load_catalog(Settings().catalog_dir).categories_frame()
    if category not in known["category_id"].to_list():
        raise BenchmartError(f"unknown category {category!r}; known: {', '.join(known['category_id'].to_list())}")
    rows = read.category_board(engine, snap, lane, category)
    table = Table(title=f"{category} - {lane} lane, snapshot {snap}")
    for col in ("#", "Model", "Score", "Benchmarks", "Coverage"):
        table.add_column(col, justify="left" if col == "Model" else "right")
    for i, r in enumerate(rows.head(top).to_dicts(), 1):
        table.add_row(str(i), r["display_name"], _fmt(r["score"]), str(r["n_benchmarks"]), f"{r['coverage']:.0%}")
    console.print(table)


@app.command()
def compare(
    first: Annotated[str, typer.Argument(help="A model name or any alias, e.g. \"Gemma 4 12B\".")],
    second: Annotated[str, typer.Argument(help="The other model.")],
    lane: LaneOpt = "provisional",
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Head-to-head of two models: scores per shared category, biggest swing, price, speed, verdict."""
    from benchmart.catalog import load_catalog
    from benchmart.compare import compare as build, resolve_model
    from warehouse import read

    lane, day = _lane(lane), _parse_date(date_)
    try:
        catalog = load_catalog(Settings().catalog_dir)
        a, b = resolve_model(catalog, first), resolve_model(catalog, second)
        if a == b:
            raise BenchmartError(f"{first!r} and {second!r} are the same model ({a})")
        engine = _engine(warehouse)
        c = build(engine, catalog, a, b, lane, read.snapshot_or_latest(engine, day))
    except BenchmartError as exc:
        _fail(exc)
    _print_comparison(c)


def _print_comparison(c) -> None:
    A, B, p = c.first, c.second, c.pair
    table = Table(title=f"{A['display_name']} vs {B['display_name']} - {c.lane} lane, snapshot {c.snapshot_date}")
    table.add_column("")
    table.add_column(A["display_name"], justify="right")
    table.add_column(B["display_name"], justify="right")
    table.add_column("Diff", justify="right")
    table.add_row("Overall score", _fmt(p["overall_a"]), _fmt(p["overall_b"]), _fmt(p["overall_diff"], prefix="+" if p["overall_diff"] >= 0 else ""))
    table.add_row("Shared categories", str(p["shared_categories"]), "", "")
    for r in c.categories.to_dicts():
        label = f"  {r['category']}" + ("" if r["same_benchmarks"] else " *")
        table.add_row(label, _fmt(r["score_a"]), _fmt(r["score_b"]), _fmt(r["diff"], prefix="+" if r["diff"] >= 0 else ""))
    if p["swing_benchmark_id"]:
        gap = p["swing_a"] - p["swing_b"]
        table.add_row(f"Biggest swing: {p['swing_benchmark']}", _fmt(p["swing_a"]), _fmt(p["swing_b"]), _fmt(gap, prefix="+" if gap >= 0 else ""))
    table.add_section()
    for label, key, digits, prefix, suffix in [
        ("Input $/M tokens", "input_usd_per_mtok", 2, "$", ""), ("Output $/M tokens", "output_usd_per_mtok", 2, "$", ""),
        ("Blended $/M (3:1)", "blended_usd_per_mtok", 2, "$", ""), ("Speed (output tok/s)", "output_tokens_per_s", 0, "", ""),
        ("Latency (s to first token)", "ttft_s", 2, "", " s"),
    ]:
        table.add_row(label, _fmt(A.get(key), digits, prefix, suffix), _fmt(B.get(key), digits, prefix, suffix), "")
    table.add_row("Context window", _tokens(A.get("context_window_tokens")), _tokens(B.get("context_window_tokens")), "")
    table.add_row("Reasoning model", _yes(A.get("is_reasoning")), _yes(B.get("is_reasoning")), "")
    console.print(table)
    if not c.categories.filter(~pl.col("same_benchmarks").cast(pl.Boolean)).is_empty():
        console.print("* averages over different benchmarks (coverage differs): apples to oranges, compare with care.")
    console.print(f"[bold]Verdict:[/] {p['verdict']}")
    if not c.from_mart:
        console.print("(computed on demand: the pair is not in mart_head_to_head because a model is unranked)")


def _yes(value) -> str:
    return "N/A" if value is None else ("yes" if value else "no")


@app.command()
def models(warehouse: WarehouseOpt = None) -> None:
    """List the catalog's models and their aliases."""
    from benchmart.catalog import load_catalog

    try:
        catalog = load_catalog(Settings().catalog_dir)
    except BenchmartError as exc:
        _fail(exc)
    table = Table(title="catalog models")
    for col in ("id", "name", "vendor", "aliases"):
        table.add_column(col)
    for m in catalog.models:
        table.add_row(m.id, m.display_name, m.vendor, ", ".join(m.aliases))
    console.print(table)


sources_app = typer.Typer(help="Sources: check what each one yields and which names it uses.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("check")
def sources_check(
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Sources file (default: ./sources.yaml).")] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Unmatched names to list per source.")] = 15,
    only: Annotated[Optional[str], typer.Option("--source", help="Check one source id only.")] = None,
) -> None:
    """Fetch and parse every source (nothing is landed or published): records, observations, matches, unmatched names."""
    from benchmart.catalog import load_catalog
    from benchmart.check import check_source
    from benchmart.sources import load_sources

    try:
        settings = Settings(**({"sources_file": sources} if sources else {}))
        catalog, configured = load_catalog(settings.catalog_dir), load_sources(settings.sources_file)
    except BenchmartError as exc:
        _fail(exc)
    if only:
        configured = [s for s in configured if s.id == only]
        if not configured:
            err.print(f"[bold red]error:[/] no source {only!r} in {settings.sources_file}")
            raise typer.Exit(2)
    summary = Table(title=f"sources in {settings.sources_file}", box=box.SIMPLE_HEAD)
    for col in ("source", "records", "observations", "quarantined", "model names matched", f"catalog models (of {len(catalog.models)})", "benchmarks matched", "error"):
        summary.add_column(col, justify="left" if col in ("source", "error") else "right")
    results = [check_source(s, catalog) for s in configured]
    for r in results:
        share = f"{r.names_matched}/{r.names} ({r.matched_share:.0%})" if r.names else "-"
        bench = f"{r.benchmarks_matched}/{r.benchmarks}" if r.benchmarks else "-"
        summary.add_row(r.source_id, f"{r.records_read:,}", f"{r.observations:,}", f"{r.quarantined:,}", share,
                        str(r.catalog_models), bench, r.error or "")
    console.print(summary)
    for r in results:
        if r.skipped:
            console.print(f"{r.source_id}: skipped by design: " + ", ".join(f"{k} {v:,}" for k, v in r.skipped.items()))
    for r in results:
        if r.unmatched.height and top:
            table = Table(title=f"{r.source_id}: unmatched names, most frequent first", box=box.SIMPLE_HEAD)
            for col in ("kind", "name", "rows", "closest catalog ids (add an alias if one is right)"):
                table.add_column(col, justify="right" if col == "rows" else "left")
            for u in r.unmatched.head(top).to_dicts():
                table.add_row(u["kind"], u["name"], str(u["rows"]), u["suggestions"] or "")
            console.print(table)
            if r.unmatched.height > top:
                console.print(f"... and {r.unmatched.height - top} more (--top)")
    if any(r.error for r in results):
        raise typer.Exit(3)


warehouse_app = typer.Typer(help="Warehouse operations: migrations, data dictionary, retention.", no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")


@warehouse_app.command("upgrade")
def warehouse_upgrade(warehouse: WarehouseOpt = None) -> None:
    """Apply pending schema migrations (a new warehouse is created at the current schema)."""
    from warehouse import migrate
    from warehouse.engine import make_engine

    try:
        engine = make_engine(warehouse or Settings().resolved_warehouse_url(), writer=True)
        before, after = migrate.upgrade(engine)
    except BenchmartError as exc:
        _fail(exc)
    if before == after:
        console.print(f"warehouse already at revision {after}")
    else:
        console.print(f"[bold green]upgraded[/] warehouse from revision {before or 'empty'} to {after}")


@warehouse_app.command("docs")
def warehouse_docs(
    out: Annotated[Path, typer.Option("--out", help="Where to write the data dictionary.")] = PROJECT_ROOT / "docs" / "warehouse.md",
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the file is not current, write nothing.")] = False,
) -> None:
    """Generate the data dictionary from the SQLModel classes."""
    from warehouse.dictionary import render

    text_ = render()
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    if check:
        if current != text_:
            err.print(f"[bold red]error:[/] {out} is stale; run `benchmart warehouse docs`")
            raise typer.Exit(1)
        console.print(f"{out} is current")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text_, encoding="utf-8")
    console.print(f"wrote {out}")


@warehouse_app.command("prune")
def warehouse_prune(
    keep_days: Annotated[int, typer.Option("--h2h-keep-days", min=0, help="Keep head-to-head snapshots this many days back from the newest.")],
    warehouse: WarehouseOpt = None,
) -> None:
    """Delete old head-to-head snapshots (the largest tables); leaderboards and facts keep their history."""
    from datetime import timedelta

    from warehouse import read
    from warehouse.engine import make_engine
    from warehouse.publish import prune_head_to_head

    try:
        engine = make_engine(warehouse or Settings().resolved_warehouse_url(), writer=True)
        newest = read.snapshot_or_latest(engine, None)
        with engine.begin() as conn:
            deleted = prune_head_to_head(conn, newest - timedelta(days=keep_days))
    except BenchmartError as exc:
        _fail(exc)
    console.print(f"deleted {deleted:,} head-to-head rows older than {newest - timedelta(days=keep_days)}")


def main() -> None:  # pragma: no cover
    app()

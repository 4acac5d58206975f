"""`benchmart sources check`: what each source yields and which names it uses that the catalog does not know."""

from typing import Annotated, Optional

from rich import box
from rich.markup import escape
from rich.table import Table
import typer

from benchmart.cli.common import DataDirOpt, SourcesOpt, console, fail, usage_error
from benchmart.errors import BenchmartError
from benchmart.settings import Settings


def check(
    sources: SourcesOpt = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Unmatched names to list per source.")] = 15,
    only: Annotated[Optional[str], typer.Option("--source", help="Check one source id only.")] = None,
) -> None:
    """Fetch and parse every source (nothing is landed or published): records, observations, matches, unmatched names."""
    from benchmart.ingest.catalog import load_catalog
    from benchmart.ingest.check import check_source
    from benchmart.ingest.sources import load_sources

    try:
        settings = Settings(**({"sources_file": sources} if sources else {}))
        catalog, configured = load_catalog(settings.catalog_dir), load_sources(settings.sources_file)
    except BenchmartError as exc:
        fail(exc)
    if only:
        configured = [s for s in configured if s.id == only]
        if not configured:
            usage_error(f"no source {only!r} in {settings.sources_file}")
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
        if r.rules:
            console.print(f"{r.source_id}: left out by rule: " + ", ".join(f"{k} {v:,}" for k, v in r.rules.items()), markup=False)
    for r in results:
        if r.skipped:
            console.print(f"{r.source_id}: skipped by design: " + ", ".join(f"{k} {v:,}" for k, v in r.skipped.items()), markup=False)
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


def landing_check(
    data_dir: DataDirOpt = None,
    repair: Annotated[bool, typer.Option("--repair", help="Fix what has a safe fix (dropped lines are kept in manifest.rejected.jsonl).")] = False,
) -> None:
    """Check the landing zone: torn or dangling manifest lines, payloads that no longer match their hash, unfinished
    writes of killed runs, absolute paths; --repair fixes them. Exit 1 when problems remain."""
    from benchmart.ingest.landing import check as check_landing

    root = Settings(**({"data_dir": data_dir} if data_dir else {})).landing_dir
    if not root.is_dir():
        usage_error(f"no landing zone at {root} (run `benchmart run` first, or pass --data-dir)")
    found = check_landing(root, repair=repair)
    table = Table(title=f"landing zone {root}", box=box.SIMPLE_HEAD)
    for col in ("source", "problem", "where", "repaired"):
        table.add_column(col)
    for f in found:
        table.add_row(escape(f.source_id), f.problem, escape(f.detail), "yes" if f.repaired else "-")
    if found:
        console.print(table)
    else:
        console.print(f"landing zone {root}: no problems", markup=False)
    left = [f for f in found if not f.repaired and f.problem != "unrecorded_payload"]
    if left:
        console.print(f"{len(left)} problem(s); `benchmart landing check --repair` fixes them", markup=False)
        raise typer.Exit(1)

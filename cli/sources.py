"""`benchmart sources check`: what each source yields and which names it uses that the catalog does not know."""

from typing import Annotated, Optional

from rich import box
from rich.table import Table
import typer

from benchmart.cli.common import SourcesOpt, console, fail, usage_error
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

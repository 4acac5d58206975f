"""Warehouse operations: migrations, the data dictionary, retention."""

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer

from benchmart.cli.common import WarehouseOpt, console, engine, err, fail, usage_error
from benchmart.errors import BenchmartError


def upgrade(warehouse: WarehouseOpt = None) -> None:
    """Apply pending schema migrations (a new warehouse is created at the current schema)."""
    from benchmart.warehouse import migrate

    try:
        before, after = migrate.upgrade(engine(warehouse, writer=True))
    except BenchmartError as exc:
        fail(exc)
    if before == after:
        console.print(f"warehouse already at revision {after}")
    else:
        console.print(f"[bold green]upgraded[/] warehouse from revision {before or 'empty'} to {after}")


def docs(
    out: Annotated[Path, typer.Option("--out", help="Where to write the data dictionary.")] = Path("docs") / "warehouse.md",
    queries_out: Annotated[Path, typer.Option("--queries-out", help="Where to write the example BI queries.")] = Path("docs") / "bi-queries.md",
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when a file is not current, write nothing.")] = False,
) -> None:
    """Generate the data dictionary (from the SQLModel classes) and the example BI queries (from warehouse/queries.py)."""
    from benchmart.warehouse import dictionary, queries

    stale = []
    for path, text_ in ((out, dictionary.render()), (queries_out, queries.render())):
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text_:
            console.print(f"{path} is current", markup=False)
        elif check:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text_, encoding="utf-8")
            console.print(f"wrote {path}", markup=False)
    if stale:
        err.print(f"error: {', '.join(map(str, stale))} stale; run `benchmart warehouse docs`", markup=False)
        raise typer.Exit(1)


def prune(
    keep_days: Annotated[Optional[int], typer.Option("--h2h-keep-days", min=0, help="Keep head-to-head snapshots this many days back from the newest.")] = None,
    ops_keep_days: Annotated[Optional[int], typer.Option("--ops-keep-days", min=0, help="Keep quarantine and unmatched-name detail this many days back.")] = None,
    superseded: Annotated[bool, typer.Option("--superseded-runs", help="Drop the quarantine and unmatched-name detail of runs a later run of the same date replaced.")] = False,
    warehouse: WarehouseOpt = None,
) -> None:
    """Delete what grows without bound: old head-to-head snapshots (the largest tables) and the per-run detail of the
    operational tables. Leaderboards, facts and run records keep their history."""
    from benchmart.warehouse import read
    from benchmart.warehouse.publish import prune_head_to_head, prune_ops

    if keep_days is None and ops_keep_days is None and not superseded:
        usage_error("say what to prune: --h2h-keep-days N, --ops-keep-days N and/or --superseded-runs")
    try:
        wh = engine(warehouse, writer=True)
        newest = read.snapshot_or_latest(wh, None)
        with wh.begin() as conn:
            if keep_days is not None:
                deleted = prune_head_to_head(conn, newest - timedelta(days=keep_days))
                console.print(f"deleted {deleted:,} head-to-head rows older than {newest - timedelta(days=keep_days)}")
            if ops_keep_days is not None or superseded:
                cutoff = newest - timedelta(days=ops_keep_days) if ops_keep_days is not None else None
                deleted = prune_ops(conn, cutoff, superseded)
                console.print(f"deleted {deleted:,} quarantine and unmatched-name rows"
                              + (f" older than {cutoff}" if cutoff else "") + (" or of superseded runs" if superseded else ""))
    except BenchmartError as exc:
        fail(exc)

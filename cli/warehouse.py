"""Warehouse operations: migrations, the data dictionary, retention."""

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from benchmart.cli.common import WarehouseOpt, console, engine, err, fail
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
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the file is not current, write nothing.")] = False,
) -> None:
    """Generate the data dictionary from the SQLModel classes."""
    from benchmart.warehouse.dictionary import render

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


def prune(
    keep_days: Annotated[int, typer.Option("--h2h-keep-days", min=0, help="Keep head-to-head snapshots this many days back from the newest.")],
    warehouse: WarehouseOpt = None,
) -> None:
    """Delete old head-to-head snapshots (the largest tables); leaderboards and facts keep their history."""
    from benchmart.warehouse import read
    from benchmart.warehouse.publish import prune_head_to_head

    try:
        wh = engine(warehouse, writer=True)
        newest = read.snapshot_or_latest(wh, None)
        with wh.begin() as conn:
            deleted = prune_head_to_head(conn, newest - timedelta(days=keep_days))
    except BenchmartError as exc:
        fail(exc)
    console.print(f"deleted {deleted:,} head-to-head rows older than {newest - timedelta(days=keep_days)}")

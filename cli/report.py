"""`benchmart site`: the static report site, generated from the warehouse."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from benchmart.cli.common import DateOpt, WarehouseOpt, console, engine, fail, parse_date
from benchmart.errors import BenchmartError
from benchmart.settings import Settings


def site(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the site into (replaced).")] = Path("data/site"),
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
    pair: Annotated[Optional[list[str]], typer.Option("--pair", help="A head-to-head page for two models: --pair \"Gemma 4 12B\" "
                                                                       "--pair \"GPT-4.1 mini\" (repeat in twos).")] = None,
) -> None:
    """Write a static site (leaderboards, model pages, head-to-heads, charts, data quality): open index.html."""
    from benchmart.ingest.catalog import load_catalog
    from benchmart.site.build import build_site
    from benchmart.site.compare import resolve_model, warehouse_models
    from benchmart.warehouse import read

    names = list(pair or [])
    if len(names) % 2:
        fail(BenchmartError("--pair takes two model names: --pair A --pair B"))
    try:
        catalog = load_catalog(Settings().catalog_dir)
        wh = engine(warehouse)
        read.require_schema(wh)
        models = warehouse_models(wh, catalog)
        pairs = [tuple(resolve_model(models, catalog, names[i], names[i + 1])) for i in range(0, len(names), 2)]
        report = build_site(wh, catalog, out, parse_date(date_), pairs)
    except BenchmartError as exc:
        fail(exc)
    console.print(f"site for snapshot {report.snapshot}: {len(report.pages)} pages, {report.bytes / 1e6:.1f} MB, {report.seconds:.1f} s")
    console.print(f"open {(report.out / 'index.html').resolve().as_uri()}", soft_wrap=True, markup=False, highlight=False)


def browse(
    warehouse: WarehouseOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8001,
    metadata_out: Annotated[Optional[Path], typer.Option("--metadata-out", help="Write Datasette's metadata JSON here and exit (for your own `datasette serve`).")] = None,
) -> None:
    """Browse the SQLite warehouse in Datasette (optional extra: pip install 'benchmart[browse]'): described tables and
    columns, model names instead of ids, the example BI queries as canned queries."""
    import json
    import signal
    import subprocess
    import sys
    import tempfile

    from benchmart.errors import WarehouseError
    from benchmart.site.browse import metadata
    from benchmart.warehouse import read

    try:
        wh = engine(warehouse)
        if wh.dialect.name != "sqlite":
            raise WarehouseError("`benchmart browse` serves a SQLite warehouse; point Metabase, Superset or psql at PostgreSQL "
                                 "(docs/bi-queries.md has the queries)")
        read.require_schema(wh)
    except BenchmartError as exc:
        fail(exc)
    db = Path(wh.url.database).resolve()
    meta = json.dumps(metadata(db.stem), indent=2)
    if metadata_out is not None:
        metadata_out.write_text(meta, encoding="utf-8")
        console.print(f"wrote {metadata_out}; serve with: datasette serve {db} --metadata {metadata_out}", markup=False, soft_wrap=True)
        return
    try:
        import datasette  # noqa: F401
    except ImportError:
        fail(BenchmartError("Datasette is not installed: pip install 'benchmart[browse]' (or pip install datasette)"))
    with tempfile.TemporaryDirectory(prefix="benchmart-browse-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(meta, encoding="utf-8")
        console.print(f"browsing {db} at http://{host}:{port}/ (Ctrl-C stops)", markup=False, soft_wrap=True)
        proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(meta_file),
                                 "--host", host, "--port", str(port)])
        previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())  # stopping browse stops Datasette too
        try:
            code = proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            code = proc.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)
    if code not in (0, -15):
        raise typer.Exit(code)

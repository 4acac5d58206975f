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

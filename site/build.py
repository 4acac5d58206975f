"""The static report site: plain HTML pages and SVG charts generated from the warehouse, readable from file:// and
any static host (no server, no network, no JavaScript library; a few lines of inline script sort the tables).

Pages: a leaderboard per lane and per category (interval bars, evidence, price, speed, latency, context), a page
per model (category scores with the benchmarks, sources and citations behind them, price offers and the published
one, rank history), head-to-head pages for the top pairs and any pair asked for, charts (score vs blended price
with the Pareto frontier, score vs release date), and a data-quality page (source freshness, quarantine by rule,
unmatched names).
"""

from dataclasses import dataclass, field
from datetime import date
import json
import os
from pathlib import Path
import re
import shutil
import time

import jinja2
import polars as pl
from sqlalchemy import Engine

from benchmart.contracts import LANES
from benchmart.errors import BenchmartError
from benchmart.ingest.catalog import Catalog
from benchmart.site import charts
from benchmart.site.compare import compare
from benchmart.transforms.text import tokens
from benchmart.warehouse import read

TEMPLATES = Path(__file__).parent / "templates"
MARKER = ".benchmart-site"  # written last into every site: only a folder carrying it is ever replaced
TOP_PAIRS = 8  # head-to-head pages for every pair among the top ranked models of the provisional lane


@dataclass
class SiteReport:
    out: Path
    snapshot: date
    pages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(p.stat().st_size for p in self.out.rglob("*") if p.is_file())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


def pair_page(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"vs/{slug(first)}--{slug(second)}.html"


def build_site(engine: Engine, catalog: Catalog, out: Path, snapshot: date | None = None,
               pairs: list[tuple[str, str]] | None = None) -> SiteReport:
    """Write the site for a snapshot (default: the newest) into `out` (replaced); `pairs`: model ids of extra
    head-to-head pages."""
    started = time.perf_counter()
    snap = read.snapshot_or_latest(engine, snapshot)
    final = Path(out)
    if final.exists() and not is_site(final):
        raise BenchmartError(f"{final} exists and is not a benchmart site (no {MARKER}); give --out a new or empty folder")
    staging = final.parent / f".{final.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        report = _write_pages(engine, catalog, staging, snap, pairs)
        (staging / MARKER).write_text(f"{snap}\n", encoding="utf-8")
        _swap(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.out = final
    report.seconds = time.perf_counter() - started
    return report


def is_site(folder: Path) -> bool:
    """An empty folder, or one benchmart wrote (its marker, or an index.html beside site.css from before the marker)."""
    return not any(folder.iterdir()) or (folder / MARKER).exists() or ((folder / "index.html").exists() and (folder / "site.css").exists())


def _swap(staging: Path, final: Path) -> None:
    """Replace `final` with the finished `staging` folder by two renames, so a static host never serves half a site."""
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _write_pages(engine: Engine, catalog: Catalog, out: Path, snap: date, pairs: list[tuple[str, str]] | None) -> SiteReport:
    (out / "models").mkdir(parents=True)
    (out / "vs").mkdir()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(fmt=_fmt, usd=_usd, tokens=_tokens, slug=slug)
    report = SiteReport(out, snap)
    shutil.copy(TEMPLATES / "site.css", out / "site.css")

    models = read.table_at(engine, "dim_model")
    categories = read.table_at(engine, "dim_category").sort("weight", descending=True)
    names = dict(models.select("model_id", "display_name").rows())
    boards = {lane: read.leaderboard(engine, snap, lane).join(models.select("model_id", "vendor", "release_date"), on="model_id", how="left")
              for lane in LANES}

    def write(path: str, template: str, depth: int = 0, **context) -> None:
        root = "../" * depth
        html = env.get_template(template).render(root=root, snapshot=snap, categories=categories.to_dicts(), **context)
        (out / path).write_text(html, encoding="utf-8")
        report.pages.append(path)

    provisional = boards["provisional"]
    ranked = provisional.filter(pl.col("is_ranked").cast(pl.Boolean)).sort("rank")
    top = ranked.head(TOP_PAIRS)["model_id"].to_list()
    wanted = [(a, b) for i, a in enumerate(top) for b in top[i + 1:]] + list(pairs or [])
    pair_links = {tuple(sorted(p)) for p in wanted}

    for lane in LANES:
        board = boards[lane]
        write("index.html" if lane == "provisional" else f"{lane}.html", "board.html", lane=lane, rows=_rows(board),
              chart_price=charts.score_vs_price(board.filter(pl.col("is_ranked").cast(pl.Boolean)), "index_score"),
              chart_release=charts.score_vs_release(board.filter(pl.col("is_ranked").cast(pl.Boolean)), "index_score"),
              title=f"Leaderboard, {lane} lane")
    for c in categories.to_dicts():
        rows = read.category_board(engine, snap, "provisional", c["category_id"])
        write(f"category-{slug(c['category_id'])}.html", "category.html", category=c, rows=rows.to_dicts(),
              title=f"{c['display_name']}, provisional lane")

    scores = read.table_at(engine, "fct_benchmark_score", snap).join(
        read.table_at(engine, "dim_benchmark").select("benchmark_id", pl.col("display_name").alias("benchmark"), "category_id"), on="benchmark_id")
    cat_scores = read.table_at(engine, "mart_category_score", snap, lane="provisional")
    offers = read.table_at(engine, "fct_model_price", snap)
    history = read.read_frame(engine, "SELECT snapshot_date, model_id, rank FROM mart_leaderboard WHERE lane = 'provisional' ORDER BY snapshot_date")
    cat_names = dict(categories.select("category_id", "display_name").rows())
    for m in provisional.to_dicts():
        mid = m["model_id"]
        mine = cat_scores.filter(pl.col("model_id") == mid).with_columns(
            pl.col("category_id").replace_strict(cat_names, default=pl.col("category_id")).alias("category"),
            pl.lit(m["display_name"]).alias("model"))
        behind = scores.filter(pl.col("model_id") == mid).sort("category_id", "benchmark")
        write(f"models/{slug(mid)}.html", "model.html", depth=1, m=m, title=m["display_name"],
              categories_scored=mine.sort("category").to_dicts(), benchmarks=behind.to_dicts(),
              offers=offers.filter(pl.col("model_id") == mid).sort("blended_usd_per_mtok", nulls_last=True).to_dicts(),
              chart_categories=charts.category_bars(mine.select("model", "category", "score")) if mine.height else "",
              chart_history=charts.rank_history(history.filter(pl.col("model_id") == mid)) if history.filter(
                  (pl.col("model_id") == mid) & pl.col("rank").is_not_null()).height else "",
              pairs=sorted((names.get(b if a == mid else a, b), pair_page(a, b)) for a, b in pair_links if mid in (a, b)))

    for a, b in sorted(pair_links):
        c = compare(engine, catalog, a, b, "provisional", snap)
        bars = pl.DataFrame([{"model": c.first["display_name"], "category": r["category"], "score": r["score_a"]} for r in c.categories.to_dicts()]
                            + [{"model": c.second["display_name"], "category": r["category"], "score": r["score_b"]} for r in c.categories.to_dicts()],
                            schema={"model": pl.String, "category": pl.String, "score": pl.Float64})
        write(pair_page(a, b), "pair.html", depth=1, c=c, title=f"{c.first['display_name']} vs {c.second['display_name']}",
              chart_categories=charts.category_bars(bars) if bars.height else "")

    runs = read.read_frame(engine, "SELECT * FROM ops_pipeline_run WHERE snapshot_date = :d AND finished_at IS NOT NULL ORDER BY finished_at DESC", {"d": snap})
    last = runs.row(0, named=True) if runs.height else None
    sources = json.loads(last["sources"]) if last and last.get("sources") else []
    quarantine = read.read_frame(engine, "SELECT rule, stage, source_id, count(*) AS n FROM ops_quarantine WHERE run_id = :r "
                                         "GROUP BY rule, stage, source_id ORDER BY n DESC", {"r": last["run_id"] if last else ""})
    unmatched = read.unmatched_names(engine).head(50)
    write("quality.html", "quality.html", title="Data quality", run=last, sources=sources, quarantine=quarantine.to_dicts(),
          unmatched=unmatched.to_dicts())
    return report


def _rows(board: pl.DataFrame) -> list[dict]:
    rows = board.with_columns(pl.col("is_ranked").cast(pl.Boolean)).sort(["is_ranked", "rank", "index_score"], descending=[True, False, True],
                                                                       nulls_last=True)
    return rows.to_dicts()


def _fmt(value, digits: int = 1) -> str:
    return "N/A" if value is None else f"{value:,.{digits}f}"


def _usd(value) -> str:
    return "N/A" if value is None else f"${value:,.2f}"


def _tokens(n) -> str:
    """Context sizes as everywhere else (transforms.text.tokens: 1047576 -> 1M)."""
    return "N/A" if n is None else pl.select(tokens(pl.lit(int(n)))).item()

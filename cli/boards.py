"""Commands that read the warehouse: leaderboard, compare, models."""

from typing import Annotated, Optional

import polars as pl
from rich import box
from rich.table import Table
import typer

from rich.markup import escape

from benchmart.cli.common import (
    DateOpt, LaneOpt, WarehouseOpt, check_lane, console, engine, fail, fmt, parse_date, tokens, usage_error, yes,
)
from benchmart.errors import BenchmartError
from benchmart.settings import Settings


def leaderboard(
    lane: LaneOpt = "provisional",
    category: Annotated[Optional[str], typer.Option("--category", help="Rank within one category, e.g. coding.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows.")] = 15,
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Include unranked models, with the evidence floor they miss.")] = False,
    by: Annotated[Optional[str], typer.Option("--by", help="Order by the overall score or the difficulty-aware index "
                                                           "(default: BENCHMART_RANK_BY, index).")] = None,
) -> None:
    """Print the leaderboard of a snapshot, with 90% intervals and rank ranges."""
    from benchmart.warehouse import read

    lane, day = check_lane(lane), parse_date(date_)
    by = by or Settings().rank_by
    if by not in ("overall", "index"):
        usage_error(f"--by must be overall or index, not {by!r}")
    try:
        wh = engine(warehouse)
        snap = read.snapshot_or_latest(wh, day)
        if category:
            _category_board(wh, snap, lane, category, top)
            return
        board = read.leaderboard(wh, snap, lane)
    except BenchmartError as exc:
        fail(exc)
    ranked_rows = board.filter(pl.col("is_ranked").cast(pl.Boolean))
    published_by = "index" if ranked_rows["rank"].equals(ranked_rows["index_rank"]) else "overall"  # what the rank stats follow
    if by == "index":
        board = board.with_columns(pl.col("index_rank").alias("rank"))
    else:
        board = board.with_columns(pl.when(pl.col("is_ranked").cast(pl.Boolean)).then(
            pl.col("overall_score").rank("min", descending=True).over(pl.col("is_ranked").cast(pl.Boolean))).cast(pl.Int64).alias("rank"))
    board = board.with_columns(pl.col("is_ranked").cast(pl.Boolean)).sort(
        ["is_ranked", "rank", f"{by}_score", "model_id"], descending=[True, False, True, False], nulls_last=True)
    if not all_:
        board = board.filter(pl.col("is_ranked"))
    table = Table(title=f"benchmart leaderboard - {lane} lane, snapshot {snap}, by {by}", box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("Model", no_wrap=True, min_width=12)
    for col in ("Score", "90% CI", "Index", "Ranks", "Bench", "$/M in/out", "$/M 3:1", "Tok/s", "TTFT", "Context"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in board.head(top).to_dicts():
        in_out = "N/A" if r["input_usd_per_mtok"] is None else f"{r['input_usd_per_mtok']:.2f}/{r['output_usd_per_mtok']:.2f}"
        name = r["display_name"] + (f" ({r['variants']})" if r.get("variants") else "")
        low, high = (r["index_low"], r["index_high"]) if by == "index" else (r["overall_low"], r["overall_high"])
        ranks = "" if r.get("rank_low") is None or by != published_by else (
            str(r["rank_low"]) if r["rank_low"] == r["rank_high"] else f"{r['rank_low']}-{r['rank_high']}")
        cells = [
            str(r["rank"]) if r["rank"] is not None else "-", escape(name), fmt(r[f"{by}_score"]),
            "" if low is None else f"{low:.1f}-{high:.1f}", fmt(r["index_score"] if by == "overall" else r["overall_score"]),
            ranks, str(r["benchmarks_covered"] or ""), in_out, fmt(r["blended_usd_per_mtok"], 2),
            fmt(r["output_tokens_per_s"], 0), fmt(r["ttft_s"], 2), tokens(r["context_window_tokens"]),
        ]
        table.add_row(*cells)
    if by == "index":
        table.columns[4].header = "Overall"
    console.print(table)
    unranked = board.head(top).filter(~pl.col("is_ranked"))
    if not unranked.is_empty():
        console.print("Not ranked (the evidence floor each misses):")
        for r in unranked.to_dicts():
            console.print(f"  {escape(r['display_name'])}: {escape(r['unranked_reason'] or '')}")
    console.print(escape("(variant): the effort/thinking settings behind a model's scores. 90% CI: bootstrap interval of the score; "
                         "Ranks: the 90% rank range; Bench: weighted benchmarks behind the score; $/M 3:1: blended price; "
                         "TTFT: seconds to first token. "
                         "N/A: no source publishes that figure for the model (never estimated). "
                         f"Models need {Settings().rank_rules.describe()} to be ranked (`--all` shows the rest). "
                         "docs/methodology.md explains every figure."))


def _category_board(wh, snap, lane, category, top) -> None:
    from benchmart.ingest.catalog import load_catalog
    from benchmart.warehouse import read

    known = load_catalog(Settings().catalog_dir).categories_frame()
    if category not in known["category_id"].to_list():
        raise BenchmartError(f"unknown category {category!r}; known: {', '.join(known['category_id'].to_list())}")
    rows = read.category_board(wh, snap, lane, category)
    table = Table(title=escape(f"{category} - {lane} lane, snapshot {snap}"))
    for col in ("#", "Model", "Score", "Benchmarks", "Coverage"):
        table.add_column(col, justify="left" if col == "Model" else "right")
    for i, r in enumerate(rows.head(top).to_dicts(), 1):
        table.add_row(str(i), escape(r["display_name"]), fmt(r["score"]), str(r["n_benchmarks"]), f"{r['coverage']:.0%}")
    console.print(table)


def compare(
    first: Annotated[str, typer.Argument(help="A model name or any alias, e.g. \"Gemma 4 12B\".")],
    second: Annotated[str, typer.Argument(help="The other model.")],
    lane: LaneOpt = "provisional",
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Head-to-head of two models: scores per shared category, biggest swing, price, speed, verdict."""
    from benchmart.ingest.catalog import load_catalog
    from benchmart.site.compare import compare as build, resolve_model, warehouse_models
    from benchmart.warehouse import read

    lane, day = check_lane(lane), parse_date(date_)
    try:
        catalog = load_catalog(Settings().catalog_dir)
        wh = engine(warehouse)
        snapshot = read.snapshot_or_latest(wh, day)
        models = warehouse_models(wh, catalog)
        a, b = resolve_model(models, catalog, first, second)
        if a == b:
            raise BenchmartError(f"{first!r} and {second!r} are the same model ({a})")
        c = build(wh, catalog, a, b, lane, snapshot)
    except BenchmartError as exc:
        fail(exc)
    _print_comparison(c)


def _print_comparison(c) -> None:
    A, B, p = c.first, c.second, c.pair
    table = Table(title=escape(f"{A['display_name']} vs {B['display_name']} - {c.lane} lane, snapshot {c.snapshot_date}"))
    table.add_column("")
    table.add_column(escape(A["display_name"]), justify="right")
    table.add_column(escape(B["display_name"]), justify="right")
    table.add_column("Diff", justify="right")
    table.add_row("Overall score", fmt(p["overall_a"]), fmt(p["overall_b"]), fmt(p["overall_diff"], prefix="+" if p["overall_diff"] >= 0 else ""))
    interval = lambda side: "" if side.get("overall_low") is None else f"{side['overall_low']:.1f}-{side['overall_high']:.1f}"  # noqa: E731
    table.add_row("  90% interval", interval(A), interval(B), "")
    rank = lambda side: "unranked" if side.get("rank") is None else (  # noqa: E731
        f"#{side['rank']}" + ("" if side.get("rank_low") is None else f" ({side['rank_low']}-{side['rank_high']})"))
    table.add_row("Rank (90% range)", rank(A), rank(B), "")
    table.add_row("Index", fmt(A.get("index_score")), fmt(B.get("index_score")), "")
    table.add_row("Shared categories", str(p["shared_categories"]), "", "")
    table.add_row("Shared weighted benchmarks", str(p.get("shared_benchmarks") or 0), "", "")
    for r in c.categories.to_dicts():
        label = f"  {r['category']}" + ("" if r["same_benchmarks"] else " *")
        table.add_row(escape(label), fmt(r["score_a"]), fmt(r["score_b"]), fmt(r["diff"], prefix="+" if r["diff"] >= 0 else ""))
    if p["swing_benchmark_id"]:
        gap = p["swing_a"] - p["swing_b"]
        table.add_row(escape(f"Biggest swing: {p['swing_benchmark']}"), fmt(p["swing_a"]), fmt(p["swing_b"]), fmt(gap, prefix="+" if gap >= 0 else ""))
    table.add_section()
    for label, key, digits, prefix, suffix in [
        ("Input $/M tokens", "input_usd_per_mtok", 2, "$", ""), ("Output $/M tokens", "output_usd_per_mtok", 2, "$", ""),
        ("Blended $/M (3:1)", "blended_usd_per_mtok", 2, "$", ""), ("Speed (output tok/s)", "output_tokens_per_s", 0, "", ""),
        ("Latency (s to first token)", "ttft_s", 2, "", " s"),
    ]:
        table.add_row(label, fmt(A.get(key), digits, prefix, suffix), fmt(B.get(key), digits, prefix, suffix), "")
    table.add_row("Context window", tokens(A.get("context_window_tokens")), tokens(B.get("context_window_tokens")), "")
    table.add_row("Reasoning model", yes(A.get("is_reasoning")), yes(B.get("is_reasoning")), "")
    console.print(table)
    if not c.categories.filter(~pl.col("same_benchmarks").cast(pl.Boolean)).is_empty():
        console.print("* averages over different benchmarks (coverage differs): apples to oranges, compare with care.")
    if p.get("p_lead") is not None:
        console.print(f"The model ahead overall stays ahead in {p['p_lead']:.0%} of resamples; call: {p['call'].replace('_', ' ')}.")
    console.print(f"[bold]Verdict:[/] {escape(p['verdict'])}")
    if not c.from_mart:
        console.print("(computed on demand: the pair is not in mart_head_to_head, which holds the pairs among the first "
                      "BENCHMART_H2H_TOP_K comparable models of each lane)")


def models(ctx: typer.Context, warehouse: WarehouseOpt = None) -> None:
    """List the catalog's models and their aliases (`models unmatched`: the names no model matched)."""
    from benchmart.ingest.catalog import load_catalog

    if ctx.invoked_subcommand:
        return
    try:
        catalog = load_catalog(Settings().catalog_dir)
    except BenchmartError as exc:
        fail(exc)
    table = Table(title="catalog models")
    for col in ("id", "name", "vendor", "aliases"):
        table.add_column(col)
    for m in catalog.models:
        table.add_row(escape(m.id), escape(m.display_name), escape(m.vendor or ""), escape(", ".join(m.aliases)))
    console.print(table)


def unmatched(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source id.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="model or benchmark.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rows.")] = 30,
    warehouse: WarehouseOpt = None,
) -> None:
    """Names the sources use that resolve to no model or benchmark, newest first, then most rows."""
    from benchmart.warehouse import read

    if kind not in (None, "model", "benchmark"):
        usage_error(f"--kind must be model or benchmark, not {kind!r}")
    try:
        names = read.unmatched_names(engine(warehouse), source, kind)
    except BenchmartError as exc:
        fail(exc)
    table = Table(title=f"unmatched names ({names.height:,}; newest first, then most rows)", box=box.SIMPLE_HEAD)
    for col in ("source", "kind", "name", "rows", "in", "first seen", "last seen", "closest catalog ids (a hint)"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for r in names.head(top).to_dicts():
        table.add_row(*(escape(str(v)) if v is not None else "" for v in (
            r["source_id"], r["kind"], r["name"], f"{r['rows']:,}", r["found_in"], str(r["first_seen"])[:10],
            str(r["last_seen"])[:10], r["candidate"])))
    console.print(table)

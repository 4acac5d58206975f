"""The whole table-building step (transforms.tables) on literal frames: no Prefect, no HTTP, no database."""

from datetime import date

import polars as pl
import pytest

from benchmart.ingest.sources import sources_frame  # noqa: F401 - the frame shape comes from contracts.SOURCES
from benchmart import contracts
from benchmart.settings import RankRules
from benchmart.transforms.fct_benchmark_observation import fct_benchmark_observation
from benchmart.transforms.tables import build_tables

from .frames import CATEGORIES, benchmarks

DAY = date(2026, 1, 15)
BENCH = benchmarks(
    ("c1", "coding", True, "percent", True), ("c2", "coding", True, "fraction", True),
    ("k1", "knowledge", True, "percent", True), ("m1", "math", True, "percent", False),
)
MODELS = pl.DataFrame(
    {"model_id": ["alpha", "beta", "gamma"], "display_name": ["Alpha", "Beta", "Gamma"], "vendor": ["acme", "bolt", "acme"],
     "family": [None, None, None], "is_reasoning": [True, False, None], "context_window_tokens": [128_000, 1_000_000, None],
     "max_output_tokens": [None, None, None], "open_weights": [False, True, None], "release_date": [date(2025, 1, 1)] * 3,
     "aliases": [[], [], []], "variants": [[], [], []]},
    schema_overrides={"family": pl.String, "max_output_tokens": pl.Int64, "open_weights": pl.Boolean, "is_reasoning": pl.Boolean,
                      "context_window_tokens": pl.Int64, "aliases": pl.List(pl.String), "variants": pl.List(pl.String)},
)


def _scores(*rows):
    """(model_id, benchmark_id, raw_value, provenance, source_id)."""
    return pl.DataFrame(
        [{"source_id": r[4], "model_name": r[0].upper(), "model_id": r[0], "variant": None, "benchmark_name": r[1],
          "benchmark_id": r[1], "raw_value": float(r[2]), "unit": None, "observed_on": date(2025, 6, 1),
          "citation": None, "provenance": r[3], "release": None, "harness": None} for r in rows],
        schema_overrides={"variant": pl.String, "unit": pl.String, "citation": pl.String, "release": pl.String, "harness": pl.String},
    )


def _tables(freshness: pl.DataFrame) -> dict[str, pl.DataFrame]:
    scores = _scores(
        ("alpha", "c1", 80, "verified", "s1"), ("alpha", "c2", 0.6, "verified", "s1"), ("alpha", "k1", 70, "verified", "s1"),
        ("alpha", "m1", 10, "unverified", "s2"), ("beta", "c1", 50, "unverified", "s2"), ("beta", "k1", 90, "verified", "s1"),
        ("beta", "c1", 55, "verified", "s1"), ("gamma", "k1", 40, "verified", "s1"),
    )
    sources = pl.DataFrame({"source_id": ["s1", "s2"], "priority": [90, 50]}, schema_overrides={"priority": pl.Int64}).with_columns(
        [pl.lit(None, t).alias(c) for c, t in contracts.SOURCES.items() if c not in ("source_id", "priority")]
    ).select(*contracts.SOURCES)
    observations, superseded = pl.collect_all(fct_benchmark_observation(scores.lazy(), BENCH.lazy(), sources.lazy()))
    assert superseded.is_empty()
    prices = pl.DataFrame({"source_id": ["s1"], "model_name": ["ALPHA"], "model_id": ["alpha"], "provider": ["acme"],
                           "input_usd_per_mtok": [1.0], "output_usd_per_mtok": [4.0]})
    runtime = pl.DataFrame({"source_id": ["s1"], "model_name": ["BETA"], "model_id": ["beta"], "provider": ["bolt"],
                            "output_tokens_per_s": [120.0], "ttft_s": [0.5]})
    facts = pl.DataFrame(schema={"source_id": pl.String, "model_name": pl.String, "model_id": pl.String,
                                 "context_window_tokens": pl.Int64, "max_output_tokens": pl.Int64, "is_reasoning": pl.Boolean,
                                 "open_weights": pl.Boolean, "release_date": pl.Date})
    rules = RankRules(min_benchmarks=1, min_category_benchmarks=1, min_shared_benchmarks=1)  # three tiny models
    return build_tables(DAY, observations, prices, runtime, facts, MODELS, CATEGORIES, BENCH, sources, freshness, rules)


def test_every_table_of_a_snapshot_from_literal_frames():
    tables = _tables(pl.DataFrame({"source_id": ["s1", "s2"], "status": ["fresh", "stale"]}))

    assert all(t["snapshot_date"].unique().to_list() == [DAY] for n, t in tables.items() if not n.startswith("dim_"))
    assert tables["dim_model"]["model_id"].to_list() == ["alpha", "beta", "gamma"]
    # normalization: fraction x100, lower-is-better 100 - x
    obs = {(r["model_id"], r["benchmark_id"]): r["score"] for r in tables["fct_benchmark_observation"].to_dicts()}
    assert obs[("alpha", "c2")] == pytest.approx(60.0) and obs[("alpha", "m1")] == pytest.approx(90.0)
    # best observation: beta's verified c1 (55) beats the unverified one (50)
    chosen = {(r["model_id"], r["benchmark_id"]): r["score"] for r in tables["fct_benchmark_score"].to_dicts()}
    assert chosen[("beta", "c1")] == 55.0
    board = {(r["lane"], r["model_id"]): r for r in tables["mart_leaderboard"].to_dicts()}
    # provisional alpha: coding (80+60)/2=70, knowledge 70, math 90 -> (.5*70+.3*70+.2*90)/1.0 = 74
    assert board[("provisional", "alpha")]["overall_score"] == pytest.approx(74.0)
    assert board[("provisional", "alpha")]["stale_sources"] == "s2" and board[("verified", "alpha")]["stale_sources"] is None
    assert board[("provisional", "alpha")]["rank"] == 1 and board[("provisional", "beta")]["rank"] == 2
    alpha = board[("provisional", "alpha")]
    assert alpha["overall_low"] <= alpha["overall_score"] <= alpha["overall_high"] and alpha["index_low"] <= alpha["index_high"]
    assert alpha["rank_low"] == 1 and alpha["benchmarks_covered"] == 4 and alpha["unranked_reason"] is None
    assert board[("provisional", "gamma")]["is_ranked"] is False and board[("provisional", "gamma")]["rank"] is None
    assert board[("verified", "alpha")]["overall_score"] == pytest.approx((0.5 * 70 + 0.3 * 70) / 0.8)
    assert (board[("provisional", "alpha")]["input_usd_per_mtok"], board[("provisional", "alpha")]["blended_usd_per_mtok"]) == (1.0, 1.75)
    assert board[("provisional", "beta")]["input_usd_per_mtok"] is None and board[("provisional", "beta")]["output_tokens_per_s"] == 120.0
    h2h = tables["mart_head_to_head"].filter(pl.col("lane") == "provisional").row(0, named=True)
    assert (h2h["model_a_id"], h2h["model_b_id"], h2h["leader_model_id"]) == ("alpha", "beta", "alpha")
    assert h2h["shared_categories"] == 2 and h2h["swing_benchmark_id"] == "c1" and (h2h["swing_a"], h2h["swing_b"]) == (80.0, 55.0)
    assert h2h["call"] == "too_close" and 0.5 < h2h["p_lead"] < 0.9 and h2h["verdict"].startswith("Too close to call: Alpha 74.0 vs Beta")
    cats = tables["mart_head_to_head_category"].filter(pl.col("lane") == "provisional")
    assert cats.select("category_id", "diff").rows() == [("coding", pytest.approx(15.0)), ("knowledge", pytest.approx(-20.0))]


def test_a_missing_source_is_named_on_the_rows_lacking_the_figures_it_carries():
    freshness = pl.DataFrame(
        {"source_id": ["s1", "s2", "prices-x", "runtime-x", "scores-x"], "status": ["fresh", "fresh", "missing", "missing", "missing"],
         "provides": [["scores"], ["scores"], ["prices", "models"], ["runtime"], ["scores"]]},
    )
    board = {(r["lane"], r["model_id"]): r["stale_sources"] for r in _tables(freshness)["mart_leaderboard"].to_dicts()}
    # alpha has a price, a context window, no runtime; beta runtime and context, no price; gamma nothing but scores
    assert board[("provisional", "alpha")] == "runtime-x, scores-x"
    assert board[("provisional", "beta")] == "prices-x, scores-x"
    assert board[("provisional", "gamma")] == "prices-x, runtime-x, scores-x"

"""Docs that must match the code: the data dictionary and the example BI queries (run on both engines)."""

from datetime import date

import pytest
from sqlalchemy import text

from ..conftest import PROJECT_ROOT
from benchmart.flows.nightly import nightly
from benchmart.warehouse import queries
from benchmart.warehouse.dictionary import render
from benchmart.warehouse.engine import make_engine

from ..conftest import write_sources

QUERIES = {q.name: q.sql for q in queries.QUERIES}


def test_the_data_dictionary_and_the_example_queries_are_current():
    assert (PROJECT_ROOT / "docs" / "warehouse.md").read_text() == render(), "run `benchmart warehouse docs`"
    assert (PROJECT_ROOT / "docs" / "bi-queries.md").read_text() == queries.render(), "run `benchmart warehouse docs`"


def test_every_column_is_described():
    assert "|  |" not in render().replace("| --- |", "")
    assert all(line.rstrip().endswith("|") and not line.rstrip().endswith("| |") for line in render().splitlines() if line.startswith("| `"))


@pytest.fixture(params=["sqlite", "postgresql"])
def bi_engine(request, golden, tmp_path, served_samples):
    if request.param == "sqlite":
        yield golden[1]
        return
    url = request.getfixturevalue("pg_url")
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    nightly(snapshot_date=date(2026, 11, 28), warehouse_url=url, sources_file=str(sources), data_dir=str(tmp_path / "data"))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_example_bi_queries_answer_on_both_engines(bi_engine):
    assert set(QUERIES) == {"leaderboard", "top_10_by_category", "rank_history", "cheapest_above_score", "head_to_head_lookup", "head_to_head_categories"}
    with bi_engine.connect() as conn:
        got = {name: conn.execute(text(sql)).mappings().all() for name, sql in QUERIES.items()}
    board = got["leaderboard"]
    ranked = [r["ranked"] for r in board]
    assert ranked == sorted(ranked, reverse=True) and ranked[0] == "yes"  # ranked first
    assert [r["rank"] for r in board if r["ranked"] == "yes"] == sorted(r["rank"] for r in board if r["ranked"] == "yes")
    assert len(got["top_10_by_category"]) == 10
    assert got["top_10_by_category"][0]["score"] >= got["top_10_by_category"][-1]["score"]
    assert [r["lane"] for r in got["rank_history"]] == ["provisional", "verified"]
    cheapest = got["cheapest_above_score"]
    assert cheapest and all(r["overall_score"] >= 70 for r in cheapest)
    assert [r["blended_usd_per_mtok"] for r in cheapest] == sorted(r["blended_usd_per_mtok"] for r in cheapest)
    (pair,) = got["head_to_head_lookup"]
    assert (pair["model_a_name"], pair["model_b_name"], pair["swing_benchmark_id"]) == ("Gemma 4 12B", "GPT-4.1 mini", "gpqa-diamond")
    cats = {r["category_id"]: (round(r["score_a"], 1), round(r["score_b"], 1)) for r in got["head_to_head_categories"]}
    assert cats == {"coding": (72.0, 23.6), "knowledge": (77.8, 64.2)}


def test_the_readable_leaderboard_view_lists_ranked_models_first_with_plain_flags_and_rounded_figures(bi_engine):
    with bi_engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM v_leaderboard_readable WHERE lane = 'provisional'")).mappings().all()
        latest = conn.execute(text("SELECT is_ranked FROM v_leaderboard_latest WHERE lane = 'provisional'")).scalars().all()
        rounded = conn.execute(text("SELECT round(index_score, 1) FROM v_leaderboard_readable LIMIT 1")).scalar()  # no cast needed
    flags = [r["ranked"] for r in rows]
    assert set(flags) == {"yes", "no"} and flags == sorted(flags, key=lambda f: f == "no")  # every ranked row before any unranked
    assert [bool(x) for x in latest] == sorted((bool(x) for x in latest), reverse=True)
    ranked = [r for r in rows if r["ranked"] == "yes"]
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked) and ranked[0]["rank"] == 1
    assert all(r["reasoning"] in ("yes", "no", None) for r in rows)
    mini = next(r for r in rows if r["model"] == "GPT-4.1 mini")
    assert float(mini["input_usd_per_mtok"]) == 0.4 and float(mini["output_usd_per_mtok"]) == 1.6 and float(mini["ttft_s"]) == 0.76
    assert all(float(r["index_score"]) == round(float(r["index_score"]), 1) for r in rows) and rounded is not None
    gemma = next(r for r in rows if r["model"] == "Gemma 4 12B")
    assert gemma["ranked"] == "no" and "8 needed" in gemma["unranked_reason"]

"""The real nightly flow, sources served over loopback HTTP, into a temporary warehouse."""

from datetime import date
import json

import polars as pl
import pytest
from sqlalchemy import text

from benchmart.errors import ValidationFailed
from benchmart.flows.nightly import nightly
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.read import table_at
from benchmart.warehouse.schema import SNAPSHOT_TABLES

from ..conftest import serve_directory, write_sources

DAY = date(2026, 11, 28)
pytestmark = pytest.mark.usefixtures("prefect_harness")


def run(tmp_path, sources, url, day=DAY):
    return nightly(snapshot_date=day, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp_path / "data"))


def test_golden_case_gemma_4_12b_vs_gpt_41_mini(golden):
    result, engine, _ = golden
    assert result.status == "success"
    pair = table_at(engine, "mart_head_to_head", DAY, lane="provisional", model_a_id="gemma-4-12b", model_b_id="gpt-4.1-mini")
    assert pair.height == 1
    p = pair.row(0, named=True)
    assert p["shared_categories"] == 2 and p["leader_model_id"] == "gemma-4-12b" and p["overall_diff"] > 0
    assert (p["swing_benchmark_id"], p["swing_a"], p["swing_b"]) == ("gpqa-diamond", 78.8, 64.2)
    cats = table_at(engine, "mart_head_to_head_category", DAY, lane="provisional", model_a_id="gemma-4-12b", model_b_id="gpt-4.1-mini")
    got = {r["category_id"]: (round(r["score_a"], 1), round(r["score_b"], 1), round(r["diff"], 1)) for r in cats.to_dicts()}
    assert got == {"coding": (72.0, 23.6, 48.4), "knowledge": (77.8, 64.2, 13.6)}
    board = {r["model_id"]: r for r in table_at(engine, "mart_leaderboard", DAY, lane="provisional").to_dicts()}
    gemma, mini = board["gemma-4-12b"], board["gpt-4.1-mini"]
    assert gemma["is_reasoning"] is True and gemma["context_window_tokens"] == 262144
    assert all(gemma[k] is None for k in ("input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok", "output_tokens_per_s", "ttft_s"))
    assert mini["is_reasoning"] is False and mini["context_window_tokens"] == 1047576
    assert (mini["input_usd_per_mtok"], mini["output_usd_per_mtok"], mini["output_tokens_per_s"], mini["ttft_s"]) == (0.4, 1.6, 80.0, 0.76)
    verdict = p["verdict"]
    # Gemma is ahead on every figure, but the two share one weighted benchmark: the verdict shows the lead, calls none
    assert p["shared_benchmarks"] == 1 and p["call"] == "not_comparable" and p["p_lead"] >= 0.95
    assert verdict.startswith("Not comparable on shared evidence: they share 1 weighted benchmark (3 needed to call a leader)")
    assert "Gemma 4 12B 74.2 vs GPT-4.1 mini 50.9 (+23.3) overall" in verdict
    assert "Coding, Gemma 4 12B 72.0 vs GPT-4.1 mini 23.6 (+48.4)" in verdict
    assert "GPQA Diamond, Gemma 4 12B 78.8 vs GPT-4.1 mini 64.2" in verdict
    assert "GPT-4.1 mini is still the better pick" in verdict
    assert "a larger context window (1M vs 256K)" in verdict and "no reasoning-model latency or token spend" in verdict
    assert "different benchmarks" in verdict  # coding and knowledge averages rest on different benchmarks


def test_latest_views_show_the_newest_snapshot(golden, tmp_path):
    """On a copy of the golden warehouse, an older and a newer snapshot: the views follow the newest only."""
    import shutil

    from benchmart.warehouse.publish import publish_snapshot

    shutil.copy(golden[2].removeprefix("sqlite:///"), tmp_path / "copy.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")

    def latest_top():
        with engine.connect() as conn:
            return conn.execute(text("SELECT model_id FROM v_leaderboard_latest WHERE lane='provisional' AND rank = 1")).scalar()

    golden_top = latest_top()
    older = table_at(engine, "mart_leaderboard", DAY).with_columns(pl.lit(date(2026, 11, 1)).alias("snapshot_date"))
    older = older.with_columns(pl.when(pl.col("model_id") == golden_top).then(None).otherwise(pl.col("rank")).alias("rank"))
    publish_snapshot(engine, date(2026, 11, 1), {"mart_leaderboard": older})
    assert latest_top() == golden_top  # an older snapshot does not take over
    newer = table_at(engine, "mart_leaderboard", DAY).with_columns(pl.lit(date(2026, 11, 30)).alias("snapshot_date"))
    newer = newer.with_columns(pl.when(pl.col("rank") == 1).then(2).when(pl.col("model_id") == "gpt-4.1-mini").then(1)
                               .otherwise(pl.col("rank")).alias("rank"))
    publish_snapshot(engine, date(2026, 11, 30), {"mart_leaderboard": newer})
    assert golden_top != "gpt-4.1-mini" and latest_top() == "gpt-4.1-mini"
    with engine.connect() as conn:
        dates = conn.execute(text("SELECT DISTINCT snapshot_date FROM v_leaderboard_latest")).scalars().all()
        n = conn.execute(text("SELECT count(*) FROM v_head_to_head_latest WHERE model_a_name = 'Gemma 4 12B' AND model_b_name = 'GPT-4.1 mini'")).scalar()
    assert [str(d)[:10] for d in dates] == ["2026-11-30"]
    assert n == 1  # head-to-head's newest snapshot is still the golden one; provisional lane only
    engine.dispose()


def test_unknown_model_names_land_in_the_unmatched_report_and_quarantine(golden):
    result, engine, _ = golden
    assert ("benchmart-scores", "Command A", 2) in result.unmatched.select("source_id", "name", "rows").rows()
    q = table_at(engine, "ops_quarantine", run_id=result.run_id)
    unknown = q.filter(pl.col("rule") == "unknown_model").with_columns(
        pl.col("record").str.json_path_match("$.name").alias("name"), pl.col("record").str.json_path_match("$.records").cast(pl.Int64).alias("n"))
    # Command A: 2 score rows + 1 price key; the API pointers deepseek-chat, deepseek-reasoner; llm-stats deepseek-v3:
    # 6 records, stored one row per (source, stage, name) with the count and an example
    assert unknown["n"].sum() == 6 and unknown.height < 6
    command_a = unknown.filter((pl.col("name") == "Command A") & (pl.col("stage") == "resolve:scores")).row(0, named=True)
    assert command_a["n"] == 2 and "Command A" in command_a["record"]
    assert result.quarantined == q.filter(~pl.col("rule").str.starts_with("unknown_")).height + unknown["n"].sum()


def test_each_run_leaves_a_run_record_and_raw_payload_rows(golden):
    result, engine, _ = golden
    runs = table_at(engine, "ops_pipeline_run", run_id=result.run_id).row(0, named=True)
    assert runs["status"] == "success" and runs["flow"] == "benchmart-nightly"
    assert json.loads(runs["row_counts"])["mart_leaderboard"] == result.row_counts["mart_leaderboard"]
    assert {s["source_id"] for s in json.loads(runs["sources"])} == {"benchmart-scores", "litellm", "models-dev", "benchmart-runtime"}
    payloads = table_at(engine, "ops_raw_payload")
    assert payloads.height == 4 and payloads["url"].str.starts_with("http://127.0.0.1").all()


def _snapshot(engine, day):
    return {name: table_at(engine, name, day).sort(pl.all()) for name in SNAPSHOT_TABLES}


def test_re_running_a_date_yields_identical_rows(tmp_path, served_samples, sqlite_url):
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    run(tmp_path, sources, sqlite_url)
    engine = make_engine(sqlite_url)
    first = _snapshot(engine, DAY)
    site = tmp_path / "site"
    again = nightly(snapshot_date=DAY, warehouse_url=sqlite_url, sources_file=str(sources), data_dir=str(tmp_path / "data"),
                    site_dir=str(site))  # the second run also writes the report site of its snapshot
    assert again.site == (site / "index.html").resolve().as_uri()
    assert (site / ".benchmart-site").read_text().strip() == str(DAY) and (site / "vs").is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []  # swapped in whole, nothing left beside
    second = _snapshot(engine, DAY)
    for name in SNAPSHOT_TABLES:
        assert first[name].height > 0
        assert first[name].equals(second[name]), name
    assert len(list((tmp_path / "data" / "landing").glob("*/*/*.bin"))) == 4  # identical payloads landed once


def test_a_bad_row_is_quarantined_with_its_rule_and_the_rest_published(tmp_path, samples_dir, sqlite_url):
    with (samples_dir / "scores.csv").open("a") as fh:
        fh.write("GPT-4.1 mini,MMLU-Pro,180,,2025-04-14,verified,https://example.org/typo\n")
        fh.write("GPT-4.1 mini,SimpleQA,n/a,,2025-04-14,verified,\n")
    with serve_directory(samples_dir) as base:
        result = run(tmp_path, write_sources(tmp_path / "sources.yaml", base), sqlite_url)
    engine = make_engine(sqlite_url)
    q = table_at(engine, "ops_quarantine", run_id=result.run_id)
    rules = dict(q.select("rule", "record").filter(pl.col("rule").is_in(["unit_suspect", "value_not_a_number"])).rows())
    assert "180" in rules["unit_suspect"] and "SimpleQA" in rules["value_not_a_number"]
    obs = table_at(engine, "fct_benchmark_observation", DAY, model_id="gpt-4.1-mini")
    assert "mmlu-pro" not in obs["benchmark_id"].to_list() and obs.height > 5


def test_a_collapsed_batch_stops_before_publishing_and_keeps_the_previous_snapshot(tmp_path, samples_dir, sqlite_url):
    with serve_directory(samples_dir) as base:
        sources = write_sources(tmp_path / "sources.yaml", base)
        run(tmp_path, sources, sqlite_url, day=date(2026, 11, 27))
        lines = (samples_dir / "scores.csv").read_text().splitlines()
        (samples_dir / "scores.csv").write_text("\n".join(lines[:8]) + "\n")  # most scores vanish upstream
        with pytest.raises(ValidationFailed, match="collapsed"):
            run(tmp_path, sources, sqlite_url)
    engine = make_engine(sqlite_url)
    assert table_at(engine, "mart_leaderboard", DAY).is_empty()
    assert table_at(engine, "mart_leaderboard", date(2026, 11, 27)).height > 50
    statuses = table_at(engine, "ops_pipeline_run").sort("snapshot_date")["status"].to_list()
    assert statuses == ["success", "failed_validation"]


def test_a_failing_source_falls_back_to_its_last_good_payload_marked_stale(tmp_path, samples_dir, sqlite_url, monkeypatch):
    monkeypatch.setenv("BENCHMART_FETCH_RETRY_DELAY_S", "0.1")
    monkeypatch.setenv("BENCHMART_HTTP_BACKOFF_S", "0.01")
    with serve_directory(samples_dir) as base:
        sources = write_sources(tmp_path / "sources.yaml", base)
        run(tmp_path, sources, sqlite_url, day=date(2026, 11, 27))
    # the server is gone now: every fetch fails after its retries
    result = run(tmp_path, sources, sqlite_url)
    assert result.status == "success_stale"
    assert {s["status"] for s in result.sources} == {"stale"}
    assert table_at(make_engine(sqlite_url), "mart_leaderboard", DAY).height == result.row_counts["mart_leaderboard"]


def test_the_golden_case_holds_on_postgresql_too(tmp_path, served_samples, pg_url):
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    run(tmp_path, sources, pg_url)
    engine = make_engine(pg_url)
    cats = table_at(engine, "mart_head_to_head_category", DAY, lane="provisional", model_a_id="gemma-4-12b", model_b_id="gpt-4.1-mini")
    got = {r["category_id"]: (round(r["score_a"], 1), round(r["score_b"], 1)) for r in cats.to_dicts()}
    assert got == {"coding": (72.0, 23.6), "knowledge": (77.8, 64.2)}
    first = _snapshot(engine, DAY)
    run(tmp_path, sources, pg_url)
    second = _snapshot(engine, DAY)
    assert all(first[n].equals(second[n]) for n in SNAPSHOT_TABLES)
    engine.dispose()


def _duplicate_offer(samples_dir):
    path = samples_dir / "litellm_prices.json"
    prices = json.loads(path.read_text())
    prices["openai/gpt-4.1-mini"] = dict(prices["gpt-4.1-mini"], input_cost_per_token=9e-07)  # one offer, a second key
    path.write_text(json.dumps(prices))


def test_every_row_read_is_published_quarantined_or_left_out_and_the_run_record_says_so(tmp_path, samples_dir, sqlite_url):
    _duplicate_offer(samples_dir)
    with serve_directory(samples_dir) as base:
        result = run(tmp_path, write_sources(tmp_path / "sources.yaml", base), sqlite_url)
    engine = make_engine(sqlite_url)
    record = table_at(engine, "ops_pipeline_run", run_id=result.run_id).row(0, named=True)
    for s in json.loads(record["sources"]):
        assert s["rows_unaccounted"] == 0, s
        assert s["rows_read"] + s["parse_rejects"] == s["rows_published"] + s["rows_quarantined"] + s["rows_left_out"], s
    q = table_at(engine, "ops_quarantine", run_id=result.run_id).filter(pl.col("rule") == "duplicate_offer_superseded")
    assert q["source_id"].to_list() == ["litellm"] and "openai/gpt-4.1-mini" in q["record"][0]  # the dearer key
    board = table_at(engine, "mart_leaderboard", DAY, model_id="gpt-4.1-mini", lane="provisional")
    assert board["input_usd_per_mtok"].to_list() == [0.4]


def test_a_row_that_vanishes_without_a_trace_stops_the_run_before_publishing(tmp_path, samples_dir, sqlite_url, monkeypatch):
    import benchmart.flows.build as build

    _duplicate_offer(samples_dir)
    monkeypatch.setattr(build, "superseded_offers", lambda prices: prices.head(0).select(  # a bug: the duplicate is dropped
        "source_id", pl.lit("transform").alias("stage"), pl.lit("x").alias("rule"), pl.lit("{}").alias("record")))
    with serve_directory(samples_dir) as base, pytest.raises(ValidationFailed, match=r"rows unaccounted.*litellm: .*\(\+1 unaccounted\)"):
        run(tmp_path, write_sources(tmp_path / "sources.yaml", base), sqlite_url)
    engine = make_engine(sqlite_url)
    assert table_at(engine, "mart_leaderboard", DAY).height == 0
    assert table_at(engine, "ops_pipeline_run")["status"].to_list() == ["failed_validation"]


def test_a_run_that_fails_before_the_snapshot_stage_still_leaves_its_run_record(tmp_path, samples_dir, sqlite_url, monkeypatch):
    from benchmart.errors import SourceError

    monkeypatch.setenv("BENCHMART_FETCH_RETRIES", "0")
    (samples_dir / "litellm_prices.json").unlink()
    sources = write_sources(tmp_path / "sources.yaml", samples_dir.as_uri(),
                            **{"    priority: 80\n": "    priority: 80\n    on_failure: fail\n"})
    with pytest.raises(SourceError, match="on_failure: fail"):
        run(tmp_path, sources, sqlite_url)
    (record,) = table_at(make_engine(sqlite_url), "ops_pipeline_run").to_dicts()
    assert record["status"] == "failed" and "litellm" in record["error"] and record["finished_at"] is not None

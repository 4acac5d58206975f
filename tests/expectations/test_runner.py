"""The suites' two meanings: a broken row rule quarantines the row (with its rule), a broken batch rule stops."""

import polars as pl

from benchmart.expectations import SUITES_DIR, validate

from ..conftest import PROJECT_ROOT


def _prices(*rows):
    return pl.DataFrame(rows, schema=["source_id", "model_name", "model_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok"],
                        orient="row")


def test_a_bad_row_is_quarantined_with_its_rule_and_the_rest_stays():
    frame = _prices(("s", "a", "a", "p", 1.0, 2.0), ("s", "b", "b", "p", -1.0, 2.0))
    out = validate(frame, "fct_model_price", {"min_rows": 0})
    assert out.ok and out.valid["model_id"].to_list() == ["a"]
    assert out.quarantine.select("source_id", "stage", "rule").rows() == [("s", "validate:fct_model_price", "input_price_negative")]


def test_a_collapsed_batch_stops_the_run():
    out = validate(_prices(("s", "a", "a", "p", 1.0, 2.0)), "fct_model_price", {"min_rows": 10})
    assert not out.ok and "fct_model_price" in out.failures[0]


def test_every_published_table_with_a_suite_is_named_for_it():
    from benchmart.warehouse.schema import SNAPSHOT_TABLES

    suites = {p.stem.removesuffix("_summary") for p in SUITES_DIR.glob("*.json")}  # <table>_summary: its aggregate
    assert suites <= set(SNAPSHOT_TABLES), suites - set(SNAPSHOT_TABLES)
    assert (PROJECT_ROOT / "expectations" / "suites") == SUITES_DIR


def test_an_inverted_interval_or_an_unknown_call_stops_the_run():
    board = pl.DataFrame({"lane": ["provisional"] * 2, "model_id": ["a", "b"], "overall_score": [60.0, 50.0], "rank": [1, 2],
                          "weight_covered": [0.5, 0.5], "overall_low": [55.0, 52.0], "overall_high": [65.0, 48.0],
                          "rank_low": [1, 2], "rank_high": [1, 2], "index_score": [61.0, 49.0]})
    out = validate(board, "mart_leaderboard", {"min_rows": 0})
    assert not out.ok and any("overall_interval_inverted" in f for f in out.failures)
    pairs = pl.DataFrame({"lane": ["provisional"], "model_a_id": ["a"], "model_b_id": ["b"], "verdict": ["A leads B."],
                          "call": ["leads by a mile"], "p_lead": [0.97]})
    out = validate(pairs, "mart_head_to_head", {"min_rows": 0})
    assert not out.ok and any("call_unknown" in f for f in out.failures)


def test_an_infinite_price_or_speed_is_quarantined_not_published():
    out = validate(_prices(("s", "a", "a", "p", 1.0, 2.0), ("s", "b", "b", "p", float("inf"), 2.0)), "fct_model_price", {"min_rows": 0})
    assert out.valid["model_id"].to_list() == ["a"] and out.quarantine["rule"].to_list() == ["input_price_not_finite"]
    runtime = pl.DataFrame({"source_id": ["s", "s"], "model_name": ["a", "b"], "model_id": ["a", "b"], "provider": ["p", "p"],
                            "output_tokens_per_s": [80.0, float("inf")], "ttft_s": [0.5, 0.5]})
    out = validate(runtime, "fct_model_runtime", {"min_rows": 0})
    assert out.valid["model_id"].to_list() == ["a"] and "speed_not_finite" in out.quarantine["rule"].to_list()

import polars as pl
import pytest

from benchmart.settings import RankRules
from benchmart.transforms.fct_benchmark_score import lane_benchmark_scores
from benchmart.transforms.mart_category_score import mart_category_score
from benchmart.transforms.mart_head_to_head import mart_head_to_head
from benchmart.transforms.mart_head_to_head_category import mart_head_to_head_category
from benchmart.transforms.mart_leaderboard import ranked
from benchmart.transforms.pairs import ranked_pairs

from .frames import CATEGORIES, benchmarks, scored

BENCH = benchmarks(
    ("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True),
    ("k1", "knowledge", True, "percent", True), ("k2", "knowledge", True, "percent", True),
    ("m1", "math", True, "percent", True),
)
MODELS = pl.DataFrame({"model_id": ["a", "b", "c"], "display_name": ["Alpha", "Beta", "Gamma"]})


def _board(overall, **side):
    """Leaderboard from overall scores plus per-model side columns (price, speed, ...)."""
    cols = ["blended_usd_per_mtok", "output_tokens_per_s", "ttft_s", "context_window_tokens", "is_reasoning", "runtime_suspect"]
    rows = []
    for r in overall.to_dicts():
        extra = side.get(r["model_id"], {})
        rows.append(r | {c: extra.get(c) for c in cols})
    return pl.DataFrame(rows, schema=dict(overall.schema) | {
        "blended_usd_per_mtok": pl.Float64, "output_tokens_per_s": pl.Float64, "ttft_s": pl.Float64,
        "context_window_tokens": pl.Int64, "is_reasoning": pl.Boolean, "runtime_suspect": pl.Boolean})


def _h2h(scores, rules=RankRules(), **side):
    """Both head-to-head tables of the provisional lane for `scores` (fct_benchmark_score rows)."""
    cats = mart_category_score(scores.lazy(), BENCH.lazy()).filter(pl.col("lane") == "provisional")
    board = _board(ranked(cats, CATEGORIES.lazy(), rules).collect().sort("model_id"), **side).lazy()
    pairs = ranked_pairs(board)
    bench_scores = lane_benchmark_scores(scores.lazy(), BENCH.lazy()).filter(pl.col("lane") == "provisional")
    per_cat = mart_head_to_head_category(pairs, cats, bench_scores)
    pair_table = mart_head_to_head(pairs, board, per_cat, bench_scores, MODELS.lazy(), CATEGORIES.lazy(), BENCH.lazy())
    return tuple(pl.collect_all([pair_table, per_cat]))


def test_pairs_are_unordered_with_a_before_b_and_only_ranked_models():
    scores = scored(("a", "c1", 50), ("a", "k1", 50), ("b", "c1", 60), ("b", "k1", 60), ("c", "c1", 99))  # c unranked
    h2h, _ = _h2h(scores)
    assert h2h.select("model_a_id", "model_b_id").rows() == [("a", "b")]



def test_biggest_swing_is_over_shared_benchmarks_only():
    scores = scored(("a", "c1", 90), ("a", "k1", 10), ("a", "c2", 0), ("b", "c1", 40), ("b", "k1", 30), ("b", "k2", 99))
    h2h, _ = _h2h(scores)
    row = h2h.row(0, named=True)
    assert (row["swing_benchmark_id"], row["swing_a"], row["swing_b"]) == ("c1", 90.0, 40.0)


@pytest.mark.parametrize(
    "b_score, phrase, leader",
    [
        (79.5, "are level overall", None),
        (78.0, "edges out", "a"),
        (75.0, "leads Beta overall", "a"),
        (70.0, "clearly leads", "a"),
        (40.0, "by a wide margin", "a"),
        (95.0, "Beta leads Alpha by a wide margin", "b"),
    ],
)
def test_verdict_wording_fits_the_size_of_the_gap(b_score, phrase, leader):
    scores = scored(("a", "c1", 80), ("a", "k1", 80), ("b", "c1", b_score), ("b", "k1", b_score))
    row = _h2h(scores)[0].row(0, named=True)
    assert phrase in row["verdict"]
    assert row["leader_model_id"] == leader
    if abs(80 - b_score) >= 15:
        assert "close" not in row["verdict"] and "narrow" not in row["verdict"]


def test_verdict_names_the_reasons_to_pick_the_trailing_model_only_from_recorded_data():
    scores = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c1", 50), ("b", "k1", 50))
    side = {
        "a": {"context_window_tokens": 131072, "is_reasoning": True, "blended_usd_per_mtok": 3.0, "ttft_s": 2.0},
        "b": {"context_window_tokens": 1048576, "is_reasoning": False, "blended_usd_per_mtok": 0.7,
              "output_tokens_per_s": 80.0, "ttft_s": 0.5},
    }
    verdict = _h2h(scores, **side)[0]["verdict"][0]
    assert "Beta is still the better pick if you need" in verdict
    assert "a larger context window (1M vs 128K)" in verdict
    assert "a lower blended price ($0.70 vs $3.00 per million tokens)" in verdict
    assert "lower latency (0.50 s vs 2.00 s to first token)" in verdict
    assert "no reasoning-model latency or token spend" in verdict
    assert "faster output" not in verdict  # Alpha's speed is unknown: N/A never counts


def test_suspect_runtime_figures_never_give_a_reason():
    scores = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c1", 50), ("b", "k1", 50))
    side = {"a": {"output_tokens_per_s": 50.0, "ttft_s": 2.0},
            "b": {"output_tokens_per_s": 115.0, "ttft_s": 0.5, "runtime_suspect": True}}
    verdict = _h2h(scores, **side)[0]["verdict"][0]
    assert "faster output" not in verdict and "lower latency" not in verdict
    assert "Nothing recorded (price, speed, latency, context) favours Beta." in verdict


def test_verdict_says_so_when_nothing_favours_the_trailing_model():
    scores = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c1", 50), ("b", "k1", 50))
    verdict = _h2h(scores)[0]["verdict"][0]
    assert "Nothing recorded (price, speed, latency, context) favours Beta." in verdict


def test_models_with_no_shared_category_are_told_apart_honestly():
    scores = scored(("a", "c1", 90), ("a", "m1", 90), ("b", "k1", 50), ("b", "k2", 50), ("b", "m1", 10))
    row = _h2h(scores)[0].row(0, named=True)
    assert row["shared_categories"] == 1  # math only
    scores = scored(("a", "c1", 90), ("a", "m1", 90), ("b", "k1", 50), ("b", "k2", 50))
    h2h, _ = _h2h(scores, rules=RankRules(min_categories=1, min_weight_covered=0.0))
    assert h2h["shared_categories"].to_list() == [0]
    assert "share no category" in h2h["verdict"][0]

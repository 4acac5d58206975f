import polars as pl

from benchmart.settings import RankRules
from benchmart.transforms.fct_benchmark_score import lane_benchmark_scores
from benchmart.transforms.mart_category_score import mart_category_score
from benchmart.transforms.mart_head_to_head import mart_head_to_head
from benchmart.transforms.mart_head_to_head_category import mart_head_to_head_category
from benchmart.transforms.mart_leaderboard import ranked
from benchmart.transforms.pairs import comparable_pairs, pair_figures
from benchmart.transforms.uncertainty import lead_probability, resample

from .frames import CATEGORIES, benchmarks, scored

BENCH = benchmarks(
    ("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True),
    ("k1", "knowledge", True, "percent", True), ("k2", "knowledge", True, "percent", True),
    ("m1", "math", True, "percent", True),
)
MODELS = pl.DataFrame({"model_id": ["a", "b", "c"], "display_name": ["Alpha", "Beta", "Gamma"]})
RULES = RankRules(min_benchmarks=1, min_category_benchmarks=1)  # the pair rules, without the rank floors


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


def _h2h(scores, rules=RULES, bench=BENCH, **side):
    """Both head-to-head tables of the provisional lane for `scores` (fct_benchmark_score rows)."""
    cats = mart_category_score(scores.lazy(), bench.lazy()).filter(pl.col("lane") == "provisional")
    board = _board(ranked(cats, CATEGORIES.lazy(), rules).collect().sort("model_id"), **side).lazy()
    pairs = comparable_pairs(board, rules)
    bench_scores = lane_benchmark_scores(scores.lazy(), bench.lazy()).filter(pl.col("lane") == "provisional")
    lead = lead_probability(pairs.collect(), resample(bench_scores.collect(), CATEGORIES, rules))
    per_cat = mart_head_to_head_category(pairs, cats, bench_scores)
    figures = pair_figures(*pl.collect_all([pairs, bench_scores, cats]))[0]
    pair_table = mart_head_to_head(pairs, board, figures.lazy(), MODELS.lazy(), CATEGORIES.lazy(), bench.lazy(), lead.lazy(), rules)
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


WIDE = benchmarks(*[(f"c{i}", "coding", True, "percent", True) for i in range(6)],
                  *[(f"k{i}", "knowledge", True, "percent", True) for i in range(6)])


def _wide(a_scores, b_scores):
    """a and b on the same twelve benchmarks."""
    ids = [f"c{i}" for i in range(6)] + [f"k{i}" for i in range(6)]
    return scored(*[("a", i, v) for i, v in zip(ids, a_scores)], *[("b", i, v) for i, v in zip(ids, b_scores)])


def test_a_leader_is_called_from_the_resamples_and_the_shared_evidence_not_from_the_gap():
    spread = [40, 90, 55, 75, 60, 85, 45, 95, 50, 70, 65, 80]
    clear = _h2h(_wide([v + 6 for v in spread], spread), bench=WIDE)[0].row(0, named=True)  # ahead on every benchmark
    assert clear["call"] == "clear_lead" and clear["p_lead"] >= 0.95 and clear["leader_model_id"] == "a"
    assert clear["verdict"].startswith("Alpha clearly leads Beta overall: Alpha ") and "on 12 shared weighted benchmarks" in clear["verdict"]
    mixed = [v + (9 if i % 2 else -8) for i, v in enumerate(spread)]  # a ahead by half a point on average, either way per benchmark
    close = _h2h(_wide(mixed, spread), bench=WIDE)[0].row(0, named=True)
    assert close["call"] == "too_close" and close["p_lead"] < 0.90
    assert close["verdict"].startswith("Too close to call: ") and "leads" not in close["verdict"]
    trailing = _h2h(_wide(spread, [v + 6 for v in spread]), bench=WIDE)[0].row(0, named=True)
    assert trailing["leader_model_id"] == "b" and trailing["verdict"].startswith("Beta clearly leads Alpha overall: Beta ")


def test_a_wide_gap_on_too_little_shared_evidence_names_no_leader():
    scores = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c1", 30), ("b", "k2", 20))  # one shared benchmark
    row = _h2h(scores)[0].row(0, named=True)
    assert row["shared_benchmarks"] == 1 and row["call"] == "not_comparable" and row["leader_model_id"] == "a"
    assert row["verdict"].startswith("Not comparable on shared evidence: they share 1 weighted benchmark (3 needed to call a leader)")
    assert "leads" not in row["verdict"] and "Alpha 90.0 vs Beta 26.2 (+63.8)" in row["verdict"]
    apart = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c2", 30), ("b", "k2", 20))
    none = _h2h(apart)[0].row(0, named=True)
    assert none["shared_benchmarks"] == 0 and none["leader_model_id"] is None and "share no weighted benchmark" in none["verdict"]


def test_figures_come_leader_first_named_and_differences_are_those_of_the_figures_shown():
    scores = scored(("a", "c1", 4.94), ("a", "c2", 4.94), ("a", "k1", 4.94), ("b", "c1", 46.04), ("b", "c2", 46.04), ("b", "k1", 46.04))
    verdict = _h2h(scores)[0]["verdict"][0]
    assert "Beta 46.0 vs Alpha 4.9 (+41.1)" in verdict  # not +41.1 from unrounded figures shown as 46.0 and 4.9 -> 41.1 either way
    assert "Coding, Beta 46.0 vs Alpha 4.9 (+41.1)" in verdict and "C1, Beta 46.0 vs Alpha 4.9 (+41.1)" in verdict


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


def test_a_reason_is_never_given_against_the_figures_beside_it():
    scores = scored(("a", "c1", 90), ("a", "k1", 90), ("b", "c1", 50), ("b", "k1", 50))
    side = {"a": {"is_reasoning": True, "ttft_s": 0.40, "context_window_tokens": 1_000_000},
            "b": {"is_reasoning": False, "ttft_s": 0.90, "context_window_tokens": 1_047_576}}
    verdict = _h2h(scores, **side)[0]["verdict"][0]
    assert "no reasoning-model latency" not in verdict  # Beta's recorded time to first token is higher
    assert "context window" not in verdict  # 1M vs 1M is no reason
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


def test_figures_and_lead_in_another_order_give_the_same_table():
    # the table step hands over pairs, figures and lead probabilities in one order and they are put side by side;
    # in any other order (or missing pairs) they are joined on the pair keys, with the same result
    scores = scored(*[(m, b, v) for m, base in (("a", 50), ("b", 60), ("c", 70))
                      for b, v in (("c1", base), ("c2", base + 5), ("k1", 100 - base), ("m1", base - 10))])
    cats = mart_category_score(scores.lazy(), BENCH.lazy()).filter(pl.col("lane") == "provisional")
    board = _board(ranked(cats, CATEGORIES.lazy(), RULES).collect().sort("model_id")).lazy()
    pairs = comparable_pairs(board, RULES).collect()
    bench_scores = lane_benchmark_scores(scores.lazy(), BENCH.lazy()).filter(pl.col("lane") == "provisional").collect()
    lead = lead_probability(pairs, resample(bench_scores, CATEGORIES, RULES))
    figures = pair_figures(pairs, bench_scores, cats.collect())[0]
    assert pairs.height == 3

    def table(p, f, le):
        return mart_head_to_head(p.lazy(), board, f.lazy(), MODELS.lazy(), CATEGORIES.lazy(), BENCH.lazy(), le.lazy(), RULES).collect()

    side_by_side = table(pairs, figures, lead)
    reversed_ = [f.reverse() for f in (pairs, figures, lead)]
    assert table(*reversed_).equals(side_by_side)  # out of order: joined, then sorted
    assert table(pairs, figures.reverse(), lead.sample(fraction=1.0, shuffle=True, seed=1)).equals(side_by_side)
    partial = table(pairs, figures.head(2), lead)  # a pair without figures keeps its row, with no figures
    assert partial.height == 3 and partial["shared_benchmarks"].to_list()[2] == 0

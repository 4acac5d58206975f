import itertools
import random

import polars as pl

from benchmart.settings import RankRules
from benchmart.transforms.fct_model_price import fct_model_price
from benchmart.transforms.mart_leaderboard import preferred_price, preferred_runtime, ranked

from .frames import CATEGORIES


def overall_scores(cats, categories, min_weight=0.30, **floors):
    """`ranked` with the benchmark floors off unless given: these tests are about breadth and order."""
    rules = RankRules(min_weight_covered=min_weight, **({"min_benchmarks": 1, "min_category_benchmarks": 1} | floors))
    return ranked(cats.lazy(), categories.lazy(), rules).collect().sort(
        ["lane", "is_ranked", "overall_score", "model_id"], descending=[False, True, True, False], nulls_last=True
    )


def _cats(rows):
    """rows: (lane, model_id, category_id, score[, n_benchmarks])."""
    rows = [r if len(r) == 5 else (*r, 1) for r in rows]
    return pl.DataFrame(rows, schema=["lane", "model_id", "category_id", "score", "n_benchmarks"], orient="row").with_columns(
        pl.lit(1.0).alias("coverage")
    )


def test_overall_is_weighted_over_the_categories_a_model_has_and_ties_share_the_lower_rank():
    cats = _cats([
        ("provisional", "a", "coding", 80.0), ("provisional", "a", "knowledge", 60.0),   # (40+18)/.8 = 72.5
        ("provisional", "b", "coding", 72.5), ("provisional", "b", "math", 72.5),         # 72.5: tie with a
        ("provisional", "c", "coding", 90.0), ("provisional", "c", "knowledge", 90.0),    # 90
        ("provisional", "d", "coding", 10.0), ("provisional", "d", "knowledge", 10.0),    # 10
    ])
    out = overall_scores(cats, CATEGORIES).select("model_id", "overall_score", "rank", "weight_covered")
    assert out.to_dicts() == [
        {"model_id": "c", "overall_score": 90.0, "rank": 1, "weight_covered": 0.8},
        {"model_id": "a", "overall_score": 72.5, "rank": 2, "weight_covered": 0.8},
        {"model_id": "b", "overall_score": 72.5, "rank": 2, "weight_covered": 0.7},
        {"model_id": "d", "overall_score": 10.0, "rank": 4, "weight_covered": 0.8},
    ]


def test_a_model_with_a_single_category_gets_a_row_but_no_rank():
    cats = _cats([
        ("provisional", "solo", "coding", 99.0),
        ("provisional", "pair", "coding", 50.0), ("provisional", "pair", "math", 50.0),
    ])
    out = overall_scores(cats, CATEGORIES).select("model_id", "is_ranked", "rank", "categories_covered")
    assert out.to_dicts() == [
        {"model_id": "pair", "is_ranked": True, "rank": 1, "categories_covered": 2},
        {"model_id": "solo", "is_ranked": False, "rank": None, "categories_covered": 1},
    ]


def test_evidence_floors_leave_the_overall_unchanged_and_say_which_floor_a_model_misses():
    cats = _cats([
        ("provisional", "broad", "coding", 70.0, 5), ("provisional", "broad", "knowledge", 60.0, 3),     # 8 benchmarks, 2 counted
        ("provisional", "thin", "coding", 99.0, 2), ("provisional", "thin", "knowledge", 99.0, 1),       # 3 benchmarks
        ("provisional", "lopsided", "coding", 80.0, 8), ("provisional", "lopsided", "math", 80.0, 1),    # 9, one counted
    ])
    out = {r["model_id"]: r for r in overall_scores(cats, CATEGORIES, min_benchmarks=8, min_category_benchmarks=2).to_dicts()}
    assert out["broad"]["is_ranked"] and out["broad"]["rank"] == 1 and out["broad"]["unranked_reason"] is None
    assert out["thin"]["overall_score"] == 99.0 and out["thin"]["rank"] is None
    assert out["thin"]["unranked_reason"] == "3 weighted benchmarks (8 needed); 1 category with enough benchmarks (2 needed)"
    assert out["lopsided"]["unranked_reason"] == "1 category with enough benchmarks (2 needed)"
    assert out["lopsided"]["benchmarks_covered"] == 9
    declared = CATEGORIES.with_columns(pl.when(pl.col("category_id") == "math").then(1).alias("min_benchmarks"))
    again = {r["model_id"]: r for r in overall_scores(cats, declared, min_benchmarks=8, min_category_benchmarks=2).to_dicts()}
    assert again["lopsided"]["is_ranked"] and again["lopsided"]["rank"] == 1  # math declares one benchmark enough


def test_too_little_weight_is_not_ranked_even_with_two_categories():
    cats = _cats([("provisional", "m", "math", 80.0), ("provisional", "m", "knowledge", 80.0)])  # weight .5
    assert overall_scores(cats, CATEGORIES, min_weight=0.6)["is_ranked"].to_list() == [False]
    assert overall_scores(cats, CATEGORIES, min_weight=0.5)["is_ranked"].to_list() == [True]


def test_ranks_are_per_lane():
    cats = _cats([
        ("provisional", "a", "coding", 50.0), ("provisional", "a", "math", 50.0),
        ("verified", "a", "coding", 50.0), ("verified", "a", "math", 50.0),
        ("provisional", "b", "coding", 60.0), ("provisional", "b", "math", 60.0),
    ])
    out = overall_scores(cats, CATEGORIES).select("lane", "model_id", "rank")
    assert out.to_dicts() == [
        {"lane": "provisional", "model_id": "b", "rank": 1},
        {"lane": "provisional", "model_id": "a", "rank": 2},
        {"lane": "verified", "model_id": "a", "rank": 1},
    ]


MODELS = pl.DataFrame(
    {"model_id": ["m1", "m2", "m3"], "vendor": ["openai", "google", "meta"],
     "context_window_tokens": [1000, 2000, None], "is_reasoning": [False, True, None]}
)


def _prices(*rows):
    return pl.DataFrame(rows, schema=["model_id", "source_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "model_name"], orient="row")


VENDORS = pl.LazyFrame({"id": ["openai", "google", "meta"], "providers": [["openai"], ["google", "gemini"], ["meta"]]})


def test_the_published_price_is_the_vendors_offer_else_the_median_of_paid_offers():
    fct = fct_model_price(_prices(
        ("m1", "s1", "azure", 0.44, 1.76, "azure/gpt"),
        ("m1", "s1", "openai", 0.40, 1.60, "gpt"),   # the vendor's own API: the list price
        ("m1", "s2", "cheap", 0.10, 0.10, "gpt"),    # a reseller far below the others: an outlier, never published
        ("m2", "s1", "x", 1.0, 2.0, "g"),
        ("m2", "s1", "y", 0.5, 1.0, "g"),            # no vendor offer: the median of the paid offers
    ).lazy(), MODELS.lazy(), VENDORS)
    assert fct.filter(pl.col("is_outlier")).collect()["provider"].to_list() == ["cheap"]
    prio = pl.DataFrame({"source_id": ["s1", "s2"], "priority": [90, 10]})
    out = preferred_price(fct, prio.lazy()).collect().sort("model_id")
    assert out.select("model_id", "price_provider", "price_rule", "input_usd_per_mtok", "output_usd_per_mtok").rows() == [
        ("m1", "openai", "first_party", 0.40, 1.60), ("m2", None, "median_paid", 0.75, 1.5)]


def test_a_free_offer_is_never_a_price_and_missing_stays_null():
    fct = fct_model_price(_prices(("m2", "s1", "local", 0.0, 0.0, "g")).lazy(), MODELS.lazy(), VENDORS)
    prio = pl.DataFrame({"source_id": ["s1"], "priority": [1]}).lazy()
    runtime = pl.DataFrame({"model_id": ["m1"], "source_id": ["s1"], "provider": ["openai"], "output_tokens_per_s": [80.0], "ttft_s": [0.76],
                            "is_suspect": [False]})
    board = (
        pl.LazyFrame({"model_id": ["m1", "m2", "m3"]})
        .join(preferred_price(fct, prio), on="model_id", how="left")
        .join(preferred_runtime(runtime.lazy(), prio), on="model_id", how="left")
        .collect()
    )
    rows = {r["model_id"]: r for r in board.to_dicts()}
    assert rows["m2"]["blended_usd_per_mtok"] is None and rows["m2"]["has_free_tier"] is True
    assert rows["m1"]["input_usd_per_mtok"] is None and rows["m1"]["blended_usd_per_mtok"] is None
    assert rows["m1"]["output_tokens_per_s"] == 80.0 and rows["m2"]["ttft_s"] is None


def _order_sensitive_scores() -> tuple[float, float, float]:
    """Three category scores whose weighted overall rounds (6 decimals) differently depending on the order they are added in."""
    rng, weights = random.Random(7), dict(zip(CATEGORIES["category_id"], CATEGORIES["weight"]))
    while True:
        scores = tuple(round(rng.uniform(0, 100), 6) for _ in range(3))
        overalls = {round(sum(w * s for w, s in order) / sum(w for w, _ in order), 6)
                    for order in itertools.permutations(zip(weights.values(), scores))}
        if len(overalls) > 1:
            return scores


def test_the_overall_is_the_same_whatever_order_the_rows_come_in():
    # a plain group sum adds in the order the engine meets the rows, which can move the published 6th decimal
    scores = dict(zip(CATEGORIES["category_id"], _order_sensitive_scores()))
    rows = [("provisional", f"m{i}", c, scores[c]) for i, order in enumerate(itertools.permutations(scores)) for c in order]
    out = overall_scores(_cats(rows), CATEGORIES)
    assert out["overall_score"].n_unique() == 1, out.select("model_id", "overall_score").rows()
    assert out["weight_covered"].n_unique() == 1

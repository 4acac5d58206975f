from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from transforms.scoring import benchmark_scores, category_scores, normalized_observations, overall_scores

from .frames import CATEGORIES, PRIORITY, benchmarks, observations, scored


def test_normalization_covers_every_scale_and_direction():
    bench = benchmarks(
        ("pct", "coding", True, "percent", True),
        ("frac", "coding", True, "fraction", True),
        ("err", "coding", True, "percent", False),
        ("ten", "math", True, "explicit", True, 0.0, 10.0),
        ("elo", "math", False, "elo", True),
    )
    obs = observations(
        ("m1", "pct", 72.5), ("m1", "frac", 0.42), ("m1", "err", 12.0), ("m1", "ten", 7.5),
        ("m1", "elo", 1200), ("m2", "elo", 1400), ("m3", "elo", 1300),
    )
    out = normalized_observations(obs, bench).sort("model_id", "benchmark_id").select("model_id", "benchmark_id", "score")
    expected = pl.DataFrame(
        {
            "model_id": ["m1"] * 5 + ["m2", "m3"],
            "benchmark_id": ["elo", "err", "frac", "pct", "ten", "elo", "elo"],
            "score": [0.0, 88.0, 42.0, 72.5, 75.0, 100.0, 50.0],
        }
    )
    assert_frame_equal(out, expected)


def test_unit_on_the_row_overrides_the_declared_scale():
    bench = benchmarks(("pct", "coding", True, "percent", True))
    out = normalized_observations(observations(("m1", "pct", 0.5, "verified", "s1", date(2025, 1, 1), "fraction")), bench)
    assert out["score"].to_list() == [50.0]


def test_elo_with_a_single_rating_has_no_range_and_no_score():
    out = normalized_observations(observations(("m1", "elo", 1300)), benchmarks(("elo", "math", False, "elo", True)))
    assert out["score"].to_list() == [None]


def test_best_observation_prefers_verified_then_priority_then_newest():
    obs = observations(
        ("m1", "b", 60, "unverified", "s2", date(2025, 6, 1)),
        ("m1", "b", 50, "verified", "s1", date(2025, 1, 1)),  # verified beats higher priority
        ("m2", "b", 70, "unverified", "s1", date(2025, 6, 1)),
        ("m2", "b", 65, "unverified", "s2", date(2025, 1, 1)),  # priority 90 beats newer
        ("m3", "b", 40, "verified", "s1", date(2025, 1, 1)),
        ("m3", "b", 45, "verified", "s1", date(2025, 3, 1)),  # same source: newest
        ("m4", "b", 99, "generated", "s2", date(2025, 3, 1)),  # generated is never chosen
    ).with_columns(pl.col("raw_value").alias("score"))
    chosen = benchmark_scores(obs, PRIORITY).select("model_id", "raw_value", "source_id")
    assert chosen.to_dicts() == [
        {"model_id": "m1", "raw_value": 50.0, "source_id": "s1"},
        {"model_id": "m2", "raw_value": 65.0, "source_id": "s2"},
        {"model_id": "m3", "raw_value": 45.0, "source_id": "s1"},
    ]


def test_category_score_is_the_mean_over_weighted_benchmarks_with_coverage():
    bench = benchmarks(
        ("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True),
        ("c3", "coding", True, "percent", True), ("c4", "coding", False, "percent", True),
    )
    s = scored(("m1", "c1", 60), ("m1", "c2", 80), ("m1", "c4", 10))  # c4 is display-only
    out = category_scores(s, bench, "provisional")
    expected = pl.DataFrame(
        {"lane": ["provisional"], "model_id": ["m1"], "category_id": ["coding"], "score": [70.0],
         "n_benchmarks": [2], "coverage": [2 / 3]}
    )
    assert_frame_equal(out, expected)


def test_verified_lane_ignores_unverified_rows():
    bench = benchmarks(("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True))
    s = scored(("m1", "c1", 60, "verified"), ("m1", "c2", 90, "unverified"))
    assert category_scores(s, bench, "verified")["score"].to_list() == [60.0]
    assert category_scores(s, bench, "provisional")["score"].to_list() == [75.0]


def _cats(rows):
    return pl.DataFrame(rows, schema=["lane", "model_id", "category_id", "score"], orient="row").with_columns(
        pl.lit(1, pl.Int64).alias("n_benchmarks"), pl.lit(1.0).alias("coverage")
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


def test_the_best_declared_variant_wins_within_a_source_and_the_rest_is_quarantined():
    from transforms.scoring import variant_ranks
    from transforms.snapshot import benchmark_observations

    models = pl.DataFrame({"model_id": ["o3"], "variants": [["high", "medium", "low"]]})
    bench = benchmarks(("pct", "coding", True, "percent", True))
    rows = observations(("o3", "pct", 70), ("o3", "pct", 80), ("o3", "pct", 60), ("o3", "pct", 65)).with_columns(
        pl.Series("variant", ["medium", "high", "low", None]), pl.lit("o3 run").alias("model_name"),
        pl.lit(None, pl.String).alias("citation"),
    )
    kept, superseded = benchmark_observations(rows, bench, variant_ranks(models))
    assert kept.select("variant", "raw_value").rows() == [("high", 80.0)]
    assert superseded["rule"].to_list() == ["variant_superseded"] * 3


def test_undeclared_variants_rank_after_the_unstated_default():
    from transforms.scoring import variant_ranks

    models = pl.DataFrame({"model_id": ["m1"], "variants": [[]]}, schema={"model_id": pl.String, "variants": pl.List(pl.String)})
    obs = observations(("m1", "b", 90), ("m1", "b", 50)).with_columns(pl.Series("variant", ["weird", None]),
                                                                      pl.col("raw_value").alias("score"))
    chosen = benchmark_scores(obs, PRIORITY, variant_ranks(models))
    assert chosen.select("variant", "raw_value").rows() == [(None, 50.0)]

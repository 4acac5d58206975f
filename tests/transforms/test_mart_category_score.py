import polars as pl
from polars.testing import assert_frame_equal

from benchmart.transforms.mart_category_score import mart_category_score

from .frames import benchmarks, scored


def category_scores(scores, bench, lane):
    return mart_category_score(scores.lazy(), bench.lazy()).filter(pl.col("lane") == lane).collect()


def test_category_score_is_the_mean_over_weighted_benchmarks_with_coverage():
    bench = benchmarks(
        ("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True),
        ("c3", "coding", True, "percent", True), ("c4", "coding", False, "percent", True),
    )
    s = scored(("m1", "c1", 60), ("m1", "c2", 80), ("m1", "c4", 10))  # c4 is display-only
    out = category_scores(s, bench, "provisional")
    expected = pl.DataFrame(
        {"lane": ["provisional"], "model_id": ["m1"], "category_id": ["coding"], "score": [70.0],
         "n_benchmarks": [2], "coverage": [2 / 3], "releases": [None]},
        schema_overrides={"releases": pl.String},
    )
    assert_frame_equal(out, expected)


def test_verified_lane_ignores_unverified_rows():
    bench = benchmarks(("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True))
    s = scored(("m1", "c1", 60, "verified"), ("m1", "c2", 90, "unverified"))
    assert category_scores(s, bench, "verified")["score"].to_list() == [60.0]
    assert category_scores(s, bench, "provisional")["score"].to_list() == [75.0]


def test_the_releases_behind_a_category_score_are_named():
    bench = benchmarks(("c1", "coding", True, "percent", True), ("c2", "coding", True, "percent", True))
    s = scored(("m1", "c1", 60), ("m1", "c2", 80)).with_columns(pl.Series("release", ["2025-11-25", None]))
    assert category_scores(s, bench, "provisional")["releases"].to_list() == ["2025-11-25"]

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from benchmart.transforms.fct_benchmark_observation import fct_benchmark_observation, normalized
from benchmart.transforms.preference import variant_ranks

from .frames import PRIORITY, benchmarks, observations


def normalized_observations(obs, bench):
    return normalized(obs.lazy(), bench.lazy()).collect()


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


def test_the_best_declared_variant_wins_within_a_source_and_the_rest_is_quarantined():
    models = pl.DataFrame({"model_id": ["o3"], "variants": [["high", "medium", "low"]]})
    bench = benchmarks(("pct", "coding", True, "percent", True))
    rows = observations(("o3", "pct", 70), ("o3", "pct", 80), ("o3", "pct", 60), ("o3", "pct", 65)).with_columns(
        pl.Series("variant", ["medium", "high", "low", None]), pl.lit("o3 run").alias("model_name"),
    )
    kept, superseded = pl.collect_all(fct_benchmark_observation(rows.lazy(), bench.lazy(), PRIORITY.lazy(), variant_ranks(models)))
    assert kept.select("variant", "raw_value").rows() == [("high", 80.0)]
    assert superseded["rule"].to_list() == ["variant_superseded"] * 3

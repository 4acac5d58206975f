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


def test_values_that_contradict_the_scale_are_quarantined_as_unit_suspect():
    bench = benchmarks(("ifeval", "instruction_following", True, "percent", True), ("frac", "coding", True, "fraction", True),
                       ("arc2", "reasoning", True, "percent", True))
    rows = observations(
        ("m1", "ifeval", 0.8998, "verified", "s1"), ("m2", "ifeval", 0.85, "verified", "s1"),  # fractions as percent
        ("m3", "ifeval", 86.0, "verified", "s2"), ("m4", "ifeval", 1215, "verified", "s2"),     # Elo-like on a percent scale
        ("m1", "frac", 42.0, "verified", "s1"),                                                   # percent on a fraction scale
        ("m5", "arc2", 0.9, "verified", "s2"),                                                    # one low percent: plausible
        ("m6", "ifeval", 0.5, "verified", "s3", date(2025, 1, 1), "fraction"),                    # unit stated: fine
    )
    kept, left_out = pl.collect_all(fct_benchmark_observation(rows.lazy(), bench.lazy(), PRIORITY.lazy()))
    suspects = left_out.filter(pl.col("rule") == "unit_suspect")
    assert sorted(suspects["record"].str.json_path_match("$.model_name").to_list()) == ["m1", "m1", "m2", "m4"]
    assert sorted(kept.select("model_id", "benchmark_id").rows()) == [("m3", "ifeval"), ("m5", "arc2"), ("m6", "ifeval")]


def test_a_single_fraction_like_value_is_suspect_when_other_sources_publish_percent():
    bench = benchmarks(("ifeval", "instruction_following", True, "percent", True))
    alone = observations(("m1", "ifeval", 0.8998, "verified", "s1"))
    kept, _ = pl.collect_all(fct_benchmark_observation(alone.lazy(), bench.lazy(), PRIORITY.lazy()))
    assert kept.height == 1  # nothing to compare with: kept as found
    with_others = pl.concat([alone, observations(("m2", "ifeval", 84.0, "verified", "s2"), ("m3", "ifeval", 79.5, "verified", "s2"))])
    kept, left_out = pl.collect_all(fct_benchmark_observation(with_others.lazy(), bench.lazy(), PRIORITY.lazy()))
    assert left_out["rule"].to_list() == ["unit_suspect"] and kept["model_id"].sort().to_list() == ["m2", "m3"]


def test_two_runs_alike_but_for_their_citation_keep_one_row_whatever_order_they_come_in():
    from benchmart.transforms.preference import ties_broken

    frame = pl.DataFrame({"model_id": ["m", "m", "n"], "score": [50.0, 50.0, 1.0],
                          "citation": ["https://logs/b.eval", "https://logs/a.eval", "https://x"]})
    firsts = {ties_broken(frame[list(order)], ["model_id", "score"], [False, True]).unique("model_id", keep="first", maintain_order=True)
              .rows().__str__() for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0])}
    assert firsts == {str([("m", 50.0, "https://logs/a.eval"), ("n", 1.0, "https://x")])}

from datetime import date

import polars as pl

from benchmart.transforms.fct_benchmark_score import fct_benchmark_score
from benchmart.transforms.preference import variant_ranks

from .frames import PRIORITY, chosen, observations


def benchmark_scores(obs, priority, ranks=None):
    return fct_benchmark_score(chosen(obs).lazy(), priority.lazy(), ranks).collect()


def test_best_observation_prefers_verified_then_priority_then_newest():
    obs = observations(
        ("m1", "b", 60, "unverified", "s2", date(2025, 6, 1)),
        ("m1", "b", 50, "verified", "s1", date(2025, 1, 1)),  # verified beats higher priority
        ("m2", "b", 70, "unverified", "s1", date(2025, 6, 1)),
        ("m2", "b", 65, "unverified", "s2", date(2025, 1, 1)),  # priority 90 beats newer
        ("m3", "b", 40, "verified", "s1", date(2025, 1, 1)),
        ("m3", "b", 45, "verified", "s1", date(2025, 3, 1)),  # same source: newest
        ("m4", "b", 99, "generated", "s2", date(2025, 3, 1)),  # generated is never chosen
    )
    picked = benchmark_scores(obs, PRIORITY).select("model_id", "raw_value", "source_id")
    assert picked.to_dicts() == [
        {"model_id": "m1", "raw_value": 50.0, "source_id": "s1"},
        {"model_id": "m2", "raw_value": 65.0, "source_id": "s2"},
        {"model_id": "m3", "raw_value": 45.0, "source_id": "s1"},
    ]


def test_undeclared_variants_rank_after_the_unstated_default():
    models = pl.DataFrame({"model_id": ["m1"], "variants": [[]]}, schema={"model_id": pl.String, "variants": pl.List(pl.String)})
    obs = observations(("m1", "b", 90), ("m1", "b", 50)).with_columns(pl.Series("variant", ["weird", None]))
    picked = benchmark_scores(obs, PRIORITY, variant_ranks(models))
    assert picked.select("variant", "raw_value").rows() == [(None, 50.0)]


def test_a_models_figures_keep_to_the_setting_that_covers_most_benchmarks():
    models = pl.DataFrame({"model_id": ["m1"], "variants": [["high", "medium"]]},
                          schema={"model_id": pl.String, "variants": pl.List(pl.String)})
    obs = observations(
        ("m1", "b1", 70, "unverified", "s1"), ("m1", "b2", 60, "unverified", "s1"), ("m1", "b3", 50, "unverified", "s1"),
        ("m1", "b3", 40, "unverified", "s2"),   # another setting from the higher-priority source
        ("m1", "b4", 30, "unverified", "s2"),   # only in that setting: used, and the mix is listed
    ).with_columns(pl.Series("variant", ["high", "high", "high", "medium", "medium"]))
    picked = benchmark_scores(obs, PRIORITY, variant_ranks(models)).select("benchmark_id", "variant", "raw_value")
    assert picked.rows() == [("b1", "high", 70.0), ("b2", "high", 60.0), ("b3", "high", 50.0), ("b4", "medium", 30.0)]

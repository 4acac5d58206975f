"""The bootstrap and the index on literal frames: deterministic, paired, honest about thin evidence."""

import numpy as np
import polars as pl
import pytest

from benchmart.settings import RankRules
from benchmart.transforms import ability
from benchmart.transforms.evaluation import held_out_calls, leave_one_source_out
from benchmart.transforms.uncertainty import lead_probability, model_uncertainty, resample

from .frames import CATEGORIES, benchmarks

RULES = RankRules(min_benchmarks=1, min_category_benchmarks=1, resamples=400)
IDS = [f"c{i}" for i in range(5)] + [f"k{i}" for i in range(5)]
BENCH = benchmarks(*[(b, "coding" if b[0] == "c" else "knowledge", True, "percent", True) for b in IDS])
DIFFICULTY = np.linspace(-1.5, 1.5, len(IDS))  # c0 easiest ... k4 hardest


def _cells(abilities: dict[str, float], missing: dict[str, set[str]] | None = None) -> pl.DataFrame:
    """Scores from a logistic model with slope 1.5 (no noise) for the given abilities."""
    rows = []
    for model, theta in abilities.items():
        for b, d in zip(IDS, DIFFICULTY):
            if b in (missing or {}).get(model, set()):
                continue
            rows.append({"lane": "provisional", "model_id": model, "benchmark_id": b,
                         "category_id": "coding" if b[0] == "c" else "knowledge", "score": 100 / (1 + np.exp(-1.5 * (theta - d)))})
    return pl.DataFrame(rows)


def _standing(cells: pl.DataFrame) -> pl.DataFrame:
    cats = cells.group_by("lane", "model_id", "category_id").agg(pl.col("score").mean())
    weights = CATEGORIES.select("category_id", "weight")
    return cats.join(weights, on="category_id").group_by("lane", "model_id").agg(
        ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("overall_score")
    ).with_columns(pl.lit(True).alias("is_ranked"))


def test_same_seed_same_numbers_and_another_model_changes_no_one_elses():
    cells = _cells({"a": 1.0, "b": 0.5, "c": 0.0})
    first = model_uncertainty(_standing(cells), resample(cells, CATEGORIES, RULES), RULES)
    again = model_uncertainty(_standing(cells), resample(cells.sample(fraction=1.0, shuffle=True, seed=3), CATEGORIES, RULES), RULES)
    assert first.sort("model_id").equals(again.sort("model_id"))  # row order does not matter
    reseeded = model_uncertainty(_standing(cells), resample(cells, CATEGORIES, RULES.model_copy(update={"seed": 7})), RULES)
    assert not first.sort("model_id")["overall_low"].equals(reseeded.sort("model_id")["overall_low"])
    more = pl.concat([cells, _cells({"d": -0.5}, missing={"d": {"c1"}})])
    lane = resample(more, CATEGORIES, RULES)["provisional"]
    alone = resample(cells, CATEGORIES, RULES)["provisional"]
    assert np.array_equal(lane.overall[:, lane.column(["a"])], alone.overall[:, alone.column(["a"])])


def test_intervals_hold_the_point_and_narrow_with_evidence():
    cells = _cells({"broad": 0.5, "thin": 0.5}, missing={"thin": set(IDS[1:4] + IDS[6:9])})
    out = {r["model_id"]: r for r in model_uncertainty(_standing(cells), resample(cells, CATEGORIES, RULES), RULES).to_dicts()}
    board = {r["model_id"]: r["overall_score"] for r in _standing(cells).to_dicts()}
    for m, r in out.items():
        assert r["overall_low"] <= board[m] <= r["overall_high"]
        assert r["index_low"] <= r["index_score"] <= r["index_high"]


def test_a_lead_that_holds_benchmark_by_benchmark_is_certain_and_a_coin_flip_is_not():
    cells = _cells({"a": 1.0, "b": 0.6, "c": 0.6})
    # c: as strong as b on average, but ahead on one half of the benchmarks and behind on the other
    c = cells.filter(pl.col("model_id") == "c").with_row_index().with_columns(
        pl.when(pl.col("index") % 2 == 0).then(pl.col("score") + 8).otherwise(pl.col("score") - 8).alias("score")).drop("index")
    cells = pl.concat([cells.filter(pl.col("model_id") != "c"), c])
    pairs = pl.DataFrame({"lane": ["provisional"] * 2, "model_a_id": ["a", "b"], "model_b_id": ["b", "c"]})
    p = dict(zip(pairs["model_a_id"], lead_probability(pairs, resample(cells, CATEGORIES, RULES))["p_a_ahead"]))
    assert p["a"] == 1.0
    assert 0.2 < p["b"] < 0.8


def test_rank_intervals_upper_bounds_and_tie_groups():
    cells = _cells({"top": 3.0, "mid1": 0.52, "mid2": 0.5, "low": -3.0})
    mid2 = cells.filter(pl.col("model_id") == "mid2").with_row_index().with_columns(  # noisy around mid1
        (pl.col("score") + pl.when(pl.col("index") % 2 == 0).then(10).otherwise(-10)).alias("score")).drop("index")
    cells = pl.concat([cells.filter(pl.col("model_id") != "mid2"), mid2])
    rules = RULES.model_copy(update={"rank_by": "overall"})
    out = {r["model_id"]: r for r in model_uncertainty(_standing(cells), resample(cells, CATEGORIES, rules), rules).to_dicts()}
    assert (out["top"]["rank_low"], out["top"]["rank_high"], out["top"]["rank_upper_bound"]) == (1, 1, 1)
    assert out["mid1"]["rank_low"] == 2 and out["mid2"]["rank_high"] == 3 and out["mid2"]["rank_upper_bound"] == 2
    assert out["mid1"]["tie_group"] == out["mid2"]["tie_group"] == 2  # statistically tied
    assert out["top"]["tie_group"] == 1 and out["low"]["tie_group"] == 3 and out["low"]["rank_upper_bound"] == 4


def test_the_index_recovers_ability_and_does_not_reward_missing_hard_benchmarks():
    truth = {"a": 1.5, "b": 0.7, "c": 0.0, "d": -0.3}
    # d skipped the hardest benchmarks: its plain average looks better than c's, the fitted ability does not
    cells = _cells(truth, missing={"d": {"c3", "c4", "k3", "k4"}})
    fit = ability.fit(cells.drop("lane"), CATEGORIES.select("category_id", "weight"))
    theta = dict(zip(fit.model_ids, fit.theta))
    assert sorted(theta, key=theta.get, reverse=True) == ["a", "b", "c", "d"]
    plain = dict(_standing(cells).select("model_id", "overall_score").rows())
    assert plain["d"] > plain["c"]  # the reweighted average rewards the gap
    index = dict(zip(fit.model_ids, fit.index(fit.theta)))
    assert index["d"] < index["c"]  # the index predicts the missing cells instead
    assert np.corrcoef(fit.difficulty, DIFFICULTY)[0, 1] > 0.95


def test_leave_one_source_out_compares_each_source_with_the_rest():
    truth = {f"m{i}": t for i, t in enumerate(np.linspace(-1.5, 1.5, 12))}
    cells = _cells(truth)
    observations = cells.with_columns(
        pl.when(pl.col("benchmark_id").is_in(["c0", "k0", "c1", "k1"])).then(pl.lit("held")).otherwise(pl.lit("rest")).alias("source_id"),
        pl.lit("verified").alias("provenance"), pl.lit(None, pl.String).alias("variant"), pl.col("score").alias("raw_value"),
        pl.lit(None, pl.Date).alias("observed_on"), pl.lit(None, pl.String).alias("release"), pl.lit(None, pl.String).alias("citation"),
        pl.lit(None, pl.String).alias("harness"), pl.col("model_id").alias("source_model_name"), pl.lit(None, pl.String).alias("unit"),
    ).drop("lane", "category_id")
    sources = pl.DataFrame({"source_id": ["held", "rest"], "priority": [50, 50]})
    loso = leave_one_source_out(observations, sources, BENCH, CATEGORIES, min_models=10, rules=RULES)
    assert loso["source_id"].to_list() == ["held", "rest"] and loso["models"].to_list() == [12, 12]
    assert loso["rho_overall"].to_list() == pytest.approx([1.0, 1.0]) and loso["rho_index"].to_list() == pytest.approx([1.0, 1.0])
    calls = {r["call"]: r for r in held_out_calls(observations, sources, BENCH, CATEGORIES, min_models=10, rules=RULES).to_dicts()}
    assert calls["clear_lead"]["pairs"] > 0 and calls["clear_lead"]["held_out_agrees"] == 1.0  # noiseless: every call holds

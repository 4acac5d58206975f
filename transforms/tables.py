"""The table-building step: every table of one snapshot from its validated inputs. Pure: frames and the
date in, frames out. The transforms are LazyFrames in and out; the step collects them in three planned
waves (facts, then marts per model, then pairs), because each table's plan embeds its upstream plans and a
single collect of the whole graph re-optimizes shared subplans over and over (tests/transforms/test_tables.py:
15 s in one collect, 0.12 s in waves).

Each published table has one transform named for it (transforms/<table>.py); this module only wires them.
"""

from datetime import date

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms.dim_benchmark import dim_benchmark
from benchmart.transforms.dim_category import dim_category
from benchmart.transforms.dim_model import dim_model
from benchmart.transforms.dim_source import dim_source
from benchmart.transforms.fct_benchmark_score import fct_benchmark_score, lane_benchmark_scores
from benchmart.transforms.fct_model_price import fct_model_price
from benchmart.transforms.fct_model_runtime import fct_model_runtime
from benchmart.transforms.mart_category_score import mart_category_score
from benchmart.transforms.mart_head_to_head import mart_head_to_head
from benchmart.transforms.mart_leaderboard import mart_leaderboard, ranked
from benchmart.transforms.pairs import comparable_pairs, pair_figures
from benchmart.transforms.preference import variant_ranks
from benchmart.transforms.uncertainty import lead_probability, model_uncertainty, resample



def build_tables(
    snapshot_date: date,
    observations: pl.DataFrame,
    prices: pl.DataFrame,
    runtime: pl.DataFrame,
    model_facts: pl.DataFrame,
    catalog_models: pl.DataFrame,
    categories: pl.DataFrame,
    benchmarks: pl.DataFrame,
    sources: pl.DataFrame,
    freshness: pl.DataFrame,
    rules: RankRules = DEFAULT_RULES,
    vendors: pl.DataFrame | None = None,
    h2h_top_k: int | None = None,
) -> dict[str, pl.DataFrame]:
    """Every published table keyed by name; snapshot tables carry `snapshot_date` first, dimensions do not.

    `observations`: fct_benchmark_observation rows that passed validation; `prices`, `runtime`, `model_facts`:
    resolved source rows; `catalog_models`, `categories`, `benchmarks`: the curated catalog; `sources`: the
    sources file as a frame; `freshness`: (source_id, status) of this run's sources; `vendors`: id, providers
    (the vendors' own API providers, for list prices); `h2h_top_k`: head-to-head pairs among the first k
    comparable models per lane only (None: all; mart_head_to_head_category is the per-category figures of
    the same pairs)."""
    vendors = vendors if vendors is not None else pl.DataFrame(schema={"id": pl.String, "providers": pl.List(pl.String)})
    ranks = variant_ranks(catalog_models)
    cats, benches, srcs = _wave(dim_category(categories.lazy()), dim_benchmark(benchmarks.lazy()), dim_source(sources.lazy()))
    models = _wave(dim_model(catalog_models.lazy(), model_facts.lazy(), srcs))[0]
    scores, prices_t, runtime_t = _wave(
        fct_benchmark_score(observations.lazy(), srcs, ranks), fct_model_price(prices.lazy(), models, vendors.lazy()),
        fct_model_runtime(runtime.lazy(), models, vendors.lazy())
    )
    category_scores, bench_scores = _wave(mart_category_score(scores, benches), lane_benchmark_scores(scores, benches))
    resamples = resample(bench_scores.collect(), cats.collect(), rules)
    spread = model_uncertainty(ranked(category_scores, cats, rules).collect(), resamples, rules)
    board = _wave(mart_leaderboard(category_scores, cats, scores, benches, prices_t, runtime_t, models, srcs, freshness.lazy(), rules,
                                   vendors.lazy(), spread.lazy()))[0]
    pairs = comparable_pairs(board, rules, h2h_top_k).collect()
    lead = lead_probability(pairs, resamples)
    figures, pair_cats = (f.lazy() for f in pair_figures(pairs, bench_scores.collect(), category_scores.collect()))
    pair_table = mart_head_to_head(pairs.lazy(), board, figures, models, cats, benches, lead.lazy(), rules)
    snapshot = {
        "fct_benchmark_observation": observations.lazy(),
        "fct_benchmark_score": scores,
        "fct_model_price": prices_t,
        "fct_model_runtime": runtime_t,
        "mart_category_score": category_scores,
        "mart_leaderboard": board,
        "mart_head_to_head": pair_table,
        "mart_head_to_head_category": pair_cats,
    }
    stamp = pl.lit(snapshot_date, pl.Date).alias("snapshot_date")
    plans = {name: plan.select(stamp, pl.all()) for name, plan in snapshot.items()}
    plans |= {"dim_category": cats, "dim_benchmark": benches, "dim_model": models, "dim_source": srcs}
    return dict(zip(plans, pl.collect_all(list(plans.values()))))


def _wave(*plans: pl.LazyFrame) -> list[pl.LazyFrame]:
    """Collect `plans` together and hand them on as lazy frames over the results."""
    return [frame.lazy() for frame in pl.collect_all(list(plans))]

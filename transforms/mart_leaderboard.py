"""mart_leaderboard: per lane, each model's overall score and rank, with its price, runtime and context beside it.

- overall = sum(w_c x category_c) / sum(w_c) over the categories the model has; weight_covered = sum(w_c);
- ranked only with enough breadth (benchmart.settings.RankRules); ties share the lower rank (1, 2, 2, 4);
- price: the vendor's own list price, else the median of paid third-party offers (preferred_price); free
  offers and outliers are never a price;
  runtime: the highest-priority source's figures; missing stays NULL ("N/A"), never an estimate or 0;
- notes: which variants the scores come from, and which of the row's sources were stale or missing.
"""

import polars as pl

from benchmart.contracts import LANES, STALE_STATUSES
from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms.fct_benchmark_score import lane_scores
from benchmart.transforms.fct_model_price import blended, mean_price, with_own_rank
from benchmart.transforms.preference import in_value_order, ties_broken

COLUMNS = [
    "lane", "model_id", "overall_score", "rank", "is_ranked", "categories_covered", "weight_covered",
    "input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok", "mean_usd_per_mtok", "price_source_id",
    "price_provider", "price_rule", "price_offers", "has_free_tier",
    "output_tokens_per_s", "ttft_s", "runtime_source_id", "runtime_suspect", "context_window_tokens", "is_reasoning", "variants", "stale_sources",
    "benchmarks_covered", "unranked_reason", "overall_low", "overall_high", "rank_low", "rank_high", "rank_upper_bound", "tie_group",
    "index_score", "index_low", "index_high", "index_rank",
]
UNCERTAINTY = {"overall_low": pl.Float64, "overall_high": pl.Float64, "index_score": pl.Float64, "index_low": pl.Float64,
               "index_high": pl.Float64, "index_rank": pl.Int64, "rank_low": pl.Int64, "rank_high": pl.Int64,
               "rank_upper_bound": pl.Int64, "tie_group": pl.Int64}


def mart_leaderboard(
    mart_category_score: pl.LazyFrame,
    dim_category: pl.LazyFrame,
    fct_benchmark_score: pl.LazyFrame,
    dim_benchmark: pl.LazyFrame,
    fct_model_price: pl.LazyFrame,
    fct_model_runtime: pl.LazyFrame,
    dim_model: pl.LazyFrame,
    dim_source: pl.LazyFrame,
    freshness: pl.LazyFrame,
    rules: RankRules = DEFAULT_RULES,
    vendors: pl.LazyFrame | None = None,
    uncertainty: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """`freshness`: (source_id, status) of this run's sources, for `stale_sources`; `vendors`: id, providers
    (the vendors' own API providers in order of preference, for the list price); `uncertainty`: intervals,
    index and rank statistics per (lane, model) (transforms.uncertainty.model_uncertainty; None: all NULL).
    `rank` orders by rules.rank_by (overall_score or index_score)."""
    if uncertainty is None:
        uncertainty = pl.LazyFrame(schema={"lane": pl.String, "model_id": pl.String} | UNCERTAINTY)
    board = (
        ranked(mart_category_score, dim_category, rules)
        .join(uncertainty.select("lane", "model_id", *UNCERTAINTY), on=["lane", "model_id"], how="left")
        .with_columns(pl.col("index_rank").alias("rank") if rules.rank_by == "index" else pl.col("rank"))
        .join(preferred_price(fct_model_price, dim_source, dim_model, vendors), on="model_id", how="left")
        .join(preferred_runtime(fct_model_runtime, dim_source), on="model_id", how="left")
        .join(dim_model.select("model_id", "context_window_tokens", "is_reasoning"), on="model_id", how="left")
    )
    return (
        _with_notes(board, fct_benchmark_score, dim_benchmark, freshness)
        .select(COLUMNS)
        .sort(["lane", "is_ranked", "rank", "index_score" if rules.rank_by == "index" else "overall_score", "model_id"],
              descending=[False, True, False, True, False], nulls_last=True)
    )


def ranked(mart_category_score: pl.LazyFrame, dim_category: pl.LazyFrame, rules: RankRules = DEFAULT_RULES) -> pl.LazyFrame:
    """Overall score, breadth, evidence floors and rank (by overall) per (lane, model).

    overall_score averages the categories a model has (unchanged by the floors); a model is ranked only with
    rules.min_benchmarks weighted benchmarks across rules.min_categories counted categories (a category counts
    with rules.min_category_benchmarks benchmarks, or the number it declares) and rules.min_weight_covered of the
    weight; otherwise `unranked_reason` says which floor it misses."""
    if "min_benchmarks" not in dim_category.collect_schema().names():
        dim_category = dim_category.with_columns(pl.lit(None, pl.Int64).alias("min_benchmarks"))
    needed = pl.col("min_benchmarks").fill_null(rules.min_category_benchmarks)
    overall = (
        mart_category_score.join(dim_category.select("category_id", "weight", "min_benchmarks"), on="category_id")
        .group_by("lane", "model_id")
        .agg(
            (in_value_order(pl.col("weight") * pl.col("score")).list.sum() / in_value_order(pl.col("weight")).list.sum())
            .round(6).alias("overall_score"),
            pl.len().cast(pl.Int64).alias("categories_covered"),
            in_value_order(pl.col("weight")).list.sum().round(6).alias("weight_covered"),
            pl.col("n_benchmarks").sum().cast(pl.Int64).alias("benchmarks_covered"),
            (pl.col("n_benchmarks") >= needed).sum().cast(pl.Int64).alias("_counted"),
        )
    )
    misses = [
        pl.when(pl.col("benchmarks_covered") < rules.min_benchmarks).then(
            pl.format("{} weighted {} ({} needed)", pl.col("benchmarks_covered"),
                      pl.when(pl.col("benchmarks_covered") == 1).then(pl.lit("benchmark")).otherwise(pl.lit("benchmarks")),
                      pl.lit(rules.min_benchmarks))),
        pl.when(pl.col("_counted") < rules.min_categories).then(
            pl.format("{} {} with enough benchmarks ({} needed)", pl.col("_counted"),
                      pl.when(pl.col("_counted") == 1).then(pl.lit("category")).otherwise(pl.lit("categories")),
                      pl.lit(rules.min_categories))),
        pl.when(pl.col("weight_covered") < rules.min_weight_covered - 1e-9).then(
            pl.format("{}% of the category weight ({}% needed)", (pl.col("weight_covered") * 100).round(0).cast(pl.Int64),
                      pl.lit(round(rules.min_weight_covered * 100)))),
    ]
    reason = pl.concat_str(misses, separator="; ", ignore_nulls=True)
    overall = overall.with_columns(pl.when(reason != "").then(reason).alias("unranked_reason")).with_columns(pl.col("unranked_reason").is_null().alias("is_ranked")).drop("_counted")
    rank = pl.col("overall_score").rank(method="min", descending=True).over("lane", "is_ranked").cast(pl.Int64)
    return overall.with_columns(pl.when(pl.col("is_ranked")).then(rank).alias("rank"))


def preferred_price(fct_model_price: pl.LazyFrame, dim_source: pl.LazyFrame, dim_model: pl.LazyFrame | None = None,
                    vendors: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """The published price per model: the vendor's own list price (`first_party`: the vendor's first-listed own
    provider, then the highest source priority, then the cheapest), else the median of the paid third-party
    offers (`median_paid`, input and output each). Free offers and outliers are never a price; `has_free_tier`
    says a free offer exists. `vendors`: id, providers (in order of preference)."""
    offers = fct_model_price.join(dim_source.select("source_id", "priority"), on="source_id", how="left")
    if dim_model is not None:
        offers = offers.pipe(with_own_rank, dim_model, vendors)
    else:
        offers = offers.with_columns(pl.lit(0, pl.Int64).alias("own_rank"))
    paid = offers.filter(~pl.col("is_free") & ~pl.col("is_outlier"))
    first = (
        paid.filter(pl.col("is_first_party"))
        .pipe(ties_broken, ["model_id", "own_rank", "priority", "blended_usd_per_mtok", "provider", "source_id"],
              [False, False, True, False, False, False])
        .group_by("model_id", maintain_order=True)
        .agg(pl.col("input_usd_per_mtok").first(), pl.col("output_usd_per_mtok").first(), pl.col("source_id").first().alias("price_source_id"),
             pl.col("provider").first().alias("price_provider"), pl.len().cast(pl.Int64).alias("price_offers"))
        .with_columns(pl.lit("first_party").alias("price_rule"))
    )
    median = (
        paid.join(first.select("model_id"), on="model_id", how="anti")
        .group_by("model_id")
        .agg(pl.col("input_usd_per_mtok").median(), pl.col("output_usd_per_mtok").median(),
             pl.col("source_id").unique().sort().str.join(", ").alias("price_source_id"),
             pl.lit(None, pl.String).alias("price_provider"), pl.len().cast(pl.Int64).alias("price_offers"))
        .with_columns(pl.lit("median_paid").alias("price_rule"))
    )
    free = offers.filter(pl.col("is_free")).select("model_id").unique().with_columns(pl.lit(True).alias("has_free_tier"))
    chosen = pl.concat([first, median], how="vertical_relaxed").with_columns(
        pl.col("input_usd_per_mtok").round(6), pl.col("output_usd_per_mtok").round(6)
    )
    return (
        chosen.with_columns(blended().alias("blended_usd_per_mtok"), mean_price().alias("mean_usd_per_mtok"))
        .join(free, on="model_id", how="full", coalesce=True)
        .with_columns(pl.col("has_free_tier").fill_null(False))
        .select("model_id", "input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok", "mean_usd_per_mtok",
                "price_source_id", "price_provider", "price_rule", "price_offers", "has_free_tier")
    )


def preferred_runtime(fct_model_runtime: pl.LazyFrame, dim_source: pl.LazyFrame) -> pl.LazyFrame:
    """One source's figures per model: figures not suspect first, then the highest source priority, then source id."""
    return (
        fct_model_runtime.join(dim_source.select("source_id", "priority"), on="source_id", how="left")
        .pipe(ties_broken, ["model_id", "is_suspect", "priority", "source_id"], [False, False, True, False])
        .unique("model_id", keep="first", maintain_order=True)
        .select("model_id", "output_tokens_per_s", "ttft_s", pl.col("source_id").alias("runtime_source_id"),
                pl.col("is_suspect").alias("runtime_suspect"))
    )


def _with_notes(board: pl.LazyFrame, fct_benchmark_score: pl.LazyFrame, dim_benchmark: pl.LazyFrame, freshness: pl.LazyFrame) -> pl.LazyFrame:
    """`variants`: the effort/thinking settings behind a row's scores; `stale_sources`: its stale sources (those whose
    old figures it shows) and its missing ones (no payload this run) where the figures they carry are absent: a
    missing price source on a row without a price, a runtime source on a row without runtime, a models source on a
    row without a context window, and a scores source on every row (any row may lack its scores)."""
    weighted = dim_benchmark.filter(pl.col("is_weighted")).select("benchmark_id")
    used = pl.concat(
        [lane_scores(fct_benchmark_score, lane).join(weighted, on="benchmark_id").select(pl.lit(lane).alias("lane"), "model_id", "variant", "source_id")
         for lane in LANES]
    )
    variants = used.group_by("lane", "model_id").agg(
        pl.col("variant").drop_nulls().unique().sort().str.join(", ").alias("variants")
    ).with_columns(pl.when(pl.col("variants") == "").then(None).otherwise(pl.col("variants")).alias("variants"))
    if "provides" not in freshness.collect_schema().names():
        freshness = freshness.with_columns(pl.lit([], pl.List(pl.String)).alias("provides"))
    stale = freshness.filter(pl.col("status").is_in(STALE_STATUSES)).select("source_id")
    missing = freshness.filter(pl.col("status") == "missing").select("source_id", pl.col("provides").alias("figure")).explode("figure")
    absent = pl.concat(
        [
            board.select("lane", "model_id", pl.lit("scores").alias("figure")),
            board.filter(pl.col("input_usd_per_mtok").is_null()).select("lane", "model_id", pl.lit("prices").alias("figure")),
            board.filter(pl.col("output_tokens_per_s").is_null() & pl.col("ttft_s").is_null())
            .select("lane", "model_id", pl.lit("runtime").alias("figure")),
            board.filter(pl.col("context_window_tokens").is_null()).select("lane", "model_id", pl.lit("models").alias("figure")),
        ]
    ).join(missing, on="figure").select("lane", "model_id", "source_id")
    sources = pl.concat(
        [
            used.select("lane", "model_id", "source_id"),
            board.select("lane", "model_id", pl.col("price_source_id").str.split(", ").alias("source_id")).explode("source_id"),
            board.select("lane", "model_id", pl.col("runtime_source_id").alias("source_id")),
        ]
    ).drop_nulls("source_id").join(stale, on="source_id", how="semi")
    stale_by_model = pl.concat([sources, absent]).group_by("lane", "model_id").agg(
        pl.col("source_id").unique().sort().str.join(", ").alias("stale_sources")
    )
    return board.join(variants, on=["lane", "model_id"], how="left").join(stale_by_model, on=["lane", "model_id"], how="left")

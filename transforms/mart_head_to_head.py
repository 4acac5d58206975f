"""mart_head_to_head: per lane, every unordered pair of comparable models (model_a_id < model_b_id): overall
a/b/diff, the model ahead, the evidence they share, how often the lead holds, the sharpest category, the biggest
swing on a shared benchmark, and a verdict.

The verdict's wording comes from the evidence, not from point steps: a leader is called only when the pair shares
rules.min_shared_benchmarks weighted benchmarks and the model ahead stays ahead in rules.lead_probability of the
bootstrap resamples ("clearly" from rules.clear_lead_probability); otherwise the pair is "too close to call" or
"not comparable on shared evidence", with the figures shown. Figures always come leader-first and named, and
differences are the differences of the figures shown. A reason to pick the other model is given only when the
figures beside it support it. Built with Polars expressions, not a Python loop, so it scales with the pairs.
"""

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms.preference import in_order
from benchmart.transforms.text import fixed, tokens, usd

CALLS = ("clear_lead", "lead", "too_close", "not_comparable")
SHOWN = {  # each model's figures as the verdict shows them
    "overall_score": fixed, "context_window_tokens": tokens, "blended_usd_per_mtok": usd,
    "output_tokens_per_s": lambda e: fixed(e, 0), "ttft_s": lambda e: fixed(e, 2),
}
SIDE_FIGURES = ("context_window_tokens", "blended_usd_per_mtok", "output_tokens_per_s", "ttft_s")  # reasons to pick the model behind


def mart_head_to_head(
    pairs: pl.LazyFrame,
    mart_leaderboard: pl.LazyFrame,
    figures: pl.LazyFrame,
    dim_model: pl.LazyFrame,
    dim_category: pl.LazyFrame,
    dim_benchmark: pl.LazyFrame,
    lead: pl.LazyFrame | None = None,
    rules: RankRules = DEFAULT_RULES,
) -> pl.LazyFrame:
    """`pairs`: (lane, model_a_id, model_b_id); `figures`: the pairs' figures from transforms.pairs.pair_figures
    (shared benchmarks and categories, swing, sharpest category, uneven categories; computed with the category
    scores); `lead`: (lane, model_a_id, model_b_id, p_a_ahead), the share of resamples in which a's overall is
    above b's (transforms.uncertainty.lead_probability; None: unknown, so no leader is called)."""
    pair_keys = ["lane", "model_a_id", "model_b_id"]
    if lead is None:
        lead = pairs.with_columns(pl.lit(None, pl.Float64).alias("p_a_ahead"))
    side_cols = ["overall_score", "blended_usd_per_mtok", "output_tokens_per_s", "ttft_s", "context_window_tokens", "is_reasoning",
                 "runtime_suspect", *(f"{c}_shown" for c in SHOWN)]
    board = mart_leaderboard.with_columns(
        # suspect runtime figures (shared alike by several models of one source) never give a reason
        *[pl.when(pl.col("runtime_suspect").fill_null(False)).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("output_tokens_per_s", "ttft_s")]
    ).with_columns(  # each model's figures formatted once here, not once per pair it is in
        fmt(pl.col(c)).alias(f"{c}_shown") for c, fmt in SHOWN.items()
    ).select("lane", "model_id", *side_cols).join(
        dim_model.select("model_id", pl.col("display_name").alias("name")), on="model_id", how="left"
    )
    side_a = board.rename({c: f"{c}_a" for c in [*side_cols, "name"]} | {"model_id": "model_a_id"})
    side_b = board.rename({c: f"{c}_b" for c in [*side_cols, "name"]} | {"model_id": "model_b_id"})

    cat_names = dict(dim_category.select("category_id", "display_name").collect().rows())
    pairs, figures, lead = pl.collect_all([pairs, figures, lead.select(*pair_keys, "p_a_ahead")])
    uneven = figures["uneven_category_ids"].unique().drop_nulls().to_list()
    spelled = pl.LazyFrame({  # each distinct set of categories spelled once: display names in name order
        "uneven_category_ids": uneven,
        "_uneven": [", ".join(sorted(n for n in (cat_names.get(c) for c in ids.split(",")) if n is not None)) for ids in uneven],
    }, schema={"uneven_category_ids": pl.String, "_uneven": pl.String})
    per_pair = (
        _aligned(pairs, figures, lead, pair_keys)
        .join(spelled, on="uneven_category_ids", how="left", maintain_order="left")
        .with_columns(pl.col("sharpest_category_id").replace_strict(cat_names, default=None, return_dtype=pl.String).alias("_cat_name"))
        .join(dim_benchmark.select(pl.col("benchmark_id").alias("swing_benchmark_id"), pl.col("display_name").alias("_bench_name")),
              on="swing_benchmark_id", how="left", maintain_order="left")
        .rename({"sharpest_a": "_cat_a", "sharpest_b": "_cat_b"})
        .drop("uneven_category_ids")
    )
    a_ahead = pl.col("overall_score_a").round(1) >= pl.col("overall_score_b").round(1)
    level = pl.col("overall_score_a").round(1) == pl.col("overall_score_b").round(1)
    p_lead = pl.when(a_ahead).then(pl.col("p_a_ahead")).otherwise(1 - pl.col("p_a_ahead"))
    joined = (
        per_pair.join(side_a, on=["lane", "model_a_id"], how="left", maintain_order="left")
        .join(side_b, on=["lane", "model_b_id"], how="left", maintain_order="left")
        .with_columns(
            (pl.col("overall_score_a") - pl.col("overall_score_b")).round(6).alias("overall_diff"),
            pl.col("shared_categories").fill_null(0),
            pl.col("shared_benchmarks").fill_null(0),
            a_ahead.alias("_a_ahead"),
            level.alias("_level"),
            p_lead.round(6).alias("p_lead"),
        )
        .with_columns(
            pl.when((pl.col("shared_benchmarks") == 0) | pl.col("_level")).then(None)
            .when(pl.col("_a_ahead")).then(pl.col("model_a_id")).otherwise(pl.col("model_b_id"))
            .alias("leader_model_id"),
            call(rules).alias("call"),
        )
    )
    for stage in _verdict_stages(rules):
        joined = joined.with_columns(stage)
    table = joined.select(
        *pair_keys,
        pl.col("overall_score_a").alias("overall_a"),
        pl.col("overall_score_b").alias("overall_b"),
        "overall_diff",
        "leader_model_id",
        "shared_categories",
        "sharpest_category_id",
        "swing_benchmark_id",
        "swing_a",
        "swing_b",
        "verdict",
        "shared_benchmarks",
        "p_lead",
        "call",
    )
    return table if in_order(pairs, pair_keys) else table.sort(pair_keys)


def _aligned(pairs: pl.DataFrame, figures: pl.DataFrame, lead: pl.DataFrame, keys: list[str]) -> pl.LazyFrame:
    """The pairs with their figures and lead probabilities, in the pairs' order: side by side when all three list the
    same pairs in the same order (as the table step makes them; a million-pair join on three string keys costs
    ~0.25 s), else joined on the keys."""
    if pairs.select(keys).equals(figures.select(keys)) and pairs.select(keys).equals(lead.select(keys)):
        return pl.concat([pairs, figures.drop(keys), lead.drop(keys)], how="horizontal").lazy()
    return (pairs.lazy().join(figures.lazy(), on=keys, how="left", maintain_order="left")
            .join(lead.lazy(), on=keys, how="left", maintain_order="left"))


def call(rules: RankRules = DEFAULT_RULES) -> pl.Expr:
    """The calibrated call from `shared_benchmarks` and `p_lead` (the share of resamples the model ahead stays ahead)."""
    return (
        pl.when(pl.col("shared_benchmarks") < rules.min_shared_benchmarks).then(pl.lit("not_comparable"))
        .when(pl.col("p_lead") >= rules.clear_lead_probability).then(pl.lit("clear_lead"))
        .when(pl.col("p_lead") >= rules.lead_probability).then(pl.lit("lead"))
        .otherwise(pl.lit("too_close"))
    )


def _lead(a: str, b: str) -> pl.Expr:
    """Column of the model ahead overall (a when level) or, with _trail, of the other."""
    return pl.when(pl.col("_a_ahead")).then(pl.col(a)).otherwise(pl.col(b))


def _trail(a: str, b: str) -> pl.Expr:
    return _lead(b, a)


def _versus(name_1: pl.Expr, value_1: pl.Expr, name_2: pl.Expr, value_2: pl.Expr,
            shown: tuple[pl.Expr, pl.Expr] | None = None) -> pl.Expr:
    """"A 72.0 vs B 23.6 (+48.4)": the difference is that of the figures shown (`shown`: the values already formatted)."""
    gap = value_1.round(1) - value_2.round(1)
    shown_1, shown_2 = shown or (fixed(value_1), fixed(value_2))
    return pl.format("{} {} vs {} {} ({})", name_1, shown_1, name_2, shown_2,
                     pl.when(gap.abs() < 0.05).then(pl.lit("level")).otherwise(pl.concat_str([pl.lit("+"), fixed(gap.abs())])))


def _verdict_stages(rules: RankRules) -> list[list[pl.Expr]]:
    """The verdict as successive `with_columns` stages: each figure is oriented and formatted once into a column,
    then the sentences are put together from those columns. (A single expression repeats the formatting inside
    every branch of its `when`s, and Polars evaluates every branch on every row: 3-4x slower on a million pairs.)"""
    pick = lambda a, b, first: pl.when(pl.col(first)).then(pl.col(a)).otherwise(pl.col(b))  # noqa: E731
    oriented = [
        _lead("name_a", "name_b").alias("_lead_name"), _trail("name_a", "name_b").alias("_trail_name"),
        _lead("overall_score_a", "overall_score_b").alias("_lead_score"),
        _trail("overall_score_a", "overall_score_b").alias("_trail_score"),
        (pl.col("p_lead") * 100).floor().cast(pl.Int64).alias("_pct"),
        (pl.col("_cat_a").round(1) >= pl.col("_cat_b").round(1)).alias("_cat_first"),
        (pl.col("swing_a").round(1) >= pl.col("swing_b").round(1)).alias("_swing_first"),
        _lead("overall_score_shown_a", "overall_score_shown_b").alias("_lead_shown"),
        _trail("overall_score_shown_a", "overall_score_shown_b").alias("_trail_shown"),
        *[e for c in [*SIDE_FIGURES, "is_reasoning"]  # each side figure as the trailing and the leading model's
          for e in (_trail(f"{c}_a", f"{c}_b").alias(f"_t_{c}"), _lead(f"{c}_a", f"{c}_b").alias(f"_l_{c}"))],
        *[e for c in SIDE_FIGURES  # and as shown
          for e in (_trail(f"{c}_shown_a", f"{c}_shown_b").alias(f"_ts_{c}"), _lead(f"{c}_shown_a", f"{c}_shown_b").alias(f"_ls_{c}"))],
    ]
    formatted = [
        _versus(pl.col("_lead_name"), pl.col("_lead_score"), pl.col("_trail_name"), pl.col("_trail_score"),
                (pl.col("_lead_shown"), pl.col("_trail_shown"))).alias("_figures"),
        pl.when(pl.col("shared_categories") == 0)
        .then(pl.lit("They share no category, so their overall scores rest on different ground."))
        .otherwise(pl.format(
            "Sharpest category gap: {}, {}.", pl.col("_cat_name"),
            _versus(pick("name_a", "name_b", "_cat_first"), pick("_cat_a", "_cat_b", "_cat_first"),
                    pick("name_b", "name_a", "_cat_first"), pick("_cat_b", "_cat_a", "_cat_first")),
        )).alias("_sharpest_text"),
        pl.when(pl.col("swing_benchmark_id").is_not_null()).then(pl.format(
            "Biggest swing on a shared benchmark: {}, {}.", pl.col("_bench_name"),
            _versus(pick("name_a", "name_b", "_swing_first"), pick("swing_a", "swing_b", "_swing_first"),
                    pick("name_b", "name_a", "_swing_first"), pick("swing_b", "swing_a", "_swing_first")),
        )).alias("_swing_text"),
    ]
    figures_text, pct, n = pl.col("_figures"), pl.col("_pct"), pl.col("shared_benchmarks")
    lead_name, trail_name = pl.col("_lead_name"), pl.col("_trail_name")
    plural = pl.when(n == 1).then(pl.lit("benchmark")).otherwise(pl.lit("benchmarks"))
    # the headline as (opening, the figures, ending): each `when` branch is evaluated on every row, so the figures
    # are put in once rather than once per kind of call
    leads = pl.col("call").is_in(["clear_lead", "lead"])
    opening = (
        pl.when(leads).then(pl.concat_str([lead_name, pl.when(pl.col("call") == "clear_lead").then(pl.lit(" clearly leads "))
                                           .otherwise(pl.lit(" leads ")), trail_name, pl.lit(" overall: ")]))
        .when(pl.col("call") == "too_close").then(pl.lit("Too close to call: "))
        .when(n == 0).then(pl.lit("Not comparable on shared evidence: they share no weighted benchmark, and their overall scores ("))
        .otherwise(pl.format("Not comparable on shared evidence: they share {} weighted {} ({} needed to call a leader); as "
                             "published, ", n, plural, pl.lit(rules.min_shared_benchmarks)))
    )
    ending = (
        pl.when(leads).then(pl.format("; ahead in {}% of resamples, on {} shared weighted benchmarks.", pct, n))
        .when((pl.col("call") == "too_close") & pct.is_null()).then(pl.lit(" overall, with no resamples to measure the lead."))
        .when(pl.col("call") == "too_close").then(pl.format(" overall, and the one ahead stays ahead in only {}% of resamples.", pct))
        .when(n == 0).then(pl.lit(") rest on different benchmarks."))
        .otherwise(pl.lit(" overall."))
    )
    headline = pl.concat_str([opening, figures_text, ending])
    uneven = pl.when(pl.col("_uneven").is_not_null() & (pl.col("_uneven") != "")).then(
        pl.format("Averages differ in coverage for {}: they rest on different benchmarks, so compare them with care.", pl.col("_uneven"))
    )
    sentences = [headline.alias("_headline"), uneven.alias("_uneven_text"), _trailing_pick().alias("_pick_text")]
    verdict = pl.concat_str(["_headline", "_sharpest_text", "_swing_text", "_uneven_text", "_pick_text"], separator=" ", ignore_nulls=True)
    return [oriented, formatted, _reasons(), sentences, [verdict.alias("verdict")]]


def _reasons() -> list[pl.Expr]:
    """When the model behind is still the better pick, and why: only on recorded figures that differ as shown
    (N/A never counts; "1M vs 1M" is no reason), and never against them (a reasoning model's latency is no
    reason when the other's recorded time to first token is not lower). Reads the oriented (`_t_*`, `_l_*`) and
    formatted (`_ts_*`, `_ls_*`) figures of `_verdict_stages`."""
    trail, lead = (lambda c: pl.col(f"_t_{c}")), (lambda c: pl.col(f"_l_{c}"))
    shown = lambda c: (pl.col(f"_ts_{c}"), pl.col(f"_ls_{c}"))  # noqa: E731
    ctx_t, ctx_l = shown("context_window_tokens")
    usd_t, usd_l = shown("blended_usd_per_mtok")
    tps_t, tps_l = shown("output_tokens_per_s")
    ttft_t, ttft_l = shown("ttft_s")
    no_slower = ~(trail("ttft_s") >= lead("ttft_s")).fill_null(False)
    reasons = [
        pl.when((trail("context_window_tokens") > lead("context_window_tokens")) & (ctx_t != ctx_l)).then(
            pl.format("a larger context window ({} vs {})", ctx_t, ctx_l)),
        pl.when((trail("blended_usd_per_mtok") < lead("blended_usd_per_mtok")) & (usd_t != usd_l)).then(
            pl.format("a lower blended price ({} vs {} per million tokens)", usd_t, usd_l)),
        pl.when((trail("output_tokens_per_s") > lead("output_tokens_per_s")) & (tps_t != tps_l)).then(
            pl.format("faster output ({} vs {} tokens/s)", tps_t, tps_l)),
        pl.when((trail("ttft_s") < lead("ttft_s")) & (ttft_t != ttft_l)).then(
            pl.format("lower latency ({} s vs {} s to first token)", ttft_t, ttft_l)),
        pl.when(lead("is_reasoning") & ~trail("is_reasoning") & no_slower).then(
            pl.lit("no reasoning-model latency or token spend")),
    ]
    return [r.alias(f"_reason_{i}") for i, r in enumerate(reasons)]


def _trailing_pick() -> pl.Expr:
    """The sentence on the model behind, from the reasons of `_reasons` (columns `_reason_0`...)."""
    reasons = [pl.col(f"_reason_{i}") for i in range(5)]
    # "A", "A and B", "A, B and C": string expressions, not lists (list columns cost ~3 s on a million pairs)
    count = pl.sum_horizontal(r.is_not_null() for r in reasons)
    last = pl.coalesce(reversed(reasons))
    before_last = [pl.when(pl.any_horizontal(later.is_not_null() for later in reasons[i + 1:])).then(r)
                   for i, r in enumerate(reasons[:-1])]
    joined = pl.when(count == 1).then(last).otherwise(
        pl.concat_str([pl.concat_str(before_last, separator=", ", ignore_nulls=True), pl.lit(" and "), last]))
    return (
        pl.when(pl.col("_level"))
        .then(None)
        .when(count > 0)
        .then(pl.format("{} is still the better pick if you need {}.", pl.col("_trail_name"), joined))
        .otherwise(pl.format("Nothing recorded (price, speed, latency, context) favours {}.", pl.col("_trail_name")))
    )

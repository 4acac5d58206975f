"""Which of several observations of the same thing to keep: one order, used within a source
(fct_benchmark_observation) and across sources (fct_benchmark_score).

Of one benchmark's releases only the newest that covers the model counts: older releases of it come after
every other row (display-only). Then verified before unverified before generated, then the model's primary setting
(`_off_primary`: across sources, the effort/thinking setting that covers most of the model's benchmarks, so a
model's figures keep to one setting where the sources allow), then the higher source priority, then the model's
best declared variant (the unstated default after the declared ones, undeclared ones last), then the newest,
then source id, the higher value and the source's own name, so the choice is deterministic.
"""

import polars as pl

PROVENANCE_ORDER = {"verified": 0, "unverified": 1, "generated": 2}
UNSTATED_VARIANT_RANK = 500  # after a model's declared variants, before undeclared ones
UNDECLARED_VARIANT_RANK = 1000
NO_DECLARED_VARIANTS = pl.DataFrame(schema={"model_id": pl.String, "variant": pl.String, "variant_rank": pl.Int64})

_ORDER = [("_older_release", False), ("_prov", False), ("_off_primary", False), ("priority", True), ("variant_rank", False), ("observed_on", True), ("source_id", False),
          ("raw_value", True), ("source_model_name", False)]


def variant_ranks(models: pl.DataFrame) -> pl.DataFrame:
    """(model_id, variant, variant_rank): the catalog's declared variants, best first (0)."""
    return (
        models.select("model_id", pl.col("variants").fill_null([]))
        .explode("variants")
        .drop_nulls("variants")
        .select("model_id", pl.col("variants").str.to_lowercase().alias("variant"),
                pl.int_range(pl.len()).over("model_id").cast(pl.Int64).alias("variant_rank"))
    )


def with_variant_rank(frame: pl.LazyFrame, ranks: pl.DataFrame | None) -> pl.LazyFrame:
    """Add `variant_rank`: declared variants in order, then the unstated default, then undeclared ones.

    `ranks` is `variant_ranks(models)`; None means no model declares variants."""
    ranks = NO_DECLARED_VARIANTS if ranks is None else ranks
    return frame.join(ranks.lazy(), on=["model_id", "variant"], how="left").with_columns(
        pl.when(pl.col("variant").is_null())
        .then(UNSTATED_VARIANT_RANK)
        .otherwise(pl.col("variant_rank").fill_null(UNDECLARED_VARIANT_RANK))
        .alias("variant_rank")
    )


def primary_setting(frame: pl.LazyFrame, ranks: pl.DataFrame | None) -> pl.LazyFrame:
    """`frame` with `_off_primary`: True for rows not in the model's primary setting, the variant (the unstated
    default counts as one) that covers the most of the model's benchmarks; ties: the best declared variant."""
    cover = (
        frame.group_by("model_id", "variant").agg(pl.col("benchmark_id").n_unique().alias("_cover"))
        .pipe(with_variant_rank, ranks)
        .sort(["model_id", "_cover", "variant_rank", "variant"], descending=[False, True, False, False], nulls_last=False)
        .unique("model_id", keep="first", maintain_order=True)
        .select("model_id", pl.col("variant").alias("_primary"))
    )
    return frame.join(cover, on="model_id", how="left").with_columns(
        (~pl.col("variant").eq_missing(pl.col("_primary"))).alias("_off_primary")
    ).drop("_primary")


def older_release(within: list[str]) -> pl.Expr:
    """True for a row whose release is older than the newest release the group has (rows without one: False)."""
    newest = pl.col("release").max().over([k for k in within if k != "source_id"])
    return (pl.col("release").is_not_null() & (pl.col("release") < newest)).alias("_older_release")


def best_first(frame: pl.LazyFrame, within: list[str], sources: pl.LazyFrame, ranks: pl.DataFrame | None) -> pl.LazyFrame:
    """`frame` sorted so the preferred row of each `within` group comes first; adds `_prov`, `priority`,
    `variant_rank` (the caller drops them)."""
    ranked = (
        frame.join(sources.select("source_id", "priority"), on="source_id", how="left")
        .with_columns(older_release(within))
        .pipe(with_variant_rank, ranks)
        .with_columns(pl.col("provenance").replace_strict(PROVENANCE_ORDER, return_dtype=pl.Int8).alias("_prov"))
    )
    if "_off_primary" not in ranked.collect_schema().names():
        ranked = ranked.with_columns(pl.lit(False).alias("_off_primary"))
    return ties_broken(ranked, [*within, *(c for c, _ in _ORDER)], [*([False] * len(within)), *(d for _, d in _ORDER)])


_SORTABLE = (pl.String, pl.Boolean, pl.Date, pl.Datetime, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32,
             pl.UInt64, pl.Float32, pl.Float64)


def ties_broken(frame, by: list[str], descending: list[bool], nulls_last: bool = True):
    """`frame` sorted by `by`, then by every other sortable column (in name order, ascending), for a sort whose
    first row per group is kept: rows that tie on the rule still come in one order, whatever order they arrived in
    (Polars' joins and group-bys do not promise one), so the same inputs always publish the same rows."""
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    rest = sorted(c for c, t in schema.items() if c not in by and isinstance(t, _SORTABLE))
    return frame.sort([*by, *rest], descending=[*descending, *([False] * len(rest))], nulls_last=nulls_last, maintain_order=True)


def in_value_order(values: pl.Expr) -> pl.Expr:
    """A group's values as one list, ascending: `.list.sum()` / `.list.mean()` on it give the same figure whatever
    order the engine met the rows in. (A plain group sum adds in the order of the engine's partitions, which can
    move the last bit, and so a published 6th decimal, from one run to the next.)"""
    return values.sort().implode()


def in_order(frame: pl.DataFrame, keys: list[str]) -> bool:
    """Whether `frame` is in ascending order of `keys` (ties allowed), checked row against row: a sort skipped when
    it would change nothing."""
    if frame.height < 2:
        return True
    later, same = pl.lit(False), pl.lit(True)
    for k in keys:
        later = later | (same & (pl.col(k) > pl.col(k).shift(1)))
        same = same & (pl.col(k) == pl.col(k).shift(1))
    return bool(frame.select((later | same).slice(1).all()).item())

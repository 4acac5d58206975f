"""dim_model: every model of the registry (the curated catalog and the models the registries list,
transforms.registry), with the gaps filled from the facts other sources give, in source-priority order.
`origin` says where the row came from, `field_sources` (JSON) where each field came from, `aliases` (JSON)
every name the model goes by."""

import polars as pl

from benchmart.transforms.preference import ties_broken

FILLED = ["context_window_tokens", "max_output_tokens", "is_reasoning", "open_weights", "release_date"]
FIELDS = ["display_name", "family", "release_date", "context_window_tokens", "max_output_tokens", "is_reasoning", "open_weights"]
COLUMNS = ["model_id", "display_name", "vendor", "family", "is_reasoning", "context_window_tokens", "max_output_tokens",
           "open_weights", "release_date", "origin", "aliases", "field_sources"]


def dim_model(models: pl.LazyFrame, model_facts: pl.LazyFrame, dim_source: pl.LazyFrame) -> pl.LazyFrame:
    """`models`: transforms.registry rows (or the curated catalog's, which then are their own origin)."""
    best = (
        model_facts.join(dim_source.select("source_id", "priority"), on="source_id", how="left")
        .pipe(ties_broken, ["model_id", "priority", "source_id", "model_name"], [False, True, False, False])
        .group_by("model_id", maintain_order=True)
        .agg(
            *[pl.col(c).drop_nulls().first().alias(f"_{c}") for c in FILLED],
            *[pl.col("source_id").filter(pl.col(c).is_not_null()).first().alias(f"_src_{c}") for c in FILLED],
        )
    )
    names = models.collect_schema().names()
    with_origin = models.with_columns(
        *([] if "origin" in names else [pl.lit("curated").alias("origin")]),
        *([] if "field_sources" in names else [_curated_sources()]),
    )
    known = pl.col("field_sources").str.json_decode(pl.Struct({f: pl.String for f in FIELDS}))
    sources = pl.struct(
        [pl.coalesce(known.struct.field(f), pl.col(f"_src_{f}") if f in FILLED else pl.lit(None, pl.String)).alias(f) for f in FIELDS]
    )
    return (
        with_origin.join(best, on="model_id", how="left")
        .with_columns(sources.struct.json_encode().alias("field_sources"))
        .with_columns([pl.coalesce(c, f"_{c}").alias(c) for c in FILLED])
        .with_columns(_json_list(pl.col("aliases").fill_null([]).list.sort().cast(pl.List(pl.String))).alias("aliases"))
        .select(COLUMNS)
        .sort("model_id")
    )


def _curated_sources() -> pl.Expr:
    return pl.struct([pl.when(pl.col(f).is_not_null()).then(pl.lit("curated")).alias(f) for f in FIELDS]).struct.json_encode().alias("field_sources")


def _json_list(strings: pl.Expr) -> pl.Expr:
    """A list of strings as a JSON array (Polars encodes structs, not lists: encode {"a": [...]} and unwrap)."""
    return pl.struct(strings.alias("a")).struct.json_encode().str.slice(5).str.strip_suffix("}")

"""fct_model_price: every price offer, one row per (model, source, provider), with what kind of offer it is:
the vendor's own API (`is_first_party`, catalog/vendors.yaml `providers`), a free tier or free offer
(`is_free`: 0/0, or an OpenRouter `:free` offer; never a price), or an outlier (`is_outlier`: more than 3x away
from the median of the model's paid offers; kept, never published)."""

import polars as pl

from benchmart.transforms.preference import ties_broken

COLUMNS = ["model_id", "source_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok",
           "mean_usd_per_mtok", "source_model_name", "is_first_party", "is_free", "is_outlier"]
OUTLIER_FACTOR = 3.0


def blended(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(3 x input + output) / 4, the Artificial Analysis convention."""
    return ((3 * pl.col(input_col) + pl.col(output_col)) / 4).round(6)


def mean_price(input_col: str = "input_usd_per_mtok", output_col: str = "output_usd_per_mtok") -> pl.Expr:
    """(input + output) / 2, the figure BenchLM sorts by."""
    return ((pl.col(input_col) + pl.col(output_col)) / 2).round(6)


def with_own_rank(frame: pl.LazyFrame, dim_model: pl.LazyFrame, vendors: pl.LazyFrame | None) -> pl.LazyFrame:
    """Add `own_rank`: the place of the row's provider among its model's vendor's own API providers (0 = the
    preferred one; null = not the vendor's own). `vendors`: id, providers (in order of preference)."""
    if vendors is None:
        vendors = pl.LazyFrame(schema={"id": pl.String, "providers": pl.List(pl.String)})
    ranks = vendors.select(pl.col("id").alias("vendor"), pl.col("providers").alias("_provider")).explode("_provider").with_columns(
        pl.int_range(pl.len()).over("vendor").cast(pl.Int64).alias("own_rank")
    )
    return (
        frame.join(dim_model.select("model_id", "vendor"), on="model_id", how="left")
        .with_columns(pl.col("provider").str.to_lowercase().alias("_provider"))
        .join(ranks, on=["vendor", "_provider"], how="left")
        .drop("vendor", "_provider")
    )


KEYS = ["model_id", "source_id", "provider"]


def _cheapest_first(prices: pl.LazyFrame) -> pl.LazyFrame:
    """The offers with their blended and mean prices, and `_kept`: the cheapest row of each (model, source, provider)."""
    return (
        prices.with_columns(blended().alias("blended_usd_per_mtok"), mean_price().alias("mean_usd_per_mtok"))
        .pipe(ties_broken, [*KEYS, "blended_usd_per_mtok", "model_name"], [False] * (len(KEYS) + 2), nulls_last=False)
        .with_columns((pl.int_range(pl.len()).over(KEYS) == 0).alias("_kept"))
    )


def superseded_offers(prices: pl.LazyFrame) -> pl.LazyFrame:
    """Quarantine rows (rule `duplicate_offer_superseded`) for the offers fct_model_price does not keep: a source
    listing one provider's offer of a model under several keys keeps the cheapest; the others are accounted for here."""
    return _cheapest_first(prices).filter(~pl.col("_kept")).select(
        "source_id", pl.lit("transform").alias("stage"), pl.lit("duplicate_offer_superseded").alias("rule"),
        pl.struct(pl.exclude("source_id", "_kept", "blended_usd_per_mtok", "mean_usd_per_mtok")).struct.json_encode().alias("record"),
    )


def fct_model_price(prices: pl.LazyFrame, dim_model: pl.LazyFrame, vendors: pl.LazyFrame) -> pl.LazyFrame:
    """Several keys of one offer (one source, one provider) keep the cheapest (the others: superseded_offers).
    `vendors`: id, providers (list)."""
    offers = (
        _cheapest_first(prices).filter(pl.col("_kept")).drop("_kept")
        .rename({"model_name": "source_model_name"})
        .pipe(with_own_rank, dim_model, vendors)
        .with_columns(
            pl.col("own_rank").is_not_null().alias("is_first_party"),
            (((pl.col("input_usd_per_mtok") == 0) & (pl.col("output_usd_per_mtok") == 0)) | pl.col("provider").str.contains(":free"))
            .alias("is_free"),
        )
    )
    return offers.join(_outliers(offers), on=["model_id", "source_id", "provider"], how="left").with_columns(
        pl.col("is_outlier").fill_null(False)
    ).select(COLUMNS).sort("model_id", "source_id", "provider")


def _outliers(offers: pl.LazyFrame) -> pl.LazyFrame:
    """(model, source, provider, is_outlier) for paid offers, against the median of all the model's paid offers.

    The median of every offer, not of the other sources only: with two or three sources one wild offer would
    move the others' median enough to flag the sane ones, while it barely moves the median of all offers."""
    paid = offers.filter(~pl.col("is_free"))
    median = pl.col("blended_usd_per_mtok").median().over("model_id")
    return paid.select(
        "model_id", "source_id", "provider",
        ((pl.col("blended_usd_per_mtok") > OUTLIER_FACTOR * median) | (pl.col("blended_usd_per_mtok") * OUTLIER_FACTOR < median))
        .alias("is_outlier"),
    )

import polars as pl

from benchmart.transforms.fct_model_price import fct_model_price


def _prices(*rows):
    return pl.DataFrame(rows, schema=["model_id", "source_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "model_name"], orient="row")


def test_blended_is_three_to_one_and_mean_is_plain():
    models = pl.LazyFrame({"model_id": ["m1"], "vendor": ["openai"]})
    vendors = pl.LazyFrame({"id": ["openai"], "providers": [["openai"]]})
    out = fct_model_price(_prices(("m1", "s1", "openai", 0.4, 1.6, "gpt")).lazy(), models, vendors).collect()
    assert out.select("blended_usd_per_mtok", "mean_usd_per_mtok").row(0) == (0.7, 1.0)
    assert out.select("is_first_party", "is_free", "is_outlier").row(0) == (True, False, False)

"""Every row a source yields is published, quarantined with a rule, or left out by date: the ledger adds up, and
the rows the facts collapse (duplicate offers, other providers' runtime) are quarantined, not silently dropped."""

import polars as pl

from benchmart.transforms import accounting
from benchmart.transforms.fct_model_price import fct_model_price, superseded_offers
from benchmart.transforms.fct_model_runtime import fct_model_runtime, superseded_runtime

MODELS = pl.LazyFrame({"model_id": ["gpt-4.1-mini"], "vendor": ["openai"]})
VENDORS = pl.LazyFrame({"id": ["openai"], "providers": [["openai", "azure"]]})


def test_three_keys_of_one_offer_publish_the_cheapest_and_quarantine_the_other_two():
    prices = pl.LazyFrame({
        "model_id": ["gpt-4.1-mini"] * 3, "source_id": ["litellm"] * 3, "provider": ["openai"] * 3,
        "input_usd_per_mtok": [0.4, 0.5, 0.45], "output_usd_per_mtok": [1.6, 2.0, 1.8],
        "model_name": ["gpt-4.1-mini", "openai/gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"],
    })
    kept = fct_model_price(prices, MODELS, VENDORS).collect()
    gone = superseded_offers(prices).collect()
    assert kept["input_usd_per_mtok"].to_list() == [0.4]
    assert gone["rule"].to_list() == ["duplicate_offer_superseded"] * 2 and gone["stage"].unique().to_list() == ["transform"]
    assert sorted(pl.Series(gone["record"]).str.json_path_match("$.model_name").to_list()) == ["gpt-4.1-mini-2025-04-14", "openai/gpt-4.1-mini"]


def test_runtime_of_three_providers_publishes_the_vendors_own_and_quarantines_the_others():
    runtime = pl.LazyFrame({
        "model_id": ["gpt-4.1-mini"] * 3, "source_id": ["llm-stats"] * 3, "provider": ["deepinfra", "openai", "azure"],
        "output_tokens_per_s": [90.0, 80.0, 70.0], "ttft_s": [0.5, 0.76, 0.9], "model_name": ["gpt-4.1-mini"] * 3,
    })
    kept = fct_model_runtime(runtime, MODELS, VENDORS).collect()
    gone = superseded_runtime(runtime, MODELS, VENDORS).collect()
    assert kept["provider"].to_list() == ["openai"]
    assert gone.height == 2 and set(gone["rule"]) == {"runtime_provider_superseded"}
    assert sorted(pl.Series(gone["record"]).str.json_path_match("$.provider").to_list()) == ["azure", "deepinfra"]


def test_the_ledger_adds_up_per_source_and_names_the_source_that_does_not():
    read = pl.DataFrame({"source_id": ["a", "b"], "rows_read": [10, 5], "parse_rejects": [2, 0]})
    tables = {"fct_benchmark_observation": pl.DataFrame({"source_id": ["a"] * 6 + ["b"] * 3}),
              "fct_model_price": pl.DataFrame({"source_id": ["a"]})}
    quarantine = pl.DataFrame({"source_id": ["a"] * 4 + ["b"]})
    left_out = pl.DataFrame({"source_id": ["a"], "rows": [1]}, schema={"source_id": pl.String, "rows": pl.Int64})
    book = accounting.ledger(read, tables, quarantine, left_out).sort("source_id")
    assert book.select("published", "quarantined", "left_out", "unaccounted").rows() == [(7, 4, 1, 0), (3, 1, 0, 1)]
    assert accounting.unbalanced(book) == ["b: read 5 + 0 rejected, published 3, quarantined 1, left out by date 0 (+1 unaccounted)"]

import polars as pl

from transforms.leaderboard import leaderboard
from transforms.prices import model_prices, preferred_prices, preferred_runtime

MODELS = pl.DataFrame(
    {"model_id": ["m1", "m2", "m3"], "vendor": ["openai", "google", "meta"],
     "context_window_tokens": [1000, 2000, None], "is_reasoning": [False, True, None]}
)


def _prices(*rows):
    return pl.DataFrame(rows, schema=["model_id", "source_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok", "model_name"], orient="row")


def test_blended_is_three_to_one_and_mean_is_plain():
    out = model_prices(_prices(("m1", "s1", "openai", 0.4, 1.6, "gpt")))
    assert out.select("blended_usd_per_mtok", "mean_usd_per_mtok").row(0) == (0.7, 1.0)


def test_preferred_price_takes_priority_then_first_party_then_cheapest():
    fct = model_prices(_prices(
        ("m1", "s1", "azure", 0.44, 1.76, "azure/gpt"),
        ("m1", "s1", "openai", 0.40, 1.60, "gpt"),
        ("m1", "s2", "cheap", 0.10, 0.10, "gpt"),   # lower priority source loses
        ("m2", "s1", "x", 1.0, 2.0, "g"),
        ("m2", "s1", "y", 0.5, 1.0, "g"),            # no first party: cheapest
    ))
    prio = pl.DataFrame({"source_id": ["s1", "s2"], "priority": [90, 10]})
    out = preferred_prices(fct, prio, MODELS).select("model_id", "price_provider", "input_usd_per_mtok")
    assert out.to_dicts() == [
        {"model_id": "m1", "price_provider": "openai", "input_usd_per_mtok": 0.40},
        {"model_id": "m2", "price_provider": "y", "input_usd_per_mtok": 0.5},
    ]


def test_a_free_model_is_zero_only_when_a_source_says_so_and_missing_stays_null():
    fct = model_prices(_prices(("m2", "s1", "local", 0.0, 0.0, "g")))
    prio = pl.DataFrame({"source_id": ["s1"], "priority": [1]})
    overall = pl.DataFrame({"lane": ["provisional"] * 3, "model_id": ["m1", "m2", "m3"], "overall_score": [50.0, 40.0, 30.0],
                            "rank": [1, 2, 3], "is_ranked": [True] * 3, "categories_covered": [2] * 3, "weight_covered": [0.5] * 3})
    runtime = preferred_runtime(
        pl.DataFrame({"model_id": ["m1"], "source_id": ["s1"], "provider": ["openai"], "output_tokens_per_s": [80.0], "ttft_s": [0.76]}),
        prio,
    )
    board = leaderboard(overall, preferred_prices(fct, prio, MODELS), runtime, MODELS)
    rows = {r["model_id"]: r for r in board.to_dicts()}
    assert rows["m2"]["blended_usd_per_mtok"] == 0.0
    assert rows["m1"]["input_usd_per_mtok"] is None and rows["m1"]["blended_usd_per_mtok"] is None
    assert rows["m1"]["output_tokens_per_s"] == 80.0 and rows["m2"]["ttft_s"] is None
    assert rows["m3"]["context_window_tokens"] is None

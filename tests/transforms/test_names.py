import polars as pl
import pytest

from benchmart.transforms.names import normalized_key, resolve_names


@pytest.mark.parametrize(
    "name, model_id",
    [
        ("gpt-4.1-mini", "gpt-4.1-mini"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini"),
        ("OpenAI: GPT-4.1 Mini", "gpt-4.1-mini"),
        ("GPT-4.1 mini", "gpt-4.1-mini"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
        ("GPT-4.1-mini-2025-04-14", "gpt-4.1-mini"),
        ("gpt-4.1", "gpt-4.1"),
        ("gpt-4.1-nano", "gpt-4.1-nano"),
        ("o3", "o3"),
        ("o3-2025-04-16", "o3"),
        ("o3-mini", "o3-mini"),
        ("claude-sonnet-4", "claude-sonnet-4"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
        ("Claude 4.5 Sonnet", "claude-sonnet-4-5"),
        ("gpt-4o-2024-11-20", "gpt-4o"),
        ("Gemma 4 12B", "gemma-4-12b"),
        ("google/gemma-4-12B-it", "gemma-4-12b"),
    ],
)
def test_real_source_names_resolve_to_the_right_model(catalog, name, model_id):
    out = resolve_names(pl.DataFrame({"model_name": [name]}), "model_name", catalog.model_index(), "model_id")
    assert out["model_id"].to_list() == [model_id]


@pytest.mark.parametrize("name", ["gpt-4.2-mini", "Command A", "claude-sonnet-5", "gpt-4.1-micro",
                                  "deepseek/deepseek-chat", "deepseek-reasoner", "chatgpt-4o-latest"])
def test_names_that_match_nothing_stay_unresolved(catalog, name):
    out = resolve_names(pl.DataFrame({"model_name": [name]}), "model_name", catalog.model_index(), "model_id")
    assert out["model_id"].to_list() == [None]


def test_distinct_models_keep_distinct_keys():
    keys = pl.DataFrame({"n": ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o3-mini", "claude-sonnet-4", "claude-sonnet-4-5"]}).select(
        normalized_key(pl.col("n"))
    )["n"].to_list()
    assert len(set(keys)) == len(keys)


def test_resolution_keeps_row_order_and_nulls(catalog):
    frame = pl.DataFrame({"model_name": ["o3", None, "nope", "GPT-5"]})
    out = resolve_names(frame, "model_name", catalog.model_index(), "model_id")
    assert out["model_id"].to_list() == ["o3", None, None, "gpt-5"]


@pytest.mark.parametrize(
    "name, model_id, variant",
    [
        ("o3 (high)", "o3", "high"),
        ("o3-2025-04-16_high", "o3", "high"),
        ("claude-sonnet-4-5-20250929_32K", "claude-sonnet-4-5", "32k"),
        ("claude-sonnet-4-5-20250929-thinking-64k", "claude-sonnet-4-5", "thinking-64k"),
        ("claude-3-7-sonnet-20250219 (32k thinking tokens)", "claude-3-7-sonnet", "32k-thinking-tokens"),
        ("gpt-5-high", "gpt-5", "high"),
        ("gpt-5-mini-minimal", "gpt-5-mini", "minimal"),
        ("gpt-5-mini", "gpt-5-mini", None),  # 'mini' is a model, not an effort
        ("o3-mini", "o3-mini", None),
        ("claude-4-sonnet-20250514-base", "claude-sonnet-4", "base"),
    ],
)
def test_effort_and_thinking_suffixes_are_a_variant_of_the_model(catalog, name, model_id, variant):
    from benchmart.transforms.resolve import resolved

    out = resolved(pl.DataFrame({"model_name": [name], "variant": [None]}, schema={"model_name": pl.String, "variant": pl.String}),
                   catalog.model_index())
    assert out.select("model_id", "variant").row(0) == (model_id, variant)


def test_a_variant_given_by_the_source_is_kept(catalog):
    from benchmart.transforms.resolve import resolved

    out = resolved(pl.DataFrame({"model_name": ["o3 (high)"], "variant": ["32k-think"]}), catalog.model_index())
    assert out.select("model_id", "variant").row(0) == ("o3", "32k-think")

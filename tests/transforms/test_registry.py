"""The model registry: every model the registries list, curated entries winning, never two models merged."""

from datetime import date
import json

import polars as pl

from benchmart import contracts
from benchmart.transforms.model_names import model_name_frames, resolve_models
from benchmart.transforms.registry import registry_models

VENDORS = pl.DataFrame({"id": ["openai", "moonshotai", "anthropic"], "display_name": ["OpenAI", "Moonshot AI", "Anthropic"],
                        "names": [["openai"], ["moonshotai", "moonshot"], ["anthropic"]]})
OPEN = frozenset({"openrouter", "azure", "nano-gpt"})
SOURCES = pl.DataFrame({"source_id": ["md", "or"], "priority": [60, 40]})
CURATED = pl.DataFrame(
    [{"model_id": "kimi-k2", "display_name": "Kimi K2", "vendor": "moonshotai", "family": None, "is_reasoning": False,
      "context_window_tokens": None, "max_output_tokens": None, "open_weights": True, "release_date": date(2025, 7, 11),
      "aliases": ["kimi-k2-instruct"], "variants": ["thinking-high"]}],
    schema=contracts.CATALOG_MODELS,
)


def listing(source, provider, name, display=None, **facts):
    return {"source_id": source, "provider": provider, "model_name": name, "display_name": display, **facts}


def build(*rows, pointers=frozenset()):
    listings = pl.DataFrame(list(rows), schema=contracts.REGISTRY)
    return registry_models(CURATED, listings, VENDORS, OPEN, SOURCES, pointers)


def test_listings_of_a_curated_model_add_names_and_fill_gaps_but_never_override():
    models = build(
        listing("md", "moonshotai", "kimi-k2-instruct", "Kimi K2 Instruct", context_window_tokens=131072, open_weights=False),
        listing("or", "openrouter", "moonshotai/kimi-k2", "MoonshotAI: Kimi K2"),
    )
    row = models.row(0, named=True)
    assert models.height == 1 and row["origin"] == "curated"
    assert row["context_window_tokens"] == 131072 and row["open_weights"] is True  # the catalog wins where it speaks
    assert {"moonshotai/kimi-k2", "Kimi K2 Instruct"} <= set(row["aliases"])
    sources = json.loads(row["field_sources"])
    assert sources["context_window_tokens"] == "md" and sources["open_weights"] == "curated"


def test_a_model_a_registry_lists_is_a_model_of_its_own_never_a_variant():
    models = build(
        listing("md", "moonshotai", "kimi-k2-thinking", "Kimi K2 Thinking", release_date=date(2025, 11, 6), is_reasoning=True),
        listing("or", "openrouter", "moonshotai/kimi-k2-thinking", "MoonshotAI: Kimi K2 Thinking"),
    )
    assert models["model_id"].to_list() == ["kimi-k2", "kimi-k2-thinking"]
    thinking = models.filter(pl.col("model_id") == "kimi-k2-thinking").row(0, named=True)
    assert (thinking["vendor"], thinking["origin"], thinking["release_date"]) == ("moonshotai", "md", date(2025, 11, 6))
    names = model_name_frames(models, VENDORS, OPEN)
    found = resolve_models(pl.Series(["kimi-k2-thinking", "moonshotai/Kimi-K2-Thinking", "kimi-k2-thinking-high"]), names)
    assert found["model_id"].to_list() == ["kimi-k2-thinking", "kimi-k2-thinking", None]


def test_the_same_model_across_registries_is_one_row_with_the_makers_own_id():
    models = build(
        listing("md", "openai", "gpt-5.1", "GPT-5.1", release_date=date(2025, 11, 13)),
        listing("or", "openrouter", "openai/gpt-5.1", "OpenAI: GPT-5.1", context_window_tokens=400000),
        listing("md", "azure", "gpt-5.1", "GPT-5.1 (Azure)"),  # a reseller's listing: a name, not a model
        listing("md", "nano-gpt", "openai/gpt-5.1:thinking:low", "GPT 5.1 Thinking Low"),  # an offer, not a model
    )
    new = models.filter(pl.col("origin") != "curated")
    assert new["model_id"].to_list() == ["gpt-5.1"]
    row = new.row(0, named=True)
    assert (row["display_name"], row["context_window_tokens"], row["release_date"]) == ("GPT-5.1", 400000, date(2025, 11, 13))
    assert "openai/gpt-5.1" in row["aliases"]


def test_a_latest_pointer_and_its_dated_listing_are_one_model():
    models = build(
        listing("md", "anthropic", "claude-opus-4-5-20251101", "Claude Opus 4.5", release_date=date(2025, 11, 1)),
        listing("md", "anthropic", "claude-opus-4-5", "Claude Opus 4.5 (latest)", release_date=date(2025, 11, 24)),
        listing("or", "openrouter", "anthropic/claude-opus-4.5", "Anthropic: Claude Opus 4.5"),
    )
    new = models.filter(pl.col("origin") != "curated")
    assert new.select("model_id", "display_name", "release_date").rows() == [("claude-opus-4-5", "Claude Opus 4.5", date(2025, 11, 1))]


def test_unknown_makers_on_openrouter_get_models_and_clashing_ids_get_the_maker_in_front():
    models = build(
        listing("or", "openrouter", "acme/nova-1", "Acme: Nova 1"),
        listing("or", "openrouter", "zeta/nova-1", "Zeta: Nova 1"),
        listing("or", "openrouter", "~anthropic/claude-latest", "Anthropic: Claude (latest)"),  # OpenRouter's own pointer
    )
    assert models.filter(pl.col("origin") != "curated").select("model_id", "vendor").rows() == [
        ("acme-nova-1", "acme"), ("zeta-nova-1", "zeta")]


def test_moving_pointers_never_become_models():
    models = build(listing("md", "openai", "chatgpt-4o-latest", "ChatGPT-4o"), listing("md", "openai", "gpt-5", "GPT-5"),
                   pointers=frozenset({"chatgpt-4o-latest"}))
    assert models.filter(pl.col("origin") != "curated")["model_id"].to_list() == ["gpt-5"]


def test_a_resellers_listing_never_gives_a_curated_model_another_models_name():
    models = build(listing("md", "huggingface", "moonshotai/Kimi-K2", "Kimi K2 Instruct"),  # maker prefix, but a reseller
                   listing("md", "nano-gpt", "kimi-k2-base", "Kimi K2"))
    aliases = models.filter(pl.col("model_id") == "kimi-k2")["aliases"].to_list()[0]
    assert "kimi-k2-base" not in aliases and "moonshotai/Kimi-K2" not in aliases

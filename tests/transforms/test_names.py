import polars as pl
import pytest

from benchmart.transforms.model_names import resolve_models
from benchmart.transforms.names import normalized_key
from benchmart.transforms.resolve import resolved


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
    assert resolve_models(pl.Series([name]), catalog.model_names())["model_id"].to_list() == [model_id]


@pytest.mark.parametrize("name", ["gpt-4.2-mini", "Command A", "claude-sonnet-5", "gpt-4.1-micro",
                                  "deepseek/deepseek-chat", "deepseek-reasoner", "chatgpt-4o-latest"])
def test_names_that_match_nothing_stay_unresolved(catalog, name):
    assert resolve_models(pl.Series([name]), catalog.model_names())["model_id"].to_list() == [None]


def test_distinct_models_keep_distinct_keys():
    keys = pl.DataFrame({"n": ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o3-mini", "claude-sonnet-4", "claude-sonnet-4-5"]}).select(
        normalized_key(pl.col("n"))
    )["n"].to_list()
    assert len(set(keys)) == len(keys)


def test_resolution_keeps_row_order_and_nulls(catalog):
    frame = pl.DataFrame({"model_name": ["o3", None, "nope", "GPT-5"]})
    out = resolved(frame, catalog.model_names())
    assert out["model_id"].to_list() == ["o3", None, None, "gpt-5"] and out["model_name"].to_list() == frame["model_name"].to_list()


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
    out = resolved(pl.DataFrame({"model_name": [name], "variant": [None]}, schema={"model_name": pl.String, "variant": pl.String}),
                   catalog.model_names())
    assert out.select("model_id", "variant").row(0) == (model_id, variant)


def test_a_variant_given_by_the_source_is_kept(catalog):
    out = resolved(pl.DataFrame({"model_name": ["o3 (high)"], "variant": ["32k-think"]}), catalog.model_names())
    assert out.select("model_id", "variant").row(0) == ("o3", "32k-think")


# Hard pairs: names of different models that a looser matcher would merge, and names of one model that a
# stricter one would miss (hand-checked against the vendors' model pages). None: no catalog model is that model.
HARD = [
    ("gpt-4.1", "gpt-4.1"), ("gpt-4.1-mini", "gpt-4.1-mini"), ("gpt-4.1-nano", "gpt-4.1-nano"),
    ("o3", "o3"), ("o3-mini", "o3-mini"), ("o3-pro", None), ("o3-pro-2025-06-10", None), ("o3-mini-high", "o3-mini"),
    ("o4-mini", "o4-mini"), ("o4-mini-high", "o4-mini"),
    ("kimi-k2", "kimi-k2"), ("kimi-k2-thinking", None), ("kimi-k2-0711-preview", "kimi-k2"), ("kimi-k2-0905-preview", None),
    ("gemini-2.0-flash", "gemini-2.0-flash"), ("gemini-2.0-flash-thinking", None), ("gemini-2.0-flash-thinking-exp", None),
    ("gpt-5.1-codex", None), ("gpt-5.1-codex-max", None), ("gpt-5-max", None), ("gpt-5-codex", None),
    ("claude-sonnet-4", "claude-sonnet-4"), ("claude-sonnet-4-5", "claude-sonnet-4-5"), ("claude-3-7-sonnet", "claude-3-7-sonnet"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4"), ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("claude-3-5-sonnet-20240620", None), ("claude-3-5-sonnet-20241022", None),
    ("claude-opus-4-20250514", "claude-opus-4"), ("claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("anthropic.claude-opus-4-20250514-v1:0", "claude-opus-4"), ("anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"),
    ("claude-sonnet-4-5-thinking", "claude-sonnet-4-5"), ("claude-sonnet-4-5-20250929-thinking-64k", "claude-sonnet-4-5"),
    ("qwen3-32b", "qwen3-32b"), ("Qwen/Qwen3-32B", "qwen3-32b"), ("Qwen/Qwen3-14B", None), ("qwen3-235b-a22b", "qwen3-235b-a22b"),
    ("Qwen/Qwen3-235B-A22B-Thinking-2507", None),
    ("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b"), ("anyorg/Llama-3.3-70B-Instruct", None),
    ("NousResearch/Hermes-3-Llama-3.1-70B", None), ("deepinfra/meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b"),
    ("meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"), ("llama-4-scout", "llama-4-scout"), ("llama-4-maverick", "llama-4-maverick"),
    ("gpt-4o-2024-08-06", "gpt-4o"), ("gpt-4o-2024-11-20", "gpt-4o"), ("gpt-4o-2024-05-13", "gpt-4o"), ("gpt-4o-2024-09-30", None), ("gpt-4o-mini", "gpt-4o-mini"),
    ("deepseek-r1-0528", "deepseek-r1-0528"), ("DeepSeek-R1-0528", "deepseek-r1-0528"), ("deepseek-r1", None),
    ("deepseek-chat", None), ("deepseek-reasoner", None), ("deepseek-v3.1", "deepseek-v3.1"),
    ("grok-3", "grok-3"), ("grok-3-mini", "grok-3-mini"), ("grok-3-mini-high", "grok-3-mini"), ("grok-4-0709", "grok-4"),
    ("mistral-small-2503", "mistral-small-3.1"), ("Mistral-Small-3.1-24B-Instruct-2503", "mistral-small-3.1"),
    ("mistral-small-2506", None), ("mistral-medium-2505", "mistral-medium-3"),
    ("gemma-3-12b-it", "gemma-3-12b"), ("gemma-3-27b-it", "gemma-3-27b"), ("gemma-4-12b-it", "gemma-4-12b"),
    ("gemini-2.5-flash", "gemini-2.5-flash"), ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite"),
    ("gpt-oss-120b", "gpt-oss-120b"), ("gpt-oss-20b", "gpt-oss-20b"), ("openrouter/openai/gpt-oss-120b", "gpt-oss-120b"),
    ("openai/gpt-4.1-mini", "gpt-4.1-mini"), ("someone/gpt-4.1-mini", None), ("azure/eu/gpt-4.1-mini", "gpt-4.1-mini"),
    ("OpenAI: GPT-4.1 Mini", "gpt-4.1-mini"), ("Anthropic: Claude Sonnet 4.5", "claude-sonnet-4-5"), ("Acme: GPT-4.1 Mini", None),
]


@pytest.mark.parametrize("name, model_id", HARD)
def test_hard_pairs_are_never_merged_and_declared_names_are_found(catalog, name, model_id):
    assert resolve_models(pl.Series([name]), catalog.model_names())["model_id"].to_list() == [model_id]


def test_the_hard_pair_list_is_long_enough_and_covers_both_outcomes():
    assert len(HARD) >= 40 and sum(m is None for _, m in HARD) >= 20


@pytest.mark.fault('zero-width and bidi characters in model names', 'never resolve to a catalog model')
def test_a_name_with_invisible_or_bidi_characters_never_resolves_and_full_width_letters_do():
    import polars as pl

    from benchmart.transforms.names import exact_key, normalized_key

    names = pl.Series(["GPT-4.1\u200b mini", "gpt\u202e-4.1-mini", "ＧＰＴ-4.1 mini", "GPT-4.1 mini"])
    keys = pl.select(exact_key(names.alias("n")).alias("e"), normalized_key(names.alias("n")).alias("k"))
    assert keys["e"].to_list() == [None, None, "gpt-4.1 mini", "gpt-4.1 mini"]
    assert keys["k"].to_list() == [None, None, "gpt41mini", "gpt41mini"]


def test_a_key_two_models_share_goes_to_the_same_model_whatever_the_row_order(catalog):
    # a registry can hold two models whose names reduce to one key (devstral-small and devstral-small-2507, both
    # "Devstral Small"): a source name with that key went to whichever row the join met first. Here 3,000 such
    # pairs (m<i>-small, m<i>-small-2507 named "M<i> Small"), in both orders, with the names shuffled.
    from benchmart.transforms.model_names import model_name_frames

    n = 3000  # enough pairs like it for the engine to split the work
    ids = [m for i in range(n) for m in (f"m{i}-small", f"m{i}-small-2507")]
    models = pl.DataFrame({"model_id": ids, "display_name": [f"M{i} Small{v}" for i in range(n) for v in (" 1.1", "")],
                           "vendor": ["mistral"] * len(ids), "aliases": [[]] * len(ids), "variants": [[]] * len(ids)},
                          schema_overrides={"aliases": pl.List(pl.String), "variants": pl.List(pl.String)})
    names = [f"mistral/m{i}-small" for i in range(n)]  # key "m<i>small": both models of the pair have it
    picks = set()
    for order in (models, models.reverse()):
        model_names = model_name_frames(order, catalog.vendors_frame(), catalog.open_prefixes)
        for seed in range(3):
            shuffled = pl.Series(names).sample(fraction=1.0, shuffle=True, seed=seed)
            found = dict(resolve_models(shuffled, model_names).select("model_name", "model_id").rows())
            picks.add(tuple(found[name] for name in names))
    assert picks == {tuple(f"m{i}-small" for i in range(n))}, len(picks)


def test_the_hint_prefilter_keeps_every_key_difflib_could_return():
    # closest_ids hands get_close_matches only the keys whose quick_ratio reaches the cutoff: the hints must be the
    # ones difflib gives over every key (random near-duplicates, an empty name, letters the index never uses)
    import difflib
    import random

    from benchmart.transforms import names

    rng = random.Random(5)
    base = ["gpt41mini", "claudesonnet45", "gemini25pro", "llama3370binstruct", "qwen3235ba22b", "o3", "kimik2"]
    known = sorted({b[:rng.randint(1, len(b))] + "".join(rng.choice("abcxyz0123") for _ in range(rng.randint(0, 4)))
                    for b in base for _ in range(60)})
    queries = ["", "ÿÿÿ", "o", *(b + rng.choice(["", "x", "2", "mini"]) for b in base for _ in range(5)),
               *("".join(rng.choice("abcegilmnopqrstuwxyz0123456789") for _ in range(rng.randint(1, 20))) for _ in range(300))]
    assert len(known) > 300
    for q in queries:
        reach = names._within_reach(q, known, ("test", len(known)))
        assert difflib.get_close_matches(q, reach, n=5, cutoff=0.75) == difflib.get_close_matches(q, known, n=5, cutoff=0.75), q
    assert len(names._within_reach("gpt41mini", known, ("test", len(known)))) < len(known) / 4  # and it does filter

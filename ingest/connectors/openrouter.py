"""OpenRouter `GET /api/v1/models`: {"data": [{id, pricing: {prompt, completion}, context_length, ...}]}.

Prices are strings in USD per token; "-1" means variable (unknown: no price row, never negative);
"0" is a real zero (a free offer). Ids are `vendor/slug`, with `:free` / `:thinking` offers.
"""

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors.common import Parsed, as_dict, as_list, load_json, positive_int, reject, rejects_frame, rows_frame

PROVIDES = frozenset({"prices", "models", "registry"})  # the figures this format can carry

OPTIONS: dict[str, str] = {}  # this format takes no options


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    data = load_json(payload, source, "OpenRouter payload")
    models = data.get("data") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise SourceError(f"source {source.id!r}: expected {{'data': [...]}} from the OpenRouter models API")
    prices, facts, listings, rejects = [], [], [], []
    for m in models:
        if not isinstance(m, dict) or not isinstance(m.get("id"), str):
            rejects.append(reject(source.id, "model_without_id", m))
            continue
        slug, _, offer = m["id"].partition(":")
        pricing = as_dict(m.get("pricing"))
        inp, out = _per_million(pricing.get("prompt")), _per_million(pricing.get("completion"))
        if inp == "variable" or out == "variable":
            rejects.append(reject(source.id, "price_variable", {m["id"]: pricing}))
        elif inp is None or out is None:
            rejects.append(reject(source.id, "price_not_a_non_negative_number", {m["id"]: pricing}))
        else:
            prices.append({"model_name": slug, "provider": f"openrouter:{offer}" if offer else "openrouter",
                           "input_usd_per_mtok": inp, "output_usd_per_mtok": out})
        top = as_dict(m.get("top_provider"))
        params = [p for p in as_list(m.get("supported_parameters")) if isinstance(p, str)]
        facts.append({
            "model_name": slug,
            "context_window_tokens": positive_int(m.get("context_length")),
            "max_output_tokens": positive_int(top.get("max_completion_tokens")),
            "is_reasoning": True if "reasoning" in params or "include_reasoning" in params else None,
        })
        output = as_list(as_dict(m.get("architecture")).get("output_modalities")) or ["text"]
        if not offer and "text" in output:  # one listing per model: its `:free` / `:thinking` offers are offers
            name = m.get("name") if isinstance(m.get("name"), str) else None
            listings.append(facts[-1] | {
                "provider": "openrouter",
                "display_name": name.split(": ", 1)[-1].strip() if name else None,  # "OpenAI: GPT-4.1 Mini"
                "open_weights": True if m.get("hugging_face_id") else None,
            })
    return Parsed(
        prices=rows_frame(prices, contracts.PRICES, source),
        models=rows_frame(facts, contracts.MODEL_FACTS, source).unique("model_name", keep="first", maintain_order=True),
        registry=rows_frame(listings, contracts.REGISTRY, source),
        rejects=rejects_frame(rejects),
        records_read=len(models),
    )


def _per_million(value) -> float | str | None:
    """USD per token as a string -> USD per million; "-1" -> "variable"; junk or negative -> None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number == -1:
        return "variable"
    return round(number * 1_000_000, 6) if number >= 0 else None

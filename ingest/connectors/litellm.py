"""LiteLLM's model price map: {key: {input_cost_per_token, output_cost_per_token, ...}} in USD per token."""

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors.common import Parsed, load_json, non_negative, positive_int, reject, rejects_frame, rows_frame

PER_MILLION = 1_000_000
PROVIDES = frozenset({"prices", "models"})  # the figures this format can carry

OPTIONS = {"modes": "which LiteLLM modes are language models to price (default: [chat])"}


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    data = load_json(payload, source, "LiteLLM price map")
    if not isinstance(data, dict):
        raise SourceError(f"source {source.id!r}: LiteLLM price map must be a JSON object of model keys")
    prices, facts, rejects = [], [], []
    skipped = {"documentation_stub": 0, "alias_of_stub": 0, "not_a_chat_model": 0}
    modes = set(source.options.get("modes", ["chat"]))
    for key, entry in data.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            skipped["documentation_stub"] += 1
            continue
        if "alias_of" in entry:
            skipped["alias_of_stub"] += 1  # points at another key that carries the prices
            continue
        if not isinstance(entry.get("mode"), str) or entry["mode"] not in modes:
            skipped["not_a_chat_model"] += 1  # embeddings, images, audio...: `options.modes` widens this
            continue
        inp, out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
        if not non_negative(inp) or not non_negative(out):
            rejects.append(reject(source.id, "price_not_a_non_negative_number", {key: {"input": inp, "output": out}}))
            continue
        provider = entry.get("litellm_provider") or key.split("/")[0]
        prices.append(
            {
                "model_name": key,
                "provider": str(provider),
                "input_usd_per_mtok": round(float(inp) * PER_MILLION, 6),
                "output_usd_per_mtok": round(float(out) * PER_MILLION, 6),
            }
        )
        facts.append(
            {
                "model_name": key,
                "context_window_tokens": positive_int(entry.get("max_input_tokens")),
                "max_output_tokens": positive_int(entry.get("max_output_tokens")),
                "is_reasoning": entry.get("supports_reasoning") if isinstance(entry.get("supports_reasoning"), bool) else None,
            }
        )
    return Parsed(
        prices=rows_frame(prices, contracts.PRICES, source),
        models=rows_frame(facts, contracts.MODEL_FACTS, source),
        rejects=rejects_frame(rejects),
        records_read=len(data),
        skipped={k: v for k, v in skipped.items() if v},
    )

"""models.dev `api.json`: {provider: {models: {id: {cost, limit, reasoning, release_date, ...}}}}.

Costs are USD per million tokens; cost 0 is a real zero (a free offer), a missing cost is unknown.
"""

from datetime import date
import re

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors.common import Parsed, load_json, non_negative, positive_int, reject, rejects_frame, rows_frame

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")

PROVIDES = frozenset({"prices", "models", "registry"})  # the figures this format can carry

OPTIONS: dict[str, str] = {}  # this format takes no options


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    data = load_json(payload, source, "models.dev payload")
    if not isinstance(data, dict):
        raise SourceError(f"source {source.id!r}: models.dev payload must be an object of providers")
    prices, facts, listings, rejects, read = [], [], [], [], 0
    for provider_id, provider in data.items():
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            rejects.append(reject(source.id, "provider_without_models", {provider_id: provider}))
            continue
        for model_id, model in models.items():
            read += 1
            if not isinstance(model, dict):
                rejects.append(reject(source.id, "model_not_an_object", {model_id: model}))
                continue
            released, bad_date = _release_date(model.get("release_date"))
            if bad_date:
                rejects.append(reject(source.id, "release_date_unreadable", {model_id: model.get("release_date")}))
            limit = model.get("limit") if isinstance(model.get("limit"), dict) else {}
            facts.append(
                {
                    "model_name": model_id,
                    "context_window_tokens": positive_int(limit.get("context")),
                    "max_output_tokens": positive_int(limit.get("output")),
                    "is_reasoning": model.get("reasoning") if isinstance(model.get("reasoning"), bool) else None,
                    "open_weights": model.get("open_weights") if isinstance(model.get("open_weights"), bool) else None,
                    "release_date": released,
                }
            )
            if _speaks_text(model):  # embeddings, image and speech models are not listed as language models
                listings.append(facts[-1] | {"provider": provider_id, "display_name": _text(model.get("name")),
                                             "family": _text(model.get("family"))})
            cost = model.get("cost")
            if cost is None:
                continue  # unknown price: no row, never a zero
            inp, out = (cost.get("input"), cost.get("output")) if isinstance(cost, dict) else (None, None)
            if not (non_negative(inp) and non_negative(out)):
                rejects.append(reject(source.id, "price_not_a_non_negative_number", {model_id: cost}))
                continue
            prices.append(
                {"model_name": model_id, "provider": provider_id, "input_usd_per_mtok": float(inp), "output_usd_per_mtok": float(out)}
            )
    return Parsed(
        prices=rows_frame(prices, contracts.PRICES, source),
        models=rows_frame(facts, contracts.MODEL_FACTS, source),
        registry=rows_frame(listings, contracts.REGISTRY, source),
        rejects=rejects_frame(rejects),
        records_read=read,
    )


def _speaks_text(model: dict) -> bool:
    modalities = model.get("modalities") if isinstance(model.get("modalities"), dict) else {}
    output = modalities.get("output")
    return not isinstance(output, list) or "text" in output


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _release_date(value) -> tuple[date | None, bool]:
    """`YYYY-MM-DD` or `YYYY-MM` (first of the month); returns (date, unreadable)."""
    if value in (None, ""):
        return None, False
    match = _DATE.match(str(value))
    if not match:
        return None, True
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return date(year, month, day), False
    except ValueError:
        return None, True

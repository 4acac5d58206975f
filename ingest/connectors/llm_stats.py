"""The llm-stats data tree (JonathanChavezTamales/llm-leaderboard `data/`), as a zip or tar(.gz) of the repo.

- `organizations/<org>/models/<model>/model.json`: release date, open weights (license) -> model facts
- `organizations/<org>/models/<model>/benchmarks.json`: scores, mostly fractions of 1, mostly
  self-reported: `is_self_reported` rows are `unverified`, rows `verified_by_llmstats` are `verified`
- `providers/<provider>/models.json`: prices in US cents per million tokens (-> USD), and the
  provider's `throughput` (tokens/s) and `latency` (s): the only open runtime figures, and rough.
A score above 1 is read as a percent; above 100 it is quarantined (unknown scale).
"""

from datetime import date
import json
import re

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
import benchmart.ingest.connectors.bundle as bundle
from benchmart.ingest.connectors.common import Parsed, non_negative, reject, rejects_frame, rows_frame

_MODEL = re.compile(r"(?:^|/)organizations/[^/]+/models/([^/]+)/(model|benchmarks)\.json$")
_PROVIDER = re.compile(r"(?:^|/)providers/([^/]+)/models\.json$")

PROVIDES = frozenset({"scores", "prices", "runtime", "models"})  # the figures this format can carry

OPTIONS: dict[str, str] = {}  # this format takes no options


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    files = bundle.members(payload, source.id)
    scores, prices, runtime, facts, rejects, read = [], [], [], [], [], 0
    for path in sorted(files):
        model_match, provider_match = _MODEL.search(path), _PROVIDER.search(path)
        if not (model_match or provider_match):
            continue
        try:
            data = json.loads(files[path])
        except (UnicodeDecodeError, json.JSONDecodeError):
            rejects.append(reject(source.id, "file_not_json", path))
            continue
        if model_match and model_match[2] == "model":
            read += 1
            if isinstance(data, dict):
                facts.append(_facts(data, model_match[1]))
            else:
                rejects.append(reject(source.id, "model_file_not_an_object", path))
        elif model_match:
            for row in data if isinstance(data, list) else []:
                read += 1
                scored = _score(row, model_match[1], source)
                (scores if "raw_value" in scored else rejects).append(scored)
        else:
            for row in data if isinstance(data, list) else []:
                read += 1
                _offer(row, provider_match[1], source, prices, runtime, rejects)
    if not read:
        raise SourceError(f"source {source.id!r}: no llm-stats model or provider files in the archive")
    return Parsed(
        scores=rows_frame(scores, contracts.SCORES, source), prices=rows_frame(prices, contracts.PRICES, source),
        runtime=rows_frame(runtime, contracts.RUNTIME, source), models=rows_frame(facts, contracts.MODEL_FACTS, source),
        rejects=rejects_frame(rejects), records_read=read,
    )


def _facts(data: dict, folder: str) -> dict:
    released = str(data.get("release_date") or "")
    license_id = str(data.get("license_id") or "")
    return {
        "model_name": data.get("model_id") or folder,
        "context_window_tokens": None, "max_output_tokens": None, "is_reasoning": None,
        "open_weights": None if not license_id else license_id != "proprietary",
        "release_date": date.fromisoformat(released[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", released) else None,
    }


def _score(row: dict, folder: str, source: SourceConfig) -> dict:
    if not isinstance(row, dict):
        return reject(source.id, "record_not_an_object", row)
    value = row.get("score")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or value > 100:
        return reject(source.id, "score_scale_unknown", row)
    verified = row.get("verified_by_llmstats") is True
    when = str(row.get("updated_at") or row.get("created_at") or "")[:10]
    return {
        "model_name": row.get("model_id") or folder,
        "variant": None,
        "benchmark_name": _benchmark_name(row),
        "raw_value": float(value),
        "unit": "fraction" if value <= 1 else "percent",
        "observed_on": date.fromisoformat(when) if re.match(r"^\d{4}-\d{2}-\d{2}$", when) else None,
        "citation": row.get("self_reported_source_link") or None,
        "provenance": "verified" if verified else "unverified",
        "harness": "self-reported" if row.get("is_self_reported") is True else None,
    }


def _benchmark_name(row: dict) -> str | None:
    """The benchmark as named, with the test set when the row states it apart from the name: llm-stats files
    GPQA Diamond as `GPQA` with `analysis_method` "Diamond"; a bare GPQA is another test set."""
    name = row.get("benchmark_name") or row.get("benchmark_id")
    method = str(row.get("analysis_method") or "").lower()
    if isinstance(name, str) and name.strip().lower() == "gpqa" and "diamond" in method:
        return "GPQA Diamond"
    return name


def _offer(row: dict, provider: str, source: SourceConfig, prices: list, runtime: list, rejects: list) -> None:
    name = row.get("model_id") if isinstance(row, dict) else None
    if not isinstance(name, str) or not name:
        rejects.append(reject(source.id, "model_missing", row))
        return
    inp, out = row.get("input_cents_per_million_tokens"), row.get("output_cents_per_million_tokens")
    if non_negative(inp) and non_negative(out):
        prices.append({"model_name": name, "provider": provider, "input_usd_per_mtok": inp / 100, "output_usd_per_mtok": out / 100})
    elif inp is not None or out is not None:
        rejects.append(reject(source.id, "price_not_a_non_negative_number", row))
    speed, latency = row.get("throughput"), row.get("latency")
    speed = float(speed) if non_negative(speed) and speed > 0 else None
    latency = float(latency) if non_negative(latency) else None
    if speed is not None or latency is not None:
        runtime.append({"model_name": name, "provider": provider, "output_tokens_per_s": speed, "ttft_s": latency})

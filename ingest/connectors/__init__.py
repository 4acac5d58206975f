"""Connectors: one module per source format, registered by format name in REGISTRY below.

A connector turns one raw payload (bytes) into canonical frames (`Parsed`). It never raises
on a bad record: the record goes to `rejects` with a reason and its raw value.
A payload that cannot be read at all raises `SourceError` (a source failure).
Adding a format is adding a module and one line in REGISTRY.
"""

from collections.abc import Callable

from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import aider, epoch, litellm, livebench, llm_stats, models_dev, openrouter, tabular
from benchmart.ingest.connectors.common import Parsed

Connector = Callable[[bytes, SourceConfig], Parsed]

REGISTRY: dict[str, Connector] = {
    "aider": aider.parse,
    "csv": tabular.parse_csv,
    "epoch": epoch.parse,
    "json": tabular.parse_json,
    "litellm": litellm.parse,
    "livebench": livebench.parse,
    "llm_stats": llm_stats.parse,
    "models_dev": models_dev.parse,
    "openrouter": openrouter.parse,
}


def known_formats() -> set[str]:
    return set(REGISTRY)


def parse_payload(payload: bytes, source: SourceConfig) -> Parsed:
    return REGISTRY[source.format](payload, source).conformed()


__all__ = ["REGISTRY", "Connector", "Parsed", "known_formats", "parse_payload"]

"""Connectors: one module per source format, registered by format name.

A connector turns one raw payload (bytes) into canonical frames. It never raises
on a bad record: the record goes to `rejects` with a reason and its raw value.
A payload that cannot be read at all raises `SourceError` (a source failure).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
import importlib
import json
import pkgutil
from typing import Any

import polars as pl

from benchmart.errors import SourceError
from benchmart.sources import SourceConfig
from transforms import schemas


@dataclass
class Parsed:
    """What one payload yields; every frame in its canonical schema."""

    scores: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.SCORES | schemas.SCORES_EXTRA))
    prices: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.PRICES))
    runtime: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.RUNTIME))
    models: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.MODEL_FACTS))
    rejects: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.QUARANTINE))
    records_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # records left out by design, by reason (not errors)

    def conformed(self) -> "Parsed":
        return Parsed(
            scores=schemas.conform(self.scores, schemas.SCORES | schemas.SCORES_EXTRA, "scores"),
            prices=schemas.conform(self.prices, schemas.PRICES, "prices"),
            runtime=schemas.conform(self.runtime, schemas.RUNTIME, "runtime"),
            models=schemas.conform(self.models, schemas.MODEL_FACTS, "models"),
            rejects=schemas.conform(self.rejects, schemas.QUARANTINE, "rejects"),
            records_read=self.records_read,
            skipped=dict(self.skipped),
        )


Connector = Callable[[bytes, SourceConfig], Parsed]
_REGISTRY: dict[str, Connector] = {}


def connector(format_name: str) -> Callable[[Connector], Connector]:
    def register(fn: Connector) -> Connector:
        _REGISTRY[format_name] = fn
        return fn

    return register


def _discover() -> None:
    if _REGISTRY:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name != "bundle":
            importlib.import_module(f"{__name__}.{module.name}")


def known_formats() -> set[str]:
    _discover()
    return set(_REGISTRY)


def parse_payload(payload: bytes, source: SourceConfig) -> Parsed:
    _discover()
    return _REGISTRY[source.format](payload, source).conformed()


def load_json(payload: bytes, source: SourceConfig, what: str) -> Any:
    """Decode a JSON payload; an undecodable one is a source failure naming the source."""
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"source {source.id!r}: {what} is not valid JSON ({exc})") from None


def non_negative(value: Any) -> bool:
    """A real number >= 0 (booleans, strings and None are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def positive_int(value: Any) -> int | None:
    return int(value) if non_negative(value) and value > 0 else None


def reject(source_id: str, rule: str, record: Any) -> dict[str, str]:
    """One quarantine row for a record a connector could not use."""
    text = record if isinstance(record, str) else json.dumps(record, default=str, sort_keys=True)
    return {"source_id": source_id, "stage": "parse", "rule": rule, "record": text}

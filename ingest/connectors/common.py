"""What every connector shares: the Parsed result, JSON loading, number checks and quarantine rows."""

from dataclasses import dataclass, field
import json
from typing import Any

import polars as pl

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig


@dataclass
class Parsed:
    """What one payload yields; every frame in its canonical schema."""

    scores: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.SCORES | contracts.SCORES_EXTRA))
    prices: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.PRICES))
    runtime: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.RUNTIME))
    models: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.MODEL_FACTS))
    registry: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.REGISTRY))
    rejects: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.QUARANTINE))
    records_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # records left out by design, by reason (not errors)

    @property
    def rows(self) -> int:
        """Rows of figures (scores, prices, runtime) the payload yielded: what the run accounts for."""
        return self.scores.height + self.prices.height + self.runtime.height

    def conformed(self) -> "Parsed":
        return Parsed(
            scores=contracts.conform(self.scores, contracts.SCORES | contracts.SCORES_EXTRA, "scores"),
            prices=contracts.conform(self.prices, contracts.PRICES, "prices"),
            runtime=contracts.conform(self.runtime, contracts.RUNTIME, "runtime"),
            models=contracts.conform(self.models, contracts.MODEL_FACTS, "models"),
            registry=contracts.conform(self.registry, contracts.REGISTRY, "registry"),
            rejects=contracts.conform(self.rejects, contracts.QUARANTINE, "rejects"),
            records_read=self.records_read,
            skipped=dict(self.skipped),
        )


def load_json(payload: bytes, source: SourceConfig, what: str) -> Any:
    """Decode a JSON payload; an undecodable one is a source failure naming the source."""
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"source {source.id!r}: {what} is not valid JSON ({exc})") from None


def as_dict(value: Any) -> dict:
    """A nested object as a dict; anything else (a string, a list, null) as an empty one: its fields are then missing."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def non_negative(value: Any) -> bool:
    """A real number >= 0 (booleans, strings and None are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def positive_int(value: Any) -> int | None:
    return int(value) if non_negative(value) and value > 0 else None


def reject(source_id: str, rule: str, record: Any) -> dict[str, str]:
    """One quarantine row for a record a connector could not use."""
    text = record if isinstance(record, str) else json.dumps(record, default=str, sort_keys=True)
    return {"source_id": source_id, "stage": "parse", "rule": rule, "record": text}


THOUSANDS = r"^\s*[-+]?\d{1,3}(,\d{3})+(\.\d*)?\s*%?\s*$"  # 1,234 or 1,234,567.5: commas group thousands


def number(text: pl.Expr) -> pl.Expr:
    """`42.5`, `42.5%`, `1,234.5`, `0.85±0.02` -> float; anything else -> null (the caller quarantines it).

    Never guessed: a comma that does not group thousands (`0,85`, `1,25`: a decimal comma in some locales) and
    a value that is not finite (`inf`, `nan`) give null, not 85, 125 or infinity."""
    bare = text.str.replace(r"±.*$", "")
    commas_ok = ~bare.str.contains(",") | bare.str.contains(THOUSANDS)
    value = bare.str.replace_all(r"[,%\s]", "").cast(pl.Float64, strict=False)
    return pl.when(commas_ok & value.is_finite()).then(value)


def rows_frame(rows: list[dict], schema: dict[str, pl.DataType], source: SourceConfig) -> pl.DataFrame:
    """A connector's rows in a canonical schema, stamped with the source id. A text field the source filled with
    something else (a list, a number) keeps it as JSON text, so the row stays visible (its name then resolves to
    nothing and is quarantined with the record) rather than breaking the whole payload."""
    wanted = {k: v for k, v in schema.items() if k != "source_id"}
    texts = [k for k, v in wanted.items() if v == pl.String]
    for row in rows:
        for k in texts:
            value = row.get(k)
            if value is not None and not isinstance(value, str):
                row[k] = json.dumps(value, default=str)
    return pl.DataFrame(rows, schema=wanted, strict=False).with_columns(pl.lit(source.id).alias("source_id"))


def rejects_frame(rejects: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rejects, schema=contracts.QUARANTINE)

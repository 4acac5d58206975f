"""The pipeline's stages as plain functions; Prefect flows only wire them (see flows/).

acquire -> parse -> resolve -> validate inputs -> build tables -> validate marts -> publish
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
import math

import polars as pl

from benchmart.catalog import Catalog
from benchmart.connectors import Parsed, parse_payload
from benchmart.errors import SourceError
from benchmart.fetch import fetch
from benchmart.landing import LandingZone, Payload
from benchmart.sources import SourceConfig
from expectations import validate
from transforms import schemas
from transforms.resolve import matched, resolved, unmatched_names, unmatched_quarantine
from transforms.scoring import variant_ranks
from transforms.snapshot import Rules, benchmark_observations, snapshot_tables

# ---------------------------------------------------------------- acquire


@dataclass
class SourceRead:
    """What the run got for one source."""

    source: SourceConfig
    payload: Payload | None
    status: str  # fresh | unchanged | stale | missing
    error: str | None = None
    parsed: Parsed | None = None

    def summary(self) -> dict:
        p = self.parsed
        return {
            "source_id": self.source.id,
            "status": self.status,
            "sha256": self.payload.sha256 if self.payload else None,
            "fetched_at": self.payload.fetched_at.isoformat() if self.payload else None,
            "error": self.error,
            "records_read": p.records_read if p else 0,
            "parse_rejects": p.rejects.height if p else 0,
        }


def acquire(source: SourceConfig, landing: LandingZone, now: datetime | None = None, http=None) -> SourceRead:
    """Fetch a source and land its payload; a 304 reuses the last payload. Raises SourceError."""
    now = now or datetime.now(timezone.utc)
    last = landing.latest(source.id)
    got = fetch(source, etag=last.etag if last else None, last_modified=last.last_modified if last else None, http=http)
    if got.content is None:
        if last is None:
            raise SourceError(f"source {source.id!r}: server answered 304 but nothing was landed before")
        payload = landing.land(source.id, source.url, last.read(), now, last.etag, last.last_modified)
        return SourceRead(source, payload, "unchanged")
    return SourceRead(source, landing.land(source.id, source.url, got.content, now, got.etag, got.last_modified), "fresh")


def fall_back(source: SourceConfig, landing: LandingZone, error: str) -> SourceRead:
    """After retries failed: use the last good payload (stale), or fail, as the source is configured."""
    if source.on_failure == "fail":
        raise SourceError(f"{error} (on_failure: fail)")
    last = landing.latest(source.id)
    if last is None:
        return SourceRead(source, None, "missing", error)
    return SourceRead(source, Payload(**{**last.__dict__, "stale": True}), "stale", error)


def as_of(source: SourceConfig, landing: LandingZone, day: date) -> SourceRead:
    """For a backfill: the newest payload fetched on or before `day`.

    Before a source's first fetch, a `history: dated_rows` source (rows carry their own dates) uses its
    earliest payload, and dated rows after `day` are left out later; any other source is missing."""
    payload = landing.latest(source.id, on_or_before=day)
    if payload is None and source.history == "dated_rows":
        history = landing.history(source.id)
        if history:
            return SourceRead(source, history[0], "dated_rows")
    if payload is None:
        return SourceRead(source, None, "missing", f"no payload of {source.id!r} fetched on or before {day}")
    return SourceRead(source, payload, "as_of")


# ---------------------------------------------------------------- parse


def parse_landed(source: SourceConfig, payload: Payload) -> Parsed:
    return parse_payload(payload.read(), source)


def parse(read: SourceRead, landing: LandingZone, parser=parse_landed) -> SourceRead:
    """Parse the payload; an unparsable payload is a source failure: try older payloads, newest first.

    `parser(source, payload)` is injectable so the flow can cache parsing by payload hash."""
    if read.payload is None:
        return read
    candidates = [read.payload] + [
        p for p in reversed(landing.history(read.source.id))
        if p.sha256 != read.payload.sha256 and p.fetched_at <= read.payload.fetched_at
    ]
    errors = []
    seen: set[str] = set()
    for payload in candidates:
        if payload.sha256 in seen:
            continue
        seen.add(payload.sha256)
        try:
            parsed = parser(read.source, payload)
        except (SourceError, OSError) as exc:
            errors.append(str(exc))
            if read.source.on_failure == "fail":
                raise SourceError(f"{exc} (on_failure: fail)") from None
            continue
        if payload is read.payload:
            return SourceRead(read.source, payload, read.status, read.error, parsed)
        stale = Payload(**{**payload.__dict__, "stale": True})
        return SourceRead(read.source, stale, "stale", "; ".join(errors), parsed)
    return SourceRead(read.source, None, "missing", "; ".join(errors) or read.error)


# ---------------------------------------------------------------- resolve


@dataclass
class Inputs:
    scores: pl.DataFrame
    prices: pl.DataFrame
    runtime: pl.DataFrame
    facts: pl.DataFrame
    quarantine: pl.DataFrame
    unmatched: pl.DataFrame
    after_snapshot: dict[str, int] = field(default_factory=dict)  # per source: rows dated after the snapshot, left out


def resolve_inputs(reads: list[SourceRead], catalog: Catalog, snapshot_date: date) -> Inputs:
    """Resolve names to catalog ids; unresolved rows go to quarantine and the unmatched report.

    Observations dated after the snapshot date are left out (that is how a backfill sees the past)."""
    parsed = [r.parsed for r in reads if r.parsed is not None]

    def gather(kind: str, schema: dict) -> pl.DataFrame:
        frames = [getattr(p, kind) for p in parsed]
        return pl.concat(frames) if frames else schemas.empty(schema)

    models, benches = catalog.model_index(), catalog.benchmark_index()
    scores = gather("scores", schemas.SCORES)
    future = scores.filter(pl.col("observed_on") > snapshot_date)
    scores = resolved(scores.filter(pl.col("observed_on").is_null() | (pl.col("observed_on") <= snapshot_date)), models, benches)
    prices = resolved(gather("prices", schemas.PRICES), models)
    runtime = resolved(gather("runtime", schemas.RUNTIME), models)
    facts = resolved(gather("models", schemas.MODEL_FACTS), models)
    quarantine = pl.concat(
        [gather("rejects", schemas.QUARANTINE)]
        + [unmatched_quarantine(f, k) for f, k in ((scores, "scores"), (prices, "prices"), (runtime, "runtime"))]
    )
    unmatched = pl.concat(
        [unmatched_names(f, k) for f, k in ((scores, "scores"), (prices, "prices"), (runtime, "runtime"))]
    ).sort(["rows", "source_id", "kind", "name"], descending=[True, False, False, False])
    later = dict(future.group_by("source_id").len().rows())
    return Inputs(matched(scores), matched(prices), matched(runtime), matched(facts), quarantine, unmatched, later)


# ---------------------------------------------------------------- validate + build


@dataclass
class Built:
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    failures: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)


def _min_rows(previous: dict[str, int], table: str, max_drop: float) -> int:
    prev = previous.get(table, 0)
    return max(1, math.ceil(prev * (1 - max_drop))) if prev else 0


def build(
    inputs: Inputs,
    catalog: Catalog,
    sources: list[SourceConfig],
    snapshot_date: date,
    previous_counts: dict[str, int],
    rules: Rules,
    max_drop: float,
    freshness: pl.DataFrame | None = None,
) -> Built:
    """Validate inputs (bad rows to quarantine), transform, validate marts (a failure stops the run)."""
    benchmarks, categories = catalog.benchmarks_frame(), catalog.categories_frame()
    ranks = variant_ranks(catalog.models_frame())
    observations, superseded = benchmark_observations(inputs.scores, benchmarks, ranks)
    obs_check = validate(
        observations,
        "observations",
        {"min_rows": _min_rows(previous_counts, "fct_benchmark_observation", max_drop)},
    )
    price_check = validate(inputs.prices, "prices", {"min_rows": _min_rows(previous_counts, "fct_model_price", max_drop)})
    runtime_check = validate(inputs.runtime, "runtime")
    priority = pl.DataFrame(
        {"source_id": [s.id for s in sources], "priority": [s.priority for s in sources]},
        schema={"source_id": pl.String, "priority": pl.Int64},
    )
    tables = snapshot_tables(
        snapshot_date,
        obs_check.valid,
        price_check.valid,
        runtime_check.valid,
        inputs.facts,
        catalog.models_frame(),
        categories,
        benchmarks,
        priority,
        rules,
        freshness,
    )
    mart_checks = [
        validate(tables["mart_category_score"], "category_scores", {
            "min_rows": _min_rows(previous_counts, "mart_category_score", max_drop),
            "categories": catalog.categories_frame()["category_id"].to_list(),
        }),
        validate(tables["mart_leaderboard"], "leaderboard", {"min_rows": _min_rows(previous_counts, "mart_leaderboard", max_drop)}),
        validate(tables["mart_head_to_head"], "head_to_head", {"min_rows": _min_rows(previous_counts, "mart_head_to_head", max_drop)}),
    ]
    outcomes = [obs_check, price_check, runtime_check, *mart_checks]
    quarantine = pl.concat(
        [inputs.quarantine, superseded, obs_check.quarantine, price_check.quarantine, runtime_check.quarantine]
    )
    return Built(
        tables=tables,
        quarantine=quarantine,
        failures=[f for o in outcomes for f in o.failures],
        checks=[c for o in outcomes for c in o.checks],
    )

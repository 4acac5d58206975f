"""Acquisition: what a run gets for each source. Fetch and land (nightly), or pick a landed payload as of a
date (backfill), fall back to the last good payload, and parse with a fallback to older payloads.

Each read carries the source's landing history as read once here, so later steps (parse fallbacks,
the ops_raw_payload rows) never read the landing zone again.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

import polars as pl

from benchmart.errors import SourceError
from benchmart.redact import redacted_url
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import Parsed, parse_payload
from benchmart.ingest.fetch import fetch
from benchmart.ingest.landing import LandingZone, Payload


@dataclass
class SourceRead:
    """What the run got for one source."""

    source: SourceConfig
    payload: Payload | None
    status: str  # fresh | unchanged | stale | missing | as_of | dated_rows
    error: str | None = None
    parsed: Parsed | None = None
    history: list[Payload] = field(default_factory=list)  # every recorded fetch of the source, oldest first

    def summary(self) -> dict:
        p = self.parsed
        return {
            "source_id": self.source.id,
            "status": self.status,
            "sha256": self.payload.sha256 if self.payload else None,
            "fetched_at": self.payload.fetched_at.isoformat() if self.payload else None,
            "error": self.error,
            "records_read": p.records_read if p else 0,
            "rows_read": p.rows if p else 0,
            "parse_rejects": p.rejects.height if p else 0,
            "records_skipped": dict(p.skipped) if p else {},
        }

    def payload_row(self) -> dict | None:
        """The ops_raw_payload row of the payload this read used (first and last fetch of that content)."""
        if self.payload is None:
            return None
        seen = [p.fetched_at for p in self.history if p.sha256 == self.payload.sha256] or [self.payload.fetched_at]
        p = self.payload
        return {"source_id": self.source.id, "sha256": p.sha256, "url": p.url, "bytes": p.bytes, "path": p.path,
                "fetched_at": min(seen), "last_fetched_at": max(seen)}


def acquire(source: SourceConfig, landing: LandingZone, now: datetime | None = None, http=None) -> SourceRead:
    """Fetch a source and land its payload; a 304 reuses the last payload. Raises SourceError."""
    now = now or datetime.now(timezone.utc)
    history = landing.history(source.id)
    last = history[-1] if history else None
    got = fetch(source, etag=last.etag if last else None, last_modified=last.last_modified if last else None, http=http)
    if got.content is None:
        if last is None:
            raise SourceError(f"source {source.id!r}: server answered 304 but nothing was landed before")
        payload = landing.land(source.id, redacted_url(source.url), last.read(), now, last.etag, last.last_modified)
        return SourceRead(source, payload, "unchanged", history=[*history, payload])
    payload = landing.land(source.id, redacted_url(source.url), got.content, now, got.etag, got.last_modified)
    return SourceRead(source, payload, "fresh", history=[*history, payload])


def fall_back(source: SourceConfig, landing: LandingZone, error: str) -> SourceRead:
    """After retries failed: use the last good payload (stale), or fail, as the source is configured."""
    if source.on_failure == "fail":
        raise SourceError(f"{error} (on_failure: fail)")
    history = landing.history(source.id)
    if not history:
        return SourceRead(source, None, "missing", error)
    return SourceRead(source, replace(history[-1], stale=True), "stale", error, history=history)


def as_of(source: SourceConfig, landing: LandingZone, day: date) -> SourceRead:
    """For a backfill: the newest payload fetched on or before `day`.

    Before a source's first fetch, a `history: dated_rows` source (rows carry their own dates) uses its
    earliest payload, and dated rows after `day` are left out later; any other source is missing."""
    history = landing.history(source.id)
    candidates = [p for p in history if p.fetched_at.date() <= day]
    if candidates:
        return SourceRead(source, candidates[-1], "as_of", history=history)
    if history and source.history == "dated_rows":
        return SourceRead(source, history[0], "dated_rows", history=history)
    return SourceRead(source, None, "missing", f"no payload of {source.id!r} fetched on or before {day}", history=history)


def parse_landed(source: SourceConfig, payload: Payload) -> Parsed:
    return parse_payload(payload.read(), source)


def parse(read: SourceRead, parser=parse_landed) -> SourceRead:
    """Parse the payload; an unparsable payload is a source failure: try older payloads, newest first.

    `parser(source, payload)` is injectable so the flow can cache parsing by payload hash."""
    if read.payload is None:
        return read
    older = [p for p in reversed(read.history) if p.sha256 != read.payload.sha256 and p.fetched_at <= read.payload.fetched_at]
    errors = []
    seen: set[str] = set()
    for payload in [read.payload, *older]:
        if payload.sha256 in seen:
            continue
        seen.add(payload.sha256)
        try:
            parsed = parser(read.source, payload)
            if parsed.records_read == 0:  # an empty list, an empty file, a CSV header alone: never "fresh" data
                raise SourceError(f"source {read.source.id!r}: payload {payload.sha256[:12]} holds no records "
                                  "(an empty file, list or table); not used")
        except (SourceError, OSError) as exc:
            errors.append(str(exc))
            if read.source.on_failure == "fail":
                raise SourceError(f"{exc} (on_failure: fail)") from None
            continue
        if payload is read.payload:
            return replace(read, parsed=parsed)
        return replace(read, payload=replace(payload, stale=True), status="stale", error="; ".join(errors), parsed=parsed)
    return replace(read, payload=None, status="missing", error="; ".join(errors) or read.error)


def combined(reads: list[SourceRead]) -> Parsed:
    """Every parsed read's frames, one frame per kind (the inputs of name resolution); registry listings
    only from the registries (sources of kind `models`)."""
    parsed = [r.parsed for r in reads if r.parsed is not None]
    if not parsed:
        return Parsed()
    registries = [r.parsed.registry for r in reads if r.parsed is not None and r.source.kind == "models"]
    return Parsed(
        registry=pl.concat(registries) if registries else Parsed().registry,
        scores=pl.concat([p.scores for p in parsed]), prices=pl.concat([p.prices for p in parsed]),
        runtime=pl.concat([p.runtime for p in parsed]), models=pl.concat([p.models for p in parsed]),
        rejects=pl.concat([p.rejects for p in parsed]), records_read=sum(p.records_read for p in parsed),
    )

"""The sources file: which sources to read, in which format, with what priority."""

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from benchmart.errors import ConfigError


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["scores", "prices", "runtime", "models"]
    format: str
    url: str
    license: str | None = None
    priority: int = Field(default=50, ge=0, le=1000, description="Higher wins when sources disagree.")
    provenance: Literal["verified", "unverified", "generated"] = "unverified"
    on_failure: Literal["use_last_good", "fail"] = "use_last_good"
    allow_http: bool = Field(default=False, description="Allow plain http:// to a non-loopback host.")
    max_bytes: int = Field(default=50_000_000, gt=0)
    timeout_s: float = Field(default=30.0, gt=0)
    history: Literal["payload", "dated_rows"] = Field(
        default="payload",
        description="payload: a backfill date sees the newest payload fetched on or before it; dated_rows: the rows "
        "carry their own dates, so dates before the first fetch can use the earliest payload, rows filtered by date.",
    )
    enabled: bool = True
    parts: dict[str, str] = Field(
        default={}, description="Several files fetched together and landed as one deterministic zip: {name: url}."
    )
    options: dict[str, Any] = {}

    @field_validator("parts")
    @classmethod
    def _part_schemes(cls, parts: dict[str, str]) -> dict[str, str]:
        for url in parts.values():
            cls._scheme(url)
        return parts

    @field_validator("url")
    @classmethod
    def _scheme(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("file", "http", "https"):
            raise ValueError(f"unsupported URL scheme {parts.scheme!r}; use https://, http:// or file://")
        if parts.username or parts.password:
            raise ValueError("URLs must not carry credentials; put secrets in the environment")
        return url


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[SourceConfig]


def load_sources(path: Path) -> list[SourceConfig]:
    """Load the sources file; `file://` URLs relative to it are made absolute."""
    from benchmart.connectors import known_formats

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found (set --sources or BENCHMART_SOURCES_FILE)") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        sources = _SourcesFile.model_validate(raw).sources
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        entry = f" entry {loc[1]}" if len(loc) > 1 else ""
        if len(loc) > 1 and isinstance(raw, dict) and isinstance(loc[1], int):
            item = raw["sources"][loc[1]]
            if isinstance(item, dict) and "id" in item:
                entry += f" (id {item['id']!r})"
        field = ".".join(str(x) for x in loc[2:]) or "sources"
        raise ConfigError(f"{path}:{entry} field {field!r}: {first['msg']}") from None
    seen: set[str] = set()
    resolved = []
    for source in sources:
        if source.id in seen:
            raise ConfigError(f"{path}: duplicate source id {source.id!r}")
        seen.add(source.id)
        if source.format not in known_formats():
            raise ConfigError(
                f"{path}: source {source.id!r} has unknown format {source.format!r} "
                f"(known: {', '.join(sorted(known_formats()))})"
            )
        resolved.append(_absolute(source, path.parent))
    return [s for s in resolved if s.enabled]


def _absolute(source: SourceConfig, base: Path) -> SourceConfig:
    return source.model_copy(
        update={"url": _absolute_url(source.url, base), "parts": {k: _absolute_url(v, base) for k, v in source.parts.items()}}
    )


def _absolute_url(url: str, base: Path) -> str:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return url
    local = Path(parts.netloc + parts.path) if parts.netloc not in ("", "localhost") else Path(parts.path)
    if not local.is_absolute():
        local = (base / local).resolve()
    return local.as_uri()

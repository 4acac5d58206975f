"""The sources file: which sources to read, in which format, with what priority."""

from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
from pydantic import BaseModel, ConfigDict

from benchmart import contracts
from benchmart.redact import redacted_url
from benchmart.errors import ConfigError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import check_options, known_formats
from benchmart.ingest.yamlfile import load_model


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[SourceConfig]


def load_sources(path: Path) -> list[SourceConfig]:
    """Load the sources file; `file://` URLs relative to it are made absolute; disabled sources are left out."""
    parsed, _ = load_model(Path(path), _SourcesFile, "sources file", " (set --sources or BENCHMART_SOURCES_FILE)")
    seen: set[str] = set()
    resolved = []
    for source in parsed.sources:
        if source.id in seen:
            raise ConfigError(f"{path}: duplicate source id {source.id!r}")
        seen.add(source.id)
        if source.format not in known_formats():
            raise ConfigError(
                f"{path}: source {source.id!r} has unknown format {source.format!r} "
                f"(known: {', '.join(sorted(known_formats()))})"
            )
        try:
            check_options(source)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        confined = _absolute(source, Path(path).parent)
        confined._file_roots = file_roots(Path(path))
        resolved.append(confined)
    return [s for s in resolved if s.enabled]


def file_roots(sources_file: Path) -> tuple[str, ...]:
    """The folders file:// sources may read: the sources file's own folder and those of BENCHMART_FILE_ROOTS."""
    from benchmart.settings import Settings

    return tuple(str(Path(p).resolve()) for p in [Path(sources_file).parent, *Settings().file_roots])


def sources_frame(sources: list[SourceConfig]) -> pl.DataFrame:
    """The configured sources as a frame (the input of dim_source and of every source-priority rule)."""
    return pl.DataFrame(
        [{"source_id": s.id, "kind": s.kind, "format": s.format, "url": redacted_url(s.url), "license": s.license, "priority": s.priority,
          "provenance_default": s.provenance, "on_failure": s.on_failure} for s in sources],
        schema=contracts.SOURCES,
    )


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

"""One configured source: where it is, in which format, with what priority (an entry of the sources file)."""

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # where a file:// URL may read: set by load_sources (the sources file's folder + BENCHMART_FILE_ROOTS), never by the
    # file itself; empty (a source built in code) means unconfined
    _file_roots: tuple[str, ...] = PrivateAttr(default=())

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
    deadline_s: float = Field(default=600.0, gt=0, description="The whole transfer, however the server paces it.")
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

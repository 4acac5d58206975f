"""One typed settings object; every field can be set from the environment (BENCHMART_*)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from benchmart import PROJECT_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCHMART_", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Landing zone and SQLite file live here.")
    warehouse_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite under data_dir.")
    sources_file: Path = Field(default=PROJECT_ROOT / "sources.yaml")
    catalog_dir: Path = Field(default=PROJECT_ROOT / "catalog")
    min_categories: int = Field(default=2, ge=1, description="A model is ranked with at least this many categories...")
    min_weight_covered: float = Field(default=0.30, ge=0, le=1, description="...and at least this share of weight.")
    fetch_retries: int = Field(default=2, ge=0, description="Prefect task retries of a failed fetch.")
    fetch_retry_delay_s: float = Field(default=2.0, ge=0, description="First retry delay; each next one is 4x longer.")
    http_retries: int = Field(default=3, ge=0, description="In-request retries on connection errors, 429 and 5xx.")
    http_backoff_s: float = Field(default=0.5, ge=0, description="urllib3 exponential backoff factor.")
    h2h_retention_days: int | None = Field(
        default=None, ge=0, description="Keep head-to-head snapshots this many days back; None keeps all."
    )
    publish_wait_s: float = Field(default=60.0, gt=0, description="How long a run waits for another run's publish, then fails.")
    max_row_drop: float = Field(
        default=0.5, ge=0, le=1, description="Fail when a table shrinks by more than this share versus the previous snapshot."
    )

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    def resolved_warehouse_url(self) -> str:
        return self.warehouse_url or f"sqlite:///{self.data_dir / 'benchmart.db'}"

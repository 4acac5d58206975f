"""One typed settings object; every field can be set from the environment (BENCHMART_*).

Rules used in several places (the rank thresholds, the nightly schedule) are defined here once;
the transforms, the CLI's explanations, the warehouse's column descriptions and the deployments read them.
"""

from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from benchmart.errors import ConfigError


class RankRules(BaseModel):
    """Evidence a model needs before it gets a rank, how uncertainty is measured and when a verdict names a
    leader (DESIGN section 4, docs/methodology.md)."""

    model_config = ConfigDict(frozen=True)

    min_benchmarks: int = Field(default=8, ge=1, description="A model is ranked with at least this many weighted benchmarks...")
    min_categories: int = Field(default=2, ge=1, description="...across at least this many counted categories...")
    min_category_benchmarks: int = Field(
        default=2, ge=1, description="...a category counting with at least this many benchmarks (a category may declare its own)..."
    )
    min_weight_covered: float = Field(default=0.30, ge=0, le=1, description="...and at least this share of the category weight.")
    min_shared_benchmarks: int = Field(default=3, ge=1, description="A verdict names a leader only on this many shared weighted benchmarks...")
    lead_probability: float = Field(default=0.90, gt=0.5, lt=1, description="...and when the lead holds in this share of resamples.")
    clear_lead_probability: float = Field(default=0.95, gt=0.5, lt=1, description="'Clearly leads' from this share of resamples.")
    resamples: int = Field(default=1000, ge=50, description="Bootstrap resamples behind every interval and lead probability.")
    seed: int = Field(default=20261129, description="Seed of the bootstrap: same seed, same numbers.")
    interval: float = Field(default=0.90, gt=0, lt=1, description="Coverage of the published intervals.")
    rank_by: Literal["overall", "index"] = Field(
        default="index", description="What `rank` orders by: index_score (agrees better with held-out sources, docs/methodology.md) or overall_score.")

    def describe(self) -> str:
        return (f">= {self.min_benchmarks} weighted benchmarks across >= {self.min_categories} categories of >= "
                f"{self.min_category_benchmarks} benchmarks each, and >= {self.min_weight_covered:.0%} of the weight")

    def comparable(self) -> str:
        return f">= {self.min_categories} categories and >= {self.min_weight_covered:.0%} of the weight"


class Schedule(BaseModel):
    model_config = ConfigDict(frozen=True)

    cron: str = Field(default="0 3 * * *", description="When the nightly run starts (cron).")
    timezone: str = Field(default="UTC", description="Time zone of the cron expression.")


DEFAULT_RULES = RankRules()
DEFAULT_SCHEDULE = Schedule()


def packaged_catalog() -> Path:
    """The curated catalog shipped with the package (the repository's catalog/ folder)."""
    return Path(str(files("benchmart.catalog")))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCHMART_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Landing zone and SQLite file live here.")
    warehouse_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite under data_dir.")
    warehouse_secret: str | None = Field(default=None, description="Name of a Prefect Secret block holding the warehouse "
                                                                 "URL, used when no warehouse_url is set.")
    sources_file: Path = Field(default=Path("sources.yaml"), description="Which sources to read.")
    catalog_dir: Path = Field(default_factory=packaged_catalog, description="Curated categories, benchmarks, models.")
    file_roots: list[Path] = Field(default_factory=list, description="Folders file:// sources may read besides the sources "
                                                                     "file's own (JSON list, e.g. [\"/srv/data\"]).")
    min_benchmarks: int = RankRules.model_fields["min_benchmarks"]
    min_categories: int = RankRules.model_fields["min_categories"]
    min_category_benchmarks: int = RankRules.model_fields["min_category_benchmarks"]
    min_weight_covered: float = RankRules.model_fields["min_weight_covered"]
    min_shared_benchmarks: int = RankRules.model_fields["min_shared_benchmarks"]
    lead_probability: float = RankRules.model_fields["lead_probability"]
    clear_lead_probability: float = RankRules.model_fields["clear_lead_probability"]
    resamples: int = RankRules.model_fields["resamples"]
    seed: int = RankRules.model_fields["seed"]
    interval: float = RankRules.model_fields["interval"]
    rank_by: Literal["overall", "index"] = RankRules.model_fields["rank_by"]
    nightly_cron: str = Schedule.model_fields["cron"]
    nightly_timezone: str = Schedule.model_fields["timezone"]
    fetch_retries: int = Field(default=2, ge=0, description="Prefect task retries of a failed fetch.")
    fetch_retry_delay_s: float = Field(default=2.0, ge=0, description="First retry delay; each next one is 4x longer.")
    http_retries: int = Field(default=3, ge=0, description="In-request retries on connection errors, 429 and 5xx.")
    http_backoff_s: float = Field(default=0.5, ge=0, description="urllib3 exponential backoff factor.")
    http_max_retry_after_s: float = Field(default=60.0, ge=0, description="A server's Retry-After is honoured up to this many seconds.")
    h2h_top_k: int | None = Field(
        default=300, ge=2, description="Head-to-head pairs are published among the first k comparable models per lane "
                                       "(ranked first); any other pair is computed on demand. None: every pair."
    )
    h2h_retention_days: int | None = Field(
        default=None, ge=0, description="Keep head-to-head snapshots this many days back; None keeps all."
    )
    site_dir: Path | None = Field(default=None, description="After a nightly run publishes, write the report site here "
                                                             "(replaced atomically); None: no site.")
    publish_wait_s: float = Field(default=60.0, gt=0, description="How long a run waits for another run's publish, then fails.")
    max_row_drop: float = Field(
        default=0.5, ge=0, le=1, description="Fail when a table shrinks by more than this share versus the previous snapshot "
                                        "or the snapshot of the same date it would replace."
    )

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def rank_rules(self) -> RankRules:
        return RankRules(**{name: getattr(self, name) for name in RankRules.model_fields})

    @property
    def schedule(self) -> Schedule:
        return Schedule(cron=self.nightly_cron, timezone=self.nightly_timezone)

    def resolved_warehouse_url(self) -> str:
        """The warehouse URL: BENCHMART_WAREHOUSE_URL (or --warehouse), else the Prefect Secret block named by
        BENCHMART_WAREHOUSE_SECRET (credentials kept out of deployment and flow-run parameters), else SQLite."""
        if self.warehouse_url:
            return self.warehouse_url
        if self.warehouse_secret:
            from prefect.blocks.system import Secret

            try:
                return str(Secret.load(self.warehouse_secret).get())
            except Exception as exc:  # noqa: BLE001 - no such block, or no Prefect API to ask
                raise ConfigError(f"cannot read the Prefect Secret block {self.warehouse_secret!r} "
                                  f"(BENCHMART_WAREHOUSE_SECRET): {type(exc).__name__}: {str(exc)[:160]}") from None
        return f"sqlite:///{self.data_dir / 'benchmart.db'}"

"""The run record: what a run did (status, sources, rows, checks, seconds per stage), written to
ops_pipeline_run and shown as Prefect artifacts. Every run, successful or not, leaves one."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
import time

import polars as pl
from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from sqlalchemy.exc import OperationalError

from benchmart import contracts
from benchmart.errors import BenchmartError, ValidationFailed, WarehouseError
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.publish import is_lock_conflict
from benchmart.warehouse.runs import UNMATCHED, record_payloads, record_run, record_start


@dataclass
class RunResult:
    run_id: str
    flow: str
    snapshot_date: date
    warehouse_url: str
    status: str = "running"  # success | success_stale | failed_validation | failed
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    row_counts: dict[str, int] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    payloads: pl.DataFrame | None = None  # ops_raw_payload rows of the payloads used
    quarantine: pl.DataFrame = field(default_factory=lambda: contracts.empty(contracts.QUARANTINE))
    unmatched: pl.DataFrame = field(default_factory=pl.DataFrame)
    failures: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    site: str | None = None  # file:// URL of the report site's index page, when the run wrote one
    detail_of: str | None = None  # a run that quarantined the same records and met the same names (a shared backfill build)
    _open: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def quarantined(self) -> int:
        return self.quarantine.height

    @property
    def stale_sources(self) -> list[dict]:
        return [s for s in self.sources if s["status"] in contracts.STALE_STATUSES]

    def unmatched_frame(self) -> pl.DataFrame:
        return self.unmatched if self.unmatched.width else pl.DataFrame(schema=UNMATCHED)

    def unmatched_models(self) -> pl.DataFrame:
        """The unmatched model names, most rows first (benchmark names aside: they are a catalog question)."""
        return self.unmatched_frame().filter(pl.col("kind") == "model")

    @contextmanager
    def stage(self, name: str):
        """Time a stage into `stages` (seconds, rounded to ms)."""
        self._open[name] = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = round(time.perf_counter() - self._open.pop(name), 3)

    def summary(self) -> dict:
        return {
            "snapshot_date": self.snapshot_date.isoformat(), "status": self.status, "run_id": self.run_id,
            "rows": sum(v for k, v in self.row_counts.items() if k.startswith(("fct_", "mart_"))),
            "quarantined": self.quarantined, "stale": [s["source_id"] for s in self.stale_sources],
        }

    def write(self, conn) -> None:
        """The run's ops_pipeline_run row, quarantine rows and raw payload rows, inside the caller's transaction."""
        now = time.perf_counter()
        self.stages |= {name: round(now - started, 3) for name, started in self._open.items()}  # a stage still running
        if self.payloads is not None:
            record_payloads(conn, self.payloads)
        record_run(conn, self.run_id, self.flow, self.snapshot_date, self.status, self.started_at, datetime.now(timezone.utc),
                   self.row_counts, self.sources, self.stages, self.quarantine, self.unmatched_frame(), self.error,
                   detail_of=self.detail_of)

    def write_start(self, wait_s: float, migrate: bool = True) -> None:
        """The `running` row, in its own transaction (a new warehouse is created first, unless `migrate` is False: the
        caller did it): a run killed from here on leaves a trace. A run that cannot write it fails here, before
        fetching anything."""
        writer = make_engine(self.warehouse_url, writer=True, busy_timeout_ms=int(wait_s * 1000))
        try:
            if migrate:  # on SQLite the check holds the write lock, so a backfill's dates would queue for it twice
                ensure_current(writer)
            with writer.begin() as conn:
                record_start(conn, self.run_id, self.flow, self.snapshot_date, self.started_at)
        except OperationalError as exc:
            if is_lock_conflict(exc):
                raise WarehouseError(f"another run is publishing to this warehouse; the run of {self.snapshot_date} did not start "
                                     f"(waited {wait_s:g} s; try again when it has finished)") from None
            raise
        finally:
            writer.dispose()

    def write_failure(self, exc: BaseException, wait_s: float) -> None:
        """Record a failed run in its own transaction; never masks the run's own error."""
        self.status = "failed_validation" if isinstance(exc, ValidationFailed) else "failed"
        self.error = describe_error(exc)
        writer = make_engine(self.warehouse_url, writer=True, busy_timeout_ms=int(wait_s * 1000))
        try:
            with writer.begin() as conn:
                self.row_counts = {}
                self.write(conn)
        except Exception as record_error:  # noqa: BLE001 - the run's own error is the one to raise
            get_run_logger().error("could not record the failed run: %s", record_error)
        finally:
            writer.dispose()


def describe_error(exc: BaseException) -> str:
    """One line: a benchmart error as written (it names the input and the fix), others with their type."""
    return str(exc) if isinstance(exc, BenchmartError) else f"{type(exc).__name__}: {exc}"


def failure_message(future) -> str:
    """Why a Prefect future's task failed, in one line."""
    try:
        future.result()
    except Exception as exc:  # noqa: BLE001 - reported by the caller, which decides what failure means
        return describe_error(exc)
    return "unknown error"


def publish_artifacts(result: RunResult, tables: dict[str, pl.DataFrame] | None) -> None:
    """Prefect artifacts of a run: leaderboard-top, validation-summary, unmatched-names, source-freshness."""
    day = result.snapshot_date
    if tables is not None:
        board = tables["mart_leaderboard"].filter((pl.col("lane") == "provisional") & pl.col("is_ranked")).head(10)
        create_table_artifact(
            key="leaderboard-top",
            table=board.select("rank", "model_id", pl.col("overall_score").round(1), "categories_covered", "blended_usd_per_mtok").to_dicts(),
            description=f"Top 10, provisional lane, snapshot {day}",
        )
    create_markdown_artifact(key="validation-summary", markdown=validation_markdown(result), description=f"Validation, snapshot {day}")
    unmatched = pl.concat([result.unmatched_models().head(40), result.unmatched_frame().filter(pl.col("kind") == "benchmark").head(10)])
    create_table_artifact(key="unmatched-names", table=unmatched.to_dicts() or [{"note": "every name resolved"}],
                          description=f"Unmatched model names (most rows first), then benchmark names, snapshot {day}")
    create_markdown_artifact(key="source-freshness", markdown=sources_markdown(result), description=f"Sources, snapshot {day}")


def validation_markdown(result: RunResult) -> str:
    failed = [c for c in result.checks if not c["success"]]
    lines = [
        f"# Validation, snapshot {result.snapshot_date}",
        f"{len(result.checks)} expectations, {len(failed)} failed, {result.quarantined} rows quarantined.",
        "",
        "| suite | rule | passed | unexpected rows |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c['suite']} | {c['rule']} | {'yes' if c['success'] else 'NO'} | {c['unexpected']} |" for c in result.checks]
    if result.failures:
        lines += ["", "## Batch failures (nothing published)", *[f"- {f}" for f in result.failures]]
    return "\n".join(lines)


def sources_markdown(result: RunResult) -> str:
    lines = ["| source | status | records | parse rejects | error |", "|---|---|---|---|---|"]
    lines += [
        f"| {s['source_id']} | {s['status']} | {s['records_read']} | {s['parse_rejects']} | {s.get('error') or ''} |"
        for s in result.sources
    ]
    return "\n".join(lines)

"""Operational tables: the run record, quarantine, raw payloads, and what the previous snapshot held."""

from datetime import date, datetime
import json

import polars as pl
from sqlalchemy import Connection, Engine, text

from benchmart.warehouse import schema
from benchmart.warehouse.engine import dated
from benchmart.warehouse.publish import bulk_insert, upsert


def previous_counts(engine: Engine, before: date) -> dict[str, int]:
    """Rows per snapshot table in the newest snapshot before `before` (empty when there is none)."""
    counts = {}
    with engine.connect() as conn:
        for name in schema.SNAPSHOT_TABLES:
            row = conn.execute(
                dated(
                    f"SELECT count(*) FROM {name} WHERE snapshot_date = "
                    f"(SELECT max(snapshot_date) FROM {name} WHERE snapshot_date < :d)"
                ),
                {"d": before},
            ).one()
            counts[name] = int(row[0])
    return counts


def record_run(
    conn: Connection,
    run_id: str,
    flow: str,
    snapshot_date: date,
    status: str,
    started_at: datetime,
    finished_at: datetime,
    row_counts: dict,
    sources: list[dict],
    stages: dict,
    quarantine: pl.DataFrame,
    unmatched: int,
    error: str | None = None,
) -> None:
    """Write (or rewrite) the run's ops_pipeline_run row and its quarantine rows."""
    run = pl.DataFrame(
        [
            {
                "run_id": run_id,
                "flow": flow,
                "snapshot_date": snapshot_date,
                "status": status,
                "started_at": started_at,
                "finished_at": finished_at,
                "row_counts": json.dumps(row_counts, sort_keys=True),
                "sources": json.dumps(sources, sort_keys=True, default=str),
                "stages": json.dumps(stages, sort_keys=True),
                "quarantined": quarantine.height,
                "unmatched": unmatched,
                "error": error,
            }
        ]
    )
    upsert(conn, "ops_pipeline_run", run)
    conn.execute(text("DELETE FROM ops_quarantine WHERE run_id = :r"), {"r": run_id})
    bulk_insert(
        conn,
        "ops_quarantine",
        quarantine.with_row_index("seq").select(
            pl.lit(run_id).alias("run_id"),
            pl.col("seq").cast(pl.Int64),
            pl.lit(snapshot_date, pl.Date).alias("snapshot_date"),
            "source_id",
            "stage",
            "rule",
            "record",
        ),
    )


def record_payloads(conn: Connection, payloads: pl.DataFrame) -> None:
    """Upsert ops_raw_payload rows (source_id, sha256, url, bytes, path, fetched_at, last_fetched_at)."""
    upsert(conn, "ops_raw_payload", payloads)

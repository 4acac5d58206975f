"""Operational tables: the run record, quarantine, raw payloads, and what the previous snapshot held."""

from datetime import date, datetime
import json

import polars as pl
from sqlalchemy import Connection, Engine, text

from benchmart.warehouse import schema
from benchmart.warehouse.engine import dated
from benchmart.warehouse.publish import bulk_insert, dialect_insert, upsert


def previous_counts(engine: Engine, before: date) -> dict[str, int]:
    """Rows per snapshot table that a new snapshot of `before` is held against: the larger of the newest earlier
    snapshot and the snapshot of that date it would replace (so a backfill never silently empties a date)."""
    counts = {}
    with engine.connect() as conn:
        for name in schema.SNAPSHOT_TABLES:
            earlier = conn.execute(
                dated(
                    f"SELECT count(*) FROM {name} WHERE snapshot_date = "
                    f"(SELECT max(snapshot_date) FROM {name} WHERE snapshot_date < :d)"
                ),
                {"d": before},
            ).one()[0]
            replaced = conn.execute(dated(f"SELECT count(*) FROM {name} WHERE snapshot_date = :d"), {"d": before}).one()[0]
            counts[name] = max(int(earlier), int(replaced))
    return counts


UNMATCHED_RULES = ("unknown_model", "unknown_benchmark", "invisible_characters_in_name")


def aggregated_unmatched(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Records left out because their name resolved to nothing, one row per (source, stage, rule, name) instead of
    one per record: the record is {"name", "records" (how many), "example" (the first record)}. Every other rule
    keeps one row per record. (The run record's `quarantined` still counts every record.)"""
    if quarantine.is_empty():
        return quarantine
    unmatched = pl.col("rule").is_in(UNMATCHED_RULES)
    name = pl.when(pl.col("rule") == "unknown_benchmark").then(pl.col("record").str.json_path_match("$.benchmark_name")).otherwise(
        pl.col("record").str.json_path_match("$.model_name"))
    grouped = (
        quarantine.filter(unmatched).with_columns(name.alias("_name"))
        .group_by("source_id", "stage", "rule", "_name", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("records"), pl.col("record").first().alias("example"))
        .select("source_id", "stage", "rule",
                pl.struct(pl.col("_name").alias("name"), "records", "example").struct.json_encode().alias("record"))
    )
    return pl.concat([quarantine.filter(~unmatched).select("source_id", "stage", "rule", "record"), grouped])


def record_start(conn: Connection, run_id: str, flow: str, snapshot_date: date, started_at: datetime) -> None:
    """The run's ops_pipeline_run row as it starts (status `running`, no end): a run killed before it finishes
    leaves this row; the run's end rewrites it. An existing row of the run is kept as it is."""
    conn.execute(dialect_insert(conn, schema.table("ops_pipeline_run")).on_conflict_do_nothing(index_elements=["run_id"]),
                 [{"run_id": run_id, "flow": flow, "snapshot_date": snapshot_date, "status": "running", "started_at": started_at,
                   "quarantined": 0, "unmatched": 0}])


def as_json(record: str) -> str:
    """The record as JSON text (ops_quarantine.record is jsonb on PostgreSQL): a connector's raw text that is not
    JSON becomes a JSON string of itself."""
    try:
        json.loads(record)
    except ValueError:
        return json.dumps(record)
    return record


def json_records(quarantine: pl.DataFrame) -> pl.DataFrame:
    """`record` as JSON text in every row: the (rare) rows whose record is not JSON become JSON strings of it."""
    if quarantine.is_empty():
        return quarantine
    parsed = pl.col("record").str.json_path_match("$").is_not_null() | (pl.col("record") == "null")
    flagged = quarantine.with_columns(parsed.alias("_json"))
    bad = flagged.filter(~pl.col("_json"))
    if bad.is_empty():
        return quarantine
    fixed = bad.with_columns(pl.col("record").map_elements(as_json, return_dtype=pl.String))
    return pl.concat([flagged.filter(pl.col("_json")), fixed]).drop("_json")


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
    unmatched: pl.DataFrame,
    error: str | None = None,
    detail_of: str | None = None,
) -> None:
    """Write (or rewrite) the run's ops_pipeline_run row, its quarantine rows and its unmatched names.

    `unmatched`: (source_id, kind, name, rows, found_in, candidate), one row per name.
    `detail_of`: a run known to have quarantined the same records and met the same names (a backfill's dates that
    share one build): while its rows are all there, they are copied inside the database instead of sent again."""
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
                "unmatched": unmatched.height,
                "error": error,
            }
        ]
    )
    upsert(conn, "ops_pipeline_run", run)
    quarantine = json_records(aggregated_unmatched(quarantine))
    if detail_of is not None and copy_detail(conn, detail_of, run_id, snapshot_date, quarantine.height, unmatched.height):
        return
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
    record_unmatched(conn, run_id, snapshot_date, unmatched)


def copy_detail(conn: Connection, source_run: str, run_id: str, snapshot_date: date, quarantined: int, unmatched: int) -> bool:
    """Copy `source_run`'s ops_quarantine and ops_unmatched_name rows as `run_id`'s of `snapshot_date`, when it still
    has exactly as many as this run would write (a pruned or rewritten run does not): False, and nothing copied, if not."""
    if source_run == run_id:
        return False
    held = [conn.execute(text(f"SELECT count(*) FROM {name} WHERE run_id = :r"), {"r": source_run}).scalar()
            for name in ("ops_quarantine", "ops_unmatched_name")]
    if held != [quarantined, unmatched]:
        return False
    params = {"r": run_id, "src": source_run, "d": snapshot_date}
    for name in ("ops_quarantine", "ops_unmatched_name"):
        conn.execute(text(f"DELETE FROM {name} WHERE run_id = :r"), {"r": run_id})
    conn.execute(dated("INSERT INTO ops_quarantine (run_id, seq, snapshot_date, source_id, stage, rule, record) "
                       "SELECT :r, seq, :d, source_id, stage, rule, record FROM ops_quarantine WHERE run_id = :src"), params)
    # each name's first sighting computed as it is copied (one index lookup per name), not updated afterwards
    least = "least" if conn.dialect.name == "postgresql" else "min"
    conn.execute(dated(f"INSERT INTO ops_unmatched_name (run_id, source_id, kind, name, snapshot_date, rows, found_in, first_seen, "
                       f"last_seen, candidate) SELECT :r, s.source_id, s.kind, s.name, :d, s.rows, s.found_in, "
                       f"{least}(:d, (SELECT min(o.first_seen) FROM ops_unmatched_name o WHERE o.source_id = s.source_id "
                       f"AND o.kind = s.kind AND o.name = s.name)), :d, s.candidate FROM ops_unmatched_name s WHERE s.run_id = :src"), params)
    return True


def record_payloads(conn: Connection, payloads: pl.DataFrame) -> None:
    """Upsert ops_raw_payload rows (source_id, sha256, url, bytes, path, fetched_at, last_fetched_at)."""
    upsert(conn, "ops_raw_payload", payloads)


UNMATCHED = {"source_id": pl.String, "kind": pl.String, "name": pl.String, "rows": pl.Int64, "found_in": pl.String,
             "candidate": pl.String}


def record_unmatched(conn: Connection, run_id: str, snapshot_date: date, unmatched: pl.DataFrame) -> None:
    """The run's unmatched names, each with the snapshot date of the first run that met it."""
    conn.execute(text("DELETE FROM ops_unmatched_name WHERE run_id = :r"), {"r": run_id})
    if unmatched.is_empty():
        return
    day = pl.lit(snapshot_date, pl.Date)
    rows = unmatched.select(
        pl.lit(run_id).alias("run_id"), "source_id", "kind", "name", day.alias("snapshot_date"), "rows", "found_in",
        day.alias("first_seen"), day.alias("last_seen"), "candidate",
    )
    bulk_insert(conn, "ops_unmatched_name", rows)
    # then the earliest sighting of each name, this run's included: one lookup per name in
    # ix_ops_unmatched_name_first_seen, never a scan of the whole history
    conn.execute(text(
        "UPDATE ops_unmatched_name SET first_seen = (SELECT min(o.first_seen) FROM ops_unmatched_name o "
        "WHERE o.source_id = ops_unmatched_name.source_id AND o.kind = ops_unmatched_name.kind AND o.name = ops_unmatched_name.name) "
        "WHERE run_id = :r"), {"r": run_id})

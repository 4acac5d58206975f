"""Atomic snapshot publishing: every table of one snapshot_date replaced in one transaction.

A failed or killed run rolls back and leaves the previous state intact; re-publishing the same
frames gives identical rows. Bulk paths: PostgreSQL COPY (psycopg 3) fed by Polars CSV;
SQLite one executemany per table, all inside the same transaction. Never ORM row-by-row.
"""

from collections.abc import Callable
from datetime import date, timedelta
import hashlib


import polars as pl
from sqlalchemy import Connection, Date, Engine, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from benchmart.errors import WarehouseError
from benchmart.warehouse import schema
from benchmart.warehouse.engine import dated

COPY_CHUNK = 8 << 20


def publish_snapshot(
    engine: Engine,
    snapshot_date: date,
    tables: dict[str, pl.DataFrame],
    before_commit: Callable[[Connection], None] | None = None,
    h2h_retention_days: int | None = None,
    lock_wait_s: float = 60.0,
    same_as: tuple[date, str] | None = None,
) -> dict[str, int]:
    """Replace `snapshot_date` in every snapshot table of `tables`; upsert the others (dimensions). Returns rows per table.

    `before_commit` runs inside the transaction last (the run record goes there; tests inject failures).
    `h2h_retention_days` drops head-to-head snapshots older than that many days before this one.
    `same_as` (date, run id): the snapshot tables are those that run published for that date, but for their
    snapshot_date (a backfill's dates that share one build). When that date still holds exactly that run's rows,
    they are copied inside the database instead of sent again; otherwise `tables` are written as usual.
    """
    try:
        with engine.begin() as conn:
            _lock_snapshot(conn, snapshot_date, lock_wait_s)
            order = {m.__tablename__: i for i, m in enumerate(schema.MODELS)}  # dimensions before what refers to them
            for name in sorted((n for n in tables if n not in schema.SNAPSHOT_TABLES), key=lambda n: order.get(n, len(order))):
                upsert(conn, name, tables[name])
            counts, swaps = {}, []
            parts = partition_schema(conn) if conn.dialect.name == "postgresql" else None
            twin = same_as[0] if same_as and same_as[0] != snapshot_date and _holds(conn, *same_as, tables) else None
            for name in schema.SNAPSHOT_TABLES:
                if name not in tables:
                    continue
                if parts is not None:
                    swaps.append(_load_partition(conn, parts, name, snapshot_date, tables[name], twin))
                else:
                    conn.execute(dated(f"DELETE FROM {name} WHERE snapshot_date = :d"), {"d": snapshot_date})
                    if twin is None:
                        bulk_insert(conn, name, tables[name])
                    else:
                        copy_snapshot(conn, name, name, twin, snapshot_date)
                counts[name] = tables[name].height
            if h2h_retention_days is not None:
                prune_head_to_head(conn, snapshot_date - timedelta(days=h2h_retention_days))
            if before_commit is not None:
                before_commit(conn)
            for swap in swaps:  # last: the swap takes the parent's exclusive lock only for a moment before commit
                try:
                    _swap_partition(conn, parts, *swap)
                except OperationalError as exc:
                    raise _held_by_readers(engine, parts, swap[0], snapshot_date, lock_wait_s) or exc
        return counts
    except WarehouseError:
        raise
    except OperationalError as exc:
        if is_lock_conflict(exc):
            raise WarehouseError(
                f"another run is publishing to this warehouse; snapshot {snapshot_date} was not written "
                "(try again when it has finished)"
            ) from None
        raise


HEAD_TO_HEAD_TABLES = ("mart_head_to_head", "mart_head_to_head_category")


def partition_name(table_name: str, day: date) -> str:
    return f"{table_name}_p{day:%Y%m%d}"


def is_lock_conflict(exc: OperationalError) -> bool:
    """The database refused because another transaction holds a lock (SQLite busy, a PostgreSQL lock timeout)."""
    return "locked" in str(exc).lower() or "lock" in str(exc.orig).lower()


def dialect_insert(conn: Connection, tbl):
    """INSERT with the dialect's ON CONFLICT clauses (PostgreSQL or SQLite)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(tbl)


def partition_schema(conn: Connection) -> str:
    """PostgreSQL: the schema that holds the snapshot partitions (quoted), beside the warehouse's own schema, so BI
    tools list one table per concept (migration 0012 creates it)."""
    return _quoted(conn.exec_driver_sql("SELECT current_schema()").scalar() + "_partitions")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _holds(conn: Connection, day: date, run_id: str, tables: dict[str, pl.DataFrame]) -> bool:
    """Whether `day` is still as run `run_id` published it: that run is the date's latest successful run, and each
    snapshot table holds as many rows for it as `tables` has (head-to-head retention may have dropped some)."""
    latest = conn.execute(dated("SELECT run_id FROM ops_pipeline_run WHERE snapshot_date = :d AND status LIKE 'success%' "
                                "ORDER BY finished_at DESC LIMIT 1"), {"d": day}).scalar()
    if latest != run_id:
        return False
    return all(conn.execute(dated(f"SELECT count(*) FROM {name} WHERE snapshot_date = :d"), {"d": day}).scalar() == tables[name].height
               for name in schema.SNAPSHOT_TABLES if name in tables)


def copy_snapshot(conn: Connection, target: str, name: str, from_day: date, day: date) -> None:
    """Copy `name`'s rows of `from_day` into `target` (the table or its staging twin) as the rows of `day`."""
    columns = [c.name for c in schema.table(name).columns]
    picked = ", ".join(":day" if c == "snapshot_date" else c for c in columns)
    conn.execute(text(f"INSERT INTO {target} ({', '.join(columns)}) SELECT {picked} FROM {name} WHERE snapshot_date = :d")
                 .bindparams(bindparam("d", type_=Date), bindparam("day", type_=Date)), {"d": from_day, "day": day})


def _load_partition(conn: Connection, parts: str, name: str, day: date, frame: pl.DataFrame,
                    twin: date | None = None) -> tuple[str, date, str]:
    """PostgreSQL: COPY the snapshot into a new, index-free table shaped like the partition it will become (or copy
    the rows of `twin`, an identical snapshot, inside the database).

    The CHECK constraint lets ATTACH skip its validation scan; indexes are built once, on attach,
    which is much cheaper than maintaining them row by row over a DELETEd snapshot.
    """
    staging = partition_name(name, day) + "_new"
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {parts}.{staging}")
    conn.exec_driver_sql(f"CREATE TABLE {parts}.{staging} (LIKE {name} INCLUDING DEFAULTS)")
    conn.exec_driver_sql(
        f"ALTER TABLE {parts}.{staging} ADD CONSTRAINT {staging}_in_snapshot CHECK (snapshot_date = DATE '{day.isoformat()}')"
    )
    if twin is None:
        bulk_insert(conn, f"{parts}.{staging}", frame, columns_of=name)
    else:
        copy_snapshot(conn, f"{parts}.{staging}", name, twin, day)
    return name, day, staging


def _swap_partition(conn: Connection, parts: str, name: str, day: date, staging: str) -> None:
    part = partition_name(name, day)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {parts}.{part}")
    conn.exec_driver_sql(f"ALTER TABLE {name} ATTACH PARTITION {parts}.{staging} FOR VALUES IN ('{day.isoformat()}')")
    conn.exec_driver_sql(f"ALTER TABLE {parts}.{staging} RENAME TO {part}")
    conn.exec_driver_sql(f"ALTER TABLE {parts}.{part} RENAME CONSTRAINT {staging}_in_snapshot TO {part}_in_snapshot")


def _held_by_readers(engine: Engine, parts: str, name: str, day: date, waited_s: float) -> WarehouseError | None:
    """PostgreSQL: when replacing a snapshot's partition (in the schema `parts`, quoted) timed out, who holds it
    (readers with an open transaction that read it); None when nobody does (then the original error stands)."""
    with engine.connect() as conn:
        holders = conn.execute(text("""
            SELECT DISTINCT a.pid, coalesce(nullif(a.application_name, ''), a.usename) AS who, a.state, a.xact_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.relation = to_regclass(:part) AND l.granted AND a.pid <> pg_backend_pid() ORDER BY a.pid"""),
            {"part": f"{parts}.{partition_name(name, day)}"}).all()
    if not holders:
        return None
    who = "; ".join(f"pid {pid} ({app}, {state}, transaction open since {start:%H:%M:%S})" for pid, app, state, start in holders)
    return WarehouseError(
        f"snapshot {day} was not replaced: {len(holders)} reader transaction(s) still hold its {name} partition and did "
        f"not finish within {waited_s:g} s: {who}. Nothing was written. End those transactions (a BI tool's open "
        f"session; pg_terminate_backend(pid) ends one) and run again, or raise BENCHMART_PUBLISH_WAIT_S"
    )


def prune_head_to_head(conn: Connection, older_than: date) -> int:
    """Remove head-to-head snapshots dated before `older_than` (the largest tables); returns rows removed.

    PostgreSQL drops whole partitions; SQLite deletes the rows."""
    removed = 0
    for name in HEAD_TO_HEAD_TABLES:
        removed += conn.execute(dated(f"SELECT count(*) FROM {name} WHERE snapshot_date < :d"), {"d": older_than}).scalar() or 0
        if conn.dialect.name == "postgresql":
            for home, part in conn.execute(text(_PARTITIONS), {"t": name}).fetchall():
                if part[-8:].isdigit() and part[-8:] < f"{older_than:%Y%m%d}":
                    conn.exec_driver_sql(f"DROP TABLE {_quoted(home)}.{_quoted(part)}")
        else:
            conn.execute(dated(f"DELETE FROM {name} WHERE snapshot_date < :d"), {"d": older_than})
    return removed


OPS_DETAIL_TABLES = ("ops_quarantine", "ops_unmatched_name")


def prune_ops(conn: Connection, older_than: date | None = None, superseded: bool = True) -> int:
    """Remove the per-run detail of ops_quarantine and ops_unmatched_name (the run records themselves stay): of runs
    superseded by a later run of the same snapshot date, and of snapshot dates before `older_than`; returns rows
    removed."""
    keep_latest = """run_id IN (SELECT r.run_id FROM ops_pipeline_run r WHERE EXISTS (
        SELECT 1 FROM ops_pipeline_run n WHERE n.snapshot_date = r.snapshot_date AND n.started_at > r.started_at))"""
    removed = 0
    for name in OPS_DETAIL_TABLES:
        if superseded:
            removed += conn.execute(text(f"DELETE FROM {name} WHERE {keep_latest}")).rowcount or 0
        if older_than is not None:
            removed += conn.execute(dated(f"DELETE FROM {name} WHERE snapshot_date < :d"), {"d": older_than}).rowcount or 0
    return removed


_PARTITIONS = """
    SELECT c.relnamespace::regnamespace::text, c.relname FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = :t AND p.relnamespace = to_regnamespace(current_schema())
"""


PUBLISH_LOCK = int.from_bytes(hashlib.sha256(b"benchmart:publish").digest()[:8], "big", signed=True)


def _lock_snapshot(conn: Connection, snapshot_date: date, wait_s: float) -> None:
    """One publisher at a time per warehouse (the dates of a backfill compute in parallel and publish in turn).

    PostgreSQL: a transaction-scoped advisory lock (waits up to lock_timeout). Per warehouse, not per date: each
    publish upserts the dimensions and attaches partitions whose foreign keys lock those dimensions, so two dates
    publishing at once would deadlock. SQLite: BEGIN IMMEDIATE already holds the database's write lock.
    """
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_s * 1000)}ms'")
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PUBLISH_LOCK})
    except OperationalError as exc:
        raise WarehouseError(
            f"another run is publishing to this warehouse; snapshot {snapshot_date} waited {wait_s:g} s and was not written "
            "(try again when it has finished)"
        ) from exc


def upsert(conn: Connection, name: str, frame: pl.DataFrame) -> None:
    """Insert or update rows by primary key, with the dialect's ON CONFLICT."""
    if frame.is_empty():
        return
    tbl = schema.table(name)
    frame = frame.select([c.name for c in tbl.columns])
    keys = [c.name for c in tbl.primary_key.columns]
    stmt = dialect_insert(conn, tbl)
    updates = {c.name: stmt.excluded[c.name] for c in tbl.columns if c.name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates), frame.to_dicts())


def bulk_insert(conn: Connection, name: str, frame: pl.DataFrame, columns_of: str | None = None) -> None:
    """Fast path per engine; `columns_of` names the schema table whose columns `name` has (a staging twin)."""
    if frame.is_empty():
        return
    columns = [c.name for c in schema.table(columns_of or name).columns]
    missing = set(columns) - set(frame.columns)
    if missing:
        raise WarehouseError(f"{name}: frame lacks columns {sorted(missing)}")
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        table = schema.table(columns_of or name)
        _copy_postgres(conn, name, frame, frozenset(c.name for c in table.columns if isinstance(c.type, schema.JsonText)))
    else:
        _executemany_sqlite(conn, name, frame)


def _copy_postgres(conn: Connection, name: str, frame: pl.DataFrame, json_columns: frozenset[str] = frozenset()) -> None:
    """COPY in chunks. PostgreSQL's text refuses the NUL character and jsonb also its escape: both become U+FFFD."""
    def safe(c: str) -> pl.Expr:
        text = pl.col(c).str.replace_all("\x00", "\ufffd", literal=True)
        return text.str.replace_all("\\u0000", "\\ufffd", literal=True) if c in json_columns else text

    frame = frame.with_columns([safe(c) for c, t in frame.schema.items() if t == pl.String])
    cols = ", ".join(frame.columns)
    raw = conn.connection.driver_connection  # the psycopg connection of this very transaction
    payload = frame.write_csv(include_header=False).encode()  # tz-aware datetimes carry their offset
    with raw.cursor() as cur, cur.copy(f"COPY {name} ({cols}) FROM STDIN (FORMAT csv)") as copy:
        view = memoryview(payload)
        for start in range(0, len(view), COPY_CHUNK):
            copy.write(view[start : start + COPY_CHUNK])


def _executemany_sqlite(conn: Connection, name: str, frame: pl.DataFrame) -> None:
    as_text = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
        + [pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S.%6f") for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
        + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
    )
    marks = ", ".join("?" for _ in frame.columns)
    conn.exec_driver_sql(f"INSERT INTO {name} ({', '.join(frame.columns)}) VALUES ({marks})", as_text.rows())

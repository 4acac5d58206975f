"""Engines. SQLite gets WAL (BI readers never block the run) and truly transactional DDL/DML.

pysqlite does not open transactions the way SQLAlchemy expects, so we follow SQLAlchemy's
documented recipe: autocommit at the driver, and emit BEGIN ourselves. Writers use
BEGIN IMMEDIATE, so a second publisher waits (busy_timeout) and then fails clearly.
"""

from pathlib import Path

from sqlalchemy import Date, Engine, TextClause, bindparam, create_engine, event, text
from sqlalchemy.engine import make_url

from benchmart.errors import WarehouseError
from benchmart.redact import redacted_url, scrub

SQLITE_BUSY_TIMEOUT_MS = 30_000


def dated(sql: str) -> TextClause:
    """`sql` with its `:d` parameter bound as a DATE, so SQLite (dates stored as text) and PostgreSQL compare alike
    and the driver never has to guess how to adapt a Python date."""
    return text(sql).bindparams(bindparam("d", type_=Date))


def make_engine(url: str, writer: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, read_only: bool = False) -> Engine:
    """An engine for the warehouse at `url`. `read_only` (the read commands): a SQLite file that does not exist is an
    error, never created (nor its folder), and a read-only file is read without changing its journal mode."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises several types for a bad URL
        raise WarehouseError(f"invalid warehouse URL {redacted_url(url)!r}: {scrub(str(exc), url)}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            if read_only and not Path(parsed.database).is_file():
                raise WarehouseError(f"no warehouse at {parsed.database}: run `benchmart run` first (or pass --warehouse)")
            if not read_only:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})
        _sqlite_recipe(engine, writer, busy_timeout_ms, set_wal=not read_only)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
        event.listen(engine, "connect", _jsonb_as_text)
        return engine
    raise WarehouseError(f"unsupported warehouse {parsed.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://")


def _jsonb_as_text(dbapi_conn, _record) -> None:
    """jsonb columns come back as their JSON text, as on SQLite (readers decode where they need to)."""
    from psycopg.types.string import TextLoader

    dbapi_conn.adapters.register_loader("jsonb", TextLoader)


def _sqlite_recipe(engine: Engine, writer: bool, busy_timeout_ms: int, set_wal: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if set_wal:  # the writer sets WAL once, and it persists in the file; a reader of a read-only file cannot set it
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

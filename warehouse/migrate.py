"""Schema migrations with Alembic: `benchmart warehouse upgrade`, and a check before every run."""

from functools import cache
from pathlib import Path
import re
import threading

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from benchmart.errors import WarehouseError
from benchmart.warehouse.engine import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"
_ALEMBIC = threading.Lock()  # alembic keeps its running context in module globals
_PARTITION = re.compile(r"_p\d{8}(_new)?$")
MIGRATION_LOCK = 0x62656E63  # the advisory lock key that serializes migrations ("benc")


def is_partition(table_name: str) -> bool:
    return bool(_PARTITION.search(table_name or ""))


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def head() -> str:
    """The newest revision; the scripts ship with the code, so it is read once per process (not per run or date)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply pending migrations in one transaction; returns (before, after)."""
    writer = make_engine(engine.url.render_as_string(hide_password=False), writer=True)
    try:
        with _ALEMBIC:
            before = current(writer)
            cfg = _config()
            with writer.begin() as conn:  # SQLite: BEGIN IMMEDIATE, so concurrent first runs queue here
                if writer.dialect.name == "postgresql":  # PostgreSQL: one migrating process at a time, per database
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if writer.dialect.name == "postgresql" and revision == "head":  # the dictionary describes the newest schema
                    describe(conn)
            return before, current(writer)
    finally:
        writer.dispose()


def describe(conn) -> None:
    """Table, column and view comments from the data dictionary (PostgreSQL): idempotent, applied with every upgrade."""
    from psycopg import sql

    from benchmart.warehouse.dictionary import comments

    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        for kind, name, column, text in comments():
            target = sql.SQL("{}.{}").format(sql.Identifier(name), sql.Identifier(column)) if column else sql.Identifier(name)
            cur.execute(sql.SQL("COMMENT ON {} {} IS {}").format(sql.SQL(kind), target, sql.Literal(text)))


def ensure_current(engine: Engine) -> None:
    """A new, empty warehouse is created at head; an out-of-date one is refused with what to do."""
    rev = current(engine)
    if rev is None and not inspect(engine).has_table("mart_leaderboard"):
        upgrade(engine)
        return
    want = head()
    if rev != want:
        where = engine.url.render_as_string(hide_password=True)
        raise WarehouseError(
            f"the warehouse schema is at revision {rev or 'none (unversioned)'} but this benchmart needs {want}; "
            f"run `benchmart warehouse upgrade --warehouse {where}` first (nothing was written)"
        )

"""Alembic migrations on both engines: the schema in code equals the migrated schema; old warehouses upgrade."""

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
import pytest
import sqlalchemy as sa
from sqlalchemy import inspect
from sqlmodel import SQLModel

from benchmart.errors import WarehouseError
from benchmart.warehouse import migrate
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.publish import publish_snapshot
from benchmart.warehouse.read import table_at

from .test_publish import board, dims


def test_a_new_warehouse_is_created_at_head_and_matches_the_models(warehouse_url):
    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": lambda name, type_, _: not (type_ == "table" and migrate.is_partition(name))}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata)
    comments = ("modify_comment", "add_table_comment", "remove_table_comment")  # applied from the dictionary, not the models
    diff = [d for d in diff if not (isinstance(d, list) and d and d[0][0] in comments) and not (isinstance(d, tuple) and d[0] in comments)]
    assert diff == []
    assert {"v_leaderboard_latest", "v_head_to_head_latest", "v_model_rank_history"} <= set(inspect(engine).get_view_names())
    engine.dispose()


def test_an_old_warehouse_is_refused_until_upgraded_and_keeps_its_data(warehouse_url):
    engine = make_engine(warehouse_url, writer=True)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:  # rows as benchmart 0.1 wrote them, in the 0001 columns
        old = sa.Table("mart_leaderboard", sa.MetaData(), autoload_with=conn)
        for name, frame in dims().items():  # the dimensions those rows refer to
            dim = sa.Table(name, sa.MetaData(), autoload_with=conn)
            conn.execute(dim.insert(), frame.select([c.name for c in dim.columns]).to_dicts())
        for day, n, score in ((date(2026, 11, 1), 3, 90.0), (date(2026, 11, 2), 2, 80.0)):
            rows = board(day, n, score).drop("variants", "stale_sources").to_dicts()
            conn.execute(old.insert(), rows)
    with pytest.raises(WarehouseError, match=r"revision 0001 .* run `benchmart warehouse upgrade"):
        ensure_current(engine)
    before, after = migrate.upgrade(engine)
    assert (before, after) == ("0001", migrate.head())
    ensure_current(engine)  # now current: no error
    assert table_at(engine, "mart_leaderboard", date(2026, 11, 1)).height == 3
    publish_snapshot(engine, date(2026, 11, 2), {"mart_leaderboard": board(date(2026, 11, 2), 4, 70.0)})
    assert table_at(engine, "mart_leaderboard", date(2026, 11, 2)).height == 4
    assert table_at(engine, "mart_leaderboard").height == 7
    assert "v_model_rank_history" in inspect(engine).get_view_names()
    engine.dispose()


def test_migrations_downgrade_cleanly(warehouse_url):
    engine = make_engine(warehouse_url, writer=True)
    migrate.upgrade(engine)
    from alembic import command

    cfg = migrate._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not inspect(engine).has_table("mart_leaderboard")
    engine.dispose()


@pytest.mark.fault('4 concurrent first runs on an empty warehouse', 'every one succeeds, schema created once')
def test_concurrent_first_runs_create_the_schema_once(warehouse_url, tmp_path):
    """Four processes bootstrap one empty warehouse at once: every one succeeds, the schema is created once."""
    import subprocess
    import sys

    code = ("import sys; from benchmart.warehouse.engine import make_engine; from benchmart.warehouse.migrate import ensure_current; "
            "ensure_current(make_engine(sys.argv[1]))")
    procs = [subprocess.Popen([sys.executable, "-c", code, warehouse_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(rc == 0 for rc, _ in results), [err[-800:] for rc, err in results if rc]
    from benchmart.warehouse.engine import make_engine
    from benchmart.warehouse.migrate import current, head

    assert current(make_engine(warehouse_url)) == head()


def test_postgresql_carries_the_data_dictionary_as_comments(pg_url):
    from sqlalchemy import inspect

    from benchmart.warehouse.engine import make_engine
    from benchmart.warehouse.migrate import ensure_current
    from benchmart.warehouse.schema import MODELS

    engine = make_engine(pg_url, writer=True)
    ensure_current(engine)
    inspector = inspect(engine)
    missing = [(m.__tablename__, c["name"]) for m in MODELS for c in inspector.get_columns(m.__tablename__) if not c.get("comment")]
    assert missing == []
    assert all(inspector.get_table_comment(m.__tablename__)["text"] for m in MODELS)
    engine.dispose()


def test_reads_map_every_reflected_column_to_the_type_the_models_declare(warehouse_url):
    """table_at reflects a table's columns from the warehouse (cheaper than building the SQLModel classes in a read
    command); the Polars types must be the ones the models' columns give, on both engines."""
    from benchmart.warehouse import schema
    from benchmart.warehouse.read import polars_schema, reflected

    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    try:
        for name in sorted(SQLModel.metadata.tables):
            assert polars_schema(reflected(engine, name)) == polars_schema(schema.table(name)), name
        with pytest.raises(WarehouseError, match="no table nope"):
            reflected(engine, "nope")
    finally:
        engine.dispose()

"""What BI tools read from the warehouse itself: foreign keys, one table per concept, jsonb, rounding without casts."""

from datetime import date, datetime, timezone
import json

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy import inspect, text

from benchmart.warehouse import migrate, schema
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.publish import publish_snapshot
from benchmart.warehouse.read import table_at

from .test_publish import D1, D2, _h2h, board, dims, engine  # noqa: F401 - `engine` is the fixture: a warehouse with the dimensions

DIMENSIONS = {"dim_model", "dim_benchmark", "dim_category", "dim_source"}


def test_every_fact_and_mart_declares_its_foreign_keys_to_the_dimensions(engine):
    inspector = inspect(engine)
    found = {(t, tuple(fk["constrained_columns"]), fk["referred_table"]) for t in schema.SNAPSHOT_TABLES + ["dim_benchmark"]
             for fk in inspector.get_foreign_keys(t)}
    assert {("fct_benchmark_observation", ("model_id",), "dim_model"), ("fct_benchmark_observation", ("benchmark_id",), "dim_benchmark"),
            ("fct_benchmark_observation", ("source_id",), "dim_source"), ("mart_category_score", ("category_id",), "dim_category"),
            ("mart_head_to_head", ("model_a_id",), "dim_model"), ("mart_head_to_head", ("model_b_id",), "dim_model"),
            ("mart_head_to_head", ("swing_benchmark_id",), "dim_benchmark"), ("dim_benchmark", ("category_id",), "dim_category")} <= found
    assert {t for t in schema.SNAPSHOT_TABLES if not any(f[0] == t for f in found)} == set()  # every snapshot table has some
    assert {f[2] for f in found} == DIMENSIONS


def test_a_mart_row_whose_model_is_not_in_the_catalog_is_refused_and_nothing_is_written(engine):
    stray = board(D2, 2, 80.0).with_columns(model_id=pl.Series(["m000", "not-a-model"]))
    with pytest.raises(sa.exc.IntegrityError):
        publish_snapshot(engine, D2, {"mart_leaderboard": stray})
    assert table_at(engine, "mart_leaderboard", D2).height == 0


def test_an_old_warehouse_with_rows_outside_its_dimensions_is_refused_with_the_rows_counted(warehouse_url):
    engine = make_engine(warehouse_url, writer=True)
    migrate.upgrade(engine, "0011")
    publish_snapshot(engine, D1, dims())
    with engine.begin() as conn:  # a row some other tool wrote, with no dim_model row
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("CREATE TABLE mart_leaderboard_p20261128 PARTITION OF mart_leaderboard FOR VALUES IN ('2026-11-28')")
        conn.execute(sa.Table("mart_leaderboard", sa.MetaData(), autoload_with=conn).insert(),
                     board(D2, 1, 50.0).with_columns(model_id=pl.lit("orphan")).to_dicts())
    with pytest.raises(RuntimeError, match=r"mart_leaderboard.model_id: 1 rows without a dim_model row.*warehouse upgrade"):
        migrate.upgrade(engine)
    assert migrate.current(engine) == "0011"  # nothing changed
    engine.dispose()


def test_postgresql_lists_one_table_per_concept_partitions_live_in_their_own_schema(pg_url):
    engine = make_engine(pg_url, writer=True)
    migrate.upgrade(engine, "0011")  # a warehouse from before: its partitions sit in the default schema
    publish_snapshot(engine, D1, dims())
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE mart_leaderboard_p20261127 PARTITION OF mart_leaderboard FOR VALUES IN ('2026-11-27')")
        conn.execute(sa.Table("mart_leaderboard", sa.MetaData(), autoload_with=conn).insert(), board(D1, 3, 90.0).to_dicts())
    assert any(migrate.is_partition(t) for t in inspect(engine).get_table_names())
    migrate.upgrade(engine)
    for day in (D1, D2, date(2026, 11, 29)):
        publish_snapshot(engine, day, {"mart_leaderboard": board(day, 3, 90.0), "mart_head_to_head": _h2h(day)}, h2h_retention_days=1)
    inspector = inspect(engine)
    home = inspector.default_schema_name
    tables = inspector.get_table_names()
    assert [t for t in tables if migrate.is_partition(t)] == []
    assert set(tables) >= {m.__tablename__ for m in schema.MODELS}
    parts = inspector.get_table_names(schema=f"{home}_partitions")
    assert "mart_leaderboard_p20261127" in parts and "mart_leaderboard_p20261129" in parts
    assert "mart_head_to_head_p20261127" not in parts and "mart_head_to_head_p20261129" in parts  # retention still drops
    assert table_at(engine, "mart_leaderboard").height == 9
    engine.dispose()


def test_postgresql_rounds_float_columns_without_a_cast_and_stores_json_as_jsonb(pg_url):
    engine = make_engine(pg_url, writer=True)
    ensure_current(engine)
    publish_snapshot(engine, D1, {**dims(), "mart_leaderboard": board(D1, 3, 90.0)})
    with engine.connect() as conn:
        rounded = conn.execute(text("SELECT round(overall_score, 1) AS s, round(ttft_s, 1) AS t FROM mart_leaderboard ORDER BY 1 DESC")).all()
        kinds = dict(conn.execute(text(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('jsonb', 'text') AND column_name IN "
            "('aliases', 'field_sources', 'row_counts', 'sources', 'stages', 'record')")).all())
    assert [(float(s), float(t)) for s, t in rounded] == [(90.0, 0.8), (89.9, 0.8), (89.8, 0.8)]
    assert set(kinds.values()) == {"jsonb"} and len(kinds) == 6
    engine.dispose()


def test_json_columns_read_back_as_json_text_and_nul_characters_never_break_a_publish(warehouse_url):
    from benchmart.warehouse.runs import record_run

    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    model = dims()["dim_model"].head(1).with_columns(aliases=pl.lit('["GPT\\u0000 mini", "gpt-4.1-mini"]'),
                                                      field_sources=pl.lit('{"vendor": "curated"}'))
    quarantine = pl.DataFrame({"source_id": ["litellm", "litellm"], "stage": ["parse", "parse"], "rule": ["bad_row", "bad_row"],
                               "record": ['{"citation": "https://x\\u0000y"}', "not json at all"]})
    unmatched = pl.DataFrame(schema={"source_id": pl.String, "kind": pl.String, "name": pl.String, "rows": pl.Int64,
                                     "found_in": pl.String, "candidate": pl.String})
    now = datetime(2026, 11, 29, tzinfo=timezone.utc)
    publish_snapshot(engine, D1, {**dims(), "dim_model": model}, before_commit=lambda conn: record_run(
        conn, "run-1", "nightly", D1, "success", now, now, {"mart_leaderboard": 0}, [{"source_id": "litellm", "status": "fresh"}],
        {"publish": 0.1}, quarantine, unmatched))
    aliases = table_at(engine, "dim_model", model_id="m000")["aliases"][0]
    assert isinstance(aliases, str) and json.loads(aliases)[1] == "gpt-4.1-mini"
    records = sorted(table_at(engine, "ops_quarantine")["record"].to_list())
    assert all(isinstance(r, str) for r in records)
    decoded = [json.loads(r) for r in records]
    nul = "\ufffd" if engine.dialect.name == "postgresql" else "\x00"  # PostgreSQL stores no NUL character
    assert "not json at all" in decoded and {"citation": f"https://x{nul}y"} in decoded
    run = table_at(engine, "ops_pipeline_run").row(0, named=True)
    assert json.loads(run["sources"]) == [{"source_id": "litellm", "status": "fresh"}]
    engine.dispose()

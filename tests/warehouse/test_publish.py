"""Publishing on both engines (SQLite always; PostgreSQL when reachable, else skipped with the reason)."""

from contextlib import contextmanager
from datetime import date
import threading
import time

import polars as pl
import pytest

from benchmart.errors import WarehouseError
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.publish import publish_snapshot
from benchmart.warehouse.read import table_at

D1, D2, D3 = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)


def board(day: date, n: int, score: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "snapshot_date": [day] * n,
            "lane": ["provisional"] * n,
            "model_id": [f"m{i:03d}" for i in range(n)],
            "overall_score": [score - i * 0.1 for i in range(n)],
            "rank": list(range(1, n + 1)),
            "is_ranked": [True] * n,
            "categories_covered": [3] * n,
            "weight_covered": [0.5] * n,
            "input_usd_per_mtok": [0.4] * (n - 1) + [None],
            "output_usd_per_mtok": [1.6] * (n - 1) + [None],
            "blended_usd_per_mtok": [0.7] * (n - 1) + [None],
            "mean_usd_per_mtok": [1.0] * (n - 1) + [None],
            "price_source_id": ["litellm"] * (n - 1) + [None],
            "price_provider": ["openai"] * (n - 1) + [None],
            "price_rule": ["first_party"] * (n - 1) + [None],
            "price_offers": [2] * (n - 1) + [None],
            "has_free_tier": [False] * (n - 1) + [True],
            "output_tokens_per_s": [80.0] * n,
            "ttft_s": [0.76] * n,
            "runtime_source_id": ["benchmart-runtime"] * n,
            "runtime_suspect": [False] * n,
            "context_window_tokens": [262144] * n,
            "is_reasoning": [True, False] * (n // 2) + [None] * (n % 2),
            "variants": (["high", ""] + [None] * n)[:n],  # an empty string must stay an empty string, not NULL
            "stale_sources": [None] * (n - 1) + ["litellm"],
            "benchmarks_covered": [9] * n,
            "unranked_reason": [None] * n,
            "overall_low": [score - i * 0.1 - 5 for i in range(n)],
            "overall_high": [score - i * 0.1 + 5 for i in range(n)],
            "rank_low": [max(1, i - 1) for i in range(1, n + 1)],
            "rank_high": [i + 2 for i in range(1, n + 1)],
            "rank_upper_bound": [1] * n,
            "tie_group": [1] * n,
            "index_score": [score - i * 0.2 for i in range(n)],
            "index_low": [score - i * 0.2 - 3 for i in range(n)],
            "index_high": [score - i * 0.2 + 3 for i in range(n)],
            "index_rank": list(range(1, n + 1)),
        },
        schema_overrides={"unranked_reason": pl.String},
    )


def dims(models: int = 20) -> dict[str, pl.DataFrame]:
    """The dimension rows the facts and marts here refer to (the warehouse's foreign keys want them)."""
    model_ids = [f"m{i:03d}" for i in range(models)] + ["a", "b"]
    return {
        "dim_category": pl.DataFrame({"category_id": ["coding"], "display_name": ["Coding"], "weight": [1.0], "min_benchmarks": [None]},
                                     schema_overrides={"min_benchmarks": pl.Int64}),
        "dim_model": pl.DataFrame({"model_id": model_ids, "display_name": model_ids, "vendor": ["test"] * len(model_ids)}).with_columns(
            [pl.lit(None, t).alias(c) for c, t in (("family", pl.String), ("is_reasoning", pl.Boolean), ("context_window_tokens", pl.Int64),
             ("max_output_tokens", pl.Int64), ("open_weights", pl.Boolean), ("release_date", pl.Date), ("origin", pl.String),
             ("aliases", pl.String), ("field_sources", pl.String))]),
        "dim_source": pl.DataFrame({"source_id": ["litellm", "benchmart-runtime"], "kind": ["prices", "runtime"], "format": ["litellm", "csv"],
                                    "url": ["file:///x", "file:///y"], "license": [None, None], "priority": [1, 1],
                                    "provenance_default": ["unverified"] * 2, "on_failure": ["use_last_good"] * 2},
                                   schema_overrides={"license": pl.String}),
    }


@pytest.fixture()
def engine(warehouse_url):
    e = make_engine(warehouse_url, writer=True)
    ensure_current(e)
    publish_snapshot(e, D1, dims())
    yield e
    e.dispose()


def publish(engine, day, n, score, **kw):
    return publish_snapshot(engine, day, {"mart_leaderboard": board(day, n, score)}, **kw)


@contextmanager
def publisher_held_before_commit(engine, day, n, score, on_release=None):
    """A publish running in another thread, stopped inside its transaction until the block ends."""
    inside, release = threading.Event(), threading.Event()

    def hold(conn):
        inside.set()
        assert release.wait(10)
        if on_release:
            on_release()

    writer = threading.Thread(target=publish, args=(engine, day, n, score), kwargs={"before_commit": hold})
    writer.start()
    assert inside.wait(10)
    try:
        yield
    finally:
        release.set()
        writer.join(10)


def test_publishing_round_trips_values_nulls_and_empty_strings(engine):
    publish(engine, D1, 5, 90.0)
    got = table_at(engine, "mart_leaderboard", D1).sort("model_id")
    expected = board(D1, 5, 90.0)
    assert sorted(got.columns) == sorted(expected.columns)
    assert got.equals(expected.select(got.columns).cast(got.schema))  # columns in the warehouse table's order


def test_publishing_a_date_again_replaces_it_and_leaves_other_dates(engine):
    publish(engine, D1, 5, 90.0)
    publish(engine, D2, 4, 80.0)
    publish(engine, D2, 3, 70.0)
    publish(engine, D2, 3, 70.0)
    assert table_at(engine, "mart_leaderboard", D1).height == 5
    again = table_at(engine, "mart_leaderboard", D2).sort("model_id")
    assert again.height == 3 and again["overall_score"].max() == 70.0


def test_a_publish_that_fails_half_way_leaves_the_previous_snapshot(engine):
    publish(engine, D2, 4, 80.0)

    def explode(conn):
        raise RuntimeError("killed mid-publish")

    with pytest.raises(RuntimeError, match="killed"):
        publish(engine, D2, 9, 10.0, before_commit=explode)
    kept = table_at(engine, "mart_leaderboard", D2)
    assert kept.height == 4 and kept["overall_score"].max() == 80.0


def test_a_reader_during_publish_sees_the_old_snapshot_then_the_new_one(engine, warehouse_url):
    publish(engine, D2, 4, 80.0)
    reader = make_engine(warehouse_url)
    with publisher_held_before_commit(engine, D2, 7, 60.0):
        during = table_at(reader, "mart_leaderboard", D2)
    after = table_at(reader, "mart_leaderboard", D2)
    reader.dispose()
    assert (during.height, during["overall_score"].max()) == (4, 80.0)
    assert (after.height, after["overall_score"].max()) == (7, 60.0)


def test_two_publishes_of_one_date_serialize(engine, warehouse_url):
    order: list[str] = []
    second_engine = make_engine(warehouse_url, writer=True)
    second = threading.Thread(target=lambda: (publish(second_engine, D2, 6, 50.0), order.append("second committed")))
    with publisher_held_before_commit(engine, D2, 4, 80.0, on_release=lambda: order.append("first committed")):
        second.start()
        time.sleep(0.5)
        assert order == []  # the second waits for the first
    second.join(20)
    second_engine.dispose()
    assert order == ["first committed", "second committed"]
    final = table_at(engine, "mart_leaderboard", D2)
    assert final.height == 6 and final["overall_score"].max() == 50.0


def test_sqlite_publisher_gives_up_after_a_bounded_wait_with_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    holder = make_engine(url, writer=True)
    ensure_current(holder)
    publish_snapshot(holder, D1, dims())
    impatient = make_engine(url, writer=True, busy_timeout_ms=200)
    with publisher_held_before_commit(holder, D2, 2, 80.0):
        with pytest.raises(WarehouseError, match="another run is publishing"):
            publish(impatient, D2, 3, 70.0)


def _h2h(day: date) -> pl.DataFrame:
    return pl.DataFrame({
        "snapshot_date": [day], "lane": ["provisional"], "model_a_id": ["a"], "model_b_id": ["b"], "overall_a": [60.0],
        "overall_b": [50.0], "overall_diff": [10.0], "leader_model_id": ["a"], "shared_categories": [2],
        "sharpest_category_id": ["coding"], "swing_benchmark_id": [None], "swing_a": [None], "swing_b": [None], "verdict": ["A leads."],
        "shared_benchmarks": [4], "p_lead": [0.97], "call": ["clear_lead"],
    })


def test_head_to_head_retention_drops_only_old_head_to_head_snapshots(engine):
    for day in (date(2026, 10, 1), date(2026, 11, 20), D2):
        publish_snapshot(engine, day, {"mart_head_to_head": _h2h(day), "mart_leaderboard": board(day, 2, 80.0)},
                         h2h_retention_days=30)
    assert sorted(table_at(engine, "mart_head_to_head")["snapshot_date"].to_list()) == [date(2026, 11, 20), D2]
    assert table_at(engine, "mart_leaderboard").height == 6  # leaderboard history is kept


def test_postgresql_publisher_gives_up_after_a_bounded_wait_with_a_clear_message(pg_url):
    import psycopg
    from sqlalchemy.engine import make_url

    engine = make_engine(pg_url, writer=True)
    ensure_current(engine)
    publish_snapshot(engine, D1, dims())
    from benchmart.warehouse.publish import PUBLISH_LOCK as key
    u = make_url(pg_url)
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (key,))  # another run is publishing
        with pytest.raises(WarehouseError, match=r"another run is publishing to this warehouse; snapshot 2026-11-28 waited 0.3 s"):
            publish_snapshot(engine, D2, {"mart_leaderboard": board(D2, 2, 80.0)}, lock_wait_s=0.3)
        other.rollback()
    publish_snapshot(engine, D2, {"mart_leaderboard": board(D2, 2, 80.0)}, lock_wait_s=0.3)  # free again
    assert table_at(engine, "mart_leaderboard", D2).height == 2
    engine.dispose()


def test_postgresql_a_reader_holding_the_snapshot_open_is_named_when_a_re_publish_cannot_replace_it(pg_url):
    from sqlalchemy import text

    from ..faults import record_fault

    engine = make_engine(pg_url, writer=True)
    ensure_current(engine)
    publish_snapshot(engine, D1, dims())
    publish(engine, D2, 3, 80.0)
    reader = make_engine(pg_url).connect()
    reader.execute(text("SET application_name = 'metabase-test'"))
    reader.execute(text("SELECT count(*) FROM mart_leaderboard WHERE snapshot_date = '2026-11-28'")).scalar()  # and stays open
    try:
        with pytest.raises(WarehouseError, match=r"snapshot 2026-11-28 was not replaced: 1 reader transaction\(s\) still hold its "
                                                 r"mart_leaderboard partition .* pid \d+ \(metabase-test, idle in transaction"):
            publish(engine, D2, 5, 70.0, lock_wait_s=0.5)
    finally:
        reader.rollback()
        reader.close()
    assert table_at(engine, "mart_leaderboard", D2).height == 3  # the old snapshot, whole
    publish(engine, D2, 5, 70.0, lock_wait_s=0.5)  # the reader gone: replaced
    assert table_at(engine, "mart_leaderboard", D2).height == 5
    record_fault("BI reader holds an open transaction on the snapshot being re-published (PostgreSQL)",
                 "nothing written; the error names the reader (pid, application) and what to do", "named pid and application", True)
    engine.dispose()


def _recorded(run_id: str, day: date):
    """A before_commit writing the run's ops_pipeline_run row as a successful run of `day`."""
    from datetime import datetime, timezone

    from benchmart.warehouse.runs import record_run

    at = datetime.now(timezone.utc)
    empty_q = pl.DataFrame(schema={"source_id": pl.String, "stage": pl.String, "rule": pl.String, "record": pl.String})
    return lambda conn: record_run(conn, run_id, "benchmart-backfill", day, "success", at, at, {}, [], {}, empty_q, pl.DataFrame())


def test_a_date_sharing_its_build_is_copied_inside_the_warehouse_only_while_the_original_stands(engine):
    # same_as says "these are the tables that run published for that date": they are copied in the database.
    # The frames handed over here differ on purpose (score 10), so the rows show which path was taken.
    publish(engine, D1, 5, 90.0, before_commit=_recorded("r1", D1))
    publish(engine, D2, 5, 10.0, before_commit=_recorded("r2", D2), same_as=(D1, "r1"))
    copied = table_at(engine, "mart_leaderboard", D2)
    assert copied.height == 5 and copied["overall_score"].max() == 90.0 and set(copied["snapshot_date"]) == {D2}
    assert table_at(engine, "mart_leaderboard", D1).height == 5

    publish(engine, D1, 5, 95.0, before_commit=_recorded("r3", D1))  # the date was published again by another run
    publish(engine, D3, 5, 10.0, before_commit=_recorded("r4", D3), same_as=(D1, "r1"))
    assert table_at(engine, "mart_leaderboard", D3)["overall_score"].max() == 10.0  # written from the frames

    publish(engine, D3, 4, 10.0, before_commit=_recorded("r5", D3), same_as=(D1, "r3"))  # row counts differ
    assert table_at(engine, "mart_leaderboard", D3).height == 4

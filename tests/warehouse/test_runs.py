"""Operational tables: the unmatched names of each run, with when each name was first met."""

from datetime import date
import json

import polars as pl

from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current
from benchmart.warehouse.read import table_at, unmatched_names
from benchmart.warehouse.runs import record_unmatched


def _names(*rows):
    return pl.DataFrame(rows, schema=["source_id", "kind", "name", "rows", "found_in", "candidate"], orient="row")


def test_unmatched_names_keep_their_first_sighting_and_list_newest_first(warehouse_url):
    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    with engine.begin() as conn:
        record_unmatched(conn, "run-1", date(2026, 11, 1), _names(("lb", "model", "gpt-9", 40, "scores", None),
                                                                   ("lb", "benchmark", "Cooking", 3, "scores", None)))
    with engine.begin() as conn:
        record_unmatched(conn, "run-2", date(2026, 11, 2), _names(("lb", "model", "gpt-9", 41, "scores", "gpt-5"),
                                                                   ("or", "model", "x/new-model", 2, "prices, runtime", None)))
        record_unmatched(conn, "run-2", date(2026, 11, 2), _names(("lb", "model", "gpt-9", 41, "scores", "gpt-5"),
                                                                   ("or", "model", "x/new-model", 2, "prices, runtime", None)))
    rows = {(r["run_id"], r["name"]): r for r in table_at(engine, "ops_unmatched_name").to_dicts()}
    assert len(rows) == 4  # re-recording a run replaces its rows
    assert rows[("run-2", "gpt-9")]["first_seen"] == date(2026, 11, 1) and rows[("run-2", "gpt-9")]["last_seen"] == date(2026, 11, 2)
    assert rows[("run-2", "x/new-model")]["first_seen"] == date(2026, 11, 2)
    listed = unmatched_names(engine)
    assert listed.select("name", "rows").rows() == [("gpt-9", 41), ("x/new-model", 2), ("Cooking", 3)]
    assert unmatched_names(engine, kind="benchmark")["name"].to_list() == ["Cooking"]
    assert unmatched_names(engine, source="or")["found_in"].to_list() == ["prices, runtime"]
    engine.dispose()



def test_a_names_first_sighting_is_one_index_lookup_not_a_scan_of_the_history(tmp_path):
    # each run looks up every name it could not resolve: over a year of runs a scan of the history grew with it
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}", writer=True)
    ensure_current(engine)
    with engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT min(first_seen) FROM ops_unmatched_name "
                                    "WHERE source_id = 'lb' AND kind = 'model' AND name = 'gpt-9'").fetchall()
    engine.dispose()
    assert any("USING COVERING INDEX ix_ops_unmatched_name_first_seen" in str(row) for row in plan), plan

def _quarantine(*rows):
    return pl.DataFrame(rows, schema=["source_id", "stage", "rule", "record"], orient="row")


def test_unmatched_records_are_stored_one_row_per_name_and_old_run_detail_can_be_pruned(warehouse_url):
    from datetime import datetime, timezone

    from benchmart.warehouse.publish import prune_ops
    from benchmart.warehouse.runs import record_run

    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    many = [("lb", "resolve:scores", "unknown_model", f'{{"model_name": "gpt-9", "benchmark_name": "b{i}"}}') for i in range(500)]
    q = _quarantine(*many, ("lb", "resolve:scores", "unknown_model", '{"model_name": "other"}'),
                    ("lb", "validate:fct_benchmark_observation", "score_out_of_range", '{"model_name": "gpt-5", "raw_value": 180}'))
    names = _names(("lb", "model", "gpt-9", 500, "scores", None))

    def run(run_id, day, hour):
        at = datetime(2026, 11, day, hour, tzinfo=timezone.utc)
        with engine.begin() as conn:
            record_run(conn, run_id, "benchmart-nightly", date(2026, 11, day), "success", at, at, {}, [], {}, q, names)

    run("old", 1, 3)
    run("first", 2, 3)
    run("again", 2, 9)  # the same date re-run later: supersedes "first"
    rows = table_at(engine, "ops_quarantine", run_id="again")
    assert rows.height == 3  # 500 + 1 unmatched records -> 2 rows; the other rule keeps its row
    gpt9 = rows.filter(pl.col("record").str.contains('"gpt-9"')).row(0, named=True)
    assert '"records":500' in gpt9["record"].replace(" ", "")
    assert table_at(engine, "ops_pipeline_run", run_id="again")["quarantined"].item() == 502
    with engine.begin() as conn:
        removed = prune_ops(conn, older_than=date(2026, 11, 2), superseded=True)
    left = table_at(engine, "ops_quarantine")["run_id"].unique().to_list()
    assert left == ["again"] and removed == 3 + 1 + 3 + 1  # quarantine and unmatched rows of "first" and "old"
    assert table_at(engine, "ops_pipeline_run").height == 3  # run records stay
    engine.dispose()


def test_a_run_sharing_a_build_copies_its_detail_rows_in_the_warehouse_only_while_they_are_all_there(warehouse_url):
    # detail_of says "that run quarantined the same records and met the same names": its rows are copied in the
    # database. The frames handed over here differ on purpose (same heights), so the rows show which path was taken.
    from datetime import datetime, timezone

    from benchmart.warehouse.publish import prune_ops
    from benchmart.warehouse.runs import record_run

    engine = make_engine(warehouse_url, writer=True)
    ensure_current(engine)
    original = (_quarantine(("lb", "resolve:scores", "unknown_model", '{"model_name": "gpt-9"}'),
                            ("lb", "validate:fct_benchmark_observation", "score_out_of_range", '{"raw_value": 180}')),
                _names(("lb", "model", "gpt-9", 1, "scores", "gpt-5")))
    other = (_quarantine(("or", "resolve:prices", "unknown_model", '{"model_name": "other"}'),
                         ("or", "validate:fct_model_price", "price_negative", '{"input": -1}')),
             _names(("or", "model", "other", 1, "prices", None)))

    def run(run_id, day, frames, detail_of=None):
        at = datetime(2026, 11, day, 3, tzinfo=timezone.utc)
        with engine.begin() as conn:
            record_run(conn, run_id, "benchmart-backfill", date(2026, 11, day), "success", at, at, {}, [], {}, *frames,
                       detail_of=detail_of)

    def detail(run_id):
        q = table_at(engine, "ops_quarantine", run_id=run_id).sort("seq")
        u = table_at(engine, "ops_unmatched_name", run_id=run_id)
        return q.select("seq", "snapshot_date", "source_id", "stage", "rule").rows(), q["record"].to_list(), \
            u.select("source_id", "name", "snapshot_date", "first_seen", "last_seen", "candidate").rows()

    run("r1", 3, original)
    run("r0", 1, (_quarantine(), _names(("lb", "model", "gpt-9", 1, "scores", None))))  # met gpt-9 first, written later
    run("r2", 5, other, detail_of="r1")
    quarantine, records, names = detail("r2")
    assert quarantine == [(0, date(2026, 11, 5), "lb", "validate:fct_benchmark_observation", "score_out_of_range"),
                          (1, date(2026, 11, 5), "lb", "resolve:scores", "unknown_model")]  # unmatched names last, one per name
    assert [json.loads(r) for r in records] == [json.loads(r) for r in detail("r1")[1]]
    assert names == [("lb", "gpt-9", date(2026, 11, 5), date(2026, 11, 1), date(2026, 11, 5), "gpt-5")]  # first met by r0
    assert table_at(engine, "ops_pipeline_run", run_id="r2")["quarantined"].item() == 2

    run("r3", 6, other, detail_of="r3")  # itself: nothing to copy from
    assert detail("r3")[2][0][:2] == ("or", "other")
    with engine.begin() as conn:  # the original's detail pruned: the frames are written
        prune_ops(conn, older_than=date(2026, 11, 4), superseded=False)
    run("r4", 7, other, detail_of="r1")
    assert [row[2] for row in detail("r4")[0]] == ["or", "or"] and detail("r4")[2][0][:2] == ("or", "other")
    engine.dispose()

"""Operational tables: the unmatched names of each run, with when each name was first met."""

from datetime import date

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

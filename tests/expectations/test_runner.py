"""The suites' two meanings: a broken row rule quarantines the row (with its rule), a broken batch rule stops."""

import polars as pl

from benchmart.expectations import SUITES_DIR, validate

from ..conftest import PROJECT_ROOT


def _prices(*rows):
    return pl.DataFrame(rows, schema=["source_id", "model_name", "model_id", "provider", "input_usd_per_mtok", "output_usd_per_mtok"],
                        orient="row")


def test_a_bad_row_is_quarantined_with_its_rule_and_the_rest_stays():
    frame = _prices(("s", "a", "a", "p", 1.0, 2.0), ("s", "b", "b", "p", -1.0, 2.0))
    out = validate(frame, "fct_model_price", {"min_rows": 0})
    assert out.ok and out.valid["model_id"].to_list() == ["a"]
    assert out.quarantine.select("source_id", "stage", "rule").rows() == [("s", "validate:fct_model_price", "input_price_negative")]


def test_a_collapsed_batch_stops_the_run():
    out = validate(_prices(("s", "a", "a", "p", 1.0, 2.0)), "fct_model_price", {"min_rows": 10})
    assert not out.ok and "fct_model_price" in out.failures[0]


def test_every_published_table_with_a_suite_is_named_for_it():
    from benchmart.warehouse.schema import SNAPSHOT_TABLES

    suites = {p.stem for p in SUITES_DIR.glob("*.json")}
    assert suites <= set(SNAPSHOT_TABLES), suites - set(SNAPSHOT_TABLES)
    assert (PROJECT_ROOT / "expectations" / "suites") == SUITES_DIR

"""`benchmart sources check` counts what a source leaves out, by rule, before anything is published."""

import polars as pl

from benchmart.ingest.check import check_source
from benchmart.ingest.config import SourceConfig


def test_the_check_counts_left_out_records_by_rule_including_unit_suspects(catalog):
    csv = "\n".join([
        "model,benchmark,value",
        "GPT-4.1 mini,MMLU-Pro,0.81",  # fractions on a percent benchmark with no unit
        "GPT-4.1,MMLU-Pro,0.86",
        "GPT-4.1 nano,GPQA Diamond,not a number",
        "Nobody's Model,GPQA Diamond,50",
    ]).encode()
    source = SourceConfig(id="t", kind="scores", format="csv", url="https://example.org/x.csv")
    result = check_source(source, catalog, payload=csv)
    assert result.rules == {"unit_suspect": 2, "unknown_model": 1, "value_not_a_number": 1}
    assert isinstance(result.unmatched, pl.DataFrame) and result.unmatched["name"].to_list() == ["Nobody's Model"]

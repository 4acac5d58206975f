"""Run a versioned suite on a Polars frame.

Each expectation's `meta.on_failure` says what a failure means:
- `quarantine`: the failing rows leave the batch for ops_quarantine, tagged with `meta.rule`;
- `stop`: the batch is bad; the run stops before anything is published.
Great Expectations has no Polars support, so frames go through numpy-backed pandas.
"""

from dataclasses import dataclass, field
from functools import cache
import json
import logging
from pathlib import Path
import threading
from typing import Any

import polars as pl

from benchmart import contracts

SUITES_DIR = Path(__file__).parent / "suites"
_ROW = "__row_nr"
_GX_LOCK = threading.RLock()  # the ephemeral context is shared; backfill dates validate from several threads


@dataclass
class Outcome:
    suite: str
    rows: int
    valid: pl.DataFrame
    quarantine: pl.DataFrame  # source_id, stage, rule, record
    failures: list[str] = field(default_factory=list)  # batch-level: stop the run
    checks: list[dict[str, Any]] = field(default_factory=list)  # one per expectation, for the run summary

    @property
    def ok(self) -> bool:
        return not self.failures


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@cache
def _batch_definition():
    source = _context().data_sources.add_pandas("benchmart_frames")
    return source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")


@cache
def _suite(name: str):
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    spec = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    expectations = [ExpectationConfiguration(**e).to_domain_obj() for e in spec["expectations"]]
    return _context().suites.add(ExpectationSuite(name=spec["name"], expectations=expectations))


def preload() -> None:
    """Build the context and load every suite now (about 2 s, most of it importing Great Expectations), so the first
    validation of a run does not pay for it; a command calls this while it waits on something else."""
    with _GX_LOCK:
        _batch_definition()
        for path in sorted(SUITES_DIR.glob("*.json")):
            _suite(path.stem)


def validate(frame: pl.DataFrame, suite_name: str, parameters: dict[str, Any] | None = None, stage: str | None = None) -> Outcome:
    """Validate `frame` with the suite `suites/<suite_name>.json`."""
    numbered = frame.with_row_index(_ROW)
    data = numbered.to_pandas()
    with _GX_LOCK:
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": data})
        # Most batches pass: a cheap pass/fail run first (about 2x faster), the detailed one only on failure.
        quick = batch.validate(_suite(suite_name), result_format={"result_format": "BOOLEAN_ONLY"}, expectation_parameters=parameters or {})
        if quick.success:
            checks = [{"suite": suite_name, "rule": _rule(r), "success": True, "unexpected": 0} for r in quick.results]
            return Outcome(suite_name, frame.height, frame, contracts.empty(contracts.QUARANTINE), [], checks)
        result = batch.validate(
            _suite(suite_name),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [_ROW]},
            expectation_parameters=parameters or {},
        )
    bad_rows: dict[int, str] = {}
    failures, checks = [], []
    for r in result.results:
        meta = r.expectation_config.meta or {}
        rule = _rule(r)
        raised = (r.exception_info or {}).get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in (r.exception_info or {}).values()
        )
        unexpected = r.result.get("unexpected_index_list") or []
        checks.append({"suite": suite_name, "rule": rule, "success": bool(r.success), "unexpected": len(unexpected)})
        if r.success:
            continue
        if meta.get("on_failure") == "quarantine" and not raised and unexpected:
            for item in unexpected:
                bad_rows.setdefault(int(item[_ROW]), rule)  # first broken rule names the row
        else:
            detail = "expectation raised an error" if raised else _describe(r.result)
            failures.append(f"{suite_name}: {rule} ({detail})")
    flagged = pl.DataFrame(
        {_ROW: list(bad_rows), "rule": list(bad_rows.values())}, schema={_ROW: pl.UInt32, "rule": pl.String}
    )
    quarantined = numbered.join(flagged, on=_ROW, how="inner")
    quarantine = quarantined.select(
        (pl.col("source_id") if "source_id" in frame.columns else pl.lit(None, pl.String)).alias("source_id"),
        pl.lit(stage or f"validate:{suite_name}").alias("stage"),
        pl.col("rule"),
        pl.struct(frame.columns).struct.json_encode().alias("record"),
    )
    valid = numbered.join(flagged, on=_ROW, how="anti").sort(_ROW).drop(_ROW)
    return Outcome(suite_name, frame.height, valid, quarantine, failures, checks)


def _rule(result) -> str:
    """The rule an expectation stands for (its `meta.rule`), else its type."""
    return (result.expectation_config.meta or {}).get("rule", result.expectation_config.type)


def _describe(result: dict) -> str:
    if "observed_value" in result:
        return f"observed {result['observed_value']}"
    count = result.get("unexpected_count")
    sample = result.get("partial_unexpected_list", [])[:3]
    return f"{count} unexpected, e.g. {sample}" if count is not None else "failed"

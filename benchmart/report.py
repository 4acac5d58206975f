"""Run reports: the summary a run leaves in ops_pipeline_run and in Prefect artifacts. Formatting only."""

from dataclasses import dataclass, field
from datetime import date

import polars as pl


@dataclass
class RunResult:
    run_id: str
    snapshot_date: date
    status: str  # success | success_stale | failed_validation | failed
    row_counts: dict[str, int] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    quarantined: int = 0
    unmatched: pl.DataFrame = field(default_factory=pl.DataFrame)
    failures: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    warehouse_url: str = ""

    @property
    def stale_sources(self) -> list[dict]:
        return [s for s in self.sources if s["status"] in ("stale", "missing")]

    def summary(self) -> dict:
        return {
            "snapshot_date": self.snapshot_date.isoformat(), "status": self.status, "run_id": self.run_id,
            "rows": sum(v for k, v in self.row_counts.items() if k.startswith(("fct_", "mart_"))),
            "quarantined": self.quarantined, "stale": [s["source_id"] for s in self.stale_sources],
        }


def validation_markdown(result: RunResult) -> str:
    failed = [c for c in result.checks if not c["success"]]
    lines = [
        f"# Validation, snapshot {result.snapshot_date}",
        f"{len(result.checks)} expectations, {len(failed)} failed, {result.quarantined} rows quarantined.",
        "",
        "| suite | rule | passed | unexpected rows |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c['suite']} | {c['rule']} | {'yes' if c['success'] else 'NO'} | {c['unexpected']} |" for c in result.checks]
    if result.failures:
        lines += ["", "## Batch failures (nothing published)", *[f"- {f}" for f in result.failures]]
    return "\n".join(lines)


def sources_markdown(result: RunResult) -> str:
    lines = ["| source | status | records | parse rejects | error |", "|---|---|---|---|---|"]
    lines += [
        f"| {s['source_id']} | {s['status']} | {s['records_read']} | {s['parse_rejects']} | {s.get('error') or ''} |"
        for s in result.sources
    ]
    return "\n".join(lines)

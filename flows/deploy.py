"""Deployments: the nightly flow on a cron schedule (one run at a time), and the backfill on demand.

`benchmart serve` serves both from one process. For a Prefect server with a work pool, see prefect.yaml.
"""

from prefect import serve
from prefect.schedules import Cron

from flows.backfill import backfill
from flows.nightly import nightly

DEFAULT_CRON = "0 3 * * *"
TAGS = ["benchmart"]


def nightly_deployment(cron: str = DEFAULT_CRON, timezone: str = "UTC", parameters: dict | None = None):
    return nightly.to_deployment(
        name="nightly",
        schedules=[Cron(cron, timezone=timezone)],
        concurrency_limit=1,  # two nightly runs never overlap; later ones wait their turn
        parameters=parameters or {},
        tags=[*TAGS, "nightly"],
        description="Fetch every source, validate, transform and publish today's snapshot.",
    )


def backfill_deployment(parameters: dict | None = None):
    return backfill.to_deployment(
        name="backfill",
        concurrency_limit=1,
        parameters=parameters or {},
        tags=[*TAGS, "backfill"],
        description="Rebuild the snapshots of a date range from the landing zone (parameters start, end).",
    )


def serve_deployments(cron: str = DEFAULT_CRON, timezone: str = "UTC", parameters: dict | None = None) -> None:
    serve(nightly_deployment(cron, timezone, parameters), backfill_deployment(parameters))

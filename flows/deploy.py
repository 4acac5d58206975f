"""Deployments: the nightly flow on its cron schedule (one run at a time), and the backfill on demand.

The schedule has one home, benchmart.settings (BENCHMART_NIGHTLY_CRON / BENCHMART_NIGHTLY_TIMEZONE):
`benchmart serve` serves both deployments from one process; `benchmart deploy --pool NAME` registers
them with a Prefect server for a process work pool.
"""

from pathlib import Path

from prefect import serve
from prefect.schedules import Cron

from benchmart.flows.backfill import backfill
from benchmart.flows.nightly import nightly
from benchmart.settings import Schedule

TAGS = ["benchmart"]
DESCRIPTIONS = {
    "nightly": "Fetch every source, validate, transform and publish today's snapshot.",
    "backfill": "Rebuild the snapshots of a date range from the landing zone (parameters start, end).",
}


def nightly_deployment(schedule: Schedule, parameters: dict | None = None):
    return nightly.to_deployment(
        name="nightly", schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
        concurrency_limit=1,  # two nightly runs never overlap; later ones wait their turn
        parameters=parameters or {}, tags=[*TAGS, "nightly"], description=DESCRIPTIONS["nightly"],
    )


def backfill_deployment(parameters: dict | None = None):
    return backfill.to_deployment(
        name="backfill", concurrency_limit=1, parameters=parameters or {}, tags=[*TAGS, "backfill"],
        description=DESCRIPTIONS["backfill"],
    )


def serve_deployments(schedule: Schedule, parameters: dict | None = None) -> None:
    serve(nightly_deployment(schedule, parameters), backfill_deployment(parameters))


def register_deployments(work_pool: str, schedule: Schedule, parameters: dict | None = None) -> list[str]:
    """Register both deployments with the Prefect server of PREFECT_API_URL for a process work pool; the
    worker runs the flows from this installation's folder. Returns the deployment ids."""
    here = Path(__file__).resolve().parent
    common = {"work_pool_name": work_pool, "concurrency_limit": 1, "parameters": parameters or {}}
    nightly_id = nightly.from_source(str(here), "nightly.py:nightly").deploy(
        name="nightly", schedules=[Cron(schedule.cron, timezone=schedule.timezone)], tags=[*TAGS, "nightly"],
        description=DESCRIPTIONS["nightly"], **common,
    )
    backfill_id = backfill.from_source(str(here), "backfill.py:backfill").deploy(
        name="backfill", tags=[*TAGS, "backfill"], description=DESCRIPTIONS["backfill"], **common,
    )
    return [str(nightly_id), str(backfill_id)]

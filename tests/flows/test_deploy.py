"""`benchmart deploy`: both deployments registered for a process work pool, the schedule from the settings."""

import asyncio

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate

from benchmart.flows.deploy import register_deployments
from benchmart.settings import Schedule

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_register_deployments_for_a_process_work_pool():
    async def pool():
        async with get_client() as client:
            await client.create_work_pool(WorkPoolCreate(name="bm-deploy-test", type="process"), overwrite=True)

    async def deployments():
        async with get_client() as client:
            return {d.name: d for d in await client.read_deployments()}

    asyncio.run(pool())
    ids = register_deployments("bm-deploy-test", Schedule(cron="15 4 * * *", timezone="Europe/Paris"), {"data_dir": "/srv/bm"})
    found = asyncio.run(deployments())
    assert len(ids) == 2 and {"nightly", "backfill"} <= set(found)
    nightly = found["nightly"]
    assert nightly.work_pool_name == "bm-deploy-test" and nightly.entrypoint == "nightly.py:nightly"
    assert [(s.schedule.cron, s.schedule.timezone) for s in nightly.schedules] == [("15 4 * * *", "Europe/Paris")]
    assert nightly.parameters == {"data_dir": "/srv/bm"} and not found["backfill"].schedules

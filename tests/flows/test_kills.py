"""Fault suite: kill -9 at points spread over a whole run and a backfill, on both engines. After every kill the
snapshot is whole (every table has the rows of the complete run, or the run never touched it), no process of the
run is left, and the next run succeeds with no manual repair. Each kill is a row of the fault table."""

from datetime import datetime, timedelta, timezone
import os
from pathlib import Path
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.schema import SNAPSHOT_TABLES

from ..conftest import PROJECT_ROOT
from ..faults import record_fault

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux /proc to find the run's processes")

KILLS_PER_RUN = 3
BENCHMART = str(Path(sys.executable).parent / "benchmart")


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                kids = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += list(kids - found)
            found |= kids
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _counts(url: str, day: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t} WHERE snapshot_date = '{day}'")).scalar() for t in SNAPSHOT_TABLES}
    finally:
        engine.dispose()


def _statuses(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT status FROM ops_pipeline_run ORDER BY started_at"))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect home for the module's runs: its database is created once (a cold home costs ~25 s a run)."""
    return tmp_path_factory.mktemp("prefect-home")


def _command(args: list[str], tmp_path: Path, url: str) -> list[str]:
    return [BENCHMART, *args, "--warehouse", url, "--sources", str(PROJECT_ROOT / "sources.yaml"), "--data-dir", str(tmp_path / "data")]


HOME: dict[str, Path] = {}


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    home = HOME.get("prefect", tmp_path / "prefect")
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


@pytest.fixture(autouse=True)
def _shared_prefect_home(prefect_home):
    HOME["prefect"] = prefect_home
    yield
    HOME.pop("prefect", None)


def _run(args, tmp_path, url) -> float:
    started = time.monotonic()
    done = subprocess.run(_command(args, tmp_path, url), env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 10), done.stdout[-2000:] + done.stderr[-2000:]
    return time.monotonic() - started


def _kill_at(args, tmp_path, url, after_s: float) -> tuple[set[int], set[int]]:
    """Start the command, SIGKILL it `after_s` seconds in; returns (its processes at the kill, those still alive 20 s on)."""
    proc = subprocess.Popen(_command(args, tmp_path, url), env=_env(tmp_path), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + after_s
    family: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        family |= _descendants(proc.pid)
        time.sleep(0.05)
    family |= _descendants(proc.pid)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    give_up = time.monotonic() + 20
    while time.monotonic() < give_up and any(_alive(p) for p in family):
        time.sleep(0.2)
    left = {p for p in family if _alive(p)}
    for p in left:  # never leave them to the next test
        os.kill(p, signal.SIGKILL)
    return family, left


def _check_whole(url: str, day: str, complete: dict[str, int]) -> bool:
    got = _counts(url, day)
    return got == complete or all(v == 0 for v in got.values())


def _integrity(url: str) -> str:
    if not url.startswith("sqlite"):
        return "ok"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar()
    finally:
        engine.dispose()


def test_kill_9_anywhere_in_a_run_leaves_a_whole_snapshot_no_orphan_and_needs_no_repair(warehouse_url, tmp_path):
    engine_name = "PostgreSQL" if warehouse_url.startswith("postgresql") else "SQLite"
    day = "2026-11-28"
    took = _run(["run", "--date", day], tmp_path, warehouse_url)
    complete = _counts(warehouse_url, day)
    assert all(complete.values()), complete
    rng = random.Random(20261129)
    points = sorted(took * (i + rng.random()) / KILLS_PER_RUN for i in range(KILLS_PER_RUN))  # spread over the whole run
    observed = []
    for at in points:
        family, left = _kill_at(["run", "--date", day], tmp_path, warehouse_url, at)
        whole, sound = _check_whole(warehouse_url, day, complete), _integrity(warehouse_url) == "ok"
        observed.append((at, whole and sound, len(family), len(left)))
        record_fault(f"kill -9 during a run ({engine_name})", "snapshot whole, no process left, next run needs no repair",
                     f"killed at {at:.1f} s of {took:.1f} s: snapshot {'whole' if whole else 'TORN'}, "
                     f"{len(left)} of {len(family)} processes left", whole and sound and not left)
    _run(["run", "--date", day], tmp_path, warehouse_url)  # no manual repair
    assert _counts(warehouse_url, day) == complete
    statuses = _statuses(warehouse_url)
    assert statuses[0] == "success" and statuses[-1] == "success"
    assert set(statuses) <= {"success", "running", "failed"}  # a killed run stays `running`: its trace
    assert all(ok and not left for _, ok, _, left in observed), observed


def test_kill_9_during_a_backfill_leaves_every_date_whole_and_the_backfill_reruns(warehouse_url, tmp_path):
    engine_name = "PostgreSQL" if warehouse_url.startswith("postgresql") else "SQLite"
    today = datetime.now(timezone.utc).date()  # the payloads are landed today: the backfill runs from today on
    days = [str(today + timedelta(days=i)) for i in range(3)]
    _run(["run", "--date", days[0]], tmp_path, warehouse_url)  # lands the payloads the backfill reads
    took = _run(["backfill", "--start", days[0], "--end", days[-1]], tmp_path, warehouse_url)
    complete = {d: _counts(warehouse_url, d) for d in days}
    family, left = _kill_at(["backfill", "--start", days[0], "--end", days[-1]], tmp_path, warehouse_url, took * 0.7)
    whole = all(_check_whole(warehouse_url, d, complete[d]) for d in days) and _integrity(warehouse_url) == "ok"
    _run(["backfill", "--start", days[0], "--end", days[-1]], tmp_path, warehouse_url)
    again = {d: _counts(warehouse_url, d) for d in days}
    record_fault(f"kill -9 during a backfill ({engine_name})", "every date whole, no process left, the backfill reruns",
                 f"killed at {took * 0.7:.1f} s of {took:.1f} s: {'whole' if whole else 'TORN'}, {len(left)} processes left, "
                 f"rerun {'identical' if again == complete else 'DIFFERENT'}", whole and not left and again == complete)
    assert whole and not left and again == complete

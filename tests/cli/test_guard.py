"""No orphans: a run killed with SIGKILL while its temporary Prefect API server runs leaves no server behind."""

import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import pytest

from ..conftest import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="the watchdog reads Linux /proc")


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _is_server(pid: int) -> bool:
    try:
        return b"prefect.server.api.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_a_killed_run_leaves_no_temporary_prefect_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    run = subprocess.Popen([str(Path(sys.executable).parent / "benchmart"), "run", "--data-dir", str(tmp_path / "data"),
                            "--sources", str(PROJECT_ROOT / "sources.yaml")], env=env, cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=(tmp_path / "run.err").open("wb"))
    server = None
    deadline = time.time() + 120
    while time.time() < deadline and server is None and run.poll() is None:
        server = next((c for c in _children(run.pid) if _is_server(c)), None)
        time.sleep(0.2)
    if server is None:
        run.kill()
        ended = f"it exited with {run.returncode}" if run.returncode is not None else "it was still running after 120 s"
        pytest.fail(f"the run never started a temporary Prefect API server ({ended}): "
                    + (tmp_path / "run.err").read_text(errors="replace")[-1500:])
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.time() + 20
    while time.time() < deadline and _is_server(server):
        time.sleep(0.2)
    alive = _is_server(server)
    if alive:
        os.kill(server, signal.SIGKILL)
    assert not alive, "the temporary Prefect API server outlived its run"

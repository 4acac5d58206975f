"""No orphans: a watchdog that stops the run's temporary Prefect API server when the run dies without stopping it
(kill -9, OOM killer). The server is a child process Prefect starts; a killed parent cannot clean up, so a small
separate process watches the parent (Linux /proc) and, once it is gone, terminates the children it saw that are
Prefect API servers, then exits itself."""

import os
from pathlib import Path
import subprocess
import sys

WATCHDOG = r"""
import os, signal, sys, time
parent, me = int(sys.argv[1]), os.getpid()
seen = set()
def children(pid):
    found = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found |= {int(c) for c in fh.read().split()}
    except OSError:
        pass
    return found - {me}
def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
def is_prefect_server(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"prefect.server.api.server" in fh.read()
    except OSError:
        return False
while alive(parent):
    seen |= children(parent)
    time.sleep(0.5)
doomed = [p for p in seen if is_prefect_server(p)]
for p in doomed:
    try: os.kill(p, signal.SIGTERM)
    except OSError: pass
deadline = time.time() + 5
while time.time() < deadline and any(alive(p) for p in doomed):
    time.sleep(0.2)
for p in doomed:
    if alive(p):
        try: os.kill(p, signal.SIGKILL)
        except OSError: pass
"""


def guard_temporary_server() -> None:
    """Start the watchdog when this run will use a temporary Prefect API (no PREFECT_API_URL) on Linux."""
    if os.environ.get("PREFECT_API_URL") or not Path("/proc/self/task").is_dir():
        return
    subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid())], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)

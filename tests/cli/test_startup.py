"""Start-up: the temporary Prefect API starts while the run loads its code, and the console script exits fast
with the command's exit code and all of its output."""

import os
from pathlib import Path
import subprocess
import sys
import threading

from prefect.settings import PREFECT_API_URL, temporary_settings
import prefect.server.api.server as prefect_server
import pytest

from benchmart.cli.startup import warm_start

BENCHMART = str(Path(sys.executable).parent / "benchmart")


class FakeServer:
    """Stands in for Prefect's temporary API server: its start waits until the run's loading has begun."""

    def __init__(self, loading: threading.Event, fail: bool = False):
        self.loading, self.fail, self.starts, self.saw_loading = loading, fail, 0, None

    def __call__(self):  # SubprocessASGIServer() returns the process's one instance
        return self

    def start(self):
        self.starts += 1
        self.saw_loading = self.loading.wait(30)  # only true if loading runs while the server starts
        if self.fail:
            raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")


@pytest.fixture
def no_api():
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


def test_without_an_api_the_temporary_server_starts_while_the_run_loads(monkeypatch, no_api):
    loading = threading.Event()
    server = FakeServer(loading)
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", server)
    loaded = []
    warm_start(lambda: (loading.set(), loaded.append(threading.current_thread() is threading.main_thread())))
    assert server.starts == 1 and server.saw_loading, "the server's start and the loading did not overlap"
    assert loaded == [True], "the loading (imports) must run on the main thread"


def test_a_temporary_server_that_fails_to_start_fails_the_command_with_prefects_error(monkeypatch, no_api):
    loading = threading.Event()
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", FakeServer(loading, fail=True))
    with pytest.raises(RuntimeError, match="ephemeral Prefect API server"):
        warm_start(loading.set)


def test_with_a_running_api_no_temporary_server_is_started(monkeypatch):
    server = FakeServer(threading.Event())
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", server)
    loaded = []
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        warm_start(lambda: loaded.append(True))
    assert loaded == [True] and server.starts == 0


def test_the_fast_exit_keeps_the_exit_code_and_runs_every_later_exit_handler():
    probe = ("import atexit\nimport benchmart.cli as cli\n"
             "atexit.register(lambda: print('a later exit handler ran'))\n"  # buffered: the fast exit must flush it
             "print('#' * 200000)\n"
             "cli._EXIT_CODE.append(3)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 3, out.stderr
    assert out.stdout.count("#") == 200000 and out.stdout.endswith("a later exit handler ran\n")


def test_an_exit_handler_registered_before_the_cli_still_runs():
    """A handler registered before benchmart.cli (coverage's, a sitecustomize's) would run after the fast exit's:
    then the process exits as usual and that handler runs."""
    probe = ("import atexit\natexit.register(lambda: print('an earlier exit handler ran', flush=True))\n"
             "import benchmart.cli as cli\ncli._EXIT_CODE.append(3)\nraise SystemExit(3)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 3 and "an earlier exit handler ran" in out.stdout, out.stderr


@pytest.mark.parametrize("args, code, text", [
    (["--help"], 0, "warehouse"),
    (["run", "--date", "2026-13-45"], 2, "2026-13-45"),
])
def test_the_console_script_exits_with_the_commands_code_and_all_its_output(tmp_path, args, code, text):
    env = os.environ | {"BENCHMART_DATA_DIR": str(tmp_path)}
    out = subprocess.run([BENCHMART, *args], capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path)
    assert out.returncode == code, out.stderr
    assert text in (out.stdout + out.stderr)

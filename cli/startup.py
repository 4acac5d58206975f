"""Start-up of a pipeline command, paid once and in parallel where it can be.

With no Prefect API configured, a run's flow starts Prefect's temporary API server: a subprocess that takes ~3 s
to answer, during which this process only waits. `warm_start` starts that server itself, in a thread, before the
flow needs it, and meanwhile loads the flow code and Great Expectations (~2 s) on the main thread, so the two
costs overlap on two cores instead of adding up. The flow then finds the server running: Prefect keeps one
temporary server per process (`SubprocessASGIServer()` is a singleton) and stops it at exit, as before.

Only the server's start (a subprocess and an HTTP poll) runs in the thread; every import happens on the main
thread, one at a time, so the two never import the same module concurrently.
"""

from collections.abc import Callable
import importlib
import threading


def warm_start(load: Callable[[], object]) -> None:
    """Run `load` (imports, validator context) while the temporary Prefect API starts, when the run will need one;
    re-raises the server's start-up error, if any, as Prefect would have."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        load()  # a running API (or none allowed): nothing to overlap
        return
    from prefect.server.api.server import SubprocessASGIServer

    failed: list[BaseException] = []

    def start() -> None:
        try:
            SubprocessASGIServer().start()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failed.append(exc)

    thread = threading.Thread(target=start, name="benchmart-prefect-api-start", daemon=True)
    thread.start()
    try:
        load()
    finally:
        thread.join()
    if failed:
        raise failed[0]


def load_flow(module: str) -> None:
    """A flow's module and Great Expectations' context and suites, loaded now rather than inside the run."""
    from benchmart.expectations.runner import preload

    importlib.import_module(module)
    preload()

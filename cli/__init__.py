"""The `benchmart` command line. One module per command group; shared options and rendering in common.py.

Heavy imports (Prefect, Great Expectations, the warehouse) happen inside the commands that need them.
"""

import atexit
import os
import sys

_EXIT_CODE: list[int] = []  # the exit code main() saw: set, the process may skip the interpreter's teardown


def _exit_now() -> None:
    """The last exit handler (registered before any library's, so it runs after all of them): once the command has
    finished and every other exit handler has run (Prefect's temporary API stopped, its events and logs sent, log
    files flushed), skip the interpreter's teardown of every loaded module, about 1 s after Prefect, Great
    Expectations and pandas are loaded. Only for the console script (`main`), a plain integer exit, and when no
    handler was registered before this one."""
    if _EXIT_CODE and not _REGISTERED_EARLIER:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed or broken pipe: nothing more to say
                pass
        os._exit(_EXIT_CODE[0])


# An exit handler registered before this one (coverage's, a sitecustomize's) would run after it and be skipped by
# the fast exit: then the interpreter exits as usual. (CPython's count of registered handlers; unknown: as usual.)
_REGISTERED_EARLIER = getattr(atexit, "_ncallbacks", lambda: 1)() > 0
atexit.register(_exit_now)

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Prefect's temporary API server gets 20 s to start by default, too little on a busy 2-core machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import typer  # noqa: E402

from benchmart.cli import boards, methodology, pipeline, report, sources, warehouse  # noqa: E402

app = typer.Typer(help="benchmart: LLM benchmark results, prices and runtime -> leaderboards and head-to-heads.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
for command in (pipeline.run, pipeline.backfill, pipeline.serve, pipeline.deploy, boards.leaderboard, boards.compare,
                methodology.evaluate, report.site, report.browse):
    app.command()(command)

models_app = typer.Typer(help="The catalog's models; `unmatched` lists the names no model matched.", invoke_without_command=True)
models_app.callback()(boards.models)
models_app.command("unmatched")(boards.unmatched)
app.add_typer(models_app, name="models")

sources_app = typer.Typer(help="Sources: check what each one yields and which names it uses.", no_args_is_help=True)
sources_app.command("check")(sources.check)
app.add_typer(sources_app, name="sources")

landing_app = typer.Typer(help="The landing zone of raw payloads: check it (and repair it).", no_args_is_help=True)
landing_app.command("check")(sources.landing_check)
app.add_typer(landing_app, name="landing")

warehouse_app = typer.Typer(help="Warehouse operations: migrations, data dictionary, retention.", no_args_is_help=True)
for command in (warehouse.upgrade, warehouse.docs, warehouse.prune):
    warehouse_app.command()(command)
app.add_typer(warehouse_app, name="warehouse")


def main() -> None:
    """The console script: the app, then a fast exit with its exit code (see `_exit_now`)."""
    try:
        app()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            _EXIT_CODE.append(exc.code or 0)
        raise

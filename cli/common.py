"""What every command shares: consoles, options, errors to one line, and number formatting."""

from datetime import date
from pathlib import Path
import sys
from typing import Annotated, Optional

import polars as pl
from rich.console import Console
from rich.markup import escape
import typer

from benchmart.errors import BenchmartError, ConfigError
from benchmart.settings import Settings

# Piped output (make run, CI logs) gets a fixed width so tables are never squeezed; a terminal uses its own.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

WarehouseOpt = Annotated[Optional[str], typer.Option("--warehouse", help="SQLAlchemy URL (default: BENCHMART_WAREHOUSE_URL, else SQLite under ./data).")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="Snapshot date YYYY-MM-DD (default: newest).")]
LaneOpt = Annotated[str, typer.Option("--lane", help="provisional (verified + unverified) or verified.")]
SourcesOpt = Annotated[Optional[Path], typer.Option("--sources", help="Sources file (default: ./sources.yaml).")]
DataDirOpt = Annotated[Optional[Path], typer.Option("--data-dir", help="Landing zone and SQLite directory (default: ./data).")]


def fail(exc: BenchmartError) -> None:
    err.print(f"[bold red]error:[/] {escape(str(exc))}")  # data in a message is never console markup
    raise typer.Exit(exc.exit_code)


def usage_error(message: str, code: int = ConfigError.exit_code) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def parse_date(value: str | None, option: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        usage_error(f"{option} {value!r} is not a date (YYYY-MM-DD)")


def check_lane(value: str) -> str:
    if value not in ("provisional", "verified"):
        usage_error(f"--lane must be provisional or verified, not {value!r}")
    return value


def engine(warehouse: str | None, writer: bool = False):
    """The warehouse engine of a command, connected once so that a warehouse that cannot be reached is one line
    and exit 5 (a WarehouseError), not a driver traceback; read commands never create a file."""
    from benchmart.warehouse.engine import make_engine

    made = make_engine(warehouse or Settings().resolved_warehouse_url(), writer=writer, read_only=not writer)
    reachable(made)
    return made


def reachable(made) -> None:
    """Connect once; a warehouse that cannot be reached is a one-line WarehouseError (exit 5), not a driver traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from benchmart.errors import WarehouseError

    try:
        with made.connect():
            pass
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise WarehouseError(f"cannot connect to the warehouse {made.url.render_as_string(hide_password=True)}: {reason}") from None


def flow_params(warehouse: str | None, sources: Path | None, data_dir: Path | None, stored: bool = False) -> dict[str, str]:
    """The flows' optional parameters, as given on the command line. Prefect keeps flow-run parameters (and a
    deployment's, `stored`): a warehouse URL with a password never becomes one. For a run in this process it goes
    to the environment instead (BENCHMART_WAREHOUSE_URL); a deployment is refused and told where credentials go."""
    import os

    if warehouse and _has_password(warehouse):
        if stored:
            usage_error("a warehouse URL with a password would be stored in Prefect's deployment parameters: give the worker "
                        "BENCHMART_WAREHOUSE_URL in its environment, or BENCHMART_WAREHOUSE_SECRET=<name of a Prefect Secret "
                        "block holding the URL>, and leave out --warehouse")
        os.environ["BENCHMART_WAREHOUSE_URL"] = warehouse
        warehouse = None
    return {k: str(v) for k, v in {"warehouse_url": warehouse, "sources_file": sources, "data_dir": data_dir}.items() if v}


def _has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        return bool(make_url(url).password)
    except Exception:  # noqa: BLE001 - an invalid URL is reported where it is used
        return False


def require_prefect_api() -> str:
    """The URL of a running Prefect API (PREFECT_API_URL or the profile's), or a usage error saying how to start one:
    schedules and deployments need a server that outlives this command."""
    import requests
    from prefect.settings import get_current_settings

    api = get_current_settings().api.url
    how = "start one with `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
    if not api:
        usage_error(f"this needs a running Prefect API, and PREFECT_API_URL is not set: {how}")
    try:
        requests.get(f"{str(api).rstrip('/')}/health", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        usage_error(f"the Prefect API at {api} does not answer ({type(exc).__name__}): {how}")
    return str(api)


def fmt(value, digits: int = 1, prefix: str = "", suffix: str = "") -> str:
    if value is None:
        return "N/A"
    return f"{prefix}{value:,.{digits}f}{suffix}"


def tokens(n) -> str:
    from benchmart.transforms.text import tokens as tokens_expr

    if n is None:
        return "N/A"
    return pl.select(tokens_expr(pl.lit(int(n)))).item()


def yes(value) -> str:
    return "N/A" if value is None else ("yes" if value else "no")


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)

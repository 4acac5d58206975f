"""Shared fixtures. Prefect's test harness starts once per session; no test touches the internet."""

from collections.abc import Iterator
from contextlib import contextmanager
import functools
import http.server
import os
from pathlib import Path
import shutil
import threading
import uuid

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
from benchmart.ingest.catalog import load_catalog  # noqa: E402

SAMPLES = PROJECT_ROOT / "samples"
FIXTURES = Path(__file__).parent / "fixtures"  # excerpts of real public files, license in fixtures/README.md
PG_URL = os.environ.get("BENCHMART_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's temporary API, started once for the whole session (heartbeat off)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        with prefect_test_harness(server_startup_timeout=120):
            yield


@pytest.fixture(scope="session")
def catalog():
    return load_catalog(PROJECT_ROOT / "catalog")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 (a random free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def samples_dir(tmp_path) -> Path:
    """A private copy of the bundled samples, free to be edited by a test."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture()
def served_samples(samples_dir) -> Iterator[str]:
    with serve_directory(samples_dir) as url:
        yield url


def write_sources(path: Path, base_url: str, **overrides) -> Path:
    """The bundled sources file, pointed at `base_url` (http://127.0.0.1:port or file://dir)."""
    text = (PROJECT_ROOT / "sources.yaml").read_text(encoding="utf-8").replace("file://samples", base_url)
    for old, new in overrides.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


def _pg_available() -> str | None:
    try:
        import psycopg

        from sqlalchemy.engine import make_url

        u = make_url(PG_URL)
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: skip with the reason
        return f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__}: {str(exc).strip()[:120]})"


@pytest.fixture(scope="session")
def pg_reason() -> str | None:
    reason = _pg_available()
    if reason and os.environ.get("BENCHMART_REQUIRE_PG"):
        pytest.fail(f"BENCHMART_REQUIRE_PG is set but {reason}")
    return reason


@pytest.fixture()
def pg_url(pg_reason) -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards; skips (with the reason) without a server."""
    if pg_reason:
        pytest.skip(pg_reason)
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"bm_test_{uuid.uuid4().hex[:10]}"
    u = make_url(PG_URL)
    conninfo = dict(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield str(u.set(query={"options": f"-csearch_path={schema}"}))
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
            conn.execute(f"DROP SCHEMA IF EXISTS {schema}_partitions CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request, tmp_path, pg_reason) -> Iterator[str]:
    """Both engines: every test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
    else:
        yield request.getfixturevalue("pg_url")


GOLDEN_DAY = "2026-11-28"


@pytest.fixture(scope="session")
def golden(tmp_path_factory, prefect_harness):
    """One real nightly run over the bundled samples served by loopback HTTP; many tests read its warehouse.

    Returns (RunResult, engine, warehouse URL)."""
    from datetime import date

    from benchmart.flows.nightly import nightly
    from benchmart.warehouse.engine import make_engine

    tmp = tmp_path_factory.mktemp("golden")
    url = f"sqlite:///{tmp / 'warehouse.db'}"
    with serve_directory(SAMPLES) as base:
        sources = write_sources(tmp / "sources.yaml", base)
        result = nightly(snapshot_date=date.fromisoformat(GOLDEN_DAY), warehouse_url=url,
                         sources_file=str(sources), data_dir=str(tmp / "data"))
    engine = make_engine(url)
    yield result, engine, url
    engine.dispose()


def pytest_collection_modifyitems(items):
    """`pytest -m postgres` selects every test that talks to PostgreSQL: those using `pg_url`, and the PostgreSQL
    side of the tests parametrized over both engines."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pg_url" in getattr(item, "fixturenames", ()) or "postgresql" in {str(v) for v in params.values()}:
            item.add_marker(pytest.mark.postgres)


def pytest_sessionstart(session):
    # the controller (or a run without xdist) starts the fault table afresh; a nested --collect-only session (the
    # layout test runs one) must not
    if not hasattr(session.config, "workerinput") and not session.config.option.collectonly:
        from .faults import reset

        reset()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The fault suite's table (tests/faults.py): every injected fault, what was expected and observed."""
    from .faults import ARTIFACTS, render, table

    rows = table()
    if not rows:
        return
    text = render(rows)
    terminalreporter.section("fault suite")
    for line in text.splitlines():
        terminalreporter.write_line(line)
    (ARTIFACTS / "faults.md").write_text(text + "\n", encoding="utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test marked `@pytest.mark.fault(fault, expected)` is a row of the fault table: its outcome is what was observed."""
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("fault")
    if marker and report.when == "call":
        from .faults import record_fault

        engine = getattr(getattr(item, "callspec", None), "params", {}).get("warehouse_url")
        fault = marker.args[0] + (f" ({'PostgreSQL' if engine == 'postgresql' else 'SQLite'})" if engine else "")
        observed = "as expected" if report.passed else "FAILED: " + str(report.longrepr).strip().splitlines()[-1][:100]
        record_fault(fault, marker.args[1], observed, report.passed)

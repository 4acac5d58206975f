"""Operations with Prefect's test harness: backfills, overlapping runs, deployments, run records, artifacts, caching."""

from datetime import date, datetime, timedelta, timezone
import json
import sqlite3

import polars as pl

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId
from typer.testing import CliRunner

from benchmart.cli import app
from benchmart.errors import WarehouseError
from benchmart.ingest.landing import LandingZone
from benchmart.flows.backfill import BackfillFailed, run_backfill
from benchmart.flows.deploy import backfill_deployment, nightly_deployment
from benchmart.settings import Settings
from benchmart.flows.nightly import nightly
from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.read import table_at

from ..conftest import SAMPLES, serve_directory, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")
START = date(2026, 10, 1)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=timezone.utc)


def _scores(swe: float, extra: str = "") -> bytes:
    text = (SAMPLES / "scores.csv").read_text().replace("GPT-4.1 mini,SWE-bench Verified,23.6,", f"GPT-4.1 mini,SWE-bench Verified,{swe},")
    return (text + "o3,ARC-AGI-2,6.5,,2026-10-15,verified,https://arcprize.org/leaderboard\n" + extra).encode()


def _prices(mini_input: float) -> bytes:
    return (SAMPLES / "litellm_prices.json").read_text().replace('"input_cost_per_token": 4e-07', f'"input_cost_per_token": {mini_input / 1e6}', 1).encode()


@pytest.fixture()
def history(tmp_path):
    """A landing zone whose payloads change on known dates; sources point at files never fetched."""
    zone = LandingZone(tmp_path / "data" / "landing")
    zone.land("benchmart-scores", "file:///scores.csv", _scores(23.6), _at(START))
    zone.land("benchmart-scores", "file:///scores.csv", _scores(30.0), _at(date(2026, 10, 11)))
    zone.land("benchmart-scores", "file:///scores.csv", _scores(40.0), _at(date(2026, 10, 21)))
    zone.land("litellm", "file:///p.json", _prices(0.4), _at(START))
    zone.land("litellm", "file:///p.json", _prices(0.2), _at(date(2026, 10, 16)))
    zone.land("models-dev", "file:///m.json", (SAMPLES / "models_dev.json").read_bytes(), _at(START))
    zone.land("benchmart-runtime", "file:///r.csv", (SAMPLES / "runtime.csv").read_bytes(), _at(START))
    sources = write_sources(tmp_path / "sources.yaml", f"file://{tmp_path}/never-fetched")
    return tmp_path, sources


def test_a_30_day_backfill_reflects_exactly_the_payloads_of_each_date(history):
    tmp, sources = history
    url = f"sqlite:///{tmp / 'w.db'}"
    summary = run_backfill(START, START + timedelta(days=29), workers=4, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp / "data"))
    assert [r["status"] for r in summary] == ["success"] * 30
    engine = make_engine(url)
    swe = table_at(engine, "fct_benchmark_score", model_id="gpt-4.1-mini", benchmark_id="swe-bench-verified")
    got = dict(swe.select("snapshot_date", "raw_value").rows())
    price = table_at(engine, "fct_model_price", model_id="gpt-4.1-mini", source_id="litellm", provider="openai")
    paid = dict(price.select("snapshot_date", "input_usd_per_mtok").rows())
    arc = set(table_at(engine, "fct_benchmark_score", model_id="o3", benchmark_id="arc-agi-2")["snapshot_date"].to_list())
    for i in range(30):
        day = START + timedelta(days=i)
        assert got[day] == (23.6 if day.day < 11 else 30.0 if day.day < 21 else 40.0), day
        assert paid[day] == (0.4 if day.day < 16 else 0.2), day
        assert (day in arc) == (day >= date(2026, 10, 15)), day  # a dated row appears from its own date on
    runs = {r["snapshot_date"]: json.loads(r["sources"]) for r in table_at(engine, "ops_pipeline_run").to_dicts()}
    later = {d: next(s["rows_after_snapshot_date"] for s in src if s["source_id"] == "benchmart-scores") for d, src in runs.items()}
    assert later[date(2026, 10, 14)] == 1 and later[date(2026, 10, 15)] == 0  # the left-out row is counted, not lost
    again = run_backfill(START, START + timedelta(days=2), workers=2, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp / "data"))
    assert [r["status"] for r in again] == ["success"] * 3
    assert table_at(engine, "mart_leaderboard", START).height == table_at(engine, "mart_leaderboard", START + timedelta(days=3)).height


def test_a_failing_date_is_reported_and_the_others_are_published(history):
    tmp, sources = history
    text = sources.read_text().replace("    priority: 80\n", "    priority: 80\n    on_failure: fail\n")
    sources.write_text(text)
    LandingZone(tmp / "data" / "landing").land("litellm", "file:///p.json", b"<html>502 Bad Gateway</html>", _at(date(2026, 10, 3)))
    LandingZone(tmp / "data" / "landing").land("litellm", "file:///p.json", _prices(0.4), _at(date(2026, 10, 4)))
    url = f"sqlite:///{tmp / 'w.db'}"
    with pytest.raises(BackfillFailed) as failed:
        run_backfill(START, START + timedelta(days=4), workers=3, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp / "data"))
    statuses = {r["snapshot_date"]: r["status"] for r in failed.value.summary}
    assert statuses == {"2026-10-01": "success", "2026-10-02": "success", "2026-10-03": "failed",
                        "2026-10-04": "success", "2026-10-05": "success"}
    assert "not valid JSON" in next(r["error"] for r in failed.value.summary if r["status"] == "failed")
    engine = make_engine(url)
    assert set(table_at(engine, "mart_leaderboard")["snapshot_date"].unique().to_list()) == {
        START, date(2026, 10, 2), date(2026, 10, 4), date(2026, 10, 5)}
    runs = table_at(engine, "ops_pipeline_run", snapshot_date=date(2026, 10, 3))
    assert runs["status"].to_list() == ["failed"] and "on_failure: fail" in runs["error"][0]


def test_an_overlapping_run_is_refused_after_a_bounded_wait(tmp_path, served_samples, monkeypatch):
    monkeypatch.setenv("BENCHMART_PUBLISH_WAIT_S", "0.5")
    db = tmp_path / "w.db"
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    nightly(snapshot_date=date(2026, 11, 27), warehouse_url=f"sqlite:///{db}", sources_file=str(sources), data_dir=str(tmp_path / "data"))
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is publishing
    try:
        with pytest.raises(WarehouseError, match="another run is publishing"):
            nightly(snapshot_date=date(2026, 11, 28), warehouse_url=f"sqlite:///{db}", sources_file=str(sources), data_dir=str(tmp_path / "data"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert table_at(make_engine(f"sqlite:///{db}"), "mart_leaderboard", date(2026, 11, 28)).is_empty()


def test_the_deployments_take_their_schedule_from_the_settings(monkeypatch):
    nightly_dep = nightly_deployment(Settings().schedule)
    (schedule,) = nightly_dep.schedules
    assert schedule.schedule.cron == "0 3 * * *" and schedule.schedule.timezone == "UTC"
    limit = nightly_dep.concurrency_limit
    assert getattr(limit, "limit", limit) == 1
    assert "nightly" in nightly_dep.tags and backfill_deployment().name == "backfill"
    monkeypatch.setenv("BENCHMART_NIGHTLY_CRON", "30 1 * * *")
    monkeypatch.setenv("BENCHMART_NIGHTLY_TIMEZONE", "Europe/Paris")
    moved = nightly_deployment(Settings().schedule).schedules[0].schedule
    assert (moved.cron, moved.timezone) == ("30 1 * * *", "Europe/Paris")


def test_a_run_writes_its_record_and_artifacts_and_reuses_parsed_payloads(tmp_path, served_samples):
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = nightly(snapshot_date=date(2026, 11, 28), warehouse_url=url, sources_file=str(sources), data_dir=str(tmp_path / "data"))
    second = nightly(snapshot_date=date(2026, 11, 28), warehouse_url=url, sources_file=str(sources), data_dir=str(tmp_path / "data"))
    run = table_at(make_engine(url), "ops_pipeline_run", run_id=second.run_id).row(0, named=True)
    assert run["status"] == "success" and run["quarantined"] == 6 and run["unmatched"] == 5
    with get_client(sync_client=True) as client:
        keys = {a.key for a in client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[first.run_id])))}
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[second.run_id])))
    assert {"leaderboard-top", "validation-summary", "unmatched-names", "source-freshness"} <= keys
    parse_states = {t.name: t.state.name for t in tasks if t.name.startswith("parse-")}
    assert len(parse_states) == 4 and set(parse_states.values()) == {"Cached"}, parse_states


def test_cli_exit_codes_tell_a_scheduler_what_happened(tmp_path, samples_dir, monkeypatch):
    monkeypatch.setenv("BENCHMART_FETCH_RETRIES", "0")
    monkeypatch.setenv("BENCHMART_HTTP_RETRIES", "0")
    args = ["run", "--date", "2026-11-28", "--warehouse", f"sqlite:///{tmp_path / 'w.db'}", "--data-dir", str(tmp_path / "data")]
    with serve_directory(samples_dir) as base:
        sources = write_sources(tmp_path / "sources.yaml", base)
        assert CliRunner().invoke(app, [*args, "--sources", str(sources)]).exit_code == 0
    stale = CliRunner().invoke(app, [*args, "--sources", str(sources)])  # server gone: last good payloads
    assert stale.exit_code == 10 and "is stale" in stale.output
    strict = tmp_path / "strict.yaml"
    strict.write_text(sources.read_text().replace("    priority: 80\n", "    priority: 80\n    on_failure: fail\n"))
    failed = CliRunner().invoke(app, [*args, "--sources", str(strict)])
    assert failed.exit_code == 3 and "on_failure: fail" in failed.output


def test_the_backfill_runs_on_a_local_dask_cluster_of_two_workers(history):
    pytest.importorskip("prefect_dask", reason="prefect-dask is not installed (pip install 'benchmart[dask]')")
    tmp, sources = history
    url = f"sqlite:///{tmp / 'w.db'}"
    summary = run_backfill(START, START + timedelta(days=3), workers=2, runner="dask", warehouse_url=url,
                           sources_file=str(sources), data_dir=str(tmp / "data"))
    assert [r["status"] for r in summary] == ["success"] * 4
    assert table_at(make_engine(url), "mart_leaderboard")["snapshot_date"].n_unique() == 4


def _with_nova(payload: bytes) -> bytes:
    """The models.dev sample plus a model released on 2026-10-10 (a registry model, not in the catalog)."""
    data = json.loads(payload)
    data["openai"]["models"]["nova-x"] = {"id": "nova-x", "name": "Nova X", "reasoning": False, "release_date": "2026-10-10",
                                          "open_weights": False, "limit": {"context": 200000, "output": 32768},
                                          "cost": {"input": 1.0, "output": 4.0}}
    return json.dumps(data).encode()


def test_a_backfill_shows_a_model_from_its_release_and_undated_rows_from_their_first_fetch(history):
    tmp, sources = history
    zone = LandingZone(tmp / "data" / "landing")
    zone.land("models-dev", "file:///m.json", _with_nova((SAMPLES / "models_dev.json").read_bytes()), _at(date(2026, 10, 2)))
    # a score announced before release (dated 2026-09-20), and an undated row first fetched on 2026-10-08, fetched again unchanged
    extra = "Nova X,GPQA Diamond,81.0,,2026-09-20,unverified,\nGPT-4.1 mini,HLE,4.5,,,unverified,\n"
    zone.land("benchmart-scores", "file:///scores.csv", _scores(23.6, extra), _at(date(2026, 10, 8)))
    zone.land("benchmart-scores", "file:///scores.csv", _scores(23.6, extra), _at(date(2026, 10, 9)))
    zone.land("benchmart-scores", "file:///scores.csv", _scores(30.0, extra), _at(date(2026, 10, 11)))  # hides the 10-11 payload
    url = f"sqlite:///{tmp / 'w.db'}"
    summary = run_backfill(date(2026, 10, 5), date(2026, 10, 12), workers=2, warehouse_url=url, sources_file=str(sources),
                           data_dir=str(tmp / "data"))
    assert [r["status"] for r in summary] == ["success"] * 8
    engine = make_engine(url)
    days = [date(2026, 10, d) for d in range(5, 13)]
    nova = set(table_at(engine, "fct_benchmark_observation", model_id="nova-x")["snapshot_date"].to_list())
    assert nova == {d for d in days if d >= date(2026, 10, 10)}  # never before its release date
    board = set(table_at(engine, "mart_leaderboard", model_id="nova-x")["snapshot_date"].to_list())
    assert board <= nova and set(table_at(engine, "fct_model_price", model_id="nova-x")["snapshot_date"].to_list()) == nova
    hle = table_at(engine, "fct_benchmark_observation", model_id="gpt-4.1-mini", benchmark_id="hle")
    assert set(hle["snapshot_date"].to_list()) == {d for d in days if d >= date(2026, 10, 8)}
    # the undated row is dated by its payload's first fetch (10-08), not by a re-fetch of the same content
    assert set(hle.filter(pl.col("snapshot_date") < date(2026, 10, 11))["observed_on"].to_list()) == {date(2026, 10, 8)}
    runs = {r["snapshot_date"]: json.loads(r["sources"]) for r in table_at(engine, "ops_pipeline_run").to_dicts()}
    held = {d: sum(s.get("rows_before_release", 0) for s in src) for d, src in runs.items()}
    assert held[date(2026, 10, 8)] >= 2 and held[date(2026, 10, 10)] == 0  # left out before release, and counted


def test_a_backfill_builds_each_input_class_once_and_every_date_equals_a_single_date_run(history):
    tmp, sources = history
    many, single = f"sqlite:///{tmp / 'many.db'}", f"sqlite:///{tmp / 'single.db'}"
    run_backfill(START, START + timedelta(days=29), workers=2, warehouse_url=many, sources_file=str(sources), data_dir=str(tmp / "data"))
    days = [START, date(2026, 10, 12), date(2026, 10, 15), date(2026, 10, 16), START + timedelta(days=29)]
    for day in days:
        run_backfill(day, day, workers=1, warehouse_url=single, sources_file=str(sources), data_dir=str(tmp / "data"))
    a, b = make_engine(many), make_engine(single)
    from benchmart.warehouse.schema import SNAPSHOT_TABLES

    for name in SNAPSHOT_TABLES:
        if name.startswith("ops_"):
            continue
        for day in days:
            x, y = table_at(a, name, day), table_at(b, name, day)
            assert x.sort(x.columns, nulls_last=True).equals(y.sort(y.columns, nulls_last=True)), (name, day)
    # the run record's detail too (copied in the warehouse for the dates after a build's first): every record
    # quarantined and every unmatched name, as a single-date run records them
    for name, key in [("ops_quarantine", ["seq"]), ("ops_unmatched_name", ["source_id", "kind", "name"])]:
        held = 0
        for day in days:
            x, y = (table_at(e, name, day).drop("run_id", "first_seen", strict=False).sort(key) for e in (a, b))
            assert x.equals(y), (name, day)
            held += x.height
        assert held > 0, name  # the samples do leave records and names out: the comparison compares something
    built = [json.loads(r["stages"]) for r in table_at(a, "ops_pipeline_run").to_dicts()]
    assert len(built) == 30
    assert 2 <= sum("validate_transform" in s for s in built) <= 8  # one build per input class (payload changes, dated rows), not per date


def test_a_missing_local_file_is_not_retried_but_a_network_failure_is(tmp_path, served_samples, monkeypatch):
    monkeypatch.setenv("BENCHMART_FETCH_RETRIES", "1")
    monkeypatch.setenv("BENCHMART_FETCH_RETRY_DELAY_S", "0")
    monkeypatch.setenv("BENCHMART_HTTP_RETRIES", "0")
    sources = write_sources(tmp_path / "sources.yaml", served_samples)
    text = sources.read_text()
    runtime_url = next(line.split("url: ")[1] for line in text.splitlines() if "runtime.csv" in line and "url:" in line)
    text = text.replace(runtime_url, f"file://{tmp_path}/no-such-runtime.csv")  # a local file that is not there
    text = text.replace("litellm_prices.json", "no-such-prices.json")  # an HTTP 404: retried as configured
    sources.write_text(text)
    result = nightly(snapshot_date=date(2026, 11, 28), warehouse_url=f"sqlite:///{tmp_path / 'w.db'}", sources_file=str(sources),
                     data_dir=str(tmp_path / "data"))
    with get_client(sync_client=True) as client:
        runs = {t.name: t.run_count for t in client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[result.run_id])))
                if t.name.startswith("fetch-")}
    assert runs["fetch-benchmart-runtime"] == 1 and runs["fetch-litellm"] == 2, runs
    statuses = {s["source_id"]: s["status"] for s in result.sources}
    assert statuses["benchmart-runtime"] == "missing" and statuses["litellm"] == "missing"


def test_a_backfill_never_replaces_a_snapshot_with_a_much_emptier_one(history):
    tmp, sources = history
    url = f"sqlite:///{tmp / 'w.db'}"
    day = date(2026, 10, 5)
    assert [r["status"] for r in run_backfill(day, day, workers=1, warehouse_url=url, sources_file=str(sources),
                                              data_dir=str(tmp / "data"))] == ["success"]
    engine = make_engine(url)
    before = table_at(engine, "fct_model_price", day).height
    assert before > 10
    # the price payloads of that date are replaced by empty listings (a bad day upstream): no records is no data,
    # so the last good payloads are used, marked stale, and the snapshot keeps its prices
    zone = LandingZone(tmp / "data" / "landing")
    zone.land("litellm", "file:///p.json", b"{}", _at(day))
    zone.land("models-dev", "file:///m.json", b"{}", _at(day))
    (rebuilt,) = run_backfill(day, day, workers=1, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp / "data"))
    assert rebuilt["status"] == "success_stale" and table_at(engine, "fct_model_price", day).height == before
    # then litellm lists a single model: a real payload, much emptier: the rebuilt date would lose most prices
    one = {"gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "litellm_provider": "openai", "mode": "chat"}}
    zone.land("litellm", "file:///p.json", json.dumps(one).encode(), _at(day))
    with pytest.raises(BackfillFailed) as failed:
        run_backfill(day, day, workers=1, warehouse_url=url, sources_file=str(sources), data_dir=str(tmp / "data"))
    assert "prices_collapsed" in failed.value.summary[0]["error"]
    assert table_at(engine, "fct_model_price", day).height == before  # the good snapshot stays

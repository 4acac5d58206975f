"""The command line against the golden warehouse: what a user types and reads."""

import re

import pytest
from typer.testing import CliRunner

from benchmart.cli import app

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    return result.exit_code, re.sub(r"\s+", " ", result.output)


@pytest.fixture()
def wh(golden):
    return golden[2]


def test_compare_prints_the_golden_head_to_head_with_any_alias(wh):
    code, out = invoke("compare", "google/gemma-4-12B-it", "gpt-4.1-mini-2025-04-14", "--warehouse", wh)
    assert code == 0, out
    for expected in [
        "Gemma 4 12B vs GPT-4.1 mini - provisional lane",
        "Coding * │ 72.0 │ 23.6 │ +48.4",
        "Knowledge * │ 77.8 │ 64.2 │ +13.6",
        "Biggest swing: GPQA Diamond │ 78.8 │ 64.2 │ +14.6",
        "Input $/M tokens │ N/A │ $0.40",
        "Output $/M tokens │ N/A │ $1.60",
        "Speed (output tok/s) │ N/A │ 80",
        "Latency (s to first token) │ N/A │ 0.76 s",
        "Context window │ 256K │ 1M",
        "Reasoning model │ yes │ no",
        "apples to oranges",
    ]:
        assert expected in out, expected
    assert "Verdict: Not comparable on shared evidence" in out and "Gemma 4 12B 74.2 vs GPT-4.1 mini 50.9 (+23.3)" in out
    assert "stays ahead in 100% of resamples; call: not comparable" in out and "unranked" in out


def test_compare_in_the_other_order_flips_sides_and_signs(wh):
    code, out = invoke("compare", "GPT-4.1 mini", "Gemma 4 12B", "--warehouse", wh)
    assert code == 0 and "Coding * │ 23.6 │ 72.0 │ -48.4" in out


def test_compare_computes_unranked_pairs_on_demand(wh):
    code, out = invoke("compare", "GPT-4o mini", "GPT-4.1 mini", "--warehouse", wh)  # 4o mini: unranked
    assert code == 0, out
    assert "computed on demand" in out


def test_unknown_model_gets_the_closest_names_and_a_non_zero_exit(wh):
    code, out = invoke("compare", "Gemma 4 13B", "GPT-4.1 mini", "--warehouse", wh)
    assert code == 6
    assert "unknown model 'Gemma 4 13B'" in out and "Gemma 4 12B" in out


def test_leaderboard_lists_ranked_models_with_na_for_missing_prices(wh):
    result = runner.invoke(app, ["leaderboard", "--top", "50", "--warehouse", wh], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    ranks = [int(line.split()[0]) for line in result.output.splitlines() if re.match(r"^\s*\d+\s+\S", line)]
    mini = next(line for line in result.output.splitlines() if "GPT-4.1 mini" in line)
    assert "0.40/1.60" in mini and "N/A" not in mini
    assert ranks[0] == 1 and ranks == sorted(ranks) and len(ranks) == 12  # the samples' models with >= 8 benchmarks
    assert "Gemma 4 12B" not in result.output  # 3 benchmarks: below the floor


def test_leaderboard_shows_every_model_with_the_floor_it_misses_and_orders_by_either_measure(wh):
    result = runner.invoke(app, ["leaderboard", "--all", "--top", "90", "--warehouse", wh], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    gemma = next(line for line in result.output.splitlines() if "Gemma 4 12B" in line)
    assert gemma.count("N/A") == 4  # price, blended price, speed, latency: no source has them, never estimated
    assert "  Gemma 4 12B: 3 weighted benchmarks (8 needed); 1 category with enough benchmarks (2 needed)" in result.output
    by_index = runner.invoke(app, ["leaderboard", "--by", "index", "--warehouse", wh], env={"COLUMNS": "200"})
    assert by_index.exit_code == 0 and "by index" in by_index.output
    ranks = [int(line.split()[0]) for line in by_index.output.splitlines() if re.match(r"^\s*\d+\s+\S", line)]
    assert ranks == sorted(ranks) and len(ranks) == 12


def test_leaderboard_by_category_and_verified_lane(wh):
    code, out = invoke("leaderboard", "--category", "coding", "--lane", "verified", "--warehouse", wh)
    assert code == 0 and "coding - verified lane" in out
    code, out = invoke("leaderboard", "--category", "cooking", "--warehouse", wh)
    assert code == 1 and "unknown category 'cooking'" in out


def test_reading_an_empty_warehouse_says_what_to_do(tmp_path):
    code, out = invoke("leaderboard", "--warehouse", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 5 and "run `benchmart run` first" in out


def test_a_bad_date_is_a_clear_error(wh):
    code, out = invoke("leaderboard", "--date", "28/11/2026", "--warehouse", wh)
    assert code == 2 and "not a date" in out


def test_sources_check_reports_counts_and_unmatched_names_with_suggestions():
    code, out = invoke("sources", "check")
    assert code == 0, out
    assert "benchmart-scores" in out and "303" in out  # records read from the bundled scores CSV
    assert "Command A" in out and "unmatched names, most frequent first" in out
    assert "benchmart-scores: left out by rule: unknown_model 2" in out  # Command A's two score rows


def test_models_unmatched_lists_the_names_no_model_matched(wh):
    code, out = invoke("models", "unmatched", "--warehouse", wh)
    assert code == 0, out
    assert "Command A" in out and "benchmart-scores" in out and "deepseek-reasoner" in out
    code, out = invoke("models", "unmatched", "--kind", "benchmark", "--warehouse", wh)
    assert code == 0 and "Command A" not in out
    code, out = invoke("models", "unmatched", "--kind", "vendor", "--warehouse", wh)
    assert code == 2 and "--kind must be model or benchmark" in out
    code, out = invoke("models", "--warehouse", wh)
    assert code == 0 and "GPT-4.1 mini" in out  # the catalog listing is still the default


def test_evaluate_prints_held_out_agreement_and_calibration(wh):
    result = runner.invoke(app, ["evaluate", "--warehouse", wh])
    code, out = result.exit_code, result.output
    assert code == 0, out
    assert "Leave-one-source-out, provisional lane" in out and "benchmart-scores" in out  # one scores source: nothing held out
    cells = [[c.strip() for c in line.split("│")] for line in out.splitlines() if line.count("│") == 6]
    calibration = {c[2]: c for c in cells if c[1] == "provisional"}
    assert set(calibration) == {"clear_lead", "lead", "too_close", "not_comparable"}
    lowest = float(calibration["clear_lead"][5].rstrip("%"))
    assert lowest >= 95.0


def test_data_in_square_brackets_is_printed_as_is(tmp_path):
    from benchmart.cli.common import err
    from benchmart.errors import ConfigError
    from benchmart.cli.common import fail
    import typer

    with err.capture() as captured:
        with pytest.raises(typer.Exit):
            fail(ConfigError("pattern ^[a-z0-9]+$ does not match 'GPT-5 [high, medium]'"))
    assert "^[a-z0-9]+$" in captured.get() and "GPT-5 [high, medium]" in captured.get()


def test_read_commands_never_create_a_warehouse_and_a_missing_one_is_one_line(tmp_path, pg_reason):
    target = tmp_path / "nowhere" / "x.db"
    code, out = invoke("leaderboard", "--warehouse", f"sqlite:///{target}")
    assert code == 5 and "no warehouse at" in out and "Traceback" not in out
    assert not target.parent.exists()
    if pg_reason is None:
        from ..conftest import PG_URL
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL).set(database="benchmart_no_such_db").render_as_string(hide_password=False)
        result = runner.invoke(app, ["leaderboard", "--warehouse", url])
        assert result.exit_code == 5 and "cannot connect to the warehouse" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 3


def test_configuration_and_argument_errors_come_before_prefect_starts(tmp_path):
    import subprocess
    import sys

    code, out = invoke("run", "--sources", str(tmp_path / "missing.yaml"), "--data-dir", str(tmp_path / "d"))
    assert code == 2 and "sources file not found" in out and "Traceback" not in out
    assert not (tmp_path / "d").exists()
    code, out = invoke("backfill", "--start", "2026-11-10", "--end", "2026-11-01")
    assert code == 2 and "--end 2026-11-01 is before --start 2026-11-10" in out
    code, out = invoke("backfill", "--start", "2026-11-01", "--end", "2026-11-02", "--runner", "nope")
    assert code == 2 and "--runner must be threads, processes or dask" in out
    probe = ("import sys\nfrom benchmart.cli import app\ntry:\n    app(['backfill', '--start', '2026-11-10', '--end', '2026-11-01'])\n"
             "except SystemExit:\n    pass\nprint('prefect flows imported:', 'benchmart.flows.backfill' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert "prefect flows imported: False" in out.stdout, out.stdout + out.stderr[-1000:]


def test_the_readme_exit_code_table_is_generated_from_the_code_and_the_commands_keep_to_it(wh, tmp_path):
    from benchmart.errors import ConfigError, UnknownModel, WarehouseError, exit_code_table

    from ..conftest import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme.split("<!-- exit-codes -->\n", 1)[1].split("<!-- /exit-codes -->", 1)[0].strip()
    assert table == exit_code_table(), "README's exit-code table is stale: paste benchmart.errors.exit_code_table()"
    assert invoke("leaderboard", "--lane", "sideways", "--warehouse", wh)[0] == ConfigError.exit_code
    assert invoke("run", "--sources", str(tmp_path / "nope.yaml"))[0] == ConfigError.exit_code
    assert invoke("compare", "No Such Model", "GPT-4.1 mini", "--warehouse", wh)[0] == UnknownModel.exit_code
    assert invoke("leaderboard", "--warehouse", f"sqlite:///{tmp_path}/missing.db")[0] == WarehouseError.exit_code
    assert invoke("leaderboard", "--no-such-option")[0] == 2  # Typer's own usage errors: the same code as ours


def test_serve_and_deploy_refuse_without_a_running_prefect_api_and_say_how_to_start_one():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # nothing listens on the discard port
        for args in (["serve"], ["deploy", "--pool", "p"]):
            code, out = invoke(*args)
            assert code == 2 and "does not answer" in out and "prefect server start" in out, out
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        code, out = invoke("serve")
        assert code == 2 and "PREFECT_API_URL is not set" in out, out


def test_a_warehouse_password_never_becomes_a_prefect_parameter(monkeypatch):
    from benchmart.cli.common import flow_params

    monkeypatch.setenv("BENCHMART_WAREHOUSE_URL", "unset-after-the-test")  # so monkeypatch restores "absent" at the end,
    monkeypatch.delenv("BENCHMART_WAREHOUSE_URL")  # whatever flow_params sets below
    secret_url = "postgresql+psycopg://bench:s3cret@db.example:5432/wh"
    params = flow_params(secret_url, None, None)
    assert "warehouse_url" not in params and "s3cret" not in str(params)
    import os

    assert os.environ.pop("BENCHMART_WAREHOUSE_URL") == secret_url  # the run reads it from its environment instead
    code, out = invoke("serve", "--warehouse", secret_url)  # refused before the Prefect API is even asked
    assert code == 2 and "BENCHMART_WAREHOUSE_SECRET" in out and "s3cret" not in out
    assert flow_params("postgresql+psycopg://bench@db.example/wh", None, None) == {"warehouse_url": "postgresql+psycopg://bench@db.example/wh"}


def test_the_warehouse_url_can_come_from_a_prefect_secret_block(monkeypatch, prefect_harness):
    from prefect.blocks.system import Secret

    from benchmart.settings import Settings

    Secret(value="sqlite:////tmp/from-secret.db").save("benchmart-test-warehouse", overwrite=True)
    monkeypatch.setenv("BENCHMART_WAREHOUSE_URL", "unset-after-the-test")
    monkeypatch.delenv("BENCHMART_WAREHOUSE_URL")
    monkeypatch.setenv("BENCHMART_WAREHOUSE_SECRET", "benchmart-test-warehouse")
    assert Settings().resolved_warehouse_url() == "sqlite:////tmp/from-secret.db"
    monkeypatch.setenv("BENCHMART_WAREHOUSE_SECRET", "no-such-block")
    with pytest.raises(Exception, match="cannot read the Prefect Secret block 'no-such-block'"):
        Settings().resolved_warehouse_url()

"""The benchmark script keeps working (tiny sizes; it prints figures, nothing here asserts a timing)."""

from pathlib import Path
import subprocess
import sys

from .conftest import PROJECT_ROOT


def _bench_module(name: str):
    """A script of bench/ as a module, by path (a bare `import nightly` could find another module of that name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"benchmart_bench_{name}", PROJECT_ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_publish_benchmark_runs_at_a_tiny_size(pg_url):
    from .conftest import PG_URL

    out = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "publish.py"), "--pg", PG_URL, "--models", "20", "--benchmarks", "5",
         "--ranked", "10", "--sqlite"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "fct_benchmark_observation           100" in out.stdout and "mart_head_to_head                    45" in out.stdout
    assert "SQLite" in out.stdout


def test_scale_benchmark_checks_its_duckdb_reference_at_a_tiny_size():
    out = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "scale.py"), "--sizes", "60x12", "--top-k", "20"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "the DuckDB reference agrees" in out.stdout
    for stage in ("scores", "categories", "bootstrap", "leaderboard", "pairs", "figures", "verdicts", "validate"):
        assert f"  {stage} " in out.stdout, stage


def test_scale_benchmark_stops_when_the_reference_disagrees():
    import polars as pl
    import pytest

    scale = _bench_module("scale")

    ours = pl.DataFrame({"lane": ["p", "p"], "model_id": ["a", "b"], "score": [1.0, 2.0]})
    scale.agree(ours, ours.with_columns(pl.col("score") + 1e-7), ["lane", "model_id"], "within rounding")  # 6-decimal figure
    with pytest.raises(SystemExit, match="disagree on scores.score"):
        scale.agree(ours, ours.with_columns(pl.col("score") + 1e-3), ["lane", "model_id"], "scores")
    with pytest.raises(SystemExit, match="disagree"):
        scale.agree(ours, ours.with_columns(pl.col("model_id").replace({"b": "c"})), ["lane", "model_id"], "ids")


def test_the_plain_nightly_script_does_the_samples_data_work(tmp_path):
    import sqlite3

    nightly = _bench_module("nightly")

    assert nightly.plain_script(tmp_path, tmp_path / "plain.db") > 0
    with sqlite3.connect(tmp_path / "plain.db") as db:
        rows = dict(db.execute("SELECT model_id, input FROM board").fetchall())
    assert len(rows) > 30 and abs(rows["gpt-4.1-mini"] - 0.4) < 1e-9


def test_the_plain_nightly_script_reads_the_nine_public_payloads(tmp_path):
    """Landed as a run lands them (a zip for the multi-file sources), from the excerpts in tests/fixtures."""
    import sqlite3

    from benchmart.ingest.connectors.bundle import pack

    from .conftest import FIXTURES

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    epoch = tree(FIXTURES / "epoch")
    payloads = {
        "litellm": (FIXTURES / "litellm_model_prices_excerpt.json").read_bytes(),
        "models-dev": (FIXTURES / "models_dev_excerpt.json").read_bytes(),
        "openrouter": (FIXTURES / "openrouter_models_excerpt.json").read_bytes(),
        "aider-polyglot": (FIXTURES / "aider_polyglot_leaderboard_excerpt.yml").read_bytes(),
        "aider-edit": (FIXTURES / "aider_edit_leaderboard_excerpt.yml").read_bytes(),
        "livebench": pack(tree(FIXTURES / "livebench")),
        "epoch": pack(epoch),
        "llm-stats": pack(tree(FIXTURES / "llm_stats" / "data")),
        "terminal-bench": pack(epoch),
    }
    for source, payload in payloads.items():
        (tmp_path / "landing" / source / "2026-11-28").mkdir(parents=True)
        (tmp_path / "landing" / source / "2026-11-28" / "payload.bin").write_bytes(payload)
    nightly = _bench_module("nightly")
    assert nightly.plain_public(tmp_path, tmp_path / "plain.db") > 0
    with sqlite3.connect(tmp_path / "plain.db") as db:
        rows = dict(db.execute("SELECT model_id, input FROM board").fetchall())
    assert len(rows) >= 4 and rows["claude-3-7-sonnet"] == 3.0, rows


def test_backfill_benchmark_runs_at_a_tiny_size(tmp_path):
    out = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "backfill.py"), "--days", "2", "--shared", str(tmp_path / "none")],
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(line for line in out.stdout.splitlines() if line.strip().startswith("bundled samples"))
    assert line.split()[2] == "2", line  # both dates published
    floor = next(line for line in out.stdout.splitlines() if "x the floor" in line)
    rows = int(floor.split(" s for ")[1].split(" rows")[0].replace(",", ""))
    assert rows > 1000, floor  # a date of the samples: its snapshot tables and run detail
    assert "dates that built (1): " in out.stdout and "publish" in out.stdout.split("dates that built (1): ")[1].splitlines()[0]

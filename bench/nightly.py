"""The nightly run end to end, next to a minimal plain script of the same data work, printed as a ratio.

    .venv/bin/python bench/nightly.py [--runs 3] [--shared ../shared/sources]

For the bundled samples and (when the folder is there) the public snapshots in ../shared/sources, read
through file:// URLs: `benchmart run` as a user runs it (a temporary Prefect API, or PREFECT_API_URL when
set), medians of --runs, with the run's own stage seconds (ops_pipeline_run.stages: the data work without
start-up and imports). The plain script does the samples' data work with Polars alone: read the scores CSV
and the LiteLLM prices, resolve names with one join on the catalog's aliases, normalize, category means,
the weighted overall, write SQLite. It is a floor, not a competitor: no validation, no provenance, no
history, no head-to-head.
"""

import argparse
import json
import os
from pathlib import Path
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
FILE_ROOTS: list[Path] = []  # folders file:// sources may read besides the sources file's (the shared snapshots)
BIN = Path(sys.executable).parent


def shared_sources_file(shared: Path, out: Path) -> Path | None:
    """sources.public.yaml pointed at the snapshots in `shared` (file:// URLs)."""
    if not shared.is_dir():
        return None
    FILE_ROOTS.append(shared.resolve())
    base = f"file://{shared.resolve()}"
    text = (ROOT / "sources.public.yaml").read_text()
    for old, new in [
        ("https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json", f"{base}/litellm_model_prices_and_context_window.json"),
        ("https://models.dev/api.json", f"{base}/models_dev_api.json"), ("https://openrouter.ai/api/v1/models", f"{base}/openrouter_models.json"),
        ("https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/", f"{base}/aider/aider_"),
        ("https://livebench.ai/", f"{base}/livebench/"), ("https://epoch.ai/data/benchmark_data.zip", f"{base}/epoch"),
        ("https://codeload.github.com/JonathanChavezTamales/llm-leaderboard/tar.gz/refs/heads/main", f"{base}/llm_stats/data"),
    ]:
        text = text.replace(old, new)
    out.write_text(text)
    return out


def run_env() -> dict[str, str]:
    """The environment of a `benchmart` subprocess: file:// sources may read the shared snapshots (outside the repo)."""
    return os.environ | {"BENCHMART_FILE_ROOTS": json.dumps([str(root) for root in FILE_ROOTS])}


def timed_run(sources: Path, runs: int) -> tuple[float, dict]:
    """Median wall seconds of `benchmart run` into a fresh data dir each time, and the last run's stage seconds."""
    walls, stages = [], {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            subprocess.run([str(BIN / "benchmart"), "run", "--date", "2026-11-28", "--sources", str(sources), "--data-dir", tmp],
                           check=False, capture_output=True, cwd=ROOT, env=run_env())
            walls.append(time.perf_counter() - t)
            with sqlite3.connect(f"{tmp}/benchmart.db") as db:
                stages = json.loads(db.execute("SELECT stages FROM ops_pipeline_run").fetchone()[0])
    return statistics.median(walls), stages


def plain_script(out_db: Path) -> float:
    """The samples' data work with Polars alone; returns seconds."""
    import yaml

    t = time.perf_counter()
    catalog = ROOT / "catalog"
    models = yaml.safe_load((catalog / "models.yaml").read_text())["models"]
    benches = yaml.safe_load((catalog / "benchmarks.yaml").read_text())["benchmarks"]
    cats = pl.DataFrame(yaml.safe_load((catalog / "categories.yaml").read_text())["categories"])
    names = pl.DataFrame([(n.lower(), m["id"]) for m in models for n in [m["id"], m["display_name"], *m.get("aliases", [])]],
                         schema=["name", "model_id"], orient="row").unique("name")
    bench_names = pl.DataFrame([(n.lower(), b["id"], b["category"], b.get("weighted", True))
                                for b in benches for n in [b["id"], b["display_name"], *b.get("aliases", [])]],
                               schema=["benchmark", "benchmark_id", "category_id", "weighted"], orient="row").unique("benchmark")
    scores = (pl.read_csv(ROOT / "samples" / "scores.csv")
              .with_columns(pl.col("model").str.to_lowercase().alias("name"), pl.col("benchmark").str.to_lowercase())
              .join(names, on="name").join(bench_names, on="benchmark").filter(pl.col("weighted")))
    scores = scores.with_columns(pl.when(pl.col("value") <= 1).then(pl.col("value") * 100).otherwise(pl.col("value")).alias("score"))
    category = scores.group_by("model_id", "category_id").agg(pl.col("score").mean())
    overall = category.join(cats.rename({"id": "category_id"}), on="category_id").group_by("model_id").agg(
        ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("overall"))
    prices = json.loads((ROOT / "samples" / "litellm_prices.json").read_text())
    price = pl.DataFrame([(k.split("/")[-1].lower(), v.get("input_cost_per_token"), v.get("output_cost_per_token"))
                          for k, v in prices.items() if isinstance(v, dict)], schema=["name", "input", "output"], orient="row", infer_schema_length=None)
    board = overall.join(price.join(names, on="name").group_by("model_id").agg(pl.col("input").min() * 1e6, pl.col("output").min() * 1e6),
                         on="model_id", how="left").sort("overall", descending=True)
    with sqlite3.connect(out_db) as db:
        db.execute("CREATE TABLE board (model_id TEXT, overall REAL, input REAL, output REAL)")
        db.executemany("INSERT INTO board VALUES (?, ?, ?, ?)", board.rows())
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "sources")
    args = ap.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with tempfile.TemporaryDirectory() as tmp:
        plain = statistics.median(plain_script(Path(tmp) / f"plain{i}.db") for i in range(args.runs))
        cases = [("bundled samples", ROOT / "sources.yaml")]
        shared = shared_sources_file(args.shared, Path(tmp) / "shared.yaml")
        if shared:
            cases.append((f"public snapshots ({args.shared})", shared))
        api = "a running Prefect API" if os.environ.get("PREFECT_API_URL") else "a temporary Prefect API"
        print(f"\nbenchmart run end to end ({api}), median of {args.runs}; stages from ops_pipeline_run")
        print(f"  {'case':44} {'wall s':>7} {'data work s':>12}  stages")
        for name, sources in cases:
            wall, stages = timed_run(sources, args.runs)
            work = sum(stages.values())
            print(f"  {name:44} {wall:>7.2f} {work:>12.2f}  " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
            if name == "bundled samples":
                print(f"  {'plain Polars script, same samples':44} {plain:>7.2f} {plain:>12.2f}  "
                      f"(data work ratio {work / plain:.1f}x, whole run {wall / plain:.1f}x)")


if __name__ == "__main__":
    main()

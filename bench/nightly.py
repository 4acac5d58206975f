"""The nightly run end to end, next to a minimal plain script of the same data work, printed as a ratio.

    .venv/bin/python bench/nightly.py [--runs 3] [--shared ../shared/sources]

For the bundled samples and (when the folder is there) the public snapshots in ../shared/sources, read
through file:// URLs: `benchmart run` as a user runs it (a temporary Prefect API, or PREFECT_API_URL when
set), medians of --runs, with the run's own stage seconds (ops_pipeline_run.stages: the data work without
start-up and imports). Next to each, a plain script of the same data work with Polars alone, on the payloads
that run landed: parse them (the samples' scores CSV and LiteLLM prices; the nine public payloads), resolve names
with one join on the catalog's names, normalize, category means, the weighted overall, the cheapest price, write
SQLite. It is a floor, not a competitor: no validation, no provenance, no registry, no history, no head-to-head.
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


def timed_run(sources: Path, runs: int, plain) -> tuple[float, dict, float]:
    """Median wall seconds of `benchmart run` into a fresh data dir each time, the last run's stage seconds, and the
    median seconds of `plain(data_dir, out_db)`, the plain script on what that run landed."""
    walls, stages, plains = [], {}, []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            subprocess.run([str(BIN / "benchmart"), "run", "--date", "2026-11-28", "--sources", str(sources), "--data-dir", tmp],
                           check=False, capture_output=True, cwd=ROOT, env=run_env())
            walls.append(time.perf_counter() - t)
            with sqlite3.connect(f"{tmp}/benchmart.db") as db:
                stages = json.loads(db.execute("SELECT stages FROM ops_pipeline_run").fetchone()[0])
            plains.append(plain(Path(tmp), Path(tmp) / f"plain{i}.db"))
    return statistics.median(walls), stages, statistics.median(plains)


def _catalog_names() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(name -> model_id), (benchmark name -> benchmark_id, category_id, weighted), categories: the curated catalog."""
    import yaml

    catalog = ROOT / "catalog"
    load = lambda name: yaml.load((catalog / f"{name}.yaml").read_text(), Loader=yaml.CSafeLoader)  # noqa: E731
    models, benches = load("models")["models"], load("benchmarks")["benchmarks"]
    names = pl.DataFrame([(n.lower(), m["id"]) for m in models for n in [m["id"], m["display_name"], *m.get("aliases", [])]],
                         schema=["name", "model_id"], orient="row").unique("name")
    bench_names = pl.DataFrame([(n.lower(), b["id"], b["category"], b.get("weighted", True))
                                for b in benches for n in [b["id"], b["display_name"], *b.get("aliases", [])]],
                               schema=["benchmark", "benchmark_id", "category_id", "weighted"], orient="row").unique("benchmark")
    return names, bench_names, pl.DataFrame(load("categories")["categories"])


def _board(scores: pl.DataFrame, prices: pl.DataFrame, out_db: Path) -> None:
    """scores (model, benchmark, value), prices (model, input, output per token) -> one join each to resolve names,
    normalize, category means, the weighted overall, the cheapest price, write SQLite."""
    names, bench_names, cats = _catalog_names()
    scores = (scores.with_columns(pl.col("model").str.to_lowercase().alias("name"), pl.col("benchmark").str.to_lowercase())
              .join(names, on="name").join(bench_names, on="benchmark").filter(pl.col("weighted")))
    scores = scores.with_columns(pl.when(pl.col("value") <= 1).then(pl.col("value") * 100).otherwise(pl.col("value")).alias("score"))
    category = scores.group_by("model_id", "category_id").agg(pl.col("score").mean())
    overall = category.join(cats.rename({"id": "category_id"}), on="category_id").group_by("model_id").agg(
        ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("overall"))
    price = (prices.with_columns(pl.col("model").str.split("/").list.last().str.to_lowercase().alias("name"))
             .join(names, on="name").group_by("model_id").agg(pl.col("input").min() * 1e6, pl.col("output").min() * 1e6))
    board = overall.join(price, on="model_id", how="left").sort("overall", descending=True)
    with sqlite3.connect(out_db) as db:
        db.execute("CREATE TABLE board (model_id TEXT, overall REAL, input REAL, output REAL)")
        db.executemany("INSERT INTO board VALUES (?, ?, ?, ?)", board.rows())


PRICE = {"model": pl.String, "input": pl.Float64, "output": pl.Float64}
SCORE = {"model": pl.String, "benchmark": pl.String, "value": pl.Float64}


def plain_script(data_dir: Path, out_db: Path) -> float:
    """The samples' data work with Polars alone; returns seconds."""
    t = time.perf_counter()
    prices = json.loads((ROOT / "samples" / "litellm_prices.json").read_text())
    price = pl.DataFrame([(k, v.get("input_cost_per_token"), v.get("output_cost_per_token"))
                          for k, v in prices.items() if isinstance(v, dict)], schema=PRICE, orient="row")
    _board(pl.read_csv(ROOT / "samples" / "scores.csv").select("model", "benchmark", pl.col("value").cast(pl.Float64)), price, out_db)
    return time.perf_counter() - t


def plain_public(data_dir: Path, out_db: Path) -> float:
    """The public snapshots' data work with Polars alone, on the payloads a run landed (so the same bytes); seconds.

    Each of the nine payloads parsed into (model, benchmark, value) scores or (model, input, output) prices with the
    fewest lines that read the figures (no provenance, rejects, variants, dates, runtime or model facts), then the
    same tail as the samples' script."""
    import io
    import yaml
    import zipfile

    t = time.perf_counter()
    payload = lambda source: next((data_dir / "landing" / source).glob("*/*.bin")).read_bytes()  # noqa: E731
    members = lambda source: (z := zipfile.ZipFile(io.BytesIO(payload(source))), {n: z.read(n) for n in z.namelist()})[1]  # noqa: E731
    scores, prices = [], []

    litellm = json.loads(payload("litellm"))
    prices.append(pl.DataFrame([(k, v.get("input_cost_per_token"), v.get("output_cost_per_token"))
                                for k, v in litellm.items() if isinstance(v, dict)], schema=PRICE, orient="row", strict=False))
    dev = json.loads(payload("models-dev"))
    prices.append(pl.DataFrame([(m.get("id"), (m.get("cost") or {}).get("input"), (m.get("cost") or {}).get("output"))
                                for p in dev.values() for m in (p.get("models") or {}).values()], schema=PRICE, orient="row", strict=False)
                  .with_columns(pl.col("input", "output") / 1e6))
    router = json.loads(payload("openrouter"))["data"]
    prices.append(pl.DataFrame([(m["id"], m["pricing"].get("prompt"), m["pricing"].get("completion")) for m in router],
                               schema={"model": pl.String, "input": pl.String, "output": pl.String}, orient="row")
                  .with_columns(pl.col("input", "output").cast(pl.Float64, strict=False)))
    for source, bench in (("aider-polyglot", "Aider Polyglot"), ("aider-edit", "Aider Edit")):
        runs = yaml.load(payload(source), Loader=yaml.CSafeLoader)
        scores.append(pl.DataFrame([(r.get("model"), bench, r.get("pass_rate_2")) for r in runs], schema=SCORE, orient="row", strict=False))
    live = members("livebench")
    table = pl.read_csv(io.BytesIO(next(v for k, v in live.items() if k.endswith(".csv"))))
    scores.append(table.unpivot(index="model", variable_name="benchmark").select("model", "benchmark", pl.col("value").cast(pl.Float64)))
    epoch = members("epoch")
    versions = pl.read_csv(io.BytesIO(epoch["model_versions.csv"]), infer_schema=False).select(pl.col("id").alias("version"), pl.col("Model").alias("model"))
    for name, data in epoch.items():
        if name.startswith("external_benchmark_"):
            frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
            value = next(c for c in frame.columns if c in ("Score", "EM", "Percent correct", "Mean score", "Global average",
                                                            "Score (AVG@5)", "Accuracy mean"))
            scores.append(frame.select(pl.col("Model version").alias("version"), pl.lit(name[19:-4]).alias("benchmark"),
                                       pl.col(value).cast(pl.Float64, strict=False).alias("value"))
                          .join(versions, on="version", how="left").select("model", "benchmark", "value"))
    runs = pl.read_csv(io.BytesIO(epoch["benchmarks_runs.csv"]), infer_schema=False)
    scores.append(runs.select("model", pl.col("task").alias("benchmark"), pl.col("Best score (across scorers)").cast(pl.Float64, strict=False).alias("value")))
    rows, offers = [], []
    for name, data in members("llm-stats").items():
        if name.endswith("/benchmarks.json") and "/models/" in name:
            rows += [(r.get("model_id"), r.get("benchmark_id"), r.get("score")) for r in json.loads(data)]
        elif name.startswith("providers/") and name.endswith("/models.json"):
            offers += [(r.get("model_id"), r.get("input_cents_per_million_tokens"), r.get("output_cents_per_million_tokens")) for r in json.loads(data)]
    scores.append(pl.DataFrame(rows, schema=SCORE, orient="row", strict=False))
    prices.append(pl.DataFrame(offers, schema=PRICE, orient="row", strict=False).with_columns(pl.col("input", "output") / 1e8))
    bench = members("terminal-bench")["external_benchmark_terminal_bench.csv"]
    scores.append(pl.read_csv(io.BytesIO(bench), infer_schema=False).select(
        pl.col("Model version").alias("model"), pl.lit("Terminal-Bench").alias("benchmark"), pl.col("Accuracy mean").cast(pl.Float64, strict=False).alias("value")))
    _board(pl.concat(scores).drop_nulls(), pl.concat(prices), out_db)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "sources")
    args = ap.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("bundled samples", ROOT / "sources.yaml", plain_script)]
        shared = shared_sources_file(args.shared, Path(tmp) / "shared.yaml")
        if shared:
            cases.append((f"public snapshots ({args.shared})", shared, plain_public))
        api = "a running Prefect API" if os.environ.get("PREFECT_API_URL") else "a temporary Prefect API"
        print(f"\nbenchmart run end to end ({api}), median of {args.runs}; stages from ops_pipeline_run; the plain script on the")
        print("payloads the same run landed, in-process seconds (its imports and the interpreter's start not counted)")
        print(f"  {'case':44} {'wall s':>7} {'data work s':>12}  stages")
        for name, sources, plain_fn in cases:
            wall, stages, plain = timed_run(sources, args.runs, plain_fn)
            work = sum(stages.values())
            print(f"  {name:44} {wall:>7.2f} {work:>12.2f}  " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
            print(f"  {'  plain Polars script, same payloads':44} {'':>7} {plain:>12.2f}  "
                  f"(data work ratio {work / plain:.1f}x, whole run {wall / plain:.1f}x)")

if __name__ == "__main__":
    main()

"""Publishing throughput on PostgreSQL (and SQLite): benchmart's publish vs bare psycopg COPY, same data, same run.

    .venv/bin/python bench/publish.py [--pg URL] [--models 5000] [--benchmarks 300] [--ranked 2000] [--sqlite]

Synthetic snapshot: models x benchmarks observation rows (fct_benchmark_observation) and the
head-to-head of `ranked` models (ranked*(ranked-1)/2 rows of mart_head_to_head). For each table:
  publish-new      benchmart publish_snapshot into a table without that snapshot
  publish-replace  the same date again: DELETE of the replaced snapshot + COPY, index maintenance included
  copy-csv         bare psycopg COPY of pre-serialized CSV bytes into an empty twin (same PK index): server-side bound
  copy-rows        bare psycopg COPY with cursor.copy().write_row() from Python tuples: the usual hand-written loader
Prints rows/s for each and publish-replace as a share of copy-csv (the target is >= 80%).
"""

import argparse
from datetime import date
import os
import sys
import tempfile
import time
import uuid

import numpy as np
import polars as pl
import psycopg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmart.warehouse.engine import make_engine
from benchmart.warehouse.migrate import ensure_current  # noqa: E402
from benchmart.warehouse.publish import publish_snapshot  # noqa: E402

DAY = date(2026, 11, 28)


def observations(n_models: int, n_bench: int) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    n = n_models * n_bench
    raw = rng.uniform(0, 100, n).round(2)
    return pl.DataFrame({
        "snapshot_date": pl.repeat(DAY, n, eager=True),
        "source_id": pl.repeat("synthetic", n, eager=True),
        "model_id": pl.Series(np.repeat([f"model-{i:05d}" for i in range(n_models)], n_bench)),
        "benchmark_id": pl.Series(np.tile([f"bench-{j:03d}" for j in range(n_bench)], n_models)),
        "variant": pl.repeat(None, n, dtype=pl.String, eager=True),
        "raw_value": raw,
        "unit": pl.repeat(None, n, dtype=pl.String, eager=True),
        "score": raw,
        "observed_on": pl.repeat(date(2026, 11, 1), n, eager=True),
        "provenance": pl.repeat("verified", n, eager=True),
        "citation": pl.repeat("https://example.org/paper", n, eager=True),
        "source_model_name": pl.Series(np.repeat([f"Model {i}" for i in range(n_models)], n_bench)),
        "release": pl.repeat(None, n, dtype=pl.String, eager=True),
        "harness": pl.repeat("synthetic", n, eager=True),
    })


def head_to_head(n_ranked: int) -> pl.DataFrame:
    ids = pl.DataFrame({"model_a_id": [f"model-{i:05d}" for i in range(n_ranked)], "overall_a": np.linspace(90, 10, n_ranked)})
    pairs = ids.join_where(ids.rename({"model_a_id": "model_b_id", "overall_a": "overall_b"}), pl.col("model_a_id") < pl.col("model_b_id"))
    n = pairs.height
    return pairs.select(
        pl.lit(DAY).alias("snapshot_date"), pl.lit("provisional").alias("lane"), "model_a_id", "model_b_id", "overall_a", "overall_b",
        (pl.col("overall_a") - pl.col("overall_b")).alias("overall_diff"), pl.col("model_a_id").alias("leader_model_id"),
        pl.lit(4, pl.Int64).alias("shared_categories"), pl.lit("coding").alias("sharpest_category_id"),
        pl.lit("bench-001").alias("swing_benchmark_id"), pl.lit(80.0).alias("swing_a"), pl.lit(60.0).alias("swing_b"),
        pl.format("{} leads {} overall by a margin; sharpest category gap: Coding; biggest swing on a shared benchmark: bench-001.",
                  "model_a_id", "model_b_id").alias("verdict"),
        pl.lit(12, pl.Int64).alias("shared_benchmarks"), pl.lit(0.97).alias("p_lead"), pl.lit("clear_lead").alias("call"),
    ).head(n)


def dimensions(n_models: int, n_bench: int) -> dict[str, pl.DataFrame]:
    """The dimension rows the synthetic facts refer to (the warehouse's foreign keys want them; published untimed)."""
    models = [f"model-{i:05d}" for i in range(n_models)]
    nulls = {"family": pl.String, "is_reasoning": pl.Boolean, "context_window_tokens": pl.Int64, "max_output_tokens": pl.Int64,
             "open_weights": pl.Boolean, "release_date": pl.Date, "origin": pl.String, "aliases": pl.String, "field_sources": pl.String}
    benches = [f"bench-{j:03d}" for j in range(n_bench)]
    return {
        "dim_category": pl.DataFrame({"category_id": ["coding"], "display_name": ["Coding"], "weight": [1.0],
                                      "min_benchmarks": pl.Series([None], dtype=pl.Int64)}),
        "dim_benchmark": pl.DataFrame({"benchmark_id": benches, "display_name": benches}).with_columns(
            category_id=pl.lit("coding"), is_weighted=pl.lit(True), scale=pl.lit("percent"), scale_min=pl.lit(None, pl.Float64),
            scale_max=pl.lit(None, pl.Float64), higher_is_better=pl.lit(True), version=pl.lit("1"), freshness=pl.lit("current")),
        "dim_model": pl.DataFrame({"model_id": models, "display_name": models}).with_columns(
            vendor=pl.lit("synthetic"), **{c: pl.lit(None, t) for c, t in nulls.items()}),
        "dim_source": pl.DataFrame({"source_id": ["synthetic"], "kind": ["scores"], "format": ["csv"], "url": ["file:///synthetic"],
                                    "license": pl.Series([None], dtype=pl.String), "priority": [1], "provenance_default": ["verified"],
                                    "on_failure": ["use_last_good"]}),
    }


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bare_copy(conninfo: str, schema: str, name: str, frame: pl.DataFrame) -> tuple[float, float]:
    twin = f"{name}_bench_ref"
    cols = ", ".join(frame.columns)
    csv = frame.write_csv(include_header=False).encode()
    rows = frame.rows()
    results = []
    for mode in ("csv", "rows"):
        with psycopg.connect(conninfo, options=f"-csearch_path={schema}") as conn:
            conn.execute(f"DROP TABLE IF EXISTS {twin}")
            conn.execute(f"CREATE TABLE {twin} (LIKE {name} INCLUDING ALL)")
            conn.commit()
            t = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY {twin} ({cols}) FROM STDIN" + (" (FORMAT csv)" if mode == "csv" else "")) as cp:
                if mode == "csv":
                    cp.write(csv)
                else:
                    for r in rows:
                        cp.write_row(r)
            conn.commit()
            results.append(time.perf_counter() - t)
            conn.execute(f"DROP TABLE {twin}")
            conn.commit()
    return results[0], results[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("BENCHMART_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--models", type=int, default=5000)
    ap.add_argument("--benchmarks", type=int, default=300)
    ap.add_argument("--ranked", type=int, default=2000)
    ap.add_argument("--sqlite", action="store_true", help="also measure the SQLite publish")
    args = ap.parse_args()

    t = time.perf_counter()
    frames = {"fct_benchmark_observation": observations(args.models, args.benchmarks), "mart_head_to_head": head_to_head(args.ranked)}
    dims = dimensions(max(args.models, args.ranked), args.benchmarks)
    print("synthetic data: " + ", ".join(f"{k} {v.height:,} rows" for k, v in frames.items()) + f" ({time.perf_counter() - t:.1f} s)")

    from sqlalchemy.engine import make_url

    u = make_url(args.pg)
    conninfo = f"host={u.host} port={u.port or 5432} user={u.username} dbname={u.database}"
    schema = f"bm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    try:
        engine = make_engine(str(u.set(query={"options": f"-csearch_path={schema}"})), writer=True)
        ensure_current(engine)
        publish_snapshot(engine, DAY, dims)
        print(f"\nPostgreSQL {u.host}:{u.port or 5432}/{u.database}, schema {schema}")
        print(f"{'table':28} {'rows':>10} {'publish-new':>14} {'publish-replace':>16} {'copy-csv':>12} {'copy-rows':>12} {'replace/csv':>12}")
        for name, frame in frames.items():
            new = timed(lambda: publish_snapshot(engine, DAY, {name: frame}))
            replace = timed(lambda: publish_snapshot(engine, DAY, {name: frame}))
            csv_s, rows_s = bare_copy(conninfo, schema, name, frame)
            n = frame.height
            print(f"{name:28} {n:>10,} {n / new:>12,.0f}/s {n / replace:>14,.0f}/s {n / csv_s:>10,.0f}/s {n / rows_s:>10,.0f}/s {csv_s / replace:>11.0%}")
        engine.dispose()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")
            c.execute(f"DROP SCHEMA IF EXISTS {schema}_partitions CASCADE")

    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db", writer=True)
            ensure_current(engine)
            publish_snapshot(engine, DAY, dims)
            print("\nSQLite (WAL, one executemany per table in one transaction)")
            for name, frame in frames.items():
                new = timed(lambda: publish_snapshot(engine, DAY, {name: frame}))
                replace = timed(lambda: publish_snapshot(engine, DAY, {name: frame}))
                print(f"{name:28} {frame.height:>10,} rows: publish-new {frame.height / new:,.0f}/s, publish-replace {frame.height / replace:,.0f}/s")
            engine.dispose()


if __name__ == "__main__":
    main()

"""How benchmart's table step scales: a seeded synthetic snapshot, each stage timed with the peak RSS so far, and
a DuckDB SQL reference of the same transforms on the same inputs that must agree before any ratio is printed.

    .venv/bin/python bench/scale.py [--sizes 200x40,1000x150,5000x300] [--top-k 500] [--all-pairs-up-to 1000]

Synthetic data: N models x M benchmarks over the catalog's 8 categories, each model covering 10-60% of the
benchmarks, scores from a logistic model (ability, difficulty, slope) plus noise, observations spread over
three overlapping sources (one verified), 1-3 price offers for 80% of the models. Each size runs in its own
process, so the peak RSS is that size's. Stages:

  scores      fct_benchmark_score (the preferred observation per model and benchmark)
  categories  mart_category_score and the per-lane benchmark scores
  bootstrap   the evidence floors, the paired bootstrap (intervals, ranks) and the index fit
  leaderboard mart_leaderboard (prices and runtime included)
  pairs       the published pairs (top K comparable models per lane) and their lead probabilities
  figures     the pairs' figures on dense matrices (shared benchmarks, swing, per-category rows)
  verdicts    mart_head_to_head (calls and verdict text)
  validate    Great Expectations on the three marts

The DuckDB reference computes fct_benchmark_score, mart_category_score, the overall and the pair figures
(both pair tables without the verdict text) in SQL; benchmart's frames must equal it (ids exactly, numbers to
1e-9) or the script stops. It needs `pip install duckdb` (`make bench` installs it).
"""

import argparse
from datetime import date
import os
import resource
import subprocess
import sys
import time

import numpy as np
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DAY = date(2026, 11, 28)
SOURCES = pl.DataFrame({"source_id": ["s-verified", "s-board", "s-vendor"], "priority": [90, 50, 30], "kind": ["scores"] * 3,
                        "format": ["csv"] * 3, "url": ["file:///synthetic"] * 3, "license": ["synthetic"] * 3,
                        "provenance_default": ["verified", "unverified", "unverified"], "on_failure": ["stale"] * 3})


def synthetic(n_models: int, n_bench: int, seed: int = 7) -> dict[str, pl.DataFrame]:
    """The inputs of the table step: observations, prices, categories, benchmarks, models, sources."""
    from benchmart.ingest.catalog import load_catalog
    from benchmart.settings import packaged_catalog

    rng = np.random.default_rng(seed)
    categories = load_catalog(packaged_catalog()).categories_frame()
    cat_ids = categories["category_id"].to_list()
    bench_ids = [f"bench-{j:03d}" for j in range(n_bench)]
    benchmarks = pl.DataFrame({
        "benchmark_id": bench_ids, "display_name": [f"Bench {j}" for j in range(n_bench)],
        "category_id": [cat_ids[j % len(cat_ids)] for j in range(n_bench)], "is_weighted": [True] * n_bench, "scale": ["percent"] * n_bench,
        "scale_min": [None] * n_bench, "scale_max": [None] * n_bench, "higher_is_better": [True] * n_bench,
        "version": ["1"] * n_bench, "freshness": ["current"] * n_bench,
    }, schema_overrides={"scale_min": pl.Float64, "scale_max": pl.Float64})
    model_ids = [f"model-{i:05d}" for i in range(n_models)]
    theta, difficulty, slope = rng.normal(0, 1, n_models), rng.normal(0, 1.2, n_bench), rng.lognormal(0, 0.3, n_bench)
    coverage = rng.uniform(0.10, 0.60, n_models)
    has = rng.uniform(size=(n_models, n_bench)) < coverage[:, None]
    m_idx, b_idx = np.nonzero(has)
    truth = 100 / (1 + np.exp(-slope[b_idx] * (theta[m_idx] - difficulty[b_idx])))
    # each cell seen by one to three sources, a little apart
    n_seen = rng.integers(1, 4, len(m_idx))
    rows_m, rows_b = np.repeat(m_idx, n_seen), np.repeat(b_idx, n_seen)
    nth = np.concatenate([np.arange(k) for k in n_seen]) if len(n_seen) else np.zeros(0, dtype=np.int64)
    source = SOURCES["source_id"].to_numpy()[(nth + rng.integers(0, 3, len(nth))) % 3]
    value = np.clip(np.repeat(truth, n_seen) + rng.normal(0, 3, len(nth)), 0, 100).round(2)
    n = len(rows_m)
    observations = pl.DataFrame({
        "source_id": source, "model_id": np.array(model_ids)[rows_m], "benchmark_id": np.array(bench_ids)[rows_b],
        "variant": pl.Series([None] * n, dtype=pl.String), "raw_value": value, "unit": pl.Series([None] * n, dtype=pl.String),
        "score": value, "observed_on": pl.Series([date(2026, 11, 1)] * n), "provenance": np.where(source == "s-verified", "verified", "unverified"),
        "citation": pl.Series([None] * n, dtype=pl.String), "source_model_name": np.array(model_ids)[rows_m],
        "release": pl.Series([None] * n, dtype=pl.String), "harness": pl.Series([None] * n, dtype=pl.String),
    })
    priced = np.flatnonzero(rng.uniform(size=n_models) < 0.8)
    offers = rng.integers(1, 4, len(priced))
    p_m = np.repeat(priced, offers)
    base = np.repeat(rng.lognormal(0, 1.2, len(priced)), offers)
    prices = pl.DataFrame({
        "source_id": "s-board", "model_name": np.array(model_ids)[p_m], "model_id": np.array(model_ids)[p_m],
        "provider": [f"provider-{k}" for k in np.concatenate([np.arange(k) for k in offers])] if len(offers) else [],
        "input_usd_per_mtok": (base * rng.uniform(0.9, 1.1, len(p_m))).round(4), "output_usd_per_mtok": (base * 4).round(4),
    })
    models = pl.DataFrame({
        "model_id": model_ids, "display_name": [f"Model {i}" for i in range(n_models)], "vendor": [f"vendor-{i % 40}" for i in range(n_models)],
        "family": [None] * n_models, "is_reasoning": rng.uniform(size=n_models) < 0.4,
        "context_window_tokens": rng.choice([128_000, 200_000, 1_000_000], n_models), "max_output_tokens": [None] * n_models,
        "open_weights": rng.uniform(size=n_models) < 0.5, "release_date": [date(2025, 1, 1)] * n_models,
        "aliases": [[] for _ in range(n_models)], "variants": [[] for _ in range(n_models)],
    }, schema_overrides={"family": pl.String, "max_output_tokens": pl.Int64, "aliases": pl.List(pl.String), "variants": pl.List(pl.String)})
    return {"observations": observations, "prices": prices, "categories": categories, "benchmarks": benchmarks, "models": models}


class Stages:
    """Times each stage and notes the peak RSS so far."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []

    def run(self, name: str, fn, note=lambda out: ""):
        t = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - t
        self.rows.append((name, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, note(out)))
        return out

    def seconds(self, *names: str) -> float:
        return sum(s for n, s, _, _ in self.rows if n in names)


def benchmart_tables(data: dict, stages: Stages, top_k: int | None) -> dict[str, pl.DataFrame]:
    """The table step, stage by stage, as transforms/tables.py wires it."""
    from benchmart.expectations import validate
    from benchmart.expectations.pairs import validate_pairs
    from benchmart.settings import DEFAULT_RULES as rules
    from benchmart.transforms.dim_model import dim_model
    from benchmart.transforms.fct_benchmark_score import fct_benchmark_score, lane_benchmark_scores
    from benchmart.transforms.fct_model_price import fct_model_price
    from benchmart.transforms.mart_category_score import mart_category_score
    from benchmart.transforms.mart_head_to_head import mart_head_to_head
    from benchmart.transforms.mart_leaderboard import mart_leaderboard, ranked
    from benchmart.transforms.pairs import comparable_pairs, pair_figures
    from benchmart.transforms.uncertainty import lead_probability, model_uncertainty, resample

    obs, cats, benches = data["observations"].lazy(), data["categories"].lazy(), data["benchmarks"].lazy()
    models = dim_model(data["models"].lazy(), pl.LazyFrame(schema={"source_id": pl.String, "model_name": pl.String, "model_id": pl.String,
                                                                   "context_window_tokens": pl.Int64, "max_output_tokens": pl.Int64,
                                                                   "is_reasoning": pl.Boolean, "open_weights": pl.Boolean,
                                                                   "release_date": pl.Date}), SOURCES.lazy()).collect().lazy()
    vendors = pl.LazyFrame({"id": [f"vendor-{i}" for i in range(40)], "providers": [["provider-0"]] * 40})
    scores = stages.run("scores", lambda: fct_benchmark_score(obs, SOURCES.lazy()).collect(), lambda f: f"{f.height:,} rows")
    category_scores, bench_scores = stages.run(
        "categories", lambda: pl.collect_all([mart_category_score(scores.lazy(), benches), lane_benchmark_scores(scores.lazy(), benches)]),
        lambda fs: f"{fs[0].height:,} category rows")

    def bootstrap():
        standing = ranked(category_scores.lazy(), cats, rules).collect()
        resamples = resample(bench_scores, data["categories"], rules)
        return resamples, model_uncertainty(standing, resamples, rules)

    resamples, spread = stages.run("bootstrap", bootstrap, lambda out: f"{out[1].height:,} models x {rules.resamples} resamples")
    prices = fct_model_price(data["prices"].lazy(), models, vendors)
    empty_runtime = pl.LazyFrame(schema={"model_id": pl.String, "source_id": pl.String, "output_tokens_per_s": pl.Float64, "ttft_s": pl.Float64,
                                         "is_suspect": pl.Boolean, "provider": pl.String})
    freshness = pl.LazyFrame({"source_id": SOURCES["source_id"], "status": ["fresh"] * 3})
    board = stages.run("leaderboard", lambda: mart_leaderboard(category_scores.lazy(), cats, scores.lazy(), benches, prices, empty_runtime,
                                                               models, SOURCES.lazy(), freshness, rules, vendors, spread.lazy()).collect(),
                       lambda f: f"{f['is_ranked'].sum():,} ranked")

    def pairs_and_lead():
        pairs = comparable_pairs(board.lazy(), rules, top_k).collect()
        return pairs, lead_probability(pairs, resamples)

    pairs, lead = stages.run("pairs", pairs_and_lead, lambda out: f"{out[0].height:,} pairs")
    figures, pair_cats = stages.run("figures", lambda: pair_figures(pairs, bench_scores, category_scores), lambda fs: f"{fs[1].height:,} category rows")
    h2h = stages.run("verdicts", lambda: mart_head_to_head(pairs.lazy(), board.lazy(), figures.lazy(), models, cats, benches,
                                                          lead.lazy(), rules).collect(), lambda f: f"{f.height:,} verdicts")
    stages.run("validate", lambda: [validate(t, n, {"min_rows": 0, "categories": data["categories"]["category_id"].to_list()})
                                    for n, t in (("mart_category_score", category_scores), ("mart_leaderboard", board))]
               + [validate_pairs(h2h, {"min_rows": 0})],
               lambda outs: "ok" if all(o.ok for o in outs) else "FAILED: " + "; ".join(f for o in outs for f in o.failures))
    return {"fct_benchmark_score": scores, "mart_category_score": category_scores, "mart_leaderboard": board, "pairs": pairs,
            "figures": figures, "mart_head_to_head_category": pair_cats, "weights": data["categories"]}


REFERENCE_SQL = {
    "fct_benchmark_score": """
        SELECT model_id, benchmark_id, score, source_id, provenance FROM (
          SELECT o.*, row_number() OVER (PARTITION BY model_id, benchmark_id
            ORDER BY CASE provenance WHEN 'verified' THEN 0 WHEN 'unverified' THEN 1 ELSE 2 END, s.priority DESC,
                     observed_on DESC, o.source_id, raw_value DESC, source_model_name) AS k
          FROM observations o JOIN sources s USING (source_id) WHERE provenance <> 'generated') WHERE k = 1""",
    "lane_scores": """
        SELECT 'provisional' AS lane, f.model_id, f.benchmark_id, b.category_id, f.score FROM fct f JOIN benchmarks b USING (benchmark_id)
          WHERE b.is_weighted
        UNION ALL
        SELECT 'verified', f.model_id, f.benchmark_id, b.category_id, f.score FROM fct f JOIN benchmarks b USING (benchmark_id)
          WHERE b.is_weighted AND f.provenance = 'verified'""",
    "mart_category_score": """
        SELECT lane, model_id, category_id, avg(score) AS score, count(*) AS n_benchmarks FROM lane_scores GROUP BY ALL""",
    "overall": """
        SELECT lane, model_id, sum(c.weight * m.score) / sum(c.weight) AS overall_score
        FROM cats m JOIN weights c USING (category_id) GROUP BY ALL""",
    "shared": """
        SELECT p.lane, p.model_a_id, p.model_b_id, a.benchmark_id, a.category_id, a.score AS bench_a, b.score AS bench_b,
               abs(a.score - b.score) AS gap
        FROM pairs p JOIN lane_scores a ON a.lane = p.lane AND a.model_id = p.model_a_id
        JOIN lane_scores b ON b.lane = p.lane AND b.model_id = p.model_b_id AND b.benchmark_id = a.benchmark_id""",
    "figures": """
        SELECT p.lane, p.model_a_id, p.model_b_id, coalesce(n, 0) AS shared_benchmarks, s.benchmark_id AS swing_benchmark_id,
               s.bench_a AS swing_a, s.bench_b AS swing_b
        FROM pairs p
        LEFT JOIN (SELECT lane, model_a_id, model_b_id, count(*) AS n FROM shared GROUP BY ALL) c USING (lane, model_a_id, model_b_id)
        LEFT JOIN (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY lane, model_a_id, model_b_id ORDER BY gap DESC, benchmark_id) k
                                  FROM shared) WHERE k = 1) s USING (lane, model_a_id, model_b_id)""",
    "mart_head_to_head_category": """
        SELECT p.lane, p.model_a_id, p.model_b_id, a.category_id, a.score AS score_a, b.score AS score_b, a.score - b.score AS diff,
               t.benchmark_id AS top_benchmark_id, coalesce(t.n, 0) = a.n_benchmarks AND a.n_benchmarks = b.n_benchmarks AS same_benchmarks
        FROM pairs p JOIN cats a ON a.lane = p.lane AND a.model_id = p.model_a_id
        JOIN cats b ON b.lane = p.lane AND b.model_id = p.model_b_id AND b.category_id = a.category_id
        LEFT JOIN (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY lane, model_a_id, model_b_id, category_id ORDER BY gap DESC, benchmark_id) k,
                                         count(*) OVER (PARTITION BY lane, model_a_id, model_b_id, category_id) n FROM shared) WHERE k = 1) t
          ON t.lane = p.lane AND t.model_a_id = p.model_a_id AND t.model_b_id = p.model_b_id AND t.category_id = a.category_id""",
}


def reference(data: dict, pairs: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], dict[str, float]]:
    """The same transforms in DuckDB SQL, with each step's seconds."""
    import duckdb

    con = duckdb.connect()
    con.register("observations", data["observations"].to_arrow())
    con.register("sources", SOURCES.to_arrow())
    con.register("benchmarks", data["benchmarks"].to_arrow())
    con.register("weights", data["categories"].to_arrow())
    con.register("pairs", pairs.to_arrow())
    out, seconds = {}, {}
    for name, target in (("fct_benchmark_score", "fct"), ("lane_scores", "lane_scores"), ("mart_category_score", "cats"), ("overall", None),
                         ("shared", "shared"), ("figures", None), ("mart_head_to_head_category", None)):
        t = time.perf_counter()
        if target:
            con.execute(f"CREATE TABLE {target} AS {REFERENCE_SQL[name]}")
            out[name] = pl.from_arrow(con.execute(f"SELECT * FROM {target}").to_arrow_table())
        else:
            out[name] = pl.from_arrow(con.execute(REFERENCE_SQL[name]).to_arrow_table())
        seconds[name] = time.perf_counter() - t
    return out, seconds


ROUNDED = {"score": 1e-6, "overall_score": 1e-6, "score_a": 1e-6, "score_b": 1e-6, "diff": 2e-6}  # published to 6 decimals


def agree(ours: pl.DataFrame, theirs: pl.DataFrame, keys: list[str], what: str) -> None:
    """Same rows, ids and flags exactly, numbers to 1e-9; a figure benchmart publishes rounded to 6 decimals within
    its rounding of the reference's exact value (the reference does not round: summation order would flip ties).
    Raise otherwise."""
    cols = [c for c in theirs.columns if c in ours.columns]
    a = ours.select(cols).sort(keys)
    b = theirs.select(cols).cast({c: a.schema[c] for c in cols}).sort(keys)
    if a.height != b.height:
        raise SystemExit(f"benchmart and the DuckDB reference disagree on {what}: {a.height:,} vs {b.height:,} rows")
    for c in cols:
        if a.schema[c].is_float():
            gap = (a[c] - b[c]).abs().fill_null(0).max() or 0.0
            nulls_differ = (a[c].is_null() != b[c].is_null()).any()
            if nulls_differ or gap > ROUNDED.get(c, 1e-9):
                raise SystemExit(f"benchmart and the DuckDB reference disagree on {what}.{c}: largest gap {gap}")
        elif not a[c].equals(b[c]):
            raise SystemExit(f"benchmart and the DuckDB reference disagree on {what}.{c}")


def one_size(n_models: int, n_bench: int, top_k: int | None, all_pairs_up_to: int) -> None:
    from benchmart.transforms.mart_leaderboard import ranked
    from benchmart.settings import DEFAULT_RULES

    stages = Stages()
    data = stages.run("generate", lambda: synthetic(n_models, n_bench), lambda d: f"{d['observations'].height:,} observations")
    k = None if n_models <= all_pairs_up_to else top_k
    tables = benchmart_tables(data, stages, k)
    ref, ref_seconds = reference(data, tables["pairs"])
    agree(tables["fct_benchmark_score"], ref["fct_benchmark_score"], ["model_id", "benchmark_id"], "fct_benchmark_score")
    agree(tables["mart_category_score"], ref["mart_category_score"], ["lane", "model_id", "category_id"], "mart_category_score")
    overall = ranked(tables["mart_category_score"].lazy(), data["categories"].lazy(), DEFAULT_RULES).collect()
    agree(overall, ref["overall"], ["lane", "model_id"], "the overall score")
    agree(tables["figures"], ref["figures"], ["lane", "model_a_id", "model_b_id"], "the pair figures")
    agree(tables["mart_head_to_head_category"], ref["mart_head_to_head_category"], ["lane", "model_a_id", "model_b_id", "category_id"],
          "mart_head_to_head_category")
    print(f"\n{n_models:,} models x {n_bench} benchmarks, pairs: {'all' if k is None else f'top {k} per lane'} "
          f"(the DuckDB reference agrees: ids exact, numbers to 1e-9, 6-decimal figures within their rounding)")
    print(f"  {'stage':12} {'seconds':>8} {'peak RSS':>10}  what")
    for name, seconds, rss, note in stages.rows:
        print(f"  {name:12} {seconds:>8.2f} {rss:>8.0f} MB  {note}")
    ours = stages.seconds("scores", "categories", "figures")
    theirs = sum(ref_seconds.values())
    ours_pairs, theirs_pairs = stages.seconds("figures"), ref_seconds["shared"] + ref_seconds["figures"] + ref_seconds["mart_head_to_head_category"]
    print(f"  same transforms (scores, categories, overall, both pair tables' figures): benchmart {ours:.2f} s, DuckDB {theirs:.2f} s, "
          f"ratio {ours / theirs:.2f}x")
    print(f"  pair figures alone: benchmart {ours_pairs:.2f} s, DuckDB {theirs_pairs:.2f} s, ratio {ours_pairs / theirs_pairs:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200x40,1000x150,5000x300")
    ap.add_argument("--top-k", type=int, default=None, help="published pairs among this many models per lane (default: the setting)")
    ap.add_argument("--all-pairs-up-to", type=int, default=1000, help="compute every pair up to this many models")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.top_k is None:
        from benchmart.settings import Settings

        args.top_k = Settings().h2h_top_k
    if args.one:
        n_models, n_bench = map(int, args.one.split("x"))
        one_size(n_models, n_bench, args.top_k, args.all_pairs_up_to)
        return
    for size in args.sizes.split(","):  # one process per size: its own peak RSS
        subprocess.run([sys.executable, __file__, "--one", size, "--top-k", str(args.top_k), "--all-pairs-up-to", str(args.all_pairs_up_to)],
                       check=True)


if __name__ == "__main__":
    main()

"""Backfill cost: the marginal seconds per date, and a year of dates of the bundled samples.

    .venv/bin/python bench/backfill.py [--start 2026-01-01] [--days 365] [--shared ../shared/sources]

For the bundled samples and (when the folder is there) the public snapshots in ../shared/sources: one
`benchmart run` lands the payloads, which are then landed again in a fresh landing zone as if fetched on
--start (so every date of the range has them), and `benchmart backfill` rebuilds --days dates and half as many
from it, each into a fresh warehouse, as a user runs it (a temporary Prefect API unless PREFECT_API_URL is set).
The marginal cost per date is (t(days) - t(days / 2)) / (days / 2): start-up and the one-off work cancel out.
Dated rows (scores with a date, release dates) falling inside the range make dates differ, so the real
snapshots rebuild far more often than the samples.
"""

import argparse
from datetime import date, datetime, time as clock, timedelta, timezone
import json
import os
from pathlib import Path
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nightly import run_env, shared_sources_file  # noqa: E402

from benchmart.ingest.landing import LandingZone  # noqa: E402


def landed_on(sources: Path, start: date, work: Path) -> Path:
    """A data dir whose landing zone holds the payloads of one run of `sources`, as if fetched on `start`."""
    first = work / "first"
    done = subprocess.run([str(BIN / "benchmart"), "run", "--sources", str(sources), "--data-dir", str(first)],
                          check=False, capture_output=True, text=True, cwd=ROOT, env=run_env())
    if done.returncode not in (0, 10):  # 10: published with a stale source
        raise SystemExit(f"benchmart run failed ({done.returncode}): {done.stderr[-2000:]}")
    data = work / "data"
    zone = LandingZone(data / "landing")
    at = datetime.combine(start, clock(3), timezone.utc)
    for manifest in sorted((first / "landing").glob("*/manifest.jsonl")):
        for line in manifest.read_text().splitlines():
            entry = json.loads(line)
            zone.land(entry["source_id"], entry["url"], (first / "landing" / entry["path"]).read_bytes(), at)
    return data


def timed_backfill(sources: Path, data: Path, start: date, days: int, out: Path, workers: int = 4) -> tuple[float, list[dict]]:
    """Wall seconds of `benchmart backfill` over `days` dates, and the stage seconds of each published date's run
    (a date that built its tables has `validate_transform`; one that shared an earlier date's build has not)."""
    end = start + timedelta(days=days - 1)
    t = time.perf_counter()
    done = subprocess.run([str(BIN / "benchmart"), "backfill", "--start", start.isoformat(), "--end", end.isoformat(), "--sources",
                           str(sources), "--data-dir", str(data), "--warehouse", f"sqlite:///{out}", "--workers", str(workers)],
                          check=False, capture_output=True, text=True, cwd=ROOT, env=run_env())
    wall = time.perf_counter() - t
    if done.returncode != 0:  # a figure of a failed backfill would measure the failure
        raise SystemExit(f"benchmart backfill {start}..{end} failed ({done.returncode}): {done.stdout[-1500:]} {done.stderr[-1500:]}")
    with sqlite3.connect(out) as db:
        runs = [json.loads(s or "{}") for (s,) in db.execute("SELECT stages FROM ops_pipeline_run WHERE status LIKE 'success%'")]
    return wall, runs


def stage_medians(runs: list[dict]) -> str:
    """Median seconds of each stage over `runs`, as `stage s` pairs."""
    names = sorted({name for r in runs for name in r}, key=lambda n: min(list(r).index(n) for r in runs if n in r))
    return ", ".join(f"{n} {statistics.median(r[n] for r in runs if n in r):.3f}" for n in names) or "-"


def storage_floor(warehouse: Path, tries: int = 3) -> tuple[float, int]:
    """The least a date can cost in this warehouse: copying one published date's rows (every snapshot table and the
    run's detail rows) to a new date inside SQLite with `INSERT ... SELECT`, and committing, on a copy of the file,
    with the warehouse's own settings (WAL, synchronous FULL). Best of `tries`; and the rows a date holds."""
    best, rows = float("inf"), 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "floor.db"
        shutil.copyfile(warehouse, copy)
        db = sqlite3.connect(copy, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        day, run = db.execute("SELECT snapshot_date, run_id FROM ops_pipeline_run WHERE status LIKE 'success%' "
                              "ORDER BY snapshot_date DESC LIMIT 1").fetchone()
        columns = {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")]
                   for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        # (table, the column that takes the new value, the value that selects the date's rows), read before timing
        copies = [(t, "snapshot_date", day) for t, cols in columns.items() if "snapshot_date" in cols and not t.startswith("ops_")]
        copies += [(t, "run_id", run) for t in ("ops_quarantine", "ops_unmatched_name")]
        for i in range(tries):
            new = {"snapshot_date": (date.fromisoformat(day) + timedelta(days=1000 + i)).isoformat(), "run_id": f"floor-{i}"}
            t = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            rows = 0
            for name, key, old in copies:
                cols = columns[name]
                picked = ", ".join("?" if c == key else c for c in cols)
                rows += db.execute(f"INSERT INTO {name} ({', '.join(cols)}) SELECT {picked} FROM {name} WHERE {key} = ?",
                                   (new[key], old)).rowcount
            db.execute("COMMIT")
            best = min(best, time.perf_counter() - t)
        db.close()
    return best, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--real-days", type=int, default=30, help="dates of the public snapshots (each rebuilds often)")
    ap.add_argument("--workers", type=int, default=4, help="backfill --workers (dates built side by side)")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "sources")
    args = ap.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    print(f"\nbenchmart backfill from {args.start} (payloads landed on that date, --workers {args.workers}), fresh SQLite warehouse each")
    print(f"  {'case':34} {'dates':>6} {'wall s':>7} {'built':>6}  {'half':>5} {'wall s':>7}  {'marginal s/date':>15}")
    details = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("bundled samples", ROOT / "sources.yaml", args.days)]
        shared = shared_sources_file(args.shared, Path(tmp) / "shared.yaml")
        if shared:
            cases.append(("public snapshots", shared, args.real_days))
        for i, (name, sources, days) in enumerate(cases):
            data = landed_on(sources, args.start, Path(tmp) / f"case{i}")
            full, runs = timed_backfill(sources, data, args.start, days, Path(tmp) / f"full{i}.db", args.workers)
            half_days = max(1, days // 2)
            half, _ = timed_backfill(sources, data, args.start, half_days, Path(tmp) / f"half{i}.db", args.workers)
            marginal = (full - half) / (days - half_days)
            built = [r for r in runs if "validate_transform" in r]
            print(f"  {name:34} {len(runs):>6} {full:>7.1f} {len(built):>6}  {half_days:>5} {half:>7.1f}  {marginal:>15.3f}")
            details.append((name, runs, built, marginal, storage_floor(Path(tmp) / f"full{i}.db")))
    print("\nInside each date's run (median seconds per stage, from ops_pipeline_run.stages; publish stops before the run")
    print("record and the commit), and the storage floor: one date's rows copied inside SQLite and committed, in the same")
    print("warehouse (best of 3)")
    for name, runs, built, marginal, (floor, rows) in details:
        shared = [r for r in runs if "validate_transform" not in r]
        print(f"  {name}: dates that built ({len(built)}): {stage_medians(built)}")
        print(f"  {' ' * len(name)}  dates that shared a build ({len(shared)}): {stage_medians(shared)}")
        print(f"  {' ' * len(name)}  storage floor {floor:.3f} s for {rows:,} rows; marginal per date {marginal:.3f} s = "
              f"{marginal / floor:.1f}x the floor")


if __name__ == "__main__":
    main()

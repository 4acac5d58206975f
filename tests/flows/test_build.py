"""Validate and build on parsed sources (no Prefect, HTTP or database): benchmark releases never share a figure."""

from datetime import date

import polars as pl

from benchmart.flows.build import resolve_with_registry, validate_and_build
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import Parsed, bundle, parse_payload
from benchmart.ingest.sources import sources_frame
from benchmart.settings import DEFAULT_RULES

from ..conftest import FIXTURES

DAY = date(2026, 1, 15)


def _release(day: str, keep: int, scale: float) -> bytes:
    """The LiveBench fixture as a release of `day`: its first `keep` models, every score times `scale`."""
    table = pl.read_csv(FIXTURES / "livebench" / "table_2025_05_30.csv").head(keep)
    tasks = [c for c in table.columns if c != "model"]
    table = table.with_columns([(pl.col(t) * scale).round(1) for t in tasks])
    stamp = day.replace("-", "_")
    return bundle.pack({f"table_{stamp}.csv": table.write_csv().encode(),
                        f"categories_{stamp}.json": (FIXTURES / "livebench" / "categories_2025_05_30.json").read_bytes()})


def test_two_livebench_releases_in_one_run_never_share_a_figure(catalog):
    old = SourceConfig(id="livebench-old", kind="scores", format="livebench", url="https://x/old", provenance="verified", priority=90)
    new = SourceConfig(id="livebench-new", kind="scores", format="livebench", url="https://x/new", provenance="verified", priority=10)
    parsed = [parse_payload(_release("2025-05-30", 12, 1.0), old), parse_payload(_release("2025-11-25", 6, 0.5), new)]
    combined = Parsed(scores=pl.concat([p.scores for p in parsed]))
    sources = sources_frame([old, new])
    inputs = resolve_with_registry(combined, catalog, sources, DAY)
    freshness = pl.DataFrame({"source_id": ["livebench-old", "livebench-new"], "status": ["fresh", "fresh"]})
    built = validate_and_build(inputs, catalog, sources, DAY, {}, DEFAULT_RULES, 0.5, freshness)
    scores = built.tables["fct_benchmark_score"]
    in_new = set(inputs.scores.filter(pl.col("source_id") == "livebench-new")["model_id"])
    only_old = set(inputs.scores["model_id"]) - in_new
    assert in_new and only_old
    per_model = scores.group_by("model_id").agg(pl.col("release").unique().sort())
    releases = dict(per_model.select("model_id", pl.col("release").list.join(",")).rows())
    assert all(releases[m] == "2025-11-25" for m in in_new)  # the newest release wins although its source ranks lower
    assert all(releases[m] == "2025-05-30" for m in only_old)
    observations = built.tables["fct_benchmark_observation"]
    assert observations.filter(pl.col("model_id").is_in(list(in_new)))["release"].n_unique() == 2  # the old figures stay, shown
    cats = built.tables["mart_category_score"].filter(pl.col("lane") == "verified")
    assert set(cats.filter(pl.col("model_id").is_in(list(in_new)))["releases"]) == {"2025-11-25"}
    assert set(cats.filter(pl.col("model_id").is_in(list(only_old)))["releases"]) == {"2025-05-30"}

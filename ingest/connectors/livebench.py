"""LiveBench release tables: `table_<YYYY_MM_DD>.csv` (one column per task, 0..100) and
`categories_<YYYY_MM_DD>.json` ({category: [tasks]}).

One observation per (model, task) and per category average (the mean of its tasks, LiveBench's
own definition), dated with the release. The release is whatever the source's URL names, e.g.
a `parts:` source with `table` and `categories` files; the date comes from the file names or
`options.release_date`. Empty cells are missing results, not zeros; a category with a missing
task gets no average (never an average over fewer tasks).
"""

from datetime import date
import io
import json
import re

import polars as pl

from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
import benchmart.ingest.connectors.bundle as bundle
from benchmart.ingest.connectors.common import Parsed, reject, rejects_frame

PROVIDES = frozenset({"scores"})  # the figures this format can carry

OPTIONS = {
    "categories": "{category: [tasks]} when the release has no categories file",
    "release_date": "YYYY-MM-DD when the file names do not carry the release date",
}
_RELEASE = re.compile(r"(\d{4})_(\d{2})_(\d{2})")


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    files = bundle.members(payload, source.id) if bundle.is_archive(payload) else {"table.csv": payload}
    table_name = next((n for n in sorted(files) if n.endswith(".csv")), None)
    if table_name is None:
        raise SourceError(f"source {source.id!r}: no LiveBench table (.csv) in the payload")
    categories = _categories(files, source)
    try:
        table = pl.read_csv(io.BytesIO(files[table_name]), infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as exc:
        raise SourceError(f"source {source.id!r}: cannot read the LiveBench table ({exc})") from None
    if "model" not in table.columns:
        raise SourceError(f"source {source.id!r}: the LiveBench table has no `model` column")
    released = _release_date(source, [table_name, *files])
    tasks = [c for c in table.columns if c != "model"]
    long = (
        table.unpivot(index="model", on=tasks, variable_name="task", value_name="text")
        .with_columns(pl.col("text").str.strip_chars().replace("", None))
        .with_columns(pl.col("text").cast(pl.Float64, strict=False).alias("value"))
    )
    bad = long.filter(pl.col("text").is_not_null() & (pl.col("value").is_null() | ~pl.col("value").is_between(0, 100)))
    good = long.filter(pl.col("value").is_not_null() & pl.col("value").is_between(0, 100))
    per_task = good.select("model", pl.concat_str(pl.lit("LiveBench "), pl.col("task")).alias("benchmark"), "value")
    membership = pl.DataFrame(
        [{"category": c, "task": t} for c, ts in categories.items() for t in ts], schema={"category": pl.String, "task": pl.String}
    )
    need = membership.group_by("category").agg(pl.len().alias("_need"))
    averages = (
        good.join(membership, on="task")
        .group_by("model", "category")
        .agg(pl.col("value").mean().round(6).alias("value"), pl.len().alias("_have"))
        .join(need, on="category")
        .filter(pl.col("_have") == pl.col("_need"))
        .select("model", pl.concat_str(pl.lit("LiveBench "), pl.col("category")).alias("benchmark"), "value")
    )
    rows = pl.concat([per_task, averages]).sort("model", "benchmark")
    scores = rows.select(
        pl.lit(source.id).alias("source_id"), pl.col("model").alias("model_name"), pl.lit(None, pl.String).alias("variant"),
        pl.col("benchmark").alias("benchmark_name"), pl.col("value").alias("raw_value"), pl.lit("percent").alias("unit"),
        pl.lit(released, pl.Date).alias("observed_on"), pl.lit("https://livebench.ai/").alias("citation"),
        pl.lit(source.provenance).alias("provenance"),
        pl.lit(released.isoformat() if released else None, pl.String).alias("release"), pl.lit("livebench").alias("harness"),
    )
    rejects = [reject(source.id, "cell_not_a_score", {"model": r["model"], "task": r["task"], "value": r["text"]}) for r in bad.to_dicts()]
    return Parsed(scores=scores, rejects=rejects_frame(rejects), records_read=table.height)


def _categories(files: dict[str, bytes], source: SourceConfig) -> dict[str, list[str]]:
    if "categories" in source.options:
        return dict(source.options["categories"])
    name = next((n for n in sorted(files) if n.endswith(".json")), None)
    if name is None:
        return {}  # no category map: per-task observations only
    try:
        data = json.loads(files[name])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"source {source.id!r}: LiveBench categories file is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise SourceError(f"source {source.id!r}: LiveBench categories must map category -> [tasks]")
    return data


def _release_date(source: SourceConfig, names: list[str]) -> date | None:
    if source.options.get("release_date"):
        return date.fromisoformat(str(source.options["release_date"]))
    for text in [*names, source.url, *source.parts.values()]:
        match = _RELEASE.search(text or "")
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    return None

"""Epoch AI benchmark data: the `benchmark_data.zip` export (or one of its CSVs).

- `benchmarks_runs.csv`: Epoch's own runs; `task` is the benchmark, `Best score (across scorers)`
  a fraction, `started_at` the date ("17 November 2025 4:28pm"); only `Status == Success` counts.
- `external_benchmark_<name>.csv`: other leaderboards as Epoch records them; the score column is
  found by name, values may be "42%" or "0.85±0.02"; `Date added` is day/month/year.
- `model_versions.csv`: release dates (model facts).
All files start with a UTF-8 BOM. Names carry effort suffixes after the last `_`
(`o3-2025-04-16_high`), which become the variant.
"""

import io
import re

import polars as pl

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
import benchmart.ingest.connectors.bundle as bundle
from benchmart.ingest.connectors.common import Parsed, number, reject

SCORE_COLUMNS = ["Best score (across scorers)", "Score", "Accuracy mean", "Percent correct", "EM", "Global average",
                 "Mean score", "Score (AVG@5)"]
EXTERNAL_NAMES = {
    "aider_polyglot": "Aider Polyglot", "arc_agi": "ARC-AGI", "gsm8k": "GSM8K", "lech_mazur_writing": "Lech Mazur Writing",
    "livebench": "LiveBench Global", "mmlu": "MMLU", "os_world": "OSWorld", "simple_bench": "SimpleBench",
    "terminal_bench": "Terminal-Bench",
}
PROVIDES = frozenset({"scores", "models"})  # the figures this format can carry

OPTIONS = {
    "file": "the file name of a payload that is a single CSV rather than the zip (default: data.csv)",
    "benchmarks": "{external table key: benchmark name} for external_benchmark_<key>.csv files",
}
DATE_FORMATS = ["%d %B %Y %I:%M%p", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%d %H:%M:%S"]


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    files = bundle.members(payload, source.id) if bundle.is_archive(payload) else {source.options.get("file", "data.csv"): payload}
    scores, rejects, facts, read = [], [], [], 0
    for name in sorted(files):
        base = name.rsplit("/", 1)[-1]
        if not base.endswith(".csv"):
            continue
        table = _read(files[name], source, base)
        read += table.height
        try:  # a file whose table is not laid out as Epoch's is rejected whole, naming it; the other files still count
            if base == "model_versions.csv":
                facts.append(_release_dates(table, source))
            elif "task" in table.columns and "model" in table.columns:
                s, r = _runs(table, source)
                scores.append(s), rejects.append(r)
            elif "Model version" in table.columns:
                s, r = _external(table, source, base)
                scores.append(s), rejects.append(r)
        except pl.exceptions.PolarsError as exc:
            rejects.append(pl.DataFrame([reject(source.id, "file_not_in_epoch_layout", {"file": name, "rows": table.height,
                                                                                         "error": str(exc)[:200]})],
                                        schema=contracts.QUARANTINE))
    if not scores and not facts:
        raise SourceError(f"source {source.id!r}: no Epoch benchmark CSV recognised in the payload ({sorted(files)[:5]})")
    sid = pl.lit(source.id).alias("source_id")
    return Parsed(
        scores=pl.concat([s for s in scores], how="vertical").with_columns(sid) if scores else contracts.empty(contracts.SCORES),
        models=pl.concat(facts).with_columns(sid) if facts else contracts.empty(contracts.MODEL_FACTS),
        rejects=pl.concat(rejects) if rejects else contracts.empty(contracts.QUARANTINE),
        records_read=read,
    )


def _read(content: bytes, source: SourceConfig, name: str) -> pl.DataFrame:
    try:
        return pl.read_csv(io.BytesIO(content.decode("utf-8-sig").encode()), infer_schema=False)
    except (UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise SourceError(f"source {source.id!r}: cannot read {name} ({exc})") from None


def _date(text: pl.Expr) -> pl.Expr:
    cleaned = text.str.strip_chars().str.replace(r"(?i)\s*(am|pm)$", r"$1")
    return pl.coalesce([cleaned.str.to_datetime(f, strict=False).dt.date() for f in DATE_FORMATS])


def _split(model: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    parts = model.str.extract_groups(r"^(?P<base>.+?)_(?P<variant>[^_]+)$")
    has = parts.struct.field("variant").is_not_null()
    return (pl.when(has).then(parts.struct.field("base")).otherwise(model),
            pl.when(has).then(parts.struct.field("variant").str.to_lowercase()))


def _finish(frame: pl.DataFrame, source: SourceConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split good rows from bad ones (each with its rule) and shape both."""
    rule = (
        pl.when(pl.col("_model").is_null()).then(pl.lit("model_missing"))
        .when(pl.col("_value").is_null()).then(pl.lit("value_not_a_number"))
        .when(pl.col("_status").is_not_null() & (pl.col("_status") != "Success")).then(pl.lit("run_not_successful"))
    )
    flagged = frame.with_columns(rule.alias("_rule"))
    base, variant = _split(pl.col("_model"))
    good = flagged.filter(pl.col("_rule").is_null()).select(
        base.alias("model_name"), variant.alias("variant"), pl.col("_benchmark").alias("benchmark_name"),
        pl.col("_value").alias("raw_value"), pl.col("_unit").alias("unit"), pl.col("_date").alias("observed_on"),
        pl.col("_citation").alias("citation"), pl.lit(source.provenance).alias("provenance"), pl.col("_harness").alias("harness"),
    )
    bad = flagged.filter(pl.col("_rule").is_not_null()).select(
        pl.lit(source.id).alias("source_id"), pl.lit("parse").alias("stage"), pl.col("_rule").alias("rule"),
        pl.col("_record").alias("record"),
    )
    return good, bad


def _runs(table: pl.DataFrame, source: SourceConfig):
    if "Best score (across scorers)" not in table.columns:
        raise pl.exceptions.ColumnNotFoundError(f"no 'Best score (across scorers)' column (have {table.columns[:12]})")

    def text(name: str) -> pl.Expr:  # an optional column: missing reads as empty
        return pl.col(name).replace("", None) if name in table.columns else pl.lit(None, pl.String)

    frame = table.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_record")).select(
        "_record",
        pl.col("model").str.strip_chars().replace("", None).alias("_model"),
        pl.col("task").alias("_benchmark"),
        number(pl.col("Best score (across scorers)")).alias("_value"),
        pl.lit("fraction").alias("_unit"),
        _date(text("started_at")).alias("_date"),
        pl.coalesce(text("log viewer"), text("logs")).alias("_citation"),
        pl.col("Status").alias("_status") if "Status" in table.columns else pl.lit(None, pl.String).alias("_status"),
        pl.lit("epoch").alias("_harness"),  # Epoch's own runs
    )
    return _finish(frame, source)


def _external(table: pl.DataFrame, source: SourceConfig, name: str):
    key = re.sub(r"^external_benchmark_|\.csv$", "", name)
    benchmark = source.options.get("benchmarks", {}).get(key, EXTERNAL_NAMES.get(key, key.replace("_", " ")))
    score_col = next((c for c in SCORE_COLUMNS if c in table.columns), None)
    if score_col is None:
        raise SourceError(f"source {source.id!r}: {name} has no score column (looked for {SCORE_COLUMNS})")
    text = pl.col(score_col).str.strip_chars()
    link = next((c for c in table.columns if c.lower().startswith("source link")), None)
    frame = table.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_record")).select(
        "_record",
        pl.col("Model version").str.strip_chars().replace("", None).alias("_model"),
        pl.lit(benchmark).alias("_benchmark"),
        number(text).alias("_value"),
        pl.when(text.str.contains("%")).then(pl.lit("percent")).otherwise(pl.lit(None, pl.String)).alias("_unit"),
        (_date(pl.col("Date added")) if "Date added" in table.columns else pl.lit(None, pl.Date)).alias("_date"),
        (pl.col(link).replace("", None) if link else pl.lit(None, pl.String)).alias("_citation"),
        pl.lit(None, pl.String).alias("_status"),
        pl.lit(None, pl.String).alias("_harness"),  # another leaderboard's figures, as Epoch records them
    )
    return _finish(frame, source)


def _release_dates(table: pl.DataFrame, source: SourceConfig) -> pl.DataFrame:
    return table.select(
        pl.col("id").alias("model_name"),
        pl.lit(None, pl.Int64).alias("context_window_tokens"), pl.lit(None, pl.Int64).alias("max_output_tokens"),
        pl.lit(None, pl.Boolean).alias("is_reasoning"), pl.lit(None, pl.Boolean).alias("open_weights"),
        _date(pl.col("Version release date")).alias("release_date"),
    ).filter(pl.col("model_name").is_not_null())

"""Generic CSV / JSON connectors configured by column mapping, so a new leaderboard needs configuration only.

    options:
      columns: {model: Model, benchmark: Benchmark, value: Score, date: Date, citation: Source}
      benchmark: gpqa-diamond      # constant, when the file holds one benchmark
      unit: fraction               # constant, when values are fractions of 1
      date_format: "%Y-%m-%d"
      zip_member: external_benchmark_terminal_bench.csv   # read one file of a zip/tar payload

Fields per source kind (left: canonical name, right: default column name):
  scores : model, benchmark, value, [variant, unit, date, citation, provenance, release, harness]
  prices : model, input, output, [provider]         (USD per million tokens)
  runtime: model, output_tokens_per_s, ttft_s, [provider]
  models : model, [vendor, display_name, family, release_date, context, max_output, reasoning, open_weights]
           (a registry: every row lists a model; rows without a vendor only add names)
"""

import csv
from dataclasses import replace
import io
import re

import polars as pl

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
import benchmart.ingest.connectors.bundle as bundle
from benchmart.ingest.connectors.common import Parsed, load_json, number, reject, rejects_frame

REQUIRED = {
    "scores": ("model", "benchmark", "value"),
    "prices": ("model", "input", "output"),
    "runtime": ("model",),
    "models": ("model",),
}
OPTIONAL = {
    "scores": ("variant", "unit", "date", "citation", "provenance", "release", "harness"),
    "prices": ("provider",),
    "runtime": ("provider", "output_tokens_per_s", "ttft_s"),
    "models": ("vendor", "display_name", "family", "release_date", "context", "max_output", "reasoning", "open_weights"),
}
NUMERIC = {"value", "input", "output", "output_tokens_per_s", "ttft_s", "context", "max_output"}

def provides(source: SourceConfig) -> frozenset[str]:
    """The figures a table carries: its source's kind (a models table is also a registry)."""
    return frozenset({"models", "registry"}) if source.kind == "models" else frozenset({source.kind})

OPTIONS = {
    "columns": "{canonical field: column name}",
    "benchmark": "a constant benchmark name, when the file holds one benchmark",
    "unit": "a constant unit (percent or fraction)",
    "date_format": "strftime format of the date column",
    "records_key": "JSON: the key holding the list of records (default: data, or a top-level list)",
    "zip_member": "read this file of a zip or tar payload",
}


def parse_csv(payload: bytes, source: SourceConfig) -> Parsed:
    """A CSV table. A row Polars cannot take (more or fewer fields than the header, bytes that are not UTF-8) is
    quarantined on its own (`ragged_row`, `not_utf8`), never the whole file."""
    payload = _member(payload, source)
    try:
        frame = pl.read_csv(io.StringIO(payload.decode("utf-8-sig")), infer_schema=False, truncate_ragged_lines=False)
    except (UnicodeDecodeError, pl.exceptions.PolarsError):
        frame, bad = _salvaged(payload, source)
        parsed = _parse_table(frame, source)
        return replace(parsed, rejects=pl.concat([parsed.rejects, rejects_frame(bad)]), records_read=parsed.records_read + len(bad))
    return _parse_table(frame, source)


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by `surrogateescape`


def _salvaged(payload: bytes, source: SourceConfig) -> tuple[pl.DataFrame, list[dict]]:
    """The rows of a CSV that Polars refused as a whole, read record by record: the good ones as a table, the
    others as rejects naming the line."""
    reader = csv.reader(io.StringIO(payload.decode("utf-8-sig", errors="surrogateescape"), newline=""))
    header = next(reader, None)
    if not header or _NOT_UTF8.search(",".join(header)) or len(set(header)) != len(header):
        raise SourceError(f"source {source.id!r}: cannot read CSV (its header line is missing, not UTF-8 or repeats a column)")
    good, bad = [], []
    for fields in reader:
        line = reader.line_num
        text = ",".join(fields)
        excerpt = text[:300]
        if _NOT_UTF8.search(text):  # anywhere in the row, not only in the excerpt kept with the reject
            bad.append(reject(source.id, "not_utf8", {"line": line, "text": excerpt.encode("utf-8", "surrogateescape").decode("utf-8", "replace")}))
        elif len(fields) != len(header):
            bad.append(reject(source.id, "ragged_row", {"line": line, "fields": len(fields), "expected": len(header), "text": excerpt}))
        else:
            good.append(fields)
    return pl.DataFrame(good, schema={c: pl.String for c in header}, orient="row"), bad


def _member(payload: bytes, source: SourceConfig) -> bytes:
    wanted = source.options.get("zip_member")
    if not wanted:
        return payload
    files = bundle.members(payload, source.id)
    hits = [name for name in files if name == wanted or name.endswith("/" + wanted)]
    if not hits:
        raise SourceError(f"source {source.id!r}: archive has no member {wanted!r} (has {sorted(files)[:10]}...)")
    return files[hits[0]]


def parse_json(payload: bytes, source: SourceConfig) -> Parsed:
    payload = _member(payload, source)
    data = load_json(payload, source, "payload")
    records = data.get(source.options.get("records_key", "data")) if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(f"source {source.id!r}: expected a JSON list of objects (or options.records_key)")
    columns = sorted({k for r in records for k in r})
    frame = pl.DataFrame(
        [{c: (None if r.get(c) is None else str(r.get(c))) for c in columns} for r in records],
        schema={c: pl.String for c in columns},
    )
    return _parse_table(frame, source)


def _parse_table(frame: pl.DataFrame, source: SourceConfig) -> Parsed:
    kind = source.kind
    if kind not in REQUIRED:
        raise SourceError(f"source {source.id!r}: the generic connector reads scores, prices, runtime or models, not {kind!r}")
    mapping = {field: field for field in REQUIRED[kind] + OPTIONAL[kind]} | source.options.get("columns", {})
    constants = {f: source.options[f] for f in ("benchmark", "unit") if f in source.options}
    missing = [mapping[f] for f in REQUIRED[kind] if f not in constants and mapping[f] not in frame.columns]
    if missing:
        raise SourceError(
            f"source {source.id!r}: columns {missing} not found (have {frame.columns}); fix options.columns"
        )
    rows = frame.with_row_index("_row", offset=1).select(
        "_row",
        pl.struct(pl.exclude("_row")).struct.json_encode().alias("_record"),
        *[_field(f, mapping, constants, frame.columns) for f in REQUIRED[kind] + OPTIONAL[kind]],
    )
    rows = rows.with_columns(
        [number(pl.col(f)).alias(f"_{f}_num") for f in NUMERIC if f in rows.columns],
    )
    rule = _rule(kind, rows, source)
    bad = rows.filter(rule.is_not_null())
    good = rows.filter(rule.is_null())
    rejects = bad.select(
        pl.lit(source.id).alias("source_id"), pl.lit("parse").alias("stage"), rule.alias("rule"), pl.col("_record").alias("record")
    )
    if kind == "models":  # a registry: every row lists a model (with the vendor when the table says it)
        listed = _canonical(kind, good, source)
        facts = listed.select("source_id", "model_name", "context_window_tokens", "max_output_tokens", "is_reasoning",
                              "open_weights", "release_date")
        return Parsed(registry=listed, models=facts, rejects=rejects, records_read=frame.height)
    return Parsed(**{kind: _canonical(kind, good, source)}, rejects=rejects, records_read=frame.height)


def _field(name: str, mapping: dict, constants: dict, columns: list[str]) -> pl.Expr:
    if name in constants:
        return pl.lit(str(constants[name])).alias(name)
    if mapping[name] in columns:
        return pl.col(mapping[name]).str.strip_chars().replace("", None).alias(name)
    return pl.lit(None, pl.String).alias(name)


def _rule(kind: str, rows: pl.DataFrame, source: SourceConfig) -> pl.Expr:
    """The first rule a row breaks, or null."""
    checks: list[tuple[pl.Expr, str]] = [(pl.col("model").is_null(), "model_missing")]
    if kind == "scores":
        checks += [
            (pl.col("benchmark").is_null(), "benchmark_missing"),
            (pl.col("value").is_null(), "value_missing"),
            (pl.col("_value_num").is_null() | ~pl.col("_value_num").is_finite(), "value_not_a_number"),
            (pl.col("unit").is_not_null() & ~pl.col("unit").is_in(["percent", "fraction"]), "unit_unknown"),
            (
                pl.col("provenance").is_not_null() & ~pl.col("provenance").is_in(list(contracts.PROVENANCES)),
                "provenance_unknown",
            ),
            (pl.col("date").is_not_null() & _date(pl.col("date"), source).is_null(), "date_unreadable"),
        ]
    elif kind == "prices":
        checks += [
            (pl.col("_input_num").is_null() | pl.col("_output_num").is_null(), "price_not_a_number"),
            ((pl.col("_input_num") < 0) | (pl.col("_output_num") < 0), "price_negative"),
        ]
    elif kind == "models":
        checks += [
            (pl.col("release_date").is_not_null() & _date(pl.col("release_date"), source).is_null(), "release_date_unreadable"),
            (pl.col("context").is_not_null() & ~(pl.col("_context_num") > 0).fill_null(False), "context_not_a_positive_number"),
            (pl.col("max_output").is_not_null() & ~(pl.col("_max_output_num") > 0).fill_null(False), "max_output_not_a_positive_number"),
            (pl.col("reasoning").is_not_null() & _flag(pl.col("reasoning")).is_null(), "reasoning_not_a_yes_or_no"),
            (pl.col("open_weights").is_not_null() & _flag(pl.col("open_weights")).is_null(), "open_weights_not_a_yes_or_no"),
        ]
    else:
        checks += [
            (pl.col("_output_tokens_per_s_num").is_null() & pl.col("_ttft_s_num").is_null(), "runtime_missing"),
            (pl.col("output_tokens_per_s").is_not_null() & pl.col("_output_tokens_per_s_num").is_null(), "speed_not_a_number"),
            (pl.col("ttft_s").is_not_null() & pl.col("_ttft_s_num").is_null(), "latency_not_a_number"),
            ((pl.col("_output_tokens_per_s_num") <= 0) | (pl.col("_ttft_s_num") < 0), "runtime_out_of_range"),
        ]
    expr = pl.lit(None, pl.String)
    for condition, name in reversed(checks):
        expr = pl.when(condition).then(pl.lit(name)).otherwise(expr)
    return expr


def _flag(text: pl.Expr) -> pl.Expr:
    """true/false, yes/no, 1/0 -> Boolean; anything else -> null."""
    lowered = text.str.to_lowercase()
    return pl.when(lowered.is_in(["true", "yes", "1"])).then(True).when(lowered.is_in(["false", "no", "0"])).then(False)


def _date(text: pl.Expr, source: SourceConfig) -> pl.Expr:
    fmt = source.options.get("date_format")
    return text.str.to_date(fmt, strict=False) if fmt else text.str.to_date(strict=False)


def _canonical(kind: str, good: pl.DataFrame, source: SourceConfig) -> pl.DataFrame:
    sid = pl.lit(source.id).alias("source_id")
    if kind == "scores":
        return good.select(
            sid,
            pl.col("model").alias("model_name"),
            pl.col("variant"),
            pl.col("benchmark").alias("benchmark_name"),
            pl.col("_value_num").alias("raw_value"),
            pl.col("unit"),
            _date(pl.col("date"), source).alias("observed_on"),
            pl.col("citation"),
            pl.col("provenance").fill_null(source.provenance),
            pl.col("release"),
            pl.col("harness"),
        )
    if kind == "models":
        return good.select(
            sid,
            pl.lit(source.id).alias("provider"),
            pl.col("model").alias("model_name"),
            pl.col("vendor").str.to_lowercase(),
            pl.col("display_name"),
            pl.col("family"),
            _date(pl.col("release_date"), source).alias("release_date"),
            pl.col("_context_num").cast(pl.Int64).alias("context_window_tokens"),
            pl.col("_max_output_num").cast(pl.Int64).alias("max_output_tokens"),
            _flag(pl.col("reasoning")).alias("is_reasoning"),
            _flag(pl.col("open_weights")).alias("open_weights"),
        )
    provider = pl.col("provider").fill_null(source.id).alias("provider")
    if kind == "prices":
        return good.select(
            sid,
            pl.col("model").alias("model_name"),
            provider,
            pl.col("_input_num").alias("input_usd_per_mtok"),
            pl.col("_output_num").alias("output_usd_per_mtok"),
        )
    return good.select(
        sid,
        pl.col("model").alias("model_name"),
        provider,
        pl.col("_output_tokens_per_s_num").alias("output_tokens_per_s"),
        pl.col("_ttft_s_num").alias("ttft_s"),
    )

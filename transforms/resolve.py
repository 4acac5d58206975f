"""Resolve source names to catalog ids; what resolves to nothing is reported, never dropped."""

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from benchmart import contracts
from benchmart.transforms.model_names import ModelNames, resolve_models
from benchmart.transforms.names import INVISIBLE, closest_ids, resolve_names


def _names(frame: pl.DataFrame) -> list[pl.Series]:
    return [frame["model_name"]] + ([frame["model_alias"]] if "model_alias" in frame.columns else [])


def name_lookup(frames: list[pl.DataFrame], model_names: ModelNames) -> pl.DataFrame:
    """(model_name, model_id, name_variant) for every distinct name in `frames`, each resolved once (sources share
    most names: a model's registry entry, its prices and its scores)."""
    return resolve_models(pl.concat([n for f in frames for n in _names(f)]), model_names)


def resolved(frame: pl.DataFrame, model_names: ModelNames, benchmark_index: pl.DataFrame | None = None,
             lookup: pl.DataFrame | None = None) -> pl.DataFrame:
    """`frame` with `model_id` (and `benchmark_id` when it has `benchmark_name`); null where unmatched.

    Model names resolve by the rules of transforms.model_names; a declared effort/thinking suffix that the
    name carried becomes `variant` when the frame has that column and the source gave none. A source's
    second name (`model_alias`) is tried only when the first matched nothing. `lookup`: the names already
    resolved (name_lookup over this and other frames), else they are resolved here."""
    lookup = name_lookup([frame], model_names) if lookup is None else lookup
    out = frame.join(lookup, on="model_name", how="left", maintain_order="left")
    if "model_alias" in frame.columns:
        second = lookup.rename({"model_name": "model_alias", "model_id": "_alias_id", "name_variant": "_alias_variant"})
        out = out.join(second, on="model_alias", how="left", maintain_order="left").with_columns(
            pl.when(pl.col("model_id").is_null()).then(pl.col("_alias_variant")).otherwise(pl.col("name_variant")).alias("name_variant"),
            pl.coalesce("model_id", "_alias_id").alias("model_id"),
        ).drop("_alias_id", "_alias_variant")
    if "variant" in frame.columns:
        out = out.with_columns(pl.coalesce("variant", "name_variant").alias("variant"))
    out = out.drop("name_variant")
    if benchmark_index is not None and "benchmark_name" in frame.columns:
        out = resolve_names(out, "benchmark_name", benchmark_index, "benchmark_id")
    return out


def matched(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c in ("model_id", "benchmark_id") if c in frame.columns]
    return frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys))


def unmatched_quarantine(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """One quarantine row per unresolved record, with the rule it broke and the record as JSON."""
    rule = pl.when(pl.col("model_id").is_null() & pl.col("model_name").str.contains(INVISIBLE)).then(pl.lit("invisible_characters_in_name"))
    rule = rule.when(pl.col("model_id").is_null()).then(pl.lit("unknown_model"))
    if "benchmark_id" in frame.columns:
        rule = rule.when(pl.col("benchmark_id").is_null()).then(pl.lit("unknown_benchmark"))
    flagged = frame.with_columns(rule.otherwise(None).alias("rule")).filter(pl.col("rule").is_not_null())
    record_cols = [c for c in flagged.columns if c not in ("rule", "model_id", "benchmark_id")]
    return flagged.select(
        pl.col("source_id"),
        pl.lit(f"resolve:{kind}").alias("stage"),
        pl.col("rule"),
        pl.struct(record_cols).struct.json_encode().alias("record"),
    )


def unmatched_names(frame: pl.DataFrame, data: str) -> pl.DataFrame:
    """Unresolved names per source: (source_id, kind model|benchmark, found_in, name, rows)."""
    parts = [frame.filter(pl.col("model_id").is_null()).select("source_id", pl.lit("model").alias("kind"), pl.col("model_name").alias("name"))]
    if "benchmark_id" in frame.columns:
        parts.append(
            frame.filter(pl.col("benchmark_id").is_null()).select(
                "source_id", pl.lit("benchmark").alias("kind"), pl.col("benchmark_name").alias("name")
            )
        )
    return pl.concat(parts).group_by("source_id", "kind", "name").agg(pl.len().cast(pl.Int64).alias("rows")).with_columns(
        pl.lit(data).alias("found_in")
    )


def unmatched_report(parts: list[pl.DataFrame], model_index: pl.DataFrame, benchmark_index: pl.DataFrame,
                     hints_for: int = 200) -> pl.DataFrame:
    """One row per (source, kind, name) with its rows over all data kinds, most rows first; the `hints_for`
    names with the most rows get the closest catalog ids as `candidate` (a hint, never a match)."""
    report = (
        pl.concat(parts)
        .group_by("source_id", "kind", "name")
        .agg(pl.col("rows").sum(), pl.col("found_in").unique().sort().str.join(", "))
        .sort(["rows", "source_id", "kind", "name"], descending=[True, False, False, False])
    )
    hints: list[str | None] = [None] * report.height
    for kind, index, id_col, match in (("model", model_index, "model_id", "key"), ("benchmark", benchmark_index, "benchmark_id", "normalized")):
        rows = [i for i, k in enumerate(report["kind"].to_list()[:hints_for]) if k == kind]
        for i, hint in zip(rows, closest_ids([report["name"][i] for i in rows], index, id_col, match=match)):
            hints[i] = hint
    return report.with_columns(pl.Series("candidate", hints, dtype=pl.String))


@dataclass
class Inputs:
    """The resolved inputs of one snapshot: rows with catalog ids, and what was left out (with counts)."""

    scores: pl.DataFrame
    prices: pl.DataFrame
    runtime: pl.DataFrame
    facts: pl.DataFrame
    quarantine: pl.DataFrame
    unmatched: pl.DataFrame
    after_snapshot: dict[str, int] = field(default_factory=dict)  # per source: rows dated after the snapshot, left out
    before_release: dict[str, int] = field(default_factory=dict)  # per source: rows of models not yet released, left out
    models: pl.DataFrame | None = None  # the models names resolved against (transforms.registry), when a registry was read


@dataclass
class Resolved:
    """Every row of a set of payloads with its catalog ids (null where unmatched), before any date applies: the part
    of resolving that does not depend on the snapshot date, so a backfill does it once per set of payloads."""

    scores: pl.DataFrame
    prices: pl.DataFrame
    runtime: pl.DataFrame
    facts: pl.DataFrame
    rejects: pl.DataFrame
    model_names: ModelNames
    benchmark_index: pl.DataFrame


def resolve_rows(scores: pl.DataFrame, prices: pl.DataFrame, runtime: pl.DataFrame, facts: pl.DataFrame, rejects: pl.DataFrame,
                 model_names: ModelNames, benchmark_index: pl.DataFrame) -> Resolved:
    """Resolve every row's names to catalog ids (row by row, so resolving before or after a date filter is the same);
    each distinct name is resolved once, whichever frames carry it."""
    lookup = name_lookup([scores, prices, runtime, facts], model_names)
    return Resolved(resolved(scores, model_names, benchmark_index, lookup), resolved(prices, model_names, lookup=lookup),
                    resolved(runtime, model_names, lookup=lookup), resolved(facts, model_names, lookup=lookup), rejects,
                    model_names, benchmark_index)


def as_of(rows: Resolved, snapshot_date: date, first_fetched: dict[str, date] | None = None) -> Inputs:
    """The inputs of one snapshot from resolved rows; unresolved rows go to quarantine and the unmatched report.

    Observations dated after the snapshot date are left out (that is how a backfill sees the past); a row without
    a date of its own takes the day its payload was first fetched (`first_fetched`, per source) as its date, never
    "always valid"; without a fetch date (a payload never landed) it stays undated."""
    fetched = pl.DataFrame(list((first_fetched or {}).items()), schema={"source_id": pl.String, "_fetched": pl.Date}, orient="row")
    dated = pl.coalesce(pl.col("observed_on"), pl.col("_fetched"))
    scores = rows.scores.join(fetched, on="source_id", how="left", maintain_order="left")
    future = scores.filter(dated > snapshot_date)
    scores = scores.filter(dated.is_null() | (dated <= snapshot_date)).with_columns(dated.alias("observed_on")).drop("_fetched")
    prices, runtime, facts = rows.prices, rows.runtime, rows.facts
    kinds = ((scores, "scores"), (prices, "prices"), (runtime, "runtime"))
    quarantine = pl.concat([contracts.conform(rows.rejects, contracts.QUARANTINE, "rejects")] + [unmatched_quarantine(f, k) for f, k in kinds])
    unmatched = unmatched_report([unmatched_names(f, k) for f, k in kinds], rows.model_names.index, rows.benchmark_index)
    later = dict(future.group_by("source_id").len().rows())
    return Inputs(matched(scores), matched(prices), matched(runtime), matched(facts), quarantine, unmatched, later)


def released_only(inputs: Inputs, models: pl.DataFrame, snapshot_date: date) -> Inputs:
    """`inputs` without the rows of models released after the snapshot date (counted per source in
    `before_release`): a snapshot never shows a model before it existed. The release date is the model's own
    (curated or a registry's), else the earliest a source gives."""
    unreleased = release_dates(models, inputs.facts).filter(pl.col("release_date") > snapshot_date).select("model_id")
    left_out = pl.concat([f.join(unreleased, on="model_id", how="semi").select("source_id")
                          for f in (inputs.scores, inputs.prices, inputs.runtime)])
    inputs.scores, inputs.prices, inputs.runtime = (
        f.join(unreleased, on="model_id", how="anti") for f in (inputs.scores, inputs.prices, inputs.runtime)
    )
    inputs.before_release = dict(left_out.group_by("source_id").len().rows())
    return inputs


def release_dates(models: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """(model_id, release_date): the model's own release date (curated or a registry's), else the earliest a
    source's facts give."""
    stated = facts.group_by("model_id").agg(pl.col("release_date").min().alias("_fact_release"))
    return models.select("model_id", "release_date").join(stated, on="model_id", how="full", coalesce=True).select(
        "model_id", pl.coalesce("release_date", "_fact_release").alias("release_date")
    )

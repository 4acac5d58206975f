"""Head-to-head for any two models: read the mart, or compute the pair on demand with the same transforms."""

from dataclasses import dataclass
from datetime import date
import difflib

import polars as pl
from sqlalchemy import Engine, inspect

from benchmart.errors import UnknownModel
from benchmart.ingest.catalog import Catalog
from benchmart.settings import Settings
from benchmart.transforms.model_names import model_name_frames, resolve_models
from benchmart.warehouse.read import table_at


def warehouse_models(engine: Engine, catalog: Catalog) -> pl.DataFrame:
    """The models of the warehouse's dim_model (the registry as last published) with their names, shaped like the
    catalog's; the curated catalog alone when the warehouse has none."""
    if "aliases" not in {c["name"] for c in inspect(engine).get_columns("dim_model")}:  # a warehouse before migration 0006
        return catalog.models_frame()
    dim = table_at(engine, "dim_model")
    if dim.is_empty():
        return catalog.models_frame()
    return dim.select(
        "model_id", "display_name", "vendor",
        pl.col("aliases").fill_null("[]").str.json_decode(pl.List(pl.String)).alias("aliases"),
    ).join(catalog.models_frame().select("model_id", "variants"), on="model_id", how="left")


def resolve_model(models: pl.DataFrame, catalog: Catalog, *names: str) -> list[str]:
    """The id of the model each of `names` names; UnknownModel with the closest names for the first that names none."""
    model_names = model_name_frames(models, catalog.vendors_frame(), catalog.open_prefixes)
    found = resolve_models(pl.Series(names, dtype=pl.String), model_names)
    ids = dict(found.select("model_name", "model_id").rows())
    unknown = next((n for n in names if ids.get(n) is None), None)
    if unknown is None:
        return [ids[n] for n in names]
    name = unknown
    names = sorted({n for row in models.select("model_id", "display_name", "aliases").rows() for n in (row[0], row[1], *(row[2] or []))})
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.4) or difflib.get_close_matches(
        name.lower(), [n.lower() for n in names], n=5, cutoff=0.4
    )
    hint = f"; closest known names: {', '.join(close)}" if close else "; `benchmart models` lists them"
    raise UnknownModel(f"unknown model {name!r}{hint}")


@dataclass
class Comparison:
    snapshot_date: date
    lane: str
    first: dict  # dim_model + leaderboard row of the model named first
    second: dict
    pair: dict  # mart_head_to_head row, oriented a = first
    categories: pl.DataFrame  # oriented: score_a is the first model's
    from_mart: bool


def compare(engine: Engine, catalog: Catalog, first_id: str, second_id: str, lane: str, snapshot: date) -> Comparison:
    a, b = sorted((first_id, second_id))
    pair = table_at(engine, "mart_head_to_head", snapshot, lane=lane, model_a_id=a, model_b_id=b)
    cats = table_at(engine, "mart_head_to_head_category", snapshot, lane=lane, model_a_id=a, model_b_id=b)
    from_mart = pair.height == 1
    if not from_mart:
        pair, cats = _on_demand(engine, catalog, a, b, lane, snapshot)
    board = table_at(engine, "mart_leaderboard", snapshot, lane=lane)
    models = table_at(engine, "dim_model")
    names = catalog.categories_frame().select("category_id", pl.col("display_name").alias("category"))
    benches = catalog.benchmarks_frame().select(pl.col("benchmark_id").alias("top_benchmark_id"), pl.col("display_name").alias("top_benchmark"))
    cats = cats.join(names, on="category_id", how="left").join(benches, on="top_benchmark_id", how="left")
    row = pair.row(0, named=True)
    if first_id != a:  # present in the order the user asked for
        row = row | {
            "model_a_id": b, "model_b_id": a, "overall_a": row["overall_b"], "overall_b": row["overall_a"],
            "overall_diff": -row["overall_diff"], "swing_a": row["swing_b"], "swing_b": row["swing_a"],
        }
        cats = cats.with_columns(
            pl.col("score_b").alias("score_a"), pl.col("score_a").alias("score_b"), (-pl.col("diff")).alias("diff")
        )
    swing = catalog.benchmarks_frame().filter(pl.col("benchmark_id") == row["swing_benchmark_id"])
    row["swing_benchmark"] = swing["display_name"][0] if swing.height else None

    def side(model_id: str) -> dict:
        info = models.filter(pl.col("model_id") == model_id).row(0, named=True)
        entry = board.filter(pl.col("model_id") == model_id)
        return info | (entry.drop("context_window_tokens", "is_reasoning").row(0, named=True) if entry.height else {})

    return Comparison(snapshot, lane, side(first_id), side(second_id), row, cats.sort("category_id"), from_mart)


def _on_demand(engine, catalog, a, b, lane, snapshot) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The same transforms the nightly run uses, for one pair (e.g. when a model is unranked)."""
    from benchmart.transforms.fct_benchmark_score import lane_benchmark_scores  # numpy and the pair code: on demand only
    from benchmart.transforms.mart_head_to_head import mart_head_to_head
    from benchmart.transforms.pairs import pair_figures
    from benchmart.transforms.uncertainty import lead_probability, resample

    pairs = pl.DataFrame({"lane": [lane], "model_a_id": [a], "model_b_id": [b]})
    board = table_at(engine, "mart_leaderboard", snapshot, lane=lane)
    missing = {a, b} - set(board["model_id"].to_list())
    if missing:
        raise UnknownModel(f"no scores for {', '.join(sorted(missing))} in the {lane} lane of snapshot {snapshot}")
    scores = table_at(engine, "fct_benchmark_score", snapshot)
    benchmarks = catalog.benchmarks_frame()
    bench_scores = lane_benchmark_scores(scores.lazy(), benchmarks.lazy()).filter(pl.col("lane") == lane).collect()
    figures, cats = pair_figures(pairs, bench_scores, table_at(engine, "mart_category_score", snapshot, lane=lane))
    rules = Settings().rank_rules  # the same seed and draws as the run: the lane's resamples do not depend on the pair
    lead = lead_probability(pairs, resample(bench_scores, catalog.categories_frame(), rules))
    h2h = mart_head_to_head(pairs.lazy(), board.lazy(), figures.lazy(), table_at(engine, "dim_model").lazy(),
                            catalog.categories_frame().lazy(), benchmarks.lazy(), lead.lazy(), rules)
    return h2h.collect().with_columns(pl.lit(snapshot).alias("snapshot_date")), cats

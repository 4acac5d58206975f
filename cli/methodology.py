"""`benchmart evaluate`: how well the rankings agree with held-out sources, and how calibrated the verdicts are."""

from typing import Annotated

import polars as pl
from rich.table import Table
import typer

from benchmart.cli.common import DateOpt, WarehouseOpt, console, engine, fail, parse_date
from benchmart.errors import BenchmartError


def evaluate(
    date_: DateOpt = None,
    warehouse: WarehouseOpt = None,
    min_models: Annotated[int, typer.Option("--min-models", min=3, help="Held-out sources need this many models.")] = 10,
) -> None:
    """Leave-one-source-out agreement of the overall and the index, and verdict calibration, for a snapshot."""
    from benchmart.transforms.evaluation import calibration, held_out_calls, leave_one_source_out
    from benchmart.warehouse import read

    try:
        wh = engine(warehouse)
        snap = read.snapshot_or_latest(wh, parse_date(date_))
        observations = read.table_at(wh, "fct_benchmark_observation", snap)
        dims = [read.table_at(wh, name) for name in ("dim_source", "dim_benchmark", "dim_category")]
        pairs = read.table_at(wh, "mart_head_to_head", snap)
    except BenchmartError as exc:
        fail(exc)
    for lane in ("provisional", "verified"):
        for ranked_only in (False, True):
            loso = leave_one_source_out(observations, *dims, lane=lane, min_models=min_models, ranked_only=ranked_only)
            who = "ranked models" if ranked_only else "every model with scores"
            table = Table(title=f"Leave-one-source-out, {lane} lane, {who} (Spearman's rho), snapshot {snap}")
            for col in ("Held-out source", "Models", "Overall", "Index"):
                table.add_column(col, justify="left" if col == "Held-out source" else "right")
            for r in loso.to_dicts():
                table.add_row(r["source_id"], str(r["models"]), _rho(r["rho_overall"]), _rho(r["rho_index"]))
            valid = loso.filter(pl.col("models") >= 3)
            table.add_row("median", "", _rho(valid["rho_overall"].median()), _rho(valid["rho_index"].median()), style="bold")
            console.print(table)
    table = Table(title="Verdict calibration: share of resamples in which the model ahead stays ahead")
    for col in ("Lane", "Call", "Pairs", "Mean", "Lowest"):
        table.add_column(col, justify="left" if col in ("Lane", "Call") else "right")
    for r in calibration(pairs).to_dicts():
        table.add_row(r["lane"], r["call"] or "", str(r["pairs"]), _pct(r["mean_p_lead"]), _pct(r["min_p_lead"]))
    console.print(table)
    table = Table(title="Out of sample: calls made without a source, checked on its benchmarks (model ahead also ahead there)")
    for col in ("Lane", "Call", "Pairs", "Agree"):
        table.add_column(col, justify="left" if col in ("Lane", "Call") else "right")
    for lane in ("provisional", "verified"):
        for r in held_out_calls(observations, *dims, lane=lane, min_models=min_models).to_dicts():
            table.add_row(lane, r["call"], str(r["pairs"]), _pct(r["held_out_agrees"]))
    console.print(table)


def _rho(value) -> str:
    return "N/A" if value is None or value != value else f"{value:.2f}"


def _pct(value) -> str:
    return "N/A" if value is None else f"{value:.1%}"

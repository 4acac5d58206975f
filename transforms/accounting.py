"""Every row a source yields is accounted for: published, quarantined (with its rule) or left out by date.

    rows read + parse rejects = published + quarantined + dated after the snapshot + of a model not yet released

per source, over the figures it carries (scores, prices, runtime). Records a connector skips by design (e.g. an
image model in a price list) are reported by reason beside it (`records_skipped`), not part of the equation.
"""

import polars as pl

FACT_TABLES = ("fct_benchmark_observation", "fct_model_price", "fct_model_runtime")
LEDGER = {"source_id": pl.String, "rows_read": pl.Int64, "parse_rejects": pl.Int64, "published": pl.Int64,
          "quarantined": pl.Int64, "left_out": pl.Int64, "unaccounted": pl.Int64}


def ledger(read: pl.DataFrame, tables: dict[str, pl.DataFrame], quarantine: pl.DataFrame, left_out: pl.DataFrame) -> pl.DataFrame:
    """One row per source of `read` (source_id, rows_read, parse_rejects): what became of its rows. `left_out`:
    (source_id, rows) left out by date; `unaccounted` is 0 when every row is accounted for."""
    published = pl.concat([tables[t].select("source_id") for t in FACT_TABLES if t in tables]).group_by("source_id").len("published")
    held = quarantine.group_by("source_id").len("quarantined")
    dated = left_out.group_by("source_id").agg(pl.col("rows").sum().alias("left_out"))
    counts = (
        read.join(published, on="source_id", how="left").join(held, on="source_id", how="left").join(dated, on="source_id", how="left")
        .with_columns(pl.col("published", "quarantined", "left_out").fill_null(0).cast(pl.Int64))
    )
    return counts.with_columns(
        (pl.col("rows_read") + pl.col("parse_rejects") - pl.col("published") - pl.col("quarantined") - pl.col("left_out"))
        .alias("unaccounted")
    ).select(*LEDGER)


def unbalanced(book: pl.DataFrame) -> list[str]:
    """A line per source whose rows do not add up."""
    return [f"{r['source_id']}: read {r['rows_read']} + {r['parse_rejects']} rejected, published {r['published']}, quarantined "
            f"{r['quarantined']}, left out by date {r['left_out']} ({r['unaccounted']:+} unaccounted)"
            for r in book.filter(pl.col("unaccounted") != 0).to_dicts()]

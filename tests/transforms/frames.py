"""Tiny literal frames shared by the transform tests."""

from datetime import date

import polars as pl

CATEGORIES = pl.DataFrame(
    {"category_id": ["coding", "knowledge", "math"], "display_name": ["Coding", "Knowledge", "Math"], "weight": [0.5, 0.3, 0.2]}
)


def benchmarks(*rows: tuple) -> pl.DataFrame:
    """rows: (benchmark_id, category_id, is_weighted, scale, higher_is_better[, min, max])."""
    return pl.DataFrame(
        [
            {
                "benchmark_id": r[0], "display_name": r[0].upper(), "category_id": r[1], "is_weighted": r[2],
                "scale": r[3], "higher_is_better": r[4],
                "scale_min": r[5] if len(r) > 5 else None, "scale_max": r[6] if len(r) > 6 else None,
            }
            for r in rows
        ],
        schema={"benchmark_id": pl.String, "display_name": pl.String, "category_id": pl.String, "is_weighted": pl.Boolean,
                "scale": pl.String, "higher_is_better": pl.Boolean, "scale_min": pl.Float64, "scale_max": pl.Float64},
    ).with_columns(pl.lit("1").alias("version"), pl.lit("current").alias("freshness"))


def observations(*rows: tuple) -> pl.DataFrame:
    """rows: (model_id, benchmark_id, raw_value[, provenance, source_id, observed_on, unit])."""
    return pl.DataFrame(
        [
            {
                "model_id": r[0], "benchmark_id": r[1], "raw_value": float(r[2]),
                "provenance": r[3] if len(r) > 3 else "verified",
                "source_id": r[4] if len(r) > 4 else "s1",
                "observed_on": r[5] if len(r) > 5 else date(2025, 1, 1),
                "unit": r[6] if len(r) > 6 else None,
            }
            for r in rows
        ],
        schema={"model_id": pl.String, "benchmark_id": pl.String, "raw_value": pl.Float64, "provenance": pl.String,
                "source_id": pl.String, "observed_on": pl.Date, "unit": pl.String},
    ).with_columns(pl.lit(None, pl.String).alias("variant"), pl.lit(None, pl.String).alias("citation"),
                   pl.col("model_id").alias("model_name"), pl.lit(None, pl.String).alias("release"),
                   pl.lit(None, pl.String).alias("harness"))


def chosen(obs: pl.DataFrame) -> pl.DataFrame:
    """Observations as fct_benchmark_observation rows (the raw value as the score)."""
    return obs.rename({"model_name": "source_model_name"}).with_columns(pl.col("raw_value").alias("score"))


def scored(*rows: tuple) -> pl.DataFrame:
    """Chosen scores: (model_id, benchmark_id, score[, provenance])."""
    return pl.DataFrame(
        [{"model_id": r[0], "benchmark_id": r[1], "score": float(r[2]), "provenance": r[3] if len(r) > 3 else "verified",
          "release": None} for r in rows],
        schema_overrides={"release": pl.String},
    )


PRIORITY = pl.DataFrame({"source_id": ["s1", "s2"], "priority": [50, 90]})

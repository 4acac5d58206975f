"""Polars expressions that format numbers for generated text (verdicts), so no Python loop is needed."""

import polars as pl


def fixed(value: pl.Expr, decimals: int = 1) -> pl.Expr:
    """`value` with exactly `decimals` decimals, e.g. 72 -> "72.0"; null stays null."""
    scale = 10**decimals
    scaled = (value * scale).round(0).cast(pl.Int64)
    whole = (scaled.abs() // scale).cast(pl.String)
    frac = (scaled.abs() % scale).cast(pl.String).str.zfill(decimals)
    sign = pl.when(scaled < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, whole, pl.lit("."), frac]) if decimals else pl.concat_str([sign, whole])


def signed(value: pl.Expr, decimals: int = 1) -> pl.Expr:
    return pl.concat_str([pl.when(value >= 0).then(pl.lit("+")).otherwise(pl.lit("")), fixed(value, decimals)])


def tokens(n: pl.Expr) -> pl.Expr:
    """Context sizes as people say them: 128000 -> 128K, 262144 -> 256K, 1047576 -> 1M."""
    million_bin = n / 1_048_576
    return (
        pl.when(n % 1_000_000 == 0)
        .then(pl.format("{}M", (n // 1_000_000)))
        .when(n % 1_048_576 == 0)
        .then(pl.format("{}M", (n // 1_048_576)))
        .when(n % 1000 == 0)
        .then(pl.format("{}K", (n // 1000)))
        .when(n % 1024 == 0)
        .then(pl.format("{}K", (n // 1024)))
        .when((million_bin >= 0.99) & ((million_bin - million_bin.round(0)).abs() < 0.01))
        .then(pl.format("{}M", million_bin.round(0).cast(pl.Int64)))
        .otherwise(pl.format("{}K", (n / 1000).round(0).cast(pl.Int64)))
    )


def usd(value: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("$"), fixed(value, 2)])

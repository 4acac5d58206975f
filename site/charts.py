"""Charts of the static site: Altair (Vega-Lite) specifications rendered to SVG offline by vl-convert, so a page
needs no JavaScript library and no network. Every function takes plain frames and returns an SVG string."""

import altair as alt
import polars as pl

WIDTH, HEIGHT = 560, 320


def _svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_json())


def pareto_frontier(frame: pl.DataFrame, score: str, price: str) -> pl.DataFrame:
    """The models no other model beats on both a higher score and a lower price."""
    ordered = frame.drop_nulls([score, price]).sort([price, score], descending=[False, True])
    return ordered.filter(pl.col(score) > pl.col(score).cum_max().shift(1).fill_null(float("-inf")))


def score_vs_price(board: pl.DataFrame, score: str) -> str:
    """Score against blended price (log scale) for the models with a price, the Pareto frontier drawn."""
    priced = board.drop_nulls(["blended_usd_per_mtok", score]).filter(pl.col("blended_usd_per_mtok") > 0)
    frontier = pareto_frontier(priced, score, "blended_usd_per_mtok")
    x = alt.X("blended_usd_per_mtok:Q", scale=alt.Scale(type="log"), title="Blended price, USD per million tokens (3:1)")
    y = alt.Y(f"{score}:Q", title="Score", scale=alt.Scale(zero=False))
    points = alt.Chart(priced).mark_circle(size=60, opacity=0.7).encode(x=x, y=y, tooltip=["display_name", score, "blended_usd_per_mtok"])
    labels = alt.Chart(frontier).mark_text(align="left", dx=6, fontSize=10).encode(x=x, y=y, text="display_name")
    line = alt.Chart(frontier).mark_line(color="#d62728", strokeDash=[4, 3]).encode(x=x, y=y)
    return _svg((points + line + labels).properties(width=WIDTH, height=HEIGHT, title="Score vs price (dashed: the Pareto frontier)"))


def score_vs_release(board: pl.DataFrame, score: str) -> str:
    dated = board.drop_nulls(["release_date", score]).with_columns(pl.col("release_date").cast(pl.String))
    chart = alt.Chart(dated).mark_circle(size=60, opacity=0.7).encode(
        x=alt.X("release_date:T", title="Release date"), y=alt.Y(f"{score}:Q", title="Score", scale=alt.Scale(zero=False)),
        color=alt.Color("vendor:N", legend=alt.Legend(columns=2, symbolLimit=20)), tooltip=["display_name", score, "release_date"])
    return _svg(chart.properties(width=WIDTH, height=HEIGHT, title="Score vs release date"))


def category_bars(frame: pl.DataFrame) -> str:
    """`frame`: model (display name), category, score: grouped bars per category."""
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("category:N", title=None), x=alt.X("score:Q", title="Category score (0-100)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("model:N", legend=alt.Legend(orient="bottom", title=None)), yOffset="model:N",
        tooltip=["model", "category", "score"])
    return _svg(chart.properties(width=WIDTH - 120, title="Category scores"))


def rank_history(frame: pl.DataFrame) -> str:
    """`frame`: snapshot_date, rank (of one model): the rank over the snapshots (1 on top)."""
    data = frame.drop_nulls("rank").with_columns(pl.col("snapshot_date").cast(pl.String))
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="Snapshot"), y=alt.Y("rank:Q", title="Rank", scale=alt.Scale(reverse=True, zero=False)),
        tooltip=["snapshot_date", "rank"])
    return _svg(chart.properties(width=WIDTH, height=200, title="Rank over the snapshots"))

"""The pairs of the head-to-head tables and their figures, computed on dense matrices in blocks, not by joining rows.

Per lane: a model x benchmark matrix of normalized scores (NaN where missing) and a model x category matrix of
category scores. For a block of pairs the figures are array operations on the two models' rows: which
benchmarks both have, the biggest swing among them, per shared category the benchmark with the largest gap and
whether both averages rest on the same benchmarks; per pair, the shared categories, the sharpest of them (largest
gap of the published, rounded differences) and those whose averages rest on different benchmarks. Ties go to the
smaller id, as a sort would. A block is a run of consecutive pairs (pairs x benchmarks, every category at once
with segmented reductions over the benchmark columns, which are grouped by category), so memory is a block at a
time whatever the number of pairs, and blocks run on every core (transforms/blocks.py).
"""

import numpy as np
import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms.blocks import blocks_in_order, each_block
from benchmart.transforms.preference import in_order

PAIR_FIGURES = {"lane": pl.String, "model_a_id": pl.String, "model_b_id": pl.String, "shared_benchmarks": pl.Int64,
                "swing_benchmark_id": pl.String, "swing_a": pl.Float64, "swing_b": pl.Float64, "shared_categories": pl.Int64,
                "sharpest_category_id": pl.String, "sharpest_a": pl.Float64, "sharpest_b": pl.Float64,
                "uneven_category_ids": pl.String}
CATEGORY_FIGURES = {"lane": pl.String, "model_a_id": pl.String, "model_b_id": pl.String, "category_id": pl.String,
                    "score_a": pl.Float64, "score_b": pl.Float64, "diff": pl.Float64, "top_benchmark_id": pl.String,
                    "same_benchmarks": pl.Boolean}


def comparable_pairs(mart_leaderboard: pl.LazyFrame, rules: RankRules = DEFAULT_RULES, top_k: int | None = None) -> pl.LazyFrame:
    """Every unordered pair (model_a_id < model_b_id) per lane among the comparable models: those with the breadth
    a comparison needs (rules.min_categories categories, rules.min_weight_covered of the weight), ranked or below
    the benchmark floors (their verdicts say when the shared evidence is too thin to call a leader). `top_k`: only
    the first k of them per lane (ranked first, by rank, then by overall score); any other pair is computed on
    demand."""
    models = mart_leaderboard.filter(
        (pl.col("categories_covered") >= rules.min_categories) & (pl.col("weight_covered") >= rules.min_weight_covered - 1e-9)
    )
    if top_k is not None:
        models = models.sort(["lane", "is_ranked", "rank", "overall_score", "model_id"], descending=[False, True, False, True, False],
                             nulls_last=True).group_by("lane", maintain_order=True).head(top_k)
    models = models.select("lane", "model_id")
    return (
        models.rename({"model_id": "model_a_id"})
        .join_where(
            models.rename({"lane": "lane_b", "model_id": "model_b_id"}),
            pl.col("lane") == pl.col("lane_b"),
            pl.col("model_a_id") < pl.col("model_b_id"),
        )
        .select("lane", "model_a_id", "model_b_id")
        .sort("lane", "model_a_id", "model_b_id")
    )


def pair_figures(pairs: pl.DataFrame, bench_scores: pl.DataFrame,
                 category_scores: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per pair, per pair and shared category) figures. `pairs`: lane, model_a_id, model_b_id; `bench_scores`:
    lane, model_id, benchmark_id, category_id, score (weighted benchmarks); `category_scores`: mart_category_score
    (None: no per-category figures)."""
    if category_scores is None:
        category_scores = pl.DataFrame(schema={"lane": pl.String, "model_id": pl.String, "category_id": pl.String,
                                               "score": pl.Float64, "n_benchmarks": pl.Int64})
    keys = ["lane", "model_a_id", "model_b_id"]
    if not in_order(pairs, keys):  # sorted pairs give per-category rows already in order: no sort of the larger table
        pairs = pairs.sort(keys)
    per_pair, per_category = [], []
    for (lane,), part in pairs.group_by("lane", maintain_order=True):
        p, c = _lane_figures(lane, part, bench_scores.filter(pl.col("lane") == lane), category_scores.filter(pl.col("lane") == lane))
        per_pair.append(p)
        per_category.append(c)
    if not per_pair:
        return pl.DataFrame(schema=PAIR_FIGURES), pl.DataFrame(schema=CATEGORY_FIGURES)
    return pl.concat(per_pair), pl.concat(per_category)  # (lane, a, b, category) order: pairs sorted, categories in id order


def _lane_figures(lane: str, pairs: pl.DataFrame, bench: pl.DataFrame, cats: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    models = pl.concat([pairs["model_a_id"], pairs["model_b_id"], bench["model_id"], cats["model_id"]]).unique().sort()
    benches = bench.select("benchmark_id", "category_id").unique().sort("category_id", "benchmark_id")
    categories = pl.concat([benches["category_id"], cats["category_id"]]).unique().sort()
    cat_index = {c: i for i, c in enumerate(categories)}
    n_m, n_b, n_c = len(models), benches.height, len(categories)

    scores = np.full((n_m, n_b), np.nan)
    bench_cols = bench["benchmark_id"].replace_strict(benches["benchmark_id"], pl.int_range(n_b, eager=True), return_dtype=pl.Int64)
    scores[_positions(bench["model_id"], models), bench_cols.to_numpy()] = bench["score"].to_numpy()
    cat_score = np.full((n_m, n_c), np.nan)
    cat_n = np.zeros((n_m, n_c))
    cat_rows, cat_cols = _positions(cats["model_id"], models), [cat_index[c] for c in cats["category_id"]]
    cat_score[cat_rows, cat_cols] = cats["score"].to_numpy()
    cat_n[cat_rows, cat_cols] = cats["n_benchmarks"].to_numpy()
    bench_cat = np.array([cat_index[c] for c in benches["category_id"]], dtype=np.int64)
    bounds = np.searchsorted(bench_cat, np.arange(n_c + 1))  # benchmarks are grouped by category
    by_id = np.argsort(benches["benchmark_id"].to_numpy(), kind="stable")  # global id order for the swing's ties
    bench_ids, cat_ids = benches["benchmark_id"].to_numpy(), categories.to_numpy()

    ia, ib = (_positions(pairs[c], models) for c in ("model_a_id", "model_b_id"))
    n_p = len(ia)
    has, cat_has = ~np.isnan(scores), ~np.isnan(cat_score)
    id_rank = np.empty(n_b, dtype=np.int64)
    id_rank[by_id] = np.arange(n_b)
    shared_n = np.zeros(n_p, dtype=np.int64)
    swing = np.full(n_p, -1, dtype=np.int64)
    # the per-category rows (pair x shared category, pair by pair in category order), written by the blocks in place
    shared_c = (cat_has[ia] & cat_has[ib]).sum(axis=1).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(shared_c)]).astype(np.int64)
    p_idx, c_idx, top_at = (np.empty(offset[-1], dtype=np.int64) for _ in range(3))
    score_a, score_b, same = np.empty(offset[-1]), np.empty(offset[-1]), np.empty(offset[-1], dtype=bool)
    filled = np.flatnonzero(bounds[1:] > bounds[:-1])  # categories with benchmarks; theirs are the columns lo..hi
    starts = bounds[:-1][filled]
    column_category = np.searchsorted(starts, np.arange(n_b), side="right") - 1  # each benchmark column's (filled) category
    column = np.arange(n_b)

    def block(sel: slice) -> None:  # a run of consecutive pairs, every category at once: all that is per pair is done here
        a, b = ia[sel], ib[sel]
        k = len(a)
        both = has[a] & has[b]
        gap = np.where(both, np.abs(scores[a] - scores[b]), -1.0)
        common = np.zeros((k, n_c), dtype=np.int64)  # shared benchmarks per category
        top = np.full((k, n_c), -1, dtype=np.int64)  # per category: the shared benchmark with the largest gap
        top_gap = np.full((k, n_c), -1.0)
        if len(starts):
            in_c = np.add.reduceat(both, starts, axis=1, dtype=np.int64)
            widest = np.maximum.reduceat(gap, starts, axis=1)
            # the first of equal gaps: the smaller id (ids are sorted within a category)
            first = np.minimum.reduceat(np.where(gap == widest[:, column_category], column, n_b), starts, axis=1)
            common[:, filled] = in_c
            top[:, filled] = np.where(in_c > 0, first, -1)
            top_gap[:, filled] = np.where(in_c > 0, widest, -1.0)
        shared = common.sum(axis=1)
        shared_n[sel] = shared
        if n_c and n_b:  # the biggest swing: the largest of the categories' top gaps, the smallest benchmark id on a tie
            tied = (top_gap == top_gap.max(axis=1)[:, None]) & (top >= 0)
            choice = np.where(tied, id_rank[np.maximum(top, 0)], n_b).argmin(axis=1)
            swing[sel] = np.where(shared > 0, top[np.arange(k), choice], -1)
        row, col = np.nonzero(cat_has[a] & cat_has[b])  # the categories both have, pair by pair in category order
        ra, rb = a[row], b[row]
        at = slice(offset[sel.start], offset[sel.stop])
        p_idx[at], c_idx[at], top_at[at] = row + sel.start, col, top[row, col]
        score_a[at], score_b[at] = cat_score[ra, col], cat_score[rb, col]
        same[at] = (common[row, col] == cat_n[ra, col]) & (cat_n[ra, col] == cat_n[rb, col])

    each_block(block, blocks_in_order(n_p, n_b))
    has_swing = swing >= 0
    pick = np.where(has_swing, swing, 0)
    per_category = pl.DataFrame({
        "lane": pl.repeat(lane, len(p_idx), dtype=pl.String, eager=True),
        "model_a_id": pairs["model_a_id"].gather(p_idx), "model_b_id": pairs["model_b_id"].gather(p_idx),
        "category_id": _ids(cat_ids, c_idx), "score_a": score_a, "score_b": score_b,
        "top_benchmark_id": _ids(bench_ids, top_at), "same_benchmarks": same,
    }).with_columns((pl.col("score_a") - pl.col("score_b")).round(6).alias("diff")).select(*CATEGORY_FIGURES)

    # the sharpest shared category: the largest |diff| as published (rounded), the smaller category id on a tie
    gap = np.full((n_p, n_c), -1.0)
    gap[p_idx, c_idx] = np.abs(per_category["diff"].to_numpy())
    sharp = np.where(shared_c > 0, gap.argmax(axis=1) if n_c else 0, -1)
    at = np.maximum(sharp, 0)
    per_pair = pl.DataFrame({
        "lane": pl.repeat(lane, n_p, dtype=pl.String, eager=True), "model_a_id": pairs["model_a_id"], "model_b_id": pairs["model_b_id"],
        "shared_benchmarks": shared_n,
        "swing_benchmark_id": _ids(bench_ids, swing),
        "swing_a": np.where(has_swing, scores[ia, pick] if n_b else np.nan, np.nan),
        "swing_b": np.where(has_swing, scores[ib, pick] if n_b else np.nan, np.nan),
        "shared_categories": shared_c,
        "sharpest_category_id": _ids(cat_ids, sharp),
        "sharpest_a": np.where(sharp >= 0, cat_score[ia, at] if n_c else np.nan, np.nan),
        "sharpest_b": np.where(sharp >= 0, cat_score[ib, at] if n_c else np.nan, np.nan),
        "uneven_category_ids": _uneven(cat_ids, n_p, p_idx[~same], c_idx[~same]),
    }, schema=PAIR_FIGURES).with_columns(pl.col(c).fill_nan(None) for c in ("swing_a", "swing_b", "sharpest_a", "sharpest_b"))
    return per_pair, per_category.cast(CATEGORY_FIGURES)


def _uneven(cat_ids: np.ndarray, n_p: int, p_idx: np.ndarray, c_idx: np.ndarray) -> pl.Series:
    """Per pair, the ids (comma-separated, in id order) of the shared categories whose averages rest on different
    benchmarks; null when none. Each distinct set is spelled once, however many pairs have it."""
    if n_p == 0 or len(cat_ids) == 0:
        return pl.Series([None] * n_p, dtype=pl.String)
    member = np.zeros((n_p, len(cat_ids)), dtype=bool)
    member[p_idx, c_idx] = True
    packed = np.packbits(member, axis=1)  # one byte string per pair: its set of categories
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    patterns, first, which = np.unique(keys, return_index=True, return_inverse=True)
    spelled = [",".join(cat_ids[member[i]]) or None for i in first]
    return pl.Series(spelled, dtype=pl.String).gather(which.ravel())


def _positions(ids: pl.Series, sorted_ids: pl.Series) -> np.ndarray:
    """Where each of `ids` stands in `sorted_ids` (sorted, unique, holding every one of them)."""
    return sorted_ids.search_sorted(ids).to_numpy().astype(np.int64)


def _ids(ids: np.ndarray, at: np.ndarray) -> pl.Series:
    """ids[at] as strings, null where `at` is negative (nothing there)."""
    if len(ids) == 0:
        return pl.Series([None] * len(at), dtype=pl.String)
    return pl.Series(ids.astype(str), dtype=pl.String).gather(np.maximum(at, 0)).scatter(np.flatnonzero(at < 0), None)

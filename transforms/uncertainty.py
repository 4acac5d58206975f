"""Uncertainty of every published score, rank and lead: a seeded, deterministic bootstrap over the lane's
benchmarks, stratified by category.

One resample redraws, in every category, as many benchmarks as the lane has there, with replacement, from the
lane's benchmarks of that category; the same draw holds for every model (a paired bootstrap: two models on the
same benchmarks are compared on the same draw, so a lead that holds benchmark by benchmark stays a lead). Each
model's category means, overall (same weights; a category none of whose benchmarks was drawn drops out, as a
missing category does) and index (abilities refitted with the benchmarks' difficulty and slope held) are
recomputed on the draw. Thin evidence shows: a model whose category rests on one benchmark loses or doubles it
from one resample to the next.

The draws come from a counter-based generator keyed by (seed, lane, category, slot, resample), so they depend on
the lane's benchmarks, not on row order or on which models a snapshot holds: same seed, same numbers. From the
resamples: the interval of each score, each ranked model's rank interval, LMArena's rank upper bound (1 + the
models whose interval lies wholly above), groups of statistically tied models, and for any pair the share of
resamples in which the model ahead stays ahead.
"""

from dataclasses import dataclass
import hashlib

import numpy as np
import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules
from benchmart.transforms import ability
from benchmart.transforms.blocks import blocks_by_first, each_block

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
_SLOT, _DRAW = np.uint64(0xD1B54A32D192ED03), np.uint64(0x8CB92BA72F3D8DD7)


@dataclass(frozen=True)
class LaneResamples:
    """One lane's resampled figures: columns follow `model_ids` (sorted)."""

    lane: str
    model_ids: list[str]
    overall: np.ndarray  # (resamples, models)
    index: np.ndarray  # (resamples, models)
    index_point: np.ndarray  # (models,) the fitted index
    fit: ability.Fit

    def column(self, model_ids: list[str] | pl.Series) -> np.ndarray:
        """Each id's column, -1 for an id without resamples."""
        ids = pl.Series(model_ids, dtype=pl.String)
        return ids.replace_strict(self.model_ids, range(len(self.model_ids)), default=-1, return_dtype=pl.Int64).fill_null(-1).to_numpy()


def _splitmix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + _MIX[0]
        x = (x ^ (x >> np.uint64(30))) * _MIX[1]
        x = (x ^ (x >> np.uint64(27))) * _MIX[2]
        return x ^ (x >> np.uint64(31))


def _uniform(keys: np.ndarray) -> np.ndarray:
    return (_splitmix(keys) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _key(*parts: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest(), "little"))


def resample_lane(cells: pl.DataFrame, weights: pl.DataFrame, lane: str, rules: RankRules = DEFAULT_RULES) -> LaneResamples | None:
    """`cells`: (model_id, category_id, benchmark_id, score) of one lane, weighted benchmarks; `weights`:
    (category_id, weight). None when the lane has no cells.

    Matrix form: with the draw counts C (resamples x benchmarks) and the score matrix S (models x benchmarks,
    0 where missing) and its mask, a category's resampled sums are C_c S_c^T and C_c mask_c^T, one BLAS product
    per category. The index's abilities take one Gauss-Newton step from the fit on the drawn benchmarks (the
    one-step bootstrap: its gradient and curvature are again products with C), and the index of an ability is
    read off a fine grid of the fitted curve."""
    fit = ability.fit(cells, weights)
    if fit is None:
        return None
    bench_cat = cells.select("benchmark_id", "category_id").unique("benchmark_id")
    order = pl.DataFrame({"benchmark_id": fit.benchmark_ids}).with_row_index("col").join(bench_cat, on="benchmark_id").join(
        weights.select("category_id", "weight"), on="category_id", how="left").sort("category_id", "benchmark_id")
    counts = benchmark_draws(bench_cat, fit.benchmark_ids, lane, rules)
    rows = cells["model_id"].cast(pl.Enum(fit.model_ids)).to_physical().to_numpy().astype(np.int64)
    cols = cells["benchmark_id"].cast(pl.Enum(fit.benchmark_ids)).to_physical().to_numpy().astype(np.int64)
    n_m, n_b = len(fit.model_ids), len(fit.benchmark_ids)
    scores = np.zeros((n_m, n_b))
    present = np.zeros((n_m, n_b))
    scores[rows, cols] = cells["score"].to_numpy().astype(float)
    present[rows, cols] = 1.0

    # overall: per category, the resampled mean of each model's drawn benchmarks; absent categories drop out
    num = np.zeros((rules.resamples, n_m))
    den = np.zeros((rules.resamples, n_m))
    for (_, weight), part in order.group_by("category_id", "weight", maintain_order=True):
        c = part["col"].to_numpy()
        total = counts[:, c] @ present[:, c].T
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (counts[:, c] @ scores[:, c].T) / total
        drawn = total > 0
        num += np.where(drawn, (weight or 0.0) * mean, 0.0)
        den += np.where(drawn, weight or 0.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = num / den

    # index: one Gauss-Newton step from the fitted abilities on each draw
    z = fit.slope[None, :] * (fit.theta[:, None] - fit.difficulty[None, :])
    p = ability.sigmoid(z)
    dp = p * (1 - p) * fit.slope[None, :] * present
    var = ability.RESIDUAL_SD ** 2
    grad = -(counts @ ((scores / 100.0 - p) * dp).T) / var + fit.theta[None, :] / ability.THETA_SD ** 2
    hess = (counts @ (dp * dp).T) / var + 1.0 / ability.THETA_SD ** 2
    theta = fit.theta[None, :] - grad / hess
    return LaneResamples(lane, fit.model_ids, overall, fit.index_of(theta), fit.index(fit.theta), fit)


def benchmark_draws(benchmarks: pl.DataFrame, benchmark_ids: list[str], lane: str, rules: RankRules = DEFAULT_RULES) -> np.ndarray:
    """(resamples, benchmarks): how often each of `benchmark_ids` is drawn in each resample; per category (of
    `benchmarks`: category_id, benchmark_id) as many draws as it has benchmarks."""
    column = {b: i for i, b in enumerate(benchmark_ids)}
    counts = np.zeros((rules.resamples, len(benchmark_ids)), dtype=np.float64)
    reps = np.arange(rules.resamples, dtype=np.uint64)[:, None]
    for (category,), part in benchmarks.sort("category_id", "benchmark_id").group_by("category_id", maintain_order=True):
        members = np.array([column[b] for b in part["benchmark_id"]], dtype=np.int64)
        k = len(members)
        slots = np.arange(k, dtype=np.uint64)[None, :]
        with np.errstate(over="ignore"):
            u = _uniform(_key(str(rules.seed), lane, category) ^ (slots * _SLOT) ^ (reps * _DRAW))
        picks = members[np.minimum((u * k).astype(np.int64), k - 1)]
        np.add.at(counts, (np.repeat(np.arange(rules.resamples), k), picks.ravel()), 1.0)
    return counts


def resample(bench_scores: pl.DataFrame, dim_category: pl.DataFrame, rules: RankRules = DEFAULT_RULES) -> dict[str, LaneResamples]:
    """Every lane of `bench_scores` (lane, model_id, benchmark_id, category_id, score)."""
    weights = dim_category.select("category_id", "weight")
    out = {}
    for lane in sorted(bench_scores["lane"].unique().to_list()):
        got = resample_lane(bench_scores.filter(pl.col("lane") == lane).select("model_id", "category_id", "benchmark_id", "score"),
                            weights, lane, rules)
        if got is not None:
            out[lane] = got
    return out


def _quantiles(x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the two-sided `level` interval (linear interpolation, as numpy's default), NaN left out: one
    sort of the whole matrix instead of numpy's per-column nanquantile."""
    tail = (1.0 - level) / 2.0
    ordered = np.sort(x, axis=0)  # NaN sorts last
    valid = (~np.isnan(x)).sum(axis=0)
    cols = np.arange(x.shape[1])

    def at(q: float) -> np.ndarray:
        pos = q * np.maximum(valid - 1, 0)
        lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
        value = ordered[lo, cols] + (pos - lo) * (ordered[hi, cols] - ordered[lo, cols])
        return np.where(valid > 0, value, np.nan)

    return at(tail), at(1.0 - tail)


def model_uncertainty(standing: pl.DataFrame, resamples: dict[str, LaneResamples], rules: RankRules = DEFAULT_RULES) -> pl.DataFrame:
    """Per (lane, model) of `standing` (lane, model_id, overall_score, is_ranked): the intervals of the overall
    and the index, the index itself and its rank, and for ranked models the rank interval, the rank upper bound
    and the tie group of the measure `rank` orders by (rules.rank_by)."""
    frames = []
    for lane, rs in sorted(resamples.items()):
        rows = standing.filter(pl.col("lane") == lane).sort("model_id")
        cols = rs.column(rows["model_id"])
        present = cols >= 0
        rows, cols = rows.filter(pl.Series(present)), cols[present]
        o_low, o_high = _quantiles(rs.overall[:, cols], rules.interval)
        i_low, i_high = _quantiles(rs.index[:, cols], rules.interval)
        frame = rows.select("lane", "model_id", "overall_score", "is_ranked").with_columns(
            pl.Series("overall_low", o_low).round(6), pl.Series("overall_high", o_high).round(6),
            pl.Series("index_score", rs.index_point[cols]).round(6), pl.Series("index_low", i_low).round(6),
            pl.Series("index_high", i_high).round(6),
        )
        ranked = frame["is_ranked"].to_numpy()
        measure = "index_score" if rules.rank_by == "index" else "overall_score"
        reps = (rs.index if rules.rank_by == "index" else rs.overall)[:, cols[ranked]]
        stats = _rank_stats(frame.filter(pl.col("is_ranked")), measure, reps, rules)
        frames.append(frame.join(stats, on="model_id", how="left").with_columns(
            pl.when(pl.col("is_ranked")).then(pl.col("index_score").rank("min", descending=True).over("is_ranked"))
            .cast(pl.Int64).alias("index_rank")
        ))
    schema = {"lane": pl.String, "model_id": pl.String, "overall_low": pl.Float64, "overall_high": pl.Float64,
              "index_score": pl.Float64, "index_low": pl.Float64, "index_high": pl.Float64, "index_rank": pl.Int64,
              "rank_low": pl.Int64, "rank_high": pl.Int64, "rank_upper_bound": pl.Int64, "tie_group": pl.Int64}
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, how="vertical_relaxed").select(*(pl.col(c).cast(t) for c, t in schema.items()))


def _rank_stats(ranked: pl.DataFrame, measure: str, reps: np.ndarray, rules: RankRules) -> pl.DataFrame:
    """Rank interval, rank upper bound and tie group of the ranked models of one lane (`ranked` sorted by model_id,
    `reps` its columns)."""
    schema = {"model_id": pl.String, "rank_low": pl.Int64, "rank_high": pl.Int64, "rank_upper_bound": pl.Int64, "tie_group": pl.Int64}
    if ranked.is_empty():
        return pl.DataFrame(schema=schema)
    # rank in each resample (1 = best; ties share the lower rank)
    reps = np.where(np.isnan(reps), -np.inf, reps)  # a model none of whose benchmarks was drawn ranks last there
    order = np.argsort(-reps, axis=1, kind="stable")
    sorted_vals = np.take_along_axis(reps, order, axis=1)
    first_of_value = np.ones_like(sorted_vals, dtype=bool)
    first_of_value[:, 1:] = np.diff(sorted_vals, axis=1) != 0
    rank_sorted = np.maximum.accumulate(np.where(first_of_value, np.arange(1, reps.shape[1] + 1)[None, :], 0), axis=1)
    ranks = np.empty_like(rank_sorted)
    np.put_along_axis(ranks, order, rank_sorted, axis=1)
    tail = (1.0 - rules.interval) / 2.0
    rank_low = np.quantile(ranks, tail, axis=0, method="inverted_cdf")
    rank_high = np.quantile(ranks, 1.0 - tail, axis=0, method="inverted_cdf")
    low, high = _quantiles(reps, rules.interval)
    upper_bound = 1 + (low[None, :] > high[:, None]).sum(axis=1)
    point = ranked[measure].to_numpy()
    walk = np.lexsort((ranked["model_id"].to_numpy(), -point))  # best first, then model id
    group, groups, top_low = np.zeros(len(point), dtype=np.int64), 0, None
    for i in walk:  # a model joins the group of the best model above it while their intervals overlap
        if top_low is None or high[i] < top_low:
            groups, top_low = groups + 1, low[i]
        group[i] = groups
    return pl.DataFrame({"model_id": ranked["model_id"], "rank_low": rank_low.astype(np.int64), "rank_high": rank_high.astype(np.int64),
                         "rank_upper_bound": upper_bound.astype(np.int64), "tie_group": group}, schema=schema)


def lead_probability(pairs: pl.DataFrame, resamples: dict[str, LaneResamples]) -> pl.DataFrame:
    """Per pair (lane, model_a_id, model_b_id): the share of resamples in which a's overall is above b's (ties
    count half), `p_a_ahead`. NULL where a model has no resamples."""
    frames = []
    for lane, part in pairs.group_by("lane", maintain_order=True):
        rs = resamples.get(lane[0])
        if rs is None:
            frames.append(part.with_columns(pl.lit(None, pl.Float64).alias("p_a_ahead")))
            continue
        a, b = rs.column(part["model_a_id"]), rs.column(part["model_b_id"])
        p = np.full(len(a), np.nan)
        by_model = np.ascontiguousarray(rs.overall.T)  # model x resample: a model's draws are one contiguous row
        missing = np.isnan(by_model).sum(axis=1)
        draws = by_model.shape[1]
        known = np.flatnonzero((a >= 0) & (b >= 0))

        def block(sel: np.ndarray) -> None:  # one model's draws against all its partners'
            first = a[sel[0]]
            row, others = by_model[first], by_model[b[sel]]
            ahead, not_behind = (row > others).sum(axis=1), (row >= others).sum(axis=1)  # NaN compares false: not counted
            both = draws - missing[first] - missing[b[sel]]  # resamples in which both have a score
            if missing[first]:
                both = both + (np.isnan(row) & np.isnan(others)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                p[sel] = (ahead + not_behind) / 2 / both  # ties count half

        each_block(block, (known[sel] for sel in blocks_by_first(a[known], draws)))
        frames.append(part.with_columns(pl.Series("p_a_ahead", p).fill_nan(None)))
    if not frames:
        return pairs.with_columns(pl.lit(None, pl.Float64).alias("p_a_ahead"))
    return pl.concat(frames)

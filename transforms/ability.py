"""The difficulty-aware index: a two-parameter logistic model fitted per lane on all normalized scores.

Each weighted benchmark b has a difficulty d_b and a slope a_b, each model m an ability theta_m; the expected
normalized score (0..1) is sigmoid(a_b x (theta_m - d_b)) (Epoch's Capabilities Index uses the same form).
The fit minimizes the squared error on the cells a lane has, with weak normal priors that fix the scale
(theta ~ N(0, 2), d ~ N(0, 3), log a ~ N(0, 0.5)) and keep thin evidence near the middle, by L-BFGS from
a deterministic start. Missing cells are handled by the model: the index is the model's *predicted* overall
score had it run every weighted benchmark of the lane, weighted by category as the overall is (0..100).
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

RESIDUAL_SD = 0.10  # typical distance of a score from its prediction (0..1), sets the weight of the priors
THETA_SD, DIFFICULTY_SD, LOG_SLOPE_SD = 2.0, 3.0, 0.5


@dataclass(frozen=True)
class Fit:
    """A lane's fitted model: abilities per model, difficulty and slope per benchmark, category weights."""

    model_ids: list[str]
    theta: np.ndarray
    benchmark_ids: list[str]
    difficulty: np.ndarray
    slope: np.ndarray
    bench_weight: np.ndarray  # per benchmark: its category's weight / benchmarks in the category (sum 1)

    def index(self, theta: np.ndarray) -> np.ndarray:
        """Predicted overall (0..100) for abilities of any shape."""
        total = np.zeros_like(theta, dtype=float)
        for a, d, w in zip(self.slope, self.difficulty, self.bench_weight):
            total += w * sigmoid(a * (theta - d))
        return 100.0 * total

    def index_of(self, theta: np.ndarray, step: float = 1e-3) -> np.ndarray:
        """index() for a large array of abilities, read off the curve on a grid of `step` (the curve is smooth and
        increasing; the error is far below the published rounding)."""
        lo, hi = min(theta.min(), self.theta.min()) - 1, max(theta.max(), self.theta.max()) + 1
        grid = np.arange(lo, hi + step, step)
        return np.interp(theta, grid, self.index(grid))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


def fit(cells: pl.DataFrame, weights: pl.DataFrame) -> Fit | None:
    """`cells`: (model_id, benchmark_id, category_id, score 0..100) of one lane; `weights`: (category_id, weight).
    None when the lane has no cells."""
    if cells.is_empty():
        return None
    from scipy.optimize import minimize  # 0.7 s to import: only where a fit runs

    cells = cells.sort("model_id", "benchmark_id")
    models = cells["model_id"].unique().sort()
    benches = cells.select("benchmark_id", "category_id").unique("benchmark_id").sort("benchmark_id")
    m = cells["model_id"].cast(pl.Enum(models)).to_physical().to_numpy().astype(np.int64)
    b = cells["benchmark_id"].cast(pl.Enum(benches["benchmark_id"])).to_physical().to_numpy().astype(np.int64)
    y = np.clip(cells["score"].to_numpy().astype(float) / 100.0, 0.0, 1.0)
    n_m, n_b = len(models), benches.height

    model_mean = np.bincount(m, y, n_m) / np.bincount(m, minlength=n_m)
    bench_mean = np.bincount(b, y, n_b) / np.bincount(b, minlength=n_b)
    logit = lambda p: np.log(np.clip(p, 0.02, 0.98) / (1 - np.clip(p, 0.02, 0.98)))  # noqa: E731
    start = np.concatenate([logit(model_mean) - logit(model_mean).mean(), -logit(bench_mean), np.zeros(n_b)])
    var = RESIDUAL_SD ** 2

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        theta, d, log_a = x[:n_m], x[n_m:n_m + n_b], x[n_m + n_b:]
        a = np.exp(log_a)
        z = a[b] * (theta[m] - d[b])
        p = sigmoid(z)
        r = y - p
        gz = -r * p * (1 - p) / var
        value = (r @ r) / (2 * var) + (theta @ theta) / (2 * THETA_SD ** 2) + (d @ d) / (2 * DIFFICULTY_SD ** 2) \
            + (log_a @ log_a) / (2 * LOG_SLOPE_SD ** 2)
        grad = np.concatenate([
            np.bincount(m, gz * a[b], n_m) + theta / THETA_SD ** 2,
            np.bincount(b, -gz * a[b], n_b) + d / DIFFICULTY_SD ** 2,
            np.bincount(b, gz * z, n_b) + log_a / LOG_SLOPE_SD ** 2,
        ])
        return value, grad

    x = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 2000, "gtol": 1e-8}).x
    per_cat = benches.join(weights, on="category_id", how="left").with_columns(
        (pl.col("weight").fill_null(0.0) / pl.len().over("category_id")).alias("w")
    )
    w = per_cat["w"].to_numpy()
    return Fit(models.to_list(), x[:n_m], benches["benchmark_id"].to_list(), x[n_m:n_m + n_b], np.exp(x[n_m + n_b:]),
               w / w.sum() if w.sum() > 0 else w)

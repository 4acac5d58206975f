"""Every published verdict of the bundled snapshot, read back sentence by sentence against the numbers beside it
(tests/verdict_audit.py), and a deliberately wrong verdict to show the reader catches it."""

import polars as pl
import pytest

from .test_golden import bundled_tables
from .verdict_audit import audit


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return bundled_tables(tmp_path_factory.mktemp("verdicts"))


def _audit(tables, h2h=None):
    names = dict(tables["dim_model"].select("model_id", "display_name").rows())
    cats = dict(tables["dim_category"].select("category_id", "display_name").rows())
    benches = dict(tables["dim_benchmark"].select("benchmark_id", "display_name").rows())
    return audit(h2h if h2h is not None else tables["mart_head_to_head"], tables["mart_head_to_head_category"],
                 tables["mart_leaderboard"], names, cats, benches)


def test_every_published_verdict_is_true_of_the_numbers_beside_it(tables):
    h2h = tables["mart_head_to_head"]
    assert h2h.height > 1000 and set(h2h["call"]) == {"clear_lead", "lead", "too_close", "not_comparable"}
    assert _audit(tables) == []


def test_the_reader_catches_a_verdict_that_contradicts_its_row(tables):
    h2h = tables["mart_head_to_head"]
    wrong = h2h.with_columns(
        pl.when(pl.col("call") == "too_close").then(pl.col("verdict").str.replace("Too close to call: ", "Clearly ahead: "))
        .when(pl.col("call") == "not_comparable").then(pl.col("verdict").str.replace("(3 needed to call a leader)", "(so it leads)", literal=True))
        .otherwise(pl.col("verdict").str.replace(r"\(\+(\d)", "(+9$1"))
        .alias("verdict")
    )
    problems = _audit(tables, wrong)
    assert len({p.split(":")[0] for p in problems}) > 0.9 * h2h.height

import pytest

from .frames import scored
from .test_mart_head_to_head import _h2h


def test_per_category_table_flags_averages_over_different_benchmarks_and_finds_the_top_gap():
    scores = scored(
        ("a", "c1", 90), ("a", "c2", 50), ("a", "k1", 80),
        ("b", "c1", 40), ("b", "c2", 45), ("b", "k2", 60),
    )
    _, per_cat = _h2h(scores)
    rows = {r["category_id"]: r for r in per_cat.to_dicts()}
    assert rows["coding"]["same_benchmarks"] is True and rows["coding"]["top_benchmark_id"] == "c1"
    assert rows["coding"]["diff"] == pytest.approx(27.5)
    assert rows["knowledge"]["same_benchmarks"] is False and rows["knowledge"]["top_benchmark_id"] is None

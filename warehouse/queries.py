"""The example BI queries: plain SQL that runs unchanged on SQLite and PostgreSQL.

One list feeds docs/bi-queries.md (`benchmart warehouse docs`), the Datasette browser's canned queries
(`benchmart browse`) and the test that runs every query on both engines.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    sql: str


QUERIES = (
    Query(
        "leaderboard",
        "Leaderboard",
        "The newest leaderboard as a reader wants it: ranked models first by rank, names, yes/no flags, rounded "
        "figures; the unranked follow with the floor they miss. Provisional lane.",
        """SELECT rank, model, vendor, ranked, index_score, index_low, index_high, rank_low, rank_high,
       overall_score, benchmarks_covered, blended_usd_per_mtok, output_tokens_per_s, ttft_s,
       context_window_tokens, reasoning, unranked_reason
FROM v_leaderboard_readable
WHERE lane = 'provisional'
ORDER BY ranked DESC, rank, index_score DESC, model
""",
    ),
    Query(
        'top_10_by_category',
        'Top 10 in a category',
        "Today's top 10 in one category (coding), provisional lane.",
        """SELECT c.model_id, m.display_name, c.score, c.n_benchmarks, c.coverage
FROM mart_category_score c
JOIN dim_model m ON m.model_id = c.model_id
WHERE c.lane = 'provisional'
  AND c.category_id = 'coding'
  AND c.snapshot_date = (SELECT max(snapshot_date) FROM mart_category_score)
ORDER BY c.score DESC, c.model_id
LIMIT 10
""",
    ),
    Query(
        'rank_history',
        'Rank history of a model',
        "One model's overall score and rank over time.",
        """SELECT snapshot_date, lane, overall_score, rank, is_ranked
FROM v_model_rank_history
WHERE model_id = 'gpt-4.1-mini'
ORDER BY snapshot_date, lane
""",
    ),
    Query(
        'cheapest_above_score',
        'Cheapest models above a score',
        'The cheapest ranked models (blended price) scoring at least 70 overall; models without a price are left out rather than treated as free.',
        """SELECT model_id, model_display_name, overall_score, blended_usd_per_mtok
FROM v_leaderboard_latest
WHERE lane = 'provisional'
  AND is_ranked
  AND overall_score >= 70
  AND blended_usd_per_mtok IS NOT NULL
ORDER BY blended_usd_per_mtok, overall_score DESC
LIMIT 5
""",
    ),
    Query(
        'head_to_head_lookup',
        'One head-to-head pair',
        'One pair, newest snapshot. Pairs are stored once with `model_a_id < model_b_id`.',
        """SELECT model_a_name, model_b_name, overall_a, overall_b, overall_diff,
       shared_categories, swing_benchmark_id, swing_a, swing_b, verdict
FROM v_head_to_head_latest
WHERE lane = 'provisional'
  AND model_a_id = 'gemma-4-12b'
  AND model_b_id = 'gpt-4.1-mini'
""",
    ),
    Query(
        'head_to_head_categories',
        'A pair, category by category',
        'The same pair, category by category; `same_benchmarks` false means the two averages rest on different benchmarks.',
        """SELECT h.category_id, h.score_a, h.score_b, h.diff, h.top_benchmark_id, h.same_benchmarks
FROM mart_head_to_head_category h
WHERE h.lane = 'provisional'
  AND h.model_a_id = 'gemma-4-12b'
  AND h.model_b_id = 'gpt-4.1-mini'
  AND h.snapshot_date = (SELECT max(snapshot_date) FROM mart_head_to_head_category)
ORDER BY h.category_id
""",
    ),
)

HEADER = """# Example BI queries

Generated from `warehouse/queries.py` by `benchmart warehouse docs`; do not edit by hand.
Plain SQL that runs unchanged on SQLite and PostgreSQL (the test suite runs every block
below on both engines against the bundled samples). Paste them into Metabase, Superset
or `psql`/`sqlite3`; `benchmart browse` offers them as canned queries. Table and column
meanings: [warehouse.md](warehouse.md).
"""


def render() -> str:
    """docs/bi-queries.md."""
    parts = [HEADER]
    for q in QUERIES:
        parts += [f"### {q.name}", "", q.description, "", "```sql", q.sql.rstrip("\n"), "```", ""]
    return "\n".join(parts)

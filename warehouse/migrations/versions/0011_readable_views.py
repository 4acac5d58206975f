"""BI-friendly views: v_leaderboard_latest lists ranked models first, by rank; v_leaderboard_readable shows the newest
leaderboard with names, yes/no flags and rounded numeric figures

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LATEST = """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.overall_score DESC, l.model_id"""
OLD_LATEST = """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)"""
READABLE = """
        SELECT l.snapshot_date, l.lane, l.rank, m.display_name AS model, m.vendor,
               CASE WHEN l.is_ranked THEN 'yes' ELSE 'no' END AS ranked,
               ROUND(CAST(l.index_score AS NUMERIC), 1) AS index_score,
               ROUND(CAST(l.index_low AS NUMERIC), 1) AS index_low, ROUND(CAST(l.index_high AS NUMERIC), 1) AS index_high,
               l.rank_low, l.rank_high,
               ROUND(CAST(l.overall_score AS NUMERIC), 1) AS overall_score,
               ROUND(CAST(l.overall_low AS NUMERIC), 1) AS overall_low, ROUND(CAST(l.overall_high AS NUMERIC), 1) AS overall_high,
               l.benchmarks_covered, l.categories_covered,
               ROUND(CAST(l.input_usd_per_mtok AS NUMERIC), 2) AS input_usd_per_mtok,
               ROUND(CAST(l.output_usd_per_mtok AS NUMERIC), 2) AS output_usd_per_mtok,
               ROUND(CAST(l.blended_usd_per_mtok AS NUMERIC), 2) AS blended_usd_per_mtok,
               ROUND(CAST(l.output_tokens_per_s AS NUMERIC), 0) AS output_tokens_per_s,
               ROUND(CAST(l.ttft_s AS NUMERIC), 2) AS ttft_s, l.context_window_tokens,
               CASE WHEN l.is_reasoning IS NULL THEN NULL WHEN l.is_reasoning THEN 'yes' ELSE 'no' END AS reasoning,
               l.unranked_reason
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.index_score DESC, l.model_id"""


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_leaderboard_latest")
    op.execute(f"CREATE VIEW v_leaderboard_latest AS {LATEST}")
    op.execute(f"CREATE VIEW v_leaderboard_readable AS {READABLE}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_leaderboard_readable")
    op.execute("DROP VIEW IF EXISTS v_leaderboard_latest")
    op.execute(f"CREATE VIEW v_leaderboard_latest AS {OLD_LATEST}")

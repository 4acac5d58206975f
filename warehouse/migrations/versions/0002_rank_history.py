"""rank history view and lookup indexes for BI

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RANK_HISTORY = """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id"""


def upgrade() -> None:
    op.execute(f"CREATE VIEW v_model_rank_history AS {RANK_HISTORY}")
    op.create_index("ix_mart_leaderboard_model", "mart_leaderboard", ["model_id", "lane", "snapshot_date"])
    op.create_index("ix_mart_head_to_head_model_b", "mart_head_to_head", ["snapshot_date", "lane", "model_b_id"])


def downgrade() -> None:
    op.drop_index("ix_mart_head_to_head_model_b", table_name="mart_head_to_head")
    op.drop_index("ix_mart_leaderboard_model", table_name="mart_leaderboard")
    op.execute("DROP VIEW IF EXISTS v_model_rank_history")

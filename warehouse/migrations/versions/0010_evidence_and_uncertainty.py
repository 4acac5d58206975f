"""evidence floors, uncertainty and the index: a category's own benchmark floor on dim_category; the floors'
reason, score and rank intervals, rank upper bound, tie group and the index on mart_leaderboard; shared
benchmarks, the probability of the lead and the calibrated call on mart_head_to_head

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = [
    ("dim_category", "min_benchmarks", sa.Integer()),
    ("mart_leaderboard", "benchmarks_covered", sa.Integer()),
    ("mart_leaderboard", "unranked_reason", sa.String()),
    ("mart_leaderboard", "overall_low", sa.Float()),
    ("mart_leaderboard", "overall_high", sa.Float()),
    ("mart_leaderboard", "rank_low", sa.Integer()),
    ("mart_leaderboard", "rank_high", sa.Integer()),
    ("mart_leaderboard", "rank_upper_bound", sa.Integer()),
    ("mart_leaderboard", "tie_group", sa.Integer()),
    ("mart_leaderboard", "index_score", sa.Float()),
    ("mart_leaderboard", "index_low", sa.Float()),
    ("mart_leaderboard", "index_high", sa.Float()),
    ("mart_leaderboard", "index_rank", sa.Integer()),
    ("mart_head_to_head", "shared_benchmarks", sa.Integer()),
    ("mart_head_to_head", "p_lead", sa.Float()),
    ("mart_head_to_head", "call", sa.String()),
]
# PostgreSQL expands `l.*` / `h.*` when a view is created, and SQLite's batch column drop recreates the table:
# recreate the views over both tables around both
VIEWS = {
    "v_model_rank_history": """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id""",
    "v_leaderboard_latest": """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)""",
    "v_head_to_head_latest": """
        SELECT h.*, ma.display_name AS model_a_name, mb.display_name AS model_b_name
        FROM mart_head_to_head h
        JOIN dim_model ma ON ma.model_id = h.model_a_id
        JOIN dim_model mb ON mb.model_id = h.model_b_id
        WHERE h.snapshot_date = (SELECT max(snapshot_date) FROM mart_head_to_head)""",
}


def upgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, column, kind in COLUMNS:
        op.add_column(table, sa.Column(column, kind, nullable=True))
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, column, _ in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")

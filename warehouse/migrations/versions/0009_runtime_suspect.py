"""runtime figures that a source gives to several models alike: flagged on fct_model_runtime and mart_leaderboard

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = [("fct_model_runtime", "is_suspect"), ("mart_leaderboard", "runtime_suspect")]
# PostgreSQL expands `l.*` when a view is created, and SQLite's batch column drop recreates the table:
# recreate the views over mart_leaderboard around both
VIEWS = {
    "v_model_rank_history": """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id""",
    "v_leaderboard_latest": """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)""",
}


def upgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Boolean(), nullable=True))
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")

"""dim_model: where each row and field came from (origin, field_sources) and every name a model goes by (aliases)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = [("origin", sa.String()), ("aliases", sa.Text()), ("field_sources", sa.Text())]
# SQLite's batch column drop recreates dim_model, which the views name: drop and recreate them around it
VIEWS = {
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
    "v_model_rank_history": """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id""",
}


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("dim_model", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    with op.batch_alter_table("dim_model") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")

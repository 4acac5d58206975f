"""the price rule: offer flags on fct_model_price (first party, free, outlier) and the published price's
provider, rule, offer count and free-tier flag on mart_leaderboard

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = [
    ("fct_model_price", "is_first_party", sa.Boolean()),
    ("fct_model_price", "is_free", sa.Boolean()),
    ("fct_model_price", "is_outlier", sa.Boolean()),
    ("mart_leaderboard", "price_provider", sa.String()),
    ("mart_leaderboard", "price_rule", sa.String()),
    ("mart_leaderboard", "price_offers", sa.Integer()),
    ("mart_leaderboard", "has_free_tier", sa.Boolean()),
]
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

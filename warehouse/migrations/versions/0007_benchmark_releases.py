"""benchmark releases and harnesses on observations and scores; the releases behind each category score

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = [
    ("fct_benchmark_observation", "release"),
    ("fct_benchmark_observation", "harness"),
    ("fct_benchmark_score", "release"),
    ("fct_benchmark_score", "harness"),
    ("mart_category_score", "releases"),
]


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(), nullable=True))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)

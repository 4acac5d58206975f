"""ops_unmatched_name: the names a run could not resolve, as data (source, kind, rows, first and last seen, a hint)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_unmatched_name",
        sa.Column("run_id", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("found_in", sa.String(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("candidate", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "source_id", "kind", "name"),
    )


def downgrade() -> None:
    op.drop_table("ops_unmatched_name")

"""an index for the unmatched names' first sighting: each run looked up when it first met every name it could not
resolve by scanning the whole history of ops_unmatched_name (quadratic over a backfill or a year of nightly runs);
with (source_id, kind, name, first_seen) indexed each name is one index lookup

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ops_unmatched_name_first_seen", "ops_unmatched_name", ["source_id", "kind", "name", "first_seen"])


def downgrade() -> None:
    op.drop_index("ix_ops_unmatched_name_first_seen", table_name="ops_unmatched_name")

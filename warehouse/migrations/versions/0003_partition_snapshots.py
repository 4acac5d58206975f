"""PostgreSQL: partition snapshot tables by snapshot_date (LIST), so a snapshot is replaced by swapping a partition

A DELETE of the replaced snapshot plus index maintenance over its dead rows halved publishing
throughput; loading a fresh partition and attaching it keeps publishing near bare COPY speed.
SQLite is unchanged (no partitioning there).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# table -> (primary key, {index: columns}); as of revision 0002
TABLES = {
    "fct_benchmark_observation": ("snapshot_date, source_id, model_id, benchmark_id", {}),
    "fct_benchmark_score": ("snapshot_date, model_id, benchmark_id", {}),
    "fct_model_price": ("snapshot_date, model_id, source_id, provider", {}),
    "fct_model_runtime": ("snapshot_date, model_id, source_id", {}),
    "mart_category_score": ("snapshot_date, lane, model_id, category_id", {}),
    "mart_leaderboard": ("snapshot_date, lane, model_id", {"ix_mart_leaderboard_model": "model_id, lane, snapshot_date"}),
    "mart_head_to_head": ("snapshot_date, lane, model_a_id, model_b_id", {"ix_mart_head_to_head_model_b": "snapshot_date, lane, model_b_id"}),
    "mart_head_to_head_category": ("snapshot_date, lane, model_a_id, model_b_id, category_id", {}),
}

# views as of revision 0002 (they bind to the tables, so they are dropped and recreated around the swap)
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


def _rebuild(partitioned: bool) -> None:
    bind = op.get_bind()
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
    for table, (pk, indexes) in TABLES.items():
        old = f"{table}_pre0003"
        op.execute(f"ALTER TABLE {table} RENAME TO {old}")
        op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {table}_pkey TO {old}_pkey")
        for index in indexes:
            op.execute(f"ALTER INDEX {index} RENAME TO {index}_pre0003")
        suffix = " PARTITION BY LIST (snapshot_date)" if partitioned else ""
        op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS){suffix}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({pk})")
        for index, columns in indexes.items():
            op.execute(f"CREATE INDEX {index} ON {table} ({columns})")
        if partitioned:
            for (day,) in bind.execute(text(f"SELECT DISTINCT snapshot_date FROM {old}")).fetchall():
                op.execute(f"CREATE TABLE {table}_p{day:%Y%m%d} PARTITION OF {table} FOR VALUES IN ('{day.isoformat()}')")
        op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
        op.execute(f"DROP TABLE {old} CASCADE")
    for view, body in VIEWS.items():
        op.execute(f"CREATE VIEW {view} AS {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(partitioned=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(partitioned=False)

"""a warehouse BI tools understand: foreign keys from facts and marts to the dimensions (both engines); on
PostgreSQL also jsonb for the JSON columns, snapshot partitions in their own schema (<schema>_partitions, so
the default schema lists one table per concept) and round(double precision, integer), so `round(score, 1)`
needs no cast

A warehouse holding rows whose model, benchmark, category or source is missing from its dimension is refused
with the rows counted (nothing changed): benchmart always publishes the dimensions with the facts, so such rows
were written by something else.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MODEL, BENCHMARK, CATEGORY, SOURCE = ("dim_model", "model_id"), ("dim_benchmark", "benchmark_id"), ("dim_category", "category_id"), ("dim_source", "source_id")
# table -> [(column, (dimension, key))], as of this revision
FOREIGN_KEYS = {
    "dim_benchmark": [("category_id", CATEGORY)],
    "fct_benchmark_observation": [("source_id", SOURCE), ("model_id", MODEL), ("benchmark_id", BENCHMARK)],
    "fct_benchmark_score": [("model_id", MODEL), ("benchmark_id", BENCHMARK), ("source_id", SOURCE)],
    "fct_model_price": [("model_id", MODEL), ("source_id", SOURCE)],
    "fct_model_runtime": [("model_id", MODEL), ("source_id", SOURCE)],
    "mart_category_score": [("model_id", MODEL), ("category_id", CATEGORY)],
    "mart_leaderboard": [("model_id", MODEL), ("runtime_source_id", SOURCE)],
    "mart_head_to_head": [("model_a_id", MODEL), ("model_b_id", MODEL), ("leader_model_id", MODEL),
                          ("sharpest_category_id", CATEGORY), ("swing_benchmark_id", BENCHMARK)],
    "mart_head_to_head_category": [("model_a_id", MODEL), ("model_b_id", MODEL), ("category_id", CATEGORY),
                                   ("top_benchmark_id", BENCHMARK)],
}
SNAPSHOT_TABLES = [t for t in FOREIGN_KEYS if t != "dim_benchmark"]
JSON_COLUMNS = [("dim_model", "aliases"), ("dim_model", "field_sources"), ("ops_pipeline_run", "row_counts"),
                ("ops_pipeline_run", "sources"), ("ops_pipeline_run", "stages"), ("ops_quarantine", "record")]

# SQLite rebuilds a table to add a foreign key, and PostgreSQL binds `l.*` at creation: the views as of 0011 are
# dropped and recreated around the change
VIEWS = {
    "v_model_rank_history": """
        SELECT l.snapshot_date, l.lane, l.model_id, m.display_name AS model_display_name,
               l.overall_score, l.rank, l.is_ranked
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id""",
    "v_leaderboard_latest": """
        SELECT l.*, m.display_name AS model_display_name, m.vendor
        FROM mart_leaderboard l JOIN dim_model m ON m.model_id = l.model_id
        WHERE l.snapshot_date = (SELECT max(snapshot_date) FROM mart_leaderboard)
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.overall_score DESC, l.model_id""",
    "v_leaderboard_readable": """
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
        ORDER BY l.lane, CASE WHEN l.is_ranked THEN 0 ELSE 1 END, l.rank, l.index_score DESC, l.model_id""",
    "v_head_to_head_latest": """
        SELECT h.*, ma.display_name AS model_a_name, mb.display_name AS model_b_name
        FROM mart_head_to_head h
        JOIN dim_model ma ON ma.model_id = h.model_a_id
        JOIN dim_model mb ON mb.model_id = h.model_b_id
        WHERE h.snapshot_date = (SELECT max(snapshot_date) FROM mart_head_to_head)""",
}

ROUND = """CREATE OR REPLACE FUNCTION round(double precision, integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT round($1::numeric, $2) $$"""
TO_JSONB = """CREATE FUNCTION pg_temp.benchmart_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
    BEGIN RETURN replace(replace(t, chr(92) || 'u0000', chr(92) || 'ufffd'), chr(0), chr(65533))::jsonb;
    EXCEPTION WHEN others THEN RETURN to_jsonb(t); END $$"""


def fk_name(table: str, column: str) -> str:
    return f"fk_{table}_{column}"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _orphans() -> None:
    bind = op.get_bind()
    found = []
    for table, keys in FOREIGN_KEYS.items():
        for column, (dim, key) in keys:
            n = bind.execute(text(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {dim} d WHERE d.{key} = t.{column})"
            )).scalar()
            if n:
                found.append(f"{table}.{column}: {n} rows without a {dim} row")
    if found:
        raise RuntimeError(
            "cannot add the warehouse's foreign keys: " + "; ".join(found)
            + ". benchmart publishes the dimensions with every snapshot, so these rows came from elsewhere: "
            "delete them (or add the dimension rows) and run `benchmart warehouse upgrade` again"
        )


def _move_partitions(to_own_schema: bool) -> None:
    bind = op.get_bind()
    home = bind.execute(text("SELECT current_schema()")).scalar()
    parts = home + "_partitions"
    src, dst = (home, parts) if to_own_schema else (parts, home)
    if to_own_schema:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {_quoted(parts)}")
    for table in SNAPSHOT_TABLES:
        children = bind.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = :t AND p.relnamespace = to_regnamespace(:home) AND c.relnamespace = to_regnamespace(:src)"
        ), {"t": table, "home": _quoted(home), "src": _quoted(src)}).scalars().all()
        for child in children:
            op.execute(f"ALTER TABLE {_quoted(src)}.{_quoted(child)} SET SCHEMA {_quoted(dst)}")
    if not to_own_schema:
        op.execute(f"DROP SCHEMA IF EXISTS {_quoted(parts)}")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _orphans()
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if postgres:
        _move_partitions(to_own_schema=True)
        op.execute(TO_JSONB)
        for table, column in JSON_COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE jsonb USING pg_temp.benchmart_jsonb({column})")
        op.execute(ROUND)
        for table, keys in FOREIGN_KEYS.items():
            for column, (dim, key) in keys:
                op.create_foreign_key(fk_name(table, column), table, dim, [column], [key])
    else:
        for table, keys in FOREIGN_KEYS.items():
            with op.batch_alter_table(table, recreate="always") as batch:
                for column, (dim, key) in keys:
                    batch.create_foreign_key(fk_name(table, column), dim, [column], [key])
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if postgres:
        for table, keys in FOREIGN_KEYS.items():
            for column, _ in keys:
                op.drop_constraint(fk_name(table, column), table, type_="foreignkey")
        op.execute("DROP FUNCTION IF EXISTS round(double precision, integer)")
        for table, column in JSON_COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE text USING {column}::text")
        _move_partitions(to_own_schema=False)
    else:
        for table, keys in FOREIGN_KEYS.items():
            with op.batch_alter_table(table, recreate="always") as batch:
                for column, _ in keys:
                    batch.drop_constraint(fk_name(table, column), type_="foreignkey")
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")

"""initial schema: the tables and latest views of benchmart 0.1 (frozen; later changes are new revisions)

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


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
}


def upgrade() -> None:
    op.create_table('dim_benchmark',
    sa.Column('benchmark_id', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('is_weighted', sa.Boolean(), nullable=False),
    sa.Column('scale', sa.String(), nullable=False),
    sa.Column('scale_min', sa.Float(), nullable=True),
    sa.Column('scale_max', sa.Float(), nullable=True),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('version', sa.String(), nullable=False),
    sa.Column('freshness', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('benchmark_id')
    )
    op.create_table('dim_category',
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('category_id')
    )
    op.create_table('dim_model',
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('vendor', sa.String(), nullable=False),
    sa.Column('family', sa.String(), nullable=True),
    sa.Column('is_reasoning', sa.Boolean(), nullable=True),
    sa.Column('context_window_tokens', sa.Integer(), nullable=True),
    sa.Column('max_output_tokens', sa.Integer(), nullable=True),
    sa.Column('open_weights', sa.Boolean(), nullable=True),
    sa.Column('release_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('model_id')
    )
    op.create_table('dim_source',
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('url', sa.String(), nullable=False),
    sa.Column('license', sa.String(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('provenance_default', sa.String(), nullable=False),
    sa.Column('on_failure', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('source_id')
    )
    op.create_table('fct_benchmark_observation',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('benchmark_id', sa.String(), nullable=False),
    sa.Column('raw_value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('provenance', sa.String(), nullable=False),
    sa.Column('citation', sa.String(), nullable=True),
    sa.Column('source_model_name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('snapshot_date', 'source_id', 'model_id', 'benchmark_id')
    )
    op.create_table('fct_benchmark_score',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('benchmark_id', sa.String(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('raw_value', sa.Float(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('provenance', sa.String(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('citation', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('snapshot_date', 'model_id', 'benchmark_id')
    )
    op.create_table('fct_model_price',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('input_usd_per_mtok', sa.Float(), nullable=False),
    sa.Column('output_usd_per_mtok', sa.Float(), nullable=False),
    sa.Column('blended_usd_per_mtok', sa.Float(), nullable=False),
    sa.Column('mean_usd_per_mtok', sa.Float(), nullable=False),
    sa.Column('source_model_name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('snapshot_date', 'model_id', 'source_id', 'provider')
    )
    op.create_table('fct_model_runtime',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('output_tokens_per_s', sa.Float(), nullable=True),
    sa.Column('ttft_s', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('snapshot_date', 'model_id', 'source_id')
    )
    op.create_table('mart_category_score',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('lane', sa.String(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('n_benchmarks', sa.Integer(), nullable=False),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('snapshot_date', 'lane', 'model_id', 'category_id')
    )
    op.create_table('mart_head_to_head',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('lane', sa.String(), nullable=False),
    sa.Column('model_a_id', sa.String(), nullable=False),
    sa.Column('model_b_id', sa.String(), nullable=False),
    sa.Column('overall_a', sa.Float(), nullable=False),
    sa.Column('overall_b', sa.Float(), nullable=False),
    sa.Column('overall_diff', sa.Float(), nullable=False),
    sa.Column('leader_model_id', sa.String(), nullable=True),
    sa.Column('shared_categories', sa.Integer(), nullable=False),
    sa.Column('sharpest_category_id', sa.String(), nullable=True),
    sa.Column('swing_benchmark_id', sa.String(), nullable=True),
    sa.Column('swing_a', sa.Float(), nullable=True),
    sa.Column('swing_b', sa.Float(), nullable=True),
    sa.Column('verdict', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('snapshot_date', 'lane', 'model_a_id', 'model_b_id')
    )
    op.create_table('mart_head_to_head_category',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('lane', sa.String(), nullable=False),
    sa.Column('model_a_id', sa.String(), nullable=False),
    sa.Column('model_b_id', sa.String(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('score_a', sa.Float(), nullable=False),
    sa.Column('score_b', sa.Float(), nullable=False),
    sa.Column('diff', sa.Float(), nullable=False),
    sa.Column('top_benchmark_id', sa.String(), nullable=True),
    sa.Column('same_benchmarks', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('snapshot_date', 'lane', 'model_a_id', 'model_b_id', 'category_id')
    )
    op.create_table('mart_leaderboard',
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('lane', sa.String(), nullable=False),
    sa.Column('model_id', sa.String(), nullable=False),
    sa.Column('overall_score', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('is_ranked', sa.Boolean(), nullable=False),
    sa.Column('categories_covered', sa.Integer(), nullable=False),
    sa.Column('weight_covered', sa.Float(), nullable=False),
    sa.Column('input_usd_per_mtok', sa.Float(), nullable=True),
    sa.Column('output_usd_per_mtok', sa.Float(), nullable=True),
    sa.Column('blended_usd_per_mtok', sa.Float(), nullable=True),
    sa.Column('mean_usd_per_mtok', sa.Float(), nullable=True),
    sa.Column('price_source_id', sa.String(), nullable=True),
    sa.Column('output_tokens_per_s', sa.Float(), nullable=True),
    sa.Column('ttft_s', sa.Float(), nullable=True),
    sa.Column('runtime_source_id', sa.String(), nullable=True),
    sa.Column('context_window_tokens', sa.Integer(), nullable=True),
    sa.Column('is_reasoning', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('snapshot_date', 'lane', 'model_id')
    )
    op.create_table('ops_pipeline_run',
    sa.Column('run_id', sa.String(), nullable=False),
    sa.Column('flow', sa.String(), nullable=False),
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('row_counts', sa.Text(), nullable=True),
    sa.Column('sources', sa.Text(), nullable=True),
    sa.Column('stages', sa.Text(), nullable=True),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('run_id')
    )
    op.create_table('ops_quarantine',
    sa.Column('run_id', sa.String(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=True),
    sa.Column('stage', sa.String(), nullable=False),
    sa.Column('rule', sa.String(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('run_id', 'seq')
    )
    op.create_table('ops_raw_payload',
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('url', sa.String(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source_id', 'sha256')
    )
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_table('ops_raw_payload')
    op.drop_table('ops_quarantine')
    op.drop_table('ops_pipeline_run')
    op.drop_table('mart_leaderboard')
    op.drop_table('mart_head_to_head_category')
    op.drop_table('mart_head_to_head')
    op.drop_table('mart_category_score')
    op.drop_table('fct_model_runtime')
    op.drop_table('fct_model_price')
    op.drop_table('fct_benchmark_score')
    op.drop_table('fct_benchmark_observation')
    op.drop_table('dim_source')
    op.drop_table('dim_model')
    op.drop_table('dim_category')
    op.drop_table('dim_benchmark')

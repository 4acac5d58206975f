"""Datasette metadata for the SQLite warehouse (`benchmart browse`): the data dictionary's descriptions on every
table, view and column, dimension labels, alembic's bookkeeping hidden, the example BI queries as canned queries."""

from sqlmodel import SQLModel

from benchmart.warehouse import queries, schema

LABELS = {"dim_model": "display_name", "dim_benchmark": "display_name", "dim_category": "display_name", "dim_source": "source_id"}
FACETS = {"mart_leaderboard": ["lane", "snapshot_date"], "mart_category_score": ["lane", "category_id"],
          "mart_head_to_head": ["lane", "call"], "fct_benchmark_observation": ["source_id", "provenance"],
          "ops_quarantine": ["rule", "source_id"], "ops_pipeline_run": ["status"]}


def metadata(database: str) -> dict:
    """Datasette's metadata for a warehouse served under the name `database` (the file's stem)."""
    tables: dict[str, dict] = {}
    for model in schema.MODELS:
        table = SQLModel.metadata.tables[model.__tablename__]
        entry = {"description": (model.__doc__ or "").strip(),
                 "columns": {c.name: model.model_fields[c.name].description or "" for c in table.columns}}
        if table.name in LABELS:
            entry["label_column"] = LABELS[table.name]
        if table.name in FACETS:
            entry["facets"] = FACETS[table.name]
        tables[table.name] = entry
    tables |= {name: {"description": meaning} for name, (meaning, _) in schema.VIEWS.items()}
    tables["alembic_version"] = {"hidden": True}
    canned = {q.name: {"title": q.title, "description": q.description, "sql": q.sql} for q in queries.QUERIES}
    return {
        "title": "benchmart warehouse",
        "description": "LLM benchmark scores, prices and runtime as leaderboards and head-to-heads. Start with the "
                       "leaderboard query; v_leaderboard_readable lists ranked models first. Every column is described.",
        "databases": {database: {"tables": tables, "queries": canned}},
    }

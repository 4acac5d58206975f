"""Generate the data dictionary (docs/warehouse.md) from the SQLModel classes, so it cannot drift."""

from sqlmodel import SQLModel

from benchmart.warehouse import schema

HEADER = """# benchmart warehouse: data dictionary

Generated from `warehouse/schema.py` by `benchmart warehouse docs`; CI fails when it is stale.
Do not edit by hand. Same schema on SQLite and PostgreSQL; migrations in `warehouse/migrations/`.
Snapshot-scoped tables carry `snapshot_date` (the UTC as-of date); a run replaces one snapshot
atomically. Keys marked PK form the grain. Scores are 0..100, higher is better; prices are
USD per million tokens; NULL means no source has the figure (never an estimate, never 0).
"""


def _type(column) -> str:
    name = type(column.type).__name__
    return {"AutoString": "text", "String": "text", "Text": "text", "Float": "float", "Integer": "integer",
            "Boolean": "boolean", "Date": "date", "UTCDateTime": "timestamp (UTC)", "JsonText": "json (jsonb on PostgreSQL)", "DateTime": "timestamp"}.get(name, name.lower())


def render() -> str:
    lines = [HEADER]
    lines += ["## Tables", "", "| table | grain |", "|---|---|"]
    lines += [f"| [`{m.__tablename__}`](#{m.__tablename__}) | {(m.__doc__ or '').strip()} |" for m in schema.MODELS]
    lines += ["", "## Views", "", "| view | shows |", "|---|---|"]
    lines += [f"| `{name}` | {meaning} |" for name, (meaning, _) in schema.VIEWS.items()]
    for model in schema.MODELS:
        table = SQLModel.metadata.tables[model.__tablename__]
        keys = [c.name for c in table.primary_key.columns]
        lines += ["", f"### {model.__tablename__}", "", (model.__doc__ or "").strip(), "", f"Key: {', '.join(keys)}", ""]
        lines += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for column in table.columns:
            field = model.model_fields[column.name]
            pk = " (PK)" if column.primary_key else ""
            lines.append(
                f"| `{column.name}`{pk} | {_type(column)} | {'yes' if column.nullable else 'no'} | {field.description or ''} |"
            )
    return "\n".join(lines) + "\n"


def comments() -> list[tuple[str, str, str | None, str]]:
    """(kind, table or view, column or None, text) for every table, column and view of the dictionary: what
    PostgreSQL's COMMENT ON puts into the catalog, so `\\d+` and BI tools show it."""
    out = []
    for model in schema.MODELS:
        table = SQLModel.metadata.tables[model.__tablename__]
        out.append(("TABLE", table.name, None, (model.__doc__ or "").strip()))
        out += [("COLUMN", table.name, c.name, model.model_fields[c.name].description or "") for c in table.columns]
    out += [("VIEW", name, None, meaning) for name, (meaning, _) in schema.VIEWS.items()]
    return out

"""Alembic environment: runs on the connection benchmart hands over (or one made from the URL)."""

from alembic import context
from sqlmodel import SQLModel

import benchmart.warehouse.schema  # noqa: F401 - registers the tables on SQLModel.metadata
from benchmart.warehouse.migrate import is_partition

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from benchmart.warehouse.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"), writer=True)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def include_name(name, type_, parent_names) -> bool:
    """Snapshot partitions (<table>_pYYYYMMDD) are data, not schema: autogenerate ignores them."""
    return not (type_ == "table" and is_partition(name))


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True, compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

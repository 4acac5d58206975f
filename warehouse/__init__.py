"""The SQL warehouse: SQLModel schema, engines for SQLite and PostgreSQL, atomic snapshot publishing."""

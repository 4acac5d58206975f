"""Alembic migrations of the warehouse schema."""

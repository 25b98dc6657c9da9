"""Relational storage: connection handling, the schema, and its migrations (Alembic)."""

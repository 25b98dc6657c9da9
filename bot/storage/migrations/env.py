"""Alembic environment: migrations run on the connection Database.migrate() passes in."""

from alembic import context

from bot.storage.schema import metadata

target_metadata = metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via Database.migrate()
    raise RuntimeError("run migrations through bot.storage.database.Database.migrate()")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

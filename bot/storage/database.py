"""One database: engine set-up for SQLite and PostgreSQL, and migration to the latest schema.

SQLite is the embedded default (a file under var/): WAL journal, foreign keys on, and a
busy timeout so the action server and the CLI can use it at the same time. PostgreSQL is
used when ``ENLIST_DATABASE_URL`` says so. ``migrate()`` brings any database to the
current schema with Alembic; it is safe to call on every start.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK_ID = 7_200_523  # PostgreSQL advisory lock key for migrations
_migrated: set = set()
_migrate_lock = threading.Lock()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings this project relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(
        url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 5}
    )


class Database:
    """An engine plus the migration step; shared by the stores."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction, committed on success, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    def migrate(self) -> None:
        """Upgrade the schema to the latest revision (once per process per URL)."""
        with _migrate_lock:
            if self.url in _migrated:
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_ID})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            _migrated.add(self.url)

    def dispose(self) -> None:
        self.engine.dispose()

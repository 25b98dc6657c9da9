"""Test databases: a SQLite file, or a temporary database on the local PostgreSQL server
(created with a unique name and dropped after; skipped with a printed reason only when no
server answers)."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.storage.database import Database

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")


@contextlib.contextmanager
def migrated_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated Database on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'enlist.db'}")
        try:
            db.migrate()
            yield db
        finally:
            db.dispose()
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"enlist_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        print(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc}")
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_ADMIN_URL}")
    db = Database(f"postgresql://postgres@127.0.0.1:5432/{name}")
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

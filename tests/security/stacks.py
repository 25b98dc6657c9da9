"""The real stack (Rasa + bot service) on each lead database backend, for storage tests."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from bot.config import Settings
from tests.conftest import running_stack
from tests.databases import migrated_database


@contextlib.contextmanager
def stack_on(backend: str, var_dir: Path, model: Path, tracker_too: bool = False) -> Iterator[Settings]:
    """A running stack whose lead database is SQLite (in ``var_dir``) or a temporary
    PostgreSQL database (created and dropped by :func:`migrated_database`); with
    ``tracker_too`` Rasa's tracker store (``events``) is in that PostgreSQL database too."""
    with migrated_database(backend, var_dir) as database:
        overrides = {} if backend == "sqlite" else {"ENLIST_DATABASE_URL": database.url}
        if tracker_too and backend != "sqlite":
            overrides["ENLIST_TRACKER_STORE_URL"] = database.url
        with running_stack(var_dir / "var", model, **overrides) as settings:
            yield settings

"""The real stack (Rasa + bot service) on each lead database backend, for storage tests."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from bot.config import Settings
from tests.conftest import environment, stack_environment
from tests.databases import migrated_database


@contextlib.contextmanager
def stack_on(backend: str, var_dir: Path, model: Path, tracker_too: bool = False) -> Iterator[Settings]:
    """A running stack whose lead database is SQLite (in ``var_dir``) or a temporary
    PostgreSQL database (created and dropped by :func:`migrated_database`); with
    ``tracker_too`` Rasa's tracker store (``events``) is in that PostgreSQL database too."""
    from bot.runner import Stack

    with migrated_database(backend, var_dir) as database:
        overrides = {} if backend == "sqlite" else {"ENLIST_DATABASE_URL": database.url}
        if tracker_too and backend != "sqlite":
            overrides["ENLIST_TRACKER_STORE_URL"] = database.url
        with environment(stack_environment(var_dir / "var", **overrides)):
            running = Stack(Settings.from_env(), model, echo=False)
            try:
                running.start()
                yield running.settings
            finally:
                running.stop()

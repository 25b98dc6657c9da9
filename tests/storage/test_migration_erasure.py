"""Migration 0004 on a database with leads from before it (SQLite and PostgreSQL): the
rows survive, the phone stays unique, and erasure works on them."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from bot.leads.erasure import erase_leads
from bot.leads.records import WITHDRAWN
from bot.leads.store import LeadStore
from bot.storage.database import MIGRATIONS, Database
from tests.databases import BACKENDS, POSTGRES_ADMIN_URL
from tests.portal.leads_seed import add_lead


@contextlib.contextmanager
def empty_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'old.db'}")
        yield database
        database.dispose()
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"enlist_mig_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(f"postgresql://postgres@127.0.0.1:5432/{name}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def upgrade(database: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_leads_from_before_0004_survive_and_can_be_erased(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as database:
        upgrade(database, "0003")
        with database.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO leads (reference, phone, name, consent_version, consent_at, sender_id, source_channel,"
                    " status, created_at, updated_at) VALUES ('ZB-OLD111', '13700001111', '老线索', '2023-1',"
                    " '2023-06-01 08:00:00', 'old-conv', 'rest', 'contacted', '2023-06-01 08:00:00', '2023-06-01 08:00:00')"
                )
            )
        upgrade(database, "head")
        store = LeadStore(database)
        old = store.find_by_phone("13700001111")
        assert (old.name, old.status, old.erased_at) == ("老线索", "contacted", None)
        with pytest.raises(IntegrityError):  # the phone is still unique
            with database.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO leads (reference, phone, name, consent_version, consent_at, sender_id, source_channel,"
                        " status, created_at, updated_at) VALUES ('ZB-OLD222', '13700001111', 'x', '2023-1',"
                        " '2023-06-01 08:00:00', 'c', 'rest', 'new', '2023-06-01 08:00:00', '2023-06-01 08:00:00')"
                    )
                )
        erase_leads(store, f"sqlite:///{tmp_path / 'no-tracker.db'}", [old.id], WITHDRAWN)
        assert store.get(old.id).phone is None and store.get(old.id).status == WITHDRAWN
        add_lead(store, "新线索", "13700001111")  # the number is free again
        add_lead(store, "另一个", "13700002222")
        erase_leads(store, f"sqlite:///{tmp_path / 'no-tracker.db'}", [store.find_by_phone("13700002222").id])
        assert store.count() == 3  # two erased rows with NULL phones coexist under the unique index

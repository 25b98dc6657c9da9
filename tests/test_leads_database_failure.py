"""Nothing is lost: the database dies mid-conversation, the lead arrives after it returns."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.runner import Stack
from bot.storage.database import Database
from tests.conftest import Chat, environment, free_port, stack_environment
from tests.private_postgres import PrivatePostgres, unavailable_reason
from tests.test_leads_conversation import fill, start_form

pytestmark = pytest.mark.stack


@pytest.fixture()
def postgres() -> PrivatePostgres:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = PrivatePostgres(free_port()).init()
    server.start()
    yield server
    server.destroy()


def test_lead_survives_a_database_crash(tmp_path: Path, trained_model: Path, postgres: PrivatePostgres) -> None:
    env = stack_environment(tmp_path / "var", ENLIST_DATABASE_URL=postgres.url, ENLIST_OUTBOX_FLUSH_SECONDS="1")
    with environment(env):
        settings = Settings.from_env()
        stack = Stack(settings, trained_model)
        stack.start()
        try:
            chat = Chat(settings)
            sender = "t-db-crash"
            start_form(chat, sender)
            fill(chat, sender, phone="13344445555")

            postgres.kill()  # the database dies before the student confirms
            reply = chat.text(sender, "/affirm")
            assert "已记录" not in reply  # never claimed before a commit
            assert "暂时无法写入数据库" in reply and "自动提交" in reply
            reference = re.search(r"ZB-[0-9A-Z]{6}", reply).group(0)
            pending = list(settings.outbox_dir.glob("*.json"))
            assert [p.name.split("-", 1)[1] for p in pending] == [f"{reference}.json"]
            assert oct(pending[0].stat().st_mode & 0o777) == "0o600"

            postgres.start()  # the database returns; the bot service flushes by itself
            store = LeadStore(Database(postgres.url))
            deadline = time.monotonic() + 60
            while store_lead(store) is None and time.monotonic() < deadline:
                time.sleep(0.5)
            lead = store_lead(store)
            assert lead is not None, "the lead did not arrive after the database came back"
            assert lead.name == "李雷" and lead.reference == reference
            assert [s.via_outbox for s in store.submissions(lead.id)] == [True]
            assert store.count() == 1
            assert not list(settings.outbox_dir.glob("*.json"))
        finally:
            stack.stop()


def store_lead(store: LeadStore):
    try:
        return store.find_by_phone("13344445555")
    except Exception:  # noqa: BLE001 - the server may still be starting
        return None

"""A database that stops answering during sign-up: the reply comes well before the widget
gives up (20 s), says honestly that the lead waits in the outbox, and the widget's "重试"
(the same client message id) is answered from the conversation instead of being processed
again - one lead, one submission, one user turn in the transcript."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.storage.database import Database
from tests.conftest import Chat, running_stack, tracker_events
from tests.test_leads_conversation import fill, start_form

pytestmark = pytest.mark.stack

WIDGET_TIMEOUT_SECONDS = 20  # REQUEST_TIMEOUT_MS in bot/widget/static/widget.js
REFERENCE = re.compile(r"ZB-[0-9A-Z]{6}")


@pytest.fixture(scope="module")
def private_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Settings]:
    with running_stack(
        tmp_path_factory.mktemp("outage-var"), trained_model, ENLIST_OUTBOX_FLUSH_SECONDS="1"
    ) as settings:
        yield settings


def send(chat: Chat, sender: str, message: str, message_id: str) -> List[Dict[str, Any]]:
    reply = chat.post({"sender": sender, "message": message, "metadata": {"client_message_id": message_id}})
    assert reply.status == 200, reply.body[:300]
    return reply.json()


def user_turns(settings: Settings, sender: str) -> List[Dict[str, Any]]:
    return [event for event in tracker_events(settings.tracker_store, sender) if event["type"] == "user"]


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r["text"] for r in replies if r.get("text")]


def confirm_during_the_outage(chat: Chat, sender: str, message_id: str) -> str:
    """Confirm the sign-up while the database does not answer: the honest reply in time,
    then the widget's "重试" (the same message id) gets the same reply. Returns the reference."""
    started = time.monotonic()
    first = send(chat, sender, "/affirm", message_id)
    elapsed = time.monotonic() - started
    print(f"reply during the outage after {elapsed:.1f} s")
    assert elapsed < WIDGET_TIMEOUT_SECONDS - 5, f"reply after {elapsed:.1f} s"
    reply = "\n".join(texts(first))
    assert "暂时无法写入数据库" in reply and "自动提交" in reply and "已记录" not in reply
    assert texts(send(chat, sender, "/affirm", message_id)) == texts(first)
    return REFERENCE.search(reply).group(0)


def the_lead_arrives_once(database_url: str, phone: str, reference: str) -> None:
    """After the database returns: one lead with one submission (a second save would land
    within the extra two seconds)."""
    store = LeadStore(Database(database_url))
    deadline = time.monotonic() + 60
    while store.find_by_phone(phone) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)
    lead = store.find_by_phone(phone)
    assert lead is not None and lead.reference == reference and store.count() == 1
    assert [s.reference for s in store.submissions(lead.id)] == [reference]


def test_locked_database_answers_in_time_and_a_retry_submits_once(private_stack: Settings) -> None:
    chat, sender = Chat(private_stack), "t-outage-1"
    start_form(chat, sender)
    fill(chat, sender, phone="13566667777")

    holder = sqlite3.connect(str(private_stack.var_dir / "enlist.db"), isolation_level=None, timeout=5)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock: writers wait 30 s
    try:
        reference = confirm_during_the_outage(chat, sender, "w-retry-0000000001")
        assert [p.name.split("-", 1)[1] for p in private_stack.outbox_dir.glob("*.json")] == [f"{reference}.json"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    the_lead_arrives_once(private_stack.database, "13566667777", reference)
    marked = [
        e
        for e in user_turns(private_stack, sender)
        if (e.get("metadata") or {}).get("client_message_id") == "w-retry-0000000001"
    ]
    assert len(marked) == 1, "the retry was stored as a second user message"


def test_a_retried_question_is_answered_once_and_a_new_one_is_processed(private_stack: Settings) -> None:
    chat, sender = Chat(private_stack), "t-outage-2"
    first = send(chat, sender, "当兵学费能补偿多少", "w-retry-0000000002")
    again = send(chat, sender, "当兵学费能补偿多少", "w-retry-0000000002")
    assert texts(first) and texts(again) == texts(first)
    assert len(user_turns(private_stack, sender)) == 1

    asked_anew = send(chat, sender, "当兵学费能补偿多少", "w-retry-0000000003")  # a new message, same words
    assert texts(asked_anew)
    assert len(user_turns(private_stack, sender)) == 2


def test_a_malformed_client_message_id_is_ignored(private_stack: Settings) -> None:
    chat, sender = Chat(private_stack), "t-outage-3"
    for _ in range(2):
        send(chat, sender, "你好", "短")  # not a valid id: processed as an ordinary message each time
    assert len(user_turns(private_stack, sender)) == 2


def test_a_postgresql_server_that_stops_answering_gets_the_same_honest_reply_in_time(
    tmp_path: Path, trained_model: Path
) -> None:
    """The production database hangs (SIGSTOP: no error, no answer) while the student confirms."""
    from tests.conftest import free_port
    from tests.private_postgres import PrivatePostgres, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = PrivatePostgres(free_port()).init()
    server.start()
    try:
        with running_stack(
            tmp_path / "var", trained_model, ENLIST_DATABASE_URL=server.url, ENLIST_OUTBOX_FLUSH_SECONDS="1"
        ) as settings:
            chat, sender = Chat(settings), "t-outage-pg"
            start_form(chat, sender)
            fill(chat, sender, phone="13577778888")
            server.freeze()
            try:
                reference = confirm_during_the_outage(chat, sender, "w-retry-0000000009")
            finally:
                server.thaw()
            the_lead_arrives_once(server.url, "13577778888", reference)
    finally:
        server.destroy()

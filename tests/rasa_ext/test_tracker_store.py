"""The appending SQL tracker store (bot/rasa_ext/tracker_store.py) on SQLite and PostgreSQL.

Each test drives the store the way Rasa's processor does (load, add the turn's events, save)
and checks the rows with plain SQL and against Rasa's own SQLTrackerStore on the same table.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa_ext.tracker_store import AppendingSQLTrackerStore
from bot.storage.database import Database
from tests.conftest import PROJECT_HOME
from tests.databases import BACKENDS, migrated_database

TURNS = 60


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_HOME / "domain")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path) as db:
        yield db
        for store in _STORES:  # their connections, before the database is dropped
            store.engine.dispose()
        _STORES.clear()


_STORES: List[SQLTrackerStore] = []


class Clock:
    """Strictly increasing timestamps, as Rasa gives events of consecutive turns."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def turn_events(number: int, clock: Clock) -> List[Event]:
    """One FAQ turn: the message, the answer action, its reply and a slot, back to listening."""
    text_ = f"第{number}个问题：入伍年龄有什么要求？"
    parse = {"intent": {"name": "faq", "confidence": 0.9}, "entities": [], "text": text_}
    return [
        UserUttered(text_, parse["intent"], [], parse, timestamp=clock()),
        ActionExecuted("action_answer_faq", timestamp=clock()),
        BotUttered(f"回答 {number}", {"buttons": [{"title": "还有问题", "payload": "/faq"}]}, timestamp=clock()),
        SlotSet("school", f"学校{number}", timestamp=clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]


def session_start(clock: Clock) -> List[Event]:
    """What Rasa logs for a new session: the action, then (earlier stamped) session_started."""
    started = SessionStarted(timestamp=clock())
    return [
        ActionExecuted("action_session_start", timestamp=clock()),
        started,
        ActionExecuted("action_listen", timestamp=clock()),
    ]


def rows(database: Database, sender: str) -> int:
    with database.begin() as connection:
        return connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar_one()


def store_for(database: Database, domain: Domain, cls: type = AppendingSQLTrackerStore) -> SQLTrackerStore:
    store = cls(domain=domain, host=database.url)
    _STORES.append(store)
    return store


async def play_turn(store: SQLTrackerStore, sender: str, events: List[Event]) -> DialogueStateTracker:
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


def as_dicts(tracker: DialogueStateTracker) -> List[dict]:
    return [event.as_dict() for event in tracker.events]


def test_sixty_turns_insert_only_new_events_and_reload(database: Database, domain: Domain) -> None:
    store, clock, sender = store_for(database, domain), Clock(), "sixty"
    expected = 0
    for number in range(TURNS):
        events = (session_start(clock) if number == 0 else []) + turn_events(number, clock)
        asyncio.run(play_turn(store, sender, events))
        expected += len(events)
        assert rows(database, sender) == expected  # each save appended exactly this turn's events
    reloaded = asyncio.run(store.retrieve(sender))
    stock = asyncio.run(store_for(database, domain, SQLTrackerStore).retrieve(sender))
    assert len(reloaded.events) == expected == 3 + 5 * TURNS
    assert as_dicts(reloaded) == as_dicts(stock)
    assert reloaded.get_slot("school") == f"学校{TURNS - 1}"
    assert reloaded.latest_message.text.startswith(f"第{TURNS - 1}个问题")


def test_a_new_session_loads_alone_and_keeps_appending(database: Database, domain: Domain) -> None:
    store, clock, sender = store_for(database, domain), Clock(), "sessions"
    for number in range(3):
        asyncio.run(
            play_turn(store, sender, (session_start(clock) if number == 0 else []) + turn_events(number, clock))
        )
    # The session expired: Rasa adds the new session's events to the loaded tracker.
    carried = [
        *session_start(clock)[:2],
        SlotSet("school", "学校2", timestamp=clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]
    asyncio.run(play_turn(store, sender, carried + turn_events(3, clock)))
    assert rows(database, sender) == 3 + 15 + 4 + 5
    current = asyncio.run(store.retrieve(sender))
    stock = asyncio.run(store_for(database, domain, SQLTrackerStore).retrieve(sender))
    assert as_dicts(current) == as_dicts(stock)
    assert [e.as_dict()["event"] for e in current.events][:2] == ["action", "session_started"]
    assert len(current.events) == 4 + 5 and current.get_slot("school") == "学校3"
    asyncio.run(play_turn(store, sender, turn_events(4, clock)))
    assert rows(database, sender) == 3 + 15 + 4 + 5 + 5
    assert len(asyncio.run(store.retrieve(sender)).events) == 4 + 10


def test_a_restarted_bot_continues_the_conversation(database: Database, domain: Domain) -> None:
    clock, sender = Clock(), "restart"
    first = store_for(database, domain)
    asyncio.run(play_turn(first, sender, session_start(clock) + turn_events(0, clock)))
    first.engine.dispose()
    second = store_for(database, domain)  # a new process: nothing remembered but the table
    tracker = asyncio.run(play_turn(second, sender, turn_events(1, clock)))
    assert rows(database, sender) == 3 + 10
    assert as_dicts(asyncio.run(second.retrieve(sender))) == as_dicts(tracker)


def test_a_tracker_it_did_not_load_saves_only_the_missing_events(database: Database, domain: Domain) -> None:
    store, clock, sender = store_for(database, domain), Clock(), "rebuilt"
    asyncio.run(play_turn(store, sender, session_start(clock) + turn_events(0, clock)))
    loaded = asyncio.run(store.retrieve(sender))
    rebuilt = DialogueStateTracker.from_events(sender, list(loaded.events) + turn_events(1, clock), domain.slots)
    asyncio.run(store.save(rebuilt))  # no remembered count: Rasa's count decides
    assert rows(database, sender) == 3 + 10


def test_the_loop_keeps_serving_while_the_database_waits(database: Database, domain: Domain) -> None:
    """A save that waits for a locked table does not stop the event loop, and it returns only
    once its rows are committed."""
    store, clock, sender = store_for(database, domain), Clock(), "waiting"
    asyncio.run(play_turn(store, sender, session_start(clock)))
    blocker = create_engine(database.url, isolation_level="AUTOCOMMIT")
    hold = 1.0

    async def scenario() -> int:
        connection = blocker.connect()
        if database.url.startswith("sqlite"):
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        saving = asyncio.create_task(play_turn(store, sender, turn_events(0, clock)))
        await asyncio.sleep(hold)
        assert not saving.done()
        connection.exec_driver_sql("COMMIT")
        connection.close()
        await saving
        assert rows(database, sender) == 3 + 5  # committed by the time save returned
        ticking.cancel()
        return ticks

    try:
        assert asyncio.run(scenario()) >= hold / 0.01 * 0.5
    finally:
        blocker.dispose()

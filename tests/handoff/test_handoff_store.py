"""The hand-off store on SQLite and PostgreSQL (migration 0010_handoff): one winner when
recruiters take at the same moment, expiry that races a take, and the pushed messages."""

from __future__ import annotations

import datetime as dt
import threading
from typing import List

import pytest

from bot.handoff.store import EXPIRED, HELD, OFFHOURS, WAITING, HandoffConflict, HandoffStore
from bot.storage.database import Database


def test_only_one_of_many_simultaneous_takes_wins(database: Database) -> None:
    store = HandoffStore(database)
    handoff, created = store.request("w-race", "rest", "学费怎么补偿", staffed=True)
    assert created and handoff.status == WAITING
    barrier = threading.Barrier(6)
    winners: List[str] = []
    refusals: List[str] = []

    def take(name: str) -> None:
        barrier.wait()
        try:
            store.take(handoff.id, name)
            winners.append(name)
        except HandoffConflict as conflict:
            refusals.append(str(conflict))

    threads = [threading.Thread(target=take, args=(f"recruiter{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1 and len(refusals) == 5
    assert set(refusals) == {f"{winners[0]} 已经接入了这个对话，不能重复接入。"}
    assert store.get(handoff.id).status == HELD and store.get(handoff.id).taken_by == winners[0]


def test_a_second_request_while_waiting_is_the_same_one_and_off_hours_is_recorded(database: Database) -> None:
    store = HandoffStore(database)
    first, _ = store.request("w-again", "rest", "问题一", staffed=True)
    again, created = store.request("w-again", "rest", "问题二", staffed=True)
    assert not created and again.id == first.id
    off, created = store.request("w-night", "socketio", "晚上问的", staffed=False)
    assert created and off.status == OFFHOURS and store.active("w-night") is None
    assert store.unanswered_question("w-night").question == "晚上问的"


def test_expiry_and_take_never_both_win(database: Database) -> None:
    store = HandoffStore(database)
    handoff, _ = store.request("w-late", "rest", None, staffed=True)
    later = dt.datetime.utcnow() + dt.timedelta(seconds=120)
    assert [h.id for h in store.expire_overdue(60, now=later)] == [handoff.id]
    assert store.get(handoff.id).status == EXPIRED
    with pytest.raises(HandoffConflict, match="不在等待中"):
        store.take(handoff.id, "recruiter1")
    assert store.expire_overdue(60, now=later) == []  # told once only


def test_pushed_messages_are_read_in_order_after_an_id(database: Database) -> None:
    store = HandoffStore(database)
    handoff, _ = store.request("w-push", "rest", None, staffed=True)
    ids = [store.push(handoff, "staff", f"第{i}条", "recruiter1").id for i in range(3)]
    assert [m.text for m in store.messages_after("w-push", ids[0])] == ["第1条", "第2条"]
    assert store.messages_after("w-other", 0) == []
    assert store.messages_after("w-push", 0)[0].as_json() == {
        "id": ids[0],
        "kind": "staff",
        "text": "第0条",
        "state": None,
        "buttons": [],
    }


def test_erasing_a_lead_forgets_its_hand_off_texts(database: Database, tmp_path) -> None:  # noqa: ANN001
    from bot.leads.erasure import erase_leads
    from bot.leads.store import LeadStore
    from tests.portal.leads_seed import add_lead

    store = HandoffStore(database)
    handoff, _ = store.request("w-erase", "rest", "我叫王芳，电话13900001111", staffed=True)
    store.push(handoff, "staff", "王芳同学您好", "recruiter1")
    kept, _ = store.request("w-keep", "rest", "别人的问题", staffed=True)
    lead = add_lead(LeadStore(database), "王芳", "13900001111", sender="w-erase")
    erased = erase_leads(LeadStore(database), f"sqlite:///{tmp_path / 'no-tracker.db'}", [lead.lead_id])
    assert erased.leads == 1
    assert store.get(handoff.id).question is None and store.messages_after("w-erase", 0) == []
    assert store.get(kept.id).question == "别人的问题"

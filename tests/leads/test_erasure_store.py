"""Erasing a lead's personal data at the store level, on SQLite and PostgreSQL: the row
stays (status, dates) for the counts, personal columns, submissions and notes go; the
retention purge takes the same path; deletion requests keep an unverified phone only
until handled. Rasa's tracker store is covered by tests/test_privacy_conversation.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.lang.timefmt import utcnow
from bot.leads.deletion_requests import DONE, MAX_OPEN_PER_CONVERSATION, DeletionRequestStore, UnknownRequest
from bot.leads.erasure import erase_leads, purge_expired, withdraw_conversation
from bot.leads.export import leads_csv
from bot.leads.records import WITHDRAWN, LeadFilter
from bot.leads.store import ErasedLead, LeadStore
from bot.storage.database import Database
from bot.storage.schema import deletion_requests, lead_notes, lead_submissions, leads
from tests.portal.leads_seed import add_lead, backdate

PHONE, OTHER = "13912340001", "13912340002"


def _everything(database: Database) -> str:
    """Every stored value of the lead tables, as one text to search."""
    with database.begin() as connection:
        rows = [
            tuple(r)
            for table in (leads, lead_submissions, lead_notes, deletion_requests)
            for r in connection.execute(select(table))
        ]
    return repr(rows)


def test_erasing_keeps_an_anonymous_record(database: Database, tmp_path) -> None:  # noqa: ANN001
    store = LeadStore(database)
    kept = add_lead(store, "王芳", OTHER, sender="conv-other")
    gone = add_lead(store, "李雷", PHONE, school="吕梁学院", sender="conv-a")
    add_lead(store, "韩梅梅", PHONE, school="太原理工大学", sender="conv-b")  # a repeat: a second submission
    store.add_note(gone.lead_id, "recruiter1", "已电话联系 13912340001")
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"  # no events table: nothing to redact

    erased = erase_leads(store, tracker, [gone.lead_id], WITHDRAWN)
    assert erased.leads == 1 and len(erased.references) == 2 and erased.conversations == 2

    lead = store.get(gone.lead_id)
    assert lead.erased and lead.status == WITHDRAWN and lead.status_label == "已撤回"
    assert (lead.phone, lead.name, lead.school, lead.hukou_place, lead.main_concern, lead.sender_id) == (None,) * 6
    assert store.submissions(gone.lead_id) == [] and store.notes(gone.lead_id) == []
    assert (
        PHONE not in _everything(database)
        and "李雷" not in _everything(database)
        and "韩梅梅" not in _everything(database)
    )
    assert store.count() == 2 and store.counts_by_status()[WITHDRAWN] == 1  # counts stay honest
    assert store.search(LeadFilter(text=PHONE)).total == 0
    csv_text = leads_csv(store.iter_all(LeadFilter())).decode("utf-8-sig")
    assert PHONE not in csv_text and "李雷" not in csv_text and "已撤回" in csv_text and "王芳" in csv_text
    with pytest.raises(ErasedLead):
        store.set_status(gone.lead_id, "contacted")
    with pytest.raises(ErasedLead):
        store.add_note(gone.lead_id, "recruiter1", "再联系")
    assert store.get(kept.lead_id).phone == OTHER
    # The number is free again: signing up anew makes a new lead.
    again = add_lead(store, "李雷", PHONE, sender="conv-c")
    assert again.lead_id != gone.lead_id and store.find_by_phone(PHONE).name == "李雷"


def test_a_conversation_withdraws_only_what_it_submitted(database: Database, tmp_path) -> None:  # noqa: ANN001
    store = LeadStore(database)
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    owner = add_lead(store, "李雷", PHONE, sender="conv-owner")
    add_lead(store, "冒名者", PHONE, sender="conv-other")  # someone else typed the same number

    other = withdraw_conversation(store, tracker, "conv-other")
    assert other.leads == 0 and len(other.references) == 1
    lead = store.get(owner.lead_id)
    assert not lead.erased and lead.phone == PHONE and lead.name == "李雷"
    assert [s.sender_id for s in store.submissions(owner.lead_id)] == ["conv-owner"]
    assert not store.submitted_in("conv-other") and store.submitted_in("conv-owner")

    mine = withdraw_conversation(store, tracker, "conv-owner")
    assert mine.leads == 1 and len(mine.references) == 1
    assert store.get(owner.lead_id).status == WITHDRAWN and PHONE not in _everything(database)
    assert withdraw_conversation(store, tracker, "conv-owner").references == []  # nothing left


def test_the_retention_purge_takes_the_same_path(database: Database, tmp_path) -> None:  # noqa: ANN001
    store = LeadStore(database)
    old = add_lead(store, "李雷", PHONE, created_at=utcnow() - dt.timedelta(days=400))
    store.set_status(old.lead_id, "enlisted")
    new = add_lead(store, "王芳", OTHER)
    purged = purge_expired(store, f"sqlite:///{tmp_path / 'tracker.db'}", 365)
    assert purged.leads == 1
    lead = store.get(old.lead_id)
    assert lead.erased and lead.status == "enlisted" and lead.phone is None  # the outcome still counts
    assert store.get(new.lead_id).phone == OTHER
    assert purge_expired(store, f"sqlite:///{tmp_path / 'tracker.db'}", 365).leads == 0  # erased once
    backdate(database, new.lead_id, utcnow() - dt.timedelta(days=1))
    assert purge_expired(store, f"sqlite:///{tmp_path / 'tracker.db'}", 365).leads == 0


def test_deletion_requests_are_unverified_until_handled(database: Database) -> None:
    store, requests = LeadStore(database), DeletionRequestStore(database)
    lead = add_lead(store, "李雷", PHONE)
    assert requests.record("conv-x", PHONE) and requests.record("conv-x", "13700000000")
    pending = requests.open_requests()
    assert [(r.phone, r.lead_id, r.sender_id) for r in pending] == [
        (PHONE, lead.lead_id, "conv-x"),
        ("13700000000", None, "conv-x"),
    ]
    assert requests.count_open() == 2
    for _ in range(MAX_OPEN_PER_CONVERSATION - 2):
        assert requests.record("conv-x", "13700000001")
    assert not requests.record("conv-x", "13700000002")  # a conversation cannot flood the list
    requests.close(pending[0].id, DONE, "recruiter1", lead.lead_id)
    with pytest.raises(UnknownRequest):
        requests.close(pending[0].id, DONE, "recruiter1", lead.lead_id)
    with pytest.raises(UnknownRequest):
        requests.get_open(pending[0].id)
    with database.begin() as connection:
        handled = connection.execute(select(deletion_requests).where(deletion_requests.c.id == pending[0].id)).one()
    assert handled.phone is None and handled.state == DONE and handled.handled_by == "recruiter1"


def test_an_unreachable_tracker_store_does_not_undo_the_erasure(database: Database) -> None:
    store = LeadStore(database)
    lead = add_lead(store, "李雷", PHONE, sender="conv-a")
    erased = withdraw_conversation(store, "postgresql://postgres@127.0.0.1:1/nothing", "conv-a")
    assert not erased.redacted and erased.leads == 1  # reported honestly, lead data gone regardless
    assert store.get(lead.lead_id).phone is None and PHONE not in _everything(database)

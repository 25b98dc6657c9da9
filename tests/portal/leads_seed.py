"""Leads for portal tests, stored through the real LeadStore."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Iterator, Optional

from bot.config import Settings
from bot.lang.timefmt import utcnow
from bot.leads.records import CONSENT_VERSION, LeadSubmission, SaveResult
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from bot.storage.schema import leads
from tests.conftest import bot_service
from tests.databases import migrated_database

XSS_NAME = "<script>alert(1)</script>"


def add_lead(
    store: LeadStore,
    name: str,
    phone: str,
    school: str = "吕梁学院",
    student_status: str = "在校生",
    enlist_place: str = "学校所在地",
    concern: str = "学费补偿",
    sender: Optional[str] = None,
    created_at: Optional[dt.datetime] = None,
) -> SaveResult:
    """Save one consented lead; ``created_at`` backdates it (as if it came in that day)."""
    result = store.save(
        LeadSubmission(
            name=name,
            phone=phone,
            school=school,
            student_status=student_status,
            education_level="本科",
            hukou_place="山西省吕梁市离石区",
            enlist_place=enlist_place,
            main_concern=concern,
            consent_version=CONSENT_VERSION,
            consent_at=utcnow(),
            sender_id=sender or f"seed-{phone}",
            source_channel="rest",
        )
    )
    if created_at is not None:
        backdate(store.database, result.lead_id, created_at)
    return result


def backdate(database: Database, lead_id: int, created_at: dt.datetime) -> None:
    with database.begin() as connection:
        connection.execute(leads.update().where(leads.c.id == lead_id).values(created_at=created_at))


#: The staff of the lead-workflow tests (tests/portal/test_lead_workflow_*.py).
STAFF = (
    ("recruiter1", "recruiter"),
    ("recruiter2", "recruiter"),
    ("editor1", "editor"),
    ("admin1", "admin"),
    ("gone", "recruiter"),
)
STAFF_PASSWORD = "Zhaomu-2023!"
#: name, phone, school: the first two are one student who typed two numbers.
WORKFLOW_LEADS = (
    ("王芳", "13900000001", "吕梁学院"),
    ("王芳", "13900000002", "吕梁学院"),
    ("李雷", "13900000003", "山西大学"),
    ("张伟", "13900000004", "太原理工大学"),
    ("赵敏", "13900000005", "中北大学"),
    (XSS_NAME, "13900000006", "吕梁学院"),
)


@contextlib.contextmanager
def workflow_service(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """A bot service whose database is a fresh SQLite file or PostgreSQL database, with
    STAFF ('gone' disabled) and WORKFLOW_LEADS (oldest first, one day apart)."""
    with migrated_database(backend, tmp_path) as database:
        accounts = AccountStore(database)
        for name, role in STAFF:
            accounts.create(name, role, STAFF_PASSWORD)
        accounts.disable("gone")
        store = LeadStore(database)
        now = utcnow()
        for age, (name, phone, school) in enumerate(reversed(WORKFLOW_LEADS)):
            add_lead(store, name, phone, school=school, created_at=now - dt.timedelta(days=age))
        with bot_service(tmp_path / "var", ENLIST_DATABASE_URL=database.url) as settings:
            yield settings

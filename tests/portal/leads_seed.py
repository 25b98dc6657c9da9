"""Leads for portal tests, stored through the real LeadStore."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from bot.leads.model import CONSENT_VERSION, LeadSubmission, SaveResult, utcnow
from bot.leads.store import LeadStore
from bot.storage.database import Database
from bot.storage.schema import leads

XSS_NAME = "<script>alert(1)</script>"


def add_lead(store: LeadStore, name: str, phone: str, school: str = "吕梁学院", student_status: str = "在校生",
             enlist_place: str = "学校所在地", concern: str = "学费补偿", sender: Optional[str] = None,
             created_at: Optional[dt.datetime] = None) -> SaveResult:
    """Save one consented lead; ``created_at`` backdates it (as if it came in that day)."""
    result = store.save(LeadSubmission(
        name=name, phone=phone, school=school, student_status=student_status, education_level="本科",
        hukou_place="山西省吕梁市离石区", enlist_place=enlist_place, main_concern=concern,
        consent_version=CONSENT_VERSION, consent_at=utcnow(), sender_id=sender or f"seed-{phone}", source_channel="rest",
    ))
    if created_at is not None:
        backdate(store.database, result.lead_id, created_at)
    return result


def backdate(database: Database, lead_id: int, created_at: dt.datetime) -> None:
    with database.begin() as connection:
        connection.execute(leads.update().where(leads.c.id == lead_id).values(created_at=created_at))

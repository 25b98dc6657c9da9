"""Seed data for the editor-page tests: review items, turns, votes and leads on fixed
China days, stored through the real stores (or the tables the analytics read)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from bot.review.items import Guess
from bot.review.store import ReviewStore
from bot.storage.database import Database
from bot.storage.schema import feedback, lead_submissions, leads
from bot.usage.turns import record_turn

XSS_QUESTION = "<img src=x onerror=alert(1)>当兵能退学费吗"
DAY1 = dt.datetime(2026, 11, 2, 4, 0)  # 12:00 in China
DAY2 = dt.datetime(2026, 11, 3, 4, 0)
TUITION_GUESSES = [Guess("tuition_compensation", 0.41), Guess("loan_repayment", 0.2), Guess("age_limits", 0.1)]


def faq_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def seed_analytics(db: Database) -> None:
    """Day 1: 3 questions (2 answered tuition_compensation, 1 missed) by a and b, 2 👍, a
    lead from someone without turns (a conversation that converted). Day 2: 2 questions by c (1 answered age_limits, 1 out
    of scope), 1 👎, c leaves a lead (converted)."""
    for sender, kind, faq_id, at in [
        ("a", "answer", "tuition_compensation", DAY1),
        ("a", "answer", "tuition_compensation", DAY1),
        ("b", "suggest", None, DAY1),
        ("c", "answer", "age_limits", DAY2),
        ("c", "out_of_scope", None, DAY2),
    ]:
        record_turn(db, sender, kind, faq_id, 0.9 if faq_id else None, now=at)
    with db.begin() as connection:
        for index, (vote, at) in enumerate([(1, DAY1), (1, DAY1), (-1, DAY2)]):
            connection.execute(
                feedback.insert().values(
                    at=at, sender_id="a", message_id=f"m{index}", faq_id="tuition_compensation", vote=vote
                )
            )
        for reference, sender, at in [("R1", "other", DAY1), ("R2", "c", DAY2)]:
            lead_id = connection.execute(
                leads.insert().values(
                    reference=reference,
                    phone=f"1380000000{reference[-1]}",
                    name="测试",
                    consent_version="1",
                    consent_at=at,
                    sender_id=sender,
                    source_channel="rest",
                    status="new",
                    created_at=at,
                    updated_at=at,
                )
            ).inserted_primary_key[0]
            connection.execute(
                lead_submissions.insert().values(
                    lead_id=lead_id,
                    reference=reference,
                    sender_id=sender,
                    source_channel="rest",
                    submitted_at=at,
                    stored_at=at,
                    via_outbox=False,
                )
            )


def seed_queue(store: ReviewStore) -> None:
    tuition = TUITION_GUESSES
    for i in range(3):
        store.record("low_confidence", f"s{i}", "当兵了学费能退多少钱", tuition)
    store.record("downvote", "s9", "当兵学费能退多少钱啊", tuition)
    store.record("out_of_scope", "s4", "食堂几点开饭", [Guess("age_limits", 0.05)])
    store.record("low_confidence", "s5", XSS_QUESTION, tuition)
    store.record("not_understood", "s6", "入伍体检要空腹吗" + "？" * 130, [Guess("age_limits", 0.08)])

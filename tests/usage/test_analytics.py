"""Analytics figures on a seeded database (SQLite and PostgreSQL): per China-time day,
fallback rate, 👍/👎, leads, conversion and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.storage.database import Database
from bot.storage.schema import feedback, lead_submissions, leads
from bot.usage.analytics import analytics, to_csv
from bot.usage.turns import hits_by_faq, record_turn

# 2026-11-02 China time starts at 2026-11-01 16:00 UTC.
DAY1 = dt.datetime(2026, 11, 1, 17, 0)  # 2026-11-02 01:00 in China
DAY2 = dt.datetime(2026, 11, 3, 2, 0)  # 2026-11-03 10:00 in China
BEFORE = dt.datetime(2026, 11, 1, 15, 59)  # 2026-11-01 23:59 in China: outside the range


def seed(db: Database) -> None:
    for sender, kind, faq, at in [
        ("a", "answer", "tuition_compensation", DAY1),
        ("a", "suggest", None, DAY1),
        ("a", "answer", "tuition_compensation", DAY1),
        ("b", "answer", "age_limits", DAY1),
        ("b", "out_of_scope", None, DAY1),
        ("c", "not_understood", None, DAY2),
        ("c", "answer", "tuition_compensation", DAY2),
        ("c", "sensitive", None, DAY2),
        ("z", "answer", "age_limits", BEFORE),
    ]:
        record_turn(db, sender, kind, faq, 0.9 if faq else None, now=at)
    with db.begin() as connection:
        for index, (vote, at) in enumerate([(1, DAY1), (1, DAY1), (-1, DAY2), (1, BEFORE)]):
            connection.execute(
                feedback.insert().values(at=at, sender_id="a", message_id=f"m{index}", faq_id=None, vote=vote)
            )
        lead_id = connection.execute(
            leads.insert().values(
                reference="R1",
                phone="13800000000",
                name="测试",
                consent_version="1",
                consent_at=DAY2,
                sender_id="c",
                source_channel="rest",
                status="new",
                created_at=DAY2,
                updated_at=DAY2,
            )
        ).inserted_primary_key[0]
        connection.execute(
            lead_submissions.insert().values(
                lead_id=lead_id,
                reference="R1",
                sender_id="c",
                source_channel="rest",
                submitted_at=DAY2,
                stored_at=DAY2,
                via_outbox=False,
            )
        )


def test_figures_per_day_and_totals(database: Database) -> None:
    seed(database)
    report = analytics(database, dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    by_day = {d.day.isoformat(): d for d in report.days}
    assert list(by_day) == ["2026-11-02", "2026-11-03"]
    first, second = by_day["2026-11-02"], by_day["2026-11-03"]
    assert (first.questions, first.answered, first.fallbacks, first.conversations) == (5, 3, 2, 2)
    assert (second.questions, second.answered, second.fallbacks, second.conversations) == (3, 1, 1, 1)
    assert (first.up, first.down, second.up, second.down) == (2, 0, 0, 1)
    assert (first.leads, second.leads) == (0, 1)
    assert report.fallback_rate == pytest.approx(3 / 8)
    assert report.helpful_ratio == pytest.approx(2 / 3)
    assert (report.conversations, report.converted) == (3, 1) and report.conversion == pytest.approx(1 / 3)
    assert report.top_faqs == [("tuition_compensation", 3), ("age_limits", 1)]
    assert hits_by_faq(database) == {"tuition_compensation": 3, "age_limits": 2}


def test_csv_has_a_row_per_day_and_the_totals(database: Database) -> None:
    seed(database)
    text = to_csv(analytics(database, dt.date(2026, 11, 2), dt.date(2026, 11, 4)))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "日期" and [r[0] for r in rows[1:5]] == ["2026-11-02", "2026-11-03", "2026-11-04", "合计"]
    assert rows[3][1:] == ["0"] * 7  # a day without activity is a row of zeros
    assert rows[4][1:] == ["8", "4", "3", "3", "2", "1", "1"]
    assert ["会话→报名线索转化率", "0.333", "1/3"] in rows


def test_an_empty_range_and_bad_ranges(database: Database) -> None:
    report = analytics(database, dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    assert report.fallback_rate == 0.0 and report.conversion == 0.0 and report.helpful_ratio == 0.0
    with pytest.raises(ValueError, match="结束日期"):
        analytics(database, dt.date(2026, 1, 2), dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="最多"):
        analytics(database, dt.date(2024, 1, 1), dt.date(2026, 1, 1))


def test_one_definition_of_a_lead_in_every_figure(database: Database) -> None:
    """Issue 16 §6: "新线索" and the conversion use the same leads. A conversation that signed
    up without a counted question (it went straight to 我想报名), one that submitted twice, and
    a lead created by the CLI without a conversation in the range: the figures agree."""
    seed(database)
    with database.begin() as connection:
        for reference, sender, at in [("R2", "d", DAY1), ("R3", "d", DAY2), ("R4", "e", DAY2)]:
            lead_id = connection.execute(
                leads.insert().values(
                    reference=reference,
                    phone=f"1390000000{reference[-1]}",
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
        connection.execute(
            leads.insert().values(  # an old lead touched today, no submission in the range
                reference="R9",
                phone="13900000009",
                name="旧",
                consent_version="1",
                consent_at=BEFORE,
                sender_id="old",
                source_channel="rest",
                status="new",
                created_at=DAY1,
                updated_at=DAY1,
            )
        )
    report = analytics(database, dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert report.total("leads") == report.converted == 3  # c, d (once, on its first day), e
    assert report.conversations == 5 and report.converted <= report.conversations  # a, b, c + d, e
    by_day = {d.day.isoformat(): d.leads for d in report.days}
    assert by_day == {"2026-11-02": 1, "2026-11-03": 2}

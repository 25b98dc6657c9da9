"""Usage figures for the portal's analytics page and ``enlist analytics``.

Sources (no message texts, no personal data read): ``turns`` (every answered or
unanswered question, recorded by the actions), ``feedback`` (👍/👎), ``leads`` and
``lead_submissions``. Days are China time (UTC+8), the dates staff think in; the range
is inclusive. Rows are aggregated here rather than in SQL so that SQLite and PostgreSQL
give the same days (their date functions differ); a range holds at most a few hundred
thousand small rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from sqlalchemy import select

from bot.lang.timefmt import CHINA
from bot.storage.database import Database
from bot.storage.schema import feedback, lead_submissions, turns
from bot.usage.turns import MISS_KINDS

MAX_RANGE_DAYS = 366


@dataclass
class DayFigures:
    day: dt.date
    questions: int = 0
    answered: int = 0
    fallbacks: int = 0
    conversations: int = 0
    up: int = 0
    down: int = 0
    leads: int = 0


@dataclass
class Analytics:
    start: dt.date
    end: dt.date
    days: List[DayFigures] = field(default_factory=list)
    top_faqs: List[Tuple[str, int]] = field(default_factory=list)
    conversations: int = 0  # distinct conversations with at least one question in the range
    converted: int = 0  # of those, conversations in which a lead was submitted

    def total(self, name: str) -> int:
        return sum(getattr(day, name) for day in self.days)

    @property
    def fallback_rate(self) -> float:
        questions = self.total("questions")
        return self.total("fallbacks") / questions if questions else 0.0

    @property
    def helpful_ratio(self) -> float:
        """👍 share of all votes (0 when there are none)."""
        votes = self.total("up") + self.total("down")
        return self.total("up") / votes if votes else 0.0

    @property
    def conversion(self) -> float:
        return self.converted / self.conversations if self.conversations else 0.0


def utc_bounds(start: dt.date, end: dt.date) -> Tuple[dt.datetime, dt.datetime]:
    """Naive-UTC [from, to) covering China-time days ``start``..``end``."""
    low = dt.datetime.combine(start, dt.time(), CHINA).astimezone(dt.timezone.utc).replace(tzinfo=None)
    high = (
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CHINA)
        .astimezone(dt.timezone.utc)
        .replace(tzinfo=None)
    )
    return low, high


def china_day(value: dt.datetime) -> dt.date:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(CHINA).date()


def analytics(database: Database, start: dt.date, end: dt.date, top: int = 10) -> Analytics:
    """Figures per day and totals for China-time days ``start``..``end`` (inclusive)."""
    if end < start:
        raise ValueError("结束日期不能早于开始日期。")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValueError(f"日期范围最多{MAX_RANGE_DAYS}天。")
    low, high = utc_bounds(start, end)
    result = Analytics(start, end)
    days: Dict[dt.date, DayFigures] = {}
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        days[day] = DayFigures(day)
    hits: Counter = Counter()
    senders_by_day: Dict[dt.date, set] = {}
    senders: set = set()
    with database.begin() as connection:
        for at, sender, kind, faq_id in connection.execute(
            select(turns.c.at, turns.c.sender_id, turns.c.kind, turns.c.faq_id).where(
                turns.c.at >= low, turns.c.at < high
            )
        ):
            figures = days[china_day(at)]
            figures.questions += 1
            if kind == "answer":
                figures.answered += 1
                hits[faq_id] += 1
            elif kind in MISS_KINDS:
                figures.fallbacks += 1
            senders_by_day.setdefault(figures.day, set()).add(sender)
            senders.add(sender)
        for at, vote in connection.execute(
            select(feedback.c.at, feedback.c.vote).where(feedback.c.at >= low, feedback.c.at < high)
        ):
            figures = days[china_day(at)]
            if vote > 0:
                figures.up += 1
            else:
                figures.down += 1
        # One definition everywhere: a lead is a conversation that submitted the sign-up form;
        # it counts on the day of its first submission in the range.
        first_submission: Dict[str, dt.datetime] = {}
        for sender, at in connection.execute(
            select(lead_submissions.c.sender_id, lead_submissions.c.submitted_at).where(
                lead_submissions.c.submitted_at >= low, lead_submissions.c.submitted_at < high
            )
        ):
            if sender not in first_submission or at < first_submission[sender]:
                first_submission[sender] = at
    for sender, at in first_submission.items():
        days[china_day(at)].leads += 1
        senders_by_day.setdefault(china_day(at), set()).add(sender)
        senders.add(sender)
    for day, members in senders_by_day.items():
        days[day].conversations = len(members)
    result.days = list(days.values())
    result.top_faqs = hits.most_common(top)
    result.conversations = len(senders)
    result.converted = len(first_submission)  # == total("leads"): the same leads
    return result


CSV_COLUMNS = ("日期", "提问数", "已回答", "未能回答", "会话数", "有帮助(👍)", "没帮助(👎)", "报名线索")


def to_csv(report: Analytics) -> str:
    """Per-day rows, a total row, then the top FAQ entries; UTF-8 with BOM for Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for day in report.days:
        writer.writerow(
            [
                day.day.isoformat(),
                day.questions,
                day.answered,
                day.fallbacks,
                day.conversations,
                day.up,
                day.down,
                day.leads,
            ]
        )
    writer.writerow(
        [
            "合计",
            report.total("questions"),
            report.total("answered"),
            report.total("fallbacks"),
            report.conversations,
            report.total("up"),
            report.total("down"),
            report.total("leads"),
        ]
    )
    writer.writerow([])
    writer.writerow(["未能回答比例", f"{report.fallback_rate:.3f}"])
    writer.writerow(["👍占比", f"{report.helpful_ratio:.3f}"])
    writer.writerow(["会话→报名线索转化率", f"{report.conversion:.3f}", f"{report.converted}/{report.conversations}"])
    writer.writerow([])
    writer.writerow(["热门FAQ条目", "回答次数"])
    for faq_id, count in report.top_faqs:
        writer.writerow([faq_id, count])
    return out.getvalue()

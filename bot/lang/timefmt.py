"""Times as staff read them: stored in UTC, shown in China Standard Time (UTC+8)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def utcnow() -> dt.datetime:
    """Naive UTC, as stored in the database."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_text(value: Optional[dt.datetime], with_seconds: bool = False) -> str:
    """``2023-09-01 08:30`` in China time for a naive-UTC datetime ('' for None)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def china_day_start(day: dt.date) -> dt.datetime:
    """Naive-UTC start of calendar day ``day`` in China (staff filter by their own days)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=CHINA).astimezone(dt.timezone.utc).replace(tzinfo=None)


def china_today() -> dt.date:
    """Today's date in China: the day staff and students live in (the server runs on UTC)."""
    return dt.datetime.now(CHINA).date()

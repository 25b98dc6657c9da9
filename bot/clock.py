"""The one clock of the answers: which day it is, and what that means for the policy year.

Answers describe ``ENLIST_POLICY_YEAR``; once that year is over they must say so and never
present its deadlines as open. Tests set the day with ``ENLIST_TODAY``.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from bot.config import Settings
from bot.lang.timefmt import CHINA

#: China Standard Time: the office and its students live in UTC+8.


def today(settings: Optional[Settings] = None) -> dt.date:
    """``ENLIST_TODAY`` when set, otherwise the real date in China."""
    if settings is None:
        from bot import runtime  # late: runtime imports the FAQ catalog

        settings = runtime.settings()
    return settings.today or dt.datetime.now(CHINA).date()


def is_past(policy_year: int, day: Optional[dt.date]) -> bool:
    """True when ``day`` is after the end of ``policy_year`` (None: no date known, not past)."""
    return day is not None and day.year > policy_year


def past_year_line(policy_year: int, day: Optional[dt.date]) -> str:
    """The one-line warning an answer starts with once its policy year is over; "" before."""
    if not is_past(policy_year, day):
        return ""
    return f"以下为{policy_year}年政策，现行政策可能已调整，请以全国征兵网和区人武部公告为准"


def has_ended(last_day: dt.date, day: Optional[dt.date]) -> bool:
    """True when a window whose last day is ``last_day`` is over on ``day``."""
    return day is not None and day > last_day

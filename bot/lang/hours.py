"""Staffed hours of the live hand-off (``ENLIST_STAFFED_HOURS``), in China time.

The setting is one or more ``days HH:MM-HH:MM`` ranges separated by ``;`` or ``,``, e.g.
``mon-fri 08:30-17:30; sat 09:00-12:00``. Days are ``mon``…``sun``, a single day or a range
(``fri-mon`` wraps). ``24:00`` ends at midnight. ``off`` means nobody is on duty: every
request for a person goes straight to the leave-a-message path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional, Tuple

from bot.lang.timefmt import CHINA

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
OFF = "off"
_RANGE = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Shift:
    days: Tuple[int, ...]  # 0 = Monday
    start: int  # minutes after midnight
    end: int  # exclusive, up to 24 * 60

    def covers(self, weekday: int, minute: int) -> bool:
        return weekday in self.days and self.start <= minute < self.end

    def describe(self) -> str:
        first, last = DAY_LABELS[self.days[0]], DAY_LABELS[self.days[-1]]
        days = first if len(self.days) == 1 else f"{first}至{last}"
        return f"{days} {_clock(self.start)}–{_clock(self.end)}"


@dataclass(frozen=True)
class StaffedHours:
    shifts: Tuple[Shift, ...]
    source: str

    def is_staffed(self, now: Optional[dt.datetime] = None) -> bool:
        """True when ``now`` (default: the current time) falls in a shift, China time."""
        local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(CHINA)
        minute = local.hour * 60 + local.minute
        return any(shift.covers(local.weekday(), minute) for shift in self.shifts)

    def describe(self) -> str:
        """Chinese, for the student: ``周一至周五 08:30–17:30（北京时间）``."""
        if not self.shifts:
            return "目前没有安排在线值班"
        return "；".join(shift.describe() for shift in self.shifts) + "（北京时间）"

    def __str__(self) -> str:
        return self.source


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day(name: str) -> int:
    if name not in DAYS:
        raise ValueError(f"unknown day {name!r} (use {', '.join(DAYS)})")
    return DAYS.index(name)


def _minutes(hours: str, minutes: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"{hours}:{minutes} is not a time of day (00:00-24:00)")
    return value


def parse_staffed_hours(raw: str) -> StaffedHours:
    """``StaffedHours`` for the setting; ValueError (English, for the operator) when malformed."""
    text = raw.strip().lower()
    if text == OFF:
        return StaffedHours((), OFF)
    shifts = []
    for part in re.split(r"[;,]", text):
        part = " ".join(part.split())
        if not part:
            continue
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"{part!r} must look like 'mon-fri 08:30-17:30' (or the whole value 'off')")
        first = _day(match.group(1))
        last = _day(match.group(2)) if match.group(2) else first
        days = tuple((first + i) % 7 for i in range((last - first) % 7 + 1))
        start, end = _minutes(match.group(3), match.group(4)), _minutes(match.group(5), match.group(6))
        if start >= end:
            raise ValueError(f"{part!r}: the shift must end after it starts")
        shifts.append(Shift(days, start, end))
    if not shifts:
        raise ValueError("must name at least one shift, e.g. 'mon-fri 08:30-17:30', or be 'off'")
    return StaffedHours(tuple(shifts), raw.strip())


DEFAULT_STAFFED_HOURS = parse_staffed_hours("mon-fri 08:30-17:30")

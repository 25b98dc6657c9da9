"""ENLIST_STAFFED_HOURS: parsed, validated with a message naming the variable, and read in
China time whatever the server's zone."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.handoff.wording import duration
from bot.lang.hours import parse_staffed_hours

UTC = dt.timezone.utc


def china(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    """A moment given in China time, expressed in UTC (as the server's clock is)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


def test_default_is_weekdays_office_hours_in_china_time() -> None:
    hours = Settings.from_env({}).staffed_hours
    assert str(hours) == "mon-fri 08:30-17:30"
    assert hours.describe() == "周一至周五 08:30–17:30（北京时间）"
    # 2026-12-03 is a Thursday.
    assert hours.is_staffed(china(2026, 12, 3, 8, 30)) and hours.is_staffed(china(2026, 12, 3, 17, 29))
    assert not hours.is_staffed(china(2026, 12, 3, 17, 30)) and not hours.is_staffed(china(2026, 12, 3, 8, 29))
    assert not hours.is_staffed(china(2026, 12, 5, 10, 0))  # Saturday
    # 01:00 UTC on Thursday is 09:00 in China: staffed, though it is night in UTC.
    assert hours.is_staffed(dt.datetime(2026, 12, 3, 1, 0, tzinfo=UTC))


def test_several_shifts_wrapping_days_midnight_and_off() -> None:
    hours = parse_staffed_hours("mon-fri 08:30-17:30; sat 09:00-12:00, fri-mon 20:00-24:00")
    assert hours.describe() == "周一至周五 08:30–17:30；周六 09:00–12:00；周五至周一 20:00–24:00（北京时间）"
    assert hours.is_staffed(china(2026, 12, 5, 11, 59)) and not hours.is_staffed(china(2026, 12, 5, 12, 0))
    assert hours.is_staffed(china(2026, 12, 6, 23, 59))  # Sunday evening (fri-mon wraps)
    assert not hours.is_staffed(china(2026, 12, 8, 21, 0))  # Tuesday evening
    off = parse_staffed_hours("off")
    assert not off.is_staffed(china(2026, 12, 3, 10, 0)) and off.describe() == "目前没有安排在线值班"
    assert parse_staffed_hours("mon-sun 00:00-24:00").is_staffed(china(2026, 12, 6, 3, 0))


@pytest.mark.parametrize(
    "raw",
    [
        "weekdays",
        "mon-fri 8:30",
        "mon-fri 17:30-08:30",
        "mon-fri 08:60-09:00",
        "xyz 08:00-09:00",
        "mon-fri 08:00-25:00",
        ";",
    ],
)
def test_malformed_hours_fail_loudly_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="ENLIST_STAFFED_HOURS"):
        Settings.from_env({"ENLIST_STAFFED_HOURS": raw})


@pytest.mark.parametrize("raw", ["5", "0", "3601", "soon"])
def test_wait_timeout_is_bounded(raw: str) -> None:
    with pytest.raises(ConfigError, match="ENLIST_HANDOFF_WAIT_SECONDS"):
        Settings.from_env({"ENLIST_HANDOFF_WAIT_SECONDS": raw})
    assert Settings.from_env({"ENLIST_HANDOFF_WAIT_SECONDS": "600"}).handoff_wait_seconds == 600


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (15, 60, 300, 3600, 5400)] == ["15秒", "1分钟", "5分钟", "1小时", "1小时30分钟"]

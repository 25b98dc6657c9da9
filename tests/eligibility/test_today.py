"""Issue 12 §4: answers once the policy year is over (the clock set by ENLIST_TODAY)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import clock
from bot.config import Settings
from bot.eligibility import benefit as money
from bot.eligibility.policy import Profile, policy_for
from bot.eligibility.render import render_benefit, render_eligibility, render_location
from bot.errors import ConfigError
from tests.eligibility.test_answers import both

P, _ = policy_for(2023)

IN_2023 = dt.date(2023, 6, 1)
LATER = dt.date(2026, 12, 2)
PAST_LINE = "以下为2023年政策，现行政策可能已调整，请以全国征兵网和区人武部公告为准"
MAN = Profile(gender="男", birth_year=2002, education_level="本科", student_status="在校生", grade="大三")


def test_enlist_today_sets_the_clock_and_bad_dates_are_refused() -> None:
    assert clock.today(Settings.from_env({"ENLIST_TODAY": "2023-06-01"})) == IN_2023
    assert clock.today(Settings.from_env({"ENLIST_TODAY": ""})) == dt.datetime.now(clock.CHINA).date()
    with pytest.raises(ConfigError):
        Settings.from_env({"ENLIST_TODAY": "2023年6月1日"})


def test_during_the_policy_year_no_past_line_and_windows_are_open() -> None:
    reply = render_eligibility(MAN, P, 2023, IN_2023)
    assert "（男兵下半年网上报名截至2023年8月10日18时）" in reply.text
    text = both(reply)
    assert PAST_LINE not in text
    assert "上半年征兵2月15日—3月31日（已结束）" in text  # over by June, the second round is not
    assert "下半年征兵8月15日—9月30日，" in text
    assert "男兵下半年网上报名：2022年12月1日—2023年8月10日18时（" in text and "请以全国征兵网公告为准" in text


def test_after_the_policy_year_the_line_comes_once_ages_say_today_and_windows_are_ended() -> None:
    reply = render_eligibility(MAN, P, 2023, LATER)
    assert reply.text.startswith(f"**{PAST_LINE}。**") and reply.text.count(PAST_LINE) == 1
    assert "您2023年时21周岁（今年24周岁）" in reply.text and "2023年的报名已结束" in reply.text
    text = both(reply)
    assert text.count(PAST_LINE) == 1
    assert "男兵下半年网上报名：2022年12月1日—2023年8月10日18时，已结束" in text
    assert "下半年征兵8月15日—9月30日（已结束）" in text
    assert "请以全国征兵网公告为准" not in text  # nothing of 2023 is presented as open


def test_a_window_without_known_dates_is_ended_once_its_year_is_over() -> None:
    woman = Profile(gender="女", birth_year=1998, education_level="研究生", student_status="在校生")
    assert "女兵下半年网上报名起止时间：未找到公开来源" in render_eligibility(woman, P, 2023, IN_2023).details
    later = render_eligibility(woman, P, 2023, LATER).details
    assert (
        "起止时间未找到公开来源，已结束" in later
        and "女兵上半年网上报名：2023年1月1日—2023年2月10日18时，已结束" in later
    )


def test_benefit_and_location_answers_carry_the_line_too() -> None:
    est = money.estimate(P, "本科", "应届毕业生", 2023, "下半年", 5000, 4)
    graduate = Profile(education_level="本科", student_status="应届毕业生")
    assert render_benefit(est, graduate, P, 2023, LATER).text.count(PAST_LINE) == 1
    assert PAST_LINE not in render_benefit(est, graduate, P, 2023, IN_2023).text
    assert (
        render_location(Profile(student_status="在校生", education_level="本科"), P, 2023, LATER).text.count(PAST_LINE)
        == 1
    )

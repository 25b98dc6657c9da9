"""The lead form through the real REST endpoint, with the lead checked in the database."""

from __future__ import annotations

import re
from typing import Optional

import pytest

from bot.config import Settings
from bot.leads.records import CONSENT_VERSION, LeadFilter
from bot.leads.store import LeadStore
from bot.storage.database import Database
from tests.conftest import Chat

pytestmark = pytest.mark.stack

REFERENCE = re.compile(r"ZB-[0-9A-Z]{6}")
ANSWERS = [
    ("lead_name", "李雷"),
    ("lead_phone", "138-0013-8000"),
    ("school", "吕院"),
    ("student_status", "在校生"),
    ("education_level", "本科"),
    ("hukou_place", "山西省吕梁市离石区"),
    ("enlist_place", "学校所在地"),
    ("main_concern", "学费补偿和复学"),
]


@pytest.fixture()
def store(stack: Settings) -> LeadStore:
    return LeadStore(Database(stack.database))


def start_form(chat: Chat, sender: str) -> str:
    text, buttons = chat.buttons(sender, "我想报名")
    assert "收集的信息" in text and "保存期限" in text and "可以不同意" in text
    assert [b["title"] for b in buttons] == ["同意并继续", "不同意"]
    return chat.text(sender, "/affirm")


def fill(chat: Chat, sender: str, answers=ANSWERS, phone: Optional[str] = None) -> str:
    """Answer every question in order; returns the last reply (the summary)."""
    reply = ""
    for slot, value in answers:
        if slot == "lead_phone" and phone:
            value = phone
        reply = chat.text(sender, value)
    return reply


def test_happy_path(chat: Chat, sender: str, store: LeadStore, stack: Settings) -> None:
    assert "姓名" in start_form(chat, sender)
    summary = fill(chat, sender)
    assert "请核对您的登记信息" in summary
    for expected in (
        "李雷",
        "138 0013 8000",
        "吕院",
        "在校生",
        "本科",
        "山西省吕梁市离石区",
        "学校所在地",
        "学费补偿和复学",
    ):
        assert expected in summary
    done = chat.text(sender, "/affirm")
    assert "已记录" in done and "全国征兵网" in done
    reference = REFERENCE.search(done).group(0)

    lead = store.find_by_phone("13800138000")
    assert lead is not None and lead.reference == reference
    assert (lead.name, lead.school, lead.student_status, lead.education_level) == ("李雷", "吕院", "在校生", "本科")
    assert (lead.hukou_place, lead.enlist_place, lead.main_concern) == (
        "山西省吕梁市离石区",
        "学校所在地",
        "学费补偿和复学",
    )
    assert lead.consent_version == CONSENT_VERSION and lead.sender_id == sender and lead.source_channel == "rest"
    assert lead.status == "new"

    # Personal data never reaches the logs.
    logs = "".join(p.read_text(encoding="utf-8") for p in (stack.var_dir / "log").glob("*.log"))
    assert "13800138000" not in logs and "138-0013-8000" not in logs and "李雷" not in logs

    # The form is over: a greeting is a greeting again.
    assert "征兵咨询助手" in chat.text(sender, "你好")


def test_consent_declined_stores_nothing(chat: Chat, sender: str, store: LeadStore) -> None:
    before = store.count()
    chat.text(sender, "我想报名")
    assert "不登记任何信息" in chat.text(sender, "/deny")
    assert store.count() == before
    assert "初试总分加10分" in chat.text(sender, "退役后考研能加几分")


def test_invalid_phone_is_explained_twice_then_skip_or_stop_is_offered(
    chat: Chat, sender: str, store: LeadStore
) -> None:
    start_form(chat, sender)
    chat.text(sender, "韩梅梅")
    first = chat.text(sender, "12345")
    assert "11位数字" in first and "5位" in first and "手机号" in first
    second, buttons = chat.buttons(sender, "23800138000")
    assert "不是大陆手机号" in second and not buttons
    third, buttons = chat.buttons(sender, "不知道")
    assert "不太好填" in third and [b["title"] for b in buttons] == ["不填了"]  # a phone cannot be skipped
    assert "学校" in chat.text(sender, "13912345678")


def test_invalid_name_then_skipping_it(chat: Chat, sender: str) -> None:
    start_form(chat, sender)
    assert "不能有数字" in chat.text(sender, "李雷123")
    assert "特殊符号" in chat.text(sender, "<script>alert(1)</script>")
    text, buttons = chat.buttons(sender, "x")
    assert [b["title"] for b in buttons] == ["跳过这一项", "不填了"]
    skipped = chat.text(sender, buttons[0]["payload"])
    assert "跳过" in skipped and "手机号" in skipped


def test_cancel_mid_form(chat: Chat, sender: str, store: LeadStore) -> None:
    before = store.count()
    start_form(chat, sender)
    chat.text(sender, "张伟")
    chat.text(sender, "15035801234")
    assert "已取消登记" in chat.text(sender, "算了，不填了")
    assert store.count() == before and store.find_by_phone("15035801234") is None
    assert "征兵咨询助手" in chat.text(sender, "你好")


def test_faq_question_mid_form_is_answered_then_the_form_resumes(chat: Chat, sender: str, store: LeadStore) -> None:
    start_form(chat, sender)
    chat.text(sender, "王芳")
    asked_school = chat.text(sender, "13511112222")
    assert "学校" in asked_school
    answer = chat.text(sender, "当过兵回来考研能加几分")
    assert "初试总分加10分" in answer and "学校" in answer.split("初试总分加10分", 1)[1]
    summary = fill(chat, sender, ANSWERS[2:])
    assert (
        "王芳" in summary and "135 1111 2222" in summary and "考研" not in summary.split("学校：", 1)[1].split("\n")[0]
    )


def test_values_said_earlier_are_reused(chat: Chat, sender: str, store: LeadStore) -> None:
    chat.text(sender, "你好，我叫赵子龙，手机13698765432，我在山西大学读大三，想问问当兵的事")
    start = start_form(chat, sender)
    assert "您之前提到过" in start and "手机号" in start and "学校" in start and "身份" in start
    assert "学历层次" in start  # the first question still missing is asked right away
    remaining = [
        (slot, value) for slot, value in ANSWERS if slot not in ("lead_name", "lead_phone", "school", "student_status")
    ]
    summary = fill(chat, sender, remaining)
    assert "赵子龙" in summary and "136 9876 5432" in summary and "山西大学" in summary and "在校生" in summary
    assert "已记录" in chat.text(sender, "/affirm")
    assert store.find_by_phone("13698765432").school == "山西大学"


def test_same_phone_twice_is_one_lead_with_two_submissions(chat: Chat, sender: str, store: LeadStore) -> None:
    for attempt, school in enumerate(("吕梁学院", "太原理工大学")):
        conversation = f"{sender}-{attempt}"
        start_form(chat, conversation)
        answers = [(slot, school if slot == "school" else value) for slot, value in ANSWERS]
        fill(chat, conversation, answers, phone="177 0358 1234")
        done = chat.text(conversation, "/affirm")
        assert "已记录" in done and "之前登记过" not in done  # never tells that the phone is known
    lead = store.find_by_phone("17703581234")
    assert lead.school == "吕梁学院" and lead.sender_id == f"{sender}-0"  # the repeat does not overwrite
    submissions = store.submissions(lead.id)
    assert [s.sender_id for s in submissions] == [f"{sender}-0", f"{sender}-1"]
    assert [s.values["school"] for s in submissions] == ["吕梁学院", "太原理工大学"]
    assert store.search(LeadFilter(text="17703581234")).total == 1


def test_change_a_field_at_the_summary(chat: Chat, sender: str, store: LeadStore) -> None:
    start_form(chat, sender)
    fill(chat, sender, phone="18812340000")
    choose, buttons = chat.buttons(sender, "/lead_change")
    assert "请选择要修改的项目" in choose and "学校" in [b["title"] for b in buttons]
    school_button = next(b for b in buttons if b["title"] == "学校")
    assert "学校" in chat.text(sender, school_button["payload"])
    summary = chat.text(sender, "中北大学")
    assert "学校：中北大学" in summary
    assert "已记录" in chat.text(sender, "/affirm")
    assert store.find_by_phone("18812340000").school == "中北大学"


def test_rasa_restart_mid_form_resumes_where_it_was(chat: Chat, sender: str, live_stack, store: LeadStore) -> None:
    start_form(chat, sender)
    chat.text(sender, "孙浩")
    assert "学校" in chat.text(sender, "13233334444")
    live_stack.restart(live_stack.rasa)
    summary = fill(chat, sender, ANSWERS[2:])
    assert "孙浩" in summary and "132 3333 4444" in summary and "吕院" in summary
    assert "已记录" in chat.text(sender, "/affirm")
    assert store.find_by_phone("13233334444").name == "孙浩"


def test_sign_up_button_follows_relevant_answers(chat: Chat, sender: str) -> None:
    _, buttons = chat.buttons(sender, "当兵学费能补偿吗")
    assert {"title": "我想报名", "payload": "/sign_up"} in buttons
    _, greeting_buttons = chat.buttons(sender, "你好")
    assert {"title": "我想报名", "payload": "/sign_up"} in greeting_buttons

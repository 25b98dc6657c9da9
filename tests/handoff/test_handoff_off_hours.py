"""Outside staffed hours (ENLIST_STAFFED_HOURS=off) a request for a person is answered at
once: nobody is on duty, the staffed hours, the contact block and the lead form; the lead
left then carries the question. Also the 转人工 button after the bot's second miss."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest

from bot.leads.store import LeadStore
from bot.storage.database import Database
from tests.conftest import Chat
from tests.handoff.stack import handoff_stack, latest
from tests.handoff.test_handoff_http import leave_a_lead

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def off_hours(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Tuple[Any, Database]]:
    with handoff_stack(
        "sqlite", tmp_path_factory.mktemp("handoff-off"), trained_model, ENLIST_STAFFED_HOURS="off"
    ) as running:
        yield running


def test_off_hours_request_becomes_a_lead_with_the_question(off_hours: Tuple[Any, Database], sender: str) -> None:
    running, database = off_hours
    chat = Chat(running.settings)
    chat.say(sender, "退役以后还能回原来的学校读研吗")
    replies = chat.say(sender, "我想问真人")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "目前没有安排人工在线咨询" in text and "离石区人民武装部" in text, text
    assert [b["title"] for r in replies for b in r.get("buttons", [])] == ["留下问题和联系方式"]
    assert not any("enlist_handoff" in (r.get("custom") or {}) for r in replies), "no waiting when nobody is on duty"
    assert latest(database, sender).status == "offhours"
    leave_a_lead(chat, sender, "13800138222")
    store = LeadStore(database)
    lead = store.find_by_phone("13800138222")
    assert "学生转人工时的问题（当时无人接入）：退役以后还能回原来的学校读研吗" in [
        n.text for n in store.notes(lead.id)
    ]
    assert latest(database, sender).lead_id == lead.id


def test_second_miss_offers_the_human_button(off_hours: Tuple[Any, Database], sender: str) -> None:
    chat = Chat(off_hours[0].settings)
    chat.say(sender, "阿巴阿巴咕噜咕噜")
    text, buttons = chat.buttons(sender, "咕噜咕噜阿巴阿巴")
    assert "还是没能理解" in text, text
    assert {"title": "转人工", "payload": "/request_human"} in buttons
    pressed = chat.text(sender, "/request_human")
    assert "暂时没有工作人员在线" in pressed


@pytest.mark.parametrize("text", ["转人工", "找工作人员", "我想问真人", "能帮我转个人工客服吗", "我要和真人聊"])
def test_asking_for_a_person_in_other_words(off_hours: Tuple[Any, Database], sender: str, text: str) -> None:
    assert "暂时没有工作人员在线" in Chat(off_hours[0].settings).text(sender, text)


def test_neighbouring_intents_keep_their_answers(off_hours: Tuple[Any, Database], sender: str) -> None:
    chat = Chat(off_hours[0].settings)
    assert "机器人" in chat.text(sender, "你是真人吗")
    assert "可以不同意" in chat.text(sender + "-2", "能让工作人员联系我吗")  # sign-up: the lead form's consent

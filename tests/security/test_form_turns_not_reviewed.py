"""Issue 13 item 5: what a student types inside a form (names, schools, 户籍, phones) never
enters the editors' review queue, even when the model cannot place it or a 👎 follows."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from bot.config import Settings
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import Chat, http
from tests.review.test_review_conversation import NONSENSE, queued, wait_for
from tests.test_leads_conversation import start_form

pytestmark = pytest.mark.stack

UNUSUAL_NAME = "欧阳叽里呱啦"
IN_FORM = (
    UNUSUAL_NAME,
    "13912345678",
    "咕噜咕噜啵啵职业学院",
    "户口在咕噜咕噜啵啵",
    NONSENSE,
    "当兵学费补偿怎么申请啊啊啊",
    "没听懂",
)


def downvote(stack: Settings, sender: str, message: Dict[str, Any]) -> None:
    meta = message["custom"][MESSAGE_META_KEY]
    vote = {
        "sender_id": sender,
        "message_id": meta["message_id"],
        "vote": -1,
        "faq_id": meta["faq_id"],
        "bot_text": message.get("text"),
    }
    reply = http(
        "POST",
        f"{stack.bot_url}/feedback",
        json.dumps(vote, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.body


def test_answers_typed_inside_the_lead_form_are_never_queued(chat: Chat, sender: str, stack: Settings) -> None:
    assert "姓名" in start_form(chat, sender)
    voted: List[Dict[str, Any]] = []
    for text in IN_FORM:
        messages = chat.say(sender, text)
        assert messages
        voted += [m for m in messages if MESSAGE_META_KEY in (m.get("custom") or {})]
    assert voted, "no message in the form could be voted on"
    for message in voted:
        downvote(stack, sender, message)
    items = wait_for(queued(stack, sender), timeout=5)
    assert [(i.kind, i.text) for i in items] == []


def test_outside_the_form_the_same_miss_is_still_queued(chat: Chat, sender: str, stack: Settings) -> None:
    chat.say(sender, NONSENSE)
    (item,) = wait_for(queued(stack, sender))
    assert item.text == NONSENSE

"""Issue 13 item 2: a conversation never goes silent. Through the real REST endpoint: with
the bot service stopped the student reads an apology and the contact block instead of
``[]``; after 48 long messages from one sender the conversation still answers (what Rasa
posts to the action server is bounded, bot/rasa_ext/action_call.py)."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.conversation.contact import contact_block
from bot.rasa_ext.action_call import MAX_ACTION_CALL_BYTES, trim_events
from tests.conftest import Chat

pytestmark = pytest.mark.stack

QUESTION = "当兵学费能补偿吗"


def test_a_failing_action_server_gets_an_apology_with_the_contact_block(chat: Chat, sender: str, live_stack) -> None:
    assert "学费" in chat.text(sender, QUESTION)
    live_stack.bot.stop()
    try:
        messages = chat.say(sender, QUESTION)
        assert messages, "the student got nothing"
        text = "\n".join(m.get("text", "") for m in messages)
        assert "抱歉" in text and contact_block(live_stack.settings) in text
    finally:
        live_stack.restart(live_stack.bot)
    reply = chat.text(sender, QUESTION)
    assert "学费" in reply and "系统暂时出了点问题" not in reply


def test_the_apology_is_kept_in_the_transcript(chat: Chat, sender: str, live_stack) -> None:
    live_stack.bot.stop()
    try:
        chat.say(sender, QUESTION)
    finally:
        live_stack.restart(live_stack.bot)
    from sqlalchemy import text

    from bot.review.voted_message import _engine

    with _engine(live_stack.settings.tracker_store).connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'bot'"), {"s": sender}
        ).all()
    assert any("系统暂时出了点问题" in json.loads(data)["text"] for (data,) in rows)


def long_message(number: int, chars: int) -> str:
    text = f"第{number}个问题：" + "我想详细了解一下大学生参军入伍的各项政策和具体流程，" * (chars // 26 + 1)
    return text[:chars]


# 48 × 1,000 characters as in the issue; 60 × 4,800 (each user event ~40 KB as Rasa posts
# it) make a session of ~2.4 MB, over the 2 MB the bot service accepts in one request.
@pytest.mark.parametrize("count, chars", [(48, 1000), (60, 4800)])
def test_many_long_messages_from_one_sender_and_the_conversation_still_answers(
    chat: Chat, sender: str, stack: Settings, count: int, chars: int
) -> None:
    assert chars <= stack.max_message_chars
    for number in range(count):
        messages = chat.say(sender, long_message(number, chars))
        assert messages, f"no reply to message {number}"
        assert "系统暂时出了点问题" not in messages[0].get("text", ""), f"message {number} failed"
    reply = chat.text(sender, QUESTION)
    assert "学费" in reply and "系统暂时出了点问题" not in reply


def test_trimming_keeps_the_newest_events_and_everything_else() -> None:
    events = [{"event": "user", "text": f"{i}" + "长" * 1000} for i in range(400)]
    call = {"next_action": "action_answer_faq", "tracker": {"slots": {"a": 1}, "events": events}, "domain": {"x": "y"}}
    trimmed = trim_events(call)
    assert len(json.dumps(trimmed)) <= MAX_ACTION_CALL_BYTES
    kept = trimmed["tracker"]["events"]
    assert 0 < len(kept) < len(events) and kept == events[-len(kept) :]
    assert trimmed["tracker"]["slots"] == {"a": 1} and trimmed["domain"] == {"x": "y"}
    small = {"next_action": "a", "tracker": {"events": events[:3]}}
    assert trim_events(small) == small

"""Bad input to the chat endpoint gets a sensible reply or a clear 4xx, never a 500."""

from __future__ import annotations

import json

import pytest

from bot.channels.rest import EMPTY_MESSAGE_REPLY
from bot.edge.action_guard import SECRET_HEADER
from tests.conftest import Chat, http

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("message", ["", "   ", "\n\t \u3000"])
def test_empty_and_whitespace_get_a_friendly_hint(chat: Chat, sender: str, message: str) -> None:
    reply = chat.post({"sender": sender, "message": message})
    assert reply.status == 200 and reply.json() == [{"recipient_id": sender, "text": EMPTY_MESSAGE_REPLY}]


def test_very_long_message_is_refused_with_413(chat: Chat, sender: str) -> None:
    reply = chat.post({"sender": sender, "message": "学费补偿" * 1300})
    assert reply.status == 413 and reply.json()["error"] == "message_too_long" and "字以内" in reply.json()["message"]


def test_long_but_allowed_message_gets_a_reply(chat: Chat, sender: str) -> None:
    messages = chat.say(sender, "我想问一下当兵的学费补偿。" + "这是一段很长的说明。" * 450)
    assert messages and messages[0]["text"]


@pytest.mark.parametrize("message", ["😀😀😀", "🇨🇳💪", "？？？", "..."])
def test_emoji_or_punctuation_only(chat: Chat, sender: str, message: str) -> None:
    messages = chat.say(sender, message)
    # Every message is text the student sees, or the metadata the widget's votes need.
    assert messages and all(m.get("text") or set(m.get("custom", {})) == {"enlist_message"} for m in messages)
    assert any(m.get("text") for m in messages)


def test_control_characters_are_ignored(chat: Chat, sender: str) -> None:
    assert "初试总分加10分" in chat.text(sender, "\x00当兵\x07考研\u200b加分\x1b政策是什么\ufeff")


@pytest.mark.parametrize(
    "raw, code",
    [
        (b'{"sender": "x", "message": ', "malformed_json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "malformed_json"),
        (b'["sender", "message"]', "not_an_object"),
        (b'{"message": "hi"}', "bad_sender"),
        (b'{"sender": "x", "message": null}', "bad_message"),
        (b'{"sender": "<script>alert(1)</script>", "message": "hi"}', "bad_sender"),
    ],
)
def test_malformed_requests_get_400(chat: Chat, raw: bytes, code: str) -> None:
    reply = chat.post(raw=raw)
    assert reply.status == 400 and reply.json()["error"] == code


def test_server_still_answers_after_bad_input(chat: Chat, sender: str) -> None:
    chat.post(raw=b"{{{{")
    assert "征兵咨询助手" in chat.text(sender, "你好")


def test_action_webhook_rejects_garbage(stack) -> None:
    # As Rasa calls it: with the stack's action secret (bot/edge/action_guard.py).
    headers = {"Content-Type": "application/json", SECRET_HEADER: stack.action_secret}
    for body in (b"", b"{bad", b'{"no": "action"}'):
        reply = http("POST", f"{stack.bot_url}/webhook", body, headers)
        assert reply.status == 400, body
        assert reply.json()["message"], body  # a Chinese message, not an echo of the body
    unknown = http(
        "POST",
        f"{stack.bot_url}/webhook",
        json.dumps({"next_action": "action_nope", "tracker": {}, "domain": {}}).encode(),
        headers,
    )
    assert unknown.status == 404


def test_rasa_http_api_is_off_without_a_token(stack) -> None:
    assert http("GET", f"{stack.rasa_url}/status").status in (403, 404)

"""Issue 13 item 2 (part): the REST channel refuses oversized or deeply nested input with a
Chinese 4xx instead of storing it in the tracker (which then breaks every later turn)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Chat

pytestmark = pytest.mark.stack


def test_large_metadata_is_refused_and_the_conversation_keeps_working(chat: Chat, sender: str) -> None:
    reply = chat.post({"sender": sender, "message": "你好", "metadata": {"x": "长" * (1024 * 1024)}})  # ~3 MB
    assert reply.status == 413 and reply.json()["error"] == "metadata_too_large"
    assert "metadata" in reply.json()["message"] and "字节" in reply.json()["message"]
    assert "学费" in chat.text(sender, "当兵学费能补偿吗")


def test_deeply_nested_metadata_is_refused(chat: Chat, sender: str) -> None:
    nested: dict = {}
    for _ in range(10):
        nested = {"a": nested}
    reply = chat.post({"sender": sender, "message": "你好", "metadata": nested})
    assert reply.status == 400 and reply.json()["error"] == "metadata_too_deep" and "嵌套" in reply.json()["message"]


def test_small_metadata_is_accepted(chat: Chat, sender: str) -> None:
    reply = chat.post({"sender": sender, "message": "你好", "metadata": {"message_id": "m-1"}})
    assert reply.status == 200 and reply.json()


def test_deeply_nested_json_body_is_a_chinese_400(chat: Chat) -> None:
    reply = chat.post(raw=('{"a":' * 5000).encode())
    assert reply.status == 400, reply.status
    assert reply.json()["error"] == "nested_json" and "嵌套" in reply.json()["message"]
    json.dumps(reply.json())

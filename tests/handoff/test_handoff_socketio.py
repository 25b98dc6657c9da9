"""The live hand-off for a socket.io client (python-socketio, as rasa-webchat talks), and a
restart of the bot service and of the Rasa server while a recruiter holds a conversation."""

from __future__ import annotations

import queue
import time
from typing import Any, Tuple

import pytest

from bot.storage.database import Database
from tests.channels.socket_client import SocketChat, texts
from tests.conftest import Chat, tracker_events
from tests.handoff.conftest import LATENCIES, backend_of
from tests.handoff.stack import PASSWORD, StreamReader, active, latest
from tests.handoff.test_handoff_http import QUESTION
from tests.portal.client import logged_in

pytestmark = pytest.mark.stack

#: No bot message for this long after a student's message: the bot stayed silent.
SILENCE_SECONDS = 3.0


def silent(chat: SocketChat) -> bool:
    try:
        message = chat.received.get(timeout=SILENCE_SECONDS)
    except queue.Empty:
        return True
    raise AssertionError(f"the bot answered a held conversation: {message}")


def test_socketio_client_gets_the_recruiters_replies(setup: Tuple[Any, Database]) -> None:
    running, database = setup
    client = logged_in(running.settings, "recruiter1", PASSWORD)
    with SocketChat(running.settings.rasa_url, transports=["websocket"]) as chat:
        session = chat.connect()
        chat.say(QUESTION)
        queued = chat.say("我想问真人")
        assert "排队" in texts(queued), queued
        assert {"custom": {"enlist_handoff": {"state": "waiting"}}} in queued
        handoff = active(database, session)
        assert handoff.channel == "socketio" and handoff.question == QUESTION

        assert client.submit(f"/handoff/{handoff.id}/take", {}, page=f"/handoff/{handoff.id}").status_code == 303
        assert "工作人员已接入" in texts(chat.collect(10))
        chat.emit({"message": "请问体检在哪里", "session_id": session})
        assert silent(chat)

        sent_at = time.monotonic()
        assert (
            client.submit(
                f"/handoff/{handoff.id}/reply",
                {"text": "体检在区人武部通知的体检站进行"},
                page=f"/handoff/{handoff.id}",
            ).status_code
            == 303
        )
        reply = chat.received.get(timeout=10)
        LATENCIES.append((backend_of(setup), "socket.io", time.monotonic() - sent_at))
        print(f"\npush latency ({LATENCIES[-1][0]}, {LATENCIES[-1][1]}): {LATENCIES[-1][2]:.3f} s")
        assert reply["text"] == "体检在区人武部通知的体检站进行"
        assert LATENCIES[-1][2] < 2.0, LATENCIES[-1]

        assert client.submit(f"/handoff/{handoff.id}/release", {}, page=f"/handoff/{handoff.id}").status_code == 303
        assert "智能助手" in texts(chat.collect(10))
        assert "不客气" in chat.text("好的，谢谢你"), "the bot answers again"


def test_restarts_while_held_keep_the_conversation_held(setup: Tuple[Any, Database], sender: str) -> None:
    running, database = setup
    chat = Chat(running.settings)
    chat.say(sender, QUESTION)
    chat.say(sender, "找工作人员")
    handoff = active(database, sender)
    client = logged_in(running.settings, "recruiter1", PASSWORD)
    assert client.submit(f"/handoff/{handoff.id}/take", {}, page=f"/handoff/{handoff.id}").status_code == 303

    seconds = running.restart(running.bot)
    print(f"\nbot service restarted in {seconds:.1f} s while held")
    assert active(database, sender).status == "held"
    assert chat.say(sender, "还在吗") == []
    client = logged_in(running.settings, "recruiter1", PASSWORD)  # sessions survive too; a fresh login is simpler
    page = client.get(f"/handoff/{handoff.id}").text
    assert "结束人工咨询" in page and "还在吗" in page

    seconds = running.restart(running.rasa)
    print(f"Rasa server restarted in {seconds:.1f} s while held")
    assert chat.say(sender, "你好，有人吗") == [], "still paused after the Rasa restart"
    with StreamReader(running.settings, sender) as stream:
        before = len(stream.wait_for(1))  # the "已接入" notice
        assert (
            client.submit(
                f"/handoff/{handoff.id}/reply", {"text": "在的，请讲"}, page=f"/handoff/{handoff.id}"
            ).status_code
            == 303
        )
        assert stream.wait_for(before + 1)[-1]["text"] == "在的，请讲"
        assert client.submit(f"/handoff/{handoff.id}/release", {}, page=f"/handoff/{handoff.id}").status_code == 303
        assert stream.wait_for(before + 2)[-1]["state"] == "ended"
    assert latest(database, sender).status == "ended"
    assert [e["type"] for e in tracker_events(running.settings.tracker_store, sender)].count("pause") == 1
    assert chat.text(sender, "当兵学费能补偿吗")

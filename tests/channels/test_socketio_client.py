"""The socket.io channel with a real python-socketio 5 client against the real stack."""

from __future__ import annotations

import json
import threading
from typing import Dict, List

import pytest
import socketio
from sqlalchemy import create_engine, text

from bot.channels.messages import EMPTY_MESSAGE_REPLY
from bot.review.voted_message import sent_message
from bot.storage.conversations import read_transcript
from tests.channels.conftest import SocketStack
from tests.channels.socket_client import SocketChat, texts
from tests.conftest import Chat, http

pytestmark = pytest.mark.stack

FOOTER = "（2023年政策 · 仅供参考，以征兵办审核为准）"
QUESTIONS = [
    ("2023年下半年入伍的学费补偿上限是多少", "16000元"),
    ("当过兵回来考研能加几分", "初试总分加10分"),
    ("眼睛近视能当兵吗 视力要求多少", "4.8"),
    ("今年男生当兵年龄要求", "18至22周岁"),
    ("我是在校生，可以在学校那边报名当兵吗", "学校所在地"),
    ("哪些人可以自己选在学校所在地还是户籍地报名", "户籍所在地"),
    ("当兵报名在哪个网站", "全国征兵网"),
    ("你是真人还是机器人", "机器人"),
    ("好的，谢谢你", "不客气"),
    ("拜拜", "再见"),
]
TOPICS = {"学费补偿", "考研加分", "报名流程", "体检标准"}


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_ten_questions_answered_in_its_own_session(socket_stack: SocketStack, transport: str) -> None:
    """Each answer reaches the client that asked, in the session it asked for, and is
    the answer REST gives to the same question."""
    rest = Chat(socket_stack.settings)
    with SocketChat(socket_stack.url, transports=[transport]) as chat:
        assert chat.connect(f"s-ten-{transport}") == f"s-ten-{transport}"
        replies = [chat.say(question) for question, _ in QUESTIONS]
    answered = 0
    for (question, fact), messages in zip(QUESTIONS, replies, strict=True):
        assert fact in texts(messages), (question, messages)
        assert texts(messages) == texts(rest.say(f"r-ten-{transport}-{answered}", question))
        answered += 1
    assert answered == 10
    assert FOOTER in texts(replies[0])
    stored = [
        t for t in read_transcript(socket_stack.settings.tracker_store, f"s-ten-{transport}") if t.speaker == "user"
    ]
    assert [t.text for t in stored] == [q for q, _ in QUESTIONS]


def test_buttons_arrive_as_quick_replies_and_a_click_is_answered(socket_stack: SocketStack) -> None:
    rest = Chat(socket_stack.settings)
    rest_buttons = [b for m in rest.say("r-buttons", "你好") for b in m.get("buttons", [])]
    with SocketChat(socket_stack.url) as chat:
        chat.connect("s-buttons")
        greeting = chat.say("你好")
        assert "征兵咨询助手" in texts(greeting)
        with_buttons = [m for m in greeting if "quick_replies" in m]
        assert len(with_buttons) == 1 and greeting[-1] is with_buttons[0]  # the last message
        assert all(set(m) == {"text"} for m in greeting[:-1])  # the others plain texts (rasa-webchat)
        replies = with_buttons[0]["quick_replies"]
        assert [(r["title"], r["payload"]) for r in replies] == [(b["title"], b["payload"]) for b in rest_buttons]
        assert TOPICS <= {r["title"] for r in replies}
        tuition = next(r for r in replies if r["title"] == "学费补偿")
        answer = chat.text(tuition["payload"])
        assert "入伍时对已缴学费一次性补偿" in answer and answer == texts(rest.say("r-buttons", tuition["payload"]))


def test_a_typed_button_title_or_number_is_the_buttons_payload(socket_stack: SocketStack) -> None:
    """Issue 14 §2 over socket.io: the same typed-button mechanism as REST (bot/conversation/typed_buttons.py)."""
    with SocketChat(socket_stack.url) as chat:
        chat.connect("s-typed")
        consent = chat.say("我想报名")
        assert ["同意并继续", "不同意"] == [r["title"] for r in consent[-1]["quick_replies"]]
        assert "姓名" in chat.text("同意并继续！")  # the title typed, with punctuation
        chat.text("/stop_form")
        greeting = chat.say("你好")
        titles = [r["title"] for r in greeting[-1]["quick_replies"]]
        second = chat.text("2")  # the second topic button by its number
        assert second == texts(
            Chat(socket_stack.settings).say("r-typed", greeting[-1]["quick_replies"][1]["payload"])
        ), (titles, second)


def test_custom_data_arrives_as_event_data_and_the_turn_is_stored(socket_stack: SocketStack) -> None:
    """Rasa's channel crashed here (emit(**custom)) and lost the turn."""
    with SocketChat(socket_stack.url) as chat:
        chat.connect("s-custom")
        messages = chat.say("当过兵回来考研能加几分", metadata={"page": "school-site"})
        assert "初试总分加10分" in texts(messages)
        custom = [m["custom"] for m in messages if "custom" in m]
        assert len(custom) == 1 and set(messages[-1]) == {"custom"}  # right after the answer
        meta = custom[0]["enlist_message"]
        assert meta["faq_id"] == "postgrad_bonus" and meta["message_id"]
        # rasa-webchat's key for the page's data
        assert "征兵咨询助手" in texts(chat.say("你好", customData={"page": "webchat"}))
    stored = sent_message(socket_stack.settings.tracker_store, "s-custom", meta["message_id"])
    assert stored is not None and stored.faq_id == "postgrad_bonus" and "初试总分加10分" in stored.text
    assert [m.get("page") for m in user_metadata(socket_stack, "s-custom")] == ["school-site", "webchat"]


def user_metadata(socket_stack: SocketStack, sender: str) -> List[Dict]:
    engine = create_engine(socket_stack.settings.tracker_store)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
        ).all()
    engine.dispose()
    return [json.loads(data).get("metadata") for (data,) in rows]


def test_a_second_client_never_receives_the_first_clients_messages(socket_stack: SocketStack) -> None:
    first, second, idle = (SocketChat(socket_stack.url) for _ in range(3))
    try:
        first.connect("s-first")
        second.connect("s-second")
        idle.connect()  # a fresh session of its own
        results: Dict[str, List[str]] = {}

        def talk(name: str, chat: SocketChat, questions: List[str]) -> None:
            results[name] = [chat.text(q) for q in questions]

        threads = [
            threading.Thread(target=talk, args=("first", first, ["当过兵回来考研能加几分", "当兵报名在哪个网站"])),
            threading.Thread(target=talk, args=("second", second, ["今年男生当兵年龄要求", "你是真人还是机器人"])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert "初试总分加10分" in results["first"][0] and "全国征兵网" in results["first"][1]
        assert "18至22周岁" in results["second"][0] and "机器人" in results["second"][1]
        assert not any("18至22周岁" in t or "机器人" in t for t in results["first"])
        assert not any("初试总分加10分" in t or "全国征兵网" in t for t in results["second"])
        assert idle.received.empty()
    finally:
        for chat in (first, second, idle):
            chat.disconnect()


def test_a_half_filled_form_continues_after_a_reconnect(socket_stack: SocketStack) -> None:
    with SocketChat(socket_stack.url, transports=["websocket"]) as chat:
        chat.connect("s-reconnect")
        chat.say("我想报名")
        assert "姓名" in chat.text("/affirm")
        assert "手机号" in chat.text("韩梅梅")
    with SocketChat(socket_stack.url, transports=["polling"]) as again:
        assert again.connect("s-reconnect") == "s-reconnect"
        assert "学校" in again.text("13800138000")
        status = again.say("吕院")
        assert "身份" in texts(status) and "在校生" in {r["title"] for r in status[-1]["quick_replies"]}


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_bad_input_gets_a_chinese_reply_and_loses_nothing(socket_stack: SocketStack, transport: str) -> None:
    limit = socket_stack.settings.max_message_chars
    with SocketChat(socket_stack.url, transports=[transport]) as chat:
        chat.client.connect(socket_stack.url, transports=[transport], wait_timeout=30)
        assert "session_request" in texts(chat.say("你好", session_id=None))  # no session yet
        session_id = chat.request_session(f"s-bad-{transport}")
        assert texts(chat.say("   ")) == EMPTY_MESSAGE_REPLY
        assert texts(chat.say("")) == EMPTY_MESSAGE_REPLY
        assert texts(chat.say("长" * (limit + 1))) == f"消息太长了（{limit + 1}字），请精简到{limit}字以内再发送。"
        assert "无效的 session_id" in texts(chat.say("你好", session_id="a b<script>"))
        assert "不一致" in texts(chat.say("你好", session_id="someone-else"))
        assert "metadata" in texts(chat.say("你好", metadata="x"))
        assert "metadata" in texts(chat.say("你好", metadata={"a": {"b": {"c": {"d": {"e": 1}}}}}))
        assert "message" in texts(chat.say(5))
        chat.emit("not an object")
        assert "对象" in texts(chat.collect())
        assert "初试总分加10分" in chat.text("当过兵回来考研能加几分")  # the conversation goes on
        assert "无效的 session_id" in texts(chat.say("你好", session_id="x" * 200))
    users = [t.text for t in read_transcript(socket_stack.settings.tracker_store, session_id) if t.speaker == "user"]
    assert users == ["当过兵回来考研能加几分"]  # refused messages never reach the conversation


def test_a_bad_session_request_is_explained_and_a_new_session_given(socket_stack: SocketStack) -> None:
    with SocketChat(socket_stack.url) as chat:
        chat.client.connect(socket_stack.url, wait_timeout=30)
        chat.client.emit("session_request", {"session_id": "空格 不行"})
        assert "已为您开始新的会话" in texts(chat.collect())
        session_id = chat.confirmed.get(timeout=30)
        chat.session_id = session_id
        assert len(session_id) == 32 and "征兵咨询助手" in chat.text("你好")


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_disallowed_origin_is_refused(socket_stack: SocketStack, transport: str) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketChat(socket_stack.url, transports=[transport], origin="http://evil.example").connect()
    with SocketChat(socket_stack.url, transports=[transport], origin=socket_stack.page_origin) as allowed:
        allowed.connect()
        assert "征兵咨询助手" in allowed.text("你好")


def test_polling_and_preflight_carry_the_cors_headers_of_the_allow_list(socket_stack: SocketStack) -> None:
    handshake = f"{socket_stack.url}/socket.io/?EIO=4&transport=polling"
    allowed = http("GET", handshake, headers={"Origin": socket_stack.page_origin})
    assert allowed.status == 200 and allowed.body.startswith(b"0{")
    assert [v for k, v in allowed.headers.items() if k.lower() == "access-control-allow-origin"] == [
        socket_stack.page_origin
    ]
    refused = http("GET", handshake, headers={"Origin": "http://evil.example"})
    assert (
        refused.status == 403
        and "允许列表" in refused.json()["message"]
        and refused.header("Access-Control-Allow-Origin") is None
    )
    preflight = http(
        "OPTIONS", handshake, headers={"Origin": socket_stack.page_origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 204 and preflight.header("Access-Control-Allow-Origin") == socket_stack.page_origin
    assert preflight.header("Access-Control-Max-Age") == "600"
    assert (
        http(
            "OPTIONS", handshake, headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
        ).status
        == 403
    )

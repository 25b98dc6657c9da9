"""The socket.io channel with a real python-socketio 5 client against the real stack."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable, Dict, List

import pytest

from bot.channels.messages import EMPTY_MESSAGE_REPLY
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


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), 600))


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_ten_questions_answered_in_its_own_session(socket_stack: SocketStack, transport: str) -> None:
    """Each answer reaches the client that asked, in the session it asked for, and is
    the answer REST gives to the same question."""
    rest = Chat(socket_stack.settings)

    async def scenario() -> List[List[Dict[str, Any]]]:
        chat = SocketChat(socket_stack.url, transports=[transport])
        session_id = await chat.connect(f"s-ten-{transport}")
        assert session_id == f"s-ten-{transport}"
        replies = [await chat.say(question) for question, _ in QUESTIONS]
        await chat.disconnect()
        return replies

    replies = run(scenario)
    answered = 0
    for (question, fact), messages in zip(QUESTIONS, replies):
        text = texts(messages)
        assert fact in text, (question, messages)
        assert text == texts(rest.say(f"r-ten-{transport}-{answered}", question))
        answered += 1
    assert answered == 10
    faq_answers = [m for messages in replies[:7] for m in messages if "custom" in m]
    assert len(faq_answers) == 7 and all(m["custom"]["enlist_message"]["message_id"] for m in faq_answers)
    assert FOOTER in texts(replies[0])

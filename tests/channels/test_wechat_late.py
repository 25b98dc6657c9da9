"""WeChat waits 5 seconds for a reply. A stack that waits only 0.01 s for Rasa
(ENLIST_WECHAT_REPLY_SECONDS) answers every message late: the reply says 正在查询, and the
answer comes with the student's next message or WeChat's retry, computed once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.channels.wechat import LATE_REPLY, STILL_LATE_REPLY
from bot.logging_setup import OPENID_MASK
from tests.channels.wechat_server import Reply, SimulatedWeChat, assert_replied, openid, user_texts, wechat_stack

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[SimulatedWeChat]:
    # Debug logs on both processes: Rasa's print conversation ids (see test_openids_are_masked_in_debug_logs).
    with wechat_stack(
        tmp_path_factory.mktemp("wechat-late"),
        trained_model,
        ENLIST_WECHAT_REPLY_SECONDS="0.01",
        LOG_LEVEL="DEBUG",
        ENLIST_LOG_LEVEL="DEBUG",
    ) as settings:
        yield SimulatedWeChat(settings)


def first_answer(send: Callable[[], Reply], sender: str) -> str:
    """Send until the reply is no longer a 请稍后 (at most about 20 s)."""
    for _ in range(40):
        content = assert_replied(send(), sender)
        if content not in (LATE_REPLY, STILL_LATE_REPLY):
            return content
        time.sleep(0.5)
    raise AssertionError("the late answer never came")


def test_a_late_answer_comes_with_the_next_message(slow: SimulatedWeChat) -> None:
    sender = openid()
    assert assert_replied(slow.push(slow.text(sender, "当兵学费能补偿多少")), sender) == LATE_REPLY
    answer = first_answer(lambda: slow.push(slow.text(sender, "好的")), sender)
    assert "学费" in answer and "不在我的服务范围" not in answer
    assert user_texts(slow.settings, sender) == ["当兵学费能补偿多少"]  # the “any reply” is not a question
    # Delivered once: the next message is a question of its own again.
    assert assert_replied(slow.push(slow.text(sender, "考研加分政策是什么")), sender) == LATE_REPLY
    assert "研究生" in first_answer(lambda: slow.push(slow.text(sender, "好")), sender)
    assert user_texts(slow.settings, sender) == ["当兵学费能补偿多少", "考研加分政策是什么"]


def test_a_late_answer_comes_with_wechats_retry_of_the_same_msg_id(slow: SimulatedWeChat) -> None:
    sender = openid()
    xml = slow.text(sender, "女生可以当兵吗")
    assert assert_replied(slow.push(xml), sender) == LATE_REPLY
    answer = first_answer(lambda: slow.push(xml), sender)
    assert "女" in answer and "不在我的服务范围" not in answer
    assert assert_replied(slow.push(xml), sender) == answer
    assert user_texts(slow.settings, sender) == ["女生可以当兵吗"]


def test_openids_are_masked_in_debug_logs(slow: SimulatedWeChat) -> None:
    sender = openid()
    assert assert_replied(slow.push(slow.text(sender, "视力要求多少")), sender) == LATE_REPLY
    first_answer(lambda: slow.push(slow.text(sender, "好的")), sender)
    rasa_log = (slow.settings.var_dir / "log" / "rasa.log").read_text(encoding="utf-8")
    assert "DEBUG" in rasa_log and OPENID_MASK in rasa_log  # Rasa did log the conversation id …
    for name in ("rasa.log", "bot.log"):
        assert sender not in (slow.settings.var_dir / "log" / name).read_text(encoding="utf-8")  # … masked

"""The WeChat channel on two Rasa replicas sharing Redis (ENLIST_REDIS_URL) and the tracker
store: WeChat's retry, the student's “更多” and the message that fetches a late answer may
each reach the other replica. Replica B waits only 0.01 s for Rasa, so it always answers
late; replica A waits the normal 4.5 s."""

from __future__ import annotations

import concurrent.futures
import socket
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from bot.channels.wechat import LATE_REPLY, NO_MORE_REPLY
from bot.config import Settings
from bot.models.training import subprocess_env
from bot.runner import ManagedProcess, Stack, rasa_command, write_run_files
from tests.channels.wechat_server import TOKEN, SimulatedWeChat, assert_replied, openid, user_texts
from tests.conftest import environment, free_port, stack_environment

pytestmark = pytest.mark.stack

REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, trained_model: Path
) -> Iterator[Tuple[SimulatedWeChat, SimulatedWeChat]]:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2):
        pass  # the Redis server of the machine (tests/rasa_ext/test_lock_store.py uses it too)
    var_dir = tmp_path_factory.mktemp("wechat-replicas")
    env = stack_environment(var_dir, ENLIST_WECHAT_TOKEN=TOKEN, ENLIST_REDIS_URL=REDIS_URL)
    with environment(env):
        stack = Stack(Settings.from_env(), trained_model, echo=False)
        impatient = {**env, "ENLIST_RASA_PORT": str(free_port()), "ENLIST_WECHAT_REPLY_SECONDS": "0.01"}
        settings_b = Settings.from_env(impatient)
        rasa_b = ManagedProcess(
            "rasa-b",
            rasa_command(settings_b, trained_model, write_run_files(stack.settings)),
            {**subprocess_env(settings_b), **impatient, "SANIC_WORKERS": "1"},
            settings_b.home,
            var_dir / "log" / "rasa-b.log",
            echo=False,
        )
        try:
            stack.start()
            stack.processes.append(rasa_b)
            stack.ready_urls[rasa_b] = f"{settings_b.rasa_url}/webhooks/rest/"
            stack.restart(rasa_b)
            yield SimulatedWeChat(stack.settings), SimulatedWeChat(settings_b)
        finally:
            stack.stop()


def test_a_retry_on_the_other_replica_joins_the_turn(replicas: Tuple[SimulatedWeChat, SimulatedWeChat]) -> None:
    a, b = replicas
    sender = openid()
    xml = a.text(sender, "当兵学费能补偿多少")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        on_a, on_b = pool.map(lambda server: server.push(xml), (a, b))
    answer = assert_replied(on_a, sender)
    assert "学费" in answer and assert_replied(on_b, sender) == LATE_REPLY
    assert assert_replied(b.push(xml), sender) == answer  # B's next retry: the same answer
    assert user_texts(a.settings, sender) == ["当兵学费能补偿多少"]


def test_more_on_the_other_replica_continues_the_pages(replicas: Tuple[SimulatedWeChat, SimulatedWeChat]) -> None:
    a, b = replicas
    sender = openid()
    first = assert_replied(a.push(a.text(sender, "毕业生与在校生入伍有什么区别")), sender)
    assert "（第1/2页）" in first
    second = assert_replied(b.push(b.text(sender, "更多")), sender)
    assert "回复数字：" in second and second not in first
    assert assert_replied(a.push(a.text(sender, "更多")), sender) == NO_MORE_REPLY


def test_a_late_answer_is_fetched_through_the_other_replica(replicas: Tuple[SimulatedWeChat, SimulatedWeChat]) -> None:
    a, b = replicas
    sender = openid()
    assert assert_replied(b.push(b.text(sender, "考研加分政策是什么")), sender) == LATE_REPLY
    answer = assert_replied(a.push(a.text(sender, "好的")), sender)  # A waits up to 4.5 s for B's turn
    assert "研究生" in answer
    assert user_texts(a.settings, sender) == ["考研加分政策是什么"]

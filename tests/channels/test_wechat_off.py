"""Without ENLIST_WECHAT_TOKEN the WeChat channel has no routes (its own module: the WeChat
stacks of test_wechat.py set the token in the environment while they run)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from tests.conftest import http

pytestmark = pytest.mark.stack


def test_the_channel_is_off_without_its_token(stack: Settings) -> None:
    for method in ("GET", "POST"):
        reply = http(
            method,
            f"{stack.rasa_url}/webhooks/wechat/webhook?signature=x&timestamp=1&nonce=1&echostr=1",
            b"<xml/>" if method == "POST" else None,
        )
        assert reply.status == 404, (method, reply.status)

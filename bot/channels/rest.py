"""Rasa's REST channel, hardened against the input a public chat endpoint receives.

Rasa's ``RestInput`` answers a body that is not a JSON object, or lacks ``sender`` or
``message``, with a 500 and a stack trace in the log. This subclass validates the request
first and answers with a clear 4xx and a Chinese message the widget can show. An empty or
whitespace-only message gets a friendly bot reply without touching the conversation.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messages import EMPTY_MESSAGE_REPLY, chat_message
from bot.config import Settings
from bot.edge.json_body import json_object
from bot.errors import RequestRejected
from bot.rasa_ext import action_call, idempotent_turns, never_silent, typed_button_parse
from bot.rasa_ext import speedups as rasa_speedups

# Rasa imports this module when it loads credentials.yml, before it forks workers.
rasa_speedups.install(Settings.from_env().parse_cache_size)
never_silent.install()
idempotent_turns.install()
action_call.install()
typed_button_parse.install()

logger = logging.getLogger(__name__)


def parse_chat_request(body: bytes, max_chars: int) -> Dict[str, Any]:
    """Validate a REST chat request body; raise :class:`RequestRejected` when unusable."""
    payload = json_object(body, '{"sender": ..., "message": ...}')  # nested too deep: a Chinese 400 too
    chat = chat_message(payload.get("sender"), payload.get("message"), payload.get("metadata"), max_chars)
    return {"sender": chat.sender, "message": chat.text, "metadata": chat.metadata}


#: Messages parsed once per worker at start so the first student does not pay for
#: jieba's dictionary build and TensorFlow's graph tracing (about 10 s on this machine).
WARM_UP_MESSAGES = ("你好", "当兵学费能补偿吗", "我想报名")


async def warm_up(app: Any) -> None:
    """Parse a few messages with the loaded model (no conversation is created)."""
    agent = getattr(app.ctx, "agent", None)
    started = time.monotonic()
    if agent is not None and agent.is_ready():
        for text in WARM_UP_MESSAGES:
            await agent.parse_message(text)
        logger.info("model warmed up in %.1f s", time.monotonic() - started)
    else:
        logger.warning("no model loaded at start: nothing to warm up")
    app.ctx.enlist_warm = True


class SafeRestInput(RestInput):
    """``/webhooks/rest/webhook`` with request validation (channel name stays ``rest``).

    ``GET /webhooks/rest/`` (the readiness check) answers 503 until this worker has
    warmed up its model.
    """

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        inner = super().blueprint(on_new_message)
        max_chars = Settings.from_env().max_message_chars

        @inner.listener("after_server_start")
        async def warm_up_model(app: Any, _loop: Any) -> None:
            try:
                await warm_up(app)
            except Exception:  # noqa: BLE001 - a failed warm-up only costs the first student time
                logger.exception("model warm-up failed")
                app.ctx.enlist_warm = True

        @inner.middleware("request")
        async def validate(request: Request) -> Optional[HTTPResponse]:
            if request.method == "GET" and not getattr(request.app.ctx, "enlist_warm", False):
                return response.json({"status": "warming up"}, status=503)
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                chat = parse_chat_request(request.body, max_chars)
            except RequestRejected as rejected:
                return response.json({"error": rejected.code, "message": rejected.message}, status=rejected.status)
            if not chat["message"].strip():
                return response.json([{"recipient_id": chat["sender"], "text": EMPTY_MESSAGE_REPLY}])
            return None

        return inner

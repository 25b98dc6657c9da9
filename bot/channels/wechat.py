"""WeChat Official Account (微信公众号) input channel: ``/webhooks/wechat/webhook``.

WeChat pushes each message a student sends to the account as signed (in safe mode
encrypted) XML and shows the text of our passive XML reply, if it arrives within 5
seconds. So each text message is handed to Rasa and its answer awaited for
``ENLIST_WECHAT_REPLY_SECONDS`` (4.5 s). A slower answer is not lost: the reply says
正在查询, the turn goes on, and the student's next message (or WeChat's retry of the same
MsgId) gets the answer. Retries of a MsgId join the turn already running: Rasa sees each
message once. The openid is the Rasa sender id; it is never logged.

The channel is off (no routes) unless ``ENLIST_WECHAT_TOKEN`` is set.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from bot import never_silent
from bot.channels.wechat_protocol import NO_REPLY, PushQuery, WeChatProtocol
from bot.channels.wechat_state import ChannelState, Turn
from bot.channels.wechat_text import MORE_WORDS, paginate, render_messages
from bot.config import Settings
from bot.errors import RequestRejected
from bot.senders import is_valid_sender
from bot.text import normalize

logger = logging.getLogger(__name__)

LATE_REPLY = "正在查询，请稍后回复任意内容获取答案。"
STILL_LATE_REPLY = "还在查询中，请稍后再回复任意内容获取答案。"
NO_MORE_REPLY = "没有更多内容了。您可以直接输入新的问题，或者回复“你好”查看常见话题。"
NOT_TEXT_REPLY = "抱歉，我目前只能看懂文字消息。请直接用文字输入您的问题，例如“当兵学费怎么补偿”。"
TOO_LONG_REPLY = "消息太长了（{length}字），请精简到{limit}字以内再发送。"
#: The greeting for a new follower: the ``greet`` intent, as if they had said 你好.
SUBSCRIBE_MESSAGE = "/greet"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def _ready(pages: List[str]) -> List[str]:
    return pages


class WeChatInput(InputChannel):
    """The WeChat Official Account message push endpoint (channel name ``wechat``)."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        return cls()  # everything comes from ENLIST_WECHAT_* settings

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = Blueprint("wechat_webhook", __name__)
        settings = Settings.from_env()
        if not settings.wechat_enabled:
            return blueprint
        protocol = WeChatProtocol(settings)
        answers = _Answers(settings, on_new_message)

        @blueprint.get("/webhook")
        async def verify(request: Request) -> HTTPResponse:
            """The server check of 服务器配置: echo ``echostr`` when signed with our Token."""
            try:
                protocol.check_request(PushQuery.from_args(request.args))
            except RequestRejected as rejected:
                return _rejected(rejected)
            return response.text(request.args.get("echostr", ""))

        @blueprint.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            query = PushQuery.from_args(request.args)
            try:
                protocol.check_request(query)
                message = protocol.read_message(query, request.body)
                if not is_valid_sender(message.source):
                    raise RequestRejected(400, "bad_openid", "FromUserName 不是有效的 openid。")
            except RequestRejected as rejected:
                return _rejected(rejected)
            text = await answers.reply_to(message)
            return response.text(protocol.reply(query, message, text) if text else NO_REPLY, content_type="application/xml")

        return blueprint


def _rejected(rejected: RequestRejected) -> HTTPResponse:
    logger.warning("wechat request refused: %s", rejected.code)
    return response.json({"error": rejected.code, "message": rejected.message}, status=rejected.status)


class _Answers:
    """Turns WeChat messages into reply texts (empty: no reply)."""

    def __init__(self, settings: Settings, on_new_message: OnNewMessage) -> None:
        self.settings = settings
        self.on_new_message = on_new_message
        self.state = ChannelState()

    async def reply_to(self, message: Any) -> str:
        if message.type == "event":
            if message.event in ("subscribe", "subscribe_scan"):
                return await self._deliver(message.source, self._turn(_event_key(message), message.source, SUBSCRIBE_MESSAGE))
            return ""  # unsubscribe, menu clicks, location reports: nothing to say
        text = message.content if message.type == "text" else getattr(message, "recognition", None) if message.type == "voice" else None
        if not text or not text.strip():
            return NOT_TEXT_REPLY
        if len(text) > self.settings.max_message_chars:
            return TOO_LONG_REPLY.format(length=len(text), limit=self.settings.max_message_chars)
        return await self._deliver(message.source, self._turn(f"msg:{message.id}", message.source, text))

    def _turn(self, key: str, openid: str, text: str) -> Turn:
        """The turn of this MsgId: the one already started, or a new one."""
        turn = self.state.turns.get(key)
        if turn is None:
            turn = self.state.late.get(openid) or self._new_turn(openid, text)
            self.state.turns.set(key, turn)
        return turn

    def _new_turn(self, openid: str, text: str) -> Turn:
        if normalize(text).strip() in MORE_WORDS:
            rest = self.state.pages.pop(openid)
            if rest:
                if len(rest) > 1:
                    self.state.pages.set(openid, rest[1:])
                return Turn(_ready([rest[0]]))
            return Turn(_ready([NO_MORE_REPLY]))
        self.state.pages.pop(openid)
        return Turn(self._ask_rasa(openid, text))

    async def _deliver(self, openid: str, turn: Turn) -> str:
        """The turn's first page if it is ready in time, else the 正在查询 reply."""
        if turn.reply is not None:
            return turn.reply
        if not await turn.wait(self.settings.wechat_reply_seconds):
            waited_before = self.state.late.get(openid) is turn
            self.state.late.set(openid, turn)
            return STILL_LATE_REPLY if waited_before else LATE_REPLY
        if turn.reply is None:  # first delivery: the rest of a long answer waits for “更多”
            pages = turn.task.result()
            turn.reply = pages[0] if pages else ""
            if len(pages) > 1:
                self.state.pages.set(openid, pages[1:])
        if self.state.late.get(openid) is turn:
            self.state.late.pop(openid)
        return turn.reply

    async def _ask_rasa(self, openid: str, text: str) -> List[str]:
        started = time.monotonic()
        collector = CollectingOutputChannel()
        try:
            await self.on_new_message(UserMessage(text, collector, openid, input_channel=WeChatInput.name()))
        except Exception as exc:  # noqa: BLE001 - the student gets an apology, not silence
            logger.error("wechat turn failed (%s)", type(exc).__name__)
            return [never_silent.apology(self.settings)]
        logger.info("wechat turn answered in %.2f s", time.monotonic() - started)
        text = render_messages(collector.messages)
        return paginate(text) if text else []


def _event_key(message: Any) -> str:
    """Events carry no MsgId; WeChat's docs name FromUserName + CreateTime as their id."""
    return f"event:{message.source}:{message.time}:{message.event}"

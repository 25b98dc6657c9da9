"""WeChat Official Account (微信公众号) input channel: ``/webhooks/wechat/webhook``.

WeChat pushes each message a student sends to the account as signed (in safe mode
encrypted) XML and shows the text of our passive XML reply, if it arrives within 5
seconds. So each text message is handed to Rasa and its answer awaited for
``ENLIST_WECHAT_REPLY_SECONDS`` (4.5 s). A slower answer is not lost: the reply says
正在查询, the turn goes on, and the student's next message (or WeChat's retry of the same
MsgId) gets the answer. Retries of a MsgId join the turn already running: Rasa sees each
message once. That state is shared through Redis when ``ENLIST_REDIS_URL`` is set, so
retries and “更多” work across workers and replicas (bot/channels/wechat_state.py).
The openid is the Rasa sender id; it is never logged.

The channel is off (no routes) unless ``ENLIST_WECHAT_TOKEN`` is set.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.wechat_protocol import NO_REPLY, PushQuery, WeChatProtocol
from bot.channels.wechat_state import MemoryState, RedisState, student_key
from bot.channels.wechat_text import MORE_WORDS, paginate, render_messages
from bot.config import Settings
from bot.edge.senders import is_valid_sender
from bot.errors import RequestRejected
from bot.lang.text import normalize
from bot.rasa_ext import never_silent

logger = logging.getLogger(__name__)

LATE_REPLY = "正在查询，请稍后回复任意内容获取答案。"
STILL_LATE_REPLY = "还在查询中，请稍后再回复任意内容获取答案。"
NO_MORE_REPLY = "没有更多内容了。您可以直接输入新的问题，或者回复“你好”查看常见话题。"
NOT_TEXT_REPLY = "抱歉，我目前只能看懂文字消息。请直接用文字输入您的问题，例如“当兵学费怎么补偿”。"
TOO_LONG_REPLY = "消息太长了（{length}字），请精简到{limit}字以内再发送。"
#: The greeting for a new follower: the ``greet`` intent, as if they had said 你好.
SUBSCRIBE_MESSAGE = "/greet"

#: How often a request waiting for its answer looks at the turn record.
POLL_SECONDS = 0.05

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


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
            if not text:
                return response.text(NO_REPLY)
            return response.text(protocol.reply(query, message, text), content_type="application/xml")

        return blueprint


def _rejected(rejected: RequestRejected) -> HTTPResponse:
    logger.warning("wechat request refused: %s", rejected.code)
    return response.json({"error": rejected.code, "message": rejected.message}, status=rejected.status)


class _Answers:
    """Turns WeChat messages into reply texts (empty: no reply)."""

    def __init__(self, settings: Settings, on_new_message: OnNewMessage) -> None:
        self.settings = settings
        self.on_new_message = on_new_message
        self.state = RedisState(settings.redis_url) if settings.redis_url else MemoryState()
        self._running: Set["asyncio.Task[None]"] = set()

    async def reply_to(self, message: Any) -> str:
        try:
            return await self._reply_to(message)
        except Exception as exc:  # noqa: BLE001 - e.g. Redis down: an apology, never a 500 WeChat shows as 故障
            logger.error("wechat message not answered (%s)", type(exc).__name__)
            return never_silent.apology(self.settings)

    async def _reply_to(self, message: Any) -> str:
        student = student_key(message.source)
        if message.type == "event":
            if message.event in ("subscribe", "subscribe_scan"):
                return await self._answer(message.source, student, f"event:{student}:{message.time}", SUBSCRIBE_MESSAGE)
            return ""  # unsubscribe, menu clicks, location reports: nothing to say
        text = (
            message.content
            if message.type == "text"
            else getattr(message, "recognition", None)
            if message.type == "voice"
            else None
        )
        if not text or not text.strip():
            return NOT_TEXT_REPLY
        if len(text) > self.settings.max_message_chars:
            return TOO_LONG_REPLY.format(length=len(text), limit=self.settings.max_message_chars)
        return await self._answer(message.source, student, f"msg:{message.id}", text)

    async def _answer(self, openid: str, student: str, turn: str, text: str) -> str:
        if await self.state.claim(turn):  # the first request of this message (not a retry)
            await self._start(openid, student, turn, text)
        return await self._deliver(student, turn)

    async def _start(self, openid: str, student: str, turn: str, text: str) -> None:
        late = await self.state.late(student)
        if late:  # “请稍后回复任意内容获取答案”: this message fetches that answer
            await self.state.put(turn, {"alias": late})
        elif normalize(text).strip() in MORE_WORDS:
            page = await self.state.next_page(student)
            await self.state.put(turn, {"pages": [page or NO_MORE_REPLY], "more": True})
        else:
            await self.state.set_pages(student, [])
            task = asyncio.ensure_future(self._ask_rasa(openid, turn, text))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _deliver(self, student: str, turn: str) -> str:
        """The turn's first page if it is ready in time, else the 正在查询 reply."""
        deadline = time.monotonic() + self.settings.wechat_reply_seconds
        record = await self.state.record(turn)
        for _ in range(3):  # an alias points to a turn that is no alias
            if not record or "alias" not in record:
                break
            turn = record["alias"]
            record = await self.state.record(turn)
        while record is not None and "pages" not in record:
            if time.monotonic() >= deadline:
                was_late = await self.state.late(student) == turn
                await self.state.set_late(student, turn)
                return STILL_LATE_REPLY if was_late else LATE_REPLY
            await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            record = await self.state.record(turn)
        if record is None:
            return ""  # expired long ago: nothing to send
        pages: List[str] = record["pages"]
        if await self.state.first_delivery(turn):
            if not record.get("more"):
                await self.state.set_pages(student, pages[1:])
            await self.state.clear_late(student, turn)
        return pages[0] if pages else ""

    async def _ask_rasa(self, openid: str, turn: str, text: str) -> None:
        started = time.monotonic()
        collector = CollectingOutputChannel()
        pages: List[str]
        try:
            await self.on_new_message(UserMessage(text, collector, openid, input_channel=WeChatInput.name()))
            rendered = render_messages(collector.messages)
            pages = paginate(rendered) if rendered else []
            logger.info("wechat turn answered in %.2f s", time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 - the student gets an apology, not silence
            logger.error("wechat turn failed (%s)", type(exc).__name__)
            pages = [never_silent.apology(self.settings)]
        await self.state.put(turn, {"pages": pages})

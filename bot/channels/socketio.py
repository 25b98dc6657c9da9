"""Rasa's socket.io channel, fixed for real clients (rasa-webchat, python-socketio).

Rasa 3.6.21's ``SocketIOInput`` does not work with the pinned python-socketio 5:
``enter_room`` is a coroutine it never awaits, so a socket never joins its session's room
and no ``bot_uttered`` reaches it (RasaHQ/rasa#13027); ``send_custom_json`` spreads our
answer metadata into ``emit(**...)`` and the turn crashes; origins are not checked on
the WebSocket transport. :class:`SafeSocketIOInput` keeps the channel name, events and
``session_persistence`` of the stock channel and adds:

- custom data as event data, ``{"custom": {...}}`` right after its text (as on REST);
  texts split at blank lines, a text with buttons (``quick_replies``) whole, as on REST;
- the REST channel's rules for the session id, text and metadata
  (:mod:`bot.channels.messages`), a violation answered with a Chinese ``bot_uttered``;
- the CORS allow-list of REST (:mod:`bot.edge.cors`) on polling and WebSocket alike, with
  the preflight answered by us (Sanic-CORS would send ``Access-Control-Max-Age: None``);
- ``ENLIST_SOCKETIO_WEBSOCKET_ONLY``: refuse the polling transport, which is what makes
  several Rasa workers safe (``bot.runner.check_socketio_workers``).

Metadata is read from ``metadata`` (the stock key) or ``customData`` (rasa-webchat).
"""

from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

import bot.channels.rest  # noqa: F401 - installs the Rasa patches every channel relies on
from bot.channels.messages import EMPTY_MESSAGE_REPLY, ChatMessage, chat_message
from bot.config import Settings
from bot.edge.cors import ORIGIN_NOT_ALLOWED, CorsPolicy
from bot.edge.senders import check_sender
from bot.errors import ConfigError, RequestRejected

#: rasa-webchat 1.0.1 sends the embedding page's ``customData`` under this key.
WEBCHAT_METADATA_KEY = "customData"
NO_SESSION = "请先发送 session_request 建立会话，再发送消息。"
NEW_SESSION = "已为您开始新的会话。"
OTHER_SESSION = "这条消息的 session_id 与本连接建立的会话不一致。"


class SafeSocketIOOutput(SocketIOOutput):
    """Rasa's output, but a text with buttons stays one message (as on REST; Rasa splits it
    and sends empty ``quick_replies`` with the first parts) and custom JSON is event
    data, ``{"custom": {...}}``."""

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        quick_replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await self._send_message(recipient_id, {"text": text, "quick_replies": quick_replies})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SafeSocketIOInput(SocketIOInput):
    """``/socket.io`` for real clients (channel name stays ``socketio``)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[SafeSocketIOOutput]:
        return None if self.sio is None else SafeSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.jwt_key:  # never silently ignored: the stock JWT check is not carried over
            raise ConfigError("bot.channels.socketio.SafeSocketIOInput does not support jwt_key (credentials.yml)")
        settings = Settings.from_env()
        policy = CorsPolicy.for_settings(settings, methods=("GET", "POST"))
        transports = ["websocket"] if settings.socketio_websocket_only else ["polling", "websocket"]
        # Origins and preflights are ours (_SocketBlueprint); engine.io's own CORS handling
        # stays off ([]), else polling answers would carry Access-Control-Allow-Origin twice
        # (engine.io's and Sanic-CORS's from Rasa's --cors, the same allow-list).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], transports=transports)
        self.sio = sio
        blueprint = _SocketBlueprint(sio, self.socketio_path or "/socket.io", policy, "socketio_webhook", __name__)
        # Recruiters' replies during a live hand-off reach socket.io clients through this (bot/channels/handoff.py).
        blueprint.ctx.output = SafeSocketIOOutput(sio, self.bot_message_evt)
        namespace = self.namespace

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def reply(sid: Text, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=namespace)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            if requested is not None:
                try:
                    check_sender(requested, "session_id")
                except RequestRejected as rejected:
                    await reply(sid, rejected.message + NEW_SESSION)
                    requested = None
            session_id = requested or uuid.uuid4().hex
            previous = (await sio.get_session(sid, namespace=namespace)).get("session_id")
            if self.session_persistence:
                if previous and previous != session_id:  # one session per socket
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            try:
                message = self._message(sid, data, session.get("session_id"), settings.max_message_chars)
            except RequestRejected as rejected:
                await reply(sid, rejected.message)
                return
            if message.is_empty:
                await reply(sid, EMPTY_MESSAGE_REPLY)
                return
            output = SafeSocketIOOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(message.text, output, message.sender, input_channel=self.name(), metadata=message.metadata)
            )

        return blueprint

    def _message(self, sid: Text, data: Any, confirmed: Optional[str], max_chars: int) -> ChatMessage:
        """The validated message of a ``user_uttered`` event; the sender is the session
        this socket confirmed (with session persistence) or the socket id."""
        if not isinstance(data, dict):
            raise RequestRejected(400, "not_an_object", '消息必须是对象 {"message": ..., "session_id": ...}。')
        sender = sid
        if self.session_persistence:
            if confirmed is None:
                raise RequestRejected(400, "no_session", NO_SESSION)
            requested = data.get("session_id")
            sender = check_sender(confirmed if requested is None else requested, "session_id")
            if sender != confirmed:
                raise RequestRejected(400, "other_session", OTHER_SESSION)
        metadata = data.get(self.metadata_key or "metadata", data.get(WEBCHAT_METADATA_KEY))
        return chat_message(sender, data.get("message"), metadata, max_chars, sender_field="session_id")


class _SocketBlueprint(Blueprint):
    """Attaches the socket.io server to the app, behind our origin check."""

    def __init__(self, sio: AsyncServer, path: str, policy: CorsPolicy, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.sio = sio
        self.ctx.path = path.rstrip("/")
        self.ctx.policy = policy

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.sio.attach(app, self.ctx.path)
        app.ctx.enlist_socketio_output = getattr(self.ctx, "output", None)
        path, policy = self.ctx.path, self.ctx.policy

        async def check_origin(request: Request) -> Optional[HTTPResponse]:
            if request.path.rstrip("/") != path:
                return None
            if request.method == "OPTIONS":
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")  # no second set of headers from Sanic-CORS
                return policy.preflight(request)
            # Same origin is always fine (WebSocket clients send it; the scheme of a WebSocket
            # request is "ws", so the host is what is compared). Every Origin header counts.
            refused = [
                o
                for o in request.headers.getall("Origin", [])
                if urlsplit(o).netloc != request.host and not policy.allowed(o)
            ]
            if refused:
                return response.json(
                    {"error": "origin_not_allowed", "message": ORIGIN_NOT_ALLOWED},
                    status=403,
                    headers={"Vary": "Origin"},
                )
            return None

        async def first_in_line(app: Sanic, _loop: Any) -> None:
            # Sanic-CORS (Rasa's --cors) puts its middleware first when the server starts and
            # answers every preflight itself, with "Access-Control-Max-Age: None"; this
            # listener runs after its own, so the origin check goes before it.
            app.request_middleware.appendleft(check_origin)

        app.register_listener(first_in_line, "before_server_start")
        super().register(app, options)

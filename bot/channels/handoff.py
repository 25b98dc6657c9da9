"""The Rasa side of the live hand-off: an internal route through which the bot service
pauses a conversation, appends a recruiter's reply and resumes it.

``POST /internal/handoff/events`` (header ``X-Enlist-Action-Secret``, the shared action
secret). The route is outside ``/webhooks/`` on purpose: the public address (nginx,
Ingress; bot/service/deploy.py) routes only ``/webhooks/`` and ``/socket.io/`` to Rasa, so only the
bot service reaches it. The body is with ``{"sender": ..., "events": [...]}``,
each event ``{"type": "pause"}``, ``{"type": "resume"}`` or ``{"type": "bot", "text": ...,
"buttons": [...], "staff": name}``. Under the conversation's lock the events are appended
to the tracker as Rasa's ``ConversationPaused`` / ``ConversationResumed`` / ``BotUttered``
and saved to the tracker store before the answer: a paused conversation stays paused
across a restart (Rasa logs a paused conversation's messages without answering them).
Bot messages are then emitted to the conversation's socket.io room, if a socket holds it.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.edge.action_guard import SECRET_HEADER, secret_matches
from bot.edge.json_body import json_object
from bot.edge.senders import check_sender
from bot.errors import RequestRejected
from bot.storage.conversations import STAFF_KEY

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000
#: Where the bot service posts hand-off events (bot/handoff/rasa_link.py).
INTERNAL_PATH = "/internal/handoff/events"


def tracker_events(raw_events: Any) -> List[Event]:
    """Rasa events for the request's ``events``; RequestRejected when malformed."""
    if not isinstance(raw_events, list) or not raw_events or len(raw_events) > 10:
        raise RequestRejected(400, "bad_events", "events 必须是1–10个事件的列表。")
    events: List[Event] = []
    for raw in raw_events:
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind == "pause":
            events.append(ConversationPaused())
        elif kind == "resume":
            events.append(ConversationResumed())
        elif kind == "bot" and isinstance(raw.get("text"), str) and 0 < len(raw["text"]) <= MAX_TEXT_CHARS:
            buttons = [b for b in raw.get("buttons") or [] if isinstance(b, dict)][:6]
            staff = raw.get("staff")
            metadata = {STAFF_KEY: {"staff": str(staff)[:40]}} if staff else {STAFF_KEY: {"notice": True}}
            events.append(BotUttered(text=raw["text"], data={"buttons": buttons or None}, metadata=metadata))
        else:
            raise RequestRejected(400, "bad_event", "无法识别的事件。")
    return events


async def append_events(app: Any, sender: str, events: List[Event]) -> bool:
    """Append ``events`` under the conversation's lock and save; True when it is paused after."""
    agent = app.ctx.agent
    async with agent.lock_store.lock(sender):
        tracker = await agent.processor.fetch_tracker_with_initial_session(sender)
        for event in events:
            tracker.update(event)
        await agent.processor.save_tracker(tracker)
        return tracker.is_paused()


async def emit_to_socket(app: Any, sender: str, events: List[Event]) -> None:
    """Send the bot messages to a socket.io client holding this conversation (if any)."""
    output = getattr(app.ctx, "enlist_socketio_output", None)
    if output is None:
        return
    for event in events:
        if isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons")
            if buttons:
                await output.send_text_with_buttons(sender, event.text, buttons)
            else:
                await output.send_text_message(sender, event.text)


class HandoffInput(InputChannel):
    """``/internal/handoff/events`` for the bot service (no student talks to it)."""

    @classmethod
    def name(cls) -> Text:
        return "handoff"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        secret = Settings.from_env().action_secret
        blueprint = _InternalBlueprint("handoff_webhook", __name__)

        async def events(request: Request) -> HTTPResponse:
            if not secret_matches(request.headers.get(SECRET_HEADER), secret):
                return response.json(
                    {"error": "unauthorized", "message": "此接口仅供机器人服务调用：缺少或错误的密钥。"}, status=401
                )
            try:
                body = json_object(request.body, '{"sender": ..., "events": [...]}')
                sender = check_sender(body.get("sender"))
                parsed = tracker_events(body.get("events"))
            except RequestRejected as rejected:
                return response.json({"error": rejected.code, "message": rejected.message}, status=rejected.status)
            paused = await append_events(request.app, sender, parsed)
            try:
                await emit_to_socket(request.app, sender, parsed)
            except Exception as exc:  # noqa: BLE001 - the tracker is saved; a socket may be gone
                logger.warning("hand-off message not emitted to socket.io (%s)", type(exc).__name__)
            return response.json({"paused": paused})

        blueprint.ctx.handler = events
        return blueprint

    def get_output_channel(self) -> Optional[Any]:
        return None


class _InternalBlueprint(Blueprint):
    """Adds :data:`INTERNAL_PATH` to the app itself (Rasa would put a channel's routes under
    ``/webhooks/handoff/``, which the public address routes to Rasa)."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        app.add_route(self.ctx.handler, INTERNAL_PATH, methods=["POST"], name="enlist_handoff_events")
        super().register(app, options)

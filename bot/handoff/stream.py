"""The student's side of a hand-off on the bot service: ``GET /handoff/stream`` (server-sent
events) and ``GET /handoff/messages`` (its polling fallback), both by conversation id.

Both read the pushed messages from the database (any worker, any replica serves any
student): the stream checks every half second and sends each new message as an event
``id: N`` / ``data: {...}``, the fallback returns the messages after ``after``. A browser's
EventSource reconnects by itself (with ``Last-Event-ID``) after the stream ends, which it
does every few minutes so that no connection lives forever. The conversation id is the
widget's random ``w-`` id, the same secret the chat endpoint trusts. Browsers may call it
from the origins of bot/edge/cors.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Dict, Optional, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot import runtime
from bot.config import Settings
from bot.edge.cors import ORIGIN_NOT_ALLOWED, CorsPolicy
from bot.edge.senders import check_sender
from bot.errors import RequestRejected
from bot.handoff.service import blocking
from bot.handoff.store import HandoffStore

logger = logging.getLogger(__name__)

CHECK_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
STREAM_SECONDS = 300.0
#: The widget polls this often when it cannot keep a stream open.
POLL_SECONDS = 2


def _args(request: Request) -> Tuple[str, int]:
    sender = check_sender(request.args.get("sender"))
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    if not raw.isdigit() or len(raw) > 12:
        raise RequestRejected(400, "bad_after", "after 必须是非负整数。")
    return sender, int(raw)


def _store() -> HandoffStore:
    return runtime.handoff_store()


def _messages(sender: str, after: int) -> Dict[str, Any]:
    store = _store()
    messages = store.messages_after(sender, after)
    active = store.active(sender)
    return {
        "messages": [m.as_json() for m in messages],
        "active": active is not None,
        "status": active.status if active else None,
        "poll_seconds": POLL_SECONDS,
    }


def create_handoff_stream_blueprint(settings: Settings) -> Blueprint:
    blueprint = Blueprint("handoff_stream", url_prefix="/handoff")
    cors = CorsPolicy.for_settings(settings, methods=("GET",))

    def refused(request: Request) -> Optional[HTTPResponse]:
        origin = request.headers.get("Origin")
        if origin and not cors.allowed(origin):
            return response.json(
                {"error": "origin_not_allowed", "message": ORIGIN_NOT_ALLOWED}, status=403, headers={"Vary": "Origin"}
            )
        return None

    @blueprint.get("/messages")
    async def messages(request: Request) -> HTTPResponse:
        headers = {**cors.headers(request), "Cache-Control": "no-store"}
        try:
            if (refusal := refused(request)) is not None:
                return refusal
            sender, after = _args(request)
            body = await blocking(_messages, sender, after)
        except RequestRejected as rejected:
            return response.json(
                {"error": rejected.code, "message": rejected.message}, status=rejected.status, headers=headers
            )
        except SQLAlchemyError as exc:
            logger.warning("hand-off messages unavailable (%s)", type(exc).__name__)
            return response.json(
                {"error": "database_unavailable", "message": "暂时无法读取工作人员的回复，请稍后再试。"},
                status=503,
                headers=headers,
            )
        return response.json(body, headers=headers)

    @blueprint.get("/stream")
    async def stream(request: Request) -> Optional[HTTPResponse]:
        headers = {**cors.headers(request), "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        try:
            if (refusal := refused(request)) is not None:
                return refusal
            sender, after = _args(request)
        except RequestRejected as rejected:
            return response.json(
                {"error": rejected.code, "message": rejected.message}, status=rejected.status, headers=headers
            )
        reply = await request.respond(content_type="text/event-stream; charset=utf-8", headers=headers)
        await reply.send(f"retry: {POLL_SECONDS * 1000}\n\n")
        started = last_sent = time.monotonic()
        while time.monotonic() - started < STREAM_SECONDS:
            try:
                found = await blocking(_store().messages_after, sender, after)
            except SQLAlchemyError as exc:
                logger.warning("hand-off stream: database unavailable (%s)", type(exc).__name__)
                found = []
            for message in found:
                await reply.send(f"id: {message.id}\ndata: {json.dumps(message.as_json(), ensure_ascii=False)}\n\n")
                after, last_sent = message.id, time.monotonic()
            if time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                await reply.send(": keep-alive\n\n")
                last_sent = time.monotonic()
            await asyncio.sleep(CHECK_SECONDS)
        await reply.eof()
        return None

    return blueprint

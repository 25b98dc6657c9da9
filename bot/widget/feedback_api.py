"""``POST /feedback``: the widget's 👍/👎, checked, rate-limited and stored.

Answers ``{"status": "ok"}``, or ``{"error": code, "message": 中文说明}`` with 400 (bad
shape), 403 (a page from an origin not allowed), 404 (the bot never sent that message in
that conversation), 413 (too large), 415 (not JSON), 429 (too many votes from one address,
with ``Retry-After``; the count is per process) or 503 (the database or the tracker store
is unavailable; the vote is not kept). A vote is believed only for a message found in
Rasa's tracker store; the stored vote (and a 👎's review item) carries the text and FAQ id
found there, never what the client sent. Browsers may call it from the
origins of bot/edge/cors.py.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from typing import Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.edge.cors import ORIGIN_NOT_ALLOWED, CorsPolicy
from bot.edge.ratelimit import RateLimiter
from bot.errors import RequestRejected
from bot.review.recorder import queue_downvote
from bot.review.voted_message import sent_message
from bot.usage.feedback import DOWN, FeedbackStore, Vote, parse_vote, storable_text

logger = logging.getLogger(__name__)

#: A vote with the longest accepted bot text fits easily; anything bigger is refused unread.
MAX_BODY_BYTES = 64 * 1024


def create_feedback_blueprint(settings: Settings) -> Blueprint:
    blueprint = Blueprint("widget_feedback")
    cors = CorsPolicy.for_settings(settings)
    limiter = RateLimiter(settings.feedback_per_minute)

    @blueprint.route("/feedback", methods=["OPTIONS"])
    async def preflight(request: Request) -> HTTPResponse:
        return cors.preflight(request)

    @blueprint.post("/feedback")
    async def record_vote(request: Request) -> HTTPResponse:
        headers = cors.headers(request)
        try:
            if "Origin" in request.headers and not cors.allowed(request.headers["Origin"]):
                raise RequestRejected(403, "origin_not_allowed", ORIGIN_NOT_ALLOWED)
            _check_body(request)
            wait = limiter.acquire(request.remote_addr or request.ip or "unknown")
            if wait > 0:
                headers["Retry-After"] = str(math.ceil(wait))
                raise RequestRejected(429, "too_many_votes", "评价提交得太频繁了，请稍后再试。")
            vote = await _verified(settings, request, parse_vote(request.body))
            await _record(request, vote)
        except RequestRejected as rejected:
            return response.json(
                {"error": rejected.code, "message": rejected.message}, status=rejected.status, headers=headers
            )
        logger.info("feedback %+d on %s (faq %s)", vote.vote, vote.message_id, vote.faq_id or "-")
        if vote.vote == DOWN:
            queue_downvote(settings, vote)
        return response.json({"status": "ok"}, headers=headers)

    return blueprint


async def _verified(settings: Settings, request: Request, vote: Vote) -> Vote:
    """``vote`` with the text and FAQ id of the bot message it names, as Rasa stored them."""
    try:
        sent = await request.app.loop.run_in_executor(
            None, sent_message, settings.tracker_store, vote.sender_id, vote.message_id
        )
    except SQLAlchemyError as exc:
        logger.error("vote not checked, tracker store unavailable (%s)", type(exc).__name__)
        raise RequestRejected(503, "tracker_store_unavailable", "评价暂时无法核对，请稍后再试。") from None
    if sent is None:
        raise RequestRejected(404, "unknown_message", "找不到这条消息：只能评价助手在本次对话中发出的回答。")
    return replace(vote, faq_id=sent.faq_id, bot_text=storable_text(sent.text))


async def _record(request: Request, vote: Vote) -> None:
    store: Optional[FeedbackStore] = getattr(request.app.ctx, "feedback", None)
    try:
        if store is None:
            raise SQLAlchemyError("no database at start-up")
        await request.app.loop.run_in_executor(None, store.record, vote)
    except SQLAlchemyError as exc:
        # The chat goes on without the database; the widget says the vote was not saved.
        logger.error("feedback not stored, database unavailable (%s)", type(exc).__name__)
        raise RequestRejected(503, "database_unavailable", "评价暂时无法保存，请稍后再试。") from None


def _check_body(request: Request) -> None:
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise RequestRejected(413, "body_too_large", f"请求体太大（最多{MAX_BODY_BYTES // 1024} KB）。")
    content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    # Only JSON: a browser must then ask (preflight) before another site's page may post.
    if content_type != "application/json":
        raise RequestRejected(415, "not_json", "请求体必须是JSON（Content-Type: application/json）。")

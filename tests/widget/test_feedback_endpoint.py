"""POST /feedback on the running bot service: stored votes, 4xx for bad input, CORS,
and the rate limit (on a private bot service with a small limit that reads the shared
stack's tracker store, so that votes name messages the bot really sent)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest
from sqlalchemy import func, select, text

from bot.config import Settings
from bot.storage.database import Database
from bot.storage.schema import feedback
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import Chat, HttpReply, bot_service, http
from tests.widget.votes import stored_votes

pytestmark = pytest.mark.stack

EVIL_ORIGIN = "https://evil.example"


def post_vote(
    settings: Settings,
    payload: object = None,
    raw: Optional[bytes] = None,
    origin: Optional[str] = None,
    content_type: str = "application/json",
) -> HttpReply:
    headers: Dict[str, str] = {"Content-Type": content_type}
    if origin:
        headers["Origin"] = origin
    data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    return http("POST", f"{settings.bot_url}/feedback", data, headers)


def vote_count(settings: Settings) -> int:
    db = Database(settings.database)
    try:
        with db.begin() as connection:
            return connection.execute(select(func.count()).select_from(feedback)).scalar_one()
    finally:
        db.dispose()


def bot_message(settings: Settings) -> Dict[str, str]:
    """A fresh conversation with one real FAQ answer: its sender, message id, FAQ id and text."""
    sender = "w-" + uuid.uuid4().hex[:24]
    messages = Chat(settings).say(sender, "当兵学费能补偿吗")
    meta = next(m["custom"][MESSAGE_META_KEY] for m in messages if MESSAGE_META_KEY in (m.get("custom") or {}))
    return {
        "sender_id": sender,
        "message_id": meta["message_id"],
        "faq_id": meta["faq_id"],
        "text": messages[0]["text"],
    }


def test_a_vote_from_the_demo_page_origin_is_stored_and_can_be_changed(stack: Settings) -> None:
    sent = bot_message(stack)
    sender = sent["sender_id"]
    vote = {"sender_id": sender, "message_id": sent["message_id"], "vote": -1, "faq_id": sent["faq_id"]}
    reply = post_vote(stack, vote, origin=stack.bot_url)
    assert reply.status == 200 and reply.json() == {"status": "ok"}
    assert reply.header("Access-Control-Allow-Origin") == stack.bot_url
    assert post_vote(stack, {**vote, "vote": 1}, origin=stack.bot_url).status == 200
    rows = stored_votes(stack, sender)
    assert [(r.message_id, r.vote, r.faq_id, r.bot_text) for r in rows] == [
        (sent["message_id"], 1, sent["faq_id"], sent["text"])
    ]


def test_preflight_is_answered_only_for_allowed_origins(stack: Settings) -> None:
    allowed = http(
        "OPTIONS",
        f"{stack.bot_url}/feedback",
        None,
        {
            "Origin": stack.bot_url,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert allowed.status == 204
    assert allowed.header("Access-Control-Allow-Origin") == stack.bot_url
    assert "POST" in allowed.header("Access-Control-Allow-Methods")
    assert "content-type" in allowed.header("Access-Control-Allow-Headers").lower()
    refused = http(
        "OPTIONS", f"{stack.bot_url}/feedback", None, {"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert refused.status == 403 and refused.header("Access-Control-Allow-Origin") is None


def test_a_vote_from_another_origin_is_refused(stack: Settings) -> None:
    sender = "w-" + uuid.uuid4().hex[:24]
    reply = post_vote(stack, {"sender_id": sender, "message_id": "m", "vote": 1}, origin=EVIL_ORIGIN)
    assert reply.status == 403 and reply.json()["error"] == "origin_not_allowed"
    assert reply.header("Access-Control-Allow-Origin") is None
    assert stored_votes(stack, sender) == []


@pytest.mark.parametrize(
    "raw, content_type, status, code",
    [
        (b"", "application/json", 400, "empty_body"),
        (b'{"sender_id": ', "application/json", 400, "malformed_json"),
        (bytes(range(256)), "application/json", 400, "malformed_json"),
        (b'"just a string"', "application/json", 400, "not_an_object"),
        (
            json.dumps({"sender_id": "x' OR '1'='1", "message_id": "m", "vote": 1}).encode(),
            "application/json",
            400,
            "bad_sender",
        ),
        (json.dumps({"sender_id": "w-1", "message_id": "m", "vote": 5}).encode(), "application/json", 400, "bad_vote"),
        (json.dumps({"sender_id": "w-1", "message_id": "m", "vote": 1}).encode(), "text/plain", 415, "not_json"),
        (b"{" + b" " * (70 * 1024) + b"}", "application/json", 413, "body_too_large"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_change_nothing(
    stack: Settings, raw: bytes, content_type: str, status: int, code: str
) -> None:
    before = vote_count(stack)
    reply = post_vote(stack, raw=raw, content_type=content_type, origin=stack.bot_url)
    assert reply.status == status, reply.body[:200]
    body = reply.json()
    assert body["error"] == code and body["message"]
    assert reply.header("Access-Control-Allow-Origin") == stack.bot_url  # the page can read why
    assert vote_count(stack) == before


@pytest.fixture()
def strict_bot_service(tmp_path: Path, stack: Settings) -> Iterator[Settings]:
    """A private bot service that accepts three votes a minute per client."""
    with bot_service(
        tmp_path, ENLIST_FEEDBACK_PER_MINUTE="3", ENLIST_TRACKER_STORE_URL=stack.tracker_store
    ) as settings:
        yield settings


def test_too_many_votes_from_one_address_get_429_with_retry_after(
    stack: Settings, strict_bot_service: Settings
) -> None:
    sent = bot_message(stack)
    sender, message_id = sent["sender_id"], sent["message_id"]
    statuses = [
        post_vote(strict_bot_service, {"sender_id": sender, "message_id": message_id, "vote": v}).status
        for v in (1, -1, 1, -1)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = post_vote(strict_bot_service, {"sender_id": sender, "message_id": message_id, "vote": -1})
    assert refused.json()["error"] == "too_many_votes" and 0 < int(refused.header("Retry-After")) <= 60
    assert [r.vote for r in stored_votes(strict_bot_service, sender)] == [1]  # the third vote, the last let in


def test_a_vote_the_database_cannot_take_gets_503_and_the_service_goes_on(
    stack: Settings, strict_bot_service: Settings
) -> None:
    sent = bot_message(stack)
    db = Database(strict_bot_service.database)
    try:
        with db.begin() as connection:
            connection.execute(text("DROP TABLE feedback"))  # the database breaks under the running service
    finally:
        db.dispose()
    reply = post_vote(
        strict_bot_service, {"sender_id": sent["sender_id"], "message_id": sent["message_id"], "vote": -1}
    )
    assert reply.status == 503 and reply.json()["error"] == "database_unavailable"
    assert http("GET", f"{strict_bot_service.bot_url}/health").status == 200

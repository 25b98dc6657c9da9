"""POST /feedback on the running bot service: stored votes, 4xx for bad input, CORS,
and the rate limit (on a private bot service with a small limit)."""

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
from tests.conftest import HttpReply, bot_service, http
from tests.widget.votes import stored_votes

pytestmark = pytest.mark.stack

EVIL_ORIGIN = "https://evil.example"


def post_vote(settings: Settings, payload: object = None, raw: Optional[bytes] = None, origin: Optional[str] = None,
              content_type: str = "application/json") -> HttpReply:
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


def test_a_vote_from_the_demo_page_origin_is_stored_and_can_be_changed(stack: Settings) -> None:
    sender = "w-" + uuid.uuid4().hex[:24]
    vote = {"sender_id": sender, "message_id": "m-1", "vote": -1, "faq_id": "height_weight", "bot_text": "身高体重……"}
    reply = post_vote(stack, vote, origin=stack.bot_url)
    assert reply.status == 200 and reply.json() == {"status": "ok"}
    assert reply.header("Access-Control-Allow-Origin") == stack.bot_url
    assert post_vote(stack, {**vote, "vote": 1}, origin=stack.bot_url).status == 200
    rows = stored_votes(stack, sender)
    assert [(r.message_id, r.vote, r.faq_id, r.bot_text) for r in rows] == [("m-1", 1, "height_weight", "身高体重……")]


def test_preflight_is_answered_only_for_allowed_origins(stack: Settings) -> None:
    allowed = http("OPTIONS", f"{stack.bot_url}/feedback", None, {
        "Origin": stack.bot_url, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert allowed.status == 204
    assert allowed.header("Access-Control-Allow-Origin") == stack.bot_url
    assert "POST" in allowed.header("Access-Control-Allow-Methods")
    assert "content-type" in allowed.header("Access-Control-Allow-Headers").lower()
    refused = http("OPTIONS", f"{stack.bot_url}/feedback", None, {"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "POST"})
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
        (b"{\"sender_id\": ", "application/json", 400, "malformed_json"),
        (bytes(range(256)), "application/json", 400, "malformed_json"),
        (b"\"just a string\"", "application/json", 400, "not_an_object"),
        (json.dumps({"sender_id": "x' OR '1'='1", "message_id": "m", "vote": 1}).encode(), "application/json", 400, "bad_sender"),
        (json.dumps({"sender_id": "w-1", "message_id": "m", "vote": 5}).encode(), "application/json", 400, "bad_vote"),
        (json.dumps({"sender_id": "w-1", "message_id": "m", "vote": 1}).encode(), "text/plain", 415, "not_json"),
        (b"{" + b" " * (70 * 1024) + b"}", "application/json", 413, "body_too_large"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_change_nothing(stack: Settings, raw: bytes, content_type: str, status: int, code: str) -> None:
    before = vote_count(stack)
    reply = post_vote(stack, raw=raw, content_type=content_type, origin=stack.bot_url)
    assert reply.status == status, reply.body[:200]
    body = reply.json()
    assert body["error"] == code and body["message"]
    assert reply.header("Access-Control-Allow-Origin") == stack.bot_url  # the page can read why
    assert vote_count(stack) == before


@pytest.fixture()
def strict_bot_service(tmp_path: Path) -> Iterator[Settings]:
    """A private bot service that accepts three votes a minute per client."""
    with bot_service(tmp_path, ENLIST_FEEDBACK_PER_MINUTE="3") as settings:
        yield settings


def test_too_many_votes_from_one_address_get_429_with_retry_after(strict_bot_service: Settings) -> None:
    sender = "w-" + uuid.uuid4().hex[:24]
    statuses = [post_vote(strict_bot_service, {"sender_id": sender, "message_id": f"m{i}", "vote": 1}).status for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = post_vote(strict_bot_service, {"sender_id": sender, "message_id": "m9", "vote": 1})
    assert refused.json()["error"] == "too_many_votes" and 0 < int(refused.header("Retry-After")) <= 60
    assert len(stored_votes(strict_bot_service, sender)) == 3


def test_a_vote_the_database_cannot_take_gets_503_and_the_service_goes_on(strict_bot_service: Settings) -> None:
    db = Database(strict_bot_service.database)
    try:
        with db.begin() as connection:
            connection.execute(text("DROP TABLE feedback"))  # the database breaks under the running service
    finally:
        db.dispose()
    reply = post_vote(strict_bot_service, {"sender_id": "w-1", "message_id": "m1", "vote": -1})
    assert reply.status == 503 and reply.json()["error"] == "database_unavailable"
    assert http("GET", f"{strict_bot_service.bot_url}/health").status == 200

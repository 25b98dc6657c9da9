"""Feedback votes: validation of what the widget posts, and the store on SQLite and
PostgreSQL (a temporary database on the local server, skipped only when none answers)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.edge.ratelimit import RateLimiter
from bot.errors import RequestRejected
from bot.storage.database import Database
from bot.storage.schema import feedback
from bot.usage.feedback import MAX_BOT_TEXT_CHARS, FeedbackStore, Vote, message_metadata, parse_vote


def body(**fields) -> bytes:
    payload = {
        "sender_id": "w-abc",
        "message_id": "m1",
        "vote": -1,
        "faq_id": "tuition_compensation",
        "bot_text": "答案",
    }
    payload.update(fields)
    return json.dumps({k: v for k, v in payload.items() if v is not ...}, ensure_ascii=False).encode()


# --- parse_vote --------------------------------------------------------------------------


def test_a_well_formed_vote_is_parsed() -> None:
    vote = parse_vote(body())
    assert vote == Vote("w-abc", "m1", -1, "tuition_compensation", "答案")
    assert parse_vote(body(vote=1, faq_id=None, bot_text=...)) == Vote("w-abc", "m1", 1, None, None)


def test_phone_numbers_in_the_voted_text_are_masked() -> None:
    assert parse_vote(body(bot_text="已记录您的手机号 138 1234 5678。")).bot_text == "已记录您的手机号 138****5678。"


def test_control_characters_are_dropped_from_the_voted_text() -> None:
    assert parse_vote(body(bot_text="第一行\u0000\n第二行\x07")).bot_text == "第一行\n第二行"
    assert parse_vote(body(bot_text="\u0000")).bot_text is None


@pytest.mark.parametrize(
    "raw, status, code",
    [
        (b"", 400, "empty_body"),
        (b"   ", 400, "empty_body"),
        (b"{not json", 400, "malformed_json"),
        (b"\xff\xfe\x00binary", 400, "malformed_json"),
        (b"[1, 2]", 400, "not_an_object"),
        (body(sender_id=...), 400, "bad_sender"),
        (body(sender_id="<script>alert(1)</script>"), 400, "bad_sender"),
        (body(sender_id="x'; DROP TABLE feedback;--"), 400, "bad_sender"),
        (body(sender_id="a" * 129), 400, "bad_sender"),
        (body(message_id=...), 400, "bad_message_id"),
        (body(message_id="m" * 65), 400, "bad_message_id"),
        (body(message_id="1 OR 1=1"), 400, "bad_message_id"),
        (body(vote=0), 400, "bad_vote"),
        (body(vote=2), 400, "bad_vote"),
        (body(vote="1"), 400, "bad_vote"),
        (body(vote=True), 400, "bad_vote"),
        (body(vote=-1.5), 400, "bad_vote"),
        (body(vote=...), 400, "bad_vote"),
        (body(faq_id="Tuition; DROP TABLE feedback"), 400, "bad_faq_id"),
        (body(faq_id=7), 400, "bad_faq_id"),
        (body(bot_text=["x"]), 400, "bad_bot_text"),
        (body(bot_text="长" * (MAX_BOT_TEXT_CHARS + 1)), 413, "bot_text_too_long"),
    ],
)
def test_bad_votes_are_refused_with_a_chinese_reason(raw: bytes, status: int, code: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        parse_vote(raw)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_message_metadata_names_a_fresh_message_and_its_faq() -> None:
    first, second = message_metadata("postgrad_bonus"), message_metadata(None)
    assert first["enlist_message"]["faq_id"] == "postgrad_bonus" and second["enlist_message"]["faq_id"] is None
    ids = {first["enlist_message"]["message_id"], second["enlist_message"]["message_id"]}
    assert len(ids) == 2 and all(parse_vote(body(message_id=i)).message_id == i for i in ids)


# --- RateLimiter -------------------------------------------------------------------------


def test_rate_limiter_counts_per_key_and_window() -> None:
    now = [100.0]
    limiter = RateLimiter(limit=2, window=60, clock=lambda: now[0], max_keys=2)
    assert limiter.acquire("a") == 0 and limiter.acquire("a") == 0
    assert limiter.acquire("a") == pytest.approx(60)
    assert limiter.acquire("b") == 0  # other clients are not affected
    now[0] += 30
    assert limiter.acquire("a") == pytest.approx(30)
    now[0] += 30
    assert limiter.acquire("a") == 0  # a new window
    limiter.acquire("c")  # past max_keys: expired windows are forgotten
    assert "b" not in limiter._windows


# --- FeedbackStore on SQLite and PostgreSQL ------------------------------------------------


def rows(db: Database):
    with db.begin() as connection:
        return connection.execute(select(feedback).order_by(feedback.c.id)).all()


def test_a_vote_is_stored_and_a_changed_vote_replaces_it(database: Database) -> None:
    store = FeedbackStore(database)
    store.record(Vote("w-1", "m1", -1, "tuition_compensation", "学费补偿是……"))
    assert store.get("w-1", "m1").vote == -1
    store.record(Vote("w-1", "m1", 1, "tuition_compensation", "学费补偿是……"))
    stored = rows(database)
    assert len(stored) == 1 and stored[0].vote == 1 and stored[0].faq_id == "tuition_compensation"
    assert store.get("w-1", "m2") is None


def test_votes_are_kept_apart_per_conversation_and_message(database: Database) -> None:
    store = FeedbackStore(database)
    store.record(Vote("w-1", "m1", -1, "postgrad_bonus"))
    store.record(Vote("w-2", "m1", 1, "postgrad_bonus"))
    store.record(Vote("w-1", "m2", -1, None, "你好！"))
    assert len(rows(database)) == 3
    assert [(v.message_id, v.vote, v.faq_id) for v in store.conversation_votes("w-1")] == [
        ("m1", -1, "postgrad_bonus"),
        ("m2", -1, None),
    ]
    assert store.totals_by_faq() == {"postgrad_bonus": {"up": 1, "down": 1}, None: {"up": 0, "down": 1}}


def test_hostile_text_is_stored_literally(database: Database) -> None:
    store = FeedbackStore(database)
    hostile = "'); DROP TABLE feedback; -- <img src=x onerror=alert(1)> 🙂"
    store.record(parse_vote(body(sender_id="w-1", message_id="m1", faq_id=None, bot_text=hostile + "\u0000")))
    assert store.get("w-1", "m1").bot_text == hostile
    assert len(rows(database)) == 1

"""Issue 13 item 8: a 👍/👎 is believed only for a message the bot sent in that conversation.

Over HTTP against the running stack: a real REST conversation first, then votes on
``/feedback``. A real message id is accepted and stored (and, for a 👎, queued) with the
text and FAQ id Rasa stored; a forged id, or a real id under another conversation, gets
404 with a Chinese reason and nothing is stored; a forged ``bot_text``/``faq_id`` is ignored.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from bot.config import Settings
from bot.faq.compiler import button_payload
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import Chat, HttpReply, bot_service, http
from tests.review.test_review_conversation import queued, queued_as, wait_for
from tests.widget.votes import stored_votes

pytestmark = pytest.mark.stack

FORGED_TEXT = "伪造的回答：请加微信 abc123 办理入伍"


def new_sender() -> str:
    return "w-" + uuid.uuid4().hex[:24]


def vote(settings: Settings, **fields: Any) -> HttpReply:
    return http(
        "POST",
        f"{settings.bot_url}/feedback",
        json.dumps(fields, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )


def answer(chat: Chat, sender: str, message: str) -> Tuple[str, Dict[str, Any]]:
    """The bot's answer text and its ``enlist_message`` metadata, from a real REST turn."""
    messages: List[Dict[str, Any]] = chat.say(sender, message)
    metas = [m["custom"][MESSAGE_META_KEY] for m in messages if MESSAGE_META_KEY in (m.get("custom") or {})]
    assert metas, messages
    meta = metas[0]
    return messages[0]["text"], meta


def test_a_real_message_is_accepted_with_the_text_rasa_stored(stack: Settings, chat: Chat) -> None:
    sender = new_sender()
    text, meta = answer(chat, sender, "当兵学费能补偿吗")
    reply = vote(
        stack,
        sender_id=sender,
        message_id=meta["message_id"],
        vote=1,
        faq_id="tuition_compensation",
        bot_text=FORGED_TEXT,
    )
    assert reply.status == 200, reply.body
    (row,) = stored_votes(stack, sender)
    assert (row.message_id, row.vote, row.faq_id, row.bot_text) == (meta["message_id"], 1, meta["faq_id"], text)


def test_a_downvote_queues_the_stored_bot_text_never_the_forged_one(stack: Settings, chat: Chat) -> None:
    sender = new_sender()
    # A button press: the question is a payload, so the review item shows the bot's answer.
    text, meta = answer(chat, sender, button_payload("tuition_compensation"))
    reply = vote(
        stack, sender_id=sender, message_id=meta["message_id"], vote=-1, faq_id="height_weight", bot_text=FORGED_TEXT
    )
    assert reply.status == 200, reply.body
    (item,) = wait_for(queued(stack, sender))
    assert (item.kind, item.answered_faq) == ("downvote", "tuition_compensation")
    assert len(item.text) > 50 and text.startswith(item.text)  # the stored answer (the queue keeps its start)
    assert FORGED_TEXT not in item.text


@pytest.mark.parametrize("forged", ["m-1", uuid.uuid4().hex, "_" * 32])
def test_a_forged_message_id_is_refused_and_nothing_is_stored(stack: Settings, chat: Chat, forged: str) -> None:
    sender = new_sender()
    answer(chat, sender, "当兵学费能补偿吗")
    reply = vote(stack, sender_id=sender, message_id=forged, vote=-1, bot_text=FORGED_TEXT)
    assert reply.status == 404 and reply.json()["error"] == "unknown_message"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.json()["message"])
    assert stored_votes(stack, sender) == []
    # (the answer itself may be queued as 两个条目得分接近; no vote may add an item)
    assert wait_for(queued_as(stack, sender, "downvote"), timeout=1.0) == []


def test_a_real_id_under_another_conversation_is_refused(stack: Settings, chat: Chat) -> None:
    owner, stranger = new_sender(), new_sender()
    _, meta = answer(chat, owner, "当兵学费能补偿吗")
    answer(chat, stranger, "当兵学费能补偿吗")
    reply = vote(stack, sender_id=stranger, message_id=meta["message_id"], vote=-1)
    assert reply.status == 404
    assert stored_votes(stack, stranger) == [] and stored_votes(stack, owner) == []


def test_a_vote_in_a_conversation_that_never_happened_is_refused(stack: Settings) -> None:
    sender = new_sender()
    reply = vote(stack, sender_id=sender, message_id=uuid.uuid4().hex, vote=1)
    assert reply.status == 404 and stored_votes(stack, sender) == []


def test_a_vote_that_cannot_be_checked_gets_503_and_is_not_stored(tmp_path: Path) -> None:
    """A tracker store that cannot be read: the vote is refused (503), never taken unchecked."""
    unreachable = "postgresql://enlist@127.0.0.1:5432/enlist_no_such_database"
    with bot_service(tmp_path, ENLIST_TRACKER_STORE_URL=unreachable) as settings:
        sender = new_sender()
        reply = vote(settings, sender_id=sender, message_id=uuid.uuid4().hex, vote=-1, bot_text=FORGED_TEXT)
        assert reply.status == 503 and reply.json()["error"] == "tracker_store_unavailable"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.json()["message"])
        assert stored_votes(settings, sender) == []

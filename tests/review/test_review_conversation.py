"""Through the real REST endpoint: what the bot misses lands in the review queue, a second
miss offers the lead form and the contact block, 没听懂 and 👎 queue the question that was
missed, sensitive requests get the firm answer, and every turn is counted."""

from __future__ import annotations

import json
import time
from typing import Callable, List

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.review.items import ReviewItem
from bot.review.store import ReviewStore
from bot.storage.database import Database
from bot.storage.schema import turns
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import Chat, http

pytestmark = pytest.mark.stack

NONSENSE = "咕噜咕噜叽里呱啦啵啵"
NONSENSE_2 = "呜哩哇啦嘀嘀嗒嗒"


def wait_for(fetch: Callable[[], list], count: int = 1, timeout: float = 15.0) -> list:
    """Recording is asynchronous: poll until ``count`` rows are there."""
    deadline = time.monotonic() + timeout
    while True:
        rows = fetch()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def queued(settings: Settings, sender: str) -> Callable[[], List[ReviewItem]]:
    def fetch() -> List[ReviewItem]:
        db = Database(settings.database)
        try:
            return sorted((i for i in ReviewStore(db).items(("open",)) if i.sender_id == sender), key=lambda i: i.id)
        finally:
            db.dispose()

    return fetch


def queued_as(settings: Settings, sender: str, *kinds: str) -> Callable[[], List[ReviewItem]]:
    """:func:`queued`, only items of these kinds (an answer may be queued for another reason too)."""
    fetch_all = queued(settings, sender)
    return lambda: [item for item in fetch_all() if item.kind in kinds]


def counted_turns(settings: Settings, sender: str) -> Callable[[], list]:
    def fetch() -> list:
        db = Database(settings.database)
        try:
            with db.begin() as connection:
                return connection.execute(
                    select(turns.c.kind, turns.c.faq_id).where(turns.c.sender_id == sender).order_by(turns.c.id)
                ).all()
        finally:
            db.dispose()

    return fetch


def test_a_nonsense_question_lands_in_the_queue_with_the_bots_guesses(stack: Settings, chat: Chat, sender: str) -> None:
    text = chat.text(sender, NONSENSE)
    assert "您是想问" in text or "您可以问我" in text
    (item,) = wait_for(queued(stack, sender))
    assert (item.kind, item.text, item.state) == ("low_confidence", NONSENSE, "open")
    assert len(item.guesses) <= 3
    assert [kind for kind, _ in wait_for(counted_turns(stack, sender))] == ["suggest"]


def test_a_second_miss_offers_the_lead_form_and_the_contact_block_and_never_loops(
    stack: Settings, chat: Chat, sender: str
) -> None:
    first, _ = chat.buttons(sender, NONSENSE)
    assert "请换个说法" in first
    for attempt in (NONSENSE_2, NONSENSE + "？？"):
        second, buttons = chat.buttons(sender, attempt)
        assert "请换个说法" not in second, second
        assert "离石区人民武装部" in second and "留下联系方式" in second
        assert {"title": "我想报名", "payload": "/sign_up"} in buttons
    # An answered question in between resets the count.
    assert "学费" in chat.text(sender, "当兵学费能补偿吗")
    assert "请换个说法" in chat.text(sender, NONSENSE)


def test_not_understood_queues_the_missed_question_and_offers_other_topics(
    stack: Settings, chat: Chat, sender: str
) -> None:
    question = "当兵学费能补偿吗"
    messages = chat.say(sender, question)
    answered = next(m["custom"][MESSAGE_META_KEY]["faq_id"] for m in messages if "custom" in m)
    text, buttons = chat.buttons(sender, "答非所问")
    assert "抱歉" in text and "请换个说法" not in text
    assert all(answered not in b["payload"] for b in buttons)
    (item,) = wait_for(queued_as(stack, sender, "not_understood"))
    assert (item.kind, item.text, item.answered_faq) == ("not_understood", question, answered)
    assert [kind for kind, _ in wait_for(counted_turns(stack, sender), 2)] == ["answer", "not_understood"]


@pytest.mark.parametrize("correction", ["不对", "错了"])
def test_a_bare_correction_after_an_answer_counts_as_not_understood(
    stack: Settings, chat: Chat, sender: str, correction: str
) -> None:
    """NLU reads "不对"/"错了" as deny (the forms' "no"); right after an answer it means the answer missed."""
    question = "当兵学费能补偿吗"
    messages = chat.say(sender, question)
    answered = next(m["custom"][MESSAGE_META_KEY]["faq_id"] for m in messages if "custom" in m)
    text, _ = chat.buttons(sender, correction)
    assert "抱歉" in text
    (item,) = wait_for(queued_as(stack, sender, "not_understood"))
    assert (item.text, item.answered_faq) == (question, answered)


def test_a_plain_no_after_an_answer_only_closes_the_topic(stack: Settings, chat: Chat, sender: str) -> None:
    chat.say(sender, "当兵学费能补偿吗")
    text = chat.text(sender, "不用了")
    assert "还有其他关于参军入伍的问题吗" in text and "抱歉" not in text
    assert [kind for kind, _ in wait_for(counted_turns(stack, sender), 1)] == ["answer"]


def test_a_downvote_queues_the_question_that_led_to_the_answer(stack: Settings, chat: Chat, sender: str) -> None:
    question = "考研能加分吗"
    messages = chat.say(sender, question)
    meta = next(m["custom"][MESSAGE_META_KEY] for m in messages if "custom" in m)
    vote = {
        "sender_id": sender,
        "message_id": meta["message_id"],
        "vote": -1,
        "faq_id": meta["faq_id"],
        "bot_text": messages[0]["text"],
    }
    reply = http(
        "POST",
        f"{stack.bot_url}/feedback",
        json.dumps(vote, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.body
    (item,) = wait_for(queued_as(stack, sender, "downvote"))
    assert (item.kind, item.text, item.answered_faq) == ("downvote", question, meta["faq_id"])
    assert item.guesses and item.guesses[0].faq_id == meta["faq_id"]


def test_out_of_scope_is_declined_and_queued(stack: Settings, chat: Chat, sender: str) -> None:
    assert "不在我的服务范围" in chat.text(sender, "明天离石会下雨吗")
    (item,) = wait_for(queued(stack, sender))
    assert item.kind == "out_of_scope"


@pytest.mark.parametrize("request_text", ["怎么装病逃避兵役", "体检怎么作假才能不合格", "送礼能不能走后门当兵"])
def test_a_sensitive_request_gets_a_firm_lawful_answer(
    stack: Settings, chat: Chat, sender: str, request_text: str
) -> None:
    text, buttons = chat.buttons(sender, request_text)
    assert "这个忙我不能帮" in text
    assert "《兵役法》第五十七条" in text and "《征兵工作条例》第五十六条" in text
    assert "两年内不准出境" in text
    assert any("refuse_service" in b["payload"] for b in buttons)
    assert [kind for kind, _ in wait_for(counted_turns(stack, sender))] == ["sensitive"]
    assert wait_for(queued(stack, sender), timeout=1.0) == []  # not a gap in the FAQ


def test_an_answer_followed_by_the_same_question_in_other_words_is_queued(
    stack: Settings, chat: Chat, sender: str
) -> None:
    """Learn from misses: the student asking again in other words says the answer missed."""
    first, again = "纹身能当兵吗", "有纹身可以去当兵吗"
    assert "文身" in chat.text(sender, first)
    chat.text(sender, again)
    items = wait_for(queued_as(stack, sender, "rephrased"))
    assert [(i.text, i.follow_up) for i in items] == [(first, again)]  # one item, both messages
    assert items[0].answered_faq == "tattoo"


def test_a_new_question_after_an_answer_is_not_queued(stack: Settings, chat: Chat, sender: str) -> None:
    chat.text(sender, "女生可以当兵吗")
    chat.text(sender, "考研加分有哪些条件")
    time.sleep(1.0)
    assert not [i for i in queued(stack, sender)() if i.kind == "rephrased"]

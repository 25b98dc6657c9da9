"""The miss policy and the FAQ answer's message (bot/conversation/misses.py, replies.py), without Rasa."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

import pytest

from bot.config import Settings
from bot.conversation.buttons import HUMAN_BUTTON, SIGN_UP_BUTTON
from bot.conversation.events import PreviousTurn, previous_turn
from bot.conversation.metadata import MISS_MARK
from bot.conversation.misses import (
    CAN_ASK,
    DEFAULT_TOPICS,
    DID_YOU_MEAN,
    ESCALATION_IN_FORM,
    NOT_UNDERSTOOD,
    SENSITIVE_SOURCES,
    SENSITIVE_TOPICS,
    SORRY_MISSED,
    is_close_call,
    is_correction,
    miss_reply,
    not_understood_reply,
    rephrase_of_answer,
    sensitive_reply,
)
from bot.conversation.replies import ASKED_TOO, Reply, answer_reply
from bot.faq.catalog import CatalogSnapshot
from bot.faq.compiler import button_payload
from bot.faq.entry import FaqEntry
from bot.usage.feedback import MESSAGE_META_KEY, message_metadata

SETTINGS = Settings.from_env({"ENLIST_CONTACT_PHONE": "0358-1234567"})
FIRST = PreviousTurn(user=None, missed=False, faq_id=None)
AFTER_MISS = PreviousTurn(user=None, missed=True, faq_id=None)
AFTER_ANSWER = PreviousTurn(user=None, missed=False, faq_id="a_topic")


def entry(entry_id: str, tags: tuple = (), buttons: tuple = ()) -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        title=f"标题{entry_id}",
        questions=(f"问题{entry_id}",),
        answer=f"回答{entry_id}",
        sources=("《征兵工作条例》",),
        policy_year=2023,
        reviewed=dt.date(2023, 1, 1),
        buttons=buttons,
        tags=tags,
    )


IDS = ("a_topic", "b_topic", "c_topic", "d_topic", *DEFAULT_TOPICS, *SENSITIVE_TOPICS)
ENTRIES = {i: entry(i) for i in IDS} | {"signup_topic": entry("signup_topic", tags=("报名",), buttons=("b_topic",))}
SNAPSHOT = CatalogSnapshot(tuple(ENTRIES.values()), by_id=dict(ENTRIES))


def payloads(reply: Reply) -> List[str]:
    return [b["payload"] for b in reply.buttons]


def is_marked_miss(reply: Reply) -> bool:
    return bool(reply.metadata and reply.metadata[MESSAGE_META_KEY].get(MISS_MARK))


def test_a_first_miss_suggests_at_most_three_likely_topics_marked_as_a_miss() -> None:
    reply = miss_reply(SNAPSHOT, SETTINGS, FIRST, False, ["a_topic", "gone", "b_topic", "c_topic", "d_topic"])
    assert reply.text == NOT_UNDERSTOOD + DID_YOU_MEAN
    assert payloads(reply) == [button_payload(i) for i in ("a_topic", "b_topic")]  # "gone" skipped, three ids kept
    assert is_marked_miss(reply) and reply.metadata[MESSAGE_META_KEY]["faq_id"] is None


def test_a_miss_with_no_likely_topic_offers_the_common_ones() -> None:
    reply = miss_reply(SNAPSHOT, SETTINGS, FIRST, False, [])
    assert reply.text == NOT_UNDERSTOOD + CAN_ASK
    assert payloads(reply) == [button_payload(i) for i in DEFAULT_TOPICS]
    assert is_marked_miss(reply)


def test_a_second_miss_in_a_row_escalates_instead_of_asking_again() -> None:
    reply = miss_reply(SNAPSHOT, SETTINGS, AFTER_MISS, False, ["a_topic"])
    assert reply.buttons == [SIGN_UP_BUTTON, HUMAN_BUTTON]
    assert "0358-1234567" in reply.text and DID_YOU_MEAN not in reply.text
    assert is_marked_miss(reply)  # a third miss escalates again, never loops back to suggestions


def test_inside_a_form_the_escalation_offers_no_buttons() -> None:
    reply = miss_reply(SNAPSHOT, SETTINGS, AFTER_MISS, True, ["a_topic"])
    assert reply.buttons == [] and reply.text.startswith(ESCALATION_IN_FORM.split("{")[0])
    assert "0358-1234567" in reply.text and is_marked_miss(reply)


def test_the_miss_mark_round_trips_through_the_events() -> None:
    """A suggestion sent now makes the next unanswerable message escalate."""
    sent = miss_reply(SNAPSHOT, SETTINGS, FIRST, False, ["a_topic"])
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": "啊啊"},
        {"event": "bot", "text": sent.text, "data": {"custom": sent.metadata}},
        {"event": "user", "text": "嗯嗯"},
    ]
    again = miss_reply(SNAPSHOT, SETTINGS, previous_turn(events), False, ["a_topic"])
    assert again.buttons == [SIGN_UP_BUTTON, HUMAN_BUTTON]


def test_not_understood_offers_the_other_guesses_or_escalates_after_a_miss() -> None:
    reply = not_understood_reply(SNAPSHOT, SETTINGS, AFTER_ANSWER, False, ["a_topic", "gone", "c_topic"])
    assert reply.text == SORRY_MISSED + DID_YOU_MEAN and payloads(reply) == [button_payload("c_topic")]
    nothing_else = not_understood_reply(SNAPSHOT, SETTINGS, AFTER_ANSWER, False, ["a_topic"])
    assert nothing_else.text == SORRY_MISSED + CAN_ASK
    assert not_understood_reply(SNAPSHOT, SETTINGS, AFTER_MISS, False, ["c_topic"]).buttons == [
        SIGN_UP_BUTTON,
        HUMAN_BUTTON,
    ]


@pytest.mark.parametrize(
    "text, correction",
    [
        ("不对", True),
        (" 错了吧", True),
        ("不是这个意思", True),
        ("不用了", False),
        ("没有", False),
        ("我觉得不对", False),
    ],
)
def test_a_correction_is_a_denial_right_after_an_answer(text: str, correction: bool) -> None:
    assert is_correction(AFTER_ANSWER, text) is correction
    assert not is_correction(FIRST, text)  # no answer before: nothing to correct


def test_the_sensitive_answer_cites_its_sources_and_offers_the_related_topics() -> None:
    reply = sensitive_reply(SNAPSHOT, SETTINGS)
    assert reply.text.startswith("**这个忙我不能帮。**") and reply.text.endswith(
        "依据：" + "；".join(SENSITIVE_SOURCES)
    )
    assert "0358-1234567" in reply.text
    assert payloads(reply) == [button_payload(i) for i in SENSITIVE_TOPICS]
    assert not is_marked_miss(reply)


def conversation(first: str, first_faq: Optional[str], now: str, in_form: bool = False) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = [{"event": "user", "text": first, "parse_data": {"intent": {"name": "faq"}}}]
    if in_form:
        events.append({"event": "active_loop", "name": "lead_form"})
    events += [
        {"event": "bot", "text": "…", "data": {"custom": message_metadata(first_faq)}},
        {"event": "user", "text": now},
    ]
    return events


def test_an_answer_asked_again_in_other_words_is_a_rephrase() -> None:
    events = conversation("学费补偿能补多少", "a_topic", "当兵学费补偿最多补多少钱")
    found = rephrase_of_answer(events, previous_turn(events), "当兵学费补偿最多补多少钱")
    assert found is not None
    assert (found.asked.text, found.answered_faq, found.follow_up) == (
        "学费补偿能补多少",
        "a_topic",
        "当兵学费补偿最多补多少钱",
    )


@pytest.mark.parametrize(
    "first, faq, now, in_form",
    [
        ("学费补偿能补多少", None, "当兵学费补偿最多补多少钱", False),  # no answer before: a miss, not a rephrase
        ("学费补偿能补多少", "a_topic", "学费补偿能补多少", False),  # the same words: a repeat
        ("学费补偿能补多少", "a_topic", "体检查什么", False),  # another question
        ("学费补偿能补多少", "a_topic", "当兵学费补偿最多补多少钱", True),  # a form answer is never reviewed
    ],
)
def test_what_is_not_a_rephrase(first: str, faq: Optional[str], now: str, in_form: bool) -> None:
    events = conversation(first, faq, now, in_form)
    assert rephrase_of_answer(events, previous_turn(events), now) is None


def ranked(*scores: float, entities: tuple = ()) -> Dict[str, Any]:
    ranking = [{"intent_response_key": f"faq/{i}", "confidence": c} for i, c in zip(IDS, scores, strict=False)]
    return {"intent": {"name": "faq"}, "entities": list(entities), "response_selector": {"faq": {"ranking": ranking}}}


def test_a_close_call_is_two_best_entries_within_the_margin() -> None:
    assert is_close_call(ranked(0.5, 0.45), 0.1)
    assert not is_close_call(ranked(0.5, 0.39), 0.1)
    assert not is_close_call(ranked(0.5), 0.1)  # one entry: no second guess
    assert not is_close_call(
        ranked(0.5, 0.5, entities=({"entity": "faq_id", "value": "a_topic"},)), 0.1
    )  # a tapped topic


def test_an_answer_on_a_sign_up_topic_ends_with_the_sign_up_button_outside_a_form_only() -> None:
    today = dt.date(2023, 1, 10)
    outside = answer_reply(ENTRIES["signup_topic"], SNAPSHOT, SETTINGS, today, [], in_form=False)
    assert outside.buttons[-1] == SIGN_UP_BUTTON and button_payload("b_topic") in payloads(outside)
    assert outside.metadata is not None and outside.metadata[MESSAGE_META_KEY]["faq_id"] == "signup_topic"
    inside = answer_reply(ENTRIES["signup_topic"], SNAPSHOT, SETTINGS, today, [], in_form=True)
    assert SIGN_UP_BUTTON not in inside.buttons
    plain = answer_reply(ENTRIES["a_topic"], SNAPSHOT, SETTINGS, today, [], in_form=False)
    assert SIGN_UP_BUTTON not in plain.buttons and ASKED_TOO not in plain.text


def test_the_other_questions_of_a_message_come_first_once_each() -> None:
    reply = answer_reply(
        ENTRIES["signup_topic"], SNAPSHOT, SETTINGS, dt.date(2023, 1, 10), ["signup_topic", "b_topic", "c_topic"], False
    )
    assert reply.text.endswith(ASKED_TOO)
    assert payloads(reply) == [button_payload("b_topic"), button_payload("c_topic"), SIGN_UP_BUTTON["payload"]]


def test_a_reply_is_sent_with_its_metadata_only_when_it_has_some() -> None:
    assert Reply("好", [HUMAN_BUTTON], {"k": 1}).utterance() == {
        "text": "好",
        "buttons": [HUMAN_BUTTON],
        "json_message": {"k": 1},
    }
    assert Reply("好").utterance() == {"text": "好", "buttons": []}

"""Reading a conversation's events (bot/conversation/events.py), on hand-built Rasa event dicts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from bot.conversation.events import (
    earlier_self_descriptions,
    fresh_user_text,
    is_activation,
    previous_turn,
    question_before,
    slot_set_at,
    texts_before_form,
    typed_text,
    user_just_spoke,
)
from bot.conversation.metadata import bot_message_meta, miss_metadata
from bot.usage.feedback import message_metadata

FORM = "lead_form"


def user(text: str, intent: str = "faq", typed_button: Optional[str] = None) -> Dict[str, Any]:
    parse: Dict[str, Any] = {"intent": {"name": intent, "confidence": 0.9}, "text": text}
    if typed_button is not None:
        parse["typed_button"] = {"title": text, "payload": typed_button}
    return {"event": "user", "text": text, "parse_data": parse}


def bot(text: str, metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"custom": metadata} if metadata else {}}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def test_the_fresh_text_is_the_message_before_the_forms_marker_and_none_after_another_action() -> None:
    spoken = [action("action_listen"), user("王小明", "inform"), action(FORM)]
    assert fresh_user_text(spoken, FORM) == "王小明"
    resumed = [*spoken[:-1], action("action_answer_faq"), bot("…"), action(FORM)]
    assert fresh_user_text(resumed, FORM) is None
    # only the first marker of this form is skipped: two in a row means no new message
    assert fresh_user_text([*spoken, action(FORM)], FORM) is None
    assert fresh_user_text([], FORM) is None


def test_a_typed_button_reads_as_its_payload() -> None:
    events = [bot("请核对"), user("确认", "affirm", typed_button="/affirm"), action(FORM)]
    assert typed_text(events) == "/affirm"
    assert fresh_user_text(events, FORM) == "/affirm"
    assert typed_text([user("学费补偿"), bot("…"), user("那考研呢")]) == "那考研呢"
    assert typed_text([bot("你好")]) == ""


def test_user_just_spoke_looks_past_the_form_and_its_validation() -> None:
    markers = (FORM, "validate_lead_form")
    assert user_just_spoke([action("action_listen"), user("138"), action(FORM), action("validate_lead_form")], markers)
    assert user_just_spoke([user("138")], markers)
    after_answer = [user("学费补偿多少"), action("action_answer_faq"), bot("…"), action(FORM)]
    assert not user_just_spoke(after_answer, markers)
    assert not user_just_spoke([action(FORM)], markers)


def test_activation_is_a_form_start_after_the_latest_user_message() -> None:
    started = [
        user("我能当兵吗", "check_eligibility"),
        {"event": "active_loop", "name": "eligibility_form"},
        action("eligibility_form"),
    ]
    assert is_activation(started, "eligibility_form")
    assert not is_activation(started, "benefit_form")
    later = [*started, action("action_listen"), user("男", "inform"), action("eligibility_form")]
    assert not is_activation(later, "eligibility_form")


def test_texts_before_the_form_are_typed_messages_oldest_first() -> None:
    events = [
        user("我叫王小明"),
        user("/greet", "greet"),
        bot("…"),
        user("确认", "affirm", typed_button="/affirm"),
        user("我是吕梁学院的"),
        {"event": "active_loop", "name": FORM},
        user("不要读这条"),
    ]
    assert texts_before_form(events, FORM) == ["我叫王小明", "我是吕梁学院的"]
    assert texts_before_form([user("我叫王小明")], FORM) == ["我叫王小明"]


def test_earlier_self_descriptions_skip_the_latest_message_and_other_questions() -> None:
    events = [
        user("我是女生，研二"),
        user("男生当兵身高要求"),
        user("/check_eligibility", "check_eligibility"),
        user("我21岁本科"),
        user("帮我看看能不能报名"),
    ]
    assert earlier_self_descriptions(events) == ["我21岁本科", "我是女生，研二"]
    assert earlier_self_descriptions([user("我是女生")]) == []  # the only message is the current one


def test_slot_set_at_is_the_latest_matching_event_with_a_timestamp() -> None:
    first, second = 1_700_000_000.0, 1_700_000_600.0
    events = [
        {"event": "slot", "name": "lead_consent", "value": True, "timestamp": first},
        {"event": "slot", "name": "lead_consent", "value": False, "timestamp": second + 5},
        {"event": "slot", "name": "lead_consent", "value": True, "timestamp": second},
        {"event": "slot", "name": "lead_consent", "value": True},
    ]
    assert slot_set_at(events, "lead_consent", True) == dt.datetime(2023, 11, 14, 22, 23, 20)
    assert slot_set_at(events, "lead_consent", False) == dt.datetime(2023, 11, 14, 22, 23, 25)
    assert slot_set_at(events, "lead_phone", True) is None
    assert slot_set_at(events[-1:], "lead_consent", True) is None


def test_the_question_before_a_request_for_a_person_skips_buttons_and_requests() -> None:
    events = [
        user("学费补偿怎么申请"),
        bot("…"),
        user("/faq", "faq"),
        user("转人工", "request_human"),
        bot("…"),
        user("人工", "request_human"),
    ]
    assert question_before(events) == "学费补偿怎么申请"
    assert question_before([user("转人工", "request_human")]) is None
    assert question_before([user("  "), user("转人工", "request_human")]) is None


def test_the_previous_turn_reads_the_miss_mark_and_the_faq_answered() -> None:
    asked = user("学费补偿")
    events = [
        asked,
        bot("补偿标准…", message_metadata("tuition_compensation")),
        bot("还有", message_metadata(None)),
        user("没听懂", "not_understood"),
    ]
    before = previous_turn(events)
    assert before.user is asked and before.faq_id == "tuition_compensation" and not before.missed
    missed = [user("啊啊"), bot("您是想问…", miss_metadata(message_metadata(None))), user("嗯嗯")]
    assert previous_turn(missed).missed and previous_turn(missed).faq_id is None
    first = previous_turn([bot("你好"), user("你好", "greet")])
    assert first.user is None and not first.missed and first.faq_id is None


def test_the_previous_turn_ignores_replies_to_the_current_message_and_malformed_metadata() -> None:
    events = [
        user("a"),
        bot("x", {"enlist_message": "not a mapping"}),
        bot("y", {"other": {}}),
        user("b"),
        bot("z", miss_metadata(message_metadata("late"))),
    ]
    before = previous_turn(events)
    assert not before.missed and before.faq_id is None
    assert bot_message_meta({"event": "bot", "data": None}) == {}
    assert bot_message_meta(bot("z", message_metadata("q")))["faq_id"] == "q"

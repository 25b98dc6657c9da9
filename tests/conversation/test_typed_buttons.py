"""Matching a typed reply to the buttons just offered (bot/conversation/typed_buttons.py)."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.conversation.typed_buttons import Button, buttons_of, match, meant_text, number_of

SUMMARY = [Button("确认提交", "/affirm"), Button("修改信息", "/lead_change"), Button("取消登记", "/stop_form")]
CONSENT = [Button("同意并继续", "/affirm"), Button("不同意", "/deny")]
EDUCATION = [
    Button("研究生", "研究生"),
    Button("本科", "本科"),
    Button("专科（大专、高职）", "专科"),
    Button("高中（含中专、职高）", "高中"),
    Button("初中", "初中"),
]
YEARS = [Button("1年", "1年"), Button("2年", "2年"), Button("3年", "3年"), Button("4年", "4年")]


def payload(text: str, *menus: List[Button]) -> Optional[str]:
    chosen = match(text, list(menus))
    return chosen.payload if chosen else None


@pytest.mark.parametrize("typed", ["确认提交", " 确认 提交 ", "確認提交", "确认提交！", "「确认提交」", "确认"])
def test_a_title_in_any_form_is_its_payload(typed: str) -> None:
    assert payload(typed, SUMMARY) == "/affirm"


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("同意并继续", "/affirm"),
        ("同意並繼續", "/affirm"),
        ("同意", "/affirm"),
        ("不同意", "/deny"),
        ("不同意。", "/deny"),
    ],
)
def test_consent_titles(typed: str, expected: str) -> None:
    assert payload(typed, CONSENT) == expected


@pytest.mark.parametrize("typed", ["2", "２", "二", "第2个", "第二个", "第二项", "第二", "选2", "2.", "②", "2️⃣"])
def test_numbers_count_from_one(typed: str) -> None:
    assert payload(typed, SUMMARY) == "/lead_change"


def test_full_width_latin_and_case() -> None:
    menu = [Button("BMI怎么算", '/faq{"faq_id":"bmi"}'), Button("其他", "/other")]
    assert payload("ｂｍｉ怎么算", menu) == menu[0].payload


@pytest.mark.parametrize("typed", ["4", "0", "第四个", "十", "99"])
def test_a_number_out_of_range_is_no_button(typed: str) -> None:
    assert payload(typed, SUMMARY) is None


@pytest.mark.parametrize("typed", ["确认提交了吗", "提交", "确", "你好", "", "   ", "？？", "/affirm"])
def test_other_messages_are_no_button(typed: str) -> None:
    assert payload(typed, SUMMARY) is None


def test_no_buttons_offered_means_no_match() -> None:
    assert match("确认提交", []) is None and match("1", [[]]) is None


def test_a_beginning_shared_by_two_titles_is_ambiguous() -> None:
    menu = [Button("学费补偿标准", "/a"), Button("学费补偿申请", "/b")]
    assert payload("学费补偿", menu) is None
    assert payload("学费补偿申请", menu) == "/b"


def test_choices_with_notes_in_brackets() -> None:
    assert payload("专科(大专、高职)", EDUCATION) == "专科"
    assert payload("專科", EDUCATION) == "专科"
    assert payload("3", EDUCATION) == "专科"
    assert payload("第五个", EDUCATION) == "初中"


def test_a_bare_number_means_a_title_number_when_titles_have_numbers() -> None:
    assert payload("2", YEARS) == "2年"  # position and title agree
    assert payload("5", YEARS) is None
    menu = [Button("2年", "2年"), Button("5年", "5年")]
    assert payload("2", menu) is None  # the first button says 2, the second is at 2: an answer
    assert payload("5年", menu) == "5年"
    assert payload("第2个", menu) == "5年"  # an ordinal is always a position
    years = [Button("网上报名", "/a"), Button("2023年征兵时间", "/b")]
    assert payload("2", years) == "/b" and payload("1", years) == "/a"  # a year is no quantity


def test_numbers_use_the_latest_menu_and_titles_any_menu_of_the_turn() -> None:
    latest, earlier = [Button("跳过", "跳过")], [Button("学费补偿", "/faq_a"), Button("考研加分", "/faq_b")]
    assert payload("1", latest, earlier) == "跳过"
    assert payload("2", latest, earlier) is None
    assert payload("考研加分", latest, earlier) == "/faq_b"
    assert payload("1", [], earlier) == "/faq_a"  # a message without buttons takes no numbers


def test_the_latest_menu_wins_a_title_offered_twice() -> None:
    assert payload("确认", [Button("确认", "/new")], [Button("确认", "/old")]) == "/new"


@pytest.mark.parametrize(
    "key,expected",
    [
        ("1", (1, False)),
        ("十二", (12, False)),
        ("第3个", (3, True)),
        ("两", (2, False)),
        ("0", None),
        ("03", None),
        ("第", None),
        ("1.5", None),
    ],
)
def test_number_of(key: str, expected) -> None:
    assert number_of(key) == expected


def test_malformed_buttons_are_ignored() -> None:
    raw = [{"title": "好", "payload": "/affirm"}, {"title": "", "payload": "/x"}, {"payload": "/y"}, "text", None]
    assert buttons_of(raw) == [Button("好", "/affirm")]
    assert buttons_of(None) == [] and buttons_of("x") == []


def test_meant_text_reads_the_typed_button() -> None:
    assert meant_text({"text": "２", "parse_data": {"typed_button": {"title": "本科", "payload": "本科"}}}) == "本科"
    assert meant_text({"text": "本科", "parse_data": {}}) == "本科"
    assert meant_text({"text": None}) == ""


def test_only_the_latest_bot_turn_counts() -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, UserUttered

    from bot.rasa_ext.typed_button_parse import latest_menus

    old = BotUttered("请核对", data={"buttons": [{"title": "确认提交", "payload": "/affirm"}]})
    note = BotUttered("好的，学校这一项跳过。")
    ask = BotUttered("您的身份是？", data={"buttons": [{"title": "在校生", "payload": "在校生"}]})
    assert latest_menus([old, UserUttered("修改"), note, ask, ActionExecuted("action_listen")]) == [
        [Button("在校生", "在校生")],
        [],
    ]
    assert latest_menus([old, UserUttered("学校"), BotUttered("请问学校？")]) == [[]]
    assert latest_menus([old, Restarted()]) == []
    assert latest_menus([]) == [] and latest_menus(None) == []

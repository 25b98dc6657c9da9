"""Conversations through the real REST endpoint of the started stack."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.faq.sources import is_official
from tests.conftest import Chat

pytestmark = pytest.mark.stack

FOOTER = "（2023年政策 · 仅供参考，以征兵办审核为准）"


def test_greeting_says_what_the_bot_is_and_offers_topics(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, "你好")
    assert "征兵咨询助手" in text and "仅供参考" in text and "征兵办" in text
    titles = [b["title"] for b in buttons]
    assert {"学费补偿", "考研加分", "报名流程", "体检标准"} <= set(titles)


def test_response_buttons_are_not_mistaken_for_slot_templates(chat: Chat, sender: str, stack: Settings) -> None:
    """Rasa reads {...} in a domain response as a slot placeholder; a JSON payload left
    unescaped makes it log an error with a traceback whose locals hold the slot values
    (the student's name and phone once the lead form ran). domain/ doubles the braces."""
    _, buttons = chat.buttons(sender, "你好")
    assert {"title": "学费补偿", "payload": '/faq{"faq_id":"tuition_compensation"}'} in buttons
    rasa_log = (stack.var_dir / "log" / "rasa.log").read_text(encoding="utf-8")
    assert "interpolator.interpolate.text" not in rasa_log


def test_who_are_you(chat: Chat, sender: str) -> None:
    assert "机器人" in chat.text(sender, "你是真人还是机器人")


def test_thanks_and_goodbye(chat: Chat, sender: str) -> None:
    assert "不客气" in chat.text(sender, "好的，谢谢你")
    assert "再见" in chat.text(sender, "拜拜")


@pytest.mark.parametrize(
    "question, facts",
    [
        ("2023年下半年入伍的学费补偿上限是多少", ["16000元", "20000元", "入伍通知书"]),
        ("当过兵回来考研能加几分", ["初试总分加10分", "3年内"]),
        ("眼睛近视能当兵吗 视力要求多少", ["4.5", "4.8", "600度"]),
        ("今年男生当兵年龄要求", ["18至22周岁", "24周岁", "26周岁"]),
        ("我是在校生，可以在学校那边报名当兵吗", ["学校所在地", "应征地"]),
        ("哪些人可以自己选在学校所在地还是户籍地报名", ["学校所在地", "户籍所在地", "新生"]),
        ("当兵报名在哪个网站", ["全国征兵网"]),
    ],
)
def test_questions_get_the_right_facts_with_year_and_sources(chat: Chat, sender: str, question: str, facts) -> None:
    text = chat.text(sender, question)
    for fact in facts:
        assert fact in text, (question, text)
    assert FOOTER in text and "\n依据：" in text
    sources = text[text.index("\n依据：") :]
    assert all(is_official(url) for url in re.findall(r"\]\((https?://[^)]+)\)", sources)), (
        sources
    )  # official links only


def test_topic_button_payload_opens_that_entry(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, '/faq{"faq_id":"postgrad_bonus"}')
    assert "初试总分加10分" in text and FOOTER in text
    follow_ups = [b for b in buttons if b["payload"] != "/sign_up"]
    assert follow_ups and all(b["payload"].startswith('/faq{"faq_id":') for b in follow_ups)
    assert buttons[-1] == {"title": "我想报名", "payload": "/sign_up"}
    follow_up = chat.text(sender, follow_ups[0]["payload"])
    assert FOOTER in follow_up and follow_up != text


def test_traditional_and_full_width_are_understood(chat: Chat, sender: str) -> None:
    simplified = chat.text(sender + "-s", "当兵考研加分政策是什么")
    traditional = chat.text(sender + "-t", "當兵考研加分政策是什麼")
    assert "初试总分加10分" in traditional and traditional == simplified
    assert "BMI" in chat.text(sender, "ＢＭＩ多少可以当兵")


@pytest.mark.parametrize(
    "message", ["明天离石下雨吗", "帮我写一下高数作业", "推荐几部好看的电视剧", "王者荣耀怎么上分"]
)
def test_out_of_scope_is_declined_never_answered_with_an_faq(chat: Chat, sender: str, message: str) -> None:
    text = chat.text(sender, message)
    assert "不在我的服务范围" in text and FOOTER not in text


def test_low_confidence_asks_to_rephrase_with_at_most_three_topics(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, "那个东西到底咋弄啊")
    assert "请换个说法" in text and FOOTER not in text
    assert 1 <= len(buttons) <= 3
    assert all(b["payload"].startswith('/faq{"faq_id":') for b in buttons)


def test_contact_block_never_invents_a_phone_number(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "怎么联系区人武部")
    assert "离石区人民武装部" in text and "请关注区人武部公告" in text
    assert not re.search(r"\d{3,4}-?\d{7,8}|1[3-9]\d{9}", text)


def test_uncertain_facts_are_flagged_and_point_to_the_office(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "离石区今年义务兵家庭优待金具体发多少钱")
    assert "区人武部" in text and FOOTER in text
    assert not re.search(r"\d+元", text.split("依据")[0].replace("2023", ""))


def test_conversations_are_independent(chat: Chat, sender: str) -> None:
    first = chat.text(sender + "-1", "退役后学费减免怎么算")
    second = chat.text(sender + "-2", "你好")
    assert FOOTER in first and "征兵咨询助手" in second


@pytest.mark.parametrize(
    "question, wanted",
    [
        ("大学生当兵学费能补偿多少钱", "16000元"),
        ("当兵能把助学贷款还了吗", "16000元"),
        ("2023年征兵几号批准入伍", "9月1日"),
        ("退伍后考研能加几分", "10分"),
        ("男生身高要多少才能当兵", "160cm"),
    ],
)
def test_the_answer_leads_with_the_number_asked(chat, sender: str, question: str, wanted: str) -> None:  # noqa: ANN001
    """Issue 11 §5: the first paragraph gives the number the usual question wants."""
    first = chat.text(sender, question).split("\n")[0]
    assert wanted in first, first


def test_several_questions_in_one_message_answer_one_and_offer_the_others(chat, sender: str) -> None:  # noqa: ANN001
    """Issue 11 §3: the main question is answered, the others are buttons (their titles)."""
    text, buttons = chat.buttons(sender, "女生能当兵吗？身高要求多少？")
    assert "您还问了别的问题" in text
    first_line, first_button = text.split("\n")[0], buttons[0]["title"]
    # either question may be taken as the main one; the other is the first button
    assert ("158cm" in first_line and first_button == "女兵报名") or (
        "女兵征集对象" in first_line and first_button == "身高体重标准"
    ), (first_line, first_button)
    text, _ = chat.buttons(sender, "女生能当兵吗")  # one question: no such line
    assert "您还问了别的问题" not in text


def test_a_short_follow_up_continues_the_conversation(chat, sender: str) -> None:  # noqa: ANN001
    """Issue 11 §2: "那考研呢" alone names no military topic and gets no answer; right after
    an answer about service it continues that conversation. Another subject is still declined."""
    alone = chat.text(sender + "-alone", "那考研呢")
    assert FOOTER not in alone
    assert FOOTER in chat.text(sender, "当兵学费补偿能补多少")
    followed = chat.text(sender, "那考研呢")
    assert "初试总分加10分" in followed and FOOTER in followed
    assert "不在我的服务范围" in chat.text(sender, "考驾照呢")


@pytest.mark.parametrize(
    "message", ["考驾照前的体检都查哪些项目", "去民政局领结婚证要带什么", "省公务员考试去哪个网站报名"]
)
def test_near_misses_that_share_our_words_are_declined(chat, sender: str, message: str) -> None:  # noqa: ANN001
    """Issue 11 §2: questions about 驾照/婚姻登记/公务员 share 体检/登记/报名 with our entries."""
    text = chat.text(sender, message)
    assert "不在我的服务范围" in text and FOOTER not in text

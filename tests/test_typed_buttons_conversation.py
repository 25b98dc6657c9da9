"""Typing a button instead of tapping it, through the real REST endpoint: on every step of
the lead, eligibility and benefit forms, on every FAQ follow-up button and on the topic
buttons, the title (also full-width, 繁體, spaced, punctuated) or the number is the button."""

from __future__ import annotations

import functools
import json
import re
from typing import Dict, List, Set, Tuple

import pytest

from bot.config import Settings
from bot.conversation.misses import is_rephrase
from bot.faq.validator import validate_dir
from bot.leads.records import EDUCATION_LEVELS, ENLIST_PLACES, STUDENT_STATUSES
from bot.leads.store import LeadStore
from bot.storage.conversations import read_transcript
from bot.storage.database import Database
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import PROJECT_HOME, Chat, http
from tests.review.test_review_conversation import NONSENSE, queued, queued_as, wait_for

pytestmark = pytest.mark.stack

FOOTER = "以上为参考，以征兵办审核为准。"
Buttons = List[Dict[str, str]]


@functools.lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


def traditional(text: str) -> str:
    return _s2t().convert(text)


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def titles(buttons: Buttons) -> List[str]:
    return [b["title"] for b in buttons]


def reply(chat: Chat, sender: str, text: str) -> Tuple[str, Buttons, List[str]]:
    """The bot's texts, buttons and the FAQ ids of its messages."""
    messages = chat.say(sender, text)
    faq_ids = [
        m["custom"][MESSAGE_META_KEY].get("faq_id")
        for m in messages
        if isinstance(m.get("custom"), dict) and MESSAGE_META_KEY in m["custom"]
    ]
    return (
        "\n".join(m.get("text", "") for m in messages),
        [b for m in messages for b in m.get("buttons", [])],
        faq_ids,
    )


@pytest.fixture()
def store(stack: Settings) -> LeadStore:
    return LeadStore(Database(stack.database))


# --- the lead form ---------------------------------------------------------------------------


def test_lead_form_by_typed_titles_variants_and_numbers(
    chat: Chat, sender: str, stack: Settings, store: LeadStore
) -> None:
    text, buttons = chat.buttons(sender, "我想报名")
    assert titles(buttons) == ["同意并继续", "不同意"]
    assert "姓名" in chat.text(sender, traditional("同意并继续") + " ")  # 同意並繼續
    chat.text(sender, "李雷")
    chat.text(sender, "13800138011")
    text, buttons = chat.buttons(sender, "吕院")
    assert titles(buttons) == list(STUDENT_STATUSES)
    text, buttons = chat.buttons(sender, "２")  # 应届毕业生
    assert titles(buttons) == list(EDUCATION_LEVELS)
    text, buttons = chat.buttons(sender, "第三个")  # 研究生
    assert "户籍所在地" in text and not buttons
    text, buttons = chat.buttons(sender, "山西省吕梁市离石区")
    assert titles(buttons) == list(ENLIST_PLACES)
    text, buttons = chat.buttons(sender, " 户籍 所在地。")
    assert titles(buttons)[3] == "报名流程"
    summary, buttons = chat.buttons(sender, "4")
    for line in ("身份：应届毕业生", "学历层次：研究生", "拟应征地：户籍所在地", "最关心的问题：报名流程"):
        assert line in summary, (line, summary)
    assert titles(buttons) == ["确认提交", "修改信息", "取消登记"]

    choose, buttons = chat.buttons(sender, "修改")  # the beginning of 修改信息
    assert "请选择要修改的项目" in choose and "学校" in titles(buttons)
    assert "学校" in chat.text(sender, "学 校")
    summary = chat.text(sender, "中北大学")
    assert "学校：中北大学" in summary
    done = chat.text(sender, "確認提交！")  # traditional, with punctuation
    assert "已记录" in done
    lead = store.find_by_phone("13800138011")
    assert (lead.school, lead.student_status, lead.education_level) == ("中北大学", "应届毕业生", "研究生")
    assert (lead.enlist_place, lead.main_concern) == ("户籍所在地", "报名流程")

    # The transcript shows what the student typed (Rasa strips the ends), and the button.
    typed = [t.text for t in read_transcript(stack.tracker_store, sender) if t.speaker == "user" and t.button]
    assert typed == [
        "同意並繼續 → 同意并继续",
        "２ → 应届毕业生",
        "第三个 → 研究生",
        "户籍 所在地。 → 户籍所在地",
        "4 → 报名流程",
        "修改 → 修改信息",
        "学 校 → 学校",
        "確認提交！ → 确认提交",
    ]


def test_consent_and_confirmation_by_number(chat: Chat, sender: str, store: LeadStore) -> None:
    chat.text(sender, "我想报名")
    assert "不登记任何信息" in chat.text(sender, "2")
    chat.text(sender, "我想报名")
    assert "姓名" in chat.text(sender, "1")
    for answer in ("韩梅梅", "13800138022", "吕梁学院", "在校生", "本科", "山西省吕梁市离石区", "学校所在地", "无"):
        summary = chat.text(sender, answer)
    assert "请核对您的登记信息" in summary
    assert "已记录" in chat.text(sender, "第一个")
    assert store.find_by_phone("13800138022").name == "韩梅梅"


def test_cancel_at_the_summary_by_typed_title(chat: Chat, sender: str, store: LeadStore) -> None:
    chat.text(sender, "我想报名")
    assert "姓名" in chat.text(sender, "同意并继续")  # once classified as deny when typed
    for answer in ("张伟", "13800138033", "吕梁学院", "在校生", "本科", "山西省吕梁市离石区", "学校所在地", "无"):
        chat.text(sender, answer)
    assert "已取消登记" in chat.text(sender, "取消登记")
    assert store.find_by_phone("13800138033") is None


def test_a_title_not_offered_by_the_latest_message_is_an_ordinary_message(
    chat: Chat, sender: str, store: LeadStore
) -> None:
    chat.text(sender, "我想报名")
    chat.text(sender, "1")
    for answer in ("赵云", "13800138044", "吕梁学院", "在校生", "本科", "山西省吕梁市离石区", "学校所在地", "无"):
        chat.text(sender, answer)
    chat.text(sender, "修改信息")
    asked, buttons = chat.buttons(sender, "姓名")
    assert "姓名" in asked and not buttons
    # 确认提交 was offered two bot turns ago, not now: it is not the summary's button.
    text = chat.text(sender, "确认提交")
    assert "已记录" not in text
    assert store.find_by_phone("13800138044") is None


def test_a_number_out_of_range_is_an_ordinary_message(chat: Chat, sender: str, store: LeadStore) -> None:
    chat.text(sender, "我想报名")
    chat.text(sender, "1")
    for answer in ("孙权", "13800138055", "吕梁学院", "在校生", "本科", "山西省吕梁市离石区", "学校所在地", "无"):
        chat.text(sender, answer)
    text = chat.text(sender, "4")  # three buttons: "4" names none of them
    assert "已记录" not in text and "已取消登记" not in text and "请选择要修改的项目" not in text
    assert store.find_by_phone("13800138055") is None
    assert "已记录" in chat.text(sender, "确认")  # got "请换个说法" before buttons could be typed


# --- the eligibility and benefit forms ------------------------------------------------------


def test_eligibility_form_by_typed_buttons(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, "我能当兵吗")
    assert titles(buttons) == ["男", "女"]
    assert "哪一年出生" in chat.text(sender, "1")
    text, buttons = chat.buttons(sender, "21岁")
    assert titles(buttons)[1] == "本科"
    text, buttons = chat.buttons(sender, "第二个")
    assert titles(buttons)[0] == "在校生"
    text, buttons = chat.buttons(sender, "　在校生！")  # a full-width space, full-width punctuation
    assert titles(buttons) == ["跳过"]
    text, buttons = chat.buttons(sender, full_width("1"))
    assert (
        "年龄条件：符合" in text
        and "您2023年21周岁" in text
        and "男，2002年出生，本科，在校生" in text
        and text.endswith(FOOTER)
    ), text[-300:]
    assert "学校所在地还是户籍地" in titles(buttons)
    side_by_side = chat.text(sender, "学校所在地还是户籍地？")
    assert "两地都可以选" in side_by_side


def test_eligibility_form_education_by_its_full_title(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    chat.text(sender, "女")
    chat.text(sender, "2003年出生")
    text, buttons = chat.buttons(sender, traditional("专科（大专、高职）"))
    assert "您现在的身份是" in text, text
    text = chat.text(sender, "5")  # 非学生
    assert "身高、体重和视力" in text


def test_benefit_form_by_typed_buttons(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, "帮我算算能拿多少学费补偿")
    assert "专科（大专、高职）" in titles(buttons)
    text, buttons = chat.buttons(sender, "專科(大專、高職)")
    assert titles(buttons)[1] == "应届毕业生"
    text, buttons = chat.buttons(sender, "2")
    assert titles(buttons) == ["上半年", "下半年"]
    assert "学费是多少" in chat.text(sender, "第2个")
    text, buttons = chat.buttons(sender, "5000")
    assert titles(buttons) == ["1年", "2年", "3年", "4年"]
    text, buttons = chat.buttons(sender, "3")  # position 3 says 3年: the same
    assert titles(buttons) == ["没有"]
    text, buttons = chat.buttons(sender, "1")
    assert "共15000元（每年5000元 × 3年）" in text and "下半年入伍" in text and text.endswith(FOOTER), text[:300]


# --- topic buttons -----------------------------------------------------------------------------


def test_greeting_topics_by_number_and_title(chat: Chat, sender: str) -> None:
    text, buttons = chat.buttons(sender, "你好")
    assert titles(buttons)[1] == "考研加分" and titles(buttons)[-1] == "我想报名"
    text, _, faq_ids = reply(chat, sender, "第二个")
    assert faq_ids == ["postgrad_bonus"]
    chat.text(sender, "你好")
    text, _, faq_ids = reply(chat, sender, "学校所在地／户籍地报名")  # full-width slash
    assert faq_ids == ["where_to_enlist"]
    chat.text(sender, "你好")
    assert "同意并继续" in str(chat.buttons(sender, str(len(buttons)))[1])  # the last: 我想报名


def _variant(title: str, index: int, number: int) -> str:
    """A different way of typing button ``number`` (1-based) with ``title``."""
    return (traditional(title), f" {full_width(title)}。", str(number), f"第{number}个", f"「{title}」")[index % 5]


def test_every_faq_follow_up_button_works_typed(chat: Chat, sender: str) -> None:
    """One walk through the follow-up buttons of every FAQ answer: from each answer, type
    a button not typed yet (in one of five ways); where none is left, jump by payload."""
    entries = validate_dir(PROJECT_HOME / "faq").entries
    edges: Set[Tuple[str, str]] = {(e.id, target) for e in entries for target in e.buttons}
    assert len(edges) > 100
    typed: Set[Tuple[str, str]] = set()
    payload = re.compile(r'^/faq\{"faq_id":"([a-z0-9_]+)"\}$')
    current, buttons = None, []
    count = 0
    while typed != edges:
        if current is not None:
            follow = [(i, b) for i, b in enumerate(buttons) if payload.match(b["payload"])]
            todo = [(i, b) for i, b in follow if (current, payload.match(b["payload"]).group(1)) not in typed]
            if todo:
                i, button = todo[0]
                target = payload.match(button["payload"]).group(1)
                text, buttons, faq_ids = reply(chat, sender, _variant(button["title"], count, i + 1))
                count += 1
                assert faq_ids == [target], (current, button, text[:120])
                typed.add((current, target))
                current = target
                continue
        current = sorted({source for source, _ in edges - typed})[0]
        text, buttons, faq_ids = reply(chat, sender, f'/faq{{"faq_id":"{current}"}}')
        assert faq_ids == [current]
        expected = [target for source, target in edges if source == current]
        assert {payload.match(b["payload"]).group(1) for b in buttons if payload.match(b["payload"])} == set(expected)
    assert count == len(edges)


# --- what the editors see ----------------------------------------------------------------------


def test_a_typed_follow_up_button_is_no_rephrased_question_for_review(chat: Chat, sender: str, stack: Settings) -> None:
    """学费补偿 typed after "学费补偿标准是多少" is the follow-up button, not the question asked
    again in other words (the two are alike enough to count as a rephrase if typed freely)."""
    question = "学费补偿标准是多少"
    _, buttons, faq_ids = reply(chat, sender, question)
    assert faq_ids == ["tuition_limits"] and "学费补偿" in titles(buttons)
    assert is_rephrase(question, "学费补偿")
    _, _, faq_ids = reply(chat, sender, "学费补偿")
    assert faq_ids == ["tuition_compensation"]
    # A real rephrase afterwards is queued (recording is asynchronous: this is the barrier).
    chat.text(sender, "纹身能当兵吗")
    chat.text(sender, "有纹身可以去当兵吗")
    items = wait_for(queued_as(stack, sender, "rephrased"))
    assert [(i.text, i.follow_up) for i in items] == [("纹身能当兵吗", "有纹身可以去当兵吗")]


def test_not_understood_after_a_typed_button_queues_no_number(chat: Chat, sender: str, stack: Settings) -> None:
    """ "没听懂" after a typed topic button is like after a tap: the bot offers other topics,
    and "第二个" never reaches the editors as a question (it is no question)."""
    chat.text(sender, "你好")
    _, _, faq_ids = reply(chat, sender, "第二个")
    assert faq_ids == ["postgrad_bonus"]
    text = chat.text(sender, "答非所问")
    assert "抱歉" in text
    chat.text(sender, NONSENSE)  # queued: the barrier for the asynchronous recording
    items = wait_for(queued(stack, sender))
    assert [i.text for i in items] == [NONSENSE]


def test_a_downvote_after_a_typed_button_queues_the_answer_not_the_number(
    chat: Chat, sender: str, stack: Settings
) -> None:
    chat.text(sender, "你好")
    messages = chat.say(sender, "２")
    meta = next(m["custom"][MESSAGE_META_KEY] for m in messages if "custom" in m)
    assert meta["faq_id"] == "postgrad_bonus"
    vote = {
        "sender_id": sender,
        "message_id": meta["message_id"],
        "vote": -1,
        "faq_id": meta["faq_id"],
        "bot_text": messages[0]["text"],
    }
    answer = http(
        "POST",
        f"{stack.bot_url}/feedback",
        json.dumps(vote, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )
    assert answer.status == 200, answer.body
    (item,) = wait_for(queued(stack, sender))
    assert item.kind == "downvote" and item.text != "２" and "初试总分加10分" in item.text

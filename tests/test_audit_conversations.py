"""Issue 12 audit fixes through the real REST endpoint and the trained model.

Each test is a conversation whose answer was wrong or misleading before the fix (fact sheet
../shared/policy/facts-2023.md §1.4, §5.2, §10), plus the student-facing source rules:
official links only, no grading words, every source named.
"""

from __future__ import annotations

import re

import pytest

from bot.faq.sources import is_official, student_jargon
from tests.conftest import Chat
from tests.test_eligibility_conversations import talk

pytestmark = pytest.mark.stack

UNSURE = "这一点各地执行可能不同，请以区人武部答复为准"


def links(text: str) -> list:
    return re.findall(r"https?://[^\s)）]+", text)


def assert_student_text(text: str) -> None:
    """What a student reads: only official links, no 推断/存疑/镜像/转引/C级."""
    assert all(is_official(url) for url in links(text)), links(text)
    assert not student_jargon(text), student_jargon(text)


def test_woman_high_school_student_is_outside_and_not_told_to_register(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text, _ = talk(chat, sender, ["女", "18岁", "高中", "在校生", "跳过"])
    assert "不在今年女兵征集范围内" in text, text
    assert "网上报名" not in text and "2023年1月1日" not in text
    assert_student_text(text)


def test_woman_high_school_graduate_is_told_second_round_only_with_doubt(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text, _ = talk(chat, sender, ["女", "18岁", "高中", "应届毕业生", "跳过"])
    assert "年龄条件：符合" in text and "仅下半年征集" in text and UNSURE in text  # in the one-screen result
    text += chat.text(sender, "/show_details")  # and the reasoning behind 查看计算过程和依据
    assert "女兵上半年网上报名" not in text and "女兵下半年网上报名起止时间" in text
    assert_student_text(text)


def test_high_school_user_hears_about_aid_after_entering_college(chat: Chat, sender: str) -> None:
    chat.text(sender, "帮我算算能拿多少学费补偿")
    text, _ = talk(chat, sender, ["高中"])
    assert "现在不适用" in text and "学费和助学金资助" in text
    assert "《退役军人保障法》第三十四条" in text and "《退役士兵安置条例》第二十八条" in text
    assert_student_text(text)


def test_resettlement_rule_in_both_columns(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    talk(chat, sender, ["男", "2002年出生", "本科", "在校生", "跳过"])
    text = chat.text(sender, "/compare_location")
    row = next(line for line in text.splitlines() if "退役安置地" in line and "学校所在地——" in line)
    school, hukou = row.split("户籍地——")
    assert "不复学的，为入学前户口所在地" in school and "不复学的，为入学前户口所在地" in hukou
    assert_student_text(text)


def test_private_employer_may_take_the_veteran_back(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "我在民营企业上班，当兵回来公司还要我吗")
    assert "不分国有、民营" in text and "未找到" not in text
    assert "《退役士兵安置条例》第二十五条" in text and "《军人抚恤优待条例》（2019年修订）第三十三条" in text
    assert_student_text(text)


def test_military_registration_cites_the_law_not_a_mirror(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "兵役登记是什么")
    assert "应征公民" in text and "第十五条、第二十一条" in text
    assert "某学院通知" not in text and "github.com" not in text
    assert_student_text(text)


def test_women_faq_says_high_school_graduates_only(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "高中刚毕业的女生可以参军吗")
    assert "高中在校生不在征集对象内" in text and "下半年" in text and UNSURE in text
    assert_student_text(text)


def test_tuition_waiver_years_are_said_to_be_uncertain_and_every_source_is_named(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "退役复学学费减免是怎么回事")
    assert "剩余修业年限" in text and UNSURE in text
    assert "第三方《服兵役学费资助期限说明》" in text  # the fifth source, hidden before
    assert_student_text(text)

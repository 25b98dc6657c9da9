"""bot/lang/text.py at its limits: filler kept when little would be left, the 24-character and
10-character focus limits, short last sentences, 4-character clauses, 1- and 2-character keys.

Found by mutation testing (``make mutation``).
"""

from __future__ import annotations

import pytest

from bot.lang.text import char_bigrams, focus_question, jaccard, similarity, split_questions, strip_filler

TEN = "一二三四五六七八九十"
STATEMENT = "我大二今年二十岁身高一米七五体重六十公斤。"


@pytest.mark.parametrize(
    "text, stripped",
    [
        ("老师您好，学费补偿", "学费补偿"),  # 4 characters left: stripped
        ("老师您好，学费补", "老师您好，学费补"),  # 3: kept whole
        ("问：学费补偿", "学费补偿"),
    ],
)
def test_filler_is_stripped_only_when_four_characters_are_left(text: str, stripped: str) -> None:
    assert strip_filler(text) == stripped


@pytest.mark.parametrize(
    "text, focused",
    [
        ("一" * 20 + "请问学费", "一" * 20 + "请问学费"),  # 24 characters: short, whole
        ("一" * 21 + "请问学费", "请问学费"),  # 25
        (TEN + "请问学费补偿能拿多少钱呢好的呀", "请问学费补偿能拿多少钱呢好的呀"),  # 请问 at 10
        (
            TEN[:9] + "请问学费补偿能拿多少钱呢好的呀呀",
            TEN[:9] + "请问学费补偿能拿多少钱呢好的呀呀",
        ),  # at 9: a greeting
        (STATEMENT + "学费能退吗？", "学费能退吗？"),
        (STATEMENT + "能退吗？", STATEMENT + "能退吗？"),  # a 4-character question keeps its context
        (STATEMENT + "可以退吗？", "可以退吗？"),  # 5 characters stand alone
        ("我是吕梁学院的学生。" + STATEMENT + "能退吗？", STATEMENT + "能退吗？"),  # context: one sentence, not all
        ("能退吗？" + STATEMENT, "能退吗？"),  # the first sentence has nothing before it
        ("我大二今年二十岁身高一米七五。学费能退吗？体重六十公斤。", "学费能退吗？"),
        (
            " 我是大二的学生今年二十岁身高一米七五体重六十公斤能当兵吗",
            " 我是大二的学生今年二十岁身高一米七五体重六十公斤能当兵吗",
        ),
    ],
)
def test_focus_question_limits(text: str, focused: str) -> None:
    assert focus_question(text) == focused


@pytest.mark.parametrize(
    "text, questions",
    [
        ("学费多少？考研几分？", ["学费多少", "考研几分"]),  # 4-character clauses count
        ("学费多？考研几分？", ["学费多？考研几分？"]),
        ("、学费能补多少？，考研加几分？", ["学费能补多少", "考研加几分"]),
        ("X光检查要做几次？学费能补多少？", ["X光检查要做几次", "学费能补多少"]),  # only punctuation is trimmed
    ],
)
def test_split_questions_limits(text: str, questions) -> None:
    assert split_questions(text) == questions


def test_bigrams_and_similarity_of_short_keys() -> None:
    assert char_bigrams("a") == frozenset({"a"})
    assert char_bigrams("") == frozenset()
    assert char_bigrams("abc") == frozenset({"ab", "bc"})
    assert similarity("ab", "abc") == 0.5
    assert similarity("", "") == 0.0
    assert jaccard(frozenset(), frozenset({"a"})) == 0.0

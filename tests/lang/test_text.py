"""Normalisation of what students type, before NLU."""

import pytest

from bot.lang.text import NLU_MAX_CHARS, comparison_key, normalize, normalize_for_nlu, similarity


def test_traditional_becomes_simplified() -> None:
    assert normalize("當兵學費補償怎麼申請") == "当兵学费补偿怎么申请"
    assert normalize("在學校報名還是回戶籍地報名") == "在学校报名还是回户籍地报名"


def test_full_width_becomes_half_width_and_lower_case() -> None:
    assert normalize("ＢＭＩ多少能当兵２３岁") == "bmi多少能当兵23岁"


def test_control_characters_and_whitespace() -> None:
    assert normalize("\x00学费\u200b补偿\x07\n\n  吗\ufeff") == "学费补偿 吗"
    assert normalize(" \t\n ") == ""
    assert normalize("") == ""


def test_nlu_text_is_bounded() -> None:
    assert len(normalize_for_nlu("当兵" * 5000)) == NLU_MAX_CHARS


def test_emoji_survive() -> None:
    assert normalize("😀😀") == "😀😀"


def test_comparison_key_ignores_punctuation() -> None:
    assert comparison_key("学费补偿是什么？") == comparison_key("学费 补偿，是什么")


def test_similarity() -> None:
    assert similarity("学费补偿是什么", "学费补偿是什么呀") > 0.8
    assert similarity("学费补偿是什么", "考研加几分") == 0.0


@pytest.mark.parametrize(
    "typed, seen",
    [
        ("问：大学生当兵学费能补偿多少？", "大学生当兵学费能补偿多少?"),
        ("Q: 入伍后学籍怎么办", "入伍后学籍怎么办"),
        ("老师您好，请问女生可以报名吗", "女生可以报名吗"),
        ("你好", "你好"),
        ("你好在吗", "你好在吗"),
        ("好好学习和当兵哪个重要", "好好学习和当兵哪个重要"),
    ],
)
def test_filler_before_the_question_is_dropped(typed: str, seen: str) -> None:
    assert normalize_for_nlu(typed) == seen


@pytest.mark.parametrize(
    "typed, seen",
    [
        (
            "我是一名大二学生，今年20岁，家里人比较支持我去当兵，但是我担心学业，想问一下当兵回来能不能保留学籍",
            "当兵回来能不能保留学籍",
        ),
        ("我今年22岁，大专毕业两年了，身高170，体重65公斤，视力还可以。我还能当兵吗？", "我还能当兵吗?"),
        ("大学生当兵有什么优惠政策？谢谢！", "大学生当兵有什么优惠政策?谢谢!"),
    ],
)
def test_long_messages_are_read_for_their_question(typed: str, seen: str) -> None:
    assert normalize_for_nlu(typed) == seen


@pytest.mark.parametrize(
    "previous, current, rephrased",
    [
        ("学费补偿能补多少", "当兵学费补偿最多补多少钱", True),
        ("女生可以当兵吗", "女生能当兵吗", True),
        ("体检查什么", "考研加分吗", False),
        ("女生可以当兵吗", "女生可以当兵吗？", False),  # the same message again (a retry), not a rephrase
        ('/faq{"faq_id": "vision"}', "近视能当兵吗", False),
    ],
)
def test_rephrase_detection(previous: str, current: str, rephrased: bool) -> None:
    from bot.conversation.misses import is_rephrase

    assert is_rephrase(previous, current) is rephrased


def test_split_questions_finds_each_question_of_a_message() -> None:
    from bot.lang.text import normalize, split_questions

    assert split_questions(normalize("学费能补多少？考研加几分？")) == ["学费能补多少", "考研加几分"]
    assert split_questions(normalize("你好。请问体检查什么？另外视力要求多少？还有纹身可以吗")) == [
        "体检查什么",
        "视力要求多少",
        "纹身可以吗",
    ]
    # one question, or statements around one question: the message stays whole
    assert split_questions(normalize("当兵学费怎么补偿")) == ["当兵学费怎么补偿"]
    assert split_questions(normalize("我大二，20岁。想问一下能不能保留学籍")) == ["我大二,20岁。想问一下能不能保留学籍"]
    assert split_questions(normalize("学费补偿。考研加分")) == ["学费补偿。考研加分"]  # no question cue: not split

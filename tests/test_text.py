"""Normalisation of what students type, before NLU."""

from bot.text import NLU_MAX_CHARS, comparison_key, normalize, normalize_for_nlu, similarity


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

"""bot/nlu/spelling.py: sound-alike typos and pinyin mapped to the trained vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.spelling import Lexicon, split_syllables

PHRASINGS = [
    "近视多少度可以当兵",
    "近视手术后能当兵吗",
    "当兵学费补偿多少",
    "学费补偿怎么申请",
    "征兵体检什么时候",
    "征兵体检查什么",
    "当兵有什么待遇",
    "当兵有什么好处",
    "义务兵待遇",
    "体检要注意什么",
    "退役后复学",
    "退役以后复学",
    "离石区人武部在哪",
    "离石区人武部电话",
]


@pytest.fixture(scope="module", params=["default dictionary", "project dictionary"])
def lexicon(request: pytest.FixtureRequest, project_home: Path) -> Lexicon:
    """Learned with jieba's own dictionary and with the project's (which the model's
    JiebaTokenizer loads, and which makes 近视手术 and 学费补偿 single words)."""
    if request.param == "project dictionary":
        import jieba

        jieba.load_userdict(str(project_home / "data" / "jieba" / "userdict.txt"))
    return Lexicon.learn(PHRASINGS)


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("近事300度能当兵吗", "近视300度能当兵吗"),
        ("当兵学非能补偿多少", "当兵学费能补偿多少"),
        ("征兵提简的时间", "征兵体检的时间"),
    ],
)
def test_homophone_typos_become_trained_words(lexicon: Lexicon, typed: str, meant: str) -> None:
    assert lexicon.correct(typed) == meant


@pytest.mark.parametrize(
    "text", ["李世民想参军", "进士是什么", "今天天气怎么样", "i want to join the army", "how are you"]
)
def test_names_real_words_and_english_pass_unchanged(lexicon: Lexicon, text: str) -> None:
    assert lexicon.correct(text) == text


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("dang bing xue fei bu chang", "当兵学费补偿"),
        ("dangbing you shenme daiyu", "当兵有什么待遇"),
        ("zhengbing tijian", "征兵体检"),
    ],
)
def test_pinyin_is_spelt_in_chinese(lexicon: Lexicon, typed: str, meant: str) -> None:
    assert lexicon.correct(typed) == meant


def test_lexicon_round_trips_through_its_json_form(lexicon: Lexicon) -> None:
    again = Lexicon.from_dict(lexicon.to_dict())
    assert again.by_key == lexicon.by_key and again.by_syllable == lexicon.by_syllable


@pytest.mark.parametrize("word, syllables", [("dangbing", ["dang", "bing"]), ("xian", ["xian"]), ("army", None)])
def test_split_syllables(word: str, syllables: object) -> None:
    assert split_syllables(word) == syllables

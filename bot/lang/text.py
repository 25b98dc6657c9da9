"""Chinese text normalisation shared by the NLU pipeline, the FAQ validator and the tests.

Students type on phones: traditional characters (繁體), full-width letters and digits
(ＢＭＩ, ２３), stray control characters from copy-paste, runs of whitespace. All of these
are mapped to one canonical form before NLU so the model sees what it was trained on.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import List

# Control and format characters (C0/C1, zero-width, bidi marks) except ordinary whitespace.
_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_WHITESPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)

#: NLU never needs more than this many characters to understand a question; longer text
#: (a pasted article) is cut so that featurisation stays fast and bounded.
NLU_MAX_CHARS = 300


@functools.lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, bundled tables

    return OpenCC("t2s")


def normalize(text: str) -> str:
    """Canonical form of a user message: NFKC, simplified characters, clean whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        return ""
    text = _t2s().convert(text)
    return text.lower()


#: "问：", "Q:", greetings and "请问/想问一下" before the question: words that say nothing
#: about what is asked (students paste "问：" from Q&A pages and open with "老师您好").
_LEADING_FILLER = re.compile(
    r"^(?:(?:问|提问|q|question)\s*[:：]\s*"
    r"|(?:(?:老师|同志|工作人员|管理员|客服)?(?:您好|你好)|(?:老师|同志)好)(?:老师|呀|啊)?[\s,，.。!！~～、]*"
    r"|(?:hello|hi|嗨|哈喽|在吗|在不在|打扰(?:一下|了)?)[\s,，.。!！~～、]*"
    r"|(?:我)?(?:想)?(?:请问|问一下|问下|咨询一下|咨询下|了解一下)(?:一下)?[\s,，:：、]*)+"
)
#: A long message is a self-description followed by the question; the question is what
#: the classifiers must see (the facts before it are read from the full text by the forms).
FOCUS_MIN_CHARS = 24
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_QUESTION_CUE = re.compile(
    r"[?？]|吗|呢|么|怎么|怎样|如何|多少|几[年月号岁个次]|能否|能不能|可不可以|是否|什么|啥|哪|有没有|会不会|要不要|需不需要|行不行|咋"
)
_QUESTION_START = re.compile(r"(?:请问|想问|想知道|问一下|问下|咨询一下|我的问题是)")


def strip_filler(text: str) -> str:
    """``text`` without leading "问：" and greeting words, unless little would be left."""
    stripped = _LEADING_FILLER.sub("", text, count=1).strip()
    return stripped if len(stripped) >= 4 else text


def focus_question(text: str) -> str:
    """The question part of a long message ("我大二，20岁……想问一下能不能保留学籍" → the
    question); short messages and messages without a recognisable question stay whole."""
    if len(text) <= FOCUS_MIN_CHARS:
        return text
    starts = [m.start() for m in _QUESTION_START.finditer(text) if m.start() >= 10]
    if starts:
        return text[starts[-1] :]
    sentences = [piece for piece in _SENTENCE_END.split(text) if piece.strip()]
    asking = [i for i, sentence in enumerate(sentences) if _QUESTION_CUE.search(sentence)]
    if len(sentences) < 2 or not asking:
        return text
    last = asking[-1]
    first = last - 1 if last > 0 and len(sentences[last]) < 5 else last
    return "".join(sentences[first : last + 1]).strip() or text


_CLAUSE_BREAK = re.compile(r"[。！？!?；;\n]+|(?:还有|另外|以及|顺便问一下|顺便问下|再问一下|再问下|还想问)")
MIN_CLAUSE_CHARS = 4


def split_questions(text: str) -> List[str]:
    """The separate questions of one message ("学费能补多少？考研加几分？" → two); a message
    with one question (or none recognisable) gives one item, the whole text."""
    clauses = [strip_filler(c.strip(" ，,、")) for c in _CLAUSE_BREAK.split(text)]
    questions = [c for c in clauses if len(c) >= MIN_CLAUSE_CHARS and (_QUESTION_CUE.search(c) or "几" in c)]
    return questions if len(questions) >= 2 else [text]


def normalize_for_nlu(text: str) -> str:
    """:func:`normalize`, the question of a long message, no filler before it; bounded to
    the last :data:`NLU_MAX_CHARS` characters (where the question of a long text is)."""
    return strip_filler(focus_question(normalize(text)))[-NLU_MAX_CHARS:]


def comparison_key(text: str) -> str:
    """A key for deciding that two phrasings are "the same": normalised, no punctuation."""
    return _PUNCTUATION.sub("", normalize(text))


def char_bigrams(text: str) -> frozenset:
    """Character bigrams of the comparison key (single characters for 1-char keys)."""
    key = comparison_key(text)
    if len(key) < 2:
        return frozenset([key]) if key else frozenset()
    return frozenset(key[i : i + 2] for i in range(len(key) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two phrasings (0..1)."""
    return jaccard(char_bigrams(a), char_bigrams(b))


def jaccard(left: frozenset, right: frozenset) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)

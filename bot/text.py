"""Chinese text normalisation shared by the NLU pipeline, the FAQ validator and the tests.

Students type on phones: traditional characters (繁體), full-width letters and digits
(ＢＭＩ, ２３), stray control characters from copy-paste, runs of whitespace. All of these
are mapped to one canonical form before NLU so the model sees what it was trained on.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Control and format characters (C0/C1, zero-width, bidi marks) except ordinary whitespace.
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
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


def normalize_for_nlu(text: str) -> str:
    """:func:`normalize`, then bounded to :data:`NLU_MAX_CHARS` characters."""
    return normalize(text)[:NLU_MAX_CHARS]


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

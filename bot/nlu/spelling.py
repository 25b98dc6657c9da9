"""Sound-alike typos and pinyin, mapped back to the words the assistant was trained on.

Students type with pinyin input methods, so their typos are homophones of the word they
meant ("近事" for 近视, "当兵" typed as "dang bing"). A lexicon of the domain's words is
learned from the training phrasings (jieba words of two to four characters seen at least
twice); a message word that is not in it, and not a common word of jieba's dictionary,
is replaced by the lexicon word with the same toneless pinyin. A message written only in
pinyin is spelt back into the lexicon's words, longest match first.

Nothing is guessed for a pinyin key with no lexicon word, so names and out-of-domain text
pass through unchanged.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Dict, Iterable, List, Optional, Tuple

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]+")

#: Window sizes tried for homophone replacement, longest first.
_MAX_WORD = 4
#: A message word at least this frequent in jieba's general dictionary is a real word of
#: its own ("进士", "近世") and is never "corrected".
COMMON_WORD_FREQUENCY = 200


def pinyin_key(word: str) -> str:
    """Toneless pinyin of a word, syllables joined by spaces ("近视" → "jin shi")."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


@functools.lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset:
    """Every toneless pinyin syllable (from pypinyin's own character table)."""
    from pypinyin import Style
    from pypinyin.constants import PINYIN_DICT
    from pypinyin.style import convert

    syllables = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            syllables.add(convert(reading, Style.NORMAL, strict=True))
    return frozenset(s for s in syllables if s.isalpha())


def _jieba_frequency(word: str) -> int:
    import jieba

    return int(jieba.dt.FREQ.get(word, 0) or 0)


class Lexicon:
    """Domain words by toneless pinyin: the most frequent training word for each key."""

    def __init__(self, words: Dict[str, int], characters: Optional[Dict[str, int]] = None) -> None:
        self.words = dict(words)
        self.characters = dict(characters or {})
        self.by_syllable: Dict[str, str] = {}
        for char, _count in sorted(self.characters.items(), key=lambda item: (-item[1], item[0])):
            self.by_syllable.setdefault(pinyin_key(char), char)
        by_key: Dict[str, Tuple[str, int]] = {}
        for word, count in sorted(self.words.items()):
            key = pinyin_key(word)
            if len(key.split()) != len(word):
                continue  # a character without a reading: cannot be matched safely
            best = by_key.get(key)
            if best is None or count > best[1]:
                by_key[key] = (word, count)
        self.by_key = {key: word for key, (word, _) in by_key.items()}

    @classmethod
    def learn(cls, phrasings: Iterable[str], min_count: int = 2) -> "Lexicon":
        """The jieba words (and words within words) of 2–4 Chinese characters used at least
        ``min_count`` times."""
        import jieba

        counts: Counter = Counter()
        characters: Counter = Counter()
        for text in phrasings:
            characters.update(_CJK.findall(text))
            # cut_for_search also yields the words inside longer ones (学费补偿 → 学费, 补偿),
            # so a typo of a part still finds its word whatever user dictionary is loaded.
            for word in jieba.cut_for_search(text):
                if 2 <= len(word) <= _MAX_WORD and all(_CJK.match(ch) for ch in word):
                    counts[word] += 1
        return cls(
            {word: count for word, count in counts.items() if count >= min_count},
            {char: count for char, count in characters.items() if count >= min_count},
        )

    def to_dict(self) -> Dict[str, Dict[str, int]]:
        return {"words": dict(sorted(self.words.items())), "characters": dict(sorted(self.characters.items()))}

    @classmethod
    def from_dict(cls, data: Dict[str, Dict[str, int]]) -> "Lexicon":
        return cls(data.get("words", {}), data.get("characters", {}))

    # --- correction -------------------------------------------------------------------

    def correct(self, text: str) -> str:
        """``text`` with homophone typos fixed and a pinyin-only message spelt in Chinese."""
        if not self.by_key or not text:
            return text
        if not _CJK.search(text):
            spelt = self.spell_pinyin(text)
            return spelt if spelt is not None else text
        return _CJK_RUN.sub(lambda match: self._correct_run(match.group(0)), text)

    def _correct_run(self, run: str) -> str:
        """Replace windows that start and end on jieba word boundaries: a typo splits into
        single characters (学非 → 学/非), while a name stays whole (李世民 is not 离石民)."""
        import jieba

        boundaries = {0}
        position = 0
        for token in jieba.cut(run):
            position += len(token)
            boundaries.add(position)
        out: List[str] = []
        i = 0
        while i < len(run):
            replaced = False
            for size in range(min(_MAX_WORD, len(run) - i), 1, -1):
                window = run[i : i + size]
                if i not in boundaries or i + size not in boundaries:
                    continue
                if window in self.words:
                    out.append(window)
                    i += size
                    replaced = True
                    break
                target = self.by_key.get(pinyin_key(window))
                if target and target != window and _jieba_frequency(window) < COMMON_WORD_FREQUENCY:
                    out.append(target)
                    i += size
                    replaced = True
                    break
            if not replaced:
                out.append(run[i])
                i += 1
        return "".join(out)

    def spell_pinyin(self, text: str) -> Optional[str]:
        """A message typed in pinyin ("dang bing xue fei") as lexicon words, or None.

        None unless every letter run splits into pinyin syllables and at least half of
        the syllables land in lexicon words (English stays English).
        """
        syllables: List[str] = []
        for word in _LATIN_WORD.findall(text):
            split = split_syllables(word)
            if split is None:
                return None
            syllables.extend(split)
        if len(syllables) < 2:
            return None
        out: List[str] = []
        covered = 0
        i = 0
        while i < len(syllables):
            for size in range(min(_MAX_WORD, len(syllables) - i), 1, -1):
                word = self.by_key.get(" ".join(syllables[i : i + size]))
                if word:
                    out.append(word)
                    covered += size
                    i += size
                    break
            else:
                out.append(self.by_syllable.get(syllables[i], syllables[i]))
                i += 1
        if covered * 2 < len(syllables):
            return None
        rest = _LATIN_WORD.sub("", text).strip()
        return "".join(out) + rest


def split_syllables(word: str) -> Optional[List[str]]:
    """A letter run as pinyin syllables ("dangbing" → ["dang", "bing"]), or None.

    Dynamic programming that prefers fewer, longer syllables ("xian" stays one).
    """
    known = pinyin_syllables()
    best: List[Optional[List[str]]] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = word[start:end]
            if head is not None and piece in known:
                candidate = head + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]

"""What a review item and a group of similar items are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.faq.answering import faq_ranking

#: Why a message was recorded: the bot declined it (low_confidence, out_of_scope), or it was
#: answered and then turned out to be a likely miss (the rest).
KINDS: Tuple[str, ...] = ("low_confidence", "out_of_scope", "downvote", "not_understood", "rephrased", "low_margin")
KIND_NAMES_ZH: Dict[str, str] = {
    "low_confidence": "没把握",
    "out_of_scope": "超出范围",
    "downvote": "学生点了👎",
    "not_understood": "回答后学生说没听懂",
    "rephrased": "学生换了说法再问",
    "low_margin": "两个条目得分接近",
}
#: The kinds of the turns the analytics count as 未能回答 (bot.usage.turns.MISS_KINDS: a
#: suggestion, a decline, "没听懂"), as the queue records them.
MISSED_KINDS: Tuple[str, ...] = ("low_confidence", "out_of_scope", "not_understood")
#: open → accepted (as a phrasing of ``faq_id``) → applied (written to faq/ by a patch);
#: open → new_faq_needed / ignored.
STATES: Tuple[str, ...] = ("open", "accepted", "new_faq_needed", "ignored", "applied")
#: What staff read for each state (portal and CLI).
STATE_NAMES_ZH: Dict[str, str] = {
    "open": "待处理",
    "accepted": "已采纳（待写入）",
    "new_faq_needed": "需要新FAQ",
    "ignored": "已忽略",
    "applied": "已写入FAQ文件",
}
#: Decisions an editor can take, by the state they lead to.
DECISIONS: Tuple[str, ...] = ("accepted", "new_faq_needed", "ignored", "open")
#: Longest text kept (a pasted article is cut; the editor needs the question, not the essay).
MAX_TEXT_CHARS = 300


@dataclass(frozen=True)
class Guess:
    faq_id: str
    confidence: float


def guesses_of(parse_data: Mapping[str, Any], limit: int = 3) -> List[Guess]:
    """The likeliest FAQ entries of a Rasa parse, best first."""
    return [Guess(item["id"], item["confidence"]) for item in faq_ranking(parse_data)[:limit]]


@dataclass(frozen=True)
class ReviewItem:
    id: int
    at: dt.datetime
    sender_id: str
    kind: str
    text: str
    normalized: str
    guesses: Tuple[Guess, ...]
    answered_faq: Optional[str]
    state: str
    faq_id: Optional[str]
    decided_by: Optional[str]
    decided_at: Optional[dt.datetime]
    follow_up: Optional[str] = None  # the student's next message when it showed the miss


@dataclass
class ReviewGroup:
    """Similar questions shown as one row of the queue; decisions apply to all its items."""

    text: str  # the most common wording
    items: List[ReviewItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def item_ids(self) -> List[int]:
        return [item.id for item in self.items]

    @property
    def last_at(self) -> dt.datetime:
        return max(item.at for item in self.items)

    @property
    def kinds(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for item in self.items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts

    @property
    def texts(self) -> List[str]:
        """Distinct wordings, most frequent first (then the one asked first)."""
        counts: Dict[str, int] = {}
        for item in sorted(self.items, key=lambda item: (item.at, item.id)):
            counts[item.text] = counts.get(item.text, 0) + 1
        return sorted(counts, key=lambda text: -counts[text])

    def top_guesses(self, limit: int = 3) -> List[Guess]:
        """The FAQ entries the bot guessed most for these questions (mean confidence)."""
        totals: Dict[str, float] = {}
        for item in self.items:
            for guess in item.guesses:
                totals[guess.faq_id] = totals.get(guess.faq_id, 0.0) + guess.confidence
        ranked = sorted(totals.items(), key=lambda pair: -pair[1])[:limit]
        return [Guess(faq_id, total / len(self.items)) for faq_id, total in ranked]

"""Groups similar questions so an editor decides once for "学费能退吗" and "学费可以退吗".

Items with the same comparison key (normalised, punctuation removed) are one group; groups
whose representative wordings share enough character bigrams (Jaccard) are merged,
greedily, largest first. Short Chinese questions share bigrams easily ("当兵有什么补贴" /
"当兵有什么要求" score 0.67), so below :data:`SURE_SIMILARITY` the bot's best FAQ guess
must agree as well. Cheap enough for the few thousand open items a queue holds.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from bot.lang.text import char_bigrams, jaccard
from bot.review.items import ReviewGroup, ReviewItem

#: Two wordings at least this similar (character bigram Jaccard) may be one question ...
DEFAULT_SIMILARITY = 0.35
#: ... and from this similarity on they are, whatever the bot guessed.
SURE_SIMILARITY = 0.75


def group_items(items: Sequence[ReviewItem], similarity: float = DEFAULT_SIMILARITY) -> List[ReviewGroup]:
    """Groups of similar items, most frequent first (then most recent)."""
    exact: Dict[str, List[ReviewItem]] = {}
    for item in items:
        exact.setdefault(item.normalized, []).append(item)
    seeds = sorted(exact.values(), key=lambda members: (-len(members), -max(m.at for m in members).timestamp()))

    groups: List[ReviewGroup] = []
    keys: List[Tuple[frozenset, Optional[str]]] = []
    for members in seeds:
        own, guess = char_bigrams(members[0].text), _top_guess(members[0])
        best, best_score = -1, similarity
        for index, (other, other_guess) in enumerate(keys):
            score = jaccard(own, other)
            if score >= best_score and (score >= SURE_SIMILARITY or guess == other_guess):
                best, best_score = index, score
        if best >= 0:
            groups[best].items.extend(members)
        else:
            groups.append(ReviewGroup(members[0].text, list(members)))
            keys.append((own, guess))
    for group in groups:
        group.text = group.texts[0]
        group.items.sort(key=lambda item: item.at, reverse=True)
    groups.sort(key=lambda group: (-group.count, -group.last_at.timestamp()))
    return groups


def _top_guess(item: ReviewItem) -> Optional[str]:
    return item.guesses[0].faq_id if item.guesses else None

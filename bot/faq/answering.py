"""Decides, from Rasa's parse of a message, whether to answer an FAQ entry or to suggest.

This is the single place where confidence thresholds turn into behaviour; the action that
answers students and the NLU evaluation both call :func:`decide`, so the evaluation
measures exactly what students get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from bot.faq.compiler import FAQ_ID_ENTITY, FAQ_INTENT

FALLBACK_INTENT = "nlu_fallback"
#: Parse keys the domain gate (bot/nlu/domain_gate.py) writes: P(about military service), and
#: a mark on the messages whose ``faq`` it turned into ``out_of_scope``.
DOMAIN_KEY = "domain"
GATED_KEY = "enlist_gated"
#: A message this short right after an FAQ answer continues that conversation ("那考研呢",
#: "研究生呢"): alone it names no military topic, so the domain gate or DIET declines it,
#: but in the conversation it is about service. It is answered when the selector is sure
#: of one entry; longer messages must stand on their own.
FOLLOW_UP_MAX_CHARS = 12
FOLLOW_UP_MIN_CONFIDENCE = 0.5
#: ... unless the domain gate is sure it is about something else ("考驾照呢" scores 0.02,
#: "那考研呢" 0.14 with the model of 2026-12-03).
FOLLOW_UP_MIN_DOMAIN = 0.1
#: A message DIET took for an FAQ question but the domain gate declined, which the gate does
#: not clearly place elsewhere and for which no entry stands out ("那个东西到底咋弄啊": domain
#: 0.42, best entry 0.19), is unclear rather than off topic: "请换个说法" with likely topics,
#: not "不在我的服务范围". What DIET itself calls out of scope (考驾照前的体检都查哪些项目) and
#: near-misses that resemble one entry strongly are still declined. On the evaluation sets
#: of 2026-12-03 this changes one held-out off-topic message (近视眼镜在哪配) and no near-miss.
UNCLEAR_MIN_DOMAIN = 0.15
UNCLEAR_MAX_CONFIDENCE = 0.25
#: Rasa's FallbackClassifier turns a message into ``nlu_fallback`` when DIET hesitates between
#: intents ("男生身高要多少才能当兵": the FAQ or the personal check, 0.4). When the FAQ selector
#: is this sure of one entry and the domain gate of the topic, the entry is answered (it
#: offers the personal check as a button) rather than "请换个说法".
FALLBACK_ANSWER_CONFIDENCE = 0.9
FALLBACK_ANSWER_DOMAIN = 0.9
#: Suggestions below this confidence are noise and are not offered as buttons.
SUGGESTION_FLOOR = 0.02
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class FaqDecision:
    """``answer`` one entry, or ``suggest`` up to three likely entries."""

    kind: str
    entry_id: Optional[str] = None
    confidence: float = 0.0
    suggestions: List[str] = field(default_factory=list)

    @property
    def answers(self) -> bool:
        return self.kind == "answer"


def faq_ranking(parse_data: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The response selector's ranking: ``[{"id": faq_id, "confidence": c}, ...]`` best first."""
    selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    ranking = []
    for item in selector.get("ranking") or []:
        key = item.get("intent_response_key") or ""
        if key.startswith(FAQ_INTENT + "/"):
            ranking.append({"id": key.split("/", 1)[1], "confidence": float(item.get("confidence") or 0.0)})
    ranking.sort(key=lambda item: item["confidence"], reverse=True)
    return ranking


def other_questions(parse_data: Mapping[str, Any], known_ids: Any) -> List[str]:
    """Entries of the other questions a message asked (bot/nlu/faq_selector.py), best first."""
    selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    found: List[str] = []
    for item in selector.get("other_questions") or []:
        key = item.get("intent_response_key") or ""
        entry_id = key.split("/", 1)[1] if key.startswith(FAQ_INTENT + "/") else None
        if entry_id is not None and entry_id in known_ids and entry_id not in found:
            found.append(entry_id)
    return found


def chosen_entry(parse_data: Mapping[str, Any]) -> Optional[str]:
    """The entry a topic button asked for (payload ``/faq{"faq_id": ...}``), if any."""
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == FAQ_ID_ENTITY and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def decide(parse_data: Mapping[str, Any], known_ids: Any, min_confidence: float) -> FaqDecision:
    """Answer when the message is an FAQ question and the best entry is confident enough."""
    intent = (parse_data.get("intent") or {}).get("name")
    ranking = [item for item in faq_ranking(parse_data) if item["id"] in known_ids]
    suggestions = [item["id"] for item in ranking if item["confidence"] >= SUGGESTION_FLOOR][:MAX_SUGGESTIONS]

    chosen = chosen_entry(parse_data)
    if intent == FAQ_INTENT and chosen is not None:
        if chosen in known_ids:
            return FaqDecision("answer", chosen, 1.0)
        return FaqDecision("suggest", suggestions=suggestions)
    if intent == FAQ_INTENT and ranking and ranking[0]["confidence"] >= min_confidence:
        return FaqDecision("answer", ranking[0]["id"], ranking[0]["confidence"])
    if (
        intent == FALLBACK_INTENT
        and ranking
        and ranking[0]["confidence"] >= FALLBACK_ANSWER_CONFIDENCE
        and float(parse_data.get(DOMAIN_KEY, 0.0)) >= FALLBACK_ANSWER_DOMAIN
    ):
        return FaqDecision("answer", ranking[0]["id"], ranking[0]["confidence"])
    return FaqDecision("suggest", confidence=ranking[0]["confidence"] if ranking else 0.0, suggestions=suggestions)


def follow_up(parse_data: Mapping[str, Any], previous_faq_id: Optional[str], known_ids: Any) -> Optional[FaqDecision]:
    """The answer to a short follow-up of the FAQ answer just given, or None (see
    ``FOLLOW_UP_MAX_CHARS``): the conversation it continues makes it about service."""
    text = "".join(str(parse_data.get("text") or "").split())
    if previous_faq_id is None or not text or len(text) > FOLLOW_UP_MAX_CHARS:
        return None
    if float(parse_data.get(DOMAIN_KEY, 1.0)) < FOLLOW_UP_MIN_DOMAIN:
        return None
    ranking = [item for item in faq_ranking(parse_data) if item["id"] in known_ids]
    if not ranking or ranking[0]["confidence"] < FOLLOW_UP_MIN_CONFIDENCE:
        return None
    return FaqDecision("answer", ranking[0]["id"], ranking[0]["confidence"])


def unclear_rather_than_off_topic(parse_data: Mapping[str, Any]) -> bool:
    """True when a message NLU declined is better met with "请换个说法" (see ``UNCLEAR_MIN_DOMAIN``)."""
    if DOMAIN_KEY not in parse_data or not parse_data.get(GATED_KEY):
        return False
    ranking = faq_ranking(parse_data)
    best = ranking[0]["confidence"] if ranking else 0.0
    return float(parse_data[DOMAIN_KEY]) >= UNCLEAR_MIN_DOMAIN and best < UNCLEAR_MAX_CONFIDENCE
